//! `login`, `logout`, `status` and `profiles`, and [`connection`]: the connection every command
//! uses (the profile chosen, its stored key looked up, warnings on stderr).
//!
//! The key is read from a hidden prompt on the terminal or, with `--stdin`, from standard input;
//! never from argv. It is checked with one cheap authenticated call (`GET /v2/user?limit=1`)
//! before it is stored. Nothing here prints a key: at most its prefix.

use std::io::{IsTerminal, Read, Write};

use crate::api::ApiError;
use crate::api::{ApiKey, display_url};
use crate::cli::commands::{Failure, Outcome};
use crate::cli::{ConnectionArgs, LoginArgs};
use crate::setup::config::Config;
use crate::setup::connection::{Connection, ConnectionInput, KeySource, Target};
use crate::setup::keychain::{self, Keychain, OsKeychain};
use crate::setup::profiles::{self, DEMO, Stored};
use crate::setup::session::Session;

/// The order `status`, the README and errors state.
pub const KEY_ORDER: &str = "VITAL_API_KEY, then --api-key-file, then the profile's keychain entry (or its file), then demo";

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The unresolved input from flags and variables.
pub fn input(args: &ConnectionArgs, config: &Config) -> Result<ConnectionInput, Failure> {
    args.input(env_var, config.legacy_hosts)
        .map_err(Failure::input)
}

/// The chosen profile: `--profile` / `VITAL_ONBOARD_PROFILE`, else `default_profile`.
pub fn chosen(args: &ConnectionArgs, config: &Config) -> Result<Option<String>, Failure> {
    profiles::choose(config, args.profile_name(env_var).as_deref()).map_err(Failure::input)
}

/// The connection for the chosen profile, with its stored key when no variable or file gives
/// one. Warnings (a key file others can read) go to stderr.
pub fn connection(args: &ConnectionArgs, config: &Config) -> Result<Connection, Failure> {
    let profile = chosen(args, config)?;
    connection_for(args, config, profile.as_deref())
}

/// The connection for `profile` (a name from [`profiles::list`], `demo`, or none), with the
/// same flags and variables: what the console uses when the staff pick a profile.
pub fn connection_for(
    args: &ConnectionArgs,
    config: &Config,
    profile: Option<&str>,
) -> Result<Connection, Failure> {
    let mut notes = vec![];
    let result = profiles::resolve(
        input(args, config)?,
        config,
        profile,
        &OsKeychain,
        &mut notes,
    );
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
fn confirm(question: &str) -> bool {
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
    profile: Option<&str>,
    key: ApiKey,
) -> Result<Connection, Failure> {
    let mut input = input(args, config)?;
    input.api_key_env = None;
    input.api_key_file = None;
    input.demo = false;
    if let Some(p) = profile {
        input.profile = Some(profiles::settings(config, p).map_err(Failure::input)?);
    }
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

pub async fn login(args: &ConnectionArgs, config: &Config, login: &LoginArgs) -> Outcome {
    let profile = chosen(args, config)?;
    if profile.as_deref() == Some(DEMO) {
        return Err(Failure::input(
            "the demo profile needs no key: pick another with --profile",
        ));
    }
    let key = read_key(login, profile.as_deref())?;
    let connection = check_key(args, config, profile.as_deref(), key.clone()).await?;
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
    let input = input(args, config)?;
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
                    "the key was not stored: run again with --file to keep it in {} (owner-only, 0600), or start a keychain (README: Logging in)",
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

pub fn logout(args: &ConnectionArgs, config: &Config) -> Outcome {
    let profile = chosen(args, config)?;
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

/// The lines `status` prints.
pub fn status_lines(connection: &Connection, from_default: bool) -> Vec<(&'static str, String)> {
    let demo = connection.target == Target::Demo;
    let profile = match (&connection.profile, from_default) {
        (Some(p), true) => format!("{p} (default_profile in the config file)"),
        (Some(p), false) => format!("{p} (--profile or VITAL_ONBOARD_PROFILE)"),
        (None, _) => "none".into(),
    };
    let (env, region) = if demo {
        ("demo".to_string(), "-".to_string())
    } else {
        (
            connection.env.as_str().to_string(),
            connection.region.as_str().to_string(),
        )
    };
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
    let mut lines = vec![
        ("profile", profile),
        ("environment", env),
        ("region", region),
        ("host", host(connection)),
        ("key", key),
        ("key source", source),
        ("key order", KEY_ORDER.to_string()),
    ];
    if connection.read_only {
        lines.push((
            "read-only",
            "yes: minting and creating users are refused".into(),
        ));
    }
    lines
}

pub fn status(args: &ConnectionArgs, config: &Config) -> Outcome {
    let connection = connection(args, config)?;
    let from_default = args.profile_name(env_var).is_none() && config.default_profile.is_some();
    let mut out = String::new();
    for (k, v) in status_lines(&connection, from_default) {
        out.push_str(&format!("{k:<12} {v}\n"));
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

pub fn list_profiles(config: &Config, json: bool) -> Outcome {
    let rows = profiles::list(config, &OsKeychain);
    let mut out = String::new();
    if json {
        for r in &rows {
            out.push_str(&serde_json::to_string(r).expect("rows serialize"));
            out.push('\n');
        }
    } else {
        out.push_str(&format!(
            "  {:<20} {:<12} {:<12} {:<10} {}\n",
            "PROFILE", "ENVIRONMENT", "REGION", "KEY", "HOST"
        ));
        for r in &rows {
            let (key, host) = (r.key_label(), r.host_label());
            out.push_str(&format!(
                "{} {:<20} {:<12} {:<12} {:<10} {}{}\n",
                if r.default { "*" } else { " " },
                r.name,
                r.environment,
                r.region,
                key,
                host,
                if r.read_only { " (read-only)" } else { "" },
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(key: Option<&str>, source: KeySource, profile: Option<&str>) -> Connection {
        ConnectionInput {
            stored_key: key.map(|k| (ApiKey::new(k), source)),
            profile: profile.map(|p| crate::setup::connection::ProfileSettings {
                name: p.into(),
                read_only: true,
                ..Default::default()
            }),
            timeout_secs: 20,
            ..Default::default()
        }
        .resolve()
        .unwrap()
    }

    #[test]
    fn status_shows_the_prefix_and_source_never_the_key() {
        let c = conn(Some("pk_eu_topsecret"), KeySource::Keychain, Some("eu"));
        let lines = status_lines(&c, false);
        let text = format!("{lines:?}");
        assert!(!text.contains("topsecret"), "{text}");
        let get = |k: &str| lines.iter().find(|(n, _)| *n == k).unwrap().1.clone();
        assert_eq!(get("key"), "pk_eu_…");
        assert_eq!(get("environment"), "production");
        assert_eq!(get("region"), "eu");
        assert_eq!(get("host"), "https://api.eu.junction.com");
        assert!(get("key source").contains("keychain"));
        assert!(get("profile").starts_with("eu "));
        assert!(get("key order").starts_with("VITAL_API_KEY, then --api-key-file"));
        assert!(get("read-only").starts_with("yes"));

        let c = conn(None, KeySource::None, None);
        let lines = status_lines(&c, false);
        assert!(format!("{lines:?}").contains("none: demo mode"));
    }
}
