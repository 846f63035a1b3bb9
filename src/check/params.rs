//! `schema.*`: `params` validated against the product schema with the jsonschema crate, each
//! error mapped back to the exact key or value it is about and told in the field's own words.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::edits::insert_member;
use super::envelope::{Request, RequestForm};
use super::messages::{
    closest, describe_found, list_allowed, plural, show_number, show_text, show_value,
};
use super::suggest::{accepts, suggested};
use super::unknown::unknown_property;
use super::{Code, Diagnostic, Fix};
use crate::document::{Document, Item, Node, PathSegment, TextRange};
use crate::schema::{AllowedValue, FieldInfo, ProductSchema};

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

impl Context<'_> {
    /// The node at `path` below `params` (a number of a packed pair is built on the fly).
    fn node_at(&self, path: &[PathSegment]) -> Option<Item<'_>> {
        let mut node = Item::Borrowed(self.params);
        for segment in path {
            let Item::Borrowed(parent) = node else {
                // A packed number has no children.
                return None;
            };
            node = match segment {
                PathSegment::Key(key) => Item::Borrowed(parent.get(key)?),
                PathSegment::Index(index) => parent.item(*index)?,
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

    fn diagnose(
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
    fn allowed_for(&self, kind: &ValidationErrorKind, schema_path: &str) -> Vec<AllowedValue> {
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
    fn keep_accepted_fixes(&self, path: &[PathSegment], diagnostic: &mut Diagnostic) {
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
