//! Access windows: the intervals in which a satellite, propagated by SGP4 from a user's
//! element set, sees some point of the AOI (its vertices and centroid) within the order's
//! incidence limit. Positions go from TEME to Earth-fixed by the IAU 1982 sidereal angle
//! (Vallado et al., "Revisiting Spacetrack Report #3", AIAA 2006-6753, as Skyfield's
//! `TEME_to_ITRF` does), with UT1 taken as UTC (|UT1 - UTC| < 0.9 s: at most 0.4 km of Earth
//! rotation) and no polar motion. The incidence uses the WGS84 geodetic normal at each point.
//!
//! The search skips ahead while the AOI is far: the sub-satellite point moves at most
//! [`MAX_GROUND_RATE_DEG_S`] over the ground, so while it is more than the reachable central
//! angle away it cannot come within reach sooner than that distance over that rate. Near the
//! AOI it samples every [`FINE_STEP_S`] seconds, refines each sign change of
//! `min incidence - limit` by bisection to a millisecond, and each local minimum between
//! samples by golden-section search (so a grazing window shorter than a step is found).
//!
//! Every one of those samples needs the smallest incidence over all the AOI's points, and a
//! large AOI has thousands. The points are therefore kept in a bounding hierarchy, built once
//! per AOI: each node bounds how far its points can be from one of them in position and in
//! normal, so the incidence of that one point bounds the incidence of all (triangle inequality
//! on directions), and a node that cannot beat the best point found so far is skipped whole.
//! The result is the same point and the same value as looking at every point (the lowest index
//! among exact ties), at a cost per sample that, unless many points lie at nearly the same
//! incidence (a ring centred under the satellite), grows with the log of the vertex count
//! rather than with the count.

use chrono::{DateTime, Duration, Utc};

use super::angles::{
    angle_between_deg, dot, geodetic_normal, geodetic_to_ecef, incidence_deg, norm, off_nadir_deg,
    sub, view_azimuth_deg, MEAN_RADIUS_KM, WGS84_A_KM, WGS84_F,
};
use super::elements::ElementSet;
use super::sun::{julian_date, sun_elevation_deg};

/// The sub-satellite point's largest angular speed over the rotating Earth, degrees per
/// second: a 90-minute orbit (0.067°/s) plus the Earth's rotation (0.0042°/s), rounded up.
pub const MAX_GROUND_RATE_DEG_S: f64 = 0.08;
/// Sampling step near the AOI, seconds.
pub const FINE_STEP_S: f64 = 5.0;
/// Edges are refined to this, seconds.
const EDGE_TOLERANCE_S: f64 = 1e-3;

/// A point of the AOI, precomputed for the search.
#[derive(Clone, Copy, Debug)]
struct Target {
    lon: f64,
    lat: f64,
    ecef: [f64; 3],
    normal: [f64; 3],
    /// Unit vector from the Earth's centre (for the AOI's cap and the hierarchy's splits).
    unit: [f64; 3],
}

/// The AOI as the search sees it: points, the cap that holds them all, and the bounding
/// hierarchy over the points.
#[derive(Clone, Debug)]
pub struct Aoi {
    targets: Vec<Target>,
    centre: [f64; 3],
    /// Angular radius of the cap around `centre` holding every point, degrees.
    radius_deg: f64,
    /// The hierarchy; `nodes[0]` is the root, holding every point.
    nodes: Vec<Node>,
    /// Indices into `targets`, permuted so that every node's points are a contiguous run.
    order: Vec<usize>,
}

/// A node of the AOI's bounding hierarchy: the points `order[first..end]`, and how far they
/// can stray from one of them, `rep`, whose incidence then bounds theirs from below.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Index into `targets` of the member the bounds are measured from.
    rep: usize,
    /// The largest distance from `rep`'s position to a member's, km.
    spread_km: f64,
    /// The largest angle between `rep`'s normal and a member's, degrees.
    tilt_deg: f64,
    first: usize,
    end: usize,
    /// Indices into `nodes` of the two halves; `None` for a leaf, whose points are looked at
    /// one by one.
    children: Option<[usize; 2]>,
}

