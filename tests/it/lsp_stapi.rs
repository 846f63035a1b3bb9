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
    let published = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == order_uri && !codes_of(params).is_empty(),
            Duration::from_secs(60),
        )
        .unwrap_or_else(|| panic!("no diagnostics; stderr:\n{}", client.stderr()));
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
