//! `login`, `logout`, `status` and `profiles`, and [`connection`]: the connection every command
//! uses (every setting merged once for the chosen profile, its stored key looked up, warnings on
//! stderr). `status` prints each setting with where it came from.
//!
//! The key is read from a hidden prompt on the terminal or, with `--stdin`, from standard input;
//! never from argv. It is checked with one cheap authenticated call (`GET /v2/user?limit=1`)
//! before it is stored. Nothing here prints a key: at most its prefix.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};

use crate::api::ApiError;
use crate::api::{ApiKey, display_url};
use crate::cli::commands::{CommandResult, Failure};
use crate::cli::{ConnectionArgs, LoginArgs};
use crate::setup::config::Config;
use crate::setup::connection::{Connection, ConnectionInput, KeySource, SettingsError, Target};
use crate::setup::keychain::{self, Keychain, OsKeychain};
use crate::setup::profiles::{self, DEMO, Stored};
use crate::setup::session::Session;
use crate::setup::settings::{Flags, Origin, Settings, Sourced, Sources};
use crate::text::sanitize;

/// The order `status`, the README and errors state.
pub const KEY_ORDER: &str = "VITAL_API_KEY, then --api-key-file, then the profile's keychain entry (or its file), then demo (only when no profile is chosen: a profile without a key is refused)";

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// What the settings are merged from: `args`, the process environment, `config`.
fn sources<'a>(flags: &'a Flags, config: &'a Config) -> Sources<'a> {
    Sources {
        flags,
        var: &env_var,
        config,
    }
}

/// The chosen profile and where its name came from: `--profile`, `VITAL_ONBOARD_PROFILE`,
/// `default_profile`.
pub fn chosen(args: &ConnectionArgs, config: &Config) -> Result<Option<Sourced<String>>, Failure> {
    sources(&args.flags(), config)
        .profile()
        .map_err(Failure::input)
}

/// The unresolved input for `profile` (as [`chosen`] gave it, or picked at start): every
/// setting merged once (flag > variable > profile > config file > default) and the key's
/// sources.
pub fn input_for(
    args: &ConnectionArgs,
    config: &Config,
    profile: Option<Sourced<String>>,
) -> Result<ConnectionInput, Failure> {
    let flags = args.flags();
    let settings =
        Settings::merge_for(&sources(&flags, config), profile).map_err(Failure::input)?;
    Ok(ConnectionInput {
        settings,
        api_key_env: env_var("VITAL_API_KEY").filter(|k| !k.trim().is_empty()),
        api_key_file: args.api_key_file.clone(),
        stored_key: None,
    })
}

/// The connection for the chosen profile, with its stored key when no variable or file gives
/// one. Warnings (a key file others can read) go to stderr.
pub fn connection(args: &ConnectionArgs, config: &Config) -> Result<Connection, Failure> {
    let profile = chosen(args, config)?;
    connection_for(args, config, profile)
}

/// The connection for `profile` (a name from [`profiles::list`], `demo`, or none), with the
/// same flags and variables: what the console uses when the staff pick a profile.
pub fn connection_for(
    args: &ConnectionArgs,
    config: &Config,
    profile: Option<Sourced<String>>,
) -> Result<Connection, Failure> {
    let mut notes = vec![];
    let result = profiles::resolve(input_for(args, config, profile)?, &OsKeychain, &mut notes);
    for n in notes {
        eprintln!("warning: {n}");
    }
    result.map_err(Failure::input)
}

fn profile_label(profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!("profile {p}"),
        None => "no profile (the default entry)".into(),
    }
}

