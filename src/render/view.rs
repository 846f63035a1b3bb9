//! The projection and the layout of a preview. Web Mercator (EPSG:3857, spherical), centred
//! on the areas of interest: it keeps angles and so shapes as a user knows them from web
//! maps (geojson.io, the provider's console), north is up everywhere, and its tiles are what
//! the HTML page's optional online layer (OpenStreetMap or any XYZ URL) is cut in, so both
//! line up without a reprojection. Its scale grows with latitude (1/cos φ), so the scale bar
//! is for the map's middle latitude; latitudes are clamped at ±85.051° (the square world).
//! An equirectangular projection scaled by cos φ would do as well for one small AOI but
//! would not match the tiles.
//!
//! Coordinates: `x` is the longitude in degrees (unwrapped, so it may pass ±180), `y` the
//! Mercator ordinate in degrees (`ln tan(π/4 + φ/2)` · 180/π); pixels are SVG user units
//! from the picture's top-left corner.

use super::scene::Scene;
use super::Options;

/// The largest latitude Web Mercator draws (the square world), in degrees.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// The Mercator ordinate of a latitude, in degrees (clamped at [`MAX_LATITUDE`]).
pub fn mercator_y(lat: f64) -> f64 {
    let phi = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    (std::f64::consts::FRAC_PI_4 + phi / 2.0)
        .tan()
        .ln()
        .to_degrees()
}

/// The latitude of a Mercator ordinate in degrees.
pub fn latitude(y: f64) -> f64 {
    (2.0 * y.to_radians().exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
}

/// Height of the caption band under the map, in pixels.
pub const CAPTION_HEIGHT: f64 = 64.0;

/// The smallest span a view shows, in degrees of longitude (about 1.1 km at the equator),
/// so that a point or a sliver is not blown up to the whole map.
const MIN_SPAN_DEGREES: f64 = 0.01;

/// How a view maps degrees to pixels: pixel = centre ± (x − cx) · scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The map's centre: unwrapped longitude and Mercator ordinate, degrees.
    pub cx: f64,
    pub cy: f64,
    /// Pixels per degree of longitude (and of Mercator ordinate).
    pub scale: f64,
    /// The map's area in pixels (the caption is below it).
    pub width: f64,
    pub height: f64,
}

impl View {
    /// The view that shows the scene's areas of interest with a margin (a fifth of the map
    /// on each side), or the whole world when there are none.
    pub fn fit(scene: &Scene, options: &Options) -> View {
        let width = f64::from(options.width.max(16));
        let height = (f64::from(options.height.max(16))
            - if options.caption { CAPTION_HEIGHT } else { 0.0 })
        .max(16.0);
        // The passes' nearest sub-satellite points are kept in view, so that each track
        // crosses the map beside the AOI it sees.
        let bbox = super::scene::bbox_of(&scene.shapes).map(|mut b| {
            for track in scene.passes.iter().flat_map(|p| &p.tracks) {
                let [lon, lat] = track.anchor;
                b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
            }
            b
        });
        let [west, south, east, north] = match bbox {
            Some(b) => b,
            None => [-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE],
        };
        let (y0, y1) = (mercator_y(south), mercator_y(north));
        let dx = (east - west).max(MIN_SPAN_DEGREES);
        let dy = (y1 - y0).max(MIN_SPAN_DEGREES);
        let fill = if bbox.is_some() { 0.6 } else { 1.0 };
        let scale = (width * fill / dx)
            .min(height * fill / dy)
            // Never zoomed out beyond the whole world's width.
            .max(width / 360.0);
        View {
            cx: (west + east) / 2.0,
            cy: (y0 + y1) / 2.0,
            scale,
            width,
            height,
        }
    }

    /// Pixel of an unwrapped `[lon, lat]`.
    pub fn pixel(&self, p: [f64; 2]) -> [f64; 2] {
        self.pixel_xy(p[0], mercator_y(p[1]))
    }

    /// Pixel of a longitude and a Mercator ordinate.
    pub fn pixel_xy(&self, x: f64, y: f64) -> [f64; 2] {
        [
            self.width / 2.0 + (x - self.cx) * self.scale,
            self.height / 2.0 - (y - self.cy) * self.scale,
        ]
    }

    /// `[west, south, east, north]` shown, in degrees (longitudes unwrapped).
    pub fn bounds(&self) -> [f64; 4] {
        let half_x = self.width / 2.0 / self.scale;
        let half_y = self.height / 2.0 / self.scale;
        [
            self.cx - half_x,
            latitude(self.cy - half_y),
            self.cx + half_x,
            latitude(self.cy + half_y),
        ]
    }

    /// Kilometres per pixel along the map's middle parallel (Web Mercator's scale factor
    /// there), on a sphere of the mean Earth radius.
    pub fn km_per_pixel(&self) -> f64 {
        let lat = latitude(self.cy).to_radians();
        super::scene::EARTH_RADIUS_KM * 1f64.to_radians() * lat.cos() / self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trips() {
        for lat in [-85.0, -45.0, -1e-6, 0.0, 9.0, 60.0, 85.0] {
            assert!((latitude(mercator_y(lat)) - lat).abs() < 1e-9, "{lat}");
        }
        assert!((mercator_y(MAX_LATITUDE) - 180.0).abs() < 1e-9);
    }
}
