//! What changed between two versions of a record, field by field, for the audit log.

use serde_json::{Map, Value, json};

/// `{"field": {"before": …, "after": …}}` for every top-level field whose value differs.
/// A created record diffs against `Value::Null`, a deleted one against `Value::Null` after.
/// The values move into the result: an import diffs a million records, and copying each one's
/// fields was a good part of its time.
pub fn diff(before: Value, after: Value) -> Map<String, Value> {
    let object = |value: Value| match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let (before, mut after) = (object(before), object(after));
    let mut changes = Map::new();
    for (key, old) in before {
        let new = after.remove(&key).unwrap_or(Value::Null);
        if old != new {
            changes.insert(key, json!({"before": old, "after": new}));
        }
    }
    for (key, new) in after {
        if !new.is_null() {
            changes.insert(key, json!({"before": Value::Null, "after": new}));
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
        let changes = diff(json!({"a": 1, "b": 2, "d": 5}), json!({"a": 1, "b": 3, "c": 4}));
        assert_eq!(
            Value::Object(changes),
            json!({"b": {"before": 2, "after": 3}, "c": {"before": null, "after": 4}, "d": {"before": 5, "after": null}})
        );
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }
}
