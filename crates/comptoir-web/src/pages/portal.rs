//! The customer portal: a contact asks for a sign-in link by mail, follows it, and then sees
//! their own tickets, opens new ones and answers. Its session has its own cookie; its pages
//! are never cached, and what a customer is not shown (other people's tickets, the team's
//! notes) answers "not found".

use super::auth::{append_cookie, guest_response};
use super::errors::PageError;
use super::path::PagePath;
use super::session::{
    Customer, CustomerSubmission, GuestSubmission, LANG_COOKIE, PORTAL_COOKIE, PRE_SESSION_COOKIE,
    check_origin, cookie, guest_lang, over_https, set_cookie,
};
use super::ticket_files::{self, FileLine, file_lines};
use super::{assets, redirect, render};
use crate::attached::{MAX_UPLOAD_REQUEST, download};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono_tz::Tz;
use comptoir_app::AppError;
use comptoir_app::portal::{PortalRequestInput, PortalTicket};
use comptoir_app::secrets::random_secret;
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::Direction;
use comptoir_domain::ids::TicketId;
use comptoir_domain::mail::MailLanguage;
use comptoir_domain::sessions::REMEMBERED_LIFETIME;
use comptoir_domain::tickets::{Ticket, TicketStatus};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/portal", get(start).post(ask_for_link))
        .route("/portal/sign-in/{secret}", get(link_page).post(sign_in))
        .route("/portal/sign-out", post(sign_out))
        .route(
            "/portal/tickets",
            get(tickets).post(open_ticket).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/portal/tickets/new", get(new_ticket))
        .route("/portal/tickets/{id}", get(ticket))
        .route("/portal/tickets/{id}/replies", post(reply))
        .route(
            "/portal/tickets/{id}/files",
            post(portal_attach).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/portal/tickets/{id}/files/{file}", get(portal_read))
        // A request or an answer in words: nothing a customer sends here needs more.
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
}

#[derive(Deserialize)]
struct PortalQuery {
    lang: Option<String>,
    cursor: Option<String>,
}

/// The language a portal page speaks: the one just chosen, else the visitor's earlier choice
/// or their browser's.
fn language(headers: &HeaderMap, chosen: Option<&str>) -> (Lang, Option<Lang>) {
    let choice = chosen.and_then(Lang::parse);
    (choice.unwrap_or_else(|| guest_lang(headers)), choice)
}

/// A signed-in customer's language: the one just chosen, else theirs.
fn customers_language(customer: &Customer, chosen: Option<&str>) -> (Lang, Option<Lang>) {
    let choice = chosen.and_then(Lang::parse);
    (choice.unwrap_or(customer.lang), choice)
}

/// A portal page: never kept by a cache (its address is passed on to no other site, as no
/// page's is), and the language the visitor just chose remembered.
fn private(mut response: Response, choice: Option<Lang>, secure: bool) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(lang) = choice {
        let remembered = Some(REMEMBERED_LIFETIME.num_seconds());
        append_cookie(headers, &set_cookie(LANG_COOKIE, lang.code(), remembered, secure));
    }
    response
}

/// What the sign-in page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Form,
    Sent,
    /// Mail is not set up: no link can be sent, so nobody can sign in yet.
    Closed,
}

#[derive(Template)]
#[template(path = "portal/start.html")]
struct StartPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    showing: Start,
    email: String,
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PageError> {
    if let Some(secret) = cookie(&headers, PORTAL_COOKIE)
        && state.app.portal_session(secret).await?.is_some()
    {
        return Ok(redirect("/portal/tickets", false));
    }
    let (lang, choice) = language(&headers, query.lang.as_deref());
    let showing = if state.app.portal_open().await? { Start::Form } else { Start::Closed };
    let csrf = random_secret();
    let page = StartPage {
        lang,
        asset_version: assets::version(),
        csrf: csrf.clone(),
        showing,
        email: String::new(),
    };
    let secure = over_https(&headers);
    Ok(private(guest_response(render(&page), &csrf, choice, secure), None, secure))
}

