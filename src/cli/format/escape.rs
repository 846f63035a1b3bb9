//! Escaping of untrusted text (file names, values quoted in messages, product titles from the
//! API) before it reaches a terminal or a CI log: control characters and bidirectional
//! overrides become visible `\u{..}` escapes, so that a newline cannot start a forged
//! `::error` workflow command and `ESC [` cannot drive the terminal.

use std::borrow::Cow;

/// True for characters that must not be printed raw: C0 controls (tab, newline and carriage
/// return included), DEL, C1 controls, and the Unicode bidirectional embedding, override and
/// isolate characters (the "Trojan Source" set, CVE-2021-42574).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` with every unsafe character written as `\n`, `\t`, `\r` or `\u{XX}`; the
/// backslash itself is left alone (JSON values show as written in the file).
pub fn control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forged_commands_and_escapes_are_neutralised() {
        assert_eq!(
            control("a\n::error file=x::pwned"),
            "a\\n::error file=x::pwned"
        );
        assert_eq!(control("\x1b[31mred"), "\\u{1b}[31mred");
        assert_eq!(control("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(control("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert!(matches!(control("Pléiades 東京"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(text in "\\PC*|[\\x00-\\x1f\\x7f-\\x9f\u{202a}-\u{202e}a-z:\n]*") {
            let escaped = control(&text);
            prop_assert!(!escaped.chars().any(is_unsafe), "{:?}", escaped);
            prop_assert!(!escaped.contains('\n'));
            // Safe text passes through unchanged.
            if !text.chars().any(is_unsafe) {
                prop_assert_eq!(escaped.as_ref(), text.as_str());
            }
        }
    }
}
