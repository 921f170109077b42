//! A list as CSV, for a client that asks for it with `Accept: text/csv`: every record the list
//! matches (its filters, search and order; not its page size), streamed a page at a time, one
//! column per field as the API names it (custom fields as `custom_fields.<key>`), so the file
//! imports back as it is.

use crate::download::{Download, accepts, stream};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::lists::csv_rows;
use crate::state::AppState;
use axum::http::HeaderMap;
use axum::response::Response;
use comptoir_app::AppError;
use comptoir_app::columns::Columns;
use comptoir_domain::listing::{ListQuery, MAX_LIMIT};
use comptoir_domain::users::Actor;
use serde_json::Value;

/// Whether the client asked for CSV rather than JSON.
pub fn wants_csv(headers: &HeaderMap) -> bool {
    accepts(headers, "text/csv")
}

/// A value as a cell: text as it is, several values joined by commas, nothing for null.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => {
            items.iter().map(|item| cell(Some(item))).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(", ")
        }
        Some(other) => other.to_string(),
    }
}

pub async fn list<K: Columns>(
    state: &AppState,
    actor: &Actor,
    mut query: ListQuery,
    file_name: &'static str,
) -> Result<Response, ApiError> {
    let definitions = state.app.definitions(K::KIND).await?;
    let mut columns: Vec<(String, String)> =
        K::columns().into_iter().map(|(name, pointer)| (name.to_owned(), pointer.to_owned())).collect();
    columns.extend(
        definitions.iter().map(|d| (format!("custom_fields.{}", d.key), format!("/custom_fields/{}", d.key))),
    );
    query.limit = MAX_LIMIT;
    query.cursor = None;
    // The first page is read before answering, so a bad filter is still a 422.
    let first = state.app.list::<K>(actor, &query).await?;
    let header: Vec<String> = columns.iter().map(|(name, _)| name.clone()).collect();
    let rows_of = move |records: &[K::Record]| -> Result<Vec<u8>, std::io::Error> {
        let rows: Vec<Vec<String>> = records
            .iter()
            .map(|record| {
                let json = serde_json::to_value(record).unwrap_or(Value::Null);
                columns.iter().map(|(_, pointer)| cell(json.pointer(pointer))).collect()
            })
            .collect();
        csv_rows(Lang::En, &rows).map_err(std::io::Error::other)
    };
    let head = csv_rows(Lang::En, &[header]).map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    let download =
        Download { content_type: "text/csv; charset=utf-8", file_name: format!("{file_name}.csv") };
    Ok(stream::<K>(state.app.clone(), *actor, query, first, head, rows_of, download))
}
