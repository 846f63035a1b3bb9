//! The subcommands that talk to the provider: `quote`, `submit`, `status`, `quotation
//! accept|reject`, `feasibility choose` and `schema fetch`. Each is a clap `Args` struct and
//! an async runner returning the exit status (0 ok, 1 the API or the order refused, 2 usage,
//! IO or network); `main` wires them into its parser. One file per command; this one holds
//! what they share (the API context, the console, confirmations, reading a request).
//!
//! Confirmations: placing an order needs `--yes` or a typed `yes` on a terminal; placing the
//! *same content again* (its canonical JSON matches the receipt, whatever the layout) needs a second, separate
//! confirmation — `--yes --again`, or a second typed `yes` — because `--yes` alone is often
//! baked into scripts and must not repeat a paid order. Without a terminal and without the
//! flags, nothing is sent.

mod feasibility;
mod quotation;
mod quote;
mod schema_fetch;
pub mod stapi;
mod status;
mod submit;

pub use feasibility::{feasibility, ChooseArgs, FeasibilityAction, FeasibilityArgs};
pub use quotation::{quotation, DecideArgs, QuotationAction, QuotationArgs};
pub use quote::{quote, QuoteArgs};
pub use schema_fetch::{schema_fetch, SchemaFetchArgs};
pub use status::{status, StatusArgs};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
pub use submit::{submit, SubmitArgs};

use serde_json::Value;

use crate::api::{
    request_form, ApiConfig, ApiError, ApiSettings, Client, Credentials, SettingsOverrides,
};

pub const EXIT_OK: i32 = 0;
/// The provider refused, or the order (file) is wrong.
pub const EXIT_REFUSED: i32 = 1;
/// Usage, IO or network trouble.
pub const EXIT_FAILURE: i32 = 2;

/// What every subcommand here needs, built by `main` from the global options.
#[derive(Clone, Debug)]
pub struct ApiContext {
    pub settings: ApiSettings,
    pub credentials: Credentials,
    /// `--cache-dir`; `None` means the user's cache directory.
    pub cache_dir: Option<PathBuf>,
    /// `--schema-dir`: schemas that take precedence, for the checks `submit` and `quote`
    /// run before sending (the same as `validate`'s).
    pub schema_dir: Option<PathBuf>,
    /// The `[lint]` rules of `tasking-ls.toml` (and their defaults), applied to those checks
    /// as `validate` applies them: an ignored code does not block, a severity raised to
    /// error does.
    pub lint: crate::config::LintSettings,
}

impl ApiContext {
    /// From the global options `--api-url`, `--cache-dir`, `--schema-dir`, `--offline` and
    /// `--credentials`, the environment and the credentials file (`api::credentials`).
    ///
    /// # Errors
    /// A credentials problem: half a pair in the environment, a credentials file that is
    /// missing, readable by others or malformed.
    pub fn from_env(options: &crate::config::GlobalOptions) -> Result<ApiContext, String> {
        let overrides = SettingsOverrides {
            cli_api_url: options.api_url.clone(),
            offline: options.offline,
            credentials_file: options.credentials.clone(),
            ..Default::default()
        };
        let api = ApiConfig::from_env(&overrides)?;
        Ok(ApiContext {
            settings: api.settings,
            credentials: api.credentials,
            cache_dir: options.cache_dir.clone(),
            schema_dir: options.schema_dir.clone(),
            lint: crate::config::LintSettings::default(),
        })
    }

    fn client(&self) -> Result<Client, ApiError> {
        Client::new(self.settings.clone(), self.credentials.clone())
    }
}

/// Where output goes and where confirmations come from. `input` is `None` when stdin is
/// not a terminal: then nothing can be confirmed interactively.
pub struct Console {
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
    input: Option<Box<dyn BufRead + Send>>,
}

/// Output captured by [`Console::captured`].
#[derive(Clone, Default)]
pub struct Captured {
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.err.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Console {
    /// stdout, stderr, and stdin when it is a terminal. Each output is coloured by the rule
    /// `validate` follows (`--color auto`: a terminal, `NO_COLOR`, `FORCE_COLOR`; see
    /// [`crate::cli::output::use_color`]); when it is not, escapes are stripped on the way out,
    /// so the findings printed before a submission never put escape codes in a log or a pipe.
    pub fn stdio() -> Console {
        use crate::cli::output::{use_color, ColorChoice, ColorEnv};
        use std::io::IsTerminal;
        let input: Option<Box<dyn BufRead + Send>> = if std::io::stdin().is_terminal() {
            Some(Box::new(std::io::BufReader::new(std::io::stdin())))
        } else {
            None
        };
        let env = ColorEnv::current();
        let out_color = use_color(ColorChoice::Auto, &env, std::io::stdout().is_terminal());
        let err_color = use_color(ColorChoice::Auto, &env, std::io::stderr().is_terminal());
        Console {
            out: painted(Box::new(std::io::stdout()), out_color),
            err: painted(Box::new(std::io::stderr()), err_color),
            input,
        }
    }

    /// A console writing into memory, uncoloured (as a pipe is); `input` is what the
    /// "terminal" types (`None`: no terminal).
    pub fn captured(input: Option<&str>) -> (Console, Captured) {
        let captured = Captured::default();
        let input: Option<Box<dyn BufRead + Send>> =
            input.map(|s| Box::new(std::io::Cursor::new(s.as_bytes().to_vec())) as _);
        let console = Console {
            out: painted(Box::new(SharedBuf(captured.out.clone())), false),
            err: painted(Box::new(SharedBuf(captured.err.clone())), false),
            input,
        };
        (console, captured)
    }

    fn out(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
    }

    fn err(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.err, "{}", line.as_ref());
    }

