//! Pure tests of marks that include already connected patients: `O`'s question says how many
//! are left out, `i` in it includes them (as the file preview's `i` does), `y` queues what it
//! said.

use uuid::Uuid;

use super::Ask;
use super::tests::mints;
use crate::app::tests::{ch, loaded, reload_with, team};
use crate::app::{App, Level};

/// A team of `n` with `connected` connected, every patient marked with `*`, and `O` pressed.
fn asked(n: usize, connected: &[usize]) -> App {
    let mut app = loaded(1, false);
    reload_with(&mut app, team(n, connected));
    app.update(ch('*'));
    assert_eq!(app.patients.marks.len(), n);
    app.update(ch('O'));
    app
}

fn question(app: &App) -> String {
    app.overlays
        .confirm
        .as_ref()
        .expect("a question")
        .question()
}

fn queued(app: &App) -> Vec<String> {
    app.queue
        .as_ref()
        .expect("a queue")
        .entries
        .iter()
        .map(|e| e.client_user_id.clone())
        .collect()
}

#[test]
fn the_question_counts_the_connected_left_out_and_i_includes_them() {
    let mut ask = Ask::Start {
        patients: 30,
        connected: 2,
        include_connected: false,
        label: "Oura, Fitbit".into(),
        production: false,
    };
    assert_eq!(
        ask.question(),
        "Start the queue of 28 patients with Oura, Fitbit? \
         (2 already connected are left out: i includes them) y/N"
    );
    ask.toggle_connected();
    assert_eq!(
        ask.question(),
        "Start the queue of 30 patients with Oura, Fitbit? \
         (2 already connected are included: i leaves them out) y/N"
    );
    if let Ask::Start { connected, .. } = &mut ask {
        *connected = 1;
    }
    assert!(ask.question().contains("(1 already connected is included"));
}

#[test]
fn o_leaves_the_connected_marked_patients_out_by_default() {
    let mut app = asked(4, &[2, 4]);
    assert_eq!(
        question(&app),
        "Start the queue of 2 patients with every provider? \
         (2 already connected are left out: i includes them) y/N"
    );
    let fx = app.update(ch('y'));
    assert_eq!(queued(&app), ["p1", "p3"]);
    assert_eq!(mints(&fx), [Uuid::from_u128(1)], "no link for p2");
}

#[test]
fn i_in_the_question_includes_the_connected_and_again_leaves_them_out() {
    let mut app = asked(4, &[2, 4]);
    app.update(ch('i'));
    assert!(
        question(&app).starts_with("Start the queue of 4 patients"),
        "{}",
        question(&app)
    );
    app.update(ch('i'));
    assert!(question(&app).starts_with("Start the queue of 2 patients"));
    app.update(ch('i'));
    app.update(ch('y'));
    assert_eq!(queued(&app), ["p1", "p2", "p3", "p4"]);
}

#[test]
fn i_means_nothing_in_a_question_without_connected_patients() {
    let mut app = asked(3, &[]);
    let before = question(&app);
    assert!(!before.contains("already connected"), "{before}");
    app.update(ch('i'));
    assert_eq!(question(&app), before);
}

#[test]
fn with_only_connected_patients_marked_the_question_says_so_before_any_answer() {
    let mut app = asked(2, &[1, 2]);
    assert_eq!(
        question(&app),
        "All 2 marked patients are already connected, so nobody is left to queue: i includes \
         them all (a queue with every provider), n closes"
    );
    // One question: `y` without `i` starts nothing and closes it, saying why.
    app.update(ch('y'));
    assert!(app.queue.is_none());
    assert!(app.overlays.confirm.is_none());
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warning);
    assert_eq!(
        toast.text,
        "The queue did not start: all 2 marked patients are already connected (i in the \
         question includes them)"
    );
    let mut app = asked(1, &[1]);
    assert!(
        question(&app).starts_with("The marked patient is already connected, so nobody is left"),
        "{}",
        question(&app)
    );
    app.update(ch('i'));
    assert!(question(&app).starts_with("Start the queue of 1 patient with"));
    app.update(ch('y'));
    assert_eq!(queued(&app), ["p1"]);
}

#[test]
fn a_connection_seen_since_the_list_loaded_counts_as_connected() {
    let mut app = asked(3, &[]);
    app.update(ch('n'));
    // A check of p2's connections (the detail load; the watcher writes the same) answers Oura.
    let p2 = Uuid::from_u128(2);
    crate::app::tests::answer(
        &mut app,
        crate::app::requests::Pending::Connections { user_id: p2 },
        |id| crate::app::Msg::ConnectionsLoaded {
            id,
            result: Ok(vec![super::tests::connected_now(
                "oura",
                crate::app::tests::t0(),
            )]),
        },
    );
    app.update(ch('O'));
    assert!(
        question(&app).contains("(1 already connected is left out"),
        "{}",
        question(&app)
    );
}

#[test]
fn the_file_preview_asks_the_same_and_its_i_and_the_questions_are_one_choice() {
    let mut app = loaded(1, false);
    reload_with(&mut app, team(3, &[2]));
    app.open_queue_file(crate::queue_file::parse(b"p1\np2\np3\n").unwrap());
    app.update(crate::app::Msg::Tick(crate::app::tests::t0()));
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    assert_eq!(
        question(&app),
        "Start the queue of 2 patients with every provider? \
         (1 already connected is left out: i includes them) y/N"
    );
    app.update(ch('i'));
    assert!(question(&app).starts_with("Start the queue of 3 patients"));
    assert!(app.queue_preview.as_ref().unwrap().include_connected);
    app.update(ch('y'));
    assert_eq!(queued(&app), ["p1", "p2", "p3"]);
}
