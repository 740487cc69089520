//! Pure tests of the queue: its state machine alone, then through `update` (marks, `O`, the
//! mint path and its audit rows, the watcher, the ticks, the keys).

use chrono::{DateTime, Duration, Utc};
use crossterm::event::KeyCode;
use uuid::Uuid;

use super::*;
use crate::api::{ApiError, ConnectedProvider, LinkToken};
use crate::app::overlay::Confirm;
use crate::app::requests::Task;
use crate::app::screen::Screen;
use crate::app::tests::{ch, key, live, loaded, t0};
use crate::app::{App, Effect, Msg};
use crate::audit;

fn ids(n: usize) -> Vec<(Uuid, String)> {
    (1..=n)
        .map(|i| (Uuid::from_u128(i as u128), format!("p{i}")))
        .collect()
}

fn queue(n: usize) -> Queue {
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

fn outcomes(q: &Queue) -> Vec<Option<&'static str>> {
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

fn token(n: u32) -> LinkToken {
    LinkToken {
        link_token: format!("dG9rZW4{n}"),
        link_web_url: format!("https://link.tryvital.io/?token=dG9rZW4{n}&env=sandbox&region=us"),
    }
}

fn audits(effects: &[Effect]) -> Vec<&audit::Event> {
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
fn summary(effects: &[Effect], outcome: &str) -> Option<(audit::QueueEnd, Vec<String>)> {
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
fn marked(marked: usize, production: bool) -> App {
    let mut app = loaded(10, production);
    for _ in 0..marked {
        app.update(ch(' '));
        app.update(ch('j'));
    }
    app
}

fn user_at(app: &App, i: usize) -> Uuid {
    app.patients.list.items().id(i)
}

/// The mint in flight answers with a link at `when`.
fn mint_answers(app: &mut App, n: u32, when: DateTime<Utc>) -> Vec<Effect> {
    let id = live(app, Task::Mint);
    app.update(Msg::Minted {
        id,
        at: when,
        result: Ok(token(n)),
    })
}

/// A tick at `when`, then the watcher check it starts answers that `slug` connected.
fn connects(app: &mut App, slug: &str, when: DateTime<Utc>) -> Vec<Effect> {
    let mut fx = app.update(Msg::Tick(when));
    let id = live(app, Task::Watch);
    fx.extend(app.update(Msg::Watched {
        id,
        at: when,
        result: Ok(vec![connected_now(slug, when)]),
    }));
    fx
}

fn start(app: &mut App) -> Vec<Effect> {
    app.update(ch('O'));
    app.update(ch('y'))
}

#[test]
fn space_marks_and_unmarks_and_marks_survive_filtering_and_reload() {
    let mut app = marked(3, false);
    assert_eq!(app.patients.marks.len(), 3);
    app.update(ch('k'));
    app.update(ch(' '));
    assert_eq!(app.patients.marks.len(), 2, "Space again unmarks");
    let first = user_at(&app, 0);
    assert!(app.patients.marks.contains(first));
    // A filter that hides the marked patients keeps their marks, and so does R.
    app.update(ch('/'));
    for c in "00009".chars() {
        app.update(ch(c));
    }
    app.update(key(KeyCode::Enter));
    app.update(ch('R'));
    assert_eq!(app.patients.marks.len(), 2);
    assert!(app.patients.marks.contains(first));
}

#[test]
fn star_marks_every_match_and_asks_first_above_500() {
    let mut app = loaded(10, false);
    app.update(ch('*'));
    assert_eq!(app.patients.marks.len(), 10);
    let mut big = loaded(501, false);
    big.update(ch('*'));
    assert!(big.patients.marks.is_empty());
    assert_eq!(
        big.overlays.confirm,
        Some(Confirm::Queue(Ask::MarkAll { count: 501 }))
    );
    big.update(ch('y'));
    assert_eq!(big.patients.marks.len(), 501);
}

#[test]
fn o_asks_once_even_in_production_then_mints_the_first_through_the_mint_path() {
    let mut app = marked(3, true);
    app.update(ch('O'));
    let question = app.overlays.confirm.as_ref().unwrap().question();
    assert_eq!(
        question,
        "Start the queue of 3 PRODUCTION links with every provider? y/N"
    );
    let fx = app.update(ch('y'));
    assert_eq!(mints(&fx), [user_at(&app, 0)]);
    assert!(app.patients.marks.is_empty(), "the marks became the queue");
    // The next patient is minted without another production question.
    mint_answers(&mut app, 1, t0());
    let fx = connects(&mut app, "oura", at(10));
    assert!(mints(&fx).is_empty());
    let fx = app.update(Msg::Tick(at(15)));
    assert_eq!(mints(&fx), [user_at(&app, 1)]);
    assert!(app.overlays.confirm.is_none());
    // Nor for r: the mint again goes out at once.
    let id = live(&app, Task::Mint);
    app.update(Msg::Minted {
        id,
        at: at(16),
        result: Err(ApiError::Refused {
            status: 400,
            detail: "x".into(),
        }),
    });
    app.update(ch('a'));
    let fx = app.update(ch('r'));
    assert_eq!(mints(&fx), [user_at(&app, 1)]);
    assert!(app.overlays.confirm.is_none());
}

#[test]
fn o_without_marks_or_in_read_only_mode_starts_nothing() {
    let mut app = loaded(10, false);
    app.update(ch('O'));
    assert!(app.overlays.confirm.is_none());
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("Mark patients first")
    );
    let mut ro = marked(2, false);
    ro.env.read_only = true;
    ro.update(ch('O'));
    assert!(ro.overlays.confirm.is_none());
    assert!(ro.queue.is_none());
    assert!(ro.toast.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn a_queue_of_three_runs_with_no_key_when_each_connects() {
    let mut app = marked(3, false);
    let fx = start(&mut app);
    assert_eq!(mints(&fx), [user_at(&app, 0)]);
    let qid = app.queue.as_ref().unwrap().id.clone();
    for n in 0..3u32 {
        let t = i64::from(n) * 20;
        let fx = mint_answers(&mut app, n, at(t));
        // The patient-facing view by default.
        assert!(matches!(app.screen, Screen::PatientView { .. }));
        let rows = audits(&fx);
        assert_eq!(rows[0].outcome, audit::Outcome::Minted);
        assert!(rows.iter().all(|r| r.source == audit::Source::Queue));
        assert!(
            rows.iter()
                .all(|r| r.queue.as_deref() == Some(qid.as_str()))
        );
        let fx = connects(&mut app, "oura", at(t + 3));
        let rows = audits(&fx);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].outcome, audit::Outcome::Connected);
        assert_eq!(rows[0].queue.as_deref(), Some(qid.as_str()));
        // Between patients the patient sees only "Please wait".
        assert!(app.queue_waiting_screen());
        let fx = app.update(Msg::Tick(at(t + 8)));
        if n < 2 {
            assert_eq!(mints(&fx), [user_at(&app, n as usize + 1)]);
        } else {
            let (end, ids) = summary(&fx, "connected").expect("the summary, at the end");
            assert_eq!((end, ids.len()), (audit::QueueEnd::Finished, 3));
        }
    }
    let q = app.queue.as_ref().unwrap();
    assert!(q.is_done());
    assert_eq!(q.with("connected").len(), 3);
}

#[test]
fn a_connection_answer_for_a_skipped_patient_is_dropped() {
    let mut app = marked(2, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    assert!(matches!(app.screen, Screen::Link(_)), "queue_view = staff");
    app.update(Msg::Tick(at(1)));
    let watch = live(&app, Task::Watch);
    let fx = app.update(ch('n'));
    assert!(fx.contains(&Effect::Cancel { id: watch }));
    assert_eq!(mints(&fx), [user_at(&app, 1)]);
    let fx = app.update(Msg::Watched {
        id: watch,
        at: at(2),
        result: Ok(vec![connected_now("oura", at(2))]),
    });
    assert!(fx.is_empty());
    let q = app.queue.as_ref().unwrap();
    assert_eq!(outcomes(q), [Some("skipped"), None]);
    assert_eq!(q.phase, Phase::Minting);
}

#[test]
fn a_failed_mint_waits_and_r_mints_again() {
    let mut app = marked(2, false);
    start(&mut app);
    let id = live(&app, Task::Mint);
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Refused {
            status: 409,
            detail: "boom".into(),
        }),
    });
    let rows = audits(&fx);
    assert_eq!(rows[0].outcome, audit::Outcome::MintFailed);
    assert_eq!(rows[0].source, audit::Source::Queue);
    let q = app.queue.as_ref().unwrap();
    assert!(matches!(q.phase, Phase::Waiting(Wait::MintFailed(_))));
    // Any key leaves the patient's "Please wait"; then r mints again.
    app.update(ch('x'));
    assert!(!app.queue_waiting_screen());
    let fx = app.update(ch('r'));
    assert_eq!(mints(&fx), [user_at(&app, 0)]);
}

