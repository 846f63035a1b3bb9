//! How values, allowed-value lists and suggestions read in messages.

use serde_json::Value;

use crate::schema::AllowedValue;

/// A value as a message shows it: strings in single quotes (non-printing characters escaped,
/// long ones cut), everything else as compact JSON.
pub(crate) fn show_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", show_text(s)),
        Value::Array(items) if items.len() > 4 => {
            plural_article(items.len() as u64, "array", "item")
        }
        Value::Object(_) => "an object".to_string(),
        other => {
            let text = other.to_string();
            if text.chars().count() > 60 {
                format!("{}…", text.chars().take(60).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// The longest text a message quotes, in characters; the rest is cut with `…`.
const QUOTED_CHARS: usize = 80;

/// Text as a message quotes it: characters a reader cannot see (controls, U+FEFF, zero-width
/// and bidirectional formatting characters, separators other than the space) are written as
/// Rust-style `\u{feff}` escapes, and long text is cut.
pub(crate) fn show_text(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == QUOTED_CHARS {
            out.push('…');
            break;
        }
        if matches!(c, '\n' | '\r' | '\t') {
            out.push_str(&c.escape_default().to_string());
        } else if is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that do not show, or show as something else, when printed: Unicode's control
/// (Cc), format (Cf) and line/paragraph separator characters, and the odd spaces.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
            | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0x1D173..=0x1D17A | 0xE0000..=0xE007F)
}

/// What a value is, as a type error names it: `null`, `boolean true`, `integer 3`,
/// `string '0.3'`, `an array of 2 items`, `an object`.
pub(crate) fn describe_found(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(_) => format!("number {}", show_value(value)),
        Value::String(_) => format!("string {}", show_value(value)),
        Value::Array(items) => plural_article(items.len() as u64, "array", "item"),
        Value::Object(_) => "an object".to_string(),
    }
}

fn plural_article(count: u64, what: &str, unit: &str) -> String {
    format!("an {what} of {}", plural(count, unit))
}

/// `'mono' (Mono), 'stereo' (Stereo)`: the allowed values with the titles the provider gives.
pub(crate) fn list_allowed(allowed: &[AllowedValue]) -> String {
    const SHOWN: usize = 12;
    let mut parts: Vec<String> = allowed
        .iter()
        .take(SHOWN)
        .map(|option| match &option.title {
            Some(title)
                if !title.is_empty()
                    && !option
                        .value
                        .as_str()
                        .is_some_and(|v| v.eq_ignore_ascii_case(title)) =>
            {
                format!("{} ({title})", show_value(&option.value))
            }
            _ => show_value(&option.value),
        })
        .collect();
    if allowed.len() > SHOWN {
        parts.push(format!("and {} more", allowed.len() - SHOWN));
    }
    parts.join(", ")
}

/// Values longer than this (in characters) are compared by case and prefix only: nobody
/// mistypes a 1,000-character value by one letter, and the edit distance is quadratic.
const DISTANCE_MAX_CHARS: usize = 64;

/// At most this many options get an edit distance computed, so a 20,000-value enum costs a
/// bounded time per wrong value (issue 15).
const DISTANCE_MAX_OPTIONS: usize = 4096;

/// The option closest to `typed`, when one is close enough to be what the user meant: the same
/// value in another case, a prefix either way ("cloudCover" for "cloudCoverage"), or a
/// normalised Damerau-Levenshtein similarity of at least 0.5. The work is bounded: see
/// [`DISTANCE_MAX_CHARS`] and [`DISTANCE_MAX_OPTIONS`].
pub fn closest<'a>(typed: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_counted(typed, options).0
}

