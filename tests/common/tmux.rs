//! A private tmux server (its own `-L` socket, killed when dropped) for the tests that run the
//! binary inside tmux. `.ci/run` installs tmux, so in CI these tests always run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
}

impl Tmux {
    /// A server named after the test and this process, so parallel tests do not meet.
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("vo-{name}-{}", std::process::id()),
        }
    }

    /// Runs a tmux command on this server; its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// The text of the window of session `vo`.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "vo"])
    }

    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Whether tmux is installed; in CI it must be. `what` names the test that then did not run.
pub fn present(what: &str) -> bool {
    let present = Command::new("sh")
        .args(["-c", "command -v tmux"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        present || std::env::var_os("CI").is_none(),
        "CI must have tmux (.ci/run installs it)"
    );
    if !present {
        eprintln!("tmux missing: {what} did not run (apt-get install tmux)");
    }
    present
}
