//! `geometry.*`: every GeoJSON geometry of the request checked by its declared type — the
//! positions (RFC 7946 and every constraint the product schema puts on `coordinates`), then
//! for Polygons and MultiPolygons the rings (closure, size, RFC 7946 winding), polygon
//! validity as GEOS's IsValidOp defines it, and the antimeridian (RFC 7946 §3.1.9). Each
//! diagnostic points at the ring or position at fault.
//!
//! Positions are read only through [`position_numbers`] and [`position_head`], so a change in
//! how the document stores arrays of numbers stays local.

mod chains;
pub(crate) mod shape;
mod split;
mod star;
pub(crate) mod sweep;
mod treap;
pub(crate) mod validity;

pub use crate::schema::geometry::{
    geometry_model, Bounds, CoordinateRules, GeometryModel, GeometryType,
};

use super::aoi::{self, Acceptance};
use super::envelope::GeometrySite;
use super::messages::show_number;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{ArrayItems, Document, Item, Node, TextRange};
use sweep::Point;
use validity::{CycleRing, Fault, FaultKind, RingId};

/// GEOS `IsValidOp`'s counterpart alone, for the benchmark next to shapely's `is_valid`
/// (`benches/geometry/check_time.rs --validity`): the rings of one polygon (shell first,
/// positions in degrees as written, closed or not) become cycles and go through the same
/// validity step as the checks (star test, chain sweep, exact sweep, GEOS's rules); returns
/// the number of faults. Not a checking API: the checks reach this step through [`check`].
#[doc(hidden)]
pub fn validity_fault_count(rings: &[Vec<[f64; 2]>]) -> usize {
    let polygon: Vec<CycleRing> = rings
        .iter()
        .map(|ring| CycleRing::from_positions(ring))
        .collect();
    validity::faults(&[polygon]).len()
}

/// Whether rings (`polygons[p][r]`, closed positions in degrees) make a valid Polygon (one
/// entry) or MultiPolygon: the validity step of [`check`] (the acceptance fixes re-check
/// their results with it).
pub fn rings_are_valid(polygons: &[Vec<Vec<[f64; 2]>>]) -> bool {
    let cycles: Vec<Vec<CycleRing>> = polygons
        .iter()
        .map(|rings| rings.iter().map(|r| CycleRing::from_positions(r)).collect())
        .collect();
    validity::faults(&cycles).is_empty()
}

/// The numbers of a position node (`[lon, lat, ...]`), or `None` when it is not an array of
/// numbers. The one place that reads a position's values.
pub(crate) fn position_numbers(node: &Node) -> Option<impl ExactSizeIterator<Item = f64> + '_> {
    let items = node.items()?;
    if items.iter().any(|n| n.as_f64().is_none()) {
        return None;
    }
    Some(items.iter().map(|n| n.as_f64().unwrap_or(f64::NAN)))
}

/// How many numbers a position node holds and its first two (`[lon, lat]`), or `None` when
/// it is not an array of at least two numbers. What the ring checks read per position: a
/// packed pair answers without building its number nodes (on a 200,000-position ring that
/// was a fifth of an edit's check).
pub(crate) fn position_head(node: &Node) -> Option<(usize, Point)> {
    if let Some(values) = node.pair_values() {
        return Some((2, values));
    }
    let mut numbers = position_numbers(node)?;
    let count = numbers.len();
    if count < 2 {
        return None;
    }
    Some((count, [numbers.next()?, numbers.next()?]))
}

/// `[lon, lat]` of a position node with at least two numbers.
pub(crate) fn position_point(node: &Node) -> Option<Point> {
    let mut numbers = position_numbers(node)?;
    Some([numbers.next()?, numbers.next()?])
}

/// One ring as read: its node, label and written positions.
struct ReadRing<'a> {
    node: &'a Node,
    label: String,
    items: ArrayItems<'a>,
    points: Vec<Point>,
    /// Closed, at least 4 positions, all readable and in range: fit for the shape checks.
    ok: bool,
}

