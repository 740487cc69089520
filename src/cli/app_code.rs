//! `vital-onboard link --user USER --app-code [--expires-in 30m] [--json] [--qr] [--qr-png FILE]
//! [--copy] [--language TAG]`: a one-time code for the Junction Connect app (Apple Health)
//! instead of a link. The code alone on stdout (or the JSON, with the patient's steps in their
//! language); `--qr` draws the App Store code on stderr with the steps under it, `--qr-png` saves
//! it, `--copy` copies the code. Audited like a link (kind "app code", the language, the
//! fingerprint, never the code).

use chrono::{DateTime, Duration, Utc};

use super::commands::{CommandResult, Failure, out};
use super::link::{audit_scope, copy_for_later, qr_for_stderr};
use crate::api::{AppCode, JUNCTION_CONNECT_APP_STORE, LinkTokenRequest, fingerprint};
use crate::app::app_code::grouped;
use crate::audit::{Event, Kind, Outcome, Source};
use crate::cli::LinkArgs;
use crate::i18n::Language;
use crate::link::patient_text::{AppCodePatientText, whole_minutes};
use crate::link::qr::QrMatrix;
use crate::setup::session::Session;
use crate::text::sanitize;

/// The shortest and longest `--expires-in`.
pub const SHORTEST_MINUTES: i64 = 5;
pub const LONGEST_MINUTES: i64 = 24 * 60;

/// `--expires-in`: a number and a unit (`30m`, `2h`, `1h30m`; `min`, `hours` also read), from
/// 5 minutes to 24 hours.
pub fn parse_expires_in(text: &str) -> Result<Duration, String> {
    let t = text.trim().to_ascii_lowercase();
    let example = "give a number and a unit, like 30m, 2h or 1h30m";
    let mut total = 0i64;
    let mut rest = t.as_str();
    if rest.is_empty() {
        return Err(format!("--expires-in is empty: {example}"));
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("--expires-in {text:?}: {example}"))?;
        rest = rest[digits..].trim_start();
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let minutes = match rest[..unit].trim() {
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "" => return Err(format!("--expires-in {text:?}: {example}")),
            _ => {
                return Err(format!(
                    "--expires-in {text:?}: the unit is m or h ({example})"
                ));
            }
        };
        total = n
            .checked_mul(minutes)
            .and_then(|m| total.checked_add(m))
            .ok_or_else(|| format!("--expires-in {text:?} is too long"))?;
        rest = &rest[unit..];
    }
    if (SHORTEST_MINUTES..=LONGEST_MINUTES).contains(&total) {
        Ok(Duration::minutes(total))
    } else {
        Err(format!(
            "--expires-in {text:?}: an app code works from 5 minutes to 24 hours (give 5m to 24h)"
        ))
    }
}

/// Checks `--app-code`'s arguments; nothing has been sent yet. The link's own flags are
/// refused with it: an app code has no allowlist, no direct provider, no redirect.
pub fn check(args: &LinkArgs) -> Result<(), Failure> {
    let given: Vec<&str> = [
        (args.providers.is_some(), "--providers"),
        (args.provider.is_some(), "--provider"),
        (args.preset.is_some(), "--preset"),
        (args.redirect_url.is_some(), "--redirect-url"),
        (args.on_error.is_some(), "--on-error"),
        (args.on_close.is_some(), "--on-close"),
    ]
    .into_iter()
    .filter_map(|(set, flag)| set.then_some(flag))
    .collect();
    let flags = match given.as_slice() {
        [] => None,
        [one] => Some(format!("{one} does")),
        [rest @ .., last] => Some(format!("{} and {last} do", rest.join(", "))),
    };
    if let Some(flags) = flags {
        return Err(Failure::input(format!(
            "{flags} not go with --app-code: an app code has no allowlist, provider or redirect (the patient connects Apple Health in the Junction Connect app and can add cloud providers there); nothing was sent"
        )));
    }
    if let Some(e) = &args.expires_in {
        parse_expires_in(e).map_err(Failure::input)?;
    }
    Ok(())
}

/// In demo mode the code lives in an emulator inside this process and dies with the command:
/// refused with the reason and the fix `link`'s hand-outs get.
pub fn demo_refusal() -> Failure {
    Failure::input(
        "--app-code would hand out a demo code, which stops working when this command returns (the demo emulator runs inside it); nothing was minted. \
         For a code that lasts, run `vital-onboard emulator` in another terminal, then pass --base-url with the address it prints (and VITAL_API_KEY set to any non-empty value)",
    )
}

/// What `--json` prints; `patient_text` is what the patient reads, in `language`.
fn to_json(
    code: &AppCode,
    user_id: uuid::Uuid,
    client_user_id: &str,
    language: Language,
) -> serde_json::Value {
    let patient_text = AppCodePatientText::new(language, remaining(code, Utc::now()));
    serde_json::json!({
        "kind": "app code",
        "code": code.code,
        "exchange_url": code.exchange_url,
        "expires_at": code.expires_at,
        "user_id": user_id,
        "client_user_id": client_user_id,
        "fingerprint": fingerprint(&code.code),
        "app_store_url": JUNCTION_CONNECT_APP_STORE,
        "patient_text": patient_text,
    })
}

