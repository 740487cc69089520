//! Snapshots and renders of the queue's screens (the flow checked by its words:
//! `queue_flow_tests.rs`).

use chrono::Duration;

use crate::api::{ApiError, ConnectedProvider, LinkToken};
use crate::app::requests::Task;
use crate::app::tests::{ch, live, loaded, t0};
use crate::app::{App, Msg};
use crate::ui::tests::{render, sized};

/// 40 patients, the first three marked and a queue of them started in the staff view.
pub(super) fn started(w: u16, h: u16) -> App {
    let mut app = sized(loaded(40, false), w, h);
    app.config.queue_patient_facing = false;
    for m in [ch(' '), ch('j'), ch(' '), ch('j'), ch(' ')] {
        app.update(m);
    }
    app.update(ch('O'));
    app.update(ch('y'));
    fixed_id(&mut app);
    app
}

/// A queue's id ends in four hex digits that differ from queue to queue: the snapshots name
/// one.
fn fixed_id(app: &mut App) {
    if let Some(q) = &mut app.queue {
        q.id = "q-20261124-100000-3f9a".into();
    }
}

pub(super) fn minted(app: &mut App, n: u32, secs: i64) {
    let id = live(app, Task::Mint);
    app.update(Msg::Minted {
        id,
        at: t0() + Duration::seconds(secs),
        result: Ok(LinkToken {
            link_token: format!("dG9rZW4{n}"),
            link_web_url: format!(
                "https://link.tryvital.io/?token=dG9rZW4{n}&env=sandbox&region=us"
            ),
        }),
    });
}

pub(super) fn connects(app: &mut App, secs: i64) {
    let when = t0() + Duration::seconds(secs);
    app.update(Msg::Tick(when));
    let id = live(app, Task::Watch);
    let c: ConnectedProvider = serde_json::from_value(serde_json::json!({
        "name": "Oura", "slug": "oura", "status": "connected",
        "created_on": when.to_rfc3339(),
    }))
    .unwrap();
    app.update(Msg::Watched {
        id,
        at: when,
        result: Ok(vec![c]),
    });
}

/// Patient 1 connected, the countdown to patient 2 under way.
pub(super) fn counting_down(w: u16, h: u16) -> App {
    let mut app = started(w, h);
    minted(&mut app, 1, 0);
    connects(&mut app, 3);
    app.update(Msg::Tick(t0() + Duration::seconds(4)));
    app.toast = None;
    app
}

fn snap(name: &str, make: fn(u16, u16) -> App) {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let app = make(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app, w, h));
    }
}

#[test]
fn at_80_columns_the_patient_pane_bar_holds_the_keys_the_queue_needs_next() {
    let bar = |app: &App| render(app, 80, 24).lines().nth(22).unwrap().to_string();
    let mut app = sized(loaded(40, false), 80, 24);
    app.toast = None;
    let line = bar(&app);
    for keys in [
        "Enter select",
        "F status",
        "Space mark",
        "m mint",
        "q quit",
        "? help",
    ] {
        assert!(line.contains(keys), "{keys}: {line}");
    }
    assert!(!line.contains("O start"), "nothing marked yet: {line}");
    app.update(ch(' '));
    let line = bar(&app);
    assert!(line.contains("O queue (1)"), "{line}");
    assert!(line.contains("Space mark"), "{line}");
    // `*` once a filter narrows the list.
    let mut app = sized(loaded(40, false), 80, 24);
    assert!(!offers(&bar(&app), "*"), "{}", bar(&app));
    app.update(ch('F'));
    app.toast = None;
    assert!(bar(&app).contains("* all"), "{}", bar(&app));
}

#[test]
fn star_stays_in_the_bar_once_marked_under_a_filter_and_the_title_keeps_the_marks_whole() {
    // 100 columns, `/0001` kept, one marked: `*` still offered.
    let mut app = sized(loaded(40, false), 100, 30);
    for c in "/0001".chars() {
        app.update(ch(c));
    }
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    app.update(ch(' '));
    app.toast = None;
    let screen = render(&app, 100, 30);
    let bar = screen.lines().nth(28).unwrap();
    for k in ["*", "Space", "O", "Esc", "m", "q", "?"] {
        assert!(offers(bar, k), "{k}: {bar}");
    }
    // At 80 columns the title keeps "· 1 marked" whole; the count gives way.
    let mut app = sized(loaded(40, false), 80, 24);
    for c in "/001".chars() {
        app.update(ch(c));
    }
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    app.update(ch(' '));
    let screen = render(&app, 80, 24);
    let top = screen.lines().nth(1).unwrap();
    assert!(top.contains("· 1 marked ━"), "{screen}");
}

