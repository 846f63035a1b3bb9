//! The element cache and the pass search around it, through the real binary: `elements
//! import|show|update` (update against a fake CelesTrak GP server on 127.0.0.1, never the
//! internet), `opportunities` taking cached elements (explicit files win per satellite) and
//! printing GeoJSON, `validate --passes` and its `feasibility.passes` warning with fixes that
//! remove it, and the language server's hover reading the cache. The element sets are
//! test-made (the goldens' sun-synchronous orbit under the table's NORAD numbers): no
//! third-party elements in the repository.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tasking_ls::check::{CheckOptions, Code};
use tasking_ls::document::Document;
use tasking_ls::feasibility::elements::parse;
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SchemaStore};

use crate::support::cli::{run_in_home, text};
use crate::support::elements::tle_checksum;

/// The goldens' first test-made sun-synchronous set as satellite `norad`, its epoch day of
/// 2027 changed to `day` (fractional day of year, e.g. "060.25000000").
fn element_set(norad: &str, day: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/feasibility/goldens.json"
    );
    let g: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let pair = &g["elements"][0];
    let mut text = format!("0 TEST {norad}\n");
    for line in [pair[0].as_str().unwrap(), pair[1].as_str().unwrap()] {
        let mut body = line[..68].replacen("90001", norad, 1);
        if body.starts_with("1 ") {
            // Columns 19-32: the epoch, YYDDD.DDDDDDDD.
            body.replace_range(20..32, day);
        }
        text.push_str(&format!("{body}{}\n", tle_checksum(&body)));
    }
    text
}

/// A valid order (every required field) over Panama City for Pléiades Neo, 1 to 3 March
/// 2027 at 10°: with the test-made elements, no pass at 10° in the window; in daylight the
/// nearest needs 43.9° (1 March, closest at 16:14 UTC) and the next at 10° is on 3 March,
/// closest at 15:56 UTC (the passes of 03:56 and 03:41 UTC, 36.2° and 0.2°, are at night,
/// not acquisition opportunities).
const ORDER: &str = r#"{
  "dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65",
  "params": {
    "displayName": "Panama",
    "acquisitionStart": "2027-03-01T00:00:00Z",
    "acquisitionEnd": "2027-03-03T00:00:00Z",
    "acquisitionMode": "mono",
    "radiometricProcessing": "reflectance",
    "geometricProcessing": "ortho",
    "spectralProcessing": "bundle",
    "deliveredAs": "geotiff",
    "cloudCoverage": 10,
    "incidenceAngle": 10,
    "pixelCoding": "12bits",
    "geometry": {"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87],
      [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]}
  }
}
"#;

/// The clock of the element commands: the test-made epochs are of March 2027, and an epoch
/// days after the clock is refused.
fn clock() -> [(&'static str, String); 1] {
    [("TASKING_LS_NOW", "2027-03-01T12:00:00Z".to_string())]
}

fn write(home: &Path, name: &str, text: &str) {
    std::fs::write(home.join(name), text).unwrap();
}

#[test]
fn import_keeps_the_newest_and_show_lists_it_and_what_is_missing() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(h, "new.tle", &element_set("48268", "060.25000000"));
    write(h, "old.tle", &element_set("48268", "050.25000000"));
    let first = run_in_home(h, &["elements", "import", "new.tle"], &clock());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let cache = h.join("cache/tasking-ls/schemas/elements");
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        format!(
            "Pléiades Neo 3 (NORAD 48268): added, epoch 2027-03-01 06:00:00 UTC\n1 element set \
             read; cache: {}\n",
            cache.display()
        )
    );
    let older = run_in_home(h, &["elements", "import", "old.tle"], &clock());
    assert_eq!(older.status.code(), Some(0), "{}", text(&older));
    assert!(
        String::from_utf8_lossy(&older.stdout).starts_with(
            "Pléiades Neo 3 (NORAD 48268): kept the cached epoch 2027-03-01 06:00:00 UTC; the \
             set of epoch 2027-02-19 06:00:00 UTC is older and was not imported\n"
        ),
        "{}",
        text(&older)
    );
    let shown = run_in_home(h, &["elements", "show"], &clock());
    let out = String::from_utf8_lossy(&shown.stdout);
    assert!(
        out.contains("Pléiades Neo 3 (NORAD 48268)  epoch 2027-03-01 06:00:00 UTC  "),
        "{out}"
    );
    assert!(out.contains("days old\n"), "{out}");
    assert!(
        out.contains("no element set for: Pléiades 1A (38012), SPOT 6 (38755), Pléiades 1B (39019), SPOT 7 (40053), Pléiades Neo 4 (49070)"),
        "{out}"
    );
    // A bad file names its line, and nothing of the batch is imported.
    write(h, "bad.tle", "PLEIADES NEO 4\n1 49070U\n");
    write(h, "p4.tle", &element_set("49070", "060.25000000"));
    let bad = run_in_home(h, &["elements", "import", "p4.tle", "bad.tle"], &clock());
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("bad.tle: line 2: a TLE line 1 not followed by its line 2"),
        "{}",
        text(&bad)
    );
    assert!(!cache.join("49070.json").exists());
}

