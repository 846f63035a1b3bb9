//! What a preview draws, read from a document: each area of interest (Polygon or
//! MultiPolygon geometry of the request) with its rings unwrapped across the antimeridian and
//! the byte offset of every position, the geometry diagnostics placed on the map, and the
//! caption's figures. The renderer only reads a [`Scene`]; the file is never changed.

use crate::check::geometry::shape::{self, unwrap_polygon};
use crate::check::geometry::GeometryType;
use crate::check::{find_polygons, product_id, request_form, Code, Diagnostic, Severity};
use crate::document::{Document, Node, TextRange};
use crate::ide::area::area_m2;
use crate::ide::window::{acquisition_window, window_length};
use crate::schema::SchemaStore;

/// Mean Earth radius in km (IUGG), for the bounding box's width, height and area.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Everything a preview draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// The areas of interest, in document order.
    pub shapes: Vec<Shape>,
    /// Geometry diagnostics with a place on the map.
    pub markers: Vec<Marker>,
    pub caption: Caption,
}

/// One geometry of the request (`params.geometry`, a feature's geometry).
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// Where it is in the request: `params.geometry`.
    pub label: String,
    /// Whether it is a MultiPolygon (drawn with the bounding box the provider orders:
    /// docs.up42.com/data/types, read 2026-11-29: a multipart tasking AOI is converted to
    /// its bounding box).
    pub multi: bool,
    pub polygons: Vec<Polygon>,
}

/// A polygon: its exterior ring first, then its holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Ring>,
}

/// A ring as written, longitudes unwrapped (consecutive longitudes differ by at most 180°,
/// so a ring across the antimeridian has longitudes beyond ±180 on one side).
#[derive(Clone, Debug, PartialEq)]
pub struct Ring {
    /// `[lon, lat]` in degrees, one per readable position (a position that is not two
    /// numbers is left out).
    pub points: Vec<[f64; 2]>,
    /// The byte offset in the document of each point's position (its `[`).
    pub offsets: Vec<usize>,
    /// Whether the last position repeats the first (otherwise the gap is drawn dashed).
    pub closed: bool,
}

/// A geometry diagnostic at a place on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// `[lon, lat]` in degrees, unwrapped like the ring it belongs to.
    pub at: [f64; 2],
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The diagnostic's byte range in the document.
    pub range: TextRange,
    /// For an unclosed ring: the ring's first point, so the gap can be drawn.
    pub gap_to: Option<[f64; 2]>,
}

/// The figures under the map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Caption {
    /// The product's title from the products index or its schema, or its id.
    pub title: Option<String>,
    /// Total area of the areas of interest in km² (geodesic on WGS84 up to 20,000
    /// positions, spherical above; see [`shape::area_m2`]).
    pub area_km2: Option<f64>,
    /// `[west, south, east, north]` in degrees, longitudes unwrapped (east may pass 180).
    pub bbox: Option<[f64; 4]>,
    /// Width (east-west, at the box's middle latitude) and height of the box in km, on a
    /// sphere of radius [`EARTH_RADIUS_KM`].
    pub bbox_km: Option<(f64, f64)>,
    /// Positions of every ring.
    pub vertices: usize,
    /// The acquisition window: "2027-03-01 → 2027-05-01 (61 days)".
    pub window: Option<String>,
    /// Diagnostics of the document with no place on the map (schema, dates...), by severity.
    pub other_errors: usize,
    pub other_warnings: usize,
}

