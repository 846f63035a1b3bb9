//! STAPI end to end against a real STAPI server (PyPI's `stapi-fastapi` with the in-memory
//! backend of `tests/stapi/server.py`, on 127.0.0.1): `validate` finds each fault of a STAPI
//! order once, at its range; `submit --yes` places exactly one order and never a second;
//! `status` shows it; a refusal's 422 `detail` is shown at the field it names; `stapi
//! opportunities` lists windows and sets the chosen one; `stapi products` lists the products;
//! `--offline` works from the cache. No mock stands in for the server.

use std::path::Path;

use serde_json::Value;

use crate::support::cli::{run_in_home, text};
use crate::support::stapi_server::StapiServer;

const VALID: &str = r#"{
  "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
  "geometry": {"type": "Polygon", "coordinates": [[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]]},
  "filter": {"op": "and", "args": [
    {"op": "<=", "args": [{"property": "cloud_cover"}, 20]},
    {"op": "<=", "args": [{"property": "off_nadir"}, 30]}
  ]},
  "order_parameters": {"resolution": "30cm", "reference": "AB-1234", "note": null}
}
"#;

/// A scratch folder with `tasking-ls.toml` pointing at `url`.
fn project(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tasking-ls.toml"),
        format!(
            "[stapi]\nurl = \"{url}\"\nproduct = \"optical-30cm\"\n\n[[stapi.files]]\n\
             pattern = \"radar/*_stapi_order.json\"\nproduct = \"sar-spotlight\"\n"
        ),
    )
    .unwrap();
    dir
}

/// `validate --format json` of one file: (code, severity, the text of its range).
fn findings(home: &Path, file: &str, extra: &[&str]) -> (i32, Vec<(String, String, String)>) {
    let mut args = extra.to_vec();
    args.extend(["validate", "--format", "json", file]);
    let output = run_in_home(home, &args, &[]);
    let source = std::fs::read_to_string(home.join(file)).unwrap();
    let lines: Vec<&str> = source.split('\n').collect();
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        lines[..line].iter().map(|l| l.len() + 1).sum::<usize>() + character
    };
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)));
    let found = report
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (start, end) = (offset(&d["range"]["start"]), offset(&d["range"]["end"]));
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                source[start..end].to_string(),
            )
        })
        .collect();
    (output.status.code().unwrap(), found)
}

