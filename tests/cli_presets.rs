//! `presets`, `presets check` (offline) and `link --preset`, running the built binary (against
//! an in-process emulator on loopback for `link`). The live check: `cli_presets_live.rs`.

mod common;

use std::process::Stdio;

use common::presets::{BAD, GOOD, cmd, config};
use common::*;
use serde_json::Value;

#[tokio::test]
async fn presets_lists_them_as_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, GOOD);
    let o = run(cmd(&c, None), &["presets"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "wearables\toura, fitbit; redirect https://clinic.example/done; on error: redirect"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with("cgm\tall linkable providers; direct dexcom_v3"),
        "{out}"
    );
    let o = run(cmd(&c, None), &["presets", "--json"]).await;
    let rows = json_lines(&text(&o.stdout));
    assert_eq!(rows[0]["name"], "wearables");
    assert_eq!(rows[0]["providers"], serde_json::json!(["oura", "fitbit"]));
    assert_eq!(rows[1]["provider"], "dexcom_v3");
}

#[tokio::test]
async fn presets_check_passes_a_clean_file_and_names_each_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(cmd(&config(&dir, GOOD), None), &["presets", "check"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("2 preset(s), no problem found"));

    let c = config(&dir, BAD);
    let o = run(cmd(&c, None), &["presets", "check"]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    let file = c.display().to_string();
    for want in [
        format!(
            "{file}:line 3: preset \"rings\": unknown provider \"fitbt\": did you mean \"fitbit\"?"
        ),
        format!("{file}:line 7: preset \"phones\": apple_health_kit"),
        format!(
            "{file}:line 8: preset \"phones\": a redirect option is on but there is no redirect_url"
        ),
        format!(
            "{file}:line 11: preset \"rings\": the name \"rings\" is used by an earlier preset"
        ),
        format!(
            "{file}:line 12: preset \"rings\": the redirect URL must be an absolute http(s) URL"
        ),
    ] {
        assert!(err.contains(&want), "{want}\nnot in:\n{err}");
    }
    assert!(err.contains("error: 5 problems in 3 presets"), "{err}");
}

#[tokio::test]
async fn a_broken_config_file_is_reported_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, "clinic_name = \"A\"\n[[preset]]\nname = \n");
    for args in [&["presets"][..], &["presets", "check"], &["users"]] {
        let o = run(cmd(&c, None), args).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.contains("line 3, column"), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn link_preset_uses_the_preset_and_flags_override_its_fields() {
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, GOOD);
    let o = run(
        cmd(&c, Some(&base)),
        &["link", "--user", "patient-00001", "--preset", "wearables"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(
        cmd(&c, Some(&base)),
        &[
            "link",
            "--user",
            "patient-00001",
            "--preset",
            "wearables",
            "--providers",
            "garmin",
            "--on-close",
            "redirect",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sent: Vec<Value> = emu.link_requests().into_iter().map(|r| r.body).collect();
    let user = sent[0]["user_id"].clone();
    assert_eq!(
        sent[0],
        serde_json::json!({
            "user_id": user,
            "filter_on_providers": ["oura", "fitbit"],
            "redirect_url": "https://clinic.example/done",
            "on_error": "redirect",
        })
    );
    assert_eq!(
        sent[1],
        serde_json::json!({
            "user_id": user,
            "filter_on_providers": ["garmin"],
            "redirect_url": "https://clinic.example/done",
            "on_error": "redirect",
            "on_close": "redirect",
        })
    );
    let o = run(
        cmd(&c, Some(&base)),
        &["link", "--user", "patient-00001", "--preset", "nope"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no such preset in the config file (there: wearables, cgm)"));
    assert_eq!(
        emu.link_requests().len(),
        2,
        "nothing sent for an unknown preset"
    );
}

#[tokio::test]
async fn the_offline_check_takes_config_after_check_json_and_junit_and_refuses_live_options() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, BAD);
    let mut plain = clean_command();
    plain.stdin(Stdio::null());
    let junit = dir.path().join("out.xml");
    let o = run(
        plain,
        &[
            "presets",
            "check",
            "--config",
            c.to_str().unwrap(),
            "--json",
            "--junit",
            junit.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let rows = json_lines(&text(&o.stdout));
    let names: Vec<(&str, bool, usize)> = rows
        .iter()
        .map(|r| {
            (
                r["preset"].as_str().unwrap(),
                r["passed"].as_bool().unwrap(),
                r["problems"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("rings", false, 1),
            ("phones", false, 2),
            ("rings", false, 2)
        ]
    );
    assert_eq!(rows[0]["checked_live"], false);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("tests=\"3\" failures=\"3\""), "{xml}");

    let o = run(
        cmd(&c, None),
        &["presets", "check", "--base-url", "http://127.0.0.1:9"],
    )
    .await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--base-url goes with --live: the offline check sends nothing"),
        "{}",
        text(&o.stderr)
    );
    let o = run(cmd(&c, None), &["presets", "check", "--user", "x"]).await;
    assert_eq!(code(&o), 2, "--user needs --live");
    let o = run(
        cmd(&c, None),
        &["presets", "check", "--junit", "/nonexistent/dir/out.xml"],
    )
    .await;
    assert!(
        text(&o.stderr).contains("the folder /nonexistent/dir does not exist"),
        "{}",
        text(&o.stderr)
    );
}

#[tokio::test]
async fn presets_check_help_names_the_live_options_with_examples_and_exit_codes() {
    let o = run(clean_command(), &["presets", "check", "--help"]).await;
    assert_eq!(code(&o), 0);
    let help = text(&o.stdout);
    for flag in [
        "--live",
        "--user",
        "--yes",
        "--json",
        "--junit",
        "--base-url",
        "--read-only",
    ] {
        assert!(help.contains(&format!("  {flag}")), "{flag}:\n{help}");
    }
    let examples = help.find("Examples:").expect("examples");
    let codes = help
        .find("Exit codes: 0 every preset passes")
        .expect("codes");
    assert!(examples < codes && help.trim_end().ends_with("130 interrupted (Ctrl-C)."));
}
