//! Markdown documentation of a schema field, shared by completion items and hover.

use serde_json::Value;

use crate::schema::FieldInfo;

/// A number as people write it: `20`, not `20.0`.
pub(crate) fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The heading of a field: its title in bold, then its key.
pub(crate) fn field_heading(field: &FieldInfo) -> String {
    let name = &field.name;
    match field.title.as_deref().filter(|t| t != name) {
        Some(title) => format!("**{title}** `{name}`"),
        None => format!("**{name}**"),
    }
}

/// The description, then one line per fact (type, format, allowed values, range, length,
/// default, required). `current` marks the value the document holds among the allowed ones.
pub(crate) fn field_markdown(field: &FieldInfo, current: Option<&Value>) -> String {
    let mut out = String::new();
    if let Some(description) = field.description.as_deref().filter(|d| !d.is_empty()) {
        out.push_str(description);
        out.push_str("\n\n");
    }
    let mut facts = Vec::new();
    if field.is_polygon {
        facts.push("Type: GeoJSON Polygon".to_string());
    } else if !field.types.is_empty() {
        facts.push(format!("Type: {}", field.types.join(" or ")));
    }
    if let Some(format) = &field.format {
        facts.push(format!("Format: {format}"));
    }
    if let Some(range) = range_text(field) {
        facts.push(range);
    }
    if let Some(length) = length_text(field) {
        facts.push(length);
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: `{default}`"));
    }
    if field.required {
        facts.push("Required".to_string());
    }
    // Which condition of the schema brought a constraint, from the document's values.
    for branch in &field.branches {
        facts.push(format!(
            "When {}: {}",
            branch.condition,
            branch.keywords.join(", ")
        ));
    }
    // Two trailing spaces make a markdown line break between facts.
    out.push_str(&facts.join("  \n"));
    if !field.allowed.is_empty() {
        if !facts.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str("Allowed values:\n");
        for allowed in &field.allowed {
            out.push_str(&format!("- `{}`", allowed.value));
            if let Some(title) = &allowed.title {
                out.push_str(&format!(" — {title}"));
            }
            if field.default.as_ref() == Some(&allowed.value) {
                out.push_str(" (default)");
            }
            if current == Some(&allowed.value) {
                out.push_str(" ← current");
            }
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

fn range_text(field: &FieldInfo) -> Option<String> {
    let low = field
        .minimum
        .map(|n| (show_number(n), false))
        .or(field.exclusive_minimum.map(|n| (show_number(n), true)));
    let high = field
        .maximum
        .map(|n| (show_number(n), false))
        .or(field.exclusive_maximum.map(|n| (show_number(n), true)));
    Some(match (low, high) {
        (Some((lo, false)), Some((hi, false))) => format!("Range: {lo}–{hi}"),
        (Some((lo, lo_ex)), Some((hi, hi_ex))) => format!(
            "Range: {} {lo} and {} {hi}",
            if lo_ex { "above" } else { "at least" },
            if hi_ex { "below" } else { "at most" }
        ),
        (Some((lo, false)), None) => format!("Minimum: {lo}"),
        (Some((lo, true)), None) => format!("Greater than {lo}"),
        (None, Some((hi, false))) => format!("Maximum: {hi}"),
        (None, Some((hi, true))) => format!("Less than {hi}"),
        (None, None) => return None,
    })
}

fn length_text(field: &FieldInfo) -> Option<String> {
    let unit = if field.types.iter().any(|t| t == "array") {
        "items"
    } else {
        "characters"
    };
    let (low, high) = if unit == "items" {
        (field.min_items, field.max_items)
    } else {
        (field.min_length, field.max_length)
    };
    Some(match (low, high) {
        (Some(lo), Some(hi)) => format!("Length: {lo}–{hi} {unit}"),
        (Some(lo), None) => format!("Length: at least {lo} {unit}"),
        (None, Some(hi)) => format!("Length: at most {hi} {unit}"),
        (None, None) => return None,
    })
}
