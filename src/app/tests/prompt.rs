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
