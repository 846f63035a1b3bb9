//! The simplify fix: fewer vertices, the same valid polygon. Visvalingam–Whyatt (remove the
//! vertex whose triangle with its neighbours has the least area, again and again) down to
//! exactly the limit, topology-preserving: a vertex is removed only when no other vertex of
//! any ring lies in its triangle (closed), so the new edge crosses nothing, holes stay
//! inside their shell and parts stay apart. Orientations are exact (`robust`). The result is
//! checked again by the validity step of the geometry check before the fix is offered.
//!
//! Costs: O(n log n) for the heap; the triangle test looks at the vertices of a uniform grid
//! of about n/2 cells, so a 200,000-vertex ring to 999 is one pass (benches/README.md).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{show_amount, thousands, AoiShape, Measures, Point};
use crate::check::{Edit, Fix};

/// The most a preferred (apply-without-asking) simplification may change the area, %.
pub const PREFERRED_MAX_AREA_CHANGE_PERCENT: f64 = 1.0;

/// The result of a simplification: for each polygon and ring, the indices (into the ring's
/// written positions) of the positions kept, the closing repeat not included.
#[derive(Clone, Debug, PartialEq)]
pub struct Simplified {
    pub kept: Vec<Vec<Vec<usize>>>,
    /// Positions written after simplification (each ring's closing one included).
    pub positions: usize,
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    robust::orient2d(
        robust::Coord { x: a[0], y: a[1] },
        robust::Coord { x: b[0], y: b[1] },
        robust::Coord { x: c[0], y: c[1] },
    )
}

/// Whether `p` lies in the closed triangle `a b c` (on its boundary included); for a flat
/// triangle, on one of its sides.
fn in_triangle(p: Point, a: Point, b: Point, c: Point) -> bool {
    let d = orient(a, b, c);
    if d == 0.0 {
        let on = |u: Point, v: Point| {
            orient(u, v, p) == 0.0
                && p[0] >= u[0].min(v[0])
                && p[0] <= u[0].max(v[0])
                && p[1] >= u[1].min(v[1])
                && p[1] <= u[1].max(v[1])
        };
        return on(a, b) || on(b, c) || on(a, c);
    }
    let s = d.signum();
    orient(a, b, p) * s >= 0.0 && orient(b, c, p) * s >= 0.0 && orient(c, a, p) * s >= 0.0
}

/// Twice the triangle's area (degrees², unsigned): Visvalingam's effective area.
fn triangle_area(a: Point, b: Point, c: Point) -> f64 {
    ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs()
}

/// Which side of the line `a`→`b` the point `p` lies on: the sign of the exact
/// orientation (`robust`), with the edge's differences `b - a` computed once per triangle.
/// The same floating-point filter as `robust::orient2d` (Shewchuk's first bound, here
/// doubled), so the exact arithmetic runs only for points on or next to the line.
#[derive(Clone, Copy)]
struct Edge {
    a: Point,
    b: Point,
    d: Point,
}

impl Edge {
    fn new(a: Point, b: Point) -> Edge {
        Edge {
            a,
            b,
            d: [b[0] - a[0], b[1] - a[1]],
        }
    }

    /// `orient2d(a, b, p)`'s sign: > 0 left of `a`→`b`, < 0 right, 0 on the line.
    #[inline(always)]
    fn side(&self, p: Point) -> f64 {
        // orient2d(b, p, a) = orient2d(a, b, p) (a cyclic turn), computed as
        // (b - a) × (p - a): every difference is of two inputs, so Shewchuk's bound holds.
        let left = self.d[0] * (p[1] - self.a[1]);
        let right = self.d[1] * (p[0] - self.a[0]);
        let det = left - right;
        let bound = 2.0 * f64::EPSILON * (left.abs() + right.abs());
        if det > bound || -det > bound {
            det
        } else {
            orient(self.a, self.b, p)
        }
    }
}

/// The closed triangle of a removal, ready for many membership tests.
struct Triangle {
    t: [Point; 3],
    /// The orientation's sign (+1 or -1); 0 for a flat triangle.
    sign: f64,
    edges: [Edge; 3],
}

impl Triangle {
    fn new(t: [Point; 3]) -> Triangle {
        let d = orient(t[0], t[1], t[2]);
        Triangle {
            t,
            sign: if d == 0.0 { 0.0 } else { d.signum() },
            edges: [
                Edge::new(t[0], t[1]),
                Edge::new(t[1], t[2]),
                Edge::new(t[2], t[0]),
            ],
        }
    }

