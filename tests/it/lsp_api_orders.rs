//! The language server's order commands against the fake provider: the quote (command and
//! code lens), an editor-driven submit confirmed through `window/showMessageRequest` that
//! posts exactly the document's text once and writes the receipt, the second confirmation
//! for the same content, a timed-out POST that is never retried, refusals, order status,
//! faults, and no secret in the server's stderr.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::fake_api::*;
use crate::support::provider_lsp::*;
use serde_json::{json, Value};
use tasking_ls::api::receipt::{body_sha256, read_receipt};

struct Setup {
    api: FakeApi,
    dir: tempfile::TempDir,
    lsp: Lsp,
}

fn setup() -> Setup {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let lsp = Lsp::start(Launch {
        env: account_env(&api),
        args: vec!["--cache-dir".into(), cache.display().to_string()],
        progress: true,
    });
    Setup { api, dir, lsp }
}

/// The seed's example, re-indented oddly so that "exactly the document's text" is visible.
fn seed_text() -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/pleiades_analytic_mono_tasking_request.json"),
    )
    .unwrap();
    text.replace("  ", "   ")
}

/// Writes `text` to `name` in the temp dir, opens it, and waits for its first diagnostics.
fn open(s: &mut Setup, name: &str, text: &str) -> (PathBuf, String) {
    let path = s.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    s.lsp.open(&uri, text);
    s.lsp.wait_diagnostics(&uri, "first diagnostics", |_| true);
    (path, uri)
}

fn seed_endpoint() -> String {
    format!("/workspaces/{WORKSPACE_ID}/orders")
}

#[test]
fn quote_command_and_code_lens() {
    let mut s = setup();
    let (_, uri) = open(&mut s, "panama_tasking_request.json", &seed_text());
    let lenses = s
        .lsp
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    assert_eq!(lenses[0]["command"]["title"], "Get quote");
    assert_eq!(lenses[0]["command"]["command"], "taskingLs.getQuote");
    assert_eq!(lenses[0]["range"]["start"]["line"], 1, "above dataProduct");
    let commands: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["command"].as_str().unwrap())
        .collect();
    // No receipt, no status lens; the pass count of the satellites (without element sets:
    // "timing unavailable").
    assert_eq!(commands, ["taskingLs.getQuote", "taskingLs.showPasses"]);
    assert_eq!(
        lenses[1]["command"]["title"],
        "timing unavailable: tasking-ls elements import FILE or tasking-ls elements update"
    );
    let quote = s
        .lsp
        .execute(
            "taskingLs.getQuote",
            lenses[0]["command"]["arguments"].clone(),
        )
        .unwrap();
    assert_eq!(quote["summary"], "≈ 14,424 credits for 8.48 km²");
    assert_eq!(quote["totalCredits"], json!(14424.0));
    s.lsp.wait_message("the quote", |m| {
        m == "Pléiades Analytic: ≈ 14,424 credits for 8.48 km²"
    });
    // The estimate got the current form.
    let estimate = &s.api.requests_to("POST", "/v2/orders/estimate")[0];
    assert!(estimate.json()["featureCollection"].is_object());
    assert!(!s
        .lsp
        .requests_named("workspace/codeLens/refresh")
        .is_empty());
    let lenses = s
        .lsp
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    assert_eq!(
        lenses[0]["command"]["title"],
        "≈ 14,424 credits for 8.48 km²"
    );
    // Until the document changes.
    s.lsp.change(&uri, 2, &seed_text().replace("10,", "11,"));
    let lenses = s
        .lsp
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    assert_eq!(lenses[0]["command"]["title"], "Get quote");
    let stderr = s.lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

