//! Conventions of peer linters that `validate` keeps (issue 23): each file under its own
//! nearest `tasking-ls.toml`, an empty selection is a usage error, `--force-exclude` and the
//! pre-commit hooks, GitLab fingerprints that survive edits above a finding. Generated cases
//! where a kind of fault is claimed gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;
use serde_json::Value;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const BROKEN: &str =
    include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json");
/// The codes BROKEN reports, one finding each.
const BROKEN_CODES: [&str; 5] = [
    "dates.order",
    "schema.enum",
    "geometry.unclosed-ring",
    "schema.range",
    "schema.additional-property",
];

fn tasking_ls(dir: &Path, args: &[&str]) -> Output {
    tasking_ls_stdin(dir, args, None)
}

fn tasking_ls_stdin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tasking-ls");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `--format json` output: file -> the codes reported in it.
fn codes_by_file(output: &Output) -> BTreeMap<String, BTreeSet<String>> {
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    });
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for finding in findings.as_array().unwrap() {
        let file = finding["file"].as_str().unwrap();
        let file = file.strip_prefix("./").unwrap_or(file).to_string();
        out.entry(file)
            .or_default()
            .insert(finding["code"].as_str().unwrap().to_string());
    }
    out
}

/// A generated workspace: folders (each a path below the root, "" is the root), a
/// configuration in some of them ignoring some code prefixes, request files in some of them.
#[derive(Clone, Debug)]
struct Layout {
    /// Folder i's parent is folder `parents[i]` (< i); folder 0 is the root.
    parents: Vec<usize>,
    /// Folder -> the prefixes its `tasking-ls.toml` ignores (a file exists for each entry).
    configs: BTreeMap<usize, Vec<&'static str>>,
    /// The folder of each request file.
    files: Vec<usize>,
    /// The order the files are named on the command line.
    order: Vec<usize>,
}

impl Layout {
    fn folder(&self, i: usize) -> PathBuf {
        if i == 0 {
            return PathBuf::new();
        }
        self.folder(self.parents[i - 1]).join(format!("d{i}"))
    }

    fn file(&self, i: usize) -> String {
        self.folder(self.files[i])
            .join(format!("f{i}_tasking_request.json"))
            .to_string_lossy()
            .into_owned()
    }

    /// The oracle: the codes of BROKEN not ignored by the nearest configuration.
    fn expected(&self, file: usize) -> BTreeSet<String> {
        let mut folder = Some(self.files[file]);
        let mut ignored: &[&str] = &[];
        while let Some(i) = folder {
            if let Some(prefixes) = self.configs.get(&i) {
                ignored = prefixes;
                break;
            }
            folder = (i > 0).then(|| self.parents[i - 1]);
        }
        BROKEN_CODES
            .iter()
            .filter(|code| !ignored.iter().any(|p| code.starts_with(&format!("{p}."))))
            .map(|code| code.to_string())
            .collect()
    }

    fn write(&self, root: &Path) {
        for i in 0..=self.parents.len() {
            std::fs::create_dir_all(root.join(self.folder(i))).unwrap();
        }
        for (folder, ignored) in &self.configs {
            let list: Vec<String> = ignored.iter().map(|p| format!("\"{p}\"")).collect();
            std::fs::write(
                root.join(self.folder(*folder)).join("tasking-ls.toml"),
                format!("[lint]\nignore = [{}]\n", list.join(", ")),
            )
            .unwrap();
        }
        for i in 0..self.files.len() {
            std::fs::write(root.join(self.file(i)), BROKEN).unwrap();
        }
    }
}

