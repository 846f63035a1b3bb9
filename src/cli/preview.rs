//! `tasking-ls preview ORDER`: the order's areas of interest drawn on a map (SVG, PNG or an
//! interactive HTML page, chosen by the output's extension), and the PNGs that
//! `validate --preview-dir` writes for orders with errors. The drawing is `render`'s; this
//! file reads the order, writes the file atomically and opens the viewer.

use std::path::{Path, PathBuf};

use super::{EXIT_FAILURE, EXIT_OK};
use crate::check::{check_document, CheckOptions, Diagnostic};
use crate::config::LintSettings;
use crate::document::Document;
use crate::render::html::{self, Tiles};
use crate::render::{
    pass_layer, raster, render_for_raster, render_svg, scene_of, Options, PassElements, PassLayer,
};
use crate::schema::{SchemaStore, SearchProduct};

/// The largest order `preview` reads, as `validate` (256 MiB).
const MAX_ORDER_BYTES: u64 = 256 << 20;

/// Reads at most [`MAX_ORDER_BYTES`] (`validate` imports this module for `--preview-dir`, so
/// this one does not import `validate`'s reader).
fn read_capped(reader: impl std::io::Read, length: Option<u64>) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if length.is_some_and(|l| l > MAX_ORDER_BYTES) {
        return Err(format!(
            "over the {} MiB limit for an order request; not read",
            MAX_ORDER_BYTES >> 20
        ));
    }
    let mut bytes = Vec::new();
    reader
        .take(MAX_ORDER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_ORDER_BYTES {
        return Err(format!(
            "over the {} MiB limit for an order request; not read",
            MAX_ORDER_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// `tasking-ls preview`'s arguments.
#[derive(clap::Args, Clone, Debug)]
pub struct PreviewArgs {
    /// The order request file (`-` reads standard input).
    #[arg(value_name = "ORDER")]
    pub order: PathBuf,
    /// Where to write the picture: `.svg`, `.png` or `.html` (default: an HTML page in the
    /// temporary folder, opened in the system viewer).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only write the page and print its path; do not open a viewer.
    #[arg(long)]
    pub no_open: bool,
    /// The picture's size in pixels, WIDTHxHEIGHT (the map and the caption band).
    #[arg(long, value_name = "WxH", default_value = "800x600", value_parser = parse_size)]
    pub size: (u32, u32),
    /// The HTML page's optional online layer: an XYZ tile URL with {z}, {x} and {y}
    /// (default: OpenStreetMap's tiles). The layer is off until ticked in the page, and
    /// never offered with --offline.
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,
    /// The attribution shown with --tiles' layer.
    #[arg(long, value_name = "TEXT", requires = "tiles")]
    pub tiles_attribution: Option<String>,
    /// Element sets (OMM JSON, TLE or 3LE) for the passes drawn over the map: each access
    /// window's ground track and reachable strip (default: `[feasibility] elements` in
    /// tasking-ls.toml; satellites these files do not cover take their set from the element
    /// cache). Without any, the legend says the timing is unavailable.
    #[arg(long, value_name = "FILE")]
    pub elements: Vec<PathBuf>,
}

/// `WIDTHxHEIGHT`, each from 64 to 8192 pixels.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{text}` is not WIDTHxHEIGHT, e.g. 800x600"))?;
    let number = |s: &str| -> Result<u32, String> {
        let n: u32 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a whole number of pixels"))?;
        if (64..=8192).contains(&n) {
            Ok(n)
        } else {
            Err(format!("{n} pixels is outside 64..8192"))
        }
    };
    Ok((number(w)?, number(h)?))
}

/// What kind of file an output path asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Svg,
    Png,
    Html,
}

impl Kind {
    /// From the extension (case-insensitive); an error names the ones known.
    pub fn of(path: &Path) -> Result<Kind, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Kind::Svg),
            Some("png") => Ok(Kind::Png),
            Some("html" | "htm") => Ok(Kind::Html),
            _ => Err(format!(
                "{}: the output's extension must be .svg, .png or .html",
                path.display()
            )),
        }
    }
}

