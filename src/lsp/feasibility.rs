//! The pass search in the editor, lazily: hovering `acquisitionStart`, `acquisitionEnd` or
//! `incidenceAngle` lists the access windows of the product's satellites, and a code lens
//! counts them ("7 passes ≤ 10° (Pléiades Neo 3, 4)"), from the element files of the nearest
//! `tasking-ls.toml` (`[feasibility] elements`). Computed only on that hover and for the
//! lens (once per document version, on a blocking thread), never while checking, so typing
//! and `validate` pay nothing for it. Without element sets the answer is "timing
//! unavailable", never "no pass".

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::state::{Backend, PassMemo};
use crate::check::feasibility::{pass_diagnostics, pass_query, PassQuery};
use crate::check::{CheckOptions, Code, Diagnostic};
use crate::config::stapi::StapiConfig;
use crate::config::LintSettings;
use crate::document::Document;
use crate::feasibility::elements::ElementSet;
use crate::feasibility::passes::{Aoi, Window};
use crate::feasibility::{opportunities, search_order_query, Timing};
use crate::schema::SchemaStore;

/// The pass lens's title without element sets: what to run to get some.
pub(crate) const TIMING_UNAVAILABLE: &str =
    "timing unavailable: tasking-ls elements import FILE or tasking-ls elements update";

/// The keys whose hover lists the passes.
const KEYS: [&str; 3] = ["acquisitionStart", "acquisitionEnd", "incidenceAngle"];

/// At most this many windows are listed; the rest are counted.
const LISTED: usize = 8;

