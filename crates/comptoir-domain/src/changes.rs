//! What changed between two versions of a record, field by field, for the audit log.

use serde_json::{Map, Value, json};

/// `{"field": {"before": …, "after": …}}` for every top-level field whose value differs.
/// A created record diffs against `Value::Null`, a deleted one against `Value::Null` after.
pub fn diff(before: &Value, after: &Value) -> Map<String, Value> {
    let empty = Map::new();
    let before_map = before.as_object().unwrap_or(&empty);
    let after_map = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    for (key, old) in before_map {
        let new = after_map.get(key).unwrap_or(&Value::Null);
        if old != new {
            changes.insert(key.clone(), json!({"before": old, "after": new}));
        }
    }
    for (key, new) in after_map {
        if !before_map.contains_key(key) && !new.is_null() {
            changes.insert(key.clone(), json!({"before": Value::Null, "after": new}));
        }
    }
    changes
}

/// RFC 7396 JSON merge patch: `null` removes, objects merge recursively, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_only_changed_fields() {
        let changes = diff(&json!({"a": 1, "b": 2}), &json!({"a": 1, "b": 3, "c": 4}));
        assert_eq!(
            Value::Object(changes),
            json!({"b": {"before": 2, "after": 3}, "c": {"before": null, "after": 4}})
        );
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }
}
