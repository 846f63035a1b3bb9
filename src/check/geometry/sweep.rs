//! Where the rings of a polygon meet: a Shamos–Hoey sweep over the vertices in lexicographic
//! (x, then y) order whose status — the edges the sweep line currently cuts, bottom to top —
//! is a treap, with every orientation decided exactly by `robust::orient2d`.
//!
//! Why our own sweep: geo 0.33's `sweep::Intersections` keeps its active segments in an
//! interval list without a search tree (georust/geo PR #1387 says so), so it is quadratic
//! whenever many edges overlap in x — densified box sides, radial spikes, combs, fractal
//! coastlines: 17 s on a 200,000-vertex densified box. No crate we found offers an
//! O(n log n) sweep that also reports *how* rings meet at a vertex (touch or cross), which
//! GEOS's IsValidOp rules need. Here each event costs O(log n) plus the edges meeting at it,
//! so a simple polygon of any shape takes O(n log n), and an invalid one stops after
//! [`MAX_FAULTS`] faults: a diagnostic needs a point, not a census.
//!
//! Events are vertices, not segment ends: at each distinct point `p` the sweep finds the
//! edges ending at `p` and the edges whose interior passes through `p` (a contiguous run of
//! the status), classifies how the rings meet there (the GEOS `PolygonNode` rules), then
//! removes the ending edges and inserts the starting ones. Proper crossings away from any
//! vertex are found, as in Shamos–Hoey, between edges that become neighbours in the status.
//! After the first crossing the status order is no longer consistent, so later faults are
//! best effort (the verdict is already "invalid").

use std::cmp::Ordering;

use robust::{orient2d, Coord as RCoord};

use super::treap::{Treap, NIL};

/// Stop sweeping after this many faults (crossings, overlaps, self-touches).
pub(crate) const MAX_FAULTS: usize = 32;

/// A point as (x = longitude, y = latitude), degrees.
pub(crate) type Point = [f64; 2];

/// How two passes of rings meet at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MeetingKind {
    /// Interiors cross (at a point inside both edges, or at a shared vertex where the rings
    /// pass through each other). GEOS: "Self-intersection".
    Crossing,
    /// Two edges run along each other for a stretch (a spike, a zero-area ring, rings sharing
    /// an edge). GEOS: "Self-intersection".
    Overlap,
    /// One ring passes twice through a point without crossing itself. GEOS: "Ring
    /// Self-intersection" (OGC forbids self-touching rings).
    SelfTouch,
    /// Two different rings touch at a point without crossing: valid on its own; a second touch
    /// of the same pair, or a cycle of touches, disconnects the interior.
    Touch,
}

/// One meeting found by the sweep. `edges` are (ring, edge index) where edge `i` runs from
/// vertex `i` to vertex `i + 1` (cyclically) of the ring as given to [`sweep`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Meeting {
    pub kind: MeetingKind,
    pub at: Point,
    pub edges: [(u32, u32); 2],
}

/// Rings as cycles of vertices: no closing repeat, no two consecutive vertices equal,
/// all coordinates finite. Returns the meetings in sweep order: every touch between
/// different rings, and the faults up to [`MAX_FAULTS`].
pub(crate) fn sweep(rings: &[&[Point]]) -> Vec<Meeting> {
    Sweep::new(rings).run()
}

/// Sign of the orientation of (a, b, c): positive when c is left of a→b (counter-clockwise).
pub(super) fn orient(a: Point, b: Point, c: Point) -> f64 {
    orient2d(
        RCoord { x: a[0], y: a[1] },
        RCoord { x: b[0], y: b[1] },
        RCoord { x: c[0], y: c[1] },
    )
}

pub(super) fn lex(a: Point, b: Point) -> Ordering {
    a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1]))
}

/// GEOS `Quadrant::quadrant`: NE 0, NW 1, SW 2, SE 3.
fn quadrant(origin: Point, p: Point) -> u8 {
    let (dx, dy) = (p[0] - origin[0], p[1] - origin[1]);
    match (dx >= 0.0, dy >= 0.0) {
        (true, true) => 0,
        (false, true) => 1,
        (false, false) => 2,
        (true, false) => 3,
    }
}