fn layouts() -> impl Strategy<Value = Layout> {
    let prefixes = prop::sample::subsequence(vec!["dates", "schema", "geometry"], 1..=2);
    (1usize..6)
        .prop_flat_map(move |extra_folders| {
            let parents: Vec<BoxedStrategy<usize>> =
                (0..extra_folders).map(|i| (0..=i).boxed()).collect();
            (
                parents,
                prop::collection::btree_map(0..=extra_folders, prefixes.clone(), 0..=3),
                prop::collection::vec(0..=extra_folders, 1..6),
            )
        })
        .prop_flat_map(|(parents, configs, files)| {
            let order = Just((0..files.len()).collect::<Vec<_>>()).prop_shuffle();
            (Just(parents), Just(configs), Just(files), order)
        })
        .prop_map(|(parents, configs, files, order)| Layout {
            parents,
            configs,
            files,
            order,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Each file named, in any order, and each file a walk finds, is checked under its own
    /// nearest configuration: the one in its folder, else the closest parent's.
    #[test]
    fn each_file_gets_its_nearest_configuration(layout in layouts()) {
        let dir = tempfile::tempdir().unwrap();
        layout.write(dir.path());
        let expected: BTreeMap<String, BTreeSet<String>> = (0..layout.files.len())
            .map(|i| (layout.file(i), layout.expected(i)))
            .filter(|(_, codes)| !codes.is_empty())
            .collect();
        let mut args = vec!["validate".to_string(), "--offline".to_string(), "--format".to_string(), "json".to_string()];
        args.extend(layout.order.iter().map(|i| layout.file(*i)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let named = tasking_ls(dir.path(), &args);
        prop_assert_eq!(named.status.code(), Some(1), "{}", stderr(&named));
        prop_assert_eq!(codes_by_file(&named), expected.clone());
        let walked = tasking_ls(dir.path(), &["validate", "--offline", "--format", "json", "."]);
        prop_assert_eq!(codes_by_file(&walked), expected);
    }
}

#[test]
fn the_second_files_configuration_is_not_lost_in_either_order() {
    // The issue's case: `a` ignores dates, `b` has no configuration; both orders agree.
    let dir = tempfile::tempdir().unwrap();
    for folder in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::write(
            dir.path().join(folder).join("x_tasking_request.json"),
            BROKEN,
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("a/tasking-ls.toml"),
        "[lint]\nignore = [\"dates\"]\n",
    )
    .unwrap();
    let (a, b) = ("a/x_tasking_request.json", "b/x_tasking_request.json");
    for order in [[a, b], [b, a]] {
        let output = tasking_ls(
            dir.path(),
            &[
                "validate",
                "--offline",
                "--format",
                "json",
                order[0],
                order[1],
            ],
        );
        let codes = codes_by_file(&output);
        assert!(!codes[a].contains("dates.order"), "{order:?}: {codes:?}");
        assert!(codes[b].contains("dates.order"), "{order:?}: {codes:?}");
    }
}

#[test]
fn a_flag_beats_every_files_configuration_and_config_names_one_for_all() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/x_tasking_request.json"), BROKEN).unwrap();
    std::fs::write(dir.path().join("y_tasking_request.json"), BROKEN).unwrap();
    std::fs::write(
        dir.path().join("a/tasking-ls.toml"),
        "[lint]\nignore = [\"dates\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.toml"),
        "[lint]\nselect = [\"geometry\"]\n",
    )
    .unwrap();
    let flag = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--format",
            "json",
            "--ignore",
            "schema",
            ".",
        ],
    );
    let codes = codes_by_file(&flag);
    let only_dates_and_geometry: BTreeSet<String> = ["dates.order", "geometry.unclosed-ring"]
        .map(String::from)
        .into();
    assert_eq!(codes["a/x_tasking_request.json"], only_dates_and_geometry);
    assert_eq!(codes["y_tasking_request.json"], only_dates_and_geometry);
    let named = tasking_ls(
        dir.path(),
        &[
            "--config",
            "other.toml",
            "validate",
            "--offline",
            "--format",
            "json",
            ".",
        ],
    );
    let codes = codes_by_file(&named);
    let geometry: BTreeSet<String> = ["geometry.unclosed-ring".to_string()].into();
    assert_eq!(codes["a/x_tasking_request.json"], geometry);
    assert_eq!(codes["y_tasking_request.json"], geometry);
}

#[test]
fn a_broken_configuration_below_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/x_tasking_request.json"), SEED).unwrap();
    std::fs::write(dir.path().join("y_tasking_request.json"), SEED).unwrap();
    std::fs::write(dir.path().join("a/tasking-ls.toml"), "strict = \"yes\"\n").unwrap();
    let output = tasking_ls(
        dir.path(),
        &["validate", "--offline", "y_tasking_request.json", "a"],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("a/tasking-ls.toml:1:10:"), "{err}");
    assert_eq!(err.matches("tasking-ls.toml").count(), 1, "{err}");
}

