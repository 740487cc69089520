//! Pure tests of the queue's state machine alone, and the helpers the tests through `update`
//! share (`run_tests.rs`: a running queue; `stop_tests.rs`: how it ends).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::*;
use crate::api::{ConnectedProvider, LinkToken};
use crate::app::requests::Task;
use crate::app::tests::{ch, live, loaded, t0};
use crate::app::{App, Effect, Msg};
use crate::audit;

pub(super) fn ids(n: usize) -> Vec<(Uuid, String)> {
    (1..=n)
        .map(|i| (Uuid::from_u128(i as u128), format!("p{i}")))
        .collect()
}

pub(super) fn queue(n: usize) -> Queue {
    Queue::new(
        ids(n),
        LinkOptions::default(),
        "every provider".into(),
        t0(),
        "alice".into(),
    )
}

pub(super) fn at(secs: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(secs)
}

pub(super) fn outcomes(q: &Queue) -> Vec<Option<&'static str>> {
    q.entries
        .iter()
        .map(|e| e.outcome.as_ref().map(Outcome::label))
        .collect()
}

#[test]
fn a_connection_moves_on_after_the_countdown_and_the_last_one_ends_it() {
    let mut q = queue(2);
    assert_eq!(q.begin(), Step::Mint(Uuid::from_u128(1)));
    assert!(q.minted(Uuid::from_u128(1)));
    assert_eq!(q.phase, Phase::Showing);
    assert_eq!(q.connected(Uuid::from_u128(1), at(10)), Step::Leave);
    assert_eq!(q.countdown(at(11)), Some(4));
    assert_eq!(q.tick(at(14)), Step::Nothing, "the countdown runs 5 s");
    assert_eq!(q.tick(at(15)), Step::Mint(Uuid::from_u128(2)));
    assert_eq!(q.current, 1);
    q.minted(Uuid::from_u128(2));
    q.connected(Uuid::from_u128(2), at(20));
    assert_eq!(q.tick(at(25)), Step::Done);
    assert!(q.is_done());
    assert_eq!(outcomes(&q), [Some("connected"), Some("connected")]);
}

#[test]
fn skip_marks_skipped_and_moves_on_but_keeps_a_connection() {
    let mut q = queue(3);
    q.begin();
    q.minted(Uuid::from_u128(1));
    assert_eq!(q.skip(), Step::Mint(Uuid::from_u128(2)));
    q.minted(Uuid::from_u128(2));
    q.connected(Uuid::from_u128(2), at(5));
    // Skipping the countdown moves on at once; the patient stays connected.
    assert_eq!(q.skip(), Step::Mint(Uuid::from_u128(3)));
    assert_eq!(outcomes(&q), [Some("skipped"), Some("connected"), None]);
    assert_eq!(q.skip(), Step::Done);
    assert_eq!(q.skip(), Step::Nothing);
}

#[test]
fn back_mints_the_previous_patient_again() {
    let mut q = queue(3);
    q.begin();
    assert_eq!(q.back(), Step::Nothing, "nothing before the first");
    q.minted(Uuid::from_u128(1));
    q.skip();
    q.minted(Uuid::from_u128(2));
    assert_eq!(q.back(), Step::Mint(Uuid::from_u128(1)));
    assert_eq!(q.current, 0);
    assert_eq!(q.phase, Phase::Minting);
    // Patient 2 had a link and nothing became of it: not finished (not "not reached"), and
    // reached again on the way forward; patient 1 keeps their result until a new one.
    assert_eq!(outcomes(&q), [Some("skipped"), Some("not finished"), None]);
}

