//! Pure tests of `update`: keys and API answers in, state and effects out. No terminal.

use super::*;
use crate::api::{ApiError, FieldError, LinkToken, UsersPage};
use crate::link::catalog;
use crossterm::event::{KeyCode, KeyModifiers};

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub(crate) fn t0() -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn user(n: usize) -> User {
    let id = crate::emulator::generated_client_id(n);
    User {
        user_id: crate::emulator::stable_uuid(&id),
        team_id: None,
        client_user_id: id,
        created_on: Some(t0()),
        connected_sources: vec![],
        fallback_time_zone: None,
        fallback_birth_date: None,
        ingestion_start: None,
        ingestion_end: None,
    }
}

fn env(production: bool) -> EnvInfo {
    EnvInfo {
        badge: if production {
            "PRODUCTION us".into()
        } else {
            "SANDBOX us".into()
        },
        production,
        host: "https://api.sandbox.us.junction.com".into(),
        key_prefix: Some("sk_us_"),
    }
}

/// An app with `n` users and the catalog loaded.
pub(crate) fn loaded(n: usize, production: bool) -> App {
    let mut app = App::new(
        env(production),
        Prefs::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    let fx = app.start();
    assert_eq!(fx.len(), 2);
    app.update(Msg::UsersLoaded {
        generation: 1,
        result: Ok(UsersPage {
            users: (1..=n).map(user).collect(),
            total: n as u64,
            offset: 0,
            limit: 500,
        }),
    });
    let all: Vec<Provider> = catalog::all().iter().map(|c| c.to_provider()).collect();
    app.update(Msg::ProvidersLoaded(Ok(all)));
    app
}

fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| app.update(m)).collect()
}

fn typed(s: &str) -> Vec<Msg> {
    s.chars().map(ch).collect()
}

fn mint_request(effects: &[Effect]) -> (u64, LinkTokenRequest) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Mint { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .expect("a mint effect")
}

#[test]
fn users_load_page_by_page_and_stale_pages_are_dropped() {
    let mut app = App::new(env(false), Prefs::default(), t0(), Rect::new(0, 0, 80, 24));
    app.start();
    let fx = app.update(Msg::UsersLoaded {
        generation: 1,
        result: Ok(UsersPage {
            users: (1..=500).map(user).collect(),
            total: 700,
            offset: 0,
            limit: 500,
        }),
    });
    assert_eq!(
        fx,
        vec![Effect::LoadUsers {
            offset: 500,
            generation: 1
        }]
    );
    assert!(app.patients.loading);
    assert_eq!(app.patients.rows.len(), 500, "usable while loading");
    let stale = app.update(Msg::UsersLoaded {
        generation: 0,
        result: Ok(UsersPage {
            users: vec![user(999)],
            total: 1,
            offset: 0,
            limit: 500,
        }),
    });
    assert!(stale.is_empty());
    assert_eq!(app.patients.rows.len(), 500);
    let fx = app.update(Msg::UsersLoaded {
        generation: 1,
        result: Ok(UsersPage {
            users: (501..=700).map(user).collect(),
            total: 700,
            offset: 500,
            limit: 500,
        }),
    });
    assert!(fx.is_empty());
    assert!(!app.patients.loading);
    assert_eq!(app.patients.rows.len(), 700);
}

#[test]
fn highlighted_patient_details_load_when_the_highlight_rests() {
    let mut app = loaded(5, false);
    assert!(
        app.patients.detail_pending,
        "the first row's details are wanted"
    );
    assert_eq!(app.tick_interval(t0()), Some(Duration::from_millis(200)));
    send(&mut app, [ch('j'), ch('j')]);
    let fx = app.update(Msg::Tick(t0()));
    let third = user(3).user_id;
    assert_eq!(
        fx,
        vec![Effect::LoadConnections { user_id: third }],
        "one load, for where it rests"
    );
    assert!(app.update(Msg::Tick(t0())).is_empty());
    send(&mut app, [ch('k'), ch('j')]);
    assert!(
        app.update(Msg::Tick(t0()))
            .iter()
            .all(|e| *e != Effect::LoadConnections { user_id: third }),
        "not twice"
    );
}

