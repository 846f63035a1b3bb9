//! Completion: envelope and `params` keys, allowed values, booleans, product ids, polygon
//! skeletons and date-times, at a byte offset of a possibly half-typed document.
//!
//! Every item's edit replaces exactly the token under the cursor (quotes included), so
//! accepting an item inside `"st` or `""` never leaves doubled quotes.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, Months, Utc};
use serde_json::Value;

use super::docs::{field_markdown, show_number};
use super::request::{
    envelope_key, geojson_keys, place, Place, Request, ENVELOPE_KEYS, POLYGON_SKELETON,
};
use super::snippet::{choice, escape, placeholder, value_snippet};
use crate::check::{Edit, RequestForm};
use crate::document::{CursorContext, Document, Member, Node, NodeKind, PathSegment, TextRange};
use crate::schema::{FieldInfo, SchemaStore};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A key, inserted with its value.
    Property,
    /// A value of a field (a default, a date-time, a boolean, null).
    Value,
    /// One of a field's allowed values (`enum`, `const`, `anyOf` of consts).
    EnumMember,
    /// A data product id.
    Product,
    /// A larger template (a polygon, a whole request).
    Snippet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces the token under the cursor; `new_text` is snippet syntax when `is_snippet`.
    pub edit: Edit,
    /// Other edits applied with the item, away from the cursor: a comma after the previous
    /// member when a new member is inserted after it (LSP `additionalTextEdits`).
    pub additional_edits: Vec<Edit>,
    pub is_snippet: bool,
    pub sort_text: String,
    pub filter_text: Option<String>,
    pub preselect: bool,
}

/// The completion items at `offset` (a byte offset into the document text).
pub fn completions(doc: &Document, store: &SchemaStore, offset: usize) -> Vec<CompletionItem> {
    completions_at(doc, store, offset, Utc::now())
}

/// [`completions`] with "now" given, for the date-time suggestions (tests pin it).
pub fn completions_at(
    doc: &Document,
    store: &SchemaStore,
    offset: usize,
    now: DateTime<Utc>,
) -> Vec<CompletionItem> {
    let request = Request::new(doc, store);
    let cx = Context {
        doc,
        store,
        request: &request,
        now,
    };
    match doc.cursor_context(offset) {
        CursorContext::Key {
            object_path,
            object,
            member,
            range,
            ..
        } => cx.keys(
            &object_path,
            object,
            member,
            clamp_unterminated(doc, range, offset),
        ),
        CursorContext::Value {
            path, node, range, ..
        } => {
            let range = match node {
                // Before a container's opening bracket nothing sensible can replace it.
                Some(node) if matches!(node.kind, NodeKind::Object(_) | NodeKind::Array(_)) => {
                    return Vec::new()
                }
                // Right before a scalar (`"a": $0"mono"`): replace the scalar.
                Some(node) if range.is_empty() => node.range,
                _ => range,
            };
            cx.values(&path, clamp_unterminated(doc, range, offset))
        }
        CursorContext::None => Vec::new(),
    }
}

struct Context<'a> {
    doc: &'a Document,
    store: &'a SchemaStore,
    request: &'a Request<'a>,
    now: DateTime<Utc>,
}

/// A key that could be added, before it becomes an item.
struct KeyCandidate {
    name: String,
    detail: Option<String>,
    documentation: Option<String>,
    /// Snippet text of the value.
    value: String,
    required: bool,
}

