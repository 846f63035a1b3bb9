//! The language server and product schemas from the API: an unknown product is fetched once
//! in the background (with `$/progress`) and every document of it is re-validated; failures
//! (offline, 404, 401, 500, malformed, slow, dropped) show in the `product.unknown` message;
//! `taskingLs.refreshSchemas` refetches; no secret reaches the server's stderr.

use std::time::Duration;

use crate::support::fake_api::*;
use crate::support::provider_lsp::*;
use serde_json::{json, Value};

fn start(api: &FakeApi, cache: &tempfile::TempDir, extra: &[&str]) -> Lsp {
    let mut args = vec![
        "--cache-dir".to_string(),
        cache.path().display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    Lsp::start(Launch {
        env: account_env(api),
        args,
        progress: true,
    })
}

/// A seed-form request for `product` whose incidence angle only the fake's schema (max 90)
/// rejects.
fn request(product: &str, angle: u32) -> String {
    json!({
        "dataProduct": product,
        "params": {
            "displayName": "Fetched schema order",
            "acquisitionStart": "2027-03-01T00:00:00Z",
            "acquisitionEnd": "2027-05-01T00:00:00Z",
            "acquisitionMode": "spot",
            "maxIncidenceAngle": angle,
            "geometry": {"type": "Polygon", "coordinates": [[[-79.6418, 9.0727], [-79.6418, 8.8703],
                [-79.4388, 8.8703], [-79.4387, 9.0727], [-79.6418, 9.0727]]]}
        }
    })
    .to_string()
}

fn unknown_message(diagnostics: &[Value]) -> Option<String> {
    with_code(diagnostics, "product.unknown")
        .first()
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
}

#[test]
fn unknown_product_is_fetched_once_and_its_documents_are_revalidated() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &[]);
    let (a, b) = (
        "file:///orders/a_tasking_request.json",
        "file:///orders/b_tasking_request.json",
    );
    lsp.open(a, &request(OTHER_PRODUCT_ID, 95));
    lsp.open(b, &request(OTHER_PRODUCT_ID, 95));
    for uri in [a, b] {
        let d = lsp.wait_diagnostics(uri, "the fetched schema's range error", |d| {
            codes(d).contains(&"schema.range".to_string())
        });
        assert!(
            !codes(&d).contains(&"product.unknown".to_string()),
            "{d:#?}"
        );
    }
    let path = format!("/orders/schema/{OTHER_PRODUCT_ID}");
    assert_eq!(api.count("GET", &path), 1, "one fetch for two documents");
    // The fetch was shown as progress.
    let created = lsp.requests_named("window/workDoneProgress/create");
    assert!(!created.is_empty());
    let begin = lsp
        .notifications
        .iter()
        .find(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "begin")
        .expect("a progress begin");
    assert_eq!(
        begin["params"]["value"]["title"],
        format!("Fetching schema for {OTHER_PRODUCT_ID}")
    );
    lsp.wait_until("the progress end", |lsp| {
        lsp.notifications
            .iter()
            .any(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
    });
    // Cached on disk; a third document of the product costs no request.
    assert!(cache
        .path()
        .read_dir()
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(OTHER_PRODUCT_ID)));
    let c = "file:///orders/c_tasking_request.json";
    lsp.open(c, &request(OTHER_PRODUCT_ID, 10));
    let d = lsp.wait_diagnostics(c, "c checked", |_| true);
    assert!(codes(&d).is_empty(), "{d:#?}");
    lsp.idle(Duration::from_millis(300));
    assert_eq!(api.count("GET", &path), 1);
    // A bundled product is never fetched.
    let e = "file:///orders/e_tasking_request.json";
    lsp.open(e, &request(PRODUCT_ID, 10));
    lsp.wait_diagnostics(e, "e checked", |_| true);
    assert_eq!(api.count("GET", &format!("/orders/schema/{PRODUCT_ID}")), 0);
    let stderr = lsp.finish();
    // The capture is real: debug logs of the API calls are in it.
    assert!(stderr.contains("API answer"), "{stderr}");
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn a_product_the_api_does_not_know_says_so() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &[]);
    let unknown = "12345678-1234-4234-8234-123456789abc";
    let uri = "file:///orders/x_tasking_request.json";
    lsp.open(uri, &request(unknown, 10));
    let d = lsp.wait_diagnostics(uri, "the 404 reason", |d| {
        unknown_message(d).is_some_and(|m| m.contains("does not know"))
    });
    let message = unknown_message(&d).unwrap();
    assert!(message.contains("404"), "{message}");
    assert_eq!(
        with_code(&d, "product.unknown")[0]["severity"],
        json!(2),
        "a warning"
    );
    // Typing again does not fetch again inside the back-off.
    lsp.change(uri, 2, &request(unknown, 11));
    lsp.wait_until("version 2 published", |lsp| {
        lsp.notifications.iter().any(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["version"] == 2
        })
    });
    let d = lsp.diagnostics(uri).unwrap();
    assert!(unknown_message(&d).unwrap().contains("does not know"));
    assert_eq!(api.count("GET", &format!("/orders/schema/{unknown}")), 1);
    let stderr = lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn offline_never_touches_the_network_and_says_so() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &["--offline"]);
    let uri = "file:///orders/x_tasking_request.json";
    lsp.open(uri, &request(OTHER_PRODUCT_ID, 95));
    let d = lsp.wait_diagnostics(uri, "the offline reason", |d| unknown_message(d).is_some());
    let message = unknown_message(&d).unwrap();
    assert!(message.contains("offline"), "{message}");
    // Commands say so too, and nothing reached the fake.
    let error = lsp
        .execute("taskingLs.getQuote", json!([uri]))
        .expect_err("no quote offline");
    assert!(error["message"].as_str().unwrap().contains("offline"));
    lsp.wait_message("offline shown", |m| m.contains("offline"));
    lsp.idle(Duration::from_millis(200));
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    lsp.finish();
}

