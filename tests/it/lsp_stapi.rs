//! STAPI order files in the language server, against a real STAPI server
//! (`tests/stapi/server.py`): a `*_stapi_order.json` document under a workspace whose
//! `tasking-ls.toml` has `[stapi]` gets the STAPI checks as you type (order_parameters against
//! the fetched schema, the filter against the queryables, the geometry type against
//! `conformsTo`), and an edit that fixes them clears them.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::support::lsp_client::LspClient;
use crate::support::stapi_server::StapiServer;

fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

fn codes_of(params: &serde_json::Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// The diagnostics of `uri` published once its product has arrived from the server (the
/// first ones, published at once, may say it is being fetched).
fn settled(client: &mut LspClient, uri: &str) -> serde_json::Value {
    client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| {
                params["uri"] == uri
                    && !params["diagnostics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|d| {
                            d["code"] == "product.unknown"
                                && d["message"]
                                    .as_str()
                                    .is_some_and(|m| m.contains("being fetched"))
                        })
            },
            Duration::from_secs(60),
        )
        .unwrap_or_else(|| panic!("no diagnostics; stderr:\n{}", client.stderr()))
}

/// A STAPI server that accepts connections and never answers must not stall the editor: the
/// product loads in the background, and hover, completion and the first diagnostics answer at
/// once with what is known (the geometry and the window, no order_parameters schema yet).
#[test]
fn a_silent_server_never_stalls_hover_completion_or_diagnostics() {
    use std::time::Instant;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts every connection and keeps it open, reading nothing and answering nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("tasking-ls.toml"),
        format!("[stapi]\nurl = \"http://127.0.0.1:{port}\"\nproduct = \"optical-30cm\"\n"),
    )
    .unwrap();
    let cache = root.join("cache");
    let mut client = LspClient::start_with(&["serve", "--cache-dir", cache.to_str().unwrap()], &[]);
    let params = json!({
        "processId": null,
        "rootUri": uri(&root),
        "workspaceFolders": [{"uri": uri(&root), "name": "orders"}],
        "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": true}}}
    });
    client.request("initialize", params).expect("initialize");
    client.notify("initialized", json!({}));
    let path = root.join("a_stapi_order.json");
    std::fs::write(&path, VALID).unwrap();
    let order_uri = uri(&path);
    let opened = Instant::now();
    client.open(&order_uri, VALID);

    let started = Instant::now();
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": order_uri}, "position": position_of(VALID, "\"datetime\"", 2)}),
        )
        .expect("hover");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "hover took {took:?}");
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("datetime"), "{hover:#}");

    let started = Instant::now();
    client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": order_uri}, "position": position_of(VALID, "\"30cm\"", 1)}),
        )
        .expect("completion");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "completion took {took:?}");

    let published = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri,
            Duration::from_secs(5),
        )
        .unwrap_or_else(|| panic!("no diagnostics at once; stderr:\n{}", client.stderr()));
    let took = opened.elapsed();
    assert!(took < Duration::from_secs(3), "diagnostics took {took:?}");
    assert_eq!(codes_of(&published), ["product.unknown"], "{published:#}");
    let message = published["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("it is being fetched from http://127.0.0.1:{port}")),
        "{message}"
    );
    // Still answering while the load waits for the server.
    for _ in 0..3 {
        let started = Instant::now();
        client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": order_uri}}),
            )
            .expect("documentSymbol");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

