//! `validate`'s ruff/eslint conventions end to end (`--fix`, `--diff`, `--select`/`--ignore`,
//! `-q`, `-o`, `--color` and the colour variables, `--stdin-filename`, `--exit-zero`, no file
//! found), `tasking-ls.toml` (discovery, precedence flag > file > default, `tasking-ls
//! config`), the directory walk (`.gitignore`, `exclude`, file patterns, special files, the
//! size cap), write errors, escaping of untrusted text, and the small subcommands.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");

/// The broken example without its one finding that has no safe fix (an unknown property:
/// removing it would drop data).
fn fixable() -> String {
    BROKEN.replace("    \"cloudCover\": 20,\n", "")
}

/// Runs tasking-ls in `dir` with a clean colour environment plus `env`, `stdin` as input.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tasking-ls"));
    command
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("UP42_API_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("run tasking-ls");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        // A writer thread: the child may answer before it has read everything.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    child.wait_with_output().unwrap()
}

fn ls(dir: &Path, args: &[&str]) -> Output {
    run(dir, args, &[], None)
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn past_dated() -> String {
    SEED.replace("2027-03-01T00:00:00.000Z", "2020-03-01T00:00:00.000Z")
}

#[test]
fn fix_leaves_a_file_that_validates_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", &fixable());
    let fixed = ls(dir.path(), &["validate", "--fix", "a_tasking_request.json"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}{}",
        out(&fixed),
        err(&fixed)
    );
    assert!(out(&fixed).contains("Fixed 4 problems."), "{}", out(&fixed));
    assert!(out(&fixed).ends_with("Checked 1 file: no problems found\n"));
    let text = std::fs::read_to_string(dir.path().join("a_tasking_request.json")).unwrap();
    assert!(
        text.contains("\"geometricProcessing\": \"ortho\""),
        "{text}"
    );
    assert!(text.contains("\"cloudCoverage\": 100"), "{text}");
    let again = ls(dir.path(), &["validate", "a_tasking_request.json"]);
    assert_eq!(again.status.code(), Some(0), "{}", out(&again));
}

#[test]
fn fix_reports_what_it_cannot_fix_and_leaves_unfixable_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let fixed = ls(dir.path(), &["validate", "--fix", "a_tasking_request.json"]);
    assert_eq!(fixed.status.code(), Some(1));
    let text = out(&fixed);
    assert!(text.contains("error[schema.additional-property]"), "{text}");
    assert!(
        text.ends_with("Checked 1 file: 1 error, 0 warnings in 1 file\n"),
        "{text}"
    );
    // Not UTF-8: never rewritten (a lossy copy would lose bytes).
    let mut bytes = b"{\"dataProduct\": \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\", \"params\": {\"cloudCoverage\": 150}}\n");
    std::fs::write(dir.path().join("b_tasking_request.json"), &bytes).unwrap();
    let output = ls(dir.path(), &["validate", "--fix", "b_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read(dir.path().join("b_tasking_request.json")).unwrap(),
        bytes
    );
}

#[test]
fn fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            "validate",
            "--fix",
            "-",
            "--stdin-filename",
            "x_tasking_request.json",
        ],
        &[],
        Some(fixable().as_bytes()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    let fixed = out(&output);
    assert!(
        fixed.contains("\"geometricProcessing\": \"ortho\""),
        "{fixed}"
    );
    assert!(
        err(&output).contains("Fixed 4 problems."),
        "{}",
        err(&output)
    );
    // Nothing to fix: the input comes back byte for byte (`--fix - > file` loses nothing).
    let clean = run(
        dir.path(),
        &["validate", "--fix", "-"],
        &[],
        Some(SEED.as_bytes()),
    );
    assert_eq!(clean.status.code(), Some(0), "{}", err(&clean));
    assert_eq!(out(&clean), SEED);
}

