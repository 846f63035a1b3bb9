//! Feasibility before ordering: whether the satellites of a collection can image the AOI in
//! the order's window at the order's angle and in daylight. Pure and synchronous: no network,
//! no LSP types. `table` holds the constellations (each figure with its source), `angles` the
//! incidence/off-nadir geometry, `sun` the sun's position, `checks` the verdicts that need no
//! orbital elements, `elements` and `passes` the access windows from user-supplied element
//! sets (SGP4).

pub mod angles;
pub mod checks;
pub mod elements;
pub mod passes;
pub mod sun;
pub mod table;

use chrono::{DateTime, Utc};

pub use table::{constellation, Constellation, Satellite, Source, CONSTELLATIONS};

/// Element sets older or newer than this from the window are marked approximate: SGP4's
/// along-track error grows by a few km a day, tens of seconds of timing after two weeks.
pub const TIMED_WITHIN_DAYS: i64 = 14;

/// The longest stretch the pass search looks at, days: a longer window is searched over its
/// first [`MAX_SEARCH_DAYS`] (callers say so), so that no order makes the search run for long.
pub const MAX_SEARCH_DAYS: i64 = 400;

/// The end the search uses for a window `[start, end]`: at most [`MAX_SEARCH_DAYS`] after the
/// start.
pub fn search_end(start: DateTime<Utc>, end: DateTime<Utc>) -> DateTime<Utc> {
    start
        .checked_add_signed(chrono::Duration::days(MAX_SEARCH_DAYS))
        .map_or(end, |limit| end.min(limit))
}

/// How a satellite's windows were (or were not) computed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Timing {
    /// Elements within [`TIMED_WITHIN_DAYS`] of the window.
    Timed { elements_epoch: DateTime<Utc> },
    /// Elements further from the window: the windows' times may be off by minutes.
    Approximate {
        elements_epoch: DateTime<Utc>,
        days_from_window: i64,
    },
    /// No element set for this satellite: nothing was computed, which is not "no pass".
    Unavailable,
    /// The propagation failed (decayed orbit, bad elements).
    Failed { message: String },
}

/// One satellite's result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SatelliteResult {
    pub satellite: String,
    pub norad_id: u64,
    pub timing: Timing,
    pub windows: Vec<passes::Window>,
}

/// The access windows of a constellation over an AOI: one result per satellite of the
/// table, in the table's order, each from the element set with its NORAD number (the newest
/// when there are several). The window is searched up to [`search_end`].
pub fn opportunities(
    constellation: &Constellation,
    sets: &[elements::ElementSet],
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<SatelliteResult> {
    let end = search_end(start, end);
    constellation
        .satellites
        .iter()
        .map(|sat| {
            let id = u64::from(sat.norad_id);
            let set = sets
                .iter()
                .filter(|s| s.norad_id == id)
                .max_by_key(|s| s.epoch);
            let Some(set) = set else {
                return SatelliteResult {
                    satellite: sat.name.to_string(),
                    norad_id: id,
                    timing: Timing::Unavailable,
                    windows: Vec::new(),
                };
            };
            satellite_windows(sat.name, set, aoi, limit_deg, start, end)
        })
        .collect()
}

/// The windows of one element set (named `name`) over `aoi`.
pub fn satellite_windows(
    name: &str,
    set: &elements::ElementSet,
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> SatelliteResult {
    let days_from_window = if set.epoch < start {
        (start - set.epoch).num_days()
    } else if set.epoch > end {
        (set.epoch - end).num_days()
    } else {
        0
    };
    let timing = if days_from_window <= TIMED_WITHIN_DAYS {
        Timing::Timed {
            elements_epoch: set.epoch,
        }
    } else {
        Timing::Approximate {
            elements_epoch: set.epoch,
            days_from_window,
        }
    };
    let result = passes::Propagator::new(set)
        .map_err(|message| passes::PropagationError {
            satellite: name.to_string(),
            message,
        })
        .and_then(|p| passes::search(&p, set.norad_id, name, aoi, limit_deg, start, end));
    match result {
        Ok(windows) => SatelliteResult {
            satellite: name.to_string(),
            norad_id: set.norad_id,
            timing,
            windows,
        },
        Err(error) => SatelliteResult {
            satellite: name.to_string(),
            norad_id: set.norad_id,
            timing: Timing::Failed {
                message: error.message,
            },
            windows: Vec::new(),
        },
    }
}

/// The widest incidence the "nearest pass" search looks at, degrees: beyond 60° the ground
/// resolution of these optical satellites is more than doubled and no product accepts it.
pub const WIDER_LIMIT_DEG: f64 = 60.0;

/// How far past the window's end the "next pass" search looks, days: a little more than the
/// table's 26-day repeat cycles, so a pass at the limit exists there if it ever does.
pub const LATER_DAYS: i64 = 30;

/// A pass search at the order's limit and, when it finds no window although some satellite
/// had elements, where the nearest ones are.
#[derive(Clone, Debug, PartialEq)]
pub struct PassOutcome {
    /// The search at the order's limit, one result per satellite of the table.
    pub results: Vec<SatelliteResult>,
    /// With no window: the window of the smallest incidence in the same window, searched up
    /// to [`WIDER_LIMIT_DEG`].
    pub wider: Option<passes::Window>,
    /// With no window: the first window at the order's limit in the [`LATER_DAYS`] after the
    /// window's end.
    pub later: Option<passes::Window>,
}

impl PassOutcome {
    /// The satellites whose windows were computed (elements given, propagation fine).
    pub fn computed(&self) -> impl Iterator<Item = &SatelliteResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.timing, Timing::Timed { .. } | Timing::Approximate { .. }))
    }

    /// True when some satellite was computed and none has a window: the only case in which
    /// anything may say "no pass" (never without elements).
    pub fn no_pass(&self) -> bool {
        let mut computed = self.computed().peekable();
        computed.peek().is_some() && computed.all(|r| r.windows.is_empty())
    }
}

