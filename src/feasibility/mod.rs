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

/// Element sets are not used for times further than this from their epoch, days: SGP4's
/// error grows to tens of kilometres along track (minutes of timing) within weeks, so a
/// window a month or more from the epoch would be a guess printed as a time. Such a window is
/// "not computed", never "no pass".
pub const MAX_ELEMENT_DAYS: i64 = 30;

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
    /// The window is entirely more than [`MAX_ELEMENT_DAYS`] from the elements' epoch:
    /// nothing was computed (elements too old or too new for timing), which is not "no pass".
    OutOfRange {
        elements_epoch: DateTime<Utc>,
        days_from_window: i64,
    },
    /// The propagation failed (decayed orbit, bad elements).
    Failed { message: String },
}

/// A window's own timing: its distance from the elements' epoch (at the smallest incidence)
/// in days, and whether that makes its times approximate (more than [`TIMED_WITHIN_DAYS`]).
pub fn window_days_from_epoch(window: &passes::Window) -> f64 {
    (window.at - window.elements_epoch).num_seconds().abs() as f64 / 86_400.0
}

/// True when `window` is more than [`TIMED_WITHIN_DAYS`] from its elements' epoch: its times
/// may be off by minutes.
pub fn window_is_approximate(window: &passes::Window) -> bool {
    window_days_from_epoch(window) > TIMED_WITHIN_DAYS as f64
}

/// A closed interval of degrees a window's property must fall in (a filter's `>=`/`<=`;
/// strict bounds are taken as closed, the values being continuous).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Bound {
    pub min: f64,
    pub max: f64,
}

impl Default for Bound {
    fn default() -> Self {
        Bound {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        }
    }
}

impl Bound {
    /// True when `value` is inside.
    pub fn contains(&self, value: f64) -> bool {
        value >= self.min && value <= self.max
    }

    /// True when the interval does not constrain anything.
    pub fn is_open(&self) -> bool {
        self.min == f64::NEG_INFINITY && self.max == f64::INFINITY
    }

    /// The intersection with another interval (the tightest of both).
    pub fn and(self, other: Bound) -> Bound {
        Bound {
            min: self.min.max(other.min),
            max: self.max.min(other.max),
        }
    }
}

/// Bounds a request puts on a window's computed properties, degrees (a STAPI filter's
/// `view:sun_elevation >= 30`...). A window outside any of them is not listed; it is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct WindowBounds {
    pub incidence: Bound,
    pub off_nadir: Bound,
    pub sun_elevation: Bound,
    pub azimuth: Bound,
}

impl WindowBounds {
    /// True when `window`'s values (at its smallest incidence) are inside every bound.
    pub fn admit(&self, window: &passes::Window) -> bool {
        self.incidence.contains(window.min_incidence_deg)
            && self.off_nadir.contains(window.off_nadir_deg)
            && self.sun_elevation.contains(window.sun_elevation_deg)
            && self.azimuth.contains(window.azimuth_deg)
    }

    /// The same bounds without the upper limits on the angles (the "nearest pass" search asks
    /// what angle would be needed).
    fn without_angle_limits(self) -> WindowBounds {
        WindowBounds {
            incidence: Bound {
                max: f64::INFINITY,
                ..self.incidence
            },
            off_nadir: Bound {
                max: f64::INFINITY,
                ..self.off_nadir
            },
            ..self
        }
    }
}

/// One satellite's result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SatelliteResult {
    pub satellite: String,
    pub norad_id: u64,
    pub timing: Timing,
    /// The acquisition opportunities: windows in daylight (for an optical constellation) and
    /// inside the request's bounds.
    pub windows: Vec<passes::Window>,
    /// Windows of an optical constellation with the sun below its minimum elevation (0° when
    /// none is published): geometric access, not an acquisition opportunity.
    pub dark: Vec<passes::Window>,
    /// How many windows fell outside the request's [`WindowBounds`] (not listed).
    pub outside_bounds: usize,
    /// The part of the window actually searched when it is narrower than asked (the rest is
    /// more than [`MAX_ELEMENT_DAYS`] from the elements' epoch); `None` when all of it was.
    pub searched: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl SatelliteResult {
    fn not_computed(name: &str, norad_id: u64, timing: Timing) -> SatelliteResult {
        SatelliteResult {
            satellite: name.to_string(),
            norad_id,
            timing,
            windows: Vec::new(),
            dark: Vec::new(),
            outside_bounds: 0,
            searched: None,
        }
    }

    /// True when its windows were computed (elements given, near enough, propagation fine).
    pub fn is_computed(&self) -> bool {
        matches!(
            self.timing,
            Timing::Timed { .. } | Timing::Approximate { .. }
        )
    }
}

