//! The offline basemap: Natural Earth land (coastlines) and country borders at 1:110m and
//! 1:50m, embedded in the binary from `assets/basemap/natural-earth.bin` (built by
//! `assets/basemap/generate.py` from the npm package world-atlas 2.0.2; Natural Earth is
//! public domain) and decoded once on first use.

use std::sync::OnceLock;

/// The blob: see `assets/basemap/generate.py` for its layout (quantised, delta and zigzag
/// varint encoded; about 214 KiB for both scales).
static BLOB: &[u8] = include_bytes!("../../assets/basemap/natural-earth.bin");

/// Which scale of Natural Earth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// 1:110m, about 8,100 points: the world view and the inset map.
    Coarse,
    /// 1:50m, about 80,000 points: views narrower than [`FINE_BELOW_DEGREES`].
    Fine,
}

/// Views narrower than this many degrees of longitude use the 1:50m data.
pub const FINE_BELOW_DEGREES: f64 = 40.0;

/// A polyline in degrees (`[lon, lat]`; longitudes in [-180, 180], or continued past ±180
/// for a line across the antimeridian) with its bounding box
/// `[west, south, east, north]`, so that a view can skip it without reading its points.
#[derive(Clone, Debug)]
pub struct Line {
    pub points: Vec<[f64; 2]>,
    pub bbox: [f64; 4],
}

/// One scale: the land rings (closed; their outlines are the coastlines) and the borders
/// between countries (open polylines).
#[derive(Debug)]
pub struct Layer {
    pub land: Vec<Line>,
    pub borders: Vec<Line>,
}

/// The decoded basemap at `scale`, decoded on first use (a few milliseconds) and kept.
///
/// Panics only if the embedded blob is malformed, which `tests` rules out for the blob
/// that is built in.
pub fn layer(scale: Scale) -> &'static Layer {
    static LAYERS: OnceLock<[Layer; 2]> = OnceLock::new();
    let layers = LAYERS.get_or_init(|| {
        let mut reader = Reader { bytes: BLOB, at: 0 };
        reader
            .decode()
            .expect("the embedded basemap is well formed")
    });
    match scale {
        Scale::Coarse => &layers[0],
        Scale::Fine => &layers[1],
    }
}

/// The size in bytes of the embedded blob (for the docs and benchmarks).
pub fn embedded_bytes() -> usize {
    BLOB.len()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn decode(&mut self) -> Option<[Layer; 2]> {
        if self.bytes.get(..4)? != b"NEB1" || *self.bytes.get(4)? != 2 {
            return None;
        }
        self.at = 5;
        let coarse = self.layer()?;
        let fine = self.layer()?;
        (self.at == self.bytes.len()).then_some([coarse, fine])
    }

    fn f64(&mut self) -> Option<f64> {
        let bytes: [u8; 8] = self.bytes.get(self.at..self.at + 8)?.try_into().ok()?;
        self.at += 8;
        Some(f64::from_le_bytes(bytes))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn signed(&mut self) -> Option<i64> {
        let z = self.varint()?;
        Some((z >> 1) as i64 ^ -((z & 1) as i64))
    }

    fn layer(&mut self) -> Option<Layer> {
        let transform = [self.f64()?, self.f64()?, self.f64()?, self.f64()?];
        let land = self.lines(transform)?;
        let borders = self.lines(transform)?;
        Some(Layer { land, borders })
    }

    fn lines(&mut self, [sx, sy, tx, ty]: [f64; 4]) -> Option<Vec<Line>> {
        let count = usize::try_from(self.varint()?).ok()?;
        let mut lines = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            let n = usize::try_from(self.varint()?).ok()?;
            let mut points = Vec::with_capacity(n.min(1 << 20));
            let (mut x, mut y) = (0i64, 0i64);
            for _ in 0..n {
                x += self.signed()?;
                y += self.signed()?;
                points.push([x as f64 * sx + tx, y as f64 * sy + ty]);
            }
            let points = unwrapped(points);
            let bbox = points
                .iter()
                .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
                    [
                        b[0].min(p[0]),
                        b[1].min(p[1]),
                        b[2].max(p[0]),
                        b[3].max(p[1]),
                    ]
                });
            lines.push(Line { points, bbox });
        }
        Some(lines)
    }
}

/// A line whose consecutive points jump by more than 180° of longitude (Fiji's islands and
/// Chukotka across the antimeridian) made continuous, so it is drawn once, not as a band
/// across the world; a ring that then no longer closes (Antarctica, around the pole) is
/// left as written, where its edges along ±180° are real.
fn unwrapped(mut points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    if !points.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 180.0) {
        return points;
    }
    let original = points.clone();
    for i in 1..points.len() {
        let mut step = original[i][0] - original[i - 1][0];
        if step > 180.0 {
            step -= 360.0;
        } else if step < -180.0 {
            step += 360.0;
        }
        points[i][0] = points[i - 1][0] + step;
    }
    let closed = original.first() == original.last();
    match (points.first(), points.last()) {
        (Some(a), Some(b)) if closed && (a[0] - b[0]).abs() > 1e-9 => original,
        _ => points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_scales_decode_to_the_whole_world() {
        for (scale, min_points) in [(Scale::Coarse, 8_000), (Scale::Fine, 80_000)] {
            let layer = layer(scale);
            let points: usize = layer
                .land
                .iter()
                .chain(&layer.borders)
                .map(|l| l.points.len())
                .sum();
            assert!(points >= min_points, "{scale:?}: {points}");
            for line in layer.land.iter().chain(&layer.borders) {
                for p in &line.points {
                    assert!((-360.0..=360.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1]));
                }
                // No edge jumps across the world (it would draw a band).
                assert!(
                    line.points
                        .windows(2)
                        .all(|w| (w[1][0] - w[0][0]).abs() <= 180.0)
                        || line.bbox[1] < -60.0,
                    "{:?}",
                    line.bbox
                );
            }
            // Land rings are closed.
            assert!(layer
                .land
                .iter()
                .all(|l| l.points.first() == l.points.last()));
            let west = layer
                .land
                .iter()
                .map(|l| l.bbox[0])
                .fold(f64::MAX, f64::min);
            let east = layer
                .land
                .iter()
                .map(|l| l.bbox[2])
                .fold(f64::MIN, f64::max);
            assert!(west < -179.0 && east > 179.0, "{west} {east}");
        }
    }

    #[test]
    fn panama_is_land_at_the_fine_scale() {
        // The seed order's AOI (79.5° W, 9° N) lies over Panama: some land ring's box holds it.
        let layer = layer(Scale::Fine);
        assert!(layer
            .land
            .iter()
            .any(|l| l.bbox[0] < -79.5 && l.bbox[2] > -79.5 && l.bbox[1] < 9.0 && l.bbox[3] > 9.0));
    }

    #[test]
    fn a_cut_blob_is_refused_not_a_panic() {
        for end in [0, 3, 5, 40, BLOB.len() / 2, BLOB.len() - 1] {
            let mut reader = Reader {
                bytes: &BLOB[..end],
                at: 0,
            };
            assert!(reader.decode().is_none(), "{end}");
        }
    }
}