/// [`opportunities`] at `limit_deg`, and when that finds no window from the satellites it
/// could compute, the same search at [`WIDER_LIMIT_DEG`] in the window (the nearest needs the
/// smallest angle) and at `limit_deg` in the [`LATER_DAYS`] after `end` (the first window).
pub fn search_with_alternatives(
    constellation: &Constellation,
    sets: &[elements::ElementSet],
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> PassOutcome {
    let results = opportunities(constellation, sets, aoi, limit_deg, start, end);
    let mut outcome = PassOutcome {
        results,
        wider: None,
        later: None,
    };
    if !outcome.no_pass() {
        return outcome;
    }
    if limit_deg < WIDER_LIMIT_DEG {
        outcome.wider = opportunities(constellation, sets, aoi, WIDER_LIMIT_DEG, start, end)
            .into_iter()
            .flat_map(|r| r.windows)
            .min_by(|a, b| a.min_incidence_deg.total_cmp(&b.min_incidence_deg));
    }
    let searched_end = search_end(start, end);
    if let Some(later_end) = searched_end.checked_add_signed(chrono::Duration::days(LATER_DAYS)) {
        outcome.later = opportunities(constellation, sets, aoi, limit_deg, searched_end, later_end)
            .into_iter()
            .flat_map(|r| r.windows)
            .min_by_key(|w| w.start);
    }
    outcome
}

/// The constellation table's entry named `key`: a collection (`pneo-tasking`) or a title
/// (`Pléiades Neo`, any case).
pub fn constellation_named(key: &str) -> Option<&'static Constellation> {
    constellation(key).or_else(|| {
        CONSTELLATIONS
            .iter()
            .find(|c| c.title.eq_ignore_ascii_case(key.trim()) || c.title == key.trim())
    })
}

