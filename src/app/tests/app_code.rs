//! Pure tests of app codes: `A`, the production question, read-only, the answer becoming the
//! view, the plan refusal, `c`/`s`/`r`/`K`/Esc, the watcher until expiry, the audit rows, and
//! the Providers rows of phone-only providers.

use super::*;
use crate::api::app_code::PLAN_HINT;
use crate::api::{AppCode, ConnectedProvider};
use crate::app::app_code::{ShownAppCode, grouped};
use crate::app::requests::Pending;
use crate::audit::{Kind, Outcome};
use crate::setup::config::MobileApp;

pub(crate) const CODE: &str = "skus1a2b3c4d";

pub(crate) fn app_code() -> AppCode {
    AppCode {
        code: CODE.into(),
        exchange_url: format!("tryvital://tryvital?code={CODE}"),
        expires_at: t0() + chrono::Duration::hours(1),
    }
}

fn create_request(effects: &[Effect]) -> (RequestId, Uuid) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::CreateAppCode { id, user_id } => Some((*id, *user_id)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("an app-code request: {effects:?}"))
}

fn audits(effects: &[Effect]) -> Vec<&crate::audit::Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit(e) => Some(e.as_ref()),
            _ => None,
        })
        .collect()
}

fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Selects the highlighted patient, presses `A`, and answers with [`app_code`] made at [`t0`].
pub(crate) fn show_app_code(app: &mut App) -> Vec<Effect> {
    send(app, [key(KeyCode::Enter)]);
    let (id, _) = create_request(&send(app, [ch('A')]));
    let fx = app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(app_code()),
    });
    assert!(matches!(app.screen, Screen::AppCode(_)), "{fx:?}");
    fx
}

fn connection(slug: &str, name: &str, at: &str) -> ConnectedProvider {
    serde_json::from_value(serde_json::json!({
        "name": name, "slug": slug, "status": "connected", "created_on": at,
    }))
    .unwrap()
}

fn watch_id(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::WatchConnections { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a watcher check: {effects:?}"))
}

#[test]
fn a_needs_a_patient_then_makes_a_code_and_shows_it() {
    let mut app = loaded(3, false);
    assert!(send(&mut app, [ch('A')]).is_empty());
    assert!(toast(&app).contains("Select a patient"), "{}", toast(&app));
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('A')]);
    let (id, user_id) = create_request(&fx);
    assert_eq!(Some(user_id), app.patients.selected);
    assert!(app.contexts().contains(&keymap::Ctx::Busy));
    send(&mut app, [ch('A')]);
    assert!(
        toast(&app).contains("already running"),
        "one change at a time"
    );
    // A code the API says lives 20 minutes.
    let code = AppCode {
        expires_at: t0() + chrono::Duration::minutes(20),
        ..app_code()
    };
    let fx = app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(code.clone()),
    });
    let Screen::AppCode(shown) = &app.screen else {
        panic!("the app-code view")
    };
    assert_eq!(shown.client_user_id, "patient-00001");
    assert_eq!(grouped(&shown.code.code), "skus 1a2b 3c4d");
    assert!(toast(&app).contains("App code made"));
    // Minted: one audit row of kind "app code" with the fingerprint, and the first check.
    let rows = audits(&fx);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].outcome, Outcome::Minted);
    assert_eq!(rows[0].kind, Kind::AppCode);
    assert_eq!(rows[0].language.as_deref(), Some("en"));
    assert_eq!(
        rows[0].token_fingerprint.as_deref(),
        Some(crate::api::fingerprint(CODE).as_str())
    );
    // Its expiry is on the row, and the patient's status counts down from it.
    assert_eq!(rows[0].expires_at, Some(code.expires_at));
    let at = t0() + chrono::Duration::minutes(10);
    let status = app
        .patients
        .status
        .ledger
        .status(user_id, "patient-00001", &[], at);
    let tz = chrono::FixedOffset::east_opt(0).unwrap();
    assert_eq!(status.text(at, tz), "link out · 10 min left");
    watch_id(&fx);
    // The code is never in what the effects print (logs, debug output).
    assert!(!format!("{fx:?}").contains(CODE), "{fx:?}");
    assert!(!format!("{:?}", app.screen).contains(CODE));
    assert_eq!(
        app.contexts(),
        vec![
            keymap::Ctx::Always,
            keymap::Ctx::AppCodeView,
            keymap::Ctx::Global
        ]
    );
}