/// GEOS `PolygonNode::compareAngle`: the angle of `p` around `origin` against that of `q`.
fn compare_angle(origin: Point, p: Point, q: Point) -> Ordering {
    let (qp, qq) = (quadrant(origin, p), quadrant(origin, q));
    if qp != qq {
        return qp.cmp(&qq);
    }
    let o = orient(origin, q, p);
    if o > 0.0 {
        Ordering::Greater
    } else if o < 0.0 {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

/// GEOS `PolygonNode::isCrossing`: whether the corner b0-origin-b1 crosses a0-origin-a1.
pub(crate) fn is_crossing(origin: Point, a0: Point, a1: Point, b0: Point, b1: Point) -> bool {
    let (lo, hi) = if compare_angle(origin, a0, a1) == Ordering::Greater {
        (a1, a0)
    } else {
        (a0, a1)
    };
    let between = |p: Point| -> i8 {
        let c0 = compare_angle(origin, p, lo);
        if c0 == Ordering::Equal {
            return 0;
        }
        let c1 = compare_angle(origin, p, hi);
        if c1 == Ordering::Equal {
            return 0;
        }
        if c0 == Ordering::Greater && c1 == Ordering::Less {
            1
        } else {
            -1
        }
    };
    let b0_side = between(b0);
    if b0_side == 0 {
        return false;
    }
    let b1_side = between(b1);
    b1_side != 0 && b0_side != b1_side
}

/// GEOS `PolygonNode::isInteriorSegment`: whether the edge origin→b lies inside the corner
/// whose interior is on the right going a0 → origin → a1.
pub(crate) fn is_interior_segment(origin: Point, a0: Point, a1: Point, b: Point) -> bool {
    let (lo, hi, interior_between) = if compare_angle(origin, a0, a1) == Ordering::Greater {
        (a1, a0, false)
    } else {
        (a0, a1, true)
    };
    let is_between = compare_angle(origin, b, lo) == Ordering::Greater
        && compare_angle(origin, b, hi) != Ordering::Greater;
    is_between == interior_between
}

/// Whether the directions origin→a and origin→b coincide (the edges overlap near origin).
pub(super) fn same_direction(origin: Point, a: Point, b: Point) -> bool {
    orient(origin, a, b) == 0.0
        && (a[0] - origin[0]) * (b[0] - origin[0]) + (a[1] - origin[1]) * (b[1] - origin[1]) > 0.0
}

/// One ring passing through an event point: at a vertex, or through an edge's interior.
#[derive(Clone, Copy)]
struct Pass {
    ring: u32,
    /// The edge used to name the pass in a meeting.
    edge: u32,
    /// The two ends of the ring's edges at the point.
    ends: [Point; 2],
    /// The edge leading to each end.
    edges: [u32; 2],
    /// Whether the point is inside the edge rather than at a vertex.
    interior: bool,
}

/// The rings with global ids: vertex ids run over all rings, and edge `id` runs from vertex
/// `id` to the next vertex of its ring.
struct Rings<'a> {
    rings: &'a [&'a [Point]],
    /// Global id of vertex 0 of each ring.
    offsets: Vec<u32>,
    /// For each global id, its ring.
    ring_of: Vec<u32>,
    /// For each edge id, its (left, right) ends in sweep order: one cache line per
    /// comparison in the status search, the sweep's hot loop.
    ends: Vec<(Point, Point)>,
}

