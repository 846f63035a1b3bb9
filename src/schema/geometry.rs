//! What a product schema says about a GeoJSON geometry field: which geometry types it accepts
//! (`type` fixed by `const`/`enum`, alone or in `anyOf`/`oneOf` branches) and the constraints
//! it puts on `coordinates` at each nesting level, so the geometry checks enforce every one
//! of them (the schema validator is not shown the coordinates: a 200,000-position ring would
//! be copied and checked node by node). Read once per product schema
//! ([`ProductSchema::geometry_fields`]): `validate` over 10,000 orders spent a third of its
//! checking re-reading it per file.

use serde_json::{Map, Value};

use super::ProductSchema;

/// A GeoJSON geometry type (RFC 7946 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeometryType {
    Point,
    LineString,
    Polygon,
    MultiPolygon,
    /// MultiPoint, MultiLineString, GeometryCollection: accepted by name, checked for type only.
    Other,
}

impl GeometryType {
    pub fn parse(name: &str) -> Option<GeometryType> {
        Some(match name {
            "Point" => GeometryType::Point,
            "LineString" => GeometryType::LineString,
            "Polygon" => GeometryType::Polygon,
            "MultiPolygon" => GeometryType::MultiPolygon,
            "MultiPoint" | "MultiLineString" | "GeometryCollection" => GeometryType::Other,
            _ => return None,
        })
    }

    /// Array nesting of `coordinates` down to a position: Point 0, LineString 1, Polygon 2,
    /// MultiPolygon 3.
    pub fn depth(self) -> usize {
        match self {
            GeometryType::Point => 0,
            GeometryType::LineString => 1,
            GeometryType::Polygon => 2,
            GeometryType::MultiPolygon => 3,
            GeometryType::Other => 0,
        }
    }
}

/// `minItems`/`maxItems` of one array level of `coordinates`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bounds {
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// The constraints on one geometry type's `coordinates`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoordinateRules {
    /// One entry per array level, outermost first; the last is the position.
    pub levels: Vec<Bounds>,
    /// Keywords the geometry checks do not read themselves (`minimum`, `integer` numbers,
    /// `prefixItems`...): the `coordinates` subschema, with the root's definitions, to run
    /// through the schema validator so no constraint is skipped.
    pub other: Option<Value>,
}

impl CoordinateRules {
    /// The bounds of level `depth` (0 = `coordinates` itself).
    pub fn level(&self, depth: usize) -> Bounds {
        self.levels.get(depth).copied().unwrap_or_default()
    }
}

/// The geometry types a field accepts, each with its coordinate rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GeometryModel {
    pub variants: Vec<(GeometryType, CoordinateRules)>,
}

impl GeometryModel {
    /// RFC 7946 alone, for geometries the product schema does not describe.
    pub fn rfc7946(types: &[GeometryType]) -> GeometryModel {
        GeometryModel {
            variants: types
                .iter()
                .map(|t| (*t, CoordinateRules::default()))
                .collect(),
        }
    }

    pub fn allows(&self, kind: GeometryType) -> bool {
        self.variants.iter().any(|(t, _)| *t == kind)
    }

    pub fn rules(&self, kind: GeometryType) -> Option<&CoordinateRules> {
        self.variants
            .iter()
            .find(|(t, _)| *t == kind)
            .map(|(_, r)| r)
    }

    /// `Polygon` or `'Polygon' or 'MultiPolygon'`, for messages.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self
            .variants
            .iter()
            .map(|(t, _)| format!("'{t:?}'"))
            .collect();
        names.join(" or ")
    }
}

/// The geometry model of a field's schema (`$ref`s resolved against `root`), or `None` when
/// the field is not a GeoJSON geometry.
pub fn geometry_model(root: &Value, schema: &Value) -> Option<GeometryModel> {
    let schema = resolve(root, schema, 0)?;
    let mut model = GeometryModel::default();
    collect(root, schema, &mut model, 0);
    (!model.variants.is_empty()).then_some(model)
}

fn resolve<'v>(root: &'v Value, schema: &'v Value, depth: usize) -> Option<&'v Map<String, Value>> {
    let object = schema.as_object()?;
    match object.get("$ref").and_then(Value::as_str) {
        Some(reference) if depth < 16 => {
            let target = root.pointer(reference.strip_prefix('#')?)?;
            resolve(root, target, depth + 1)
        }
        _ => Some(object),
    }
}