#[test]
fn opportunities_use_the_cache_and_explicit_files_win_per_satellite() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(h, "o_tasking_request.json", ORDER);
    write(h, "p3.tle", &element_set("48268", "060.25000000"));
    write(h, "p3-old.tle", &element_set("48268", "040.25000000"));
    let imported = run_in_home(h, &["elements", "import", "p3.tle"], &clock());
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    let shown = run_in_home(h, &["opportunities", "o_tasking_request.json"], &[]);
    let out = text(&shown);
    assert!(
        out.contains(
            "Pléiades Neo 3 (NORAD 48268), elements of 2027-03-01 06:00 (cached, 0.2 days after \
             the window's start): 0 windows"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "no pass of Pléiades Neo 3 at <= 10° incidence in the window (not computed, so \
             nothing is said of: Pléiades Neo 4); the nearest needs 43.9° incidence (Pléiades \
             Neo 3, closest at 2027-03-01 16:14 UTC): raise incidenceAngle to 44°"
        ),
        "{out}"
    );
    assert!(
        out.contains("the next at <= 10° is closest at 2027-03-03 15:56 UTC"),
        "{out}"
    );
    // An explicit file wins over the cache, even with older elements.
    let shown = run_in_home(
        h,
        &[
            "opportunities",
            "o_tasking_request.json",
            "--elements",
            "p3-old.tle",
        ],
        &[],
    );
    let out = text(&shown);
    assert!(
        out.contains(
            "elements of 2027-02-09 06:00 (from p3-old.tle, 19 days from the window: times \
             approximate): 0 windows; 1 window in the dark (sun below 0°), not acquisition \
             opportunities\n  dark  2027-03-02 05:01:31 – 05:02:06  incidence 1.5° (off-nadir \
             1.3°, azimuth 80°) at 05:01:47, sun -82.7°, ascending, approximate (21.0 days from \
             the elements' epoch)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("no daylight pass of Pléiades Neo 3 at <= 10° incidence in the window"),
        "{out}"
    );
}

