//! The request registry: every request in flight has an id and its task in one store; answers
//! are matched there and stale ones dropped there; Esc and superseding cancel through
//! `Effect::Cancel`; a task that panicked ends what waited for it, whatever its kind.

use super::*;
use crate::app::requests::Pending;

/// Every kind of task (the match in [`in_flight`] fails to compile when one is added).
const ALL: [Task; 16] = [
    Task::LoadUsers,
    Task::LoadProviders,
    Task::LoadConnections,
    Task::LoadUser,
    Task::Mint,
    Task::CreateUser,
    Task::Watch,
    Task::LinkProviders,
    Task::FilterPatients,
    Task::LookupPatient,
    Task::LoadHistory,
    Task::LoadStatus,
    Task::SavePreset,
    Task::SavePng,
    Task::Audit,
    Task::AppCode,
];

fn the_effect<T>(fx: &[Effect], pick: impl Fn(&Effect) -> Option<T>) -> T {
    fx.iter().find_map(pick).unwrap_or_else(|| panic!("{fx:?}"))
}

/// Starts a request of `task` the way the staff would, and answers its id (none for an audit
/// write, which nothing waits for).
fn in_flight(app: &mut App, task: Task) -> Option<RequestId> {
    let id = match task {
        Task::LoadUsers => {
            send(app, [ch('R')]);
            app.page_request().unwrap()
        }
        // Asked for once, at start: an app whose list loaded but not the providers.
        Task::LoadProviders => {
            *app = starting();
            app.update(Msg::UsersLoaded {
                request: app.page_request().unwrap(),
                result: Ok(page(1..=5, 5, 0)),
            });
            live(app, task)
        }
        Task::LoadConnections => {
            let fx = send(app, [key(KeyCode::Enter)]);
            the_effect(&fx, |e| match e {
                Effect::LoadConnections { id, .. } => Some(*id),
                _ => None,
            })
        }
        Task::LoadUser => {
            app.overlays.confirm = Some(Confirm::UseExisting {
                client_user_id: "walk-in-3".into(),
                user_id: Uuid::new_v4(),
            });
            let fx = send(app, [ch('y')]);
            the_effect(&fx, |e| match e {
                Effect::LoadUser { id, .. } => Some(*id),
                _ => None,
            })
        }
        Task::Mint => {
            send(app, [key(KeyCode::Enter)]);
            mint_request(&send(app, [ch('m')])).0
        }
        Task::CreateUser => {
            send(app, [ch('n')]);
            let fx = send(
                app,
                typed("walk-in-9").into_iter().chain([key(KeyCode::Enter)]),
            );
            the_effect(&fx, |e| match e {
                Effect::CreateUser { id, .. } => Some(*id),
                _ => None,
            })
        }
        Task::Watch | Task::LinkProviders => {
            show_link(app);
            live(app, task)
        }
        Task::FilterPatients => {
            app.patients.inline_limit = 0;
            send(app, [ch('/')]);
            send(app, typed("00"));
            live(app, task)
        }
        Task::LookupPatient => {
            send(app, [ch('/')]);
            send(app, typed("nobody"));
            live(app, task)
        }
        Task::LoadHistory => {
            send(app, [ch('H')]);
            live(app, task)
        }
        Task::LoadStatus => {
            send(app, [ch('R')]);
            live(app, task)
        }
        Task::SavePreset => {
            app.config.config_path = Some("/nonexistent/config.toml".into());
            send(app, [ch('S')]);
            send(app, typed("new").into_iter().chain([key(KeyCode::Enter)]));
            live(app, task)
        }
        Task::SavePng => {
            show_link(app);
            send(app, [ch('s')]);
            live(app, task)
        }
        Task::Audit => return None,
        Task::AppCode => {
            send(app, [key(KeyCode::Enter)]);
            let fx = send(app, [ch('A')]);
            the_effect(&fx, |e| match e {
                Effect::CreateAppCode { id, .. } => Some(*id),
                _ => None,
            })
        }
    };
    assert!(
        app.requests.get(id).is_some(),
        "{task:?} is in the registry"
    );
    Some(id)
}

