//! The language of list requests: `limit`, `cursor`, `sort`, `q` and
//! `filter[<field>][<op>]=<value>`. Which fields exist is each area's business; this module
//! only reads the syntax.

use crate::validation::ValidationErrors;

/// One page of a list, and where the next one starts.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass back as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// How many records a list matches. Counting stops at [`COUNT_CAP`]: past it, a count says so,
/// with the table's estimated size when nothing narrows the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    /// More than this many.
    MoreThan(u64),
    /// About this many: the engine's own estimate of the table's size.
    About(u64),
}

/// Where counting stops, time allowing.
pub const COUNT_CAP: u64 = 10_000;

impl Count {
    /// A count from `found` matches of a count capped at `cap`; `estimate` is the table's
    /// estimated size, for a list that nothing narrows.
    pub fn capped(found: u64, cap: u64, estimate: Option<u64>) -> Count {
        match estimate {
            _ if found <= cap => Count::Exact(found),
            Some(about) if about > cap => Count::About(about),
            _ => Count::MoreThan(cap),
        }
    }
}

impl Count {
    /// Whether more records match than the `shown` ones.
    pub fn exceeds(self, shown: usize) -> bool {
        match self {
            Count::Exact(n) => n > shown as u64,
            Count::MoreThan(_) | Count::About(_) => true,
        }
    }

    /// Two counts together: exact only when both are.
    pub fn plus(self, other: Count) -> Count {
        let n = |count: Count| match count {
            Count::Exact(n) | Count::MoreThan(n) | Count::About(n) => n,
        };
        let total = n(self) + n(other);
        match (self, other) {
            (Count::Exact(_), Count::Exact(_)) => Count::Exact(total),
            (Count::About(_), _) | (_, Count::About(_)) => Count::About(total),
            _ => Count::MoreThan(total),
        }
    }
}

impl ListQuery {
    /// Whether the query narrows the list at all.
    pub fn narrows(&self) -> bool {
        !self.filters.is_empty() || self.q.is_some()
    }
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    Contains,
    StartsWith,
    /// Comma-separated values.
    In,
    /// `true` for empty or missing, `false` for present.
    IsEmpty,
}

