//! The fix for a Polygon or MultiPolygon across the antimeridian: cut each crossing polygon
//! at longitude ±180 into one part on each side, giving a MultiPolygon (RFC 7946 §3.1.9),
//! for products that accept one.

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MapCoords, MultiPolygon, Polygon, Rect};

use super::shape::UnwrappedPolygon;
use crate::check::messages::show_number;
use crate::check::{Edit, Fix};
use crate::document::{Document, Node};

/// Replaces the geometry's `type` and `coordinates` with a MultiPolygon: each polygon that
/// crosses the antimeridian cut in two, one part on each side, the others kept as they are
/// (a Polygon becomes a two-part MultiPolygon; a MultiPolygon gains parts). `None` when no
/// polygon actually reaches past ±180 once unwrapped, or the node lacks the members to edit.
/// A position the cut leaves where it was is written exactly as the file has it (`1.50`
/// stays `1.50`, an altitude stays): the fix changes only what it must.
pub(super) fn split_fix(
    doc: &Document,
    geometry: &Node,
    polygons: &[UnwrappedPolygon],
) -> Option<Fix> {
    let type_node = geometry.get("type")?;
    let coordinates = geometry.get("coordinates")?;
    let mut parts = Vec::new();
    let mut any_split = false;
    for polygon in polygons {
        if polygon.crosses_antimeridian {
            let cut = split(polygon)?;
            any_split = true;
            parts.extend(cut.0);
        } else {
            parts.push(as_polygon(polygon)?);
        }
    }
    if !any_split {
        return None;
    }
    let parts = MultiPolygon(parts).orient(Direction::Default);
    let mut written = Vec::new();
    written_positions(doc, coordinates, &mut written);
    written.sort_by(|a, b| a.0[0].total_cmp(&b.0[0]));
    Some(
        Fix::new(
            "Split at the antimeridian into a MultiPolygon",
            vec![
                Edit {
                    range: type_node.range,
                    new_text: "\"MultiPolygon\"".to_string(),
                },
                Edit {
                    range: coordinates.range,
                    new_text: multi_polygon_json(&parts, &written),
                },
            ],
        )
        .preferred(),
    )
}

fn as_polygon(polygon: &UnwrappedPolygon) -> Option<Polygon<f64>> {
    let ring = |points: &Vec<[f64; 2]>| {
        LineString::new(points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect())
    };
    Some(Polygon::new(
        ring(polygon.rings.first()?),
        polygon.rings[1..].iter().map(ring).collect(),
    ))
}

/// The polygon cut at the meridian it crosses, each part moved back into [-180, 180].
fn split(polygon: &UnwrappedPolygon) -> Option<MultiPolygon<f64>> {
    let shape = as_polygon(polygon)?;
    let (west, east) = polygon
        .rings
        .iter()
        .flatten()
        .fold((f64::MAX, f64::MIN), |(w, e), p| (w.min(p[0]), e.max(p[0])));
    let meridian = if east > 180.0 {
        180.0
    } else if west < -180.0 {
        -180.0
    } else {
        return None;
    };
    let (south, north) = (-90.0, 90.0);
    let left = Rect::new(
        Coord {
            x: west - 1.0,
            y: south,
        },
        Coord {
            x: meridian,
            y: north,
        },
    )
    .to_polygon();
    let right = Rect::new(
        Coord {
            x: meridian,
            y: south,
        },
        Coord {
            x: east + 1.0,
            y: north,
        },
    )
    .to_polygon();
    let shift = |mp: MultiPolygon<f64>, by: f64| -> Vec<Polygon<f64>> {
        mp.0.into_iter()
            .map(|p| {
                let moved = |ls: &LineString<f64>| {
                    LineString::new(
                        ls.0.iter()
                            .map(|c| Coord {
                                x: c.x + by,
                                y: c.y,
                            })
                            .collect(),
                    )
                };
                Polygon::new(
                    moved(p.exterior()),
                    p.interiors().iter().map(moved).collect(),
                )
            })
            .collect()
    };
    let (left_by, right_by) = if meridian > 0.0 {
        (0.0, -360.0)
    } else {
        (360.0, 0.0)
    };
    // The boolean operations work on a snapped integer grid (i_overlay): put every output
    // coordinate back on the input vertex or meridian crossing it stands for.
    let mut exact: Vec<[f64; 2]> = polygon.rings.iter().flatten().copied().collect();
    for ring in &polygon.rings {
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[0] - meridian) * (b[0] - meridian) < 0.0 {
                let t = (meridian - a[0]) / (b[0] - a[0]);
                exact.push([meridian, a[1] + t * (b[1] - a[1])]);
            }
        }
    }
    exact.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let snap = |mp: MultiPolygon<f64>| -> MultiPolygon<f64> {
        const TOLERANCE: f64 = 1e-5;
        mp.map_coords(|c| {
            let from = exact.partition_point(|p| p[0] < c.x - TOLERANCE);
            let nearest = exact[from..]
                .iter()
                .take_while(|p| p[0] <= c.x + TOLERANCE)
                .filter(|p| (p[1] - c.y).abs() <= TOLERANCE)
                .min_by(|p, q| {
                    let d = |r: &&[f64; 2]| (r[0] - c.x).hypot(r[1] - c.y);
                    d(p).total_cmp(&d(q))
                });
            match nearest {
                Some(p) => Coord { x: p[0], y: p[1] },
                None if (c.x - meridian).abs() <= TOLERANCE => Coord {
                    x: meridian,
                    y: c.y,
                },
                None => c,
            }
        })
    };
    let mut parts = shift(snap(shape.intersection(&left)), left_by);
    parts.extend(shift(snap(shape.intersection(&right)), right_by));
    (parts.len() >= 2).then_some(MultiPolygon(parts))
}

