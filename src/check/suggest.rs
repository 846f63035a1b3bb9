//! Values to offer for a field — in completion, key snippets, `init` skeletons and fixes —
//! each checked in its context before it is offered: a value is offered only when, put in the
//! document's `params`, the product schema reports nothing at or under that field (and the
//! date rules nothing on it). The facts come from the active branch
//! ([`ProductSchema::active_field`]), so in stereo mode `minBH` gets numbers, never `null`.

use chrono::{DateTime, Datelike, Duration, Months, Utc};
use serde_json::{Map, Value};

use crate::document::PathSegment;
use crate::schema::{FieldInfo, ProductSchema};

/// A value that can be inserted for a field, with what it is (`default`, `minimum`, a title).
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub value: Value,
    pub detail: Option<String>,
}

/// Every value worth offering for the field at `path` inside `params` (the document's `params`
/// as serde_json reads it, polygon coordinates may be left empty), best first, keeping only
/// those [`accepts`] takes. Empty when the schema does not describe the path or no value
/// of ours passes (then a snippet leaves a bare tab stop, never an invalid value).
pub fn suggestions(
    schema: &ProductSchema,
    params: &Value,
    path: &[PathSegment],
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let Some(field) = schema.active_field(params, path) else {
        return Vec::new();
    };
    let mut tried = candidates(&field, params, path, now);
    if is_polygon_coordinates(schema, params, path) {
        // The geometry checks own a polygon's coordinates: an empty array passes the schema
        // but not them (a Polygon needs its exterior ring). Offer a closed ring instead.
        tried.retain(|c| !matches!(&c.value, Value::Array(items) if items.is_empty()));
        if let Some(ring) = serde_json::from_str::<Value>(POLYGON)
            .ok()
            .and_then(|p| p.get("coordinates").cloned())
        {
            tried.insert(
                0,
                Suggestion {
                    value: ring,
                    detail: Some("Closed counter-clockwise square; edit its positions".into()),
                },
            );
        }
    }
    let mut out: Vec<Suggestion> = Vec::new();
    for candidate in tried {
        if out.iter().any(|s| s.value == candidate.value) {
            continue;
        }
        if accepts(schema, params, path, &candidate.value, now) {
            out.push(candidate);
        }
    }
    out
}

/// True when `path` is the `coordinates` of a polygon field.
fn is_polygon_coordinates(schema: &ProductSchema, params: &Value, path: &[PathSegment]) -> bool {
    match path.split_last() {
        Some((PathSegment::Key(last), parent)) if last == "coordinates" && !parent.is_empty() => {
            schema
                .active_field(params, parent)
                .is_some_and(|f| f.is_polygon)
        }
        _ => false,
    }
}

/// The value a snippet, an `init` skeleton or an "add the missing property" fix inserts: the
/// first of [`suggestions`].
pub fn suggested(
    schema: &ProductSchema,
    params: &Value,
    path: &[PathSegment],
    now: DateTime<Utc>,
) -> Option<Value> {
    suggestions(schema, params, path, now)
        .into_iter()
        .next()
        .map(|s| s.value)
}

/// True when `candidate`, put at `path` in `params`, draws no diagnostic on that field: no
/// schema error at or under `path` (nor an `additionalProperties` error naming it), and for
/// `acquisitionStart`/`acquisitionEnd` neither an end not after the start nor a start in the
/// past (the `dates.*` rules).
pub fn accepts(
    schema: &ProductSchema,
    params: &Value,
    path: &[PathSegment],
    candidate: &Value,
    now: DateTime<Utc>,
) -> bool {
    let Ok(validator) = schema.validator() else {
        return true;
    };
    let mut params = params.clone();
    if !put(&mut params, path, candidate.clone()) {
        return true;
    }
    let pointer = pointer_of(path);
    let parent = pointer_of(&path[..path.len().saturating_sub(1)]);
    let key = match path.last() {
        Some(PathSegment::Key(key)) => Some(key.as_str()),
        _ => None,
    };
    for error in validator.iter_errors(&params) {
        let at = error.instance_path().as_str();
        let inside = at == pointer || at.starts_with(&format!("{pointer}/"));
        let names_it = at == parent
            && matches!(error.kind(),
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected }
                    if key.is_some_and(|k| unexpected.iter().any(|u| u == k)));
        if inside || names_it {
            return false;
        }
    }
    if let [PathSegment::Key(name)] = path {
        let date = |key: &str| {
            params
                .get(key)
                .and_then(Value::as_str)
                .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
                .map(|d| d.with_timezone(&Utc))
        };
        let (start, end) = (date("acquisitionStart"), date("acquisitionEnd"));
        match name.as_str() {
            "acquisitionStart" => {
                if start.is_some_and(|s| s < now) {
                    return false;
                }
                if let (Some(start), Some(end)) = (start, end) {
                    return end > start;
                }
            }
            "acquisitionEnd" => {
                if let (Some(start), Some(end)) = (start, end) {
                    return end > start;
                }
            }
            _ => {}
        }
    }
    true
}

