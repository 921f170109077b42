//! `comptoir bench --duplicates N`: N contacts of which a known share are copies of others,
//! mistyped as people mistype them (a typo, names swapped, accents dropped, another email,
//! a missing phone, "bd" for "boulevard", a surname taken on marriage), and some of the others
//! relatives living with one (one address, one surname, another first name: two people),
//! loaded into the database; the scan the server runs is timed, and the pairs it keeps are
//! checked against the truth: precision and recall.
//!
//! `comptoir bench --linkage FILE`: the same measure on a public record-linkage set with its
//! true pairs (the Febrl sets' columns), in memory, without a database.

use anyhow::{Context, bail};
use comptoir_app::App;
use comptoir_domain::address::Address;
use comptoir_domain::companies::{Company, CompanyFields, RelationshipType};
use comptoir_domain::contacts::{Contact, ContactFields, LabelledEmail, LabelledPhone, LifecycleStage};
use comptoir_domain::duplicates::PairStatus;
use comptoir_domain::email::EmailAddress;
use comptoir_domain::ids::{CompanyId, ContactId};
use comptoir_domain::phone::PhoneNumber;
use comptoir_domain::time::now;
use comptoir_match::{Person, Profile, Sounds, find_duplicates};
use comptoir_store::Db;
use comptoir_store::duplicates::StoredPair;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Map;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

const FIRST_NAMES: &[&str] = &[
    "Jean",
    "Marie",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Jacques",
    "Bernard",
    "Éric",
    "Stéphane",
    "Christophe",
    "Frédéric",
    "Sébastien",
    "Laurent",
    "Olivier",
    "Nicolas",
    "Julien",
    "Thomas",
    "Antoine",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Zoé",
    "Hélène",
    "Cécile",
    "Aurélie",
    "Émilie",
    "Céline",
    "Valérie",
    "Sandrine",
    "Véronique",
    "Anaïs",
    "Noémie",
    "Gaëlle",
    "Maëlle",
    "Joël",
    "Noël",
    "Raphaël",
    "Mathieu",
    "Guillaume",
    "Benoît",
    "François",
    "Jérôme",
    "Thierry",
    "Patrick",
    "Alain",
    "Daniel",
    "Christian",
    "Gérard",
    "Hugo",
    "Lucas",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Adam",
    "Léo",
    "Paul",
    "Emma",
    "Louise",
    "Alice",
    "Lina",
    "Rose",
    "Anna",
    "Mila",
    "Ambre",
    "Julia",
    "Agathe",
    "Margaux",
    "Juliette",
    "Lucie",
    "Élodie",
    "Pauline",
    "Clémence",
    "Océane",
];
/// Surnames are built from two halves, as many French ones sound, for a realistic spread of
/// tens of thousands of names rather than a few common ones.
pub(crate) const NAME_STARTS: &[&str] = &[
    "Ber", "Dur", "Lef", "Mor", "Gir", "Bon", "Roux", "Four", "Mer", "Dub", "Lam", "Gar", "Fau", "Mich",
    "Leb", "Rou", "Chev", "Bla", "Gau", "Cla", "Dum", "Pel", "Mar", "Ren", "Lec", "Guér", "Mull", "Hen",
    "Bré", "Cou", "Vin", "Sch", "Del", "Des", "Lau", "Bau", "Pic", "Tes", "Val", "Beau",
];
pub(crate) const NAME_ENDS: &[&str] = &[
    "nard", "and", "èvre", "eau", "ard", "net", "x", "nier", "cier", "ois", "bert", "cia", "re", "el",
    "lanc", "ault", "aud", "ont", "ier", "tier", "ot", "ez", "in", "oux", "chet", "ger", "enne", "ais",
    "aume", "ille", "on", "elle", "oît", "ard", "usson", "tin", "elin", "aux", "ès", "otte",
];
const STREETS: &[&str] = &[
    "rue de la République",
    "boulevard Saint-Germain",
    "avenue Jean Jaurès",
    "place de la Mairie",
    "rue Victor Hugo",
    "chemin des Vignes",
    "impasse des Lilas",
    "route de Lyon",
    "rue Pasteur",
    "boulevard Voltaire",
    "avenue de la Gare",
    "rue du Moulin",
    "rue des Écoles",
    "allée des Tilleuls",
];

/// A generated contact and the person it is: copies share their original's person.
pub(crate) struct Generated {
    pub(crate) contact: Contact,
    pub(crate) person: u32,
}

