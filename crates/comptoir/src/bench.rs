//! `comptoir bench`: starts a real server process on the configured database and measures it
//! over HTTP as clients would — reads by id under concurrency, filtered lists, search, writes,
//! the pages a signed-in user opens (a contact with 10,000 activities among them) — and the
//! server's resident memory while it works.

use crate::cli::BenchArgs;
use crate::serve::{open, redact};
use anyhow::{Context, bail};
use comptoir_app::App;
use comptoir_app::activities::Activities;
use comptoir_app::contacts::Contacts;
use rand::Rng;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const BENCH_EMAIL: &str = "bench@exemple.fr";
/// Signs in to the pages; its password is set by the bench itself.
const PAGES_EMAIL: &str = "bench-pages@exemple.fr";
const PAGES_PASSWORD: &str = "bench-pages-password";
/// The contact whose page carries a long history.
const TIMELINE_EMAIL: &str = "historique.long@exemple.fr";
const TIMELINE_ACTIVITIES: usize = 10_000;

/// Filtered, sorted first pages a salesperson would ask for.
const LIST_QUERIES: &[&str] = &[
    "filter[lifecycle_stage]=lead&filter[city]=Lyon&sort=-created_at",
    "filter[lifecycle_stage]=customer&sort=last_name",
    "filter[city]=Paris&sort=-updated_at",
    "filter[tags]=vip&sort=-created_at",
    "filter[cf.budget][gt]=20000&sort=-created_at",
    "filter[country]=GB&filter[lifecycle_stage][in]=lead,opportunity&sort=-last_activity_at",
    "filter[last_name][starts-with]=dup&sort=last_name",
];

/// What people type in the search box: prefixes, accent-free names, two words, a company.
const SEARCHES: &[&str] =
    &["dup", "helene", "jean%20dup", "mart", "lef", "smith", "chloe%20ber", "boulangerie", "gar", "0612"];

struct Latencies(Vec<Duration>);

