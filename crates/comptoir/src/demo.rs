//! `comptoir demo`: realistic French and English companies, contacts and activities, generated
//! on one core while the database writes on the other.
//!
//! Demo rows are written in bulk, straight to the store: they are synthetic, so they bypass
//! the per-record audit trail that real changes get.

use crate::cli::DemoArgs;
use crate::serve::open;
use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use comptoir_app::App;
use comptoir_domain::activities::{Activity, ActivityFields, ActivityKind, CallOutcome, Direction};
use comptoir_domain::address::Address;
use comptoir_domain::companies::{Company, CompanyFields, RelationshipType, SizeBand};
use comptoir_domain::contacts::{Contact, ContactFields, LabelledEmail, LabelledPhone, LifecycleStage};
use comptoir_domain::email::EmailAddress;
use comptoir_domain::ids::{ActivityId, CompanyId, ContactId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::phone::PhoneNumber;
use comptoir_domain::search::fold;
use comptoir_domain::siren::Siren;
use comptoir_domain::users::{Actor, Role};
use comptoir_store::{Db, Tx};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, json};
use std::time::Instant;

/// Contacts written per transaction, with their companies and activities.
const CHUNK: u64 = 5_000;
/// One company for this many contacts.
const CONTACTS_PER_COMPANY: u64 = 10;

const FIRST_NAMES_FR: &[&str] = &[
    "Hélène",
    "Chloé",
    "François",
    "Jérôme",
    "Zoé",
    "Léa",
    "Noël",
    "Anaïs",
    "Gaëlle",
    "Mathéo",
    "Élodie",
    "Agnès",
    "Benoît",
    "Cécile",
    "Clément",
    "Céline",
    "Joël",
    "Loïc",
    "Maëlle",
    "Thérèse",
    "Amélie",
    "Sébastien",
    "Stéphane",
    "Frédéric",
    "Valérie",
    "Camille",
    "Julien",
    "Nicolas",
    "Isabelle",
    "Pierre",
    "Marie",
    "Jean",
    "Sophie",
    "Paul",
    "Claire",
    "Louis",
    "Emma",
    "Hugo",
    "Manon",
    "Lucas",
    "Inès",
];
const FIRST_NAMES_EN: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlie", "Grace", "Thomas",
    "Sophia", "James", "Lily", "William", "Mia", "Henry", "Ella", "Samuel", "Chloe",
];
const LAST_NAMES_FR: &[&str] = &[
    "Dupont",
    "Lefèvre",
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Dupuis",
    "Lemoine",
    "Bérard",
    "Lefebvre",
    "Mercier",
    "Boyer",
    "Gérard",
    "Bonnet",
    "Girard",
    "André",
    "Lambert",
    "Fournier",
    "Giraud",
    "Brunet",
    "Rivière",
    "Noël",
    "Caron",
    "Leroy",
    "Renaud",
];
const LAST_NAMES_EN: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
];
const COMPANY_KINDS_FR: &[&str] = &[
    "Boulangerie",
    "Cabinet",
    "Transports",
    "Atelier",
    "Groupe",
    "Société",
    "Menuiserie",
    "Imprimerie",
    "Pharmacie",
    "Garage",
    "Laboratoires",
    "Éditions",
    "Hôtel",
    "Brasserie",
    "Agence",
    "Conseil",
];
const COMPANY_KINDS_EN: &[&str] =
    &["Logistics", "Consulting", "Software", "Foods", "Engineering", "Media", "Partners", "Systems"];