#[test]
fn hold_and_pause_stop_the_countdown_until_released() {
    let mut q = queue(2);
    q.begin();
    q.minted(Uuid::from_u128(1));
    q.connected(Uuid::from_u128(1), at(0));
    assert!(q.hold(at(1)));
    assert_eq!(q.tick(at(60)), Step::Nothing, "held");
    assert!(q.hold(at(60)), "released: the countdown starts over");
    assert_eq!(q.tick(at(64)), Step::Nothing);
    q.pause(at(64));
    assert_eq!(q.tick(at(120)), Step::Nothing, "paused");
    q.pause(at(120));
    assert_eq!(q.tick(at(124)), Step::Nothing);
    assert_eq!(q.tick(at(125)), Step::Mint(Uuid::from_u128(2)));
    assert!(!q.hold(at(125)), "nothing to hold while minting");
}

#[test]
fn a_paused_queue_still_records_a_connection_but_waits() {
    let mut q = queue(2);
    q.begin();
    q.minted(Uuid::from_u128(1));
    q.pause(at(1));
    q.connected(Uuid::from_u128(1), at(2));
    assert_eq!(q.tick(at(30)), Step::Nothing);
    assert_eq!(outcomes(&q)[0], Some("connected"));
}

#[test]
fn an_expired_link_marks_unused_and_waits_for_the_staff() {
    let mut q = queue(2);
    q.begin();
    q.minted(Uuid::from_u128(1));
    assert_eq!(q.expired(Uuid::from_u128(1)), Step::Leave);
    assert_eq!(q.phase, Phase::Waiting(Wait::Expired));
    assert_eq!(q.tick(at(600)), Step::Nothing, "waits for the staff");
    assert_eq!(outcomes(&q)[0], Some("unused"));
    // r mints again: a new attempt, the result kept until it has its own.
    assert_eq!(q.mint_again(), Step::Mint(Uuid::from_u128(1)));
    assert_eq!(outcomes(&q)[0], Some("unused"));
    q.minted(Uuid::from_u128(1));
    q.connected(Uuid::from_u128(1), at(700));
    assert_eq!(outcomes(&q)[0], Some("connected"));
}

#[test]
fn a_failed_mint_is_failed_with_its_reason_and_waits() {
    let mut q = queue(2);
    q.begin();
    assert_eq!(
        q.mint_failed(Uuid::from_u128(1), "rate limited"),
        Step::Leave
    );
    assert_eq!(
        q.phase,
        Phase::Waiting(Wait::MintFailed("rate limited".into()))
    );
    assert_eq!(
        q.entries[0].outcome,
        Some(Outcome::Failed("rate limited".into()))
    );
    assert_eq!(q.skip(), Step::Mint(Uuid::from_u128(2)));
    assert_eq!(
        q.entries[0].outcome.as_ref().map(Outcome::label),
        Some("failed")
    );
}

#[test]
fn stop_leaves_the_current_patient_not_finished_and_the_rest_not_reached() {
    let mut q = queue(3);
    q.begin();
    q.minted(Uuid::from_u128(1));
    assert_eq!(q.stop(), Step::Done);
    assert_eq!(outcomes(&q), [Some("not finished"), None, None]);
    assert_eq!(q.with("not reached").len(), 2);
    assert!(q.with("skipped").is_empty(), "nobody skipped them");
    assert_eq!(q.stop(), Step::Nothing);
    // The totals name every outcome a patient has, and "connected" always.
    assert_eq!(
        q.totals(),
        [("connected", 0), ("not finished", 1), ("not reached", 2)]
    );
    assert_eq!(
        q.totals_text(),
        "0 connected, 1 not finished, 2 not reached"
    );
}

#[test]
fn back_keeps_a_connection_and_a_new_link_is_a_new_attempt() {
    let mut q = queue(2);
    q.begin();
    q.minted(Uuid::from_u128(1));
    q.connected(Uuid::from_u128(1), at(3));
    q.tick(at(8));
    q.minted(Uuid::from_u128(2));
    assert_eq!(q.back(), Step::Mint(Uuid::from_u128(1)));
    assert_eq!(outcomes(&q), [Some("connected"), Some("not finished")]);
    // The new link for patient 1 expires unused: they connected before, so stay connected.
    q.minted(Uuid::from_u128(1));
    q.expired(Uuid::from_u128(1));
    q.skip();
    q.minted(Uuid::from_u128(2));
    q.skip();
    assert_eq!(outcomes(&q), [Some("connected"), Some("skipped")]);
}

