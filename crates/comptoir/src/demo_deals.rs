//! `comptoir demo --deals N`: deals in two pipelines, for the demo's companies and contacts,
//! each with the stages it went through, written in bulk like the rest of the demo data.

use chrono::{DateTime, Duration, Utc};
use comptoir_app::App;
use comptoir_domain::deals::{Deal, DealFields};
use comptoir_domain::ids::{CompanyId, ContactId, DealId, StageId, UserId};
use comptoir_domain::money::{BASE_CURRENCY, Currency, Money};
use comptoir_domain::pipelines::{Outcome, Pipeline, PipelineWords};
use comptoir_domain::users::Actor;
use comptoir_store::deals::StageChangeRow;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, json};

/// Deals written per transaction, with their stage history.
const CHUNK: u64 = 5_000;

const TITLES: &[&str] = &[
    "Contrat cadre",
    "Renouvellement annuel",
    "Équipement atelier",
    "Maintenance",
    "Licences",
    "Formation des équipes",
    "Extension de site",
    "Audit sécurité",
    "Migration",
    "Support premium",
];

/// The demo's pipelines: the starter one and renewals, created when none exists.
async fn pipelines(app: &App, admin: &Actor) -> anyhow::Result<Vec<Pipeline>> {
    let fail = |e: comptoir_app::AppError| anyhow::anyhow!("{e}");
    let existing = app.pipelines(admin).await.map_err(fail)?;
    if !existing.is_empty() {
        return Ok(existing);
    }
    let words = PipelineWords {
        name: "Ventes".into(),
        open_stages: [
            "Qualification".into(),
            "Découverte".into(),
            "Proposition".into(),
            "Négociation".into(),
        ],
        won: "Gagnée".into(),
        lost: "Perdue".into(),
        lost_reasons: ["Prix", "Concurrent", "Pas de budget", "Pas de décision", "Autre"]
            .map(String::from)
            .to_vec(),
    };
    app.create_starter_pipeline(admin, words).await.map_err(fail)?;
    let renewals = json!({"name": "Renouvellements", "position": 1, "lost_reasons": ["Prix", "Départ"], "stages": [
        {"name": "À renouveler", "probability": 60}, {"name": "Offre envoyée", "probability": 80},
        {"name": "Renouvelé", "outcome": "won"}, {"name": "Résilié", "outcome": "lost"}
    ]});
    app.create_pipeline(admin, renewals, None).await.map_err(fail)?;
    app.pipelines(admin).await.map_err(fail)
}

struct Generator {
    rng: StdRng,
    now: DateTime<Utc>,
    owners: Vec<UserId>,
    companies: Vec<CompanyId>,
    contacts: Vec<ContactId>,
    pipelines: Vec<Pipeline>,
    usd: Currency,
}

