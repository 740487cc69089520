//! Pure tests of the Patient pane: paging, details, movement, filter, create, reload.

use super::*;

#[test]
fn users_load_page_by_page_and_stale_pages_are_dropped() {
    let mut app = starting();
    let fx = app.update(Msg::UsersLoaded {
        request: RequestId(1),
        result: Ok(page(1..=500, 700, 0)),
    });
    // Each page is a request of its own (Esc and R cancel them all); 2 is the providers', 3
    // the audit log read for the statuses.
    assert_eq!(
        fx,
        vec![Effect::LoadUsers {
            offset: 500,
            request: RequestId(4)
        }]
    );
    assert!(app.patients.load.is_loading());
    assert_eq!(app.patients.list.items().len(), 500, "usable while loading");
    let stale = app.update(Msg::UsersLoaded {
        request: RequestId(1),
        result: Ok(UsersPage {
            users: vec![user(999)],
            total: 1,
            offset: 0,
            limit: 500,
        }),
    });
    assert!(stale.is_empty());
    assert_eq!(app.patients.list.items().len(), 500);
    let fx = app.update(Msg::UsersLoaded {
        request: RequestId(4),
        result: Ok(page(501..=700, 700, 500)),
    });
    assert!(fx.is_empty());
    assert!(!app.patients.load.is_loading());
    assert_eq!(app.patients.list.items().len(), 700);
}

#[test]
fn highlighted_patient_details_load_when_the_highlight_rests() {
    let mut app = loaded(5, false);
    assert!(
        app.patients.detail_pending,
        "the first row's details are wanted"
    );
    assert_eq!(app.tick_interval(t0()), Some(Duration::from_millis(200)));
    send(&mut app, [ch('j')]);
    assert!(app.update(Msg::Tick(t0())).is_empty(), "not rested yet");
    send(&mut app, [ch('j')]);
    assert!(
        app.update(Msg::Tick(t0())).is_empty(),
        "moved since the last tick"
    );
    let fx = app.update(Msg::Tick(t0()));
    let third = user(3).user_id;
    assert_eq!(
        connections_asked(&fx),
        [third],
        "one load, for where it rests"
    );
    assert!(app.update(Msg::Tick(t0())).is_empty());
    send(&mut app, [ch('k'), ch('j')]);
    app.update(Msg::Tick(t0()));
    assert!(
        app.update(Msg::Tick(t0()))
            .iter()
            .all(|e| !matches!(e, Effect::LoadConnections { user_id, .. } if *user_id == third)),
        "not twice"
    );
}

#[test]
fn movement_keys_clamp_and_scroll() {
    let mut app = loaded(100, false);
    send(&mut app, [key(KeyCode::Up)]);
    assert_eq!(app.patients.list.state().cursor(), 0);
    send(&mut app, [ch('j'), ch('j'), key(KeyCode::Down)]);
    assert_eq!(app.patients.list.state().cursor(), 3);
    send(&mut app, [ch('k')]);
    assert_eq!(app.patients.list.state().cursor(), 2);
    send(&mut app, [key(KeyCode::End)]);
    assert_eq!(app.patients.list.state().cursor(), 99);
    let rows = layout::areas(app.size).patients.list.height as usize;
    assert_eq!(
        app.patients.list.state().offset(),
        100 - rows,
        "the highlight stays on screen"
    );
    send(&mut app, [key(KeyCode::PageUp)]);
    assert_eq!(app.patients.list.state().cursor(), 99 - rows);
    send(&mut app, [key(KeyCode::Home)]);
    assert_eq!(
        (
            app.patients.list.state().cursor(),
            app.patients.list.state().offset()
        ),
        (0, 0)
    );
    send(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.patients.list.state().cursor(), rows);
}

#[test]
fn filter_narrows_enter_keeps_and_selects_esc_clears() {
    let mut app = loaded(30, false);
    send(&mut app, [ch('/')]);
    assert!(app.overlays.prompt.is_some());
    send(&mut app, typed("0002"));
    assert_eq!(
        app.patients.list.visible().len(),
        11,
        "patient-00002 and 00020..29 (a number matches only whole: not 00012)"
    );
    send(&mut app, [ch('q')]);
    assert!(!app.quit, "q types into a prompt");
    assert_eq!(app.patients.list.visible().len(), 0);
    send(&mut app, [key(KeyCode::Backspace), ch('5')]);
    assert_eq!(app.patients.list.visible().len(), 1);
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(app.overlays.prompt.is_none());
    assert_eq!(app.patients.list.filter(), "00025", "the filter is kept");
    let chosen = app.patients.selected_user().unwrap();
    assert_eq!(chosen.client_user_id, "patient-00025");
    assert_eq!(connections_asked(&fx), [chosen.user_id]);
    // Reopening `/` shows the kept filter, selected: typing replaces it; Esc clears it.
    send(&mut app, [ch('/')]);
    let p = app.overlays.prompt.as_ref().unwrap();
    assert_eq!((p.input.value(), p.replace_on_type), ("00025", true));
    assert_eq!(app.patients.list.visible().len(), 1, "still filtered");
    send(&mut app, typed("0003"));
    assert_eq!(app.patients.list.filter(), "0003", "typing replaced it");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.overlays.prompt.is_none());
    assert_eq!(
        (
            app.patients.list.filter(),
            app.patients.list.visible().len()
        ),
        ("", 30)
    );
}

