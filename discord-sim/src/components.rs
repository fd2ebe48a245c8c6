//! Reading message components (action rows, buttons, selects, modal text inputs) as the bot sent
//! them, to find what a user can click.

use serde_json::Value;

const ACTION_ROW: u64 = 1;
const BUTTON: u64 = 2;

/// Every component inside action rows, in order.
pub(crate) fn flatten(rows: &[Value]) -> impl Iterator<Item = &Value> {
    rows.iter().flat_map(|row| {
        if row.get("type").and_then(Value::as_u64) == Some(ACTION_ROW) {
            row.get("components")
                .and_then(Value::as_array)
                .map(|c| c.iter().collect::<Vec<_>>())
                .unwrap_or_default()
        } else {
            vec![row]
        }
    })
}

/// Every button.
pub(crate) fn buttons(rows: &[Value]) -> impl Iterator<Item = &Value> {
    flatten(rows).filter(|c| c.get("type").and_then(Value::as_u64) == Some(BUTTON))
}

/// The button with this label (or custom_id), if any.
pub(crate) fn button<'a>(rows: &'a [Value], label: &str) -> Option<&'a Value> {
    let mut all = buttons(rows);
    all.find(|b| {
        b.get("label").and_then(Value::as_str) == Some(label)
            || b.get("custom_id").and_then(Value::as_str) == Some(label)
    })
}
