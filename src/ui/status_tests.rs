//! Snapshots of each patient's onboarding status (the Patient pane's status column and the
//! summary on its border, with `F`'s filter on) and of the history with its operator column, at
//! 80x24 and 160x48; and the behaviour they do not pin down.

use crossterm::event::KeyCode;

use super::tests::{key, render, sized};
use crate::app::App;
use crate::app::tests::status::cohort;
use crate::app::tests::{ch, loaded};

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

/// A link out counts down as time passes: the loop is woken when its `N min left` reads a
/// minute less (not only when it expires), and the row and the `Status:` line follow the clock.
#[test]
fn a_link_out_counts_down_as_the_clock_moves() {
    use crate::app::Msg;
    use crate::app::requests::Pending;
    use crate::app::tests::answer;
    use crate::app::tests::status::uid;
    use crate::app::tests::t0;
    use std::time::Duration;
    let mut app = sized(cohort(5), 100, 30);
    app.update(key(KeyCode::Down));
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00002"
    );
    // The highlight rests: its connections load (none).
    app.update(Msg::Tick(t0()));
    app.update(Msg::Tick(t0()));
    answer(&mut app, Pending::Connections { user_id: uid(2) }, |id| {
        Msg::ConnectionsLoaded {
            id,
            result: Ok(vec![]),
        }
    });
    app.toast = None;
    // Patient 2's link has exactly 50 minutes left: it reads 50, and 49 as soon as less is
    // left (minutes rounded down, as every view counts them); the loop wakes after a second.
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("Status: link out · 50 min left"),
        "{screen}"
    );
    assert_eq!(app.tick_interval(t0()), Some(Duration::from_secs(1)));
    let later = t0() + chrono::Duration::seconds(90);
    app.update(Msg::Tick(later));
    assert_eq!(
        app.tick_interval(later),
        Some(Duration::from_millis(30_001)),
        "48 min 30 s left: it reads 47 just after 30 s"
    );
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("Status: link out · 48 min left"),
        "{screen}"
    );
    let row = screen
        .lines()
        .find(|l| l.contains("patient-00002"))
        .expect("its row");
    assert!(row.contains("48 min left"), "{row}");
    app.update(Msg::Tick(later + chrono::Duration::seconds(31)));
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("Status: link out · 47 min left"),
        "{screen}"
    );
}

/// With `F` on and a text filter whose matches it hides, the list's line reads whole at 80 and
/// 100 columns (shortened on purpose), and says Enter selects the match.
#[test]
fn the_hint_when_f_hides_every_match_reads_whole() {
    for w in [80u16, 100, 160] {
        let mut app = sized(cohort(12), w, 24);
        app.update(ch('F'));
        app.update(ch('/'));
        for c in "patient-00001".chars() {
            app.update(ch(c));
        }
        let screen = render(&app, w, 24);
        let line = screen
            .lines()
            .find(|l| l.contains("┃No") || l.contains("┃None"))
            .unwrap_or_else(|| panic!("the hint at {w}: {screen}"));
        assert!(!line.contains('…'), "cut at {w}: {line}");
        assert!(line.contains("Enter selects"), "at {w}: {line}");
    }
}

/// The log saw Oura connect through a link from this desk, but the API lists no connection for
/// the patient: the detail's Status line says where its `✓ oura` comes from, so it does not
/// contradict `Connections: none` above it; with the API listing the connection it does not.
#[test]
fn a_connection_only_the_log_saw_says_so_under_connections_none() {
    use crate::app::Msg;
    use crate::app::requests::Pending;
    use crate::app::tests::status::uid;
    use crate::app::tests::{answer, t0};
    let mut app = sized(cohort(5), 100, 30);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00001"
    );
    app.update(Msg::Tick(t0()));
    app.update(Msg::Tick(t0()));
    answer(&mut app, Pending::Connections { user_id: uid(1) }, |id| {
        Msg::ConnectionsLoaded {
            id,
            result: Ok(vec![]),
        }
    });
    let screen = render(&app, 100, 30);
    assert!(screen.contains("Connections: none"), "{screen}");
    assert!(
        screen.contains("Status: ✓ oura (this desk's log)"),
        "{screen}"
    );
    let oura = serde_json::from_value(serde_json::json!([{"name": "Oura", "slug": "oura",
        "status": "connected", "created_on": "2026-11-24T10:01:10Z"}]))
    .unwrap();
    answer(&mut app, Pending::Connections { user_id: uid(1) }, |id| {
        Msg::ConnectionsLoaded {
            id,
            result: Ok(oura),
        }
    });
    let screen = render(&app, 100, 30);
    assert!(screen.contains("Connections: oura ✓"), "{screen}");
    assert!(screen.contains("Status: ✓ oura "), "{screen}");
    assert!(!screen.contains("this desk's log"), "{screen}");
}

/// p2 is listed with `dexcom_v3` and fitbit; the check of the highlighted p2 finds fitbit in
/// error (the sign-in stopped working), `dexcom_v3` connected.
fn broken_connection(w: u16, h: u16) -> App {
    checked(
        w,
        h,
        serde_json::json!([
            {"name": "Dexcom", "slug": "dexcom_v3", "status": "connected"},
            {"name": "Fitbit", "slug": "fitbit", "status": "error",
             "error_details": {"error_type": "token_refresh_failed",
                               "error_message": "The patient revoked access in Fitbit."}},
        ]),
    )
}

