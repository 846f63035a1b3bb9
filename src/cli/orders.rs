//! The subcommands that talk to the provider: `quote`, `submit`, `status`, `quotation
//! accept|reject`, `feasibility choose` and `schema fetch`. Each is a clap `Args` struct and
//! an async runner returning the exit status (0 ok, 1 the API or the order refused, 2 usage,
//! IO or network); `main` wires them into its parser.
//!
//! Confirmations: placing an order needs `--yes` or a typed `yes` on a terminal; placing the
//! *same content again* (its SHA-256 matches the receipt) needs a second, separate
//! confirmation — `--yes --again`, or a second typed `yes` — because `--yes` alone is often
//! baked into scripts and must not repeat a paid order. Without a terminal and without the
//! flags, nothing is sent.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::api::receipt::{body_sha256, read_receipt, receipt_path, write_receipt, Receipt};
use crate::api::{
    data_product, request_form, sub_status_meaning, ApiError, ApiSettings, Client, Credentials,
    Decision, RequestForm, SchemaAnswer, SettingsOverrides,
};
use crate::schema::cache::{normalize_product_id, write_atomically, CacheEntry, SchemaCache};
use crate::schema::ProductInfo;

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
}

impl ApiContext {
    /// From the environment and the global options `--api-url`, `--cache-dir`, `--offline`.
    pub fn from_env(
        api_url: Option<String>,
        cache_dir: Option<PathBuf>,
        offline: bool,
    ) -> Result<ApiContext, String> {
        let overrides = SettingsOverrides {
            cli_api_url: api_url,
            offline,
            ..Default::default()
        };
        Ok(ApiContext {
            settings: ApiSettings::from_env(&overrides),
            credentials: Credentials::from_env().map_err(|e| e.to_string())?,
            cache_dir,
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
    /// stdout, stderr, and stdin when it is a terminal.
    pub fn stdio() -> Console {
        use std::io::IsTerminal;
        let input: Option<Box<dyn BufRead + Send>> = if std::io::stdin().is_terminal() {
            Some(Box::new(std::io::BufReader::new(std::io::stdin())))
        } else {
            None
        };
        Console {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            input,
        }
    }

    /// A console writing into memory; `input` is what the "terminal" types (`None`: no
    /// terminal).
    pub fn captured(input: Option<&str>) -> (Console, Captured) {
        let captured = Captured::default();
        let input: Option<Box<dyn BufRead + Send>> =
            input.map(|s| Box::new(std::io::Cursor::new(s.as_bytes().to_vec())) as _);
        let console = Console {
            out: Box::new(SharedBuf(captured.out.clone())),
            err: Box::new(SharedBuf(captured.err.clone())),
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

/// The outcome of asking for a confirmation.
enum Confirmed {
    Yes,
    No,
    NoTerminal,
}

fn ask(console: &mut Console, flag: bool, question: &str) -> Confirmed {
    if flag {
        return Confirmed::Yes;
    }
    match console.confirm(question) {
        Some(true) => Confirmed::Yes,
        Some(false) => Confirmed::No,
        None => Confirmed::NoTerminal,
    }
}

fn report(console: &mut Console, error: &ApiError) -> i32 {
    console.err(format!("error: {error}"));
    error.exit_code()
}

#[derive(Args, Clone, Debug)]
pub struct QuoteArgs {
    /// The order request file.
    pub file: PathBuf,
}

#[derive(Args, Clone, Debug)]
pub struct SubmitArgs {
    /// The order request file; its bytes are posted exactly as they are.
    pub file: PathBuf,
    /// Confirm placing the order without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Confirm placing content that was already submitted (its receipt matches) once more.
    #[arg(long)]
    pub again: bool,
}

#[derive(Args, Clone, Debug)]
pub struct StatusArgs {
    /// An order id, or a request file / `.order.json` receipt to read the ids from.
    pub order: String,
}

#[derive(Args, Clone, Debug)]
pub struct QuotationArgs {
    #[command(subcommand)]
    pub action: QuotationAction,
}

#[derive(Subcommand, Clone, Debug)]
pub enum QuotationAction {
    /// Accept a quotation: spends its credits and cannot be undone.
    Accept(DecideArgs),
    /// Reject a quotation: the order is not activated.
    Reject(DecideArgs),
}

#[derive(Args, Clone, Debug)]
pub struct DecideArgs {
    pub quotation_id: String,
    /// Confirm without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Clone, Debug)]
pub struct FeasibilityArgs {
    #[command(subcommand)]
    pub action: FeasibilityAction,
}

#[derive(Subcommand, Clone, Debug)]
pub enum FeasibilityAction {
    /// Choose one option of a feasibility study.
    Choose(ChooseArgs),
}

#[derive(Args, Clone, Debug)]
pub struct ChooseArgs {
    pub study_id: String,
    pub option_id: String,
    /// Confirm without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Clone, Debug)]
pub struct SchemaFetchArgs {
    /// Product ids to fetch.
    pub ids: Vec<String>,
    /// Fetch every tasking product the API lists.
    #[arg(long)]
    pub all: bool,
    /// Write bare `<id>.json` schemas (and, with `--all`, `products.json`) into DIR instead
    /// of the cache, e.g. `schemas-cache` to refresh the bundled set.
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
}

/// Reads a request file and parses it; a syntax error is reported as `path:line:column`.
fn read_request(console: &mut Console, path: &Path) -> Result<(String, Value), i32> {
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

/// `tasking-ls quote FILE`.
pub async fn quote(ctx: &ApiContext, args: &QuoteArgs, console: &mut Console) -> i32 {
    let (_, request) = match read_request(console, &args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    match client.estimate(&request).await {
        Ok(estimate) => {
            console.out(format!("{}: {}", args.file.display(), estimate.summary()));
            for error in &estimate.errors {
                console.err(format!("error: {}: {error}", args.file.display()));
            }
            if estimate.errors.is_empty() {
                EXIT_OK
            } else {
                EXIT_REFUSED
            }
        }
        Err(e) => report(console, &e),
    }
}

/// `tasking-ls submit FILE [--yes] [--again]`.
pub async fn submit(ctx: &ApiContext, args: &SubmitArgs, console: &mut Console) -> i32 {
    let (text, request) = match read_request(console, &args.file) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let sha = body_sha256(text.as_bytes());
    let receipt = match read_receipt(&args.file) {
        Ok(r) => r,
        Err(e) => {
            console.err(format!(
                "error: {e}; move it away or fix it before submitting (it records earlier orders)"
            ));
            return EXIT_FAILURE;
        }
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let workspace = match client.workspace_id().await {
        Ok(ws) => ws,
        Err(e) => return report(console, &e),
    };
    let product = data_product(&request).unwrap_or_default().to_string();
    let name = request
        .get("displayName")
        .or_else(|| request.pointer("/params/displayName"))
        .and_then(Value::as_str)
        .unwrap_or("(no name)");
    let form = match request_form(&request) {
        Ok(RequestForm::Seed) => "seed form, POST /workspaces/{workspaceId}/orders",
        _ => "current form, POST /v2/orders",
    };
    console.out(format!(
        "Order \"{name}\" for product {product} into workspace {workspace} ({form})."
    ));
    match client.estimate(&request).await {
        Ok(estimate) => console.out(format!(
            "Estimated cost: {} (credits are charged when you accept the quotation).",
            estimate.summary()
        )),
        Err(e) => console.out(format!("Estimated cost: unavailable ({e}).")),
    }
    let earlier: Vec<&Receipt> = receipt
        .as_ref()
        .map(|r| r.matching(&sha))
        .unwrap_or_default();
    if let Some(previous) = earlier.first() {
        console.out(format!(
            "This exact content was already submitted on {} as order {} (see {}).",
            previous.submitted_at.format("%Y-%m-%d %H:%M UTC"),
            previous.order_ids.join(", "),
            receipt_path(&args.file).display()
        ));
    }
    match ask(console, args.yes, "Place this order?") {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Not submitted.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: not submitted: placing an order needs a confirmation and stdin is not a \
                 terminal; pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    if !earlier.is_empty() {
        match ask(
            console,
            args.again,
            "Place it AGAIN, as a second, separate order?",
        ) {
            Confirmed::Yes => {}
            Confirmed::No => {
                console.err("Not submitted again.");
                return EXIT_FAILURE;
            }
            Confirmed::NoTerminal => {
                console.err(
                    "error: not submitted: this content was already ordered; to place it a \
                     second time pass --again together with --yes",
                );
                return EXIT_FAILURE;
            }
        }
    }
    let submission = match client.submit(&text).await {
        Ok(s) => s,
        Err(e) => return report(console, &e),
    };
    for id in &submission.order_ids {
        console.out(format!("Order placed: {id}"));
    }
    for error in &submission.errors {
        console.err(format!("error: not placed: {error}"));
    }
    let mut code = if submission.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_REFUSED
    };
    if !submission.order_ids.is_empty() {
        let receipt = Receipt {
            order_id: submission.order_ids.first().cloned(),
            order_ids: submission.order_ids.clone(),
            submitted_at: Utc::now(),
            data_product: product,
            workspace_id: submission.workspace_id.clone(),
            body_sha256: sha,
            endpoint: submission.endpoint.clone(),
            earlier: vec![],
        };
        match write_receipt(&args.file, receipt) {
            Ok(path) => console.out(format!("Receipt: {}", path.display())),
            Err(e) => {
                console.err(format!(
                    "error: the order was placed but its receipt could not be written ({e}); \
                     keep the order id above"
                ));
                code = EXIT_FAILURE;
            }
        }
        console.out(format!(
            "Follow it with: tasking-ls status {}",
            submission
                .order_ids
                .first()
                .map(String::as_str)
                .unwrap_or_default()
        ));
    }
    code
}

/// The order ids `arg` names: itself, or those of a receipt (or a request's receipt).
fn order_ids(arg: &str) -> Result<Vec<String>, String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(vec![arg.to_string()]);
    }
    let receipt = if arg.ends_with(".order.json") {
        let bytes = std::fs::read(path).map_err(|e| format!("{arg}: {e}"))?;
        serde_json::from_slice::<Receipt>(&bytes)
            .map_err(|e| format!("{arg}: not an order receipt ({e})"))?
    } else {
        read_receipt(path)?.ok_or_else(|| format!("{arg}: no receipt: it was not submitted"))?
    };
    Ok(receipt.order_ids)
}

/// `tasking-ls status ORDER_ID`.
pub async fn status(ctx: &ApiContext, args: &StatusArgs, console: &mut Console) -> i32 {
    let ids = match order_ids(&args.order) {
        Ok(ids) => ids,
        Err(e) => {
            console.err(format!("error: {e}"));
            return EXIT_FAILURE;
        }
    };
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let mut code = EXIT_OK;
    for id in ids {
        code = code.max(order_status(&client, &id, console).await);
    }
    code
}

async fn order_status(client: &Client, id: &str, console: &mut Console) -> i32 {
    let order = match client.order(id).await {
        Ok(o) => o,
        Err(e) => return report(console, &e),
    };
    let name = order
        .display_name
        .as_deref()
        .map(|n| format!(" \"{n}\""))
        .unwrap_or_default();
    console.out(format!("Order {}{name}: {}", order.id, order.status));
    if let Some(sub) = &order.sub_status {
        match sub_status_meaning(sub) {
            Some(meaning) => console.out(format!("  sub-status: {sub} ({meaning})")),
            None => console.out(format!("  sub-status: {sub}")),
        }
    }
    if order.order_type.as_deref().is_some_and(|t| t != "TASKING") {
        return EXIT_OK;
    }
    match client.feasibility_studies(&order.id).await {
        Ok(studies) => {
            for study in studies {
                console.out(format!(
                    "  feasibility study {}: {}",
                    study.id, study.decision
                ));
                for option in &study.options {
                    let chosen = if study.decision_option.as_deref() == Some(&option.id) {
                        " (chosen)"
                    } else {
                        ""
                    };
                    let description = option.description.as_deref().unwrap_or("");
                    console.out(format!("    option {}{chosen}: {description}", option.id));
                }
                if study.decision == "NOT_DECIDED" {
                    console.out(format!(
                        "    choose with: tasking-ls feasibility choose {} OPTION_ID",
                        study.id
                    ));
                }
            }
        }
        Err(e) => console.err(format!("warning: feasibility studies unavailable: {e}")),
    }
    match client.quotations(&order.id).await {
        Ok(quotations) => {
            for q in quotations {
                let price = q
                    .credits_price
                    .map(|c| format!(", {} credits", crate::api::group_thousands(c)));
                console.out(format!(
                    "  quotation {}: {}{}",
                    q.id,
                    q.decision,
                    price.unwrap_or_default()
                ));
                if q.decision == "NOT_DECIDED" {
                    console.out(format!(
                        "    decide with: tasking-ls quotation accept {0} (spends the credits, \
                         cannot be undone) or tasking-ls quotation reject {0}",
                        q.id
                    ));
                }
            }
        }
        Err(e) => console.err(format!("warning: quotations unavailable: {e}")),
    }
    EXIT_OK
}

/// Explains a refused decision (404 unknown, 405 already decided).
fn decision_error(console: &mut Console, what: &str, id: &str, error: &ApiError) -> i32 {
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

/// `tasking-ls quotation accept|reject ID [--yes]`.
pub async fn quotation(ctx: &ApiContext, args: &QuotationArgs, console: &mut Console) -> i32 {
    let (decision, args) = match &args.action {
        QuotationAction::Accept(a) => (Decision::Accepted, a),
        QuotationAction::Reject(a) => (Decision::Rejected, a),
    };
    let id = args.quotation_id.as_str();
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let quotation = match client.quotation(id).await {
        Ok(Some(q)) => q,
        Ok(None) => {
            console.err(format!(
                "error: no quotation {id} is visible to this account"
            ));
            return EXIT_REFUSED;
        }
        Err(e) => return report(console, &e),
    };
    if quotation.decision != "NOT_DECIDED" {
        console.err(format!(
            "error: quotation {id} is already {} and cannot be changed",
            quotation.decision
        ));
        return EXIT_REFUSED;
    }
    let order = quotation.order_id.as_deref().unwrap_or("(unknown order)");
    let warning =
        match decision {
            Decision::Accepted => format!(
            "Accepting quotation {id} for order {order} spends {} credits. This cannot be undone.",
            quotation.credits_price.map_or("its".to_string(), crate::api::group_thousands)
        ),
            Decision::Rejected => format!(
                "Rejecting quotation {id} means order {order} will not be activated. This cannot \
             be undone."
            ),
        };
    console.out(&warning);
    let question = match decision {
        Decision::Accepted => "Accept the quotation and spend the credits?",
        Decision::Rejected => "Reject the quotation?",
    };
    match ask(console, args.yes, question) {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Nothing decided.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: nothing decided: this needs a confirmation and stdin is not a terminal; \
                 pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    match client.decide_quotation(id, decision).await {
        Ok(q) => {
            console.out(format!("Quotation {}: {}.", q.id, q.decision));
            EXIT_OK
        }
        Err(e) => decision_error(console, "quotation", id, &e),
    }
}

/// `tasking-ls feasibility choose STUDY_ID OPTION_ID [--yes]`.
pub async fn feasibility(ctx: &ApiContext, args: &FeasibilityArgs, console: &mut Console) -> i32 {
    let FeasibilityAction::Choose(args) = &args.action;
    let (study_id, option_id) = (args.study_id.as_str(), args.option_id.as_str());
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let study = match client.feasibility_study(study_id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            console.err(format!(
                "error: no feasibility study {study_id} is visible to this account"
            ));
            return EXIT_REFUSED;
        }
        Err(e) => return report(console, &e),
    };
    if study.decision != "NOT_DECIDED" {
        console.err(format!(
            "error: feasibility study {study_id} is already decided ({}) and cannot be changed",
            study.decision
        ));
        return EXIT_REFUSED;
    }
    let Some(option) = study.options.iter().find(|o| o.id == option_id) else {
        let ids: Vec<&str> = study.options.iter().map(|o| o.id.as_str()).collect();
        console.err(format!(
            "error: feasibility study {study_id} has no option {option_id}; its options are: {}",
            if ids.is_empty() {
                "none yet".to_string()
            } else {
                ids.join(", ")
            }
        ));
        return EXIT_REFUSED;
    };
    console.out(format!(
        "Choosing option {option_id} ({}) for feasibility study {study_id} of order {}. The \
         choice cannot be changed afterwards.",
        option.description.as_deref().unwrap_or("no description"),
        study.order_id.as_deref().unwrap_or("(unknown order)")
    ));
    match ask(console, args.yes, "Choose this option?") {
        Confirmed::Yes => {}
        Confirmed::No => {
            console.err("Nothing chosen.");
            return EXIT_FAILURE;
        }
        Confirmed::NoTerminal => {
            console.err(
                "error: nothing chosen: this needs a confirmation and stdin is not a terminal; \
                 pass --yes to confirm",
            );
            return EXIT_FAILURE;
        }
    }
    match client.choose_feasibility_option(study_id, option_id).await {
        Ok(s) => {
            console.out(format!("Feasibility study {}: {}.", s.id, s.decision));
            EXIT_OK
        }
        Err(e) => decision_error(console, "feasibility study", study_id, &e),
    }
}

/// `tasking-ls schema fetch [ID...] [--all] [--into DIR]`.
pub async fn schema_fetch(ctx: &ApiContext, args: &SchemaFetchArgs, console: &mut Console) -> i32 {
    let mut ids = vec![];
    for id in &args.ids {
        match normalize_product_id(id) {
            Some(id) => ids.push(id),
            None => {
                console.err(format!(
                    "error: `{id}` is not a product id (expected a UUID)"
                ));
                return EXIT_FAILURE;
            }
        }
    }
    if ids.is_empty() && !args.all {
        console.err("error: name the product ids to fetch, or pass --all");
        return EXIT_FAILURE;
    }
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let cache = match &args.into {
        Some(_) => None,
        None => match SchemaCache::at(ctx.cache_dir.as_deref()) {
            Some(c) => Some(c),
            None => {
                console.err("error: no cache directory on this system; pass --cache-dir DIR");
                return EXIT_FAILURE;
            }
        },
    };
    let mut products = vec![];
    if args.all {
        match client.list_products().await {
            Ok(list) => products = list,
            Err(e) => return report(console, &e),
        }
        for p in &products {
            if let Some(id) = normalize_product_id(&p.id) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let mut code = EXIT_OK;
    for id in &ids {
        let result = match (&args.into, &cache) {
            (Some(dir), _) => fetch_into(&client, id, dir).await,
            (None, Some(cache)) => fetch_to_cache(&client, id, cache).await,
            (None, None) => unreachable!("a cache exists when --into is absent"),
        };
        match result {
            Ok(line) => console.out(format!("{id}: {line}")),
            Err((c, message)) => {
                console.err(format!("error: {id}: {message}"));
                code = code.max(c);
            }
        }
    }
    if let (Some(dir), true) = (&args.into, args.all) {
        match update_products_index(dir, &products) {
            Ok(path) => console.out(format!("products index: {}", path.display())),
            Err(e) => {
                console.err(format!("error: {e}"));
                code = EXIT_FAILURE;
            }
        }
    }
    code
}

async fn fetch_into(client: &Client, id: &str, dir: &Path) -> Result<String, (i32, String)> {
    let schema = match client.fetch_schema(id, None).await {
        Ok(SchemaAnswer::Fresh { schema, .. }) => schema,
        Ok(SchemaAnswer::NotModified) => unreachable!("no ETag was sent"),
        Err(e) => return Err((e.exit_code(), e.to_string())),
    };
    let path = dir.join(format!("{id}.json"));
    let mut bytes =
        serde_json::to_vec_pretty(&schema).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    bytes.push(b'\n');
    write_atomically(&path, &bytes).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    Ok(format!("written {}", path.display()))
}

async fn fetch_to_cache(
    client: &Client,
    id: &str,
    cache: &SchemaCache,
) -> Result<String, (i32, String)> {
    let (held, note) = match cache.load(id) {
        Ok(entry) => (entry, ""),
        Err(e) => {
            tracing::warn!("{e}");
            (None, " (the corrupt cache entry was replaced)")
        }
    };
    let etag = held.as_ref().and_then(|e| e.etag.clone());
    let (schema, etag, what) = match client.fetch_schema(id, etag.as_deref()).await {
        Ok(SchemaAnswer::Fresh { schema, etag }) => (schema, etag, "updated"),
        Ok(SchemaAnswer::NotModified) => match held {
            Some(entry) => (entry.schema, entry.etag, "unchanged"),
            None => {
                return Err((
                    EXIT_FAILURE,
                    "the API answered 304 without a cached copy".into(),
                ))
            }
        },
        Err(e) => return Err((e.exit_code(), e.to_string())),
    };
    let entry = CacheEntry {
        id: id.to_string(),
        fetched_at: Utc::now(),
        etag,
        schema,
    };
    let path = cache
        .store(&entry)
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    Ok(format!("{what}{note}, cached in {}", path.display()))
}

/// Merges `products` into `dir/products.json` (a JSON array of products), keeping entries
/// the API no longer lists, sorted by collection then title for stable diffs.
fn update_products_index(dir: &Path, products: &[ProductInfo]) -> Result<PathBuf, String> {
    let path = dir.join("products.json");
    let mut index: Vec<ProductInfo> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a products index ({e})", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    for product in products {
        match index.iter_mut().find(|p| p.id == product.id) {
            Some(existing) => *existing = product.clone(),
            None => index.push(product.clone()),
        }
    }
    index.sort_by(|a, b| (&a.collection, &a.title, &a.id).cmp(&(&b.collection, &b.title, &b.id)));
    let mut bytes = serde_json::to_vec_pretty(&index).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
    Ok(path)
}
