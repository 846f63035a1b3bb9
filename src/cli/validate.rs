//! `tasking-ls validate`: find the request files (the walk), check them in parallel, apply or
//! show fixes, print the findings.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::fix;
use super::format::{self, FilePart, Format, Summary};
use super::output::{ColorChoice, Output};
use super::report::{check_bytes, FileResult};
use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::check::{check_document, CheckOptions, Severity};
use crate::config::{FilePatterns, FileSettings, NearestConfig};
use crate::document::Document;
use crate::schema::SchemaStore;

/// The file-name suffix that marks an order request when a directory is walked by default.
pub const REQUEST_SUFFIX: &str = "_tasking_request.json";

/// The largest file `validate` reads (256 MiB). A bigger file is reported, not read; a file
/// that grows past it while being read is cut there and reported.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Everything `validate` was asked to do; flags already resolved over the configuration file.
#[derive(Clone, Debug, Default)]
pub struct ValidateArgs {
    /// Files, folders, or `-` for standard input; none means the current folder.
    pub paths: Vec<PathBuf>,
    pub format: Format,
    /// Apply every preferred fix, then report what remains.
    pub fix: bool,
    /// Print the preferred fixes as a unified diff; change nothing.
    pub diff: bool,
    /// Only the findings: no summary line.
    pub quiet: bool,
    /// Write the report to this file instead of standard output.
    pub output_file: Option<PathBuf>,
    pub color: ColorChoice,
    /// The name standard input is reported under (and matched against the patterns with).
    pub stdin_filename: Option<String>,
    /// Exit 0 even when findings would fail the run (I/O failures still exit 2).
    pub exit_zero: bool,
    /// `product.unknown` stays a warning (by default it is an error, so that CI does not
    /// pass having checked no `params`).
    pub allow_unknown_products: bool,
    /// Each path's settings (lint rules, strictness, file patterns, exclude): its nearest
    /// `tasking-ls.toml` under the flags, or the one `--config` file.
    pub config: Arc<NearestConfig>,
    /// `--force-exclude`: `exclude` applies to paths named on the command line too (ruff's
    /// meaning), so that pre-commit, which names each staged file, skips excluded ones.
    pub force_exclude: bool,
    /// Write a PNG preview of each order with errors into this folder (`--preview-dir`).
    pub preview_dir: Option<PathBuf>,
    /// The search-style (STAPI) order files: walked too, each checked for its product.
    pub search: crate::config::stapi::SearchFiles,
    /// `--passes`: also run the pass search on each order (`feasibility.passes`), with the
    /// element files of its nearest `tasking-ls.toml` and this element cache; `None` (the
    /// default) keeps `validate` free of orbit propagation.
    pub passes: Option<PassSearch>,
}

/// What `validate --passes` reads the element sets from, besides each order's configured
/// `[feasibility] elements` files.
#[derive(Clone, Debug, Default)]
pub struct PassSearch {
    /// The element cache (`tasking-ls elements import|update`).
    pub cache: Option<crate::config::elements::ElementCache>,
}

