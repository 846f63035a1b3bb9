//! Feasibility: the access-window search and the sun against Skyfield's goldens
//! (tests/feasibility/goldens.json, made by tests/feasibility/make_goldens.py; no Python
//! needed here), the monotonic properties of the search, and the element-free diagnostics on
//! the orders the issue names (stereo at 5°, 72°N in December, a one-day window).

use crate::support::elements::{goldens, renumbered};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tasking_ls::check::{check_document, CheckOptions, Code};
use tasking_ls::document::Document;
use tasking_ls::feasibility::elements::{parse, ElementSet};
use tasking_ls::feasibility::passes::{search, Aoi, Propagator, Window};
use tasking_ls::feasibility::sun::sun_elevation_deg;
use tasking_ls::schema::SchemaStore;

fn at_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_microseconds().unwrap() as f64 * 1e-6
}

fn element_sets(g: &Value) -> Vec<ElementSet> {
    g["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let text = format!(
                "{}\n{}\n",
                pair[0].as_str().unwrap(),
                pair[1].as_str().unwrap()
            );
            parse(&text).unwrap().remove(0)
        })
        .collect()
}

fn ring(case: &Value) -> Vec<[f64; 2]> {
    case["ring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect()
}

/// A window is fragile when a sampled search may or may not see it: shorter than 3 s, or
/// its smallest incidence within 0.02° of the limit (the generator's rule).
fn fragile(w: &Window, limit: f64) -> bool {
    seconds(w.start, w.end) < 3.0 || (w.min_incidence_deg - limit).abs() < 0.02
}

#[test]
fn windows_match_skyfield() {
    let g = goldens();
    let sets = element_sets(&g);
    let cases = g["cases"].as_array().unwrap();
    assert!(cases.len() >= 1000, "{} cases", cases.len());
    let chunks: Vec<&[Value]> = cases.chunks(cases.len().div_ceil(4)).collect();
    let results: Vec<(usize, Vec<String>, [f64; 5])> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let sets = &sets;
                scope.spawn(move || {
                    let mut compared = 0;
                    let mut worst = [0.0f64; 5];
                    let mut wrong = Vec::new();
                    for case in chunk.iter() {
                        let set = &sets[case["elements"].as_u64().unwrap() as usize];
                        let limit = case["limit"].as_f64().unwrap();
                        let start = at_ms(case["start_ms"].as_i64().unwrap());
                        let end = start
                            + Duration::microseconds(
                                (case["seconds"].as_f64().unwrap() * 1e6).round() as i64,
                            );
                        let aoi = Aoi::new(&ring(case)).unwrap();
                        let propagator = Propagator::new(set).unwrap();
                        let ours =
                            search(&propagator, set.norad_id, "test", &aoi, limit, start, end)
                                .unwrap();
                        let theirs = case["windows"].as_array().unwrap();
                        let mut used = vec![false; ours.len()];
                        for w in theirs {
                            let (s, e) = (w[0].as_f64().unwrap(), w[1].as_f64().unwrap());
                            let is_fragile = w[6].as_u64() == Some(1);
                            let found = ours.iter().position(|o| {
                                seconds(start, o.start) < e + 1.0 && seconds(start, o.end) > s - 1.0
                            });
                            let Some(k) = found else {
                                if !is_fragile {
                                    wrong
                                        .push(format!("{case}: window {w} missing; ours {ours:?}"));
                                }
                                continue;
                            };
                            used[k] = true;
                            let o = &ours[k];
                            compared += 1;
                            let checks = [
                                ("start", seconds(start, o.start), s, 1.0),
                                ("end", seconds(start, o.end), e, 1.0),
                                (
                                    "incidence",
                                    o.min_incidence_deg,
                                    w[2].as_f64().unwrap(),
                                    0.01,
                                ),
                                ("off-nadir", o.off_nadir_deg, w[3].as_f64().unwrap(), 0.01),
                                ("sun", o.sun_elevation_deg, w[4].as_f64().unwrap(), 0.05),
                            ];
                            for (k, (what, got, want, tolerance)) in checks.into_iter().enumerate()
                            {
                                if !is_fragile {
                                    worst[k] = worst[k].max((got - want).abs());
                                }
                                if (got - want).abs() > tolerance && !is_fragile {
                                    wrong.push(format!(
                                        "{what}: {got} vs Skyfield {want} (case start {start}, \
                                         window {w})"
                                    ));
                                }
                            }
                            if o.descending != w[5].as_bool().unwrap() {
                                wrong.push(format!("direction differs: {o:?} vs {w}"));
                            }
                        }
                        for (k, o) in ours.iter().enumerate() {
                            if !used[k] && !fragile(o, limit) {
                                wrong.push(format!("extra window {o:?} (case {case})"));
                            }
                        }
                    }
                    (compared, wrong, worst)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let compared: usize = results.iter().map(|r| r.0).sum();
    let mut worst = [0.0f64; 5];
    for r in &results {
        for (w, theirs) in worst.iter_mut().zip(r.2) {
            *w = w.max(theirs);
        }
    }
    eprintln!(
        "{compared} windows compared; worst: start {:.3} s, end {:.3} s, incidence {:.5}°, \
         off-nadir {:.5}°, sun {:.4}°",
        worst[0], worst[1], worst[2], worst[3], worst[4]
    );
    let wrong: Vec<&String> = results.iter().flat_map(|r| r.1.iter()).collect();
    assert!(compared >= 1000, "only {compared} windows compared");
    assert!(
        wrong.is_empty(),
        "{} differences, first: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
}

#[test]
fn sun_elevation_matches_skyfield() {
    let g = goldens();
    let mut worst: f64 = 0.0;
    for s in g["sun"].as_array().unwrap() {
        let (lat, lon) = (s[0].as_f64().unwrap(), s[1].as_f64().unwrap());
        let at = at_ms(s[2].as_i64().unwrap());
        let got = sun_elevation_deg(lat, lon, at);
        let want = s[3].as_f64().unwrap();
        worst = worst.max((got - want).abs());
        assert!(
            (got - want).abs() <= 0.05,
            "{lat} {lon} {at}: {got} vs Skyfield {want}"
        );
    }
    assert!(g["sun"].as_array().unwrap().len() >= 1000);
    eprintln!("sun elevation: worst difference {worst:.4}°");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn contained(inner: &Window, outer: &[Window]) -> bool {
        let slack = Duration::milliseconds(5);
        outer
            .iter()
            .any(|o| o.start <= inner.start + slack && o.end + slack >= inner.end)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Raising the incidence limit never removes (or shortens) a window, and neither does
        /// widening the time window.
        #[test]
        fn a_looser_order_keeps_every_window(
            lat in -70.0f64..70.0,
            lon in -180.0f64..180.0,
            limit in 5.0f64..40.0,
            raise in 0.0f64..10.0,
            offset_h in 0.0f64..96.0,
            hours in 4.0f64..20.0,
            before_h in 0.0f64..6.0,
            after_h in 0.0f64..6.0,
        ) {
            let g = goldens();
            let set = &element_sets(&g)[0];
            let propagator = Propagator::new(set).unwrap();
            let aoi = Aoi::new(&[[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat]]).unwrap();
            let start = set.epoch + Duration::seconds((offset_h * 3600.0) as i64);
            let end = start + Duration::seconds((hours * 3600.0) as i64);
            let base = search(&propagator, 1, "t", &aoi, limit, start, end).unwrap();
            let raised = search(&propagator, 1, "t", &aoi, limit + raise, start, end).unwrap();
            for w in &base {
                prop_assert!(contained(w, &raised), "{w:?} lost at {} deg: {raised:?}", limit + raise);
            }
            let wide_start = start - Duration::seconds((before_h * 3600.0) as i64);
            let wide_end = end + Duration::seconds((after_h * 3600.0) as i64);
            let widened = search(&propagator, 1, "t", &aoi, limit, wide_start, wide_end).unwrap();
            for w in &base {
                prop_assert!(contained(w, &widened), "{w:?} lost in the wider window: {widened:?}");
            }
        }
    }
}

fn codes_and_messages(text: &str) -> Vec<(Code, String)> {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    check_document(&Document::new(text), &options)
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

const PNEO: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";

fn pneo_order(mode: &str, incidence: u32, start: &str, end: &str, ring: &str) -> String {
    format!(
        r#"{{"dataProduct": "{PNEO}", "params": {{
  "displayName": "t", "acquisitionStart": "{start}", "acquisitionEnd": "{end}",
  "acquisitionMode": "{mode}", "incidenceAngle": {incidence}, "cloudCoverage": 10,
  "geometry": {{"type": "Polygon", "coordinates": [{ring}]}}}}}}"#
    )
}

const PANAMA: &str =
    "[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]";

fn only(code: Code, found: &[(Code, String)]) -> Vec<String> {
    found
        .iter()
        .filter(|(c, _)| *c == code)
        .map(|(_, m)| m.clone())
        .collect()
}

#[test]
fn stereo_at_five_degrees_names_the_numbers() {
    let found = codes_and_messages(&pneo_order(
        "stereo",
        5,
        "2027-03-01T00:00:00Z",
        "2027-05-01T00:00:00Z",
        PANAMA,
    ));
    let stereo = only(Code::FeasibilityStereoAngle, &found);
    assert_eq!(stereo.len(), 1, "{found:?}");
    assert!(
        stereo[0].contains("±11.3°") && stereo[0].contains("incidenceAngle is 5°"),
        "{}",
        stereo[0]
    );
    // At 12° the pair fits; mono never asks.
    for (mode, incidence) in [("stereo", 12), ("tristereo", 15), ("mono", 5)] {
        let found = codes_and_messages(&pneo_order(
            mode,
            incidence,
            "2027-03-01T00:00:00Z",
            "2027-05-01T00:00:00Z",
            PANAMA,
        ));
        assert!(
            only(Code::FeasibilityStereoAngle, &found).is_empty(),
            "{mode} {incidence}: {found:?}"
        );
    }
}

#[test]
fn seventy_two_north_in_december_has_no_daylight() {
    let ring = "[[20.0, 72.0], [20.3, 72.0], [20.3, 72.1], [20.0, 72.1], [20.0, 72.0]]";
    let found = codes_and_messages(&pneo_order(
        "mono",
        30,
        "2026-12-01T00:00:00Z",
        "2027-01-10T00:00:00Z",
        ring,
    ));
    let sun = only(Code::FeasibilitySun, &found);
    assert_eq!(sun.len(), 1, "{found:?}");
    assert!(
        sun[0].contains("72.0°N") && sun[0].contains("2026-12-01"),
        "{}",
        sun[0]
    );
    // The same AOI in April, and Panama in December, are lit.
    for (ring, start, end) in [
        (ring, "2027-04-01T00:00:00Z", "2027-04-20T00:00:00Z"),
        (PANAMA, "2026-12-01T00:00:00Z", "2027-01-10T00:00:00Z"),
    ] {
        let found = codes_and_messages(&pneo_order("mono", 30, start, end, ring));
        assert!(
            only(Code::FeasibilitySun, &found).is_empty(),
            "{start}: {found:?}"
        );
    }
}

#[test]
fn a_one_day_window_at_a_small_angle_may_hold_no_pass() {
    let found = codes_and_messages(&pneo_order(
        "mono",
        10,
        "2027-03-01T00:00:00Z",
        "2027-03-02T00:00:00Z",
        PANAMA,
    ));
    let window = only(Code::FeasibilityWindow, &found);
    assert_eq!(window.len(), 1, "{found:?}");
    assert!(window[0].contains("the window is 1 day;"), "{}", window[0]);
    assert!(window[0].contains("<= 10°"), "{}", window[0]);
    // Two months is plenty.
    let found = codes_and_messages(&pneo_order(
        "mono",
        10,
        "2027-03-01T00:00:00Z",
        "2027-05-01T00:00:00Z",
        PANAMA,
    ));
    assert!(
        only(Code::FeasibilityWindow, &found).is_empty(),
        "{found:?}"
    );
}

mod cli {
    use super::*;
    use crate::support::cli::{run_in_home, text};

    const ORDER: &str = r#"{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {
  "displayName": "t", "acquisitionStart": "2027-03-01T00:00:00Z",
  "acquisitionEnd": "2027-03-06T00:00:00Z", "acquisitionMode": "mono", "incidenceAngle": 30,
  "geometry": {"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87],
    [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]}}}"#;

    #[test]
    fn lists_the_windows_of_the_satellites_it_has_elements_for() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("o_tasking_request.json"), ORDER).unwrap();
        std::fs::write(home.path().join("pneo3.tle"), renumbered("48268")).unwrap();
        let output = run_in_home(
            home.path(),
            &[
                "opportunities",
                "o_tasking_request.json",
                "--elements",
                "pneo3.tle",
                "--format",
                "json",
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let features = report["features"].as_array().unwrap();
        // The same search through the library: the command adds nothing and drops nothing.
        let set = parse(&renumbered("48268")).unwrap().remove(0);
        let aoi = Aoi::new(&[
            [-79.64, 9.07],
            [-79.64, 8.87],
            [-79.44, 8.87],
            [-79.44, 9.07],
            [-79.64, 9.07],
        ])
        .unwrap();
        let start: DateTime<Utc> = "2027-03-01T00:00:00Z".parse().unwrap();
        let end: DateTime<Utc> = "2027-03-06T00:00:00Z".parse().unwrap();
        let expected = search(
            &Propagator::new(&set).unwrap(),
            48268,
            "Pléiades Neo 3",
            &aoi,
            30.0,
            start,
            end,
        )
        .unwrap();
        // The command lists the windows in daylight; those with the sun below the horizon
        // (an optical constellation) are counted apart, not exported as opportunities.
        let (expected, dark): (Vec<_>, Vec<_>) = expected
            .into_iter()
            .partition(|w| w.sun_elevation_deg >= 0.0);
        assert!(!expected.is_empty());
        assert_eq!(features.len(), expected.len(), "{report:#}");
        assert_eq!(report["satellites"][0]["dark_windows"], dark.len());
        assert_eq!(report["satellites"][1]["windows"], Value::Null);
        for (f, w) in features.iter().zip(&expected) {
            let p = &f["properties"];
            assert_eq!(p["satellite"], "Pléiades Neo 3");
            assert_eq!(p["norad_id"], 48268);
            let (a, b) = p["datetime"].as_str().unwrap().split_once('/').unwrap();
            let a: DateTime<Utc> = a.parse().unwrap();
            let b: DateTime<Utc> = b.parse().unwrap();
            assert!(seconds(w.start, a).abs() < 0.002 && seconds(w.end, b).abs() < 0.002);
            assert!(
                (p["view:incidence_angle"].as_f64().unwrap() - w.min_incidence_deg).abs() < 0.001
            );
            assert!(p["view:incidence_angle"].as_f64().unwrap() <= 30.0);
        }
        let satellites = report["satellites"].as_array().unwrap();
        assert_eq!(satellites[1]["satellite"], "Pléiades Neo 4");
        assert_eq!(satellites[1]["timing"]["status"], "unavailable");
        assert_eq!(satellites[0]["timing"]["status"], "timed");
    }

    #[test]
    fn without_elements_nothing_claims_no_pass() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("o_tasking_request.json"), ORDER).unwrap();
        let output = run_in_home(
            home.path(),
            &["opportunities", "o_tasking_request.json"],
            &[],
        );
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(0), "{shown}");
        assert!(shown.contains("timing unavailable"), "{shown}");
        assert!(!shown.to_lowercase().contains("no pass"), "{shown}");
        // `[feasibility] elements` in tasking-ls.toml is read when no flag is given.
        std::fs::create_dir(home.path().join("el")).unwrap();
        std::fs::write(home.path().join("el/pneo4.tle"), renumbered("49070")).unwrap();
        std::fs::write(
            home.path().join("tasking-ls.toml"),
            "[feasibility]\nelements = [\"el/pneo4.tle\"]\n",
        )
        .unwrap();
        let output = run_in_home(
            home.path(),
            &["opportunities", "o_tasking_request.json"],
            &[],
        );
        let shown = text(&output);
        assert!(
            shown.contains("Pléiades Neo 4 (NORAD 49070), elements of 2027-03-01"),
            "{shown}"
        );
    }

    /// The editor lists the passes on hovering the window or the angle, from the nearest
    /// tasking-ls.toml's elements; without them it says they were not computed.
    #[test]
    fn hover_on_the_window_lists_the_passes() {
        use crate::support::lsp_client::{file_uri, LspClient};
        let folder = tempfile::tempdir().unwrap();
        let order = folder.path().join("o_tasking_request.json");
        std::fs::write(&order, ORDER).unwrap();
        let uri = file_uri(&order);
        let position = |text: &str| {
            let at = text.find("\"incidenceAngle\"").unwrap() + 3;
            let line = text[..at].matches('\n').count();
            let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
            serde_json::json!({"line": line, "character": column})
        };
        let hover = |client: &mut LspClient| -> String {
            client
                .request(
                    "textDocument/hover",
                    serde_json::json!({"textDocument": {"uri": uri}, "position": position(ORDER)}),
                )
                .expect("hover")["contents"]["value"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let mut client = LspClient::start();
        client.initialize(None, serde_json::json!({}));
        client.open(&uri, ORDER);
        client.diagnostics(&uri, 1);
        let shown = hover(&mut client);
        assert!(
            shown.contains("Passes of Pléiades Neo")
                && shown.contains("timing unavailable")
                && shown.contains("`tasking-ls elements import FILE`")
                && shown.contains("`tasking-ls elements update`"),
            "{shown}"
        );
        assert!(!shown.to_lowercase().contains("no pass"), "{shown}");
        client.shutdown_and_exit();

        std::fs::write(folder.path().join("pneo3.tle"), renumbered("48268")).unwrap();
        std::fs::write(
            folder.path().join("tasking-ls.toml"),
            "[feasibility]\nelements = [\"pneo3.tle\"]\n",
        )
        .unwrap();
        let mut client = LspClient::start();
        client.initialize(None, serde_json::json!({}));
        client.open(&uri, ORDER);
        client.diagnostics(&uri, 1);
        let shown = hover(&mut client);
        assert!(
            shown.contains("from Pléiades Neo 3; not computed (no element set): Pléiades Neo 4"),
            "{shown}"
        );
        assert!(shown.contains("\n- 2027-03-0"), "{shown}");
        client.shutdown_and_exit();
    }

    #[test]
    fn a_bad_element_file_is_an_error_with_its_line() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("o_tasking_request.json"), ORDER).unwrap();
        std::fs::write(
            home.path().join("bad.tle"),
            "SAT\n1 48268U 27001A   27060.25\n",
        )
        .unwrap();
        let output = run_in_home(
            home.path(),
            &[
                "opportunities",
                "o_tasking_request.json",
                "--elements",
                "bad.tle",
            ],
            &[],
        );
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(2), "{shown}");
        assert!(shown.contains("bad.tle: line 2"), "{shown}");
    }
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever the dates, angle, B/H and place, the feasibility checks answer without a
        /// panic (dates at the ends of RFC 3339's range, angles out of range, the poles).
        #[test]
        fn any_order_is_checked_without_a_panic(
            start_year in 0u32..10000,
            days in 0u32..4000,
            incidence in -10.0f64..120.0,
            min_bh in prop_oneof![Just(None), (0.0f64..3.0).prop_map(Some)],
            lat in -90.0f64..90.0,
            lon in -180.0f64..180.0,
            mode in prop_oneof![Just("mono"), Just("stereo"), Just("tristereo")],
        ) {
            let start = format!("{start_year:04}-01-01T00:00:00Z");
            let end_year = (start_year + days / 365).min(9999);
            let end = format!("{end_year:04}-12-31T23:59:59Z");
            let bh = min_bh.map_or("null".to_string(), |b| format!("{b}"));
            let lat2 = (lat + 0.1).min(90.0);
            let text = format!(
                r#"{{"dataProduct": "{PNEO}", "params": {{"acquisitionStart": "{start}",
  "acquisitionEnd": "{end}", "acquisitionMode": "{mode}", "incidenceAngle": {incidence},
  "minBH": {bh}, "geometry": {{"type": "Polygon", "coordinates": [[[{lon}, {lat}],
  [{lon}, {lat2}], [{lon}, {lat}]]]}}}}}}"#
            );
            let _ = codes_and_messages(&text);
        }
    }
}
