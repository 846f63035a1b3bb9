//! Hover: a field's documentation from the product schema, the product behind `dataProduct`,
//! a polygon's rings, bounding box and geodesic area, and the acquisition window's length.

use chrono::{DateTime, Timelike, Utc};
use geo::Coord;

use super::area::{area_m2, polygons_of};
use crate::check::geometry::shape::bounding_box;

use super::docs::{field_heading, field_markdown};
use super::request::{envelope_key, geojson_keys, place, Place, Request};
use super::window::{acquisition_window, window_length};
use crate::check::find_polygons;
use crate::document::{Document, Node, PathSegment, TextRange};
use crate::schema::{SchemaOrigin, SchemaStore};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub markdown: String,
    /// The key or value hovered.
    pub range: TextRange,
}

/// The hover at `offset`: on a key, or on the innermost value there.
pub fn hover(doc: &Document, store: &SchemaStore, offset: usize) -> Option<HoverInfo> {
    let request = Request::new(doc, store);
    let (path, value, range) = match doc.key_at_offset(offset) {
        Some((mut path, member)) => {
            path.push(PathSegment::Key(member.key.name.clone()));
            (
                path,
                member.value.as_ref().map(std::borrow::Cow::Borrowed),
                member.key.range,
            )
        }
        None => {
            let (path, node) = doc.node_at_offset(offset)?;
            let range = node.range;
            (path, Some(node), range)
        }
    };
    let markdown = Hover {
        store,
        request: &request,
    }
    .at(&path, value.as_deref())?;
    Some(HoverInfo { markdown, range })
}

/// What hover reads: the store (for `dataProduct`) and the request with its schema.
pub(super) struct Hover<'a> {
    pub store: &'a SchemaStore,
    pub request: &'a Request<'a>,
}

impl Hover<'_> {
    /// The Markdown at `path` (a key's path, or a value's), `value` the node there.
    pub(super) fn at(&self, path: &[PathSegment], value: Option<&Node>) -> Option<String> {
        if let Some(markdown) = self.polygon(path) {
            return Some(markdown);
        }
        match place(path) {
            Place::DataProduct => Some(self.product(value)),
            Place::Params([]) => {
                let key = envelope_key("params")?;
                let mut out = format!("**{}** `params`\n\n{}", key.title, key.description);
                if let Some(schema) = &self.request.schema {
                    if let Some(title) = schema.schema.get("title").and_then(|t| t.as_str()) {
                        out.push_str(&format!("\n\nSchema: {title}"));
                    }
                }
                Some(out)
            }
            Place::Params(rest) => {
                let schema = self.request.schema.as_ref()?;
                // The facts of the branches that apply to this document, not only the
                // field's own schema.
                let params = super::completion::params_of(self.request);
                let field = schema.active_field(&params, rest)?;
                let current = value.and_then(Node::to_value);
                let mut out = format!(
                    "{}\n\n{}",
                    field_heading(&field),
                    field_markdown(&field, current.as_ref())
                );
                if let [PathSegment::Key(name)] = rest {
                    if name == "acquisitionStart" || name == "acquisitionEnd" {
                        if let Some(window) = self.window() {
                            out.push_str("\n\n");
                            out.push_str(&window);
                        }
                    }
                }
                Some(out.trim_end().to_string())
            }
            Place::Envelope(name, []) => {
                let key = envelope_key(name)?;
                Some(format!("**{}** `{name}`\n\n{}", key.title, key.description))
            }
            Place::FeatureCollection([PathSegment::Key(key)])
            | Place::Feature([PathSegment::Key(key)])
            | Place::FeatureGeometry([PathSegment::Key(key)]) => {
                let parent = place(&path[..path.len() - 1]);
                let (_, description, _) = geojson_keys(parent)
                    .iter()
                    .find(|(name, _, _)| name == key)?;
                Some(format!("**{key}**\n\n{description}"))
            }
            _ => None,
        }
    }

    fn product(&self, value: Option<&Node>) -> String {
        let Some(id) = value.and_then(Node::as_str) else {
            let key = envelope_key("dataProduct").expect("dataProduct is an envelope key");
            return format!("**{}** `dataProduct`\n\n{}", key.title, key.description);
        };
        let schema = self.store.get(id);
        let mut out = match self.store.product(id) {
            Some(product) => {
                let title = super::completion::product_label(product);
                let mut out = format!("**{title}** `{}`", product.name);
                if !product.description.is_empty() {
                    out.push_str(&format!("\n\n{}", product.description));
                }
                let collection = if product.collection_title.is_empty() {
                    format!("`{}`", product.collection)
                } else {
                    format!("{} (`{}`)", product.collection_title, product.collection)
                };
                out.push_str(&format!("\n\nCollection: {collection}  \n"));
                out
            }
            None if schema.is_some() => "**Data product**\n\n".to_string(),
            None => format!("**Unknown data product** `{id}`\n\n"),
        };
        let state = match schema.as_deref().map(|s| &s.origin) {
            Some(SchemaOrigin::Bundled) => "bundled with tasking-ls".to_string(),
            Some(SchemaOrigin::Cache { fetched_at, stale }) => format!(
                "cached, fetched {}{}",
                fetched_at.format("%Y-%m-%d %H:%M UTC"),
                if *stale { " (stale)" } else { "" }
            ),
            Some(SchemaOrigin::Fetched) => "fetched from the API".to_string(),
            Some(SchemaOrigin::SchemaDir(path)) => format!("from `{}`", path.display()),
            None => format!(
                "not available (offline, or unknown to the API); `tasking-ls schema fetch {id}` downloads it"
            ),
        };
        out.push_str(&format!("Schema: {state}"));
        out
    }

    /// The polygon summary when `path` is a polygon, its `coordinates` or inside them.
    fn polygon(&self, path: &[PathSegment]) -> Option<String> {
        let root = self.request.root?;
        let sites = find_polygons(root, self.request.form, self.request.schema.as_deref());
        let site = sites.iter().find(|site| {
            path.starts_with(&site.path)
                && (path.len() == site.path.len()
                    || path[site.path.len()] == PathSegment::Key("coordinates".into()))
        })?;
        let heading = match place(&site.path) {
            Place::Params([PathSegment::Key(name)]) => {
                match self.request.schema.as_ref().and_then(|s| s.field(name)) {
                    Some(field) => {
                        let mut heading = field_heading(&field);
                        if let Some(description) = &field.description {
                            heading.push_str(&format!("\n\n{description}"));
                        }
                        heading
                    }
                    None => format!("**{name}**"),
                }
            }
            _ => format!("**Polygon** `{}`", site.label),
        };
        Some(format!("{heading}\n\n{}", polygon_summary(site.node)))
    }

    /// "Acquisition window: 61 days (2027-03-01 → 2027-05-01)".
    fn window(&self) -> Option<String> {
        let (start, end) = acquisition_window(self.request.root?.get("params")?)?;
        let show = |d: DateTime<Utc>| {
            if d.num_seconds_from_midnight() == 0 {
                d.format("%Y-%m-%d").to_string()
            } else {
                d.format("%Y-%m-%d %H:%M UTC").to_string()
            }
        };
        let Some(length) = window_length(start, end) else {
            return Some(format!(
                "Acquisition window: empty, the end is not after the start ({} → {})",
                show(start),
                show(end)
            ));
        };
        Some(format!(
            "Acquisition window: {length} ({} → {})",
            show(start),
            show(end)
        ))
    }
}

