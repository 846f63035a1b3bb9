//! LSP snippet text: escaping literal text, placeholders and choices, and turning a snippet
//! back into plain text for clients that do not support snippets.

/// Escapes `$`, `}` and `\` so that text is inserted literally.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes one option of a choice `${1|a,b|}`, where `,` and `|` are special as well.
fn escape_choice(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\' | ',' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `${1:text}`.
pub(crate) fn placeholder(text: &str) -> String {
    format!("${{1:{}}}", escape(text))
}

/// `${1|a,b,c|}`.
pub(crate) fn choice<'a>(options: impl IntoIterator<Item = &'a str>) -> String {
    let options: Vec<String> = options.into_iter().map(escape_choice).collect();
    format!("${{1|{}|}}", options.join(","))
}

/// The snippet for a JSON value: a tab stop inside empty strings, arrays and objects, a
/// placeholder over a scalar, and the final cursor after anything larger.
pub(crate) fn value_snippet(json: &str) -> String {
    match json {
        "\"\"" => "\"$1\"".to_string(),
        "[]" => "[$1]".to_string(),
        "{}" => "{$1}".to_string(),
        "[[]]" => "[[$1]]".to_string(),
        _ if json.starts_with('{') || json.starts_with('[') => format!("{}$0", escape(json)),
        _ => match json.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            // The placeholder selects the string's content, so typing replaces it.
            Some(inner) => format!("\"{}\"", placeholder(inner)),
            None => placeholder(json),
        },
    }
}

/// The text a snippet inserts when its tab stops are left as they are: placeholders keep their
/// text, choices their first option, escapes are resolved.
pub fn strip_snippet(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let chars: Vec<char> = snippet.chars().collect();
    let mut i = 0;
    // Each open `${` pushes whether it is a choice, whose options after the first are skipped.
    let mut open: Vec<bool> = Vec::new();
    let mut skipping = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                if !skipping {
                    out.push(chars[i + 1]);
                }
                i += 2;
                continue;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let mut j = i + 2;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                match chars.get(j) {
                    Some(':') => {
                        open.push(false);
                        i = j + 1;
                    }
                    Some('|') => {
                        open.push(true);
                        i = j + 1;
                    }
                    Some('}') => i = j + 1,
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
                continue;
            }
            '$' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                continue;
            }
            ',' if open.last() == Some(&true) => skipping = true,
            '|' if open.last() == Some(&true) && chars.get(i + 1) == Some(&'}') => {
                open.pop();
                skipping = false;
                i += 2;
                continue;
            }
            '}' if open.last() == Some(&false) => {
                open.pop();
            }
            _ if !skipping => out.push(c),
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips() {
        assert_eq!(escape(r"a$b}c\d"), r"a\$b\}c\\d");
        assert_eq!(choice(["mono", "a,b"]), r"${1|mono,a\,b|}");
        assert_eq!(value_snippet("20"), "${1:20}");
        assert_eq!(value_snippet("\"mono\""), "\"${1:mono}\"");
        assert_eq!(value_snippet("{\"a\": 1}"), "{\"a\": 1\\}$0");
        assert_eq!(
            strip_snippet(r#""m": "${1|mono,stereo|}", "n": ${2:20}$0 \$x \}"#),
            r#""m": "mono", "n": 20 $x }"#
        );
        assert_eq!(strip_snippet(r"${1|a\,b,c|}"), "a,b");
        assert_eq!(strip_snippet(&value_snippet("{\"a\": 1}")), "{\"a\": 1}");
    }
}
