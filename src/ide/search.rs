//! Completion and hover in a search-style order (`datetime`, `geometry`, `filter`, the
//! options member), from the product's schemas given as plain data
//! ([`SearchProduct`]): the options member as `params` is served (the same completion and
//! hover machinery, through the options schema), and inside `filter` the CQL2-JSON
//! operators (the check's own table, [`crate::check::cql2::operators`]), the queryables
//! named in `{"property": …}` and the allowed values of the queryable an operation compares.

use std::borrow::Cow;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::Value;

use super::completion::{
    clamp_unterminated, json_string, params_of, CompletionItem, CompletionKind, Context,
    KeyCandidate,
};
use super::docs::{field_heading, field_markdown};
use super::hover::{Hover, HoverInfo};
use super::request::{Request, POLYGON_SKELETON};
use super::snippet::escape;
use crate::check::cql2::{operator_alias, operators, OperatorInfo};
use crate::check::search_order::{
    FILTER_KEY, GEOMETRY_KEY, KEYS, OPTIONS_KEY, REQUIRED, WINDOW_KEY,
};
use crate::check::Edit;
use crate::document::{CursorContext, Document, Node, NodeKind, PathSegment, TextRange};
use crate::schema::{FieldInfo, SchemaStore, SearchProduct};

/// The completion items at `offset` of a search-style order of `product`.
pub fn search_completions(
    doc: &Document,
    product: &SearchProduct,
    offset: usize,
) -> Vec<CompletionItem> {
    search_completions_at(doc, product, offset, Utc::now())
}

/// [`search_completions`] with "now" given, for the suggested window (tests pin it).
pub fn search_completions_at(
    doc: &Document,
    product: &SearchProduct,
    offset: usize,
    now: DateTime<Utc>,
) -> Vec<CompletionItem> {
    let store = SchemaStore::default();
    let request = Request::search(doc, product.options.clone(), OPTIONS_KEY);
    let params = params_of(&request);
    let cx = Context {
        doc,
        store: &store,
        request: &request,
        params: &params,
        now,
    };
    let search = Search { cx: &cx, product };
    let mut items = match doc.cursor_context(offset) {
        CursorContext::Key {
            object_path,
            object,
            member,
            range,
            ..
        } => {
            let range = clamp_unterminated(doc, range, offset);
            match object_path.split_first() {
                None => cx.key_items(search.root_keys(), object, member, range),
                Some((PathSegment::Key(k), rest)) if k == OPTIONS_KEY => {
                    cx.keys(&as_params(rest), object, member, range)
                }
                Some((PathSegment::Key(k), _)) if k == FILTER_KEY => {
                    cx.key_items(filter_keys(object), object, member, range)
                }
                Some((PathSegment::Key(k), [])) if k == GEOMETRY_KEY => {
                    cx.key_items(geometry_keys(), object, member, range)
                }
                _ => Vec::new(),
            }
        }
        CursorContext::Value {
            path, node, range, ..
        } => {
            let range = match node {
                Some(node) if matches!(node.kind, NodeKind::Object(_) | NodeKind::Array(_)) => {
                    return Vec::new()
                }
                Some(node) if range.is_empty() => node.range,
                _ => range,
            };
            let range = clamp_unterminated(doc, range, offset);
            match path.split_first() {
                Some((PathSegment::Key(k), rest)) if k == OPTIONS_KEY && !rest.is_empty() => {
                    cx.values(&as_params(rest), range)
                }
                Some((PathSegment::Key(k), rest)) if k == FILTER_KEY => {
                    search.filter_values(&path, rest, range)
                }
                Some((PathSegment::Key(k), [])) if k == WINDOW_KEY => search.window_values(range),
                Some((PathSegment::Key(k), [PathSegment::Key(t)]))
                    if k == GEOMETRY_KEY && t == "type" =>
                {
                    search.geometry_type_values(range)
                }
                _ => Vec::new(),
            }
        }
        CursorContext::None => Vec::new(),
    };
    for (index, item) in items.iter_mut().enumerate() {
        if item.sort_text.is_empty() {
            item.sort_text = format!("{index:03}");
        }
    }
    items
}

