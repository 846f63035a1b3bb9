//! The request envelope: which of the two forms it is, `dataProduct`, the top-level keys, and
//! where its polygons sit.

use std::sync::Arc;

use super::messages::show_value;
use super::unknown::unknown_property;
use super::{CheckOptions, Code, Diagnostic, Fix};
use crate::document::{Document, Node, NodeKind, PathSegment, TextRange};
use crate::schema::geometry::{geometry_model, GeometryModel, GeometryType};
use crate::schema::ProductSchema;

/// The two request envelopes of the provider's API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestForm {
    /// `{"dataProduct", "params": {..., "geometry"}}`, posted to `/workspaces/{id}/orders`.
    Seed,
    /// `{"dataProduct", "displayName", "params", "featureCollection", "tags"}`, posted to `/v2/orders`.
    Current,
}

const SEED_KEYS: &[&str] = &["dataProduct", "params"];
const CURRENT_KEYS: &[&str] = &[
    "dataProduct",
    "displayName",
    "params",
    "featureCollection",
    "tags",
    "budgetId",
];

/// The form, from the keys present: any current-only key makes it the current form.
pub fn request_form(root: &Node) -> RequestForm {
    let current_only = ["displayName", "featureCollection", "tags", "budgetId"];
    match root.members() {
        Some(members)
            if members
                .iter()
                .any(|m| current_only.contains(&m.key.name.as_str())) =>
        {
            RequestForm::Current
        }
        _ => RequestForm::Seed,
    }
}

/// The `dataProduct` string, whatever it holds.
pub fn product_id(root: &Node) -> Option<&str> {
    root.get("dataProduct")?.as_str()
}

pub(crate) fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

/// What the envelope check learned, for the checks that follow.
pub(super) struct Request<'a> {
    pub form: RequestForm,
    pub root: &'a Node,
    pub params: Option<&'a Node>,
    pub schema: Option<Arc<ProductSchema>>,
    /// The member of the root that holds the options the product schema validates
    /// (`params` here; another order form names its own), for messages and ranges.
    pub options_key: &'static str,
}

pub(super) fn check<'a>(
    doc: &Document,
    root: &'a Node,
    options: &CheckOptions<'_>,
    out: &mut Vec<Diagnostic>,
) -> Request<'a> {
    let form = request_form(root);
    let mut request = Request {
        form,
        root,
        params: None,
        schema: None,
        options_key: "params",
    };
    let Some(members) = root.members() else {
        if !matches!(root.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                root.range,
                format!(
                    "an order request must be a JSON object with dataProduct and params, found {}",
                    root.type_name()
                ),
            ));
        }
        return request;
    };
    let allowed_keys = match form {
        RequestForm::Seed => SEED_KEYS,
        RequestForm::Current => CURRENT_KEYS,
    };
    for (index, member) in members.iter().enumerate() {
        if allowed_keys.contains(&member.key.name.as_str()) {
            continue;
        }
        let hint = format!(
            "; an order request has {}",
            allowed_keys
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out.push(unknown_property(
            members,
            index,
            format!("unknown top-level property '{}'", member.key.name),
            CURRENT_KEYS,
            Some(hint),
        ));
    }

    request.schema = check_product(root, options, out);
    request.params = check_params_object(root, out);
    if form == RequestForm::Current {
        check_current_envelope(doc, root, out);
    }
    request
}

fn opening_brace(node: &Node) -> TextRange {
    TextRange::new(node.range.start as usize, node.range.start as usize + 1)
}

