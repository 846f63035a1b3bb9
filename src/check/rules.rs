//! The rules reference: for every diagnostic [`Code`], what it checks, why (the RFC section,
//! JSON Schema keyword or provider page it comes from), an order that triggers it, what its
//! fixes do. `tasking-ls rule`, `docs/rules.md`, the LSP `codeDescription.href` and SARIF's
//! `helpUri` are all made from this table; `tests/it/rules.rs` runs every example through the
//! checker and fails when a code has no entry or `docs/rules.md` is stale.
//!
//! Adding a code: add its entry to [`rule`] (the coverage test names the code until then).

use super::Code;

/// Where the rules reference is published: `docs/rules.md` on the project's main branch.
/// Each code's entry is this URL plus `#` and [`Rule::anchor`].
pub const RULES_URL: &str = "https://github.com/tasking-ls/tasking-ls/blob/main/docs/rules.md";

/// A page a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// What it is, with the section: "RFC 7946 §3.1.6".
    pub title: &'static str,
    /// Its address.
    pub url: &'static str,
}

/// An order that triggers the rule: [`SEED`] (a clean order) with `replace` changed to
/// `with`, checked with `schema` added to the bundled product schemas when set (a code that
/// no bundled schema can trigger).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub replace: &'static str,
    pub with: &'static str,
    /// `(product id, JSON Schema text)`: a schema as `--schema-dir` would add it.
    pub schema: Option<(&'static str, &'static str)>,
    /// For a code of search-style orders: the product's queryables schema (JSON text); the
    /// example then starts from [`SEARCH_SEED`], checked as an order of such a product.
    pub queryables: Option<&'static str>,
    /// A `tasking-ls.toml` the example is checked with (its `[rules."<product-id>"]`): for
    /// an acceptance limit no bundled collection sets.
    pub config: Option<&'static str>,
}

impl Example {
    /// The example order's text. `replace` is in [`SEED`] (the rules test checks it), so the
    /// text always differs from the seed.
    pub fn text(&self) -> String {
        self.base().replacen(self.replace, self.with, 1)
    }

    /// The clean order the example starts from: [`SEED`], or [`SEARCH_SEED`] for a code of
    /// search-style orders.
    pub fn base(&self) -> &'static str {
        if self.queryables.is_some() {
            SEARCH_SEED
        } else {
            SEED
        }
    }
}

/// One entry of the rules reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: Code,
    /// What is checked, in a few sentences.
    pub checks: &'static str,
    /// Why it matters: what goes wrong when the order is sent anyway.
    pub why: &'static str,
    /// Where the rule comes from.
    pub sources: &'static [Source],
    pub example: Example,
    /// What the offered fixes do (`validate --fix`, the editor's quick fixes), or how to fix
    /// it by hand when none is offered.
    pub fixes: &'static str,
}

impl Rule {
    /// The entry's anchor in `docs/rules.md`: the code with every character but ASCII
    /// letters, digits and `-` removed, as GitHub and GitLab derive heading anchors
    /// (`schema.additional-property` -> `schemaadditional-property`).
    pub fn anchor(&self) -> String {
        anchor(self.code)
    }

    /// The entry's address: [`RULES_URL`]`#`[`Rule::anchor`].
    pub fn url(&self) -> String {
        url(self.code)
    }
}

/// The anchor of `code`'s entry in `docs/rules.md` (see [`Rule::anchor`]).
pub fn anchor(code: Code) -> String {
    code.as_str()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The address of `code`'s entry in the rules reference.
pub fn url(code: Code) -> String {
    format!("{RULES_URL}#{}", anchor(code))
}

/// The clean order every example starts from (the bundled Pléiades tasking product).
pub const SEED: &str = r#"{
  "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
  "params": {
    "displayName": "Panama City",
    "acquisitionStart": "2027-03-01T00:00:00Z",
    "acquisitionEnd": "2027-05-01T00:00:00Z",
    "acquisitionMode": "mono",
    "radiometricProcessing": "reflectance",
    "geometricProcessing": "ortho",
    "spectralProcessing": "bundle",
    "deliveredAs": "geotiff",
    "cloudCoverage": 10,
    "incidenceAngle": 10,
    "pixelCoding": "12bits",
    "geometry": {
      "type": "Polygon",
      "coordinates": [[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]
    }
  }
}
"#;

/// The clean search-style order the filter examples start from (see
/// `check::search_order`), for a product whose queryables are [`QUERYABLES`].
pub const SEARCH_SEED: &str = r#"{
  "datetime": "2027-03-01T00:00:00Z/2027-05-01T00:00:00Z",
  "geometry": {"type": "Point", "coordinates": [-79.54, 8.97]},
  "filter": {"op": "<=", "args": [{"property": "cloud_cover"}, 20]},
  "order_parameters": {}
}
"#;

/// The queryables of the filter examples' product.
const QUERYABLES: &str = r#"{"type": "object", "properties": {
  "cloud_cover": {"type": "integer", "minimum": 0, "maximum": 100},
  "off_nadir": {"type": "number", "minimum": 0, "maximum": 45}}}"#;

