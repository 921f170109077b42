//! The rows a check refused, read again from its file with why: what the person who sent it
//! fixes in their spreadsheet before sending those rows again. A check keeps the first
//! thousand reasons; this gives every one, a batch of the file at a time.

use super::{App, BatchOf, IMPORT_BATCH, check_batch, record_kind, unreadable};
use crate::AppError;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::imports::Import;
use comptoir_domain::users::Actor;
use comptoir_import::FileError;
use comptoir_import::mapping::{Mapping, RowKind};
use comptoir_import::source::Source;
use comptoir_import::table::{Row, Table};
use std::collections::VecDeque;
use std::io::Read;

/// A refused row: its cells as the file has them, and each field's reason.
pub struct Refusal {
    pub row: Row,
    pub reasons: Vec<(String, String)>,
}

/// A checked file's refused rows, in the file's order, read as they are asked for.
pub struct Refusals<R: Read> {
    kind: RowKind,
    table: Table<R>,
    mapping: Mapping,
    definitions: Vec<CustomFieldDefinition>,
    actor: Actor,
    found: VecDeque<Refusal>,
    ended: bool,
}

impl App {
    /// The rows of `import`'s file (`input`) that its checks refuse. Only whoever sent the file,
    /// or an admin, reads it again: it is theirs.
    pub async fn refusals<R: Read>(
        &self,
        actor: &Actor,
        import: &Import,
        input: R,
    ) -> Result<Refusals<Source<R>>, AppError> {
        if import.created_by != Some(actor.user_id) && !actor.is_admin() {
            return Err(AppError::Forbidden("only whoever sent a file, or an admin, reads it again"));
        }
        let kind = RowKind::parse(&import.kind).unwrap_or_default();
        let table = Table::open(Source::open(input).map_err(unreadable)?).map_err(unreadable)?;
        let definitions = self.definitions(record_kind(kind)).await?;
        let mapping = Mapping::chosen(kind, table.header(), &definitions, &import.mapping)?;
        Ok(Refusals {
            kind,
            table,
            mapping,
            definitions,
            actor: *actor,
            found: VecDeque::new(),
            ended: false,
        })
    }
}

impl<R: Read> Refusals<R> {
    /// The file's header, which the refused rows' cells follow.
    pub fn header(&self) -> &[String] {
        self.table.header()
    }
}

impl<R: Read> Iterator for Refusals<R> {
    type Item = Result<Refusal, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.found.is_empty() && !self.ended {
            let rows = match self.table.next_batch(IMPORT_BATCH) {
                Ok(rows) if rows.is_empty() => {
                    self.ended = true;
                    break;
                }
                Ok(rows) => rows,
                Err(error) => {
                    self.ended = true;
                    return Some(Err(error));
                }
            };
            let width = self.table.header().len();
            let refused =
                match check_batch(self.kind, &rows, &self.mapping, width, &self.definitions, &self.actor) {
                    BatchOf::Contacts(read) => read.refused,
                    BatchOf::Companies(read) => read.refused,
                };
            let mut rows = rows.into_iter().peekable();
            for (line, reasons) in refused {
                // Both are in the file's order: the rows before a refused one are passed over.
                while rows.next_if(|row| row.line < line).is_some() {}
                if let Some(row) = rows.next_if(|row| row.line == line) {
                    self.found.push_back(Refusal { row, reasons });
                }
            }
        }
        self.found.pop_front().map(Ok)
    }
}
