//! Snapshots of every view at 80x24 and 160x48 (`TestBackend` + insta). Review diffs like code.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::{Theme, draw};
use crate::api::{ApiError, LinkToken};
use crate::app::requests::{Pending, Task};
use crate::app::tests::{ch, live, loaded, t0};
use crate::app::{App, Badge, Effect, Msg};
use crate::setup::connection::{Environment, Region};

pub(super) fn key(code: KeyCode) -> Msg {
    crate::app::tests::key(code)
}

/// The screen as text, one line per row.
pub fn render(app: &App, w: u16, h: u16) -> String {
    render_with(w, h, |f| draw(f, app, &Theme::plain()))
}

/// The text of one frame drawn by `paint` at `w` x `h`, right-trimmed.
pub fn render_with(w: u16, h: u16, paint: impl FnOnce(&mut ratatui::Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(paint).unwrap();
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A `--queue FILE` preview of four rows (the first loaded patient, `new-1` twice, a phone
/// number) over 40 loaded patients, at `w` x `h`.
pub(super) fn previewed(w: u16, h: u16) -> App {
    let mut app = sized(crate::app::tests::loaded(40, false), w, h);
    let first = crate::app::tests::client_id(&app, 0);
    let file = crate::queue_file::parse(
        format!("client_user_id\n{first}\nnew-1\n+1 555 010 9999\nnew-1\n").as_bytes(),
    )
    .unwrap();
    app.open_queue_file(file);
    app.update(crate::app::Msg::Tick(crate::app::tests::t0()));
    app.toast = None;
    app
}

pub(super) fn sized(mut app: App, w: u16, h: u16) -> App {
    app.update(Msg::Resize(w, h));
    app
}

pub(super) fn token() -> LinkToken {
    LinkToken {
        link_token: "dGVzdCB0b2tlbiBmb3Igc25hcHNob3Rz".into(),
        link_web_url:
            "https://link.tryvital.io/?token=dGVzdCB0b2tlbiBmb3Igc25hcHNob3Rz&env=sandbox&region=us"
                .into(),
    }
}

/// A patient selected, two providers ticked, redirect options set.
pub(super) fn ready(w: u16, h: u16) -> App {
    let mut app = sized(loaded(40, false), w, h);
    for m in [
        ch('j'),
        ch('j'),
        key(KeyCode::Enter),
        key(KeyCode::Tab),
        ch('j'),
        ch(' '),
        ch('j'),
        ch('j'),
        ch(' '),
        key(KeyCode::Tab),
        ch('j'),
        ch(' '),
        ch('j'),
        ch(' '),
    ] {
        app.update(m);
    }
    app.options.redirect_url = Some("https://clinic.example/done".into());
    app.toast = None;
    app
}

pub(super) fn minted(w: u16, h: u16) -> App {
    let mut app = ready(w, h);
    let fx = app.update(ch('m'));
    let id = match &fx[..] {
        [Effect::Mint { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(75)));
    app.toast = None;
    app
}

macro_rules! both_sizes {
    ($name:ident, $make:expr) => {
        #[test]
        fn $name() {
            for (w, h) in [(80u16, 24u16), (160, 48)] {
                let app: App = $make(w, h);
                insta::assert_snapshot!(
                    format!("{}_{}x{}", stringify!($name), w, h),
                    render(&app, w, h)
                );
            }
        }
    };
}

both_sizes!(panes_loading, |w, h| {
    let mut app = App::new(
        loaded(0, false).env.clone(),
        crate::app::ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, w, h),
    );
    app.start();
    app
});
both_sizes!(panes_ready, ready);
both_sizes!(panes_production_badge, |w, h| {
    let mut app = ready(w, h);
    app.env.badge = Badge::Vital {
        env: Environment::Production,
        region: Region::Eu,
    };
    app.env.key_prefix = Some("pk_eu_");
    app.env.host = "https://api.eu.junction.com".into();
    app
});
both_sizes!(filter_prompt, |w, h| {
    let mut app = sized(loaded(40, false), w, h);
    app.update(ch('/'));
    for c in "0001".chars() {
        app.update(ch(c));
    }
    app
});
both_sizes!(new_user_prompt_with_warning, |w, h| {
    let mut app = sized(loaded(5, false), w, h);
    app.update(ch('n'));
    for c in "ana@example.com".chars() {
        app.update(ch(c));
    }
    app
});
both_sizes!(redirect_prompt_refused, |w, h| {
    let mut app = sized(loaded(5, false), w, h);
    app.update(key(KeyCode::BackTab));
    app.update(key(KeyCode::Enter));
    for c in "clinic.example".chars() {
        app.update(ch(c));
    }
    app.update(key(KeyCode::Enter));
    app
});
both_sizes!(production_confirm, |w, h| {
    let mut app = ready(w, h);
    app.env.badge = crate::app::tests::production_badge();
    app.update(ch('m'));
    app
});
both_sizes!(duplicate_patient_offer_wraps, |w, h| {
    let mut app = sized(loaded(5, false), w, h);
    app.overlays.confirm = Some(crate::app::overlay::Confirm::UseExisting {
        client_user_id: "trial-cgm-008".into(),
        user_id: uuid::Uuid::nil(),
    });
    app
});
both_sizes!(minting_in_flight, |w, h| {
    let mut app = ready(w, h);
    app.update(ch('m'));
    app
});
both_sizes!(result_view, minted);
// Below the full view's size the link view is compact (80 x 24); the badge stays, in red for
// production.
both_sizes!(result_view_production, |w, h| {
    let mut app = minted(w, h);
    app.env.badge = crate::app::tests::production_badge();
    app
});

/// A link long enough (about 480 characters, a version-15 code) that even 160 x 48 shows it
/// compact.
#[test]
fn compact_view_of_a_long_link_160x48() {
    let mut app = minted(160, 48);
    let url = format!(
        "https://link.tryvital.io/?token={}&env=sandbox&region=us",
        "k".repeat(430)
    );
    let shown = app.screen.shown_mut().unwrap();
    shown.link.token.link_web_url.clone_from(&url);
    shown.codes = crate::link::qr::LinkCodes::encode(&url);
    let screen = render(&app, 160, 48);
    assert!(screen.contains("c copies the URL") && !screen.contains("Link URL"));
    insta::assert_snapshot!("compact_view_of_a_long_link_160x48", screen);
    app.env.badge = crate::app::tests::production_badge();
    let screen = render(&app, 160, 48);
    assert!(screen.contains(" PRODUCTION us"), "{screen}");
    insta::assert_snapshot!("compact_view_of_a_long_link_production_160x48", screen);
}
both_sizes!(result_expired, |w, h| {
    let mut app = minted(w, h);
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(61)));
    app.toast = None;
    app
});
both_sizes!(patient_view, |w, h| {
    let mut app = minted(w, h);
    app.config.clinic_name = Some("Northside Clinic".into());
    app.update(ch('K'));
    app
});
both_sizes!(patient_view_blanked, |w, h| {
    let mut app = minted(w, h);
    app.update(ch('K'));
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(12)));
    app
});
both_sizes!(help_overlay, |w, h| {
    let mut app = sized(loaded(5, false), w, h);
    app.update(ch('?'));
    app
});
both_sizes!(refused_key_alert, |w, h| {
    let mut app = App::new(
        loaded(0, false).env.clone(),
        crate::app::ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, w, h),
    );
    app.start();
    app.update(Msg::UsersLoaded {
        request: crate::app::requests::RequestId(1),
        result: Err(ApiError::Unauthorized {
            status: 401,
            target: "sandbox/us".into(),
        }),
    });
    crate::app::tests::providers_refused(&mut app, "sandbox/us");
    app
});
both_sizes!(mint_refused_field_error, |w, h| {
    let mut app = ready(w, h);
    let id = match &app.update(ch('m'))[..] {
        [Effect::Mint { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Validation {
            fields: vec![crate::api::FieldError {
                field: "redirect_url".into(),
                message: "URL scheme not allowed".into(),
            }],
        }),
    });
    app
});

