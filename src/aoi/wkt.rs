//! Well-known text (OGC 06-103r4 §7) through the `wkt` crate, with PostGIS's EWKT prefix
//! `SRID=3857;` naming the system, and well-known binary written as hex (as PostGIS, QGIS's
//! "copy as WKB" and shapely's `to_wkb(hex=True)` print it) through the `wkb` crate. Both
//! crates expose `geo-traits`, so one walk serves them. A text may hold several geometries,
//! one per line: each is a feature.

use geo_traits::{
    CoordTrait, GeometryCollectionTrait, GeometryTrait, GeometryType, LineStringTrait,
    MultiPolygonTrait, PolygonTrait,
};

use super::crs::{self, Crs};
use super::{Feature, Polygon, Position};

pub(super) fn read_wkt(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}').trim();
    let (system, body) = split_srid(text)?;
    let mut features = Vec::new();
    // One geometry per non-empty line; a geometry written over several lines is one text.
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let pieces: Vec<&str> = if lines.len() > 1 && lines.iter().all(|l| starts_geometry(l)) {
        lines
    } else {
        vec![body]
    };
    for (index, piece) in pieces.iter().enumerate() {
        let geometry: wkt::Wkt<f64> = piece.parse().map_err(|e| {
            let at = if pieces.len() > 1 {
                format!(" (line {})", index + 1)
            } else {
                String::new()
            };
            format!("is not WKT{at}: {e}")
        })?;
        features.push(feature(&geometry));
    }
    Ok((system, features))
}

/// A line that begins with a WKT geometry keyword.
fn starts_geometry(line: &str) -> bool {
    let upper = line.to_ascii_uppercase();
    [
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
        "SRID=",
    ]
    .iter()
    .any(|k| upper.starts_with(k))
}

/// `SRID=3857;POLYGON(...)` -> (Web Mercator, `POLYGON(...)`); without the prefix, WGS84.
fn split_srid(text: &str) -> Result<(Crs, &str), String> {
    let Some(rest) = text
        .get(..5)
        .filter(|head| head.eq_ignore_ascii_case("SRID="))
        .map(|_| &text[5..])
    else {
        return Ok((Crs::Wgs84, text));
    };
    let (code, body) = rest
        .split_once(';')
        .ok_or_else(|| "has SRID= without the ';' that ends it".to_string())?;
    let system = crs::parse_name(&format!("EPSG:{}", code.trim()))?;
    Ok((system, body.trim()))
}

pub(super) fn read_wkb_hex(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let mut features = Vec::new();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for (index, line) in lines.iter().enumerate() {
        let binary = unhex(line).map_err(|e| format!("line {}: {e}", index + 1))?;
        let geometry = wkb::reader::read_wkb(&binary)
            .map_err(|e| format!("line {}: is not WKB: {e}", index + 1))?;
        features.push(feature(&geometry));
    }
    Ok((Crs::Wgs84, features))
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.strip_prefix("\\x").unwrap_or(text);
    if !text.len().is_multiple_of(2) {
        return Err("the hex text has an odd number of digits".to_string());
    }
    text.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| {
                    format!(
                        "'{}' at digit {} is not hex",
                        pair.escape_ascii(),
                        2 * i + 1
                    )
                })
        })
        .collect()
}

fn feature<G: GeometryTrait<T = f64>>(geometry: &G) -> Feature {
    let mut polygons = Vec::new();
    collect(geometry, &mut polygons);
    Feature {
        name: None,
        kind: kind_of(geometry).to_string(),
        polygons,
    }
}

fn kind_of<G: GeometryTrait<T = f64>>(geometry: &G) -> &'static str {
    match geometry.as_type() {
        GeometryType::Point(_) => "Point",
        GeometryType::LineString(_) => "LineString",
        GeometryType::Polygon(_) => "Polygon",
        GeometryType::MultiPoint(_) => "MultiPoint",
        GeometryType::MultiLineString(_) => "MultiLineString",
        GeometryType::MultiPolygon(_) => "MultiPolygon",
        GeometryType::GeometryCollection(_) => "GeometryCollection",
        GeometryType::Rect(_) => "Rect",
        GeometryType::Triangle(_) => "Triangle",
        GeometryType::Line(_) => "Line",
    }
}

fn collect<G: GeometryTrait<T = f64>>(geometry: &G, out: &mut Vec<Polygon>) {
    match geometry.as_type() {
        GeometryType::Polygon(p) => out.extend(polygon(p)),
        GeometryType::MultiPolygon(m) => {
            for p in m.polygons() {
                out.extend(polygon(&p));
            }
        }
        GeometryType::GeometryCollection(c) => {
            for g in c.geometries() {
                collect(&g, out);
            }
        }
        _ => {}
    }
}

fn ring<L: LineStringTrait<T = f64>>(line: &L) -> Vec<Position> {
    line.coords().map(|c| [c.x(), c.y()]).collect()
}

fn polygon<P: PolygonTrait<T = f64>>(p: &P) -> Option<Polygon> {
    let exterior = ring(&p.exterior()?);
    // `POLYGON EMPTY` has an exterior of no positions: no polygon.
    if exterior.is_empty() {
        return None;
    }
    Some(Polygon {
        exterior,
        holes: p.interiors().map(|r| ring(&r)).collect(),
    })
}