const LEGAL_FORMS_FR: &[&str] = &["SARL", "SAS", "SA", "SASU", "EURL"];
const LEGAL_FORMS_EN: &[&str] = &["Ltd", "LLP", "plc"];
const CITIES_FR: &[(&str, &str, &str)] = &[
    ("Paris", "75011", "Île-de-France"),
    ("Lyon", "69003", "Auvergne-Rhône-Alpes"),
    ("Marseille", "13006", "Provence-Alpes-Côte d'Azur"),
    ("Toulouse", "31000", "Occitanie"),
    ("Nantes", "44000", "Pays de la Loire"),
    ("Lille", "59000", "Hauts-de-France"),
    ("Bordeaux", "33000", "Nouvelle-Aquitaine"),
    ("Strasbourg", "67000", "Grand Est"),
    ("Rennes", "35000", "Bretagne"),
    ("Montpellier", "34000", "Occitanie"),
    ("Grenoble", "38000", "Auvergne-Rhône-Alpes"),
    ("Besançon", "25000", "Bourgogne-Franche-Comté"),
];
const CITIES_EN: &[(&str, &str, &str)] = &[
    ("London", "EC1A 1BB", "England"),
    ("Manchester", "M1 1AE", "England"),
    ("Edinburgh", "EH1 1YZ", "Scotland"),
    ("Bristol", "BS1 4DJ", "England"),
];
const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "place de l'Église",
    "chemin des Vignes",
    "High Street",
    "Station Road",
    "rue du Général de Gaulle",
    "quai des Chartrons",
];
const INDUSTRIES: &[&str] = &[
    "Agroalimentaire",
    "BTP",
    "Commerce de détail",
    "Conseil",
    "Éducation",
    "Énergie",
    "Hôtellerie",
    "Industrie",
    "Logiciel",
    "Santé",
    "Transport",
    "Finance",
];
const JOB_TITLES: &[&str] = &[
    "Directeur général",
    "Directrice commerciale",
    "Responsable achats",
    "DAF",
    "Chef de projet",
    "Assistante de direction",
    "Gérant",
    "Head of Sales",
    "Office Manager",
    "CTO",
    "Comptable",
    "Responsable marketing",
    "Acheteur",
    "Technicien",
    "Procurement Lead",
];
const SOURCES: &[&str] = &["site web", "salon", "recommandation", "LinkedIn", "appel entrant", "newsletter"];
const TAGS: &[&str] = &["vip", "export", "newsletter", "partenaire", "relance", "grand-compte"];
const SUBJECTS: &[&str] = &[
    "Premier contact",
    "Relance devis",
    "Présentation de l'offre",
    "Point trimestriel",
    "Réclamation livraison",
    "Renouvellement contrat",
    "Demande de démo",
    "Follow-up call",
    "Envoi de la proposition",
    "Rendez-vous salon",
];
const NOTES: &[&str] = &[
    "Intéressé par l'offre Pro, rappeler après les congés.",
    "Budget validé pour le prochain trimestre.",
    "Souhaite une remise sur volume.",
    "Wants a proposal by Friday.",
    "A comparé avec deux concurrents, sensible au prix.",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn luhn_digit(prefix: &str) -> u32 {
    let mut sum = 0;
    for (i, c) in prefix.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    (10 - sum % 10) % 10
}

fn slug(text: &str) -> String {
    fold(text).replace(' ', "-")
}

/// What the generator hands the writer: one chunk of companies, contacts and activities.
struct Batch {
    companies: Vec<Company>,
    contacts: Vec<(Contact, String)>,
    activities: Vec<Activity>,
}

struct Generator {
    rng: StdRng,
    owners: Vec<UserId>,
    now: DateTime<Utc>,
    /// Companies of the current chunk, with their folded name and domain.
    companies: Vec<(CompanyId, String, String, bool)>,
}

impl Generator {
    fn company(&mut self) -> Company {
        let english = self.rng.random_bool(0.2);
        let (kinds, forms, cities) = if english {
            (COMPANY_KINDS_EN, LEGAL_FORMS_EN, CITIES_EN)
        } else {
            (COMPANY_KINDS_FR, LEGAL_FORMS_FR, CITIES_FR)
        };
        let family = *pick(&mut self.rng, if english { LAST_NAMES_EN } else { LAST_NAMES_FR });
        let name = if english {
            format!("{family} {} {}", pick(&mut self.rng, kinds), pick(&mut self.rng, forms))
        } else {
            format!("{} {family} {}", pick(&mut self.rng, kinds), pick(&mut self.rng, forms))
        };
        let number = self.rng.random_range(0..100_000u32);
        let domain = format!("{}-{number}.{}", slug(&name), if english { "co.uk" } else { "fr" });
        let (city, postal_code, region) = *pick(&mut self.rng, cities);
        let siren = if english {
            None
        } else {
            let prefix = format!("{:08}", self.rng.random_range(10_000_000..99_999_999u32));
            Siren::parse(&format!("{prefix}{}", luhn_digit(&prefix))).ok()
        };
        let created_at = self.now - Duration::days(self.rng.random_range(30..1500));
        let id = CompanyId::new();
        self.companies.push((id, fold(&name), domain.clone(), english));
        Company {
            id,
            version: 1,
            fields: CompanyFields {
                name,
                domain: Some(domain.clone()),
                website: Some(format!("https://www.{domain}")),
                industry: Some((*pick(&mut self.rng, INDUSTRIES)).to_owned()),
                size_band: Some(*pick(&mut self.rng, &SizeBand::ALL)),
                siren,
                siret: None,
                vat_number: None,
                addresses: vec![Address {
                    label: Some(if english { "head office" } else { "siège" }.to_owned()),
                    street: Some(format!(
                        "{} {}",
                        self.rng.random_range(1..200),
                        pick(&mut self.rng, STREETS)
                    )),
                    postal_code: Some(postal_code.to_owned()),
                    city: Some(city.to_owned()),
                    region: Some(region.to_owned()),
                    country: Some(if english { "GB" } else { "FR" }.to_owned()),
                }],
                phones: vec![],
                relationship_type: *pick(&mut self.rng, &RelationshipType::ALL),
                portal_shares_tickets: false,
                // One customer in ten pays for more.
                service_tier: Some(if number % 10 == 0 { "Premium" } else { "Standard" }.to_owned()),
                owner_id: Some(*pick(&mut self.rng, &self.owners)),
                tags: vec![],
                custom_fields: Map::new(),
            },
            created_at,
            updated_at: created_at,
        }
    }

    /// A mobile number the contact form would accept: drawn from the mobile ranges, and drawn
    /// again when it falls in a block the numbering plan does not give to mobiles here (069x
    /// are overseas departments'), so every demo contact can be edited as it is.
    fn phone(&mut self, english: bool) -> Option<PhoneNumber> {
        (0..8).find_map(|_| {
            let digits = self.rng.random_range(10_000_000..99_999_999u32);
            let text = if english { format!("+447{digits}{}", digits % 10) } else { format!("+336{digits}") };
            PhoneNumber::parse(&text).ok()
        })
    }

    fn contact(&mut self, serial: u64) -> (Contact, String) {
        let (company_id, company_search, domain, english) =
            self.companies[self.rng.random_range(0..self.companies.len())].clone();
        let first = *pick(&mut self.rng, if english { FIRST_NAMES_EN } else { FIRST_NAMES_FR });
        let last = *pick(&mut self.rng, if english { LAST_NAMES_EN } else { LAST_NAMES_FR });
        let email =
            EmailAddress::parse(&format!("{}.{}{}@{domain}", slug(first), slug(last), serial % 1000)).ok();
        let (city, postal_code, region) = *pick(&mut self.rng, if english { CITIES_EN } else { CITIES_FR });
        let tags: Vec<String> =
            TAGS.iter().filter(|_| self.rng.random_bool(0.12)).map(|t| (*t).to_owned()).collect();
        let mut custom_fields = Map::new();
        if self.rng.random_bool(0.5) {
            custom_fields.insert("budget".to_owned(), json!(self.rng.random_range(1..500) * 100));
        }
        let created_at = self.now - Duration::minutes(self.rng.random_range(60..1_500_000));
        let contact = Contact {
            id: ContactId::new(),
            version: 1,
            fields: ContactFields {
                first_name: Some(first.to_owned()),
                last_name: Some(last.to_owned()),
                emails: email
                    .into_iter()
                    .map(|address| LabelledEmail { address, label: Some("work".to_owned()) })
                    .collect(),
                phones: self
                    .phone(english)
                    .into_iter()
                    .map(|number| LabelledPhone { number, label: Some("mobile".to_owned()) })
                    .collect(),
                job_title: Some((*pick(&mut self.rng, JOB_TITLES)).to_owned()),
                company_id: Some(company_id),
                address: Address {
                    label: None,
                    street: None,
                    postal_code: Some(postal_code.to_owned()),
                    city: Some(city.to_owned()),
                    region: Some(region.to_owned()),
                    country: Some(if english { "GB" } else { "FR" }.to_owned()),
                },
                language: Some(if english { "en" } else { "fr" }.to_owned()),
                lifecycle_stage: *pick(&mut self.rng, &LifecycleStage::ALL),
                source: Some((*pick(&mut self.rng, SOURCES)).to_owned()),
                external_id: None,
                owner_id: Some(*pick(&mut self.rng, &self.owners)),
                tags,
                custom_fields,
            },
            company: None,
            created_at,
            updated_at: created_at,
            last_activity_at: None,
        };
        (contact, company_search)
    }

    fn activities(&mut self, contact: &mut Contact, per_contact: u64, out: &mut Vec<Activity>) {
        let count = self.rng.random_range(0..=per_contact * 2);
        let span = (self.now - contact.created_at).num_minutes().max(1);
        for _ in 0..count {
            let occurred_at = contact.created_at + Duration::minutes(self.rng.random_range(0..span));
            let kind = *pick(&mut self.rng, &ActivityKind::ALL);
            let owner = contact.fields.owner_id;
            let call = kind == ActivityKind::Call;
            let task = kind == ActivityKind::Task;
            let done = task && occurred_at < self.now - Duration::days(7);
            out.push(Activity {
                id: ActivityId::new(),
                version: 1,
                fields: ActivityFields {
                    kind,
                    subject: Some((*pick(&mut self.rng, SUBJECTS)).to_owned()),
                    body: self.rng.random_bool(0.4).then(|| (*pick(&mut self.rng, NOTES)).to_owned()),
                    contact_id: Some(contact.id),
                    company_id: None,
                    deal_id: None,
                    ticket_id: None,
                    occurred_at,
                    direction: (call || kind == ActivityKind::Email).then(|| {
                        if self.rng.random_bool(0.5) { Direction::Inbound } else { Direction::Outbound }
                    }),
                    duration_seconds: call.then(|| self.rng.random_range(20..1800)),
                    outcome: call.then(|| *pick(&mut self.rng, &CallOutcome::ALL)),
                    starts_at: (kind == ActivityKind::Meeting).then_some(occurred_at),
                    ends_at: (kind == ActivityKind::Meeting).then(|| occurred_at + Duration::minutes(45)),
                    location: None,
                    due_at: task.then(|| occurred_at + Duration::days(3)),
                    assignee_id: if task { owner } else { None },
                    done,
                    done_at: done.then(|| occurred_at + Duration::days(2)),
                    owner_id: owner,
                },
                created_at: occurred_at,
                updated_at: occurred_at,
            });
            if contact.last_activity_at.is_none_or(|last| last < occurred_at) {
                contact.last_activity_at = Some(occurred_at);
            }
        }
    }

    fn batch(&mut self, first_serial: u64, contacts: u64, per_contact: u64) -> Batch {
        self.companies.clear();
        let company_count = contacts.div_ceil(CONTACTS_PER_COMPANY).max(1);
        let companies: Vec<Company> = (0..company_count).map(|_| self.company()).collect();
        let mut out_contacts = Vec::with_capacity(contacts as usize);
        let mut activities = Vec::with_capacity((contacts * per_contact) as usize);
        for serial in first_serial..first_serial + contacts {
            let (mut contact, search) = self.contact(serial);
            self.activities(&mut contact, per_contact, &mut activities);
            out_contacts.push((contact, search));
        }
        Batch { companies, contacts: out_contacts, activities }
    }
}

/// Demo users who own the generated records, and the custom field their contacts fill, created
/// once. Users created now share a random password, returned to be shown once.
async fn demo_owners(app: &App) -> anyhow::Result<(Vec<UserId>, Option<String>)> {
    let mut owners = Vec::new();
    let password: String =
        rand::rng().sample_iter(rand::distr::Alphanumeric).take(16).map(char::from).collect();
    let mut created = false;
    for (email, role, name) in [
        ("claire.dubois@exemple.fr", Role::Admin, "Claire Dubois"),
        ("camille.martin@exemple.fr", Role::Manager, "Camille Martin"),
        ("julien.bernard@exemple.fr", Role::Sales, "Julien Bernard"),
        ("sophie.leroy@exemple.fr", Role::Sales, "Sophie Leroy"),
        ("thomas.wright@exemple.fr", Role::Sales, "Thomas Wright"),
        ("ines.garcia@exemple.fr", Role::Support, "Inès Garcia"),
    ] {
        let user = match app.find_user_by_email(email).await? {
            Some(user) => user,
            None => {
                created = true;
                app.create_user(
                    None,
                    json!({"email": email, "role": role, "display_name": name, "password": password}),
                    None,
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            }
        };
        owners.push(user.id);
    }
    let admin = Actor { user_id: owners[0], role: Role::Admin };
    let defined = app.list_custom_fields(&admin, Some(RecordKind::Contact)).await?;
    if !defined.iter().any(|d| d.key == "budget") {
        app.create_custom_field(
            &admin,
            json!({"object_type": "contact", "key": "budget", "label": "Budget (€)", "field_type": "number"}),
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok((owners, created.then_some(password)))
}

async fn write(tx: &mut Tx, batch: &Batch) -> anyhow::Result<()> {
    comptoir_store::companies::insert_many(tx, &batch.companies).await?;
    comptoir_store::contacts::insert_many(tx, batch.contacts.iter().map(|(c, s)| (c, s.as_str()))).await?;
    comptoir_store::activities::insert_many(tx, &batch.activities).await?;
    Ok(())
}

pub async fn run(database_url: &str, args: DemoArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let app = App::new(open(database_url).await?);
    let (owners, password) = demo_owners(&app).await?;
    let existing = u64::try_from(comptoir_store::contacts::count(app.db()).await?).unwrap_or(0);
    app.db().close().await;
    // A database without contacts is being set up: nobody reads it yet.
    let db = Db::connect_for_bulk_load(database_url, existing == 0)
        .await
        .context("cannot open the database for loading")?;
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(args.seed),
        owners,
        now: comptoir_domain::time::now(),
        companies: vec![],
    };

    let progress = ProgressBar::new(args.contacts);
    progress.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} contacts ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    // Generation runs on a blocking thread, one chunk ahead of the writer.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(2);
    let total = args.contacts;
    let per_contact = args.activities_per_contact;
    let producer = tokio::task::spawn_blocking(move || {
        let mut serial = 0;
        while serial < total {
            let size = CHUNK.min(total - serial);
            if sender.blocking_send(generator.batch(serial, size, per_contact)).is_err() {
                break;
            }
            serial += size;
        }
    });
    let (mut companies, mut activities) = (0usize, 0usize);
    let mut load = db.begin_bulk_load(&["companies", "contacts", "activities"], total >= existing).await?;
    while let Some(batch) = receiver.recv().await {
        write(load.tx(), &batch).await?;
        companies += batch.companies.len();
        activities += batch.activities.len();
        progress.inc(batch.contacts.len() as u64);
    }
    producer.await?;
    progress.finish();
    eprintln!("Building indexes…");
    load.finish().await?;
    let loaded = started.elapsed();
    eprintln!("Optimising indexes…");
    db.optimize().await?;
    db.close_bulk_load().await?;
    println!(
        "Created {total} contacts, {companies} companies and {activities} activities in {:.1} s ({:.1} s loading, {:.1} s optimising).",
        started.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        (started.elapsed() - loaded).as_secs_f64()
    );
    if args.deals > 0 {
        let started = Instant::now();
        let app = App::new(open(database_url).await?);
        let (owners, _) = demo_owners(&app).await?;
        let admin = Actor { user_id: owners[0], role: Role::Admin };
        let changes = crate::demo_deals::seed(&app, &admin, owners, args.deals, args.seed).await?;
        println!(
            "Created {} deals and {changes} stage changes in {:.1} s.",
            args.deals,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(password) = password {
        println!(
            "Sign in as claire.dubois@exemple.fr (admin) or another demo user with the password {password}\n\
             (shown once; each user changes their own under “My account”, /account)."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_phones_pass_the_forms_validation() {
        let mut generator =
            Generator { rng: StdRng::seed_from_u64(7), owners: vec![], now: Utc::now(), companies: vec![] };
        for english in [false, true] {
            let phones: Vec<PhoneNumber> = (0..2000).filter_map(|_| generator.phone(english)).collect();
            assert!(phones.len() > 1990, "almost every contact gets a phone");
            for phone in phones {
                assert!(PhoneNumber::parse(phone.as_str()).is_ok(), "{}", phone.as_str());
            }
        }
    }
}
