//! `tasking-ls opportunities ORDER [--elements FILE]...`: the access windows of the product's
//! satellites over the order's AOI, within its window and incidence limit, from element sets
//! the user supplies (never fetched). The search is `feasibility`'s; this file reads the
//! order and the element files and prints. Geometric access only: the provider's feasibility
//! study decides (weather, competing orders and the satellites' health are not predicted).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{EXIT_FAILURE, EXIT_OK};
use std::collections::BTreeMap;

use crate::check::feasibility::pass_query;
use crate::config::elements::{ElementCache, Origin};
use crate::document::Document;
use crate::feasibility::passes::Aoi;
use crate::feasibility::{self as feas, SatelliteResult, Timing};
use crate::schema::SchemaStore;

/// Output formats of `opportunities`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpportunitiesFormat {
    /// Lines for a person.
    Human,
    /// A GeoJSON FeatureCollection (RFC 7946) of STAPI-shaped opportunities; `json` is
    /// another name for it.
    #[value(alias = "json")]
    Geojson,
}

/// `tasking-ls opportunities`'s arguments.
#[derive(clap::Args, Clone, Debug)]
pub struct OpportunitiesArgs {
    /// The order request file.
    #[arg(value_name = "ORDER")]
    pub order: PathBuf,
    /// An element set file (OMM JSON, TLE or 3LE) for the product's satellites; repeatable
    /// (default: `[feasibility] elements` in tasking-ls.toml). Satellites these files do not
    /// cover take their set from the element cache (`tasking-ls elements`). Nothing is
    /// downloaded.
    #[arg(long, value_name = "FILE")]
    pub elements: Vec<PathBuf>,
    /// human, or geojson (a FeatureCollection of STAPI-shaped opportunities; `json` is an
    /// alias).
    #[arg(long, value_enum, default_value_t = OpportunitiesFormat::Human)]
    pub format: OpportunitiesFormat,
}

/// Runs `opportunities`; `configured` are the `[feasibility] elements` files, used when
/// `--elements` is not given; `cache` is the element cache that fills in the satellites the
/// files do not cover.
pub fn run(
    args: &OpportunitiesArgs,
    store: &SchemaStore,
    configured: &[PathBuf],
    cache: Option<&ElementCache>,
) -> i32 {
    match report(args, store, configured, cache) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(message) => {
            eprintln!("tasking-ls opportunities: {message}");
            EXIT_FAILURE
        }
    }
}

/// The report's text (human or GeoJSON), or why none could be made.
pub fn report(
    args: &OpportunitiesArgs,
    store: &SchemaStore,
    configured: &[PathBuf],
    cache: Option<&ElementCache>,
) -> Result<String, String> {
    let shown = args.order.display().to_string();
    let text = std::fs::read_to_string(&args.order).map_err(|e| format!("{shown}: {e}"))?;
    let doc = Document::new(&text);
    let root = doc
        .root()
        .ok_or_else(|| format!("{shown}: not a JSON object"))?;
    let query = pass_query(root, store).map_err(|e| format!("{shown}: {e}"))?;
    let (constellation, id, limit, start, end) = (
        query.constellation,
        query.product_id.as_str(),
        query.limit_deg,
        query.start,
        query.end,
    );
    let aoi = Aoi::new(&query.positions)
        .ok_or_else(|| format!("{shown}: no area of interest (Polygon or MultiPolygon)"))?;
    let files: &[PathBuf] = if args.elements.is_empty() {
        configured
    } else {
        &args.elements
    };
    let resolved = crate::config::elements::resolve(files, cache)?;
    let outcome =
        feas::search_with_alternatives(constellation, &resolved.sets, &aoi, limit, start, end);
    Ok(match args.format {
        OpportunitiesFormat::Human => human(
            &Header {
                shown: &shown,
                title: constellation.title,
                product: id,
                limit,
                start,
                end,
            },
            &outcome,
            &resolved.origins,
        ),
        OpportunitiesFormat::Geojson => {
            let mut text = serde_json::to_string_pretty(&geojson(
                id,
                limit,
                start,
                end,
                &outcome.results,
                &resolved.origins,
            ))
            .unwrap_or_default();
            text.push('\n');
            text
        }
    })
}

