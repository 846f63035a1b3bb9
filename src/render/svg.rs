//! The SVG drawing of a [`Scene`]: sea and land (Natural Earth), country borders, the
//! graticule with labelled degrees, the areas of interest (holes by the even-odd rule, a
//! MultiPolygon's bounding box dashed with its area), the diagnostics at their place with
//! their code, a scale bar in km, a north arrow, an inset world map and the caption.
//!
//! Everything is simplified for drawing at the output's resolution: a point closer than
//! [`TOLERANCE_PX`] to the previous one kept is skipped (the first and last of each line are
//! kept), so a 200,000-vertex AOI that fits in 800 pixels draws a few thousand points; the
//! document is never changed. Numbers are written with one decimal, so the text is the same
//! on every machine (the snapshot tests rely on it).

use std::fmt::Write as _;
use std::sync::OnceLock;

use super::basemap::{self, Scale, FINE_BELOW_DEGREES};
use super::coverage::DensePolygon;
use super::scene::{bbox_area_km2, Scene};
use super::view::{mercator_y, View, CAPTION_HEIGHT, MAX_LATITUDE};
use super::Options;
use crate::check::Severity;

/// Points closer than this (in pixels) to the previous point drawn are skipped.
pub const TOLERANCE_PX: f64 = 0.5;

/// The fill of the areas of interest (with [`AOI_FILL_OPACITY`]) and their outline.
pub const AOI_FILL: [u8; 3] = [0xE4, 0x57, 0x2E];
pub const AOI_FILL_OPACITY: f64 = 0.45;
const AOI_STROKE: &str = "#B8321A";
/// [`AOI_STROKE`] as RGB, for [`super::coverage`].
pub const AOI_STROKE_RGB: [u8; 3] = [0xB8, 0x32, 0x1A];
/// Sea and land.
pub const SEA: [u8; 3] = [0xD6, 0xE6, 0xF2];
pub const LAND: [u8; 3] = [0xF1, 0xEE, 0xE4];

/// Above this many vertices drawn, vertices get no dot of their own (the outline shows
/// them) but stay in [`Rendered::vertices`] for hover and clicks.
const VERTEX_DOTS_MAX: usize = 400;

/// A drawing and what a viewer needs to make it interactive.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The SVG document (UTF-8 text).
    pub svg: String,
    pub view: View,
    /// The vertices drawn (after simplification), each with where it is written.
    pub vertices: Vec<DrawnVertex>,
    pub markers: Vec<DrawnMarker>,
    /// The polygons left out of `svg` for [`super::raster`] to paint (see
    /// [`render_for_raster`]), each with the byte offset in `svg` where it belongs (a
    /// `<!--tasking-ls:coverage-->` comment inside the `aoi` group); empty from [`render_svg`].
    pub dense: Vec<(usize, DensePolygon)>,
}

/// A vertex as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnVertex {
    /// Index of its shape, polygon and ring in the scene, and of the position in the ring
    /// (counting readable positions).
    pub shape: usize,
    pub polygon: usize,
    pub ring: usize,
    pub index: usize,
    /// `[lon, lat]` in degrees as written (longitude back in [-180, 180]).
    pub lon_lat: [f64; 2],
    /// Pixel in the SVG (user units).
    pub pixel: [f64; 2],
    /// Byte offset of the position in the document.
    pub offset: usize,
}

/// A diagnostic marker as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnMarker {
    pub code: &'static str,
    pub message: String,
    pub pixel: [f64; 2],
    /// Byte offset of the diagnostic's start in the document.
    pub offset: usize,
}

/// A polygon keeping at least this many drawn vertices after the half-pixel skipping is
/// painted by [`super::coverage`] in a PNG: tiny-skia's cost grows with the edges per row.
pub const DENSE_POINTS: usize = 10_000;

/// Draws `scene` at the size of `options`; see the module's documentation.
pub fn render_svg(scene: &Scene, options: &Options) -> Rendered {
    render(scene, options, None)
}

/// As [`render_svg`], for a raster: every polygon that keeps [`DENSE_POINTS`] or more points
/// is left out of the SVG and returned in [`Rendered::dense`], for [`super::raster::png_of`]
/// to paint at its place.
pub fn render_for_raster(scene: &Scene, options: &Options) -> Rendered {
    render(scene, options, Some(DENSE_POINTS))
}