#[test]
fn production_asks_first_and_read_only_refuses() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(send(&mut app, [ch('A')]).is_empty());
    let q = app.overlays.confirm.as_ref().unwrap().question();
    assert!(q.contains("PRODUCTION app code for patient-00001"), "{q}");
    create_request(&send(&mut app, [ch('y')]));

    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter), ch('A')]);
    assert!(send(&mut app, [ch('n')]).is_empty());
    assert!(toast(&app).contains("Nothing was sent"));

    let mut app = loaded(2, false);
    app.env.read_only = true;
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(send(&mut app, [ch('A')]).is_empty());
    assert!(
        toast(&app).to_lowercase().contains("read-only"),
        "{}",
        toast(&app)
    );
    assert!(app.requests.change().is_none());
}

#[test]
fn a_refusal_is_said_in_words_and_a_plan_refusal_gets_the_hint() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = create_request(&send(&mut app, [ch('A')]));
    let fx = app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Err(ApiError::Refused {
            status: 403,
            detail: "Your team's plan does not include Vital Connect".into(),
        }),
    });
    let text = toast(&app);
    assert!(text.contains("The app code was not made"), "{text}");
    assert!(text.contains("does not include Vital Connect"), "{text}");
    assert!(text.contains(PLAN_HINT), "{text}");
    assert!(app.screen.is_panes());
    let rows = audits(&fx);
    assert_eq!(rows[0].outcome, Outcome::MintFailed);
    assert_eq!(rows[0].kind, Kind::AppCode);

    // Another refusal: no plan hint.
    let (id, _) = create_request(&send(&mut app, [ch('A')]));
    app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Err(ApiError::Validation {
            fields: vec![FieldError {
                field: "user_id".into(),
                message: "not a valid uuid".into(),
            }],
        }),
    });
    assert!(toast(&app).contains("not a valid uuid"), "{}", toast(&app));
    assert!(!toast(&app).contains(PLAN_HINT));
}

#[test]
fn c_copies_the_code_which_leaves_the_clipboard_when_it_expires() {
    let mut app = loaded(2, false);
    show_app_code(&mut app);
    let fx = send(&mut app, [ch('c')]);
    let [Effect::Copy { url, expires_at }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(url.as_str(), CODE);
    assert_eq!(*expires_at, app_code().expires_at);
    let fx = app.update(Msg::Copied {
        url: url.clone(),
        expires_at: *expires_at,
        outcome: CopyOutcome::System,
    });
    let rows = audits(&fx);
    assert_eq!(rows.len(), 1, "{fx:?}");
    assert_eq!(
        (rows[0].outcome, rows[0].kind),
        (Outcome::Copied, Kind::AppCode)
    );
    let fx = app.update(Msg::Tick(app_code().expires_at));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::ClearClipboard { url } if url.as_str() == CODE)),
        "{fx:?}"
    );
    assert!(
        audits(&fx)
            .iter()
            .any(|e| e.outcome == Outcome::Expired && e.kind == Kind::AppCode),
        "the expiry is logged once"
    );
    assert!(send(&mut app, [ch('c')]).is_empty());
    assert!(toast(&app).contains("expired"), "{}", toast(&app));
    let fx = app.update(Msg::Tick(
        app_code().expires_at + chrono::Duration::seconds(5),
    ));
    assert!(audits(&fx).is_empty(), "{fx:?}");
}

