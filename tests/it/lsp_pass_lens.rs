//! The pass-count code lens of a UP42 order (issue 30): "N passes ≤ A° (satellites)" from the
//! element sets of the nearest tasking-ls.toml, computed off the typing path once per
//! version; "timing unavailable: tasking-ls elements import FILE or tasking-ls elements
//! update" without element sets, never "0 passes"; its command lists the windows.

use serde_json::{json, Value};

use crate::support::elements::renumbered;
use crate::support::lsp_client::{file_uri, LspClient};

/// A Pléiades Neo order over Panama, 1 to 6 March 2027, at most 30° incidence.
const ORDER: &str = r#"{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {
  "displayName": "t", "acquisitionStart": "2027-03-01T00:00:00Z",
  "acquisitionEnd": "2027-03-06T00:00:00Z", "acquisitionMode": "mono", "incidenceAngle": 30,
  "geometry": {"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87],
    [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]}}}"#;

fn pass_lens(client: &mut LspClient, uri: &str) -> Value {
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("codeLens");
    lenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["command"]["command"] == "taskingLs.showPasses")
        .cloned()
        .unwrap_or_else(|| panic!("no pass lens among {lenses:#}"))
}

#[test]
fn the_pass_lens_counts_passes_only_with_elements() {
    let folder = tempfile::tempdir().unwrap();
    let order = folder.path().join("o_tasking_request.json");
    std::fs::write(&order, ORDER).unwrap();
    let uri = file_uri(&order);

    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, ORDER);
    client.diagnostics(&uri, 1);
    let lens = pass_lens(&mut client, &uri);
    assert_eq!(
        lens["command"]["title"],
        "timing unavailable: tasking-ls elements import FILE or tasking-ls elements update"
    );
    // Above the window.
    assert_eq!(lens["range"]["start"]["line"], 1);
    client.shutdown_and_exit();

    std::fs::write(folder.path().join("pneo3.tle"), renumbered("48268")).unwrap();
    std::fs::write(
        folder.path().join("tasking-ls.toml"),
        "[feasibility]\nelements = [\"pneo3.tle\"]\n",
    )
    .unwrap();
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, ORDER);
    client.diagnostics(&uri, 1);
    let lens = pass_lens(&mut client, &uri);
    let title = lens["command"]["title"].as_str().unwrap().to_string();
    let count: usize = title
        .split_once(' ')
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{title}"));
    assert!(count > 0, "{title}");
    assert_eq!(
        title,
        format!(
            "{count} pass{} ≤ 30° (Pléiades Neo 3); no elements for Pléiades Neo 4",
            if count == 1 { "" } else { "es" }
        )
    );
    // Memoised for the version: the same answer again.
    assert_eq!(pass_lens(&mut client, &uri)["command"]["title"], title);
    // Its command lists the windows, as the hover does.
    let shown = client
        .request(
            "workspace/executeCommand",
            json!({"command": "taskingLs.showPasses", "arguments": [uri]}),
        )
        .expect("showPasses");
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains(&format!("{count} window")) && shown.contains("\n- 2027-03-0"),
        "{shown}"
    );
    // A narrower angle in a new version: counted again, never more passes.
    let narrower = ORDER.replace("\"incidenceAngle\": 30", "\"incidenceAngle\": 5");
    client.change(&uri, 2, vec![json!({"text": narrower})]);
    client.diagnostics(&uri, 2);
    let title = pass_lens(&mut client, &uri)["command"]["title"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(title.contains("≤ 5°"), "{title}");
    let fewer: usize = title.split_once(' ').unwrap().0.parse().unwrap();
    assert!(fewer <= count, "{title}");
    client.shutdown_and_exit();
}

