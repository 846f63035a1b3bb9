//! Orbital element sets from the user: OMM JSON (one object or an array, the CCSDS keys
//! `OBJECT_NAME`, `NORAD_CAT_ID`, `EPOCH`, `MEAN_MOTION`... as CelesTrak writes them) or
//! TLE / 3LE text. Parsed by the `sgp4` crate; this module finds the records and says where a
//! bad one is. Nothing here reads the network: the caller passes the text.

use chrono::{DateTime, NaiveDate, Utc};

/// The earliest epoch an element set can have: Sputnik 1's launch day (4 October 1957). A
/// set dated before it is a typo or a two-digit year read wrongly, not an orbit.
pub fn earliest_epoch() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1957, 10, 4)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// How far in the future of the clock an imported epoch may be, days. Element sets are fitted
/// to past observations, so a later epoch is a wrong date; and kept in the cache it would
/// block every real set imported after it (an older set never replaces a newer one).
pub const MAX_FUTURE_EPOCH_DAYS: i64 = 3;

/// The fastest mean motion of an Earth orbiter, revolutions per day: a circular orbit at
/// the surface goes round in 84.5 minutes (17.04 rev/day); anything faster is below ground.
pub const MAX_MEAN_MOTION_REV_DAY: f64 = 17.1;

/// The slowest mean motion accepted, revolutions per day: a period of 20 days (a semi-major
/// axis near 500,000 km, beyond the Moon) is no Earth orbiter's.
pub const MIN_MEAN_MOTION_REV_DAY: f64 = 0.05;

/// One element set, ready to propagate.
#[derive(Clone, Debug)]
pub struct ElementSet {
    /// The name the file gives (3LE title line or `OBJECT_NAME`), if any.
    pub name: Option<String>,
    pub norad_id: u64,
    /// The elements' epoch (UTC).
    pub epoch: DateTime<Utc>,
    pub elements: sgp4::Elements,
}

/// Why a file could not be read as element sets, with the 1-based line where it can say.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ElementsError {
    pub line: Option<usize>,
    pub message: String,
}

/// Where a record is, for messages: a TLE's file line of line 2 (inclination, eccentricity
/// and mean motion are there; line 1 holds the epoch), or an OMM record's number and the line
/// of each field when the file lets us find it.
enum Place<'a> {
    Tle { line1: usize, line2: usize },
    Omm { record: usize, text: &'a str },
}

impl Place<'_> {
    /// The line and the words naming `field` (an OMM key: `INCLINATION`...).
    fn of(&self, field: &str, tle_words: &str) -> (Option<usize>, String) {
        match self {
            Place::Tle { line1, line2 } => {
                let line = if field == "EPOCH" { *line1 } else { *line2 };
                (Some(line), format!("TLE {tle_words}"))
            }
            Place::Omm { record, text } => (
                omm_field_line(text, field, *record),
                format!("OMM record {} {field}", record + 1),
            ),
        }
    }
}

/// The 1-based line of the `record`-th (0-based) occurrence of the key `"field"` in `text`.
fn omm_field_line(text: &str, field: &str, record: usize) -> Option<usize> {
    let key = format!("\"{field}\"");
    let offset = text.match_indices(&key).nth(record)?.0;
    Some(text[..offset].matches('\n').count() + 1)
}

