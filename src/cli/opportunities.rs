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
    let notes = unused_files(files, constellation);
    Ok(match args.format {
        OpportunitiesFormat::Human => human(
            &Header {
                shown: &shown,
                title: constellation.title,
                product: id,
                limit,
                start,
                end,
                words: &Words::Up42 {
                    maximum: query.limit_maximum_deg,
                },
                notes: &notes,
            },
            &outcome,
            &resolved.origins,
            constellation.dark_below_deg(),
            "the order's bounds",
        ),
        OpportunitiesFormat::Geojson => {
            let mut collection =
                geojson(id, limit, start, end, &outcome.results, &resolved.origins);
            if let Some(search) = collection.get_mut("search").and_then(Value::as_object_mut) {
                search.insert("notes".into(), json!(notes));
            }
            let mut text = serde_json::to_string_pretty(&collection).unwrap_or_default();
            text.push('\n');
            text
        }
    })
}

/// What the report's first line says, and how its suggestions are worded.
struct Header<'a> {
    shown: &'a str,
    title: &'a str,
    product: &'a str,
    limit: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    words: &'a Words,
    /// Sentences printed before the satellites (an `--elements` file that holds none of
    /// them...).
    notes: &'a [String],
}

/// How a report names the angle and the window's end in its suggestions: a UP42 order's
/// parameters, or a STAPI order's filter bound and `datetime`.
#[derive(Clone, Debug)]
enum Words {
    /// `incidenceAngle` (at most `maximum`, the product schema's) and `acquisitionEnd`.
    Up42 { maximum: Option<f64> },
    /// The filter's upper bound on `property` (an off-nadir angle when `off_nadir`, else an
    /// incidence; at most `maximum`, the queryable's) and the end of `datetime`.
    Stapi {
        property: String,
        off_nadir: bool,
        maximum: Option<f64>,
    },
}

impl Words {
    /// The suggestion for the nearest pass `w`: the smallest whole angle that lets it in, or,
    /// beyond the parameter's maximum, that none can.
    fn raise(&self, w: &feas::passes::Window) -> String {
        let (needed, name, maximum, whose) = match self {
            Words::Up42 { maximum } => (
                w.min_incidence_deg,
                "incidenceAngle".to_string(),
                *maximum,
                "the product schema's",
            ),
            Words::Stapi {
                property,
                off_nadir,
                maximum,
            } => (
                if *off_nadir {
                    w.off_nadir_deg
                } else {
                    w.min_incidence_deg
                },
                format!("the filter's {property} bound"),
                *maximum,
                "the queryable's",
            ),
        };
        let to = (needed - 1e-9).ceil().max(0.0);
        match maximum {
            Some(max) if to > max => format!(
                "{name} cannot be raised to {to}°: {whose} maximum is {}°",
                angle_text(max)
            ),
            _ => format!("raise {name} to {to}°"),
        }
    }

    /// The suggestion for the next pass after the window.
    fn extend(&self) -> &'static str {
        match self {
            Words::Up42 { .. } => "extend acquisitionEnd past it",
            Words::Stapi { .. } => "extend the end of the order's datetime past it",
        }
    }

    /// The angle the suggestion speaks of, for the nearest pass's description.
    fn angle_of(&self, w: &feas::passes::Window) -> String {
        match self {
            Words::Stapi {
                off_nadir: true, ..
            } => format!(
                "{:.1}° off-nadir ({:.1}° incidence)",
                w.off_nadir_deg, w.min_incidence_deg
            ),
            _ => format!("{:.1}° incidence", w.min_incidence_deg),
        }
    }
}

