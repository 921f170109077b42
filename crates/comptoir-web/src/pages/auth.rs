//! Signing in and out, the first admin of an empty instance, and the language switch.

use super::errors::PageError;
use super::forms::{FormField, place_errors};
use super::session::{
    GuestSubmission, LANG_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE, Submission, cookie, guest_lang,
    over_https, set_cookie,
};
use super::{assets, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::secrets::random_secret;
use comptoir_app::sessions::SignInRefusal;
use comptoir_domain::sessions::REMEMBERED_LIFETIME;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/setup", get(setup_page).post(setup))
        .route("/language", post(switch_language))
        // An email, a password and a few tokens: nothing a visitor who is not signed in sends
        // needs more.
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    next: String,
    email: String,
    remember: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    lang: Lang,
    asset_version: &'static str,
    csrf: String,
    fields: Vec<FormField>,
}

#[derive(Deserialize)]
struct GuestQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// Only a path on this site may be returned to after sign-in, never another site: a relative
/// reference that parses as a path (no scheme, no authority), starts with one `/`, and holds no
/// backslash, space or control character, which browsers drop or read as `/` and could turn
/// `/\t/evil.test` into `//evil.test`.
fn local_path(next: Option<&str>) -> String {
    let is_local = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
            && path
                .parse::<axum::http::Uri>()
                .is_ok_and(|uri| uri.scheme().is_none() && uri.authority().is_none())
    };
    match next {
        Some(path) if is_local(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Answers a guest page with a fresh double-submit token and, when asked, the language.
pub(super) fn guest_response(
    page_html: Response,
    csrf: &str,
    lang_choice: Option<Lang>,
    secure: bool,
) -> Response {
    let mut response = page_html;
    let headers = response.headers_mut();
    append_cookie(headers, &set_cookie(PRE_SESSION_COOKIE, csrf, None, secure));
    if let Some(lang) = lang_choice {
        let remembered = Some(REMEMBERED_LIFETIME.num_seconds());
        append_cookie(headers, &set_cookie(LANG_COOKIE, lang.code(), remembered, secure));
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(super) fn append_cookie(headers: &mut HeaderMap, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.append(header::SET_COOKIE, value);
    }
}

fn chosen_lang(headers: &HeaderMap, query: &GuestQuery) -> (Lang, Option<Lang>) {
    let choice = query.lang.as_deref().and_then(Lang::parse);
    (choice.unwrap_or_else(|| guest_lang(headers)), choice)
}

async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<GuestQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = chosen_lang(&headers, &query);
    if state.app.count_users().await? == 0 {
        return Ok(redirect("/setup", false));
    }
    let csrf = random_secret();
    let page = SignInPage {
        lang,
        asset_version: assets::version(),
        csrf: csrf.clone(),
        next: local_path(query.next.as_deref()),
        email: String::new(),
        remember: false,
        error: None,
    };
    Ok(guest_response(render(&page), &csrf, choice, over_https(&headers)))
}

async fn sign_in(State(state): State<AppState>, form: GuestSubmission) -> Result<Response, PageError> {
    let lang = form.lang;
    let email = form.fields.text("email").unwrap_or_default();
    let password = form.fields.get("password").unwrap_or_default();
    let remember = form.fields.checked("remember");
    let next = local_path(form.fields.get("next"));
    let outcome = state.app.sign_in(&email, password, remember).await?;
    let (status, error) = match outcome {
        Ok(signed_in) => {
            let max_age = remember.then(|| REMEMBERED_LIFETIME.num_seconds());
            let mut response = redirect(&next, false);
            let headers = response.headers_mut();
            append_cookie(headers, &set_cookie(SESSION_COOKIE, &signed_in.secret, max_age, form.secure));
            append_cookie(headers, &set_cookie(PRE_SESSION_COOKIE, "", Some(0), form.secure));
            return Ok(response);
        }
        Err(SignInRefusal::WrongCredentials) => (StatusCode::UNAUTHORIZED, lang.t("sign-in-wrong")),
        Err(SignInRefusal::LockedOut(wait)) => {
            let minutes = (wait.num_seconds() + 59) / 60;
            (StatusCode::TOO_MANY_REQUESTS, lang.count("sign-in-locked", minutes.max(1)))
        }
    };
    let csrf = random_secret();
    let page = SignInPage {
        lang,
        asset_version: assets::version(),
        csrf: csrf.clone(),
        next,
        email,
        remember,
        error: Some(error),
    };
    Ok((status, guest_response(render(&page), &csrf, None, form.secure)).into_response())
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    // Signing out is a form like any other: same site, with the session's token.
    _checked: Submission,
) -> Result<Response, PageError> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.app.sign_out(secret).await?;
    }
    let mut response = redirect("/sign-in", false);
    append_cookie(response.headers_mut(), &set_cookie(SESSION_COOKIE, "", Some(0), over_https(&headers)));
    Ok(response)
}

