//! The AOI preview: an order's geometry drawn on a map (SVG text, PNG bytes, a
//! self-contained HTML page), with the geometry diagnostics at their place and a caption.
//! Pure and synchronous like the rest of the core: a [`Scene`] in (read from a document by
//! [`scene::scene_of`]), text or bytes out; no LSP, no file system, no network (the online
//! tile layer of the HTML page is the viewer's, off by default).
//!
//! The pieces: `scene` (what to draw, read from the document), `view` (the projection: Web
//! Mercator around the AOI, and the layout), `basemap` (Natural Earth, embedded), `svg` (the
//! drawing), `raster` (PNG through resvg), `html` (the interactive page).

pub mod basemap;
pub mod coverage;
pub mod html;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod view;

pub use scene::{
    pass_layer, scene_of, Caption, Marker, PassElements, PassLayer, Polygon, Ring, Scene, Shape,
    Track,
};
pub use svg::{render_for_raster, render_svg, DrawnMarker, DrawnVertex, Rendered};
pub use view::View;

/// The size of the picture and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Width of the whole picture, in CSS pixels (SVG user units; the PNG's pixels).
    pub width: u32,
    /// Height of the whole picture (map and caption), in CSS pixels.
    pub height: u32,
    /// Whether to draw the caption band under the map (the hover thumbnail has none).
    pub caption: bool,
    /// Whether to draw the inset world map, scale bar, north arrow and graticule labels.
    pub decorations: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: 800,
            height: 600,
            caption: true,
            decorations: true,
        }
    }
}

impl Options {
    /// A small picture for the hover thumbnail: `width` x `height` pixels, map only.
    pub fn thumbnail(width: u32, height: u32) -> Self {
        Options {
            width,
            height,
            caption: false,
            decorations: false,
        }
    }
}

/// The hover thumbnail: the scene drawn at `width` x `height` pixels (map only, no caption
/// or decorations) as PNG bytes; `None` when the scene has no area of interest or the
/// picture cannot be made.
pub fn thumbnail_png(scene: &Scene, width: u32, height: u32) -> Option<Vec<u8>> {
    if scene.shapes.is_empty() {
        return None;
    }
    let rendered = render_for_raster(scene, &Options::thumbnail(width, height));
    raster::png_of(&rendered).ok()
}

/// `bytes` in standard base64 with padding (RFC 4648 §4), for `data:` URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        // RFC 4648 §10.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
