//! Areas of interest imported from files that other tools wrote: GeoJSON, KML/KMZ, WKT,
//! WKB (hex), ESRI shapefiles (alone or zipped). Each reader turns its format into one
//! neutral model, a list of [`Feature`]s whose polygons are in WGS84 degrees (reprojected
//! from Web Mercator or a UTM zone by [`crs`]), so the CLI and the editor can pick, merge and
//! write them as the GeoJSON geometry an order takes ([`write`]).
//!
//! Pure and synchronous: the caller reads the bytes (and a shapefile's `.dbf`/`.prj`) and
//! passes them in; every failure is an [`ImportError`] naming the file and the reason, never
//! a panic (`proptests.rs` feeds every reader mutated and random bytes).

pub mod crs;
mod geojson;
mod kml;
pub mod select;
mod shapefile;
mod wkt;
pub mod write;

#[cfg(test)]
mod proptests;

pub use crs::Crs;
pub use select::{choose, feature_table, Selection};

use crate::check::geometry::shape;

/// A position: `[longitude, latitude]` in degrees (after reprojection).
pub type Position = [f64; 2];

/// One polygon: its exterior ring and its holes, each ring a list of positions as the file
/// gave them (closed or not, in the file's winding; altitudes dropped).
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    pub exterior: Vec<Position>,
    pub holes: Vec<Vec<Position>>,
}

impl Polygon {
    /// Every ring, exterior first.
    pub fn rings(&self) -> impl Iterator<Item = &Vec<Position>> {
        std::iter::once(&self.exterior).chain(self.holes.iter())
    }
}

/// One feature of the file: a placemark, a GeoJSON Feature, a shapefile record, or the one
/// geometry of a WKT text.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// Its name where the format has one (GeoJSON `properties.name`/`title`/`id`, KML
    /// `<name>`, the shapefile's NAME-like attribute).
    pub name: Option<String>,
    /// The geometry type as the file named it (`Polygon`, `MultiPolygon`, `MultiGeometry`,
    /// `PolygonZ`...), for `aoi info`.
    pub kind: String,
    /// Its polygons; empty when the feature holds only points or lines.
    pub polygons: Vec<Polygon>,
}

impl Feature {
    /// The geodesic area in m² (WGS84, Karney's algorithm through `geo`; holes subtracted),
    /// whatever the rings' winding.
    pub fn area_m2(&self) -> f64 {
        self.polygons.iter().map(polygon_area_m2).sum()
    }

    /// Number of positions over all rings.
    pub fn vertices(&self) -> usize {
        self.polygons
            .iter()
            .flat_map(Polygon::rings)
            .map(Vec::len)
            .sum()
    }

    /// `[west, south, east, north]` in degrees (west > east when it crosses the
    /// antimeridian), or `None` without polygons.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut boxes = self
            .polygons
            .iter()
            .filter_map(|p| shape::bounding_box(&unwrapped(p)));
        let first = boxes.next()?;
        Some(boxes.fold(first, |a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        }))
    }
}

fn unwrapped(polygon: &Polygon) -> shape::UnwrappedPolygon {
    let rings: Vec<Vec<Position>> = polygon.rings().cloned().collect();
    shape::unwrap_polygon(&rings)
}

/// The unsigned geodesic area of one polygon in m² (0 when it has fewer than 3 positions).
pub fn polygon_area_m2(polygon: &Polygon) -> f64 {
    shape::area_m2(&unwrapped(polygon)).map_or(0.0, |(area, _)| area)
}

/// The formats tasking-ls reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Kml,
    Kmz,
    Wkt,
    WkbHex,
    /// A `.shp` with its `.dbf` and `.prj` beside it.
    Shapefile,
    /// A `.zip` holding a shapefile's parts (or a KML).
    Zip,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Kml => "KML",
            Format::Kmz => "KMZ",
            Format::Wkt => "WKT",
            Format::WkbHex => "WKB (hex)",
            Format::Shapefile => "shapefile",
            Format::Zip => "zipped shapefile",
        }
    }

    /// The format from the file name's extension, else from the first bytes (standard input,
    /// `.txt`): `{` GeoJSON, `<` KML, `PK` a zip, hex digits WKB, letters WKT.
    pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
        let extension = std::path::Path::new(name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("geojson" | "json") => return Some(Format::GeoJson),
            Some("kml") => return Some(Format::Kml),
            Some("kmz") => return Some(Format::Kmz),
            Some("shp") => return Some(Format::Shapefile),
            Some("zip") => return Some(Format::Zip),
            Some("wkb") => return Some(Format::WkbHex),
            _ => {}
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(Format::Zip);
        }
        if bytes.len() >= 4 && bytes[..4] == [0, 0, 0x27, 0x0a] {
            return Some(Format::Shapefile);
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let text = text.trim_start_matches('\u{feff}').trim_start();
        let first = text.chars().next()?;
        if first == '{' {
            Some(Format::GeoJson)
        } else if first == '<' {
            Some(Format::Kml)
        } else if text.len() >= 10 && text.trim_end().bytes().all(|b| b.is_ascii_hexdigit()) {
            Some(Format::WkbHex)
        } else if first.is_ascii_alphabetic() {
            Some(Format::Wkt)
        } else {
            None
        }
    }
}

