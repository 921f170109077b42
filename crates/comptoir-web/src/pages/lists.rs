//! The record lists' common machinery: columns to choose, a filter bar speaking the API's
//! operators, sortable headers, keyset paging, saved views and CSV export. Contacts and
//! companies describe their columns and cells; this module does the rest.

use super::Chrome;
use super::encode;
use super::filters::{Control, FilterField, FilterWords, condition_label};
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use comptoir_domain::listing::{Filter, ListQuery};
use comptoir_domain::search::fold;
use comptoir_domain::views::SavedView;
use comptoir_domain::{FieldError, ValidationErrors};

/// A column a list can show, filter and sort on.
#[derive(Clone, Debug)]
pub struct Column {
    /// The API's field name (`last_name`, `cf.budget`).
    pub key: String,
    pub label: String,
    pub numeric: bool,
    /// How the filter bar asks for a value of this column.
    pub control: Control,
}

impl Column {
    pub fn builtin(lang: Lang, prefix: &str, key: &str, control: Control) -> Column {
        Column {
            key: key.to_owned(),
            label: lang.t(&format!("{prefix}-{}", key.replace('_', "-"))),
            numeric: false,
            control,
        }
    }

    pub fn custom(definition: &CustomFieldDefinition) -> Column {
        Column {
            key: format!("cf.{}", definition.key),
            label: definition.label.clone(),
            numeric: matches!(definition.field_type, FieldType::Number | FieldType::Currency),
            control: Control::custom(definition),
        }
    }

    fn filter_field(&self) -> FilterField<'_> {
        FilterField { key: &self.key, label: &self.label, control: &self.control }
    }
}

/// What a list was asked for, read from its URL. The URL speaks the API's language
/// (`filter[city][eq]=Lyon&sort=-created_at`) plus `col` for each shown column; the filter
/// bar's plain form sends `f`/`o`/`v` triples in people's words, translated here.
pub struct ListRequest {
    pub query: Result<ListQuery, ValidationErrors>,
    pub columns: Vec<String>,
    /// The request without paging, in canonical form: what a saved view or an export keeps.
    /// A period counted from today stays the bar's line (`f`, `o`, `v`), so that a view saved
    /// as "created this month" means this month whenever it is opened.
    pub canonical: Vec<(String, String)>,
    /// The API filters those periods stand for today, and the bar's lines they came from.
    pub periods: Vec<Period>,
    pub view: Option<String>,
    /// The bar's lines that could not be read, as typed, with the message saying why.
    pub refused: Vec<RefusedLine>,
}

/// A line of the bar kept as such (`created_at` "this month", or between two days) and the API
/// filters it stands for today.
pub struct Period {
    pub field: String,
    pub op: String,
    pub value: String,
    /// The last day of a range.
    pub to: String,
    pub filters: Vec<(String, String)>,
}

pub struct RefusedLine {
    pub field: String,
    pub op: String,
    pub value: String,
    pub to: String,
    pub message: String,
}

/// A range line read up to its first day, waiting for its last (`w`, right after).
struct PendingRange {
    field: String,
    value: String,
}

impl Period {
    /// The bar's line it is kept as in the address.
    fn line(&self) -> [(String, String); 4] {
        [
            ("f".to_owned(), self.field.clone()),
            ("o".to_owned(), self.op.clone()),
            ("v".to_owned(), self.value.clone()),
            ("w".to_owned(), self.to.clone()),
        ]
    }
}

/// A range of days from its first day and its last (`to`), or the line refused with why.
fn read_range(
    available: &[Column],
    words: &FilterWords<'_>,
    pending: PendingRange,
    to: String,
) -> Result<Period, RefusedLine> {
    let PendingRange { field, value } = pending;
    let op = "between".to_owned();
    // A field the list does not know goes to the API as it is, which names it in its refusal.
    let unknown = FilterField { key: &field, label: &field, control: &Control::Date };
    let translated = match available.iter().find(|c| c.key == field) {
        Some(column) => words.translate_range(&column.filter_field(), &value, &to),
        None => words.translate_range(&unknown, &value, &to),
    };
    match translated {
        Ok(filters) => Ok(Period { field, op, value, to, filters }),
        Err(message) => Err(RefusedLine { field, op, value, to, message }),
    }
}

