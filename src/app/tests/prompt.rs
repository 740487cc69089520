//! Pure tests of text prompts: paste, kept filters.

use super::*;

#[test]
fn paste_goes_into_the_prompt_without_control_characters() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    app.update(Msg::Paste("https://clinic.example/\x1b[31mdone\n".into()));
    assert_eq!(
        app.overlays.prompt.as_ref().unwrap().input.value(),
        "https://clinic.example/[31mdone"
    );
}

#[test]
fn a_huge_pasted_redirect_url_is_refused_with_the_bound() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    let huge = format!("https://clinic.example/done?x={}", "a".repeat(50_000));
    app.update(Msg::Paste(huge));
    send(&mut app, [key(KeyCode::Enter)]);
    let p = app.overlays.prompt.as_ref().expect("the prompt stays open");
    assert!(
        p.error.as_deref().unwrap().contains("at most 2,048"),
        "{:?}",
        p.error
    );
    assert_eq!(app.options.redirect_url, None, "nothing changed");
}

#[test]
fn ctrl_u_clears_the_prompt_and_is_a_key_of_the_table() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Enter)]);
    app.update(Msg::Paste("https://clinic.example/done".into()));
    let ctrl_u = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    assert_eq!(
        crate::app::keymap::lookup(
            &app.contexts(),
            &match &ctrl_u {
                Msg::Key(k) => *k,
                _ => unreachable!(),
            }
        ),
        Some(crate::app::keymap::Action::ClearPrompt)
    );
    // With the cursor in the middle, too: all of it goes.
    send(&mut app, [key(KeyCode::Left), key(KeyCode::Left)]);
    app.update(ctrl_u);
    assert_eq!(app.overlays.prompt.as_ref().unwrap().input.value(), "");
}