/// Reads the scene of `doc`: its areas of interest (found as `check` finds them, through the
/// product schema in `store`) and `diagnostics` (as `check::check_document` returned them;
/// those inside a geometry become markers, the others are counted in the caption).
pub fn scene_of(doc: &Document, store: &SchemaStore, diagnostics: &[Diagnostic]) -> Scene {
    let mut scene = Scene::default();
    let Some(root) = doc.root() else {
        count_others(&mut scene.caption, diagnostics.iter());
        return scene;
    };
    let schema = product_id(root).and_then(|id| store.get(id));
    // A search-style order (STAPI) keeps its AOI at the top level.
    let search = crate::check::search_order::polygon_site(root);
    let sites = match search.clone() {
        Some(site) => vec![site],
        None => find_polygons(root, request_form(root), schema.as_deref()),
    };
    let mut reference: Option<f64> = None;
    let mut areas = Vec::new();
    for site in &sites {
        let multi = site.declared() == Some(GeometryType::MultiPolygon);
        let Some(coordinates) = site.node.get("coordinates") else {
            continue;
        };
        let polygon_nodes: Vec<_> = if multi {
            coordinates.items().into_iter().flatten().collect()
        } else {
            vec![std::borrow::Cow::Borrowed(coordinates)]
        };
        let mut polygons = Vec::new();
        for node in &polygon_nodes {
            if let Some(polygon) = read_polygon(node, &mut reference) {
                polygons.push(polygon);
            }
        }
        for polygon in &polygons {
            let unwrapped = shape::UnwrappedPolygon {
                rings: polygon
                    .rings
                    .iter()
                    .filter(|r| r.points.len() >= 3)
                    .map(|r| r.points.clone())
                    .collect(),
                crosses_antimeridian: false,
                circles_pole: false,
            };
            if !unwrapped.rings.is_empty() {
                areas.push(unwrapped);
            }
        }
        scene.shapes.push(Shape {
            label: site.label.clone(),
            multi,
            polygons,
        });
    }
    let caption = &mut scene.caption;
    caption.title = product_id(root).map(|id| match store.product(id) {
        Some(product) => product.label(),
        None => store
            .get(id)
            .and_then(|s| Some(s.schema.get("title")?.as_str()?.trim().to_string()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| id.to_string()),
    });
    if search.is_some() && caption.title.is_none() {
        // The product of a STAPI order comes from tasking-ls.toml, not the document.
        caption.title = Some("STAPI order".to_string());
    }
    caption.area_km2 = area_m2(&areas).map(|(m2, _)| m2 / 1e6);
    caption.bbox = bbox_of(&scene.shapes);
    caption.bbox_km = caption.bbox.map(|b| bbox_km(&b));
    caption.vertices = scene
        .shapes
        .iter()
        .flat_map(|s| &s.polygons)
        .flat_map(|p| &p.rings)
        .map(|r| r.points.len())
        .sum();
    let window = if search.is_some() {
        crate::check::search_order::closed_window(root)
    } else {
        root.get("params").and_then(acquisition_window)
    };
    caption.window = window.map(|(s, e)| {
        let length = window_length(s, e).map_or(String::new(), |l| format!(" ({l})"));
        format!(
            "{} → {}{length}",
            s.format("%Y-%m-%d"),
            e.format("%Y-%m-%d")
        )
    });
    let mut others = Vec::new();
    for diagnostic in diagnostics {
        match place(&scene.shapes, diagnostic) {
            Some(marker) => scene.markers.push(marker),
            None => others.push(diagnostic),
        }
    }
    count_others(&mut scene.caption, others.into_iter());
    scene
}

fn count_others<'a>(caption: &mut Caption, diagnostics: impl Iterator<Item = &'a Diagnostic>) {
    for d in diagnostics {
        match d.severity {
            Severity::Error => caption.other_errors += 1,
            Severity::Warning => caption.other_warnings += 1,
        }
    }
}

/// A polygon node's rings, unwrapped (holes beside their shell) and shifted by whole turns
/// next to `reference`, the first polygon's middle longitude, so that the parts of a
/// MultiPolygon split at the antimeridian are drawn side by side.
fn read_polygon(node: &Node, reference: &mut Option<f64>) -> Option<Polygon> {
    let mut rings = Vec::new();
    for ring in node.items()? {
        let Some(items) = ring.items() else {
            continue;
        };
        let mut points = Vec::with_capacity(items.len());
        let mut offsets = Vec::with_capacity(items.len());
        for position in items {
            let values = position.pair_values().or_else(|| {
                let numbers = position.items()?;
                Some([numbers.get(0)?.as_f64()?, numbers.get(1)?.as_f64()?])
            });
            if let Some(p) = values.filter(|p| p[0].is_finite() && p[1].is_finite()) {
                points.push(p);
                offsets.push(position.range.start as usize);
            }
        }
        let closed = points.len() >= 2 && points.first() == points.last();
        rings.push((points, offsets, closed));
    }
    if rings.is_empty() {
        return None;
    }
    let unwrapped = unwrap_polygon(&rings.iter().map(|r| r.0.clone()).collect::<Vec<_>>());
    let (west, east) = unwrapped
        .rings
        .iter()
        .flatten()
        .fold((f64::MAX, f64::MIN), |(w, e), p| (w.min(p[0]), e.max(p[0])));
    let shift = if west <= east {
        let middle = (west + east) / 2.0;
        match *reference {
            None => {
                *reference = Some(middle);
                0.0
            }
            Some(r) => ((r - middle) / 360.0).round() * 360.0,
        }
    } else {
        0.0
    };
    Some(Polygon {
        rings: unwrapped
            .rings
            .into_iter()
            .zip(rings)
            .map(|(points, (_, offsets, closed))| Ring {
                points: points.into_iter().map(|p| [p[0] + shift, p[1]]).collect(),
                offsets,
                closed,
            })
            .collect(),
    })
}