/// What the pass search found for an order, or why it computed nothing.
pub(crate) enum PassReport {
    /// No element set is configured: the times of the passes cannot be known.
    NoElements { title: &'static str },
    /// The element files could not be read (the sentence says which and why).
    Unreadable {
        title: &'static str,
        message: String,
    },
    /// The search ran for the satellites with an element set.
    Searched {
        title: &'static str,
        limit_deg: f64,
        /// Every window of every satellite searched, by start.
        windows: Vec<Window>,
        /// The satellites searched (an element set was found), in the table's order.
        computed: Vec<String>,
        /// The satellites not searched (no element set, or the propagation failed).
        missing: Vec<String>,
        /// True when some element set is far from the window (times may be off by minutes).
        approximate: bool,
    },
}

/// The element sets the pass search of an order reads, or why there are none.
pub(crate) enum Loaded {
    /// No `[feasibility] elements` and nothing in the element cache.
    Missing,
    /// A file could not be read (the sentence names it and the line).
    Unreadable(String),
    Sets(Vec<ElementSet>),
}

/// The element sets for the order saved at `path`: its nearest `tasking-ls.toml`'s
/// `[feasibility] elements`, then the element cache (`config::elements::configured_for`).
pub(crate) fn load(path: Option<&Path>) -> Loaded {
    let files = path
        .map(crate::config::elements::configured_for)
        .unwrap_or_default();
    if files.is_empty() {
        return Loaded::Missing;
    }
    match crate::config::elements::read(&files) {
        Ok(sets) => Loaded::Sets(sets),
        Err(message) => Loaded::Unreadable(message),
    }
}

/// The pass search for the order `doc` (saved at `path`, whose nearest `tasking-ls.toml`
/// names the element files); `None` when the order is no pass query (no known product or
/// constellation, no valid window). Runs SGP4: call it off the protocol's threads or on a
/// user's request only.
pub(crate) fn search(
    path: Option<&Path>,
    doc: &Document,
    store: &SchemaStore,
) -> Option<PassReport> {
    let root = doc.root()?;
    let query = pass_query(root, store).ok()?;
    search_query(&query, &load(path))
}

/// The pass search of `query` with the sets `loaded`.
pub(crate) fn search_query(query: &PassQuery, loaded: &Loaded) -> Option<PassReport> {
    let title = query.constellation.title;
    let sets = match loaded {
        Loaded::Missing => return Some(PassReport::NoElements { title }),
        Loaded::Unreadable(message) => {
            return Some(PassReport::Unreadable {
                title,
                message: message.clone(),
            })
        }
        Loaded::Sets(sets) => sets,
    };
    let aoi = Aoi::new(&query.positions)?;
    let results = opportunities(
        query.constellation,
        sets,
        &aoi,
        query.limit_deg,
        query.start,
        query.end,
    );
    let searched = |r: &&crate::feasibility::SatelliteResult| {
        matches!(r.timing, Timing::Timed { .. } | Timing::Approximate { .. })
    };
    let computed = results
        .iter()
        .filter(searched)
        .map(|r| r.satellite.clone())
        .collect();
    let missing = results
        .iter()
        .filter(|r| !searched(r))
        .map(|r| r.satellite.clone())
        .collect();
    let approximate = results
        .iter()
        .any(|r| matches!(r.timing, Timing::Approximate { .. }));
    let mut windows: Vec<Window> = results.into_iter().flat_map(|r| r.windows).collect();
    windows.sort_by_key(|w| w.start);
    Some(PassReport::Searched {
        title,
        limit_deg: query.limit_deg,
        windows,
        computed,
        missing,
        approximate,
    })
}

/// The pass search of one version of a UP42 order: the lens's title (empty when the order is
/// no pass query) and the `feasibility.passes` diagnostics with their fixes (`lint` applied).
/// The diagnostics come only from a search that computed some satellite and found no window:
/// never without element sets.
pub(crate) fn evaluate(
    path: Option<&Path>,
    doc: &Document,
    store: &SchemaStore,
    lint: &LintSettings,
) -> (String, Vec<Diagnostic>) {
    let Some(query) = doc.root().and_then(|root| pass_query(root, store).ok()) else {
        return (String::new(), Vec::new());
    };
    let loaded = load(path);
    let Some(report) = search_query(&query, &loaded) else {
        return (String::new(), Vec::new());
    };
    let title = lens_title(&report);
    let no_window = matches!(
        &report,
        PassReport::Searched { windows, computed, .. } if windows.is_empty() && !computed.is_empty()
    );
    let mut diagnostics = Vec::new();
    if let (true, Loaded::Sets(sets)) = (no_window, &loaded) {
        diagnostics = pass_diagnostics(doc, &CheckOptions::new(store), sets);
        lint.apply(&mut diagnostics);
    }
    (title, diagnostics)
}

/// The pass search of a search-style (STAPI) order `doc` saved at `path`, whose product the
/// workspace's `[stapi] constellation` (or its `[[stapi.files]]` entry) maps to the table's
/// satellites, as `tasking-ls opportunities` reads it: the window from `datetime`, the limit
/// from the filter's incidence or off-nadir bound, the AOI from `geometry`. `None` when no
/// search can be made (no constellation configured, an open interval, no angle bound, text
/// that is not JSON).
pub(crate) fn search_order_report(
    path: Option<&Path>,
    doc: &Document,
    config: &StapiConfig,
) -> Option<PassReport> {
    let order: serde_json::Value = serde_json::from_str(doc.text()).ok()?;
    let product = path
        .and_then(|p| config.product_for(p))
        .unwrap_or_else(|| "(none configured)".to_string());
    let key = path.and_then(|p| config.constellation_for(p));
    let query = search_order_query(&order, key.as_deref(), &product).ok()?;
    let query = PassQuery {
        constellation: query.constellation,
        product_id: product,
        start: query.start,
        end: query.end,
        limit_deg: query.limit_deg,
        limit_maximum_deg: None,
        positions: query.positions,
    };
    search_query(&query, &load(path))
}

/// True when the document at `uri` is a STAPI order by the workspace's `[stapi]` patterns (as
/// `commands::is_search_order`, without importing the handlers that import this module).
pub(crate) fn is_search_order(backend: &Backend, uri: &Uri) -> bool {
    let path = convert::file_path(uri)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| uri.path().as_str().to_string());
    super::stapi::is_order(backend, &path)
}

/// The pass search of `version` of the document at `uri`: from the memo, else computed on a
/// blocking thread and memoised while that version is current. `None` when the document is
/// not open at that version any more.
pub(crate) async fn memo_for(
    backend: &Backend,
    uri: &Uri,
    document: &Arc<Document>,
    version: i32,
) -> Option<PassMemo> {
    if let Some(memo) = backend.0.pass_lenses.get(uri) {
        if memo.version == version {
            return Some(memo.clone());
        }
    }
    let store = backend.store();
    let lint = backend.settings().lint;
    let path = convert::file_path(uri);
    let doc = document.clone();
    // A STAPI order: the lens only (its checks have no pass diagnostics).
    let search_config = is_search_order(backend, uri).then(|| super::stapi::config(backend));
    let (title, diagnostics) = tokio::task::spawn_blocking(move || match search_config {
        Some(config) => (
            search_order_report(path.as_deref(), &doc, &config)
                .map(|report| lens_title(&report))
                .unwrap_or_default(),
            Vec::new(),
        ),
        None => evaluate(path.as_deref(), &doc, &store, &lint),
    })
    .await
    .ok()?;
    let memo = PassMemo {
        version,
        title,
        diagnostics: Arc::new(diagnostics),
    };
    // Still the current version: keep it.
    if backend.snapshot(uri).is_some_and(|(_, v)| v == version) {
        backend.0.pass_lenses.insert(uri.clone(), memo.clone());
    }
    Some(memo)
}

