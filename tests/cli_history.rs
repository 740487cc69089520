//! `history` (with `--json`, `--user`, `--since`, `--pending`), `link --json`'s "patient will
//! see" list, and an emulator served as its LAN address (checked as strings: no traffic leaves
//! loopback), running the built binary against an in-process emulator.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use common::*;
use serde_json::Value;
use vital_onboard::audit::{Event, Outcome, Store};

fn cmd(db: &Path, base: Option<&str>) -> Command {
    let mut c = clean_command();
    let cfg = db.with_extension("toml");
    if !cfg.exists() {
        std::fs::write(&cfg, "").unwrap();
    }
    c.env("VITAL_ONBOARD_CONFIG", cfg);
    c.env("VITAL_ONBOARD_HISTORY", db);
    if let Some(b) = base {
        c.env("VITAL_BASE_URL", b).env("VITAL_API_KEY", KEY);
    }
    c.stdin(Stdio::null());
    c
}

fn event(user: &str, user_id: uuid::Uuid, fp: &str, outcome: Outcome, ago: Duration) -> Event {
    Event {
        time: Utc::now() - ago,
        environment: "sandbox".into(),
        region: "us".into(),
        host: "http://127.0.0.1".into(),
        user_id: Some(user_id),
        client_user_id: user.into(),
        provider: (outcome == Outcome::Connected).then(|| "oura".to_string()),
        allowlist: Some(vec!["oura".into(), "fitbit".into()]),
        redirect_url: None,
        on_error: false,
        on_close: false,
        preset: Some("wearables".into()),
        token_fingerprint: Some(fp.into()),
        outcome,
        error: None,
    }
}

/// Three links: patient-00001 connected (2 h ago), patient-00002 not (1 h ago), patient-00003
/// not, 10 days ago.
fn seed(db: &Path) -> [uuid::Uuid; 3] {
    let ids = [1, 2, 3].map(|n| {
        vital_onboard::emulator::stable_uuid(&vital_onboard::emulator::generated_client_id(n))
    });
    let s = Store::open(db).unwrap();
    let h = Duration::hours;
    s.record(&event(
        "patient-00003",
        ids[2],
        "sha256:333333333333",
        Outcome::Minted,
        Duration::days(10),
    ))
    .unwrap();
    s.record(&event(
        "patient-00001",
        ids[0],
        "sha256:111111111111",
        Outcome::Minted,
        h(2),
    ))
    .unwrap();
    s.record(&event(
        "patient-00001",
        ids[0],
        "sha256:111111111111",
        Outcome::Connected,
        h(2) - Duration::minutes(3),
    ))
    .unwrap();
    s.record(&event(
        "patient-00002",
        ids[1],
        "sha256:222222222222",
        Outcome::Minted,
        h(1),
    ))
    .unwrap();
    s.record(&event(
        "patient-00002",
        ids[1],
        "sha256:222222222222",
        Outcome::Copied,
        h(1),
    ))
    .unwrap();
    ids
}

#[tokio::test]
async fn history_lists_links_newest_first_with_whether_the_patient_connected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    seed(&db);
    let o = run(cmd(&db, None), &["history"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains("patient-00002") && lines[0].ends_with("not connected (copied)"),
        "{out}"
    );
    assert!(
        lines[1].contains("patient-00001") && lines[1].ends_with("connected oura"),
        "{out}"
    );
    assert!(
        lines[1].contains("oura,fitbit\twearables\tsha256:111111111111"),
        "{out}"
    );
    assert!(lines[2].contains("patient-00003"), "{out}");

    let o = run(cmd(&db, None), &["history", "--since", "7d", "--json"]).await;
    let rows = json_lines(&text(&o.stdout));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["minted"]["client_user_id"], "patient-00002");
    assert_eq!(rows[1]["connected"], serde_json::json!(["oura"]));

    let o = run(cmd(&db, None), &["history", "--user", "patient-00001"]).await;
    assert_eq!(text(&o.stdout).lines().count(), 1);

    let o = run(cmd(&db, None), &["history", "--since", "7"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unit"));
}

#[tokio::test]
async fn history_without_a_log_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(cmd(&dir.path().join("none.sqlite3"), None), &["history"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no audit log at"),
        "{}",
        text(&o.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_lists_who_never_connected_and_asks_the_api_when_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let ids = seed(&db);
    // Without a key (demo mode): the log alone.
    let o = run(cmd(&db, None), &["history", "--pending"]).await;
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("patient-00002") && out.contains("patient-00003"));
    // With a key: patient-00002 has connected Fitbit since, by the API.
    let emu = emulator(5).await;
    emu.with_team(|t| t.connect(ids[1], "fitbit"));
    let base = emu.base_url().to_string();
    let o = run(cmd(&db, Some(&base)), &["history", "--pending"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("patient-00003"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn link_json_says_what_the_patient_will_see() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let o = run(
        cmd(&db, Some(&base)),
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
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v["patient_will_see"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{v}");
    assert!(names.contains(&"Oura") && names.contains(&"Fitbit"), "{v}");
    assert_eq!(v["not_offered"], serde_json::json!([]));
    // `check_link_providers = false` leaves the call (and the fields) out.
    std::fs::write(db.with_extension("toml"), "check_link_providers = false\n").unwrap();
    let o = run(
        cmd(&db, Some(&base)),
        &["link", "--user", "patient-00001", "--json"],
    )
    .await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.get("patient_will_see").is_none(), "{v}");
}

#[tokio::test]
async fn an_emulator_served_as_its_lan_address_hands_out_links_on_it() {
    let emu = emulator(2).await;
    let lan: std::net::IpAddr = "192.168.1.20".parse().unwrap();
    emu.serve_as(lan);
    let port = emu.addr.port();
    assert_eq!(
        emu.public_url().as_str(),
        format!("http://192.168.1.20:{port}/")
    );
    // The request goes to loopback; only the answer names the LAN address.
    let c = client(&emu);
    let user = c.find_user("patient-00001").await.unwrap();
    let request = vital_onboard::api::LinkTokenRequest {
        user_id: user.user_id,
        ..Default::default()
    };
    // A client not told of the LAN address refuses plain http to it.
    assert!(c.link_token(&request).await.is_err());
    let token = c
        .with_lan_links("192.168.1.20")
        .link_token(&request)
        .await
        .unwrap();
    assert!(
        token
            .link_web_url
            .starts_with(&format!("http://192.168.1.20:{port}/link/?token=")),
        "{}",
        token.link_web_url
    );
}
