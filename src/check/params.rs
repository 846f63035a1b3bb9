//! `schema.*`: `params` validated against the product schema with the jsonschema crate, each
//! error mapped back to the exact key or value it is about and told in the field's own words.

use std::collections::HashSet;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::edits::insert_member;
use super::envelope::{Request, RequestForm};
use super::messages::{closest, list_allowed, plural, show_number, show_value};
use super::unknown::unknown_property;
use super::{Code, Diagnostic, Fix};
use crate::document::{Document, Node, PathSegment, TextRange};
use crate::schema::{FieldInfo, ProductSchema};

pub(super) fn check(
    doc: &Document,
    request: &Request<'_>,
    schema: &ProductSchema,
    out: &mut Vec<Diagnostic>,
) {
    let Some(params) = request.params else { return };
    let validator = match schema.validator() {
        Ok(validator) => validator,
        Err(message) => {
            let range = request
                .root
                .get("dataProduct")
                .map_or(params.range, |n| n.range);
            out.push(Diagnostic::new(
                Code::SchemaOther,
                range,
                format!(
                    "the schema of product {} cannot be used: {message}",
                    schema.id
                ),
            ));
            return;
        }
    };
    let polygon_fields: HashSet<String> = schema
        .fields()
        .iter()
        .filter(|f| super::field_geometry_model(schema, f).is_some())
        .map(|f| f.name.clone())
        .collect();
    let value = value_without_coordinates(params, &polygon_fields);
    let errors: Vec<_> = validator.iter_errors(&value).collect();
    let mistyped: HashSet<String> = errors
        .iter()
        .filter(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    let context = Context {
        doc,
        request,
        schema,
        params,
    };
    for error in &errors {
        let path = instance_path(error.instance_path());
        if owned_by_geometry_check(&path, &polygon_fields) {
            continue;
        }
        let is_value_check = !matches!(
            error.kind(),
            ValidationErrorKind::Type { .. }
                | ValidationErrorKind::Required { .. }
                | ValidationErrorKind::AdditionalProperties { .. }
        );
        if is_value_check && mistyped.contains(error.instance_path().as_str()) {
            continue;
        }
        context.diagnose(
            &path,
            error.kind(),
            error.schema_path().as_str(),
            &error.to_string(),
            out,
        );
    }
}

/// `params` as serde_json reads it, but with the coordinates of polygon fields left empty:
/// the geometry checks own them, and a 200,000-vertex ring need not be copied and
/// schema-checked position by position.
fn value_without_coordinates(params: &Node, polygon_fields: &HashSet<String>) -> Value {
    let mut map = serde_json::Map::new();
    for member in params.members().unwrap_or(&[]) {
        let Some(node) = &member.value else { continue };
        let value = if polygon_fields.contains(&member.key.name) && node.members().is_some() {
            let mut polygon = serde_json::Map::new();
            for part in node.members().unwrap_or(&[]) {
                let Some(part_node) = &part.value else {
                    continue;
                };
                let part_value = if part.key.name == "coordinates" && part_node.items().is_some() {
                    Some(Value::Array(Vec::new()))
                } else {
                    part_node.to_value()
                };
                if let Some(part_value) = part_value {
                    polygon.insert(part.key.name.clone(), part_value);
                }
            }
            Some(Value::Object(polygon))
        } else {
            node.to_value()
        };
        if let Some(value) = value {
            map.insert(member.key.name.clone(), value);
        }
    }
    Value::Object(map)
}

/// The geometry checks report ring and position problems with more precision.
fn owned_by_geometry_check(path: &[PathSegment], polygon_fields: &HashSet<String>) -> bool {
    matches!(path, [PathSegment::Key(field), PathSegment::Key(coordinates), ..]
        if polygon_fields.contains(field) && coordinates == "coordinates")
}

fn instance_path(location: &jsonschema::paths::Location) -> Vec<PathSegment> {
    location
        .iter()
        .map(|segment| match segment {
            LocationSegment::Property(name) => PathSegment::Key(name.to_string()),
            LocationSegment::Index(index) => PathSegment::Index(index),
        })
        .collect()
}

/// `cloudCoverage`, `geometry.type`, `tags[0]`.
fn label(path: &[PathSegment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            PathSegment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    if text.is_empty() {
        "params".to_string()
    } else {
        text
    }
}

struct Context<'a> {
    doc: &'a Document,
    request: &'a Request<'a>,
    schema: &'a ProductSchema,
    params: &'a Node,
}

impl Context<'_> {
    fn node_at(&self, path: &[PathSegment]) -> Option<&Node> {
        let mut node = self.params;
        for segment in path {
            node = match segment {
                PathSegment::Key(key) => node.get(key)?,
                PathSegment::Index(index) => node.items()?.get(*index)?,
            };
        }
        Some(node)
    }

    /// The range that names an object: its key in the parent, or its opening brace.
    fn object_name_range(&self, path: &[PathSegment]) -> TextRange {
        if path.is_empty() {
            if let Some(member) = self.request.root.member("params") {
                return member.key.range;
            }
        } else if let (Some(PathSegment::Key(key)), Some(parent)) =
            (path.last(), self.node_at(&path[..path.len() - 1]))
        {
            if let Some(member) = parent.member(key) {
                return member.key.range;
            }
        }
        let node = self.node_at(path).unwrap_or(self.params);
        TextRange::new(node.range.start as usize, node.range.start as usize + 1)
    }

    fn diagnose(
        &self,
        path: &[PathSegment],
        kind: &ValidationErrorKind,
        schema_path: &str,
        fallback: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(node) = self.node_at(path) else {
            return;
        };
        let field = self.schema.field_at(path);
        let name = label(path);
        let condition = self.condition(schema_path);
        let when = condition
            .as_deref()
            .map(|c| format!(" when {c}"))
            .unwrap_or_default();
        let found = node.to_value().unwrap_or(Value::Null);
        match kind {
            ValidationErrorKind::Required { property } => {
                let Some(property) = property.as_str() else {
                    return;
                };
                self.missing(path, node, property, out);
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
                let mut diagnostic = Diagnostic::new(
                    Code::SchemaType,
                    node.range,
                    format!(
                        "{name} must be {expected}{when}, found {} {}",
                        node.type_name(),
                        show_value(&found)
                    ),
                );
                diagnostic.fixes.extend(type_fixes(node, &found, &expected));
                out.push(diagnostic);
            }
            ValidationErrorKind::Enum { .. }
            | ValidationErrorKind::Constant { .. }
            | ValidationErrorKind::AnyOf { .. }
            | ValidationErrorKind::OneOfNotValid { .. }
                if field.as_ref().is_some_and(|f| !f.allowed.is_empty()) =>
            {
                out.push(enum_diagnostic(
                    node,
                    &name,
                    &found,
                    field.as_ref().unwrap(),
                    &when,
                ));
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(range_diagnostic(
                    node,
                    &name,
                    &found,
                    kind,
                    limit,
                    field.as_ref(),
                ));
            }
            ValidationErrorKind::MinLength { limit } | ValidationErrorKind::MaxLength { limit } => {
                let length = found.as_str().map_or(0, |s| s.chars().count() as u64);
                let too_short = matches!(kind, ValidationErrorKind::MinLength { .. });
                let message = if too_short && length == 0 {
                    format!(
                        "{name} must not be empty (at least {})",
                        plural(*limit, "character")
                    )
                } else if too_short {
                    format!(
                        "{name} has {}; at least {} needed",
                        plural(length, "character"),
                        limit
                    )
                } else {
                    format!(
                        "{name} has {}; at most {} allowed",
                        plural(length, "character"),
                        limit
                    )
                };
                out.push(Diagnostic::new(Code::SchemaLength, node.range, message));
            }
            ValidationErrorKind::MinItems { limit } | ValidationErrorKind::MaxItems { limit } => {
                let count = found.as_array().map_or(0, Vec::len) as u64;
                let bound = if matches!(kind, ValidationErrorKind::MinItems { .. }) {
                    "at least"
                } else {
                    "at most"
                };
                out.push(Diagnostic::new(
                    Code::SchemaLength,
                    node.range,
                    format!(
                        "{name} has {}; {bound} {limit} allowed",
                        plural(count, "item")
                    ),
                ));
            }
            ValidationErrorKind::Format { format } => {
                out.push(format_diagnostic(node, &name, &found, format));
            }
            ValidationErrorKind::Pattern { pattern } => {
                let example = field
                    .as_ref()
                    .and_then(|f| f.default.as_ref())
                    .map(show_value);
                let mut message = format!(
                    "{name} {} does not match the pattern {pattern}",
                    show_value(&found)
                );
                if let Some(example) = example {
                    message.push_str(&format!(" (for example {example})"));
                }
                out.push(Diagnostic::new(Code::SchemaFormat, node.range, message));
            }
            _ => {
                out.push(Diagnostic::new(
                    Code::SchemaOther,
                    node.range,
                    format!("{name}: {fallback}{when}"),
                ));
            }
        }
    }

    fn missing(
        &self,
        path: &[PathSegment],
        object: &Node,
        property: &str,
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
        let field = self.schema.field_at(&field_path);
        let title = field
            .as_ref()
            .and_then(|f| f.title.as_deref())
            .filter(|t| !t.eq_ignore_ascii_case(property))
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let place = if path.is_empty() {
            "params".to_string()
        } else {
            label(path)
        };
        let value = field
            .as_ref()
            .map_or_else(|| "null".to_string(), suggested_value);
        out.push(
            Diagnostic::new(
                Code::SchemaRequired,
                self.object_name_range(path),
                format!("missing required property '{property}'{title} in {place}"),
            )
            .with_fix(Fix::new(
                format!("Add '{property}': {value}"),
                vec![insert_member(self.doc, object, property, &value)],
            )),
        );
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
            "params".to_string()
        } else {
            label(path)
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

    /// For an error inside an `if`/`then`/`else` block: the condition, in words.
    fn condition(&self, schema_path: &str) -> Option<String> {
        let segments: Vec<&str> = schema_path.split('/').collect();
        let branch = segments
            .iter()
            .rposition(|s| *s == "then" || *s == "else")?;
        let if_pointer = format!("{}/if", segments[..branch].join("/"));
        let condition = self.schema.subschema_at(&if_pointer)?;
        let negate = segments[branch] == "else";
        let properties = condition.get("properties")?.as_object()?;
        let parts: Vec<String> = properties
            .iter()
            .filter_map(|(key, sub)| {
                let values: Vec<String> = if let Some(constant) = sub.get("const") {
                    vec![show_value(constant)]
                } else {
                    sub.get("enum")?
                        .as_array()?
                        .iter()
                        .map(show_value)
                        .collect()
                };
                let verb = match (negate, values.len()) {
                    (false, 1) => "is",
                    (true, 1) => "is not",
                    (false, _) => "is one of",
                    (true, _) => "is none of",
                };
                Some(format!("{key} {verb} {}", values.join(", ")))
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

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

pub(crate) fn enum_diagnostic(
    node: &Node,
    name: &str,
    found: &Value,
    field: &FieldInfo,
    when: &str,
) -> Diagnostic {
    let options: Vec<String> = field.allowed.iter().map(|a| value_text(&a.value)).collect();
    let suggestion = match found {
        Value::String(typed) => {
            closest(typed, options.iter().map(String::as_str)).map(str::to_string)
        }
        other => {
            closest(&value_text(other), options.iter().map(String::as_str)).map(str::to_string)
        }
    };
    let mut message = format!("{} is not allowed for {name}{when}", show_value(found));
    if let Some(suggestion) = &suggestion {
        message.push_str(&format!("; did you mean '{suggestion}'?"));
    }
    message.push_str(&format!(" Allowed: {}", list_allowed(&field.allowed)));
    let mut diagnostic = Diagnostic::new(Code::SchemaEnum, node.range, message);
    for allowed in &field.allowed {
        let text = value_text(&allowed.value);
        let fix = Fix::replace(
            format!("Change to {}", show_value(&allowed.value)),
            node.range,
            allowed.value.to_string(),
        );
        diagnostic
            .fixes
            .push(if suggestion.as_deref() == Some(text.as_str()) {
                fix.preferred()
            } else {
                fix
            });
    }
    // The suggested value first, so "quick fix" picks it.
    diagnostic.fixes.sort_by_key(|f| !f.preferred);
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
    found: &Value,
    kind: &ValidationErrorKind,
    limit: &Value,
    field: Option<&FieldInfo>,
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
        "{name} is {}, {relation}{}",
        show_value(found),
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

fn format_diagnostic(node: &Node, name: &str, found: &Value, format: &str) -> Diagnostic {
    let (what, example) = match format {
        "date-time" => ("an RFC 3339 date-time", Some("2027-03-01T00:00:00Z")),
        "date" => ("a date", Some("2027-03-01")),
        "uuid" => ("a UUID", Some("bd102407-1814-4f92-8b5a-7697b7a73f5a")),
        "email" => ("an e-mail address", None),
        "uri" => ("a URI", None),
        _ => ("", None),
    };
    let mut message = if what.is_empty() {
        format!("{name} {} is not a valid {format}", show_value(found))
    } else {
        format!("{name} must be {what}, found {}", show_value(found))
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
