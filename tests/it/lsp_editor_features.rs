//! The editor features over stdio: pull diagnostics (`textDocument/diagnostic`: the same
//! diagnostics as the pushes, `unchanged` for an unchanged document, a refresh when the
//! settings change), folding ranges, selection ranges and inlay hints (as snapshots).

use std::time::Duration;

use crate::support::lsp_client::*;
use expect_test::{expect, Expect};
use serde_json::{json, Value};

const EXAMPLES: [&str; 3] = [
    include_str!("../../examples/pleiades_analytic_mono_tasking_request.json"),
    include_str!("../../examples/sar_spot_tasking_request.json"),
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json"),
];
const MONO: &str = EXAMPLES[0];

/// A client that says it pulls diagnostics (and takes refreshes, collapsed text); `extra`
/// is merged over `textDocument`.
fn pulling(settings: Value) -> LspClient {
    let mut client = LspClient::start();
    client.responder = default_responder(settings);
    let params = json!({
        "processId": std::process::id(),
        "rootUri": null,
        "capabilities": {
            "workspace": {
                "configuration": true,
                // LSP 3.17 spells it `diagnostics` (plural) here, as VS Code's client sends it;
                // lsp-types 0.94 read `diagnostic`, so a real client's support went unseen.
                "diagnostics": {"refreshSupport": true},
                "inlayHint": {"refreshSupport": true}
            },
            "textDocument": {
                "publishDiagnostics": {"versionSupport": true},
                "diagnostic": {"dynamicRegistration": false, "relatedDocumentSupport": false},
                "foldingRange": {"lineFoldingOnly": true, "foldingRange": {"collapsedText": true}},
                "selectionRange": {},
                "inlayHint": {}
            }
        }
    });
    let result = client.request("initialize", params).expect("initialize");
    if let Some(kind) = result["capabilities"]["positionEncoding"].as_str() {
        client.encoding = Encoding::from_lsp(kind);
    }
    client.initialize_result = result;
    client.notify("initialized", json!({}));
    client
}

fn pull(client: &mut LspClient, uri: &str, previous: Option<&str>) -> Value {
    let mut params = json!({"textDocument": {"uri": uri}});
    if let Some(previous) = previous {
        params["previousResultId"] = json!(previous);
    }
    client
        .request("textDocument/diagnostic", params)
        .expect("textDocument/diagnostic")
}

/// Many documents: the examples, each cut short every 11 bytes (broken JSON of every kind),
/// and with its dates swapped and its mode misspelt.
fn generated_documents() -> Vec<String> {
    let mut documents = Vec::new();
    for example in EXAMPLES {
        let mut cut = 0;
        while cut < example.len() {
            if example.is_char_boundary(cut) {
                documents.push(example[..cut].to_string());
            }
            cut += 11;
        }
        documents.push(example.to_string());
        documents.push(
            example
                .replace("acquisitionStart", "acquisitionTmp")
                .replace("acquisitionEnd", "acquisitionStart")
                .replace("acquisitionTmp", "acquisitionEnd"),
        );
        documents.push(example.replace("\"mono\"", "\"monoo\""));
    }
    documents
}

#[test]
fn pulled_diagnostics_are_the_pushed_ones_on_many_documents() {
    let documents = generated_documents();
    assert!(documents.len() > 200, "{}", documents.len());
    let mut pusher = started();
    let mut puller = pulling(json!({}));
    let mut compared = 0;
    for (i, text) in documents.iter().enumerate() {
        let uri = uri(&format!("case{i}_tasking_request.json"));
        pusher.open(&uri, text);
        puller.open(&uri, text);
        let pushed = pusher.diagnostics(&uri, 1).diagnostics;
        let report = pull(&mut puller, &uri, None);
        assert_eq!(report["kind"], "full", "{report}");
        assert!(report["resultId"].is_string(), "{report}");
        let pulled = report["items"].as_array().expect("items").clone();
        assert_eq!(pulled, pushed, "document {i}:\n{text}");
        compared += pulled.len();
        pusher.close(&uri);
        puller.close(&uri);
    }
    assert!(compared > 300, "only {compared} diagnostics compared");
    // A pulling client gets no pushes: VS Code would list every problem twice.
    puller.pump(Duration::from_millis(300));
    let pushed: Vec<_> = puller
        .history
        .iter()
        .filter(|p| !p.diagnostics.is_empty())
        .collect();
    assert!(
        pushed.is_empty(),
        "pushed to a pulling client: {}",
        pushed.len()
    );
}

