//! `users --status [--json|--csv]` (each user with their onboarding status, from this machine's
//! audit log and the user list's connections) and `history --pending --csv` (the follow-up list
//! for a phone round), running the built binary against an in-process emulator. Never a token,
//! URL, fingerprint or key in either.

mod common;

use std::path::Path;

use chrono::Duration;
use common::audit::cmd;
use common::*;
use serde_json::Value;
use vital_onboard::audit::{Event, Outcome, Store};

fn uid(n: usize) -> uuid::Uuid {
    vital_onboard::emulator::stable_uuid(&vital_onboard::emulator::generated_client_id(n))
}

/// A row for generated patient `n`'s link `fp` on `host`, `ago` before now.
fn event(host: &str, n: usize, fp: &str, outcome: Outcome, ago: Duration) -> Event {
    let client_user_id = vital_onboard::emulator::generated_client_id(n);
    common::audit::row(host, &client_user_id, uid(n), fp, outcome, ago)
}

/// patient-00001 connected through a link from here; 00002's link went unused; 00003's link is
/// out (minted 10 minutes ago); 00004's sign-in failed; 00005 was never linked from here.
fn seed(db: &Path, host: &str) {
    let s = Store::open(db).unwrap();
    let m = Duration::minutes;
    for e in [
        event(host, 1, "sha256:111111111111", Outcome::Minted, m(120)),
        event(host, 1, "sha256:111111111111", Outcome::Connected, m(117)),
        event(host, 2, "sha256:222222222222", Outcome::Minted, m(90)),
        event(host, 2, "sha256:222222222222", Outcome::Expired, m(30)),
        event(host, 4, "sha256:444444444444", Outcome::Minted, m(20)),
        event(
            host,
            4,
            "sha256:444444444444",
            Outcome::ConnectionError,
            m(18),
        ),
        event(host, 3, "sha256:333333333333", Outcome::Minted, m(10)),
    ] {
        s.record(&e).unwrap();
    }
}

/// The CSV record of `client_user_id`.
fn r_all(out: &str, client_user_id: &str) -> csv::StringRecord {
    csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == client_user_id)
        .unwrap_or_else(|| panic!("{client_user_id}: {out}"))
}

