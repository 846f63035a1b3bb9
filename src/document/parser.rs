//! The error-tolerant JSON parser: it never fails, reports every syntax error it finds and
//! recovers, so completion and hover work on half-typed documents.

use super::tree::ParsedJson;

pub fn parse(_text: &str) -> ParsedJson {
    unimplemented!("parser")
}
