//! Error bodies and formatting helpers without a server: the three error shapes read into
//! one sentence, bodies never dumped, estimates and receipts formatted.

use std::time::Duration;

use tasking_ls::api::receipt::{body_sha256, receipt_path};
use tasking_ls::api::{group_thousands, ApiError, Estimate, Problem};
use tasking_ls::schema::cache::{normalize_product_id, CacheEntry, SchemaCache};

#[test]
fn problem_json_with_field_errors() {
    let body = r#"{"type":"https://docs.up42.com/problems/bad-order-request","status":400,"title":"Order request not valid","detail":"One or more query parameter values are not valid.","instance":"/v2/orders","errors":[{"name":"featureCollection","reason":"The feature list must not be empty."}]}"#;
    assert_eq!(
        ApiError::Http(Box::new(Problem::from_body("POST", "/v2/orders", 400, body.as_bytes()))).to_string(),
        "POST /v2/orders answered HTTP 400 Bad Request: Order request not valid — One or more query parameter values are not valid (featureCollection: The feature list must not be empty.)"
    );
}

#[test]
fn legacy_envelope_keycloak_and_glossary_bodies() {
    let legacy = r#"{"data":null,"error":{"code":401,"message":"An error occurred while attempting to decode the Jwt: Jwt expired at 2026-01-01T00:00:00Z","details":null}}"#;
    let p = Problem::from_body("GET", "/v2/orders/x", 401, legacy.as_bytes());
    assert_eq!(p.title.as_deref(), Some("An error occurred while attempting to decode the Jwt: Jwt expired at 2026-01-01T00:00:00Z"));
    assert_eq!(p.detail, None);
    let keycloak = r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#;
    let p = Problem::from_body("POST", "/token", 401, keycloak.as_bytes());
    assert_eq!(
        (p.title.as_deref(), p.detail.as_deref()),
        (Some("invalid_grant"), Some("Invalid user credentials"))
    );
    let glossary =
        r#"{"code":404,"message":"Collection with name foo not found","details":{"name":"foo"}}"#;
    let p = Problem::from_body("GET", "/v2/collections/foo", 404, glossary.as_bytes());
    assert_eq!(
        ApiError::NotFound(Box::new(p)).to_string(),
        r#"not found: GET /v2/collections/foo answered HTTP 404 Not Found: Collection with name foo not found — {"name":"foo"}"#
    );
    let empty_detail = r#"{"status":404,"title":"Resource does not exist.","detail":{}}"#;
    let p = Problem::from_body(
        "PATCH",
        "/v2/tasking/quotation/q",
        404,
        empty_detail.as_bytes(),
    );
    assert_eq!(p.detail, None);
}

#[test]
fn a_body_that_is_not_json_is_never_dumped() {
    let html =
        "<html><body><h1>502 Bad Gateway</h1><p>nginx secret-internal-host</p></body></html>";
    let e = ApiError::Http(Box::new(Problem::from_body(
        "GET",
        "/v2/data-products",
        502,
        html.as_bytes(),
    )));
    assert_eq!(
        e.to_string(),
        "GET /v2/data-products answered HTTP 502 Bad Gateway"
    );
    let long = format!(r#"{{"title":"{}"}}"#, "x".repeat(5000));
    let e = ApiError::Http(Box::new(Problem::from_body(
        "GET",
        "/p",
        500,
        long.as_bytes(),
    )));
    assert!(
        e.to_string().chars().count() < 400,
        "cut: {}",
        e.to_string().len()
    );
    assert_eq!(e.exit_code(), 1);
    let t = ApiError::Timeout {
        method: "GET".into(),
        path: "/p".into(),
        origin: "http://h".into(),
        timeout: Duration::from_secs(30),
    };
    assert_eq!(
        t.to_string(),
        "no answer from http://h within 30 s (GET /p)"
    );
    assert_eq!(t.exit_code(), 2);
}

#[test]
fn estimates_read_as_one_line() {
    let e = |credits: f64, size: Option<f64>, unit: Option<&str>| {
        Estimate {
            total_credits: Some(credits),
            total_size: size,
            unit: unit.map(str::to_string),
            errors: vec![],
        }
        .summary()
    };
    assert_eq!(
        e(14424.0, Some(8.48), Some("SQ_KM")),
        "≈ 14,424 credits for 8.48 km²"
    );
    assert_eq!(
        e(1234567.0, Some(100.0), Some("SQ_KM")),
        "≈ 1,234,567 credits for 100 km²"
    );
    assert_eq!(
        e(10.0, Some(1.0), Some("SCENE")),
        "≈ 10 credits for 1 scene"
    );
    assert_eq!(
        e(20.0, Some(2.0), Some("SCENE")),
        "≈ 20 credits for 2 scenes"
    );
    assert_eq!(e(999.0, None, None), "≈ 999 credits");
    assert_eq!(group_thousands(1000.5), "1,000.5");
    assert_eq!(group_thousands(0.0), "0");
}

#[test]
fn receipts_sit_next_to_the_request() {
    assert_eq!(
        receipt_path(std::path::Path::new("/a/b/pleiades_tasking_request.json")),
        std::path::Path::new("/a/b/pleiades_tasking_request.order.json")
    );
    assert_eq!(
        body_sha256(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn the_cache_lists_usable_entries_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let cache = SchemaCache::new(dir.path());
    let id = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
    let entry = CacheEntry {
        id: id.into(),
        fetched_at: chrono::Utc::now(),
        etag: None,
        schema: serde_json::json!({"type": "object"}),
    };
    cache.store(&entry).unwrap();
    std::fs::write(
        dir.path().join("d28f0a41-5a5b-4c6e-9a73-1c1b2a3d4e5f.json"),
        "[]",
    )
    .unwrap();
    std::fs::write(dir.path().join("products.json"), "[]").unwrap();
    let (entries, problems) = cache.load_all();
    assert_eq!(entries, vec![entry.clone()]);
    assert_eq!(problems.len(), 1);
    assert!(problems[0]
        .to_string()
        .contains("corrupt cache entry, ignored"));
    // An entry claiming another id is not trusted.
    let other = dir.path().join("11111111-2222-4333-8444-555555555555.json");
    std::fs::copy(dir.path().join(format!("{id}.json")), &other).unwrap();
    assert!(cache.load("11111111-2222-4333-8444-555555555555").is_err());
    assert_eq!(
        normalize_product_id(" BD102407-1814-4F92-8B5A-7697B7A73F5A "),
        Some(id.to_string())
    );
    let schema = cache.to_product_schema(&entry, chrono::Utc::now() + chrono::TimeDelta::hours(25));
    assert!(matches!(
        schema.origin,
        tasking_ls::schema::SchemaOrigin::Cache { stale: true, .. }
    ));
}
