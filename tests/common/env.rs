//! The one environment every test gives the binary it starts, whichever way it starts it
//! (`std::process::Command`, a pseudo-terminal's `CommandBuilder`, a shell, `script`, tmux,
//! `dbus-run-session`): none of the caller's settings, and a home of its own.
//!
//! - Removed: every `VITAL_*` variable (`VITAL_ONBOARD_*` included), every `XDG_*` directory,
//!   the display (`DISPLAY`, `WAYLAND_DISPLAY`), tmux (`TMUX`, `TMUX_PANE`) and colour choices
//!   (`NO_COLOR`, `COLORTERM`).
//! - Set: `HOME` to an empty folder of this spawn's own (so the config file, the audit log, the
//!   key files and the logs the binary looks for by default are all under it), and the session
//!   bus to an address that leads nowhere (no keychain answers).
//!
//! Tests set what they need after [`TestEnv::apply`]. Homes are under
//! `$TMPDIR/vital-onboard-test-homes/PID-N`; those of test processes that have ended are removed
//! when the next test process makes its first one.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The session bus address that no keychain answers on.
pub const NO_BUS: &str = "unix:path=/nonexistent/vital-onboard-test-bus";

/// Whether the caller's variable `name` is kept from the binary.
fn removed(name: &str) -> bool {
    name.starts_with("VITAL_")
        || name.starts_with("XDG_")
        || matches!(
            name,
            "DISPLAY" | "WAYLAND_DISPLAY" | "TMUX" | "TMUX_PANE" | "NO_COLOR" | "COLORTERM"
        )
}

/// A command whose environment can be edited: `std::process::Command` and portable-pty's
/// `CommandBuilder`.
pub trait Env {
    fn set_var(&mut self, name: &OsStr, value: &OsStr);
    fn remove_var(&mut self, name: &OsStr);
}

impl Env for std::process::Command {
    fn set_var(&mut self, name: &OsStr, value: &OsStr) {
        self.env(name, value);
    }

    fn remove_var(&mut self, name: &OsStr) {
        self.env_remove(name);
    }
}

impl Env for portable_pty::CommandBuilder {
    fn set_var(&mut self, name: &OsStr, value: &OsStr) {
        self.env(name, value);
    }

    fn remove_var(&mut self, name: &OsStr) {
        self.env_remove(name);
    }
}

/// The clean environment of one spawn (or of several that share a home, as a tmux server's
/// commands do).
#[derive(Debug, Clone)]
pub struct TestEnv {
    home: PathBuf,
}

impl TestEnv {
    /// With a new empty home.
    pub fn new() -> TestEnv {
        TestEnv::with_home(&fresh_home())
    }

    /// With `home` as HOME (a test that looks at what the binary wrote there).
    pub fn with_home(home: &Path) -> TestEnv {
        TestEnv {
            home: home.to_path_buf(),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Removes the caller's settings from `cmd` and gives it this home and no keychain.
    pub fn apply<C: Env>(&self, cmd: &mut C) {
        self.apply_over(cmd, std::env::vars_os().map(|(name, _)| name));
    }

    /// As [`apply`](TestEnv::apply), for a caller whose variables are named `caller`.
    pub fn apply_over<C: Env>(&self, cmd: &mut C, caller: impl Iterator<Item = OsString>) {
        for name in caller {
            if removed(&name.to_string_lossy()) {
                cmd.remove_var(&name);
            }
        }
        cmd.set_var("HOME".as_ref(), self.home.as_os_str());
        cmd.set_var("DBUS_SESSION_BUS_ADDRESS".as_ref(), NO_BUS.as_ref());
    }
}

/// `cmd` with a clean environment and a home of its own.
pub fn clean<C: Env>(mut cmd: C) -> C {
    TestEnv::new().apply(&mut cmd);
    cmd
}

/// A new empty folder under `$TMPDIR/vital-onboard-test-homes`.
fn fresh_home() -> PathBuf {
    static SWEPT: Once = Once::new();
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join("vital-onboard-test-homes");
    SWEPT.call_once(|| sweep(&root));
    let pid = std::process::id();
    let home = root.join(format!("{pid}-{}", MADE.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir_all(&home).expect("a test home");
    home
}

/// Removes the homes of test processes that are no longer running.
fn sweep(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.split('-').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let gone = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None)
            == Err(nix::errno::Errno::ESRCH);
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
