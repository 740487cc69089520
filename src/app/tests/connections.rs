//! Pure tests of the one place a patient's known connections live: whatever learns of a
//! connection (the watcher, a reload of the list, the detail load), every place showing that
//! patient (the list's column, the detail line) follows.

use super::*;
use crate::api::{ConnectedProvider, ConnectedSource, ProviderRef};
use crate::app::requests::{Load, Pending};

fn connection(slug: &str, status: &str) -> ConnectedProvider {
    serde_json::from_value(serde_json::json!({
        "name": slug, "slug": slug, "status": status,
        "created_on": "2026-11-24T10:00:30Z",
        "error_details": if status == "error" {
            serde_json::json!({"error_type": "required_scopes_not_granted", "error_message": "x"})
        } else {
            serde_json::Value::Null
        },
    }))
    .unwrap()
}

/// Generated user `n`, listed with `slugs` connected.
fn user_with(n: usize, slugs: &[&str]) -> User {
    let mut u = user(n);
    u.connected_sources = slugs
        .iter()
        .map(|s| ConnectedSource {
            provider: Some(ProviderRef {
                name: (*s).to_string(),
                slug: (*s).to_string(),
                logo: None,
            }),
            source: None,
            created_on: None,
        })
        .collect();
    u
}

/// The detail load of `user_id` answers `list`.
fn detail_answers(app: &mut App, user_id: Uuid, list: Vec<ConnectedProvider>) {
    answer(app, Pending::Connections { user_id }, |id| {
        Msg::ConnectionsLoaded {
            id,
            result: Ok(list),
        }
    });
}

/// The slugs the list's column shows for `user_id`.
fn column(app: &App, user_id: Uuid) -> Vec<String> {
    let p = &app.patients;
    let i = (0..p.list.items().len())
        .find(|&i| p.list.items().id(i) == user_id)
        .expect("listed");
    let u = p.list.items().get_ref(i);
    p.connections
        .slugs(&u)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The connections the detail line shows for `user_id`: its check's, with their status.
fn detail(app: &App, user_id: Uuid) -> Option<Vec<(String, String)>> {
    match app.patients.connections.get(user_id)? {
        Load::Loaded(list) => Some(
            list.iter()
                .map(|c| (c.slug.clone(), c.status.as_str().to_string()))
                .collect(),
        ),
        _ => None,
    }
}

#[test]
fn a_connection_the_watcher_sees_shows_in_the_patient_pane_after_esc() {
    let mut app = loaded(3, false);
    let first = user(1).user_id;
    show_link(&mut app);
    detail_answers(&mut app, first, vec![]);
    assert_eq!(detail(&app, first), Some(vec![]), "none before the link");
    // The watcher's first check (mint time) finds nothing; the second finds Oura.
    app.update(Msg::Watched {
        id: live(&app, Task::Watch),
        at: t0() + chrono::Duration::seconds(1),
        result: Ok(vec![]),
    });
    let id = app.requests.start(Pending::Watch);
    app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(4),
        result: Ok(vec![connection("oura", "connected")]),
    });
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .starts_with("Connected: oura ✓")
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
    assert_eq!(
        detail(&app, first),
        Some(vec![("oura".into(), "connected".into())]),
        "the detail line"
    );
    assert_eq!(column(&app, first), ["oura"], "the list's column");
    // Nothing to load again: the watcher's answer is the patient's connections.
    send(&mut app, [ch('j'), ch('k')]);
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(5)));
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::seconds(6)));
    assert!(connections_asked(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_failed_watcher_check_leaves_the_known_connections_alone() {
    let mut app = loaded(1, false);
    let first = user(1).user_id;
    show_link(&mut app);
    detail_answers(&mut app, first, vec![connection("fitbit", "connected")]);
    app.update(Msg::Watched {
        id: live(&app, Task::Watch),
        at: t0() + chrono::Duration::seconds(1),
        result: Err(ApiError::Timeout {
            target: "t".into(),
            limit: Duration::from_secs(1),
        }),
    });
    assert_eq!(
        detail(&app, first),
        Some(vec![("fitbit".into(), "connected".into())])
    );
}

#[test]
fn after_a_reload_the_detail_line_agrees_with_the_list() {
    let mut app = loaded(3, false);
    let (first, second) = (user(1).user_id, user(2).user_id);
    send(&mut app, [key(KeyCode::Enter)]);
    detail_answers(&mut app, first, vec![]);
    detail_answers(&mut app, second, vec![connection("fitbit", "error")]);
    // Meanwhile the first patient connected Oura; `R` lists it.
    reload_with(
        &mut app,
        vec![user_with(1, &["oura"]), user_with(2, &["fitbit"]), user(3)],
    );
    assert_eq!(column(&app, first), ["oura"]);
    assert_ne!(detail(&app, first), Some(vec![]), "not the stale none");
    assert_eq!(
        app.patients.connections.get(first),
        None,
        "the list's answer shows until the detail loads again"
    );
    // A check the reload agrees with keeps what only it knows (the error).
    assert_eq!(
        detail(&app, second),
        Some(vec![("fitbit".into(), "error".into())])
    );
    // Resting on the first patient loads its detail again.
    app.update(Msg::Tick(t0()));
    let fx = app.update(Msg::Tick(t0()));
    assert_eq!(connections_asked(&fx), [first]);
}

#[test]
fn the_detail_load_updates_the_list_column_too() {
    let mut app = loaded(3, false);
    let first = user(1).user_id;
    assert!(column(&app, first).is_empty(), "the list said none");
    send(&mut app, [key(KeyCode::Enter)]);
    detail_answers(
        &mut app,
        first,
        vec![
            connection("oura", "connected"),
            connection("garmin", "error"),
        ],
    );
    assert_eq!(column(&app, first), ["oura", "garmin"]);
}

#[test]
fn a_check_made_while_a_reload_runs_is_newer_than_its_later_pages() {
    let mut app = loaded(3, false);
    let late = user(550).user_id;
    let fx = send(&mut app, [ch('R')]);
    let first = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let fx = app.update(Msg::UsersLoaded {
        request: first,
        result: Ok(page(1..=500, 600, 0)),
    });
    let second = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers {
                offset: 500,
                request,
            } => Some(*request),
            _ => None,
        })
        .expect("the second page is asked for");
    // The second page was asked for; then a check finds patient 550 connected to Oura; then the
    // page arrives, as it was before the connection.
    detail_answers(&mut app, late, vec![connection("oura", "connected")]);
    app.update(Msg::UsersLoaded {
        request: second,
        result: Ok(page(501..=600, 600, 500)),
    });
    assert_eq!(app.patients.list.items().len(), 600);
    assert_eq!(column(&app, late), ["oura"], "the newer check stays");
    assert_eq!(
        detail(&app, late),
        Some(vec![("oura".into(), "connected".into())])
    );
}
