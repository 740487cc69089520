//! A private tmux server (its own `-L` socket, killed when dropped) for the tests that run the
//! binary inside tmux. `.ci/run` installs tmux, so in CI these tests always run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::env::TestEnv;

pub struct Tmux {
    pub socket: String,
    /// The server's environment, so the binary's in every window: the clean one of
    /// [`super::env`] (tmux adds its own `TMUX` and `TERM` in each window).
    env: TestEnv,
}

impl Tmux {
    /// A server named after the test and this process, so parallel tests do not meet.
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("vo-{name}-{}", std::process::id()),
            env: TestEnv::new(),
        }
    }

    /// Runs a tmux command on this server; its stdout. The first one starts the server.
    pub fn run(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("tmux");
        self.env.apply(&mut cmd);
        let out = cmd
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Starts the server with one 160x48 session `vo` (no tmux config file) running `command`,
    /// with `vars` (`NAME=value`) added to the clean environment.
    pub fn start(&self, vars: &[&str], command: &[&str]) {
        let mut args = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "vo",
            "-x",
            "160",
            "-y",
            "48",
        ];
        for var in vars {
            args.extend(["-e", var]);
        }
        args.extend(command);
        self.run(&args);
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
    super::tools::present(&["tmux"], what, "tmux")
}