/// Points in a leaf: below this, bounding a node costs about what looking at its points does.
const LEAF_POINTS: usize = 8;

/// The hierarchy over `targets`: halves split at the median of the unit vectors' widest
/// coordinate, so the tree is balanced and its nodes compact whatever the vertex order.
fn build_hierarchy(targets: &[Target]) -> (Vec<Node>, Vec<usize>) {
    let mut order: Vec<usize> = (0..targets.len()).collect();
    let mut nodes: Vec<Node> = Vec::with_capacity(2 * targets.len() / LEAF_POINTS + 1);
    build_node(targets, &mut order, 0, targets.len(), &mut nodes);
    (nodes, order)
}

fn build_node(
    targets: &[Target],
    order: &mut [usize],
    first: usize,
    end: usize,
    nodes: &mut Vec<Node>,
) -> usize {
    let members = &order[first..end];
    let mut low = [f64::INFINITY; 3];
    let mut high = [f64::NEG_INFINITY; 3];
    let mut sum = [0.0; 3];
    for &i in members {
        let u = targets[i].unit;
        for k in 0..3 {
            low[k] = low[k].min(u[k]);
            high[k] = high[k].max(u[k]);
            sum[k] += u[k];
        }
    }
    // The member nearest the members' mean direction keeps the node's bounds small.
    let rep = members
        .iter()
        .copied()
        .max_by(|&a, &b| dot(targets[a].unit, sum).total_cmp(&dot(targets[b].unit, sum)))
        .expect("a node has members");
    let (mut spread_km, mut tilt_deg) = (0.0_f64, 0.0_f64);
    for &i in members {
        spread_km = spread_km.max(norm(sub(targets[i].ecef, targets[rep].ecef)));
        tilt_deg = tilt_deg.max(angle_between_deg(targets[i].normal, targets[rep].normal));
    }
    // Rounding in the bounds must not prune a point that rounding in the incidences would
    // keep: pad both well above the last bits of their magnitudes.
    let index = nodes.len();
    nodes.push(Node {
        rep,
        spread_km: spread_km * (1.0 + 1e-12) + 1e-9,
        tilt_deg: tilt_deg * (1.0 + 1e-12) + 1e-9,
        first,
        end,
        children: None,
    });
    if end - first > LEAF_POINTS {
        let axis = (0..3)
            .max_by(|&a, &b| (high[a] - low[a]).total_cmp(&(high[b] - low[b])))
            .unwrap_or(0);
        let middle = (end - first) / 2;
        order[first..end].select_nth_unstable_by(middle, |&a, &b| {
            targets[a].unit[axis].total_cmp(&targets[b].unit[axis])
        });
        let left = build_node(targets, order, first, first + middle, nodes);
        let right = build_node(targets, order, first + middle, end, nodes);
        nodes[index].children = Some([left, right]);
    }
    index
}

impl Aoi {
    /// The AOI from its positions (`[lon, lat]`, degrees): every distinct vertex plus the
    /// centroid of the vertices' unit vectors. `None` for no valid position.
    pub fn new(positions: &[[f64; 2]]) -> Option<Aoi> {
        let mut targets: Vec<Target> = Vec::with_capacity(positions.len() + 1);
        let mut sum = [0.0; 3];
        let push = |lon: f64, lat: f64, targets: &mut Vec<Target>| {
            let ecef = geodetic_to_ecef(lat, lon);
            let r = norm(ecef);
            targets.push(Target {
                lon,
                lat,
                ecef,
                normal: geodetic_normal(lat, lon),
                unit: [ecef[0] / r, ecef[1] / r, ecef[2] / r],
            });
        };
        for &[lon, lat] in positions {
            if !(lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0) {
                continue;
            }
            if targets.last().is_some_and(|t| t.lon == lon && t.lat == lat) {
                continue;
            }
            push(lon, lat, &mut targets);
            let u = targets.last().unwrap().unit;
            sum = [sum[0] + u[0], sum[1] + u[1], sum[2] + u[2]];
        }
        if targets.is_empty() {
            return None;
        }
        let length = norm(sum);
        if length > 1e-9 {
            let c = [sum[0] / length, sum[1] / length, sum[2] / length];
            let lat = c[2].asin().to_degrees();
            let lon = c[1].atan2(c[0]).to_degrees();
            push(lon, lat, &mut targets);
        }
        let centre = if length > 1e-9 {
            [sum[0] / length, sum[1] / length, sum[2] / length]
        } else {
            targets[0].unit
        };
        let radius_deg = targets
            .iter()
            .map(|t| angle_between_deg(centre, t.unit))
            .fold(0.0, f64::max);
        let (nodes, order) = build_hierarchy(&targets);
        Some(Aoi {
            targets,
            centre,
            radius_deg,
            nodes,
            order,
        })
    }

