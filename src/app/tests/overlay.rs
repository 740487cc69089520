//! Pure tests of overlays: help, and the one order for keys and drawing.

use super::*;

#[test]
fn help_opens_at_the_section_of_the_view_scrolls_and_q_closes_it() {
    let mut app = loaded(1, false);
    send(&mut app, [ch('?')]);
    let at = keymap::help_line_of(keymap::Ctx::Patients) as u16;
    assert!(at > 0);
    assert_eq!(
        app.overlays.help.map(|h| h.scroll),
        Some(at),
        "the Patient pane's keys"
    );
    send(&mut app, [ch('j'), ch('j'), ch('k')]);
    assert_eq!(app.overlays.help.map(|h| h.scroll), Some(at + 1));
    assert_eq!(
        app.patients.list.state().cursor(),
        0,
        "keys scroll the help, not the list"
    );
    send(&mut app, [ch('q')]);
    assert_eq!(app.overlays.help, None, "q closes the help");
    assert!(!app.quit, "and does not quit");
    // In the link view the help opens at its section, clamped so the box stays full.
    show_link(&mut app);
    send(&mut app, [ch('?')]);
    let scroll = app.overlays.help.unwrap().scroll;
    let want = keymap::help_line_of(keymap::Ctx::LinkView) as u16;
    let messages = layout::help_messages(app.size, app.recent_messages().map(|m| m.text.as_str()));
    let rows = layout::help_areas(app.size, &messages).keys.height - 2;
    assert_eq!(scroll, want.min(keymap::help_len() as u16 - rows));
    for _ in 0..300 {
        send(&mut app, [ch('j')]);
    }
    assert_eq!(
        app.overlays.help.unwrap().scroll,
        keymap::help_len() as u16 - rows,
        "no further than the last line"
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.overlays.help, None);
}

#[test]
fn an_alert_during_a_question_stays_under_it_and_y_answers_the_visible_question() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter), ch('m')]);
    assert!(app.overlays.confirm.is_some());
    // The provider list answers "key refused" while the question is open.
    providers_refused(&mut app, "production/us");
    assert!(app.overlays.alert.is_some());
    assert_eq!(
        app.overlays.top(),
        Some(crate::app::overlay::OverlayKind::Confirm)
    );
    assert_eq!(
        app.overlays.bottom_up().last(),
        Some(crate::app::overlay::OverlayKind::Confirm),
        "painted last, on top"
    );
    let fx = send(&mut app, [ch('y')]);
    mint_request(&fx);
    assert_eq!(
        app.overlays.top(),
        Some(crate::app::overlay::OverlayKind::Alert)
    );
}

#[test]
fn an_alert_closes_a_filter_being_typed_and_keeps_the_filter() {
    let mut app = loaded(30, false);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("0001"));
    providers_refused(&mut app, "sandbox/us");
    assert!(app.overlays.prompt.is_none() && app.overlays.alert.is_some());
    assert_eq!(app.patients.list.filter(), "0001");
}

#[test]
fn the_priority_order_is_the_key_order() {
    use crate::app::overlay::OverlayKind;
    let mut app = loaded(1, false);
    app.overlays.alert = Some("a".into());
    app.overlays.help = Some(crate::app::overlay::Help::default());
    assert_eq!(app.overlays.top(), Some(OverlayKind::Help));
    assert!(app.contexts().contains(&keymap::Ctx::Help));
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(
        app.overlays.top(),
        Some(OverlayKind::Alert),
        "Esc closed the help only"
    );
    let order: Vec<_> = OverlayKind::PRIORITY.iter().rev().copied().collect();
    app.overlays.help = Some(crate::app::overlay::Help::default());
    app.overlays.confirm = Some(Confirm::UseExisting {
        client_user_id: "x".into(),
        user_id: Uuid::nil(),
    });
    app.overlays.presets = Some(crate::app::presets::PresetPicker::default());
    app.overlays.history = Some(crate::app::history::HistoryView::default());
    app.overlays.prompt = Some(crate::app::prompt::Prompt::new(PromptKind::NewUser, ""));
    assert_eq!(app.overlays.bottom_up().collect::<Vec<_>>(), order);
}