/// Sets the value at `path`, creating the objects on the way; false when an array index or a
/// non-object stands in the way.
fn put(root: &mut Value, path: &[PathSegment], value: Value) -> bool {
    let Some((last, parents)) = path.split_last() else {
        *root = value;
        return true;
    };
    let mut current = root;
    for segment in parents {
        current = match segment {
            PathSegment::Key(key) => match current {
                Value::Object(map) => map
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new())),
                _ => return false,
            },
            PathSegment::Index(index) => match current.get_mut(*index) {
                Some(item) => item,
                None => return false,
            },
        };
    }
    match (last, current) {
        (PathSegment::Key(key), Value::Object(map)) => {
            map.insert(key.clone(), value);
            true
        }
        (PathSegment::Index(index), Value::Array(items)) if *index < items.len() => {
            items[*index] = value;
            true
        }
        _ => false,
    }
}

/// The JSON pointer of a path, as jsonschema writes instance locations.
fn pointer_of(path: &[PathSegment]) -> String {
    path.iter()
        .map(|segment| match segment {
            PathSegment::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            PathSegment::Index(index) => format!("/{index}"),
        })
        .collect()
}

/// The values tried for a field, before [`accepts`] filters them: its default, its allowed
/// values, then by format and type (dates in the future, the bounds of a number, an example of
/// a pattern, `false`/`true`, `null`, empty containers).
fn candidates(
    field: &FieldInfo,
    params: &Value,
    path: &[PathSegment],
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut push = |value: Value, detail: Option<String>| out.push(Suggestion { value, detail });
    if let Some(default) = &field.default {
        push(default.clone(), Some("default".to_string()));
    }
    for allowed in &field.allowed {
        push(allowed.value.clone(), allowed.title.clone());
    }
    if field.is_polygon {
        push(
            serde_json::from_str(POLYGON).unwrap_or(Value::Null),
            Some("Closed counter-clockwise square; edit its positions".to_string()),
        );
    }
    let has = |t: &str| field.types.iter().any(|x| x == t) || field.types.is_empty();
    match field.format.as_deref() {
        Some("date-time") => {
            for (date, detail) in date_times(field, params, now) {
                push(Value::String(date), Some(detail));
            }
        }
        Some("date") => push(
            Value::String((now + Duration::days(7)).format("%Y-%m-%d").to_string()),
            None,
        ),
        Some("uuid") => push(
            Value::String("00000000-0000-4000-8000-000000000000".to_string()),
            None,
        ),
        Some("email") => push(Value::String("name@example.com".to_string()), None),
        Some("uri") => push(Value::String("https://example.com".to_string()), None),
        _ => {}
    }
    if !field.types.is_empty() && field.types.iter().all(|t| t == "null") {
        push(Value::Null, None);
    }
    let integer =
        field.types.iter().any(|t| t == "integer") && !field.types.iter().any(|t| t == "number");
    if field.types.iter().any(|t| t == "integer" || t == "number") {
        for (bound, detail) in numbers(field, integer) {
            push(bound, Some(detail));
        }
    }
    if field.types.iter().any(|t| t == "boolean") {
        push(Value::Bool(false), None);
        push(Value::Bool(true), None);
    }
    if field.types.iter().any(|t| t == "string")
        || (field.types.is_empty() && field.format.is_none())
    {
        for text in strings(field) {
            push(Value::String(text), None);
        }
    }
    if has("array") && !field.types.is_empty() {
        push(Value::Array(Vec::new()), None);
    }
    if has("object") && !field.types.is_empty() && !field.is_polygon {
        push(Value::Object(Map::new()), None);
    }
    if field.types.iter().any(|t| t == "null") {
        push(Value::Null, None);
    }
    let _ = path;
    out
}

