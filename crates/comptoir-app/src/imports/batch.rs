//! One batch of an import: its rows read and checked, matched to the contacts they are about,
//! their companies found or created, and everything written in one transaction.

use super::App;
use super::lookalikes::{ContactsOnFile, NewRow};
use crate::AppError;
use crate::changes::{Change, Recorded};
use crate::contacts::{Contacts, company_search};
use crate::kind::Kind;
use comptoir_domain::audit::Action;
use comptoir_domain::companies::{Company, CompanyInput};
use comptoir_domain::contacts::{CompanySummary, Contact, ContactFields, MAX_EMAILS, MAX_PHONES};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::imports::{Import, Lookalike};
use comptoir_domain::kinds::{ObjectType, RecordKind};
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_import::mapping::Mapping;
use comptoir_import::table::Row;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// How many companies an import remembers by name before it starts again from an empty memory.
const REMEMBERED_COMPANIES: usize = 100_000;

/// Which of a contact's single fields a row gives: those it leaves empty keep their value in
/// the contact it updates.
#[derive(Clone, Copy, Default)]
struct Given {
    first_name: bool,
    last_name: bool,
    job_title: bool,
    street: bool,
    postal_code: bool,
    city: bool,
    region: bool,
    country: bool,
    language: bool,
    lifecycle_stage: bool,
    source: bool,
    external_id: bool,
}

/// A row that reads as a valid contact.
struct Item {
    line: u64,
    given: Given,
    fields: ContactFields,
    company: Option<String>,
}

/// A batch's rows, read and checked; those with errors already noted.
pub struct Read {
    rows: u64,
    items: Vec<Item>,
    pub(super) refused: Vec<(u64, Vec<(String, String)>)>,
}

impl Read {
    pub fn contacts(
        rows: &[Row],
        mapping: &Mapping,
        width: usize,
        definitions: &[CustomFieldDefinition],
        actor: &Actor,
    ) -> Read {
        let mut read = Read { rows: rows.len() as u64, items: Vec::new(), refused: Vec::new() };
        for row in rows {
            let checked = comptoir_import::contacts::read(row, mapping, width, definitions).and_then(|row| {
                let input = &row.input;
                let address = input.address.clone().unwrap_or_default();
                let given = Given {
                    first_name: input.first_name.is_some(),
                    last_name: input.last_name.is_some(),
                    job_title: input.job_title.is_some(),
                    street: address.street.is_some(),
                    postal_code: address.postal_code.is_some(),
                    city: address.city.is_some(),
                    region: address.region.is_some(),
                    country: address.country.is_some(),
                    language: input.language.is_some(),
                    lifecycle_stage: input.lifecycle_stage.is_some(),
                    source: input.source.is_some(),
                    external_id: input.external_id.is_some(),
                };
                let fields = row.input.validate(definitions, actor.user_id)?;
                Ok(Item { line: row.line, given, fields, company: row.company })
            });
            match checked {
                Ok(item) => read.items.push(item),
                Err(errors) => read
                    .refused
                    .push((row.line, errors.0.into_iter().map(|e| (e.field, e.message)).collect())),
            }
        }
        read
    }
}

/// Companies found or created, by their names folded (`search::fold`): accents, case and
/// punctuation aside, as the database finds them.
#[derive(Default)]
pub struct CompanyCache(HashMap<String, CompanySummary>);

