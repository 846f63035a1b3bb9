//! Running the `tasking-ls` binary in a scratch home: `$HOME` is the given folder (its `config/`
//! and `cache/` are the XDG folders) and every variable through which the developer's own
//! credentials, API, proxy or logging could leak into a run is removed.

use std::path::Path;
use std::process::{Command, Output};

/// Every variable that would let the user's own set-up leak into a run.
pub const CLEARED: &[&str] = &[
    "UP42_TOKEN",
    "UP42_USERNAME",
    "UP42_PASSWORD",
    "UP42_PROJECT_ID",
    "UP42_PROJECT_API_KEY",
    "UP42_API_URL",
    "UP42_AUTH_URL",
    "UP42_WORKSPACE_ID",
    "TASKING_LS_CREDENTIALS",
    "TASKING_LS_ELEMENTS_URL",
    "TASKING_LS_NOW",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "RUST_LOG",
];

/// Runs the binary with `args` in `home` (also its working directory), with `env` set on top
/// of the cleared environment and a 5 s API timeout.
pub fn run_in_home(home: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tasking-ls"));
    command
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("UP42_TIMEOUT", "5");
    for name in CLEARED {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run tasking-ls")
}

/// stdout followed by stderr, decoded lossily.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