/// Runs `validate`; returns the exit status.
pub fn run(args: &ValidateArgs, store: &SchemaStore) -> i32 {
    let mut options = CheckOptions::new(store);
    options.unknown_product_is_error = !args.allow_unknown_products;
    // The simplify fix is computed only by `--fix`/`--diff` (fix_text), not to report.
    options.costly_fixes = false;
    let keep = keeps_results(args);
    let check = |source: &Source| -> Result<Checked, String> {
        let result = validate_source(source, &options, args)?;
        Ok(if keep {
            Checked::kept(result)
        } else {
            Checked::rendered(result, args.format)
        })
    };
    let (mut failures, mut checked) = match streamed_folder(args) {
        Some(folder) => match check_folder(folder, args, &check) {
            Ok(done) => done,
            Err(status) => return status,
        },
        None => match check_sources(args, &check) {
            Ok(done) => done,
            Err(status) => return status,
        },
    };
    checked.sort_by(|a, b| a.path.cmp(&b.path));
    if keep {
        let files: Vec<FileResult> = checked
            .iter_mut()
            .filter_map(|c| c.result.take().map(|r| *r))
            .collect();
        if args.diff {
            return match write_diffs(args, &files) {
                Ok(changes) if !failures.is_empty() => {
                    let _ = changes;
                    EXIT_FAILURE
                }
                Ok(0) => EXIT_OK,
                Ok(_) if args.exit_zero => EXIT_OK,
                Ok(_) => EXIT_FINDINGS,
                Err(error) => write_failed(&error),
            };
        }
        if args.fix {
            if let Err(message) = write_fixes(&files) {
                eprintln!("tasking-ls: {message}");
                failures.push(message);
            }
        }
        if let Some(dir) = &args.preview_dir {
            failures.extend(write_previews(dir, &files, store));
        }
        let parts: Vec<FilePart> = files
            .par_iter()
            .map(|file| format::render(args.format, file))
            .collect();
        for (checked, part) in checked.iter_mut().zip(parts) {
            checked.part = part;
        }
    }
    let summary = Summary {
        files: checked.len(),
        quiet: args.quiet,
        fixed: args.fix,
    };
    // JSON, GitLab and SARIF reports escape control characters themselves.
    let escaped = matches!(args.format, Format::Json | Format::Gitlab | Format::Sarif);
    let opened = if escaped {
        Output::unstripped(args.output_file.as_deref())
    } else {
        Output::open(args.output_file.as_deref(), args.color)
    };
    let mut out = match opened {
        Ok(out) => out,
        Err(message) => {
            eprintln!("tasking-ls: {message}");
            return EXIT_FAILURE;
        }
    };
    // With `--fix` on stdin the fixed text owns standard output; the report goes to stderr.
    let stdin_fix = args.fix && args.output_file.is_none() && has_stdin(args);
    if stdin_fix {
        out = Output::stderr(args.color);
    }
    if let Err(error) = format::write_parts(
        &mut out,
        args.format,
        checked.iter().map(|c| &c.part),
        summary,
    )
    .and_then(|()| out.finish())
    {
        return write_failed(&error);
    }
    if !failures.is_empty() {
        return EXIT_FAILURE;
    }
    if !args.exit_zero && checked.iter().any(|c| c.failing) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Whether the whole results are kept until every file is checked: `--fix`, `--diff` and
/// `--preview-dir` need the texts then. Otherwise the thread that checks a file renders its
/// part of the report and lets go of the text: the report is not written from 10,000 kept
/// texts on one thread at the end.
fn keeps_results(args: &ValidateArgs) -> bool {
    args.fix || args.diff || args.preview_dir.is_some()
}

/// The folder `validate` checks as it walks it: the only path given, a folder, with no
/// `--force-exclude` and nothing that needs the files in order before the report (`--fix`,
/// `--diff`, `--preview-dir`). The walk then runs on the pool's threads between checks
/// instead of before them all (on 10,000 files it was 13 ms with both cores but one idle).
fn streamed_folder(args: &ValidateArgs) -> Option<&Path> {
    let [path] = &args.paths[..] else {
        return None;
    };
    let plain = !(args.force_exclude || keeps_results(args));
    (plain && path.as_os_str() != "-" && path.is_dir()).then_some(path.as_path())
}

/// Walks `folder` and checks each file found as soon as a thread of the pool is free; the
/// failures (the walk's, sorted, then the reads', sorted) are printed and returned with the
/// checked files, in no order. `Err` is the exit status when nothing could be checked.
fn check_folder(
    folder: &Path,
    args: &ValidateArgs,
    check: &(dyn Fn(&Source) -> Result<Checked, String> + Sync),
) -> Result<(Vec<String>, Vec<Checked>), i32> {
    enum Found {
        Checked(Checked),
        Unread(String),
        Unused(String),
    }
    // Gathered as the threads' own lists, then moved once into buffers of the exact size: a
    // buffer grown by doubling to 10,000 entries lands in fresh memory at each step.
    let found = walk_entries(folder, args)
        .par_bridge()
        .map(|entry| match entry {
            Ok((path, settings)) => match check(&Source::File(path, settings)) {
                Ok(checked) => Found::Checked(checked),
                Err(message) => Found::Unread(message),
            },
            Err(message) => Found::Unused(message),
        })
        .collect_vec_list();
    let total = found.iter().map(Vec::len).sum();
    let (mut unused, mut unread, mut checked) = (Vec::new(), Vec::new(), Vec::with_capacity(total));
    for item in found.into_iter().flatten() {
        match item {
            Found::Checked(file) => checked.push(file),
            Found::Unread(message) => unread.push(message),
            Found::Unused(message) => unused.push(message),
        }
    }
    // One message per configuration file that could not be read, not one per file under it.
    unused.sort();
    unused.dedup();
    unread.sort();
    for failure in &unused {
        eprintln!("tasking-ls: {failure}");
    }
    if checked.is_empty() && unread.is_empty() {
        if let Ok(settings) = args.config.for_path(folder) {
            eprintln!(
                "tasking-ls: warning: no {} files under {}",
                describe_patterns(&settings.file_patterns),
                folder.display()
            );
        }
        return Err(EXIT_FAILURE);
    }
    for failure in &unread {
        eprintln!("tasking-ls: {failure}");
    }
    unused.extend(unread);
    Ok((unused, checked))
}

/// Collects the sources of every path given (sorted, each once), prints what could not be
/// used, and checks them in parallel. `Err` is the exit status when nothing is to be checked.
fn check_sources(
    args: &ValidateArgs,
    check: &(dyn Fn(&Source) -> Result<Checked, String> + Sync),
) -> Result<(Vec<String>, Vec<Checked>), i32> {
    let walked = collect_sources(args);
    for failure in &walked.failures {
        eprintln!("tasking-ls: {failure}");
    }
    for (folder, patterns) in &walked.empty_folders {
        eprintln!(
            "tasking-ls: warning: no {} files under {}",
            describe_patterns(patterns),
            folder.display()
        );
    }
    if walked.sources.is_empty() {
        if walked.force_excluded > 0 && walked.failures.is_empty() {
            // Every path named is excluded: nothing to do is success (as ruff, so that a
            // pre-commit run over excluded drafts passes). Standard input under `--fix` is
            // echoed as it came.
            if !args.quiet {
                eprintln!("tasking-ls: warning: every path given is excluded (--force-exclude); nothing checked");
            }
            return Err(match walked.excluded_stdin.as_ref().filter(|_| args.fix) {
                Some(bytes) => match io::stdout().lock().write_all(bytes) {
                    Ok(()) => EXIT_OK,
                    Err(error) => write_failed(&error),
                },
                None => EXIT_OK,
            });
        }
        return Err(EXIT_FAILURE);
    }
    // One file is checked on this thread: starting the pool's threads costs more than the
    // check of a small order (issue 27: start-up).
    let results: Vec<Result<Checked, String>> = if walked.sources.len() > 1 {
        walked.sources.par_iter().map(check).collect()
    } else {
        walked.sources.iter().map(check).collect()
    };
    let mut failures = walked.failures;
    // Collected in place (the results' buffer is reused): a second 10,000-entry buffer is
    // fresh memory to fault in on this thread.
    let checked: Vec<Checked> = results
        .into_iter()
        .filter_map(|result| {
            result
                .map_err(|message| {
                    eprintln!("tasking-ls: {message}");
                    failures.push(message);
                })
                .ok()
        })
        .collect();
    Ok((failures, checked))
}

/// `--preview-dir`: a PNG per order with an error, in parallel; the failures, reported.
fn write_previews(dir: &Path, files: &[FileResult], store: &SchemaStore) -> Vec<String> {
    files
        .par_iter()
        .filter(|f| f.diagnostics.iter().any(|d| d.severity == Severity::Error))
        .filter_map(|f| {
            super::preview::write_preview_png(dir, &f.path, f.text(), &f.diagnostics, store)
                .err()
                .map(|message| {
                    eprintln!("tasking-ls: {}: preview: {message}", f.path);
                    message
                })
        })
        .collect()
}

/// Reports a failed write of the report and returns the exit status for it. A closed pipe
/// (`validate | head`) is not worth a message, but it is still not success.
pub fn write_failed(error: &io::Error) -> i32 {
    if error.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("tasking-ls: cannot write the report: {error}");
    }
    EXIT_FAILURE
}

