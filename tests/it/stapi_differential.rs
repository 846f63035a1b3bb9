//! The order-parameters check of search-style (STAPI) orders against the reference validator:
//! for thousands of generated `order_parameters` objects, per product schema published by the
//! STAPI test server (`tests/stapi/fixtures/`, as `stapi-fastapi` serves them: `$defs` and
//! `$ref`, enums, ranges, a pattern, nullable `anyOf` fields, and `if`/`then`/`else`), the
//! verdict of tasking-ls (any `schema.*` error inside `order_parameters`) equals the
//! `jsonschema` crate's (`validator_for`, the draft it detects) on the same value; and every
//! diagnostic of a generated order lies inside `order_parameters` (nothing else is faulted).
//!
//! Counts: [`CASES`] orders per schema from the seed [`SEED`]; each verdict is at least a
//! tenth of them (the test asserts it and prints the split).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use tasking_ls::check::{check_document, CheckOptions, Severity};
use tasking_ls::document::Document;
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SchemaStore, SearchProduct};

const SEED: u64 = 0x57a9_1000_0000_0026;
const CASES: usize = 2_500;

/// splitmix64: small, seeded, the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/stapi/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Values worth trying somewhere in `schema`: its enum and const members, its bounds and
/// their neighbours, its defaults (recursively), plus values of every JSON type.
fn interesting(schema: &Value, out: &mut Vec<Value>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "enum" => out.extend(value.as_array().into_iter().flatten().cloned()),
                    "const" | "default" => out.push(value.clone()),
                    "minimum" | "maximum" => {
                        if let Some(n) = value.as_f64() {
                            for delta in [-1.0, -0.5, 0.0, 0.5, 1.0] {
                                out.push(json!(n + delta));
                            }
                            out.push(json!(n as i64));
                            out.push(json!(n as i64 + 1));
                            out.push(json!(n as i64 - 1));
                        }
                    }
                    _ => interesting(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| interesting(i, out)),
        _ => {}
    }
}

fn generate(rng: &mut Rng, schema: &Value, pool: &[Value]) -> Value {
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut object = Map::new();
    for (name, property) in &properties {
        let keep = if required.contains(&name.as_str()) {
            95
        } else {
            60
        };
        if !rng.chance(keep) {
            continue;
        }
        // Mostly a value of the property's own, sometimes any interesting one.
        let mut own = Vec::new();
        interesting(property, &mut own);
        if let Some(reference) = property["$ref"].as_str() {
            let name = reference.rsplit('/').next().unwrap_or_default();
            interesting(&schema["$defs"][name], &mut own);
        }
        // A string with a pattern: a text that matches one of the fixtures' patterns.
        if property.to_string().contains("\"pattern\"") {
            own.extend([json!("AB-1234"), json!("P123")]);
        }
        let value = if !own.is_empty() && rng.chance(90) {
            own[rng.below(own.len())].clone()
        } else {
            pool[rng.below(pool.len())].clone()
        };
        object.insert(name.clone(), value);
    }
    if rng.chance(8) {
        object.insert("unknown_option".to_string(), json!(1));
    }
    Value::Object(object)
}

fn run(options_file: &str, queryables_file: &str) {
    let schema = fixture(options_file);
    let reference = jsonschema::validator_for(&schema).unwrap();
    let product = SearchProduct {
        id: "p".to_string(),
        title: String::new(),
        options: Some(ProductSchema::new(
            "p",
            schema.clone(),
            SchemaOrigin::Fetched,
        )),
        queryables: Some(ProductSchema::new(
            "p#queryables",
            fixture(queryables_file),
            SchemaOrigin::Fetched,
        )),
        geometry_types: Some(vec!["Polygon".to_string()]),
        unavailable: None,
    };
    let product = Arc::new(product);
    let store = SchemaStore::default();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-01-01T00:00:00Z".parse().unwrap();
    options.search_product = Some(&product);

    let mut pool = vec![
        json!(null),
        json!(true),
        json!(""),
        json!("AB-1234"),
        json!("ab-1234"),
        json!("P123"),
        json!("P12"),
        json!("x"),
        json!(0),
        json!(-1),
        json!(3.5),
        json!(1e9),
        json!([]),
        json!({}),
        json!("a note well under forty characters"),
        json!("a note that is much longer than the forty characters allowed"),
    ];
    interesting(&schema, &mut pool);
    let mut rng = Rng(SEED ^ options_file.len() as u64);
    let (mut valid, mut invalid) = (0usize, 0usize);
    for case in 0..CASES {
        let parameters = generate(&mut rng, &schema, &pool);
        let expected = reference.is_valid(&parameters);
        let order = json!({
            "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
            "geometry": {"type": "Polygon", "coordinates": [[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]]},
            "order_parameters": parameters,
        });
        let text = serde_json::to_string_pretty(&order).unwrap();
        let document = Document::new(text.clone());
        let diagnostics = check_document(&document, &options);
        let options_range = document
            .root()
            .and_then(|r| r.member("order_parameters"))
            .map(|m| m.range)
            .unwrap();
        for d in &diagnostics {
            assert!(
                d.range.start >= options_range.start && d.range.end <= options_range.end,
                "{options_file} case {case}: a diagnostic outside order_parameters: {d:?}\n{text}"
            );
        }
        let faulted = diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error && d.code.as_str().starts_with("schema."));
        assert_eq!(
            !faulted,
            expected,
            "{options_file} case {case}: tasking-ls says {}, jsonschema says {}\n{text}\n{diagnostics:#?}",
            if faulted { "invalid" } else { "valid" },
            if expected { "valid" } else { "invalid" },
        );
        if expected {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    // Both verdicts are well represented, or the comparison proves little.
    assert!(
        valid > CASES / 5 && invalid > CASES / 5,
        "{options_file}: {valid} valid, {invalid} invalid"
    );
}

#[test]
fn optical_order_parameters_verdicts_equal_jsonschema() {
    run(
        "optical-30cm.order-parameters.json",
        "optical-30cm.queryables.json",
    );
}

#[test]
fn radar_order_parameters_with_if_then_else_verdicts_equal_jsonschema() {
    run(
        "sar-spotlight.order-parameters.json",
        "sar-spotlight.queryables.json",
    );
}
