//! Users: created by admins (or by the command line for the first one), with a role that
//! decides what they may do.

use crate::changes::{Origin, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::sessions::{FirstUser, already_set_up};
use crate::{App, AppError, admin_only, passwords};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::ids::UserId;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::time::now;
use comptoir_domain::users::{Actor, MIN_PASSWORD_LENGTH, User, UserInput};
use comptoir_store::Page;
use serde_json::Value;

const ONLY_ADMINS: &str = "only admins manage users";

impl App {
    /// Creates a user. `actor` is `None` when the command line does it.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        body: Value,
        once: Option<&Once>,
    ) -> Result<User, AppError> {
        admin_only(actor, ONLY_ADMINS)?;
        self.insert_user(actor, body, FirstUser::Any, once).await
    }

    pub(crate) async fn insert_user(
        &self,
        actor: Option<&Actor>,
        body: Value,
        first: FirstUser,
        once: Option<&Once>,
    ) -> Result<User, AppError> {
        let input: UserInput = parse(body)?;
        let (fields, password) = input.validate()?;
        let password_hash = match password {
            Some(password) => Some(passwords::hash(password.expose().to_owned()).await?),
            None => None,
        };
        let at = now();
        let user = User {
            id: UserId::new(),
            version: 1,
            email: fields.email.to_string(),
            display_name: fields.display_name,
            role: fields.role,
            locale: fields.locale,
            timezone: fields.timezone,
            active: fields.active,
            created_at: at,
            updated_at: at,
        };
        let mut tx = self.db.begin().await?;
        if first == FirstUser::Only && comptoir_store::users::any_locked(&mut tx).await? {
            return Err(already_set_up());
        }
        comptoir_store::users::insert(&mut tx, &user, password_hash.as_deref()).await?;
        record(
            &mut tx,
            Origin { actor, operation: None },
            Action::Create,
            ObjectType::User,
            user.id.0,
            None,
            Some(&user),
        )
        .await?;
        if let Some(actor) = actor {
            settle(&mut tx, actor, once, &user).await?;
        }
        tx.commit().await?;
        Ok(user)
    }

    pub async fn get_user(&self, actor: &Actor, id: UserId) -> Result<User, AppError> {
        // Someone else's account is not for non-admins to see, nor to learn exists.
        if actor.user_id != id && !actor.is_admin() {
            return Err(AppError::NotFound);
        }
        comptoir_store::users::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, AppError> {
        Ok(comptoir_store::users::find_by_email(&self.db, &email.trim().to_lowercase()).await?)
    }

    /// The active users, whom every role may see by name to assign records and tasks.
    pub async fn colleagues(&self, _actor: &Actor) -> Result<Vec<User>, AppError> {
        Ok(comptoir_store::users::active(&self.db).await?)
    }

    pub async fn count_users(&self) -> Result<i64, AppError> {
        Ok(comptoir_store::users::count(&self.db).await?)
    }

    pub async fn list_users(&self, actor: &Actor, query: &ListQuery) -> Result<Page<User>, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        Ok(comptoir_store::users::list(&self.db, query).await??)
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<User, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        self.apply_user_patch(actor, id, patch, if_match).await
    }

    /// Sets the signed-in user's own interface language; every role may.
    pub async fn set_own_locale(&self, actor: &Actor, locale: &str) -> Result<User, AppError> {
        let patch = serde_json::json!({ "locale": locale });
        self.apply_user_patch(actor, actor.user_id, &patch, None).await
    }

    /// Sets the signed-in user's own language and time zone (`None` for the browser's language
    /// and the instance's zone); every role may.
    pub async fn set_own_preferences(
        &self,
        actor: &Actor,
        locale: Option<&str>,
        timezone: Option<&str>,
    ) -> Result<User, AppError> {
        let patch = serde_json::json!({ "locale": locale, "timezone": timezone });
        self.apply_user_patch(actor, actor.user_id, &patch, None).await
    }

    /// Changes the signed-in user's own password once `current` proves it is them, counted
    /// against the same lockout as signing in. Every session of the user ends, this one too;
    /// the answer is a fresh session for the browser that asked.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        remember: bool,
    ) -> Result<crate::sessions::SignedIn, AppError> {
        let user = comptoir_store::users::get(&self.db, actor.user_id).await?.ok_or(AppError::NotFound)?;
        if new.chars().count() < MIN_PASSWORD_LENGTH {
            let message = format!("must be at least {MIN_PASSWORD_LENGTH} characters");
            return Err(ValidationErrors::single("new_password", message).into());
        }
        if self.sign_in(&user.email, current, false).await?.is_err() {
            return Err(ValidationErrors::single("current_password", "is not your current password").into());
        }
        let patch = serde_json::json!({ "password": new });
        self.apply_user_patch(actor, actor.user_id, &patch, None)
            .await
            .map_err(|error| rename_field(error, "password", "new_password"))?;
        match self.sign_in(&user.email, new, remember).await? {
            Ok(signed_in) => Ok(signed_in),
            Err(_) => Err(AppError::Conflict("the new password could not open a session".to_owned())),
        }
    }

    async fn apply_user_patch(
        &self,
        actor: &Actor,
        id: UserId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<User, AppError> {
        let current = comptoir_store::users::get(&self.db, id).await?.ok_or(AppError::NotFound)?;
        check_version(if_match, current.version)?;
        let (fields, password) = patched(&current.to_input(), patch)?.validate()?;
        if id == actor.user_id && (fields.role != current.role || !fields.active) {
            return Err(AppError::Forbidden("admins cannot demote or deactivate themselves"));
        }
        let password_hash = match password {
            Some(password) => Some(passwords::hash(password.expose().to_owned()).await?),
            None => None,
        };
        let user = User {
            version: current.version + 1,
            email: fields.email.to_string(),
            display_name: fields.display_name,
            role: fields.role,
            locale: fields.locale,
            timezone: fields.timezone,
            active: fields.active,
            updated_at: now(),
            ..current.clone()
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::users::update(&mut tx, &user, current.version, password_hash.as_deref()).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Update,
            ObjectType::User,
            id.0,
            Some(&current),
            Some(&user),
        )
        .await?;
        tx.commit().await?;
        // A changed role or deactivation must take effect on the next request.
        self.forget_tokens();
        if !user.active || password_hash.is_some() {
            comptoir_store::sessions::delete_for_user(&self.db, id).await?;
        }
        Ok(user)
    }

    /// Checks an email and password; `None` when either is wrong or the user is inactive.
    pub async fn verify_password(&self, email: &str, password: &str) -> Result<Option<User>, AppError> {
        // Without a user or a password, a dummy hash is checked all the same, so the time
        // taken does not tell which accounts exist or have a password.
        let Some(user) = self.find_user_by_email(email).await? else {
            passwords::verify_dummy(password.to_owned()).await?;
            return Ok(None);
        };
        let Some(stored) = comptoir_store::users::password_hash(&self.db, user.id).await? else {
            passwords::verify_dummy(password.to_owned()).await?;
            return Ok(None);
        };
        let valid = passwords::verify(password.to_owned(), stored).await?;
        Ok((valid && user.active).then_some(user))
    }
}

/// The same refusal, naming the field as the form that asked does.
fn rename_field(error: AppError, from: &str, to: &str) -> AppError {
    match error {
        AppError::Validation(mut errors) => {
            for error in &mut errors.0 {
                if error.field == from {
                    error.field = to.to_owned();
                }
            }
            AppError::Validation(errors)
        }
        other => other,
    }
}

/// `If-Match` must name the current version when it is given.
pub(crate) fn check_version(if_match: Option<i64>, current: i64) -> Result<(), AppError> {
    match if_match {
        Some(expected) if expected != current => Err(AppError::PreconditionFailed { expected, current }),
        _ => Ok(()),
    }
}

impl App {
    /// Adds an error on `field` when `user` names no user.
    pub(crate) async fn check_user_exists(
        &self,
        user: Option<UserId>,
        field: &str,
        errors: &mut ValidationErrors,
    ) -> Result<(), AppError> {
        if let Some(user) = user
            && comptoir_store::users::get(&self.db, user).await?.is_none()
        {
            errors.add(field, "is not a user");
        }
        Ok(())
    }
}
