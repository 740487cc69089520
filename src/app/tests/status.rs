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
