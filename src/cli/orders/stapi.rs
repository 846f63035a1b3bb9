//! The STAPI commands: `stapi products`, `stapi opportunities FILE [--choose N]`, and
//! `submit`/`status` on STAPI order files (`*_stapi_order.json`): the same guarded flow as
//! for the other provider — the file is checked first and refused with errors, the user
//! confirms, a receipt is written before the POST, the POST is never repeated, and placing
//! the same content again needs `--again` — then 201 and `Location` are understood, and a
//! refusal's `detail` (FastAPI's 422 `loc`/`msg` list) is shown at the place in the file it
//! names.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::api::receipt::{read_receipt, Fingerprint, Finish};
use crate::api::stapi::{load_product, Placement, Provenance, StapiCache, StapiClient};
use crate::api::{ErrorKind, Secret};
use crate::check::CheckOptions;
use crate::config::stapi::{SearchFiles, StapiConfig};
use crate::config::GlobalOptions;
use crate::document::{item_of, member_of, Document, Item, PositionEncoding};
use crate::schema::SearchProduct;

use super::{
    confirm_placement, open_receipts, refuse_for_errors, Console, EXIT_FAILURE, EXIT_OK,
    EXIT_REFUSED,
};

/// `tasking-ls stapi ...`.
#[derive(Args, Clone, Debug)]
pub struct StapiArgs {
    #[command(subcommand)]
    pub command: StapiCommand,
}

/// The STAPI subcommands.
#[derive(Subcommand, Clone, Debug)]
pub enum StapiCommand {
    /// List the products of the configured STAPI server ([stapi] url in tasking-ls.toml).
    Products,
    /// Search acquisition opportunities for the order in FILE (its datetime, geometry and
    /// filter) and list them; --choose N sets the file's datetime to the Nth window.
    Opportunities(OpportunitiesArgs),
    /// Show a STAPI order's status: an order id, a Location URL, or a submitted order file.
    Status(StapiStatusArgs),
}

/// `stapi opportunities`.
#[derive(Args, Clone, Debug)]
pub struct OpportunitiesArgs {
    /// The STAPI order file.
    pub file: PathBuf,
    /// The most opportunities asked for.
    #[arg(long, default_value_t = 10)]
    pub limit: u32,
    /// Set the file's datetime to the window of opportunity N (1-based, as listed).
    #[arg(long, value_name = "N")]
    pub choose: Option<usize>,
}

/// `stapi status`.
#[derive(Args, Clone, Debug)]
pub struct StapiStatusArgs {
    /// An order id, the order's URL (the Location of its creation), or a STAPI order file
    /// (its receipt names the order).
    pub order: String,
}

/// What the STAPI commands need.
#[derive(Clone, Debug)]
pub struct StapiContext {
    pub config: StapiConfig,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    /// The `[lint]` rules, applied to the checks before a submission as `validate` does.
    pub lint: crate::config::LintSettings,
}

impl StapiContext {
    /// From the configuration and the global options.
    pub fn new(config: StapiConfig, global: &GlobalOptions) -> StapiContext {
        StapiContext {
            config,
            cache_dir: global.cache_dir.clone(),
            offline: global.offline,
            lint: crate::config::LintSettings::default(),
        }
    }