#[test]
fn diff_shows_the_fixes_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "orders/a_tasking_request.json", &fixable());
    let output = ls(dir.path(), &["validate", "--diff", "orders"]);
    assert_eq!(output.status.code(), Some(1), "{}", err(&output));
    let diff = out(&output);
    assert!(
        diff.starts_with(
            "--- a/orders/a_tasking_request.json\n+++ b/orders/a_tasking_request.json\n@@ "
        ),
        "{diff}"
    );
    assert!(diff.contains("-    \"geometricProcessing\": \"ortho-rectified\",\n+    \"geometricProcessing\": \"ortho\",\n"), "{diff}");
    assert_eq!(err(&output), "tasking-ls: would fix 4 problems in 1 file\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("orders/a_tasking_request.json")).unwrap(),
        fixable()
    );
    // Nothing to fix: no diff, exit 0.
    write(dir.path(), "clean/b_tasking_request.json", SEED);
    let clean = ls(dir.path(), &["validate", "--diff", "clean"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(out(&clean), "");
    // --fix and --diff together is a usage error.
    let both = ls(dir.path(), &["validate", "--diff", "--fix", "clean"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn select_and_ignore_filter_codes_and_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["validate", "--format", "json"];
        all.extend_from_slice(args);
        all.push("a_tasking_request.json");
        let output = ls(dir.path(), &all);
        let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        findings
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(&[]).len(), 5);
    assert_eq!(codes(&["--select", "geometry"]), ["geometry.unclosed-ring"]);
    assert_eq!(
        codes(&["--select", "dates.order,schema.range"]),
        ["dates.order", "schema.range"]
    );
    assert_eq!(
        codes(&["--ignore", "schema", "--ignore", "dates"]),
        ["geometry.unclosed-ring"]
    );
    let unknown = ls(
        dir.path(),
        &[
            "validate",
            "--select",
            "geometry.nope",
            "a_tasking_request.json",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        err(&unknown).contains("--select: unknown diagnostic code 'geometry.nope'"),
        "{}",
        err(&unknown)
    );
}

#[test]
fn quiet_output_file_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let quiet = ls(dir.path(), &["validate", "-q", "a_tasking_request.json"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(out(&quiet).starts_with("a_tasking_request.json:6:23: error[dates.order]"));
    assert!(!out(&quiet).contains("Checked"), "{}", out(&quiet));
    let to_file = ls(
        dir.path(),
        &[
            "validate",
            "-o",
            "report.json",
            "--format",
            "json",
            "a_tasking_request.json",
        ],
    );
    assert_eq!(to_file.status.code(), Some(1));
    assert_eq!(out(&to_file), "");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report.as_array().unwrap().len(), 5);
    let zero = ls(
        dir.path(),
        &["validate", "--exit-zero", "a_tasking_request.json"],
    );
    assert_eq!(zero.status.code(), Some(0));
    assert!(out(&zero).contains("error[dates.order]"));
    // --exit-zero does not hide a failure to read.
    let missing = ls(
        dir.path(),
        &["validate", "--exit-zero", "missing_tasking_request.json"],
    );
    assert_eq!(missing.status.code(), Some(2));
    let unwritable = ls(
        dir.path(),
        &[
            "validate",
            "-o",
            "no/such/dir/r.txt",
            "a_tasking_request.json",
        ],
    );
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(err(&unwritable).contains("no/such/dir/r.txt: cannot create the output file"));
}

#[test]
fn no_file_found_is_a_warning_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("orders2")).unwrap();
    write(dir.path(), "other/package.json", "{}");
    for folder in ["orders2", "other"] {
        let output = ls(dir.path(), &["validate", folder]);
        assert_eq!(output.status.code(), Some(2), "{folder}");
        assert_eq!(out(&output), "", "{folder}");
        assert_eq!(
            err(&output),
            format!("tasking-ls: warning: no `*_tasking_request.json` files under {folder}\n")
        );
    }
    let missing = ls(dir.path(), &["validate", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(out(&missing), "");
    assert_eq!(
        err(&missing),
        "tasking-ls: nowhere: no such file or directory\n"
    );
}

#[test]
fn the_stdin_filename_names_the_input_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let name = "orders/panama_tasking_request.json";
    let go = |format: &str| {
        let output = run(
            dir.path(),
            &[
                "validate",
                "--format",
                format,
                "--stdin-filename",
                name,
                "-",
            ],
            &[],
            Some(BROKEN.as_bytes()),
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {}", err(&output));
        out(&output)
    };
    assert!(go("human").starts_with(&format!("{name}:6:23: error[dates.order]")));
    let json: serde_json::Value = serde_json::from_str(&go("json")).unwrap();
    assert_eq!(json[0]["file"], name);
    assert!(go("github").starts_with(&format!("::error file={name},line=6,col=23,")));
    let gitlab: serde_json::Value = serde_json::from_str(&go("gitlab")).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], name);
    let sarif: serde_json::Value = serde_json::from_str(&go("sarif")).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(uri.starts_with("file:///") && uri.ends_with(name), "{uri}");
}

/// `submit` prints the findings that stop it as `validate` does, coloured by the same rule:
/// never into a pipe or under `NO_COLOR`, on a terminal otherwise, and when forced.
#[test]
fn submit_colours_its_findings_by_the_rule_validate_follows() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let piped = |env: &[(&str, &str)]| {
        let output = run(
            dir.path(),
            &["submit", "--yes", "a_tasking_request.json"],
            env,
            None,
        );
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("error: not submitted:"), "{err}");
        err
    };
    let err = piped(&[]);
    assert!(!err.contains('\u{1b}'), "escape codes in a pipe: {err:?}");
    assert!(!piped(&[("NO_COLOR", "1")]).contains('\u{1b}'));
    assert!(piped(&[("FORCE_COLOR", "1")]).contains('\u{1b}'));

    // On a terminal (a pseudo-terminal from util-linux's `script`): coloured, unless NO_COLOR.
    let on_terminal = |no_color: Option<&str>| {
        let mut command = Command::new("script");
        command
            .args(["-qec"])
            .arg(format!(
                "{} submit --yes a_tasking_request.json",
                env!("CARGO_BIN_EXE_tasking-ls")
            ))
            .arg("/dev/null")
            .current_dir(dir.path())
            .env("TERM", "xterm")
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        command.output().ok().map(|o| {
            let shown = String::from_utf8_lossy(&o.stdout).into_owned();
            assert!(shown.contains("error: not submitted:"), "{shown}");
            shown.contains('\u{1b}')
        })
    };
    // Without `script` (not every system has util-linux) the pipe cases above still ran.
    if let Some(coloured) = on_terminal(None) {
        assert!(coloured, "no colour on a terminal");
        assert_eq!(on_terminal(Some("1")), Some(false), "NO_COLOR=1 ignored");
    }
}

