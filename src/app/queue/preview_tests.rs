//! Pure tests of the preview of `--queue FILE` through `update`: what is known, looked up,
//! created after `y`, and the start question.

use crossterm::event::KeyCode;
use uuid::Uuid;

use super::tests::{at, mints};
use crate::api::ApiError;
use crate::app::requests::Task;
use crate::app::tests::{ch, key, live, loaded, t0};
use crate::app::{App, Effect, Msg};

fn file(text: &str) -> crate::queue_file::QueueFile {
    crate::queue_file::parse(text.as_bytes()).unwrap()
}

fn created(app: &mut App, result: Result<crate::api::CreatedUser, ApiError>) -> Vec<Effect> {
    let id = live(app, Task::CreateUser);
    app.update(Msg::UserCreated {
        id,
        at: t0(),
        result,
    })
}

fn creates(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::CreateUser { client_user_id, .. } => Some(client_user_id.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_preview_from_the_complete_list_creates_the_new_after_y_and_goes_on_past_a_failure() {
    use super::preview::{Known, Stage};
    let mut app = loaded(10, false);
    let first = crate::app::tests::client_id(&app, 0);
    let second = crate::app::tests::client_id(&app, 1);
    app.open_queue_file(file(&format!(
        "Client_User_Id,site\n{first},a\n{second},b\nnew-1,c\nann@example.com,d\n{first},a\n"
    )));
    app.update(Msg::Tick(at(1)));
    let p = app.queue_preview.as_ref().unwrap();
    assert_eq!(p.stage, Stage::Ready);
    assert_eq!(p.duplicates, 1);
    assert_eq!(p.new_ids(), 2);
    assert!(p.rows[3].warning.unwrap().contains("email address"));
    // Nothing is sent before y.
    let fx = app.update(key(KeyCode::Enter));
    assert!(fx.is_empty());
    assert_eq!(
        app.overlays.confirm.as_ref().unwrap().question(),
        "Create the 2 new? (1 looks like personal data: edit the file to leave it out) y/N"
    );
    let fx = app.update(ch('y'));
    assert_eq!(creates(&fx), ["new-1"]);
    let fx = created(
        &mut app,
        Ok(crate::api::CreatedUser {
            user_id: Uuid::from_u128(77),
            client_user_id: "new-1".into(),
        }),
    );
    assert_eq!(creates(&fx), ["ann@example.com"], "one at a time");
    created(
        &mut app,
        Err(ApiError::Refused {
            status: 400,
            detail: "team user limit reached".into(),
        }),
    );
    let p = app.queue_preview.as_ref().unwrap();
    assert!(matches!(&p.rows[3].known, Known::CreateFailed(r) if r.contains("team user limit")));
    // The rest go on: the start question, for the three that can be queued.
    assert_eq!(
        app.overlays.confirm.as_ref().unwrap().question(),
        "Start the queue of 3 patients with every provider? y/N"
    );
    let fx = app.update(ch('y'));
    assert_eq!(mints(&fx).len(), 1);
    let q = app.queue.as_ref().unwrap();
    let names: Vec<&str> = q
        .entries
        .iter()
        .map(|e| e.client_user_id.as_str())
        .collect();
    assert_eq!(names, [first.as_str(), second.as_str(), "new-1"]);
    assert!(app.queue_preview.is_none());
}

#[test]
fn a_preview_without_the_whole_list_looks_up_one_id_at_a_time_and_skips_the_connected() {
    use super::preview::Stage;
    use crate::api::{ConnectedSource, ProviderRef};
    let mut app = loaded(10, false);
    app.patients.total = Some(5_000); // the list stopped short of the team
    app.open_queue_file(file("a1\na2\na3\n"));
    let fx = app.update(Msg::Tick(at(1)));
    assert_eq!(app.queue_preview.as_ref().unwrap().stage, Stage::LookingUp);
    let looked = |fx: &[Effect]| -> Vec<String> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::LookupPatient { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(looked(&fx), ["a1"]);
    assert_eq!(app.requests.count(Task::LookupPatient), 1);
    let mut a1 = crate::app::tests::user_named("a1");
    a1.connected_sources = vec![ConnectedSource {
        provider: Some(ProviderRef {
            name: "Oura".into(),
            slug: "oura".into(),
            logo: None,
        }),
        source: None,
        created_on: None,
    }];
    let id = live(&app, Task::LookupPatient);
    let fx = app.update(Msg::PatientLookedUp { id, result: Ok(a1) });
    assert_eq!(looked(&fx), ["a2"]);
    let id = live(&app, Task::LookupPatient);
    app.update(Msg::PatientLookedUp {
        id,
        result: Ok(crate::app::tests::user_named("a2")),
    });
    let id = live(&app, Task::LookupPatient);
    let fx = app.update(Msg::PatientLookedUp {
        id,
        result: Err(ApiError::NotFound {
            what: "user".into(),
            detail: "a3".into(),
        }),
    });
    assert!(looked(&fx).is_empty());
    let p = app.queue_preview.as_ref().unwrap();
    assert_eq!(p.stage, Stage::Ready);
    assert_eq!(p.new_ids(), 1);
    // The connected one is skipped unless included.
    assert_eq!(p.entries().len(), 1);
    app.update(ch('i'));
    assert_eq!(app.queue_preview.as_ref().unwrap().entries().len(), 2);
    // Esc closes the preview; nothing was created.
    app.update(key(KeyCode::Esc));
    assert!(app.queue_preview.is_none() && app.queue.is_none());
}

#[test]
fn a_lookup_that_fails_is_listed_and_the_rest_go_on() {
    use super::preview::{Known, Stage};
    let mut app = loaded(10, false);
    app.patients.total = Some(5_000);
    app.open_queue_file(crate::queue_file::parse(b"b1\nb2\n").unwrap());
    app.update(Msg::Tick(at(1)));
    let id = live(&app, Task::LookupPatient);
    let fx = app.update(Msg::TaskFailed {
        task: Task::LookupPatient,
        id: Some(id),
    });
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LookupPatient { text, .. } if text == "b2"))
    );
    let p = app.queue_preview.as_ref().unwrap();
    assert!(matches!(p.rows[0].known, Known::LookupFailed(_)));
    assert_eq!(p.stage, Stage::LookingUp);
}