/// How long a document must stay unchanged after its check before its passes are searched
/// for diagnostics: typing never waits for SGP4, and a burst of edits searches once.
pub(crate) const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// After the check of `version` was published: waits until the document has settled at
/// that version ([`SETTLE`]), then the `feasibility.passes` diagnostics of the version (from
/// the memo the lens shares). `None` when there are none (no element sets, a window found, a
/// STAPI order) or the document changed or closed meanwhile.
pub(crate) async fn pass_diagnostics_when_settled(
    backend: &Backend,
    uri: &Uri,
    version: i32,
) -> Option<Arc<Vec<Diagnostic>>> {
    if is_search_order(backend, uri) {
        return None;
    }
    tokio::time::sleep(SETTLE).await;
    let (document, current) = backend.snapshot(uri)?;
    if current != version {
        return None;
    }
    let memo = memo_for(backend, uri, &document, version).await?;
    (!memo.diagnostics.is_empty()).then_some(memo.diagnostics)
}

/// Adds `passes` to the stored diagnostics of `version` (call under the URI's publish lock)
/// and returns them all; `None` when the stored ones are not that version's (a newer version,
/// a re-check under way, which publishes and asks again) or already hold them.
pub(crate) fn merge_into_stored(
    backend: &Backend,
    uri: &Uri,
    version: i32,
    passes: &[Diagnostic],
) -> Option<Arc<Vec<Diagnostic>>> {
    let mut entry = backend.0.documents.get_mut(uri)?;
    if entry.version != version {
        return None;
    }
    let stored = entry.diagnostics.clone()?;
    if stored.iter().any(|d| d.code == Code::FeasibilityPasses) {
        return None;
    }
    let mut merged: Vec<Diagnostic> = stored.as_ref().clone();
    merged.extend(passes.iter().cloned());
    let merged = Arc::new(merged);
    entry.diagnostics = Some(merged.clone());
    Some(merged)
}

/// The passes section of the hover at `offset`, when it is on one of [`KEYS`].
pub(super) fn passes_hover(
    backend: &Backend,
    uri: &Uri,
    doc: &Arc<Document>,
    offset: usize,
) -> Option<String> {
    let root = doc.root()?;
    let params = root.get("params")?;
    let on_key = params
        .members()?
        .iter()
        .any(|m| KEYS.contains(&m.key.name.as_str()) && m.range.touches(offset));
    if !on_key {
        return None;
    }
    let store = backend.store();
    let path = convert::file_path(uri);
    Some(passes_markdown(&search(path.as_deref(), doc, &store)?))
}

/// The passes as Markdown: the count, the satellites, the first [`LISTED`] windows.
pub(crate) fn passes_markdown(report: &PassReport) -> String {
    let caveat = "geometric access only; the provider's feasibility study decides";
    let (title, limit_deg, windows, computed, missing) = match report {
        PassReport::NoElements { title } => {
            return format!(
                "**Passes of {title}**: timing unavailable: no element sets. Import a file with \
                 `tasking-ls elements import FILE` or fetch current ones with `tasking-ls \
                 elements update` (or name files in `[feasibility] elements` of tasking-ls.toml)"
            )
        }
        PassReport::Unreadable { title, message } => {
            return format!("**Passes of {title}**: not computed: {message}")
        }
        PassReport::Searched {
            title,
            limit_deg,
            windows,
            computed,
            missing,
            ..
        } => (title, limit_deg, windows, computed, missing),
    };
    let mut out = format!(
        "**Passes of {title}** at <= {limit_deg}° ({caveat}): {} window{} from {}",
        windows.len(),
        if windows.len() == 1 { "" } else { "s" },
        if computed.is_empty() {
            "no satellite".to_string()
        } else {
            computed.join(", ")
        },
    );
    if !missing.is_empty() {
        out.push_str(&format!(
            "; not computed (no element set): {}",
            missing.join(", ")
        ));
    }
    for w in windows.iter().take(LISTED) {
        out.push_str(&format!(
            "\n- {} – {} UTC, {}: incidence {:.1}°, sun {:.0}°",
            w.start.format("%Y-%m-%d %H:%M:%S"),
            w.end.format("%H:%M:%S"),
            w.satellite,
            w.min_incidence_deg,
            w.sun_elevation_deg,
        ));
    }
    if windows.len() > LISTED {
        out.push_str(&format!(
            "\n- and {} more",
            windows.len().saturating_sub(LISTED)
        ));
    }
    out
}