#[test]
fn an_unchanged_document_answers_unchanged_and_an_edit_a_full_report() {
    let mut client = pulling(json!({}));
    let doc = uri("unchanged_tasking_request.json");
    let text = MONO.replace("\"mono\"", "\"monoo\"");
    client.open(&doc, &text);
    let first = pull(&mut client, &doc, None);
    let id = first["resultId"].as_str().expect("resultId").to_string();
    assert_eq!(first["items"][0]["code"], "schema.enum", "{first}");

    let again = pull(&mut client, &doc, Some(&id));
    assert_eq!(again, json!({"kind": "unchanged", "resultId": id}));

    // An edit that fixes the value: a full report, a new id, no diagnostic.
    let at = TextModel::new(&text).find("monoo", client.encoding);
    client.change(&doc, 2, vec![json!({"range": at, "text": "mono"})]);
    let fixed = pull(&mut client, &doc, Some(&id));
    assert_eq!(fixed["kind"], "full", "{fixed}");
    assert_ne!(fixed["resultId"], json!(id));
    assert_eq!(fixed["items"], json!([]));

    // A stale id (from before the edit) never gets `unchanged`.
    let stale = pull(&mut client, &doc, Some(&id));
    assert_eq!(stale["kind"], "full");
    // Not an order request: an empty report, without an id to come back with.
    let other = uri("package.json");
    client.open(&other, "{\"name\": 1");
    assert_eq!(
        pull(&mut client, &other, None),
        json!({"kind": "full", "items": []})
    );
}