/// `[west, south, east, north]` of every point of the shapes (unwrapped longitudes).
pub fn bbox_of(shapes: &[Shape]) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in shapes
        .iter()
        .flat_map(|s| &s.polygons)
        .flat_map(|p| &p.rings)
        .flat_map(|r| &r.points)
    {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    (b[0] <= b[2]).then_some(b)
}

/// Width (along the middle parallel) and height of a box in km, on a sphere.
pub fn bbox_km(b: &[f64; 4]) -> (f64, f64) {
    let middle = ((b[1] + b[3]) / 2.0).to_radians();
    let width = EARTH_RADIUS_KM * (b[2] - b[0]).to_radians() * middle.cos();
    let height = EARTH_RADIUS_KM * (b[3] - b[1]).to_radians();
    (width, height)
}

/// The area in km² of the box between two meridians and two parallels on a sphere:
/// R² · Δλ · (sin φ₂ − sin φ₁).
pub fn bbox_area_km2(b: &[f64; 4]) -> f64 {
    EARTH_RADIUS_KM
        * EARTH_RADIUS_KM
        * (b[2] - b[0]).to_radians()
        * (b[3].to_radians().sin() - b[1].to_radians().sin())
}

/// Where on the map a diagnostic goes: at the position its range starts in (or the first
/// position of the ring or geometry it covers); a self-intersection at the crossing next to
/// that position; `None` for a diagnostic outside every geometry.
fn place(shapes: &[Shape], diagnostic: &Diagnostic) -> Option<Marker> {
    if !diagnostic.code.as_str().starts_with("geometry.") {
        return None;
    }
    let start = diagnostic.range.start as usize;
    let mut best: Option<(&Polygon, usize, usize)> = None;
    'search: for polygon in shapes.iter().flat_map(|s| &s.polygons) {
        for (r, ring) in polygon.rings.iter().enumerate() {
            let (Some(&first), Some(&last)) = (ring.offsets.first(), ring.offsets.last()) else {
                continue;
            };
            if start > last {
                continue;
            }
            if start < first {
                // The range starts before this ring's first position: a whole ring, polygon or
                // geometry; the first position that follows stands for it.
                if diagnostic.range.end as usize > first {
                    best = Some((polygon, r, 0));
                    break 'search;
                }
                continue;
            }
            let i = ring
                .offsets
                .partition_point(|&o| o <= start)
                .saturating_sub(1);
            best = Some((polygon, r, i));
            break 'search;
        }
    }
    let (polygon, r, i) = best?;
    let ring = &polygon.rings[r];
    let mut at = ring.points[i];
    let mut gap_to = None;
    match diagnostic.code {
        Code::GeometrySelfIntersection => {
            if let Some(crossing) = crossing_near(polygon, r, i) {
                at = crossing;
            }
        }
        Code::GeometryUnclosedRing => gap_to = ring.points.first().copied(),
        _ => {}
    }
    Some(Marker {
        at,
        code: diagnostic.code,
        severity: diagnostic.severity,
        message: diagnostic.message.clone(),
        range: diagnostic.range,
        gap_to,
    })
}

/// Above this many positions in a polygon, a self-intersection marker stays at its
/// position instead of searching every edge for the crossing.
const CROSSING_SEARCH_MAX: usize = 100_000;

/// The point where an edge at position `i` of ring `r` (the one before or after it) meets
/// another edge of the polygon, the nearest to that position; `None` when none is found.
fn crossing_near(polygon: &Polygon, r: usize, i: usize) -> Option<[f64; 2]> {
    let total: usize = polygon.rings.iter().map(|r| r.points.len()).sum();
    if total > CROSSING_SEARCH_MAX {
        return None;
    }
    let ring = &polygon.rings[r].points;
    let here = ring[i];
    let mut ours = Vec::new();
    if i + 1 < ring.len() {
        ours.push((i, ring[i], ring[i + 1]));
    }
    if i > 0 {
        ours.push((i - 1, ring[i - 1], ring[i]));
    }
    let mut best: Option<([f64; 2], f64)> = None;
    for (r2, other) in polygon.rings.iter().enumerate() {
        for (j, w) in other.points.windows(2).enumerate() {
            for &(k, a, b) in &ours {
                // Not the edge itself nor its neighbours on the same ring (they share a vertex).
                if r2 == r && (j + 1 >= k && j <= k + 1) {
                    continue;
                }
                if let Some(p) = segment_crossing(a, b, w[0], w[1]) {
                    let d = (p[0] - here[0]).powi(2) + (p[1] - here[1]).powi(2);
                    if best.is_none_or(|(_, bd)| d < bd) {
                        best = Some((p, d));
                    }
                }
            }
        }
    }
    best.map(|(p, _)| p)
}

