//! Polygon validity as GEOS's `IsValidOp` (GEOS ≥ 3.10, OGC semantics) defines it, in its
//! order: too few points, then how rings meet (self-intersection, ring self-intersection,
//! rings touching twice), then holes outside their shell, nested holes, nested shells (for
//! MultiPolygons) and an interior disconnected by a cycle of touching rings. The predicates
//! are ports of GEOS's `PolygonTopologyAnalyzer`, `PolygonNode` and `RayCrossingCounter`,
//! so verdicts agree with shapely's `is_valid` (see tests/geos/differential.py).

use std::borrow::Cow;
use std::collections::HashMap;

use super::sweep::{self, is_interior_segment, Meeting, MeetingKind, Point};
use super::{chains, star};

/// A ring ready for the topology checks: vertices as a cycle (no closing repeat, consecutive
/// repeats dropped, -0.0 made 0.0), each with the index of the position it came from in the
/// document. Borrows the written positions when they are already such a cycle but for the
/// closing repeat, which is the common case: a 200,000-vertex ring is then not copied.
#[derive(Clone, Debug, Default)]
pub(crate) struct CycleRing<'a> {
    pub points: Cow<'a, [Point]>,
    /// `positions[i]`: index in the ring's written positions of `points[i]`; empty while
    /// they are the same (no repeat dropped but maybe the closing one), which is the common
    /// case and saves a second array as long as the ring. Read it with [`Self::position`].
    positions: Vec<u32>,
}