/// The editor submits what it shows; when that is not the file on disk, the confirmation says
/// so first and names the differing field. A submitted order re-laid-out in the editor (the
/// formatter's work) is still the content already submitted.
#[test]
fn editor_submit_says_when_the_unsaved_buffer_differs_from_the_disk() {
    let mut s = setup();
    let text = seed_text();
    let (path, uri) = open(&mut s, "panama_tasking_request.json", &text);
    let edited = text.replace("My satellite tasking order", "Edited, not saved");
    s.lsp.change(&uri, 2, &edited);
    s.lsp.choices.push_back(Some("Cancel".into()));
    s.lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("answered");
    let questions = s.lsp.questions();
    assert!(
        questions[0].starts_with(
            "Submit the order in panama_tasking_request.json?\nThe editor's unsaved version is \
             submitted (differs from the file on disk: params.displayName is \"Edited, not \
             saved\" here, \"My satellite tasking order\" on disk). Save the file first to \
             submit what is on disk.\nProduct: "
        ),
        "{}",
        questions[0]
    );
    assert_eq!(s.api.count("POST", &seed_endpoint()), 0);

    // Saved: no such line; placed once.
    std::fs::write(&path, &edited).unwrap();
    s.lsp.choices.push_back(Some("Submit order".into()));
    s.lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("submitted");
    let questions = s.lsp.questions();
    assert!(!questions[1].contains("unsaved"), "{}", questions[1]);
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1);

    // Re-indented in the editor (not saved): the same order, asked twice, and said so.
    let relaid = edited.replace("   ", "\t");
    s.lsp.change(&uri, 3, &relaid);
    s.lsp.choices.push_back(Some("Submit order".into()));
    s.lsp.choices.push_back(Some("Cancel".into()));
    s.lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("answered");
    let questions = s.lsp.questions();
    assert!(
        questions[2].contains(
            "The editor's unsaved version is submitted; it differs from the file on disk only \
             in layout (the same order)."
        ) && questions[2]
            .contains("(the file differs only in layout: whitespace or the order of keys)"),
        "{}",
        questions[2]
    );
    assert!(
        questions[3].contains("already submitted"),
        "{}",
        questions[3]
    );
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1, "no second POST");
}