fn has_stdin(args: &ValidateArgs) -> bool {
    args.paths.iter().any(|p| p.as_os_str() == "-")
}

/// `--diff`: one unified diff per changed file on stdout, a count on stderr; the number of
/// files that would change.
fn write_diffs(args: &ValidateArgs, files: &[FileResult]) -> io::Result<usize> {
    let mut out =
        Output::open(args.output_file.as_deref(), ColorChoice::Never).map_err(io::Error::other)?;
    let (mut changed, mut fixes) = (0, 0);
    for file in files {
        if let Some(outcome) = &file.fixed {
            changed += 1;
            fixes += outcome.fixed_count;
            out.write_all(
                fix::unified_diff(&file.path, &outcome.original, &outcome.fixed).as_bytes(),
            )?;
        }
    }
    out.finish()?;
    if !args.quiet {
        if changed == 0 {
            eprintln!("tasking-ls: no fixes available");
        } else {
            eprintln!(
                "tasking-ls: would fix {fixes} problem{} in {changed} file{}",
                if fixes == 1 { "" } else { "s" },
                if changed == 1 { "" } else { "s" }
            );
        }
    }
    Ok(changed)
}

/// `--fix`: writes each fixed file back; standard input's text, fixed or as read, goes to
/// standard output (as formatters and `ruff --fix -` do).
fn write_fixes(files: &[FileResult]) -> Result<(), String> {
    for file in files {
        if let Some(original) = &file.stdin {
            let bytes = file
                .fixed
                .as_ref()
                .map_or(original.as_slice(), |outcome| outcome.fixed.as_bytes());
            let mut out = io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write standard output: {e}"))?;
        } else if let Some(outcome) = &file.fixed {
            fix::write_in_place(Path::new(&file.path), outcome.fixed.as_bytes())
                .map_err(|e| format!("{}: cannot write the fixed file: {e}", file.path))?;
        }
    }
    Ok(())
}