fn no_secrets(out: &str) {
    for bad in ["sha256:", "token", "http", KEY] {
        assert!(!out.contains(bad), "{bad} printed: {out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn users_status_prints_each_users_status_as_a_table_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(6).await;
    let base = emu.base_url().to_string();
    seed(&db, base.trim_end_matches('/'));
    // Connected outside the console: the API says so, the log knows nothing of it.
    emu.with_team(|t| t.connect(uid(6), "fitbit"));
    // The QA user of `presets check --live` is not a patient: left out, with a note.
    let o = run(
        cmd(&db, Some(&base)),
        &["users", "create", "vital-onboard-qa"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let o = run(cmd(&db, Some(&base)), &["users", "--status"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    no_secrets(&out);
    let status = |n: usize| {
        let id = vital_onboard::emulator::generated_client_id(n);
        out.lines()
            .find(|l| l.starts_with(&id))
            .unwrap_or_else(|| panic!("{id}: {out}"))
            .to_string()
    };
    assert!(out.lines().next().unwrap().ends_with("STATUS"), "{out}");
    assert!(
        status(1).ends_with("✓ oura (this desk's log)"),
        "the log saw it, the API lists none: {}",
        status(1)
    );
    assert!(status(2).contains("unused (expired "), "{}", status(2));
    assert!(
        status(3).contains("link out · 49 min left"),
        "minutes rounded down, as every view counts them: {}",
        status(3)
    );
    assert!(status(4).ends_with("sign-in failed"), "{}", status(4));
    assert!(status(5).ends_with("never linked"), "{}", status(5));
    assert!(status(6).ends_with("✓ fitbit"), "{}", status(6));
    // The emulator's six demo patients come first; the QA user is counted, not printed.
    assert!(
        text(&o.stderr).contains("13 user(s)"),
        "{}\n{out}",
        text(&o.stderr)
    );
    assert!(!out.contains("vital-onboard-qa"), "{out}");
    assert!(text(&o.stderr).contains("QA user"), "{}", text(&o.stderr));

    let o = run(cmd(&db, Some(&base)), &["users", "--status", "--json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    no_secrets(&out);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| {
            r["client_user_id"]
                .as_str()
                .unwrap()
                .starts_with("patient-")
        })
        .collect();
    let codes: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "connected",
            "unused",
            "link_out",
            "sign_in_failed",
            "never_linked",
            "connected"
        ]
    );
    assert_eq!(rows[2]["last_link"]["allowed"], "oura,fitbit");

    assert_eq!(rows[4]["last_link"], Value::Null);

    let o = run(cmd(&db, Some(&base)), &["users", "--status", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    no_secrets(&out);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "client_user_id",
            "user_id",
            "created_on",
            "status",
            "status_text",
            "connected",
            "last_link_time"
        ]
    );
    let records: Vec<csv::StringRecord> = r
        .records()
        .map(Result::unwrap)
        .filter(|r| r[0].starts_with("patient-"))
        .collect();
    assert_eq!(records.len(), 6);
    assert_eq!(&records[3][3], "sign_in_failed");
    assert_eq!(&records[5][5], "fitbit");
    assert_eq!(&records[4][6], "", "never linked: no link time");
}

/// A connection whose sign-in stopped working is not counted as connected, by the console's
/// rule: the demo's mrn-100232 has `dexcom_v3` connected and fitbit in error (the user list
/// shows both; `users --status` checks).
#[tokio::test(flavor = "multi_thread")]
async fn users_status_does_not_count_a_connection_in_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(2).await;
    let base = emu.base_url().to_string();
    let o = run(cmd(&db, Some(&base)), &["users", "--status"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let broken = out
        .lines()
        .find(|l| l.starts_with("mrn-100232"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(broken.ends_with("✓ dexcom_v3 · ✗ fitbit"), "{broken}");

    let o = run(cmd(&db, Some(&base)), &["users", "--status", "--json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let broken: Value = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["client_user_id"] == "mrn-100232")
        .unwrap();
    assert_eq!(broken["status"], "connected", "{broken}");
    assert_eq!(broken["connected"], serde_json::json!(["dexcom_v3"]));
    assert_eq!(broken["connect_again"], serde_json::json!(["fitbit"]));

    let o = run(cmd(&db, Some(&base)), &["users", "--status", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let broken = r_all(&out, "mrn-100232");
    assert_eq!(&broken[4], "✓ dexcom_v3 · ✗ fitbit");
    assert_eq!(&broken[5], "dexcom_v3", "only the connected providers");
}

/// `users --status --csv`: a connection only this desk's log saw fills the `connected` column
/// as the status counts it, and the link times are written as `history --pending --csv` writes
/// them (RFC 3339, UTC, to the second, `Z`).
#[tokio::test(flavor = "multi_thread")]
async fn users_status_csv_agrees_with_the_status_and_with_history_on_times() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(6).await;
    let base = emu.base_url().to_string();
    seed(&db, base.trim_end_matches('/'));
    let o = run(cmd(&db, Some(&base)), &["users", "--status", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| r[0].starts_with("patient-"))
        .collect();
    // A connection only the log saw: the connected column agrees with the status.
    assert_eq!(&records[0][3], "connected");
    assert_eq!(&records[0][4], "✓ oura (this desk's log)");
    assert_eq!(&records[0][5], "oura");
    let time = &records[2][6];
    assert!(
        time.len() == 20 && time.ends_with('Z') && !time.contains('.'),
        "{time}"
    );
    let o = run(cmd(&db, Some(&base)), &["history", "--pending", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let pending = text(&o.stdout);
    let row = pending
        .lines()
        .find(|l| l.starts_with("patient-00003,"))
        .unwrap_or_else(|| panic!("{pending}"));
    assert!(row.contains(&format!(",{time},")), "{row} vs {time}");
}

#[tokio::test(flavor = "multi_thread")]
async fn users_csv_goes_with_status_and_not_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let o = run(cmd(&db, Some(&base)), &["users", "--csv"]).await;
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        cmd(&db, Some(&base)),
        &["users", "--status", "--csv", "--json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn history_pending_csv_is_the_follow_up_list_for_a_phone_round() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    seed(&db, "http://127.0.0.1");
    // A patient id a spreadsheet would run as a formula.
    let s = Store::open(&db).unwrap();
    let mut odd = event(
        "http://127.0.0.1",
        7,
        "sha256:777777777777",
        Outcome::Minted,
        Duration::minutes(5),
    );
    odd.client_user_id = "=HYPERLINK(\"x\",\"a, b\")".into();
    s.record(&odd).unwrap();
    drop(s);
    let o = run(cmd(&db, None), &["history", "--pending", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    no_secrets(&out);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "client_user_id",
            "user_id",
            "last_link_time",
            "allowed",
            "last_outcome",
            "host"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"x\",\"a, b\")",
            "patient-00003",
            "patient-00004",
            "patient-00002"
        ],
        "newest first, the connected patient left out"
    );
    assert_eq!(&rows[1][1], uid(3).to_string());
    assert_eq!(&rows[1][3], "oura,fitbit");
    assert_eq!(&rows[2][4], "connection_error");
    assert_eq!(&rows[3][4], "expired");
    // The table people read says the outcome in words; the CSV keeps the log's name.
    let o = run(cmd(&db, None), &["history", "--pending"]).await;
    let table = text(&o.stdout);
    assert!(
        table.contains("\tnot connected (connection error)\n"),
        "{table}"
    );
    assert!(!table.contains('_'), "no raw outcome name: {table}");
    assert_eq!(&rows[1][5], "127.0.0.1");
    let o = run(cmd(&db, None), &["history", "--csv"]).await;
    assert_eq!(o.status.code(), Some(2), "--csv goes with --pending");
}

/// A patient minted against two hosts is one row a host, and the `host` column tells them apart.
#[tokio::test(flavor = "multi_thread")]
async fn history_pending_csv_names_the_host_of_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let s = Store::open(&db).unwrap();
    let m = Duration::minutes;
    s.record(&event(
        "https://api.sandbox.us.junction.com",
        4,
        "sha256:4444aaaaaaaa",
        Outcome::Minted,
        m(30),
    ))
    .unwrap();
    s.record(&event(
        "http://127.0.0.1:8080",
        4,
        "sha256:4444bbbbbbbb",
        Outcome::Minted,
        m(20),
    ))
    .unwrap();
    drop(s);
    let o = run(cmd(&db, None), &["history", "--pending", "--csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    no_secrets(&out);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let listed: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0], &r[5])).collect();
    assert_eq!(
        listed,
        [
            ("patient-00004", "127.0.0.1:8080"),
            ("patient-00004", "api.sandbox.us.junction.com"),
        ],
        "newest first, one row a host"
    );
}