#[test]
fn offline_uses_the_cache_a_previous_run_filled() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let uri = "file:///orders/x_tasking_request.json";
    let mut lsp = start(&api, &cache, &[]);
    lsp.open(uri, &request(OTHER_PRODUCT_ID, 95));
    lsp.wait_diagnostics(uri, "fetched", |d| {
        codes(d).contains(&"schema.range".to_string())
    });
    lsp.finish();
    api.clear_requests();
    let mut lsp = start(&api, &cache, &["--offline"]);
    lsp.open(uri, &request(OTHER_PRODUCT_ID, 95));
    lsp.wait_diagnostics(uri, "validated from the cache", |d| {
        codes(d).contains(&"schema.range".to_string())
    });
    assert!(api.requests().is_empty());
    lsp.finish();
}

#[test]
fn each_fault_gives_a_clear_reason_and_the_server_keeps_serving() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut env = account_env(&api);
    // A static token, so a 401 cannot be cured by logging in again.
    env.retain(|(n, _)| !n.starts_with("UP42_USERNAME") && !n.starts_with("UP42_PASSWORD"));
    env.push(("UP42_TOKEN", STATIC_TOKEN.to_string()));
    let mut lsp = Lsp::start(Launch {
        env,
        args: vec!["--cache-dir".into(), cache.path().display().to_string()],
        progress: false,
    });
    let cases: Vec<(Fault, &str)> = vec![
        (Fault::ServerError, "HTTP 500"),
        (Fault::ExpiredToken, "401"),
        (Fault::Malformed, "unusable"),
        (Fault::Slow(Duration::from_secs(2)), "timeout"),
        (Fault::Drop, "network"),
        (Fault::Forbidden, "403"),
    ];
    for (i, (fault, expected)) in cases.into_iter().enumerate() {
        let id = format!("0000000{i}-aaaa-4bbb-8ccc-000000000000");
        api.inject(&format!("/orders/schema/{id}"), fault.clone(), 2);
        let uri = format!("file:///orders/f{i}_tasking_request.json");
        lsp.open(&uri, &request(&id, 10));
        let d = lsp.wait_diagnostics(&uri, expected, |d| {
            unknown_message(d).is_some_and(|m| m.contains(expected))
        });
        let message = unknown_message(&d).unwrap();
        assert!(!message.contains('{'), "no raw body: {message}");
        let status = lsp.request("taskingLs/status", Value::Null).unwrap();
        assert!(
            status["documents"].as_array().unwrap().len() > i,
            "{fault:?}"
        );
    }
    let stderr = lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn refresh_schemas_refetches_and_rechecks() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &[]);
    let uri = "file:///orders/x_tasking_request.json";
    lsp.open(uri, &request(OTHER_PRODUCT_ID, 60));
    lsp.wait_diagnostics(uri, "fetched and clean", |d| codes(d).is_empty());
    let mut schema = sample_schema();
    schema["properties"]["maxIncidenceAngle"]["maximum"] = json!(50);
    api.set_schema(OTHER_PRODUCT_ID, schema, "\"v2\"");
    let result = lsp
        .execute("taskingLs.refreshSchemas", json!([]))
        .expect("refreshed");
    assert_eq!(result["refreshed"], json!([OTHER_PRODUCT_ID]));
    lsp.wait_diagnostics(uri, "the new maximum", |d| {
        codes(d).contains(&"schema.range".to_string())
    });
    let path = format!("/orders/schema/{OTHER_PRODUCT_ID}");
    assert_eq!(api.count("GET", &path), 2);
    // The refresh revalidated the cached copy by its ETag.
    assert_eq!(
        api.requests_to("GET", &path)[1].header("if-none-match"),
        Some("\"o1\"")
    );
    // A failing refresh says why and keeps the copy.
    api.inject(&path, Fault::ServerError, 1);
    let result = lsp
        .execute("taskingLs.refreshSchemas", json!([]))
        .expect("answered");
    assert_eq!(result["failed"][0]["id"], OTHER_PRODUCT_ID);
    lsp.wait_message("the refresh failure", |m| m.contains("HTTP 500"));
    let d = lsp.wait_diagnostics(uri, "still checked", |d| !d.is_empty());
    assert!(codes(&d).contains(&"schema.range".to_string()));
    let stderr = lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn switching_to_offline_in_the_settings_stops_fetching() {
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &[]);
    lsp.configuration = json!({"offline": true});
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"offline": true}}}),
    );
    // The server pulls the section again: wait until it has the answer.
    lsp.wait_until("the configuration pull", |lsp| {
        lsp.requests_named("workspace/configuration").len() >= 2
    });
    lsp.idle(Duration::from_millis(200));
    let status = lsp.request("taskingLs/status", Value::Null).unwrap();
    assert!(
        status["provider"]["api"]
            .as_str()
            .unwrap()
            .contains("offline"),
        "{status}"
    );
    let uri = "file:///orders/x_tasking_request.json";
    lsp.open(uri, &request(OTHER_PRODUCT_ID, 95));
    let d = lsp.wait_diagnostics(uri, "the offline reason", |d| {
        unknown_message(d).is_some_and(|m| m.contains("offline"))
    });
    assert!(!d.is_empty(), "{status}");
    lsp.idle(Duration::from_millis(200));
    assert_eq!(
        api.count("GET", &format!("/orders/schema/{OTHER_PRODUCT_ID}")),
        0
    );
    // And back online: the next check fetches.
    lsp.configuration = json!({"offline": false});
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"offline": false}}}),
    );
    lsp.wait_diagnostics(uri, "fetched after going online", |d| {
        codes(d).contains(&"schema.range".to_string())
    });
    assert_eq!(
        api.count("GET", &format!("/orders/schema/{OTHER_PRODUCT_ID}")),
        1
    );
    lsp.finish();
}

