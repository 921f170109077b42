//! The privacy registry: the one declaration of which stored columns hold personal data.
//! Export, erasure and retention iterate this list, so a column added here is covered by all
//! three, and a test checks that every column of every table is either listed here or
//! declared not personal.

/// How a personal column is treated when its subject asks to be forgotten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Erasure {
    /// Set to NULL (or the empty value for its type).
    Clear,
    /// The whole row goes: the row is about the person.
    DeleteRow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonalColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// What kind of personal data, for the register of processing (RGPD article 30).
    pub category: &'static str,
    pub erasure: Erasure,
}

const fn personal(
    table: &'static str,
    column: &'static str,
    category: &'static str,
    erasure: Erasure,
) -> PersonalColumn {
    PersonalColumn { table, column, category, erasure }
}

pub const PERSONAL_COLUMNS: &[PersonalColumn] = &[
    personal("contacts", "first_name", "identity", Erasure::DeleteRow),
    personal("contacts", "last_name", "identity", Erasure::DeleteRow),
    personal("contacts", "emails", "contact details", Erasure::DeleteRow),
    personal("contacts", "email", "contact details", Erasure::DeleteRow),
    personal("contacts", "phones", "contact details", Erasure::DeleteRow),
    personal("contacts", "phone", "contact details", Erasure::DeleteRow),
    personal("contacts", "job_title", "professional life", Erasure::DeleteRow),
    personal("contacts", "address_label", "contact details", Erasure::DeleteRow),
    personal("contacts", "address_street", "contact details", Erasure::DeleteRow),
    personal("contacts", "address_postal_code", "contact details", Erasure::DeleteRow),
    personal("contacts", "address_city", "contact details", Erasure::DeleteRow),
    personal("contacts", "address_region", "contact details", Erasure::DeleteRow),
    personal("contacts", "address_country", "contact details", Erasure::DeleteRow),
    personal("contacts", "language", "preferences", Erasure::DeleteRow),
    personal("contacts", "custom_fields", "free data", Erasure::DeleteRow),
    personal("contacts", "search_text", "derived identity", Erasure::DeleteRow),
    personal("contacts", "search_tsv", "derived identity", Erasure::DeleteRow),
    personal("activities", "subject", "interactions", Erasure::Clear),
    personal("activities", "body", "interactions", Erasure::Clear),
    personal("activities", "location", "interactions", Erasure::Clear),
    personal("companies", "phones", "contact details", Erasure::Clear),
    personal("companies", "phone", "contact details", Erasure::Clear),
    personal("users", "email", "identity", Erasure::Clear),
    personal("users", "display_name", "identity", Erasure::Clear),
    personal("audit_log", "changes", "history of personal data", Erasure::Clear),
    personal("domain_events", "payload", "history of personal data", Erasure::Clear),
    personal("idempotency_keys", "response_body", "copy of a response", Erasure::DeleteRow),
];

/// Columns that hold no personal data, listed so that a new column must be classified before
/// the registry test passes.
pub const NON_PERSONAL_COLUMNS: &[(&str, &str)] = &[
    ("contacts", "seq"),
    ("contacts", "id"),
    ("contacts", "version"),
    ("contacts", "company_id"),
    ("contacts", "lifecycle_stage"),
    ("contacts", "source"),
    ("contacts", "owner_id"),
    ("contacts", "tags"),
    ("contacts", "company_search"),
    ("contacts", "created_at"),
    ("contacts", "updated_at"),
    ("contacts", "last_activity_at"),
    ("companies", "seq"),
    ("companies", "search_tsv"),
    ("companies", "id"),
    ("companies", "version"),
    ("companies", "name"),
    ("companies", "domain"),
    ("companies", "website"),
    ("companies", "industry"),
    ("companies", "size_band"),
    ("companies", "siren"),
    ("companies", "siret"),
    ("companies", "vat_number"),
    ("companies", "address_street"),
    ("companies", "address_postal_code"),
    ("companies", "address_city"),
    ("companies", "address_region"),
    ("companies", "address_country"),
    ("companies", "addresses"),
    ("companies", "relationship_type"),
    ("companies", "owner_id"),
    ("companies", "tags"),
    ("companies", "custom_fields"),
    ("companies", "search_text"),
    ("companies", "created_at"),
    ("companies", "updated_at"),
    ("activities", "id"),
    ("activities", "version"),
    ("activities", "kind"),
    ("activities", "contact_id"),
    ("activities", "company_id"),
    ("activities", "occurred_at"),
    ("activities", "direction"),
    ("activities", "duration_seconds"),
    ("activities", "outcome"),
    ("activities", "starts_at"),
    ("activities", "ends_at"),
    ("activities", "due_at"),
    ("activities", "assignee_id"),
    ("activities", "done"),
    ("activities", "done_at"),
    ("activities", "owner_id"),
    ("activities", "created_at"),
    ("activities", "updated_at"),
    ("users", "id"),
    ("users", "version"),
    ("users", "role"),
    ("users", "password_hash"),
    ("users", "locale"),
    ("users", "active"),
    ("users", "created_at"),
    ("users", "updated_at"),
    ("api_tokens", "id"),
    ("api_tokens", "user_id"),
    ("api_tokens", "name"),
    ("api_tokens", "token_hash"),
    ("api_tokens", "created_at"),
    ("api_tokens", "last_used_at"),
    ("api_tokens", "revoked_at"),
    ("custom_field_definitions", "id"),
    ("custom_field_definitions", "version"),
    ("custom_field_definitions", "object_type"),
    ("custom_field_definitions", "key"),
    ("custom_field_definitions", "label"),
    ("custom_field_definitions", "field_type"),
    ("custom_field_definitions", "options"),
    ("custom_field_definitions", "position"),
    ("custom_field_definitions", "created_at"),
    ("custom_field_definitions", "updated_at"),
    ("audit_log", "id"),
    ("audit_log", "occurred_at"),
    ("audit_log", "actor_id"),
    ("audit_log", "action"),
    ("audit_log", "object_type"),
    ("audit_log", "object_id"),
    ("domain_events", "id"),
    ("domain_events", "occurred_at"),
    ("domain_events", "name"),
    ("domain_events", "object_type"),
    ("domain_events", "object_id"),
    ("domain_events", "actor_id"),
    ("idempotency_keys", "actor_id"),
    ("idempotency_keys", "key"),
    ("idempotency_keys", "request_hash"),
    ("idempotency_keys", "status"),
    ("idempotency_keys", "created_at"),
];

pub fn is_personal(table: &str, column: &str) -> bool {
    PERSONAL_COLUMNS.iter().any(|c| c.table == table && c.column == column)
}

pub fn is_classified(table: &str, column: &str) -> bool {
    is_personal(table, column) || NON_PERSONAL_COLUMNS.contains(&(table, column))
}
