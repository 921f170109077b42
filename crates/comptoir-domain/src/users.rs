//! Who may do what. Every rule about roles lives here, so the services ask one place and no
//! handler carries its own idea of a permission.

use crate::ids::UserId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users, tokens and custom field definitions.
    Admin,
    /// Edits every record.
    Manager,
    /// Reads everything; edits the records they own.
    Sales,
    /// Reads everything; edits the records they own (support agents log calls and notes).
    Support,
    /// Reads only.
    Readonly,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Manager, Role::Sales, Role::Support, Role::Readonly];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Support => "support",
            Role::Readonly => "readonly",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role (expected admin, manager, sales, support or readonly)")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(UnknownRole)
    }
}

/// The authenticated user on whose behalf a use case runs. Passed explicitly to every service
/// call: nothing reads "the current user" from ambient state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
}

impl Actor {
    pub fn can_create_records(&self) -> bool {
        self.role != Role::Readonly
    }

    /// Whether this actor may change or delete a record owned by `owner`.
    pub fn can_modify(&self, owner: Option<UserId>) -> bool {
        match self.role {
            Role::Admin | Role::Manager => true,
            Role::Sales | Role::Support => owner == Some(self.user_id),
            Role::Readonly => false,
        }
    }

    /// Handing a record to someone else is a manager's decision; others may only keep it.
    pub fn can_assign_to(&self, owner: Option<UserId>) -> bool {
        match self.role {
            Role::Admin | Role::Manager => true,
            Role::Sales | Role::Support => owner == Some(self.user_id),
            Role::Readonly => false,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { user_id: UserId::new(), role }
    }

    #[test]
    fn sales_edit_only_what_they_own() {
        let sales = actor(Role::Sales);
        assert!(sales.can_modify(Some(sales.user_id)));
        assert!(!sales.can_modify(Some(UserId::new())));
        assert!(!sales.can_modify(None));
    }

    #[test]
    fn managers_edit_everything_and_readonly_nothing() {
        assert!(actor(Role::Manager).can_modify(Some(UserId::new())));
        let readonly = actor(Role::Readonly);
        assert!(!readonly.can_modify(Some(readonly.user_id)));
        assert!(!readonly.can_create_records());
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
        }
    }
}

/// Someone who signs in to Comptoir.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub version: i64,
    pub email: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// Preferred interface language ("fr" or "en"); the browser's choice when absent.
    pub locale: Option<String>,
    /// Where the user works, as an IANA time zone ("Europe/Paris"); the instance's when absent.
    pub timezone: Option<String>,
    /// Inactive users can neither sign in nor use their tokens; their records stay.
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl User {
    /// How the user is shown to colleagues: their name, else their email.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.email)
    }
}

/// What a client sends to create or (merged) update a user.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub locale: Option<String>,
    /// An IANA time zone such as `Europe/Paris`.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// Sets a new password (at least 12 characters). Never returned, never logged.
    #[serde(default, skip_serializing)]
    #[schema(value_type = Option<String>)]
    pub password: Option<crate::secret::Secret>,
}

pub const MIN_PASSWORD_LENGTH: usize = 12;

/// A user's validated fields.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFields {
    pub email: crate::email::EmailAddress,
    pub display_name: Option<String>,
    pub role: Role,
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub active: bool,
}

impl UserInput {
    pub fn validate(self) -> Result<(UserFields, Option<crate::secret::Secret>), crate::ValidationErrors> {
        let mut errors = crate::ValidationErrors::new();
        let email = match self.email.as_deref() {
            Some(raw) => errors.check("email", crate::email::EmailAddress::parse(raw)),
            None => {
                errors.add("email", "is required");
                None
            }
        };
        let display_name = crate::validation::clean_text(self.display_name);
        crate::validation::check_length(&mut errors, "display_name", &display_name, 200);
        if self.role.is_none() {
            errors.add("role", "is required (admin, manager, sales, support or readonly)");
        }
        let locale = crate::validation::clean_text(self.locale);
        if let Some(locale) = &locale
            && !["fr", "en"].contains(&locale.as_str())
        {
            errors.add("locale", "must be fr or en");
        }
        let timezone = crate::validation::clean_text(self.timezone);
        if let Some(zone) = &timezone
            && zone.parse::<chrono_tz::Tz>().is_err()
        {
            errors.add("timezone", "must be an IANA time zone such as Europe/Paris");
        }
        if let Some(password) = &self.password
            && password.expose().chars().count() < MIN_PASSWORD_LENGTH
        {
            errors.add("password", format!("must be at least {MIN_PASSWORD_LENGTH} characters"));
        }
        errors.into_result()?;
        let (Some(email), Some(role)) = (email, self.role) else {
            return Err(crate::ValidationErrors::single("email", "is required"));
        };
        Ok((
            UserFields { email, display_name, role, locale, timezone, active: self.active.unwrap_or(true) },
            self.password,
        ))
    }
}

impl User {
    pub fn to_input(&self) -> UserInput {
        UserInput {
            email: Some(self.email.clone()),
            display_name: self.display_name.clone(),
            role: Some(self.role),
            locale: self.locale.clone(),
            timezone: self.timezone.clone(),
            active: Some(self.active),
            password: None,
        }
    }
}

/// An API token as listed; the secret itself is shown once, at creation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: crate::ids::TokenId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When a server last checked it, to within the 30 s a server remembers a token.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}
