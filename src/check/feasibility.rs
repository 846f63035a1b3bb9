//! `feasibility.*`: what the order asks that the satellites cannot give, decided from the
//! constellation table alone (no orbital elements, no network): a stereo base the incidence
//! limit cannot reach, an AOI in darkness whenever the satellites pass, a window shorter than
//! the constellation needs on average to come back. The pass search, which needs elements,
//! runs only when asked (`crate::feasibility` and the `opportunities` command).

use chrono::{DateTime, Utc};

use super::envelope::{find_polygons, product_id, Request};
use super::geometry::LatitudeExtremes;
use super::{CheckOptions, Code, Diagnostic, Fix};
use crate::document::Node;
use crate::feasibility::checks::{average_revisit_days, stereo, sun_at_passes_until};
use crate::feasibility::{angles, constellation, Constellation};
use crate::schema::geometry::GeometryType;

/// Below this absolute latitude the sun is up whenever the table's satellites pass: at the
/// track's own local time there (as early as 09:12 at 55°S for a 10:00 node) it is at least
/// 2.3° above the horizon on every day of the year, equation of time included (worked out for
/// every node time and inclination of the table, every half degree of latitude, both
/// solstices). The sun check is skipped there, so that checking a big corpus costs nothing.
const ALWAYS_LIT_BELOW_LAT: f64 = 55.0;

/// The positions (`[lon, lat]`, degrees) of every area of interest of the request (its
/// Polygon and MultiPolygon geometries), in document order: what the pass search looks at.
pub fn aoi_positions(
    root: &Node,
    form: super::RequestForm,
    schema: Option<&crate::schema::ProductSchema>,
) -> Vec<[f64; 2]> {
    let mut points = Vec::new();
    for site in find_polygons(root, form, schema) {
        positions(site.node, &mut points);
    }
    points.retain(|[lon, lat]| lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0);
    points
}

/// What the pass search needs from an order: the constellation of its product, the window,
/// the incidence limit (the order's `incidenceAngle`, else the schema's default) and the AOI's
/// positions.
#[derive(Clone, Debug)]
pub struct PassQuery {
    pub constellation: &'static Constellation,
    pub product_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub limit_deg: f64,
    /// The product schema's `maximum` for `incidenceAngle`: no angle above it is suggested.
    pub limit_maximum_deg: Option<f64>,
    pub positions: Vec<[f64; 2]>,
}

/// The pass search's inputs from an order, or why they cannot be had (a sentence).
pub fn pass_query(root: &Node, store: &crate::schema::SchemaStore) -> Result<PassQuery, String> {
    let id = product_id(root).ok_or("no dataProduct")?;
    let product = store
        .product(id)
        .ok_or_else(|| format!("product {id} is not known"))?;
    let constellation = constellation(&product.collection).ok_or_else(|| {
        let known: Vec<&str> = crate::feasibility::CONSTELLATIONS
            .iter()
            .map(|c| c.title)
            .collect();
        format!(
            "the collection {} has no entry in the constellation table (known: {})",
            product.collection,
            known.join(", ")
        )
    })?;
    let params = root.get("params").ok_or("no params")?;
    let when = |key: &str| -> Result<DateTime<Utc>, String> {
        let text = params
            .get(key)
            .and_then(Node::as_str)
            .ok_or_else(|| format!("params.{key} is missing or not a string"))?;
        DateTime::parse_from_rfc3339(text.trim())
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| format!("params.{key} {text:?} is not an RFC 3339 date-time: {e}"))
    };
    let (start, end) = (when("acquisitionStart")?, when("acquisitionEnd")?);
    if end <= start {
        return Err("acquisitionEnd is not after acquisitionStart".into());
    }
    let schema = store.get(id);
    let limit_deg = match params.get("incidenceAngle").and_then(Node::as_f64) {
        Some(value) => value,
        None => schema_default(schema.as_ref().map(|s| &s.schema), "incidenceAngle")
            .ok_or("params.incidenceAngle is missing and the schema gives no default")?,
    };
    let positions = aoi_positions(root, super::request_form(root), schema.as_deref());
    if positions.is_empty() {
        return Err("no area of interest (Polygon or MultiPolygon)".into());
    }
    Ok(PassQuery {
        constellation,
        product_id: id.to_string(),
        start,
        end,
        limit_deg,
        limit_maximum_deg: schema_keyword(
            schema.as_ref().map(|s| &s.schema),
            "incidenceAngle",
            "maximum",
        ),
        positions,
    })
}