/// Four patients marked with `*`, two of them already connected, and `O` pressed.
fn start_question(w: u16, h: u16) -> App {
    let mut app = sized(loaded(1, false), w, h);
    crate::app::tests::reload_with(&mut app, crate::app::tests::team(4, &[2, 4]));
    app.update(ch('*'));
    app.update(ch('O'));
    app.toast = None;
    app
}

#[test]
fn queue_start_question_with_everyone_connected() {
    // Two patients, both connected, both marked, and `O` pressed.
    snap("queue_start_question_with_everyone_connected", |w, h| {
        let mut app = sized(loaded(1, false), w, h);
        crate::app::tests::reload_with(&mut app, crate::app::tests::team(2, &[1, 2]));
        app.update(ch('*'));
        app.update(ch('O'));
        app.toast = None;
        app
    });
}

#[test]
fn queue_start_question_leaves_the_connected_out() {
    snap(
        "queue_start_question_leaves_the_connected_out",
        start_question,
    );
    let mut app = start_question(80, 24);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("i include connected"), "{screen}");
    app.update(ch('i'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Start the queue of 4 patients"), "{screen}");
    assert!(screen.contains("i leave out connected"), "{screen}");
}

#[test]
fn queue_between_patients() {
    snap("queue_between_patients", counting_down);
    let app = counting_down(80, 24);
    assert!(render(&app, 80, 24).contains("Connected ✓ — next patient in 4 s"));
}

#[test]
fn queue_held() {
    snap("queue_held", |w, h| {
        let mut app = counting_down(w, h);
        app.update(ch('h'));
        app.toast = None;
        app
    });
    let mut app = counting_down(80, 24);
    app.update(ch('h'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("patient 1 of 3 · held ·"), "{screen}");
    assert!(screen.contains("h go on"), "{screen}");
    // Held, the countdown does not end; `h` again resumes it from the start.
    app.update(Msg::Tick(t0() + Duration::seconds(30)));
    assert_eq!(app.queue.as_ref().unwrap().current, 0);
    app.update(ch('h'));
    app.toast = None;
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("held"), "{screen}");
    assert!(screen.contains("next patient in 5 s"), "{screen}");
    app.update(Msg::Tick(t0() + Duration::seconds(35)));
    assert_eq!(app.queue.as_ref().unwrap().current, 1, "on to patient 2");
}

#[test]
fn the_strip_over_the_link_view_says_paused() {
    let mut app = counting_down(80, 24);
    app.update(Msg::Tick(t0() + Duration::seconds(8)));
    minted(&mut app, 2, 8);
    app.update(ch('p'));
    let top = render(&app, 80, 24).lines().next().unwrap().to_string();
    assert!(
        top.contains("Queue 2 of 3 · paused · patient-00002"),
        "{top}"
    );
}

#[test]
fn queue_link_view_strip() {
    snap("queue_link_view_strip", |w, h| {
        let mut app = counting_down(w, h);
        app.update(Msg::Tick(t0() + Duration::seconds(8)));
        minted(&mut app, 2, 8);
        app.toast = None;
        app
    });
}

/// Patient 1's link in the staff view at 80x24: the narrow bar keeps `L` (the patient's
/// language) before the display's tweaks `i`, `f`, `s`, as the key table's needs rank them.
#[test]
fn queue_link_view_first_patient() {
    snap("queue_link_view_first_patient", |w, h| {
        let mut app = started(w, h);
        minted(&mut app, 1, 0);
        app.toast = None;
        app
    });
    let mut app = started(80, 24);
    minted(&mut app, 1, 0);
    app.toast = None;
    let screen = render(&app, 80, 24);
    let bar = screen.lines().last().unwrap();
    assert!(offers(bar, "L"), "{screen}");
    for tweak in ["i", "f", "s"] {
        assert!(!offers(bar, tweak), "{tweak} before L: {bar}");
    }
}

#[test]
fn in_the_queue_at_80_columns_a_copy_says_so_and_the_queues_note_gives_way() {
    let mut app = started(80, 24);
    minted(&mut app, 1, 0);
    let screen = render(&app, 80, 24);
    let bar = screen.lines().last().unwrap();
    assert!(
        offers(bar, "n"),
        "the queue's note gives way to its keys: {bar}"
    );
    let url = app.screen.shown().unwrap().link.url();
    app.update(Msg::Copied {
        url,
        expires_at: t0() + Duration::minutes(60),
        outcome: crate::clipboard::CopyOutcome::Osc52,
    });
    let screen = render(&app, 80, 24);
    let bar = screen.lines().last().unwrap();
    assert!(
        bar.contains("Sent to your terminal's clipboard"),
        "the copy's answer shows: {bar}"
    );
}

/// Patient 2's link in the staff view, its message still up.
fn second_link(w: u16, h: u16) -> App {
    let mut app = counting_down(w, h);
    app.update(Msg::Tick(t0() + Duration::seconds(8)));
    minted(&mut app, 2, 8);
    app
}

/// Whether the key bar `line` offers `key` (in any of its words).
fn offers(line: &str, key: &str) -> bool {
    line.starts_with(&format!("{key} ")) || line.contains(&format!("  {key} "))
}

#[test]
fn the_queue_keys_show_where_they_work_and_fit_at_80_columns() {
    let keys = ["n", "r", "p", "K", "x", "q", "?"];
    // The compact link view's last row: the queue's keys, not the passing message.
    let screen = render(&second_link(80, 24), 80, 24);
    let bar = screen.lines().last().unwrap();
    for k in keys.iter().chain(&["b"]) {
        assert!(offers(bar, k), "{k}: {screen}");
    }
    assert!(!offers(bar, "h"), "no countdown here: {screen}");
    // Wider, `b` among them too.
    let screen = render(&second_link(100, 30), 100, 30);
    let bar = screen.lines().nth(28).unwrap();
    assert!(offers(bar, "b") && !offers(bar, "h"), "{screen}");
    // During the countdown `h`, no `r` (the patient connected: a new link would throw the
    // countdown away); `b` from the second patient on.
    let during = ["n", "p", "K", "x", "q", "?", "h"];
    let bar = |app: &App| render(app, 80, 24).lines().nth(22).unwrap().to_string();
    let line = bar(&counting_down(80, 24));
    for k in during {
        assert!(offers(&line, k), "{k}: {line}");
    }
    assert!(!offers(&line, "r"), "connected: no r: {line}");
    assert!(!offers(&line, "b"), "patient 1 has no previous: {line}");
    let mut second = second_link(80, 24);
    connects(&mut second, 10);
    second.toast = None;
    let line = bar(&second);
    for k in during.iter().chain(&["b"]) {
        assert!(offers(&line, k), "{k}: {line}");
    }
    // While a link is minted, the bar offers no `h`, and the status names the queue's way out
    // of the mint (Esc stops the queue there).
    let mut minting = started(80, 24);
    minting.toast = None;
    let screen = render(&minting, 80, 24);
    assert!(!offers(screen.lines().nth(22).unwrap(), "h"), "{screen}");
    assert!(screen.contains("Minting a link… (n skips)"), "{screen}");
    // Held and paused at once, every key still fits.
    second.update(ch('h'));
    second.update(ch('p'));
    let line = bar(&second);
    for k in [
        "h go on",
        "b previous",
        "p resume",
        "K patient",
        "x stop",
        "q quit",
        "? help",
    ] {
        assert!(line.contains(k), "{k}: {line}");
    }
}

#[test]
fn queue_summary() {
    snap("queue_summary", summary);
    // The audit log keeps the summary itself: the command that prints it again.
    let screen = render(&summary(80, 24), 80, 24);
    // How it ended and when, as `history --queue` says.
    assert!(
        screen.contains(
            "Stopped early, 3 patients with every provider · by unknown · 10:00 to 10:00"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("history --queue q-20261124-100000-3f9a prints this summary again"),
        "{screen}"
    );
}

/// Patient 1 connected, patient 2's mint failed, patient 3's link shown, then stopped.
fn summary(w: u16, h: u16) -> App {
    let mut app = counting_down(w, h);
    app.update(Msg::Tick(t0() + Duration::seconds(8)));
    let id = live(&app, Task::Mint);
    app.update(Msg::Minted {
        id,
        at: t0() + Duration::seconds(9),
        result: Err(ApiError::Refused {
            status: 400,
            detail: "user is archived".into(),
        }),
    });
    app.update(ch('n'));
    minted(&mut app, 3, 10);
    app.update(ch('x'));
    app.update(ch('y'));
    app.toast = None;
    app
}

#[test]
fn queue_patient_wait_names_no_patient() {
    // The countdown is over: the next link is being minted.
    let waiting = |w, h| {
        let mut app = counting_down(w, h);
        app.update(Msg::Tick(t0() + Duration::seconds(8)));
        let q = app.queue.as_mut().unwrap();
        (q.patient_facing, q.asked) = (true, crate::app::queue::Asked::Configured);
        app.toast = None;
        app
    };
    snap("queue_patient_wait", waiting);
    let screen = render(&waiting(80, 24), 80, 24);
    assert!(screen.contains("Please wait for your code."));
    assert!(!screen.contains("patient-0000"), "{screen}");
}

#[test]
fn during_the_countdown_the_patient_reads_that_it_is_connected() {
    let mut app = counting_down(80, 24);
    let q = app.queue.as_mut().unwrap();
    (q.patient_facing, q.asked) = (true, crate::app::queue::Asked::Configured);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Oura is connected. You can hand the device back."),
        "{screen}"
    );
    assert!(!screen.contains("Please wait"), "{screen}");
    assert!(!screen.contains("patient-0000"), "{screen}");
    // After the last patient's connection: the confirmation, then the thanks, never "Please
    // wait".
    let mut app = counting_down(80, 24);
    app.update(Msg::Tick(t0() + Duration::seconds(9)));
    minted(&mut app, 2, 9);
    connects(&mut app, 12);
    app.update(Msg::Tick(t0() + Duration::seconds(18)));
    app.queue.as_mut().unwrap().patient_facing = true;
    minted(&mut app, 3, 18);
    connects(&mut app, 20);
    assert!(app.queue_waiting_screen());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Oura is connected."), "{screen}");
    assert!(!screen.contains("Please wait"), "{screen}");
    app.update(Msg::Tick(t0() + Duration::seconds(26)));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Thank you."), "{screen}");
}

/// A finished queue of `n` patients, every one skipped, its summary on a `w` x `h` screen.
fn all_skipped(n: u128, w: u16, h: u16) -> App {
    use crate::app::queue::Queue;
    let mut app = sized(loaded(1, false), w, h);
    let ids = (1..=n)
        .map(|i| (uuid::Uuid::from_u128(i), format!("p{i}")))
        .collect();
    let mut q = Queue::new(
        ids,
        crate::link::LinkOptions::default(),
        "all".into(),
        t0(),
        "ann".into(),
    );
    for _ in 0..n {
        q.skip();
    }
    q.asked = crate::app::queue::Asked::Staff;
    app.queue = Some(q);
    app
}

#[test]
fn a_long_summary_names_as_many_ids_as_fit_and_counts_the_rest() {
    // Room for all: every id is named, none hidden behind "more".
    let screen = render(&all_skipped(30, 160, 48), 160, 48);
    assert!(screen.contains("Skipped 30: p1, p2,"), "{screen}");
    assert!(screen.contains("p29, p30"), "{screen}");
    assert!(!screen.contains("more"), "{screen}");
    // More than fit: the rows are used (no more than two left empty), the rest counted.
    let screen = render(&all_skipped(600, 80, 24), 80, 24);
    let more = screen
        .lines()
        .find(|l| l.contains("more"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(more.contains("… and "), "{screen}");
    let empty = screen
        .lines()
        .filter(|l| l.trim_matches(['┃', ' ']).is_empty())
        .count();
    assert!(
        empty <= 4,
        "{empty} empty rows while ids are hidden:\n{screen}"
    );
}

#[test]
fn marks_in_the_patient_pane() {
    snap("marks_in_the_patient_pane", |w, h| {
        let mut app = sized(loaded(40, false), w, h);
        for m in [ch(' '), ch('j'), ch('j'), ch(' ')] {
            app.update(m);
        }
        app.toast = None;
        app
    });
}