#[test]
fn a_settings_change_asks_a_pulling_client_to_pull_again() {
    let mut client = pulling(json!({}));
    let uri = uri("refresh_tasking_request.json");
    client.open(&uri, MONO);
    pull(&mut client, &uri, None);
    client.responder = default_responder(json!({"inlayHints": {"productTitle": false}}));
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.pump(Duration::from_millis(500));
    let asked: Vec<&str> = client
        .server_requests
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    assert!(asked.contains(&"workspace/diagnostic/refresh"), "{asked:?}");
    assert!(asked.contains(&"workspace/inlayHint/refresh"), "{asked:?}");
    assert_eq!(
        client.initialize_result["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        false
    );
}

/// A MultiPolygon of one ring with `n` positions, one number a line.
fn multipolygon(n: usize) -> String {
    let positions: Vec<String> = (0..n)
        .map(|i| format!("     [\n      {i},\n      0\n     ]"))
        .collect();
    format!(
        "{{\n \"geometry\": {{\n  \"type\": \"MultiPolygon\",\n  \"coordinates\": [\n   [\n    [\n{}\n    ]\n   ]\n  ]\n }}\n}}\n",
        positions.join(",\n")
    )
}

/// Folds as `start..end kind: collapsed text`, one a line.
fn folds(client: &mut LspClient, text: &str) -> String {
    let uri = uri("fold_tasking_request.json");
    client.open(&uri, text);
    let answer = client
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("foldingRange");
    client.close(&uri);
    answer
        .as_array()
        .expect("folds")
        .iter()
        .map(|f| {
            format!(
                "{}..{} {}: {}\n",
                f["startLine"],
                f["endLine"],
                f["kind"].as_str().unwrap_or("-"),
                f["collapsedText"].as_str().unwrap_or("(none)")
            )
        })
        .collect()
}

#[test]
fn folding_ranges_of_objects_arrays_and_coordinate_lists() {
    let mut client = pulling(json!({}));
    expect![[r#"
        0..28 -: … 2 members
        2..27 -: … 14 members
        11..21 -: … Polygon, 2 members
        13..20 -: … 1 ring, 5 positions
        14..19 -: … 5 positions
    "#]]
    .assert_eq(&folds(&mut client, MONO));
    // A long coordinate list starts folded (kind `imports`) and its positions, one number a
    // line, get no folds of their own.
    expect![[r#"
        0..61 -: … 1 member
        1..60 -: … MultiPolygon, 2 members
        3..59 imports: … 1 polygon, 13 positions
    "#]]
    .assert_eq(&folds(&mut client, &multipolygon(13)));
    // Ten positions or fewer: not folded on open, and each position folds on its own.
    expect![[r#"
        0..17 -: … 1 member
        1..16 -: … MultiPolygon, 2 members
        3..15 -: … 1 polygon, 2 positions
        4..14 -: … 1 ring, 2 positions
        5..13 -: … 2 positions
        6..8 -: … position
        10..12 -: … position
    "#]]
    .assert_eq(&folds(&mut client, &multipolygon(2)));
    // A client without collapsedText gets none; broken JSON still folds what is there.
    let mut plain = started();
    expect![[r#"
        0..5 -: (none)
        1..5 -: (none)
        2..5 -: (none)
    "#]]
    .assert_eq(&folds(
        &mut plain,
        "{\n \"params\": {\n  \"a\": [\n   1,\n   2\n",
    ));
}

/// The selection ranges at the `$0` of `marked`, innermost first, as the text each covers.
fn selections(marked: &str) -> String {
    let (text, at) = cursor(marked);
    let mut client = pulling(json!({}));
    let uri = uri("select_tasking_request.json");
    client.open(&uri, &text);
    let answer = client
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": uri}, "positions": [at]}),
        )
        .expect("selectionRange");
    let model = TextModel::new(&text);
    let mut out = String::new();
    let mut range = &answer[0];
    while range.is_object() {
        let start = model.offset(&range["range"]["start"], client.encoding);
        let end = model.offset(&range["range"]["end"], client.encoding);
        out.push_str(&format!("{:?}\n", &text[start..end]));
        range = &range["parent"];
    }
    out
}

#[test]
fn selection_ranges_grow_from_the_token_to_the_document() {
    let check = |marked: &str, expected: Expect| expected.assert_eq(&selections(marked));
    check(
        r#"{"params": {"acquisitionMode": "mo$0no", "geometry": {"coordinates": [[1, 2]]}}}"#,
        expect![[r#"
            "mono"
            "\"mono\""
            "\"acquisitionMode\": \"mono\""
            "\"acquisitionMode\": \"mono\", \"geometry\": {\"coordinates\": [[1, 2]]}"
            "{\"acquisitionMode\": \"mono\", \"geometry\": {\"coordinates\": [[1, 2]]}}"
            "\"params\": {\"acquisitionMode\": \"mono\", \"geometry\": {\"coordinates\": [[1, 2]]}}"
            "{\"params\": {\"acquisitionMode\": \"mono\", \"geometry\": {\"coordinates\": [[1, 2]]}}}"
        "#]],
    );
    check(
        r#"{"params": {"geometry": {"coordinates": [[1, 2$0]]}}}"#,
        expect![[r#"
            "2"
            "1, 2"
            "[1, 2]"
            "[[1, 2]]"
            "\"coordinates\": [[1, 2]]"
            "{\"coordinates\": [[1, 2]]}"
            "\"geometry\": {\"coordinates\": [[1, 2]]}"
            "{\"geometry\": {\"coordinates\": [[1, 2]]}}"
            "\"params\": {\"geometry\": {\"coordinates\": [[1, 2]]}}"
            "{\"params\": {\"geometry\": {\"coordinates\": [[1, 2]]}}}"
        "#]],
    );
    // On a key, in a document cut short.
    check(
        "{\"dataProduct\": \"x\", \"par$0ams\": {\"a\": ",
        expect![[r#"
            "params"
            "\"params\""
            "\"params\": {\"a\": "
            "\"dataProduct\": \"x\", \"params\": {\"a\": "
            "{\"dataProduct\": \"x\", \"params\": {\"a\": "
        "#]],
    );
}

/// Inlay hints of the whole document as `line:character label`.
fn hints(client: &mut LspClient, text: &str) -> String {
    let uri = uri("hints_tasking_request.json");
    client.open(&uri, text);
    let answer = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": range(pos(0, 0), pos(9999, 0))}),
        )
        .expect("inlayHint");
    client.close(&uri);
    answer
        .as_array()
        .expect("hints")
        .iter()
        .map(|h| {
            format!(
                "{}:{} {}\n",
                h["position"]["line"],
                h["position"]["character"],
                h["label"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn inlay_hints_name_the_product_the_window_and_the_area_each_switchable() {
    let mut client = pulling(json!({}));
    expect![[r#"
        1:55 Pléiades Analytic
        5:48 61 days
        22:5 499.8 km²
    "#]]
    .assert_eq(&hints(&mut client, MONO));
    // Unknown product, dates that do not parse, no polygon: no hints, no error.
    expect![[""]].assert_eq(&hints(
        &mut client,
        r#"{"dataProduct": "nope", "params": {"acquisitionStart": "soon", "acquisitionEnd": "later", "geometry": {"type": "Polygon"}}}"#,
    ));
    // Each setting turns its hint off.
    let mut client = pulling(json!({"inlayHints": {"productTitle": false, "aoiArea": false}}));
    for _ in 0..250 {
        if client
            .server_requests
            .iter()
            .any(|r| r["method"] == "workspace/configuration")
        {
            break;
        }
        client.pump(Duration::from_millis(20));
    }
    client.pump(Duration::from_millis(50));
    expect![[r#"
        5:48 61 days
    "#]]
    .assert_eq(&hints(&mut client, MONO));
}