/// A property's `default` in a product schema, directly or through `allOf: [{$ref}]` to
/// `#/definitions/...` (the two styles of the bundled schemas).
fn schema_default(schema: Option<&serde_json::Value>, key: &str) -> Option<f64> {
    schema_keyword(schema, key, "default")
}

/// A property's numeric `keyword` (`default`, `maximum`) in a product schema, as
/// [`schema_default`] finds it.
fn schema_keyword(schema: Option<&serde_json::Value>, key: &str, keyword: &str) -> Option<f64> {
    let field = schema?.pointer(&format!("/properties/{key}"))?;
    if let Some(value) = field.get(keyword).and_then(serde_json::Value::as_f64) {
        return Some(value);
    }
    let reference = field.pointer("/allOf/0/$ref")?.as_str()?;
    let name = reference.strip_prefix("#/definitions/")?;
    schema?
        .pointer(&format!("/definitions/{name}/{keyword}"))?
        .as_f64()
}

/// The latitude extremes of the Polygon and MultiPolygon sites, in document order: those the
/// geometry check gave (`extremes[i]` for `sites[i]`), else a walk of the site.
fn aoi_extremes(
    sites: &[super::GeometrySite<'_>],
    extremes: &[Option<LatitudeExtremes>],
) -> LatitudeExtremes {
    let mut found = LatitudeExtremes::default();
    for (i, site) in sites.iter().enumerate() {
        if !matches!(
            site.declared(),
            Some(GeometryType::Polygon | GeometryType::MultiPolygon)
        ) {
            continue;
        }
        match extremes.get(i).copied().flatten() {
            Some(known) => found.then(known),
            None => found.then(walked_extremes(site.node)),
        }
    }
    found
}

/// The latitude extremes of every packed `[lon, lat]` pair under `node`, by a walk.
fn walked_extremes(node: &Node) -> LatitudeExtremes {
    let mut found = LatitudeExtremes::default();
    visit_positions(node, &mut |position| found.visit(position));
    found
}

/// The AOI positions (`[lon, lat]`) under `node`, in document order.
fn positions(node: &Node, out: &mut Vec<[f64; 2]>) {
    visit_positions(node, &mut |position| out.push(position));
}

/// Calls `visit` with each AOI position (`[lon, lat]`, degrees) under `node`, in document
/// order.
fn visit_positions(node: &Node, visit: &mut impl FnMut([f64; 2])) {
    if let Some([lon, lat]) = node.pair_values() {
        visit([lon, lat]);
    } else if let Some(items) = node.items() {
        if let Some(positions) = items.positions() {
            // A ring's packed positions, read in place (most of a large AOI's bytes).
            positions
                .values()
                .iter()
                .for_each(|&position| visit(position));
            return;
        }
        match items.nodes() {
            Some(nodes) => {
                for item in nodes {
                    match item.pair_values() {
                        Some(position) => visit(position),
                        None => visit_positions(item, visit),
                    }
                }
            }
            None => {
                for item in items.iter() {
                    visit_positions(&item, visit);
                }
            }
        }
    } else if let Some(coordinates) = node.get("coordinates") {
        visit_positions(coordinates, visit);
    }
}

fn date<'a>(params: &'a Node, key: &str) -> Option<(DateTime<Utc>, &'a Node)> {
    let node = params.get(key)?;
    let at = DateTime::parse_from_rfc3339(node.as_str()?.trim()).ok()?;
    Some((at.with_timezone(&Utc), node))
}

fn format_lat(lat: f64) -> String {
    format!("{:.1}°{}", lat.abs(), if lat < 0.0 { "S" } else { "N" })
}

fn format_hours(hours: f64) -> String {
    let minutes = (hours.rem_euclid(24.0) * 60.0).round() as i64;
    format!("{:02}:{:02}", (minutes / 60) % 24, minutes % 60)
}

