//! The constellation table: which satellites image for which collection, and their orbits,
//! each figure with the page it was read from and the date it was read. Versioned with the
//! code (a changed figure is a reviewed change), never fetched at run time.

/// A page a figure was read from, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// The page's address.
    pub url: &'static str,
    /// The date it was read (ISO 8601, UTC).
    pub read: &'static str,
    /// What was read there, in a few words, or why a figure is derived rather than read.
    pub note: &'static str,
}

/// One satellite of a sun-synchronous optical constellation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Satellite {
    /// The name results show, e.g. `Pléiades Neo 3`.
    pub name: &'static str,
    /// The NORAD catalogue number, which binds an element set to this satellite.
    pub norad_id: u32,
    /// Mean altitude above the equatorial radius, km.
    pub altitude_km: f64,
    /// Orbit inclination, degrees.
    pub inclination_deg: f64,
    /// Local mean solar time of the descending node, hours (10.5 = 10:30).
    pub ltdn_hours: f64,
    /// The published uncertainty of [`Satellite::ltdn_hours`], hours: the sun check looks at
    /// every time in `ltdn ± this` so that a disagreement between sources never turns into a
    /// false "no daylight".
    pub ltdn_spread_hours: f64,
    /// Days after which the ground tracks repeat.
    pub repeat_cycle_days: f64,
    /// Largest off-nadir (viewing) angle the satellite can point at, degrees; informative
    /// only: the searches use the order's incidence limit.
    pub max_off_nadir_deg: f64,
    /// Where each figure above comes from.
    pub sources: &'static [Source],
}

/// The satellites that serve a collection, and the collection's own figures.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Constellation {
    /// The provider's collection names this entry serves (`pneo-tasking`).
    pub collections: &'static [&'static str],
    /// The constellation's name in messages (`Pléiades Neo`).
    pub title: &'static str,
    pub satellites: &'static [Satellite],
    /// The smallest base-to-height ratio a stereo order asks for when the order does not say
    /// (`minBH` absent or null), with its source.
    pub default_min_bh: Option<(f64, Source)>,
    /// The provider's earliest start (days from today) and minimum interval (days between
    /// start and end, the end day included), when published.
    pub window: Option<WindowRule>,
    /// Whether the satellites image in visible light: a pass in the dark is then no
    /// acquisition opportunity.
    pub optical: bool,
    /// The lowest sun elevation the provider acquires at, degrees, when published (none of
    /// the entries has a figure yet: 0°, the horizon, is used).
    pub min_sun_elevation: Option<(f64, Source)>,
}

impl Constellation {
    /// The sun elevation (degrees) below which a window of an optical constellation is dark:
    /// the published minimum, else 0° (the horizon); `None` for a radar constellation.
    pub fn dark_below_deg(&self) -> Option<f64> {
        self.optical
            .then(|| self.min_sun_elevation.map_or(0.0, |(deg, _)| deg))
    }
}

/// A collection's published acquisition time frames.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct WindowRule {
    /// The first day from today an acquisition can start (0 = today).
    pub earliest_start_days: u32,
    /// Days required between start and end, the end day included.
    pub minimum_interval_days: u32,
    pub source: Source,
}

const READ: &str = "2026-12-06";