#[test]
fn tab_cycles_panes_and_options_starts_at_first_row() {
    let mut app = loaded(3, false);
    assert_eq!(app.focus, Pane::Patients);
    app.options.row = 2;
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Pane::Providers);
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!((app.focus, app.options.row), (Pane::Options, 0));
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Pane::Patients);
    send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        ))],
    );
    assert_eq!(app.focus, Pane::Options);
}

#[test]
fn movement_keys_clamp_and_scroll() {
    let mut app = loaded(100, false);
    send(&mut app, [key(KeyCode::Up)]);
    assert_eq!(app.patients.cursor, 0);
    send(&mut app, [ch('j'), ch('j'), key(KeyCode::Down)]);
    assert_eq!(app.patients.cursor, 3);
    send(&mut app, [ch('k')]);
    assert_eq!(app.patients.cursor, 2);
    send(&mut app, [key(KeyCode::End)]);
    assert_eq!(app.patients.cursor, 99);
    let rows = layout::patient_rows(app.size);
    assert_eq!(
        app.patients.offset,
        100 - rows,
        "the highlight stays on screen"
    );
    send(&mut app, [key(KeyCode::PageUp)]);
    assert_eq!(app.patients.cursor, 99 - rows);
    send(&mut app, [key(KeyCode::Home)]);
    assert_eq!((app.patients.cursor, app.patients.offset), (0, 0));
    send(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.patients.cursor, rows);
}

#[test]
fn filter_narrows_enter_keeps_and_selects_esc_clears() {
    let mut app = loaded(30, false);
    send(&mut app, [ch('/')]);
    assert!(app.prompt.is_some());
    send(&mut app, typed("0002"));
    assert_eq!(
        app.patients.visible.len(),
        11,
        "patient-00002 and 00020..29"
    );
    send(&mut app, [ch('q')]);
    assert!(!app.quit, "q types into a prompt");
    assert_eq!(app.patients.visible.len(), 0);
    send(&mut app, [key(KeyCode::Backspace), ch('5')]);
    assert_eq!(app.patients.visible.len(), 1);
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(app.prompt.is_none());
    assert_eq!(app.patients.filter, "00025", "the filter is kept");
    let chosen = app.patients.selected_user().unwrap();
    assert_eq!(chosen.client_user_id, "patient-00025");
    assert_eq!(
        fx,
        vec![Effect::LoadConnections {
            user_id: chosen.user_id
        }]
    );
    // A new `/` starts empty; Esc clears the filter.
    send(&mut app, [ch('/')]);
    assert_eq!(app.patients.visible.len(), 30);
    send(&mut app, typed("xyz"));
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.prompt.is_none());
    assert_eq!(
        (app.patients.filter.as_str(), app.patients.visible.len()),
        ("", 30)
    );
}

#[test]
fn provider_filter_then_tick_keeps_the_tick() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab), ch('/')]);
    send(&mut app, typed("oura"));
    send(&mut app, [key(KeyCode::Enter), ch(' ')]);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("fitbit"));
    send(&mut app, [key(KeyCode::Enter), ch(' ')]);
    assert_eq!(
        app.providers.allowlist(),
        Some(vec!["fitbit".to_string(), "oura".to_string()])
    );
}

#[test]
fn providers_toggle_all_clear_and_direct() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab)]);
    let first = app.providers.highlighted().unwrap().slug.clone();
    send(&mut app, [ch(' ')]);
    assert!(app.providers.ticked.contains(&first));
    send(&mut app, [ch(' ')]);
    assert!(app.providers.ticked.is_empty());
    assert_eq!(
        app.providers.allowlist(),
        None,
        "nothing ticked = all linkable"
    );
    send(&mut app, [ch('a')]);
    assert_eq!(app.providers.ticked.len(), 31, "every linkable provider");
    assert!(!app.providers.ticked.contains("apple_health_kit"));
    send(&mut app, [ch('p')]);
    assert_eq!(app.providers.direct.as_deref(), Some(first.as_str()));
    send(&mut app, [ch('j'), ch('p')]);
    assert_ne!(
        app.providers.direct.as_deref(),
        Some(first.as_str()),
        "at most one direct mark"
    );
    send(&mut app, [ch('x')]);
    assert!(app.providers.ticked.is_empty() && app.providers.direct.is_none());
}

