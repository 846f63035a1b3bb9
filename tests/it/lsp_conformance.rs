//! The LSP conformance gate (issue 23): drive the real server through every capability it
//! advertises (read from its `initialize` result), resolve requests, server-to-client
//! requests, progress, cancellation, requests before `initialize`, unknown methods and both
//! position encodings, and validate every message it sends against the LSP 3.17 metaModel
//! (`tests/lsp-metamodel/lsp.json`), plus what the model cannot say: ranges inside the
//! document with start <= end, exactly one answer per request and none to a notification,
//! published diagnostics carrying a version the client sent. Zero nonconformant messages.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::lsp_client::{uri, LspClient};
use crate::support::metamodel::{model, FoundRange};

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");

/// The texts the client sent for each document, by version (full-text sync only here).
type Texts = HashMap<String, Vec<(i64, String)>>;

/// The value at a dotted capability path (`completionProvider.resolveProvider`), if truthy.
fn capability<'a>(capabilities: &'a Value, path: &str) -> Option<&'a Value> {
    let mut value = capabilities;
    for part in path.split('.') {
        value = value.get(part)?;
    }
    (!value.is_null() && *value != json!(false)).then_some(value)
}

/// Params for each request the server may advertise, on document `doc` whose text is
/// `text`; `None` for a method this test cannot drive (the test then fails, naming it).
fn params_for(method: &str, doc: &str, text: &str) -> Option<Value> {
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len().saturating_sub(1) as u32;
    let whole =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": last, "character": 0}});
    // Inside the value of `acquisitionMode` (line 6 of both examples).
    let position = json!({"line": 6, "character": 25});
    let id = json!({"uri": doc});
    Some(match method {
        "textDocument/hover"
        | "textDocument/completion"
        | "textDocument/definition"
        | "textDocument/declaration"
        | "textDocument/typeDefinition"
        | "textDocument/implementation"
        | "textDocument/documentHighlight"
        | "textDocument/signatureHelp"
        | "textDocument/prepareRename"
        | "textDocument/linkedEditingRange"
        | "textDocument/moniker"
        | "textDocument/prepareCallHierarchy"
        | "textDocument/prepareTypeHierarchy" => json!({"textDocument": id, "position": position}),
        "textDocument/references" => {
            json!({"textDocument": id, "position": position, "context": {"includeDeclaration": true}})
        }
        "textDocument/rename" => json!({"textDocument": id, "position": position, "newName": "x"}),
        "textDocument/documentSymbol"
        | "textDocument/foldingRange"
        | "textDocument/documentLink"
        | "textDocument/codeLens"
        | "textDocument/documentColor"
        | "textDocument/semanticTokens/full" => json!({"textDocument": id}),
        "textDocument/semanticTokens/range"
        | "textDocument/inlayHint"
        | "textDocument/inlineValue" => {
            json!({"textDocument": id, "range": whole, "context": {"frameId": 0, "stoppedLocation": whole}})
        }
        "textDocument/codeAction" => json!({
            "textDocument": id, "range": whole,
            "context": {"diagnostics": [], "triggerKind": 1}
        }),
        "textDocument/formatting" => {
            json!({"textDocument": id, "options": {"tabSize": 2, "insertSpaces": true}})
        }
        "textDocument/rangeFormatting" => {
            json!({"textDocument": id, "range": whole, "options": {"tabSize": 2, "insertSpaces": true}})
        }
        "textDocument/onTypeFormatting" => {
            json!({"textDocument": id, "position": position, "ch": "\n", "options": {"tabSize": 2, "insertSpaces": true}})
        }
        "textDocument/selectionRange" => json!({"textDocument": id, "positions": [position]}),
        "textDocument/diagnostic" => json!({"textDocument": id}),
        "workspace/diagnostic" => json!({"previousResultIds": []}),
        "workspace/symbol" => json!({"query": "geo"}),
        "textDocument/colorPresentation" => {
            json!({"textDocument": id, "range": whole, "color": {"red": 0, "green": 0, "blue": 0, "alpha": 1}})
        }
        _ => return None,
    })
}

/// The lines of `text` as LSP counts them (`\n`, `\r\n` and `\r` end a line).
fn line_lengths(text: &str, utf8: bool) -> Vec<usize> {
    let mut lengths = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        lengths.push(if utf8 {
            line.len()
        } else {
            line.encode_utf16().count()
        });
    }
    lengths
}

