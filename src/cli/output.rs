//! Where a report goes (standard output, `--output-file`, or standard error) and whether it
//! is coloured: `--color auto|always|never`, and for `auto` the conventions of
//! <https://force-color.org> (`FORCE_COLOR`), `CLICOLOR_FORCE` and <https://no-color.org>
//! (`NO_COLOR`, only when non-empty). Formatters always write styled text; when colour is
//! off, `anstream::StripStream` removes the escapes on the way out.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

/// `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, unless `NO_COLOR` is set (non-empty); always when
    /// `FORCE_COLOR` or `CLICOLOR_FORCE` is set (non-empty, not `0`), as in CI logs.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The environment variables that decide `auto`, as read (`None`: unset).
#[derive(Clone, Debug, Default)]
pub struct ColorEnv {
    pub no_color: Option<String>,
    pub force_color: Option<String>,
    pub clicolor_force: Option<String>,
    pub term: Option<String>,
}

impl ColorEnv {
    /// The process's environment.
    pub fn current() -> ColorEnv {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        ColorEnv {
            no_color: var("NO_COLOR"),
            force_color: var("FORCE_COLOR"),
            clicolor_force: var("CLICOLOR_FORCE"),
            term: var("TERM"),
        }
    }
}

/// Whether to colour. Order: the flag; then forcing variables (they exist to override
/// detection in CI); then `NO_COLOR`; then "is it a terminal that is not `dumb`".
pub fn use_color(choice: ColorChoice, env: &ColorEnv, is_terminal: bool) -> bool {
    let set = |value: &Option<String>| {
        value
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    };
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set(&env.force_color) || set(&env.clicolor_force) {
                true
            } else if env.no_color.as_deref().is_some_and(|v| !v.is_empty()) {
                false
            } else {
                is_terminal && env.term.as_deref() != Some("dumb")
            }
        }
    }
}

/// A report's destination.
pub struct Output {
    writer: Box<dyn Write>,
}

impl Output {
    /// `path` (created or truncated) or standard output.
    ///
    /// # Errors
    /// `PATH: cannot create the output file: reason`.
    pub fn open(path: Option<&Path>, color: ColorChoice) -> Result<Output, String> {
        match path {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    format!("{}: cannot create the output file: {e}", path.display())
                })?;
                Ok(Output::new(
                    Box::new(io::BufWriter::new(file)),
                    use_color(color, &ColorEnv::current(), false),
                ))
            }
            None => {
                let stdout = io::stdout();
                let terminal = stdout.is_terminal();
                Ok(Output::new(
                    Box::new(io::BufWriter::new(stdout)),
                    use_color(color, &ColorEnv::current(), terminal),
                ))
            }
        }
    }

    /// Standard error.
    pub fn stderr(color: ColorChoice) -> Output {
        let stderr = io::stderr();
        let terminal = stderr.is_terminal();
        Output::new(
            Box::new(stderr),
            use_color(color, &ColorEnv::current(), terminal),
        )
    }

    fn new(raw: Box<dyn Write>, color: bool) -> Output {
        let writer: Box<dyn Write> = if color {
            raw
        } else {
            // Buffered in front too: the stripper's cost is per write call, and formatters
            // write token by token.
            Box::new(io::BufWriter::with_capacity(
                64 * 1024,
                anstream::StripStream::new(raw),
            ))
        };
        Output { writer }
    }

    /// The same destination without escape-sequence stripping, for formats that escape
    /// control characters themselves (JSON: `\u001b`), where stripping finds nothing and
    /// costs a scan of every byte.
    pub fn unstripped(path: Option<&Path>) -> Result<Output, String> {
        Output::open(path, ColorChoice::Always)
    }

    /// Flushes; a write error surfaces here if it did not before.
    ///
    /// # Errors
    /// The write error (a closed pipe, a full disk).
    pub fn finish(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Writes `text` to standard output and flushes; for the subcommands that print one
/// result. Returns the exit status: a write error (closed pipe, full disk) is a failure.
pub fn print(text: &str) -> i32 {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => super::EXIT_OK,
        Err(error) => {
            if error.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("tasking-ls: cannot write to standard output: {error}");
            }
            super::EXIT_FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no: Option<&str>, force: Option<&str>, clicolor: Option<&str>) -> ColorEnv {
        ColorEnv {
            no_color: no.map(str::to_string),
            force_color: force.map(str::to_string),
            clicolor_force: clicolor.map(str::to_string),
            term: Some("xterm".to_string()),
        }
    }

    #[test]
    fn every_combination_follows_the_documented_order() {
        let values = [None, Some(""), Some("0"), Some("1")];
        for choice in [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never] {
            for no in values {
                for force in values {
                    for clicolor in values {
                        for terminal in [false, true] {
                            let on = |v: Option<&str>| matches!(v, Some("1"));
                            let expected = match choice {
                                ColorChoice::Always => true,
                                ColorChoice::Never => false,
                                ColorChoice::Auto => {
                                    on(force)
                                        || on(clicolor)
                                        || (!matches!(no, Some("0") | Some("1")) && terminal)
                                }
                            };
                            let got = use_color(choice, &env(no, force, clicolor), terminal);
                            assert_eq!(
                                got, expected,
                                "{choice:?} {no:?} {force:?} {clicolor:?} {terminal}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_empty_no_color_does_not_turn_colour_off() {
        assert!(use_color(
            ColorChoice::Auto,
            &env(Some(""), None, None),
            true
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            &env(Some("1"), None, None),
            true
        ));
    }

    #[test]
    fn stripping_removes_escapes_only() {
        let mut buffer = Vec::new();
        {
            let mut out = anstream::StripStream::new(&mut buffer);
            out.write_all(b"\x1b[1;31merror\x1b[0m: x").unwrap();
        }
        assert_eq!(buffer, b"error: x");
    }
}
