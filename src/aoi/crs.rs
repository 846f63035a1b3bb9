//! Coordinate reference systems of imported files, and their inverse projections to WGS84
//! longitude/latitude in degrees. Three families are read, the ones web maps and GIS exports
//! of a small area use: WGS84 itself (EPSG:4326, OGC CRS84), Web Mercator (EPSG:3857) and the
//! WGS84 UTM zones (EPSG:32601–32660 north, 32701–32760 south). Anything else is an error
//! naming the system, never a silent guess: a wrong datum moves an AOI by hundreds of metres.
//!
//! The formulas are exact or accurate to nanometres: Web Mercator's inverse is closed-form
//! (EPSG Guidance Note 7-2, §1.3.3.2, method 1024), and UTM's inverse is Krüger's series to
//! sixth order in n with the conformal-latitude step solved by Newton's method, as in
//! C. F. F. Karney, "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy
//! 85 (2011), eqs. (7), (11), (15)–(21) (<https://arxiv.org/abs/1002.1417>, read 2026-12-06).

/// WGS84 semi-major axis in metres (EPSG:7030).
const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening (EPSG:7030: 1 / 298.257223563).
const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// UTM's scale on the central meridian, false easting and southern false northing (m).
const UTM_K0: f64 = 0.9996;
const UTM_E0: f64 = 500_000.0;
const UTM_N0_SOUTH: f64 = 10_000_000.0;

/// A coordinate reference system tasking-ls can bring to WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crs {
    /// Longitude, latitude in degrees on WGS84 (EPSG:4326 with axes as GeoJSON writes them,
    /// OGC CRS84): no change.
    Wgs84,
    /// EPSG:3857, "WGS 84 / Pseudo-Mercator": easting, northing in metres on a sphere of
    /// radius 6,378,137 m.
    WebMercator,
    /// A WGS84 UTM zone (1..=60), north or south: easting, northing in metres.
    Utm { zone: u8, north: bool },
}

impl Crs {
    /// The EPSG code: 4326, 3857, 326zz or 327zz.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::WebMercator => 3857,
            Crs::Utm { zone, north: true } => 32600 + u32::from(zone),
            Crs::Utm { zone, north: false } => 32700 + u32::from(zone),
        }
    }

    /// The system from an EPSG code, or `None` when tasking-ls does not project it.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        Some(match code {
            4326 => Crs::Wgs84,
            // 900913, 3785, 102100 and 102113 are the names Web Mercator had before 3857.
            3857 | 900_913 | 3785 | 102_100 | 102_113 => Crs::WebMercator,
            32601..=32660 => Crs::Utm {
                zone: (code - 32600) as u8,
                north: true,
            },
            32701..=32760 => Crs::Utm {
                zone: (code - 32700) as u8,
                north: false,
            },
            _ => return None,
        })
    }

    /// A name for messages: `EPSG:32633 (WGS 84 / UTM zone 33N)`.
    pub fn describe(self) -> String {
        let name = match self {
            Crs::Wgs84 => "WGS 84".to_string(),
            Crs::WebMercator => "WGS 84 / Pseudo-Mercator".to_string(),
            Crs::Utm { zone, north } => {
                format!("WGS 84 / UTM zone {zone}{}", if north { 'N' } else { 'S' })
            }
        };
        format!("EPSG:{} ({name})", self.epsg())
    }

    /// `[x, y]` in this system to `[longitude, latitude]` in WGS84 degrees. Positions outside
    /// the system's domain give non-finite numbers, which the reader reports.
    pub fn to_wgs84(self, p: [f64; 2]) -> [f64; 2] {
        match self {
            Crs::Wgs84 => p,
            Crs::WebMercator => web_mercator_inverse(p),
            Crs::Utm { zone, north } => utm_inverse(zone, north, p),
        }
    }
}

/// What to do, said in every error about an unsupported system.
pub const REPROJECT_HINT: &str = "reproject the file to WGS 84 (EPSG:4326) first, e.g. \
`ogr2ogr -t_srs EPSG:4326 out.geojson in.shp`, or name its system with --crs if it is one of \
EPSG:4326, EPSG:3857 or a WGS 84 UTM zone (EPSG:326zz/327zz)";

