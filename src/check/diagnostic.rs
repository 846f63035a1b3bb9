//! The diagnostic type, its stable codes and the fixes it carries.

use crate::document::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable diagnostic codes of the design's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Syntax,
    DuplicateKey,
    ProductMissing,
    ProductInvalidId,
    ProductUnknown,
    SchemaRequired,
    SchemaAdditionalProperty,
    SchemaType,
    SchemaEnum,
    SchemaRange,
    SchemaLength,
    SchemaFormat,
    SchemaOther,
    GeometryUnclosedRing,
    GeometryTooFewPositions,
    GeometryCoordinateRange,
    GeometryWinding,
    GeometrySelfIntersection,
    GeometryInvalid,
    GeometryAntimeridian,
    DatesOrder,
    DatesPast,
    GeojsonBbox,
    GeojsonProperties,
    FilterSyntax,
    FilterUnknownProperty,
    FilterValue,
    FilterRequired,
    FeasibilityStereoAngle,
    FeasibilitySun,
    FeasibilityWindow,
    FeasibilityPasses,
    AoiVertices,
    AoiDuplicateVertex,
    AoiHole,
    AoiSliver,
    AoiZ,
    AoiAreaMin,
    AoiAreaMax,
    AoiMinimumCharge,
    AoiExtent,
    AoiMultipolygonBbox,
    AoiInputType,
}

