//! Imports: a file's rows become records in one operation. Rows are read, checked and written
//! a batch at a time, each batch in one transaction that also moves the import's own row on;
//! so a file of any size holds one batch in memory, an import stopped halfway (even killed)
//! leaves whole batches only, and importing the same file again takes it up where its last
//! batch ended. A row with an error is left out and listed with its line; the others go on.
//! Every audit entry and event an import writes carries its id, so it can be undone as a whole.

mod batch;
mod company_batch;
mod lookalikes;
mod refusals;
mod templates;
mod undo;

pub use refusals::{Refusal, Refusals};
pub(crate) use undo::Step;

use crate::companies::Companies;
use crate::contacts::Contacts;
use crate::kind::Kind;
use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::{ImportTemplateId, OperationId};
use comptoir_domain::imports::{Import, ImportCounts, ImportStatus};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_import::FileError;
use comptoir_import::mapping::Mapping;
pub use comptoir_import::mapping::RowKind;
use comptoir_import::source::Source;
use comptoir_import::table::Table;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;

/// How many rows are read, checked and written together.
pub const IMPORT_BATCH: usize = 1000;

/// Every how many batches the database's statistics are brought up to date: the tables an
/// import grows must stay read through their indexes.
const STATISTICS_EVERY: u64 = 100;

/// How long an import may go without moving before it is taken for interrupted.
const STALE_AFTER: Duration = Duration::minutes(2);

/// What someone asks of an import, beside the file.
#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    /// What the rows are: contacts (the default) or companies.
    pub kind: RowKind,
    pub file_name: String,
    /// The file's SHA-256 ([`fingerprint`]), by which an interrupted import is found again.
    pub file_sha256: String,
    /// The file's size in bytes, to tell how far the import is.
    pub file_bytes: u64,
    /// Header → field key (`""` leaves the column out), in place of what the headers suggest.
    pub mapping: BTreeMap<String, String>,
    /// A template whose choices come first, for the columns the file has; `mapping` wins over it.
    pub template: Option<ImportTemplateId>,
    pub dry_run: bool,
    /// Whether rows that would make a new contact looking like one on file are left out,
    /// rather than imported and listed for review.
    pub skip_lookalikes: bool,
}

/// An import ready to run: its record, its file opened past the rows already written, and
/// what its columns fill.
pub struct Started<R: Read> {
    pub import: Import,
    kind: RowKind,
    table: Table<R>,
    mapping: Mapping,
}

