//! Schema navigation: the effective facts of a field after following local `$ref`s and
//! merging `allOf`, with enum-like values read from `enum`, `const` and `anyOf`/`oneOf` of consts.

use serde_json::{Map, Value};

use super::{compile_validator, ProductSchema};
use crate::document::PathSegment;

/// One allowed value of an enum-like field, with the title the provider gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct AllowedValue {
    pub value: Value,
    pub title: Option<String>,
}

/// What a schema says about one field, whatever style it is written in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldInfo {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// JSON types the field accepts (`"string"`, `"integer"`, ...); empty when unconstrained.
    pub types: Vec<String>,
    /// Empty unless the field is enum-like.
    pub allowed: Vec<AllowedValue>,
    pub default: Option<Value>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub format: Option<String>,
    /// True when the parent object lists this field in `required`.
    pub required: bool,
    /// True for a GeoJSON Polygon model (`definitions/Polygon`, or `type`+`coordinates`).
    pub is_polygon: bool,
    /// The merged subschema, `$ref`s resolved, for anything not lifted into the fields above.
    pub schema: Value,
    /// The conditional branches that apply to the document and what each adds (only from
    /// [`ProductSchema::active_field`]; empty otherwise).
    pub branches: Vec<super::AppliedBranch>,
}

impl ProductSchema {
    /// Every property of `params`, in the schema's order.
    pub fn fields(&self) -> &[FieldInfo] {
        self.fields.get_or_init(|| self.compute_fields())
    }

    fn compute_fields(&self) -> Vec<FieldInfo> {
        let root = self.merged_root();
        let required = required_names(root);
        let Some(properties) = root.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        properties
            .iter()
            .map(|(name, sub)| {
                let merged = Resolver::new(&self.schema).merged(sub);
                field_info(&self.schema, name.clone(), merged, required.contains(name))
            })
            .collect()
    }

    /// One top-level property of `params`.
    pub fn field(&self, name: &str) -> Option<FieldInfo> {
        self.fields().iter().find(|f| f.name == name).cloned()
    }

    /// The field at a path inside `params` (`[Key("geometry"), Key("type")]`); array indexes
    /// step into `items`.
    pub fn field_at(&self, path: &[PathSegment]) -> Option<FieldInfo> {
        if path.is_empty() {
            return None;
        }
        let mut current = std::borrow::Cow::Borrowed(self.merged_root());
        let mut name = String::new();
        let mut required = false;
        for segment in path {
            let sub = match segment {
                PathSegment::Key(key) => {
                    required = required_names(&current).iter().any(|r| r == key);
                    name = key.clone();
                    let declared = current
                        .get("properties")
                        .and_then(Value::as_object)
                        .and_then(|properties| properties.get(key));
                    // An undeclared key is described by `additionalProperties` when that is a
                    // schema (not `true`/`false`, which say nothing about the value).
                    declared.or_else(|| {
                        current
                            .get("additionalProperties")
                            .filter(|v| v.is_object())
                    })?
                }
                PathSegment::Index(index) => {
                    required = false;
                    name = format!("{name}[{index}]");
                    match current.get("items")? {
                        // Tuple form: one schema per position, then `additionalItems`.
                        Value::Array(tuple) => tuple
                            .get(*index)
                            .or_else(|| current.get("additionalItems").filter(|v| v.is_object()))?,
                        items @ Value::Object(_) => items,
                        _ => return None,
                    }
                }
            };
            let merged = Resolver::new(&self.schema).merged(sub);
            current = std::borrow::Cow::Owned(merged);
        }
        Some(field_info(
            &self.schema,
            name,
            current.into_owned(),
            required,
        ))
    }

    /// The names `params` must have.
    pub fn required(&self) -> Vec<String> {
        required_names(self.merged_root())
    }

    /// False when the schema says `additionalProperties: false` for `params`.
    pub fn allows_additional_properties(&self) -> bool {
        !matches!(
            self.merged_root().get("additionalProperties"),
            Some(Value::Bool(false))
        )
    }

