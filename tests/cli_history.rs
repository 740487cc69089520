//! `history` (with `--json`, `--user`, `--since`, `--pending`), `link --json`'s "patient will
//! see" list, and an emulator served as its LAN address (checked as strings: no traffic leaves
//! loopback), running the built binary against an in-process emulator.

mod common;

use std::path::Path;

use chrono::Duration;
use common::audit::cmd;
use common::*;
use serde_json::Value;
use vital_onboard::audit::{Event, Outcome, Source, Store};

/// The host the seeded rows were minted on, unless a test names another.
const HOST: &str = "http://127.0.0.1";

fn event(user: &str, user_id: uuid::Uuid, fp: &str, outcome: Outcome, ago: Duration) -> Event {
    common::audit::row(HOST, user, user_id, fp, outcome, ago)
}

/// Three links: patient-00001 connected (2 h ago), patient-00002 not (1 h ago), patient-00003
/// not, 10 days ago.
fn seed(db: &Path) -> [uuid::Uuid; 3] {
    seed_on(db, HOST)
}

/// As [`seed`], the rows minted on `host`.
fn seed_on(db: &Path, host: &str) -> [uuid::Uuid; 3] {
    let ids = [1, 2, 3].map(|n| {
        vital_onboard::emulator::stable_uuid(&vital_onboard::emulator::generated_client_id(n))
    });
    let s = Store::open(db).unwrap();
    let h = Duration::hours;
    let event = |user: &str, id, fp: &str, outcome, ago| Event {
        host: host.to_string(),
        ..event(user, id, fp, outcome, ago)
    };
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
    let emu = emulator(5).await;
    let base = emu.base_url().to_string();
    // The rows were minted on the emulator's host: its patients are asked about.
    let ids = seed_on(&db, base.trim_end_matches('/'));
    // Without a key (demo mode): the log alone.
    let o = run(cmd(&db, None), &["history", "--pending"]).await;
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("patient-00002") && out.contains("patient-00003"));
    // With a key: patient-00002 has connected Fitbit since, by the API.
    emu.with_team(|t| t.connect(ids[1], "fitbit"));
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

