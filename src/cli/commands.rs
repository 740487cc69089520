//! The non-interactive commands: `users`, `users create`, `providers`, `emulator` (`link` is in
//! [`super::link`], `presets` in [`super::presets`]); the exit codes and `Failure` they share.
//! Output goes to stdout; notes, errors and `link --qr`'s code to stderr. Exit codes: 0 ok, 2 bad
//! input (nothing sent), 3 the API refused, 4 the API could not be reached, failed after retries
//! or did not answer like the Vital API, 130 interrupted by Ctrl-C (SIGINT).

use std::io::Write;

use crate::api::{ApiError, PageGuard, Provider, User};
use crate::cli::EmulatorArgs;
use crate::emulator::{self, EmulatorOptions};
use crate::link;
use crate::link::catalog;
use crate::setup::session::Session;
use crate::text::{sanitize, sanitize_json};

/// The exit code after Ctrl-C (SIGINT): 128 + 2, as shells report it.
pub const INTERRUPTED: u8 = 130;

/// A command failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// Ctrl-C (SIGINT) ended the command: exit 130, as shells report an interrupted program.
    pub fn interrupted(message: impl Into<String>) -> Self {
        Failure {
            code: INTERRUPTED,
            message: message.into(),
        }
    }

    /// A write to stdout failed. A closed pipe (`| head`) is a normal end, said nothing about.
    #[allow(clippy::needless_pass_by_value)] // taken by value to be `map_err(Failure::stdout)`
    pub fn stdout(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure {
                code: 0,
                message: String::new(),
            }
        } else {
            Failure::internal(format!("cannot write to stdout: {e}"))
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

pub type CommandResult = Result<(), Failure>;

pub use super::link::{audit_mint, audit_scope, link, link_options, refuse_handouts_in_demo};

pub(super) fn out(text: &str) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

/// The note after a demo `users create`: the user went to a throwaway emulator.
pub const DEMO_USER_NOTE: &str = "Demo mode: this user was created in the emulator inside this process and is gone when it exits. \
     For a lasting one, run `vital-onboard emulator` in another terminal and pass --base-url.";

fn connected_summary(u: &User) -> String {
    let slugs = u.connected_slugs();
    if slugs.is_empty() {
        "-".into()
    } else {
        sanitize(&slugs.join(","))
    }
}

fn user_row(u: &User) -> String {
    let created = u
        .created_on
        .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d").to_string());
    format!(
        "{:<24} {:<36} {:<10} {}",
        sanitize(&u.client_user_id),
        u.user_id,
        created,
        connected_summary(u)
    )
}

fn print_users(users: &[User], json: bool, header: bool) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    let mut write = |line: String| writeln!(stdout, "{line}");
    let result: std::io::Result<()> = (|| {
        if !json && header {
            write(format!(
                "{:<24} {:<36} {:<10} {}",
                "CLIENT_USER_ID", "USER_ID", "CREATED", "CONNECTED"
            ))?;
        }
        for u in users {
            if json {
                let mut v = serde_json::to_value(u).expect("users serialize");
                sanitize_json(&mut v);
                write(v.to_string())?;
            } else {
                write(user_row(u))?;
            }
        }
        Ok(())
    })();
    result.map_err(Failure::stdout)
}

pub async fn users(session: &Session, search: Option<&str>, json: bool) -> CommandResult {
    if let Some(q) = search {
        let q = q.trim();
        if q.chars().count() < 2 {
            return Err(Failure::input("--search needs at least 2 characters"));
        }
        let found = session.client.search_users(q).await?;
        print_users(&found, json, true)?;
        if !json {
            eprintln!("{} user(s) match {:?}", found.len(), sanitize(q));
        }
        return Ok(());
    }
    let page_size = crate::api::client::MAX_PAGE;
    let mut guard = PageGuard::new(session.client.target(), page_size);
    let mut first = true;
    loop {
        let page = session
            .client
            .list_users(guard.next_offset(), page_size)
            .await?;
        // A page that repeats the last one (or any answer that makes no sense) stops here,
        // before it is printed.
        let next = guard.accept(&page)?;
        print_users(&page.users, json, first)?;
        first = false;
        if next.is_none() {
            if !json {
                eprintln!("{} user(s)", guard.seen());
            }
            return Ok(());
        }
    }
}

