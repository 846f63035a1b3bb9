//! `tasking-ls validate` end to end: paths, formats, exit codes, unreadable and non-UTF-8
//! files, `--schema-dir`, `--strict`, and `init`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use expect_test::expect;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");

fn tasking_ls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run tasking-ls")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("orders/nested")).unwrap();
    std::fs::write(dir.path().join("orders/good_tasking_request.json"), SEED).unwrap();
    std::fs::write(
        dir.path().join("orders/nested/broken_tasking_request.json"),
        BROKEN,
    )
    .unwrap();
    // Not an order request by name: a directory walk skips it.
    std::fs::write(dir.path().join("orders/package.json"), "{").unwrap();
    dir
}

#[test]
fn a_directory_means_every_request_file_below_it() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["validate", "orders"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("orders/nested/broken_tasking_request.json:9:28: error[schema.enum]"),
        "{text}"
    );
    assert!(!text.contains("package.json"), "{text}");
    assert!(
        text.ends_with("Checked 2 files: 5 errors, 0 warnings in 1 file\n"),
        "{text}"
    );
}

#[test]
fn a_clean_file_exits_zero() {
    let dir = workspace();
    let output = tasking_ls(
        dir.path(),
        &["validate", "orders/good_tasking_request.json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "Checked 1 file: no problems found\n");
}

#[test]
fn human_format_underlines_the_range() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["validate", "orders/nested"]);
    let text = stdout(&output);
    let enum_block: String = text
        .lines()
        .skip_while(|l| !l.contains("schema.enum"))
        .take(9)
        .collect::<Vec<_>>()
        .join("\n");
    expect![[r#"
        orders/nested/broken_tasking_request.json:9:28: error[schema.enum]: 'ortho-rectified' is not allowed for geometricProcessing; did you mean 'ortho'? Allowed: 'primary', 'projected', 'ortho'
          |
        9 |     "geometricProcessing": "ortho-rectified",
          |                            ^^^^^^^^^^^^^^^^^
          |
          = help: Change to 'ortho' (applied by --fix)
          = help: Change to 'primary'
          = help: Change to 'projected'
    "#]]
    .assert_eq(&enum_block);
}

#[test]
fn json_format_uses_lsp_ranges() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["validate", "--format", "json", "orders"]);
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}-{}:{} {} {}",
                f["file"].as_str().unwrap(),
                f["range"]["start"]["line"],
                f["range"]["start"]["character"],
                f["range"]["end"]["line"],
                f["range"]["end"]["character"],
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    expect![[r#"
        [
            "orders/nested/broken_tasking_request.json 5:22-5:48 error dates.order",
            "orders/nested/broken_tasking_request.json 8:27-8:44 error schema.enum",
            "orders/nested/broken_tasking_request.json 18:10-18:28 error geometry.unclosed-ring",
            "orders/nested/broken_tasking_request.json 22:21-22:24 error schema.range",
            "orders/nested/broken_tasking_request.json 23:4-23:16 error schema.additional-property",
        ]
    "#]]
    .assert_debug_eq(&summary);
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["validate", "--format", "github", "orders"]);
    let text = stdout(&output);
    let first = text.lines().nth(1).unwrap();
    assert_eq!(
        first,
        "::error file=orders/nested/broken_tasking_request.json,line=9,col=28,endColumn=45,title=schema.enum::'ortho-rectified' is not allowed for geometricProcessing; did you mean 'ortho'? Allowed: 'primary', 'projected', 'ortho'"
    );
}