/// The file to read: its name (for messages and the format), its bytes, and its companion
/// files (a shapefile's `.dbf` and `.prj`), which the caller looks up by extension.
pub struct Source<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// The bytes of the file next to this one with the given extension (`"dbf"`, `"prj"`),
    /// or `None`.
    pub sibling: &'a dyn Fn(&str) -> Option<Vec<u8>>,
}

/// What was read: the features, the format, and the system the positions were in.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub format: Format,
    /// The system the file's positions were in (they are now WGS84 degrees).
    pub crs: Crs,
    pub features: Vec<Feature>,
}

/// Why a file could not be imported: the file and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub reason: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

impl std::error::Error for ImportError {}

/// Reads `source` as `format` (or the detected format) and brings its positions to WGS84.
/// `crs` overrides the system the file states (or the WGS84 default of GeoJSON, KML and WKT).
///
/// # Errors
/// An [`ImportError`]: unreadable bytes, an unknown format, a system that cannot be
/// reprojected, positions that are not finite or not degrees, no polygon at all.
pub fn read(
    source: &Source<'_>,
    format: Option<Format>,
    crs: Option<Crs>,
) -> Result<Import, ImportError> {
    let error = |reason: String| ImportError {
        file: source.name.to_string(),
        reason,
    };
    let format = format
        .or_else(|| Format::detect(source.name, source.bytes))
        .ok_or_else(|| {
            error(
                "cannot tell the format: name the file .geojson, .kml, .kmz, .wkt, .wkb, .shp or \
                 .zip (GeoJSON, KML, KMZ, WKT, WKB as hex, shapefile)"
                    .to_string(),
            )
        })?;
    let (stated, mut features) = match format {
        Format::GeoJson => geojson::read(source.bytes),
        Format::Kml => kml::read(source.bytes),
        Format::Kmz => kml::read_kmz(source.bytes),
        Format::Wkt => wkt::read_wkt(source.bytes),
        Format::WkbHex => wkt::read_wkb_hex(source.bytes),
        Format::Shapefile => shapefile::read(source.bytes, source.sibling),
        Format::Zip => shapefile::read_zip(source.bytes),
    }
    .map_err(error)?;
    let system = crs.unwrap_or(stated);
    if system != Crs::Wgs84 {
        for position in features
            .iter_mut()
            .flat_map(|f| f.polygons.iter_mut())
            .flat_map(|p| std::iter::once(&mut p.exterior).chain(p.holes.iter_mut()))
            .flatten()
        {
            // Rounded to 1e-10 degrees (about 0.01 mm): far below the 1 cm the projection
            // is held to, and the written numbers stay as short as the source's.
            let [x, y] = system.to_wgs84(*position);
            *position = [(x * 1e10).round() / 1e10, (y * 1e10).round() / 1e10];
        }
    }
    check_positions(&features, system, crs.is_some()).map_err(error)?;
    if features.iter().all(|f| f.polygons.is_empty()) {
        let kinds: Vec<&str> = features.iter().map(|f| f.kind.as_str()).collect();
        return Err(error(if kinds.is_empty() {
            "holds no geometry".to_string()
        } else {
            format!(
                "holds no polygon (found {}); an area of interest is a Polygon or MultiPolygon",
                summarise(&kinds)
            )
        }));
    }
    Ok(Import {
        format,
        crs: system,
        features,
    })
}

/// `3 × Point, LineString`.
fn summarise(kinds: &[&str]) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for kind in kinds {
        match counted.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counted.push((kind, 1)),
        }
    }
    counted
        .iter()
        .map(|(k, n)| {
            if *n > 1 {
                format!("{n} × {k}")
            } else {
                k.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every position finite and within degree ranges; otherwise a sentence saying where and,
/// for metres in a file that states no system, what they look like.
fn check_positions(features: &[Feature], system: Crs, named: bool) -> Result<(), String> {
    for (index, feature) in features.iter().enumerate() {
        for position in feature.polygons.iter().flat_map(Polygon::rings).flatten() {
            let [x, y] = *position;
            if !x.is_finite() || !y.is_finite() {
                return Err(format!(
                    "feature {} has a position that is not a finite number after reading it in {}",
                    index + 1,
                    system.describe()
                ));
            }
            if x.abs() > 180.0 || y.abs() > 90.0 {
                let looks_metric = x.abs() <= 20_037_508.35 && y.abs() <= 20_037_508.35;
                let hint = if system == Crs::Wgs84 && !named && looks_metric {
                    "; these look like metres, not degrees: if the file is in Web Mercator, \
                     pass --crs EPSG:3857 (or the UTM zone's EPSG:326zz/327zz)"
                } else {
                    ""
                };
                return Err(format!(
                    "feature {} has the position [{x}, {y}], outside longitude ±180 / latitude ±90 in {}{hint}",
                    index + 1,
                    system.describe()
                ));
            }
        }
    }
    Ok(())
}

/// Reads a file that needs no companions (everything but a bare `.shp`) from its bytes.
///
/// # Errors
/// See [`read`].
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Import, ImportError> {
    read(
        &Source {
            name,
            bytes,
            sibling: &|_| None,
        },
        None,
        None,
    )
}
