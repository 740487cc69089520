//! Each patient's onboarding status in the real console loop (on `TestBackend`) against the
//! emulator: the audit log read off the loop at start shows in the Patient pane, `F` filters by
//! status, and `R` reads the log again (a link another desk minted meanwhile) with the list (a
//! connection made outside the console).

mod common;

use chrono::{Duration, Utc};
use common::harness::Console;
use common::*;
use crossterm::event::KeyCode;
use vital_onboard::api::LinkTokenRequest;
use vital_onboard::audit::{Outcome, Scope, Source, Store};

fn uid(n: usize) -> uuid::Uuid {
    vital_onboard::emulator::stable_uuid(&vital_onboard::emulator::generated_client_id(n))
}

/// A link minted for generated patient `n` in the demo, `ago` before now.
fn minted(store: &Store, n: usize, ago: Duration) {
    let request = LinkTokenRequest {
        user_id: uid(n),
        provider: None,
        redirect_url: None,
        filter_on_providers: Some(vec!["oura".into()]),
        on_error: None,
        on_close: None,
    };
    let mut e = Scope::demo(Source::CommandLine, "jdoe").event(
        Outcome::Minted,
        &request,
        &vital_onboard::emulator::generated_client_id(n),
        Utc::now() - ago,
    );
    e.token_fingerprint = Some(format!("sha256:{n:012}"));
    store.record(&e).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pane_shows_each_status_f_filters_and_r_reads_the_log_again() {
    let emu = emulator(8).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let store = Store::open(&db).unwrap();
    minted(&store, 1, Duration::minutes(5));
    minted(&store, 2, Duration::minutes(90));
    let mut c = Console::new(&emu, Some(&db));
    let s = c.wait_for("unused (expired").await;
    let row = |s: &str, id: &str| {
        s.lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id}:\n{s}"))
            .to_string()
    };
    assert!(
        row(&s, "patient-00001").contains("link out · 54 min left"),
        "{s}"
    );
    assert!(row(&s, "patient-00003").contains("never linked"), "{s}");
    assert!(
        s.contains("Connected 5 · link out 1 · unused 1 · never 7"),
        "{s}"
    );

    // F: only those to follow up.
    c.key(KeyCode::Char('F'));
    let s = c.wait_for("To follow up").await;
    assert!(!s.contains("patient-00001 "), "a link is out:\n{s}");
    assert!(s.contains("patient-00002"), "{s}");
    c.key(KeyCode::Char('F'));
    c.key(KeyCode::Char('F'));
    c.wait_for(" Patient ").await;

    // Meanwhile another desk's link for patient 3, and patient 4 connects outside the console.
    minted(&store, 3, Duration::minutes(1));
    emu.with_team(|t| t.connect(uid(4), "fitbit"));
    c.key(KeyCode::Char('R'));
    let s = c.wait_for("link out · 58 min left").await;
    assert!(row(&s, "patient-00003").contains("link out"), "{s}");
    let s = c.wait_for("✓ fitbit").await;
    assert!(row(&s, "patient-00004").contains("✓ fitbit"), "{s}");
}
