//! Which diagnostics are reported and at which severity: `[lint] select`/`ignore`,
//! `[lint.severity]`, and the `--select`/`--ignore` flags. Selectors are codes, the part of
//! codes before a dot (`geometry` means every `geometry.*` code) or `ALL`, as in ruff.

use std::collections::BTreeMap;

use super::file::selector_matches;
use crate::check::{Code, Diagnostic, Severity};

/// The lint rules in force.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintSettings {
    /// When set, only codes some selector covers are reported.
    pub select: Option<Vec<String>>,
    /// Codes covered by one of these are never reported (wins over `select`).
    pub ignore: Vec<String>,
    /// Severity per selector; the longest selector covering a code wins.
    pub severity: BTreeMap<String, Severity>,
}

impl LintSettings {
    /// True when diagnostics with `code` are reported.
    pub fn enabled(&self, code: Code) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|select| select.iter().any(|s| selector_matches(s, code)));
        selected && !self.ignore.iter().any(|s| selector_matches(s, code))
    }

    /// The severity `code` is reported at, given the severity the check chose.
    pub fn severity(&self, code: Code, checked: Severity) -> Severity {
        self.severity
            .iter()
            .filter(|(selector, _)| selector_matches(selector, code))
            .max_by_key(|(selector, _)| {
                if selector.as_str() == "ALL" {
                    0
                } else {
                    selector.len()
                }
            })
            .map_or(checked, |(_, severity)| *severity)
    }

    /// Drops the diagnostics not enabled and sets the severity of the others.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.select.is_none() && self.ignore.is_empty() && self.severity.is_empty() {
            return;
        }
        diagnostics.retain(|d| self.enabled(d.code));
        for diagnostic in diagnostics {
            diagnostic.severity = self.severity(diagnostic.code, diagnostic.severity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::TextRange;

    fn diagnostic(code: Code) -> Diagnostic {
        Diagnostic::new(code, TextRange::new(0, 1), "m")
    }

    #[test]
    fn every_combination_of_select_and_ignore_filters_as_documented() {
        // Exhaustive over codes and a set of selectors, against the documented rule.
        let selectors = ["ALL", "geometry", "dates.past", "schema", "syntax", "dates"];
        for select in selectors
            .iter()
            .map(|s| Some(vec![s.to_string()]))
            .chain([None])
        {
            for ignore in selectors
                .iter()
                .map(|s| vec![s.to_string()])
                .chain([vec![]])
            {
                let lint = LintSettings {
                    select: select.clone(),
                    ignore: ignore.clone(),
                    severity: BTreeMap::new(),
                };
                for code in Code::ALL {
                    let name = code.as_str();
                    let covers =
                        |s: &String| s == "ALL" || name == s || name.starts_with(&format!("{s}."));
                    let expected = select.as_ref().is_none_or(|list| list.iter().any(covers))
                        && !ignore.iter().any(covers);
                    assert_eq!(lint.enabled(code), expected, "{select:?} {ignore:?} {name}");
                }
            }
        }
    }

    #[test]
    fn the_most_specific_severity_wins() {
        let lint = LintSettings {
            severity: BTreeMap::from([
                ("geometry".to_string(), Severity::Warning),
                ("geometry.winding".to_string(), Severity::Error),
                ("ALL".to_string(), Severity::Warning),
            ]),
            ..LintSettings::default()
        };
        assert_eq!(
            lint.severity(Code::GeometryWinding, Severity::Warning),
            Severity::Error
        );
        assert_eq!(
            lint.severity(Code::GeometryUnclosedRing, Severity::Error),
            Severity::Warning
        );
        assert_eq!(
            lint.severity(Code::Syntax, Severity::Error),
            Severity::Warning
        );
        let mut found = vec![diagnostic(Code::GeometryWinding), diagnostic(Code::Syntax)];
        lint.apply(&mut found);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[1].severity, Severity::Warning);
    }
}
