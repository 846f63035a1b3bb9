//! The passes on the AOI map (issue 30): each access window's ground track and reachable
//! strip drawn under the AOI, labelled with satellite and time, with a legend "N passes ≤ X°
//! (elements of DATE); geometric access only"; without element sets nothing is drawn and the
//! legend says the timing is unavailable (never "no pass"). Element sets are made by the
//! tests (the goldens' sun-synchronous set under a table satellite's number).

use chrono::{DateTime, Utc};
use tasking_ls::document::Document;
use tasking_ls::feasibility::angles::{geodetic_normal, geodetic_to_ecef, incidence_deg};
use tasking_ls::feasibility::elements::{parse, ElementSet};
use tasking_ls::feasibility::passes::{ground_track, Propagator};
use tasking_ls::render::{pass_layer, render_svg, scene_of, Options, PassElements, Scene};
use tasking_ls::schema::SchemaStore;

use crate::support::cli::{run_in_home, text};
use crate::support::elements::renumbered;

fn pneo3() -> Vec<ElementSet> {
    parse(&renumbered("48268")).unwrap()
}

/// A Pléiades Neo order over Panama at most 30° incidence, in the window `start`..`end`.
fn order(start: &str, end: &str) -> String {
    format!(
        r#"{{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {{
  "displayName": "t", "acquisitionStart": "{start}",
  "acquisitionEnd": "{end}", "acquisitionMode": "mono", "incidenceAngle": 30,
  "geometry": {{"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87],
    [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]}}}}}}"#
    )
}

fn scene(text: &str, elements: PassElements<'_>) -> Scene {
    let store = SchemaStore::bundled();
    let doc = Document::new(text);
    let mut scene = scene_of(&doc, &store, &[]);
    scene.passes = pass_layer(&doc, &store, elements);
    scene
}