/// An angle as written: 30, 33.3 (a limit converted from off-nadir has many digits).
fn angle_text(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
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

/// One window on a line: its times, angles, sun, direction and its own timing (timed within
/// [`feas::TIMED_WITHIN_DAYS`] of the elements' epoch, else approximate).
fn window_line(w: &feas::passes::Window) -> String {
    let days = feas::window_days_from_epoch(w);
    format!(
        "{} – {}  incidence {:.1}° (off-nadir {:.1}°, azimuth {:.0}°) at {}, sun {:.1}°, {}, {} \
         ({days:.1} days from the elements' epoch)",
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
        if feas::window_is_approximate(w) {
            "approximate"
        } else {
            "timed"
        },
    )
}

fn human(
    header: &Header<'_>,
    outcome: &feas::PassOutcome,
    origins: &BTreeMap<u64, Origin>,
    dark_below: Option<f64>,
    bounds_name: &str,
) -> String {
    let Header {
        shown,
        title,
        product,
        limit,
        start,
        end,
        words,
        notes,
    } = *header;
    let results = &outcome.results;
    let limit = angle_text(limit);
    let mut out = format!(
        "{shown}: {title} (product {product}) over the AOI, {} – {} UTC, incidence <= {limit}°\n{CAVEAT}\n",
        start.format("%Y-%m-%d %H:%M"),
        end.format("%Y-%m-%d %H:%M"),
    );
    for note in notes {
        out.push_str(note);
        out.push('\n');
    }
    let searched = feas::search_end(start, end);
    if searched < end {
        out.push_str(&format!(
            "searched the first {} days only, to {}\n",
            feas::MAX_SEARCH_DAYS,
            searched.format("%Y-%m-%d %H:%M")
        ));
    }
    let dark_text = dark_below
        .map(|deg| format!("sun below {}°", angle_text(deg)))
        .unwrap_or_default();
    let (mut windows, mut dark, mut outside) = (0, 0, 0);
    let mut missing = Vec::new();
    for r in results {
        let count = |n: usize| format!("{n} window{}", if n == 1 { "" } else { "s" });
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
                    "{} (NORAD {}): propagation failed: {message}; not computed\n",
                    r.satellite, r.norad_id
                ));
                missing.push(r.satellite.clone());
                continue;
            }
            Timing::OutOfRange {
                elements_epoch,
                days_from_window,
            } => {
                out.push_str(&format!(
                    "{} (NORAD {}), elements of {} ({}): elements too {} for timing: the epoch is \
                     {days_from_window} days {} the window and elements are used only within \
                     {} days of it; not computed, so this says nothing about its passes\n",
                    r.satellite,
                    r.norad_id,
                    elements_epoch.format("%Y-%m-%d %H:%M"),
                    origin_text(origins, r.norad_id),
                    if *elements_epoch < start {
                        "old"
                    } else {
                        "new"
                    },
                    if *elements_epoch < start {
                        "before"
                    } else {
                        "after"
                    },
                    feas::MAX_ELEMENT_DAYS,
                ));
                missing.push(r.satellite.clone());
                continue;
            }
            Timing::Timed { elements_epoch } => out.push_str(&format!(
                "{} (NORAD {}), elements of {} ({}, {}): {}",
                r.satellite,
                r.norad_id,
                elements_epoch.format("%Y-%m-%d %H:%M"),
                origin_text(origins, r.norad_id),
                age_text(*elements_epoch, start),
                count(r.windows.len()),
            )),
            Timing::Approximate {
                elements_epoch,
                days_from_window,
            } => out.push_str(&format!(
                "{} (NORAD {}), elements of {} ({}, {days_from_window} days from the window: \
                 times approximate): {}",
                r.satellite,
                r.norad_id,
                elements_epoch.format("%Y-%m-%d %H:%M"),
                origin_text(origins, r.norad_id),
                count(r.windows.len()),
            )),
        }
        if let Some((from, to)) = r.searched {
            out.push_str(&format!(
                "; searched only {} – {} UTC, the part of the window within {} days of the \
                 elements' epoch (the rest is not computed)",
                from.format("%Y-%m-%d %H:%M"),
                to.format("%Y-%m-%d %H:%M"),
                feas::MAX_ELEMENT_DAYS,
            ));
        }
        if !r.dark.is_empty() {
            out.push_str(&format!(
                "; {} in the dark ({dark_text}), not acquisition opportunities",
                count(r.dark.len())
            ));
        }
        if r.outside_bounds > 0 {
            out.push_str(&format!(
                "; {} outside {bounds_name} (not listed)",
                count(r.outside_bounds)
            ));
        }
        out.push('\n');
        for w in &r.windows {
            windows += 1;
            out.push_str(&format!("  {}\n", window_line(w)));
        }
        for w in &r.dark {
            dark += 1;
            out.push_str(&format!("  dark  {}\n", window_line(w)));
        }
        outside += r.outside_bounds;
    }
    let computed = results.len() - missing.len();
    out.push_str(&format!(
        "{windows} window{} from {computed} of {} satellites",
        if windows == 1 { "" } else { "s" },
        results.len()
    ));
    if dark > 0 {
        out.push_str(&format!(
            " ({dark} more in the dark, {dark_text}, not counted)"
        ));
    }
    if outside > 0 {
        out.push_str(&format!(" ({outside} more outside {bounds_name})"));
    }
    if !missing.is_empty() {
        out.push_str(&format!("; not computed: {}", missing.join(", ")));
    }
    out.push('\n');
    // "No pass" only of the satellites computed, and saying which were not.
    let names: Vec<&str> = outcome.computed().map(|r| r.satellite.as_str()).collect();
    let what = if dark > 0 && outside > 0 {
        format!("daylight pass within {bounds_name}")
    } else if dark > 0 {
        "daylight pass".to_string()
    } else if outside > 0 {
        format!("pass within {bounds_name}")
    } else {
        "pass".to_string()
    };
    let unknown = if missing.is_empty() {
        String::new()
    } else {
        format!(
            " (not computed, so nothing is said of: {})",
            missing.join(", ")
        )
    };
    if let Some(w) = &outcome.wider {
        out.push_str(&format!(
            "no {what} of {} at <= {limit}° incidence in the window{unknown}; the nearest needs \
             {} ({}, closest at {} UTC): {}\n",
            names.join(", "),
            words.angle_of(w),
            w.satellite,
            w.at.format("%Y-%m-%d %H:%M"),
            words.raise(w),
        ));
    }
    if let Some(w) = &outcome.later {
        out.push_str(&format!(
            "no {what} of {} at <= {limit}° incidence in the window{unknown}; the next at <= \
             {limit}° is closest at {} UTC ({}, incidence {:.1}°): {}\n",
            names.join(", "),
            w.at.format("%Y-%m-%d %H:%M"),
            w.satellite,
            w.min_incidence_deg,
            words.extend(),
        ));
    }
    out
}

