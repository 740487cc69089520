//! Renders of the queue's flow that are checked by their words, not by snapshots: the thanks
//! after the last patient, held and paused, a message before the start question, ids never
//! split at 80 columns, the providers named and the links still out.

use chrono::Duration;

use super::tests::{connects, counting_down, minted, started};
use crate::app::tests::{ch, loaded, t0};
use crate::app::{App, Msg};
use crate::ui::tests::{render, sized};

/// Both patients connect in the patient-facing view (the default `queue_view`); the last
/// countdown ends with no key pressed.
fn all_connected(w: u16, h: u16) -> App {
    let mut app = sized(loaded(40, false), w, h);
    for m in [ch(' '), ch('j'), ch(' ')] {
        app.update(m);
    }
    app.update(ch('O'));
    app.update(ch('y'));
    for n in 0..2u32 {
        let t = i64::from(n) * 20;
        minted(&mut app, n, t);
        connects(&mut app, t + 3);
        app.update(Msg::Tick(t0() + Duration::seconds(t + 9)));
    }
    app
}

#[test]
fn after_the_last_patient_the_patient_sees_thanks_until_a_staff_key() {
    let mut app = all_connected(80, 24);
    assert!(app.queue.as_ref().unwrap().is_done());
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Thank you. Please hand the device back to the staff."),
        "{screen}"
    );
    assert!(!screen.contains("patient-0000"), "no id: {screen}");
    assert!(!screen.contains("summary"), "{screen}");
    // Long after, still no id.
    app.update(Msg::Tick(t0() + Duration::seconds(600)));
    assert!(!render(&app, 80, 24).contains("patient-0000"));
    // In the patient's language.
    app.config.patient_language = crate::i18n::Language::Es;
    assert!(render(&app, 80, 24).contains("Gracias."));
    // A staff key: the summary.
    app.update(ch('a'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("summary"), "{screen}");
    assert!(screen.contains("patient-0000"), "{screen}");
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Esc));
    assert!(app.queue.is_none(), "Esc then closes the summary");
}