#[test]
fn editor_submit_posts_exactly_the_text_once_writes_the_receipt_and_asks_again() {
    let mut s = setup();
    let text = seed_text();
    let (path, uri) = open(&mut s, "panama_tasking_request.json", &text);
    s.lsp.choices.push_back(Some("Submit order".into()));
    let result = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("submitted");
    let questions = s.lsp.questions();
    assert_eq!(questions.len(), 1);
    let question = &questions[0];
    for part in [
        "Pléiades Analytic",
        "km²",
        "≈ 14,424 credits for 8.48 km²",
        WORKSPACE_ID,
    ] {
        assert!(question.contains(part), "{part:?} missing in {question}");
    }
    // The seed's Panama rectangle is about 500 km² (geodesic).
    let area: f64 = question
        .split("Area of interest: ")
        .nth(1)
        .and_then(|rest| rest.split(" km²").next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("no area in {question}"));
    assert!((450.0..550.0).contains(&area), "{area}");
    let asked = &s.lsp.requests_named("window/showMessageRequest")[0];
    assert_eq!(asked["type"], 2, "a warning");
    assert_eq!(
        asked["actions"],
        json!([{"title": "Submit order"}, {"title": "Cancel"}])
    );
    let posts = s.api.requests_to("POST", &seed_endpoint());
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body_text(), text, "exactly the document's text");
    assert_eq!(s.api.count("POST", "/v2/orders"), 0);
    let ids = result["orderIds"].as_array().unwrap().clone();
    assert_eq!(ids.len(), 1);
    let receipt = read_receipt(&path).unwrap().expect("a receipt");
    assert_eq!(json!(receipt.order_ids), json!(ids));
    assert_eq!(receipt.body_sha256, body_sha256(text.as_bytes()));
    assert_eq!(receipt.workspace_id, WORKSPACE_ID);
    assert!(path
        .with_file_name("panama_tasking_request.order.json")
        .is_file());
    let id = ids[0].as_str().unwrap().to_string();
    s.lsp.wait_message("the order id and receipt", |m| {
        m.contains(&id) && m.contains("order.json")
    });
    // The request now has an order-status lens.
    let lenses = s
        .lsp
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    assert_eq!(lenses[1]["command"]["title"], "Order status");

    // The same content again: a second, explicit confirmation; "Cancel" sends nothing.
    s.lsp.choices.push_back(Some("Submit order".into()));
    s.lsp.choices.push_back(Some("Cancel".into()));
    let again = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("answered");
    assert_eq!(again["orderIds"], json!([]));
    let questions = s.lsp.questions();
    assert_eq!(questions.len(), 3);
    assert!(
        questions[2].contains("already submitted")
            && questions[2].contains(ids[0].as_str().unwrap()),
        "{}",
        questions[2]
    );
    assert_eq!(
        s.lsp.requests_named("window/showMessageRequest")[2]["actions"],
        json!([{"title": "Submit again"}, {"title": "Cancel"}])
    );
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1, "no second POST");

    // Dismissing the first question sends nothing either.
    s.lsp.choices.push_back(None);
    s.lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .unwrap();
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1);

    // Order status from the receipt.
    let status = s
        .lsp
        .execute("taskingLs.orderStatus", json!([uri]))
        .expect("status");
    let order = &status["orders"][0];
    assert_eq!(order["id"], ids[0]);
    assert_eq!(order["status"], "PLACED");
    assert_eq!(order["subStatus"], "FEASIBILITY_WAITING_RESPONSE");
    assert_eq!(order["subStatusMeaning"], "choose a feasibility option");
    assert_eq!(order["quotations"][0]["decision"], "NOT_DECIDED");
    assert_eq!(order["feasibilityStudies"][0]["decision"], "NOT_DECIDED");
    s.lsp.wait_message("the status", |m| {
        m.contains("PLACED") && m.contains("choose a feasibility option") && m.contains("quotation")
    });
    let stderr = s.lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn a_current_form_request_goes_to_the_v2_endpoint() {
    let mut s = setup();
    let text = serde_json::to_string_pretty(&json!({
        "dataProduct": OTHER_PRODUCT_ID,
        "displayName": "Current form order",
        "params": {
            "displayName": "Current form order",
            "acquisitionStart": "2027-03-01T00:00:00Z",
            "acquisitionEnd": "2027-05-01T00:00:00Z",
        },
        "featureCollection": {"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[13.3, 52.5],
            [13.4, 52.5], [13.4, 52.55], [13.3, 52.55], [13.3, 52.5]]]}}]},
        "tags": ["lsp"]
    }))
    .unwrap();
    let (path, uri) = open(&mut s, "berlin_tasking_request.json", &text);
    // Wait for the product's schema, fetched in the background.
    s.lsp.wait_diagnostics(&uri, "the fetched schema", |d| {
        !codes(d).contains(&"product.unknown".to_string())
    });
    s.lsp.choices.push_back(Some("Submit order".into()));
    let result = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect("submitted");
    let posts = s.api.requests_to("POST", "/v2/orders");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].query_param("workspaceId").as_deref(),
        Some(WORKSPACE_ID)
    );
    assert_eq!(posts[0].body_text(), text);
    assert_eq!(s.api.count("POST", &seed_endpoint()), 0);
    assert_eq!(result["orderIds"].as_array().unwrap().len(), 1);
    let receipt = read_receipt(&path).unwrap().unwrap();
    assert!(receipt.endpoint.starts_with("POST /v2/orders?workspaceId="));
    let stderr = s.lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn a_document_with_errors_is_not_submitted() {
    let mut s = setup();
    let text = seed_text().replace("\"mono\"", "\"monoo\"");
    let (path, uri) = open(&mut s, "bad_tasking_request.json", &text);
    let error = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect_err("refused");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(" error"), "{message}");
    s.lsp
        .wait_message("the refusal", |m| m.contains("not submitted"));
    assert!(s.lsp.questions().is_empty(), "nothing asked");
    assert_eq!(s.api.count("POST", &seed_endpoint()), 0);
    assert!(!path
        .with_file_name("bad_tasking_request.order.json")
        .exists());
    // Not valid JSON at all.
    s.lsp.change(&uri, 2, "{\"dataProduct\": ");
    let error = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect_err("refused");
    assert!(error["message"].as_str().unwrap().contains("error"));
    assert_eq!(s.api.requests_to("POST", &seed_endpoint()).len(), 0);
    s.lsp.finish();
}

#[test]
fn a_timed_out_post_is_not_retried_and_the_outcome_is_unknown() {
    let mut s = setup();
    let text = seed_text();
    let (path, uri) = open(&mut s, "slow_tasking_request.json", &text);
    s.api.inject_method(
        Some("POST"),
        &seed_endpoint(),
        Fault::Slow(Duration::from_secs(2)),
        5,
    );
    s.lsp.choices.push_back(Some("Submit order".into()));
    let error = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect_err("no answer in time");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("outcome unknown"), "{message}");
    assert!(message.contains("tasking-ls status"), "{message}");
    s.lsp
        .wait_message("the unknown outcome", |m| m.contains("outcome unknown"));
    // Give a retry every chance to show up: there is none.
    s.lsp.idle(Duration::from_millis(2500));
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1);
    // Recorded before the POST, completed as unknown: a resubmission asks twice.
    let receipt = read_receipt(&path).unwrap().unwrap();
    assert_eq!(receipt.outcome, tasking_ls::api::receipt::Outcome::Unknown);
    std::fs::remove_file(path.with_file_name("slow_tasking_request.order.json")).unwrap();
    // A dropped connection is the same: unknown outcome, one POST.
    s.api.clear_faults();
    s.api.clear_requests();
    s.api
        .inject_method(Some("POST"), &seed_endpoint(), Fault::Drop, 5);
    s.lsp.choices.push_back(Some("Submit order".into()));
    let error = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect_err("dropped");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("outcome unknown"));
    assert_eq!(s.api.count("POST", &seed_endpoint()), 1);
    let stderr = s.lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn a_forbidden_collection_says_how_to_get_access() {
    let mut s = setup();
    let text = seed_text().replace(PRODUCT_ID, FORBIDDEN_PRODUCT_ID);
    let (_, uri) = open(&mut s, "secret_tasking_request.json", &text);
    s.lsp.choices.push_back(Some("Submit order".into()));
    let error = s
        .lsp
        .execute("taskingLs.submitOrder", json!([uri]))
        .expect_err("forbidden");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("no access to the collection"), "{message}");
    assert!(message.contains("Request access"), "{message}");
    s.lsp.finish();
}