fn collect(root: &Value, schema: &Map<String, Value>, model: &mut GeometryModel, depth: usize) {
    if depth > 8 {
        return;
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(branch) = resolve(root, branch, 0) {
                collect(root, branch, model, depth + 1);
            }
        }
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let Some(kind) = properties.get("type").and_then(|k| resolve(root, k, 0)) else {
        return;
    };
    let Some(coordinates) = properties.get("coordinates") else {
        return;
    };
    let names: Vec<&str> = match (kind.get("const"), kind.get("enum")) {
        (Some(Value::String(one)), _) => vec![one.as_str()],
        (_, Some(Value::Array(many))) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for name in names {
        if let Some(kind) = GeometryType::parse(name) {
            if !model.allows(kind) {
                model
                    .variants
                    .push((kind, coordinate_rules(root, coordinates, kind.depth())));
            }
        }
    }
}

/// Keywords the geometry checks apply themselves, at every array level.
const READ_HERE: &[&str] = &[
    "type",
    "items",
    "minItems",
    "maxItems",
    "title",
    "description",
    "default",
    "examples",
    "$comment",
];

fn coordinate_rules(root: &Value, coordinates: &Value, depth: usize) -> CoordinateRules {
    let mut rules = CoordinateRules::default();
    let mut understood = true;
    let mut level = resolve(root, coordinates, 0);
    for index in 0..=depth {
        let Some(schema) = level else {
            break;
        };
        understood &= schema.keys().all(|k| READ_HERE.contains(&k.as_str()));
        understood &= schema.get("type").is_none_or(|t| t == "array");
        rules.levels.push(Bounds {
            min_items: schema.get("minItems").and_then(Value::as_u64),
            max_items: schema.get("maxItems").and_then(Value::as_u64),
        });
        let items = schema.get("items");
        if index == depth {
            // The numbers of a position: any constraint beyond "number" goes to the validator.
            if let Some(numbers) = items.and_then(|i| resolve(root, i, 0)) {
                understood &= numbers
                    .keys()
                    .all(|k| matches!(k.as_str(), "type" | "title" | "description" | "$comment"));
                understood &= numbers.get("type").is_none_or(|t| t == "number");
            }
        } else {
            understood &= items.is_none_or(Value::is_object);
        }
        level = items.and_then(|i| resolve(root, i, 0));
    }
    if !understood {
        let mut schema = coordinates.clone();
        if let (Some(object), Some(root)) = (schema.as_object_mut(), root.as_object()) {
            for key in ["definitions", "$defs"] {
                if let Some(defs) = root.get(key) {
                    object.insert(key.to_string(), defs.clone());
                }
            }
        }
        rules.other = Some(schema);
    }
    rules
}

/// A `params` field the product schema types as a GeoJSON geometry: its name and model.
#[derive(Clone, Debug, PartialEq)]
pub struct GeometryField {
    pub name: String,
    pub model: GeometryModel,
}

impl ProductSchema {
    /// The `params` fields that are GeoJSON geometries, in the schema's order: by their
    /// schema ([`geometry_model`]), or a field that navigation recognises as a Polygon
    /// (`FieldInfo::is_polygon`) with RFC 7946's rules. Computed once per schema.
    pub fn geometry_fields(&self) -> &[GeometryField] {
        self.geometry_fields.get_or_init(|| {
            self.fields()
                .iter()
                .filter_map(|field| {
                    let model = geometry_model(&self.schema, &field.schema).or_else(|| {
                        field
                            .is_polygon
                            .then(|| GeometryModel::rfc7946(&[GeometryType::Polygon]))
                    })?;
                    Some(GeometryField {
                        name: field.name.clone(),
                        model,
                    })
                })
                .collect()
        })
    }

    /// The geometry model of `params` field `name`, when the schema types it as one.
    pub fn geometry_field(&self, name: &str) -> Option<&GeometryModel> {
        self.geometry_fields()
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_polygon_and_multipolygon_models() {
        let polygon = json!({"type": "object", "properties": {
            "type": {"const": "Polygon"},
            "coordinates": {"type": "array", "items": {"type": "array", "minItems": 4,
                "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"}}}}}});
        let root = json!({"definitions": {"Polygon": polygon}});
        let model = geometry_model(&root, &json!({"$ref": "#/definitions/Polygon"})).unwrap();
        assert_eq!(model.variants.len(), 1);
        let rules = model.rules(GeometryType::Polygon).unwrap();
        assert_eq!(rules.level(1).min_items, Some(4));
        assert_eq!(rules.level(2).max_items, Some(2));
        assert!(rules.other.is_none());
        let either = json!({"anyOf": [{"$ref": "#/definitions/Polygon"}, {"properties": {
            "type": {"enum": ["MultiPolygon"]}, "coordinates": {"items": {"items": {"items":
            {"items": {"type": "number", "minimum": -180}}}}}}}]});
        let model = geometry_model(&root, &either).unwrap();
        assert!(model.allows(GeometryType::MultiPolygon));
        assert!(model
            .rules(GeometryType::MultiPolygon)
            .unwrap()
            .other
            .is_some());
        assert!(geometry_model(&root, &json!({"type": "string"})).is_none());
    }
}
