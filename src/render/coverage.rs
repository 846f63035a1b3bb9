//! The fill and outline of a *dense* area of interest painted straight into the PNG's pixels,
//! in time proportional to the pixels its edges cross.
//!
//! Why not tiny-skia's path filler: its scanline keeps the active edges in an x-sorted linked
//! list and walks all of them on every (4× supersampled) row, so its cost grows with the
//! edges per row. A 200,000-vertex star whose spikes reach across the picture has some
//! 30,000 edges on a row and took 12.5 s to draw (its 1.5-pixel round-joined stroke most of
//! it). Here the fill is an accumulation rasterizer (each edge adds its signed area to the
//! cells it crosses and a running sum per row gives the coverage: `ab_glyph_rasterizer`, the
//! rasterizer of the ab_glyph font stack), and the outline is a box-filtered line of
//! [`STROKE_WIDTH_PX`] stepped one pixel row or column at a time, kept by maximum (a union,
//! so that 45 spikes through one pixel cover it once).
//!
//! What differs from the vector drawing (measured by the test `coverage_matches_the_vector_drawing` in [`super::raster`]):
//! the outline has butt ends and no round joins (a spike's tip is up to 0.75 px shorter), and
//! the fill rule is "non-zero after orienting each polygon's exterior ring one way and its
//! holes the other", which equals the even-odd rule of the SVG except where a self-crossing
//! ring winds twice around a point.

use ab_glyph_rasterizer::{point, Rasterizer};

/// The width of the outline, in pixels (the SVG path's `stroke-width`).
pub const STROKE_WIDTH_PX: f64 = 1.5;

/// One polygon to paint: its rings in pixels (the first is the exterior ring), each with
/// whether it is closed (an unclosed ring's outline has no closing segment; its fill is closed
/// as SVG closes it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DensePolygon {
    pub rings: Vec<(Vec<[f64; 2]>, bool)>,
}

/// Colours of a painted polygon: fill (drawn with `fill_opacity`) and outline (opaque).
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    pub fill: [u8; 3],
    pub fill_opacity: f64,
    pub stroke: [u8; 3],
}

