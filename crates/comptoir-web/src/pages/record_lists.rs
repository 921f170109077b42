//! The lists of every kind of record: the page with its filter bar, columns, saved views and
//! bulk actions, and the CSV export of what it shows.

use super::errors::PageError;
use super::filters::FilterWords;
use super::kind::{KindPages, base, key, section};
use super::lists::{
    CSV_START, Column, FilterLine, ListRequest, ListView, Row, csv_rows, selected_ids, spreadsheet_number,
};
use super::path::PagePath;
use super::session::{Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::download::{Download, stream};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::bulk::{BulkActionName, BulkRequest};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::SavedViewId;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::User;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "confirm_bulk_delete.html")]
struct ConfirmBulkDelete {
    page: Chrome,
    action: String,
    back: String,
    back_query: String,
    ids: Vec<String>,
    /// "147 contacts", when every result of the list is to go.
    every_result: Option<String>,
    selection: String,
}

fn columns<K: KindPages>(lang: Lang, definitions: &[CustomFieldDefinition]) -> Vec<Column> {
    let mut columns: Vec<Column> = K::LIST_COLUMNS
        .iter()
        .map(|key| Column::builtin(lang, "col", key, K::filter_control(lang, key)))
        .collect();
    columns.extend(definitions.iter().map(Column::custom));
    columns
}

/// What drawing a list's cells needs besides the records: the custom fields (for their
/// columns and values), the users (owners' names) and every column offered.
struct ListSetting {
    definitions: Vec<CustomFieldDefinition>,
    users: Vec<User>,
    columns: Vec<Column>,
}

async fn list_setting<K: KindPages>(state: &AppState, visitor: &Visitor) -> Result<ListSetting, PageError> {
    let definitions = state.app.definitions(K::KIND).await?;
    let users = state.app.colleagues(&visitor.actor).await?;
    let columns = columns::<K>(visitor.lang, &definitions);
    Ok(ListSetting { definitions, users, columns })
}

#[derive(Template)]
#[template(path = "record_list.html")]
struct ListPage {
    page: Chrome,
    title: String,
    /// "147 contacts", "more than 10,000 contacts".
    count: Option<String>,
    /// "My contacts": the list of the visitor's own records, one click away.
    mine_label: String,
    mine: String,
    new_label: String,
    list: ListView,
    users: Vec<User>,
    can_bulk: bool,
    flash_error: Option<String>,
}

#[derive(Template)]
#[template(path = "partials/rows.html")]
struct RowsFragment {
    page: Chrome,
    list: ListView,
    can_bulk: bool,
}

#[derive(Deserialize, Default)]
struct BulkOutcome {
    done: Option<usize>,
    refused: Option<usize>,
    /// A bulk action was sent with no row ticked.
    none: Option<u8>,
}

pub(super) async fn list<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let app = &state.app;
    let raw = raw.unwrap_or_default();
    let outcome: BulkOutcome = serde_urlencoded::from_str(&raw).unwrap_or_default();
    // The bulk outcome rides along in the URL after a bulk action; it is not a list parameter.
    let list_part: String = serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "done" | "refused" | "none"))
        .map(|(k, v)| format!("{}={}", super::encode(&k), super::encode(&v)))
        .collect::<Vec<_>>()
        .join("&");
    let ListSetting { definitions, users, columns: all_columns } =
        list_setting::<K>(&state, &visitor).await?;
    let words = filter_words(&visitor, &users);
    let request = ListRequest::parse(&list_part, K::DEFAULT_COLUMNS, &all_columns, &words);
    let saved = app.saved_views(&visitor.actor, K::KIND).await?;
    let flash = outcome.done.map(|n| lang.count("bulk-done", n as i64));
    let flash_error = match outcome.none {
        Some(_) => Some(lang.t("bulk-none-selected")),
        None => outcome.refused.filter(|n| *n > 0).map(|n| lang.count("bulk-refused", n as i64)),
    };
    let page = Chrome::new(&visitor, section::<K>()).with_flash(flash);
    let more_rows = visitor.htmx && request.query.as_ref().is_ok_and(|q| q.cursor.is_some());
    let (records, next, error, count) = match &request.query {
        Ok(query) => {
            // Rows appended below a page keep the count the page already shows.
            let counting = async {
                if more_rows { Ok(None) } else { K::count(app, &visitor.actor, query).await.map(Some) }
            };
            match tokio::join!(K::list(app, &visitor.actor, query), counting) {
                (Ok(found), Ok(count)) => (found.data, found.next_cursor, None, count),
                (Err(AppError::Validation(errors)), _) | (_, Err(AppError::Validation(errors))) => {
                    (vec![], None, Some(errors), None)
                }
                (Err(other), _) | (_, Err(other)) => return Err(PageError::from(other)),
            }
        }
        Err(errors) => (vec![], None, Some(errors.clone()), None),
    };
    let rows = records
        .iter()
        .map(|record| Row {
            id: K::id(record).to_string(),
            cells: request
                .columns
                .iter()
                .map(|key| K::cell(&page, record, key, &users, &definitions))
                .collect(),
        })
        .collect();
    let list =
        ListView::new(base::<K>(), &page, &request, all_columns, rows, next, &saved, error.as_ref(), &words);
    let can_bulk = visitor.actor.can_create_records();
    if more_rows {
        return Ok(render(&RowsFragment { page, list, can_bulk }));
    }
    let refused = error.is_some() || !request.refused.is_empty();
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mine = format!("{}?{}", base::<K>(), K::mine(&visitor.actor));
    let count = count.map(|count| lang.count_words(&format!("count-{}", section::<K>()), count));
    let mut list = list;
    if let Some(count) = &count {
        list.scope_all = lang.tn("bulk-scope-all-counted", &[("what", count)]);
    }
    let list_page = ListPage {
        count,
        mine_label: lang.t(&key::<K>("mine")),
        mine,
        title: lang.t(&format!("{}-title", section::<K>())),
        new_label: lang.t(&key::<K>("new")),
        page,
        list,
        users,
        can_bulk,
        flash_error,
    };
    Ok((status, render(&list_page)).into_response())
}

