//! App codes for the Junction Connect app, end to end: the whole app (the real loop on
//! `TestBackend` against the in-process emulator) from `A` to "Connected: Apple Health ✓" and
//! "Oura ✓", and the real binary in a pseudo-terminal at 80 x 24, whose App Store code decodes
//! from the screen beside the code in characters.

mod common;

use common::harness::{Console, Setup};
use common::pty::Pty;
use common::*;
use crossterm::event::KeyCode;
use vital_onboard::api::{JUNCTION_CONNECT_APP_STORE, is_app_code};

/// The code as the screen groups it: `skus 1a2b 3c4d`.
fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_makes_a_code_the_phone_app_connects_apple_health_and_the_watcher_says_so() {
    let emu = emulator(20).await;
    let mut h = Console::with(
        &emu,
        Setup {
            native_clipboard: true,
            ..Setup::default()
        },
    );
    h.wait_for("patient-00012").await;
    h.key(KeyCode::Char('/'));
    h.keys("00012");
    h.key(KeyCode::Enter);
    h.wait_for("Selected patient-00012").await;
    h.key(KeyCode::Char('A'));
    let screen = h.wait_for("type it without spaces").await;
    let code = h
        .driver
        .app
        .screen
        .app_code()
        .expect("the app-code view")
        .code
        .code
        .clone();
    assert!(is_app_code(&code), "{code}");
    assert!(screen.contains(&grouped(&code)), "{screen}");
    // Demo mode names the emulator's phone-app page.
    assert!(
        screen.contains(&format!("{}app", emu.base_url())),
        "{screen}"
    );
    // c copies the code itself.
    h.key(KeyCode::Char('c'));
    h.wait_for("Copied to the system clipboard").await;
    assert_eq!(
        *h.clipboard.copies.lock().unwrap(),
        std::slice::from_ref(&code)
    );

    // The patient's phone: the emulator's simulated app at /app takes the code and "Allow
    // Apple Health" adds the connection. Where the emulator has no /app page yet, the
    // connection is added as that page adds it.
    let user_id = vital_onboard::emulator::stable_uuid("patient-00012");
    // After the watcher's first check (the connections before the code).
    h.wait_until("the first check", |h| {
        h.driver
            .app
            .screen
            .app_code()
            .is_none_or(|s| s.watch.last_check.is_some())
    })
    .await;
    if !phone_app_allows(&emu.base_url(), &code).await {
        assert!(emu.with_team(|t| t.connect(user_id, "apple_health_kit")));
    }
    let screen = h.wait_for("Connected: Apple Health ✓").await;
    assert!(screen.contains("type it without spaces"), "the view stays");
    // The watch goes on until the code expires: Oura, added in the app, is said too.
    assert!(emu.with_team(|t| t.connect(user_id, "oura")));
    h.wait_for("Oura ✓").await;
    // Esc closes the view, and its watch with it.
    h.key(KeyCode::Esc);
    h.wait_for("Body m will send").await;
}

/// The emulator's /app page as a phone uses it: the code form, then "Allow Apple Health".
/// False when the emulator has no such page.
async fn phone_app_allows(base: &url::Url, code: &str) -> bool {
    let web = reqwest::Client::new();
    let form = "application/x-www-form-urlencoded";
    let page = web.get(base.join("app").unwrap()).send().await.unwrap();
    if page.status() != 200 {
        return false;
    }
    let signed_in = web
        .post(base.join("app/code").unwrap())
        .header("content-type", form)
        .body(format!("lang=en&code={code}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = signed_in
        .split("name=\"sign_in_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the app page signed in:\n{signed_in}"))
        .to_string();
    let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let allowed = web
        .post(base.join("app/allow").unwrap())
        .header("content-type", form)
        .body(format!("lang=en&sign_in_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    true
}

/// The app code in characters on a row of `lines`: three groups of four at the row's end.
fn typed_code(lines: &[String]) -> Option<String> {
    lines.iter().map(|l| l.trim()).find_map(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        let last = words.len().checked_sub(3)?;
        let code = words[last..].concat();
        (words[last..].iter().all(|w| w.len() == 4) && is_app_code(&code)).then_some(code)
    })
}

/// Rows of the screen as text; the App Store code decodes from the cells (rqrr), and the code in
/// characters stands beside it.
#[test]
fn the_app_store_code_decodes_from_the_screen_beside_the_code_at_80x24() {
    let mut pty = Pty::spawn_sized(&[], 24, 80, &[]);
    pty.wait_for("patient-00001");
    pty.send("/");
    pty.send("00012");
    pty.send("\r");
    pty.wait_for("Selected patient-00012");
    pty.send("A");
    // The code in characters, grouped for reading aloud, right of the code (its rows may come
    // in a later write than the code's).
    let (_, url) = pty.wait_for_code("c copies the code");
    assert_eq!(url, JUNCTION_CONNECT_APP_STORE);
    pty.wait_until("the code in characters", |p| {
        typed_code(&p.screen_lines()).is_some()
    });
    let typed = typed_code(&pty.screen_lines()).unwrap();
    assert!(typed.starts_with("skus"), "{typed}");
    // The patient-facing view shows the same code and the same App Store code.
    pty.send("K");
    pty.wait_until("the staff view is gone", |p| {
        !p.screen_lines().join("\n").contains("c copies the code")
    });
    let (_, url) = pty.wait_for_code("Connect Apple Health");
    assert_eq!(
        url, JUNCTION_CONNECT_APP_STORE,
        "decodes in the patient view"
    );
    pty.wait_for(&grouped(&typed));
    pty.send("x");
    pty.wait_for("c copies the code");
    pty.send("q");
    common::pty::wait_exit(&mut pty);
}
