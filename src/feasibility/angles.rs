//! Viewing angles. The order's `incidenceAngle` is measured at the ground, between the local
//! normal and the line to the satellite; the satellite's off-nadir angle is measured at the
//! satellite, between the line to the Earth's centre and the line to the ground point. On a
//! sphere of radius R, with the satellite at altitude h, the sine rule in the triangle
//! (centre, satellite, point) gives `sin(incidence) = ((R + h) / R) · sin(off-nadir)`.

/// WGS84 equatorial radius, km (NIMA TR8350.2, table 3.1).
pub const WGS84_A_KM: f64 = 6378.137;
/// WGS84 flattening (NIMA TR8350.2, table 3.1).
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// The mean Earth radius (IUGG, (2a + b) / 3), km: the sphere of the quick checks.
pub const MEAN_RADIUS_KM: f64 = 6371.0088;

/// Off-nadir angle (degrees) at which a satellite at `altitude_km` sees a point at
/// `incidence_deg`, on a sphere of radius `radius_km`.
pub fn off_nadir_from_incidence(incidence_deg: f64, altitude_km: f64, radius_km: f64) -> f64 {
    let s = radius_km / (radius_km + altitude_km) * incidence_deg.to_radians().sin();
    s.clamp(-1.0, 1.0).asin().to_degrees()
}

/// Incidence (degrees) of a point seen at `off_nadir_deg` from `altitude_km`, on a sphere of
/// radius `radius_km`; `None` when the line of sight misses the sphere.
pub fn incidence_from_off_nadir(
    off_nadir_deg: f64,
    altitude_km: f64,
    radius_km: f64,
) -> Option<f64> {
    let s = (radius_km + altitude_km) / radius_km * off_nadir_deg.to_radians().sin();
    (s.abs() <= 1.0).then(|| s.asin().to_degrees())
}

/// Ground distance (km, along the sphere) from the sub-satellite point to a point seen at
/// `incidence_deg`: the Earth-central angle is incidence minus off-nadir.
pub fn ground_distance_km(incidence_deg: f64, altitude_km: f64, radius_km: f64) -> f64 {
    let eta = off_nadir_from_incidence(incidence_deg, altitude_km, radius_km);
    (incidence_deg - eta).to_radians() * radius_km
}

/// Earth-fixed (ECEF) position, km, of a point at geodetic latitude and longitude (degrees)
/// on the WGS84 ellipsoid's surface.
pub fn geodetic_to_ecef(lat_deg: f64, lon_deg: f64) -> [f64; 3] {
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let n = WGS84_A_KM / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - e2) * lat.sin(),
    ]
}

