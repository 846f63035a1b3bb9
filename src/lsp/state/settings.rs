//! The server's settings (`initializationOptions` and the `taskingLs` configuration section)
//! over the workspace's `tasking-ls.toml`, and which files they make it look at. Precedence:
//! editor setting > configuration file > default (design, "Configuration").

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::config::{FilePatterns, LintSettings, LoadedConfig, DEFAULT_FILE_PATTERNS};
use crate::ide::InlayHintOptions;

/// Settings under the names the design gives; unknown keys (client-only ones like
/// `serverPath` or `trace`) are ignored. The public fields are the effective values.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub api_url: Option<String>,
    pub workspace_id: Option<String>,
    pub file_patterns: Vec<String>,
    pub schema_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    /// `[lint]` of the configuration file: which codes are published, at which severity.
    pub lint: LintSettings,
    /// `[rules."<product-id>"]` of the configuration file: acceptance limits per product.
    pub rules: crate::check::aoi::RuleOverrides,
    /// `inlayHints.productTitle`, `inlayHints.windowLength`, `inlayHints.aoiArea` (editor only).
    pub inlay_hints: InlayHintOptions,
    /// The compiled `file_patterns`, and the file's `exclude`.
    patterns: FilePatterns,
    exclude: FilePatterns,
    /// What the editor sent, accumulated (a later message overrides a key, `null` unsets it).
    editor: Map<String, Value>,
    /// The workspace's configuration file, if any.
    config: Option<LoadedConfig>,
    /// Where the configuration file is looked for (the first workspace folder), kept to
    /// look again when a `tasking-ls.toml` changes.
    config_root: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        let mut settings = Settings {
            api_url: None,
            workspace_id: None,
            file_patterns: Vec::new(),
            schema_dir: None,
            cache_dir: None,
            offline: false,
            lint: LintSettings::default(),
            rules: Default::default(),
            inlay_hints: InlayHintOptions::default(),
            patterns: FilePatterns::default(),
            exclude: FilePatterns::default(),
            editor: Map::new(),
            config: None,
            config_root: None,
        };
        settings.resolve();
        settings
    }
}

impl Settings {
    /// Overlays the keys present in `value` (an object, or `{"taskingLs": {...}}`); `null`
    /// unsets a key (the configuration file's value or the default comes back), missing keys
    /// keep what was there.
    pub fn merge(&mut self, value: &Value) {
        let value = value.get("taskingLs").unwrap_or(value);
        let Some(object) = value.as_object() else {
            return;
        };
        for (key, value) in object {
            if value.is_null() {
                self.editor.remove(key);
            } else {
                self.editor.insert(key.clone(), value.clone());
            }
        }
        self.resolve();
    }

    /// Puts the workspace's configuration file under the editor's settings.
    pub fn set_config(&mut self, config: Option<LoadedConfig>) {
        self.config = config;
        self.resolve();
    }

    /// The configuration file in force, if any.
    pub fn config_path(&self) -> Option<&Path> {
        self.config.as_ref().map(|c| c.path.as_path())
    }

    /// The configuration file in force, with its keys.
    pub fn config(&self) -> Option<&LoadedConfig> {
        self.config.as_ref()
    }

    /// Remembers the folder the configuration file is discovered from.
    pub fn set_config_root(&mut self, root: Option<PathBuf>) {
        self.config_root = root;
    }

    /// The folder the configuration file is discovered from (the first workspace folder).
    pub fn config_root(&self) -> Option<&Path> {
        self.config_root.as_deref()
    }

    /// Default, then the configuration file, then the editor.
    fn resolve(&mut self) {
        let file = self
            .config
            .as_ref()
            .map(|c| c.file.clone())
            .unwrap_or_default();
        let text = |key: &str| {
            self.editor
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let hints = self.editor.get("inlayHints").and_then(Value::as_object);
        let hint = |key: &str| {
            hints
                .and_then(|h| h.get(key))
                .and_then(Value::as_bool)
                .unwrap_or(true)
        };
        self.inlay_hints = InlayHintOptions {
            product_title: hint("productTitle"),
            window_length: hint("windowLength"),
            aoi_area: hint("aoiArea"),
        };
        self.api_url = text("apiUrl");
        self.workspace_id = text("workspaceId");
        self.schema_dir = text("schemaDir").map(PathBuf::from).or(file.schema_dir);
        self.cache_dir = text("cacheDir").map(PathBuf::from).or(file.cache_dir);
        // Editors send every setting, defaults included (VS Code's `workspace/configuration`
        // does): a value left at its default does not hide the file's.
        self.offline = self
            .editor
            .get("offline")
            .and_then(Value::as_bool)
            .filter(|offline| *offline)
            .or(file.offline)
            .unwrap_or(false);
        let editor_patterns: Option<Vec<String>> = self
            .editor
            .get("filePatterns")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|list| !list.is_empty() && !is_default_patterns(list));
        let defaults = || {
            DEFAULT_FILE_PATTERNS
                .iter()
                .map(|p| p.to_string())
                .collect()
        };
        let candidates = [editor_patterns, file.file_patterns];
        // A list that does not compile (an unclosed brace) is skipped with a log line.
        let (list, patterns) = candidates
            .into_iter()
            .flatten()
            .find_map(|list| match FilePatterns::new(&list) {
                Ok(patterns) => Some((list, patterns)),
                Err(message) => {
                    tracing::warn!("filePatterns ignored: {message}");
                    None
                }
            })
            .unwrap_or_else(|| (defaults(), FilePatterns::default()));
        self.file_patterns = list;
        self.patterns = patterns;
        self.exclude = file
            .exclude
            .and_then(|list| FilePatterns::new(&list).ok())
            .unwrap_or_else(FilePatterns::none);
        self.rules = file.rules;
        self.lint = LintSettings {
            select: file.lint.select,
            ignore: file.lint.ignore.unwrap_or_default(),
            severity: file
                .lint
                .severity
                .into_iter()
                .map(|(code, severity)| (code, severity.into()))
                .collect(),
        };
    }