/// Every position under `node` as `([lon, lat], its text on one line)`.
fn written_positions(doc: &Document, node: &Node, out: &mut Vec<([f64; 2], String)>) {
    let Some(items) = node.items() else { return };
    let first_two = (items.len() >= 2)
        .then(|| Some([items.get(0)?.as_f64()?, items.get(1)?.as_f64()?]))
        .flatten();
    match first_two {
        Some(values) => {
            let text = doc.slice(node.range).split_whitespace().collect::<Vec<_>>();
            out.push((values, text.join(" ").replace("[ ", "[").replace(" ]", "]")));
        }
        None => {
            for item in items.iter() {
                written_positions(doc, &item, out);
            }
        }
    }
}

/// The JSON of the parts; a coordinate within 1e-9° of a written position (the ±360 shift
/// leaves last-bit noise) is that position's text, others are computed (the meridian
/// crossings) and written with at most 12 decimals. `written` is sorted by longitude.
fn multi_polygon_json(parts: &MultiPolygon<f64>, written: &[([f64; 2], String)]) -> String {
    const SAME: f64 = 1e-9;
    let position = |c: &Coord<f64>| {
        let from = written.partition_point(|(p, _)| p[0] < c.x - SAME);
        written[from..]
            .iter()
            .take_while(|(p, _)| p[0] <= c.x + SAME)
            .find(|(p, _)| (p[1] - c.y).abs() <= SAME)
            .map_or_else(
                || format!("[{}, {}]", show_number(clean(c.x)), show_number(clean(c.y))),
                |(_, text)| text.clone(),
            )
    };
    let ring = |ls: &LineString<f64>| {
        let positions: Vec<String> = ls.0.iter().map(position).collect();
        format!("[{}]", positions.join(", "))
    };
    let polygons: Vec<String> = parts
        .0
        .iter()
        .map(|p| {
            let mut rings = vec![ring(p.exterior())];
            rings.extend(p.interiors().iter().map(ring));
            format!("[{}]", rings.join(", "))
        })
        .collect();
    format!("[{}]", polygons.join(", "))
}

/// Rounds away the last-bit noise of the ±360 shift (coordinates are written with at most
/// 12 decimals, far below a millimetre).
fn clean(value: f64) -> f64 {
    (value * 1e12).round() / 1e12
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::geometry::shape::unwrap_polygon;

    #[test]
    fn fiji_splits_into_two_counter_clockwise_boxes() {
        let polygon = unwrap_polygon(&[vec![
            [179.2, -16.9],
            [-179.6, -16.9],
            [-179.6, -16.2],
            [179.2, -16.2],
            [179.2, -16.9],
        ]]);
        let parts = split(&polygon).unwrap().orient(Direction::Default);
        assert_eq!(parts.0.len(), 2);
        let text = multi_polygon_json(&parts, &[]);
        assert!(
            text.contains("[180, -16.9]") && text.contains("[-180, -16.2]"),
            "{text}"
        );
        assert!(
            text.contains("[179.2, -16.9]") && text.contains("[-179.6, -16.2]"),
            "{text}"
        );
    }
}