#[test]
fn n_to_the_start_after_creating_says_the_created_patients_are_kept() {
    let mut app = loaded(3, false);
    app.open_queue_file(file("client_user_id\nnew-1\nnew-2\n"));
    app.update(Msg::Tick(at(1)));
    app.update(key(KeyCode::Enter));
    app.update(ch('y'));
    for (n, name) in [(71u128, "new-1"), (72, "new-2")] {
        created(
            &mut app,
            Ok(crate::api::CreatedUser {
                user_id: Uuid::from_u128(n),
                client_user_id: name.into(),
            }),
        );
    }
    let q = app.overlays.confirm.as_ref().unwrap().question();
    assert!(q.starts_with("Start the queue of 2 patients"), "{q}");
    app.update(ch('n'));
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "The queue did not start; the 2 created patients are kept"
    );
    // Before anything was created, nothing was sent.
    let mut app = loaded(3, false);
    let first = crate::app::tests::client_id(&app, 0);
    app.open_queue_file(file(&format!("client_user_id\n{first}\n")));
    app.update(Msg::Tick(at(1)));
    app.update(key(KeyCode::Enter));
    app.update(ch('n'));
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "The queue did not start: nothing was sent"
    );
}

#[test]
fn the_preview_counts_a_broken_connection_as_not_connected() {
    use super::preview::Known;
    use crate::app::requests::Load;
    let provider = |slug: &str, status: &str| -> crate::api::ConnectedProvider {
        serde_json::from_value(serde_json::json!({
            "name": slug, "slug": slug, "status": status,
        }))
        .unwrap()
    };
    let mut app = loaded(10, false);
    let items = app.patients.list.items();
    let (a, b) = (items.get_ref(0), items.get_ref(1));
    let (a_id, b_id) = (a.user_id, b.user_id);
    let (a_name, b_name) = (a.client_user_id.to_string(), b.client_user_id.to_string());
    // The Patient pane's check: `✓ dexcom_v3 · ✗ fitbit`, and one with fitbit broken only.
    app.patients.connections.checked(
        a_id,
        Load::Loaded(vec![
            provider("dexcom_v3", "connected"),
            provider("fitbit", "error"),
        ]),
    );
    app.patients
        .connections
        .checked(b_id, Load::Loaded(vec![provider("fitbit", "error")]));
    app.open_queue_file(file(&format!("{a_name}\n{b_name}\n")));
    app.update(Msg::Tick(at(1)));
    let p = app.queue_preview.as_ref().unwrap();
    assert_eq!(
        p.rows[0].known,
        Known::Patient {
            user_id: a_id,
            connected: vec!["dexcom_v3".into()],
        }
    );
    assert_eq!(p.connected(), 1, "the broken-only patient is to be queued");
}
