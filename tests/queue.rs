//! Whole-app test of the onboarding-day queue: the real loop on `TestBackend` against the
//! emulator. Three patients are marked and the queue started; each connects through the
//! emulated Link page by form posts and the console moves on to the next with no key pressed;
//! after the last the patient reads "Thank you" until a staff key, then the summary shows and the
//! audit log holds the queue's rows and its summary. A queue skipped, connected and stopped leaves
//! a summary that `history --queue ID` prints.

mod common;

use std::time::{Duration, Instant};

use common::harness::{Console, WAIT};
use common::link_web::Browser;
use common::*;
use crossterm::event::KeyCode;
use vital_onboard::app::screen::Screen;
use vital_onboard::audit::{Outcome, QueueEnd, QueueRun, Source, Store};

/// Runs the loop until the patient-facing view shows `client_user_id`'s link; answers its URL.
async fn shown_for(c: &mut Console, client_user_id: &str, within: Duration) -> String {
    let start = Instant::now();
    loop {
        c.step(Duration::from_millis(50)).await;
        if let Screen::PatientView { shown, .. } = &c.driver.app.screen
            && shown.link.client_user_id == client_user_id
        {
            return shown.link.token.link_web_url.clone();
        }
        assert!(
            start.elapsed() < within,
            "no link shown for {client_user_id} ({:?}); screen:\n{}",
            c.driver.app.screen.shown().map(|s| &s.link.client_user_id),
            c.screen()
        );
    }
}

/// Marks the first `n` patients to follow up (the demo patients at the top are connected
/// already, and a queue leaves them out: `F` shows the others), starts the queue with `O`
/// and `y`: its id and its patients' ids.
async fn mark_and_start(c: &mut Console, n: usize) -> (String, Vec<String>) {
    c.wait_for("patient-00003").await;
    c.key(KeyCode::Char('F'));
    let keys = vec![" "; n].join("j");
    c.keys(&keys);
    c.wait_for(&format!("{n} marked")).await;
    c.key(KeyCode::Char('O'));
    let ask = c
        .wait_for(&format!("Start the queue of {n} patients"))
        .await;
    assert!(ask.contains("with every provider? y/N"), "{ask}");
    c.key(KeyCode::Char('y'));
    started_queue(c).await
}

/// Runs the loop until the queue has started: its id and its patients' ids.
async fn started_queue(c: &mut Console) -> (String, Vec<String>) {
    let start = Instant::now();
    loop {
        c.step(Duration::from_millis(20)).await;
        if let Some(q) = &c.driver.app.queue {
            let ids = q.entries.iter().map(|e| e.client_user_id.clone()).collect();
            return (q.id.clone(), ids);
        }
        assert!(start.elapsed() < WAIT, "no queue started:\n{}", c.screen());
    }
}