#[test]
fn colour_follows_the_flag_then_force_then_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["validate"];
        all.extend_from_slice(args);
        all.push("a_tasking_request.json");
        let output = run(dir.path(), &all, env, None);
        assert_eq!(output.status.code(), Some(1));
        output.stdout.contains(&0x1b)
    };
    // Piped: no colour unless forced.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "")]));
    // An empty NO_COLOR does not count; forcing wins over NO_COLOR (CI sets both at times).
    assert!(coloured(&[], &[("NO_COLOR", ""), ("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]));
    // The flag wins over everything.
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    // Machine formats are never coloured.
    let json = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "json",
            "--color",
            "always",
            "a_tasking_request.json",
        ],
        &[],
        None,
    );
    assert!(!json.stdout.contains(&0x1b));
}

#[test]
fn the_terminal_gets_colour_unless_no_color_is_non_empty() {
    // A real terminal, through `script`, when the machine has it.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("`script` is not installed; the terminal case is covered by the unit tests");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", BROKEN);
    let bin = env!("CARGO_BIN_EXE_tasking-ls");
    let in_tty = |no_color: Option<&str>| {
        let mut command = Command::new("script");
        command
            .args([
                "-qec",
                &format!("{bin} validate a_tasking_request.json"),
                "/dev/null",
            ])
            .current_dir(dir.path())
            .env("TERM", "xterm")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .stdin(Stdio::null());
        match no_color {
            Some(value) => command.env("NO_COLOR", value),
            None => command.env_remove("NO_COLOR"),
        };
        command.output().unwrap().stdout.contains(&0x1b)
    };
    assert!(in_tty(None));
    assert!(in_tty(Some("")));
    assert!(!in_tty(Some("1")));
}

#[test]
fn the_config_file_is_found_and_flags_win_over_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "project/orders/past_tasking_request.json",
        &past_dated(),
    );
    write(
        dir.path(),
        "project/orders/broken_tasking_request.json",
        BROKEN,
    );
    // Default: warnings pass.
    let default = ls(
        dir.path(),
        &["validate", "project/orders/past_tasking_request.json"],
    );
    assert_eq!(default.status.code(), Some(0));
    write(
        dir.path(),
        "project/tasking-ls.toml",
        "strict = true\n[lint]\nignore = [\"schema\"]\n[lint.severity]\n\"dates.order\" = \"warning\"\n",
    );
    // Found from the checked path's folder upwards: strict makes the warning fail.
    let file = ls(
        dir.path(),
        &["validate", "project/orders/past_tasking_request.json"],
    );
    assert_eq!(file.status.code(), Some(1), "{}", out(&file));
    // [lint] applies: schema codes are ignored, dates.order is a warning.
    let broken = ls(
        dir.path(),
        &[
            "validate",
            "--format",
            "json",
            "project/orders/broken_tasking_request.json",
        ],
    );
    let findings: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    let pairs: Vec<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("dates.order".to_string(), "warning".to_string()),
            ("geometry.unclosed-ring".to_string(), "error".to_string())
        ]
    );
    // The flag wins over the file.
    let flag = ls(
        dir.path(),
        &[
            "validate",
            "--format",
            "json",
            "--ignore",
            "geometry",
            "project/orders/broken_tasking_request.json",
        ],
    );
    let findings: serde_json::Value = serde_json::from_slice(&flag.stdout).unwrap();
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "dates.order",
            "schema.enum",
            "schema.range",
            "schema.additional-property"
        ]
    );
    // --config names another file, in place of the discovered one.
    write(dir.path(), "other.toml", "strict = false\n");
    let named = ls(
        dir.path(),
        &[
            "--config",
            "other.toml",
            "validate",
            "project/orders/past_tasking_request.json",
        ],
    );
    assert_eq!(named.status.code(), Some(0), "{}", out(&named));
}

