//! The runtime's effects for real: a panicking task, a cancelled one, the audit log's order.

use std::time::Duration;

use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::app::App;
use crate::app::requests::Pending;
use crate::app::tests::{ch, loaded};

/// No native clipboard: these tests copy nothing.
struct NoClipboard;

impl crate::clipboard::Clipboard for NoClipboard {
    fn set(&mut self, _: &str) -> crate::clipboard::NativeCopy {
        crate::clipboard::NativeCopy::Absent
    }

    fn clear_if(&mut self, _: &str) {}
}

fn driver(app: App) -> Driver<TestBackend> {
    let client = crate::api::Client::new(
        "http://127.0.0.1:9".parse().unwrap(),
        None,
        "the test host",
        Duration::from_secs(1),
    );
    let mut d = Driver::new(
        Terminal::new(TestBackend::new(120, 40)).unwrap(),
        app,
        crate::ui::Theme::plain(),
        client,
        super::super::system_clock(),
        Box::new(NoClipboard),
        Box::new(|_: &str| {}),
    );
    d.app.size = ratatui::layout::Rect::new(0, 0, 120, 40);
    d
}

fn screen(d: &Driver<TestBackend>) -> String {
    let buf = d.terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Runs the loop until `done` holds; fails after 20 s (a loaded machine's slack).
async fn step_until(d: &mut Driver<TestBackend>, done: impl Fn(&App) -> bool) {
    let mut events = futures::stream::pending::<std::io::Result<Event>>();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done(&d.app) {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened; the screen:\n{}",
            screen(d)
        );
        d.step(&mut events, Some(Duration::from_millis(50)))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_panicking_blocking_task_ends_as_task_failed_and_the_history_says_so() {
    let mut d = driver(loaded(3, false));
    // `H` opens the overlay and asks for the log, a request in the registry.
    let fx = d.app.update(ch('H'));
    let [Effect::LoadHistory { id }] = fx[..] else {
        panic!("{fx:?}");
    };
    d.draw().unwrap();
    assert!(screen(&d).contains("Reading the audit log…"));
    // The read panics on its blocking thread (a bug), started as every task is.
    let work = Work::blocking(|_| panic!("the audit log read broke"));
    d.spawn(Job::new(Task::LoadHistory, id, work));
    step_until(&mut d, |app| {
        app.overlays
            .history
            .as_ref()
            .is_some_and(|h| h.records.is_some())
    })
    .await;
    let s = screen(&d);
    assert!(!s.contains("Reading the audit log…"), "{s}");
    assert!(
        s.contains("The audit log cannot be read: internal error"),
        "{s}"
    );
    let toast = &d.app.toast.as_ref().unwrap().text;
    assert!(
        toast.starts_with("Internal error while trying to read the audit log"),
        "{toast}"
    );
    assert!(d.app.requests.get(id).is_none());
}

/// The audit log's writes and reads are carried out in the order the app asked for them:
/// the rows in that order, and a read that sees every row written before it was asked for
/// (`H` just after a mint lists that link). Forty writes and a read at once, as a burst.
#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_is_written_and_read_in_the_order_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = driver(loaded(3, false));
    d.open_history(Some(&dir.path().join("history.sqlite3")));
    let scope = crate::audit::Scope::demo(crate::audit::Source::Console, "jdoe");
    let request = crate::api::LinkTokenRequest {
        user_id: uuid::Uuid::nil(),
        provider: None,
        redirect_url: None,
        filter_on_providers: None,
        on_error: None,
        on_close: None,
    };
    let ids: Vec<String> = (0..40).map(|n| format!("patient-{n:05}")).collect();
    let mut effects: Vec<Effect> = ids
        .iter()
        .map(|who| {
            let mut e = scope.event(
                crate::audit::Outcome::Minted,
                &request,
                who,
                chrono::Utc::now(),
            );
            e.token_fingerprint = Some(format!("sha256:{who}"));
            Effect::Audit(Box::new(e))
        })
        .collect();
    let id = d.app.requests.start(Pending::History);
    effects.push(Effect::LoadHistory { id });
    d.run_effects(effects);
    let answer = tokio::time::timeout(Duration::from_secs(20), d.rx.recv())
        .await
        .expect("the read answers")
        .unwrap();
    let Msg::HistoryLoaded { result, .. } = answer else {
        panic!("{answer:?}");
    };
    let read: Vec<String> = result
        .unwrap()
        .iter()
        .rev()
        .map(|l| l.minted.client_user_id.clone())
        .collect();
    assert_eq!(read, ids, "every row, in the order asked");
}

/// A read on the audit log's thread that panics (a bug) fails its task as a blocking one
/// does, and the thread goes on: the next read answers.
#[tokio::test]
async fn a_panicking_read_of_the_log_fails_its_task_and_the_next_read_answers() {
    let mut d = driver(loaded(3, false));
    let fx = d.app.update(ch('H'));
    let [Effect::LoadHistory { id }] = fx[..] else {
        panic!("{fx:?}");
    };
    let read = d.log.read(|| -> Msg { panic!("the audit log read broke") });
    d.spawn(Job::new(Task::LoadHistory, id, Work::future(read)));
    step_until(&mut d, |app| {
        app.overlays
            .history
            .as_ref()
            .is_some_and(|h| h.records.is_some())
    })
    .await;
    let toast = &d.app.toast.as_ref().unwrap().text;
    assert!(
        toast.starts_with("Internal error while trying to read the audit log"),
        "{toast}"
    );
    let next = tokio::time::timeout(Duration::from_secs(20), d.log.read(|| 7))
        .await
        .expect("the thread still reads");
    assert_eq!(next, 7);
}

#[tokio::test]
async fn cancel_stops_a_blocking_task_which_then_answers_nothing() {
    let mut d = driver(loaded(3, false));
    let id = d.app.requests.start(Pending::SavePng);
    let (seen, stopped) = std::sync::mpsc::channel();
    let (running, started) = tokio::sync::oneshot::channel();
    let work = Work::blocking(move |stop| {
        running.send(()).unwrap();
        while !stop.is_set() {
            std::thread::sleep(Duration::from_millis(1));
        }
        seen.send(()).unwrap();
        Some(Msg::Quit)
    });
    d.spawn(Job::new(Task::SavePng, id, work));
    // Once the task runs on its blocking thread, cancel it.
    tokio::time::timeout(Duration::from_secs(20), started)
        .await
        .expect("the blocking work starts")
        .unwrap();
    d.run_effects(vec![Effect::Cancel { id }]);
    tokio::task::spawn_blocking(move || stopped.recv_timeout(Duration::from_secs(5)))
        .await
        .unwrap()
        .expect("the blocking work saw it was cancelled");
    // Its message was not posted: the task was stopped as a whole.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(d.rx.try_recv().is_err());
}

/// The rows of a console's last moments are written before it is gone: dropping the driver
/// waits for the audit log's jobs queued (a log that is busy a moment included), and a log
/// locked for longer does not hold it past two seconds.
#[tokio::test(flavor = "multi_thread")]
async fn quitting_waits_for_the_audit_writes_queued_but_not_for_ever() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut d = driver(loaded(3, false));
    d.open_history(Some(&path));
    let store = d.history.clone().unwrap();
    let scope = crate::audit::Scope::demo(crate::audit::Source::Console, "jdoe");
    let request = crate::api::LinkTokenRequest {
        user_id: uuid::Uuid::nil(),
        provider: None,
        redirect_url: None,
        filter_on_providers: None,
        on_error: None,
        on_close: None,
    };
    let row = scope.event(
        crate::audit::Outcome::Minted,
        &request,
        "patient-00001",
        chrono::Utc::now(),
    );
    // The log's thread is busy for a moment when the row is sent and the console quits.
    d.log
        .queue(|| std::thread::sleep(Duration::from_millis(300)));
    d.run_effects(vec![Effect::Audit(Box::new(row))]);
    drop(d);
    let events = store.lock().unwrap().events().unwrap();
    assert_eq!(
        events.len(),
        1,
        "the row was written before the driver was gone"
    );

    // Locked for good: the driver is gone after two seconds all the same.
    let mut d = driver(loaded(3, false));
    d.open_history(Some(&path));
    let held = d.history.clone().unwrap();
    let _locked = held.lock().unwrap();
    d.run_effects(vec![Effect::Audit(Box::new(events[0].clone()))]);
    let started = std::time::Instant::now();
    drop(d);
    assert!(started.elapsed() >= super::LOG_AT_QUIT, "it waited");
    assert!(
        started.elapsed() < super::LOG_AT_QUIT * 5,
        "not for ever: {:?}",
        started.elapsed()
    );
}

/// A queue's summary sent while the log is busy (another write holds it) is written before the
/// console ends: the log's thread runs it after the others.
#[tokio::test]
async fn a_queue_summary_sent_while_the_log_is_busy_is_written_before_quitting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut d = driver(loaded(3, false));
    d.open_history(Some(&path));
    let store = d.history.clone().unwrap();
    let scope = crate::audit::Scope::demo(crate::audit::Source::Queue, "jdoe");
    let run = crate::audit::QueueRun::new("q-1", &scope, crate::app::tests::t0());
    let busy = store.lock().unwrap();
    d.run_effects(vec![Effect::AuditQueue(Box::new(run.clone()))]);
    drop(busy);
    assert!(d.log.finish(super::LOG_AT_QUIT), "the log's jobs finished");
    let written = store.lock().unwrap().queue_run("q-1").unwrap();
    assert_eq!(written, Some(run));
}