/// Parses a system as a user or a GeoJSON `crs` names it: `EPSG:3857`, `3857`,
/// `urn:ogc:def:crs:EPSG::32633`, `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`,
/// `http://www.opengis.net/def/crs/EPSG/0/3857`.
///
/// # Errors
/// A sentence naming the system and what to do.
pub fn parse_name(name: &str) -> Result<Crs, String> {
    let trimmed = name.trim();
    let upper = trimmed.to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
        return Ok(Crs::Wgs84);
    }
    let code = upper
        .rsplit([':', '/'])
        .next()
        .filter(|_| upper.contains("EPSG") || upper.chars().all(|c| c.is_ascii_digit()))
        .and_then(|tail| tail.parse::<u32>().ok());
    match code {
        Some(code) => Crs::from_epsg(code).ok_or_else(|| {
            format!("the coordinate system EPSG:{code} is not one tasking-ls can reproject; {REPROJECT_HINT}")
        }),
        None => Err(format!(
            "the coordinate system '{}' is not one tasking-ls knows; {REPROJECT_HINT}",
            trimmed.chars().take(80).collect::<String>()
        )),
    }
}

/// Reads the system of an ESRI `.prj` file (OGC WKT 1, as ArcGIS, QGIS, GDAL and pyproj
/// write it): the top-level `AUTHORITY["EPSG", ...]` when there is one, else the names ESRI
/// gives WGS 84, its UTM zones and Web Mercator (checked against the projection's
/// parameters where the file states them).
///
/// # Errors
/// A sentence naming the system the file describes and what to do.
pub fn from_prj(wkt: &str) -> Result<Crs, String> {
    let text = wkt.trim().trim_start_matches('\u{feff}');
    let head: String = text.chars().take_while(|&c| c != '[' && c != '(').collect();
    let kind = head.trim().to_ascii_uppercase();
    let name = first_quoted(text).unwrap_or_default();
    let shown = || {
        if name.is_empty() {
            text.chars().take(60).collect::<String>()
        } else {
            name.clone()
        }
    };
    let unsupported = || {
        format!(
            "the .prj describes the coordinate system \"{}\", which tasking-ls cannot reproject; {REPROJECT_HINT}",
            shown()
        )
    };
    let upper = text.to_ascii_uppercase();
    let wgs84_datum = ["WGS_1984", "WGS 84", "WGS84", "WORLD GEODETIC SYSTEM 1984"]
        .iter()
        .any(|d| upper.contains(d));
    // The last AUTHORITY of WKT 1 is the top-level object's (children come first).
    if let Some(code) = last_epsg_authority(text) {
        if let Some(crs) = Crs::from_epsg(code) {
            return Ok(crs);
        }
        if kind == "PROJCS" || kind == "GEOGCS" {
            return Err(format!(
                "the .prj describes \"{}\" (EPSG:{code}), which tasking-ls cannot reproject; {REPROJECT_HINT}",
                shown()
            ));
        }
    }
    match kind.as_str() {
        "GEOGCS" | "GEOGCRS" | "GEODCRS" if wgs84_datum => {
            let unit = upper.contains("DEGREE");
            if unit {
                Ok(Crs::Wgs84)
            } else {
                Err(unsupported())
            }
        }
        "PROJCS" | "PROJCRS" if wgs84_datum => {
            let upper_name = name.to_ascii_uppercase().replace(' ', "_");
            if upper_name.contains("WEB_MERCATOR")
                || upper_name.contains("PSEUDO-MERCATOR")
                || upper.contains("MERCATOR_AUXILIARY_SPHERE")
                || upper_name.contains("POPULAR_VISUALISATION")
            {
                return Ok(Crs::WebMercator);
            }
            let Some((zone, north)) = utm_zone_in_name(&upper_name) else {
                return Err(unsupported());
            };
            // A name is a claim; the parameters, where present, must agree with it.
            let central = parameter(text, "central_meridian");
            let expected = f64::from(zone) * 6.0 - 183.0;
            let easting = parameter(text, "false_easting");
            let northing = parameter(text, "false_northing");
            let scale = parameter(text, "scale_factor");
            let agrees = central.is_none_or(|c| (c - expected).abs() < 1e-9)
                && easting.is_none_or(|e| (e - UTM_E0).abs() < 1e-6)
                && scale.is_none_or(|k| (k - UTM_K0).abs() < 1e-12)
                && northing
                    .is_none_or(|n| (n - if north { 0.0 } else { UTM_N0_SOUTH }).abs() < 1e-6);
            if agrees {
                Ok(Crs::Utm { zone, north })
            } else {
                Err(format!(
                    "the .prj names \"{}\" but its parameters are not that UTM zone's; {REPROJECT_HINT}",
                    shown()
                ))
            }
        }
        _ => Err(unsupported()),
    }
}

/// The first `"..."` of a WKT text: the outermost object's name.
fn first_quoted(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(text[start..end].to_string())
}