#[test]
fn a_kept_filter_can_be_edited_and_esc_in_the_list_clears_it() {
    let mut app = loaded(30, false);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("0002"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(app.contexts().contains(&keymap::Ctx::Filtered));
    // Backspace edits the kept text instead of replacing it.
    send(&mut app, [ch('/'), key(KeyCode::Backspace), ch('9')]);
    assert_eq!(app.patients.list.filter(), "0009");
    send(&mut app, [key(KeyCode::Enter)]);
    // Esc in the list (no prompt open) clears the kept filter.
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.patients.list.filter(), "");
    assert_eq!(app.patients.list.visible().len(), 30);
    assert!(!app.contexts().contains(&keymap::Ctx::Filtered));
    assert_eq!(app.toast.as_ref().unwrap().text, "Filter cleared");
    // Nothing kept: Esc does nothing.
    app.toast = None;
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.toast.is_none());
}

#[test]
fn new_user_warns_on_personal_data_and_duplicate_offers_existing() {
    let mut app = loaded(2, false);
    send(&mut app, [ch('n')]);
    send(&mut app, typed("ana@example.com"));
    assert!(
        app.overlays
            .prompt
            .as_ref()
            .unwrap()
            .warning()
            .unwrap()
            .contains("email")
    );
    assert!(
        send(&mut app, [key(KeyCode::Enter)]).is_empty(),
        "the first Enter only warns"
    );
    assert!(
        app.overlays
            .prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("Enter again")
    );
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    let [Effect::CreateUser { id, client_user_id }] = &fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(client_user_id, "ana@example.com");
    app.requests.cancel(*id);
    send(&mut app, [ch('n')]);
    send(&mut app, typed("ana@example.com"));
    for _ in 0..15 {
        send(&mut app, [key(KeyCode::Backspace)]);
    }
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        fx.is_empty() && app.overlays.prompt.as_ref().unwrap().error.is_some(),
        "empty is refused"
    );
    send(&mut app, typed("patient-00002"));
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    let id = match &fx[..] {
        [Effect::CreateUser { id, client_user_id }] => {
            assert_eq!(client_user_id, "patient-00002");
            *id
        }
        other => panic!("{other:?}"),
    };
    let existing = user(2).user_id;
    app.update(Msg::UserCreated {
        id,
        at: t0(),
        result: Err(ApiError::DuplicateUser {
            client_user_id: "patient-00002".into(),
            user_id: existing,
            message: String::new(),
        }),
    });
    assert!(
        app.overlays
            .confirm
            .as_ref()
            .unwrap()
            .question()
            .contains("Select that user?")
    );
    send(&mut app, [key(KeyCode::Enter)]); // select patient-00001 first
    app.overlays.confirm = Some(Confirm::UseExisting {
        client_user_id: "patient-00002".into(),
        user_id: existing,
    });
    let fx = send(&mut app, [ch('y')]);
    assert_eq!(app.patients.selected, Some(existing));
    assert_eq!(connections_asked(&fx), [existing]);
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "Selected patient-00002: tick providers, then m to mint",
        "the status names the user now selected"
    );
}

#[test]
fn refusing_the_existing_user_says_the_api_refused_the_create() {
    let mut app = loaded(2, false);
    app.overlays.confirm = Some(Confirm::UseExisting {
        client_user_id: "patient-00002".into(),
        user_id: user(2).user_id,
    });
    send(&mut app, [ch('n')]);
    let text = &app.toast.as_ref().unwrap().text;
    assert!(text.contains("the API refused patient-00002"), "{text}");
    assert!(!text.contains("Nothing was sent"));
    assert_eq!(app.patients.selected, None);
}

