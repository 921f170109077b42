//! What a user's lists remember: views saved under a name and the records opened lately.

use crate::ids::{SavedViewId, UserId};
use crate::kinds::RecordKind;
use crate::validation::{ValidationErrors, clean_text};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A list's filters, sort and columns kept under a name, such as "My leads in Lyon".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedView {
    pub id: SavedViewId,
    pub user_id: UserId,
    pub kind: RecordKind,
    pub name: String,
    /// The list's query string, without paging.
    pub query: String,
    pub created_at: DateTime<Utc>,
}

impl SavedView {
    /// Checks a name and query a user submitted.
    pub fn validate(name: Option<String>, query: &str) -> Result<(String, String), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(name);
        match &name {
            None => errors.add("name", "is required"),
            Some(name) if name.chars().count() > 100 => errors.add("name", "must be at most 100 characters"),
            Some(_) => {}
        }
        if query.len() > 4000 {
            errors.add("query", "is too long");
        }
        // The query goes back into a `Location` header when the view is opened.
        if query.chars().any(crate::validation::is_ascii_control) {
            errors.add("query", "must not contain control characters");
        }
        if name.as_deref().is_some_and(|n| n.chars().any(crate::validation::is_forbidden_control)) {
            errors.add("name", "must not contain control characters");
        }
        errors.into_result()?;
        Ok((name.unwrap_or_default(), query.to_owned()))
    }
}

/// One record a user opened, newest first on the home page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentView {
    pub kind: RecordKind,
    pub id: Uuid,
    pub viewed_at: DateTime<Utc>,
}
