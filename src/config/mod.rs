//! What the command line and the language server share: the global options, the
//! `tasking-ls.toml` configuration file (`file`), file patterns (`patterns`), lint rules
//! (`lint`), the schema store they load, and the process exit statuses. Neutral ground, so
//! that `lsp` never imports `cli` (and `cli` never imports `lsp`).

pub mod elements;
pub mod file;
pub mod lint;
pub mod nearest;
pub mod patterns;
pub mod stapi;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use file::{ConfigFile, LoadedConfig, CONFIG_FILE_NAME};
pub use lint::LintSettings;
pub use nearest::{FileSettings, NearestConfig};
pub use patterns::{FilePatterns, DEFAULT_FILE_PATTERNS};

use crate::check::Severity;
use crate::schema::SchemaStore;

/// Exit status: no errors (warnings allowed). Design, "validate output formats".
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one error (or a warning under `--strict`); also the language
/// server's status after `exit` without `shutdown` (LSP's `exit` notification).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: a usage or I/O failure.
pub const EXIT_FAILURE: i32 = 2;

/// Options every subcommand and the server share, from the command line (and, for the
/// command line, the configuration file beneath it).
#[derive(Clone, Debug, Default)]
pub struct GlobalOptions {
    /// `--schema-dir`: extra `<product-id>.json` schemas that take precedence.
    pub schema_dir: Option<PathBuf>,
    /// `--cache-dir`: where fetched schemas are cached (default: the platform's cache dir).
    pub cache_dir: Option<PathBuf>,
    /// `--offline`: never touch the network.
    pub offline: bool,
    /// `--api-url`: the provider's API base URL.
    pub api_url: Option<String>,
    /// `--config`: the configuration file named on the command line (the server reads it in
    /// place of discovering one from the workspace folder).
    pub config: Option<PathBuf>,
    /// `--credentials`: the credentials file, beating the environment and the default file
    /// (`api::credentials`).
    pub credentials: Option<PathBuf>,
}

/// The schemas a command sees: bundled, then the disk cache, then `--schema-dir`.
///
/// # Errors
/// The text of the first `--schema-dir` file that cannot be read or is not a schema.
pub fn load_store(options: &GlobalOptions) -> Result<SchemaStore, String> {
    let mut store = SchemaStore::bundled();
    crate::schema::cache::load_into(&mut store, options.cache_dir.as_deref());
    if let Some(dir) = &options.schema_dir {
        store.load_dir(dir).map_err(|e| e.to_string())?;
    }
    Ok(store)
}

