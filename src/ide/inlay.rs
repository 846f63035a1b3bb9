//! Inlay hints: what an id or a pair of dates means, shown after the value so nobody has to
//! hover: the product's title after `dataProduct`, the window's length after
//! `acquisitionEnd`, and the area of interest's area after its (last) polygon.

use crate::check::{find_polygons, product_id, request_form};
use crate::document::{Document, Node, TextRange};
use crate::schema::SchemaStore;

use super::area::aoi_area_km2;
use super::completion::product_label;
use super::hover::show_area;
use super::window::{acquisition_window, window_length};

/// Which hint it is; each can be switched off on its own ([`InlayHintOptions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InlayHintKind {
    /// After the `dataProduct` value: "Pléiades Analytic".
    ProductTitle,
    /// After the `params.acquisitionEnd` value: "61 days".
    WindowLength,
    /// After the last polygon of the area of interest: "499.6 km²".
    AoiArea,
}

/// One hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Byte offset where the hint goes: the end of the value it is about.
    pub offset: usize,
    pub label: String,
    /// A sentence saying where the label comes from.
    pub tooltip: String,
    pub kind: InlayHintKind,
}

/// The hints the user asked for (the `taskingLs.inlayHints.*` settings); all on by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlayHintOptions {
    pub product_title: bool,
    pub window_length: bool,
    pub aoi_area: bool,
}

impl Default for InlayHintOptions {
    fn default() -> Self {
        InlayHintOptions {
            product_title: true,
            window_length: true,
            aoi_area: true,
        }
    }
}

/// The hints whose offset lies in `range` (byte offsets, ends included), in offset order.
/// A hint needs a value to describe: an unknown product, a date that is not RFC 3339, an
/// empty window or an AOI without a readable polygon give none.
pub fn inlay_hints(
    doc: &Document,
    store: &SchemaStore,
    range: TextRange,
    options: InlayHintOptions,
) -> Vec<InlayHint> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    if options.product_title {
        hints.extend(product_title(root, store));
    }
    if options.window_length {
        hints.extend(window(root));
    }
    if options.aoi_area {
        hints.extend(aoi_area(doc, root, store));
    }
    hints.retain(|hint| range.touches(hint.offset));
    hints.sort_by_key(|hint| hint.offset);
    hints
}

fn product_title(root: &Node, store: &SchemaStore) -> Option<InlayHint> {
    let value = root.get("dataProduct")?;
    let id = value.as_str()?;
    let (label, tooltip) = match store.product(id) {
        Some(product) => (
            product_label(product),
            format!(
                "Data product `{}` (collection `{}`)",
                product.name, product.collection
            ),
        ),
        None => {
            let schema = store.get(id)?;
            let title = schema.schema.get("title")?.as_str()?.trim().to_string();
            (
                title,
                "The title of the product's parameter schema".to_string(),
            )
        }
    };
    (!label.is_empty()).then_some(InlayHint {
        offset: value.range.end as usize,
        label,
        tooltip,
        kind: InlayHintKind::ProductTitle,
    })
}

fn window(root: &Node) -> Option<InlayHint> {
    let params = root.get("params")?;
    let end = params.get("acquisitionEnd")?;
    let (start_time, end_time) = acquisition_window(params)?;
    Some(InlayHint {
        offset: end.range.end as usize,
        label: window_length(start_time, end_time)?,
        tooltip: "Length of the acquisition window (acquisitionEnd − acquisitionStart)".to_string(),
        kind: InlayHintKind::WindowLength,
    })
}

fn aoi_area(doc: &Document, root: &Node, store: &SchemaStore) -> Option<InlayHint> {
    let schema = product_id(root).and_then(|id| store.get(id));
    let sites = find_polygons(root, request_form(root), schema.as_deref());
    let last = sites.iter().map(|site| site.node.range.end).max()?;
    let km2 = aoi_area_km2(doc, store)?;
    let mut label = format!("{} km²", show_area(km2));
    if sites.len() > 1 {
        label.push_str(&format!(" in {} polygons", sites.len()));
    }
    Some(InlayHint {
        offset: last as usize,
        label,
        tooltip: "Area of the area of interest; hover on a polygon says how it is computed"
            .to_string(),
        kind: InlayHintKind::AoiArea,
    })
}
