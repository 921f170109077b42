//! Reviewing likely duplicates from the pages: the pairs the last scan found, the likeliest
//! first, each with its evidence; a pair compared field by field, where the user picks which
//! contact stays and which value of each field it keeps; the merge done, and its undo.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::contacts::Contacts;
use comptoir_domain::contacts::Contact;
use comptoir_domain::duplicates::{DuplicatePair, Merge, MergeField, MergeRequest, PairStatus};
use comptoir_domain::ids::OperationId;
use comptoir_domain::users::User;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(list))
        .route("/duplicates/scan", post(scan))
        .route("/duplicates/{id}", get(compare))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/duplicates/{id}/merge", post(merge))
        .route("/merges/{id}", get(merge_page))
        .route("/merges/{id}/undo", post(undo))
}

/// Pairs shown per page.
const PAGE: u32 = 50;

/// A pair as a line of the list.
struct Line {
    id: Uuid,
    score: u8,
    likely: bool,
    first: (String, String),
    second: (String, String),
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct ListPage {
    page: Chrome,
    lines: Vec<Line>,
    running: bool,
    last_scan: Option<String>,
    next: Option<Uuid>,
    may_decide: bool,
}

/// A contact's name and address, as links show it.
fn named(contact: &Contact) -> (String, String) {
    (contact.fields.display_name(), format!("/contacts/{}", contact.id))
}

async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let after = match query.as_deref().and_then(|q| q.strip_prefix("after=")).map(str::parse::<Uuid>) {
        Some(Ok(id)) => {
            let pair = state.app.duplicate_pair(&visitor.actor, id).await?;
            Some((pair.score, pair.id))
        }
        Some(Err(_)) => return Err(PageError::BadRequest),
        None => None,
    };
    let page = Chrome::new(&visitor, "contacts");
    // The last scan is read before its pairs, so a page never says a scan ended without
    // showing what it found.
    let last_scan = state.app.last_duplicate_scan().await?.and_then(|scan| {
        let at = scan.finished_at?;
        let (when, contacts, pairs, seconds) = (
            page.datetime(&at),
            scan.contacts.to_string(),
            scan.pairs.to_string(),
            format!("{:.1}", scan.seconds),
        );
        Some(page.lang.tn(
            "duplicates-last-scan",
            &[("when", &when), ("contacts", &contacts), ("pairs", &pairs), ("seconds", &seconds)],
        ))
    });
    let pairs = state.app.duplicate_pairs(&visitor.actor, PairStatus::Open, after, PAGE).await?;
    let mut lines = Vec::with_capacity(pairs.len());
    for pair in &pairs {
        let (Ok(first), Ok(second)) = (
            state.app.get::<Contacts>(&visitor.actor, pair.first_id).await,
            state.app.get::<Contacts>(&visitor.actor, pair.second_id).await,
        ) else {
            continue;
        };
        lines.push(Line {
            id: pair.id,
            score: pair.score,
            likely: pair.likely(),
            first: named(&first),
            second: named(&second),
            reasons: pair
                .reasons
                .iter()
                .map(|r| page.t(&format!("duplicate-reason-{}", r.as_str())))
                .collect(),
        });
    }
    let next = (pairs.len() == PAGE as usize).then(|| pairs.last().map(|p| p.id)).flatten();
    let list = ListPage {
        lines,
        running: state.app.scanning_for_duplicates(),
        last_scan,
        next,
        may_decide: visitor.actor.can_create_records(),
        page,
    };
    Ok(render(&list))
}

async fn scan(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    match state.app.start_duplicate_scan(&form.visitor.actor) {
        // One is running already: its page follows it.
        Ok(()) | Err(AppError::Conflict(_)) => {}
        Err(other) => return Err(other.into()),
    }
    Ok(redirect("/duplicates", false))
}

async fn dismiss(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.decide_pair(&form.visitor.actor, id, PairStatus::Dismissed).await?;
    Ok(redirect("/duplicates", false))
}

/// One field of the comparison: its words, each side's value, which side it keeps by default.
struct Row {
    key: &'static str,
    label: String,
    first: String,
    second: String,
    /// Both sides' values are kept (emails, phones, custom fields): the choice is which leads.
    both_kept: bool,
    keep_second: bool,
}

#[derive(Template)]
#[template(path = "duplicate_compare.html")]
struct ComparePage {
    page: Chrome,
    pair: DuplicatePair,
    first: (String, String),
    second: (String, String),
    first_created: String,
    second_created: String,
    reasons: Vec<String>,
    rows: Vec<Row>,
    may_merge: bool,
    error: Option<String>,
}

