//! The `tasking-ls` command line: parses arguments and hands over to `cli::` or `lsp::`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

// Validation allocates many small tree nodes per file; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, called as the C allocator is: `mimalloc::MiMalloc` sends every request through
/// `mi_malloc_aligned`, whose slower path showed as a tenth of `validate`'s instructions
/// (callgrind, issue 27). A request whose alignment `mi_malloc` already guarantees (at most
/// 16 bytes and no more than the size, as std's `System` allocator reasons about `malloc`)
/// goes to `mi_malloc`; any other to `MiMalloc`. Both free with `mi_free`.
struct Allocator;

/// The alignment `mi_malloc` guarantees for a block of at least this size (`MI_MAX_ALIGN_SIZE`).
const MIN_ALIGN: usize = 16;

fn plain(layout: std::alloc::Layout) -> bool {
    layout.align() <= MIN_ALIGN && layout.align() <= layout.size()
}

// SAFETY: every block comes from mimalloc and goes back to it; `mi_malloc` and `mi_realloc`
// are given only layouts whose alignment they guarantee (see `plain`).
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout) {
            libmimalloc_sys::mi_malloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout) {
            libmimalloc_sys::mi_zalloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= MIN_ALIGN && layout.align() <= new_size {
            libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mimalloc::MiMalloc.realloc(ptr, layout, new_size)
        }
    }
}

use tasking_ls::cli::opportunities::OpportunitiesArgs;
use tasking_ls::cli::orders::stapi::{StapiArgs, StapiCommand, StapiContext};
use tasking_ls::cli::orders::{
    ApiContext, Console, FeasibilityArgs, QuotationArgs, QuoteArgs, SchemaFetchArgs, StatusArgs,
    SubmitArgs,
};
use tasking_ls::cli::{
    self, format::Format, output::ColorChoice, preview::PreviewArgs, validate::ValidateArgs,
    GlobalOptions,
};
use tasking_ls::config::{self, CommandLine, Effective};

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, v3: the 16th option);
/// libmimalloc-sys names no constant for it. The test below checks the index against the
/// option's default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long `serve` keeps freed pages before giving them back to the OS, ms: none. Tried on
/// the 8 MB order (benches/lsp, 2026-12-07): 100 ms and mimalloc's 1 s made an edit inside
/// its geometry faster (p50 3.9–4.1 ms against 5.5 ms) but left 94–129 MB resident at rest
/// against 52 MB, since mimalloc v3 purges only when next called after the delay, and the
/// idle `mi_collect` on another thread does not reach the worker threads' pages. The checks
/// allocate less per edit instead (no copy of the positions for the feasibility check).
const SERVER_PURGE_DELAY_MS: std::os::raw::c_long = 0;

/// mimalloc's `mi_option_arena_eager_commit` (its `mimalloc.h`, v3: the 5th option); the test
/// below checks the index against the option's default.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// For `serve`: mimalloc commits its arenas lazily. By default, on a system that overcommits
/// (Linux), it commits them eagerly, and what it then purges stays counted resident.
/// Measured with benches/lsp (2026-12-07, three runs each): the 8 MB order at rest 51.5–51.9 →
/// 48.2 MB, 100 typical orders 24.5 → 20.7–22.1 MB, 100 big orders 874 → 867–869 MB, edits
/// unchanged (p50 4.5–4.8 ms either way, within the run-to-run spread). Not for `validate`:
/// there lazy commit doubled the system time (the 10,000 files 1.35× slower).
///
/// It has to be set before the first allocation: mimalloc reserves its first arena then, and
/// the option only applies to arenas made after it. So it runs from `.init_array`, before
/// `main`, and looks for `serve` among the arguments glibc passes there (a `validate` of a
/// file named `serve` would be slower, not different). Other platforms keep the default.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[used]
#[unsafe(link_section = ".init_array")]
static LAZY_COMMIT_FOR_SERVE: extern "C" fn(
    std::os::raw::c_int,
    *const *const std::os::raw::c_char,
    *const *const std::os::raw::c_char,
) = lazy_commit_for_serve;

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
extern "C" fn lazy_commit_for_serve(
    argc: std::os::raw::c_int,
    argv: *const *const std::os::raw::c_char,
    _envp: *const *const std::os::raw::c_char,
) {
    if argv.is_null() {
        return;
    }
    for i in 1..usize::try_from(argc).unwrap_or(0) {
        // SAFETY: glibc calls `.init_array` functions with `argc` and `argv` as given to
        // `main`: `argv[0..argc]` are valid pointers to NUL-terminated strings.
        let arg = unsafe { *argv.add(i) };
        if arg.is_null() {
            return;
        }
        // SAFETY: as above, a NUL-terminated string that outlives this call.
        if unsafe { std::ffi::CStr::from_ptr(arg) }.to_bytes() == b"serve" {
            // SAFETY: `mi_option_set` takes two integers and only writes mimalloc's option
            // table.
            unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
            return;
        }
    }
}

