//! End-to-end robustness: requests the server cannot serve get an answer (a null result or an
//! error response), never a crash or a hang, and the server exits cleanly.

use std::time::{Duration, Instant};

use crate::support::lsp_client::*;
use serde_json::{json, Value};

const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INVALID_REQUEST: i64 = -32600;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

/// The server still answers and still checks documents.
fn assert_alive(client: &mut LspClient) {
    let status = client.status();
    assert!(status["documents"].is_array(), "{status}");
}

fn error_code(result: &Result<Value, Value>) -> Option<i64> {
    result.as_ref().err().and_then(|e| e["code"].as_i64())
}

#[test]
fn requests_for_an_unknown_document_get_null() {
    let mut client = started();
    let unknown = json!({"uri": uri("never_opened_tasking_request.json")});
    let at = json!({"textDocument": unknown, "position": pos(0, 0)});
    for (method, params) in [
        ("textDocument/completion", at.clone()),
        ("textDocument/hover", at.clone()),
        (
            "textDocument/codeAction",
            json!({"textDocument": unknown, "range": range(pos(0, 0), pos(0, 0)),
                   "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": unknown}),
        ),
        (
            "textDocument/formatting",
            json!({"textDocument": unknown, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
    ] {
        let result = client.request(method, params);
        assert_eq!(result, Ok(Value::Null), "{method}");
    }
    // Notifications for it are ignored.
    client.change(
        unknown["uri"].as_str().unwrap(),
        2,
        vec![json!({"range": range(pos(0, 0), pos(0, 0)), "text": "x"})],
    );
    client.close(unknown["uri"].as_str().unwrap());
    assert_eq!(client.status()["documents"], json!([]));
    client.shutdown_and_exit();
}

#[test]
fn positions_past_the_end_are_clamped() {
    let mut client = started();
    let uri = uri("short_tasking_request.json");
    let text = params_doc_with_cursor_free();
    client.open(&uri, &text);
    client.diagnostics(&uri, 1);
    for position in [
        pos(0, 10_000),
        pos(10_000, 0),
        pos(10_000, 10_000),
        pos(u32::MAX, u32::MAX),
    ] {
        let at = json!({"textDocument": {"uri": uri}, "position": position});
        for method in ["textDocument/completion", "textDocument/hover"] {
            let result = client.request(method, at.clone());
            assert!(result.is_ok(), "{method} at {position}: {result:?}");
        }
        let result = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(pos(0, 0), position.clone()),
                   "context": {"diagnostics": []}}),
        );
        assert!(result.is_ok(), "codeAction to {position}: {result:?}");
    }
    // A range whose end is before its start.
    let result = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(pos(0, 20), pos(0, 2)),
               "context": {"diagnostics": []}}),
    );
    assert!(result.is_ok(), "{result:?}");
    // An edit past the end appends, as the protocol says.
    let mut model = TextModel::new(&text);
    let change = json!({"range": range(pos(50, 3), pos(60, 0)), "text": "\n"});
    model.apply_change(&change, Encoding::Utf16);
    client.change(&uri, 2, vec![change]);
    let published = client.diagnostics(&uri, 2);
    let expected = normalize_validated(&client.validate("end_tasking_request.json", &model.text));
    assert_eq!(normalize_published(&published.diagnostics), expected);
    assert_alive(&mut client);
    client.shutdown_and_exit();
}

fn params_doc_with_cursor_free() -> String {
    format!("{{\"dataProduct\": \"{PRODUCT}\", \"params\": {{\"cloudCoverage\": 150")
}

