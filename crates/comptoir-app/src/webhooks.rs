//! Webhooks: admins subscribe an address to events; the dispatcher inside `comptoir serve`
//! fans each event out to the webhooks that want it, signs and posts it, retries what fails on
//! the Standard Webhooks schedule, and disables a webhook that failed for more than a day.

use crate::changes::{Origin, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use chrono::{DateTime, TimeDelta, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::ids::WebhookId;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_domain::webhooks::{
    Delivery, Webhook, WebhookInput, WebhookMessage, WebhookSecret, is_public, retry_after, sign,
};
use comptoir_store::webhooks::{Attempt, AttemptOutcome, DueDelivery};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Value, json};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore, mpsc, oneshot};
use tokio::task::JoinHandle;

const ONLY_ADMINS: &str = "only admins manage webhooks";

/// How long one attempt may take before it counts as failed: a receiver that hangs holds one
/// send for this long and never holds the others, which go out side by side.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is left to its server before another may claim it again.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// Sends in flight at once, per server.
const MAX_IN_FLIGHT: usize = 64;
/// Events turned into deliveries per pass: each delivery takes one advisory lock on PostgreSQL,
/// which share a table of a few thousand slots.
const FAN_OUT_BATCH: i64 = 200;

/// Where webhooks may be sent, and the client that sends them.
#[derive(Clone)]
pub struct Webhooks {
    allow_private: bool,
    client: reqwest::Client,
    in_flight: Arc<Semaphore>,
    /// Rung when a send ends: the next delivery about the same record may now go.
    sent: Arc<Notify>,
    /// Where sends hand their outcome to be written; started with the first send.
    recorder: Arc<OnceLock<mpsc::UnboundedSender<Recording>>>,
}

/// An attempt on its way to the database, and who waits for it to be written.
type Recording = (Attempt, oneshot::Sender<()>);

/// Writes attempts as they come, each batch (whatever queued while the last one was written,
/// up to a few hundred) in one transaction; if a batch fails, its attempts are written one by
/// one so one bad row does not lose the others.
async fn record_forever(db: comptoir_store::Db, mut waiting: mpsc::UnboundedReceiver<Recording>) {
    const BATCH: usize = 256;
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH
            && let Ok(next) = waiting.try_recv()
        {
            batch.push(next);
        }
        let (mut attempts, acks): (Vec<Attempt>, Vec<oneshot::Sender<()>>) = batch.into_iter().unzip();
        if let Err(failure) = comptoir_store::webhooks::record_attempts(&db, &mut attempts).await {
            tracing::warn!(%failure, "could not record webhook attempts together; one by one");
            for attempt in attempts {
                if let Err(failure) = comptoir_store::webhooks::record_attempts(&db, &mut [attempt]).await {
                    tracing::warn!(%failure, "could not record a webhook attempt");
                }
            }
        }
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

impl Webhooks {
    /// By default a webhook may only reach public addresses; `allow_private` (an admin setting)
    /// also allows this machine and private networks, for receivers inside the company's own
    /// network.
    pub fn new(allow_private: bool) -> Webhooks {
        // One process-wide choice of cryptography for TLS; a second install is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Comptoir-Webhooks/", env!("CARGO_PKG_VERSION")))
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A redirect could lead anywhere the address check did not see.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(CheckedResolver { allow_private }))
            .build()
            // At start-up; a default client instead would lose the address check.
            .expect("the webhook client builds: its TLS provider is installed just above");
        Webhooks {
            allow_private,
            client,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            sent: Arc::new(Notify::new()),
            recorder: Arc::default(),
        }
    }

    fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip)
    }
}

