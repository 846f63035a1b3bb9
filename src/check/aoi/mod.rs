//! `aoi.*`: acceptance rules, after geometry validity. A valid polygon may still be refused
//! by the provider (too many vertices, a hole, a repeated position, a sliver, an altitude, a
//! size outside the collection's limits) or charged for more than it covers (a minimum
//! charge, a MultiPolygon ordered as its bounding box). The rules in force come from data
//! ([`limits`]: the bundled file and the user's `[rules."<product-id>"]`), so every message
//! names the limit, the measured value with its unit and the source.
//!
//! The check runs on what the geometry check already read (positions, unwrapped rings) and
//! only after it found the geometry valid: a rule about a broken polygon means nothing.

pub mod limits;
pub mod simplify;

use super::messages::show_number;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{ArrayItems, Document, Node, TextRange};
pub use limits::{Acceptance, Limit, LimitsFile, ProductRules, RuleOverrides};

/// A position, `[lon, lat]` degrees.
pub type Point = [f64; 2];

/// Whether rings (`polygons[p][r]`, closed, unwrapped) make a valid geometry: the geometry
/// check's validity step, passed in so that this module does not import the geometry check
/// (which calls this one).
pub type Validity<'a> = &'a dyn Fn(&[Vec<Vec<Point>>]) -> bool;

/// The Earth's mean radius (IUGG), metres: the sphere of the widths, heights and perimeters.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// One ring as the geometry check read it.
pub(crate) struct AoiRing<'a> {
    pub node: &'a Node,
    pub items: ArrayItems<'a>,
    /// Positions as written, `[lon, lat]` degrees.
    pub written: &'a [Point],
    /// The same, longitudes unwrapped across the antimeridian.
    pub unwrapped: &'a [Point],
    pub label: &'a str,
    /// Every position is a packed pair of plain numbers (read by the geometry check): none
    /// has an altitude, so [`altitude`] skips the ring's items.
    pub all_pairs: bool,
    /// No position repeats the one before it (the geometry check's cycle found none), so
    /// [`duplicates`] skips the ring. `false` when unknown.
    pub no_repeats: bool,
}

/// A valid Polygon or MultiPolygon as the geometry check read it.
pub(crate) struct AoiShape<'a> {
    pub doc: &'a Document,
    /// The geometry object.
    pub geometry: &'a Node,
    pub coordinates: &'a Node,
    pub label: &'a str,
    pub multi: bool,
    pub polygons: Vec<Vec<AoiRing<'a>>>,
    /// The product schema already limits positions to two numbers (its error says so).
    pub z_reported: bool,
    /// The validity step, for the fixes that reshape the geometry.
    pub is_valid: Validity<'a>,
}

/// The acceptance diagnostics of one valid geometry.
pub(crate) fn check(shape: &AoiShape<'_>, rules: &Acceptance, out: &mut Vec<Diagnostic>) {
    if let Some(limit) = &rules.no_z {
        if !shape.z_reported {
            altitude(shape, limit, out);
        }
    }
    if let Some(limit) = &rules.no_duplicate_vertices {
        duplicates(shape, limit, out);
    }
    if let Some(limit) = &rules.no_holes {
        holes(shape, limit, out);
    }
    if let Some(limit) = &rules.max_vertices {
        vertices(shape, limit, rules.simplify_fix, out);
    }
    if shape.multi {
        if let Some(limit) = &rules.no_multipolygon {
            out.push(Diagnostic::new(
                Code::AoiInputType,
                shape.coordinates.range,
                format!(
                    "{} is a MultiPolygon of {} parts; {} takes a single Polygon{} ({})",
                    shape.label,
                    shape.polygons.len(),
                    whose(limit),
                    if limit.by == "tasking-ls.toml" {
                        ""
                    } else {
                        " or a point"
                    },
                    limit.cite
                ),
            ));
            return;
        }
    }
    sizes(shape, rules, out);
}

/// Whose limit it is, for messages: the provider, "the X collection" (a collection's
/// figure, whatever its source, which the citation names) or "this product in
/// tasking-ls.toml".
fn whose(limit: &Limit) -> String {
    if limit.by == "tasking-ls.toml" {
        "this product in tasking-ls.toml".to_string()
    } else {
        limit.by.clone()
    }
}