#[test]
fn held_and_paused_say_so_in_the_status_line_and_the_key_bar() {
    let mut app = counting_down(80, 24);
    app.update(ch('h'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Countdown held: h goes on"), "{screen}");
    assert!(!screen.contains("next patient in"), "{screen}");
    assert!(screen.contains("h go on"), "{screen}");
    assert!(!screen.contains("h hold"), "{screen}");
    // After the message's time the hint says the same.
    app.update(Msg::Tick(t0() + Duration::seconds(30)));
    app.update(Msg::Tick(t0() + Duration::seconds(40)));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Countdown held: h goes on"), "{screen}");
    app.update(ch('h'));
    app.update(ch('p'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Queue paused"), "{screen}");
    assert!(!screen.contains("moves on by itself"), "{screen}");
    assert!(screen.contains("p resume"), "{screen}");
    assert!(screen.contains("h hold"), "{screen}");
    app.update(ch('p'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("p pause"), "{screen}");
    assert!(screen.contains("moves on by itself"), "{screen}");
}

#[test]
fn a_message_before_the_start_question_does_not_stay_under_it() {
    let mut app = sized(loaded(40, false), 80, 24);
    app.config.queue_patient_facing = false;
    for m in [ch(' '), ch('j'), ch(' '), ch('/'), ch('9')] {
        app.update(m);
    }
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Esc));
    assert!(render(&app, 80, 24).contains("Filter cleared"));
    app.update(ch('O'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Start the queue of 2 patients"), "{screen}");
    assert!(!screen.contains("Filter cleared"), "{screen}");
}

/// A queue of `ids` whose outcomes are set directly.
fn queue_of(ids: &[&str], outcomes: Vec<Option<crate::app::queue::Outcome>>) -> App {
    use crate::app::queue::Queue;
    let mut app = sized(loaded(1, false), 80, 24);
    let entries = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (uuid::Uuid::from_u128(i as u128 + 1), (*id).to_string()))
        .collect();
    let mut q = Queue::new(
        entries,
        crate::link::LinkOptions::default(),
        "all".into(),
        t0(),
        "ann".into(),
    );
    for (e, o) in q.entries.iter_mut().zip(outcomes) {
        e.outcome = o;
    }
    q.asked = crate::app::queue::Asked::Staff;
    app.queue = Some(q);
    app
}

#[test]
fn at_80_columns_ids_are_never_split_and_wrapped_lines_indent() {
    use crate::app::queue::{Outcome, Phase};
    let ids = [
        "anne.example-patient-0001",
        "bob.example-patient-00022",
        "+1 555 123 4567",
        "carla-3",
    ];
    let reason = "the API rejected the request: Provider not enabled for team";
    let outcomes = vec![
        Some(Outcome::Connected),
        Some(Outcome::Connected),
        Some(Outcome::Connected),
        Some(Outcome::Failed(reason.into())),
    ];
    let mut app = queue_of(&ids, outcomes);
    // The running view: the failed row wraps under its result.
    app.queue.as_mut().unwrap().current = 3;
    app.queue.as_mut().unwrap().phase = Phase::Waiting(crate::app::queue::Wait::Expired);
    let screen = render(&app, 80, 24);
    let row = screen.lines().position(|l| l.contains("failed:")).unwrap();
    let next = screen.lines().nth(row + 1).unwrap();
    assert!(next.contains("enabled for team"), "{screen}");
    assert!(next.starts_with("┃      "), "indented: {screen}");
    // The summary.
    app.queue.as_mut().unwrap().phase = Phase::Done;
    let screen = render(&app, 80, 24);
    for l in screen.lines().filter(|l| l.contains("+1 555")) {
        assert!(l.contains("+1 555 123 4567"), "{screen}");
    }
    let lines: Vec<&str> = screen.lines().collect();
    let connected = lines
        .iter()
        .position(|l| l.contains("Connected 3"))
        .unwrap();
    assert!(
        lines[connected + 1].starts_with("┃  +1 555 123 4567"),
        "{screen}"
    );
    let failed = lines.iter().position(|l| l.contains("Failed 1")).unwrap();
    assert!(lines[failed + 1].starts_with("┃  "), "{screen}");
    assert!(!lines[failed + 1].starts_with("┃   "), "{screen}");
}

#[test]
fn the_list_names_the_providers_and_a_skipped_patients_link_is_out_until_it_expires() {
    let mut app = started(80, 24);
    minted(&mut app, 1, 0);
    app.update(ch('n'));
    minted(&mut app, 2, 5);
    connects(&mut app, 8);
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("1. patient-00001        skipped · link out until 11:00"),
        "{screen}"
    );
    assert!(
        screen.contains("2. patient-00002        ✓ Oura"),
        "{screen}"
    );
    app.update(ch('x'));
    app.update(ch('y'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Skipped 1: patient-00001 (link out until 11:00)"),
        "{screen}"
    );
    assert!(
        screen.contains("A link left unused stays valid until it"),
        "{screen}"
    );
    assert!(screen.contains("Vital has no"), "{screen}");
    // Once it has expired, it is no longer said to be out.
    app.update(Msg::Tick(t0() + Duration::minutes(61)));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("link out"), "{screen}");
    assert!(!screen.contains("stays valid"), "{screen}");
}

#[test]
fn held_and_paused_names_both_keys_that_go_on() {
    let mut app = counting_down(80, 24);
    app.update(ch('h'));
    app.update(ch('p'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Connected ✓ — held and paused: h and p go on"),
        "{screen}"
    );
}

#[test]
fn the_summary_names_every_link_still_out_a_connected_patients_too() {
    // Patient 1 connects, `b` goes back to them (a new link), `n` leaves it, `x` stops.
    let mut app = counting_down(80, 24);
    app.update(Msg::Tick(t0() + Duration::seconds(9)));
    minted(&mut app, 2, 9);
    app.update(ch('b'));
    minted(&mut app, 3, 10);
    app.update(ch('n'));
    minted(&mut app, 4, 11);
    app.update(ch('x'));
    app.update(ch('y'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Connected 1: patient-00001 (link out until 11:00)"),
        "{screen}"
    );
    assert!(
        screen.contains("Not finished 1: patient-00002 (2 links out until 11:00)"),
        "{screen}"
    );
    let farewell = app.queue_farewell().unwrap();
    assert!(
        farewell.contains("; 3 links still out until "),
        "{farewell}"
    );
}
