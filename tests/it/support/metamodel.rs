//! A validator of JSON values against the LSP 3.17 metaModel (microsoft/lsprotocol's
//! `generator/lsp.json`, vendored in `tests/lsp-metamodel/` with its MIT licence): base types,
//! structures (with `extends` and `mixins`, optional properties, no unknown properties),
//! enumerations, type aliases, `or`/`and`/`tuple`/`map`, literals. Every `Range` met is
//! collected, so that the caller can check it against the document it is about.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The parsed metaModel, indexed by name and by method.
pub struct MetaModel {
    structures: HashMap<String, Value>,
    enumerations: HashMap<String, Value>,
    aliases: HashMap<String, Value>,
    requests: HashMap<String, Value>,
    notifications: HashMap<String, Value>,
}

/// One `Range` found while validating: its JSON path and value.
#[derive(Clone, Debug)]
pub struct FoundRange {
    pub path: String,
    pub range: Value,
}

/// The vendored metaModel, parsed once.
pub fn model() -> &'static MetaModel {
    static MODEL: OnceLock<MetaModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let text = include_str!("../../lsp-metamodel/lsp.json");
        let model: Value = serde_json::from_str(text).expect("lsp.json parses");
        let index = |key: &str, by: &str| -> HashMap<String, Value> {
            model[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| (item[by].as_str().unwrap().to_string(), item.clone()))
                .collect()
        };
        MetaModel {
            structures: index("structures", "name"),
            enumerations: index("enumerations", "name"),
            aliases: index("typeAliases", "name"),
            requests: index("requests", "method"),
            notifications: index("notifications", "method"),
        }
    })
}

impl MetaModel {
    /// The model's request of `method`, if any.
    pub fn request(&self, method: &str) -> Option<&Value> {
        self.requests.get(method)
    }

    /// The model's notification of `method`, if any.
    pub fn notification(&self, method: &str) -> Option<&Value> {
        self.notifications.get(method)
    }

    /// Every request of the model.
    pub fn requests(&self) -> impl Iterator<Item = &Value> {
        self.requests.values()
    }

    /// Validates `value` against `ty` (a metaModel type); the problems, each with its JSON
    /// path, and the ranges met.
    pub fn validate(
        &self,
        ty: &Value,
        value: &Value,
        path: &str,
    ) -> (Vec<String>, Vec<FoundRange>) {
        let mut ranges = Vec::new();
        let mut errors = Vec::new();
        self.check(ty, value, path, &mut errors, &mut ranges, true);
        (errors, ranges)
    }

    /// Validates against the named structure, enumeration or alias.
    pub fn validate_named(
        &self,
        name: &str,
        value: &Value,
        path: &str,
    ) -> (Vec<String>, Vec<FoundRange>) {
        self.validate(
            &serde_json::json!({"kind": "reference", "name": name}),
            value,
            path,
        )
    }