#[test]
fn sdk_only_providers_cannot_be_ticked() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab), key(KeyCode::End)]);
    let item = app.providers.highlighted().unwrap().clone();
    assert!(!item.linkable, "the mobile-SDK group is last");
    send(&mut app, [ch(' '), ch('p')]);
    assert!(app.providers.ticked.is_empty() && app.providers.direct.is_none());
    assert!(app.toast.as_ref().unwrap().text.contains("mobile app"));
}

#[test]
fn options_redirect_url_is_validated_and_checkboxes_toggle() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::RedirectUrl);
    send(&mut app, typed("clinic.example/done"));
    send(&mut app, [key(KeyCode::Enter)]);
    let p = app
        .prompt
        .as_ref()
        .expect("invalid URL keeps the prompt open");
    assert!(p.error.as_ref().unwrap().contains("absolute http(s) URL"));
    assert_eq!(app.options.redirect_url, None, "nothing changed");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.prompt.is_none() && app.options.redirect_url.is_none());
    send(&mut app, [key(KeyCode::Enter)]);
    send(&mut app, typed("https://clinic.example/done"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.options.redirect_url.as_deref(),
        Some("https://clinic.example/done")
    );
    send(&mut app, [ch('j'), ch(' '), ch('j'), ch(' ')]);
    assert!(app.options.on_error && app.options.on_close);
    send(&mut app, [ch(' ')]);
    assert!(!app.options.on_close);
}

#[test]
fn warns_when_redirect_option_has_no_url() {
    let mut app = loaded(1, false);
    assert!(app.options_warnings().is_empty());
    app.options.on_close = true;
    assert_eq!(app.options_warnings().len(), 1);
    app.options.redirect_url = Some("https://x.example".into());
    assert!(app.options_warnings().is_empty());
    app.providers.ticked.insert("oura".into());
    app.providers.direct = Some("fitbit".into());
    assert!(app.options_warnings()[0].contains("not in the allowlist"));
}

#[test]
fn preview_is_the_exact_body() {
    let mut app = loaded(2, false);
    assert!(app.preview().contains("<select a patient>"));
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Tab), ch('/')]);
    send(&mut app, typed("oura"));
    send(&mut app, [key(KeyCode::Enter), ch(' ')]);
    app.options.on_error = true;
    let id = app.patients.selected.unwrap();
    let v: serde_json::Value = serde_json::from_str(&app.preview()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"user_id": id, "filter_on_providers": ["oura"], "on_error": "redirect"})
    );
    let fx = send(&mut app, [ch('m')]);
    let (_, req) = mint_request(&fx);
    assert_eq!(serde_json::to_value(req).unwrap(), v);
}

#[test]
fn mint_needs_a_patient() {
    let mut app = loaded(2, false);
    let fx = send(&mut app, [ch('m')]);
    assert!(fx.is_empty());
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("Select a patient")
    );
}

fn token() -> LinkToken {
    LinkToken {
        link_token: "tok+/=".into(),
        link_web_url: "https://link.tryvital.io/?token=tok%2B%2F%3D&env=sandbox&region=us".into(),
    }
}

/// Selects the highlighted patient, mints, and answers with [`token`] minted at [`t0`].
fn show_link(app: &mut App) {
    send(app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert_eq!(app.view, View::Result);
}

#[test]
fn mint_success_shows_result_and_r_mints_again() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('m')]);
    let (id, req) = mint_request(&fx);
    assert!(
        app.tick_interval(t0()).is_some(),
        "the spinner animates while minting"
    );
    send(&mut app, [ch('m')]);
    assert!(app.toast.as_ref().unwrap().text.contains("already running"));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert_eq!(app.view, View::Result);
    let r = app.result.as_ref().unwrap();
    assert_eq!(r.link.client_user_id, "patient-00001");
    assert_eq!(app.remaining(), Some(Duration::from_secs(3600)));
    let fx = send(&mut app, [ch('r')]);
    let (id2, req2) = mint_request(&fx);
    assert_eq!(req2, req);
    assert_ne!(id2, id);
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.view, View::Result, "Esc cancels the re-mint first");
    assert!(app.inflight.is_none());
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.view, View::Panes);
    assert!(app.patients.selected.is_some(), "selections kept");
}