/// The code lens's title: "7 passes ≤ 10° (Pléiades Neo 3, 4)"; [`TIMING_UNAVAILABLE`] when no
/// satellite could be searched (never a count of zero without elements).
pub(crate) fn lens_title(report: &PassReport) -> String {
    match report {
        PassReport::NoElements { .. } => TIMING_UNAVAILABLE.to_string(),
        PassReport::Unreadable { .. } => {
            "timing unavailable: the element files cannot be read (hover for why)".to_string()
        }
        PassReport::Searched { computed, .. } if computed.is_empty() => {
            TIMING_UNAVAILABLE.to_string()
        }
        PassReport::Searched {
            limit_deg,
            windows,
            computed,
            missing,
            approximate,
            ..
        } => count_title(windows.len(), *limit_deg, computed, missing, *approximate),
    }
}

/// "7 passes ≤ 10° (Pléiades Neo 3, 4)" for `count` windows found by the satellites
/// `computed` (`~` before the count when some elements are far from the window), then the
/// satellites without elements.
fn count_title(
    count: usize,
    limit_deg: f64,
    computed: &[String],
    missing: &[String],
    approximate: bool,
) -> String {
    let mut title = format!(
        "{}{count} pass{} ≤ {limit_deg}° ({})",
        if approximate { "~" } else { "" },
        if count == 1 { "" } else { "es" },
        satellite_names(computed)
    );
    if !missing.is_empty() {
        title.push_str(&format!("; no elements for {}", satellite_names(missing)));
    }
    title
}

/// "Pléiades Neo 3, 4" for satellites that differ in their last word only; else the names
/// joined.
fn satellite_names(names: &[String]) -> String {
    let split: Vec<(&str, &str)> = names.iter().filter_map(|n| n.rsplit_once(' ')).collect();
    match split.first() {
        Some((stem, _))
            if split.len() == names.len()
                && names.len() > 1
                && split.iter().all(|(s, _)| s == stem) =>
        {
            let tails: Vec<&str> = split.iter().map(|(_, tail)| *tail).collect();
            format!("{stem} {}", tails.join(", "))
        }
        _ => names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lens_titles() {
        let neo = ["Pléiades Neo 3", "Pléiades Neo 4"];
        assert_eq!(
            count_title(7, 10.0, &names(&neo), &[], false),
            "7 passes ≤ 10° (Pléiades Neo 3, 4)"
        );
        assert_eq!(
            count_title(1, 12.5, &names(&neo[..1]), &names(&neo[1..]), true),
            "~1 pass ≤ 12.5° (Pléiades Neo 3); no elements for Pléiades Neo 4"
        );
        // With elements for every satellite, zero windows is a result.
        assert_eq!(
            count_title(0, 10.0, &names(&neo), &[], false),
            "0 passes ≤ 10° (Pléiades Neo 3, 4)"
        );
        assert_eq!(
            satellite_names(&names(&["SPOT 6", "Pléiades 1A"])),
            "SPOT 6, Pléiades 1A"
        );
    }

    /// Without element sets no title counts passes: "0 passes" would read as "no pass".
    #[test]
    fn never_zero_passes_without_elements() {
        for report in [
            PassReport::NoElements { title: "x" },
            PassReport::Unreadable {
                title: "x",
                message: "gone".into(),
            },
            PassReport::Searched {
                title: "x",
                limit_deg: 10.0,
                windows: Vec::new(),
                computed: Vec::new(),
                missing: names(&["Pléiades Neo 3", "Pléiades Neo 4"]),
                approximate: false,
            },
        ] {
            let title = lens_title(&report);
            assert!(title.starts_with("timing unavailable"), "{title}");
            assert!(!title.contains("pass"), "{title}");
        }
    }
}
