//! The diagnostics and fixes of the `geometry.*` check: what the `Checker` says about a
//! position, a ring or a polygon once it has found a fault (out of range or [lat, lon],
//! unclosed, wrong winding, crossing the antimeridian, GEOS validity faults such as spikes
//! and crossings), and the edits that repair it (truncate, close, reverse, swap).
//!
//! Separate from the walk in `mod.rs` (which reads `coordinates` level by level and decides
//! what to check) so that a reader changing a message or a fix finds all of them in one
//! place, without the traversal around them.

use super::sweep::Point;
use super::validity::{Fault, FaultKind, RingId};
use super::{shape, Checker, ReadRing};
use crate::check::messages::show_number;
use crate::check::{Code, Diagnostic, Edit, Fix};
use crate::document::{ArrayItems, Document, Item, Node, TextRange};

impl Checker<'_> {
    /// The position with only its first `keep` numbers, as written.
    pub(super) fn truncate_edit(&self, item: &Node, keep: usize) -> Edit {
        let kept: Vec<&str> = item
            .items()
            .into_iter()
            .flatten()
            .take(keep)
            .map(|n| self.doc.slice(n.range))
            .collect();
        Edit {
            range: item.range,
            new_text: format!("[{}]", kept.join(", ")),
        }
    }

    pub(super) fn winding(
        &self,
        ring: &ReadRing<'_>,
        exterior: bool,
        unwrapped: &[Point],
        out: &mut Vec<Diagnostic>,
    ) {
        let area = shape::signed_area2(unwrapped);
        let wrong = if exterior { area < 0.0 } else { area > 0.0 };
        if !wrong {
            return;
        }
        let message = if exterior {
            format!(
                "{} is clockwise; RFC 7946 wants the exterior ring counter-clockwise",
                ring.label
            )
        } else {
            format!(
                "{} is counter-clockwise; RFC 7946 wants holes clockwise",
                ring.label
            )
        };
        out.push(
            Diagnostic::new(Code::GeometryWinding, ring.node.range, message).with_fix(
                Fix::new(
                    "Reverse the ring's winding",
                    vec![reverse_ring_edit(self.doc, ring)],
                )
                .preferred(),
            ),
        );
    }

    pub(super) fn antimeridian(
        &self,
        rings: &[ReadRing<'_>],
        fix: Option<Fix>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut fix = fix;
        for ring in rings {
            let Some(i) = ring
                .points
                .windows(2)
                .position(|w| shape::crosses_antimeridian(w[0], w[1]))
            else {
                continue;
            };
            let (a, b) = (ring.points[i], ring.points[i + 1]);
            let mut diagnostic = Diagnostic::new(
                Code::GeometryAntimeridian,
                ring.items.get(i + 1).map_or(ring.node.range, |n| n.range),
                format!(
                    "{} crosses the antimeridian between {} and {}: RFC 7946 §3.1.9 asks that a geometry crossing it be cut in two, one part on each side (a MultiPolygon){}",
                    ring.label,
                    show_point(a),
                    show_point(b),
                    if self.allows_multipolygon { "" } else { "; this product accepts only a Polygon, so keep the AOI on one side of longitude 180 or order each side separately" },
                ),
            );
            if let Some(fix) = fix.take() {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }

    pub(super) fn fault_diagnostic(
        &self,
        polygons: &[Vec<ReadRing<'_>>],
        fault: &Fault,
        label: &str,
    ) -> Diagnostic {
        let ring = |id: RingId| &polygons[id.0][id.1];
        let (first_id, first_pos) = fault.rings[0];
        let first = ring(first_id);
        let position_range = |id: RingId, pos: u32| {
            ring(id)
                .items
                .get(pos as usize)
                .map_or(ring(id).node.range, |n| n.range)
        };
        let edge = |id: RingId, pos: u32| {
            let points = &ring(id).points;
            let start = pos as usize;
            let end = (start + 1..points.len())
                .find(|&j| points[j] != points[start])
                .unwrap_or(start + 1);
            format!("the edge from position {start} to {end}")
        };
        let near = show_point(fault.at);
        let other = fault.rings.get(1).copied();
        let _ = label;
        match fault.kind {
            FaultKind::TooFewPoints => Diagnostic::new(
                Code::GeometryTooFewPositions,
                first.node.range,
                format!(
                    "{} has fewer than 3 distinct positions; a linear ring needs at least 3 different corners",
                    first.label
                ),
            ),
            FaultKind::SelfIntersection { overlap } => {
                let (a, b) = (fault.rings[0], other.unwrap_or(fault.rings[0]));
                // Point at the later of the two (the one a reader reaches second).
                let (early, late) = if a <= b { (a, b) } else { (b, a) };
                let message = if early.0 == late.0 && overlap {
                    format!(
                        "{} runs back along itself near {near} ({} and {} overlap): a spike or a part with no area",
                        ring(late.0).label,
                        edge(early.0, early.1),
                        edge(late.0, late.1)
                    )
                } else if early.0 == late.0 {
                    format!(
                        "{} crosses itself near {near}: {} meets {}",
                        ring(late.0).label,
                        edge(early.0, early.1),
                        edge(late.0, late.1)
                    )
                } else if overlap {
                    format!(
                        "{} shares an edge with {} near {near}",
                        ring(late.0).label,
                        ring(early.0).label
                    )
                } else {
                    format!(
                        "{} crosses {} near {near}",
                        ring(late.0).label,
                        ring(early.0).label
                    )
                };
                Diagnostic::new(
                    Code::GeometrySelfIntersection,
                    position_range(late.0, late.1),
                    message,
                )
            }
            FaultKind::RingSelfIntersection => {
                let (a, b) = (fault.rings[0], other.unwrap_or(fault.rings[0]));
                let (early, late) = if a <= b { (a, b) } else { (b, a) };
                Diagnostic::new(
                    Code::GeometrySelfIntersection,
                    position_range(late.0, late.1),
                    format!(
                        "{} passes twice through {near} (near positions {} and {}): a ring may not touch itself",
                        ring(late.0).label,
                        early.1,
                        late.1
                    ),
                )
            }
            FaultKind::HoleOutsideShell => Diagnostic::new(
                Code::GeometryInvalid,
                first.node.range,
                format!(
                    "{} lies outside the exterior ring near {near}; a hole must be inside it",
                    first.label
                ),
            ),
            FaultKind::NestedHoles => Diagnostic::new(
                Code::GeometryInvalid,
                first.node.range,
                format!(
                    "{} lies inside {} near {near}; holes may not nest (a hole in a hole is a separate polygon)",
                    first.label,
                    other.map_or(String::new(), |(id, _)| ring(id).label.clone()),
                ),
            ),
            FaultKind::NestedShells => Diagnostic::new(
                Code::GeometryInvalid,
                first.node.range,
                format!(
                    "{} lies inside {} near {near}; the polygons of a MultiPolygon may not overlap",
                    first.label,
                    other.map_or(String::new(), |(id, _)| ring(id).label.clone()),
                ),
            ),
            FaultKind::DisconnectedInterior { cycle } => Diagnostic::new(
                Code::GeometryInvalid,
                position_range(first_id, first_pos),
                if cycle {
                    format!(
                        "{} closes a cycle of rings touching each other near {near}: together they cut the polygon's interior in pieces",
                        first.label
                    )
                } else {
                    format!(
                        "{} touches {} a second time near {near}: rings touching at two points cut the polygon's interior in pieces",
                        first.label,
                        other.map_or(String::new(), |(id, _)| ring(id).label.clone()),
                    )
                },
            ),
        }
    }
}

fn show_point(p: Point) -> String {
    format!("[{}, {}]", round6(p[0]), round6(p[1]))
}

fn round6(value: f64) -> String {
    show_number((value * 1e6).round() / 1e6)
}

/// A compact one-line rendering of written JSON for messages.
pub(super) fn compact(text: &str) -> String {
    let joined: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.replace("[ ", "[").replace(" ]", "]")
}

pub(super) fn bad_position(item: &Node, label: &str) -> Diagnostic {
    Diagnostic::new(
        Code::GeometryInvalid,
        item.range,
        format!(
            "{label} must be [longitude, latitude] (two numbers), found {}",
            describe(item)
        ),
    )
}

fn describe(item: &Node) -> String {
    match item.items() {
        Some(items) if items.iter().all(|n| n.as_f64().is_some()) => {
            format!(
                "{} number{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            )
        }
        Some(_) => "an array holding something other than numbers".to_string(),
        None => item.type_name().to_string(),
    }
}

/// Range errors of a Point.
pub(super) fn range_errors(
    doc: &Document,
    points: &[Point],
    item: &Node,
    label: &str,
    out: &mut Vec<Diagnostic>,
) {
    for p in points {
        if let Some(d) = range_error(doc, *p, item, label) {
            out.push(d);
        }
    }
}

/// Number `i` of a position as the file writes it (`1e308` stays `1e308`, `-0.50` stays
/// `-0.50`), else `value` shown compactly.
fn written_number(doc: &Document, position: &Node, i: usize, value: f64) -> String {
    position
        .item(i)
        .filter(|n| n.is_number())
        .map_or_else(|| show_number(value), |n| doc.slice(n.range).to_string())
}

fn range_error(doc: &Document, p: Point, item: &Node, label: &str) -> Option<Diagnostic> {
    let (lon, lat) = (p[0], p[1]);
    let message = if !(-180.0..=180.0).contains(&lon) {
        format!(
            "longitude {} is outside [-180, 180]",
            written_number(doc, item, 0, lon)
        )
    } else if !(-90.0..=90.0).contains(&lat) {
        format!(
            "latitude {} is outside [-90, 90]",
            written_number(doc, item, 1, lat)
        )
    } else {
        return None;
    };
    Some(Diagnostic::new(
        Code::GeometryCoordinateRange,
        item.range,
        format!("{message} (in {label})"),
    ))
}

/// Range errors of a ring or line: one diagnostic with the swap fix when every position
/// reads as [lat, lon]; true when all positions are in range.
pub(super) fn range_errors_ring(
    doc: &Document,
    points: &[Point],
    items: ArrayItems<'_>,
    label: &str,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let outside = |p: &Point| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]);
    // Blocks tested without an exit per position (`&`, `|`: no branch, so vector
    // instructions) before the search: on a 200,000-vertex ring in range, 3% of an edit's
    // check in the language server was this scan one position at a time.
    let in_range = points.chunks(64).all(|block| {
        block.iter().fold(true, |ok, p| {
            ok & (p[0] >= -180.0) & (p[0] <= 180.0) & (p[1] >= -90.0) & (p[1] <= 90.0)
        })
    });
    if in_range {
        return true;
    }
    let Some(first_bad) = points.iter().position(outside) else {
        return true;
    };
    let swapped = points
        .iter()
        .all(|p| p[0].abs() <= 90.0 && p[1].abs() <= 180.0);
    if swapped {
        let bad = points.iter().filter(|p| outside(p)).count();
        let edits = points
            .iter()
            .zip(items)
            .map(|(_, item)| {
                let numbers: Vec<Item<'_>> = item.items().into_iter().flatten().collect();
                let text = |i: usize| numbers.get(i).map_or("", |n| doc.slice(n.range));
                let rest: Vec<&str> = numbers.iter().skip(2).map(|n| doc.slice(n.range)).collect();
                let mut new_text = format!("[{}, {}", text(1), text(0));
                for extra in rest {
                    new_text.push_str(", ");
                    new_text.push_str(extra);
                }
                new_text.push(']');
                Edit {
                    range: item.range,
                    new_text,
                }
            })
            .collect();
        out.push(
            Diagnostic::new(
                Code::GeometryCoordinateRange,
                items.get(first_bad).map_or(TextRange::default(), |n| n.range),
                format!(
                    "latitude {} is outside [-90, 90] ({bad} position{} of {label}): the positions look like [lat, lon], but GeoJSON wants [lon, lat]",
                    items.get(first_bad).map_or_else(
                        || show_number(points[first_bad][1]),
                        |n| written_number(doc, &n, 1, points[first_bad][1])
                    ),
                    if bad == 1 { "" } else { "s" },
                ),
            )
            // Offered, never preferred: which way the positions were meant is a guess, and
            // `--fix` must not move an AOI to another place on its own.
            .with_fix(Fix::new(format!("Swap to [lon, lat] in {label}"), edits)),
        );
    } else {
        // One diagnostic for the ring, at its first bad position: a ring in projected metres
        // (every position out of range) is one mistake, not one per position.
        let bad = points.iter().filter(|p| outside(p)).count();
        let Some(item) = items.get(first_bad) else {
            return false;
        };
        if let Some(mut d) = range_error(doc, points[first_bad], &item, label) {
            if bad > 1 {
                let projected = points
                    .iter()
                    .filter(|p| outside(p))
                    .all(|p| p[0].abs() > 1000.0 || p[1].abs() > 1000.0);
                d.message = format!(
                    "{}; {bad} of the {} positions of {label} are out of range{}",
                    d.message.trim_end_matches(&format!(" (in {label})")),
                    points.len(),
                    if projected {
                        ": they look like projected coordinates (metres), but GeoJSON wants WGS 84 longitude and latitude in degrees (RFC 7946 §4); reproject the polygon"
                    } else {
                        ""
                    }
                );
                // The ring is the mistake: underline from the first bad position to the last.
                if let Some(last) = points.iter().rposition(outside).and_then(|i| items.get(i)) {
                    d.range = TextRange {
                        start: d.range.start,
                        end: last.range.end,
                    };
                }
            }
            out.push(d);
        }
    }
    false
}

/// Appends a copy of the first position, as written, after the last one.
pub(super) fn close_ring_edit(doc: &Document, first: &Node, last: &Node) -> Edit {
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
            crate::check::edits::indentation_at(doc, last.range.start as usize)
        )
    } else {
        ", ".to_string()
    };
    Edit {
        range: TextRange::empty(last.range.end as usize),
        new_text: format!("{separator}{first_text}"),
    }
}

/// The ring with its positions in reverse order, keeping the whitespace between them.
fn reverse_ring_edit(doc: &Document, ring: &ReadRing<'_>) -> Edit {
    let positions = ring.items;
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
            if let (Some(a), Some(b)) = (positions.get(i), positions.get(i + 1)) {
                let gap = TextRange {
                    start: a.range.end,
                    end: b.range.start,
                };
                text.push_str(doc.slice(gap));
            }
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
