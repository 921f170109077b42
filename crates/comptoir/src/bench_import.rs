//! `comptoir bench --import N [--companies]`: a file of N contacts (or companies) as a French
//! spreadsheet saves it, imported by the `comptoir import` command people run, timed, with the
//! command's peak memory.

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

/// Writes `rows` companies as a French accounts export: a byte-order mark, `;`, CRLF. Each has
/// its own name, SIREN (a valid one) and domain.
fn write_companies(path: &Path, rows: u64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(11);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(
        "\u{feff}Raison sociale;SIREN;Domaine;Effectif;Adresse;Ville;Code postal;Type\r\n".as_bytes(),
    )?;
    let kinds = ["Client", "Prospect", "Fournisseur", "Partenaire"];
    for i in 0..rows {
        let (city, postal_code) = CITIES[rng.random_range(0..CITIES.len())];
        writeln!(
            out,
            "\"Société {i}, SARL\";{};societe{i}.fr;{};{} rue de la Paix;{city};{postal_code};{}\r",
            siren(i),
            rng.random_range(1..3000),
            rng.random_range(1..200),
            kinds[rng.random_range(0..kinds.len())],
        )?;
    }
    out.flush()?;
    Ok(())
}

/// A valid SIREN: the eight digits of `stem` and their Luhn check digit.
pub(crate) fn siren(stem: u64) -> String {
    let digits: Vec<u32> =
        format!("{:08}", stem % 100_000_000).chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { *d })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("{}{check}", digits.iter().map(u32::to_string).collect::<String>())
}

/// Makes the admin the benchmarks import as, once.
pub(crate) async fn importer(app: &App) -> anyhow::Result<()> {
    if app.find_user_by_email(IMPORT_EMAIL).await?.is_none() {
        app.create_user(
            None,
            json!({"email": IMPORT_EMAIL, "role": "admin", "display_name": "Import benchmark"}),
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// Runs `comptoir import <kind>` on `file`, with `options`; its wall time, peak resident
/// memory and report.
pub(crate) async fn import(
    database_url: &str,
    kind: &str,
    file: &Path,
    options: &[&str],
) -> anyhow::Result<(Duration, f64, String)> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["import", kind])
        .arg(file)
        .args(["--as", IMPORT_EMAIL])
        .args(options)
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

pub async fn run(database_url: &str, rows: u64, companies: bool) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    importer(&app).await?;
    let kind = if companies { "companies" } else { "contacts" };
    let before = if companies {
        comptoir_store::companies::count(app.db()).await?
    } else {
        comptoir_store::contacts::count(app.db()).await?
    };
    app.db().close().await;
    let folder = tempfile::tempdir()?;
    let file = folder.path().join(format!("{kind}.csv"));
    if companies {
        write_companies(&file, rows)?;
    } else {
        write_file(&file, rows)?;
    }
    let size_mib = std::fs::metadata(&file)?.len() as f64 / 1024.0 / 1024.0;
    println!("{rows} {kind}, a {size_mib:.0} MiB file; the database held {before} {kind}");
    println!("| import | time | rows/s | peak memory |");
    println!("|---|---|---|---|");
    for label in [format!("new {kind}"), "the same file again (every row matched)".to_owned()] {
        let (elapsed, peak, report) = import(database_url, kind, &file, &[]).await?;
        let seconds = elapsed.as_secs_f64();
        println!("| {label} | {seconds:.1} s | {:.0} | {peak:.0} MiB |", rows as f64 / seconds);
        if let Some(line) = report.lines().find(|l| l.contains("created")) {
            println!("|   | {} | | |", line.trim());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sirens_are_given_their_check_digit() {
        assert_eq!(super::siren(73_282_932), "732829320");
        assert_eq!(super::siren(54_206_547), "542065479");
    }
}
