//! Code actions.
use crate::check::{Diagnostic, Edit};
use crate::document::{Document, TextRange};
use crate::schema::SchemaStore;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind { QuickFix }
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction { pub title: String, pub kind: ActionKind, pub edits: Vec<Edit>, pub diagnostics: Vec<usize>, pub preferred: bool }
pub fn code_actions(_doc: &Document, _store: &SchemaStore, _d: &[Diagnostic], _r: TextRange) -> Vec<CodeAction> { vec![] }