/// Checks one geometry of the request. A geometry whose declared `type` the product does not
/// accept gets nothing here: the type error (from the schema or envelope check) is the one
/// thing to fix, and its `coordinates` mean nothing yet.
pub(super) fn check(
    doc: &Document,
    site: &GeometrySite<'_>,
    acceptance: Option<&Acceptance>,
    out: &mut Vec<Diagnostic>,
) {
    let declared = match site.node.get("type") {
        Some(node) => match node.as_str().and_then(GeometryType::parse) {
            Some(kind) => kind,
            None => return,
        },
        None if site.model.variants.len() == 1 => site.model.variants[0].0,
        None => return,
    };
    let Some(rules) = site.model.rules(declared) else {
        return;
    };
    let label = &site.label;
    let Some(coordinates) = site.node.get("coordinates") else {
        // Under params, the product schema's `required` already reports it.
        if !label.starts_with("params.") {
            out.push(Diagnostic::new(
                Code::GeometryInvalid,
                TextRange::new(
                    site.node.range.start as usize,
                    site.node.range.start as usize + 1,
                ),
                format!("{label} has no 'coordinates': a {declared:?} needs them"),
            ));
        }
        return;
    };
    let checker = Checker {
        doc,
        rules,
        allows_multipolygon: site.model.allows(GeometryType::MultiPolygon),
        site,
        acceptance,
        coordinates,
    };
    match declared {
        GeometryType::Point => {
            checker.position_alone(coordinates, &format!("{label}.coordinates"), 0, out);
        }
        GeometryType::LineString => checker.line(coordinates, label, out),
        GeometryType::Polygon => {
            if let Some(rings) = checker.polygon(coordinates, label, 0, out) {
                checker.shapes(&[rings], label, out);
            }
        }
        GeometryType::MultiPolygon => checker.multi_polygon(coordinates, label, out),
        GeometryType::Other => {}
    }
    if let Some(schema) = &rules.other {
        other_constraints(schema, coordinates, label, out);
    }
}

struct Checker<'a> {
    doc: &'a Document,
    rules: &'a CoordinateRules,
    allows_multipolygon: bool,
    site: &'a GeometrySite<'a>,
    /// The provider's acceptance rules for this order, checked once the geometry is valid.
    acceptance: Option<&'a Acceptance>,
    coordinates: &'a Node,
}

fn ring_label(polygon: &str, index: usize) -> String {
    if index == 0 {
        format!("the exterior ring of {polygon}")
    } else {
        format!("hole {index} of {polygon}")
    }
}

fn show_point(p: Point) -> String {
    format!("[{}, {}]", round6(p[0]), round6(p[1]))
}

fn round6(value: f64) -> String {
    show_number((value * 1e6).round() / 1e6)
}

/// An array level of `coordinates`: its items, with `minItems`/`maxItems` of the schema
/// reported; `None` (after an error) when the node is not an array.
fn array_level<'a>(
    node: &'a Node,
    label: &str,
    what: &str,
    bounds: Bounds,
    out: &mut Vec<Diagnostic>,
) -> Option<ArrayItems<'a>> {
    let Some(items) = node.items() else {
        out.push(Diagnostic::new(
            Code::GeometryInvalid,
            node.range,
            format!(
                "{label} must be an array of {what}, found {}",
                node.type_name()
            ),
        ));
        return None;
    };
    let count = items.len() as u64;
    if let Some(min) = bounds.min_items.filter(|m| count < *m) {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            node.range,
            format!("{label} has {count} {what}; the product schema wants at least {min}"),
        ));
    }
    if let Some(max) = bounds.max_items.filter(|m| count > *m) {
        out.push(Diagnostic::new(
            Code::SchemaLength,
            node.range,
            format!("{label} has {count} {what}; the product schema allows at most {max}"),
        ));
    }
    Some(items)
}

