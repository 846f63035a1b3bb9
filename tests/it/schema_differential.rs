//! The `schema.*` checks against the reference validator (issue 10, point 6): for every bundled
//! product schema (the older-style Pléiades Neo one, with `if`/`then`/`else` on
//! `acquisitionMode` and `geometricProcessing`, is among them), requests are generated from the
//! schema — valid ones in every branch — then mutated, written out as text, and checked both
//! ways:
//!
//! - the reference is the `jsonschema` crate (draft 7, `format` enforced: the project's
//!   documented choice, see `compile_validator`) run on `params` of the whole document as
//!   `serde_json` reads it (so a duplicate key means its last value);
//! - every reference error has a tasking-ls diagnostic at the same instance path, found from
//!   the diagnostic's range alone (the node it covers, or for `schema.required` the key that
//!   names the object and for `schema.additional-property` the unknown key);
//! - no tasking-ls `schema.*` diagnostic inside `params` exists without a reference error at
//!   its path.
//!
//! The deliberate deviations are mapped in [`Deviation`], each with why; a test asserts each
//! mapped deviation is actually met, so the list cannot silently grow stale.
//!
//! Counts: [`VALID_PER_SCHEMA`] valid requests per schema, each the base of
//! [`MUTANTS_PER_VALID`] mutants (1 to 3 mutations each), from the seed [`SEED`]: 4 schemas ×
//! 150 × (1 + 12) = 7,800 requests.

use std::collections::{BTreeMap, HashMap, HashSet};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::{json, Map, Value};
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic};
use tasking_ls::document::{Document, Node, PathSegment, TextRange};
use tasking_ls::schema::SchemaStore;

const SEED: u64 = 0x7a5c_1e10_0000_0001;
const VALID_PER_SCHEMA: usize = 150;
const MUTANTS_PER_VALID: usize = 12;

/// splitmix64: small, seeded, the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ---------------------------------------------------------------------------------------------
// What the schema says about a field, read independently of tasking-ls's own navigation.

#[derive(Clone, Debug, Default)]
struct Facts {
    types: Vec<String>,
    consts: Vec<Value>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    format: Option<String>,
    properties: Vec<(String, Value)>,
    required: Vec<String>,
    items: Option<Value>,
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#")
            .and_then(|pointer| root.pointer(pointer))
            .map(|target| resolve(root, target))
            .unwrap_or(node),
        None => node,
    }
}

fn gather(root: &Value, node: &Value, facts: &mut Facts) {
    let node = resolve(root, node);
    match node.get("type") {
        Some(Value::String(t)) if facts.types.is_empty() => facts.types.push(t.clone()),
        Some(Value::Array(ts)) if facts.types.is_empty() => facts
            .types
            .extend(ts.iter().filter_map(Value::as_str).map(str::to_string)),
        _ => {}
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        facts.consts.extend(values.iter().cloned());
    }
    if let Some(value) = node.get("const") {
        facts.consts.push(value.clone());
    }
    for keyword in ["anyOf", "oneOf"] {
        for option in node
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let option = resolve(root, option);
            if let Some(value) = option.get("const") {
                facts.consts.push(value.clone());
            }
        }
    }
    let number = |k: &str| node.get(k).and_then(Value::as_f64);
    facts.minimum = facts.minimum.or(number("minimum"));
    facts.maximum = facts.maximum.or(number("maximum"));
    facts.min_length = facts.min_length.or(node
        .get("minLength")
        .and_then(Value::as_u64)
        .map(|n| n as usize));
    facts.max_length = facts.max_length.or(node
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|n| n as usize));
    if let Some(format) = node.get("format").and_then(Value::as_str) {
        facts.format = Some(format.to_string());
    }
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (name, schema) in properties {
            facts.properties.push((name.clone(), schema.clone()));
        }
    }
    if let Some(required) = node.get("required").and_then(Value::as_array) {
        facts.required.extend(
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
    }
    if let Some(items) = node.get("items") {
        facts.items = Some(items.clone());
    }
    for part in node
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        gather(root, part, facts);
    }
}

fn facts_of(root: &Value, node: &Value) -> Facts {
    let mut facts = Facts::default();
    gather(root, node, &mut facts);
    facts
}

/// One generated field: its own facts, and the facts each `then`/`else` branch adds.
struct Field {
    name: String,
    own: Facts,
    branches: Vec<Facts>,
    polygon: bool,
}

struct SchemaModel {
    id: String,
    root: Value,
    fields: Vec<Field>,
    required: Vec<String>,
}

impl SchemaModel {
    fn new(id: &str, root: &Value) -> Self {
        let top = facts_of(root, root);
        let mut branch_blocks: Vec<&Value> = Vec::new();
        for part in root
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for key in ["then", "else"] {
                if let Some(block) = part.get(key) {
                    branch_blocks.push(block);
                }
            }
        }
        let fields = top
            .properties
            .iter()
            .map(|(name, schema)| {
                let own = facts_of(root, schema);
                let branches = branch_blocks
                    .iter()
                    .filter_map(|block| block.get("properties")?.get(name))
                    .map(|schema| facts_of(root, schema))
                    .collect();
                let polygon = own.properties.iter().any(|(n, _)| n == "coordinates");
                Field {
                    name: name.clone(),
                    own,
                    branches,
                    polygon,
                }
            })
            .collect();
        SchemaModel {
            id: id.to_string(),
            root: root.clone(),
            fields,
            required: top.required,
        }
    }

    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn polygon_fields(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| f.polygon)
            .map(|f| f.name.as_str())
            .collect()
    }

    /// A few values for the field, most of them valid in some branch.
    fn candidates(&self, field: &Field, rng: &mut Rng) -> Vec<Value> {
        let mut out = values_for(&self.root, &field.own, rng);
        for branch in &field.branches {
            let mut merged = field.own.clone();
            if !branch.types.is_empty() {
                merged.types = branch.types.clone();
            }
            merged.consts.extend(branch.consts.iter().cloned());
            merged.minimum = branch.minimum.or(merged.minimum);
            merged.maximum = branch.maximum.or(merged.maximum);
            out.extend(values_for(&self.root, &merged, rng));
        }
        out
    }
}

