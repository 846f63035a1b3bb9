//! Unit tests of the IDE features; the feature tests live in `tests/ide_*.rs`.
