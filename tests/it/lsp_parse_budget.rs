//! The parse budget (`serve --parse-budget`): a server that lets go of every parse but the
//! last one used answers exactly as one that keeps them all. Two real servers get the same
//! seeded session over four documents (random edits, hovers, code actions, document symbols,
//! closes and reopens); every diagnostics publish and every answer must be equal, and the
//! thrifty server must really have let go of its other parses.

use crate::support::lsp_client::*;
use serde_json::{json, Value};

const DOCUMENTS: usize = 4;

/// A random edit of `model`: a small insertion, deletion or replacement at a character
/// boundary, from pieces that break and mend JSON, numbers inside the polygon and values.
fn random_change(rng: &mut XorShift, model: &TextModel) -> Value {
    const PIECES: [&str; 12] = [
        "1", "0.5", "-", " ", "\n", "\"", ",", "]", "[", "150", "é", "😀",
    ];
    let boundaries = model.boundaries();
    // Half the edits land inside the coordinates, where the incremental re-parse works.
    let start = match model.text.find("\"coordinates\"") {
        Some(at) if rng.chance(50) => {
            let inside: Vec<usize> = boundaries.iter().copied().filter(|&b| b > at).collect();
            inside[rng.below(inside.len().min(400))]
        }
        _ => boundaries[rng.below(boundaries.len())],
    };
    let at = boundaries.binary_search(&start).unwrap();
    let end = if rng.chance(40) {
        boundaries[(at + 1 + rng.below(3)).min(boundaries.len() - 1)]
    } else {
        start
    };
    let text = if end == start || rng.chance(50) {
        PIECES[rng.below(PIECES.len())]
    } else {
        ""
    };
    json!({"range": model.range_of(start, end, Encoding::Utf16), "text": text})
}

/// The diagnostics both servers publish for `version` of `uri`, which must be equal; the
/// default server's, as published.
fn same_diagnostics(
    servers: &mut [LspClient; 2],
    uri: &str,
    version: i64,
    text: &str,
) -> Vec<Value> {
    let published: Vec<_> = servers
        .iter_mut()
        .map(|s| s.diagnostics(uri, version).diagnostics)
        .collect();
    assert_eq!(
        normalize_published(&published[0]),
        normalize_published(&published[1]),
        "diagnostics of version {version} of {uri} differ:\n{text}"
    );
    published[1].clone()
}

/// The same request sent to both servers; their answers must be equal.
fn same_answer(servers: &mut [LspClient; 2], method: &str, params: Value) -> Value {
    let thrifty = servers[0].request(method, params.clone());
    let keeping = servers[1].request(method, params.clone());
    assert_eq!(
        thrifty, keeping,
        "{method} {params}: the server with a parse budget of 1 byte (left) and the default \
         one (right) disagree"
    );
    thrifty.unwrap_or(Value::Null)
}

#[test]
fn a_server_that_lets_go_of_its_parses_answers_as_one_that_keeps_them() {
    let mut servers = [
        LspClient::start_with(&["serve", "--offline", "--parse-budget", "1"], &[]),
        LspClient::start_with(&["serve", "--offline"], &[]),
    ];
    for server in &mut servers {
        server.initialize(None, json!({}));
    }
    let uris: Vec<String> = (0..DOCUMENTS)
        .map(|i| uri(&format!("budget_{i}_tasking_request.json")))
        .collect();
    let mut models: Vec<TextModel> = (0..DOCUMENTS)
        .map(|i| {
            TextModel::new(&seed_with(
                "\"cloudCoverage\": 10",
                &format!("\"cloudCoverage\": {}", 10 + 50 * i),
            ))
        })
        .collect();
    let mut versions = [1i64; DOCUMENTS];
    let mut current = Vec::new();
    for (uri, model) in uris.iter().zip(&models) {
        for server in &mut servers {
            server.open(uri, &model.text);
        }
        current.push(same_diagnostics(&mut servers, uri, 1, &model.text));
    }
    let mut rng = XorShift::new(0x00b0_d9e7);
    let (mut edits, mut answers) = (0, 0);
    for _ in 0..240 {
        let d = rng.below(DOCUMENTS);
        let uri = &uris[d];
        match rng.below(10) {
            0..=4 => {
                let change = random_change(&mut rng, &models[d]);
                models[d].apply_change(&change, Encoding::Utf16);
                versions[d] += 1;
                for server in &mut servers {
                    server.change(uri, versions[d], vec![change.clone()]);
                }
                current[d] = same_diagnostics(&mut servers, uri, versions[d], &models[d].text);
                edits += 1;
            }
            5 | 6 => {
                let boundaries: Vec<usize> =
                    models[d].text.char_indices().map(|(i, _)| i).collect();
                let at = boundaries[rng.below(boundaries.len())];
                let position = models[d].range_of(at, at, Encoding::Utf16)["start"].clone();
                same_answer(
                    &mut servers,
                    "textDocument/hover",
                    json!({"textDocument": {"uri": uri}, "position": position}),
                );
                answers += 1;
            }
            7 => {
                // Code actions over the whole document, with the diagnostics it has now.
                let diagnostics = current[d].clone();
                let range = models[d].range_of(0, models[d].text.len(), Encoding::Utf16);
                same_answer(
                    &mut servers,
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": range,
                           "context": {"diagnostics": diagnostics}}),
                );
                answers += 1;
            }
            8 => {
                same_answer(
                    &mut servers,
                    "textDocument/documentSymbol",
                    json!({"textDocument": {"uri": uri}}),
                );
                answers += 1;
            }
            _ => {
                for server in &mut servers {
                    server.close(uri);
                    server.open_version(uri, &models[d].text, versions[d] + 1);
                }
                versions[d] += 1;
                current[d] = same_diagnostics(&mut servers, uri, versions[d], &models[d].text);
            }
        }
    }
    assert!(
        edits > 80 && answers > 60,
        "{edits} edits, {answers} answers"
    );
    // The thrifty server holds at most the parse it used last; the other holds them all.
    let held = |status: &Value| {
        status["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["parsed"] == true)
            .count()
    };
    let thrifty = servers[0].status();
    assert!(held(&thrifty) <= 1, "{thrifty}");
    assert_eq!(held(&servers[1].status()), DOCUMENTS);
    for server in servers {
        server.shutdown_and_exit();
    }
}