    /// The client of the configured server; `Ok(None)` when no url is configured.
    ///
    /// # Errors
    /// An invalid URL, or a `token-env` variable that is not set.
    pub fn client(&self) -> Result<Option<StapiClient>, String> {
        let Some(url) = &self.config.url else {
            return Ok(None);
        };
        let token = match &self.config.token_env {
            Some(name) => match std::env::var(name) {
                Ok(value) if !value.trim().is_empty() => Some(Secret::new(value.trim())),
                _ => {
                    return Err(format!(
                        "[stapi] token-env names {name}, which is not set in the environment"
                    ))
                }
            },
            None => None,
        };
        StapiClient::new(url, token, self.offline)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    fn require_client(&self) -> Result<StapiClient, String> {
        self.client()?.ok_or_else(|| {
            "no STAPI server is configured: add [stapi] url = \"https://...\" to tasking-ls.toml"
                .to_string()
        })
    }

    fn cache(&self) -> Option<StapiCache> {
        StapiCache::at(self.cache_dir.as_deref(), self.config.url.as_deref()?)
    }

    /// The product `path` is for, loaded (cache, server) as the checks read it.
    pub async fn product_for(&self, path: &Path) -> (SearchProduct, Provenance) {
        let Some(id) = self.config.product_for(path) else {
            let reason = no_product_reason();
            return (
                SearchProduct::unknown("(none)", reason.clone()),
                Provenance::Missing(reason),
            );
        };
        let client = self.client();
        let client = match &client {
            Ok(client) => client.as_ref(),
            Err(message) => {
                return (
                    SearchProduct::unknown(&id, message.clone()),
                    Provenance::Missing(message.clone()),
                )
            }
        };
        load_product(client, self.cache().as_ref(), &id, self.offline).await
    }
}

fn no_product_reason() -> String {
    "no product is configured for this file: set product in the [stapi] table of \
     tasking-ls.toml, or add a [[stapi.files]] entry whose pattern matches it"
        .to_string()
}

/// `validate`'s view of STAPI files, each under its nearest configuration (`config`): which
/// paths, and each one's product, loaded once per (server, product) (on a runtime of its
/// own, from whichever thread checks the first such file).
pub fn search_files(
    config: Arc<crate::config::nearest::NearestConfig>,
    global: &GlobalOptions,
) -> SearchFiles {
    type Loaded = std::collections::HashMap<(Option<String>, String), Arc<SearchProduct>>;
    let global = global.clone();
    let loaded: Arc<Mutex<Loaded>> = Arc::default();
    let stapi_of = {
        let config = config.clone();
        move |path: &Path| config.for_path(path).ok()
    };
    let is_order = {
        let stapi_of = stapi_of.clone();
        move |path: &Path| stapi_of(path).is_some_and(|s| s.stapi.is_order_file(path))
    };
    let resolve = move |path: &Path| -> Option<Arc<SearchProduct>> {
        let stapi = stapi_of(path)?.stapi.clone();
        let key = (
            stapi.url.clone(),
            stapi.product_for(path).unwrap_or_default(),
        );
        let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(product) = loaded.get(&key) {
            return Some(product.clone());
        }
        let ctx = StapiContext::new(stapi, &global);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let (product, provenance) = runtime.block_on(ctx.product_for(path));
        if let Provenance::Cached(why) = &provenance {
            if why != "fresh" {
                eprintln!("tasking-ls: STAPI product '{}': {why}", product.id);
            }
        }
        let product = Arc::new(product);
        loaded.insert(key, product.clone());
        Some(product)
    };
    SearchFiles {
        is_order: Some(Arc::new(is_order)),
        resolve: Some(Arc::new(resolve)),
    }
}

/// `tasking-ls stapi ...`.
pub async fn stapi(ctx: &StapiContext, args: &StapiArgs, console: &mut Console) -> i32 {
    match &args.command {
        StapiCommand::Products => products(ctx, console).await,
        StapiCommand::Opportunities(args) => opportunities(ctx, args, console).await,
        StapiCommand::Status(args) => status(ctx, &args.order, console).await,
    }
}

async fn products(ctx: &StapiContext, console: &mut Console) -> i32 {
    let client = match ctx.require_client() {
        Ok(c) => c,
        Err(message) => return refuse(console, &message),
    };
    let products = match client.products().await {
        Ok(p) => p,
        Err(e) => return super::report(console, &e),
    };
    if products.is_empty() {
        console.out(format!("{} lists no products.", client.url()));
        return EXIT_OK;
    }
    for product in &products {
        let text = |key: &str| product.get(key).and_then(Value::as_str).unwrap_or("");
        let conforms: Vec<&str> = product
            .get("conformsTo")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let types = crate::schema::search::geometry_types_from_conformance(conforms);
        let types = if types.is_empty() {
            "any geometry".to_string()
        } else {
            types.join(", ")
        };
        console.out(format!("{}\t{}\t{types}", text("id"), text("title")));
    }
    EXIT_OK
}

fn refuse(console: &mut Console, message: &str) -> i32 {
    console.err(format!("error: {message}"));
    EXIT_FAILURE
}

/// Reads and checks a STAPI order file as `validate` would; prints the findings to stderr.
/// `Ok((text, product, warnings))` when it has no error.
async fn checked_order(
    ctx: &StapiContext,
    console: &mut Console,
    path: &Path,
) -> Result<(String, SearchProduct, usize), i32> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        console.err(format!("error: {}: cannot read: {e}", path.display()));
        EXIT_FAILURE
    })?;
    let (product, provenance) = ctx.product_for(path).await;
    if let Provenance::Cached(why) = &provenance {
        if why != "fresh" {
            console.err(format!("note: product '{}': {why}", product.id));
        }
    }
    let store = crate::schema::SchemaStore::default();
    let mut options = CheckOptions::new(&store);
    options.search_product = Some(&product);
    options.unknown_product_is_error = true;
    options.costly_fixes = false;
    let result = crate::cli::report::check_bytes(
        path.display().to_string(),
        text.as_bytes().to_vec(),
        &options,
    );
    let warnings = super::show_findings(&ctx.lint, console, result)?;
    Ok((text, product, warnings))
}

