//! `tasking-ls aoi set ORDER FILE`, `aoi info FILE` and `init --aoi FILE`: read the file (or
//! standard input) and its shapefile companions, hand the bytes to [`crate::aoi`], and write
//! the chosen polygons into the order atomically, keeping its mode and every other byte.
//! Checking the result is `validate`'s job; `main.rs` runs it on the written order.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::aoi::{self, write, Crs, Import, Selection, Source};
use crate::schema::SchemaStore;

use super::format::escape::control;
use super::EXIT_FAILURE;

/// The most an imported file may weigh (a 50 MB KML is a large export; this leaves room).
const MAX_INPUT: u64 = 512 * 1024 * 1024;

/// How to read the area and which of its features to take (`--feature`, `--union`, `--crs`).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct AoiOptions {
    /// Take this feature when the file holds several: its number as `aoi info` lists it
    /// (from 1), or its name.
    #[arg(long, value_name = "N|NAME", conflicts_with = "union")]
    pub feature: Option<String>,
    /// Merge every polygon of the file into one area (their union; a MultiPolygon when they
    /// do not touch).
    #[arg(long)]
    pub union: bool,
    /// The coordinate system of the file's positions when the file does not say (or says
    /// wrongly): EPSG:4326, EPSG:3857 or a WGS 84 UTM zone (EPSG:326zz/327zz).
    #[arg(long, value_name = "EPSG:CODE")]
    pub crs: Option<String>,
}

impl AoiOptions {
    fn selection(&self) -> Selection {
        match (&self.feature, self.union) {
            (_, true) => Selection::Union,
            (Some(feature), false) => Selection::from_argument(feature),
            (None, false) => Selection::Only,
        }
    }
}

/// The file read and imported: its name for messages and what it held.
pub struct Imported {
    pub shown: String,
    pub import: Import,
}

/// Reads FILE (`-`: standard input) with its companions and imports it.
///
/// # Errors
/// A message naming the file: unreadable, too large, or rejected by the reader.
pub fn import(file: &Path, crs: Option<&str>) -> Result<Imported, String> {
    let stdin = file.as_os_str() == "-";
    let shown = if stdin {
        "standard input".to_string()
    } else {
        control(&file.display().to_string()).into_owned()
    };
    let crs = crs
        .map(aoi::crs::parse_name)
        .transpose()
        .map_err(|e| format!("--crs: {e}"))?;
    let bytes = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        bytes
    } else {
        let handle = std::fs::File::open(file).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let mut bytes = Vec::new();
        handle
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        bytes
    };
    if bytes.len() as u64 > MAX_INPUT {
        return Err(format!(
            "{shown} is larger than {} MiB",
            MAX_INPUT / 1024 / 1024
        ));
    }
    let path = file.to_path_buf();
    // A shapefile's `.dbf` and `.prj` sit next to it, named like it (any case of extension).
    let sibling = move |extension: &str| -> Option<Vec<u8>> {
        if stdin {
            return None;
        }
        [extension.to_string(), extension.to_ascii_uppercase()]
            .iter()
            .find_map(|e| std::fs::read(companion(&path, e)).ok())
    };
    let name = if stdin {
        "-".to_string()
    } else {
        file.display().to_string()
    };
    let import = aoi::read(
        &Source {
            name: &name,
            bytes: &bytes,
            sibling: &sibling,
        },
        None,
        crs,
    )
    .map_err(|e| {
        let reason = e.reason;
        format!("{shown}: {reason}")
    })?;
    Ok(Imported { shown, import })
}

fn companion(path: &Path, extension: &str) -> PathBuf {
    path.with_extension(extension)
}

/// `aoi info FILE`: each feature's number, name, type, positions, area, bounding box and
/// validity (GEOS's rules, as `geometry.invalid` checks them).
pub fn info(file: &Path, options: &AoiOptions) -> i32 {
    let read = match import(file, options.crs.as_deref()) {
        Ok(read) => read,
        Err(message) => return fail(&message),
    };
    let import = &read.import;
    let mut out = format!(
        "{}: {}, {}, {} feature{}\n",
        read.shown,
        import.format.name(),
        import.crs.describe(),
        import.features.len(),
        if import.features.len() == 1 { "" } else { "s" }
    );
    for (i, feature) in import.features.iter().enumerate() {
        let name = feature.name.as_deref().map_or_else(
            || "(no name)".to_string(),
            |n| format!("\"{}\"", control(n)),
        );
        out.push_str(&format!("{:>3}  {name}  {}", i + 1, control(&feature.kind)));
        if feature.polygons.is_empty() {
            out.push_str("  no polygon\n");
            continue;
        }
        let faults: usize = feature
            .polygons
            .iter()
            .map(|p| {
                let rings: Vec<Vec<[f64; 2]>> = p.rings().cloned().collect();
                crate::check::geometry::validity_fault_count(&rings)
            })
            .sum();
        let holes: usize = feature.polygons.iter().map(|p| p.holes.len()).sum();
        out.push_str(&format!(
            "  {} polygon{}, {} hole{}, {} positions, {}",
            feature.polygons.len(),
            if feature.polygons.len() == 1 { "" } else { "s" },
            holes,
            if holes == 1 { "" } else { "s" },
            feature.vertices(),
            aoi::select::format_area(feature.area_m2())
        ));
        if let Some([w, s, e, n]) = feature.bbox() {
            out.push_str(&format!("  bbox [{w:.6}, {s:.6}, {e:.6}, {n:.6}]"));
        }
        if faults == 0 {
            out.push_str("  valid\n");
        } else {
            out.push_str(&format!(
                "  INVALID ({faults} fault{}; `validate` names them after import)\n",
                if faults == 1 { "" } else { "s" }
            ));
        }
    }
    super::output::print(&out)
}