#[test]
fn a_bad_config_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", SEED);
    write(
        dir.path(),
        "tasking-ls.toml",
        "strict = true\nfile-pattern = [\"*.json\"]\n",
    );
    let output = ls(dir.path(), &["validate", "a_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err(&output).contains("tasking-ls.toml:2:1: unknown field `file-pattern`"),
        "{}",
        err(&output)
    );
    write(
        dir.path(),
        "tasking-ls.toml",
        "[lint]\nselect = [\"geometry.nope\"]\n",
    );
    let output = ls(dir.path(), &["validate", "a_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err(&output).contains("2:11: [lint] select: unknown diagnostic code 'geometry.nope'"),
        "{}",
        err(&output)
    );
}

#[test]
fn config_prints_each_value_and_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tasking-ls.toml",
        "schema-dir = \"schemas\"\noffline = true\nfile-patterns = [\"orders/*.json\"]\n",
    );
    let output = ls(dir.path(), &["--schema-dir", "/elsewhere", "config"]);
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    let text = out(&output);
    let config_path = std::path::absolute(dir.path().join("tasking-ls.toml")).unwrap();
    let shown = config_path.display().to_string();
    assert!(
        text.starts_with(&format!("# configuration file: {shown}\n")),
        "{text}"
    );
    assert!(
        text.contains("schema-dir = \"/elsewhere\"  # command line --schema-dir\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("offline = true  # {shown}\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("file-patterns = [\"orders/*.json\"]  # {shown}\n")),
        "{text}"
    );
    assert!(text.contains("strict = false  # default\n"), "{text}");
    // Relative paths in the file resolve against the file's folder.
    let from_file = ls(dir.path(), &["config"]);
    let expected = dir.path().join("schemas");
    assert!(
        out(&from_file).contains(&format!(
            "schema-dir = \"{}\"",
            std::path::absolute(expected).unwrap().display()
        )),
        "{}",
        out(&from_file)
    );
}