    /// Asks `question` and accepts only `yes` (or `y`); `None` when there is no terminal.
    fn confirm(&mut self, question: &str) -> Option<bool> {
        let input = self.input.as_mut()?;
        let _ = write!(self.err, "{question} [yes/no] ");
        let _ = self.err.flush();
        let mut line = String::new();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return Some(false);
        }
        Some(matches!(
            line.trim().to_ascii_lowercase().as_str(),
            "yes" | "y"
        ))
    }
}

/// `raw` as it is when `color`, else with ANSI escapes stripped from what goes through it.
fn painted(raw: Box<dyn Write + Send>, color: bool) -> Box<dyn Write + Send> {
    if color {
        raw
    } else {
        Box::new(anstream::StripStream::new(raw))
    }
}

/// The outcome of asking for a confirmation.
pub(super) enum Confirmed {
    Yes,
    No,
    NoTerminal,
}

pub(super) fn ask(console: &mut Console, flag: bool, question: &str) -> Confirmed {
    if flag {
        return Confirmed::Yes;
    }
    match console.confirm(question) {
        Some(true) => Confirmed::Yes,
        Some(false) => Confirmed::No,
        None => Confirmed::NoTerminal,
    }
}

pub(super) fn report(console: &mut Console, error: &ApiError) -> i32 {
    console.err(format!("error: {error}"));
    error.exit_code()
}

/// Reads a request file and parses it; a syntax error is reported as `path:line:column`.
pub(super) fn read_request(console: &mut Console, path: &Path) -> Result<(String, Value), i32> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        console.err(format!("error: {}: cannot read: {e}", path.display()));
        EXIT_FAILURE
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |i| &message[..i]);
        console.err(format!(
            "error: {}:{}:{}: not valid JSON: {message}; fix it before sending it",
            path.display(),
            e.line(),
            e.column()
        ));
        EXIT_REFUSED
    })?;
    if let Err(e) = request_form(&value) {
        console.err(format!("error: {}: {e}", path.display()));
        return Err(EXIT_REFUSED);
    }
    Ok((text, value))
}

/// Runs `validate`'s checks on the request text and prints the findings to stderr in the
/// human format. `Ok(warnings)` when there is no error; `Err(EXIT_REFUSED)` when there is
/// (nothing may be sent), `Err(EXIT_FAILURE)` when the schemas cannot be loaded.
pub(super) fn check_request(
    ctx: &ApiContext,
    console: &mut Console,
    path: &Path,
    text: &str,
) -> Result<usize, i32> {
    use crate::check::CheckOptions;
    let options = crate::config::GlobalOptions {
        schema_dir: ctx.schema_dir.clone(),
        cache_dir: ctx.cache_dir.clone(),
        offline: ctx.settings.offline,
        ..Default::default()
    };
    let store = crate::config::load_store(&options).map_err(|e| {
        console.err(format!("error: {e}"));
        EXIT_FAILURE
    })?;
    // Only the verdict matters before sending: no costly fix is computed.
    let options = CheckOptions {
        costly_fixes: false,
        ..CheckOptions::new(&store)
    };
    let result = crate::cli::report::check_bytes(
        path.display().to_string(),
        text.as_bytes().to_vec(),
        &options,
    );
    show_findings(&ctx.lint, console, result)
}

