//! `link --app-code`: the code alone on stdout, `--json`'s fields, the App Store code on stderr
//! (`--qr`) and in a PNG (`--qr-png`), `--copy`, `--expires-in` (5 minutes to 24 hours), the
//! link's own options refused with it (exit 2, nothing sent), the refusal in demo mode, a plan
//! without the app (the hint), and the audit row (kind "app code", the fingerprint, never the
//! code).

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;
use vital_onboard::api::{JUNCTION_CONNECT_APP_STORE, fingerprint, is_app_code};
use vital_onboard::audit::{Kind, Outcome, Store};
use vital_onboard::emulator::{RunningEmulator, stable_uuid};

fn cmd(emu: &RunningEmulator, history: &std::path::Path) -> Command {
    let mut c = no_config_command();
    c.env("VITAL_BASE_URL", emu.base_url().as_str())
        .env("VITAL_API_KEY", KEY)
        .env("VITAL_ONBOARD_HISTORY", history);
    c
}

fn issued(emu: &RunningEmulator) -> Vec<String> {
    emu.with_team(|t| t.app_codes.issued.iter().map(|r| r.code.clone()).collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_code_alone_on_stdout_and_an_audit_row_with_its_fingerprint_only() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let o = run(
        cmd(&emu, &db),
        &["link", "--user", "patient-00002", "--app-code"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out:?}");
    let printed = out.trim_end();
    assert!(is_app_code(printed), "{printed}");
    assert_eq!(issued(&emu), [printed]);
    let err = text(&o.stderr);
    assert!(err.contains("App code for patient-00002"), "{err}");
    assert!(
        err.contains("works once") && err.contains("(59 min from now)"),
        "whole minutes, as the console counts them: {err}"
    );
    assert!(err.contains(&fingerprint(printed)), "{err}");
    assert!(err.contains(JUNCTION_CONNECT_APP_STORE), "{err}");
    assert!(!err.contains(printed), "the code is on stdout only: {err}");
    let events = Store::open(&db).unwrap().events().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (e.outcome, e.kind, e.client_user_id.as_str()),
        (Outcome::Minted, Kind::AppCode, "patient-00002")
    );
    assert_eq!(e.user_id, Some(stable_uuid("patient-00002")));
    assert_eq!(
        e.token_fingerprint.as_deref(),
        Some(fingerprint(printed).as_str())
    );
    let raw = std::fs::read(&db).unwrap();
    let code_bytes = printed.as_bytes();
    assert!(
        !raw.windows(code_bytes.len()).any(|w| w == code_bytes),
        "the code is not in the audit log"
    );
    // `history` says what was handed out: an app code, not a link that allowed "all".
    let h = run(cmd(&emu, &db), &["history"]).await;
    assert_eq!(code(&h), 0, "{}", text(&h.stderr));
    let table = text(&h.stdout);
    let line = table
        .lines()
        .find(|l| l.contains("patient-00002"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("app code") && !line.contains(" all "),
        "{line}"
    );
    assert!(!table.contains(printed), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_gives_the_code_its_app_link_expiry_user_and_fingerprint() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let o = run(
        cmd(&emu, &db),
        &[
            "link",
            "--user",
            "patient-00001",
            "--app-code",
            "--json",
            "--expires-in",
            "30m",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON alone");
    let c = v["code"].as_str().unwrap();
    assert!(is_app_code(c));
    assert_eq!(v["exchange_url"], format!("tryvital://tryvital?code={c}"));
    assert_eq!(v["user_id"], stable_uuid("patient-00001").to_string());
    assert_eq!(v["fingerprint"], fingerprint(c));
    assert_eq!(v["kind"], "app code");
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(v["expires_at"].clone()).unwrap();
    let left = (expires - chrono::Utc::now()).num_seconds();
    assert!((1700..=1800).contains(&left), "--expires-in 30m: {left}s");
    let recorded = emu.with_team(|t| t.app_codes.issued[0].expires_at);
    assert_eq!(recorded, expires);
}

#[tokio::test(flavor = "multi_thread")]
async fn language_gives_the_patients_steps_in_json_and_qr_and_the_audit_row_records_it() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let o = run(
        cmd(&emu, &db),
        &[
            "link",
            "--user",
            "patient-00001",
            "--app-code",
            "--json",
            "--language",
            "es",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON alone");
    let p = &v["patient_text"];
    assert_eq!(p["language"], "es", "{v}");
    assert_eq!(p["heading"], "Conecte Apple Health");
    assert!(
        p["steps"][1]
            .as_str()
            .unwrap()
            .starts_with("2. Abra la aplicación"),
        "{p}"
    );
    assert_eq!(p["no_spaces"], "(escríbalo sin espacios)");
    assert!(
        p["time_left"].as_str().unwrap().contains("59 minutos"),
        "{p}"
    );
    let events = Store::open(&db).unwrap().events().unwrap();
    assert_eq!(events[0].language.as_deref(), Some("es"));
    let q = run(
        cmd(&emu, &db),
        &[
            "link",
            "--user",
            "patient-00002",
            "--app-code",
            "--qr",
            "--language",
            "fr",
        ],
    )
    .await;
    assert_eq!(code(&q), 0, "{}", text(&q.stderr));
    let printed = text(&q.stdout).trim_end().to_string();
    let err = text(&q.stderr);
    for want in [
        "Connectez Apple Health",
        "2. Ouvrez l'application, allez dans Réglages (Settings) et saisissez ce code",
        "(tapez-le sans espaces)",
    ] {
        assert!(err.contains(want), "{want}: {err}");
    }
    let grouped = format!("{} {} {}", &printed[..4], &printed[4..8], &printed[8..]);
    assert!(err.contains(&grouped), "the code under step 2: {err}");
    let events = Store::open(&db).unwrap().events().unwrap();
    assert_eq!(events[1].language.as_deref(), Some("fr"));
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_draws_the_app_store_code_and_qr_png_saves_it_and_copy_copies_the_code() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let png_path = dir.path().join("app.png");
    let o = run(
        cmd(&emu, &db),
        &[
            "link",
            "--user",
            "patient-00001",
            "--app-code",
            "--qr",
            "--qr-png",
            png_path.to_str().unwrap(),
            "--copy",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(is_app_code(text(&o.stdout).trim_end()));
    let err = text(&o.stderr);
    assert!(!err.contains('\x1b'), "plain when stderr is not a terminal");
    let lines: Vec<String> = err
        .lines()
        .take_while(|l| !l.starts_with("App code for"))
        .map(str::to_string)
        .collect();
    assert!(lines.len() > 10, "{err}");
    assert_eq!(
        decode_half_blocks(&lines).unwrap(),
        JUNCTION_CONNECT_APP_STORE
    );
    assert!(err.contains("Saved the App Store QR code to"), "{err}");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut px = vec![0u8; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut px).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    assert_eq!(
        img.detect_grids()[0].decode().unwrap().1,
        JUNCTION_CONNECT_APP_STORE
    );
    // The clean environment has no display: said, not an error.
    assert!(
        err.contains("OSC 52") || err.contains("no display and no terminal"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_links_options_and_a_lifetime_out_of_range_are_refused_before_sending() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    for (extra, said) in [
        (
            &["--providers", "oura"][..],
            "--providers does not go with --app-code",
        ),
        (
            &["--provider", "oura"],
            "--provider does not go with --app-code",
        ),
        (
            &["--preset", "wearables"],
            "--preset does not go with --app-code",
        ),
        (
            &["--redirect-url", "https://example.com/done"],
            "--redirect-url does not go with --app-code",
        ),
        (&["--on-error", "redirect"], "--on-error does not go"),
        (&["--on-close", "redirect"], "--on-close does not go"),
        (
            &["--providers", "oura", "--on-close", "redirect"],
            "--providers and --on-close do not go with --app-code",
        ),
        (&["--expires-in", "4m"], "from 5 minutes to 24 hours"),
        (&["--expires-in", "25h"], "from 5 minutes to 24 hours"),
        (&["--expires-in", "soon"], "like 30m, 2h or 1h30m"),
    ] {
        let mut args = vec!["link", "--user", "patient-00001", "--app-code"];
        args.extend_from_slice(extra);
        let o = run(cmd(&emu, &db), &args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        if !extra[0].starts_with("--expires") {
            assert!(err.contains("an app code has no allowlist"), "{err}");
        }
        assert!(o.stdout.is_empty());
    }
    // --expires-in belongs to --app-code.
    let o = run(
        cmd(&emu, &db),
        &["link", "--user", "patient-00001", "--expires-in", "30m"],
    )
    .await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--app-code"),
        "{}",
        text(&o.stderr)
    );
    assert!(issued(&emu).is_empty(), "nothing was sent");
    assert!(emu.link_requests().is_empty());
    assert!(!db.exists() || Store::open(&db).unwrap().events().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_refuses_an_app_code_with_the_reason_and_the_fix() {
    for extra in [&[][..], &["--json"], &["--qr"]] {
        let mut args = vec!["link", "--demo", "--user", "patient-00001", "--app-code"];
        args.extend_from_slice(extra);
        let o = run(no_config_command(), &args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.starts_with("error: --app-code would hand out a demo code"),
            "{err}"
        );
        assert!(
            err.contains("stops working when this command returns"),
            "{err}"
        );
        assert!(
            err.contains("run `vital-onboard emulator` in another terminal, then pass --base-url"),
            "{err}"
        );
        assert!(o.stdout.is_empty(), "no code is printed");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_without_the_app_is_refused_with_the_hint() {
    let emu = emulator(3).await;
    emu.with_team(|t| t.app_codes.plan_includes_app = false);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let o = run(
        cmd(&emu, &db),
        &["link", "--user", "patient-00001", "--app-code"],
    )
    .await;
    assert_eq!(code(&o), 3, "the API refused: {}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("not included in your team's plan"), "{err}");
    assert!(err.contains("needs Vital's Grow or Scale plan"), "{err}");
    assert!(o.stdout.is_empty());
    // An unknown patient is said as for a link.
    let o = run(
        cmd(&emu, &db),
        &["link", "--user", "nobody-here", "--app-code"],
    )
    .await;
    assert_eq!(code(&o), 3, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("nobody-here"),
        "{}",
        text(&o.stderr)
    );
}

/// `--expires-in 30m`: the audit row records the expiry the API answered, and `users --status`
/// counts down from it (not from a link's hour), in whole minutes as the mint's stderr counts.
#[tokio::test(flavor = "multi_thread")]
async fn a_code_minted_for_30_minutes_shows_29_minutes_left_in_stderr_and_users_status() {
    let emu = emulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let o = run(
        cmd(&emu, &db),
        &[
            "link",
            "--user",
            "patient-00002",
            "--app-code",
            "--expires-in",
            "30m",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("(29 min from now)"),
        "whole minutes, rounded down: {err}"
    );
    let events = Store::open(&db).unwrap().events().unwrap();
    let minted = events[0].time;
    let expires = events[0].expires_at.expect("the minted row's expiry");
    let lifetime = (expires - minted).num_seconds();
    assert!((1790..=1810).contains(&lifetime), "{lifetime} s");

    let o = run(cmd(&emu, &db), &["users", "--status", "--json"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let rows = json_lines(&text(&o.stdout));
    let row = rows
        .iter()
        .find(|r| r["client_user_id"] == "patient-00002")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(row["status"], "link_out", "{row}");
    // The same count as the mint's stderr (and the console's views): rounded down.
    assert_eq!(row["status_text"], "link out · 29 min left", "{row}");
    let at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(row["last_link"]["expires_at"].clone()).unwrap();
    assert_eq!(at, expires);
    // One wording for what it allowed, as `history --pending --csv` says it.
    assert_eq!(row["last_link"]["allowed"], "app code", "{row}");
    let o = run(cmd(&emu, &db), &["history", "--pending", "--csv"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let mut csv = csv::Reader::from_reader(out.as_bytes());
    let allowed = csv
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "allowed")
        .unwrap();
    let pending = csv
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "patient-00002")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(&pending[allowed], "app code", "{out}");
}
