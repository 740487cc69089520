//! The onboarding-day queue on the command line: `history --queue ID` prints one queue's links.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{Duration, TimeZone, Utc};
use common::*;
use vital_onboard::audit::{Event, Outcome, QueueEnd, QueueRun, Scope, Source, Store};

fn cmd(db: &Path) -> Command {
    let mut c = clean_command();
    let cfg = db.with_extension("toml");
    if !cfg.exists() {
        std::fs::write(&cfg, "").unwrap();
    }
    c.env("VITAL_ONBOARD_CONFIG", cfg);
    c.env("VITAL_ONBOARD_HISTORY", db);
    c.stdin(Stdio::null());
    c
}

fn event(n: usize, queue: Option<&str>, outcome: Outcome, ago: Duration) -> Event {
    let client_user_id = vital_onboard::emulator::generated_client_id(n);
    let user_id = vital_onboard::emulator::stable_uuid(&client_user_id);
    let fp = format!("sha256:{n:012}");
    Event {
        environment: "demo".into(),
        region: "-".into(),
        allowlist: None,
        preset: None,
        source: if queue.is_some() {
            Source::Queue
        } else {
            Source::Console
        },
        queue: queue.map(str::to_string),
        ..common::audit::row("demo", &client_user_id, user_id, &fp, outcome, ago)
    }
}

