//! A time window written as one RFC 3339 interval string, `start/end` (ISO 8601-1 §5.5.2,
//! profiled by RFC 3339 §5.6 for each end): both ends are RFC 3339 date-times with a zone,
//! one end may be open (`..`, or empty, as OGC API - Features `datetime` allows, read
//! 2026-12-06 at <https://docs.ogc.org/is/17-069r4/17-069r4.html#_parameter_datetime>), and
//! the end comes after the start. Diagnostics point at the offending end inside the string.

use chrono::{DateTime, Utc};

use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{Document, Node, NodeKind, TextRange};

/// One end of an interval, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `..` or empty.
    Open,
    At(DateTime<Utc>),
}

/// An interval read from its text, with the byte ranges of its two ends in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start: End,
    pub end: End,
    /// Byte ranges of the start and end texts, relative to the interval text.
    pub start_span: (usize, usize),
    pub end_span: (usize, usize),
}

/// Why an interval text is not one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntervalError {
    /// Byte range in the interval text the fault is about.
    pub span: (usize, usize),
    pub message: String,
}

/// Reads `start/end`. Errors: no `/`; an end that is not an RFC 3339 date-time (a missing
/// zone said so); both ends open.
pub fn parse_interval(text: &str) -> Result<Interval, IntervalError> {
    let Some(slash) = text.find('/') else {
        return Err(IntervalError {
            span: (0, text.len()),
            message: format!(
                "'{text}' is not an interval: write start/end, two RFC 3339 date-times such as \
                 2027-01-01T00:00:00Z/2027-01-31T23:59:59Z (one end may be '..')"
            ),
        });
    };
    let start_span = (0, slash);
    let end_span = (slash + 1, text.len());
    let start = read_end(text, start_span, "start")?;
    let end = read_end(text, end_span, "end")?;
    if start == End::Open && end == End::Open {
        return Err(IntervalError {
            span: (0, text.len()),
            message: "both ends of the interval are open ('..'); at most one may be".to_string(),
        });
    }
    Ok(Interval {
        start,
        end,
        start_span,
        end_span,
    })
}

fn read_end(text: &str, span: (usize, usize), which: &str) -> Result<End, IntervalError> {
    let part = &text[span.0..span.1];
    if part.is_empty() || part == ".." {
        return Ok(End::Open);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(part) {
        return Ok(End::At(at.with_timezone(&Utc)));
    }
    // Say what is wrong: a date-time without a zone is the common mistake.
    let without_zone = chrono::NaiveDateTime::parse_from_str(part, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(part, "%Y-%m-%d %H:%M:%S%.f"))
        .is_ok();
    let date_only = chrono::NaiveDate::parse_from_str(part, "%Y-%m-%d").is_ok();
    let message = if without_zone {
        format!(
            "the interval's {which} '{part}' has no time zone; RFC 3339 requires one: add 'Z' \
             for UTC or an offset such as +02:00"
        )
    } else if date_only {
        format!(
            "the interval's {which} '{part}' is a date without a time; write a date-time such \
             as {part}T00:00:00Z"
        )
    } else {
        format!(
            "the interval's {which} '{part}' is not an RFC 3339 date-time (like \
             2027-01-01T00:00:00Z) nor '..' (open)"
        )
    };
    Err(IntervalError { span, message })
}

/// The byte range in the document of `span` (relative to the string's value) when the
/// string literal holds no escape (its text is then its value, one byte after the quote);
/// else the whole literal.
fn span_in(doc: &Document, node: &Node, value: &str, span: (usize, usize)) -> TextRange {
    let raw = doc.slice(node.range);
    if raw.len() == value.len() + 2 && &raw[1..raw.len() - 1] == value {
        let base = node.range.start as usize + 1;
        TextRange::new(base + span.0, base + span.1)
    } else {
        node.range
    }
}

/// Checks the interval at `node` (named `label` in messages): its syntax (`schema.format`,
/// `schema.type`), its order (`dates.order`, with a swap fix when both ends are closed) and
/// a start in the past (`dates.past`, a warning, against `now`).
pub(super) fn check(
    doc: &Document,
    node: &Node,
    label: &str,
    now: DateTime<Utc>,
    out: &mut Vec<Diagnostic>,
) {
    let text = match &node.kind {
        NodeKind::String(text) => text.as_str(),
        NodeKind::Error => return,
        _ => {
            out.push(Diagnostic::new(
                Code::SchemaType,
                node.range,
                format!(
                    "{label} must be a string interval start/end (RFC 3339 date-times), found {}",
                    node.type_name()
                ),
            ));
            return;
        }
    };
    let interval = match parse_interval(text) {
        Ok(interval) => interval,
        Err(error) => {
            out.push(Diagnostic::new(
                Code::SchemaFormat,
                span_in(doc, node, text, error.span),
                format!("{label}: {}", error.message),
            ));
            return;
        }
    };
    let start_range = span_in(doc, node, text, interval.start_span);
    let end_range = span_in(doc, node, text, interval.end_span);
    if let (End::At(start), End::At(end)) = (interval.start, interval.end) {
        if end <= start {
            let start_text = &text[interval.start_span.0..interval.start_span.1];
            let end_text = &text[interval.end_span.0..interval.end_span.1];
            let mut diagnostic = Diagnostic::new(
                Code::DatesOrder,
                end_range,
                format!(
                    "{label} ends at {end_text}, not after its start {start_text}; the window \
                     must end after it starts"
                ),
            )
            .with_related(start_range, "the start is here");
            if end < start && start_range != end_range {
                diagnostic = diagnostic.with_fix(
                    Fix::new(
                        "Swap the interval's start and end",
                        vec![
                            Edit {
                                range: start_range,
                                new_text: end_text.to_string(),
                            },
                            Edit {
                                range: end_range,
                                new_text: start_text.to_string(),
                            },
                        ],
                    )
                    .preferred(),
                );
            }
            out.push(diagnostic);
            return;
        }
    }
    if let End::At(start) = interval.start {
        if start < now {
            out.push(Diagnostic::new(
                Code::DatesPast,
                start_range,
                format!(
                    "{label} starts in the past ({}); a satellite cannot be tasked for it",
                    &text[interval.start_span.0..interval.start_span.1]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> End {
        End::At(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    #[test]
    fn closed_and_open_intervals() {
        let i = parse_interval("2027-01-01T00:00:00Z/2027-01-02T00:00:00+02:00").unwrap();
        assert_eq!(i.start, at("2027-01-01T00:00:00Z"));
        assert_eq!(i.end, at("2027-01-01T22:00:00Z"));
        assert_eq!(i.end_span, (21, 46));
        let open = parse_interval("../2027-01-02T00:00:00Z").unwrap();
        assert_eq!(open.start, End::Open);
        let open = parse_interval("2027-01-02T00:00:00Z/").unwrap();
        assert_eq!(open.end, End::Open);
    }

    #[test]
    fn faults_name_the_end() {
        let e = parse_interval("2027-01-01T00:00:00/2027-01-02T00:00:00Z").unwrap_err();
        assert_eq!(e.span, (0, 19));
        assert!(e.message.contains("no time zone"), "{}", e.message);
        let e = parse_interval("2027-01-01T00:00:00Z/2027-13-02T00:00:00Z").unwrap_err();
        assert_eq!(e.span, (21, 41));
        assert!(parse_interval("../..").is_err());
        assert!(parse_interval("2027-01-01T00:00:00Z").is_err());
    }
}