/// Contacts per company among the people who work at one: colleagues of one first name are
/// common at that size, as in a customer base of firms.
const STAFF_PER_COMPANY: u64 = 8;
/// The share of people filed under their employer, at its office's address.
const EMPLOYED: f64 = 0.4;

struct Generator {
    rng: StdRng,
    companies: Vec<Company>,
}

impl Generator {
    fn new(seed: u64, people: u64) -> Self {
        let mut generator = Generator { rng: StdRng::seed_from_u64(seed), companies: Vec::new() };
        let count = (people as f64 * EMPLOYED / STAFF_PER_COMPANY as f64).ceil() as u64;
        generator.companies = (0..count).map(|n| generator.company(n)).collect();
        generator
    }

    fn company(&mut self, serial: u64) -> Company {
        let name =
            format!("{} {}", surname(&mut self.rng), ["SARL", "SAS", "SA", "EURL"][(serial % 4) as usize]);
        let at = now();
        Company {
            id: CompanyId::new(),
            version: 1,
            fields: CompanyFields {
                domain: Some(format!("societe{serial}.fr")),
                addresses: vec![self.address()],
                name,
                website: None,
                industry: None,
                size_band: None,
                siren: None,
                siret: None,
                vat_number: None,
                phones: Vec::new(),
                relationship_type: RelationshipType::Customer,
                portal_shares_tickets: false,
                service_tier: None,
                owner_id: None,
                tags: Vec::new(),
                custom_fields: Map::new(),
            },
            created_at: at,
            updated_at: at,
        }
    }

    fn address(&mut self) -> Address {
        let rng = &mut self.rng;
        Address {
            street: Some(format!(
                "{} {}",
                rng.random_range(1..120),
                STREETS[rng.random_range(0..STREETS.len())]
            )),
            postal_code: Some(format!("{:02}{:03}", rng.random_range(1..96), rng.random_range(0..40) * 10)),
            ..Address::default()
        }
    }

    /// A person, at home or, four times in ten, at their employer's office with its email
    /// domain.
    fn original(&mut self, serial: u64) -> ContactFields {
        let first = FIRST_NAMES[self.rng.random_range(0..FIRST_NAMES.len())].to_owned();
        let last = surname(&mut self.rng);
        let employer = self
            .rng
            .random_bool(EMPLOYED)
            .then(|| self.rng.random_range(0..self.companies.len()))
            .map(|n| &self.companies[n]);
        let rng = &mut self.rng;
        let domain = match employer {
            Some(company) => company.fields.domain.clone().unwrap_or_default(),
            None => ["orange.fr", "gmail.com", "exemple.fr"][rng.random_range(0..3)].to_owned(),
        };
        let email = rng.random_bool(0.8).then(|| {
            let slug = |s: &str| comptoir_domain::search::fold(s).replace(' ', "");
            format!("{}.{}{}@{domain}", slug(&first), slug(&last), serial % 997)
        });
        let phone = rng.random_bool(0.6).then(|| format!("06{:08}", serial % 100_000_000));
        let employer = employer.map(|company| (company.id, company.fields.addresses.first().cloned()));
        let address = match &employer {
            Some((_, office)) => office.clone().unwrap_or_default(),
            None if self.rng.random_bool(0.7) => self.address(),
            None => Address::default(),
        };
        let mut person = fields(Some(first), Some(last), email, phone, address);
        person.company_id = employer.map(|(id, _)| id);
        person
    }

    /// A relative of `person` living with them: their surname and address, a first name,
    /// email and mobile of their own, and no employer on file.
    fn relative(&mut self, person: &ContactFields, serial: u64) -> ContactFields {
        let mut relative = self.original(serial);
        relative.last_name.clone_from(&person.last_name);
        relative.address = person.address.clone();
        relative.company_id = None;
        relative
    }

    /// A copy of `original` as someone typed it again, with one to three differences.
    fn copy(&mut self, original: &ContactFields) -> ContactFields {
        let mut copy = original.clone();
        let changes = self.rng.random_range(1..=3);
        for _ in 0..changes {
            match self.rng.random_range(0..9) {
                0 => copy.first_name = copy.first_name.map(|n| typo(&mut self.rng, &n)),
                1 => copy.last_name = copy.last_name.map(|n| typo(&mut self.rng, &n)),
                2 => std::mem::swap(&mut copy.first_name, &mut copy.last_name),
                3 => {
                    copy.first_name = copy.first_name.map(|n| deunicode::deunicode(&n).to_uppercase());
                    copy.last_name = copy.last_name.map(|n| deunicode::deunicode(&n).to_uppercase());
                }
                4 => {
                    copy.emails = match self.rng.random_bool(0.5) {
                        true => Vec::new(),
                        false => email(format!("contact{}@autre.fr", self.rng.random_range(0..10_000_000))),
                    }
                }
                5 => copy.phones.clear(),
                6 => {
                    copy.address.street = copy.address.street.map(|s| {
                        s.replace("boulevard", "bd").replace("avenue", "av.").replace("rue de la", "r. de la")
                    })
                }
                7 => copy.address = Address::default(),
                _ => copy.last_name = Some(surname(&mut self.rng)),
            }
        }
        copy
    }
}

