//! What a preview draws, read from a document: each area of interest (Polygon or
//! MultiPolygon geometry of the request) with its rings unwrapped across the antimeridian and
//! the byte offset of every position, the geometry diagnostics placed on the map, and the
//! caption's figures. The renderer only reads a [`Scene`]; the file is never changed.

use crate::check::feasibility::pass_query;
use crate::check::geometry::shape::{self, unwrap_polygon};
use crate::check::geometry::GeometryType;
use crate::check::{find_geometries, product_id, request_form, Code, Diagnostic, Severity};
use crate::document::{Document, Node, TextRange};
use crate::feasibility::elements::ElementSet;
use crate::feasibility::passes::{ground_track, Aoi, Propagator, TrackPoint, Window};
use crate::feasibility::{opportunities, Timing};
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
    /// The satellites' passes (issue 30), when the order is one the pass search reads
    /// ([`pass_layer`]); `None` draws nothing and says nothing about passes.
    pub passes: Option<PassLayer>,
}

/// The passes drawn over the map: each access window's ground track and reachable strip,
/// and the legend's sentence. Plain lines and polygons: the pass search made them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassLayer {
    /// The legend: "3 passes ≤ 30° (elements of 2027-02-28); geometric access only", or why
    /// the times are unknown ("passes of Pléiades Neo: timing unavailable: ..."), never "no
    /// pass" without element sets. Each "; " starts a line of the drawn legend.
    pub legend: String,
    /// The drawn passes, by start time (at most [`MAX_TRACKS`]).
    pub tracks: Vec<Track>,
    /// The satellites of the drawn tracks, in the order their colours are given.
    pub satellites: Vec<String>,
}

/// One access window on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// The satellite's name (its colour is its index in [`PassLayer::satellites`]).
    pub satellite: String,
    /// "Pléiades Neo 3 · 2027-03-02 15:21 UTC · 12.3°": satellite, time of the smallest
    /// incidence (UTC) and that incidence (degrees).
    pub label: String,
    /// The sub-satellite points around the window, `[lon, lat]` degrees, longitudes unwrapped
    /// next to the AOI's.
    pub line: Vec<[f64; 2]>,
    /// The band of ground within the order's incidence limit either side of `line`, as one
    /// ring (left edge forward, right edge back), `[lon, lat]` degrees, unwrapped.
    pub strip: Vec<[f64; 2]>,
    /// The sub-satellite point at the time of the smallest incidence (where the label goes).
    pub anchor: [f64; 2],
}

/// At most this many passes are drawn (the earliest); the legend counts them all.
pub const MAX_TRACKS: usize = 24;