    /// How many points the search looks at (vertices plus centroid).
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there is no point (never: [`Aoi::new`] returns `None` then).
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// One access window of one satellite.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Window {
    pub norad_id: u64,
    /// The satellite's name (from the table or the element set).
    pub satellite: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The smallest incidence of any AOI point during the window, degrees.
    pub min_incidence_deg: f64,
    /// When it is reached.
    pub at: DateTime<Utc>,
    /// The off-nadir angle of that point at that time, degrees.
    pub off_nadir_deg: f64,
    /// The sun's elevation at that point at that time, degrees (geometric).
    pub sun_elevation_deg: f64,
    /// The view azimuth of that point at that time, degrees clockwise from north (STAC's
    /// `view:azimuth`: from the sub-satellite point to the point; see
    /// [`super::angles::view_azimuth_deg`]).
    pub azimuth_deg: f64,
    /// `[lon, lat]` of that point.
    pub point: [f64; 2],
    /// Whether the satellite is moving south (the descending, daytime leg of these orbits).
    pub descending: bool,
    /// The elements' epoch.
    pub elements_epoch: DateTime<Utc>,
}

/// Why a satellite could not be searched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{satellite}: {message}")]
pub struct PropagationError {
    pub satellite: String,
    pub message: String,
}

/// A propagator for one element set, giving Earth-fixed positions.
pub struct Propagator {
    constants: sgp4::Constants,
    epoch: DateTime<Utc>,
}

/// Greenwich mean sidereal angle (radians), IAU 1982, at a Julian date in UT1 (Vallado's
/// `gstime`, Skyfield's `theta_GMST1982`).
pub fn gmst_1982_rad(jd_ut1: f64) -> f64 {
    let t = (jd_ut1 - 2_451_545.0) / 36_525.0;
    let g = 67_310.548_41 + (8_640_184.812_866 + (0.093_104 + (-6.2e-6) * t) * t) * t;
    ((jd_ut1.rem_euclid(1.0) + g / 86_400.0).rem_euclid(1.0)) * std::f64::consts::TAU
}

impl Propagator {
    /// SGP4 constants for `set`: WGS72 gravity (the model element sets are fitted with, and
    /// Skyfield's default), the IAU sidereal time in the deep-space terms.
    pub fn new(set: &ElementSet) -> Result<Propagator, String> {
        let e = &set.elements;
        let rad = std::f64::consts::PI / 180.0;
        let orbit = sgp4::Orbit::from_kozai_elements(
            &sgp4::WGS72,
            e.inclination * rad,
            e.right_ascension * rad,
            e.eccentricity,
            e.argument_of_perigee * rad,
            e.mean_anomaly * rad,
            e.mean_motion * (std::f64::consts::PI / 720.0),
        )
        .map_err(|err| err.to_string())?;
        let constants = sgp4::Constants::new(
            sgp4::WGS72,
            sgp4::iau_epoch_to_sidereal_time,
            e.epoch(),
            e.drag_term,
            orbit,
        )
        .map_err(|err| err.to_string())?;
        Ok(Propagator {
            constants,
            epoch: set.epoch,
        })
    }

    /// TEME position and velocity (km, km/s) at `at`.
    pub fn teme(&self, at: DateTime<Utc>) -> Result<([f64; 3], [f64; 3]), String> {
        let minutes = seconds_between(self.epoch, at) / 60.0;
        let p = self
            .constants
            .propagate(sgp4::MinutesSinceEpoch(minutes))
            .map_err(|err| err.to_string())?;
        Ok((p.position, p.velocity))
    }