/// The picture of the order `text` (named `name` in the page's title) as bytes of `kind`.
/// `tiles`: the online layer the HTML page offers (`None`: offline page); `search`: the
/// product of a STAPI order (its findings are checked against it, as `validate` does).
/// `elements`: the sets the passes over the map are computed from (see [`pass_layer`]).
#[allow(clippy::too_many_arguments)]
pub fn picture(
    text: &str,
    name: &str,
    kind: Kind,
    size: (u32, u32),
    (store, search): (&SchemaStore, Option<&SearchProduct>),
    lint: &LintSettings,
    tiles: Option<&Tiles>,
    elements: PassElements<'_>,
) -> Result<Vec<u8>, String> {
    let document = Document::new(text);
    let mut options = CheckOptions::new(store);
    options.costly_fixes = false;
    options.search_product = search;
    let mut diagnostics = check_document(&document, &options);
    lint.apply(&mut diagnostics);
    let passes = pass_layer(&document, store, elements);
    picture_of(
        &document,
        &diagnostics,
        name,
        kind,
        size,
        store,
        tiles,
        passes,
    )
}

/// The element files `preview` reads for the order at `order`: `--elements` (then the cache
/// for the satellites they do not cover), else the order's configured files and the cache.
fn element_files(explicit: &[PathBuf], order: &Path) -> Vec<PathBuf> {
    if explicit.is_empty() {
        let at = if order.as_os_str() == "-" {
            std::env::current_dir().unwrap_or_default().join("-")
        } else {
            order.to_path_buf()
        };
        crate::config::elements::configured_for(&at)
    } else {
        crate::config::elements::with_cache(
            explicit.to_vec(),
            crate::config::elements::ElementCache::at(None).as_ref(),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn picture_of(
    document: &Document,
    diagnostics: &[Diagnostic],
    name: &str,
    kind: Kind,
    (width, height): (u32, u32),
    store: &SchemaStore,
    tiles: Option<&Tiles>,
    passes: Option<PassLayer>,
) -> Result<Vec<u8>, String> {
    let mut scene = scene_of(document, store, diagnostics);
    scene.passes = passes;
    let options = Options {
        width,
        height,
        ..Options::default()
    };
    let rendered = match kind {
        Kind::Png => render_for_raster(&scene, &options),
        Kind::Svg | Kind::Html => render_svg(&scene, &options),
    };
    Ok(match kind {
        Kind::Svg => rendered.svg.into_bytes(),
        Kind::Png => raster::png_of(&rendered).map_err(|e| e.to_string())?,
        Kind::Html => html::page(
            &rendered,
            [width, height],
            &format!("{name}: area of interest"),
            tiles,
        )
        .into_bytes(),
    })
}

/// Runs `preview`; returns the exit status (0, or 2 when the order cannot be read or the
/// picture written). `search`: the product of a STAPI order file (from tasking-ls.toml),
/// which its findings are checked against.
pub fn run(
    args: &PreviewArgs,
    store: &SchemaStore,
    lint: &LintSettings,
    offline: bool,
    search: Option<&SearchProduct>,
) -> i32 {
    let fail = |message: String| {
        eprintln!("tasking-ls: {message}");
        EXIT_FAILURE
    };
    let (name, bytes) = if args.order.as_os_str() == "-" {
        match read_capped(std::io::stdin().lock(), None) {
            Ok(bytes) => ("-".to_string(), bytes),
            Err(e) => return fail(format!("standard input: {e}")),
        }
    } else {
        let file = match std::fs::File::open(&args.order) {
            Ok(file) => file,
            Err(e) => return fail(format!("{}: cannot read file: {e}", args.order.display())),
        };
        let length = file.metadata().map(|m| m.len()).ok();
        match read_capped(file, length) {
            Ok(bytes) => (args.order.display().to_string(), bytes),
            Err(e) => return fail(format!("{}: {e}", args.order.display())),
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let (path, kind) = match &args.output {
        Some(path) => match Kind::of(path) {
            Ok(kind) => (path.clone(), kind),
            Err(message) => return fail(message),
        },
        None => (default_page_path(&args.order), Kind::Html),
    };
    let tiles = (!offline).then(|| match &args.tiles {
        Some(url) => Tiles {
            url: url.clone(),
            attribution: args
                .tiles_attribution
                .clone()
                .unwrap_or_else(|| format!("tiles: {url}")),
        },
        None => Tiles::osm(),
    });
    let files = element_files(&args.elements, &args.order);
    let read = (!files.is_empty()).then(|| crate::config::elements::read(&files));
    let elements = match &read {
        None => PassElements::Missing,
        Some(Ok(sets)) => PassElements::Sets(sets),
        Some(Err(message)) => PassElements::Unreadable(message),
    };
    let bytes = match picture(
        &text,
        &name,
        kind,
        args.size,
        (store, search),
        lint,
        tiles.as_ref(),
        elements,
    ) {
        Ok(bytes) => bytes,
        Err(message) => return fail(format!("{name}: {message}")),
    };
    if let Err(message) = write_atomically(&path, &bytes) {
        return fail(message);
    }
    println!("{}", path.display());
    if args.output.is_none() && !args.no_open && !open_viewer(&path) {
        eprintln!(
            "tasking-ls: no viewer found (xdg-open, open or start); open {} yourself",
            path.display()
        );
    }
    EXIT_OK
}

/// `<temp>/tasking-ls-preview/<order's stem>.html`.
fn default_page_path(order: &Path) -> PathBuf {
    let stem = order
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "-")
        .unwrap_or("stdin");
    std::env::temp_dir()
        .join("tasking-ls-preview")
        .join(format!("{stem}.html"))
}

/// Opens `path` with the system's viewer (xdg-open on Linux and BSD, open on macOS, start on
/// Windows), without waiting for it; false when none could be started.
fn open_viewer(path: &Path) -> bool {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees half a picture; creates the folder. An existing file's permissions
/// are kept.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("{}: cannot create the folder: {e}", folder.display()))?;
    let mut temp =
        tempfile_in(&folder).map_err(|e| format!("{}: cannot write: {e}", folder.display()))?;
    use std::io::Write as _;
    temp.1
        .write_all(bytes)
        .and_then(|()| temp.1.sync_all())
        .map_err(|e| format!("{}: cannot write: {e}", temp.0.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&temp.0, meta.permissions());
    }
    std::fs::rename(&temp.0, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp.0);
        format!("{}: cannot write: {e}", path.display())
    })
}

/// A new file `.tasking-ls-preview-<pid>-<n>.tmp` in `folder`, created exclusively.
fn tempfile_in(folder: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!(
            ".tasking-ls-preview-{}-{n}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// For `validate --preview-dir`: the PNG of a checked order (with its diagnostics as
/// reported) written to `dir/<path with each /, \ and : as _>.png`; returns that path.
pub fn write_preview_png(
    dir: &Path,
    path: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    store: &SchemaStore,
) -> Result<PathBuf, String> {
    let document = Document::new(text);
    let bytes = picture_of(
        &document,
        diagnostics,
        path,
        Kind::Png,
        (800, 600),
        store,
        None,
        None,
    )?;
    let name: String = path
        .trim_start_matches("./")
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let target = dir.join(format!("{name}.png"));
    write_atomically(&target, &bytes)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_kinds() {
        assert_eq!(parse_size("800x600"), Ok((800, 600)));
        assert!(parse_size("10x600").is_err());
        assert!(parse_size("800").is_err());
        assert_eq!(Kind::of(Path::new("a.PNG")), Ok(Kind::Png));
        assert!(Kind::of(Path::new("a.jpg")).is_err());
    }
}