    /// True when the file at `path` is an order request the server should check: it matches
    /// the file patterns (one glob meaning everywhere, see `config::patterns`) and no
    /// `exclude` pattern of the configuration file.
    pub fn applies_to(&self, path: &str) -> bool {
        let path = Path::new(path);
        let stapi = crate::config::stapi::StapiConfig::from_config(self.config.as_ref())
            .unwrap_or_default();
        (self.patterns.matches(path) || stapi.is_order_file(path))
            && !self.exclude.matches_path_or_folder(path)
    }
}

fn is_default_patterns(list: &[String]) -> bool {
    list.len() == DEFAULT_FILE_PATTERNS.len()
        && list.iter().zip(DEFAULT_FILE_PATTERNS).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inlay_hints_switch_one_by_one() {
        let mut settings = Settings::default();
        assert_eq!(settings.inlay_hints, InlayHintOptions::default());
        settings
            .merge(&json!({"taskingLs": {"inlayHints": {"windowLength": false, "aoiArea": "no"}}}));
        assert_eq!(
            settings.inlay_hints,
            InlayHintOptions {
                product_title: true,
                window_length: false,
                aoi_area: true
            }
        );
        settings.merge(&json!({"inlayHints": null}));
        assert_eq!(settings.inlay_hints, InlayHintOptions::default());
    }

    #[test]
    fn default_pattern_matches_request_files_only() {
        let settings = Settings::default();
        assert!(settings.applies_to("/home/me/orders/panama_tasking_request.json"));
        assert!(!settings.applies_to("/home/me/orders/package.json"));
        assert!(!settings.applies_to("/home/me/orders/panama_tasking_request.json.bak"));
    }

    #[test]
    fn patterns_with_directories_match_the_path() {
        let mut settings = Settings::default();
        settings.merge(&json!({"filePatterns": ["**/orders/*.json"]}));
        assert!(settings.applies_to("/work/orders/a.json"));
        assert!(!settings.applies_to("/work/other/a.json"));
    }

    #[test]
    fn merge_keeps_unset_keys_and_ignores_unknown_ones() {
        let mut settings = Settings::default();
        settings.merge(
            &json!({"taskingLs": {"offline": true, "serverPath": "x", "workspaceId": "ws"}}),
        );
        settings.merge(&Value::Null);
        settings.merge(&json!({"apiUrl": "http://127.0.0.1:1"}));
        assert!(settings.offline);
        assert_eq!(settings.workspace_id.as_deref(), Some("ws"));
        assert_eq!(settings.api_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(settings.file_patterns, ["*_tasking_request.json"]);
    }

    #[test]
    fn star_does_not_cross_folders_and_braces_work() {
        let mut settings = Settings::default();
        settings.merge(&json!({"filePatterns": ["orders/{a,b}/*.json"]}));
        assert!(settings.applies_to("/w/orders/a/x.json"));
        assert!(settings.applies_to("/w/orders/b/x.json"));
        assert!(!settings.applies_to("/w/orders/a/deep/x.json"));
        assert!(!settings.applies_to("/w/orders/c/x.json"));
    }

    #[test]
    fn the_editor_wins_over_the_file_which_wins_over_defaults() {
        let file = crate::config::file::parse(
            "offline = true\nfile-patterns = [\"*.order.json\"]\nexclude = [\"drafts\"]\n[lint]\nignore = [\"dates.past\"]\n",
        )
        .unwrap();
        let mut settings = Settings::default();
        settings.set_config(Some(LoadedConfig {
            path: PathBuf::from("/w/tasking-ls.toml"),
            file,
        }));
        assert!(settings.offline);
        assert!(settings.applies_to("/w/a.order.json"));
        assert!(!settings.applies_to("/w/drafts/a.order.json"));
        assert!(!settings.applies_to("/w/a_tasking_request.json"));
        assert_eq!(settings.lint.ignore, ["dates.past"]);
        // Values at their defaults (editors send them all) do not hide the file's.
        settings.merge(&json!({"offline": false, "filePatterns": ["*_tasking_request.json"]}));
        assert!(settings.offline);
        assert!(!settings.applies_to("/w/a_tasking_request.json"));
        settings.merge(&json!({"filePatterns": ["*.json"], "schemaDir": "/editor"}));
        assert!(settings.applies_to("/w/a_tasking_request.json"));
        assert_eq!(settings.schema_dir.as_deref(), Some(Path::new("/editor")));
        // Unsetting the editor's value brings the file's back.
        settings.merge(&json!({"filePatterns": null}));
        assert!(!settings.applies_to("/w/a_tasking_request.json"));
    }
}