const PNEO_CHARTER: Source = Source {
    url: "https://docs.charter.uat.esaportal.eu/missions/opt/pleiades-neo/",
    read: READ,
    note: "orbit height 620 km, inclination 97.9°, equator crossing 10:30 local time, repeat \
           cycle 26 days, viewing angle ±52°",
};
const PNEO_NORAD: Source = Source {
    url: "https://celestrak.org/satcat/search.php",
    read: READ,
    note: "NORAD numbers 48268 (PNEO 3) and 49070 (PNEO 4) as catalogued; not re-read this \
           session: check against the element sets you import",
};
const PHR_WIKIPEDIA: Source = Source {
    url: "https://en.wikipedia.org/wiki/Pl%C3%A9iades_(satellite)",
    read: READ,
    note: "inclination 98.2°, SATCAT 38012 (1A) and 39019 (1B), repeat cycle 26 days, same \
           orbital plane as SPOT 6 and 7",
};
const PHR_ALTITUDE: Source = Source {
    url: "https://callways.fr/lancement-reussi-de-pleiades-1b",
    read: READ,
    note: "694 km altitude",
};
const PHR_LTDN: Source = Source {
    url: "https://en.wikipedia.org/wiki/Pl%C3%A9iades_(satellite)",
    read: READ,
    note: "the page puts Pléiades in SPOT 6/7's orbital plane (10:00 descending); 10:30, the \
           upper figure issue 30 gives, was not read on a page this session, hence 10:30 \
           with a spread of half an hour",
};
const SPOT_SHEET: Source = Source {
    url: "https://docslib.org/doc/2431898/spot-6-7-technical-sheet",
    read: READ,
    note: "altitude 694 km, sun-synchronous 10:00 AM local time at descending node, cycle 26 \
           days, viewing angle ±30° standard, ±45° extended (roll)",
};
const SPOT_NORAD: Source = Source {
    url: "https://celestrak.org/satcat/search.php",
    read: READ,
    note: "NORAD numbers 38755 (SPOT 6) and 40053 (SPOT 7) as catalogued; not re-read this \
           session: check against the element sets you import",
};

/// Pléiades Neo's default stereo B/H, as issue 30 quotes the product's `minBH`.
const PNEO_MIN_BH: Source = Source {
    url: "https://docs.up42.com/data/tasking/order/form",
    read: READ,
    note: "B/H >= 0.4 as the Pléiades Neo product's default minBH, quoted in issue 30; the \
           bundled schema's minBH default is null",
};
/// CNES's recommended stereo B/H for Pléiades.
const PHR_MIN_BH: Source = Source {
    url: "https://www.kalideos.fr/drupal/fr/groups/discussions-techniques-autour-de-la-tri-st%C3%A9r%C3%A9o/param%C3%A8tres-recommand%C3%A9s-pour-les-tri-st%C3%A9r%C3%A9os-0",
    read: READ,
    note: "CNES: a good compromise on Pléiades is B/H 0.12 in stereo (2 × 0.12 in tri-stereo)",
};

const PNEO_SOURCES: &[Source] = &[PNEO_CHARTER, PNEO_NORAD];
const PHR_SOURCES: &[Source] = &[PHR_WIKIPEDIA, PHR_ALTITUDE, PHR_LTDN];
const SPOT_SOURCES: &[Source] = &[SPOT_SHEET, SPOT_NORAD, PHR_WIKIPEDIA];

const fn pneo(name: &'static str, norad_id: u32) -> Satellite {
    Satellite {
        name,
        norad_id,
        altitude_km: 620.0,
        inclination_deg: 97.9,
        ltdn_hours: 10.5,
        ltdn_spread_hours: 0.25,
        repeat_cycle_days: 26.0,
        max_off_nadir_deg: 52.0,
        sources: PNEO_SOURCES,
    }
}

const fn phr(name: &'static str, norad_id: u32) -> Satellite {
    Satellite {
        name,
        norad_id,
        altitude_km: 694.0,
        inclination_deg: 98.2,
        ltdn_hours: 10.5,
        ltdn_spread_hours: 0.5,
        repeat_cycle_days: 26.0,
        // "Image acquisition anywhere within an 800-km-wide ground strip" (a copy of the
        // Wikipedia page): ±400 km from the track at 694 km is about 30° off nadir. Shown,
        // never used to cap the order's own limit (a wrong cap would hide passes).
        max_off_nadir_deg: 30.0,
        sources: PHR_SOURCES,
    }
}

