//! Completion: envelope and `params` keys, allowed values, booleans, product ids, polygon
//! skeletons and date-times, at a byte offset of a possibly half-typed document.
//!
//! Every item's edit replaces exactly the token under the cursor (quotes included), so
//! accepting an item inside `"st` or `""` never leaves doubled quotes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::docs::field_markdown;
use super::request::{
    envelope_key, geojson_keys, place, Place, Request, ENVELOPE_KEYS, POLYGON_SKELETON,
};
use super::snippet::{choice, escape, value_snippet};
use crate::check::{params_value, suggest, Edit, RequestForm};
use crate::document::{CursorContext, Document, Member, Node, NodeKind, PathSegment, TextRange};
use crate::schema::{FieldInfo, ProductSchema, SchemaStore};

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
    let params = params_of(&request);
    let cx = Context {
        doc,
        store,
        request: &request,
        params: &params,
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

/// What completion reads: the document, the store, the request's schema and its options.
pub(super) struct Context<'a> {
    pub doc: &'a Document,
    pub store: &'a SchemaStore,
    pub request: &'a Request<'a>,
    /// The document's `params` as the checks read it (coordinates left out), for the active
    /// branch and for checking each value before it is offered.
    pub params: &'a Value,
    pub now: DateTime<Utc>,
}

/// The document's `params` as [`params_value`] reads it; an empty object without one.
pub(crate) fn params_of(request: &Request<'_>) -> Value {
    match (
        request.root.and_then(|r| r.get(request.options_key)),
        request.schema.as_deref(),
    ) {
        (Some(params), Some(schema)) if params.members().is_some() => params_value(params, schema),
        _ => Value::Object(serde_json::Map::new()),
    }
}

/// A key that could be added, before it becomes an item.
pub(super) struct KeyCandidate {
    pub name: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Snippet text of the value.
    pub value: String,
    pub required: bool,
}

