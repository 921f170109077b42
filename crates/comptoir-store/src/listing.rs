//! Lists with filters, sort and keyset pagination, for any area. Each area declares its
//! columns in a [`Catalog`]; this module turns a [`ListQuery`] into SQL against it.
//!
//! Pagination is by keyset (the last row's sort value and id, in an opaque cursor), so pages
//! stay stable while rows are inserted and deep pages cost what the first one does.

use crate::db::Dialect;
use crate::sql::{Bind, Sql};
use crate::text_match::{self, Anchor, Probe};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use comptoir_domain::listing::{Filter, FilterOp, ListQuery};
use comptoir_domain::search::query_terms;
use comptoir_domain::validation::ValidationErrors;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub use comptoir_domain::listing::Page;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text: equality ignores case, sorting too.
    Text,
    /// A code from a closed set, stored in one canonical form (`customer`, `FR`): compared
    /// exactly, so its index serves an equality.
    Key,
    Id,
    Timestamp,
    Int,
    Bool,
    /// A JSON array of strings; filters test membership.
    Tags,
}

#[derive(Debug)]
pub struct Column {
    /// The name clients use in `sort` and `filter[…]`.
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: ColumnKind,
    pub nullable: bool,
    /// Where the value sits in the record's JSON, to write the next cursor.
    pub pointer: &'static str,
}

pub const fn column(
    name: &'static str,
    sql: &'static str,
    kind: ColumnKind,
    nullable: bool,
    pointer: &'static str,
) -> Column {
    Column { name, sql, kind, nullable, pointer }
}

#[derive(Debug)]
pub struct Catalog {
    pub columns: &'static [Column],
    /// The id column, the tie-breaker of every order.
    pub id_sql: &'static str,
    /// The JSON column holding custom field values, when the area has them.
    pub custom_sql: Option<&'static str>,
    pub default_sort: &'static str,
    pub default_descending: bool,
    pub search: Option<Search>,
    /// Columns with an index in `(column, id)` order, which a sort reads instead of sorting.
    pub sort_indexes: &'static [&'static str],
    /// Columns whose values each match a large share of rows (stage, city, country…).
    pub broad_filters: &'static [&'static str],
    /// Broad filters with an index in `(column, created_at)` order: an equality on one, sorted
    /// by creation, reads its matches from that index already in order.
    pub creation_ordered: &'static [&'static str],
}

