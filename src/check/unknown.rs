//! An unknown property: its diagnostic on the key, the rename to the closest known key
//! (unless that key is already there) and its removal — the same for the envelope and for
//! `params`.

use super::messages::closest;
use super::syntax::member_with_separator;
use super::{Code, Diagnostic, Fix};
use crate::document::Member;

/// `message` says what is unknown where; `known` are the keys allowed there; `hint` is
/// appended when no known key is close.
pub(super) fn unknown_property(
    members: &[Member],
    index: usize,
    message: String,
    known: &[&str],
    hint: Option<String>,
) -> Diagnostic {
    let member = &members[index];
    let name = &member.key.name;
    let mut diagnostic = Diagnostic::new(Code::SchemaAdditionalProperty, member.key.range, message);
    if let Some(suggestion) = closest(name, known.iter().copied()) {
        diagnostic
            .message
            .push_str(&format!("; did you mean '{suggestion}'?"));
        if !members.iter().any(|m| m.key.name == suggestion) {
            diagnostic = diagnostic.with_fix(
                Fix::replace(
                    format!("Rename to '{suggestion}'"),
                    member.key.range,
                    format!("\"{suggestion}\""),
                )
                .preferred(),
            );
        }
    } else if let Some(hint) = hint {
        diagnostic.message.push_str(&hint);
    }
    diagnostic.with_fix(Fix::replace(
        format!("Remove property '{name}'"),
        member_with_separator(members, index),
        "",
    ))
}
