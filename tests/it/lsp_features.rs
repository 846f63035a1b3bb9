//! End-to-end tests of the request features over stdio: completion at `$0` markers (labels,
//! and the text after accepting an item), hover, quick fixes that remove their diagnostic,
//! document symbols and formatting.

use crate::support::lsp_client::*;
use serde_json::{json, Value};

/// A client with `text` open (version 1) under a request file name, its diagnostics received.
fn opened(name: &str, text: &str) -> (LspClient, String, Published) {
    let mut client = started();
    let uri = uri(name);
    client.open(&uri, text);
    let published = client.diagnostics(&uri, 1);
    (client, uri, published)
}

/// The completion items at the `$0` of `marked`, in the order the client would show them.
fn complete(marked: &str) -> (LspClient, String, TextModel, Value, Vec<Value>) {
    let (text, at) = cursor(marked);
    let (mut client, uri, _) = opened("complete_tasking_request.json", &text);
    let response = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .expect("completion");
    let mut items = completion_items(&response);
    items.sort_by_key(|item| {
        item["sortText"]
            .as_str()
            .or(item["label"].as_str())
            .unwrap_or_default()
            .to_string()
    });
    (client, uri, TextModel::new(&text), at, items)
}

/// The document after accepting the item labelled `label` at the `$0` of `marked`.
fn accept(marked: &str, label: &str) -> String {
    let (client, _, mut model, at, items) = complete(marked);
    let item = items
        .iter()
        .find(|item| item["label"] == label)
        .unwrap_or_else(|| panic!("no item {label:?} among {:?}", labels(&items)));
    model.apply_completion(item, &at, client.encoding);
    model.text
}

fn params_doc(params: &str) -> String {
    format!("{{\"dataProduct\": \"{PRODUCT}\", \"params\": {{{params}")
}

