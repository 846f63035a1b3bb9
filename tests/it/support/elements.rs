//! Test-made orbital element sets for the pass-search tests: the Skyfield goldens' sets
//! (made by `tests/feasibility/make_goldens.py`), renumbered under a table satellite's NORAD
//! number, so no third-party element set is in the repository.

use serde_json::Value;

/// `tests/feasibility/goldens.json`, parsed.
pub fn goldens() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/feasibility/goldens.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("goldens.json")).unwrap()
}

/// The TLE checksum digit of `line`'s first 68 characters (digits summed, `-` counting 1,
/// modulo 10).
pub fn tle_checksum(line: &str) -> char {
    let sum: u32 = line
        .chars()
        .map(|c| c.to_digit(10).unwrap_or(u32::from(c == '-')))
        .sum();
    char::from_digit(sum % 10, 10).unwrap()
}

/// The goldens' first test-made sun-synchronous set as 3LE text under the NORAD number
/// `norad`, checksums recomputed.
pub fn renumbered(norad: &str) -> String {
    let g = goldens();
    let pair = &g["elements"][0];
    let mut text = format!("0 TEST {norad}\n");
    for line in [pair[0].as_str().unwrap(), pair[1].as_str().unwrap()] {
        let body = line[..68].replacen("90001", norad, 1);
        text.push_str(&format!("{body}{}\n", tle_checksum(&body)));
    }
    text
}