/// Reads the key: the first line of stdin with `--stdin`, else a hidden prompt on the terminal.
fn read_key(args: &LoginArgs, profile: Option<&str>) -> Result<ApiKey, Failure> {
    let text = if args.stdin {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_to_end(&mut buf)
            .map_err(|e| Failure::input(format!("cannot read the key from stdin: {e}")))?;
        String::from_utf8(buf).map_err(|_| Failure::input("the key on stdin is not text"))?
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::input(
                "no terminal to ask for the key: pipe it in with `vital-onboard login --stdin`",
            ));
        }
        rpassword::prompt_password(format!(
            "Vital API key for {} (input hidden): ",
            profile_label(profile)
        ))
        .map_err(|e| Failure::input(format!("cannot read the key: {e}")))?
    };
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(Failure::input("no key given: nothing was stored"));
    }
    Ok(ApiKey::new(first))
}

/// Asks a y/N question on the terminal; anything but y/yes is no.
pub(crate) fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Checks `key` against the API the profile and flags point at; the connection it belongs to.
pub async fn check_key(
    args: &ConnectionArgs,
    config: &Config,
    profile: Option<Sourced<String>>,
    key: ApiKey,
) -> Result<Connection, Failure> {
    let mut input = input_for(args, config, profile)?;
    input.api_key_env = None;
    input.api_key_file = None;
    input.settings.demo = Sourced::new(false, Origin::Default);
    input.stored_key = Some((key, KeySource::Keychain));
    let connection = input.resolve().map_err(|e| Failure::input(e.to_string()))?;
    let session = Session::open(connection.clone())
        .await
        .map_err(|e| Failure::internal(e.to_string()))?;
    match session.client.list_users(0, 1).await {
        Ok(_) => Ok(connection),
        Err(ApiError::Unauthorized { status, target }) => Err(Failure {
            code: 3,
            message: format!(
                "the key was refused by {target} (HTTP {status}) and was not stored: check that you copied the whole key, and that it is for {target}"
            ),
        }),
        Err(e) => {
            let mut f = Failure::from(e);
            f.message.push_str(" (the key was not stored)");
            Err(f)
        }
    }
}

fn host(connection: &Connection) -> String {
    match connection.base_url() {
        Some(u) => display_url(&u),
        None => "the built-in emulator (started on demand)".into(),
    }
}

