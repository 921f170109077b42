//! Settings, for admins: users and their roles, API tokens, custom field definitions. Every
//! action goes through the same admin-only use cases as the API.

use super::errors::PageError;
use super::forms::{FormField, place_errors};
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::{CustomFieldId, TokenId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::{ApiToken, Role, User};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(|| async { redirect("/settings/users", false) }))
        .route("/settings/users", get(users).post(create_user))
        .route("/settings/users/{id}", get(user).post(update_user))
        .route("/settings/tokens", get(tokens).post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
        .route("/settings/fields", get(fields).post(create_field))
        .route("/settings/fields/{id}", get(field).post(update_field))
        .route("/settings/fields/{id}/move", post(move_field))
        .route("/settings/fields/{id}/delete", post(delete_field))
}

fn role_options(lang: Lang) -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_owned(), lang.t(&format!("role-{}", r.as_str())))).collect()
}

fn locale_options(lang: Lang) -> Vec<(String, String)> {
    vec![
        (String::new(), lang.t("locale-none")),
        ("fr".to_owned(), super::lang_name(&Lang::Fr)),
        ("en".to_owned(), super::lang_name(&Lang::En)),
    ]
}

pub struct UserLine {
    pub user: User,
    pub role_label: String,
}

#[derive(Template)]
#[template(path = "settings/users.html")]
struct UsersPage {
    page: Chrome,
    users: Vec<UserLine>,
    fields: Vec<FormField>,
}

fn new_user_fields(lang: Lang, typed: &Fields) -> Vec<FormField> {
    let value = |name: &str| typed.get(name).unwrap_or_default().to_owned();
    vec![
        FormField::new("email", lang.t("field-email"), "email", value("email")).required(),
        FormField::new("display_name", lang.t("field-display-name"), "text", value("display_name")),
        FormField::select(
            "role",
            lang.t("field-role"),
            typed.get("role").unwrap_or("sales"),
            role_options(lang),
        ),
        FormField::select("locale", lang.t("field-locale"), value("locale"), locale_options(lang)),
        FormField::new("password", lang.t("field-password"), "password", "")
            .hint(lang.t("password-hint"))
            .autocomplete("new-password"),
    ]
}

async fn users_page(
    state: &AppState,
    visitor: &Visitor,
    fields: Vec<FormField>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let query = ListQuery { limit: comptoir_domain::listing::MAX_LIMIT, ..ListQuery::default() };
    let users = state.app.list_users(&visitor.actor, &query).await?.data;
    let users = users
        .into_iter()
        .map(|user| UserLine { role_label: lang.t(&format!("role-{}", user.role.as_str())), user })
        .collect();
    Ok((status, render(&UsersPage { page: Chrome::new(visitor, "settings"), users, fields })).into_response())
}

async fn users(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let fields = new_user_fields(visitor.lang, &Fields::default());
    users_page(&state, &visitor, fields, StatusCode::OK).await
}

fn user_body(fields: &Fields, with_password: bool) -> Value {
    let mut body = json!({
        "email": fields.text("email"),
        "display_name": fields.text("display_name"),
        "role": fields.text("role"),
        "locale": fields.text("locale"),
    });
    if with_password && let Some(password) = fields.get("password").filter(|p| !p.is_empty()) {
        body["password"] = json!(password);
    }
    body
}

