//! The per-keyword diagnostics of the `schema.*` check: for each failed JSON Schema keyword
//! (`type`, `enum`, `minimum`, `format`, `required`, ...), the message in the field's own
//! words and the fixes it offers, each fix tried against the schema before it is kept.
//!
//! Separate from the step in `mod.rs` (validate, group, budget) because a reader changing
//! what a message says looks for it by keyword, and need not read how errors are grouped.

use std::collections::HashMap;
use std::rc::Rc;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::{label, Context};
use crate::check::edits::insert_member;
use crate::check::envelope::RequestForm;
use crate::check::messages::{
    closest, describe_found, list_allowed, plural, show_number, show_text, show_value,
};
use crate::check::suggest::{accepts, suggested};
use crate::check::unknown::unknown_property;
use crate::check::{Code, Diagnostic, Fix};
use crate::document::{item_of, member_of, Item, Node, PathSegment, TextRange};
use crate::schema::{AllowedValue, FieldInfo};

impl Context<'_> {
    /// The node at `path` below `params` (a number of a packed pair is built on the fly).
    fn node_at(&self, path: &[PathSegment]) -> Option<Item<'_>> {
        let mut node = Item::Borrowed(self.params);
        for segment in path {
            node = match segment {
                PathSegment::Key(key) => member_of(&node, key)?,
                PathSegment::Index(index) => item_of(node, *index)?,
            };
        }
        Some(node)
    }

    /// The range that names an object: its key in the parent, or its opening brace.
    fn object_name_range(&self, path: &[PathSegment]) -> TextRange {
        if path.is_empty() {
            if let Some(member) = self.request.root.member(self.request.options_key) {
                return member.key.range;
            }
        } else if let (Some(PathSegment::Key(key)), Some(parent)) =
            (path.last(), self.node_at(&path[..path.len() - 1]))
        {
            if let Some(member) = parent.member(key) {
                return member.key.range;
            }
        }
        let node = self.node_at(path).unwrap_or(Item::Borrowed(self.params));
        TextRange::new(node.range.start as usize, node.range.start as usize + 1)
    }

    pub(super) fn diagnose(
        &self,
        path: &[PathSegment],
        error: &jsonschema::ValidationError<'_>,
        schema_path: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let kind = error.kind();
        let Some(node) = self.node_at(path) else {
            return;
        };
        let node: &Node = &node;
        let field = self
            .fields
            .borrow_mut()
            .entry(path.to_vec())
            .or_insert_with(|| {
                // Without any `if` in the schema the active field is the field itself, and
                // reading it directly costs half as much (a 50,000-value enum is cloned per
                // lookup).
                let active = if self.conditional {
                    self.schema.active_field(self.value, path)
                } else {
                    None
                };
                active.or_else(|| self.schema.field_at(path)).map(Rc::new)
            })
            .clone();
        let name = label(path, self.request.options_key);
        let condition = self.condition(schema_path, path);
        let when = condition
            .as_deref()
            .map(|c| format!(" when {c}"))
            .unwrap_or_default();
        // `params` itself may hold a 200,000-vertex polygon: only its members are reported.
        let found = if path.is_empty() {
            Value::Null
        } else {
            node.to_value().unwrap_or(Value::Null)
        };
        let shown = self.show_found(node, &found);
        match kind {
            ValidationErrorKind::Required { property } => {
                let Some(property) = property.as_str() else {
                    return;
                };
                self.missing(path, node, property, &when, out);
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    self.unknown_property(path, node, key, out);
                }
            }
            ValidationErrorKind::Type { .. } => {
                let expected = self
                    .schema
                    .subschema_at(schema_path)
                    .map(describe_types)
                    .unwrap_or_else(|| "another type".to_string());
                let found_words = match &found {
                    Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {shown}"),
                    Value::Number(_) => format!("number {shown}"),
                    other => describe_found(other),
                };
                let mut diagnostic = Diagnostic::new(
                    Code::SchemaType,
                    node.range,
                    format!("{name} must be {expected}{when}, found {found_words}"),
                );
                diagnostic.fixes.extend(type_fixes(node, &found, &expected));
                out.push(diagnostic);
            }
            ValidationErrorKind::Enum { .. }
            | ValidationErrorKind::Constant { .. }
            | ValidationErrorKind::AnyOf { .. }
            | ValidationErrorKind::OneOfNotValid { .. } => {
                let mut allowed = self.allowed_for(kind, schema_path);
                if let Some(common) = &*self.common_allowed.borrow() {
                    // Every value is in common when the sets are the same size (one enum).
                    if common.len() < allowed.len() {
                        allowed.retain(|a| common.contains(&a.value.to_string()));
                    }
                }
                if let Some(field) = &field {
                    // The field's own titles for values a branch lists bare.
                    let titles: HashMap<String, &String> = field
                        .allowed
                        .iter()
                        .filter_map(|a| Some((a.title.as_ref()?, a)))
                        .map(|(title, a)| (a.value.to_string(), title))
                        .collect();
                    if !titles.is_empty() {
                        for option in allowed.iter_mut().filter(|o| o.title.is_none()) {
                            option.title = titles.get(&option.value.to_string()).cloned().cloned();
                        }
                    }
                }
                if allowed.is_empty() {
                    // One branch takes the value's type (`{"type": "string", "maxLength": 40}`
                    // beside `{"type": "null"}`): its own errors say what is wrong, where
                    // "matches none of the forms" would not.
                    if let ValidationErrorKind::AnyOf { context }
                    | ValidationErrorKind::OneOfNotValid { context } = kind
                    {
                        let typed: Vec<&Vec<jsonschema::ValidationError<'static>>> = context
                            .iter()
                            .filter(|branch| {
                                !branch.is_empty()
                                    && !branch.iter().any(|e| {
                                        matches!(e.kind(), ValidationErrorKind::Type { .. })
                                            && e.instance_path().as_str()
                                                == error.instance_path().as_str()
                                    })
                            })
                            .collect();
                        if let [branch] = typed.as_slice() {
                            let before = out.len();
                            for inner in branch.iter() {
                                if inner.instance_path().as_str() == error.instance_path().as_str()
                                {
                                    self.diagnose(path, inner, inner.schema_path().as_str(), out);
                                }
                            }
                            if out.len() > before {
                                return;
                            }
                        }
                    }
                    let message = match kind {
                        ValidationErrorKind::OneOfNotValid { .. } => {
                            format!("{name} {shown} matches none of the forms it may take{when}")
                        }
                        _ => format!("{name} {shown} matches none of the forms it may take{when}"),
                    };
                    out.push(Diagnostic::new(Code::SchemaOther, node.range, message));
                } else {
                    out.push(enum_diagnostic(
                        node, &name, &shown, &found, &allowed, &when,
                    ));
                }
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(range_diagnostic(
                    node,
                    &name,
                    &shown,
                    kind,
                    limit,
                    field.as_deref(),
                    &when,
                ));
            }
            ValidationErrorKind::MinLength { limit } | ValidationErrorKind::MaxLength { limit } => {
                let length = found.as_str().map_or(0, |s| s.chars().count() as u64);
                let too_short = matches!(kind, ValidationErrorKind::MinLength { .. });
                let message = if too_short && length == 0 {
                    format!(
                        "{name} must not be empty{when} (at least {})",
                        plural(*limit, "character")
                    )
                } else if too_short {
                    format!(
                        "{name} has {}; at least {limit} needed{when}",
                        plural(length, "character"),
                    )
                } else {
                    format!(
                        "{name} has {}; at most {limit} allowed{when}",
                        plural(length, "character"),
                    )
                };
                out.push(Diagnostic::new(Code::SchemaLength, node.range, message));
            }
            ValidationErrorKind::MinItems { limit }
            | ValidationErrorKind::MaxItems { limit }
            | ValidationErrorKind::MinProperties { limit }
            | ValidationErrorKind::MaxProperties { limit } => {
                let (count, unit) = match found {
                    Value::Object(o) => (o.len() as u64, "property"),
                    other => (other.as_array().map_or(0, Vec::len) as u64, "item"),
                };
                let bound = if matches!(
                    kind,
                    ValidationErrorKind::MinItems { .. }
                        | ValidationErrorKind::MinProperties { .. }
                ) {
                    "at least"
                } else {
                    "at most"
                };
                out.push(Diagnostic::new(
                    Code::SchemaLength,
                    node.range,
                    format!(
                        "{name} has {}; {bound} {limit} allowed{when}",
                        plural(count, unit)
                    ),
                ));
            }
            ValidationErrorKind::Format { format } => {
                out.push(format_diagnostic(node, &name, &found, format, &when));
            }
            ValidationErrorKind::Pattern { pattern } => {
                let example = field
                    .as_ref()
                    .and_then(|f| f.default.as_ref())
                    .filter(|d| d.is_string())
                    .map(show_value);
                let mut message = format!(
                    "{name} {shown} does not match the pattern {}{when}",
                    show_text(pattern)
                );
                if let Some(example) = example {
                    message.push_str(&format!(" (for example {example})"));
                }
                out.push(Diagnostic::new(Code::SchemaFormat, node.range, message));
            }
            other => {
                let message = match other {
                    ValidationErrorKind::MultipleOf { multiple_of, .. } => {
                        format!("{name} is {shown}, not a multiple of {multiple_of}{when}")
                    }
                    ValidationErrorKind::Not { .. } => {
                        format!("{name} {shown} is a value the schema excludes{when}")
                    }
                    ValidationErrorKind::FalseSchema => {
                        format!("{name} is not allowed here{when}")
                    }
                    ValidationErrorKind::UniqueItems => {
                        format!("{name} has duplicate items; each item must be different{when}")
                    }
                    ValidationErrorKind::Contains => {
                        format!("{name} has no item of the kind it must contain{when}")
                    }
                    ValidationErrorKind::AdditionalItems { limit } => format!(
                        "{name} has more items than the {} the schema describes{when}",
                        limit
                    ),
                    ValidationErrorKind::OneOfMultipleValid { .. } => format!(
                        "{name} {shown} matches more than one of the forms it may take; it must match exactly one{when}"
                    ),
                    ValidationErrorKind::PropertyNames { .. } => {
                        format!("{name} has a property name the schema does not allow{when}")
                    }
                    _ => format!("{name}: {}{when}", show_text(&error.to_string())),
                };
                out.push(Diagnostic::new(Code::SchemaOther, node.range, message));
            }
        }
    }

    /// The values an enum-like error allows: its `enum`/`const`, or the consts of its
    /// `anyOf`/`oneOf`; empty when the failing keyword accepts more than a list of values.
    pub(super) fn allowed_for(
        &self,
        kind: &ValidationErrorKind,
        schema_path: &str,
    ) -> Vec<AllowedValue> {
        let bare = |value: &Value| AllowedValue {
            value: value.clone(),
            title: None,
        };
        match kind {
            ValidationErrorKind::Enum { options } => options
                .as_array()
                .map(|values| values.iter().map(bare).collect())
                .unwrap_or_default(),
            ValidationErrorKind::Constant { expected_value } => vec![bare(expected_value)],
            _ => schema_path
                .rsplit_once('/')
                .and_then(|(parent, _)| self.schema.subschema_at(parent))
                .map(|s| self.schema.allowed_values_of(s))
                .unwrap_or_default(),
        }
    }

    /// The value as a message quotes it; a number as the document writes it (`1e400`, `0.30`).
    fn show_found(&self, node: &Node, found: &Value) -> String {
        match &node.kind {
            crate::document::NodeKind::Number(_) => show_text(self.doc.slice(node.range)),
            _ => show_value(found),
        }
    }

    fn missing(
        &self,
        path: &[PathSegment],
        object: &Node,
        property: &str,
        when: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        if object.member(property).is_some() {
            // Present but without a readable value: the syntax error already says so.
            return;
        }
        if path.is_empty() && self.request.form == RequestForm::Current {
            // The current form carries these in the envelope, not in params.
            let root = self.request.root;
            if (property == "geometry" && root.member("featureCollection").is_some())
                || (property == "displayName" && root.member("displayName").is_some())
            {
                return;
            }
        }
        let mut field_path = path.to_vec();
        field_path.push(PathSegment::Key(property.to_string()));
        let field = self
            .schema
            .active_field(self.value, &field_path)
            .or_else(|| self.schema.field_at(&field_path));
        let title = field
            .as_ref()
            .and_then(|f| f.title.as_deref())
            .filter(|t| !t.eq_ignore_ascii_case(property))
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let place = if path.is_empty() {
            self.request.options_key.to_string()
        } else {
            label(path, self.request.options_key)
        };
        // A value the check accepts there, from the branch that applies; without one, no fix
        // (a fix never inserts a value the check then rejects).
        let value = suggested(self.schema, self.value, &field_path, self.now)
            .map(|value| value.to_string())
            .or_else(|| {
                let text = field
                    .as_ref()
                    .map_or_else(|| "null".to_string(), suggested_value);
                let value = serde_json::from_str::<Value>(&text).ok()?;
                accepts(self.schema, self.value, &field_path, &value, self.now).then_some(text)
            });
        let mut diagnostic = Diagnostic::new(
            Code::SchemaRequired,
            self.object_name_range(path),
            format!("missing required property '{property}'{title} in {place}{when}"),
        );
        if let Some(value) = value {
            diagnostic = diagnostic.with_fix(Fix::new(
                format!("Add '{property}': {value}"),
                vec![insert_member(self.doc, object, property, &value)],
            ));
        }
        out.push(diagnostic);
    }

    fn unknown_property(
        &self,
        path: &[PathSegment],
        object: &Node,
        key: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(members) = object.members() else {
            return;
        };
        let place = if path.is_empty() {
            self.request.options_key.to_string()
        } else {
            label(path, self.request.options_key)
        };
        let known: Vec<String> = if path.is_empty() {
            self.schema
                .fields()
                .iter()
                .map(|f| f.name.clone())
                .collect()
        } else {
            self.schema
                .field_at(path)
                .and_then(|f| {
                    f.schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().cloned().collect())
                })
                .unwrap_or_default()
        };
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = (!known.is_empty() && known.len() <= 20)
            .then(|| format!("; allowed: {}", known.join(", ")));
        for (index, _) in members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.key.name == key)
        {
            out.push(unknown_property(
                members,
                index,
                format!("unknown property '{key}' in {place}"),
                &known,
                hint.clone(),
            ));
        }
    }

    /// For an error inside an `if`/`then`/`else` block: the condition, in words, from the
    /// document's values (`acquisitionMode is 'stereo' (not 'mono')`).
    fn condition(&self, schema_path: &str, path: &[PathSegment]) -> Option<String> {
        self.schema.condition_of(schema_path, self.value, path)
    }

    /// Drops the fixes that would put a value the check rejects: each replacement of the
    /// value at `path` is tried in `params` first (at most [`FIX_CHECKS`] per check).
    pub(super) fn keep_accepted_fixes(&self, path: &[PathSegment], diagnostic: &mut Diagnostic) {
        let Some(node) = self.node_at(path) else {
            return;
        };
        let node: &Node = &node;
        diagnostic.fixes.retain(|fix| {
            let [edit] = fix.edits.as_slice() else {
                return true;
            };
            if edit.range != node.range {
                return true;
            }
            let Ok(value) = serde_json::from_str::<Value>(&edit.new_text) else {
                return true;
            };
            let mut checks = self.fix_checks.borrow_mut();
            if *checks >= FIX_CHECKS {
                return true;
            }
            *checks += 1;
            accepts(self.schema, self.value, path, &value, self.now)
        });
    }
}