impl Rings<'_> {
    fn point(&self, id: u32) -> Point {
        let r = self.ring_of[id as usize];
        self.rings[r as usize][(id - self.offsets[r as usize]) as usize]
    }

    fn next_vertex(&self, id: u32) -> u32 {
        let r = self.ring_of[id as usize] as usize;
        let local = id - self.offsets[r] + 1;
        if local as usize == self.rings[r].len() {
            self.offsets[r]
        } else {
            id + 1
        }
    }

    fn prev_vertex(&self, id: u32) -> u32 {
        let r = self.ring_of[id as usize] as usize;
        if id == self.offsets[r] {
            self.offsets[r] + self.rings[r].len() as u32 - 1
        } else {
            id - 1
        }
    }

    /// Edge `id` as (left, right) endpoints in sweep order.
    fn edge(&self, id: u32) -> (Point, Point) {
        self.ends[id as usize]
    }

    fn compute_edge(&self, id: u32) -> (Point, Point) {
        let (a, b) = (self.point(id), self.point(self.next_vertex(id)));
        if lex(a, b) == Ordering::Less {
            (a, b)
        } else {
            (b, a)
        }
    }

    fn local(&self, id: u32) -> (u32, u32) {
        let r = self.ring_of[id as usize];
        (r, id - self.offsets[r as usize])
    }

    fn adjacent(&self, a: u32, b: u32) -> bool {
        self.ring_of[a as usize] == self.ring_of[b as usize]
            && (self.next_vertex(a) == b || self.next_vertex(b) == a)
    }
}

struct Sweep<'a> {
    rings: Rings<'a>,
    status: Treap,
    meetings: Vec<Meeting>,
    faults: usize,
    /// Crossing edge pairs already tested.
    crossed: std::collections::HashSet<(u32, u32)>,
    /// Edge pairs already reported as a fault.
    reported: std::collections::HashSet<(u32, u32)>,
    /// Buffers reused from event to event (run, ending, starting, through, region).
    buffers: [Vec<u32>; 5],
}

