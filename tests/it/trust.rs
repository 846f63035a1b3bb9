//! Issue 15's trust boundaries, one test per point through the real paths (the binary, the
//! language server, fake providers on 127.0.0.1). Points tested elsewhere, by their test:
//! - output cannot be forged (a `::error` annotation and ANSI escapes in a value and in a file
//!   name, human and github formats): `cli_flags::untrusted_text_is_escaped_in_every_text_format`;
//!   product names and ids from the API: `product_names_and_ids_from_the_api_cannot_forge_output`
//!   (here)
//! - a 503 (and 502/504) after the order POST leaves a pending receipt and a rerun with `--yes`
//!   sends nothing: `reliability::a_lost_answer_never_leads_to_a_second_order_without_again`, and
//!   `tests/fault_injection/run.sh` against the release binary in CI
//! - an oversized `Content-Length` gets an error and the next request is answered:
//!   `lsp_robustness::an_oversized_content_length_is_refused_and_the_next_request_answered`
//! - a growing file is cut at the cap with a clear message:
//!   `cli_flags::files_over_the_size_cap_are_reported_not_read`
//! - short secrets and URLs with userinfo or a query: the scrubber's unit tests
//!   (`src/api/scrub.rs`), `reliability::a_redirect_from_the_token_endpoint_is_not_followed`

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fake_api::*;
use crate::support::provider_lsp::*;
use serde_json::{json, Value};

/// A seed-form request for `product` (one the bundled schemas do not know).
fn request_for(product: &str) -> String {
    let mut seed: Value = serde_json::from_str(crate::reliability::SEED).unwrap();
    seed["dataProduct"] = json!(product);
    serde_json::to_string_pretty(&seed).unwrap()
}

/// Point 1: the user's credentials (account, project or static token, from the
/// environment) never reach an `apiUrl` taken from the editor's settings. Two fake
/// providers: the user's (the auth host named next to the credentials) and the one the
/// workspace names. Opening an order of an unknown product makes the server fetch its
/// schema: the workspace's host gets no `Authorization` header and no token request, the
/// user's auth host no token request for it either, and the document says why the schema
/// could not be fetched.
#[test]
fn credentials_never_reach_an_api_url_from_the_editor_settings() {
    let credentials: [(&str, Vec<(&str, String)>); 3] = [
        (
            "account",
            vec![
                ("UP42_USERNAME", USERNAME.to_string()),
                ("UP42_PASSWORD", PASSWORD.to_string()),
            ],
        ),
        (
            "project",
            vec![
                ("UP42_PROJECT_ID", PROJECT_ID.to_string()),
                ("UP42_PROJECT_API_KEY", PROJECT_API_KEY.to_string()),
            ],
        ),
        ("token", vec![("UP42_TOKEN", STATIC_TOKEN.to_string())]),
    ];
    for (kind, secrets) in credentials {
        let user = FakeApi::start();
        let workspace = FakeApi::start();
        let cache = tempfile::tempdir().unwrap();
        let mut env = vec![
            ("UP42_AUTH_URL", user.auth_url()),
            ("UP42_WORKSPACE_ID", WORKSPACE_ID.to_string()),
            ("UP42_TIMEOUT", "2".to_string()),
        ];
        env.extend(secrets);
        let mut lsp = Lsp::start(Launch {
            env,
            args: vec!["--cache-dir".into(), cache.path().display().to_string()],
            progress: false,
        });
        lsp.configuration = json!({"apiUrl": workspace.url()});
        lsp.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"taskingLs": {"apiUrl": workspace.url()}}}),
        );
        lsp.wait_until("the configuration pull", |lsp| {
            lsp.requests_named("workspace/configuration").len() >= 2
        });
        lsp.idle(Duration::from_millis(200));
        let status = lsp.request("taskingLs/status", Value::Null).unwrap();
        assert!(
            status["provider"]["api"]
                .as_str()
                .is_some_and(|api| api.contains(&workspace.url())),
            "{kind}: the editor's apiUrl is in use: {status}"
        );
        let uri = "file:///orders/w_tasking_request.json";
        lsp.open(uri, &request_for(OTHER_PRODUCT_ID));
        let diagnostics = lsp.wait_diagnostics(uri, "the reason the schema is missing", |d| {
            with_code(d, "product.unknown")
                .first()
                .and_then(|d| d["message"].as_str())
                .is_some_and(|m| m.contains("editor"))
        });
        let message = with_code(&diagnostics, "product.unknown")[0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("UP42_API_URL"), "{kind}: {message}");
        lsp.idle(Duration::from_millis(300));
        for request in workspace.requests() {
            assert_eq!(
                request.header("authorization"),
                None,
                "{kind}: {} {} carried credentials",
                request.method,
                request.path
            );
        }
        assert_eq!(workspace.tokens_issued(), 0, "{kind}");
        assert_eq!(workspace.count("POST", TOKEN_PATH), 0, "{kind}");
        assert_eq!(user.count("POST", TOKEN_PATH), 0, "{kind}");
        assert!(
            user.requests().is_empty(),
            "{kind}: {:?}",
            user.requests()
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        );
        let stderr = lsp.finish();
        assert_no_secrets(&stderr, &SECRETS);
    }
}