impl<'a> CycleRing<'a> {
    /// The cycle of a closed ring of written positions (degrees); consecutive repeats and
    /// the closing repeat are dropped.
    pub fn from_positions(written: &'a [Point]) -> CycleRing<'a> {
        // `==` holds between -0.0 and 0.0, so repeats are the same before and after the sign
        // is dropped.
        // One pass in blocks of 64 pairs with no exit per position (`&`, `|`: no branch, so
        // vector instructions): two short-circuiting scans were 6% of an edit's check on a
        // 200,000-vertex ring in the language server.
        const NEGATIVE_ZERO: u64 = 1 << 63;
        let negative_zero =
            |p: &Point| (p[0].to_bits() == NEGATIVE_ZERO) | (p[1].to_bits() == NEGATIVE_ZERO);
        let faulty_block = |start: usize| {
            let block = &written[start..(start + 65).min(written.len())];
            block.windows(2).fold(false, |faulty, w| {
                faulty | ((w[0][0] == w[1][0]) & (w[0][1] == w[1][1])) | negative_zero(&w[0])
            })
        };
        let clean = !(0..written.len()).step_by(64).any(faulty_block)
            && !written.last().is_some_and(negative_zero);
        if clean {
            // With no consecutive repeat only the last position can repeat the first.
            let open = match written {
                [first, .., last] if first == last => &written[..written.len() - 1],
                _ => written,
            };
            return CycleRing {
                points: Cow::Borrowed(open),
                positions: Vec::new(),
            };
        }
        let mut points: Vec<Point> = Vec::with_capacity(written.len());
        let mut positions: Vec<u32> = Vec::new();
        for (i, &p) in written.iter().enumerate() {
            // -0.0 and 0.0 are one coordinate; the sweeps order coordinates by bits.
            let p = [p[0] + 0.0, p[1] + 0.0];
            if points.last() != Some(&p) {
                if !positions.is_empty() {
                    positions.push(i as u32);
                }
                points.push(p);
            } else if positions.is_empty() {
                // The first repeat: from here on the cycle's vertices and the written
                // positions part ways.
                positions = (0..points.len() as u32).collect();
            }
        }
        while points.len() > 1 && points.last() == points.first() {
            points.pop();
            if !positions.is_empty() {
                positions.pop();
            }
        }
        CycleRing {
            points: Cow::Owned(points),
            positions,
        }
    }

    /// Whether the written positions had no consecutive repeat and no -0.0 (so the cycle
    /// borrows them): then the acceptance rules' duplicate-vertex scan has nothing to find.
    pub fn borrows_written(&self) -> bool {
        matches!(self.points, Cow::Borrowed(_))
    }

    /// The index in the ring's written positions of cycle vertex `i`.
    pub fn position(&self, i: usize) -> u32 {
        self.positions.get(i).copied().unwrap_or(i as u32)
    }

    fn bbox(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in self.points.iter() {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        b
    }

    /// Twice the signed area (shoelace); positive when counter-clockwise.
    pub fn signed_area2(&self) -> f64 {
        let n = self.points.len();
        (0..n)
            .map(|i| {
                let (a, b) = (self.points[i], self.points[(i + 1) % n]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum()
    }
}

/// The kinds of invalidity, named as GEOS's `TopologyValidationError` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FaultKind {
    /// "Too few points": fewer than 3 distinct consecutive vertices.
    TooFewPoints,
    /// "Self-intersection": edges cross, or run along each other (`overlap`).
    SelfIntersection { overlap: bool },
    /// "Ring Self-intersection": a ring passes twice through a point.
    RingSelfIntersection,
    /// "Hole lies outside shell".
    HoleOutsideShell,
    /// "Holes are nested".
    NestedHoles,
    /// "Nested shells" (MultiPolygon).
    NestedShells,
    /// "Interior is disconnected": two rings touch twice, or touching rings form a cycle.
    DisconnectedInterior { cycle: bool },
}

impl FaultKind {
    /// The reason shapely's `is_valid_reason` gives, without the location.
    #[cfg(test)]
    pub fn geos_name(self) -> &'static str {
        match self {
            FaultKind::TooFewPoints => "Too few points",
            FaultKind::SelfIntersection { .. } => "Self-intersection",
            FaultKind::RingSelfIntersection => "Ring Self-intersection",
            FaultKind::HoleOutsideShell => "Hole lies outside shell",
            FaultKind::NestedHoles => "Holes are nested",
            FaultKind::NestedShells => "Nested shells",
            FaultKind::DisconnectedInterior { .. } => "Interior is disconnected",
        }
    }
}

/// A ring of the geometry: polygon index and ring index within it (0 is the shell).
pub(crate) type RingId = (usize, usize);

/// One invalidity: where (`at`, degrees), which rings, and the written position that best
/// names it in each ring (`None` when the point is inside an edge).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    pub at: Point,
    /// The rings at fault with, for each, the written position index of the edge or vertex.
    pub rings: Vec<(RingId, u32)>,
}

/// Every fault of a Polygon (one entry) or MultiPolygon (one entry per polygon), in GEOS's
/// order of checks; the list stops at the first failing check, as GEOS does, but a failing
/// check may list several faults (the first few crossings per ring).
pub(crate) fn faults(polygons: &[Vec<CycleRing>]) -> Vec<Fault> {
    let mut out = Vec::new();
    for (p, rings) in polygons.iter().enumerate() {
        for (r, ring) in rings.iter().enumerate() {
            if ring.points.len() < 3 {
                out.push(Fault {
                    kind: FaultKind::TooFewPoints,
                    at: ring.points.first().copied().unwrap_or([0.0, 0.0]),
                    rings: vec![((p, r), 0)],
                });
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    let mut flat: Vec<&[Point]> = Vec::new();
    let mut ids: Vec<RingId> = Vec::new();
    for (p, rings) in polygons.iter().enumerate() {
        for (r, ring) in rings.iter().enumerate() {
            flat.push(&ring.points);
            ids.push((p, r));
        }
    }
    let ring_at = |flat_index: u32| ids[flat_index as usize];
    let position = |(ring, edge): (u32, u32)| -> (RingId, u32) {
        let (p, r) = ids[ring as usize];
        (
            (p, r),
            polygons[p].get(r).map_or(0, |c| c.position(edge as usize)),
        )
    };
    // Most areas meet nowhere: a star-shaped ring proves it in one pass, the chain sweep in
    // about one pass on smooth shapes; otherwise the exact sweep says where and how the rings
    // meet.
    let meetings = if star::star_shaped_simple(&flat) || chains::meet_nowhere(&flat) {
        Vec::new()
    } else {
        sweep::sweep(&flat)
    };
    let mut touches: Vec<(RingId, RingId, Point)> = Vec::new();
    let mut per_ring_faults: HashMap<RingId, usize> = HashMap::new();
    let mut used_edges: std::collections::HashSet<(u32, u32)> = Default::default();
    for Meeting { kind, at, edges } in meetings {
        let kind = match kind {
            MeetingKind::Touch => {
                let (a, b) = (ring_at(edges[0].0), ring_at(edges[1].0));
                if a.0 == b.0 {
                    touches.push((a, b, at));
                }
                continue;
            }
            MeetingKind::Crossing => FaultKind::SelfIntersection { overlap: false },
            MeetingKind::Overlap => FaultKind::SelfIntersection { overlap: true },
            MeetingKind::SelfTouch => FaultKind::RingSelfIntersection,
        };
        // A ring folding onto itself meets itself along several edges: one diagnostic is
        // enough for the edges of one fold.
        if edges[0].0 == edges[1].0 {
            if edges.iter().any(|e| used_edges.contains(e)) {
                continue;
            }
            used_edges.extend(edges);
        }
        let rings: Vec<(RingId, u32)> = edges.iter().map(|&e| position(e)).collect();
        // The first few per ring: a diagnostic needs a point, not a census.
        let count = per_ring_faults.entry(rings[0].0).or_default();
        *count += 1;
        if *count <= 3 {
            out.push(Fault { kind, at, rings });
        }
    }
    // GEOS checks double touches while noding, before the containment checks.
    let mut first_touch: HashMap<(RingId, RingId), Point> = HashMap::new();
    for &(a, b, at) in &touches {
        let key = (a.min(b), a.max(b));
        match first_touch.get(&key) {
            Some(&earlier) if earlier != at => out.push(Fault {
                kind: FaultKind::DisconnectedInterior { cycle: false },
                at,
                rings: vec![(key.1, touch_position(polygons, key.1, at)), (key.0, 0)],
            }),
            Some(_) => {}
            None => {
                first_touch.insert(key, at);
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    // Polygons without holes skip the containment checks (and their passes over the shell).
    for (p, rings) in polygons.iter().enumerate().filter(|(_, r)| r.len() > 1) {
        let shell = &rings[0];
        let shell_box = shell.bbox();
        for (h, hole) in rings.iter().enumerate().skip(1) {
            if !covers(shell_box, hole.bbox()) || !is_ring_nested(hole, shell) {
                out.push(Fault {
                    kind: FaultKind::HoleOutsideShell,
                    at: hole.points[0],
                    rings: vec![((p, h), hole.position(0))],
                });
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    for (p, rings) in polygons.iter().enumerate().filter(|(_, r)| r.len() > 2) {
        let boxes: Vec<[f64; 4]> = rings.iter().map(CycleRing::bbox).collect();
        for h in 1..rings.len() {
            for outer in 1..rings.len() {
                if outer != h
                    && covers(boxes[outer], boxes[h])
                    && is_ring_nested(&rings[h], &rings[outer])
                {
                    out.push(Fault {
                        kind: FaultKind::NestedHoles,
                        at: rings[h].points[0],
                        rings: vec![((p, h), rings[h].position(0)), ((p, outer), 0)],
                    });
                    break;
                }
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    if polygons.len() > 1 {
        let boxes: Vec<[f64; 4]> = polygons.iter().map(|rings| rings[0].bbox()).collect();
        for (i, inner) in polygons.iter().enumerate() {
            for (j, outer) in polygons.iter().enumerate() {
                if i != j && covers(boxes[j], boxes[i]) && is_shell_nested(&inner[0], outer) {
                    out.push(Fault {
                        kind: FaultKind::NestedShells,
                        at: inner[0].points[0],
                        rings: vec![((i, 0), inner[0].position(0)), ((j, 0), 0)],
                    });
                    break;
                }
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    if let Some((ring, at)) = hole_cycle(polygons, &touches) {
        out.push(Fault {
            kind: FaultKind::DisconnectedInterior { cycle: true },
            at,
            rings: vec![(ring, touch_position(polygons, ring, at))],
        });
    }
    out
}

/// The written position of `ring` at or just before the point `at`.
fn touch_position(polygons: &[Vec<CycleRing>], ring: RingId, at: Point) -> u32 {
    let cycle = &polygons[ring.0][ring.1];
    let n = cycle.points.len();
    for i in 0..n {
        let (a, b) = (cycle.points[i], cycle.points[(i + 1) % n]);
        if a == at {
            return cycle.position(i);
        }
        if on_segment(at, a, b) {
            return cycle.position(i);
        }
    }
    0
}

fn on_segment(p: Point, a: Point, b: Point) -> bool {
    robust_orient(a, b, p) == 0.0
        && p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

fn robust_orient(a: Point, b: Point, c: Point) -> f64 {
    robust::orient2d(
        robust::Coord { x: a[0], y: a[1] },
        robust::Coord { x: b[0], y: b[1] },
        robust::Coord { x: c[0], y: c[1] },
    )
}

/// Whether bounding box `outer` covers `inner` (`[min x, min y, max x, max y]`).
fn covers(outer: [f64; 4], inner: [f64; 4]) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

#[derive(PartialEq, Eq, Debug)]
enum Location {
    Interior,
    Boundary,
    Exterior,
}

/// GEOS `RayCrossingCounter::locatePointInRing`.
fn locate_in_ring(point: Point, ring: &CycleRing) -> Location {
    let n = ring.points.len();
    let mut crossings = 0usize;
    for i in 0..n {
        let (p1, p2) = (ring.points[i], ring.points[(i + 1) % n]);
        if p1[0] < point[0] && p2[0] < point[0] {
            continue;
        }
        if point == p2 {
            return Location::Boundary;
        }
        if p1[1] == point[1] && p2[1] == point[1] {
            let (lo, hi) = (p1[0].min(p2[0]), p1[0].max(p2[0]));
            if point[0] >= lo && point[0] <= hi {
                return Location::Boundary;
            }
            continue;
        }
        if (p1[1] > point[1] && p2[1] <= point[1]) || (p2[1] > point[1] && p1[1] <= point[1]) {
            let mut orient = robust_orient(p1, p2, point);
            if orient == 0.0 {
                return Location::Boundary;
            }
            if p2[1] < p1[1] {
                orient = -orient;
            }
            if orient > 0.0 {
                crossings += 1;
            }
        }
    }
    if crossings % 2 == 1 {
        Location::Interior
    } else {
        Location::Exterior
    }
}

/// GEOS `PolygonTopologyAnalyzer::isRingNested`: whether `test` lies inside `target`, given
/// that the rings do not cross.
fn is_ring_nested(test: &CycleRing, target: &CycleRing) -> bool {
    let p0 = test.points[0];
    match locate_in_ring(p0, target) {
        Location::Exterior => false,
        Location::Interior => true,
        Location::Boundary => {
            let p1 = test.points[1];
            is_incident_segment_in_ring(p0, p1, target)
        }
    }
}

/// GEOS `PolygonTopologyAnalyzer::isIncidentSegmentInRing`.
fn is_incident_segment_in_ring(p0: Point, p1: Point, ring: &CycleRing) -> bool {
    let n = ring.points.len();
    let Some(index) = (0..n).find(|&i| on_segment(p0, ring.points[i], ring.points[(i + 1) % n]))
    else {
        return false;
    };
    // The vertices around p0 along the ring, skipping p0 itself.
    let (mut prev, mut next) = if ring.points[(index + 1) % n] == p0 {
        (ring.points[index], ring.points[(index + 2) % n])
    } else if ring.points[index] == p0 {
        (
            ring.points[(index + n - 1) % n],
            ring.points[(index + 1) % n],
        )
    } else {
        (ring.points[index], ring.points[(index + 1) % n])
    };
    if ring.signed_area2() > 0.0 {
        // Counter-clockwise: the interior is on the left, swap to keep it on the right.
        std::mem::swap(&mut prev, &mut next);
    }
    is_interior_segment(p0, prev, next, p1)
}

/// GEOS `IndexedNestedPolygonTester::findNestedPoint`: `shell` inside `polygon` and not in
/// one of its holes.
fn is_shell_nested(shell: &CycleRing, polygon: &[CycleRing]) -> bool {
    if !is_ring_nested(shell, &polygon[0]) {
        return false;
    }
    let shell_box = shell.bbox();
    !polygon[1..]
        .iter()
        .any(|hole| covers(hole.bbox(), shell_box) && is_ring_nested(shell, hole))
}

/// GEOS `PolygonRing::findHoleCycleLocation`: touching rings of one polygon that form a
/// cycle (through touches at different points) cut its interior in pieces.
fn hole_cycle(
    polygons: &[Vec<CycleRing>],
    touches: &[(RingId, RingId, Point)],
) -> Option<(RingId, Point)> {
    let mut by_ring: HashMap<RingId, Vec<(RingId, Point)>> = HashMap::new();
    let mut seen: HashMap<(RingId, RingId), ()> = HashMap::new();
    for &(a, b, at) in touches {
        let key = (a.min(b), a.max(b));
        if seen.insert(key, ()).is_some() {
            continue;
        }
        by_ring.entry(a).or_default().push((b, at));
        by_ring.entry(b).or_default().push((a, at));
    }
    let mut root_of: HashMap<RingId, RingId> = HashMap::new();
    for (p, rings) in polygons.iter().enumerate() {
        for r in 0..rings.len() {
            let root = (p, r);
            if root_of.contains_key(&root) {
                continue;
            }
            root_of.insert(root, root);
            let Some(first) = by_ring.get(&root) else {
                continue;
            };
            let mut stack: Vec<(RingId, Point)> = Vec::new();
            for &(ring, at) in first {
                root_of.insert(ring, root);
                stack.push((ring, at));
            }
            while let Some((ring, entry)) = stack.pop() {
                for &(touched, at) in by_ring.get(&ring).map_or(&[][..], Vec::as_slice) {
                    if at == entry {
                        continue;
                    }
                    if root_of.get(&touched) == Some(&root) {
                        return Some((touched, at));
                    }
                    root_of.insert(touched, root);
                    stack.push((touched, at));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Lcg;

    /// Borrowed or copied, a cycle is the written ring with -0.0 made 0.0, consecutive
    /// repeats and the closing repeats dropped, each vertex naming its first written
    /// position: checked against that rule written plainly, on rings drawn from a few values
    /// (so that repeats, -0.0 and closings are common), and on long rings with one repeat or
    /// -0.0 anywhere.
    #[test]
    fn cycles_drop_repeats_and_negative_zeros_and_keep_positions() {
        let mut rng = Lcg(3);
        let mut next = move || rng.draw() as usize;
        let values = [-0.0, 0.0, 1.0, 2.0];
        let (mut borrowed, mut owned) = (0, 0);
        for case in 0..20_000 {
            // A quarter are long rings of distinct positions with a repeat or a -0.0 put
            // anywhere, block ends included (the scan tests blocks of 64 pairs).
            let long = case % 4 == 0;
            let len = if long { 60 + next() % 140 } else { next() % 9 };
            let mut written: Vec<Point> = if long {
                (0..len)
                    .map(|i| [i as f64 + 1.0, values[2 + next() % 2]])
                    .collect()
            } else {
                (0..len)
                    .map(|_| [values[next() % 4], values[next() % 4]])
                    .collect()
            };
            if long {
                let at = [62, 63, 64, 65, 127, 128, next() % len][next() % 7].min(len - 2);
                match next() % 4 {
                    0 => written[at + 1] = written[at],
                    1 => written[at][next() % 2] = -0.0,
                    2 => written[len - 1][0] = -0.0,
                    _ => {}
                }
            }
            if len > 0 && next() % 2 == 0 {
                written.push(written[0]);
            }
            let mut expected: Vec<(Point, u32)> = Vec::new();
            for (i, p) in written.iter().enumerate() {
                let p = [p[0] + 0.0, p[1] + 0.0];
                if expected.last().map(|e| e.0) != Some(p) {
                    expected.push((p, i as u32));
                }
            }
            while expected.len() > 1
                && expected.last().map(|e| e.0) == expected.first().map(|e| e.0)
            {
                expected.pop();
            }
            let cycle = CycleRing::from_positions(&written);
            match cycle.points {
                Cow::Borrowed(_) => borrowed += 1,
                Cow::Owned(_) => owned += 1,
            }
            let got: Vec<(Point, u32)> = (0..cycle.points.len())
                .map(|i| (cycle.points[i], cycle.position(i)))
                .collect();
            assert_eq!(got, expected, "{written:?}");
            assert!(got
                .iter()
                .all(|(p, _)| !p[0].is_sign_negative() || p[0] != 0.0));
            assert!(got
                .iter()
                .all(|(p, _)| !p[1].is_sign_negative() || p[1] != 0.0));
        }
        assert!(borrowed > 1_000 && owned > 1_000, "{borrowed} {owned}");
    }

    fn ring(points: &[[f64; 2]]) -> CycleRing<'static> {
        let mut closed = points.to_vec();
        closed.push(points[0]);
        let cycle = CycleRing::from_positions(&closed);
        CycleRing {
            points: Cow::Owned(cycle.points.into_owned()),
            positions: cycle.positions,
        }
    }

    fn kinds(polygon: Vec<CycleRing>) -> Vec<&'static str> {
        faults(&[polygon])
            .iter()
            .map(|f| f.kind.geos_name())
            .collect()
    }

    #[test]
    fn geos_kinds_for_each_rule() {
        let shell = ring(&[[0., 0.], [10., 0.], [10., 10.], [0., 10.]]);
        assert!(kinds(vec![shell.clone()]).is_empty());
        let hole = ring(&[[2., 2.], [2., 8.], [8., 8.], [8., 2.]]);
        assert!(kinds(vec![shell.clone(), hole.clone()]).is_empty());
        let inner = ring(&[[3., 3.], [3., 4.], [4., 4.], [4., 3.]]);
        assert_eq!(
            kinds(vec![shell.clone(), hole.clone(), inner]),
            ["Holes are nested"]
        );
        let outside = ring(&[[20., 20.], [20., 21.], [21., 21.]]);
        assert_eq!(
            kinds(vec![shell.clone(), outside]),
            ["Hole lies outside shell"]
        );
        // A triangle hole touching the shell at two of its corners' edges.
        let twice = ring(&[[0., 5.], [5., 10.], [5., 5.]]);
        assert_eq!(
            kinds(vec![shell.clone(), twice]),
            ["Interior is disconnected"]
        );
        let once = ring(&[[0., 5.], [5., 6.], [5., 4.]]);
        assert!(kinds(vec![shell.clone(), once]).is_empty());
        // Three holes in a chain from shell edge to shell edge, each touching the next once:
        // a cycle of touches through the shell.
        let left = ring(&[[0., 5.], [3., 6.], [3., 4.]]);
        let middle = ring(&[[3., 5.], [5., 6.], [7., 5.], [5., 4.]]);
        let right = ring(&[[7., 5.], [9., 6.], [10., 5.]]);
        assert_eq!(
            kinds(vec![shell.clone(), left, middle, right]),
            ["Interior is disconnected"]
        );
        let bowtie = ring(&[[0., 0.], [10., 10.], [10., 0.], [0., 10.]]);
        assert_eq!(kinds(vec![bowtie]), ["Self-intersection"]);
    }
}