#[test]
fn an_empty_selection_is_a_usage_error_naming_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x_tasking_request.json"), BROKEN).unwrap();
    for select in ["", ",", " , ,"] {
        let output = tasking_ls(
            dir.path(),
            &[
                "validate",
                "--offline",
                "--select",
                select,
                "x_tasking_request.json",
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{select:?}");
        let err = stderr(&output);
        assert!(err.contains("--select: the selection is empty"), "{err}");
        assert!(output.stdout.is_empty(), "{select:?}");
    }
    std::fs::write(
        dir.path().join("tasking-ls.toml"),
        "strict = true\n[lint]\nselect = []\n",
    )
    .unwrap();
    let output = tasking_ls(
        dir.path(),
        &["validate", "--offline", "x_tasking_request.json"],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("tasking-ls.toml:3:1: [lint] select = []: the selection is empty"),
        "{err}"
    );
    // A selection that names something still works.
    std::fs::remove_file(dir.path().join("tasking-ls.toml")).unwrap();
    let output = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--select",
            ",dates,",
            "x_tasking_request.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
}

/// A workspace with `exclude = ["drafts"]`: one fixable order in `drafts/`, one outside.
fn excluding_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("drafts")).unwrap();
    std::fs::write(
        dir.path().join("tasking-ls.toml"),
        "exclude = [\"drafts\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("drafts/d_tasking_request.json"), BROKEN).unwrap();
    std::fs::write(dir.path().join("o_tasking_request.json"), BROKEN).unwrap();
    dir
}

#[test]
fn force_exclude_skips_excluded_paths_named_on_the_command_line() {
    let dir = excluding_workspace();
    let draft = "drafts/d_tasking_request.json";
    // Without the flag a named file is checked (ruff's rule: naming it is asking for it).
    let plain = tasking_ls(
        dir.path(),
        &["validate", "--offline", "--format", "json", draft],
    );
    assert!(codes_by_file(&plain).contains_key(draft));
    // With it, the draft is skipped, the other file still checked.
    let forced = tasking_ls(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--force-exclude",
            "--format",
            "json",
            draft,
            "o_tasking_request.json",
        ],
    );
    let codes = codes_by_file(&forced);
    assert!(!codes.contains_key(draft), "{codes:?}");
    assert!(codes.contains_key("o_tasking_request.json"), "{codes:?}");
    // A folder named is excluded as a whole.
    let folder = tasking_ls(
        dir.path(),
        &["validate", "--offline", "--force-exclude", "drafts"],
    );
    assert_eq!(folder.status.code(), Some(0), "{}", stderr(&folder));
    // Only excluded files: nothing to check is success, and --fix rewrites nothing.
    let only = tasking_ls(
        dir.path(),
        &["validate", "--offline", "--force-exclude", "--fix", draft],
    );
    assert_eq!(only.status.code(), Some(0), "{}", stderr(&only));
    assert!(
        stderr(&only).contains("every path given is excluded"),
        "{}",
        stderr(&only)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(draft)).unwrap(),
        BROKEN
    );
    // Standard input named as an excluded file: echoed unchanged under --fix.
    let stdin = tasking_ls_stdin(
        dir.path(),
        &[
            "validate",
            "--offline",
            "--force-exclude",
            "--fix",
            "--stdin-filename",
            draft,
            "-",
        ],
        Some(BROKEN),
    );
    assert_eq!(stdin.status.code(), Some(0), "{}", stderr(&stdin));
    assert_eq!(String::from_utf8_lossy(&stdin.stdout), BROKEN);
}

/// The shipped hooks, run as pre-commit runs them (entry + every staged file's name), leave
/// excluded drafts alone.
#[test]
fn the_pre_commit_hooks_skip_excluded_files() {
    let hooks = include_str!("../../.pre-commit-hooks.yaml");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry:"))
        .map(str::trim)
        .collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    for entry in entries {
        let dir = excluding_workspace();
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("tasking-ls"), "{entry}");
        let mut args: Vec<&str> = words.collect();
        assert!(args.contains(&"--force-exclude"), "{entry}");
        args.extend(["drafts/d_tasking_request.json", "o_tasking_request.json"]);
        let output = tasking_ls(dir.path(), &args);
        let err = stderr(&output);
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("drafts"),
            "{entry}: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("drafts/d_tasking_request.json")).unwrap(),
            BROKEN,
            "{entry}"
        );
    }
}

