//! Pure tests of a running queue through `update`: marks and `O`, the mint path and its audit
//! rows, the watcher, the ticks, the keys.

use crossterm::event::KeyCode;

use super::tests::*;
use super::*;
use crate::api::ApiError;
use crate::app::overlay::Confirm;
use crate::app::requests::Task;
use crate::app::screen::Screen;
use crate::app::tests::{ch, key, live, loaded, t0};
use crate::app::{App, Effect, Msg};
use crate::audit;

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

/// What moved the queue on to a new link, the staff having looked at their view of the last
/// one: `n`, `b`, `r` or the countdown.
#[derive(Debug, Clone, Copy)]
enum MovedOn {
    Skip,
    Back,
    MintAgain,
    Countdown,
}

/// Any key on the patient-facing view: the staff's link view.
fn staff_look(app: &mut App) {
    if matches!(app.screen, Screen::PatientView { .. }) {
        app.update(ch('a'));
    }
    assert!(matches!(app.screen, Screen::Link(_)), "the staff link view");
}

/// A queue of two in the configured view (`patient_facing` or `queue_view = "staff"`) moved on
/// `how` from the staff's view: a new mint is in flight. Answers when (in seconds) it went out.
fn moved_on(patient_facing: bool, how: MovedOn) -> (App, i64) {
    let mut app = marked(2, false);
    app.config.queue_patient_facing = patient_facing;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    let t = match how {
        MovedOn::Skip => {
            staff_look(&mut app);
            assert_eq!(mints(&app.update(ch('n'))), [user_at(&app, 1)]);
            1
        }
        MovedOn::Back => {
            connects(&mut app, "oura", at(3));
            app.update(Msg::Tick(at(8)));
            mint_answers(&mut app, 2, at(8));
            staff_look(&mut app);
            assert_eq!(mints(&app.update(ch('b'))), [user_at(&app, 0)]);
            9
        }
        MovedOn::MintAgain => {
            let t = 3 * 3600;
            app.update(Msg::Tick(at(t)));
            if app.queue_waiting_screen() {
                app.update(ch('a'));
            }
            assert!(!app.queue_waiting_screen(), "the staff's screen");
            assert_eq!(mints(&app.update(ch('r'))), [user_at(&app, 0)]);
            t
        }
        MovedOn::Countdown => {
            staff_look(&mut app);
            connects(&mut app, "oura", at(3));
            assert!(!app.queue_waiting_screen(), "the staff see the countdown");
            assert_eq!(mints(&app.update(Msg::Tick(at(8)))), [user_at(&app, 1)]);
            8
        }
    };
    (app, t)
}

/// Every new link of the queue starts in the configured view, whatever moved the queue on: in
/// the patient-facing one, the link, then the patient's own confirmation when they connect
/// (never the staff's screen the last link left behind). While it is minted, the staff keep
/// their screen after their key; after the countdown the patient reads "Please wait".
fn starts_in_the_configured_view(how: MovedOn) {
    let (mut app, t) = moved_on(true, how);
    if matches!(how, MovedOn::Countdown) {
        assert!(app.queue_waiting_screen(), "Please wait, during the mint");
        // A staff key during the mint is for the wait, not for the link that follows.
        app.update(ch('a'));
    }
    assert!(!app.queue_waiting_screen(), "{how:?}: the staff's screen");
    mint_answers(&mut app, 7, at(t));
    assert!(
        matches!(app.screen, Screen::PatientView { .. }),
        "{how:?}: the patient-facing view"
    );
    connects(&mut app, "oura", at(t + 3));
    assert!(
        app.queue_waiting_screen(),
        "{how:?}: the patient reads their confirmation, not the staff's screen"
    );
    // queue_view = "staff": the staff link view, whatever moved the queue on.
    let (mut app, t) = moved_on(false, how);
    assert!(!app.queue_waiting_screen(), "{how:?}");
    mint_answers(&mut app, 7, at(t));
    assert!(matches!(app.screen, Screen::Link(_)), "{how:?}: staff view");
}