impl Context<'_> {
    pub(super) fn keys(
        &self,
        object_path: &[PathSegment],
        object: &Node,
        member: Option<&Member>,
        range: TextRange,
    ) -> Vec<CompletionItem> {
        let candidates = self.key_candidates(object_path);
        self.key_items(candidates, object, member, range)
    }

    /// The items of `candidates` not yet in `object`, each inserting its key (and its value
    /// when the member has none yet) with the commas the neighbours need.
    pub(super) fn key_items(
        &self,
        candidates: Vec<KeyCandidate>,
        object: &Node,
        member: Option<&Member>,
        range: TextRange,
    ) -> Vec<CompletionItem> {
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
                // The fields the branches that apply now allow, each with its active facts.
                let fields = schema.active_fields(self.params, rest);
                fields
                    .iter()
                    .map(|field| {
                        let mut path = rest.to_vec();
                        path.push(PathSegment::Key(field.name.clone()));
                        KeyCandidate {
                            name: field.name.clone(),
                            detail: field.title.clone(),
                            documentation: Some(field_markdown(field, None)),
                            value: self.field_value_snippet(schema, field, &path),
                            required: field.required,
                        }
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

    /// The snippet of a field's value when its key is inserted: a choice of the values the
    /// check accepts there (the default first), a placeholder over the first accepted value,
    /// or a bare tab stop when no value of ours is accepted (never `null` where `null` is
    /// rejected).
    fn field_value_snippet(
        &self,
        schema: &ProductSchema,
        field: &FieldInfo,
        path: &[PathSegment],
    ) -> String {
        let accepted = suggest::suggestions(schema, self.params, path, self.now);
        if field.is_polygon && accepted.iter().any(|s| s.value.is_object()) {
            return format!("{}$0", escape(POLYGON_SKELETON));
        }
        let Some(first) = accepted.first() else {
            return "$1".to_string();
        };
        if !field.allowed.is_empty() {
            let values: Vec<&Value> = accepted
                .iter()
                .map(|s| &s.value)
                .filter(|v| field.allowed.iter().any(|a| a.value == **v))
                .collect();
            match values[..] {
                [] => {}
                [only] => return escape(&only.to_string()),
                _ if values.iter().all(|v| v.is_string()) => {
                    let inner: Vec<String> = values.iter().map(|v| json_inner(v)).collect();
                    return format!("\"{}\"", choice(inner.iter().map(String::as_str)));
                }
                _ => {
                    let texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                    return choice(texts.iter().map(String::as_str));
                }
            }
        }
        let booleans: Vec<&Value> = accepted
            .iter()
            .map(|s| &s.value)
            .filter(|v| v.is_boolean())
            .collect();
        if booleans.len() == 2 && first.value.is_boolean() {
            let texts: Vec<String> = booleans.iter().map(|v| v.to_string()).collect();
            return choice(texts.iter().map(String::as_str));
        }
        value_snippet(&first.value.to_string())
    }

    pub(super) fn values(&self, path: &[PathSegment], range: TextRange) -> Vec<CompletionItem> {
        let quoted = self.doc.slice(range).starts_with('"');
        let item = |label: String, kind: CompletionKind, new_text: String| {
            value_item(self.doc, range, label, kind, new_text)
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
            Place::Params(rest) if !rest.is_empty() => match self.request.schema.as_deref() {
                Some(schema) => match schema.active_field(self.params, rest) {
                    Some(field) => self.field_values(schema, &field, rest, &item),
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
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

    /// The values of a field that the check accepts where the cursor is: allowed values,
    /// the default, the bounds of a number, booleans, dates, a polygon, `null`.
    fn field_values(
        &self,
        schema: &ProductSchema,
        field: &FieldInfo,
        path: &[PathSegment],
        item: &dyn Fn(String, CompletionKind, String) -> CompletionItem,
    ) -> Vec<CompletionItem> {
        let mut items = Vec::new();
        let accepted = suggest::suggestions(schema, self.params, path, self.now);
        // Allowed values in the schema's order, then the rest as suggested.
        let mut ordered: Vec<&suggest::Suggestion> = field
            .allowed
            .iter()
            .filter_map(|a| accepted.iter().find(|s| s.value == a.value))
            .collect();
        ordered.extend(
            accepted
                .iter()
                .filter(|s| !field.allowed.iter().any(|a| a.value == s.value)),
        );
        for (index, suggestion) in ordered.into_iter().enumerate() {
            if field.is_polygon && suggestion.value.is_object() {
                items.push(self.polygon_item(item));
                continue;
            }
            let enum_member = field.allowed.iter().find(|a| a.value == suggestion.value);
            let label = match &suggestion.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let kind = if enum_member.is_some() {
                CompletionKind::EnumMember
            } else {
                CompletionKind::Value
            };
            let detail = match enum_member {
                Some(member) => member.title.clone(),
                None => suggestion.detail.clone(),
            };
            let preselect = match &field.default {
                Some(default) => *default == suggestion.value,
                None => index == 0 && field.format.as_deref() == Some("date-time"),
            };
            items.push(CompletionItem {
                detail,
                preselect,
                ..item(label, kind, suggestion.value.to_string())
            });
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
}

/// An unterminated string token runs to the end of its line, over whatever follows the
/// cursor (`"acq$0}}`); the edit replaces only the word the cursor is in.
pub(super) fn clamp_unterminated(doc: &Document, range: TextRange, offset: usize) -> TextRange {
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
pub(super) fn json_string(s: &str) -> String {
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

/// A plain completion item replacing `range` (a value's byte range in `doc`) with `new_text`;
/// when the value there starts with a quote, the client filters on `"label` so that typing
/// inside the string keeps it offered. Shared by the request and search-order completions.
pub(super) fn value_item(
    doc: &Document,
    range: TextRange,
    label: String,
    kind: CompletionKind,
    new_text: String,
) -> CompletionItem {
    let quoted = doc.slice(range).starts_with('"');
    CompletionItem {
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
    }
}