/// A surname from two halves.
fn surname(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        NAME_STARTS[rng.random_range(0..NAME_STARTS.len())],
        NAME_ENDS[rng.random_range(0..NAME_ENDS.len())]
    )
}

/// One keyboard slip: a letter replaced, left out, doubled, or two swapped.
pub(crate) fn typo(rng: &mut StdRng, word: &str) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    if letters.len() < 3 {
        return word.to_owned();
    }
    let at = rng.random_range(1..letters.len() - 1);
    match rng.random_range(0..4) {
        0 => letters[at] = (b'a' + rng.random_range(0..26u8)) as char,
        1 => {
            letters.remove(at);
        }
        2 => letters.insert(at, letters[at]),
        _ => letters.swap(at, at + 1),
    }
    letters.into_iter().collect()
}

fn email(address: String) -> Vec<LabelledEmail> {
    EmailAddress::parse(&address).map(|address| LabelledEmail { address, label: None }).into_iter().collect()
}

fn fields(
    first_name: Option<String>,
    last_name: Option<String>,
    address_text: Option<String>,
    phone: Option<String>,
    address: Address,
) -> ContactFields {
    ContactFields {
        first_name,
        last_name,
        emails: address_text.map(email).unwrap_or_default(),
        phones: phone
            .and_then(|p| PhoneNumber::parse(&p).ok())
            .map(|number| LabelledPhone { number, label: None })
            .into_iter()
            .collect(),
        job_title: None,
        company_id: None,
        address,
        language: Some("fr".to_owned()),
        lifecycle_stage: LifecycleStage::Lead,
        source: None,
        external_id: None,
        owner_id: None,
        tags: Vec::new(),
        custom_fields: Map::new(),
    }
}

/// `total` contacts, a fifth of them copies of others and one in ten of the others a relative
/// living with an earlier one, four in ten of the rest at a company with their colleagues;
/// copies come after the people they copy. The companies come with them.
pub(crate) fn generate(total: u64, seed: u64) -> (Vec<Company>, Vec<Generated>) {
    let originals = originals(total);
    let mut generator = Generator::new(seed, originals);
    let at = now();
    let mut people: Vec<ContactFields> = Vec::with_capacity(originals as usize);
    let mut out = Vec::with_capacity(total as usize);
    for serial in 0..total {
        let (fields, person) = if serial < originals {
            let relative = serial > 0 && generator.rng.random_bool(0.1);
            let fields = match relative {
                true => {
                    let of = generator.rng.random_range(0..serial) as usize;
                    let person = people[of].clone();
                    generator.relative(&person, serial)
                }
                false => generator.original(serial),
            };
            people.push(fields);
            (people[serial as usize].clone(), serial as u32)
        } else {
            let person = generator.rng.random_range(0..originals) as usize;
            (generator.copy(&people[person]), person as u32)
        };
        let contact = Contact {
            id: ContactId::new(),
            version: 1,
            fields,
            company: None,
            created_at: at,
            updated_at: at,
            last_activity_at: None,
        };
        out.push(Generated { contact, person });
    }
    (generator.companies, out)
}

/// How many of `total` generated contacts are people rather than copies: they come first.
pub(crate) fn originals(total: u64) -> u64 {
    total * 4 / 5
}

/// Pairs kept, against the truth, from a threshold up.
pub(crate) struct Quality {
    threshold: u8,
    kept: u64,
    right: u64,
    truth: u64,
}

impl Quality {
    fn line(&self) -> String {
        let precision = self.right as f64 / self.kept.max(1) as f64;
        let recall = self.right as f64 / self.truth.max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
        format!(
            "| ≥ {:>3} | {:>9} | {:>9} | {:>9} | {:.3} | {:.3} | {:.3} |",
            self.threshold, self.kept, self.right, self.truth, precision, recall, f1
        )
    }
}

