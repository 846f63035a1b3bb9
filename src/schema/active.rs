//! The active branch: for one document and one field, the constraints that apply now — the
//! field's own schema together with every `if`/`then`/`else` branch (at any level of `allOf`,
//! behind any `$ref`) whose condition the document meets. Completion, snippets, hover, `init`
//! skeletons and fixes read a field through here, so they describe what the check enforces.
//!
//! Conditions are evaluated by the jsonschema crate itself (each `if` compiled once, with the
//! root's `definitions` so its `$ref`s resolve), not by a reading of our own: a condition
//! holds exactly when the validator says it does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

use super::navigate::{allowed_values, field_info, required_names, Resolver};
use super::{compile_validator, FieldInfo, ProductSchema};
use crate::document::PathSegment;

/// A branch that applies to the document, and the constraints it adds to a field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppliedBranch {
    /// The condition in words, from the document's values: `acquisitionMode is 'stereo'`.
    pub condition: String,
    /// What the branch sets for the field, one keyword each, in words: `type number`,
    /// `minimum 0.1`, `value 'Polygon'`.
    pub keywords: Vec<String>,
}

/// How many conditional sites one lookup evaluates: a guard against schemas whose `allOf`s
/// nest conditionals without end.
const CONDITION_BUDGET: usize = 256;

/// Compiled `if` schemas of one product, by their JSON text.
#[derive(Debug, Default)]
pub(super) struct ConditionCache {
    compiled: Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>,
    /// Whether the schema has an `if` anywhere, once looked up.
    any: OnceLock<bool>,
}