#[test]
fn stapi_orders_are_checked_as_you_type() {
    let Some(server) = StapiServer::start("stapi_orders_are_checked_as_you_type") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("tasking-ls.toml"),
        format!(
            "[stapi]\nurl = \"{}\"\nproduct = \"optical-30cm\"\n",
            server.url
        ),
    )
    .unwrap();
    let cache = root.join("cache");
    let mut client = LspClient::start_with(&["serve", "--cache-dir", cache.to_str().unwrap()], &[]);
    let params = json!({
        "processId": null,
        "rootUri": uri(&root),
        "workspaceFolders": [{"uri": uri(&root), "name": "orders"}],
        "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": true}}}
    });
    client.request("initialize", params).expect("initialize");
    client.notify("initialized", json!({}));
    let path = root.join("a_stapi_order.json");
    let text = r#"{
  "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
  "geometry": {"type": "LineString", "coordinates": [[10, 45], [11, 46]]},
  "filter": {"op": "<=", "args": [{"property": "cloud_covr"}, 20]},
  "order_parameters": {"resolution": "31cm", "reference": "AB-1234"}
}"#;
    std::fs::write(&path, text).unwrap();
    let order_uri = uri(&path);
    client.open(&order_uri, text);
    // At once, what is known without the server: the product is being fetched (the geometry
    // and the window are checked already); then, when it arrives, the full check.
    let first = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri,
            Duration::from_secs(60),
        )
        .unwrap_or_else(|| panic!("no diagnostics; stderr:\n{}", client.stderr()));
    if codes_of(&first).contains(&"product.unknown".to_string()) {
        let message = first["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains(&format!("it is being fetched from {}", server.url)),
            "{first:#}"
        );
    }
    let published = settled(&mut client, &order_uri);
    assert_eq!(
        codes_of(&published),
        ["schema.enum", "filter.unknown-property", "schema.enum"],
        "{published:#}"
    );
    let fixed = text
        .replace(
            "LineString\", \"coordinates\": [[10, 45], [11, 46]]",
            "Point\", \"coordinates\": [10, 45]",
        )
        .replace("cloud_covr", "cloud_cover")
        .replace("31cm", "30cm");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": order_uri, "version": 2},
            "contentChanges": [{"text": fixed}]
        }),
    );
    let published = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri && params["version"] == 2,
            Duration::from_secs(60),
        )
        .expect("diagnostics of version 2");
    assert_eq!(codes_of(&published), Vec::<String>::new(), "{published:#}");
}

/// A valid order of `optical-30cm` (Point, a filter on two queryables).
const VALID: &str = r#"{
  "datetime": "2027-01-01T00:00:00Z/2027-01-05T00:00:00Z",
  "geometry": {"type": "Point", "coordinates": [10, 45]},
  "filter": {"op": "<=", "args": [{"property": "cloud_cover"}, 20]},
  "order_parameters": {"resolution": "30cm", "reference": "AB-1234"}
}"#;

/// The position of the first `marker` in `text` plus `shift` characters (ASCII text).
fn position_of(text: &str, marker: &str, shift: usize) -> serde_json::Value {
    let at = text.find(marker).unwrap() + shift;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({"line": line, "character": column})
}

