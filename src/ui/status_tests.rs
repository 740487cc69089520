//! Snapshots of each patient's onboarding status (the Patient pane's status column and the
//! summary on its border, with `F`'s filter on) and of the history with its operator column, at
//! 80x24 and 160x48; and the behaviour they do not pin down.

use crossterm::event::KeyCode;

use super::tests::{key, render, sized};
use crate::app::App;
use crate::app::tests::ch;
use crate::app::tests::status::cohort;

/// The cohort of `app::tests::status` (1 connected, 2 a link out, 3 unused, 4 sign-in failed,
/// the rest never linked), at `w` x `h`, the highlight resting on patient 3.
fn statuses(w: u16, h: u16) -> App {
    let mut app = sized(cohort(40), w, h);
    for m in [key(KeyCode::Down), key(KeyCode::Down)] {
        app.update(m);
    }
    app.toast = None;
    app
}

fn follow_up(w: u16, h: u16) -> App {
    let mut app = statuses(w, h);
    app.update(ch('F'));
    app.toast = None;
    app
}

#[test]
fn status_column_and_summary() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        insta::assert_snapshot!(
            format!("status_column_and_summary_{w}x{h}"),
            render(&statuses(w, h), w, h)
        );
    }
}

#[test]
fn status_filter_follow_up() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        insta::assert_snapshot!(
            format!("status_filter_follow_up_{w}x{h}"),
            render(&follow_up(w, h), w, h)
        );
    }
}

/// `H` names who minted each link where the width allows (160 columns), not at 80 (the
/// snapshots `history_overlay_*` pin the rows down).
#[test]
fn h_shows_the_operator_where_the_width_allows() {
    use crate::app::tests::history::with_history;
    use crate::app::tests::loaded;
    let wide = with_history(sized(loaded(5, false), 160, 48));
    let screen = render(&wide, 160, 48);
    let row = screen
        .lines()
        .find(|l| l.contains("11-24 09:50"))
        .expect("the newest link's row");
    assert!(row.contains("by jdoe"), "{row}");
    let narrow = with_history(loaded(5, false));
    assert!(!render(&narrow, 80, 24).contains("by jdoe"));
}