impl ProductSchema {
    /// Whether the schema has an `if` (draft 7 conditional) anywhere; read once per schema.
    pub fn has_conditional(&self) -> bool {
        *self.conditions.any.get_or_init(|| {
            let mut stack = vec![&self.schema];
            while let Some(node) = stack.pop() {
                match node {
                    Value::Object(map) => {
                        if map.contains_key("if") {
                            return true;
                        }
                        stack.extend(map.values());
                    }
                    Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
            false
        })
    }
}

/// One schema that applies at a level of the instance, with the condition that brought it
/// (`None` for the field's own schema).
struct Part {
    schema: Map<String, Value>,
    condition: Option<String>,
}

impl ProductSchema {
    /// The facts of the field at `path` inside `params` (the document's `params` as serde_json
    /// reads it) after every branch that applies: types intersected, bounds tightened, allowed
    /// values intersected, a branch's `default` preferred. `FieldInfo::branches` names each
    /// branch and what it added. `None` when the schema does not describe the path.
    pub fn active_field(&self, params: &Value, path: &[PathSegment]) -> Option<FieldInfo> {
        let (name, parts, required) = self.parts_at(params, path)?;
        Some(self.combine(name, parts, required))
    }

    /// The fields an object at `object_path` inside `params` may have, in the schema's order
    /// (its own `properties`, then those only a branch adds), each with its active facts.
    pub fn active_fields(&self, params: &Value, object_path: &[PathSegment]) -> Vec<FieldInfo> {
        let parts = if object_path.is_empty() {
            self.expand(
                &self.schema,
                Some(params),
                None,
                &mut CONDITION_BUDGET.to_owned(),
            )
        } else {
            match self.parts_at(params, object_path) {
                Some((_, parts, _)) => {
                    let instance = instance_at(params, object_path);
                    let mut budget = CONDITION_BUDGET;
                    parts
                        .into_iter()
                        .flat_map(|part| {
                            self.expand(
                                &Value::Object(part.schema),
                                instance,
                                part.condition,
                                &mut budget,
                            )
                        })
                        .collect()
                }
                None => return Vec::new(),
            }
        };
        let mut names: Vec<String> = Vec::new();
        for part in &parts {
            if let Some(properties) = part.schema.get("properties").and_then(Value::as_object) {
                for name in properties.keys() {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
        }
        names
            .into_iter()
            .filter_map(|name| {
                let mut path = object_path.to_vec();
                path.push(PathSegment::Key(name));
                self.active_field(params, &path)
            })
            .collect()
    }

    /// For an error whose keyword location (`/allOf/1/else/properties/minBH/type`) lies in a
    /// `then` or `else` branch: the condition in words, from the values of `params` at the
    /// error's `instance_path` (`acquisitionMode is 'stereo'`).
    pub fn condition_of(
        &self,
        keyword_location: &str,
        params: &Value,
        instance_path: &[PathSegment],
    ) -> Option<String> {
        let segments: Vec<&str> = keyword_location.split('/').collect();
        let branch = segments
            .iter()
            .rposition(|s| *s == "then" || *s == "else")?;
        let if_pointer = format!("{}/if", segments[..branch].join("/"));
        let condition = self.subschema_at(&if_pointer)?;
        // Each step into `properties`/`items` before the branch is one step of the instance.
        let steps = segments[..branch]
            .iter()
            .filter(|s| {
                matches!(
                    **s,
                    "properties" | "items" | "additionalProperties" | "patternProperties"
                )
            })
            .count();
        let instance = instance_at(params, &instance_path[..steps.min(instance_path.len())]);
        describe_condition(condition, instance, segments[branch] == "then")
    }

    /// The schemas that apply at `path`, the field's name and whether its parent requires it.
    fn parts_at(&self, params: &Value, path: &[PathSegment]) -> Option<(String, Vec<Part>, bool)> {
        if path.is_empty() {
            return None;
        }
        let mut budget = CONDITION_BUDGET;
        let mut level: Vec<Part> = self.expand(&self.schema, Some(params), None, &mut budget);
        let mut name = String::new();
        let mut required = false;
        for (depth, segment) in path.iter().enumerate() {
            let mut next: Vec<Part> = Vec::new();
            match segment {
                PathSegment::Key(key) => {
                    name = key.clone();
                    required = level
                        .iter()
                        .any(|part| required_names(&part.schema).iter().any(|r| r == key));
                    for part in &level {
                        let declared = part
                            .schema
                            .get("properties")
                            .and_then(Value::as_object)
                            .and_then(|properties| properties.get(key));
                        let sub = declared.or_else(|| {
                            part.schema
                                .get("additionalProperties")
                                .filter(|v| v.is_object())
                        });
                        if let Some(sub) = sub {
                            next.push(Part {
                                schema: Resolver::new(&self.schema).merged(sub),
                                condition: part.condition.clone(),
                            });
                        }
                    }
                }
                PathSegment::Index(index) => {
                    name = format!("{name}[{index}]");
                    required = false;
                    for part in &level {
                        let sub = match part.schema.get("items") {
                            Some(Value::Array(tuple)) => tuple.get(*index).or_else(|| {
                                part.schema.get("additionalItems").filter(|v| v.is_object())
                            }),
                            Some(items @ Value::Object(_)) => Some(items),
                            _ => None,
                        };
                        if let Some(sub) = sub {
                            next.push(Part {
                                schema: Resolver::new(&self.schema).merged(sub),
                                condition: part.condition.clone(),
                            });
                        }
                    }
                }
            }
            if next.is_empty() {
                return None;
            }
            // Conditionals inside the field's schema apply to the field's own value.
            let instance = instance_at(params, &path[..=depth]);
            level = next
                .into_iter()
                .flat_map(|part| {
                    self.expand(
                        &Value::Object(part.schema),
                        instance,
                        part.condition,
                        &mut budget,
                    )
                })
                .collect();
        }
        Some((name, level, required))
    }

    /// `schema` merged (`$ref`, `allOf`), then every conditional in it or in its `allOf`
    /// members whose branch applies to `instance`, recursively; the first part is the schema
    /// itself. With no instance (the value is absent) no `if` is evaluated but a branch that
    /// does not depend on it (`if` without `then`) is still skipped.
    fn expand(
        &self,
        schema: &Value,
        instance: Option<&Value>,
        condition: Option<String>,
        budget: &mut usize,
    ) -> Vec<Part> {
        let mut parts = vec![Part {
            schema: Resolver::new(&self.schema).merged(schema),
            condition: condition.clone(),
        }];
        let mut sites = Vec::new();
        conditional_sites(&self.schema, schema, &mut sites, &mut 0);
        let Some(instance) = instance else {
            return parts;
        };
        for site in sites {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            let Some(test) = site.get("if") else { continue };
            let Some(holds) = self.condition_holds(test, instance) else {
                continue;
            };
            let branch_key = if holds { "then" } else { "else" };
            let Some(branch) = site.get(branch_key) else {
                continue;
            };
            let words = describe_condition(test, Some(instance), holds).unwrap_or_else(|| {
                format!(
                    "the schema's condition {}",
                    if holds { "holds" } else { "fails" }
                )
            });
            let words = match &condition {
                Some(outer) => format!("{outer} and {words}"),
                None => words,
            };
            parts.extend(self.expand(branch, Some(instance), Some(words), budget));
        }
        parts
    }

    /// Whether `instance` meets the `if` schema `test`; `None` when it cannot be compiled.
    fn condition_holds(&self, test: &Value, instance: &Value) -> Option<bool> {
        if let Value::Bool(b) = test {
            return Some(*b);
        }
        let key = test.to_string();
        let validator = {
            let mut cache = self.conditions.compiled.lock().ok()?;
            cache
                .entry(key)
                .or_insert_with(|| {
                    let mut wrapper = Map::new();
                    wrapper.insert("allOf".into(), Value::Array(vec![test.clone()]));
                    // The `if`'s `$ref`s point into the root: carry its definitions along.
                    for keyword in ["definitions", "$defs"] {
                        if let Some(definitions) = self.schema.get(keyword) {
                            wrapper.insert(keyword.into(), definitions.clone());
                        }
                    }
                    compile_validator(&Value::Object(wrapper))
                        .ok()
                        .map(Arc::new)
                })
                .clone()?
        };
        Some(validator.is_valid(instance))
    }

    /// Intersects the parts into one set of facts, the field's own first.
    fn combine(&self, name: String, parts: Vec<Part>, required: bool) -> FieldInfo {
        let mut parts = parts.into_iter();
        let Some(own) = parts.next() else {
            return FieldInfo::default();
        };
        let mut combined = own.schema;
        let mut allowed = allowed_values(&self.schema, &combined);
        let mut restricted = !allowed.is_empty();
        let mut branches: Vec<AppliedBranch> = Vec::new();
        for part in parts {
            let keywords: Vec<String> = part
                .schema
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "title" | "description" | "$comment"))
                .map(|(k, v)| constraint_words(k, v))
                .collect();
            let these = allowed_values(&self.schema, &part.schema);
            if !these.is_empty() {
                if restricted {
                    allowed.retain(|a| these.iter().any(|b| b.value == a.value));
                } else {
                    allowed = these;
                    restricted = true;
                }
            }
            intersect_into(&mut combined, part.schema);
            if let (Some(condition), false) = (part.condition, keywords.is_empty()) {
                match branches.iter_mut().find(|b| b.condition == condition) {
                    Some(branch) => branch.keywords.extend(keywords),
                    None => branches.push(AppliedBranch {
                        condition,
                        keywords,
                    }),
                }
            }
        }
        let mut info = field_info(&self.schema, name, combined, required);
        if restricted {
            info.allowed = allowed;
        }
        // The field's `default` where a branch now rejects it (`minBH: null` in stereo mode):
        // not a default of this document, so hover and suggestions do not offer it.
        if info.default.as_ref().is_some_and(|d| !fits(d, &info)) {
            info.default = None;
        }
        info.branches = branches;
        info
    }
}

/// True when `value` meets the field's types, allowed values and numeric bounds (the facts a
/// branch narrows; a `default` is checked against them).
fn fits(value: &Value, field: &FieldInfo) -> bool {
    let type_ok = field.types.is_empty()
        || field.types.iter().any(|t| match (t.as_str(), value) {
            ("null", Value::Null) => true,
            ("boolean", Value::Bool(_)) => true,
            ("string", Value::String(_)) => true,
            ("array", Value::Array(_)) => true,
            ("object", Value::Object(_)) => true,
            ("number", Value::Number(_)) => true,
            ("integer", Value::Number(n)) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
            _ => false,
        });
    let allowed_ok = field.allowed.is_empty() || field.allowed.iter().any(|a| a.value == *value);
    let bounds_ok = match value.as_f64() {
        Some(n) => {
            field.minimum.is_none_or(|m| n >= m)
                && field.maximum.is_none_or(|m| n <= m)
                && field.exclusive_minimum.is_none_or(|m| n > m)
                && field.exclusive_maximum.is_none_or(|m| n < m)
        }
        None => true,
    };
    type_ok && allowed_ok && bounds_ok
}

/// `if`/`then`/`else` sites of `schema`: itself and its `allOf` members, through `$ref`s
/// (each reference followed once).
fn conditional_sites<'v>(
    root: &'v Value,
    schema: &'v Value,
    out: &mut Vec<&'v Value>,
    visits: &mut usize,
) {
    *visits += 1;
    if *visits > CONDITION_BUDGET {
        return;
    }
    let Some(object) = schema.as_object() else {
        return;
    };
    if object.contains_key("if") {
        out.push(schema);
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        if let Some(target) = super::navigate::resolve_local_ref(root, reference) {
            if !std::ptr::eq(target, schema) {
                conditional_sites(root, target, out, visits);
            }
        }
    }
    if let Some(members) = object.get("allOf").and_then(Value::as_array) {
        for member in members {
            conditional_sites(root, member, out, visits);
        }
    }
}

/// Adds a branch's keywords to the field's: `type`s intersected (`integer` within `number`),
/// lower bounds raised, upper bounds lowered, `required` and `properties` united, and any
/// other keyword of the branch (a `default`, a `format`, a `pattern`) taking precedence.
fn intersect_into(out: &mut Map<String, Value>, branch: Map<String, Value>) {
    for (key, value) in branch {
        let Some(existing) = out.get_mut(&key) else {
            out.insert(key, value);
            continue;
        };
        match key.as_str() {
            "title" | "description" | "$comment" => {}
            "type" => *existing = intersect_types(existing, &value),
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" => {
                if value.as_f64() > existing.as_f64() {
                    *existing = value;
                }
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
                if value.as_f64() < existing.as_f64() {
                    *existing = value;
                }
            }
            "required" => {
                if let (Value::Array(mine), Value::Array(theirs)) = (&mut *existing, value) {
                    for name in theirs {
                        if !mine.contains(&name) {
                            mine.push(name);
                        }
                    }
                }
            }
            "properties" => {
                if let (Value::Object(mine), Value::Object(theirs)) = (&mut *existing, value) {
                    for (name, sub) in theirs {
                        match mine.get_mut(&name) {
                            Some(current) => {
                                *current = serde_json::json!({"allOf": [current.clone(), sub]});
                            }
                            None => {
                                mine.insert(name, sub);
                            }
                        }
                    }
                }
            }
            _ => *existing = value,
        }
    }
}