#[test]
fn s_saves_the_app_store_code_r_makes_a_new_code_k_turns_it_esc_goes_back() {
    let mut app = loaded(2, false);
    show_app_code(&mut app);
    let fx = send(&mut app, [ch('s')]);
    let [Effect::SavePng { url, path, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(url.as_str(), crate::api::JUNCTION_CONNECT_APP_STORE);
    assert_eq!(path.to_str(), Some("junction-connect-app-store.png"));
    send(&mut app, [ch('i')]);
    assert!(app.qr.invert);

    let fx = send(&mut app, [ch('K')]);
    assert!(matches!(app.screen, Screen::AppCodePatient { .. }));
    assert_eq!(audits(&fx)[0].outcome, Outcome::ShownToPatient);
    assert_eq!(
        app.contexts(),
        vec![keymap::Ctx::Always, keymap::Ctx::PatientView]
    );
    send(&mut app, [ch('q')]);
    assert!(
        !app.quit,
        "the patient's key only returns to the staff view"
    );
    assert!(matches!(app.screen, Screen::AppCode(_)));

    let user_id = app.screen.app_code().unwrap().user_id;
    let (id, again) = create_request(&send(&mut app, [ch('r')]));
    assert_eq!(again, user_id, "r: a new code for the same patient");
    let mut fresh = app_code();
    fresh.code = "skus99998888".into();
    fresh.exchange_url = "tryvital://tryvital?code=skus99998888".into();
    app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(fresh),
    });
    assert_eq!(app.screen.app_code().unwrap().code.code, "skus99998888");

    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Cancel { .. })),
        "the watcher's check stops with the view: {fx:?}"
    );
    assert!(!app.requests.running(Task::Watch));
    assert!(app.patients.selected.is_some(), "selections kept");
}

#[test]
fn the_watcher_says_each_connection_and_runs_until_the_code_expires() {
    let mut app = loaded(2, false);
    let fx = show_app_code(&mut app);
    let id = watch_id(&fx);
    let old = connection("fitbit", "Fitbit", "2026-11-20T09:00:00Z");
    app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(1),
        result: Ok(vec![old.clone()]),
    });
    assert!(app.screen.app_code().unwrap().watch.arrived.is_empty());
    // Not before the poll interval; then the next check.
    assert!(
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(2)))
            .is_empty()
    );
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::seconds(5)));
    let id = watch_id(&fx);
    let apple = connection("apple_health_kit", "Apple Health", "2026-11-24T10:00:04Z");
    let fx = app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(5),
        result: Ok(vec![old.clone(), apple.clone()]),
    });
    assert_eq!(toast(&app), "Connected: Apple Health ✓");
    let rows = audits(&fx);
    assert_eq!(rows[0].outcome, Outcome::Connected);
    assert_eq!(rows[0].provider.as_deref(), Some("apple_health_kit"));
    assert_eq!(rows[0].kind, Kind::AppCode);
    // The watch goes on: the patient adds Oura in the app.
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::seconds(9)));
    let id = watch_id(&fx);
    let oura = connection("oura", "Oura", "2026-11-24T10:00:08Z");
    app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(9),
        result: Ok(vec![old, apple, oura]),
    });
    assert_eq!(toast(&app), "Connected: Oura ✓");
    let names: Vec<&str> = app
        .screen
        .app_code()
        .unwrap()
        .watch
        .arrived
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Apple Health", "Oura"]);
    // Expired: no more checks.
    let fx = app.update(Msg::Tick(app_code().expires_at));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::WatchConnections { .. })),
        "{fx:?}"
    );
}

#[test]
fn a_watch_answer_for_a_closed_view_is_dropped() {
    let mut app = loaded(2, false);
    let fx = show_app_code(&mut app);
    let id = watch_id(&fx);
    send(&mut app, [key(KeyCode::Esc)]);
    let fx = app.update(Msg::Watched {
        id,
        at: t0(),
        result: Ok(vec![connection(
            "apple_health_kit",
            "Apple Health",
            "2026-11-24T10:00:04Z",
        )]),
    });
    assert!(fx.is_empty());
    assert!(!toast(&app).contains("Connected"));
}

/// Highlights the provider `slug` in the Providers pane.
fn highlight_provider(app: &mut App, slug: &str) {
    send(app, [key(KeyCode::Tab)]);
    let pos = app
        .providers
        .list
        .visible_items()
        .position(|(_, p)| p.slug == slug)
        .unwrap_or_else(|| panic!("{slug} is listed"));
    for _ in 0..pos {
        send(app, [key(KeyCode::Down)]);
    }
    assert_eq!(app.providers.highlighted().unwrap().slug, slug);
}

#[test]
fn apple_health_stays_unticked_and_enter_on_it_makes_a_code() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    highlight_provider(&mut app, "apple_health_kit");
    send(&mut app, [ch(' ')]);
    assert!(app.providers.ticked.is_empty(), "never ticked");
    assert!(
        toast(&app).contains("Junction Connect app"),
        "{}",
        toast(&app)
    );
    assert!(toast(&app).contains("press A"));
    create_request(&send(&mut app, [key(KeyCode::Enter)]));
}