/// How many candidate fixes one check tries against the schema (each try is one validation
/// of `params`).
const FIX_CHECKS: usize = 200;

fn describe_types(type_keyword: &Value) -> String {
    let article = |t: &str| match t {
        "integer" | "object" | "array" => format!("an {t}"),
        "null" => "null".to_string(),
        other => format!("a {other}"),
    };
    match type_keyword {
        Value::String(t) => article(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .map(article)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "another type".to_string(),
    }
}

/// A number in quotes becomes a number; a number where a string is expected gets quotes.
fn type_fixes(node: &Node, found: &Value, expected: &str) -> Vec<Fix> {
    match found {
        Value::String(text) if expected.contains("integer") || expected.contains("number") => {
            match text.trim().parse::<f64>() {
                Ok(number)
                    if number.is_finite()
                        && (!expected.contains("integer")
                            || number.fract() == 0.0
                            || expected.contains("number")) =>
                {
                    vec![Fix::replace(
                        format!("Convert to the number {}", show_number(number)),
                        node.range,
                        show_number(number),
                    )
                    .preferred()]
                }
                _ => Vec::new(),
            }
        }
        Value::Number(number) if expected.contains("string") => {
            vec![Fix::replace(
                format!("Convert to the string \"{number}\""),
                node.range,
                format!("\"{number}\""),
            )
            .preferred()]
        }
        Value::Number(number) if expected.contains("integer") => match number.as_f64() {
            Some(value) if value.is_finite() => {
                let rounded = value.round();
                vec![Fix::replace(
                    format!("Round to {}", show_number(rounded)),
                    node.range,
                    show_number(rounded),
                )
                .preferred()]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// How many "Change to" fixes an enum diagnostic carries: the suggestion and the first
/// allowed values (a 50,000-value enum must not make 50,000 fixes per error).
const ENUM_FIXES: usize = 20;

/// `'stero' is not allowed for acquisitionMode; did you mean 'stereo'? Allowed: ...`, with a
/// fix per allowed value (the suggestion preferred). `shown` is the value as the message
/// quotes it, `when` the condition that brought the constraint (or empty).
pub(crate) fn enum_diagnostic(
    node: &Node,
    name: &str,
    shown: &str,
    found: &Value,
    allowed: &[AllowedValue],
    when: &str,
) -> Diagnostic {
    let options: Vec<String> = allowed.iter().map(|a| value_text(&a.value)).collect();
    let typed = match found {
        Value::String(typed) => typed.clone(),
        other => value_text(other),
    };
    let suggestion = closest(&typed, options.iter().map(String::as_str)).map(str::to_string);
    let mut message = format!("{shown} is not allowed for {name}{when}");
    match &suggestion {
        Some(suggestion) => message.push_str(&format!(
            "; did you mean {}? Allowed: ",
            show_value(&Value::String(suggestion.clone()))
        )),
        None => message.push_str("; allowed: "),
    }
    message.push_str(&list_allowed(allowed));
    let mut diagnostic = Diagnostic::new(Code::SchemaEnum, node.range, message);
    let suggested = suggestion
        .as_deref()
        .and_then(|s| allowed.iter().find(|a| value_text(&a.value) == s));
    let fix = |option: &AllowedValue| {
        Fix::replace(
            format!("Change to {}", show_value(&option.value)),
            node.range,
            option.value.to_string(),
        )
    };
    if let Some(option) = suggested {
        diagnostic.fixes.push(fix(option).preferred());
    }
    for option in allowed {
        if diagnostic.fixes.len() >= ENUM_FIXES {
            break;
        }
        if Some(option) != suggested {
            diagnostic.fixes.push(fix(option));
        }
    }
    diagnostic
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn range_diagnostic(
    node: &Node,
    name: &str,
    shown: &str,
    kind: &ValidationErrorKind,
    limit: &Value,
    field: Option<&FieldInfo>,
    when: &str,
) -> Diagnostic {
    let limit_value = limit.as_f64().unwrap_or(0.0);
    let limit_text = show_number(limit_value);
    let relation = match kind {
        ValidationErrorKind::Minimum { .. } => format!("below the minimum {limit_text}"),
        ValidationErrorKind::Maximum { .. } => format!("above the maximum {limit_text}"),
        ValidationErrorKind::ExclusiveMinimum { .. } => {
            format!("must be greater than {limit_text}")
        }
        _ => format!("must be less than {limit_text}"),
    };
    let bounds = field.and_then(|f| match (f.minimum, f.maximum) {
        (Some(min), Some(max)) => Some(format!(
            " (allowed: {} to {})",
            show_number(min),
            show_number(max)
        )),
        _ => None,
    });
    let message = format!(
        "{name} is {shown}, {relation}{when}{}",
        bounds.unwrap_or_default()
    );
    let mut diagnostic = Diagnostic::new(Code::SchemaRange, node.range, message);
    if matches!(
        kind,
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. }
    ) {
        diagnostic = diagnostic.with_fix(
            Fix::replace(
                format!("Clamp to {limit_text}"),
                node.range,
                limit_text.clone(),
            )
            .preferred(),
        );
    }
    diagnostic
}

fn format_diagnostic(
    node: &Node,
    name: &str,
    found: &Value,
    format: &str,
    when: &str,
) -> Diagnostic {
    let (what, example) = match format {
        "date-time" => ("an RFC 3339 date-time", Some("2027-03-01T00:00:00Z")),
        "date" => ("a date", Some("2027-03-01")),
        "uuid" => ("a UUID", Some("bd102407-1814-4f92-8b5a-7697b7a73f5a")),
        "email" => ("an e-mail address", None),
        "uri" => ("a URI", None),
        _ => ("", None),
    };
    let mut message = if what.is_empty() {
        format!(
            "{name} {} is not a valid {}{when}",
            show_value(found),
            show_text(format)
        )
    } else {
        format!("{name} must be {what}{when}, found {}", show_value(found))
    };
    if let Some(example) = example {
        message.push_str(&format!(" (like {example})"));
    }
    let mut diagnostic = Diagnostic::new(Code::SchemaFormat, node.range, message);
    if format == "date-time" {
        if let Some(fixed) = found.as_str().and_then(repair_date_time) {
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Change to '{fixed}'"),
                    node.range,
                    format!("\"{fixed}\""),
                )
                .preferred(),
            );
        }
    }
    diagnostic
}

/// Common near-misses of RFC 3339: a bare date, a space for `T`, a missing zone.
fn repair_date_time(text: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let text = text.trim();
    let candidate = if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
    } else if let Ok(naive) =
        NaiveDateTime::parse_from_str(&text.replace(' ', "T"), "%Y-%m-%dT%H:%M:%S%.f")
    {
        format!("{}Z", naive.format("%Y-%m-%dT%H:%M:%S%.f"))
    } else {
        text.replace(' ', "T")
    };
    (candidate != text && DateTime::parse_from_rfc3339(&candidate).is_ok()).then_some(candidate)
}

/// The JSON a user would most likely want for a field: its default, else its first allowed
/// value, else a placeholder of the right type.
pub fn suggested_value(field: &FieldInfo) -> String {
    if let Some(default) = &field.default {
        return default.to_string();
    }
    if let Some(first) = field.allowed.first() {
        return first.value.to_string();
    }
    if field.is_polygon {
        return r#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}"#
            .to_string();
    }
    if field.format.as_deref() == Some("date-time") {
        return format!(
            "\"{}\"",
            (chrono::Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%dT00:00:00Z")
        );
    }
    match field.types.first().map(String::as_str) {
        Some("integer") | Some("number") => field.minimum.map_or("0".to_string(), show_number),
        Some("boolean") => "false".to_string(),
        Some("array") => "[]".to_string(),
        Some("object") => "{}".to_string(),
        Some("null") => "null".to_string(),
        _ => "\"\"".to_string(),
    }
}
