//! `vital-onboard doctor`: checks what staff trip over and says how to fix it, one line each:
//! terminal size for a real (~95-character) link in the staff and patient-facing views, colour
//! support, the clipboard path (X11 / Wayland / OSC 52, tmux settings, SSH), the key source and
//! whether its host accepts the key, the keychain, the clock against the API's `Date` header, the
//! config file, and the history database. Exit 0 when all is well, 1 when something needs
//! attention. The key is never printed; child processes (tmux) get no `VITAL_API_KEY`.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use crate::api::{ApiError, Client, RetryPolicy};
use crate::cli::commands::{Failure, Outcome};
use crate::cli::{ConnectionArgs, login};
use crate::link::qr::{QrMatrix, QrStyle};
use crate::setup::config::{self, Config};
use crate::setup::connection::{Connection, KeySource, display_url};
use crate::setup::keychain::{self, Keychain, KeychainError, OsKeychain};
use crate::text::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// Worth knowing; needs nothing.
    Note,
    Warn,
    Fail,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Note => "note",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        }
    }

    pub fn needs_attention(self) -> bool {
        matches!(self, Level::Warn | Level::Fail)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Level,
    pub detail: String,
    pub fix: Option<String>,
}

fn check(name: &'static str, status: Level, detail: impl Into<String>) -> Check {
    Check {
        check: name,
        status,
        detail: detail.into(),
        fix: None,
    }
}

impl Check {
    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }

    /// One line: `warn  clipboard   ... — fix: ...`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{:<5} {:<10} {}",
            self.status.word(),
            self.check,
            self.detail
        );
        if let Some(f) = &self.fix {
            s.push_str(" — fix: ");
            s.push_str(f);
        }
        s
    }
}

/// A link URL of the length Vital issues (about 95 characters).
pub fn sample_link() -> String {
    let base = "https://link.junction.com/?token=";
    let tail = "&env=sandbox&region=us";
    let token_len = 95 - base.len() - tail.len();
    let token: String = "k7Qm2xVf9LpT4nWc8RbJ6sYd3HgZ5aEu1oKi0"
        .chars()
        .cycle()
        .take(token_len)
        .collect();
    format!("{base}{token}{tail}")
}

/// The terminal sizes (cols, rows) the staff view and the patient-facing view need for a code of
/// `url` in half blocks (as the result view lays them out: the details column beside the code).
pub fn needed_sizes(url: &str) -> ((u16, u16), (u16, u16)) {
    const INFO_WIDTH: u16 = 52;
    const INFO_LINES: u16 = 10;
    const KIOSK_TEXT_WIDTH: u16 = 32;
    const KIOSK_STACK_LINES: u16 = 5;
    let Ok(code) = QrMatrix::encode(url, 'L') else {
        return ((0, 0), (0, 0));
    };
    let (c, r) = code.cells(QrStyle::Half);
    let staff = (
        (c + INFO_WIDTH + 3).max(80),
        (r.max(INFO_LINES + 6) + 5).max(24),
    );
    let stacked = (c.max(80), (r + KIOSK_STACK_LINES).max(24));
    let side = ((c + KIOSK_TEXT_WIDTH + 2).max(80), r.max(24));
    let area = |(w, h): (u16, u16)| u32::from(w) * u32::from(h);
    let patient = if area(side) < area(stacked) {
        side
    } else {
        stacked
    };
    (staff, patient)
}