#[test]
fn health_connect_needs_the_clinics_app_and_shows_its_store_code_when_named() {
    let mut app = loaded(2, false);
    highlight_provider(&mut app, "health_connect");
    assert!(send(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(toast(&app).contains("clinic's own app"), "{}", toast(&app));
    assert!(toast(&app).contains("[mobile_app]"));
    assert!(app.screen.is_panes());

    app.config.mobile_app = Some(MobileApp {
        name: "Northside Health".into(),
        app_store_url: Some("https://apps.apple.com/us/app/northside/1".into()),
        play_store_url: Some("https://play.google.com/store/apps/details?id=org.north".into()),
    });
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(fx.is_empty(), "no code is minted: {fx:?}");
    let Screen::ClinicApp(c) = &app.screen else {
        panic!("the clinic app's view")
    };
    assert_eq!(
        c.store_url,
        "https://play.google.com/store/apps/details?id=org.north"
    );
    assert!(toast(&app).contains("signs in there"), "{}", toast(&app));
    assert!(send(&mut app, [ch('c')]).is_empty(), "no code to copy");
    assert!(app.contexts().contains(&keymap::Ctx::ClinicAppView));
    let fx = send(&mut app, [ch('s')]);
    assert!(matches!(fx.as_slice(), [Effect::SavePng { .. }]), "{fx:?}");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
}

#[test]
fn a_new_code_while_the_patient_looks_stays_in_their_view_and_language() {
    let mut app = loaded(2, false);
    show_app_code(&mut app);
    if let Some(s) = app.screen.app_code_mut() {
        s.language = crate::i18n::Language::Es;
    }
    let user_id = app.screen.app_code().unwrap().user_id;
    send(&mut app, [ch('K')]);
    let id = app.send_app_code(user_id, "patient-00001".into())[0].clone();
    let Effect::CreateAppCode { id, .. } = id else {
        panic!()
    };
    app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(app_code()),
    });
    assert!(matches!(app.screen, Screen::AppCodePatient { .. }));
    assert_eq!(
        app.screen.app_code().unwrap().language,
        crate::i18n::Language::Es
    );
}

#[test]
fn a_shown_code_knows_its_patient_and_expiry() {
    let shown = ShownAppCode::new(app_code(), Uuid::nil(), String::new(), t0());
    assert_eq!(shown.patient(), Uuid::nil().to_string());
    assert!(!shown.is_expired(t0()));
    assert!(shown.is_expired(app_code().expires_at));
    assert_eq!(
        Pending::AppWatch.task(),
        Task::Watch,
        "Esc cancels it with a link's"
    );
}

#[test]
fn enter_on_an_app_codes_history_row_makes_a_new_app_code() {
    let app = loaded(5, false);
    let here = app.audit_scope();
    let mut records = super::history::records();
    for r in &mut records {
        r.minted.environment.clone_from(&here.environment);
        r.minted.host.clone_from(&here.host);
    }
    records[0].minted.kind = Kind::AppCode;
    records[0].minted.allowlist = None;
    let want = records[0].minted.user_id.unwrap();
    let mut app = super::history::with_records(app, records);
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    let (_, user_id) = create_request(&fx);
    assert_eq!(user_id, want);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Mint { .. })),
        "no web link: {fx:?}"
    );
}

#[test]
fn l_in_the_app_code_view_cycles_the_patients_language_and_a_new_code_keeps_it() {
    let mut app = loaded(2, false);
    app.config.patient_language = crate::i18n::Language::Fr;
    show_app_code(&mut app);
    assert_eq!(
        app.screen.app_code().unwrap().language,
        crate::i18n::Language::Fr,
        "a first code starts in patient_language"
    );
    send(&mut app, [ch('L')]);
    assert_eq!(
        app.screen.app_code().unwrap().language,
        crate::i18n::Language::De
    );
    assert!(toast(&app).contains("Deutsch"), "{}", toast(&app));
    // r: a new code for the same patient keeps the language chosen.
    let (id, _) = create_request(&send(&mut app, [ch('r')]));
    app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(app_code()),
    });
    assert_eq!(
        app.screen.app_code().unwrap().language,
        crate::i18n::Language::De
    );
}
