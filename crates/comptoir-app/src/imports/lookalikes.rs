//! Rows that would make a new contact looking like one already on file: the contacts on file
//! are gathered once, as the keys they are found by, when an import of contacts starts; each
//! batch then compares its new rows with the few contacts sharing a key, read from the
//! database. Contacts the import itself creates are left to the scan that follows it.

use super::App;
use crate::AppError;
use crate::duplicates::profile;
use comptoir_domain::contacts::ContactFields;
use comptoir_domain::duplicates::{LIKELY, identifiers};
use comptoir_domain::imports::Lookalike;
use comptoir_match::{Lookup, OnFile, Person, Profile, Sounds};
use comptoir_store::duplicates::profiles_of;
use std::collections::HashMap;
use uuid::Uuid;

/// Contacts read per query when a batch compares its rows with those on file: well under
/// either engine's limit on bound values.
const COMPARED_PER_QUERY: usize = 5_000;

/// The contacts on file when an import started, to look its rows up in.
pub(super) struct ContactsOnFile {
    lookup: Lookup,
    identifying: Vec<String>,
    sounds: Sounds,
}

/// A row about to become a new contact: its line, what it is called, and its profile.
pub(super) struct NewRow {
    pub line: u64,
    pub written: String,
    pub profile: Profile,
}

impl App {
    /// Gathers every contact on file, page by page; `None` when there are none.
    pub(super) async fn contacts_on_file(&self) -> Result<Option<ContactsOnFile>, AppError> {
        let identifying = self.identifying_keys().await?;
        let sounds = Sounds::default();
        let contacts = comptoir_store::contacts::count(&self.db).await?;
        let mut gathering = OnFile::with_capacity(usize::try_from(contacts).unwrap_or_default());
        self.each_profile_page(&identifying, |rows| {
            for mut row in rows {
                // A row sharing an email or a phone with a contact on file updates that contact:
                // only rows that share neither are compared, so how common each is need not be
                // counted (two million values at a million contacts).
                row.emails.clear();
                row.phones.clear();
                gathering.add(&profile(&row, &sounds));
            }
        })
        .await?;
        let lookup = gathering.finish();
        Ok((!lookup.is_empty()).then_some(ContactsOnFile { lookup, identifying, sounds }))
    }
}

impl ContactsOnFile {
    /// A row's contact as duplicate detection reads it, at the company it will join.
    pub(super) fn new_row(&self, line: u64, fields: &ContactFields, company: Option<Uuid>) -> NewRow {
        let emails: Vec<String> = fields.emails.iter().map(|e| e.address.as_str().to_owned()).collect();
        let identifiers =
            identifiers(fields.external_id.as_deref(), &fields.custom_fields, &self.identifying);
        // A row that shared an email or a phone with a contact on file would be about that
        // contact: those that reach this point differ on both from every contact, the same
        // person's as much as a stranger's, so their difference says nothing and is left out.
        let person = Person {
            first_name: fields.first_name.as_deref(),
            last_name: fields.last_name.as_deref(),
            emails: &[],
            phones: &[],
            company,
            postal_code: fields.address.postal_code.as_deref(),
            street: fields.address.street.as_deref(),
            identifiers: &identifiers,
        };
        let name = [&fields.first_name, &fields.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let written = if name.is_empty() { emails.first().cloned().unwrap_or_default() } else { name };
        NewRow { line, written, profile: Profile::new(Uuid::nil(), &person, &self.sounds) }
    }

    /// Each row of `rows` that looks likely to be a contact on file, by its line.
    pub(super) async fn resemblances(
        &self,
        app: &App,
        rows: &[NewRow],
    ) -> Result<HashMap<u64, Lookalike>, AppError> {
        let candidates: Vec<Vec<Uuid>> =
            rows.iter().map(|row| self.lookup.candidates(&row.profile)).collect();
        let mut wanted: Vec<Uuid> = candidates.iter().flatten().copied().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut on_file: HashMap<Uuid, Profile> = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(COMPARED_PER_QUERY) {
            let read = profiles_of(&app.db, chunk, &self.identifying).await?;
            on_file.extend(read.iter().map(|row| (row.id.0, profile(row, &self.sounds))));
        }
        let mut found = HashMap::new();
        for (row, ids) in rows.iter().zip(&candidates) {
            let theirs = ids.iter().filter_map(|id| on_file.get(id));
            if let Some((contact_id, verdict)) = self.lookup.likeliest(&row.profile, theirs, LIKELY) {
                let lookalike = Lookalike {
                    line: row.line,
                    written: row.written.clone(),
                    contact_id,
                    score: verdict.score,
                    reasons: verdict.reasons,
                };
                found.insert(row.line, lookalike);
            }
        }
        Ok(found)
    }
}