fn polygon(rng: &mut Rng) -> Value {
    let x0 = (rng.float(-170.0, 170.0) * 1e4).round() / 1e4;
    let y0 = (rng.float(-80.0, 80.0) * 1e4).round() / 1e4;
    let size = (rng.float(0.01, 0.5) * 1e4).round() / 1e4;
    let (x1, y1) = (x0 + size, y0 + size);
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

fn date_time(rng: &mut Rng) -> Value {
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let hour = rng.below(24);
    let fraction = if rng.chance(30) { ".000" } else { "" };
    Value::String(format!(
        "2027-{month:02}-{day:02}T{hour:02}:00:00{fraction}Z"
    ))
}

fn values_for(root: &Value, facts: &Facts, rng: &mut Rng) -> Vec<Value> {
    if !facts.consts.is_empty() {
        return facts.consts.clone();
    }
    if facts.properties.iter().any(|(n, _)| n == "coordinates") {
        return vec![polygon(rng), polygon(rng)];
    }
    let mut out = Vec::new();
    let types = if facts.types.is_empty() {
        vec!["string".to_string()]
    } else {
        facts.types.clone()
    };
    for t in &types {
        match t.as_str() {
            "null" => out.push(Value::Null),
            "boolean" => out.extend([json!(true), json!(false)]),
            "integer" => {
                let lo = facts.minimum.map_or(0, |m| m.ceil() as i64);
                let hi = facts.maximum.map_or(lo + 100, |m| m.floor() as i64);
                out.push(json!(lo));
                out.push(json!(hi));
                out.push(json!(lo + rng.below((hi - lo).max(0) as usize + 1) as i64));
            }
            "number" => {
                let lo = facts.minimum.unwrap_or(0.0);
                let hi = facts.maximum.unwrap_or(lo + 100.0);
                out.push(json!(lo));
                out.push(json!(hi));
                out.push(json!((rng.float(lo, hi) * 1000.0).round() / 1000.0));
            }
            "string" if facts.format.as_deref() == Some("date-time") => {
                out.push(date_time(rng));
                out.push(date_time(rng));
            }
            "string" => {
                let words = [
                    "Order 1",
                    "Zürich north ✓",
                    "4326",
                    "a",
                    "field survey, Berlin-Mitte",
                ];
                for word in [rng.pick(&words), rng.pick(&words)] {
                    let mut text: String = word.to_string();
                    if let Some(max) = facts.max_length {
                        text = text.chars().take(max).collect();
                    }
                    while text.chars().count() < facts.min_length.unwrap_or(0) {
                        text.push('x');
                    }
                    out.push(Value::String(text));
                }
            }
            "object" => {
                let mut map = Map::new();
                for (name, schema) in &facts.properties {
                    if facts.required.contains(name) {
                        let facts = facts_of(root, schema);
                        if let Some(value) = values_for(root, &facts, rng).first() {
                            map.insert(name.clone(), value.clone());
                        }
                    }
                }
                out.push(Value::Object(map));
            }
            "array" => out.push(json!([])),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Requests: members of `params` in order (duplicates allowed), the envelope, and the text.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Seed,
    Current,
}

#[derive(Clone, Debug)]
struct Request {
    form: Form,
    /// `None`: `params` replaced by `params_value`.
    params: Vec<(String, Value)>,
    params_value: Option<Value>,
    /// Top-level members besides `dataProduct` and `params`.
    envelope: Vec<(String, Value)>,
    /// Text insertions made after writing (duplicate keys inside nested objects).
    text_edits: Vec<(String, String)>,
    pretty: bool,
}

fn write_json(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).unwrap()
    } else {
        serde_json::to_string(value).unwrap()
    }
}

fn write_request(product: &str, request: &Request) -> String {
    let (nl, ind) = if request.pretty {
        ("\n", "  ")
    } else {
        ("", "")
    };
    let mut text = format!("{{{nl}{ind}\"dataProduct\": {}", json!(product));
    for (key, value) in &request.envelope {
        text.push_str(&format!(
            ",{nl}{ind}{}: {}",
            json!(key),
            write_json(value, false)
        ));
    }
    text.push_str(&format!(",{nl}{ind}\"params\": "));
    match &request.params_value {
        Some(value) => text.push_str(&write_json(value, false)),
        None => {
            text.push('{');
            for (i, (key, value)) in request.params.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&format!(
                    "{nl}{ind}{ind}{}: {}",
                    json!(key),
                    write_json(value, false)
                ));
            }
            text.push_str(&format!("{nl}{ind}}}"));
        }
    }
    text.push_str(&format!("{nl}}}{nl}"));
    for (from, to) in &request.text_edits {
        if let Some(at) = text.find(from.as_str()) {
            text.replace_range(at..at + from.len(), to);
        }
    }
    text
}