/// What the report's first line says.
struct Header<'a> {
    shown: &'a str,
    title: &'a str,
    product: &'a str,
    limit: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Where a satellite's elements came from, in words: `cached` or `from FILE`.
fn origin_text(origins: &BTreeMap<u64, Origin>, norad_id: u64) -> String {
    match origins.get(&norad_id) {
        Some(Origin::Cache(_)) => "cached".to_string(),
        Some(Origin::File(path)) => format!("from {}", path.display()),
        None => String::new(),
    }
}

/// How far the elements' epoch is from the window's start, in days, in words.
fn age_text(epoch: DateTime<Utc>, start: DateTime<Utc>) -> String {
    let days = (start - epoch).num_seconds() as f64 / 86_400.0;
    if days >= 0.0 {
        format!("{days:.1} days before the window's start")
    } else {
        format!("{:.1} days after the window's start", -days)
    }
}

const CAVEAT: &str = "geometric access only; the provider's feasibility study decides (no \
                      weather, no competing orders, no satellite health)";

fn human(
    header: &Header<'_>,
    outcome: &feas::PassOutcome,
    origins: &BTreeMap<u64, Origin>,
) -> String {
    let Header {
        shown,
        title,
        product,
        limit,
        start,
        end,
    } = *header;
    let results = &outcome.results;
    let mut out = format!(
        "{shown}: {title} (product {product}) over the AOI, {} – {} UTC, incidence <= {limit}°\n{CAVEAT}\n",
        start.format("%Y-%m-%d %H:%M"),
        end.format("%Y-%m-%d %H:%M"),
    );
    let searched = feas::search_end(start, end);
    if searched < end {
        out.push_str(&format!(
            "searched the first {} days only, to {}\n",
            feas::MAX_SEARCH_DAYS,
            searched.format("%Y-%m-%d %H:%M")
        ));
    }
    let mut windows = 0;
    let mut missing = Vec::new();
    for r in results {
        match &r.timing {
            Timing::Unavailable => {
                out.push_str(&format!(
                    "{} (NORAD {}): timing unavailable: no element set for it (--elements FILE, \
                     [feasibility] elements, or tasking-ls elements import|update); not \
                     computed, so this says nothing about its passes\n",
                    r.satellite, r.norad_id,
                ));
                missing.push(r.satellite.clone());
                continue;
            }
            Timing::Failed { message } => {
                out.push_str(&format!(
                    "{} (NORAD {}): propagation failed: {message}\n",
                    r.satellite, r.norad_id
                ));
                missing.push(r.satellite.clone());
                continue;
            }
            Timing::Timed { elements_epoch } => out.push_str(&format!(
                "{} (NORAD {}), elements of {} ({}, {}): {} window{}\n",
                r.satellite,
                r.norad_id,
                elements_epoch.format("%Y-%m-%d %H:%M"),
                origin_text(origins, r.norad_id),
                age_text(*elements_epoch, start),
                r.windows.len(),
                if r.windows.len() == 1 { "" } else { "s" },
            )),
            Timing::Approximate {
                elements_epoch,
                days_from_window,
            } => out.push_str(&format!(
                "{} (NORAD {}), elements of {} ({}, {days_from_window} days from the window: \
                 times approximate): {} window{}\n",
                r.satellite,
                r.norad_id,
                elements_epoch.format("%Y-%m-%d %H:%M"),
                origin_text(origins, r.norad_id),
                r.windows.len(),
                if r.windows.len() == 1 { "" } else { "s" },
            )),
        }
        for w in &r.windows {
            windows += 1;
            out.push_str(&format!(
                "  {} – {}  incidence {:.1}° (off-nadir {:.1}°, azimuth {:.0}°) at {}, sun {:.1}°, {}\n",
                w.start.format("%Y-%m-%d %H:%M:%S"),
                w.end.format("%H:%M:%S"),
                w.min_incidence_deg,
                w.off_nadir_deg,
                w.azimuth_deg,
                w.at.format("%H:%M:%S"),
                w.sun_elevation_deg,
                if w.descending {
                    "descending"
                } else {
                    "ascending"
                },
            ));
        }
    }
    let computed = results.len() - missing.len();
    out.push_str(&format!(
        "{windows} window{} from {computed} of {} satellites",
        if windows == 1 { "" } else { "s" },
        results.len()
    ));
    if !missing.is_empty() {
        out.push_str(&format!("; not computed: {}", missing.join(", ")));
    }
    out.push('\n');
    if let Some(w) = &outcome.wider {
        out.push_str(&format!(
            "no pass at <= {limit}° in the window; the nearest needs {:.1}° ({}, {}): raise \
             incidenceAngle to {}\n",
            w.min_incidence_deg,
            w.satellite,
            w.start.format("%Y-%m-%d %H:%M"),
            (w.min_incidence_deg - 1e-9).ceil(),
        ));
    }
    if let Some(w) = &outcome.later {
        out.push_str(&format!(
            "no pass at <= {limit}° in the window; the next at <= {limit}° is {} ({}, \
             incidence {:.1}°): extend acquisitionEnd past it\n",
            w.start.format("%Y-%m-%d %H:%M"),
            w.satellite,
            w.min_incidence_deg,
        ));
    }
    out
}

