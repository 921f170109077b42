//! Changing many records as one operation: what to do, and to which records (listed by id,
//! or every record a list's filters choose).

use crate::ids::{OperationId, UserId};
use crate::listing::{ListQuery, MAX_LIMIT};
use crate::tags::MAX_TAG_LENGTH;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most records a request may name by id; more are chosen by a filter.
pub const MAX_BULK_IDS: usize = 1000;
/// How many records a bulk change reads and writes at a time.
pub const BULK_BATCH: u32 = MAX_LIMIT;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkActionName {
    Assign,
    Tag,
    Untag,
    Delete,
}

impl BulkActionName {
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Assign, Self::Tag, Self::Untag, Self::Delete].into_iter().find(|a| a.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::Tag => "tag",
            Self::Untag => "untag",
            Self::Delete => "delete",
        }
    }
}

/// A bulk change as a client sends it.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkActionName,
    /// The new owner, for `assign`.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// The tag to add or remove, for `tag` and `untag`.
    #[serde(default)]
    pub tag: Option<String>,
    /// The records to change, at most 1,000. Give either `ids` or `filter`.
    #[serde(default)]
    pub ids: Option<Vec<Uuid>>,
    /// A list's query string, such as `filter[city]=Lyon&filter[tags]=salon`: every record the
    /// list would show is changed, however many pages it has.
    #[serde(default)]
    pub filter: Option<String>,
}

/// What to do to each record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkAction {
    Assign(UserId),
    Tag(String),
    Untag(String),
    Delete,
}

/// Which records.
#[derive(Clone, Debug)]
pub enum Selection {
    Ids(Vec<Uuid>),
    Query(ListQuery),
}

impl BulkRequest {
    pub fn validate(self) -> Result<(BulkAction, Selection), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let action = match self.action {
            BulkActionName::Assign => match self.owner_id {
                Some(owner) => Some(BulkAction::Assign(owner)),
                None => {
                    errors.add("owner_id", "is required to assign");
                    None
                }
            },
            BulkActionName::Tag | BulkActionName::Untag => {
                match self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    None => {
                        errors.add("tag", "is required");
                        None
                    }
                    Some(tag) if tag.chars().count() > MAX_TAG_LENGTH => {
                        errors.add("tag", format!("must be at most {MAX_TAG_LENGTH} characters"));
                        None
                    }
                    Some(tag) if self.action == BulkActionName::Tag => Some(BulkAction::Tag(tag.to_owned())),
                    Some(tag) => Some(BulkAction::Untag(tag.to_owned())),
                }
            }
            BulkActionName::Delete => Some(BulkAction::Delete),
        };
        let selection = match (self.ids, self.filter) {
            (Some(_), Some(_)) => {
                errors.add("ids", "give either ids or filter, not both");
                None
            }
            (None, None) => {
                errors.add("ids", "give the records' ids, or a filter choosing them");
                None
            }
            (Some(ids), None) if ids.is_empty() => {
                errors.add("ids", "must name at least one record");
                None
            }
            (Some(ids), None) if ids.len() > MAX_BULK_IDS => {
                errors.add("ids", format!("at most {MAX_BULK_IDS}; choose more with a filter"));
                None
            }
            (Some(mut ids), None) => {
                ids.sort_unstable();
                ids.dedup();
                Some(Selection::Ids(ids))
            }
            // A filter's errors name its parameter (`filter[city][near]`), as the list's do.
            (None, Some(filter)) => match filter_query(&filter) {
                Ok(query) => Some(Selection::Query(query)),
                Err(filter_errors) => {
                    errors.0.extend(filter_errors.0);
                    None
                }
            },
        };
        errors.into_result()?;
        match (action, selection) {
            (Some(action), Some(selection)) => Ok((action, selection)),
            _ => Err(ValidationErrors::single("action", "is incomplete")),
        }
    }
}

/// A list's query string as the records a bulk change walks through: its filters and search,
/// in creation order (a column the change cannot move, so no record is met twice), a batch at
/// a time. The list's own sort and page do not matter.
fn filter_query(filter: &str) -> Result<ListQuery, ValidationErrors> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(filter.trim_start_matches('?').as_bytes())
        .into_owned()
        .filter(|(key, _)| !matches!(key.as_str(), "sort" | "cursor" | "limit" | "columns" | "view"))
        .collect();
    let mut query = ListQuery::parse(&pairs, &[])?;
    query.limit = BULK_BATCH;
    Ok(query)
}

/// What a bulk change did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    /// Written on the audit entry of every change made, to review the operation as a whole.
    pub operation_id: OperationId,
    /// How many records were changed (or deleted).
    pub changed: u64,
    /// Records left as they were because they already were so (already tagged, already
    /// owned by the new owner).
    pub unchanged: u64,
    /// Records left alone: the caller may not change them, or the change would make them
    /// invalid (a hundred tags already).
    pub refused: u64,
    /// The first hundred of them.
    pub refused_ids: Vec<Uuid>,
    /// Ids that name no record of this kind.
    pub not_found: Vec<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> Result<(BulkAction, Selection), ValidationErrors> {
        serde_json::from_value::<BulkRequest>(json)
            .map_err(|e| ValidationErrors::single("body", e.to_string()))?
            .validate()
    }

    #[test]
    fn an_action_needs_its_argument_and_one_selection() {
        let errors = request(serde_json::json!({"action": "assign", "ids": []})).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["owner_id", "ids"]);
        let errors = request(serde_json::json!({"action": "tag", "tag": " ", "filter": "filter[city]=Lyon"}))
            .expect_err("refused");
        assert_eq!(errors.0[0].field, "tag");
        assert!(
            request(serde_json::json!({"action": "delete", "ids": [Uuid::nil()], "filter": ""})).is_err()
        );
    }

    #[test]
    fn a_filter_walks_in_creation_order_whatever_the_list_sorted_by() {
        let (action, selection) =
            request(serde_json::json!({"action": "untag", "tag": " salon ", "filter": "?filter[city]=Lyon&sort=-updated_at&cursor=x"})).expect("accepted");
        assert_eq!(action, BulkAction::Untag("salon".to_owned()));
        let Selection::Query(query) = selection else { panic!("a filter selects by query") };
        assert_eq!((query.sort, query.cursor, query.limit), (None, None, BULK_BATCH));
        assert_eq!(query.filters.len(), 1);
    }

    #[test]
    fn a_bad_filter_names_its_parameter() {
        let errors = request(serde_json::json!({"action": "delete", "filter": "filter[city][near]=Lyon"}))
            .expect_err("refused");
        assert_eq!(errors.0[0].field, "filter[city][near]", "{errors:?}");
    }
}
