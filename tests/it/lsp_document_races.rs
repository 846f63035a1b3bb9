//! Close, reopen, change and `filePatterns` flips racing the check task on the real server:
//! a closed document's check never publishes for its reopened successor (editors restart
//! versions at 1), a document is never stuck unchecked, and after any seeded interleaving the
//! last publish of every open document is its current text's diagnostics.

use std::time::{Duration, Instant};

use crate::support::lsp_client::*;
use serde_json::{json, Value};

/// The seed with a polygon of `vertices` positions (slow enough to check that edits, closes
/// and reopens land while the check runs) and a `cloudCoverage` out of range (so its
/// diagnostics are not empty).
fn slow_broken(vertices: usize) -> String {
    let mut ring = Vec::with_capacity(vertices + 1);
    for i in 0..=vertices {
        let a = (i % vertices) as f64 / vertices as f64 * std::f64::consts::TAU;
        ring.push(format!(
            "[{:.8}, {:.8}]",
            -79.54 + 0.1 * a.cos(),
            8.97 + 0.1 * a.sin()
        ));
    }
    let text = seed();
    let start = text.find("\"coordinates\": [").unwrap();
    let end = start + text[start..].find("\n      ]").unwrap() + "\n      ]".len();
    let text = format!(
        "{}\"coordinates\": [[\n{}\n]]{}",
        &text[..start],
        ring.join(",\n"),
        &text[end..]
    );
    let (from, to) = ("\"cloudCoverage\": ", "\"cloudCoverage\": 150, \"x\": ");
    assert!(text.contains(from));
    text.replacen(from, to, 1)
}

/// Waits until no check runs and nothing arrives for a moment.
fn settle(client: &mut LspClient) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let status = client.status();
        let busy = status["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["checking"] == true);
        if !busy {
            client.pump(Duration::from_millis(150));
            let status = client.status();
            if status["documents"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["checking"] == false)
            {
                return;
            }
        }
        assert!(Instant::now() < deadline, "checks never settle: {status}");
        client.pump(Duration::from_millis(20));
    }
}

fn last_publish(client: &LspClient, uri: &str) -> Option<Published> {
    client.history.iter().rev().find(|p| p.uri == uri).cloned()
}

#[test]
fn a_document_closed_while_checked_and_reopened_gets_only_its_own_diagnostics() {
    let mut client = started();
    let slow = slow_broken(60_000);
    for trial in 0..3 {
        let uri = uri(&format!("stale{trial}_tasking_request.json"));
        client.open_version(&uri, &slow, 1);
        client.pump(Duration::from_millis(30));
        client.close(&uri);
        client.open_version(&uri, &seed(), 1);
        settle(&mut client);
        let last = last_publish(&client, &uri).expect("the reopened document was never checked");
        assert_eq!(last.version, Some(1));
        assert!(
            last.diagnostics.is_empty(),
            "trial {trial}: the closed text's diagnostics were published for the reopened one: {:?}",
            last.codes()
        );
        // Code actions read the stored diagnostics: none of the old text's fixes.
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(pos(0, 0), pos(200, 0)),
                   "context": {"diagnostics": []}}),
        );
        let titles = actions.unwrap().to_string();
        assert!(!titles.contains("cloudCoverage"), "{titles}");
        client.close(&uri);
    }
    client.shutdown_and_exit();
}

#[test]
fn a_document_excluded_while_checked_is_checked_again_once_included() {
    let mut client = started();
    let uri = uri("flip_tasking_request.json");
    client.open(&uri, &slow_broken(60_000));
    client.pump(Duration::from_millis(30));
    client.change(
        &uri,
        2,
        vec![json!({"range": range(pos(0, 0), pos(0, 0)), "text": " "})],
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"filePatterns": ["*.nothing"]}}}),
    );
    settle(&mut client);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"taskingLs": {"filePatterns": ["*_tasking_request.json"]}}}),
    );
    client.change(
        &uri,
        3,
        vec![json!({"range": range(pos(0, 0), pos(0, 1)), "text": ""})],
    );
    let published = client.diagnostics(&uri, 3);
    assert!(
        published.codes().contains(&"schema.range".to_string()),
        "{:?}",
        published.codes()
    );
    client.shutdown_and_exit();
}

#[test]
fn seeded_interleavings_of_open_change_close_and_settings_end_with_current_diagnostics() {
    let texts = [
        seed(),
        BROKEN.to_string(),
        slow_broken(5_000),
        "{\"dataProduct\": 5".to_string(),
    ];
    for seed_value in [1u64, 2, 3] {
        let mut client = started();
        let mut rng = XorShift::new(seed_value);
        let uris: Vec<String> = (0..3)
            .map(|i| uri(&format!("race{i}_tasking_request.json")))
            .collect();
        // Per URI: the client's text and version when open.
        let mut open: Vec<Option<(String, i64)>> = vec![None; uris.len()];
        let mut included = true;
        for _ in 0..150 {
            let i = rng.below(uris.len());
            match rng.below(10) {
                0..=1 => match &open[i] {
                    None => {
                        let text = texts[rng.below(texts.len())].clone();
                        client.open_version(&uris[i], &text, 1);
                        open[i] = Some((text, 1));
                    }
                    Some(_) => {
                        client.close(&uris[i]);
                        open[i] = None;
                    }
                },
                2..=6 => {
                    if let Some((text, version)) = &mut open[i] {
                        let new = texts[rng.below(texts.len())].clone();
                        *version += 1;
                        client.change(&uris[i], *version, vec![json!({"text": new})]);
                        *text = new;
                    }
                }
                7 if rng.chance(30) => {
                    included = !included;
                    let patterns = if included {
                        "*_tasking_request.json"
                    } else {
                        "*.nothing"
                    };
                    client.notify(
                        "workspace/didChangeConfiguration",
                        json!({"settings": {"taskingLs": {"filePatterns": [patterns]}}}),
                    );
                }
                _ => client.pump(Duration::from_millis(rng.below(20) as u64)),
            }
        }
        if !included {
            client.notify(
                "workspace/didChangeConfiguration",
                json!({"settings": {"taskingLs": {"filePatterns": ["*_tasking_request.json"]}}}),
            );
        }
        settle(&mut client);
        for (i, uri) in uris.iter().enumerate() {
            let last = last_publish(&client, uri);
            match &open[i] {
                None => {
                    if let Some(last) = last {
                        assert!(
                            last.diagnostics.is_empty(),
                            "seed {seed_value}: closed {uri}: {:?}",
                            last.codes()
                        );
                    }
                }
                Some((text, version)) => {
                    let last =
                        last.unwrap_or_else(|| panic!("seed {seed_value}: {uri} never published"));
                    assert_eq!(last.version, Some(*version), "seed {seed_value}: {uri}");
                    let expected =
                        normalize_validated(&client.validate("race_tasking_request.json", text));
                    assert_eq!(
                        normalize_published(&last.diagnostics),
                        expected,
                        "seed {seed_value}: {uri}"
                    );
                }
            }
        }
        let status: Value = client.status();
        assert!(status["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["checking"] == false));
        client.shutdown_and_exit();
    }
}