/// A sentence for each of `files` that holds no element set of `constellation`'s satellites
/// (an `--elements` file for another constellation would otherwise be silently ignored).
fn unused_files(files: &[PathBuf], constellation: &feas::Constellation) -> Vec<String> {
    let ids: Vec<u64> = constellation
        .satellites
        .iter()
        .map(|s| u64::from(s.norad_id))
        .collect();
    files
        .iter()
        .filter_map(|file| {
            let sets = crate::config::elements::read_file(file).ok()?;
            if sets.iter().any(|s| ids.contains(&s.norad_id)) {
                return None;
            }
            let held: Vec<String> = sets.iter().map(|s| s.norad_id.to_string()).collect();
            let wanted: Vec<String> = constellation
                .satellites
                .iter()
                .map(|s| format!("{} {}", s.name, s.norad_id))
                .collect();
            Some(format!(
                "{} holds no element set for {}'s satellites (NORAD {}); it holds NORAD {}",
                file.display(),
                constellation.title,
                wanted.join(", "),
                held.join(", ")
            ))
        })
        .collect()
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
                    "elements_days_from_epoch": round(feas::window_days_from_epoch(w), 2),
                    "timing": if feas::window_is_approximate(w) { "approximate" } else { "timed" },
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
            // Null, not 0, for a satellite not computed: nothing is said of its passes.
            "windows": r.is_computed().then_some(r.windows.len()),
            "dark_windows": r.is_computed().then_some(r.dark.len()),
            "outside_bounds": r.is_computed().then_some(r.outside_bounds),
            "searched": r.searched.map(|(a, b)| format!("{}/{}", iso(a), iso(b))),
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
        /// How suggestions name the filter's bound and the window's end.
        words: Words,
        /// Sentences on the element files (one holding none of the satellites...).
        notes: Vec<String>,
    },
    NotComputed(String),
}

