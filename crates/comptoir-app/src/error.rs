//! What a use case can answer instead of a result. The web layer turns each into an HTTP
//! status and a problem document; the command line prints it.

use comptoir_domain::ValidationErrors;
use comptoir_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// Also for records the actor may not see: their existence is not disclosed.
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// `If-Match` named a version that is no longer current.
    #[error("the record has changed since version {expected}; it is now at version {current}")]
    PreconditionFailed { expected: i64, current: i64 },
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database gave up on the work because of others at the same moment; nothing was
    /// written, and trying again works.
    #[error("the database is busy: {0}")]
    Busy(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why a write that found its record at another version than the one it read was refused.
const CHANGED_MEANWHILE: &str = "the record was changed at the same time; read it again and retry";

impl AppError {
    /// Whether a record written was changed by someone else since it was read: the work that
    /// read it may read it again and try once more.
    pub fn is_changed_meanwhile(&self) -> bool {
        matches!(self, AppError::Conflict(why) if why == CHANGED_MEANWHILE)
    }

    /// Whether the database gave up on the work for others' at the same moment: nothing was
    /// written, and the same work may run again.
    pub fn is_busy(&self) -> bool {
        matches!(self, AppError::Busy(_))
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Validation(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Duplicate { column } => {
                AppError::Validation(ValidationErrors::single(column, "is already taken"))
            }
            StoreError::MissingReference => {
                AppError::Validation(ValidationErrors::single("id", "refers to a record that does not exist"))
            }
            StoreError::VersionConflict => AppError::Conflict(CHANGED_MEANWHILE.to_owned()),
            StoreError::Contention(cause) => AppError::Busy(cause.to_string()),
            other => AppError::Store(other),
        }
    }
}