/// The tester's element cases through the binary: impossible OMM values are refused naming
/// the file, line and field; a far-future epoch is not imported (it would block every real
/// set after it); elements 60 days from the window compute nothing and never say "no pass";
/// a long window is searched only within 30 days of the epoch and says so; an `--elements`
/// file holding none of the constellation's satellites is named.
#[test]
fn impossible_or_distant_elements_draw_no_conclusion() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(h, "o_tasking_request.json", ORDER);
    let set = parse(&element_set("48268", "060.25000000"))
        .unwrap()
        .remove(0);
    for (key, value) in [
        ("INCLINATION", serde_json::json!(400)),
        ("ECCENTRICITY", serde_json::json!(1.5)),
        ("MEAN_MOTION", serde_json::json!(0)),
        ("MEAN_MOTION", serde_json::json!(-14)),
        ("EPOCH", serde_json::json!("1957-01-01T00:00:00")),
    ] {
        let mut record = serde_json::to_value(&set.elements).unwrap();
        record[key] = value.clone();
        let written = serde_json::to_string_pretty(&[record]).unwrap();
        write(h, "bad.json", &written);
        let line = written
            .lines()
            .position(|l| l.contains(&format!("\"{key}\"")))
            .unwrap()
            + 1;
        let output = run_in_home(h, &["elements", "import", "bad.json"], &clock());
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(2), "{key} {value}: {shown}");
        assert!(
            shown.contains(&format!(
                "bad.json: line {line}: OMM record 1 {key} of NORAD 48268"
            )),
            "{shown}"
        );
        assert!(shown.contains("nothing imported"), "{shown}");
    }
    // An epoch in 2090 (in TLE terms, day 60 of '90 is 1990: use OMM).
    let mut record = serde_json::to_value(&set.elements).unwrap();
    record["EPOCH"] = serde_json::json!("2090-01-01T00:00:00Z");
    write(h, "future.json", &serde_json::to_string(&[record]).unwrap());
    let output = run_in_home(h, &["elements", "import", "future.json"], &clock());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("days in the future"),
        "{}",
        text(&output)
    );

    // Elements of 2027-03-01 for a window in May: nothing computed, no "no pass".
    write(h, "p3.tle", &element_set("48268", "060.25000000"));
    write(
        h,
        "may_tasking_request.json",
        &ORDER
            .replace("2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z")
            .replace("2027-03-03T00:00:00Z", "2027-05-03T00:00:00Z"),
    );
    let args = [
        "opportunities",
        "may_tasking_request.json",
        "--elements",
        "p3.tle",
    ];
    let shown = text(&run_in_home(h, &args, &[]));
    assert!(
        shown.contains(
            "Pléiades Neo 3 (NORAD 48268), elements of 2027-03-01 06:00 (from p3.tle): elements \
             too old for timing: the epoch is 60 days before the window and elements are used \
             only within 30 days of it; not computed"
        ),
        "{shown}"
    );
    assert!(!shown.to_lowercase().contains("no pass"), "{shown}");
    // A year-long window: searched to 30 days after the epoch, and said.
    write(
        h,
        "year_tasking_request.json",
        &ORDER
            .replace("2027-03-03T00:00:00Z", "2028-03-01T00:00:00Z")
            .replace("\"incidenceAngle\": 10", "\"incidenceAngle\": 30"),
    );
    let args = [
        "opportunities",
        "year_tasking_request.json",
        "--elements",
        "p3.tle",
    ];
    let shown = text(&run_in_home(h, &args, &[]));
    assert!(
        shown.contains(
            "; searched only 2027-03-01 00:00 – 2027-03-31 06:00 UTC, the part of the window \
             within 30 days of the elements' epoch (the rest is not computed)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains(", approximate (") && shown.contains(", timed ("),
        "{shown}"
    );
    assert!(!shown.contains("2027-04-"), "{shown}");
    // A file for another constellation is named, not silently ignored.
    write(h, "spot.tle", &element_set("38755", "060.25000000"));
    let args = [
        "opportunities",
        "o_tasking_request.json",
        "--elements",
        "spot.tle",
        "--elements",
        "p3.tle",
    ];
    let shown = text(&run_in_home(h, &args, &[]));
    assert!(
        shown.contains(
            "spot.tle holds no element set for Pléiades Neo's satellites (NORAD Pléiades Neo 3 \
             48268, Pléiades Neo 4 49070); it holds NORAD 38755"
        ),
        "{shown}"
    );
}

#[test]
fn geojson_is_a_feature_collection_of_stapi_shaped_opportunities() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(
        h,
        "o_tasking_request.json",
        &ORDER.replace("\"incidenceAngle\": 10", "\"incidenceAngle\": 45"),
    );
    write(h, "p3.tle", &element_set("48268", "060.25000000"));
    for format in ["geojson", "json"] {
        let output = run_in_home(
            h,
            &[
                "opportunities",
                "o_tasking_request.json",
                "--elements",
                "p3.tle",
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["type"], "FeatureCollection");
        let features = report["features"].as_array().unwrap();
        assert!(!features.is_empty(), "{report:#}");
        for feature in features {
            assert_eq!(feature["type"], "Feature");
            assert_eq!(feature["geometry"]["type"], "Point");
            let p = &feature["properties"];
            let (start, end) = p["datetime"].as_str().unwrap().split_once('/').unwrap();
            assert!(start < end, "{p}");
            assert_eq!(p["product_id"], "97891b26-bacf-48fb-9d30-46697a11ce65");
            assert_eq!(p["source"], "tasking-ls");
            assert_eq!(p["satellite"], "Pléiades Neo 3");
            assert_eq!(p["elements_epoch"], "2027-03-01T06:00:00.000Z");
            assert!(p["view:incidence_angle"].as_f64().unwrap() <= 45.0);
            // Night passes are not opportunities of an optical constellation.
            assert!(p["view:sun_elevation"].as_f64().unwrap() >= 0.0, "{p}");
            let days = p["elements_days_from_epoch"].as_f64().unwrap();
            assert_eq!(
                p["timing"],
                if days > 14.0 { "approximate" } else { "timed" }
            );
            assert!(
                p["view:off_nadir"].as_f64().unwrap() < p["view:incidence_angle"].as_f64().unwrap()
            );
            let azimuth = p["view:azimuth"].as_f64().unwrap();
            assert!((0.0..360.0).contains(&azimuth), "{p}");
            assert!(p["view:sun_elevation"].is_number());
        }
        assert_eq!(report["satellites"][0]["elements"]["source"], "file");
        assert!(
            report["satellites"][0]["dark_windows"].as_u64().unwrap() >= 1,
            "{report:#}"
        );
        // Not computed: null, not 0 windows.
        assert_eq!(report["satellites"][1]["windows"], Value::Null);
    }
}

/// A fake CelesTrak: answers `GET /NORAD/elements/gp.php?CATNR=<id>&FORMAT=json` from `answers`
/// (id -> status and body; an unknown id gets CelesTrak's own 200 "No GP data found"), and
/// records each request line.
fn fake_celestrak(answers: Vec<(u64, u16, String)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            log.lock().unwrap().push(request.trim().to_string());
            let id: Option<u64> = request
                .split("CATNR=")
                .nth(1)
                .and_then(|rest| rest.split(['&', ' ']).next())
                .and_then(|id| id.parse().ok());
            let (status, body) = answers
                .iter()
                .find(|(known, _, _)| Some(*known) == id)
                .map(|(_, status, body)| (*status, body.clone()))
                .unwrap_or((200, "No GP data found".to_string()));
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

#[test]
fn update_fetches_the_table_satellites_and_names_each_failure() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // The OMM answer as CelesTrak writes it, from the test-made set.
    let set = parse(&element_set("48268", "060.25000000"))
        .unwrap()
        .remove(0);
    let omm = tasking_ls::config::elements::omm_json(&set);
    let (url, seen) = fake_celestrak(vec![
        (48268, 200, omm),
        (49070, 503, "{\"detail\": \"busy\"}".to_string()),
    ]);
    let output = run_in_home(
        h,
        &[
            "elements", "update", "--norad", "48268", "--norad", "49070", "--norad", "38012",
        ],
        &[
            ("TASKING_LS_ELEMENTS_URL", url.clone()),
            ("TASKING_LS_NOW", "2027-03-01T12:00:00Z".to_string()),
        ],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("Pléiades Neo 3 (NORAD 48268): added, epoch 2027-03-01 06:00:00 UTC"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "Pléiades Neo 4: {url}/NORAD/elements/gp.php?CATNR=49070&FORMAT=json: GET \
             /NORAD/elements/gp.php answered HTTP 503"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "Pléiades 1A: {url}/NORAD/elements/gp.php?CATNR=38012&FORMAT=json: HTTP 200 but \
             not OMM JSON (\"No GP data found\")"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("1 of 3 satellites updated from {url}")),
        "{shown}"
    );
    assert_eq!(
        seen.lock().unwrap()[0],
        "GET /NORAD/elements/gp.php?CATNR=48268&FORMAT=json HTTP/1.1"
    );
    // `--offline` asks nothing, whatever the source.
    let before = seen.lock().unwrap().len();
    let output = run_in_home(
        h,
        &["--offline", "elements", "update", "--source-url", &url],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("--offline forbids the network; nothing fetched"));
    assert_eq!(seen.lock().unwrap().len(), before);
}

#[test]
fn validate_passes_warns_with_fixes_only_when_asked_and_with_elements() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(h, "o_tasking_request.json", ORDER);
    let codes = |args: &[&str]| -> (Vec<Value>, String) {
        let output = run_in_home(h, args, &[]);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        let passes = report
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|d| d["code"] == "feasibility.passes")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        (passes, text(&output))
    };
    let json = ["validate", "--format", "json", "o_tasking_request.json"];
    let with_passes = [
        "validate",
        "--passes",
        "--format",
        "json",
        "o_tasking_request.json",
    ];
    // No elements anywhere: nothing, even when asked (never "no pass" without elements).
    let (found, shown) = codes(&with_passes);
    assert!(found.is_empty(), "{shown}");
    write(h, "p3.tle", &element_set("48268", "060.25000000"));
    assert_eq!(
        run_in_home(h, &["elements", "import", "p3.tle"], &clock())
            .status
            .code(),
        Some(0)
    );
    // Not asked: nothing.
    let (found, shown) = codes(&json);
    assert!(found.is_empty(), "{shown}");
    let (found, shown) = codes(&with_passes);
    assert_eq!(found.len(), 1, "{shown}");
    let d = &found[0];
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"].as_str().unwrap().starts_with(
            "no pass of Pléiades Neo 3 over this AOI at <= 10° incidence between 1 and 3 March \
             (elements of 1 March); the nearest needs 43.9°, closest on 1 March 16:14 UTC"
        ),
        "{d}"
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("; at <= 10° the next is closest on 3 March 15:56 UTC"),
        "{message}"
    );
    assert!(
        message.contains("; not computed: Pléiades Neo 4 (no element set)"),
        "{message}"
    );
    assert!(
        message.ends_with("; geometric access only; the provider's feasibility study decides"),
        "{message}"
    );
    // The range is the incidenceAngle value (line 13, 0-based 12).
    assert_eq!(d["range"]["start"]["line"], 12);
    assert_eq!(d["range"]["start"]["character"], 22);
    let titles: Vec<&str> = d["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Raise incidenceAngle to 44",
            "Extend acquisitionEnd to 2027-03-04"
        ]
    );
}