fn check_product(
    root: &Node,
    options: &CheckOptions<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<Arc<ProductSchema>> {
    let Some(member) = root.member("dataProduct") else {
        out.push(Diagnostic::new(
            Code::ProductMissing,
            opening_brace(root),
            "the request has no dataProduct: add the id of the data product to order (see `tasking-ls products`)",
        ));
        return None;
    };
    let value = member.value.as_ref()?;
    let Some(id) = value.as_str() else {
        out.push(Diagnostic::new(
            Code::ProductInvalidId,
            value.range,
            format!(
                "dataProduct must be a UUID string, found {}",
                value.type_name()
            ),
        ));
        return None;
    };
    let trimmed = id.trim();
    if !is_uuid(trimmed) {
        let mut diagnostic = Diagnostic::new(
            Code::ProductInvalidId,
            value.range,
            format!("dataProduct '{id}' is not a UUID (like bd102407-1814-4f92-8b5a-7697b7a73f5a)"),
        );
        if let Some(product) =
            options.store.products().iter().find(|p| {
                p.name.eq_ignore_ascii_case(trimmed) || p.title.eq_ignore_ascii_case(trimmed)
            })
        {
            diagnostic.message = format!(
                "{}; '{}' is the product {}",
                diagnostic.message, id, product.id
            );
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Use the id of '{}'", product.title),
                    value.range,
                    format!("\"{}\"", product.id),
                )
                .preferred(),
            );
        } else if let Some((near, label)) = near_product(trimmed, options) {
            diagnostic.message = format!("{}; did you mean {near}{label}?", diagnostic.message);
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Change to {near}{label}"),
                    value.range,
                    format!("\"{near}\""),
                )
                .preferred(),
            );
        } else if is_uuid(&trimmed.to_lowercase()) || (trimmed != id && is_uuid(trimmed)) {
            diagnostic = diagnostic.with_fix(Fix::replace(
                "Normalize the id",
                value.range,
                format!("\"{}\"", trimmed.to_lowercase()),
            ));
        }
        out.push(diagnostic);
        return None;
    }
    let schema = options
        .store
        .get(trimmed)
        .or_else(|| options.store.get(&trimmed.to_lowercase()));
    if schema.is_none() {
        out.push(unknown_product(value, id, options));
    }
    schema
}

/// How far (Damerau-Levenshtein, on the lowercased id) a `dataProduct` may be from a known id
/// to be taken for a typo of it: two random UUIDs differ in about 34 of their 36 characters.
const PRODUCT_TYPO_DISTANCE: usize = 3;

/// The known product id (bundled, cached or listed) a typo away from `id`, with its label
/// (` (Pléiades Analytic)`, or empty when the index does not list it).
fn near_product(id: &str, options: &CheckOptions<'_>) -> Option<(String, String)> {
    let typed = id.trim().to_lowercase();
    // A UUID has 36 characters: anything much longer is no typo of one (and the distance is
    // quadratic in the length).
    if typed.chars().count() > 36 + PRODUCT_TYPO_DISTANCE {
        return None;
    }
    let mut known: Vec<String> = options
        .store
        .products()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    known.extend(options.store.schema_ids());
    known.sort();
    known.dedup();
    let near = known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&typed, &k.to_lowercase()), k))
        .filter(|(distance, _)| *distance <= PRODUCT_TYPO_DISTANCE)
        .min_by_key(|(distance, _)| *distance)?
        .1;
    let label = options
        .store
        .product(&near)
        .map(|p| format!(" ({})", p.label()))
        .unwrap_or_default();
    Some((near, label))
}

/// `product.unknown`: what was and was not checked, the closest known id when one is a typo
/// away (with a fix), and how to supply the schema.
fn unknown_product(value: &Node, id: &str, options: &CheckOptions<'_>) -> Diagnostic {
    let near = near_product(id, options);
    let checked = "the envelope, geometry and dates are checked, params are not checked against a product schema";
    let mut diagnostic = match &near {
        Some((near, label)) => Diagnostic::new(
            Code::ProductUnknown,
            value.range,
            format!("unknown data product {id}; did you mean {near}{label}? Until then {checked}"),
        )
        .with_fix(
            Fix::replace(
                format!("Change to {near}{label}"),
                value.range,
                format!("\"{near}\""),
            )
            .preferred(),
        ),
        None => {
            let reason = options
                .unknown_product_reason
                .map(str::to_string)
                .unwrap_or_else(|| "it is not bundled and not in the schema cache".to_string());
            Diagnostic::new(
                Code::ProductUnknown,
                value.range,
                format!(
                    "no schema for data product {id} ({reason}): {checked}. Supply the schema with `tasking-ls schema fetch {id}` or --schema-dir DIR (a folder of <product-id>.json files)"
                ),
            )
        }
    };
    if options.unknown_product_is_error {
        diagnostic.severity = super::Severity::Error;
    }
    diagnostic
}