    /// Earth-fixed position (km) at `at` and whether the satellite is moving south.
    pub fn ecef(&self, at: DateTime<Utc>) -> Result<([f64; 3], bool), String> {
        let (r, v) = self.teme(at)?;
        Ok((teme_to_ecef(r, julian_date(at)), v[2] < 0.0))
    }
}

/// TEME to Earth-fixed: a rotation by the sidereal angle about the pole (no polar motion).
pub fn teme_to_ecef(r: [f64; 3], jd_ut1: f64) -> [f64; 3] {
    let theta = gmst_1982_rad(jd_ut1);
    let (s, c) = theta.sin_cos();
    [c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]]
}

fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let d = to - from;
    d.num_seconds() as f64 + f64::from(d.subsec_nanos()) * 1e-9
}

fn at_offset(start: DateTime<Utc>, seconds: f64) -> DateTime<Utc> {
    start + Duration::nanoseconds((seconds * 1e9).round() as i64)
}

/// The smallest incidence (degrees) over the AOI's points for a satellite at `sat` (ECEF,
/// km), with the index of the point: the lowest index among points of exactly that incidence,
/// as a look at every point in index order gives. Branch and bound over the hierarchy; see
/// [`min_incidence_all`] for the plain scan it must agree with.
fn min_incidence(aoi: &Aoi, sat: [f64; 3]) -> (f64, usize) {
    // A computed incidence may sit a few ulps below the true one; a bound within this of the
    // best is not trusted to exclude it.
    const SLACK_DEG: f64 = 1e-9;
    let mut best = (f64::INFINITY, 0);
    // The node's lower bound, counting its `rep` as a candidate on the way.
    let bound = |node: &Node, best: &mut (f64, usize)| -> f64 {
        let t = &aoi.targets[node.rep];
        let line = sub(sat, t.ecef);
        let inc = angle_between_deg(t.normal, line);
        consider(best, inc, node.rep);
        let range = norm(line);
        if node.spread_km >= range {
            return f64::NEG_INFINITY;
        }
        inc - node.tilt_deg - (node.spread_km / range).asin().to_degrees()
    };
    let mut stack: Vec<(usize, f64)> = Vec::with_capacity(64);
    let root = bound(&aoi.nodes[0], &mut best);
    stack.push((0, root));
    while let Some((index, low)) = stack.pop() {
        if low > best.0 + SLACK_DEG {
            continue;
        }
        let node = &aoi.nodes[index];
        match node.children {
            None => {
                for &i in &aoi.order[node.first..node.end] {
                    if i != node.rep {
                        let t = &aoi.targets[i];
                        consider(&mut best, incidence_deg(sat, t.ecef, t.normal), i);
                    }
                }
            }
            Some([a, b]) => {
                let low_a = bound(&aoi.nodes[a], &mut best);
                let low_b = bound(&aoi.nodes[b], &mut best);
                // The more promising half last, so it is taken first and tightens the best.
                if low_a <= low_b {
                    stack.push((b, low_b));
                    stack.push((a, low_a));
                } else {
                    stack.push((a, low_a));
                    stack.push((b, low_b));
                }
            }
        }
    }
    best
}

/// Keeps `(inc, i)` if it beats `best`: smaller, or as small with a lower index.
fn consider(best: &mut (f64, usize), inc: f64, i: usize) {
    if inc < best.0 || (inc == best.0 && i < best.1) {
        *best = (inc, i);
    }
}

/// [`min_incidence`] by looking at every point: the reference the hierarchy is tested against.
#[cfg(test)]
fn min_incidence_all(aoi: &Aoi, sat: [f64; 3]) -> (f64, usize) {
    let mut best = (f64::INFINITY, 0);
    for (i, t) in aoi.targets.iter().enumerate() {
        let inc = incidence_deg(sat, t.ecef, t.normal);
        if inc < best.0 {
            best = (inc, i);
        }
    }
    best
}