/// p2 listed with `dexcom_v3` and fitbit, highlighted; its check answers `list`.
fn checked(w: u16, h: u16, list: serde_json::Value) -> App {
    use crate::app::Msg;
    use crate::app::requests::Pending;
    use crate::app::tests::{answer, loaded, reload_with, t0, team};
    let mut app = sized(loaded(0, false), w, h);
    let mut users = team(6, &[1]);
    let source = |slug: &str| crate::api::ConnectedSource {
        provider: Some(crate::api::ProviderRef {
            name: slug.into(),
            slug: slug.into(),
            logo: None,
        }),
        source: None,
        created_on: None,
    };
    users[1].connected_sources = vec![source("dexcom_v3"), source("fitbit")];
    reload_with(&mut app, users);
    app.update(key(KeyCode::Down));
    app.update(Msg::Tick(t0()));
    app.update(Msg::Tick(t0()));
    let user_id = app.patients.highlighted().unwrap().user_id;
    let list = serde_json::from_value(list).unwrap();
    answer(&mut app, Pending::Connections { user_id }, |id| {
        Msg::ConnectionsLoaded {
            id,
            result: Ok(list),
        }
    });
    app.toast = None;
    app
}

/// A connection in error is counted by one rule: the row, the `Status:` line and the counts
/// agree (`dexcom_v3` connected, fitbit not); at 80x24 the detail wraps whole and keeps what to
/// do and the `Status:` line.
#[test]
fn a_broken_connection_in_the_row_the_detail_and_the_counts() {
    for (w, h) in [(80u16, 24u16), (100, 30), (160, 48)] {
        let screen = render(&broken_connection(w, h), w, h);
        let row = screen
            .lines()
            .find(|l| l.contains("  p2 "))
            .expect("p2's row");
        if w == 80 {
            assert!(row.contains("✓ dexcom_v3 +1✗"), "{row}");
        } else {
            assert!(row.contains("✓ dexcom_v3 · ✗ fitbit"), "{row}");
        }
        assert!(
            screen.contains("Status: ✓ dexcom_v3 · ✗ fitbit"),
            "{w}x{h}: {screen}"
        );
        assert!(
            screen.contains("connect again)")
                || (screen.contains("(connect") && screen.contains("again)")),
            "{w}x{h}: {screen}"
        );
        assert!(
            screen.contains("Connected 2 · never 4"),
            "{w}x{h}: {screen}"
        );
        if w != 100 {
            insta::assert_snapshot!(format!("a_broken_connection_{w}x{h}"), screen);
        }
    }
}

/// Every connection in error: the patient is not connected but should connect again, counted
/// with the failed sign-ins (and kept by `F`'s follow-up filter).
#[test]
fn every_connection_broken_reads_connect_again() {
    let app = checked(
        100,
        30,
        serde_json::json!([{"name": "Fitbit", "slug": "fitbit", "status": "error",
            "error_details": {"error_type": "token_refresh_failed"}}]),
    );
    let screen = render(&app, 100, 30);
    let row = screen
        .lines()
        .find(|l| l.contains("  p2 "))
        .expect("p2's row");
    assert!(row.contains("✗ fitbit: connect again"), "{row}");
    assert!(
        screen.contains("Status: ✗ fitbit: connect again"),
        "{screen}"
    );
    assert!(
        screen.contains("Connected 1 · failed 1 · never 4"),
        "{screen}"
    );
}

/// `/0001` kept (11 matches) at 80x24: without marks the bar offers Space and `*`; with six
/// marked, `*` and Space still (Enter gives way), and the title drops whole words
/// (`1–11 of 11 · 6 marked`), never `11…`.
fn filtered(w: u16, h: u16, marks: usize) -> App {
    let mut app = sized(loaded(40, false), w, h);
    for c in "/0001".chars() {
        app.update(ch(c));
    }
    app.update(key(KeyCode::Enter));
    for _ in 0..marks {
        app.update(ch(' '));
        app.update(ch('j'));
    }
    app.toast = None;
    app
}

#[test]
fn filter_and_marks_keep_their_keys_and_whole_words_at_80_columns() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        for (name, marks) in [("filter_no_marks", 0), ("filter_six_marked", 6)] {
            let app = filtered(w, h, marks);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app, w, h));
        }
    }
    let screen = render(&filtered(80, 24, 0), 80, 24);
    let bar = screen.lines().nth(22).unwrap();
    for k in ["Space", "*", "Esc", "m", "q", "?"] {
        assert!(offers(bar, k), "{k}: {bar}");
    }
    let screen = render(&filtered(80, 24, 6), 80, 24);
    let bar = screen.lines().nth(22).unwrap();
    for k in ["Space", "*", "O", "Esc", "q", "?"] {
        assert!(offers(bar, k), "{k}: {bar}");
    }
    let top = screen.lines().nth(1).unwrap();
    assert!(top.contains("Patient 1–11 of 11 · 6 marked ━"), "{top}");
    assert!(!top.contains('…'), "{top}");
}

/// Whether the key bar `line` offers `key` (in any of its words).
fn offers(line: &str, key: &str) -> bool {
    line.starts_with(&format!("{key} ")) || line.contains(&format!("  {key} "))
}
