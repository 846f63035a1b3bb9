//! The example order requests against the bundled schemas: the valid ones validate cleanly
//! (and their rings wind counter-clockwise), the broken one shows exactly the mistakes it is
//! meant to show.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tasking_ls::schema::SchemaStore;

fn example(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(instance path, keyword)` of every schema error of the request's params.
fn schema_errors(request: &Value, params: &Value) -> Vec<(String, String)> {
    let store = SchemaStore::try_bundled().unwrap();
    let id = request["dataProduct"].as_str().unwrap();
    let schema = store.get(id).unwrap_or_else(|| panic!("{id} is bundled"));
    let validator = schema.validator().unwrap();
    let mut errors: Vec<_> = validator
        .iter_errors(params)
        .map(|e| (e.instance_path().to_string(), e.kind().keyword().to_owned()))
        .collect();
    errors.sort();
    errors
}

/// Twice the signed area of a ring (shoelace): positive when counter-clockwise.
fn signed_area(ring: &Value) -> f64 {
    let points: Vec<(f64, f64)> = ring
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    points
        .windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum()
}

#[test]
fn the_seed_example_is_valid_and_counter_clockwise() {
    let request = example("pleiades_analytic_mono_tasking_request.json");
    assert_eq!(
        request["dataProduct"],
        "bd102407-1814-4f92-8b5a-7697b7a73f5a"
    );
    assert_eq!(schema_errors(&request, &request["params"]), []);
    let ring = &request["params"]["geometry"]["coordinates"][0];
    assert_eq!(ring[0], ring[4], "closed");
    assert!(
        signed_area(ring) > 0.0,
        "exterior ring counter-clockwise (RFC 7946)"
    );
    assert!(request["params"]["acquisitionStart"].as_str().unwrap() > "2027");
}

#[test]
fn the_sar_example_is_valid_once_its_geometry_is_in_params() {
    let request = example("sar_spot_tasking_request.json");
    let mut params = request["params"].clone();
    assert!(
        params.get("geometry").is_none(),
        "current envelope: geometry lives in featureCollection"
    );
    let feature = &request["featureCollection"]["features"][0];
    assert_eq!(feature["type"], "Feature");
    params["geometry"] = feature["geometry"].clone();
    assert_eq!(schema_errors(&request, &params), []);
    assert!(signed_area(&feature["geometry"]["coordinates"][0]) > 0.0);
    assert_eq!(request["displayName"], params["displayName"]);
    assert!(request["tags"]
        .as_array()
        .is_some_and(|tags| !tags.is_empty()));
}

#[test]
fn the_broken_example_shows_each_mistake() {
    let request = example("invalid/pleiades_analytic_broken_tasking_request.json");
    let params = &request["params"];
    let errors = schema_errors(&request, params);
    let expected = [
        ("", "additionalProperties"),      // "cloudCover"
        ("/cloudCoverage", "maximum"),     // 150
        ("/geometricProcessing", "anyOf"), // "ortho-rectified"
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, k)| (p.to_string(), k.to_string()))
        .collect();
    assert_eq!(errors, expected);
    // The other two are not the schema's business: the checks find them.
    let ring = params["geometry"]["coordinates"][0].as_array().unwrap();
    assert!(
        ring.len() >= 4 && ring.first() != ring.last(),
        "unclosed ring"
    );
    assert!(
        params["acquisitionEnd"].as_str() < params["acquisitionStart"].as_str(),
        "end before start"
    );
}

#[test]
fn only_invalid_examples_live_under_invalid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with("_tasking_request.json") {
                found.push(path.strip_prefix(&root).unwrap().to_owned());
            }
        }
    }
    found.sort();
    let names: Vec<String> = found
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        names,
        [
            "invalid/pleiades_analytic_broken_tasking_request.json",
            "pleiades_analytic_mono_tasking_request.json",
            "sar_spot_tasking_request.json",
        ]
    );
}