#[test]
fn esc_cancels_and_stale_answers_are_ignored() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(fx, vec![Effect::Cancel { id }]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(
        app.result.is_none(),
        "a cancelled mint's answer changes nothing"
    );
    assert_eq!(app.view, View::Panes);
}

#[test]
fn production_mint_asks_first() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('m')]);
    assert!(fx.is_empty());
    assert_eq!(
        app.confirm.as_ref().unwrap().question(),
        "Mint a PRODUCTION link for patient-00001? y/N"
    );
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        fx.is_empty() && app.confirm.is_none(),
        "Enter means the default, No"
    );
    send(&mut app, [ch('m')]);
    let fx = send(&mut app, [ch('y')]);
    mint_request(&fx);
}

#[test]
fn api_errors_land_next_to_their_field_and_keep_selections() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Tab), ch(' ')]);
    let ticked = app.providers.ticked.clone();
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Validation {
            fields: vec![FieldError {
                field: "redirect_url".into(),
                message: "URL not allowed".into(),
            }],
        }),
    });
    assert_eq!(
        app.options.redirect_error.as_deref(),
        Some("URL not allowed")
    );
    assert_eq!(app.providers.ticked, ticked);
    assert!(app.patients.selected.is_some());
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Unauthorized {
            status: 401,
            target: "sandbox/us".into(),
        }),
    });
    assert!(
        app.alert
            .as_ref()
            .unwrap()
            .contains("refused by sandbox/us")
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.alert.is_none());
    assert_eq!(app.providers.ticked, ticked);
}

#[test]
fn new_user_warns_on_personal_data_and_duplicate_offers_existing() {
    let mut app = loaded(2, false);
    send(&mut app, [ch('n')]);
    send(&mut app, typed("ana@example.com"));
    assert!(
        app.prompt
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
        app.prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("Enter again")
    );
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        matches!(&fx[..], [Effect::CreateUser { client_user_id, .. }] if client_user_id == "ana@example.com")
    );
    app.inflight = None;
    send(&mut app, [ch('n')]);
    send(&mut app, typed("ana@example.com"));
    for _ in 0..15 {
        send(&mut app, [key(KeyCode::Backspace)]);
    }
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        fx.is_empty() && app.prompt.as_ref().unwrap().error.is_some(),
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
        app.confirm
            .as_ref()
            .unwrap()
            .question()
            .contains("Select that user?")
    );
    let fx = send(&mut app, [ch('y')]);
    assert_eq!(app.patients.selected, Some(existing));
    assert_eq!(fx, vec![Effect::LoadConnections { user_id: existing }]);
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
    assert_eq!(
        fx,
        vec![Effect::LoadUsers {
            offset: 0,
            generation: 2
        }]
    );
    assert!(send(&mut app, [ch('R')]).is_empty(), "not twice at once");
    app.update(Msg::UsersLoaded {
        generation: 2,
        result: Err(ApiError::Timeout {
            target: "t".into(),
            limit: Duration::from_secs(1),
        }),
    });
    assert!(app.patients.load_error.is_some());
    assert_eq!(app.patients.rows.len(), 3, "rows kept");
    send(&mut app, [ch('R')]);
    app.update(Msg::UsersLoaded {
        generation: 3,
        result: Ok(UsersPage {
            users: (1..=4).map(user).collect(),
            total: 4,
            offset: 0,
            limit: 500,
        }),
    });
    assert_eq!(app.patients.rows.len(), 4, "no duplicates");
    send(&mut app, [ch('R')]);
    app.update(Msg::UsersLoaded {
        generation: 4,
        result: Ok(UsersPage {
            users: vec![user(2), user(4)],
            total: 2,
            offset: 0,
            limit: 500,
        }),
    });
    let ids: Vec<_> = app
        .patients
        .rows
        .iter()
        .map(|u| u.client_user_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["patient-00002", "patient-00004"],
        "a deleted user disappears on reload"
    );
    assert!(app.patients.load_error.is_none());
}