#[test]
fn selecting_a_user_not_loaded_yet_names_it_once_fetched() {
    let mut app = loaded(2, false);
    let far = Uuid::new_v4();
    app.overlays.confirm = Some(Confirm::UseExisting {
        client_user_id: "walk-in-3".into(),
        user_id: far,
    });
    let fx = send(&mut app, [ch('y')]);
    let [Effect::LoadUser { id, .. }] = &fx[..] else {
        panic!("{fx:?}");
    };
    let mut u = user(3);
    u.user_id = far;
    u.client_user_id = "walk-in-3".into();
    app.update(Msg::UserLoaded {
        id: *id,
        result: Ok(u),
    });
    assert_eq!(app.patients.selected, Some(far));
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .starts_with("Selected walk-in-3")
    );
}

#[test]
fn created_user_is_added_and_selected() {
    let mut app = loaded(2, false);
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
    assert_eq!(app.patients.total, Some(3));
}

#[test]
fn reload_after_an_error_loads_again_and_keeps_rows() {
    let mut app = loaded(3, false);
    let fx = send(&mut app, [ch('R')]);
    // R reads the audit log again too, for the statuses.
    assert_eq!(
        fx,
        vec![
            Effect::LoadUsers {
                offset: 0,
                request: RequestId(4)
            },
            Effect::LoadStatus {
                id: RequestId(5),
                here: app.audit_scope()
            }
        ]
    );
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "Loading the patient list again (the selection and the filter stay)",
        "R says what it does"
    );
    app.update(Msg::UsersLoaded {
        request: RequestId(4),
        result: Err(ApiError::Timeout {
            target: "t".into(),
            limit: Duration::from_secs(1),
        }),
    });
    assert!(app.patients.load.error().is_some());
    assert_eq!(app.patients.list.items().len(), 3, "rows kept");
    send(&mut app, [ch('R')]);
    app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(page(1..=4, 4, 0)),
    });
    assert_eq!(app.patients.list.items().len(), 4, "no duplicates");
    send(&mut app, [ch('R')]);
    app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(UsersPage {
            users: vec![user(2), user(4)],
            total: 2,
            offset: 0,
            limit: 500,
        }),
    });
    let ids: Vec<_> = app
        .patients
        .list
        .items()
        .iter()
        .map(|u| u.client_user_id)
        .collect();
    assert_eq!(
        ids,
        ["patient-00002", "patient-00004"],
        "a deleted user disappears on reload"
    );
    assert!(app.patients.load.error().is_none());
}

#[test]
fn stale_user_fetch_does_not_change_a_newer_selection() {
    let mut app = loaded(3, false);
    let far = Uuid::new_v4();
    app.overlays.confirm = Some(Confirm::UseExisting {
        client_user_id: "x".into(),
        user_id: far,
    });
    let fx = send(&mut app, [ch('y')]);
    let id = match &fx[..] {
        [Effect::LoadUser { id, user_id }] if *user_id == far => *id,
        other => panic!("{other:?}"),
    };
    send(&mut app, [ch('j'), key(KeyCode::Enter)]);
    let chosen = app.patients.selected;
    let mut u = user(99);
    u.user_id = far;
    app.update(Msg::UserLoaded { id, result: Ok(u) });
    assert_eq!(
        app.patients.selected, chosen,
        "the staff's newer choice stands"
    );
}

#[test]
fn while_filtering_the_arrows_move_among_matches_and_enter_selects_the_highlighted_one() {
    let mut app = loaded(30, false);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("0001"));
    assert_eq!(
        app.patients.list.visible().len(),
        11,
        "00001 and 00010..19 (a number matches only whole: not 00021)"
    );
    let at = |app: &App, pos| {
        let i = app.patients.list.visible().get(pos).unwrap();
        app.patients
            .list
            .items()
            .get_ref(i)
            .client_user_id
            .to_string()
    };
    let (third, fourth) = (at(&app, 2), at(&app, 3));
    send(
        &mut app,
        [
            key(KeyCode::Down),
            key(KeyCode::Down),
            Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        ],
    );
    assert_eq!(app.overlays.prompt.as_ref().unwrap().input.value(), "0001");
    assert_eq!(app.patients.highlighted().unwrap().client_user_id, third);
    send(
        &mut app,
        [key(KeyCode::Up), key(KeyCode::Down), key(KeyCode::Down)],
    );
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.patients.selected_user().unwrap().client_user_id,
        fourth,
        "the highlighted match, not the first"
    );
    assert!(app.toast.as_ref().unwrap().text.contains(&fourth));
}