#[test]
fn unknown_methods_and_malformed_params_get_error_responses() {
    let mut client = started();
    let result = client.request("textDocument/noSuchThing", json!({}));
    assert_eq!(error_code(&result), Some(METHOD_NOT_FOUND), "{result:?}");
    let result = client.request("taskingLs/noSuchThing", json!({"x": 1}));
    assert_eq!(error_code(&result), Some(METHOD_NOT_FOUND), "{result:?}");
    // An unknown notification gets no answer at all.
    client.notify("$/somethingElse", json!({"x": 1}));
    client.notify("textDocument/didSomething", json!({}));

    for (method, params) in [
        ("textDocument/hover", json!({"foo": 1})),
        ("textDocument/completion", json!("a string")),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": 5}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": "not a uri"}, "position": pos(0, 0)}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": uri("a_tasking_request.json")},
                   "position": {"line": -1, "character": 0}}),
        ),
        ("workspace/executeCommand", json!({"arguments": []})),
    ] {
        let result = client.request(method, params.clone());
        assert_eq!(
            error_code(&result),
            Some(INVALID_PARAMS),
            "{method} {params}: {result:?}"
        );
    }
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": "taskingLs.noSuchCommand", "arguments": []}),
    );
    assert!(result.is_err(), "{result:?}");

    // Malformed notifications cannot be answered; they must not stop the server either.
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": 1}}));
    client.notify("textDocument/didChange", json!({"contentChanges": "x"}));
    client.notify("textDocument/didClose", json!([]));
    client.pump(Duration::from_millis(100));
    assert!(
        client.stray.is_empty(),
        "answers to notifications: {:?}",
        client.stray
    );

    // The server still works: a document opened now is checked.
    let uri = uri("after_tasking_request.json");
    client.open(&uri, BROKEN);
    assert!(!client.diagnostics(&uri, 1).diagnostics.is_empty());
    assert_alive(&mut client);
    assert!(!client.stderr().contains("panicked"), "{}", client.stderr());
    client.shutdown_and_exit();
}

const PARSE_ERROR: i64 = -32700;

/// Waits (up to the client's guard against hangs) until the server has sent `count` error
/// responses that answer no request: they are written by the transport, beside tower-lsp's
/// own output, so they may come after the answer to a later request.
fn wait_for_unaddressed_errors(client: &mut LspClient, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while unaddressed_errors(client).len() < count && Instant::now() < deadline {
        client.pump(Duration::from_millis(50));
    }
    unaddressed_errors(client)
}

/// Likewise for the error responses with `code`, whatever their id.
fn wait_for_errors(client: &mut LspClient, code: i64, count: usize) -> Vec<Value> {
    let with_code = |client: &LspClient| -> Vec<Value> {
        client
            .stray
            .iter()
            .filter(|m| m["error"]["code"] == code)
            .cloned()
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while with_code(client).len() < count && Instant::now() < deadline {
        client.pump(Duration::from_millis(50));
    }
    with_code(client)
}

/// The error responses the server sent that answer no request (id null).
fn unaddressed_errors(client: &LspClient) -> Vec<Value> {
    client
        .stray
        .iter()
        .filter(|m| m["id"].is_null() && m["error"].is_object())
        .cloned()
        .collect()
}

#[test]
fn a_message_that_is_not_json_gets_a_parse_error_and_the_server_goes_on() {
    let mut client = started();
    client.send_raw_bytes(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    client.send_raw_bytes(b"\xff\xfe not UTF-8");
    assert_alive(&mut client);
    let errors = wait_for_unaddressed_errors(&mut client, 2);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|e| e["error"]["code"] == PARSE_ERROR),
        "{errors:?}"
    );
    assert!(
        errors[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not UTF-8"),
        "{errors:?}"
    );
    // JSON that is no JSON-RPC message is an invalid request, answered with its id if any.
    client.send_raw_bytes(br#"{"foo": 1}"#);
    client.send_raw_bytes(br#"{"id": 77, "method": 5}"#);
    client.send_raw_bytes(b"[]");
    assert_alive(&mut client);
    let invalid: Vec<Value> = wait_for_errors(&mut client, INVALID_REQUEST, 3)
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert_eq!(invalid, vec![Value::Null, json!(77), Value::Null]);
    // Documents are still checked.
    let uri = uri("after_bad_message_tasking_request.json");
    client.open(&uri, BROKEN);
    assert!(!client.diagnostics(&uri, 1).diagnostics.is_empty());
    client.shutdown_and_exit();
}

#[test]
fn a_lone_surrogate_in_an_opened_text_is_replaced_and_the_document_checked() {
    // JSON.stringify writes `\ud83d` for half an emoji; serde_json refuses it. The document
    // is kept with U+FFFD in its place (one UTF-16 unit, like the surrogate), so later edits
    // still land where the editor means them.
    let mut client = started();
    let uri = uri("surrogate_tasking_request.json");
    let text = seed_with("\"displayName\": \"", "\"displayName\": \"@LONE@");
    let escaped = serde_json::to_string(&text)
        .unwrap()
        .replace("@LONE@", "\\ud83d");
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":{},"languageId":"json","version":1,"text":{escaped}}}}}}}"#,
        json!(uri)
    );
    client.send_raw_bytes(body.as_bytes());
    let published = client.diagnostics(&uri, 1);
    assert!(
        published.diagnostics.is_empty(),
        "{:?}",
        published.diagnostics
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(0, 0)}),
    );
    assert!(hover.is_ok(), "{hover:?}");
    assert!(unaddressed_errors(&client).is_empty(), "{:?}", client.stray);
    client.shutdown_and_exit();
}

