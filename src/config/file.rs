//! `tasking-ls.toml`: the configuration file the command line and the language server both
//! read, how it is found (the folder of the file being checked, then each parent), and how
//! relative paths in it resolve (against the file's own folder, as ruff and eslint do).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check::{Code, Severity};

/// The configuration file's name, looked for in a folder and each of its parents.
pub const CONFIG_FILE_NAME: &str = "tasking-ls.toml";

/// The largest configuration file read; a bigger one is a mistake, not a configuration.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The keys of `tasking-ls.toml` (kebab-case, as in the file). Every key is optional; a key
/// that is absent leaves the default (or the command-line flag, or the editor setting).
/// Unknown keys are an error, so that a typo does not silently configure nothing.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Extra `<product-id>.json` schemas; relative to the configuration file's folder.
    pub schema_dir: Option<PathBuf>,
    /// Where fetched schemas are cached; relative to the configuration file's folder.
    pub cache_dir: Option<PathBuf>,
    /// Which files are order requests (globs; see [`super::patterns`]).
    pub file_patterns: Option<Vec<String>>,
    /// Warnings fail `validate` too.
    pub strict: Option<bool>,
    /// Never touch the network.
    pub offline: Option<bool>,
    /// Paths never checked by a directory walk (globs with the file patterns' meaning).
    pub exclude: Option<Vec<String>>,
    /// `[lint]`: which diagnostic codes are reported, and at which severity.
    #[serde(default)]
    pub lint: LintTable,
    /// `[stapi]`: the STAPI server and products for STAPI order files (see
    /// [`super::stapi`]).
    pub stapi: Option<StapiTable>,
    /// `[feasibility]`: orbital element files for `opportunities` (docs/feasibility.md).
    #[serde(default)]
    pub feasibility: FeasibilityTable,
    /// `[rules."<product-id>"]`: acceptance limits per product, over the bundled ones
    /// (`max-vertices`, `min-area-km2`, `max-area-km2`, `minimum-charge-km2`, `min-width-km`,
    /// `max-width-km`, `min-height-km`, `max-height-km`, `sliver-mean-width-m`, `holes`,
    /// `multipolygon`; docs/acceptance.md).
    #[serde(default)]
    pub rules: crate::check::aoi::RuleOverrides,
}

/// The `[feasibility]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeasibilityTable {
    /// Element set files (OMM JSON, TLE or 3LE) the pass search reads when no `--elements`
    /// is given; relative to the configuration file's folder.
    #[serde(default)]
    pub elements: Vec<PathBuf>,
}

/// The `[stapi]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StapiTable {
    /// The server's root (its landing page), e.g. `https://stapi.example.com`.
    pub url: Option<String>,
    /// The product id STAPI order files are for, unless a `[[stapi.files]]` entry says
    /// otherwise.
    pub product: Option<String>,
    /// The environment variable holding a bearer token for the server.
    pub token_env: Option<String>,
    /// `[[stapi.files]]`: per-pattern products, the first matching entry wins.
    #[serde(default)]
    pub files: Vec<StapiFiles>,
    /// The constellation table's entry whose satellites the product tasks (a collection
    /// name such as `pneo-tasking`, or a title such as `Pléiades Neo`), for the pass search
    /// `opportunities` runs beside the provider's; unless a `[[stapi.files]]` entry says
    /// otherwise.
    pub constellation: Option<String>,
}

/// One `[[stapi.files]]` entry.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StapiFiles {
    /// A file pattern (the meaning of [`super::patterns`]); matching files are STAPI orders.
    pub pattern: String,
    /// The product id those files are for.
    pub product: String,
    /// The constellation of that product (as `[stapi] constellation`).
    pub constellation: Option<String>,
}

/// The `[lint]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintTable {
    /// Only these codes (or code prefixes such as `geometry`) are reported.
    pub select: Option<Vec<String>>,
    /// These codes (or prefixes) are never reported.
    pub ignore: Option<Vec<String>>,
    /// `[lint.severity]`: `"code" = "error" | "warning"`, per code (or prefix).
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityName>,
}

/// A severity as written in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
}

impl From<SeverityName> for Severity {
    fn from(name: SeverityName) -> Severity {
        match name {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
        }
    }
}

/// A configuration file that was found and read.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedConfig {
    /// The file's path, as found (absolute when discovered from an absolute folder).
    pub path: PathBuf,
    /// Its keys, with relative paths already resolved against the file's folder.
    pub file: ConfigFile,
}

/// The nearest `tasking-ls.toml` in `start` or one of its parents, if any. `start` may be a
/// file (its folder is searched first) or a folder; a relative `start` is taken from the
/// current directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let mut folder = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(dir) = folder {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        folder = dir.parent();
    }
    None
}

/// Reads and checks a configuration file.
///
/// # Errors
/// A message naming the file and, for a syntax error, an unknown key, a wrong type or an
/// unknown diagnostic code, the line and column (1-based) where it is.
pub fn load(path: &Path) -> Result<LoadedConfig, String> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    if metadata.len() > MAX_CONFIG_BYTES {
        return Err(format!(
            "{shown}: {} bytes; a configuration file is at most {MAX_CONFIG_BYTES} bytes",
            metadata.len()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut file = parse(&text).map_err(|e| format!("{shown}:{e}"))?;
    let folder = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    for dir in [&mut file.schema_dir, &mut file.cache_dir]
        .into_iter()
        .flatten()
        .chain(file.feasibility.elements.iter_mut())
    {
        if dir.is_relative() {
            *dir = folder.join(&*dir);
        }
    }
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        file,
    })
}

