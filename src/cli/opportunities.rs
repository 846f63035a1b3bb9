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
    // An angle as written: 30, 33.3 (a limit converted from off-nadir has many digits).
    let limit = {
        let text = format!("{limit:.1}");
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
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

/// Where our pass search for a STAPI order stands: computed (with the report's parts), or
/// why not.
enum Ours {
    Computed {
        constellation: &'static feas::Constellation,
        limit: f64,
        /// How the limit was read from the order's filter, in words.
        limit_from: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        /// Boxed: the search's windows make this variant large.
        outcome: Box<feas::PassOutcome>,
        origins: BTreeMap<u64, Origin>,
    },
    NotComputed(String),
}

/// Our pass search for the STAPI order `order` at `path`, or why it is not computed.
fn ours_for_stapi(
    path: &std::path::Path,
    order: &Value,
    stapi: &crate::config::stapi::StapiConfig,
    files: &[PathBuf],
    cache: Option<&ElementCache>,
) -> Result<Ours, String> {
    let product = stapi
        .product_for(path)
        .unwrap_or_else(|| "(none configured)".to_string());
    let query =
        match feas::search_order_query(order, stapi.constellation_for(path).as_deref(), &product) {
            Ok(query) => query,
            Err(why) => return Ok(Ours::NotComputed(why)),
        };
    let feas::SearchOrderQuery {
        constellation,
        start,
        end,
        limit_deg: limit,
        limit_from,
        positions,
    } = query;
    let Some(aoi) = Aoi::new(&positions) else {
        return Ok(Ours::NotComputed(
            "the order's geometry has no position".to_string(),
        ));
    };
    let resolved = crate::config::elements::resolve(files, cache)?;
    let outcome =
        feas::search_with_alternatives(constellation, &resolved.sets, &aoi, limit, start, end);
    Ok(Ours::Computed {
        constellation,
        limit,
        limit_from,
        start,
        end,
        outcome: Box::new(outcome),
        origins: resolved.origins,
    })
}

/// `opportunities` on a STAPI order file: the provider's opportunities (`POST
/// /products/{id}/opportunities`) and ours (when `[stapi] constellation` maps the product to
/// the table's satellites) in one report, each opportunity marked with its source
/// (`provider` or `tasking-ls`). A provider that cannot be asked (no server, `--offline`, an
/// error) or a search of ours that cannot be made is said in the report, not an error.
pub async fn run_stapi(
    args: &OpportunitiesArgs,
    ctx: &crate::cli::orders::stapi::StapiContext,
    configured: &[PathBuf],
    cache: Option<&ElementCache>,
) -> i32 {
    match stapi_report(args, ctx, configured, cache).await {
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

/// The text of [`run_stapi`]'s report.
pub async fn stapi_report(
    args: &OpportunitiesArgs,
    ctx: &crate::cli::orders::stapi::StapiContext,
    configured: &[PathBuf],
    cache: Option<&ElementCache>,
) -> Result<String, String> {
    let shown = args.order.display().to_string();
    let text = std::fs::read_to_string(&args.order).map_err(|e| format!("{shown}: {e}"))?;
    let order: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))?;
    let files: &[PathBuf] = if args.elements.is_empty() {
        configured
    } else {
        &args.elements
    };
    let ours = ours_for_stapi(&args.order, &order, &ctx.config, files, cache)?;
    let provider =
        crate::cli::orders::stapi::provider_opportunities(ctx, &args.order, &order, PROVIDER_LIMIT)
            .await;
    let product = ctx
        .config
        .product_for(&args.order)
        .unwrap_or_else(|| "(none configured)".to_string());
    let server = ctx.config.url.clone().unwrap_or_default();
    Ok(match args.format {
        OpportunitiesFormat::Human => {
            let mut out = format!(
                "{shown}: STAPI product {product}{}, datetime {}\n",
                if server.is_empty() {
                    String::new()
                } else {
                    format!(" at {server}")
                },
                order.get("datetime").and_then(Value::as_str).unwrap_or("?"),
            );
            match &provider {
                Ok((_, found)) => {
                    out.push_str(&format!(
                        "the provider's opportunities (source: provider): {}\n",
                        found.len()
                    ));
                    for feature in found {
                        out.push_str(&format!("  provider  {}\n", provider_line(feature)));
                    }
                }
                Err(message) => out.push_str(&format!(
                    "the provider's opportunities (source: provider): not asked or failed: \
                     {message}\n"
                )),
            }
            match &ours {
                Ours::NotComputed(why) => {
                    out.push_str(&format!("ours (source: tasking-ls): not computed: {why}\n"))
                }
                Ours::Computed {
                    constellation,
                    limit,
                    limit_from,
                    start,
                    end,
                    outcome,
                    origins,
                } => {
                    out.push_str(&format!(
                        "ours (source: tasking-ls), at <= {limit:.1}° incidence ({limit_from}):\n"
                    ));
                    out.push_str(&human(
                        &Header {
                            shown: &shown,
                            title: constellation.title,
                            product: &product,
                            limit: *limit,
                            start: *start,
                            end: *end,
                        },
                        outcome,
                        origins,
                    ));
                }
            }
            out
        }
        OpportunitiesFormat::Geojson => {
            let mut collection = match &ours {
                Ours::Computed {
                    limit,
                    start,
                    end,
                    outcome,
                    origins,
                    ..
                } => geojson(&product, *limit, *start, *end, &outcome.results, origins),
                Ours::NotComputed(why) => json!({
                    "type": "FeatureCollection",
                    "features": [],
                    "search": {"product_id": product, "note": CAVEAT, "not_computed": why},
                }),
            };
            let mut features: Vec<Value> = Vec::new();
            let provider_part = match &provider {
                Ok((_, found)) => {
                    for feature in found {
                        let mut feature = feature.clone();
                        if let Some(properties) =
                            feature.get_mut("properties").and_then(Value::as_object_mut)
                        {
                            properties.insert("source".into(), json!(SOURCE_PROVIDER));
                        } else if let Some(object) = feature.as_object_mut() {
                            object.insert("properties".into(), json!({"source": SOURCE_PROVIDER}));
                        }
                        features.push(feature);
                    }
                    json!({"product_id": product, "url": server, "count": found.len()})
                }
                Err(message) => json!({"product_id": product, "url": server, "error": message}),
            };
            if let Some(ours) = collection.get_mut("features").and_then(Value::as_array_mut) {
                features.append(ours);
                *ours = features;
            }
            if let Some(object) = collection.as_object_mut() {
                object.insert("provider".into(), provider_part);
            }
            let mut text = serde_json::to_string_pretty(&collection).unwrap_or_default();
            text.push('\n');
            text
        }
    })
}

/// The most opportunities asked of the provider.
const PROVIDER_LIMIT: u32 = 50;

/// One provider opportunity on a line: its `datetime`, then its other properties.
fn provider_line(feature: &Value) -> String {
    let properties = feature.get("properties").and_then(Value::as_object);
    let window = properties
        .and_then(|p| p.get("datetime"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    let extra: Vec<String> = properties
        .map(|p| {
            p.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "datetime" | "product_id"))
                .map(|(k, v)| format!("{k}={v}"))
                .collect()
        })
        .unwrap_or_default();
    format!("{window}  {}", extra.join(" "))
        .trim_end()
        .to_string()
}