    fn check(
        &self,
        ty: &Value,
        value: &Value,
        path: &str,
        errors: &mut Vec<String>,
        ranges: &mut Vec<FoundRange>,
        closed: bool,
    ) {
        let kind = ty["kind"].as_str().unwrap_or("");
        match kind {
            "base" => {
                let name = ty["name"].as_str().unwrap();
                let ok = match name {
                    "URI" | "DocumentUri" | "string" | "RegExp" => value.is_string(),
                    "integer" => value
                        .as_i64()
                        .is_some_and(|n| (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&n)),
                    "uinteger" => value.as_u64().is_some_and(|n| n <= 2_147_483_647),
                    "decimal" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    "null" => value.is_null(),
                    other => {
                        errors.push(format!("{path}: unknown base type {other}"));
                        true
                    }
                };
                if !ok {
                    errors.push(format!("{path}: expected {name}, found {}", short(value)));
                }
            }
            "reference" => {
                let name = ty["name"].as_str().unwrap();
                if name == "Range" {
                    ranges.push(FoundRange {
                        path: path.to_string(),
                        range: value.clone(),
                    });
                }
                if let Some(structure) = self.structures.get(name) {
                    self.check_structure(structure, value, path, errors, ranges, closed);
                } else if let Some(enumeration) = self.enumerations.get(name) {
                    let values: Vec<&Value> = enumeration["values"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| &v["value"])
                        .collect();
                    let custom = enumeration["supportsCustomValues"]
                        .as_bool()
                        .unwrap_or(false);
                    let base_ok = match enumeration["type"]["name"].as_str() {
                        Some("string") => value.is_string(),
                        _ => value.is_number(),
                    };
                    if !base_ok || (!custom && !values.contains(&value)) {
                        errors.push(format!(
                            "{path}: {} is not a {name} (one of {})",
                            short(value),
                            values
                                .iter()
                                .map(|v| v.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                } else if let Some(alias) = self.aliases.get(name) {
                    // LSPAny/LSPObject/LSPArray: any JSON (the alias says so, recursively).
                    if matches!(name, "LSPAny" | "LSPArray") {
                        return;
                    }
                    if name == "LSPObject" {
                        if !value.is_object() {
                            errors.push(format!(
                                "{path}: expected an object, found {}",
                                short(value)
                            ));
                        }
                        return;
                    }
                    self.check(&alias["type"], value, path, errors, ranges, closed);
                } else {
                    errors.push(format!("{path}: unknown type {name}"));
                }
            }
            "array" => match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check(
                            &ty["element"],
                            item,
                            &format!("{path}/{i}"),
                            errors,
                            ranges,
                            true,
                        );
                    }
                }
                None => errors.push(format!("{path}: expected an array, found {}", short(value))),
            },
            "map" => match value.as_object() {
                Some(map) => {
                    for (key, item) in map {
                        self.check(
                            &ty["value"],
                            item,
                            &format!("{path}/{key}"),
                            errors,
                            ranges,
                            true,
                        );
                    }
                }
                None => errors.push(format!("{path}: expected a map, found {}", short(value))),
            },
            "tuple" => {
                let types = ty["items"].as_array().unwrap();
                match value.as_array() {
                    Some(items) if items.len() == types.len() => {
                        for (i, (t, item)) in types.iter().zip(items).enumerate() {
                            self.check(t, item, &format!("{path}/{i}"), errors, ranges, true);
                        }
                    }
                    _ => errors.push(format!("{path}: expected a tuple of {}", types.len())),
                }
            }
            "or" => {
                // The alternative with the fewest problems; none means it conforms.
                let mut best: Option<(Vec<String>, Vec<FoundRange>)> = None;
                for alternative in ty["items"].as_array().unwrap() {
                    let mut e = Vec::new();
                    let mut r = Vec::new();
                    self.check(alternative, value, path, &mut e, &mut r, closed);
                    if e.is_empty() {
                        ranges.extend(r);
                        return;
                    }
                    if best.as_ref().is_none_or(|(b, _)| e.len() < b.len()) {
                        best = Some((e, r));
                    }
                }
                if let Some((e, _)) = best {
                    errors.push(format!(
                        "{path}: matches no alternative; closest: {}",
                        e.join("; ")
                    ));
                }
            }
            "and" => {
                // Each part open (the others add properties), then no property unknown to all.
                let parts = ty["items"].as_array().unwrap();
                let mut known = Vec::new();
                for part in parts {
                    self.check(part, value, path, errors, ranges, false);
                    known.extend(self.property_names(part));
                }
                if let Some(object) = value.as_object() {
                    for key in object.keys() {
                        if !known.contains(key) {
                            errors.push(format!("{path}: unknown property {key}"));
                        }
                    }
                }
            }
            "literal" => {
                let structure =
                    serde_json::json!({"properties": ty["value"]["properties"].clone()});
                self.check_structure(&structure, value, path, errors, ranges, closed);
            }
            "stringLiteral" | "integerLiteral" | "booleanLiteral" => {
                if *value != ty["value"] {
                    errors.push(format!(
                        "{path}: expected {}, found {}",
                        ty["value"],
                        short(value)
                    ));
                }
            }
            other => errors.push(format!("{path}: unknown type kind {other}")),
        }
    }

    /// Every property name of a type (structure with its parents and mixins, or literal).
    fn property_names(&self, ty: &Value) -> Vec<String> {
        match ty["kind"].as_str() {
            Some("reference") => match self.structures.get(ty["name"].as_str().unwrap()) {
                Some(structure) => self
                    .structure_properties(structure)
                    .into_iter()
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect(),
                None => Vec::new(),
            },
            Some("literal") => ty["value"]["properties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn structure_properties(&self, structure: &Value) -> Vec<Value> {
        let mut properties: Vec<Value> = structure["properties"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for parent in ["extends", "mixins"] {
            for reference in structure[parent].as_array().into_iter().flatten() {
                if let Some(parent) = self.structures.get(reference["name"].as_str().unwrap()) {
                    for property in self.structure_properties(parent) {
                        // A structure's own property overrides its parent's.
                        if !properties.iter().any(|p| p["name"] == property["name"]) {
                            properties.push(property);
                        }
                    }
                }
            }
        }
        properties
    }

    fn check_structure(
        &self,
        structure: &Value,
        value: &Value,
        path: &str,
        errors: &mut Vec<String>,
        ranges: &mut Vec<FoundRange>,
        closed: bool,
    ) {
        let Some(object) = value.as_object() else {
            errors.push(format!(
                "{path}: expected {} object, found {}",
                structure["name"].as_str().unwrap_or("an"),
                short(value)
            ));
            return;
        };
        let properties = self.structure_properties(structure);
        for property in &properties {
            let name = property["name"].as_str().unwrap();
            let optional = property["optional"].as_bool().unwrap_or(false);
            match object.get(name) {
                Some(item) => self.check(
                    &property["type"],
                    item,
                    &format!("{path}/{name}"),
                    errors,
                    ranges,
                    true,
                ),
                None if optional => {}
                None => errors.push(format!("{path}: missing required property {name}")),
            }
        }
        if closed {
            for key in object.keys() {
                if !properties.iter().any(|p| p["name"] == *key) {
                    errors.push(format!("{path}: unknown property {key}"));
                }
            }
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 80 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(80).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The validator itself: conforming and nonconforming values of a few shapes, so that a
    /// gate that passes is not a validator that accepts everything.
    #[test]
    fn the_validator_rejects_what_the_model_forbids() {
        let m = model();
        let ok = |name: &str, v: Value| {
            assert!(
                m.validate_named(name, &v, "").0.is_empty(),
                "{name} {v}: {:?}",
                m.validate_named(name, &v, "").0
            )
        };
        let bad = |name: &str, v: Value| {
            assert!(
                !m.validate_named(name, &v, "").0.is_empty(),
                "{name} {v} passed"
            )
        };
        ok(
            "Range",
            json!({"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 2}}),
        );
        bad(
            "Range",
            json!({"start": {"line": -1, "character": 1}, "end": {"line": 0, "character": 2}}),
        );
        bad(
            "Range",
            json!({"start": {"line": 0}, "end": {"line": 0, "character": 2}}),
        );
        bad("Position", json!({"line": 0, "character": 1, "extra": 1}));
        ok(
            "Hover",
            json!({"contents": {"kind": "markdown", "value": "x"}}),
        );
        bad("Hover", json!({"contents": {"kind": "html", "value": "x"}}));
        ok(
            "DocumentSymbol",
            json!({"name": "a", "kind": 13, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "selectionRange": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}}),
        );
        bad(
            "DocumentSymbol",
            json!({"name": "a", "kind": 99, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "selectionRange": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}}),
        );
        // Custom values allowed where the enumeration says so (CodeActionKind).
        ok("CodeAction", json!({"title": "t", "kind": "source.custom"}));
        // An `and` of structures: InitializeResult's capabilities are open only via the model.
        ok(
            "PublishDiagnosticsParams",
            json!({"uri": "file:///a", "diagnostics": []}),
        );
        bad(
            "PublishDiagnosticsParams",
            json!({"uri": "file:///a", "diagnostics": [{"message": "m"}]}),
        );
    }
}
