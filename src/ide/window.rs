//! The acquisition window (`params.acquisitionStart` → `params.acquisitionEnd`, RFC 3339
//! date-times) and how its length reads, for hover and inlay hints alike.

use chrono::{DateTime, Utc};

use crate::document::Node;

/// The window's start and end in UTC; `None` unless both are RFC 3339 date-times.
pub(crate) fn acquisition_window(params: &Node) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let date = |key: &str| {
        DateTime::parse_from_rfc3339(params.get(key)?.as_str()?)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    };
    Some((date("acquisitionStart")?, date("acquisitionEnd")?))
}

/// "61 days", "2.5 days", "6.0 hours"; `None` when the end is not after the start.
pub(crate) fn window_length(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<String> {
    let seconds = (end - start).num_seconds();
    if seconds <= 0 {
        return None;
    }
    let days = seconds as f64 / 86_400.0;
    Some(if days.fract() == 0.0 {
        let days = days as i64;
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    } else if days < 1.0 {
        format!("{:.1} hours", seconds as f64 / 3600.0)
    } else {
        format!("{days:.1} days")
    })
}
