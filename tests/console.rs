//! Whole-app tests: the real loop (`Driver`) on ratatui's `TestBackend` with the emulator
//! in-process. Keys go in through the message channel; the tests wait for text on screen and
//! check what the emulator received and what the clipboard got.

mod common;

use std::time::{Duration, Instant};

use common::harness::{Console, Setup};
use common::*;
use crossterm::event::{Event, KeyCode};
use vital_onboard::emulator::{Fault, RunningEmulator};

/// The console, its clipboard recorded as a native one.
fn console(emu: &RunningEmulator, production: bool) -> Console {
    Console::with(
        emu,
        Setup {
            production,
            native_clipboard: true,
            ..Setup::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn full_flow_mints_exactly_what_the_screen_showed_and_copies() {
    let emu = emulator(30).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00030").await;
    h.key(KeyCode::Char('/'));
    h.keys("00012");
    h.key(KeyCode::Enter);
    h.wait_for("Selected patient-00012").await;
    h.wait_for("[ ] Fitbit").await;
    h.key(KeyCode::Tab);
    for slug in ["oura", "fitbit"] {
        h.key(KeyCode::Char('/'));
        h.keys(slug);
        h.key(KeyCode::Enter);
        h.key(KeyCode::Char(' '));
    }
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    h.keys("https://clinic.example/done");
    h.key(KeyCode::Enter);
    h.keys("j j ");
    let panes = h.wait_for("[x] On close: redirect").await;
    assert!(panes.contains("\"filter_on_providers\": ["), "{panes}");
    h.key(KeyCode::Char('m'));
    let screen = h.wait_for("Link for the patient").await;
    let recorded = emu.link_requests();
    assert_eq!(recorded.len(), 1);
    let user_id = vital_onboard::emulator::stable_uuid("patient-00012");
    assert_eq!(
        recorded[0].body,
        serde_json::json!({
            "user_id": user_id,
            "filter_on_providers": ["fitbit", "oura"],
            "redirect_url": "https://clinic.example/done",
            "on_error": "redirect",
            "on_close": "redirect",
        })
    );
    assert!(screen.contains("fitbit, oura") && screen.contains("Expires "));
    let url = h.shown_url();
    h.key(KeyCode::Char('c'));
    h.wait_for("Copied to the system clipboard").await;
    assert_eq!(
        *h.clipboard.copies.lock().unwrap(),
        std::slice::from_ref(&url)
    );
    let osc = h.osc.lock().unwrap().clone();
    assert_eq!(osc.len(), 1, "OSC 52 written once");
    assert_eq!(
        osc[0],
        vital_onboard::clipboard::osc52(&url, vital_onboard::clipboard::in_tmux())
    );
    // Esc goes back with the selections kept; r re-mints with the same body.
    h.key(KeyCode::Esc);
    h.wait_for("Body m will send").await;
    assert_eq!(h.driver.app.providers.ticked.len(), 2);
    h.key(KeyCode::Char('m'));
    h.wait_for("Link for the patient").await;
    let second = h.shown_url();
    h.key(KeyCode::Char('r'));
    h.wait_until("r re-mints", |h| {
        h.driver
            .app
            .screen
            .shown()
            .is_some_and(|s| s.link.token.link_web_url != second)
    })
    .await;
    let recorded = emu.link_requests();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[2].body, recorded[0].body);
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_error_appears_next_to_the_field() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Enter);
    // A host that refuses the redirect URL (the console's own checks passed) answers 422.
    emu.inject_fault(Fault {
        body: Some(serde_json::json!({"detail": [{
            "type": "value_error",
            "loc": ["body", "redirect_url"],
            "msg": "URL host not allowed for this team",
            "input": "https://clinic.example/done",
        }]})),
        ..Fault::new("/v2/link/token", 422, 1)
    });
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    h.keys("https://clinic.example/done");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('m'));
    let s = h.wait_for("The link was not minted").await;
    assert!(
        s.contains("✗ URL host not allowed for this team"),
        "next to the field:\n{s}"
    );
    assert!(h.driver.app.patients.selected.is_some(), "selection kept");
    assert_eq!(
        h.driver.app.options.redirect_url.as_deref(),
        Some("https://clinic.example/done"),
        "the typed URL is kept to fix"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_failure_after_retries_says_what_to_do() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Enter);
    emu.inject_fault(Fault::new("/v2/link/token", 503, 3));
    h.key(KeyCode::Char('m'));
    let s = h.wait_for("after 3 attempts").await;
    assert!(s.contains("Try again in a minute"), "{s}");
}

