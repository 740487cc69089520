//! Pure tests of each patient's onboarding status in the Patient pane: the audit log read,
//! what the console learns afterwards (a mint, a connection the watcher sees, a link that
//! expires), the counts, and `F`'s status filter combined with `/`.

use super::*;
use crate::app::status::StatusFilter;
use crate::audit::onboarding::Code;
use crate::audit::{Event, Outcome};

/// The `user_id` of generated patient `n`.
pub(crate) fn uid(n: usize) -> Uuid {
    crate::emulator::stable_uuid(&crate::emulator::generated_client_id(n))
}

/// A row this desk wrote for generated patient `n`'s link `fp`, `minutes` after [`t0`].
pub(crate) fn row(app: &App, outcome: Outcome, n: usize, fp: &str, minutes: i64) -> Event {
    let request = LinkTokenRequest {
        user_id: uid(n),
        provider: None,
        redirect_url: None,
        filter_on_providers: Some(vec!["oura".into(), "fitbit".into()]),
        on_error: None,
        on_close: None,
    };
    let name = crate::emulator::generated_client_id(n);
    let mut e = app.audit_scope().event(
        outcome,
        &request,
        &name,
        t0() + chrono::Duration::minutes(minutes),
    );
    e.token_fingerprint = Some(fp.into());
    if outcome == Outcome::Connected {
        e.provider = Some("oura".into());
    }
    e
}

/// A desk's log over patients 1–4: 1 connected through a link from here, 2 has a link out
/// (minted 10 minutes before [`t0`]), 3's link expired unused, 4's sign-in failed; the rest
/// were never linked.
pub(crate) fn cohort_rows(app: &App) -> Vec<Event> {
    vec![
        row(app, Outcome::Minted, 1, "f1", -30),
        row(app, Outcome::Connected, 1, "f1", -28),
        row(app, Outcome::Minted, 2, "f2", -10),
        row(app, Outcome::Minted, 3, "f3", -79),
        row(app, Outcome::Expired, 3, "f3", -19),
        row(app, Outcome::Minted, 4, "f4", -5),
        row(app, Outcome::ConnectionError, 4, "f4", -4),
    ]
}

/// `n` patients loaded, the log of [`cohort_rows`] read.
pub(crate) fn cohort(n: usize) -> App {
    let mut app = loaded(n, false);
    send(&mut app, [ch('R')]);
    let rows = cohort_rows(&app);
    read_status(&mut app, &rows);
    reload_with(&mut app, (1..=n).map(user).collect());
    app.toast = None;
    app
}

fn code(app: &App, n: usize) -> Code {
    let p = &app.patients;
    let i = (0..p.list.items().len())
        .find(|&i| p.list.items().id(i) == uid(n))
        .expect("listed");
    p.list.code(i).expect("a patient, not the QA user")
}

/// The `client_user_id`s shown, in order.
fn shown(app: &App) -> Vec<String> {
    app.patients
        .list
        .visible_items(0)
        .map(|(_, u)| u.client_user_id.to_string())
        .collect()
}

#[test]
fn the_log_read_gives_each_patient_its_status_and_the_counts() {
    let app = cohort(10);
    let want = [
        Code::Connected,
        Code::LinkOut,
        Code::Unused,
        Code::SignInFailed,
        Code::NeverLinked,
    ];
    for (n, c) in (1..=5).zip(want) {
        assert_eq!(code(&app, n), c, "patient {n}");
    }
    let counts = app.patients.list.counts();
    assert_eq!(
        counts.summary(false),
        "Connected 1 · link out 1 · unused 1 · failed 1 · never 6"
    );
}

#[test]
fn r_reads_the_log_again_and_a_read_that_fails_keeps_the_last_and_says_so() {
    let mut app = cohort(5);
    let fx = send(&mut app, [ch('R')]);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadStatus { .. })),
        "{fx:?}"
    );
    answer(&mut app, requests::Pending::Status, |id| {
        Msg::StatusLoaded {
            id,
            result: Err("history.sqlite3 is locked by another program".into()),
        }
    });
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("link statuses may be out of date")
    );
    assert_eq!(
        code(&app, 2),
        Code::LinkOut,
        "what the last read said stays"
    );
}