/// The properties of a window a STAPI filter can bound, by the names a filter may use.
fn property_kind(name: &str) -> Option<&'static str> {
    match name.strip_prefix("view:").unwrap_or(name) {
        "incidence_angle" => Some("incidence"),
        "off_nadir" => Some("off_nadir"),
        "sun_elevation" => Some("sun_elevation"),
        "azimuth" => Some("azimuth"),
        _ => None,
    }
}

/// What a STAPI order's CQL2-JSON `filter` says of the windows: the bounds on the properties
/// we compute, and the property name written for the incidence and off-nadir upper bounds.
#[derive(Clone, Debug, Default)]
struct FilterBounds {
    bounds: feas::WindowBounds,
    /// The name as written (`off_nadir`, `view:incidence_angle`) of the tightest upper bound
    /// of each of `incidence` and `off_nadir`.
    incidence_name: Option<String>,
    off_nadir_name: Option<String>,
}

impl FilterBounds {
    /// Adds `name` in `[min, max]`; an unknown property is ignored.
    fn add(&mut self, name: &str, min: f64, max: f64) {
        let Some(kind) = property_kind(name) else {
            return;
        };
        let bound = feas::Bound { min, max };
        let b = &mut self.bounds;
        let (slot, written) = match kind {
            "incidence" => (&mut b.incidence, Some(&mut self.incidence_name)),
            "off_nadir" => (&mut b.off_nadir, Some(&mut self.off_nadir_name)),
            "sun_elevation" => (&mut b.sun_elevation, None),
            _ => (&mut b.azimuth, None),
        };
        if let Some(written) = written {
            if max < slot.max {
                *written = Some(name.to_string());
            }
        }
        *slot = slot.and(bound);
    }
}

/// The bounds of a CQL2-JSON filter on the window properties we compute
/// (`incidence_angle`, `off_nadir`, `sun_elevation`, `azimuth`, with or without `view:`):
/// comparisons `<`, `<=`, `>`, `>=`, `=` with the property on either side, `between`
/// (`[property, low, high]` or `[property, [low, high]]`), and `and` of any of these (the
/// tightest wins). Bounds under `or` or `not` are not taken (they do not bound every
/// result).
fn filter_bounds(filter: &Value) -> FilterBounds {
    fn property(node: &Value) -> Option<&str> {
        node.get("property").and_then(Value::as_str)
    }
    fn walk(node: &Value, out: &mut FilterBounds) {
        let Some(op) = node.get("op").and_then(Value::as_str) else {
            return;
        };
        let args: &[Value] = node
            .get("args")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let (inf, neg) = (f64::INFINITY, f64::NEG_INFINITY);
        match op {
            "and" => args.iter().for_each(|arg| walk(arg, out)),
            "between" => {
                let range = match args {
                    [p, low, high] => property(p).zip(low.as_f64().zip(high.as_f64())),
                    [p, pair] => {
                        property(p).zip(pair.as_array().and_then(|r| match r.as_slice() {
                            [low, high] => low.as_f64().zip(high.as_f64()),
                            _ => None,
                        }))
                    }
                    _ => None,
                };
                if let Some((name, (low, high))) = range {
                    out.add(name, low.min(high), low.max(high));
                }
            }
            "<" | "<=" | ">" | ">=" | "=" => {
                let [left, right] = args else {
                    return;
                };
                // `value OP property` is `property (OP mirrored) value`.
                let (name, value, op) = match (property(left), property(right)) {
                    (Some(name), None) => (name, right.as_f64(), op),
                    (None, Some(name)) => (
                        name,
                        left.as_f64(),
                        match op {
                            "<" => ">",
                            "<=" => ">=",
                            ">" => "<",
                            ">=" => "<=",
                            other => other,
                        },
                    ),
                    _ => return,
                };
                let Some(value) = value else {
                    return;
                };
                match op {
                    "<" | "<=" => out.add(name, neg, value),
                    ">" | ">=" => out.add(name, value, inf),
                    _ => out.add(name, value, value),
                }
            }
            _ => {}
        }
    }
    let mut out = FilterBounds::default();
    walk(filter, &mut out);
    out
}

