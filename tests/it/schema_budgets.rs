//! The schema check's work is bounded whatever the schema (issues 14 and 15): a schema whose
//! `allOf`s fan out over `$ref`s into a 50,000-value enum (reliability case 15) gives one
//! diagnostic per wrong value, not one per branch; a fan-out past the error budget ends with
//! a clear `schema.other` saying the check stopped; a 20,000-value enum of 1,000-character
//! values and a long wrong value gets its `schema.enum` without a quadratic did-you-mean (the
//! distance work itself is counted in `check::messages`' unit tests). No timing is asserted:
//! each test's only limit is a guard against a hang.

use serde_json::{json, Value};
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic};
use tasking_ls::document::Document;
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SchemaStore};

const PRODUCT: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";

/// Reliability case 15's schema: `depth` levels of `allOf: [$ref, $ref]` over one enum of
/// `values` strings, and 20 properties each referring to the top level.
fn fan_out_schema(depth: usize, values: usize) -> Value {
    let mut definitions = serde_json::Map::new();
    for i in 0..depth {
        definitions.insert(
            format!("d{i}"),
            json!({"allOf": [
                {"$ref": format!("#/definitions/d{}", i + 1)},
                {"$ref": format!("#/definitions/d{}", i + 1)}
            ]}),
        );
    }
    let options: Vec<String> = (0..values).map(|i| format!("v{i}")).collect();
    definitions.insert(
        format!("d{depth}"),
        json!({"type": "string", "enum": options}),
    );
    let properties: serde_json::Map<String, Value> = (0..20)
        .map(|i| (format!("p{i}"), json!({"$ref": "#/definitions/d0"})))
        .collect();
    json!({"type": "object", "properties": properties, "definitions": definitions})
}

fn check_with(schema: Value, params: &Value) -> (Document, Vec<Diagnostic>) {
    let mut store = SchemaStore::bundled();
    store.insert(ProductSchema::new(PRODUCT, schema, SchemaOrigin::Bundled));
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let text =
        serde_json::to_string_pretty(&json!({"dataProduct": PRODUCT, "params": params})).unwrap();
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, &options);
    (doc, diagnostics)
}

fn twenty(value: &str) -> Value {
    Value::Object((0..20).map(|i| (format!("p{i}"), json!(value))).collect())
}

#[test]
fn the_allof_enum_blowup_gives_one_diagnostic_per_wrong_value() {
    let schema = fan_out_schema(6, 50_000);
    let (_, diagnostics) = check_with(schema.clone(), &twenty("v7"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let (doc, diagnostics) = check_with(schema, &twenty("nope"));
    // 64 branches report each wrong value: one diagnostic each, on the value.
    assert_eq!(diagnostics.len(), 20, "{diagnostics:#?}");
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        assert_eq!(diagnostic.code, Code::SchemaEnum);
        assert_eq!(doc.slice(diagnostic.range), "\"nope\"");
        assert!(
            diagnostic.message.starts_with(&format!(
                "'nope' is not allowed for p{i}; allowed: 'v0', 'v1'"
            )),
            "{}",
            diagnostic.message
        );
        // The message and the fixes stay small whatever the enum's size.
        assert!(
            diagnostic.message.len() < 2_000,
            "{}",
            diagnostic.message.len()
        );
        assert!(diagnostic.fixes.len() <= 20, "{}", diagnostic.fixes.len());
    }
}

#[test]
fn a_fan_out_past_the_error_budget_says_the_check_stopped() {
    // 1,024 branches × 20 wrong values = 20,480 errors, past the 20,000 the check reads.
    let (doc, diagnostics) = check_with(fan_out_schema(10, 3), &twenty("nope"));
    let stopped: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::SchemaOther)
        .collect();
    assert_eq!(stopped.len(), 1, "{diagnostics:#?}");
    assert_eq!(doc.slice(stopped[0].range), format!("\"{PRODUCT}\""));
    assert_eq!(
        stopped[0].message,
        format!(
            "schema check stopped: the schema of product {PRODUCT} gave more than 20000 errors; fix the ones reported and check again"
        )
    );
    // What was read before the budget ran out is reported, each fault once.
    let enums = diagnostics
        .iter()
        .filter(|d| d.code == Code::SchemaEnum)
        .count();
    assert!((1..=20).contains(&enums), "{enums}");
}

#[test]
fn a_long_enum_of_long_values_and_a_long_wrong_value_get_one_enum_diagnostic() {
    let mut schema: Value = serde_json::from_str(include_str!(
        "../../schemas-cache/bd102407-1814-4f92-8b5a-7697b7a73f5a.json"
    ))
    .unwrap();
    let values: Vec<String> = (0..20_000)
        .map(|i| format!("{i:05}-{}", "abcdefghij".repeat(100))[..1000].to_string())
        .collect();
    schema["properties"]["acquisitionMode"] = json!({"type": "string", "enum": values});
    let mut params: Value = serde_json::from_str::<Value>(include_str!(
        "../../examples/pleiades_analytic_mono_tasking_request.json"
    ))
    .unwrap()["params"]
        .clone();
    let wrong = format!("{}-{}", "z".repeat(2500), "abcdefghij".repeat(250));
    params["acquisitionMode"] = json!(wrong);
    let (doc, diagnostics) = check_with(schema.clone(), &params);
    let enums: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::SchemaEnum)
        .collect();
    assert_eq!(enums.len(), 1, "{diagnostics:#?}");
    assert_eq!(doc.slice(enums[0].range), format!("\"{wrong}\""));
    assert!(enums[0]
        .message
        .contains("is not allowed for acquisitionMode; allowed: '00000-abc"));
    assert!(
        enums[0].message.len() < 20_000,
        "{}",
        enums[0].message.len()
    );
    // A value one character short of an allowed one is still recognised, by prefix.
    params["acquisitionMode"] = json!(values[4321][..999]);
    let (_, diagnostics) = check_with(schema, &params);
    let enums: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::SchemaEnum)
        .collect();
    assert_eq!(enums.len(), 1, "{diagnostics:#?}");
    assert!(
        enums[0].message.contains("; did you mean '04321-abc"),
        "{}",
        &enums[0].message[..200]
    );
    assert!(enums[0].fixes[0].preferred);
}