#[test]
fn too_small_says_which_size_it_needs() {
    let app = loaded(5, false);
    let screen = render(&app, 60, 20);
    insta::assert_snapshot!("too_small_60x20", screen);
    assert!(screen.contains("at least 80 x 24 (now 60 x 20)"));
}

#[test]
fn too_small_with_the_patient_view_up_tells_the_patient_nothing_of_keys() {
    let mut app = minted(80, 24);
    app.config.clinic_name = Some("Northside Clinic".into());
    app.update(ch('K'));
    app.update(Msg::Resize(60, 20));
    let screen = render(&app, 60, 20);
    insta::assert_snapshot!("patient_view_too_small_60x20", screen);
    assert!(
        screen.contains("One moment, please: the staff will show your code."),
        "{screen}"
    );
    assert!(
        screen.contains("Staff: enlarge the terminal to 80 x 24 (now 60 x 20)."),
        "{screen}"
    );
    for staff_only in ["q quits", "too small for vital-onboard"] {
        assert!(!screen.contains(staff_only), "{staff_only}:\n{screen}");
    }
}

#[test]
fn help_lists_every_binding() {
    let app = sized(loaded(1, false), 160, 48);
    let mut app = app;
    app.update(ch('?'));
    let mut seen = String::new();
    // Every row and every section's heading: more than enough scroll steps to reach the end.
    let rows = u16::try_from(2 * crate::app::keymap::BINDINGS.len()).unwrap();
    for scroll in 0..rows {
        app.overlays.help = Some(crate::app::overlay::Help { scroll });
        seen.push_str(&render(&app, 160, 48));
    }
    for b in crate::app::keymap::BINDINGS.iter() {
        assert!(seen.contains(b.help), "help overlay misses {:?}", b.help);
    }
}