/// A valid `params` for the schema, the enum-valued fields taken from `choices`, repaired
/// against the reference until it passes; `None` if it does not within a few rounds.
fn valid_params(
    model: &SchemaModel,
    validator: &jsonschema::Validator,
    rng: &mut Rng,
    choices: &HashMap<String, Value>,
) -> Option<Vec<(String, Value)>> {
    let mut params: Vec<(String, Value)> = Vec::new();
    for field in &model.fields {
        if !model.required.contains(&field.name) && !rng.chance(60) {
            continue;
        }
        let value = match choices.get(&field.name) {
            Some(value) => value.clone(),
            None => {
                let c = model.candidates(field, rng);
                rng.pick(&c).clone()
            }
        };
        params.push((field.name.clone(), value));
    }
    for _ in 0..40 {
        let instance = Value::Object(params.iter().cloned().collect());
        let errors: Vec<(Option<String>, Option<String>)> = validator
            .iter_errors(&instance)
            .map(|e| {
                let first = e.instance_path().iter().next().and_then(|s| match s {
                    LocationSegment::Property(p) => Some(p.to_string()),
                    LocationSegment::Index(_) => None,
                });
                let missing = match e.kind() {
                    ValidationErrorKind::Required { property } => {
                        property.as_str().map(str::to_string)
                    }
                    _ => None,
                };
                (first, missing)
            })
            .collect();
        if errors.is_empty() {
            return Some(params);
        }
        for (first, missing) in errors {
            let name = first.or(missing)?;
            let field = model.field(&name)?;
            let value = {
                let c = model.candidates(field, rng);
                rng.pick(&c).clone()
            };
            match params.iter_mut().find(|(k, _)| *k == name) {
                Some(member) => member.1 = value,
                None => params.push((name, value)),
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Mutations.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Mutation {
    WrongType,
    OutOfRange,
    BadEnum,
    MissingRequired,
    ExtraProperty,
    Null,
    StringForNumber,
    Fraction,
    StringLength,
    DateTimeFormat,
    GeometryType,
    GeometryShape,
    GeometryExtra,
    GeometryDuplicateKey,
    DuplicateKey,
    ParamsNotObject,
    /// Text-level: a string or key written with `\u` escapes (serde_json decodes them).
    Escapes,
    /// Text-level: a number spelled another way (`1E1`, `-0`, a 30-digit integer, `1e-400`).
    NumberSpelling,
}

const MUTATIONS: [Mutation; 18] = [
    Mutation::WrongType,
    Mutation::OutOfRange,
    Mutation::BadEnum,
    Mutation::MissingRequired,
    Mutation::ExtraProperty,
    Mutation::Null,
    Mutation::StringForNumber,
    Mutation::Fraction,
    Mutation::StringLength,
    Mutation::DateTimeFormat,
    Mutation::GeometryType,
    Mutation::GeometryShape,
    Mutation::GeometryExtra,
    Mutation::GeometryDuplicateKey,
    Mutation::DuplicateKey,
    Mutation::ParamsNotObject,
    Mutation::Escapes,
    Mutation::NumberSpelling,
];

fn is_numeric(facts: &Facts) -> bool {
    facts.types.iter().any(|t| t == "number" || t == "integer")
}

/// Applies `mutation` to a random fitting member; false when none fits.
fn mutate(model: &SchemaModel, request: &mut Request, mutation: Mutation, rng: &mut Rng) -> bool {
    let members: Vec<usize> = (0..request.params.len()).collect();
    let field_of = |request: &Request, i: usize| model.field(&request.params[i].0);
    let choose = |request: &Request, rng: &mut Rng, fits: &dyn Fn(&Field) -> bool| {
        let fitting: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| field_of(request, i).is_some_and(fits))
            .collect();
        (!fitting.is_empty()).then(|| *rng.pick(&fitting))
    };
    let geometry_at = |request: &Request| {
        request
            .params
            .iter()
            .position(|(k, v)| model.field(k).is_some_and(|f| f.polygon) && v.is_object())
    };
    match mutation {
        Mutation::WrongType => {
            let Some(i) = choose(request, rng, &|_| true) else {
                return false;
            };
            let wrong = [
                json!("x"),
                json!(7),
                json!(3.5),
                json!(true),
                json!([]),
                json!({}),
                json!([1, "a"]),
                json!({"a": 1}),
                json!(-0.0),
            ];
            request.params[i].1 = rng.pick(&wrong).clone();
        }
        Mutation::OutOfRange => {
            let Some(i) = choose(request, rng, &|f| is_numeric(&f.own)) else {
                return false;
            };
            let own = &field_of(request, i).unwrap().own;
            let mut options = vec![json!(-1e300), json!(1e300), json!(-1), json!(1000000)];
            if let Some(min) = own.minimum {
                options.push(json!(min - 1.0));
                options.push(json!(min - 0.001));
            }
            if let Some(max) = own.maximum {
                options.push(json!(max + 1.0));
                options.push(json!(max + 0.001));
            }
            request.params[i].1 = rng.pick(&options).clone();
        }
        Mutation::BadEnum => {
            let Some(i) = choose(request, rng, &|f| !f.own.consts.is_empty()) else {
                return false;
            };
            let text = match &request.params[i].1 {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut chars: Vec<char> = text.chars().collect();
            let options = [
                {
                    if !chars.is_empty() {
                        chars.remove(rng.below(chars.len()));
                    }
                    chars.iter().collect::<String>()
                },
                text.to_uppercase(),
                format!("{text}x"),
                String::new(),
                format!("\u{feff}{text}"),
                format!("{text}\u{7}"),
                format!("{text}\u{200b}"),
                format!(" {text}"),
                "null".to_string(),
            ];
            request.params[i].1 = Value::String(rng.pick(&options).clone());
        }
        Mutation::MissingRequired => {
            let Some(i) = choose(request, rng, &|f| model.required.contains(&f.name)) else {
                return false;
            };
            request.params.remove(i);
        }
        Mutation::ExtraProperty => {
            let names = [
                "foo",
                "acquisitionmode",
                "cloudCover",
                "\u{200b}displayName",
                "geometry ",
                "$schema",
                "",
            ];
            let name = rng.pick(&names).to_string();
            let at = rng.below(request.params.len() + 1);
            request.params.insert(at, (name, json!(1)));
        }
        Mutation::Null => {
            let Some(i) = choose(request, rng, &|_| true) else {
                return false;
            };
            request.params[i].1 = Value::Null;
        }
        Mutation::StringForNumber => {
            let Some(i) = choose(request, rng, &|f| is_numeric(&f.own)) else {
                return false;
            };
            let text = match &request.params[i].1 {
                Value::Number(n) => n.to_string(),
                _ => "0.3".to_string(),
            };
            request.params[i].1 = Value::String(text);
        }
        Mutation::Fraction => {
            let Some(i) = choose(request, rng, &|f| is_numeric(&f.own)) else {
                return false;
            };
            let base = request.params[i].1.as_f64().unwrap_or(10.0);
            let options = [json!(base + 0.5), json!(base.trunc()), json!(base + 1e-9)];
            request.params[i].1 = rng.pick(&options).clone();
        }
        Mutation::StringLength => {
            let Some(i) = choose(request, rng, &|f| {
                f.own.min_length.is_some() || f.own.max_length.is_some()
            }) else {
                return false;
            };
            let own = &field_of(request, i).unwrap().own;
            let mut options = vec![Value::String(String::new())];
            if let Some(max) = own.max_length {
                options.push(Value::String("é".repeat(max + 1)));
                options.push(Value::String("a".repeat(max)));
            }
            request.params[i].1 = rng.pick(&options).clone();
        }
        Mutation::DateTimeFormat => {
            let Some(i) = choose(request, rng, &|f| f.own.format.is_some()) else {
                return false;
            };
            let options = [
                "2027-03-01",
                "2027-03-01 00:00:00",
                "2027-03-01T00:00:00",
                "not a date",
                "2027-13-01T00:00:00Z",
                "2027-02-30T00:00:00Z",
                "",
                "2027-03-01T25:00:00Z",
            ];
            request.params[i].1 = json!(rng.pick(&options));
        }
        Mutation::GeometryType => {
            let Some(i) = geometry_at(request) else {
                return false;
            };
            let options = [
                json!("Point"),
                json!("polygon"),
                json!("MultiPolygon"),
                json!(5),
                Value::Null,
                json!(""),
            ];
            let map = request.params[i].1.as_object_mut().unwrap();
            if rng.chance(20) {
                map.remove("type");
            } else {
                map.insert("type".to_string(), rng.pick(&options).clone());
            }
            if rng.chance(30) {
                // A real Point: its coordinates are one position.
                map.insert("coordinates".to_string(), json!([13.4, 52.5]));
            }
        }
        Mutation::GeometryShape => {
            let Some(i) = geometry_at(request) else {
                return false;
            };
            let options = [
                json!("abc"),
                json!([]),
                json!([[]]),
                json!([[[0, 0], [1, 0], [0, 0]]]),
                json!([[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]),
                json!([[[0, "0"], [1, 0], [1, 1], [0, 0]]]),
                json!([[[0], [1, 0], [1, 1], [0, 0]]]),
                json!([[0, 0], [1, 0], [1, 1], [0, 0]]),
                json!([[[0, 0], [1, 0], [1, 1], [0, 1]]]),
                json!([[[0, 0], [1, 0], [1, 1], [0, 0]], "hole"]),
                json!([[[200, 0], [201, 0], [201, 1], [200, 0]]]),
                json!(null),
                json!({"a": 1}),
                json!([[[0, null], [1, 0], [1, 1], [0, 0]]]),
            ];
            let map = request.params[i].1.as_object_mut().unwrap();
            if rng.chance(15) {
                map.remove("coordinates");
            } else {
                map.insert("coordinates".to_string(), rng.pick(&options).clone());
            }
        }
        Mutation::GeometryExtra => {
            let Some(i) = geometry_at(request) else {
                return false;
            };
            let options = [
                json!("not an object"),
                json!([1, 2]),
                json!(null),
                json!(3),
                json!({}),
            ];
            if rng.chance(50) {
                let map = request.params[i].1.as_object_mut().unwrap();
                map.insert("crs".to_string(), json!({"type": "name"}));
            } else {
                request.params[i].1 = rng.pick(&options).clone();
            }
        }
        Mutation::GeometryDuplicateKey => {
            if geometry_at(request).is_none() {
                return false;
            }
            // The first `"type"` written is the geometry's (params hold no other): put a
            // duplicate before it (serde_json reads the later one) or after the whole value.
            let options = [
                ("\"type\":", "\"type\": \"Point\", \"type\":"),
                (
                    "\"type\":\"Polygon\"",
                    "\"type\":\"Polygon\",\"type\":\"Point\"",
                ),
                (
                    "\"type\":\"Polygon\"",
                    "\"type\":\"Polygon\",\"type\":\"Polygon\"",
                ),
                (
                    "\"coordinates\":",
                    "\"coordinates\": \"abc\", \"coordinates\":",
                ),
            ];
            let (from, to) = rng.pick(&options);
            request.text_edits.push((from.to_string(), to.to_string()));
        }
        Mutation::DuplicateKey => {
            let Some(i) = choose(request, rng, &|_| true) else {
                return false;
            };
            let (key, value) = request.params[i].clone();
            let field = model.field(&key).unwrap();
            let other = if rng.chance(50) {
                {
                    let c = model.candidates(field, rng);
                    rng.pick(&c).clone()
                }
            } else {
                json!("wrong")
            };
            if rng.chance(50) {
                // The duplicate first: serde_json reads the original, later value.
                request.params.insert(i, (key, other));
            } else {
                request.params.insert(i + 1, (key, other));
                let _ = value;
            }
        }
        Mutation::Escapes => {
            let Some(i) = choose(request, rng, &|_| true) else {
                return false;
            };
            let escape = |text: &str, all: bool| {
                let mut out = String::from("\"");
                for (n, c) in text.chars().enumerate() {
                    if n == 0 || all {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    } else {
                        out.push_str(
                            &serde_json::to_string(&c.to_string()).unwrap()[1..c.len_utf8() + 1],
                        );
                    }
                }
                out.push('"');
                out
            };
            let (key, value) = request.params[i].clone();
            let all = rng.chance(50);
            match value {
                Value::String(text)
                    if !text.is_empty()
                        && rng.chance(60)
                        && !text.contains(['"', '\\'])
                        && !text.chars().any(char::is_control) =>
                {
                    let marker = format!("__ESCAPED{}__", request.text_edits.len());
                    request.params[i].1 = Value::String(marker.clone());
                    request
                        .text_edits
                        .push((format!("\"{marker}\""), escape(&text, all)));
                }
                _ if !key.contains(['"', '\\'])
                    && !key.chars().any(char::is_control)
                    && !key.is_empty() =>
                {
                    let marker = format!("__ESCAPED{}__", request.text_edits.len());
                    request.params[i].0 = marker.clone();
                    request
                        .text_edits
                        .push((format!("\"{marker}\""), escape(&key, all)));
                }
                _ => return false,
            }
        }
        Mutation::NumberSpelling => {
            let Some(i) = choose(request, rng, &|f| is_numeric(&f.own)) else {
                return false;
            };
            let Some(number) = request.params[i].1.as_f64() else {
                return false;
            };
            let options = [
                format!("{number:e}"),
                format!("{number:E}"),
                if number.fract() == 0.0 && number.abs() < 1e15 {
                    format!("{}.000", number as i64)
                } else {
                    format!("{number}0")
                },
                "-0".to_string(),
                "-0.0".to_string(),
                "123456789012345678901234567890".to_string(),
                "1e-400".to_string(),
                "0.30000000000000004".to_string(),
                format!("{}", (number * 10.0).round() / 10.0 + 0.05),
            ];
            let marker = format!("__RAW{}__", request.text_edits.len());
            request.params[i].1 = Value::String(marker.clone());
            request
                .text_edits
                .push((format!("\"{marker}\""), rng.pick(&options).clone()));
        }
        Mutation::ParamsNotObject => {
            let options = [
                json!([]),
                json!("params"),
                Value::Null,
                json!(5),
                json!([{}]),
            ];
            request.params_value = Some(rng.pick(&options).clone());
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// The comparison.

type Path = Vec<PathSegment>;

fn show_path(path: &[PathSegment]) -> String {
    path.iter()
        .map(|s| match s {
            PathSegment::Key(k) => format!("/{k}"),
            PathSegment::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// Where a range sits in `params`: the value of an effective member (the last of its name,
/// the one serde_json reads) or an item, any member's key, and an object's opening brace.
#[derive(Default)]
struct Places {
    values: HashMap<(usize, usize), Path>,
    keys: HashMap<(usize, usize), (Path, String, bool)>,
    braces: HashMap<(usize, usize), Path>,
}

fn index_places(node: &Node, path: &mut Path, places: &mut Places) {
    places.values.insert(
        (node.range.start as usize, node.range.end as usize),
        path.clone(),
    );
    if let Some(members) = node.members() {
        let start = node.range.start as usize;
        places.braces.insert((start, start + 1), path.clone());
        for (i, member) in members.iter().enumerate() {
            let effective = !members[i + 1..]
                .iter()
                .any(|later| later.key.name == member.key.name);
            places.keys.insert(
                (
                    member.key.range.start as usize,
                    member.key.range.end as usize,
                ),
                (path.clone(), member.key.name.clone(), effective),
            );
            if let (Some(value), true) = (&member.value, effective) {
                path.push(PathSegment::Key(member.key.name.clone()));
                index_places(value, path, places);
                path.pop();
            }
        }
    } else if let Some(items) = node.items() {
        for (i, item) in items.iter().enumerate() {
            path.push(PathSegment::Index(i));
            index_places(&item, path, places);
            path.pop();
        }
    }
}

fn key(range: TextRange) -> (usize, usize) {
    (range.start as usize, range.end as usize)
}

fn is_schema_code(code: Code) -> bool {
    code.as_str().starts_with("schema.")
}

/// The instance path (inside `params`) a `schema.*` diagnostic is about, from its range.
fn diagnostic_path(
    diagnostic: &Diagnostic,
    places: &Places,
    params_key: Option<TextRange>,
) -> Option<Path> {
    let at = key(diagnostic.range);
    match diagnostic.code {
        Code::SchemaAdditionalProperty => places.keys.get(&at).map(|(object, _, _)| object.clone()),
        Code::SchemaRequired => {
            if params_key.map(key) == Some(at) {
                return Some(Vec::new());
            }
            if let Some((object, name, true)) = places.keys.get(&at) {
                let mut path = object.clone();
                path.push(PathSegment::Key(name.clone()));
                return Some(path);
            }
            places.braces.get(&at).cloned()
        }
        _ => places.values.get(&at).cloned(),
    }
}

#[derive(Debug)]
struct ReferenceError {
    path: Path,
    kind: String,
    property: Option<String>,
    message: String,
}

fn reference_errors(validator: &jsonschema::Validator, params: &Value) -> Vec<ReferenceError> {
    validator
        .iter_errors(params)
        .map(|error| ReferenceError {
            path: error
                .instance_path()
                .iter()
                .map(|s| match s {
                    LocationSegment::Property(p) => PathSegment::Key(p.to_string()),
                    LocationSegment::Index(i) => PathSegment::Index(i),
                })
                .collect(),
            kind: error.kind().keyword().to_string(),
            property: match error.kind() {
                ValidationErrorKind::Required { property } => property.as_str().map(str::to_string),
                _ => None,
            },
            message: error.to_string(),
        })
        .collect()
}

/// A reference error tasking-ls deliberately reports differently or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Deviation {
    /// The polygon's coordinates: `check/params/mod.rs` leaves them empty for the validator
    /// and the geometry checks own them, reporting at ring or position level with
    /// `geometry.*` codes (one error per ring rather than one per position, issue 9). Met
    /// when a diagnostic lies inside the geometry's `coordinates`.
    CoordinatesOwnedByGeometry,
    /// Coordinates of a geometry whose `type` is not `Polygon`: they are read as the type says,
    /// and the type error on `type` is the one fault (issue 9, the Point case). Met when a
    /// diagnostic sits on the geometry's `type` (or the geometry itself when `type` is
    /// missing or the geometry is not an object).
    CoordinatesOfWrongType,
    /// The current form carries the area in `featureCollection` and may carry `displayName`
    /// in the envelope: `params` needs neither (design.md, the two request forms). Met when
    /// the envelope has the member.
    CurrentFormEnvelope,
    /// A value of the wrong type also fails its value checks (`"minBH": "0.3"` is no number,
    /// so no range either): one fault, the `schema.type` diagnostic says it (issue 10, one
    /// diagnostic per fault). Met when a `schema.type` diagnostic sits at the path.
    TypeErrorSaysItAll,
}

/// The codes a reference error of keyword `kind` is reported with.
fn codes_for(kind: &str) -> &'static [Code] {
    match kind {
        "type" => &[Code::SchemaType],
        "required" => &[Code::SchemaRequired],
        "additionalProperties" => &[Code::SchemaAdditionalProperty],
        // A list of allowed values gets `schema.enum`; alternatives that are not plain values
        // ("matches none of the forms it may take") `schema.other`.
        "enum" | "const" | "anyOf" | "oneOf" => &[Code::SchemaEnum, Code::SchemaOther],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => &[Code::SchemaRange],
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            &[Code::SchemaLength]
        }
        "format" | "pattern" => &[Code::SchemaFormat],
        _ => &[Code::SchemaOther],
    }
}

#[derive(Default)]
struct Tally {
    requests: usize,
    unreadable: usize,
    reference_errors: usize,
    matched: usize,
    /// Requests where tasking-ls and the reference disagree (the first few are reported).
    disagreements: usize,
    deviations: BTreeMap<Deviation, usize>,
    by_mutation: BTreeMap<Mutation, (usize, usize)>,
    branch_values: BTreeMap<(String, String), usize>,
    forms: BTreeMap<Form, usize>,
}

/// Compares one request; the failures are pushed as readable reports.
fn compare(
    text: &str,
    model: &SchemaModel,
    validator: &jsonschema::Validator,
    options: &CheckOptions<'_>,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) -> usize {
    tally.requests += 1;
    let Ok(whole) = serde_json::from_str::<Value>(text) else {
        tally.unreadable += 1;
        return 0;
    };
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, options);
    let Some(params) = whole.get("params") else {
        return 0;
    };
    let reference = reference_errors(validator, params);
    tally.reference_errors += reference.len();
    let root = doc.root().expect("a readable document has a root");
    let params_member = root.member("params").expect("params is written");
    let params_node = params_member.value.as_ref().expect("params has a value");
    let mut places = Places::default();
    index_places(params_node, &mut Vec::new(), &mut places);
    let inside_params = |range: TextRange| {
        (range.start >= params_member.range.start && range.end <= params_member.range.end)
            || range == params_member.key.range
    };
    let mut mapped: Vec<(Path, &Diagnostic)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| is_schema_code(d.code)) {
        if !inside_params(diagnostic.range) {
            // The envelope (dataProduct, displayName, featureCollection, tags) is checked
            // against the API's request forms, not the product schema.
            continue;
        }
        match diagnostic_path(diagnostic, &places, Some(params_member.key.range)) {
            Some(path) => mapped.push((path, diagnostic)),
            None => problems.push(format!(
                "unmapped diagnostic {} at {:?} `{}`: {}",
                diagnostic.code,
                diagnostic.range,
                doc.slice(diagnostic.range),
                diagnostic.message
            )),
        }
    }
    let polygon_fields = model.polygon_fields();
    let within =
        |inner: TextRange, outer: TextRange| inner.start >= outer.start && inner.end <= outer.end;
    let mut explained: HashSet<usize> = HashSet::new();
    for error in &reference {
        let deviation = match error.path.as_slice() {
            [PathSegment::Key(field), PathSegment::Key(coordinates), ..]
                if coordinates == "coordinates" && polygon_fields.contains(&field.as_str()) =>
            {
                let geometry = &params[field.as_str()];
                let polygon_type = geometry
                    .get("type")
                    .is_none_or(|t| t == &Value::String("Polygon".into()));
                if polygon_type {
                    let coordinates = doc
                        .node_at_path(&[
                            PathSegment::Key("params".into()),
                            PathSegment::Key(field.clone()),
                            PathSegment::Key("coordinates".into()),
                        ])
                        .map(|n| n.range);
                    let met = coordinates
                        .is_some_and(|outer| diagnostics.iter().any(|d| within(d.range, outer)));
                    Some((Deviation::CoordinatesOwnedByGeometry, met))
                } else {
                    let type_path = vec![
                        PathSegment::Key(field.clone()),
                        PathSegment::Key("type".into()),
                    ];
                    let met = mapped.iter().any(|(p, _)| *p == type_path);
                    Some((Deviation::CoordinatesOfWrongType, met))
                }
            }
            [] if error.kind == "required"
                && whole.get("featureCollection").is_some()
                && (error.property.as_deref() == Some("geometry")
                    || (error.property.as_deref() == Some("displayName")
                        && whole.get("displayName").is_some())) =>
            {
                let named = error.property.as_deref().unwrap_or_default();
                let met = !mapped.iter().any(|(p, d)| {
                    p.is_empty()
                        && d.code == Code::SchemaRequired
                        && d.message.contains(&format!("'{named}'"))
                });
                Some((Deviation::CurrentFormEnvelope, met))
            }
            _ => None,
        };
        match deviation {
            Some((deviation, true)) => {
                *tally.deviations.entry(deviation).or_default() += 1;
            }
            Some((deviation, false)) => problems.push(format!(
                "reference error at {} ({}: {}) is mapped as {deviation:?}, but that is not what tasking-ls did",
                show_path(&error.path),
                error.kind,
                error.message
            )),
            None => {
                let same_kind = |d: &Diagnostic| {
                    codes_for(&error.kind).contains(&d.code)
                        && error
                            .property
                            .as_ref()
                            .is_none_or(|p| d.message.contains(&format!("'{p}'")))
                };
                let found: Vec<usize> = mapped
                    .iter()
                    .enumerate()
                    .filter(|(_, (p, d))| *p == error.path && same_kind(d))
                    .map(|(i, _)| i)
                    .collect();
                let mistyped = reference
                    .iter()
                    .any(|e| e.path == error.path && e.kind == "type");
                if !found.is_empty() {
                    tally.matched += 1;
                    explained.extend(found);
                } else if mistyped && !["type", "required", "additionalProperties"].contains(&error.kind.as_str()) {
                    let met = mapped
                        .iter()
                        .any(|(p, d)| *p == error.path && d.code == Code::SchemaType);
                    if met {
                        *tally.deviations.entry(Deviation::TypeErrorSaysItAll).or_default() += 1;
                    } else {
                        problems.push(format!(
                            "reference error at {} ({}: {}) is mapped as TypeErrorSaysItAll, but there is no schema.type diagnostic there",
                            show_path(&error.path),
                            error.kind,
                            error.message
                        ));
                    }
                } else {
                    problems.push(format!(
                        "reference error at {} ({}: {}) has no tasking-ls diagnostic of a code {:?} there",
                        show_path(&error.path),
                        error.kind,
                        error.message,
                        codes_for(&error.kind)
                    ));
                }
            }
        }
    }
    for (i, (path, diagnostic)) in mapped.iter().enumerate() {
        if explained.contains(&i)
            || reference
                .iter()
                .any(|e| e.path == *path && codes_for(&e.kind).contains(&diagnostic.code))
        {
            continue;
        }
        problems.push(format!(
            "tasking-ls {} at {} `{}` ({}) has no reference error of that kind there",
            diagnostic.code,
            show_path(path),
            doc.slice(diagnostic.range),
            diagnostic.message
        ));
    }
    if !problems.is_empty() && failures.len() < 12 {
        let reference_list: Vec<String> = reference
            .iter()
            .map(|e| format!("    {} {}: {}", show_path(&e.path), e.kind, e.message))
            .collect();
        let ours: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("    {} `{}`: {}", d.code, doc.slice(d.range), d.message))
            .collect();
        failures.push(format!(
            "product {}:\n{text}\n  problems:\n    {}\n  reference:\n{}\n  tasking-ls:\n{}\n",
            model.id,
            problems.join("\n    "),
            reference_list.join("\n"),
            ours.join("\n")
        ));
    }
    if !problems.is_empty() {
        tally.disagreements += 1;
    }
    reference.len()
}

fn to_current_form(request: &mut Request, model: &SchemaModel, rng: &mut Rng) {
    request.form = Form::Current;
    let polygons = model.polygon_fields();
    let mut geometry = None;
    request.params.retain(|(k, v)| {
        if polygons.contains(&k.as_str()) {
            geometry = Some(v.clone());
            false
        } else {
            true
        }
    });
    let display = request
        .params
        .iter()
        .find(|(k, _)| k == "displayName")
        .map(|(_, v)| v.clone())
        .unwrap_or(json!("Order"));
    if rng.chance(50) {
        request.params.retain(|(k, _)| k != "displayName");
    }
    request.envelope.push(("displayName".into(), display));
    request.envelope.push((
        "featureCollection".into(),
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": geometry.unwrap_or_else(|| polygon(rng))}
        ]}),
    ));
}

#[test]
fn schema_checks_agree_with_the_reference_validator() {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let mut rng = Rng(SEED);
    let ids = store.schema_ids();
    assert!(
        ids.len() >= 4,
        "the bundled schemas: {ids:?} (the older-style Pléiades Neo one among them)"
    );
    assert!(ids
        .iter()
        .any(|id| id == "97891b26-bacf-48fb-9d30-46697a11ce65"));
    let mut tally = Tally::default();
    let mut failures: Vec<String> = Vec::new();
    let mut invalid_bases = 0usize;
    for id in &ids {
        let schema = store.get(id).unwrap();
        let model = SchemaModel::new(id, &schema.schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema.schema)
            .expect("a bundled schema compiles");
        let enum_fields: Vec<&Field> = model
            .fields
            .iter()
            .filter(|f| !f.own.consts.is_empty())
            .collect();
        for n in 0..VALID_PER_SCHEMA {
            // Each enum-valued field walks through its values, so every branch
            // (acquisitionMode, geometricProcessing, ...) gets valid requests.
            let choices: HashMap<String, Value> = enum_fields
                .iter()
                .enumerate()
                .map(|(k, f)| {
                    let stride = 1 + k % 3;
                    (
                        f.name.clone(),
                        f.own.consts[(n / stride + k) % f.own.consts.len()].clone(),
                    )
                })
                .collect();
            let Some(params) = valid_params(&model, &validator, &mut rng, &choices) else {
                invalid_bases += 1;
                continue;
            };
            for (name, value) in &params {
                if choices.contains_key(name) {
                    *tally
                        .branch_values
                        .entry((format!("{id} {name}"), value.to_string()))
                        .or_default() += 1;
                }
            }
            let mut base = Request {
                form: Form::Seed,
                params,
                params_value: None,
                envelope: Vec::new(),
                text_edits: Vec::new(),
                pretty: rng.chance(50),
            };
            if rng.chance(30) && !model.polygon_fields().is_empty() {
                to_current_form(&mut base, &model, &mut rng);
            }
            *tally.forms.entry(base.form).or_default() += 1;
            let text = write_request(id, &base);
            let before = failures.len();
            let errors = compare(
                &text,
                &model,
                &validator,
                &options,
                &mut tally,
                &mut failures,
            );
            if base.form == Form::Seed {
                assert_eq!(
                    errors, 0,
                    "a generated base request must be valid for the reference:\n{text}"
                );
            }
            let _ = before;
            for _ in 0..MUTANTS_PER_VALID {
                let mut request = base.clone();
                let mut applied = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let mutation = *rng.pick(&MUTATIONS);
                    if mutate(&model, &mut request, mutation, &mut rng) {
                        applied.push(mutation);
                    }
                }
                let text = write_request(id, &request);
                let errors = compare(
                    &text,
                    &model,
                    &validator,
                    &options,
                    &mut tally,
                    &mut failures,
                );
                for mutation in applied {
                    let entry = tally.by_mutation.entry(mutation).or_default();
                    entry.0 += 1;
                    entry.1 += usize::from(errors > 0);
                }
            }
        }
    }
    eprintln!(
        "differential: {} requests ({} not readable by serde_json), {} reference errors, {} matched at their path, deviations {:?}, forms {:?}",
        tally.requests, tally.unreadable, tally.reference_errors, tally.matched, tally.deviations, tally.forms
    );
    eprintln!(
        "mutations (applied, requests with reference errors): {:?}",
        tally.by_mutation
    );
    assert!(
        tally.disagreements == 0,
        "{} requests where tasking-ls and the reference validator disagree (first ones shown):\n{}",
        tally.disagreements,
        failures.join("\n")
    );
    // The generator really explored: almost every base is valid, every value of every
    // enum-valued field (so every branch) got valid requests, and every mutation produced
    // requests the reference rejects.
    assert_eq!(
        tally.unreadable, 0,
        "every generated request is JSON serde_json reads"
    );
    assert!(
        invalid_bases * 20 < VALID_PER_SCHEMA * ids.len(),
        "{invalid_bases} bases not valid"
    );
    assert_eq!(
        tally.requests,
        ids.len() * VALID_PER_SCHEMA * (1 + MUTANTS_PER_VALID)
            - invalid_bases * (1 + MUTANTS_PER_VALID)
    );
    for id in &ids {
        let schema = store.get(id).unwrap();
        let model = SchemaModel::new(id, &schema.schema);
        for field in model.fields.iter().filter(|f| !f.own.consts.is_empty()) {
            for value in &field.own.consts {
                let seen = tally
                    .branch_values
                    .get(&(format!("{id} {}", field.name), value.to_string()))
                    .copied()
                    .unwrap_or(0);
                assert!(
                    seen > 0,
                    "no valid request of {id} with {} = {value}",
                    field.name
                );
            }
        }
    }
    for mutation in MUTATIONS {
        let (applied, rejected) = tally.by_mutation.get(&mutation).copied().unwrap_or((0, 0));
        assert!(
            rejected >= 20,
            "{mutation:?}: applied {applied} times, {rejected} requests rejected by the reference"
        );
    }
    for deviation in [
        Deviation::CoordinatesOwnedByGeometry,
        Deviation::CoordinatesOfWrongType,
        Deviation::CurrentFormEnvelope,
        Deviation::TypeErrorSaysItAll,
    ] {
        assert!(
            tally.deviations.get(&deviation).copied().unwrap_or(0) > 0,
            "{deviation:?} never met: drop it from the mapping if it is gone"
        );
    }
    assert!(
        tally.matched > 5_000,
        "only {} reference errors matched",
        tally.matched
    );
}

/// How many valid bases per schema the fix test mutates (each with [`MUTANTS_PER_VALID`]
/// mutants): 4 schemas × 100 × 12 = 4,800 requests, every fix of every `schema.*` diagnostic
/// applied.
const FIX_BASES_PER_SCHEMA: usize = 100;

fn apply_edits(text: &str, edits: &[tasking_ls::check::Edit]) -> String {
    let mut edits: Vec<&tasking_ls::check::Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.range.as_range(), &edit.new_text);
    }
    out
}