    /// [`in_triangle`] with the orientation and the edges' differences computed once.
    #[inline(always)]
    fn contains(&self, p: Point) -> bool {
        if self.sign == 0.0 {
            return in_triangle(p, self.t[0], self.t[1], self.t[2]);
        }
        let s = self.sign;
        self.edges[0].side(p) * s >= 0.0
            && self.edges[1].side(p) * s >= 0.0
            && self.edges[2].side(p) * s >= 0.0
    }
}

/// One vertex in its grid cell: the position beside the id, so that a cell's points are
/// read in a row instead of gathered from the whole ring (on the 200,000-vertex jittered
/// star, those gathers missed the cache most of the time).
#[derive(Clone, Copy)]
struct Entry {
    p: Point,
    id: u32,
}

/// The side of a block of cells: the grid counts the live vertices of each block, and the
/// triangle test passes over blocks left empty by the removals (late in a simplification,
/// nearly all of them; along a densified side, the ones between the neighbours of a long
/// flat triangle) instead of reading their cells one by one.
const BLOCK: usize = 8;

/// A uniform grid of vertices over the rings' bounding box.
struct Grid {
    origin: Point,
    cell: [f64; 2],
    size: [usize; 2],
    /// Vertices by cell, cell after cell (`start[c]..start[c] + len[c]`): one
    /// allocation, not one per cell.
    entries: Vec<Entry>,
    start: Vec<u32>,
    len: Vec<u32>,
    /// Live vertices per block of `BLOCK` × `BLOCK` cells, `blocks[0]` blocks per row.
    blocks: [usize; 2],
    block_count: Vec<u32>,
}