/// The drawing; polygons keeping `dense_from` points or more go to [`Rendered::dense`].
pub(super) fn render(scene: &Scene, options: &Options, dense_from: Option<usize>) -> Rendered {
    let view = View::fit(scene, options);
    let (width, height) = (
        f64::from(options.width.max(16)),
        f64::from(options.height.max(16)),
    );
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">
<defs><clipPath id="map-area"><rect width="{mw}" height="{mh}"/></clipPath></defs>
<rect id="sea" width="{mw}" height="{mh}" fill="{sea}"/>
"##,
        w = num(width),
        h = num(height),
        mw = num(view.width),
        mh = num(view.height),
        sea = hex(SEA),
    );
    draw_basemap(&mut out, &view);
    draw_graticule(&mut out, &view, options.decorations);
    draw_passes(&mut out, scene, &view);
    let mut dense = Vec::new();
    let (vertices, markers) = draw_aoi(&mut out, scene, &view, dense_from, &mut dense);
    if options.decorations {
        draw_north_arrow(&mut out);
        draw_scale_bar(&mut out, &view);
        draw_inset(&mut out, scene, &view);
    }
    if options.caption || options.decorations {
        draw_pass_legend(&mut out, scene, &view);
    }
    if options.caption {
        draw_caption(&mut out, scene, &view, height);
    }
    out.push_str("</svg>\n");
    Rendered {
        svg: out,
        view,
        vertices,
        markers,
        dense,
    }
}