pub async fn login(args: &ConnectionArgs, config: &Config, login: &LoginArgs) -> CommandResult {
    let picked = chosen(args, config)?;
    let profile = picked.as_ref().map(|p| p.value.clone());
    if profile.as_deref() == Some(DEMO) {
        return Err(Failure::input(
            "the demo profile needs no key: pick another with --profile",
        ));
    }
    let key = read_key(login, profile.as_deref())?;
    let connection = check_key(args, config, picked.clone(), key.clone()).await?;
    let prefix = match key.prefix() {
        "" => "with no known prefix".to_string(),
        p => format!("{p}…"),
    };
    let (label, host) = (connection.label(), host(&connection));
    if label == host {
        eprintln!("The key ({prefix}) was accepted by {host}.");
    } else {
        eprintln!("The key ({prefix}) was accepted by {label} ({host}).");
    }
    let account = keychain::account(profile.as_deref());
    let fallback = keychain::fallback_path(&account);
    let chain = OsKeychain;
    let stored = chain.set(&account, key.expose()).and_then(|()| {
        // Read it back: some stores accept a write they cannot keep.
        match chain.get(&account)? {
            Some(k) if k == key.expose() => Ok(()),
            _ => Err(keychain::KeychainError::Failed(
                "the entry could not be read back".into(),
            )),
        }
    });
    let input = input_for(args, config, picked)?;
    if input.has_explicit_key() {
        eprintln!(
            "note: VITAL_API_KEY or --api-key-file is set and wins over the stored key (order: {KEY_ORDER})"
        );
    }
    match stored {
        Ok(()) => {
            if let Some(old) = fallback.as_deref().filter(|p| p.exists()) {
                let _ = std::fs::remove_file(old);
            }
            println!(
                "Stored in {} for {}.",
                chain.name(),
                profile_label(profile.as_deref())
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("{}: {e}.", chain.name());
            let path = fallback.ok_or_else(|| {
                Failure::internal("no keychain answered and there is no config directory")
            })?;
            let interactive = !login.stdin && std::io::stdin().is_terminal();
            let ok = login.file
                || (interactive
                    && confirm(&format!(
                        "Store the key in {} instead, readable only by you?",
                        path.display()
                    )));
            if !ok {
                return Err(Failure::input(format!(
                    "the key was not stored: run again with --file to keep it in {} (owner-only, 0600), or start a keychain (docs/configuration.md, \"Logging in\")",
                    path.display()
                )));
            }
            keychain::write_fallback(&path, &key)
                .map_err(|e| Failure::internal(format!("cannot write {}: {e}", path.display())))?;
            println!(
                "Stored in {} (readable only by you) for {}.",
                path.display(),
                profile_label(profile.as_deref())
            );
            Ok(())
        }
    }
}

pub fn logout(args: &ConnectionArgs, config: &Config) -> CommandResult {
    let profile = chosen(args, config)?.map(|p| p.value);
    let account = keychain::account(profile.as_deref());
    let who = profile_label(profile.as_deref());
    let chain = OsKeychain;
    let mut removed = false;
    let mut trouble = None;
    match chain.delete(&account) {
        Ok(true) => {
            removed = true;
            println!("Removed the key of {who} from {}.", chain.name());
        }
        Ok(false) => {}
        Err(e) => trouble = Some(format!("{}: {e}", chain.name())),
    }
    if let Some(path) = keychain::fallback_path(&account).filter(|p| p.exists()) {
        std::fs::remove_file(&path)
            .map_err(|e| Failure::internal(format!("cannot remove {}: {e}", path.display())))?;
        removed = true;
        println!("Removed the key file {} of {who}.", path.display());
    }
    match (removed, trouble) {
        (_, Some(t)) => Err(Failure::internal(format!(
            "{t}: a key of {who} may still be stored there"
        ))),
        (false, None) => {
            println!("No key was stored for {who}.");
            Ok(())
        }
        (true, None) => Ok(()),
    }
}

/// The lines `status` prints: where requests go, the key, then the other settings, each
/// setting with where it came from ([`Connection::place_lines`], [`Connection::mode_lines`]).
pub fn status_lines(connection: &Connection) -> Vec<(&'static str, String)> {
    let demo = connection.target == Target::Demo;
    let key = match (&connection.key, demo) {
        (_, true) | (None, _) => "none".to_string(),
        (Some(k), false) => match k.prefix() {
            "" => "set (no known prefix)".into(),
            p => format!("{p}…"),
        },
    };
    let source = if demo && connection.key_source != KeySource::None {
        format!("{} (unused: demo mode)", connection.key_source.describe())
    } else {
        connection.key_source.describe()
    };
    let mut lines = connection.place_lines();
    lines.extend([
        ("key", key),
        ("key source", source),
        ("key order", KEY_ORDER.to_string()),
    ]);
    lines.extend(connection.mode_lines());
    lines
}

/// The lines `status` prints for a profile with no key stored (and none given): where its
/// requests would go, as far as the profile says, and how to store its key.
pub fn no_key_lines(s: &Settings, profile: &str) -> Vec<(&'static str, String)> {
    let unknown = || "unknown until a key is stored (its prefix tells)".to_string();
    let with = |value: &str, origin: Origin| format!("{value} ({})", s.origin_text(origin));
    let env = s
        .env
        .as_ref()
        .map_or_else(unknown, |e| with(e.value.as_str(), e.origin));
    let region = s
        .region
        .as_ref()
        .map_or_else(unknown, |r| with(r.value.as_str(), r.origin));
    let host = match (&s.base_url, &s.env, &s.region) {
        (Some(u), _, _) => match crate::api::parse_http_url(&u.value) {
            Ok(url) => with(&display_url(&url), u.origin),
            Err(reason) => format!("not a usable URL ({reason})"),
        },
        (None, Some(e), Some(r)) => {
            crate::api::vital_host(e.value, r.value, s.legacy_hosts.value).to_string()
        }
        _ => unknown(),
    };
    let mut lines = vec![
        ("profile", s.profile_text()),
        ("environment", env),
        ("region", region),
        ("host", host),
        (
            "key",
            format!("no key stored: run `vital-onboard login --profile {profile}`"),
        ),
        ("key source", "none".to_string()),
        ("key order", KEY_ORDER.to_string()),
    ];
    lines.extend(crate::setup::connection::mode_lines(s));
    lines
}

/// `status`: every setting with where it came from. A profile with no key stored is reported
/// in its own terms (exit 0), not refused as a command that needs the key is.
pub fn status(args: &ConnectionArgs, config: &Config) -> CommandResult {
    let mut input = input_for(args, config, chosen(args, config)?)?;
    let mut notes = vec![];
    let prepared = profiles::prepare(&mut input, &OsKeychain, &mut notes);
    for n in notes {
        eprintln!("warning: {n}");
    }
    prepared.map_err(Failure::input)?;
    let lines = match input.resolve() {
        Ok(connection) => status_lines(&connection),
        Err(SettingsError::NoStoredKey { profile }) => no_key_lines(&input.settings, &profile),
        Err(e) => return Err(Failure::input(e.to_string())),
    };
    let out = status_text(&lines);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

/// `status`'s lines as printed: each name padded to the longest one (`patient language`), so
/// every value starts in the same column.
fn status_text(lines: &[(&str, String)]) -> String {
    let width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (k, v) in lines {
        let _ = writeln!(out, "{k:<width$} {v}");
    }
    out
}

pub fn list_profiles(config: &Config, json: bool) -> CommandResult {
    let rows = profiles::list(config, &OsKeychain);
    let mut out = String::new();
    if json {
        for r in &rows {
            out.push_str(&serde_json::to_string(r).expect("rows serialize"));
            out.push('\n');
        }
    } else {
        out.push_str(&profiles_table(&rows));
        if rows.iter().any(|r| r.key == Stored::Unknown) {
            out.push_str("(unknown: no keychain answered; see `vital-onboard doctor`)\n");
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

/// The `profiles` table: each column as wide as its widest cell and two spaces between columns,
/// so values of several words ("from the key") never run into the next column.
fn profiles_table(rows: &[profiles::Entry]) -> String {
    let header = ["PROFILE", "ENVIRONMENT", "REGION", "KEY", "HOST"].map(String::from);
    let cells: Vec<[String; 5]> = std::iter::once(header)
        .chain(rows.iter().map(|r| {
            let mut host = sanitize(r.host_label());
            if r.read_only {
                host.push_str(" (read-only)");
            }
            [
                sanitize(&r.name),
                r.environment.clone(),
                r.region.clone(),
                r.key_label().to_string(),
                host,
            ]
        }))
        .collect();
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let marks = std::iter::once(false).chain(rows.iter().map(|r| r.default));
    let mut out = String::new();
    for (row, default) in cells.iter().zip(marks) {
        let mut line = String::from(if default { "* " } else { "  " });
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::config::Config;

    fn conn(
        key: Option<&str>,
        source: KeySource,
        config: &str,
        profile: Option<&str>,
    ) -> Connection {
        let config = Config::parse(config, std::path::Path::new("c.toml")).unwrap();
        let flags = Flags {
            profile: profile.map(str::to_string),
            ..Flags::default()
        };
        ConnectionInput {
            settings: Settings::merge(&Sources {
                flags: &flags,
                var: &|_: &str| None,
                config: &config,
            })
            .unwrap(),
            stored_key: key.map(|k| (ApiKey::new(k), source)),
            ..Default::default()
        }
        .resolve()
        .unwrap()
    }

    fn get(lines: &[(&str, String)], k: &str) -> String {
        lines.iter().find(|(n, _)| *n == k).unwrap().1.clone()
    }

    #[test]
    fn status_shows_the_prefix_and_source_never_the_key() {
        let c = conn(
            Some("pk_eu_topsecret"),
            KeySource::Keychain,
            "[profile.eu]\nread_only = true\nregion = \"eu\"\n",
            Some("eu"),
        );
        let lines = status_lines(&c);
        let text = format!("{lines:?}");
        assert!(!text.contains("topsecret"), "{text}");
        assert_eq!(get(&lines, "key"), "pk_eu_…");
        assert_eq!(get(&lines, "environment"), "production (the key's prefix)");
        assert_eq!(get(&lines, "region"), "eu (profile eu)");
        assert_eq!(get(&lines, "host"), "https://api.eu.junction.com");
        assert!(get(&lines, "key source").contains("keychain"));
        assert_eq!(get(&lines, "profile"), "eu (--profile)");
        assert!(get(&lines, "key order").starts_with("VITAL_API_KEY, then --api-key-file"));
        assert_eq!(
            get(&lines, "read-only"),
            "on (profile eu): minting and creating users are refused"
        );
        assert_eq!(get(&lines, "timeout"), "20 s (default)");
        assert_eq!(get(&lines, "legacy hosts"), "off (default)");

        let c = conn(None, KeySource::None, "", None);
        let lines = status_lines(&c);
        assert!(format!("{lines:?}").contains("none: demo mode"));
        assert_eq!(get(&lines, "environment"), "demo (no API key)");
        assert_eq!(get(&lines, "read-only"), "off (default)");
    }

    #[test]
    fn status_starts_every_value_in_one_column() {
        let c = conn(None, KeySource::None, "patient_language = \"es\"\n", None);
        let lines = status_lines(&c);
        assert!(get(&lines, "patient language").starts_with("Español (es)"));
        let text = status_text(&lines);
        let columns: Vec<usize> = lines
            .iter()
            .zip(text.lines())
            .map(|((k, v), line)| {
                assert!(line.starts_with(k) && line.ends_with(v.as_str()), "{line}");
                line.chars().count() - v.chars().count()
            })
            .collect();
        assert_eq!(columns.len(), lines.len());
        assert!(columns.iter().all(|c| *c == columns[0]), "{text}");
        assert!(text.contains("patient language Español (es)"), "{text}");
    }

    #[test]
    fn the_profiles_table_keeps_its_columns_apart() {
        let entry =
            |name: &str, env: &str, region: &str, base_url: Option<&str>, key| profiles::Entry {
                name: name.into(),
                environment: env.into(),
                region: region.into(),
                base_url: base_url.map(str::to_string),
                key,
                default: name == "local",
                read_only: name == "eu-production",
            };
        let rows = [
            entry("eu-production", "production", "eu", None, Stored::Unknown),
            entry(
                "local",
                "from the key",
                "from the key",
                Some("http://127.0.0.1:8080"),
                Stored::No,
            ),
            entry(DEMO, "demo", "-", None, Stored::No),
        ];
        let table = profiles_table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines,
            [
                "  PROFILE        ENVIRONMENT   REGION        KEY      HOST",
                "  eu-production  production    eu            unknown  from environment/region (read-only)",
                "* local          from the key  from the key  none     http://127.0.0.1:8080",
                "  demo           demo          -             -        built-in emulator",
            ],
            "{table}"
        );
    }

    #[test]
    fn status_names_the_config_file_when_read_only_comes_from_its_top() {
        let c = conn(
            Some("sk_us_x"),
            KeySource::Keychain,
            "read_only = true\nlegacy_hosts = true\n",
            None,
        );
        let lines = status_lines(&c);
        assert_eq!(
            get(&lines, "read-only"),
            "on (config file): minting and creating users are refused"
        );
        assert_eq!(get(&lines, "legacy hosts"), "on (config file)");
        assert_eq!(get(&lines, "host"), "https://api.sandbox.tryvital.io");
        assert_eq!(get(&lines, "profile"), "none");
    }
}
