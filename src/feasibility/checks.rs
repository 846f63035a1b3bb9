//! The checks that need no orbital elements: stereo angle against the incidence limit, the
//! sun at the hours the satellites pass, and the window against the time the constellation
//! needs to come back over the AOI. Each returns the numbers its message names, or `None`
//! when the order can be met as far as the check can tell.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::angles::{ground_distance_km, MEAN_RADIUS_KM};
use super::sun::sun_elevation_deg;
use super::table::{Constellation, Satellite};

/// Earth's gravitational parameter, km³/s² (WGS84 / EGM96).
const MU_KM3_S2: f64 = 398_600.441_8;

/// A stereo (or tri-stereo) order whose incidence limit cannot give the base it asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StereoShortfall {
    /// The B/H asked for (`minBH`, or the constellation's default).
    pub min_bh: f64,
    /// The order's incidence limit, degrees.
    pub incidence_deg: f64,
    /// The incidence the pair needs at least, fore and aft, degrees.
    pub needed_deg: f64,
    /// The largest B/H the limit allows.
    pub max_bh: f64,
}

/// The incidence (degrees) fore and aft that gives `min_bh`: for two views at along-track
/// angles a1 and a2 on either side of the vertical, B/H ≈ tan a1 + tan a2 (flat-Earth
/// approximation, a few percent at these angles), largest for a1 = a2 = the limit.
pub fn stereo_needed_incidence_deg(min_bh: f64) -> f64 {
    (min_bh / 2.0).atan().to_degrees()
}

/// The shortfall of a stereo order at `incidence_deg` asking for `min_bh`, if any.
pub fn stereo(min_bh: f64, incidence_deg: f64) -> Option<StereoShortfall> {
    let needed_deg = stereo_needed_incidence_deg(min_bh);
    (incidence_deg + 1e-9 < needed_deg).then(|| StereoShortfall {
        min_bh,
        incidence_deg,
        needed_deg,
        max_bh: 2.0 * incidence_deg.to_radians().tan(),
    })
}

/// The best sunlight any pass of a constellation over an AOI gets within the window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SunAtPasses {
    /// The highest sun elevation at any instant a satellite can image the AOI, degrees.
    pub best_elevation_deg: f64,
    /// When.
    pub at: DateTime<Utc>,
    /// The local mean solar time of that instant at the AOI, hours.
    pub local_time_hours: f64,
    /// The AOI latitude it was computed for, degrees.
    pub lat_deg: f64,
}