#[test]
fn an_oversized_content_length_is_refused_and_the_next_request_answered() {
    let mut client = started();
    // A request claiming 1 GB (over the 64 MiB cap) whose body is short: the refusal carries
    // its id, and reading resumes at the next header.
    client.send_unframed(
        b"Content-Length: 1000000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":4242,\"method\":\"x\"}",
    );
    let status = client.status();
    assert!(status["documents"].is_array(), "{status}");
    let refused: Vec<Value> = wait_for_errors(&mut client, INVALID_REQUEST, 1)
        .into_iter()
        .filter(|m| m["id"] == 4242)
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", client.stray);
    assert_eq!(refused[0]["error"]["code"], INVALID_REQUEST);
    let message = refused[0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("exceeds the limit"), "{message}");
    // A body really that long (65 MiB of spaces) is skipped without being held.
    let big = 65usize << 20;
    client.send_unframed(format!("Content-Length: {}\r\n\r\n", big + 2).as_bytes());
    client.send_unframed(b"{\"");
    client.send_unframed(&vec![b' '; big]);
    assert_alive(&mut client);
    client.shutdown_and_exit();
}

#[test]
fn random_bytes_between_messages_never_stop_the_server() {
    // Seeded garbage of every kind (binary, text, broken headers, truncated bodies) between
    // valid requests; every request gets its own answer and the server goes on.
    let mut client = started();
    let uri = uri("fuzz_tasking_request.json");
    client.open(&uri, &seed());
    client.diagnostics(&uri, 1);
    let mut rng = XorShift::new(0x5eed_f00d);
    for round in 0..200 {
        let garbage: Vec<u8> = match rng.below(5) {
            0 => (0..rng.below(300)).map(|_| rng.next_u64() as u8).collect(),
            1 => {
                const ALPHABET: &[u8] = b" ab:{}[]\"\\\r\n0123456789Content-Length";
                (0..rng.below(300))
                    .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                    .collect()
            }
            2 => format!("Content-Length: {}\r\n\r\n{{\"jsonrpc\":", rng.below(40)).into_bytes(),
            3 => b"Content-Length: -5\r\nContent-Type: text/x\r\n\r\n".to_vec(),
            _ => {
                let body =
                    json!({"jsonrpc": "2.0", "id": 1_000_000 + round, "method": "x"}).to_string();
                let cut = rng.below(body.len());
                format!("Content-Length: {}\r\n\r\n{}", body.len(), &body[..cut]).into_bytes()
            }
        };
        client.send_unframed(&garbage);
        let at = json!({"textDocument": {"uri": uri}, "position": pos(3, 6)});
        let result = client.request("textDocument/hover", at);
        assert!(
            result.is_ok(),
            "round {round}: {result:?} after {garbage:?}"
        );
    }
    // Edits still reach the document and are checked.
    client.change(&uri, 2, vec![json!({"text": BROKEN})]);
    assert!(!client.diagnostics(&uri, 2).diagnostics.is_empty());
    assert!(!client.stderr().contains("panicked"), "{}", client.stderr());
    client.shutdown_and_exit();
}

