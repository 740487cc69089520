//! Pure tests of a queue ending through `update`: stop and quit (asked first), going back,
//! the summary on screen and in the audit log.

use crossterm::event::KeyCode;

use super::tests::*;
use super::*;
use crate::app::overlay::Confirm;
use crate::app::tests::{ch, key, t0};
use crate::app::{Effect, Msg};
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