/// What the filter bar needs to read people's words: their language, zone and colleagues.
fn filter_words<'a>(visitor: &Visitor, users: &'a [User]) -> FilterWords<'a> {
    FilterWords { lang: visitor.lang, zone: visitor.timezone, me: Some(visitor.actor.user_id), users }
}

#[derive(Template)]
#[template(path = "partials/filter_line.html")]
struct FilterLineFragment {
    page: Chrome,
    line: FilterLine,
}

#[derive(Deserialize)]
pub(super) struct LineRequest {
    #[serde(default)]
    f: String,
    #[serde(default)]
    i: usize,
}

/// One line of the filter bar with the controls its newly chosen field needs.
pub(super) async fn filter_line<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Query(wanted): axum::extract::Query<LineRequest>,
) -> Result<Response, PageError> {
    let ListSetting { users, columns, .. } = list_setting::<K>(&state, &visitor).await?;
    let words = filter_words(&visitor, &users);
    let line = FilterLine::new(
        wanted.i.max(1),
        &base::<K>(),
        &columns,
        &words,
        wanted.f,
        String::new(),
        (String::new(), String::new()),
        None,
    );
    Ok(render(&FilterLineFragment { page: Chrome::new(&visitor, section::<K>()), line }))
}

/// Every record the current list shows, all pages, with its chosen columns.
pub(super) async fn export<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let (ListSetting { definitions, users, columns: all_columns }, request, query) =
        whole_list::<K>(&state, &visitor, raw.as_deref()).await?;
    let page = Chrome::new(&visitor, section::<K>());
    let header: Vec<String> = request
        .columns
        .iter()
        .map(|key| {
            all_columns.iter().find(|c| &c.key == key).map_or_else(|| key.clone(), |c| c.label.clone())
        })
        .collect();
    let first = K::list(&state.app, &visitor.actor, &query).await?;
    let columns = request.columns;
    let rows_of = move |records: &[K::Record]| -> Result<Vec<u8>, std::io::Error> {
        let rows: Vec<Vec<String>> = records
            .iter()
            .map(|record| {
                columns
                    .iter()
                    .map(|key| {
                        let cell = K::cell(&page, record, key, &users, &definitions);
                        if cell.numeric { spreadsheet_number(lang, &cell.text) } else { cell.text }
                    })
                    .collect()
            })
            .collect();
        csv_rows(lang, &rows).map_err(std::io::Error::other)
    };
    let head = csv_rows(lang, &[header])
        .map(|rows| [CSV_START.as_bytes(), &rows].concat())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let download =
        Download { content_type: "text/csv; charset=utf-8", file_name: format!("{}.csv", section::<K>()) };
    Ok(stream::<K::UseCases>(state.app.clone(), visitor.actor, query, first, head, rows_of, download))
}

/// The list a page's address asks for, whole: every record its filters and search match, in
/// its order, from the first.
async fn whole_list<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    raw: Option<&str>,
) -> Result<(ListSetting, ListRequest, ListQuery), PageError> {
    let setting = list_setting::<K>(state, visitor).await?;
    let words = filter_words(visitor, &setting.users);
    let request = ListRequest::parse(raw.unwrap_or_default(), K::DEFAULT_COLUMNS, &setting.columns, &words);
    if let Some(line) = request.refused.first() {
        return Err(ValidationErrors::single(line.field.clone(), line.message.clone()).into());
    }
    let mut query = request.query.clone().map_err(|e| PageError::from(AppError::Validation(e)))?;
    query.limit = comptoir_domain::listing::MAX_LIMIT;
    query.cursor = None;
    Ok((setting, request, query))
}

