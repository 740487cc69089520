//! The non-interactive commands: `link`, `users`, `users create`, `providers`, `emulator`
//! (`presets` is in [`super::presets`]).
//! Output goes to stdout; notes, errors and `link --qr`'s code to stderr. Exit codes: 0 ok, 2 bad
//! input (nothing sent), 3 the API refused, 4 the API could not be reached, failed after retries
//! or did not answer like the Vital API, 130 interrupted by Ctrl-C (SIGINT).

use std::io::Write;

use chrono::Utc;

use crate::api::{ApiError, PageGuard, Provider, User, display_url};
use crate::audit::{Outcome, Scope, Source, Store};
use crate::cli::{EmulatorArgs, LinkArgs};
use crate::emulator::{self, EmulatorOptions};
use crate::link::catalog;
use crate::link::qr::{QrMatrix, QrStyle};
use crate::link::{self, LinkOptions, MintedLink};
use crate::setup::config::Config;
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

fn out(text: &str) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

/// Checks the link arguments; nothing has been sent yet. `--preset` starts from that preset
/// of the config file; each flag given overrides its field.
pub fn link_options(args: &LinkArgs, config: &Config) -> Result<LinkOptions, Failure> {
    let base = match &args.preset {
        Some(name) => config
            .preset
            .iter()
            .find(|p| &p.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = config.preset.iter().map(|p| p.name.as_str()).collect();
                Failure::input(format!(
                    "--preset {name:?}: no such preset in the config file (there: {})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ))
            })?
            .link_options(),
        None => LinkOptions::default(),
    };
    // Normalised when good; a bad one is kept for the check below, which says it with the rest.
    let redirect_url = args
        .redirect_url
        .as_ref()
        .or(base.redirect_url.as_ref())
        .map(|u| link::check_redirect_url(u).unwrap_or_else(|_| u.clone()));
    // Slugs are lower case on the wire; `Oura,FITBIT,oura` means `oura,fitbit`.
    let allowlist = args
        .providers
        .as_deref()
        .map(link::slug_list)
        .or(base.allowlist);
    let options = LinkOptions {
        provider: args
            .provider
            .as_ref()
            .map(|p| p.trim().to_lowercase())
            .or(base.provider),
        allowlist,
        redirect_url,
        on_error_redirect: link::redirects(args.on_error) || base.on_error_redirect,
        on_close_redirect: link::redirects(args.on_close) || base.on_close_redirect,
    };
    refuse_problems(&options)?;
    if args.user.trim().is_empty() {
        return Err(Failure::input(
            "--user is empty: give a user_id or a client_user_id",
        ));
    }
    if let Some(path) = &args.qr_png {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() {
            return Err(Failure::input(format!(
                "--qr-png {}: the folder {} does not exist",
                path.display(),
                dir.display()
            )));
        }
    }
    Ok(options)
}

/// Every problem of the link options at once ([`LinkOptions::problems`]): one alone is the
/// error; several are each said on stderr, then counted in the error. Nothing is sent.
fn refuse_problems(options: &LinkOptions) -> Result<(), Failure> {
    match options.problems().as_slice() {
        [] => Ok(()),
        [one] => Err(Failure::input(one.message.clone())),
        several => {
            for p in several {
                eprintln!("error: {}", sanitize(&p.message));
            }
            Err(Failure::input(format!(
                "{} problems with the link options: nothing was sent",
                several.len()
            )))
        }
    }
}

/// In demo mode the link lives in an emulator inside this process and stops working when the
/// command returns: `--copy`, `--qr` and `--qr-png`, which hand it on for later, are refused with
/// the reason and the fix. Nothing has been sent yet.
pub fn refuse_handouts_in_demo(args: &LinkArgs) -> Result<(), Failure> {
    let given: Vec<&str> = [
        (args.copy, "--copy"),
        (args.qr, "--qr"),
        (args.qr_png.is_some(), "--qr-png"),
    ]
    .into_iter()
    .filter_map(|(set, flag)| set.then_some(flag))
    .collect();
    let flags = match given.as_slice() {
        [] => return Ok(()),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Err(Failure::input(format!(
        "{flags} would hand out a demo link, which stops working when this command returns (the demo emulator runs inside it); nothing was minted. \
         For a link that lasts, run `vital-onboard emulator` in another terminal, then pass --base-url with the address it prints (and VITAL_API_KEY set to any non-empty value)"
    )))
}

/// The note after a demo `users create`: the user went to a throwaway emulator.
pub const DEMO_USER_NOTE: &str = "Demo mode: this user was created in the emulator inside this process and is gone when it exits. \
     For a lasting one, run `vital-onboard emulator` in another terminal and pass --base-url.";

/// Mints the link. With `--json` and `check_link_providers` on (the default), the object also
/// says what the Link page will offer (`patient_will_see`, `not_offered`: see `app::offered`).
pub async fn link(
    session: &Session,
    args: &LinkArgs,
    options: LinkOptions,
    check_link_providers: bool,
) -> CommandResult {
    for w in options.warnings() {
        eprintln!("warning: {w}");
    }
    let user = session.client.find_user(args.user.trim()).await?;
    let request = options.request(user.user_id);
    let token = session.client.link_token(&request).await?;
    let minted = MintedLink {
        user_id: user.user_id,
        client_user_id: user.client_user_id.clone(),
        token,
        request,
        minted_at: Utc::now(),
    };
    tracing::info!(
        user_id = %minted.user_id,
        fingerprint = %minted.fingerprint(),
        "link minted"
    );
    let preset = preset_label(args);
    audit_mint(session, &minted, preset.as_deref(), Source::CommandLine).await;
    // Checked by the client (an absolute https URL, or http on loopback, no controls); sanitized
    // all the same, as every network string is before output.
    let url = sanitize(&minted.token.link_web_url);
    let qr = if args.qr {
        let q = QrMatrix::encode(&url, 'M').ok();
        if q.is_none() {
            eprintln!(
                "note: no QR code: the link ({} characters) is too long for one; use the URL",
                url.chars().count()
            );
        }
        q
    } else {
        None
    };
    // The code goes to stderr, so stdout holds the URL (or the JSON) alone:
    // `URL=$(vital-onboard link ... --qr)` shows the code and keeps the URL.
    if let Some(q) = &qr {
        eprint!("{}", qr_for_stderr(q));
    }
    if args.json {
        let mut json = minted.to_json();
        if check_link_providers {
            add_offered(session, &minted, &mut json).await;
        }
        sanitize_json(&mut json);
        out(&json.to_string())?;
    } else {
        out(&url)?;
    }
    eprintln!(
        "Link for {} ({}): valid until {} local time ({} min from now; the API spec's text says {} min). Token {}.",
        sanitize(&minted.client_user_id),
        minted.user_id,
        minted
            .expires_at()
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S"),
        link::LIFETIME_MINUTES,
        link::SPEC_LIFETIME_MINUTES,
        minted.fingerprint()
    );
    if let Some(path) = &args.qr_png {
        crate::link::qr::save_png(&url, path)
            .map_err(|e| Failure::internal(format!("could not save the QR code: {e}")))?;
        eprintln!("Saved the QR code to {}", path.display());
    }
    if args.copy {
        let keep = minted.remaining(Utc::now());
        let native = crate::clipboard::copy_and_keep(&url, keep);
        let osc = crate::clipboard::osc52_to_tty(&url);
        let msg = if native {
            crate::clipboard::CopyOutcome::System.message()
        } else if osc {
            // As the console's `c`: inside a tmux that drops OSC 52, say so with the fix.
            match crate::clipboard::CopyOutcome::of(
                crate::clipboard::NativeCopy::Absent,
                crate::clipboard::tmux_here,
            ) {
                crate::clipboard::CopyOutcome::TmuxDrops => {
                    "Not copied: tmux drops OSC 52 · run tmux set -g set-clipboard on, then run \
                     this again"
                        .into()
                }
                outcome => outcome.message(),
            }
        } else {
            "Not copied: no display and no terminal to send OSC 52 to".into()
        };
        eprintln!("{msg}");
    }
    if session.is_demo() {
        eprintln!(
            "Demo mode: this link points at the emulator inside this process and stops working when it exits. \
             For a lasting one, run `vital-onboard emulator` and pass --base-url."
        );
    }
    Ok(())
}

/// The preset `link --preset` started from, as the audit log names it: `NAME`, or `NAME
/// (modified)` when a flag overrides one of its fields (as the console names a changed preset).
fn preset_label(args: &LinkArgs) -> Option<String> {
    let name = args.preset.as_ref()?;
    let modified = args.provider.is_some()
        || args.providers.is_some()
        || args.redirect_url.is_some()
        || args.on_error.is_some()
        || args.on_close.is_some();
    Some(if modified {
        format!("{name} (modified)")
    } else {
        name.clone()
    })
}

/// Where and by whom a command mints: the session's host and environment (every run of the
/// built-in emulator is the one host `demo`), `source`, and the `operator` setting.
pub fn audit_scope(session: &Session, source: Source) -> Scope {
    let operator = &session.connection.settings.operator.value;
    if session.is_demo() {
        return Scope::demo(source, operator);
    }
    let c = &session.connection;
    Scope::api(
        c.env.as_str(),
        c.region.as_str(),
        &display_url(session.client.base_url()),
        source,
        operator,
    )
}

/// Writes `minted`'s row to the audit log: made by `source` (`link` is
/// [`Source::CommandLine`], `presets check --live` is [`Source::Check`]), from `preset` if one.
/// Only its fingerprint is written, never the token or the URL. A log that cannot be written
/// is a warning on stderr: the link stands.
pub async fn audit_mint(
    session: &Session,
    minted: &MintedLink,
    preset: Option<&str>,
    source: Source,
) {
    let mut event = audit_scope(session, source).event(
        Outcome::Minted,
        &minted.request,
        &minted.client_user_id,
        minted.minted_at,
    );
    event.preset = preset.map(str::to_string);
    event.token_fingerprint = Some(minted.fingerprint());
    let written = match crate::audit::default_path() {
        None => Err("there is no data folder for history.sqlite3".to_string()),
        Some(path) => tokio::task::spawn_blocking(move || {
            Store::open(&path)
                .and_then(|s| s.record(&event))
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string())),
    };
    if let Err(e) = written {
        eprintln!(
            "warning: the audit log is unavailable ({}): the link was minted but not logged",
            sanitize(&e)
        );
    }
}

/// `patient_will_see` (the names the Link page offers) and `not_offered` (each asked-for slug it
/// will not offer, with the reason); on failure `patient_will_see_error` and a note on stderr.
async fn add_offered(session: &Session, minted: &MintedLink, json: &mut serde_json::Value) {
    match session
        .client
        .link_providers(&minted.token.link_token)
        .await
    {
        Ok(list) => {
            let page = link::offered::compare(&minted.request, &list);
            json["patient_will_see"] = serde_json::json!(page.names);
            json["not_offered"] = page
                .missing
                .iter()
                .map(|m| serde_json::json!({ "slug": m.slug, "reason": m.reason }))
                .collect();
        }
        Err(e) => {
            let reason = sanitize(&e.to_string());
            eprintln!("note: could not ask what the Link page will offer: {reason}");
            json["patient_will_see_error"] = serde_json::Value::String(reason);
        }
    }
}

/// The code as `link --qr` shows it on stderr: black on white in explicit colours on a terminal
/// (whatever its theme), else plain half blocks with no escape sequence, dark modules drawn as
/// the glyphs (dark on light where the text is dark on a light background; many phone cameras
/// also read the inverted code a dark theme shows).
fn qr_for_stderr(q: &QrMatrix) -> String {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        q.ansi()
    } else {
        let mut text = q.lines(QrStyle::Half).join("\n");
        text.push('\n');
        text
    }
}

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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn link_args(args: &[&str]) -> LinkArgs {
        let all = [&["vital-onboard", "link", "--user", "patient-00001"], args].concat();
        match Cli::try_parse_from(all).unwrap().command {
            Some(Command::Link(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    /// The audit log names the preset `link --preset` started from, "(modified)" when a flag
    /// changed one of its fields, as the console does.
    #[test]
    fn the_audit_row_names_the_preset_and_whether_a_flag_changed_it() {
        assert_eq!(preset_label(&link_args(&[])), None);
        assert_eq!(
            preset_label(&link_args(&["--preset", "wearables"])).as_deref(),
            Some("wearables")
        );
        for flag in [
            &["--providers", "oura"][..],
            &["--provider", "oura"],
            &["--redirect-url", "https://example.com/done"],
            &["--on-close", "redirect"],
        ] {
            let args = link_args(&[&["--preset", "wearables"][..], flag].concat());
            assert_eq!(
                preset_label(&args).as_deref(),
                Some("wearables (modified)"),
                "{flag:?}"
            );
        }
    }
}
