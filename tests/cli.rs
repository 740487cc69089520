//! The built binary's commands and exit codes, against an in-process emulator (`--base-url`).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

fn cmd(base: Option<&str>, key: Option<&str>) -> Command {
    let mut c = no_config_command();
    if let Some(b) = base {
        c.env("VITAL_BASE_URL", b);
    }
    if let Some(k) = key {
        c.env("VITAL_API_KEY", k);
    }
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn link_json_has_the_documented_fields_and_matches_the_request() {
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &[
            "link",
            "--user",
            "patient-00002",
            "--providers",
            "oura,fitbit",
            "--redirect-url",
            "https://clinic.example/done",
            "--on-error",
            "redirect",
            "--on-close",
            "redirect",
            "--json",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for f in [
        "user_id",
        "client_user_id",
        "link_token",
        "link_web_url",
        "minted_at",
        "expires_at",
    ] {
        assert!(v[f].is_string(), "{f} missing: {v}");
    }
    assert_eq!(v["client_user_id"], "patient-00002");
    let minted = chrono::DateTime::parse_from_rfc3339(v["minted_at"].as_str().unwrap()).unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - minted).num_minutes(), 60);
    let sent = &emu.link_requests()[0].body;
    assert_eq!(
        sent,
        &serde_json::json!({
            "user_id": v["user_id"],
            "filter_on_providers": ["oura", "fitbit"],
            "redirect_url": "https://clinic.example/done",
            "on_error": "redirect",
            "on_close": "redirect",
        })
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("(59 min from now;") && err.contains("says 10 min"),
        "{err}"
    );
    assert!(
        !err.contains(v["link_token"].as_str().unwrap()),
        "the token stays off stderr"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn link_prints_only_the_url_and_accepts_a_uuid() {
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let id = vital_onboard::emulator::stable_uuid("patient-00003").to_string();
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &["link", "--user", &id, "--provider", "oura"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with(&format!("{base}link/?token=")), "{out}");
    assert_eq!(emu.link_requests()[0].body["provider"], "oura");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_and_sends_nothing() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "link",
                "--user",
                "patient-00001",
                "--providers",
                "oura,fitbt",
            ],
            "did you mean \"fitbit\"",
        ),
        (
            &["link", "--user", "patient-00001", "--provider", "ourra"],
            "did you mean \"oura\"",
        ),
        (
            &["link", "--user", "patient-00001", "--providers", ","],
            "allowlist is empty",
        ),
        (
            &[
                "link",
                "--user",
                "patient-00001",
                "--redirect-url",
                "clinic.example",
            ],
            "absolute http(s) URL",
        ),
        (
            &["link", "--user", "patient-00001", "--on-error", "close"],
            "invalid value",
        ),
        (&["link", "--user", " "], "--user is empty"),
        (&["users", "--search", "a"], "at least 2 characters"),
        (&["users", "create", " "], "client_user_id is empty"),
    ];
    for (args, expect) in cases {
        let o = run(cmd(Some(&base), Some(KEY)), args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(expect),
            "{args:?}: {}",
            text(&o.stderr)
        );
        assert!(o.stdout.is_empty());
    }
    assert!(emu.link_requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn key_and_environment_mismatch_exit_2_before_any_request() {
    // No --base-url: a real host would be used, so these must stop before sending.
    let o = run(
        cmd(None, Some("sk_us_abc")),
        &["--env", "production", "providers"],
    )
    .await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("does not match the API key"));
    let o = run(
        cmd(None, Some("pk_eu_abc")),
        &["--env", "sandbox", "providers"],
    )
    .await;
    assert_eq!(code(&o), 2);
    let o = run(
        cmd(None, Some("sk_us_abc")),
        &["--region", "eu", "providers"],
    )
    .await;
    assert_eq!(code(&o), 2);
    let o = run(cmd(None, Some("garbage")), &["providers"]).await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("sk_us_, sk_eu_"));
    let o = run(cmd(Some("http://127.0.0.1:9"), None), &["providers"]).await;
    assert_eq!(
        code(&o),
        2,
        "--base-url without a key is refused before sending"
    );
    assert!(text(&o.stderr).contains("--base-url needs an API key"));
    let o = run(cmd(None, None), &["--api-key", "sk_us_abc", "providers"]).await;
    assert_eq!(code(&o), 2, "there is no --api-key flag");
    let o = run(
        cmd(None, None),
        &["--api-key-file", "/nonexistent/key", "providers"],
    )
    .await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("cannot read the API key file"));
}