/// Where each kind's failure must land: the thing that waited stops waiting.
fn check_failure_landed(app: &App, task: Task) {
    const FAILED: &str = "internal error";
    match task {
        Task::LoadUsers => {
            assert_eq!(app.patients.load.error(), Some(FAILED));
            assert!(!app.requests.running(Task::LoadUsers));
        }
        Task::LoadProviders => assert!(app.providers.load.error().is_some()),
        Task::LoadConnections => {
            let id = app.patients.selected.unwrap();
            assert_eq!(
                app.patients.connections.get(id).unwrap().error(),
                Some(FAILED)
            );
        }
        Task::Mint | Task::CreateUser | Task::AppCode => {
            assert!(app.requests.change().is_none());
            assert!(!app.contexts().contains(&keymap::Ctx::Busy));
        }
        Task::Watch => {
            let w = &app.screen.shown().unwrap().watch;
            assert_eq!(w.failures, 1, "counted as a failed check");
        }
        Task::LinkProviders => assert_eq!(
            app.screen.shown().unwrap().offered,
            Some(offered::Offered::Failed(FAILED.into()))
        ),
        Task::FilterPatients => {
            assert!(!app.matching(), "the list no longer says matching…");
            assert_eq!(
                app.patients.list.visible().len(),
                5,
                "the matches shown stay"
            );
        }
        Task::LookupPatient => assert_eq!(
            app.patients.lookup.as_ref().unwrap().state,
            requests::Load::Failed(FAILED.into())
        ),
        Task::LoadHistory => assert_eq!(
            app.overlays.history.as_ref().unwrap().records,
            Some(Err(FAILED.into())),
            "the overlay says it failed instead of reading for ever"
        ),
        Task::LoadStatus => assert_eq!(
            app.patients.status.error.as_deref(),
            Some(FAILED),
            "the statuses show connections only, and say why"
        ),
        Task::LoadUser | Task::SavePreset | Task::SavePng | Task::Audit => {}
    }
}

#[test]
fn a_failed_task_of_every_kind_reaches_what_waited_for_it() {
    for task in ALL {
        let mut app = loaded(5, false);
        let id = in_flight(&mut app, task);
        app.update(Msg::TaskFailed { task, id });
        if let Some(id) = id {
            assert!(app.requests.get(id).is_none(), "{task:?} left the registry");
        }
        check_failure_landed(&app, task);
        let text = &app.toast.as_ref().unwrap().text;
        assert!(
            text.starts_with(&format!(
                "Internal error while trying to {}",
                task.describe()
            )),
            "{task:?}: {text}"
        );
    }
}

#[test]
fn a_failed_page_stops_the_other_pages() {
    let mut app = starting();
    let fx = app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(page(1..=500, 5000, 0)),
    });
    let pages: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::LoadUsers { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    assert_eq!(pages.len(), 4);
    let fx = app.update(Msg::TaskFailed {
        task: Task::LoadUsers,
        id: Some(pages[0]),
    });
    let cancelled: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Cancel { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(cancelled, pages[1..]);
    assert_eq!(app.requests.count(Task::LoadUsers), 0);
}

#[test]
fn an_answer_for_a_request_not_in_flight_is_dropped() {
    let mut app = loaded(3, false);
    let before = app.patients.list.items().len();
    // Never asked for, and asked for and already answered (the first page).
    for request in [RequestId(999), RequestId(1)] {
        let fx = app.update(Msg::UsersLoaded {
            request,
            result: Ok(page(10..=12, 3, 0)),
        });
        assert!(fx.is_empty());
    }
    assert_eq!(app.patients.list.items().len(), before);
    // A failure reported for a request no longer in flight changes nothing either.
    app.toast = None;
    app.update(Msg::TaskFailed {
        task: Task::Mint,
        id: Some(RequestId(999)),
    });
    assert!(app.toast.is_none());
}

#[test]
fn an_answer_of_another_kind_than_its_request_is_dropped() {
    let mut app = loaded(3, false);
    let id = in_flight(&mut app, Task::Mint).unwrap();
    // The mint's id, but a patient list page: nothing of the page is taken.
    app.update(Msg::UsersLoaded {
        request: id,
        result: Ok(page(10..=12, 3, 0)),
    });
    assert_eq!(app.patients.list.items().len(), 3);
}

#[test]
fn esc_cancels_the_request_in_flight_and_its_late_answer_is_dropped() {
    let mut app = loaded(2, false);
    let id = in_flight(&mut app, Task::Mint).unwrap();
    assert!(app.contexts().contains(&keymap::Ctx::Busy));
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(fx, vec![Effect::Cancel { id }]);
    assert!(app.requests.get(id).is_none());
    assert!(!app.contexts().contains(&keymap::Ctx::Busy));
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(fx.is_empty());
    assert!(app.screen.is_panes(), "no link from a cancelled mint");
}

#[test]
fn a_superseded_filter_is_cancelled_and_its_answer_dropped() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 50;
    send(&mut app, [ch('/')]);
    let first = send(&mut app, [ch('0')]);
    let (old, old_job) = the_effect(&first, |e| match e {
        Effect::FilterPatients { id, job } => Some((*id, job.clone())),
        _ => None,
    });
    let fx = send(&mut app, [ch('0')]);
    assert!(fx.contains(&Effect::Cancel { id: old }), "{fx:?}");
    let new = live(&app, Task::FilterPatients);
    assert_eq!(
        app.requests.ids(Task::FilterPatients).collect::<Vec<_>>(),
        [new],
        "only the newest query is in flight"
    );
    // The older query's answer (with its own id: no stand-in id) is dropped.
    app.update(Msg::PatientsFiltered {
        id: old,
        found: old_job.run(1),
    });
    assert!(app.matching());
    assert_eq!(app.patients.list.visible().len(), 300);
    // A failure of the superseded task does not stop the newest either.
    app.update(Msg::TaskFailed {
        task: Task::FilterPatients,
        id: Some(old),
    });
    assert!(app.matching());
}