/// The central angle (degrees) at which a satellite at radius `r_km` sees the ground at
/// `limit_deg` incidence on a sphere of the Earth's polar radius (the smallest, so the angle
/// is an upper bound for the ellipsoid), plus a margin for the geodetic normal.
fn reach_bound_deg(limit_deg: f64, r_km: f64) -> f64 {
    let radius = 6356.752;
    let eta = (radius / r_km * limit_deg.to_radians().sin())
        .clamp(-1.0, 1.0)
        .asin();
    limit_deg - eta.to_degrees() + 0.5
}

/// Every window of one satellite over `aoi` between `start` and `end` with some point at or
/// below `limit_deg` incidence, in time order. Windows are clipped to `[start, end]`.
pub fn search(
    propagator: &Propagator,
    norad_id: u64,
    satellite: &str,
    aoi: &Aoi,
    limit_deg: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Window>, PropagationError> {
    let fail = |message: String| PropagationError {
        satellite: satellite.to_string(),
        message,
    };
    let total = seconds_between(start, end);
    let g = |s: f64| -> Result<(f64, usize, [f64; 3], bool), PropagationError> {
        let (sat, descending) = propagator.ecef(at_offset(start, s)).map_err(&fail)?;
        let (inc, i) = min_incidence(aoi, sat);
        Ok((inc - limit_deg, i, sat, descending))
    };
    let mut windows = Vec::new();
    let mut s = 0.0;
    while s <= total {
        let (sat, _) = propagator.ecef(at_offset(start, s)).map_err(&fail)?;
        let r = norm(sat);
        let away = angle_between_deg(sat, aoi.centre) - aoi.radius_deg;
        let reach = reach_bound_deg(limit_deg, r);
        if away > reach {
            s += ((away - reach) / MAX_GROUND_RATE_DEG_S).max(1.0);
            continue;
        }
        // Near: sample until the AOI is out of reach again, then look for windows.
        let mut samples: Vec<(f64, f64)> = Vec::new();
        loop {
            let t = s.min(total);
            let (value, _, sat, _) = g(t)?;
            samples.push((t, value));
            let away = angle_between_deg(sat, aoi.centre) - aoi.radius_deg;
            if t >= total
                || away
                    > reach_bound_deg(limit_deg, norm(sat)) + FINE_STEP_S * MAX_GROUND_RATE_DEG_S
            {
                break;
            }
            s += FINE_STEP_S;
        }
        for found in windows_in(&samples, &|t| g(t).map(|v| v.0))? {
            windows.push(describe(
                propagator, norad_id, satellite, aoi, start, found, &g,
            )?);
        }
        s += FINE_STEP_S;
    }
    // Windows found in adjacent zones may touch; merge them.
    windows.dedup_by(|b, a| {
        if b.start <= a.end + Duration::milliseconds(2) {
            if b.min_incidence_deg < a.min_incidence_deg {
                let (start, end) = (a.start, b.end);
                *a = b.clone();
                a.start = start;
                a.end = end;
            } else {
                a.end = a.end.max(b.end);
            }
            true
        } else {
            false
        }
    });
    Ok(windows)
}

/// The `[start, end]` offsets (seconds) where `f <= 0`, from samples of `f` in time order:
/// sign changes refined by bisection; a local minimum above zero between samples refined by
/// golden-section search, and if it dips below zero, its two crossings.
fn windows_in(
    samples: &[(f64, f64)],
    f: &dyn Fn(f64) -> Result<f64, PropagationError>,
) -> Result<Vec<(f64, f64)>, PropagationError> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<f64> = if samples.first().is_some_and(|s| s.1 <= 0.0) {
        Some(samples[0].0)
    } else {
        None
    };
    for k in 1..samples.len() {
        let (t0, v0) = samples[k - 1];
        let (t1, v1) = samples[k];
        if v0 > 0.0 && v1 <= 0.0 {
            open = Some(bisect(f, t0, t1, true)?);
        } else if v0 <= 0.0 && v1 > 0.0 {
            let close = bisect(f, t0, t1, false)?;
            out.push((open.take().unwrap_or(t0), close));
        } else if v0 > 0.0 && v1 > 0.0 && k + 1 < samples.len() {
            // A dip between samples k-1 and k+1 around sample k.
            let (t2, v2) = samples[k + 1];
            if v1 <= v0 && v1 <= v2 {
                let (tm, vm) = golden_min(f, t0, t2)?;
                if vm <= 0.0 {
                    let a = bisect(f, t0, tm, true)?;
                    let b = bisect(f, tm, t2, false)?;
                    out.push((a, b));
                }
            }
        }
    }
    if let (Some(a), Some(&(t_last, _))) = (open, samples.last()) {
        out.push((a, t_last));
    }
    Ok(out)
}

