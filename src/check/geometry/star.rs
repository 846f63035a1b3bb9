//! The first fast path of the ring checks, in one pass: a proof that a single ring is simple
//! because it is star-shaped from the mean of its vertices. Many drawn areas are (convex
//! polygons, circles, and the spiky "star" whose radius jitters per vertex, on which a sweep
//! is at its slowest: a vertical line there cuts tens of thousands of edges).
//!
//! The rule: take any point `c` (here the vertex mean, as `f64`; its exact value does not
//! matter, only that every predicate below is evaluated exactly at it). If every edge
//! `v[i]→v[i+1]` turns the same way around `c` (the exact sign of `orient(c, v[i], v[i+1])`
//! is the same non-zero sign for all edges) and the ring winds around `c` exactly once (its
//! winding number, counted with exact predicates, is that sign), then the edges' angular
//! sectors seen from `c` are each narrower than a half turn and tile the full turn once. Two
//! edges whose sectors do not touch share no point; two consecutive edges share only the
//! vertex on their common ray (a segment not through `c` and not on a line through `c` cuts
//! each ray of its sector once). So no two edges meet except consecutive ones at their
//! common vertex, and no edge runs back along its neighbour: exactly what
//! `chains::meet_nowhere` proves, in one sequential pass instead of a sweep. When the test
//! fails (a ring that is not star-shaped from `c`, or any other ring count) the caller goes on
//! to the chain sweep; failing costs a pass up to the first edge that turns the wrong way.

use super::sweep::{orient, Point};

/// Whether `rings` is one ring (a cycle: no closing repeat, no two consecutive vertices
/// equal, at least 3 vertices, finite coordinates) that is star-shaped from its vertex mean,
/// which proves it simple (see the module docs). `false` means "not proven".
pub(crate) fn star_shaped_simple(rings: &[&[Point]]) -> bool {
    let [ring] = rings else {
        return false;
    };
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let Some((mean, side)) = mean_and_side(ring) else {
        return false;
    };
    // Most star-shaped rings (convex ones, circles) are seen whole from their mean: one
    // exact pass. Only if that fails is the point moved towards the kernel.
    match view_from(ring, mean) {
        View::Once => true,
        // A ring that keeps turning one way around its mean for more than a full turn (a
        // spiral) is not star-shaped from anywhere near it: no relaxation for it.
        View::MoreThanOnce => false,
        View::WrongTurn => match relaxed(ring, mean, side) {
            Some(c) if c != mean => view_from(ring, c) == View::Once,
            _ => false,
        },
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

/// A point from which every edge of `ring` should turn the same way, if the ring is
/// star-shaped: the vertex mean (`side`: the ring's orientation), moved by a few passes of the relaxation method for linear
/// inequalities (Agmon, Motzkin and Schoenberg, 1954): each edge that has the point on its
/// wrong side pushes it a little past the edge's line. On a spiky star the kernel (the
/// points that see the whole ring) is a tiny disc around the centre, far smaller than the
/// mean's distance to the centre; the nearly radial edges' lines run through that disc in
/// every direction, so the passes home in on it. Plain `f64`: the point only has to be good,
/// the caller decides with exact predicates. `None` when it stops being finite.
fn relaxed(ring: &[Point], mean: Point, side: f64) -> Option<Point> {
    let n = ring.len();
    let mut c = mean;
    let mut before = usize::MAX / 10;
    for _ in 0..KERNEL_PASSES {
        let mut moved = 0usize;
        let mut a = ring[n - 1];
        for &b in ring {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            // Twice the signed area of (a, b, c), in the ring's turning direction.
            let cross = side * (dx * (c[1] - a[1]) - dy * (c[0] - a[0]));
            let len2 = dx * dx + dy * dy;
            if cross <= 0.0 && len2 > 0.0 {
                // Move c along the edge's inward normal to a small depth past the line.
                let depth = -cross / len2 + 1e-9;
                c[0] -= side * dy * depth;
                c[1] += side * dx * depth;
                moved += 1;
            }
            a = b;
        }
        // Done, or not converging: on a star the count of edges that move the point falls
        // pass after pass (1817, 1474, 1003, 325, 1, 0 on the 200,000-vertex benchmark
        // star), on a ring that is not star-shaped it stays (57,084 then 57,080 on the Koch
        // coastline): stop paying passes for that one.
        if moved == 0 || moved * 10 > before * 9 {
            break;
        }
        // Far from a kernel: a star's mean is on the wrong side of about 1% of its edges
        // (1817 of 200,000), the Koch coastline's of 29%, the spiral band's of 96%.
        if moved.saturating_mul(KERNEL_MISS_RATIO) > n {
            return None;
        }
        before = moved;
    }
    (c[0].is_finite() && c[1].is_finite()).then_some(c)
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
        let mut state = 3u64;
        let star: Vec<Point> = (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = 0.3 + 0.7 * ((state >> 33) as f64 / (1u64 << 31) as f64);
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
        let mut state = 11u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
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
}