/// Local mean solar time (hours) at which a sun-synchronous track crosses latitude
/// `lat_deg`, descending (`true`) or ascending: the local time of the node plus the right
/// ascension the orbit plane turns through from the node to that latitude (the plane keeps
/// its angle to the sun, so local time along the track follows right ascension).
pub fn track_local_time_hours(sat: &Satellite, lat_deg: f64, descending: bool) -> f64 {
    let i = sat.inclination_deg.to_radians();
    let s = (lat_deg.to_radians().sin() / i.sin()).clamp(-1.0, 1.0);
    // Argument of latitude: ascending leg in (-90°, 90°), descending in (90°, 270°).
    let u = if descending {
        std::f64::consts::PI - s.asin()
    } else {
        s.asin()
    };
    let node = if descending {
        std::f64::consts::PI
    } else {
        0.0
    };
    let turn = (i.cos() * u.sin()).atan2(u.cos()) - node;
    let turn =
        (turn + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI;
    let ltdn = if descending {
        sat.ltdn_hours
    } else {
        sat.ltdn_hours + 12.0
    };
    (ltdn + turn.to_degrees() / 15.0).rem_euclid(24.0)
}

/// The highest sun any daytime pass of `satellites` can see over the AOI points `points`
/// (`[lon, lat]` degrees) between `start` and `end`, looking at most `incidence_deg` away
/// from the vertical. A point can be imaged at any local time between the track's local time
/// at its latitude give or take the spread of the node time and the longitude the incidence
/// limit reaches across track; on one day the sun is highest at the time of that span nearest
/// noon, so each day needs only that time and the span's ends. Descending passes only: the
/// ascending track's local time is always further from noon at the same latitude (the two
/// legs meet only at the orbit's highest latitude), so it is never lit when the descending
/// one is not. `None` when no pass time falls in the window. The first 400 days are looked
/// at; satellites sharing an orbit (the same node time, inclination and altitude) once.
pub fn sun_at_passes(
    satellites: &[Satellite],
    points: &[[f64; 2]],
    incidence_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Option<SunAtPasses> {
    sun_at_passes_until(satellites, points, incidence_deg, start, end, f64::INFINITY)
}

/// [`sun_at_passes`], stopping at the first pass time with the sun at or above
/// `enough_deg` (returned then): a caller asking only "is it ever lit?" rarely needs more
/// than the first day.
pub fn sun_at_passes_until(
    satellites: &[Satellite],
    points: &[[f64; 2]],
    incidence_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    enough_deg: f64,
) -> Option<SunAtPasses> {
    let mut best: Option<SunAtPasses> = None;
    let end = start
        .checked_add_signed(Duration::days(400))
        .map_or(end, |limit| end.min(limit));
    let mut seen: Vec<[f64; 4]> = Vec::new();
    for sat in satellites {
        let orbit = [
            sat.ltdn_hours,
            sat.inclination_deg,
            sat.altitude_km,
            sat.ltdn_spread_hours,
        ];
        if seen.contains(&orbit) {
            continue;
        }
        seen.push(orbit);
        let reach_km = ground_distance_km(incidence_deg, sat.altitude_km, MEAN_RADIUS_KM);
        for &[lon, lat] in points {
            let cos_lat = lat.to_radians().cos().max(1e-6);
            // Hours of local time the reach spans at this latitude (15° of longitude an hour).
            let across = (reach_km / (MEAN_RADIUS_KM * cos_lat))
                .to_degrees()
                .min(180.0)
                / 15.0;
            // Never negative: a negative limit (the schema reports it) reaches nothing.
            let spread = (across.max(0.0) + sat.ltdn_spread_hours).max(0.0);
            let centre = track_local_time_hours(sat, lat, true);
            let candidates = [
                centre - spread,
                centre + spread,
                12.0_f64.clamp(centre - spread, centre + spread),
            ];
            let mut day = start.date_naive().pred_opt().unwrap_or(start.date_naive());
            let last = end.date_naive().succ_opt().unwrap_or(end.date_naive());
            while day <= last {
                for local in candidates {
                    let utc_hours = local - lon / 15.0;
                    let Some(at) = day.and_time(NaiveTime::MIN).and_utc().checked_add_signed(
                        Duration::milliseconds((utc_hours * 3_600_000.0) as i64),
                    ) else {
                        continue;
                    };
                    if at < start || at > end {
                        continue;
                    }
                    let elevation = sun_elevation_deg(lat, lon, at);
                    if best.is_none_or(|b| elevation > b.best_elevation_deg) {
                        best = Some(SunAtPasses {
                            best_elevation_deg: elevation,
                            at,
                            local_time_hours: local.rem_euclid(24.0),
                            lat_deg: lat,
                        });
                    }
                    if elevation >= enough_deg {
                        return best;
                    }
                }
                let Some(next) = day.checked_add_days(chrono::Days::new(1)) else {
                    break;
                };
                day = next;
            }
        }
    }
    best
}

/// Orbital period (seconds) of a circular orbit at `altitude_km`.
pub fn period_seconds(altitude_km: f64) -> f64 {
    let a = crate::feasibility::angles::WGS84_A_KM + altitude_km;
    std::f64::consts::TAU * (a * a * a / MU_KM3_S2).sqrt()
}

/// The average interval (days) between daytime passes of a constellation that can image a
/// point at latitude `lat_deg` within `incidence_deg`: in one repeat cycle each satellite's
/// descending tracks are spread evenly around the parallel, and a point is reachable from
/// those within the ground distance the limit allows on either side. An average: the gaps
/// between passes vary through the cycle, so a window longer than this may still have none,
/// and one shorter may have one.
pub fn average_revisit_days(
    constellation: &Constellation,
    lat_deg: f64,
    incidence_deg: f64,
) -> Option<f64> {
    let mut passes_per_day = 0.0;
    for sat in constellation.satellites {
        let revolutions =
            (sat.repeat_cycle_days * 86_400.0 / period_seconds(sat.altitude_km)).round();
        let spacing_km =
            std::f64::consts::TAU * MEAN_RADIUS_KM * lat_deg.to_radians().cos() / revolutions;
        let reach_km = 2.0 * ground_distance_km(incidence_deg, sat.altitude_km, MEAN_RADIUS_KM);
        let per_cycle = (reach_km / spacing_km.max(1e-9)).max(0.0);
        passes_per_day += per_cycle / sat.repeat_cycle_days;
    }
    (passes_per_day > 0.0).then(|| 1.0 / passes_per_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feasibility::table::constellation;

    #[test]
    fn stereo_at_bh_04_needs_11_3_degrees() {
        let needed = stereo_needed_incidence_deg(0.4);
        assert!((needed - 11.31).abs() < 0.01, "{needed}");
        let s = stereo(0.4, 5.0).unwrap();
        assert!((s.max_bh - 0.175).abs() < 0.001, "{s:?}");
        assert_eq!(stereo(0.4, 12.0), None);
    }

    #[test]
    fn local_time_at_the_equator_is_the_node_time() {
        let sat = constellation("pneo-tasking").unwrap().satellites[0];
        assert!((track_local_time_hours(&sat, 0.0, true) - 10.5).abs() < 1e-9);
        assert!((track_local_time_hours(&sat, 0.0, false) - 22.5).abs() < 1e-9);
        // Descending from the north: later north of the equator, earlier south of it.
        assert!(track_local_time_hours(&sat, 45.0, true) > 10.5);
        assert!(track_local_time_hours(&sat, -45.0, true) < 10.5);
    }

    #[test]
    fn no_sun_at_72_north_in_december() {
        let c = constellation("pneo-tasking").unwrap();
        let best = sun_at_passes(
            c.satellites,
            &[[20.0, 72.0]],
            30.0,
            "2026-12-01T00:00:00Z".parse().unwrap(),
            "2027-01-10T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        assert!(best.best_elevation_deg < 0.0, "{best:?}");
        // In March the same AOI is lit.
        let march = sun_at_passes(
            c.satellites,
            &[[20.0, 72.0]],
            30.0,
            "2027-03-01T00:00:00Z".parse().unwrap(),
            "2027-03-10T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        assert!(march.best_elevation_deg > 5.0, "{march:?}");
    }

    #[test]
    fn revisit_shrinks_with_a_wider_angle() {
        let c = constellation("phr-tasking").unwrap();
        let narrow = average_revisit_days(c, 9.0, 10.0).unwrap();
        let wide = average_revisit_days(c, 9.0, 30.0).unwrap();
        assert!(narrow > wide, "{narrow} {wide}");
        // Two satellites, 26-day cycle, ±110 km of ~105 km track spacing: about 6 days.
        assert!((4.0..9.0).contains(&narrow), "{narrow}");
    }
}