/// The hover at `offset` of a search-style order of `product`.
pub fn search_hover(doc: &Document, product: &SearchProduct, offset: usize) -> Option<HoverInfo> {
    let (path, value, range) = match doc.key_at_offset(offset) {
        Some((mut path, member)) => {
            path.push(PathSegment::Key(member.key.name.clone()));
            (
                path,
                member.value.as_ref().map(Cow::Borrowed),
                member.key.range,
            )
        }
        None => {
            let (path, node) = doc.node_at_offset(offset)?;
            let range = node.range;
            (path, Some(node), range)
        }
    };
    let markdown = match path.split_first()? {
        (PathSegment::Key(k), []) if k == WINDOW_KEY => {
            let mut out = root_key_markdown(k, product)?;
            if let Some(line) = value
                .as_deref()
                .and_then(Node::as_str)
                .and_then(window_line)
            {
                out.push_str("\n\n");
                out.push_str(&line);
            }
            out
        }
        (PathSegment::Key(k), []) => root_key_markdown(k, product)?,
        (PathSegment::Key(k), rest) if k == OPTIONS_KEY => {
            let store = SchemaStore::default();
            let request = Request::search(doc, product.options.clone(), OPTIONS_KEY);
            Hover {
                store: &store,
                request: &request,
            }
            .at(&as_params(rest), value.as_deref())?
        }
        (PathSegment::Key(k), rest) if k == FILTER_KEY => {
            filter_hover(doc, product, rest, value.as_deref())?
        }
        (PathSegment::Key(k), [PathSegment::Key(t)]) if k == GEOMETRY_KEY && t == "type" => {
            let accepted = product.accepted_geometry_types();
            let mut out = format!(
                "**type** — the GeoJSON geometry type\n\nThis product accepts: {}.",
                accepted.join(", ")
            );
            if let Some(current) = value.as_deref().and_then(Node::as_str) {
                if !accepted.iter().any(|t| t == current) {
                    out.push_str(&format!("\n\n`{current}` is not among them."));
                }
            }
            out
        }
        _ => return None,
    };
    Some(HoverInfo { markdown, range })
}

/// The documentation of a CQL2 operator: what it tests or yields and the shape of its
/// `args`, as Markdown. `None` for a name the check does not accept.
pub fn operator_markdown(name: &str) -> Option<String> {
    let op = operators().find(|op| op.name == name)?;
    let (class, what, args) = operator_doc(op.name);
    Some(format!(
        "**{name}** — {class}\n\n{what}\n\n```json\n{{\"op\": \"{name}\", \"args\": {args}}}\n```\n\n{} {}.",
        if op.predicate {
            "A predicate (true or false) of"
        } else {
            "A value computed from"
        },
        op.arity_text()
    ))
}

/// The conformance class, the meaning and an example `args` of each operator of the check's
/// table (OGC 21-065r2, §7 and §8).
fn operator_doc(name: &str) -> (&'static str, &'static str, &'static str) {
    match name {
        "and" => (
            "logical",
            "True when every argument is true.",
            r#"[{"op": "<=", "args": [{"property": "cloud_cover"}, 20]}, {"op": ">=", "args": [{"property": "sun_elevation"}, 30]}]"#,
        ),
        "or" => (
            "logical",
            "True when any argument is true.",
            r#"[{"op": "=", "args": [{"property": "mode"}, "a"]}, {"op": "=", "args": [{"property": "mode"}, "b"]}]"#,
        ),
        "not" => (
            "logical",
            "True when its one argument is false.",
            r#"[{"op": "isNull", "args": [{"property": "cloud_cover"}]}]"#,
        ),
        "=" | "<>" | "<" | "<=" | ">" | ">=" => (
            "comparison (Basic CQL2)",
            "Compares two values: a property, a literal or an expression. Literals compared with a queryable are checked against its schema.",
            r#"[{"property": "cloud_cover"}, 20]"#,
        ),
        "like" => (
            "comparison (Advanced Comparison Operators)",
            "A string matches a pattern: `%` stands for any characters, `_` for one.",
            r#"[{"property": "name"}, "Berl%"]"#,
        ),
        "between" => (
            "comparison (Advanced Comparison Operators)",
            "A number lies between a low and a high bound, both included.",
            r#"[{"property": "off_nadir"}, 0, 20]"#,
        ),
        "in" => (
            "comparison (Advanced Comparison Operators)",
            "A value is one of a list.",
            r#"[{"property": "mode"}, ["a", "b"]]"#,
        ),
        "isNull" => (
            "comparison (Basic CQL2)",
            "The value is null or missing.",
            r#"[{"property": "cloud_cover"}]"#,
        ),
        "casei" => (
            "function (Case-insensitive Comparison)",
            "The string folded to one case, for a comparison that ignores case.",
            r#"[{"property": "name"}]"#,
        ),
        "accenti" => (
            "function (Accent-insensitive Comparison)",
            "The string without accents, for a comparison that ignores them.",
            r#"[{"property": "name"}]"#,
        ),
        n if n.starts_with("s_") => (
            "spatial (Spatial Functions)",
            "Tests two geometries: a property, a GeoJSON geometry or {\"bbox\": [w, s, e, n]}.",
            r#"[{"property": "geometry"}, {"bbox": [13.3, 52.4, 13.5, 52.6]}]"#,
        ),
        n if n.starts_with("t_") => (
            "temporal (Temporal Functions)",
            "Tests two instants or intervals: a property, {\"timestamp\": …}, {\"date\": …} or {\"interval\": [start, end]} (\"..\" for an open end).",
            r#"[{"property": "datetime"}, {"interval": ["2027-01-01T00:00:00Z", ".."]}]"#,
        ),
        n if n.starts_with("a_") => (
            "array (Array Functions)",
            "Compares two arrays as sets.",
            r#"[{"property": "bands"}, ["red", "green"]]"#,
        ),
        _ => (
            "arithmetic (Arithmetic operators)",
            "A number computed from two numbers.",
            r#"[{"property": "off_nadir"}, 2]"#,
        ),
    }
}