/// A number with at most two decimals, without trailing zeros (opacities).
fn num2(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A number with at most one decimal, without a trailing `.0`; pixel coordinates beyond
/// [`MAX_PIXEL`] are written at it. A typo'd longitude of 1e10 put vertices at 1e12 px, where
/// tiny-skia's rasterizer panicked (`alpha_runs.rs`); so far out, only the direction towards
/// the vertex shows in the picture, and an order with such a coordinate is reported anyway.
fn num(v: f64) -> String {
    let r = (v.clamp(-MAX_PIXEL, MAX_PIXEL) * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".into();
    }
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// The farthest pixel coordinate written (pictures are a few thousand pixels wide).
const MAX_PIXEL: f64 = 1e6;

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Text for an SVG text node or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends `M x y L ...` (and `Z` when `close`) for pixels, skipping points within
/// [`TOLERANCE_PX`] of the last one written; the last point is always written.
fn path_data(out: &mut String, points: &[[f64; 2]], close: bool) {
    let mut last: Option<[f64; 2]> = None;
    for (i, p) in points.iter().enumerate() {
        let final_point = i + 1 == points.len();
        if let Some(l) = last {
            let near = (p[0] - l[0]).abs() < TOLERANCE_PX && (p[1] - l[1]).abs() < TOLERANCE_PX;
            if near && !final_point {
                continue;
            }
            if near && final_point && close {
                break;
            }
        }
        out.push(if last.is_none() { 'M' } else { 'L' });
        out.push_str(&num(p[0]));
        out.push(' ');
        out.push_str(&num(p[1]));
        last = Some(*p);
    }
    if close && last.is_some() {
        out.push('Z');
    }
}

/// Sutherland–Hodgman: the polygon `points` (pixels) clipped to the rectangle
/// `[x0, y0, x1, y1]`, so that a continent's ring around a small view keeps its fill inside
/// and costs a handful of points.
fn clip_polygon(points: &[[f64; 2]], rect: [f64; 4]) -> Vec<[f64; 2]> {
    let mut current: Vec<[f64; 2]> = points.to_vec();
    for edge in 0..4 {
        if current.is_empty() {
            break;
        }
        let inside = |p: &[f64; 2]| match edge {
            0 => p[0] >= rect[0],
            1 => p[0] <= rect[2],
            2 => p[1] >= rect[1],
            _ => p[1] <= rect[3],
        };
        let cut = |a: [f64; 2], b: [f64; 2]| -> [f64; 2] {
            let (axis, value) = match edge {
                0 => (0, rect[0]),
                1 => (0, rect[2]),
                2 => (1, rect[1]),
                _ => (1, rect[3]),
            };
            let t = (value - a[axis]) / (b[axis] - a[axis]);
            let mut p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            p[axis] = value;
            p
        };
        let input = std::mem::take(&mut current);
        let mut previous = *input.last().unwrap_or(&[0.0, 0.0]);
        for &p in &input {
            match (inside(&p), inside(&previous)) {
                (true, true) => current.push(p),
                (true, false) => {
                    current.push(cut(previous, p));
                    current.push(p);
                }
                (false, true) => current.push(cut(previous, p)),
                (false, false) => {}
            }
            previous = p;
        }
    }
    current
}

/// The lines of a polyline (pixels) that pass through the rectangle: runs of segments that
/// touch it, each kept whole (the clip path trims them).
fn visible_runs(points: &[[f64; 2]], rect: [f64; 4]) -> Vec<&[[f64; 2]]> {
    let touches = |a: [f64; 2], b: [f64; 2]| {
        a[0].min(b[0]) <= rect[2]
            && a[0].max(b[0]) >= rect[0]
            && a[1].min(b[1]) <= rect[3]
            && a[1].max(b[1]) >= rect[1]
    };
    let mut runs = Vec::new();
    let mut start = None;
    for i in 0..points.len().saturating_sub(1) {
        if touches(points[i], points[i + 1]) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            runs.push(&points[s..=i]);
        }
    }
    if let Some(s) = start {
        runs.push(&points[s..]);
    }
    runs
}

/// The whole turns (multiples of 360°) by which the world's copy at `bbox` must be shifted to
/// meet the view: one, or two when the view crosses the antimeridian.
fn shifts(bbox: [f64; 4], bounds: [f64; 4]) -> impl Iterator<Item = f64> {
    [-360.0, 0.0, 360.0].into_iter().filter(move |k| {
        bbox[0] + k <= bounds[2]
            && bbox[2] + k >= bounds[0]
            && bbox[1] <= bounds[3]
            && bbox[3] >= bounds[1]
    })
}

fn draw_basemap(out: &mut String, view: &View) {
    let bounds = view.bounds();
    let scale = if bounds[2] - bounds[0] < FINE_BELOW_DEGREES {
        Scale::Fine
    } else {
        Scale::Coarse
    };
    let layer = basemap::layer(scale);
    let margin = 8.0;
    let rect = [-margin, -margin, view.width + margin, view.height + margin];
    let project = |points: &[[f64; 2]], k: f64| -> Vec<[f64; 2]> {
        points
            .iter()
            .map(|p| view.pixel([p[0] + k, p[1]]))
            .collect()
    };
    let mut land = String::new();
    for line in &layer.land {
        for k in shifts(line.bbox, bounds) {
            let clipped = clip_polygon(&project(&line.points, k), rect);
            if clipped.len() >= 3 {
                path_data(&mut land, &clipped, true);
            }
        }
    }
    let mut borders = String::new();
    for line in &layer.borders {
        for k in shifts(line.bbox, bounds) {
            let pixels = project(&line.points, k);
            for run in visible_runs(&pixels, rect) {
                path_data(&mut borders, run, false);
            }
        }
    }
    let _ = writeln!(
        out,
        r##"<g id="basemap" clip-path="url(#map-area)" data-scale="{}">
<path id="land" d="{land}" fill="{}" fill-rule="evenodd" stroke="#8C8C7A" stroke-width="0.7"/>
<path id="borders" d="{borders}" fill="none" stroke="#A08C96" stroke-width="0.7" stroke-dasharray="3 2"/>
</g>"##,
        match scale {
            Scale::Coarse => "1:110m",
            Scale::Fine => "1:50m",
        },
        hex(LAND),
    );
}

/// A round step of about a sixth of `span`: 1, 2 or 5 times a power of ten (or 15°, 30°,
/// 45° for wide views).
fn nice_step(span: f64) -> f64 {
    let rough = span / 6.0;
    if rough >= 10.0 {
        return [15.0, 30.0, 45.0, 90.0]
            .into_iter()
            .find(|s| *s >= rough)
            .unwrap_or(90.0);
    }
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power)
}