/// Sends a link when the address is a contact's, and says the same either way.
async fn ask_for_link(State(state): State<AppState>, form: GuestSubmission) -> Result<Response, PageError> {
    let lang = form.lang;
    let email = form.fields.text("email").unwrap_or_default();
    let fallback = match lang {
        Lang::Fr => MailLanguage::Fr,
        Lang::En => MailLanguage::En,
    };
    // Asking for a link says whether the portal is open, so the settings are read once.
    let open = if email.is_empty() {
        state.app.portal_open().await?
    } else {
        state.app.request_portal_link(&email, fallback).await?
    };
    let showing = match (open, email.is_empty()) {
        (false, _) => Start::Closed,
        (true, true) => Start::Form,
        (true, false) => Start::Sent,
    };
    let csrf = random_secret();
    let page = StartPage { lang, asset_version: assets::version(), csrf: csrf.clone(), showing, email };
    Ok(private(guest_response(render(&page), &csrf, None, form.secure), None, form.secure))
}

#[derive(Template)]
#[template(path = "portal/link.html")]
struct LinkPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    secret: String,
    usable: bool,
}

/// The page a mailed link opens: a button that signs in, so that a mail reader or link
/// scanner opening the link uses nothing up.
async fn link_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = language(&headers, query.lang.as_deref());
    let usable = state.app.portal_link_usable(&secret).await?;
    let csrf = random_secret();
    let page = LinkPage { lang, asset_version: assets::version(), csrf: csrf.clone(), secret, usable };
    let status = if usable { StatusCode::OK } else { StatusCode::GONE };
    let secure = over_https(&headers);
    Ok(private((status, guest_response(render(&page), &csrf, choice, secure)).into_response(), None, secure))
}

async fn sign_in(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    form: GuestSubmission,
) -> Result<Response, PageError> {
    let Some(signed_in) = state.app.portal_sign_in(&secret).await? else {
        let csrf = random_secret();
        let page = LinkPage {
            lang: form.lang,
            asset_version: assets::version(),
            csrf: csrf.clone(),
            secret,
            usable: false,
        };
        let response =
            (StatusCode::GONE, guest_response(render(&page), &csrf, None, form.secure)).into_response();
        return Ok(private(response, None, form.secure));
    };
    let mut response = redirect("/portal/tickets", false);
    let headers = response.headers_mut();
    // A cookie of the browser's session: the server ends the portal session after
    // `SESSION_IDLE` without a request, however long the browser stays open.
    append_cookie(headers, &set_cookie(PORTAL_COOKIE, &signed_in.secret, None, form.secure));
    append_cookie(headers, &set_cookie(PRE_SESSION_COOKIE, "", Some(0), form.secure));
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    // Signing out is a form like any other: same site, with the session's token.
    _checked: CustomerSubmission,
) -> Result<Response, PageError> {
    if let Some(secret) = cookie(&headers, PORTAL_COOKIE) {
        state.app.portal_sign_out(secret).await?;
    }
    let mut response = redirect("/portal", false);
    append_cookie(response.headers_mut(), &set_cookie(PORTAL_COOKIE, "", Some(0), over_https(&headers)));
    Ok(response)
}

/// A ticket as a line of the customer's list.
struct TicketLine {
    id: TicketId,
    reference: String,
    subject: String,
    /// Who asked, for a company whose contacts see each other's tickets.
    requester: String,
    status: String,
    updated: String,
}

/// The status in the customer's words: what the team waits on is not their concern, what
/// they are waited on for is.
fn status_words(lang: Lang, status: TicketStatus) -> String {
    let key = match status {
        TicketStatus::New | TicketStatus::Open | TicketStatus::PendingThirdParty => "portal-status-open",
        TicketStatus::PendingCustomer => "portal-status-waiting",
        TicketStatus::Solved => "portal-status-solved",
        TicketStatus::Closed => "portal-status-closed",
    };
    lang.t(key)
}

fn line(lang: Lang, zone: Tz, ticket: &Ticket) -> TicketLine {
    TicketLine {
        id: ticket.id,
        reference: ticket.reference.clone(),
        subject: ticket.fields.subject.clone(),
        requester: ticket.contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        status: status_words(lang, ticket.fields.status),
        updated: lang.datetime(ticket.updated_at, zone),
    }
}

#[derive(Template)]
#[template(path = "portal/tickets.html")]
struct TicketsPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    name: String,
    /// The company's tickets are listed, not only the visitor's.
    shared: bool,
    tickets: Vec<TicketLine>,
    next: Option<String>,
}

