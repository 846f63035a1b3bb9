//! How values, allowed-value lists and suggestions read in messages.

use serde_json::Value;

use crate::schema::AllowedValue;

/// A value as a message shows it: strings in single quotes, everything else as compact JSON.
pub(crate) fn show_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        Value::Array(items) if items.len() > 4 => format!("an array of {} items", items.len()),
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

/// The option closest to `typed`, when one is close enough to be what the user meant.
pub fn closest<'a>(typed: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for option in options {
        let option_lower = option.to_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(&typed_lower, &option_lower);
        if typed_lower == option_lower {
            score = 2.0;
        } else if !option_lower.is_empty()
            && !typed_lower.is_empty()
            && (typed_lower.starts_with(&option_lower) || option_lower.starts_with(&typed_lower))
        {
            // "ortho-rectified" for "ortho", "cloudCover" for "cloudCoverage".
            score = score.max(0.75);
        }
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, option));
        }
    }
    best.filter(|(score, _)| *score >= 0.5)
        .map(|(_, option)| option)
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
    } else {
        format!("{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

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