/// Degrees with as many decimals as the step needs and a hemisphere letter: `79.55°W`.
fn degrees(value: f64, step: f64, positive: char, negative: char) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let rounded = format!("{:.*}", decimals, value.abs());
    // 0° and 180° belong to neither side.
    let zero = rounded.trim_start_matches(['0', '.']).is_empty()
        || (positive == 'E' && (value.abs() - 180.0).abs() < step / 2.0);
    let letter = if zero {
        ""
    } else if value > 0.0 {
        &positive.to_string()[..]
    } else {
        &negative.to_string()[..]
    };
    format!("{rounded}°{letter}")
}

/// A longitude back in [-180, 180].
pub fn wrap_longitude(lon: f64) -> f64 {
    let wrapped = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if wrapped == -180.0 && lon > 0.0 {
        180.0
    } else {
        wrapped
    }
}

/// The multiples of `step` from `low` to `high` (degrees), at most [`MAX_GRATICULE_LINES`].
/// Each is computed from its index, not by adding `step` to the last: around a longitude of
/// 7e14 (a typo'd coordinate) adding 0.002 gives the same number back, and the loop never
/// ended (the hover of such a geometry never answered).
fn steps(low: f64, high: f64, step: f64) -> impl Iterator<Item = f64> {
    let first = (low / step).ceil();
    let count = if high >= low && step > 0.0 && first.is_finite() {
        ((high / step).floor() - first + 1.0).clamp(0.0, MAX_GRATICULE_LINES as f64) as usize
    } else {
        0
    };
    (0..count).map(move |i| (first + i as f64) * step)
}

/// More lines than a picture can show apart (a step of a sixth of the view gives about 7).
const MAX_GRATICULE_LINES: usize = 64;