fn stdin_name(args: &ValidateArgs) -> String {
    args.stdin_filename
        .clone()
        .unwrap_or_else(|| "-".to_string())
}

/// What a run will read, with the settings it is checked under.
enum Source {
    Stdin(Arc<FileSettings>),
    File(PathBuf, Arc<FileSettings>),
}

impl Source {
    fn settings(&self) -> &FileSettings {
        match self {
            Source::Stdin(settings) | Source::File(_, settings) => settings,
        }
    }
}

/// One file checked: its path, whether it fails the run, and either its part of the report
/// (rendered where it was checked) or, when `--fix`, `--diff` or `--preview-dir` still need
/// its text, the whole result (rendered after them).
struct Checked {
    path: String,
    /// An error, or any finding under `strict`.
    failing: bool,
    part: FilePart,
    /// Boxed: 10,000 entries of a few hundred bytes each were fresh memory to fault in.
    result: Option<Box<FileResult>>,
}

impl Checked {
    fn kept(result: FileResult) -> Checked {
        Checked {
            path: result.path.clone(),
            failing: fails(&result),
            part: FilePart::default(),
            result: Some(Box::new(result)),
        }
    }

    fn rendered(result: FileResult, format: Format) -> Checked {
        Checked {
            failing: fails(&result),
            part: format::render(format, &result),
            path: result.path,
            result: None,
        }
    }
}

/// Whether `file` fails the run: an error, or any finding when it is checked strictly.
/// After `--fix`, what is judged is what the fixes left, as the report shows.
fn fails(file: &FileResult) -> bool {
    file.diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || file.strict)
}

struct Walked {
    sources: Vec<Source>,
    failures: Vec<String>,
    /// Folders walked that held no matching file, with the file patterns they were walked with.
    empty_folders: Vec<(PathBuf, FilePatterns)>,
    /// Paths named on the command line and skipped under `--force-exclude`.
    force_excluded: usize,
    /// Standard input's bytes when its `--stdin-filename` is force-excluded.
    excluded_stdin: Option<Vec<u8>>,
}