impl Code {
    pub const ALL: [Code; 43] = [
        Code::Syntax,
        Code::DuplicateKey,
        Code::ProductMissing,
        Code::ProductInvalidId,
        Code::ProductUnknown,
        Code::SchemaRequired,
        Code::SchemaAdditionalProperty,
        Code::SchemaType,
        Code::SchemaEnum,
        Code::SchemaRange,
        Code::SchemaLength,
        Code::SchemaFormat,
        Code::SchemaOther,
        Code::GeometryUnclosedRing,
        Code::GeometryTooFewPositions,
        Code::GeometryCoordinateRange,
        Code::GeometryWinding,
        Code::GeometrySelfIntersection,
        Code::GeometryInvalid,
        Code::GeometryAntimeridian,
        Code::DatesOrder,
        Code::DatesPast,
        Code::GeojsonBbox,
        Code::GeojsonProperties,
        Code::FilterSyntax,
        Code::FilterUnknownProperty,
        Code::FilterValue,
        Code::FilterRequired,
        Code::FeasibilityStereoAngle,
        Code::FeasibilitySun,
        Code::FeasibilityWindow,
        Code::FeasibilityPasses,
        Code::AoiVertices,
        Code::AoiDuplicateVertex,
        Code::AoiHole,
        Code::AoiSliver,
        Code::AoiZ,
        Code::AoiAreaMin,
        Code::AoiAreaMax,
        Code::AoiMinimumCharge,
        Code::AoiExtent,
        Code::AoiMultipolygonBbox,
        Code::AoiInputType,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::DuplicateKey => "document.duplicate-key",
            Code::ProductMissing => "product.missing",
            Code::ProductInvalidId => "product.invalid-id",
            Code::ProductUnknown => "product.unknown",
            Code::SchemaRequired => "schema.required",
            Code::SchemaAdditionalProperty => "schema.additional-property",
            Code::SchemaType => "schema.type",
            Code::SchemaEnum => "schema.enum",
            Code::SchemaRange => "schema.range",
            Code::SchemaLength => "schema.length",
            Code::SchemaFormat => "schema.format",
            Code::SchemaOther => "schema.other",
            Code::GeometryUnclosedRing => "geometry.unclosed-ring",
            Code::GeometryTooFewPositions => "geometry.too-few-positions",
            Code::GeometryCoordinateRange => "geometry.coordinate-range",
            Code::GeometryWinding => "geometry.winding",
            Code::GeometrySelfIntersection => "geometry.self-intersection",
            Code::GeometryInvalid => "geometry.invalid",
            Code::GeometryAntimeridian => "geometry.antimeridian",
            Code::DatesOrder => "dates.order",
            Code::DatesPast => "dates.past",
            Code::GeojsonBbox => "geojson.bbox",
            Code::GeojsonProperties => "geojson.properties",
            Code::FilterSyntax => "filter.syntax",
            Code::FilterUnknownProperty => "filter.unknown-property",
            Code::FilterValue => "filter.value",
            Code::FilterRequired => "filter.required",
            Code::FeasibilityStereoAngle => "feasibility.stereo-angle",
            Code::FeasibilitySun => "feasibility.sun",
            Code::FeasibilityWindow => "feasibility.window",
            Code::FeasibilityPasses => "feasibility.passes",
            Code::AoiVertices => "aoi.vertices",
            Code::AoiDuplicateVertex => "aoi.duplicate-vertex",
            Code::AoiHole => "aoi.hole",
            Code::AoiSliver => "aoi.sliver",
            Code::AoiZ => "aoi.z",
            Code::AoiAreaMin => "aoi.area-min",
            Code::AoiAreaMax => "aoi.area-max",
            Code::AoiMinimumCharge => "aoi.minimum-charge",
            Code::AoiExtent => "aoi.extent",
            Code::AoiMultipolygonBbox => "aoi.multipolygon-bbox",
            Code::AoiInputType => "aoi.input-type",
        }
    }

    pub fn parse(code: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == code)
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::ProductUnknown
            | Code::GeometryWinding
            | Code::GeometryAntimeridian
            | Code::DatesPast
            | Code::GeojsonProperties
            | Code::FilterRequired
            | Code::FeasibilityStereoAngle
            | Code::FeasibilitySun
            | Code::FeasibilityWindow
            | Code::FeasibilityPasses
            | Code::AoiMinimumCharge
            | Code::AoiMultipolygonBbox => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// One line on what the code means, for SARIF rules and docs.
    pub fn description(self) -> &'static str {
        match self {
            Code::Syntax => "The text is not valid JSON.",
            Code::DuplicateKey => "A key appears twice in one object.",
            Code::ProductMissing => "The request has no dataProduct.",
            Code::ProductInvalidId => "dataProduct is not a UUID.",
            Code::ProductUnknown => "No schema is known for this data product.",
            Code::SchemaRequired => "A required property is missing.",
            Code::SchemaAdditionalProperty => "A property the schema does not allow.",
            Code::SchemaType => "A value has the wrong JSON type.",
            Code::SchemaEnum => "A value is not among the allowed values.",
            Code::SchemaRange => "A number is outside its minimum/maximum.",
            Code::SchemaLength => "A string or array length is outside its bounds.",
            Code::SchemaFormat => "A value violates its format (date-time, uuid, ...).",
            Code::SchemaOther => "Another schema violation.",
            Code::GeometryUnclosedRing => "The first and last positions of a ring differ.",
            Code::GeometryTooFewPositions => "A ring has fewer than 4 positions.",
            Code::GeometryCoordinateRange => {
                "A longitude is outside [-180, 180] or a latitude outside [-90, 90]."
            }
            Code::GeometryWinding => {
                "An exterior ring is not counter-clockwise or a hole not clockwise (RFC 7946)."
            }
            Code::GeometrySelfIntersection => {
                "A ring crosses or touches itself, or crosses or overlaps another ring."
            }
            Code::GeometryInvalid => {
                "The geometry is not valid (GEOS IsValidOp: hole outside its shell, nested holes or shells, disconnected interior, ...)."
            }
            Code::GeometryAntimeridian => {
                "A ring crosses the antimeridian; RFC 7946 §3.1.9 asks to cut it in two."
            }
            Code::DatesOrder => "acquisitionEnd is not after acquisitionStart.",
            Code::DatesPast => "acquisitionStart is in the past.",
            Code::GeojsonBbox => {
                "A bbox is not 2n numbers, not south-west then north-east, or does not contain the geometry (RFC 7946 §5)."
            }
            Code::GeojsonProperties => {
                "A Feature has no properties member (RFC 7946 §3.2 requires one, null allowed)."
            }
            Code::FilterSyntax => {
                "A CQL2-JSON filter is malformed: an unknown operator, a wrong number of arguments, or a value that is no expression (OGC 21-065)."
            }
            Code::FilterUnknownProperty => {
                "A filter names a property that is not one of the product's queryables."
            }
            Code::FilterValue => {
                "A filter compares a queryable with a value its schema does not allow (type, range, enum)."
            }
            Code::FilterRequired => {
                "A queryable the product requires is not constrained by the filter."
            }
            Code::FeasibilityStereoAngle => {
                "A stereo or tri-stereo order's incidence limit is too small for the base-to-height ratio it asks for."
            }
            Code::FeasibilitySun => {
                "The sun is below the horizon at every time the satellites can image the AOI in the window."
            }
            Code::FeasibilityWindow => {
                "The window is shorter than the collection's minimum, or than the average time the satellites need to come back over the AOI at the order's angle."
            }
            Code::FeasibilityPasses => {
                "No pass of the satellites with element sets over the AOI within the order's incidence limit and window, though a wider angle or a later end has one (geometric access only)."
            }
            Code::AoiVertices => "The AOI has more vertices than the provider (or its collection) accepts.",
            Code::AoiDuplicateVertex => "A position repeats the one before it; the provider refuses duplicate vertices (GEOS accepts them).",
            Code::AoiHole => "A polygon has a hole; the provider refuses polygons with holes.",
            Code::AoiSliver => "The polygon is a sliver (very small area for its perimeter); the provider refuses slivers.",
            Code::AoiZ => "A position has a third number (an altitude); the provider accepts no Z value.",
            Code::AoiAreaMin => "The AOI is smaller than the collection's minimum size.",
            Code::AoiAreaMax => "The AOI is larger than the collection's maximum size.",
            Code::AoiMinimumCharge => "The AOI is smaller than the collection's minimum charge: you pay for more than you order.",
            Code::AoiExtent => "The AOI's bounding box is wider or higher (or narrower or lower) than the collection accepts.",
            Code::AoiMultipolygonBbox => "A MultiPolygon is ordered (and charged) as its bounding box.",
            Code::AoiInputType => "The collection does not take this kind of geometry (a MultiPolygon where a single Polygon or a point is taken).",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text replacement in the document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A fix for one diagnostic: applying all its edits makes the diagnostic go away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The one fix an editor may apply without asking ("quick fix" / fix-all).
    pub preferred: bool,
    /// A fix that costs more than the check itself (the simplify fix of `aoi.vertices`:
    /// a pass over the whole geometry) and was not computed: `edits` is empty and `title`
    /// says what it would do. A caller that wants the edits checks again with
    /// [`CheckOptions::costly_fixes`](super::CheckOptions::costly_fixes) set (`--fix`, a
    /// code action request).
    pub deferred: bool,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            preferred: false,
            deferred: false,
        }
    }

    /// A fix announced by its title, its edits not computed (see [`Fix::deferred`]).
    pub fn deferred(title: impl Into<String>) -> Self {
        Fix {
            deferred: true,
            ..Fix::new(title, Vec::new())
        }
    }

    pub fn replace(
        title: impl Into<String>,
        range: TextRange,
        new_text: impl Into<String>,
    ) -> Self {
        Fix::new(
            title,
            vec![Edit {
                range,
                new_text: new_text.into(),
            }],
        )
    }

    pub fn preferred(mut self) -> Self {
        self.preferred = true;
        self
    }
}

/// Another place a diagnostic points at (LSP's `relatedInformation`, a secondary label in
/// the human output, SARIF's `relatedLocations`): the ring's first position when its last
/// differs, the start date when the end is before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Byte range in the same document.
    pub range: TextRange,
    /// What is there, as a short label.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub fixes: Vec<Fix>,
    /// Secondary locations in the same document.
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Self {
        Diagnostic {
            range,
            severity: code.severity(),
            code,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Adds a secondary location.
    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }
}