pub(crate) fn quality(found: &[(u8, (u64, u64))], truth: &HashSet<(u64, u64)>) -> Vec<Quality> {
    [30u8, 40, 50, 60, 70, 80]
        .into_iter()
        .map(|threshold| {
            let kept: Vec<&(u64, u64)> =
                found.iter().filter(|(score, _)| *score >= threshold).map(|(_, pair)| pair).collect();
            let right = kept.iter().filter(|pair| truth.contains(pair)).count() as u64;
            Quality { threshold, kept: kept.len() as u64, right, truth: truth.len() as u64 }
        })
        .collect()
}

pub(crate) fn print_quality(rows: &[Quality]) {
    println!("| score  |      kept |     right |      true | precision | recall | F1 |");
    println!("|--------|-----------|-----------|-----------|-----------|--------|----|");
    for row in rows {
        println!("{}", row.line());
    }
}

/// Runs `comptoir duplicates scan`, the command people run; its wall time and peak resident
/// memory, sampled every 100 ms.
pub(crate) async fn scan(database_url: &str) -> anyhow::Result<(std::time::Duration, f64)> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["duplicates", "scan"])
        .env("COMPTOIR_DATABASE_URL", database_url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("cannot start comptoir duplicates scan")?;
    let pid = child.id().unwrap_or_default();
    let mut peak: f64 = 0.0;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak = peak.max(crate::bench::rss_mib(pid).unwrap_or(0.0));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    if !status.success() {
        bail!("comptoir duplicates scan failed");
    }
    Ok((started.elapsed(), peak))
}

pub async fn run(database_url: &str, total: u64) -> anyhow::Result<()> {
    let db = crate::serve::open(database_url).await?;
    if comptoir_store::contacts::count(&db).await? > 0 {
        bail!(
            "the benchmark needs a database without contacts: it knows which of its contacts are one person"
        );
    }
    db.close().await;
    let started = Instant::now();
    let (companies, generated) = generate(total, 11);
    println!(
        "Generated {total} contacts and {} companies in {:.1} s.",
        companies.len(),
        started.elapsed().as_secs_f64()
    );
    load(database_url, &companies, &generated).await?;

    let mut by_person: HashMap<u32, Vec<u64>> = HashMap::new();
    for (index, g) in generated.iter().enumerate() {
        by_person.entry(g.person).or_default().push(index as u64);
    }
    let index_of: HashMap<Uuid, u64> =
        generated.iter().enumerate().map(|(i, g)| (g.contact.id.0, i as u64)).collect();
    drop(generated);
    let truth = true_pairs(by_person.into_values());

    let (elapsed, peak) = scan(database_url).await?;
    let app = App::new(crate::serve::open(database_url).await?);
    let report = app.last_duplicate_scan().await.map_err(crate::admin::explain)?.unwrap_or_default();
    let pairs: Vec<comptoir_domain::duplicates::DuplicatePair> =
        comptoir_store::duplicates::list(app.db(), PairStatus::Open, None, u32::MAX).await?;
    let found = by_index(&pairs, &index_of);
    println!(
        "Scanned {} contacts in {:.1} s: {} pairs compared, {} kept (score ≥ {}); peak memory {:.0} MiB.",
        report.contacts,
        elapsed.as_secs_f64(),
        report.compared,
        report.pairs,
        comptoir_app::duplicates::KEPT_FROM,
        peak
    );
    print_quality(&quality(&found, &truth));
    Ok(())
}

/// Writes generated companies and contacts in one bulk load, as fast as the engine takes them,
/// with a progress bar.
pub(crate) async fn load(
    database_url: &str,
    companies: &[Company],
    contacts: &[Generated],
) -> anyhow::Result<()> {
    let db = Db::connect_for_bulk_load(database_url, true)
        .await
        .context("cannot open the database for loading")?;
    let progress = bar(contacts.len() as u64, "contacts loaded");
    let mut load = db.begin_bulk_load(&["contacts"], true).await?;
    for chunk in companies.chunks(5_000) {
        comptoir_store::companies::insert_many(load.tx(), chunk).await?;
    }
    for chunk in contacts.chunks(5_000) {
        comptoir_store::contacts::insert_many(load.tx(), chunk.iter().map(|g| (&g.contact, ""))).await?;
        progress.inc(chunk.len() as u64);
    }
    load.finish().await?;
    db.optimize().await?;
    db.close_bulk_load().await?;
    progress.finish();
    Ok(())
}

/// The pairs a scan kept, by the generated records' indexes (smaller first), with their score.
pub(crate) fn by_index<P: StoredPair>(pairs: &[P], index_of: &HashMap<Uuid, u64>) -> Vec<(u8, (u64, u64))> {
    pairs
        .iter()
        .filter_map(|p| {
            let p = p.parts();
            let (a, b) = (index_of.get(&p.first_id)?, index_of.get(&p.second_id)?);
            Some((p.score, (*a.min(b), *a.max(b))))
        })
        .collect()
}