/// Point 4, the did-you-mean step: a 20,000-value enum of 1,000-character values and a
/// 5,000-character wrong value (91 s before the bound). `validate` reports the value with
/// `schema.enum` and ends; the limit here is a guard against a hang, not a timing.
#[test]
fn a_long_enum_and_a_long_wrong_value_finish() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    let mut schema: Value = serde_json::from_str(include_str!(
        "../../schemas-cache/bd102407-1814-4f92-8b5a-7697b7a73f5a.json"
    ))
    .unwrap();
    let values: Vec<String> = (0..20_000)
        .map(|i| format!("{i:05}-{}", "abcdefghij".repeat(100))[..1000].to_string())
        .collect();
    schema["properties"]["acquisitionMode"] = json!({"type": "string", "enum": values});
    std::fs::write(
        schemas.join("bd102407-1814-4f92-8b5a-7697b7a73f5a.json"),
        schema.to_string(),
    )
    .unwrap();
    let wrong = format!("{}-{}", "z".repeat(2500), "abcdefghij".repeat(250));
    let request = crate::reliability::SEED.replace("\"mono\"", &format!("\"{wrong}\""));
    assert!(request.contains(&wrong));
    std::fs::write(dir.path().join("e_tasking_request.json"), &request).unwrap();
    let started = Instant::now();
    let mut child = Command::new(crate::reliability::binary())
        .args([
            "validate",
            "--offline",
            "--format",
            "json",
            "--schema-dir",
            "schemas",
            "e_tasking_request.json",
        ])
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("xdg"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("validate still runs after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let enum_findings: Vec<&Value> = report
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "schema.enum")
        .collect();
    assert_eq!(enum_findings.len(), 1, "{report:#}");
    let message = enum_findings[0]["message"].as_str().unwrap();
    assert!(message.contains("acquisitionMode"), "{message}");
    // The message stays readable: it does not quote 20,000 values of 1,000 characters.
    assert!(message.len() < 20_000, "{} bytes", message.len());
}