    /// The subschema at a JSON pointer into the schema, following `$ref` on the way
    /// (`/properties/acquisitionMode/allOf/0/$ref/anyOf` works as jsonschema's keyword locations do).
    pub fn subschema_at(&self, pointer: &str) -> Option<&Value> {
        let mut current = &self.schema;
        if pointer.is_empty() {
            return Some(current);
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            // Keyword locations spell a reference traversal as a `$ref` segment: step to its
            // target rather than into the reference string.
            if segment == "$ref" {
                if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                    current = resolve_local_ref(&self.schema, reference)?;
                    continue;
                }
            }
            current = match current {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// The compiled draft-07 validator (formats enforced), built on first use.
    pub fn validator(&self) -> Result<&jsonschema::Validator, &str> {
        self.validator
            .get_or_init(|| compile_validator(&self.schema))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The allowed values of an enum-like subschema (`enum`, `const`, `anyOf`/`oneOf` of consts),
    /// `$ref`s and `allOf` followed; empty when it accepts more than a list of values.
    pub fn allowed_values_of(&self, subschema: &Value) -> Vec<AllowedValue> {
        let merged = Resolver::new(&self.schema).merged(subschema);
        allowed_values(&self.schema, &merged)
    }

    /// The root schema with its `$ref` and `allOf` folded in.
    fn merged_root(&self) -> &Map<String, Value> {
        self.merged_root
            .get_or_init(|| Resolver::new(&self.schema).merged(&self.schema))
    }
}

/// How many distinct `$ref`s one lookup may expand.
const REF_BUDGET: usize = 256;

/// Folds `$ref` targets and `allOf` members into one object, the way a reader of the schema
/// would, so both provider styles yield the same facts.
///
/// Each reference is expanded once per lookup: a second expansion would only add keywords
/// already merged (merging is idempotent, and the first expansion takes precedence), so
/// skipping it while walking cuts reference cycles (`A -> B -> A`) and keeps a schema whose
/// `allOf`s fan out over the same `$ref`s (2^n paths to one definition) linear (issue 14).
pub(super) struct Resolver<'a> {
    root: &'a Value,
    /// The references expanded so far.
    visited: std::collections::HashSet<String>,
    budget: usize,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(root: &'a Value) -> Self {
        Resolver {
            root,
            visited: std::collections::HashSet::new(),
            budget: REF_BUDGET,
        }
    }

    /// The keywords of `schema` with its local `$ref` target and `allOf` members merged under
    /// them: the schema's own keywords win, then the reference's, then earlier `allOf` members.
    pub(super) fn merged(&mut self, schema: &Value) -> Map<String, Value> {
        let Some(object) = schema.as_object() else {
            return Map::new();
        };
        let mut out: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| *key != "$ref" && *key != "allOf")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.enter(reference) {
                let lower = self.merged(target);
                merge_under(&mut out, lower);
            }
        }
        if let Some(members) = object.get("allOf").and_then(Value::as_array) {
            for member in members {
                let mut lower = self.merged(member);
                // Conditionals constrain other fields depending on values; folding their
                // branches in would mix `then` and `else` into one set of facts.
                for keyword in ["if", "then", "else"] {
                    lower.remove(keyword);
                }
                merge_under(&mut out, lower);
            }
        }
        out
    }

    /// The target of a local reference, unless it was expanded already in this lookup or the
    /// budget is spent.
    fn enter(&mut self, reference: &str) -> Option<&'a Value> {
        if self.budget == 0 || self.visited.contains(reference) {
            return None;
        }
        let target = resolve_local_ref(self.root, reference)?;
        self.budget -= 1;
        self.visited.insert(reference.to_owned());
        Some(target)
    }
}

