//! `geometry.*`: GeoJSON Polygon validity wherever a polygon sits — ring closure, ring size,
//! coordinate ranges, RFC 7946 winding, self-intersections and holes outside the shell — each
//! pointing at the ring or position at fault.

use geo::algorithm::sweep::{Cross, Intersections};
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Coord, Line, LineIntersection, LineString, Polygon};

use super::envelope::PolygonSite;
use super::messages::show_number;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{Document, Node, TextRange};

/// One position of a ring as written in the document.
#[derive(Clone, Copy, Debug)]
struct Position {
    lon: f64,
    lat: f64,
    range: TextRange,
}

struct Ring<'a> {
    node: &'a Node,
    positions: Vec<Position>,
    /// False when some position is not a pair of numbers; such a ring gets no shape checks.
    readable: bool,
}

pub(super) fn check(doc: &Document, site: &PolygonSite<'_>, out: &mut Vec<Diagnostic>) {
    let label = &site.label;
    let coordinates = match site.node.get("coordinates") {
        Some(coordinates) => coordinates,
        None => {
            // Under params, the product schema's `required` already reports it.
            if !label.starts_with("params.") {
                out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    TextRange::new(
                        site.node.range.start as usize,
                        site.node.range.start as usize + 1,
                    ),
                    format!(
                        "{label} has no 'coordinates': a Polygon needs an array of linear rings"
                    ),
                ));
            }
            return;
        }
    };
    let Some(ring_nodes) = coordinates.items() else {
        out.push(Diagnostic::new(
            Code::GeometryInvalid,
            coordinates.range,
            format!(
                "{label}.coordinates must be an array of linear rings, found {}",
                coordinates.type_name()
            ),
        ));
        return;
    };
    if ring_nodes.is_empty() {
        out.push(Diagnostic::new(
            Code::GeometryInvalid,
            coordinates.range,
            format!("{label}.coordinates is empty: a Polygon needs at least its exterior ring"),
        ));
        return;
    }
    let mut rings = Vec::with_capacity(ring_nodes.len());
    for (index, ring_node) in ring_nodes.iter().enumerate() {
        if let Some(ring) = read_ring(ring_node, &ring_label(label, index), out) {
            rings.push((index, ring));
        }
    }
    let mut shape_ok = true;
    for (index, ring) in &rings {
        shape_ok &= check_ring(doc, &ring_label(label, *index), ring, out);
    }
    // Crossing, winding and containment only mean something once every ring is well formed.
    if shape_ok && rings.len() == ring_nodes.len() {
        check_winding(doc, label, &rings, out);
        check_intersections(label, &rings, out);
        check_holes_inside(label, &rings, out);
    }
}

fn ring_label(label: &str, index: usize) -> String {
    if index == 0 {
        format!("the exterior ring of {label}")
    } else {
        format!("hole {index} of {label}")
    }
}

fn read_ring<'a>(node: &'a Node, label: &str, out: &mut Vec<Diagnostic>) -> Option<Ring<'a>> {
    let Some(items) = node.items() else {
        out.push(Diagnostic::new(
            Code::GeometryInvalid,
            node.range,
            format!(
                "{label} must be an array of [longitude, latitude] positions, found {}",
                node.type_name()
            ),
        ));
        return None;
    };
    let mut positions = Vec::with_capacity(items.len());
    let mut readable = true;
    for item in items {
        let numbers: Option<Vec<f64>> = item
            .items()
            .and_then(|xs| xs.iter().map(Node::as_f64).collect::<Option<Vec<f64>>>());
        match numbers {
            Some(numbers) if numbers.len() >= 2 => positions.push(Position {
                lon: numbers[0],
                lat: numbers[1],
                range: item.range,
            }),
            _ => {
                readable = false;
                out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    item.range,
                    format!("a position of {label} must be [longitude, latitude] (two numbers), found {}", item.type_name()),
                ));
            }
        }
    }
    Some(Ring {
        node,
        positions,
        readable,
    })
}