impl FilterOp {
    pub const ALL: [FilterOp; 10] = [
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Lt,
        FilterOp::Lte,
        FilterOp::Gt,
        FilterOp::Gte,
        FilterOp::Contains,
        FilterOp::StartsWith,
        FilterOp::In,
        FilterOp::IsEmpty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Lt => "lt",
            FilterOp::Lte => "lte",
            FilterOp::Gt => "gt",
            FilterOp::Gte => "gte",
            FilterOp::Contains => "contains",
            FilterOp::StartsWith => "starts-with",
            FilterOp::In => "in",
            FilterOp::IsEmpty => "is-empty",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// A built-in field name, or `cf.<key>` for a custom field.
    pub field: String,
    pub op: FilterOp,
    pub value: String,
}

impl Filter {
    /// How the filter is named in error messages, matching the query string.
    pub fn param_name(&self) -> String {
        format!("filter[{}][{}]", self.field, self.op.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
    /// For a closed set: its codes in the order to sort by (their labels' alphabetical order
    /// in the reader's language); empty for the codes' own order.
    pub order: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub cursor: Option<String>,
    pub sort: Option<SortKey>,
    pub filters: Vec<Filter>,
    pub q: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self { limit: DEFAULT_LIMIT, cursor: None, sort: None, filters: Vec::new(), q: None }
    }
}

/// Splits `filter[a][b]` into `("a", Some("b"))`, `filter[a]` into `("a", None)`.
fn filter_key(key: &str) -> Option<(&str, Option<&str>)> {
    let rest = key.strip_prefix("filter[")?;
    let (field, rest) = rest.split_once(']')?;
    if rest.is_empty() {
        return Some((field, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some((field, Some(op)))
}

/// A page size a client asked for: a whole number from 1 to [`MAX_LIMIT`].
pub fn parse_limit(raw: &str) -> Result<u32, String> {
    match raw.parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_LIMIT}")),
    }
}

impl ListQuery {
    /// Reads decoded query-string pairs. `extra` names parameters the caller handles itself.
    pub fn parse(pairs: &[(String, String)], extra: &[&str]) -> Result<Self, ValidationErrors> {
        let mut query = ListQuery::default();
        let mut errors = ValidationErrors::new();
        for (key, value) in pairs {
            match key.as_str() {
                "limit" => match parse_limit(value) {
                    Ok(n) => query.limit = n,
                    Err(message) => errors.add("limit", message),
                },
                "cursor" if !value.is_empty() => query.cursor = Some(value.clone()),
                "cursor" => {}
                "q" => query.q = Some(value.trim().to_owned()).filter(|q| !q.is_empty()),
                "sort" => {
                    let (field, descending) = match value.strip_prefix('-') {
                        Some(field) => (field, true),
                        None => (value.as_str(), false),
                    };
                    if field.is_empty() {
                        errors.add("sort", "names a field, optionally prefixed by - for descending order");
                    } else {
                        query.sort = Some(SortKey { field: field.to_owned(), descending, order: vec![] });
                    }
                }
                other if extra.contains(&other) => {}
                other => match filter_key(other) {
                    Some((field, op)) => {
                        let op_name = op.unwrap_or("eq");
                        match FilterOp::parse(op_name) {
                            Some(op) => query.filters.push(Filter {
                                field: field.to_owned(),
                                op,
                                value: value.clone(),
                            }),
                            None => errors.add(
                                other,
                                format!(
                                    "unknown operator {op_name}; use one of {}",
                                    FilterOp::ALL.map(FilterOp::as_str).join(", ")
                                ),
                            ),
                        }
                    }
                    None => errors.add(other, "is not a parameter of this list"),
                },
            }
        }
        errors.into_result()?;
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_past_the_cap_say_so() {
        assert_eq!(Count::capped(147, 10_000, None), Count::Exact(147));
        assert_eq!(Count::capped(10_000, 10_000, Some(1_000_000)), Count::Exact(10_000));
        assert_eq!(Count::capped(10_001, 10_000, None), Count::MoreThan(10_000));
        assert_eq!(Count::capped(10_001, 10_000, Some(1_000_000)), Count::About(1_000_000));
        assert_eq!(Count::capped(10_001, 10_000, Some(9_000)), Count::MoreThan(10_000), "stale statistics");
    }

    #[test]
    fn counts_add_up_and_stay_honest() {
        assert_eq!(Count::Exact(3).plus(Count::Exact(4)), Count::Exact(7));
        assert_eq!(Count::Exact(250).plus(Count::MoreThan(1_000)), Count::MoreThan(1_250));
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn reads_filters_sort_and_paging() {
        let query = ListQuery::parse(
            &pairs(&[
                ("limit", "10"),
                ("sort", "-cf.budget"),
                ("filter[city]", "Lyon"),
                ("filter[lifecycle_stage][in]", "lead,customer"),
                ("q", " dup "),
            ]),
            &[],
        )
        .expect("valid");
        assert_eq!(query.limit, 10);
        assert_eq!(
            query.sort,
            Some(SortKey { field: "cf.budget".to_owned(), descending: true, order: vec![] })
        );
        assert_eq!(
            query.filters[0],
            Filter { field: "city".to_owned(), op: FilterOp::Eq, value: "Lyon".to_owned() }
        );
        assert_eq!(query.filters[1].op, FilterOp::In);
        assert_eq!(query.q.as_deref(), Some("dup"));
    }

    #[test]
    fn mistakes_name_the_parameter() {
        let errors =
            ListQuery::parse(&pairs(&[("limit", "0"), ("filter[x][like]", "a"), ("colour", "red")]), &[])
                .expect_err("invalid");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "filter[x][like]", "colour"]);
    }
}