/// With a parse budget of 1 byte (every parse but the last used is let go), documents waiting
/// for their product's schema are still re-checked when it arrives: the server knows their
/// product from their last check, without parsing them again.
#[test]
fn documents_whose_parse_was_let_go_are_revalidated_when_their_schema_arrives() {
    let api = FakeApi::start();
    api.set_schema_delay(Duration::from_millis(300));
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = start(&api, &cache, &["--parse-budget", "1"]);
    let uris: Vec<String> = (0..4)
        .map(|i| format!("file:///orders/let_go_{i}_tasking_request.json"))
        .collect();
    for uri in &uris {
        lsp.open(uri, &request(OTHER_PRODUCT_ID, 95));
    }
    // First checked while the schema is on its way: the product is not known yet.
    for uri in &uris {
        lsp.wait_diagnostics(uri, "product.unknown while fetching", |d| {
            codes(d).contains(&"product.unknown".to_string())
        });
    }
    let status = lsp.request("taskingLs/status", Value::Null).unwrap();
    let held = status["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["parsed"] == true)
        .count();
    assert!(held <= 1, "{status}");
    // Then every one of them with the fetched schema.
    for uri in &uris {
        let d = lsp.wait_diagnostics(uri, "the fetched schema's range error", |d| {
            codes(d).contains(&"schema.range".to_string())
        });
        assert!(
            !codes(&d).contains(&"product.unknown".to_string()),
            "{d:#?}"
        );
    }
    assert_eq!(
        api.count("GET", &format!("/orders/schema/{OTHER_PRODUCT_ID}")),
        1
    );
    lsp.finish();
}