#[test]
fn validate_finds_each_fault_once_at_its_range() {
    let Some(server) = StapiServer::start("validate_finds_each_fault_once_at_its_range") else {
        return;
    };
    let dir = project(&server.url);
    let home = dir.path();
    std::fs::write(home.join("ok_stapi_order.json"), VALID).unwrap();
    let (code, found) = findings(home, "ok_stapi_order.json", &[]);
    assert_eq!((code, found.clone()), (0, vec![]), "{found:?}");

    // Each case: the valid order with one substitution, the code and the text it points at.
    let cases: &[(&str, &str, &str, &str)] = &[
        ("\"30cm\"", "\"31cm\"", "schema.enum", "\"31cm\""),
        (
            "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
            "2027-01-05T00:00:00Z/2027-01-01T00:00:00Z",
            "dates.order",
            "2027-01-01T00:00:00Z",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]]}"#,
            r#"{"type": "LineString", "coordinates": [[10, 45], [11, 46]]}"#,
            "schema.enum",
            "\"LineString\"",
        ),
        (
            "\"off_nadir\"",
            "\"of_nadir\"",
            "filter.unknown-property",
            "\"of_nadir\"",
        ),
        (
            "\"op\": \"<=\", \"args\": [{\"property\": \"cloud_cover\"}",
            "\"op\": \"=<\", \"args\": [{\"property\": \"cloud_cover\"}",
            "filter.syntax",
            "\"=<\"",
        ),
        (
            "[11, 46], [10, 46]",
            "[11, 95], [10, 46]",
            "geometry.coordinate-range",
            "[11, 95]",
        ),
        (
            "\"cloud_cover\"}, 20]",
            "\"cloud_cover\"}, 120]",
            "filter.value",
            "120",
        ),
        // A list of two numbers is stored packed: its items are still checked.
        (
            "{\"op\": \"<=\", \"args\": [{\"property\": \"off_nadir\"}, 30]}",
            "{\"op\": \"in\", \"args\": [{\"property\": \"off_nadir\"}, [10, 130]]}",
            "filter.value",
            "130",
        ),
        ("\"AB-1234\"", "\"ab-1234\"", "schema.format", "\"ab-1234\""),
        (
            "2027-01-05T00:00:00Z\"",
            "2027-01-05T00:00:00\"",
            "schema.format",
            "2027-01-05T00:00:00",
        ),
    ];
    for (index, (from, to, expected_code, expected_text)) in cases.iter().enumerate() {
        assert!(VALID.contains(from), "case {index}: {from}");
        let name = format!("case{index}_stapi_order.json");
        std::fs::write(home.join(&name), VALID.replacen(from, to, 1)).unwrap();
        let (code, found) = findings(home, &name, &[]);
        assert_eq!(code, 1, "case {index} ({to}): {found:?}");
        assert_eq!(
            found,
            vec![(
                expected_code.to_string(),
                "error".to_string(),
                expected_text.to_string()
            )],
            "case {index} ({to})"
        );
    }

    // The radar product, by [[stapi.files]]: Polygon only, its own schema.
    std::fs::create_dir(home.join("radar")).unwrap();
    let radar = r#"{"datetime": "2027-01-01T00:00:00Z/..", "geometry": {"type": "Point", "coordinates": [10, 45]},
      "order_parameters": {"mode": "spotlite", "orbit_direction": null}}"#;
    std::fs::write(home.join("radar/r_stapi_order.json"), radar).unwrap();
    let (code, found) = findings(home, "radar/r_stapi_order.json", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![
            (
                "schema.enum".to_string(),
                "error".to_string(),
                "\"Point\"".to_string()
            ),
            (
                "schema.enum".to_string(),
                "error".to_string(),
                "\"spotlite\"".to_string()
            ),
        ]
    );

    // Offline, from the cache the runs above filled: the same verdicts.
    let (code, found) = findings(home, "case0_stapi_order.json", &["--offline"]);
    assert_eq!((code, found[0].0.as_str()), (1, "schema.enum"), "{found:?}");
    // Offline with an empty cache: said so, and the rest still checked.
    let empty = tempfile::tempdir().unwrap();
    let (code, found) = findings(
        home,
        "case5_stapi_order.json",
        &["--offline", "--cache-dir", empty.path().to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        codes,
        ["geometry.coordinate-range", "product.unknown"],
        "{found:?}"
    );
}

