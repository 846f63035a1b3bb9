//! Schema navigation: the effective facts of a field after following local `$ref`s and
//! merging `allOf`, with enum-like values read from `enum`, `const` and `anyOf`/`oneOf` of consts.

use serde_json::Value;

use super::ProductSchema;
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
}

impl ProductSchema {
    /// Every property of `params`, in the schema's order.
    pub fn fields(&self) -> Vec<FieldInfo> {
        unimplemented!("navigate")
    }

    /// One top-level property of `params`.
    pub fn field(&self, _name: &str) -> Option<FieldInfo> {
        unimplemented!("navigate")
    }

    /// The field at a path inside `params` (`[Key("geometry"), Key("type")]`); array indexes
    /// step into `items`.
    pub fn field_at(&self, _path: &[PathSegment]) -> Option<FieldInfo> {
        unimplemented!("navigate")
    }

    /// The names `params` must have.
    pub fn required(&self) -> Vec<String> {
        unimplemented!("navigate")
    }

    /// False when the schema says `additionalProperties: false` for `params`.
    pub fn allows_additional_properties(&self) -> bool {
        unimplemented!("navigate")
    }

    /// The subschema at a JSON pointer into the schema, following `$ref` on the way
    /// (`/properties/acquisitionMode/allOf/0/$ref/anyOf` works as jsonschema's keyword locations do).
    pub fn subschema_at(&self, _pointer: &str) -> Option<&Value> {
        unimplemented!("navigate")
    }

    /// The compiled draft-07 validator (formats enforced), built on first use.
    pub fn validator(&self) -> Result<&jsonschema::Validator, &str> {
        unimplemented!("navigate")
    }
}
