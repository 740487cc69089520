//! The built binary as the command-line tests run it: with none of the developer's settings.

use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_vital-onboard");

/// `vital-onboard` with no `VITAL_*` setting of the caller's, no stored key of the developer's
/// own (no keychain, no config home) and stdin closed; tests add what they need.
pub fn clean_command() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("VITAL_") {
            c.env_remove(k);
        }
    }
    c.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/vital-onboard-test-bus",
    );
    c.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("vital-onboard-tests-no-config-home"),
    );
    c.env_remove("TMUX");
    c.stdin(Stdio::null());
    c
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