/// `current` with what `item` gives: the single fields it fills replace theirs, its emails,
/// phones and tags join theirs, its custom fields are set.
fn absorb(current: &ContactFields, item: &Item, company: Option<&CompanySummary>) -> ContactFields {
    let (given, new) = (item.given, &item.fields);
    let mut merged = current.clone();
    let take = |flag: bool, target: &mut Option<String>, value: &Option<String>| {
        if flag {
            target.clone_from(value);
        }
    };
    take(given.first_name, &mut merged.first_name, &new.first_name);
    take(given.last_name, &mut merged.last_name, &new.last_name);
    take(given.job_title, &mut merged.job_title, &new.job_title);
    take(given.street, &mut merged.address.street, &new.address.street);
    take(given.postal_code, &mut merged.address.postal_code, &new.address.postal_code);
    take(given.city, &mut merged.address.city, &new.address.city);
    take(given.region, &mut merged.address.region, &new.address.region);
    take(given.country, &mut merged.address.country, &new.address.country);
    take(given.language, &mut merged.language, &new.language);
    take(given.source, &mut merged.source, &new.source);
    take(given.external_id, &mut merged.external_id, &new.external_id);
    if given.lifecycle_stage {
        merged.lifecycle_stage = new.lifecycle_stage;
    }
    for email in &new.emails {
        if merged.emails.len() < MAX_EMAILS && !merged.emails.iter().any(|e| e.address == email.address) {
            merged.emails.push(email.clone());
        }
    }
    for phone in &new.phones {
        if merged.phones.len() < MAX_PHONES && !merged.phones.iter().any(|p| p.number == phone.number) {
            merged.phones.push(phone.clone());
        }
    }
    for tag in &new.tags {
        if !merged.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            merged.tags.push(tag.clone());
        }
    }
    for (key, value) in &new.custom_fields {
        merged.custom_fields.insert(key.clone(), value.clone());
    }
    if let Some(company) = company {
        merged.company_id = Some(company.id);
    }
    merged
}

/// The keys a contact is matched by, the surest first: its external id, its emails
/// (lower-cased) and its phones.
fn keys(fields: &ContactFields) -> impl Iterator<Item = String> + '_ {
    let external = fields.external_id.iter().map(|id| format!("external:{id}"));
    let emails = fields.emails.iter().map(|e| e.address.as_str().to_lowercase());
    external.chain(emails).chain(fields.phones.iter().map(|p| p.number.as_str().to_owned()))
}

/// Whether a row may be about `contact`: not when each has an external id and they differ,
/// whatever email or phone they share (two customers of another system, one address).
fn may_be(contact: &ContactFields, row: &ContactFields) -> bool {
    match (&contact.external_id, &row.external_id) {
        (Some(theirs), Some(ours)) => theirs == ours,
        _ => true,
    }
}

/// A record the batch creates (`before` is `None`) or may change.
pub(super) struct Touched<R> {
    pub before: Option<R>,
    pub after: R,
}

/// What a batch writes of the records it touched, with the changes the audit log and the events
/// tell.
pub(super) struct Settled<R> {
    pub created: Vec<R>,
    /// Each changed record after and before.
    pub updated: Vec<(R, R)>,
    pub changes: Vec<Change>,
}

/// Sorts the records of `touched` into those created and those changed, with their changes,
/// and counts them in `moved`; one that ends as it was is counted unchanged. `stamped` gives a
/// changed record its next version, at the batch's time.
pub(super) fn settle<K: Kind>(
    touched: Vec<Touched<K::Record>>,
    moved: &mut Import,
    stamped: impl Fn(K::Record, &K::Record) -> K::Record,
) -> Result<Settled<K::Record>, AppError>
where
    K::Fields: PartialEq,
{
    let mut settled = Settled { created: Vec::new(), updated: Vec::new(), changes: Vec::new() };
    for Touched { before, after } in touched {
        match before {
            None => {
                settled.changes.push(Change {
                    action: Action::Create,
                    object_type: K::OBJECT,
                    object_id: K::id(&after).into(),
                    before: Value::Null,
                    after: to_json(K::fields(&after))?,
                });
                settled.created.push(after);
            }
            Some(before) if K::fields(&before) != K::fields(&after) => {
                let after = stamped(after, &before);
                settled.changes.push(Change {
                    action: Action::Update,
                    object_type: K::OBJECT,
                    object_id: K::id(&before).into(),
                    before: to_json(K::fields(&before))?,
                    after: to_json(K::fields(&after))?,
                });
                settled.updated.push((after, before));
            }
            Some(_) => moved.counts.unchanged += 1,
        }
    }
    moved.counts.created += settled.created.len() as u64;
    moved.counts.updated += settled.updated.len() as u64;
    Ok(settled)
}