/// The element sets a preview's pass layer is computed from.
#[derive(Clone, Copy, Debug)]
pub enum PassElements<'a> {
    /// None configured, imported or given: the times of the passes are unknown.
    Missing,
    /// The element files could not be read: the sentence names the file and why.
    Unreadable(&'a str),
    /// The sets to search with (the newest per satellite is used).
    Sets(&'a [ElementSet]),
}

/// What the legend says when no element set is at hand.
/// Each "; " starts a line of the drawn legend.
pub const TIMING_UNAVAILABLE: &str =
    "timing unavailable: no element sets; tasking-ls elements import FILE; or tasking-ls elements update";

/// The pass layer of the order `doc`: the access windows of its product's satellites over
/// its AOI within its window and incidence limit (as `tasking-ls opportunities` finds them),
/// each drawn as its ground track and reachable strip. `None` when the order is no pass
/// query (no product of the constellation table, no valid window or AOI). Runs SGP4 (tens of
/// milliseconds for a month): call it on a user's request, not while typing.
pub fn pass_layer(
    doc: &Document,
    store: &SchemaStore,
    elements: PassElements<'_>,
) -> Option<PassLayer> {
    let root = doc.root()?;
    let query = pass_query(root, store).ok()?;
    let title = query.constellation.title;
    let sets = match elements {
        PassElements::Missing => {
            return Some(PassLayer {
                legend: format!("passes of {title}: {TIMING_UNAVAILABLE}"),
                ..PassLayer::default()
            })
        }
        PassElements::Unreadable(message) => {
            return Some(PassLayer {
                legend: format!("passes of {title}: timing unavailable: {message}"),
                ..PassLayer::default()
            })
        }
        PassElements::Sets(sets) => sets,
    };
    let aoi = Aoi::new(&query.positions)?;
    let results = opportunities(
        query.constellation,
        sets,
        &aoi,
        query.limit_deg,
        query.start,
        query.end,
    );
    let computed: Vec<_> = results
        .iter()
        .filter(|r| matches!(r.timing, Timing::Timed { .. } | Timing::Approximate { .. }))
        .collect();
    if computed.is_empty() {
        return Some(PassLayer {
            legend: format!("passes of {title}: {TIMING_UNAVAILABLE}"),
            ..PassLayer::default()
        });
    }
    let approximate = computed
        .iter()
        .any(|r| matches!(r.timing, Timing::Approximate { .. }));
    let mut windows: Vec<&Window> = computed.iter().flat_map(|r| &r.windows).collect();
    windows.sort_by_key(|w| w.start);
    let epochs: Vec<_> = windows
        .iter()
        .map(|w| w.elements_epoch)
        .chain(computed.iter().filter_map(|r| match r.timing {
            Timing::Timed { elements_epoch } | Timing::Approximate { elements_epoch, .. } => {
                Some(elements_epoch)
            }
            _ => None,
        }))
        .collect();
    let (first, last) = (
        epochs
            .iter()
            .min()
            .map(|e| e.format("%Y-%m-%d").to_string()),
        epochs
            .iter()
            .max()
            .map(|e| e.format("%Y-%m-%d").to_string()),
    );
    let dates = match (first, last) {
        (Some(a), Some(b)) if a != b => format!("elements of {a} to {b}"),
        (Some(a), _) => format!("elements of {a}"),
        _ => "elements".to_string(),
    };
    let count = windows.len();
    let mut legend = format!(
        "{}{count} pass{} ≤ {}° ({dates}); geometric access only",
        if approximate { "~" } else { "" },
        if count == 1 { "" } else { "es" },
        degrees_text(query.limit_deg),
    );
    let missing: Vec<&str> = results
        .iter()
        .filter(|r| !computed.iter().any(|c| c.norad_id == r.norad_id))
        .map(|r| r.satellite.as_str())
        .collect();
    if !missing.is_empty() {
        legend.push_str(&format!("; no elements for {}", missing.join(", ")));
    }
    if count > MAX_TRACKS {
        legend.push_str(&format!("; the first {MAX_TRACKS} drawn"));
    }
    // The track runs long enough to cross the view: the AOI's extent plus the reach on
    // both sides, at the ground speed of these orbits (about 6.8 km/s), and a margin.
    let reference = {
        let b = bbox_of_points(&query.positions);
        b.map_or(0.0, |b| (b[0] + b[2]) / 2.0)
    };
    let extent_km = bbox_of_points(&query.positions).map_or(0.0, |b| {
        let (w, h) = bbox_km(&b);
        w.hypot(h)
    });
    let altitude = query
        .constellation
        .satellites
        .first()
        .map_or(700.0, |s| s.altitude_km);
    let reach_km = crate::feasibility::angles::ground_distance_km(
        query.limit_deg.clamp(0.0, 89.0),
        altitude,
        crate::feasibility::angles::MEAN_RADIUS_KM,
    );
    let half_s = ((extent_km + 2.0 * reach_km) / 5.0).clamp(30.0, 1200.0);
    let mut layer = PassLayer {
        legend,
        ..PassLayer::default()
    };
    for w in windows.into_iter().take(MAX_TRACKS) {
        let Some(set) = sets
            .iter()
            .filter(|s| s.norad_id == w.norad_id)
            .max_by_key(|s| s.epoch)
        else {
            continue;
        };
        let Ok(propagator) = Propagator::new(set) else {
            continue;
        };
        let span = chrono::Duration::milliseconds((half_s * 1000.0) as i64);
        let (Some(from), Some(to)) = (w.at.checked_sub_signed(span), w.at.checked_add_signed(span))
        else {
            continue;
        };
        let Ok(points) = ground_track(
            &propagator,
            from,
            to,
            half_s / 60.0,
            Some(w.at),
            query.limit_deg,
        ) else {
            continue;
        };
        let Some(track) = track_of(w, &points, reference) else {
            continue;
        };
        if !layer.satellites.contains(&track.satellite) {
            layer.satellites.push(track.satellite.clone());
        }
        layer.tracks.push(track);
    }
    Some(layer)
}

/// The drawn form of one window's ground track: longitudes unwrapped next to `reference`.
fn track_of(w: &Window, points: &[TrackPoint], reference: f64) -> Option<Track> {
    let anchor_index = points
        .iter()
        .enumerate()
        .min_by_key(|(_, p)| (p.at - w.at).abs())?
        .0;
    let line = unwrap_near(points.iter().map(|p| p.point), reference, anchor_index);
    let anchor = line[anchor_index];
    let left = unwrap_near(points.iter().map(|p| p.left), anchor[0], anchor_index);
    let right = unwrap_near(points.iter().map(|p| p.right), anchor[0], anchor_index);
    let mut strip = left;
    strip.extend(right.into_iter().rev());
    if let Some(&first) = strip.first() {
        strip.push(first);
    }
    Some(Track {
        satellite: w.satellite.clone(),
        label: format!(
            "{} · {} UTC · {:.1}°",
            w.satellite,
            w.at.format("%Y-%m-%d %H:%M"),
            w.min_incidence_deg
        ),
        line,
        strip,
        anchor,
    })
}

/// Longitudes made continuous (consecutive ones differ by at most 180°) and shifted by whole
/// turns so that the point at `pin` is within 180° of `reference`.
fn unwrap_near(
    points: impl Iterator<Item = [f64; 2]>,
    reference: f64,
    pin: usize,
) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for [lon, lat] in points {
        let lon = match out.last() {
            Some(prev) => lon + ((prev[0] - lon) / 360.0).round() * 360.0,
            None => lon,
        };
        out.push([lon, lat]);
    }
    if let Some(p) = out.get(pin) {
        let shift = ((reference - p[0]) / 360.0).round() * 360.0;
        for q in &mut out {
            q[0] += shift;
        }
    }
    out
}

