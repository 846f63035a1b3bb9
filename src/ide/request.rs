//! What a path in an order request means: the envelope, `dataProduct`, a field of `params`
//! (described by the product schema) or a part of the current form's `featureCollection`.

use std::sync::Arc;

use crate::check::{product_id, request_form, RequestForm};
use crate::document::{Document, Node, PathSegment};
use crate::schema::{ProductSchema, SchemaStore};

/// The request as the IDE features see it: its form and its product's schema, if known.
pub(crate) struct Request<'a> {
    pub root: Option<&'a Node>,
    pub form: RequestForm,
    pub schema: Option<Arc<ProductSchema>>,
    /// The top-level member the schema describes: `params` in an envelope, the options
    /// member in a search-style order.
    pub options_key: &'static str,
}

impl<'a> Request<'a> {
    pub fn new(doc: &'a Document, store: &SchemaStore) -> Self {
        let root = doc.root();
        let form = root.map_or(RequestForm::Seed, request_form);
        let schema = root.and_then(product_id).and_then(|id| store.get(id));
        Request {
            root,
            form,
            schema,
            options_key: "params",
        }
    }

    /// A search-style order whose options member `options_key` is described by `schema`.
    pub fn search(
        doc: &'a Document,
        schema: Option<Arc<ProductSchema>>,
        options_key: &'static str,
    ) -> Self {
        Request {
            root: doc.root(),
            form: RequestForm::Seed,
            schema,
            options_key,
        }
    }
}

/// Where a path points, relative to the parts of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place<'p> {
    /// The envelope object.
    Root,
    DataProduct,
    /// Inside `params`: the rest of the path after `params` (empty for `params` itself).
    Params(&'p [PathSegment]),
    /// `featureCollection` itself, or the rest of the path inside it.
    FeatureCollection(&'p [PathSegment]),
    /// `featureCollection.features[i]` and the rest of the path inside that feature.
    Feature(&'p [PathSegment]),
    /// `featureCollection.features[i].geometry` and the rest of the path inside it.
    FeatureGeometry(&'p [PathSegment]),
    /// Any other top-level member (`displayName`, `tags`...), with the rest of the path.
    Envelope(&'p str, &'p [PathSegment]),
}

pub(crate) fn place(path: &[PathSegment]) -> Place<'_> {
    use PathSegment::{Index, Key};
    match path {
        [] => Place::Root,
        [Key(k)] if k == "dataProduct" => Place::DataProduct,
        [Key(k), rest @ ..] if k == "params" => Place::Params(rest),
        [Key(k), Key(f), Index(_), Key(g), rest @ ..]
            if k == "featureCollection" && f == "features" && g == "geometry" =>
        {
            Place::FeatureGeometry(rest)
        }
        [Key(k), Key(f), Index(_), rest @ ..] if k == "featureCollection" && f == "features" => {
            Place::Feature(rest)
        }
        [Key(k), rest @ ..] if k == "featureCollection" => Place::FeatureCollection(rest),
        [Key(k), rest @ ..] => Place::Envelope(k, rest),
        [Index(_), ..] => Place::Envelope("", &[]),
    }
}

/// One key of the envelope, with what it is for.
pub(crate) struct EnvelopeKey {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The JSON of the value to insert with the key.
    pub value: &'static str,
    pub required: bool,
    /// Only in the current form (`POST /v2/orders`).
    pub current_only: bool,
}

pub(crate) const ENVELOPE_KEYS: &[EnvelopeKey] = &[
    EnvelopeKey {
        name: "dataProduct",
        title: "Data product",
        description: "The id (UUID) of the data product to order; its JSON Schema validates `params`.",
        value: "\"\"",
        required: true,
        current_only: false,
    },
    EnvelopeKey {
        name: "displayName",
        title: "Order name",
        description: "A name for the order, shown in the console and in order lists (1–200 characters).",
        value: "\"\"",
        required: true,
        current_only: true,
    },
    EnvelopeKey {
        name: "params",
        title: "Order parameters",
        description: "The order's parameters, validated by the data product's JSON Schema.",
        value: "{}",
        required: true,
        current_only: false,
    },
    EnvelopeKey {
        name: "featureCollection",
        title: "Area of interest",
        description: "The area of interest: a GeoJSON FeatureCollection of Polygon features in WGS84 longitude/latitude.",
        value: FEATURE_COLLECTION_SKELETON,
        required: true,
        current_only: true,
    },
    EnvelopeKey {
        name: "tags",
        title: "Tags",
        description: "Labels for finding the order later: up to 30 strings of letters, digits, spaces and `. - _ / :`.",
        value: "[]",
        required: false,
        current_only: true,
    },
    EnvelopeKey {
        name: "budgetId",
        title: "Budget",
        description: "The id (UUID) of the budget to charge, or null for the workspace's default.",
        value: "null",
        required: false,
        current_only: true,
    },
];

pub(crate) fn envelope_key(name: &str) -> Option<&'static EnvelopeKey> {
    ENVELOPE_KEYS.iter().find(|k| k.name == name)
}

/// A closed, counter-clockwise box (about 10.8 km × 11.1 km, 120 km², in Berlin: above the
/// bundled minimum charge), for skeletons.
pub(crate) const POLYGON_SKELETON: &str = crate::check::suggest::POLYGON;

/// The keys of a GeoJSON object of the current form's `featureCollection`, by place.
pub(crate) fn geojson_keys(
    place: Place<'_>,
) -> &'static [(&'static str, &'static str, &'static str)] {
    match place {
        Place::FeatureCollection([]) => &[
            ("type", "Always \"FeatureCollection\".", "\"FeatureCollection\""),
            ("features", "The Polygon features of the area of interest.", "[]"),
        ],
        Place::Feature([]) => &[
            ("type", "Always \"Feature\".", "\"Feature\""),
            ("geometry", "A GeoJSON Polygon in WGS84 longitude/latitude.", POLYGON_SKELETON),
            ("properties", "Free-form properties of the feature.", "{}"),
        ],
        Place::FeatureGeometry([]) => &[
            ("type", "Always \"Polygon\".", "\"Polygon\""),
            (
                "coordinates",
                "Linear rings of [longitude, latitude] positions: the exterior ring first (counter-clockwise), then any holes; each ring ends where it starts.",
                "[[]]",
            ),
        ],
        _ => &[],
    }
}

/// A feature collection holding the skeleton polygon.
pub(crate) const FEATURE_COLLECTION_SKELETON: &str = concat!(
    r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": "#,
    r#"{"type": "Polygon", "coordinates": [[[13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56], [13.3, 52.46]]]}"#,
    r#", "properties": {}}]}"#
);