fn check_params_object<'a>(root: &'a Node, out: &mut Vec<Diagnostic>) -> Option<&'a Node> {
    let Some(member) = root.member("params") else {
        out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(root),
            "missing required property 'params': the order's parameters for the data product",
        ));
        return None;
    };
    let value = member.value.as_ref()?;
    if value.members().is_none() {
        if !matches!(value.kind, NodeKind::Error) {
            out.push(Diagnostic::new(
                Code::SchemaType,
                value.range,
                format!("params must be an object, found {}", found_value(value)),
            ));
        }
        return None;
    }
    Some(value)
}

fn show_node(node: &Node) -> String {
    node.to_value().map(|v| show_value(&v)).unwrap_or_default()
}

/// The current form's own fields: displayName, featureCollection, tags, budgetId.
fn check_current_envelope(doc: &Document, root: &Node, out: &mut Vec<Diagnostic>) {
    let _ = doc;
    match root.member("displayName") {
        None => out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(root),
            "missing required property 'displayName': the order's name (1 to 200 characters)",
        )),
        Some(member) => {
            if let Some(value) = &member.value {
                match value.as_str() {
                    None => out.push(type_error("displayName", "a string", value)),
                    Some(name) => {
                        length_check("displayName", name.chars().count(), 1, 200, value, out)
                    }
                }
            }
        }
    }
    match root.member("featureCollection") {
        None => out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(root),
            "missing required property 'featureCollection': a GeoJSON FeatureCollection holding the area to image",
        )),
        Some(member) => {
            if let Some(value) = &member.value {
                check_feature_collection(value, out);
            }
        }
    }
    if let Some(tags) = root.get("tags") {
        check_tags(tags, out);
    }
    if let Some(budget) = root.get("budgetId") {
        match &budget.kind {
            NodeKind::Null => {}
            NodeKind::String(id) if is_uuid(id) => {}
            NodeKind::String(id) => out.push(Diagnostic::new(
                Code::SchemaFormat,
                budget.range,
                format!("budgetId '{id}' is not a UUID"),
            )),
            _ => out.push(type_error("budgetId", "a UUID string or null", budget)),
        }
    }
}

fn type_error(label: &str, expected: &str, found: &Node) -> Diagnostic {
    Diagnostic::new(
        Code::SchemaType,
        found.range,
        format!("{label} must be {expected}, found {}", found_value(found)),
    )
}

/// `string 'x'`, `number 12`, `an object`...: the type and the value, once each (`null` is
/// both, and was printed twice as "found null null").
fn found_value(node: &Node) -> String {
    let kind = node.type_name();
    let shown = show_node(node);
    if shown.is_empty() || shown == kind {
        kind.to_string()
    } else {
        format!("{kind} {shown}")
    }
}

fn length_check(
    label: &str,
    length: usize,
    min: usize,
    max: usize,
    node: &Node,
    out: &mut Vec<Diagnostic>,
) {
    if length < min {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            node.range,
            format!("{label} must not be empty (at least {min} character)"),
        ));
    } else if length > max {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            node.range,
            format!("{label} has {length} characters; at most {max} are allowed"),
        ));
    }
}