/// The access windows of a constellation over an AOI: one result per satellite of the
/// table, in the table's order, each from the element set with its NORAD number (the newest
/// when there are several). The window is searched up to [`search_end`], and only within
/// [`MAX_ELEMENT_DAYS`] of each set's epoch. For an optical constellation, windows with the
/// sun below its minimum elevation are set apart as `dark`.
pub fn opportunities(
    constellation: &Constellation,
    sets: &[elements::ElementSet],
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<SatelliteResult> {
    opportunities_within(
        constellation,
        sets,
        aoi,
        limit_deg,
        start,
        end,
        &WindowBounds::default(),
    )
}

/// [`opportunities`], listing only the windows inside `bounds` (the others are counted).
pub fn opportunities_within(
    constellation: &Constellation,
    sets: &[elements::ElementSet],
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    bounds: &WindowBounds,
) -> Vec<SatelliteResult> {
    let end = search_end(start, end);
    let dark_below = constellation.dark_below_deg();
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
                return SatelliteResult::not_computed(sat.name, id, Timing::Unavailable);
            };
            let mut result = satellite_windows(sat.name, set, aoi, limit_deg, start, end);
            let found = std::mem::take(&mut result.windows);
            for window in found {
                if dark_below.is_some_and(|minimum| window.sun_elevation_deg < minimum) {
                    result.dark.push(window);
                } else if bounds.admit(&window) {
                    result.windows.push(window);
                } else {
                    result.outside_bounds += 1;
                }
            }
            result
        })
        .collect()
}

/// How many whole days `[start, end]` lies from `epoch` (0 when it holds it).
fn days_from(epoch: DateTime<Utc>, start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
    if epoch < start {
        (start - epoch).num_days()
    } else if epoch > end {
        (epoch - end).num_days()
    } else {
        0
    }
}

/// The windows of one element set (named `name`) over `aoi`, searched only in the part of
/// `[start, end]` within [`MAX_ELEMENT_DAYS`] of its epoch ([`Timing::OutOfRange`] when none
/// is).
pub fn satellite_windows(
    name: &str,
    set: &elements::ElementSet,
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> SatelliteResult {
    let reach = chrono::Duration::days(MAX_ELEMENT_DAYS);
    let (from, to) = (
        set.epoch
            .checked_sub_signed(reach)
            .map_or(start, |e| start.max(e)),
        set.epoch
            .checked_add_signed(reach)
            .map_or(end, |e| end.min(e)),
    );
    if from >= to {
        return SatelliteResult::not_computed(
            name,
            set.norad_id,
            Timing::OutOfRange {
                elements_epoch: set.epoch,
                days_from_window: days_from(set.epoch, start, end),
            },
        );
    }
    let searched = (from > start || to < end).then_some((from, to));
    let (start, end) = (from, to);
    let days_from_window = days_from(set.epoch, start, end);
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
            windows,
            searched,
            ..SatelliteResult::not_computed(name, set.norad_id, timing)
        },
        Err(error) => SatelliteResult::not_computed(
            name,
            set.norad_id,
            Timing::Failed {
                message: error.message,
            },
        ),
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
        self.results.iter().filter(|r| r.is_computed())
    }

    /// True when some satellite was computed over the whole window and none has a window:
    /// the only case in which anything may say "no pass" (never without elements, never for
    /// a window only partly within [`MAX_ELEMENT_DAYS`] of the elements).
    pub fn no_pass(&self) -> bool {
        let mut computed = self.computed().peekable();
        computed.peek().is_some() && computed.all(|r| r.windows.is_empty() && r.searched.is_none())
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
    search_with_alternatives_within(
        constellation,
        sets,
        aoi,
        limit_deg,
        start,
        end,
        &WindowBounds::default(),
    )
}

