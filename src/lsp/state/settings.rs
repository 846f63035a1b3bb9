//! The server's settings (`initializationOptions` and the `taskingLs` configuration section)
//! and which files they make it look at.

use std::path::PathBuf;

use serde_json::Value;

use crate::ide::InlayHintOptions;

/// Settings under the names the design gives; unknown keys (client-only ones like
/// `serverPath` or `trace`) are ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub api_url: Option<String>,
    pub workspace_id: Option<String>,
    pub file_patterns: Vec<String>,
    pub schema_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    /// `inlayHints.productTitle`, `inlayHints.windowLength`, `inlayHints.aoiArea`.
    pub inlay_hints: InlayHintOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api_url: None,
            workspace_id: None,
            file_patterns: vec!["*_tasking_request.json".to_string()],
            schema_dir: None,
            cache_dir: None,
            offline: false,
            inlay_hints: InlayHintOptions::default(),
        }
    }
}

impl Settings {
    /// Overlays the keys present in `value` (an object, or `{"taskingLs": {...}}`); `null`
    /// and missing keys keep what was there.
    pub fn merge(&mut self, value: &Value) {
        let value = value.get("taskingLs").unwrap_or(value);
        let Some(object) = value.as_object() else {
            return;
        };
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if object.contains_key("apiUrl") {
            self.api_url = text("apiUrl");
        }
        if object.contains_key("workspaceId") {
            self.workspace_id = text("workspaceId");
        }
        if object.contains_key("schemaDir") {
            self.schema_dir = text("schemaDir").map(PathBuf::from);
        }
        if object.contains_key("cacheDir") {
            self.cache_dir = text("cacheDir").map(PathBuf::from);
        }
        if let Some(offline) = object.get("offline").and_then(Value::as_bool) {
            self.offline = offline;
        }
        if let Some(hints) = object.get("inlayHints").and_then(Value::as_object) {
            let flag = |key: &str, current: bool| {
                hints.get(key).and_then(Value::as_bool).unwrap_or(current)
            };
            let current = self.inlay_hints;
            self.inlay_hints = InlayHintOptions {
                product_title: flag("productTitle", current.product_title),
                window_length: flag("windowLength", current.window_length),
                aoi_area: flag("aoiArea", current.aoi_area),
            };
        }
        if let Some(patterns) = object.get("filePatterns").and_then(Value::as_array) {
            let patterns: Vec<String> = patterns
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            if !patterns.is_empty() {
                self.file_patterns = patterns;
            }
        }
    }

    /// True when the file at `path` is an order request the server should check.
    pub fn applies_to(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.file_patterns.iter().any(|pattern| {
            let pattern = pattern.strip_prefix("**/").unwrap_or(pattern);
            if pattern.contains('/') {
                glob_match(pattern.as_bytes(), path.as_bytes())
                    || glob_match(format!("*/{pattern}").as_bytes(), path.as_bytes())
            } else {
                glob_match(pattern.as_bytes(), name.as_bytes())
            }
        })
    }
}

/// `*` matches any run of characters (across `/` too, which is what `**` needs), `?` one.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            while p < pattern.len() && pattern[p] == b'*' {
                p += 1;
            }
            backtrack = Some((p, t));
        } else if let Some((bp, bt)) = backtrack {
            p = bp;
            t = bt + 1;
            backtrack = Some((bp, bt + 1));
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn inlay_hints_switch_one_by_one() {
        let mut settings = Settings::default();
        assert_eq!(settings.inlay_hints, InlayHintOptions::default());
        settings.merge(&json!({"taskingLs": {"inlayHints": {"windowLength": false}}}));
        settings.merge(&json!({"inlayHints": {"aoiArea": false, "productTitle": "yes"}}));
        assert_eq!(
            settings.inlay_hints,
            InlayHintOptions {
                product_title: true,
                window_length: false,
                aoi_area: false
            }
        );
    }
}