/// Where segments `a`–`b` and `c`–`d` meet (the first common point along `a`–`b` when they
/// overlap on a line); `None` when they do not.
fn segment_crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<[f64; 2]> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let denominator = r[0] * s[1] - r[1] * s[0];
    let ca = [c[0] - a[0], c[1] - a[1]];
    if denominator == 0.0 {
        // Parallel: a common point only if collinear and overlapping; take c or d if on a–b.
        if ca[0] * r[1] - ca[1] * r[0] != 0.0 {
            return None;
        }
        let length = r[0] * r[0] + r[1] * r[1];
        if length == 0.0 {
            return None;
        }
        return [c, d].into_iter().find(|p| {
            let t = ((p[0] - a[0]) * r[0] + (p[1] - a[1]) * r[1]) / length;
            (0.0..=1.0).contains(&t)
        });
    }
    let t = (ca[0] * s[1] - ca[1] * s[0]) / denominator;
    let u = (ca[0] * r[1] - ca[1] * r[0]) / denominator;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u))
        .then(|| [a[0] + t * r[0], a[1] + t * r[1]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_document, CheckOptions};

    fn scene(text: &str) -> Scene {
        let store = SchemaStore::bundled();
        let doc = Document::new(text);
        let diagnostics = check_document(&doc, &CheckOptions::new(&store));
        scene_of(&doc, &store, &diagnostics)
    }

    #[test]
    fn a_bowtie_gets_its_marker_at_the_crossing() {
        let s = scene(
            r#"{"params": {"geometry": {"type": "Polygon", "coordinates":
            [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}}"#,
        );
        let marker = s
            .markers
            .iter()
            .find(|m| m.code == Code::GeometrySelfIntersection)
            .expect("a marker");
        assert!((marker.at[0] - 0.5).abs() < 1e-9 && (marker.at[1] - 0.5).abs() < 1e-9);
    }

    #[test]
    fn split_parts_of_a_multipolygon_sit_side_by_side() {
        // Fiji's box cut at 180: the east part is moved by a turn next to the west one.
        let west = Document::new(
            "[[[179.2, -16.9], [180, -16.9], [180, -16.2], [179.2, -16.2], [179.2, -16.9]]]",
        );
        let east = Document::new(
            "[[[-180, -16.9], [-179.6, -16.9], [-179.6, -16.2], [-180, -16.2], [-180, -16.9]]]",
        );
        let mut reference = None;
        let polygons = vec![
            read_polygon(west.root().unwrap(), &mut reference).unwrap(),
            read_polygon(east.root().unwrap(), &mut reference).unwrap(),
        ];
        let shape = Shape {
            label: "params.geometry".into(),
            multi: true,
            polygons,
        };
        let b = bbox_of(&[shape]).unwrap();
        assert!(
            (b[0] - 179.2).abs() < 1e-9 && (b[2] - 180.4).abs() < 1e-9,
            "{b:?}"
        );
        let (w, h) = bbox_km(&b);
        assert!(
            (120.0..135.0).contains(&w) && (75.0..80.0).contains(&h),
            "{w} {h}"
        );
    }

    #[test]
    fn the_unclosed_gap_and_its_ends() {
        let s = scene(
            r#"{"params": {"geometry": {"type": "Polygon", "coordinates":
            [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]]}}}"#,
        );
        let marker = s
            .markers
            .iter()
            .find(|m| m.code == Code::GeometryUnclosedRing)
            .expect("a marker");
        assert_eq!(marker.at, [0.0, 0.5]);
        assert_eq!(marker.gap_to, Some([0.0, 0.0]));
    }

    #[test]
    fn segment_crossings() {
        assert_eq!(
            segment_crossing([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]),
            Some([1.0, 1.0])
        );
        assert_eq!(
            segment_crossing([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]),
            None
        );
        assert_eq!(
            segment_crossing([0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0]),
            Some([1.0, 0.0])
        );
    }
}