/// A path inside the options member as a path inside `params`, which the envelope machinery
/// of completion and hover serves.
fn as_params(rest: &[PathSegment]) -> Vec<PathSegment> {
    let mut path = vec![PathSegment::Key("params".to_string())];
    path.extend(rest.iter().cloned());
    path
}

/// The node at `path` below `root`, through objects and arrays (not into a packed pair).
fn node_at<'d>(root: &'d Node, path: &[PathSegment]) -> Option<&'d Node> {
    let mut node = root;
    for segment in path {
        node = match segment {
            PathSegment::Key(k) => node.get(k)?,
            PathSegment::Index(i) => match node.items()?.get(*i)? {
                Cow::Borrowed(item) => item,
                Cow::Owned(_) => return None,
            },
        };
    }
    Some(node)
}

/// The queryable `name` of `product`, with its facts.
fn queryable(product: &SearchProduct, name: &str) -> Option<FieldInfo> {
    product.queryables.as_ref()?.field(name)
}

/// "Cloud Cover · integer".
fn queryable_detail(field: &FieldInfo) -> Option<String> {
    let parts: Vec<String> = field
        .title
        .iter()
        .filter(|t| **t != field.name)
        .cloned()
        .chain((!field.types.is_empty()).then(|| field.types.join(" or ")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The hover of a queryable: heading and facts.
fn queryable_markdown(field: &FieldInfo, current: Option<&Value>) -> String {
    format!(
        "{} (queryable)\n\n{}",
        field_heading(field),
        field_markdown(field, current)
    )
    .trim_end()
    .to_string()
}

fn root_key_markdown(key: &str, product: &SearchProduct) -> Option<String> {
    let product_name = if product.title.is_empty() {
        format!("`{}`", product.id)
    } else {
        format!("{} (`{}`)", product.title, product.id)
    };
    Some(match key {
        WINDOW_KEY => "**Time window** `datetime`\n\nThe acquisition window: an RFC 3339 \
                       interval `start/end` with a zone (`Z` or an offset); one end may be open \
                       (`..`). The end must be after the start."
            .to_string(),
        GEOMETRY_KEY => format!(
            "**Area of interest** `geometry`\n\nA GeoJSON geometry in WGS84 \
             longitude/latitude. {product_name} accepts: {}.",
            product.accepted_geometry_types().join(", ")
        ),
        FILTER_KEY => {
            let names = queryable_names(product);
            format!(
                "**Filter** `filter`\n\nA CQL2-JSON filter on the product's queryables: \
                 `{{\"op\": \"<=\", \"args\": [{{\"property\": \"…\"}}, 20]}}`.\n\n{}",
                if names.is_empty() {
                    "No queryables are known for this product.".to_string()
                } else {
                    format!("Queryables: {}", names.join(", "))
                }
            )
        }
        OPTIONS_KEY => {
            let mut out = format!(
                "**Order parameters** `{OPTIONS_KEY}`\n\nThe options of {product_name}, \
                 validated by its order-parameters schema."
            );
            if let Some(reason) = &product.unavailable {
                out.push_str(&format!("\n\nNo schema: {reason}."));
            }
            out
        }
        _ => return None,
    })
}

fn queryable_names(product: &SearchProduct) -> Vec<String> {
    product
        .queryables
        .as_ref()
        .map(|q| q.fields().iter().map(|f| format!("`{}`", f.name)).collect())
        .unwrap_or_default()
}

/// The hover inside `filter` (`rest`: the path below it).
fn filter_hover(
    doc: &Document,
    product: &SearchProduct,
    rest: &[PathSegment],
    value: Option<&Node>,
) -> Option<String> {
    let filter = doc.root()?.get(FILTER_KEY)?;
    let (last, parent) = rest.split_last()?;
    match last {
        PathSegment::Key(k) if k == "property" => {
            let name = value?.as_str()?;
            Some(match queryable(product, name) {
                Some(field) => queryable_markdown(&field, None),
                None => {
                    let names = queryable_names(product);
                    format!(
                        "**{name}**: not a queryable of this product{}",
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!("; its queryables: {}", names.join(", "))
                        }
                    )
                }
            })
        }
        PathSegment::Key(k) if k == "op" => {
            let name = value?.as_str()?;
            operator_markdown(name).or_else(|| {
                operator_alias(name)
                    .map(|op| format!("**{name}** is not a CQL2 operator: CQL2 writes `{op}`"))
            })
        }
        PathSegment::Key(k) if k == "args" => {
            let op = node_at(filter, parent)?.get("op")?.as_str()?;
            operator_markdown(op)
        }
        // A literal compared with a queryable: that queryable's facts, this value marked.
        PathSegment::Index(_) => {
            let (field, _) = compared_queryable(filter, product, rest)?;
            let current = value.and_then(Node::to_value);
            Some(queryable_markdown(&field, current.as_ref()))
        }
        _ => None,
    }
}

/// The queryable an operation compares the value at `rest` (a path below `filter`) with:
/// the operation's first argument is `{"property": name}` and the value is a later argument
/// (or an item of one, for `in`). Also returns the operator.
fn compared_queryable<'f>(
    filter: &'f Node,
    product: &SearchProduct,
    rest: &[PathSegment],
) -> Option<(FieldInfo, &'f str)> {
    // [.., "args", i] or [.., "args", i, j] (an item of the list of `in`).
    let (args_at, index) = match rest {
        [.., PathSegment::Key(a), PathSegment::Index(i)] if a == "args" => (rest.len() - 2, *i),
        [.., PathSegment::Key(a), PathSegment::Index(i), PathSegment::Index(_)] if a == "args" => {
            (rest.len() - 3, *i)
        }
        _ => return None,
    };
    if index == 0 {
        return None;
    }
    let operation = node_at(filter, &rest[..args_at])?;
    let op = operation.get("op")?.as_str()?;
    let first = operation.get("args")?.items()?.get(0)?;
    let name = first.get("property")?.as_str()?;
    Some((queryable(product, name)?, op))
}

struct Search<'a> {
    cx: &'a Context<'a>,
    product: &'a SearchProduct,
}

