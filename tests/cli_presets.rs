//! `presets`, `presets check` and `link --preset`, running the built binary (against an
//! in-process emulator on loopback for `link`).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

const GOOD: &str = r#"# Northside's presets
clinic_name = "Northside"

[[preset]]
name = "wearables"
providers = ["oura", "fitbit"]
redirect_url = "https://clinic.example/done"
on_error = "redirect"

[[preset]]
name = "cgm"
provider = "dexcom_v3"
"#;

const BAD: &str = r#"[[preset]]
name = "rings"
providers = ["oura", "fitbt"]

[[preset]]
name = "phones"
providers = ["apple_health_kit"]
on_close = "redirect"

[[preset]]
name = "rings"
redirect_url = "ftp://clinic.example"
"#;

fn cmd(config: &Path, base: Option<&str>) -> Command {
    let mut c = clean_command();
    c.env("VITAL_ONBOARD_CONFIG", config);
    c.env("VITAL_ONBOARD_HISTORY", config.with_extension("sqlite3"));
    if let Some(b) = base {
        c.env("VITAL_BASE_URL", b).env("VITAL_API_KEY", KEY);
    }
    c.stdin(Stdio::null());
    c
}

fn config(dir: &tempfile::TempDir, body: &str) -> std::path::PathBuf {
    let p = dir.path().join("config.toml");
    std::fs::write(&p, body).unwrap();
    p
}

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
