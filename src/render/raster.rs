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