/// `tasking-ls submit FILE` for a STAPI order file.
pub async fn submit(ctx: &StapiContext, args: &super::SubmitArgs, console: &mut Console) -> i32 {
    let client = match ctx.require_client() {
        Ok(c) => c,
        Err(message) => return refuse(console, &message),
    };
    let (text, product, warnings) = match checked_order(ctx, console, &args.file).await {
        Ok(found) => found,
        Err(code) => {
            if code == EXIT_REFUSED {
                refuse_for_errors(console, &args.file);
            }
            return code;
        }
    };
    let sha = Fingerprint::of(text.as_bytes());
    let (mut book, earlier) =
        match open_receipts(console, &args.file, ctx.cache_dir.as_deref(), &sha).await {
            Ok(found) => found,
            Err(code) => return code,
        };
    let endpoint = format!("POST /products/{}/orders", product.id);
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    console.out(format!(
        "Order for product {}{} on {} ({endpoint}).",
        product.id,
        if product.title.is_empty() {
            String::new()
        } else {
            format!(" ({})", product.title)
        },
        client.url()
    ));
    if let Some(window) = value.get("datetime").and_then(Value::as_str) {
        console.out(format!("Window: {window}"));
    }
    if warnings > 0 {
        console.out(format!(
            "The file has {warnings} warning{} (listed above).",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    if let Some(previous) = earlier.first() {
        console.out(format!(
            "This exact content was already submitted {}{} (see {}).",
            previous.describe(),
            previous.layout_note(&sha),
            book.path().display()
        ));
    }
    if let Err(code) = confirm_placement(
        console,
        args.yes,
        args.again,
        &earlier,
        "the server's order list",
    ) {
        return code;
    }
    if let Err(e) = book.begin(&sha, &product.id, client.url(), &endpoint) {
        return refuse(console, &e);
    }
    let result = client.place(&product.id, text.as_bytes().to_vec()).await;
    let (finish, mut code) = match &result {
        Ok(Placement::Created { order_id, .. }) => (
            Finish::Placed {
                order_ids: vec![order_id.clone()],
                workspace_id: client.url().to_string(),
                endpoint: endpoint.clone(),
            },
            EXIT_OK,
        ),
        Ok(Placement::Refused { .. }) => (Finish::NotPlaced, EXIT_REFUSED),
        Err(e) if e.kind() == ErrorKind::OutcomeUnknown => {
            (Finish::Unknown(e.to_string()), e.exit_code())
        }
        Err(e) => (Finish::NotPlaced, e.exit_code()),
    };
    let finished = book.finish(finish);
    match &result {
        Ok(Placement::Created {
            order_id, location, ..
        }) => {
            console.out(format!("Order placed: {order_id}"));
            if let Some(location) = location {
                console.out(format!("Location: {location}"));
            }
        }
        Ok(Placement::Refused { status, detail }) => {
            console.err(format!(
                "error: the server refused the order ({status}); nothing was placed:"
            ));
            for line in refusal_lines(&args.file, &text, detail) {
                console.err(line);
            }
        }
        Err(e) => {
            console.err(format!("error: {e}"));
            if e.kind() == ErrorKind::OutcomeUnknown {
                console.err(
                    "The submission is recorded with an unknown outcome: a rerun asks for \
                     --again. Check the server's order list before placing it again.",
                );
            }
        }
    }
    match (&finished.problem, &finished.path) {
        (None, Some(path)) => console.out(format!("Receipt: {}", path.display())),
        (Some(problem), fallback) => {
            console.err(format!(
                "error: THE RECEIPT NEXT TO THE FILE COULD NOT BE WRITTEN ({problem}){}",
                match fallback {
                    Some(path) =>
                        format!("; the receipt was written to {} instead", path.display()),
                    None => "; no receipt was written anywhere".to_string(),
                }
            ));
            code = EXIT_FAILURE;
        }
        (None, None) => {}
    }
    if let Ok(Placement::Created { .. }) = &result {
        console.out(format!(
            "Follow it with: tasking-ls status {}",
            args.file.display()
        ));
    }
    code
}

/// One line per refusal `detail` entry, `path:line:col: error[server]: message` at the node
/// its `loc` names (`["body", "order_parameters", "resolution"]`), the deepest one found.
pub fn refusal_lines(path: &Path, text: &str, detail: &Value) -> Vec<String> {
    let document = Document::new(text.to_string());
    let entries: Vec<Value> = match detail {
        Value::Array(items) => items.clone(),
        Value::Null => vec![],
        other => vec![other.clone()],
    };
    if entries.is_empty() {
        return vec![format!(
            "{}: error[server]: refused, with no detail",
            path.display()
        )];
    }
    let mut lines = Vec::new();
    for entry in entries.iter().take(50) {
        let message = entry
            .get("msg")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| match entry {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        let loc: Vec<Value> = entry
            .get("loc")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut node = document.root().map(Item::Borrowed);
        let mut shown = Vec::new();
        for part in loc.iter().skip_while(|p| p.as_str() == Some("body")) {
            let Some(current) = node.clone() else { break };
            let next = match part {
                Value::String(key) => member_of(&current, key),
                Value::Number(n) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| item_of(current.clone(), i)),
                _ => None,
            };
            match next {
                Some(found) => {
                    node = Some(found);
                    shown.push(match part {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                None => break,
            }
        }
        let offset = node.map_or(0, |n| n.range.start as usize);
        let at = document
            .line_index()
            .line_col(offset, PositionEncoding::Utf32);
        let field = if shown.is_empty() {
            String::new()
        } else {
            format!("{}: ", shown.join("."))
        };
        lines.push(format!(
            "{}:{}:{}: error[server]: {field}{message}",
            path.display(),
            at.line + 1,
            at.col + 1
        ));
    }
    lines
}

/// The order `arg` names: itself (an id or a URL), or the newest order of a file's receipt.
fn order_of(arg: &str) -> Result<String, String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(arg.to_string());
    }
    let receipt =
        read_receipt(path)?.ok_or_else(|| format!("{arg}: no receipt: it was not submitted"))?;
    receipt.order_id.clone().ok_or_else(|| {
        format!(
            "{arg}: its last submission has no order id ({})",
            receipt.describe()
        )
    })
}

/// `tasking-ls status` for a STAPI order (id, URL, or submitted file).
pub async fn status(ctx: &StapiContext, order: &str, console: &mut Console) -> i32 {
    let client = match ctx.require_client() {
        Ok(c) => c,
        Err(message) => return refuse(console, &message),
    };
    let id = match order_of(order) {
        Ok(id) => id,
        Err(message) => return refuse(console, &message),
    };
    let state = match client.order_status(&id).await {
        Ok(state) => state,
        Err(e) => return super::report(console, &e),
    };
    let found = &state.order;
    let order_id = found.get("id").and_then(Value::as_str).unwrap_or(&id);
    let product = found
        .pointer("/properties/product_id")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let current = state.current.as_ref();
    let code = |s: Option<&Value>| {
        s.and_then(|s| s.get("status_code"))
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string()
    };
    let when = |s: Option<&Value>| {
        s.and_then(|s| s.get("timestamp"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    console.out(format!("Order {order_id} (product {product})"));
    console.out(format!("Status: {} since {}", code(current), when(current)));
    if let Some(reason) = current
        .and_then(|s| s.get("reason_text"))
        .and_then(Value::as_str)
    {
        console.out(format!("Reason: {reason}"));
    }
    if !state.history.is_empty() {
        console.out("History (newest first):");
        for entry in &state.history {
            console.out(format!("  {}  {}", when(Some(entry)), code(Some(entry))));
        }
    }
    EXIT_OK
}

/// The body of an opportunity search for the STAPI order `order` (read from `file`): its
/// `datetime`, `geometry` and `filter`, and `limit`.
///
/// # Errors
/// The order lacks `datetime` or `geometry`.
fn search_body(file: &Path, order: &Value, limit: u32) -> Result<Value, String> {
    let mut search = serde_json::Map::new();
    for key in ["datetime", "geometry", "filter"] {
        if let Some(value) = order.get(key).filter(|v| !v.is_null()) {
            search.insert(key.to_string(), value.clone());
        }
    }
    for key in ["datetime", "geometry"] {
        if !search.contains_key(key) {
            return Err(format!(
                "{}: the order has no {key}; an opportunity search needs one",
                file.display()
            ));
        }
    }
    search.insert("limit".to_string(), Value::from(limit));
    Ok(Value::Object(search))
}

/// The provider's opportunities for the STAPI order `order` (read from `file`): `POST
/// /products/{id}/opportunities` with its `datetime`, `geometry`, `filter` and `limit`.
/// Returns the product id and the opportunity Features as the server sent them.
///
/// # Errors
/// A sentence: no server or product configured, the order lacks `datetime` or `geometry`,
/// `--offline`, or the server's error (its status and `detail`).
pub async fn provider_opportunities(
    ctx: &StapiContext,
    file: &Path,
    order: &Value,
    limit: u32,
) -> Result<(String, Vec<Value>), String> {
    let client = ctx.require_client()?;
    let product = ctx.config.product_for(file).ok_or_else(no_product_reason)?;
    let search = search_body(file, order, limit)?;
    let found = client
        .opportunities(&product, &search)
        .await
        .map_err(|e| e.to_string())?;
    Ok((product, found))
}

/// `tasking-ls stapi opportunities FILE`.
async fn opportunities(ctx: &StapiContext, args: &OpportunitiesArgs, console: &mut Console) -> i32 {
    let client = match ctx.require_client() {
        Ok(c) => c,
        Err(message) => return refuse(console, &message),
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            return refuse(
                console,
                &format!("{}: cannot read: {e}", args.file.display()),
            )
        }
    };
    let order: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return refuse(
                console,
                &format!(
                    "{}:{}:{}: not valid JSON: {e}",
                    args.file.display(),
                    e.line(),
                    e.column()
                ),
            )
        }
    };
    let Some(product) = ctx.config.product_for(&args.file) else {
        return refuse(console, &no_product_reason());
    };
    let search = match search_body(&args.file, &order, args.limit) {
        Ok(search) => search,
        Err(message) => return refuse(console, &message),
    };
    let found = match client.opportunities(&product, &search).await {
        Ok(found) => found,
        Err(e) => return super::report(console, &e),
    };
    if found.is_empty() {
        console.out("No opportunity in the order's window.");
        return EXIT_OK;
    }
    let windows: Vec<String> = found
        .iter()
        .map(|f| {
            f.pointer("/properties/datetime")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for (index, (feature, window)) in found.iter().zip(&windows).enumerate() {
        let extra: Vec<String> = feature
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "datetime" | "product_id"))
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect()
            })
            .unwrap_or_default();
        console.out(format!("{}. {window}  {}", index + 1, extra.join(" ")).trim_end());
    }
    let Some(choice) = args.choose else {
        console.out(format!(
            "Set the order's window to one of them with: tasking-ls stapi opportunities {} --choose N",
            args.file.display()
        ));
        return EXIT_OK;
    };
    let Some(window) = choice
        .checked_sub(1)
        .and_then(|i| windows.get(i))
        .filter(|w| !w.is_empty())
    else {
        return refuse(
            console,
            &format!(
                "--choose {choice}: there are {} opportunities",
                windows.len()
            ),
        );
    };
    match set_datetime(&args.file, &text, window) {
        Ok(()) => {
            console.out(format!("{}: datetime set to {window}", args.file.display()));
            EXIT_OK
        }
        Err(message) => refuse(console, &message),
    }
}

/// Replaces the `datetime` string of the file (only its bytes; the rest of the text, line
/// endings and BOM included, is kept), written atomically with the file's permissions.
fn set_datetime(path: &Path, text: &str, window: &str) -> Result<(), String> {
    let document = Document::new(text.to_string());
    let node = document
        .root()
        .and_then(|r| r.get("datetime"))
        .ok_or_else(|| format!("{}: no datetime to set", path.display()))?;
    let mut fixed = String::with_capacity(text.len() + window.len());
    fixed.push_str(&text[..node.range.start as usize]);
    fixed.push_str(&Value::String(window.to_string()).to_string());
    fixed.push_str(&text[node.range.end as usize..]);
    let permissions = std::fs::metadata(path).map(|m| m.permissions()).ok();
    crate::schema::cache::write_atomically(path, fixed.as_bytes()).map_err(|e| e.to_string())?;
    if let Some(permissions) = permissions {
        let _ = std::fs::set_permissions(path, permissions);
    }
    Ok(())
}
