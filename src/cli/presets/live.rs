//! `presets check --live`: the QA user (created once, never a patient), one link per preset the
//! lint passes, what each Link page offers, the question before production links, the summary.

use std::time::Instant;

use chrono::Utc;

use super::{Live, Verdict, check_junit_folder, print_lines, read, write_junit};
use crate::api::ApiError;
use crate::audit;
use crate::audit::Source;
use crate::cli::CheckArgs;
use crate::cli::commands::{CommandResult, Failure};
use crate::cli::login;
use crate::link::offered;
use crate::link::{LinkOptions, MintedLink};
use crate::setup::config::{Config, Preset};
use crate::setup::presets;
use crate::setup::session::Session;
use crate::text::{count, sanitize};

/// A test user's ids: the QA user's, or the one `--user` named.
struct QaUser {
    user_id: uuid::Uuid,
    client_user_id: String,
}

/// `presets check --live`: the lint, then (after y/N in production) one link per preset that
/// passes it, for the QA user, and what each Link page offers. Exit 2 when a preset fails.
pub async fn check_live(
    session: &Session,
    config: &Config,
    args: &CheckArgs,
    json_before: bool,
) -> CommandResult {
    let json = json_before || args.json;
    let (config, text) = read(config.path.as_deref())?;
    check_junit_folder(args)?;
    let problems = presets::lint(&text, &config.preset);
    let mut verdicts: Vec<Verdict> = config
        .preset
        .iter()
        .enumerate()
        .map(|(i, p)| Verdict::offline(p, &problems, i))
        .collect();
    let to_mint = verdicts.iter().filter(|v| v.problems.is_empty()).count();
    if config.preset.is_empty() {
        eprintln!(
            "no presets in the config file: nothing to check (add [[preset]] tables: `vital-onboard config init` writes a commented example)"
        );
        return write_junit(args, "presets check --live", &verdicts);
    }
    let user_asked = args.user.as_deref().map(str::trim);
    if user_asked == Some("") {
        return Err(Failure::input(
            "--user is empty: give the user_id or client_user_id of a test user",
        ));
    }
    let place = session.connection.label();
    if to_mint > 0 {
        confirm_production(session, to_mint, user_asked, args.yes)?;
    }
    let user = if to_mint > 0 {
        Some(qa_user(session, user_asked).await?)
    } else {
        None
    };
    for (verdict, preset) in verdicts.iter_mut().zip(&config.preset) {
        verdict.live = Live::NotMinted;
        if let (true, Some(user)) = (verdict.problems.is_empty(), &user) {
            let started = Instant::now();
            verdict.live = check_one(session, user, preset).await?;
            verdict.seconds = started.elapsed().as_secs_f64();
        }
        let lines = if json {
            vec![verdict.to_json().to_string()]
        } else {
            verdict.lines()
        };
        print_lines(&lines)?;
    }
    write_junit(args, "presets check --live", &verdicts)?;
    summary(&verdicts, &place, user.as_ref())
}

/// The last word on stderr, and exit 2 when a preset failed.
fn summary(verdicts: &[Verdict], place: &str, user: Option<&QaUser>) -> CommandResult {
    let failed = verdicts.iter().filter(|v| !v.passed()).count();
    let links = verdicts.iter().filter(|v| v.minted()).count();
    let minted = match user {
        Some(u) if links > 0 => format!(
            "{} minted for {} on {place}",
            count(links, "link", "links"),
            sanitize(&u.client_user_id),
        ),
        _ => "no link minted".into(),
    };
    if failed == 0 {
        let verdict = if verdicts.len() == 1 {
            "it passes"
        } else {
            "all pass"
        };
        eprintln!(
            "{} checked live, {verdict} ({minted})",
            count(verdicts.len(), "preset", "presets")
        );
        Ok(())
    } else {
        Err(Failure::input(format!(
            "{failed} of {} failed the live check ({minted})",
            count(verdicts.len(), "preset", "presets")
        )))
    }
}

/// In production: a y/N question on a terminal, `--yes` without one. Nothing is sent before.
fn confirm_production(
    session: &Session,
    count: usize,
    user: Option<&str>,
    yes: bool,
) -> CommandResult {
    use std::io::IsTerminal;
    if !session.connection.is_production() || yes {
        return Ok(());
    }
    let links = crate::text::count(count, "PRODUCTION link", "PRODUCTION links");
    let who = sanitize(user.unwrap_or(audit::QA_CLIENT_USER_ID));
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "this is production: minting {links} to check the presets needs --yes where there is no terminal to ask; nothing was sent"
        )));
    }
    if login::confirm(&format!("Mint {links} for {who} to check the presets?")) {
        Ok(())
    } else {
        Err(Failure::input("not confirmed: nothing was sent"))
    }
}

/// `--user`, looked up; else the QA user `vital-onboard-qa`, created once when missing.
async fn qa_user(session: &Session, asked: Option<&str>) -> Result<QaUser, Failure> {
    if let Some(id) = asked {
        let u = session.client.find_user(id).await?;
        return Ok(QaUser {
            user_id: u.user_id,
            client_user_id: u.client_user_id,
        });
    }
    let name = audit::QA_CLIENT_USER_ID;
    match session.client.resolve_user(name).await {
        Ok(u) => {
            return Ok(QaUser {
                user_id: u.user_id,
                client_user_id: u.client_user_id,
            });
        }
        Err(ApiError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let user_id = match session.client.create_user(name).await {
        Ok(created) => created.user_id,
        // Created meanwhile (another check running): that one is the QA user.
        Err(ApiError::DuplicateUser { user_id, .. }) => user_id,
        Err(e) => return Err(e.into()),
    };
    if session.is_demo() {
        eprintln!(
            "note: created the QA user {name} ({user_id}) in the demo emulator, which is gone when this command ends"
        );
    } else {
        eprintln!(
            "note: created the QA user {name} ({user_id}) for the checks; it is reused next time (it counts toward a sandbox team's 50 users)"
        );
    }
    Ok(QaUser {
        user_id,
        client_user_id: name.to_string(),
    })
}

/// Mints the preset's link, records it, and asks its Link page what it offers. A refused
/// mint fails this preset; a host that cannot be reached (or refuses the key) stops the check.
async fn check_one(session: &Session, user: &QaUser, preset: &Preset) -> Result<Live, Failure> {
    let options: LinkOptions = preset.link_options();
    for w in options.warnings() {
        eprintln!("warning: preset {:?}: {w}", sanitize(&preset.name));
    }
    let request = options.request(user.user_id);
    let token = match session.client.link_token(&request).await {
        Ok(t) => t,
        Err(e @ (ApiError::Validation { .. } | ApiError::Refused { .. })) => {
            return Ok(Live::Failed {
                fingerprint: None,
                reason: format!("the link was not minted: {e}"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let minted = MintedLink {
        user_id: user.user_id,
        client_user_id: user.client_user_id.clone(),
        token,
        request,
        minted_at: Utc::now(),
    };
    let fingerprint = minted.fingerprint();
    tracing::info!(user_id = %minted.user_id, fingerprint = %fingerprint, "link minted to check a preset");
    // A QA link: no patient reads it, so no language.
    crate::cli::commands::audit_mint(session, &minted, Some(&preset.name), Source::Check, None)
        .await;
    Ok(
        match session
            .client
            .link_providers(&minted.token.link_token)
            .await
        {
            Ok(list) => Live::Offered {
                fingerprint,
                offer: offered::compare(&minted.request, &list),
            },
            Err(e) => Live::Failed {
                fingerprint: Some(fingerprint),
                reason: format!("could not ask what the Link page will offer: {e}"),
            },
        },
    )
}