/// `link` and `link --preset` write a row each, with the source "command line" and the
/// operator (the OS login name, or `operator` in the config file); `history` and `--json`
/// show both.
#[tokio::test(flavor = "multi_thread")]
async fn link_writes_the_audit_row_with_its_source_and_operator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let mut c = cmd(&db, Some(&base));
    c.env("USER", "jdoe").env_remove("LOGNAME");
    let o = run(
        c,
        &["link", "--user", "patient-00001", "--providers", "oura"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    std::fs::write(
        db.with_extension("toml"),
        "operator = \"front-desk\"\n[[preset]]\nname = \"wearables\"\nproviders = [\"oura\", \"fitbit\"]\n",
    )
    .unwrap();
    let mut c = cmd(&db, Some(&base));
    c.env("USER", "jdoe");
    let o = run(
        c,
        &["link", "--user", "patient-00002", "--preset", "wearables"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let events = Store::open(&db).unwrap().events().unwrap();
    assert_eq!(events.len(), 2, "one row a mint: {events:?}");
    let host = base.trim_end_matches('/');
    for e in &events {
        assert_eq!(
            (e.outcome, e.source, e.host.as_str(), e.environment.as_str()),
            (Outcome::Minted, Source::CommandLine, host, "sandbox")
        );
        assert!(
            e.token_fingerprint
                .as_deref()
                .is_some_and(|f| f.starts_with("sha256:"))
        );
        assert!(e.user_id.is_some());
    }
    assert_eq!(events[0].operator, "jdoe");
    assert_eq!(events[0].allowlist, Some(vec!["oura".to_string()]));
    assert_eq!(events[1].operator, "front-desk");
    assert_eq!(events[1].preset.as_deref(), Some("wearables"));
    assert_eq!(events[1].client_user_id, "patient-00002");

    let o = run(cmd(&db, None), &["history"]).await;
    let out = text(&o.stdout);
    assert!(
        out.lines()
            .next()
            .unwrap()
            .contains("\tcommand line\tfront-desk\t"),
        "{out}"
    );
    assert!(out.contains("\tcommand line\tjdoe\t"), "{out}");
    let o = run(cmd(&db, None), &["history", "--json"]).await;
    let rows = json_lines(&text(&o.stdout));
    assert_eq!(rows[0]["minted"]["source"], "command line");
    assert_eq!(rows[0]["minted"]["operator"], "front-desk");
    assert_eq!(rows[1]["minted"]["operator"], "jdoe");
    // Never the token or the URL.
    let raw = std::fs::read(&db).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("/link/?token="));
}

/// Reading the local log needs no key or host: a key of no known prefix is not even looked
/// at. `--pending` with it checks nothing, says so on stderr, and prints the log's answer.
#[tokio::test]
async fn history_reads_the_log_whatever_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    seed(&db);
    let mut c = cmd(&db, None);
    c.env("VITAL_API_KEY", "anything");
    let o = run(c, &["history"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 3);
    assert_eq!(text(&o.stderr), "", "nothing to warn about");

    let mut c = cmd(&db, None);
    c.env("VITAL_API_KEY", "anything");
    let o = run(c, &["history", "--pending"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    let err = text(&o.stderr);
    assert!(
        err.starts_with("warning: current connections not checked (")
            && err.contains("sk_us_")
            && err.contains("the list is the audit log's answer"),
        "{err}"
    );
}

/// A refused key and an unreachable host: a warning on stderr, the log's answer on stdout,
/// exit 0.
#[tokio::test(flavor = "multi_thread")]
async fn pending_warns_when_the_api_refuses_the_key_or_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(5).await;
    let base = emu.base_url().to_string();
    seed_on(&db, base.trim_end_matches('/'));
    let mut c = cmd(&db, Some(&base));
    c.env("VITAL_API_KEY", "sk_us_not_the_emulators_key");
    let o = run(c, &["history", "--pending"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 2, "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: current connections not checked (the API key was refused"),
        "{err}"
    );
    assert_eq!(err.matches("warning:").count(), 1, "one warning: {err}");

    // Nothing listens on that port of loopback.
    let (_held, port) = refused_port();
    let gone = &format!("http://127.0.0.1:{port}");
    let db2 = dir.path().join("h2.sqlite3");
    seed_on(&db2, gone);
    let o = run(cmd(&db2, Some(gone)), &["history", "--pending"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 2, "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: current connections not checked (could not reach"),
        "{err}"
    );
}

/// The demo's patient-00012: three links, one of which the patient used to connect Oura and
/// Fitbit, is not pending; a patient with two unused links is listed once, with the newest.
/// The rows of `presets check --live` (its QA user) are left out.
#[tokio::test]
async fn pending_lists_each_patient_once_and_not_one_who_connected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let s = Store::open(&db).unwrap();
    let id =
        |n| vital_onboard::emulator::stable_uuid(&vital_onboard::emulator::generated_client_id(n));
    let demo = |user: &str, n, fp: &str, outcome, ago| Event {
        environment: "demo".into(),
        region: "-".into(),
        host: "demo".into(),
        ..event(user, id(n), fp, outcome, ago)
    };
    let m = Duration::minutes;
    for (i, fp) in [
        "sha256:00012aaaaaaa",
        "sha256:00012bbbbbbb",
        "sha256:00012ccccccc",
    ]
    .iter()
    .enumerate()
    {
        s.record(&demo(
            "patient-00012",
            12,
            fp,
            Outcome::Minted,
            m(60 - 10 * i as i64),
        ))
        .unwrap();
    }
    let mut fitbit = demo(
        "patient-00012",
        12,
        "sha256:00012bbbbbbb",
        Outcome::Connected,
        m(45),
    );
    fitbit.provider = Some("fitbit".into());
    s.record(&fitbit).unwrap();
    s.record(&demo(
        "patient-00012",
        12,
        "sha256:00012bbbbbbb",
        Outcome::Connected,
        m(44),
    ))
    .unwrap();
    s.record(&demo(
        "patient-00004",
        4,
        "sha256:00004aaaaaaa",
        Outcome::Minted,
        m(30),
    ))
    .unwrap();
    s.record(&demo(
        "patient-00004",
        4,
        "sha256:00004bbbbbbb",
        Outcome::Minted,
        m(20),
    ))
    .unwrap();
    let mut qa = demo(
        "vital-onboard-qa",
        99,
        "sha256:qaqaqaqaqaqa",
        Outcome::Minted,
        m(10),
    );
    qa.source = Source::Check;
    s.record(&qa).unwrap();
    drop(s);

    let o = run(cmd(&db, None), &["history", "--pending"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("patient-00004") && out.contains("sha256:00004bbbbbbb"),
        "the newest link: {out}"
    );
    // Without --pending every link is listed, the QA user's too.
    let o = run(cmd(&db, None), &["history"]).await;
    assert_eq!(text(&o.stdout).lines().count(), 6, "{}", text(&o.stdout));
    // Only the patient who connected: nobody to call back, said as such.
    let o = run(
        cmd(&db, None),
        &["history", "--pending", "--user", "patient-00012"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert_eq!(
        text(&o.stderr),
        "nobody to call back: every patient these links were for has connected\n"
    );
}
