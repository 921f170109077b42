//! Who is looking at a page: the session cookie resolved to a user, the language to answer in,
//! and the CSRF check every state-changing form goes through.

use super::errors::{LangSlot, PageError};
use crate::i18n::Lang;
use crate::security::same_secret;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use bytes::Bytes;
use chrono_tz::Tz;
use comptoir_app::portal::PortalVisit;
use comptoir_app::sessions::CurrentSession;
use comptoir_domain::activities::TaskWindow;
use comptoir_domain::listing::Count;
use comptoir_domain::users::{Actor, User};

pub const SESSION_COOKIE: &str = "comptoir_session";
/// The customer portal's session, apart from the team's.
pub const PORTAL_COOKIE: &str = "comptoir_portal";
/// Before sign-in there is no session to hold a CSRF token, so the sign-in and set-up forms
/// carry a token that must match this cookie (double submit).
pub const PRE_SESSION_COOKIE: &str = "comptoir_presession";
/// A visitor's language choice before they sign in.
pub const LANG_COOKIE: &str = "comptoir_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// A `Set-Cookie` value: never readable from scripts, sent only with same-site navigations,
/// and only over HTTPS when the page came over HTTPS. `max_age` `None` makes a cookie that ends
/// with the browser session; `Some(0)` deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    text
}

/// Whether the browser reached us over HTTPS, through a proxy that terminates TLS and says so.
/// A client that claims it falsely only makes its own cookie stricter.
pub fn over_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

/// The language for a visitor who has not signed in: their earlier choice, else the browser's.
pub fn guest_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).and_then(Lang::parse).unwrap_or_else(|| {
        Lang::from_accept_language(
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default(),
        )
    })
}

/// A signed-in visitor. Pages that take one send everyone else to the sign-in page.
pub struct Visitor {
    pub actor: Actor,
    pub user: User,
    pub csrf: String,
    /// The session outlives the browser ("remember me"), as a renewed one must too.
    pub remembered: bool,
    pub lang: Lang,
    /// The user's own time zone, else the instance's.
    pub timezone: Tz,
    /// The page was asked for by htmx, which wants a fragment rather than a whole page.
    pub htmx: bool,
    /// How many of the visitor's tasks are due today or late, for a whole page's navigation.
    pub due_now: Option<u64>,
}

impl Visitor {
    pub fn name(&self) -> &str {
        self.user.name()
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = guest_lang(&parts.headers);
        let htmx = parts.headers.contains_key("hx-request");
        let current = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(secret) => state.app.session(secret).await?,
            None => None,
        };
        let Some(CurrentSession { session, user }) = current else {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            // A form posted after the session ended returns to the page, not to the POST.
            let next = if parts.method == Method::GET { next } else { "/" };
            return Err(PageError::SignIn { next: next.to_owned(), htmx });
        };
        tracing::Span::current().record("actor", tracing::field::display(user.id));
        let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or(lang);
        if let Some(slot) = parts.extensions.get::<LangSlot>() {
            slot.set(lang);
        }
        let actor = Actor { user_id: user.id, role: user.role };
        // The navigation's count of tasks due: whole pages only, not the fragments htmx asks for.
        let timezone = user.timezone.as_deref().and_then(|zone| zone.parse().ok()).unwrap_or(state.timezone);
        let due_now = if parts.method == Method::GET && !htmx {
            let edges = super::days::DayEdges::around(chrono::Utc::now(), timezone);
            let window = TaskWindow {
                assignee: Some(actor.user_id),
                to: Some(edges.end_of_today),
                ..TaskWindow::default()
            };
            match state.app.count_open_tasks(&actor, &window).await? {
                Count::Exact(n) | Count::About(n) | Count::MoreThan(n) => Some(n),
            }
        } else {
            None
        };
        Ok(Visitor {
            actor,
            user,
            csrf: session.csrf_token,
            remembered: session.remember,
            lang,
            timezone,
            htmx,
            due_now,
        })
    }
}

/// A form submitted by a signed-in visitor, already checked against cross-site forgery: it
/// must carry the session's CSRF token (as the `_csrf` field or the `X-CSRF-Token` header
/// htmx sends) and, when the browser names its origin, come from this site.
pub struct Submission {
    pub visitor: Visitor,
    pub fields: Fields,
}

impl FromRequest<AppState> for Submission {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let fields = same_site_form(Request::from_parts(parts.clone(), body), state).await?;
        let sent = fields
            .get(CSRF_FIELD)
            .or_else(|| parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))
            .unwrap_or_default();
        if !same_secret(sent, &visitor.csrf) {
            return Err(PageError::Forgery);
        }
        Ok(Submission { visitor, fields })
    }
}

/// A customer signed in to the portal, from its own cookie. Pages that take one send everyone
/// else to the portal's sign-in page; a team member's session opens nothing here, nor a
/// customer's anything of the team's.
pub struct Customer {
    pub visit: PortalVisit,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let visit = match cookie(&parts.headers, PORTAL_COOKIE) {
            Some(secret) => state.app.portal_session(secret).await?,
            None => None,
        };
        let Some(visit) = visit else { return Err(PageError::PortalSignIn) };
        // The language chosen here, else the one the contact declared, else the browser's.
        let chosen = cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse);
        let declared = visit.contact.fields.language.as_deref().and_then(Lang::parse);
        let lang = chosen.or(declared).unwrap_or_else(|| guest_lang(&parts.headers));
        if let Some(slot) = parts.extensions.get::<LangSlot>() {
            slot.set(lang);
        }
        Ok(Customer { visit, lang })
    }
}