/// `[west, south, east, north]` of `[lon, lat]` points as given.
fn bbox_of_points(points: &[[f64; 2]]) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in points {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    (b[0] <= b[2]).then_some(b)
}

/// `30`, `12.5`: at most one decimal, no trailing `.0`.
fn degrees_text(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
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
        // Drawn by the type the document gives, even one the product refuses (a MultiPolygon
        // for a Polygon-only product is shown with its `schema.enum` finding, not hidden).
        None => find_geometries(root, request_form(root), schema.as_deref())
            .into_iter()
            .filter(|site| written_type(site.node).is_some())
            .collect(),
    };
    let mut reference: Option<f64> = None;
    let mut areas = Vec::new();
    for site in &sites {
        let multi = written_type(site.node) == Some(GeometryType::MultiPolygon);
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

/// The `type` a geometry object is written with, when it is `Polygon` or `MultiPolygon`.
fn written_type(node: &Node) -> Option<GeometryType> {
    match node.get("type")?.as_str()? {
        "Polygon" => Some(GeometryType::Polygon),
        "MultiPolygon" => Some(GeometryType::MultiPolygon),
        _ => None,
    }
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
    fn a_multipolygon_the_product_refuses_is_still_drawn() {
        // The seed's product accepts only Polygon: the map shows the parts (and the
        // caption counts the `schema.enum` error) rather than "no Polygon or MultiPolygon".
        let seed = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
        let mut order: serde_json::Value = serde_json::from_str(seed).unwrap();
        let ring = order["params"]["geometry"]["coordinates"][0].clone();
        let shifted: Vec<serde_json::Value> = ring
            .as_array()
            .unwrap()
            .iter()
            .map(|p| serde_json::json!([p[0].as_f64().unwrap() + 0.3, p[1]]))
            .collect();
        order["params"]["geometry"] = serde_json::json!({
            "type": "MultiPolygon", "coordinates": [[ring], [shifted]]
        });
        let s = scene(&serde_json::to_string_pretty(&order).unwrap());
        assert_eq!(s.shapes.len(), 1);
        assert!(s.shapes[0].multi);
        assert_eq!(s.shapes[0].polygons.len(), 2);
        assert_eq!(
            s.caption.other_errors + s.markers.len(),
            1,
            "{:?}",
            s.markers
        );
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