pub async fn create_user(session: &Session, client_user_id: &str, json: bool) -> CommandResult {
    let id = client_user_id.trim();
    if id.is_empty() {
        return Err(Failure::input("the client_user_id is empty"));
    }
    if let Some(w) = link::personal_data_warning(id) {
        eprintln!("warning: {id:?} {w}");
    }
    let created = session.client.create_user(id).await?;
    if json {
        let mut v = serde_json::to_value(&created).expect("serializes");
        sanitize_json(&mut v);
        out(&v.to_string())?;
    } else {
        out(&created.user_id.to_string())?;
        eprintln!(
            "Created user {} for client_user_id {:?}",
            created.user_id, id
        );
    }
    if session.is_demo() {
        eprintln!("{DEMO_USER_NOTE}");
    }
    Ok(())
}

fn provider_row(p: &Provider) -> String {
    let auth = p
        .auth_type
        .as_ref()
        .map_or_else(|| "-".into(), |a| a.label().to_string());
    let link = if p.can_link() {
        "yes"
    } else {
        "no (mobile SDK only)"
    };
    let deprecated = if catalog::is_deprecated(&p.slug) {
        " (deprecated)"
    } else {
        ""
    };
    format!(
        "{:<20} {:<28} {:<12} {}{}",
        sanitize(&p.slug),
        sanitize(&p.name),
        sanitize(&auth),
        link,
        deprecated
    )
}

pub async fn providers(session: &Session, json: bool) -> CommandResult {
    let list = session.client.providers().await?;
    if json {
        for p in &list {
            let mut v = serde_json::to_value(p).expect("serializes");
            let linkable = p.can_link();
            v["linkable"] = serde_json::Value::Bool(linkable);
            sanitize_json(&mut v);
            out(&v.to_string())?;
        }
        return Ok(());
    }
    out(&format!(
        "{:<20} {:<28} {:<12} {}",
        "SLUG", "NAME", "AUTH", "LINK"
    ))?;
    for p in &list {
        out(&provider_row(p))?;
    }
    Ok(())
}

/// Serves the emulator until SIGINT or SIGTERM, after printing exactly one line
/// `listening on http://HOST:PORT`. SIGTERM ends it with exit 0, Ctrl-C (SIGINT) with 130, both
/// after a clean shutdown and without a word.
pub async fn emulator(args: &EmulatorArgs) -> CommandResult {
    // Watched before the line is printed: a signal sent as soon as it is read is not missed.
    let signals =
        Signals::watch().map_err(|e| Failure::internal(format!("cannot watch signals: {e}")))?;
    let emu = emulator::start(
        args.host,
        args.port,
        EmulatorOptions {
            users: args.users,
            api_key: args.api_key.clone(),
        },
    )
    .await
    .map_err(|e| Failure::internal(format!("cannot listen on {}:{}: {e}", args.host, args.port)))?;
    if emulator::lan::is_exposed(args.host) {
        emu.serve_as(emulator::lan::public_host(args.host));
        eprintln!("warning: {}", emulator::lan::WARNING);
    }
    out(&format!(
        "listening on {}",
        emu.public_url().as_str().trim_end_matches('/')
    ))?;
    let stop = signals.next().await;
    emu.shutdown().await;
    match stop {
        Stop::Interrupt => Err(Failure::interrupted("")),
        Stop::Terminate => Ok(()),
    }
}

enum Stop {
    Interrupt,
    Terminate,
}

/// SIGINT and SIGTERM, watched from the moment of [`Signals::watch`].
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn watch() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    async fn next(mut self) -> Stop {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Stop::Interrupt,
                _ = self.terminate.recv() => Stop::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Stop::Interrupt
        }
    }
}