/// The table's constellations in words: "pneo-tasking (Pléiades Neo); ...".
pub fn known_constellations() -> String {
    CONSTELLATIONS
        .iter()
        .map(|c| format!("{} ({})", c.collections.join(", "), c.title))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The incidence limit (degrees) a search-style order's CQL2-JSON `filter` sets: the smallest
/// `<=`/`<` bound on `incidence_angle` or `view:incidence_angle`, else on `off_nadir` or
/// `view:off_nadir` turned into incidence at the constellation's altitude (sin(incidence) =
/// ((R+h)/R) sin(off-nadir), on a sphere of the mean radius). `None` with no such bound.
pub fn filter_limit(
    filter: &serde_json::Value,
    constellation: &Constellation,
) -> Option<(f64, String)> {
    let mut bounds: Vec<(String, f64)> = Vec::new();
    fn walk(node: &serde_json::Value, out: &mut Vec<(String, f64)>) {
        let Some(op) = node.get("op").and_then(serde_json::Value::as_str) else {
            return;
        };
        let args = node.get("args").and_then(serde_json::Value::as_array);
        if matches!(op, "<=" | "<") {
            if let Some([property, value]) = args.map(Vec::as_slice) {
                if let (Some(name), Some(bound)) = (
                    property.get("property").and_then(serde_json::Value::as_str),
                    value.as_f64(),
                ) {
                    out.push((name.to_string(), bound));
                }
            }
        } else if op == "and" {
            for arg in args.into_iter().flatten() {
                walk(arg, out);
            }
        }
    }
    walk(filter, &mut bounds);
    let smallest = |names: &[&str]| {
        bounds
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .map(|(n, b)| (n.clone(), *b))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    if let Some((name, bound)) = smallest(&["incidence_angle", "view:incidence_angle"]) {
        return Some((bound, format!("the filter's {name} <= {bound}°")));
    }
    let (name, bound) = smallest(&["off_nadir", "view:off_nadir"])?;
    let altitude = constellation.satellites.first()?.altitude_km;
    let incidence = angles::incidence_from_off_nadir(bound, altitude, angles::MEAN_RADIUS_KM)?;
    Some((
        incidence,
        format!(
            "the filter's {name} <= {bound}°, {:.1}° incidence at {altitude} km",
            incidence
        ),
    ))
}

/// Every `[lon, lat]` of a GeoJSON geometry's `coordinates` (degrees), at any depth.
pub fn geometry_positions(geometry: &serde_json::Value, out: &mut Vec<[f64; 2]>) {
    let Some(coordinates) = geometry.get("coordinates") else {
        if let Some(parts) = geometry
            .get("geometries")
            .and_then(serde_json::Value::as_array)
        {
            for part in parts {
                geometry_positions(part, out);
            }
        }
        return;
    };
    fn walk(node: &serde_json::Value, out: &mut Vec<[f64; 2]>) {
        let Some(items) = node.as_array() else {
            return;
        };
        match (
            items.first().and_then(serde_json::Value::as_f64),
            items.get(1).and_then(serde_json::Value::as_f64),
        ) {
            (Some(lon), Some(lat)) => out.push([lon, lat]),
            _ => items.iter().for_each(|item| walk(item, out)),
        }
    }
    walk(coordinates, out);
}

/// What the pass search reads from a search-style order (an RFC 3339 `datetime` interval, a
/// GeoJSON `geometry`, a CQL2-JSON `filter` bounding the angle), and the constellation its
/// product is configured for.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchOrderQuery {
    pub constellation: &'static Constellation,
    /// The window, UTC.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The incidence limit, degrees.
    pub limit_deg: f64,
    /// How the limit was read from the filter, in words.
    pub limit_from: String,
    /// Every position of the geometry, `[lon, lat]` degrees.
    pub positions: Vec<[f64; 2]>,
}

/// The pass query of the search-style order `order` (parsed JSON) whose product `product`
/// is mapped to the constellation `constellation_key` (a collection or a title; `None`: not
/// configured).
///
/// # Errors
/// Why no search can be made, as a sentence a user can act on: no constellation configured
/// or known, a `datetime` that is no closed interval, a filter without an angle bound.
pub fn search_order_query(
    order: &serde_json::Value,
    constellation_key: Option<&str>,
    product: &str,
) -> Result<SearchOrderQuery, String> {
    let Some(key) = constellation_key else {
        return Err(format!(
            "no constellation is configured for product {product}: add constellation = \
             \"<collection>\" to [stapi] or to its [[stapi.files]] entry in tasking-ls.toml \
             (known: {})",
            known_constellations()
        ));
    };
    let Some(constellation) = constellation_named(key) else {
        return Err(format!(
            "constellation \"{key}\" is not in the constellation table (known: {})",
            known_constellations()
        ));
    };
    let interval = order
        .get("datetime")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let parse = |text: &str| {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|d| d.with_timezone(&Utc))
    };
    let (start, end) = match interval.split_once('/') {
        Some((a, b)) => match (parse(a), parse(b)) {
            (Some(start), Some(end)) if start < end => (start, end),
            _ => {
                return Err(format!(
                    "the order's datetime \"{interval}\" is not a closed interval start/end \
                     (an open end `..` has no end to search to)"
                ))
            }
        },
        None => {
            return Err(format!(
                "the order's datetime \"{interval}\" is not an interval start/end"
            ))
        }
    };
    let Some((limit_deg, limit_from)) = order
        .get("filter")
        .and_then(|f| filter_limit(f, constellation))
    else {
        return Err(
            "the order's filter bounds neither incidence_angle nor off_nadir (<= N), so there \
             is no angle to search at"
                .to_string(),
        );
    };
    let mut positions = Vec::new();
    if let Some(geometry) = order.get("geometry") {
        geometry_positions(geometry, &mut positions);
    }
    Ok(SearchOrderQuery {
        constellation,
        start,
        end,
        limit_deg,
        limit_from,
        positions,
    })
}