/// Every pair of members of each group, smaller index first.
pub(crate) fn true_pairs(groups: impl Iterator<Item = Vec<u64>>) -> HashSet<(u64, u64)> {
    let mut truth = HashSet::new();
    for group in groups {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                truth.insert((*a.min(b), *a.max(b)));
            }
        }
    }
    truth
}

pub(crate) fn bar(total: u64, what: &'static str) -> ProgressBar {
    let progress = ProgressBar::new(total);
    progress.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{human_pos}}/{{human_len}} {what}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    progress
}

/// Reads a record-linkage set (the Febrl columns: `rec_id`, `given_name`, `surname`,
/// `street_number`, `address_1`, `postcode`; or `id`, `first_name`, `last_name`, `street`,
/// `postal_code`, `email`, `phone`; the `identifying` columns as identifying fields) and its
/// true pairs (`a,b` by id), links it in memory and prints precision and recall by score.
pub fn linkage(file: &Path, pairs: &Path, identifying: &[String]) -> anyhow::Result<()> {
    let mut reader =
        csv::Reader::from_path(file).with_context(|| format!("cannot read {}", file.display()))?;
    let headers = reader.headers()?.clone();
    let column = |names: &[&str]| names.iter().find_map(|n| headers.iter().position(|h| h.trim() == *n));
    let id = column(&["rec_id", "id"]).context("no id column (rec_id or id)")?;
    let first = column(&["given_name", "first_name"]);
    let last = column(&["surname", "last_name"]);
    let number = column(&["street_number"]);
    let street = column(&["address_1", "street"]);
    let postal_code = column(&["postcode", "postal_code"]);
    let email = column(&["email"]);
    let phone = column(&["phone"]);
    let identifying: Vec<(&str, usize)> = identifying
        .iter()
        .map(|name| {
            column(&[name.as_str()]).map(|at| (name.as_str(), at)).context(format!("no column {name}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let sounds = Sounds::default();
    let mut ids: Vec<String> = Vec::new();
    let mut profiles: Vec<Profile> = Vec::new();
    for record in reader.records() {
        let record = record?;
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::trim).filter(|v| !v.is_empty());
        let street_text = match (get(number), get(street)) {
            (Some(n), Some(s)) => Some(format!("{n} {s}")),
            (None, Some(s)) => Some(s.to_owned()),
            _ => None,
        };
        let emails: Vec<String> = get(email).map(str::to_owned).into_iter().collect();
        let phones: Vec<String> = get(phone)
            .and_then(|p| PhoneNumber::parse(p).ok())
            .map(|p| p.as_str().to_owned())
            .into_iter()
            .collect();
        let identifiers: Vec<(String, String)> = identifying
            .iter()
            .filter_map(|(name, at)| get(Some(*at)).map(|value| ((*name).to_owned(), value.to_owned())))
            .collect();
        let person = Person {
            first_name: get(first),
            last_name: get(last),
            emails: &emails,
            phones: &phones,
            company: None,
            postal_code: get(postal_code),
            street: street_text.as_deref(),
            identifiers: &identifiers,
        };
        profiles.push(Profile::new(Uuid::nil(), &person, &sounds));
        ids.push(record.get(id).unwrap_or_default().trim().to_owned());
    }
    let index: HashMap<&str, u64> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i as u64)).collect();
    let mut truth = HashSet::new();
    for record in csv::Reader::from_path(pairs)?.records() {
        let record = record?;
        if let (Some(a), Some(b)) =
            (record.get(0).and_then(|a| index.get(a.trim())), record.get(1).and_then(|b| index.get(b.trim())))
        {
            truth.insert((*a.min(b), *a.max(b)));
        }
    }
    let started = Instant::now();
    let linkage = find_duplicates(&profiles, 30);
    let elapsed = started.elapsed();
    println!(
        "Linked {} records in {:.3} s: {} pairs compared, {} true pairs; {}.",
        profiles.len(),
        elapsed.as_secs_f64(),
        linkage.compared,
        truth.len(),
        match linkage.share {
            Some(share) => format!("estimated {share:.3} duplicate pairs per record"),
            None => "too few records to estimate from".to_owned(),
        }
    );
    let found: Vec<(u8, (u64, u64))> = linkage
        .found
        .iter()
        .map(|f| (f.verdict.score, (f.first.min(f.second) as u64, f.first.max(f.second) as u64)))
        .collect();
    print_quality(&quality(&found, &truth));
    Ok(())
}
