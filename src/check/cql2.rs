//! `filter.*`: a CQL2-JSON filter (OGC 21-065r2, Common Query Language, JSON encoding, read
//! 2026-12-06 at <https://docs.ogc.org/is/21-065r2/21-065r2.html>, §8 and Annex B's
//! `cql2.json` schema) checked as a client would want before sending it: every operator
//! known and given the number of arguments it takes, the filter itself a boolean expression,
//! every `{"property": …}` one of the product's queryables (with did-you-mean), and every
//! literal compared with a queryable allowed by that queryable's schema (type, range, enum).

use std::collections::BTreeSet;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::messages::{closest, show_text, show_value};
use super::{Code, Diagnostic, Fix};
use crate::document::{Node, NodeKind, TextRange};
use crate::schema::ProductSchema;

/// How many arguments an operator takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arity {
    Exactly(usize),
    AtLeast(usize),
}

/// What an operator yields, so a filter's root and the arguments of `and`/`or`/`not` can be
/// required to be predicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Yields {
    Boolean,
    Scalar,
}

/// The operators of CQL2's conformance classes (Basic CQL2, Advanced Comparison, Case- and
/// Accent-insensitive comparison, Basic and Spatial Functions, Temporal Functions, Array
/// Functions, Arithmetic): name, arity, result.
const OPERATORS: &[(&str, Arity, Yields)] = &[
    ("and", Arity::AtLeast(2), Yields::Boolean),
    ("or", Arity::AtLeast(2), Yields::Boolean),
    ("not", Arity::Exactly(1), Yields::Boolean),
    ("=", Arity::Exactly(2), Yields::Boolean),
    ("<>", Arity::Exactly(2), Yields::Boolean),
    ("<", Arity::Exactly(2), Yields::Boolean),
    ("<=", Arity::Exactly(2), Yields::Boolean),
    (">", Arity::Exactly(2), Yields::Boolean),
    (">=", Arity::Exactly(2), Yields::Boolean),
    ("like", Arity::Exactly(2), Yields::Boolean),
    ("between", Arity::Exactly(3), Yields::Boolean),
    ("in", Arity::Exactly(2), Yields::Boolean),
    ("isNull", Arity::Exactly(1), Yields::Boolean),
    ("casei", Arity::Exactly(1), Yields::Scalar),
    ("accenti", Arity::Exactly(1), Yields::Scalar),
    ("s_intersects", Arity::Exactly(2), Yields::Boolean),
    ("s_equals", Arity::Exactly(2), Yields::Boolean),
    ("s_disjoint", Arity::Exactly(2), Yields::Boolean),
    ("s_touches", Arity::Exactly(2), Yields::Boolean),
    ("s_within", Arity::Exactly(2), Yields::Boolean),
    ("s_overlaps", Arity::Exactly(2), Yields::Boolean),
    ("s_crosses", Arity::Exactly(2), Yields::Boolean),
    ("s_contains", Arity::Exactly(2), Yields::Boolean),
    ("t_after", Arity::Exactly(2), Yields::Boolean),
    ("t_before", Arity::Exactly(2), Yields::Boolean),
    ("t_contains", Arity::Exactly(2), Yields::Boolean),
    ("t_disjoint", Arity::Exactly(2), Yields::Boolean),
    ("t_during", Arity::Exactly(2), Yields::Boolean),
    ("t_equals", Arity::Exactly(2), Yields::Boolean),
    ("t_finishedBy", Arity::Exactly(2), Yields::Boolean),
    ("t_finishes", Arity::Exactly(2), Yields::Boolean),
    ("t_intersects", Arity::Exactly(2), Yields::Boolean),
    ("t_meets", Arity::Exactly(2), Yields::Boolean),
    ("t_metBy", Arity::Exactly(2), Yields::Boolean),
    ("t_overlappedBy", Arity::Exactly(2), Yields::Boolean),
    ("t_overlaps", Arity::Exactly(2), Yields::Boolean),
    ("t_startedBy", Arity::Exactly(2), Yields::Boolean),
    ("t_starts", Arity::Exactly(2), Yields::Boolean),
    ("a_equals", Arity::Exactly(2), Yields::Boolean),
    ("a_contains", Arity::Exactly(2), Yields::Boolean),
    ("a_containedBy", Arity::Exactly(2), Yields::Boolean),
    ("a_overlaps", Arity::Exactly(2), Yields::Boolean),
    ("+", Arity::Exactly(2), Yields::Scalar),
    ("-", Arity::Exactly(2), Yields::Scalar),
    ("*", Arity::Exactly(2), Yields::Scalar),
    ("/", Arity::Exactly(2), Yields::Scalar),
    ("%", Arity::Exactly(2), Yields::Scalar),
    ("^", Arity::Exactly(2), Yields::Scalar),
    ("div", Arity::Exactly(2), Yields::Scalar),
];

