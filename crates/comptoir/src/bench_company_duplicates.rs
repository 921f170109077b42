//! `comptoir bench --duplicates N --companies`: N companies of which a known share are copies
//! of others as people type them again (a typo in the name, the legal form added, dropped or
//! changed, capitals and accents dropped, words in another order, the SIREN, domain, number or
//! postal code left out), loaded into a database without companies; the scan the server runs
//! is timed, and the pairs of companies it keeps are checked against the truth. Originals are
//! drawn from a small set of trades and surnames, so namesakes in other towns (two entities,
//! as the truth has them) are common, as they are in life.

use crate::bench_duplicates::{bar, by_index, print_quality, quality, scan, true_pairs, typo};
use anyhow::{Context, bail};
use comptoir_app::App;
use comptoir_domain::address::Address;
use comptoir_domain::companies::{Company, CompanyFields, CompanyInput};
use comptoir_domain::company_merges::CompanyPair;
use comptoir_domain::contacts::RawLabelled;
use comptoir_domain::duplicates::PairStatus;
use comptoir_domain::ids::{CompanyId, UserId};
use comptoir_domain::time::now;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Instant;
use uuid::Uuid;

const TRADES: &[&str] = &[
    "Boulangerie",
    "Menuiserie",
    "Plomberie",
    "Garage",
    "Cabinet",
    "Pharmacie",
    "Imprimerie",
    "Transports",
    "Électricité",
    "Boucherie",
    "Librairie",
    "Hôtel",
    "Restaurant",
    "Atelier",
    "Agence",
    "Maçonnerie",
    "Fromagerie",
    "Brasserie",
    "Couverture",
    "Paysages",
];
const LEGAL_FORMS: &[&str] = &["", "", "", " SARL", " SAS", " SA", " EURL"];

/// A generated company and the entity it is: copies share their original's.
struct Generated {
    company: Company,
    entity: u32,
}

/// What a company is written with, before it is checked.
#[derive(Clone)]
struct Written {
    trade: String,
    surname: String,
    form: &'static str,
    /// The surname first ("Martin Boulangerie").
    swapped: bool,
    shouting: bool,
    siren: Option<String>,
    domain: Option<String>,
    phone: Option<String>,
    postal_code: Option<String>,
}

impl Written {
    fn name(&self) -> String {
        let words = if self.swapped {
            format!("{} {}", self.surname, self.trade)
        } else {
            format!("{} {}", self.trade, self.surname)
        };
        let name = format!("{words}{}", self.form);
        if self.shouting { deunicode::deunicode(&name).to_uppercase() } else { name }
    }

    fn fields(&self) -> anyhow::Result<CompanyFields> {
        let input = CompanyInput {
            name: Some(self.name()),
            siren: self.siren.clone(),
            domain: self.domain.clone(),
            phones: self.phone.iter().map(|p| RawLabelled::Plain(p.clone())).collect(),
            addresses: self
                .postal_code
                .iter()
                .map(|code| Address { postal_code: Some(code.clone()), ..Address::default() })
                .collect(),
            ..CompanyInput::default()
        };
        let mut fields = input
            .validate(&[], UserId::new())
            .map_err(|errors| anyhow::anyhow!("a generated company is invalid: {errors:?}"))?;
        fields.owner_id = None;
        Ok(fields)
    }
}

struct Generator {
    rng: StdRng,
}

impl Generator {
    fn original(&mut self, serial: u64) -> Written {
        let rng = &mut self.rng;
        let surname = format!(
            "{}{}",
            crate::bench_duplicates::NAME_STARTS
                [rng.random_range(0..crate::bench_duplicates::NAME_STARTS.len())],
            crate::bench_duplicates::NAME_ENDS[rng.random_range(0..crate::bench_duplicates::NAME_ENDS.len())]
        );
        let slug = comptoir_domain::search::fold(&surname).replace(' ', "");
        Written {
            trade: TRADES[rng.random_range(0..TRADES.len())].to_owned(),
            form: LEGAL_FORMS[rng.random_range(0..LEGAL_FORMS.len())],
            swapped: false,
            shouting: false,
            siren: rng.random_bool(0.5).then(|| crate::bench_import::siren(serial)),
            domain: rng.random_bool(0.4).then(|| format!("{slug}{}.fr", serial % 1000)),
            phone: rng.random_bool(0.6).then(|| format!("047{:07}", serial % 10_000_000)),
            postal_code: rng
                .random_bool(0.9)
                .then(|| format!("{:02}{:03}", rng.random_range(1..96), rng.random_range(0..40) * 10)),
            surname,
        }
    }

