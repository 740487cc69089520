//! Pure tests of the Providers pane: ticks, direct provider, SDK-only rows.

use super::*;

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
    assert_eq!(
        app.providers.ticked.len(),
        29,
        "every linkable provider but the two deprecated ones"
    );
    assert!(
        !app.providers.ticked.contains("google_fit")
            && !app.providers.ticked.contains("my_fitness_pal")
    );
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("not the 2 deprecated ones")
    );
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
fn a_kept_filter_counts_the_ticks_it_hides() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::Tab), ch('/')]);
    send(&mut app, typed("oura"));
    send(&mut app, [key(KeyCode::Enter), ch(' '), ch('/')]);
    send(&mut app, typed("fitbit"));
    send(&mut app, [key(KeyCode::Enter), ch(' ')]);
    assert_eq!(
        app.providers.ticked_hidden(),
        1,
        "oura is ticked but filtered out"
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.providers.ticked_hidden(), 0);
}

#[test]
fn clearing_the_provider_filter_keeps_the_highlighted_provider() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab), ch('/')]);
    send(&mut app, typed("withings"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.providers.highlighted().unwrap().slug, "withings");
    // Esc in the pane clears the kept filter: the highlight stays where it was.
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.providers.list.filter(), "");
    assert_eq!(app.providers.highlighted().unwrap().slug, "withings");
}
