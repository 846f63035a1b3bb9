//! Code actions: the fixes the checks attached to each diagnostic in a range, the
//! conversions of a pasted geometry (`paste.rs`), and two combined ones, "Add all missing
//! required properties" and "Fix all auto-fixable problems".

use std::collections::BTreeSet;

use super::request::Request;
use crate::check::edits::indentation_at;
use crate::check::{suggest, suggested_value, Code, Diagnostic, Edit};
use crate::document::{Document, Node, PathSegment, TextRange};
use crate::schema::SchemaStore;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    QuickFix,
    RefactorRewrite,
    Source,
    SourceFixAll,
}

impl ActionKind {
    /// The LSP `CodeActionKind` string.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::QuickFix => "quickfix",
            ActionKind::RefactorRewrite => "refactor.rewrite",
            ActionKind::Source => "source",
            ActionKind::SourceFixAll => "source.fixAll",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: ActionKind,
    /// Non-overlapping edits, in document order.
    pub edits: Vec<Edit>,
    /// Indexes into the diagnostics given to [`code_actions`] that this action fixes.
    pub diagnostics: Vec<usize>,
    /// The one an editor may apply without asking.
    pub preferred: bool,
}

/// The actions for `range`: each fix of each diagnostic whose range intersects or touches it,
/// then "Add all missing required properties" (when at least two are missing and one of
/// their diagnostics is in range), then "Fix all auto-fixable problems" over the document.
pub fn code_actions(
    doc: &Document,
    store: &SchemaStore,
    diagnostics: &[Diagnostic],
    range: TextRange,
) -> Vec<CodeAction> {
    let touches = |d: &Diagnostic| d.range.start <= range.end && range.start <= d.range.end;
    let mut actions = Vec::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if !touches(diagnostic) {
            continue;
        }
        // A deferred fix has no edits: the caller checks again with costly fixes first.
        for fix in diagnostic.fixes.iter().filter(|f| !f.deferred) {
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|e| (e.range.start, e.range.end));
            actions.push(CodeAction {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits,
                diagnostics: vec![index],
                preferred: fix.preferred,
            });
        }
    }
    if let Some(action) = add_missing_required(doc, store, diagnostics) {
        if action.diagnostics.iter().any(|&i| touches(&diagnostics[i])) {
            actions.push(action);
        }
    }
    actions.extend(
        super::paste::actions(doc, diagnostics, range)
            .into_iter()
            .map(|c| CodeAction {
                title: c.title,
                kind: ActionKind::QuickFix,
                edits: vec![c.edit],
                diagnostics: c.diagnostics,
                preferred: false,
            }),
    );
    if let Some(action) = fix_all(diagnostics) {
        actions.push(action);
    }
    // The combined actions build their own text: in the document's line ending too.
    let ending = doc.line_ending();
    for edit in actions.iter_mut().flat_map(|a| a.edits.iter_mut()) {
        if let std::borrow::Cow::Owned(text) =
            crate::document::with_line_ending(&edit.new_text, ending)
        {
            edit.new_text = text;
        }
    }
    actions
}

/// One edit inserting every missing required property of `params` with its suggested value.
fn add_missing_required(
    doc: &Document,
    store: &SchemaStore,
    diagnostics: &[Diagnostic],
) -> Option<CodeAction> {
    let request = Request::new(doc, store);
    let schema = request.schema.as_ref()?;
    let params = request.root?.get("params")?;
    let members = params.members()?;
    let mut names = Vec::new();
    let mut fixed = BTreeSet::new();
    // What the validator calls missing, branch requirements included.
    for name in suggest::missing_required(schema, &super::completion::params_of(&request)) {
        if members.iter().any(|m| m.key.name == name) {
            continue;
        }
        // Only what the checks call missing: in the current form `geometry` lives elsewhere.
        let quoted = format!("'{name}'");
        let found: Vec<usize> = diagnostics
            .iter()
            .enumerate()
            .filter(|(_, d)| d.code == Code::SchemaRequired && d.message.contains(&quoted))
            .map(|(i, _)| i)
            .collect();
        if !found.is_empty() {
            fixed.extend(found);
            names.push(name);
        }
    }
    if names.len() < 2 {
        return None;
    }
    // Each value accepted by the check given the ones added before it (a branch may depend
    // on them); a placeholder of the right type only when none of ours is accepted.
    let mut params_now = super::completion::params_of(&request);
    let now = chrono::Utc::now();
    let entries: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            let path = [PathSegment::Key(name.clone())];
            let value = match suggest::suggested(schema, &params_now, &path, now) {
                Some(value) => value,
                None => schema
                    .field(name)
                    .and_then(|f| serde_json::from_str(&suggested_value(&f)).ok())
                    .unwrap_or(serde_json::Value::Null),
            };
            if let serde_json::Value::Object(map) = &mut params_now {
                map.insert(name.clone(), value.clone());
            }
            (name.clone(), value.to_string())
        })
        .collect();
    Some(CodeAction {
        title: format!("Add all missing required properties ({})", names.join(", ")),
        kind: ActionKind::QuickFix,
        edits: vec![insert_members(doc, params, &entries)],
        diagnostics: fixed.into_iter().collect(),
        preferred: false,
    })
}

/// Inserts `"key": value` members at the end of an object, each on its own line, indented
/// like the existing members.
fn insert_members(doc: &Document, object: &Node, entries: &[(String, String)]) -> Edit {
    let lines = |indent: &str| -> Vec<String> {
        entries
            .iter()
            .map(|(key, value)| {
                let key = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
                format!("{indent}{key}: {value}")
            })
            .collect()
    };
    match object.members().and_then(<[_]>::last) {
        Some(last) => {
            let indent = indentation_at(doc, last.range.start as usize);
            Edit {
                range: TextRange::empty(last.range.end as usize),
                new_text: format!(",\n{}", lines(&indent).join(",\n")),
            }
        }
        None => {
            let open = object.range.start as usize;
            let indent = indentation_at(doc, open);
            Edit {
                range: TextRange::empty(open + 1),
                new_text: format!("\n{}\n{indent}", lines(&format!("{indent}  ")).join(",\n")),
            }
        }
    }
}

/// The preferred fix of every diagnostic, skipping any whose edits overlap (or insert at the
/// same place as) edits already taken.
fn fix_all(diagnostics: &[Diagnostic]) -> Option<CodeAction> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut fixed = Vec::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let Some(fix) = diagnostic.fixes.iter().find(|f| f.preferred) else {
            continue;
        };
        let clashes = fix.edits.iter().any(|new| {
            edits.iter().any(|old| {
                new.range.start < old.range.end && old.range.start < new.range.end
                    || new.range.start == old.range.start
                    || (new.range.is_empty() || old.range.is_empty())
                        && new.range.start <= old.range.end
                        && old.range.start <= new.range.end
            })
        });
        if clashes {
            continue;
        }
        edits.extend(fix.edits.iter().cloned());
        fixed.push(index);
    }
    if fixed.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Some(CodeAction {
        title: format!(
            "Fix all auto-fixable problems ({} fix{})",
            fixed.len(),
            if fixed.len() == 1 { "" } else { "es" }
        ),
        kind: ActionKind::SourceFixAll,
        edits,
        diagnostics: fixed,
        preferred: false,
    })
}