#[test]
fn a_connection_the_watcher_sees_updates_the_row_at_once() {
    let mut app = cohort(5);
    let oura: Vec<crate::api::ConnectedProvider> =
        serde_json::from_value(serde_json::json!([{"name": "Oura", "slug": "oura",
            "status": "connected", "created_on": "2026-11-24T10:01:10Z"}]))
        .unwrap();
    assert_eq!(code(&app, 5), Code::NeverLinked);
    app.learn_connections(uid(5), &oura);
    assert_eq!(code(&app, 5), Code::Connected);
    assert_eq!(app.patients.list.counts().get(Code::Connected), 2);
    assert_eq!(app.patients.list.counts().get(Code::NeverLinked), 0);
}

#[test]
fn a_mint_from_this_console_shows_link_out_and_its_expiry_unused() {
    let mut app = cohort(6);
    // Highlight patient 6 (never linked) and mint for it.
    send(&mut app, [key(KeyCode::End)]);
    assert_eq!(code(&app, 6), Code::NeverLinked);
    show_link(&mut app);
    assert_eq!(code(&app, 6), Code::LinkOut);
    // Patient 2's link (minted 10 minutes before t0) expires first: a tick is asked for then.
    let wait = app.tick_interval(t0()).expect("a tick is due");
    assert!(wait <= Duration::from_mins(50), "{wait:?}");
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(50)));
    assert_eq!(code(&app, 2), Code::Unused);
    assert_eq!(code(&app, 6), Code::LinkOut, "its hour is not up yet");
}

#[test]
fn f_cycles_all_follow_up_connected_and_combines_with_the_text_filter() {
    let mut app = cohort(12);
    assert_eq!(app.patients.list.status_filter(), StatusFilter::All);
    send(&mut app, [ch('F')]);
    assert_eq!(app.patients.list.status_filter(), StatusFilter::FollowUp);
    let follow = shown(&app);
    assert_eq!(follow.len(), 10, "unused, failed and 8 never linked");
    assert!(!follow.contains(&"patient-00001".to_string()));
    assert!(!follow.contains(&"patient-00002".to_string()), "link out");
    assert!(app.toast.as_ref().unwrap().text.contains("to follow up"));
    // With `/`: the text filter's matches, through the status filter.
    send(&mut app, [ch('/')]);
    send(&mut app, typed("0000"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        shown(&app),
        [
            "patient-00003",
            "patient-00004",
            "patient-00005",
            "patient-00006",
            "patient-00007",
            "patient-00008",
            "patient-00009"
        ]
    );
    send(&mut app, [ch('F')]);
    assert_eq!(app.patients.list.status_filter(), StatusFilter::Connected);
    assert_eq!(shown(&app), ["patient-00001"]);
    send(&mut app, [ch('F')]);
    assert_eq!(app.patients.list.status_filter(), StatusFilter::All);
    assert_eq!(shown(&app).len(), 9, "the text filter alone");
}

#[test]
fn a_row_the_status_filter_hides_is_not_looked_up_on_the_server() {
    let mut app = cohort(5);
    send(&mut app, [ch('F'), ch('F')]);
    send(&mut app, [ch('/')]);
    let fx = send(&mut app, typed("patient-00002"));
    assert!(shown(&app).is_empty());
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::LookupPatient { .. })),
        "{fx:?}"
    );
}

