//! Orbital element sets from the user: OMM JSON (one object or an array, the CCSDS keys
//! `OBJECT_NAME`, `NORAD_CAT_ID`, `EPOCH`, `MEAN_MOTION`... as CelesTrak writes them) or
//! TLE / 3LE text. Parsed by the `sgp4` crate; this module finds the records and says where a
//! bad one is. Nothing here reads the network: the caller passes the text.

use chrono::{DateTime, Utc};

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
        .map(|(i, record)| {
            serde_json::from_value::<sgp4::Elements>(record)
                .map(|e| wrap(e, None))
                .map_err(|e| ElementsError {
                    line: None,
                    message: format!("OMM record {} is not an element set: {e}", i + 1),
                })
        })
        .collect()
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
            let Some(&(_, second)) = lines.get(i + 1).filter(|(_, l)| l.starts_with("2 ")) else {
                return Err(ElementsError {
                    line: Some(number),
                    message: "a TLE line 1 not followed by its line 2".into(),
                });
            };
            let elements =
                sgp4::Elements::from_tle(title.take(), line.as_bytes(), second.as_bytes())
                    .map_err(|e| ElementsError {
                        line: Some(number),
                        message: format!("not a valid TLE: {e}"),
                    })?;
            sets.push(wrap(elements, None));
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
}
