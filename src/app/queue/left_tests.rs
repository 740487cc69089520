//! Pure tests of the links a queue left unused: each stays watched while valid, a connection
//! through one is logged for that link and the queue and counts the patient as connected, and
//! the summary names every one still out.

use super::tests::*;
use crate::app::requests::Task;
use crate::app::tests::{ch, live};
use crate::app::{App, Effect, Msg};
use crate::audit;

/// The check a tick at `secs` starts: for whom (none: no check).
fn check_at(app: &mut App, secs: i64) -> Option<uuid::Uuid> {
    app.update(Msg::Tick(at(secs)))
        .iter()
        .find_map(|e| match e {
            Effect::WatchConnections { user_id, .. } => Some(*user_id),
            _ => None,
        })
}

/// The check in flight answers with `list`.
fn answer(app: &mut App, secs: i64, list: Vec<crate::api::ConnectedProvider>) -> Vec<Effect> {
    let id = live(app, Task::Watch);
    app.update(Msg::Watched {
        id,
        at: at(secs),
        result: Ok(list),
    })
}

/// A queue of the first `n` patients started, its links shown in the staff's view.
fn staff(n: usize) -> App {
    let mut app = marked(n, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    app
}

fn fingerprint(fx: &[Effect]) -> String {
    audits(fx)
        .iter()
        .find(|r| r.outcome == audit::Outcome::Minted)
        .and_then(|r| r.token_fingerprint.clone())
        .expect("a minted row")
}

#[test]
fn a_patient_connecting_through_a_skipped_link_is_recorded_as_connected() {
    let mut app = staff(2);
    let (p1, p2) = (user_at(&app, 0), user_at(&app, 1));
    let first = fingerprint(&mint_answers(&mut app, 1, at(0)));
    // The shown link's check starts with it.
    answer(&mut app, 1, vec![]);
    // `n`: patient 1's link is left, still valid.
    app.update(ch('n'));
    mint_answers(&mut app, 2, at(2));
    // The shown link's check first, then the left one's: one at a time.
    assert_eq!(check_at(&mut app, 5), None, "one check in flight");
    answer(&mut app, 5, vec![]);
    assert_eq!(check_at(&mut app, 6), Some(p1));
    let fx = answer(&mut app, 7, vec![connected_now("polar", at(7))]);
    let rows = audits(&fx);
    assert_eq!(rows.len(), 1);
    let row = rows[0];
    assert_eq!(row.outcome, audit::Outcome::Connected);
    assert_eq!(row.token_fingerprint.as_deref(), Some(first.as_str()));
    assert_eq!(
        row.queue.as_deref(),
        Some(app.queue.as_ref().unwrap().id.as_str())
    );
    assert_eq!(row.source, audit::Source::Queue);
    assert_eq!(row.provider.as_deref(), Some("polar"));
    assert!(
        app.toast.as_ref().unwrap().text.contains("Connected later"),
        "{:?}",
        app.toast
    );
    // The queue goes on with patient 2; patient 1 counts as connected.
    let q = app.queue.as_ref().unwrap();
    assert!(q.is_current(p2));
    assert_eq!(outcomes(q), [Some("connected"), None]);
    assert_eq!(q.entries[0].providers, ["polar"]);
    assert_eq!(app.queue_link_out(p1), None, "the link is used up");
    // Seen once: the next check of the patient writes nothing again.
    app.update(ch('x'));
    let fx = app.update(ch('y'));
    assert_eq!(summary(&fx, "connected").unwrap().1, [q_id(&app, 0)]);
    assert!(app.queue_farewell().unwrap().contains("1 connected"));
}

fn q_id(app: &App, i: usize) -> String {
    app.queue.as_ref().unwrap().entries[i]
        .client_user_id
        .clone()
}

#[test]
fn a_link_left_stays_watched_after_the_queue_ends_until_it_expires() {
    let mut app = staff(1);
    let p1 = user_at(&app, 0);
    mint_answers(&mut app, 1, at(0));
    app.update(ch('x'));
    app.update(ch('y'));
    assert_eq!(app.queue_links_out().map(|(n, _)| n), Some(1));
    // The summary closes: the link is still watched.
    app.queue = None;
    assert_eq!(check_at(&mut app, 10), Some(p1));
    let fx = answer(&mut app, 10, vec![connected_now("oura", at(10))]);
    assert_eq!(audits(&fx)[0].outcome, audit::Outcome::Connected);
    // Expired links are not watched.
    let mut app = staff(1);
    mint_answers(&mut app, 1, at(0));
    app.update(ch('x'));
    app.update(ch('y'));
    assert_eq!(check_at(&mut app, 3_601), None);
}

#[test]
fn the_summary_names_every_link_still_out_also_of_connected_patients() {
    let mut app = staff(3);
    let (p1, p2, p3) = (user_at(&app, 0), user_at(&app, 1), user_at(&app, 2));
    // Patient 1 connects; patient 2's link is replaced by r, then b goes back to patient 1
    // (a new link), n moves on to patient 2 again, x stops.
    mint_answers(&mut app, 1, at(0));
    connects(&mut app, "oura", at(1));
    app.update(Msg::Tick(at(7)));
    mint_answers(&mut app, 2, at(8));
    app.update(ch('r'));
    mint_answers(&mut app, 3, at(9));
    app.update(ch('b'));
    mint_answers(&mut app, 4, at(10));
    app.update(ch('n'));
    mint_answers(&mut app, 5, at(11));
    app.update(ch('x'));
    app.update(ch('y'));
    // Left: patient 2's first link, its second (b), patient 1's second (n), patient 2's third (x).
    assert_eq!(app.queue_links_out().map(|(n, _)| n), Some(4));
    assert!(app.queue_link_out(p1).is_some());
    assert!(app.queue_link_out(p2).is_some());
    assert_eq!(app.queue_link_out(p3), None);
    // The line printed on quitting says so: the console no longer watches them then.
    let farewell = app.queue_farewell().unwrap();
    assert!(
        farewell.contains("; 4 links still out until "),
        "{farewell}"
    );
}