impl<'a> Sweep<'a> {
    fn new(rings: &'a [&'a [Point]]) -> Self {
        let mut offsets = Vec::with_capacity(rings.len());
        let mut ring_of = Vec::new();
        let mut total = 0u32;
        for (r, ring) in rings.iter().enumerate() {
            offsets.push(total);
            total += ring.len() as u32;
            ring_of.extend(std::iter::repeat_n(r as u32, ring.len()));
        }
        let mut geometry = Rings {
            rings,
            offsets,
            ring_of,
            ends: Vec::new(),
        };
        geometry.ends = (0..total).map(|id| geometry.compute_edge(id)).collect();
        Sweep {
            rings: geometry,
            status: Treap::new(total as usize),
            meetings: Vec::new(),
            faults: 0,
            crossed: Default::default(),
            reported: Default::default(),
            buffers: Default::default(),
        }
    }

    fn record(&mut self, kind: MeetingKind, at: Point, a: u32, b: u32) {
        if kind != MeetingKind::Touch {
            // One fault per pair of edges (a spike is seen at its tip and at its base).
            if !self.reported.insert((a.min(b), a.max(b))) {
                return;
            }
            self.faults += 1;
        }
        let edges = [self.rings.local(a), self.rings.local(b)];
        self.meetings.push(Meeting { kind, at, edges });
    }

    fn run(mut self) -> Vec<Meeting> {
        let total = self.rings.ring_of.len();
        if self.rings.rings.iter().any(|r| r.len() < 2) {
            return Vec::new();
        }
        let mut order: Vec<u32> = (0..total as u32).collect();
        let points: Vec<Point> = (0..total as u32).map(|i| self.rings.point(i)).collect();
        order.sort_unstable_by(|&a, &b| lex(points[a as usize], points[b as usize]));
        let mut start = 0;
        while start < order.len() && self.faults < MAX_FAULTS {
            let p = points[order[start] as usize];
            let mut end = start + 1;
            while end < order.len() && points[order[end] as usize] == p {
                end += 1;
            }
            self.event(p, &order[start..end]);
            start = end;
        }
        self.meetings
    }

    /// Processes the vertices `at` (all equal to `p`).
    fn event(&mut self, p: Point, at: &[u32]) {
        let mut buffers = std::mem::take(&mut self.buffers);
        for buffer in &mut buffers {
            buffer.clear();
        }
        self.event_with(p, at, &mut buffers);
        self.buffers = buffers;
    }

    fn event_with(&mut self, p: Point, at: &[u32], buffers: &mut [Vec<u32>; 5]) {
        let [run, ending, starting, through, region] = buffers;
        // The status run of edges through p: those ending at p and those passing through it.
        let first = self.status.first_where(|t| {
            let (a, b) = self.rings.edge(t);
            orient(a, b, p) <= 0.0
        });
        let mut after = first;
        while after != NIL {
            let (a, b) = self.rings.edge(after);
            if orient(a, b, p) != 0.0 {
                break;
            }
            run.push(after);
            after = self.status.next(after);
        }
        let before = if first == NIL {
            self.status.last()
        } else {
            self.status.prev(first)
        };

        // Edges incident to the vertices at p: ending (other end before p) or starting.
        for &v in at {
            for edge in [self.rings.prev_vertex(v), v] {
                let other = if edge == v {
                    self.rings.point(self.rings.next_vertex(v))
                } else {
                    self.rings.point(edge)
                };
                if lex(other, p) == Ordering::Less {
                    ending.push(edge);
                } else {
                    starting.push(edge);
                }
            }
        }
        ending.sort_unstable();
        ending.dedup();
        starting.sort_unstable();
        starting.dedup();
        through.extend(
            run.iter()
                .copied()
                .filter(|e| ending.binary_search(e).is_err()),
        );

        if at.len() == 1 && through.is_empty() {
            self.check_spike(p, at[0]);
        } else {
            self.classify(p, at, through);
        }
        if self.faults >= MAX_FAULTS {
            return;
        }

        for &e in ending.iter() {
            // An edge whose left end was before p is in the status unless the order broke.
            if self.status.nodes[e as usize].parent != NIL || self.status.root == e {
                self.status.remove(e);
            }
        }
        for &e in starting.iter() {
            let (_, q) = self.rings.edge(e);
            let rings = &self.rings;
            self.status.insert(e, |t| {
                let (a, b) = rings.edge(t);
                let o = orient(a, b, p);
                if o != 0.0 {
                    return o < 0.0;
                }
                let o = orient(a, b, q);
                if o != 0.0 {
                    return o < 0.0;
                }
                e < t
            });
        }

        // Neighbours that are new: test the whole region between `before` and the edge
        // that followed the run.
        let mut at_node = if before == NIL {
            self.first_node()
        } else {
            before
        };
        while at_node != NIL {
            region.push(at_node);
            if at_node == after && at_node != before {
                break;
            }
            at_node = self.status.next(at_node);
            if region.len() > starting.len() + through.len() + 2 {
                break;
            }
        }
        for pair in region.windows(2) {
            self.test_crossing(pair[0], pair[1]);
            if self.faults >= MAX_FAULTS {
                return;
            }
        }
    }

    fn first_node(&self) -> u32 {
        let mut at = self.status.root;
        if at == NIL {
            return NIL;
        }
        while self.status.nodes[at as usize].left != NIL {
            at = self.status.nodes[at as usize].left;
        }
        at
    }

    /// A proper crossing (interiors of both edges) between two status neighbours.
    fn test_crossing(&mut self, s: u32, t: u32) {
        if self.rings.adjacent(s, t) {
            return;
        }
        let (a, b) = self.rings.edge(s);
        let (c, d) = self.rings.edge(t);
        let (d1, d2) = (orient(a, b, c), orient(a, b, d));
        let (d3, d4) = (orient(c, d, a), orient(c, d, b));
        if !(d1 * d2 < 0.0 && d3 * d4 < 0.0) {
            return;
        }
        let key = (s.min(t), s.max(t));
        if !self.crossed.insert(key) {
            return;
        }
        // The crossing point, for the message only.
        let t_param = d1 / (d1 - d2);
        let at = [
            c[0] + (d[0] - c[0]) * t_param,
            c[1] + (d[1] - c[1]) * t_param,
        ];
        let (first, second) = if s < t { (s, t) } else { (t, s) };
        self.record(MeetingKind::Crossing, at, first, second);
    }

    /// A vertex where only its own ring passes: the ring may fold back on itself.
    fn check_spike(&mut self, p: Point, v: u32) {
        let prev = self.rings.point(self.rings.prev_vertex(v));
        let next = self.rings.point(self.rings.next_vertex(v));
        if same_direction(p, prev, next) {
            self.record(MeetingKind::Overlap, p, self.rings.prev_vertex(v), v);
        }
    }

    /// How the rings meeting at p meet: GEOS `PolygonIntersectionAnalyzer` on a node.
    fn classify(&mut self, p: Point, at: &[u32], through: &[u32]) {
        let mut passes: Vec<Pass> = Vec::with_capacity(at.len() + through.len());
        for &v in at {
            let prev = self.rings.prev_vertex(v);
            passes.push(Pass {
                ring: self.rings.ring_of[v as usize],
                edge: v,
                ends: [
                    self.rings.point(prev),
                    self.rings.point(self.rings.next_vertex(v)),
                ],
                edges: [prev, v],
                interior: false,
            });
        }
        for &e in through {
            let (a, b) = self.rings.edge(e);
            passes.push(Pass {
                ring: self.rings.ring_of[e as usize],
                edge: e,
                ends: [a, b],
                edges: [e, e],
                interior: true,
            });
        }
        for &v in at {
            self.check_spike(p, v);
        }
        for i in 0..passes.len() {
            for j in i + 1..passes.len() {
                let (a, b) = (passes[i], passes[j]);
                let overlap = (0..2)
                    .flat_map(|i| (0..2).map(move |j| (i, j)))
                    .find(|&(i, j)| same_direction(p, a.ends[i], b.ends[j]));
                let (kind, ea, eb) = if let Some((i, j)) = overlap {
                    (MeetingKind::Overlap, a.edges[i], b.edges[j])
                } else if a.interior && b.interior {
                    (MeetingKind::Crossing, a.edge, b.edge)
                } else if a.ring == b.ring {
                    (MeetingKind::SelfTouch, a.edge, b.edge)
                } else if is_crossing(p, a.ends[0], a.ends[1], b.ends[0], b.ends[1]) {
                    (MeetingKind::Crossing, a.edge, b.edge)
                } else {
                    (MeetingKind::Touch, a.edge, b.edge)
                };
                let (first, second) = (ea.min(eb), ea.max(eb));
                self.record(kind, p, first, second);
                if self.faults >= MAX_FAULTS {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(rings: &[Vec<Point>]) -> Vec<MeetingKind> {
        run(rings).into_iter().map(|m| m.kind).collect()
    }

    fn run(rings: &[Vec<Point>]) -> Vec<Meeting> {
        let refs: Vec<&[Point]> = rings.iter().map(Vec::as_slice).collect();
        sweep(&refs)
    }

    #[test]
    fn a_square_meets_nothing() {
        assert!(kinds(&[vec![[0., 0.], [1., 0.], [1., 1.], [0., 1.]]]).is_empty());
    }

    #[test]
    fn a_bowtie_crosses_at_its_middle() {
        let m = run(&[vec![[0., 0.], [1., 1.], [1., 0.], [0., 1.]]]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].kind, MeetingKind::Crossing);
        assert_eq!(m[0].at, [0.5, 0.5]);
    }

    #[test]
    fn a_spike_overlaps_and_a_pinched_ring_touches_itself() {
        let spike = vec![[0., 0.], [2., 0.], [2., 1.], [3., 1.], [2., 1.], [0., 1.]];
        assert!(kinds(&[spike]).contains(&MeetingKind::Overlap));
        let pinched = vec![[0., 0.], [2., 0.], [1., 1.], [2., 2.], [0., 2.], [1., 1.]];
        assert_eq!(kinds(&[pinched]), vec![MeetingKind::SelfTouch]);
    }

    #[test]
    fn a_hole_touching_the_shell_at_a_vertex_and_on_an_edge() {
        let shell = vec![[0., 0.], [4., 0.], [4., 4.], [0., 4.]];
        let at_vertex = vec![[0., 0.], [1., 2.], [2., 1.]];
        assert_eq!(kinds(&[shell.clone(), at_vertex]), vec![MeetingKind::Touch]);
        let on_edge = vec![[2., 0.], [1., 1.], [3., 1.]];
        assert_eq!(kinds(&[shell.clone(), on_edge]), vec![MeetingKind::Touch]);
        let crossing = vec![[2., -1.], [1., 1.], [3., 1.]];
        assert!(kinds(&[shell, crossing]).contains(&MeetingKind::Crossing));
    }
}
