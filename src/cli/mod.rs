//! The command line: subcommands and output formats. Thin: the logic lives in the core.

pub mod aoi;
pub mod elements;
pub mod fix;
pub mod format;
pub mod opportunities;
pub mod orders;
pub mod output;
pub mod preview;
pub mod products;
pub mod report;
pub mod rule;
pub mod validate;

pub use crate::config::{load_store, GlobalOptions, EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
