//! The interactive HTML page: one self-contained file (the SVG drawing, its data and the
//! viewer script inline; no request leaves the page unless the user turns the online tile
//! layer on). Pan and zoom, hover a vertex for its index and coordinates, hover a marker for
//! its message; an optional XYZ tile layer (OpenStreetMap by default), off until ticked,
//! with its attribution, and absent (and forbidden by the page's content security policy)
//! when the page is made offline.

use serde_json::{json, Value};

use super::svg::{escape, Rendered};

/// The viewer script (pan, zoom, hover, pick, tiles), shared with the VS Code webview.
pub const VIEWER_JS: &str = include_str!("../../assets/preview/viewer.js");

/// OpenStreetMap's standard tile layer and its attribution
/// (operations.osmfoundation.org/policies/tiles/, read 2026-12-06: attribution required).
pub const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// The online layer a page may offer.
#[derive(Clone, Debug, PartialEq)]
pub struct Tiles {
    /// An XYZ URL template with `{z}`, `{x}` and `{y}`.
    pub url: String,
    /// Shown under the map while the layer is on.
    pub attribution: String,
}

impl Tiles {
    /// OpenStreetMap's tiles.
    pub fn osm() -> Self {
        Tiles {
            url: OSM_TILES.into(),
            attribution: OSM_ATTRIBUTION.into(),
        }
    }
}

/// The data the viewer script reads: the SVG, its size, the view (`cx`, `cy` in degrees of
/// longitude and Mercator ordinate, `scale` in pixels per degree, map `width`/`height` in
/// pixels), the drawn vertices as `[x, y, lon, lat, index, ring, offset]` and the markers as
/// `[x, y, code, message, offset]` (offsets in bytes), and the tile URL or null.
pub fn viewer_data(rendered: &Rendered, size: [u32; 2], tiles: Option<&Tiles>) -> Value {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    json!({
        "svg": rendered.svg,
        "size": size,
        "view": {
            "cx": rendered.view.cx,
            "cy": rendered.view.cy,
            "scale": rendered.view.scale,
            "width": rendered.view.width,
            "height": rendered.view.height,
        },
        "vertices": rendered.vertices.iter().map(|v| json!([
            round(v.pixel[0]), round(v.pixel[1]), v.lon_lat[0], v.lon_lat[1], v.index, v.ring, v.offset
        ])).collect::<Vec<_>>(),
        "markers": rendered.markers.iter().map(|m| json!([
            round(m.pixel[0]), round(m.pixel[1]), m.code, m.message, m.offset
        ])).collect::<Vec<_>>(),
        "tiles": tiles.map(|t| t.url.clone()),
    })
}

/// The page for `rendered` (made at `size`), titled `title`; `tiles` is the online layer
/// offered (unticked), `None` for an offline page.
pub fn page(rendered: &Rendered, size: [u32; 2], title: &str, tiles: Option<&Tiles>) -> String {
    let data = viewer_data(rendered, size, tiles)
        .to_string()
        .replace("</", "<\\/");
    // Offline: images only from the page itself; online: tiles from https too.
    let img_src = if tiles.is_some() {
        "data: https:"
    } else {
        "data:"
    };
    let toggle = match tiles {
        Some(t) => format!(
            r#"<label><input type="checkbox" id="tiles"> online map tiles ({})</label> <span id="credit" style="display:none">{}</span>"#,
            escape(&host_of(&t.url)),
            escape(&t.attribution)
        ),
        None => "<span>offline basemap only</span>".to_string(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src {img_src}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; font: 13px system-ui, sans-serif; color: #1F2A33; }}
body {{ display: flex; flex-direction: column; }}
#bar {{ padding: 6px 10px; border-bottom: 1px solid #ccd; display: flex; gap: 16px; align-items: center; }}
#map {{ flex: 1; min-height: 0; cursor: grab; user-select: none; background: #fff; }}
#tip {{ padding: 4px 10px; border-top: 1px solid #ccd; font-family: monospace; min-height: 1.4em; }}
</style>
</head>
<body>
<div id="bar"><strong>{title}</strong>{toggle}</div>
<div id="map"></div>
<div id="tip">Scroll to zoom, drag to pan, double-click to reset; hover a vertex.</div>
<script type="application/json" id="preview-data">{data}</script>
<script>{script}</script>
</body>
</html>
"#,
        title = escape(title),
        script = VIEWER_JS.replace("</", "<\\/"),
    )
}

/// The host of a tile URL template, for the toggle's label.
fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(url)
        .to_string()
}