/// The tables that are not flags (`[stapi]`, `[[stapi.files]]`, `[feasibility]`, `[rules]`)
/// are printed as the file gives them, paths resolved, and read back as the same TOML.
#[test]
fn config_prints_the_stapi_feasibility_and_rules_tables() {
    let dir = tempfile::tempdir().unwrap();
    let file = "[stapi]\nurl = \"http://127.0.0.1:8000\"\nproduct = \"optical\"\n\
                constellation = \"pneo-tasking\"\n\n[[stapi.files]]\npattern = \"radar/*.json\"\n\
                product = \"sar\"\n\n[feasibility]\nelements = [\"els/pneo.tle\"]\n\n\
                [rules.\"bd102407-1814-4f92-8b5a-7697b7a73f5a\"]\nmax-area-km2 = 500\nholes = true\n";
    write(dir.path(), "tasking-ls.toml", file);
    let output = ls(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    let text = out(&output);
    let elements = std::path::absolute(dir.path().join("els/pneo.tle")).unwrap();
    for expected in [
        "[stapi]\nurl = \"http://127.0.0.1:8000\"\nproduct = \"optical\"\nconstellation = \"pneo-tasking\"\n".to_string(),
        "[[stapi.files]]\npattern = \"radar/*.json\"\nproduct = \"sar\"\n".to_string(),
        format!("[feasibility]\nelements = [\"{}\"]\n", elements.display()),
        "[rules.bd102407-1814-4f92-8b5a-7697b7a73f5a]\nmax-area-km2 = 500.0\nholes = true\n".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected}\nnot in\n{text}");
    }
    // Without those tables, nothing is printed for them.
    write(dir.path(), "tasking-ls.toml", "offline = true\n");
    let plain = out(&ls(dir.path(), &["config"]));
    assert!(
        !plain.contains("[stapi]") && !plain.contains("# from "),
        "{plain}"
    );
}

#[test]
fn the_walk_respects_gitignore_exclude_and_the_file_patterns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "orders/a_tasking_request.json", SEED);
    write(dir.path(), "orders/build/b_tasking_request.json", BROKEN);
    write(dir.path(), "orders/drafts/c_tasking_request.json", BROKEN);
    write(dir.path(), "orders/.gitignore", "build/\n");
    let output = ls(dir.path(), &["validate", "orders"]);
    assert!(
        out(&output).contains("orders/drafts/c_tasking_request.json"),
        "{}",
        out(&output)
    );
    assert!(!out(&output).contains("build"), "{}", out(&output));
    write(dir.path(), "tasking-ls.toml", "exclude = [\"drafts\"]\n");
    let output = ls(dir.path(), &["validate", "orders"]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert_eq!(out(&output), "Checked 1 file: no problems found\n");
    // Patterns: `*` does not cross `/`, braces alternate, a `/` pattern matches path ends.
    write(dir.path(), "plans/q1/x.order.json", SEED);
    write(dir.path(), "plans/q1/deep/y.order.json", SEED);
    write(dir.path(), "plans/q2/z.order.json", SEED);
    write(
        dir.path(),
        "tasking-ls.toml",
        "file-patterns = [\"plans/{q1,q2}/*.order.json\"]\n",
    );
    let output = ls(dir.path(), &["validate", "plans"]);
    assert_eq!(
        out(&output),
        "Checked 2 files: no problems found\n",
        "{}",
        err(&output)
    );
}