/// How an area's full-text index is reached on each engine.
#[derive(Debug)]
pub struct Search {
    /// `seq IN (SELECT rowid FROM <fts> WHERE <fts> MATCH $n)` on SQLite.
    pub sqlite: &'static str,
    /// `<tsvector> @@ to_tsquery('simple', $n)` on PostgreSQL.
    pub postgres: &'static str,
    /// On SQLite, search results come in rowid order, newest first: the index hands matches
    /// over in that order, so one page costs one page. The rowid column…
    pub sqlite_rowid: &'static str,
    /// …and the rowid a cursor's id stands for, as three fragments around two placeholders for
    /// that id: the row's own rowid, or, when the row was deleted since the page was read, the
    /// rowid of the next newer row by id.
    pub sqlite_rowid_of: [&'static str; 3],
}

/// What a filter or sort applies to: a built-in column or a custom field; or, for a sort only,
/// a closed set's column in a given order of its codes (their labels' order in a language).
enum Target<'a> {
    Column(&'static Column),
    Custom(&'a CustomFieldDefinition),
    Ranked(&'static Column, &'a [String]),
}

/// The value kind a custom field compares as.
fn custom_kind(definition: &CustomFieldDefinition) -> ValueKind {
    match definition.field_type {
        FieldType::Number | FieldType::Currency => ValueKind::Float,
        FieldType::Bool => ValueKind::Bool,
        _ => ValueKind::Text,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueKind {
    Text,
    Id,
    Timestamp,
    Int,
    Float,
    Bool,
}

impl Target<'_> {
    fn kind(&self) -> ValueKind {
        match self {
            Target::Ranked(..) => ValueKind::Text,
            Target::Column(c) => match c.kind {
                ColumnKind::Text | ColumnKind::Key | ColumnKind::Tags => ValueKind::Text,
                ColumnKind::Id => ValueKind::Id,
                ColumnKind::Timestamp => ValueKind::Timestamp,
                ColumnKind::Int => ValueKind::Int,
                ColumnKind::Bool => ValueKind::Bool,
            },
            Target::Custom(d) => custom_kind(d),
        }
    }

    fn is_list(&self) -> bool {
        match self {
            Target::Column(c) => c.kind == ColumnKind::Tags,
            Target::Custom(d) => d.field_type == FieldType::MultiSelect,
            Target::Ranked(..) => false,
        }
    }

    /// Whether an equality on this target ignores case: free text, built in or custom.
    fn compares_folded(&self) -> bool {
        match self {
            Target::Column(c) => c.kind == ColumnKind::Text,
            Target::Custom(d) => custom_kind(d) == ValueKind::Text,
            Target::Ranked(..) => false,
        }
    }

    /// Whether the list sorts this target by its lowered text (see `Catalog::push_sort_expr`).
    fn sorts_folded(&self) -> bool {
        matches!(self, Target::Column(c) if c.kind == ColumnKind::Text)
    }

    fn nullable(&self) -> bool {
        match self {
            Target::Column(c) | Target::Ranked(c, _) => c.nullable,
            Target::Custom(_) => true,
        }
    }

    fn pointer(&self) -> String {
        match self {
            Target::Column(c) | Target::Ranked(c, _) => c.pointer.to_owned(),
            Target::Custom(d) if d.field_type == FieldType::Currency => {
                format!("/custom_fields/{}/amount", d.key)
            }
            Target::Custom(d) => format!("/custom_fields/{}", d.key),
        }
    }
}

impl Catalog {
    fn resolve<'a>(&'static self, name: &str, custom: &'a [CustomFieldDefinition]) -> Option<Target<'a>> {
        if let Some(key) = name.strip_prefix("cf.") {
            self.custom_sql?;
            return custom.iter().find(|d| d.key == key).map(Target::Custom);
        }
        self.columns.iter().find(|c| c.name == name).map(Target::Column)
    }

    fn field_names(&self) -> String {
        let mut names: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        if self.custom_sql.is_some() {
            names.push("cf.<key>");
        }
        names.join(", ")
    }

    /// Appends the expression a list sorts `target` by: text columns without regard to case,
    /// in code-point order on both engines (`COLLATE "C"` on PostgreSQL, whatever the
    /// database's collation), so a page is the same on either and an index on the lowered
    /// column serves the sort and a `starts-with` on it together.
    fn push_sort_expr(&self, sql: &mut Sql, dialect: Dialect, target: &Target<'_>) {
        if !target.sorts_folded() {
            self.push_expr(sql, dialect, target);
            return;
        }
        sql.push("lower(");
        self.push_expr(sql, dialect, target);
        sql.push(fold_end(dialect));
    }

    /// Appends the expression for `target`, converted so it compares as its kind.
    fn push_expr(&self, sql: &mut Sql, dialect: Dialect, target: &Target<'_>) {
        match target {
            Target::Column(c) => {
                sql.push(c.sql);
            }
            Target::Custom(definition) => {
                let column = self.custom_sql.unwrap_or("custom_fields");
                push_custom_expr(sql, dialect, column, definition);
            }
            Target::Ranked(c, order) => {
                sql.push("(CASE ").push(c.sql);
                for (rank, code) in order.iter().enumerate() {
                    sql.push(" WHEN ").bind(Bind::Text(code.clone())).push(" THEN ");
                    sql.bind(Bind::Int(rank as i64));
                }
                sql.push(" ELSE ").bind(Bind::Int(order.len() as i64)).push(" END)");
            }
        }
    }
}

/// A custom value as its definition's type, or NULL when the stored JSON has another type:
/// a value written under an earlier definition of the same key never reaches a cast that
/// would fail the whole query, and never compares as something it is not.
fn push_custom_expr(
    sql: &mut Sql,
    dialect: Dialect,
    column: &'static str,
    definition: &CustomFieldDefinition,
) {
    let key = definition.key.clone();
    match (dialect, definition.field_type) {
        (Dialect::Sqlite, FieldType::Currency) => {
            let path = format!("$.\"{key}\".amount");
            sql.push("(CASE WHEN json_type(").push(column).push(", ").bind(Bind::Text(path.clone()));
            sql.push(") = 'text' THEN CAST(json_extract(").push(column).push(", ");
            sql.bind(Bind::Text(path)).push(") AS REAL) END)");
        }
        (Dialect::Sqlite, field_type) => {
            let path = format!("$.\"{key}\"");
            sql.push("(CASE WHEN json_type(").push(column).push(", ").bind(Bind::Text(path.clone()));
            sql.push(match field_type {
                FieldType::Number => ") IN ('integer', 'real')",
                FieldType::Bool => ") IN ('true', 'false')",
                FieldType::MultiSelect => ") = 'array'",
                _ => ") = 'text'",
            });
            sql.push(" THEN json_extract(").push(column).push(", ").bind(Bind::Text(path)).push(") END)");
        }
        (Dialect::Postgres, FieldType::Number) => {
            sql.push("(CASE WHEN jsonb_typeof(").push(column).push(" -> ").bind(Bind::Text(key.clone()));
            sql.push(") = 'number' THEN CAST(").push(column).push(" ->> ");
            sql.bind(Bind::Text(key)).push(" AS DOUBLE PRECISION) END)");
        }
        (Dialect::Postgres, FieldType::Currency) => {
            sql.push("(CASE WHEN (").push(column).push(" -> ").bind(Bind::Text(key.clone()));
            sql.push(" ->> 'amount') ~ '^-?[0-9]+([.][0-9]+)?$' THEN CAST(").push(column).push(" -> ");
            sql.bind(Bind::Text(key)).push(" ->> 'amount' AS DOUBLE PRECISION) END)");
        }
        (Dialect::Postgres, FieldType::Bool) => {
            sql.push("(CASE WHEN jsonb_typeof(").push(column).push(" -> ").bind(Bind::Text(key.clone()));
            sql.push(") = 'boolean' THEN CAST(").push(column).push(" ->> ");
            sql.bind(Bind::Text(key)).push(" AS BOOLEAN) END)");
        }
        (Dialect::Postgres, _) => {
            sql.push("(CASE WHEN jsonb_typeof(").push(column).push(" -> ").bind(Bind::Text(key.clone()));
            sql.push(") = 'string' THEN ").push(column).push(" ->> ").bind(Bind::Text(key)).push(" END)");
        }
    }
}

/// Tests whether the JSON list at `target` holds `value`.
fn push_membership(sql: &mut Sql, dialect: Dialect, catalog: &Catalog, target: &Target<'_>, value: String) {
    match (dialect, target) {
        (Dialect::Sqlite, Target::Column(c) | Target::Ranked(c, _)) => {
            sql.push("EXISTS (SELECT 1 FROM json_each(").push(c.sql).push(") WHERE value = ");
            sql.bind(Bind::Text(value)).push(")");
        }
        (Dialect::Sqlite, Target::Custom(d)) => {
            sql.push("EXISTS (SELECT 1 FROM json_each(").push(catalog.custom_sql.unwrap_or("custom_fields"));
            sql.push(", ").bind(Bind::Text(format!("$.\"{}\"", d.key))).push(") WHERE value = ");
            sql.bind(Bind::Text(value)).push(")");
        }
        (Dialect::Postgres, Target::Column(c) | Target::Ranked(c, _)) => {
            sql.push("(").push(c.sql).push(" @> jsonb_build_array(CAST(");
            sql.bind(Bind::Text(value)).push(" AS TEXT)))");
        }
        (Dialect::Postgres, Target::Custom(d)) => {
            sql.push("(COALESCE(").push(catalog.custom_sql.unwrap_or("custom_fields")).push(" -> ");
            sql.bind(Bind::Text(d.key.clone())).push(", '[]'::jsonb) @> jsonb_build_array(CAST(");
            sql.bind(Bind::Text(value)).push(" AS TEXT)))");
        }
    }
}

fn push_list_empty(sql: &mut Sql, dialect: Dialect, catalog: &Catalog, target: &Target<'_>) {
    match (dialect, target) {
        (Dialect::Sqlite, Target::Column(c) | Target::Ranked(c, _)) => {
            sql.push("COALESCE(json_array_length(").push(c.sql).push("), 0) = 0");
        }
        (Dialect::Sqlite, Target::Custom(d)) => {
            sql.push("COALESCE(json_array_length(").push(catalog.custom_sql.unwrap_or("custom_fields"));
            sql.push(", ").bind(Bind::Text(format!("$.\"{}\"", d.key))).push("), 0) = 0");
        }
        (Dialect::Postgres, Target::Column(c) | Target::Ranked(c, _)) => {
            sql.push("COALESCE(jsonb_array_length(").push(c.sql).push("), 0) = 0");
        }
        (Dialect::Postgres, Target::Custom(d)) => {
            // jsonb_array_length fails on anything but an array; a value of another type counts
            // as no list at all.
            let column = catalog.custom_sql.unwrap_or("custom_fields");
            sql.push("(CASE WHEN jsonb_typeof(").push(column).push(" -> ").bind(Bind::Text(d.key.clone()));
            sql.push(") = 'array' THEN jsonb_array_length(").push(column).push(" -> ");
            sql.bind(Bind::Text(d.key.clone())).push(") ELSE 0 END) = 0");
        }
    }
}

fn parse_value(kind: ValueKind, raw: &str) -> Result<Bind, String> {
    let raw = raw.trim();
    match kind {
        ValueKind::Text => Ok(Bind::Text(raw.to_owned())),
        ValueKind::Id => Uuid::parse_str(raw).map(Bind::Uuid).map_err(|_| "must be an id (UUID)".to_owned()),
        ValueKind::Timestamp => parse_time(raw)
            .map(Bind::Time)
            .ok_or_else(|| "must be a date (2026-01-31) or an RFC 3339 timestamp".to_owned()),
        ValueKind::Int => raw.parse().map(Bind::Int).map_err(|_| "must be a whole number".to_owned()),
        ValueKind::Float => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Bind::Float)
            .ok_or_else(|| "must be a number".to_owned()),
        ValueKind::Bool => match raw {
            "true" => Ok(Bind::Bool(true)),
            "false" => Ok(Bind::Bool(false)),
            _ => Err("must be true or false".to_owned()),
        },
    }
}

fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

/// What closes a `lower(` opened around a sorted text: its collation on PostgreSQL.
fn fold_end(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => ")",
        Dialect::Postgres => ") COLLATE \"C\"",
    }
}

/// A sort value as its target sorts: lowered, for folded text.
fn push_sort_value(sql: &mut Sql, dialect: Dialect, target: &Target<'_>, value: Bind) {
    if let (Target::Ranked(_, order), Bind::Text(code)) = (target, &value) {
        let rank = order.iter().position(|c| c == code).unwrap_or(order.len());
        sql.bind(Bind::Int(rank as i64));
    } else if target.sorts_folded() {
        sql.push("lower(").bind(value).push(fold_end(dialect));
    } else {
        sql.bind(value);
    }
}

/// The first text after every text that starts with `prefix`, in code-point order: the
/// prefix with its last character moved one up. `None` when there is no such character.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
fn like_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn push_filter(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &Catalog,
    target: &Target<'_>,
    filter: &Filter,
    walk_sort_index: bool,
) -> Result<(), String> {
    let kind = target.kind();
    let walked = walk_sort_index
        && dialect == Dialect::Sqlite
        && matches!(target, Target::Column(column) if catalog.broad_filters.contains(&column.name));
    if walked {
        // SQLite's planner would fetch every row of a broad filter through its index and sort
        // them all; a unary `+` keeps it on the sort column's index, which finds one page of
        // matches after reading a few hundred entries. PostgreSQL weighs this from statistics.
        sql.push("+");
    }
    if target.is_list() {
        match filter.op {
            FilterOp::Eq | FilterOp::Contains => {
                push_membership(sql, dialect, catalog, target, filter.value.trim().to_owned())
            }
            FilterOp::Ne => {
                sql.push("NOT ");
                push_membership(sql, dialect, catalog, target, filter.value.trim().to_owned());
            }
            FilterOp::In => {
                sql.push("(");
                for (i, value) in split_list(&filter.value).into_iter().enumerate() {
                    if i > 0 {
                        sql.push(" OR ");
                    }
                    push_membership(sql, dialect, catalog, target, value);
                }
                sql.push(")");
            }
            FilterOp::IsEmpty => {
                let empty = parse_value(ValueKind::Bool, &filter.value)? == Bind::Bool(true);
                if !empty {
                    sql.push("NOT ");
                }
                push_list_empty(sql, dialect, catalog, target);
            }
            _ => return Err("lists support eq, ne, contains, in and is-empty".to_owned()),
        }
        return Ok(());
    }
    match filter.op {
        FilterOp::Eq | FilterOp::Ne | FilterOp::In if target.compares_folded() => {
            push_folded_equality(sql, dialect, catalog, target, filter, !walked)?;
        }
        FilterOp::Eq | FilterOp::Lt | FilterOp::Lte | FilterOp::Gt | FilterOp::Gte => {
            let value = parse_value(kind, &filter.value)?;
            sql.push("(");
            catalog.push_expr(sql, dialect, target);
            sql.push(match filter.op {
                FilterOp::Eq => " = ",
                FilterOp::Lt => " < ",
                FilterOp::Lte => " <= ",
                FilterOp::Gt => " > ",
                _ => " >= ",
            });
            sql.bind(value).push(")");
        }
        FilterOp::Ne => {
            let value = parse_value(kind, &filter.value)?;
            sql.push("(");
            catalog.push_expr(sql, dialect, target);
            sql.push(" IS NULL OR ");
            catalog.push_expr(sql, dialect, target);
            sql.push(" <> ").bind(value).push(")");
        }
        FilterOp::Contains | FilterOp::StartsWith => {
            if kind != ValueKind::Text {
                return Err("contains and starts-with apply to text fields".to_owned());
            }
            let anchor = if filter.op == FilterOp::Contains { Anchor::Anywhere } else { Anchor::Start };
            push_text_match(sql, dialect, catalog, target, filter.value.trim(), anchor, !walked);
        }
        FilterOp::In => {
            let values = split_list(&filter.value);
            if values.is_empty() {
                return Err("needs at least one value, separated by commas".to_owned());
            }
            sql.push("(");
            catalog.push_expr(sql, dialect, target);
            sql.push(" IN (");
            for (i, raw) in values.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(parse_value(kind, raw)?);
            }
            sql.push("))");
        }
        FilterOp::IsEmpty => {
            let empty = parse_value(ValueKind::Bool, &filter.value)? == Bind::Bool(true);
            sql.push(if empty { "(" } else { "NOT (" });
            catalog.push_expr(sql, dialect, target);
            sql.push(" IS NULL");
            if kind == ValueKind::Text {
                sql.push(" OR ");
                catalog.push_expr(sql, dialect, target);
                sql.push(" = ''");
            }
            sql.push(")");
        }
    }
    Ok(())
}

