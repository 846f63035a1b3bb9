//! The command line: subcommands and output formats.

pub mod orders;
