//! PNG from the SVG drawing, in Rust (resvg and tiny-skia; no browser). Text is set in the
//! embedded DejaVu Sans Mono (Bitstream Vera licence, `assets/fonts/`), so a PNG reads the
//! same on a machine without fonts (a CI runner) and the core reads no font file.

use std::sync::{Arc, OnceLock};

use super::svg::Rendered;

/// The font every text of the picture is set in (about 335 KiB).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("the drawing is not valid SVG: {0}")]
    Svg(String),
    #[error("the picture size {0}x{1} is not drawable")]
    Size(u32, u32),
    #[error("could not encode the PNG: {0}")]
    Encode(String),
}

fn options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: OnceLock<resvg::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = resvg::usvg::fontdb::Database::new();
        fonts.load_font_data(FONT.to_vec());
        fonts.set_monospace_family("DejaVu Sans Mono");
        fonts.set_sans_serif_family("DejaVu Sans Mono");
        let mut options = resvg::usvg::Options {
            font_family: "DejaVu Sans Mono".into(),
            ..Default::default()
        };
        options.fontdb = Arc::new(fonts);
        options
    })
}

/// The RGBA pixels of `svg` at its own size (premultiplied alpha, as tiny-skia keeps them).
pub fn rasterize(svg: &str) -> Result<resvg::tiny_skia::Pixmap, RasterError> {
    let tree =
        resvg::usvg::Tree::from_str(svg, options()).map_err(|e| RasterError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or(RasterError::Size(size.width(), size.height()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// The pixels of a drawing made by [`super::svg::render_for_raster`]: the SVG drawn by resvg
/// in parts, with each polygon of [`Rendered::dense`] painted by [`super::coverage`] between
/// them, at its place in the layers (over the basemap, under the markers and the caption).
pub fn rasterize_rendered(rendered: &Rendered) -> Result<resvg::tiny_skia::Pixmap, RasterError> {
    if rendered.dense.is_empty() {
        return rasterize(&rendered.svg);
    }
    let svg = rendered.svg.as_str();
    // The parts after the first reuse the root element and its <defs> (the map's clip path),
    // and reopen a group clipped to the map, as the `aoi` group they were cut from is.
    let header_end = svg.find("</defs>").map_or(0, |i| i + "</defs>".len());
    let header = &svg[..header_end];
    let reopen = "\n<g clip-path=\"url(#map-area)\">\n";
    let close = "</g>\n</svg>\n";
    let mut pixmap: Option<resvg::tiny_skia::Pixmap> = None;
    let mut from = 0;
    for (k, (at, polygon)) in rendered.dense.iter().enumerate() {
        let part = if k == 0 {
            format!("{}{close}", &svg[..*at])
        } else {
            format!("{header}{reopen}{}{close}", &svg[from..*at])
        };
        draw_onto(&mut pixmap, &part)?;
        let pixels = pixmap.as_mut().expect("drawn above");
        let size = (pixels.width(), pixels.height());
        super::coverage::paint(
            pixels.data_mut(),
            size,
            [rendered.view.width, rendered.view.height],
            polygon,
            super::coverage::Paint {
                fill: super::svg::AOI_FILL,
                fill_opacity: super::svg::AOI_FILL_OPACITY,
                stroke: super::svg::AOI_STROKE_RGB,
            },
        );
        from = *at;
    }
    draw_onto(&mut pixmap, &format!("{header}{reopen}{}", &svg[from..]))?;
    Ok(pixmap.expect("drawn above"))
}

/// Draws the SVG document `svg` over `pixmap`, first making it at the document's size.
fn draw_onto(pixmap: &mut Option<resvg::tiny_skia::Pixmap>, svg: &str) -> Result<(), RasterError> {
    let tree =
        resvg::usvg::Tree::from_str(svg, options()).map_err(|e| RasterError::Svg(e.to_string()))?;
    if pixmap.is_none() {
        let size = tree.size().to_int_size();
        *pixmap = Some(
            resvg::tiny_skia::Pixmap::new(size.width(), size.height())
                .ok_or(RasterError::Size(size.width(), size.height()))?,
        );
    }
    let target = pixmap.as_mut().expect("made above");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut target.as_mut(),
    );
    Ok(())
}

/// A drawing made by [`super::svg::render_for_raster`] as PNG bytes.
pub fn png_of(rendered: &Rendered) -> Result<Vec<u8>, RasterError> {
    rasterize_rendered(rendered)?
        .encode_png()
        .map_err(|e| RasterError::Encode(e.to_string()))
}

/// `svg` as PNG bytes at its own size.
pub fn png(svg: &str) -> Result<Vec<u8>, RasterError> {
    rasterize(svg)?
        .encode_png()
        .map_err(|e| RasterError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{rasterize, rasterize_rendered};
    use crate::check::{check_document, CheckOptions};
    use crate::document::Document;
    use crate::render::svg::render;
    use crate::render::{scene_of, Options};
    use crate::schema::SchemaStore;
    use crate::test_rng::Lcg;

    /// A star-shaped ring of `n` positions around `centre` (degrees), radii in
    /// `[inner, outer]` drawn at random, closed.
    fn ring(rng: &mut Lcg, centre: [f64; 2], n: usize, inner: f64, outer: f64) -> String {
        let mut points = Vec::new();
        for i in 0..n {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = inner + (outer - inner) * f64::from(rng.draw() % 1000) / 1000.0;
            points.push(format!(
                "[{:.6}, {:.6}]",
                centre[0] + r * a.cos(),
                centre[1] + r * a.sin()
            ));
        }
        points.push(points[0].clone());
        format!("[{}]", points.join(", "))
    }

    /// The share of pixels whose colour differs by more than `by` (of 255) in some channel,
    /// and the mean absolute difference per channel.
    fn difference(a: &[u8], b: &[u8], by: u8) -> (f64, f64) {
        let mut far = 0usize;
        let mut total = 0u64;
        for (p, q) in a.chunks(4).zip(b.chunks(4)) {
            let d = (0..3).map(|c| p[c].abs_diff(q[c])).max().unwrap_or(0);
            far += usize::from(d > by);
            total += (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum::<u64>();
        }
        let pixels = (a.len() / 4) as f64;
        (far as f64 / pixels, total as f64 / (3.0 * pixels))
    }

    /// Generated polygons (stars of 8 to 600 positions, some deep, some with a hole)
    /// painted by [`super::super::coverage`] and drawn by tiny-skia from the SVG path: the same picture up to
    /// the outline's joins and anti-aliasing.
    #[test]
    fn coverage_matches_the_vector_drawing() {
        let store = SchemaStore::bundled();
        let mut rng = Lcg(0x5eed_c0de);
        let options = Options {
            width: 320,
            height: 260,
            ..Options::default()
        };
        let mut worst = (0.0f64, 0.0f64);
        for case in 0..40 {
            let n = 8 + (rng.draw() % 600) as usize;
            let centre = [-79.5 + f64::from(rng.draw() % 100) / 50.0, 9.0];
            let outer = 0.02 + f64::from(rng.draw() % 100) / 1000.0;
            // Every third case a deep star (spikes from a tenth of the radius).
            let inner = if case % 3 == 2 {
                outer / 10.0
            } else {
                outer * f64::from(20 + rng.draw() % 70) / 100.0
            };
            let exterior = ring(&mut rng, centre, n, inner, outer);
            let polygon = if case % 3 == 1 {
                // The hole runs the same way round as the exterior ring (RFC 7946 §3.1.6 asks
                // for the opposite, but parsers must accept either): even-odd still cuts it.
                let hole = ring(&mut rng, centre, 12, inner * 0.3, inner * 0.5);
                format!("[{exterior}, {hole}]")
            } else {
                format!("[{exterior}]")
            };
            let geometry = format!(r#"{{"type": "Polygon", "coordinates": {polygon}}}"#);
            let text = format!(r#"{{"params": {{"geometry": {geometry}}}}}"#);
            let doc = Document::new(&text);
            let diagnostics = check_document(&doc, &CheckOptions::new(&store));
            let scene = scene_of(&doc, &store, &diagnostics);
            let vector = render(&scene, &options, None);
            let painted = render(&scene, &options, Some(0));
            assert!(
                !painted.dense.is_empty(),
                "case {case}: nothing was painted\n{text}"
            );
            assert!(!painted.svg.contains("aoi-polygon"), "case {case}");
            let a = rasterize(&vector.svg).expect("vector drawing");
            let b = rasterize_rendered(&painted).expect("painted drawing");
            let (far, mean) = difference(a.data(), b.data(), 64);
            worst = (worst.0.max(far), worst.1.max(mean));
            assert!(
                far < 0.01 && mean < 1.5,
                "case {case} ({n} positions): {:.2}% of pixels differ by more than 64, mean \
                 difference {mean:.2}\n{text}",
                far * 100.0
            );
        }
        eprintln!("worst: {:.3}% far, mean {:.3}", worst.0 * 100.0, worst.1);
    }
}
