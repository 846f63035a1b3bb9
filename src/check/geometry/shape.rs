//! The one place that reads a polygon's shape on the globe: longitudes unwrapped across the
//! antimeridian, then winding, bounding box and area. The checks (winding, antimeridian),
//! hover and the submit confirmation all use it, so a small AOI across longitude 180 is small
//! everywhere (RFC 7946 §3.1.9: an edge never spans more than 180° of longitude).

use geo::orient::{Direction, Orient};
use geo::{ChamberlainDuquetteArea, Coord, GeodesicArea, LineString, MapCoords, Polygon};

use super::sweep::Point;

/// Above this many positions the area is computed on a sphere: Karney's geodesic area costs
/// about a microsecond a vertex, too slow for a hover on a 200,000-vertex order.
pub const GEODESIC_AREA_MAX_POSITIONS: usize = 20_000;

/// A polygon's rings (written positions, `[lon, lat]` degrees) with longitudes unwrapped:
/// each edge takes the short way round, so consecutive longitudes differ by at most 180°
/// and may leave [-180, 180].
#[derive(Clone, Debug, PartialEq)]
pub struct UnwrappedPolygon {
    pub rings: Vec<Vec<Point>>,
    /// Whether some edge, as written, jumps by more than 180° of longitude.
    pub crosses_antimeridian: bool,
    /// Whether a ring, unwrapped, does not come back to its start (it circles a pole); its
    /// rings are then left as written.
    pub circles_pole: bool,
}

/// The longitude step from `a` to `b` the short way round, in (-180, 180].
fn short_step(a: f64, b: f64) -> f64 {
    let mut d = b - a;
    if d > 180.0 {
        d -= 360.0;
    } else if d < -180.0 {
        d += 360.0;
    }
    d
}

/// Whether the edge from `a` to `b` crosses the antimeridian (a jump of more than 180°).
pub fn crosses_antimeridian(a: Point, b: Point) -> bool {
    (b[0] - a[0]).abs() > 180.0
}

/// Unwraps each ring; holes are shifted by whole turns to sit next to the exterior ring.
pub fn unwrap_polygon(rings: &[Vec<Point>]) -> UnwrappedPolygon {
    let crosses = rings
        .iter()
        .any(|r| r.windows(2).any(|w| crosses_antimeridian(w[0], w[1])));
    if !crosses {
        return UnwrappedPolygon {
            rings: rings.to_vec(),
            crosses_antimeridian: false,
            circles_pole: false,
        };
    }
    let mut out = Vec::with_capacity(rings.len());
    let mut circles_pole = false;
    let mut shell_center = None;
    for ring in rings {
        let mut unwrapped: Vec<Point> = Vec::with_capacity(ring.len());
        for &p in ring {
            let lon = match unwrapped.last() {
                Some(prev) => prev[0] + short_step(prev[0], p[0]),
                None => p[0],
            };
            unwrapped.push([lon, p[1]]);
        }
        if let (Some(first), Some(last)) = (unwrapped.first(), unwrapped.last()) {
            circles_pole |= (first[0] - last[0]).abs() > 180.0;
        }
        let (west, east) = unwrapped
            .iter()
            .fold((f64::MAX, f64::MIN), |(w, e), p| (w.min(p[0]), e.max(p[0])));
        let center = (west + east) / 2.0;
        match shell_center {
            None => shell_center = Some(center),
            Some(shell) => {
                let turns = ((shell - center) / 360.0).round();
                for p in &mut unwrapped {
                    p[0] += turns * 360.0;
                }
            }
        }
        out.push(unwrapped);
    }
    if circles_pole {
        return UnwrappedPolygon {
            rings: rings.to_vec(),
            crosses_antimeridian: true,
            circles_pole: true,
        };
    }
    UnwrappedPolygon {
        rings: out,
        crosses_antimeridian: true,
        circles_pole: false,
    }
}

/// Twice the signed planar area of a ring of written positions (shoelace, degrees²);
/// positive when counter-clockwise.
pub fn signed_area2(ring: &[Point]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

/// `[west, south, east, north]` in degrees, longitudes back in [-180, 180]; `west > east`
/// when the box crosses the antimeridian.
pub fn bounding_box(polygon: &UnwrappedPolygon) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in polygon.rings.iter().flatten() {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    if b[0] > b[2] {
        return None;
    }
    let wrap = |lon: f64| {
        if lon > 180.0 {
            lon - 360.0
        } else if lon < -180.0 {
            lon + 360.0
        } else {
            lon
        }
    };
    Some([wrap(b[0]), b[1], wrap(b[2]), b[3]])
}

/// The unsigned area in m² whatever the rings' winding (a clockwise ring would otherwise
/// measure the rest of the Earth), and how it was computed: Karney's geodesic area on WGS84
/// up to [`GEODESIC_AREA_MAX_POSITIONS`] positions, a spherical approximation above. `None`
/// without an exterior ring of at least 3 positions, or when a position is off the globe
/// (not finite, a latitude past ±90°, a longitude past ±540°, which unwrapping across the
/// antimeridian never gives): no area means anything then, and geo's `orient` panics on
/// the NaN such values become (`lex_cmp`).
pub fn area_m2(polygon: &UnwrappedPolygon) -> Option<(f64, &'static str)> {
    let on_globe = |p: &Point| p[0].abs() <= 540.0 && p[1].abs() <= 90.0;
    if !polygon.rings.iter().flatten().all(on_globe) {
        return None;
    }
    let ring = |points: &Vec<Point>| -> Option<LineString<f64>> {
        (points.len() >= 3)
            .then(|| LineString::new(points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()))
    };
    let exterior = ring(polygon.rings.first()?)?;
    let holes = polygon.rings[1..].iter().filter_map(ring).collect();
    let positions: usize = polygon.rings.iter().map(Vec::len).sum();
    // Winding from the unwrapped rings, where planar orientation means something.
    let polygon = Polygon::new(exterior, holes).orient(Direction::Default);
    Some(if positions <= GEODESIC_AREA_MAX_POSITIONS {
        // Geodesic edges take the short way by themselves; geographiclib wants longitudes
        // in [-180, 180] (it misreads 180.4 as a long way round).
        let wrapped = polygon.map_coords(|c| Coord {
            x: if c.x > 180.0 {
                c.x - 360.0
            } else if c.x < -180.0 {
                c.x + 360.0
            } else {
                c.x
            },
            y: c.y,
        });
        (wrapped.geodesic_area_unsigned(), "geodesic, WGS84")
    } else {
        (
            polygon.chamberlain_duquette_unsigned_area(),
            "spherical approximation",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiji_across_the_antimeridian_is_small_and_counter_clockwise() {
        let ring = vec![
            [179.2, -16.9],
            [-179.6, -16.9],
            [-179.6, -16.2],
            [179.2, -16.2],
            [179.2, -16.9],
        ];
        let polygon = unwrap_polygon(&[ring]);
        assert!(polygon.crosses_antimeridian && !polygon.circles_pole);
        assert!(signed_area2(&polygon.rings[0]) > 0.0);
        let (area, _) = area_m2(&polygon).unwrap();
        // 1.2° of longitude (179.2 -> 180.4) by 0.7° of latitude at 16.5° S: about
        // 128 km × 77 km. (The "about 6,600 km²" takes the width as 0.8°.)
        assert!((9_850e6..9_990e6).contains(&area), "{area}");
        let b = bounding_box(&polygon).unwrap();
        assert!(
            (b[0] - 179.2).abs() < 1e-9 && (b[2] + 179.6).abs() < 1e-9,
            "{b:?}"
        );
    }
}