impl Grid {
    fn new(points: &[Point]) -> Grid {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for p in points {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        let side = ((points.len() / 2).max(1) as f64).sqrt().ceil() as usize;
        let size = [side.clamp(1, 2048), side.clamp(1, 2048)];
        let span = [(b[2] - b[0]).max(1e-12), (b[3] - b[1]).max(1e-12)];
        let blocks = [size[0].div_ceil(BLOCK), size[1].div_ceil(BLOCK)];
        let mut grid = Grid {
            origin: [b[0], b[1]],
            cell: [span[0] / size[0] as f64, span[1] / size[1] as f64],
            size,
            entries: vec![
                Entry {
                    p: [0.0, 0.0],
                    id: 0
                };
                points.len()
            ],
            start: vec![0; size[0] * size[1] + 1],
            len: vec![0; size[0] * size[1]],
            blocks,
            block_count: vec![0; blocks[0] * blocks[1]],
        };
        let cell_of: Vec<u32> = points.iter().map(|p| grid.index(*p) as u32).collect();
        for &c in &cell_of {
            grid.start[c as usize + 1] += 1;
        }
        for c in 1..grid.start.len() {
            grid.start[c] += grid.start[c - 1];
        }
        for (i, &c) in cell_of.iter().enumerate() {
            let c = c as usize;
            grid.entries[(grid.start[c] + grid.len[c]) as usize] = Entry {
                p: points[i],
                id: i as u32,
            };
            grid.len[c] += 1;
            let block = grid.block_of(c);
            grid.block_count[block] += 1;
        }
        grid
    }

    fn coord(&self, p: Point) -> [usize; 2] {
        // Truncation is the floor for the non-negative (and NaN gives 0): no libm call.
        let f = |v: f64, o: f64, c: f64, n: usize| (((v - o) / c).max(0.0) as usize).min(n - 1);
        [
            f(p[0], self.origin[0], self.cell[0], self.size[0]),
            f(p[1], self.origin[1], self.cell[1], self.size[1]),
        ]
    }

    fn index(&self, p: Point) -> usize {
        let [x, y] = self.coord(p);
        y * self.size[0] + x
    }

    fn block_of(&self, c: usize) -> usize {
        let (x, y) = (c % self.size[0], c / self.size[0]);
        (y / BLOCK) * self.blocks[0] + x / BLOCK
    }

    fn remove(&mut self, p: Point, id: u32) {
        let c = self.index(p);
        let first = self.start[c] as usize;
        let cell = &mut self.entries[first..first + self.len[c] as usize];
        if let Some(at) = cell.iter().position(|e| e.id == id) {
            let last = cell.len() - 1;
            cell.swap(at, last);
            self.len[c] -= 1;
            let block = self.block_of(c);
            self.block_count[block] -= 1;
        }
    }

    /// Whether a vertex other than `skip` lies in the closed triangle. Only the cells the
    /// triangle covers are read, row by row (a thin triangle across the grid, as the
    /// radial spikes of a jittered star make, covers few of the cells of its bounding box):
    /// in each row, the x-extent of the triangle's edges clipped to the row's band, a
    /// little wider, since the triangle within a band is convex and so reaches its extreme
    /// x on an edge; blocks of cells with no live vertex are passed over whole. The
    /// membership test itself is exact.
    fn any_in(&self, t: [Point; 3], skip: [u32; 3]) -> bool {
        let lo = [
            t[0][0].min(t[1][0]).min(t[2][0]),
            t[0][1].min(t[1][1]).min(t[2][1]),
        ];
        let hi = [
            t[0][0].max(t[1][0]).max(t[2][0]),
            t[0][1].max(t[1][1]).max(t[2][1]),
        ];
        let triangle = Triangle::new(t);
        let [bx0, y0] = self.coord(lo);
        let [bx1, y1] = self.coord(hi);
        // Clipping costs more than reading a few (mostly emptied) cells: only for boxes
        // several cells wide.
        let clip = bx1 - bx0 > 2 && y1 > y0;
        let margin = [self.cell[0] * 1e-6, self.cell[1] * 1e-6];
        let mut y = y0;
        while y <= y1 {
            let block_row = y / BLOCK;
            // The rows of this block row the triangle's box covers.
            let rows_end = ((block_row + 1) * BLOCK - 1).min(y1);
            let blocks =
                &self.block_count[block_row * self.blocks[0]..(block_row + 1) * self.blocks[0]];
            if blocks[bx0 / BLOCK..=bx1 / BLOCK].iter().all(|&n| n == 0) {
                y = rows_end + 1;
                continue;
            }
            for y in y..=rows_end {
                let (x0, x1) = if clip {
                    self.row_span(t, lo, hi, y, margin)
                } else {
                    (bx0, bx1)
                };
                let mut x = x0;
                while x <= x1 {
                    let block_end = ((x / BLOCK + 1) * BLOCK - 1).min(x1);
                    if blocks[x / BLOCK] == 0 {
                        x = block_end + 1;
                        continue;
                    }
                    for c in y * self.size[0] + x..=y * self.size[0] + block_end {
                        let first = self.start[c] as usize;
                        for e in &self.entries[first..first + self.len[c] as usize] {
                            let p = e.p;
                            if p[0] < lo[0] || p[0] > hi[0] || p[1] < lo[1] || p[1] > hi[1] {
                                continue;
                            }
                            if skip.contains(&e.id) {
                                continue;
                            }
                            if triangle.contains(p) {
                                return true;
                            }
                        }
                    }
                    x = block_end + 1;
                }
            }
            y = rows_end + 1;
        }
        false
    }

    /// The columns of row `y` the triangle (bounding box `lo`..`hi`) may cover.
    fn row_span(
        &self,
        t: [Point; 3],
        lo: Point,
        hi: Point,
        y: usize,
        margin: [f64; 2],
    ) -> (usize, usize) {
        {
            // The row's band, widened so that rounding in `coord` loses no point.
            let band_lo = (self.origin[1] + y as f64 * self.cell[1] - margin[1]).max(lo[1]);
            let band_hi = (self.origin[1] + (y + 1) as f64 * self.cell[1] + margin[1]).min(hi[1]);
            let (mut xmin, mut xmax) = (f64::MAX, f64::MIN);
            for (a, b) in [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])] {
                if let Some((u, v)) = clip_x(a, b, band_lo, band_hi) {
                    xmin = xmin.min(u);
                    xmax = xmax.max(v);
                }
            }
            if xmin > xmax {
                // No edge in the band (rounding at its border): the bounding box's width.
                (xmin, xmax) = (lo[0], hi[0]);
            }
            let [x0, _] = self.coord([(xmin - margin[0]).max(lo[0]), lo[1]]);
            let [x1, _] = self.coord([(xmax + margin[0]).min(hi[0]), lo[1]]);
            (x0, x1)
        }
    }
}

/// The x-extent of segment `a b` within `lo <= y <= hi`, `None` when it misses the band.
fn clip_x(a: Point, b: Point, lo: f64, hi: f64) -> Option<(f64, f64)> {
    let (ylo, yhi) = (a[1].min(b[1]), a[1].max(b[1]));
    if yhi < lo || ylo > hi {
        return None;
    }
    if a[1] == b[1] {
        return Some((a[0].min(b[0]), a[0].max(b[0])));
    }
    let at = |y: f64| a[0] + (b[0] - a[0]) * ((y - a[1]) / (b[1] - a[1]));
    let (u, v) = (at(lo.max(ylo)), at(hi.min(yhi)));
    Some((u.min(v), u.max(v)))
}