async fn create_user(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    match state.app.create_user(Some(&visitor.actor), user_body(&form.fields, true), None).await {
        Ok(_) => Ok(redirect("/settings/users", false)),
        Err(AppError::Validation(errors)) => {
            let mut fields = new_user_fields(visitor.lang, &form.fields);
            place_errors(&mut fields, &errors, visitor.lang, str::to_owned);
            users_page(&state, visitor, fields, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

#[derive(Template)]
#[template(path = "settings/user.html")]
struct UserPage {
    page: Chrome,
    user: User,
    fields: Vec<FormField>,
}

fn user_fields(lang: Lang, user: &User, typed: Option<&Fields>) -> Vec<FormField> {
    let value = |name: &str, stored: Option<&str>| match typed {
        Some(typed) => typed.get(name).unwrap_or_default().to_owned(),
        None => stored.unwrap_or_default().to_owned(),
    };
    let active = match typed {
        Some(typed) => typed.checked("active"),
        None => user.active,
    };
    vec![
        FormField::new("email", lang.t("field-email"), "email", value("email", Some(&user.email))).required(),
        FormField::new(
            "display_name",
            lang.t("field-display-name"),
            "text",
            value("display_name", user.display_name.as_deref()),
        ),
        FormField::select(
            "role",
            lang.t("field-role"),
            value("role", Some(user.role.as_str())),
            role_options(lang),
        ),
        FormField::select(
            "locale",
            lang.t("field-locale"),
            value("locale", user.locale.as_deref()),
            locale_options(lang),
        ),
        FormField::new("active", lang.t("field-active"), "checkbox", if active { "true" } else { "false" }),
        FormField::new("password", lang.t("field-password"), "password", "")
            .hint(lang.t("password-hint"))
            .autocomplete("new-password"),
    ]
}

async fn user(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<UserId>,
) -> Result<Response, PageError> {
    let user = state.app.get_user(&visitor.actor, id).await?;
    if !visitor.actor.is_admin() {
        return Err(PageError::from(AppError::Forbidden("only admins manage users")));
    }
    let fields = user_fields(visitor.lang, &user, None);
    Ok(render(&UserPage { page: Chrome::new(&visitor, "settings"), user, fields }))
}

async fn update_user(
    State(state): State<AppState>,
    PagePath(id): PagePath<UserId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let mut body = user_body(&form.fields, true);
    body["active"] = json!(form.fields.checked("active"));
    match state.app.update_user(&visitor.actor, id, &body, None).await {
        Ok(_) => Ok(redirect("/settings/users", false)),
        Err(AppError::Validation(errors)) => {
            let user = state.app.get_user(&visitor.actor, id).await?;
            let mut fields = user_fields(visitor.lang, &user, Some(&form.fields));
            place_errors(&mut fields, &errors, visitor.lang, str::to_owned);
            let page = UserPage { page: Chrome::new(visitor, "settings"), user, fields };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

pub struct TokenLine {
    pub token: ApiToken,
    pub user_name: String,
}

#[derive(Template)]
#[template(path = "settings/tokens.html")]
struct TokensPage {
    page: Chrome,
    tokens: Vec<TokenLine>,
    users: Vec<User>,
    /// Whom a new token acts for unless the admin picks someone else: the admin.
    me: UserId,
    new_secret: Option<String>,
    name_error: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    visitor: &Visitor,
    new_secret: Option<String>,
    name_error: Option<String>,
) -> Result<Response, PageError> {
    let tokens = state.app.list_tokens(&visitor.actor).await?;
    let users = state.app.colleagues(&visitor.actor).await?;
    let tokens = tokens
        .into_iter()
        .map(|token| TokenLine {
            user_name: super::records::user_name(&users, Some(token.user_id.to_string())),
            token,
        })
        .collect();
    let status = if name_error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let me = visitor.actor.user_id;
    let page =
        TokensPage { page: Chrome::new(visitor, "settings"), tokens, users, me, new_secret, name_error };
    let mut response = (status, render(&page)).into_response();
    // A page showing a secret must not be kept by the browser or a proxy.
    response
        .headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn tokens(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    tokens_page(&state, &visitor, None, None).await
}

async fn create_token(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let user_id = form.fields.get("user_id").and_then(|id| id.parse().ok()).unwrap_or(visitor.actor.user_id);
    let name = form.fields.get("name").unwrap_or_default();
    match state.app.create_token(Some(&visitor.actor), user_id, name).await {
        Ok(created) => tokens_page(&state, visitor, Some(created.secret), None).await,
        Err(AppError::Validation(errors)) => {
            let message = errors.0.first().map(|e| visitor.lang.message(&e.message));
            tokens_page(&state, visitor, None, message).await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    PagePath(id): PagePath<TokenId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.revoke_token(&visitor.actor, id).await?;
    Ok(redirect("/settings/tokens", false))
}

pub struct FieldGroup {
    pub title: String,
    pub definitions: Vec<CustomFieldDefinition>,
}

#[derive(Template)]
#[template(path = "settings/fields.html")]
struct FieldsPage {
    page: Chrome,
    groups: Vec<FieldGroup>,
    fields: Vec<FormField>,
}

fn type_options(lang: Lang) -> Vec<(String, String)> {
    ["text", "number", "date", "bool", "select", "multi_select", "currency", "url", "email", "phone"]
        .iter()
        .map(|t| ((*t).to_owned(), lang.t(&format!("type-{t}"))))
        .collect()
}

fn new_field_fields(lang: Lang, typed: &Fields) -> Vec<FormField> {
    let value = |name: &str| typed.get(name).unwrap_or_default().to_owned();
    let objects =
        RecordKind::ALL.iter().map(|k| (k.as_str().to_owned(), lang.t(&format!("object-{k}")))).collect();
    vec![
        FormField::select(
            "object_type",
            lang.t("field-object-type"),
            typed.get("object_type").unwrap_or(RecordKind::Contact.as_str()),
            objects,
        ),
        FormField::new("label", lang.t("field-label"), "text", value("label")).required(),
        FormField::new("key", lang.t("field-key"), "text", value("key")).required(),
        FormField::select(
            "field_type",
            lang.t("field-type"),
            typed.get("field_type").unwrap_or("text"),
            type_options(lang),
        ),
        FormField::new("options", lang.t("field-options"), "textarea", value("options"))
            .hint(lang.t("options-hint"))
            .wide(),
        identifying_field(lang, typed.checked("identifying")),
    ]
}

/// The box that marks a field as telling contacts apart.
fn identifying_field(lang: Lang, checked: bool) -> FormField {
    FormField::new(
        "identifying",
        lang.t("field-identifying"),
        "checkbox",
        if checked { "true" } else { "false" },
    )
    .hint(lang.t("identifying-hint"))
    .wide()
}

fn options(fields: &Fields) -> Vec<String> {
    fields
        .get("options")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn fields_page(
    state: &AppState,
    visitor: &Visitor,
    fields: Vec<FormField>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let mut groups = vec![];
    for object_type in RecordKind::ALL {
        let key = format!("object-{object_type}");
        let definitions = state.app.list_custom_fields(&visitor.actor, Some(object_type)).await?;
        groups.push(FieldGroup { title: lang.t(&key), definitions });
    }
    Ok((status, render(&FieldsPage { page: Chrome::new(visitor, "settings"), groups, fields }))
        .into_response())
}

async fn fields(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    if !visitor.actor.is_admin() {
        return Err(PageError::from(AppError::Forbidden("only admins manage custom fields")));
    }
    let fields = new_field_fields(visitor.lang, &Fields::default());
    fields_page(&state, &visitor, fields, StatusCode::OK).await
}

async fn create_field(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let body = json!({
        "object_type": form.fields.text("object_type"),
        "key": form.fields.text("key"),
        "label": form.fields.text("label"),
        "field_type": form.fields.text("field_type"),
        "options": options(&form.fields),
        "identifying": form.fields.checked("identifying"),
    });
    match state.app.create_custom_field(&visitor.actor, body, None).await {
        Ok(_) => Ok(redirect("/settings/fields", false)),
        Err(AppError::Validation(errors)) => {
            let mut fields = new_field_fields(visitor.lang, &form.fields);
            place_errors(&mut fields, &errors, visitor.lang, |path| {
                path.split('[').next().unwrap_or(path).to_owned()
            });
            fields_page(&state, visitor, fields, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

#[derive(Template)]
#[template(path = "settings/field.html")]
struct FieldPage {
    page: Chrome,
    definition: CustomFieldDefinition,
    fields: Vec<FormField>,
}

fn field_fields(lang: Lang, definition: &CustomFieldDefinition, typed: Option<&Fields>) -> Vec<FormField> {
    let (label, options, identifying) = match typed {
        Some(typed) => (
            typed.get("label").unwrap_or_default().to_owned(),
            typed.get("options").unwrap_or_default().to_owned(),
            typed.checked("identifying"),
        ),
        None => (definition.label.clone(), definition.options.join("\n"), definition.identifying),
    };
    vec![
        FormField::new("label", lang.t("field-label"), "text", label).required(),
        FormField::new("options", lang.t("field-options"), "textarea", options)
            .hint(lang.t("options-hint"))
            .wide(),
        identifying_field(lang, identifying),
    ]
}

async fn field(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<CustomFieldId>,
) -> Result<Response, PageError> {
    if !visitor.actor.is_admin() {
        return Err(PageError::from(AppError::Forbidden("only admins manage custom fields")));
    }
    let definition = state.app.get_custom_field(&visitor.actor, id).await?;
    let fields = field_fields(visitor.lang, &definition, None);
    Ok(render(&FieldPage { page: Chrome::new(&visitor, "settings"), definition, fields }))
}

async fn update_field(
    State(state): State<AppState>,
    PagePath(id): PagePath<CustomFieldId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let patch = json!({
        "label": form.fields.text("label"),
        "options": options(&form.fields),
        "identifying": form.fields.checked("identifying"),
    });
    match state.app.update_custom_field(&visitor.actor, id, &patch, None).await {
        Ok(_) => Ok(redirect("/settings/fields", false)),
        Err(AppError::Validation(errors)) => {
            let definition = state.app.get_custom_field(&visitor.actor, id).await?;
            let mut fields = field_fields(visitor.lang, &definition, Some(&form.fields));
            place_errors(&mut fields, &errors, visitor.lang, |path| {
                path.split('[').next().unwrap_or(path).to_owned()
            });
            let page = FieldPage { page: Chrome::new(visitor, "settings"), definition, fields };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// Moves a field one place up or down among its kind's fields, renumbering them so that
/// fields created with the same position get distinct ones.
async fn move_field(
    State(state): State<AppState>,
    PagePath(id): PagePath<CustomFieldId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let definition = state.app.get_custom_field(&visitor.actor, id).await?;
    let mut siblings = state.app.list_custom_fields(&visitor.actor, Some(definition.object_type)).await?;
    let Some(at) = siblings.iter().position(|d| d.id == id) else {
        return Err(PageError::from(AppError::NotFound));
    };
    let to = match form.fields.get("direction") {
        Some("up") if at > 0 => at - 1,
        Some("down") if at + 1 < siblings.len() => at + 1,
        Some("up" | "down") => at,
        _ => {
            return Err(ValidationErrors::single("direction", "must be up or down").into());
        }
    };
    siblings.swap(at, to);
    for (position, sibling) in siblings.iter().enumerate() {
        if sibling.position != position as i32 {
            let patch = json!({ "position": position });
            state.app.update_custom_field(&visitor.actor, sibling.id, &patch, None).await?;
        }
    }
    Ok(redirect("/settings/fields", false))
}

async fn delete_field(
    State(state): State<AppState>,
    PagePath(id): PagePath<CustomFieldId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.delete_custom_field(&visitor.actor, id, None).await?;
    Ok(redirect("/settings/fields", false))
}