pub fn terminal(size: Option<(u16, u16)>) -> Check {
    let ((sw, sh), (pw, ph)) = needed_sizes(&sample_link());
    let Some((w, h)) = size else {
        return check(
            "terminal",
            Level::Note,
            format!(
                "not run in a terminal: the staff view needs {sw}x{sh} and the patient-facing view {pw}x{ph} for a real link"
            ),
        )
        .fix("run `vital-onboard doctor` in the terminal the console will use");
    };
    let staff = w >= sw && h >= sh;
    let patient = w >= pw && h >= ph;
    match (staff, patient) {
        (true, true) => check(
            "terminal",
            Level::Ok,
            format!("{w}x{h}: a real link's code fits the staff view ({sw}x{sh}) and the patient-facing view ({pw}x{ph})"),
        ),
        (false, true) => check(
            "terminal",
            Level::Warn,
            format!("{w}x{h}: the staff view needs {sw}x{sh} to show a real link's code beside its details (the patient-facing view, K, fits)"),
        )
        .fix(format!("enlarge the window or use a smaller font to at least {sw}x{sh}")),
        _ => check(
            "terminal",
            Level::Warn,
            format!("{w}x{h}: too small for the code of a real link (staff view {sw}x{sh}, patient-facing view {pw}x{ph}); the URL is shown as text instead"),
        )
        .fix(format!("enlarge the window to at least {sw}x{sh}")),
    }
}

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn set(env: Env, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

pub fn colour(env: Env) -> Check {
    let term = set(env, "TERM");
    if set(env, "NO_COLOR").is_some() {
        return check(
            "colour",
            Level::Ok,
            "NO_COLOR is set: colours are off (the QR code keeps its explicit black on white)",
        );
    }
    let colorterm = set(env, "COLORTERM").unwrap_or_default();
    match term.as_deref() {
        None | Some("dumb") => check(
            "colour",
            Level::Warn,
            format!("TERM is {}: the console may not draw correctly", term.as_deref().unwrap_or("unset")),
        )
        .fix("export TERM=xterm-256color (or your terminal's own name)"),
        Some(_) if matches!(colorterm.as_str(), "truecolor" | "24bit") => check(
            "colour",
            Level::Ok,
            format!("24-bit colour (COLORTERM={colorterm})"),
        ),
        Some(t) if t.contains("256color") || t.starts_with("tmux") || t.contains("kitty") || t.contains("alacritty") => {
            check("colour", Level::Ok, format!("256 colours (TERM={t})"))
        }
        Some(t) => check(
            "colour",
            Level::Warn,
            format!("TERM={t} may offer only 16 colours: the QR code uses 256-colour black (16) on white (231)"),
        )
        .fix("export TERM=xterm-256color if your terminal supports it (most do)"),
    }
}

/// What `tmux show -gv` said for `set-clipboard` and `allow-passthrough` (None: could not ask).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmuxSettings {
    pub set_clipboard: Option<String>,
    pub allow_passthrough: Option<String>,
}