/// `eq`, `ne` and `in` on free text, without regard to case or accents.
fn push_folded_equality(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &Catalog,
    target: &Target<'_>,
    filter: &Filter,
    use_index: bool,
) -> Result<(), String> {
    let values = match filter.op {
        FilterOp::In => split_list(&filter.value),
        _ => vec![filter.value.trim().to_owned()],
    };
    if values.is_empty() {
        return Err("needs at least one value, separated by commas".to_owned());
    }
    sql.push("(");
    if filter.op == FilterOp::Ne {
        catalog.push_expr(sql, dialect, target);
        sql.push(" IS NULL OR NOT ");
    }
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        push_text_match(sql, dialect, catalog, target, value, Anchor::Whole, use_index);
    }
    sql.push(")");
    Ok(())
}

/// One free-text test without regard to case or accents (see `crate::text_match`). A whole or
/// leading match on a column goes through the lowered column's index (unless `use_index` is
/// false: the list walks another index and tests each row it reads, for which the pattern alone
/// is cheaper): the text typed without accents by the index alone, the few values with an
/// accented form of a typed letter each by a range then the pattern.
fn push_text_match(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &Catalog,
    target: &Target<'_>,
    typed: &str,
    anchor: Anchor,
    use_index: bool,
) {
    let probes = if use_index && target.sorts_folded() { text_match::probes(typed, anchor) } else { None };
    let Some(probes) = probes else {
        push_pattern_test(sql, dialect, catalog, target, typed, anchor);
        return;
    };
    sql.push("(");
    for (i, probe) in probes.into_iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        match probe {
            Probe::Equal(plain) => {
                sql.push("lower(");
                catalog.push_expr(sql, dialect, target);
                sql.push(") = lower(").bind(Bind::Text(plain)).push(")");
            }
            Probe::Prefix { start, tested } => {
                let Some(end) = prefix_end(&start) else {
                    push_pattern_test(sql, dialect, catalog, target, typed, anchor);
                    continue;
                };
                sql.push("(");
                catalog.push_sort_expr(sql, dialect, target);
                sql.push(" >= ");
                push_sort_value(sql, dialect, target, Bind::Text(start));
                sql.push(" AND ");
                catalog.push_sort_expr(sql, dialect, target);
                sql.push(" < ");
                push_sort_value(sql, dialect, target, Bind::Text(end));
                if tested {
                    sql.push(" AND ");
                    match dialect {
                        // On the lowered column, as the index holds it.
                        Dialect::Sqlite => {
                            sql.push("lower(");
                            catalog.push_expr(sql, dialect, target);
                            sql.push(") GLOB ").bind(Bind::Text(text_match::glob(typed, anchor)));
                        }
                        Dialect::Postgres => {
                            catalog.push_expr(sql, dialect, target);
                            sql.push(" ~ ").bind(Bind::Text(text_match::regex(typed, anchor)));
                        }
                    }
                }
                sql.push(")");
            }
        }
    }
    sql.push(")");
}

