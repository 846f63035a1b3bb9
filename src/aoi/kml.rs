//! KML 2.2 (OGC 07-147r2) through the `kml` crate, and KMZ (a zip whose main document is
//! `doc.kml`, else its first `.kml`, as Google Earth reads it). Each Placemark is a feature
//! named by its `<name>`; Polygons inside MultiGeometry are gathered; altitudes are dropped.
//! KML positions are always WGS84 degrees (§6.2 of the standard).

use std::io::Read;

use kml::types::{Geometry, LinearRing};
use kml::{Kml, KmlReader};

use super::crs::Crs;
use super::{Feature, Polygon, Position};

/// The most a zip entry may inflate to (a KMZ or zipped shapefile of a few MB inflates to
/// tens; a zip bomb would take the machine's memory).
pub(super) const MAX_INFLATED: u64 = 512 * 1024 * 1024;

pub(super) fn read(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text.trim_start_matches('\u{feff}');
    well_formed(text)?;
    let kml: Kml<f64> = KmlReader::<_, f64>::from_string(text)
        .read()
        .map_err(|e| format!("is not KML: {e}"))?;
    let mut features = Vec::new();
    walk(&kml, &mut features);
    Ok((Crs::Wgs84, features))
}

/// Checks that `text` is well-formed XML, every element closed. The `kml` crate (0.15)
/// loops forever on a document that ends inside a `<Placemark>` (its reader skips the end of
/// input there), found by the mutation fuzz test; this pass turns that and any other broken
/// XML into an error with its byte offset before the crate sees it.
fn well_formed(text: &str) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    // The open elements' names, end to end in one buffer (a 50 MB file opens millions of
    // elements: no allocation each), and where each starts.
    let (mut names, mut starts): (Vec<u8>, Vec<usize>) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                starts.push(names.len());
                names.extend_from_slice(e.local_name().as_ref());
            }
            Ok(Event::End(_)) => {
                if let Some(start) = starts.pop() {
                    names.truncate(start);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "is not well-formed XML (byte {}): {e}",
                    reader.error_position()
                ))
            }
        }
    }
    match starts.last() {
        Some(&start) => Err(format!(
            "is not well-formed XML: it ends inside <{}> (byte {}), the file is cut short",
            String::from_utf8_lossy(&names[start..]),
            text.len()
        )),
        None => Ok(()),
    }
}

pub(super) fn read_kmz(bytes: &[u8]) -> Result<(Crs, Vec<Feature>), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("is not a KMZ (zip) archive: {e}"))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let main = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| "holds no .kml document (a KMZ has doc.kml at its root)".to_string())?
        .clone();
    let text = inflate(&mut archive, &main)?;
    read(&text).map_err(|reason| format!("{main} inside it {reason}"))
}

/// One entry of a zip, inflated, at most [`MAX_INFLATED`] bytes.
pub(super) fn inflate(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Vec<u8>, String> {
    let entry = archive
        .by_name(name)
        .map_err(|e| format!("cannot open {name} inside the archive: {e}"))?;
    let mut out = Vec::new();
    entry
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot inflate {name} inside the archive: {e}"))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(format!(
            "{name} inside the archive inflates to more than {} MiB",
            MAX_INFLATED / 1024 / 1024
        ));
    }
    Ok(out)
}

fn walk(kml: &Kml<f64>, out: &mut Vec<Feature>) {
    match kml {
        Kml::KmlDocument(d) => d.elements.iter().for_each(|k| walk(k, out)),
        Kml::Document { elements, .. } => elements.iter().for_each(|k| walk(k, out)),
        Kml::Folder(folder) => folder.elements.iter().for_each(|k| walk(k, out)),
        Kml::Placemark(placemark) => {
            let mut polygons = Vec::new();
            let kind = match &placemark.geometry {
                Some(geometry) => {
                    collect(geometry, &mut polygons);
                    kind_of(geometry)
                }
                None => "no geometry",
            };
            out.push(Feature {
                name: placemark
                    .name
                    .as_ref()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                kind: kind.to_string(),
                polygons,
            });
        }
        // A bare geometry as the document (no Placemark around it).
        Kml::Polygon(p) => out.push(Feature {
            name: None,
            kind: "Polygon".to_string(),
            polygons: vec![polygon(&p.outer, &p.inner)],
        }),
        Kml::MultiGeometry(m) => {
            let mut polygons = Vec::new();
            for g in &m.geometries {
                collect(g, &mut polygons);
            }
            out.push(Feature {
                name: None,
                kind: "MultiGeometry".to_string(),
                polygons,
            });
        }
        _ => {}
    }
}

fn kind_of(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::LineString(_) => "LineString",
        Geometry::LinearRing(_) => "LinearRing",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiGeometry(_) => "MultiGeometry",
        Geometry::Element(_) => "Model",
        _ => "other geometry",
    }
}

fn collect(geometry: &Geometry<f64>, out: &mut Vec<Polygon>) {
    match geometry {
        Geometry::Polygon(p) => out.push(polygon(&p.outer, &p.inner)),
        Geometry::MultiGeometry(m) => m.geometries.iter().for_each(|g| collect(g, out)),
        _ => {}
    }
}

fn ring(ring: &LinearRing<f64>) -> Vec<Position> {
    ring.coords.iter().map(|c| [c.x, c.y]).collect()
}

fn polygon(outer: &LinearRing<f64>, inner: &[LinearRing<f64>]) -> Polygon {
    Polygon {
        exterior: ring(outer),
        holes: inner.iter().map(ring).collect(),
    }
}

#[cfg(test)]
mod cut_short {
    /// A KML that ends inside a Placemark made the `kml` crate loop forever (found by the
    /// mutation fuzz test); every prefix of a real file is now a result or an error.
    #[test]
    fn every_prefix_of_a_kml_ends() {
        let text =
            "<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\
            <Folder><Placemark><name>Field</name><Polygon><outerBoundaryIs><LinearRing>\
            <coordinates>13.0,52.0,0 13.1,52.0,0 13.1,52.1,0 13.0,52.0,0</coordinates>\
            </LinearRing></outerBoundaryIs></Polygon></Placemark></Folder></Document></kml>";
        let whole = super::read(text.as_bytes()).expect("the whole file reads");
        assert_eq!(whole.1.len(), 1);
        for end in 0..text.len() {
            let _ = super::read(&text.as_bytes()[..end]);
        }
        let cut = text.find("<name>").unwrap();
        let error = super::read(&text.as_bytes()[..cut]).unwrap_err();
        assert!(error.contains("ends inside <Placemark>"), "{error}");
    }
}