fn describe_patterns(patterns: &FilePatterns) -> String {
    patterns
        .as_strings()
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The files to check, sorted, each with its settings; the paths that could not be used, as
/// messages.
fn collect_sources(args: &ValidateArgs) -> Walked {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut empty_folders = Vec::new();
    let mut stdin = false;
    let mut force_excluded = 0;
    let mut excluded_stdin = None;
    let defaults = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &defaults[..]
    } else {
        &args.paths[..]
    };
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        if args.force_exclude {
            let named = match path.as_os_str() {
                // `.` names the current folder, which no pattern means to exclude.
                text if text == "." => None,
                _ => Some(path.as_path()),
            };
            match named.map(|p| (p, args.config.for_path(p))) {
                Some((p, Ok(settings))) if settings.exclude.matches_path_or_folder(p) => {
                    force_excluded += 1;
                    continue;
                }
                Some((_, Err(message))) => {
                    failures.push(message);
                    continue;
                }
                _ => {}
            }
        }
        // `metadata` follows symbolic links; its error says why (a loop is ELOOP, not ENOENT).
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                let before = files.len();
                walk(path, args, &mut files, &mut failures);
                if files.len() == before {
                    if let Ok(settings) = args.config.for_path(path) {
                        empty_folders.push((path.clone(), settings.file_patterns.clone()));
                    }
                }
            }
            Ok(metadata) if metadata.is_file() => files.push(path.clone()),
            Ok(metadata) => failures.push(format!(
                "{}: not a regular file ({}); to check a stream, pipe it to `validate -`",
                path.display(),
                file_kind(&metadata)
            )),
            Err(error) => failures.push(format!("{}: {}", path.display(), io_reason(&error))),
        }
    }
    sort_paths(&mut files);
    files.dedup();
    let mut sources = Vec::with_capacity(files.len() + 1);
    for file in files {
        match args.config.for_file(&file) {
            Ok(settings) => sources.push(Source::File(file, settings)),
            Err(message) => failures.push(message),
        }
    }
    if stdin {
        let name = args.stdin_filename.as_deref().unwrap_or(".");
        match args.config.for_path(Path::new(name)) {
            Ok(settings)
                if args.force_exclude
                    && args.stdin_filename.is_some()
                    && settings.exclude.matches_path_or_folder(Path::new(name)) =>
            {
                force_excluded += 1;
                if args.fix {
                    match read_capped(io::stdin().lock(), None) {
                        Ok(bytes) => excluded_stdin = Some(bytes),
                        Err(message) => {
                            failures.push(format!("{name} (standard input): {message}"))
                        }
                    }
                }
            }
            Ok(settings) => sources.insert(0, Source::Stdin(settings)),
            Err(message) => failures.push(message),
        }
    }
    // One message per configuration file that could not be read, not one per file under it.
    let mut seen = std::collections::HashSet::new();
    failures.retain(|message| seen.insert(message.clone()));
    Walked {
        sources,
        failures,
        empty_folders,
        force_excluded,
        excluded_stdin,
    }
}

/// Sorts `paths` in `Path`'s own order (component by component) with each path split into
/// its components once, not once per comparison: `compare_components` was 5% of `validate`'s
/// instructions on 1,000 orders (issue 27).
fn sort_paths(paths: &mut Vec<PathBuf>) {
    let order: Vec<usize> = {
        let mut keyed: Vec<(Vec<std::path::Component<'_>>, usize)> = paths
            .iter()
            .enumerate()
            .map(|(index, path)| (path.components().collect(), index))
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, index)| index).collect()
    };
    let mut taken: Vec<Option<PathBuf>> = std::mem::take(paths).into_iter().map(Some).collect();
    paths.extend(order.into_iter().filter_map(|index| taken[index].take()));
}

/// The error's text without Rust's ` (os error N)` suffix.
fn io_reason(error: &io::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    // "No such file or directory" reads as the middle of a sentence here.
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = metadata;
    "not a file or folder"
}

/// Walks a folder as ruff does: `.gitignore`, `.ignore` and git's exclude files respected,
/// hidden entries skipped, `node_modules` and `target` skipped; keeps regular files (or links
/// to them) that match the file patterns and no `exclude` pattern of their own nearest
/// configuration file.
fn walk(dir: &Path, args: &ValidateArgs, files: &mut Vec<PathBuf>, failures: &mut Vec<String>) {
    for found in walk_entries(dir, args) {
        match found {
            Ok((path, _)) => files.push(path),
            Err(message) => failures.push(message),
        }
    }
}

