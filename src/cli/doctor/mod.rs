//! `vital-onboard doctor`: checks what staff trip over and says how to fix it, one line each:
//! terminal size for a real (~95-character) link in the staff and patient-facing views, colour
//! support, the clipboard path (X11 / Wayland / OSC 52, tmux settings, SSH), the connection
//! settings with where each came from (as `status` shows them), the key source and whether its
//! host accepts the key, the keychain, the clock against the API's `Date` header, the
//! config file, and the history database. Exit 0 when all is well, 1 when something needs
//! attention. The key is never printed; child processes (tmux) get no `VITAL_API_KEY`.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use crate::api::display_url;
use crate::api::{ApiError, Client, RetryPolicy};
use crate::cli::commands::{CommandResult, Failure};
use crate::cli::{ConnectionArgs, login};
use crate::setup::config::{self, Config};
use crate::setup::connection::{Connection, KeySource};
use crate::setup::keychain::{self, Keychain, KeychainError, OsKeychain};
use crate::text::sanitize;

pub mod local;

pub use local::{
    NeededSizes, Shows, TmuxSettings, clipboard, colour, fits, needed_sizes, sample_link, terminal,
    tmux_settings,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    /// Worth knowing; needs nothing.
    Note,
    Warn,
    Fail,
}

impl Severity {
    fn word(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Note => "note",
            Severity::Warn => "warn",
            Severity::Fail => "FAIL",
        }
    }

    pub fn needs_attention(self) -> bool {
        matches!(self, Severity::Warn | Severity::Fail)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Severity,
    pub detail: String,
    pub fix: Option<String>,
}