/// The summary row of queue `id`, written off the loop: runs the loop until it is there.
async fn summary_row(c: &mut Console, db: &std::path::Path, id: &str) -> QueueRun {
    let start = Instant::now();
    loop {
        c.step(Duration::from_millis(20)).await;
        if let Some(run) = Store::open(db).unwrap().queue_run(id).unwrap() {
            return run;
        }
        assert!(start.elapsed() < WAIT, "no summary row");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_of_three_runs_through_with_no_key_when_each_connects() {
    let emu = emulator(12).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/vital-onboard/history.sqlite3");
    let mut c = Console::new(&emu, Some(&db));
    let (queue_id, ids) = mark_and_start(&mut c, 3).await;
    assert_eq!(ids.len(), 3);
    let web = Browser::new(&emu);
    for (n, id) in ids.iter().enumerate() {
        // No key is pressed from here on: each link follows the connection before it.
        let url = shown_for(&mut c, id, Duration::from_secs(20)).await;
        let page = web.allow(&token_of(&url), "oura").await;
        assert!(page.html.contains("Oura is connected"), "{}", page.html);
        // The patient-facing view confirms the connection during the countdown; after the
        // last patient it thanks them; never a patient's id, whatever the wait.
        let expect = if n < 2 {
            "Oura is connected. You can hand the device back."
        } else {
            "Thank you. Please hand the device back to the staff."
        };
        let between = c.wait_for_within(expect, WAIT).await.0;
        for id in &ids {
            assert!(
                !between.contains(id.as_str()),
                "no patient id between patients:\n{between}"
            );
        }
    }
    // The thanks stays (no summary, no id) until a staff key.
    c.run_for(Duration::from_secs(2)).await;
    let still = c.screen();
    assert!(still.contains("Thank you."), "{still}");
    assert!(ids.iter().all(|id| !still.contains(id.as_str())), "{still}");
    c.key(KeyCode::Char('a'));
    let summary = c.wait_for_within("summary", WAIT).await.0;
    assert!(
        summary.contains(&format!("Connected 3: {}", ids.join(", "))),
        "{summary}"
    );
    assert!(summary.contains(&format!("history --queue {queue_id}")));
    // The audit log: each patient minted, shown and connected, every row with the queue's id.
    let events = c
        .wait_for_log(&db, "three of each: minted, shown, connected", |events| {
            [Outcome::Minted, Outcome::ShownToPatient, Outcome::Connected]
                .iter()
                .all(|o| events.iter().filter(|e| e.outcome == *o).count() >= 3)
        })
        .await;
    let ours: Vec<_> = events
        .iter()
        .filter(|e| e.queue.as_deref() == Some(queue_id.as_str()))
        .collect();
    assert!(ours.iter().all(|e| e.source == Source::Queue));
    for outcome in [Outcome::Minted, Outcome::ShownToPatient, Outcome::Connected] {
        let who: Vec<&str> = ours
            .iter()
            .filter(|e| e.outcome == outcome)
            .map(|e| e.client_user_id.as_str())
            .collect();
        assert_eq!(who, ids, "{outcome:?}");
    }
    assert_eq!(events.len(), ours.len(), "no row outside the queue");
    // And its summary, written off the loop when the queue ended: finished, all connected.
    let run = summary_row(&mut c, &db, &queue_id).await;
    assert_eq!(
        (run.end, run.with("connected")),
        (QueueEnd::Finished, &ids[..])
    );
}

/// A queue of three: the first skipped, the second connected, then stopped during the
/// countdown, so the third is never reached. The audit log keeps the summary (skips and "not
/// reached" are no link row), and `history --queue ID` prints it, with no token or URL.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_queue_leaves_its_summary_for_history_queue() {
    let emu = emulator(12).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/vital-onboard/history.sqlite3");
    let mut c = Console::new(&emu, Some(&db));
    let (queue_id, ids) = mark_and_start(&mut c, 3).await;
    let first = shown_for(&mut c, &ids[0], Duration::from_secs(20)).await;
    // Any key turns the patient-facing view to the staff's, where n skips.
    c.keys("an");
    let second = shown_for(&mut c, &ids[1], Duration::from_secs(20)).await;
    let web = Browser::new(&emu);
    let page = web.allow(&token_of(&second), "oura").await;
    assert!(page.html.contains("Oura is connected"), "{}", page.html);
    // The skip was pressed in the staff view, yet the next link started in the patient-facing
    // one, so the patient reads their own confirmation, not the staff's countdown.
    let between = c
        .wait_for_within("Oura is connected. You can hand the device back.", WAIT)
        .await
        .0;
    assert!(!between.contains("next patient in"), "{between}");
    // Any key: the staff's countdown; hold it, then stop (asked first).
    c.key(KeyCode::Char('a'));
    c.wait_for("Connected ✓ — next patient in").await;
    c.keys("hx");
    c.wait_for("Stop the queue?").await;
    c.key(KeyCode::Char('y'));
    c.wait_for("summary").await;
    let run = summary_row(&mut c, &db, &queue_id).await;
    assert_eq!(run.end, QueueEnd::Stopped);
    assert_eq!(run.with("connected"), [ids[1].clone()]);
    assert_eq!(run.with("skipped"), [ids[0].clone()]);
    assert_eq!(run.with("not reached"), [ids[2].clone()]);
    assert_eq!((run.patients, run.allowed.as_str()), (3, "all"));

    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "").unwrap();
    let out = clean_command()
        .env("VITAL_ONBOARD_CONFIG", &cfg)
        .env("VITAL_ONBOARD_HISTORY", &db)
        .args(["history", "--queue", &queue_id])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let operator = &c.driver.app.config.operator;
    assert!(
        stdout.contains(&format!(
            "queue {queue_id}: stopped early, 3 patients · all · by {operator} · the demo"
        )),
        "{stdout}"
    );
    for line in [
        format!("  connected 1: {}", ids[1]),
        format!("  skipped 1: {}", ids[0]),
        format!("  not reached 1: {}", ids[2]),
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line:?} in:\n{stdout}");
    }
    assert!(!text(&out.stderr).contains("no summary recorded"));
    // Never a token or a URL, in the output or anywhere in the log's files.
    let mut raw = Vec::new();
    for f in ["history.sqlite3", "history.sqlite3-wal"] {
        raw.extend(std::fs::read(db.with_file_name(f)).unwrap_or_default());
    }
    let raw = String::from_utf8_lossy(&raw);
    for url in [&first, &second] {
        let token = token_of(url);
        for secret in [url.as_str(), token.as_str()] {
            assert!(!stdout.contains(secret) && !text(&out.stderr).contains(secret));
            assert!(!raw.contains(secret), "{secret} in the log");
        }
    }
    assert!(!stdout.contains("http"), "{stdout}");
}