/// The files [`walk`] keeps under `dir` with the settings they are checked under, as the
/// walk finds them (directory order), and the messages of what it could not use; lazy, so
/// that checking can start with the first file.
fn walk_entries<'a>(
    dir: &Path,
    args: &'a ValidateArgs,
) -> impl Iterator<Item = Result<(PathBuf, Arc<FileSettings>), String>> + Send + 'a {
    let config = args.config.clone();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .filter_entry(move |entry| {
            let name = entry.file_name();
            let skipped_dir = entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && (name == "node_modules" || name == "target");
            // A configuration that cannot be read excludes nothing; its error is reported
            // for the files below it.
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let settings = || {
                if is_dir {
                    config.for_path(entry.path())
                } else {
                    config.for_file(entry.path())
                }
            };
            let excluded = entry.depth() > 0
                && settings().is_ok_and(|settings| settings.exclude.matches(entry.path()));
            !(skipped_dir || excluded)
        })
        .build();
    walker.filter_map(move |entry| {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => return Some(Err(walk_error(&error))),
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            return None;
        }
        let settings = match args.config.for_file(entry.path()) {
            Ok(settings) if settings.file_patterns.matches(entry.path()) => settings,
            Ok(settings) if settings.stapi.is_order_file(entry.path()) => settings,
            Ok(_) => return None,
            Err(message) => return Some(Err(message)),
        };
        if kind.is_file() {
            return Some(Ok((entry.into_path(), settings)));
        }
        // A link: keep it when it leads to a regular file; say why otherwise.
        match std::fs::metadata(entry.path()) {
            Ok(metadata) if metadata.is_file() => Some(Ok((entry.into_path(), settings))),
            Ok(metadata) if metadata.is_dir() => None,
            Ok(metadata) => Some(Err(format!(
                "{}: not a regular file ({}); skipped",
                entry.path().display(),
                file_kind(&metadata)
            ))),
            Err(error) => Some(Err(format!(
                "{}: {}",
                entry.path().display(),
                io_reason(&error)
            ))),
        }
    })
}

fn walk_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, err } => format!("{}: {}", path.display(), err),
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::Io(e) => io_reason(e),
        other => other.to_string(),
    }
}

/// Reads, checks and (with `--fix`/`--diff`) fixes one source. The whole per-file work in one
/// function, so that it can be optimised in one place.
fn validate_source(
    source: &Source,
    options: &CheckOptions<'_>,
    args: &ValidateArgs,
) -> Result<FileResult, String> {
    let settings = source.settings();
    let (path, bytes) = match source {
        Source::Stdin(_) => {
            let name = stdin_name(args);
            let bytes = read_capped(io::stdin().lock(), None)
                .map_err(|e| format!("{name} (standard input): {e}"))?;
            (name, bytes)
        }
        Source::File(path, _) => {
            let file = std::fs::File::open(path)
                .map_err(|e| format!("{}: cannot read file: {}", path.display(), io_reason(&e)))?;
            let bytes = read_file(file).map_err(|e| format!("{}: {e}", path.display()))?;
            (path.display().to_string(), bytes)
        }
    };
    // A search-style order is checked for the product its configuration names.
    let product = settings
        .stapi
        .is_order_file(Path::new(&path))
        .then(|| args.search.resolve.as_ref()?(Path::new(&path)))
        .flatten();
    let mut file_options = options.clone();
    file_options.search_product = product.as_deref();
    file_options.rule_overrides = Some(&settings.rules);
    let options = &file_options;
    // Text that is not UTF-8 is never rewritten: the lossy copy would lose bytes.
    let fixable = (args.fix || args.diff) && std::str::from_utf8(&bytes).is_ok();
    let stdin = (args.fix && matches!(source, Source::Stdin(_))).then(|| bytes.clone());
    // The pass search reads the text after the checks, which drop it when they find nothing.
    let original = (args.passes.is_some() && product.is_none()).then(|| bytes.clone());
    let mut result = check_bytes(path, bytes, options);
    result.stdin = stdin.clone();
    settings.lint.apply(&mut result.diagnostics);
    if fixable && !result.diagnostics.is_empty() {
        if let Some(outcome) = fix::fix_text(result.text(), options, &settings.lint) {
            let document = Document::new(outcome.fixed.clone());
            let mut diagnostics = check_document(&document, options);
            settings.lint.apply(&mut diagnostics);
            result = FileResult::new(result.path, document, diagnostics);
            result.fixed = Some(outcome);
            result.stdin = stdin;
        }
    }
    if let (Some(passes), Some(original)) = (&args.passes, original) {
        result = with_passes(result, original, passes, options, &settings.lint)?;
    }
    result.strict = settings.strict;
    Ok(result)
}

