//! `dates.*`: the acquisition window must end after it starts, and should not start in the past.

use chrono::{DateTime, Utc};

use super::envelope::Request;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{Document, Node};

fn read_date<'a>(params: &'a Node, key: &str) -> Option<(DateTime<Utc>, &'a Node)> {
    let node = params.get(key)?;
    let date = DateTime::parse_from_rfc3339(node.as_str()?.trim()).ok()?;
    Some((date.with_timezone(&Utc), node))
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
    if let (Some((start_at, start_node)), Some((end_at, end_node))) = (start, end) {
        if end_at <= start_at {
            let mut diagnostic = Diagnostic::new(
                Code::DatesOrder,
                end_node.range,
                format!(
                    "acquisitionEnd {} is not after acquisitionStart {}; the acquisition window must end after it starts",
                    end_at.to_rfc3339(),
                    start_at.to_rfc3339()
                ),
            );
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
    if let Some((start_at, start_node)) = start {
        if start_at < now {
            out.push(Diagnostic::new(
                Code::DatesPast,
                start_node.range,
                format!(
                    "acquisitionStart {} is in the past; a satellite can only be tasked for a window that has not started",
                    start_at.to_rfc3339()
                ),
            ));
        }
    }
}