both_sizes!(kept_filter_and_esc_in_the_key_bar, |w, h| {
    let mut app = sized(loaded(40, false), w, h);
    for m in [ch('/'), ch('0'), ch('0'), ch('2'), key(KeyCode::Enter)] {
        app.update(m);
    }
    app.toast = None;
    app
});

#[test]
fn an_alert_that_arrives_during_a_question_is_drawn_under_it() {
    let mut app = ready(80, 24);
    app.env.badge = crate::app::tests::production_badge();
    app.update(ch('m'));
    crate::app::tests::providers_refused(&mut app, "production/us");
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Mint a PRODUCTION link for patient-00003? y/N"),
        "the question that y/N answer is visible:\n{screen}"
    );
}

both_sizes!(help_shows_recent_messages, |w, h| {
    let mut app = sized(loaded(5, false), w, h);
    app.update(ch('m'));
    app.update(key(KeyCode::Tab));
    app.update(ch('a'));
    app.update(ch('?'));
    app
});

#[test]
fn a_kept_filter_that_hides_ticks_says_so() {
    let mut app = sized(loaded(5, false), 80, 24);
    for m in [
        key(KeyCode::Tab),
        ch('/'),
        ch('o'),
        ch('u'),
        ch('r'),
        ch('a'),
        key(KeyCode::Enter),
        ch(' '),
    ] {
        app.update(m);
    }
    for m in [
        ch('/'),
        ch('f'),
        ch('i'),
        ch('t'),
        key(KeyCode::Enter),
        ch(' '),
    ] {
        app.update(m);
    }
    // At 80 x 24 the shorter wording, whole (not "… · filter:" cut at the border).
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("1 ticked, hidden · filter: fit   "),
        "{screen}"
    );
    let screen = render(&app, 160, 48);
    assert!(
        screen.contains("┃1 ticked, hidden by the filter · filter: fit         ┃"),
        "{screen}"
    );
}