/// [`closest`], with the work it did: how many edit distances it computed and how many cells
/// of their dynamic-programming tables that took (each at most [`DISTANCE_MAX_CHARS`]²).
fn closest_counted<'a>(
    typed: &str,
    options: impl IntoIterator<Item = &'a str>,
) -> (Option<&'a str>, DistanceWork) {
    let typed_lower = typed.to_lowercase();
    let typed_chars = typed_lower.chars().count();
    let mut best: Option<(f64, &'a str)> = None;
    let mut work = DistanceWork::default();
    for option in options {
        let option_lower = option.to_lowercase();
        let mut score = 0.0;
        if typed_lower == option_lower {
            score = 2.0;
        } else if !option_lower.is_empty()
            && !typed_lower.is_empty()
            && (typed_lower.starts_with(&option_lower) || option_lower.starts_with(&typed_lower))
        {
            // "ortho-rectified" for "ortho", "cloudCover" for "cloudCoverage".
            score = 0.75;
        }
        let option_chars = option_lower.chars().count();
        // A similarity of 0.5 needs lengths within a factor of two of each other.
        let comparable = typed_chars <= DISTANCE_MAX_CHARS
            && option_chars <= DISTANCE_MAX_CHARS
            && typed_chars.max(option_chars) <= 2 * typed_chars.min(option_chars);
        if score < 1.0 && comparable && work.distances < DISTANCE_MAX_OPTIONS {
            work.distances += 1;
            work.cells += (typed_chars + 2) * (option_chars + 2);
            let similarity = strsim::normalized_damerau_levenshtein(&typed_lower, &option_lower);
            score = f64::max(score, similarity);
        }
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, option));
        }
    }
    let found = best
        .filter(|(score, _)| *score >= 0.5)
        .map(|(_, option)| option);
    (found, work)
}

/// The work of one [`closest`] call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct DistanceWork {
    distances: usize,
    cells: usize,
}

/// "1 character" / "200 characters".
pub(crate) fn plural(count: u64, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// A number without a useless `.0`.
pub(crate) fn show_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else if number != 0.0 && !(1e-6..1e15).contains(&number.abs()) {
        // Rust's `{}` writes 1e308 as 309 digits: the exponent form is what a person wrote.
        format!("{number:e}")
    } else {
        format!("{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::{closest, closest_counted, DISTANCE_MAX_CHARS, DISTANCE_MAX_OPTIONS};

    /// Issue 15's case: 20,000 values of 1,000 characters and a 5,000-character wrong value.
    /// No edit distance is computed at all (every length is beyond the cap): the work is the
    /// lowercasing and prefix tests, linear in the enum's size.
    #[test]
    fn a_long_enum_of_long_values_computes_no_edit_distance() {
        let values: Vec<String> = (0..20_000)
            .map(|i| format!("{i:05}-{}", "abcdefghij".repeat(100))[..1000].to_string())
            .collect();
        let wrong = format!("{}-{}", "z".repeat(2500), "abcdefghij".repeat(250));
        let (found, work) = closest_counted(&wrong, values.iter().map(String::as_str));
        assert_eq!(found, None);
        assert_eq!(work.distances, 0);
        // One value a typo away is still found, by prefix, whatever its length.
        let near = &values[12_345][..999];
        let (found, _) = closest_counted(near, values.iter().map(String::as_str));
        assert_eq!(found, Some(values[12_345].as_str()));
    }

    /// 20,000 short values, all comparable with the typed one: the distances stop at the cap,
    /// each table at most (64 + 2)² cells.
    #[test]
    fn a_long_enum_of_short_values_computes_a_bounded_number_of_distances() {
        let values: Vec<String> = (0..20_000).map(|i| format!("value-{i:05}-abc")).collect();
        let (_, work) = closest_counted("valeu-19999-abd", values.iter().map(String::as_str));
        assert_eq!(work.distances, DISTANCE_MAX_OPTIONS);
        assert!(work.cells <= DISTANCE_MAX_OPTIONS * (DISTANCE_MAX_CHARS + 2).pow(2));
    }

    #[test]
    fn suggests_the_value_a_typo_or_a_longer_word_meant() {
        let options = ["primary", "projected", "ortho"];
        assert_eq!(closest("ortho-rectified", options), Some("ortho"));
        assert_eq!(closest("Ortho", options), Some("ortho"));
        assert_eq!(closest("projceted", options), Some("projected"));
        assert_eq!(closest("xyz", options), None);
        assert_eq!(
            closest("cloudCover", ["cloudCoverage", "incidenceAngle"]),
            Some("cloudCoverage")
        );
    }
}