/// `result` with the `feasibility.passes` diagnostics of its order added (the fixed text's,
/// under `--fix`), the element sets from the order's nearest `[feasibility] elements` and
/// the cache.
fn with_passes(
    result: FileResult,
    original: Vec<u8>,
    passes: &PassSearch,
    options: &CheckOptions<'_>,
    lint: &crate::config::LintSettings,
) -> Result<FileResult, String> {
    let text = match &result.fixed {
        Some(outcome) => outcome.fixed.clone(),
        None => match String::from_utf8(original) {
            Ok(text) => text,
            Err(_) => return Ok(result),
        },
    };
    let files = crate::config::elements::with_cache(
        crate::config::elements::configured_files(Path::new(&result.path)),
        passes.cache.as_ref(),
    );
    let sets = crate::config::elements::read(&files)
        .map_err(|e| format!("{}: --passes: {e}", result.path))?;
    let document = Document::new(text);
    let mut found = crate::check::feasibility::pass_diagnostics(&document, options, &sets);
    lint.apply(&mut found);
    if found.is_empty() {
        return Ok(result);
    }
    let mut diagnostics = result.diagnostics;
    diagnostics.extend(found);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    let mut merged = FileResult::new(result.path, document, diagnostics);
    merged.fixed = result.fixed;
    merged.stdin = result.stdin;
    Ok(merged)
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`]. An order is a few KiB: it is read into
/// this thread's 64 KiB buffer with no `stat` (open, read, read to see the end, close); a
/// file that fills the buffer is asked its size, so a huge one is refused before it is read.
fn read_file(mut file: std::fs::File) -> Result<Vec<u8>, String> {
    const BUFFER: usize = 64 * 1024;
    thread_local! {
        static BUFFER_OF_THREAD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let small = BUFFER_OF_THREAD.with(|buffer| -> Result<Option<Vec<u8>>, String> {
        let mut buffer = buffer.borrow_mut();
        buffer.resize(BUFFER, 0);
        let mut filled = 0;
        while filled < BUFFER {
            match file.read(&mut buffer[filled..]) {
                Ok(0) => return Ok(Some(buffer[..filled].to_vec())),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {}", io_reason(&e))),
            }
        }
        Ok(None)
    })?;
    if let Some(bytes) = small {
        return Ok(bytes);
    }
    use std::io::Seek as _;
    let length = file.metadata().map(|m| m.len()).ok();
    file.rewind()
        .map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
    read_capped(file, length)
}

/// Reads at most [`MAX_FILE_BYTES`]; `length` is the size the file claims, if known.
fn read_capped(reader: impl Read, length: Option<u64>) -> Result<Vec<u8>, String> {
    let mib = MAX_FILE_BYTES >> 20;
    if let Some(length) = length.filter(|l| *l > MAX_FILE_BYTES) {
        return Err(format!(
            "{} MiB, over the {mib} MiB limit for an order request; not read",
            length >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(length.unwrap_or(0) as usize);
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "still growing past the {mib} MiB limit for an order request; reading stopped there, not checked"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Generated lists of paths (relative and absolute, `.`/`..`, doubled separators, names
    /// that sort differently by bytes and by components) sort as `Path`'s `Ord` sorts them.
    #[test]
    fn paths_sort_as_path_orders_them() {
        let parts = [
            "a", "a.b", "a-b", "b", "..", ".", "x/y", "a b", "é", "A", "a/",
        ];
        let mut rng = crate::test_rng::Lcg(27);
        let mut below = |n: usize| rng.draw() as usize % n;
        for _ in 0..2_000 {
            let count = 1 + below(12);
            let mut paths: Vec<PathBuf> = (0..count)
                .map(|_| {
                    let mut text = if below(4) == 0 {
                        "/".to_string()
                    } else {
                        String::new()
                    };
                    for level in 0..1 + below(4) {
                        if level > 0 {
                            text.push_str(if below(8) == 0 { "//" } else { "/" });
                        }
                        text.push_str(parts[below(parts.len())]);
                    }
                    PathBuf::from(text)
                })
                .collect();
            let mut expected = paths.clone();
            expected.sort();
            super::sort_paths(&mut paths);
            assert_eq!(paths, expected);
        }
    }
}
