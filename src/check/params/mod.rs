//! `schema.*`: `params` validated against the product schema with the jsonschema crate, each
//! error mapped back to the exact key or value it is about and told in the field's own words.
//!
//! This file is the step: run the validator, group its errors by fault within the budgets,
//! and hand each group to the `Context`; what each failed keyword says and which fixes it
//! offers is in `keywords.rs`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::envelope::Request;
use super::{Code, Diagnostic};
use crate::document::{Document, Node, PathSegment};
use crate::schema::{FieldInfo, ProductSchema};

mod keywords;

pub use keywords::suggested_value;

pub(super) fn check(
    doc: &Document,
    request: &Request<'_>,
    schema: &ProductSchema,
    now: DateTime<Utc>,
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
        .geometry_fields()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let value = value_without_coordinates(params, &polygon_fields);
    let context = Context {
        doc,
        request,
        schema,
        params,
        fields: RefCell::new(HashMap::new()),
        common_allowed: RefCell::new(None),
        value: &value,
        now,
        fix_checks: RefCell::new(0),
        conditional: schema.has_conditional(),
    };
    // Group the errors by what they are about while walking them, before any is diagnosed:
    // a schema whose `allOf`s fan out reports the same fault once per branch (64 times for six
    // levels), and diagnosing each would cost 64 times the work (issue 14).
    let mut groups: Vec<ErrorGroup> = Vec::new();
    let mut index: HashMap<(String, &'static str, String), usize> = HashMap::new();
    let mut mistyped: HashSet<String> = HashSet::new();
    let mut seen = 0usize;
    let mut truncated = false;
    // Most orders are valid: `is_valid` answers that without building any error (a third of
    // the schema step's cost on the benchmark's orders, issue 27); the errors are walked only
    // when there are some. jsonschema documents both as the same verdict.
    let errors = (!validator.is_valid(&value)).then(|| validator.iter_errors(&value));
    for error in errors.into_iter().flatten() {
        seen += 1;
        if seen > ERROR_BUDGET {
            truncated = true;
            break;
        }
        let path = error.instance_path().as_str().to_string();
        let (group, detail) = error_group(error.kind());
        if group == "type" {
            mistyped.insert(path.clone());
        }
        let key = (path, group, detail);
        let schema_path = error.schema_path().as_str().to_string();
        match index.get(&key) {
            Some(&at) => {
                let members = &mut groups[at].errors;
                if members.len() < PER_GROUP {
                    members.push((error, schema_path));
                } else if is_conditional(&schema_path)
                    && !members.iter().any(|(_, p)| is_conditional(p))
                {
                    // Keep one error that names its condition: it gives the better message.
                    members[PER_GROUP - 1] = (error, schema_path);
                }
            }
            None => {
                index.insert(key.clone(), groups.len());
                groups.push(ErrorGroup {
                    path: key.0,
                    group: key.1,
                    errors: vec![(error, schema_path)],
                });
            }
        }
    }
    let mut diagnosed = 0usize;
    // The allowed values of each compiled enum, as JSON text, read once per check.
    let mut enum_sets: HashMap<*const Value, Rc<HashSet<String>>> = HashMap::new();
    for group in &groups {
        let path = instance_path(group.errors[0].0.instance_path());
        if owned_by_geometry_check(&path, &polygon_fields) {
            continue;
        }
        // A value of the wrong type fails its value checks too; the type error says it all.
        if group.group != "type"
            && group.group != "required"
            && group.group != "additionalProperties"
            && mistyped.contains(&group.path)
        {
            continue;
        }
        diagnosed += 1;
        if diagnosed > GROUP_BUDGET {
            truncated = true;
            break;
        }
        let mut merged: Vec<Diagnostic> = Vec::new();
        // The error that names a condition first: its message is the most specific.
        let mut members: Vec<&(jsonschema::ValidationError<'_>, String)> =
            group.errors.iter().collect();
        members.sort_by_key(|(_, schema_path)| !is_conditional(schema_path));
        if group.group == "value" {
            // A value must be among the allowed values of every enum that rejects it: one
            // diagnostic offering what all of them allow.
            let mut common: Option<Rc<HashSet<String>>> = None;
            let mut read: Vec<*const Value> = Vec::new();
            for (error, schema_path) in &members {
                // Branches of an `allOf` fan-out share one compiled enum: read it once per
                // check, whichever fault it rejects.
                let shared = match error.kind() {
                    ValidationErrorKind::Enum { options } => {
                        let at = std::sync::Arc::as_ptr(options);
                        if read.contains(&at) {
                            continue;
                        }
                        read.push(at);
                        Some(at)
                    }
                    _ => None,
                };
                let these = match shared.and_then(|at| enum_sets.get(&at)) {
                    Some(these) => Rc::clone(these),
                    None => {
                        let allowed = context.allowed_for(error.kind(), schema_path);
                        if allowed.is_empty() {
                            continue;
                        }
                        let these: Rc<HashSet<String>> =
                            Rc::new(allowed.iter().map(|a| a.value.to_string()).collect());
                        if let Some(at) = shared {
                            enum_sets.insert(at, Rc::clone(&these));
                        }
                        these
                    }
                };
                common = Some(match common {
                    None => these,
                    Some(so_far) => Rc::new(so_far.intersection(&these).cloned().collect()),
                });
            }
            *context.common_allowed.borrow_mut() = common;
            members.truncate(1);
        } else {
            *context.common_allowed.borrow_mut() = None;
        }
        for (error, schema_path) in members {
            let mut found = Vec::new();
            context.diagnose(&path, error, schema_path, &mut found);
            for diagnostic in found {
                match merged
                    .iter_mut()
                    .find(|d| d.range == diagnostic.range && d.code == diagnostic.code)
                {
                    Some(kept) => {
                        for fix in diagnostic.fixes {
                            if !kept.fixes.iter().any(|f| f.edits == fix.edits) {
                                kept.fixes.push(fix);
                            }
                        }
                    }
                    None => merged.push(diagnostic),
                }
            }
        }
        let huge_enum = context
            .common_allowed
            .borrow()
            .as_ref()
            .is_some_and(|common| common.len() > 1000);
        for diagnostic in &mut merged {
            if !huge_enum {
                context.keep_accepted_fixes(&path, diagnostic);
            }
        }
        out.extend(merged);
    }
    if truncated {
        let range = request
            .root
            .get("dataProduct")
            .map_or(params.range, |n| n.range);
        out.push(Diagnostic::new(
            Code::SchemaOther,
            range,
            format!(
                "schema check stopped: the schema of product {} gave more than {} errors; fix the ones reported and check again",
                schema.id,
                if seen > ERROR_BUDGET { ERROR_BUDGET } else { GROUP_BUDGET }
            ),
        ));
    }
}

/// True when `schema` has an `if` keyword anywhere (a walk over the schema, linear in its size).
/// How many validator errors one check reads before it gives up (a schema whose `allOf`s fan
/// out reports each fault once per branch).
const ERROR_BUDGET: usize = 20_000;
/// How many distinct faults one check diagnoses.
const GROUP_BUDGET: usize = 1_000;
/// How many of a fault's duplicate errors are diagnosed to merge their fixes.
const PER_GROUP: usize = 4;

/// The validator errors about one fault: one instance path, one kind of error (and for
/// `required` and `additionalProperties`, one property).
struct ErrorGroup<'a> {
    path: String,
    group: &'static str,
    errors: Vec<(jsonschema::ValidationError<'a>, String)>,
}

/// The kind of fault an error reports, and what distinguishes two faults of that kind at one
/// place: `enum`, `const` and `anyOf`/`oneOf` are all "not an allowed value".
fn error_group(kind: &ValidationErrorKind) -> (&'static str, String) {
    match kind {
        ValidationErrorKind::Type { .. } => ("type", String::new()),
        ValidationErrorKind::Required { property } => ("required", property.to_string()),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            ("additionalProperties", unexpected.join("\u{0}"))
        }
        ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::Constant { .. }
        | ValidationErrorKind::AnyOf { .. }
        | ValidationErrorKind::OneOfNotValid { .. } => ("value", String::new()),
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => ("minimum", limit.to_string()),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => ("maximum", limit.to_string()),
        other => ("other", other.keyword().to_string()),
    }
}

/// True for an error found inside an `if`/`then`/`else` branch.
fn is_conditional(schema_path: &str) -> bool {
    schema_path
        .split('/')
        .any(|segment| segment == "then" || segment == "else")
}

/// `params` as serde_json reads it, with the coordinates of the schema's polygon fields left
/// empty (the geometry checks own them): what completion, hover and fixes give
/// [`ProductSchema::active_field`] and [`suggest::accepts`](super::suggest::accepts).
pub fn params_value(params: &Node, schema: &ProductSchema) -> Value {
    let polygon_fields: HashSet<String> = schema
        .fields()
        .iter()
        .filter(|f| f.is_polygon)
        .map(|f| f.name.clone())
        .collect();
    value_without_coordinates(params, &polygon_fields)
}

/// `params` as serde_json reads it, but with the coordinates of polygon fields left empty:
/// the geometry checks own them, and a 200,000-vertex ring need not be copied and
/// schema-checked position by position.
fn value_without_coordinates(params: &Node, polygon_fields: &HashSet<String>) -> Value {
    let members = params.members().unwrap_or(&[]);
    let mut map = serde_json::Map::with_capacity(members.len());
    for member in members {
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
fn label(path: &[PathSegment], options_key: &str) -> String {
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
        options_key.to_string()
    } else {
        text
    }
}

struct Context<'a> {
    doc: &'a Document,
    request: &'a Request<'a>,
    schema: &'a ProductSchema,
    params: &'a Node,
    /// [`ProductSchema::active_field`] by instance path (the facts of the branches that apply,
    /// so a message's "allowed: 1 to 5" is what the check enforces), computed once per check.
    fields: RefCell<HashMap<Vec<PathSegment>, Option<Rc<FieldInfo>>>>,
    /// While a group of enum-like errors is diagnosed: the values all of them allow.
    common_allowed: RefCell<Option<Rc<HashSet<String>>>>,
    /// `params` as validated.
    value: &'a Value,
    now: DateTime<Utc>,
    /// How many fixes were tried against the schema so far.
    fix_checks: RefCell<usize>,
    /// True when the schema has an `if` anywhere (so a branch may apply).
    conditional: bool,
}
