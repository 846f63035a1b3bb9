//! The house rules, checked on the source tree (ARCHITECTURE.md, "Layers"): the language
//! server's modules import `state`, never `server`, and never each other in a circle;
//! nothing under `src/lsp` imports `crate::cli` (nor `src/cli` `crate::lsp`); the core
//! (`document`, `schema`, `check`, `ide`) imports no adapter, no LSP type and no network
//! crate; and ARCHITECTURE.md names every module file of the tree, and no file that is gone.
//!
//! The imports are read from the text (`use` items and inline paths), which is what a reader
//! sees; a `mod` declaration is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a source file: `src/lsp/commands/submit.rs` -> `["lsp", "commands",
/// "submit"]`; `mod.rs` and `lib.rs` name their directory.
fn module_path(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The text without comments, so that a doc line naming a module is not an import.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a file refers to: `super::x`, `crate::a::b`, also inside `use` groups
/// (`use super::{a, b::c}`), each resolved to an absolute path of at most `depth` segments.
fn references(file: &Path, depth: usize) -> BTreeSet<Vec<String>> {
    let code = code_of(&std::fs::read_to_string(file).unwrap());
    let here = module_path(file);
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, _) in code
        .match_indices("super::")
        .chain(code.match_indices("crate::"))
    {
        // Only at the start of a path (not `foo::super::`, which Rust does not allow anyway).
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b':') {
            continue;
        }
        let mut rest = &code[start..];
        let mut base: Vec<String> = here.clone();
        if rest.starts_with("crate::") {
            base.clear();
            rest = &rest["crate::".len()..];
        } else {
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
        }
        for tail in expand(rest) {
            let mut path = base.clone();
            path.extend(tail);
            path.truncate(depth);
            found.insert(path);
        }
    }
    found
}

/// The paths a reference continues with: `a::b` -> `[a, b]`; `{a, b::c}` -> `[a], [b, c]`.
fn expand(rest: &str) -> Vec<Vec<String>> {
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut end = group.len();
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        let inner = &group[..end];
        let mut items = Vec::new();
        let mut depth = 0;
        let mut from = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[from..]);
        return items
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .flat_map(expand)
            .collect();
    }
    let mut segments = Vec::new();
    let mut rest = rest;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let segment = &rest[..end];
        if segment.is_empty() || segment == "self" {
            break;
        }
        segments.push(segment.to_string());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(r) if r.starts_with('{') => {
                let group = expand(r);
                return group
                    .into_iter()
                    .map(|g| segments.iter().cloned().chain(g).collect())
                    .collect();
            }
            Some(r) => rest = r,
            None => break,
        }
    }
    vec![segments]
}

/// The unit a module of `src/lsp` belongs to: `lsp::commands::submit` -> `commands`; the
/// root `lsp` itself -> `lsp`.
fn lsp_unit(path: &[String]) -> Option<String> {
    match path {
        [first] if first == "lsp" => Some("lsp".into()),
        [first, second, ..] if first == "lsp" => Some(second.clone()),
        _ => None,
    }
}