#[test]
fn quit_keys() {
    let mut app = loaded(1, false);
    send(&mut app, [ch('q')]);
    assert!(app.quit);
    let mut app = loaded(1, false);
    send(
        &mut app,
        [
            ch('n'),
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        ],
    );
    assert!(app.quit, "Ctrl-C quits even from a prompt");
}

#[test]
fn key_releases_are_ignored() {
    let mut app = loaded(1, false);
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = crossterm::event::KeyEventKind::Release;
    app.update(Msg::Key(release));
    assert!(!app.quit);
}

#[test]
fn paste_goes_into_the_prompt_without_control_characters() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    app.update(Msg::Paste("https://clinic.example/\x1b[31mdone\n".into()));
    assert_eq!(
        app.prompt.as_ref().unwrap().input.value(),
        "https://clinic.example/[31mdone"
    );
}

#[test]
fn expiry_blanks_and_clears_a_natively_copied_url_once() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let fx = send(&mut app, [ch('c')]);
    assert_eq!(
        fx,
        vec![Effect::Copy {
            text: token().link_web_url
        }]
    );
    app.update(Msg::Copied(CopyOutcome::System));
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "Copied to the system clipboard"
    );
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::minutes(59)));
    assert!(fx.is_empty());
    assert_eq!(app.remaining(), Some(Duration::from_secs(60)));
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::minutes(60)));
    assert_eq!(
        fx,
        vec![Effect::ClearClipboard {
            text: token().link_web_url
        }]
    );
    assert!(
        app.update(Msg::Tick(t0() + chrono::Duration::minutes(61)))
            .is_empty(),
        "once"
    );
    let fx = send(&mut app, [ch('c')]);
    assert!(fx.is_empty(), "an expired link is not copied");
}

#[test]
fn a_copied_url_is_cleared_at_expiry_from_any_view_even_after_a_new_mint() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    send(&mut app, [ch('c')]);
    app.update(Msg::Copied(CopyOutcome::System));
    let expiry = t0() + chrono::Duration::minutes(60);
    assert_eq!(
        app.tick_interval(t0() + chrono::Duration::minutes(59))
            .map(|d| d <= Duration::from_secs(60)),
        Some(true)
    );
    // A new link that is not copied replaces the result; then back to the panes.
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    let other = LinkToken {
        link_token: "other".into(),
        link_web_url: "https://link.tryvital.io/?token=other".into(),
    };
    app.update(Msg::Minted {
        id,
        at: t0() + chrono::Duration::minutes(5),
        result: Ok(other),
    });
    send(&mut app, [key(KeyCode::Esc)]);
    app.toast = None;
    assert!(
        app.tick_interval(expiry - chrono::Duration::seconds(30))
            .is_some(),
        "a tick is due at the expiry"
    );
    let fx = app.update(Msg::Tick(expiry));
    assert_eq!(
        fx,
        vec![Effect::ClearClipboard {
            text: token().link_web_url
        }]
    );
    assert!(app.clipboard.is_none());
}