/// Ring size, closure and coordinate ranges; true when the ring is fit for shape checks.
fn check_ring(doc: &Document, label: &str, ring: &Ring<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let count = ring.node.items().map_or(0, <[Node]>::len);
    let mut ok = ring.readable;
    if count < 4 {
        ok = false;
        out.push(Diagnostic::new(
            Code::GeometryTooFewPositions,
            ring.node.range,
            format!(
                "{label} has {count} position{}; a linear ring needs at least 4, the last repeating the first",
                if count == 1 { "" } else { "s" }
            ),
        ));
    }
    if let (Some(first), Some(last)) = (ring.positions.first(), ring.positions.last()) {
        if ring.positions.len() >= 2 && (first.lon, first.lat) != (last.lon, last.lat) {
            ok = false;
            out.push(
                Diagnostic::new(
                    Code::GeometryUnclosedRing,
                    last.range,
                    format!(
                        "{label} is not closed: its last position {} differs from its first {}; repeat the first position at the end",
                        show_position(last),
                        show_position(first)
                    ),
                )
                .with_related(first.range, "the ring's first position")
                .with_fix(Fix::new("Close the ring", vec![close_ring_edit(doc, first, last)]).preferred()),
            );
        }
    }
    for position in &ring.positions {
        let lon_ok = (-180.0..=180.0).contains(&position.lon);
        let lat_ok = (-90.0..=90.0).contains(&position.lat);
        if lon_ok && lat_ok {
            continue;
        }
        ok = false;
        let swapped = position.lon.abs() <= 90.0 && position.lat.abs() <= 180.0;
        let mut diagnostic = if !lat_ok && swapped {
            Diagnostic::new(
                Code::GeometryCoordinateRange,
                position.range,
                format!(
                    "latitude {} is outside [-90, 90]: this position looks like [lat, lon], but GeoJSON wants [lon, lat]",
                    show_number(position.lat)
                ),
            )
            .with_fix(Fix::new("Swap to [lon, lat] in this ring", swap_ring_edits(ring)).preferred())
        } else if !lon_ok {
            Diagnostic::new(
                Code::GeometryCoordinateRange,
                position.range,
                format!(
                    "longitude {} is outside [-180, 180]",
                    show_number(position.lon)
                ),
            )
        } else {
            Diagnostic::new(
                Code::GeometryCoordinateRange,
                position.range,
                format!(
                    "latitude {} is outside [-90, 90]",
                    show_number(position.lat)
                ),
            )
        };
        diagnostic.message = format!("{} (in {label})", diagnostic.message);
        out.push(diagnostic);
    }
    ok
}

fn show_position(position: &Position) -> String {
    format!(
        "[{}, {}]",
        show_number(position.lon),
        show_number(position.lat)
    )
}

/// Appends a copy of the first position, as written, after the last one.
fn close_ring_edit(doc: &Document, first: &Position, last: &Position) -> Edit {
    let first_text = doc.slice(first.range);
    let separator = if doc
        .slice(TextRange {
            start: first.range.end,
            end: last.range.start,
        })
        .contains('\n')
    {
        format!(
            ",\n{}",
            super::edits::indentation_at(doc, last.range.start as usize)
        )
    } else {
        ", ".to_string()
    };
    Edit {
        range: TextRange::empty(last.range.end as usize),
        new_text: format!("{separator}{first_text}"),
    }
}

fn swap_ring_edits(ring: &Ring<'_>) -> Vec<Edit> {
    ring.positions
        .iter()
        .map(|p| Edit {
            range: p.range,
            new_text: format!("[{}, {}]", show_number(p.lat), show_number(p.lon)),
        })
        .collect()
}

/// Twice the signed planar area (shoelace); positive means counter-clockwise.
fn signed_area(positions: &[Position]) -> f64 {
    positions
        .windows(2)
        .map(|w| w[0].lon * w[1].lat - w[1].lon * w[0].lat)
        .sum()
}

