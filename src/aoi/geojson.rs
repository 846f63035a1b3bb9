//! GeoJSON (RFC 7946) through the `geojson` crate: a Geometry, a Feature or a
//! FeatureCollection; a GeometryCollection's polygons count as one feature. The 2008
//! specification's `crs` member (still written by QGIS and GDAL for projected data) names
//! the system; without it positions are WGS84 degrees (RFC 7946 §4).

use geojson::{GeoJson, Geometry, GeometryValue};
use serde_json::Value;

use super::crs::{self, Crs};
use super::{Feature, Polygon, Position};

pub(super) fn read(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}');
    // One parse into a value: the `crs` member and the GeoJSON come from the same tree.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "is not JSON: {} at line {}, column {}",
            strip_position(&e.to_string()),
            e.line(),
            e.column()
        )
    })?;
    let system = match value.get("crs") {
        Some(member) => crs_member(member)?,
        None => Crs::Wgs84,
    };
    let geojson: GeoJson = serde_json::from_value(value)
        .map_err(|e| format!("is not GeoJSON: {}", strip_position(&e.to_string())))?;
    let features = match geojson {
        GeoJson::Geometry(geometry) => vec![feature(None, &geometry)],
        GeoJson::Feature(f) => vec![from_feature(&f)],
        GeoJson::FeatureCollection(collection) => {
            collection.features.iter().map(from_feature).collect()
        }
    };
    Ok((system, features))
}

/// serde_json appends " at line L column C"; the message says it once, its own way.
fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}` or the older
/// `{"type": "EPSG", "properties": {"code": 3857}}`.
fn crs_member(member: &Value) -> Result<Crs, String> {
    let properties = member.get("properties");
    if let Some(name) = properties
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
    {
        return crs::parse_name(name);
    }
    if let Some(code) = properties
        .and_then(|p| p.get("code"))
        .and_then(Value::as_u64)
    {
        return crs::parse_name(&format!("EPSG:{code}"));
    }
    if member.is_null() {
        return Ok(Crs::Wgs84);
    }
    Err(format!(
        "has a \"crs\" member tasking-ls cannot read ({}); {}",
        member.to_string().chars().take(80).collect::<String>(),
        crs::REPROJECT_HINT
    ))
}

fn from_feature(f: &geojson::Feature) -> Feature {
    let property = |key: &str| {
        f.properties
            .as_ref()
            .and_then(|p| p.get(key))
            .and_then(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let name = ["name", "Name", "NAME", "title", "label"]
        .iter()
        .find_map(|k| property(k))
        .or_else(|| {
            f.id.as_ref().map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            })
        });
    match &f.geometry {
        Some(geometry) => feature(name, geometry),
        None => Feature {
            name,
            kind: "null geometry".to_string(),
            polygons: Vec::new(),
        },
    }
}

fn feature(name: Option<String>, geometry: &Geometry) -> Feature {
    let mut polygons = Vec::new();
    collect(&geometry.value, &mut polygons);
    Feature {
        name,
        kind: geometry.value.type_name().to_string(),
        polygons,
    }
}

fn collect(value: &GeometryValue, out: &mut Vec<Polygon>) {
    match value {
        GeometryValue::Polygon { coordinates } => out.extend(polygon(coordinates)),
        GeometryValue::MultiPolygon { coordinates } => {
            out.extend(coordinates.iter().filter_map(|p| polygon(p)));
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                collect(&g.value, out);
            }
        }
        _ => {}
    }
}

fn polygon(rings: &[Vec<geojson::Position>]) -> Option<Polygon> {
    let mut rings = rings.iter().map(|ring| {
        ring.iter()
            .map(|p| {
                let s = p.as_slice();
                [
                    s.first().copied().unwrap_or(f64::NAN),
                    s.get(1).copied().unwrap_or(f64::NAN),
                ] as Position
            })
            .collect::<Vec<_>>()
    });
    let exterior = rings.next()?;
    Some(Polygon {
        exterior,
        holes: rings.collect(),
    })
}