/// `1437` -> "1,437".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An area or length for a message: grouped above 100, three significant digits below.
pub fn show_amount(x: f64) -> String {
    if !x.is_finite() {
        return show_number(x);
    }
    if x.abs() >= 100.0 {
        let rounded = x.round();
        let sign = if rounded < 0.0 { "-" } else { "" };
        return format!("{sign}{}", thousands(rounded.abs() as u64));
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let digits = (2 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{x:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn altitude(shape: &AoiShape<'_>, limit: &Limit, out: &mut Vec<Diagnostic>) {
    let mut first: Option<TextRange> = None;
    let mut edits = Vec::new();
    for ring in shape.polygons.iter().flatten().filter(|r| !r.all_pairs) {
        for item in ring.items.iter() {
            // A packed pair has exactly two numbers: the common case costs nothing more.
            if item.pair_values().is_some() {
                continue;
            }
            let Some(numbers) = item.items() else {
                continue;
            };
            if numbers.len() <= 2 {
                continue;
            }
            first.get_or_insert(item.range);
            let kept: Vec<&str> = numbers
                .iter()
                .take(2)
                .map(|n| shape.doc.slice(n.range))
                .collect();
            edits.push(Edit {
                range: item.range,
                new_text: format!("[{}]", kept.join(", ")),
            });
        }
    }
    let Some(range) = first else {
        return;
    };
    let count = edits.len() as u64;
    out.push(
        Diagnostic::new(
            Code::AoiZ,
            range,
            format!(
                "{} position{} of {} {} a third number (an altitude); {} accepts [longitude, latitude] only, no Z value ({})",
                thousands(count),
                if count == 1 { "" } else { "s" },
                shape.label,
                if count == 1 { "has" } else { "have" },
                limit.by,
                limit.cite
            ),
        )
        .with_fix(Fix::new("Drop the altitudes", edits).preferred()),
    );
}

fn duplicates(shape: &AoiShape<'_>, limit: &Limit, out: &mut Vec<Diagnostic>) {
    for ring in shape.polygons.iter().flatten().filter(|r| !r.no_repeats) {
        let repeats: Vec<usize> = (1..ring.written.len())
            .filter(|&i| ring.written[i] == ring.written[i - 1])
            .collect();
        let Some(&first) = repeats.first() else {
            continue;
        };
        let edits: Vec<Edit> = repeats
            .iter()
            .filter_map(|&i| {
                let previous = ring.items.get(i - 1)?;
                let item = ring.items.get(i)?;
                Some(Edit {
                    range: TextRange {
                        start: previous.range.end,
                        end: item.range.end,
                    },
                    new_text: String::new(),
                })
            })
            .collect();
        let range = ring.items.get(first).map_or(ring.node.range, |n| n.range);
        let p = ring.written[first];
        let more = repeats.len() - 1;
        out.push(
            Diagnostic::new(
                Code::AoiDuplicateVertex,
                range,
                format!(
                    "position {first} of {} repeats position {} ([{}, {}]){}; {} refuses duplicate vertices, the closing position aside ({})",
                    ring.label,
                    first - 1,
                    show_number(p[0]),
                    show_number(p[1]),
                    if more > 0 {
                        format!(", and {} more repeat{} in this ring", thousands(more as u64), if more == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    },
                    limit.by,
                    limit.cite
                ),
            )
            .with_fix(
                Fix::new(
                    if repeats.len() == 1 {
                        format!("Remove the repeated position of {}", ring.label)
                    } else {
                        format!(
                            "Remove the {} repeated positions of {}",
                            thousands(repeats.len() as u64),
                            ring.label
                        )
                    },
                    edits,
                )
                .preferred(),
            ),
        );
    }
}

fn holes(shape: &AoiShape<'_>, limit: &Limit, out: &mut Vec<Diagnostic>) {
    for polygon in &shape.polygons {
        if polygon.len() < 2 {
            continue;
        }
        let mut edits = Vec::new();
        let mut grown = 0.0;
        for (previous, hole) in polygon.iter().zip(&polygon[1..]) {
            edits.push(Edit {
                range: TextRange {
                    start: previous.node.range.end,
                    end: hole.node.range.end,
                },
                new_text: String::new(),
            });
            grown += ring_area_m2(hole.unwrapped);
        }
        let title = format!(
            "Remove the hole{} (the AOI grows by {} km²)",
            if polygon.len() > 2 { "s" } else { "" },
            show_amount(grown / 1e6)
        );
        for hole in &polygon[1..] {
            out.push(
                Diagnostic::new(
                    Code::AoiHole,
                    hole.node.range,
                    format!(
                        "{} ({} km²): {} refuses polygons with holes ({}); order the area with the hole filled, or split it into polygons without holes",
                        hole.label,
                        show_amount(ring_area_m2(hole.unwrapped) / 1e6),
                        limit.by,
                        limit.cite
                    ),
                )
                .with_fix(Fix::new(title.clone(), edits.clone())),
            );
        }
    }
}

fn vertices(shape: &AoiShape<'_>, limit: &Limit, rules_simplify: bool, out: &mut Vec<Diagnostic>) {
    let count: usize = shape
        .polygons
        .iter()
        .flatten()
        .map(|r| r.written.len())
        .sum();
    let max = limit.value;
    if (count as f64) <= max {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        Code::AoiVertices,
        shape.coordinates.range,
        format!(
            "{} has {} vertices (positions, each ring's closing one included); {} accepts at most {} ({})",
            shape.label,
            thousands(count as u64),
            whose(limit),
            thousands(max as u64),
            limit.cite
        ),
    );
    if !rules_simplify {
        diagnostic = diagnostic.with_fix(Fix::deferred(format!(
            "Simplify to at most {} vertices (computed by `validate --fix` and in the editor)",
            thousands(max as u64)
        )));
    } else if let Some(fix) = simplify::fix(shape, max as usize) {
        diagnostic = diagnostic.with_fix(fix);
    }
    out.push(diagnostic);
}

/// The area of one ring on the sphere (m², unsigned): the Chamberlain–Duquette formula,
/// as `geometry::shape` uses above its geodesic limit.
pub fn ring_area_m2(ring: &[Point]) -> f64 {
    let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    ring_area_and_box(ring, &mut bbox).0
}

/// [`ring_area_m2`] (the same arithmetic in the same order, so the same bits) with the
/// ring's bounding box widened into `bbox` and the sums of the edges' absolute latitude and
/// longitude steps (degrees, for [`perimeter_bound_m`]), in one pass over the positions:
/// on a 200,000-vertex ring the passes, not the arithmetic, were the cost.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512vl", "x86_64+avx2"))]
fn ring_area_and_box(ring: &[Point], bbox: &mut [f64; 4]) -> (f64, [f64; 2]) {
    // Blocks of positions copied into longitude and latitude arrays, then loops the compiler
    // turns into vector instructions: each position's latitude sine by its series (one per
    // position, each is in two edges), each edge's term and steps summed in eight lanes
    // (edge index mod 8, a fixed order), the extremes in eight lanes (exact in any order).
    // On the 200,000-vertex jittered star: 1.06 ms one position at a time, 0.33 ms in blocks
    // (2026-12-07). Element-wise IEEE operations and a fixed order: every build gives the
    // same bits.
    const BLOCK: usize = 256;
    const LANES: usize = 8;
    let mut sum = [0.0f64; LANES];
    let mut lon_steps = [0.0f64; LANES];
    let mut lat_steps = [0.0f64; LANES];
    let mut lo = [[f64::INFINITY; LANES]; 2];
    let mut hi = [[f64::NEG_INFINITY; LANES]; 2];
    let mut lons = [0.0f64; BLOCK + 1];
    let mut lats = [0.0f64; BLOCK + 1];
    let mut sines = [0.0f64; BLOCK + 1];
    let edges = ring.len().saturating_sub(1);
    let mut first = 0;
    while first < edges {
        let m = (edges - first).min(BLOCK);
        for ((lon, lat), p) in lons
            .iter_mut()
            .zip(lats.iter_mut())
            .zip(&ring[first..=first + m])
        {
            (*lon, *lat) = (p[0], p[1]);
        }
        let mut beyond_pole = false;
        for (s, lat) in sines.iter_mut().zip(&lats[..=m]) {
            let x = lat.to_radians();
            beyond_pole |= x.abs() > std::f64::consts::FRAC_PI_2;
            *s = sin_series(x);
        }
        if beyond_pole {
            for (s, lat) in sines.iter_mut().zip(&lats[..=m]) {
                *s = sin_lat_deg(*lat);
            }
        }
        let mut edge = |i: usize, lane: usize| {
            let d_lon = lons[i + 1] - lons[i];
            sum[lane] += d_lon.to_radians() * (2.0 + sines[i] + sines[i + 1]);
            lon_steps[lane] += d_lon.abs();
            lat_steps[lane] += (lats[i + 1] - lats[i]).abs();
        };
        // `first` is a multiple of BLOCK, itself of LANES: edge i is in lane i mod 8.
        let whole = m / LANES * LANES;
        for k in (0..whole).step_by(LANES) {
            for lane in 0..LANES {
                edge(k + lane, lane);
            }
        }
        for i in whole..m {
            edge(i, i - whole);
        }
        for (c, values) in [&lons[..=m], &lats[..=m]].into_iter().enumerate() {
            let mut chunks = values.chunks_exact(LANES);
            for chunk in &mut chunks {
                for lane in 0..LANES {
                    lo[c][lane] = if chunk[lane] < lo[c][lane] {
                        chunk[lane]
                    } else {
                        lo[c][lane]
                    };
                    hi[c][lane] = if chunk[lane] > hi[c][lane] {
                        chunk[lane]
                    } else {
                        hi[c][lane]
                    };
                }
            }
            for (lane, &v) in chunks.remainder().iter().enumerate() {
                lo[c][lane] = if v < lo[c][lane] { v } else { lo[c][lane] };
                hi[c][lane] = if v > hi[c][lane] { v } else { hi[c][lane] };
            }
        }
        first += m;
    }
    if let [only] = ring {
        lo = [[only[0]; LANES], [only[1]; LANES]];
        hi = lo;
    }
    let b = bbox;
    for lane in 0..LANES {
        b[0] = b[0].min(lo[0][lane]);
        b[1] = b[1].min(lo[1][lane]);
        b[2] = b[2].max(hi[0][lane]);
        b[3] = b[3].max(hi[1][lane]);
    }
    let join = |x: [f64; LANES]| ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]));
    (
        (join(sum) * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0).abs(),
        [join(lon_steps), join(lat_steps)],
    )
}

/// An upper bound of the perimeter (m) of rings whose edges' absolute longitude and
/// latitude steps sum to `steps` (degrees) and whose positions lie within the latitudes
/// `south..north`: each edge is no longer than the path along its first end's meridian
/// then along its second end's parallel, `R (|Δφ| + cos φ |Δλ|)`, and `cos φ` is at most
/// its value at the box's latitude nearest the equator. Over by at most a factor of about
/// 1.5 for a ring of short edges: enough to show a polygon is no sliver without the
/// haversine of every edge.
fn perimeter_bound_m(steps: [f64; 2], south: f64, north: f64) -> f64 {
    let nearest_equator = if south <= 0.0 && north >= 0.0 {
        0.0
    } else {
        south.abs().min(north.abs())
    };
    let cos = nearest_equator.to_radians().cos().min(1.0);
    // The haversines' own rounding and the series' (under 1e-11 relative) stay far below
    // this margin.
    (steps[1] + cos * steps[0]).to_radians() * EARTH_RADIUS_M * (1.0 + 1e-6)
}

/// The length of a ring on the sphere (m): haversine distances between positions.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512vl", "x86_64+avx2"))]
pub fn ring_length_m(ring: &[Point]) -> f64 {
    // Blocks of edges go through straight-line arithmetic the compiler turns into vector
    // instructions: each position's latitude cosine by its series, then each edge's
    // haversine with the sine's and arcsine's series, summed in four lanes (edge index mod
    // 4, so the order is fixed). An edge with a step over `SHORT` or a latitude past ±90°
    // is measured again alone. The sliver rule's message states the perimeter of
    // 200,000-vertex rings (issue 22: the rules' share of `validate`). `multiversion` builds
    // the function again for AVX-512 and AVX2 and picks one at run time: 1.19 ms on the
    // 200,000-vertex jittered star with SSE2, 0.95 with AVX2, 0.81 with AVX-512 (2026-12-07).
    // Only element-wise IEEE operations and a fixed lane order: every build gives the same
    // bits.
    const BLOCK: usize = 256;
    let edges = ring.len().saturating_sub(1);
    let mut lanes = [0.0f64; 4];
    let mut cos = [0.0f64; BLOCK + 1];
    let mut angle = [0.0f64; BLOCK];
    let mut short = [false; BLOCK];
    let mut first = 0;
    while first < edges {
        let m = (edges - first).min(BLOCK);
        let positions = &ring[first..=first + m];
        for (c, p) in cos.iter_mut().zip(positions) {
            let x = p[1].to_radians();
            *c = cos_series(x);
        }
        let mut all_short = true;
        for k in 0..m {
            let (a, b) = (positions[k], positions[k + 1]);
            let d_lat = (b[1] - a[1]).to_radians();
            let d_lon = (b[0] - a[0]).to_radians();
            let ok = d_lat.abs() < SHORT
                && d_lon.abs() < SHORT
                && a[1].abs() <= 90.0
                && b[1].abs() <= 90.0;
            let (s_lat, s_lon) = (half_sine(d_lat), half_sine(d_lon));
            let h = s_lat * s_lat + cos[k] * cos[k + 1] * s_lon * s_lon;
            let series =
                1.0 + h * (1.0 / 6.0 + h * (3.0 / 40.0 + h * (5.0 / 112.0 + h * (35.0 / 1152.0))));
            angle[k] = 2.0 * h.sqrt() * series;
            short[k] = ok;
            all_short &= ok;
        }
        if !all_short {
            for k in (0..m).filter(|&k| !short[k]) {
                angle[k] = edge_angle(positions[k], positions[k + 1]);
            }
        }
        for (k, a) in angle[..m].iter().enumerate() {
            lanes[k % 4] += a;
        }
        first += m;
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) * EARTH_RADIUS_M
}

/// Both of a short edge's steps are under this (radians, about 127 km). Half of it, at most
/// 0.01, takes the sine's series to x⁷ (first omitted term under 3e-22 relative); the
/// haversine's root, at most √2 times that, the arcsine's to x⁹ (under 1e-20 relative).
const SHORT: f64 = 0.02;

/// `sin(step / 2)` by its series to x⁷: right for a step under [`SHORT`].
#[inline(always)]
fn half_sine(step: f64) -> f64 {
    let x = 0.5 * step;
    let x2 = x * x;
    // Multiplied by the reciprocals, not divided: a division per term was the loop's cost.
    x * (1.0 - x2 * (1.0 / 6.0) * (1.0 - x2 * (1.0 / 20.0) * (1.0 - x2 * (1.0 / 42.0))))
}

/// The central angle (radians) of the edge `a`–`b`: the haversine, its small sines and
/// arcsine by their series (see [`sin_small`]).
fn edge_angle(a: Point, b: Point) -> f64 {
    let (cos_a, cos_b) = (cos_lat_deg(a[1]), cos_lat_deg(b[1]));
    let d_lat = (b[1] - a[1]).to_radians();
    let d_lon = (b[0] - a[0]).to_radians();
    let s_lat = sin_small(d_lat / 2.0);
    let s_lon = sin_small(d_lon / 2.0);
    let h = s_lat * s_lat + cos_a * cos_b * s_lon * s_lon;
    2.0 * asin_small(h.sqrt().min(1.0))
}

/// `sin` of a latitude in degrees. Within ±90° by its Taylor series to x¹⁵ (first omitted
/// term under 7e-12 absolute; the area's relative error stays near 1e-11), four times
/// faster than libm's, which measures 200,000 positions in 6 ms; libm outside.
pub(crate) fn sin_lat_deg(lat: f64) -> f64 {
    let x = lat.to_radians();
    if x.abs() > std::f64::consts::FRAC_PI_2 {
        return x.sin();
    }
    sin_series(x)
}

/// `cos` of a latitude in degrees; the series to x¹⁶ within ±90° (under 6e-13), as
/// [`sin_lat_deg`].
pub(crate) fn cos_lat_deg(lat: f64) -> f64 {
    let x = lat.to_radians();
    if x.abs() > std::f64::consts::FRAC_PI_2 {
        return x.cos();
    }
    cos_series(x)
}

/// `sin(x)` by its Taylor series to x¹⁵, Horner from the last term: `x (1 - x²/(2·3) (1 -
/// x²/(4·5) (…)))`, each step `1 - x² · (1/d) · t` as the generic form computed it. Written out with the reciprocals as constants: a generic loop over the
/// terms was not unrolled inside the vector loops, which then divided per term (the
/// perimeter of the 200,000-vertex star 1.0 → 0.5 ms, the same bits).
#[inline(always)]
fn sin_series(x: f64) -> f64 {
    let x2 = x * x;
    let t = 1.0 - x2 * (1.0 / 210.0);
    let t = 1.0 - x2 * (1.0 / 156.0) * t;
    let t = 1.0 - x2 * (1.0 / 110.0) * t;
    let t = 1.0 - x2 * (1.0 / 72.0) * t;
    let t = 1.0 - x2 * (1.0 / 42.0) * t;
    let t = 1.0 - x2 * (1.0 / 20.0) * t;
    x * (1.0 - x2 * (1.0 / 6.0) * t)
}

/// `cos(x)` by its Taylor series to x¹⁶, as [`sin_series`]: `1 - x²/(1·2) (1 - x²/(3·4) (…))`.
#[inline(always)]
fn cos_series(x: f64) -> f64 {
    let x2 = x * x;
    let t = 1.0 - x2 * (1.0 / 240.0);
    let t = 1.0 - x2 * (1.0 / 182.0) * t;
    let t = 1.0 - x2 * (1.0 / 132.0) * t;
    let t = 1.0 - x2 * (1.0 / 90.0) * t;
    let t = 1.0 - x2 * (1.0 / 56.0) * t;
    let t = 1.0 - x2 * (1.0 / 30.0) * t;
    let t = 1.0 - x2 * (1.0 / 12.0) * t;
    1.0 - x2 * (1.0 / 2.0) * t
}

/// `sin(x)`; below 1e-3 (an edge of a few km) by its series to x⁵, whose first omitted
/// term is under 2e-22 relative: the same double as the library's, an order faster.
fn sin_small(x: f64) -> f64 {
    if x.abs() < 1e-3 {
        let x2 = x * x;
        x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0))
    } else {
        x.sin()
    }
}