/// The text between the pane's borders on the filter line (the row holding `marker`).
fn filter_row(screen: &str, marker: &str, pane: usize) -> String {
    let row = screen
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("{marker}\n{screen}"));
    row.split(['│', '┃'])
        .filter(|s| !s.is_empty())
        .nth(pane)
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[test]
fn a_kept_filter_line_is_shortened_on_purpose_never_cut() {
    for filter in [
        "0",
        "patient-0001",
        "patient-00012",
        "atient-000",
        "a-very-long-filter-text-x",
    ] {
        let mut app = sized(loaded(40, false), 80, 24);
        app.update(ch('/'));
        for c in filter.chars() {
            app.update(ch(c));
        }
        app.update(key(KeyCode::Enter));
        app.toast = None;
        let screen = render(&app, 80, 24);
        let line = filter_row(&screen, "filter: ", 0);
        let opens = line.matches('(').count();
        assert_eq!(opens, line.matches(')').count(), "{filter}: {line:?}");
        assert!(
            line.ends_with(')') || line.ends_with('…') || line.ends_with(filter),
            "{filter}: {line:?}"
        );
    }
}

#[test]
fn the_read_only_message_keeps_the_key_bar() {
    let mut app = ready(80, 24);
    app.env.read_only = true;
    app.update(ch('m'));
    let screen = render(&app, 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows[22].contains("q quit") && rows[22].contains("? help"),
        "{screen}"
    );
    assert!(
        rows[23].starts_with("Read-only mode: will not mint a link; nothing was sent"),
        "{screen}"
    );
    assert!(
        rows[23].ends_with('…') && rows[23].chars().count() <= 80,
        "{screen}"
    );
}

both_sizes!(read_only_badge, |w, h| {
    let mut app = ready(w, h);
    app.env.read_only = true;
    app
});

// The profile in use is named beside the badge (`--profile`, or the picker's choice).
both_sizes!(profile_in_the_header, |w, h| {
    let mut app = ready(w, h);
    app.env.profile = Some("eu-production".into());
    app.env.read_only = true;
    app
});

/// The shown link after the watcher's first check (nothing new) and a second that finds Oura
/// (or an error), with the Link page's answer in.
fn watched(w: u16, h: u16, second: serde_json::Value) -> App {
    let mut app = minted(w, h);
    let at = t0() + chrono::Duration::seconds(1);
    app.update(Msg::Watched {
        id: live(&app, Task::Watch),
        at,
        result: Ok(vec![]),
    });
    let offered: Vec<crate::api::LinkProvider> = serde_json::from_value(serde_json::json!([
        {"id": 1, "name": "Oura", "slug": "oura"}
    ]))
    .unwrap();
    app.update(Msg::LinkProvidersLoaded {
        id: live(&app, Task::LinkProviders),
        result: Ok(offered),
    });
    let list = serde_json::from_value(serde_json::Value::Array(vec![second])).unwrap();
    // The second check (its tick is left out, so the countdown stays where it was).
    let id = app.requests.start(Pending::Watch);
    app.update(Msg::Watched {
        id,
        at: at + chrono::Duration::seconds(3),
        result: Ok(list),
    });
    app.toast = None;
    app
}

fn oura_connected() -> serde_json::Value {
    serde_json::json!({"name": "Oura", "slug": "oura", "status": "connected",
        "created_on": "2026-03-02T10:00:30Z",
        "resource_availability": {"sleep": {"status": "available"}, "activity": {"status": "available"}}})
}

both_sizes!(watcher_checking, |w, h| {
    let mut app = minted(w, h);
    app.update(Msg::Watched {
        id: live(&app, Task::Watch),
        at: t0() + chrono::Duration::seconds(1),
        result: Err(ApiError::Unreachable {
            target: "the test host".into(),
            reason: "connection refused".into(),
        }),
    });
    app.toast = None;
    app
});
both_sizes!(watcher_connected, |w, h| watched(w, h, oura_connected()));
both_sizes!(watcher_connection_error, |w, h| {
    watched(
        w,
        h,
        serde_json::json!({"name": "Oura", "slug": "oura", "status": "error",
            "created_on": "2026-03-02T10:00:30Z",
            "error_details": {"error_type": "required_scopes_not_granted", "error_message": "x"}}),
    )
});
both_sizes!(patient_view_connected, |w, h| {
    let mut app = watched(w, h, oura_connected());
    app.update(ch('K'));
    app
});