/// Simplifies the rings (`polygons[p][r]`: closed rings of unwrapped positions, valid as a
/// whole) to at most `max_positions` written positions (each ring's closing one counted),
/// keeping every ring at 4 or more. `None` when that is not reachable without a crossing.
pub fn simplify(polygons: &[Vec<&[Point]>], max_positions: usize) -> Option<Simplified> {
    // Vertices: each ring's positions without consecutive repeats and the closing one.
    let mut points: Vec<Point> = Vec::new();
    let mut written: Vec<usize> = Vec::new();
    let mut ring_of: Vec<u32> = Vec::new();
    let mut rings: Vec<(usize, usize, usize)> = Vec::new(); // (polygon, ring, first id)
    let mut ring_len: Vec<usize> = Vec::new();
    for (p, polygon) in polygons.iter().enumerate() {
        for (r, ring) in polygon.iter().enumerate() {
            let first = points.len();
            let open = match ring {
                [first, .., last] if first == last => &ring[..ring.len() - 1],
                _ => ring,
            };
            for (i, point) in open.iter().enumerate() {
                if points.len() > first && points[points.len() - 1] == *point {
                    continue;
                }
                points.push(*point);
                written.push(i);
                ring_of.push(rings.len() as u32);
            }
            // A repeat of the first position at the end of the open ring.
            while points.len() > first + 1 && points[points.len() - 1] == points[first] {
                points.pop();
                written.pop();
                ring_of.pop();
            }
            ring_len.push(points.len() - first);
            rings.push((p, r, first));
        }
    }
    let n = points.len();
    if ring_len.iter().any(|&l| l < 3) || rings.len() * 4 > max_positions {
        return None;
    }
    let mut total: usize = ring_len.iter().map(|l| l + 1).sum();
    let mut prev = vec![0u32; n];
    let mut next = vec![0u32; n];
    for (k, &(_, _, first)) in rings.iter().enumerate() {
        let len = ring_len[k];
        for j in 0..len {
            let id = first + j;
            prev[id] = (first + (j + len - 1) % len) as u32;
            next[id] = (first + (j + 1) % len) as u32;
        }
    }
    let mut alive = vec![true; n];
    // Heap entries are one u64: the area's bits with the low ones replaced by the vertex
    // id (areas are non-negative, so their bits order as they do; ties and differences
    // below 2^-(52-ID_BITS) relative order by id, which Visvalingam–Whyatt does not mind).
    // An entry is stale when it differs from the vertex's current one.
    let id_bits = (usize::BITS - n.leading_zeros()).max(1);
    let id_mask: u64 = (1u64 << id_bits) - 1;
    let mut current = vec![0u64; n];
    let mut grid = Grid::new(&points);
    let key = |i: usize, prev: &[u32], next: &[u32]| {
        let a = triangle_area(
            points[prev[i] as usize],
            points[i],
            points[next[i] as usize],
        );
        // Areas are non-negative, so their bit patterns order as the numbers do.
        a.to_bits()
    };
    let entry = |i: usize, prev: &[u32], next: &[u32]| (key(i, prev, next) & !id_mask) | i as u64;
    let mut heap: BinaryHeap<Reverse<u64>> = (0..n)
        .map(|i| {
            current[i] = entry(i, &prev, &next);
            Reverse(current[i])
        })
        .collect();
    while total > max_positions {
        let Reverse(popped) = heap.pop()?;
        let i = (popped & id_mask) as usize;
        if !alive[i] || current[i] != popped {
            continue;
        }
        let ring = ring_of[i] as usize;
        if ring_len[ring] <= 3 {
            continue;
        }
        let (a, c) = (prev[i] as usize, next[i] as usize);
        let t = [points[a], points[i], points[c]];
        if grid.any_in(t, [a as u32, i as u32, c as u32]) {
            // Blocked until a neighbour moves (its triangle changes then).
            continue;
        }
        if ring_len[ring] == 4 {
            // The three left must not lie on one line.
            let d = next[c] as usize;
            if orient(points[a], points[c], points[d]) == 0.0 {
                continue;
            }
        }
        alive[i] = false;
        grid.remove(points[i], i as u32);
        next[a] = c as u32;
        prev[c] = a as u32;
        ring_len[ring] -= 1;
        total -= 1;
        for v in [a, c] {
            current[v] = entry(v, &prev, &next);
            heap.push(Reverse(current[v]));
        }
    }
    let mut kept: Vec<Vec<Vec<usize>>> = polygons
        .iter()
        .map(|polygon| vec![Vec::new(); polygon.len()])
        .collect();
    for (k, &(p, r, first)) in rings.iter().enumerate() {
        let end = if k + 1 < rings.len() {
            rings[k + 1].2
        } else {
            n
        };
        kept[p][r] = (first..end)
            .filter(|&id| alive[id])
            .map(|id| written[id])
            .collect();
    }
    Some(Simplified {
        kept,
        positions: total,
    })
}