/// The crossing of zero between `a` and `b`: `entering` when `f(a) > 0 >= f(b)`.
fn bisect(
    f: &dyn Fn(f64) -> Result<f64, PropagationError>,
    mut a: f64,
    mut b: f64,
    entering: bool,
) -> Result<f64, PropagationError> {
    while b - a > EDGE_TOLERANCE_S {
        let m = 0.5 * (a + b);
        let inside = f(m)? <= 0.0;
        if inside == entering {
            b = m;
        } else {
            a = m;
        }
    }
    Ok(0.5 * (a + b))
}

/// The minimum of `f` on `[a, b]` by golden-section search, to 1 ms.
fn golden_min(
    f: &dyn Fn(f64) -> Result<f64, PropagationError>,
    mut a: f64,
    mut b: f64,
) -> Result<(f64, f64), PropagationError> {
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(c)?, f(d)?);
    while b - a > EDGE_TOLERANCE_S {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c)?;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d)?;
        }
    }
    let m = 0.5 * (a + b);
    Ok((m, f(m)?))
}

type Sample = (f64, usize, [f64; 3], bool);

fn describe(
    propagator: &Propagator,
    norad_id: u64,
    satellite: &str,
    aoi: &Aoi,
    start: DateTime<Utc>,
    (a, b): (f64, f64),
    g: &dyn Fn(f64) -> Result<Sample, PropagationError>,
) -> Result<Window, PropagationError> {
    let (tm, _) = golden_min(&|t| g(t).map(|v| v.0), a, b)?;
    let (_, i, sat, descending) = g(tm)?;
    let target = aoi.targets[i];
    let at = at_offset(start, tm);
    Ok(Window {
        norad_id,
        satellite: satellite.to_string(),
        start: at_offset(start, a),
        end: at_offset(start, b),
        min_incidence_deg: incidence_deg(sat, target.ecef, target.normal),
        at,
        off_nadir_deg: off_nadir_deg(sat, target.ecef),
        sun_elevation_deg: sun_elevation_deg(target.lat, target.lon, at),
        azimuth_deg: view_azimuth_deg(sat, target.ecef),
        point: [target.lon, target.lat],
        descending,
        elements_epoch: propagator.epoch,
    })
}

/// One sample of a ground track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackPoint {
    /// When the satellite is above this point (UTC).
    pub at: DateTime<Utc>,
    /// `[lon, lat]` of the sub-satellite point, degrees: the geodetic nadir (the point of the
    /// WGS84 ellipsoid whose normal passes through the satellite), longitude in [-180, 180].
    pub point: [f64; 2],
    /// How far the ground within the incidence limit reaches either side of the track: the
    /// Earth-central angle, degrees, on a sphere of [`MEAN_RADIUS_KM`] (incidence minus
    /// off-nadir at the satellite's distance from the centre).
    pub reach_deg: f64,
    /// `[lon, lat]` of the reachable strip's left and right edges at this sample (seen in the
    /// direction of flight), degrees, longitude in [-180, 180].
    pub left: [f64; 2],
    pub right: [f64; 2],
}

