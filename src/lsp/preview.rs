//! The AOI map for the editors: `taskingLs/aoiPreview` (the drawing of a document's areas of
//! interest, its data and the viewer script, for VS Code's webview; positions in the
//! negotiated encoding) and the hover thumbnail on a geometry (a PNG data URI and the
//! figures). The drawing is `render`'s, from the server's own parse and diagnostics; the map
//! also draws the passes of the product's satellites (ground tracks and reachable strips,
//! from the order's element sets), searched once per version of the document shown.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{TextDocumentIdentifier, Uri};

use super::convert;
use super::guard::guarded;
use super::state::Backend;
use crate::check::{find_polygons, product_id, request_form};
use crate::document::Document;
use crate::render::html::{self, Tiles};
use crate::render::{self, render_svg, scene_of, Options, PassElements, PassLayer, Scene};

/// `taskingLs/aoiPreview`'s parameters.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AoiPreviewParams {
    pub text_document: TextDocumentIdentifier,
    /// Picture size in CSS pixels (default 800 x 600; each clamped to 64..4096).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// An XYZ tile URL the page may offer (off until ticked); never used when the server
    /// runs offline.
    pub tiles: Option<String>,
}

/// The hover thumbnail's size in pixels.
const THUMBNAIL: (u32, u32) = (240, 160);

/// The last previewed document's pass layer: (URI, the parse it was drawn for, layer). The
/// webview asks again after each edit; the pass search runs once per text, and only for the
/// document shown.
type LayerMemo = std::sync::Mutex<Option<(Uri, Arc<Document>, Option<PassLayer>)>>;

static LAYER_MEMO: LayerMemo = std::sync::Mutex::new(None);

/// Forgets the memoised pass layer (the element files may have changed with the settings).
pub(crate) fn forget_pass_layer() {
    if let Ok(mut memo) = LAYER_MEMO.lock() {
        *memo = None;
    }
}

/// The passes drawn on the AOI map of the document at `uri` (UP42 orders: the element sets
/// of its `tasking-ls.toml` or the cache), computed on a blocking thread once per text.
async fn pass_layer_of(backend: &Backend, uri: &Uri, doc: &Arc<Document>) -> Option<PassLayer> {
    if let Ok(memo) = LAYER_MEMO.lock() {
        if let Some((u, d, layer)) = memo.as_ref() {
            if u == uri && (Arc::ptr_eq(d, doc) || d.text() == doc.text()) {
                return layer.clone();
            }
        }
    }
    if super::feasibility::is_search_order(backend, uri) {
        return None;
    }
    let store = backend.store();
    let path = convert::file_path(uri);
    let document = doc.clone();
    let layer = tokio::task::spawn_blocking(move || {
        let loaded = super::feasibility::load(path.as_deref());
        let elements = match &loaded {
            super::feasibility::Loaded::Missing => PassElements::Missing,
            super::feasibility::Loaded::Unreadable(message) => PassElements::Unreadable(message),
            super::feasibility::Loaded::Sets(sets) => PassElements::Sets(sets),
        };
        render::pass_layer(&document, &store, elements)
    })
    .await
    .ok()
    .flatten();
    if let Ok(mut memo) = LAYER_MEMO.lock() {
        *memo = Some((uri.clone(), doc.clone(), layer.clone()));
    }
    layer
}