fn check(name: &'static str, status: Severity, detail: impl Into<String>) -> Check {
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

pub fn config_check(path: Option<&std::path::Path>, explicit: bool) -> Check {
    let Some(path) = path else {
        return check(
            "config",
            Severity::Note,
            "no platform config directory: defaults are used",
        );
    };
    match std::fs::read_to_string(path) {
        Ok(text) => match Config::parse(&text, path) {
            Ok(c) => check(
                "config",
                Severity::Ok,
                format!(
                    "{} parses ({} profile{})",
                    path.display(),
                    c.profiles.len(),
                    if c.profiles.len() == 1 { "" } else { "s" }
                ),
            ),
            Err(e) => check("config", Severity::Fail, e.to_string()).fix(format!(
                "edit {} (`vital-onboard config init` shows every key in a new file)",
                path.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => check(
            "config",
            Severity::Note,
            format!("no config file at {}: defaults are used", path.display()),
        )
        .fix("`vital-onboard config init` writes a commented one"),
        Err(e) => check(
            "config",
            Severity::Fail,
            format!("cannot read {}: {e}", path.display()),
        )
        .fix("give --config (or VITAL_ONBOARD_CONFIG) an existing file"),
    }
}

/// The presets of the config file at `path`, linted as `presets check` does (the first problems
/// shown); nothing to say when the file is missing or does not parse (the config line says so).
pub fn presets_check(path: Option<&std::path::Path>) -> Option<Check> {
    let path = path?;
    let text = std::fs::read_to_string(path).ok()?;
    let config = Config::parse(&text, path).ok()?;
    let problems = crate::setup::presets::lint(&text, &config.preset);
    let n = config.preset.len();
    let plural = if n == 1 { "" } else { "s" };
    Some(match problems.as_slice() {
        [] => check(
            "presets",
            Severity::Ok,
            format!("{n} preset{plural}, no problem found"),
        ),
        [first, rest @ ..] => {
            let more = if rest.is_empty() {
                String::new()
            } else {
                format!(" (and {} more)", rest.len())
            };
            check(
                "presets",
                Severity::Warn,
                crate::text::sanitize(&format!("{}:{first}{more}", path.display())),
            )
            .fix("`vital-onboard presets check` lists every problem with its line")
        }
    })
}

/// The audit log at `path` (`history.sqlite3`): opened as the console opens it (a newer schema,
/// a locked or corrupt file fails with the reason); not there yet is a note.
pub fn history_check(path: Option<&std::path::Path>) -> Check {
    let Some(path) = path else {
        return check(
            "history",
            Severity::Warn,
            "no data folder for the audit log: links are minted but not recorded",
        )
        .fix("set XDG_DATA_HOME (or VITAL_ONBOARD_HISTORY) to a writable folder");
    };
    if !path.exists() {
        return check(
            "history",
            Severity::Note,
            format!(
                "{} does not exist yet: the first minted link creates it",
                path.display()
            ),
        );
    }
    match crate::audit::Store::open(path) {
        Ok(store) => {
            let links = store
                .links(&crate::audit::Filter::default())
                .map_or(0, |l| l.len());
            check(
                "history",
                Severity::Ok,
                format!("{} opens for writing ({links} links recorded)", path.display()),
            )
        }
        Err(e) => check("history", Severity::Fail, e.to_string()).fix(
            "the console and `link` keep working without it; move the file aside to start a new log",
        ),
    }
}

/// Compares the local clock with an HTTP `Date` header; more than 30 s apart warns.
pub fn clock(now: chrono::DateTime<chrono::Utc>, date: Option<&str>, host: &str) -> Check {
    let Some(remote) = date.and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok()) else {
        return check(
            "clock",
            Severity::Note,
            format!("{host} sent no Date header to compare the clock with"),
        );
    };
    let skew = (now - remote.with_timezone(&chrono::Utc)).num_seconds();
    let way = if skew > 0 { "ahead of" } else { "behind" };
    if skew.abs() > 30 {
        check(
            "clock",
            Severity::Warn,
            format!("this machine's clock is {} s {way} {host}: the link expiry countdown will be off by as much", skew.abs()),
        )
        .fix("turn on network time (timedatectl set-ntp true, or the system's date settings)")
    } else {
        check(
            "clock",
            Severity::Ok,
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
            Severity::Ok,
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
            // Needed where a key should come from it: a chosen profile without a key, or a key
            // kept in the fallback file (a login that found no keychain). Plain demo mode, with no
            // key and no profile, needs none until a login: a note, not a failing check.
            let needed = matches!(source, KeySource::StoredFile(_))
                || (matches!(source, KeySource::None) && profile.is_some());
            let level = if needed {
                Severity::Warn
            } else {
                Severity::Note
            };
            let what = match e {
                KeychainError::Unavailable(_) => "did not answer",
                KeychainError::Failed(_) => "failed",
            };
            check("keychain", level, format!("{} {what}: {}", chain.name(), sanitize(&e.to_string())))
                .fix("unlock or start the keyring of your desktop session (gnome-keyring, KWallet); without one, `vital-onboard login --file` keeps the key in an owner-only file")
        }
    }
}

/// The merged settings, each with where it came from (as `status` prints them), on one line:
/// `profile none; environment sandbox (the key's prefix); ...; read-only on (config file)`.
pub fn settings_check(connection: &Connection) -> Check {
    let mut lines = connection.place_lines();
    lines.extend(connection.mode_lines());
    let detail: Vec<String> = lines.iter().map(|(k, v)| format!("{k} {v}")).collect();
    check("settings", Severity::Ok, sanitize(&detail.join("; ")))
}

/// An operator nobody named: the audit log and every queue summary say `by unknown`. A
/// warning with the fix; nothing when one is named (the settings line shows it).
pub fn operator_check(operator: &str) -> Option<Check> {
    (operator == crate::setup::settings::UNKNOWN_OPERATOR).then(|| {
        check(
            "operator",
            Severity::Warn,
            "unknown: the audit log and queue summaries say `by unknown` (no operator setting, \
             USER and LOGNAME unset)",
        )
        .fix("set operator = \"NAME\" in the config file (vital-onboard config path), or USER")
    })
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
                Severity::Note,
                format!("no key (source: {source}): the built-in emulator answers"),
            )
            .fix(format!(
                "`vital-onboard login{who}` stores a key in the keychain, or set VITAL_API_KEY"
            )),
            check(
                "clock",
                Severity::Note,
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
        Ok(_) => check("key", Severity::Ok, format!("{prefix} from {source} is accepted by {at}")),
        Err(ApiError::Unauthorized { status, .. }) => check(
            "key",
            Severity::Fail,
            format!("{prefix} from {source} is refused by {at} (HTTP {status})"),
        )
        .fix(format!("`vital-onboard login{who}` with a key for {label}, or correct VITAL_API_KEY / --api-key-file")),
        Err(e) => check("key", Severity::Fail, format!("{prefix} from {source} could not be checked: {}", sanitize(&e.to_string())))
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
            Severity::Note,
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
    let tmux = env("TMUX")
        .filter(|v| !v.is_empty())
        .map(|_| tmux_settings());
    let mut out = vec![
        terminal(terminal_size()),
        colour(&env),
        clipboard(&env, tmux.as_ref()),
    ];
    let explicit = args.config_path(env);
    let path = explicit.clone().or_else(config::default_path);
    let config_line = config_check(path.as_deref(), explicit.is_some());
    let config = Config::load(explicit.as_deref()).unwrap_or_default();
    match login::connection(args, &config) {
        Ok(connection) => {
            out.push(settings_check(&connection));
            out.extend(operator_check(&connection.settings.operator.value));
            out.extend(key_checks(&connection).await);
            out.push(keychain_check(
                connection.profile.as_deref(),
                &connection.key_source,
            ));
        }
        Err(f) => {
            out.push(
                check("key", Severity::Fail, f.message)
                    .fix("correct the settings named above, then run doctor again"),
            );
            out.push(keychain_check(None, &KeySource::None));
        }
    }
    out.push(config_line);
    out.extend(presets_check(path.as_deref()));
    out.push(history_check(crate::audit::default_path().as_deref()));
    out
}

pub async fn doctor(args: &ConnectionArgs, json: bool) -> CommandResult {
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
        .and_then(|()| stdout.flush())
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

    #[test]
    fn an_unknown_operator_warns_with_the_fix() {
        let w = operator_check("unknown").unwrap();
        assert_eq!(w.status, Severity::Warn);
        assert!(
            w.line().contains("fix: set operator = \"NAME\""),
            "{}",
            w.line()
        );
        assert_eq!(operator_check("jdoe"), None);
    }

    #[test]
    fn clock_skew_over_30_seconds_warns() {
        let now = chrono::DateTime::parse_from_rfc2822("Tue, 01 Dec 2026 12:00:00 GMT")
            .unwrap()
            .to_utc();
        assert_eq!(
            clock(now, Some("Tue, 01 Dec 2026 12:00:29 GMT"), "h").status,
            Severity::Ok
        );
        let w = clock(now, Some("Tue, 01 Dec 2026 11:59:00 GMT"), "h");
        assert_eq!(w.status, Severity::Warn);
        assert!(w.detail.contains("60 s ahead of h"), "{}", w.detail);
        assert_eq!(clock(now, None, "h").status, Severity::Note);
    }
}