impl Checker<'_> {
    /// A Point's position (`depth` = its level in the rules).
    fn position_alone(&self, node: &Node, label: &str, depth: usize, out: &mut Vec<Diagnostic>) {
        let bounds = self.rules.level(depth);
        let Some(numbers) = position_numbers(node).filter(|n| n.len() >= 2) else {
            out.push(bad_position(node, label));
            return;
        };
        let numbers: Vec<f64> = numbers.collect();
        let count = numbers.len() as u64;
        if let Some(max) = bounds.max_items.filter(|m| count > *m) {
            out.push(
                Diagnostic::new(
                    Code::SchemaLength,
                    node.range,
                    format!("{label} has {count} numbers; the product schema allows at most {max} ([longitude, latitude])"),
                )
                .with_fix(Fix::new("Drop the extra numbers", vec![self.truncate_edit(node, max as usize)]).preferred()),
            );
        }
        if let Some(min) = bounds.min_items.filter(|m| count < *m) {
            out.push(Diagnostic::new(
                Code::SchemaLength,
                node.range,
                format!("{label} has {count} numbers; the product schema wants at least {min}"),
            ));
        }
        range_errors(self.doc, &[[numbers[0], numbers[1]]], node, label, out);
    }

    fn line(&self, coordinates: &Node, label: &str, out: &mut Vec<Diagnostic>) {
        let Some(items) = array_level(
            coordinates,
            &format!("{label}.coordinates"),
            "positions",
            self.rules.level(0),
            out,
        ) else {
            return;
        };
        if items.len() < 2 {
            out.push(Diagnostic::new(
                Code::GeometryTooFewPositions,
                coordinates.range,
                format!(
                    "{label} has {} position{}; a LineString needs at least 2",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        self.positions(items, &format!("{label}.coordinates"), 1, out);
    }

    /// The positions of a ring or line at rules level `depth`: their numbers, one error per
    /// ring for extra or missing numbers, ranges (one diagnostic per ring for [lat, lon]).
    /// Returns the points and whether every position was readable and in range.
    fn positions(
        &self,
        items: ArrayItems<'_>,
        label: &str,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> (Vec<Point>, bool) {
        let bounds = self.rules.level(depth);
        let mut points = Vec::with_capacity(items.len());
        let mut readable = true;
        let mut too_many: Vec<Item<'_>> = Vec::new();
        let mut too_few: Option<(Item<'_>, usize)> = None;
        for item in items {
            match position_head(&item) {
                Some((count, point)) => {
                    points.push(point);
                    if bounds.max_items.is_some_and(|m| count as u64 > m) {
                        too_many.push(item.clone());
                    }
                    if too_few.is_none() && bounds.min_items.is_some_and(|m| (count as u64) < m) {
                        too_few = Some((item, count));
                    }
                }
                _ => {
                    readable = false;
                    out.push(bad_position(&item, &format!("a position of {label}")));
                }
            }
        }
        if let (Some(first), Some(max)) = (too_many.first(), bounds.max_items) {
            let count = first.items().map_or(0, |items| items.len());
            let shown = self.doc.slice(first.range);
            let extra = if max == 2 && count == 3 {
                " (an altitude?)"
            } else {
                ""
            };
            let edits = too_many
                .iter()
                .map(|item| self.truncate_edit(item, max as usize))
                .collect();
            out.push(
                Diagnostic::new(
                    Code::SchemaLength,
                    first.range,
                    format!(
                        "{} position{} of {label} {} more than {max} numbers, e.g. {}{extra}; the product schema allows at most {max} ([longitude, latitude])",
                        too_many.len(),
                        if too_many.len() == 1 { "" } else { "s" },
                        if too_many.len() == 1 { "has" } else { "have" },
                        compact(shown),
                    ),
                )
                .with_fix(
                    Fix::new(
                        format!("Drop the numbers after the first {max} from every position of {label}"),
                        edits,
                    )
                    .preferred(),
                ),
            );
        }
        if let (Some((item, count)), Some(min)) = (too_few, bounds.min_items) {
            out.push(Diagnostic::new(
                Code::SchemaLength,
                item.range,
                format!("positions of {label} have {count} numbers; the product schema wants at least {min}"),
            ));
        }
        let in_range = readable && range_errors_ring(self.doc, &points, items, label, out);
        (points, readable && in_range)
    }

    /// The position with only its first `keep` numbers, as written.
    fn truncate_edit(&self, item: &Node, keep: usize) -> Edit {
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

    /// The rings of one polygon (`depth` = the rules level of its ring list); `None` when
    /// some ring is unfit for the shape checks (after reporting why).
    fn polygon<'n>(
        &self,
        coordinates: &'n Node,
        label: &str,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Option<Vec<ReadRing<'n>>> {
        let what = if depth == 0 {
            format!("{label}.coordinates")
        } else {
            label.to_string()
        };
        let ring_nodes = array_level(
            coordinates,
            &what,
            "linear rings",
            self.rules.level(depth),
            out,
        )?;
        if ring_nodes.is_empty() {
            out.push(Diagnostic::new(
                Code::GeometryInvalid,
                coordinates.range,
                format!("{what} is empty: a Polygon needs at least its exterior ring"),
            ));
            return None;
        }
        let mut rings = Vec::with_capacity(ring_nodes.len());
        let mut all_ok = true;
        // Rings are arrays, so stored nodes; packed items (numbers) are reported as non-rings.
        for (index, node) in ring_nodes.iter().enumerate() {
            let node = match node {
                Item::Borrowed(node) => node,
                Item::Owned(number) => {
                    all_ok = false;
                    out.push(Diagnostic::new(
                        Code::GeometryInvalid,
                        number.range,
                        format!(
                            "{} must be an array of [longitude, latitude] positions, found {}",
                            ring_label(label, index),
                            number.type_name()
                        ),
                    ));
                    continue;
                }
            };
            let ring_label = ring_label(label, index);
            let ring_bounds = self.rules.level(depth + 1);
            let Some(items) = node.items() else {
                all_ok = false;
                out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    node.range,
                    format!(
                        "{ring_label} must be an array of [longitude, latitude] positions, found {}",
                        node.type_name()
                    ),
                ));
                continue;
            };
            let count = items.len();
            let mut ok = true;
            if count < 4 {
                ok = false;
                out.push(Diagnostic::new(
                    Code::GeometryTooFewPositions,
                    node.range,
                    format!(
                        "{ring_label} has {count} position{}; a linear ring needs at least 4, the last repeating the first",
                        if count == 1 { "" } else { "s" }
                    ),
                ));
            } else if let Some(min) = ring_bounds.min_items.filter(|m| (count as u64) < *m) {
                out.push(Diagnostic::new(
                    Code::SchemaLength,
                    node.range,
                    format!("{ring_label} has {count} positions; the product schema wants at least {min}"),
                ));
            }
            if let Some(max) = ring_bounds.max_items.filter(|m| count as u64 > *m) {
                out.push(Diagnostic::new(
                    Code::SchemaLength,
                    node.range,
                    format!("{ring_label} has {count} positions; the product schema allows at most {max}"),
                ));
            }
            let (points, readable) = self.positions(items, &ring_label, depth + 2, out);
            ok &= readable;
            if let (Some(first), Some(last)) = (items.first(), items.last()) {
                let (first, last): (&Node, &Node) = (&first, &last);
                if count >= 2 && !same_numbers(first, last) {
                    ok = false;
                    out.push(
                        Diagnostic::new(
                            Code::GeometryUnclosedRing,
                            last.range,
                            format!(
                                "{ring_label} is not closed: its last position {} differs from its first {}; repeat the first position at the end",
                                compact(self.doc.slice(last.range)),
                                compact(self.doc.slice(first.range)),
                            ),
                        )
                        .with_related(first.range, "the ring's first position")
                        .with_fix(
                            Fix::new("Close the ring", vec![close_ring_edit(self.doc, first, last)])
                                .preferred(),
                        ),
                    );
                }
            }
            all_ok &= ok;
            rings.push(ReadRing {
                node,
                label: ring_label,
                items,
                points,
                ok,
            });
        }
        (all_ok && rings.iter().all(|r| r.ok)).then_some(rings)
    }

    fn multi_polygon(&self, coordinates: &Node, label: &str, out: &mut Vec<Diagnostic>) {
        let Some(polygons) = array_level(
            coordinates,
            &format!("{label}.coordinates"),
            "polygons",
            self.rules.level(0),
            out,
        ) else {
            return;
        };
        let mut read = Vec::with_capacity(polygons.len());
        let mut all_ok = true;
        for (index, polygon) in polygons.iter().enumerate() {
            let Item::Borrowed(polygon) = polygon else {
                // A packed number: not a polygon (reported by `polygon` as for any non-array).
                all_ok = false;
                out.push(Diagnostic::new(
                    Code::GeometryInvalid,
                    polygon.range,
                    format!(
                        "polygon {index} of {label} must be an array of linear rings, found {}",
                        polygon.type_name()
                    ),
                ));
                continue;
            };
            match self.polygon(polygon, &format!("polygon {index} of {label}"), 1, out) {
                Some(rings) => read.push(rings),
                None => all_ok = false,
            }
        }
        if all_ok && !read.is_empty() {
            self.shapes(&read, label, out);
        }
    }

    /// Validity, winding and the antimeridian for well-formed polygons (one for a Polygon).
    fn shapes(&self, polygons: &[Vec<ReadRing<'_>>], label: &str, out: &mut Vec<Diagnostic>) {
        // Rings are unwrapped (copied) only when some edge crosses the antimeridian: a large
        // AOI is read once into points and once into its cycle, no more.
        let unwrapped: Vec<Option<shape::UnwrappedPolygon>> = polygons
            .iter()
            .map(|rings| {
                let crosses = rings.iter().any(|r| {
                    r.points
                        .windows(2)
                        .any(|w| shape::crosses_antimeridian(w[0], w[1]))
                });
                crosses.then(|| {
                    let written: Vec<Vec<Point>> = rings.iter().map(|r| r.points.clone()).collect();
                    shape::unwrap_polygon(&written)
                })
            })
            .collect();
        let points = |p: usize, r: usize| -> &[Point] {
            match &unwrapped[p] {
                Some(u) => &u.rings[r],
                None => &polygons[p][r].points,
            }
        };
        let cycles: Vec<Vec<CycleRing>> = polygons
            .iter()
            .enumerate()
            .map(|(p, rings)| {
                (0..rings.len())
                    .map(|r| CycleRing::from_positions(points(p, r)))
                    .collect()
            })
            .collect();
        let faults = validity::faults(&cycles);
        let mut self_faulty: Vec<RingId> = Vec::new();
        for fault in &faults {
            let same_ring = fault.rings.len() == 1 || fault.rings[0].0 == fault.rings[1].0;
            if same_ring
                && matches!(
                    fault.kind,
                    FaultKind::SelfIntersection { .. }
                        | FaultKind::RingSelfIntersection
                        | FaultKind::TooFewPoints
                )
            {
                self_faulty.push(fault.rings[0].0);
            }
            out.push(self.fault_diagnostic(polygons, fault, label));
        }
        let circles_pole = unwrapped.iter().flatten().any(|u| u.circles_pole);
        if let (true, false, Some(rules)) = (faults.is_empty(), circles_pole, self.acceptance) {
            // A MultiPolygon of one part is not multipart: it is ordered as it is.
            let multi = polygons.len() > 1;
            let declared_multi = self.site.declared() == Some(GeometryType::MultiPolygon);
            let shape = aoi::AoiShape {
                doc: self.doc,
                geometry: self.site.node,
                coordinates: self.coordinates,
                label,
                multi,
                polygons: polygons
                    .iter()
                    .enumerate()
                    .map(|(p, rings)| {
                        rings
                            .iter()
                            .enumerate()
                            .map(|(r, ring)| aoi::AoiRing {
                                node: ring.node,
                                items: ring.items,
                                written: &ring.points,
                                unwrapped: points(p, r),
                                label: &ring.label,
                            })
                            .collect()
                    })
                    .collect(),
                // Positions are the last level: 2 below a Polygon's coordinates, 3 below a
                // MultiPolygon's.
                z_reported: self
                    .rules
                    .level(if declared_multi { 3 } else { 2 })
                    .max_items
                    .is_some_and(|m| m < 3),
                is_valid: &rings_are_valid,
            };
            aoi::check(&shape, rules, out);
        }
        // One fix for the whole geometry: every crossing polygon cut in two.
        let mut fix = (unwrapped.iter().any(Option::is_some)
            && faults.is_empty()
            && self.allows_multipolygon
            && !circles_pole)
            .then(|| {
                let all: Vec<shape::UnwrappedPolygon> = polygons
                    .iter()
                    .zip(&unwrapped)
                    .map(|(rings, u)| {
                        u.clone().unwrap_or_else(|| shape::UnwrappedPolygon {
                            rings: rings.iter().map(|r| r.points.clone()).collect(),
                            crosses_antimeridian: false,
                            circles_pole: false,
                        })
                    })
                    .collect();
                split::split_fix(self.doc, self.site.node, &all)
            })
            .flatten();
        for (p, rings) in polygons.iter().enumerate() {
            let pole = unwrapped[p].as_ref().is_some_and(|u| u.circles_pole);
            for (r, ring) in rings.iter().enumerate() {
                if self_faulty.contains(&(p, r)) || pole {
                    continue;
                }
                self.winding(ring, r == 0, points(p, r), out);
            }
            if unwrapped[p].is_some() {
                self.antimeridian(rings, fix.take(), out);
            }
        }
    }

    fn winding(
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

    fn antimeridian(&self, rings: &[ReadRing<'_>], fix: Option<Fix>, out: &mut Vec<Diagnostic>) {
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

    fn fault_diagnostic(
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

/// A compact one-line rendering of written JSON for messages.
fn compact(text: &str) -> String {
    let joined: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.replace("[ ", "[").replace(" ]", "]")
}

fn bad_position(item: &Node, label: &str) -> Diagnostic {
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

/// Whether two positions hold the same numbers (RFC 7946 §3.1.6: the first and last
/// positions of a ring are equivalent, every number compared).
fn same_numbers(a: &Node, b: &Node) -> bool {
    match (position_numbers(a), position_numbers(b)) {
        (Some(x), Some(y)) => x.len() == y.len() && x.zip(y).all(|(x, y)| x == y),
        _ => true,
    }
}

/// Range errors of a Point.
fn range_errors(
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
fn range_errors_ring(
    doc: &Document,
    points: &[Point],
    items: ArrayItems<'_>,
    label: &str,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let outside = |p: &Point| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]);
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
            .with_fix(Fix::new(format!("Swap to [lon, lat] in {label}"), edits).preferred()),
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
fn close_ring_edit(doc: &Document, first: &Node, last: &Node) -> Edit {
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

/// Constraints of the product schema on `coordinates` that the checks above do not read
/// (see [`CoordinateRules::other`]), through the schema validator.
fn other_constraints(
    schema: &serde_json::Value,
    coordinates: &Node,
    label: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Ok(validator) = crate::schema::compile_validator(schema) else {
        return;
    };
    let Some(value) = coordinates.to_value() else {
        return;
    };
    for error in validator.iter_errors(&value).take(20) {
        let mut node = Item::Borrowed(coordinates);
        let mut path = String::new();
        for segment in error.instance_path().iter() {
            if let jsonschema::paths::LocationSegment::Index(i) = segment {
                // A packed number has no items.
                let next = match &node {
                    Item::Borrowed(parent) => parent.item(i),
                    Item::Owned(_) => None,
                };
                if let Some(next) = next {
                    node = next;
                    path.push_str(&format!("[{i}]"));
                }
            }
        }
        use jsonschema::error::ValidationErrorKind as Kind;
        let code = match error.kind() {
            Kind::Minimum { .. }
            | Kind::Maximum { .. }
            | Kind::ExclusiveMinimum { .. }
            | Kind::ExclusiveMaximum { .. } => Code::SchemaRange,
            Kind::Type { .. } => Code::SchemaType,
            Kind::MinItems { .. } | Kind::MaxItems { .. } => Code::SchemaLength,
            _ => Code::SchemaOther,
        };
        out.push(Diagnostic::new(
            code,
            node.range,
            format!("{label}.coordinates{path}: {error}"),
        ));
    }
}