/// Spellings of other query languages, mapped to CQL2's operator.
const ALIASES: &[(&str, &str)] = &[
    ("==", "="),
    ("eq", "="),
    ("!=", "<>"),
    ("ne", "<>"),
    ("neq", "<>"),
    ("lt", "<"),
    ("lte", "<="),
    ("le", "<="),
    ("gt", ">"),
    ("gte", ">="),
    ("ge", ">="),
    ("&&", "and"),
    ("||", "or"),
    ("!", "not"),
    ("is_null", "isNull"),
    ("isnull", "isNull"),
];

/// Every CQL2 operator name, for completion and messages.
pub fn operator_names() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().map(|(name, _, _)| *name)
}

/// One operator as the check accepts it, for the editor's completion and hover: the same
/// table the check reads, so the two never disagree on a name or an argument count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorInfo {
    /// The name as written in `"op"`.
    pub name: &'static str,
    /// The fewest arguments it takes.
    pub min_args: usize,
    /// The most arguments it takes; `None`: no upper bound (`and`, `or`).
    pub max_args: Option<usize>,
    /// True when it yields a boolean (a predicate), false for a value (`casei`, `+`).
    pub predicate: bool,
}

impl OperatorInfo {
    /// "2 arguments", "at least 2 arguments".
    pub fn arity_text(&self) -> String {
        arity_text(match self.max_args {
            Some(n) => Arity::Exactly(n),
            None => Arity::AtLeast(self.min_args),
        })
    }
}

/// Every operator the check accepts, in the table's order.
pub fn operators() -> impl Iterator<Item = OperatorInfo> {
    OPERATORS.iter().map(|&(name, arity, yields)| {
        let (min_args, max_args) = match arity {
            Arity::Exactly(n) => (n, Some(n)),
            Arity::AtLeast(n) => (n, None),
        };
        OperatorInfo {
            name,
            min_args,
            max_args,
            predicate: yields == Yields::Boolean,
        }
    })
}

/// The operator an alias of another query language stands for (`==` -> `=`).
pub fn operator_alias(name: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, op)| *op)
}

/// The arguments of comparison operators whose literals are checked against a queryable.
fn compares_values(op: &str) -> bool {
    matches!(op, "=" | "<>" | "<" | "<=" | ">" | ">=" | "between" | "in")
}

/// Nesting deeper than this is reported, not walked (a generated filter cannot blow the
/// stack).
const MAX_DEPTH: usize = 64;

/// What the walk learned, for the caller's `filter.required` check.
#[derive(Debug, Default)]
pub(super) struct FilterFacts {
    /// The property names the filter uses.
    pub properties: BTreeSet<String>,
}

struct Walk<'a> {
    queryables: Option<&'a ProductSchema>,
    names: Vec<String>,
    facts: FilterFacts,
    out: &'a mut Vec<Diagnostic>,
}

