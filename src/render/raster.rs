//! PNG from the SVG drawing, in Rust (resvg and tiny-skia; no browser). Text is set in the
//! embedded DejaVu Sans Mono (Bitstream Vera licence, `assets/fonts/`), so a PNG reads the
//! same on a machine without fonts (a CI runner) and the core reads no font file.

use std::sync::{Arc, OnceLock};

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

/// `svg` as PNG bytes at its own size.
pub fn png(svg: &str) -> Result<Vec<u8>, RasterError> {
    rasterize(svg)?
        .encode_png()
        .map_err(|e| RasterError::Encode(e.to_string()))
}