/// The pattern alone, on every row a scan reads.
fn push_pattern_test(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &Catalog,
    target: &Target<'_>,
    typed: &str,
    anchor: Anchor,
) {
    sql.push("(");
    match dialect {
        Dialect::Sqlite => {
            // LIKE, which ignores ASCII case, decides on values written in ASCII — most of
            // them — and the slower GLOB runs only on the others.
            let folded = like_escape(&text_match::folded(typed));
            let like = match anchor {
                Anchor::Whole => folded,
                Anchor::Start => format!("{folded}%"),
                Anchor::Anywhere => format!("%{folded}%"),
            };
            catalog.push_expr(sql, dialect, target);
            sql.push(" LIKE ").bind(Bind::Text(like)).push(" ESCAPE '\\' OR (");
            catalog.push_expr(sql, dialect, target);
            sql.push(" GLOB ").bind(Bind::Text("*[^\u{1}-\u{7f}]*".to_owned())).push(" AND ");
            catalog.push_expr(sql, dialect, target);
            sql.push(" GLOB ").bind(Bind::Text(text_match::glob(typed, anchor))).push(")");
        }
        Dialect::Postgres => {
            catalog.push_expr(sql, dialect, target);
            sql.push(" ~ ").bind(Bind::Text(text_match::regex(typed, anchor)));
        }
    }
    sql.push(")");
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect()
}

