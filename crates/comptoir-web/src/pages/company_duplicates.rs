//! Reviewing likely duplicate companies from the pages, as contacts' are (`duplicates`): the
//! pairs the last scan found, a pair compared field by field with the company that stays and
//! each field's value chosen, the merge done, and its undo.

use super::duplicates::{ComparePage, Kin, Line, ListPage, MergePage, Pairs, Row, last_scan, moved, reasons};
use super::errors::PageError;
use super::path::PagePath;
use super::records::choice_key;
use super::session::{Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::companies::Companies;
use comptoir_domain::companies::Company;
use comptoir_domain::company_merges::{CompanyMergeField, CompanyMergeRequest};
use comptoir_domain::duplicates::PairStatus;
use comptoir_domain::ids::OperationId;
use comptoir_domain::users::User;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duplicates/companies", get(list))
        .route("/duplicates/companies/{id}", get(compare))
        .route("/duplicates/companies/{id}/dismiss", post(dismiss))
        .route("/duplicates/companies/{id}/merge", post(merge))
        .route("/company-merges/{id}", get(merge_page))
        .route("/company-merges/{id}/undo", post(undo))
}

/// Pairs shown per page.
const PAGE: u32 = 50;

/// A company's name and address, as links show it.
fn named(company: &Company) -> (String, String) {
    (company.fields.name.clone(), format!("/companies/{}", company.id))
}