#[test]
fn sarif_format_is_a_sarif_2_1_0_log() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["validate", "--format", "sarif", "orders"]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tasking-ls");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), tasking_ls::check::Code::ALL.len());
    assert!(
        rules.iter().any(|r| r["id"] == "geometry.antimeridian"),
        "{rules:?}"
    );
    let result = &run["results"][1];
    assert_eq!(result["ruleId"], "schema.enum");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    let uri = location["artifactLocation"]["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/orders/nested/broken_tasking_request.json"),
        "{uri}"
    );
    assert_eq!(location["region"]["startLine"], 9);
    assert_eq!(location["region"]["startColumn"], 28);
    assert_eq!(location["region"]["endColumn"], 45);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let dir = workspace();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(["validate", "--format", "json", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(BROKEN.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings[0]["file"], "-");
    assert_eq!(findings.as_array().unwrap().len(), 5);
}

#[test]
fn an_unreadable_or_missing_file_is_reported_and_the_run_goes_on() {
    let dir = workspace();
    let output = tasking_ls(
        dir.path(),
        &[
            "validate",
            "orders/missing_tasking_request.json",
            "orders/good_tasking_request.json",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "tasking-ls: orders/missing_tasking_request.json: no such file or directory\n"
    );
    assert_eq!(stdout(&output), "Checked 1 file: no problems found\n");
}

#[test]
fn a_non_utf8_file_gets_a_syntax_diagnostic_at_the_bad_byte() {
    let dir = workspace();
    let mut bytes = b"{\n  \"dataProduct\": \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\"\n}\n");
    std::fs::write(dir.path().join("latin1_tasking_request.json"), bytes).unwrap();
    let output = tasking_ls(dir.path(), &["validate", "latin1_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with(
            "latin1_tasking_request.json:2:22: error[syntax]: the file is not UTF-8 text (byte 0xE9 at offset 23); JSON must be UTF-8"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn strict_makes_warnings_fail() {
    let dir = workspace();
    let past = SEED.replace("2027-03-01T00:00:00.000Z", "2020-03-01T00:00:00.000Z");
    std::fs::write(dir.path().join("past_tasking_request.json"), past).unwrap();
    let relaxed = tasking_ls(dir.path(), &["validate", "past_tasking_request.json"]);
    assert_eq!(relaxed.status.code(), Some(0), "{}", stdout(&relaxed));
    assert!(stdout(&relaxed).contains("warning[dates.past]"));
    let strict = tasking_ls(
        dir.path(),
        &["validate", "--strict", "past_tasking_request.json"],
    );
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn schema_dir_overrides_and_a_malformed_schema_is_a_clear_error() {
    let dir = workspace();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    // An override that caps cloudCoverage at 5: the seed's 10 is now out of range.
    let mut schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../schemas-cache/bd102407-1814-4f92-8b5a-7697b7a73f5a.json"
    ))
    .unwrap();
    schema["properties"]["cloudCoverage"]["maximum"] = serde_json::json!(5);
    std::fs::write(
        schemas.join("bd102407-1814-4f92-8b5a-7697b7a73f5a.json"),
        schema.to_string(),
    )
    .unwrap();
    let output = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--schema-dir",
            "schemas",
            "orders/good_tasking_request.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("error[schema.range]: cloudCoverage is 10, above the maximum 5"),
        "{}",
        stdout(&output)
    );

    std::fs::write(
        schemas.join("bd102407-1814-4f92-8b5a-7697b7a73f5a.json"),
        "{\n  \"type\": \"object\",,\n}",
    )
    .unwrap();
    let output = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--schema-dir",
            "schemas",
            "orders/good_tasking_request.json",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("bd102407-1814-4f92-8b5a-7697b7a73f5a.json:2:"),
        "{message}"
    );
    assert!(message.contains("invalid schema JSON"), "{message}");
}

#[test]
fn init_writes_a_skeleton_that_validates() {
    let dir = workspace();
    for product in [
        "bd102407-1814-4f92-8b5a-7697b7a73f5a",
        "d7674bfe-a2ea-4349-8adc-6508943e6f1e",
        "e45afbfa-a06c-4d61-9579-b11ed08641e5",
        "97891b26-bacf-48fb-9d30-46697a11ce65",
    ] {
        let name = format!("p{}", &product[..8]);
        let output = tasking_ls(dir.path(), &["init", "--product", product, &name]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let file = format!("{name}_tasking_request.json");
        let output = tasking_ls(dir.path(), &["validate", &file]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{product}: {}",
            stdout(&output)
        );
    }
    let again = tasking_ls(dir.path(), &["init", "pbd102407"]);
    assert_eq!(again.status.code(), Some(2), "init must not overwrite");
}

#[test]
fn products_lists_the_bundled_products() {
    let dir = workspace();
    let output = tasking_ls(dir.path(), &["products"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("ID"), "{text}");
    assert!(
        text.contains("bd102407-1814-4f92-8b5a-7697b7a73f5a  Analytic"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5, "{text}");
}

/// A folder given alone is checked as it is walked (`check_folder`); the same folder named
/// twice goes through the sorted, deduplicated walk (`check_sources`). On generated trees
/// (orders valid and broken, names that are not orders, nested configuration files with
/// `exclude` patterns and unreadable ones, `.gitignore`d files, empty folders) both must give
/// the same report byte for byte in every format, the same exit status, and the same
/// messages on stderr (the streamed walk prints them sorted).
#[test]
fn a_folder_checked_as_it_is_walked_reports_as_the_sorted_walk_does() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let names = prop::sample::select(vec![
        "a_tasking_request.json",
        "b_tasking_request.json",
        "Z_tasking_request.json",
        "notes.json",
        "x-y_tasking_request.json",
        "é_tasking_request.json",
    ]);
    let folders = prop::sample::select(vec!["", "p", "p/q", "p-q", "r", "node_modules"]);
    let contents = prop::sample::select(vec![SEED, BROKEN, "{", "[]", ""]);
    let configs = prop::sample::select(vec![
        "",
        "exclude = [\"a_*\"]\n",
        "exclude = [\"q\"]\n",
        "strict = true\n",
        "not toml [",
    ]);
    let tree = (
        prop::collection::vec((folders.clone(), names, contents), 0..12),
        prop::collection::vec((folders, configs), 0..3),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 40,
        ..Config::default()
    });
    runner
        .run(&tree, |(files, configs, ignore_b)| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("w");
            std::fs::create_dir_all(root.join("p/q")).unwrap();
            std::fs::create_dir_all(root.join("p-q")).unwrap();
            std::fs::create_dir_all(root.join("r")).unwrap();
            std::fs::create_dir_all(root.join("node_modules")).unwrap();
            for (folder, name, text) in &files {
                std::fs::write(root.join(folder).join(name), text).unwrap();
            }
            for (folder, config) in &configs {
                std::fs::write(root.join(folder).join("tasking-ls.toml"), config).unwrap();
            }
            if ignore_b {
                std::fs::write(root.join(".gitignore"), "b_*\n").unwrap();
            }
            for format in ["human", "json", "github", "gitlab", "sarif"] {
                let streamed = tasking_ls(dir.path(), &["validate", "--format", format, "w"]);
                let sorted = tasking_ls(dir.path(), &["validate", "--format", format, "w", "w"]);
                prop_assert_eq!(stdout(&streamed), stdout(&sorted), "{}", format);
                prop_assert_eq!(streamed.status.code(), sorted.status.code());
                let lines = |output: &Output| {
                    let mut lines: Vec<String> = stderr(output).lines().map(String::from).collect();
                    lines.sort();
                    // Named twice, an empty folder is reported twice.
                    lines.dedup_by(|a, b| a == b && a.contains("warning: no "));
                    lines
                };
                prop_assert_eq!(lines(&streamed), lines(&sorted));
            }
            Ok(())
        })
        .unwrap();
}
