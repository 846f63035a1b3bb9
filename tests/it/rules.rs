//! The rules reference (`src/check/rules.rs`): every code has an entry, every entry's example
//! triggers its code in the real checker, `tasking-ls rule` prints each one, `docs/rules.md`
//! is exactly `tasking-ls rule --all --format markdown`, and the editor (`codeDescription`)
//! and SARIF (`helpUri`) link to the entry.

use std::path::Path;

use serde_json::{json, Value};
use tasking_ls::check::rules::{self, SEED};
use tasking_ls::check::{check_document, CheckOptions, Code};
use tasking_ls::document::Document;
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SchemaStore};

use crate::support::cli::{run_in_home, text};
use crate::support::lsp_client::{started, uri};

fn codes_of(text: &str, schema: Option<(&str, &str)>) -> Vec<Code> {
    codes_of_example(text, schema, None, None)
}

/// The codes of an example; with `queryables`, as a search-style order of a product with
/// those queryables (and an options schema that accepts anything).
fn codes_of_example(
    text: &str,
    schema: Option<(&str, &str)>,
    queryables: Option<&str>,
    config: Option<&str>,
) -> Vec<Code> {
    let mut store = SchemaStore::bundled();
    if let Some((id, schema)) = schema {
        let schema: Value = serde_json::from_str(schema).expect("the example schema is JSON");
        store.insert(ProductSchema::new(id, schema, SchemaOrigin::Bundled));
    }
    let product = queryables.map(|queryables| tasking_ls::schema::SearchProduct {
        id: "example".to_string(),
        title: String::new(),
        options: Some(ProductSchema::new(
            "example",
            serde_json::json!({"type": "object"}),
            SchemaOrigin::Bundled,
        )),
        queryables: Some(ProductSchema::new(
            "example#queryables",
            serde_json::from_str(queryables).expect("the example queryables are JSON"),
            SchemaOrigin::Bundled,
        )),
        geometry_types: None,
        unavailable: None,
    });
    let overrides = config.map(|text| {
        tasking_ls::check::aoi::limits::parse_overrides(text).expect("the example config parses")
    });
    let mut options = CheckOptions::new(&store);
    options.search_product = product.as_ref();
    options.rule_overrides = overrides.as_ref();
    // Before every example's dates, after `dates.past`'s.
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let doc = Document::new(text);
    check_document(&doc, &options)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn every_code_has_an_entry() {
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| rules::rule(**code).is_none())
        .map(|code| code.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "these codes have no entry in the rules reference: {missing:?}. Add one to `rule()` in \
         src/check/rules.rs (what it checks, why with its source, an example, its fixes), then \
         regenerate docs/rules.md: UPDATE_DOCS=1 cargo test rules"
    );
}

#[test]
fn the_seed_of_the_examples_is_clean() {
    assert_eq!(codes_of(SEED, None), []);
}