#[cfg(unix)]
#[test]
fn special_files_never_hang_and_links_say_what_is_wrong() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w/ok_tasking_request.json", SEED);
    let fifo = dir.path().join("w/fifo_tasking_request.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    symlink("/dev/zero", dir.path().join("w/zero_tasking_request.json")).unwrap();
    let started = std::time::Instant::now();
    let walked = ls(dir.path(), &["validate", "w"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(walked.status.code(), Some(2));
    assert_eq!(out(&walked), "Checked 1 file: no problems found\n");
    assert!(
        err(&walked).contains(
            "w/zero_tasking_request.json: not a regular file (a character device); skipped"
        ),
        "{}",
        err(&walked)
    );
    // The walk does not follow a link into a FIFO's name either: FIFOs are simply not files.
    let named = ls(dir.path(), &["validate", "w/fifo_tasking_request.json"]);
    assert_eq!(named.status.code(), Some(2));
    assert_eq!(
        err(&named),
        "tasking-ls: w/fifo_tasking_request.json: not a regular file (a FIFO); to check a stream, pipe it to `validate -`\n"
    );
    // A symbolic link loop named on the command line says so.
    symlink(
        "b_tasking_request.json",
        dir.path().join("a_tasking_request.json"),
    )
    .unwrap();
    symlink(
        "a_tasking_request.json",
        dir.path().join("b_tasking_request.json"),
    )
    .unwrap();
    let looped = ls(dir.path(), &["validate", "a_tasking_request.json"]);
    assert_eq!(looped.status.code(), Some(2));
    assert_eq!(
        err(&looped),
        "tasking-ls: a_tasking_request.json: too many levels of symbolic links\n"
    );
}

#[test]
fn files_over_the_size_cap_are_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: 257 MiB claimed, nothing written.
    let big = std::fs::File::create(dir.path().join("big_tasking_request.json")).unwrap();
    big.set_len(257 << 20).unwrap();
    let output = ls(dir.path(), &["validate", "big_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        err(&output),
        "tasking-ls: big_tasking_request.json: 257 MiB, over the 256 MiB limit for an order request; not read\n"
    );
    // A stream that does not end is cut at the cap.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(["validate", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 20];
        while pipe.write_all(&chunk).is_ok() {}
    });
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err(&output).contains("still growing past the 256 MiB limit"),
        "{}",
        err(&output)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn write_errors_end_every_subcommand_with_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a_tasking_request.json", SEED);
    let cases: [&[&str]; 6] = [
        &["validate", "a_tasking_request.json"],
        &["products"],
        &["schema", "list"],
        &["schema", "show", "bd102407-1814-4f92-8b5a-7697b7a73f5a"],
        &["config"],
        &["completions", "bash"],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
            .args(args)
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", err(&output));
        assert!(
            err(&output).contains("No space left on device"),
            "{args:?}: {}",
            err(&output)
        );
    }
}

/// A value and a file name that try to forge a GitHub annotation and to colour the terminal.
const FORGED: &str = "\n::error file=forged.json,line=1::forged";

