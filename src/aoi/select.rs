//! Which polygons of an imported file become the order's area of interest: the one feature
//! with polygons, the feature the user names (`--feature N|NAME`), or all of them merged
//! (`--union`, through `geo`'s boolean operations). When the choice is ambiguous the error
//! lists every feature with its name and area, so the user can pick.

use geo::{BooleanOps, Coord, LineString};

use super::{Feature, Import, Polygon, Position};
use crate::check::geometry::shape;

/// How to choose among the features of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// The only feature that has polygons; an error listing them when there are several.
    Only,
    /// The N-th feature, counting from 1 as [`feature_table`] numbers them.
    Index(usize),
    /// The feature with this name (exactly, else the one whose name matches ignoring case).
    Name(String),
    /// Every polygon of every feature, merged into as few polygons as their union has.
    Union,
}

impl Selection {
    /// `--feature` as typed: digits are a number, anything else a name.
    pub fn from_argument(argument: &str) -> Selection {
        match argument.trim().parse::<usize>() {
            Ok(n) => Selection::Index(n),
            Err(_) => Selection::Name(argument.to_string()),
        }
    }
}

/// One line per feature: `  2  "North field"  Polygon  12.34 km²` (numbered from 1).
pub fn feature_table(features: &[Feature]) -> String {
    let mut out = String::new();
    for (i, feature) in features.iter().enumerate() {
        let name = feature.name.as_deref().map_or_else(
            || "(no name)".to_string(),
            |n| format!("\"{}\"", n.escape_debug()),
        );
        let area = if feature.polygons.is_empty() {
            "no polygon".to_string()
        } else {
            format_area(feature.area_m2())
        };
        out.push_str(&format!(
            "  {:>3}  {name}  {}  {area}\n",
            i + 1,
            feature.kind
        ));
    }
    out
}

/// An area for people: m² below a hectare, else km² with 3 significant decimals.
pub fn format_area(m2: f64) -> String {
    if m2 < 10_000.0 {
        format!("{m2:.0} m²")
    } else if m2 < 10_000_000.0 {
        format!("{:.3} km²", m2 / 1e6)
    } else {
        format!("{:.1} km²", m2 / 1e6)
    }
}

/// The polygons `selection` picks from `import` (read from `file`).
///
/// # Errors
/// A message naming the file and listing the features (with names and areas) when the
/// choice is ambiguous or names no feature; for `--union`, when polygons cross the
/// antimeridian (a planar union there would span the globe).
pub fn choose(
    import: &Import,
    file: &str,
    selection: &Selection,
) -> Result<(Vec<Polygon>, String), String> {
    let features = &import.features;
    let with_polygons: Vec<usize> = (0..features.len())
        .filter(|&i| !features[i].polygons.is_empty())
        .collect();
    let listing = || feature_table(features).trim_end().to_string();
    match selection {
        Selection::Only => match with_polygons.as_slice() {
            [one] => Ok((features[*one].polygons.clone(), label(features, *one))),
            _ => Err(format!(
                "{file} holds {} features with polygons; pick one with --feature N or --feature NAME, \
                 or merge them with --union:\n{}",
                with_polygons.len(),
                listing()
            )),
        },
        Selection::Index(n) => match n.checked_sub(1).and_then(|i| features.get(i)) {
            Some(f) if !f.polygons.is_empty() => Ok((f.polygons.clone(), label(features, n - 1))),
            Some(f) => Err(format!(
                "feature {n} of {file} is a {} with no polygon; the features are:\n{}",
                f.kind,
                listing()
            )),
            None => Err(format!(
                "{file} has {} feature{}, so there is no feature {n}; the features are:\n{}",
                features.len(),
                if features.len() == 1 { "" } else { "s" },
                listing()
            )),
        },
        Selection::Name(name) => {
            let exact: Vec<usize> = (0..features.len())
                .filter(|&i| features[i].name.as_deref() == Some(name.as_str()))
                .collect();
            let matches = if exact.is_empty() {
                (0..features.len())
                    .filter(|&i| {
                        features[i]
                            .name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                    .collect()
            } else {
                exact
            };
            match matches.as_slice() {
                [one] if !features[*one].polygons.is_empty() => {
                    Ok((features[*one].polygons.clone(), label(features, *one)))
                }
                [one] => Err(format!(
                    "the feature \"{name}\" of {file} is a {} with no polygon",
                    features[*one].kind
                )),
                [] => Err(format!(
                    "{file} has no feature named \"{name}\"; the features are:\n{}",
                    listing()
                )),
                several => Err(format!(
                    "{file} has {} features named \"{name}\"; pick one by number with --feature N:\n{}",
                    several.len(),
                    listing()
                )),
            }
        }
        Selection::Union => {
            let merged = union(features.iter().flat_map(|f| f.polygons.iter()), file)?;
            let label = format!(
                "the union of {} feature{}",
                with_polygons.len(),
                if with_polygons.len() == 1 { "" } else { "s" }
            );
            Ok((merged, label))
        }
    }
}

/// `feature 2 "South field"` (numbered from 1).
fn label(features: &[Feature], index: usize) -> String {
    match &features[index].name {
        Some(name) => format!("feature {} \"{}\"", index + 1, name.escape_debug()),
        None => format!("feature {}", index + 1),
    }
}

fn union<'a>(
    polygons: impl Iterator<Item = &'a Polygon>,
    file: &str,
) -> Result<Vec<Polygon>, String> {
    let polygons: Vec<&Polygon> = polygons.collect();
    if polygons.iter().any(|p| {
        let rings: Vec<Vec<Position>> = p.rings().cloned().collect();
        shape::unwrap_polygon(&rings).crosses_antimeridian
    }) {
        return Err(format!(
            "{file}: --union cannot merge polygons that cross the antimeridian (±180°); pick one \
             feature with --feature"
        ));
    }
    let to_geo = |p: &Polygon| {
        let ring = |r: &Vec<Position>| {
            LineString::new(r.iter().map(|c| Coord { x: c[0], y: c[1] }).collect())
        };
        geo::Polygon::new(ring(&p.exterior), p.holes.iter().map(ring).collect())
    };
    let geo_polygons: Vec<geo::Polygon<f64>> = polygons.iter().map(|p| to_geo(p)).collect();
    let merged = geo_polygons.iter().skip(1).fold(
        geo::MultiPolygon::new(geo_polygons.first().cloned().into_iter().collect()),
        |acc, p| acc.union(p),
    );
    let from_geo =
        |ring: &LineString<f64>| -> Vec<Position> { ring.coords().map(|c| [c.x, c.y]).collect() };
    let result: Vec<Polygon> = merged
        .0
        .iter()
        .map(|p| Polygon {
            exterior: from_geo(p.exterior()),
            holes: p.interiors().iter().map(from_geo).collect(),
        })
        .collect();
    if result.is_empty() {
        return Err(format!("{file}: the union of its polygons is empty"));
    }
    Ok(result)
}