const CQL2: Source = Source {
    title: "OGC 21-065r2, CQL2 (JSON encoding, Annex B)",
    url: "https://docs.ogc.org/is/21-065r2/21-065r2.html",
};

const fn search(replace: &'static str, with: &'static str) -> Example {
    Example {
        replace,
        with,
        schema: None,
        queryables: Some(QUERYABLES),
        config: None,
    }
}

const RING: &str =
    "[[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]";

const fn seed(replace: &'static str, with: &'static str) -> Example {
    Example {
        replace,
        with,
        schema: None,
        queryables: None,
        config: None,
    }
}

/// The seed with `replace` changed to `with`, checked with the `tasking-ls.toml` `config`.
const fn configured(replace: &'static str, with: &'static str, config: &'static str) -> Example {
    Example {
        replace,
        with,
        schema: None,
        queryables: None,
        config: Some(config),
    }
}

/// The seed's product with a schema that takes a Polygon or a MultiPolygon and any number of
/// numbers per position (as `--schema-dir` would add it), for the rules no bundled schema
/// lets through.
const ANY_POLYGON_SCHEMA: (&str, &str) = (
    "bd102407-1814-4f92-8b5a-7697b7a73f5a",
    r#"{"type": "object", "properties": {"geometry": {"type": "object", "properties": {
  "type": {"enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}}}}"#,
);

const MULTIPOLYGON: &str = "\"type\": \"MultiPolygon\",\n      \"coordinates\": [[[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]], [[[-79.0, 9.07], [-79.0, 8.97], [-78.9, 8.97], [-78.9, 9.07], [-79.0, 9.07]]]]";

const AOI_GUIDELINES: Source = Source {
    title: "UP42: AOI guidelines (help/aoi-guidelines)",
    url: "https://docs.up42.com/help/aoi-guidelines",
};
const GEOMETRY_TYPES: Source = Source {
    title: "UP42: geometry types (data/types): a multipart AOI is tasked as its bounding box",
    url: "https://docs.up42.com/data/types",
};
const TASKING_LIMITATIONS: Source = Source {
    title: "UP42: tasking limitations (data/tasking/conditions/limitations)",
    url: "https://docs.up42.com/data/tasking/conditions/limitations",
};
const ACCEPTANCE: Source = Source {
    title: "tasking-ls: acceptance rules and their data (docs/acceptance.md)",
    url: "https://github.com/tasking-ls/tasking-ls/blob/main/docs/acceptance.md",
};

const JSON: Source = Source {
    title: "RFC 8259 (JSON)",
    url: "https://www.rfc-editor.org/rfc/rfc8259",
};
const JSON_NAMES: Source = Source {
    title: "RFC 8259 §4: the names within an object SHOULD be unique",
    url: "https://www.rfc-editor.org/rfc/rfc8259#section-4",
};
const ORDERING: Source = Source {
    title: "UP42: Place an order (developers/api-tasking/api-tasking-ordering)",
    url: "https://docs.up42.com/developers/api-tasking/api-tasking-ordering",
};
const ORDER_SCHEMA: Source = Source {
    title: "UP42: Get a JSON schema of an order form (GET /orders/schema/{data-product-id})",
    url: "https://developer.up42.com/reference/getorderschema",
};
const VALIDATION: &str =
    "https://json-schema.org/draft-07/draft-handrews-json-schema-validation-01";
const GEOJSON_POLYGON: Source = Source {
    title: "RFC 7946 §3.1.6 (Polygon)",
    url: "https://www.rfc-editor.org/rfc/rfc7946#section-3.1.6",
};
const GEOMETRY_RULES: Source = Source {
    title: "UP42: geometry rules (data/geometry/rules)",
    url: "https://docs.up42.com/data/geometry/rules",
};
const SIMPLE_FEATURES: Source = Source {
    title: "OGC 06-103r4 Simple Feature Access §6.1.11 (Polygon validity)",
    url: "https://portal.ogc.org/files/?artifact_id=25355",
};
const TASKING_HOWTO: Source = Source {
    title: "UP42: tasking how-to (developers/guides/tasking-howto)",
    url: "https://docs.up42.com/developers/guides/tasking-howto",
};

/// The entry of `code`, or `None` for a code that has none yet (the rules test fails then).
pub fn rule(code: Code) -> Option<Rule> {
    let (checks, why, sources, example, fixes): (_, _, &'static [Source], _, _) = match code {
        Code::Syntax => (
            "The file is JSON: every brace and bracket closed, commas between members and \
             none after the last, strings in double quotes, no comments. A byte order mark \
             is reported too.",
            "The provider's API rejects a body that is not JSON, and nothing else can be \
             checked past the first syntax error.",
            &[JSON],
            seed("\"acquisitionMode\": \"mono\",", "\"acquisitionMode\": \"mono\""),
            "Inserting a missing comma or closing bracket, removing a trailing comma or a \
             byte order mark, when the repair is unambiguous.",
        ),
        Code::DuplicateKey => (
            "No key appears twice in one object.",
            "JSON parsers disagree on a repeated key (most keep the last, some the first, \
             some refuse it), so what the provider reads may not be what the editor shows.",
            &[JSON_NAMES],
            seed(
                "\"cloudCoverage\": 10,",
                "\"cloudCoverage\": 10,\n    \"cloudCoverage\": 20,",
            ),
            "Removing the repeated member (the earlier one is kept).",
        ),
        Code::ProductMissing => (
            "The request names its data product: `dataProduct` (a UUID) at the top level.",
            "The order cannot be placed without it, and without it no product schema can \
             check `params`.",
            &[ORDERING],
            seed(
                "\"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\",\n  ",
                "",
            ),
            "Adding `dataProduct` (completion in the editor lists the products known; \
             `tasking-ls products` prints them).",
        ),
        Code::ProductInvalidId => (
            "`dataProduct` is a UUID (8-4-4-4-12 hexadecimal digits).",
            "The provider answers 400 \"Not a valid UUID\" to any other text.",
            &[ORDER_SCHEMA],
            seed("bd102407-1814-4f92-8b5a-7697b7a73f5a", "pleiades-tasking"),
            "Using the id of the product whose name or title matches, or normalizing a UUID \
             written in upper case or with braces.",
        ),
        Code::ProductUnknown => (
            "A schema is known for the data product: bundled, in `--schema-dir`, or fetched \
             from the provider and cached.",
            "Without a schema, `params` are not checked at all; `validate` makes this an \
             error (unless `--allow-unknown-products`) so that CI never passes an order it \
             could not check.",
            &[ORDER_SCHEMA],
            seed(
                "bd102407-1814-4f92-8b5a-7697b7a73f5a",
                "00000000-0000-4000-8000-000000000000",
            ),
            "None automatic: check the id (`tasking-ls products`), or fetch the schema \
             (`tasking-ls schema fetch ID`, with credentials) or pass `--schema-dir`.",
        ),
        Code::SchemaRequired => (
            "Every property the product schema lists in `required` is present.",
            "The provider refuses an order missing a required parameter.",
            &[Source {
                title: "JSON Schema validation (draft-07) §6.5.3 `required`",
                url: VALIDATION,
            }],
            seed("\"acquisitionMode\": \"mono\",\n    ", ""),
            "Adding the property with its schema default, or its first allowed value.",
        ),
        Code::SchemaAdditionalProperty => (
            "No property the product schema does not define, where the schema says \
             `additionalProperties: false`.",
            "The provider refuses unknown parameters; most are a misspelt name.",
            &[Source {
                title: "JSON Schema core (draft-07) §6.5.6 `additionalProperties`",
                url: VALIDATION,
            }],
            seed("\"cloudCoverage\": 10,", "\"cloudCoverage\": 10,\n    \"cloudCover\": 5,"),
            "Renaming it to the closest defined property, or removing it.",
        ),
        Code::SchemaType => (
            "Each value has the JSON type its schema names (`string`, `integer`, `number`, \
             `boolean`, `array`, `object`, `null`).",
            "`\"10\"` is not `10` to the provider: the order is refused.",
            &[Source {
                title: "JSON Schema validation (draft-07) §6.1.1 `type`",
                url: VALIDATION,
            }],
            seed("\"cloudCoverage\": 10,", "\"cloudCoverage\": \"10\","),
            "Converting a number written as a string to the number (or back), when it \
             converts exactly.",
        ),
        Code::SchemaEnum => (
            "A value is one of those its schema allows (`enum`, `const`, or a list of \
             `anyOf`/`oneOf` constants).",
            "The provider refuses any other value; most are a typo or the wrong case.",
            &[Source {
                title: "JSON Schema validation (draft-07) §6.1.2 `enum`, §6.1.3 `const`",
                url: VALIDATION,
            }],
            seed("\"acquisitionMode\": \"mono\",", "\"acquisitionMode\": \"Mono\","),
            "Changing it to the closest allowed value (each allowed value is offered).",
        ),
        Code::SchemaRange => (
            "A number is within its schema's `minimum`/`maximum` (and the exclusive bounds).",
            "The provider refuses the order: a cloud coverage of 150 % is not a request it \
             can fulfil.",
            &[Source {
                title: "JSON Schema validation (draft-07) §6.2 numeric keywords",
                url: VALIDATION,
            }],
            seed("\"cloudCoverage\": 10,", "\"cloudCoverage\": 150,"),
            "Clamping it to the bound it crosses.",
        ),
        Code::SchemaLength => (
            "A string's length is within `minLength`/`maxLength`, an array's within \
             `minItems`/`maxItems`.",
            "The provider refuses it (an empty order name, a ring of too few positions).",
            &[Source {
                title: "JSON Schema validation (draft-07) §6.3.1-2, §6.4.3-4",
                url: VALIDATION,
            }],
            seed("\"displayName\": \"Panama City\",", "\"displayName\": \"\","),
            "None automatic: write a value of the allowed length.",
        ),
        Code::SchemaFormat => (
            "A string matches its `format` (`date-time` as RFC 3339, `uuid`, ...) or its \
             `pattern`.",
            "The provider parses these fields; a date without a time or a zone is refused.",
            &[
                Source {
                    title: "JSON Schema validation (draft-07) §7 `format`, §6.3.3 `pattern`",
                    url: VALIDATION,
                },
                Source {
                    title: "RFC 3339 §5.6 (date-time)",
                    url: "https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
                },
            ],
            seed("\"2027-03-01T00:00:00Z\"", "\"2027-03-01\""),
            "Completing a date to a date-time at midnight UTC, normalizing a UUID.",
        ),
        Code::SchemaOther => (
            "Any other JSON Schema keyword the value fails (`multipleOf`, `not`, \
             `dependencies`, `uniqueItems`, ...), with the schema's own words.",
            "The provider validates against the same schema and refuses the order.",
            &[Source {
                title: "JSON Schema validation (draft-07)",
                url: VALIDATION,
            }],
            Example {
                replace: "bd102407-1814-4f92-8b5a-7697b7a73f5a",
                with: "11111111-2222-4333-8444-555555555555",
                schema: Some((
                    "11111111-2222-4333-8444-555555555555",
                    r#"{"type": "object", "properties": {"cloudCoverage": {"type": "integer", "multipleOf": 20}}}"#,
                )),
                queryables: None,
                config: None,
            },
            "None automatic: the message says what the keyword asks.",
        ),
        Code::GeometryUnclosedRing => (
            "Each linear ring ends at the position it starts from.",
            "GeoJSON requires closed rings; the provider refuses an open one.",
            &[GEOJSON_POLYGON],
            seed(
                "[-79.44, 9.07], [-79.64, 9.07]]]",
                "[-79.44, 9.07], [-79.6, 9.0]]]",
            ),
            "Closing the ring (appending its first position).",
        ),
        Code::GeometryTooFewPositions => (
            "Each linear ring has at least four positions (three corners and the closing \
             one).",
            "A ring of fewer positions encloses no area; GeoJSON and the provider refuse it.",
            &[GEOJSON_POLYGON],
            seed(RING, "[[[-79.64, 9.07], [-79.64, 8.87], [-79.64, 9.07]]]"),
            "None automatic: add the missing corners.",
        ),
        Code::GeometryCoordinateRange => (
            "Each position is [longitude, latitude] in degrees (WGS 84): longitude within \
             [-180, 180], latitude within [-90, 90]. Says so when the two look swapped.",
            "A position outside these ranges is not on Earth; swapped coordinates put the \
             area on another continent.",
            &[
                Source {
                    title: "RFC 7946 §3.1.1 (Position), §4 (WGS 84)",
                    url: "https://www.rfc-editor.org/rfc/rfc7946#section-3.1.1",
                },
                GEOMETRY_RULES,
            ],
            seed(RING, "[[[9.07, -79.64], [8.87, -79.64], [8.87, -179.44], [9.07, -179.44], [9.07, -79.64]]]"),
            "Swapping to [longitude, latitude] when every position fits that way; offered, \
             never preferred (never applied by --fix): which way was meant is a guess.",
        ),
        Code::GeometryWinding => (
            "The exterior ring is counter-clockwise and holes clockwise (the right-hand rule).",
            "RFC 7946 asks for it and some tools read a clockwise exterior as the rest of \
             the world; the provider accepts either, hence a warning.",
            &[GEOJSON_POLYGON],
            seed(
                RING,
                "[[[-79.64, 9.07], [-79.44, 9.07], [-79.44, 8.87], [-79.64, 8.87], [-79.64, 9.07]]]",
            ),
            "Reversing the ring.",
        ),
        Code::GeometrySelfIntersection => (
            "No ring crosses or touches itself, and no two rings cross or overlap.",
            "The area of a bow-tie is undefined; the provider refuses self-intersecting \
             polygons.",
            &[SIMPLE_FEATURES, GEOMETRY_RULES],
            seed(
                RING,
                "[[[-79.64, 9.07], [-79.44, 8.87], [-79.64, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]",
            ),
            "None automatic: move the crossing positions (the diagnostic points at the \
             crossing).",
        ),
        Code::GeometryInvalid => (
            "The polygon is valid in the OGC sense (as GEOS IsValidOp checks it): each hole \
             inside its shell, no nested holes, a connected interior, every position two \
             numbers.",
            "The provider refuses invalid geometries (and polygons with holes).",
            &[SIMPLE_FEATURES, GEOMETRY_RULES],
            seed(
                RING,
                "[[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]], [[-79.0, 9.0], [-78.9, 9.0], [-78.9, 8.9], [-79.0, 8.9], [-79.0, 9.0]]]",
            ),
            "Dropping extra numbers from a position; otherwise none automatic.",
        ),
        Code::GeometryAntimeridian => (
            "No ring crosses the antimeridian (a jump of more than 180° of longitude \
             between two positions).",
            "RFC 7946 asks to cut such a polygon in two; read as written it spans the whole \
             globe the other way round.",
            &[Source {
                title: "RFC 7946 §3.1.9 (Antimeridian Cutting)",
                url: "https://www.rfc-editor.org/rfc/rfc7946#section-3.1.9",
            }],
            seed(
                RING,
                "[[[179.9, 10.0], [179.9, 9.9], [-179.9, 9.9], [-179.9, 10.0], [179.9, 10.0]]]",
            ),
            "Splitting the polygon at the antimeridian into a MultiPolygon.",
        ),
        Code::DatesOrder => (
            "`acquisitionEnd` is after `acquisitionStart`.",
            "An empty or reversed acquisition window can never be fulfilled; the provider \
             refuses it.",
            &[TASKING_HOWTO],
            seed("\"2027-05-01T00:00:00Z\"", "\"2027-02-01T00:00:00Z\""),
            "Swapping the two dates.",
        ),
        Code::DatesPast => (
            "`acquisitionStart` is not in the past (checked against the clock when the \
             check runs).",
            "A satellite cannot be tasked for the past: the provider refuses or shortens \
             the window.",
            &[TASKING_HOWTO],
            seed("\"2027-03-01T00:00:00Z\"", "\"2022-08-01T00:00:00Z\""),
            "None automatic: choose a window that starts in the future.",
        ),
        Code::GeojsonBbox => (
            "A `bbox` member of a GeoJSON object has 2n numbers (n: the dimensions of the \
             positions below it), all axes of the south-west corner then all of the \
             north-east one, latitudes within [-90, 90], and contains every position of \
             the object; across the antimeridian its west edge is greater than its east edge.",
            "Tools that trust the box (indexes, map views, the provider's quick intersection \
             tests) skip or misplace an area the box does not contain.",
            &[
                Source {
                    title: "RFC 7946 §5 (Bounding Box)",
                    url: "https://www.rfc-editor.org/rfc/rfc7946#section-5",
                },
                Source {
                    title: "RFC 7946 §5.2 (The Antimeridian)",
                    url: "https://www.rfc-editor.org/rfc/rfc7946#section-5.2",
                },
            ],
            seed(
                "\"type\": \"Polygon\",",
                "\"type\": \"Polygon\",\n      \"bbox\": [-79.64, 8.87, -79.5, 9.07],",
            ),
            "None automatic: correct the box (or remove it; it is optional).",
        ),
        Code::GeojsonProperties => (
            "Every GeoJSON Feature has a `properties` member (an object, or null).",
            "RFC 7946 requires the member; strict GeoJSON readers refuse a Feature without \
             it.",
            &[Source {
                title: "RFC 7946 §3.2 (Feature Object)",
                url: "https://www.rfc-editor.org/rfc/rfc7946#section-3.2",
            }],
            seed(
                "\"pixelCoding\": \"12bits\",",
                "\"pixelCoding\": \"12bits\",\n    \"aoi\": {\"type\": \"Feature\", \"geometry\": null},",
            ),
            "Adding `\"properties\": {}` to the Feature.",
        ),
        Code::FilterSyntax => (
            "A CQL2-JSON filter is well formed: every `op` a CQL2 operator, with the number of \
             arguments it takes; the filter itself a predicate; every object an expression.",
            "A server answers a malformed filter with an error (the reference server: \
             500), or worse ignores it and tasks without the constraint.",
            &[CQL2],
            search("\"op\": \"<=\"", "\"op\": \"=<\""),
            "Replacing a misspelt operator with the CQL2 one (`==` -> `=`, `=<` -> `<=`).",
        ),
        Code::FilterUnknownProperty => (
            "Every `{\"property\": …}` of the filter is one of the product's queryables.",
            "A filter on a property the product does not know is accepted and ignored by \
             the reference server: the order is placed without the constraint you meant.",
            &[CQL2],
            search("\"cloud_cover\"", "\"cloud_covr\""),
            "Renaming the property to the closest queryable.",
        ),
        Code::FilterValue => (
            "A literal compared with a queryable is valid for that queryable's schema (type, \
             minimum/maximum, enum).",
            "A comparison no value can meet (cloud cover below 120 %) is a typo or a \
             misunderstanding of the unit; an enum value that does not exist matches nothing.",
            &[CQL2],
            search("}, 20]", "}, 120]"),
            "Replacing an enum value with the closest allowed one; otherwise by hand.",
        ),
        Code::FilterRequired => (
            "The filter names every queryable the product's queryables schema lists as \
             `required` (a warning: draft semantics of the provider's specification).",
            "A product that requires a constraint refuses or defaults an order without it.",
            &[CQL2],
            Example {
                replace: "\"filter\": {\"op\": \"<=\", \"args\": [{\"property\": \"cloud_cover\"}, 20]},",
                with: "",
                schema: None,
                queryables: Some(
                    r#"{"type": "object", "required": ["cloud_cover"], "properties": {
  "cloud_cover": {"type": "integer", "minimum": 0, "maximum": 100}}}"#,
                ),
                config: None,
            },
            "None automatic: add a condition on the queryable.",
        ),
        Code::FeasibilityStereoAngle => (
            "For `acquisitionMode` stereo or tri-stereo, the incidence limit (`incidenceAngle`) \
             reaches the base-to-height ratio asked for (`minBH`, or the constellation's usual \
             stereo base when it is not set): B/H ≈ tan a1 + tan a2 for views at a1 and a2 \
             either side of the vertical along track, so B/H needs at least atan(B/H / 2) \
             both ways (±11.3° for 0.4). The constellation comes from the product's \
             collection (src/feasibility/table.rs).",
            "The provider cannot take the pair within the limit: the feasibility study comes \
             back asking to change the order, days later.",
            &[
                Source {
                    title: "UP42: order form, incidenceAngle (data/tasking/order/form)",
                    url: "https://docs.up42.com/data/tasking/order/form",
                },
                Source {
                    title: "CNES (Kalideos): recommended Pléiades stereo B/H",
                    url: "https://www.kalideos.fr/drupal/fr/groups/discussions-techniques-autour-de-la-tri-st%C3%A9r%C3%A9o/param%C3%A8tres-recommand%C3%A9s-pour-les-tri-st%C3%A9r%C3%A9os-0",
                },
            ],
            seed(
                "\"acquisitionMode\": \"mono\",\n    \"radiometricProcessing\": \"reflectance\",\n    \"geometricProcessing\": \"ortho\",\n    \"spectralProcessing\": \"bundle\",\n    \"deliveredAs\": \"geotiff\",\n    \"cloudCoverage\": 10,\n    \"incidenceAngle\": 10,",
                "\"acquisitionMode\": \"stereo\",\n    \"radiometricProcessing\": \"reflectance\",\n    \"geometricProcessing\": \"ortho\",\n    \"spectralProcessing\": \"bundle\",\n    \"deliveredAs\": \"geotiff\",\n    \"cloudCoverage\": 10,\n    \"incidenceAngle\": 2,",
            ),
            "\"Raise incidenceAngle to N\": the smallest whole angle that reaches the base.",
        ),
        Code::FeasibilitySun => (
            "The sun is above the horizon at some time a satellite of the product's \
             constellation can image the AOI within the window: the local time of the \
             descending node from the constellation table, moved along the track to the \
             AOI's latitude and across it by the incidence limit's reach, on every day of \
             the window; the sun from Meeus's low-precision solar coordinates (NOAA's solar \
             calculator). AOIs within 55° of the equator are always lit at those hours and \
             are not computed.",
            "Optical satellites image in daylight only: an AOI in the polar night at the \
             satellites' hour cannot be acquired in the window, whatever the weather.",
            &[
                Source {
                    title: "NOAA solar calculator: calculation details (Meeus ch. 25)",
                    url: "https://gml.noaa.gov/grad/solcalc/calcdetails.html",
                },
                Source {
                    title: "Pléiades Neo orbit (10:30 descending, 620 km, 97.9°)",
                    url: "https://docs.charter.uat.esaportal.eu/missions/opt/pleiades-neo/",
                },
            ],
            seed(
                "\"acquisitionStart\": \"2027-03-01T00:00:00Z\",\n    \"acquisitionEnd\": \"2027-05-01T00:00:00Z\",\n    \"acquisitionMode\": \"mono\",\n    \"radiometricProcessing\": \"reflectance\",\n    \"geometricProcessing\": \"ortho\",\n    \"spectralProcessing\": \"bundle\",\n    \"deliveredAs\": \"geotiff\",\n    \"cloudCoverage\": 10,\n    \"incidenceAngle\": 10,\n    \"pixelCoding\": \"12bits\",\n    \"geometry\": {\n      \"type\": \"Polygon\",\n      \"coordinates\": [[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]",
                "\"acquisitionStart\": \"2026-12-01T00:00:00Z\",\n    \"acquisitionEnd\": \"2027-01-10T00:00:00Z\",\n    \"acquisitionMode\": \"mono\",\n    \"radiometricProcessing\": \"reflectance\",\n    \"geometricProcessing\": \"ortho\",\n    \"spectralProcessing\": \"bundle\",\n    \"deliveredAs\": \"geotiff\",\n    \"cloudCoverage\": 10,\n    \"incidenceAngle\": 10,\n    \"pixelCoding\": \"12bits\",\n    \"geometry\": {\n      \"type\": \"Polygon\",\n      \"coordinates\": [[[20.0, 72.0], [20.2, 72.0], [20.2, 72.1], [20.0, 72.1], [20.0, 72.0]]]",
            ),
            "None automatic: choose a window in another season (or another product).",
        ),
        Code::FeasibilityWindow => (
            "The window is at least the collection's minimum interval where the provider \
             publishes one, and at least the average time between passes that can image the \
             AOI within the incidence limit: each satellite's tracks, spread evenly around \
             the AOI's parallel over its repeat cycle, that pass within the ground distance \
             the limit reaches (a geometric estimate, a warning).",
            "A window shorter than the time the satellites need to come back may hold no pass \
             at all; the order then fails or is extended after the feasibility study.",
            &[
                Source {
                    title: "UP42: acquisition time frames (earliest start, minimum interval)",
                    url: "https://docs.up42.com/data/tasking/timeframes/acquisition",
                },
                Source {
                    title: "SPOT 6/7 technical sheet (26-day cycle, orbit)",
                    url: "https://docslib.org/doc/2431898/spot-6-7-technical-sheet",
                },
            ],
            seed(
                "\"acquisitionEnd\": \"2027-05-01T00:00:00Z\",",
                "\"acquisitionEnd\": \"2027-03-02T00:00:00Z\",",
            ),
            "\"Extend acquisitionEnd to DATE\": the start plus the average interval.",
        ),
        Code::FeasibilityPasses => (
            "Only when asked (`validate --passes`, `opportunities`): the access windows of the \
             product's satellites over the AOI (its vertices and centroid), propagated by SGP4 \
             from the element sets given (`--elements`, `[feasibility] elements`, or the cache \
             of `tasking-ls elements import|update`). When the satellites that have elements \
             show no window at or below the order's `incidenceAngle` inside the window, but \
             the same search up to 60° or up to 30 days after the end finds one, the order is \
             warned with the nearest pass's angle and date. Without elements nothing is said: \
             never \"no pass\" without elements. The example below draws it only with element \
             sets for the satellites (docs/feasibility.md).",
            "An order that no pass can serve comes back from the provider's feasibility study \
             asking for a wider angle or a longer window, days after it was placed. This is \
             geometric access only; the provider's feasibility study decides (weather, \
             competing orders and the satellites' health are not predicted).",
            &[
                Source {
                    title: "Vallado et al., Revisiting Spacetrack Report #3 (SGP4), AIAA 2006-6753",
                    url: "https://celestrak.org/publications/AIAA/2006-6753/",
                },
                Source {
                    title: "UP42: feasibility studies after ordering",
                    url: "https://docs.up42.com/data/tasking/timeframes/feasibility",
                },
            ],
            seed(
                "\"acquisitionEnd\": \"2027-05-01T00:00:00Z\",",
                "\"acquisitionEnd\": \"2027-03-03T00:00:00Z\",",
            ),
            "\"Raise incidenceAngle to N\": the smallest whole degree the nearest pass needs; \
             \"Extend acquisitionEnd to DATE\": the day after the next pass at the order's \
             angle. Each is offered only if the order with it still passes the product's \
             schema (e.g. its `incidenceAngle` maximum).",
        ),
        Code::AoiVertices => (
            "The geometry has at most as many positions as the provider (or the collection) \
             accepts, each ring's closing position counted: 999 for every order of the \
             provider of `dataProduct` orders, 249 for its Capella SAR collection, or \
             `max-vertices` of `[rules.\"<product-id>\"]` in `tasking-ls.toml`.",
            "The provider refuses a geometry with more vertices; the order fails after you \
             sent it. Vertex counts beyond the limit usually come from a traced coastline or \
             an exported shapefile.",
            &[GEOMETRY_RULES, ACCEPTANCE],
            configured(
                "\"displayName\": \"Panama City\"",
                "\"displayName\": \"Panama City, with the tasking-ls.toml above\"",
                "[rules.\"bd102407-1814-4f92-8b5a-7697b7a73f5a\"]\nmax-vertices = 4\n",
            ),
            "Simplify to the limit: topology-preserving Visvalingam–Whyatt (the result is \
             valid and simple, holes stay inside), checked again before it is offered; the \
             title says how much the area changes (km² and %). Preferred (applied by \
             `--fix`) when the area changes by at most 1 %.",
        ),
        Code::AoiDuplicateVertex => (
            "No position repeats the one before it (GEOS accepts such repeats; the provider \
             does not). A position repeated further along the ring is a ring touching \
             itself, reported as `geometry.self-intersection`.",
            "The provider refuses duplicate vertices, the closing position aside.",
            &[GEOMETRY_RULES],
            seed("[-79.64, 8.87], ", "[-79.64, 8.87], [-79.64, 8.87], "),
            "Removing the repeated positions (preferred).",
        ),
        Code::AoiHole => (
            "No polygon has a hole (an interior ring).",
            "The provider refuses polygons with holes; the area inside the hole would be \
             imaged and charged anyway.",
            &[GEOMETRY_RULES],
            seed(
                RING,
                "[[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]], [[-79.6, 9.0], [-79.5, 9.0], [-79.5, 8.9], [-79.6, 8.9], [-79.6, 9.0]]]",
            ),
            "Removing the holes (not preferred: the title says how much the AOI grows, km²).",
        ),
        Code::AoiSliver => (
            "The polygon is not a sliver: its mean width, 2 × area / perimeter (a long thin \
             strip's mean width is its width), is at least 20 m (tasking-ls's threshold; \
             `sliver-mean-width-m` in `[rules.\"<product-id>\"]` changes it).",
            "The provider refuses sliver polygons (very small area, very large perimeter) \
             but publishes no threshold.",
            &[GEOMETRY_RULES, ACCEPTANCE],
            seed(
                RING,
                "[[[-79.64, 8.87], [-79.185, 8.87], [-79.185, 8.870018], [-79.64, 8.870018], [-79.64, 8.87]]]",
            ),
            "None automatic: widen the AOI, or order a point.",
        ),
        Code::AoiZ => (
            "No position has a third number (an altitude). Reported here when the product \
             schema lets three numbers through; when it allows two, `schema.length` says it.",
            "The provider accepts no Z value.",
            &[AOI_GUIDELINES],
            Example {
                replace: "[-79.64, 8.87]",
                with: "[-79.64, 8.87, 12.5]",
                schema: Some(ANY_POLYGON_SCHEMA),
                queryables: None,
                config: None,
            },
            "Dropping the altitudes (preferred).",
        ),
        Code::AoiAreaMin => (
            "The AOI (a MultiPolygon: its bounding box) is at least the collection's minimum \
             size (`min-area-km2`).",
            "The provider refuses an order below the minimum size.",
            &[TASKING_LIMITATIONS, ACCEPTANCE],
            configured(
                "\"displayName\": \"Panama City\"",
                "\"displayName\": \"Panama City, with the tasking-ls.toml above\"",
                "[rules.\"bd102407-1814-4f92-8b5a-7697b7a73f5a\"]\nmin-area-km2 = 1000\n",
            ),
            "None automatic: draw a larger AOI.",
        ),
        Code::AoiAreaMax => (
            "The AOI (a MultiPolygon: its bounding box) is at most the collection's maximum \
             size (`max-area-km2`). For the Pléiades collection no maximum published by the \
             provider was found: the bound used is the constellation's acquisition capacity, \
             about 1 million km² a day (docs/acceptance.md says so and how to set yours).",
            "The provider refuses an order above the maximum size.",
            &[TASKING_LIMITATIONS, ACCEPTANCE],
            seed(
                RING,
                "[[[-90.0, 0.0], [-70.0, 0.0], [-70.0, 20.0], [-90.0, 20.0], [-90.0, 0.0]]]",
            ),
            "None automatic: split the AOI into several orders.",
        ),
        Code::AoiMinimumCharge => (
            "The AOI (a MultiPolygon: its bounding box) is at least the collection's minimum \
             charge (`minimum-charge-km2`; the Pléiades collection: 100 km²). A warning: the \
             order is accepted.",
            "An AOI smaller than the minimum charge is charged as the minimum: you pay for \
             area you did not order.",
            &[TASKING_LIMITATIONS, ACCEPTANCE],
            seed(
                RING,
                "[[[-79.64, 8.87], [-79.63909, 8.87], [-79.63909, 8.8709], [-79.64, 8.8709], [-79.64, 8.87]]]",
            ),
            "None automatic: draw the AOI up to the minimum, since it is paid for anyway.",
        ),
        Code::AoiExtent => (
            "The bounding box of the AOI is within the collection's width (east-west, along \
             its parallel nearest the equator) and height (north-south) limits \
             (`min-width-km`, `max-width-km`, `min-height-km`, `max-height-km`).",
            "The provider refuses an order whose bounding area is outside these limits.",
            &[TASKING_LIMITATIONS, ACCEPTANCE],
            configured(
                "\"displayName\": \"Panama City\"",
                "\"displayName\": \"Panama City, with the tasking-ls.toml above\"",
                "[rules.\"bd102407-1814-4f92-8b5a-7697b7a73f5a\"]\nmax-width-km = 10\n",
            ),
            "None automatic: split the AOI.",
        ),
        Code::AoiMultipolygonBbox => (
            "A MultiPolygon of several parts is reported with the bounding box the provider \
             orders in its place: the box's area and size, and what the parts cover. A \
             warning: the order is accepted.",
            "For tasking, the provider converts a multipart AOI to its bounding box, and \
             the box is what is imaged and charged.",
            &[GEOMETRY_TYPES],
            Example {
                replace: "\"type\": \"Polygon\",\n      \"coordinates\": [[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]",
                with: MULTIPOLYGON,
                schema: Some(ANY_POLYGON_SCHEMA),
                queryables: None,
                config: None,
            },
            "Replacing the geometry with the bounding box that is ordered (not preferred), so \
             that the file says what is paid for; or order the parts separately.",
        ),
        Code::AoiInputType => (
            "The collection takes this kind of geometry: a MultiPolygon is refused where the \
             collection takes a single Polygon or a point (the Capella SAR collection; or \
             `multipolygon = false` in `[rules.\"<product-id>\"]`).",
            "The provider refuses the order.",
            &[
                Source {
                    title: "Capella: Area of Interest (AOI) complexity",
                    url: "https://support.capellaspace.com/hc/en-us/articles/18137362801556-Area-Of-Interest-AOI-Complexity",
                },
                ACCEPTANCE,
            ],
            Example {
                replace: "\"type\": \"Polygon\",\n      \"coordinates\": [[[-79.64, 9.07], [-79.64, 8.87], [-79.44, 8.87], [-79.44, 9.07], [-79.64, 9.07]]]",
                with: MULTIPOLYGON,
                schema: Some(ANY_POLYGON_SCHEMA),
                queryables: None,
                config: Some("[rules.\"bd102407-1814-4f92-8b5a-7697b7a73f5a\"]\nmultipolygon = false\n"),
            },
            "None automatic: order each part separately.",
        ),
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    Some(Rule {
        code,
        checks,
        why,
        sources,
        example,
        fixes,
    })
}
