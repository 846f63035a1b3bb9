//! The first fast path of the ring checks, in one pass: a proof that a single ring is simple
//! because it is star-shaped from a point near the mean of its vertices. Many drawn areas
//! are (convex polygons, circles, and the spiky "star" whose radius jitters per vertex, on
//! which a sweep is at its slowest: a vertical line there cuts tens of thousands of edges).
//!
//! The rule: take any point `c` (here the vertex mean, of an evenly spread sample of 1,024
//! vertices on a big ring, moved towards the kernel by relaxation when needed; as `f64`: its
//! exact value does not matter, only that every predicate below is evaluated exactly at
//! it). If every edge `v[i]→v[i+1]` turns the same way around `c` (the exact sign of `orient(c, v[i], v[i+1])`
//! is the same non-zero sign for all edges) and the ring winds around `c` exactly once (its
//! winding number, counted with exact predicates, is that sign), then the edges' angular
//! sectors seen from `c` are each narrower than a half turn and tile the full turn once. Two
//! edges whose sectors do not touch share no point; two consecutive edges share only the
//! vertex on their common ray (a segment not through `c` and not on a line through `c` cuts
//! each ray of its sector once). So no two edges meet except consecutive ones at their
//! common vertex, and no edge runs back along its neighbour: exactly what
//! `chains::meet_nowhere` proves, in one sequential pass instead of a sweep. When the test
//! fails (a ring that is not star-shaped from `c`, or any other ring count) the caller goes on
//! to the chain sweep; failing costs a pass up to the first edge that turns the wrong way,
//! plus relaxation passes over a sample of the edges.

use super::sweep::{orient, Point};

/// Whether `rings` is one ring (a cycle: no closing repeat, no two consecutive vertices
/// equal, at least 3 vertices, finite coordinates) that is star-shaped from a point near its
/// vertex mean, which proves it simple (see the module docs). `false` means "not proven".
pub(crate) fn star_shaped_simple(rings: &[&[Point]]) -> bool {
    let [ring] = rings else {
        return false;
    };
    let n = ring.len();
    if n < 3 {
        return false;
    }
    // On a big ring the mean and the orientation of an evenly spread sample of its vertices
    // stand in for the whole ring's, and cost no pass over it: a round or convex ring is seen
    // whole from near its mean as well as from it. A strange sample can only cost the proof,
    // never give a wrong verdict: every verdict below is taken with exact predicates.
    let Some((mean, side)) = sampled_mean_and_side(ring).or_else(|| mean_and_side(ring)) else {
        return false;
    };
    // Most star-shaped rings (convex ones, circles) are seen whole from their mean: one
    // exact pass. Only if that fails is the point moved towards the kernel.
    match view_from(ring, mean) {
        View::Once => true,
        // A ring that keeps turning one way around its mean for more than a full turn (a
        // spiral) is not star-shaped from anywhere near it: no relaxation for it.
        View::MoreThanOnce => false,
        // A relaxation pass over the whole ring is serial (each move depends on the last):
        // relax on a sample of the edges first, which either finds a point near a kernel to
        // start from or shows that the ring has none (the spiral band, the Koch coastline).
        View::WrongTurn => {
            match sampled_kernel(ring, mean, side).and_then(|c| relaxed(ring, c, side)) {
                Some(c) if c != mean => view_from(ring, c) == View::Once,
                _ => false,
            }
        }
    }
}

/// How a ring looks from a point, by the exact signs of its edges' turns around it.
#[derive(PartialEq, Eq)]
enum View {
    /// Every edge turns the same way and the ring winds around the point exactly once: the
    /// ring is star-shaped from the point.
    Once,
    /// Some edge turns the other way than the first, or runs through the point's line.
    WrongTurn,
    /// The edges so far all turn one way and already wind more than once: a ring that is not
    /// simple, or a spiral seen from inside (said as soon as it shows, not at the end).
    MoreThanOnce,
}