/// The WGS84 geodetic normal (unit vector, ECEF) at a geodetic latitude and longitude.
pub fn geodetic_normal(lat_deg: f64, lon_deg: f64) -> [f64; 3] {
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// The angle between two vectors, degrees (atan2 of the cross and dot products: exact near
/// 0°, where acos loses half the digits).
pub fn angle_between_deg(a: [f64; 3], b: [f64; 3]) -> f64 {
    let c = [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ];
    norm(c).atan2(dot(a, b)).to_degrees()
}

/// Incidence (degrees) of a satellite at `sat` (ECEF, km) seen from the ground `point` (ECEF,
/// km) whose surface normal is `normal`: the angle between the normal and the line of sight.
/// Above 90° the satellite is below the point's horizon.
pub fn incidence_deg(sat: [f64; 3], point: [f64; 3], normal: [f64; 3]) -> f64 {
    angle_between_deg(normal, sub(sat, point))
}

/// Off-nadir angle (degrees) at the satellite `sat` (ECEF, km) of the ground `point`: the
/// angle between the line to the Earth's centre (geocentric nadir) and the line to the point.
pub fn off_nadir_deg(sat: [f64; 3], point: [f64; 3]) -> f64 {
    angle_between_deg([-sat[0], -sat[1], -sat[2]], sub(point, sat))
}

/// View azimuth (degrees clockwise from north, in [0, 360)) of the ground `point` (ECEF, km)
/// for a satellite at `sat` (ECEF, km), as STAC's view extension defines `view:azimuth`: the
/// direction from the sub-satellite point to the point, clockwise from true north. The
/// sub-satellite point is the geocentric nadir (as [`off_nadir_deg`]'s) and the direction its
/// great-circle bearing; 0 when the point is straight below.
pub fn view_azimuth_deg(sat: [f64; 3], point: [f64; 3]) -> f64 {
    let r = norm(sat);
    if r == 0.0 {
        return 0.0;
    }
    let (lat, lon) = ((sat[2] / r).clamp(-1.0, 1.0).asin(), sat[1].atan2(sat[0]));
    let north = [-lat.sin() * lon.cos(), -lat.sin() * lon.sin(), lat.cos()];
    let east = [-lon.sin(), lon.cos(), 0.0];
    let (e, n) = (dot(point, east), dot(point, north));
    if e == 0.0 && n == 0.0 {
        return 0.0;
    }
    e.atan2(n).to_degrees().rem_euclid(360.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_view_azimuth_points_from_below_the_satellite_to_the_point() {
        let sat = geodetic_to_ecef(0.0, 0.0).map(|c| c * 1.1);
        let az = |lat, lon| view_azimuth_deg(sat, geodetic_to_ecef(lat, lon));
        assert!((az(1.0, 0.0) - 0.0).abs() < 1e-9);
        assert!((az(0.0, 1.0) - 90.0).abs() < 1e-9);
        assert!((az(-1.0, 0.0) - 180.0).abs() < 1e-9);
        assert!((az(0.0, -1.0) - 270.0).abs() < 1e-9);
    }

    #[test]
    fn the_issue_figures() {
        // 10° incidence from 694 km is 9.0° off nadir and about 110 km from the track.
        let eta = off_nadir_from_incidence(10.0, 694.0, MEAN_RADIUS_KM);
        assert!((eta - 9.0).abs() < 0.05, "{eta}");
        let d = ground_distance_km(10.0, 694.0, MEAN_RADIUS_KM);
        assert!((d - 110.0).abs() < 5.0, "{d}");
    }

    proptest! {
        /// The sine relation agrees with the vectors on a sphere: a satellite above one point
        /// and a ground point at any central angle it can see.
        #[test]
        fn sine_relation_matches_vectors(
            altitude in 300.0f64..1200.0,
            lat in -80.0f64..80.0,
            lon in -180.0f64..180.0,
            azimuth in 0.0f64..360.0,
            fraction in 0.0f64..0.98,
        ) {
            let r = MEAN_RADIUS_KM;
            let unit = |lat: f64, lon: f64| {
                let (la, lo) = (lat.to_radians(), lon.to_radians());
                [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
            };
            let up = unit(lat, lon);
            let sat = [up[0] * (r + altitude), up[1] * (r + altitude), up[2] * (r + altitude)];
            // The largest visible central angle is acos(R / (R + h)).
            let lambda = fraction * (r / (r + altitude)).acos();
            // A point at central angle lambda in direction azimuth (destination on a sphere).
            let (la, lo, az) = (lat.to_radians(), lon.to_radians(), azimuth.to_radians());
            let lat2 = (la.sin() * lambda.cos() + la.cos() * lambda.sin() * az.cos()).asin();
            let lon2 = lo + (az.sin() * lambda.sin() * la.cos())
                .atan2(lambda.cos() - la.sin() * lat2.sin());
            let n = unit(lat2.to_degrees(), lon2.to_degrees());
            let point = [n[0] * r, n[1] * r, n[2] * r];
            let inc = incidence_deg(sat, point, n);
            let eta = off_nadir_deg(sat, point);
            let from_relation = off_nadir_from_incidence(inc, altitude, r);
            prop_assert!((eta - from_relation).abs() < 1e-6, "{eta} vs {from_relation}");
            let back = incidence_from_off_nadir(eta, altitude, r).unwrap();
            prop_assert!((inc - back).abs() < 1e-6, "{inc} vs {back}");
            // And the central angle is their difference.
            prop_assert!((inc - eta - lambda.to_degrees()).abs() < 1e-6);
        }
    }
}