/// The code of the last `AUTHORITY["EPSG","NNNN"]` (also `ID["EPSG",NNNN]` of WKT 2).
fn last_epsg_authority(text: &str) -> Option<u32> {
    let upper = text.to_ascii_uppercase();
    let mut best: Option<(usize, u32)> = None;
    for key in ["AUTHORITY[\"EPSG\",", "ID[\"EPSG\","] {
        if let Some(at) = upper.rfind(key) {
            let rest = &upper[at + key.len()..];
            let digits: String = rest
                .trim_start_matches([' ', '"'])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(code) = digits.parse() {
                if best.is_none_or(|(b, _)| at > b) {
                    best = Some((at, code));
                }
            }
        }
    }
    best.map(|(_, code)| code)
}

/// `PARAMETER["name", value]`, the name compared without case.
fn parameter(text: &str, name: &str) -> Option<f64> {
    let upper = text.to_ascii_uppercase();
    let key = format!("PARAMETER[\"{}\",", name.to_ascii_uppercase());
    let at = upper.find(&key)? + key.len();
    let value: String = upper[at..]
        .chars()
        .take_while(|&c| c != ']' && c != ',')
        .collect();
    value.trim().parse().ok()
}

/// `UTM_ZONE_33N`, `UTM_ZONE_33S` (ESRI), `UTM_ZONE_33N` from `UTM zone 33N` (EPSG).
fn utm_zone_in_name(upper_name: &str) -> Option<(u8, bool)> {
    let at = upper_name.find("UTM_ZONE_")? + "UTM_ZONE_".len();
    let rest = &upper_name[at..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let zone: u8 = digits.parse().ok()?;
    let hemisphere = rest[digits.len()..].chars().next()?;
    if !(1..=60).contains(&zone) {
        return None;
    }
    match hemisphere {
        'N' => Some((zone, true)),
        'S' => Some((zone, false)),
        _ => None,
    }
}

/// EPSG method 1024 (Popular Visualisation Pseudo Mercator), reverse: spherical formulas on
/// the WGS84 semi-major axis.
fn web_mercator_inverse([x, y]: [f64; 2]) -> [f64; 2] {
    let lon = (x / WGS84_A).to_degrees();
    let lat = (y / WGS84_A).sinh().atan().to_degrees();
    [lon, lat]
}

/// Karney (2011) eq. (7): n = f / (2 − f), and the Krüger coefficients β₁..β₆ of the reverse
/// series, eq. (36) of his paper's arXiv version, as polynomials in n.
fn kruger_beta(n: f64) -> [f64; 6] {
    let n2 = n * n;
    let n3 = n2 * n;
    let n4 = n3 * n;
    let n5 = n4 * n;
    let n6 = n5 * n;
    [
        n / 2.0 - 2.0 / 3.0 * n2 + 37.0 / 96.0 * n3 - 1.0 / 360.0 * n4 - 81.0 / 512.0 * n5
            + 96_199.0 / 604_800.0 * n6,
        n2 / 48.0 + n3 / 15.0 - 437.0 / 1440.0 * n4 + 46.0 / 105.0 * n5
            - 1_118_711.0 / 3_870_720.0 * n6,
        17.0 / 480.0 * n3 - 37.0 / 840.0 * n4 - 209.0 / 4480.0 * n5 + 5569.0 / 90_720.0 * n6,
        4397.0 / 161_280.0 * n4 - 11.0 / 504.0 * n5 - 830_251.0 / 7_257_600.0 * n6,
        4583.0 / 161_280.0 * n5 - 108_847.0 / 3_991_680.0 * n6,
        20_648_693.0 / 638_668_800.0 * n6,
    ]
}

/// UTM easting/northing (m) to WGS84 degrees: Krüger's reverse series (Karney 2011, eqs.
/// (11), (15)), then latitude from the conformal latitude by Newton's method on
/// τ = tan φ (eqs. (19)–(21)), which converges to machine precision in two or three steps.
fn utm_inverse(zone: u8, north: bool, [easting, northing]: [f64; 2]) -> [f64; 2] {
    let f = WGS84_F;
    let e2 = f * (2.0 - f);
    let e = e2.sqrt();
    let n = f / (2.0 - f);
    let n2 = n * n;
    // Rectifying radius (eq. 14).
    let a_rect = WGS84_A / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0 + n2 * n2 * n2 / 256.0);
    let false_northing = if north { 0.0 } else { UTM_N0_SOUTH };
    let xi_p = (northing - false_northing) / (UTM_K0 * a_rect);
    let eta_p = (easting - UTM_E0) / (UTM_K0 * a_rect);
    let beta = kruger_beta(n);
    let mut xi = xi_p;
    let mut eta = eta_p;
    for (j, b) in beta.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi -= b * (k * xi_p).sin() * (k * eta_p).cosh();
        eta -= b * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    // Conformal latitude χ and longitude from the central meridian (Gauss–Schreiber).
    let tau_p = xi.sin() / (eta.sinh().powi(2) + xi.cos().powi(2)).sqrt();
    let lambda = eta.sinh().atan2(xi.cos());
    // τ' = τ √(1+σ²) − σ √(1+τ²), σ = sinh(e atanh(e τ / √(1+τ²))), solved for τ.
    let mut tau = tau_p / (1.0 - e2);
    for _ in 0..8 {
        let s1 = (1.0 + tau * tau).sqrt();
        let sigma = (e * (e * tau / s1).atanh()).sinh();
        let tau_i = tau * (1.0 + sigma * sigma).sqrt() - sigma * s1;
        let d = (tau_p - tau_i) / (1.0 + tau_i * tau_i).sqrt() * (1.0 + (1.0 - e2) * tau * tau)
            / ((1.0 - e2) * s1);
        tau += d;
        if d.abs() < 1e-15 * tau.abs().max(1.0) {
            break;
        }
    }
    let lat = tau.atan().to_degrees();
    let lon0 = f64::from(zone) * 6.0 - 183.0;
    let mut lon = lon0 + lambda.to_degrees();
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    [lon, lat]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from pyproj 3.8.0 (PROJ 9), `Transformer.from_crs(src, 4326,
    /// always_xy=True)`, printed with 12 decimals; tests/aoi/make_fixtures.py checks the same
    /// transformations on the fixtures. 1 cm is about 9e-8 degrees of latitude.
    const CM_IN_DEGREES: f64 = 9e-8;

    fn close(a: [f64; 2], b: [f64; 2]) {
        assert!(
            (a[0] - b[0]).abs() < CM_IN_DEGREES && (a[1] - b[1]).abs() < CM_IN_DEGREES,
            "{a:?} vs {b:?}"
        );
    }

    #[test]
    fn web_mercator_round_values() {
        close(Crs::WebMercator.to_wgs84([0.0, 0.0]), [0.0, 0.0]);
        close(
            Crs::WebMercator.to_wgs84([20_037_508.342789244, 0.0]),
            [180.0, 0.0],
        );
        // The top of the web map's square is 85.0511287798° (arctan(sinh π)).
        close(
            Crs::WebMercator.to_wgs84([0.0, 20_037_508.342789244]),
            [0.0, 85.051_128_779_806_59],
        );
    }

    #[test]
    fn utm_central_meridian_and_equator() {
        close(
            Crs::Utm {
                zone: 33,
                north: true,
            }
            .to_wgs84([500_000.0, 0.0]),
            [15.0, 0.0],
        );
        close(
            Crs::Utm {
                zone: 33,
                north: false,
            }
            .to_wgs84([500_000.0, 10_000_000.0]),
            [15.0, 0.0],
        );
    }

    #[test]
    fn names_and_codes() {
        assert_eq!(parse_name("EPSG:3857"), Ok(Crs::WebMercator));
        assert_eq!(
            parse_name("urn:ogc:def:crs:EPSG::32633"),
            Ok(Crs::Utm {
                zone: 33,
                north: true
            })
        );
        assert_eq!(parse_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Ok(Crs::Wgs84));
        assert_eq!(
            parse_name("http://www.opengis.net/def/crs/EPSG/0/32719"),
            Ok(Crs::Utm {
                zone: 19,
                north: false
            })
        );
        let error = parse_name("EPSG:27700").unwrap_err();
        assert!(
            error.contains("EPSG:27700") && error.contains("EPSG:4326"),
            "{error}"
        );
        let error = parse_name("Lambert 93").unwrap_err();
        assert!(error.contains("'Lambert 93'"), "{error}");
    }

    #[test]
    fn esri_prj_texts() {
        let utm = r#"PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(
            from_prj(utm),
            Ok(Crs::Utm {
                zone: 33,
                north: true
            })
        );
        let wrong = utm.replace("\"Central_Meridian\",15.0", "\"Central_Meridian\",9.0");
        assert!(from_prj(&wrong).unwrap_err().contains("parameters"));
        let mercator = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(from_prj(mercator), Ok(Crs::WebMercator));
        let geographic = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(from_prj(geographic), Ok(Crs::Wgs84));
        let british = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#;
        let error = from_prj(british).unwrap_err();
        assert!(error.contains("\"British_National_Grid\""), "{error}");
        let gdal = r#"PROJCS["WGS 84 / UTM zone 19S",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","32719"]]"#;
        assert_eq!(
            from_prj(gdal),
            Ok(Crs::Utm {
                zone: 19,
                north: false
            })
        );
        let gdal_other = r#"PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36",AUTHORITY["EPSG","4277"]],AUTHORITY["EPSG","27700"]]"#;
        assert!(from_prj(gdal_other).unwrap_err().contains("EPSG:27700"));
    }
}