/// [`search_with_alternatives`] with a request's `bounds` on the windows: the nearest pass
/// keeps every bound but the angles' upper limits, the next pass keeps them all.
pub fn search_with_alternatives_within(
    constellation: &Constellation,
    sets: &[elements::ElementSet],
    aoi: &passes::Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    bounds: &WindowBounds,
) -> PassOutcome {
    let results = opportunities_within(constellation, sets, aoi, limit_deg, start, end, bounds);
    let mut outcome = PassOutcome {
        results,
        wider: None,
        later: None,
    };
    if !outcome.no_pass() {
        return outcome;
    }
    if limit_deg < WIDER_LIMIT_DEG {
        let wider_bounds = bounds.without_angle_limits();
        outcome.wider = opportunities_within(
            constellation,
            sets,
            aoi,
            WIDER_LIMIT_DEG,
            start,
            end,
            &wider_bounds,
        )
        .into_iter()
        .flat_map(|r| r.windows)
        .min_by(|a, b| a.min_incidence_deg.total_cmp(&b.min_incidence_deg));
    }
    let searched_end = search_end(start, end);
    if let Some(later_end) = searched_end.checked_add_signed(chrono::Duration::days(LATER_DAYS)) {
        outcome.later = opportunities_within(
            constellation,
            sets,
            aoi,
            limit_deg,
            searched_end,
            later_end,
            bounds,
        )
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

/// The constellation (by `constellation_key`, from the `[stapi]` configuration) and the
/// closed `datetime` window (UTC, start before end) of a STAPI order, for the pass search;
/// shared by the editor's pass lens and `tasking-ls opportunities`.
///
/// # Errors
/// Why no search can be made, as a sentence a user can act on: no constellation configured,
/// one not in the table, a `datetime` that is missing, open or not an interval.
pub fn search_order_window(
    order: &serde_json::Value,
    constellation_key: Option<&str>,
    product: &str,
) -> Result<(&'static Constellation, DateTime<Utc>, DateTime<Utc>), String> {
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
    Ok((constellation, start, end))
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
    let (constellation, start, end) = search_order_window(order, constellation_key, product)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The goldens' first test-made sun-synchronous set (tests/feasibility/goldens.json),
    /// epoch 2027-03-01 06:00 UTC: no third-party elements.
    const TEST_SET: &str = "\
1 90001U 27001A   27060.25000000  .00000000  00000-0  20000-4 0  9998
2 90001  98.1635 136.0750 0001200  90.0000   0.0000 14.59744220  1007";

    /// Pléiades Neo's table entry with one satellite bound to the test set.
    fn constellation() -> Constellation {
        let satellite = Satellite {
            name: "Test",
            norad_id: 90001,
            ..CONSTELLATIONS[0].satellites[0]
        };
        Constellation {
            satellites: Box::leak(Box::new([satellite])),
            ..CONSTELLATIONS[0]
        }
    }

    fn square(lat: f64, lon: f64) -> passes::Aoi {
        let d = 0.1;
        passes::Aoi::new(&[
            [lon - d, lat - d],
            [lon + d, lat - d],
            [lon + d, lat + d],
            [lon - d, lat + d],
        ])
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// For windows anywhere from 80 days before to 80 days after the epoch: nothing is
        /// computed more than [`MAX_ELEMENT_DAYS`] from it (out of range entirely: not
        /// computed and never "no pass"; partly: the part searched is named and "no pass" is
        /// not claimed); each window is timed or approximate by its own distance; dark
        /// windows (sun below the horizon) are set apart, and the windows outside a sun
        /// bound are counted, so that listed + dark + outside are the whole search's.
        #[test]
        fn windows_are_timed_by_their_own_distance_and_dark_ones_set_apart(
            lat in -70.0f64..70.0,
            lon in -180.0f64..180.0,
            offset_days in -80i64..80,
            length_days in 1i64..45,
            limit in 20.0f64..50.0,
            sun_min in prop_oneof![Just(f64::NEG_INFINITY), -20.0f64..40.0],
        ) {
            let sets = elements::parse(TEST_SET).unwrap();
            let epoch = sets[0].epoch;
            let start = epoch + chrono::Duration::days(offset_days);
            let end = start + chrono::Duration::days(length_days);
            let aoi = square(lat, lon);
            let c = constellation();
            let bounds = WindowBounds {
                sun_elevation: Bound { min: sun_min, max: f64::INFINITY },
                ..WindowBounds::default()
            };
            let outcome = search_with_alternatives_within(&c, &sets, &aoi, limit, start, end, &bounds);
            let r = &outcome.results[0];
            let reach = chrono::Duration::days(MAX_ELEMENT_DAYS);
            if end <= epoch - reach || start >= epoch + reach {
                let out_of_range = matches!(r.timing, Timing::OutOfRange { .. });
                prop_assert!(out_of_range, "{:?}", r.timing);
                prop_assert!(!outcome.no_pass());
                prop_assert!(outcome.wider.is_none() && outcome.later.is_none());
                return Ok(());
            }
            prop_assert!(r.is_computed());
            let (from, to) = r.searched.unwrap_or((start, end));
            prop_assert!(from >= start && to <= end && from >= epoch - reach && to <= epoch + reach);
            if r.searched.is_some() {
                prop_assert!(!outcome.no_pass());
            }
            for w in r.windows.iter().chain(&r.dark) {
                let days = window_days_from_epoch(w);
                prop_assert!(days <= MAX_ELEMENT_DAYS as f64 + 0.01, "{days}");
                prop_assert_eq!(window_is_approximate(w), days > TIMED_WITHIN_DAYS as f64);
            }
            prop_assert!(r.windows.iter().all(|w| w.sun_elevation_deg >= sun_min.max(0.0)));
            prop_assert!(r.dark.iter().all(|w| w.sun_elevation_deg < 0.0));
            let propagator = passes::Propagator::new(&sets[0]).unwrap();
            let all = passes::search(&propagator, 90001, "Test", &aoi, limit, from, to).unwrap();
            prop_assert_eq!(r.windows.len() + r.dark.len() + r.outside_bounds, all.len());
            let outside = all
                .iter()
                .filter(|w| w.sun_elevation_deg >= 0.0 && w.sun_elevation_deg < sun_min)
                .count();
            prop_assert_eq!(r.outside_bounds, outside);
        }
    }

    /// Bounds combine to the tightest, and a window is admitted only inside every one.
    #[test]
    fn bounds_take_the_tightest() {
        let a = Bound {
            min: 0.0,
            max: 30.0,
        };
        let b = Bound {
            min: 5.0,
            max: f64::INFINITY,
        };
        assert_eq!(
            a.and(b),
            Bound {
                min: 5.0,
                max: 30.0
            }
        );
        assert!(Bound::default().is_open() && !a.is_open());
    }
}