/// A closed, counter-clockwise box of about 10.8 km × 11.1 km (120 km²) in Berlin: above
/// the bundled collections' minimum charge (`aoi.minimum-charge`), so it is charged as drawn.
pub const POLYGON: &str = r#"{"type": "Polygon", "coordinates": [[[13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56], [13.3, 52.46]]]}"#;

/// The bounds of a number field and a value between them, with what each is.
fn numbers(field: &FieldInfo, integer: bool) -> Vec<(Value, String)> {
    let number = |n: f64| -> Value {
        if integer || (n.fract() == 0.0 && n.abs() < 1e15) {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    };
    let step = if integer { 1.0 } else { 0.01 };
    let low = field
        .minimum
        .map(|m| (if integer { m.ceil() } else { m }, "minimum"))
        .or(field.exclusive_minimum.map(|m| {
            (
                if integer { m.floor() + 1.0 } else { m + step },
                "above the minimum",
            )
        }));
    let high = field
        .maximum
        .map(|m| (if integer { m.floor() } else { m }, "maximum"))
        .or(field.exclusive_maximum.map(|m| {
            (
                if integer { m.ceil() - 1.0 } else { m - step },
                "below the maximum",
            )
        }));
    let mut out = Vec::new();
    if let Some((low, detail)) = low {
        out.push((number(low), detail.to_string()));
    }
    if let Some((high, detail)) = high {
        out.push((number(high), detail.to_string()));
    }
    if let (Some((low, _)), Some((high, _))) = (low, high) {
        let middle = (low + high) / 2.0;
        let middle = if integer {
            middle.round()
        } else {
            (middle * 100.0).round() / 100.0
        };
        out.push((number(middle), "within the range".to_string()));
    }
    if low.is_none() && high.is_none() {
        out.push((Value::from(0), "a number".to_string()));
    }
    out
}

/// Strings for a string field: the examples its description quotes, an example of its
/// `pattern`, and a run of `x` as long as `minLength` asks.
fn strings(field: &FieldInfo) -> Vec<String> {
    let mut out = Vec::new();
    let pattern = field.schema.get("pattern").and_then(Value::as_str);
    if let Some(description) = &field.description {
        // `"4326"`, `e.g. 4326`: what the provider wrote as an example.
        for quoted in description.split('"').skip(1).step_by(2) {
            if !quoted.is_empty() && quoted.len() <= 100 {
                out.push(quoted.to_string());
            }
        }
    }
    if let Some(example) = pattern.and_then(pattern_example) {
        out.push(example);
    }
    let min = field.min_length.unwrap_or(0) as usize;
    out.push("x".repeat(min.min(10_000)));
    out
}

/// A short string the regular expression matches (anywhere, as JSON Schema's `pattern`
/// does), read off its syntax tree: the first alternative, the first character of each class,
/// each repetition at its minimum. `None` when the pattern is not one regex-syntax reads
/// (look-arounds, back-references); the caller checks the result with the validator anyway.
pub fn pattern_example(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, HirKind};
    fn walk(hir: &regex_syntax::hir::Hir, out: &mut String, depth: usize) -> Option<()> {
        if depth > 64 || out.len() > 1000 {
            return None;
        }
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => {
                let ranges = class.ranges();
                // A digit or a letter reads better than the class's first code point.
                let pick = ['0', '4', 'a', 'A']
                    .into_iter()
                    .find(|c| ranges.iter().any(|r| r.start() <= *c && *c <= r.end()))
                    .or_else(|| ranges.first().map(|r| r.start()))?;
                out.push(pick);
            }
            HirKind::Class(Class::Bytes(class)) => {
                let byte = class.ranges().first()?.start();
                out.push(char::from(byte).is_ascii().then_some(char::from(byte))?);
            }
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min.min(1000) {
                    walk(&repetition.sub, out, depth + 1)?;
                }
            }
            HirKind::Capture(capture) => walk(&capture.sub, out, depth + 1)?,
            HirKind::Concat(parts) => {
                for part in parts {
                    walk(part, out, depth + 1)?;
                }
            }
            HirKind::Alternation(alternatives) => walk(alternatives.first()?, out, depth + 1)?,
        }
        Some(())
    }
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    walk(&hir, &mut out, 0)?;
    Some(out)
}