fn store_with_max_incidence(maximum: u32) -> SchemaStore {
    let mut store = SchemaStore::bundled();
    let id = "97891b26-bacf-48fb-9d30-46697a11ce65";
    let mut schema = store.get(id).unwrap().schema.clone();
    schema["definitions"]["incidenceAngle"]["maximum"] = Value::from(maximum);
    store.insert(ProductSchema::new(id, schema, SchemaOrigin::Bundled));
    store
}

fn apply(text: &str, fix: &tasking_ls::check::Fix) -> String {
    let mut out = text.to_string();
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        out.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
    }
    out
}

/// A raise past the schema's maximum is not offered; the extension still is.
#[test]
fn a_fix_the_schema_refuses_is_not_offered() {
    let sets = parse(&element_set("48268", "060.25000000")).unwrap();
    let doc = Document::new(ORDER);
    let store = store_with_max_incidence(30);
    let mut options = CheckOptions::new(&store);
    options.now = "2027-01-01T00:00:00Z".parse().unwrap();
    let found = tasking_ls::check::feasibility::pass_diagnostics(&doc, &options, &sets);
    assert_eq!(found.len(), 1);
    let titles: Vec<&str> = found[0].fixes.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["Extend acquisitionEnd to 2027-03-04"]);
    // No elements, no diagnostic.
    assert!(tasking_ls::check::feasibility::pass_diagnostics(&doc, &options, &[]).is_empty());
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Whatever the limit, place and window: every `feasibility.passes` fix applied gives
        /// an order the pass search no longer warns about and the schema accepts as before,
        /// and a limit raised to the nearest pass's angle never brings the warning back.
        #[test]
        fn every_fix_removes_the_warning_and_keeps_the_schema(
            limit in 5u32..25,
            lat in -60.0f64..60.0,
            lon in -180.0f64..179.0,
            days in 1u32..3,
        ) {
            let sets = parse(&element_set("48268", "060.25000000")).unwrap();
            let ring = format!(
                "[[[{lon}, {lat}], [{}, {lat}], [{}, {}], [{lon}, {}], [{lon}, {lat}]]]",
                lon + 0.2, lon + 0.2, lat + 0.2, lat + 0.2
            );
            let text = ORDER
                .replace("\"incidenceAngle\": 10", &format!("\"incidenceAngle\": {limit}"))
                .replace("2027-03-03T00:00:00Z", &format!("2027-03-0{}T00:00:00Z", 1 + days))
                .replace(
                    "[[[-79.64, 9.07], [-79.64, 8.87],\n      [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]",
                    &ring,
                );
            let store = SchemaStore::bundled();
            let mut options = CheckOptions::new(&store);
            options.now = "2027-01-01T00:00:00Z".parse().unwrap();
            let schema_faults = |t: &str| -> usize {
                tasking_ls::check::check_document(&Document::new(t), &options)
                    .iter()
                    .filter(|d| d.code.as_str().starts_with("schema."))
                    .count()
            };
            let found = tasking_ls::check::feasibility::pass_diagnostics(
                &Document::new(text.clone()), &options, &sets);
            prop_assert!(found.len() <= 1);
            for d in &found {
                prop_assert_eq!(d.code, Code::FeasibilityPasses);
                prop_assert!(d.message.ends_with("the provider's feasibility study decides"));
                for fix in &d.fixes {
                    let fixed = apply(&text, fix);
                    prop_assert_eq!(schema_faults(&fixed), schema_faults(&text), "{}", fix.title);
                    let again = tasking_ls::check::feasibility::pass_diagnostics(
                        &Document::new(fixed), &options, &sets);
                    prop_assert!(again.is_empty(), "{} left {:?}", fix.title, again);
                }
            }
        }
    }
}