impl Search<'_> {
    fn root_keys(&self) -> Vec<KeyCandidate> {
        KEYS.iter()
            .map(|&key| {
                let value = match key {
                    WINDOW_KEY => format!("\"{}\"", escape(&suggested_window(self.cx.now))),
                    GEOMETRY_KEY => escape(&self.geometry_skeleton()),
                    _ => "{$0}".to_string(),
                };
                let documentation = root_key_markdown(key, self.product);
                KeyCandidate {
                    name: key.to_string(),
                    detail: Some(
                        match key {
                            WINDOW_KEY => "Time window (RFC 3339 interval)",
                            GEOMETRY_KEY => "Area of interest (GeoJSON)",
                            FILTER_KEY => "CQL2-JSON filter on the queryables",
                            _ => "The product's options",
                        }
                        .to_string(),
                    ),
                    documentation,
                    value,
                    required: REQUIRED.contains(&key),
                }
            })
            .collect()
    }

    /// A polygon when the product accepts one, else a point.
    fn geometry_skeleton(&self) -> String {
        let types = self.product.accepted_geometry_types();
        if types.iter().any(|t| t == "Polygon") {
            POLYGON_SKELETON.to_string()
        } else {
            r#"{"type": "Point", "coordinates": [13.38, 52.51]}"#.to_string()
        }
    }

    fn window_values(&self, range: TextRange) -> Vec<CompletionItem> {
        let window = suggested_window(self.cx.now);
        vec![CompletionItem {
            detail: Some("One week, starting in two days".to_string()),
            preselect: true,
            ..value_item(
                self.cx,
                range,
                window.clone(),
                CompletionKind::Value,
                json_string(&window),
            )
        }]
    }

    fn geometry_type_values(&self, range: TextRange) -> Vec<CompletionItem> {
        self.product
            .accepted_geometry_types()
            .into_iter()
            .map(|t| {
                let text = json_string(&t);
                value_item(self.cx, range, t, CompletionKind::EnumMember, text)
            })
            .collect()
    }

    /// Values inside the filter: operators after `"op"`, queryables after `"property"`,
    /// the allowed values of the compared queryable, or an expression in an `args` slot.
    fn filter_values(
        &self,
        path: &[PathSegment],
        rest: &[PathSegment],
        range: TextRange,
    ) -> Vec<CompletionItem> {
        let filter = self.cx.doc.root().and_then(|r| r.get(FILTER_KEY));
        match rest.last() {
            Some(PathSegment::Key(k)) if k == "op" => self.operator_items(range),
            Some(PathSegment::Key(k)) if k == "property" => self.queryable_items(range),
            Some(PathSegment::Index(_)) => {
                let mut items = Vec::new();
                if let Some((field, _)) =
                    filter.and_then(|f| compared_queryable(f, self.product, rest))
                {
                    items.extend(self.allowed_items(&field, range));
                }
                // A slot directly in `args` (not an item of a list), not yet begun as a
                // string: a property reference or an operation fits there too.
                let in_args = matches!(
                    &path[path.len().saturating_sub(2)..],
                    [PathSegment::Key(a), PathSegment::Index(_)] if a == "args"
                );
                if in_args && !self.cx.doc.slice(range).starts_with('"') {
                    items.extend(self.expression_items(range));
                }
                items
            }
            // The filter itself: an operation.
            None => self
                .expression_items(range)
                .into_iter()
                .filter(|item| item.kind == CompletionKind::Snippet)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn operator_items(&self, range: TextRange) -> Vec<CompletionItem> {
        // Predicates first (a filter and the arguments of and/or/not need one), then the
        // functions that yield values, each in the check's table order.
        let mut ops: Vec<OperatorInfo> = operators().collect();
        ops.sort_by_key(|op| !op.predicate);
        ops.into_iter()
            .map(|op| {
                let (class, _, _) = operator_doc(op.name);
                CompletionItem {
                    detail: Some(format!("{class}, {}", op.arity_text())),
                    documentation: operator_markdown(op.name),
                    ..value_item(
                        self.cx,
                        range,
                        op.name.to_string(),
                        CompletionKind::EnumMember,
                        json_string(op.name),
                    )
                }
            })
            .collect()
    }

    fn queryable_items(&self, range: TextRange) -> Vec<CompletionItem> {
        let Some(queryables) = &self.product.queryables else {
            return Vec::new();
        };
        queryables
            .fields()
            .iter()
            .map(|field| CompletionItem {
                detail: queryable_detail(field),
                documentation: Some(queryable_markdown(field, None)),
                ..value_item(
                    self.cx,
                    range,
                    field.name.clone(),
                    CompletionKind::Property,
                    json_string(&field.name),
                )
            })
            .collect()
    }

    /// The queryable's allowed values (enum, const), its default, or its bounds.
    fn allowed_items(&self, field: &FieldInfo, range: TextRange) -> Vec<CompletionItem> {
        let documentation = Some(queryable_markdown(field, None));
        let mut values: Vec<(Value, Option<String>)> = field
            .allowed
            .iter()
            .map(|a| (a.value.clone(), a.title.clone()))
            .collect();
        if values.is_empty() {
            let bounds = [
                (field.default.clone(), "default"),
                (field.minimum.map(Value::from), "minimum"),
                (field.maximum.map(Value::from), "maximum"),
            ];
            for (value, what) in bounds {
                if let Some(value) = value {
                    let value = integral(value);
                    if !values.iter().any(|(v, _)| *v == value) {
                        values.push((value, Some(what.to_string())));
                    }
                }
            }
        }
        if values.is_empty() && field.types.iter().any(|t| t == "boolean") {
            values = vec![(Value::Bool(true), None), (Value::Bool(false), None)];
        }
        values
            .into_iter()
            .map(|(value, title)| {
                let label = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let kind = if field.allowed.is_empty() {
                    CompletionKind::Value
                } else {
                    CompletionKind::EnumMember
                };
                CompletionItem {
                    detail: title,
                    documentation: documentation.clone(),
                    preselect: field.default.as_ref() == Some(&value),
                    ..value_item(self.cx, range, label, kind, value.to_string())
                }
            })
            .collect()
    }

    /// In an `args` slot: a reference to each queryable, and an operation.
    fn expression_items(&self, range: TextRange) -> Vec<CompletionItem> {
        let mut items: Vec<CompletionItem> = self
            .product
            .queryables
            .iter()
            .flat_map(|q| q.fields().iter())
            .map(|field| {
                let reference = format!("{{\"property\": {}}}", json_string(&field.name));
                CompletionItem {
                    detail: queryable_detail(field),
                    documentation: Some(queryable_markdown(field, None)),
                    filter_text: Some(format!("{{\"property\": \"{}", field.name)),
                    ..value_item(
                        self.cx,
                        range,
                        reference.clone(),
                        CompletionKind::Property,
                        reference,
                    )
                }
            })
            .collect();
        items.push(CompletionItem {
            is_snippet: true,
            detail: Some("An operation".to_string()),
            documentation: Some(
                "An operation: `op` names the operator, `args` holds its arguments.".to_string(),
            ),
            filter_text: Some("{\"op\"".to_string()),
            ..value_item(
                self.cx,
                range,
                "{\"op\": …, \"args\": […]}".to_string(),
                CompletionKind::Snippet,
                "{\"op\": \"$1\", \"args\": [$0]\\}".to_string(),
            )
        });
        items
    }
}

/// A value item replacing `range`.
fn value_item(
    cx: &Context<'_>,
    range: TextRange,
    label: String,
    kind: CompletionKind,
    new_text: String,
) -> CompletionItem {
    super::completion::value_item(cx.doc, range, label, kind, new_text)
}

/// `20`, not `20.0`, for a whole number read as a float.
fn integral(value: Value) -> Value {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 && !value.is_i64() => Value::from(n as i64),
        _ => value,
    }
}