fn has_pass_diagnostic(params: &Value) -> bool {
    params["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == "feasibility.passes"))
}

/// `feasibility.passes` in the editor: published after the check once the document settles,
/// merged into the check's diagnostics of the same version, with its fixes as code actions;
/// a superseded version gets none; never without element sets.
#[test]
fn pass_diagnostics_follow_the_check_lazily() {
    let folder = tempfile::tempdir().unwrap();
    let order = folder.path().join("o_tasking_request.json");
    // 2 March has no pass of this set at <= 30° over the AOI; 3 March has.
    let text = ORDER
        .replace("2027-03-01T00:00:00Z", "2027-03-02T00:00:00Z")
        .replace("2027-03-06T00:00:00Z", "2027-03-03T00:00:00Z");
    std::fs::write(&order, &text).unwrap();
    let uri = file_uri(&order);

    // Without element sets: the check's diagnostics only, however long one waits.
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, &text);
    let first = client.diagnostics(&uri, 1);
    assert!(first.with_code("feasibility.passes").is_empty());
    client.pump(std::time::Duration::from_millis(1500));
    assert!(
        client.history.iter().all(|p| p
            .diagnostics
            .iter()
            .all(|d| d["code"] != "feasibility.passes")),
        "a pass diagnostic without element sets"
    );
    client.shutdown_and_exit();

    std::fs::write(folder.path().join("pneo3.tle"), renumbered("48268")).unwrap();
    std::fs::write(
        folder.path().join("tasking-ls.toml"),
        "[feasibility]\nelements = [\"pneo3.tle\"]\n",
    )
    .unwrap();
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, &text);
    // The check's result comes first, without the pass search.
    let checked = client.diagnostics(&uri, 1);
    assert!(checked.with_code("feasibility.passes").is_empty());
    let merged = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == uri.as_str() && p["version"] == 1 && has_pass_diagnostic(p),
            std::time::Duration::from_secs(30),
        )
        .expect("feasibility.passes published after the check");
    let all = merged["diagnostics"].as_array().unwrap();
    // Merged: the check's diagnostics are still there.
    assert_eq!(all.len(), checked.diagnostics.len() + 1, "{merged:#}");
    let pass = all
        .iter()
        .find(|d| d["code"] == "feasibility.passes")
        .unwrap();
    let message = pass["message"].as_str().unwrap();
    assert!(
        message.starts_with("no pass of Pléiades Neo 3 over this AOI at <= 30° incidence")
            && message.contains("not computed: Pléiades Neo 4 (no element set)")
            && message.ends_with("geometric access only; the provider's feasibility study decides"),
        "{message}"
    );
    assert_eq!(pass["severity"], 2);
    // Its fixes are code actions.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": pass["range"],
                   "context": {"diagnostics": [pass]}}),
        )
        .expect("codeAction");
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Extend acquisitionEnd to 2027-03-04"),
        "{titles:?}"
    );
    // The lens reads the same search: zero passes is a result here (elements were given).
    assert_eq!(
        pass_lens(&mut client, &uri)["command"]["title"],
        "0 passes ≤ 30° (Pléiades Neo 3); no elements for Pléiades Neo 4"
    );
    // Two quick edits: the superseded version never gets the pass search's diagnostics.
    let v2 = text.replace("\"incidenceAngle\": 30", "\"incidenceAngle\": 29");
    let v3 = text.replace("\"incidenceAngle\": 30", "\"incidenceAngle\": 28");
    client.change(&uri, 2, vec![json!({"text": v2})]);
    client.change(&uri, 3, vec![json!({"text": v3})]);
    let latest = client
        .wait_for_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == uri.as_str() && p["version"] == 3 && has_pass_diagnostic(p),
            std::time::Duration::from_secs(30),
        )
        .expect("feasibility.passes of version 3");
    let message = latest["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "feasibility.passes")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("at <= 28° incidence"), "{message}");
    assert!(
        client.history.iter().all(|p| p.version != Some(2)
            || p.diagnostics
                .iter()
                .all(|d| d["code"] != "feasibility.passes")),
        "a superseded version got pass diagnostics"
    );
    client.shutdown_and_exit();
}

