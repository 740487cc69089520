//! `H`: the history overlay reads the log, lists links newest first with whether the patient
//! connected, filters with `/`, and Enter mints again with that row's settings.

use super::*;
use crate::app::overlay::OverlayKind;
use crate::audit::{Event, Kind, LinkRecord, Outcome, Source};

fn record(n: usize, connected: &[&str], allowlist: &[&str], preset: Option<&str>) -> LinkRecord {
    let u = user(n);
    LinkRecord {
        minted: Event {
            time: t0() - chrono::Duration::minutes(n as i64 * 10),
            environment: "sandbox".into(),
            region: "us".into(),
            host: "https://api.sandbox.us.junction.com".into(),
            user_id: Some(u.user_id),
            client_user_id: u.client_user_id,
            provider: None,
            allowlist: Some(allowlist.iter().map(ToString::to_string).collect()),
            redirect_url: Some("https://example.com/done".into()),
            on_error: true,
            on_close: false,
            preset: preset.map(str::to_string),
            token_fingerprint: Some(format!("sha256:{n:012}")),
            outcome: Outcome::Minted,
            error: None,
            source: Source::Console,
            operator: "jdoe".into(),
            queue: None,
            kind: Kind::Link,
            language: None,
            expires_at: None,
        },
        connected: connected.iter().map(ToString::to_string).collect(),
        last_outcome: if connected.is_empty() {
            Outcome::Expired
        } else {
            Outcome::Connected
        },
    }
}

pub(crate) fn records() -> Vec<LinkRecord> {
    let mut first = record(1, &["oura"], &["oura", "fitbit"], Some("wearables"));
    first.minted.language = Some("es".into());
    vec![
        first,
        record(2, &[], &["dexcom_v3"], None),
        record(3, &[], &["garmin"], Some("wearables (modified)")),
    ]
}

/// `n` links, each named `row-NN` (from the three of [`records`] over again).
pub(crate) fn rows(n: usize) -> Vec<crate::audit::LinkRecord> {
    (0..n)
        .map(|i| {
            let mut r = records()[i % 3].clone();
            r.minted.client_user_id = format!("row-{i:02}");
            r
        })
        .collect()
}

/// `records()` as minted where `app` mints (its host and environment).
pub(crate) fn records_here(app: &App) -> Vec<LinkRecord> {
    let here = app.audit_scope();
    records()
        .into_iter()
        .map(|mut r| {
            r.minted.environment.clone_from(&here.environment);
            r.minted.region.clone_from(&here.region);
            r.minted.host.clone_from(&here.host);
            r
        })
        .collect()
}

/// An app with the history open and read.
pub(crate) fn with_history(app: App) -> App {
    let records = records_here(&app);
    with_records(app, records)
}

/// An app with the history open and `records` read.
pub(crate) fn with_records(mut app: App, records: Vec<LinkRecord>) -> App {
    let fx = app.update(ch('H'));
    let [Effect::LoadHistory { id }] = fx[..] else {
        panic!("{fx:?}");
    };
    app.update(Msg::HistoryLoaded {
        id,
        result: Ok(records),
    });
    app
}

/// `records()` and three more: one minted on an emulator on port 8080, one in an earlier demo
/// run (on its own port), one by `presets check --live` here.
pub(crate) fn records_of_many_hosts() -> Vec<LinkRecord> {
    let mut all = records();
    let mut emulator = record(4, &[], &["oura"], None);
    emulator.minted.host = "http://127.0.0.1:8080".into();
    let mut demo = record(5, &[], &["oura"], None);
    demo.minted.environment = "demo".into();
    demo.minted.host = "http://127.0.0.1:41234".into();
    let mut check = record(6, &[], &["oura"], Some("wearables"));
    check.minted.source = Source::Check;
    all.extend([emulator, demo, check]);
    all
}

fn visible_patients(app: &App) -> Vec<String> {
    app.overlays
        .history
        .as_ref()
        .unwrap()
        .visible()
        .iter()
        .map(|r| r.minted.client_user_id.clone())
        .collect()
}

#[test]
fn h_shows_this_hosts_links_and_a_shows_every_hosts() {
    let mut app = with_records(loaded(6, false), records_of_many_hosts());
    let here = ["patient-00001", "patient-00002", "patient-00003"];
    assert_eq!(visible_patients(&app), here);
    assert_eq!(app.overlays.history.as_ref().unwrap().hidden(), 3);
    send(&mut app, [ch('j')]);
    send(&mut app, [ch('a')]);
    assert_eq!(visible_patients(&app).len(), 6);
    let h = app.overlays.history.as_ref().unwrap();
    assert_eq!(
        h.highlighted().unwrap().minted.client_user_id,
        "patient-00002",
        "the highlight stays on its link"
    );
    send(&mut app, [ch('a')]);
    assert_eq!(visible_patients(&app), here);
}

#[test]
fn every_demo_run_is_the_one_host_demo() {
    let mut app = loaded(6, false);
    app.env.badge = Badge::Demo;
    app.env.host = "http://127.0.0.1:39999".into();
    let mut now = record(7, &[], &["oura"], None);
    now.minted.environment = "demo".into();
    now.minted.host = "demo".into();
    let mut records = records_of_many_hosts();
    records.push(now);
    let app = with_records(app, records);
    assert_eq!(visible_patients(&app), ["patient-00005", "patient-00007"]);
    assert_eq!(app.audit_scope().host, "demo");
}

