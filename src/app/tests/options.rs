//! Pure tests of the Options pane: redirect URL, checkboxes, warnings, the exact body.

use super::*;

#[test]
fn options_redirect_url_is_validated_and_checkboxes_toggle() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    assert_eq!(
        app.overlays.prompt.as_ref().unwrap().kind,
        PromptKind::RedirectUrl
    );
    send(&mut app, typed("clinic.example/done"));
    send(&mut app, [key(KeyCode::Enter)]);
    let p = app
        .overlays
        .prompt
        .as_ref()
        .expect("invalid URL keeps the prompt open");
    assert!(p.error.as_ref().unwrap().contains("absolute http(s) URL"));
    assert_eq!(app.options.redirect_url, None, "nothing changed");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.overlays.prompt.is_none() && app.options.redirect_url.is_none());
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
