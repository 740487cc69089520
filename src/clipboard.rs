//! Copying the link URL where staff paste it: the native clipboard (X11, Wayland, macOS,
//! Windows through arboard) plus an OSC 52 escape that terminals, SSH sessions and tmux pass to
//! the local clipboard. The runtime writes the OSC 52 sequence once, between frames.
//!
//! Without a display (SSH, CI) the native clipboard is simply absent: not an error, OSC 52 alone.

use base64::Engine;

/// How a copy went; the wording is honest about what the app can know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The native clipboard took it (and OSC 52 was sent too).
    System,
    /// Only OSC 52 was sent: the terminal may or may not have taken it.
    Osc52,
}

impl CopyOutcome {
    pub fn message(self) -> &'static str {
        match self {
            CopyOutcome::System => "Copied to the system clipboard",
            CopyOutcome::Osc52 => "Sent to your terminal's clipboard (OSC 52) — paste to check",
        }
    }
}

/// A clipboard the console can write. The whole-app tests record copies with one of their own.
pub trait Clipboard: Send {
    /// Puts `text` on the native clipboard; `false` when there is none.
    fn set(&mut self, text: &str) -> bool;
    /// Clears the native clipboard if it still holds `text` (an expired link).
    fn clear_if(&mut self, text: &str);
}

/// The native clipboard. One `arboard::Clipboard` lives as long as the console: on X11 the text
/// is served by this process and disappears when the handle is dropped.
pub struct Native {
    inner: Option<arboard::Clipboard>,
}

/// Whether a native clipboard can exist here: a display on Linux, always on macOS and Windows.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        || cfg!(any(target_os = "macos", target_os = "windows"))
}

impl Native {
    pub fn new() -> Native {
        let inner = if has_display() {
            arboard::Clipboard::new().ok()
        } else {
            None
        };
        Native { inner }
    }
}

impl Default for Native {
    fn default() -> Self {
        Native::new()
    }
}

impl Clipboard for Native {
    fn set(&mut self, text: &str) -> bool {
        match &mut self.inner {
            Some(c) => c.set_text(text.to_string()).is_ok(),
            None => false,
        }
    }

    fn clear_if(&mut self, text: &str) {
        if self
            .inner
            .as_mut()
            .and_then(|c| c.get_text().ok())
            .as_deref()
            == Some(text)
            && let Some(c) = &mut self.inner
        {
            let _ = c.clear();
        }
    }
}

/// The hidden subcommand that keeps a copied text on the clipboard after `link --copy` returns.
pub const SERVE_COMMAND: &str = "__serve-clipboard";

/// Copies `text` so that it stays on the native clipboard after this process exits.
///
/// - Linux (X11, Wayland): the clipboard is served by the process that set it, so a small
///   background copy of this program (`__serve-clipboard`) holds it until another program takes
///   the clipboard or `keep_for` ends (the link's expiry), then clears it if it is still ours.
/// - macOS and Windows: the system keeps clipboard contents after the process exits.
///
/// Returns whether the native clipboard took it.
pub fn copy_and_keep(text: &str, keep_for: std::time::Duration) -> bool {
    if !has_display() {
        return false;
    }
    if cfg!(target_os = "linux") {
        spawn_server(text, keep_for).unwrap_or(false)
    } else {
        arboard::Clipboard::new()
            .and_then(|mut c| c.set_text(text.to_string()))
            .is_ok()
    }
}

fn spawn_server(text: &str, keep_for: std::time::Duration) -> std::io::Result<bool> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(std::env::current_exe()?);
    // It may outlive this process by an hour: it gets only what the display needs, never the API
    // key or anything else of ours, and the text comes on a pipe, never in its arguments.
    cmd.env_clear();
    for (name, value) in helper_env(|n| std::env::var_os(n)) {
        cmd.env(name, value);
    }
    cmd.arg(SERVE_COMMAND)
        .arg(keep_for.as_secs().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        // Its own process group: Ctrl-C in the shell and the terminal closing leave it alone.
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    Ok(line.trim() == "ready")
}

/// The variables the clipboard helper is started with: the display's (`DISPLAY`,
/// `WAYLAND_DISPLAY`, `XDG_RUNTIME_DIR`, `XAUTHORITY`), and `HOME` only when `XAUTHORITY` is
/// unset (X11 then reads `~/.Xauthority`). Nothing else.
pub fn helper_env(
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Vec<(&'static str, std::ffi::OsString)> {
    let mut env: Vec<(&'static str, std::ffi::OsString)> = [
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "XDG_RUNTIME_DIR",
        "XAUTHORITY",
    ]
    .into_iter()
    .filter_map(|n| var(n).map(|v| (n, v)))
    .collect();
    if var("XAUTHORITY").is_none()
        && var("DISPLAY").is_some()
        && let Some(home) = var("HOME")
    {
        env.push(("HOME", home));
    }
    env
}

/// The body of `__serve-clipboard SECONDS`: reads the text on stdin, puts it on the clipboard,
/// says `ready`, and keeps it there until it is replaced or the time is up.
pub fn serve(seconds: u64) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let Ok(mut clip) =
        arboard::Clipboard::new().and_then(|mut c| c.set_text(text.clone()).map(|()| c))
    else {
        // The parent reads this one line (see `copy_and_keep`).
        println!("error");
        return Ok(());
    };
    {
        let mut out = std::io::stdout();
        writeln!(out, "ready")?;
        out.flush()?;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if clip.get_text().ok().as_deref() != Some(text.as_str()) {
            return Ok(()); // another program took the clipboard
        }
    }
    let _ = clip.clear();
    Ok(())
}

/// Writes the OSC 52 sequence straight to the controlling terminal, if there is one.
pub fn osc52_to_tty(text: &str) -> bool {
    use std::io::Write;
    let seq = osc52(text, in_tmux());
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .and_then(|mut tty| tty.write_all(seq.as_bytes()).and_then(|()| tty.flush()))
        .is_ok()
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. Inside tmux the
/// plain form is followed by one wrapped for passthrough: tmux takes the plain one with
/// `set -g set-clipboard on` (and forwards it to the outer terminal), or passes the wrapped one
/// through with `set -g allow-passthrough on`.
pub fn osc52(text: &str, tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if tmux {
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    }
}

/// Whether we run inside tmux.
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_plain_and_for_tmux() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52("hi", true),
            "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }

    #[test]
    fn helper_gets_only_the_display_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let env = helper_env(vars(&[
            ("DISPLAY", ":1"),
            ("VITAL_API_KEY", "sk_us_secret"),
            ("HOME", "/home/a"),
            ("PATH", "/bin"),
        ]));
        let names: Vec<&str> = env.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["DISPLAY", "HOME"], "HOME for ~/.Xauthority");
        let env = helper_env(vars(&[
            ("WAYLAND_DISPLAY", "wayland-0"),
            ("XDG_RUNTIME_DIR", "/run/user/1"),
            ("XAUTHORITY", "/tmp/x"),
            ("DISPLAY", ":1"),
            ("HOME", "/home/a"),
        ]));
        let names: Vec<&str> = env.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "XDG_RUNTIME_DIR",
                "XAUTHORITY"
            ]
        );
    }
}
