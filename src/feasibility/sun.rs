//! The sun's position: the low-precision solar coordinates of Meeus, *Astronomical
//! Algorithms* (2nd ed., ch. 25), the formulas of NOAA's solar calculator
//! (https://gml.noaa.gov/grad/solcalc/calcdetails.html; written from Meeus, that page not
//! re-read this session), good to about 0.01° in declination and right ascension for
//! 1950-2050; the hour angle from the apparent sidereal time (IAU 1982 GMST plus the
//! equation of the equinoxes). No refraction: the elevation is geometric, as the differential
//! test's reference (Skyfield with DE421, tests/feasibility) computes it, within 0.05°.

use chrono::{DateTime, Utc};

/// Julian date (UT) of an instant.
pub fn julian_date(at: DateTime<Utc>) -> f64 {
    let seconds = at.timestamp() as f64 + f64::from(at.timestamp_subsec_nanos()) * 1e-9;
    2_440_587.5 + seconds / 86_400.0
}

/// The sun's apparent right ascension and declination (radians) and the Greenwich apparent
/// sidereal time (radians) at `jd` (UT; the ~70 s between UT and TT moves the sun 0.001°).
fn solar_coordinates(jd: f64) -> (f64, f64, f64) {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let l0 = (280.466_46 + t * (36_000.769_83 + t * 0.000_303_2)).rem_euclid(360.0);
    let m = (357.529_11 + t * (35_999.050_29 - 0.000_153_7 * t)).to_radians();
    let c = m.sin() * (1.914_602 - t * (0.004_817 + 0.000_014 * t))
        + (2.0 * m).sin() * (0.019_993 - 0.000_101 * t)
        + (3.0 * m).sin() * 0.000_289;
    let true_longitude = l0 + c;
    let omega = (125.04 - 1_934.136 * t).to_radians();
    // Apparent longitude: aberration (-0.00569°) and nutation in longitude (-0.00478° sin Ω).
    let lambda = (true_longitude - 0.005_69 - 0.004_78 * omega.sin()).to_radians();
    let eps0 =
        23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60.0) / 60.0;
    let eps = (eps0 + 0.002_56 * omega.cos()).to_radians();
    let ra = (eps.cos() * lambda.sin()).atan2(lambda.cos());
    let dec = (eps.sin() * lambda.sin()).asin();
    let d = jd - 2_451_545.0;
    let gmst =
        280.460_618_37 + 360.985_647_366_29 * d + 0.000_387_933 * t * t - t * t * t / 38_710_000.0;
    let nutation_longitude = -0.004_78 * omega.sin();
    let gast = (gmst + nutation_longitude * eps.cos()).rem_euclid(360.0);
    (ra, dec, gast.to_radians())
}

/// The sun's elevation above the horizon (degrees, geometric, no refraction) at geodetic
/// latitude and longitude (degrees) at `at`.
pub fn sun_elevation_deg(lat_deg: f64, lon_deg: f64, at: DateTime<Utc>) -> f64 {
    let (ra, dec, gast) = solar_coordinates(julian_date(at));
    let hour_angle = gast + lon_deg.to_radians() - ra;
    let lat = lat_deg.to_radians();
    (lat.sin() * dec.sin() + lat.cos() * dec.cos() * hour_angle.cos())
        .clamp(-1.0, 1.0)
        .asin()
        .to_degrees()
}

/// The sun's unit direction in the Earth-fixed frame (ECEF) at `at`.
pub fn sun_direction_ecef(at: DateTime<Utc>) -> [f64; 3] {
    let (ra, dec, gast) = solar_coordinates(julian_date(at));
    let lon = ra - gast;
    [dec.cos() * lon.cos(), dec.cos() * lon.sin(), dec.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn noon_at_the_equinox_is_overhead_at_the_equator() {
        // 2027-03-20 12:07 UTC is near the March equinox; at 0°N, 0°E the sun is within a
        // degree or two of the zenith (equation of time ~ -7 min).
        let e = sun_elevation_deg(0.0, 0.0, at("2027-03-20T12:07:00Z"));
        assert!(e > 88.0, "{e}");
    }

    #[test]
    fn the_polar_night() {
        // 72°N at local noon on the December solstice: the sun is 72 - 90 + 23.44 = 5.4° below
        // the horizon.
        let e = sun_elevation_deg(72.0, 0.0, at("2026-12-21T12:00:00Z"));
        assert!((e + 5.44).abs() < 0.2, "{e}");
    }
}