/// A file's SHA-256 in hex, read to its end.
pub fn fingerprint(mut input: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Bytes written in lower-case hexadecimal, as a file's fingerprint is shown and stored.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every field a column of a file of `kind` may fill, by the key a mapping names it with.
pub fn fields_of(kind: RowKind, definitions: &[CustomFieldDefinition]) -> Vec<String> {
    comptoir_import::mapping::Target::all_keys(kind, definitions)
}

/// The kind of record a file's rows are.
pub fn record_kind(kind: RowKind) -> RecordKind {
    match kind {
        RowKind::Contacts => RecordKind::Contact,
        RowKind::Companies => RecordKind::Company,
    }
}

/// A file the import cannot read at all, as the error that names it.
fn unreadable(error: FileError) -> AppError {
    AppError::Validation(ValidationErrors::single("file", error.to_string()))
}

impl App {
    /// Opens `input` as the rows of `request.kind` to import and records the import; a real
    /// import of a file whose last import by the same user was interrupted takes that one up
    /// instead, past the rows it wrote.
    pub async fn start_import<R: Read>(
        &self,
        actor: &Actor,
        input: R,
        request: ImportRequest,
    ) -> Result<Started<Source<R>>, AppError> {
        let kind = request.kind;
        let refused = match kind {
            RowKind::Contacts => (!Contacts::may_create(actor)).then_some(Contacts::REFUSALS.create),
            RowKind::Companies => (!Companies::may_create(actor)).then_some(Companies::REFUSALS.create),
        };
        if let Some(refusal) = refused {
            return Err(AppError::Forbidden(refusal));
        }
        let mut table = Table::open(Source::open(input).map_err(unreadable)?).map_err(unreadable)?;
        let definitions = self.definitions(record_kind(kind)).await?;
        let resumed = if request.dry_run {
            None
        } else {
            let stale = now() - STALE_AFTER;
            comptoir_store::imports::unfinished(
                &self.db,
                &request.file_sha256,
                kind.as_str(),
                actor.user_id,
                stale,
            )
            .await?
        };
        if let Some(mut import) = resumed {
            let mapping = Mapping::chosen(kind, table.header(), &definitions, &import.mapping)?;
            table.skip(import.rows_done).map_err(unreadable)?;
            import.status = ImportStatus::Running;
            import.updated_at = now();
            let mut tx = self.db.begin().await?;
            comptoir_store::imports::save(&mut tx, &import).await?;
            tx.commit().await?;
            return Ok(Started { import, kind, table, mapping });
        }
        let mut choices = match request.template {
            Some(template) => self.template_choices(template, kind, table.header()).await?,
            None => BTreeMap::new(),
        };
        choices.extend(request.mapping);
        let mapping = Mapping::chosen(kind, table.header(), &definitions, &choices)?;
        let missing = match kind {
            RowKind::Contacts => {
                (!mapping.names_someone()).then_some("no column gives a name or an email address")
            }
            RowKind::Companies => {
                (!mapping.names_a_company()).then_some("no column gives the company's name")
            }
        };
        if let Some(missing) = missing {
            return Err(AppError::Validation(ValidationErrors::single("mapping", missing)));
        }
        let at = now();
        let import = Import {
            id: OperationId::new(),
            kind: kind.as_str().to_owned(),
            file_name: request.file_name,
            file_sha256: request.file_sha256,
            created_by: Some(actor.user_id),
            status: ImportStatus::Running,
            dry_run: request.dry_run,
            mapping: mapping.describe(table.header()),
            rows_done: 0,
            file_bytes: request.file_bytes,
            bytes_read: 0,
            counts: ImportCounts::default(),
            errors: Vec::new(),
            skip_lookalikes: request.skip_lookalikes,
            lookalikes: Vec::new(),
            undo: None,
            created_at: at,
            updated_at: at,
            finished_at: None,
        };
        comptoir_store::imports::insert(&self.db, &import).await?;
        Ok(Started { import, kind, table, mapping })
    }

    /// Runs a started import to the end of its file. The file is read and its rows checked on
    /// a thread of their own, a batch ahead of the writes, so both cores work. `progress` hears
    /// the import after each batch. A file that turns out unreadable halfway ends the import as
    /// failed, with the batches before written.
    pub async fn run_import<R: Read + Send + 'static>(
        &self,
        actor: &Actor,
        started: Started<R>,
        progress: &(dyn Fn(&Import) + Send + Sync),
    ) -> Result<Import, AppError> {
        let Started { mut import, kind, table, mapping } = started;
        let definitions = self.definitions(record_kind(kind)).await?;
        let (sender, mut batches_read) = tokio::sync::mpsc::channel(1);
        let reader = *actor;
        let reading = tokio::task::spawn_blocking(move || {
            read_ahead(kind, table, &mapping, &definitions, &reader, &sender)
        });
        let mut companies = batch::CompanyCache::default();
        let on_file = match kind {
            RowKind::Contacts => self.contacts_on_file().await?,
            RowKind::Companies => None,
        };
        let mut batches = 0u64;
        loop {
            // Soon after the start too: an empty table's statistics say nothing of its next rows.
            if matches!(batches, 5 | 20) || batches.is_multiple_of(STATISTICS_EVERY) {
                comptoir_store::contacts::refresh_statistics(&self.db).await?;
            }
            batches += 1;
            let (read, bytes_read) = match batches_read.recv().await {
                Some(Ok(next)) => next,
                Some(Err(error)) => {
                    let line = match &error {
                        FileError::Malformed { line, .. } => *line,
                        _ => 0,
                    };
                    import.report(line, "file".to_owned(), error.to_string());
                    import.status = ImportStatus::Failed;
                    break;
                }
                None => {
                    // The reader is done: at the file's end, or stopped by a fault of its own.
                    if reading.await.is_err() {
                        import.report(0, "file".to_owned(), "the file could not be read on".to_owned());
                        import.status = ImportStatus::Failed;
                    } else {
                        import.status = ImportStatus::Done;
                        import.bytes_read = import.file_bytes;
                    }
                    break;
                }
            };
            // Text decoded from a one-byte encoding is longer than the file: never past its end.
            import.bytes_read = bytes_read.min(import.file_bytes);
            if let Err(error) =
                self.write_batch(actor, &mut import, &read, &mut companies, on_file.as_ref()).await
            {
                // The batches before stay written; the import says it stopped, and why.
                import.report(0, "import".to_owned(), format!("stopped: {error}"));
                import.status = ImportStatus::Failed;
                import.updated_at = now();
                if let Ok(mut tx) = self.db.begin().await
                    && comptoir_store::imports::save(&mut tx, &import).await.is_ok()
                {
                    let _ = tx.commit().await;
                }
                return Err(error);
            }
            progress(&import);
        }
        let at = now();
        import.updated_at = at;
        import.finished_at = Some(at);
        let mut tx = self.db.begin().await?;
        comptoir_store::imports::save(&mut tx, &import).await?;
        tx.commit().await?;
        progress(&import);
        Ok(import)
    }

    /// One import, as anyone may see it: an import said to run that has not moved for a while
    /// is shown as interrupted.
    pub async fn get_import(&self, _actor: &Actor, id: OperationId) -> Result<Import, AppError> {
        let import = comptoir_store::imports::get(&self.db, id).await?.ok_or(AppError::NotFound)?;
        Ok(as_seen(import, now()))
    }

    /// The latest imports, newest first. Every role sees them; `None` is the command line.
    pub async fn list_imports(
        &self,
        _actor: Option<&Actor>,
        before: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<Import>, AppError> {
        let at = now();
        let imports = comptoir_store::imports::list(&self.db, before, limit.clamp(1, 100)).await?;
        Ok(imports.into_iter().map(|i| as_seen(i, at)).collect())
    }
}

impl App {
    /// Writes a batch (or, for a dry run, counts what it would write) and moves `import` on. A
    /// record changed by someone else between the reading and the writing, or a write the
    /// database gave up for others', makes the batch start again from the reading.
    async fn write_batch(
        &self,
        actor: &Actor,
        import: &mut Import,
        read: &BatchOf,
        companies: &mut batch::CompanyCache,
        on_file: Option<&lookalikes::ContactsOnFile>,
    ) -> Result<(), AppError> {
        let mut attempts = 0;
        loop {
            let tried = match read {
                BatchOf::Contacts(read) => {
                    self.try_contact_batch(actor, import, read, companies, on_file).await
                }
                BatchOf::Companies(read) => self.try_company_batch(actor, import, read).await,
            };
            match tried {
                Err(error) if (error.is_changed_meanwhile() || error.is_busy()) && attempts < 3 => {
                    attempts += 1
                }
                Err(error) => return Err(error),
                Ok(moved) => {
                    *import = moved;
                    return Ok(());
                }
            }
        }
    }
}

/// A batch of rows read and checked, of one kind or the other.
enum BatchOf {
    Contacts(batch::Read),
    Companies(company_batch::Read),
}

/// A batch read, and how many bytes of text the file has given so far.
type BatchRead = Result<(BatchOf, u64), FileError>;

/// Reads `table` a batch at a time and checks its rows, until its end, a file error, or the
/// import no longer listening.
fn read_ahead<R: Read>(
    kind: RowKind,
    mut table: Table<R>,
    mapping: &Mapping,
    definitions: &[comptoir_domain::custom_fields::CustomFieldDefinition],
    actor: &Actor,
    sender: &tokio::sync::mpsc::Sender<BatchRead>,
) {
    let width = table.header().len();
    loop {
        let rows = match table.next_batch(IMPORT_BATCH) {
            Ok(rows) if rows.is_empty() => return,
            Ok(rows) => rows,
            Err(error) => {
                let _ = sender.blocking_send(Err(error));
                return;
            }
        };
        let read = check_batch(kind, &rows, mapping, width, definitions, actor);
        if sender.blocking_send(Ok((read, table.bytes_read()))).is_err() {
            return;
        }
    }
}

/// Reads and checks a batch of rows of `kind`.
fn check_batch(
    kind: RowKind,
    rows: &[comptoir_import::table::Row],
    mapping: &Mapping,
    width: usize,
    definitions: &[CustomFieldDefinition],
    actor: &Actor,
) -> BatchOf {
    match kind {
        RowKind::Contacts => {
            BatchOf::Contacts(batch::Read::contacts(rows, mapping, width, definitions, actor))
        }
        RowKind::Companies => {
            BatchOf::Companies(company_batch::Read::companies(rows, mapping, width, definitions, actor))
        }
    }
}

fn as_seen(mut import: Import, at: DateTime<Utc>) -> Import {
    if import.status == ImportStatus::Running && import.updated_at < at - STALE_AFTER {
        import.status = ImportStatus::Interrupted;
    }
    import
}