/// Problems of a range against the text it is about: start <= end, both inside.
fn range_problems(found: &FoundRange, text: &str, utf8: bool) -> Vec<String> {
    let lengths = line_lengths(text, utf8);
    let at = |p: &Value| {
        (
            p["line"].as_u64().unwrap_or(u64::MAX),
            p["character"].as_u64().unwrap_or(u64::MAX),
        )
    };
    let (start, end) = (at(&found.range["start"]), at(&found.range["end"]));
    let mut problems = Vec::new();
    if start > end {
        problems.push(format!("{}: start {start:?} after end {end:?}", found.path));
    }
    for (name, (line, character)) in [("start", start), ("end", end)] {
        match lengths.get(line as usize) {
            None => problems.push(format!(
                "{}: {name} line {line} past the last line {}",
                found.path,
                lengths.len() - 1
            )),
            Some(&length) if character as usize > length => problems.push(format!(
                "{}: {name} character {character} past the end of line {line} ({length} units)",
                found.path
            )),
            _ => {}
        }
    }
    problems
}

/// The text of `doc` the client had sent when the message at transcript index `at` came.
fn text_at(transcript: &[(bool, Value)], doc: &str, at: usize) -> Option<String> {
    let mut text = None;
    for (from_server, message) in &transcript[..at] {
        if *from_server {
            continue;
        }
        let params = &message["params"];
        match message["method"].as_str() {
            Some("textDocument/didOpen") if params["textDocument"]["uri"] == doc => {
                text = params["textDocument"]["text"].as_str().map(String::from);
            }
            Some("textDocument/didChange") if params["textDocument"]["uri"] == doc => {
                if let Some(full) = params["contentChanges"].as_array().and_then(|c| c.last()) {
                    text = full["text"].as_str().map(String::from);
                }
            }
            _ => {}
        }
    }
    text
}

