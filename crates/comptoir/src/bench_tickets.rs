//! `comptoir bench --tickets N`: a help desk's years of work loaded into the database (N
//! tickets, five messages each, most of them long closed, the rest in fifty agents' queues and
//! the team's), then the deadline watch timed in the process, and an agent's queue, the team's
//! queue, a ticket's page and a search by reference timed through the server, one request at
//! a time.

use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, Utc};
use comptoir_app::App;
use comptoir_domain::activities::{Activity, ActivityFields, ActivityKind, Direction};
use comptoir_domain::ids::{ActivityId, ContactId, TicketId, UserId};
use comptoir_domain::service_levels::ServiceLevels;
use comptoir_domain::tickets::{
    Ticket, TicketChannel, TicketFields, TicketPriority, TicketSla, TicketStatus, TicketTrack, reference,
};
use comptoir_domain::time::now;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, json};

/// How many agents share the tickets.
const AGENTS: usize = 50;
const MESSAGES_PER_TICKET: usize = 5;
/// Tickets written per transaction.
const CHUNK: usize = 2_000;

const SUBJECTS: &[&str] = &[
    "L’imprimante n’imprime plus",
    "Facture en double",
    "Livraison en retard",
    "Mot de passe oublié",
    "Colis abîmé",
    "Remboursement demandé",
    "Erreur de commande",
    "Question sur le contrat",
    "Panne du terminal de paiement",
    "Changement d’adresse",
];

/// What the timed requests are about.
pub struct TicketsSetting {
    pub agents: Vec<UserId>,
    pub open_tickets: Vec<TicketId>,
    pub total: i64,
    pub watches: DeadlineWatches,
}

/// How long passes of the deadline watch took: those that recorded deadlines passed (up to
/// 500 per deadline each), then those that found nothing new, the watch's usual pass.
pub struct DeadlineWatches {
    pub recording: Vec<std::time::Duration>,
    pub idle: Vec<std::time::Duration>,
    /// Deadlines recorded missed or close by the recording passes.
    pub recorded: usize,
}

/// The agents' addresses: the same fifty on every run.
fn agent_email(n: usize) -> String {
    format!("agent-{n:02}@bench.exemple.fr")
}

/// Loads tickets until there are `total`, and returns what the measures need.
pub async fn prepare(app: &App, total: u64) -> anyhow::Result<TicketsSetting> {
    let fail = |e: comptoir_app::AppError| anyhow::anyhow!("{e}");
    let mut agents = Vec::with_capacity(AGENTS);
    for n in 0..AGENTS {
        let email = agent_email(n);
        let user = match app.find_user_by_email(&email).await? {
            Some(user) => user,
            None => app
                .create_user(
                    None,
                    json!({"email": email, "role": "support", "display_name": format!("Agent {n}")}),
                    None,
                )
                .await
                .map_err(fail)?,
        };
        agents.push(user.id);
    }
    let existing = comptoir_store::tickets::count(app.db()).await?;
    let wanted = i64::try_from(total)?;
    if existing < wanted {
        let requesters = comptoir_store::contacts::sample_ids(app.db(), 20_000).await?;
        load(app, &agents, &requesters, existing, wanted).await?;
    }
    let open_tickets = comptoir_store::tickets::sample_unresolved(app.db(), 500).await?;
    anyhow::ensure!(!open_tickets.is_empty(), "no ticket waits for anyone");
    let watches = watch_deadlines(app).await?;
    Ok(TicketsSetting { agents, open_tickets, total: wanted.max(existing), watches })
}