/// The match expression for what was typed, or `None` when it holds no searchable term.
fn search_expression(dialect: Dialect, q: &str) -> Option<String> {
    let terms = query_terms(q);
    if terms.is_empty() {
        return None;
    }
    // Terms are folded to [a-z0-9] by `query_terms`, so they cannot carry query syntax.
    Some(match dialect {
        Dialect::Sqlite => terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
        Dialect::Postgres => terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & "),
    })
}

/// What the caller needs to write the next cursor from the last row of a page.
pub struct SortPlan {
    pointer: String,
    /// A search on PostgreSQL in the default order, newest first: see `crate::fetch`.
    pub(crate) search_newest_first: bool,
}

/// Builds the rest of a list statement after `base`, which ends inside a `WHERE` clause
/// (`… WHERE TRUE` or `… WHERE x = $1`): filters, search, cursor, order and limit.
pub fn build(
    mut sql: Sql,
    dialect: Dialect,
    catalog: &'static Catalog,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<(Sql, SortPlan), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let (sort_name, descending) = match &query.sort {
        Some(sort) => (sort.field.as_str(), sort.descending),
        // Search results come newest first by id: ids are time-ordered, and walking the id
        // index stops after one page, where sorting every match would not.
        None if query.q.is_some() && catalog.search.is_some() => ("id", true),
        None => (catalog.default_sort, catalog.default_descending),
    };
    let sort_target = match catalog.resolve(sort_name, custom) {
        Some(target) if !target.is_list() => Some(target),
        Some(_) => {
            errors.add("sort", "lists cannot be sorted on");
            None
        }
        None => {
            errors.add("sort", format!("unknown field {sort_name}; use one of {}", catalog.field_names()));
            None
        }
    };
    // A closed set sorts in the order of its labels when the caller gives it.
    let sort_target = match (sort_target, &query.sort) {
        (Some(Target::Column(c)), Some(sort)) if c.kind == ColumnKind::Key && !sort.order.is_empty() => {
            Some(Target::Ranked(c, &sort.order))
        }
        (target, _) => target,
    };
    let walk_sort_index = catalog.sort_indexes.contains(&sort_name);
    let search_newest_first = push_conditions(
        &mut sql,
        dialect,
        catalog,
        query,
        custom,
        Some((sort_name, walk_sort_index)),
        &mut errors,
    );
    finish_list(search_newest_first, sql, dialect, catalog, query, sort_target, descending, errors)
}