async fn tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    customer: Customer,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = customers_language(&customer, query.lang.as_deref());
    let page = state.app.portal_tickets(&customer.visit, query.cursor.as_deref()).await?;
    let tickets = page.data.iter().map(|t| line(lang, state.timezone, t)).collect();
    let next = page.next_cursor.map(|cursor| format!("/portal/tickets?cursor={}", super::encode(&cursor)));
    let page = TicketsPage {
        lang,
        asset_version: assets::version(),
        csrf: customer.visit.session.csrf_token.clone(),
        name: customer.visit.contact.fields.display_name(),
        shared: customer.visit.shared_company.is_some(),
        tickets,
        next,
    };
    Ok(private(render(&page), choice, over_https(&headers)))
}

#[derive(Template)]
#[template(path = "portal/new.html")]
struct NewTicketPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    subject: String,
    description: String,
    subject_error: Option<String>,
    description_error: Option<String>,
    file_error: Option<String>,
}

async fn new_ticket(
    headers: HeaderMap,
    customer: Customer,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = customers_language(&customer, query.lang.as_deref());
    let page = NewTicketPage {
        lang,
        asset_version: assets::version(),
        csrf: customer.visit.session.csrf_token.clone(),
        subject: String::new(),
        description: String::new(),
        subject_error: None,
        description_error: None,
        file_error: None,
    };
    Ok(private(render(&page), choice, over_https(&headers)))
}

/// The message for `field` among `errors`, in the customer's words.
fn error_for(lang: Lang, errors: &ValidationErrors, field: &str) -> Option<String> {
    let said: Vec<String> =
        errors.0.iter().filter(|e| e.field == field).map(|e| lang.message(&e.message)).collect();
    (!said.is_empty()).then(|| said.join(" "))
}

/// Opens the request the form describes, with the file sent along, if any.
async fn open_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    customer: Customer,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let lang = customer.lang;
    let mut form = ticket_files::read_form(form, &customer.visit.session.csrf_token).await?;
    let sent_a_file = form.file.is_some() || form.too_big;
    let request = PortalRequestInput {
        subject: form.text("subject"),
        description: Some(form.raw("description").to_owned()),
        file: form.file.take(),
    };
    let outcome = if form.too_big {
        Err(AppError::Validation(ValidationErrors::single("file", "is larger than 10 MB")))
    } else {
        state.app.portal_open_ticket(&customer.visit, request).await
    };
    match outcome {
        Ok(ticket) => Ok(redirect(&format!("/portal/tickets/{}", ticket.id), false)),
        Err(AppError::Validation(errors)) => {
            let page = NewTicketPage {
                lang,
                asset_version: assets::version(),
                csrf: customer.visit.session.csrf_token.clone(),
                subject: form.raw("subject").to_owned(),
                description: form.raw("description").to_owned(),
                subject_error: error_for(lang, &errors, "subject"),
                description_error: error_for(lang, &errors, "description"),
                // A browser cannot fill a file input again: the customer is asked to.
                file_error: match error_for(lang, &errors, "file") {
                    Some(error) => Some(format!("{error} {}", lang.t("portal-file-again"))),
                    None => sent_a_file.then(|| lang.t("portal-file-again")),
                },
            };
            let response = (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
            Ok(private(response, None, over_https(&headers)))
        }
        Err(other) => Err(other.into()),
    }
}

/// A message of the conversation, as the customer reads it.
struct MessageLine {
    mine: bool,
    at: String,
    body: String,
}

#[derive(Template)]
#[template(path = "portal/ticket.html")]
struct TicketPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    ticket: TicketLine,
    opened: String,
    description: String,
    messages: Vec<MessageLine>,
    /// Asked by a colleague, whose conversation the visitor reads but does not join.
    colleagues: bool,
    open_for_replies: bool,
    body: String,
    error: Option<String>,
    /// Public articles that may answer it: their help-centre page and title.
    suggestions: Vec<(String, String)>,
    files: Vec<FileLine>,
    /// Why the last file sent was refused.
    file_refused: Option<String>,
}