/// The incidence limit (degrees) of a STAPI filter's bounds: the tightest of its upper bound
/// on incidence and its upper bound on off-nadir turned into incidence at the
/// constellation's altitude (sin(incidence) = ((R+h)/R) sin(off-nadir), on a sphere of the
/// mean radius), with how it was read, in words, and the words of its suggestions. `None`
/// with neither upper bound.
fn filter_limit(
    found: &FilterBounds,
    constellation: &feas::Constellation,
) -> Option<(f64, String, Words)> {
    let b = &found.bounds;
    let by_incidence = b.incidence.max.is_finite().then(|| {
        let name = found.incidence_name.clone().unwrap_or_default();
        (
            b.incidence.max,
            format!("the filter's {name} <= {}°", angle_text(b.incidence.max)),
            Words::Stapi {
                property: name,
                off_nadir: false,
                maximum: None,
            },
        )
    });
    let by_off_nadir = b.off_nadir.max.is_finite().then_some(()).and_then(|()| {
        let altitude = constellation.satellites.first()?.altitude_km;
        let bound = b.off_nadir.max;
        let incidence =
            feas::angles::incidence_from_off_nadir(bound, altitude, feas::angles::MEAN_RADIUS_KM)?;
        let name = found.off_nadir_name.clone().unwrap_or_default();
        Some((
            incidence,
            format!(
                "the filter's {name} <= {}°, {incidence:.1}° incidence at {altitude} km",
                angle_text(bound)
            ),
            Words::Stapi {
                property: name,
                off_nadir: true,
                maximum: None,
            },
        ))
    });
    match (by_incidence, by_off_nadir) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Every `[lon, lat]` of a GeoJSON geometry's `coordinates`, at any depth.
fn geometry_positions(geometry: &Value, out: &mut Vec<[f64; 2]>) {
    let Some(coordinates) = geometry.get("coordinates") else {
        if let Some(parts) = geometry.get("geometries").and_then(Value::as_array) {
            for part in parts {
                geometry_positions(part, out);
            }
        }
        return;
    };
    fn walk(node: &Value, out: &mut Vec<[f64; 2]>) {
        let Some(items) = node.as_array() else {
            return;
        };
        match (
            items.first().and_then(Value::as_f64),
            items.get(1).and_then(Value::as_f64),
        ) {
            (Some(lon), Some(lat)) => out.push([lon, lat]),
            _ => items.iter().for_each(|item| walk(item, out)),
        }
    }
    walk(coordinates, out);
}

/// The `maximum` a product's queryables schema gives `property` (or its name with or without
/// `view:`), degrees.
fn queryable_maximum(queryables: Option<&Value>, property: &str) -> Option<f64> {
    let properties = queryables?.get("properties")?;
    let bare = property.strip_prefix("view:").unwrap_or(property);
    [
        property.to_string(),
        bare.to_string(),
        format!("view:{bare}"),
    ]
    .iter()
    .find_map(|name| properties.get(name)?.get("maximum")?.as_f64())
}

/// Our pass search for the STAPI order `order` at `path`, or why it is not computed; the
/// product's `queryables` schema (when known) caps the angles suggested.
fn ours_for_stapi(
    path: &std::path::Path,
    order: &Value,
    stapi: &crate::config::stapi::StapiConfig,
    files: &[PathBuf],
    cache: Option<&ElementCache>,
    queryables: Option<&Value>,
) -> Result<Ours, String> {
    let product = stapi
        .product_for(path)
        .unwrap_or_else(|| "(none configured)".to_string());
    let key = stapi.constellation_for(path);
    let (constellation, start, end) =
        match feas::search_order_window(order, key.as_deref(), &product) {
            Ok(window) => window,
            Err(reason) => return Ok(Ours::NotComputed(reason)),
        };
    let found = order.get("filter").map(filter_bounds).unwrap_or_default();
    let Some((limit, limit_from, mut words)) = filter_limit(&found, constellation) else {
        return Ok(Ours::NotComputed(
            "the order's filter gives no upper bound on incidence_angle or off_nadir (<=, <, \
             between, alone or under and), so there is no angle to search at"
                .to_string(),
        ));
    };
    if let Words::Stapi {
        property, maximum, ..
    } = &mut words
    {
        *maximum = queryable_maximum(queryables, property);
    }
    let mut positions = Vec::new();
    if let Some(geometry) = order.get("geometry") {
        geometry_positions(geometry, &mut positions);
    }
    let Some(aoi) = Aoi::new(&positions) else {
        return Ok(Ours::NotComputed(
            "the order's geometry has no position".to_string(),
        ));
    };
    let resolved = crate::config::elements::resolve(files, cache)?;
    let outcome = feas::search_with_alternatives_within(
        constellation,
        &resolved.sets,
        &aoi,
        limit,
        start,
        end,
        &found.bounds,
    );
    Ok(Ours::Computed {
        constellation,
        limit,
        limit_from,
        start,
        end,
        outcome: Box::new(outcome),
        origins: resolved.origins,
        words,
        notes: unused_files(files, constellation),
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
    // The queryables (cached, else asked when a server is configured and not offline) give
    // the filter properties' maxima, beyond which no angle is suggested.
    let (product_info, _) = ctx.product_for(&args.order).await;
    let queryables = product_info.queryables.as_ref().map(|q| &q.schema);
    let ours = ours_for_stapi(&args.order, &order, &ctx.config, files, cache, queryables)?;
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
                    words,
                    notes,
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
                            words,
                            notes,
                        },
                        outcome,
                        origins,
                        constellation.dark_below_deg(),
                        "the filter's bounds",
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
                    notes,
                    ..
                } => {
                    let mut collection =
                        geojson(&product, *limit, *start, *end, &outcome.results, origins);
                    if let Some(search) =
                        collection.get_mut("search").and_then(Value::as_object_mut)
                    {
                        search.insert("notes".into(), json!(notes));
                    }
                    collection
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAMES: [&str; 8] = [
        "incidence_angle",
        "view:incidence_angle",
        "off_nadir",
        "view:off_nadir",
        "sun_elevation",
        "view:sun_elevation",
        "azimuth",
        "cloud_cover",
    ];

    /// One bound written in one of the forms a CQL2-JSON filter allows, and the interval it
    /// means.
    fn written(name: &str, form: usize, a: f64, b: f64) -> (Value, f64, f64) {
        let p = json!({"property": name});
        let (low, high) = (a.min(b), a.max(b));
        let inf = f64::INFINITY;
        match form {
            0 => (json!({"op": "<=", "args": [p, a]}), -inf, a),
            1 => (json!({"op": "<", "args": [p, a]}), -inf, a),
            2 => (json!({"op": ">=", "args": [p, a]}), a, inf),
            3 => (json!({"op": ">=", "args": [a, p]}), -inf, a),
            4 => (json!({"op": "<", "args": [a, p]}), a, inf),
            5 => (json!({"op": "between", "args": [p, low, high]}), low, high),
            6 => (
                json!({"op": "between", "args": [p, [low, high]]}),
                low,
                high,
            ),
            _ => (json!({"op": "=", "args": [p, a]}), a, a),
        }
    }

    proptest! {
        /// Any `and` of bounds in any form (property first or value first, between, nested
        /// `and`) gives, per property we compute, the intersection of what each says; other
        /// properties and bounds under `or` are not taken.
        #[test]
        fn every_form_of_bound_is_read_and_the_tightest_wins(
            bounds in prop::collection::vec(
                (0usize..8, 0usize..8, -90.0f64..90.0, -90.0f64..90.0, any::<bool>()), 1..8),
            under_or in prop::option::of((0usize..8, -90.0f64..90.0)),
        ) {
            let mut args = Vec::new();
            let mut expected: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
            for (name, form, a, b, nest) in &bounds {
                let name = NAMES[*name];
                let (node, low, high) = written(name, *form, *a, *b);
                args.push(if *nest { json!({"op": "and", "args": [node]}) } else { node });
                if let Some(kind) = property_kind(name) {
                    let e = expected.entry(kind).or_insert((f64::NEG_INFINITY, f64::INFINITY));
                    *e = (e.0.max(low), e.1.min(high));
                }
            }
            if let Some((name, value)) = under_or {
                args.push(json!({"op": "or", "args": [
                    {"op": "<=", "args": [{"property": NAMES[name]}, value]},
                    {"op": "<=", "args": [{"property": "cloud_cover"}, 10]}
                ]}));
            }
            let found = filter_bounds(&json!({"op": "and", "args": args}));
            let b = found.bounds;
            for (kind, got) in [
                ("incidence", b.incidence),
                ("off_nadir", b.off_nadir),
                ("sun_elevation", b.sun_elevation),
                ("azimuth", b.azimuth),
            ] {
                let (min, max) = expected.get(kind).copied().unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
                prop_assert_eq!((got.min, got.max), (min, max), "{}", kind);
            }
        }
    }

    /// The tester's filters: `between` and a value-first comparison bound the angle.
    #[test]
    fn between_and_value_first_comparisons_give_the_limit() {
        let c = &feas::CONSTELLATIONS[0];
        let between = filter_bounds(&json!(
            {"op": "between", "args": [{"property": "off_nadir"}, 0, 5]}
        ));
        let (limit, from, _) = filter_limit(&between, c).unwrap();
        assert!((limit - 5.5).abs() < 0.1, "{limit} {from}");
        let reversed = filter_bounds(&json!(
            {"op": ">=", "args": [30, {"property": "off_nadir"}]}
        ));
        let (limit, from, _) = filter_limit(&reversed, c).unwrap();
        assert_eq!(
            from,
            "the filter's off_nadir <= 30°, 33.3° incidence at 620 km"
        );
        assert!((limit - 33.3).abs() < 0.05);
        // Both angles bounded: the tighter in incidence wins.
        let both = filter_bounds(&json!({"op": "and", "args": [
            {"op": "<=", "args": [{"property": "view:incidence_angle"}, 20]},
            {"op": "<=", "args": [{"property": "off_nadir"}, 30]}
        ]}));
        assert_eq!(filter_limit(&both, c).unwrap().0, 20.0);
    }

    fn window(incidence: f64, off_nadir: f64) -> feas::passes::Window {
        let at: DateTime<Utc> = "2027-03-01T10:00:00Z".parse().unwrap();
        feas::passes::Window {
            norad_id: 48268,
            satellite: "Pléiades Neo 3".into(),
            start: at,
            end: at,
            min_incidence_deg: incidence,
            at,
            off_nadir_deg: off_nadir,
            sun_elevation_deg: 40.0,
            azimuth_deg: 0.0,
            point: [0.0, 0.0],
            descending: true,
            elements_epoch: at,
        }
    }

    /// A suggestion beyond the parameter's maximum is not made; the words are the order's.
    #[test]
    fn no_angle_is_suggested_beyond_the_maximum() {
        let stapi = Words::Stapi {
            property: "off_nadir".into(),
            off_nadir: true,
            maximum: Some(45.0),
        };
        assert_eq!(
            stapi.raise(&window(54.0, 47.2)),
            "the filter's off_nadir bound cannot be raised to 48°: the queryable's maximum is 45°"
        );
        assert_eq!(
            stapi.raise(&window(40.0, 35.2)),
            "raise the filter's off_nadir bound to 36°"
        );
        assert_eq!(
            stapi.extend(),
            "extend the end of the order's datetime past it"
        );
        let up42 = Words::Up42 {
            maximum: Some(50.0),
        };
        assert_eq!(
            up42.raise(&window(54.0, 47.2)),
            "incidenceAngle cannot be raised to 54°: the product schema's maximum is 50°"
        );
        assert_eq!(
            up42.raise(&window(36.2, 30.0)),
            "raise incidenceAngle to 37°"
        );
    }
}
