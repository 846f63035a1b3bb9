//! End-to-end tests of text sync and diagnostics: the real server over stdio publishes what
//! `tasking-ls validate` reports, at the same ranges, in the negotiated encoding, for the
//! newest version only.

use std::time::Duration;

use crate::support::lsp_client::*;
use serde_json::{json, Value};

/// Long enough for a publish that should not come to have arrived.
const QUIET: Duration = Duration::from_millis(300);

/// The server's last diagnostics equal `validate --format json` on the same text.
fn assert_agrees_with_validate(client: &LspClient, published: &Published, text: &str) {
    let expected = normalize_validated(&client.validate("check_tasking_request.json", text));
    let actual = normalize_published(&published.diagnostics);
    assert_eq!(
        actual, expected,
        "the server (left) and validate (right) disagree on:\n{text}"
    );
}

#[test]
fn open_publishes_the_broken_examples_codes_at_their_ranges() {
    let mut client = started();
    let uri = uri("pleiades_analytic_broken_tasking_request.json");
    client.open_version(&uri, BROKEN, 7);
    let published = client.diagnostics(&uri, 7);

    let model = TextModel::new(BROKEN);
    // `dates.past` would join these once 2027-05-01 has gone by; it is not what this tests.
    let shown: Vec<String> = published
        .diagnostics
        .iter()
        .filter(|d| d["code"] != "dates.past")
        .map(|d| {
            assert_eq!(d["source"], "tasking-ls");
            assert_eq!(d["severity"], 1, "{d}");
            let r = &d["range"];
            format!(
                "{} {}:{}-{}:{} `{}`",
                d["code"].as_str().unwrap(),
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                model.slice(r, Encoding::Utf16)
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            r#"dates.order 5:22-5:48 `"2027-03-01T00:00:00.000Z"`"#,
            r#"schema.enum 8:27-8:44 `"ortho-rectified"`"#,
            "geometry.unclosed-ring 18:10-18:28 `[-79.4387, 9.0727]`",
            "schema.range 22:21-22:24 `150`",
            r#"schema.additional-property 23:4-23:16 `"cloudCover"`"#,
        ]
    );
    assert_agrees_with_validate(&client, &published, BROKEN);
    client.shutdown_and_exit();
}

#[test]
fn the_valid_examples_get_an_empty_publish() {
    let mut client = started();
    let seed_uri = uri("pleiades_analytic_mono_tasking_request.json");
    let sar_uri = uri("sar_spot_tasking_request.json");
    client.open(&seed_uri, &seed());
    client.open(&sar_uri, &SAR.replace("2027-", "2099-"));
    assert_eq!(
        client.diagnostics(&seed_uri, 1).diagnostics,
        Vec::<Value>::new()
    );
    assert_eq!(
        client.diagnostics(&sar_uri, 1).diagnostics,
        Vec::<Value>::new()
    );
    client.shutdown_and_exit();
}

#[test]
fn a_file_that_matches_no_pattern_is_left_alone() {
    let mut client = started();
    let other = uri("package.json");
    let request = uri("a_tasking_request.json");
    client.open(&other, r#"{"name": "x", "dataProduct": 3, "params": {"#);
    client.open(&request, "{");
    // The request was opened after the other file, so by the time its diagnostics are in,
    // any for the other file have had their chance; wait a little more all the same.
    client.diagnostics(&request, 1);
    client.change(&other, 2, vec![json!({"text": "{,}"})]);
    client.pump(QUIET);
    assert!(
        client.history.iter().all(|p| p.uri != other),
        "diagnostics were published for package.json: {:?}",
        client.history
    );

    let at = json!({"textDocument": {"uri": other}, "position": pos(0, 2)});
    let completion = client.request("textDocument/completion", at.clone());
    assert!(
        matches!(&completion, Ok(result) if completion_items(result).is_empty()),
        "completion on package.json: {completion:?}"
    );
    assert_eq!(client.request("textDocument/hover", at), Ok(Value::Null));
    let status = client.status();
    let open: Vec<&str> = status["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["uri"].as_str().unwrap())
        .collect();
    assert_eq!(open, [request.as_str()]);
    client.shutdown_and_exit();
}

#[test]
fn file_patterns_come_from_initialization_options() {
    let mut client = LspClient::start();
    client.initialize(None, json!({"filePatterns": ["*.order.json"]}));
    let order = uri("panama.order.json");
    let request = uri("panama_tasking_request.json");
    client.open(&request, BROKEN);
    client.open(&order, BROKEN);
    let published = client.diagnostics(&order, 1);
    assert!(published.codes().contains(&"schema.enum".to_string()));
    client.pump(QUIET);
    assert!(client.history.iter().all(|p| p.uri != request));
    client.shutdown_and_exit();
}

#[test]
fn file_patterns_come_from_workspace_configuration() {
    let mut client = LspClient::start();
    client.responder = default_responder(json!({"filePatterns": ["*.order.json"]}));
    client.initialize_with(None, json!({}), json!({"configuration": true}));
    // The server asks for the `taskingLs` section once initialized; answer before opening.
    client.pump(QUIET);
    let configuration: Vec<&Value> = client
        .server_requests
        .iter()
        .filter(|r| r["method"] == "workspace/configuration")
        .collect();
    assert_eq!(configuration.len(), 1, "{:?}", client.server_requests);
    assert_eq!(
        configuration[0]["params"]["items"][0]["section"],
        "taskingLs"
    );

    let order = uri("panama.order.json");
    let request = uri("panama_tasking_request.json");
    client.open(&request, BROKEN);
    client.open(&order, BROKEN);
    client.diagnostics(&order, 1);
    client.pump(QUIET);
    assert!(client.history.iter().all(|p| p.uri != request));
    client.shutdown_and_exit();
}

#[test]
fn close_clears_the_diagnostics() {
    let mut client = started();
    let uri = uri("x_tasking_request.json");
    client.open(&uri, BROKEN);
    assert!(!client.diagnostics(&uri, 1).diagnostics.is_empty());
    client.close(&uri);
    let cleared = client
        .wait_for_diagnostics(&uri, |_| true, TIMEOUT)
        .expect("a publish after close");
    assert_eq!(cleared.diagnostics, Vec::<Value>::new());
    assert_eq!(client.status()["documents"], json!([]));
    client.shutdown_and_exit();
}

/// The seed on one line with an emoji in the name, so that the columns of everything after
/// it depend on the encoding.
fn one_line_order() -> String {
    let mut order: Value = serde_json::from_str(&seed()).unwrap();
    order["params"]["displayName"] = json!("Panama 😀 café");
    order["params"]["cloudCoverage"] = json!(150);
    serde_json::to_string(&order).unwrap()
}

fn check_encoding(offered: Option<&[&str]>, expected: Encoding, kind: &str, status: &str) {
    let mut client = LspClient::start();
    let result = client.initialize(offered, json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], kind);
    assert_eq!(client.encoding, expected);
    assert_eq!(client.status()["encoding"], status);

    let uri = uri("emoji_tasking_request.json");
    let mut model = TextModel::new(&one_line_order());
    client.open(&uri, &model.text);
    let published = client.diagnostics(&uri, 1);
    let ranges = published.with_code("schema.range");
    assert_eq!(ranges.len(), 1, "{:?}", published.diagnostics);
    assert_eq!(ranges[0]["range"], model.find("150", expected));
    if expected == Encoding::Utf16 {
        assert_agrees_with_validate(&client, &published, &model.text);
    }

    // Type after the emoji, in the negotiated units: `café` becomes `café 😀é`.
    let after_cafe = model.text.find("café").unwrap() + "café".len();
    let at = model.position(after_cafe, expected);
    let change = json!({"range": range(at.clone(), at), "text": " 😀é"});
    model.apply_change(&change, expected);
    assert!(model.text.contains("\"Panama 😀 café 😀é\""));
    client.change(&uri, 2, vec![change]);
    let published = client.diagnostics(&uri, 2);
    let ranges = published.with_code("schema.range");
    assert_eq!(ranges.len(), 1, "{:?}", published.diagnostics);
    assert_eq!(ranges[0]["range"], model.find("150", expected));

    // Replace the value through a range given in the negotiated units.
    let change = json!({"range": model.find("150", expected), "text": "99"});
    model.apply_change(&change, expected);
    client.change(&uri, 3, vec![change]);
    let published = client.diagnostics(&uri, 3);
    assert_eq!(published.diagnostics, Vec::<Value>::new(), "{}", model.text);
    if expected == Encoding::Utf16 {
        assert_agrees_with_validate(&client, &published, &model.text);
    }
    client.shutdown_and_exit();
}

#[test]
fn utf16_when_the_client_offers_nothing() {
    check_encoding(None, Encoding::Utf16, "utf-16", "Utf16");
}

#[test]
fn utf16_when_the_client_offers_only_utf16_and_utf32() {
    check_encoding(
        Some(&["utf-32", "utf-16"]),
        Encoding::Utf16,
        "utf-16",
        "Utf16",
    );
}

#[test]
fn utf8_when_the_client_offers_it() {
    check_encoding(Some(&["utf-16", "utf-8"]), Encoding::Utf8, "utf-8", "Utf8");
}

#[test]
fn crlf_line_endings_map_exactly() {
    let mut client = started();
    let uri = uri("crlf_tasking_request.json");
    let text = BROKEN.replace('\n', "\r\n");
    client.open(&uri, &text);
    let published = client.diagnostics(&uri, 1);
    assert_agrees_with_validate(&client, &published, &text);
    let model = TextModel::new(&text);
    let range = &published.with_code("schema.range")[0]["range"];
    assert_eq!(model.slice(range, Encoding::Utf16), "150");
    client.shutdown_and_exit();
}

#[test]
fn a_change_whose_version_does_not_go_up_is_ignored() {
    let mut client = started();
    let uri = uri("v_tasking_request.json");
    client.open_version(&uri, &seed(), 5);
    client.diagnostics(&uri, 5);
    client.change(&uri, 5, vec![json!({"text": "{"})]);
    client.change(&uri, 3, vec![json!({"text": "{"})]);
    client.pump(QUIET);
    assert!(client.history.iter().all(|p| p.version == Some(5)));
    assert_eq!(client.status()["documents"][0]["version"], 5);
    // The document still holds the seed: an edit against it lands where expected.
    let model = TextModel::new(&seed());
    let start = model.text.find("\"cloudCoverage\": 10").unwrap() + 17;
    client.change(
        &uri,
        6,
        vec![json!({"range": model.range_of(start, start + 2, Encoding::Utf16), "text": "101"})],
    );
    let published = client.diagnostics(&uri, 6);
    assert_eq!(published.codes(), ["schema.range"]);
    client.shutdown_and_exit();
}

#[test]
fn a_burst_of_changes_ends_with_the_last_version_and_never_goes_back() {
    let mut client = started();
    let uri = uri("burst_tasking_request.json");
    let mut model = TextModel::new(&seed());
    client.open(&uri, &model.text);
    let mut version = 1;
    let mut value = "10".to_string();
    // The first burst is sent at once; the later ones with pauses about as long as a check,
    // so that changes keep landing while a check finishes and publishes.
    let mut rng = XorShift::new(51);
    for round in 0..8 {
        for step in 1..=50 {
            let prefix = "\"cloudCoverage\": ";
            let start = model.text.find(prefix).unwrap() + prefix.len();
            let range = model.range_of(start, start + value.len(), Encoding::Utf16);
            // Each burst ends on an out-of-range value.
            value = if step == 50 {
                "150".to_string()
            } else {
                step.to_string()
            };
            let change = json!({"range": range, "text": value});
            model.apply_change(&change, Encoding::Utf16);
            version += 1;
            client.change(&uri, version, vec![change]);
            if round > 0 {
                std::thread::sleep(Duration::from_micros(rng.below(1500) as u64));
            }
        }
        let last = client.diagnostics(&uri, version);
        assert_eq!(last.codes(), ["schema.range"]);
        assert_eq!(
            last.diagnostics[0]["range"],
            range(pos(24, 21), pos(24, 24))
        );
        assert_agrees_with_validate(&client, &last, &model.text);
    }
    client.pump(QUIET);
    let versions = assert_versions_only_go_up(&client, &uri);
    assert_eq!(versions.last(), Some(&version), "{versions:?}");
    client.shutdown_and_exit();
}

/// The versions of the publishes for `uri`, asserting that none is older than one before it.
fn assert_versions_only_go_up(client: &LspClient, uri: &str) -> Vec<i64> {
    let versions: Vec<i64> = client
        .history
        .iter()
        .filter(|p| p.uri == uri)
        .map(|p| p.version.expect("a versioned publish"))
        .collect();
    let back: Vec<&[i64]> = versions.windows(2).filter(|w| w[1] < w[0]).collect();
    assert!(
        back.is_empty(),
        "publishes went back in version: {back:?} in {versions:?}"
    );
    versions
}

/// A random edit against `model`, in UTF-16 positions that never split a character.
fn random_change(rng: &mut XorShift, model: &TextModel) -> Value {
    const PIECES: [&str; 16] = [
        "a", "Z", "7", " ", "\n", "\"", ":", ",", "{", "}", "[", "]", "é", "😀", "\u{00a0}", "ß",
    ];
    let boundaries = model.boundaries();
    let at = rng.below(boundaries.len());
    let start = boundaries[at];
    let end = if rng.chance(45) {
        boundaries[(at + 1 + rng.below(6)).min(boundaries.len() - 1)]
    } else {
        start
    };
    let mut text = String::new();
    if end == start || rng.chance(40) {
        for _ in 0..=rng.below(4) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    let mut range = model.range_of(start, end, Encoding::Utf16);
    if start == end && rng.chance(3) {
        // Past the end of the line: the protocol says this means the end of the line.
        range["start"]["character"] = json!(range["start"]["character"].as_u64().unwrap() + 500);
        range["end"] = range["start"].clone();
    }
    json!({"range": range, "text": text})
}

#[test]
fn a_thousand_random_edits_leave_the_server_with_the_clients_text() {
    let mut client = started();
    let uri = uri("random_tasking_request.json");
    let mut model = TextModel::new(&seed());
    client.open(&uri, &model.text);
    client.diagnostics(&uri, 1);
    let mut rng = XorShift::new(0x5eed_1234_abcd);
    let mut version = 1;
    let mut edits = 0;
    while edits < 1000 {
        let count = if rng.chance(20) { 2 + rng.below(3) } else { 1 };
        let mut changes = Vec::new();
        for _ in 0..count {
            let change = random_change(&mut rng, &model);
            model.apply_change(&change, Encoding::Utf16);
            changes.push(change);
            edits += 1;
        }
        version += 1;
        client.change(&uri, version, changes);
        // Check the server's view along the way too, to tell roughly where it went wrong.
        if edits % 250 < count && edits < 1000 {
            let published = client.diagnostics(&uri, version);
            assert_agrees_with_validate(&client, &published, &model.text);
        }
    }
    let published = client.diagnostics(&uri, version);
    assert_agrees_with_validate(&client, &published, &model.text);

    // Replace everything through one ranged change, then type inside the name on a long
    // line, where every later range depends on the columns being counted right.
    let everything = model.range_of(0, model.text.len(), Encoding::Utf16);
    let change = json!({"range": everything, "text": one_line_order()});
    model.apply_change(&change, Encoding::Utf16);
    version += 1;
    client.change(&uri, version, vec![change]);
    let name_start = model.text.find("Panama").unwrap();
    let mut name_end = name_start + "Panama 😀 café".len();
    for _ in 0..30 {
        let boundaries: Vec<usize> = (name_start..=name_end)
            .filter(|&i| model.text.is_char_boundary(i))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        let piece = ["é", "😀", "x", " "][rng.below(4)];
        let change = json!({"range": model.range_of(at, at, Encoding::Utf16), "text": piece});
        model.apply_change(&change, Encoding::Utf16);
        name_end += piece.len();
        version += 1;
        client.change(&uri, version, vec![change]);
    }
    let published = client.diagnostics(&uri, version);
    assert_eq!(published.codes(), ["schema.range"]);
    assert_eq!(
        published.diagnostics[0]["range"],
        model.find("150", Encoding::Utf16)
    );
    assert_agrees_with_validate(&client, &published, &model.text);
    // The same property as the burst test's, under a heavier load.
    assert_versions_only_go_up(&client, &uri);
    client.shutdown_and_exit();
}

#[test]
fn did_change_configuration_rereads_the_file_patterns() {
    let mut client = started();
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"filePatterns": ["*.order.json"]}}}),
    );
    let order = uri("after.order.json");
    let request = uri("after_tasking_request.json");
    client.open(&request, BROKEN);
    client.open(&order, BROKEN);
    assert!(client
        .diagnostics(&order, 1)
        .codes()
        .contains(&"schema.enum".to_string()));
    client.pump(QUIET);
    assert!(client.history.iter().all(|p| p.uri != request));
    client.shutdown_and_exit();
}

#[test]
fn a_document_open_before_its_name_matched_is_checked_once_the_settings_change() {
    let mut client = started();
    let before = uri("before.order.json");
    client.open(&before, BROKEN);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"filePatterns": ["*.order.json"]}}}),
    );
    // The editor will not open it again; the server has to know its text already, and the
    // next incremental change must apply to it.
    let published = client
        .wait_for_diagnostics(&before, |_| true, Duration::from_secs(1))
        .or_else(|| {
            client.change(
                &before,
                2,
                vec![json!({"range": range(pos(0, 0), pos(0, 0)), "text": " "})],
            );
            client.wait_for_diagnostics(&before, |_| true, Duration::from_secs(1))
        });
    let published =
        published.expect("a document opened before the settings changed is never checked");
    assert!(published.codes().contains(&"schema.enum".to_string()));
    client.shutdown_and_exit();
}