/// Checks the filter at `node` against the product's `queryables` schema (its `properties`
/// are the queryables; `None`: property names and values are not checked).
pub(super) fn check(
    node: &Node,
    queryables: Option<&ProductSchema>,
    out: &mut Vec<Diagnostic>,
) -> FilterFacts {
    let names = queryables
        .and_then(|q| q.schema.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut walk = Walk {
        queryables,
        names,
        facts: FilterFacts::default(),
        out,
    };
    match &node.kind {
        // An empty object is "no filter" to the reference server; null too.
        NodeKind::Null | NodeKind::Error => {}
        NodeKind::Object(members) if members.is_empty() => {}
        _ => {
            if walk.expression(node, 0) == Some(Yields::Scalar) {
                walk.out.push(Diagnostic::new(
                    Code::FilterSyntax,
                    node.range,
                    "the filter must be a predicate (a comparison, 'and', 'or', 'not', a \
                     spatial or temporal test, or true/false), not a value",
                ));
            }
        }
    }
    walk.facts
}

impl Walk<'_> {
    /// Checks an expression; returns what it yields, `None` when it is malformed (already
    /// reported) or unknown.
    fn expression(&mut self, node: &Node, depth: usize) -> Option<Yields> {
        if depth > MAX_DEPTH {
            self.out.push(Diagnostic::new(
                Code::FilterSyntax,
                node.range,
                format!("the filter nests deeper than {MAX_DEPTH} levels; not checked further"),
            ));
            return None;
        }
        match &node.kind {
            NodeKind::Bool(_) => Some(Yields::Boolean),
            NodeKind::String(_) | NodeKind::Number(_) | NodeKind::Null => Some(Yields::Scalar),
            NodeKind::Error => None,
            NodeKind::Array(_) => {
                if let Some(items) = node.items() {
                    for item in items.iter() {
                        self.expression(&item, depth + 1);
                    }
                }
                Some(Yields::Scalar)
            }
            NodeKind::Object(_) => self.object(node, depth),
        }
    }

    fn object(&mut self, node: &Node, depth: usize) -> Option<Yields> {
        if let Some(op) = node.member("op") {
            return self.operation(node, op, depth);
        }
        if let Some(member) = node.member("property") {
            self.property(member.value.as_ref()?);
            return Some(Yields::Scalar);
        }
        // Literals: temporal, bbox, GeoJSON geometry.
        for key in ["timestamp", "date", "interval", "bbox", "type"] {
            if node.member(key).is_some() {
                return Some(Yields::Scalar);
            }
        }
        self.out.push(Diagnostic::new(
            Code::FilterSyntax,
            TextRange::new(node.range.start as usize, node.range.start as usize + 1),
            "this object is no CQL2 expression: an operation is {\"op\": …, \"args\": […]}, a \
             property {\"property\": \"name\"}, a time {\"timestamp\": …} or {\"interval\": […]}",
        ));
        None
    }

    fn operation(
        &mut self,
        node: &Node,
        op_member: &crate::document::Member,
        depth: usize,
    ) -> Option<Yields> {
        let op_node = op_member.value.as_ref()?;
        let Some(op) = op_node.as_str() else {
            self.out.push(Diagnostic::new(
                Code::FilterSyntax,
                op_node.range,
                format!(
                    "op must be an operator name (a string), found {}",
                    op_node.type_name()
                ),
            ));
            return None;
        };
        let args = node.get("args");
        let Some(&(name, arity, yields)) = OPERATORS.iter().find(|(name, _, _)| *name == op) else {
            self.unknown_operator(op, op_node);
            // Still walk the arguments: their faults are independent.
            if let Some(items) = args.and_then(Node::items) {
                for item in items.iter() {
                    self.expression(&item, depth + 1);
                }
            }
            return None;
        };
        let Some(args) = args else {
            self.out.push(Diagnostic::new(
                Code::FilterSyntax,
                op_member.key.range,
                format!(
                    "the operation '{name}' has no \"args\": it takes {}",
                    arity_text(arity)
                ),
            ));
            return Some(yields);
        };
        let Some(items) = args.items() else {
            if !matches!(args.kind, NodeKind::Error) {
                self.out.push(Diagnostic::new(
                    Code::FilterSyntax,
                    args.range,
                    format!(
                        "args of '{name}' must be an array of {}, found {}",
                        arity_text(arity),
                        args.type_name()
                    ),
                ));
            }
            return Some(yields);
        };
        let count = items.len();
        let fits = match arity {
            Arity::Exactly(n) => count == n,
            Arity::AtLeast(n) => count >= n,
        };
        if !fits {
            self.out.push(Diagnostic::new(
                Code::FilterSyntax,
                args.range,
                format!("'{name}' takes {}, found {count}", arity_text(arity)),
            ));
        }
        let mut results = Vec::with_capacity(count);
        for item in items.iter() {
            results.push(self.expression(&item, depth + 1));
        }
        if matches!(name, "and" | "or" | "not") {
            for (item, result) in items.iter().zip(&results) {
                if *result == Some(Yields::Scalar) {
                    self.out.push(Diagnostic::new(
                        Code::FilterSyntax,
                        item.range,
                        format!(
                            "each argument of '{name}' must be a predicate (a comparison or \
                             another 'and'/'or'/'not'), not a value"
                        ),
                    ));
                }
            }
        }
        if name == "in" && count == 2 {
            if let Some(list) = items.get(1) {
                if list.items().is_none() && !matches!(list.kind, NodeKind::Error) {
                    self.out.push(Diagnostic::new(
                        Code::FilterSyntax,
                        list.range,
                        "the second argument of 'in' must be an array of values",
                    ));
                }
            }
        }
        if compares_values(name) && fits {
            self.compared_values(name, &items);
        }
        Some(yields)
    }

    fn unknown_operator(&mut self, op: &str, node: &Node) {
        let alias = ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(op))
            .map(|(_, to)| *to);
        let near = alias.or_else(|| {
            OPERATORS
                .iter()
                .find(|(name, _, _)| name.eq_ignore_ascii_case(op))
                .map(|(name, _, _)| *name)
                .or_else(|| closest(op, operator_names()))
        });
        let mut diagnostic = Diagnostic::new(
            Code::FilterSyntax,
            node.range,
            match near {
                Some(near) => format!(
                    "'{}' is not a CQL2 operator; did you mean '{near}'?",
                    show_text(op)
                ),
                None => format!(
                    "'{}' is not a CQL2 operator (comparisons are =, <>, <, <=, >, >=, like, \
                     between, in, isNull; logic is and, or, not)",
                    show_text(op)
                ),
            },
        );
        if let Some(near) = near {
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Change to '{near}'"),
                    node.range,
                    format!("\"{near}\""),
                )
                .preferred(),
            );
        }
        self.out.push(diagnostic);
    }

    fn property(&mut self, node: &Node) {
        let Some(name) = node.as_str() else {
            if !matches!(node.kind, NodeKind::Error) {
                self.out.push(Diagnostic::new(
                    Code::FilterSyntax,
                    node.range,
                    format!(
                        "a property name must be a string, found {}",
                        node.type_name()
                    ),
                ));
            }
            return;
        };
        self.facts.properties.insert(name.to_string());
        if self.queryables.is_none() || self.names.iter().any(|n| n == name) {
            return;
        }
        let near = closest(name, self.names.iter().map(String::as_str)).map(str::to_string);
        let known = if self.names.is_empty() {
            "the product lists no queryables".to_string()
        } else {
            format!("queryables: {}", self.names.join(", "))
        };
        let mut diagnostic = Diagnostic::new(
            Code::FilterUnknownProperty,
            node.range,
            match &near {
                Some(near) => format!(
                    "'{}' is not a queryable of this product; did you mean '{near}'? ({known})",
                    show_text(name)
                ),
                None => format!(
                    "'{}' is not a queryable of this product ({known})",
                    show_text(name)
                ),
            },
        );
        if let Some(near) = near {
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Change to '{near}'"),
                    node.range,
                    format!("\"{near}\""),
                )
                .preferred(),
            );
        }
        self.out.push(diagnostic);
    }

    /// For a comparison of one property with literals, each literal against the property's
    /// schema.
    fn compared_values(&mut self, op: &str, items: &crate::document::ArrayItems<'_>) {
        let Some(queryables) = self.queryables else {
            return;
        };
        let all: Vec<_> = items.iter().collect();
        let properties: Vec<&str> = all
            .iter()
            .filter_map(|n| n.get("property").and_then(Node::as_str))
            .collect();
        let [property] = properties.as_slice() else {
            return;
        };
        let Some(subschema) = queryable_schema(&queryables.schema, property) else {
            return;
        };
        let Ok(validator) = crate::schema::compile_validator(&subschema) else {
            return;
        };
        // Items of a list come built when the list is packed (`[1, 2]` is): kept as items.
        let mut literals: Vec<crate::document::Item<'_>> = Vec::new();
        for node in &all {
            if node.get("property").is_some() {
                continue;
            }
            if op == "in" {
                if let Some(list) = node.items() {
                    literals.extend(list.iter());
                    continue;
                }
            }
            literals.push(std::borrow::Cow::Borrowed(node));
        }
        for literal in &literals {
            if !matches!(
                literal.kind,
                NodeKind::String(_) | NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Null
            ) {
                continue;
            }
            let Some(value) = literal.to_value() else {
                continue;
            };
            let Some(error) = validator.iter_errors(&value).next() else {
                continue;
            };
            self.out.push(value_diagnostic(
                property,
                literal,
                &value,
                error.kind(),
                &subschema,
            ));
        }
    }
}