#[test]
fn completion_offers_the_missing_params_keys_in_a_half_typed_key() {
    let marked = params_doc(r#""displayName": "x", "acq$0"#);
    let (client, _, _, _, items) = complete(&marked);
    let labels = labels(&items);
    for key in [
        "acquisitionStart",
        "acquisitionEnd",
        "acquisitionMode",
        "cloudCoverage",
    ] {
        assert!(
            labels.contains(&key.to_string()),
            "{key} missing from {labels:?}"
        );
    }
    assert!(
        !labels.contains(&"displayName".to_string()),
        "a key already present is offered again: {labels:?}"
    );
    let mode = items
        .iter()
        .find(|i| i["label"] == "acquisitionMode")
        .unwrap();
    assert_eq!(mode["detail"], "Acquisition mode");
    drop(client);

    assert_eq!(
        accept(&marked, "acquisitionMode"),
        params_doc(r#""displayName": "x", "acquisitionMode": "mono""#)
    );
    // An integer default goes in as a number, not a string.
    assert_eq!(
        accept(&marked, "cloudCoverage"),
        params_doc(r#""displayName": "x", "cloudCoverage": 20"#)
    );
}

#[test]
fn completion_puts_required_keys_first_and_replaces_the_quotes_typed() {
    let text = seed_with(
        r#""extraDescription": "Capture high resolution images over my AOI","#,
        "",
    )
    .replacen("\n    \"cloudCoverage\": 10,", "", 1)
    .replacen(
        "\"projection\": \"4326\"",
        "\"projection\": \"4326\",\n    \"$0\"",
        1,
    );
    let (_, _, _, _, items) = complete(&text);
    let labels = labels(&items);
    let position = |key: &str| {
        labels
            .iter()
            .position(|l| l == key)
            .unwrap_or_else(|| panic!("{key} missing from {labels:?}"))
    };
    assert!(
        position("cloudCoverage") < position("extraDescription"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"projection".to_string()), "{labels:?}");

    let accepted = accept(&text, "cloudCoverage");
    assert_eq!(accepted, text.replace("\"$0\"", "\"cloudCoverage\": 20"));
    serde_json::from_str::<Value>(&accepted).expect("the accepted text is JSON");
}

#[test]
fn completion_offers_the_envelope_keys_at_the_top_level() {
    let (_, _, _, _, items) = complete("{\n  \"$0\"\n}");
    let labels = labels(&items);
    assert!(labels.contains(&"dataProduct".to_string()), "{labels:?}");
    assert!(labels.contains(&"params".to_string()), "{labels:?}");
}

#[test]
fn completion_offers_product_ids_by_title() {
    let marked = r#"{"dataProduct": "$0"}"#;
    let (_, _, _, _, items) = complete(marked);
    let analytic = items
        .iter()
        .find(|item| {
            item["textEdit"]["newText"]
                .as_str()
                .is_some_and(|t| t.contains(PRODUCT))
        })
        .unwrap_or_else(|| panic!("no item inserts {PRODUCT}: {items:?}"));
    let label = analytic["label"].as_str().unwrap();
    assert!(label.contains("Analytic"), "{label}");
    assert_eq!(
        accept(marked, label),
        format!(r#"{{"dataProduct": "{PRODUCT}"}}"#)
    );
}

#[test]
fn completion_offers_allowed_values_with_their_titles() {
    let marked = seed_with(r#""acquisitionMode": "mono""#, r#""acquisitionMode": "$0""#);
    let (_, _, _, _, items) = complete(&marked);
    let labels = labels(&items);
    for value in ["mono", "stereo", "tristereo"] {
        assert!(
            labels.contains(&value.to_string()),
            "{value} missing from {labels:?}"
        );
    }
    let tristereo = items.iter().find(|i| i["label"] == "tristereo").unwrap();
    assert!(
        tristereo.to_string().contains("Tri-stereo"),
        "the title is not shown: {tristereo}"
    );
    assert_eq!(
        accept(&marked, "stereo"),
        seed_with(
            r#""acquisitionMode": "mono""#,
            r#""acquisitionMode": "stereo""#
        )
    );
}

#[test]
fn accepting_a_value_after_a_partial_word_leaves_no_doubled_quotes() {
    // With the closing quote typed.
    let marked = seed_with(
        r#""acquisitionMode": "mono""#,
        r#""acquisitionMode": "st$0""#,
    );
    assert_eq!(
        accept(&marked, "stereo"),
        seed_with(
            r#""acquisitionMode": "mono""#,
            r#""acquisitionMode": "stereo""#
        )
    );
    // In an unterminated string at the end of a broken document.
    let marked = params_doc(r#""acquisitionMode": "st$0"#);
    assert_eq!(
        accept(&marked, "stereo"),
        params_doc(r#""acquisitionMode": "stereo""#)
    );
    // Right after the colon (a trigger character), nothing typed yet.
    let marked = params_doc(r#""acquisitionMode":$0"#);
    let accepted = accept(&marked, "stereo");
    let tail = accepted
        .strip_prefix(&params_doc(r#""acquisitionMode":"#))
        .unwrap();
    assert_eq!(tail.trim_start(), r#""stereo""#, "{accepted}");
}

#[test]
fn completion_works_in_the_broken_example() {
    let marked = BROKEN.replacen("\"ortho-rectified\"", "\"or$0tho-rectified\"", 1);
    let (_, _, _, _, items) = complete(&marked);
    let labels = labels(&items);
    assert!(labels.contains(&"ortho".to_string()), "{labels:?}");
    let accepted = accept(&marked, "ortho");
    assert!(
        accepted.contains("\"geometricProcessing\": \"ortho\",\n"),
        "{accepted}"
    );
}

#[test]
fn completion_in_a_file_that_is_not_a_request_is_empty() {
    let mut client = started();
    let uri = uri("package.json");
    client.open(&uri, r#"{"dataProduct": ""}"#);
    let response = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(0, 17)}),
        )
        .unwrap();
    assert!(completion_items(&response).is_empty(), "{response}");
}

/// The hover text at the `$0` of `marked`, after checking that its range covers the cursor.
fn hover(marked: &str) -> String {
    let (text, at) = cursor(marked);
    let (mut client, uri, _) = opened("hover_tasking_request.json", &text);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .expect("hover");
    assert!(hover.is_object(), "no hover at {at}");
    assert_eq!(hover["contents"]["kind"], "markdown", "{hover}");
    if let Some(range) = hover.get("range") {
        let model = TextModel::new(&text);
        let (start, end) = (
            model.offset(&range["start"], Encoding::Utf16),
            model.offset(&range["end"], Encoding::Utf16),
        );
        let cursor = model.offset(&at, Encoding::Utf16);
        assert!(
            start <= cursor && cursor <= end,
            "{range} does not cover {at}"
        );
    }
    hover_text(&hover)
}

#[test]
fn hover_on_cloud_coverage_shows_its_title_description_and_range() {
    let text = hover(&seed_with(r#""cloudCoverage""#, r#""cloud$0Coverage""#));
    assert!(text.contains("Maximum cloud coverage (%)"), "{text}");
    assert!(text.contains("the most cloud cover"), "{text}");
    assert!(text.contains('0') && text.contains("100"), "{text}");
    // On the value too.
    let text = hover(&seed_with(
        r#""cloudCoverage": 10"#,
        r#""cloudCoverage": 1$00"#,
    ));
    assert!(text.contains("Maximum cloud coverage (%)"), "{text}");
}

#[test]
fn hover_on_the_product_shows_its_title_and_collection() {
    let text = hover(&seed_with(PRODUCT, &format!("bd10$0{}", &PRODUCT[4..])));
    assert!(text.contains("Analytic"), "{text}");
    assert!(text.contains("Pléiades"), "{text}");
}

#[test]
fn hover_on_geometry_and_dates() {
    let text = hover(&seed_with(r#""geometry""#, r#""geo$0metry""#));
    assert!(text.contains("km²"), "{text}");
    let text = hover(&seed_with(
        r#""acquisitionStart""#,
        r#""acquisition$0Start""#,
    ));
    assert!(text.contains("61"), "the window is 61 days long: {text}");
}

#[test]
fn hover_works_in_a_half_typed_document() {
    let text = hover(&params_doc(r#""cloud$0Coverage": 1"#));
    assert!(text.contains("Maximum cloud coverage (%)"), "{text}");
}

/// Requests the code actions at the first diagnostic with `code`, applies the one titled
/// `title`, sends the result as an incremental change, and checks that the diagnostic count
/// for `code` went down and no syntax error appeared.
fn check_fix(text: &str, code: &str, title: &str) {
    let (mut client, uri, published) = opened("fix_tasking_request.json", text);
    let before = published.with_code(code).len();
    let diagnostic = published
        .with_code(code)
        .first()
        .map(|d| (*d).clone())
        .unwrap_or_else(|| panic!("no {code} in {:?}", published.codes()));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]}
            }),
        )
        .expect("codeAction");
    let actions = actions.as_array().cloned().unwrap_or_default();
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    let action = actions
        .iter()
        .find(|a| {
            // A title ending in "…" is a prefix (the rest holds measured figures).
            let t = a["title"].as_str().unwrap_or_default();
            t == title || title.strip_suffix('…').is_some_and(|p| t.starts_with(p))
        })
        .unwrap_or_else(|| panic!("no action {title:?} for {code}; offered: {titles:?}"));
    assert_eq!(action["kind"], "quickfix", "{action}");
    let edits = TextModel::workspace_edits(&action["edit"], &uri);
    assert!(!edits.is_empty(), "{title} has no edit for {uri}: {action}");

    let mut model = TextModel::new(text);
    model.apply_edits(&edits, client.encoding);
    // Send the edits as incremental changes, last first, so earlier positions stay valid.
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    changes.sort_by_key(|c| {
        let start = &c["range"]["start"];
        std::cmp::Reverse((start["line"].as_u64(), start["character"].as_u64()))
    });
    client.change(&uri, 2, changes);
    let after = client.diagnostics(&uri, 2);
    assert!(
        after.with_code(code).len() < before,
        "{title:?} did not remove {code}:\n{}\nstill: {:?}",
        model.text,
        after.diagnostics
    );
    assert!(
        after.with_code("syntax").is_empty(),
        "{title:?} broke the JSON:\n{}",
        model.text
    );
    let expected = normalize_validated(&client.validate("fixed_tasking_request.json", &model.text));
    assert_eq!(
        normalize_published(&after.diagnostics),
        expected,
        "the server's text differs from the client's after the fix"
    );
}

/// The seed with its polygon replaced; positions one per line like the seed's.
fn seed_with_ring(ring: &[[f64; 2]]) -> String {
    let start = seed().find("\"coordinates\": [").unwrap();
    let end = seed()[start..].find("\n      ]\n").unwrap() + start + "\n      ]".len();
    let positions: Vec<String> = ring
        .iter()
        .map(|[x, y]| format!("          [{x:?}, {y:?}]"))
        .collect();
    let coordinates = format!(
        "\"coordinates\": [\n        [\n{}\n        ]\n      ]",
        positions.join(",\n")
    );
    let mut text = seed();
    text.replace_range(start..end, &coordinates);
    text
}

#[test]
fn fix_close_the_ring() {
    check_fix(
        &seed_with("[-79.6418, 9.0727]\n", "[-79.6, 9.07]\n"),
        "geometry.unclosed-ring",
        "Close the ring",
    );
}

#[test]
fn fix_change_an_enum_typo_to_the_suggestion_or_any_allowed_value() {
    let text = seed_with(
        r#""geometricProcessing": "ortho""#,
        r#""geometricProcessing": "ortho-rectified""#,
    );
    for title in [
        "Change to 'ortho'",
        "Change to 'primary'",
        "Change to 'projected'",
    ] {
        check_fix(&text, "schema.enum", title);
    }
}

#[test]
fn fix_clamp_a_number_into_its_range() {
    check_fix(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": 150"#),
        "schema.range",
        "Clamp to 100",
    );
}

#[test]
fn fix_rename_or_remove_an_unknown_property() {
    check_fix(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverag": 10"#),
        "schema.additional-property",
        "Rename to 'cloudCoverage'",
    );
    check_fix(
        &seed_with(
            r#""cloudCoverage": 10,"#,
            r#""cloudCoverage": 10, "cloudCover": 5,"#,
        ),
        "schema.additional-property",
        "Remove property 'cloudCover'",
    );
}

#[test]
fn fix_swap_dates_in_the_wrong_order() {
    check_fix(
        &seed_with("2099-05-01T00:00:00.000Z", "2099-02-01T00:00:00.000Z"),
        "dates.order",
        "Swap acquisitionStart and acquisitionEnd",
    );
}

#[test]
fn fix_reverse_a_clockwise_ring() {
    check_fix(
        &seed_with_ring(&[[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]),
        "geometry.winding",
        "Reverse the ring's winding",
    );
}

#[test]
fn fix_add_a_missing_required_property() {
    check_fix(
        &seed_with("\n    \"acquisitionMode\": \"mono\",", ""),
        "schema.required",
        "Add 'acquisitionMode': \"mono\"",
    );
}

#[test]
fn fix_add_all_missing_required_properties() {
    let text = seed_with("\n    \"acquisitionMode\": \"mono\",", "").replacen(
        "\n    \"pixelCoding\": \"12bits\",",
        "",
        1,
    );
    let (mut client, uri, published) = opened("all_tasking_request.json", &text);
    assert_eq!(
        published.with_code("schema.required").len(),
        2,
        "{:?}",
        published.codes()
    );
    let diagnostic = published.with_code("schema.required")[0].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]}
            }),
        )
        .unwrap();
    let action = actions
        .as_array()
        .and_then(|a| {
            a.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Add all missing required properties"))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no 'Add all missing required properties' in {actions}"));
    let mut model = TextModel::new(&text);
    model.apply_edits(
        &TextModel::workspace_edits(&action["edit"], &uri),
        client.encoding,
    );
    client.change(&uri, 2, vec![json!({"text": model.text})]);
    let after = client.diagnostics(&uri, 2);
    assert_eq!(after.diagnostics, Vec::<Value>::new(), "{}", model.text);
}

#[test]
fn fix_all_applies_every_preferred_fix_of_the_broken_example() {
    let (mut client, uri, published) = opened("broken_tasking_request.json", BROKEN);
    let everything = TextModel::new(BROKEN).range_of(0, BROKEN.len(), Encoding::Utf16);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": everything,
                "context": {"diagnostics": published.diagnostics, "only": ["source.fixAll"]}
            }),
        )
        .unwrap();
    let actions = actions.as_array().cloned().unwrap_or_default();
    assert!(
        actions.iter().all(|a| a["kind"] == "source.fixAll"),
        "`only` was not respected: {actions:?}"
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    let mut model = TextModel::new(BROKEN);
    model.apply_edits(
        &TextModel::workspace_edits(&actions[0]["edit"], &uri),
        client.encoding,
    );
    client.change(&uri, 2, vec![json!({"text": model.text})]);
    let after = client.diagnostics(&uri, 2);
    for code in [
        "syntax",
        "dates.order",
        "schema.enum",
        "geometry.unclosed-ring",
        "schema.range",
    ] {
        assert!(
            after.with_code(code).is_empty(),
            "{code} left after fix-all:\n{}",
            model.text
        );
    }
}

#[test]
fn document_symbols_outline_the_request() {
    let (mut client, uri, _) = opened("symbols_tasking_request.json", &seed());
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names(&symbols), ["dataProduct", "params"], "{symbols}");
    let params = &symbols[1];
    let keys: Vec<String> = serde_json::from_str::<Value>(&seed()).unwrap()["params"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(names(&params["children"]), keys);
    let model = TextModel::new(&seed());
    assert_eq!(
        model.slice(&params["selectionRange"], Encoding::Utf16),
        "\"params\""
    );
}

/// LSP 3.17: a server answers `DocumentSymbol[]` only to a client that declared
/// `hierarchicalDocumentSymbolSupport`; others get `SymbolInformation[]`. And no symbol name
/// is ever empty (VS Code drops the whole outline when one is): blank keys show quoted.
#[test]
fn document_symbols_are_flat_without_hierarchical_support_and_never_unnamed() {
    let text = r#"{"dataProduct": "x", "": 1, "params": {" ": {"a": ["x", "y"]}}}"#;
    let mut client = LspClient::start();
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .unwrap();
    client.notify("initialized", json!({}));
    let uri = uri("flat_symbols_tasking_request.json");
    client.open(&uri, text);
    let flat = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    let flat = flat.as_array().expect("an array").clone();
    let shown: Vec<(String, Option<String>)> = flat
        .iter()
        .map(|s| {
            assert!(
                s.get("children").is_none() && s.get("location").is_some(),
                "{s}"
            );
            (
                s["name"].as_str().unwrap().to_string(),
                s["containerName"].as_str().map(str::to_string),
            )
        })
        .collect();
    let expected: Vec<(String, Option<String>)> = [
        ("dataProduct", None),
        ("\"\"", None),
        ("params", None),
        ("\" \"", Some("params")),
        ("a", Some("\" \"")),
        ("[0]", Some("a")),
        ("[1]", Some("a")),
    ]
    .into_iter()
    .map(|(n, c)| (n.to_string(), c.map(str::to_string)))
    .collect();
    assert_eq!(shown, expected);

    // The hierarchical answer names blank keys the same way.
    let (mut client, uri, _) = opened("nested_symbols_tasking_request.json", text);
    let nested = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    assert_eq!(nested[1]["name"], "\"\"");
    assert_eq!(nested[2]["children"][0]["name"], "\" \"");
}

#[test]
fn formatting_gives_stable_two_space_json_with_keys_in_order() {
    let compact = serde_json::to_string(&serde_json::from_str::<Value>(&seed()).unwrap()).unwrap();
    let (mut client, uri, _) = opened("format_tasking_request.json", &compact);
    let options = json!({"tabSize": 2, "insertSpaces": true});
    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        )
        .unwrap();
    let edits = edits.as_array().cloned().unwrap_or_default();
    assert!(!edits.is_empty(), "a one-line order was left as it is");
    let mut model = TextModel::new(&compact);
    model.apply_edits(&edits, client.encoding);
    assert!(
        model.text.starts_with("{\n  \"dataProduct\": "),
        "{}",
        model.text
    );
    assert_eq!(
        serde_json::from_str::<Value>(&model.text).unwrap(),
        serde_json::from_str::<Value>(&compact).unwrap()
    );
    // Formatting the formatted text changes nothing.
    client.change(&uri, 2, vec![json!({"text": model.text})]);
    client.diagnostics(&uri, 2);
    let again = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        )
        .unwrap();
    let mut reformatted = model.clone();
    reformatted.apply_edits(again.as_array().map_or(&[][..], |a| a), client.encoding);
    assert_eq!(reformatted, model);
}

#[test]
fn the_simplify_fix_is_computed_when_the_code_action_asks() {
    // A valid 1,500-vertex circle: over the provider's 999, so the published diagnostic
    // names the fix without its edits, and the code action computes it.
    let (lon, lat, radius) = (13.4, 52.5, 0.1);
    let mut ring: Vec<[f64; 2]> = (0..1499)
        .map(|i| {
            let a = i as f64 / 1499.0 * std::f64::consts::TAU;
            let round = |x: f64| (x * 1e7).round() / 1e7;
            [round(lon + radius * a.cos()), round(lat + radius * a.sin())]
        })
        .collect();
    ring.push(ring[0]);
    check_fix(
        &seed_with_ring(&ring),
        "aoi.vertices",
        "Simplify to 999 vertices…",
    );
}