/// The sub-satellite track of `propagator` from `from` to `to` (UTC), a sample every
/// `step_s` seconds plus one at `also` when it falls inside (a window's time of smallest
/// incidence, so that the drawn track passes through that point exactly), with the edges of
/// the band of ground within `limit_deg` of incidence. At most 10,000 samples.
///
/// # Errors
/// The propagation's failure (decayed orbit, bad elements), as a sentence.
pub fn ground_track(
    propagator: &Propagator,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    step_s: f64,
    also: Option<DateTime<Utc>>,
    limit_deg: f64,
) -> Result<Vec<TrackPoint>, String> {
    let span = seconds_between(from, to);
    if !(span.is_finite() && span >= 0.0 && step_s.is_finite() && step_s > 0.0) {
        return Ok(Vec::new());
    }
    let step = step_s.max(span / 10_000.0);
    let mut offsets: Vec<f64> = Vec::new();
    let mut t = 0.0;
    while t < span - 1e-3 {
        offsets.push(t);
        t += step;
    }
    offsets.push(span);
    if let Some(at) = also.filter(|at| *at >= from && *at <= to) {
        let pinned = seconds_between(from, at);
        offsets.retain(|t| (t - pinned).abs() >= 1e-3);
        offsets.push(pinned);
        offsets.sort_by(f64::total_cmp);
    }
    let limit = limit_deg.clamp(0.0, 90.0);
    let mut samples = Vec::with_capacity(offsets.len());
    for &t in &offsets {
        let at = at_offset(from, t);
        let (sat, _) = propagator.ecef(at)?;
        let r = norm(sat);
        let eta = (MEAN_RADIUS_KM / r * limit.to_radians().sin())
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees();
        let [lat, lon] = nadir(sat);
        samples.push((at, [lon, lat], (limit - eta).max(0.0)));
    }
    let n = samples.len();
    let mut track = Vec::with_capacity(n);
    for k in 0..n {
        // The direction of flight from the neighbouring samples (a lone sample has none).
        let (a, b) = match (k.checked_sub(1), k + 1 < n) {
            (Some(p), true) => (samples[p].1, samples[k + 1].1),
            (None, true) => (samples[k].1, samples[k + 1].1),
            (Some(p), false) => (samples[p].1, samples[k].1),
            (None, false) => (samples[k].1, samples[k].1),
        };
        let heading = bearing_deg(a, b);
        let (at, point, reach_deg) = samples[k];
        track.push(TrackPoint {
            at,
            point,
            reach_deg,
            left: destination(point, heading - 90.0, reach_deg),
            right: destination(point, heading + 90.0, reach_deg),
        });
    }
    Ok(track)
}

/// Geodetic `[lat, lon]` (degrees) of the point of the WGS84 ellipsoid below `p` (ECEF, km),
/// by Bowring's fixed-point iteration (converged to well under a metre in five steps for
/// points above the surface).
fn nadir(p: [f64; 3]) -> [f64; 2] {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let lon = p[1].atan2(p[0]).to_degrees();
    let q = p[0].hypot(p[1]);
    let mut lat = p[2].atan2(q * (1.0 - e2));
    for _ in 0..5 {
        let n = WGS84_A_KM / (1.0 - e2 * lat.sin().powi(2)).sqrt();
        lat = (p[2] + e2 * n * lat.sin()).atan2(q);
    }
    [lat.to_degrees(), lon]
}

/// The initial great-circle bearing from `a` to `b` (`[lon, lat]`, degrees), degrees clockwise
/// from north; 0 for the same point.
fn bearing_deg(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la, lb) = (a[1].to_radians(), b[1].to_radians());
    let dl = (b[0] - a[0]).to_radians();
    let y = dl.sin() * lb.cos();
    let x = la.cos() * lb.sin() - la.sin() * lb.cos() * dl.cos();
    if x == 0.0 && y == 0.0 {
        return 0.0;
    }
    y.atan2(x).to_degrees()
}