/// "Window: 4 days, 2027-01-01 00:00 → 2027-01-05 00:00 UTC" for an interval with both
/// ends; "Open end: from 2027-01-01 00:00 UTC" for one end open.
fn window_line(interval: &str) -> Option<String> {
    let (start, end) = interval.split_once('/')?;
    let parse = |end: &str| {
        DateTime::parse_from_rfc3339(end.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let show = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match (parse(start), parse(end)) {
        (Some(start), Some(end)) => Some(format!(
            "Window: {}, {} → {} UTC",
            super::window::window_length(start, end)?,
            show(start),
            show(end)
        )),
        (Some(start), None) if end.trim() == ".." => {
            Some(format!("Open end: from {} UTC", show(start)))
        }
        (None, Some(end)) if start.trim() == ".." => {
            Some(format!("Open start: until {} UTC", show(end)))
        }
        _ => None,
    }
}

/// One week from midnight UTC two days after `now` (time for the provider to plan).
fn suggested_window(now: DateTime<Utc>) -> String {
    let start = (now + Duration::days(2))
        .with_hour(0)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let end = start + Duration::days(7);
    format!(
        "{}/{}",
        start.format("%Y-%m-%dT%H:%M:%SZ"),
        end.format("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// The keys of an object inside the filter: an operation's, or a property reference, or a
/// temporal literal.
fn filter_keys(object: &Node) -> Vec<KeyCandidate> {
    let candidate = |name: &str, documentation: &str, value: &str, required: bool| KeyCandidate {
        name: name.to_string(),
        detail: None,
        documentation: Some(documentation.to_string()),
        value: value.to_string(),
        required,
    };
    if object.member("op").is_some() {
        return vec![candidate(
            "args",
            "The operation's arguments: properties, literals or operations.",
            "[$0]",
            true,
        )];
    }
    vec![
        candidate(
            "op",
            "An operation: `op` names the operator, `args` holds its arguments.",
            "\"$1\", \"args\": [$0]",
            true,
        ),
        candidate(
            "property",
            "A reference to one of the product's queryables.",
            "\"$0\"",
            true,
        ),
        candidate(
            "timestamp",
            "An instant, RFC 3339 with a zone.",
            "\"$0\"",
            false,
        ),
        candidate("date", "A calendar day, `YYYY-MM-DD`.", "\"$0\"", false),
        candidate(
            "interval",
            "An interval of two instants or dates; `\"..\"` for an open end.",
            "[\"$1\", \"$0\"]",
            false,
        ),
    ]
}

fn geometry_keys() -> Vec<KeyCandidate> {
    [
        ("type", "The GeoJSON geometry type.", "\"$1\""),
        (
            "coordinates",
            "Positions as [longitude, latitude] in WGS84.",
            "[$1]",
        ),
    ]
    .into_iter()
    .map(|(name, documentation, value)| KeyCandidate {
        name: name.to_string(),
        detail: None,
        documentation: Some(documentation.to_string()),
        value: value.to_string(),
        required: true,
    })
    .collect()
}

/// A time window the user may set as the order's window, from a search the editor ran (the
/// provider's opportunity search): the RFC 3339 interval and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowChoice {
    /// `start/end`, as the provider wrote it.
    pub interval: String,
    /// Where the window comes from, shown in the action's title ("provider opportunity").
    pub source: String,
}

/// The edit that sets the order's window member to `interval`: the string's bytes replaced
/// (every other byte kept), or the member added when there is none. `None` when the root is
/// not an object.
pub fn set_window_edit(doc: &Document, interval: &str) -> Option<Edit> {
    let root = doc.root()?;
    root.members()?;
    let value = json_string(interval);
    Some(match root.get(WINDOW_KEY) {
        Some(node) => Edit {
            range: node.range,
            new_text: value,
        },
        None => crate::check::edits::insert_member(doc, root, WINDOW_KEY, &value),
    })
}

/// One action per window, "Set datetime to 2027-03-02T10:14Z/2027-03-02T10:16Z (provider
/// opportunity)", when `range` touches the window member (or the order has none). A window
/// equal to the current one is left out.
pub fn set_window_actions(
    doc: &Document,
    choices: &[WindowChoice],
    range: TextRange,
) -> Vec<super::CodeAction> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let member = root.member(WINDOW_KEY);
    let touches = member.is_none_or(|m| m.range.start <= range.end && range.start <= m.range.end);
    if !touches {
        return Vec::new();
    }
    let current = member.and_then(|m| m.value.as_ref()).and_then(Node::as_str);
    choices
        .iter()
        .filter(|c| Some(c.interval.as_str()) != current)
        .filter_map(|choice| {
            let edit = set_window_edit(doc, &choice.interval)?;
            Some(super::CodeAction {
                title: format!(
                    "Set {WINDOW_KEY} to {} ({})",
                    short_interval(&choice.interval),
                    choice.source
                ),
                kind: super::ActionKind::RefactorRewrite,
                edits: vec![edit],
                diagnostics: Vec::new(),
                preferred: false,
            })
        })
        .collect()
}

/// An interval for a title: each end to the minute in UTC (`2027-03-02T10:14Z`) when it
/// parses, else as written.
pub fn short_interval(interval: &str) -> String {
    let short = |end: &str| match DateTime::parse_from_rfc3339(end.trim()) {
        Ok(t) => t.with_timezone(&Utc).format("%Y-%m-%dT%H:%MZ").to_string(),
        Err(_) => end.trim().to_string(),
    };
    match interval.split_once('/') {
        Some((start, end)) => format!("{}/{}", short(start), short(end)),
        None => interval.to_string(),
    }
}