/// The editor's hover reads the cache through `configured_for`: the nearest
/// tasking-ls.toml's `cache-dir`, and its `[feasibility] elements` first.
#[test]
fn configured_for_adds_the_cached_satellites_the_files_do_not_cover() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(h, "o_tasking_request.json", ORDER);
    write(
        h,
        "tasking-ls.toml",
        "cache-dir = \"c\"\n[feasibility]\nelements = [\"p3.tle\"]\n",
    );
    write(h, "p3.tle", &element_set("48268", "050.25000000"));
    write(
        h,
        "new.tle",
        &format!(
            "{}{}",
            element_set("48268", "060.25000000"),
            element_set("49070", "060.25000000")
        ),
    );
    let imported = run_in_home(h, &["elements", "import", "new.tle"], &clock());
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    let files = tasking_ls::config::elements::configured_for(&h.join("o_tasking_request.json"));
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(h).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["p3.tle", "c/elements/49070.json"]);
}

mod stapi {
    use super::*;
    use crate::support::stapi_server::StapiServer;

    const STAPI_ORDER: &str = r#"{
  "datetime": "2027-03-01T00:00:00Z/2027-03-05T00:00:00Z",
  "geometry": {"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]},
  "filter": {"op": "and", "args": [
    {"op": "<=", "args": [{"property": "cloud_cover"}, 20]},
    {"op": "<=", "args": [{"property": "off_nadir"}, 30]}
  ]},
  "order_parameters": {"resolution": "30cm", "reference": "AB-1234", "note": null}
}
"#;

