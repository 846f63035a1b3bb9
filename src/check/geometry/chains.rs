//! The fast path of the ring checks: a proof that the rings of a polygon meet nowhere (no
//! crossing, no touch, no shared stretch, no spike), found by sweeping monotone chains instead
//! of edges. When the proof fails — the rings do meet somewhere, or the input is degenerate
//! in a way this path does not untangle, or it has spent its work budget — the caller runs
//! the exact vertex sweep ([`super::sweep`]), which classifies every meeting as GEOS does.
//!
//! Why: GEOS's `IsValidOp` is fast on smooth shapes because it cuts each ring into monotone
//! chains (`MonotoneChainBuilder`) and compares chains, not edges, splitting two chains in
//! halves only where their envelopes overlap (`MonotoneChain::computeOverlaps`): a
//! 200,000-vertex circle is four chains. But it finds the chain pairs to compare with an
//! envelope index (`MCIndexNoder` over an STR-tree), so on spiky shapes, where many chains'
//! envelopes overlap, it compares nearly every pair: quadratic. Here the chains are swept
//! as Shamos–Hoey sweeps segments (ordered by height in a treap, compared with `robust`'s
//! exact orientation): a pair of chains is compared only when they become neighbours in the
//! sweep, from the sweep position on. So a smooth ring costs about one pass over its
//! vertices, and a spiky one (chains of one or two edges) costs what the edge sweep costs.
//!
//! A chain here is a maximal run of edges that all go the same way in the sweep's
//! (x, then y) order and whose y never turns back: along it, x never decreases and y is
//! monotone, so the bounding box of any stretch of it is the box of its two ends, and it
//! cannot meet itself. Consecutive edges of a ring meet at their shared vertex by design;
//! everywhere else any common point is a meeting.
//!
//! Correctness argument (Shamos–Hoey): if some pair of chains meets, take the first meeting
//! point q in sweep order. Just before q, two chains through q are neighbours in the status
//! (a chain between them would have to end — an event — or meet one of them earlier), and
//! they were compared from the event where they became neighbours onward, which covers q.
//! Anything degenerate at an event (two vertices at one point, a vertex on another chain,
//! two chains leaving a point in one direction) ends the fast path.

use std::cmp::Ordering;

use super::sweep::{lex, orient, same_direction, Point};
use super::treap::{Treap, NIL};

/// Work units (chain-pair box comparisons and status comparisons) per vertex before the fast
/// path gives up; the exact sweep then costs O(n log n) as before.
const BUDGET_PER_VERTEX: usize = 24;

/// Whether the rings (cycles: no closing repeat, no two consecutive vertices equal, at least
/// 3 vertices, finite coordinates without -0.0) provably meet nowhere: no two edges share a
/// point except consecutive edges of a ring at their common vertex, and those do not run
/// back along each other. `false` means "not proven": the exact sweep must decide.
pub(crate) fn meet_nowhere(rings: &[&[Point]]) -> bool {
    let total: usize = rings.iter().map(|r| r.len()).sum();
    if rings.iter().any(|r| r.len() < 3) || total >= u32::MAX as usize / 2 {
        return false;
    }
    let Some(chains) = build_chains(rings) else {
        return false;
    };
    let mut sweep = ChainSweep {
        rings,
        status: Treap::new(chains.len()),
        chains,
        work: 0,
        budget: BUDGET_PER_VERTEX * total + 4096,
        path: Vec::new(),
    };
    for c in 0..sweep.chains.len() as u32 {
        sweep.status.nodes[c as usize].payload = [sweep.vertex(c, 0), sweep.vertex(c, 1)];
    }
    sweep.run()
}

/// A monotone chain: `segs` edges of ring `ring`, starting (in ring order) at vertex `lo`.
/// Sweep order runs from the chain's lexicographically smaller end: forward in the ring
/// when `forward`, backward otherwise.
#[derive(Clone, Copy, Debug)]
struct Chain {
    ring: u32,
    lo: u32,
    segs: u32,
    forward: bool,
    /// The edge (sweep order) under the sweep position; only moves on.
    cursor: u32,
}

/// A chain's current edge (`Chain::cursor`'s) in sweep order, kept in its status node: every
/// comparison on the way down the status reads it, and reading it there instead of in the
/// chain and the ring saves two cache misses per level (on a spiky 200,000-vertex ring the
/// status holds tens of thousands of chains, far more than the caches).
type Edge = [Point; 2];

