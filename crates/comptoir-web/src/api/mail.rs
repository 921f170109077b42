//! `/api/v1/settings/mail` and `/api/v1/mail/outbox` (admins): the SMTP server mail goes out
//! through, and what went out or waits to.

use super::versioned;
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IfMatch, JsonBody, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::ids::TicketId;
use comptoir_domain::listing::{DEFAULT_LIMIT, parse_limit};
use comptoir_domain::mail::{MailSettingsInput, MailSettingsView, OutboxEntry};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/mail", get(settings).put(set_settings)).route("/mail/outbox", get(outbox))
}

/// The mail settings, without the password (`null`, ETag `"0"`, until an admin sets them:
/// until then nothing is written to anyone).
#[utoipa::path(get, path = "/api/v1/settings/mail", tag = "settings",
    responses((status = 200, body = Option<MailSettingsView>), (status = 403, body = Problem)))]
pub async fn settings(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let (settings, version) = state.app.mail_settings_view(&actor).await?;
    Ok(versioned(StatusCode::OK, version, &settings))
}

/// Replace the mail settings (admins only): the SMTP `host`, `port` (the usual one of
/// `security` when left out), `security` (`starttls`, `tls`, or `none` for a relay on a
/// trusted network), `username` and `password` (left out: the one kept stays; empty: none),
/// `from_name`, `from_address`, `reply_to_address` (each ticket's mail puts its reference in
/// it after a `+`) and `default_language` (`fr` or `en`) for recipients who declared none.
#[utoipa::path(put, path = "/api/v1/settings/mail", tag = "settings", request_body = MailSettingsInput,
    params(("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = MailSettingsView), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_settings(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (settings, version) = state.app.set_mail_settings(&actor, body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, version, &settings))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OutboxList {
    pub data: Vec<OutboxEntry>,
    pub next_cursor: Option<String>,
}

/// `limit` and `ticket_id`, as the outbox reads them.
pub struct OutboxQuery {
    ticket: Option<TicketId>,
    limit: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for OutboxQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut query = OutboxQuery { ticket: None, limit: i64::from(DEFAULT_LIMIT) };
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "limit" => {
                    query.limit =
                        i64::from(parse_limit(&value).map_err(|message| bad_request("limit", message))?)
                }
                "ticket_id" => {
                    let id = value.parse().map_err(|_| bad_request("ticket_id", "is not a ticket id"))?;
                    query.ticket = Some(TicketId(id));
                }
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(query)
    }
}

/// The newest mail, sent or waiting, with each message's tries and the last refusal.
#[utoipa::path(get, path = "/api/v1/mail/outbox", tag = "settings",
    params(("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("ticket_id" = Option<TicketId>, Query, description = "only the mail about this ticket")),
    responses((status = 200, body = OutboxList), (status = 403, body = Problem)))]
pub async fn outbox(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: OutboxQuery,
) -> Result<Response, ApiError> {
    let data = state.app.outbox(&actor, query.ticket, query.limit).await?;
    Ok(axum::Json(OutboxList { data, next_cursor: None }).into_response())
}