fn view_from(ring: &[Point], c: Point) -> View {
    let n = ring.len();
    let mut turn = 0i64;
    let mut winding = 0i64;
    let mut a = ring[n - 1];
    for &b in ring.iter() {
        let o = orient(c, a, b);
        let sign = if o > 0.0 {
            1
        } else if o < 0.0 {
            -1
        } else {
            return View::WrongTurn;
        };
        if turn == 0 {
            turn = sign;
        } else if sign != turn {
            return View::WrongTurn;
        }
        // Winding number of the ring around `c` (Sunday's crossing rule): an edge crossing
        // the horizontal line through `c` upwards with `c` on its left counts +1, downwards
        // with `c` on its right -1. `orient(a, b, c)` has the sign of `orient(c, a, b)`.
        if a[1] <= c[1] {
            if b[1] > c[1] && sign > 0 {
                winding += 1;
            }
        } else if b[1] <= c[1] && sign < 0 {
            winding -= 1;
        }
        // With every turn one way the count only grows in that direction.
        if winding * turn > 1 {
            return View::MoreThanOnce;
        }
        a = b;
    }
    if winding == turn {
        View::Once
    } else {
        View::WrongTurn
    }
}

/// The vertex mean of `ring` and the sign of its signed area (1.0 counter-clockwise, -1.0
/// clockwise), in one pass (the shoelace relative to the first vertex, for precision);
/// `None` for non-finite input or a zero area.
fn mean_and_side(ring: &[Point]) -> Option<(Point, f64)> {
    let n = ring.len();
    let (mut sx, mut sy) = (0.0f64, 0.0f64);
    let o = ring[0];
    let mut twice_area = 0.0;
    let mut a = ring[n - 1];
    for &b in ring {
        sx += b[0];
        sy += b[1];
        twice_area += (a[0] - o[0]) * (b[1] - o[1]) - (b[0] - o[0]) * (a[1] - o[1]);
        a = b;
    }
    let c = [sx / n as f64, sy / n as f64];
    if !(c[0].is_finite() && c[1].is_finite() && twice_area.is_finite()) || twice_area == 0.0 {
        return None;
    }
    Some((c, twice_area.signum()))
}

/// [`mean_and_side`] of the [`KERNEL_SAMPLE`] vertices `ring[k * (n / KERNEL_SAMPLE)]`, as
/// a ring; `None` on a ring of at most four times as many vertices (the caller then takes
/// all of them), when not finite, or for a zero area.
fn sampled_mean_and_side(ring: &[Point]) -> Option<(Point, f64)> {
    let n = ring.len();
    if n <= 4 * KERNEL_SAMPLE {
        return None;
    }
    let step = n / KERNEL_SAMPLE;
    let sample: Vec<Point> = (0..KERNEL_SAMPLE).map(|k| ring[k * step]).collect();
    mean_and_side(&sample)
}

/// A point from which every edge of `ring` should turn the same way, if the ring is
/// star-shaped: `start` (from [`sampled_kernel`]; `side`: the ring's orientation), moved by a
/// few passes of the relaxation method for linear inequalities (Agmon, Motzkin and
/// Schoenberg, 1954): each edge that has the point on its wrong side pushes it a little past
/// the edge's line. On a spiky star the kernel (the
/// points that see the whole ring) is a tiny disc around the centre, far smaller than the
/// mean's distance to the centre; the nearly radial edges' lines run through that disc in
/// every direction, so the passes home in on it. Plain `f64`: the point only has to be good,
/// the caller decides with exact predicates. `None` when it stops being finite.
fn relaxed(ring: &[Point], start: Point, side: f64) -> Option<Point> {
    let n = ring.len();
    let mut c = start;
    let mut before = usize::MAX / 10;
    for _ in 0..KERNEL_PASSES {
        let mut moved = 0usize;
        let mut a = ring[n - 1];
        for &b in ring {
            moved += usize::from(push_past(&mut c, a, b, side));
            a = b;
        }
        // Done, or not converging: on a star the count of edges that move the point falls
        // pass after pass (1817, 1474, 1003, 325, 1, 0 on the 200,000-vertex benchmark
        // star), on a ring that is not star-shaped it stays (57,084 then 57,080 on the Koch
        // coastline): stop paying passes for that one.
        if moved == 0 || moved * 10 > before * 9 {
            break;
        }
        // Far from a kernel: started from the whole vertex mean, a pass over the benchmark
        // star moved the point for about 1% of its edges (1817 of 200,000), over the Koch
        // coastline for 29%, over the spiral band for 96%; the sampled start is nearer.
        if moved.saturating_mul(KERNEL_MISS_RATIO) > n {
            return None;
        }
        before = moved;
    }
    (c[0].is_finite() && c[1].is_finite()).then_some(c)
}

