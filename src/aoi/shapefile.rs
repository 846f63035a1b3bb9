//! ESRI shapefiles (ESRI Shapefile Technical Description, July 1998) through the
//! `shapefile` crate: the `.shp` geometry, names from the `.dbf` attribute table, the system
//! from the `.prj` (see [`super::crs::from_prj`]); or all three inside a `.zip`. Each record
//! is a feature. A shapefile polygon is a list of rings, outer ones clockwise and holes
//! counter-clockwise (the specification's rule); a hole belongs to the outer ring that
//! contains it.

use std::io::Cursor;

use shapefile::{PolygonRing, Shape, ShapeReader};

use super::crs::{self, Crs};
use super::kml::inflate;
use super::{Feature, Polygon, Position};

pub(super) fn read(
    shp: &[u8],
    sibling: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<(Crs, Vec<Feature>), String> {
    let dbf = sibling("dbf");
    let prj = sibling("prj");
    read_parts(shp, dbf.as_deref(), prj.as_deref())
}

pub(super) fn read_zip(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("is not a zip archive: {e}"))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let Some(shp) = names
        .iter()
        .find(|n| n.to_ascii_lowercase().ends_with(".shp") && !n.starts_with("__MACOSX"))
        .cloned()
    else {
        if names
            .iter()
            .any(|n| n.to_ascii_lowercase().ends_with(".kml"))
        {
            return super::kml::read_kmz(bytes);
        }
        return Err(format!(
            "holds no .shp (found {})",
            if names.is_empty() {
                "nothing".to_string()
            } else {
                names.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
            }
        ));
    };
    let stem = &shp[..shp.len() - 4];
    let mut part = |extension: &str| -> Result<Option<Vec<u8>>, String> {
        let wanted = format!("{stem}.{extension}");
        match names.iter().find(|n| n.eq_ignore_ascii_case(&wanted)) {
            Some(name) => inflate(&mut archive, &name.clone()).map(Some),
            None => Ok(None),
        }
    };
    let dbf = part("dbf")?;
    let prj = part("prj")?;
    let shp_bytes = part("shp")?.unwrap_or_default();
    read_parts(&shp_bytes, dbf.as_deref(), prj.as_deref())
        .map_err(|e| format!("{shp} inside it: {e}"))
}

fn read_parts(
    shp: &[u8],
    dbf: Option<&[u8]>,
    prj: Option<&[u8]>,
) -> Result<(Crs, Vec<Feature>), String> {
    let system = match prj {
        Some(prj) => crs::from_prj(&String::from_utf8_lossy(prj))?,
        // No .prj: the positions are taken as degrees; metres are caught afterwards with a
        // hint.
        None => Crs::Wgs84,
    };
    let mut reader = ShapeReader::new(Cursor::new(shp))
        .map_err(|e| format!("is not a shapefile (.shp): {e}"))?;
    let mut features = Vec::new();
    for (index, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| format!("record {}: {e}", index + 1))?;
        features.push(feature(&shape));
    }
    if let Some(dbf) = dbf {
        // Names are a convenience: an unreadable table costs the names, not the import.
        if let Ok(names) = record_names(dbf) {
            for (feature, name) in features.iter_mut().zip(names) {
                feature.name = name;
            }
        }
    }
    Ok((system, features))
}

/// The name of each record: the first of NAME, Name, name, TITLE, LABEL, ID-like fields
/// that holds text, else the first character field.
fn record_names(dbf: &[u8]) -> Result<Vec<Option<String>>, String> {
    let mut reader = shapefile::dbase::Reader::new(Cursor::new(dbf)).map_err(|e| e.to_string())?;
    let fields: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let preferred = ["name", "title", "label", "nom", "id"];
    let mut order: Vec<&String> = Vec::new();
    for p in preferred {
        order.extend(fields.iter().filter(|f| f.eq_ignore_ascii_case(p)));
    }
    order.extend(fields.iter());
    let mut names = Vec::new();
    for record in reader.iter_records() {
        let record = record.map_err(|e| e.to_string())?;
        let name = order.iter().find_map(|field| match record.get(field) {
            Some(shapefile::dbase::FieldValue::Character(Some(s))) if !s.trim().is_empty() => {
                Some(s.trim().to_string())
            }
            Some(shapefile::dbase::FieldValue::Numeric(Some(n)))
                if field.eq_ignore_ascii_case("id") =>
            {
                Some(n.to_string())
            }
            _ => None,
        });
        names.push(name);
    }
    Ok(names)
}

fn feature(shape: &Shape) -> Feature {
    let kind = shape.shapetype().to_string();
    let polygons = match shape {
        Shape::Polygon(p) => group(p.rings(), |pt| [pt.x, pt.y]),
        Shape::PolygonM(p) => group(p.rings(), |pt| [pt.x, pt.y]),
        Shape::PolygonZ(p) => group(p.rings(), |pt| [pt.x, pt.y]),
        _ => Vec::new(),
    };
    Feature {
        name: None,
        kind,
        polygons,
    }
}

/// Outer rings become polygons; each hole joins the outer ring containing its first
/// position, else the outer ring before it (files that break the containment rule).
fn group<P>(rings: &[PolygonRing<P>], xy: impl Fn(&P) -> Position) -> Vec<Polygon> {
    let mut polygons: Vec<Polygon> = Vec::new();
    let mut holes: Vec<(usize, Vec<Position>)> = Vec::new();
    for ring in rings {
        let positions: Vec<Position> = ring.points().iter().map(&xy).collect();
        match ring {
            PolygonRing::Outer(_) => polygons.push(Polygon {
                exterior: positions,
                holes: Vec::new(),
            }),
            PolygonRing::Inner(_) => holes.push((polygons.len(), positions)),
        }
    }
    for (before, hole) in holes {
        let owner = hole
            .first()
            .and_then(|first| polygons.iter().position(|p| contains(&p.exterior, *first)));
        match owner.or(before.checked_sub(1)) {
            Some(index) => polygons[index].holes.push(hole),
            // A hole before any outer ring: the file is wrong; keep it as a polygon rather
            // than drop positions silently.
            None => polygons.push(Polygon {
                exterior: hole,
                holes: Vec::new(),
            }),
        }
    }
    polygons
}

/// Even-odd point in ring (ray casting).
fn contains(ring: &[Position], [x, y]: Position) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (w[0], w[1]);
        if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}