/// The GitLab fingerprints of a text: (code, fingerprint) sorted, and the lines reported.
fn gitlab(dir: &Path, text: &str) -> (Vec<(String, String)>, Vec<u64>) {
    std::fs::write(dir.join("g_tasking_request.json"), text).unwrap();
    let output = tasking_ls(
        dir,
        &[
            "validate",
            "--offline",
            "--format",
            "gitlab",
            "g_tasking_request.json",
        ],
    );
    let issues: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut prints: Vec<(String, String)> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().to_string(),
                i["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    prints.sort();
    let lines = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["location"]["positions"]["begin"]["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    (prints, lines)
}

/// Inserts whitespace (blank lines, CRLF, spaces, tabs) next to whitespace already in the
/// text, so that no token changes: what re-indenting or adding blank lines above does.
fn insert_whitespace(text: &str, at: &[(usize, usize)]) -> String {
    const PIECES: [&str; 5] = ["\n", "\n\n", "\r\n", "  ", "\t"];
    let gaps: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| *c == '\n')
        .map(|(i, _)| i + 1)
        .collect();
    let mut spots: Vec<(usize, &str)> = at
        .iter()
        .map(|(gap, piece)| (gaps[gap % gaps.len()], PIECES[piece % PIECES.len()]))
        .collect();
    spots.sort();
    let mut out = String::new();
    let mut from = 0;
    for (offset, piece) in spots {
        out.push_str(&text[from..offset]);
        out.push_str(piece);
        from = offset;
    }
    out.push_str(&text[from..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Blank lines and indentation inserted anywhere (above a finding or between) never change
    /// a fingerprint; the reported lines do move.
    #[test]
    fn fingerprints_survive_insertions_above(
        top in 1usize..4,
        at in prop::collection::vec((0usize..64, 0usize..5), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (before, lines_before) = gitlab(dir.path(), BROKEN);
        prop_assert_eq!(before.len(), 5);
        let edited = format!("{}{}", "\n".repeat(top), insert_whitespace(BROKEN, &at));
        let (after, lines_after) = gitlab(dir.path(), &edited);
        prop_assert_eq!(&before, &after);
        prop_assert_ne!(lines_before, lines_after);
    }
}

#[test]
fn fingerprints_are_unique_and_change_with_the_value() {
    let dir = tempfile::tempdir().unwrap();
    // Two identical unknown members in two features' places: same code, different paths.
    let (base, _) = gitlab(dir.path(), BROKEN);
    let unique: BTreeSet<&String> = base.iter().map(|(_, f)| f).collect();
    assert_eq!(unique.len(), base.len());
    // Another offending value is another finding.
    let (changed, _) = gitlab(
        dir.path(),
        &BROKEN.replace("\"cloudCoverage\": 150", "\"cloudCoverage\": 151"),
    );
    let range = |prints: &[(String, String)]| {
        prints
            .iter()
            .find(|(code, _)| code == "schema.range")
            .unwrap()
            .1
            .clone()
    };
    assert_ne!(range(&base), range(&changed));
    // The other findings keep theirs.
    let others = |prints: &[(String, String)]| -> Vec<(String, String)> {
        prints
            .iter()
            .filter(|(c, _)| c != "schema.range")
            .cloned()
            .collect()
    };
    assert_eq!(others(&base), others(&changed));
}

#[test]
fn repeated_findings_get_distinct_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    // The same duplicate key twice in one object: same code, same path, same text.
    let text = SEED.replacen(
        "\"params\": {",
        "\"params\": {\n    \"tags\": 1,\n    \"tags\": 1,\n    \"tags\": 1,",
        1,
    );
    let (prints, _) = gitlab(dir.path(), &text);
    let duplicates: Vec<&String> = prints
        .iter()
        .filter(|(code, _)| code == "document.duplicate-key")
        .map(|(_, f)| f)
        .collect();
    assert!(duplicates.len() >= 2, "{prints:?}");
    let unique: BTreeSet<&&String> = duplicates.iter().collect();
    assert_eq!(unique.len(), duplicates.len(), "{prints:?}");
}
