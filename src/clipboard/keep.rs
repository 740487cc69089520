//! Keeping a copied link on the clipboard after `link --copy` returns: on Linux a small
//! background copy of this program (`__serve-clipboard`) serves it until another program takes
//! the clipboard or the link expires; it gets only the display's variables and the text on a pipe.

use std::time::Duration;

use super::{Clipboard, Native, NativeCopy, has_display};

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

/// The body of `__serve-clipboard SECONDS`: reads the text on stdin, puts it on the clipboard
/// (trying again as the console does), says `ready`, and keeps it there until it is replaced or
/// the time is up.
pub fn serve(seconds: u64) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let mut clip = Native::new();
    if !matches!(clip.set(&text), NativeCopy::Took { .. }) {
        // The parent reads this one line (see `copy_and_keep`).
        println!("error");
        return Ok(());
    }
    {
        let mut out = std::io::stdout();
        writeln!(out, "ready")?;
        out.flush()?;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        if !clip.holds(&text) {
            return Ok(()); // another program took the clipboard
        }
    }
    clip.clear_if(&text);
    Ok(())
}