/// A start for [`relaxed`]: `mean` moved by relaxation passes over [`KERNEL_SAMPLE`] edges
/// spread evenly over the ring (all of them on a small ring), until a pass moves it no more,
/// or until the count of edges that move it has not fallen for two passes (at most
/// [`SAMPLE_PASSES`]). `None` when the last pass still moved it for more than one sampled
/// edge in [`KERNEL_MISS_RATIO`]: no kernel nearby. On the benchmark star the counts fall to
/// 0 (354, 340, ... 105, 32, 0 in 16 passes at 100,000 vertices); on the spiral band, the
/// Koch coastline and the comb they stay at 541, 320 and 256 from the second pass on. Plain
/// `f64`, like [`relaxed`].
fn sampled_kernel(ring: &[Point], mean: Point, side: f64) -> Option<Point> {
    let n = ring.len();
    if n <= 4 * KERNEL_SAMPLE {
        return Some(mean);
    }
    let step = n / KERNEL_SAMPLE;
    let mut c = mean;
    let (mut moved, mut before, mut stalled) = (0usize, usize::MAX, 0);
    for _ in 0..SAMPLE_PASSES {
        moved = (0..KERNEL_SAMPLE)
            .filter(|k| {
                let i = k * step;
                push_past(&mut c, ring[i], ring[i + 1], side)
            })
            .count();
        if moved == 0 {
            break;
        }
        stalled = if moved >= before { stalled + 1 } else { 0 };
        if stalled == 2 {
            break;
        }
        before = moved;
    }
    (moved * KERNEL_MISS_RATIO <= KERNEL_SAMPLE && c[0].is_finite() && c[1].is_finite())
        .then_some(c)
}

/// Relaxation passes over the sampled edges, at most (each costs about 1,024 steps).
const SAMPLE_PASSES: usize = 64;

/// Edges sampled by [`sampled_kernel`].
const KERNEL_SAMPLE: usize = 1024;

/// Twice the signed area of the triangle (a, b, c), in plain `f64`.
#[inline]
fn cross(a: Point, b: Point, c: Point) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// One relaxation step: when `c` is not strictly on the inner side of the line through the
/// edge a→b (for a ring turning `side`), moves it along the edge's inward normal to a small
/// depth past the line; whether it moved.
#[inline]
fn push_past(c: &mut Point, a: Point, b: Point, side: f64) -> bool {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let inner = side * cross(a, b, *c);
    let len2 = dx * dx + dy * dy;
    if inner <= 0.0 && len2 > 0.0 {
        let depth = -inner / len2 + 1e-9;
        c[0] -= side * dy * depth;
        c[1] += side * dx * depth;
        true
    } else {
        false
    }
}

/// A first relaxation pass that moves the point for more than one edge in this many gives
/// up: the ring is far from star-shaped around there.
const KERNEL_MISS_RATIO: usize = 20;

