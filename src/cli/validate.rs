//! `tasking-ls validate`: find the request files, check them in parallel, print the findings.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::format::{self, Format, Report};
use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::check::{check_document, CheckOptions, Code, Diagnostic, Severity};
use crate::document::{Document, LineIndex, TextRange};
use crate::schema::SchemaStore;

/// The file-name suffix that marks an order request when a directory is walked.
pub const REQUEST_SUFFIX: &str = "_tasking_request.json";

#[derive(Clone, Debug)]
pub struct ValidateArgs {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub strict: bool,
    /// `product.unknown` stays a warning (by default it is an error, so that CI does not
    /// pass having checked no `params`).
    pub allow_unknown_products: bool,
}

/// One checked file.
pub struct FileResult {
    /// The path as given or found; `-` for stdin.
    pub path: String,
    /// The text and line index, kept only when there is something to report on them.
    source: Option<(String, LineIndex)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(args: &ValidateArgs, store: &SchemaStore) -> i32 {
    let (sources, mut failures) = collect_sources(&args.paths);
    let mut options = CheckOptions::new(store);
    options.unknown_product_is_error = !args.allow_unknown_products;
    let mut results: Vec<Result<FileResult, String>> = sources
        .par_iter()
        .map(|source| validate_source(source, &options))
        .collect();
    let mut checked = Vec::with_capacity(results.len());
    for result in results.drain(..) {
        match result {
            Ok(file) => checked.push(file),
            Err(message) => failures.push(message),
        }
    }
    checked.sort_by(|a, b| a.path.cmp(&b.path));
    failures.sort();
    let report = Report { files: &checked };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(error) = format::write(&mut out, args.format, &report) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("tasking-ls: cannot write the report: {error}");
        }
        return EXIT_FAILURE;
    }
    for failure in &failures {
        eprintln!("tasking-ls: {failure}");
    }
    if !failures.is_empty() {
        return EXIT_FAILURE;
    }
    let failing = |d: &Diagnostic| d.severity == Severity::Error || args.strict;
    if checked.iter().any(|f| f.diagnostics.iter().any(failing)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

enum Source {
    Stdin,
    File(PathBuf),
}

/// The files to check, sorted, and the paths that could not be read as errors.
fn collect_sources(paths: &[PathBuf]) -> (Vec<Source>, Vec<String>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut stdin = false;
    let defaults = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
        } else if path.is_dir() {
            walk(path, &mut files, &mut failures);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            failures.push(format!("{}: no such file or directory", path.display()));
        }
    }
    files.sort();
    files.dedup();
    let mut sources: Vec<Source> = files.into_iter().map(Source::File).collect();
    if stdin {
        sources.insert(0, Source::Stdin);
    }
    (sources, failures)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, failures: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            failures.push(format!("{}: cannot read directory: {error}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                walk(&path, files, failures);
            }
        } else if name.ends_with(REQUEST_SUFFIX) {
            files.push(path);
        }
    }
}

fn validate_source(source: &Source, options: &CheckOptions<'_>) -> Result<FileResult, String> {
    let (path, bytes) = match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("-: cannot read standard input: {e}"))?;
            ("-".to_string(), bytes)
        }
        Source::File(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{}: cannot read file: {e}", path.display()))?;
            (path.display().to_string(), bytes)
        }
    };
    Ok(check_bytes(path, bytes, options))
}

impl FileResult {
    fn new(path: String, document: Document, diagnostics: Vec<Diagnostic>) -> Self {
        // Thousands of clean files need not keep their trees and texts until the report.
        let source = (!diagnostics.is_empty()).then(|| document.into_text_and_index());
        FileResult {
            path,
            source,
            diagnostics,
        }
    }

    pub fn text(&self) -> &str {
        self.source.as_ref().map_or("", |(text, _)| text)
    }

    pub fn line_index(&self) -> &LineIndex {
        static EMPTY: std::sync::OnceLock<LineIndex> = std::sync::OnceLock::new();
        self.source.as_ref().map_or_else(
            || EMPTY.get_or_init(|| LineIndex::new("")),
            |(_, index)| index,
        )
    }
}

/// Checks a file's bytes; text that is not UTF-8 is reported at the first bad byte.
pub fn check_bytes(path: String, bytes: Vec<u8>, options: &CheckOptions<'_>) -> FileResult {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let document = Document::new(text);
            let diagnostics = check_document(&document, options);
            FileResult::new(path, document, diagnostics)
        }
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bad_byte = error.as_bytes()[valid_up_to];
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first invalid one.
            let document = Document::new(text);
            let at = valid_up_to.min(document.text().len());
            let end = document.text()[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::Syntax,
                TextRange::new(at, end),
                format!("the file is not UTF-8 text (byte 0x{bad_byte:02X} at offset {valid_up_to}); JSON must be UTF-8"),
            );
            FileResult::new(path, document, vec![diagnostic])
        }
    }
}