/// `--qr`'s words under the App Store code: the patient's steps in their language, the code
/// (grouped) where step 2 asks for it, and the time left.
fn steps_for_stderr(code: &AppCode, language: Language) -> String {
    let t = AppCodePatientText::new(language, remaining(code, Utc::now()));
    let [install, enter, allow] = &t.steps;
    format!(
        "{}\n{install}\n{enter}\n   {}\n   {}\n{allow}\n{}\n",
        t.heading,
        grouped(&sanitize(&code.code)),
        t.no_spaces,
        t.time_left,
    )
}

/// How long `code` still works at `now`.
fn remaining(code: &AppCode, now: DateTime<Utc>) -> std::time::Duration {
    (code.expires_at - now).to_std().unwrap_or_default()
}

/// Mints the code and hands it out as the flags say.
pub async fn app_code(session: &Session, args: &LinkArgs) -> CommandResult {
    let lifetime = match &args.expires_in {
        Some(e) => Some(parse_expires_in(e).map_err(Failure::input)?),
        None => None,
    };
    let user = session.client.find_user(args.user.trim()).await?;
    let minted_at = Utc::now();
    let code = session
        .client
        .create_app_code(user.user_id, lifetime.map(|l| minted_at + l))
        .await
        .map_err(|e| Failure {
            code: e.exit_code(),
            message: crate::api::app_code_refusal(&e),
        })?;
    let print = fingerprint(&code.code);
    tracing::info!(user_id = %user.user_id, fingerprint = %print, "app code minted");
    // The patient's language: --language, else the setting (profile, config file, English).
    let language = args
        .language
        .unwrap_or(session.connection.settings.patient_language.value);
    audit(
        session,
        &code,
        (user.user_id, &user.client_user_id),
        minted_at,
        language,
    )
    .await;
    if args.qr {
        match QrMatrix::encode(JUNCTION_CONNECT_APP_STORE, 'M') {
            Ok(q) => eprint!("{}", qr_for_stderr(&q)),
            Err(e) => eprintln!("note: no QR code: {e}"),
        }
        eprint!("{}", steps_for_stderr(&code, language));
    }
    // Checked by the client (the spec's pattern: letters and digits only); sanitized all the
    // same, as every network string is before output.
    if args.json {
        let mut json = to_json(&code, user.user_id, &user.client_user_id, language);
        crate::text::sanitize_json(&mut json);
        out(&json.to_string())?;
    } else {
        out(&sanitize(&code.code))?;
    }
    eprintln!(
        "App code for {} ({}): works once, until {} local time ({} min from now). Code {print}.",
        sanitize(&user.client_user_id),
        user.user_id,
        code.expires_at
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S"),
        minutes_left(code.expires_at, Utc::now()),
    );
    eprintln!(
        "The patient installs Junction Connect from the App Store ({JUNCTION_CONNECT_APP_STORE}), opens Settings and types the code without spaces."
    );
    if let Some(path) = &args.qr_png {
        crate::link::qr::save_png(JUNCTION_CONNECT_APP_STORE, path)
            .map_err(|e| Failure::internal(format!("could not save the QR code: {e}")))?;
        eprintln!("Saved the App Store QR code to {}", path.display());
    }
    if args.copy {
        let keep = (code.expires_at - Utc::now()).to_std().unwrap_or_default();
        copy_for_later(&sanitize(&code.code), keep);
    }
    Ok(())
}

/// Whole minutes left, as the console's views and the patient's words count them.
fn minutes_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    whole_minutes((expires_at - now).to_std().unwrap_or_default())
}

/// The mint's audit row: kind "app code", the patient's language, the code's fingerprint (never
/// the code). A log that cannot be written is a warning on stderr: the code stands.
async fn audit(
    session: &Session,
    code: &AppCode,
    (user_id, client_user_id): (uuid::Uuid, &str),
    minted_at: DateTime<Utc>,
    language: Language,
) {
    let request = LinkTokenRequest {
        user_id,
        ..LinkTokenRequest::default()
    };
    let mut event: Event = audit_scope(session, Source::CommandLine).event(
        Outcome::Minted,
        &request,
        client_user_id,
        minted_at,
    );
    event.kind = Kind::AppCode;
    event.token_fingerprint = Some(fingerprint(&code.code));
    event.language = Some(language.tag().to_string());
    event.expires_at = Some(code.expires_at);
    super::link::record_mint(event, "app code").await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_takes_5_minutes_to_24_hours() {
        for (text, minutes) in [
            ("5m", 5),
            ("30m", 30),
            ("30 min", 30),
            ("2h", 120),
            ("1h30m", 90),
            ("24h", 1440),
            ("90M", 90),
        ] {
            assert_eq!(
                parse_expires_in(text),
                Ok(Duration::minutes(minutes)),
                "{text}"
            );
        }
        for text in ["4m", "25h", "0m", "1441m"] {
            let e = parse_expires_in(text).unwrap_err();
            assert!(e.contains("from 5 minutes to 24 hours"), "{text}: {e}");
        }
        for text in ["", "30", "soon", "30s", "h", "99999999999999999999h"] {
            assert!(parse_expires_in(text).is_err(), "{text}");
        }
    }

    #[test]
    fn minutes_left_counts_whole_minutes_as_the_console_does() {
        let now = Utc::now();
        assert_eq!(minutes_left(now + Duration::seconds(3600), now), 60);
        assert_eq!(minutes_left(now + Duration::seconds(3599), now), 59);
        assert_eq!(minutes_left(now - Duration::seconds(5), now), 0);
    }
}