/// Validates the whole transcript; the list of nonconformant messages.
fn validate(transcript: &[(bool, Value)], utf8: bool, texts: &Texts) -> Vec<String> {
    let model = model();
    let mut problems = Vec::new();
    // Client requests by id: (method, params, transcript index).
    let mut requests: HashMap<String, (String, Value, usize)> = HashMap::new();
    let mut answers: HashMap<String, usize> = HashMap::new();
    for (index, (from_server, message)) in transcript.iter().enumerate() {
        let method = message["method"].as_str();
        let has_id = message.get("id").is_some();
        if !from_server {
            if let (Some(method), true) = (method, has_id) {
                requests.insert(
                    message["id"].to_string(),
                    (method.to_string(), message["params"].clone(), index),
                );
            }
            continue;
        }
        if message["jsonrpc"] != "2.0" {
            problems.push(format!("#{index}: jsonrpc is not \"2.0\": {message}"));
        }
        let check_ranges = |ranges: Vec<FoundRange>,
                            doc: Option<&str>,
                            text: Option<String>,
                            what: &str,
                            problems: &mut Vec<String>| {
            for found in ranges {
                match &text {
                    Some(text) => problems.extend(
                        range_problems(&found, text, utf8)
                            .into_iter()
                            .map(|p| format!("#{index} {what} ({}): {p}", doc.unwrap_or("?"))),
                    ),
                    None => {
                        // At least the order of the ends.
                        let at = |p: &Value| (p["line"].as_u64(), p["character"].as_u64());
                        if at(&found.range["start"]) > at(&found.range["end"]) {
                            problems
                                .push(format!("#{index} {what}: {} start after end", found.path));
                        }
                    }
                }
            }
        };
        match (method, has_id) {
            // A request from the server.
            (Some(method), true) => match model.request(method) {
                Some(request) if request["messageDirection"] != "clientToServer" => {
                    if let Some(ty) = request.get("params").filter(|t| !t.is_null()) {
                        let (errors, ranges) = model.validate(ty, &message["params"], "params");
                        problems.extend(errors.into_iter().map(|e| format!("#{index} {method}: {e}")));
                        check_ranges(ranges, None, None, method, &mut problems);
                    }
                }
                _ => problems.push(format!("#{index}: the server sent request {method}, not a server-to-client request of LSP 3.17")),
            },
            // A notification from the server.
            (Some(method), false) => match model.notification(method) {
                Some(notification) if notification["messageDirection"] != "clientToServer" => {
                    if let Some(ty) = notification.get("params").filter(|t| !t.is_null()) {
                        let (errors, ranges) = model.validate(ty, &message["params"], "params");
                        problems.extend(errors.into_iter().map(|e| format!("#{index} {method}: {e}")));
                        if method == "textDocument/publishDiagnostics" {
                            let doc = message["params"]["uri"].as_str().unwrap_or("");
                            let version = message["params"]["version"].as_i64();
                            let text = match version {
                                Some(v) => match texts.get(doc).and_then(|t| t.iter().find(|(sent, _)| *sent == v)) {
                                    Some((_, text)) => Some(text.clone()),
                                    None => {
                                        problems.push(format!("#{index} publishDiagnostics: version {v} of {doc} was never sent"));
                                        None
                                    }
                                },
                                // Diagnostics of a closed document are cleared without one.
                                None if message["params"]["diagnostics"] == json!([]) => None,
                                None => {
                                    problems.push(format!("#{index} publishDiagnostics without a version (the client declared versionSupport)"));
                                    None
                                }
                            };
                            check_ranges(ranges, Some(doc), text, method, &mut problems);
                        } else {
                            check_ranges(ranges, None, None, method, &mut problems);
                        }
                        if method == "$/progress" {
                            let value = &message["params"]["value"];
                            let ty = json!({"kind": "or", "items": [
                                {"kind": "reference", "name": "WorkDoneProgressBegin"},
                                {"kind": "reference", "name": "WorkDoneProgressReport"},
                                {"kind": "reference", "name": "WorkDoneProgressEnd"}]});
                            let (errors, _) = model.validate(&ty, value, "params/value");
                            problems.extend(errors.into_iter().map(|e| format!("#{index} $/progress: {e}")));
                        }
                    }
                }
                _ => problems.push(format!("#{index}: the server sent notification {method}, not a server-to-client notification of LSP 3.17")),
            },
            // A response.
            (None, true) => {
                let id = message["id"].to_string();
                *answers.entry(id.clone()).or_default() += 1;
                let Some((method, params, sent_at)) = requests.get(&id) else {
                    problems.push(format!("#{index}: a response to id {id}, which no request of the client has"));
                    continue;
                };
                if message.get("result").is_some() == message.get("error").is_some() {
                    problems.push(format!("#{index} {method}: a response must have exactly one of result and error"));
                }
                if let Some(error) = message.get("error") {
                    // JSON-RPC's error object (the metaModel describes LSP, not JSON-RPC 2.0 §5.1).
                    let response_error = json!({"kind": "literal", "value": {"properties": [
                        {"name": "code", "type": {"kind": "base", "name": "integer"}},
                        {"name": "message", "type": {"kind": "base", "name": "string"}},
                        {"name": "data", "type": {"kind": "reference", "name": "LSPAny"}, "optional": true}]}});
                    let (errors, _) = model.validate(&response_error, error, "error");
                    problems.extend(errors.into_iter().map(|e| format!("#{index} {method}: {e}")));
                    continue;
                }
                let Some(request) = model.request(method) else {
                    // A method of our own (taskingLs/...): the model cannot say.
                    continue;
                };
                let (errors, ranges) = model.validate(&request["result"], &message["result"], "result");
                problems.extend(errors.into_iter().map(|e| format!("#{index} {method}: {e}")));
                let doc = params["textDocument"]["uri"].as_str();
                let text = doc.and_then(|d| text_at(transcript, d, *sent_at));
                check_ranges(ranges, doc, text, method, &mut problems);
            }
            (None, false) => problems.push(format!("#{index}: neither a request, a notification nor a response: {message}")),
        }
    }
    for (id, (method, _, _)) in &requests {
        match answers.get(id) {
            Some(1) => {}
            Some(n) => problems.push(format!("{method} (id {id}) was answered {n} times")),
            None => problems.push(format!("{method} (id {id}) was never answered")),
        }
    }
    problems
}