#[test]
fn esc_stops_the_list_loading_and_r_starts_it_over() {
    let mut app = starting();
    let first = app.page_request().unwrap();
    app.update(Msg::UsersLoaded {
        request: first,
        result: Ok(page(1..=500, 5000, 0)),
    });
    assert!(app.contexts().contains(&keymap::Ctx::Loading));
    // R while pages wait (a long Retry-After, say): every page of the old load stops, a new
    // load starts.
    let status = live(&app, Task::LoadStatus);
    let fx: Vec<Effect> = send(&mut app, [ch('R')])
        .into_iter()
        .filter(|e| {
            !matches!(e, Effect::LoadStatus { .. })
                && !matches!(e, Effect::Cancel { id } if *id == status)
        })
        .collect();
    let second = app.page_request().unwrap();
    assert_ne!(second, first);
    let mut cancelled = 0;
    for e in &fx[..fx.len() - 1] {
        assert!(matches!(e, Effect::Cancel { id } if *id > first), "{e:?}");
        cancelled += 1;
    }
    assert_eq!(cancelled, crate::app::patients::PARALLEL_PAGES);
    assert_eq!(
        fx.last(),
        Some(&Effect::LoadUsers {
            offset: 0,
            request: second
        })
    );
    // Esc stops it, keeping the rows that arrived; a late page is dropped.
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(fx, vec![Effect::Cancel { id: second }]);
    assert!(!app.patients.load.is_loading());
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("Stopped loading the patient list (500 loaded)")
    );
    let late = app.update(Msg::UsersLoaded {
        request: second,
        result: Ok(page(1..=500, 5000, 0)),
    });
    assert!(late.is_empty());
    assert_eq!(app.patients.list.items().len(), 500);
    assert!(!app.contexts().contains(&keymap::Ctx::Loading));
}

#[test]
fn a_list_that_never_advances_stops_with_an_error() {
    let mut app = starting();
    let request = app.page_request().unwrap();
    let page = |offset| UsersPage {
        users: (1..=500).map(user).collect(),
        total: 1_000_000,
        offset,
        limit: 500,
    };
    let fx = app.update(Msg::UsersLoaded {
        request,
        result: Ok(page(0)),
    });
    let asked: Vec<(u64, RequestId)> = fx
        .iter()
        .map(|e| match e {
            Effect::LoadUsers { offset, request } => (*offset, *request),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        asked.iter().map(|a| a.0).collect::<Vec<_>>(),
        [500, 1000, 1500, 2000],
        "the next pages, a few at a time"
    );
    // The server answers the same 500 users again for the next offset.
    let fx = app.update(Msg::UsersLoaded {
        request: asked[0].1,
        result: Ok(page(500)),
    });
    assert_eq!(
        fx,
        asked[1..]
            .iter()
            .map(|a| Effect::Cancel { id: a.1 })
            .collect::<Vec<_>>(),
        "no more requests: the others are cancelled"
    );
    let error = app
        .patients
        .load
        .error()
        .expect("the load failed")
        .to_string();
    assert!(error.contains("the same 500 users"), "{error}");
    assert_eq!(app.patients.list.items().len(), 500);
}

#[test]
fn a_reload_keeps_the_selected_patient_listed_until_its_page_comes() {
    let mut app = loaded(30, false);
    let chosen = user(25).user_id;
    app.patients.selected = Some(chosen);
    // The reload's first page does not hold the selected patient (yet).
    app.patients.restart((1..=5).map(user).collect());
    assert!(app.patients.find(chosen).is_some(), "still listed");
    assert_eq!(app.patients.list.items().len(), 6);
    // Its page arrives: listed once.
    app.patients.append((6..=30).map(user).collect());
    assert_eq!(app.patients.list.items().len(), 30);
    assert!(app.patients.find(chosen).is_some());
}

#[test]
fn clearing_the_filter_keeps_the_highlight_on_the_patient_it_was_on() {
    // 60 patients at 80 x 24: patient-00045 is below the first screen of the full list.
    let mut app = loaded(60, false);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("00045"));
    send(&mut app, [key(KeyCode::Enter)]);
    let chosen = app.patients.selected_user().unwrap();
    assert_eq!(chosen.client_user_id, "patient-00045");
    // Esc in the list clears the kept filter: the highlight stays on the selected patient, in
    // view, so the detail line and `m` speak of the same one.
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.patients.list.filter(), "");
    assert_eq!(app.patients.list.visible().len(), 60);
    let highlighted = app.patients.highlighted().unwrap();
    assert_eq!(highlighted.user_id, chosen.user_id);
    let l = app.patients.list.state();
    let rows = layout::areas(app.size).patients.list.height as usize;
    assert!(
        l.cursor() >= l.offset() && l.cursor() < l.offset() + rows,
        "in view: cursor {} offset {} rows {rows}",
        l.cursor(),
        l.offset()
    );
    // Ctrl-U in the prompt clears it the same way.
    send(&mut app, [ch('/')]);
    send(&mut app, typed("00045"));
    send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        ))],
    );
    assert_eq!(app.patients.highlighted().unwrap().user_id, chosen.user_id);
}