impl ListRequest {
    pub fn parse(
        raw: &str,
        default_columns: &[&str],
        available: &[Column],
        words: &FilterWords<'_>,
    ) -> ListRequest {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let mut canonical = vec![];
        let mut columns = vec![];
        let mut view = None;
        let mut cursor = None;
        let mut triple: (Option<String>, Option<String>) = (None, None);
        let mut refused = vec![];
        let mut periods = vec![];
        let mut pending: Option<PendingRange> = None;
        for (key, value) in pairs {
            if key != "w"
                && let Some(unfinished) = pending.take()
            {
                match read_range(available, words, unfinished, String::new()) {
                    Ok(period) => periods.push(period),
                    Err(line) => refused.push(line),
                }
            }
            match key.as_str() {
                "col" => columns.push(value),
                "view" => view = Some(value),
                "cursor" => cursor = Some(value),
                "f" => triple = (Some(value), None),
                "o" => triple.1 = Some(value),
                "v" => {
                    if let (Some(field), Some(op)) = triple.clone()
                        && !field.is_empty()
                        && (!value.trim().is_empty() || !Control::needs_value(&op))
                    {
                        match available.iter().find(|c| c.key == field) {
                            Some(_) if op == "between" => pending = Some(PendingRange { field, value }),
                            Some(column) => match words.translate(&column.filter_field(), &op, &value) {
                                Ok(filters) if Control::is_period(&op) => {
                                    canonical.extend([
                                        ("f".to_owned(), field.clone()),
                                        ("o".to_owned(), op.clone()),
                                        ("v".to_owned(), String::new()),
                                    ]);
                                    let (value, to) = (String::new(), String::new());
                                    periods.push(Period { field, op, value, to, filters });
                                }
                                Ok(filters) => canonical.extend(filters),
                                Err(message) => {
                                    refused.push(RefusedLine { field, op, value, to: String::new(), message })
                                }
                            },
                            None => canonical.push((format!("filter[{field}][{op}]"), value)),
                        }
                    }
                    triple = (None, None);
                }
                "w" => {
                    if let Some(started) = pending.take() {
                        match read_range(available, words, started, value) {
                            Ok(period) => {
                                canonical.extend(period.line());
                                periods.push(period);
                            }
                            Err(line) => refused.push(line),
                        }
                    }
                }
                "q" if value.trim().is_empty() => {}
                "sort" if value.is_empty() => {}
                _ => canonical.push((key, value)),
            }
        }
        if let Some(unfinished) = pending.take() {
            match read_range(available, words, unfinished, String::new()) {
                Ok(period) => periods.push(period),
                Err(line) => refused.push(line),
            }
        }
        if columns.is_empty() {
            columns = default_columns.iter().map(|c| (*c).to_owned()).collect();
        } else {
            for column in &columns {
                canonical.push(("col".to_owned(), column.clone()));
            }
        }
        let mut for_query: Vec<(String, String)> =
            canonical.iter().filter(|(k, _)| !matches!(k.as_str(), "f" | "o" | "v" | "w")).cloned().collect();
        for_query.extend(periods.iter().flat_map(|p| p.filters.iter().cloned()));
        if let Some(cursor) = cursor {
            for_query.push(("cursor".to_owned(), cursor));
        }
        let mut query = ListQuery::parse(&for_query, &["col"]);
        if let Ok(query) = &mut query {
            sort_by_labels(query, available);
        }
        ListRequest { query, columns, canonical, periods, view, refused }
    }

    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(&self.canonical).unwrap_or_default()
    }

    /// The request's pairs except those named, for the hidden inputs of a form that sets them;
    /// "filter" names every filter, the bar's period lines included.
    pub fn keep_except(&self, names: &[&str]) -> Vec<(String, String)> {
        let is_filter = |k: &str| k.starts_with("filter[") || matches!(k, "f" | "o" | "v" | "w");
        self.canonical
            .iter()
            .filter(|(k, _)| !names.iter().any(|n| k == n || (*n == "filter" && is_filter(k))))
            .cloned()
            .collect()
    }

    /// The search and API filters the list applies now, periods as today's dates: what an
    /// action over every result selects.
    pub fn selection(&self) -> String {
        let applied = self
            .canonical
            .iter()
            .filter(|(k, _)| k == "q" || k.starts_with("filter["))
            .chain(self.periods.iter().flat_map(|p| p.filters.iter()));
        serde_urlencoded::to_string(applied.collect::<Vec<_>>()).unwrap_or_default()
    }
}