/// One full session in one position encoding; the nonconformant messages, and what was
/// advertised but not driven.
fn session(offer_utf8: bool) -> (Vec<String>, Vec<String>, usize) {
    let mut client = LspClient::start();
    let mut texts: Texts = HashMap::new();
    let doc = uri("conformance_tasking_request.json");
    let broken = uri("broken_tasking_request.json");
    // Non-ASCII text before the cursor line, so that the encodings differ.
    let text = SEED.replace("My satellite tasking order", "Zürich 😀 order");

    // Before initialize: a request is refused with ServerNotInitialized, a notification is
    // dropped without an answer.
    let early = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 0}}),
    );
    let early_code = early.as_ref().err().and_then(|e| e["code"].as_i64());

    let encodings: Vec<&str> = if offer_utf8 {
        vec!["utf-8", "utf-16"]
    } else {
        vec!["utf-16"]
    };
    // The UTF-8 session declares pull diagnostics (the server then stops pushing), the UTF-16
    // one does not (push): both paths are driven.
    let pull = offer_utf8;
    let mut capabilities = json!({
        "general": {"positionEncodings": encodings},
        "workspace": {"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true},
                       "workspaceEdit": {"documentChanges": true}, "applyEdit": true,
                       "executeCommand": {}, "symbol": {}, "diagnostic": {"refreshSupport": true},
                       "inlayHint": {"refreshSupport": true}, "semanticTokens": {"refreshSupport": true},
                       "codeLens": {"refreshSupport": true}},
        "textDocument": {
            "synchronization": {"didSave": true, "willSave": true},
            "publishDiagnostics": {"versionSupport": true, "relatedInformation": true, "codeDescriptionSupport": true, "dataSupport": true},
            "completion": {"completionItem": {"snippetSupport": true, "resolveSupport": {"properties": ["documentation", "detail"]},
                           "documentationFormat": ["markdown", "plaintext"], "labelDetailsSupport": true}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source", "source.fixAll", "refactor", "refactor.rewrite"]}},
                           "resolveSupport": {"properties": ["edit"]}, "dataSupport": true, "isPreferredSupport": true},
            "inlayHint": {"resolveSupport": {"properties": ["tooltip"]}},
            "foldingRange": {"lineFoldingOnly": false},
            "formatting": {}, "rangeFormatting": {}, "selectionRange": {}, "documentLink": {}, "codeLens": {}
        },
        "window": {"workDoneProgress": true, "showMessage": {}, "showDocument": {"support": true}}
    });
    if pull {
        capabilities["textDocument"]["diagnostic"] = json!({"relatedDocumentSupport": false});
    }
    let result = client
        .request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": {}}))
        .expect("initialize");
    let server = result["capabilities"].clone();
    let utf8 = server["positionEncoding"] == "utf-8";
    assert_eq!(
        utf8, offer_utf8,
        "the encoding negotiated: {}",
        server["positionEncoding"]
    );
    client.notify("initialized", json!({}));
    // eglot's first message after opening: empty settings (the defaults must stay).
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));

    client.open_version(&doc, &text, 1);
    texts
        .entry(doc.clone())
        .or_default()
        .push((1, text.clone()));
    client.open_version(&broken, BROKEN, 1);
    texts
        .entry(broken.clone())
        .or_default()
        .push((1, BROKEN.to_string()));
    if pull {
        let report = client
            .request(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": broken}}),
            )
            .expect("pull diagnostics");
        assert!(
            report["items"].as_array().is_some_and(|i| !i.is_empty()),
            "the defaults were lost after empty settings: {report}"
        );
    } else {
        client.diagnostics(&doc, 1);
        let published = client.diagnostics(&broken, 1);
        assert!(
            !published.diagnostics.is_empty(),
            "the defaults were lost after empty settings"
        );
    }

    // Every request the server advertises, on both documents.
    let mut undriven = Vec::new();
    let mut driven = 0;
    let mut results: HashMap<String, Value> = HashMap::new();
    let mut methods: Vec<(String, String)> = model()
        .requests()
        .filter_map(|r| {
            Some((
                r["method"].as_str()?.to_string(),
                r["serverCapability"].as_str()?.to_string(),
            ))
        })
        .collect();
    methods.sort();
    for (method, cap) in &methods {
        if method.ends_with("/resolve") || capability(&server, cap).is_none() {
            continue;
        }
        if method == "workspace/executeCommand" {
            continue;
        }
        for (target, target_text) in [(&doc, text.as_str()), (&broken, BROKEN)] {
            let Some(params) = params_for(method, target, target_text) else {
                undriven.push(format!("{method} ({cap})"));
                break;
            };
            driven += 1;
            if let Ok(result) = client.request(method, params) {
                results.entry(method.clone()).or_insert(result);
            }
        }
    }
    // Resolve requests, with an item the server gave.
    let first = |v: Option<&Value>| -> Option<Value> {
        let v = v?;
        let items = v.get("items").unwrap_or(v);
        items.as_array()?.first().cloned()
    };
    for (method, from, cap) in [
        (
            "completionItem/resolve",
            "textDocument/completion",
            "completionProvider.resolveProvider",
        ),
        (
            "codeAction/resolve",
            "textDocument/codeAction",
            "codeActionProvider.resolveProvider",
        ),
        (
            "inlayHint/resolve",
            "textDocument/inlayHint",
            "inlayHintProvider.resolveProvider",
        ),
        (
            "documentLink/resolve",
            "textDocument/documentLink",
            "documentLinkProvider.resolveProvider",
        ),
        (
            "codeLens/resolve",
            "textDocument/codeLens",
            "codeLensProvider.resolveProvider",
        ),
    ] {
        if capability(&server, cap).is_none() {
            continue;
        }
        match first(results.get(from)) {
            Some(item) => {
                driven += 1;
                let _ = client.request(method, item);
            }
            None => undriven.push(format!("{method}: {from} gave no item to resolve")),
        }
    }
    // Each command advertised, without arguments (the server must answer, not hang).
    for command in server["executeCommandProvider"]["commands"]
        .as_array()
        .into_iter()
        .flatten()
    {
        driven += 1;
        let _ = client.request(
            "workspace/executeCommand",
            json!({"command": command, "arguments": []}),
        );
    }
    // Edits: a full-text change (version 2), save, and a change that breaks the JSON.
    let changed = text.replace("\"mono\"", "\"stereo\"");
    client.change(&doc, 2, vec![json!({"text": changed})]);
    texts
        .entry(doc.clone())
        .or_default()
        .push((2, changed.clone()));
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": doc}}),
    );
    if !pull {
        client.diagnostics(&doc, 2);
    }
    let torn = changed.replacen('{', "{\n  \"x\": ", 2);
    client.change(&doc, 3, vec![json!({"text": torn})]);
    texts
        .entry(doc.clone())
        .or_default()
        .push((3, torn.clone()));
    if pull {
        let _ = client.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": doc}}),
        );
    } else {
        client.diagnostics(&doc, 3);
    }
    // Cancellation: a request cancelled at once is still answered exactly once.
    let id = client.send_request(
        "textDocument/completion",
        params_for("textDocument/completion", &doc, &torn).unwrap(),
    );
    client.notify("$/cancelRequest", json!({"id": id}));
    let _ = client.response(id);
    // Unknown methods: a request gets MethodNotFound, a notification nothing.
    let unknown = client.request("tasking/noSuchMethod", json!({}));
    let unknown_code = unknown.as_ref().err().and_then(|e| e["code"].as_i64());
    client.notify("tasking/noSuchNotification", json!({}));
    client.notify("$/noSuchNotification", json!({}));
    client.close(&broken);
    client.pump(Duration::from_millis(300));
    let transcript = client.transcript.lock().unwrap().clone();
    client.shutdown_and_exit();

    let mut problems = validate(&transcript, utf8, &texts);
    let from_server = transcript.iter().filter(|(s, _)| *s).count();
    eprintln!("utf-8 offered: {offer_utf8}: {driven} requests driven, {from_server} server messages validated");
    assert!(
        from_server > 30,
        "only {from_server} messages from the server"
    );
    if early_code != Some(-32002) {
        problems.push(format!(
            "a request before initialize got {early:?}, not ServerNotInitialized (-32002)"
        ));
    }
    if unknown_code != Some(-32601) {
        problems.push(format!(
            "an unknown request got {unknown:?}, not MethodNotFound (-32601)"
        ));
    }
    (problems, undriven, driven)
}