fn value(page: &Chrome, contact: &Contact, field: MergeField, users: &[User]) -> String {
    let f = &contact.fields;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    match field {
        MergeField::FirstName => text(&f.first_name),
        MergeField::LastName => text(&f.last_name),
        MergeField::Emails => f.emails.iter().map(|e| e.address.to_string()).collect::<Vec<_>>().join(", "),
        MergeField::Phones => f.phones.iter().map(|p| p.number.readable()).collect::<Vec<_>>().join(", "),
        MergeField::JobTitle => text(&f.job_title),
        MergeField::CompanyId => contact.company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        MergeField::Address => {
            [&f.address.street, &f.address.postal_code, &f.address.city, &f.address.country]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        }
        MergeField::Language => text(&f.language),
        MergeField::LifecycleStage => page.t(&format!("stage-{}", f.lifecycle_stage.as_str())),
        MergeField::Source => text(&f.source),
        MergeField::OwnerId => {
            users.iter().find(|u| Some(u.id) == f.owner_id).map(|u| u.name().to_owned()).unwrap_or_default()
        }
        MergeField::CustomFields => {
            f.custom_fields.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
        }
    }
}

async fn compare_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    error: Option<String>,
) -> Result<ComparePage, PageError> {
    let pair = state.app.duplicate_pair(&visitor.actor, id).await?;
    let first = state.app.get::<Contacts>(&visitor.actor, pair.first_id).await?;
    let second = state.app.get::<Contacts>(&visitor.actor, pair.second_id).await?;
    let users = state.app.colleagues(&visitor.actor).await?;
    let page = Chrome::new(visitor, "contacts");
    let rows = MergeField::ALL
        .into_iter()
        .map(|field| {
            let (a, b) = (value(&page, &first, field, &users), value(&page, &second, field, &users));
            Row {
                key: field.as_str(),
                label: page.t(&format!("merge-field-{}", field.as_str())),
                keep_second: a.is_empty() && !b.is_empty(),
                both_kept: matches!(
                    field,
                    MergeField::Emails | MergeField::Phones | MergeField::CustomFields
                ),
                first: a,
                second: b,
            }
        })
        .collect();
    let may_merge =
        visitor.actor.can_modify(first.fields.owner_id) && visitor.actor.can_modify(second.fields.owner_id);
    Ok(ComparePage {
        reasons: pair.reasons.iter().map(|r| page.t(&format!("duplicate-reason-{}", r.as_str()))).collect(),
        first_created: page.datetime(&first.created_at),
        second_created: page.datetime(&second.created_at),
        first: named(&first),
        second: named(&second),
        rows,
        may_merge,
        error,
        pair,
        page,
    })
}

async fn compare(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    Ok(render(&compare_page(&state, &visitor, id, None).await?))
}

/// Merges the pair as the comparison's form chose: which contact stays, and for each field
/// which side's value it keeps.
async fn merge(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let pair = state.app.duplicate_pair(&visitor.actor, id).await?;
    let keep_second = form.fields.get("survivor") == Some("second");
    let (survivor_id, merged_id) =
        if keep_second { (pair.second_id, pair.first_id) } else { (pair.first_id, pair.second_id) };
    let merged_side = if keep_second { "first" } else { "second" };
    let take_from_merged = MergeField::ALL
        .into_iter()
        .filter(|field| form.fields.get(&format!("take.{}", field.as_str())) == Some(merged_side))
        .collect();
    let request = MergeRequest { survivor_id, merged_id, take_from_merged };
    match state.app.merge_contacts(&visitor.actor, &request).await {
        Ok(merge) => Ok(redirect(&format!("/merges/{}", merge.id), false)),
        Err(AppError::Validation(errors)) => {
            let page = compare_page(&state, visitor, id, Some(visitor.lang.messages(&errors))).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "merge_show.html")]
struct MergePage {
    page: Chrome,
    merge: Merge,
    merged_name: String,
    survivor: Option<(String, String)>,
    when: String,
    undone_when: Option<String>,
    moved: Vec<(String, usize)>,
    may_undo: bool,
}

async fn merge_page(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OperationId>,
) -> Result<Response, PageError> {
    let merge = state.app.merge(&visitor.actor, id).await?;
    let page = Chrome::new(&visitor, "contacts");
    let survivor = state.app.get::<Contacts>(&visitor.actor, merge.survivor_id).await.ok().map(|c| named(&c));
    let merged_name = serde_json::from_value::<Contact>(merge.merged_record.clone())
        .map(|c| c.fields.display_name())
        .unwrap_or_default();
    let moved =
        merge.moved.iter().map(|m| (page.t(&format!("merge-moved-{}", m.table)), m.ids.len())).collect();
    let show = MergePage {
        when: page.datetime(&merge.merged_at),
        undone_when: merge.undone_at.map(|at| page.datetime(&at)),
        may_undo: merge.undone_at.is_none()
            && (merge.merged_by == Some(visitor.actor.user_id) || visitor.actor.is_admin()),
        merged_name,
        survivor,
        moved,
        merge,
        page,
    };
    Ok(render(&show))
}

async fn undo(
    State(state): State<AppState>,
    PagePath(id): PagePath<OperationId>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.undo_merge(&form.visitor.actor, id).await?;
    Ok(redirect(&format!("/merges/{id}"), false))
}