fn check_winding(
    doc: &Document,
    label: &str,
    rings: &[(usize, Ring<'_>)],
    out: &mut Vec<Diagnostic>,
) {
    for (index, ring) in rings {
        let area = signed_area(&ring.positions);
        let exterior = *index == 0;
        let wrong = if exterior { area < 0.0 } else { area > 0.0 };
        if !wrong {
            continue;
        }
        let message = if exterior {
            format!(
                "{} is clockwise; RFC 7946 wants the exterior ring counter-clockwise",
                ring_label(label, *index)
            )
        } else {
            format!(
                "{} is counter-clockwise; RFC 7946 wants holes clockwise",
                ring_label(label, *index)
            )
        };
        out.push(
            Diagnostic::new(Code::GeometryWinding, ring.node.range, message).with_fix(
                Fix::new(
                    "Reverse the ring's winding",
                    vec![reverse_ring_edit(doc, ring)],
                )
                .preferred(),
            ),
        );
    }
}

/// The ring with its positions in reverse order, keeping the whitespace between them.
fn reverse_ring_edit(doc: &Document, ring: &Ring<'_>) -> Edit {
    let positions = &ring.positions;
    let first = positions
        .first()
        .map_or(ring.node.range.start, |p| p.range.start);
    let last = positions
        .last()
        .map_or(ring.node.range.end, |p| p.range.end);
    let mut text = String::with_capacity((last - first) as usize);
    for (i, position) in positions.iter().rev().enumerate() {
        text.push_str(doc.slice(position.range));
        if i + 1 < positions.len() {
            let gap = TextRange {
                start: positions[i].range.end,
                end: positions[i + 1].range.start,
            };
            text.push_str(doc.slice(gap));
        }
    }
    Edit {
        range: TextRange {
            start: first,
            end: last,
        },
        new_text: text,
    }
}

/// A ring edge: the segment from position `index` to `index + 1` of ring `ring`.
#[derive(Clone, Copy, Debug)]
struct Edge {
    line: Line<f64>,
    ring: usize,
    index: usize,
    /// Edges in this ring, to recognise the first and last as neighbours.
    ring_edges: usize,
}

impl Cross for Edge {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

impl Edge {
    fn is_neighbour(&self, other: &Edge) -> bool {
        self.ring == other.ring && {
            let (a, b) = (self.index.min(other.index), self.index.max(other.index));
            b - a == 1 || (a == 0 && b == self.ring_edges - 1)
        }
    }
}

/// Crossings within a ring or between rings, found with a sweep (n log n for typical AOIs).
fn check_intersections(label: &str, rings: &[(usize, Ring<'_>)], out: &mut Vec<Diagnostic>) {
    let mut edges = Vec::new();
    // Where each edge starts in the ring's positions, after dropping repeated positions.
    let mut edge_start: Vec<Vec<usize>> = Vec::with_capacity(rings.len());
    for (ring_number, (_, ring)) in rings.iter().enumerate() {
        let mut starts = Vec::with_capacity(ring.positions.len());
        let mut distinct: Vec<usize> = Vec::with_capacity(ring.positions.len());
        for (i, p) in ring.positions.iter().enumerate() {
            if distinct.last().is_none_or(|&j| {
                let q = &ring.positions[j];
                (q.lon, q.lat) != (p.lon, p.lat)
            }) {
                distinct.push(i);
            }
        }
        let ring_edges = distinct.len().saturating_sub(1);
        for (k, pair) in distinct.windows(2).enumerate() {
            let (a, b) = (&ring.positions[pair[0]], &ring.positions[pair[1]]);
            edges.push(Edge {
                line: Line::new(Coord { x: a.lon, y: a.lat }, Coord { x: b.lon, y: b.lat }),
                ring: ring_number,
                index: k,
                ring_edges,
            });
            starts.push(pair[0]);
        }
        edge_start.push(starts);
    }
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for (a, b, intersection) in Intersections::from_iter(edges.iter().copied()) {
        if a.is_neighbour(&b) && matches!(intersection, LineIntersection::SinglePoint { .. }) {
            continue;
        }
        let touching_rings = a.ring != b.ring
            && matches!(
                intersection,
                LineIntersection::SinglePoint {
                    is_proper: false,
                    ..
                }
            );
        if touching_rings {
            // Rings may touch at a point (OGC); only crossings and shared edges are invalid.
            continue;
        }
        let pair = (a.ring.min(b.ring), a.ring.max(b.ring));
        if reported.contains(&pair) {
            continue;
        }
        reported.push(pair);
        let (first, second) = if (a.ring, a.index) <= (b.ring, b.index) {
            (a, b)
        } else {
            (b, a)
        };
        let (ring_index, ring) = &rings[second.ring];
        let position_index = edge_start[second.ring][second.index];
        let at = match intersection {
            LineIntersection::SinglePoint { intersection, .. } => {
                format!(
                    " near [{}, {}]",
                    round6(intersection.x),
                    round6(intersection.y)
                )
            }
            LineIntersection::Collinear { .. } => " along a shared stretch".to_string(),
        };
        let first_start = edge_start[first.ring][first.index];
        let message = if first.ring == second.ring {
            format!(
                "{} crosses itself{at}: the edge from position {} to {} meets the edge from position {} to {}",
                ring_label(label, *ring_index),
                first_start,
                first_start + 1,
                position_index,
                position_index + 1
            )
        } else {
            format!(
                "{} crosses {}{at}",
                ring_label(label, *ring_index),
                ring_label(label, rings[first.ring].0)
            )
        };
        out.push(Diagnostic::new(
            Code::GeometrySelfIntersection,
            ring.positions[position_index].range,
            message,
        ));
    }
}

fn round6(value: f64) -> String {
    show_number((value * 1e6).round() / 1e6)
}

/// Each hole must lie inside the exterior ring.
fn check_holes_inside(label: &str, rings: &[(usize, Ring<'_>)], out: &mut Vec<Diagnostic>) {
    if rings.len() < 2 {
        return;
    }
    let to_line_string = |ring: &Ring<'_>| {
        LineString::from(
            ring.positions
                .iter()
                .map(|p| (p.lon, p.lat))
                .collect::<Vec<_>>(),
        )
    };
    let shell = Polygon::new(to_line_string(&rings[0].1), vec![]);
    for (index, hole) in &rings[1..] {
        // Rings do not cross (checked before), so one vertex off the boundary tells.
        let outside = hole
            .positions
            .iter()
            .map(|p| shell.coordinate_position(&Coord { x: p.lon, y: p.lat }))
            .find(|pos| *pos != CoordPos::OnBoundary)
            .is_some_and(|pos| pos == CoordPos::Outside);
        if outside {
            out.push(Diagnostic::new(
                Code::GeometryInvalid,
                hole.node.range,
                format!(
                    "{} lies outside the exterior ring; a hole must be inside it",
                    ring_label(label, *index)
                ),
            ));
        }
    }
}
