//! quote, submit, status, quotation and feasibility subcommands.
