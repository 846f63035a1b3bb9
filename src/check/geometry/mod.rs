//! `geometry.*`: every GeoJSON geometry of the request checked by its declared type — the
//! positions (RFC 7946 and every constraint the product schema puts on `coordinates`), then
//! for Polygons and MultiPolygons the rings (closure, size, RFC 7946 winding), polygon
//! validity as GEOS's IsValidOp defines it, and the antimeridian (RFC 7946 §3.1.9). Each
//! diagnostic points at the ring or position at fault.
//!
//! Positions are read only through [`position_numbers`] and [`position_head`], so a change in
//! how the document stores arrays of numbers stays local.
//!
//! This file is the walk (`coordinates` read level by level, then the shape step); the
//! messages and fixes it builds are in `diagnostics.rs`.

mod chains;
mod diagnostics;
pub mod scratch;
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
use super::{Code, Diagnostic, Fix};
use std::borrow::Cow;

use crate::document::{item_of, ArrayItems, Document, Item, Node, TextRange};
use diagnostics::{bad_position, close_ring_edit, compact, range_errors, range_errors_ring};
use sweep::Point;
use validity::{CycleRing, FaultKind, RingId};

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

/// The positions of an AOI nearest to and furthest from the equator (`[lon, lat]`, degrees),
/// as the feasibility check wants them: over the packed `[lon, lat]` pairs (exactly two
/// numbers) with a finite longitude within ±180° and a latitude within ±90°, in document
/// order; ties keep the first nearest (as `min_by`) and the last furthest (as `max_by`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LatitudeExtremes {
    pub low: Option<Point>,
    pub high: Option<Point>,
}

impl LatitudeExtremes {
    /// Takes in the next position in document order.
    pub(crate) fn visit(&mut self, [lon, lat]: Point) {
        if !(lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return;
        }
        if self.low.is_none_or(|l| lat.abs() < l[1].abs()) {
            self.low = Some([lon, lat]);
        }
        if self.high.is_none_or(|h| lat.abs() >= h[1].abs()) {
            self.high = Some([lon, lat]);
        }
    }

    /// Takes in the extremes of positions that come after all of this one's: the same as
    /// visiting them all, since only its nearest and furthest can win.
    pub(crate) fn then(&mut self, later: LatitudeExtremes) {
        for position in [later.low, later.high].into_iter().flatten() {
            self.visit(position);
        }
    }
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
    /// The positions' `[lon, lat]`: borrowed from the tree for a ring stored packed, else
    /// read into a buffer.
    points: Cow<'a, [Point]>,
    /// Every position is a packed pair (two plain numbers): no altitude to look for.
    all_pairs: bool,
    /// Closed, at least 4 positions, all readable and in range: fit for the shape checks.
    ok: bool,
}

impl Drop for ReadRing<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(points) = std::mem::take(&mut self.points) {
            scratch::give_back(points);
        }
    }
}

/// Checks one geometry of the request. A geometry whose declared `type` the product does not
/// accept gets nothing here: the type error (from the schema or envelope check) is the one
/// thing to fix, and its `coordinates` mean nothing yet.
///
/// Returns the [`LatitudeExtremes`] of a Polygon or MultiPolygon every position of which was
/// read (so they are those of every packed pair under its `coordinates`), else `None`: the
/// feasibility check then walks the geometry itself.
pub(super) fn check(
    doc: &Document,
    site: &GeometrySite<'_>,
    acceptance: Option<&Acceptance>,
    out: &mut Vec<Diagnostic>,
) -> Option<LatitudeExtremes> {
    let declared = match site.node.get("type") {
        Some(node) => node.as_str().and_then(GeometryType::parse)?,
        None if site.model.variants.len() == 1 => site.model.variants[0].0,
        None => return None,
    };
    let rules = site.model.rules(declared)?;
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
        return None;
    };
    let checker = Checker {
        doc,
        rules,
        allows_multipolygon: site.model.allows(GeometryType::MultiPolygon),
        site,
        acceptance,
        coordinates,
        extremes: Default::default(),
    };
    let mut read_whole = false;
    match declared {
        GeometryType::Point => {
            checker.position_alone(coordinates, &format!("{label}.coordinates"), 0, out);
        }
        GeometryType::LineString => checker.line(coordinates, label, out),
        GeometryType::Polygon => {
            if let Some(rings) = checker.polygon(coordinates, label, 0, out) {
                checker.shapes(&[rings], label, out);
                read_whole = true;
            }
        }
        GeometryType::MultiPolygon => read_whole = checker.multi_polygon(coordinates, label, out),
        GeometryType::Other => {}
    }
    if let Some(schema) = &rules.other {
        other_constraints(schema, coordinates, label, out);
    }
    read_whole.then(|| checker.extremes.get())
}

struct Checker<'a> {
    doc: &'a Document,
    rules: &'a CoordinateRules,
    allows_multipolygon: bool,
    site: &'a GeometrySite<'a>,
    /// The provider's acceptance rules for this order, checked once the geometry is valid.
    acceptance: Option<&'a Acceptance>,
    coordinates: &'a Node,
    /// Of the packed pairs read so far (see [`LatitudeExtremes`]).
    extremes: std::cell::Cell<LatitudeExtremes>,
}

fn ring_label(polygon: &str, index: usize) -> String {
    if index == 0 {
        format!("the exterior ring of {polygon}")
    } else {
        format!("hole {index} of {polygon}")
    }
}

/// What a ring holds, in messages.
const POSITIONS: &str = "[longitude, latitude] positions";