/// A sort by a closed set (stage, relationship, country) follows its labels in the visitor's
/// language, accents aside, rather than its codes.
fn sort_by_labels(query: &mut ListQuery, available: &[Column]) {
    if let Some(sort) = query.sort.as_mut()
        && let Some(Column { control: Control::Choice(choices), .. }) =
            available.iter().find(|c| c.key == sort.field)
    {
        let mut by_label = choices.clone();
        by_label.sort_by_cached_key(|(_, label)| fold(label));
        sort.order = by_label.into_iter().map(|(code, _)| code).collect();
    }
}

/// One cell: its text and, for the name column, a link to the record.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub numeric: bool,
}

pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
}

/// One line of the filter bar, with everything its controls offer.
pub struct FilterLine {
    /// Numbers the line's controls' ids.
    pub index: usize,
    /// The list's address, where the line asks for its controls when its field changes.
    pub base: String,
    pub field: String,
    pub op: String,
    pub value: String,
    /// The last day of a range of days; a date line always has its input, shown for a range.
    pub to: String,
    /// `(key, label)` of every field the line may test.
    pub fields: Vec<(String, String)>,
    /// `(op, label)` of the conditions the field allows.
    pub conditions: Vec<(String, String)>,
    /// `select`, `date`, `number`, `tel`, `company` (text with suggestions) or `text`.
    pub input: &'static str,
    /// The choices of a `select`: `(value, label)`.
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
}

impl FilterLine {
    #[expect(clippy::too_many_arguments, reason = "a line is drawn from this many parts")]
    pub fn new(
        index: usize,
        base: &str,
        available: &[Column],
        words: &FilterWords<'_>,
        field: String,
        op: String,
        (value, to): (String, String),
        error: Option<String>,
    ) -> FilterLine {
        let lang = words.lang;
        let control = available.iter().find(|c| c.key == field).map_or(Control::Text, |c| c.control.clone());
        let mut conditions: Vec<(String, String)> = control
            .conditions()
            .iter()
            .map(|op| ((*op).to_owned(), condition_label(lang, &control, op)))
            .collect();
        // A condition from an address that the bar does not offer for this field stays shown.
        if !op.is_empty() && !conditions.iter().any(|(o, _)| *o == op) {
            conditions.push((op.clone(), condition_label(lang, &control, &op)));
        }
        let op = if op.is_empty() { conditions[0].0.clone() } else { op };
        let (input, options) = match &control {
            Control::Choice(choices) => ("select", choices.clone()),
            Control::User => {
                let mut people: Vec<(String, String)> =
                    words.me.map(|me| (me.to_string(), lang.t("filter-me"))).into_iter().collect();
                people.extend(
                    words
                        .users
                        .iter()
                        .filter(|u| Some(u.id) != words.me)
                        .map(|u| (u.id.to_string(), u.name().to_owned())),
                );
                ("select", people)
            }
            Control::YesNo => {
                ("select", vec![("true".to_owned(), lang.t("yes")), ("false".to_owned(), lang.t("no"))])
            }
            Control::Date => ("date", vec![]),
            Control::Number | Control::Amount => ("number", vec![]),
            Control::Phone => ("tel", vec![]),
            Control::Text | Control::Labels => ("text", vec![]),
            Control::CompanyName => ("company", vec![]),
        };
        FilterLine {
            index,
            base: base.to_owned(),
            field,
            op,
            value,
            to,
            fields: available.iter().map(|c| (c.key.clone(), c.label.clone())).collect(),
            conditions,
            input,
            options,
            error,
        }
    }
}

