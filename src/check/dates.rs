//! `dates.*`: the acquisition window must end after it starts, and should not start in the past.

use chrono::{DateTime, Utc};

use super::envelope::Request;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{Document, Node};

struct Dated<'a> {
    at: DateTime<Utc>,
    text: &'a str,
    node: &'a Node,
}

fn read_date<'a>(params: &'a Node, key: &str) -> Option<Dated<'a>> {
    let node = params.get(key)?;
    let text = node.as_str()?.trim();
    let date = DateTime::parse_from_rfc3339(text).ok()?;
    Some(Dated {
        at: date.with_timezone(&Utc),
        text,
        node,
    })
}

pub(super) fn check(
    doc: &Document,
    request: &Request<'_>,
    now: DateTime<Utc>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(params) = request.params else { return };
    let start = read_date(params, "acquisitionStart");
    let end = read_date(params, "acquisitionEnd");
    if let (Some(start), Some(end)) = (&start, &end) {
        let (start_at, start_node, end_at, end_node) = (start.at, start.node, end.at, end.node);
        if end_at <= start_at {
            let mut diagnostic = Diagnostic::new(
                Code::DatesOrder,
                end_node.range,
                format!(
                    "acquisitionEnd {} is not after acquisitionStart {}; the acquisition window must end after it starts",
                    end.text, start.text
                ),
            )
            .with_related(start_node.range, "acquisitionStart is here");
            if end_at < start_at {
                diagnostic = diagnostic.with_fix(
                    Fix::new(
                        "Swap acquisitionStart and acquisitionEnd",
                        vec![
                            Edit {
                                range: start_node.range,
                                new_text: doc.slice(end_node.range).to_string(),
                            },
                            Edit {
                                range: end_node.range,
                                new_text: doc.slice(start_node.range).to_string(),
                            },
                        ],
                    )
                    .preferred(),
                );
            }
            out.push(diagnostic);
        }
    }
    if let Some(start) = start {
        if start.at < now {
            out.push(Diagnostic::new(
                Code::DatesPast,
                start.node.range,
                format!(
                    "acquisitionStart {} is in the past; a satellite can only be tasked for a window that has not started",
                    start.text
                ),
            ));
        }
    }
}