/// "`label` must be an array of `what`, found …" at `node`, a value of another type.
fn not_an_array(node: &Node, label: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::GeometryInvalid,
        node.range,
        format!(
            "{label} must be an array of {what}, found {}",
            node.type_name()
        ),
    )
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
        out.push(not_an_array(node, label, what));
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
    /// Returns the points (`[lon, lat]`, degrees: the tree's own slice for a ring stored
    /// packed, else a buffer read from the nodes), whether every position was readable and
    /// in range, and whether every one was a packed pair (no altitude to look for).
    fn positions<'a>(
        &self,
        items: ArrayItems<'a>,
        label: &str,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> (Cow<'a, [Point]>, bool, bool) {
        let bounds = self.rules.level(depth);
        let two_allowed =
            bounds.max_items.is_none_or(|m| m >= 2) && bounds.min_items.is_none_or(|m| m <= 2);
        if let Some(positions) = items.positions().filter(|_| two_allowed) {
            // A ring stored packed: every position is two numbers, and their values are one
            // slice in the tree, used as they are (no copy of a 200,000-position ring).
            let points = positions.values();
            let mut extremes = self.extremes.get();
            points.iter().for_each(|&p| extremes.visit(p));
            self.extremes.set(extremes);
            let in_range = range_errors_ring(self.doc, points, items, label, out);
            return (Cow::Borrowed(points), in_range, true);
        }
        let mut points = scratch::take(items.len());
        let mut readable = true;
        let mut too_many: Vec<Item<'_>> = Vec::new();
        let mut too_few: Option<(Item<'_>, usize)> = None;
        let mut extremes = self.extremes.get();
        let mut all_pairs = true;
        for item in items {
            let head = match item.pair_values() {
                Some(values) => {
                    extremes.visit(values);
                    Some((2, values))
                }
                None => {
                    all_pairs = false;
                    position_head(&item)
                }
            };
            match head {
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
        self.extremes.set(extremes);
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
        (Cow::Owned(points), readable && in_range, all_pairs)
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
        for (index, item) in ring_nodes.iter().enumerate() {
            let ring_label = ring_label(label, index);
            match item {
                Item::Borrowed(node) => match self.ring(node, ring_label, depth, out) {
                    Some(ring) => {
                        all_ok &= ring.ok;
                        rings.push(ring);
                    }
                    None => all_ok = false,
                },
                // A packed item where a ring should be (a number, or a position one level too
                // shallow): checked as a ring, which it never is whole (a number is no array,
                // a position's items are numbers); its reading borrows the built node, so
                // none is kept.
                Item::Owned(packed) => {
                    self.ring(&packed, ring_label, depth, out);
                    all_ok = false;
                }
            }
        }
        (all_ok && rings.iter().all(|r| r.ok)).then_some(rings)
    }

    /// One ring of a polygon (`depth` = the rules level of its polygon's ring list): its
    /// length, positions and closure checked; `None` when it is not an array (after
    /// reporting that).
    fn ring<'n>(
        &self,
        node: &'n Node,
        ring_label: String,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Option<ReadRing<'n>> {
        let ring_bounds = self.rules.level(depth + 1);
        let Some(items) = node.items() else {
            out.push(not_an_array(node, &ring_label, POSITIONS));
            return None;
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
                format!(
                    "{ring_label} has {count} positions; the product schema wants at least {min}"
                ),
            ));
        }
        if let Some(max) = ring_bounds.max_items.filter(|m| count as u64 > *m) {
            out.push(Diagnostic::new(
                Code::SchemaLength,
                node.range,
                format!(
                    "{ring_label} has {count} positions; the product schema allows at most {max}"
                ),
            ));
        }
        let (points, readable, all_pairs) = self.positions(items, &ring_label, depth + 2, out);
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
        Some(ReadRing {
            node,
            label: ring_label,
            items,
            points,
            all_pairs,
            ok,
        })
    }

    /// Returns whether every polygon was read whole (then `shapes` checked them).
    fn multi_polygon(&self, coordinates: &Node, label: &str, out: &mut Vec<Diagnostic>) -> bool {
        let Some(polygons) = array_level(
            coordinates,
            &format!("{label}.coordinates"),
            "polygons",
            self.rules.level(0),
            out,
        ) else {
            return false;
        };
        let mut read = Vec::with_capacity(polygons.len());
        let mut all_ok = true;
        for (index, polygon) in polygons.iter().enumerate() {
            let polygon_label = format!("polygon {index} of {label}");
            match polygon {
                Item::Borrowed(polygon) => match self.polygon(polygon, &polygon_label, 1, out) {
                    Some(rings) => read.push(rings),
                    None => all_ok = false,
                },
                // A packed item where a polygon should be (a number, or a ring two levels too
                // shallow): checked as a polygon, which it never is whole.
                Item::Owned(packed) => {
                    self.polygon(&packed, &polygon_label, 1, out);
                    all_ok = false;
                }
            }
        }
        if all_ok && !read.is_empty() {
            self.shapes(&read, label, out);
            return true;
        }
        false
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
                    let written: Vec<Vec<Point>> =
                        rings.iter().map(|r| r.points.to_vec()).collect();
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
                                all_pairs: ring.all_pairs,
                                no_repeats: cycles[p][r].borrows_written(),
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
                            rings: rings.iter().map(|r| r.points.to_vec()).collect(),
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
}

/// Whether two positions hold the same numbers (RFC 7946 §3.1.6: the first and last
/// positions of a ring are equivalent, every number compared).
fn same_numbers(a: &Node, b: &Node) -> bool {
    match (position_numbers(a), position_numbers(b)) {
        (Some(x), Some(y)) => x.len() == y.len() && x.zip(y).all(|(x, y)| x == y),
        _ => true,
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
                let next = item_of(node.clone(), i);
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