impl TicketPage {
    fn new(lang: Lang, zone: Tz, csrf: String, shown: &PortalTicket) -> TicketPage {
        let ticket = &shown.ticket;
        let messages = shown
            .messages
            .iter()
            .map(|m| MessageLine {
                mine: m.fields.direction == Some(Direction::Inbound),
                at: lang.datetime(m.fields.occurred_at, zone),
                body: m.fields.body.clone().unwrap_or_default(),
            })
            .collect();
        TicketPage {
            lang,
            asset_version: assets::version(),
            csrf,
            ticket: line(lang, zone, ticket),
            opened: lang.datetime(ticket.created_at, zone),
            description: ticket.fields.description.clone().unwrap_or_default(),
            messages,
            colleagues: !shown.theirs,
            open_for_replies: shown.theirs && ticket.fields.status != TicketStatus::Closed,
            body: String::new(),
            error: None,
            suggestions: Vec::new(),
            files: Vec::new(),
            file_refused: None,
        }
    }
}

async fn ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    customer: Customer,
    PagePath(id): PagePath<TicketId>,
    Query(query): Query<PortalQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = customers_language(&customer, query.lang.as_deref());
    let shown = state.app.portal_ticket(&customer.visit, id).await?;
    let mut page = TicketPage::new(lang, state.timezone, customer.visit.session.csrf_token.clone(), &shown);
    if page.open_for_replies {
        let suggested = state.app.portal_suggestions(&shown).await?;
        page.suggestions =
            suggested.into_iter().map(|a| (format!("/help/{}", a.id), a.fields.title)).collect();
    }
    page.files = portal_files(&state, &shown, lang).await?;
    Ok(private(render(&page), choice, over_https(&headers)))
}

/// The files of the ticket `shown` as the portal lists them.
async fn portal_files(state: &AppState, shown: &PortalTicket, lang: Lang) -> Result<Vec<FileLine>, AppError> {
    let attached = state.app.portal_attachments(shown).await?;
    let zone = state.timezone;
    let base = format!("/portal/tickets/{}", shown.ticket.id);
    Ok(file_lines(lang, &base, &attached, |at| lang.datetime(at, zone)))
}

/// The ticket's page again, saying why the file sent was refused.
async fn ticket_refusing_file(
    state: &AppState,
    headers: &HeaderMap,
    customer: &Customer,
    id: TicketId,
    refused: String,
) -> Result<Response, PageError> {
    let shown = state.app.portal_ticket(&customer.visit, id).await?;
    let csrf = customer.visit.session.csrf_token.clone();
    let mut page = TicketPage::new(customer.lang, state.timezone, csrf, &shown);
    page.files = portal_files(state, &shown, customer.lang).await?;
    page.file_refused = Some(refused);
    let response = (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    Ok(private(response, None, over_https(headers)))
}

async fn reply(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(id): PagePath<TicketId>,
    form: CustomerSubmission,
) -> Result<Response, PageError> {
    let CustomerSubmission { customer, fields } = form;
    let lang = customer.lang;
    match state.app.portal_reply(&customer.visit, id, fields.get("body").map(str::to_owned)).await {
        Ok(_) => Ok(redirect(&format!("/portal/tickets/{id}#reply"), false)),
        Err(AppError::Validation(errors)) => {
            let shown = state.app.portal_ticket(&customer.visit, id).await?;
            let csrf = customer.visit.session.csrf_token.clone();
            let mut page = TicketPage::new(lang, state.timezone, csrf, &shown);
            page.body = fields.get("body").unwrap_or_default().to_owned();
            page.error = error_for(lang, &errors, "body");
            let response = (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
            Ok(private(response, None, over_https(&headers)))
        }
        Err(other) => Err(other.into()),
    }
}

/// The requester attaches the form's file to their ticket in the portal.
async fn portal_attach(
    State(state): State<AppState>,
    customer: Customer,
    headers: HeaderMap,
    PagePath(id): PagePath<TicketId>,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let lang = customer.lang;
    let refused = match ticket_files::receive(form, &customer.visit.session.csrf_token).await? {
        ticket_files::Received::File(upload) => {
            match state.app.portal_attach(&customer.visit, id, &upload).await {
                Ok(_) => return Ok(redirect(&format!("/portal/tickets/{id}#files"), false)),
                Err(AppError::Validation(errors)) => ticket_files::said(lang, &errors),
                Err(other) => return Err(other.into()),
            }
        }
        ticket_files::Received::Refused(why) => lang.message(why),
    };
    ticket_refusing_file(&state, &headers, &customer, id, refused).await
}

async fn portal_read(
    State(state): State<AppState>,
    customer: Customer,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, file) = ticket_files::ids(&id, &file)?;
    let (attachment, bytes) = state.app.portal_attachment(&customer.visit, id, file).await?;
    Ok(download(&attachment, bytes))
}