/// "2 arguments", "at least 2 arguments".
fn arity_text(arity: Arity) -> String {
    let words = |n: usize| {
        if n == 1 {
            "1 argument".to_string()
        } else {
            format!("{n} arguments")
        }
    };
    match arity {
        Arity::Exactly(n) => words(n),
        Arity::AtLeast(n) => format!("at least {}", words(n)),
    }
}

/// The schema of queryable `name`, with the root's definitions beside it so its `$ref`s
/// resolve.
pub(crate) fn queryable_schema(root: &Value, name: &str) -> Option<Value> {
    let mut schema = root.get("properties")?.get(name)?.clone();
    if let Value::Object(map) = &mut schema {
        for key in ["$defs", "definitions"] {
            if let Some(defs) = root.get(key) {
                map.entry(key.to_string()).or_insert_with(|| defs.clone());
            }
        }
    }
    Some(schema)
}

fn value_diagnostic(
    property: &str,
    node: &Node,
    value: &Value,
    kind: &ValidationErrorKind,
    schema: &Value,
) -> Diagnostic {
    let shown = show_value(value);
    let limit = |v: &Value| v.to_string();
    let message = match kind {
        ValidationErrorKind::Minimum { limit: l } => {
            format!(
                "{shown} is below the minimum {} of queryable '{property}'{}",
                limit(l),
                range_of(schema)
            )
        }
        ValidationErrorKind::Maximum { limit: l } => {
            format!(
                "{shown} is above the maximum {} of queryable '{property}'{}",
                limit(l),
                range_of(schema)
            )
        }
        ValidationErrorKind::ExclusiveMinimum { limit: l } => {
            format!(
                "queryable '{property}' must be greater than {}, found {shown}",
                limit(l)
            )
        }
        ValidationErrorKind::ExclusiveMaximum { limit: l } => {
            format!(
                "queryable '{property}' must be less than {}, found {shown}",
                limit(l)
            )
        }
        ValidationErrorKind::Enum { options }
        | ValidationErrorKind::Constant {
            expected_value: options,
        } => {
            let options: &Value = options;
            let allowed: Vec<String> = match options {
                Value::Array(items) => items.iter().map(show_value).collect(),
                other => vec![show_value(other)],
            };
            let texts: Vec<&str> = match options {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect(),
            };
            let near = value
                .as_str()
                .and_then(|typed| closest(typed, texts.iter().copied()));
            let mut message = format!(
                "{shown} is not allowed for queryable '{property}'; allowed: {}",
                allowed.join(", ")
            );
            if let Some(near) = near {
                message.push_str(&format!("; did you mean '{near}'?"));
                return Diagnostic::new(Code::FilterValue, node.range, message).with_fix(
                    Fix::replace(
                        format!("Change to '{near}'"),
                        node.range,
                        format!("\"{near}\""),
                    )
                    .preferred(),
                );
            }
            message
        }
        ValidationErrorKind::Type { .. } => {
            let expected = schema
                .get("type")
                .map(|t| t.to_string().replace('"', ""))
                .unwrap_or_else(|| "another type".to_string());
            format!("queryable '{property}' is {expected}, found {shown}")
        }
        _ => format!("{shown} is not a valid value for queryable '{property}'"),
    };
    Diagnostic::new(Code::FilterValue, node.range, message)
}

/// ` (allowed: 0 to 100)` from a schema's `minimum`/`maximum`, or nothing.
fn range_of(schema: &Value) -> String {
    match (schema.get("minimum"), schema.get("maximum")) {
        (Some(min), Some(max)) => format!(" (allowed: {min} to {max})"),
        _ => String::new(),
    }
}