fn check_feature_collection(collection: &Node, out: &mut Vec<Diagnostic>) {
    if collection.members().is_none() {
        out.push(type_error(
            "featureCollection",
            "a GeoJSON FeatureCollection object",
            collection,
        ));
        return;
    }
    match collection.get("type") {
        Some(node) if node.as_str() == Some("FeatureCollection") => {}
        Some(node) => out.push(
            Diagnostic::new(
                Code::SchemaEnum,
                node.range,
                format!(
                    "featureCollection.type must be 'FeatureCollection', found {}",
                    show_node(node)
                ),
            )
            .with_fix(
                Fix::replace(
                    "Change to 'FeatureCollection'",
                    node.range,
                    "\"FeatureCollection\"",
                )
                .preferred(),
            ),
        ),
        None => out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(collection),
            "featureCollection is missing \"type\": \"FeatureCollection\"",
        )),
    }
    let Some(features) = collection.get("features") else {
        out.push(Diagnostic::new(
            Code::SchemaRequired,
            opening_brace(collection),
            "featureCollection is missing 'features': the list of areas to image",
        ));
        return;
    };
    let Some(items) = features.items() else {
        out.push(type_error(
            "featureCollection.features",
            "an array of Features",
            features,
        ));
        return;
    };
    if items.is_empty() {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            features.range,
            "featureCollection.features must not be empty: add a Feature with the Polygon to image",
        ));
    }
    for (index, feature) in items.iter().enumerate() {
        let feature: &Node = &feature;
        let label = format!("featureCollection.features[{index}]");
        if feature.members().is_none() {
            out.push(type_error(&label, "a GeoJSON Feature object", feature));
            continue;
        }
        match feature.get("type") {
            Some(node) if node.as_str() == Some("Feature") => {}
            Some(node) => out.push(Diagnostic::new(
                Code::SchemaEnum,
                node.range,
                format!("{label}.type must be 'Feature', found {}", show_node(node)),
            )),
            None => out.push(Diagnostic::new(
                Code::SchemaRequired,
                opening_brace(feature),
                format!("{label} is missing \"type\": \"Feature\""),
            )),
        }
        match feature.get("geometry") {
            None => out.push(Diagnostic::new(
                Code::SchemaRequired,
                opening_brace(feature),
                format!("{label} is missing 'geometry' (a Polygon or Point)"),
            )),
            Some(geometry) if geometry.members().is_none() => out.push(type_error(
                &format!("{label}.geometry"),
                "a GeoJSON Polygon or Point object",
                geometry,
            )),
            Some(geometry) => match geometry.get("type").map(|t| (t, t.as_str())) {
                Some((_, Some("Polygon" | "Point"))) => {}
                Some((node, _)) => out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    node.range,
                    format!(
                        "{label}.geometry.type must be 'Polygon' or 'Point', found {}",
                        show_node(node)
                    ),
                )),
                None => out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    opening_brace(geometry),
                    format!("{label}.geometry is missing \"type\": \"Polygon\""),
                )),
            },
        }
        if let Some(properties) = feature.get("properties") {
            if !matches!(properties.kind, NodeKind::Object(_) | NodeKind::Null) {
                out.push(type_error(
                    &format!("{label}.properties"),
                    "an object or null",
                    properties,
                ));
            }
        }
    }
}

fn check_tags(tags: &Node, out: &mut Vec<Diagnostic>) {
    let Some(items) = tags.items() else {
        out.push(type_error("tags", "an array of strings", tags));
        return;
    };
    if items.len() > 30 {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            tags.range,
            format!("tags has {} entries; at most 30 are allowed", items.len()),
        ));
    }
    for (index, tag) in items.iter().enumerate() {
        let tag: &Node = &tag;
        let label = format!("tags[{index}]");
        let Some(text) = tag.as_str() else {
            out.push(type_error(&label, "a string", tag));
            continue;
        };
        let length = text.chars().count();
        if !(1..=180).contains(&length) {
            length_check(&label, length, 1, 180, tag, out);
        } else if let Some(bad) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || " .-_/:".contains(*c)))
        {
            out.push(Diagnostic::new(
                Code::SchemaFormat,
                tag.range,
                format!(
                    "{label} contains '{bad}'; tags may use letters, digits, spaces and . - _ / :"
                ),
            ));
        }
    }
}

