//! Signing in and out of the browser interface, and the first admin of an empty instance.

use crate::secrets::{random_secret, stored_hash};
use crate::{App, AppError, passwords};
use chrono::{DateTime, TimeDelta, Utc};
use comptoir_domain::sessions::{Session, lockout_after};
use comptoir_domain::time::now;
use comptoir_domain::users::{Role, User};
use comptoir_domain::validation::is_forbidden_control;
use serde_json::Value;

/// A session just opened: the cookie secret exists only in this value.
pub struct SignedIn {
    pub secret: String,
    pub session: Session,
    pub user: User,
}

/// Why a sign-in was refused, in terms a sign-in form can show.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong email or password, or an inactive user: the form does not say which.
    WrongCredentials,
    /// Too many failures for this address; try again after this long.
    LockedOut(TimeDelta),
}

/// A signed-in visitor, resolved from their cookie.
pub struct CurrentSession {
    pub session: Session,
    pub user: User,
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl App {
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        remember: bool,
    ) -> Result<Result<SignedIn, SignInRefusal>, AppError> {
        let key = email_key(email);
        let at = now();
        if key.chars().any(is_forbidden_control) {
            // No account has such an address; answer as slowly as for one that exists.
            passwords::verify_dummy(password.to_owned()).await?;
            return Ok(Err(SignInRefusal::WrongCredentials));
        }
        // The attempt is counted as a failure before the password is checked, in one step
        // with reading the count: parallel guesses each use up a try, and the one that
        // reaches the limit locks the address for those after it. A right password then
        // clears the count.
        let mut tx = self.db.begin().await?;
        let (failures, locked_until) = comptoir_store::sessions::lock_failures(&mut tx, &key, at).await?;
        if let Some(until) = locked_until
            && until > at
        {
            tx.commit().await?;
            return Ok(Err(SignInRefusal::LockedOut(until - at)));
        }
        let failures = failures + 1;
        let locked_until = lockout_after(failures).map(|delay| at + delay);
        comptoir_store::sessions::set_failures(&mut tx, &key, failures, locked_until).await?;
        tx.commit().await?;
        let Some(user) = self.verify_password(&key, password).await? else {
            tracing::info!(failures, "sign-in refused");
            return Ok(Err(match locked_until {
                Some(until) => SignInRefusal::LockedOut(until - at),
                None => SignInRefusal::WrongCredentials,
            }));
        };
        comptoir_store::sessions::clear_failures(&self.db, &key).await?;
        let session = Session {
            user_id: user.id,
            csrf_token: random_secret(),
            remember,
            created_at: at,
            last_seen_at: at,
            expires_at: at + Session::lifetime(remember),
        };
        let secret = random_secret();
        comptoir_store::sessions::insert(&self.db, &stored_hash(&secret), &session).await?;
        Ok(Ok(SignedIn { secret, session, user }))
    }

    /// The session a cookie secret opens, extended when it has not been for a while; `None`
    /// when it is unknown, expired, or its user was deactivated.
    pub async fn session(&self, secret: &str) -> Result<Option<CurrentSession>, AppError> {
        let hash = stored_hash(secret);
        let at = now();
        let Some(mut session) = comptoir_store::sessions::find(&self.db, &hash, at).await? else {
            return Ok(None);
        };
        let Some(user) = comptoir_store::users::get(&self.db, session.user_id).await? else {
            return Ok(None);
        };
        if !user.active {
            comptoir_store::sessions::delete(&self.db, &hash).await?;
            return Ok(None);
        }
        if session.needs_refresh(at) {
            session.last_seen_at = at;
            session.expires_at = at + Session::lifetime(session.remember);
            comptoir_store::sessions::touch(&self.db, &hash, at, session.expires_at).await?;
        }
        Ok(Some(CurrentSession { session, user }))
    }

    pub async fn sign_out(&self, secret: &str) -> Result<(), AppError> {
        Ok(comptoir_store::sessions::delete(&self.db, &stored_hash(secret)).await?)
    }

    /// Removes expired sessions (the team's and the portal's) and sign-in links, and failed
    /// sign-ins older than a day, which no longer lock anything out.
    pub async fn expire_sessions(&self, at: DateTime<Utc>) -> Result<u64, AppError> {
        comptoir_store::sessions::delete_old_failures(&self.db, at - TimeDelta::days(1)).await?;
        let portal = comptoir_store::portal::delete_expired(&self.db, at).await?;
        Ok(comptoir_store::sessions::delete_expired(&self.db, at).await? + portal)
    }

    /// Creates the first user, an admin, on an instance that has none; refused once anyone
    /// exists, so the set-up page cannot be used to take over an instance. Checking and
    /// creating are one step, so racing set-ups make one admin, not several.
    pub async fn create_first_admin(&self, mut body: Value) -> Result<User, AppError> {
        if self.count_users().await? > 0 {
            return Err(already_set_up());
        }
        if let Some(object) = body.as_object_mut() {
            object.insert("role".to_owned(), Value::from(Role::Admin.as_str()));
        }
        if body.get("password").is_none_or(Value::is_null) {
            return Err(comptoir_domain::ValidationErrors::single("password", "is required").into());
        }
        self.insert_user(None, body, FirstUser::Only, None).await
    }
}

/// The answer to setting up an instance that already has users.
pub(crate) fn already_set_up() -> AppError {
    AppError::Forbidden("this instance already has users; sign in instead")
}

/// Whether a new user may only be the instance's first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FirstUser {
    Only,
    Any,
}
