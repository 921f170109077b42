//! Webhooks: subscriptions to domain events, sent as signed HTTP POSTs that follow the
//! Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`,
//! secrets written `whsec_…`), so a receiver can verify them with any of its libraries.

use crate::ids::{DeliveryId, WebhookId};
use crate::kinds::EventName;
use crate::validation::{ValidationErrors, check_length, clean_text, is_forbidden_control};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;
use std::net::IpAddr;

const SECRET_PREFIX: &str = "whsec_";

/// The key a subscription's messages are signed with. Shown once, when the subscription is
/// made; `Debug` prints nothing of it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// A secret from 24 random bytes, as `whsec_<base64>`.
    pub fn from_bytes(bytes: &[u8]) -> WebhookSecret {
        WebhookSecret(format!("{SECRET_PREFIX}{}", BASE64.encode(bytes)))
    }

    /// Reads a stored secret back.
    pub fn parse(text: &str) -> Result<WebhookSecret, String> {
        let key = text.strip_prefix(SECRET_PREFIX).ok_or("a webhook secret starts with whsec_")?;
        BASE64.decode(key).map_err(|_| "a webhook secret is base64 after whsec_".to_owned())?;
        Ok(WebhookSecret(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn key(&self) -> Vec<u8> {
        BASE64.decode(self.0.trim_start_matches(SECRET_PREFIX)).unwrap_or_default()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("whsec_***")
    }
}

/// The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn sign(secret: &WebhookSecret, message_id: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&secret.key()) else {
        // HMAC takes a key of any length; this branch cannot be reached.
        return String::new();
    };
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

/// Whether `name` is an event Comptoir announces (`contact.updated`), or `*` for all of them.
pub fn is_event_type(name: &str) -> bool {
    name == "*" || name.split_once('.').is_some_and(|(object, what)| EventName::is_announced(object, what))
}

/// Whether a subscription to `event_types` receives `event`: an empty list or `*` takes every
/// event of the catalogue, `contact.*` every event about contacts. Events outside the
/// catalogue (a webhook's own changes) are never sent.
pub fn subscribes_to(event_types: &[String], event: &str) -> bool {
    let Some((object, what)) = event.split_once('.') else {
        return false;
    };
    if what == "*" || !EventName::is_announced(object, what) {
        return false;
    }
    event_types.is_empty()
        || event_types
            .iter()
            .any(|wanted| wanted == "*" || wanted == event || wanted.strip_suffix(".*") == Some(object))
}

/// A subscription as the API shows it; its secret is shown only when it is made.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: WebhookId,
    pub version: i64,
    /// Where events are posted: an http or https address.
    pub url: String,
    /// Events sent (`contact.created`, `contact.*`); empty for all.
    pub event_types: Vec<String>,
    pub description: Option<String>,
    /// False once disabled by an admin, or after a delivery failed every attempt.
    pub active: bool,
    /// Why deliveries stopped, when they stopped on their own.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Every attempt failed; the webhook was disabled.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

/// One event on its way to one webhook: the deliveries log.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    /// The `webhook-id` the receiver sees, the same on every attempt.
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status, when it answered.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i32>,
    pub created_at: DateTime<Utc>,
}

/// What a client sends to create or (merged) change a subscription.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub event_types: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A subscription's fields once checked.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookFields {
    pub url: url::Url,
    pub event_types: Vec<String>,
    pub description: Option<String>,
    pub active: bool,
}

/// The most event types one subscription lists.
pub const MAX_EVENT_TYPES: usize = 50;

impl WebhookInput {
    pub fn validate(self) -> Result<WebhookFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let url = match self.url.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("url", "is required");
                None
            }
            Some(raw) => errors.check("url", parse_target(raw)),
        };
        let mut event_types = Vec::new();
        if self.event_types.len() > MAX_EVENT_TYPES {
            errors.add("event_types", format!("at most {MAX_EVENT_TYPES} event types"));
        } else {
            for (i, name) in self.event_types.into_iter().enumerate() {
                let name = name.trim().to_owned();
                if !is_event_type(&name) {
                    errors.add(
                        format!("event_types[{i}]"),
                        "is not an event type (such as contact.updated or contact.*)",
                    );
                } else if !event_types.contains(&name) {
                    event_types.push(name);
                }
            }
        }
        let description = clean_text(self.description);
        check_length(&mut errors, "description", &description, 200);
        errors.into_result()?;
        let url = url.ok_or_else(|| ValidationErrors::single("url", "is required"))?;
        Ok(WebhookFields { url, event_types, description, active: self.active.unwrap_or(true) })
    }
}