/// Date-times for a field, best first, each with what it is: for an end date one month after
/// the start when there is one, then next Monday 00:00Z and a month later.
pub fn date_times(field: &FieldInfo, params: &Value, now: DateTime<Utc>) -> Vec<(String, String)> {
    let show = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let today = now.date_naive();
    let days_ahead = 7 - today.weekday().num_days_from_monday() as i64;
    let monday = (today + Duration::days(days_ahead))
        .and_hms_opt(0, 0, 0)
        .map_or(now, |d| d.and_utc());
    let month_later = |d: DateTime<Utc>| d.checked_add_months(Months::new(1)).unwrap_or(d);
    let mut out = Vec::new();
    let base = field.name.rsplit('.').next().unwrap_or(&field.name);
    if base.to_ascii_lowercase().ends_with("end") {
        let start = params
            .get("acquisitionStart")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok());
        if let Some(start) = start {
            out.push((
                show(month_later(start.with_timezone(&Utc))),
                "One month after acquisitionStart".to_string(),
            ));
        }
        out.push((
            show(month_later(monday)),
            "One month after next Monday".to_string(),
        ));
        out.push((show(monday), "Next Monday, 00:00 UTC".to_string()));
    } else {
        out.push((show(monday), "Next Monday, 00:00 UTC".to_string()));
        out.push((
            show(month_later(monday)),
            "One month after next Monday".to_string(),
        ));
    }
    out
}

/// The `params` of a new request for `schema`: every required property (including those a
/// branch requires once the others are set) with a value the check accepts — `display_name`
/// for `displayName`, a window starting in a week and lasting a month, then the first of
/// [`suggestions`] — in the schema's order. A property for which no value of ours is
/// accepted is left out (the check then reports it missing rather than wrong).
pub fn skeleton_params(
    schema: &ProductSchema,
    display_name: &str,
    now: DateTime<Utc>,
) -> Map<String, Value> {
    let day = |days: i64| {
        Value::String(
            (now.date_naive() + Duration::days(days))
                .format("%Y-%m-%dT00:00:00Z")
                .to_string(),
        )
    };
    let mut params = Value::Object(Map::new());
    // A branch may require more once a value is set (`then: {required: [...]}`): a few rounds.
    for _ in 0..4 {
        let missing = missing_required(schema, &params);
        let mut added = false;
        for name in missing {
            let path = [PathSegment::Key(name.clone())];
            let polygon = schema.field(&name).is_some_and(|f| f.is_polygon);
            let preferred = match name.as_str() {
                // Central Berlin, counter-clockwise: about 120 km², above the minimum charge
                // of the bundled collections' acceptance limits (`aoi.minimum-charge`), so
                // that the skeleton is charged as drawn.
                _ if polygon => Some(serde_json::json!({
                    "type": "Polygon",
                    "coordinates": [[[13.3, 52.56], [13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56]]]
                })),
                "displayName" => Some(Value::String(display_name.to_string())),
                "acquisitionStart" => Some(day(7)),
                "acquisitionEnd" => Some(day(37)),
                _ => None,
            };
            let value = preferred
                .filter(|v| accepts(schema, &params, &path, v, now))
                .or_else(|| suggested(schema, &params, &path, now));
            if let (Some(value), Value::Object(map)) = (value, &mut params) {
                map.insert(name, value);
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    let Value::Object(mut map) = params else {
        return Map::new();
    };
    let mut ordered = Map::new();
    for field in schema.fields() {
        if let Some(value) = map.remove(&field.name) {
            ordered.insert(field.name.clone(), value);
        }
    }
    ordered.extend(map);
    ordered
}

/// The properties `params` lacks that the schema requires of it, as the validator reports
/// them (so branch requirements count).
pub fn missing_required(schema: &ProductSchema, params: &Value) -> Vec<String> {
    let Ok(validator) = schema.validator() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for error in validator.iter_errors(params) {
        if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind() {
            if error.instance_path().as_str().is_empty() {
                if let Some(name) = property.as_str() {
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
            }
        }
    }
    // The order of the schema's `required`, then of its properties, whatever order the
    // validator found them in.
    let required = schema.required();
    let fields: Vec<&str> = schema.fields().iter().map(|f| f.name.as_str()).collect();
    names.sort_by_key(|n| {
        (
            required.iter().position(|r| r == n).unwrap_or(usize::MAX),
            fields.iter().position(|f| f == n).unwrap_or(usize::MAX),
        )
    });
    names
}