/// `[lon, lat]` (degrees, longitude in [-180, 180]) `distance_deg` of central angle from
/// `from` towards `azimuth_deg`, on a sphere.
fn destination(from: [f64; 2], azimuth_deg: f64, distance_deg: f64) -> [f64; 2] {
    let (la, lo) = (from[1].to_radians(), from[0].to_radians());
    let (az, d) = (azimuth_deg.to_radians(), distance_deg.to_radians());
    let lat2 = (la.sin() * d.cos() + la.cos() * d.sin() * az.cos())
        .clamp(-1.0, 1.0)
        .asin();
    let lon2 = lo + (az.sin() * d.sin() * la.cos()).atan2(d.cos() - la.sin() * lat2.sin());
    [
        (lon2.to_degrees() + 180.0).rem_euclid(360.0) - 180.0,
        lat2.to_degrees(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `[lon, lat]` (degrees) of the point `distance_deg` of central angle from (`lat`, `lon`)
    /// towards `azimuth_deg`, on a sphere.
    fn destination(lat: f64, lon: f64, azimuth_deg: f64, distance_deg: f64) -> [f64; 2] {
        let (la, lo) = (lat.to_radians(), lon.to_radians());
        let (az, d) = (azimuth_deg.to_radians(), distance_deg.to_radians());
        let lat2 = (la.sin() * d.cos() + la.cos() * d.sin() * az.cos())
            .clamp(-1.0, 1.0)
            .asin();
        let lon2 = lo + (az.sin() * d.sin() * la.cos()).atan2(d.cos() - la.sin() * lat2.sin());
        [
            (lon2.to_degrees() + 180.0).rem_euclid(360.0) - 180.0,
            lat2.to_degrees(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The hierarchy's shortcut gives exactly the scan's point and value (index ties
        /// included, from repeated vertices) on AOIs from a few metres to 30° across, rings
        /// and scatters, anywhere including the poles and the antimeridian, for satellites
        /// from 150 km to beyond geostationary, overhead, near and below the horizon.
        #[test]
        fn the_hierarchy_finds_what_a_scan_finds(
            lat in -90.0f64..=90.0,
            lon in -180.0f64..180.0,
            size_deg in prop_oneof![0.0001f64..0.01, 0.01f64..1.0, 1.0f64..30.0],
            spots in prop::collection::vec((0.0f64..360.0, 0.0f64..1.0), 1..400),
            ring in any::<bool>(),
            repeats in 0usize..5,
            satellites in prop::collection::vec(
                (0.0f64..360.0, 0.0f64..1.0, 150.0f64..40_000.0), 8),
        ) {
            let mut positions: Vec<[f64; 2]> = if ring {
                let mut spots = spots.clone();
                spots.sort_by(|a, b| a.0.total_cmp(&b.0));
                spots
                    .iter()
                    .map(|&(az, f)| destination(lat, lon, az, size_deg * (0.9 + 0.1 * f)))
                    .collect()
            } else {
                spots.iter().map(|&(az, f)| destination(lat, lon, az, size_deg * f)).collect()
            };
            let again: Vec<[f64; 2]> = positions.iter().step_by(3).take(repeats).copied().collect();
            positions.extend(again);
            let aoi = Aoi::new(&positions).unwrap();
            for &(azimuth, f, altitude_km) in &satellites {
                // Mostly near the AOI, where the search samples, sometimes far beyond it.
                let below = destination(lat, lon, azimuth, (size_deg + 15.0) * f * f * f * 6.0);
                let up = geodetic_normal(below[1], below[0]);
                let r = 6378.137 + altitude_km;
                let sat = [up[0] * r, up[1] * r, up[2] * r];
                prop_assert_eq!(min_incidence(&aoi, sat), min_incidence_all(&aoi, sat));
            }
        }
    }

    #[test]
    fn the_hierarchy_holds_every_point_once() {
        let positions: Vec<[f64; 2]> = (0..999)
            .map(|k| destination(45.0, 10.0, f64::from(k) * 0.36, 0.3))
            .collect();
        let aoi = Aoi::new(&positions).unwrap();
        let mut seen = aoi.order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..aoi.len()).collect::<Vec<_>>());
        for node in &aoi.nodes {
            assert!(aoi.order[node.first..node.end].contains(&node.rep));
            if let Some([a, b]) = node.children {
                assert_eq!(aoi.nodes[a].first, node.first);
                assert_eq!(aoi.nodes[a].end, aoi.nodes[b].first);
                assert_eq!(aoi.nodes[b].end, node.end);
            } else {
                assert!(node.end - node.first <= LEAF_POINTS);
            }
        }
    }
}