/// A form posted by a customer in the portal, checked like the team's: same site, with the
/// portal session's token.
pub struct CustomerSubmission {
    pub customer: Customer,
    pub fields: Fields,
}

impl FromRequest<AppState> for CustomerSubmission {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let customer = Customer::from_request_parts(&mut parts, state).await?;
        let fields = same_site_form(Request::from_parts(parts, body), state).await?;
        if !same_secret(fields.get(CSRF_FIELD).unwrap_or_default(), &customer.visit.session.csrf_token) {
            return Err(PageError::Forgery);
        }
        Ok(CustomerSubmission { customer, fields })
    }
}

/// A form posted before sign-in (sign-in, set-up), checked by double submit.
pub struct GuestSubmission {
    pub lang: Lang,
    pub fields: Fields,
    pub secure: bool,
}

impl FromRequest<AppState> for GuestSubmission {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let lang = guest_lang(&headers);
        let fields = same_site_form(request, state).await?;
        let expected = cookie(&headers, PRE_SESSION_COOKIE).unwrap_or_default();
        if expected.is_empty() || !same_secret(fields.get(CSRF_FIELD).unwrap_or_default(), expected) {
            return Err(PageError::Forgery);
        }
        Ok(GuestSubmission { lang, fields, secure: over_https(&headers) })
    }
}

/// The form a request carries, refused when it comes from another site or cannot be read.
async fn same_site_form(request: Request, state: &AppState) -> Result<Fields, PageError> {
    check_origin(request.headers())?;
    let bytes = Bytes::from_request(request, state).await.map_err(|_| PageError::BadRequest)?;
    Fields::parse(&bytes).ok_or(PageError::BadRequest)
}

/// Refuses a request whose `Origin` is not this site: same scheme, host and port (RFC 6454).
/// Browsers send it with every POST; its absence (old clients, some privacy settings) leaves
/// the token check alone in charge. `null` (sandboxed frames, some redirects) is refused.
pub(super) fn check_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let scheme = if over_https(headers) { "https" } else { "http" };
    let ours =
        headers.get(header::HOST).and_then(|v| v.to_str().ok()).and_then(|host| origin_of(scheme, host));
    let theirs = origin.to_str().ok().and_then(|origin| {
        let (scheme, host) = origin.split_once("://")?;
        origin_of(scheme, host)
    });
    match (ours, theirs) {
        (Some(ours), Some(theirs)) if ours == theirs => Ok(()),
        _ => Err(PageError::Forgery),
    }
}

/// An origin as (scheme, host, port), the port filled in when it is the scheme's default;
/// `None` when `authority` holds anything but a host and an optional port.
fn origin_of(scheme: &str, authority: &str) -> Option<(String, String, u16)> {
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let parsed: axum::http::uri::Authority = authority.parse().ok()?;
    if authority.contains('@') {
        return None;
    }
    let port = parsed.port_u16().unwrap_or(default_port);
    Some((scheme, parsed.host().to_ascii_lowercase(), port))
}

/// A decoded `application/x-www-form-urlencoded` body, keeping repeated names in order.
#[derive(Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    fn parse(bytes: &[u8]) -> Option<Fields> {
        serde_urlencoded::from_bytes(bytes).ok().map(Fields)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The trimmed value, `None` when empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v == "on" || v == "true" || v == "1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; comptoir_session=abc; b=2".parse().expect("header"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "crm.exemple.fr".parse().expect("header"));
        headers.insert(header::ORIGIN, "https://evil.example".parse().expect("header"));
        assert!(check_origin(&headers).is_err());
        headers.insert(header::ORIGIN, "http://crm.exemple.fr".parse().expect("header"));
        assert!(check_origin(&headers).is_ok());
        for other in
            ["https://crm.exemple.fr", "http://crm.exemple.fr:8080", "null", "http://crm.exemple.fr.evil"]
        {
            headers.insert(header::ORIGIN, other.parse().expect("header"));
            assert!(check_origin(&headers).is_err(), "{other}");
        }
        headers.insert(header::ORIGIN, "http://CRM.exemple.fr:80".parse().expect("header"));
        assert!(check_origin(&headers).is_ok(), "the default port is the same origin");
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert!(check_origin(&headers).is_err(), "behind TLS the origin is https");
        headers.insert(header::ORIGIN, "https://crm.exemple.fr".parse().expect("header"));
        assert!(check_origin(&headers).is_ok());
    }

    #[test]
    fn cookies_are_secure_behind_an_https_proxy() {
        let mut headers = HeaderMap::new();
        assert!(!over_https(&headers));
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert!(over_https(&headers));
        assert!(set_cookie("a", "b", None, true).ends_with("; Secure"));
    }
}