/// How long `validate` keeps freed pages before giving them back to the OS: always (-1),
/// since the run ends soon and gives everything back then. With mimalloc's default
/// (1 s, checked when next called) a run over 10,000 orders gave back pages its workers then
/// faulted in again; in this VM a fresh page costs about 0.5 ms per MB to zero
/// (benches/README.md, issue 27).
const BATCH_PURGE_DELAY_MS: std::os::raw::c_long = -1;

/// Memory settings for `validate`: freed pages are kept for reuse until the process exits.
fn tune_memory_for_batch() {
    // SAFETY: `mi_option_set` takes two integers and only writes mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, BATCH_PURGE_DELAY_MS) }
}

/// Memory settings for `serve`, a process that lives as long as the editor and holds a few
/// documents: freed memory goes back to the OS at once (mimalloc v3 otherwise waits 1 s, and
/// then until it is next called), and no transparent huge pages, whose 2 MB grain keeps a
/// partly used page resident whole. Measured on the 7 MB order (benches/lsp): resident at
/// rest falls from 70–95 MB to about 50 MB, and 100 typical orders from 40–50 MB to about
/// 22 MB. `validate` keeps the defaults, which are faster for a short run.
fn tune_memory_for_server() {
    // SAFETY: `mi_option_set` takes two integers and only writes mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, SERVER_PURGE_DELAY_MS) }
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` takes integer arguments only and sets a flag of this
    // process; a failure (an old kernel) leaves huge pages on, which costs memory, not
    // correctness.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Gives the pages mimalloc holds free back to the OS now (whatever its threads still cache,
/// and any purge still pending), so a language server that went idle after checking a 7 MB
/// order holds what its documents need.
fn release_free_memory() {
    // SAFETY: `mi_collect` takes no pointers and has no preconditions; it walks mimalloc's
    // own structures under its own locks.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[derive(Parser, Debug)]
#[command(
    name = "tasking-ls",
    version,
    about = "Language server and validator for satellite tasking order requests"
)]
struct Cli {
    /// The configuration file (default: the nearest tasking-ls.toml in the checked path's
    /// folder or a parent, else in the current folder or a parent).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
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
    /// The credentials file (default: $TASKING_LS_CREDENTIALS, else
    /// ~/.config/tasking-ls/credentials.toml; the UP42_* variables win over those, not over
    /// this flag). It must be readable by its owner only (chmod 600).
    #[arg(long, global = true, value_name = "PATH")]
    credentials: Option<PathBuf>,
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
        /// How much text, in bytes, the open documents whose parse is kept may total; the
        /// least recently used parses beyond it are let go and made again when next needed
        /// (a parse takes about as much memory as its text).
        #[arg(long, value_name = "BYTES", default_value_t = tasking_ls::lsp::PARSE_BUDGET_BYTES)]
        parse_budget: usize,
    },
    /// Validate order request files (exit 0: no errors, 1: errors found, 2: usage or I/O failure).
    Validate(ValidateCli),
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
        /// Take the area of interest from FILE (GeoJSON, KML, KMZ, WKT, WKB hex, shapefile or
        /// a zipped one; `-` reads standard input), then check the new order.
        #[arg(long, value_name = "FILE")]
        aoi: Option<PathBuf>,
        #[command(flatten)]
        aoi_options: cli::aoi::AoiOptions,
        /// Apply the safe fixes to the new order (close rings, RFC 7946 winding, ...).
        #[arg(long, requires = "aoi")]
        fix: bool,
        /// The request's name: the file is NAME_tasking_request.json, displayName is NAME.
        name: String,
    },
    /// Import an area of interest from GeoJSON, KML/KMZ, WKT, WKB or a shapefile.
    Aoi {
        #[command(subcommand)]
        command: AoiCommand,
    },
    /// Print the effective configuration and where each value comes from.
    Config,
    /// Print a shell completion script (e.g. `tasking-ls completions bash > ~/.local/share/bash-completion/completions/tasking-ls`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
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
    /// Explain a diagnostic code: what it checks, why, an example, its fixes (docs/rules.md).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["code", "all"])))]
    Rule {
        /// The code, e.g. `schema.required`.
        code: Option<String>,
        /// Every code, in the order of the reference.
        #[arg(long)]
        all: bool,
        /// text for the terminal, json, or markdown (docs/rules.md is `--all --format markdown`).
        #[arg(long, value_enum, default_value_t = cli::rule::RuleFormat::Text)]
        format: cli::rule::RuleFormat,
    },
    /// Draw the order's area of interest on a map (SVG, PNG or an interactive HTML page) with
    /// its geometry problems; without -o, open an HTML page in the system viewer.
    Preview(PreviewArgs),
    /// STAPI (the open Sensor Tasking API): products, opportunities, order status.
    Stapi(StapiArgs),
    /// Access windows of the product's satellites over the order's AOI, within its window and
    /// incidence limit, from element sets you supply (docs/feasibility.md; no network).
    Opportunities(OpportunitiesArgs),
    /// Orbital element sets for the pass search: import files into the cache, show what is
    /// cached and how old, update from CelesTrak (only when asked; docs/feasibility.md).
    Elements(cli::elements::ElementsArgs),
}

#[derive(clap::Args, Debug)]
struct ValidateCli {
    /// Files or folders to check; a folder means every file matching the file patterns below
    /// it (.gitignore respected); `-` reads standard input. Default: the current folder.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Warnings fail the run too (also `strict = true` in tasking-ls.toml).
    #[arg(long)]
    strict: bool,
    /// Apply every safe fix to the files (stdin: print the fixed text), then report what remains.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Print the fixes as a unified diff and change nothing (exit 1 when there is one).
    #[arg(long)]
    diff: bool,
    /// Report only these codes or code prefixes (comma-separated, e.g. `geometry,dates.order`).
    #[arg(long, value_name = "CODES")]
    select: Vec<String>,
    /// Never report these codes or code prefixes (comma-separated).
    #[arg(long, value_name = "CODES")]
    ignore: Vec<String>,
    /// Print the findings only, no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Colour: auto (a terminal, unless NO_COLOR is non-empty; always under FORCE_COLOR or
    /// CLICOLOR_FORCE), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The name standard input is reported under (and the configuration is found from).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Exit 0 even when there are findings (a failure to read or write still exits 2).
    #[arg(long)]
    exit_zero: bool,
    /// A product without a schema is a warning, not an error (its params then go unchecked).
    #[arg(long)]
    allow_unknown_products: bool,
    /// Apply `exclude` to the paths named on the command line too (as ruff's flag does; the
    /// pre-commit hooks pass it, since pre-commit names every staged file).
    #[arg(long)]
    force_exclude: bool,
    /// Write a PNG map of each order with errors into DIR (for CI artefacts).
    #[arg(long, value_name = "DIR")]
    preview_dir: Option<PathBuf>,
    /// Also search the satellites' passes (feasibility.passes), from each order's
    /// [feasibility] elements and the element cache; off by default (SGP4 per order).
    #[arg(long)]
    passes: bool,
}

#[derive(Subcommand, Debug)]
enum AoiCommand {
    /// Replace the order's geometry with the area in FILE, keeping every other byte of the
    /// order, then check it as `validate` does.
    Set {
        /// The order request file to change.
        order: PathBuf,
        /// The area: .geojson/.json, .kml, .kmz, .wkt/.txt, .wkb (hex), .shp (with its .dbf
        /// and .prj beside it) or .zip; `-` reads standard input.
        file: PathBuf,
        #[command(flatten)]
        options: cli::aoi::AoiOptions,
        /// Apply the safe fixes after setting the geometry (close rings, RFC 7946 winding,
        /// antimeridian split...), as `validate --fix` does.
        #[arg(long)]
        fix: bool,
    },
    /// Describe each feature of FILE: type, positions, area, bounding box, validity.
    Info {
        /// The file, as for `aoi set`; `-` reads standard input.
        file: PathBuf,
        /// The coordinate system of the file's positions when the file does not say:
        /// EPSG:4326, EPSG:3857 or a WGS 84 UTM zone (EPSG:326zz/327zz).
        #[arg(long, value_name = "EPSG:CODE")]
        crs: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum SchemaCommand {
    /// List the product schemas known, with where each comes from.
    List,
    /// Print a product's schema.
    Show {
        /// The product id, or a unique start of it.
        id: String,
    },
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
    let code = run(cli);
    ExitCode::from(code as u8)
}

/// Where the configuration file is looked for: the first path `validate` checks (or the
/// `--stdin-filename`), the file `submit` or `quote` sends, else the current folder.
fn config_start(command: &Command) -> PathBuf {
    match command {
        Command::Submit(args) => return args.file.clone(),
        Command::Quote(args) => return args.file.clone(),
        Command::Preview(args) if args.order.as_os_str() != "-" => return args.order.clone(),
        Command::Opportunities(args) => return args.order.clone(),
        Command::Stapi(StapiArgs {
            command: StapiCommand::Opportunities(args),
        }) => return args.file.clone(),
        Command::Status(args) if std::path::Path::new(&args.order).is_file() => {
            return PathBuf::from(&args.order)
        }
        Command::Aoi {
            command: AoiCommand::Set { order, .. },
        } => return order.clone(),
        _ => {}
    }
    if let Command::Validate(args) = command {
        let first = args.paths.first();
        match (first, &args.stdin_filename) {
            (Some(path), Some(name)) if path.as_os_str() == "-" => return PathBuf::from(name),
            (Some(path), _) if path.as_os_str() != "-" => return path.clone(),
            _ => {}
        }
    }
    PathBuf::from(".")
}

fn run(cli: Cli) -> i32 {
    // The rules reference needs no configuration: a broken tasking-ls.toml must not hide it.
    if let Command::Rule { code, format, .. } = &cli.command {
        return cli::rule::run(code.as_deref(), *format);
    }
    let loaded = match &cli.config {
        Some(path) => Some(config::file::load(path)),
        None => config::file::discover(&config_start(&cli.command)).map(|p| config::file::load(&p)),
    };
    let loaded = match loaded.transpose() {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    let (strict, select, ignore) = match &cli.command {
        Command::Validate(args) => {
            let select = match (!args.select.is_empty())
                .then(|| config::parse_selectors(&args.select))
                .transpose()
            {
                Ok(select) => select,
                Err(message) => return fail(&format!("--select: {message}")),
            };
            let ignore = match (!args.ignore.is_empty())
                .then(|| config::parse_selectors(&args.ignore))
                .transpose()
            {
                Ok(ignore) => ignore,
                Err(message) => return fail(&format!("--ignore: {message}")),
            };
            (args.strict, select, ignore)
        }
        _ => (false, None, None),
    };
    let command_line = CommandLine {
        schema_dir: cli.schema_dir.clone(),
        cache_dir: cli.cache_dir.clone(),
        offline: cli.offline,
        api_url: cli.api_url.clone(),
        strict,
        select,
        ignore,
    };
    let effective = Effective::resolve(&command_line, loaded.as_ref());
    let mut global = effective.global_options();
    global.credentials = cli.credentials.clone();
    let stapi = match config::stapi::StapiConfig::from_config(loaded.as_ref()) {
        Ok(stapi) => stapi,
        Err(message) => return fail(&message),
    };
    let stapi_ctx = {
        let mut ctx = StapiContext::new(stapi.clone(), &global);
        ctx.lint = effective.lint();
        ctx
    };
    match cli.command {
        // The server takes only the flags as given (they win over editor settings); it reads
        // the configuration file itself, under the editor's settings.
        Command::Serve {
            stdio: _,
            parse_budget,
        } => {
            tune_memory_for_server();
            tasking_ls::lsp::run_stdio(
                GlobalOptions {
                    schema_dir: cli.schema_dir,
                    cache_dir: cli.cache_dir,
                    offline: cli.offline,
                    api_url: cli.api_url,
                    config: cli.config,
                    credentials: cli.credentials,
                },
                release_free_memory,
                parse_budget,
            )
        }
        Command::Validate(args) => with_store(&global, |store| {
            tune_memory_for_batch();
            // The store (schema-dir, cache-dir, offline) comes from the first path's
            // configuration; the lint rules, strictness, patterns and exclude from each file's
            // own nearest one, unless `--config` names one file for all.
            let config = std::sync::Arc::new(match &cli.config {
                Some(_) => {
                    let mut settings = config::FileSettings::from_effective(&effective);
                    settings.stapi = stapi.clone();
                    config::NearestConfig::fixed(settings)
                }
                None => config::NearestConfig::discovering(command_line),
            });
            cli::validate::run(
                &ValidateArgs {
                    paths: args.paths,
                    format: args.format,
                    fix: args.fix,
                    diff: args.diff,
                    quiet: args.quiet,
                    output_file: args.output_file,
                    color: args.color,
                    stdin_filename: args.stdin_filename,
                    exit_zero: args.exit_zero,
                    allow_unknown_products: args.allow_unknown_products,
                    search: cli::orders::stapi::search_files(config.clone(), &global),
                    config,
                    force_exclude: args.force_exclude,
                    preview_dir: args.preview_dir,
                    passes: args.passes.then(|| cli::validate::PassSearch {
                        cache: config::elements::ElementCache::at(global.cache_dir.as_deref()),
                    }),
                },
                store,
            )
        }),
        Command::Config => cli::output::print(
            &effective.describe(&provider_summary(&global, &effective.api_url.origin)),
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "tasking-ls", &mut script);
            cli::output::print(&String::from_utf8_lossy(&script))
        }
        Command::Products => with_store(&global, cli::products::products),
        Command::Schema {
            command: SchemaCommand::List,
        } => with_store(&global, cli::products::schema_list),
        Command::Schema {
            command: SchemaCommand::Show { id },
        } => with_store(&global, |store| cli::products::schema_show(store, &id)),
        Command::Quote(args) => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::quote(&ctx, &args, console).await })
        }),
        Command::Submit(args) if stapi.is_order_file(&args.file) => with_runtime(|console| {
            Box::pin(async move { cli::orders::stapi::submit(&stapi_ctx, &args, console).await })
        }),
        Command::Status(args) if stapi.is_order_file(std::path::Path::new(&args.order)) => {
            with_runtime(|console| {
                Box::pin(async move {
                    cli::orders::stapi::status(&stapi_ctx, &args.order, console).await
                })
            })
        }
        Command::Stapi(args) => with_runtime(|console| {
            Box::pin(async move { cli::orders::stapi::stapi(&stapi_ctx, &args, console).await })
        }),
        Command::Submit(args) => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::submit(&ctx, &args, console).await })
        }),
        Command::Status(args) => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::status(&ctx, &args, console).await })
        }),
        Command::Quotation(args) => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::quotation(&ctx, &args, console).await })
        }),
        Command::Feasibility(args) => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::feasibility(&ctx, &args, console).await })
        }),
        Command::Schema {
            command: SchemaCommand::Fetch(args),
        } => with_api(&global, effective.lint(), |ctx, console| {
            Box::pin(async move { cli::orders::schema_fetch(&ctx, &args, console).await })
        }),
        Command::Rule { code, format, .. } => cli::rule::run(code.as_deref(), format),
        Command::Preview(args) => with_store(&global, |store| {
            // A STAPI order is checked for the product its configuration names, as `validate`
            // does, so the map shows the same findings.
            let mut settings = config::FileSettings::from_effective(&effective);
            settings.stapi = stapi.clone();
            let search = cli::orders::stapi::search_files(
                std::sync::Arc::new(config::NearestConfig::fixed(settings)),
                &global,
            );
            let product = search.product_for(&args.order);
            cli::preview::run(
                &args,
                store,
                &effective.lint(),
                global.offline,
                product.as_deref(),
            )
        }),
        Command::Opportunities(args) if stapi.is_order_file(&args.order) => {
            let configured = loaded
                .as_ref()
                .map(|l| l.file.feasibility.elements.clone())
                .unwrap_or_default();
            let cache = config::elements::ElementCache::at(global.cache_dir.as_deref());
            with_runtime(|_console| {
                Box::pin(async move {
                    cli::opportunities::run_stapi(&args, &stapi_ctx, &configured, cache.as_ref())
                        .await
                })
            })
        }
        Command::Opportunities(args) => {
            let configured = loaded
                .as_ref()
                .map(|l| l.file.feasibility.elements.clone())
                .unwrap_or_default();
            with_store(&global, |store| {
                let cache = config::elements::ElementCache::at(global.cache_dir.as_deref());
                cli::opportunities::run(&args, store, &configured, cache.as_ref())
            })
        }
        Command::Elements(args) => {
            cli::elements::run(&args, global.cache_dir.as_deref(), global.offline)
        }
        Command::Init {
            product,
            aoi: None,
            name,
            ..
        } => with_store(&global, |store| {
            cli::products::init(store, product.as_deref(), &name, std::path::Path::new("."))
        }),
        Command::Init {
            product,
            aoi: Some(file),
            aoi_options,
            fix,
            name,
        } => with_store(&global, |store| {
            let product = product.as_deref().unwrap_or(cli::products::DEFAULT_PRODUCT);
            let dir = std::path::Path::new(".");
            match cli::aoi::init(store, product, &name, dir, &file, &aoi_options) {
                Ok(path) => check_written(&path, fix, command_line.clone(), &global, store),
                Err(message) => fail(&message),
            }
        }),
        Command::Aoi {
            command:
                AoiCommand::Set {
                    order,
                    file,
                    options,
                    fix,
                },
        } => with_store(&global, |store| {
            // A STAPI order file (by its nearest tasking-ls.toml) keeps its geometry at the top
            // level, of the types its product accepts; the same view then checks the result.
            let config =
                std::sync::Arc::new(config::NearestConfig::discovering(command_line.clone()));
            let search = cli::orders::stapi::search_files(config.clone(), &global);
            let product = search.product_for(&order);
            let form = match &product {
                Some(product) => tasking_ls::aoi::write::OrderForm::Search(product),
                None => tasking_ls::aoi::write::OrderForm::Envelope,
            };
            match cli::aoi::set(&order, &file, &options, store, form) {
                Ok(()) => check_written_with(&order, fix, config, search, store),
                Err(message) => fail(&message),
            }
        }),
        Command::Aoi {
            command: AoiCommand::Info { file, crs },
        } => cli::aoi::info(
            &file,
            &cli::aoi::AoiOptions {
                crs,
                ..Default::default()
            },
        ),
    }
}

/// After `aoi set` or `init --aoi`: the order goes through `validate` as the user would run
/// it (every check and lint rule of its nearest configuration), with `--fix` when asked.
fn check_written(
    path: &std::path::Path,
    fix: bool,
    command_line: CommandLine,
    global: &GlobalOptions,
    store: &tasking_ls::schema::SchemaStore,
) -> i32 {
    let config = std::sync::Arc::new(config::NearestConfig::discovering(command_line));
    let search = cli::orders::stapi::search_files(config.clone(), global);
    check_written_with(path, fix, config, search, store)
}

/// [`check_written`] with the configuration and the STAPI files' view already built (`aoi
/// set` built them to know where the order keeps its geometry; its product is loaded once).
fn check_written_with(
    path: &std::path::Path,
    fix: bool,
    config: std::sync::Arc<config::NearestConfig>,
    search: tasking_ls::config::stapi::SearchFiles,
    store: &tasking_ls::schema::SchemaStore,
) -> i32 {
    cli::validate::run(
        &ValidateArgs {
            paths: vec![path.to_path_buf()],
            format: Format::Human,
            fix,
            diff: false,
            quiet: false,
            output_file: None,
            color: ColorChoice::Auto,
            stdin_filename: None,
            exit_zero: false,
            allow_unknown_products: false,
            search,
            config,
            force_exclude: false,
            preview_dir: None,
            passes: None,
        },
        store,
    )
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

/// What `tasking-ls config` says about the provider: the API URL and its origin, where the
/// credentials come from (never their values), and whether they are withheld from that API.
fn provider_summary(global: &GlobalOptions, api_url_origin: &config::Origin) -> Vec<String> {
    use tasking_ls::api::{ApiConfig, CredentialsSource, SettingsOverrides};
    let overrides = SettingsOverrides {
        cli_api_url: global.api_url.clone(),
        credentials_file: global.credentials.clone(),
        ..Default::default()
    };
    let shown = tasking_ls::api::credentials::shown_url;
    match ApiConfig::from_env(&overrides) {
        Ok(api) => {
            let origin = match (&global.api_url, &api.source) {
                (Some(_), _) => api_url_origin.to_string(),
                (None, CredentialsSource::Flag(path) | CredentialsSource::File(path))
                    if api.settings.api_url != tasking_ls::api::DEFAULT_API_URL =>
                {
                    path.display().to_string()
                }
                _ => "default".to_string(),
            };
            let mut lines = vec![
                format!("api-url = \"{}\"  # {origin}", shown(&api.settings.api_url)),
                format!("credentials: {}", api.describe()),
            ];
            if api.credentials != tasking_ls::api::Credentials::None {
                if let Some(why) = api
                    .settings
                    .credentials_withheld(api.credentials.describe())
                {
                    lines.push(format!("credentials withheld from this API: {why}"));
                }
            }
            lines
        }
        Err(problem) => vec![
            format!(
                "api-url = \"{}\"  # {api_url_origin}",
                shown(
                    global
                        .api_url
                        .as_deref()
                        .unwrap_or(tasking_ls::api::DEFAULT_API_URL)
                )
            ),
            format!("credentials: refused: {problem}"),
        ],
    }
}

/// Runs an API subcommand on a runtime of its own, with the credentials of
/// `api::credentials` (flag, environment, credentials file).
fn with_api(
    global: &GlobalOptions,
    lint: config::LintSettings,
    run: impl for<'a> FnOnce(ApiContext, &'a mut Console) -> ApiFuture<'a>,
) -> i32 {
    let mut ctx = match ApiContext::from_env(global) {
        Ok(ctx) => ctx,
        Err(message) => return fail(&message),
    };
    ctx.lint = lint;
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

/// Runs a command that needs no UP42 credentials on a runtime of its own.
fn with_runtime(run: impl for<'a> FnOnce(&'a mut Console) -> ApiFuture<'a>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let mut console = Console::stdio();
    runtime.block_on(run(&mut console))
}

fn fail(message: &str) -> i32 {
    eprintln!("tasking-ls: {message}");
    cli::EXIT_FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option indices name mimalloc's options (its `mimalloc.h` has no constants for them
    /// in libmimalloc-sys): each default in v3 (`options.c`) is checked with its neighbours'.
    /// `MI_OPTION_PURGE_DELAY`: 1000 ms, between `eager_commit_delay` (1) and
    /// `use_numa_nodes` (0); `MI_OPTION_ARENA_EAGER_COMMIT`: 2 ("only where the OS
    /// overcommits"), between `deprecated_eager_commit` and `purge_decommits` (both 1). A
    /// mimalloc whose option order moved fails here instead of tuning the wrong option.
    #[test]
    fn the_option_indices_are_mimallocs() {
        // SAFETY: reads mimalloc's option table.
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        let cases = [
            ("MIMALLOC_PURGE_DELAY", MI_OPTION_PURGE_DELAY, [1, 1000, 0]),
            (
                "MIMALLOC_ARENA_EAGER_COMMIT",
                MI_OPTION_ARENA_EAGER_COMMIT,
                [1, 2, 1],
            ),
        ];
        for (variable, option, [before, default, after]) in cases {
            if std::env::var_os(variable).is_some() {
                continue;
            }
            assert_eq!(get(option - 1), before, "{variable}");
            assert_eq!(get(option), default, "{variable}");
            assert_eq!(get(option + 1), after, "{variable}");
        }
    }

    /// Every subcommand, at any depth, with its path (`quotation accept`).
    fn commands(command: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands() {
            let name = format!("{path} {}", sub.get_name()).trim().to_string();
            out.push((name.clone(), sub.clone()));
            commands(sub, name, out);
        }
    }

    #[test]
    fn every_command_argument_and_flag_is_described_in_help() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        let mut all = vec![(String::new(), cli.clone())];
        commands(&cli, String::new(), &mut all);
        let mut undescribed = Vec::new();
        for (path, command) in &all {
            if command.get_about().is_none() && !path.is_empty() && path != "help" {
                undescribed.push(format!("`{path}` has no description"));
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    undescribed.push(format!("`{path}`: argument `{id}` has no help"));
                }
            }
        }
        assert!(undescribed.is_empty(), "{undescribed:#?}");
        assert!(all.len() > 15, "{} commands found", all.len());
    }
}