#[cfg(unix)]
#[test]
fn untrusted_text_is_escaped_in_every_text_format() {
    let dir = tempfile::tempdir().unwrap();
    let value = format!("ortho{FORGED}\u{1b}[2J");
    let json_value = serde_json::to_string(&value).unwrap();
    let request = BROKEN.replace("\"ortho-rectified\"", &json_value);
    let name = format!("evil{FORGED}_tasking_request.json");
    write(dir.path(), &name, &request);
    for format in ["human", "github"] {
        let output = ls(
            dir.path(),
            &["validate", "--format", format, "--color", "never", "."],
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {}", err(&output));
        let text = out(&output);
        for line in text.lines() {
            assert!(
                !line.starts_with("::error file=forged"),
                "{format}: forged line in\n{text}"
            );
        }
        assert!(!text.contains('\u{1b}'), "{format}: raw ESC in\n{text}");
        let name_shown = if format == "github" {
            // Properties also escape `:` and `,` (workflow-command syntax).
            "evil\\n%3A%3Aerror file=forged.json%2Cline=1"
        } else {
            "evil\\n::error file=forged.json,line=1"
        };
        assert!(text.contains(name_shown), "{format}: {text}");
        assert!(
            text.contains("'ortho\\n::error file=forged.json,line=1::forged"),
            "{format}: {text}"
        );
        assert!(text.contains("\\u{1b}[2J"), "{format}: {text}");
    }
    // The same through stdin's name.
    let output = run(
        dir.path(),
        &[
            "validate",
            "--format",
            "github",
            "--stdin-filename",
            &name,
            "-",
        ],
        &[],
        Some(request.as_bytes()),
    );
    assert!(!out(&output)
        .lines()
        .any(|l| l.starts_with("::error file=forged")));
}

#[test]
fn schema_show_takes_an_id_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let full = ls(
        dir.path(),
        &["schema", "show", "bd102407-1814-4f92-8b5a-7697b7a73f5a"],
    );
    let short = ls(dir.path(), &["schema", "show", "BD102407"]);
    assert_eq!(short.status.code(), Some(0), "{}", err(&short));
    assert_eq!(out(&short), out(&full));
    let nothing = ls(dir.path(), &["schema", "show", "ffffffff"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(err(&nothing).contains("no schema for product 'ffffffff'"));
}

#[test]
fn completions_and_help() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let output = ls(dir.path(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(out(&output).contains("stdin-filename"), "{shell}");
    }
    let help = ls(dir.path(), &["validate", "--help"]);
    let text = out(&help);
    // Every argument, the positional one included, is described.
    assert!(
        text.contains("[PATH]...\n          Files or folders to check"),
        "{text}"
    );
    for flag in [
        "--fix",
        "--diff",
        "--select",
        "--ignore",
        "--quiet",
        "--output-file",
        "--color",
        "--stdin-filename",
        "--exit-zero",
    ] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
}

#[test]
fn init_writes_the_formatters_layout() {
    let dir = tempfile::tempdir().unwrap();
    let output = ls(dir.path(), &["init", "berlin"]);
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    let text = std::fs::read_to_string(dir.path().join("berlin_tasking_request.json")).unwrap();
    // One position per line, as the formatter lays them out (not one number per line).
    assert!(text.contains("\n          [13.3, 52.56],\n"), "{text}");
    let document = tasking_ls::document::Document::new(text.clone());
    assert_eq!(
        tasking_ls::ide::format(&document).as_deref(),
        Some(text.as_str())
    );
}

#[test]
fn human_output_draws_whole_multi_line_spans_and_secondary_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut request: serde_json::Value = serde_json::from_str(SEED).unwrap();
    request["params"]["geometry"]["coordinates"] =
        serde_json::json!([[[13.3, 52.5], [13.4, 52.5], [13.3, 52.5]]]);
    write(
        dir.path(),
        "tri_tasking_request.json",
        &serde_json::to_string_pretty(&request).unwrap(),
    );
    let output = ls(dir.path(), &["validate", "tri_tasking_request.json"]);
    let text = out(&output);
    // The ring spans lines 15 to 28: its first line opens the span, its last closes it.
    assert!(text.contains("15 | /         [\n"), "{text}");
    assert!(
        text.contains("28 | |         ]\n   | |_________^\n"),
        "{text}"
    );
    // Secondary labels: the start date where the end is before it; the first position of an
    // unclosed ring; and `help:` lines for the fixes.
    write(dir.path(), "b_tasking_request.json", BROKEN);
    let text = out(&ls(dir.path(), &["validate", "b_tasking_request.json"]));
    assert!(
        text.contains(
            "  |                         -------------------------- acquisitionStart is here\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("------------------ the ring's first position\n"),
        "{text}"
    );
    assert!(text.contains("   = help: Close the ring\n"), "{text}");
}

#[test]
fn a_minified_order_does_not_print_its_whole_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut request: serde_json::Value = serde_json::from_str(BROKEN).unwrap();
    let ring: Vec<serde_json::Value> = (0..20_000)
        .map(|i| {
            let angle = std::f64::consts::TAU * f64::from(i) / 20_000.0;
            serde_json::json!([13.3 + 0.01 * angle.cos(), 52.5 + 0.01 * angle.sin()])
        })
        .collect();
    request["params"]["geometry"]["coordinates"] = serde_json::json!([ring]);
    let text = serde_json::to_string(&request).unwrap();
    assert!(text.len() > 500_000 && !text.contains('\n'));
    write(dir.path(), "min_tasking_request.json", &text);
    let output = ls(dir.path(), &["validate", "min_tasking_request.json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = out(&output);
    assert!(
        report.contains("error[schema.range]"),
        "{}",
        &report[..report.len().min(2000)]
    );
    // Every line of the report fits a wide terminal: the source is cut around each span.
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest < 400, "a line of {widest} characters");
}