/// The class of the edge a→b: its direction in sweep order (bit 1: forward), and whether y
/// rises going in sweep order (bit 0). A chain is a maximal cyclic run of one class. Bit 2
/// marks a zero-length edge (no class). Plain comparisons, no branch, so that the pass over
/// a ring's edges vectorises: coordinates here are finite and never -0.0, so they order as
/// `lex` orders them.
#[inline]
fn class(a: Point, b: Point) -> u8 {
    let forward = (b[0] > a[0]) | ((b[0] == a[0]) & (b[1] > a[1]));
    let same = (b[0] == a[0]) & (b[1] == a[1]);
    let rises = (forward & (b[1] >= a[1])) | (!forward & (a[1] >= b[1]));
    u8::from(same) << 2 | u8::from(forward) << 1 | u8::from(rises)
}

/// Set in a [`class`] for a zero-length edge.
const NO_CLASS: u8 = 4;

fn build_chains(rings: &[&[Point]]) -> Option<Vec<Chain>> {
    let mut chains = Vec::new();
    let mut classes: Vec<u8> = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        let n = ring.len();
        classes.clear();
        classes.extend(ring.windows(2).map(|w| class(w[0], w[1])));
        classes.push(class(ring[n - 1], ring[0]));
        if classes.iter().fold(0, |any, c| any | c) & NO_CLASS != 0 {
            return None;
        }
        // Start at a class change, so that no chain wraps past the start unseen. A closed
        // ring always turns back somewhere; a single class means bad input.
        let start = (0..n).find(|&i| classes[i] != classes[if i == 0 { n - 1 } else { i - 1 }])?;
        let mut run_start = start;
        let mut segs = 0u32;
        for step in 0..n {
            let i = if start + step >= n {
                start + step - n
            } else {
                start + step
            };
            if classes[i] != classes[run_start] {
                chains.push(Chain {
                    ring: r as u32,
                    lo: run_start as u32,
                    segs,
                    forward: classes[run_start] & 2 != 0,
                    cursor: 0,
                });
                run_start = i;
                segs = 0;
            }
            segs += 1;
        }
        chains.push(Chain {
            ring: r as u32,
            lo: run_start as u32,
            segs,
            forward: classes[run_start] & 2 != 0,
            cursor: 0,
        });
    }
    Some(chains)
}

/// What the sweep does at a junction (a vertex where one chain of a ring ends and the next
/// begins), by the two chains' directions.
enum Junction {
    /// One chain ends here and the other starts: the second takes the first's place.
    Replace { ending: u32, starting: u32 },
    /// Both start here (the ring turns at its left).
    Open(u32, u32),
    /// Both end here (the ring turns at its right).
    Close(u32, u32),
}

struct ChainSweep<'a> {
    rings: &'a [&'a [Point]],
    chains: Vec<Chain>,
    status: Treap<Edge>,
    work: usize,
    budget: usize,
    /// The comparisons of the insertion under way, root first (reused).
    path: Vec<bool>,
}