#[test]
fn cancel_requests_for_pending_and_unknown_ids() {
    let mut client = started();
    let uri = uri("cancel_tasking_request.json");
    client.open(&uri, &seed());
    client.diagnostics(&uri, 1);
    client.notify("$/cancelRequest", json!({"id": 12345}));
    client.notify("$/cancelRequest", json!({"id": "no-such-id"}));
    let mut ids = Vec::new();
    for _ in 0..20 {
        let id = client.send_request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(3, 5)}),
        );
        client.notify("$/cancelRequest", json!({"id": id}));
        ids.push(id);
    }
    // Every request gets exactly one answer: its result or a cancellation error.
    for id in ids {
        let result = client.response(id);
        if let Err(error) = &result {
            assert_eq!(error["code"], REQUEST_CANCELLED, "{error}");
        }
    }
    assert_alive(&mut client);
    client.shutdown_and_exit();
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = LspClient::start();
    let result = client.request("taskingLs/status", Value::Null);
    assert_eq!(
        error_code(&result),
        Some(SERVER_NOT_INITIALIZED),
        "{result:?}"
    );
    let result = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri("a_tasking_request.json")}, "position": pos(0, 0)}),
    );
    assert_eq!(
        error_code(&result),
        Some(SERVER_NOT_INITIALIZED),
        "{result:?}"
    );
    client.initialize(None, json!({}));
    let result = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(error_code(&result), Some(INVALID_REQUEST), "{result:?}");
    assert_alive(&mut client);
    client.shutdown_and_exit();
}

#[test]
fn shutdown_then_exit_ends_with_status_zero() {
    let mut client = started();
    let uri = uri("x_tasking_request.json");
    client.open(&uri, BROKEN);
    client.diagnostics(&uri, 1);
    client.shutdown_and_exit();
}

#[test]
fn requests_after_shutdown_are_refused() {
    let mut client = started();
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    let result = client.request("taskingLs/status", Value::Null);
    assert_eq!(error_code(&result), Some(INVALID_REQUEST), "{result:?}");
    client.notify("exit", Value::Null);
    client.close_stdin();
    assert_eq!(client.wait_for_exit().code(), Some(0));
}

#[test]
fn exit_ends_the_process_while_its_input_stays_open() {
    // Clients send `exit` and wait for the process to end; not all of them close the pipe.
    let mut client = started();
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    client.notify("exit", Value::Null);
    let status = client.wait_for_exit_within(Duration::from_secs(2));
    assert!(
        status.is_some(),
        "the server was still running 2 s after `exit` (its input still open)"
    );
    assert_eq!(status.unwrap().code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_status_one() {
    // LSP: "The server should exit with success code 0 if the shutdown request has been
    // received before; otherwise with error code 1."
    let mut client = started();
    client.notify("exit", Value::Null);
    client.close_stdin();
    assert_eq!(client.wait_for_exit().code(), Some(1));
}

#[test]
fn the_server_exits_when_its_input_closes() {
    let mut client = started();
    let started = Instant::now();
    client.close_stdin();
    let status = client.wait_for_exit();
    assert!(started.elapsed() < TIMEOUT, "{status}");
}

#[test]
fn secrets_in_the_environment_never_reach_the_log() {
    let secret = "s3cr3t-token-do-not-log";
    let mut client = LspClient::start_with(
        &["serve", "--offline", "-vv"],
        &[
            ("UP42_TOKEN", secret),
            ("UP42_PASSWORD", secret),
            ("UP42_PROJECT_API_KEY", secret),
            ("RUST_LOG", "trace"),
        ],
    );
    client.initialize(None, json!({"offline": true, "workspaceId": "ws"}));
    let uri = uri("secret_tasking_request.json");
    client.open(&uri, BROKEN);
    client.diagnostics(&uri, 1);
    // Things the server logs: a file it ignores, a change that does not move the version on.
    client.open(&crate::support::lsp_client::uri("package.json"), "{}");
    client.change(&uri, 1, vec![json!({"text": "{}"})]);
    let _ = client.request(
        "workspace/executeCommand",
        json!({"command": "taskingLs.getQuote", "arguments": [uri]}),
    );
    let _ = client.request(
        "workspace/executeCommand",
        json!({"command": "taskingLs.orderStatus", "arguments": ["order-1"]}),
    );
    client.pump(Duration::from_millis(100));
    let log = client.stderr();
    assert!(
        !log.is_empty(),
        "-vv logged nothing, so this test shows nothing"
    );
    assert!(!log.contains(secret), "the secret is in the log:\n{log}");
    let seen = serde_json::to_string(&client.seen()).unwrap();
    assert!(
        !seen.contains(secret),
        "the secret was sent to the editor: {seen}"
    );
    client.shutdown_and_exit();
}