#[test]
fn the_qa_user_of_the_live_check_is_counted_nowhere_and_no_filter_keeps_it() {
    let mut app = cohort(3);
    let mut users: Vec<User> = (1..=3).map(user).collect();
    users.push(user_named(crate::audit::QA_CLIENT_USER_ID));
    reload_with(&mut app, users);
    assert_eq!(app.patients.list.items().len(), 4);
    assert_eq!(
        app.patients.list.counts().summary(false),
        "Connected 1 · link out 1 · unused 1 · never 0",
        "the QA user is not a patient never linked"
    );
    assert!(shown(&app).contains(&crate::audit::QA_CLIENT_USER_ID.to_string()));
    for _ in 0..2 {
        send(&mut app, [ch('F')]);
        assert!(!shown(&app).contains(&crate::audit::QA_CLIENT_USER_ID.to_string()));
    }
}

#[test]
fn patients_loaded_while_f_is_on_show_when_it_keeps_them() {
    let mut app = starting();
    read_status(&mut app, &[]);
    app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(page(1..=500, 700, 0)),
    });
    send(&mut app, [ch('F')]);
    assert_eq!(shown(&app).len(), 500);
    let next = live(&app, Task::LoadUsers);
    app.update(Msg::UsersLoaded {
        request: next,
        result: Ok(page(501..=700, 700, 500)),
    });
    assert_eq!(shown(&app).len(), 700, "never linked: all to follow up");
    send(&mut app, [ch('F')]);
    assert!(shown(&app).is_empty(), "nobody connected");
}

#[test]
fn a_patient_selected_while_f_hides_it_shows_with_every_patient() {
    let mut app = cohort(5);
    send(&mut app, [ch('F'), ch('F')]);
    assert_eq!(shown(&app), ["patient-00001"]);
    send(&mut app, [ch('n')]);
    send(&mut app, typed("walk-in-7"));
    let id = match &send(&mut app, [key(KeyCode::Enter)])[..] {
        [Effect::CreateUser { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let new_id = Uuid::new_v4();
    app.update(Msg::UserCreated {
        id,
        at: t0(),
        result: Ok(CreatedUser {
            user_id: new_id,
            client_user_id: "walk-in-7".into(),
        }),
    });
    assert_eq!(app.patients.selected, Some(new_id));
    assert_eq!(app.patients.list.status_filter(), StatusFilter::All);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "walk-in-7"
    );
}

#[test]
fn the_highlight_stays_on_its_patient_through_f_while_shown() {
    let mut app = cohort(8);
    send(&mut app, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00003"
    );
    send(&mut app, [ch('F')]);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00003",
        "unused: still shown"
    );
    send(&mut app, [ch('F')]);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00001",
        "hidden: the nearest row"
    );
}

/// With `F` on, Enter on a text filter whose only match the status filter hides selects that
/// patient, and turns the status filter off (saying so); the text filter stays.
#[test]
fn enter_selects_the_match_the_status_filter_hides_and_turns_it_off() {
    let mut app = cohort(12);
    send(&mut app, [ch('F')]);
    assert_eq!(app.patients.list.status_filter(), StatusFilter::FollowUp);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("patient-00001"));
    assert!(shown(&app).is_empty(), "connected: hidden by F");
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.patients.selected, Some(uid(1)));
    assert_eq!(app.patients.list.status_filter(), StatusFilter::All);
    assert_eq!(app.patients.list.filter(), "patient-00001");
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00001"
    );
    let toast = &app.toast.as_ref().unwrap().text;
    assert!(toast.contains("Selected patient-00001"), "{toast}");
    assert!(toast.contains("which F hid: F is off now"), "{toast}");
}

/// Enter where the status filter shows a match selects it, and the status filter stays on.
#[test]
fn enter_on_a_match_the_status_filter_shows_keeps_it_on() {
    let mut app = cohort(12);
    send(&mut app, [ch('F'), ch('/')]);
    send(&mut app, typed("patient-00003"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.patients.selected, Some(uid(3)));
    assert_eq!(app.patients.list.status_filter(), StatusFilter::FollowUp);
    let toast = &app.toast.as_ref().unwrap().text;
    assert!(!toast.contains("F hid"), "{toast}");
}
