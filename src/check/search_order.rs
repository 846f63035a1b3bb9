//! The search-style order form: `{"datetime": "start/end", "geometry": {GeoJSON},
//! "filter": {CQL2-JSON}, "order_parameters": {...}}`, for a product named outside the file
//! (by configuration) and described by a [`SearchProduct`]. Which schema checks which part:
//! the product's options schema checks `order_parameters` (the same machinery as any product
//! schema: [`super::params`]); the interval rules check `datetime` ([`super::interval`]); the
//! product's accepted geometry types, then the geometry checks, check `geometry`; the
//! product's queryables schema checks `filter` ([`super::cql2`]).

use chrono::{DateTime, Utc};

use super::envelope::{GeometrySite, Request, RequestForm};
use super::geometry::GeometryModel;
use super::messages::{closest, show_text};
use super::unknown::unknown_property;
use super::{cql2, interval, params, CheckOptions, Code, Diagnostic, Fix, Severity};
use crate::document::{Document, Node, NodeKind, PathSegment, TextRange};
use crate::schema::SearchProduct;

/// The member holding the time window (an RFC 3339 interval).
pub const WINDOW_KEY: &str = "datetime";
/// The member holding the area of interest (a GeoJSON geometry).
pub const GEOMETRY_KEY: &str = "geometry";
/// The member holding the CQL2-JSON filter on the product's queryables.
pub const FILTER_KEY: &str = "filter";
/// The member holding the product's options, checked against its options schema.
pub const OPTIONS_KEY: &str = "order_parameters";
/// Every top-level member of the form, in the order `init` and completion offer them.
pub const KEYS: &[&str] = &[WINDOW_KEY, GEOMETRY_KEY, FILTER_KEY, OPTIONS_KEY];
/// The members the form requires.
pub const REQUIRED: &[&str] = &[WINDOW_KEY, GEOMETRY_KEY, OPTIONS_KEY];

fn opening_brace(node: &Node) -> TextRange {
    TextRange::new(node.range.start as usize, node.range.start as usize + 1)
}

/// Every diagnostic of a search-style order's root (syntax is checked by the caller).
/// The geometry site, when there is one, is returned for the geometry checks (run by the
/// caller, through its cache).
pub(super) fn check<'a>(
    doc: &Document,
    root: &'a Node,
    product: &SearchProduct,
    options: &CheckOptions<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<GeometrySite<'a>> {
    let Some(members) = root.members() else {
        if !matches!(root.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                root.range,
                format!(
                    "an order must be a JSON object with {}, found {}",
                    KEYS.join(", "),
                    root.type_name()
                ),
            ));
        }
        return None;
    };
    for (index, member) in members.iter().enumerate() {
        if !KEYS.contains(&member.key.name.as_str()) {
            out.push(unknown_property(
                members,
                index,
                format!(
                    "unknown top-level property '{}'",
                    show_text(&member.key.name)
                ),
                KEYS,
                Some(format!("; an order has {}", KEYS.join(", "))),
            ));
        }
    }
    for key in REQUIRED {
        if root.member(key).is_none() {
            out.push(Diagnostic::new(
                Code::SchemaRequired,
                opening_brace(root),
                format!("missing required property '{key}': {}", what_is(key)),
            ));
        }
    }
    if let Some(reason) = &product.unavailable {
        let mut diagnostic = Diagnostic::new(
            Code::ProductUnknown,
            root.member(OPTIONS_KEY)
                .map_or_else(|| opening_brace(root), |m| m.key.range),
            format!(
                "no order-parameters schema for product '{}' ({reason}): {OPTIONS_KEY} and \
                 filter are not checked against it; datetime and geometry are",
                product.id
            ),
        );
        if options.unknown_product_is_error {
            diagnostic.severity = Severity::Error;
        }
        out.push(diagnostic);
    }
    if let Some(value) = root.get(WINDOW_KEY) {
        interval::check(doc, value, WINDOW_KEY, options.now, out);
    }
    check_options(doc, root, product, options.now, out);
    let facts = root
        .get(FILTER_KEY)
        .map(|filter| cql2::check(filter, product.queryables.as_deref(), out));
    required_queryables(root, product, facts.as_ref(), out);
    geometry_site(root, product, out)
}

fn what_is(key: &str) -> &'static str {
    match key {
        WINDOW_KEY => "the time window, an RFC 3339 interval such as 2027-01-01T00:00:00Z/2027-01-31T23:59:59Z",
        GEOMETRY_KEY => "the area or point to image, a GeoJSON geometry",
        _ => "the product's order parameters, an object",
    }
}

fn check_options(
    doc: &Document,
    root: &Node,
    product: &SearchProduct,
    now: DateTime<Utc>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(node) = root.get(OPTIONS_KEY) else {
        return;
    };
    if node.members().is_none() {
        if !matches!(node.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                node.range,
                format!(
                    "{OPTIONS_KEY} must be an object, found {}",
                    node.type_name()
                ),
            ));
        }
        return;
    }
    let Some(schema) = &product.options else {
        return;
    };
    let request = Request {
        form: RequestForm::Seed,
        root,
        params: Some(node),
        schema: Some(schema.clone()),
        options_key: OPTIONS_KEY,
    };
    params::check(doc, &request, schema, now, out);
}

