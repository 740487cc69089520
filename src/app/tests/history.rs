//! `H`: the history overlay reads the log, lists links newest first with whether the patient
//! connected, filters with `/`, and Enter mints again with that row's settings.

use super::*;
use crate::app::overlay::OverlayKind;
use crate::audit::{Event, LinkRecord, Outcome};

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
    vec![
        record(1, &["oura"], &["oura", "fitbit"], Some("wearables")),
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

/// An app with the history open and read.
pub(crate) fn with_history(mut app: App) -> App {
    let fx = app.update(ch('H'));
    let [Effect::LoadHistory { id }] = fx[..] else {
        panic!("{fx:?}");
    };
    app.update(Msg::HistoryLoaded {
        id,
        result: Ok(records()),
    });
    app
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