/// Where an effective value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Nothing set it.
    Default,
    /// The configuration file at this path.
    File(PathBuf),
    /// This command-line flag.
    Flag(&'static str),
    /// This environment variable.
    Environment(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Flag(flag) => write!(f, "command line {flag}"),
            Origin::Environment(name) => write!(f, "environment ${name}"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    fn default(value: T) -> Self {
        Sourced {
            value,
            origin: Origin::Default,
        }
    }
}

/// What the command line set (`None`/`false`: not given).
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    pub schema_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    pub api_url: Option<String>,
    pub strict: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
}

/// The configuration in force for one command, each value with its origin. Precedence:
/// command-line flag > configuration file > default (design, "Configuration").
#[derive(Clone, Debug)]
pub struct Effective {
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    pub schema_dir: Sourced<Option<PathBuf>>,
    pub cache_dir: Sourced<Option<PathBuf>>,
    pub offline: Sourced<bool>,
    pub api_url: Sourced<Option<String>>,
    pub strict: Sourced<bool>,
    pub file_patterns: Sourced<FilePatterns>,
    pub exclude: Sourced<FilePatterns>,
    pub select: Sourced<Option<Vec<String>>>,
    pub ignore: Sourced<Vec<String>>,
    pub severity: Sourced<BTreeMap<String, Severity>>,
    /// `[rules."<product-id>"]` of the configuration file: acceptance limits per product.
    pub rules: crate::check::aoi::RuleOverrides,
    /// `[stapi]` of the configuration file, as written (paths resolved).
    pub stapi: Option<file::StapiTable>,
    /// `[feasibility]` of the configuration file (paths resolved).
    pub feasibility: file::FeasibilityTable,
}

/// `flag` if set, else `file` if set, else `default`, with the origin.
fn pick<T>(
    flag: Option<T>,
    flag_name: &'static str,
    file: Option<T>,
    config: Option<&LoadedConfig>,
    default: T,
) -> Sourced<T> {
    match (flag, file, config) {
        (Some(value), _, _) => Sourced {
            value,
            origin: Origin::Flag(flag_name),
        },
        (None, Some(value), Some(config)) => Sourced {
            value,
            origin: Origin::File(config.path.clone()),
        },
        _ => Sourced::default(default),
    }
}

impl Effective {
    /// Resolves the command line over the configuration file over the defaults.
    pub fn resolve(cli: &CommandLine, config: Option<&LoadedConfig>) -> Effective {
        let file = config.map(|c| c.file.clone()).unwrap_or_default();
        let schema_dir = pick(
            cli.schema_dir.clone().map(Some),
            "--schema-dir",
            file.schema_dir.map(Some),
            config,
            None,
        );
        let cache_dir = pick(
            cli.cache_dir.clone().map(Some),
            "--cache-dir",
            file.cache_dir.map(Some),
            config,
            None,
        );
        let offline = pick(
            cli.offline.then_some(true),
            "--offline",
            file.offline,
            config,
            false,
        );
        let strict = pick(
            cli.strict.then_some(true),
            "--strict",
            file.strict,
            config,
            false,
        );
        let api_url = match (&cli.api_url, std::env::var("UP42_API_URL")) {
            (Some(url), _) => Sourced {
                value: Some(url.clone()),
                origin: Origin::Flag("--api-url"),
            },
            (None, Ok(url)) if !url.is_empty() => Sourced {
                value: Some(url),
                origin: Origin::Environment("UP42_API_URL"),
            },
            _ => Sourced::default(None),
        };
        // Patterns in the file were checked when it was loaded.
        let compile =
            |patterns: Option<Vec<String>>| patterns.and_then(|p| FilePatterns::new(&p).ok());
        let file_patterns = pick(
            None,
            "",
            compile(file.file_patterns),
            config,
            FilePatterns::default(),
        );
        let exclude = pick(
            None,
            "",
            compile(file.exclude),
            config,
            FilePatterns::new(&[]).expect("no patterns compile"),
        );
        let select = pick(
            cli.select.clone().map(Some),
            "--select",
            file.lint.select.map(Some),
            config,
            None,
        );
        let ignore = pick(
            cli.ignore.clone(),
            "--ignore",
            file.lint.ignore,
            config,
            Vec::new(),
        );
        let severity_map: BTreeMap<String, Severity> = file
            .lint
            .severity
            .into_iter()
            .map(|(code, severity)| (code, severity.into()))
            .collect();
        let severity = pick(
            None,
            "",
            (!severity_map.is_empty()).then_some(severity_map),
            config,
            BTreeMap::new(),
        );
        Effective {
            config_file: config.map(|c| c.path.clone()),
            schema_dir,
            cache_dir,
            offline,
            api_url,
            strict,
            file_patterns,
            exclude,
            select,
            ignore,
            severity,
            rules: config.map(|c| c.file.rules.clone()).unwrap_or_default(),
            stapi: config.and_then(|c| c.file.stapi.clone()),
            feasibility: config
                .map(|c| c.file.feasibility.clone())
                .unwrap_or_default(),
        }
    }

    /// The options every subcommand takes.
    pub fn global_options(&self) -> GlobalOptions {
        GlobalOptions {
            schema_dir: self.schema_dir.value.clone(),
            cache_dir: self.cache_dir.value.clone(),
            offline: self.offline.value,
            api_url: self.api_url.value.clone(),
            config: self.config_file.clone(),
            credentials: None,
        }
    }

    /// The lint rules in force.
    pub fn lint(&self) -> LintSettings {
        LintSettings {
            select: self.select.value.clone(),
            ignore: self.ignore.value.clone(),
            severity: self.severity.value.clone(),
        }
    }

    /// `key = value  # origin` lines, as `tasking-ls config` prints them (TOML, so that the
    /// output can seed a configuration file), with `provider`'s lines (the API URL and where
    /// the credentials come from, never their values) as comments after `offline`.
    pub fn describe(&self, provider: &[String]) -> String {
        let path = |p: &Option<PathBuf>| {
            p.as_ref().map_or_else(
                || "(not set)".to_string(),
                |p| toml_string(&p.display().to_string()),
            )
        };
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut lines = vec![format!(
            "# configuration file: {}",
            self.config_file.as_ref().map_or_else(
                || format!("none ({CONFIG_FILE_NAME} not found here or in a parent)"),
                |p| p.display().to_string()
            )
        )];
        let mut line = |key: &str, value: String, origin: &Origin| {
            if value == "(not set)" {
                lines.push(format!("# {key}: not set  # {origin}"));
            } else {
                lines.push(format!("{key} = {value}  # {origin}"));
            }
        };
        let default_cache = crate::schema::cache::SchemaCache::default_dir().map_or_else(
            || "(none)".to_string(),
            |d| toml_string(&d.display().to_string()),
        );
        let cache = match &self.cache_dir.value {
            Some(_) => path(&self.cache_dir.value),
            None => default_cache,
        };
        line(
            "schema-dir",
            path(&self.schema_dir.value),
            &self.schema_dir.origin,
        );
        line("cache-dir", cache, &self.cache_dir.origin);
        line(
            "file-patterns",
            list(self.file_patterns.value.as_strings()),
            &self.file_patterns.origin,
        );
        line(
            "exclude",
            list(self.exclude.value.as_strings()),
            &self.exclude.origin,
        );
        line("strict", self.strict.value.to_string(), &self.strict.origin);
        line(
            "offline",
            self.offline.value.to_string(),
            &self.offline.origin,
        );
        // The provider's settings are not keys of this file: comments, supplied by the caller
        // (which resolves them with the credentials, in `api`).
        lines.extend(provider.iter().map(|l| format!("# {l}")));
        lines.push(String::new());
        lines.push("[lint]".to_string());
        let mut line = |key: &str, value: String, origin: &Origin| {
            lines.push(format!("{key} = {value}  # {origin}"));
        };
        line(
            "select",
            self.select
                .value
                .as_deref()
                .map_or_else(|| list(&["ALL".to_string()]), list),
            &self.select.origin,
        );
        line("ignore", list(&self.ignore.value), &self.ignore.origin);
        lines.push(String::new());
        lines.push(format!("[lint.severity]  # {}", self.severity.origin));
        for (code, severity) in &self.severity.value {
            lines.push(format!(
                "{} = {}",
                toml_string(code),
                toml_string(severity.as_str())
            ));
        }
        // The tables that are not flags: shown as the file gives them (nothing when unset).
        #[derive(serde::Serialize)]
        struct Tables<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            stapi: Option<&'a file::StapiTable>,
            #[serde(skip_serializing_if = "Option::is_none")]
            feasibility: Option<&'a file::FeasibilityTable>,
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            rules: &'a crate::check::aoi::RuleOverrides,
        }
        let tables = Tables {
            stapi: self.stapi.as_ref(),
            feasibility: Some(&self.feasibility).filter(|f| !f.elements.is_empty()),
            rules: &self.rules,
        };
        if let (Ok(written), Some(config)) = (toml::to_string(&tables), &self.config_file) {
            if !written.trim().is_empty() {
                lines.push(String::new());
                lines.push(format!("# from {}", config.display()));
                lines.push(written.trim_end().to_string());
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

/// A TOML basic string (quotes and control characters escaped).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// Splits comma-separated selectors (`--select a,b --select c`) and checks each.
///
/// # Errors
/// `unknown diagnostic code 'X' (known: ...)`; [`EMPTY_SELECTION`] when the values name no
/// selector at all (`--select ''`, `--select ','`), which would check nothing.
pub fn parse_selectors(values: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for value in values {
        for selector in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !file::code_selector_is_known(selector) {
                return Err(format!(
                    "unknown diagnostic code '{selector}' (known: {})",
                    file::known_codes()
                ));
            }
            out.push(selector.to_string());
        }
    }
    if out.is_empty() {
        return Err(EMPTY_SELECTION.to_string());
    }
    Ok(out)
}

/// Why an empty selection (`--select ''`, `select = []`) is refused: it would report nothing
/// and pass every file, which is never what was meant (ruff's `--select ''` is no rule either,
/// but an error here is safer than a green CI that checked nothing).
pub const EMPTY_SELECTION: &str = "the selection is empty, so no code would be checked; name codes or prefixes (e.g. `geometry,dates.order`), or `ALL`, or leave it out to select every code";

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> LoadedConfig {
        LoadedConfig {
            path: PathBuf::from("/p/tasking-ls.toml"),
            file: file::parse(text).unwrap(),
        }
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let config = loaded("strict = true\n[lint]\nignore = [\"dates.past\"]\n");
        let none = Effective::resolve(&CommandLine::default(), None);
        assert!(!none.strict.value);
        assert_eq!(none.strict.origin, Origin::Default);
        let file = Effective::resolve(&CommandLine::default(), Some(&config));
        assert!(file.strict.value);
        assert_eq!(
            file.strict.origin,
            Origin::File("/p/tasking-ls.toml".into())
        );
        assert_eq!(file.ignore.value, ["dates.past"]);
        let cli = CommandLine {
            ignore: Some(vec!["geometry".to_string()]),
            strict: true,
            ..CommandLine::default()
        };
        let flag = Effective::resolve(&cli, Some(&config));
        assert_eq!(flag.ignore.value, ["geometry"]);
        assert_eq!(flag.ignore.origin, Origin::Flag("--ignore"));
        assert_eq!(flag.strict.origin, Origin::Flag("--strict"));
    }

    #[test]
    fn selectors_are_split_and_checked() {
        assert_eq!(
            parse_selectors(&["geometry, dates.past".to_string(), "syntax".to_string()]).unwrap(),
            ["geometry", "dates.past", "syntax"]
        );
        for empty in [&[""][..], &[","], &[" , "], &["", ","]] {
            let values: Vec<String> = empty.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                parse_selectors(&values).unwrap_err(),
                EMPTY_SELECTION,
                "{values:?}"
            );
        }
        assert!(parse_selectors(&["nope".to_string()])
            .unwrap_err()
            .starts_with("unknown diagnostic code 'nope'"));
    }
}