#[test]
fn history_queue_prints_only_that_queues_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let s = Store::open(&db).unwrap();
    let m = Duration::minutes;
    s.record(&event(1, Some("q-a"), Outcome::Minted, m(30)))
        .unwrap();
    s.record(&event(1, Some("q-a"), Outcome::Connected, m(29)))
        .unwrap();
    s.record(&event(2, Some("q-a"), Outcome::Minted, m(28)))
        .unwrap();
    s.record(&event(3, Some("q-b"), Outcome::Minted, m(20)))
        .unwrap();
    let mut failed = event(5, Some("q-a"), Outcome::MintFailed, m(27));
    failed.token_fingerprint = None;
    s.record(&failed).unwrap();
    let mut expired = event(6, Some("q-a"), Outcome::Minted, m(26));
    s.record(&expired).unwrap();
    expired.outcome = Outcome::Expired;
    expired.time = Utc::now() - m(5);
    s.record(&expired).unwrap();
    s.record(&event(4, None, Outcome::Minted, m(10))).unwrap();
    drop(s);

    let out = cmd(&db)
        .args(["history", "--queue", "q-a"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[1].contains("patient-00002") && lines[1].contains("queue"));
    assert!(lines[2].contains("patient-00001") && lines[2].contains("connected oura"));
    // The count of the queue's outcomes from its rows, and that it has no summary (it did not
    // end normally, or a version before the summaries ran it).
    assert_eq!(
        text(&out.stderr).trim(),
        "queue q-a: 3 links — 1 connected, 1 unused (the link expired), 1 still out (no \
         result yet); 1 mint failed; skips are not in the log\n\
         queue q-a: no summary recorded (the queue did not end normally)"
    );

    let out = cmd(&db)
        .args(["history", "--queue", "q-a", "--json"])
        .output()
        .unwrap();
    let rows = json_lines(&text(&out.stdout));
    let (summary, rows) = rows.split_last().unwrap();
    assert!(
        rows.iter().all(|r| r["minted"]["queue"] == "q-a"),
        "{rows:?}"
    );
    // The last line: the summary, none recorded, and the links still out.
    assert_eq!(summary["queue_summary"], serde_json::Value::Null);
    assert_eq!(summary["links_out"][0]["client_user_id"], "patient-00002");

    // A queue of one link still out: no count of nothing.
    let out = cmd(&db)
        .args(["history", "--queue", "q-b"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).starts_with(
            "queue q-b: 1 link — 1 still out (no result yet); skips are not in the log\n"
        ),
        "{}",
        text(&out.stderr)
    );

    let out = cmd(&db)
        .args(["history", "--queue", "q-z"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "an id no row has");
    assert!(text(&out.stdout).is_empty());
    assert!(
        text(&out.stderr).contains("no queue q-z in the audit log"),
        "{}",
        text(&out.stderr)
    );
}

/// A log with two recorded queues: `q-s` (quit, with links for patients 1 and 2) and `q-t` (no
/// link row).
fn recorded(db: &Path) {
    let s = Store::open(db).unwrap();
    s.record(&event(
        1,
        Some("q-s"),
        Outcome::Minted,
        Duration::minutes(9),
    ))
    .unwrap();
    // The skipped patient's link: still valid, so still out.
    s.record(&event(
        2,
        Some("q-s"),
        Outcome::Minted,
        Duration::minutes(8),
    ))
    .unwrap();
    let started = Utc.with_ymd_and_hms(2026, 12, 5, 9, 50, 12).unwrap();
    let scope = Scope::demo(Source::Queue, "jdoe");
    let mut run = QueueRun::new("q-s", &scope, started);
    run.ended_at = started + Duration::minutes(7);
    run.preset = Some("wearables".into());
    run.allowed = "oura,fitbit".into();
    run.end = QueueEnd::Quit;
    run.add("connected", "patient-00001");
    run.add("skipped", "patient-00002");
    run.add("not finished", "patient-00003");
    run.add("not reached", "patient-00004");
    run.add("not reached", "patient-\u{1b}[31m00005");
    s.record_queue(&run).unwrap();
    // A summary with no link row (every patient skipped) is printed all the same.
    let mut skipped = QueueRun::new("q-t", &scope, started);
    skipped.allowed = "all".into();
    skipped.end = QueueEnd::Stopped;
    skipped.add("skipped", "patient-00006");
    s.record_queue(&skipped).unwrap();
    drop(s);
}

/// A queue that ended normally: `history --queue ID` prints its recorded summary after its
/// links (skips and "not reached" included, with ids), and the count line gives way to it.
#[test]
fn history_queue_prints_the_recorded_summary_after_the_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    recorded(&db);

    let out = cmd(&db)
        .args(["history", "--queue", "q-s"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("patient-00002"), "{stdout}");
    assert!(lines[1].contains("patient-00001"), "{stdout}");
    let (still_out, lines) = lines.split_last().unwrap();
    assert!(
        // Every link still valid and unused, also the connected patient's (it can still
        // connect more).
        still_out.starts_with("  links still out: patient-00001 until ")
            && still_out.contains(", patient-00002 until ")
            && still_out.ends_with(
                " UTC (Vital has no way to withdraw a link: it can connect the patient until then)"
            ),
        "{stdout}"
    );
    assert_eq!(
        lines[2..],
        [
            "",
            "queue q-s: stopped early (the console quit), 5 patients · preset wearables \
             (oura,fitbit) · by jdoe · the demo · 2026-12-05 09:50 to 09:57 UTC",
            "  connected 1: patient-00001",
            "  skipped 1: patient-00002",
            "  not finished 1: patient-00003",
            "  not reached 2: patient-00004, patient-00005",
        ],
        "{stdout}"
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    let out = cmd(&db)
        .args(["history", "--queue", "q-t"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("queue q-t: stopped early, 1 patient · all · by jdoe"));
    assert!(
        stdout.contains("\n  connected 0\n  skipped 1: patient-00006\n"),
        "{stdout}"
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

#[test]
fn history_queue_json_ends_with_the_summary_and_the_links_still_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    recorded(&db);
    // The summary as the last line, each outcome by name.
    let out = cmd(&db)
        .args(["history", "--queue", "q-s", "--json"])
        .output()
        .unwrap();
    let rows = json_lines(&text(&out.stdout));
    let summary = &rows.last().unwrap()["queue_summary"];
    assert_eq!(summary["queue_id"], "q-s");
    assert_eq!(summary["end"], "quit");
    assert_eq!(summary["patients"], 5);
    assert_eq!(
        summary["outcomes"]["not reached"],
        serde_json::json!(["patient-00004", "patient-00005"])
    );
    assert_eq!(
        summary["outcomes"]["skipped"],
        serde_json::json!(["patient-00002"])
    );
    let out = &rows.last().unwrap()["links_out"];
    assert_eq!(out[0]["client_user_id"], "patient-00001", "{out}");
    assert_eq!(out[1]["client_user_id"], "patient-00002", "{out}");
    assert_eq!(
        out.as_array().unwrap().len(),
        2,
        "every link still out, the connected patient's too: {out}"
    );
}

#[test]
fn a_queue_file_is_refused_before_the_console_with_its_line_or_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let bad = dir.path().join("ids.csv");
    std::fs::write(&bad, b"client_user_id\np1\np\xe92\n").unwrap();
    let out = cmd(&db)
        .args(["--demo", "--queue"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("line 3 is not UTF-8"),
        "{}",
        text(&out.stderr)
    );

    let big = dir.path().join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(11 * 1024 * 1024).unwrap();
    let out = cmd(&db)
        .args(["--demo", "--queue"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("11.0 MB"),
        "{}",
        text(&out.stderr)
    );

    let good = dir.path().join("good.csv");
    std::fs::write(&good, "p1\np2\n").unwrap();
    let out = cmd(&db)
        .args(["--demo", "--preset", "nope", "--queue"])
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("--preset \"nope\" is not a [[preset]]"),
        "{}",
        text(&out.stderr)
    );
    let out = cmd(&db)
        .args(["--queue"])
        .arg(&good)
        .args(["users"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("give it without a command"));
}

/// A patient the summary counts as skipped who connected later through the link the queue left
/// (the console still watched it): `history --queue ID` counts them as connected, and that link
/// is no longer out.
#[test]
fn history_queue_counts_a_later_connection_through_a_left_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    recorded(&db);
    let s = Store::open(&db).unwrap();
    s.record(&event(
        2,
        Some("q-s"),
        Outcome::Connected,
        Duration::minutes(1),
    ))
    .unwrap();
    drop(s);
    let out = cmd(&db)
        .args(["history", "--queue", "q-s"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l == "  connected 2: patient-00001, patient-00002"),
        "{stdout}"
    );
    assert!(!stdout.contains("  skipped"), "{stdout}");
    assert!(
        stdout.contains("  link still out: patient-00001 until "),
        "{stdout}"
    );
    assert!(!stdout.contains("patient-00002 until"), "{stdout}");
}
