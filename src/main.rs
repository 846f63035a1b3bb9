//! The `tasking-ls` command line: parses arguments and hands over to `cli::` or `lsp::`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Validation allocates many small tree nodes per file; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tasking_ls::cli::orders::{
    ApiContext, Console, FeasibilityArgs, QuotationArgs, QuoteArgs, SchemaFetchArgs, StatusArgs,
    SubmitArgs,
};
use tasking_ls::cli::{self, format::Format, validate::ValidateArgs, GlobalOptions};

#[derive(Parser, Debug)]
#[command(
    name = "tasking-ls",
    version,
    about = "Language server and validator for satellite tasking order requests"
)]
struct Cli {
    /// Extra product schemas (`<product-id>.json`), taking precedence over bundled and cached ones.
    #[arg(long, global = true, value_name = "DIR")]
    schema_dir: Option<PathBuf>,
    /// Where fetched schemas are cached (default: the user's cache directory).
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Never touch the network.
    #[arg(long, global = true)]
    offline: bool,
    /// The provider's API (default: $UP42_API_URL, else https://api.up42.com).
    #[arg(long, global = true, value_name = "URL")]
    api_url: Option<String>,
    /// Log to stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server on stdio.
    Serve {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Validate order request files (a directory means every *_tasking_request.json below it; `-` reads stdin).
    Validate {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Warnings fail the run too.
        #[arg(long)]
        strict: bool,
    },
    /// List the data products known.
    Products,
    /// Inspect and refresh product schemas.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Write NAME_tasking_request.json, a request skeleton for a product.
    Init {
        /// The data product (default: the Pléiades analytic tasking product).
        #[arg(long, value_name = "ID")]
        product: Option<String>,
        name: String,
    },
    /// Ask the API for the cost estimate of the order in FILE.
    Quote(QuoteArgs),
    /// Place the order in FILE (asks for confirmation unless --yes).
    Submit(SubmitArgs),
    /// Show an order's status, sub-status, quotations and feasibility studies.
    Status(StatusArgs),
    /// Accept or reject a quotation.
    Quotation(QuotationArgs),
    /// Choose an option of a feasibility study.
    Feasibility(FeasibilityArgs),
}

#[derive(Subcommand, Debug)]
enum SchemaCommand {
    /// List the product schemas known, with where each comes from.
    List,
    /// Print a product's schema.
    Show { id: String },
    /// Fetch schemas from the API into the cache (or, with --into, into a directory).
    Fetch(SchemaFetchArgs),
}

fn init_logging(verbose: u8) {
    if verbose == 0 {
        return;
    }
    let level = if verbose == 1 { "info" } else { "debug" };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "tasking_ls={level}"
        )))
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let global = GlobalOptions {
        schema_dir: cli.schema_dir.clone(),
        cache_dir: cli.cache_dir.clone(),
        offline: cli.offline,
        api_url: cli.api_url.clone(),
    };
    let code = match cli.command {
        Command::Serve { stdio: _ } => tasking_ls::lsp::run_stdio(global),
        Command::Validate {
            paths,
            format,
            strict,
        } => match cli::load_store(&global) {
            Ok(store) => cli::validate::run(
                &ValidateArgs {
                    paths,
                    format,
                    strict,
                },
                &store,
            ),
            Err(message) => fail(&message),
        },
        Command::Products => with_store(&global, cli::products::products),
        Command::Schema {
            command: SchemaCommand::List,
        } => with_store(&global, cli::products::schema_list),
        Command::Schema {
            command: SchemaCommand::Show { id },
        } => with_store(&global, |store| cli::products::schema_show(store, &id)),
        Command::Quote(args) => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::quote(&ctx, &args, console).await })
        }),
        Command::Submit(args) => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::submit(&ctx, &args, console).await })
        }),
        Command::Status(args) => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::status(&ctx, &args, console).await })
        }),
        Command::Quotation(args) => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::quotation(&ctx, &args, console).await })
        }),
        Command::Feasibility(args) => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::feasibility(&ctx, &args, console).await })
        }),
        Command::Schema {
            command: SchemaCommand::Fetch(args),
        } => with_api(&global, |ctx, console| {
            Box::pin(async move { cli::orders::schema_fetch(&ctx, &args, console).await })
        }),
        Command::Init { product, name } => with_store(&global, |store| {
            cli::products::init(store, product.as_deref(), &name, std::path::Path::new("."))
        }),
    };
    ExitCode::from(code as u8)
}

fn with_store(
    global: &GlobalOptions,
    run: impl FnOnce(&tasking_ls::schema::SchemaStore) -> i32,
) -> i32 {
    match cli::load_store(global) {
        Ok(store) => run(&store),
        Err(message) => fail(&message),
    }
}

type ApiFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = i32> + 'a>>;

/// Runs an API subcommand on a runtime of its own, with credentials from the environment.
fn with_api(
    global: &GlobalOptions,
    run: impl for<'a> FnOnce(ApiContext, &'a mut Console) -> ApiFuture<'a>,
) -> i32 {
    let ctx = match ApiContext::from_env(
        global.api_url.clone(),
        global.cache_dir.clone(),
        global.schema_dir.clone(),
        global.offline,
    ) {
        Ok(ctx) => ctx,
        Err(message) => return fail(&message),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let mut console = Console::stdio();
    runtime.block_on(run(ctx, &mut console))
}

fn fail(message: &str) -> i32 {
    eprintln!("tasking-ls: {message}");
    cli::EXIT_FAILURE
}