/// Passes of the deadline watch, as every server runs them: until the deadlines passed since
/// the last run are recorded, then [`IDLE_WATCHES`] with nothing new, each timed.
async fn watch_deadlines(app: &App) -> anyhow::Result<DeadlineWatches> {
    let mut watches = DeadlineWatches { recording: Vec::new(), idle: Vec::new(), recorded: 0 };
    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{elapsed_precise} {spinner} {human_pos} deadlines recorded")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    loop {
        let started = std::time::Instant::now();
        let watch = app.watch_deadlines(now()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let found = watch.missed + watch.at_risk;
        if found == 0 {
            break;
        }
        watches.recording.push(started.elapsed());
        watches.recorded += found;
        progress.inc(found as u64);
    }
    progress.finish();
    for _ in 0..IDLE_WATCHES {
        let started = std::time::Instant::now();
        app.watch_deadlines(now()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        watches.idle.push(started.elapsed());
    }
    Ok(watches)
}

/// Passes timed once nothing new is due.
const IDLE_WATCHES: usize = 50;

/// The status a ticket of the generated history has: most are long closed, a tenth wait.
fn status(rng: &mut StdRng) -> TicketStatus {
    match rng.random_range(0..100) {
        0..=1 => TicketStatus::New,
        2..=5 => TicketStatus::Open,
        6..=7 => TicketStatus::PendingCustomer,
        8..=9 => TicketStatus::PendingThirdParty,
        10..=14 => TicketStatus::Solved,
        _ => TicketStatus::Closed,
    }
}

async fn load(
    app: &App,
    agents: &[UserId],
    requesters: &[ContactId],
    from: i64,
    to: i64,
) -> anyhow::Result<()> {
    let progress = ProgressBar::new(u64::try_from(to - from)?);
    progress.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} tickets ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut rng = StdRng::seed_from_u64(u64::try_from(from)?);
    let levels = app.service_levels().await.map_err(|e| anyhow::anyhow!("{e}"))?.0;
    let today = now();
    let mut number = from;
    while number < to {
        let size = usize::try_from((to - number).min(CHUNK as i64))?;
        let mut tickets = Vec::with_capacity(size);
        let mut messages = Vec::with_capacity(size * MESSAGES_PER_TICKET);
        for _ in 0..size {
            number += 1;
            let ticket = ticket(&mut rng, number, agents, requesters, &levels, today);
            messages.extend(conversation(&mut rng, &ticket));
            tickets.push(ticket);
        }
        let mut tx = app.db().begin().await?;
        comptoir_store::tickets::insert_many(&mut tx, &tickets).await?;
        comptoir_store::activities::insert_many(&mut tx, &messages).await?;
        comptoir_store::documents::reserve_ticket_numbers(&mut tx, number).await?;
        tx.commit().await?;
        progress.inc(size as u64);
    }
    progress.finish();
    app.db().optimize().await.context("cannot refresh the planner's statistics")?;
    Ok(())
}

fn ticket(
    rng: &mut StdRng,
    number: i64,
    agents: &[UserId],
    requesters: &[ContactId],
    levels: &ServiceLevels,
    today: DateTime<Utc>,
) -> Ticket {
    let status = status(rng);
    // What still waits arrived lately; the history goes three years back.
    let age_days = if status.is_unresolved() { rng.random_range(0..30) } else { rng.random_range(30..1095) };
    let created_at = today - Duration::days(age_days) - Duration::minutes(rng.random_range(0..1440));
    let assignee_id = match status {
        TicketStatus::New if rng.random_bool(0.7) => None,
        _ => Some(agents[rng.random_range(0..agents.len())]),
    };
    let answered = status != TicketStatus::New;
    let first_response_at = answered.then(|| created_at + Duration::minutes(rng.random_range(5..2880)));
    let done = !status.is_unresolved();
    let solved_at = done.then(|| created_at + Duration::hours(rng.random_range(1..240)));
    let closed_at =
        (status == TicketStatus::Closed).then(|| solved_at.unwrap_or(created_at) + Duration::days(7));
    let priority = match rng.random_range(0..20) {
        0 => TicketPriority::Urgent,
        1..=3 => TicketPriority::High,
        4..=7 => TicketPriority::Low,
        _ => TicketPriority::Normal,
    };
    let channel = TicketChannel::ALL[rng.random_range(0..TicketChannel::ALL.len())];
    let contact_id = (!requesters.is_empty()).then(|| requesters[rng.random_range(0..requesters.len())]);
    let fields = TicketFields {
        subject: SUBJECTS[rng.random_range(0..SUBJECTS.len())].to_owned(),
        description: None,
        status,
        priority,
        channel,
        category: None,
        contact_id,
        company_id: None,
        assignee_id,
        team_id: None,
        order_id: None,
        deal_id: None,
        tags: Vec::new(),
        custom_fields: Map::new(),
    };
    let public_replies: i64 = if answered { rng.random_range(1..4) } else { 0 };
    // Answers after the first, most of them in time; a third of the open tickets answered
    // once wait for the next answer.
    let later_answers = (public_replies - 1).max(0);
    let late_answers = (0..later_answers).filter(|_| rng.random_bool(0.15)).count() as i64;
    let awaiting_reply_since = first_response_at
        .filter(|_| status == TicketStatus::Open && rng.random_bool(0.3))
        .map(|answered| answered + Duration::minutes(rng.random_range(1..600)));
    let track = TicketTrack {
        first_response_at,
        public_replies,
        reopened: i64::from(rng.random_bool(0.05)),
        solved_at,
        closed_at,
        // A third of the requesters answer their survey, most of them pleased.
        satisfaction: (done && rng.random_bool(0.3)).then(|| match rng.random_range(0..100) {
            0..40 => 5,
            40..70 => 4,
            70..85 => 3,
            85..93 => 2,
            _ => 1,
        }),
        merged_into_id: None,
        awaiting_reply_since,
        next_responses_met: later_answers - late_answers,
        next_responses_missed: late_answers,
    };
    // The tickets are about no company: no tier to read.
    let plan = levels.plan_for(&fields, None);
    let sla = TicketSla::default().follow(Some(&plan), &fields, &track, created_at, created_at);
    Ticket {
        id: TicketId::new(),
        number,
        reference: reference(number),
        version: 1,
        fields,
        contact: None,
        requester_email: None,
        company: None,
        team: None,
        order: None,
        deal: None,
        track,
        sla,
        created_at,
        updated_at: closed_at.or(solved_at).or(first_response_at).unwrap_or(created_at),
    }
}

