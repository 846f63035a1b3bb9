//! The area and bounding box of a polygon and of a request's whole area of interest, in one
//! place for hover and for the submit confirmation. Both read the shape through
//! [`crate::check::geometry::shape`], which unwraps longitudes across the antimeridian, as
//! the winding check does.

use crate::check::geometry::shape::{self, UnwrappedPolygon};
use crate::check::geometry::{position_point, GeometryType};
use crate::check::{find_polygons, product_id, request_form};
use crate::document::{Document, Node};
use crate::schema::SchemaStore;

/// The polygons of a Polygon or MultiPolygon node, longitudes unwrapped; rings with fewer
/// than 3 readable positions are left out, and a polygon without its exterior ring too.
pub(crate) fn polygons_of(node: &Node) -> Vec<UnwrappedPolygon> {
    let ring = |ring: &Node| -> Option<Vec<[f64; 2]>> {
        let points: Vec<[f64; 2]> = ring
            .items()?
            .iter()
            .filter_map(|p| position_point(&p))
            .collect();
        (points.len() >= 3).then_some(points)
    };
    let polygon = |rings: &Node| -> Option<UnwrappedPolygon> {
        let mut rings = rings.items()?.iter();
        let first = rings.next()?;
        let exterior = ring(&first)?;
        let mut all = vec![exterior];
        all.extend(rings.filter_map(|r| ring(&r)));
        Some(shape::unwrap_polygon(&all))
    };
    let Some(coordinates) = node.get("coordinates") else {
        return Vec::new();
    };
    let kind = node
        .get("type")
        .and_then(Node::as_str)
        .and_then(GeometryType::parse)
        .unwrap_or(GeometryType::Polygon);
    match kind {
        GeometryType::MultiPolygon => coordinates
            .items()
            .into_iter()
            .flatten()
            .filter_map(|p| polygon(&p))
            .collect(),
        _ => polygon(coordinates).into_iter().collect(),
    }
}

/// The unsigned area in m² of the polygons and how it was computed (see
/// [`shape::area_m2`]); `None` when there is none.
pub(crate) fn area_m2(polygons: &[UnwrappedPolygon]) -> Option<(f64, &'static str)> {
    let mut total = 0.0;
    let mut method = None;
    for polygon in polygons {
        let (area, how) = shape::area_m2(polygon)?;
        total += area;
        method = Some(how);
    }
    method.map(|how| (total, how))
}

/// The total area in km² of every polygon of the request (`params` geometry fields and the
/// Polygon features of `featureCollection`); `None` when it has none.
pub fn aoi_area_km2(doc: &Document, store: &SchemaStore) -> Option<f64> {
    let root = doc.root()?;
    let schema = product_id(root).and_then(|id| store.get(id));
    let areas: Vec<f64> = find_polygons(root, request_form(root), schema.as_deref())
        .iter()
        .filter_map(|site| area_m2(&polygons_of(site.node)).map(|(a, _)| a))
        .collect();
    (!areas.is_empty()).then(|| areas.iter().sum::<f64>() / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(text: &str) -> Option<f64> {
        aoi_area_km2(&Document::new(text), &SchemaStore::bundled())
    }

    #[test]
    fn seed_polygon_area_is_geodesic_whatever_its_winding() {
        // The seed's Panama rectangle, clockwise as the seed writes it: about 22.3 km × 22.4 km.
        let area = area(
            r#"{"dataProduct": "x", "params": {"geometry": {"type": "Polygon",
            "coordinates": [[[-79.6418, 9.0727], [-79.4387, 9.0727], [-79.4388, 8.8703],
                [-79.6418, 8.8703], [-79.6418, 9.0727]]]}}}"#,
        )
        .unwrap();
        assert!((490.0..510.0).contains(&area), "{area}");
    }

    #[test]
    fn an_aoi_across_the_antimeridian_is_small() {
        // The shared case near Fiji: 1.2° of longitude (179.2 -> 180.4) by 0.7° at 16.5° S,
        // about 128 km × 77 km, not the 510 million km² of the band the other way round.
        let area = area(
            r#"{"dataProduct": "x", "params": {"geometry": {"type": "Polygon",
            "coordinates": [[[179.2, -16.9], [-179.6, -16.9], [-179.6, -16.2], [179.2, -16.2],
                [179.2, -16.9]]]}}}"#,
        )
        .unwrap();
        assert!((9_850.0..9_990.0).contains(&area), "{area}");
    }

    #[test]
    fn features_add_up_and_garbage_is_no_area() {
        let square = r#"{"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]]}"#;
        let one = area(&format!(
            r#"{{"featureCollection": {{"features": [{{"geometry": {square}}}]}}}}"#
        ))
        .unwrap();
        let two = area(&format!(
            r#"{{"featureCollection": {{"features": [{{"geometry": {square}}}, {{"geometry": {square}}}]}}}}"#
        ))
        .unwrap();
        assert!((two - 2.0 * one).abs() < 1e-9);
        assert_eq!(
            area(r#"{"params": {"geometry": {"type": "Polygon", "coordinates": "x"}}}"#),
            None
        );
    }
}
