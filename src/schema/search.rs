//! A product ordered with a *search-style order*: a body of `datetime` (an RFC 3339
//! interval), `geometry` (GeoJSON), `filter` (CQL2-JSON) and the product's options object.
//! What such a product publishes: the JSON Schema of its options, the JSON Schema of the
//! properties a filter may name (its queryables), and the GeoJSON geometry classes it accepts
//! (as `https://geojson.org/schema/<Type>.json` conformance URIs). A provider adapter (in
//! `api/`) reads those from the provider and builds a [`SearchProduct`]; the checks and the
//! editor features read only this struct, never the provider.

use std::sync::Arc;

use super::geometry::GeometryType;
use super::ProductSchema;

/// The prefix of the conformance URIs that name GeoJSON geometry classes, as the GeoJSON
/// JSON Schemas are published (<https://geojson.org/schema/>, read 2026-12-06).
pub const GEOJSON_SCHEMA_PREFIX: &str = "https://geojson.org/schema/";

/// Every GeoJSON geometry type name (RFC 7946 §1.4).
pub const GEOJSON_GEOMETRY_TYPES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// What the checks know of one search-style product. Any part may be missing (offline with
/// an empty cache, a server without queryables): the checks then skip what they cannot
/// judge and say why once ([`SearchProduct::unavailable`]).
#[derive(Clone, Debug)]
pub struct SearchProduct {
    /// The product id as the provider spells it (`optical-30cm`).
    pub id: String,
    /// The product's title, for messages and hover; may be empty.
    pub title: String,
    /// The JSON Schema of the order's options object.
    pub options: Option<Arc<ProductSchema>>,
    /// The JSON Schema whose `properties` are the queryables a filter may name.
    pub queryables: Option<Arc<ProductSchema>>,
    /// The GeoJSON geometry type names the product accepts, in the provider's order; `None`
    /// when it declares none (any geometry type is then accepted).
    pub geometry_types: Option<Vec<String>>,
    /// Why the options schema is missing (offline and not cached, 404, network...), when it is.
    pub unavailable: Option<String>,
}

impl SearchProduct {
    /// A product known by id only (no schema yet), with the reason.
    pub fn unknown(id: impl Into<String>, reason: impl Into<String>) -> SearchProduct {
        SearchProduct {
            id: id.into(),
            title: String::new(),
            options: None,
            queryables: None,
            geometry_types: None,
            unavailable: Some(reason.into()),
        }
    }

    /// The geometry type names accepted, `GEOJSON_GEOMETRY_TYPES` when the product declares
    /// none.
    pub fn accepted_geometry_types(&self) -> Vec<String> {
        match &self.geometry_types {
            Some(types) if !types.is_empty() => types.clone(),
            _ => GEOJSON_GEOMETRY_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
        }
    }

    /// The accepted types the geometry checks model ([`GeometryType`]), deduplicated.
    pub fn accepted_geometry_kinds(&self) -> Vec<GeometryType> {
        let mut kinds = Vec::new();
        for name in self.accepted_geometry_types() {
            if let Some(kind) = GeometryType::parse(&name) {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        kinds
    }
}

/// The GeoJSON geometry type names among conformance URIs
/// (`https://geojson.org/schema/Polygon.json` -> `Polygon`), in their order, deduplicated;
/// other URIs are ignored.
pub fn geometry_types_from_conformance<'a>(uris: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for uri in uris {
        let Some(rest) = uri.trim().strip_prefix(GEOJSON_SCHEMA_PREFIX) else {
            continue;
        };
        let name = rest.strip_suffix(".json").unwrap_or(rest);
        if GEOJSON_GEOMETRY_TYPES.contains(&name) && !types.iter().any(|t| t == name) {
            types.push(name.to_string());
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conformance_names_geometry_classes_only() {
        let types = geometry_types_from_conformance([
            "https://geojson.org/schema/Point.json",
            "https://geojson.org/schema/Polygon.json",
            "https://geojson.org/schema/Point.json",
            "https://example.com/conformance/opportunities",
            "https://geojson.org/schema/Feature.json",
        ]);
        assert_eq!(types, ["Point", "Polygon"]);
    }

    #[test]
    fn no_declared_class_accepts_every_geometry() {
        let product = SearchProduct::unknown("x", "offline");
        assert_eq!(product.accepted_geometry_types().len(), 7);
    }
}
