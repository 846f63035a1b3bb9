//! The area of a polygon and of a request's whole area of interest, in one place for hover
//! and for the submit confirmation.

use geo::orient::{Direction, Orient};
use geo::{ChamberlainDuquetteArea, Coord, GeodesicArea, LineString, Polygon};

use crate::check::{find_polygons, product_id, request_form};
use crate::document::{Document, Node};
use crate::schema::SchemaStore;

/// Above this many positions the area is computed on a sphere: Karney's geodesic area costs
/// about a microsecond a vertex, too slow for a hover on a 200,000-vertex order.
const GEODESIC_AREA_MAX_POSITIONS: usize = 20_000;

/// A GeoJSON Polygon node as a `geo` polygon; rings with fewer than 3 readable positions are
/// left out, and there is none without an exterior ring.
pub(crate) fn polygon_of(node: &Node) -> Option<Polygon<f64>> {
    let ring = |ring: &Node| -> Option<LineString<f64>> {
        let points: Vec<Coord> = ring
            .items()?
            .iter()
            .filter_map(|position| match position.items()? {
                [lon, lat, ..] => Some(Coord {
                    x: lon.as_f64()?,
                    y: lat.as_f64()?,
                }),
                _ => None,
            })
            .collect();
        (points.len() >= 3).then(|| LineString::new(points))
    };
    let rings = node.get("coordinates")?.items()?;
    let exterior = ring(rings.first()?)?;
    let holes = rings[1..].iter().filter_map(ring).collect();
    Some(Polygon::new(exterior, holes))
}

/// The unsigned area in m², whatever the rings' winding (a clockwise ring would otherwise
/// measure the rest of the Earth), and how it was computed.
pub(crate) fn polygon_area_m2(polygon: &Polygon<f64>) -> (f64, &'static str) {
    let positions =
        polygon.exterior().0.len() + polygon.interiors().iter().map(|r| r.0.len()).sum::<usize>();
    let polygon = polygon.orient(Direction::Default);
    if positions <= GEODESIC_AREA_MAX_POSITIONS {
        (polygon.geodesic_area_unsigned(), "geodesic, WGS84")
    } else {
        (
            polygon.chamberlain_duquette_unsigned_area(),
            "spherical approximation",
        )
    }
}

/// The total area in km² of every polygon of the request (`params` polygon fields and the
/// Polygon features of `featureCollection`); `None` when it has none.
pub fn aoi_area_km2(doc: &Document, store: &SchemaStore) -> Option<f64> {
    let root = doc.root()?;
    let schema = product_id(root).and_then(|id| store.get(id));
    let polygons: Vec<Polygon<f64>> = find_polygons(root, request_form(root), schema.as_deref())
        .iter()
        .filter_map(|site| polygon_of(site.node))
        .collect();
    (!polygons.is_empty()).then(|| polygons.iter().map(|p| polygon_area_m2(p).0).sum::<f64>() / 1e6)
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