/// A GeoJSON geometry somewhere in the request, with a label for messages and the geometry
/// types (and coordinate constraints) allowed there.
#[derive(Clone, Debug)]
pub struct GeometrySite<'a> {
    /// The geometry object (`{"type": ..., "coordinates": ...}`).
    pub node: &'a Node,
    /// `params.geometry` or `featureCollection.features[0].geometry`.
    pub label: String,
    pub path: Vec<PathSegment>,
    /// What the product schema (or, for features, the envelope) accepts at this place.
    pub model: GeometryModel,
}

impl GeometrySite<'_> {
    /// The declared geometry type, when it is one the site accepts.
    pub fn declared(&self) -> Option<GeometryType> {
        let kind = match self.node.get("type") {
            Some(node) => GeometryType::parse(node.as_str()?)?,
            None if self.model.variants.len() == 1 => self.model.variants[0].0,
            None => return None,
        };
        self.model.allows(kind).then_some(kind)
    }
}

/// Every geometry of the request: geometry fields of `params` (by schema, or named
/// `geometry` or `aoi` when there is no schema) and each feature geometry of
/// `featureCollection`.
pub fn find_geometries<'a>(
    root: &'a Node,
    form: RequestForm,
    schema: Option<&ProductSchema>,
) -> Vec<GeometrySite<'a>> {
    let mut sites = Vec::new();
    if let Some(params) = root.get("params").filter(|p| p.members().is_some()) {
        let fields: Vec<(String, GeometryModel)> = match schema {
            Some(schema) => schema
                .geometry_fields()
                .iter()
                .map(|f| (f.name.clone(), f.model.clone()))
                .collect(),
            None => ["geometry", "aoi"]
                .iter()
                .map(|name| {
                    (
                        name.to_string(),
                        GeometryModel::rfc7946(&[GeometryType::Polygon]),
                    )
                })
                .collect(),
        };
        for (name, model) in fields {
            if let Some(node) = params.get(&name).filter(|n| n.members().is_some()) {
                sites.push(GeometrySite {
                    node,
                    label: format!("params.{name}"),
                    path: vec![PathSegment::Key("params".into()), PathSegment::Key(name)],
                    model,
                });
            }
        }
        // Geometries deeper in params: any object the product schema types as one.
        if let Some(schema) = schema {
            for field in schema.fields() {
                if schema.geometry_field(&field.name).is_some() {
                    continue;
                }
                // A scalar holds no geometry: skip it before building the label and path
                // (most fields, in every file of a run).
                if let Some(node) = params
                    .get(&field.name)
                    .filter(|n| n.members().is_some() || n.items().is_some())
                {
                    let mut at = Nested {
                        root: &schema.schema,
                        label: format!("params.{}", field.name),
                        path: vec![
                            PathSegment::Key("params".into()),
                            PathSegment::Key(field.name.clone()),
                        ],
                    };
                    at.walk(node, &field.schema, 0, &mut sites);
                }
            }
        }
    }
    if form == RequestForm::Current {
        if let Some(features) = root
            .get("featureCollection")
            .and_then(|c| c.get("features"))
            .and_then(Node::items)
        {
            // Features are objects, so stored nodes (packed items are numbers and positions).
            let features = features.nodes().unwrap_or_default();
            for (index, feature) in features.iter().enumerate() {
                if let Some(geometry) = feature.get("geometry").filter(|g| g.members().is_some()) {
                    sites.push(GeometrySite {
                        node: geometry,
                        label: format!("featureCollection.features[{index}].geometry"),
                        path: vec![
                            PathSegment::Key("featureCollection".into()),
                            PathSegment::Key("features".into()),
                            PathSegment::Index(index),
                            PathSegment::Key("geometry".into()),
                        ],
                        // What the envelope check accepts for a feature.
                        model: GeometryModel::rfc7946(&[
                            GeometryType::Polygon,
                            GeometryType::Point,
                        ]),
                    });
                }
            }
        }
    }
    sites
}

/// How deep under a `params` field the search for geometries goes (objects and arrays).
const MAX_NESTING: usize = 16;