#[tokio::test(flavor = "multi_thread")]
async fn esc_cancels_a_slow_mint_and_the_late_answer_is_dropped() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Enter);
    emu.inject_fault(Fault {
        delay_ms: 1500,
        ..Fault::new("/v2/link/token", 200, 1)
    });
    h.key(KeyCode::Char('m'));
    h.wait_for("Minting a link").await;
    h.key(KeyCode::Esc);
    h.wait_for("Cancelled: no link is shown").await;
    let until = Instant::now() + Duration::from_millis(1800);
    while Instant::now() < until {
        h.step(Duration::from_millis(100)).await;
    }
    assert!(h.driver.app.screen.shown().is_none());
    assert!(!h.screen().contains("Link for the patient"));
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_key_is_a_full_width_message() {
    let emu = emulator(3).await;
    let mut h = Console::with(
        &emu,
        Setup {
            client: Some(client_with_key(&emu, Some("sk_us_wrong"))),
            native_clipboard: true,
            ..Setup::default()
        },
    );
    let s = h.wait_for("The API refused this console").await;
    assert!(s.contains("refused by the test emulator"), "{s}");
    assert!(!s.contains("sk_us_wrong"), "the key is never shown");
    // Both loads have answered (the list of providers fell back to the catalog) before Esc.
    h.wait_for("Built-in catalog").await;
    h.key(KeyCode::Esc);
    h.settle().await;
    let s = h.screen();
    assert!(
        !s.contains("The API refused this console"),
        "Esc hides it: {s}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_patient_and_duplicate_offer() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Char('n'));
    h.keys("walk-in-9");
    h.key(KeyCode::Enter);
    h.wait_for("Created patient walk-in-9").await;
    assert!(emu.with_team(|t| t.by_client_id("walk-in-9").is_some()));
    h.key(KeyCode::Char('n'));
    h.keys("patient-00002");
    h.key(KeyCode::Enter);
    h.wait_for("already belongs to user").await;
    h.key(KeyCode::Char('y'));
    h.settle().await;
    assert_eq!(
        h.driver
            .app
            .patients
            .selected_user()
            .unwrap()
            .client_user_id,
        "patient-00002"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn production_asks_before_minting() {
    let emu = emulator(3).await;
    let mut h = console(&emu, true);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('m'));
    h.wait_for("Mint a PRODUCTION link for mrn-100231? y/N")
        .await;
    h.key(KeyCode::Char('n'));
    h.wait_for("Nothing was sent").await;
    assert!(emu.link_requests().is_empty());
    h.key(KeyCode::Char('m'));
    h.key(KeyCode::Char('y'));
    h.wait_for("Link for the patient").await;
    assert_eq!(emu.link_requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn loads_a_large_team_page_by_page_while_usable() {
    let emu = emulator(5000).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00001").await;
    h.key(KeyCode::Down);
    h.wait_for("of 5,006 ━").await;
    assert_eq!(h.driver.app.patients.list.items().len(), 5006);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_pages_wait_out_a_429_together_and_all_load() {
    let emu = emulator(20_000).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00001").await;
    // The next pages (several in flight) meet 429s with Retry-After: 1.
    emu.inject_fault(Fault {
        retry_after: Some(1),
        ..Fault::new("/v2/user", 429, 4)
    });
    let t = Instant::now();
    h.wait_for("of 20,006 ━").await;
    assert!(t.elapsed() >= Duration::from_secs(1), "the pages waited");
    assert_eq!(h.driver.app.patients.list.items().len(), 20_006);
    assert!(h.driver.app.patients.load.error().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn enter_on_a_patient_not_loaded_yet_finds_it_on_the_server() {
    let emu = emulator(3).await;
    emu.with_team(|t| {
        let _ = t.create(
            "walk-in-77",
            vital_onboard::emulator::state::UserExtras::default(),
        );
    });
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    // Stand-in for a patient beyond the loaded pages: forget it locally.
    let far = h.driver.app.patients.list.items().len();
    assert!(far > 0);
    h.driver.app.patients.restart(Vec::new());
    h.key(KeyCode::Char('/'));
    h.keys("walk-in-77");
    h.key(KeyCode::Enter);
    h.wait_for("Selected walk-in-77").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terminal_events_go_through_the_real_loop_resize_and_paste_included() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    // The terminal shrinks: the loop resizes the frame and the app says what it needs.
    h.driver.terminal.backend_mut().resize(60, 20);
    h.event(Event::Resize(60, 20));
    h.wait_for("at least 80 x 24 (now 60 x 20)").await;
    h.driver.terminal.backend_mut().resize(160, 48);
    h.event(Event::Resize(160, 48));
    h.wait_for("patient-00003").await;
    // A bracketed paste lands in the open prompt, without its control characters.
    h.key(KeyCode::Char('n'));
    h.event(Event::Paste("walk-in-\u{1b}[31m42\n".into()));
    h.wait_for("walk-in-[31m42").await;
    h.key(KeyCode::Enter);
    h.wait_for("Created patient walk-in-[31m42").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_mint_counts_down_in_the_status_line() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Enter);
    emu.inject_fault(Fault {
        retry_after: Some(2),
        ..Fault::new("/v2/link/token", 429, 1)
    });
    h.key(KeyCode::Char('m'));
    let s = h.wait_for("retrying in 2 s (attempt 2 of 3)").await;
    assert!(s.contains("Minting a link… rate limited by"), "{s}");
    h.wait_for("retrying in 1 s").await;
    h.wait_for("Link for the patient").await;
    assert_eq!(emu.link_requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_keys_is_handled_whole_before_one_frame() {
    let emu = emulator(3).await;
    let mut h = console(&emu, false);
    h.wait_for("patient-00003").await;
    h.key(KeyCode::Char('n'));
    h.settle().await;
    // 5,000 characters typed at once (a paste into a terminal without bracketed paste).
    let typed: String = "abcdefghij".repeat(500);
    for c in typed.chars() {
        h.key(KeyCode::Char(c));
    }
    let before = h.driver.frames();
    h.step(Duration::from_millis(50)).await;
    assert_eq!(
        h.driver.frames(),
        before + 1,
        "one frame for the whole burst"
    );
    let value = h
        .driver
        .app
        .overlays
        .prompt
        .as_ref()
        .unwrap()
        .input
        .value()
        .to_string();
    assert_eq!(value.len(), 5000, "every key handled");
    // The last frame shows the last keys: the prompt's text ends at the cursor.
    let screen = h.screen();
    assert!(screen.contains("abcdefghijabcdefghij"), "{screen}");
    let row = screen.lines().find(|l| l.contains("abcdefghij")).unwrap();
    let inside = row.split('│').nth(1).expect("inside the prompt box");
    assert!(
        inside.trim_end().ends_with("abcdefghij"),
        "the tail shows: {row}"
    );
}