#[test]
fn a_connection_or_expiry_of_a_patient_no_longer_current_is_ignored() {
    let mut q = queue(3);
    q.begin();
    q.minted(Uuid::from_u128(1));
    q.skip();
    assert_eq!(q.connected(Uuid::from_u128(1), at(5)), Step::Nothing);
    assert_eq!(q.expired(Uuid::from_u128(1)), Step::Nothing);
    assert!(!q.minted(Uuid::from_u128(1)), "a late mint for patient 1");
    assert_eq!(q.mint_failed(Uuid::from_u128(1), "x"), Step::Nothing);
    assert_eq!(outcomes(&q), [Some("skipped"), None, None]);
    assert_eq!(q.phase, Phase::Minting);
}

#[test]
fn the_questions_count_and_name_production() {
    let ask = |count, production| Ask::Start {
        patients: count,
        connected: 0,
        include_connected: false,
        label: "preset clinic".into(),
        production,
    };
    assert_eq!(
        ask(30, false).question(),
        "Start the queue of 30 patients with preset clinic? y/N"
    );
    assert_eq!(
        ask(30, true).question(),
        "Start the queue of 30 PRODUCTION links with preset clinic? y/N"
    );
    assert_eq!(
        ask(1, false).question(),
        "Start the queue of 1 patient with preset clinic? y/N"
    );
}

// Through `update`.

pub(super) fn connected_now(slug: &str, when: DateTime<Utc>) -> ConnectedProvider {
    serde_json::from_value(serde_json::json!({
        "name": slug, "slug": slug, "status": "connected",
        "created_on": when.to_rfc3339(),
    }))
    .unwrap()
}

pub(super) fn token(n: u32) -> LinkToken {
    LinkToken {
        link_token: format!("dG9rZW4{n}"),
        link_web_url: format!("https://link.tryvital.io/?token=dG9rZW4{n}&env=sandbox&region=us"),
    }
}

pub(super) fn audits(effects: &[Effect]) -> Vec<&audit::Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit(e) => Some(&**e),
            _ => None,
        })
        .collect()
}

/// The queue's summary for the audit log, when `effects` write it: how it ended, the ids of
/// `outcome`.
pub(super) fn summary(effects: &[Effect], outcome: &str) -> Option<(audit::QueueEnd, Vec<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::AuditQueue(r) => Some((r.end, r.with(outcome).to_vec())),
        _ => None,
    })
}

pub(super) fn mints(effects: &[Effect]) -> Vec<Uuid> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Mint { request, .. } => Some(request.user_id),
            _ => None,
        })
        .collect()
}

/// An app with 10 patients, the first `marked` of them marked with Space (moving down).
pub(super) fn marked(marked: usize, production: bool) -> App {
    let mut app = loaded(10, production);
    for _ in 0..marked {
        app.update(ch(' '));
        app.update(ch('j'));
    }
    app
}

pub(super) fn user_at(app: &App, i: usize) -> Uuid {
    app.patients.list.items().id(i)
}

/// The mint in flight answers with a link at `when`.
pub(super) fn mint_answers(app: &mut App, n: u32, when: DateTime<Utc>) -> Vec<Effect> {
    let id = live(app, Task::Mint);
    app.update(Msg::Minted {
        id,
        at: when,
        result: Ok(token(n)),
    })
}

/// A tick at `when`, then the watcher check it starts answers that `slug` connected.
pub(super) fn connects(app: &mut App, slug: &str, when: DateTime<Utc>) -> Vec<Effect> {
    let mut fx = app.update(Msg::Tick(when));
    let id = live(app, Task::Watch);
    fx.extend(app.update(Msg::Watched {
        id,
        at: when,
        result: Ok(vec![connected_now(slug, when)]),
    }));
    fx
}

pub(super) fn start(app: &mut App) -> Vec<Effect> {
    app.update(ch('O'));
    app.update(ch('y'))
}