#[test]
fn an_expired_link_marks_unused_and_the_queue_waits() {
    let mut app = marked(2, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    let fx = app.update(Msg::Tick(at(3 * 3600)));
    let rows = audits(&fx);
    assert!(
        rows.iter()
            .any(|r| r.outcome == audit::Outcome::Expired && r.source == audit::Source::Queue)
    );
    let q = app.queue.as_ref().unwrap();
    assert_eq!(q.phase, Phase::Waiting(Wait::Expired));
    assert!(mints(&app.update(Msg::Tick(at(4 * 3600)))).is_empty());
}

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

/// Keys pressed per additional patient: none when each connects, one to skip.
#[test]
fn keys_per_additional_patient() {
    let mut app = marked(3, false);
    let mut keys = 0;
    let press = |app: &mut App, keys: &mut u32, m: Msg| {
        *keys += 1;
        app.update(m)
    };
    press(&mut app, &mut keys, ch('O'));
    press(&mut app, &mut keys, ch('y'));
    let at_start = keys;
    mint_answers(&mut app, 1, t0());
    connects(&mut app, "oura", at(3));
    app.update(Msg::Tick(at(8)));
    mint_answers(&mut app, 2, at(8));
    assert_eq!(keys - at_start, 0, "a patient who connects costs no key");
    // The second patient is skipped: any key to reach the staff view, then n.
    press(&mut app, &mut keys, ch('a'));
    let fx = press(&mut app, &mut keys, ch('n'));
    assert_eq!(keys - at_start, 2);
    assert_eq!(mints(&fx), [user_at(&app, 2)]);
    // In the staff view (queue_view = "staff") a skip is one key.
    let mut staff = marked(2, false);
    staff.config.queue_patient_facing = false;
    start(&mut staff);
    mint_answers(&mut staff, 1, t0());
    let fx = staff.update(ch('n'));
    assert_eq!(mints(&fx), [user_at(&staff, 1)]);
    assert_eq!(
        staff.queue.as_ref().unwrap().entries[0].outcome,
        Some(Outcome::Skipped)
    );
}

#[test]
fn the_pending_registry_holds_one_watch_at_most() {
    let mut app = marked(2, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    app.update(Msg::Tick(at(1)));
    app.update(Msg::Tick(at(2)));
    assert_eq!(app.requests.count(Task::Watch), 1);
}

#[test]
fn staff_in_the_link_view_keep_the_staff_screen_between_patients() {
    let mut app = marked(2, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    app.update(ch('a')); // any key: the staff link view
    assert!(matches!(app.screen, Screen::Link(_)));
    connects(&mut app, "oura", at(3));
    assert!(app.screen.is_panes());
    assert!(!app.queue_waiting_screen(), "the staff see the countdown");
    // The next link is shown to the patient again.
    app.update(Msg::Tick(at(8)));
    mint_answers(&mut app, 2, at(8));
    assert!(matches!(app.screen, Screen::PatientView { .. }));
}