impl ChainSweep<'_> {
    /// Vertex `j` (0..=segs) of chain `c` in sweep order.
    #[inline]
    fn vertex(&self, c: u32, j: u32) -> Point {
        let chain = &self.chains[c as usize];
        let ring = self.rings[chain.ring as usize];
        let at = if chain.forward {
            chain.lo + j
        } else {
            chain.lo + chain.segs - j
        } as usize;
        ring[if at >= ring.len() {
            at - ring.len()
        } else {
            at
        }]
    }

    /// The ring index of the edge `j` (sweep order) of chain `c`.
    #[inline]
    fn ring_edge(&self, c: u32, j: u32) -> usize {
        let chain = &self.chains[c as usize];
        let n = self.rings[chain.ring as usize].len();
        let at = if chain.forward {
            chain.lo + j
        } else {
            chain.lo + chain.segs - 1 - j
        } as usize;
        if at >= n {
            at - n
        } else {
            at
        }
    }

    /// The edge of chain `c` under sweep position `p` (its right end after `p`), moving the
    /// chain's cursor on.
    #[inline]
    fn edge_at(&mut self, c: u32, p: Point) -> (Point, Point) {
        let [a, b] = self.status.nodes[c as usize].payload;
        if lex(b, p) == Ordering::Greater {
            return (a, b);
        }
        self.advance(c, p)
    }

    /// `edge_at` when the cursor moves: on to the last edge whose left end is at or before
    /// `p`.
    /// Galloping, then halving: the sweep may pass hundreds of a long chain's vertices
    /// between two looks at it (on a spiral band, chains of a thousand edges are looked at a
    /// few times each), and its vertices are in sweep order.
    #[cold]
    fn advance(&mut self, c: u32, p: Point) -> (Point, Point) {
        let segs = self.chains[c as usize].segs;
        let mut j = self.chains[c as usize].cursor;
        // Invariant: vertex j is at or before p; find the last such vertex before `segs`.
        let at_or_before = |sweep: &Self, k: u32| lex(sweep.vertex(c, k), p) != Ordering::Greater;
        let mut step = 1;
        while j + step < segs && at_or_before(self, j + step) {
            j += step;
            step *= 2;
            self.work += 1;
        }
        // The answer is in [j, min(j + step, segs) - 1].
        let mut hi = (j + step).min(segs);
        while hi - j > 1 {
            let mid = j + (hi - j) / 2;
            if at_or_before(self, mid) {
                j = mid;
            } else {
                hi = mid;
            }
            self.work += 1;
        }
        debug_assert!(at_or_before(self, j) && (j + 1 == segs || !at_or_before(self, j + 1)));
        let edge = (self.vertex(c, j), self.vertex(c, j + 1));
        self.chains[c as usize].cursor = j;
        self.status.nodes[c as usize].payload = [edge.0, edge.1];
        edge
    }

    fn run(mut self) -> bool {
        // Junction i: the end (ring order) of chain i, where the ring's next chain starts.
        let mut junctions: Vec<(Point, u32, u32)> = Vec::with_capacity(self.chains.len());
        for i in 0..self.chains.len() {
            let chain = self.chains[i];
            let n = self.rings[chain.ring as usize].len() as u32;
            let end = (chain.lo + chain.segs) % n;
            let next = if i + 1 < self.chains.len() && self.chains[i + 1].ring == chain.ring {
                i + 1
            } else {
                // The ring's first chain: chains of a ring are stored consecutively.
                let mut first = i;
                while first > 0 && self.chains[first - 1].ring == chain.ring {
                    first -= 1;
                }
                first
            };
            if self.chains[next].lo != end {
                return false;
            }
            let point = self.rings[chain.ring as usize][end as usize];
            junctions.push((point, i as u32, next as u32));
        }
        junctions.sort_unstable_by(|a, b| lex(a.0, b.0));
        if junctions.windows(2).any(|w| w[0].0 == w[1].0) {
            // Two rings' vertices (or one ring's) at one point: a meeting.
            return false;
        }
        for &(p, before, after) in &junctions {
            let junction = match (
                self.chains[before as usize].forward,
                self.chains[after as usize].forward,
            ) {
                (true, true) => Junction::Replace {
                    ending: before,
                    starting: after,
                },
                (false, false) => Junction::Replace {
                    ending: after,
                    starting: before,
                },
                (false, true) => Junction::Open(before, after),
                (true, false) => Junction::Close(before, after),
            };
            let ok = match junction {
                Junction::Replace { ending, starting } => self.replace(p, ending, starting),
                Junction::Open(a, b) => self.open(p, a, b),
                Junction::Close(a, b) => self.close(p, a, b),
            };
            if !ok || self.work > self.budget {
                return false;
            }
        }
        true
    }

    /// Whether `p` lies strictly above the chain `c` (false when on it: a meeting).
    fn above(&mut self, c: u32, p: Point) -> bool {
        let (a, b) = self.edge_at(c, p);
        orient(a, b, p) > 0.0
    }

    fn replace(&mut self, p: Point, ending: u32, starting: u32) -> bool {
        if !self.status.contains(ending) {
            return false;
        }
        let below = self.status.prev(ending);
        let above = self.status.next(ending);
        if below != NIL && !self.above(below, p) {
            return false;
        }
        if above != NIL {
            let (a, b) = self.edge_at(above, p);
            if orient(a, b, p) >= 0.0 {
                return false;
            }
        }
        self.status.replace(ending, starting);
        (below == NIL || self.apart(below, starting, p))
            && (above == NIL || self.apart(starting, above, p))
    }

    /// Inserts chain `c`, which starts at `p`, by comparing `p` with the chains cut by the
    /// sweep there; `partner` (if in the status) starts at `p` too and is compared by the
    /// chains' second vertices. False on any tie.
    fn insert(&mut self, p: Point, c: u32, partner: Option<u32>) -> bool {
        let second = self.vertex(c, 1);
        // Walk down from the root deciding each comparison first, then insert along it.
        let mut tie = false;
        let mut decisions = std::mem::take(&mut self.path);
        decisions.clear();
        let mut at = self.status.root;
        while at != NIL {
            self.work += 1;
            let below = if Some(at) == partner {
                let o = orient(p, self.vertex(at, 1), second);
                if o == 0.0 {
                    tie = true;
                }
                o < 0.0
            } else {
                let (a, b) = self.edge_at(at, p);
                let o = orient(a, b, p);
                if o == 0.0 {
                    tie = true;
                }
                o < 0.0
            };
            if tie {
                self.path = decisions;
                return false;
            }
            decisions.push(below);
            at = if below {
                self.status.nodes[at as usize].left
            } else {
                self.status.nodes[at as usize].right
            };
        }
        let mut step = 0;
        self.status.insert(c, |_| {
            let d = decisions[step];
            step += 1;
            d
        });
        self.path = decisions;
        true
    }

    fn open(&mut self, p: Point, a: u32, b: u32) -> bool {
        if !self.insert(p, a, None) || !self.insert(p, b, Some(a)) {
            return false;
        }
        let (lower, upper) = if self.status.next(a) == b {
            (a, b)
        } else if self.status.next(b) == a {
            (b, a)
        } else {
            return false;
        };
        let below = self.status.prev(lower);
        let above = self.status.next(upper);
        (below == NIL || self.apart(below, lower, p))
            && self.apart(lower, upper, p)
            && (above == NIL || self.apart(upper, above, p))
    }

    fn close(&mut self, p: Point, a: u32, b: u32) -> bool {
        if !self.status.contains(a) || !self.status.contains(b) {
            return false;
        }
        let (lower, upper) = if self.status.next(a) == b {
            (a, b)
        } else if self.status.next(b) == a {
            (b, a)
        } else {
            // Something runs between two chains that end at one point: it meets them.
            return false;
        };
        let below = self.status.prev(lower);
        let above = self.status.next(upper);
        self.status.remove(a);
        self.status.remove(b);
        below == NIL || above == NIL || self.apart(below, above, p)
    }

    /// Whether chains `s` and `t` share no point at or after the sweep position `p` (other
    /// than consecutive edges' common vertex); false also when the work budget runs out.
    fn apart(&mut self, s: u32, t: u32, p: Point) -> bool {
        let (s0, t0) = (
            self.chains[s as usize].cursor,
            self.chains[t as usize].cursor,
        );
        let (s1, t1) = (self.chains[s as usize].segs, self.chains[t as usize].segs);
        self.apart_ranges(s, s0, s1, t, t0, t1, p[0])
    }

    /// GEOS `MonotoneChain::computeOverlaps`: stretches `s[s0..=s1]` and `t[t0..=t1]`
    /// (vertex indices in sweep order), halved while their boxes overlap.
    #[allow(clippy::too_many_arguments)]
    fn apart_ranges(&mut self, s: u32, s0: u32, s1: u32, t: u32, t0: u32, t1: u32, x: f64) -> bool {
        self.work += 1;
        if self.work > self.budget {
            return false;
        }
        let (a0, a1) = (self.vertex(s, s0), self.vertex(s, s1));
        let (b0, b1) = (self.vertex(t, t0), self.vertex(t, t1));
        // x never decreases along a chain: [first, last] is the stretch's x range.
        if a1[0] < x || b1[0] < x || a0[0] > b1[0] || b0[0] > a1[0] {
            return true;
        }
        let (a_lo, a_hi) = if a0[1] <= a1[1] {
            (a0[1], a1[1])
        } else {
            (a1[1], a0[1])
        };
        let (b_lo, b_hi) = if b0[1] <= b1[1] {
            (b0[1], b1[1])
        } else {
            (b1[1], b0[1])
        };
        if a_lo > b_hi || b_lo > a_hi {
            return true;
        }
        let (s_edges, t_edges) = (s1 - s0, t1 - t0);
        if s_edges == 1 && t_edges == 1 {
            return self.edges_apart(s, s0, t, t0);
        }
        let s_halves = if s_edges > 1 {
            let mid = s0 + s_edges / 2;
            [(s0, mid), (mid, s1)]
        } else {
            [(s0, s1), (s0, s0)]
        };
        let t_halves = if t_edges > 1 {
            let mid = t0 + t_edges / 2;
            [(t0, mid), (mid, t1)]
        } else {
            [(t0, t1), (t0, t0)]
        };
        for &(u0, u1) in &s_halves {
            if u0 == u1 {
                continue;
            }
            for &(v0, v1) in &t_halves {
                if v0 == v1 {
                    continue;
                }
                if !self.apart_ranges(s, u0, u1, t, v0, v1, x) {
                    return false;
                }
            }
        }
        true
    }

    /// Whether edge `i` of chain `s` and edge `j` of chain `t` share no point, or are
    /// consecutive edges of a ring meeting only at their common vertex.
    fn edges_apart(&self, s: u32, i: u32, t: u32, j: u32) -> bool {
        let (a, b) = (self.vertex(s, i), self.vertex(s, i + 1));
        let (c, d) = (self.vertex(t, j), self.vertex(t, j + 1));
        let (rs, rt) = (self.chains[s as usize].ring, self.chains[t as usize].ring);
        if rs == rt {
            let n = self.rings[rs as usize].len();
            let (ei, ej) = (self.ring_edge(s, i), self.ring_edge(t, j));
            let consecutive = |x: usize, y: usize| if x + 1 == n { y == 0 } else { y == x + 1 };
            if consecutive(ei, ej) || consecutive(ej, ei) {
                // They share one vertex: apart unless they leave it in one direction.
                let (shared, e, f) = if a == c {
                    (a, b, d)
                } else if a == d {
                    (a, b, c)
                } else if b == c {
                    (b, a, d)
                } else {
                    (b, a, c)
                };
                return !same_direction(shared, e, f);
            }
        }
        !segments_meet(a, b, c, d)
    }
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// Whether the closed segments a–b and c–d (each with `lex(a, b) == Less`, `lex(c, d) ==
/// Less`) share a point, decided exactly.
fn segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (d1, d2) = (sign(orient(a, b, c)), sign(orient(a, b, d)));
    if d1 == d2 && d1 != 0 {
        return false;
    }
    let (d3, d4) = (sign(orient(c, d, a)), sign(orient(c, d, b)));
    if d3 == d4 && d3 != 0 {
        return false;
    }
    if d1 == 0 && d2 == 0 {
        // Collinear: they meet if their stretches along the line overlap.
        return lex(a, d) != Ordering::Greater && lex(c, b) != Ordering::Greater;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::geometry::sweep::sweep;
    use crate::test_rng::Lcg;

    fn check(rings: &[Vec<Point>]) -> bool {
        let refs: Vec<&[Point]> = rings.iter().map(Vec::as_slice).collect();
        meet_nowhere(&refs)
    }

    #[test]
    fn proves_smooth_and_box_shapes_clean() {
        let n = 1000;
        let circle: Vec<Point> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                [a.cos(), a.sin()]
            })
            .collect();
        assert!(check(std::slice::from_ref(&circle)));
        let hole: Vec<Point> = circle
            .iter()
            .rev()
            .map(|p| [p[0] * 0.5, p[1] * 0.5])
            .collect();
        assert!(check(&[circle.clone(), hole]));
        let square = vec![
            [0., 0.],
            [1., 0.],
            [2., 0.],
            [2., 1.],
            [2., 2.],
            [1., 2.],
            [0., 2.],
            [0., 1.],
        ];
        assert!(check(&[square]));
    }

    #[test]
    fn any_meeting_is_not_proven_clean() {
        let bowtie = vec![[0., 0.], [1., 1.], [1., 0.], [0., 1.]];
        assert!(!check(&[bowtie]));
        let spike = vec![[0., 0.], [2., 0.], [2., 1.], [3., 1.], [2., 1.], [0., 1.]];
        assert!(!check(&[spike]));
        let shell = vec![[0., 0.], [4., 0.], [4., 4.], [0., 4.]];
        let touching = vec![[2., 0.], [1., 1.], [3., 1.]];
        assert!(!check(&[shell.clone(), touching]));
        let vertical_touch = vec![[4., 2.], [3., 3.], [3., 1.]];
        assert!(!check(&[shell, vertical_touch]));
    }

    /// A random polygon on a small integer grid (many degenerate meetings: shared vertices,
    /// collinear edges, vertical edges), as cycles without consecutive repeats.
    fn random_rings(rng: &mut Lcg) -> Vec<Vec<Point>> {
        let mut next = || rng.draw();
        let rings = 1 + next() % 3;
        let grid = 2 + next() % 8;
        let mut out = Vec::new();
        for r in 0..rings {
            let len = 3 + next() % 9;
            let mut ring: Vec<Point> = Vec::new();
            if next() % 2 == 0 {
                // A star-shaped ring around a centre: often simple.
                let (cx, cy) = ((next() % grid) as f64, (next() % grid) as f64);
                for i in 0..len {
                    let angle = i as f64 / len as f64 * std::f64::consts::TAU;
                    let radius = 1.0 + (next() % grid) as f64 / 2.0 + r as f64;
                    // `+ 0.0`: no -0.0 (CycleRing turns it into 0.0 before any sweep).
                    ring.push([
                        (cx + radius * angle.cos()).round() + 0.0,
                        (cy + radius * angle.sin()).round() + 0.0,
                    ]);
                }
            } else {
                for _ in 0..len {
                    ring.push([(next() % grid) as f64, (next() % grid) as f64]);
                }
            }
            ring.dedup();
            while ring.len() > 1 && ring.first() == ring.last() {
                ring.pop();
            }
            if ring.len() >= 3 {
                out.push(ring);
            }
        }
        out
    }

    /// The fast path may only claim "meet nowhere" when the exact sweep finds no meeting.
    #[test]
    fn never_claims_clean_when_the_exact_sweep_finds_a_meeting() {
        let mut rng = Lcg(7);
        let (mut proven, mut cases) = (0, 0);
        for _ in 0..30_000 {
            let rings = random_rings(&mut rng);
            if rings.is_empty() {
                continue;
            }
            cases += 1;
            let refs: Vec<&[Point]> = rings.iter().map(Vec::as_slice).collect();
            let exact = sweep(&refs);
            if check(&rings) {
                proven += 1;
                assert!(exact.is_empty(), "{rings:?}: {exact:?}");
            }
        }
        // The fast path must also be useful: it proves a fair share of the clean cases.
        assert!(proven > cases / 20, "{proven} of {cases}");
    }

    /// The same on rings of long chains (hundreds of edges each, so that the cursors
    /// gallop): spiral bands, some too wide for their turns, some with one vertex moved, some
    /// with a circle inside that may cross or touch the band.
    #[test]
    fn long_chains_are_never_claimed_clean_when_the_exact_sweep_finds_a_meeting() {
        let mut rng = Lcg(17);
        let mut next = move || rng.draw();
        let (mut proven, mut cases) = (0, 0);
        for case in 0..300 {
            let half = 200 + (next() % 800) as usize;
            let grid = [1e3, 1e6][case % 2];
            let snap = |x: f64| (x * grid).round() / grid + 0.0;
            let turns = 1.0 + (next() % 4) as f64;
            let width = [0.1, 0.3, 0.55][(next() % 3) as usize] / turns;
            let arm = |i: usize, offset: f64| {
                let t = i as f64 / half as f64;
                let a = t * turns * std::f64::consts::TAU;
                let r = 0.2 + t + offset;
                [snap(r * a.cos()), snap(r * a.sin())]
            };
            let mut band: Vec<Point> = (0..half)
                .map(|i| arm(i, width))
                .chain((0..half).rev().map(|i| arm(i, -width)))
                .collect();
            if next() % 3 == 0 {
                let i = next() as usize % band.len();
                band[i] = [snap(band[i][0] * 1.03), snap(band[i][1] * 0.98)];
            }
            let mut rings = vec![band];
            if next() % 2 == 0 {
                let (cx, cy, r) = (
                    (next() % 200) as f64 / 100.0 - 1.0,
                    (next() % 200) as f64 / 100.0 - 1.0,
                    0.05 + (next() % 30) as f64 / 100.0,
                );
                let m = 50 + next() as usize % 300;
                rings.push(
                    (0..m)
                        .map(|i| {
                            let a = -(i as f64) / m as f64 * std::f64::consts::TAU;
                            [snap(cx + r * a.cos()), snap(cy + r * a.sin())]
                        })
                        .collect(),
                );
            }
            for ring in &mut rings {
                ring.dedup();
                while ring.len() > 1 && ring.first() == ring.last() {
                    ring.pop();
                }
            }
            cases += 1;
            let refs: Vec<&[Point]> = rings.iter().map(Vec::as_slice).collect();
            if check(&rings) {
                proven += 1;
                assert!(sweep(&refs).is_empty(), "case {case}: claimed clean");
            }
        }
        assert!(proven > cases / 5, "{proven} of {cases}");
    }
}