/// Asks the tmux server we run in for its clipboard settings. The child gets no API key.
pub fn tmux_settings() -> TmuxSettings {
    let ask = |option: &str| {
        std::process::Command::new("tmux")
            .args(["show", "-gv", option])
            .env_remove("VITAL_API_KEY")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    TmuxSettings {
        set_clipboard: ask("set-clipboard"),
        allow_passthrough: ask("allow-passthrough"),
    }
}

pub fn clipboard(env: Env, tmux: Option<&TmuxSettings>) -> Check {
    let wayland = set(env, "WAYLAND_DISPLAY").is_some();
    let x11 = set(env, "DISPLAY").is_some();
    let ssh = set(env, "SSH_TTY").is_some() || set(env, "SSH_CONNECTION").is_some();
    let native = if cfg!(any(target_os = "macos", windows)) {
        Some("the system clipboard")
    } else if wayland {
        Some("Wayland (data-control)")
    } else if x11 {
        Some("X11")
    } else {
        None
    };
    let mut path = match native {
        Some(n) => format!("{n} and OSC 52"),
        None => "OSC 52 only (no DISPLAY or WAYLAND_DISPLAY)".to_string(),
    };
    if ssh {
        path.push_str(", over SSH");
    }
    if let Some(t) = tmux.filter(|_| set(env, "TMUX").is_some()) {
        let sc = t.set_clipboard.as_deref();
        let ap = t.allow_passthrough.as_deref();
        let detail = format!(
            "{path}, inside tmux (set-clipboard {}, allow-passthrough {})",
            sc.unwrap_or("unknown"),
            ap.unwrap_or("unknown")
        );
        return if sc == Some("on") || matches!(ap, Some("on" | "all")) {
            check("clipboard", Level::Ok, detail)
        } else if sc.is_none() && ap.is_none() {
            check(
                "clipboard",
                Level::Warn,
                format!("{detail}: tmux could not be asked"),
            )
            .fix("check that `tmux show -gv set-clipboard` works here")
        } else {
            check(
                "clipboard",
                Level::Warn,
                format!(
                    "{detail}: tmux drops OSC 52 from programs, so `c` will not reach the clipboard"
                ),
            )
            .fix("tmux set -g set-clipboard on (and add `set -g set-clipboard on` to ~/.tmux.conf)")
        };
    }
    match (native, ssh) {
        (Some(_), false) => check("clipboard", Level::Ok, path),
        (_, true) => check(
            "clipboard",
            Level::Note,
            format!("{path}: the copy reaches your own machine only if your terminal accepts OSC 52 (the console cannot confirm it)"),
        )
        .fix("paste once to check; allow clipboard writes in the terminal's settings if it does not arrive"),
        (None, false) => check(
            "clipboard",
            Level::Note,
            format!("{path}: works if the terminal accepts OSC 52 (the console cannot confirm it)"),
        )
        .fix("paste once to check"),
    }
}

pub fn config_check(path: Option<&std::path::Path>, explicit: bool) -> Check {
    let Some(path) = path else {
        return check(
            "config",
            Level::Note,
            "no platform config directory: defaults are used",
        );
    };
    match std::fs::read_to_string(path) {
        Ok(text) => match Config::parse(&text, path) {
            Ok(c) => check(
                "config",
                Level::Ok,
                format!(
                    "{} parses ({} profile{})",
                    path.display(),
                    c.profiles.len(),
                    if c.profiles.len() == 1 { "" } else { "s" }
                ),
            ),
            Err(e) => check("config", Level::Fail, e.to_string()).fix(format!(
                "edit {} (`vital-onboard config init` shows every key in a new file)",
                path.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => check(
            "config",
            Level::Note,
            format!("no config file at {}: defaults are used", path.display()),
        )
        .fix("`vital-onboard config init` writes a commented one"),
        Err(e) => check(
            "config",
            Level::Fail,
            format!("cannot read {}: {e}", path.display()),
        )
        .fix("give --config (or VITAL_ONBOARD_CONFIG) an existing file"),
    }
}

/// Compares the local clock with an HTTP `Date` header; more than 30 s apart warns.
pub fn clock(now: chrono::DateTime<chrono::Utc>, date: Option<&str>, host: &str) -> Check {
    let Some(remote) = date.and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok()) else {
        return check(
            "clock",
            Level::Note,
            format!("{host} sent no Date header to compare the clock with"),
        );
    };
    let skew = (now - remote.with_timezone(&chrono::Utc)).num_seconds();
    let way = if skew > 0 { "ahead of" } else { "behind" };
    if skew.abs() > 30 {
        check(
            "clock",
            Level::Warn,
            format!("this machine's clock is {} s {way} {host}: the link expiry countdown will be off by as much", skew.abs()),
        )
        .fix("turn on network time (timedatectl set-ntp true, or the system's date settings)")
    } else {
        check(
            "clock",
            Level::Ok,
            format!("within {} s of {host}", skew.abs()),
        )
    }
}

fn keychain_check(profile: Option<&str>, source: &KeySource) -> Check {
    let chain = OsKeychain;
    let account = keychain::account(profile);
    match chain.get(&account) {
        Ok(stored) => check(
            "keychain",
            Level::Ok,
            format!(
                "{} answers ({})",
                chain.name(),
                if stored.is_some() {
                    "a key is stored for this profile"
                } else {
                    "no key stored for this profile"
                }
            ),
        ),
        Err(e) => {
            let needed = matches!(source, KeySource::None | KeySource::StoredFile(_));
            let level = if needed { Level::Warn } else { Level::Note };
            let what = match e {
                KeychainError::Unavailable(_) => "did not answer",
                KeychainError::Failed(_) => "failed",
            };
            check("keychain", level, format!("{} {what}: {}", chain.name(), sanitize(&e.to_string())))
                .fix("unlock or start the keyring of your desktop session (gnome-keyring, KWallet); without one, `vital-onboard login --file` keeps the key in an owner-only file")
        }
    }
}

async fn key_checks(connection: &Connection) -> Vec<Check> {
    let source = connection.key_source.describe();
    let who = connection
        .profile
        .as_deref()
        .map(|p| format!(" --profile {p}"))
        .unwrap_or_default();
    let Some(base) = connection.base_url() else {
        return vec![
            check(
                "key",
                Level::Note,
                format!("no key (source: {source}): the built-in emulator answers"),
            )
            .fix(format!(
                "`vital-onboard login{who}` stores a key in the keychain, or set VITAL_API_KEY"
            )),
            check(
                "clock",
                Level::Note,
                "demo mode: no remote host to compare the clock with",
            ),
        ];
    };
    let host = display_url(&base);
    let label = connection.label();
    // `sandbox/us (https://api.sandbox.us.junction.com)`, or just the host for --base-url.
    let at = if label == host {
        host.clone()
    } else {
        format!("{label} ({host})")
    };
    let prefix = connection.key.as_ref().map_or("", |k| k.prefix());
    let prefix = if prefix.is_empty() {
        "a key with no known prefix".to_string()
    } else {
        format!("{prefix}…")
    };
    let timeout = connection.timeout.min(Duration::from_secs(10));
    let client = Client::new(base.clone(), connection.key.clone(), label.clone(), timeout)
        .with_retry(RetryPolicy {
            max_retries: 0,
            ..Default::default()
        });
    let key = match client.list_users(0, 1).await {
        Ok(_) => check("key", Level::Ok, format!("{prefix} from {source} is accepted by {at}")),
        Err(ApiError::Unauthorized { status, .. }) => check(
            "key",
            Level::Fail,
            format!("{prefix} from {source} is refused by {at} (HTTP {status})"),
        )
        .fix(format!("`vital-onboard login{who}` with a key for {label}, or correct VITAL_API_KEY / --api-key-file")),
        Err(e) => check("key", Level::Fail, format!("{prefix} from {source} could not be checked: {}", sanitize(&e.to_string())))
            .fix("check the network, the host and --base-url, then run doctor again"),
    };
    // The clock: any answer from the host carries a Date header; this request sends no key.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .expect("the HTTP client can be built");
    let clock = match http.get(base).send().await {
        Ok(r) => {
            let date = r
                .headers()
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            clock(chrono::Utc::now(), date.as_deref(), &host)
        }
        Err(_) => check(
            "clock",
            Level::Note,
            format!("could not reach {host} to compare the clock"),
        ),
    };
    vec![key, clock]
}

fn terminal_size() -> Option<(u16, u16)> {
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal()
        || std::io::stderr().is_terminal()
        || (cfg!(unix) && std::fs::File::open("/dev/tty").is_ok());
    if !tty {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .filter(|(w, h)| *w > 0 && *h > 0)
}

/// Every check, in the order printed.
pub async fn checks(args: &ConnectionArgs) -> Vec<Check> {
    let env = |name: &str| std::env::var(name).ok();
    let tmux = set(&env, "TMUX").map(|_| tmux_settings());
    let mut out = vec![
        terminal(terminal_size()),
        colour(&env),
        clipboard(&env, tmux.as_ref()),
    ];
    let explicit = args.config.is_some();
    let path = args.config.clone().or_else(config::default_path);
    let config_line = config_check(path.as_deref(), explicit);
    let config = Config::load(args.config.as_deref()).unwrap_or_default();
    match login::connection(args, &config) {
        Ok(connection) => {
            out.extend(key_checks(&connection).await);
            out.push(keychain_check(
                connection.profile.as_deref(),
                &connection.key_source,
            ));
        }
        Err(f) => {
            out.push(
                check("key", Level::Fail, f.message)
                    .fix("correct the settings named above, then run doctor again"),
            );
            out.push(keychain_check(None, &KeySource::None));
        }
    }
    out.push(config_line);
    out.push(check(
        "history",
        Level::Note,
        "not used yet: the audit log is a later feature",
    ));
    out
}

pub async fn doctor(args: &ConnectionArgs, json: bool) -> Outcome {
    let all = checks(args).await;
    let mut text = String::new();
    for c in &all {
        if json {
            text.push_str(&serde_json::to_string(c).expect("checks serialize"));
        } else {
            text.push_str(&c.line());
        }
        text.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(Failure::stdout)?;
    let attention = all.iter().filter(|c| c.status.needs_attention()).count();
    if attention == 0 {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: format!(
                "{attention} check{} need{} attention",
                if attention == 1 { "" } else { "s" },
                if attention == 1 { "s" } else { "" }
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_real_link_needs_what_the_readme_says() {
        assert_eq!(sample_link().len(), 95);
        assert_eq!(needed_sizes(&sample_link()), ((100, 28), (80, 24)));
        assert_eq!(terminal(Some((160, 48))).status, Level::Ok);
        let small = terminal(Some((80, 24)));
        assert_eq!(small.status, Level::Warn);
        assert!(small.detail.contains("needs 100x28"), "{}", small.detail);
        assert_eq!(terminal(Some((79, 24))).status, Level::Warn);
        assert_eq!(terminal(None).status, Level::Note);
    }

    #[test]
    fn colour_support() {
        assert_eq!(
            colour(&vars(&[("TERM", "xterm-256color")])).status,
            Level::Ok
        );
        assert_eq!(
            colour(&vars(&[("TERM", "xterm"), ("COLORTERM", "truecolor")])).status,
            Level::Ok
        );
        assert_eq!(colour(&vars(&[("TERM", "xterm")])).status, Level::Warn);
        assert_eq!(colour(&vars(&[("TERM", "dumb")])).status, Level::Warn);
        let c = colour(&vars(&[("TERM", "dumb"), ("NO_COLOR", "1")]));
        assert_eq!(c.status, Level::Ok);
        assert!(c.detail.contains("NO_COLOR"));
    }

    #[test]
    fn clipboard_paths() {
        let c = clipboard(&vars(&[("DISPLAY", ":0")]), None);
        assert!(
            c.detail.starts_with("X11 and OSC 52") || cfg!(any(target_os = "macos", windows)),
            "{}",
            c.detail
        );
        let c = clipboard(&vars(&[("SSH_CONNECTION", "1 2 3 4")]), None);
        assert_eq!(c.status, Level::Note);
        assert!(c.detail.contains("over SSH"), "{}", c.detail);
        let t = |sc: &str, ap: &str| TmuxSettings {
            set_clipboard: Some(sc.into()),
            allow_passthrough: Some(ap.into()),
        };
        let env = vars(&[("TMUX", "/tmp/tmux-0/default,1,0")]);
        assert_eq!(clipboard(&env, Some(&t("on", "off"))).status, Level::Ok);
        assert_eq!(
            clipboard(&env, Some(&t("external", "on"))).status,
            Level::Ok
        );
        let off = clipboard(&env, Some(&t("external", "off")));
        assert_eq!(off.status, Level::Warn);
        assert!(off.fix.unwrap().contains("set-clipboard on"));
    }

    #[test]
    fn clock_skew_over_30_seconds_warns() {
        let now = chrono::DateTime::parse_from_rfc2822("Tue, 01 Dec 2026 12:00:00 GMT")
            .unwrap()
            .to_utc();
        assert_eq!(
            clock(now, Some("Tue, 01 Dec 2026 12:00:29 GMT"), "h").status,
            Level::Ok
        );
        let w = clock(now, Some("Tue, 01 Dec 2026 11:59:00 GMT"), "h");
        assert_eq!(w.status, Level::Warn);
        assert!(w.detail.contains("60 s ahead of h"), "{}", w.detail);
        assert_eq!(clock(now, None, "h").status, Level::Note);
    }
}