impl App {
    /// Writes a batch (or, for a dry run, counts what it would write): `import` moved on.
    pub(super) async fn try_contact_batch(
        &self,
        actor: &Actor,
        import: &Import,
        read: &Read,
        companies: &mut CompanyCache,
        on_file: Option<&ContactsOnFile>,
    ) -> Result<Import, AppError> {
        // Everything the batch needs to know is read first, outside the write transaction.
        if companies.0.len() > REMEMBERED_COMPANIES {
            companies.0.clear();
        }
        let mut wanted: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for name in read.items.iter().filter_map(|i| i.company.as_deref()) {
            let key = fold(name);
            if !companies.0.contains_key(&key) && seen.insert(key.clone()) {
                wanted.push(key);
            }
        }
        let found_companies = comptoir_store::companies::named(&self.db, &wanted).await?;
        let company_definitions = self.definitions(RecordKind::Company).await?;
        let mut external_ids = Vec::new();
        let mut emails = Vec::new();
        let mut phones = Vec::new();
        for item in &read.items {
            external_ids.extend(item.fields.external_id.iter().cloned());
            emails.extend(item.fields.emails.iter().map(|e| e.address.as_str().to_lowercase()));
            phones.extend(item.fields.phones.iter().map(|p| p.number.as_str().to_owned()));
        }
        let existing = comptoir_store::contacts::matching(&self.db, &external_ids, &emails, &phones).await?;
        let mut domains: Vec<String> = read
            .items
            .iter()
            .filter(|i| i.company.is_none())
            .filter_map(|i| work_domain(&i.fields))
            .collect();
        domains.sort_unstable();
        domains.dedup();
        let by_domain = companies_by_domain(if domains.is_empty() {
            Vec::new()
        } else {
            comptoir_store::companies::matching(&self.db, &[], &domains, &[]).await?
        });

        let resemblances = match on_file {
            Some(on_file) => {
                let rows = new_rows(read, on_file, companies, &found_companies, &existing, &by_domain);
                on_file.resemblances(self, &rows).await?
            }
            None => HashMap::new(),
        };

        let known = Known {
            companies,
            found_companies,
            company_definitions: &company_definitions,
            existing,
            by_domain,
            resemblances,
        };
        let Plan { moved, new_companies, named, created, updated, changes } =
            plan(actor, import, read, known)?;

        let mut tx = self.db.begin().await?;
        if !import.dry_run {
            // The audit entries are worked out on another core while SQLite writes the records:
            // the two took turns, and each waited on the other.
            let (actor_id, operation) = (Some(actor.user_id), Some(import.id));
            let recorded = tokio::task::spawn_blocking(move || Recorded::of(actor_id, operation, changes));
            comptoir_store::companies::insert_many(&mut tx, &new_companies).await?;
            let searches: Vec<String> = created.iter().map(company_search).collect();
            let rows: Vec<(&Contact, &str)> =
                created.iter().zip(searches.iter().map(String::as_str)).collect();
            comptoir_store::contacts::insert_many(&mut tx, rows).await?;
            for (after, before) in &updated {
                Contacts::update(&mut tx, before, after).await?;
            }
            let recorded =
                recorded.await.map_err(|e| AppError::Internal(format!("an import's audit entries: {e}")))?;
            recorded.write(&mut tx).await?;
        }
        comptoir_store::imports::save(&mut tx, &moved).await?;
        tx.commit().await?;
        // A dry run remembers the companies it would create too, so it counts each once.
        companies.0.extend(named);
        Ok(moved)
    }
}

/// What a batch read from the database before planning its writes.
struct Known<'a> {
    companies: &'a CompanyCache,
    found_companies: Vec<(comptoir_domain::ids::CompanyId, String)>,
    company_definitions: &'a [CustomFieldDefinition],
    existing: Vec<Contact>,
    /// The companies on file by their internet domain, for rows that name none.
    by_domain: HashMap<String, CompanySummary>,
    /// The rows that look like a contact on file, by line.
    resemblances: HashMap<u64, Lookalike>,
}

