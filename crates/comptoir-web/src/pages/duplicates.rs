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
use comptoir_domain::duplicates::{MergeField, MergeRequest, MovedLinks, PairStatus, Reason};
use comptoir_domain::ids::OperationId;
use comptoir_domain::users::User;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(list))
        .route("/duplicates/scan", post(scan))
        .route("/duplicates/scan/progress", get(super::scan_progress::progress))
        .route("/duplicates/{id}", get(compare))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/duplicates/{id}/merge", post(merge))
        .route("/merges/{id}", get(merge_page))
        .route("/merges/{id}/undo", post(undo))
}

/// Pairs shown per page.
const PAGE: u32 = 50;

/// A pair as a line of the list.
pub(super) struct Line {
    pub id: Uuid,
    pub score: u8,
    pub likely: bool,
    pub first: (String, String),
    pub second: (String, String),
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
pub(super) struct ListPage {
    pub page: Chrome,
    /// Which records' pairs: contacts', or companies'.
    pub of: Pairs,
    pub lines: Vec<Line>,
    pub running: bool,
    pub last_scan: Option<String>,
    pub next: Option<Uuid>,
    pub may_decide: bool,
}

/// Which records a review page is about, and so where its links go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pairs {
    Contacts,
    Companies,
}

impl Pairs {
    /// Where the pairs are listed, and each compared under.
    pub fn base(self) -> &'static str {
        match self {
            Pairs::Contacts => "/duplicates",
            Pairs::Companies => "/duplicates/companies",
        }
    }

    /// Where a merge is shown, and undone under.
    pub fn merges(self) -> &'static str {
        match self {
            Pairs::Contacts => "/merges",
            Pairs::Companies => "/company-merges",
        }
    }

    /// Where one of the records is.
    pub fn records(self) -> &'static str {
        match self {
            Pairs::Contacts => "/contacts",
            Pairs::Companies => "/companies",
        }
    }

    /// The key of the words that head a column of records.
    pub fn record_words(self) -> &'static str {
        match self {
            Pairs::Contacts => "duplicates-contact",
            Pairs::Companies => "duplicates-company",
        }
    }
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
    let last_scan = last_scan(&state, &page).await?;
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
            reasons: reasons(&page, &pair.reasons),
        });
    }
    let next = (pairs.len() == PAGE as usize).then(|| pairs.last().map(|p| p.id)).flatten();
    let list = ListPage {
        of: Pairs::Contacts,
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
pub(super) struct Row {
    pub key: &'static str,
    pub label: String,
    pub first: String,
    pub second: String,
    /// Both sides' values are kept (emails, phones, custom fields): the choice is which leads.
    pub both_kept: bool,
    pub keep_second: bool,
}

#[derive(Template)]
#[template(path = "duplicate_compare.html")]
pub(super) struct ComparePage {
    pub page: Chrome,
    pub of: Pairs,
    pub pair_id: Uuid,
    pub score: u8,
    pub first: (String, String),
    pub second: (String, String),
    pub first_created: String,
    pub second_created: String,
    pub reasons: Vec<String>,
    pub rows: Vec<Row>,
    pub may_merge: bool,
    pub error: Option<String>,
    /// The other open pairs either record is one of: with this one, a group to go through.
    pub group: Vec<Kin>,
}

/// Another open pair one of the compared records is in: the third record, its score, and where
/// the pair is compared.
pub(super) struct Kin {
    pub of: String,
    pub name: (String, String),
    pub score: u8,
    pub compare: String,
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
    let mut group = Vec::new();
    for compared in [&first, &second] {
        for kin in state.app.duplicates_of(&visitor.actor, compared.id).await? {
            let other = if kin.first_id == compared.id { kin.second_id } else { kin.first_id };
            if kin.id == pair.id {
                continue;
            }
            if let Ok(other) = state.app.get::<Contacts>(&visitor.actor, other).await {
                let compare = format!("{}/{}", Pairs::Contacts.base(), kin.id);
                group.push(Kin {
                    of: compared.fields.display_name(),
                    name: named(&other),
                    score: kin.score,
                    compare,
                });
            }
        }
    }
    Ok(ComparePage {
        of: Pairs::Contacts,
        pair_id: pair.id,
        score: pair.score,
        reasons: reasons(&page, &pair.reasons),
        first_created: page.datetime(&first.created_at),
        second_created: page.datetime(&second.created_at),
        first: named(&first),
        second: named(&second),
        rows,
        may_merge,
        error,
        group,
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
pub(super) struct MergePage {
    pub page: Chrome,
    pub of: Pairs,
    pub merge_id: OperationId,
    pub merged_id: Uuid,
    pub merged_name: String,
    pub survivor: Option<(String, String)>,
    pub survivor_left_alone: bool,
    pub when: String,
    pub undone_when: Option<String>,
    pub moved: Vec<(String, usize)>,
    pub may_undo: bool,
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
    let moved = moved(&page, &merge.moved);
    let show = MergePage {
        of: Pairs::Contacts,
        merge_id: merge.id,
        merged_id: merge.merged_id.0,
        survivor_left_alone: merge.survivor_left_alone,
        when: page.datetime(&merge.merged_at),
        undone_when: merge.undone_at.map(|at| page.datetime(&at)),
        may_undo: merge.undone_at.is_none()
            && (merge.merged_by == Some(visitor.actor.user_id) || visitor.actor.is_admin()),
        merged_name,
        survivor,
        moved,
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

/// What the last scan found, in words, if one ended.
pub(super) async fn last_scan(state: &AppState, page: &Chrome) -> Result<Option<String>, AppError> {
    Ok(state.app.last_duplicate_scan().await?.and_then(|scan| {
        let at = scan.finished_at?;
        let (when, contacts, pairs, companies, company_pairs, seconds) = (
            page.datetime(&at),
            page.lang.number(scan.contacts as f64, 0),
            page.lang.number(scan.pairs as f64, 0),
            page.lang.number(scan.companies as f64, 0),
            page.lang.number(scan.company_pairs as f64, 0),
            page.lang.number(scan.seconds, 1),
        );
        let found = page.lang.tn(
            "duplicates-last-scan",
            &[
                ("when", &when),
                ("contacts", &contacts),
                ("pairs", &pairs),
                ("companies", &companies),
                ("company_pairs", &company_pairs),
                ("seconds", &seconds),
            ],
        );
        let Some(share) = scan.duplicate_share else { return Some(found) };
        let per_hundred = page.lang.number(share * 100.0, 1);
        Some(format!(
            "{found} {}",
            page.lang.tn("duplicates-estimated-share", &[("per_hundred", &per_hundred)])
        ))
    }))
}

/// A pair's evidence in words.
pub(super) fn reasons(page: &Chrome, reasons: &[Reason]) -> Vec<String> {
    reasons.iter().map(|r| page.t(&format!("duplicate-reason-{}", r.as_str()))).collect()
}

/// What a merge moved, table by table, in words.
pub(super) fn moved(page: &Chrome, moved: &[MovedLinks]) -> Vec<(String, usize)> {
    moved.iter().map(|m| (page.t(&format!("merge-moved-{}", m.table)), m.ids.len())).collect()
}