#[test]
fn enter_on_another_hosts_row_says_why_it_cannot_mint_there() {
    let mut app = with_records(loaded(6, false), records_of_many_hosts());
    send(&mut app, [ch('a'), ch('j'), ch('j'), ch('j')]);
    let h = app.overlays.history.as_ref().unwrap();
    assert_eq!(
        h.highlighted().unwrap().minted.client_user_id,
        "patient-00004"
    );
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(fx.is_empty(), "{fx:?}");
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Error);
    assert_eq!(
        toast.text,
        "Not minted: that link is from 127.0.0.1:8080 (sandbox), not this host"
    );
    assert_eq!(app.overlays.top(), Some(OverlayKind::History));
    // This host's row, shown among all, mints as before.
    send(&mut app, [ch('k'), ch('k'), ch('k')]);
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(mint_request(&fx).1.user_id, user(1).user_id);
}

#[test]
fn h_opens_the_history_and_reads_the_log() {
    let mut app = loaded(5, false);
    let fx = app.update(ch('H'));
    let [Effect::LoadHistory { id }] = fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(app.overlays.top(), Some(OverlayKind::History));
    assert_eq!(app.overlays.history.as_ref().unwrap().records, None);
    app.update(Msg::HistoryLoaded {
        id,
        result: Ok(records()),
    });
    let h = app.overlays.history.as_ref().unwrap();
    assert_eq!(h.visible().len(), 3);
    assert!(h.visible()[0].is_connected() && !h.visible()[1].is_connected());
    app.update(key(KeyCode::Esc));
    assert_eq!(app.overlays.top(), None);
}

#[test]
fn slash_filters_the_history_as_typed_and_esc_in_the_prompt_clears_it() {
    let mut app = with_history(loaded(5, false));
    send(&mut app, [ch('/')]);
    send(&mut app, typed("wearables"));
    assert_eq!(app.overlays.history.as_ref().unwrap().visible().len(), 2);
    send(&mut app, [key(KeyCode::Enter)]);
    // The filter is kept, the prompt closed, the history still open.
    assert_eq!(app.overlays.top(), Some(OverlayKind::History));
    assert_eq!(app.overlays.history.as_ref().unwrap().filter, "wearables");
    send(&mut app, [ch('/'), ch('d'), ch('e'), ch('x')]);
    assert_eq!(app.overlays.history.as_ref().unwrap().visible().len(), 1);
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.overlays.history.as_ref().unwrap().visible().len(), 3);
}

#[test]
fn enter_mints_again_with_the_rows_settings_for_the_same_patient() {
    let mut app = with_history(loaded(5, false));
    send(&mut app, [ch('j')]);
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    let (_, request) = mint_request(&fx);
    assert_eq!(request.user_id, user(2).user_id);
    assert_eq!(
        request.filter_on_providers,
        Some(vec!["dexcom_v3".to_string()])
    );
    assert_eq!(
        request.redirect_url.as_deref(),
        Some("https://example.com/done")
    );
    assert!(request.on_error.is_some() && request.on_close.is_none());
    assert_eq!(app.overlays.top(), None);
}

#[test]
fn in_production_the_re_mint_asks_first() {
    let mut app = with_history(loaded(5, true));
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(fx.is_empty());
    assert!(matches!(
        app.overlays.confirm,
        Some(Confirm::ProductionMint { .. })
    ));
    let fx = send(&mut app, [ch('y')]);
    assert_eq!(mint_request(&fx).1.user_id, user(1).user_id);
}

#[test]
fn an_unreadable_log_says_why() {
    let mut app = loaded(5, false);
    app.update(ch('H'));
    app.update(Msg::HistoryLoaded {
        id: live(&app, Task::LoadHistory),
        result: Err("database is locked".into()),
    });
    let h = app.overlays.history.as_ref().unwrap();
    assert!(h.visible().is_empty());
    assert_eq!(h.records, Some(Err("database is locked".into())));
    // Enter on nothing does nothing.
    assert!(send(&mut app, [key(KeyCode::Enter)]).is_empty());
}

#[test]
fn the_consoles_rows_name_the_console_the_operator_and_this_host() {
    let mut app = loaded(5, false);
    app.config.operator = "front-desk".into();
    let fx = send(&mut app, [key(KeyCode::Enter), ch('m')]);
    let (id, _) = mint_request(&fx);
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    let minted = fx
        .iter()
        .find_map(|e| match e {
            Effect::Audit(ev) if ev.outcome == Outcome::Minted => Some(ev.clone()),
            _ => None,
        })
        .expect("a minted row");
    assert_eq!(
        (
            minted.source,
            minted.operator.as_str(),
            minted.host.as_str(),
            minted.environment.as_str()
        ),
        (
            Source::Console,
            "front-desk",
            "https://api.sandbox.us.junction.com",
            "sandbox"
        )
    );
    // In demo mode the host is `demo`, whatever the emulator's port.
    let mut app = loaded(5, false);
    app.env.badge = Badge::Demo;
    app.env.host = "http://127.0.0.1:39999".into();
    let fx = send(&mut app, [key(KeyCode::Enter), ch('m')]);
    let (id, _) = mint_request(&fx);
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    let host = fx.iter().find_map(|e| match e {
        Effect::Audit(ev) => Some((ev.host.clone(), ev.environment.clone())),
        _ => None,
    });
    assert_eq!(host, Some(("demo".to_string(), "demo".to_string())));
}
