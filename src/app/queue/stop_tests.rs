//! Pure tests of a queue ending through `update`: stop and quit (asked first), going back,
//! the summary on screen and in the audit log.

use crossterm::event::KeyCode;

use super::tests::*;
use super::*;
use crate::app::overlay::Confirm;
use crate::app::tests::{ch, key, t0};
use crate::app::{App, Effect, Msg};
use crate::audit;

#[test]
fn stop_asks_then_shows_the_summary_and_quit_asks_in_the_middle() {
    let mut app = marked(3, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    app.update(ch('q'));
    assert_eq!(app.overlays.confirm, Some(Confirm::Queue(Ask::Quit)));
    app.update(ch('n'));
    assert!(!app.quit);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.overlays.confirm, Some(Confirm::Queue(Ask::Stop)));
    let fx = app.update(ch('y'));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Cancel { .. })),
        "{fx:?}"
    );
    assert!(app.queue.as_ref().unwrap().is_done());
    assert!(app.screen.is_panes());
    // The summary closes; q quits without asking once the queue is over.
    app.update(key(KeyCode::Enter));
    assert!(app.queue.is_none());
    app.update(ch('q'));
    assert!(app.quit);
}

#[test]
fn going_back_and_stopping_keeps_what_each_patient_did() {
    let mut app = marked(2, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    connects(&mut app, "oura", at(3));
    app.update(Msg::Tick(at(9)));
    mint_answers(&mut app, 2, at(9));
    app.update(ch('a')); // any key: the staff view
    let fx = app.update(ch('b'));
    assert_eq!(mints(&fx), [user_at(&app, 0)]);
    app.update(ch('x'));
    let fx = app.update(ch('y'));
    let q = app.queue.as_ref().unwrap();
    assert_eq!(outcomes(q), [Some("connected"), Some("not finished")]);
    assert_eq!(q.totals(), [("connected", 1), ("not finished", 1)]);
    let toast = &app.toast.as_ref().unwrap().text;
    assert!(
        toast.ends_with("done: 1 connected, 1 not finished"),
        "{toast}"
    );
    assert!(audits(&fx).is_empty(), "stopping writes no link row");
    let stopped = (
        audit::QueueEnd::Stopped,
        vec![q.entries[1].client_user_id.clone()],
    );
    assert_eq!(summary(&fx, "not finished"), Some(stopped));
}

#[test]
fn quitting_in_the_middle_keeps_what_was_done() {
    let mut app = marked(2, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    connects(&mut app, "oura", at(3));
    app.update(ch('a')); // any key: the staff view
    app.update(ch('q'));
    let fx = app.update(ch('y'));
    assert!(app.quit);
    let q = app.queue.as_ref().unwrap();
    assert_eq!(outcomes(q), [Some("connected"), None]);
    assert_eq!(q.with("not reached").len(), 1);
    let quit = (
        audit::QueueEnd::Quit,
        vec![q.entries[1].client_user_id.clone()],
    );
    assert_eq!(summary(&fx, "not reached"), Some(quit));
}

/// The summary a stop (asked first) writes for the audit log.
fn stopped(app: &mut App) -> audit::QueueRun {
    app.update(key(KeyCode::Esc));
    let fx = app.update(ch('y'));
    fx.into_iter()
        .find_map(|e| match e {
            Effect::AuditQueue(run) => Some(*run),
            _ => None,
        })
        .expect("the summary")
}

#[test]
fn queue_ids_are_short_and_differ_within_the_same_second() {
    let (a, b) = (queue(1), queue(1));
    assert_eq!(a.started_at, b.started_at);
    assert_ne!(a.id, b.id);
    // q-YYYYMMDD-HHMMSS-xxxx: the start, then four hex digits.
    let stamp = format!("q-{}-", t0().format("%Y%m%d-%H%M%S"));
    for id in [&a.id, &b.id] {
        let tag = id.strip_prefix(&stamp).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(tag.len(), 4, "{id}");
        assert!(tag.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    }
}

/// Two consoles on one shared log (or a quick restart) start a queue in the same second: two
/// ids, and the log keeps both summaries.
#[test]
fn two_queues_started_in_the_same_second_keep_two_summaries() {
    let (mut one, mut two) = (marked(2, false), marked(2, false));
    for app in [&mut one, &mut two] {
        app.config.queue_patient_facing = false;
        start(app);
    }
    let (q1, q2) = (one.queue.as_ref().unwrap(), two.queue.as_ref().unwrap());
    assert_eq!(q1.started_at, q2.started_at, "the same second");
    let (first, second) = (stopped(&mut one), stopped(&mut two));
    assert_ne!(first.queue_id, second.queue_id);
    let dir = tempfile::tempdir().unwrap();
    let store = audit::Store::open(&dir.path().join("shared.sqlite3")).unwrap();
    store.record_queue(&first).unwrap();
    store.record_queue(&second).unwrap();
    for run in [first, second] {
        assert_eq!(store.queue_run(&run.queue_id).unwrap(), Some(run));
    }
}

#[test]
fn ctrl_c_or_a_signal_mid_queue_records_the_summary_and_names_the_queue_on_exit() {
    let ctrl_c = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    for quit in [ctrl_c, Msg::Quit] {
        let mut app = marked(3, false);
        start(&mut app);
        mint_answers(&mut app, 1, t0());
        connects(&mut app, "oura", at(3));
        assert!(
            app.queue_farewell().is_none(),
            "nothing to say while it runs"
        );
        let fx = app.update(quit);
        assert!(app.quit);
        let (end, ids) = summary(&fx, "connected").expect("the summary is recorded");
        assert_eq!((end, ids.len()), (audit::QueueEnd::Quit, 1));
        let id = app.queue.as_ref().unwrap().id.clone();
        assert_eq!(
            app.queue_farewell().unwrap(),
            format!(
                "queue {id}: stopped early (the console quit), 1 connected, 2 not reached; \
                 history --queue {id} prints its summary"
            )
        );
    }
    // `q` answered y says the same.
    let mut app = marked(2, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    app.update(ch('q'));
    app.update(ch('y'));
    assert!(app.quit);
    assert!(app.queue_farewell().unwrap().contains("(the console quit)"));
}
