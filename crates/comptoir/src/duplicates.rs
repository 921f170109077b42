//! `comptoir duplicates …`: the scan for likely duplicate contacts and companies from the
//! command line, with a progress bar, and the pairs it found.

use crate::admin::explain;
use crate::cli::DuplicatesCommand;
use crate::serve::open;
use comptoir_app::App;
use comptoir_domain::company_merges::CompanyPair;
use comptoir_domain::duplicates::{DuplicatePair, PairStatus};
use comptoir_domain::ids::{CompanyId, ContactId};
use comptoir_store::duplicates::{PairParts, StoredPair};
use indicatif::{ProgressBar, ProgressStyle};

pub async fn run(database_url: &str, command: DuplicatesCommand) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    match command {
        DuplicatesCommand::Scan => {
            let total = comptoir_store::contacts::count(app.db()).await?;
            let progress = ProgressBar::new(u64::try_from(total).unwrap_or(0));
            progress.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} contacts read",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let shown = progress.clone();
            let claim = app.claim_duplicate_scan(None).map_err(explain)?;
            let report =
                app.scan_duplicates(claim, &move |read| shown.set_position(read)).await.map_err(explain)?;
            progress.finish();
            println!(
                "{} contacts, {} pairs compared, {} likely or possible duplicates{}; {} companies, {} likely or possible duplicates; in {:.1} s.",
                report.contacts,
                report.compared,
                report.pairs,
                report
                    .duplicate_share
                    .map(|share| format!(" (read against an estimated {share:.3} duplicates per contact)"))
                    .unwrap_or_default(),
                report.companies,
                report.company_pairs,
                report.seconds
            );
        }
        DuplicatesCommand::List { limit, companies: true } => {
            let pairs: Vec<CompanyPair> =
                comptoir_store::duplicates::list(app.db(), PairStatus::Open, None, limit).await?;
            for pair in pairs {
                let (first, second) =
                    (company_name(&app, pair.first_id).await, company_name(&app, pair.second_id).await);
                println!("{}", line(&pair.parts(), &first, &second));
            }
        }
        DuplicatesCommand::List { limit, companies: false } => {
            let pairs: Vec<DuplicatePair> =
                comptoir_store::duplicates::list(app.db(), PairStatus::Open, None, limit).await?;
            for pair in pairs {
                let (first, second) = (name(&app, pair.first_id).await, name(&app, pair.second_id).await);
                println!("{}", line(&pair.parts(), &first, &second));
            }
        }
    }
    Ok(())
}

/// A pair as the list prints it: score, both records by name and id, reasons.
fn line(pair: &PairParts, first: &str, second: &str) -> String {
    let reasons: Vec<&str> = pair.reasons.iter().map(|r| r.as_str()).collect();
    format!(
        "{:>3}  {first} ({})  {second} ({})  {}",
        pair.score,
        pair.first_id,
        pair.second_id,
        reasons.join(", ")
    )
}

async fn company_name(app: &App, id: CompanyId) -> String {
    comptoir_store::companies::get(app.db(), id)
        .await
        .ok()
        .flatten()
        .map(|c| c.fields.name)
        .unwrap_or_default()
}

async fn name(app: &App, id: ContactId) -> String {
    comptoir_store::contacts::get(app.db(), id)
        .await
        .ok()
        .flatten()
        .map(|c| c.fields.display_name())
        .unwrap_or_default()
}
