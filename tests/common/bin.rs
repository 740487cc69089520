//! The built binary as the command-line tests run it: with none of the developer's settings.

use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_vital-onboard");

/// `vital-onboard` in a clean environment (see [`super::env`]: no `VITAL_*` setting of the
/// caller's, a home of its own, no keychain) with stdin closed; tests add what they need.
pub fn clean_command() -> Command {
    let mut c = super::env::clean(Command::new(BIN));
    c.stdin(Stdio::null());
    c
}

/// As [`clean_command`], with `VITAL_ONBOARD_CONFIG` naming an empty config file.
pub fn no_config_command() -> Command {
    let mut c = clean_command();
    c.env("VITAL_ONBOARD_CONFIG", empty_config());
    c
}

/// An empty config file (shared by every test: nothing writes it).
pub fn empty_config() -> std::path::PathBuf {
    let cfg = std::env::temp_dir().join("vital-onboard-tests-no-config.toml");
    if !std::fs::metadata(&cfg).is_ok_and(|m| m.len() == 0) {
        std::fs::write(&cfg, "").unwrap();
    }
    cfg
}

/// Runs `c` with `args` off the async runtime (the emulator serves on it meanwhile).
pub async fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args);
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// The exit code, -1 for a signal.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
