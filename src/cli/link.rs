//! `vital-onboard link`: the options checked before anything is sent (every problem at once;
//! the demo's refusal of a hand-out beside them), the mint, its audit row, what the Link page
//! will offer (`--json`), the code on stderr (`--qr`), the PNG and the copy.

use chrono::Utc;

use super::commands::{CommandResult, Failure, out};
use crate::api::display_url;
use crate::audit::{Event, Outcome, Scope, Source, Store};
use crate::cli::LinkArgs;
use crate::i18n::Language;
use crate::link::patient_text::{self, PatientText};
use crate::link::qr::{QrMatrix, QrStyle};
use crate::link::{self, LinkOptions, MintedLink};
use crate::setup::config::Config;
use crate::setup::session::Session;
use crate::text::{sanitize, sanitize_json};

/// Checks the link arguments; nothing has been sent yet. `--preset` starts from that preset
/// of the config file; each flag given overrides its field.
pub fn link_options(args: &LinkArgs, config: &Config) -> Result<LinkOptions, Failure> {
    if args.app_code {
        // None of the link's options go with an app code: the checks below see none.
        super::app_code::check(args)?;
    }
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
    if args.app_code {
        return Err(super::app_code::demo_refusal());
    }
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

/// Mints the link. With `--json` and `check_link_providers` on (the default), the object also
/// says what the Link page will offer (`patient_will_see`, `not_offered`: see `app::offered`).
pub async fn link(
    session: &Session,
    args: &LinkArgs,
    options: LinkOptions,
    check_link_providers: bool,
) -> CommandResult {
    if args.app_code {
        return super::app_code::app_code(session, args).await;
    }
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
    // The patient's language: --language, else the setting (profile, config file, English).
    let language = args
        .language
        .unwrap_or(session.connection.settings.patient_language.value);
    audit_mint(
        session,
        &minted,
        preset.as_deref(),
        Source::CommandLine,
        Some(language),
    )
    .await;
    // Checked by the client (an absolute https URL, or http on loopback, no controls); sanitized
    // all the same, as every network string is before output.
    let url = sanitize(&minted.token.link_web_url);
    if args.qr {
        print_qr(&url, language);
    }
    if args.json {
        let mut json = minted.to_json();
        json["patient_text"] =
            serde_json::to_value(PatientText::new(language, minted.remaining(Utc::now())))
                .expect("strings serialize");
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
        crate::link::patient_text::whole_minutes(minted.remaining(Utc::now())),
        link::SPEC_LIFETIME_MINUTES,
        minted.fingerprint()
    );
    if let Some(path) = &args.qr_png {
        crate::link::qr::save_png(&url, path)
            .map_err(|e| Failure::internal(format!("could not save the QR code: {e}")))?;
        eprintln!("Saved the QR code to {}", path.display());
    }
    if args.copy {
        copy_for_later(&url, minted.remaining(Utc::now()));
    }
    if session.is_demo() {
        eprintln!(
            "Demo mode: this link points at the emulator inside this process and stops working when it exits. \
             For a lasting one, run `vital-onboard emulator` and pass --base-url."
        );
    }
    Ok(())
}

/// Copies `text` (a link URL or an app code) for `keep` (the clipboard is cleared after, if it
/// still holds it), and says on stderr how it went, as the console's `c` does.
pub(super) fn copy_for_later(text: &str, keep: std::time::Duration) {
    let native = crate::clipboard::copy_and_keep(text, keep);
    let osc = crate::clipboard::osc52_to_tty(text);
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
/// [`Source::CommandLine`], `presets check --live` is [`Source::Check`]), from `preset` if one,
/// for a patient who reads `language` (none for a link no patient is shown). Only its
/// fingerprint is written, never the token or the URL. A log that cannot be written is a
/// warning on stderr: the link stands.
pub async fn audit_mint(
    session: &Session,
    minted: &MintedLink,
    preset: Option<&str>,
    source: Source,
    language: Option<Language>,
) {
    let mut event = audit_scope(session, source).event(
        Outcome::Minted,
        &minted.request,
        &minted.client_user_id,
        minted.minted_at,
    );
    event.preset = preset.map(str::to_string);
    event.token_fingerprint = Some(minted.fingerprint());
    event.language = language.map(|l| l.tag().to_string());
    event.expires_at = Some(minted.expires_at());
    record_mint(event, "link").await;
}

/// Writes a mint's row (`what` was minted: "link", "app code") to the audit log, off the async
/// threads; a log that cannot be written is a warning, never a failed command.
pub(super) async fn record_mint(event: Event, what: &str) {
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
            "warning: the audit log is unavailable ({}): the {what} was minted but not logged",
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

/// `--qr`: the code on stderr, so stdout holds the URL (or the JSON) alone (`URL=$(vital-onboard
/// link ... --qr)` shows the code and keeps the URL), with the sentence the patient reads under
/// it in their language; a note instead when the link is too long for a code.
fn print_qr(url: &str, language: Language) {
    match QrMatrix::encode(url, 'M') {
        Ok(q) => {
            eprint!("{}", qr_for_stderr(&q));
            eprintln!("{}", patient_text::scan(language));
        }
        Err(_) => eprintln!(
            "note: no QR code: the link ({} characters) is too long for one; use the URL",
            url.chars().count()
        ),
    }
}

/// The code as `link --qr` shows it on stderr: black on white in explicit colours on a terminal
/// (whatever its theme), else plain half blocks with no escape sequence, dark modules drawn as
/// the glyphs (dark on light where the text is dark on a light background; many phone cameras
/// also read the inverted code a dark theme shows).
pub(super) fn qr_for_stderr(q: &QrMatrix) -> String {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        q.ansi()
    } else {
        let mut text = q.lines(QrStyle::Half).join("\n");
        text.push('\n');
        text
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