/// `properties.source` of the opportunities this tool computed.
pub const SOURCE_OURS: &str = "tasking-ls";
/// `properties.source` of the opportunities a STAPI provider answered.
pub const SOURCE_PROVIDER: &str = "provider";

/// The results as a GeoJSON FeatureCollection (RFC 7946) of STAPI opportunities: each window
/// a Feature whose geometry is the AOI point seen at the smallest incidence, with
/// `properties.datetime` the interval (RFC 3339 `start/end`), `product_id`, the STAC view
/// extension's `view:incidence_angle`, `view:off_nadir`, `view:sun_elevation` and
/// `view:azimuth` (degrees), `source` (`tasking-ls`), `satellite`, `norad_id` and
/// `elements_epoch`; the search and each satellite's timing and elements' origin as the
/// foreign members `search` and `satellites`.
fn geojson(
    product: &str,
    limit: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    results: &[SatelliteResult],
    origins: &BTreeMap<u64, Origin>,
) -> Value {
    let iso = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let features: Vec<Value> = results
        .iter()
        .flat_map(|r| r.windows.iter())
        .map(|w| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": w.point},
                "properties": {
                    "datetime": format!("{}/{}", iso(w.start), iso(w.end)),
                    "product_id": product,
                    "view:incidence_angle": round(w.min_incidence_deg, 3),
                    "view:off_nadir": round(w.off_nadir_deg, 3),
                    "view:sun_elevation": round(w.sun_elevation_deg, 2),
                    "view:azimuth": round(w.azimuth_deg, 2),
                    "source": SOURCE_OURS,
                    "satellite": w.satellite,
                    "norad_id": w.norad_id,
                    "elements_epoch": iso(w.elements_epoch),
                    "descending": w.descending,
                    "closest_at": iso(w.at),
                }
            })
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "features": features,
        "search": {
            "datetime": format!("{}/{}", iso(start), iso(end)),
            "product_id": product,
            "max_incidence_angle": limit,
            "note": CAVEAT,
        },
        "satellites": results.iter().map(|r| json!({
            "satellite": r.satellite,
            "norad_id": r.norad_id,
            "timing": r.timing,
            "elements": match origins.get(&r.norad_id) {
                Some(Origin::Cache(path)) => json!({"source": "cache", "path": path}),
                Some(Origin::File(path)) => json!({"source": "file", "path": path}),
                None => Value::Null,
            },
            "windows": r.windows.len(),
        })).collect::<Vec<_>>(),
    })
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