/// The walk that finds geometries below a `params` field: the document and the field's
/// schema side by side, through `properties` and `items` (and `$ref`, `allOf`, `anyOf`,
/// `oneOf`), stopping at the first object whose schema is a GeoJSON geometry.
struct Nested<'s> {
    root: &'s serde_json::Value,
    label: String,
    path: Vec<PathSegment>,
}

impl<'s> Nested<'s> {
    fn walk<'a>(
        &mut self,
        node: &'a Node,
        schema: &serde_json::Value,
        depth: usize,
        sites: &mut Vec<GeometrySite<'a>>,
    ) {
        // A geometry is an object, found in objects and arrays: a scalar ends the walk
        // before its schema is read (most `params` fields, in every file of a run).
        if depth > MAX_NESTING || (node.members().is_none() && node.items().is_none()) {
            return;
        }
        if depth > 0 && node.members().is_some() {
            if let Some(model) = geometry_model(self.root, schema) {
                sites.push(GeometrySite {
                    node,
                    label: self.label.clone(),
                    path: self.path.clone(),
                    model,
                });
                return;
            }
        }
        let mut branches = Vec::new();
        self.branches(schema, 0, &mut branches);
        if let Some(members) = node.members() {
            for member in members {
                let key = member.key.name.as_str();
                let Some(value) = &member.value else {
                    continue;
                };
                let Some(child) = branches.iter().find_map(|b| b.get("properties")?.get(key))
                else {
                    continue;
                };
                let length = self.label.len();
                self.label.push('.');
                self.label.push_str(key);
                self.path.push(PathSegment::Key(key.to_string()));
                self.walk(value, child, depth + 1, sites);
                self.path.pop();
                self.label.truncate(length);
            }
        } else if let Some(items) = node.items() {
            let Some(item_schema) = branches.iter().find_map(|b| b.get("items")) else {
                return;
            };
            if !might_hold_objects(item_schema) {
                return;
            }
            // Only objects and arrays are walked, and those are stored nodes (packed pairs and
            // positions hold no object).
            for (index, item) in items.nodes().unwrap_or_default().iter().enumerate() {
                if item.members().is_none() && item.items().is_none() {
                    continue;
                }
                let length = self.label.len();
                self.label.push_str(&format!("[{index}]"));
                self.path.push(PathSegment::Index(index));
                self.walk(item, item_schema, depth + 1, sites);
                self.path.pop();
                self.label.truncate(length);
            }
        }
    }

    /// The schema with its `$ref` resolved and its `allOf`/`anyOf`/`oneOf` branches, flat.
    fn branches<'v>(
        &self,
        schema: &'v serde_json::Value,
        depth: usize,
        out: &mut Vec<&'v serde_json::Value>,
    ) where
        's: 'v,
    {
        if depth > MAX_NESTING {
            return;
        }
        let Some(object) = schema.as_object() else {
            return;
        };
        if let Some(target) = object
            .get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| self.root.pointer(pointer))
        {
            self.branches(target, depth + 1, out);
        }
        out.push(schema);
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in object
                .get(key)
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
            {
                self.branches(branch, depth + 1, out);
            }
        }
    }
}

/// Whether an `items` schema may describe objects or arrays (anything but a plain scalar
/// type), so that a long array of numbers is not walked item by item.
fn might_hold_objects(items: &serde_json::Value) -> bool {
    match items.get("type") {
        Some(serde_json::Value::String(t)) => t == "object" || t == "array",
        _ => items.is_object(),
    }
}

/// The geometries of the request declared as Polygon or MultiPolygon where those are
/// accepted: the areas of interest.
pub fn find_polygons<'a>(
    root: &'a Node,
    form: RequestForm,
    schema: Option<&ProductSchema>,
) -> Vec<GeometrySite<'a>> {
    find_geometries(root, form, schema)
        .into_iter()
        .filter(|site| {
            matches!(
                site.declared(),
                Some(GeometryType::Polygon | GeometryType::MultiPolygon)
            )
        })
        .collect()
}
