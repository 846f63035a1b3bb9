//! Tests of the schema store and navigation, over the bundled schemas (both provider styles)
//! and small schemas written for one case each.

use std::path::Path;

use serde_json::{json, Value};

use super::*;
use crate::document::PathSegment::{Index, Key};

const ANALYTIC: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
const DISPLAY: &str = "d7674bfe-a2ea-4349-8adc-6508943e6f1e";
const SAR: &str = "e45afbfa-a06c-4d61-9579-b11ed08641e5";
const PNEO: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";

fn bundled(id: &str) -> Arc<ProductSchema> {
    SchemaStore::try_bundled()
        .expect("bundled schemas load")
        .get(id)
        .expect("bundled product")
}

fn allowed(field: &FieldInfo) -> Vec<(Value, Option<&str>)> {
    field
        .allowed
        .iter()
        .map(|a| (a.value.clone(), a.title.as_deref()))
        .collect()
}

/// The seed's params (SEED, up42-api.md §5), dates and ring order as the provider wrote them.
fn seed_params() -> Value {
    json!({
        "displayName": "My satellite tasking order",
        "acquisitionStart": "2022-08-01T00:00:00.000Z",
        "acquisitionEnd": "2022-10-01T00:00:00.000Z",
        "acquisitionMode": "mono",
        "radiometricProcessing": "reflectance",
        "geometricProcessing": "ortho",
        "spectralProcessing": "bundle",
        "deliveredAs": "geotiff",
        "geometry": {"type": "Polygon", "coordinates": [[
            [-79.6418, 9.0727], [-79.4387, 9.0727], [-79.4388, 8.8703],
            [-79.6418, 8.8703], [-79.6418, 9.0727]
        ]]},
        "extraDescription": "Capture high resolution images over my AOI",
        "cloudCoverage": 10,
        "incidenceAngle": 10,
        "pixelCoding": "12bits",
        "projection": "4326"
    })
}