/// Adds the keywords of `lower` that `out` lacks; `required` lists are united and
/// `properties`/`definitions` maps merged entry by entry, as `allOf` means all of them apply.
fn merge_under(out: &mut Map<String, Value>, lower: Map<String, Value>) {
    for (key, value) in lower {
        let Some(existing) = out.get_mut(&key) else {
            out.insert(key, value);
            continue;
        };
        match (key.as_str(), existing, value) {
            ("required", Value::Array(mine), Value::Array(theirs)) => {
                for name in theirs {
                    if !mine.contains(&name) {
                        mine.push(name);
                    }
                }
            }
            ("properties" | "definitions", Value::Object(mine), Value::Object(theirs)) => {
                for (name, sub) in theirs {
                    mine.entry(name).or_insert(sub);
                }
            }
            _ => {}
        }
    }
}

/// The target of a local reference (`#`, `#/definitions/Polygon`); `None` for remote ones,
/// which the provider's schemas do not use and which we never fetch.
pub(super) fn resolve_local_ref<'v>(root: &'v Value, reference: &str) -> Option<&'v Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(root);
    }
    root.pointer(&percent_decode(fragment))
}

/// URI fragments may percent-encode characters of the pointer (`%25` for `%`, `%20`...).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

pub(super) fn required_names(schema: &Map<String, Value>) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Lifts the facts of a merged field schema into a [`FieldInfo`].
pub(super) fn field_info(
    root: &Value,
    name: String,
    schema: Map<String, Value>,
    required: bool,
) -> FieldInfo {
    let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    let types = match schema.get("type") {
        Some(Value::String(single)) => vec![single.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let (mut minimum, mut maximum) = (number("minimum"), number("maximum"));
    let (mut exclusive_minimum, mut exclusive_maximum) =
        (number("exclusiveMinimum"), number("exclusiveMaximum"));
    // Draft-04 spelled exclusivity as a boolean next to `minimum`/`maximum`.
    if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
        exclusive_minimum = minimum.take();
    }
    if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
        exclusive_maximum = maximum.take();
    }
    FieldInfo {
        name,
        title: text("title"),
        description: text("description"),
        types,
        allowed: allowed_values(root, &schema),
        default: schema.get("default").cloned(),
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        min_length: count("minLength"),
        max_length: count("maxLength"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        format: text("format"),
        required,
        is_polygon: is_polygon(root, &schema),
        schema: Value::Object(schema),
        branches: Vec::new(),
    }
}

/// The values of an enum-like field: `enum`, `const`, or an `anyOf`/`oneOf` whose members are
/// all consts (or enums), where a `{"type": "null"}` member allows `null`.
pub(super) fn allowed_values(root: &Value, schema: &Map<String, Value>) -> Vec<AllowedValue> {
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values
            .iter()
            .map(|value| AllowedValue {
                value: value.clone(),
                title: None,
            })
            .collect();
    }
    if let Some(value) = schema.get("const") {
        return vec![AllowedValue {
            value: value.clone(),
            title: None,
        }];
    }
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = schema.get(keyword) else {
            continue;
        };
        let mut allowed = Vec::new();
        for member in members {
            let member = Resolver::new(root).merged(member);
            let title = member
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(value) = member.get("const") {
                allowed.push(AllowedValue {
                    value: value.clone(),
                    title,
                });
            } else if let Some(Value::Array(values)) = member.get("enum") {
                allowed.extend(values.iter().map(|v| AllowedValue {
                    value: v.clone(),
                    title: None,
                }));
            } else if member.get("type") == Some(&Value::String("null".into())) {
                allowed.push(AllowedValue {
                    value: Value::Null,
                    title,
                });
            } else {
                // A member that accepts a whole type: the field is not enum-like.
                allowed.clear();
                break;
            }
        }
        if !allowed.is_empty() {
            return allowed;
        }
    }
    Vec::new()
}

/// A GeoJSON Polygon model: a `type` property fixed to "Polygon" next to `coordinates`,
/// whether written inline or behind `definitions/Polygon`.
fn is_polygon(root: &Value, schema: &Map<String, Value>) -> bool {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    let Some(kind) = properties.get("type") else {
        return false;
    };
    let kind = Resolver::new(root).merged(kind);
    let fixed_to_polygon = kind.get("const") == Some(&Value::String("Polygon".into()))
        || kind.get("enum") == Some(&serde_json::json!(["Polygon"]));
    fixed_to_polygon && properties.contains_key("coordinates")
}