/// Every fix of every `schema.*` diagnostic, applied to generated and mutated requests, does
/// what it says (issue 10, point 2: a fix never inserts what the check then rejects):
/// - a fix that replaces the value the diagnostic is on leaves no diagnostic on that value;
/// - a fix that adds a missing property leaves no diagnostic on the added member, and the
///   "missing" one is gone;
/// - any other fix (rename or remove an unknown property) removes its diagnostic;
/// - no fix makes the document unreadable.
#[test]
fn every_fix_of_a_schema_diagnostic_is_accepted_by_the_check() {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let mut rng = Rng(SEED ^ 0xf1f1);
    let mut applied = 0usize;
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut failed = 0usize;
    for id in store.schema_ids() {
        let schema = store.get(&id).unwrap();
        let model = SchemaModel::new(&id, &schema.schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema.schema)
            .unwrap();
        for _ in 0..FIX_BASES_PER_SCHEMA {
            let Some(params) = valid_params(&model, &validator, &mut rng, &HashMap::new()) else {
                continue;
            };
            let mut base = Request {
                form: Form::Seed,
                params,
                params_value: None,
                envelope: Vec::new(),
                text_edits: Vec::new(),
                pretty: true,
            };
            if rng.chance(30) && !model.polygon_fields().is_empty() {
                to_current_form(&mut base, &model, &mut rng);
            }
            for _ in 0..MUTANTS_PER_VALID {
                let mut request = base.clone();
                for _ in 0..1 + rng.below(2) {
                    let mutation = *rng.pick(&MUTATIONS);
                    mutate(&model, &mut request, mutation, &mut rng);
                }
                let text = write_request(&id, &request);
                let doc = Document::new(text.as_str());
                let diagnostics = check_document(&doc, &options);
                let Some(params_node) = doc.root().and_then(|r| r.get("params")) else {
                    continue;
                };
                for diagnostic in diagnostics.iter().filter(|d| is_schema_code(d.code)) {
                    if !(diagnostic.range.start >= params_node.range.start
                        && diagnostic.range.end <= params_node.range.end)
                    {
                        continue;
                    }
                    for fix in &diagnostic.fixes {
                        applied += 1;
                        let fixed = apply_edits(&text, &fix.edits);
                        let fixed_doc = Document::new(fixed.as_str());
                        // `feasibility.*` judges the order as a whole (an angle the schema
                        // accepts can still be too small for stereo), not the fix's value.
                        let after: Vec<Diagnostic> = check_document(&fixed_doc, &options)
                            .into_iter()
                            .filter(|d| !d.code.as_str().starts_with("feasibility."))
                            .collect();
                        let mut problems: Vec<String> = Vec::new();
                        if after.iter().any(|d| d.code == Code::Syntax) {
                            problems.push("the fixed document has a syntax error".into());
                        }
                        let replaces_value = matches!(fix.edits.as_slice(),
                            [edit] if edit.range == diagnostic.range
                                && diagnostic.code != Code::SchemaRequired
                                && diagnostic.code != Code::SchemaAdditionalProperty);
                        if replaces_value {
                            *kinds.entry("replace the value").or_default() += 1;
                            let edit = &fix.edits[0];
                            let start = edit.range.start as usize;
                            let new_range = TextRange::new(start, start + edit.new_text.len());
                            let on_value: Vec<&Diagnostic> = after
                                .iter()
                                .filter(|d| {
                                    d.range.start < new_range.end && d.range.end > new_range.start
                                })
                                .collect();
                            for d in on_value {
                                problems.push(format!(
                                    "the value put there draws {} `{}`: {}",
                                    d.code,
                                    fixed_doc.slice(d.range),
                                    d.message
                                ));
                            }
                        } else if diagnostic.code == Code::SchemaRequired {
                            *kinds.entry("add the missing property").or_default() += 1;
                            if after.iter().any(|d| {
                                d.code == diagnostic.code && d.message == diagnostic.message
                            }) {
                                problems.push("the property is still missing".into());
                            }
                            for edit in &fix.edits {
                                let start = edit.range.start as usize;
                                let inserted = TextRange::new(start, start + edit.new_text.len());
                                for d in after.iter().filter(|d| {
                                    d.range.start < inserted.end && d.range.end > inserted.start
                                }) {
                                    problems.push(format!(
                                        "the added member draws {} `{}`: {}",
                                        d.code,
                                        fixed_doc.slice(d.range),
                                        d.message
                                    ));
                                }
                            }
                        } else {
                            *kinds.entry("other").or_default() += 1;
                            if after.iter().any(|d| {
                                d.code == diagnostic.code && d.message == diagnostic.message
                            }) {
                                problems.push("the diagnostic is still there".into());
                            }
                        }
                        if !problems.is_empty() {
                            failed += 1;
                            if failures.len() < 10 {
                                failures.push(format!(
                                    "{} `{}`: {}\n  fix {:?}: {:?}\n  {}\n{fixed}",
                                    diagnostic.code,
                                    doc.slice(diagnostic.range),
                                    diagnostic.message,
                                    fix.title,
                                    fix.edits.iter().map(|e| &e.new_text).collect::<Vec<_>>(),
                                    problems.join("\n  ")
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!("fixes: {applied} applied, by kind {kinds:?}");
    assert!(
        failed == 0,
        "{failed} fixes do not do what they say (first ones):\n{}",
        failures.join("\n\n")
    );
    assert!(applied > 2_500, "only {applied} fixes applied");
    assert!(kinds.len() == 3, "every kind of fix is tried: {kinds:?}");
}