both_sizes!(preset_list, |w, h| {
    let mut app = crate::app::tests::presets::with_presets(sized(loaded(5, false), w, h));
    app.update(ch('P'));
    app.update(ch('j'));
    app
});
both_sizes!(preset_active_and_modified, |w, h| {
    let mut app = crate::app::tests::presets::with_presets(sized(loaded(5, false), w, h));
    for m in [
        ch('P'),
        crate::app::tests::key(KeyCode::Enter),
        crate::app::tests::key(KeyCode::BackTab),
    ] {
        app.update(m);
    }
    app.update(ch('j'));
    app.update(ch(' '));
    app
});
both_sizes!(history_overlay, |w, h| {
    let mut app = crate::app::tests::history::with_history(sized(loaded(5, false), w, h));
    app.update(ch('j'));
    app
});
both_sizes!(history_overlay_all_hosts, |w, h| {
    let app = sized(loaded(6, false), w, h);
    let records = crate::app::tests::history::records_of_many_hosts();
    let mut app = crate::app::tests::history::with_records(app, records);
    app.update(ch('a'));
    app
});
both_sizes!(history_overlay_filtered, |w, h| {
    let mut app = crate::app::tests::history::with_history(sized(loaded(5, false), w, h));
    for c in "/garmin".chars() {
        app.update(ch(c));
    }
    app.update(crate::app::tests::key(KeyCode::Enter));
    app
});

#[test]
fn the_history_keeps_room_for_the_outcome_at_every_width() {
    // The outcome ends the row and is what staff look for: what was allowed gives way first.
    for w in [100u16, 120, 160] {
        let app = crate::app::tests::history::with_history(sized(loaded(5, false), w, 30));
        let screen = render(&app, w, 30);
        assert!(screen.contains("✓ oura "), "{w} columns:\n{screen}");
        assert!(screen.contains("— expired "), "{w} columns:\n{screen}");
    }
}

fn picker() -> crate::app::profile_picker::ProfilePicker {
    use crate::setup::profiles::{DEMO, Entry, Stored};
    let entry = |name: &str, env: &str, region: &str, key: Stored| Entry {
        name: name.into(),
        environment: env.into(),
        region: region.into(),
        base_url: None,
        key,
        default: name == "us-sandbox",
        read_only: name == "eu-prod",
    };
    let mut p = crate::app::profile_picker::ProfilePicker::new(vec![
        entry("eu-prod", "production", "eu", Stored::Keychain),
        entry("us-sandbox", "sandbox", "us", Stored::No),
        entry(DEMO, "demo", "-", Stored::No),
    ]);
    p.list = crate::app::list::ListState::on(0);
    p
}

#[test]
fn profile_picker_says_why_a_profile_without_a_key_is_not_chosen() {
    let mut p = picker();
    p.list = crate::app::list::ListState::on(1);
    let enter =
        crossterm::event::KeyEvent::new(KeyCode::Enter, crossterm::event::KeyModifiers::NONE);
    assert_eq!(p.key(enter), None);
    let screen = render_with(80, 24, |f| {
        super::profile_picker::draw(f, &p, &Theme::plain());
    });
    insta::assert_snapshot!("profile_picker_no_key_80x24", screen);
    assert!(
        screen
            .contains("No key stored for us-sandbox: run vital-onboard login --profile us-sandbox"),
        "{screen}"
    );
    assert!(screen.contains("no key"), "{screen}");
    assert!(
        screen.contains("read-only"),
        "read whole at 80 columns:\n{screen}"
    );
}

#[test]
fn profile_picker() {
    let p = picker();
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(
            format!("profile_picker_{w}x{h}"),
            render_with(w, h, |f| super::profile_picker::draw(
                f,
                &p,
                &Theme::plain()
            ))
        );
    }
}
