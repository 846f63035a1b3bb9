//! The language server re-reads `tasking-ls.toml` when it changes: it registers a
//! `workspace/didChangeWatchedFiles` watcher for `**/tasking-ls.toml` (and the `--config`
//! file), and on a change puts the new file under the editor's settings and re-checks every
//! open document; a broken edit is a warning and the configuration in force stays.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;

const WAIT: Duration = Duration::from_secs(20);

/// The example Pléiades order with an acquisition mode the schema does not allow: its only
/// finding is `schema.enum`.
fn order() -> String {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/pleiades_analytic_mono_tasking_request.json"
    );
    std::fs::read_to_string(example).unwrap().replace(
        "\"acquisitionMode\": \"mono\"",
        "\"acquisitionMode\": \"spot\"",
    )
}

fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

/// Starts the server on `root` as its workspace folder, with watchers registered
/// dynamically.
fn start(root: &Path, args: &[&str]) -> LspClient {
    let mut client = LspClient::start_with(args, &[]);
    let params = json!({
        "processId": null,
        "rootUri": uri(root),
        "workspaceFolders": [{"uri": uri(root), "name": "orders"}],
        "capabilities": {
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
            "textDocument": {"publishDiagnostics": {"versionSupport": true}}
        }
    });
    client.request("initialize", params).expect("initialize");
    client.notify("initialized", json!({}));
    client
}

/// Waits for diagnostics of `uri` whose codes satisfy `ok`.
fn wait_codes(client: &mut LspClient, uri: &str, what: &str, ok: impl Fn(&[String]) -> bool) {
    let found = client.wait_for_notification(
        "textDocument/publishDiagnostics",
        |params| {
            let codes: Vec<String> = params["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect();
            params["uri"] == uri && ok(&codes)
        },
        WAIT,
    );
    assert!(
        found.is_some(),
        "{what}: not published; stderr:\n{}",
        client.stderr()
    );
}

fn changed(client: &mut LspClient, file: &Path, kind: u32) {
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(file), "type": kind}]}),
    );
}

fn registrations(client: &LspClient) -> Vec<Value> {
    client
        .seen()
        .into_iter()
        .filter(|m| m["method"] == "client/registerCapability")
        .flat_map(|m| {
            m["params"]["registrations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn an_edited_config_file_is_re_read_and_open_documents_re_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let config = root.join("tasking-ls.toml");
    std::fs::write(&config, "[lint]\nignore = [\"schema.enum\"]\n").unwrap();
    let order_path = root.join("orders").join("a_tasking_request.json");
    std::fs::create_dir_all(order_path.parent().unwrap()).unwrap();
    std::fs::write(&order_path, order()).unwrap();
    let order_uri = uri(&order_path);

    let mut client = start(&root, &["serve", "--offline"]);
    client.open(&order_uri, &order());
    wait_codes(&mut client, &order_uri, "ignored by the file", |c| {
        c.is_empty()
    });
    client.pump(Duration::from_millis(100));
    let registered = registrations(&client);
    assert_eq!(registered.len(), 1, "{registered:#?}");
    assert_eq!(registered[0]["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registered[0]["registerOptions"]["watchers"][0]["globPattern"],
        "**/tasking-ls.toml"
    );

    // The ignore is removed: the finding comes back without reopening the document.
    std::fs::write(&config, "strict = false\n").unwrap();
    changed(&mut client, &config, 2);
    wait_codes(&mut client, &order_uri, "after the edit", |c| {
        c == ["schema.enum"]
    });

    // A broken edit: a warning naming the file and line; the last good configuration stays.
    std::fs::write(
        &config,
        "strict = false\n[lint]\nignore = [\"schema.enum\"\n",
    )
    .unwrap();
    changed(&mut client, &config, 2);
    let warning = client
        .wait_for_notification(
            "window/showMessage",
            |p| {
                p["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("tasking-ls.toml"))
            },
            WAIT,
        )
        .expect("a warning about the broken file");
    let text = warning["message"].as_str().unwrap();
    assert!(text.contains(&format!("{}:3:", config.display())), "{text}");
    assert!(text.contains("the configuration in force stays"), "{text}");

    // Fixed: the file's severity override applies.
    std::fs::write(&config, "[lint.severity]\n\"schema.enum\" = \"warning\"\n").unwrap();
    changed(&mut client, &config, 2);
    let published = client.wait_for_notification(
        "textDocument/publishDiagnostics",
        |p| {
            p["uri"] == order_uri.as_str()
                && p["diagnostics"][0]["code"] == "schema.enum"
                && p["diagnostics"][0]["severity"] == 2
        },
        WAIT,
    );
    assert!(published.is_some(), "{}", client.stderr());

    // Deleted: back to the defaults (an error again).
    std::fs::remove_file(&config).unwrap();
    changed(&mut client, &config, 3);
    let published = client.wait_for_notification(
        "textDocument/publishDiagnostics",
        |p| {
            p["uri"] == order_uri.as_str()
                && p["diagnostics"][0]["code"] == "schema.enum"
                && p["diagnostics"][0]["severity"] == 1
        },
        WAIT,
    );
    assert!(published.is_some(), "{}", client.stderr());

    // Created in a sub-folder nearer the order? Discovery starts at the workspace folder, so
    // a new file at the root is what counts: file patterns that leave the order out clear
    // its diagnostics.
    std::fs::write(&config, "file-patterns = [\"*.order-request.json\"]\n").unwrap();
    changed(&mut client, &config, 1);
    wait_codes(&mut client, &order_uri, "no longer an order file", |c| {
        c.is_empty()
    });
    // A change to some other file is not a reason to re-check anything.
    let before = client.seen().len();
    changed(&mut client, &root.join("README.md"), 2);
    client.pump(Duration::from_millis(300));
    assert_eq!(client.seen().len(), before);
}

#[test]
fn the_config_file_named_on_the_command_line_is_watched_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let config = elsewhere.path().canonicalize().unwrap().join("ci.toml");
    std::fs::write(&config, "[lint]\nignore = [\"schema\"]\n").unwrap();
    let order_path = root.join("a_tasking_request.json");
    std::fs::write(&order_path, order()).unwrap();
    let order_uri = uri(&order_path);
    let named = config.display().to_string();
    let mut client = start(&root, &["serve", "--offline", "--config", &named]);
    client.open(&order_uri, &order());
    wait_codes(&mut client, &order_uri, "ignored by --config", |c| {
        c.is_empty()
    });
    client.pump(Duration::from_millis(100));
    let registered = registrations(&client);
    let watcher = &registered[0]["registerOptions"]["watchers"][1]["globPattern"];
    assert_eq!(watcher["pattern"], "ci.toml", "{registered:#?}");
    assert_eq!(
        watcher["baseUri"],
        url::Url::from_directory_path(config.parent().unwrap())
            .unwrap()
            .to_string()
    );
    std::fs::write(&config, "strict = true\n").unwrap();
    changed(&mut client, &config, 2);
    wait_codes(&mut client, &order_uri, "after editing ci.toml", |c| {
        c == ["schema.enum"]
    });
}

#[test]
fn a_client_without_dynamic_watchers_gets_no_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = LspClient::start();
    client.initialize(None, json!({"rootUri": uri(dir.path())}));
    client.pump(Duration::from_millis(300));
    assert!(registrations(&client).is_empty());
}