/// Relaxation passes over the ring before giving up on finding a kernel point.
const KERNEL_PASSES: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::geometry::sweep::sweep;
    use crate::test_rng::Lcg;

    fn ring(points: &[Point]) -> bool {
        star_shaped_simple(&[points])
    }

    #[test]
    fn proves_circles_boxes_and_jittered_stars() {
        let n = 2000;
        let circle: Vec<Point> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                [a.cos(), a.sin()]
            })
            .collect();
        assert!(ring(&circle));
        let clockwise: Vec<Point> = circle.iter().rev().copied().collect();
        assert!(ring(&clockwise));
        let mut rng = Lcg(3);
        let star: Vec<Point> = (0..n)
            .map(|i| {
                let r = 0.3 + 0.7 * (rng.draw() as f64 / (1u64 << 31) as f64);
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                [13.4 + r * a.cos(), 52.5 + r * a.sin()]
            })
            .collect();
        assert!(ring(&star));
        assert!(ring(&[[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]]));
    }

    #[test]
    fn refuses_what_is_not_simple_or_not_one_ring() {
        // A bowtie, a ring winding twice (a pentagram), a spike, two rings.
        assert!(!ring(&[[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 2.0]]));
        let pentagram: Vec<Point> = (0..5)
            .map(|i| {
                let a = (2 * i) as f64 / 5.0 * std::f64::consts::TAU;
                [a.cos(), a.sin()]
            })
            .collect();
        assert!(!ring(&pentagram));
        assert!(!ring(&[[0.0, 0.0], [4.0, 0.0], [2.0, 0.0], [2.0, 3.0]]));
        let square: Vec<Point> = vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]];
        assert!(!star_shaped_simple(&[&square, &square]));
    }

    /// The fast path may only claim a ring simple when the exact sweep finds no meeting:
    /// star-like rings with jittered radii and angles, some of them tangled (angles out of
    /// order, radii through the centre, repeated angles), on a coarse grid so that touches
    /// and collinear edges are common.
    #[test]
    fn never_claims_simple_when_the_exact_sweep_finds_a_meeting() {
        let mut rng = Lcg(11);
        let mut next = move || rng.draw();
        let (mut proven, mut refused) = (0, 0);
        for case in 0..30_000 {
            let len = 3 + next() % 14;
            let grid = [4.0, 16.0, 1000.0][case % 3];
            let tangle = next() % 4;
            let mut points: Vec<Point> = Vec::new();
            for i in 0..len {
                let mut angle = (i as f64 + (next() % 100) as f64 / 100.0) / len as f64;
                if tangle == 0 && next() % 3 == 0 {
                    angle = (next() % 100) as f64 / 100.0;
                }
                let radius = match tangle {
                    1 => (next() % 6) as f64 / 2.0,
                    _ => 0.5 + (next() % 10) as f64 / 4.0,
                };
                let a = angle * std::f64::consts::TAU;
                points.push([
                    (grid * radius * a.cos()).round() / grid * 4.0 + 0.0,
                    (grid * radius * a.sin()).round() / grid * 4.0 + 0.0,
                ]);
            }
            points.dedup();
            while points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 {
                continue;
            }
            if ring(&points) {
                proven += 1;
                assert!(
                    sweep(&[&points]).is_empty(),
                    "claimed simple, but the sweep finds meetings: {points:?}"
                );
            } else {
                refused += 1;
            }
        }
        // Both outcomes are exercised.
        assert!(proven > 5_000 && refused > 5_000, "{proven} {refused}");
    }

    /// The same on rings big enough for the sampled mean and the sampled relaxation
    /// (over 4,096 vertices): jittered stars, some tangled by one swapped pair of vertices
    /// or one vertex pulled across the centre, some spiral bands; on a grid coarse enough
    /// for touches. A wrong sample may only cost the proof.
    #[test]
    fn big_rings_are_never_claimed_simple_when_the_exact_sweep_finds_a_meeting() {
        let mut rng = Lcg(5);
        let mut next = move || rng.draw();
        let (mut proven, mut refused) = (0, 0);
        for case in 0..160 {
            let n = 4_100 + (next() % 2_000) as usize;
            let grid = [1e4, 1e6][case % 2];
            let snap = |x: f64| (x * grid).round() / grid + 0.0;
            let mut points: Vec<Point> = if case % 4 == 3 {
                // A spiral band of 2 to 4 turns.
                let turns = 2.0 + (next() % 3) as f64;
                let half = n / 2;
                let arm = |i: usize, offset: f64| {
                    let t = i as f64 / half as f64;
                    let a = t * turns * std::f64::consts::TAU;
                    let r = 0.1 + t + offset;
                    [snap(r * a.cos()), snap(r * a.sin())]
                };
                let width = [0.05, 0.2, 0.4][(next() % 3) as usize] / turns;
                (0..half)
                    .map(|i| arm(i, width))
                    .chain((0..half).rev().map(|i| arm(i, -width)))
                    .collect()
            } else {
                (0..n)
                    .map(|i| {
                        let r = 0.3 + 0.7 * (next() % 1000) as f64 / 1000.0;
                        let a = i as f64 / n as f64 * std::f64::consts::TAU;
                        [snap(r * a.cos()), snap(r * a.sin())]
                    })
                    .collect()
            };
            match next() % 3 {
                0 => {
                    let (i, j) = (next() as usize % n, next() as usize % n);
                    points.swap(i, j);
                }
                1 => {
                    let i = next() as usize % n;
                    points[i] = [snap(-points[i][0] * 0.2), snap(-points[i][1] * 0.2)];
                }
                _ => {}
            }
            points.dedup();
            while points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if ring(&points) {
                proven += 1;
                assert!(
                    sweep(&[&points]).is_empty(),
                    "case {case}: claimed simple, but the sweep finds meetings"
                );
            } else {
                refused += 1;
            }
        }
        assert!(proven > 30 && refused > 30, "{proven} {refused}");
    }
}