fn setup_fields(lang: Lang) -> Vec<FormField> {
    vec![
        FormField::new("display_name", lang.t("field-display-name"), "text", "").autocomplete("name"),
        FormField::new("email", lang.t("field-email"), "email", "").required().autocomplete("username"),
        FormField::new("password", lang.t("field-password"), "password", "")
            .required()
            .autocomplete("new-password")
            .hint(lang.t("password-hint")),
    ]
}

async fn setup_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<GuestQuery>,
) -> Result<Response, PageError> {
    let (lang, choice) = chosen_lang(&headers, &query);
    if state.app.count_users().await? > 0 {
        return Ok(redirect("/sign-in", false));
    }
    let csrf = random_secret();
    let page =
        SetupPage { lang, asset_version: assets::version(), csrf: csrf.clone(), fields: setup_fields(lang) };
    Ok(guest_response(render(&page), &csrf, choice, over_https(&headers)))
}

async fn setup(State(state): State<AppState>, form: GuestSubmission) -> Result<Response, PageError> {
    let lang = form.lang;
    let email = form.fields.text("email");
    let password = form.fields.get("password").filter(|p| !p.is_empty()).map(str::to_owned);
    let body = json!({
        "email": email,
        "display_name": form.fields.text("display_name"),
        "password": password,
        "locale": lang.code(),
    });
    match state.app.create_first_admin(body).await {
        Ok(_) => {}
        Err(AppError::Validation(errors)) => {
            let mut fields = setup_fields(lang);
            for field in &mut fields {
                if field.kind != "password" {
                    field.value = form.fields.get(&field.name).unwrap_or_default().to_owned();
                }
            }
            place_errors(&mut fields, &errors, lang, |path| path.to_owned());
            let csrf = random_secret();
            let page = SetupPage { lang, asset_version: assets::version(), csrf: csrf.clone(), fields };
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                guest_response(render(&page), &csrf, None, form.secure),
            )
                .into_response());
        }
        Err(AppError::Forbidden(_)) => return Ok(redirect("/sign-in", false)),
        Err(error) => return Err(PageError::from(error)),
    }
    // The new admin is signed in straight away.
    let email = email.unwrap_or_default();
    let signed_in = state
        .app
        .sign_in(&email, password.as_deref().unwrap_or_default(), false)
        .await?
        .map_err(|_| PageError::from(AppError::Internal("the new admin could not sign in".into())))?;
    let mut response = redirect("/", false);
    append_cookie(response.headers_mut(), &set_cookie(SESSION_COOKIE, &signed_in.secret, None, form.secure));
    Ok(response)
}

async fn switch_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Submission,
) -> Result<Response, PageError> {
    let lang = form.fields.get("lang").and_then(Lang::parse).unwrap_or(form.visitor.lang);
    state.app.set_own_locale(&form.visitor.actor, lang.code()).await?;
    // Back to the page the switch was on, when it is one of ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|at| rest[at..].to_owned()));
    Ok(redirect(&local_path(back.as_deref()), false))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(local_path(Some("/contacts?sort=-created_at")), "/contacts?sort=-created_at");
        for foreign in [
            "//evil.test",
            "/\t/evil.test",
            "/\n/evil.test",
            "/\\evil.test",
            "https://evil.test",
            "evil.test",
            "/ /evil.test",
            "/\u{0}x",
        ] {
            assert_eq!(local_path(Some(foreign)), "/", "{foreign:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