/// The types both `type` keywords accept; `integer` is within `number`.
fn intersect_types(a: &Value, b: &Value) -> Value {
    let list = |v: &Value| -> Vec<String> {
        match v {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    };
    let (a, b) = (list(a), list(b));
    let mut both: Vec<String> = Vec::new();
    for t in &a {
        let kept = if b.contains(t) {
            Some(t.clone())
        } else if (t == "number" && b.iter().any(|x| x == "integer"))
            || (t == "integer" && b.iter().any(|x| x == "number"))
        {
            Some("integer".to_string())
        } else {
            None
        };
        if let Some(kept) = kept {
            if !both.contains(&kept) {
                both.push(kept);
            }
        }
    }
    match both.as_slice() {
        [single] => Value::String(single.clone()),
        _ => Value::Array(both.into_iter().map(Value::String).collect()),
    }
}

/// The value at `path` inside `value`, if there is one.
pub(crate) fn instance_at<'v>(value: &'v Value, path: &[PathSegment]) -> Option<&'v Value> {
    let mut current = value;
    for segment in path {
        current = match segment {
            PathSegment::Key(key) => current.get(key)?,
            PathSegment::Index(index) => current.get(*index)?,
        };
    }
    Some(current)
}

/// An `if` schema in words, as it stands for `instance`: for each property the condition
/// fixes (`const`, `enum`), `acquisitionMode is 'stereo'` naming the document's own value
/// (with what it is not, for an `else`), or `... is 'mono'` / `... is not set` when absent.
pub fn describe_condition(test: &Value, instance: Option<&Value>, holds: bool) -> Option<String> {
    let properties = test.get("properties")?.as_object()?;
    let parts: Vec<String> = properties
        .iter()
        .filter_map(|(key, sub)| {
            let values: Vec<String> = if let Some(constant) = sub.get("const") {
                vec![quote(constant)]
            } else {
                sub.get("enum")?.as_array()?.iter().map(quote).collect()
            };
            let current = instance.and_then(|i| i.get(key));
            Some(match (holds, current) {
                (true, Some(current)) => format!("{key} is {}", quote(current)),
                (false, Some(current)) => {
                    format!("{key} is {} (not {})", quote(current), values.join(" or "))
                }
                (true, None) if values.len() == 1 => format!("{key} is {}", values[0]),
                (true, None) => format!("{key} is one of {}", values.join(", ")),
                (false, None) => format!("{key} is not set"),
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// One keyword of a branch in words, for hover: `type number or null`, `minimum 0.1`.
fn constraint_words(keyword: &str, value: &Value) -> String {
    match (keyword, value) {
        ("type", Value::String(t)) => format!("type {t}"),
        ("type", Value::Array(types)) => format!(
            "type {}",
            types
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        ("const", v) => format!("value {}", quote(v)),
        ("enum", Value::Array(values)) if values.len() <= 12 => format!(
            "one of {}",
            values.iter().map(quote).collect::<Vec<_>>().join(", ")
        ),
        ("enum", Value::Array(values)) => format!("one of {} values", values.len()),
        (k, v @ (Value::Number(_) | Value::String(_) | Value::Bool(_) | Value::Null)) => {
            format!("{k} {}", quote(v))
        }
        (k, _) => k.to_string(),
    }
}

fn quote(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}