fn errors(schema: &ProductSchema, params: &Value) -> Vec<(String, String)> {
    let validator = schema.validator().expect("compiles");
    validator
        .iter_errors(params)
        .map(|e| (e.instance_path().to_string(), e.kind().keyword().to_owned()))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn every_bundled_file_loads_compiles_and_is_indexed() {
    let store = SchemaStore::try_bundled().unwrap();
    assert_eq!(store.schema_ids(), {
        let mut ids = vec![ANALYTIC, DISPLAY, SAR, PNEO];
        ids.sort();
        ids
    });
    for id in store.schema_ids() {
        let schema = store.get(&id).unwrap();
        assert_eq!(schema.origin, SchemaOrigin::Bundled);
        assert!(schema.validator().is_ok(), "{id} compiles");
        assert!(!schema.fields().is_empty(), "{id} has fields");
        assert!(!schema.allows_additional_properties(), "{id} is closed");
        let product = store
            .product(&id)
            .unwrap_or_else(|| panic!("{id} is in products.json"));
        assert!(!product.title.is_empty() && !product.collection.is_empty());
    }
    assert_eq!(store.products().len(), 4, "no index entry without a schema");
    // `bundled()` is the same set when nothing is broken.
    assert_eq!(SchemaStore::bundled().schema_ids(), store.schema_ids());
}

#[test]
fn bundled_products_index_names_collections() {
    let store = SchemaStore::bundled();
    let analytic = store.product(ANALYTIC).unwrap();
    assert_eq!(
        (
            analytic.title.as_str(),
            analytic.collection.as_str(),
            analytic.collection_title.as_str()
        ),
        ("Analytic", "phr-tasking", "Pléiades")
    );
    assert_eq!(store.product(DISPLAY).unwrap().collection, "phr-tasking");
    assert_eq!(store.product(PNEO).unwrap().collection, "pneo-tasking");
    assert_eq!(store.product(SAR).unwrap().collection, "capella-tasking");
}

#[test]
fn acquisition_mode_in_the_current_style() {
    let field = bundled(ANALYTIC).field("acquisitionMode").unwrap();
    assert_eq!(field.name, "acquisitionMode");
    assert_eq!(field.title.as_deref(), Some("Acquisition mode"));
    assert!(field
        .description
        .as_deref()
        .unwrap()
        .starts_with("mono, stereo or tristereo"));
    assert_eq!(field.types, ["string"]);
    assert_eq!(field.default, Some(json!("mono")));
    assert_eq!(
        allowed(&field),
        [
            (json!("mono"), Some("Mono")),
            (json!("stereo"), Some("Stereo")),
            (json!("tristereo"), Some("Tri-stereo"))
        ]
    );
    assert!(field.required);
    assert!(!field.is_polygon);
}

#[test]
fn acquisition_mode_in_the_older_style() {
    let field = bundled(PNEO).field("acquisitionMode").unwrap();
    // The property's title wins over the definition's (`"acquisitionMode"`).
    assert_eq!(field.title.as_deref(), Some("Acquisition mode"));
    assert!(field
        .description
        .as_deref()
        .unwrap()
        .starts_with("mono, stereo or tristereo"));
    assert_eq!(field.types, ["string"]);
    assert_eq!(field.default, Some(json!("mono")));
    assert_eq!(
        allowed(&field),
        [
            (json!("mono"), Some("MONO")),
            (json!("stereo"), Some("STEREO")),
            (json!("tristereo"), Some("TRISTEREO"))
        ]
    );
    assert!(field.required);
    // The merged schema has the definition's keywords and no reference left.
    assert!(field.schema.get("anyOf").is_some());
    assert!(field.schema.get("allOf").is_none());
}

#[test]
fn older_numbers_come_from_their_definitions() {
    let schema = bundled(PNEO);
    let cloud = schema.field("cloudCoverage").unwrap();
    assert_eq!(
        (cloud.minimum, cloud.maximum, cloud.default),
        (Some(5.0), Some(20.0), Some(json!(10)))
    );
    assert_eq!(cloud.types, ["integer"]);
    let incidence = schema.field("incidenceAngle").unwrap();
    assert_eq!(
        (incidence.minimum, incidence.maximum),
        (Some(5.0), Some(50.0))
    );
    let min_bh = schema.field("minBH").unwrap();
    assert_eq!(min_bh.types, ["number", "null"]);
    assert!(!min_bh.required);
    let start = schema.field("acquisitionStart").unwrap();
    assert_eq!(start.format.as_deref(), Some("date-time"));
}

#[test]
fn inline_and_referenced_fields_give_the_same_facts() {
    let options = json!([{"const": "spot", "title": "Spot"}, {"const": "strip", "title": "Strip"}]);
    let inline = ProductSchema::new(
        "a",
        json!({"type": "object", "required": ["mode"], "properties": {"mode": {
            "title": "Mode", "type": "string", "description": "How", "default": "spot",
            "anyOf": options, "minLength": 1
        }}}),
        SchemaOrigin::Fetched,
    );
    let referenced = ProductSchema::new(
        "b",
        json!({"type": "object", "required": ["mode"],
            "properties": {"mode": {"type": "string", "allOf": [{"$ref": "#/definitions/mode"}], "title": "Mode"}},
            "definitions": {"mode": {"title": "mode", "description": "How", "anyOf": options,
                "allOf": [{"$ref": "#/definitions/nonEmpty"}], "default": "spot"},
                "nonEmpty": {"minLength": 1}}}),
        SchemaOrigin::Fetched,
    );
    assert_eq!(inline.field("mode"), referenced.field("mode"));
    assert_eq!(inline.fields(), referenced.fields());
}

#[test]
fn enum_const_and_nullable_anyof_are_enum_like() {
    let schema = ProductSchema::new(
        "x",
        json!({"properties": {
            "e": {"enum": ["a", "b"]},
            "c": {"const": 3},
            "n": {"anyOf": [{"const": "a", "title": "A"}, {"type": "null"}]},
            "free": {"anyOf": [{"const": "a"}, {"type": "string"}]}
        }}),
        SchemaOrigin::Fetched,
    );
    let [e, c, n, free] = ["e", "c", "n", "free"].map(|name| schema.field(name).unwrap());
    assert_eq!(allowed(&e), [(json!("a"), None), (json!("b"), None)]);
    assert_eq!(allowed(&c), [(json!(3), None)]);
    assert_eq!(allowed(&n), [(json!("a"), Some("A")), (Value::Null, None)]);
    assert_eq!(allowed(&free), []);
    assert!(schema.allows_additional_properties());
    assert!(schema.required().is_empty());
}

#[test]
fn geometry_is_a_polygon_in_every_style() {
    // Analytic: `$ref`; PNEO: `allOf` of `$ref`; SAR: inline.
    for id in [ANALYTIC, PNEO, SAR, DISPLAY] {
        let schema = bundled(id);
        let geometry = schema.field("geometry").unwrap();
        assert!(geometry.is_polygon, "{id}");
        assert_eq!(geometry.title.as_deref(), Some("Geometry"), "{id}");
        let kind = schema
            .field_at(&[Key("geometry".into()), Key("type".into())])
            .unwrap();
        assert_eq!(allowed(&kind), [(json!("Polygon"), None)], "{id}");
        assert_eq!(kind.default, Some(json!("Polygon")));
        assert!(!kind.required, "the provider only requires coordinates");
        let coordinates = schema
            .field_at(&[Key("geometry".into()), Key("coordinates".into())])
            .unwrap();
        assert!(coordinates.required);
        assert_eq!(coordinates.types, ["array"]);
    }
}

#[test]
fn field_at_steps_through_items() {
    let schema = bundled(ANALYTIC);
    let path = |rest: &[crate::document::PathSegment]| {
        let mut path = vec![Key("geometry".into()), Key("coordinates".into())];
        path.extend_from_slice(rest);
        schema.field_at(&path).unwrap()
    };
    let ring = path(&[Index(0)]);
    assert_eq!(ring.name, "coordinates[0]");
    assert_eq!(ring.min_items, Some(4));
    let position = path(&[Index(0), Index(3)]);
    assert_eq!((position.min_items, position.max_items), (Some(2), Some(2)));
    let number = path(&[Index(0), Index(3), Index(1)]);
    assert_eq!(number.types, ["number"]);
    assert_eq!(number.name, "coordinates[0][3][1]");
    assert!(schema.field_at(&[Key("nope".into())]).is_none());
    assert!(schema
        .field_at(&[Key("cloudCoverage".into()), Index(0)])
        .is_none());
    assert!(schema.field_at(&[]).is_none());
}

#[test]
fn field_at_uses_tuple_items_and_additional_properties() {
    let schema = ProductSchema::new(
        "x",
        json!({"properties": {"pair": {"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "number"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 9}}}}),
        SchemaOrigin::Fetched,
    );
    let at = |path: &[crate::document::PathSegment]| schema.field_at(path).unwrap();
    assert_eq!(at(&[Key("pair".into()), Index(0)]).types, ["string"]);
    assert_eq!(at(&[Key("pair".into()), Index(5)]).types, ["number"]);
    assert_eq!(
        at(&[Key("labels".into()), Key("any".into())]).max_length,
        Some(9)
    );
}

#[test]
fn fields_keep_the_schema_order_and_required() {
    let schema = bundled(ANALYTIC);
    let names: Vec<String> = schema.fields().iter().map(|f| f.name.clone()).collect();
    assert_eq!(names.first().map(String::as_str), Some("displayName"));
    assert_eq!(names.last().map(String::as_str), Some("projection"));
    assert_eq!(names.len(), 14);
    let required = schema.required();
    assert_eq!(required.len(), 12);
    assert!(!required.contains(&"projection".to_owned()));
    assert!(!required.contains(&"extraDescription".to_owned()));
    let projection = schema.field("projection").unwrap();
    assert!(!projection.required);
    let name = schema.field("displayName").unwrap();
    assert_eq!((name.min_length, name.max_length), (Some(1), Some(200)));
}

#[test]
fn subschema_at_follows_refs_like_keyword_locations() {
    let analytic = bundled(ANALYTIC);
    assert_eq!(
        analytic.subschema_at("/properties/geometry/$ref/properties/type/const"),
        Some(&json!("Polygon"))
    );
    assert_eq!(
        analytic.subschema_at("/properties/geometry/$ref/properties/coordinates/items/minItems"),
        Some(&json!(4))
    );
    assert_eq!(
        analytic.subschema_at("/properties/acquisitionMode/anyOf/2/const"),
        Some(&json!("tristereo"))
    );
    let pneo = bundled(PNEO);
    let options = pneo
        .subschema_at("/properties/acquisitionMode/allOf/0/$ref/anyOf")
        .unwrap();
    assert_eq!(options.as_array().unwrap().len(), 3);
    // The canonical form jsonschema's `schema_path()` reports walks too.
    assert_eq!(
        pneo.subschema_at("/definitions/cloudCoverage/maximum"),
        Some(&json!(20))
    );
    assert_eq!(pneo.subschema_at(""), Some(&pneo.schema));
    assert_eq!(pneo.subschema_at("/properties/nope"), None);
    assert_eq!(pneo.subschema_at("no-slash"), None);
}

#[test]
fn subschema_at_unescapes_pointer_segments() {
    let schema = ProductSchema::new(
        "x",
        json!({"properties": {"a/b": {"$ref": "#/definitions/t~0x"}}, "definitions": {"t~x": {"const": 1}}}),
        SchemaOrigin::Fetched,
    );
    assert_eq!(
        schema.subschema_at("/properties/a~1b/$ref/const"),
        Some(&json!(1))
    );
    assert_eq!(schema.field("a/b").unwrap().allowed[0].value, json!(1));
}

#[test]
fn reference_cycles_end() {
    let schema = ProductSchema::new(
        "x",
        json!({"properties": {"a": {"$ref": "#/definitions/A"}, "b": {"allOf": [{"$ref": "#"}, {"$ref": "#"}]}},
            "definitions": {"A": {"title": "A", "allOf": [{"$ref": "#/definitions/B"}]},
                "B": {"description": "B", "$ref": "#/definitions/A"}}}),
        SchemaOrigin::Fetched,
    );
    let a = schema.field("a").unwrap();
    assert_eq!(
        (a.title.as_deref(), a.description.as_deref()),
        (Some("A"), Some("B"))
    );
    assert!(schema.field("b").is_some());
    assert_eq!(schema.fields().len(), 2);
}

#[test]
fn seed_params_validate_cleanly() {
    let schema = bundled(ANALYTIC);
    assert_eq!(errors(&schema, &seed_params()), []);
}

#[test]
fn an_enum_typo_is_one_error() {
    let schema = bundled(ANALYTIC);
    let mut params = seed_params();
    params["geometricProcessing"] = json!("ortho-rectified");
    let validator = schema.validator().unwrap();
    let found: Vec<_> = validator.iter_errors(&params).collect();
    assert_eq!(found.len(), 1);
    let error = &found[0];
    assert_eq!(error.instance_path().as_str(), "/geometricProcessing");
    assert_eq!(
        error.schema_path().as_str(),
        "/properties/geometricProcessing/anyOf"
    );
    match error.kind() {
        jsonschema::error::ValidationErrorKind::AnyOf { context } => assert_eq!(context.len(), 3),
        other => panic!("expected anyOf, got {other:?}"),
    }
}

#[test]
fn formats_are_enforced() {
    let schema = bundled(ANALYTIC);
    let mut params = seed_params();
    params["acquisitionStart"] = json!("2022-08-01");
    assert_eq!(
        errors(&schema, &params),
        [("/acquisitionStart".to_owned(), "format".to_owned())]
    );
}

#[test]
fn older_style_conditionals_apply() {
    let schema = bundled(PNEO);
    let mut params = seed_params();
    params["cloudCoverage"] = json!(10);
    params["incidenceAngle"] = json!(10);
    assert_eq!(errors(&schema, &params), []);
    params["geometricProcessing"] = json!("primary");
    // `projection` must be null for primary processing.
    assert_eq!(
        errors(&schema, &params),
        [("/projection".to_owned(), "type".to_owned())]
    );
    params["projection"] = Value::Null;
    params["acquisitionMode"] = json!("stereo");
    params["minBH"] = json!(0.2);
    assert_eq!(errors(&schema, &params), []);
    params["acquisitionMode"] = json!("mono");
    assert_eq!(
        errors(&schema, &params),
        [("/minBH".to_owned(), "type".to_owned())]
    );
}

#[test]
fn validator_is_compiled_once_and_reports_bad_schemas() {
    let schema = ProductSchema::new("x", json!({"type": "objecty"}), SchemaOrigin::Fetched);
    let message = schema.validator().unwrap_err().to_owned();
    assert!(message.contains("/type"), "{message}");
    assert!(std::ptr::eq(
        schema.validator().unwrap_err(),
        schema.validator().unwrap_err()
    ));
}

#[test]
fn load_dir_overrides_and_merges_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = bundled(ANALYTIC).schema.clone();
    schema["properties"]["cloudCoverage"]["maximum"] = json!(30);
    // Upper-case file names still name the product (ids are compared in lower case).
    write(
        dir.path(),
        &format!("{}.json", ANALYTIC.to_uppercase()),
        &schema.to_string(),
    );
    write(
        dir.path(),
        "11111111-2222-4333-8444-555555555555.json",
        r#"{"type": "object"}"#,
    );
    write(
        dir.path(),
        "products.json",
        r#"[{"id": "11111111-2222-4333-8444-555555555555", "name": "n", "title": "New", "collection": "c"}]"#,
    );
    // Neither a UUID nor the index: not a schema, ignored.
    write(dir.path(), "notes.json", "not even json");
    write(dir.path(), "README.md", "hello");

    let mut store = SchemaStore::bundled();
    assert_eq!(store.load_dir(dir.path()).unwrap(), 2);
    let overridden = store.get(ANALYTIC).unwrap();
    assert!(
        matches!(&overridden.origin, SchemaOrigin::SchemaDir(path) if path.starts_with(dir.path()))
    );
    assert_eq!(
        overridden.field("cloudCoverage").unwrap().maximum,
        Some(30.0)
    );
    assert!(overridden.validator().is_ok());
    assert_eq!(
        store
            .product("11111111-2222-4333-8444-555555555555")
            .unwrap()
            .title,
        "New"
    );
    assert_eq!(
        store
            .product("11111111-2222-4333-8444-555555555555")
            .unwrap()
            .collection_title,
        ""
    );
    assert_eq!(store.products().len(), 5);
    assert_eq!(store.get(PNEO).unwrap().origin, SchemaOrigin::Bundled);
}

/// Loads `dir` with one bad file next to a good one, strictly and leniently.
fn load_broken(name: &str, text: &str) -> (SchemaError, SchemaStore, usize, Vec<SchemaError>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text);
    write(
        dir.path(),
        &format!("{PNEO}.json"),
        r#"{"title": "override"}"#,
    );
    let mut store = SchemaStore::bundled();
    let error = store.load_dir(dir.path()).unwrap_err();
    assert_eq!(
        store.get(PNEO).unwrap().origin,
        SchemaOrigin::Bundled,
        "strict loading is all or nothing"
    );
    let message = error.to_string();
    assert!(message.contains(name), "{message} names the file");
    assert_eq!(error.path(), dir.path().join(name));
    let mut lenient = SchemaStore::bundled();
    let (count, errors) = lenient.load_dir_lenient(dir.path());
    assert!(matches!(
        lenient.get(PNEO).unwrap().origin,
        SchemaOrigin::SchemaDir(_)
    ));
    (error, lenient, count, errors)
}

#[test]
fn malformed_json_is_a_parse_error_with_its_position() {
    let (error, _, count, errors) =
        load_broken(&format!("{ANALYTIC}.json"), "{\n  \"type\": \"object\",\n}");
    match &error {
        SchemaError::Parse {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!((*line, *column), (3, 1));
            assert!(
                !message.contains("at line"),
                "position said once: {message}"
            );
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(error
        .to_string()
        .contains(&format!("{ANALYTIC}.json:3:1: invalid schema JSON")));
    assert_eq!((count, errors.len()), (1, 1));
}

#[test]
fn a_non_object_schema_is_invalid() {
    let (error, _, _, _) = load_broken(&format!("{ANALYTIC}.json"), "[1, 2]");
    assert!(
        matches!(&error, SchemaError::Invalid { message, .. } if message.contains("an array")),
        "{error}"
    );
}

#[test]
fn a_schema_that_does_not_compile_is_invalid() {
    let (error, _, _, _) = load_broken(
        &format!("{ANALYTIC}.json"),
        r##"{"type": "object", "properties": {"a": {"$ref": "#/definitions/missing"}}}"##,
    );
    assert!(
        matches!(&error, SchemaError::Invalid { message, .. } if message.contains("/definitions/missing")),
        "{error}"
    );
}

#[test]
fn a_malformed_products_index_is_an_error() {
    let (error, _, _, _) = load_broken("products.json", r#"{"id": "not an array"}"#);
    assert!(matches!(error, SchemaError::Invalid { .. }), "{error}");
    let (error, _, _, _) = load_broken("products.json", "[");
    assert!(matches!(error, SchemaError::Parse { .. }), "{error}");
}

#[test]
fn a_missing_dir_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let mut store = SchemaStore::default();
    let error = store.load_dir(&missing).unwrap_err();
    assert!(
        matches!(&error, SchemaError::Read { path, .. } if *path == missing),
        "{error}"
    );
    assert!(error.to_string().contains("nope"));
    let (count, errors) = store.load_dir_lenient(&missing);
    assert_eq!((count, errors.len()), (0, 1));
}

#[test]
fn an_unreadable_schema_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    // A directory named like a schema is skipped (not a file); invalid UTF-8 cannot be read.
    std::fs::create_dir(dir.path().join(format!("{SAR}.json"))).unwrap();
    std::fs::write(
        dir.path().join(format!("{ANALYTIC}.json")),
        [0xff, 0xfe, b'{'],
    )
    .unwrap();
    let error = SchemaStore::default().load_dir(dir.path()).unwrap_err();
    assert!(matches!(&error, SchemaError::Read { .. }), "{error}");
    assert!(error.to_string().contains(ANALYTIC));
}