#[test]
fn clearing_the_filter_cancels_the_match_and_the_lookup_still_running() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 50;
    send(&mut app, [ch('/')]);
    send(&mut app, typed("00"));
    let filtering = live(&app, Task::FilterPatients);
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert!(fx.contains(&Effect::Cancel { id: filtering }), "{fx:?}");
    assert!(!app.matching());
    let mut app = loaded(3, false);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("nobody"));
    let lookup = live(&app, Task::LookupPatient);
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert!(fx.contains(&Effect::Cancel { id: lookup }), "{fx:?}");
    assert!(!app.requests.running(Task::LookupPatient));
}

#[test]
fn a_link_leaving_the_screen_cancels_its_checks_and_their_answers_are_dropped() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let watch = live(&app, Task::Watch);
    let offered = live(&app, Task::LinkProviders);
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
    assert_eq!(
        fx,
        vec![Effect::Cancel { id: watch }, Effect::Cancel { id: offered }]
    );
    // A new link is shown; the old link's answers arrive late and are dropped.
    show_link(&mut app);
    app.update(Msg::Watched {
        id: watch,
        at: t0(),
        result: Err(ApiError::Timeout {
            target: "t".into(),
            limit: Duration::from_secs(1),
        }),
    });
    app.update(Msg::LinkProvidersLoaded {
        id: offered,
        result: Ok(vec![]),
    });
    let shown = app.screen.shown().unwrap();
    assert_eq!(shown.watch.failures, 0, "not the new link's failure");
    assert_eq!(shown.offered, Some(offered::Offered::Asking));
}

#[test]
fn a_new_mint_cancels_the_checks_of_the_link_it_replaces() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let watch = live(&app, Task::Watch);
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(fx.contains(&Effect::Cancel { id: watch }), "{fx:?}");
    let again = live(&app, Task::Watch);
    assert_ne!(again, watch, "the new link has a check of its own");
    // One check at a time: the next tick asks nothing more while it runs.
    let fx = app.update(Msg::Tick(t0() + Duration::from_secs(10)));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::WatchConnections { .. })),
        "{fx:?}"
    );
}

#[test]
fn a_newer_selection_cancels_the_fetch_of_a_patient_not_loaded() {
    let mut app = loaded(3, false);
    let fetch = in_flight(&mut app, Task::LoadUser).unwrap();
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(fx.contains(&Effect::Cancel { id: fetch }), "{fx:?}");
    assert!(!app.requests.running(Task::LoadUser));
}

#[test]
fn reopening_the_history_supersedes_the_read_still_running() {
    let mut app = loaded(1, false);
    let first = in_flight(&mut app, Task::LoadHistory).unwrap();
    send(&mut app, [key(KeyCode::Esc)]);
    let fx = send(&mut app, [ch('H')]);
    let second = live(&app, Task::LoadHistory);
    assert_eq!(
        fx,
        vec![
            Effect::Cancel { id: first },
            Effect::LoadHistory { id: second }
        ]
    );
}

#[test]
fn the_registry_is_empty_once_everything_answered() {
    let mut app = loaded(3, false);
    assert_eq!(
        app.requests.all().count(),
        0,
        "the first page and the providers answered: {:?}",
        app.requests.all().collect::<Vec<_>>()
    );
    let id = app.requests.start(Pending::SavePng);
    assert_eq!(app.requests.get(id).map(Pending::task), Some(Task::SavePng));
    assert_eq!(app.requests.cancel(id), Some(Effect::Cancel { id }));
    assert_eq!(app.requests.cancel(id), None, "cancelled once");
}
