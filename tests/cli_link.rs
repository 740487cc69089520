//! `link` on the command line: stdout holds the URL (or the JSON) alone and `--qr`'s code goes to
//! stderr, in colour only on a terminal; provider slugs in any case, each sent once; SDK-only
//! providers and a direct provider outside the allowlist refused, every problem said at once;
//! deprecated ones warned of. In demo mode `--copy`, `--qr` and `--qr-png` are refused, and
//! `users create` says the user is throwaway. `--language` picks what the patient reads.

mod common;

use std::process::Command;

use common::pty::{Pty, wait_exit};
use common::*;
use serde_json::Value;

fn cmd(base: &str) -> Command {
    let mut c = no_config_command();
    c.env("VITAL_BASE_URL", base).env("VITAL_API_KEY", KEY);
    c
}

/// The QR lines at the start of stderr (before the first line of words: the patient's sentence).
fn code_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .take_while(|l| !l.chars().any(|c| c.is_ascii_alphabetic()))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn link_qr_keeps_stdout_for_the_url_and_the_code_on_stderr_is_plain() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(cmd(&base), &["link", "--user", "patient-00001", "--qr"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1, "the URL alone: {out:?}");
    let url = out.trim_end().to_string();
    assert!(url.starts_with(&format!("{base}link/?token=")), "{url}");
    let err = text(&o.stderr);
    assert!(
        !err.contains('\x1b'),
        "no escape sequences when stderr is not a terminal"
    );
    let lines = code_lines(&err);
    assert!(lines.len() > 10, "{err}");
    assert_eq!(decode_half_blocks(&lines).unwrap(), url);

    // --json --qr: stdout is one JSON object, the code on stderr.
    let o = run(
        cmd(&base),
        &["link", "--user", "patient-00001", "--qr", "--json"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON alone");
    let err = text(&o.stderr);
    assert!(!err.contains('\x1b'));
    assert_eq!(
        decode_half_blocks(&code_lines(&err)).unwrap(),
        v["link_web_url"].as_str().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn url_capture_in_a_terminal_shows_the_code_in_colour() {
    let emu = emulator(1).await;
    let dir = tempfile::tempdir().unwrap();
    let captured = dir.path().join("url");
    // stderr is a terminal; stdout is redirected as `URL=$(...)` would.
    let mut sh = common::pty::shell(&format!(
        "exec '{BIN}' link --user patient-00001 --qr > '{}'",
        captured.display()
    ));
    sh.env("VITAL_BASE_URL", emu.base_url().as_str());
    sh.env("VITAL_API_KEY", KEY);
    let (status, terminal) = tokio::task::spawn_blocking(move || {
        let mut pty = Pty::start(sh, 48, 160);
        let status = wait_exit(&mut pty);
        let raw = pty.raw.lock().unwrap().clone();
        (status, text(&raw))
    })
    .await
    .unwrap();
    assert!(status.success(), "{terminal}");
    assert!(
        terminal.contains("\x1b[38;5;16;48;5;231m"),
        "black on white on a terminal: {terminal:?}"
    );
    let url = std::fs::read_to_string(&captured).unwrap();
    assert_eq!(url.lines().count(), 1, "{url:?}");
    assert!(url.starts_with("http://127.0.0.1:") && !url.contains('\x1b'));
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_slugs_match_in_any_case() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(&base),
        &[
            "link",
            "--user",
            "patient-00001",
            "--providers",
            "Oura,FITBIT",
            "--provider",
            "Oura",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // The minutes left as the console's link view counts them right after a mint (rounded
    // down: "in 59 min"), not the link's lifetime.
    let err = text(&o.stderr);
    assert!(err.contains("(59 min from now;"), "{err}");
    let sent = &emu.link_requests()[0].body;
    assert_eq!(
        sent["filter_on_providers"],
        serde_json::json!(["oura", "fitbit"])
    );
    assert_eq!(sent["provider"], "oura");
}

#[tokio::test(flavor = "multi_thread")]
async fn sdk_only_providers_are_refused_before_sending() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--providers", "oura,Apple_Health_Kit"],
            "error: apple_health_kit (Apple HealthKit) connects only from the mobile app (SDK): Link cannot offer it; see `vital-onboard providers`\n",
        ),
        (
            &["--provider", "omron_ble"],
            "error: omron_ble (Omron (Bluetooth)) connects only from the mobile app (SDK): Link cannot open it; see `vital-onboard providers`\n",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["link", "--user", "patient-00001"];
        args.extend_from_slice(extra);
        let o = run(cmd(&base), &args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        assert_eq!(text(&o.stderr), *expected, "{args:?}");
        assert!(o.stdout.is_empty());
    }
    assert!(emu.link_requests().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_problem_is_said_at_once_and_nothing_is_sent() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(&base),
        &[
            "link",
            "--user",
            "patient-00001",
            "--providers",
            "oura,apple_health_kit,health_connect,fitbt,garmn,FITBT",
        ],
    )
    .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "four problems, each once, then the count:\n{err}"
    );
    for needle in [
        "error: apple_health_kit (Apple HealthKit) connects only from the mobile app",
        "error: health_connect",
        "error: unknown provider \"fitbt\": did you mean \"fitbit\"?",
        "error: unknown provider \"garmn\": did you mean \"garmin\"?",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(needle)),
            "{needle}:\n{err}"
        );
    }
    assert_eq!(
        lines[4],
        "error: 4 problems with the link options: nothing was sent"
    );
    assert!(o.stdout.is_empty());

    // A direct provider the allowlist leaves out is refused before sending.
    let o = run(
        cmd(&base),
        &[
            "link",
            "--user",
            "patient-00001",
            "--provider",
            "garmin",
            "--providers",
            "oura",
        ],
    )
    .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        "error: the direct provider garmin is not in the allowlist, so it cannot be offered: add it there, or choose no direct provider\n"
    );
    assert!(emu.link_requests().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_slug_is_sent_once_and_a_deprecated_one_warns() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(&base),
        &[
            "link",
            "--user",
            "patient-00001",
            "--providers",
            "oura,Oura,google_fit,oura",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let sent = &emu.link_requests()[0].body;
    assert_eq!(
        sent["filter_on_providers"],
        serde_json::json!(["oura", "google_fit"])
    );
    assert!(
        text(&o.stderr).starts_with("warning: google_fit (Google Fit) is deprecated\n"),
        "{}",
        text(&o.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_links_are_not_handed_out_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    let png = png.to_str().unwrap();
    for (extra, flags) in [
        (&["--copy"][..], "--copy would"),
        (&["--qr"], "--qr would"),
        (&["--qr-png", png], "--qr-png would"),
        (
            &["--qr", "--copy", "--qr-png", png],
            "--copy, --qr and --qr-png would",
        ),
    ] {
        let mut args = vec!["link", "--demo", "--user", "patient-00001"];
        args.extend_from_slice(extra);
        let o = run(no_config_command(), &args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.starts_with(&format!("error: {flags} hand out a demo link")),
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
        assert!(o.stdout.is_empty(), "no link is printed");
    }
    assert!(!std::path::Path::new(png).exists(), "no code was saved");
    // With problems of the options too, every one is said, the refusal of --qr among them.
    let o = run(
        no_config_command(),
        &[
            "link",
            "--demo",
            "--user",
            "patient-00001",
            "--providers",
            "oura,fitbt",
            "--qr",
        ],
    )
    .await;
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("unknown provider \"fitbt\""), "{err}");
    assert!(err.contains("--qr would hand out a demo link"), "{err}");
    // Without them a demo link is still printed, with its warning.
    let o = run(no_config_command(), &["link", "--user", "patient-00001"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("Demo mode"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_user_is_said_to_be_throwaway() {
    for json in [false, true] {
        let mut args = vec!["users", "create", "trial-demo-1"];
        if json {
            args.push("--json");
        }
        let o = run(no_config_command(), &args).await;
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("Demo mode: this user was created in the emulator inside this process and is gone when it exits"),
            "{err}"
        );
        assert!(err.contains("run `vital-onboard emulator`"), "{err}");
    }
    let emu = emulator(1).await;
    let o = run(
        cmd(emu.base_url().as_str()),
        &["users", "create", "trial-real-1"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(
        !text(&o.stderr).contains("Demo mode"),
        "{}",
        text(&o.stderr)
    );
}

/// `--language` picks what the patient reads: `--json`'s `patient_text`, the sentence `--qr`
/// prints under the code, and the language of the audit row; without it, `patient_language` in
/// the config file. A tag the console has no language for is refused (exit 2) with the tags, and
/// nothing is minted.
#[tokio::test(flavor = "multi_thread")]
async fn language_picks_what_the_patient_reads_and_the_audit_row_records_it() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "patient_language = \"fr\"\n").unwrap();
    let with_files = || {
        let mut c = cmd(&base);
        c.env("VITAL_ONBOARD_CONFIG", &cfg)
            .env("VITAL_ONBOARD_HISTORY", &db);
        c
    };
    let link = ["link", "--user", "patient-00001"];

    let o = run(
        with_files(),
        &[&link[..], &["--json", "--language", "es"]].concat(),
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON alone");
    let p = &v["patient_text"];
    assert_eq!(p["language"], "es");
    assert_eq!(p["heading"], "Conecte sus dispositivos");
    assert_eq!(
        p["instruction"],
        "Escanee con la cámara de su teléfono para conectar sus dispositivos"
    );
    assert!(
        ["Quedan 59 minutos", "Quedan 58 minutos"].contains(&p["time_left"].as_str().unwrap()),
        "{p}"
    );
    assert_eq!(
        p["expired"],
        "Este código ha caducado. Pida uno nuevo al personal, por favor."
    );

    // --qr: the sentence under the code, in the language; the code still scans.
    let o = run(
        with_files(),
        &[&link[..], &["--qr", "--language", "DE"]].concat(),
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "\nScannen Sie den Code mit der Kamera Ihres Smartphones, um Ihre Geräte zu verbinden\n"
        ),
        "{err}"
    );
    assert_eq!(
        decode_half_blocks(&code_lines(&err)).unwrap(),
        text(&o.stdout).trim_end()
    );

    // Without --language: the config file's.
    let o = run(with_files(), &[&link[..], &["--json"]].concat()).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["patient_text"]["language"], "fr");
    assert_eq!(v["patient_text"]["heading"], "Connectez vos appareils");

    let o = run(with_files(), &[&link[..], &["--language", "it"]].concat()).await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("--language") && err.contains("use one of en, es, fr, de, pt-BR"),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    let events = vital_onboard::audit::Store::open(&db)
        .unwrap()
        .events()
        .unwrap();
    let languages: Vec<Option<&str>> = events.iter().map(|e| e.language.as_deref()).collect();
    assert_eq!(
        languages,
        [Some("es"), Some("de"), Some("fr")],
        "one row a mint"
    );
}