/// Appends the filters and the search of `query` to a statement that ends inside its `WHERE`
/// clause. `sort` is the list's sort column, and whether its index serves the order; a count
/// has none. Returns whether a PostgreSQL search reads newest first (see `crate::fetch`).
fn push_conditions(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &'static Catalog,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
    sort: Option<(&str, bool)>,
    errors: &mut ValidationErrors,
) -> bool {
    let (sort_name, walk_sort_index) = sort.unwrap_or(("", false));
    for filter in &query.filters {
        let Some(target) = catalog.resolve(&filter.field, custom) else {
            errors.add(
                filter.param_name(),
                format!("unknown field {}; use one of {}", filter.field, catalog.field_names()),
            );
            continue;
        };
        sql.push(" AND ");
        let ordered_by_own_index = sort_name == "created_at"
            && filter.op == FilterOp::Eq
            && catalog.creation_ordered.contains(&filter.field.as_str());
        let walk = walk_sort_index && !ordered_by_own_index;
        if let Err(message) = push_filter(sql, dialect, catalog, &target, filter, walk) {
            errors.add(filter.param_name(), message);
        }
    }

    let mut search_newest_first = false;
    if let Some(q) = &query.q {
        match (&catalog.search, search_expression(dialect, q)) {
            (Some(search), Some(expression)) => {
                search_newest_first = dialect == Dialect::Postgres && query.sort.is_none() && sort.is_some();
                sql.push(" AND ").push(match dialect {
                    Dialect::Sqlite => search.sqlite,
                    Dialect::Postgres => search.postgres,
                });
                // The fragments end right before their placeholder.
                sql.bind(Bind::Text(expression)).push(")");
            }
            (None, _) => errors.add("q", "this list has no full-text search"),
            (Some(_), None) => {}
        }
    }
    search_newest_first
}

/// The statement that counts what a list matches, without its cap (see [`crate::count`]):
/// `base` is `SELECT count(*) FROM (SELECT 1 FROM … WHERE TRUE`.
pub fn build_count(
    mut sql: Sql,
    dialect: Dialect,
    catalog: &'static Catalog,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Sql, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    push_conditions(&mut sql, dialect, catalog, query, custom, None, &mut errors);
    errors.into_result()?;
    Ok(sql)
}

/// The order, cursor and limit of a list statement whose conditions are written.
#[expect(clippy::too_many_arguments, reason = "the parts of a list statement, handed on")]
fn finish_list(
    search_newest_first: bool,
    mut sql: Sql,
    dialect: Dialect,
    catalog: &'static Catalog,
    query: &ListQuery,
    sort_target: Option<Target<'_>>,
    descending: bool,
    mut errors: ValidationErrors,
) -> Result<(Sql, SortPlan), ValidationErrors> {
    let Some(sort_target) = sort_target else {
        return Err(errors);
    };

    // Searches without an explicit sort read newest first; SQLite by rowid (see `Search`).
    let rowid_order = match (&catalog.search, &query.q, &query.sort) {
        (Some(search), Some(_), None) if dialect == Dialect::Sqlite => Some(search),
        _ => None,
    };

    if let Some(cursor) = &query.cursor {
        match decode_cursor(cursor, sort_target.kind()) {
            Some((_, id)) if let Some(search) = rowid_order => {
                let [own, next_newer, end] = search.sqlite_rowid_of;
                sql.push(" AND ").push(search.sqlite_rowid).push(" < ").push(own);
                sql.bind(Bind::Uuid(id)).push(next_newer).bind(Bind::Uuid(id)).push(end);
            }
            Some((value, id)) => {
                sql.push(" AND ");
                push_keyset(&mut sql, dialect, catalog, &sort_target, descending, value, id);
            }
            None => {
                errors.add("cursor", "is not a cursor from this list (it may be from another sort order)")
            }
        }
    }
    errors.into_result()?;

    if let Some(search) = rowid_order {
        sql.push(" ORDER BY ").push(search.sqlite_rowid).push(" DESC LIMIT ");
        sql.bind(Bind::Int(i64::from(query.limit) + 1));
        return Ok((sql, SortPlan { pointer: sort_target.pointer(), search_newest_first }));
    }
    let direction = if descending { " DESC" } else { " ASC" };
    sql.push(" ORDER BY ");
    catalog.push_sort_expr(&mut sql, dialect, &sort_target);
    sql.push(direction);
    if sort_target.nullable() {
        sql.push(if descending { " NULLS LAST" } else { " NULLS FIRST" });
    }
    sql.push(", ").push(catalog.id_sql).push(direction);
    sql.push(" LIMIT ").bind(Bind::Int(i64::from(query.limit) + 1));
    Ok((sql, SortPlan { pointer: sort_target.pointer(), search_newest_first }))
}