/// A B/H ratio as written: 0.4, 0.12 (up to three decimals, trailing zeros dropped).
fn format_ratio(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn days_text(days: f64) -> String {
    let text = format_degrees((days * 10.0).round() / 10.0);
    if text == "1" {
        "1 day".to_string()
    } else {
        format!("{text} days")
    }
}

fn format_degrees(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// `sites` are the request's geometries as `check_document` found them (walked once).
///
/// `extremes[i]` are the latitude extremes the geometry check found for `sites[i]`, when it
/// read the whole geometry; the others are walked here.
pub(super) fn check(
    request: &Request<'_>,
    sites: &[super::GeometrySite<'_>],
    extremes: &[Option<LatitudeExtremes>],
    options: &CheckOptions<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(params), Some(_)) = (request.params, &request.schema) else {
        return;
    };
    let Some(table) = product_id(request.root)
        .and_then(|id| options.store.product(id))
        .and_then(|product| constellation(&product.collection))
    else {
        return;
    };
    // An angle outside [0°, 90°] is the schema's to report; nothing here can use it.
    let incidence = params
        .get("incidenceAngle")
        .and_then(|n| n.as_f64().map(|v| (v, n)))
        .filter(|(v, _)| (0.0..=90.0).contains(v));
    if let Some((incidence_deg, incidence_node)) = incidence {
        check_stereo(params, table, incidence_deg, incidence_node, out);
    }
    let (Some((start, start_node)), Some((end, end_node))) = (
        date(params, "acquisitionStart"),
        date(params, "acquisitionEnd"),
    ) else {
        return;
    };
    if end <= start {
        return; // dates.order says so.
    }
    // The points nearest to and furthest from the equator: the sun and the revisit are
    // best at one of them. The geometry check found them while reading the positions; a
    // geometry it could not read whole is walked here (a walk of a 200,000-position AOI was
    // a tenth of an edit's check in the language server).
    let found = aoi_extremes(sites, extremes);
    let (Some(low), Some(high)) = (found.low, found.high) else {
        return;
    };
    // Without an incidence limit the sun check looks as far as the satellites can.
    let reach_deg = incidence.map(|(v, _)| v).unwrap_or_else(|| {
        table
            .satellites
            .iter()
            .filter_map(|s| {
                angles::incidence_from_off_nadir(
                    s.max_off_nadir_deg,
                    s.altitude_km,
                    angles::MEAN_RADIUS_KM,
                )
            })
            .fold(0.0, f64::max)
    });
    if high[1].abs() >= ALWAYS_LIT_BELOW_LAT {
        // Only "is it ever lit?" matters: stop at the first lit pass time.
        if let Some(sun) =
            sun_at_passes_until(table.satellites, &[low, high], reach_deg, start, end, 0.0)
        {
            if sun.best_elevation_deg < 0.0 {
                let sat = &table.satellites[0];
                out.push(
                    Diagnostic::new(
                        Code::FeasibilitySun,
                        start_node.range,
                        format!(
                            "no daylight when {} passes: at {} between {} and {} the sun is at most \
                             {:.1}° above the horizon at the times the satellites can image the \
                             AOI (descending node {} local time, about {} at this latitude, \
                             on {}); an optical image needs the sun up. Choose a window in \
                             another season",
                            table.title,
                            format_lat(sun.lat_deg),
                            start.format("%Y-%m-%d"),
                            end.format("%Y-%m-%d"),
                            sun.best_elevation_deg,
                            format_hours(sat.ltdn_hours),
                            format_hours(sun.local_time_hours),
                            sun.at.format("%Y-%m-%d"),
                        ),
                    )
                    .with_related(end_node.range, "acquisitionEnd is here"),
                );
            }
        }
    }
    if let Some((incidence_deg, _)) = incidence {
        check_window(
            table,
            high,
            incidence_deg,
            (start, start_node),
            (end, end_node),
            out,
        );
    }
}

fn check_stereo(
    params: &Node,
    table: &Constellation,
    incidence_deg: f64,
    incidence_node: &Node,
    out: &mut Vec<Diagnostic>,
) {
    let Some(mode_node) = params.get("acquisitionMode") else {
        return;
    };
    let Some(mode) = mode_node
        .as_str()
        .filter(|m| matches!(*m, "stereo" | "tristereo"))
    else {
        return;
    };
    let asked = params.get("minBH").and_then(|n| n.as_f64());
    let Some((min_bh, whose)) = asked.map(|bh| (bh, "minBH".to_string())).or_else(|| {
        table.default_min_bh.map(|(bh, _)| {
            (
                bh,
                format!("the usual {} stereo base; minBH is not set", table.title),
            )
        })
    }) else {
        return;
    };
    let Some(shortfall) = stereo(min_bh, incidence_deg) else {
        return;
    };
    let raise_to = shortfall.needed_deg.ceil();
    out.push(
        Diagnostic::new(
            Code::FeasibilityStereoAngle,
            incidence_node.range,
            format!(
                "{mode} at B/H >= {} ({whose}) needs about ±{:.1}° along track; incidenceAngle \
                 is {}°, which allows B/H {:.2} at most (B/H ≈ tan a1 + tan a2)",
                format_ratio(min_bh),
                shortfall.needed_deg,
                format_degrees(incidence_deg),
                shortfall.max_bh,
            ),
        )
        .with_related(mode_node.range, "acquisitionMode is here")
        .with_fix(Fix::replace(
            format!("Raise incidenceAngle to {raise_to}"),
            incidence_node.range,
            format!("{raise_to}"),
        )),
    );
}

fn check_window(
    table: &Constellation,
    high: [f64; 2],
    incidence_deg: f64,
    (start, start_node): (DateTime<Utc>, &Node),
    (end, end_node): (DateTime<Utc>, &Node),
    out: &mut Vec<Diagnostic>,
) {
    let days = (end - start).num_seconds() as f64 / 86_400.0;
    if let Some(rule) = table.window {
        let interval_days = (end.date_naive() - start.date_naive()).num_days() + 1;
        if interval_days < i64::from(rule.minimum_interval_days) {
            out.push(
                Diagnostic::new(
                    Code::FeasibilityWindow,
                    end_node.range,
                    format!(
                        "the window spans {interval_days} days (end day included); {} needs at \
                         least {} ({})",
                        table.title, rule.minimum_interval_days, rule.source.url
                    ),
                )
                .with_related(start_node.range, "acquisitionStart is here"),
            );
            return;
        }
    }
    let Some(revisit) = average_revisit_days(table, high[1], incidence_deg) else {
        return;
    };
    // A revisit of years (an angle of a fraction of a degree) is no estimate worth a fix.
    let extend_to = chrono::Duration::try_days(revisit.ceil() as i64)
        .filter(|_| revisit < 3650.0)
        .and_then(|d| start.checked_add_signed(d));
    if let (true, Some(extend_to)) = (days < revisit, extend_to) {
        out.push(
            Diagnostic::new(
                Code::FeasibilityWindow,
                end_node.range,
                format!(
                    "the window is {}; at <= {}° incidence the {} {} reach {} on average \
                     once every {:.1} days, so this window may hold no pass (geometric \
                     estimate; the provider's feasibility study decides)",
                    days_text(days),
                    format_degrees(incidence_deg),
                    table.satellites.len(),
                    table.title,
                    format_lat(high[1]),
                    revisit,
                ),
            )
            .with_related(start_node.range, "acquisitionStart is here")
            .with_fix(Fix::replace(
                format!("Extend acquisitionEnd to {}", extend_to.format("%Y-%m-%d")),
                end_node.range,
                format!("\"{}\"", extend_to.format("%Y-%m-%dT%H:%M:%SZ")),
            )),
        );
    }
}

/// `feasibility.passes`: the pass search's verdict on an order, as diagnostics. Runs the
/// search (SGP4 over the window, milliseconds to a few hundred for a long window), so it is
/// not part of [`super::check_document`]: callers ask for it (`validate --passes`, the
/// `opportunities` command, and an editor may on demand), after the usual checks.
///
/// `sets` are the element sets to use (explicit files and the element cache, already merged
/// per satellite by the caller); `options` are the checks' options (the schema store, `now`),
/// used to re-check each fix.
///
/// Returns one warning when the satellites that have element sets show **no** window over
/// the AOI at or below the order's incidence limit inside its window, but a wider angle (up to
/// [`crate::feasibility::WIDER_LIMIT_DEG`]) or a later end (up to
/// [`crate::feasibility::LATER_DAYS`] days on) gives one. Its range is the `incidenceAngle`
/// value (else `acquisitionEnd`'s); its message names the satellites, the limit, the window,
/// the elements' epoch, the nearest pass, and always says "geometric access only; the
/// provider's feasibility study decides". Fixes: "Raise incidenceAngle to N" (the smallest
/// whole degree at or above the nearest pass's incidence; only when the order writes
/// `incidenceAngle`, the limit being otherwise the schema's default) and "Extend
/// acquisitionEnd to DATE"
/// (the day after the next pass ends, 00:00 UTC); each is kept only if the order with it
/// applied draws no new `schema.*` diagnostic (e.g. above the schema's `maximum`).
///
/// Returns nothing when there is no element set for the product's satellites (never "no
/// pass" without elements), when some satellite has a window, when the order cannot be read
/// for a search (no product, constellation, dates, angle or AOI: the other checks say why),
/// or when neither alternative finds a pass.
pub fn pass_diagnostics(
    document: &crate::document::Document,
    options: &CheckOptions<'_>,
    sets: &[crate::feasibility::elements::ElementSet],
) -> Vec<Diagnostic> {
    let Some(root) = document.root() else {
        return Vec::new();
    };
    let Ok(query) = pass_query(root, options.store) else {
        return Vec::new();
    };
    let Some(params) = root.get("params") else {
        return Vec::new();
    };
    let Some(aoi) = crate::feasibility::passes::Aoi::new(&query.positions) else {
        return Vec::new();
    };
    let outcome = crate::feasibility::search_with_alternatives(
        query.constellation,
        sets,
        &aoi,
        query.limit_deg,
        query.start,
        query.end,
    );
    if !outcome.no_pass() || (outcome.wider.is_none() && outcome.later.is_none()) {
        return Vec::new();
    }
    let incidence_node = params.get("incidenceAngle");
    let Some(end_node) = params.get("acquisitionEnd") else {
        return Vec::new();
    };
    let computed: Vec<&crate::feasibility::SatelliteResult> = outcome.computed().collect();
    let names: Vec<&str> = computed.iter().map(|r| r.satellite.as_str()).collect();
    let epochs: Vec<DateTime<Utc>> = computed
        .iter()
        .filter_map(|r| match r.timing {
            crate::feasibility::Timing::Timed { elements_epoch }
            | crate::feasibility::Timing::Approximate { elements_epoch, .. } => {
                Some(elements_epoch)
            }
            _ => None,
        })
        .collect();
    let (oldest, newest) = (epochs.iter().min().copied(), epochs.iter().max().copied());
    let elements = match (oldest, newest) {
        (Some(a), Some(b)) if a.date_naive() == b.date_naive() => {
            format!("elements of {}", day_text(a, None))
        }
        (Some(a), Some(b)) => format!("elements of {} to {}", day_text(a, None), day_text(b, None)),
        _ => "elements".to_string(),
    };
    let searched_end = crate::feasibility::search_end(query.start, query.end);
    let dark = computed.iter().map(|r| r.dark.len()).sum::<usize>();
    let mut message = format!(
        "no {} of {} over this AOI at <= {}° incidence {} ({elements})",
        if dark > 0 { "daylight pass" } else { "pass" },
        names.join(", "),
        format_degrees(query.limit_deg),
        between_text(query.start, searched_end),
    );
    if dark > 0 {
        message.push_str(&format!(
            "; {dark} pass{} in the dark (sun below the horizon) not counted",
            if dark == 1 { "" } else { "es" }
        ));
    }
    let uncomputed: Vec<String> = outcome
        .results
        .iter()
        .filter(|r| !computed.iter().any(|c| c.norad_id == r.norad_id))
        .map(|r| match r.timing {
            crate::feasibility::Timing::OutOfRange { .. } => format!(
                "{} (elements too far from the window for timing)",
                r.satellite
            ),
            crate::feasibility::Timing::Failed { .. } => {
                format!("{} (propagation failed)", r.satellite)
            }
            _ => format!("{} (no element set)", r.satellite),
        })
        .collect();
    // Times are those of the smallest incidence (`at`), as `opportunities` prints them.
    if let Some(w) = &outcome.wider {
        message.push_str(&format!(
            "; the nearest needs {:.1}°, closest on {} {} UTC ({})",
            w.min_incidence_deg,
            day_text(w.at, None),
            w.at.format("%H:%M"),
            w.satellite
        ));
    }
    if let Some(w) = &outcome.later {
        message.push_str(&format!(
            "; at <= {}° the next is closest on {} {} UTC ({})",
            format_degrees(query.limit_deg),
            day_text(w.at, Some(query.start)),
            w.at.format("%H:%M"),
            w.satellite
        ));
    }
    if !uncomputed.is_empty() {
        message.push_str(&format!("; not computed: {}", uncomputed.join(", ")));
    }
    message.push_str("; geometric access only; the provider's feasibility study decides");
    let mut fixes = Vec::new();
    if let (Some(w), Some(node)) = (&outcome.wider, incidence_node) {
        // The smallest whole degree that lets the nearest pass in (`<=` the limit).
        let raise_to = (w.min_incidence_deg - 1e-9).ceil().max(0.0);
        if raise_to > query.limit_deg {
            fixes.push(Fix::replace(
                format!("Raise incidenceAngle to {}", format_degrees(raise_to)),
                node.range,
                format_degrees(raise_to),
            ));
        }
    }
    if let Some(w) = &outcome.later {
        let day_after = w
            .end
            .date_naive()
            .succ_opt()
            .map(|d| d.and_hms_opt(0, 0, 0));
        if let Some(Some(new_end)) = day_after {
            fixes.push(Fix::replace(
                format!("Extend acquisitionEnd to {}", new_end.format("%Y-%m-%d")),
                end_node.range,
                format!("\"{}\"", new_end.format("%Y-%m-%dT%H:%M:%SZ")),
            ));
        }
    }
    fixes.retain(|fix| fix_keeps_the_schema(document, options, fix));
    let (range, related) = match incidence_node {
        Some(node) => (node.range, Some((end_node.range, "acquisitionEnd is here"))),
        None => (end_node.range, None),
    };
    let mut diagnostic = Diagnostic::new(Code::FeasibilityPasses, range, message).with_fixes(fixes);
    if let Some((range, text)) = related {
        diagnostic = diagnostic.with_related(range, text);
    }
    vec![diagnostic]
}

/// True when the order with `fix` applied draws no `schema.*` diagnostic it did not draw
/// before (a raised angle above the schema's `maximum` does).
fn fix_keeps_the_schema(
    document: &crate::document::Document,
    options: &CheckOptions<'_>,
    fix: &Fix,
) -> bool {
    let text = document.text();
    let mut edits: Vec<&super::Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut fixed = text.to_string();
    for edit in edits {
        let (start, end) = (edit.range.start as usize, edit.range.end as usize);
        if start > end || end > fixed.len() {
            return false;
        }
        fixed.replace_range(start..end, &edit.new_text);
    }
    let schema_faults = |doc: &crate::document::Document| -> Vec<(Code, String)> {
        let mut faults: Vec<(Code, String)> = super::check_document(doc, options)
            .into_iter()
            .filter(|d| d.code.as_str().starts_with("schema."))
            .map(|d| (d.code, d.message))
            .collect();
        faults.sort_by(|a, b| a.1.cmp(&b.1));
        faults
    };
    let before = schema_faults(document);
    let after = schema_faults(&crate::document::Document::new(fixed));
    after.iter().all(|fault| before.contains(fault))
}

/// `2 March` (with the year when it differs from `reference`'s, or always without one).
fn day_text(at: DateTime<Utc>, reference: Option<DateTime<Utc>>) -> String {
    use chrono::Datelike;
    match reference {
        Some(r) if r.year() == at.year() => at.format("%-d %B").to_string(),
        Some(_) => at.format("%-d %B %Y").to_string(),
        None => at.format("%-d %B").to_string(),
    }
}

/// `between 1 and 3 March`, `between 28 February and 3 March`, `between 28 December 2026 and
/// 3 January 2027`; within one day `on 1 March between 03:00 and 09:00 UTC`.
fn between_text(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format!(
        "{}{}",
        if start.date_naive() == end.date_naive() {
            ""
        } else {
            "between "
        },
        span_text(start, end)
    )
}

fn span_text(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    use chrono::Datelike;
    if start.date_naive() == end.date_naive() {
        format!(
            "on {} between {} and {} UTC",
            start.format("%-d %B"),
            start.format("%H:%M"),
            end.format("%H:%M")
        )
    } else if start.year() != end.year() {
        format!(
            "{} and {}",
            start.format("%-d %B %Y"),
            end.format("%-d %B %Y")
        )
    } else if start.month() == end.month() {
        format!("{} and {}", start.format("%-d"), end.format("%-d %B"))
    } else {
        format!("{} and {}", start.format("%-d %B"), end.format("%-d %B"))
    }
}

#[cfg(test)]
mod tests {
    use super::ALWAYS_LIT_BELOW_LAT;

    /// A window within one day is said with its hours, not "between 1 and 1 March".
    #[test]
    fn a_same_day_window_names_its_hours() {
        let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        assert_eq!(
            super::between_text(at("2027-03-01T03:00:00Z"), at("2027-03-01T09:00:00Z")),
            "on 1 March between 03:00 and 09:00 UTC"
        );
        assert_eq!(
            super::between_text(at("2027-03-01T00:00:00Z"), at("2027-03-03T00:00:00Z")),
            "between 1 and 3 March"
        );
    }
    use crate::feasibility::checks::track_local_time_hours;
    use crate::feasibility::sun::sun_elevation_deg;
    use crate::feasibility::CONSTELLATIONS;
    use chrono::{Duration, NaiveTime};

    /// The shortcut is sound: within [`ALWAYS_LIT_BELOW_LAT`] of the equator the sun is up at
    /// every satellite's track time on every day of a year, so the skipped check could never
    /// have fired.
    #[test]
    fn the_skipped_latitudes_are_always_lit_at_the_pass_times() {
        let first = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let mut lowest = f64::INFINITY;
        for c in CONSTELLATIONS {
            for sat in c.satellites {
                let mut lat = -ALWAYS_LIT_BELOW_LAT;
                while lat <= ALWAYS_LIT_BELOW_LAT {
                    let local = track_local_time_hours(sat, lat, true);
                    for day in 0..365 {
                        for lon in [-120.0, 0.0, 150.0] {
                            let date = first + chrono::Days::new(day);
                            let at = date.and_time(NaiveTime::MIN).and_utc()
                                + Duration::seconds(((local - lon / 15.0) * 3600.0) as i64);
                            lowest = lowest.min(sun_elevation_deg(lat, lon, at));
                        }
                    }
                    lat += 2.5;
                }
            }
        }
        assert!(lowest > 1.0, "the sun is {lowest}° up at worst");
    }

    mod extremes {
        use super::super::{walked_extremes, LatitudeExtremes};
        use crate::check::envelope::{find_geometries, RequestForm};
        use crate::check::geometry;
        use crate::document::Document;
        use crate::schema::SchemaStore;
        use proptest::prelude::*;

        /// A position's text: mostly plain pairs, and every shape that is read but is no
        /// packed pair (an altitude, a number no `f64` holds, a long number) or is not read.
        fn position() -> impl Strategy<Value = String> {
            let lon = -200.0f64..200.0;
            let lat = -100.0f64..100.0;
            prop_oneof![
                8 => (lon.clone(), lat.clone()).prop_map(|(x, y)| format!("[{x:.6}, {y:.6}]")),
                1 => (lon.clone(), lat.clone()).prop_map(|(x, y)| format!("[{x:.3}, {y:.3}, 12.5]")),
                1 => lat.clone().prop_map(|y| format!("[1e400, {y:.2}]")),
                1 => (lon.clone(), lat.clone()).prop_map(|(x, y)| format!("[{x:.3}{}, {y:.1}]", "0".repeat(40_000))),
                1 => Just("[\"x\", 1]".to_string()),
                1 => (lon.clone(), lat.clone()).prop_map(|(x, y)| format!("[[{x:.3}, {y:.3}]]")),
                1 => Just("[5]".to_string()),
                1 => (-10i32..10, -10i32..10).prop_map(|(x, y)| format!("[{x}, {y}]")),
            ]
        }

        /// A ring: closed (its first position repeated) most of the time.
        fn ring() -> impl Strategy<Value = String> {
            (prop::collection::vec(position(), 1..12), any::<u8>()).prop_map(|(mut ps, pick)| {
                if pick % 5 != 0 {
                    ps.push(ps[0].clone());
                }
                format!("[{}]", ps.join(", "))
            })
        }

        fn polygon() -> impl Strategy<Value = String> {
            prop::collection::vec(ring(), 0..3).prop_map(|rs| format!("[{}]", rs.join(", ")))
        }

        fn geometry() -> impl Strategy<Value = String> {
            prop_oneof![
                polygon().prop_map(|c| format!(r#"{{"type": "Polygon", "coordinates": {c}}}"#)),
                prop::collection::vec(polygon(), 0..3).prop_map(|ps| format!(
                    r#"{{"type": "MultiPolygon", "coordinates": [{}]}}"#,
                    ps.join(", ")
                )),
                ring().prop_map(|c| format!(r#"{{"type": "Polygon", "coordinates": {c}}}"#)),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            /// Whenever the geometry check gives latitude extremes, they are those a walk of
            /// every packed pair finds (the feasibility check used to walk every geometry).
            #[test]
            fn the_geometry_checks_extremes_are_the_walks(geometry in geometry()) {
                let seed = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
                let start = seed.find("\"geometry\"").unwrap();
                let end = start + seed[start..].find("\n      ]\n    }").unwrap() + "\n      ]\n    }".len();
                let text = format!("{}\"geometry\": {geometry}{}", &seed[..start], &seed[end..]);
                let doc = Document::new(text);
                let root = doc.root().unwrap();
                let store = SchemaStore::bundled();
                let id = root.get("dataProduct").and_then(|n| n.as_str()).unwrap();
                let schema = store.get(id);
                let sites = find_geometries(root, RequestForm::Seed, schema.as_deref());
                prop_assert_eq!(sites.len(), 1);
                let mut out = Vec::new();
                let given = geometry::check(&doc, &sites[0], None, &mut out);
                // `None` (not read whole): the feasibility check walks it itself.
                if let Some(given) = given {
                    prop_assert_eq!(given, walked_extremes(sites[0].node));
                }
            }
        }

        proptest! {
            /// Extremes of a run of positions taken in two parts (`then`) are those of the
            /// whole run visited in order: how the feasibility check joins its sites.
            #[test]
            fn extremes_of_two_parts_are_those_of_the_whole(
                positions in prop::collection::vec((-200.0f64..200.0, -100.0f64..100.0), 0..30),
                cut in 0usize..30,
            ) {
                let positions: Vec<[f64; 2]> = positions.into_iter().map(|(x, y)| [x, y]).collect();
                // Rounded latitudes, so that ties happen.
                let positions: Vec<[f64; 2]> = positions.iter().map(|p| [p[0], (p[1] / 45.0).round() * 45.0]).collect();
                let cut = cut.min(positions.len());
                let mut whole = LatitudeExtremes::default();
                positions.iter().for_each(|&p| whole.visit(p));
                let (mut first, mut second) = (LatitudeExtremes::default(), LatitudeExtremes::default());
                positions[..cut].iter().for_each(|&p| first.visit(p));
                positions[cut..].iter().for_each(|&p| second.visit(p));
                first.then(second);
                prop_assert_eq!(first, whole);
            }
        }

        /// The seed's polygon is read whole: its extremes come from the geometry check.
        #[test]
        fn a_readable_polygon_gives_its_extremes() {
            let text = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
            let doc = Document::new(text);
            let root = doc.root().unwrap();
            let store = SchemaStore::bundled();
            let schema = store.get(root.get("dataProduct").and_then(|n| n.as_str()).unwrap());
            let sites = find_geometries(root, RequestForm::Seed, schema.as_deref());
            let given = geometry::check(&doc, &sites[0], None, &mut Vec::new());
            assert_eq!(
                given,
                Some(LatitudeExtremes {
                    low: Some([-79.6418, 8.8703]),
                    high: Some([-79.6418, 9.0727]),
                })
            );
            assert_eq!(given, Some(walked_extremes(sites[0].node)));
        }
    }
}