const fn spot(name: &'static str, norad_id: u32) -> Satellite {
    Satellite {
        name,
        norad_id,
        altitude_km: 694.0,
        inclination_deg: 98.2,
        ltdn_hours: 10.0,
        ltdn_spread_hours: 0.25,
        repeat_cycle_days: 26.0,
        max_off_nadir_deg: 45.0,
        sources: SPOT_SOURCES,
    }
}

/// Every constellation the checks know.
pub const CONSTELLATIONS: &[Constellation] = &[
    Constellation {
        collections: &["pneo-tasking"],
        title: "Pléiades Neo",
        satellites: &[pneo("Pléiades Neo 3", 48268), pneo("Pléiades Neo 4", 49070)],
        default_min_bh: Some((0.4, PNEO_MIN_BH)),
        window: None,
        optical: true,
        min_sun_elevation: None,
    },
    Constellation {
        collections: &["phr-tasking"],
        title: "Pléiades",
        satellites: &[phr("Pléiades 1A", 38012), phr("Pléiades 1B", 39019)],
        default_min_bh: Some((0.12, PHR_MIN_BH)),
        window: None,
        optical: true,
        min_sun_elevation: None,
    },
    Constellation {
        collections: &["spot-tasking"],
        title: "SPOT",
        satellites: &[spot("SPOT 6", 38755), spot("SPOT 7", 40053)],
        default_min_bh: None,
        window: None,
        optical: true,
        min_sun_elevation: None,
    },
];

/// Where the provider's acquisition time frames (earliest start, minimum interval) are
/// documented. Its text as read on [`READ`] explains both terms but lists no figures per
/// collection, so [`Constellation::window`] is `None` for every entry until they are read.
pub const WINDOW_RULES_PAGE: Source = Source {
    url: "https://docs.up42.com/data/tasking/timeframes/acquisition",
    read: READ,
    note: "defines earliest start date and minimum interval; no per-collection figures in \
           the text read",
};

/// The constellation serving `collection`, if the table knows it.
pub fn constellation(collection: &str) -> Option<&'static Constellation> {
    CONSTELLATIONS
        .iter()
        .find(|c| c.collections.contains(&collection))
}

/// The satellite with this NORAD number, with its constellation.
pub fn satellite_by_norad(id: u32) -> Option<(&'static Constellation, &'static Satellite)> {
    CONSTELLATIONS.iter().find_map(|c| {
        c.satellites
            .iter()
            .find(|s| s.norad_id == id)
            .map(|s| (c, s))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_names_its_sources_with_a_date() {
        for c in CONSTELLATIONS {
            for s in c.satellites {
                assert!(!s.sources.is_empty(), "{} has no source", s.name);
                for source in s.sources {
                    assert!(source.url.starts_with("https://"), "{}: {source:?}", s.name);
                    assert!(
                        chrono::NaiveDate::parse_from_str(source.read, "%Y-%m-%d").is_ok(),
                        "{}: {source:?}",
                        s.name
                    );
                    assert!(!source.note.is_empty());
                }
                assert!(s.altitude_km > 300.0 && s.altitude_km < 1000.0);
                assert!(
                    s.inclination_deg > 90.0,
                    "sun-synchronous orbits are retrograde"
                );
            }
            if let Some((bh, source)) = c.default_min_bh {
                assert!(bh > 0.0 && source.url.starts_with("https://"));
            }
        }
    }

    #[test]
    fn collections_and_norad_numbers_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in CONSTELLATIONS {
            for name in c.collections {
                assert!(seen.insert(name.to_string()), "{name} twice");
            }
            for s in c.satellites {
                assert!(seen.insert(s.norad_id.to_string()), "{} twice", s.norad_id);
            }
        }
        assert_eq!(constellation("pneo-tasking").unwrap().title, "Pléiades Neo");
        assert_eq!(satellite_by_norad(38012).unwrap().1.name, "Pléiades 1A");
    }
}