/// The parts of the SVG the passes add: the tracks' group and the legend.
fn pass_parts(svg: &str) -> String {
    svg.lines()
        .filter(|l| {
            l.starts_with("<g id=\"passes\"")
                || l.starts_with("<g class=\"pass\"")
                || l.starts_with("<g id=\"pass-legend\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_days_passes_are_drawn_with_their_legend() {
    let sets = pneo3();
    let text = order("2027-03-03T00:00:00Z", "2027-03-04T00:00:00Z");
    let scene = scene(&text, PassElements::Sets(&sets));
    let layer = scene.passes.as_ref().expect("a pass layer");
    assert!(!layer.tracks.is_empty(), "{layer:?}");
    // The night pass at 03:41 (sun 63° below the horizon) is set apart by the search as
    // dark, so the optical satellite's one daylight pass is drawn.
    assert_eq!(
        layer.legend,
        "1 pass ≤ 30° (elements of 2027-03-01); geometric access only; no elements for \
         Pléiades Neo 4"
    );
    assert_eq!(layer.tracks.len(), 1);
    assert_eq!(
        layer.tracks[0].label,
        "Pléiades Neo 3 · 2027-03-03 15:56 UTC · 9.9°"
    );
    let rendered = render_svg(&scene, &Options::default());
    // The tracks are under the AOI, the legend above everything.
    let (passes, aoi) = (
        rendered.svg.find("<g id=\"passes\"").unwrap(),
        rendered.svg.find("<g id=\"aoi\"").unwrap(),
    );
    assert!(passes < aoi);
    insta::assert_snapshot!("passes_one_day", pass_parts(&rendered.svg));
}

#[test]
fn without_elements_nothing_is_drawn_and_the_legend_says_why() {
    let text = order("2027-03-01T00:00:00Z", "2027-03-06T00:00:00Z");
    let scene = scene(&text, PassElements::Missing);
    let layer = scene.passes.as_ref().expect("a pass layer");
    assert!(layer.tracks.is_empty());
    assert_eq!(
        layer.legend,
        "passes of Pléiades Neo: timing unavailable: no element sets; tasking-ls elements \
         import FILE; or tasking-ls elements update"
    );
    let svg = render_svg(&scene, &Options::default()).svg;
    assert!(!svg.contains("<g id=\"passes\""));
    assert!(svg.contains("timing unavailable: no element sets"));
    assert!(svg.contains("tasking-ls elements import FILE"));
    assert!(
        !svg.contains("no pass") && !svg.contains("0 passes"),
        "{svg}"
    );
    // Sets for none of the product's satellites: the same, not "0 passes".
    let other = parse(&renumbered("12345")).unwrap();
    let scene = self::scene(&text, PassElements::Sets(&other));
    let layer = scene.passes.unwrap();
    assert!(layer.tracks.is_empty());
    assert!(
        layer.legend.contains("timing unavailable"),
        "{}",
        layer.legend
    );
    // An order the pass search does not read (no product of the table): no layer at all.
    let scene = self::scene(r#"{"params": {}}"#, PassElements::Missing);
    assert!(scene.passes.is_none());
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The drawn track is the satellite's: it passes through the sub-satellite point at the
/// window's time of smallest incidence, its nearest approach to the window's point is that
/// sample, and the strip there reaches at least as far as the point (inside the limit).
#[test]
fn the_track_passes_through_the_smallest_incidence_point() {
    let sets = pneo3();
    let text = order("2027-03-01T00:00:00Z", "2027-03-06T00:00:00Z");
    let store = SchemaStore::bundled();
    let doc = Document::new(&text);
    let root = doc.root().unwrap();
    let query = tasking_ls::check::feasibility::pass_query(root, &store).unwrap();
    let aoi = tasking_ls::feasibility::passes::Aoi::new(&query.positions).unwrap();
    let results = tasking_ls::feasibility::opportunities(
        query.constellation,
        &sets,
        &aoi,
        30.0,
        query.start,
        query.end,
    );
    let windows: Vec<_> = results.iter().flat_map(|r| &r.windows).collect();
    assert!(windows.len() >= 2, "{windows:?}");
    let propagator = Propagator::new(&sets[0]).unwrap();
    let scene = scene(&text, PassElements::Sets(&sets));
    let layer = scene.passes.unwrap();
    assert_eq!(layer.tracks.len(), windows.len());
    for (w, drawn) in windows.iter().zip(&layer.tracks) {
        let span = chrono::Duration::seconds(300);
        let track =
            ground_track(&propagator, w.at - span, w.at + span, 5.0, Some(w.at), 30.0).unwrap();
        let sample = track
            .iter()
            .find(|p| p.at == w.at)
            .expect("a sample at w.at");
        // The sub-satellite point at that time: the satellite straight above it (its
        // incidence there is zero).
        let (sat, _) = propagator.ecef(w.at).unwrap();
        let [lon, lat] = sample.point;
        let below = incidence_deg(sat, geodetic_to_ecef(lat, lon), geodetic_normal(lat, lon));
        assert!(below < 1e-6, "incidence below the satellite {below}");
        // The nearest sample to the window's point is the one at w.at (the track's closest
        // approach), within a step.
        let distance = |p: [f64; 2]| {
            let a = geodetic_to_ecef(p[1], p[0]);
            let b = geodetic_to_ecef(w.point[1], w.point[0]);
            ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
        };
        let nearest = track
            .iter()
            .min_by(|a, b| distance(a.point).total_cmp(&distance(b.point)))
            .unwrap();
        assert!(
            (nearest.at - w.at).num_milliseconds().abs() <= 5_000,
            "nearest {} vs {}",
            nearest.at,
            w.at
        );
        // The strip reaches the point: the point is within the limit (sphere, 1% slack).
        let reach_km = sample.reach_deg.to_radians() * 6371.0;
        assert!(
            distance(w.point) <= reach_km * 1.01,
            "{} km beyond the strip's {reach_km} km",
            distance(w.point)
        );
        // The drawn line holds that point (unwrapped longitudes: equal modulo 360°).
        assert_eq!(drawn.anchor[1], lat);
        assert!(
            ((drawn.anchor[0] - lon) / 360.0 - ((drawn.anchor[0] - lon) / 360.0).round()).abs()
                < 1e-12
        );
        assert!(drawn.line.contains(&drawn.anchor));
        assert!(drawn.label.starts_with("Pléiades Neo 3 · "));
        assert!(drawn
            .label
            .contains(&w.at.format("%Y-%m-%d %H:%M UTC").to_string()));
    }
    // A drawn track is continuous (no jump across the antimeridian) and crosses the view.
    for drawn in &layer.tracks {
        for pair in drawn.line.windows(2) {
            assert!((pair[0][0] - pair[1][0]).abs() < 5.0, "{pair:?}");
        }
        let lats: Vec<f64> = drawn.line.iter().map(|p| p[1]).collect();
        let span = lats.iter().cloned().fold(f64::MIN, f64::max)
            - lats.iter().cloned().fold(f64::MAX, f64::min);
        assert!(span > 5.0, "the track spans {span}° of latitude");
    }
    assert!(at("2027-03-01T00:00:00Z") < windows[0].at);
}

#[test]
fn preview_draws_the_passes_from_elements_given_or_configured() {
    let home = tempfile::tempdir().unwrap();
    let order_path = home.path().join("o_tasking_request.json");
    std::fs::write(
        &order_path,
        order("2027-03-01T00:00:00Z", "2027-03-06T00:00:00Z"),
    )
    .unwrap();
    let svg_path = home.path().join("o.svg");
    let run = |extra: &[&str]| {
        let mut args = vec!["preview", "o_tasking_request.json", "-o", "o.svg"];
        args.extend_from_slice(extra);
        let out = run_in_home(home.path(), &args, &[]);
        assert!(out.status.success(), "{}", text(&out));
        std::fs::read_to_string(&svg_path).unwrap()
    };
    // No elements anywhere: nothing drawn, the legend says so.
    let svg = run(&[]);
    assert!(!svg.contains("<g class=\"pass\""));
    assert!(svg.contains("timing unavailable: no element sets"), "{svg}");
    // --elements.
    std::fs::write(home.path().join("pneo3.tle"), renumbered("48268")).unwrap();
    let svg = run(&["--elements", "pneo3.tle"]);
    assert!(svg.contains("<g class=\"pass\" data-satellite=\"Pléiades Neo 3\""));
    assert!(svg.contains("geometric access only"));
    // The same from tasking-ls.toml, in PNG too.
    std::fs::write(
        home.path().join("tasking-ls.toml"),
        "[feasibility]\nelements = [\"pneo3.tle\"]\n",
    )
    .unwrap();
    let configured = run(&[]);
    assert_eq!(pass_parts(&configured), pass_parts(&svg));
    let out = run_in_home(
        home.path(),
        &["preview", "o_tasking_request.json", "-o", "o.png"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    // An unreadable element file: said, nothing drawn, the picture still made.
    std::fs::write(home.path().join("bad.tle"), "not elements\n").unwrap();
    let svg = run(&["--elements", "bad.tle"]);
    assert!(!svg.contains("<g class=\"pass\""));
    assert!(svg.contains("timing unavailable: "), "{svg}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any angle (negative, huge, fractional), any window (reversed, long, far from the
    /// elements' epoch) and any AOI position draw without a panic, in SVG and PNG sizes.
    #[test]
    fn any_order_draws_its_passes_without_a_panic(
        angle in proptest::prop_oneof![-100.0..200.0f64, proptest::prelude::Just(1e300)],
        start_day in 0u32..400,
        days in 0u32..5,
        lon in -200.0..200.0f64,
        lat in -95.0..95.0f64,
        size in 64u32..1200,
    ) {
        let sets = pneo3();
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
            + chrono::Duration::days(i64::from(start_day));
        let end = start + chrono::Duration::days(i64::from(days));
        let text = format!(
            r#"{{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {{
              "acquisitionStart": "{start}T00:00:00Z", "acquisitionEnd": "{end}T06:00:00Z",
              "incidenceAngle": {angle},
              "geometry": {{"type": "Polygon", "coordinates": [[[{lon}, {lat}], [{lon2}, {lat}],
                [{lon2}, {lat2}], [{lon}, {lat}]]]}}}}}}"#,
            lon2 = lon + 0.1,
            lat2 = lat + 0.1,
        );
        let scene = scene(&text, PassElements::Sets(&sets));
        let options = Options { width: size, height: size, ..Options::default() };
        let svg = render_svg(&scene, &options).svg;
        if let Some(layer) = &scene.passes {
            proptest::prop_assert!(!layer.legend.contains("no pass"));
            proptest::prop_assert!(svg.contains("pass-legend"));
        }
    }
}