pub struct SavedLink {
    pub id: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// Everything a list template draws.
pub struct ListView {
    pub base: String,
    pub available: Vec<Column>,
    pub shown: Vec<Column>,
    pub sort_field: String,
    pub sort_descending: bool,
    pub filters: Vec<FilterLine>,
    pub q: String,
    /// What the list's search finds, as its box's hint.
    pub search_hint: String,
    pub query_string: String,
    /// The filters and search alone: which records "every result" means to a bulk action.
    pub selection: String,
    pub keep_for_filters: Vec<(String, String)>,
    pub keep_for_columns: Vec<(String, String)>,
    pub rows: Vec<Row>,
    pub next_href: Option<String>,
    pub first_page: bool,
    pub errors: Vec<String>,
    pub saved: Vec<SavedLink>,
    /// What "every result" of a bulk action covers, counted when the list is.
    pub scope_all: String,
}

impl ListView {
    #[expect(clippy::too_many_arguments, reason = "a list page is assembled from this many parts")]
    pub fn new(
        base: String,
        page: &Chrome,
        request: &ListRequest,
        available: Vec<Column>,
        rows: Vec<Row>,
        next_cursor: Option<String>,
        saved: &[SavedView],
        error: Option<&ValidationErrors>,
        words: &FilterWords<'_>,
    ) -> ListView {
        let shown = request
            .columns
            .iter()
            .filter_map(|key| available.iter().find(|c| &c.key == key).cloned())
            .collect::<Vec<_>>();
        let query = request.query.as_ref().ok();
        let (sort_field, sort_descending) =
            query.and_then(|q| q.sort.as_ref()).map(|s| (s.field.clone(), s.descending)).unwrap_or_default();
        let fields: Vec<FilterField<'_>> = available.iter().map(Column::filter_field).collect();
        let from_periods = |filter: &Filter| {
            request.periods.iter().flat_map(|p| p.filters.iter()).any(|(key, value)| {
                *key == format!("filter[{}][{}]", filter.field, filter.op.as_str()) && *value == filter.value
            })
        };
        let plain: Vec<Filter> = query
            .map(|q| q.filters.iter().filter(|f| !from_periods(f)).cloned().collect())
            .unwrap_or_default();
        let kept = request
            .periods
            .iter()
            .map(|p| (p.field.clone(), p.op.clone(), (p.value.clone(), p.to.clone())))
            .chain(words.lines(&fields, &plain).into_iter().map(|(f, o, v)| (f, o, (v, String::new()))));
        let refused = request.refused.iter().map(|line| {
            let values = (line.value.clone(), line.to.clone());
            (line.field.clone(), line.op.clone(), values, Some(line.message.clone()))
        });
        let filters = kept
            .map(|(field, op, values)| (field, op, values, None))
            .chain(refused)
            .chain([(String::new(), String::new(), (String::new(), String::new()), None)])
            .enumerate()
            .map(|(i, (field, op, values, error))| {
                FilterLine::new(i + 1, &base, &available, words, field, op, values, error)
            })
            .collect();
        let query_string = request.query_string();
        let next_href = next_cursor.map(|cursor| format!("{base}?{query_string}&cursor={}", encode(&cursor)));
        let first_page = query.is_none_or(|q| q.cursor.is_none());
        let errors = error
            .map(|errors| {
                errors
                    .0
                    .iter()
                    .map(|FieldError { field, message }| {
                        let label = field
                            .strip_prefix("filter[")
                            .and_then(|rest| rest.split(']').next())
                            .map(|key| {
                                available.iter().find(|c| c.key == key).map_or(key, |c| c.label.as_str())
                            })
                            .unwrap_or(field);
                        page.lang.tn(
                            "filter-refused",
                            &[("field", label), ("message", &page.lang.message(message))],
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let saved = saved
            .iter()
            .map(|view| SavedLink {
                id: view.id.to_string(),
                name: view.name.clone(),
                href: format!("{base}?{}&view={}", view.query, view.id),
                current: request.view.as_deref() == Some(&view.id.to_string()),
            })
            .collect();
        let search_hint = page
            .lang
            .try_t(&format!("list-search-placeholder-{}", base.trim_start_matches('/')))
            .unwrap_or_else(|| page.lang.t("list-search-placeholder"));
        ListView {
            base,
            available,
            shown,
            sort_field,
            sort_descending,
            filters,
            q: query.and_then(|q| q.q.clone()).unwrap_or_default(),
            search_hint,
            selection: request.selection(),
            keep_for_filters: request.keep_except(&["filter", "q", "cursor"]),
            keep_for_columns: request.keep_except(&["col", "cursor"]),
            query_string,
            rows,
            next_href,
            first_page,
            errors,
            saved,
            scope_all: page.lang.t("bulk-scope-all"),
        }
    }

    /// The link a column header sorts by: ascending first, then descending.
    pub fn sort_href(&self, key: &str) -> String {
        let next =
            if self.sort_field == key && !self.sort_descending { format!("-{key}") } else { key.to_owned() };
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&self.query_string).unwrap_or_default();
        pairs.retain(|(k, _)| k != "sort");
        pairs.push(("sort".to_owned(), next));
        format!("{}?{}", self.base, serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }

    pub fn aria_sort(&self, key: &str) -> &'static str {
        match (self.sort_field == key, self.sort_descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// The label of the `index`th shown column, which a row's cell carries for the phone
    /// layout, where rows become cards.
    pub fn label_of(&self, index: usize) -> &str {
        self.shown.get(index).map_or("", |c| c.label.as_str())
    }

    pub fn is_shown(&self, key: &str) -> bool {
        self.shown.iter().any(|c| c.key == key)
    }
}

/// The records a bulk action applies to, from the list's checkboxes.
pub fn selected_ids(fields: &Fields) -> Vec<String> {
    fields.all("ids").map(str::to_owned).collect()
}

/// Writes rows as CSV the way the visitor's spreadsheet opens them: French Excel expects `;`
/// between fields. A file starts with a byte-order mark ([`CSV_START`]), which tells it the file
/// is UTF-8; the rows may then come in as many chunks as suit the writer.
pub fn csv_rows(lang: Lang, rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let delimiter = if lang == Lang::Fr { b';' } else { b',' };
    let mut out = Vec::new();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(&mut out);
        for row in rows {
            let cells: Vec<std::borrow::Cow<'_, str>> = row.iter().map(|cell| inert_cell(cell)).collect();
            writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

pub const CSV_START: &str = "\u{feff}";

/// A number as shown on a page (`1 234,56`, `1,234.56`, `1 234,56 €`) as a spreadsheet reads it
/// in the visitor's language: without the thousands separators, which would make it text.
pub fn spreadsheet_number(lang: Lang, shown: &str) -> String {
    let separators: &[char] = match lang {
        Lang::Fr => &['\u{202f}', '\u{a0}', ' '],
        Lang::En => &[',', '\u{a0}'],
    };
    shown.chars().filter(|c| !separators.contains(c)).collect()
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, as OWASP advises for CSV injection. A plain
/// number (`-12.5`, `+33`) stays as it is, so it still reads as a number; it cannot be a
/// formula.
pub fn inert_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let mut parts = digits.splitn(2, ['.', ',']);
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next().unwrap_or("0");
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_bar_triples_become_api_filters_and_blank_rows_are_ignored() {
        let words = FilterWords { lang: Lang::En, zone: chrono_tz::UTC, me: None, users: &[] };
        let tags = Column::builtin(Lang::En, "col", "tags", Control::Labels);
        let request = ListRequest::parse(
            "f=city&o=eq&v=Lyon&f=&o=eq&v=&f=tags&o=is-empty&v=&sort=-created_at&col=last_name&col=city",
            &["first_name"],
            &[tags],
            &words,
        );
        let query = request.query.as_ref().expect("valid");
        assert_eq!(query.filters.len(), 2);
        assert_eq!(query.filters[0].field, "city");
        assert_eq!(request.columns, ["last_name", "city"]);
        assert_eq!(
            request.query_string(),
            "filter%5Bcity%5D%5Beq%5D=Lyon&filter%5Btags%5D%5Bis-empty%5D=true&sort=-created_at&col=last_name&col=city"
        );
    }

    #[test]
    fn exported_numbers_read_as_numbers() {
        assert_eq!(spreadsheet_number(Lang::Fr, &Lang::Fr.number(1_234_567.5, 1)), "1234567,5");
        assert_eq!(spreadsheet_number(Lang::En, &Lang::En.number(1_234_567.5, 1)), "1234567.5");
        assert_eq!(spreadsheet_number(Lang::Fr, &Lang::Fr.money(1234.56, "EUR")), "1234,56€");
        assert_eq!(spreadsheet_number(Lang::En, &Lang::En.number(-1234.0, 0)), "-1234");
    }

    #[test]
    fn exported_cells_never_start_a_formula() {
        for formula in
            ["=HYPERLINK(\"http://evil.test\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]
        {
            assert!(inert_cell(formula).starts_with('\''), "{formula:?}");
        }
        for kept in ["Dupont", "-12.5", "+33", "1234,50", "a=b", ""] {
            assert_eq!(inert_cell(kept), kept);
        }
        let csv =
            String::from_utf8(csv_rows(Lang::En, &[vec!["=1+1".to_owned(), "-3".to_owned()]]).expect("csv"))
                .expect("utf-8");
        assert_eq!(csv, "'=1+1,-3\n");
    }

    #[test]
    fn unknown_operators_are_reported_not_ignored() {
        let words = FilterWords { lang: Lang::En, zone: chrono_tz::UTC, me: None, users: &[] };
        let request = ListRequest::parse("filter[city][near]=Lyon", &[], &[], &words);
        assert!(request.query.is_err());
    }
}