fn draw_graticule(out: &mut String, view: &View, labels: bool) {
    let [west, south, east, north] = view.bounds();
    let step = nice_step((east - west).max(north - south));
    let mut lines = String::new();
    let mut text = String::new();
    for lon in steps(west, east, step) {
        let x = view.pixel_xy(lon, 0.0)[0];
        let _ = write!(lines, "M{} 0V{}", num(x), num(view.height));
        if labels {
            let _ = write!(
                text,
                r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(x),
                num(view.height - 4.0),
                degrees(wrap_longitude(lon), step, 'E', 'W')
            );
        }
    }
    for lat in steps(south.max(-MAX_LATITUDE), north.min(MAX_LATITUDE), step) {
        let y = view.pixel_xy(0.0, mercator_y(lat))[1];
        let _ = write!(lines, "M0 {}H{}", num(y), num(view.width));
        // Not under the north arrow.
        if labels && y > 56.0 {
            let _ = write!(
                text,
                r#"<text x="4" y="{}">{}</text>"#,
                num(y - 3.0),
                degrees(lat, step, 'N', 'S')
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<g id="graticule" clip-path="url(#map-area)" data-step="{step}">
<path d="{lines}" fill="none" stroke="#7A8C9E" stroke-width="0.5" stroke-opacity="0.6"/>
<g fill="#3D4F60" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">{text}</g>
</g>"##
    );
}

/// The colours of the satellites' passes, by their order in the legend.
pub const PASS_COLOURS: [[u8; 3]; 6] = [
    [0x1F, 0x5F, 0xB4],
    [0x7A, 0x3E, 0xA1],
    [0x13, 0x85, 0x5B],
    [0xB0, 0x6A, 0x10],
    [0x0E, 0x8A, 0x9E],
    [0xA3, 0x2A, 0x6E],
];

fn pass_colour(layer: &super::scene::PassLayer, satellite: &str) -> [u8; 3] {
    let index = layer
        .satellites
        .iter()
        .position(|s| s == satellite)
        .unwrap_or(0);
    PASS_COLOURS[index % PASS_COLOURS.len()]
}

/// Each pass's reachable strip (a translucent band), its ground track (a line) and, at the
/// sub-satellite point of the smallest incidence, a dot and the label; under the AOI.
fn draw_passes(out: &mut String, scene: &Scene, view: &View) {
    let Some(layer) = &scene.passes else {
        return;
    };
    if layer.tracks.is_empty() {
        return;
    }
    let _ = writeln!(out, r#"<g id="passes" clip-path="url(#map-area)">"#);
    // Many strips overlap: each is fainter so that the map stays readable (about the same
    // total tint where all of them overlap).
    let count = layer.tracks.len() as f64;
    let fill_opacity = (0.36 / count).clamp(0.03, 0.12);
    // Labels that would cover one already placed are left out (each pass keeps its tooltip).
    let mut placed: Vec<[f64; 4]> = Vec::new();
    for track in &layer.tracks {
        let colour = hex(pass_colour(layer, &track.satellite));
        let strip: Vec<[f64; 2]> = track.strip.iter().map(|p| view.pixel(*p)).collect();
        let line: Vec<[f64; 2]> = track.line.iter().map(|p| view.pixel(*p)).collect();
        let (mut strip_d, mut line_d) = (String::new(), String::new());
        path_data(&mut strip_d, &strip, true);
        path_data(&mut line_d, &line, false);
        let [x, y] = view.pixel(track.anchor);
        let width = track.label.chars().count() as f64 * 6.7;
        // A label that would leave the map on the right ends at its dot instead.
        let (tx, anchor, left) = if x + 6.0 + width > view.width {
            (x - 6.0, r#" text-anchor="end""#, x - 6.0 - width)
        } else {
            (x + 6.0, "", x + 6.0)
        };
        let rect = [left, y - 17.0, left + width, y - 3.0];
        let free = !placed
            .iter()
            .any(|r| rect[0] < r[2] && r[0] < rect[2] && rect[1] < r[3] && r[1] < rect[3]);
        let text = if free {
            placed.push(rect);
            format!(
                r##"<text x="{}" y="{}"{anchor} fill="{colour}" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">{}</text>"##,
                num(tx),
                num(y - 6.0),
                escape(&track.label)
            )
        } else {
            String::new()
        };
        let outline = if layer.tracks.len() <= 6 {
            format!(
                r#" stroke="{colour}" stroke-opacity="0.35" stroke-width="0.8" stroke-dasharray="4 3""#
            )
        } else {
            r#" stroke="none""#.to_string()
        };
        let _ = writeln!(
            out,
            r##"<g class="pass" data-satellite="{sat}"><title>{label}</title><path class="strip" d="{strip_d}" fill="{colour}" fill-opacity="{fo}"{outline}/><path class="track" d="{line_d}" fill="none" stroke="{colour}" stroke-width="1.6"/><circle cx="{x}" cy="{y}" r="3" fill="{colour}" stroke="#FFFFFF" stroke-width="1"/>{text}</g>"##,
            sat = escape(&track.satellite),
            label = escape(&track.label),
            fo = num2(fill_opacity),
            x = num(x),
            y = num(y),
        );
    }
    out.push_str("</g>\n");
}

/// The passes' legend in the map's bottom-right corner: the sentence (count, limit,
/// elements' dates, "geometric access only", or why the timing is unavailable) and a swatch
/// per satellite drawn.
fn draw_pass_legend(out: &mut String, scene: &Scene, view: &View) {
    let Some(layer) = &scene.passes else {
        return;
    };
    let sentences: Vec<&str> = layer.legend.split("; ").collect();
    // Monospace at 11 px: about 6.7 px a character.
    let lines = sentences.len() + layer.satellites.len();
    let chars = layer
        .satellites
        .iter()
        .map(|s| s.chars().count() + 4)
        .chain(sentences.iter().map(|s| s.chars().count()))
        .max()
        .unwrap_or(0);
    let width = (chars as f64 * 6.7 + 12.0).min(view.width - 16.0);
    let height = lines as f64 * 15.0 + 8.0;
    let (x, y) = (view.width - width - 8.0, view.height - height - 8.0);
    let mut rows = String::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let _ = write!(
            rows,
            r##"<text x="{}" y="{}" fill="#1F2A33">{}</text>"##,
            num(x + 6.0),
            num(y + 15.0 * (i as f64 + 1.0)),
            escape(sentence)
        );
    }
    for (i, satellite) in layer.satellites.iter().enumerate() {
        let row = y + 15.0 * ((sentences.len() + i) as f64 + 1.0);
        let colour = hex(PASS_COLOURS[i % PASS_COLOURS.len()]);
        let _ = write!(
            rows,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"/><text x="{}" y="{}" fill="#1F2A33">{}</text>"##,
            num(x + 6.0),
            num(row - 4.0),
            num(x + 18.0),
            num(row - 4.0),
            num(x + 24.0),
            num(row),
            escape(satellite)
        );
    }
    let _ = writeln!(
        out,
        r##"<g id="pass-legend"><rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF" fill-opacity="0.85" stroke="#3D4F60" stroke-width="0.8"/>{rows}</g>"##,
        num(x),
        num(y),
        num(width),
        num(height),
    );
}

fn draw_aoi(
    out: &mut String,
    scene: &Scene,
    view: &View,
    dense_from: Option<usize>,
    dense: &mut Vec<(usize, DensePolygon)>,
) -> (Vec<DrawnVertex>, Vec<DrawnMarker>) {
    let mut vertices = Vec::new();
    let _ = writeln!(out, r#"<g id="aoi" clip-path="url(#map-area)">"#);
    for (s, shape) in scene.shapes.iter().enumerate() {
        if shape.multi {
            let polygons = std::slice::from_ref(shape);
            if let Some(b) = super::scene::bbox_of(polygons) {
                let [x0, y1] = view.pixel([b[0], b[1]]);
                let [x1, y0] = view.pixel([b[2], b[3]]);
                let _ = writeln!(
                    out,
                    r##"<g class="bbox"><rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#3D4F60" stroke-width="1.2" stroke-dasharray="6 4"/><text x="{}" y="{}" fill="#3D4F60" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">ordered as its bounding box: {} km²</text></g>"##,
                    num(x0),
                    num(y0),
                    num(x1 - x0),
                    num(y1 - y0),
                    num(x0),
                    num(y0 - 5.0),
                    area_text(bbox_area_km2(&b)),
                );
            }
        }
        for (p, polygon) in shape.polygons.iter().enumerate() {
            let mut kept = 0;
            let mut pixel_rings = Vec::new();
            for (r, ring) in polygon.rings.iter().enumerate() {
                let pixels: Vec<[f64; 2]> = ring.points.iter().map(|q| view.pixel(*q)).collect();
                // The drawn vertices: the same skipping as the path (first and last kept).
                let mut last: Option<[f64; 2]> = None;
                for (i, px) in pixels.iter().enumerate() {
                    let keep = i + 1 == pixels.len()
                        || last.is_none_or(|l| {
                            (px[0] - l[0]).abs() >= TOLERANCE_PX
                                || (px[1] - l[1]).abs() >= TOLERANCE_PX
                        });
                    if keep {
                        last = Some(*px);
                        kept += 1;
                        let q = ring.points[i];
                        vertices.push(DrawnVertex {
                            shape: s,
                            polygon: p,
                            ring: r,
                            index: i,
                            lon_lat: [wrap_longitude(q[0]), q[1]],
                            pixel: *px,
                            offset: ring.offsets[i],
                        });
                    }
                }
                pixel_rings.push((pixels, ring.closed));
            }
            if dense_from.is_some_and(|from| kept >= from) {
                dense.push((out.len(), DensePolygon { rings: pixel_rings }));
                out.push_str("<!--tasking-ls:coverage-->\n");
                continue;
            }
            let mut d = String::new();
            for (pixels, closed) in &pixel_rings {
                path_data(&mut d, pixels, *closed);
            }
            let _ = writeln!(
                out,
                r#"<path class="aoi-polygon" data-shape="{s}" data-polygon="{p}" d="{d}" fill="{}" fill-opacity="{AOI_FILL_OPACITY}" fill-rule="evenodd" stroke="{AOI_STROKE}" stroke-width="1.5" stroke-linejoin="round"/>"#,
                hex(AOI_FILL),
            );
        }
    }
    if vertices.len() <= VERTEX_DOTS_MAX {
        let mut dots = String::new();
        for v in &vertices {
            let _ = write!(
                dots,
                r#"<circle cx="{}" cy="{}" r="2.2" data-offset="{}"/>"#,
                num(v.pixel[0]),
                num(v.pixel[1]),
                v.offset
            );
        }
        let _ = writeln!(out, r#"<g class="vertices" fill="{AOI_STROKE}">{dots}</g>"#);
    }
    let mut markers = Vec::new();
    for marker in &scene.markers {
        let pixel = view.pixel(marker.at);
        let colour = match marker.severity {
            Severity::Error => "#C0001A",
            Severity::Warning => "#B87800",
        };
        if let Some(to) = marker.gap_to {
            let end = view.pixel(to);
            let _ = write!(
                out,
                r#"<line class="gap" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>"#,
                num(pixel[0]),
                num(pixel[1]),
                num(end[0]),
                num(end[1]),
            );
        }
        let _ = writeln!(
            out,
            r##"<g class="marker" data-offset="{}"><title>{}</title><circle cx="{x}" cy="{y}" r="7" fill="#FFFFFF" fill-opacity="0.6" stroke="{colour}" stroke-width="2"/><path d="M{x0} {y0}l6 6m0 -6l-6 6" stroke="{colour}" stroke-width="1.6"/><text x="{tx}" y="{ty}" fill="{colour}" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">{}</text></g>"##,
            marker.range.start,
            escape(&marker.message),
            escape(marker.code.as_str()),
            x = num(pixel[0]),
            y = num(pixel[1]),
            x0 = num(pixel[0] - 3.0),
            y0 = num(pixel[1] - 3.0),
            tx = num(pixel[0] + 10.0),
            ty = num(pixel[1] - 8.0),
        );
        markers.push(DrawnMarker {
            code: marker.code.as_str(),
            message: marker.message.clone(),
            pixel,
            offset: marker.range.start as usize,
        });
    }
    out.push_str("</g>\n");
    (vertices, markers)
}

/// km² with one decimal, or more digits for small areas (as hover shows them).
pub fn area_text(km2: f64) -> String {
    if km2 >= 10.0 {
        format!("{km2:.1}")
    } else if km2 >= 0.01 {
        format!("{km2:.3}")
    } else {
        format!("{km2:.6}")
    }
}

fn draw_north_arrow(out: &mut String) {
    out.push_str(
        r##"<g id="north-arrow" transform="translate(22 14)"><path d="M0 0L8 22L0 17L-8 22Z" fill="#3D4F60" stroke="#FFFFFF" stroke-width="1"/><text x="0" y="34" text-anchor="middle" font-weight="bold" fill="#3D4F60" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">N</text></g>
"##,
    );
}

fn draw_scale_bar(out: &mut String, view: &View) {
    let km_per_px = view.km_per_pixel();
    let target = km_per_px * 120.0;
    let power = 10f64.powf(target.log10().floor());
    let km = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|k| *k <= target)
        .unwrap_or(power);
    let length = km / km_per_px;
    let label = if km >= 1.0 {
        format!("{} km", num(km))
    } else {
        format!("{} m", num(km * 1000.0))
    };
    let (x, y) = (14.0, view.height - 38.0);
    let _ = writeln!(
        out,
        r##"<g id="scale-bar" data-km="{km}"><rect x="{}" y="{}" width="{}" height="6" fill="#FFFFFF" stroke="#3D4F60" stroke-width="1"/><rect x="{}" y="{}" width="{}" height="6" fill="#3D4F60"/><text x="{}" y="{}" fill="#3D4F60" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">{label}</text></g>"##,
        num(x),
        num(y),
        num(length),
        num(x),
        num(y),
        num(length / 2.0),
        num(x + length + 6.0),
        num(y + 7.0),
    );
}

/// The inset's size in pixels and its margin from the map's top-right corner.
const INSET: [f64; 2] = [160.0, 80.0];

fn draw_inset(out: &mut String, scene: &Scene, view: &View) {
    // The world at 1:110m in plate carrée, drawn once and kept (about 10 KB of path).
    static WORLD: OnceLock<String> = OnceLock::new();
    let world = WORLD.get_or_init(|| {
        let mut d = String::new();
        for line in &basemap::layer(Scale::Coarse).land {
            let pixels: Vec<[f64; 2]> = line.points.iter().map(|p| inset_pixel(*p)).collect();
            path_data(&mut d, &pixels, true);
        }
        d
    });
    let (x, y) = (view.width - INSET[0] - 8.0, 8.0);
    let mut mark = String::new();
    if let Some(b) = super::scene::bbox_of(&scene.shapes) {
        let west = wrap_longitude(b[0]);
        let [x0, y0] = inset_pixel([west, b[3]]);
        let [x1, y1] = inset_pixel([west + (b[2] - b[0]), b[1]]);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let w = (x1 - x0).max(3.0);
        let h = (y1 - y0).max(3.0);
        let _ = write!(
            mark,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#C0001A" stroke-width="1.5"/><circle cx="{}" cy="{}" r="5" fill="none" stroke="#C0001A" stroke-width="1"/>"##,
            num(cx - w / 2.0),
            num(cy - h / 2.0),
            num(w),
            num(h),
            num(cx),
            num(cy),
        );
    }
    let _ = writeln!(
        out,
        r##"<g id="inset" transform="translate({} {})"><rect width="{}" height="{}" fill="{}" stroke="#3D4F60" stroke-width="1"/><path d="{world}" fill="#C9C4B4" fill-rule="evenodd"/>{mark}</g>"##,
        num(x),
        num(y),
        num(INSET[0]),
        num(INSET[1]),
        hex(SEA),
    );
}

/// The inset's pixel of `[lon, lat]` (plate carrée over the whole world).
fn inset_pixel(p: [f64; 2]) -> [f64; 2] {
    [
        (p[0] + 180.0) / 360.0 * INSET[0],
        (90.0 - p[1]) / 180.0 * INSET[1],
    ]
}

fn draw_caption(out: &mut String, scene: &Scene, view: &View, height: f64) {
    let c = &scene.caption;
    let title = c.title.clone().unwrap_or_else(|| "(no dataProduct)".into());
    let mut figures = Vec::new();
    if let Some(area) = c.area_km2 {
        figures.push(format!("area {} km²", area_text(area)));
    }
    if let Some((w, h)) = c.bbox_km {
        figures.push(format!("bbox {w:.1} × {h:.1} km"));
    }
    figures.push(format!(
        "{} vert{}",
        c.vertices,
        if c.vertices == 1 { "ex" } else { "ices" }
    ));
    if let Some(window) = &c.window {
        figures.push(window.clone());
    }
    if scene.shapes.is_empty() {
        figures.insert(0, "no Polygon or MultiPolygon geometry".into());
    }
    let marker_errors = scene
        .markers
        .iter()
        .filter(|m| m.severity == Severity::Error)
        .count();
    let errors = c.other_errors + marker_errors;
    let warnings = c.other_warnings + (scene.markers.len() - marker_errors);
    let problems = match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, w) => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    let top = height - CAPTION_HEIGHT;
    let _ = writeln!(
        out,
        r##"<g id="caption"><rect y="{}" width="{}" height="{}" fill="#FFFFFF"/><line x1="0" y1="{}" x2="{}" y2="{}" stroke="#3D4F60"/><text x="10" y="{}" font-size="13" font-weight="bold" fill="#1F2A33">{}</text><text x="10" y="{}" fill="#1F2A33">{}</text><text x="10" y="{}" fill="#5A6B7A">{} · basemap: Natural Earth</text></g>"##,
        num(top),
        num(view.width),
        num(CAPTION_HEIGHT),
        num(top),
        num(view.width),
        num(top),
        num(top + 19.0),
        escape(&title),
        num(top + 37.0),
        escape(&figures.join(" · ")),
        num(top + 54.0),
        escape(&problems),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_labels_read_well() {
        assert_eq!(nice_step(0.3), 0.05);
        assert_eq!(nice_step(1.2), 0.2);
        assert_eq!(nice_step(360.0), 90.0);
        assert_eq!(degrees(-79.55, 0.05, 'E', 'W'), "79.55°W");
        assert_eq!(degrees(0.0, 1.0, 'N', 'S'), "0°");
        assert!((wrap_longitude(180.4) + 179.6).abs() < 1e-9);
        assert_eq!(wrap_longitude(180.0), 180.0);
    }

    #[test]
    fn clipping_keeps_a_ring_around_the_view_as_the_view() {
        let big = [
            [-100.0, -100.0],
            [200.0, -100.0],
            [200.0, 200.0],
            [-100.0, 200.0],
        ];
        let clipped = clip_polygon(&big, [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(clipped.len(), 4);
        assert!(clipped
            .iter()
            .all(|p| (0.0..=10.0).contains(&p[0]) && (0.0..=10.0).contains(&p[1])));
    }
}
