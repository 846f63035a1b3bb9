//! The simplify fix: fewer vertices, the same valid polygon. Visvalingam–Whyatt (remove the
//! vertex whose triangle with its neighbours has the least area, again and again) down to
//! exactly the limit, topology-preserving: a vertex is removed only when no other vertex of
//! any ring lies in its triangle (closed), so the new edge crosses nothing, holes stay
//! inside their shell and parts stay apart. Orientations are exact (`robust`). The result is
//! checked again by the validity step of the geometry check before the fix is offered.
//!
//! Costs: O(n log n) for the heap (an indexed 4-ary heap, one entry per vertex). The
//! triangle test: for a single ring that turns round a point of its kernel (star-shaped: a
//! circle, a buffer, a jittered star) none while each removed vertex's neighbours are less
//! than half a turn apart ([`Fan`]); otherwise the vertices of a uniform grid of about n/2
//! cells, read only in the cells the triangle crosses. A 200,000-vertex ring to 999 takes
//! 15–100 ms (benches/README.md, "Acceptance rules").

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
    /// The grid of the vertices `alive` keeps (all of them but when a [`Fan`] answered
    /// for the first removals).
    fn new(points: &[Point], alive: impl Fn(usize) -> bool) -> Grid {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut live = 0;
        for p in points
            .iter()
            .enumerate()
            .filter(|(i, _)| alive(*i))
            .map(|(_, p)| p)
        {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
            live += 1;
        }
        if live == 0 {
            b = [0.0; 4];
        }
        let side = ((live / 2).max(1) as f64).sqrt().ceil() as usize;
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
                live
            ],
            start: vec![0; size[0] * size[1] + 1],
            len: vec![0; size[0] * size[1]],
            blocks,
            block_count: vec![0; blocks[0] * blocks[1]],
        };
        // A dead vertex's cell: u32::MAX.
        let cell_of: Vec<u32> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if alive(i) {
                    grid.index(*p) as u32
                } else {
                    u32::MAX
                }
            })
            .collect();
        for &c in cell_of.iter().filter(|&&c| c != u32::MAX) {
            grid.start[c as usize + 1] += 1;
        }
        for c in 1..grid.start.len() {
            grid.start[c] += grid.start[c - 1];
        }
        for (i, &c) in cell_of.iter().enumerate().filter(|(_, &c)| c != u32::MAX) {
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

/// The vertices waiting for removal, least key first: an indexed 4-ary min-heap, one entry
/// per vertex, whose key is changed in place when a neighbour's removal changes its triangle
/// (a binary heap with a new entry per change popped three entries per removal, two of them
/// stale, and its comparisons were a fifth of the regular polygon's time without the triangle
/// tests). Keys are unique (the vertex id is in their low bits), so the order of removal is
/// the same as any other priority queue's.
struct Heap {
    keys: Vec<u64>,
    /// Where each vertex's key is in `keys` (by vertex id; not in the heap: `u32::MAX`).
    at: Vec<u32>,
    id_mask: u64,
}

impl Heap {
    fn new(keys: Vec<u64>, id_mask: u64) -> Heap {
        let mut heap = Heap {
            at: vec![u32::MAX; keys.len()],
            keys,
            id_mask,
        };
        for k in (0..heap.keys.len()).rev() {
            heap.sift_down(k, heap.keys[k]);
        }
        heap
    }

    fn pop(&mut self) -> Option<u64> {
        let top = *self.keys.first()?;
        let last = self.keys.pop()?;
        self.at[(top & self.id_mask) as usize] = u32::MAX;
        if !self.keys.is_empty() {
            self.sift_down(0, last);
        }
        Some(top)
    }

    /// The vertex's key set (the vertex is the key's low bits): inserted, or moved.
    fn set(&mut self, key: u64) {
        match self.at[(key & self.id_mask) as usize] {
            u32::MAX => {
                self.keys.push(key);
                self.sift_up(self.keys.len() - 1, key);
            }
            k if key < self.keys[k as usize] => self.sift_up(k as usize, key),
            k => self.sift_down(k as usize, key),
        }
    }

    fn place(&mut self, k: usize, key: u64) {
        self.keys[k] = key;
        self.at[(key & self.id_mask) as usize] = k as u32;
    }

    fn sift_up(&mut self, mut k: usize, key: u64) {
        while k > 0 {
            let parent = (k - 1) / 4;
            let above = self.keys[parent];
            if above <= key {
                break;
            }
            self.place(k, above);
            k = parent;
        }
        self.place(k, key);
    }

    fn sift_down(&mut self, mut k: usize, key: u64) {
        let len = self.keys.len();
        loop {
            let first = 4 * k + 1;
            if first >= len {
                break;
            }
            let mut least = first;
            for c in first + 1..(first + 4).min(len) {
                if self.keys[c] < self.keys[least] {
                    least = c;
                }
            }
            let below = self.keys[least];
            if below >= key {
                break;
            }
            self.place(k, below);
            k = least;
        }
        self.place(k, key);
    }
}

/// A point around which a ring's vertices turn one way, each step less than half a turn and
/// once round in all (a star-shaped ring seen from its kernel: a circle, a buffer, a jittered
/// star). Then the triangle of a vertex whose neighbours are less than half a turn apart lies
/// in the closed wedge between them, and every other vertex of the ring is strictly outside
/// it: no vertex lies in the triangle, and the grid need not be asked (on the 200,000-vertex
/// jittered star each triangle is a radial spike crossing tens of grid rows, and those
/// queries were nine tenths of the time). Removing such a vertex keeps the property; any
/// other removal ends it. The decisions are orientations (`robust`, exact) about `o`, itself
/// an ordinary floating-point point, so the answers are the grid's, exactly.
struct Fan {
    o: Point,
    /// +1 for a counter-clockwise ring, -1 for a clockwise one.
    sign: f64,
}

impl Fan {
    /// The fan of a ring, if the ring is one: around a point of the ring's kernel (where every
    /// side's line sees the ring's inside), found by linear programming in floating point,
    /// then checked exactly. The 200,000-vertex jittered star's kernel reaches about 3
    /// micro-degrees from its centre; its area centroid is 94 micro-degrees off, outside.
    fn of(ring: &[Point]) -> Option<Fan> {
        let n = ring.len();
        if n < 3 {
            return None;
        }
        // The area centroid, relative to the first vertex (for precision): the origin of
        // the search, and which way the ring turns.
        let r = ring[0];
        let (mut area2, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for k in 0..n {
            let (p, q) = (ring[k], ring[(k + 1) % n]);
            let (p, q) = ([p[0] - r[0], p[1] - r[1]], [q[0] - r[0], q[1] - r[1]]);
            let cross = p[0] * q[1] - q[0] * p[1];
            area2 += cross;
            cx += (p[0] + q[0]) * cross;
            cy += (p[1] + q[1]) * cross;
        }
        if area2 == 0.0 || !area2.is_finite() {
            return None;
        }
        let centre = [r[0] + cx / (3.0 * area2), r[1] + cy / (3.0 * area2)];
        let o = kernel_point(ring, centre, area2.signum())?;
        let fan = Fan {
            o,
            sign: area2.signum(),
        };
        // Each step turns the chosen way (exactly: less than half a turn, not none), and the
        // steps add up to one turn, not two or more (their sum is a whole number of turns,
        // so a floating-point sum within half a turn of one decides it).
        let mut turn = 0.0;
        for k in 0..n {
            let (u, v) = (ring[k], ring[(k + 1) % n]);
            if !fan.covers(u, v) {
                return None;
            }
            let (u, v) = ([u[0] - o[0], u[1] - o[1]], [v[0] - o[0], v[1] - o[1]]);
            turn += (u[0] * v[1] - u[1] * v[0])
                .atan2(u[0] * v[0] + u[1] * v[1])
                .abs();
        }
        ((turn - std::f64::consts::TAU).abs() < std::f64::consts::PI).then_some(fan)
    }

    /// Whether the step from `a` to `c` turns the ring's way by less than half a turn.
    fn covers(&self, a: Point, c: Point) -> bool {
        orient(self.o, a, c) * self.sign > 0.0
    }
}

/// A point inside the kernel of a ring (`sign`: +1 counter-clockwise, -1 clockwise), in
/// floating point (the caller checks it exactly): the mean of the kernel's extreme points to
/// the east, west, north and south, each by Seidel's randomised incremental linear program
/// (expected linear time) over the sides' half-planes, in coordinates about `centre`.
/// `None` when the program finds no kernel or gives up (more than 64 n steps).
fn kernel_point(ring: &[Point], centre: Point, sign: f64) -> Option<Point> {
    let n = ring.len();
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in ring {
        b[0] = b[0].min(p[0] - centre[0]);
        b[1] = b[1].min(p[1] - centre[1]);
        b[2] = b[2].max(p[0] - centre[0]);
        b[3] = b[3].max(p[1] - centre[1]);
    }
    // The ring's box first, then each side u→v: the kernel is where
    // sign · (v - u) × (p - u) >= 0, a · p <= b.
    let mut boxed: Vec<([f64; 2], f64)> = Vec::with_capacity(n + 4);
    boxed.extend([
        ([-1.0, 0.0], -b[0]),
        ([0.0, -1.0], -b[1]),
        ([1.0, 0.0], b[2]),
        ([0.0, 1.0], b[3]),
    ]);
    boxed.extend((0..n).map(|k| {
        let (u, v) = (ring[k], ring[(k + 1) % n]);
        let d = [sign * (v[0] - u[0]), sign * (v[1] - u[1])];
        let u = [u[0] - centre[0], u[1] - centre[1]];
        ([d[1], -d[0]], d[1] * u[0] - d[0] * u[1])
    }));
    // The sides in a fixed shuffle (the same answer each run).
    let sides = &mut boxed[4..];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for k in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        sides.swap(k, (state % (k as u64 + 1)) as usize);
    }
    let mut mean = [0.0, 0.0];
    for goal in [[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]] {
        let p = seidel(&boxed, goal, [b[0], b[1], b[2], b[3]], 64 * n)?;
        mean[0] += p[0] / 4.0;
        mean[1] += p[1] / 4.0;
    }
    Some([centre[0] + mean[0], centre[1] + mean[1]])
}

/// Maximises `goal · p` over `a · p <= b` for all `half_planes` (the first four: the box
/// `b`), Seidel's way; `None` when infeasible or after `budget` steps.
fn seidel(
    half_planes: &[([f64; 2], f64)],
    goal: Point,
    b: [f64; 4],
    budget: usize,
) -> Option<Point> {
    let mut p = [
        if goal[0] > 0.0 { b[2] } else { b[0] },
        if goal[1] > 0.0 { b[3] } else { b[1] },
    ];
    let mut steps = 0usize;
    for (k, &(a, c)) in half_planes.iter().enumerate().skip(4) {
        let tolerance = 1e-12 * (a[0].abs() + a[1].abs()) * (b[2] - b[0] + b[3] - b[1]);
        if a[0] * p[0] + a[1] * p[1] <= c + tolerance {
            continue;
        }
        // The new optimum lies on the line a · p = c: p0 + t d.
        let norm = a[0] * a[0] + a[1] * a[1];
        if norm == 0.0 {
            return None;
        }
        let p0 = [a[0] * c / norm, a[1] * c / norm];
        let d = [-a[1], a[0]];
        let (mut lo, mut hi) = (f64::MIN, f64::MAX);
        steps += k;
        if steps > budget {
            return None;
        }
        for &(e, f) in &half_planes[..k] {
            let slope = e[0] * d[0] + e[1] * d[1];
            let room = f - (e[0] * p0[0] + e[1] * p0[1]);
            if slope.abs() <= 1e-300 {
                if room < 0.0 {
                    return None;
                }
            } else if slope > 0.0 {
                hi = hi.min(room / slope);
            } else {
                lo = lo.max(room / slope);
            }
        }
        if lo > hi {
            return None;
        }
        let t = if goal[0] * d[0] + goal[1] * d[1] > 0.0 {
            hi
        } else {
            lo
        };
        p = [p0[0] + t * d[0], p0[1] + t * d[1]];
    }
    Some(p)
}

/// Simplifies the rings (`polygons[p][r]`: closed rings of unwrapped positions, valid as a
/// whole) to at most `max_positions` written positions (each ring's closing one counted),
/// keeping every ring at 4 or more. `None` when that is not reachable without a crossing.
pub fn simplify(polygons: &[Vec<&[Point]>], max_positions: usize) -> Option<Simplified> {
    simplify_with(polygons, max_positions, true)
}

/// [`simplify`], with the [`Fan`] or (for the tests that compare the two) the grid alone.
fn simplify_with(
    polygons: &[Vec<&[Point]>],
    max_positions: usize,
    use_fan: bool,
) -> Option<Simplified> {
    // Vertices: each ring's positions without consecutive repeats and the closing one.
    let capacity: usize = polygons.iter().flatten().map(|r| r.len()).sum();
    let mut points: Vec<Point> = Vec::with_capacity(capacity);
    let mut written: Vec<usize> = Vec::with_capacity(capacity);
    let mut ring_of: Vec<u32> = Vec::with_capacity(capacity);
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
    // Keys are one u64: the area's bits with the low ones replaced by the vertex id (areas
    // are non-negative, so their bits order as they do; ties and differences below
    // 2^-(52-ID_BITS) relative order by id, which Visvalingam–Whyatt does not mind).
    let id_bits = (usize::BITS - n.leading_zeros()).max(1);
    let id_mask: u64 = (1u64 << id_bits) - 1;
    // A single ring turning round a point needs no grid while it keeps doing so; otherwise
    // the grid is built at the first triangle the fan does not answer for.
    let mut fan = if use_fan && rings.len() == 1 {
        Fan::of(&points)
    } else {
        None
    };
    let mut grid: Option<Grid> = None;
    let key = |i: usize, prev: &[u32], next: &[u32]| {
        let a = triangle_area(
            points[prev[i] as usize],
            points[i],
            points[next[i] as usize],
        );
        (a.to_bits() & !id_mask) | i as u64
    };
    let mut heap = Heap::new((0..n).map(|i| key(i, &prev, &next)).collect(), id_mask);
    while total > max_positions {
        let popped = heap.pop()?;
        let i = (popped & id_mask) as usize;
        let ring = ring_of[i] as usize;
        if ring_len[ring] <= 3 {
            continue;
        }
        let (a, c) = (prev[i] as usize, next[i] as usize);
        let t = [points[a], points[i], points[c]];
        let fanned = fan.as_ref().is_some_and(|f| f.covers(points[a], points[c]));
        if !fanned
            && grid
                .get_or_insert_with(|| Grid::new(&points, |v| alive[v]))
                .any_in(t, [a as u32, i as u32, c as u32])
        {
            // Out of the heap until a neighbour moves (its triangle changes then).
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
        if !fanned {
            // The step from a to c is half a turn or more.
            fan = None;
        }
        if let Some(grid) = grid.as_mut() {
            grid.remove(points[i], i as u32);
        }
        next[a] = c as u32;
        prev[c] = a as u32;
        ring_len[ring] -= 1;
        total -= 1;
        for v in [a, c] {
            heap.set(key(v, &prev, &next));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Points on a coarse lattice (repeats, collinear runs, points on the triangles' sides),
    /// or spread (`lattice` 0), about a far-off origin as longitudes and latitudes are.
    fn points(rng: &mut Rng, n: usize, lattice: usize) -> Vec<Point> {
        (0..n)
            .map(|_| {
                if lattice > 0 {
                    [
                        -79.5 + rng.below(lattice) as f64 / 64.0,
                        9.0 + rng.below(lattice) as f64 / 64.0,
                    ]
                } else {
                    [-79.5 + rng.unit() * 0.3, 9.0 + rng.unit() * 0.01]
                }
            })
            .collect()
    }

    /// The grid's answer against every live vertex read one by one, on triangles of three
    /// vertices (their own ids skipped) and of any three points (thin, flat, of one point),
    /// while vertices are removed.
    #[test]
    fn the_grid_answers_as_a_scan_of_every_vertex() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut asked = 0;
        let mut found = 0;
        for case in 0..60 {
            let n = 50 + rng.below(3000);
            let lattice = [0, 4, 16, 64, 1024][case % 5];
            let pts = points(&mut rng, n, lattice);
            // Some vertices dead from the start, as when a fan answered for the first ones.
            let mut alive: Vec<bool> = (0..n).map(|_| rng.below(8) != 0).collect();
            let mut grid = Grid::new(&pts, |v| alive[v]);
            for _ in 0..n - 3 {
                let pick = |rng: &mut Rng| rng.below(n);
                let (a, i, c) = (pick(&mut rng), pick(&mut rng), pick(&mut rng));
                let (t, skip) = match rng.below(4) {
                    0 => ([pts[a], pts[i], pts[c]], [a as u32, i as u32, c as u32]),
                    // Flat: the third on the line of the first two, or a point.
                    1 => {
                        let m = [(pts[a][0] + pts[i][0]) / 2.0, (pts[a][1] + pts[i][1]) / 2.0];
                        ([pts[a], m, pts[i]], [a as u32, u32::MAX, i as u32])
                    }
                    2 => ([pts[a], pts[a], pts[a]], [u32::MAX; 3]),
                    // Thin: a spike from a vertex to a point next to another.
                    _ => {
                        let e = 1e-9 * (rng.unit() - 0.5);
                        (
                            [pts[a], pts[i], [pts[i][0] + e, pts[i][1] - e]],
                            [a as u32, i as u32, u32::MAX],
                        )
                    }
                };
                let scan = (0..n).any(|v| {
                    alive[v] && !skip.contains(&(v as u32)) && in_triangle(pts[v], t[0], t[1], t[2])
                });
                assert_eq!(grid.any_in(t, skip), scan, "case {case}, triangle {t:?}");
                asked += 1;
                found += scan as usize;
                let v = pick(&mut rng);
                if alive[v] {
                    alive[v] = false;
                    grid.remove(pts[v], v as u32);
                }
            }
        }
        // Both answers were asked for often.
        assert!(
            found > asked / 10 && found < asked * 9 / 10,
            "{found} of {asked}"
        );
    }

    /// A star-shaped ring about (cx, cy): sorted angles, radii in [r0, r1], optionally
    /// snapped to a lattice (collinear steps) and clockwise.
    fn star(rng: &mut Rng, n: usize, r0: f64, r1: f64, snap: f64, ccw: bool) -> Vec<Point> {
        let mut angles: Vec<f64> = (0..n).map(|_| rng.unit() * std::f64::consts::TAU).collect();
        angles.sort_by(f64::total_cmp);
        let mut ring: Vec<Point> = angles
            .iter()
            .map(|a| {
                let r = r0 + (r1 - r0) * rng.unit();
                let p = [13.4 + r * a.cos(), 52.5 + r * a.sin()];
                if snap > 0.0 {
                    [(p[0] * snap).round() / snap, (p[1] * snap).round() / snap]
                } else {
                    p
                }
            })
            .collect();
        ring.dedup();
        while ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        if !ccw {
            ring.reverse();
        }
        ring
    }

    /// The fan decides as the grid would: the same vertices kept, on star-shaped rings (a
    /// fan is found for most) and others (snapped to a lattice, so not all are), down to
    /// a few vertices.
    #[test]
    fn the_fan_keeps_what_the_grid_keeps() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut fans = 0;
        for case in 0..400 {
            // Small rings and small limits too: there the last steps are half a turn or more.
            let n = if case % 2 == 0 {
                5 + rng.below(60)
            } else {
                200 + rng.below(4000)
            };
            let ring = match case % 4 {
                0 => star(&mut rng, n, 0.3, 1.0, 0.0, true),
                1 => star(&mut rng, n, 0.05, 0.4, 0.0, false),
                2 => star(&mut rng, n, 0.1, 0.2, 4096.0, true),
                _ => star(&mut rng, n, 0.0, 0.2, 65536.0, case % 8 == 3),
            };
            fans += Fan::of(&ring).is_some() as usize;
            let polygons = vec![vec![ring.as_slice()]];
            let limit = if case % 3 == 0 {
                4 + rng.below(5)
            } else {
                4 + rng.below(ring.len() / 2 + 1)
            };
            assert_eq!(
                simplify_with(&polygons, limit, true),
                simplify_with(&polygons, limit, false),
                "case {case}"
            );
        }
        assert!(fans > 200, "{fans} fans in 400");
        // A thin top vertex whose neighbours are just over half a turn apart about every
        // point of the kernel, a reflex spike from below inside its triangle: the fan must
        // leave it to the grid, which finds the spike.
        let arrow: Vec<Point> = [
            [1.0, -0.001],
            [0.0, 0.01],
            [-1.0, -0.001],
            [-0.5, -1.0],
            [0.0, -0.0005],
            [0.5, -1.0],
        ]
        .iter()
        .map(|p| [13.4 + p[0], 52.5 + p[1]])
        .collect();
        assert!(Fan::of(&arrow).is_some());
        let polygons = vec![vec![arrow.as_slice()]];
        let kept = simplify_with(&polygons, 6, true);
        assert_eq!(kept, simplify_with(&polygons, 6, false));
        assert!(kept.is_some_and(|k| k.kept[0][0].contains(&1)));
    }

    /// Each fan found is one: every step of the ring turns its way about the point.
    #[test]
    fn a_fan_is_checked_exactly() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..100 {
            let ring = star(&mut rng, 1000, 0.0, 0.5, 0.0, true);
            if let Some(fan) = Fan::of(&ring) {
                let n = ring.len();
                assert!((0..n).all(|k| orient(fan.o, ring[k], ring[(k + 1) % n]) > 0.0));
            }
        }
        // Not a fan: a comb, and a ring turning twice (a pentagram's points in star order).
        let comb = [
            [0.0, 0.0],
            [3.0, 0.0],
            [3.0, 2.0],
            [2.0, 2.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 2.0],
            [0.0, 2.0],
        ];
        assert!(Fan::of(&comb).is_none());
        let twice: Vec<Point> = (0..5)
            .map(|k| {
                let a = std::f64::consts::TAU * (2 * k) as f64 / 5.0;
                [a.cos(), a.sin()]
            })
            .collect();
        assert!(Fan::of(&twice).is_none());
    }
}
