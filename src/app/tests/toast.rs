//! Pure tests of status-line messages.

use super::*;

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
fn errors_stay_until_a_key_and_past_messages_are_kept() {
    let mut app = loaded(2, false);
    app.update(Msg::Tick(t0()));
    send(&mut app, [ch('m')]);
    let warning = app.toast.clone().unwrap();
    assert_eq!(warning.level, Level::Warning, "{warning:?}");
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(10)));
    assert_eq!(
        app.toast.as_ref().map(|t| &t.text),
        Some(&warning.text),
        "still there"
    );
    // A key: seen and acted on.
    send(&mut app, [ch('j')]);
    assert!(app.toast.is_none());
    // A newer message replaces an error at once.
    send(&mut app, [ch('m')]);
    send(&mut app, [key(KeyCode::Tab), ch('x')]);
    assert_eq!(app.toast.as_ref().unwrap().level, Level::Info);
    let texts: Vec<&str> = app.recent_messages().map(|m| m.text.as_str()).collect();
    assert_eq!(texts.len(), 3);
    assert!(texts[0].starts_with("Cleared"), "newest first: {texts:?}");
    assert!(texts[1].starts_with("Select a patient first"));
    for _ in 0..30 {
        send(&mut app, [ch('x')]);
    }
    assert_eq!(
        app.recent_messages().count(),
        crate::app::toast::HISTORY,
        "bounded"
    );
}

/// A message that names the link view's keys ends with the link view: after Esc the panes do not
/// read "K shows it to the patient, c copies the URL" (neither key works there).
#[test]
fn a_message_ends_with_the_screen_it_was_shown_on() {
    let mut app = loaded(3, false);
    app.update(Msg::Tick(t0()));
    show_link(&mut app);
    let minted = app.toast.clone().unwrap();
    assert!(minted.text.contains("K shows it"), "{minted:?}");
    // Keys that stay in the link view keep it.
    send(&mut app, [ch('i')]);
    assert!(matches!(app.screen, Screen::Link(_)));
    assert!(app.toast.is_some(), "still in the link view");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
    assert_eq!(app.toast, None, "the link view's message outlived it");
    // A message shown by the key that changes the screen belongs to the new one.
    send(&mut app, [key(KeyCode::Tab), ch('x')]);
    let on_panes = app.toast.clone().map(|t| t.text);
    assert!(on_panes.is_some());
    app.update(Msg::Tick(t0()));
    assert_eq!(app.toast.map(|t| t.text), on_panes);
}