/// Parses the text of a configuration file.
///
/// # Errors
/// `line:column: message` (1-based) for the first problem.
pub fn parse(text: &str) -> Result<ConfigFile, String> {
    let file: ConfigFile = toml::from_str(text).map_err(|error| {
        let at = error
            .span()
            .map_or_else(String::new, |span| position(text, span.start));
        format!("{at} {}", error.message().trim_end())
    })?;
    let check = |what: &str, codes: &[String]| -> Result<(), String> {
        for code in codes {
            if !code_selector_is_known(code) {
                let at = text.find(&format!("\"{code}\"")).unwrap_or(0);
                return Err(format!(
                    "{} {what}: unknown diagnostic code '{code}' (known: {})",
                    position(text, at),
                    known_codes()
                ));
            }
        }
        Ok(())
    };
    check("[lint] select", file.lint.select.as_deref().unwrap_or(&[]))?;
    if file.lint.select.as_ref().is_some_and(Vec::is_empty) {
        // The `select` key's line (a comment or another key may say "select" earlier).
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with("select") {
                at += line.len() - line.trim_start().len();
                break;
            }
            at += line.len();
        }
        return Err(format!(
            "{} [lint] select = []: {}",
            position(text, at),
            super::EMPTY_SELECTION
        ));
    }
    check("[lint] ignore", file.lint.ignore.as_deref().unwrap_or(&[]))?;
    let severity_keys: Vec<String> = file.lint.severity.keys().cloned().collect();
    check("[lint.severity]", &severity_keys)?;
    for (what, patterns) in [
        ("file-patterns", &file.file_patterns),
        ("exclude", &file.exclude),
    ] {
        if let Some(patterns) = patterns {
            if let Err(message) = super::patterns::FilePatterns::new(patterns) {
                return Err(format!(" {what}: {message}"));
            }
        }
    }
    Ok(file)
}

/// `line:column:` (1-based, columns in characters) of a byte offset.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    format!("{line}:{column}:")
}

/// True when `selector` is a diagnostic code or the part of codes before a dot
/// (`geometry` selects every `geometry.*` code), or `ALL`.
pub fn code_selector_is_known(selector: &str) -> bool {
    selector == "ALL"
        || Code::ALL
            .iter()
            .any(|code| selector_matches(selector, *code))
}

/// True when `selector` (a code, a prefix before a dot, or `ALL`) covers `code`.
pub fn selector_matches(selector: &str, code: Code) -> bool {
    let code = code.as_str();
    selector == "ALL"
        || code == selector
        || code
            .strip_prefix(selector)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The known codes, comma-separated, for error messages.
pub fn known_codes() -> String {
    Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let file = parse(
            r#"
schema-dir = "schemas"
cache-dir = ".cache/tasking-ls"
file-patterns = ["*_tasking_request.json", "orders/{a,b}/*.json"]
strict = true
offline = true
exclude = ["drafts"]

[lint]
select = ["ALL"]
ignore = ["dates.past", "geometry"]

[lint.severity]
"geometry.winding" = "error"
"#,
        )
        .unwrap();
        assert_eq!(file.strict, Some(true));
        assert_eq!(
            file.lint.ignore.as_deref(),
            Some(&["dates.past".to_string(), "geometry".to_string()][..])
        );
        assert_eq!(
            file.lint.severity.get("geometry.winding"),
            Some(&SeverityName::Error)
        );
    }

    #[test]
    fn mistakes_are_located() {
        let error = parse("strict = true\nfile-pattern = [\"x\"]\n").unwrap_err();
        assert!(
            error.starts_with("2:1: unknown field `file-pattern`"),
            "{error}"
        );
        let error = parse("strict = \"yes\"\n").unwrap_err();
        assert!(error.starts_with("1:10:"), "{error}");
        let error = parse("[lint]\nignore = [\"dates.pats\"]\n").unwrap_err();
        assert!(
            error.starts_with("2:11: [lint] ignore: unknown diagnostic code 'dates.pats'"),
            "{error}"
        );
        let error = parse("# select nothing?\n[lint]\n  select = []\n").unwrap_err();
        assert!(
            error.starts_with("3:3: [lint] select = []: the selection is empty"),
            "{error}"
        );
        let error = parse("file-patterns = [\"{a,b\"]\n").unwrap_err();
        assert!(error.contains("file-patterns"), "{error}");
    }

    #[test]
    fn selectors_cover_codes_and_prefixes() {
        assert!(selector_matches("geometry", Code::GeometryWinding));
        assert!(selector_matches("geometry.winding", Code::GeometryWinding));
        assert!(!selector_matches("geo", Code::GeometryWinding));
        assert!(!selector_matches("geometry.wind", Code::GeometryWinding));
        assert!(selector_matches("ALL", Code::Syntax));
        assert!(!code_selector_is_known("dates.pats"));
    }
}