impl Context<'_> {
    fn keys(
        &self,
        object_path: &[PathSegment],
        object: &Node,
        member: Option<&Member>,
        range: TextRange,
    ) -> Vec<CompletionItem> {
        let candidates = self.key_candidates(object_path);
        let present: HashSet<&str> = object
            .members()
            .unwrap_or_default()
            .iter()
            .filter(|m| !member.is_some_and(|current| std::ptr::eq(*m, current)))
            .map(|m| m.key.name.as_str())
            .collect();
        // On the key of a member that has its colon or value already, only the key changes.
        let key_only = member.is_some_and(|m| m.colon.is_some() || m.value.is_some());
        let quoted = self.doc.slice(range).starts_with('"');
        let text = self.doc.text();
        let before = last_significant(&text[..range.start as usize]);
        let after = text[range.end as usize..].trim_start().chars().next();
        let needs_comma_before = !key_only && before.is_some_and(|(_, c)| ends_value(c));
        let needs_comma_after = !key_only && after == Some('"');
        candidates
            .into_iter()
            .enumerate()
            .filter(|(_, c)| !present.contains(c.name.as_str()))
            .map(|(index, candidate)| {
                let key_json = json_string(&candidate.name);
                let (new_text, is_snippet) = if key_only {
                    (key_json.clone(), false)
                } else {
                    let comma = if needs_comma_after { "," } else { "" };
                    (
                        format!("{}: {}{comma}", escape(&key_json), candidate.value),
                        true,
                    )
                };
                let additional_edits = match before {
                    Some((at, _)) if needs_comma_before => vec![Edit {
                        range: TextRange::empty(at + 1),
                        new_text: ",".to_string(),
                    }],
                    _ => Vec::new(),
                };
                CompletionItem {
                    filter_text: quoted.then(|| key_json.clone()),
                    label: candidate.name,
                    kind: CompletionKind::Property,
                    detail: candidate.detail,
                    documentation: candidate.documentation,
                    edit: Edit { range, new_text },
                    additional_edits,
                    is_snippet,
                    sort_text: format!("{}{index:03}", if candidate.required { 0 } else { 1 }),
                    preselect: false,
                }
            })
            .collect()
    }

    fn key_candidates(&self, object_path: &[PathSegment]) -> Vec<KeyCandidate> {
        let place = place(object_path);
        match place {
            Place::Root => ENVELOPE_KEYS
                .iter()
                .filter(|k| !k.current_only || self.request.form == RequestForm::Current)
                .map(|k| KeyCandidate {
                    name: k.name.to_string(),
                    detail: Some(k.title.to_string()),
                    documentation: Some(k.description.to_string()),
                    value: value_snippet(k.value),
                    required: k.required,
                })
                .collect(),
            Place::Params(rest) => {
                let Some(schema) = &self.request.schema else {
                    return Vec::new();
                };
                let fields: Vec<FieldInfo> = if rest.is_empty() {
                    schema.fields().to_vec()
                } else {
                    let Some(parent) = schema.field_at(rest) else {
                        return Vec::new();
                    };
                    let names: Vec<String> = parent
                        .schema
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default();
                    names
                        .into_iter()
                        .filter_map(|name| {
                            let mut path = rest.to_vec();
                            path.push(PathSegment::Key(name));
                            schema.field_at(&path)
                        })
                        .collect()
                };
                fields
                    .iter()
                    .map(|field| KeyCandidate {
                        name: field.name.clone(),
                        detail: field.title.clone(),
                        documentation: Some(field_markdown(field, None)),
                        value: self.field_value_snippet(field),
                        required: field.required,
                    })
                    .collect()
            }
            Place::FeatureCollection([]) | Place::Feature([]) | Place::FeatureGeometry([]) => {
                geojson_keys(place)
                    .iter()
                    .map(|(name, description, value)| KeyCandidate {
                        name: name.to_string(),
                        detail: None,
                        documentation: Some(description.to_string()),
                        value: value_snippet(value),
                        required: true,
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The snippet of a field's value when its key is inserted.
    fn field_value_snippet(&self, field: &FieldInfo) -> String {
        if !field.allowed.is_empty() {
            let mut values: Vec<&Value> = field.allowed.iter().map(|a| &a.value).collect();
            // The default goes first: a choice starts on its first option.
            if let Some(default) = &field.default {
                if let Some(i) = values.iter().position(|v| *v == default) {
                    let value = values.remove(i);
                    values.insert(0, value);
                }
            }
            if let [only] = values[..] {
                return escape(&only.to_string());
            }
            if values.iter().all(|v| v.is_string()) {
                let inner: Vec<String> = values.iter().map(|v| json_inner(v)).collect();
                return format!("\"{}\"", choice(inner.iter().map(String::as_str)));
            }
            let texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            return choice(texts.iter().map(String::as_str));
        }
        if field.is_polygon {
            return format!("{}$0", escape(POLYGON_SKELETON));
        }
        if field.format.as_deref() == Some("date-time") {
            let (date, _) = self.date_suggestions(field)[0].clone();
            return format!("\"{}\"", placeholder(&date));
        }
        let has = |t: &str| field.types.iter().any(|x| x == t);
        if has("boolean") && field.types.len() == 1 {
            return match field.default {
                Some(Value::Bool(true)) => choice(["true", "false"]),
                _ => choice(["false", "true"]),
            };
        }
        if let Some(default) = &field.default {
            return value_snippet(&default.to_string());
        }
        if has("integer") || has("number") {
            return placeholder(&field.minimum.map_or("0".to_string(), show_number));
        }
        value_snippet(&crate::check::suggested_value(field))
    }

    fn values(&self, path: &[PathSegment], range: TextRange) -> Vec<CompletionItem> {
        let quoted = self.doc.slice(range).starts_with('"');
        let item = |label: String, kind: CompletionKind, new_text: String| CompletionItem {
            filter_text: quoted.then(|| format!("\"{label}")),
            label,
            kind,
            detail: None,
            documentation: None,
            edit: Edit { range, new_text },
            additional_edits: Vec::new(),
            is_snippet: false,
            sort_text: String::new(),
            preselect: false,
        };
        let mut items = match place(path) {
            Place::Root => vec![CompletionItem {
                is_snippet: true,
                detail: Some("A new order request".to_string()),
                ..item(
                    "{\"dataProduct\": …, \"params\": {…}}".to_string(),
                    CompletionKind::Snippet,
                    "{\n\t\"dataProduct\": \"$1\",\n\t\"params\": {$0}\n\\}".to_string(),
                )
            }],
            Place::DataProduct => self
                .store
                .products()
                .iter()
                .map(|product| {
                    let label = product_label(product);
                    let mut documentation = product.description.clone();
                    documentation.push_str(&format!("\n\n`{}`", product.id));
                    let words = format!("{label} {}", product.id);
                    CompletionItem {
                        detail: Some(product.collection.clone()),
                        documentation: Some(documentation.trim().to_string()),
                        filter_text: Some(if quoted { format!("\"{words}") } else { words }),
                        ..item(label, CompletionKind::Product, json_string(&product.id))
                    }
                })
                .collect(),
            Place::Params(rest) if !rest.is_empty() => {
                match self.request.schema.as_ref().and_then(|s| s.field_at(rest)) {
                    Some(field) => self.field_values(&field, &item),
                    None => Vec::new(),
                }
            }
            Place::FeatureGeometry([]) => vec![self.polygon_item(&item)],
            Place::FeatureGeometry([PathSegment::Key(k)]) if k == "type" => {
                vec![item(
                    "Polygon".into(),
                    CompletionKind::EnumMember,
                    "\"Polygon\"".into(),
                )]
            }
            Place::Feature([PathSegment::Key(k)]) if k == "type" => {
                vec![item(
                    "Feature".into(),
                    CompletionKind::EnumMember,
                    "\"Feature\"".into(),
                )]
            }
            Place::FeatureCollection([PathSegment::Key(k)]) if k == "type" => vec![item(
                "FeatureCollection".into(),
                CompletionKind::EnumMember,
                "\"FeatureCollection\"".into(),
            )],
            Place::FeatureCollection([PathSegment::Key(k)]) if k == "features" => Vec::new(),
            Place::Envelope(name, []) => match envelope_key(name) {
                Some(key) if key.value == "null" => {
                    vec![item("null".into(), CompletionKind::Value, "null".into())]
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for (index, item) in items.iter_mut().enumerate() {
            if item.sort_text.is_empty() {
                item.sort_text = format!("{index:03}");
            }
        }
        items
    }

    fn field_values(
        &self,
        field: &FieldInfo,
        item: &dyn Fn(String, CompletionKind, String) -> CompletionItem,
    ) -> Vec<CompletionItem> {
        let mut items = Vec::new();
        for allowed in &field.allowed {
            let label = match &allowed.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            items.push(CompletionItem {
                detail: allowed.title.clone(),
                preselect: field.default.as_ref() == Some(&allowed.value),
                ..item(label, CompletionKind::EnumMember, allowed.value.to_string())
            });
        }
        let has = |t: &str| field.types.iter().any(|x| x == t);
        if field.is_polygon {
            items.push(self.polygon_item(item));
        } else if field.format.as_deref() == Some("date-time") {
            for (index, (date, detail)) in self.date_suggestions(field).into_iter().enumerate() {
                items.push(CompletionItem {
                    detail: Some(detail),
                    preselect: index == 0,
                    ..item(date.clone(), CompletionKind::Value, json_string(&date))
                });
            }
        } else if field.allowed.is_empty() {
            if has("boolean") {
                for b in [true, false] {
                    items.push(CompletionItem {
                        preselect: field.default == Some(Value::Bool(b)),
                        ..item(b.to_string(), CompletionKind::Value, b.to_string())
                    });
                }
            }
            if let Some(default) = field.default.as_ref().filter(|d| !d.is_boolean()) {
                let label = match default {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                items.push(CompletionItem {
                    detail: Some("default".to_string()),
                    preselect: true,
                    ..item(label, CompletionKind::Value, default.to_string())
                });
            }
        }
        if has("null")
            && !items.iter().any(|i| i.edit.new_text == "null")
            && !field.allowed.iter().any(|a| a.value.is_null())
        {
            items.push(item("null".into(), CompletionKind::Value, "null".into()));
        }
        if !items.is_empty() {
            let documentation = field_markdown(field, None);
            for item in &mut items {
                if item.documentation.is_none() && !documentation.is_empty() {
                    item.documentation = Some(documentation.clone());
                }
            }
        }
        items
    }

    fn polygon_item(
        &self,
        item: &dyn Fn(String, CompletionKind, String) -> CompletionItem,
    ) -> CompletionItem {
        CompletionItem {
            detail: Some("Closed counter-clockwise square; edit its positions".to_string()),
            documentation: Some(format!("```json\n{POLYGON_SKELETON}\n```")),
            filter_text: None,
            ..item(
                "Polygon".to_string(),
                CompletionKind::Snippet,
                POLYGON_SKELETON.to_string(),
            )
        }
    }

    /// Date-times for a field, best first, each with what it is: for an end date one month
    /// after the start when there is one, then next Monday 00:00Z, a month later, and now.
    fn date_suggestions(&self, field: &FieldInfo) -> Vec<(String, String)> {
        let show = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let today = self.now.date_naive();
        let days_ahead = 7 - today.weekday().num_days_from_monday() as i64;
        let monday = (today + Duration::days(days_ahead))
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        let month_later = |d: DateTime<Utc>| d.checked_add_months(Months::new(1)).unwrap_or(d);
        let mut out = Vec::new();
        let is_end = field.name.to_ascii_lowercase().ends_with("end");
        if is_end {
            let start = self
                .request
                .root
                .and_then(|r| r.get("params"))
                .and_then(|p| p.get("acquisitionStart"))
                .and_then(Node::as_str)
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok());
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
        let now = self
            .now
            .with_timezone(&Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        out.push((now, "Now".to_string()));
        out
    }
}

/// An unterminated string token runs to the end of its line, over whatever follows the
/// cursor (`"acq$0}}`); the edit replaces only the word the cursor is in.
fn clamp_unterminated(doc: &Document, range: TextRange, offset: usize) -> TextRange {
    let token = doc.slice(range);
    let terminated = token.len() >= 2 && token.ends_with('"') && {
        let inner = &token.as_bytes()[1..token.len() - 1];
        inner.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    };
    if !token.starts_with('"') || terminated || offset < range.start as usize {
        return range;
    }
    let rest = &doc.text()[offset..range.end as usize];
    let word = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | ',' | ':' | '}' | ']' | '{' | '['))
        .unwrap_or(rest.len());
    TextRange::new(range.start as usize, offset + word)
}

/// A string as JSON.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A JSON string's text between its quotes, escapes kept.
fn json_inner(value: &Value) -> String {
    let text = value.to_string();
    text[1..text.len() - 1].to_string()
}

/// The last non-whitespace character of `text`, with its byte offset.
fn last_significant(text: &str) -> Option<(usize, char)> {
    text.char_indices().rev().find(|(_, c)| !c.is_whitespace())
}

/// True when a value can end with this character, so a new member after it needs a comma.
fn ends_value(c: char) -> bool {
    matches!(c, '"' | '}' | ']') || c.is_ascii_alphanumeric()
}

/// "Pléiades Analytic": see [`ProductInfo::label`](crate::schema::ProductInfo::label).
pub(crate) fn product_label(product: &crate::schema::ProductInfo) -> String {
    product.label()
}