/// The STAPI order of the same AOI and window, its limit in the filter.
const STAPI_ORDER: &str = r#"{
  "datetime": "2027-03-01T00:00:00Z/2027-03-06T00:00:00Z",
  "geometry": {"type": "Polygon", "coordinates": [[[-79.64, 9.07], [-79.64, 8.87],
    [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]},
  "filter": {"op": "<=", "args": [{"property": "view:incidence_angle"}, 30]},
  "order_parameters": {}
}"#;

/// On a STAPI order the pass lens counts the passes of the satellites `[stapi]
/// constellation` maps the product to, as `tasking-ls opportunities` does; without element
/// sets it says what to run; with no constellation configured there is no pass lens.
#[test]
fn the_pass_lens_on_a_stapi_order() {
    let folder = tempfile::tempdir().unwrap();
    let order = folder.path().join("o_stapi_order.json");
    std::fs::write(&order, STAPI_ORDER).unwrap();
    let uri = file_uri(&order);
    // Nothing listens on port 9: nothing here needs the server, and --offline asks none.
    let stapi = "[stapi]\nurl = \"http://127.0.0.1:9\"\nproduct = \"optical-30cm\"\n";
    let lens_titles = |toml: &str| -> Vec<String> {
        std::fs::write(folder.path().join("tasking-ls.toml"), toml).unwrap();
        let cache = folder.path().join("cache");
        let mut client = LspClient::start_with(
            &["serve", "--offline", "--cache-dir", cache.to_str().unwrap()],
            &[],
        );
        let root = file_uri(folder.path());
        let params = json!({
            "processId": null,
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "orders"}],
            "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": true}}}
        });
        client.request("initialize", params).expect("initialize");
        client.notify("initialized", json!({}));
        client.open(&uri, STAPI_ORDER);
        client.diagnostics(&uri, 1);
        let lenses = client
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            )
            .expect("codeLens");
        client.shutdown_and_exit();
        let all = lenses.as_array().unwrap();
        assert!(
            all.iter().any(|l| l["command"]["title"] == "Submit order"),
            "not read as a STAPI order: {lenses:#}"
        );
        all.iter()
            .filter(|l| l["command"]["command"] == "taskingLs.showPasses")
            .map(|l| l["command"]["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(lens_titles(stapi), Vec::<String>::new());
    let mapped = format!("{stapi}constellation = \"pneo-tasking\"\n");
    assert_eq!(
        lens_titles(&mapped),
        ["timing unavailable: tasking-ls elements import FILE or tasking-ls elements update"]
    );
    std::fs::write(folder.path().join("pneo3.tle"), renumbered("48268")).unwrap();
    let with_elements = format!("{mapped}\n[feasibility]\nelements = [\"pneo3.tle\"]\n");
    // The same two daylight windows as `tasking-ls opportunities` lists for the UP42 order.
    assert_eq!(
        lens_titles(&with_elements),
        ["2 passes ≤ 30° (Pléiades Neo 3); no elements for Pléiades Neo 4"]
    );
}

/// The editor's AOI map (`taskingLs/aoiPreview`) draws the passes too: nothing and "timing
/// unavailable" without element sets, the tracks with them.
#[test]
fn the_editor_map_draws_the_passes() {
    let folder = tempfile::tempdir().unwrap();
    let order = folder.path().join("o_tasking_request.json");
    std::fs::write(&order, ORDER).unwrap();
    let uri = file_uri(&order);
    let svg = |client: &mut LspClient| -> String {
        client
            .request(
                "taskingLs/aoiPreview",
                json!({"textDocument": {"uri": uri}}),
            )
            .expect("aoiPreview")["data"]["svg"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, ORDER);
    client.diagnostics(&uri, 1);
    let without = svg(&mut client);
    assert!(!without.contains("<g class=\"pass\""));
    assert!(without.contains("timing unavailable: no element sets"));
    client.shutdown_and_exit();

    std::fs::write(folder.path().join("pneo3.tle"), renumbered("48268")).unwrap();
    std::fs::write(
        folder.path().join("tasking-ls.toml"),
        "[feasibility]\nelements = [\"pneo3.tle\"]\n",
    )
    .unwrap();
    let mut client = LspClient::start();
    client.initialize(None, json!({}));
    client.open(&uri, ORDER);
    client.diagnostics(&uri, 1);
    let with = svg(&mut client);
    // Two daylight passes (the night one is set apart by the search).
    assert_eq!(with.matches("<g class=\"pass\"").count(), 2, "{with}");
    assert!(with.contains("2 passes ≤ 30° (elements of 2027-03-01)"));
    client.shutdown_and_exit();
}