/// The peak resident set of process `pid` so far (`VmHWM`, KiB).
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A seed-form request for `product` whose incidence angle only the fake's sample schema
/// (max 90) rejects.
fn angled_request(product: &str, angle: u32) -> String {
    json!({
        "dataProduct": product,
        "params": {
            "displayName": "Cached schema order",
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

/// Point 4, the cache: a large cache entry of an unrelated product (40 MB of array items,
/// about 640 MB once parsed) is not read to check an order of another product, whose fresh
/// entry serves without a request. The server's peak RSS stays far below what parsing the
/// large entry would take, and its debug log never names that product.
#[cfg(target_os = "linux")]
#[test]
fn a_large_cache_entry_of_another_product_is_never_parsed() {
    const UNRELATED: &str = "7e7e7e7e-0000-4000-8000-0000000000aa";
    let api = FakeApi::start();
    let cache = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let wanted = json!({"id": OTHER_PRODUCT_ID, "fetchedAt": now, "etag": "\"o1\"",
        "schema": sample_schema()});
    std::fs::write(
        cache.path().join(format!("{OTHER_PRODUCT_ID}.json")),
        wanted.to_string(),
    )
    .unwrap();
    let mut big = format!(
        "{{\"id\": \"{UNRELATED}\", \"fetchedAt\": \"{now}\", \"schema\": {{\"type\": \"object\", \"x\": ["
    );
    big.push_str(&"0,".repeat(20_000_000));
    big.push_str("0]}}");
    std::fs::write(cache.path().join(format!("{UNRELATED}.json")), &big).unwrap();
    drop(big);
    let mut lsp = Lsp::start(Launch {
        env: account_env(&api),
        args: vec!["--cache-dir".into(), cache.path().display().to_string()],
        progress: false,
    });
    let uri = "file:///orders/cached_tasking_request.json";
    lsp.open(uri, &angled_request(OTHER_PRODUCT_ID, 95));
    lsp.wait_diagnostics(uri, "the cached schema's range check", |d| {
        codes(d).contains(&"schema.range".to_string())
    });
    let peak = peak_rss_kib(lsp.pid());
    assert!(peak > 0 && peak < 200 * 1024, "peak RSS {peak} KiB");
    assert_eq!(
        api.requests()
            .iter()
            .filter(|r| r.path.starts_with("/orders/schema/"))
            .count(),
        0,
        "the fresh cached entry served"
    );
    let stderr = lsp.finish();
    assert!(stderr.contains("loading the cached schema"), "{stderr}");
    assert!(!stderr.contains(UNRELATED), "{stderr}");
}

/// Point 4, fetches: 50 open orders of 50 products the store lacks, against a provider that
/// takes 300 ms per schema. At most 4 schema GETs run at once, every product is asked for
/// once, and the server answers requests meanwhile.
#[test]
fn schema_fetches_for_many_unknown_products_run_a_few_at_a_time() {
    let api = FakeApi::start();
    api.set_schema_delay(Duration::from_millis(300));
    let cache = tempfile::tempdir().unwrap();
    let mut lsp = Lsp::start(Launch {
        env: account_env(&api),
        args: vec!["--cache-dir".into(), cache.path().display().to_string()],
        progress: true,
    });
    let products: Vec<String> = (0..50)
        .map(|i| format!("5c5c5c5c-0000-4000-8000-{i:012}"))
        .collect();
    for (i, product) in products.iter().enumerate() {
        lsp.open(
            &format!("file:///orders/o{i}_tasking_request.json"),
            &angled_request(product, 45),
        );
    }
    let schema_gets = |api: &FakeApi| {
        api.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/orders/schema/"))
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    };
    lsp.wait_until("a first schema GET", |_| !schema_gets(&api).is_empty());
    let started = Instant::now();
    let status = lsp.request("taskingLs/status", Value::Null).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the server answered while fetching"
    );
    assert!(
        status["provider"]["fetching"]
            .as_array()
            .is_some_and(|f| !f.is_empty()),
        "{status}"
    );
    lsp.wait_until("every product asked for", |_| schema_gets(&api).len() >= 50);
    lsp.idle(Duration::from_millis(500));
    let mut asked = schema_gets(&api);
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 50, "each product once");
    assert_eq!(schema_gets(&api).len(), 50, "no product twice");
    let most = api.max_concurrent_schema_gets();
    assert!((1..=4).contains(&most), "{most} schema GETs at once");
    let stderr = lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

/// Point 2, text from the API: product ids and titles with a forged annotation, an ANSI
/// escape or a path are validated at intake (a product whose id is not a UUID is left out)
/// and their control characters removed, in `schema fetch --all --into` (the products index it
/// writes) and in `products` / `schema list` reading that index.
#[test]
fn product_names_and_ids_from_the_api_cannot_forge_output() {
    const FORGED: &str = "Evil\n::error file=x.json,line=1::forged\u{1b}[2J\u{9b}31m";
    let api = FakeApi::start();
    api.add_product("../../../tmp/evil", "Path product");
    api.add_product("3d3d3d3d-0000-4000-8000-000000000001", FORGED);
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("schemas");
    std::fs::create_dir(&into).unwrap();
    let run = |args: &[&str]| {
        let mut command = Command::new(crate::reliability::binary());
        command
            .args(args)
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("xdg"))
            .stdin(Stdio::null());
        for (name, _) in std::env::vars() {
            if name.starts_with("UP42_") {
                command.env_remove(&name);
            }
        }
        for (name, value) in account_env(&api) {
            command.env(name, value);
        }
        command.output().unwrap()
    };
    let fetched = run(&["schema", "fetch", "--all", "--into", "schemas"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&fetched.stdout),
        String::from_utf8_lossy(&fetched.stderr)
    );
    assert!(text.contains("products index"), "{text}");
    let index = std::fs::read_to_string(into.join("products.json")).unwrap();
    assert!(
        !index.contains("Path product") && !index.contains("tmp/evil"),
        "{index}"
    );
    let parsed: Value = serde_json::from_str(&index).unwrap();
    let odd = parsed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "3d3d3d3d-0000-4000-8000-000000000001")
        .expect("the valid product is kept");
    assert_eq!(
        odd["title"],
        "Evil ::error file=x.json,line=1::forged [2J 31m"
    );
    // Only a description keeps its line breaks (it is documentation, shown escaped).
    for field in ["name", "title", "collection", "collection_title"] {
        let text = odd[field].as_str().unwrap();
        assert!(!text.chars().any(char::is_control), "{field}: {text:?}");
    }
    assert!(
        !index.contains("\\u001b") && !index.contains("\\u009b"),
        "{index}"
    );
    assert!(!dir.path().join("tmp").exists());
    for args in [
        vec!["--schema-dir", "schemas", "products"],
        vec!["--schema-dir", "schemas", "schema", "list"],
    ] {
        let output = run(&args);
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{9b}'),
            "{args:?}: {out}"
        );
        for line in out.lines() {
            assert!(!line.starts_with("::"), "{args:?}: forged line in\n{out}");
        }
    }
    let products =
        String::from_utf8_lossy(&run(&["--schema-dir", "schemas", "products"]).stdout).into_owned();
    assert!(
        products.contains("3d3d3d3d-0000-4000-8000-000000000001"),
        "{products}"
    );
}