/// `filter.required`: the queryables the product's queryables schema lists as `required`
/// that the filter does not name (draft semantics of the provider's specification, where
/// the adapter cites them: a warning until that is final).
fn required_queryables(
    root: &Node,
    product: &SearchProduct,
    facts: Option<&cql2::FilterFacts>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(queryables) = &product.queryables else {
        return;
    };
    let Some(required) = queryables.schema.get("required").and_then(|r| r.as_array()) else {
        return;
    };
    let range = root
        .member(FILTER_KEY)
        .map_or_else(|| opening_brace(root), |m| m.key.range);
    for name in required.iter().filter_map(|n| n.as_str()) {
        if facts.is_some_and(|f| f.properties.contains(name)) {
            continue;
        }
        out.push(Diagnostic::new(
            Code::FilterRequired,
            range,
            format!(
                "the product requires a filter on queryable '{}', and the filter does not name it",
                show_text(name)
            ),
        ));
    }
}

/// The top-level `geometry` of a document shaped like a search-style order (a `geometry`
/// object and neither `params` nor `dataProduct`), as a site, when its `type` is `Polygon` or
/// `MultiPolygon`: what the map draws of such an order without knowing its product (the
/// product's accepted types are the check's business, not the drawing's).
pub fn polygon_site(root: &Node) -> Option<GeometrySite<'_>> {
    if root.get("params").is_some() || root.get("dataProduct").is_some() {
        return None;
    }
    let node = root.get(GEOMETRY_KEY).filter(|n| n.members().is_some())?;
    let kind = match node.get("type")?.as_str()? {
        "Polygon" => super::geometry::GeometryType::Polygon,
        "MultiPolygon" => super::geometry::GeometryType::MultiPolygon,
        _ => return None,
    };
    Some(GeometrySite {
        node,
        label: GEOMETRY_KEY.to_string(),
        path: vec![PathSegment::Key(GEOMETRY_KEY.to_string())],
        model: GeometryModel::rfc7946(&[kind]),
    })
}

/// The closed window of a search-style order's `datetime` (`start/end`, both ends given), in
/// UTC; `None` when it is missing, open or unreadable.
pub fn closed_window(root: &Node) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let text = root.get(WINDOW_KEY)?.as_str()?;
    let window = interval::parse_interval(text).ok()?;
    match (window.start, window.end) {
        (interval::End::At(start), interval::End::At(end)) => Some((start, end)),
        _ => None,
    }
}

/// The `geometry` member as a site for the geometry checks, after its `type` is checked
/// against the product's accepted types (`schema.enum` with did-you-mean; `schema.required`
/// without a type; `schema.type` for a geometry that is no object).
fn geometry_site<'a>(
    root: &'a Node,
    product: &SearchProduct,
    out: &mut Vec<Diagnostic>,
) -> Option<GeometrySite<'a>> {
    let node = root.get(GEOMETRY_KEY)?;
    if node.members().is_none() {
        if !matches!(node.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                node.range,
                format!(
                    "geometry must be a GeoJSON geometry object, found {}",
                    node.type_name()
                ),
            ));
        }
        return None;
    }
    let accepted = product.accepted_geometry_types();
    let quoted: Vec<String> = accepted.iter().map(|t| format!("'{t}'")).collect();
    let Some(kind) = node.get("type") else {
        out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(node),
            format!(
                "geometry has no 'type': product '{}' accepts {}",
                product.id,
                quoted.join(" or ")
            ),
        ));
        return None;
    };
    let Some(name) = kind.as_str() else {
        if !matches!(kind.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                kind.range,
                format!("geometry.type must be a string, found {}", kind.type_name()),
            ));
        }
        return None;
    };
    if !accepted.iter().any(|t| t == name) {
        let near = closest(name, accepted.iter().map(String::as_str)).map(str::to_string);
        let mut diagnostic = Diagnostic::new(
            Code::SchemaEnum,
            kind.range,
            format!(
                "geometry type '{}' is not accepted by product '{}': it accepts {}",
                show_text(name),
                product.id,
                quoted.join(" or ")
            ),
        );
        if let Some(near) = near.filter(|n| n.eq_ignore_ascii_case(name)) {
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Change to '{near}'"),
                    kind.range,
                    format!("\"{near}\""),
                )
                .preferred(),
            );
        }
        out.push(diagnostic);
        return None;
    }
    Some(GeometrySite {
        node,
        label: GEOMETRY_KEY.to_string(),
        path: vec![PathSegment::Key(GEOMETRY_KEY.to_string())],
        model: GeometryModel::rfc7946(&product.accepted_geometry_kinds()),
    })
}