impl Generator {
    /// One deal and the stages it went through, oldest first.
    fn deal(&mut self, serial: u64) -> (Deal, Vec<StageChangeRow>) {
        // Most deals are new business; a fifth are renewals.
        let pipeline = &self.pipelines[if self.rng.random_bool(0.8) { 0 } else { self.pipelines.len() - 1 }];
        let open: Vec<StageId> = pipeline.open_stages().map(|s| s.id).collect();
        let won = pipeline.closing_stage(Outcome::Won).map_or(open[0], |s| s.id);
        let lost = pipeline.closing_stage(Outcome::Lost).map_or(open[0], |s| s.id);
        let ending = self.rng.random_range(0..100);
        let reached = self.rng.random_range(0..open.len());
        let mut path: Vec<StageId> = open[..=reached].to_vec();
        // Deals past their first stage went back a stage and on again up to twice.
        if reached > 0 {
            for _ in 0..self.rng.random_range(0..=2) {
                path.extend([open[reached - 1], open[reached]]);
            }
        }
        let outcome = match ending {
            0..=29 => {
                path.extend(open[reached + 1..].iter().copied());
                path.push(won);
                Outcome::Won
            }
            30..=54 => {
                path.push(lost);
                Outcome::Lost
            }
            _ => Outcome::Open,
        };
        let created_at = self.now - Duration::minutes(self.rng.random_range(0..60 * 24 * 540));
        let mut at = created_at;
        let id = DealId::new();
        let mut changes: Vec<StageChangeRow> = Vec::with_capacity(path.len());
        let mut from = None;
        for stage in &path {
            if let Some(previous) = changes.last_mut() {
                previous.left_at = Some(at);
            }
            changes.push(StageChangeRow { pipeline: pipeline.id, from, to: *stage, at, left_at: None });
            from = Some(*stage);
            at = (at + Duration::hours(self.rng.random_range(6..24 * 21))).min(self.now);
        }
        let stage_entered_at = changes.last().map_or(created_at, |c| c.at);
        let stage = *path.last().unwrap_or(&open[0]);
        let probability = pipeline.stage(stage).map_or(0, |s| s.probability);
        let currency = if self.rng.random_bool(0.05) { self.usd } else { BASE_CURRENCY };
        // Amounts from a few hundred to a few hundred thousand, most of them small.
        let amount = (self.rng.random_range(3.0f64..12.5).exp() as i64) * 100;
        let expected = match outcome {
            Outcome::Open => self.now.date_naive() + Duration::days(self.rng.random_range(-30..365)),
            _ => stage_entered_at.date_naive(),
        };
        let fields = DealFields {
            title: format!("{} n° {serial}", TITLES[self.rng.random_range(0..TITLES.len())]),
            pipeline_id: pipeline.id,
            stage_id: stage,
            status: outcome,
            company_id: Some(self.companies[self.rng.random_range(0..self.companies.len())]),
            contact_id: self
                .rng
                .random_bool(0.7)
                .then(|| self.contacts[self.rng.random_range(0..self.contacts.len())]),
            contacts: vec![],
            owner_id: Some(self.owners[self.rng.random_range(0..self.owners.len())]),
            amount: Some(Money::from_minor(amount, currency)),
            probability,
            expected_close_on: Some(expected),
            source: None,
            lost_reason: (outcome == Outcome::Lost).then(|| pipeline.fields.lost_reasons[0].clone()),
            tags: vec![],
            custom_fields: Map::new(),
        };
        let deal = Deal {
            id,
            version: 1,
            fields,
            company: None,
            contact: None,
            people: vec![],
            pipeline_name: String::new(),
            stage_name: String::new(),
            stage_entered_at,
            closed_at: (outcome != Outcome::Open).then_some(stage_entered_at),
            created_at,
            updated_at: stage_entered_at,
        };
        (deal, changes)
    }
}

/// Writes `total` deals with their history; returns how many stage changes were written.
pub async fn seed(
    app: &App,
    admin: &Actor,
    owners: Vec<UserId>,
    total: u64,
    seed: u64,
) -> anyhow::Result<u64> {
    let pipelines = pipelines(app, admin).await?;
    let companies = comptoir_store::companies::sample_ids(app.db(), 5_000).await?;
    let contacts = comptoir_store::contacts::sample_ids(app.db(), 5_000).await?;
    if companies.is_empty() || contacts.is_empty() {
        anyhow::bail!("deals need companies and contacts: run `comptoir demo --contacts 1000` first");
    }
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(seed),
        now: comptoir_domain::time::now(),
        owners,
        companies,
        contacts,
        pipelines,
        usd: Currency::parse("USD").map_err(|e| anyhow::anyhow!(e))?,
    };
    let progress = ProgressBar::new(total);
    progress.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} deals ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut written = 0;
    let mut changes_written = 0u64;
    while written < total {
        let size = CHUNK.min(total - written);
        let (deals, changes): (Vec<Deal>, Vec<Vec<StageChangeRow>>) =
            (0..size).map(|i| generator.deal(written + i)).unzip();
        let mut tx = app.db().begin().await?;
        comptoir_store::deals::insert_many(&mut tx, &deals).await?;
        let entries =
            deals.iter().zip(&changes).flat_map(|(deal, entries)| entries.iter().map(move |e| (deal, e)));
        comptoir_store::deals::insert_stage_changes(&mut tx, entries).await?;
        tx.commit().await?;
        changes_written += changes.iter().map(Vec::len).sum::<usize>() as u64;
        written += size;
        progress.inc(size);
    }
    progress.finish();
    comptoir_store::deals::rebuild_totals(app.db()).await?;
    comptoir_store::deals::analyze(app.db()).await?;
    Ok(changes_written)
}