/// `asin(x)`; below 1e-3 by its series to x⁵ (first omitted term under 1e-19 relative).
fn asin_small(x: f64) -> f64 {
    if x < 1e-3 {
        let x2 = x * x;
        x * (1.0 + x2 / 6.0 + 3.0 * x2 * x2 / 40.0)
    } else {
        x.asin()
    }
}

/// Every ring's length (m), summed in [`Measures::of`]'s order.
fn perimeter_m(polygons: &[&[&[Point]]]) -> f64 {
    let mut sum = 0.0;
    for rings in polygons {
        for ring in rings.iter() {
            sum += ring_length_m(ring);
        }
    }
    sum
}

/// What the measures of a polygon's (or MultiPolygon's) rings give.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measures {
    /// Area covered (shells minus holes), m².
    pub area_m2: f64,
    /// Every ring's length, m.
    pub perimeter_m: f64,
    /// `[west, south, east, north]`, unwrapped longitudes (west < east).
    pub bbox: [f64; 4],
}

impl Measures {
    /// Measures of rings (`polygons[p][r]`, unwrapped positions). The bounding box of
    /// several polygons takes the short way round: parts on both sides of longitude 180
    /// (a polygon cut at the antimeridian) make a box across it, not one around the globe.
    pub fn of<'r>(polygons: impl IntoIterator<Item = &'r [&'r [Point]]>) -> Measures {
        let rings: Vec<&[&[Point]]> = polygons.into_iter().collect();
        let (mut m, _) = Measures::area_and_box(&rings);
        m.perimeter_m = perimeter_m(&rings);
        m
    }

