//! One batch of a companies import: its rows read and checked, matched to the companies they
//! are about (by SIREN, then internet domain, then name), and written in one transaction.

use super::App;
use super::batch::{Settled, Touched, settle};
use crate::AppError;
use crate::changes::{Change, Origin, record_all};
use crate::companies::Companies;
use crate::kind::Kind;
use comptoir_domain::companies::{Company, CompanyFields};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::imports::Import;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_import::mapping::Mapping;
use comptoir_import::table::Row;
use std::collections::HashMap;

/// Which of a company's single fields a row gives: those it leaves empty keep their value in
/// the company it updates.
#[derive(Clone, Copy, Default)]
struct Given {
    domain: bool,
    website: bool,
    industry: bool,
    size_band: bool,
    siren: bool,
    siret: bool,
    vat_number: bool,
    address: bool,
    relationship_type: bool,
    service_tier: bool,
}

/// A row that reads as a valid company.
struct Item {
    line: u64,
    given: Given,
    fields: CompanyFields,
}

/// A batch's rows, read and checked; those with errors already noted.
pub struct Read {
    rows: u64,
    items: Vec<Item>,
    pub(super) refused: Vec<(u64, Vec<(String, String)>)>,
}

impl Read {
    pub fn companies(
        rows: &[Row],
        mapping: &Mapping,
        width: usize,
        definitions: &[CustomFieldDefinition],
        actor: &Actor,
    ) -> Read {
        let mut read = Read { rows: rows.len() as u64, items: Vec::new(), refused: Vec::new() };
        for row in rows {
            let checked =
                comptoir_import::companies::read(row, mapping, width, definitions).and_then(|row| {
                    let input = &row.input;
                    let given = Given {
                        domain: input.domain.is_some(),
                        website: input.website.is_some(),
                        industry: input.industry.is_some(),
                        size_band: input.size_band.is_some(),
                        siren: input.siren.is_some() || input.siret.is_some(),
                        siret: input.siret.is_some(),
                        vat_number: input.vat_number.is_some(),
                        address: !input.addresses.is_empty(),
                        relationship_type: input.relationship_type.is_some(),
                        service_tier: input.service_tier.is_some(),
                    };
                    let fields = row.input.validate(definitions, actor.user_id)?;
                    Ok(Item { line: row.line, given, fields })
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

/// `current` with what `item` gives: the single fields it fills replace theirs (its address the
/// head office's), its phones and tags join theirs, its custom fields are set.
fn absorb(current: &CompanyFields, item: &Item) -> CompanyFields {
    let (given, new) = (item.given, &item.fields);
    let mut merged = current.clone();
    merged.name.clone_from(&new.name);
    let take = |flag: bool, target: &mut Option<String>, value: &Option<String>| {
        if flag {
            target.clone_from(value);
        }
    };
    take(given.domain, &mut merged.domain, &new.domain);
    take(given.website, &mut merged.website, &new.website);
    take(given.industry, &mut merged.industry, &new.industry);
    take(given.service_tier, &mut merged.service_tier, &new.service_tier);
    if given.size_band {
        merged.size_band = new.size_band;
    }
    if given.siren {
        merged.siren.clone_from(&new.siren);
    }
    if given.siret {
        merged.siret.clone_from(&new.siret);
    }
    if given.vat_number {
        merged.vat_number.clone_from(&new.vat_number);
    }
    if given.relationship_type {
        merged.relationship_type = new.relationship_type;
    }
    if given.address
        && let Some(address) = new.addresses.first()
    {
        match merged.addresses.first_mut() {
            Some(head_office) => *head_office = address.clone(),
            None => merged.addresses.push(address.clone()),
        }
    }
    for phone in &new.phones {
        if !merged.phones.iter().any(|p| p.number == phone.number) {
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
    merged
}

/// The keys a company is found by, strongest first: its SIREN, its domain, its name.
fn keys(fields: &CompanyFields) -> Vec<String> {
    let mut keys = Vec::with_capacity(3);
    keys.extend(fields.siren.as_ref().map(|s| format!("siren:{}", s.as_str())));
    keys.extend(fields.domain.as_ref().map(|d| format!("domain:{}", d.to_lowercase())));
    keys.push(format!("name:{}", fold(&fields.name)));
    keys
}

impl App {
    /// Writes a batch (or, for a dry run, counts what it would write): `import` moved on.
    pub(super) async fn try_company_batch(
        &self,
        actor: &Actor,
        import: &Import,
        read: &Read,
    ) -> Result<Import, AppError> {
        let (mut sirens, mut domains, mut names) = (Vec::new(), Vec::new(), Vec::new());
        for item in &read.items {
            let f = &item.fields;
            sirens.extend(f.siren.as_ref().map(|s| s.as_str().to_owned()));
            domains.extend(f.domain.as_ref().map(|d| d.to_lowercase()));
            names.push(fold(&f.name));
        }
        let existing = comptoir_store::companies::matching(&self.db, &sirens, &domains, &names).await?;
        let plan = plan(actor, import, read, &existing)?;
        let mut tx = self.db.begin().await?;
        if !import.dry_run {
            comptoir_store::companies::insert_many(&mut tx, &plan.created).await?;
            for (after, before) in &plan.updated {
                Companies::update(&mut tx, before, after).await?;
            }
            let origin = Origin { actor: Some(actor), operation: Some(import.id) };
            record_all(&mut tx, origin, plan.changes).await?;
        }
        comptoir_store::imports::save(&mut tx, &plan.moved).await?;
        tx.commit().await?;
        Ok(plan.moved)
    }
}

/// A batch's writes, worked out.
struct Plan {
    moved: Import,
    created: Vec<Company>,
    /// Each changed company after and before.
    updated: Vec<(Company, Company)>,
    changes: Vec<Change>,
}

/// Works out what a batch writes from its rows and the companies they may be about. A row
/// about a company an earlier row of the batch created or changed adds to it.
fn plan(actor: &Actor, import: &Import, read: &Read, existing: &[Company]) -> Result<Plan, AppError> {
    let mut moved = import.clone();
    moved.counts.rows += read.rows;
    moved.rows_done += read.rows;
    for (line, errors) in &read.refused {
        moved.skip(*line, errors.iter().cloned());
    }
    let at = now();
    let mut existing_by_key: HashMap<String, usize> = HashMap::new();
    for (index, company) in existing.iter().enumerate() {
        for key in keys(&company.fields) {
            existing_by_key.entry(key).or_insert(index);
        }
    }
    let mut touched: Vec<Touched<Company>> = Vec::new();
    let mut touched_by_key: HashMap<String, usize> = HashMap::new();
    let mut claimed: HashMap<usize, usize> = HashMap::new();
    for item in &read.items {
        let item_keys = keys(&item.fields);
        let index = match item_keys.iter().find_map(|k| touched_by_key.get(k).copied()) {
            Some(index) => index,
            None => match item_keys.iter().find_map(|k| existing_by_key.get(k).copied()) {
                Some(found) => {
                    let company = &existing[found];
                    if !actor.can_modify(Companies::owner(&company.fields)) {
                        moved.skip(item.line, [("row".to_owned(), Companies::REFUSALS.change.to_owned())]);
                        continue;
                    }
                    *claimed.entry(found).or_insert_with(|| {
                        touched.push(Touched { before: Some(company.clone()), after: company.clone() });
                        touched.len() - 1
                    })
                }
                None => {
                    touched.push(Touched {
                        before: None,
                        after: Companies::build(None, item.fields.clone(), (), at),
                    });
                    for key in item_keys {
                        touched_by_key.entry(key).or_insert(touched.len() - 1);
                    }
                    continue;
                }
            },
        };
        let target = &mut touched[index].after;
        target.fields = absorb(&target.fields, item);
        for key in keys(&target.fields) {
            touched_by_key.entry(key).or_insert(index);
        }
    }

    let stamped = |after, before: &Company| Company { version: before.version + 1, updated_at: at, ..after };
    let Settled { created, updated, changes } = settle::<Companies>(touched, &mut moved, stamped)?;
    moved.updated_at = now();
    Ok(Plan { moved, created, updated, changes })
}