/// Rings, positions, closure, bounding box and geodesic area of a GeoJSON Polygon node.
pub(crate) fn polygon_summary(polygon: &Node) -> String {
    let rings: Vec<Vec<Coord>> = polygon
        .get("coordinates")
        .and_then(Node::items)
        .into_iter()
        .flatten()
        .map(|ring| {
            ring.items()
                .into_iter()
                .flatten()
                .filter_map(|position| {
                    let position = position.items()?;
                    Some(Coord {
                        x: position.get(0)?.as_f64()?,
                        y: position.get(1)?.as_f64()?,
                    })
                })
                .collect()
        })
        .collect();
    if rings.is_empty() {
        return "Polygon without coordinates".to_string();
    }
    let positions: usize = rings.iter().map(Vec::len).sum();
    let holes = rings.len() - 1;
    let mut out = format!(
        "Polygon: {} ring{}{}, {positions} positions  \n",
        rings.len(),
        if rings.len() == 1 { "" } else { "s" },
        match holes {
            0 => String::new(),
            1 => " (1 hole)".to_string(),
            n => format!(" ({n} holes)"),
        }
    );
    let open: Vec<usize> = rings
        .iter()
        .enumerate()
        .filter(|(_, ring)| ring.len() < 2 || ring.first() != ring.last())
        .map(|(i, _)| i)
        .collect();
    let polygons = polygons_of(polygon);
    if let Some((area, method)) = area_m2(&polygons) {
        out.push_str(&format!(
            "Area: {} km² ({method})  \n",
            show_area(area / 1e6)
        ));
    }
    let boxes: Vec<[f64; 4]> = polygons.iter().filter_map(bounding_box).collect();
    if let Some(first) = boxes.first() {
        let [west, south, east, north] = boxes.iter().skip(1).fold(*first, |b, c| {
            [
                b[0].min(c[0]),
                b[1].min(c[1]),
                b[2].max(c[2]),
                b[3].max(c[3]),
            ]
        });
        let across = if west > east {
            " (across the antimeridian)"
        } else {
            ""
        };
        out.push_str(&format!(
            "Bounding box: {west}, {south} → {east}, {north} (lon, lat){across}  \n"
        ));
    }
    out.push_str(&match open.as_slice() {
        [] if rings.len() == 1 => "Ring closed".to_string(),
        [] => "All rings closed".to_string(),
        [0] if rings.len() == 1 => {
            "Ring not closed: the last position differs from the first".to_string()
        }
        _ => format!(
            "Not closed: ring{} {}",
            if open.len() == 1 { "" } else { "s" },
            open.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    });
    out
}

/// Square kilometres with one decimal, or more digits for small areas.
pub(crate) fn show_area(km2: f64) -> String {
    if km2 >= 10.0 {
        format!("{km2:.1}")
    } else if km2 >= 0.01 {
        format!("{km2:.3}")
    } else {
        format!("{km2:.6}")
    }
}