/// The rings a simplification keeps, closed (`[p][r]`, unwrapped positions).
pub fn rings(polygons: &[Vec<&[Point]>], result: &Simplified) -> Vec<Vec<Vec<Point>>> {
    polygons
        .iter()
        .zip(&result.kept)
        .map(|(polygon, kept)| {
            polygon
                .iter()
                .zip(kept)
                .map(|(ring, kept)| {
                    let mut out: Vec<Point> = kept.iter().map(|&i| ring[i]).collect();
                    if let Some(first) = out.first().copied() {
                        out.push(first);
                    }
                    out
                })
                .collect()
        })
        .collect()
}

/// The area before and after (m²) of a simplification.
pub fn areas(polygons: &[Vec<&[Point]>], result: &Simplified) -> (f64, f64) {
    let before = Measures::of(polygons.iter().map(Vec::as_slice)).area_m2;
    let after_rings = rings(polygons, result);
    let views: Vec<Vec<&[Point]>> = after_rings
        .iter()
        .map(|p| p.iter().map(Vec::as_slice).collect())
        .collect();
    let after = Measures::of(views.iter().map(Vec::as_slice)).area_m2;
    (before, after)
}

/// "−0.031 km², −0.01 %".
pub fn show_change(before_m2: f64, after_m2: f64) -> String {
    let change = (after_m2 - before_m2) / 1e6;
    let percent = if before_m2 > 0.0 {
        100.0 * (after_m2 - before_m2) / before_m2
    } else {
        0.0
    };
    if change.abs() < 0.0005 {
        return "change under 0.001 km²".to_string();
    }
    let sign = |x: f64| if x < 0.0 { "−" } else { "+" };
    format!(
        "{}{} km², {}{} %",
        sign(change),
        show_amount(change.abs()),
        sign(percent),
        format_percent(percent.abs())
    )
}

fn format_percent(p: f64) -> String {
    if p >= 10.0 {
        format!("{p:.1}")
    } else {
        format!("{p:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// The simplify fix of a geometry with too many positions: every ring rewritten with the
/// positions kept, as written; preferred when the area changes by at most
/// [`PREFERRED_MAX_AREA_CHANGE_PERCENT`]. `None` when no valid simplification was found.
pub(crate) fn fix(shape: &AoiShape<'_>, max_positions: usize) -> Option<Fix> {
    let polygons: Vec<Vec<&[Point]>> = shape
        .polygons
        .iter()
        .map(|p| p.iter().map(|r| r.unwrapped).collect())
        .collect();
    let result = simplify(&polygons, max_positions)?;
    if !(shape.is_valid)(&rings(&polygons, &result)) {
        return None;
    }
    let (before, after) = areas(&polygons, &result);
    let percent = if before > 0.0 {
        100.0 * ((after - before) / before).abs()
    } else {
        0.0
    };
    let mut edits = Vec::new();
    for (rings, kept) in shape.polygons.iter().zip(&result.kept) {
        for (ring, kept) in rings.iter().zip(kept) {
            let texts: Vec<&str> = kept
                .iter()
                .filter_map(|&i| ring.items.get(i).map(|n| shape.doc.slice(n.range)))
                .collect();
            let separator = match (ring.items.get(0), ring.items.get(1)) {
                (Some(a), Some(b)) => shape.doc.slice(crate::document::TextRange {
                    start: a.range.end,
                    end: b.range.start,
                }),
                _ => ", ",
            };
            let (Some(first), Some(start), Some(end)) =
                (texts.first(), ring.items.first(), ring.items.last())
            else {
                return None;
            };
            let mut text = texts.join(separator);
            text.push_str(separator);
            text.push_str(first);
            edits.push(Edit {
                range: crate::document::TextRange {
                    start: start.range.start,
                    end: end.range.end,
                },
                new_text: text,
            });
        }
    }
    let title = format!(
        "Simplify to {} vertices (area {})",
        thousands(result.positions as u64),
        show_change(before, after)
    );
    let fix = Fix::new(title, edits);
    Some(if percent <= PREFERRED_MAX_AREA_CHANGE_PERCENT {
        fix.preferred()
    } else {
        fix
    })
}