/// Paints `polygon` over the `width` x `height` premultiplied-RGBA `pixels` (row-major, 4 bytes
/// a pixel), clipped to the rectangle `[0, clip[0]] x [0, clip[1]]` (the map area), source-over.
pub fn paint(
    pixels: &mut [u8],
    (width, height): (u32, u32),
    clip: [f64; 2],
    polygon: &DensePolygon,
    paint: Paint,
) {
    let w = (clip[0].ceil().max(0.0) as usize).min(width as usize);
    let h = (clip[1].ceil().max(0.0) as usize).min(height as usize);
    if w == 0 || h == 0 || pixels.len() < (width as usize) * (height as usize) * 4 {
        return;
    }
    let fill = fill_coverage(polygon, w, h);
    let stroke = stroke_coverage(polygon, w, h);
    let fill_alpha = paint.fill_opacity.clamp(0.0, 1.0) as f32;
    let f = paint.fill.map(f32::from);
    let s = paint.stroke.map(f32::from);
    for y in 0..h {
        for x in 0..w {
            let a_fill = fill[y * w + x] * fill_alpha;
            let a_stroke = f32::from(stroke[y * w + x]) / 255.0;
            if a_fill == 0.0 && a_stroke == 0.0 {
                continue;
            }
            let px = &mut pixels[(y * width as usize + x) * 4..][..4];
            // Premultiplied source-over, the fill first and the outline over it.
            for c in 0..3 {
                let mut v = f32::from(px[c]);
                v = f[c] * a_fill + v * (1.0 - a_fill);
                v = s[c] * a_stroke + v * (1.0 - a_stroke);
                px[c] = v.round().clamp(0.0, 255.0) as u8;
            }
            let mut a = f32::from(px[3]);
            a = 255.0 * a_fill + a * (1.0 - a_fill);
            a = 255.0 * a_stroke + a * (1.0 - a_stroke);
            px[3] = a.round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// Twice the signed area of a ring (pixels; y down, so positive is clockwise on screen).
fn signed_area2(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// The fill's coverage of each pixel of the `w` x `h` map area, in [0, 1].
fn fill_coverage(polygon: &DensePolygon, w: usize, h: usize) -> Vec<f32> {
    // Two guard columns: an edge right of the map is moved onto column `w`, where it changes
    // nothing visible (and the rasterizer never writes into the next row).
    let stride = w + 2;
    let mut raster = Rasterizer::new(stride, h);
    for (r, (ring, _)) in polygon.rings.iter().enumerate() {
        if ring.len() < 3 {
            continue;
        }
        // Exterior ring one way, holes the other: their signed areas then cancel inside a
        // hole, which is what the SVG's even-odd rule draws.
        let positive = signed_area2(ring) >= 0.0;
        let forward = positive == (r == 0);
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let (a, b) = if forward { (a, b) } else { (b, a) };
            draw_clipped(&mut raster, a, b, w as f64);
        }
    }
    // The running sum goes on across rows: each closed ring adds as much as it takes away on
    // every row, the guard columns included, so a row starts at zero.
    let mut coverage = vec![0.0f32; w * h];
    raster.for_each_pixel(|index, alpha| {
        let (row, column) = (index / stride, index % stride);
        if column < w {
            coverage[row * w + column] = alpha.min(1.0);
        }
    });
    coverage
}

/// Adds the line `a`-`b` (pixels) to `raster`, its parts left of x = 0 and right of x =
/// `right` moved onto those lines (the area to their right is what they change).
fn draw_clipped(raster: &mut Rasterizer, a: [f64; 2], b: [f64; 2], right: f64) {
    let mut cuts = [0.0, 1.0, 1.0, 1.0];
    let mut n = 1;
    for bound in [0.0, right] {
        if (a[0] - bound) * (b[0] - bound) < 0.0 {
            cuts[n] = (bound - a[0]) / (b[0] - a[0]);
            n += 1;
        }
    }
    cuts[n] = 1.0;
    cuts[1..n].sort_by(f64::total_cmp);
    let at = |t: f64| {
        [
            (a[0] + t * (b[0] - a[0])).clamp(0.0, right),
            a[1] + t * (b[1] - a[1]),
        ]
    };
    for k in 0..n {
        let (p, q) = (at(cuts[k]), at(cuts[k + 1]));
        if p[1] == q[1] {
            continue;
        }
        raster.draw_line(
            point(p[0] as f32, p[1] as f32),
            point(q[0] as f32, q[1] as f32),
        );
    }
}

/// The outline's coverage of each pixel of the `w` x `h` map area, in 255ths: a byte a pixel
/// keeps the buffer in the cache, which the steps of long spikes visit row after row.
fn stroke_coverage(polygon: &DensePolygon, w: usize, h: usize) -> Vec<u8> {
    let mut coverage = vec![0u8; w * h];
    for (ring, closed) in &polygon.rings {
        let n = ring.len();
        let segments = if *closed { n } else { n.saturating_sub(1) };
        for i in 0..segments {
            line(&mut coverage, w, h, ring[i], ring[(i + 1) % n]);
        }
    }
    coverage
}

/// Adds a box-filtered line of [`STROKE_WIDTH_PX`] from `a` to `b` to `coverage`, stepping
/// along its major axis one pixel at a time; each step covers the pixels across the line by
/// how much of the line's width falls in them, kept by maximum.
fn line(coverage: &mut [u8], w: usize, h: usize, a: [f64; 2], b: [f64; 2]) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let steep = dy.abs() >= dx.abs();
    // Work in (major, minor) coordinates: rows for a steep line, columns otherwise.
    let (a, b, major_len, minor_len) = if steep {
        ([a[1], a[0]], [b[1], b[0]], h, w)
    } else {
        (a, b, w, h)
    };
    if !(a[0].is_finite() && a[1].is_finite() && b[0].is_finite() && b[1].is_finite()) {
        return;
    }
    let (a, b) = if a[0] <= b[0] { (a, b) } else { (b, a) };
    let span = b[0] - a[0];
    let slope = if span > 0.0 {
        (b[1] - a[1]) / span
    } else {
        0.0
    };
    // The width across the minor axis grows as the line leans: 1.5 / cos.
    let half = 0.5 * STROKE_WIDTH_PX * (1.0 + slope * slope).sqrt();
    // Integer bounds by truncation of clamped, non-negative values: `floor`/`ceil` are libm
    // calls on the baseline x86-64 target, and this loop runs once per pixel row of every edge.
    let first = ((a[0] - 0.5).clamp(-1.0, major_len as f64) + 1.0).ceil_fast() - 1;
    let last = ((b[0] - 0.5).clamp(-2.0, major_len as f64 - 1.0) + 2.0).floor_fast() - 2;
    let (first, last) = (first.max(0), last.min(major_len as i64 - 1));
    // Where a step's cells are: along a row for a steep line, down a column otherwise.
    let (major_stride, minor_stride) = if steep { (w, 1) } else { (1, w) };
    let limit = minor_len as f64 + 1.0;
    for m in first..=last {
        let c = a[1] + (m as f64 + 0.5 - a[0]) * slope;
        let (lo, hi) = ((c - half).clamp(-1.0, limit), (c + half).clamp(-1.0, limit));
        let from = ((lo + 1.0).floor_fast() - 1).max(0) as usize;
        let to = ((hi + 1.0).ceil_fast() - 1).clamp(0, minor_len as i64) as usize;
        let base = m as usize * major_stride;
        for k in from..to {
            let cover =
                ((hi.min(k as f64 + 1.0) - lo.max(k as f64)).clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            if let Some(cell) = coverage.get_mut(base + k * minor_stride) {
                if cover > *cell {
                    *cell = cover;
                }
            }
        }
    }
}

/// `floor` and `ceil` of a non-negative finite number by truncation.
trait FastRound {
    fn floor_fast(self) -> i64;
    fn ceil_fast(self) -> i64;
}

impl FastRound for f64 {
    fn floor_fast(self) -> i64 {
        self as i64
    }
    fn ceil_fast(self) -> i64 {
        let t = self as i64;
        t + i64::from((t as f64) < self)
    }
}