/// `aoi set ORDER FILE`: the order's geometry replaced by the chosen polygons of FILE,
/// written atomically keeping the order's mode and every byte outside the geometry. `form`
/// says where the order keeps its geometry: [`write::OrderForm::Search`] with the product for
/// a STAPI order file (the caller knows from the configuration), else the envelope's place.
/// Returns `Ok(())` when the order was written (the caller then checks it).
///
/// # Errors
/// The message for stderr; the order is untouched.
pub fn set(
    order: &Path,
    file: &Path,
    options: &AoiOptions,
    store: &SchemaStore,
    form: write::OrderForm<'_>,
) -> Result<(), String> {
    let shown_order = control(&order.display().to_string()).into_owned();
    let text = std::fs::read(order).map_err(|e| format!("cannot read {shown_order}: {e}"))?;
    let text = String::from_utf8(text).map_err(|e| {
        format!(
            "{shown_order} is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let read = import(file, options.crs.as_deref())?;
    let (polygons, label) = aoi::choose(&read.import, &read.shown, &options.selection())?;
    let new_text = write::replace_geometry(&text, &polygons, store, form)
        .map_err(|e| format!("{shown_order} {e}"))?;
    super::fix::write_in_place(order, new_text.as_bytes())
        .map_err(|e| format!("cannot write {shown_order}: {e}"))?;
    let _ = super::output::print(&format!(
        "{}\n",
        summary(&shown_order, &read, &label, &polygons)
    ));
    Ok(())
}

fn summary(order: &str, read: &Imported, label: &str, polygons: &[aoi::Polygon]) -> String {
    let area: f64 = polygons.iter().map(aoi::polygon_area_m2).sum();
    let positions: usize = polygons.iter().flat_map(|p| p.rings()).map(Vec::len).sum();
    let reprojected = if read.import.crs == Crs::Wgs84 {
        String::new()
    } else {
        format!(", reprojected from {}", read.import.crs.describe())
    };
    format!(
        "{order}: geometry set from {} of {} ({}{reprojected}): {}, {positions} positions, {}",
        control(label),
        read.shown,
        read.import.format.name(),
        if polygons.len() == 1 {
            "Polygon".to_string()
        } else {
            format!("MultiPolygon of {}", polygons.len())
        },
        aoi::select::format_area(area)
    )
}

/// `init --aoi FILE NAME`: the skeleton of `init` with the imported geometry in place of
/// the placeholder. Returns the path written.
///
/// # Errors
/// The message for stderr; nothing is written.
pub fn init(
    store: &SchemaStore,
    product: &str,
    name: &str,
    dir: &Path,
    file: &Path,
    options: &AoiOptions,
) -> Result<PathBuf, String> {
    // `.` is left out, so messages and the check's report name the file as `init` printed it.
    let path = if dir == Path::new(".") {
        super::products::init_path(name)
    } else {
        dir.join(super::products::init_path(name))
    };
    if path.exists() {
        return Err(format!(
            "{} already exists; not overwriting it",
            path.display()
        ));
    }
    let read = import(file, options.crs.as_deref())?;
    let (polygons, label) = aoi::choose(&read.import, &read.shown, &options.selection())?;
    let display_name = Path::new(name)
        .file_name()
        .map_or(name.to_string(), |n| n.to_string_lossy().replace('_', " "));
    let skeleton = super::products::skeleton(store, product, &display_name)?;
    let text = write::replace_geometry(&skeleton, &polygons, store, write::OrderForm::Envelope)
        .map_err(|e| format!("the skeleton of {product} {e}"))?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let shown = control(&path.display().to_string()).into_owned();
    let _ = super::output::print(&format!("{}\n", summary(&shown, &read, &label, &polygons)));
    Ok(path)
}

fn fail(message: &str) -> i32 {
    eprintln!("tasking-ls: {message}");
    EXIT_FAILURE
}
