//! The pass search in the editor, lazily: hovering `acquisitionStart`, `acquisitionEnd` or
//! `incidenceAngle` lists the access windows of the product's satellites, from the element
//! files of the nearest `tasking-ls.toml` (`[feasibility] elements`). Computed only on that
//! hover, never while checking, so typing and `validate` pay nothing for it.

use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::state::Backend;
use crate::check::feasibility::pass_query;
use crate::document::Document;
use crate::feasibility::passes::Aoi;
use crate::feasibility::{opportunities, Timing};

/// The keys whose hover lists the passes.
const KEYS: [&str; 3] = ["acquisitionStart", "acquisitionEnd", "incidenceAngle"];

/// At most this many windows are listed; the rest are counted.
const LISTED: usize = 8;

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
    let query = pass_query(root, &store).ok()?;
    let title = query.constellation.title;
    let caveat = "geometric access only; the provider's feasibility study decides";
    let files = convert::file_path(uri)
        .map(|path| crate::config::elements::configured_for(&path))
        .unwrap_or_default();
    if files.is_empty() {
        return Some(format!(
            "**Passes of {title}**: not computed: no element sets (`[feasibility] elements` in \
             tasking-ls.toml, or `tasking-ls opportunities FILE --elements ...`)"
        ));
    }
    let sets = match crate::config::elements::read(&files) {
        Ok(sets) => sets,
        Err(message) => return Some(format!("**Passes of {title}**: not computed: {message}")),
    };
    let aoi = Aoi::new(&query.positions)?;
    let results = opportunities(
        query.constellation,
        &sets,
        &aoi,
        query.limit_deg,
        query.start,
        query.end,
    );
    let computed: Vec<&str> = results
        .iter()
        .filter(|r| matches!(r.timing, Timing::Timed { .. } | Timing::Approximate { .. }))
        .map(|r| r.satellite.as_str())
        .collect();
    let missing: Vec<&str> = results
        .iter()
        .filter(|r| !matches!(r.timing, Timing::Timed { .. } | Timing::Approximate { .. }))
        .map(|r| r.satellite.as_str())
        .collect();
    let mut windows: Vec<_> = results.iter().flat_map(|r| r.windows.iter()).collect();
    windows.sort_by_key(|w| w.start);
    let mut out = format!(
        "**Passes of {title}** at <= {}° ({caveat}): {} window{} from {}",
        query.limit_deg,
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
    Some(out)
}