/// The contacts a list page shows, whole, as vCard 4.0 cards for an address book.
pub(super) async fn export_cards(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    type Contacts = super::contacts::Contacts;
    let (_, _, query) = whole_list::<Contacts>(&state, &visitor, raw.as_deref()).await?;
    let first = Contacts::list(&state.app, &visitor.actor, &query).await?;
    let cards = |contacts: &[comptoir_domain::contacts::Contact]| -> Result<Vec<u8>, std::io::Error> {
        let mut out = String::new();
        contacts.iter().for_each(|contact| comptoir_import::vcard::write_card(contact, &mut out));
        Ok(out.into_bytes())
    };
    let download =
        Download { content_type: comptoir_import::vcard::MEDIA_TYPE, file_name: "contacts.vcf".to_owned() };
    Ok(stream::<comptoir_app::contacts::Contacts>(
        state.app.clone(),
        visitor.actor,
        query,
        first,
        Vec::new(),
        cards,
        download,
    ))
}

/// Applies one action to the ticked records as one operation, each record through the same
/// permission check and validation as a single change; records the visitor may not change
/// are counted and left alone.
pub(super) async fn bulk<K: KindPages>(
    State(state): State<AppState>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let ids: Vec<Uuid> = selected_ids(&form.fields).iter().filter_map(|id| id.parse().ok()).collect();
    let action = form.fields.get("action").and_then(BulkActionName::parse);
    // Back to the list as it was: its filters, sort and columns (a query string, never an
    // address: the list's own path is put in front of it).
    let back_query = form.fields.get("back").unwrap_or_default().to_owned();
    let back = |outcome: &str| {
        let separator = if back_query.is_empty() { "" } else { "&" };
        format!("{}?{back_query}{separator}{outcome}", base::<K>())
    };
    let every_result = form.fields.get("scope") == Some("all");
    let selection = form.fields.get("selection").unwrap_or_default().to_owned();
    if !every_result && ids.is_empty() {
        return Ok(redirect(&back("none=1"), false));
    }
    if action == Some(BulkActionName::Delete) && !form.fields.checked("confirmed") {
        let every_result = if every_result {
            let words = filter_words(visitor, &[]);
            let request = ListRequest::parse(&selection, K::DEFAULT_COLUMNS, &[], &words);
            let query = request.query.map_err(|e| PageError::from(AppError::Validation(e)))?;
            let count = K::count(&state.app, &visitor.actor, &query).await?;
            Some(lang.count_words(&format!("count-{}", section::<K>()), count))
        } else {
            None
        };
        return Ok(render(&ConfirmBulkDelete {
            page: Chrome::new(visitor, section::<K>()),
            action: format!("{}/bulk", base::<K>()),
            back: back(""),
            back_query: back_query.clone(),
            ids: ids.iter().map(ToString::to_string).collect(),
            every_result,
            selection,
        }));
    }
    let Some(action) = action else {
        return Err(ValidationErrors::single("action", "is required").into());
    };
    let (ids, filter) = if every_result { (None, Some(selection)) } else { (Some(ids), None) };
    let request = BulkRequest {
        action,
        owner_id: form.fields.text("owner_id").and_then(|id| id.parse().ok()),
        tag: form.fields.text("tag"),
        ids,
        filter,
    };
    let checked = state.app.check_bulk(&visitor.actor, request).await?;
    super::bulk_run::start::<K>(&state, visitor, checked, back_query).await
}

pub(super) async fn save_view<K: KindPages>(
    State(state): State<AppState>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let query = form.fields.get("query").unwrap_or_default();
    let view = state.app.save_view(&visitor.actor, K::KIND, form.fields.text("name"), query).await?;
    Ok(redirect(&format!("{}?{}&view={}", base::<K>(), view.query, view.id), false))
}

pub(super) async fn delete_view(
    State(state): State<AppState>,
    PagePath(id): PagePath<SavedViewId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.delete_saved_view(&visitor.actor, id).await?;
    // Back to the list the view was deleted from, never to an address the form made up.
    let back = form
        .fields
        .get("back")
        .and_then(|b| RecordKind::ALL.into_iter().find(|k| b.strip_prefix('/') == Some(k.plural())))
        .unwrap_or(RecordKind::Contact);
    Ok(redirect(&format!("/{}", back.plural()), false))
}
