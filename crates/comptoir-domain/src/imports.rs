//! Imports: a file's rows written as records in one operation, listed afterwards with what
//! they did, and undone as a whole.

use crate::duplicates::Reason;
use crate::ids::{OperationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many row errors an import keeps to show; beyond them it only counts.
pub const KEPT_ERRORS: usize = 1000;

/// How many records an undo names among those it left alone; beyond them it only counts.
pub const NAMED_LEFT_ALONE: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Rows are being read and written.
    Running,
    /// Every row was read; those without errors were written (or, for a dry run, counted).
    Done,
    /// The file could not be read to its end; what its finished batches wrote stays.
    Failed,
    /// It stopped without finishing (the process ended); importing the same file again
    /// takes it up where its last batch ended.
    Interrupted,
    /// Undone: what it created is gone, what it changed is back as it was.
    Undone,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
            ImportStatus::Interrupted => "interrupted",
            ImportStatus::Undone => "undone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Done, Self::Failed, Self::Interrupted, Self::Undone]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What an import did to the rows it read (or, for a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportCounts {
    /// Rows read, blank lines left out.
    pub rows: u64,
    pub created: u64,
    /// Records that matched a row (by email or phone) and took its values.
    pub updated: u64,
    /// Records that matched a row which changed nothing in them.
    pub unchanged: u64,
    /// Rows left out for an error, each listed in `errors`.
    pub skipped: u64,
    /// Companies created because a row named one that did not exist.
    pub companies_created: u64,
    /// Rows that would have made a new contact looking like one already on file: imported and
    /// listed for review, or left out when the import was asked to (`skip_lookalikes`).
    #[serde(default)]
    pub lookalikes: u64,
}

/// A row that would have made a new contact, and the contact on file it looks like.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lookalike {
    pub line: u64,
    /// The name (or, lacking one, the email) the row gives.
    pub written: String,
    pub contact_id: Uuid,
    /// How likely the two are one person, from 0 to 100.
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// Why a row was left out, by the line it starts on in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    /// The field as the API names it (`emails[0]`, `custom_fields.budget`), `row` for the
    /// row as a whole, `file` for a problem with the file itself.
    pub field: String,
    pub message: String,
}

/// What undoing an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UndoReport {
    pub undone_at: Option<DateTime<Utc>>,
    /// Records deleted (created by the import) or put back as they were (updated by it).
    pub reverted: u64,
    /// Records changed since the import, which the undo left as they are now.
    pub left_alone: u64,
    /// The first hundred of them.
    pub left_alone_ids: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Import {
    /// Also the operation id on every audit entry and event it wrote.
    pub id: OperationId,
    /// The kind of record it imports: `contacts`.
    pub kind: String,
    pub file_name: String,
    /// The file's SHA-256, by which an interrupted import is found again.
    pub file_sha256: String,
    pub created_by: Option<UserId>,
    pub status: ImportStatus,
    /// A dry run reads and checks every row and writes nothing.
    pub dry_run: bool,
    /// Which field each column filled: header → field key, `""` for a column left out.
    pub mapping: BTreeMap<String, String>,
    /// Rows whose batch is written: where an interrupted import starts again.
    pub rows_done: u64,
    /// The file's size, and how much of it has been read, in bytes: how far the import is.
    pub file_bytes: u64,
    pub bytes_read: u64,
    pub counts: ImportCounts,
    /// The first thousand rows left out, and why.
    pub errors: Vec<RowError>,
    /// Whether rows looking like a contact on file are left out rather than imported.
    pub skip_lookalikes: bool,
    /// The first thousand rows that look like a contact on file.
    pub lookalikes: Vec<Lookalike>,
    pub undo: Option<UndoReport>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Import {
    /// Notes that the row on `line` was left out for `errors`.
    pub fn skip(&mut self, line: u64, errors: impl IntoIterator<Item = (String, String)>) {
        self.counts.skipped += 1;
        for (field, message) in errors {
            self.report(line, field, message);
        }
    }

    /// Notes a row that looks like a contact on file; the caller imports it or leaves it out.
    pub fn resembles(&mut self, lookalike: Lookalike) {
        self.counts.lookalikes += 1;
        if self.lookalikes.len() < KEPT_ERRORS {
            self.lookalikes.push(lookalike);
        }
    }

    /// Notes a problem that is no row's: the file could not be read on, the import stopped.
    pub fn report(&mut self, line: u64, field: String, message: String) {
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(RowError { line, field, message });
        }
    }
}