    /// The area and bounding box of [`Measures::of`] (the same bits) without the perimeter
    /// (left at 0), and an upper bound of the perimeter (m, see [`perimeter_bound_m`]).
    fn area_and_box(polygons: &[&[&[Point]]]) -> (Measures, f64) {
        let mut m = Measures {
            area_m2: 0.0,
            perimeter_m: 0.0,
            bbox: [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
        };
        let mut boxes: Vec<[f64; 4]> = Vec::new();
        let mut steps = [0.0, 0.0];
        let (mut south, mut north) = (f64::MAX, f64::MIN);
        for rings in polygons {
            let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for (r, ring) in rings.iter().enumerate() {
                let (area, ring_steps) = ring_area_and_box(ring, &mut b);
                m.area_m2 += if r == 0 { area } else { -area };
                steps[0] += ring_steps[0];
                steps[1] += ring_steps[1];
            }
            if b[0] <= b[2] {
                south = south.min(b[1]);
                north = north.max(b[3]);
                // West edge in [-180, 180).
                let turns = ((b[0] + 180.0) / 360.0).floor() * 360.0;
                boxes.push([b[0] - turns, b[1], b[2] - turns, b[3]]);
            }
        }
        let merge = |shift_west: bool| {
            let mut out = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for b in &boxes {
                let d = if shift_west && b[0] < 0.0 { 360.0 } else { 0.0 };
                out[0] = out[0].min(b[0] + d);
                out[1] = out[1].min(b[1]);
                out[2] = out[2].max(b[2] + d);
                out[3] = out[3].max(b[3]);
            }
            out
        };
        let (plain, shifted) = (merge(false), merge(true));
        m.bbox = if shifted[2] - shifted[0] < plain[2] - plain[0] {
            shifted
        } else {
            plain
        };
        let bound = if boxes.is_empty() {
            0.0
        } else {
            perimeter_bound_m(steps, south, north)
        };
        (m, bound)
    }

    /// The bounding box's east-west extent, km, along its parallel nearest the equator
    /// (the box's widest).
    pub fn width_km(&self) -> f64 {
        let [w, s, e, n] = self.bbox;
        let widest = if s <= 0.0 && n >= 0.0 {
            0.0
        } else {
            s.abs().min(n.abs())
        };
        (e - w).to_radians() * widest.to_radians().cos() * EARTH_RADIUS_M / 1e3
    }

    /// The bounding box's north-south extent, km.
    pub fn height_km(&self) -> f64 {
        let [_, s, _, n] = self.bbox;
        (n - s).to_radians() * EARTH_RADIUS_M / 1e3
    }

    /// The bounding box's area on the sphere, km².
    pub fn bbox_area_km2(&self) -> f64 {
        let [w, s, e, n] = self.bbox;
        (e - w).to_radians()
            * (n.to_radians().sin() - s.to_radians().sin())
            * EARTH_RADIUS_M
            * EARTH_RADIUS_M
            / 1e6
    }
}

fn sizes(shape: &AoiShape<'_>, rules: &Acceptance, out: &mut Vec<Diagnostic>) {
    let any = rules.no_slivers.is_some()
        || rules.min_area_km2.is_some()
        || rules.max_area_km2.is_some()
        || rules.minimum_charge_km2.is_some()
        || rules.min_width_km.is_some()
        || rules.max_width_km.is_some()
        || rules.min_height_km.is_some()
        || rules.max_height_km.is_some()
        || (shape.multi && rules.multipolygon_bbox.is_some());
    if !any {
        return;
    }
    let rings: Vec<Vec<&[Point]>> = shape
        .polygons
        .iter()
        .map(|p| p.iter().map(|r| r.unwrapped).collect())
        .collect();
    let views: Vec<&[&[Point]]> = rings.iter().map(Vec::as_slice).collect();
    // The perimeter only matters to the sliver rule, and only for a polygon thin enough
    // that a cheap upper bound of it does not already clear the threshold.
    let (mut m, perimeter_bound) = Measures::area_and_box(&views);
    let range = shape.coordinates.range;
    let label = shape.label;
    let area_km2 = m.area_m2 / 1e6;
    // What is ordered and charged: the bounding box of a MultiPolygon when the provider
    // orders that.
    let boxed = shape.multi && rules.multipolygon_bbox.is_some();
    let ordered_km2 = if boxed { m.bbox_area_km2() } else { area_km2 };
    let (width, height) = (m.width_km(), m.height_km());
    // Worded only for a finding: most orders have none, and formatting the amounts was a
    // fifth of the rules' cost on small orders.
    let ordered = || {
        if boxed {
            format!(
                "the bounding box ordered for {label} measures {} km² ({} km × {} km)",
                show_amount(ordered_km2),
                show_amount(width),
                show_amount(height)
            )
        } else {
            format!("{label} measures {} km²", show_amount(area_km2))
        }
    };
    // A box that adds under 1 % to the parts (a polygon cut at the antimeridian, whose box
    // is the polygon) costs nothing more: no warning.
    if boxed && ordered_km2 > area_km2 * 1.01 {
        if let Some(limit) = &rules.multipolygon_bbox {
            out.push(
                Diagnostic::new(
                    Code::AoiMultipolygonBbox,
                    range,
                    format!(
                        "{label} is a MultiPolygon: {} orders its bounding box, {} km² ({} km × {} km), and charges for it, while its {} parts cover {} km² ({})",
                        limit.by,
                        show_amount(ordered_km2),
                        show_amount(width),
                        show_amount(height),
                        shape.polygons.len(),
                        show_amount(area_km2),
                        limit.cite
                    ),
                )
                .with_fix(Fix::new(
                    format!(
                        "Replace with the bounding box that is ordered ({} km²)",
                        show_amount(ordered_km2)
                    ),
                    bbox_edits(shape, m.bbox),
                )),
            );
        }
    }
    if let (Some(_), Some(threshold)) = (&rules.no_slivers, &rules.sliver_mean_width_m) {
        // 2A / P >= 2A / bound >= threshold: no sliver, whatever the exact perimeter.
        let clearly_wide =
            perimeter_bound > 0.0 && 2.0 * m.area_m2 >= threshold.value * perimeter_bound;
        if !clearly_wide {
            m.perimeter_m = perimeter_m(&views);
        }
        let mean_width = if m.perimeter_m > 0.0 {
            2.0 * m.area_m2 / m.perimeter_m
        } else {
            0.0
        };
        if !clearly_wide && mean_width < threshold.value {
            let by = rules.no_slivers.as_ref().map_or("", |l| l.by.as_str());
            let cite = rules.no_slivers.as_ref().map_or("", |l| l.cite.as_str());
            out.push(Diagnostic::new(
                Code::AoiSliver,
                range,
                format!(
                    "{label} is a sliver: {} km² inside a {} km outline, {} m wide on average (2 × area / perimeter), under the {} m threshold ({}); {by} refuses sliver polygons ({cite})",
                    show_amount(area_km2),
                    show_amount(m.perimeter_m / 1e3),
                    show_amount(mean_width),
                    show_amount(threshold.value),
                    threshold.cite,
                ),
            ));
        }
    }
    if let Some(limit) = &rules.min_area_km2 {
        if ordered_km2 < limit.value {
            out.push(Diagnostic::new(
                Code::AoiAreaMin,
                range,
                format!(
                    "{}; the minimum for {} is {} km² ({})",
                    ordered(),
                    whose(limit),
                    show_amount(limit.value),
                    limit.cite
                ),
            ));
        }
    }
    if let Some(limit) = &rules.minimum_charge_km2 {
        let below_min = rules
            .min_area_km2
            .as_ref()
            .is_some_and(|l| ordered_km2 < l.value);
        if ordered_km2 < limit.value && !below_min {
            out.push(Diagnostic::new(
                Code::AoiMinimumCharge,
                range,
                format!(
                    "{}; orders for {} are charged for at least {} km² ({}): you pay for {} km² more than you order",
                    ordered(),
                    whose(limit),
                    show_amount(limit.value),
                    limit.cite,
                    show_amount(limit.value - ordered_km2)
                ),
            ));
        }
    }
    if let Some(limit) = &rules.max_area_km2 {
        if ordered_km2 > limit.value {
            out.push(Diagnostic::new(
                Code::AoiAreaMax,
                range,
                format!(
                    "{}; the maximum for {} is {} km² ({})",
                    ordered(),
                    whose(limit),
                    show_amount(limit.value),
                    limit.cite
                ),
            ));
        }
    }
    let mut extent = |value: f64, limit: &Option<Limit>, what: &str, most: bool| {
        let Some(limit) = limit else {
            return;
        };
        let outside = if most {
            value > limit.value
        } else {
            value < limit.value
        };
        if outside {
            out.push(Diagnostic::new(
                Code::AoiExtent,
                range,
                format!(
                    "the bounding box of {label} is {} km {what}; the {} for {} is {} km ({})",
                    show_amount(value),
                    if most { "maximum" } else { "minimum" },
                    whose(limit),
                    show_amount(limit.value),
                    limit.cite
                ),
            ));
        }
    };
    extent(width, &rules.min_width_km, "wide (east-west)", false);
    extent(width, &rules.max_width_km, "wide (east-west)", true);
    extent(height, &rules.min_height_km, "high (north-south)", false);
    extent(height, &rules.max_height_km, "high (north-south)", true);
}

/// Edits that make the geometry the Polygon of `bbox` (unwrapped degrees).
fn bbox_edits(shape: &AoiShape<'_>, bbox: [f64; 4]) -> Vec<Edit> {
    let wrap = |lon: f64| {
        if lon > 180.0 {
            lon - 360.0
        } else if lon < -180.0 {
            lon + 360.0
        } else {
            lon
        }
    };
    let [w, s, e, n] = bbox;
    let (w, e) = (show_number(wrap(w)), show_number(wrap(e)));
    let (s, n) = (show_number(s), show_number(n));
    let mut edits = vec![Edit {
        range: shape.coordinates.range,
        new_text: format!("[[[{w}, {s}], [{e}, {s}], [{e}, {n}], [{w}, {n}], [{w}, {s}]]]"),
    }];
    if let Some(kind) = shape.geometry.get("type") {
        edits.push(Edit {
            range: kind.range,
            new_text: "\"Polygon\"".to_string(),
        });
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_a_person_writes_them() {
        assert_eq!(thousands(1437), "1,437");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(show_amount(4_938_000.4), "4,938,000");
        assert_eq!(show_amount(0.0100004), "0.01");
        assert_eq!(show_amount(12.345), "12.3");
        assert_eq!(show_amount(2.0), "2");
    }

    #[test]
    fn parts_on_both_sides_of_the_antimeridian_make_a_small_box() {
        let east = [
            [179.2, -16.9],
            [180.0, -16.9],
            [180.0, -16.2],
            [179.2, -16.2],
            [179.2, -16.9],
        ];
        let west = [
            [-180.0, -16.9],
            [-179.6, -16.9],
            [-179.6, -16.2],
            [-180.0, -16.2],
            [-180.0, -16.9],
        ];
        let m = Measures::of([&[&east[..]][..], &[&west[..]][..]]);
        assert!((m.bbox[2] - m.bbox[0] - 1.2).abs() < 1e-9, "{:?}", m.bbox);
        assert!(m.width_km() < 130.0, "{}", m.width_km());
    }

    /// The blocked area pass against the sum one edge at a time (libm's sine): rings of 1 to
    /// 600 positions (so blocks of 256 edges end anywhere, and a block's last lanes are
    /// partly filled), some with latitudes past ±90° (the fallback to the library). The box
    /// is exact; the steps are within rounding of the order of the sums, the area within that
    /// and the series' error.
    #[test]
    fn the_blocked_area_pass_equals_the_sum_edge_by_edge() {
        let mut rng = crate::test_rng::Lcg(7);
        let mut unit = || rng.draw() as f64 / (1u64 << 31) as f64;
        for case in 0..3_000 {
            let n = 1 + (unit() * 600.0) as usize;
            let (lon0, lat0) = (unit() * 300.0 - 150.0, unit() * 160.0 - 80.0);
            let spread = [0.001, 0.5, 30.0][case % 3];
            let past_pole = case % 50 == 0;
            let ring: Vec<Point> = (0..n)
                .map(|_| {
                    let lat = lat0 + (unit() - 0.5) * spread;
                    let lat = if past_pole {
                        lat.clamp(-100.0, 100.0) * 1.2
                    } else {
                        lat.clamp(-90.0, 90.0)
                    };
                    [lon0 + (unit() - 0.5) * spread, lat]
                })
                .collect();
            let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            let (area, steps) = ring_area_and_box(&ring, &mut bbox);
            let mut expected_box = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            let (mut sum, mut magnitude, mut lon_steps, mut lat_steps) = (0.0, 0.0, 0.0, 0.0);
            for p in &ring {
                expected_box = [
                    expected_box[0].min(p[0]),
                    expected_box[1].min(p[1]),
                    expected_box[2].max(p[0]),
                    expected_box[3].max(p[1]),
                ];
            }
            for w in ring.windows(2) {
                let term = (w[1][0] - w[0][0]).to_radians()
                    * (2.0 + w[0][1].to_radians().sin() + w[1][1].to_radians().sin());
                sum += term;
                magnitude += term.abs();
                lon_steps += (w[1][0] - w[0][0]).abs();
                lat_steps += (w[1][1] - w[0][1]).abs();
            }
            let r2 = EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0;
            assert_eq!(bbox, expected_box, "case {case}");
            // The series' sine is within 7e-12 of libm's (the test below), and each edge's
            // term takes two of them times its longitude step.
            let tolerance = (lon_steps.to_radians() * 2e-11 + magnitude * 1e-13) * r2 + 1e-9;
            assert!(
                (area - (sum * r2).abs()).abs() <= tolerance,
                "case {case}: {area} against {}",
                (sum * r2).abs()
            );
            assert!(
                (steps[0] - lon_steps).abs() <= lon_steps * 1e-12,
                "case {case}"
            );
            assert!(
                (steps[1] - lat_steps).abs() <= lat_steps * 1e-12,
                "case {case}"
            );
        }
    }

    #[test]
    fn latitude_sines_and_cosines_equal_libm_within_1e_11() {
        let mut rng = crate::test_rng::Lcg(90);
        for i in 0..200_000 {
            let lat = if i < 3 {
                [-90.0, 0.0, 90.0][i]
            } else {
                rng.draw() as f64 / (1u64 << 31) as f64 * 180.0 - 90.0
            };
            let x = lat.to_radians();
            assert!((sin_lat_deg(lat) - x.sin()).abs() < 1e-11, "{lat}");
            assert!((cos_lat_deg(lat) - x.cos()).abs() < 1e-11, "{lat}");
        }
        assert_eq!(sin_lat_deg(120.0), 120f64.to_radians().sin());
    }

    /// The series-based length equals the library-function haversine, edge by edge and on
    /// rings of up to 40 edges (so both the four-edge groups and the one-by-one path, and
    /// groups that mix short and long edges): thousands of random edges from 1 m to
    /// 1,000 km, poles and the antimeridian included.
    #[test]
    fn ring_length_equals_the_plain_haversine() {
        let plain = |a: Point, b: Point| {
            let (la, lb) = (a[1].to_radians(), b[1].to_radians());
            let h = ((lb - la) / 2.0).sin().powi(2)
                + la.cos() * lb.cos() * ((b[0] - a[0]).to_radians() / 2.0).sin().powi(2);
            2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
        };
        let mut rng = crate::test_rng::Lcg(22);
        let mut unit = || rng.draw() as f64 / (1u64 << 31) as f64;
        for round in 0..20_000 {
            let edges = if round % 2 == 0 {
                1
            } else {
                1 + (unit() * 40.0) as usize
            };
            let mut ring = vec![[unit() * 360.0 - 180.0, unit() * 180.0 - 90.0]];
            let mut scale = 0.0;
            for _ in 0..edges {
                // A group keeps its scale more often than not, so that most are all short.
                if scale == 0.0 || unit() < 0.2 {
                    scale = [10.0, 0.1, 1e-3, 5e-3, 1e-5, 0.05][(unit() * 6.0) as usize % 6];
                }
                let a: Point = *ring.last().unwrap();
                ring.push([
                    a[0] + (unit() - 0.5) * scale,
                    (a[1] + (unit() - 0.5) * scale).clamp(-90.0, 90.0),
                ]);
            }
            let exact: f64 = ring.windows(2).map(|p| plain(p[0], p[1])).sum();
            let fast = ring_length_m(&ring);
            assert!(
                // A micrometre per edge: subtracting radians (the plain formula) loses more
                // to cancellation than subtracting degrees (the fast one) on tiny edges.
                (fast - exact).abs() <= exact * 1e-12 + 1e-6 * edges as f64,
                "{ring:?}: {fast} vs {exact}"
            );
        }
    }

    /// The bound that lets `sizes` skip the perimeter is never under the perimeter it
    /// stands for (random rings of short and long edges, near the equator and the poles,
    /// across the antimeridian unwrapped), and the one-pass area and box are the bits of
    /// the separate ones.
    #[test]
    fn the_perimeter_bound_is_never_under_the_perimeter() {
        let mut rng = crate::test_rng::Lcg(2222);
        let mut unit = || rng.draw() as f64 / (1u64 << 31) as f64;
        for _ in 0..2_000 {
            let centre = [unit() * 360.0 - 180.0, unit() * 170.0 - 85.0];
            let scale = [5.0, 0.1, 1e-3, 1e-5][(unit() * 4.0) as usize % 4];
            let n = 3 + (unit() * 40.0) as usize;
            let mut ring: Vec<Point> = (0..n)
                .map(|_| {
                    [
                        centre[0] + (unit() - 0.5) * scale,
                        (centre[1] + (unit() - 0.5) * scale).clamp(-90.0, 90.0),
                    ]
                })
                .collect();
            ring.push(ring[0]);
            let rings: [&[Point]; 1] = [&ring];
            let views: Vec<&[&[Point]]> = vec![&rings[..]];
            let (fast, bound) = Measures::area_and_box(&views);
            let full = Measures::of(views.iter().copied());
            assert!(
                bound >= full.perimeter_m,
                "{ring:?}: {bound} < {}",
                full.perimeter_m
            );
            assert_eq!(fast.area_m2.to_bits(), full.area_m2.to_bits());
            assert_eq!(fast.bbox, full.bbox);
            assert_eq!(ring_area_m2(&ring).to_bits(), full.area_m2.to_bits());
        }
    }

    #[test]
    fn a_square_degree_at_the_equator_measures_about_12_364_km2() {
        let ring = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let m = Measures::of([&[&ring[..]][..]]);
        assert!((m.area_m2 / 1e6 - 12_364.0).abs() < 20.0, "{}", m.area_m2);
        assert!((m.width_km() - 111.2).abs() < 0.1);
        assert!((m.height_km() - 111.2).abs() < 0.1);
        assert!((m.bbox_area_km2() - m.area_m2 / 1e6).abs() < 1.0);
    }
}