/// Applies the `[lint]` settings to a checked order, prints its findings to stderr in the
/// human format and counts them. `Ok(warnings)` when no error is left; `Err(EXIT_REFUSED)`
/// when one is (nothing may be sent). Shared by every provider's submit so the refusal
/// reads the same whatever the API.
pub(super) fn show_findings(
    lint: &crate::config::LintSettings,
    console: &mut Console,
    mut result: crate::cli::report::FileResult,
) -> Result<usize, i32> {
    use crate::check::Severity;
    lint.apply(&mut result.diagnostics);
    let errors = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = result.diagnostics.len().saturating_sub(errors);
    if !result.diagnostics.is_empty() {
        let files = [result];
        let report = crate::cli::format::Report {
            files: &files,
            quiet: false,
            fixed: false,
        };
        let mut shown = Vec::new();
        if crate::cli::format::write(&mut shown, crate::cli::format::Format::Human, &report).is_ok()
        {
            let _ = self::write_all(&mut console.err, &shown);
        }
    }
    if errors > 0 {
        return Err(EXIT_REFUSED);
    }
    Ok(warnings)
}

/// How long a submit waits for another submission of the same file (its receipt lock).
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Says that nothing was sent because the order file has errors (listed above it); the
/// message every provider's submit ends with when its checks refuse the file.
pub(super) fn refuse_for_errors(console: &mut Console, file: &Path) {
    console.err(format!(
        "error: not submitted: {} has errors (listed above); fix them first — nothing was sent",
        file.display()
    ));
}

/// Opens the receipt book of `file` (waiting up to ten minutes for another submission of it
/// to finish, and saying so) and returns it with the receipts of earlier submissions of the
/// same content (`fingerprint`: the same canonical JSON, whatever the layout). `Err(EXIT_FAILURE)` after printing why when the book
/// cannot be opened or read.
pub(super) async fn open_receipts(
    console: &mut Console,
    file: &Path,
    cache_dir: Option<&Path>,
    fingerprint: &crate::api::receipt::Fingerprint,
) -> Result<
    (
        crate::api::receipt::ReceiptBook,
        Vec<crate::api::receipt::Receipt>,
    ),
    i32,
> {
    use crate::api::receipt::{fallback_dir, LockWait, ReceiptBook};
    let shown = file.display().to_string();
    let book = ReceiptBook::open(
        file,
        fallback_dir(cache_dir),
        LockWait::Up(LOCK_WAIT),
        || {
            console.err(format!(
                "Waiting for another submission of {shown} to finish..."
            ))
        },
    )
    .await
    .map_err(|e| {
        console.err(format!("error: {e}"));
        EXIT_FAILURE
    })?;
    let earlier = book.earlier(fingerprint).map_err(|e| {
        console.err(format!("error: {e}"));
        EXIT_FAILURE
    })?;
    Ok((book, earlier))
}

/// The two questions before an order POST, shared by every provider's submit: "Place this
/// order?" (`--yes` answers it) and, when this exact content has receipts already, "Place it
/// AGAIN?" (`--again` answers it). Without a terminal and without the flag nothing is sent.
/// `order_list` names where the user checks whether an unknown outcome was placed ("your
/// order list", "the server's order list"). `Err(EXIT_FAILURE)` when not confirmed.
pub(super) fn confirm_placement(
    console: &mut Console,
    yes: bool,
    again: bool,
    earlier: &[crate::api::receipt::Receipt],
    order_list: &str,
) -> Result<(), i32> {
    match ask(console, yes, "Place this order?") {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Not submitted.");
            return Err(EXIT_FAILURE);
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: not submitted: placing an order needs a confirmation and stdin is not a \
                 terminal; pass --yes to confirm",
            );
            return Err(EXIT_FAILURE);
        }
    }
    if earlier.is_empty() {
        return Ok(());
    }
    match ask(
        console,
        again,
        "Place it AGAIN, as a second, separate order?",
    ) {
        Confirmed::Yes => Ok(()),
        Confirmed::No => {
            console.err("Not submitted again.");
            Err(EXIT_FAILURE)
        }
        Confirmed::NoTerminal => {
            let unknown = earlier
                .iter()
                .any(|r| r.outcome != crate::api::receipt::Outcome::Placed);
            console.err(if unknown {
                format!(
                    "error: not submitted: this content was already submitted and the outcome \
                     is unknown (it may have been placed); check {order_list}, and to place it \
                     regardless pass --again together with --yes"
                )
            } else {
                "error: not submitted: this content was already ordered; to place it a second \
                 time pass --again together with --yes"
                    .to_owned()
            });
            Err(EXIT_FAILURE)
        }
    }
}

fn write_all(out: &mut Box<dyn Write + Send>, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}

/// Explains a refused decision (404 unknown, 405 already decided).
pub(super) fn decision_error(console: &mut Console, what: &str, id: &str, error: &ApiError) -> i32 {
    match error.status() {
        Some(404) => console.err(format!(
            "error: no {what} {id} is visible to this account ({error})"
        )),
        Some(405) => console.err(format!(
            "error: {what} {id} is already decided and cannot be changed ({error}); \
             `tasking-ls status ORDER_ID` shows the decision"
        )),
        _ => console.err(format!("error: {error}")),
    }
    error.exit_code()
}