/// Refuses elements no Earth orbiter can have: inclination outside 0–180°, eccentricity
/// outside [0, 1), mean motion outside [`MIN_MEAN_MOTION_REV_DAY`],
/// [`MAX_MEAN_MOTION_REV_DAY`], an epoch before [`earliest_epoch`]. Each error names the
/// field and its line. (The epoch's distance from today is [`check_not_future`]'s, at import.)
fn check_ranges(set: &ElementSet, place: &Place<'_>) -> Result<(), ElementsError> {
    let e = &set.elements;
    let who = format!("NORAD {}", set.norad_id);
    let refuse = |field: &str, tle_words: &str, message: String| {
        let (line, named) = place.of(field, tle_words);
        Err(ElementsError {
            line,
            message: format!("{named} of {who}: {message}"),
        })
    };
    if !(0.0..=180.0).contains(&e.inclination) {
        return refuse(
            "INCLINATION",
            "inclination (line 2, columns 9-16)",
            format!(
                "inclination {}° is outside 0–180°",
                trim_number(e.inclination)
            ),
        );
    }
    if !(0.0..1.0).contains(&e.eccentricity) {
        return refuse(
            "ECCENTRICITY",
            "eccentricity (line 2, columns 27-33)",
            format!(
                "eccentricity {} is outside 0 ≤ e < 1 (a closed orbit)",
                trim_number(e.eccentricity)
            ),
        );
    }
    if !(MIN_MEAN_MOTION_REV_DAY..=MAX_MEAN_MOTION_REV_DAY).contains(&e.mean_motion) {
        return refuse(
            "MEAN_MOTION",
            "mean motion (line 2, columns 53-63)",
            format!(
                "mean motion {} rev/day is not an Earth orbiter's ({MIN_MEAN_MOTION_REV_DAY} to \
                 {MAX_MEAN_MOTION_REV_DAY} rev/day: a period between 20 days and 84 minutes)",
                trim_number(e.mean_motion)
            ),
        );
    }
    if set.epoch < earliest_epoch() {
        return refuse(
            "EPOCH",
            "epoch (line 1, columns 19-32)",
            format!(
                "epoch {} is before the first satellite (1957-10-04)",
                set.epoch.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        );
    }
    Ok(())
}

/// A number as written, without trailing zeros (`400`, `1.5`, `-14`).
fn trim_number(value: f64) -> String {
    let text = format!("{value:.8}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Refuses a set whose epoch is more than [`MAX_FUTURE_EPOCH_DAYS`] after `now`: a wrong date
/// (element sets are fitted to past observations) that, cached, would hide every later real
/// set. Checked when sets enter the cache (`elements import|update`).
pub fn check_not_future(set: &ElementSet, now: DateTime<Utc>) -> Result<(), String> {
    let ahead = (set.epoch - now).num_seconds() as f64 / 86_400.0;
    if ahead > MAX_FUTURE_EPOCH_DAYS as f64 {
        return Err(format!(
            "NORAD {}: epoch {} is {ahead:.1} days in the future (at most \
             {MAX_FUTURE_EPOCH_DAYS} days accepted: element sets are fitted to past \
             observations)",
            set.norad_id,
            set.epoch.format("%Y-%m-%d %H:%M:%S UTC"),
        ));
    }
    Ok(())
}

fn wrap(elements: sgp4::Elements, name: Option<String>) -> ElementSet {
    ElementSet {
        name: name.or_else(|| elements.object_name.clone()),
        norad_id: elements.norad_id,
        epoch: elements.datetime.and_utc(),
        elements,
    }
}

/// Every element set in `text`: OMM JSON when it starts with `[` or `{`, else TLE lines
/// (two lines per set, optionally preceded by a title line, 3LE; a title may start with
/// `0 `). Blank lines are skipped. An empty result is an error: a file with no set is a
/// mistake the user should hear about.
pub fn parse(text: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let sets = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        parse_omm(trimmed)?
    } else {
        parse_tle(text)?
    };
    if sets.is_empty() {
        return Err(ElementsError {
            line: None,
            message: "no element set found (expected OMM JSON, TLE or 3LE)".into(),
        });
    }
    Ok(sets)
}

fn parse_omm(text: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ElementsError {
        line: Some(e.line()),
        message: format!("not JSON: {e}"),
    })?;
    let records = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    records
        .into_iter()
        .enumerate()
        .map(|(i, mut record)| {
            normalise_omm_epoch(&mut record).map_err(|message| ElementsError {
                line: omm_field_line(text, "EPOCH", i),
                message: format!("OMM record {} EPOCH: {message}", i + 1),
            })?;
            let set = serde_json::from_value::<sgp4::Elements>(record)
                .map(|e| wrap(e, None))
                .map_err(|e| ElementsError {
                    line: None,
                    message: format!("OMM record {} is not an element set: {e}", i + 1),
                })?;
            check_ranges(&set, &Place::Omm { record: i, text })?;
            Ok(set)
        })
        .collect()
}

/// Rewrites an OMM record's `EPOCH` with a zone (`...Z`, `...+02:00`) as the UTC time without
/// one that the `sgp4` crate reads (CelesTrak writes none; CCSDS allows `Z`).
fn normalise_omm_epoch(record: &mut serde_json::Value) -> Result<(), String> {
    let Some(epoch) = record.get_mut("EPOCH") else {
        return Ok(());
    };
    let Some(text) = epoch.as_str() else {
        return Ok(());
    };
    let trimmed = text.trim();
    let has_zone = trimmed.ends_with(['Z', 'z'])
        || trimmed
            .get(19..)
            .is_some_and(|tail| tail.contains(['+', '-']));
    if !has_zone {
        return Ok(());
    }
    let at = DateTime::parse_from_rfc3339(trimmed)
        .map_err(|e| format!("\"{trimmed}\" is not an RFC 3339 date-time: {e}"))?;
    *epoch = serde_json::Value::String(
        at.with_timezone(&Utc)
            .naive_utc()
            .format("%Y-%m-%dT%H:%M:%S%.f")
            .to_string(),
    );
    Ok(())
}

fn parse_tle(text: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let mut sets = Vec::new();
    let mut title: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let (number, line) = lines[i];
        if line.starts_with("1 ") {
            let Some(&(second_number, second)) =
                lines.get(i + 1).filter(|(_, l)| l.starts_with("2 "))
            else {
                return Err(ElementsError {
                    line: Some(number),
                    message: "a TLE line 1 not followed by its line 2".into(),
                });
            };
            let elements =
                sgp4::Elements::from_tle(title.take(), line.as_bytes(), second.as_bytes())
                    .map_err(|e| {
                        // The crate says which of the two lines is wrong; name that line's
                        // place in the file.
                        let text = e.to_string();
                        let line = if text.contains("on TLE line 2") {
                            second_number
                        } else {
                            number
                        };
                        ElementsError {
                            line: Some(line),
                            message: format!("not a valid TLE: {text}"),
                        }
                    })?;
            let set = wrap(elements, None);
            check_ranges(
                &set,
                &Place::Tle {
                    line1: number,
                    line2: second_number,
                },
            )?;
            sets.push(set);
            i += 2;
        } else if line.starts_with("2 ") {
            return Err(ElementsError {
                line: Some(number),
                message: "a TLE line 2 without its line 1".into(),
            });
        } else {
            if title.is_some() {
                return Err(ElementsError {
                    line: Some(number),
                    message: "two title lines in a row: expected a TLE line 1 (starting '1 ')"
                        .into(),
                });
            }
            let name = line.strip_prefix("0 ").unwrap_or(line).trim();
            title = Some(name.to_string());
            i += 1;
        }
    }
    if let Some(name) = title {
        return Err(ElementsError {
            line: lines.last().map(|(n, _)| *n),
            message: format!("title line '{name}' has no TLE after it"),
        });
    }
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vallado's first test case (catalog 00005), from "Revisiting Spacetrack Report #3"
    /// (AIAA 2006-6753), as the `sgp4` crate's tests use it.
    pub(crate) const VALLADO_00005: &str = "\
1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667";

    #[test]
    fn reads_tle_and_3le() {
        let sets = parse(VALLADO_00005).unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].norad_id, 5);
        assert_eq!(sets[0].epoch.format("%Y-%m-%d").to_string(), "2000-06-27");
        let titled = format!("0 VANGUARD 1\n{VALLADO_00005}\n");
        assert_eq!(
            parse(&titled).unwrap()[0].name.as_deref(),
            Some("VANGUARD 1")
        );
    }

    #[test]
    fn bad_files_say_where() {
        let err = parse("1 00005U 58002B   00179.78495062\n").unwrap_err();
        assert_eq!(err.line, Some(1));
        let err = parse("NAME\n\nOTHER\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(parse("").is_err());
        let err = parse("[{\"OBJECT_NAME\": 1}]").unwrap_err();
        assert!(err.message.contains("OMM record 1"), "{err}");
    }

    /// Vallado's set as OMM JSON records (pretty-printed, one key a line), `count` copies.
    fn omm(count: usize) -> Vec<serde_json::Value> {
        let set = parse(VALLADO_00005).unwrap().remove(0);
        let record = serde_json::to_value(&set.elements).unwrap();
        vec![record; count]
    }

    /// A TLE line with its checksum recomputed (column 69).
    fn with_checksum(body: &str) -> String {
        let sum: u32 = body[..68]
            .chars()
            .map(|c| c.to_digit(10).unwrap_or(u32::from(c == '-')))
            .sum();
        format!("{}{}", &body[..68], sum % 10)
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// An OMM record with an impossible inclination, eccentricity, mean motion or epoch,
        /// anywhere in an array, is refused with its record number, its field and the line
        /// of that field; the same record with a possible value reads.
        #[test]
        fn impossible_omm_elements_are_refused_with_field_and_line(
            count in 1usize..4,
            which in 0usize..4,
            field in 0usize..4,
            bad in prop_oneof![
                Just(400.0f64), Just(-1.0), Just(1.5), Just(1.0), Just(0.0), Just(-14.0),
                180.01f64..1000.0, -1000.0f64..-0.001, 17.2f64..100.0,
            ],
        ) {
            let which = which % count;
            let mut records = omm(count);
            let (key, ok) = match field {
                0 => ("INCLINATION", (0.0..=180.0).contains(&bad)),
                1 => ("ECCENTRICITY", (0.0..1.0).contains(&bad)),
                2 => ("MEAN_MOTION", (MIN_MEAN_MOTION_REV_DAY..=MAX_MEAN_MOTION_REV_DAY).contains(&bad)),
                _ => ("EPOCH", false),
            };
            records[which][key] = if key == "EPOCH" {
                serde_json::json!(format!("{}-06-01T00:00:00", 1900 + (bad.abs() as i64 % 57)))
            } else {
                serde_json::json!(bad)
            };
            let text = serde_json::to_string_pretty(&records).unwrap();
            match parse(&text) {
                Ok(sets) => prop_assert!(ok, "{key} {bad} accepted: {sets:?}"),
                Err(err) => {
                    prop_assert!(!ok, "{key} {bad} refused: {err}");
                    let named = format!("OMM record {} {key}", which + 1);
                    prop_assert!(err.message.contains(&named), "{err}");
                    let expected = text
                        .match_indices(&format!("\"{key}\""))
                        .nth(which)
                        .map(|(o, _)| text[..o].matches('\n').count() + 1);
                    prop_assert_eq!(err.line, expected, "{}", err);
                }
            }
        }

        /// The same for TLE line 2's inclination and mean motion, named at the file's line of
        /// line 2 after any title and blank lines.
        #[test]
        fn impossible_tle_elements_name_the_files_line(
            blanks in 0usize..4,
            inclination in prop_oneof![0.0f64..180.0, 180.01f64..999.0],
            mean_motion in prop_oneof![1.0f64..17.0, 0.0f64..0.049, 17.2f64..99.0],
        ) {
            let (one, two) = VALLADO_00005.split_once('\n').unwrap();
            let mut body = two.to_string();
            body.replace_range(8..16, &format!("{inclination:8.4}"));
            body.replace_range(52..63, &format!("{mean_motion:11.8}"));
            let text = format!("TITLE\n{}{one}\n{}\n", "\n".repeat(blanks), with_checksum(&body));
            let ok = inclination <= 180.0 && (MIN_MEAN_MOTION_REV_DAY..=MAX_MEAN_MOTION_REV_DAY).contains(&mean_motion);
            match parse(&text) {
                Ok(_) => prop_assert!(ok),
                Err(err) => {
                    prop_assert!(!ok, "{err}");
                    prop_assert_eq!(err.line, Some(3 + blanks), "{}", err);
                    prop_assert!(err.message.contains(if inclination > 180.0 { "inclination" } else { "mean motion" }), "{}", err);
                }
            }
        }
    }

    /// A bad checksum on TLE line 2 is reported at the file's line of that line.
    #[test]
    fn a_bad_checksum_names_the_line_it_is_on() {
        let (one, two) = VALLADO_00005.split_once('\n').unwrap();
        let broken = format!("{}{}", &two[..68], (two.as_bytes()[68] - b'0' + 1) % 10);
        let err = parse(&format!("0 VANGUARD\n\n{one}\n{broken}\n")).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        let broken = format!("{}{}", &one[..68], (one.as_bytes()[68] - b'0' + 1) % 10);
        let err = parse(&format!("{broken}\n{two}\n")).unwrap_err();
        assert_eq!(err.line, Some(1), "{err}");
    }

    /// OMM epochs with `Z` or an offset read as the same instant as without one.
    #[test]
    fn omm_epochs_take_a_zone() {
        for (written, utc) in [
            ("2027-01-02T06:00:00Z", "2027-01-02 06:00:00"),
            ("2027-01-02T06:00:00.5Z", "2027-01-02 06:00:00.500"),
            ("2027-01-02T08:00:00+02:00", "2027-01-02 06:00:00"),
            ("2027-01-02T01:00:00-05:00", "2027-01-02 06:00:00"),
            ("2027-01-02T06:00:00", "2027-01-02 06:00:00"),
        ] {
            let mut records = omm(1);
            records[0]["EPOCH"] = serde_json::json!(written);
            let sets = parse(&serde_json::to_string(&records).unwrap()).unwrap();
            assert_eq!(
                sets[0]
                    .epoch
                    .format("%Y-%m-%d %H:%M:%S%.3f")
                    .to_string()
                    .trim_end_matches(".000"),
                utc,
                "{written}"
            );
        }
    }

    #[test]
    fn a_future_epoch_is_refused_at_import() {
        let set = parse(VALLADO_00005).unwrap().remove(0);
        assert!(check_not_future(&set, set.epoch).is_ok());
        assert!(check_not_future(&set, set.epoch - chrono::Duration::days(2)).is_ok());
        let err = check_not_future(&set, set.epoch - chrono::Duration::days(30)).unwrap_err();
        assert!(err.contains("30.0 days in the future"), "{err}");
    }
}