#[tokio::test(flavor = "multi_thread")]
async fn api_refusals_exit_3() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(Some(&base), Some("sk_us_wrong_key_xyz")),
        &["providers"],
    )
    .await;
    assert_eq!(code(&o), 3);
    let err = text(&o.stderr);
    assert!(err.contains("API key was refused"), "{err}");
    assert!(!err.contains("wrong_key_xyz"), "the key is never printed");
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &["link", "--user", "nobody-at-all"],
    )
    .await;
    assert_eq!(code(&o), 3);
    assert_eq!(
        text(&o.stderr),
        "error: a user with client_user_id \"nobody-at-all\" was not found: check the id, or list users with `vital-onboard users`\n",
        "said once, without the API's own sentence in parentheses"
    );
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &["users", "create", "patient-00001"],
    )
    .await;
    assert_eq!(code(&o), 3);
    let existing = vital_onboard::emulator::stable_uuid("patient-00001").to_string();
    assert!(
        text(&o.stderr).contains(&existing),
        "names the user that has the id"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_and_failing_api_exit_4() {
    let (_held, port) = refused_port();
    let o = run(
        cmd(Some(&format!("http://127.0.0.1:{port}")), Some(KEY)),
        &["providers"],
    )
    .await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("could not reach"));

    let emu = emulator(0).await;
    emu.inject_fault(vital_onboard::emulator::Fault {
        retry_after: Some(0),
        ..vital_onboard::emulator::Fault::new("/v2/providers", 503, 3)
    });
    let o = run(
        cmd(Some(emu.base_url().as_str()), Some(KEY)),
        &["providers"],
    )
    .await;
    assert_eq!(code(&o), 4);
    assert!(
        text(&o.stderr).contains("HTTP 503 after 3 attempts"),
        "{}",
        text(&o.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn users_table_json_search_and_create() {
    let emu = emulator(600).await;
    let base = emu.base_url().to_string();
    let o = run(cmd(Some(&base), Some(KEY)), &["users"]).await;
    assert_eq!(code(&o), 0);
    let out = text(&o.stdout);
    assert!(out.starts_with("CLIENT_USER_ID"));
    assert_eq!(
        out.lines().count(),
        607,
        "header + every user across two pages"
    );
    assert!(out.contains("mrn-100232") && out.contains("dexcom_v3,fitbit"));
    let o = run(cmd(Some(&base), Some(KEY)), &["users", "--json"]).await;
    let lines = json_lines(&text(&o.stdout));
    assert_eq!(lines.len(), 606);
    let o = run(cmd(Some(&base), Some(KEY)), &["users", "--search", "cgm"]).await;
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 3, "{out}");
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &["users", "create", "walk-in-42", "--json"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["client_user_id"], "walk-in-42");
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &["users", "create", "ana@example.com"],
    )
    .await;
    assert_eq!(code(&o), 0);
    assert!(text(&o.stderr).contains("looks like an email address"));
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_table_and_json() {
    let emu = emulator(0).await;
    let base = emu.base_url().to_string();
    let o = run(cmd(Some(&base), Some(KEY)), &["providers"]).await;
    assert_eq!(code(&o), 0);
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 42);
    let ahk = out
        .lines()
        .find(|l| l.starts_with("apple_health_kit"))
        .unwrap();
    assert!(ahk.contains("no (mobile SDK only)"));
    assert!(
        out.lines()
            .find(|l| l.starts_with("google_fit"))
            .unwrap()
            .contains("deprecated")
    );
    let o = run(cmd(Some(&base), Some(KEY)), &["providers", "--json"]).await;
    let rows = json_lines(&text(&o.stdout));
    assert_eq!(rows.len(), 41);
    assert_eq!(rows.iter().filter(|r| r["linkable"] == false).count(), 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_is_the_default_without_a_key() {
    let o = run(
        cmd(None, None),
        &[
            "link",
            "--user",
            "patient-00001",
            "--providers",
            "oura,fitbit",
            "--json",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["link_web_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert!(text(&o.stderr).contains("Demo mode"));
}

#[tokio::test(flavor = "multi_thread")]
async fn emulator_command_prints_one_line_and_stops_on_sigterm() {
    let mut child = cmd(None, None)
        .args(["emulator", "--port", "0", "--users", "5", "--api-key", "k1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        (line, reader)
    })
    .await
    .unwrap();
    let (line, mut reader) = line;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    // It serves: the users command against it sees 6 demo + 5 generated users.
    let o = run(cmd(Some(&url), Some("k1")), &["users", "--json"]).await;
    assert_eq!(text(&o.stdout).lines().count(), 11);
    signal(child.id(), nix::sys::signal::Signal::SIGTERM);
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    assert!(rest.is_empty(), "exactly one line: got more {rest:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn link_qr_png_writes_a_scannable_file() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patient.png");
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &[
            "link",
            "--user",
            "patient-00001",
            "--qr-png",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let url = text(&o.stdout).trim().to_string();
    assert!(text(&o.stderr).contains("Saved the QR code to"));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut px = vec![0u8; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut px).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    assert_eq!(img.detect_grids()[0].decode().unwrap().1, url);

    let missing = dir.path().join("no/such/dir/x.png");
    let o = run(
        cmd(Some(&base), Some(KEY)),
        &[
            "link",
            "--user",
            "patient-00001",
            "--qr-png",
            missing.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("does not exist"));
    assert_eq!(emu.link_requests().len(), 1, "nothing sent for bad input");
}

#[tokio::test(flavor = "multi_thread")]
async fn link_copy_without_a_display_is_not_an_error() {
    let emu = emulator(1).await;
    // The clean environment has no display.
    let c = cmd(Some(emu.base_url().as_str()), Some(KEY));
    let o = run(c, &["link", "--user", "patient-00001", "--copy"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("OSC 52") || err.contains("no display and no terminal"),
        "{err}"
    );
    assert!(!err.contains("Copied to the system clipboard"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_is_a_quiet_end() {
    let emu = emulator(0).await;
    let script = format!(
        "set -o pipefail; {BIN} providers 2>&1 | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    );
    let mut bash = common::env::clean(Command::new("bash"));
    bash.args(["-c", &script])
        .env("VITAL_ONBOARD_CONFIG", common::bin::empty_config())
        .env("VITAL_BASE_URL", emu.base_url().as_str())
        .env("VITAL_API_KEY", KEY);
    let out = tokio::task::spawn_blocking(move || bash.output().unwrap())
        .await
        .unwrap();
    let printed = text(&out.stdout);
    assert_eq!(
        printed.trim(),
        "0",
        "exit 0 and no error when the reader goes away: {printed}"
    );
}