#[test]
fn after_a_skip_from_the_staff_view_the_next_link_starts_in_the_configured_view() {
    starts_in_the_configured_view(MovedOn::Skip);
}

#[test]
fn after_back_from_the_staff_view_the_link_starts_in_the_configured_view() {
    starts_in_the_configured_view(MovedOn::Back);
}

#[test]
fn after_r_from_the_staff_view_the_link_starts_in_the_configured_view() {
    starts_in_the_configured_view(MovedOn::MintAgain);
}

#[test]
fn after_the_countdown_the_next_link_starts_in_the_configured_view() {
    starts_in_the_configured_view(MovedOn::Countdown);
}

#[test]
fn k_between_patients_turns_to_the_patient_for_that_moment_only() {
    let mut app = marked(3, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    assert!(matches!(app.screen, Screen::Link(_)), "queue_view = staff");
    connects(&mut app, "oura", at(3));
    assert!(!app.queue_waiting_screen(), "the staff see the countdown");
    app.update(ch('K'));
    assert!(
        app.queue_waiting_screen(),
        "K: the patient reads their confirmation"
    );
    // The countdown moves on: "Please wait" while minting, then the configured staff view.
    app.update(Msg::Tick(at(8)));
    assert!(app.queue_waiting_screen());
    mint_answers(&mut app, 2, at(9));
    assert!(
        matches!(app.screen, Screen::Link(_)),
        "the staff view again"
    );
    connects(&mut app, "oura", at(12));
    assert!(
        !app.queue_waiting_screen(),
        "the staff see the next countdown"
    );
    app.update(ch('K'));
    app.update(ch('a'));
    assert!(!app.queue_waiting_screen(), "any key: back to the staff");
    app.update(Msg::Tick(at(18)));
    mint_answers(&mut app, 3, at(19));
    assert!(matches!(app.screen, Screen::Link(_)));
}

#[test]
fn the_status_line_never_repeats_a_countdown_that_goes_stale_nor_one_while_paused() {
    let toast = |app: &App| app.toast.as_ref().unwrap().text.clone();
    let mut app = marked(3, false);
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    connects(&mut app, "oura", at(3));
    assert_eq!(toast(&app), "Connected ✓ — the next patient follows");
    app.update(Msg::Tick(at(8)));
    mint_answers(&mut app, 2, at(8));
    app.update(ch('a'));
    app.update(ch('p'));
    connects(&mut app, "oura", at(10));
    let text = toast(&app);
    assert!(!text.contains("next patient"), "paused: {text}");
    assert!(text.contains("paused: p resumes"), "{text}");
    // Held, then going on: no number either.
    app.update(ch('p'));
    app.update(ch('h'));
    app.update(ch('h'));
    assert!(!toast(&app).contains(" s"), "{}", toast(&app));
}

#[test]
fn r_is_not_offered_once_the_patient_connected_and_does_not_throw_the_countdown_away() {
    use crate::app::keymap::Ctx;
    let mut app = marked(3, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    assert!(app.contexts().contains(&Ctx::QueueRetry), "r before");
    connects(&mut app, "oura", at(3));
    assert!(!app.contexts().contains(&Ctx::QueueRetry), "no r after");
    app.update(ch('h'));
    let fx = app.update(ch('r'));
    assert!(mints(&fx).is_empty());
    let q = app.queue.as_ref().unwrap();
    assert!(matches!(q.phase, Phase::Connected { held: true, .. }));
    assert_eq!(outcomes(q)[0], Some("connected"));
}

#[test]
fn held_and_paused_says_both_keys_go_on() {
    let toast = |app: &App| app.toast.as_ref().unwrap().text.clone();
    let mut app = marked(3, false);
    app.config.queue_patient_facing = false;
    start(&mut app);
    mint_answers(&mut app, 1, t0());
    app.update(ch('p'));
    connects(&mut app, "oura", at(3));
    app.update(ch('h'));
    assert!(toast(&app).contains("h and p go on"), "{}", toast(&app));
    app.update(ch('h'));
    assert!(toast(&app).contains("p resumes"), "{}", toast(&app));
}