#[test]
fn every_message_conforms_to_the_lsp_3_17_metamodel_in_both_encodings() {
    for offer_utf8 in [true, false] {
        let (problems, undriven, driven) = session(offer_utf8);
        assert!(
            undriven.is_empty(),
            "advertised but not driven by this test (utf-8 offered: {offer_utf8}): {undriven:#?}"
        );
        assert!(driven >= 10, "only {driven} requests driven");
        assert!(
            problems.is_empty(),
            "{} nonconformant (utf-8 offered: {offer_utf8}):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

/// The rules beyond the model catch what they claim: an end past its line, a start after
/// its end, a line past the last; columns in the negotiated units, CRLF not counted.
#[test]
fn range_rules_reject_ranges_outside_the_document() {
    let text = "{\r\n  \"a\": \"😀\"\r\n}";
    let range = |l0: u64, c0: u64, l1: u64, c1: u64| FoundRange {
        path: "r".to_string(),
        range: json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}),
    };
    // Line 1 is `  "a": "😀"`: 11 UTF-16 units, 13 UTF-8 bytes.
    assert!(range_problems(&range(1, 0, 1, 11), text, false).is_empty());
    assert!(!range_problems(&range(1, 0, 1, 12), text, false).is_empty());
    assert!(range_problems(&range(1, 0, 1, 13), text, true).is_empty());
    assert!(!range_problems(&range(1, 0, 1, 14), text, true).is_empty());
    assert!(!range_problems(&range(1, 5, 1, 2), text, false).is_empty());
    assert!(!range_problems(&range(0, 0, 3, 0), text, false).is_empty());
    assert!(range_problems(&range(2, 1, 2, 1), text, false).is_empty());
}