impl Backend {
    /// `taskingLs/aoiPreview`: `{data, script, attribution}` where `data` is the viewer's
    /// (`render::html::viewer_data`) with each vertex's and marker's byte offset replaced by
    /// its `[line, character]` in the negotiated encoding. An unknown document is an
    /// InvalidParams error.
    pub async fn aoi_preview(&self, params: AoiPreviewParams) -> Result<Value> {
        let uri = &params.text_document.uri;
        let Some((doc, _)) = self.snapshot(uri) else {
            return Err(Error::invalid_params(format!(
                "{} is not an open order request",
                uri.as_str()
            )));
        };
        // A STAPI order's product, loaded if need be: the webview asks again after each edit,
        // so nothing need be rechecked when it arrives.
        let search_product = super::stapi::product_for(self, &super::convert::path_of(uri), |_| {});
        let diagnostics = self.diagnostics_now(uri, &doc, false, search_product.as_deref());
        let passes = pass_layer_of(self, uri, &doc).await;
        let store = self.store();
        let encoding = self.encoding();
        // The `--offline` flag wins over the editor's settings, as everywhere.
        let offline = self.settings().offline || self.0.options.offline;
        let width = params.width.unwrap_or(800).clamp(64, 4096);
        let height = params.height.unwrap_or(600).clamp(64, 4096);
        let tiles = params
            .tiles
            .filter(|url| !offline && !url.trim().is_empty())
            .map(|url| {
                if url == html::OSM_TILES {
                    Tiles::osm()
                } else {
                    Tiles {
                        attribution: format!("tiles: {url}"),
                        url,
                    }
                }
            });
        guarded("aoiPreview", || {
            let mut scene = scene_of(&doc, &store, &diagnostics);
            scene.passes = passes;
            let rendered = render_svg(
                &scene,
                &Options {
                    width,
                    height,
                    ..Options::default()
                },
            );
            let mut data = html::viewer_data(&rendered, [width, height], tiles.as_ref());
            let position = |offset: &Value| -> Value {
                let offset = offset.as_u64().unwrap_or(0) as usize;
                let p = convert::position(&doc, offset, encoding);
                json!([p.line, p.character])
            };
            for (key, at) in [("vertices", 6), ("markers", 4)] {
                if let Some(items) = data.get_mut(key).and_then(Value::as_array_mut) {
                    for item in items {
                        if let Some(slot) = item.get_mut(at) {
                            *slot = position(slot);
                        }
                    }
                }
            }
            json!({
                "data": data,
                "script": html::VIEWER_JS,
                "attribution": tiles.as_ref().map(|t| t.attribution.clone()),
            })
        })
    }
}

/// What the hover on a geometry adds: a thumbnail of the AOI over the basemap (a PNG data
/// URI, Markdown only) and its figures, when `offset` is inside one of the request's
/// Polygon/MultiPolygon geometries or on its key; `None` elsewhere.
pub(super) fn geometry_hover(
    backend: &Backend,
    uri: &Uri,
    doc: &Arc<Document>,
    offset: usize,
    markdown: bool,
    search_product: Option<&crate::schema::SearchProduct>,
) -> Option<String> {
    let store = backend.store();
    let root = doc.root()?;
    let schema = product_id(root).and_then(|id| store.get(id));
    let mut sites = find_polygons(root, request_form(root), schema.as_deref());
    sites.extend(crate::check::search_order::polygon_site(root));
    let inside = sites
        .iter()
        .any(|site| site.node.range.touches(offset) || key_of(root, site.node, offset));
    if !inside {
        return None;
    }
    let diagnostics = backend.diagnostics_now(uri, doc, false, search_product);
    let scene = scene_of(doc, &store, &diagnostics);
    let mut out = figures(&scene);
    if markdown {
        if let Some(png) = render::thumbnail_png(&scene, THUMBNAIL.0, THUMBNAIL.1) {
            out = format!(
                "![Map of the area of interest](data:image/png;base64,{})\n\n{out}",
                render::base64(&png)
            );
        }
    }
    Some(out)
}

/// Whether `offset` is on the key of the member whose value is `node` (`"geometry": {...}`).
fn key_of(root: &crate::document::Node, node: &crate::document::Node, offset: usize) -> bool {
    fn walk(at: &crate::document::Node, node: &crate::document::Node, offset: usize) -> bool {
        if let Some(members) = at.members() {
            for member in members {
                if let Some(value) = &member.value {
                    if std::ptr::eq(value, node) {
                        return member.key.range.touches(offset);
                    }
                    if value.range.touches(offset) && walk(value, node, offset) {
                        return true;
                    }
                }
            }
        } else if let Some(nodes) = at.items().and_then(|i| i.nodes()) {
            return nodes
                .iter()
                .any(|n| n.range.touches(offset) && walk(n, node, offset));
        }
        false
    }
    walk(root, node, offset)
}

/// "AOI map: 499.8 km² · bbox 22.3 × 22.5 km · 5 vertices · 1 problem on the map".
fn figures(scene: &Scene) -> String {
    let c = &scene.caption;
    let mut parts = Vec::new();
    if let Some(area) = c.area_km2 {
        parts.push(format!("{} km²", render::svg::area_text(area)));
    }
    if let Some((w, h)) = c.bbox_km {
        parts.push(format!("bbox {w:.1} × {h:.1} km"));
    }
    parts.push(format!("{} vertices", c.vertices));
    match scene.markers.len() {
        0 => {}
        1 => parts.push("1 problem on the map".into()),
        n => parts.push(format!("{n} problems on the map")),
    }
    format!("AOI map: {}", parts.join(" · "))
}