/// The requester's request, answers, a note: five messages an hour or more apart.
fn conversation(rng: &mut StdRng, ticket: &Ticket) -> Vec<Activity> {
    (0..MESSAGES_PER_TICKET)
        .map(|n| {
            let (kind, direction) = match n {
                0 | 2 => (ActivityKind::Email, Some(Direction::Inbound)),
                4 => (ActivityKind::Note, None),
                _ => (ActivityKind::Email, Some(Direction::Outbound)),
            };
            let occurred_at = ticket.created_at + Duration::hours(n as i64 * rng.random_range(1..24));
            Activity {
                id: ActivityId::new(),
                version: 1,
                fields: ActivityFields {
                    kind,
                    subject: Some(format!("[{}] {}", ticket.reference, ticket.fields.subject)),
                    body: Some("Bonjour, pouvez-vous préciser le numéro de commande ? Merci.".to_owned()),
                    contact_id: ticket.fields.contact_id,
                    company_id: None,
                    deal_id: None,
                    ticket_id: Some(ticket.id),
                    occurred_at,
                    direction,
                    duration_seconds: None,
                    outcome: None,
                    starts_at: None,
                    ends_at: None,
                    location: None,
                    due_at: None,
                    assignee_id: None,
                    done: false,
                    done_at: None,
                    owner_id: ticket.fields.assignee_id,
                },
                created_at: occurred_at,
                updated_at: occurred_at,
            }
        })
        .collect()
}

/// The requests timed, each `(name, path, is a page)`, the `n`th sample's.
pub fn requests(setting: &TicketsSetting, n: usize) -> Vec<(&'static str, String, bool)> {
    let agent = setting.agents[n % setting.agents.len()];
    let queue = format!("filter[assignee_id]={agent}&filter[solved_at][is-empty]=true&sort=created_at");
    let ticket = setting.open_tickets[n % setting.open_tickets.len()];
    let number = 1 + (n as i64 * 7919) % setting.total;
    let (last_month, year_ago) = report_months();
    vec![
        ("an agent's queue, page", format!("/tickets?{queue}"), true),
        ("GET /tickets, an agent's queue", format!("/api/v1/tickets?{queue}&limit=50"), false),
        (
            "the team's unassigned queue, page",
            "/tickets?filter[assignee_id][is-empty]=true&filter[solved_at][is-empty]=true&sort=created_at"
                .to_owned(),
            true,
        ),
        ("tickets list, first page", "/tickets".to_owned(), true),
        ("a ticket's page, with its conversation", format!("/tickets/{ticket}"), true),
        ("GET /tickets/{id}/timeline", format!("/api/v1/tickets/{ticket}/timeline"), false),
        ("GET /tickets?q=<reference>", format!("/api/v1/tickets?q={}", reference(number)), false),
        ("GET /tickets?q=<word of a subject>", "/api/v1/tickets?q=imprim".to_owned(), false),
        ("GET /tickets/report, last month", format!("/api/v1/tickets/report?from={last_month}"), false),
        (
            "GET /tickets/report, last month by agent",
            format!("/api/v1/tickets/report?from={last_month}&by=assignee"),
            false,
        ),
        (
            "service report page, last month by agent",
            format!("/tickets/report?from={last_month}&by=assignee"),
            true,
        ),
        (
            "GET /tickets/report, twelve months by agent",
            format!("/api/v1/tickets/report?from={year_ago}&months=12&by=assignee"),
            false,
        ),
    ]
}

/// The month before this one (UTC), and the month a year before that, as `2026-11`: whole
/// months of the loaded history, whatever day the bench runs.
fn report_months() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let last = this_month.checked_sub_months(chrono::Months::new(1)).unwrap_or(this_month);
    let year_ago = this_month.checked_sub_months(chrono::Months::new(12)).unwrap_or(this_month);
    (last.format("%Y-%m").to_string(), year_ago.format("%Y-%m").to_string())
}