impl Latencies {
    fn percentile(&mut self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        self.0.sort_unstable();
        let rank = ((p / 100.0) * (self.0.len() as f64 - 1.0)).round() as usize;
        self.0[rank.min(self.0.len() - 1)]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The server's resident memory, from the kernel's accounting.
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Server {
    child: tokio::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

async fn start_server(database_url: &str) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("COMPTOIR_DATABASE_URL", database_url)
        .env("COMPTOIR_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start the server")?;
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("{}/readyz", server.base)).send().await
            && response.status().is_success()
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not become ready")
}

/// Runs `clients` loops of `request` for `seconds`; returns throughput and latencies.
async fn load<F, Fut>(clients: usize, seconds: u64, request: F) -> anyhow::Result<(f64, Latencies, u64)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let request = Arc::new(request);
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (request, stop, errors) = (request.clone(), stop.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = client;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if request(i).await.is_err() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                latencies.push(t.elapsed());
                i += clients;
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok((all.len() as f64 / elapsed, Latencies(all), errors.load(Ordering::Relaxed)))
}

async fn expect_ok(response: reqwest::Result<reqwest::Response>) -> anyhow::Result<()> {
    let response = response?;
    if !response.status().is_success() {
        bail!("status {}", response.status());
    }
    response.bytes().await?;
    Ok(())
}

pub async fn run(database_url: &str, args: BenchArgs) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    let contacts = comptoir_store::contacts::count(app.db()).await?;
    if contacts == 0 {
        bail!("the database has no contacts: run `comptoir demo --contacts 1000000` first");
    }
    let user = match app.find_user_by_email(BENCH_EMAIL).await? {
        Some(user) => user,
        None => app
            .create_user(
                None,
                json!({"email": BENCH_EMAIL, "role": "admin", "display_name": "Benchmark"}),
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let token = app.create_token(None, user.id, "bench").await.map_err(|e| anyhow::anyhow!("{e}"))?.secret;
    let ids: Arc<Vec<String>> = Arc::new(
        comptoir_store::contacts::sample_ids(app.db(), 5000).await?.iter().map(|id| id.to_string()).collect(),
    );
    let pages_setting = prepare_pages(&app).await?;
    let deals_count = comptoir_store::deals::count(app.db()).await?;
    let tickets_setting = match args.tickets {
        Some(total) => Some(crate::bench_tickets::prepare(&app, total).await?),
        None => None,
    };
    app.db().close().await;

    let server = start_server(database_url).await?;
    let pid = server.child.id().unwrap_or_default();
    let base = Arc::new(server.base.clone());
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let auth = Arc::new(format!("Bearer {token}"));
    let peak_rss = Arc::new(std::sync::Mutex::new(0.0f64));
    let watcher = {
        let peak_rss = peak_rss.clone();
        tokio::spawn(async move {
            loop {
                if let (Some(rss), Ok(mut peak)) = (rss_mib(pid), peak_rss.lock()) {
                    *peak = peak.max(rss);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };

    println!(
        "Comptoir bench — {} — {contacts} contacts, {deals_count} deals — {} clients, {} s per load phase\n",
        redact(database_url),
        args.clients,
        args.seconds
    );
    println!("| measure | requests/s | p50 | p95 | p99 | errors |");
    println!("|---|---|---|---|---|---|");
    if args.pages_only {
        pages(&client, &base, &pages_setting, args.samples).await?;
        drop(server);
        return Ok(());
    }
    if args.deals {
        deals(&client, &base, &auth, &pages_setting, args.samples).await?;
        drop(server);
        return Ok(());
    }
    if let Some(setting) = &tickets_setting {
        tickets(&client, &base, &auth, setting, args.samples).await?;
        drop(server);
        return Ok(());
    }

    // Warm the caches the way a running server would be.
    {
        let (client, base, auth, ids) = (client.clone(), base.clone(), auth.clone(), ids.clone());
        load(args.clients, 2, move |i| {
            let request = client
                .get(format!("{base}/api/v1/contacts/{}", ids[i % ids.len()]))
                .header("authorization", auth.as_str());
            async move { expect_ok(request.send().await).await }
        })
        .await?;
    }

    let (client1, base1, auth1, ids1) = (client.clone(), base.clone(), auth.clone(), ids.clone());
    let (rate, mut latencies, errors) = load(args.clients, args.seconds, move |i| {
        let request = client1
            .get(format!("{base1}/api/v1/contacts/{}", ids1[i % ids1.len()]))
            .header("authorization", auth1.as_str());
        async move { expect_ok(request.send().await).await }
    })
    .await?;
    row("GET /contacts/{id}", Some(rate), &mut latencies, errors);

    let mut latencies = Latencies(Vec::new());
    let mut errors = 0;
    for i in 0..args.samples {
        let t = Instant::now();
        let request = client.get(format!("{base}/api/v1/contacts/{}", ids[(i * 7919) % ids.len()]));
        if expect_ok(request.header("authorization", auth.as_str()).send().await).await.is_err() {
            errors += 1;
        }
        latencies.0.push(t.elapsed());
    }
    row("GET /contacts/{id} (1 client)", None, &mut latencies, errors);

    for (name, paths) in [
        (
            "first page, filtered and sorted (1 client)",
            LIST_QUERIES.iter().map(|q| format!("/api/v1/contacts?limit=50&{q}")).collect::<Vec<_>>(),
        ),
        (
            "q= search, first 25 (1 client)",
            SEARCHES.iter().map(|q| format!("/api/v1/contacts?limit=25&q={q}")).collect(),
        ),
    ] {
        let mut latencies = Latencies(Vec::new());
        let mut errors = 0;
        for i in 0..args.samples {
            let path = &paths[i % paths.len()];
            let t = Instant::now();
            if expect_ok(
                client.get(format!("{base}{path}")).header("authorization", auth.as_str()).send().await,
            )
            .await
            .is_err()
            {
                errors += 1;
            }
            latencies.0.push(t.elapsed());
        }
        row(name, None, &mut latencies, errors);
    }

    let created = Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let (client2, base2, auth2, created2) = (client.clone(), base.clone(), auth.clone(), created.clone());
    let (rate, mut latencies, errors) = load(8, args.seconds.min(5), move |i| {
        let suffix: u32 = rand::rng().random_range(0..1_000_000);
        let body = json!({"first_name": "Bench", "last_name": format!("Écriture {i}"), "emails": [format!("bench{i}.{suffix}@exemple.fr")], "address": {"city": "Lyon"}});
        let request = client2.post(format!("{base2}/api/v1/contacts")).header("authorization", auth2.as_str()).json(&body);
        let created = created2.clone();
        async move {
            let contact: Value = request.send().await?.error_for_status()?.json().await?;
            created.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(contact["id"].clone());
            Ok(())
        }
    })
    .await?;
    row("POST /contacts (8 clients)", Some(rate), &mut latencies, errors);
    // The written contacts go, so that the next run reads the same data: left in place, they
    // would be the newest rows every list sorted by date walks past first.
    let created = std::mem::take(&mut *created.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    for ids in created.chunks(comptoir_domain::bulk::MAX_BULK_IDS) {
        let body = json!({"action": "delete", "ids": ids});
        let request =
            client.post(format!("{base}/api/v1/contacts/bulk")).header("authorization", auth.as_str());
        expect_ok(request.json(&body).send().await).await?;
    }

    pages(&client, &base, &pages_setting, args.samples).await?;

    watcher.abort();
    let peak = peak_rss.lock().map(|p| *p).unwrap_or_default();
    println!("\nServer resident memory, peak during the run: {peak:.0} MiB");
    drop(server);
    Ok(())
}

fn row(name: &str, rate: Option<f64>, latencies: &mut Latencies, errors: u64) {
    let rate = rate.map(|r| format!("{r:.0}")).unwrap_or_else(|| "—".to_owned());
    println!(
        "| {name} | {rate} | {} | {} | {} | {errors} |",
        ms(latencies.percentile(50.0)),
        ms(latencies.percentile(95.0)),
        ms(latencies.percentile(99.0))
    );
}

/// A demo salesperson, whose tasks the tasks page shows.
const SALESPERSON_EMAIL: &str = "sophie.leroy@exemple.fr";

/// What the pages are timed on: a contact with [`TIMELINE_ACTIVITIES`] activities and the
/// salesperson whose tasks are listed.
struct PagesSetting {
    contact: String,
    salesperson: String,
}

/// The user who signs in to the pages, and a contact with [`TIMELINE_ACTIVITIES`] activities
/// (created once, through the same use cases as everything else).
async fn prepare_pages(app: &App) -> anyhow::Result<PagesSetting> {
    let fail = |e: comptoir_app::AppError| anyhow::anyhow!("{e}");
    let user = match app.find_user_by_email(PAGES_EMAIL).await? {
        Some(user) => user,
        None => app
            .create_user(
                None,
                json!({"email": PAGES_EMAIL, "role": "admin", "display_name": "Bench", "password": PAGES_PASSWORD}),
                None,
            )
            .await
            .map_err(fail)?,
    };
    let actor = comptoir_domain::users::Actor { user_id: user.id, role: user.role };
    // Without the demo's users, the bench user's own (empty) task list is timed.
    let salesperson = app.find_user_by_email(SALESPERSON_EMAIL).await?.map_or(user.id, |u| u.id).to_string();
    let query = comptoir_domain::listing::ListQuery::parse(
        &[("filter[email]".to_owned(), TIMELINE_EMAIL.to_owned()), ("limit".to_owned(), "1".to_owned())],
        &[],
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(contact) = app.list::<Contacts>(&actor, &query).await.map_err(fail)?.data.first() {
        return Ok(PagesSetting { contact: contact.id.to_string(), salesperson });
    }
    let contact = app
        .create::<Contacts>(
            &actor,
            json!({"first_name": "Historique", "last_name": "Long", "emails": [TIMELINE_EMAIL]}),
            None,
        )
        .await
        .map_err(fail)?;
    let progress =
        indicatif::ProgressBar::new(TIMELINE_ACTIVITIES as u64).with_message("activities on one contact");
    let kinds = ["note", "call", "email", "meeting", "task"];
    for i in 0..TIMELINE_ACTIVITIES {
        let kind = kinds[i % kinds.len()];
        let mut body = json!({"kind": kind, "contact_id": contact.id, "subject": format!("Échange n° {i}"),
                              "body": "Point sur la commande et les délais de livraison."});
        if kind == "call" {
            body["direction"] = json!("outbound");
            body["outcome"] = json!("connected");
            body["duration_seconds"] = json!(300);
        }
        app.create::<Activities>(&actor, body, None).await.map_err(fail)?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(PagesSetting { contact: contact.id.to_string(), salesperson })
}

fn cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find_map(|(key, value)| (key == name).then(|| value.to_owned()))
}

/// Signs in through the sign-in form, as the bench's page user; returns the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let sign_in_page = client.get(format!("{base}/sign-in")).send().await?;
    let pre_session = cookie_value(&sign_in_page, "comptoir_presession").context("no pre-session cookie")?;
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let signed_in = no_redirect
        .post(format!("{base}/sign-in"))
        .header("cookie", format!("comptoir_presession={pre_session}"))
        .form(&[("_csrf", pre_session.as_str()), ("email", PAGES_EMAIL), ("password", PAGES_PASSWORD)])
        .send()
        .await?;
    let session = cookie_value(&signed_in, "comptoir_session").context("sign-in refused")?;
    Ok(format!("comptoir_session={session}"))
}

/// Times the sales pages and API, one request at a time: the board's first load (everyone's
/// deals, then one salesperson's), the forecast for 12 months (page and API, whole and split by
/// owner), a pipeline's totals and report, and deal lists.
async fn deals(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    setting: &PagesSetting,
    samples: usize,
) -> anyhow::Result<()> {
    let cookie = sign_in(client, base).await?;
    let pipelines: Value = client
        .get(format!("{base}/api/v1/pipelines"))
        .header("authorization", auth)
        .send()
        .await?
        .json()
        .await?;
    let pipeline =
        pipelines["data"][0]["id"].as_str().context("no pipeline: run `comptoir demo --deals 200000`")?;
    let busiest = &setting.salesperson;
    let quote = twenty_line_quote(client, base, auth).await?;
    let measures = [
        ("deals board, first load".to_owned(), format!("/deals/board?pipeline={pipeline}"), true),
        (
            "deals board, a salesperson's".to_owned(),
            format!("/deals/board?pipeline={pipeline}&owner={busiest}"),
            true,
        ),
        ("forecast page, 12 months".to_owned(), "/deals/forecast?months=12".to_owned(), true),
        ("GET /forecast, 12 months".to_owned(), "/api/v1/forecast?months=12".to_owned(), false),
        (
            "GET /forecast, 12 months by owner".to_owned(),
            "/api/v1/forecast?months=12&by=owner".to_owned(),
            false,
        ),
        ("GET /pipelines/{id}/totals".to_owned(), format!("/api/v1/pipelines/{pipeline}/totals"), false),
        (
            "GET /pipelines/{id}/report, 3 months".to_owned(),
            format!("/api/v1/pipelines/{pipeline}/report"),
            false,
        ),
        (
            "GET /pipelines/{id}/report, 12 months".to_owned(),
            format!("/api/v1/pipelines/{pipeline}/report?months=12"),
            false,
        ),
        ("deals list page, first page".to_owned(), "/deals".to_owned(), true),
        (
            "GET /deals open, biggest first".to_owned(),
            "/api/v1/deals?filter[status]=open&sort=-amount&limit=50".to_owned(),
            false,
        ),
        ("GET /quotes/{id}/pdf, 20 lines".to_owned(), format!("/api/v1/quotes/{quote}/pdf"), false),
    ];
    for (name, path, page) in measures {
        let mut latencies = Latencies(Vec::new());
        let mut errors = 0;
        for _ in 0..samples.min(200) {
            let request = client.get(format!("{base}{path}"));
            let request =
                if page { request.header("cookie", &cookie) } else { request.header("authorization", auth) };
            let t = Instant::now();
            if expect_ok(request.send().await).await.is_err() {
                errors += 1;
            }
            latencies.0.push(t.elapsed());
        }
        row(&format!("{name} (1 client)"), None, &mut latencies, errors);
    }
    Ok(())
}

/// Times customer service's pages and API, one request at a time, each sample about another
/// agent and another ticket.
async fn tickets(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    setting: &crate::bench_tickets::TicketsSetting,
    samples: usize,
) -> anyhow::Result<()> {
    let cookie = sign_in(client, base).await?;
    println!("({} tickets, five messages each)\n", setting.total);
    let watches = &setting.watches;
    let recording = format!("a deadline watch pass recording ({} deadlines in all)", watches.recorded);
    row(&recording, None, &mut Latencies(watches.recording.clone()), 0);
    row("a deadline watch pass, nothing new", None, &mut Latencies(watches.idle.clone()), 0);
    let names: Vec<&str> = crate::bench_tickets::requests(setting, 0).iter().map(|r| r.0).collect();
    for (measure, name) in names.into_iter().enumerate() {
        let mut latencies = Latencies(Vec::new());
        let mut errors = 0;
        for n in 0..samples.min(200) {
            let (_, path, page) = crate::bench_tickets::requests(setting, n).swap_remove(measure);
            let request = client.get(format!("{base}{path}"));
            let request =
                if page { request.header("cookie", &cookie) } else { request.header("authorization", auth) };
            let t = Instant::now();
            if expect_ok(request.send().await).await.is_err() {
                errors += 1;
            }
            latencies.0.push(t.elapsed());
        }
        row(&format!("{name} (1 client)"), None, &mut latencies, errors);
    }
    Ok(())
}

/// Writes a quote of twenty lines at three VAT rates for the first company, to print.
async fn twenty_line_quote(client: &reqwest::Client, base: &str, auth: &str) -> anyhow::Result<String> {
    let companies: Value = client
        .get(format!("{base}/api/v1/companies?limit=1"))
        .header("authorization", auth)
        .send()
        .await?
        .json()
        .await?;
    let company = companies["data"][0]["id"].as_str().context("no company: run `comptoir demo` first")?;
    let lines: Vec<Value> = (1..=20)
        .map(|n| {
            let vat_rate = ["20", "10", "5.5"][n % 3];
            let discount = if n % 5 == 0 { "10" } else { "0" };
            json!({"description": format!("Prestation {n} : paramétrage, formation et accompagnement sur site"),
                "quantity": format!("{}.5", n % 4 + 1), "unit": "jours", "unit_price": format!("{}.90", 400 + n * 15),
                "vat_rate": vat_rate, "discount_percent": discount})
        })
        .collect();
    let quote: Value = client
        .post(format!("{base}/api/v1/quotes"))
        .header("authorization", auth)
        .json(&json!({"company_id": company, "lines": lines}))
        .send()
        .await?
        .json()
        .await?;
    Ok(quote["id"].as_str().context("the quote was not written")?.to_owned())
}

/// Times the pages a salesperson opens.
async fn pages(
    client: &reqwest::Client,
    base: &str,
    setting: &PagesSetting,
    samples: usize,
) -> anyhow::Result<()> {
    let PagesSetting { contact, salesperson: busiest } = setting;
    let cookie = sign_in(client, base).await?;
    let html = client
        .get(format!("{base}/contacts/{contact}"))
        .header("cookie", &cookie)
        .send()
        .await?
        .text()
        .await?;
    let shown = html.matches("class=\"item").count();
    let pages = [
        (
            format!("contact page, {TIMELINE_ACTIVITIES} activities ({shown} shown)"),
            format!("/contacts/{contact}"),
            false,
        ),
        ("home page".to_owned(), "/".to_owned(), false),
        ("contacts list, first page".to_owned(), "/contacts".to_owned(), false),
        (
            "contacts list, filtered".to_owned(),
            "/contacts?f=city&o=eq&v=Lyon&sort=last_name".to_owned(),
            false,
        ),
        (
            "contacts list, filtered in words (stage is “Customer”), counted".to_owned(),
            "/contacts?f=lifecycle_stage&o=eq&v=Customer".to_owned(),
            false,
        ),
        (
            "contacts list, city contains “yon”, counted".to_owned(),
            "/contacts?f=city&o=contains&v=yon".to_owned(),
            false,
        ),
        ("tasks page, the whole team's".to_owned(), "/tasks?assignee=all".to_owned(), false),
        ("tasks page, a salesperson's".to_owned(), format!("/tasks?assignee={busiest}"), false),
        ("search dropdown".to_owned(), "/search?q=dup".to_owned(), true),
    ];
    for (name, path, htmx) in pages {
        let mut latencies = Latencies(Vec::new());
        let mut errors = 0;
        for _ in 0..samples.min(200) {
            let mut request = client.get(format!("{base}{path}")).header("cookie", &cookie);
            if htmx {
                request = request.header("hx-request", "true");
            }
            let t = Instant::now();
            if expect_ok(request.send().await).await.is_err() {
                errors += 1;
            }
            latencies.0.push(t.elapsed());
        }
        row(&format!("{name} (1 client)"), None, &mut latencies, errors);
    }
    let mut script_bytes = 0;
    for script in ["/assets/vendor/htmx.min.js", "/assets/app.js"] {
        script_bytes += client.get(format!("{base}{script}")).send().await?.bytes().await?.len();
    }
    println!(
        "\nContact page: {} KB of HTML; JavaScript shipped with every page: {} KB",
        html.len() / 1024,
        script_bytes / 1024
    );
    Ok(())
}