impl Webhook {
    pub fn to_input(&self) -> WebhookInput {
        WebhookInput {
            url: Some(self.url.clone()),
            event_types: self.event_types.clone(),
            description: self.description.clone(),
            active: Some(self.active),
        }
    }
}

/// An http(s) address with a host and no credentials; where it points is checked separately,
/// when the host is resolved.
fn parse_target(raw: &str) -> Result<url::Url, String> {
    if raw.len() > 2000 || raw.chars().any(is_forbidden_control) {
        return Err("must be an http or https address of at most 2000 characters".to_owned());
    }
    let url = url::Url::parse(raw).map_err(|_| "must be an http or https address".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err("must be an http or https address".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password; authenticate with the signature".to_owned());
    }
    Ok(url)
}

/// Whether a webhook may be sent to `ip`: not this machine, its private networks, link-local
/// addresses (cloud metadata services live there) or anything that is not a unicast address on
/// the internet. A webhook must not become a way to probe the internal network.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b))
                // Reserved for future use, 240.0.0.0/4.
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// How long to wait before each retry of a failed delivery: the schedule the Standard Webhooks
/// specification suggests, about a day and a quarter in all. A delivery that fails them all is
/// given up, and its subscription disabled.
pub const RETRY_DELAYS_SECONDS: [i64; 7] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/// The wait before the next attempt after `attempts` failed ones; `None` when none is left.
pub fn retry_after(attempts: u32) -> Option<TimeDelta> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    RETRY_DELAYS_SECONDS.get(index).map(|seconds| TimeDelta::seconds(*seconds))
}

/// The body of a webhook message: the event, what it is about, and which fields changed
/// (never their values, which stay in the audit log where erasure can reach them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookMessage {
    #[serde(rename = "type")]
    pub event_type: String,
    pub timestamp: DateTime<Utc>,
    pub data: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_specification_test_vector() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret");
        let signature =
            sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_never_print() {
        let secret = WebhookSecret::from_bytes(&[7; 24]);
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(format!("{secret:?}"), "whsec_***");
        assert!(WebhookSecret::parse("not-a-secret").is_err());
    }

    #[test]
    fn internal_addresses_are_not_targets() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(internal.parse().expect("an address")), "{internal}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(is_public(public.parse().expect("an address")), "{public}");
        }
    }

    #[test]
    fn subscriptions_name_events_exactly_or_by_kind() {
        let wanted = vec!["contact.*".to_owned(), "company.deleted".to_owned()];
        assert!(subscribes_to(&wanted, "contact.updated"));
        assert!(subscribes_to(&wanted, "company.deleted"));
        assert!(!subscribes_to(&wanted, "company.created"));
        assert!(subscribes_to(&[], "activity.created"));
        assert!(!subscribes_to(&[], "webhook.created"), "a webhook's own changes are not sent");
        assert!(is_event_type("contact.updated") && is_event_type("activity.*") && is_event_type("*"));
        assert!(!is_event_type("contact.exploded") && !is_event_type("planet.created"));
    }

    #[test]
    fn retries_follow_the_schedule_for_about_a_day() {
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(1), Some(TimeDelta::seconds(5)));
        assert_eq!(retry_after(7), Some(TimeDelta::hours(10)));
        assert_eq!(retry_after(8), None);
        let total: i64 = RETRY_DELAYS_SECONDS.iter().sum();
        assert!((TimeDelta::hours(24).num_seconds()..TimeDelta::hours(30).num_seconds()).contains(&total));
    }

    #[test]
    fn targets_are_http_addresses_without_credentials() {
        let input =
            |url: &str| WebhookInput { url: Some(url.to_owned()), ..WebhookInput::default() }.validate();
        assert!(input("https://crm-hooks.exemple.fr/comptoir").is_ok());
        for bad in ["ftp://exemple.fr", "https://user:pw@exemple.fr", "exemple.fr", "https://"] {
            assert!(input(bad).is_err(), "{bad}");
        }
        let unknown = WebhookInput {
            url: Some("https://exemple.fr".to_owned()),
            event_types: vec!["contact.exploded".to_owned()],
            ..WebhookInput::default()
        };
        assert_eq!(unknown.validate().expect_err("refused").0[0].field, "event_types[0]");
    }
}
