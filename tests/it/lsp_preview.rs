//! The AOI map through the language server: `taskingLs/aoiPreview` draws the open text (not
//! the file), follows edits, and gives positions in the client's encoding; the hover on
//! `geometry` carries a PNG thumbnail as a data URI, and plain text for a client that takes
//! no Markdown.

use crate::support::lsp_client::*;
use serde_json::{json, Value};

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");

/// `[line, character]` (0-based, ASCII text) of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> Value {
    let offset = text.find(needle).unwrap();
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!([line, character])
}

#[test]
fn the_preview_request_draws_the_open_text_and_follows_edits() {
    let mut client = started();
    let uri = uri("map_tasking_request.json");
    client.open(&uri, SEED);
    client.diagnostics(&uri, 1);
    let first = client
        .request(
            "taskingLs/aoiPreview",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("aoiPreview");
    let data = &first["data"];
    assert!(data["svg"]
        .as_str()
        .unwrap()
        .contains(r#"class="aoi-polygon""#));
    assert!(first["script"].as_str().unwrap().contains("taskingPreview"));
    assert_eq!(data["tiles"], Value::Null, "no online layer unless asked");
    let vertices = data["vertices"].as_array().unwrap();
    assert_eq!(vertices.len(), 5);
    assert_eq!(vertices[1][6], position_of(SEED, "[-79.6418, 8.8703]"));
    assert_eq!(vertices[2][2], json!(-79.4388));

    // Move the third vertex 0.1° east in the editor's text (unsaved): the drawing follows.
    let edited = SEED.replace("[-79.4388, 8.8703]", "[-79.3388, 8.8703]");
    client.change(&uri, 2, vec![json!({"text": edited})]);
    let second = client
        .request(
            "taskingLs/aoiPreview",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("aoiPreview");
    let vertices = second["data"]["vertices"].as_array().unwrap();
    assert_eq!(vertices[2][2], json!(-79.3388));
    assert_ne!(second["data"]["svg"], data["svg"]);
    // The bounding box grew by 0.1° of longitude: the caption says so.
    assert!(second["data"]["svg"]
        .as_str()
        .unwrap()
        .contains("bbox 33.3 × 22.5 km"));

    let unknown = client.request(
        "taskingLs/aoiPreview",
        json!({"textDocument": {"uri": "file:///nowhere/x_tasking_request.json"}}),
    );
    assert!(unknown.is_err(), "{unknown:?}");
    client.shutdown_and_exit();
}

#[test]
fn the_online_layer_is_offered_only_when_not_offline() {
    {
        // Not offline: the page offers the layer (the server itself fetches no tile).
        let mut client = LspClient::start_with(&["serve"], &[]);
        client.initialize(None, json!({}));
        let uri = uri("online_tasking_request.json");
        client.open(&uri, SEED);
        client.diagnostics(&uri, 1);
        let online = client
        .request(
            "taskingLs/aoiPreview",
            json!({"textDocument": {"uri": uri}, "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}),
        )
        .expect("aoiPreview");
        assert_eq!(
            online["data"]["tiles"],
            json!("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        );
        assert_eq!(online["attribution"], json!("© OpenStreetMap contributors"));

        client.shutdown_and_exit();
    }
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    let uri = uri("offline_tasking_request.json");
    client.open(&uri, SEED);
    client.diagnostics(&uri, 1);
    let answer = client
        .request(
            "taskingLs/aoiPreview",
            json!({"textDocument": {"uri": uri}, "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}),
        )
        .expect("aoiPreview");
    assert_eq!(answer["data"]["tiles"], Value::Null);
    client.shutdown_and_exit();
}

fn hover_at(client: &mut LspClient, uri: &str, marked: &str) -> Value {
    let (text, at) = cursor(marked);
    client.open(uri, &text);
    client.diagnostics(uri, 1);
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .expect("hover")
}

#[test]
fn the_hover_on_geometry_shows_a_thumbnail() {
    let mut client = started();
    let first = uri("hover_map_tasking_request.json");
    let hover = hover_at(
        &mut client,
        &first,
        &SEED.replace(r#""geometry""#, r#""geo$0metry""#),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    // A PNG (its signature in base64) as a data URI, then the figures.
    assert!(
        value.contains("](data:image/png;base64,iVBORw0KGgo"),
        "{value}"
    );
    assert!(
        value.contains("AOI map: 499.8 km² · bbox 22.3 × 22.5 km · 5 vertices"),
        "{value}"
    );
    // Inside the coordinates too; not on another field.
    let hover = hover_at(
        &mut client,
        &uri("coords_tasking_request.json"),
        &SEED.replace("[-79.6418, 8.8703]", "[-79.64$018, 8.8703]"),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("data:image/png;base64,"));
    let hover = hover_at(
        &mut client,
        &uri("cloud_tasking_request.json"),
        &SEED.replace(r#""cloudCoverage""#, r#""cloud$0Coverage""#),
    );
    assert!(!hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("data:image"));
    client.shutdown_and_exit();
}

#[test]
fn a_client_without_markdown_gets_plain_text_and_no_image() {
    let mut client = LspClient::start();
    client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {
                "textDocument": {"hover": {"contentFormat": ["plaintext"]}}
            }}),
        )
        .expect("initialize");
    client.notify("initialized", json!({}));
    let uri = uri("plain_tasking_request.json");
    let hover = hover_at(
        &mut client,
        &uri,
        &SEED.replace(r#""geometry""#, r#""geo$0metry""#),
    );
    assert_eq!(hover["contents"]["kind"], "plaintext", "{hover}");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        !value.contains("data:image") && !value.contains("**"),
        "{value}"
    );
    assert!(value.contains("AOI map: 499.8 km²"), "{value}");
    client.shutdown_and_exit();
}
