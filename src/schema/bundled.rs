//! bundled