#[test]
fn a_mint_answer_keeps_the_patient_view_and_closes_a_filter_prompt() {
    let mut app = loaded(2, false);
    show_link(&mut app);
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    send(&mut app, [ch('K')]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert_eq!(
        app.view,
        View::Kiosk,
        "the patient keeps seeing the patient view"
    );
    send(&mut app, [ch('z'), key(KeyCode::Esc)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    send(&mut app, [ch('/')]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(app.prompt.is_none() && app.view == View::Result);
}

#[test]
fn production_mint_again_asks_too() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter), ch('m')]);
    let (id, _) = mint_request(&send(&mut app, [ch('y')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(send(&mut app, [ch('r')]).is_empty());
    assert!(app.confirm.is_some());
    mint_request(&send(&mut app, [ch('y')]));
}

#[test]
fn stale_user_fetch_does_not_change_a_newer_selection() {
    let mut app = loaded(3, false);
    let far = Uuid::new_v4();
    app.confirm = Some(Confirm::UseExisting {
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
fn toasts_last_from_their_first_tick_not_from_a_stale_clock() {
    let mut app = loaded(1, false);
    app.update(Msg::Tick(t0()));
    send(&mut app, [key(KeyCode::Tab), ch('x')]);
    let later = t0() + chrono::Duration::minutes(30);
    app.update(Msg::Tick(later));
    assert!(
        app.toast.is_some(),
        "shown although the app clock was 30 min old"
    );
    app.update(Msg::Tick(later + chrono::Duration::seconds(TOAST_SECS)));
    assert!(app.toast.is_none());
}

#[test]
fn background_task_failure_clears_the_spinner() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::TaskFailed {
        id: Some(id),
        what: "mint a link",
    });
    assert!(app.inflight.is_none());
    assert!(app.toast.as_ref().unwrap().text.contains("Internal error"));
    app.update(Msg::Quit);
    assert!(app.quit);
}

#[test]
fn osc52_only_copy_is_worded_honestly() {
    assert_eq!(
        CopyOutcome::Osc52.message(),
        "Sent to your terminal's clipboard (OSC 52) — paste to check"
    );
}

#[test]
fn kiosk_any_key_returns_and_blanks_after_idle() {
    let mut app = loaded(1, false);
    app.prefs.kiosk_idle = Duration::from_secs(120);
    show_link(&mut app);
    send(&mut app, [ch('K')]);
    assert_eq!(app.view, View::Kiosk);
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(119)));
    assert!(!app.kiosk_blanked());
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(120)));
    assert!(app.kiosk_blanked());
    send(&mut app, [ch('z')]);
    assert_eq!(app.view, View::Result);
    assert!(!app.kiosk_blanked());
}

#[test]
fn result_keys_toggle_qr_and_save_png() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    send(&mut app, [ch('i'), ch('f')]);
    let r = app.result.as_ref().unwrap();
    assert!(r.invert);
    assert_eq!(r.style, crate::link::qr::QrStyle::Full);
    let fx = send(&mut app, [ch('s')]);
    match &fx[..] {
        [Effect::SavePng { url, path }] => {
            assert_eq!(url, &token().link_web_url);
            assert!(
                path.to_string_lossy()
                    .starts_with("vital-link-patient-00001-")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_toggles_and_scrolls() {
    let mut app = loaded(1, false);
    send(&mut app, [ch('?')]);
    assert_eq!(app.help, Some(0));
    send(&mut app, [ch('j'), ch('j'), ch('k')]);
    assert_eq!(app.help, Some(1));
    assert_eq!(app.patients.cursor, 0, "keys scroll the help, not the list");
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.help, None);
}

#[test]
fn every_action_in_the_key_table_is_reachable() {
    use keymap::{BINDINGS, Ctx};
    // For each binding, put the app into the state where its context is active and check that
    // its first key reaches its action there (what each action does is tested above).
    for b in BINDINGS {
        if b.keys.is_empty() {
            continue;
        }
        let mut app = loaded(5, false);
        match b.ctx {
            Ctx::Providers => app.focus = Pane::Providers,
            Ctx::Options => app.focus = Pane::Options,
            Ctx::Result | Ctx::Busy => {
                app.update(key(KeyCode::Enter));
                let (id, _) = mint_request(&app.update(ch('m')));
                app.update(Msg::Minted {
                    id,
                    at: t0(),
                    result: Ok(token()),
                });
                if b.ctx == Ctx::Busy {
                    app.update(ch('r'));
                }
            }
            Ctx::Prompt => {
                app.update(ch('n'));
            }
            Ctx::Confirm => {
                app.env.production = true;
                app.update(key(KeyCode::Enter));
                app.update(ch('m'));
            }
            Ctx::Help => {
                app.update(ch('?'));
            }
            Ctx::Alert => {
                app.alert = Some("refused".into());
            }
            _ => {}
        }
        assert!(
            app.contexts().contains(&b.ctx),
            "{:?} not active for {:?}",
            b.ctx,
            b.action
        );
        let k = b.keys[0];
        let got = keymap::lookup(&app.contexts(), &KeyEvent::new(k.code, k.mods));
        assert_eq!(got, Some(b.action), "{:?} in {:?}", k, b.ctx);
    }
}