#[test]
fn command_faults_give_clear_messages_and_the_server_keeps_serving() {
    let mut s = setup();
    let (_, uri) = open(&mut s, "panama_tasking_request.json", &seed_text());
    let estimate = "/v2/orders/estimate";
    let cases: Vec<(Fault, &str)> = vec![
        (Fault::ServerError, "HTTP 500"),
        (Fault::Malformed, "not valid JSON"),
        (Fault::Slow(Duration::from_secs(2)), "no answer"),
        (Fault::Drop, "network error"),
    ];
    for (fault, expected) in cases {
        s.api.clear_faults();
        s.api.inject(estimate, fault.clone(), 3);
        let error = s
            .lsp
            .execute("taskingLs.getQuote", json!([uri]))
            .expect_err("a fault");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expected), "{fault:?}: {message}");
        assert!(message.starts_with("No quote"), "{message}");
        assert!(!message.contains('{'), "no raw body: {message}");
        let message = message.to_string();
        s.lsp.wait_message("the error shown", |m| m == message);
        s.lsp
            .request("taskingLs/status", Value::Null)
            .expect("still serving");
    }
    // An expired token is renewed once and the call goes through.
    s.api.clear_faults();
    s.api.inject(estimate, Fault::ExpiredToken, 1);
    let quote = s.lsp.execute("taskingLs.getQuote", json!([uri])).unwrap();
    assert_eq!(quote["totalCredits"], json!(14424.0));
    // Bad arguments are a plain error response.
    let error = s
        .lsp
        .execute("taskingLs.getQuote", json!([]))
        .expect_err("no uri");
    assert_eq!(error["code"], -32602);
    let error = s
        .lsp
        .execute("taskingLs.orderStatus", json!([uri]))
        .expect_err("no receipt");
    assert!(error["message"].as_str().unwrap().contains("no receipt"));
    let stderr = s.lsp.finish();
    assert_no_secrets(&stderr, &SECRETS);
}

#[test]
fn wrong_credentials_are_reported_without_leaking_them() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let mut env = account_env(&api);
    for (name, value) in env.iter_mut() {
        if *name == "UP42_PASSWORD" {
            *value = "pw-Secr3t-WRONG-password".to_string();
        }
    }
    let mut lsp = Lsp::start(Launch {
        env,
        args: vec![
            "--cache-dir".into(),
            dir.path().join("c").display().to_string(),
        ],
        progress: false,
    });
    let path = dir.path().join("x_tasking_request.json");
    let text = seed_text();
    std::fs::write(&path, &text).unwrap();
    let uri = uri_of(&path);
    lsp.open(&uri, &text);
    let error = lsp
        .execute("taskingLs.getQuote", json!([uri]))
        .expect_err("login fails");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("login failed"), "{message}");
    // An unknown product says the credentials were refused.
    let other = "file:///orders/o_tasking_request.json";
    lsp.open(other, &text.replace(PRODUCT_ID, OTHER_PRODUCT_ID));
    let d = lsp.wait_diagnostics(other, "the 401 reason", |d| {
        with_code(d, "product.unknown")
            .first()
            .is_some_and(|d| d["message"].as_str().unwrap().contains("401"))
    });
    assert!(!d.is_empty());
    let stderr = lsp.finish();
    assert_no_secrets(
        &stderr,
        &[&SECRETS[..], &["pw-Secr3t-WRONG-password"]].concat(),
    );
}