#[test]
fn submit_places_exactly_one_order_and_status_shows_it() {
    let Some(server) = StapiServer::start("submit_places_exactly_one_order_and_status_shows_it")
    else {
        return;
    };
    let dir = project(&server.url);
    let home = dir.path();
    std::fs::write(
        home.join("bad_stapi_order.json"),
        VALID.replace("\"30cm\"", "\"31cm\""),
    )
    .unwrap();
    let refused = run_in_home(home, &["submit", "--yes", "bad_stapi_order.json"], &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("nothing was sent"),
        "{}",
        text(&refused)
    );
    assert_eq!(server.order_count(), 0);

    std::fs::write(home.join("ok_stapi_order.json"), VALID).unwrap();
    let placed = run_in_home(home, &["submit", "--yes", "ok_stapi_order.json"], &[]);
    let shown = text(&placed);
    assert_eq!(placed.status.code(), Some(0), "{shown}");
    assert_eq!(server.order_count(), 1);
    let id = shown
        .lines()
        .find_map(|l| l.strip_prefix("Order placed: "))
        .unwrap()
        .to_string();
    assert!(
        shown.contains(&format!("Location: {}/orders/{id}", server.url)),
        "{shown}"
    );
    let receipt: Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("ok_stapi_order.order.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(receipt["orderId"], Value::String(id.clone()));
    assert_eq!(receipt["outcome"], "placed");

    // The same content again: refused without --again, nothing sent.
    let again = run_in_home(home, &["submit", "--yes", "ok_stapi_order.json"], &[]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("--again"), "{}", text(&again));
    assert_eq!(server.order_count(), 1);

    // The same order re-laid-out (Python's `json.dump(d, f, indent=4)`, then its keys
    // reordered): still the same content, still refused without --again.
    let order: Value = serde_json::from_str(VALID).unwrap();
    let relaid = serde_json::to_string_pretty(&order)
        .unwrap()
        .replace("  ", "    ");
    std::fs::write(home.join("ok_stapi_order.json"), &relaid).unwrap();
    let again = run_in_home(home, &["submit", "--yes", "ok_stapi_order.json"], &[]);
    let shown = text(&again);
    assert_eq!(again.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("This exact content was already submitted on ")
            && shown.contains("(the file differs only in layout: whitespace or the order of keys)")
            && shown.contains("pass --again together with --yes"),
        "{shown}"
    );
    let mut members: Vec<(String, Value)> =
        order.as_object().unwrap().clone().into_iter().collect();
    members.reverse();
    let reordered: serde_json::Map<String, Value> = members.into_iter().collect();
    std::fs::write(
        home.join("ok_stapi_order.json"),
        serde_json::to_string(&reordered).unwrap(),
    )
    .unwrap();
    let again = run_in_home(home, &["submit", "--yes", "ok_stapi_order.json"], &[]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert_eq!(server.order_count(), 1);
    std::fs::write(home.join("ok_stapi_order.json"), VALID).unwrap();

    for target in ["ok_stapi_order.json", id.as_str()] {
        let status = if target == id {
            run_in_home(home, &["stapi", "status", target], &[])
        } else {
            run_in_home(home, &["status", target], &[])
        };
        let shown = text(&status);
        assert_eq!(status.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains(&format!("Order {id} (product optical-30cm)")),
            "{shown}"
        );
        // The server sends the history oldest first and leaves the order's own status at
        // "received": the newest status is "accepted", and the history is newest first.
        assert!(shown.contains("Status: accepted since "), "{shown}");
        let history: Vec<&str> = shown
            .lines()
            .skip_while(|l| *l != "History (newest first):")
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(1))
            .collect();
        assert_eq!(history, ["accepted", "received"], "{shown}");
    }
}

#[test]
fn a_refusal_is_shown_at_the_field_it_names() {
    let Some(server) = StapiServer::start("a_refusal_is_shown_at_the_field_it_names") else {
        return;
    };
    let dir = project(&server.url);
    let home = dir.path();
    // Valid for the schema; the backend's own rule refuses priority 1 for pan images.
    let order = VALID.replace(
        "\"note\": null}",
        "\"note\": null,\n    \"bands\": \"pan\", \"priority\": 1}",
    );
    std::fs::write(home.join("pan_stapi_order.json"), &order).unwrap();
    let output = run_in_home(home, &["submit", "--yes", "pan_stapi_order.json"], &[]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    let line = order
        .lines()
        .position(|l| l.contains("\"priority\": 1"))
        .unwrap()
        + 1;
    let column = order.lines().nth(line - 1).unwrap().find("1}").unwrap() + 1;
    assert!(
        shown.contains(&format!(
            "pan_stapi_order.json:{line}:{column}: error[server]: order_parameters.priority: \
             priority 1 is not offered for pan images"
        )),
        "{shown}"
    );
    assert_eq!(server.order_count(), 0);
    let receipt =
        std::fs::read_to_string(home.join("pan_stapi_order.order.json")).unwrap_or_default();
    assert!(!receipt.contains("\"placed\""), "{receipt}");
}

#[test]
fn opportunities_are_listed_and_one_is_chosen() {
    let Some(server) = StapiServer::start("opportunities_are_listed_and_one_is_chosen") else {
        return;
    };
    let dir = project(&server.url);
    let home = dir.path();
    std::fs::write(home.join("o_stapi_order.json"), VALID.replace('\n', "\r\n")).unwrap();
    let listed = run_in_home(home, &["stapi", "opportunities", "o_stapi_order.json"], &[]);
    let shown = text(&listed);
    assert_eq!(listed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("1. 2027-01-01T10:30:00+00:00/2027-01-01T10:50:00+00:00"),
        "{shown}"
    );
    assert!(
        shown.contains("3. 2027-01-03T10:30:00+00:00/2027-01-03T10:50:00+00:00"),
        "{shown}"
    );
    let chosen = run_in_home(
        home,
        &[
            "stapi",
            "opportunities",
            "o_stapi_order.json",
            "--choose",
            "2",
        ],
        &[],
    );
    assert_eq!(chosen.status.code(), Some(0), "{}", text(&chosen));
    let after = std::fs::read_to_string(home.join("o_stapi_order.json")).unwrap();
    assert_eq!(
        after,
        VALID
            .replace(
                "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
                "2027-01-02T10:30:00+00:00/2027-01-02T10:50:00+00:00"
            )
            .replace('\n', "\r\n")
    );
    let (code, found) = findings(home, "o_stapi_order.json", &[]);
    assert_eq!((code, found.clone()), (0, vec![]), "{found:?}");
}

#[test]
fn products_lists_both_with_their_geometry_types() {
    let Some(server) = StapiServer::start("products_lists_both_with_their_geometry_types") else {
        return;
    };
    let dir = project(&server.url);
    let output = run_in_home(dir.path(), &["stapi", "products"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "optical-30cm\tOptical 30 cm\tPoint, Polygon\nsar-spotlight\tSAR spotlight\tPolygon\n"
    );
}

/// `preview` of a STAPI order draws its top-level geometry (holes as holes), captions its
/// `datetime` window, and shows the findings `validate` gives (none for a valid order; one
/// marker for a self-intersection), not the UP42 envelope's.
#[test]
fn preview_draws_a_stapi_order_with_its_own_findings() {
    let Some(server) = StapiServer::start("preview_draws_a_stapi_order_with_its_own_findings")
    else {
        return;
    };
    let dir = project(&server.url);
    let with_hole = VALID.replace(
        "[[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]]",
        "[[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]], \
         [[10.4, 45.4], [10.6, 45.4], [10.6, 45.6], [10.4, 45.6], [10.4, 45.4]]]",
    );
    std::fs::write(dir.path().join("hole_stapi_order.json"), &with_hole).unwrap();
    let output = run_in_home(
        dir.path(),
        &["preview", "hole_stapi_order.json", "-o", "hole.svg"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let svg = std::fs::read_to_string(dir.path().join("hole.svg")).unwrap();
    assert_eq!(svg.matches("class=\"aoi-polygon\"").count(), 1, "{svg}");
    // Two rings in one path (the hole cut by the even-odd rule).
    let path = svg.split("class=\"aoi-polygon\"").nth(1).unwrap();
    let d = path
        .split("d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(d.matches('M').count(), 2, "{d}");
    assert!(svg.contains("STAPI order"), "{svg}");
    assert!(svg.contains("2027-01-01 → 2027-01-05 (4 days)"), "{svg}");
    // The same findings as `validate` (a warning at most: no UP42 envelope errors).
    assert!(svg.contains("0 errors"), "{svg}");

    let bowtie = VALID.replace(
        "[[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]]",
        "[[[10, 45], [11, 46], [11, 45], [10, 46], [10, 45]]]",
    );
    std::fs::write(dir.path().join("bowtie_stapi_order.json"), &bowtie).unwrap();
    let output = run_in_home(
        dir.path(),
        &["preview", "bowtie_stapi_order.json", "-o", "bowtie.svg"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let svg = std::fs::read_to_string(dir.path().join("bowtie.svg")).unwrap();
    assert!(svg.contains("geometry.self-intersection"), "{svg}");
    assert!(!svg.contains("product.missing"), "{svg}");
}

/// `aoi set` on a STAPI order, as the tester ran it: the area goes into the top-level
/// `geometry`, the result validates clean against the server's product; a MultiPolygon is
/// refused for a product whose `conformsTo` lists no MultiPolygon, the file untouched.
#[test]
fn aoi_set_puts_the_area_in_a_stapi_orders_geometry() {
    let Some(server) = StapiServer::start("aoi_set_puts_the_area_in_a_stapi_orders_geometry")
    else {
        return;
    };
    let dir = project(&server.url);
    let home = dir.path();
    std::fs::write(home.join("ok_stapi_order.json"), VALID).unwrap();
    let aoi = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/aoi");
    let wkt = aoi.join("south_field.wkt");
    let set = run_in_home(
        home,
        &["aoi", "set", "ok_stapi_order.json", wkt.to_str().unwrap()],
        &[],
    );
    let shown = text(&set);
    assert_eq!(set.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("ok_stapi_order.json: geometry set from")
            && shown.contains("no problems found"),
        "{shown}"
    );
    let after = std::fs::read_to_string(home.join("ok_stapi_order.json")).unwrap();
    let value: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(value["geometry"]["type"], "Polygon", "{after}");
    assert_eq!(
        value["geometry"]["coordinates"][0][0],
        serde_json::json!([13.3601, 52.5001])
    );
    assert_eq!(
        value["filter"],
        serde_json::from_str::<Value>(VALID).unwrap()["filter"]
    );

    // Three separate fields merged: a MultiPolygon, which optical-30cm does not take.
    let fields = aoi.join("fields.geojson");
    let refused = run_in_home(
        home,
        &[
            "aoi",
            "set",
            "ok_stapi_order.json",
            fields.to_str().unwrap(),
            "--union",
        ],
        &[],
    );
    let shown = text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("product 'optical-30cm' accepts 'Point' or 'Polygon'")
            && shown.contains("--feature"),
        "{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(home.join("ok_stapi_order.json")).unwrap(),
        after,
        "untouched on refusal"
    );
}