/// The editor's side of a STAPI order: completion of queryables and operators inside the
/// filter and of order_parameters from the fetched schema, hover on them, the lenses
/// "Submit order" and "Search opportunities", the search (the windows in the message's
/// buttons, the first chosen and applied with workspace/applyEdit), one "Set datetime" action
/// per window, and a submission that places exactly one order on the server with a receipt.
#[test]
fn stapi_orders_complete_search_opportunities_and_submit() {
    let Some(server) = StapiServer::start("stapi_orders_complete_search_opportunities_and_submit")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("tasking-ls.toml"),
        format!(
            "[stapi]\nurl = \"{}\"\nproduct = \"optical-30cm\"\n",
            server.url
        ),
    )
    .unwrap();
    let cache = root.join("cache");
    let mut client = LspClient::start_with(&["serve", "--cache-dir", cache.to_str().unwrap()], &[]);
    client.responder = Box::new(|method, params| match method {
        "workspace/configuration" => json!([{}]),
        // The user picks the first button: "Submit order", or the first window.
        "window/showMessageRequest" => params["actions"][0].clone(),
        "workspace/applyEdit" => json!({"applied": true}),
        _ => serde_json::Value::Null,
    });
    let params = json!({
        "processId": null,
        "rootUri": uri(&root),
        "workspaceFolders": [{"uri": uri(&root), "name": "orders"}],
        "capabilities": {
            "textDocument": {"publishDiagnostics": {"versionSupport": true}},
            "workspace": {"applyEdit": true}
        }
    });
    client.request("initialize", params).expect("initialize");
    client.notify("initialized", json!({}));
    let path = root.join("a_stapi_order.json");
    std::fs::write(&path, VALID).unwrap();
    let order_uri = uri(&path);
    client.open(&order_uri, VALID);
    let published = settled(&mut client, &order_uri);
    assert_eq!(codes_of(&published), Vec::<String>::new(), "{published:#}");

    let labels = |client: &mut LspClient, position: serde_json::Value| -> Vec<String> {
        let list = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": order_uri}, "position": position}),
            )
            .expect("completion");
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| format!("{} — {}", i["label"].as_str().unwrap(), i["detail"]))
            .collect()
    };
    let queryables = labels(&mut client, position_of(VALID, "cloud_cover", 0));
    expect_test::expect![[r#"
        [
            "off_nadir — \"Off Nadir · number\"",
            "cloud_cover — \"Cloud Cover · integer\"",
            "sun_elevation — \"Sun Elevation · number\"",
        ]
    "#]]
    .assert_debug_eq(&queryables);
    let operators = labels(&mut client, position_of(VALID, "\"<=\"", 1));
    assert!(
        operators.iter().any(|l| l.starts_with("between — ")),
        "{operators:?}"
    );
    let resolutions = labels(&mut client, position_of(VALID, "\"30cm\"", 1));
    assert_eq!(
        resolutions,
        ["30cm — null", "50cm — null", "70cm — null"],
        "from the fetched order-parameters schema"
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": order_uri}, "position": position_of(VALID, "cloud_cover", 2)}),
        )
        .expect("hover");
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("Cloud cover, percent") && shown.contains("Range: 0–100"),
        "{shown}"
    );

    // Every position of the order, through the real server: an answer, never an error; every
    // property offered after `"property":` a queryable.
    for at in 0..=VALID.len() {
        let line = VALID[..at].matches('\n').count();
        let column = at - VALID[..at].rfind('\n').map_or(0, |n| n + 1);
        let position = json!({"line": line, "character": column});
        let list = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": order_uri}, "position": position}),
            )
            .unwrap_or_else(|e| panic!("completion at {at}: {e:#}"));
        if VALID[..at].trim_end().ends_with("\"property\": \"") {
            for item in list["items"].as_array().into_iter().flatten() {
                let label = item["label"].as_str().unwrap();
                assert!(
                    ["off_nadir", "cloud_cover", "sun_elevation"].contains(&label),
                    "{label} at {at}"
                );
            }
        }
        client
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": order_uri}, "position": position}),
            )
            .unwrap_or_else(|e| panic!("hover at {at}: {e:#}"));
    }

    let lens_titles = |client: &mut LspClient| -> Vec<String> {
        client
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": order_uri}}),
            )
            .expect("codeLens")
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| l["command"]["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        lens_titles(&mut client),
        ["Submit order", "Search opportunities"]
    );

    let found = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.searchOpportunities", "arguments": [order_uri]}),
        )
        .unwrap_or_else(|e| panic!("{e:#}; stderr:\n{}", client.stderr()));
    let windows: Vec<&str> = found["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["datetime"].as_str().unwrap())
        .collect();
    expect_test::expect![[r#"
        [
            "2027-01-01T10:30:00+00:00/2027-01-01T10:50:00+00:00",
            "2027-01-02T10:30:00+00:00/2027-01-02T10:50:00+00:00",
            "2027-01-03T10:30:00+00:00/2027-01-03T10:50:00+00:00",
        ]
    "#]]
    .assert_debug_eq(&windows);
    let question = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "window/showMessageRequest")
        .expect("the windows offered")
        .clone();
    expect_test::expect![[r#"
        3 opportunities of product 'optical-30cm' for a_stapi_order.json (the provider's answer):
        1. 2027-01-01T10:30:00+00:00/2027-01-01T10:50:00+00:00 (off_nadir=12.5)
        2. 2027-01-02T10:30:00+00:00/2027-01-02T10:50:00+00:00 (off_nadir=13.5)
        3. 2027-01-03T10:30:00+00:00/2027-01-03T10:50:00+00:00 (off_nadir=14.5)
        Set the order's datetime to one? (Also offered as code actions on datetime.)
        [{"title":"2027-01-01T10:30Z/2027-01-01T10:50Z"},{"title":"2027-01-02T10:30Z/2027-01-02T10:50Z"},{"title":"2027-01-03T10:30Z/2027-01-03T10:50Z"}]"#]].assert_eq(&format!(
        "{}\n{}",
        question["params"]["message"].as_str().unwrap(),
        question["params"]["actions"]
    ));
    // The first window chosen: set through workspace/applyEdit, only the string replaced.
    let applied = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "workspace/applyEdit")
        .expect("the chosen window applied")
        .clone();
    let edit = &applied["params"]["edit"]["changes"][&order_uri][0];
    assert_eq!(
        edit["newText"],
        serde_json::Value::String(format!("\"{}\"", windows[0]))
    );
    assert_eq!(edit["range"]["start"], position_of(VALID, "\"2027", 0));
    assert_eq!(
        lens_titles(&mut client),
        ["Submit order", "Search opportunities (3 found)"]
    );
    // One "Set datetime" action per window, on the datetime member.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": order_uri},
                "range": {"start": position_of(VALID, "datetime", 0), "end": position_of(VALID, "datetime", 0)},
                "context": {"diagnostics": []}
            }),
        )
        .expect("codeAction");
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    expect_test::expect![[r#"
        [
            "Submit order",
            "Set datetime to 2027-01-01T10:30Z/2027-01-01T10:50Z (provider opportunity)",
            "Set datetime to 2027-01-02T10:30Z/2027-01-02T10:50Z (provider opportunity)",
            "Set datetime to 2027-01-03T10:30Z/2027-01-03T10:50Z (provider opportunity)",
        ]
    "#]]
    .assert_debug_eq(&titles);

    // Submit: confirmed, placed once, with a receipt next to the file.
    assert_eq!(server.order_count(), 0);
    let placed = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.submitOrder", "arguments": [order_uri]}),
        )
        .unwrap_or_else(|e| panic!("{e:#}; stderr:\n{}", client.stderr()));
    let order_id = placed["orderIds"][0].as_str().expect("an order id");
    assert_eq!(server.order_count(), 1);
    assert_eq!(server.get(&format!("/orders/{order_id}"))["id"], order_id);
    assert!(placed["receipt"]
        .as_str()
        .is_some_and(|r| Path::new(r).is_file()));
    let confirm = client
        .server_requests
        .iter()
        .filter(|r| r["method"] == "window/showMessageRequest")
        .nth(1)
        .expect("the confirmation")
        .clone();
    let asked = confirm["params"]["message"].as_str().unwrap();
    assert!(
        asked.starts_with("Submit the order in a_stapi_order.json?")
            && asked.contains("Product: Optical 30 cm (optical-30cm)"),
        "{asked}"
    );

    // Once submitted: "Order status", the status the server gives for the receipt's order.
    assert_eq!(
        lens_titles(&mut client),
        [
            "Submit order",
            "Search opportunities (3 found)",
            "Order status"
        ]
    );
    let status = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.orderStatus", "arguments": [order_uri]}),
        )
        .unwrap_or_else(|e| panic!("{e:#}; stderr:\n{}", client.stderr()));
    assert_eq!(status["orders"][0]["id"], order_id);
    let message = status["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "Order {order_id} (a_stapi_order.json): accepted since "
        )),
        "{message}"
    );
    // The server sends the history oldest first; it is shown newest first.
    let history: Vec<&str> = message
        .split_once("history (newest first): ")
        .map(|(_, h)| h.split(", ").filter_map(|e| e.split(' ').nth(1)).collect())
        .unwrap_or_default();
    assert_eq!(history, ["accepted", "received"], "{message}");

    // An order with an error is refused before anything is sent.
    let broken = VALID.replace("30cm", "31cm");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": order_uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri && params["version"] == 2,
            Duration::from_secs(60),
        )
        .expect("diagnostics of version 2");
    let refused = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.submitOrder", "arguments": [order_uri]}),
        )
        .expect_err("refused with an error in the file");
    assert!(
        refused["message"].as_str().unwrap().starts_with(
            "Order not submitted: a_stapi_order.json has 1 error; fix it first (line 5:"
        ),
        "{refused:#}"
    );
    // A rule only the server knows (priority 1 is not sold for pan images): its 422 `detail`
    // is shown with the field it names, and nothing is placed.
    let pan = VALID.replace(
        "\"reference\": \"AB-1234\"",
        "\"reference\": \"AB-1235\", \"bands\": \"pan\", \"priority\": 1",
    );
    std::fs::write(&path, &pan).unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": order_uri, "version": 3}, "contentChanges": [{"text": pan}]}),
    );
    let published = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri && params["version"] == 3,
            Duration::from_secs(60),
        )
        .expect("diagnostics of version 3");
    assert_eq!(codes_of(&published), Vec::<String>::new(), "{published:#}");
    let refused = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.submitOrder", "arguments": [order_uri]}),
        )
        .expect_err("refused by the server");
    expect_test::expect!["Order not submitted: the server refused it (422): order_parameters.priority (line 5): priority 1 is not offered for pan images"].assert_eq(refused["message"].as_str().unwrap());
    assert_eq!(server.order_count(), 1);
}