    /// The provider's opportunities and ours in one report, each marked with its source;
    /// without a constellation for the product, ours says why it is not computed.
    #[test]
    fn the_providers_opportunities_beside_ours() {
        let Some(server) = StapiServer::start("the_providers_opportunities_beside_ours") else {
            return;
        };
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        write(
            h,
            "tasking-ls.toml",
            &format!(
                "[stapi]\nurl = \"{}\"\nproduct = \"optical-30cm\"\nconstellation = \"pneo-tasking\"\n",
                server.url
            ),
        );
        write(h, "o_stapi_order.json", STAPI_ORDER);
        write(h, "p3.tle", &element_set("48268", "060.25000000"));
        let args = [
            "opportunities",
            "o_stapi_order.json",
            "--elements",
            "p3.tle",
        ];
        let output = run_in_home(h, &args, &[]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains(
                "the provider's opportunities (source: provider): 3\n  provider  \
                 2027-03-01T10:30:00+00:00/2027-03-01T10:50:00+00:00  off_nadir=12.5\n"
            ),
            "{shown}"
        );
        assert!(
            shown.contains(
                "ours (source: tasking-ls), at <= 33.3° incidence (the filter's off_nadir <= \
                 30°, 33.3° incidence at 620 km):\n"
            ),
            "{shown}"
        );
        assert!(
            shown.contains(
                "Pléiades Neo 3 (NORAD 48268), elements of 2027-03-01 06:00 (from p3.tle"
            ),
            "{shown}"
        );
        let mut geojson_args = args.to_vec();
        geojson_args.extend(["--format", "geojson"]);
        let output = run_in_home(h, &geojson_args, &[]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let sources: Vec<&str> = report["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["source"].as_str().unwrap())
            .collect();
        assert_eq!(
            sources.iter().filter(|s| **s == "provider").count(),
            3,
            "{sources:?}"
        );
        assert!(sources.contains(&"tasking-ls"), "{sources:?}");
        assert_eq!(report["provider"]["count"], 3);

        // No constellation for the product: ours is not computed, and says why.
        write(
            h,
            "tasking-ls.toml",
            &format!(
                "[stapi]\nurl = \"{}\"\nproduct = \"optical-30cm\"\n",
                server.url
            ),
        );
        let output = run_in_home(h, &args, &[]);
        let shown = text(&output);
        assert!(
            shown.contains(
                "ours (source: tasking-ls): not computed: no constellation is configured for \
                 product optical-30cm: add constellation = \"<collection>\" to [stapi]"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("the provider's opportunities (source: provider): 3"),
            "{shown}"
        );
    }

    /// The tester's STAPI cases: a `between` and a value-first comparison bound the angle; a
    /// sun bound and the dark rule leave only lit windows; "no pass" names the satellites
    /// computed and those not, in the order's terms (the filter's bound, `datetime`), never
    /// above the queryable's maximum (45° off-nadir on the test server); in GeoJSON a
    /// satellite not computed has `windows: null`.
    #[test]
    fn our_windows_follow_every_bound_of_the_filter() {
        let Some(server) = StapiServer::start("our_windows_follow_every_bound_of_the_filter")
        else {
            return;
        };
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        write(
            h,
            "tasking-ls.toml",
            &format!(
                "[stapi]\nurl = \"{}\"\nproduct = \"optical-30cm\"\nconstellation = \"pneo-tasking\"\n",
                server.url
            ),
        );
        write(h, "p3.tle", &element_set("48268", "060.25000000"));
        let order = |datetime: &str, filter: &str| {
            STAPI_ORDER
                .replace("2027-03-01T00:00:00Z/2027-03-05T00:00:00Z", datetime)
                .replace(
                    "{\"op\": \"<=\", \"args\": [{\"property\": \"off_nadir\"}, 30]}",
                    filter,
                )
        };
        let run = |format: &str| {
            let output = run_in_home(
                h,
                &[
                    "opportunities",
                    "o_stapi_order.json",
                    "--elements",
                    "p3.tle",
                    "--format",
                    format,
                ],
                &[],
            );
            assert_eq!(output.status.code(), Some(0), "{}", text(&output));
            output
        };
        // A day at <= 5° off nadir (between), Neo 3's elements only.
        write(
            h,
            "o_stapi_order.json",
            &order(
                "2027-03-01T00:00:00Z/2027-03-02T00:00:00Z",
                "{\"op\": \"between\", \"args\": [{\"property\": \"off_nadir\"}, 0, 5]}",
            ),
        );
        let shown = text(&run("human"));
        assert!(
            shown.contains("(the filter's off_nadir <= 5°, 5.5° incidence at 620 km)"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "no pass of Pléiades Neo 3 at <= 5.5° incidence in the window (not computed, so \
                 nothing is said of: Pléiades Neo 4)"
            ),
            "{shown}"
        );
        assert!(
            !shown.contains("incidenceAngle") && !shown.contains("acquisitionEnd"),
            "{shown}"
        );
        assert!(
            shown.contains("extend the end of the order's datetime past it"),
            "{shown}"
        );
        let raise = shown
            .lines()
            .find(|l| l.contains("the nearest needs"))
            .unwrap_or_else(|| panic!("{shown}"));
        match raise.split_once("raise the filter's off_nadir bound to ") {
            Some((_, to)) => {
                let to: f64 = to.trim_end_matches('°').parse().unwrap();
                assert!(to <= 45.0, "{raise}");
            }
            None => assert!(raise.contains("the queryable's maximum is 45°"), "{raise}"),
        }
        let report: Value = serde_json::from_slice(&run("geojson").stdout).unwrap();
        assert_eq!(report["satellites"][0]["windows"], 0, "{report:#}");
        assert_eq!(
            report["satellites"][1]["windows"],
            Value::Null,
            "{report:#}"
        );

        // Four days, off_nadir <= 30 written value first, and the sun at least 30° up.
        write(
            h,
            "o_stapi_order.json",
            &order(
                "2027-03-01T00:00:00Z/2027-03-05T00:00:00Z",
                "{\"op\": \">=\", \"args\": [30, {\"property\": \"off_nadir\"}]}, \
                 {\"op\": \">=\", \"args\": [{\"property\": \"view:sun_elevation\"}, 30]}",
            ),
        );
        let shown = text(&run("human"));
        assert!(
            shown.contains("(the filter's off_nadir <= 30°, 33.3° incidence at 620 km)"),
            "{shown}"
        );
        let report: Value = serde_json::from_slice(&run("geojson").stdout).unwrap();
        let ours: Vec<&Value> = report["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["source"] == "tasking-ls")
            .collect();
        assert!(!ours.is_empty(), "{report:#}");
        for f in ours {
            let p = &f["properties"];
            assert!(p["view:sun_elevation"].as_f64().unwrap() >= 30.0, "{p}");
            assert!(p["view:off_nadir"].as_f64().unwrap() <= 30.0, "{p}");
        }
        let counted = report["satellites"][0]["dark_windows"].as_u64().unwrap()
            + report["satellites"][0]["outside_bounds"].as_u64().unwrap();
        assert!(counted >= 1, "{report:#}");
    }
}
