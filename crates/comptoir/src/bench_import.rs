//! `comptoir bench --import N`: a file of N contacts as a French spreadsheet saves it, imported
//! by the `comptoir import` command people run, timed, with the command's peak memory.

use crate::bench::rss_mib;
use crate::serve::open;
use anyhow::{Context, bail};
use comptoir_app::App;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const IMPORT_EMAIL: &str = "bench-import@exemple.fr";

const FIRST_NAMES: &[&str] =
    &["Hélène", "José", "Zoé", "Jean", "Chloé", "Éric", "Anaïs", "Noël", "Marie", "Thomas"];
const LAST_NAMES: &[&str] =
    &["Dupré", "Lefèvre", "Núñez", "Martin", "Bernard", "Dubois", "Garçon", "Moreau", "Faure", "Roux"];
const CITIES: &[(&str, &str)] =
    &[("Lyon", "69003"), ("Paris", "75011"), ("Nantes", "44000"), ("Lille", "59000"), ("Bordeaux", "33000")];

/// Writes `rows` contacts as a French Excel exports them in UTF-8: a byte-order mark, `;`,
/// CRLF, quoted cells where needed. Each has its own email and phone; companies repeat.
fn write_file(path: &Path, rows: u64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(
        "\u{feff}Prénom;Nom;E-mail;Téléphone portable;Société;Ville;Code postal;Étiquettes\r\n".as_bytes(),
    )?;
    for i in 0..rows {
        let (city, postal_code) = CITIES[rng.random_range(0..CITIES.len())];
        write!(
            out,
            "{};{};contact{i}@exemple.fr;06 {:02} {:02} {:02} {:02};\"Société {}, SARL\";{city};{postal_code};{}\r\n",
            FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())],
            LAST_NAMES[rng.random_range(0..LAST_NAMES.len())],
            i / 1_000_000 % 100,
            i / 10_000 % 100,
            i / 100 % 100,
            i % 100,
            rng.random_range(0..20_000),
            if i % 3 == 0 { "salon-2026, vip" } else { "" },
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Runs `comptoir import contacts` on `file`; its wall time and peak resident memory.
async fn import(database_url: &str, file: &Path) -> anyhow::Result<(Duration, f64, String)> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["import", "contacts"])
        .arg(file)
        .args(["--as", IMPORT_EMAIL])
        .env("COMPTOIR_DATABASE_URL", database_url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("cannot start comptoir import")?;
    let pid = child.id().unwrap_or_default();
    let mut peak: f64 = 0.0;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak = peak.max(rss_mib(pid).unwrap_or(0.0));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let elapsed = started.elapsed();
    let mut report = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use tokio::io::AsyncReadExt;
        stdout.read_to_string(&mut report).await?;
    }
    if !status.success() {
        bail!("comptoir import failed: {report}");
    }
    Ok((elapsed, peak, report))
}

pub async fn run(database_url: &str, rows: u64) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    if app.find_user_by_email(IMPORT_EMAIL).await?.is_none() {
        app.create_user(
            None,
            json!({"email": IMPORT_EMAIL, "role": "admin", "display_name": "Import benchmark"}),
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let before = comptoir_store::contacts::count(app.db()).await?;
    app.db().close().await;
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("contacts.csv");
    write_file(&file, rows)?;
    let size_mib = std::fs::metadata(&file)?.len() as f64 / 1024.0 / 1024.0;
    println!("{rows} contacts, a {size_mib:.0} MiB file; the database held {before} contacts");
    println!("| import | time | rows/s | peak memory |");
    println!("|---|---|---|---|");
    for label in ["new contacts", "the same file again (every row matched)"] {
        let (elapsed, peak, report) = import(database_url, &file).await?;
        let seconds = elapsed.as_secs_f64();
        println!("| {label} | {seconds:.1} s | {:.0} | {peak:.0} MiB |", rows as f64 / seconds);
        if let Some(line) = report.lines().find(|l| l.contains("created")) {
            println!("|   | {} | | |", line.trim());
        }
    }
    Ok(())
}