async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let after = match query.as_deref().and_then(|q| q.strip_prefix("after=")).map(str::parse::<Uuid>) {
        Some(Ok(id)) => {
            let pair = state.app.company_pair(&visitor.actor, id).await?;
            Some((pair.score, pair.id))
        }
        Some(Err(_)) => return Err(PageError::BadRequest),
        None => None,
    };
    let page = Chrome::new(&visitor, "companies");
    let last_scan = last_scan(&state, &page).await?;
    let pairs = state.app.company_pairs(&visitor.actor, PairStatus::Open, after, PAGE).await?;
    let mut lines = Vec::with_capacity(pairs.len());
    for pair in &pairs {
        let (Ok(first), Ok(second)) = (
            state.app.get::<Companies>(&visitor.actor, pair.first_id).await,
            state.app.get::<Companies>(&visitor.actor, pair.second_id).await,
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
    Ok(render(&ListPage {
        of: Pairs::Companies,
        lines,
        running: state.app.scanning_for_duplicates(),
        last_scan,
        next,
        may_decide: visitor.actor.can_create_records(),
        page,
    }))
}

async fn dismiss(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.decide_company_pair(&form.visitor.actor, id, PairStatus::Dismissed).await?;
    Ok(redirect("/duplicates/companies", false))
}

fn value(page: &Chrome, company: &Company, field: CompanyMergeField, users: &[User]) -> String {
    let f = &company.fields;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let joined =
        |parts: Vec<String>| parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    match field {
        CompanyMergeField::Name => f.name.clone(),
        CompanyMergeField::Domain => text(&f.domain),
        CompanyMergeField::Website => text(&f.website),
        CompanyMergeField::Industry => text(&f.industry),
        CompanyMergeField::SizeBand => {
            f.size_band.map(|s| page.t(&choice_key("size", s.as_str()))).unwrap_or_default()
        }
        CompanyMergeField::LegalIds => joined(vec![
            f.siren.as_ref().map(|s| format!("SIREN {s}")).unwrap_or_default(),
            f.siret.as_ref().map(|s| format!("SIRET {s}")).unwrap_or_default(),
            f.vat_number.as_ref().map(ToString::to_string).unwrap_or_default(),
        ]),
        CompanyMergeField::Addresses => f
            .addresses
            .iter()
            .map(|a| joined([&a.street, &a.postal_code, &a.city].into_iter().flatten().cloned().collect()))
            .collect::<Vec<_>>()
            .join(" · "),
        CompanyMergeField::Phones => joined(f.phones.iter().map(|p| p.number.readable()).collect()),
        CompanyMergeField::RelationshipType => {
            page.t(&choice_key("relationship", f.relationship_type.as_str()))
        }
        CompanyMergeField::ServiceTier => text(&f.service_tier),
        CompanyMergeField::OwnerId => {
            users.iter().find(|u| Some(u.id) == f.owner_id).map(|u| u.name().to_owned()).unwrap_or_default()
        }
        CompanyMergeField::CustomFields => {
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
    let pair = state.app.company_pair(&visitor.actor, id).await?;
    let first = state.app.get::<Companies>(&visitor.actor, pair.first_id).await?;
    let second = state.app.get::<Companies>(&visitor.actor, pair.second_id).await?;
    let users = state.app.colleagues(&visitor.actor).await?;
    let page = Chrome::new(visitor, "companies");
    let rows = CompanyMergeField::ALL
        .into_iter()
        .map(|field| {
            let (a, b) = (value(&page, &first, field, &users), value(&page, &second, field, &users));
            Row {
                key: field.as_str(),
                label: page.t(&format!("merge-field-{}", field.as_str())),
                keep_second: a.is_empty() && !b.is_empty(),
                both_kept: matches!(
                    field,
                    CompanyMergeField::Addresses
                        | CompanyMergeField::Phones
                        | CompanyMergeField::CustomFields
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
        for kin in state.app.company_duplicates_of(&visitor.actor, compared.id).await? {
            let other = if kin.first_id == compared.id { kin.second_id } else { kin.first_id };
            if kin.id == pair.id {
                continue;
            }
            if let Ok(other) = state.app.get::<Companies>(&visitor.actor, other).await {
                let compare = format!("{}/{}", Pairs::Companies.base(), kin.id);
                group.push(Kin {
                    of: compared.fields.name.clone(),
                    name: named(&other),
                    score: kin.score,
                    compare,
                });
            }
        }
    }
    Ok(ComparePage {
        of: Pairs::Companies,
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

/// Merges the pair as the comparison's form chose: which company stays, and for each field
/// which side's value it keeps.
async fn merge(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let pair = state.app.company_pair(&visitor.actor, id).await?;
    let keep_second = form.fields.get("survivor") == Some("second");
    let (survivor_id, merged_id) =
        if keep_second { (pair.second_id, pair.first_id) } else { (pair.first_id, pair.second_id) };
    let merged_side = if keep_second { "first" } else { "second" };
    let take_from_merged = CompanyMergeField::ALL
        .into_iter()
        .filter(|field| form.fields.get(&format!("take.{}", field.as_str())) == Some(merged_side))
        .collect();
    let request = CompanyMergeRequest { survivor_id, merged_id, take_from_merged };
    match state.app.merge_companies(&visitor.actor, &request).await {
        Ok(merge) => Ok(redirect(&format!("/company-merges/{}", merge.id), false)),
        Err(AppError::Validation(errors)) => {
            let page = compare_page(&state, visitor, id, Some(visitor.lang.messages(&errors))).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn merge_page(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OperationId>,
) -> Result<Response, PageError> {
    let merge = state.app.company_merge(&visitor.actor, id).await?;
    let page = Chrome::new(&visitor, "companies");
    let survivor =
        state.app.get::<Companies>(&visitor.actor, merge.survivor_id).await.ok().map(|c| named(&c));
    let merged_name = serde_json::from_value::<Company>(merge.merged_record.clone())
        .map(|c| c.fields.name)
        .unwrap_or_default();
    Ok(render(&MergePage {
        of: Pairs::Companies,
        merge_id: merge.id,
        merged_id: merge.merged_id.0,
        survivor_left_alone: merge.survivor_left_alone,
        when: page.datetime(&merge.merged_at),
        undone_when: merge.undone_at.map(|at| page.datetime(&at)),
        may_undo: merge.undone_at.is_none()
            && (merge.merged_by == Some(visitor.actor.user_id) || visitor.actor.is_admin()),
        merged_name,
        survivor,
        moved: moved(&page, &merge.moved),
        page,
    }))
}

async fn undo(
    State(state): State<AppState>,
    PagePath(id): PagePath<OperationId>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.undo_company_merge(&form.visitor.actor, id).await?;
    Ok(redirect(&format!("/company-merges/{id}"), false))
}