/// Rows after (`value`, `id`) in the order. Nulls sort as the smallest value — first going up,
/// last going down — which is the order both engines' indexes keep them in, so a sort on an
/// indexed column reads the index instead of sorting.
fn push_keyset(
    sql: &mut Sql,
    dialect: Dialect,
    catalog: &Catalog,
    target: &Target<'_>,
    descending: bool,
    value: Option<Bind>,
    id: Uuid,
) {
    let after = if descending { " < " } else { " > " };
    match value {
        Some(value) => {
            // A plain range on the sort column first lets both engines seek the index to the
            // cursor rather than walk it from the start, which made deep pages cost as much as
            // every page before them. Nulls that follow a descending page would fall outside it,
            // so that one case goes without.
            if !(target.nullable() && descending) {
                catalog.push_sort_expr(sql, dialect, target);
                sql.push(if descending { " <= " } else { " >= " });
                push_sort_value(sql, dialect, target, value.clone());
                sql.push(" AND ");
            }
            sql.push("(");
            catalog.push_sort_expr(sql, dialect, target);
            sql.push(after);
            push_sort_value(sql, dialect, target, value.clone());
            sql.push(" OR (");
            catalog.push_sort_expr(sql, dialect, target);
            sql.push(" = ");
            push_sort_value(sql, dialect, target, value);
            sql.push(" AND ").push(catalog.id_sql).push(after);
            sql.bind(Bind::Uuid(id)).push(")");
            if target.nullable() && descending {
                sql.push(" OR ");
                catalog.push_sort_expr(sql, dialect, target);
                sql.push(" IS NULL");
            }
            sql.push(")");
        }
        None => {
            sql.push("((");
            catalog.push_sort_expr(sql, dialect, target);
            sql.push(" IS NULL AND ").push(catalog.id_sql).push(after);
            sql.bind(Bind::Uuid(id)).push(")");
            if !descending {
                sql.push(" OR ");
                catalog.push_sort_expr(sql, dialect, target);
                sql.push(" IS NOT NULL");
            }
            sql.push(")");
        }
    }
}

fn encode_cursor(value: &Value, id: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json!([value, id]).to_string())
}

fn decode_cursor(cursor: &str, kind: ValueKind) -> Option<(Option<Bind>, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let parts: Vec<Value> = serde_json::from_slice(&bytes).ok()?;
    let [value, id] = parts.as_slice() else {
        return None;
    };
    let id = Uuid::parse_str(id.as_str()?).ok()?;
    let value = match value {
        Value::Null => None,
        Value::String(s) => Some(parse_value(kind, s).ok()?),
        Value::Number(n) => Some(match kind {
            ValueKind::Int => Bind::Int(n.as_i64()?),
            ValueKind::Float => Bind::Float(n.as_f64()?),
            _ => return None,
        }),
        Value::Bool(b) if kind == ValueKind::Bool => Some(Bind::Bool(*b)),
        _ => return None,
    };
    Some((value, id))
}