#[test]
fn every_example_triggers_its_code() {
    let mut wrong = Vec::new();
    for code in Code::ALL {
        let Some(rule) = rules::rule(code) else {
            continue;
        };
        // The pass search needs element sets, which `check_document` never reads: its
        // example is checked with test-made elements in `check_feasibility.rs`.
        if code == Code::FeasibilityPasses {
            continue;
        }
        assert!(
            rule.example.base().contains(rule.example.replace),
            "{code}: the example's `replace` text {:?} is not in the seed",
            rule.example.replace
        );
        let found = codes_of_example(
            &rule.example.text(),
            rule.example.schema,
            rule.example.queryables,
            rule.example.config,
        );
        if !found.contains(&code) {
            wrong.push(format!("{code}: its example gives {found:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_entry_names_a_source_and_its_anchor_is_its_heading() {
    for code in Code::ALL {
        let Some(rule) = rules::rule(code) else {
            continue;
        };
        assert!(!rule.sources.is_empty(), "{code} names no source");
        for source in rule.sources {
            assert!(source.url.starts_with("https://"), "{code}: {}", source.url);
        }
        assert!(!rule.checks.is_empty() && !rule.why.is_empty() && !rule.fixes.is_empty());
        // GitHub's heading anchor: lowercase, punctuation other than `-` and `_` dropped.
        let anchor: String = code
            .as_str()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert_eq!(rule.anchor(), anchor);
        assert_eq!(rule.url(), format!("{}#{anchor}", rules::RULES_URL));
    }
}

fn run(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    run_in_home(home.path(), args, &[])
}

#[test]
fn rule_prints_every_code_as_text_and_json() {
    for code in Code::ALL {
        let Some(rule) = rules::rule(code) else {
            continue;
        };
        let output = run(&["rule", code.as_str()]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(0), "{shown}");
        assert!(
            shown.starts_with(&format!("{code} ({})\n", code.severity().as_str())),
            "{shown}"
        );
        for part in [code.description(), rule.sources[0].url, &rule.url()] {
            assert!(
                shown.contains(part),
                "{code}: {part:?} missing from\n{shown}"
            );
        }
        // The example is printed whole (indented), so it can be copied into a file.
        for line in rule.example.text().lines() {
            assert!(shown.contains(&format!("  {line}\n")), "{code}: {line:?}");
        }

        let output = run(&["rule", code.as_str(), "--format", "json"]);
        assert_eq!(output.status.code(), Some(0));
        let value: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(value["code"], code.as_str());
        assert_eq!(value["severity"], code.severity().as_str());
        assert_eq!(value["url"], rule.url());
        assert_eq!(value["example"]["order"], rule.example.text());
        assert_eq!(value["sources"][0]["url"], rule.sources[0].url);
    }
}

#[test]
fn rule_all_lists_every_code_and_an_unknown_code_is_a_usage_error() {
    let output = run(&["rule", "--all", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let listed: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, all);

    let output = run(&["rule", "schema.requird"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("did you mean `schema.required`?"),
        "{}",
        text(&output)
    );
    let output = run(&["rule"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

/// docs/rules.md is generated: `tasking-ls rule --all --format markdown > docs/rules.md`,
/// or `UPDATE_DOCS=1 cargo test rules` (this test rewrites it then).
#[test]
fn docs_rules_md_is_current() {
    let output = run(&["rule", "--all", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let generated = String::from_utf8(output.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/rules.md is stale: regenerate it with `UPDATE_DOCS=1 cargo test rules` (or \
         `cargo run -- rule --all --format markdown > docs/rules.md`)"
    );
    for code in Code::ALL {
        assert!(on_disk.contains(&format!("\n## {code}\n")), "{code}");
    }
}

#[test]
fn sarif_rules_carry_the_entry_as_help_uri() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bad_tasking_request.json");
    std::fs::write(
        &file,
        SEED.replace("\"cloudCoverage\": 10", "\"cloudCoverage\": 150"),
    )
    .unwrap();
    let output = run_in_home(
        home.path(),
        &[
            "validate",
            "--offline",
            "--format",
            "sarif",
            file.to_str().unwrap(),
        ],
        &[],
    );
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules_listed = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules_listed.len(), Code::ALL.len());
    for rule in rules_listed {
        let code = Code::parse(rule["id"].as_str().unwrap()).unwrap();
        assert_eq!(rule["helpUri"], rules::url(code), "{rule}");
    }
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "schema.range");
}

#[test]
fn lsp_diagnostics_link_to_their_entry() {
    let mut client = started();
    let uri = uri("linked_tasking_request.json");
    client.open(
        &uri,
        &SEED.replace("\"cloudCoverage\": 10", "\"cloudCoverage\": 150"),
    );
    let published = client.diagnostics(&uri, 1);
    let range = published.with_code("schema.range");
    assert_eq!(range.len(), 1, "{:?}", published.diagnostics);
    assert_eq!(
        range[0]["codeDescription"],
        json!({"href": rules::url(Code::SchemaRange)})
    );
    for diagnostic in &published.diagnostics {
        let code = Code::parse(diagnostic["code"].as_str().unwrap()).unwrap();
        assert_eq!(diagnostic["codeDescription"]["href"], rules::url(code));
    }
    client.shutdown_and_exit();
}