/// The rows of `read` that no contact on file matches by id, email or phone, each at the
/// company it would join: those that become new contacts, unless an earlier row of the batch
/// is about the same person.
fn new_rows(
    read: &Read,
    on_file: &ContactsOnFile,
    companies: &CompanyCache,
    found_companies: &[(comptoir_domain::ids::CompanyId, String)],
    existing: &[Contact],
    by_domain: &HashMap<String, CompanySummary>,
) -> Vec<NewRow> {
    let mut existing_by_key: HashMap<String, &ContactFields> = HashMap::new();
    for contact in existing {
        for key in keys(&contact.fields) {
            existing_by_key.entry(key).or_insert(&contact.fields);
        }
    }
    let found: HashMap<String, uuid::Uuid> =
        found_companies.iter().map(|(id, name)| (fold(name), id.0)).collect();
    read.items
        .iter()
        .filter(|item| {
            !keys(&item.fields).any(|key| existing_by_key.get(&key).is_some_and(|c| may_be(c, &item.fields)))
        })
        .map(|item| {
            let company = match item.company.as_deref().map(fold) {
                Some(key) => companies.0.get(&key).map(|c| c.id.0).or_else(|| found.get(&key).copied()),
                None => work_domain(&item.fields).and_then(|d| by_domain.get(&d)).map(|c| c.id.0),
            };
            on_file.new_row(item.line, &item.fields, company)
        })
        .collect()
}

/// The organisation's own domain of a contact's first email, if any.
fn work_domain(fields: &ContactFields) -> Option<String> {
    fields.emails.first().and_then(|e| e.address.work_domain()).map(str::to_owned)
}

/// `companies` by their domain; a domain two companies claim names neither.
fn companies_by_domain(companies: Vec<Company>) -> HashMap<String, CompanySummary> {
    let mut found: HashMap<String, Option<CompanySummary>> = HashMap::new();
    for company in companies {
        let Some(domain) = company.fields.domain.as_deref().map(str::to_lowercase) else { continue };
        let summary = CompanySummary { id: company.id, name: company.fields.name.clone() };
        found
            .entry(domain)
            .and_modify(|seen| {
                if seen.as_ref().is_some_and(|s| s.id != summary.id) {
                    *seen = None;
                }
            })
            .or_insert_with(|| Some(summary.clone()));
    }
    found.into_iter().filter_map(|(domain, company)| Some((domain, company?))).collect()
}

/// A batch's writes, worked out.
struct Plan {
    moved: Import,
    new_companies: Vec<Company>,
    /// Companies found or created, by folded name, for the batches after.
    named: HashMap<String, CompanySummary>,
    created: Vec<Contact>,
    /// Each changed contact after and before.
    updated: Vec<(Contact, Contact)>,
    changes: Vec<Change>,
}

