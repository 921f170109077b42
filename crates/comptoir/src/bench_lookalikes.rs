//! `comptoir bench --lookalikes N`: the people `--duplicates N` generates, loaded into a
//! database without contacts except for a few thousand newcomers; a file then mixes those
//! newcomers (some of them relatives living with someone on file) with copies of people on
//! file, mistyped as people mistype them, and `comptoir import contacts FILE --dry-run` is
//! timed with its peak memory. The rows it names as looking like a contact on file are
//! checked against the truth: which contact each copy is of, and that newcomers are no one's.

use crate::bench_duplicates::{Generated, generate, load, originals};
use crate::bench_import::{import, importer};
use anyhow::{Context, bail};
use comptoir_app::App;
use comptoir_domain::companies::Company;
use comptoir_domain::contacts::ContactFields;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use uuid::Uuid;

/// Newcomers and copies in the file: few enough that every row named is listed (an import
/// lists a thousand).
const NEWCOMERS: usize = 9_200;
const COPIES: usize = 800;

pub async fn run(database_url: &str, total: u64) -> anyhow::Result<()> {
    let db = crate::serve::open(database_url).await?;
    if comptoir_store::contacts::count(&db).await? > 0 {
        bail!("the benchmark needs a database without contacts: it knows who each of its rows is");
    }
    db.close().await;
    let (companies, generated) = generate(total, 11);
    let originals = originals(total) as usize;
    if originals <= NEWCOMERS {
        bail!("--lookalikes needs more than {} contacts", NEWCOMERS * 5 / 4);
    }
    // The last originals are the newcomers; the people before them are on file.
    let on_file = originals - NEWCOMERS;
    let mut rng = StdRng::seed_from_u64(5);
    let mut copies: Vec<&Generated> =
        generated[originals..].iter().filter(|g| (g.person as usize) < on_file).collect();
    copies.shuffle(&mut rng);
    copies.truncate(COPIES);

    load(database_url, &companies, &generated[..on_file]).await?;

    // Each line of the file, and the contact on file it is a copy of.
    let mut rows: Vec<(&ContactFields, Option<Uuid>)> = generated[on_file..originals]
        .iter()
        .map(|g| (&g.contact.fields, None))
        .chain(copies.iter().map(|g| (&g.contact.fields, Some(generated[g.person as usize].contact.id.0))))
        .collect();
    rows.shuffle(&mut rng);
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("newcomers.csv");
    write_rows(&file, &rows, &companies)?;
    let exact: usize = copies
        .iter()
        .filter(|g| shares_a_way_to_reach(&g.contact.fields, &generated[g.person as usize].contact.fields))
        .count();

    let app = App::new(crate::serve::open(database_url).await?);
    importer(&app).await?;
    let (elapsed, peak, _) = import(database_url, "contacts", &file, &["--dry-run"]).await?;
    let checked = app.list_imports(None, None, 1).await.map_err(crate::admin::explain)?;
    let checked = checked.first().context("the import is listed")?;
    let truth: HashMap<u64, Option<Uuid>> =
        rows.iter().enumerate().map(|(n, (_, of))| (n as u64 + 2, *of)).collect();
    let relatives = relatives_of(&generated, on_file, originals);
    println!(
        "{on_file} contacts on file; a file of {NEWCOMERS} newcomers ({relatives} of them living with someone on file) \
         and {COPIES} copies of people on file ({exact} of them sharing an email or phone with their original)."
    );
    println!(
        "Dry run: {:.1} s, peak memory {peak:.0} MiB; {} rows matched by email or phone, {} named as looking like a contact on file ({} listed).",
        elapsed.as_secs_f64(),
        checked.counts.updated + checked.counts.unchanged,
        checked.counts.lookalikes,
        checked.lookalikes.len()
    );
    let to_find = (COPIES - exact).max(1) as f64;
    println!("| score | named | right contact | another contact | newcomers | precision | recall |");
    println!("|---|---|---|---|---|---|---|");
    for threshold in [70u8, 80, 90, 95] {
        let (mut right, mut other_person, mut newcomer) = (0u32, 0u32, 0u32);
        for lookalike in checked.lookalikes.iter().filter(|l| l.score >= threshold) {
            match truth.get(&lookalike.line).copied().flatten() {
                Some(of) if of == lookalike.contact_id => right += 1,
                Some(_) => other_person += 1,
                None => newcomer += 1,
            }
        }
        let named = right + other_person + newcomer;
        println!(
            "| ≥ {threshold} | {named} | {right} | {other_person} | {newcomer} | {:.3} | {:.3} |",
            f64::from(right) / f64::from(named.max(1)),
            f64::from(right) / to_find
        );
    }
    Ok(())
}

/// Whether a copy keeps an email or a phone of its original: the import matches it exactly.
fn shares_a_way_to_reach(copy: &ContactFields, original: &ContactFields) -> bool {
    let emails: HashSet<String> = original.emails.iter().map(|e| e.address.as_str().to_lowercase()).collect();
    copy.emails.iter().any(|e| emails.contains(&e.address.as_str().to_lowercase()))
        || copy.phones.iter().any(|p| original.phones.iter().any(|o| o.number == p.number))
}

/// How many newcomers share a surname and an address with someone on file.
fn relatives_of(generated: &[Generated], on_file: usize, originals: usize) -> usize {
    let homes: HashSet<(Option<&str>, Option<&str>, Option<&str>)> = generated[..on_file]
        .iter()
        .map(|g| home(&g.contact.fields))
        .filter(|(_, street, _)| street.is_some())
        .collect();
    generated[on_file..originals].iter().filter(|g| homes.contains(&home(&g.contact.fields))).count()
}

fn home(fields: &ContactFields) -> (Option<&str>, Option<&str>, Option<&str>) {
    (fields.last_name.as_deref(), fields.address.street.as_deref(), fields.address.postal_code.as_deref())
}

/// The rows as a spreadsheet saves them, one email and one phone each at most, the company
/// by its name.
fn write_rows(
    path: &Path,
    rows: &[(&ContactFields, Option<Uuid>)],
    companies: &[Company],
) -> anyhow::Result<()> {
    let names: HashMap<Uuid, &str> = companies.iter().map(|c| (c.id.0, c.fields.name.as_str())).collect();
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_path(path)?;
    out.write_record(["Prénom", "Nom", "E-mail", "Téléphone", "Société", "Rue", "Code postal"])?;
    for (fields, _) in rows {
        let company = fields.company_id.and_then(|id| names.get(&id.0).copied()).unwrap_or("");
        out.write_record([
            fields.first_name.as_deref().unwrap_or(""),
            fields.last_name.as_deref().unwrap_or(""),
            fields.emails.first().map_or("", |e| e.address.as_str()),
            fields.phones.first().map_or("", |p| p.number.as_str()),
            company,
            fields.address.street.as_deref().unwrap_or(""),
            fields.address.postal_code.as_deref().unwrap_or(""),
        ])?;
    }
    out.flush()?;
    Ok(())
}