/// Cuts the extra row fetched to detect a next page and writes the cursor pointing after the
/// last row kept.
pub fn paginate<T: Serialize>(mut rows: Vec<T>, limit: u32, plan: &SortPlan) -> Page<T> {
    let limit = limit as usize;
    if rows.len() <= limit {
        return Page { data: rows, next_cursor: None };
    }
    rows.truncate(limit);
    let next_cursor = rows.last().and_then(|last| serde_json::to_value(last).ok()).map(|json| {
        let value = json.pointer(&plan.pointer).cloned().unwrap_or(Value::Null);
        let id = json.get("id").cloned().unwrap_or(Value::Null);
        encode_cursor(&value, &id)
    });
    Page { data: rows, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    static CATALOG: Catalog = Catalog {
        columns: &[
            column("created_at", "t.created_at", ColumnKind::Timestamp, false, "/created_at"),
            column("updated_at", "t.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
            column("city", "t.city", ColumnKind::Text, true, "/city"),
            column("tags", "t.tags", ColumnKind::Tags, false, "/tags"),
        ],
        id_sql: "t.id",
        custom_sql: Some("t.custom_fields"),
        default_sort: "created_at",
        default_descending: true,
        search: None,
        sort_indexes: &["created_at", "updated_at"],
        broad_filters: &["city"],
        creation_ordered: &["city"],
    };

    fn build_sql(pairs: &[(&str, &str)]) -> Result<String, ValidationErrors> {
        let pairs: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let query = ListQuery::parse(&pairs, &[])?;
        let (sql, _) = build(Sql::new("SELECT * FROM t WHERE TRUE"), Dialect::Sqlite, &CATALOG, &query, &[])?;
        Ok(sql.text())
    }

    #[test]
    fn broad_filters_walk_the_sort_index_unless_their_own_index_is_in_order() {
        let walked = build_sql(&[("filter[city]", "Lyon"), ("sort", "-updated_at")]).expect("valid");
        assert!(
            walked.contains("+((t.city LIKE $1 ESCAPE"),
            "each row read is tested by the pattern alone: {walked}"
        );
        let own = build_sql(&[("filter[city]", "Lyon"), ("sort", "-created_at")]).expect("valid");
        assert!(!own.contains("+("), "{own}");
        let prefix =
            build_sql(&[("filter[city][starts-with]", "Ly"), ("sort", "-created_at")]).expect("valid");
        assert!(prefix.contains("+("), "{prefix}");
    }

    #[test]
    fn a_count_filters_as_its_list_and_orders_nothing() {
        let query = ListQuery::parse(&[("filter[city]".to_owned(), "75001".to_owned())], &[]).expect("valid");
        let base = Sql::new("SELECT count(*) FROM (SELECT 1 FROM t WHERE TRUE");
        let sql = build_count(base, Dialect::Sqlite, &CATALOG, &query, &[]).expect("valid");
        assert_eq!(
            sql.text(),
            "SELECT count(*) FROM (SELECT 1 FROM t WHERE TRUE AND ((lower(t.city) = lower($1)))"
        );
    }

    #[test]
    fn user_text_only_ever_reaches_sql_as_a_placeholder() {
        let sql = build_sql(&[("filter[city][contains]", "'; DROP TABLE t; --")]).expect("valid");
        assert!(!sql.contains("DROP"), "{sql}");
        assert!(sql.contains("LIKE $1") && sql.contains("GLOB $3"), "{sql}");
    }

    #[test]
    fn unknown_fields_and_bad_values_are_named() {
        let errors = build_sql(&[("filter[colour]", "red"), ("filter[created_at][gt]", "yesterday")])
            .expect_err("invalid");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["filter[colour][eq]", "filter[created_at][gt]"]);
    }

    #[test]
    fn nulls_sort_as_the_smallest_value() {
        let sql = build_sql(&[("sort", "-city")]).expect("valid");
        assert!(sql.ends_with("ORDER BY lower(t.city) DESC NULLS LAST, t.id DESC LIMIT $1"), "{sql}");
        let sql = build_sql(&[("sort", "city")]).expect("valid");
        assert!(sql.ends_with("ORDER BY lower(t.city) ASC NULLS FIRST, t.id ASC LIMIT $1"), "{sql}");
    }

    #[test]
    fn a_prefix_is_also_a_range_on_the_lowered_column() {
        let sql = build_sql(&[("filter[city][starts-with]", "Ly"), ("sort", "city")]).expect("valid");
        assert!(
            sql.contains(
                "AND ((lower(t.city) >= lower($1) AND lower(t.city) < lower($2) AND lower(t.city) GLOB $3) OR"
            ),
            "each accented beginning, then tested: {sql}"
        );
        assert!(
            sql.contains(" OR (lower(t.city) >= lower($13) AND lower(t.city) < lower($14))) ORDER BY"),
            "the plain beginning, by the index alone: {sql}"
        );
        assert_eq!(prefix_end("ly").as_deref(), Some("lz"));
        assert_eq!(prefix_end("a\u{d7ff}").as_deref(), Some("a\u{e000}"), "past the surrogates");
        assert_eq!(prefix_end(""), None);
    }

    #[test]
    fn text_with_nothing_to_accent_is_one_index_lookup() {
        let sql = build_sql(&[("filter[city]", "75001")]).expect("valid");
        assert!(sql.contains("(lower(t.city) = lower($1))"), "{sql}");
        let sql = build_sql(&[("filter[city]", "Orléans")]).expect("valid");
        assert!(sql.contains("GLOB"), "{sql}");
    }

    #[test]
    fn cursors_round_trip() {
        let id = Uuid::now_v7();
        let cursor = encode_cursor(&json!("Lyon"), &json!(id.to_string()));
        assert_eq!(decode_cursor(&cursor, ValueKind::Text), Some((Some(Bind::Text("Lyon".to_owned())), id)));
        assert_eq!(decode_cursor("garbage", ValueKind::Text), None);
    }

    #[test]
    fn search_terms_become_prefix_queries() {
        assert_eq!(search_expression(Dialect::Sqlite, "Hélène Dup").as_deref(), Some("\"helene\"* \"dup\"*"));
        assert_eq!(search_expression(Dialect::Postgres, "Hélène Dup").as_deref(), Some("helene:* & dup:*"));
        assert_eq!(search_expression(Dialect::Sqlite, " -- "), None);
    }
}