/// Works out what a batch writes from its rows and what the database holds.
fn plan(actor: &Actor, import: &Import, read: &Read, known: Known<'_>) -> Result<Plan, AppError> {
    let mut moved = import.clone();
    moved.counts.rows += read.rows;
    moved.rows_done += read.rows;
    for (line, errors) in &read.refused {
        moved.skip(*line, errors.iter().cloned());
    }
    let at = now();

    // Companies named by the rows: remembered, found, or created with the batch.
    let mut named: HashMap<String, CompanySummary> = HashMap::new();
    for (id, name) in known.found_companies {
        named.entry(fold(&name)).or_insert(CompanySummary { id, name });
    }
    let mut new_companies: Vec<Company> = Vec::new();
    let mut refused_companies: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let left_out = |item: &Item| import.skip_lookalikes && known.resemblances.contains_key(&item.line);
    for item in &read.items {
        let Some(name) = &item.company else { continue };
        if left_out(item) {
            continue;
        }
        let key = fold(name);
        if known.companies.0.contains_key(&key)
            || named.contains_key(&key)
            || refused_companies.contains_key(&key)
        {
            continue;
        }
        let input = CompanyInput { name: Some(name.clone()), ..CompanyInput::default() };
        match input.validate(known.company_definitions, actor.user_id) {
            Ok(fields) => {
                let company = <crate::companies::Companies as Kind>::build(None, fields, (), at);
                named.insert(key, CompanySummary { id: company.id, name: company.fields.name.clone() });
                new_companies.push(company);
            }
            Err(errors) => {
                let errors = errors.0.into_iter().map(|e| (format!("company.{}", e.field), e.message));
                refused_companies.insert(key, errors.collect());
            }
        }
    }

    // The contacts the rows are about, by email or phone; a row about a contact an earlier
    // row of the batch created or changed adds to it.
    let existing = &known.existing;
    let mut existing_by_key: HashMap<String, usize> = HashMap::new();
    for (index, contact) in existing.iter().enumerate() {
        for key in keys(&contact.fields) {
            existing_by_key.entry(key).or_insert(index);
        }
    }
    let mut touched: Vec<Touched<Contact>> = Vec::new();
    let mut touched_by_key: HashMap<String, usize> = HashMap::new();
    let mut claimed: HashMap<usize, usize> = HashMap::new();
    for item in &read.items {
        let company_key = item.company.as_deref().map(fold);
        if let Some(errors) = company_key.as_ref().and_then(|k| refused_companies.get(k)) {
            moved.skip(item.line, errors.iter().cloned());
            continue;
        }
        let named_company = company_key.and_then(|k| known.companies.0.get(&k).or(named.get(&k)).cloned());
        // A new contact whose row names no company works for the one whose domain its email is
        // at, if any.
        let by_domain = || work_domain(&item.fields).and_then(|d| known.by_domain.get(&d).cloned());
        let fits_touched = |&index: &usize| may_be(&touched[index].after.fields, &item.fields);
        let fits_existing = |&index: &usize| may_be(&existing[index].fields, &item.fields);
        let index = match keys(&item.fields)
            .find_map(|k| touched_by_key.get(&k).copied().filter(fits_touched))
        {
            Some(index) => index,
            None => match keys(&item.fields)
                .find_map(|k| existing_by_key.get(&k).copied().filter(fits_existing))
            {
                Some(found) => {
                    let contact = &existing[found];
                    if !actor.can_modify(Contacts::owner(&contact.fields)) {
                        moved.skip(item.line, [("row".to_owned(), Contacts::REFUSALS.change.to_owned())]);
                        continue;
                    }
                    *claimed.entry(found).or_insert_with(|| {
                        touched.push(Touched { before: Some(contact.clone()), after: contact.clone() });
                        touched.len() - 1
                    })
                }
                None => {
                    if let Some(lookalike) = known.resemblances.get(&item.line) {
                        moved.resembles(lookalike.clone());
                        if import.skip_lookalikes {
                            continue;
                        }
                    }
                    let company = named_company.or_else(by_domain);
                    let mut fields = item.fields.clone();
                    fields.company_id = company.as_ref().map(|c| c.id);
                    touched.push(Touched { before: None, after: Contacts::build(None, fields, company, at) });
                    for key in keys(&item.fields) {
                        touched_by_key.entry(key).or_insert(touched.len() - 1);
                    }
                    continue;
                }
            },
        };
        let target = &mut touched[index].after;
        // A contact on file changes company only when a row names one: an export sent back
        // changes nothing.
        let company = named_company;
        target.fields = absorb(&target.fields, item, company.as_ref());
        if company.is_some() {
            target.company = company;
        }
        for key in keys(&target.fields) {
            touched_by_key.entry(key).or_insert(index);
        }
    }

    // What changed, as the audit log and the events tell it: the companies first.
    let mut changes: Vec<Change> = Vec::new();
    for company in &new_companies {
        changes.push(Change {
            action: Action::Create,
            object_type: ObjectType::Record(RecordKind::Company),
            object_id: company.id.0,
            before: Value::Null,
            after: to_json(&company.fields)?,
        });
    }
    let settled = settle::<Contacts>(touched, &mut moved, |after, before| Contact {
        version: before.version + 1,
        updated_at: at,
        ..after
    })?;
    let Settled { created, updated, changes: contact_changes } = settled;
    changes.extend(contact_changes);
    moved.counts.companies_created += new_companies.len() as u64;
    moved.updated_at = now();
    Ok(Plan { moved, new_companies, named, created, updated, changes })
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))
}
