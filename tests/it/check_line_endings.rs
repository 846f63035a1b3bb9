//! Line endings are the file's own everywhere text is written (issue 23, item 1): every fix's
//! text, code actions, formatting and `validate --fix`. Generated: random combinations of
//! faults (each one a kind of fix), random indentation, CRLF or LF.

use std::collections::BTreeSet;
use std::process::Command;

use proptest::prelude::*;
use tasking_ls::check::{check_document, CheckOptions, Code};
use tasking_ls::document::{Document, TextRange};
use tasking_ls::ide::{code_actions, format};
use tasking_ls::schema::SchemaStore;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");

/// One fault: how to put it into the seed (LF text), and the code whose fix it exercises.
struct Fault {
    name: &'static str,
    code: Code,
    inject: fn(&str) -> String,
}

const RING: &str = "[-79.6418, 9.0727],
          [-79.6418, 8.8703],
          [-79.4388, 8.8703],
          [-79.4387, 9.0727],
          [-79.6418, 9.0727]";

const FAULTS: &[Fault] = &[
    Fault {
        name: "enum near miss",
        code: Code::SchemaEnum,
        inject: |t| {
            t.replace(
                "\"acquisitionMode\": \"mono\"",
                "\"acquisitionMode\": \"mnoo\"",
            )
        },
    },
    Fault {
        name: "unclosed ring",
        code: Code::GeometryUnclosedRing,
        inject: |t| t.replace(",\n          [-79.6418, 9.0727]\n        ]", "\n        ]"),
    },
    Fault {
        name: "clockwise exterior ring",
        code: Code::GeometryWinding,
        inject: |t| {
            t.replace(
                RING,
                "[-79.6418, 9.0727],
          [-79.4387, 9.0727],
          [-79.4388, 8.8703],
          [-79.6418, 8.8703],
          [-79.6418, 9.0727]",
            )
        },
    },
    Fault {
        name: "missing required property",
        code: Code::SchemaRequired,
        inject: |t| t.replace("    \"deliveredAs\": \"geotiff\",\n", ""),
    },
    Fault {
        name: "unknown property",
        code: Code::SchemaAdditionalProperty,
        inject: |t| {
            t.replace(
                "\"cloudCoverage\": 10,",
                "\"cloudCoverage\": 10,\n    \"cloudCovr\": 20,",
            )
        },
    },
    Fault {
        name: "byte order mark",
        code: Code::Syntax,
        inject: |t| format!("\u{feff}{t}"),
    },
    Fault {
        name: "duplicate key",
        code: Code::DuplicateKey,
        inject: |t| {
            t.replace(
                "\"projection\": \"4326\"",
                "\"projection\": \"4326\",\n    \"projection\": \"4326\"",
            )
        },
    },
    Fault {
        name: "end before start",
        code: Code::DatesOrder,
        inject: |t| {
            t.replace(
                "\"acquisitionEnd\": \"2027-05-01T00:00:00.000Z\"",
                "\"acquisitionEnd\": \"2027-02-01T00:00:00.000Z\"",
            )
        },
    },
];

fn options(store: &SchemaStore) -> CheckOptions<'_> {
    let mut options = CheckOptions::new(store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    options
}

/// True when every line break in `text` is `ending`.
fn only(text: &str, ending: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| match (b, ending) {
        (b'\n', "\r\n") => i > 0 && bytes[i - 1] == b'\r',
        (b'\r', "\n") => false,
        _ => true,
    })
}

fn reindent(text: &str, indent: &str) -> String {
    text.lines()
        .map(|line| {
            let depth = (line.len() - line.trim_start().len()) / 2;
            format!("{}{}", indent.repeat(depth), line.trim_start())
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_written_text_keeps_the_files_line_ending(
        faults in prop::sample::subsequence((0..FAULTS.len()).collect::<Vec<_>>(), 1..4),
        crlf in any::<bool>(),
        indent in prop::sample::select(vec!["  ", "    ", "\t"]),
    ) {
        let mut text = SEED.to_string();
        for &i in &faults {
            let next = (FAULTS[i].inject)(&text);
            prop_assume!(next != text);
            text = next;
        }
        let text = reindent(&text, indent);
        let ending = if crlf { "\r\n" } else { "\n" };
        let text = text.replace('\n', ending);
        let store = SchemaStore::bundled();
        let options = options(&store);
        let doc = Document::new(text.clone());
        prop_assert_eq!(doc.line_ending(), ending);
        let diagnostics = check_document(&doc, &options);
        for &i in &faults {
            prop_assert!(
                diagnostics.iter().any(|d| d.code == FAULTS[i].code && !d.fixes.is_empty()),
                "{}: no {} with a fix in {:?}", FAULTS[i].name, FAULTS[i].code,
                diagnostics.iter().map(|d| (d.code, d.fixes.len())).collect::<Vec<_>>()
            );
        }
        for diagnostic in &diagnostics {
            for fix in &diagnostic.fixes {
                for edit in &fix.edits {
                    prop_assert!(only(&edit.new_text, ending), "{} fix {:?}: {:?}", diagnostic.code, fix.title, edit.new_text);
                }
            }
        }
        let actions = code_actions(&doc, &store, &diagnostics, TextRange::new(0, text.len()));
        for action in &actions {
            for edit in &action.edits {
                prop_assert!(only(&edit.new_text, ending), "action {:?}: {:?}", action.title, edit.new_text);
            }
        }
        if let Some(formatted) = format(&doc) {
            prop_assert!(only(&formatted, ending), "format: {:?}", formatted);
        }
        // `validate --fix` on the file: every line break of the result is the file's.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o_tasking_request.json");
        std::fs::write(&path, &text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
            .args(["validate", "--offline", "--fix", "--quiet"])
            .arg(&path)
            .env("XDG_CACHE_HOME", dir.path().join(".cache"))
            .output()
            .unwrap();
        let fixed = std::fs::read_to_string(&path).unwrap();
        let preferred = diagnostics.iter().any(|d| d.fixes.iter().any(|f| f.preferred));
        prop_assert_eq!(fixed != text, preferred, "{}", String::from_utf8_lossy(&output.stderr));
        prop_assert!(only(&fixed, ending), "--fix wrote mixed line endings:\n{:?}", fixed);
    }
}

/// The fault list covers every code that carries a fix on the seed's faults, so that "every
/// fix kind" above is not a claim about a few.
#[test]
fn the_faults_cover_each_kind_of_fix_they_name() {
    let codes: BTreeSet<Code> = FAULTS.iter().map(|f| f.code).collect();
    assert_eq!(codes.len(), FAULTS.len(), "one fault per code");
    for fault in FAULTS {
        assert_ne!((fault.inject)(SEED), SEED, "{} does not apply", fault.name);
    }
}

#[test]
fn a_crlf_file_keeps_crlf_and_its_mode_through_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o_tasking_request.json");
    // Closing the ring writes a position on a line of its own.
    let text = (FAULTS[1].inject)(SEED).replace('\n', "\r\n");
    std::fs::write(&path, &text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tasking-ls"))
        .args(["validate", "--offline", "--fix"])
        .arg(&path)
        .env("XDG_CACHE_HOME", dir.path().join(".cache"))
        .output()
        .unwrap();
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains("[-79.4387, 9.0727],\r\n          [-79.6418, 9.0727]\r\n"),
        "{fixed:?}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(only(&fixed, "\r\n"), "{fixed:?}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // Nothing left behind in the folder.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().contains(".tmp")),
        "{names:?}"
    );
}
