//! Statements assembled at run time (filters, sort orders) from fixed fragments and bound
//! values. Fragments are `&'static str`, so nothing a client sends can become SQL text.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Time(DateTime<Utc>),
    Json(Value),
}

#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub fn new(fragment: &'static str) -> Self {
        Self {
            text: fragment.to_owned(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a `$n` placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push('$');
        self.text.push_str(&self.binds.len().to_string());
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_parts(self) -> (String, Vec<Bind>) {
        (self.text, self.binds)
    }
}

/// Binds every value of a [`Sql`] to a query, whichever the engine.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for value in $binds {
            query = match value {
                $crate::sql::Bind::Uuid(v) => query.bind(v),
                $crate::sql::Bind::Text(v) => query.bind(v),
                $crate::sql::Bind::Int(v) => query.bind(v),
                $crate::sql::Bind::Float(v) => query.bind(v),
                $crate::sql::Bind::Bool(v) => query.bind(v),
                $crate::sql::Bind::Time(v) => query.bind(v),
                $crate::sql::Bind::Json(v) => query.bind(sqlx::types::Json(v)),
            };
        }
        query
    }};
}