/// A queue of two: the first patient skipped, then they connect through the link the queue left
/// while the second's shows. The console still watches that link: the connection is logged for
/// it and the queue, and the summary (screen, log, `history --queue`) counts them as connected.
#[tokio::test(flavor = "multi_thread")]
async fn a_patient_connecting_through_a_skipped_link_is_recorded_as_connected() {
    let emu = emulator(12).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/vital-onboard/history.sqlite3");
    let mut c = Console::new(&emu, Some(&db));
    let (queue_id, ids) = mark_and_start(&mut c, 2).await;
    let first = shown_for(&mut c, &ids[0], Duration::from_secs(20)).await;
    c.keys("an");
    shown_for(&mut c, &ids[1], Duration::from_secs(20)).await;
    let web = Browser::new(&emu);
    let page = web.allow(&token_of(&first), "oura").await;
    assert!(page.html.contains("Oura is connected"), "{}", page.html);
    let events = c
        .wait_for_log(&db, "the skipped patient's connection", |events| {
            events
                .iter()
                .any(|e| e.outcome == Outcome::Connected && e.client_user_id == ids[0])
        })
        .await;
    let row = events
        .iter()
        .find(|e| e.outcome == Outcome::Connected)
        .unwrap();
    assert_eq!(row.queue.as_deref(), Some(queue_id.as_str()));
    let minted = events
        .iter()
        .find(|e| e.outcome == Outcome::Minted && e.client_user_id == ids[0])
        .unwrap();
    assert_eq!(row.token_fingerprint, minted.token_fingerprint);
    // The queue still waits for the second patient; stopping it: the first is connected.
    c.key(KeyCode::Char('a'));
    c.key(KeyCode::Char('x'));
    c.wait_for("Stop the queue?").await;
    c.key(KeyCode::Char('y'));
    let summary = c.wait_for_within("summary", WAIT).await.0;
    assert!(
        summary.contains(&format!("Connected 1: {}", ids[0])),
        "{summary}"
    );
    let run = summary_row(&mut c, &db, &queue_id).await;
    assert_eq!(run.with("connected"), [ids[0].clone()]);
    assert_eq!(run.with("skipped"), Vec::<String>::new());
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "").unwrap();
    let out = clean_command()
        .env("VITAL_ONBOARD_CONFIG", &cfg)
        .env("VITAL_ONBOARD_HISTORY", &db)
        .args(["history", "--queue", &queue_id])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let line = format!("  connected 1: {}", ids[0]);
    assert!(stdout.lines().any(|l| l == line), "{stdout}");
}