/// Resolves a webhook's host and keeps only the addresses it may reach, at the moment of
/// sending: a name that later points inside the network is refused then, not just when the
/// webhook was made.
struct CheckedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|a| allow_private || is_public(a.ip())).collect();
            if allowed.is_empty() {
                return Err("the address is not on the public internet".into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A webhook just made, with its secret: the only time the secret is shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_…`: verify each message's `webhook-signature` with it. Shown once.
    pub secret: String,
}

/// What one dispatcher pass did.
pub struct DispatchPass {
    /// Events turned into deliveries.
    pub fanned_out: usize,
    /// The sends started, each recording its own outcome; await them to wait for it.
    pub sends: Vec<JoinHandle<()>>,
}

impl App {
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<NewWebhook, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let fields = parse::<WebhookInput>(body)?.validate()?;
        self.check_target(&fields.url).await?;
        let mut key = [0u8; 24];
        rand::rng().fill_bytes(&mut key);
        let secret = WebhookSecret::from_bytes(&key);
        let at = now();
        let webhook = Webhook {
            id: WebhookId::new(),
            version: 1,
            url: fields.url.to_string(),
            event_types: fields.event_types,
            description: fields.description,
            active: fields.active,
            disabled_reason: None,
            created_at: at,
            updated_at: at,
        };
        let created = NewWebhook { webhook, secret: secret.expose().to_owned() };
        let mut tx = self.db.begin().await?;
        comptoir_store::webhooks::insert(&mut tx, &created.webhook, &secret).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Create,
            ObjectType::Webhook,
            created.webhook.id.0,
            None,
            Some(&created.webhook),
        )
        .await?;
        settle(&mut tx, actor, once, &created).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn list_webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        Ok(comptoir_store::webhooks::list(&self.db).await?)
    }

    pub async fn get_webhook(&self, actor: &Actor, id: WebhookId) -> Result<Webhook, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        comptoir_store::webhooks::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Changes a webhook; turning a disabled one back on clears why it stopped.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: WebhookId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Webhook, AppError> {
        let current = self.get_webhook(actor, id).await?;
        check_version(if_match, current.version)?;
        let fields = patched(&current.to_input(), patch)?.validate()?;
        if fields.url.as_str() != current.url {
            self.check_target(&fields.url).await?;
        }
        let webhook = Webhook {
            version: current.version + 1,
            url: fields.url.to_string(),
            event_types: fields.event_types,
            description: fields.description,
            disabled_reason: if fields.active { None } else { current.disabled_reason.clone() },
            active: fields.active,
            updated_at: now(),
            ..current.clone()
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::webhooks::update(&mut tx, &webhook, current.version).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Update,
            ObjectType::Webhook,
            id.0,
            Some(&current),
            Some(&webhook),
        )
        .await?;
        tx.commit().await?;
        Ok(webhook)
    }

    pub async fn delete_webhook(
        &self,
        actor: &Actor,
        id: WebhookId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get_webhook(actor, id).await?;
        check_version(if_match, current.version)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::webhooks::delete(&mut tx, id, current.version).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Delete,
            ObjectType::Webhook,
            id.0,
            Some(&current),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The webhook's deliveries, newest first: status, attempts, the receiver's answer.
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        id: WebhookId,
        limit: i64,
    ) -> Result<Vec<Delivery>, AppError> {
        self.get_webhook(actor, id).await?;
        Ok(comptoir_store::webhooks::deliveries(&self.db, id, limit).await?)
    }

    /// Queues a `webhook.test` event for this webhook alone, so an admin can check the
    /// receiver end to end; it goes out with the next dispatcher pass.
    pub async fn send_test_event(&self, actor: &Actor, id: WebhookId) -> Result<(), AppError> {
        self.get_webhook(actor, id).await?;
        let at = now();
        let event = comptoir_domain::audit::DomainEvent {
            id: uuid::Uuid::now_v7(),
            occurred_at: at,
            name: "webhook.test".to_owned(),
            object_type: ObjectType::Webhook.to_string(),
            object_id: id.0,
            actor_id: Some(actor.user_id),
            payload: json!({ "test": true }),
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::audit::emit(&mut tx, &event).await?;
        comptoir_store::webhooks::mark_dispatched(&mut tx, event.id, at).await?;
        comptoir_store::webhooks::insert_delivery(&mut tx, id.0, event.id, at, id.0, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One dispatcher pass at `now`: fans new events out, claims the deliveries that are due
    /// (as many as there is room to send), and starts sending them. Sends run on their own,
    /// so a slow receiver holds up nothing else; the returned handles say when they end.
    pub async fn dispatch_webhooks(&self, now: DateTime<Utc>) -> Result<DispatchPass, AppError> {
        let fanned_out = comptoir_store::webhooks::fan_out(&self.db, FAN_OUT_BATCH, now).await?;
        let room = self.webhooks.in_flight.available_permits();
        let mut sends = Vec::new();
        if room == 0 {
            return Ok(DispatchPass { fanned_out, sends });
        }
        let due = comptoir_store::webhooks::claim_due(&self.db, room as i64, now, now + LEASE).await?;
        for delivery in due {
            let Ok(permit) = self.webhooks.in_flight.clone().try_acquire_owned() else {
                break;
            };
            let app = self.clone();
            sends.push(tokio::spawn(async move {
                app.send(delivery).await;
                drop(permit);
                app.webhooks.sent.notify_one();
            }));
        }
        Ok(DispatchPass { fanned_out, sends })
    }

    /// Waits until a send ends or `idle` passes, whichever comes first: after a send, the next
    /// delivery about the same record is due at once.
    pub async fn wait_for_dispatch(&self, idle: Duration) {
        let _ = tokio::time::timeout(idle, self.webhooks.sent.notified()).await;
    }

    /// Forgets finished deliveries and dispatched events older than `before`.
    pub async fn sweep_webhook_history(&self, before: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(comptoir_store::webhooks::sweep(&self.db, before).await?)
    }

    /// Posts one delivery and records what happened; a failure is retried later, or after the
    /// last retry gives up and disables the webhook.
    async fn send(&self, delivery: DueDelivery) {
        let started = Instant::now();
        let outcome = self.post(&delivery).await;
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let at = now();
        let attempts = u32::try_from(delivery.attempts).unwrap_or(0) + 1;
        let (status_code, error) = match &outcome {
            Ok(status) if (200..300).contains(status) => (Some(i32::from(*status)), None),
            Ok(status) => (Some(i32::from(*status)), Some(format!("the receiver answered HTTP {status}"))),
            Err(error) => (None, Some(error.clone())),
        };
        let next = match &error {
            None => AttemptOutcome::Delivered,
            Some(_) => match retry_after(attempts) {
                Some(wait) => AttemptOutcome::RetryAt(at + wait),
                None => AttemptOutcome::GivenUp,
            },
        };
        let given_up = matches!(next, AttemptOutcome::GivenUp);
        let attempt = Attempt {
            delivery_id: delivery.id,
            webhook_id: delivery.webhook_id,
            object_id: delivery.object_id,
            at,
            status_code,
            error: error.clone(),
            latency_ms,
            outcome: next,
        };
        self.record(attempt).await;
        if given_up {
            let reason = format!(
                "deliveries failed for more than a day; the last attempt: {}",
                error.as_deref().unwrap_or_default()
            );
            let webhook = WebhookId(delivery.webhook_id);
            if let Err(failure) = comptoir_store::webhooks::disable(&self.db, webhook, &reason, at).await {
                tracing::warn!(%failure, "could not disable a failing webhook");
            }
        }
    }

    /// Hands an attempt to the recorder and waits until it is written: the sends that end while
    /// one batch is being written go together in the next, one commit for all of them.
    async fn record(&self, attempt: Attempt) {
        let recorder = self.webhooks.recorder.get_or_init(|| {
            let (queue, waiting) = mpsc::unbounded_channel();
            tokio::spawn(record_forever(self.db.clone(), waiting));
            queue
        });
        let (written, done) = oneshot::channel();
        if recorder.send((attempt, written)).is_err() || done.await.is_err() {
            tracing::warn!("could not record a webhook attempt: the recorder stopped");
        }
    }

    /// The receiver's HTTP status, or why there was none.
    async fn post(&self, delivery: &DueDelivery) -> Result<u16, String> {
        let url = url::Url::parse(&delivery.url).map_err(|_| "the address is not valid".to_owned())?;
        if let Some(ip) = literal_ip(&url)
            && !self.webhooks.allows(ip)
        {
            return Err("the address is not on the public internet".to_owned());
        }
        let secret = WebhookSecret::parse(&delivery.secret).map_err(|e| e.to_owned())?;
        let mut data = json!({
            "id": delivery.object_id,
            "object_type": delivery.object_type,
            "actor_id": delivery.actor_id,
        });
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), &delivery.payload.0) {
            data.extend(extra.clone());
        }
        let message =
            WebhookMessage { event_type: delivery.event_type.clone(), timestamp: delivery.occurred_at, data };
        let body = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        let message_id = format!("msg_{}", delivery.event_id.simple());
        let timestamp = now().timestamp();
        let response = self
            .webhooks
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", sign(&secret, &message_id, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(describe)?;
        Ok(response.status().as_u16())
    }

    /// Refuses an address a webhook may not be sent to, naming the field.
    async fn check_target(&self, url: &url::Url) -> Result<(), AppError> {
        let refused = || ValidationErrors::single("url", "must be an address on the public internet").into();
        if let Some(ip) = literal_ip(url) {
            return if self.webhooks.allows(ip) { Ok(()) } else { Err(refused()) };
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let found: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), port)).await {
            Ok(found) => found.collect(),
            Err(_) => {
                return Err(ValidationErrors::single("url", "names a host that does not resolve").into());
            }
        };
        if found.is_empty() || found.iter().any(|a| !self.webhooks.allows(a.ip())) {
            return Err(refused());
        }
        Ok(())
    }
}

/// The address in a URL written with an IP rather than a name, which no resolver sees.
fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// Why a send failed, in words an admin can act on; never the request itself.
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    }
}