    /// A copy of `original` as someone typed it again, with one to three differences.
    fn copy(&mut self, original: &Written) -> Written {
        let mut copy = original.clone();
        for _ in 0..self.rng.random_range(1..=3) {
            match self.rng.random_range(0..8) {
                0 => copy.surname = typo(&mut self.rng, &copy.surname),
                1 => copy.form = LEGAL_FORMS[self.rng.random_range(0..LEGAL_FORMS.len())],
                2 => copy.shouting = true,
                3 => copy.swapped = true,
                4 => copy.siren = None,
                5 => copy.domain = None,
                6 => copy.phone = None,
                _ => copy.postal_code = None,
            }
        }
        copy
    }
}

/// `total` companies, a fifth of them copies of others.
fn generate(total: u64, seed: u64) -> anyhow::Result<Vec<Generated>> {
    let mut generator = Generator { rng: StdRng::seed_from_u64(seed) };
    let at = now();
    let originals = total * 4 / 5;
    let mut entities: Vec<Written> = Vec::with_capacity(originals as usize);
    let mut out = Vec::with_capacity(total as usize);
    for serial in 0..total {
        let (written, entity) = if serial < originals {
            entities.push(generator.original(serial));
            (entities[serial as usize].clone(), serial as u32)
        } else {
            let entity = generator.rng.random_range(0..originals) as usize;
            (generator.copy(&entities[entity]), entity as u32)
        };
        let company = Company {
            id: CompanyId::new(),
            version: 1,
            fields: written.fields()?,
            created_at: at,
            updated_at: at,
        };
        out.push(Generated { company, entity });
    }
    Ok(out)
}

pub async fn run(database_url: &str, total: u64) -> anyhow::Result<()> {
    let db = crate::serve::open(database_url).await?;
    if comptoir_store::companies::count(&db).await? > 0 {
        bail!("the benchmark needs a database without companies: it knows which of its companies are one");
    }
    let started = Instant::now();
    let generated = generate(total, 13)?;
    println!("Generated {total} companies in {:.1} s.", started.elapsed().as_secs_f64());
    let progress = bar(total, "companies loaded");
    for chunk in generated.chunks(2_000) {
        let mut tx = db.begin().await?;
        comptoir_store::companies::insert_many(&mut tx, chunk.iter().map(|g| &g.company)).await?;
        tx.commit().await?;
        progress.inc(chunk.len() as u64);
    }
    progress.finish();
    db.close().await;

    let mut by_entity: HashMap<u32, Vec<u64>> = HashMap::new();
    for (index, g) in generated.iter().enumerate() {
        by_entity.entry(g.entity).or_default().push(index as u64);
    }
    let index_of: HashMap<Uuid, u64> =
        generated.iter().enumerate().map(|(i, g)| (g.company.id.0, i as u64)).collect();
    drop(generated);
    let truth = true_pairs(by_entity.into_values());

    let (elapsed, peak) = scan(database_url).await.context("the scan")?;
    let app = App::new(crate::serve::open(database_url).await?);
    let report = app.last_duplicate_scan().await.map_err(crate::admin::explain)?.unwrap_or_default();
    let pairs: Vec<CompanyPair> =
        comptoir_store::duplicates::list(app.db(), PairStatus::Open, None, u32::MAX).await?;
    let found = by_index(&pairs, &index_of);
    println!(
        "Scanned {} companies (and {} contacts) in {:.1} s: {} pairs of companies kept (score ≥ {}); peak memory {:.0} MiB.",
        report.companies,
        report.contacts,
        elapsed.as_secs_f64(),
        report.company_pairs,
        comptoir_app::duplicates::KEPT_FROM,
        peak
    );
    print_quality(&quality(&found, &truth));
    Ok(())
}