/// The import graph of `src/lsp` between its units (the root and its direct children).
fn lsp_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&root().join("src/lsp")) {
        let from = lsp_unit(&module_path(&file)).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for target in references(&file, 2) {
            if let Some(to) = lsp_unit(&target) {
                // A unit's files refer to each other and to the root's items freely.
                if to != from {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

#[test]
fn no_lsp_module_imports_server() {
    let graph = lsp_graph();
    let offenders: Vec<&String> = graph
        .iter()
        .filter(|(_, to)| to.contains("server"))
        .map(|(from, _)| from)
        .collect();
    assert!(
        offenders.is_empty(),
        "these src/lsp modules import server.rs (import `state` instead): {offenders:?}"
    );
}

#[test]
fn no_import_cycle_in_lsp() {
    let graph = lsp_graph();
    // Depth-first search for a back edge; the cycle is printed as a path.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "import cycle under src/lsp: {} (pass a callback or go through `state`)",
                cycle.join(" -> ")
            );
        }
    }
    // The shape the house rests on: state imports no handler.
    let state = &graph["state"];
    for handler in [
        "analysis",
        "commands",
        "features",
        "fetch",
        "lifecycle",
        "sync",
    ] {
        assert!(
            !state.contains(handler),
            "state imports the handler {handler}"
        );
    }
}

/// The import graph inside one room (a folder of `src`): its units are the room's direct
/// children (a file, or a sub-folder with everything below it), and a unit imports another
/// when any of its files refers to a module path inside the other. A room's own `mod.rs`
/// is left out: it declares and re-exports its children, which refer back to its items.
fn room_graph(room: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let base = if room == root().join("src") {
        Vec::new()
    } else {
        module_path(&room.join("mod.rs"))
    };
    let unit_of = |path: &[String]| -> Option<String> {
        (path.len() > base.len() && path[..base.len()] == base[..])
            .then(|| path[base.len()].clone())
            .filter(|unit| !matches!(unit.as_str(), "main" | "lib"))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(room) {
        let Some(from) = unit_of(&module_path(&file)) else {
            continue;
        };
        let edges = graph.entry(from.clone()).or_default();
        for target in references(&file, base.len() + 1) {
            if let Some(to) = unit_of(&target) {
                if to != from {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// A circle in `graph`, as a path that ends where it starts.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// No two module files (or folders) of one room import each other, directly or round a
/// longer circle: in every folder of `src`, the files and sub-folders form a graph without
/// cycles, so each can be read knowing only what it imports.
#[test]
fn no_import_circle_in_any_room() {
    let mut rooms = vec![root().join("src")];
    let mut circles = Vec::new();
    while let Some(room) = rooms.pop() {
        for entry in std::fs::read_dir(&room).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rooms.push(path);
            }
        }
        if let Some(cycle) = find_cycle(&room_graph(&room)) {
            circles.push(format!(
                "{}: {}",
                room.strip_prefix(root()).unwrap().display(),
                cycle.join(" -> ")
            ));
        }
    }
    circles.sort();
    assert!(
        circles.is_empty(),
        "import circles (move what both need into a module of its own, or pass a callback): \
         {circles:#?}"
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let mut acyclic = graph.clone();
    acyclic.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&acyclic), None);
}

/// Files below `dir` that refer to any of `forbidden` (module paths from the crate root, or
/// external crate names used as `name::`), with what they refer to.
fn offenders(dir: &str, forbidden: &[&str], crates: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for file in rust_files(&root().join(dir)) {
        for target in references(&file, 1) {
            if let Some(first) = target.first() {
                if forbidden.contains(&first.as_str()) {
                    out.push(format!("{} -> crate::{first}", file.display()));
                }
            }
        }
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for name in crates {
            let needle = format!("{name}::");
            let used = code.match_indices(&needle).any(|(i, _)| {
                i == 0 || !matches!(code.as_bytes()[i - 1], b'_' | b':' | b'a'..=b'z')
            });
            if used {
                out.push(format!("{} -> {name}", file.display()));
            }
        }
    }
    out
}

#[test]
fn lsp_and_cli_do_not_import_each_other() {
    let lsp = offenders("src/lsp", &["cli"], &[]);
    assert!(lsp.is_empty(), "src/lsp imports crate::cli: {lsp:#?}");
    let cli = offenders("src/cli", &["lsp"], &["tower_lsp_server", "ls_types"]);
    assert!(
        cli.is_empty(),
        "src/cli imports the language server: {cli:#?}"
    );
}

#[test]
fn the_core_imports_no_adapter() {
    for layer in [
        "src/document",
        "src/schema",
        "src/check",
        "src/ide",
        "src/render",
        "src/feasibility",
        "src/aoi",
    ] {
        let found = offenders(
            layer,
            &["lsp", "cli", "api"],
            &["tower_lsp_server", "ls_types", "reqwest", "tokio"],
        );
        assert!(found.is_empty(), "{layer} must stay pure: {found:#?}");
    }
}

#[test]
fn architecture_md_names_every_module() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for file in rust_files(&root().join("src")) {
        let relative = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // A directory module may be named by its directory (`src/lsp/commands/`).
        let named = map.contains(&format!("`{relative}`"))
            || (relative.ends_with("/mod.rs")
                && map.contains(&format!("`{}`", relative.trim_end_matches("mod.rs"))));
        if !named {
            missing.push(relative);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name these modules (add a line under \"Where each feature \
         lives\"): {missing:#?}"
    );
    // And the other way: every `src/…` path it names exists.
    let mut gone = Vec::new();
    for (start, _) in map.match_indices("`src/") {
        let rest = &map[start + 1..];
        let path = &rest[..rest.find('`').unwrap_or(rest.len())];
        if !root().join(path).exists() {
            gone.push(path.to_string());
        }
    }
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {gone:#?}"
    );
}

#[test]
fn the_reader_sees_what_the_compiler_sees() {
    // The checks above are only as good as `references`: pin its behaviour on the shapes
    // the tree uses.
    let expand_all = |s: &str| expand(s);
    assert_eq!(
        expand_all("{analysis::recheck_all, fetch::{self, describe}};"),
        vec![
            vec!["analysis".to_string(), "recheck_all".into()],
            vec!["fetch".to_string()],
            vec!["fetch".to_string(), "describe".into()],
        ]
    );
    assert_eq!(
        expand_all("state::Backend;"),
        vec![vec!["state".to_string(), "Backend".into()]]
    );
    let graph = lsp_graph();
    assert!(graph["server"].contains("state"), "{graph:#?}");
    assert!(graph["commands"].contains("fetch"), "{graph:#?}");
}

/// The checks and the editor features are provider-neutral (ARCHITECTURE.md, "Providers"):
/// no provider's name appears in `src/check` or `src/ide`, in code or in comments; what is
/// provider-specific lives in `api/`, `cli/` and `config/`, and reaches the core as neutral
/// data (`schema::SearchProduct`, the product schemas).
#[test]
fn check_and_ide_name_no_provider() {
    let mut found = Vec::new();
    for layer in ["src/check", "src/ide"] {
        for file in rust_files(&root().join(layer)) {
            // The rules reference cites its sources, providers' pages among them: a citation,
            // not a behaviour.
            if file.ends_with("src/check/rules.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap().to_lowercase();
            for name in ["stapi", "up42"] {
                for (line, content) in text.lines().enumerate() {
                    if content.contains(name) {
                        found.push(format!("{}:{}: {name}", file.display(), line + 1));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "provider names in the neutral core: {found:#?}"
    );
}
