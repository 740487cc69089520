//! Snapshots of the app-code views (staff, patient-facing in every language, the clinic's own
//! app) and of the Providers pane's phone-only rows, at 80x24 and 160x48, and what they must say.

use crossterm::event::KeyCode;

use super::tests::{key, ready, render, sized, token};
use crate::api::ConnectedProvider;
use crate::app::app_code::ShownAppCode;
use crate::app::requests::Task;
use crate::app::screen::Screen;
use crate::app::tests::app_code::{CODE, app_code};
use crate::app::tests::{ch, live, loaded, t0};
use crate::app::{App, Badge, Effect, Msg};
use crate::i18n::Language;
use crate::setup::config::MobileApp;

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

/// The ready panes' patient, `A`, the code made at [`t0`], 75 seconds later.
fn shown(w: u16, h: u16) -> App {
    let mut app = ready(w, h);
    let fx = app.update(ch('A'));
    let id = match &fx[..] {
        [Effect::CreateAppCode { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    app.update(Msg::AppCodeCreated {
        id,
        at: t0(),
        result: Ok(app_code()),
    });
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(75)));
    app.toast = None;
    app
}

fn connection(slug: &str, name: &str, at: &str) -> ConnectedProvider {
    serde_json::from_value(serde_json::json!({
        "name": name, "slug": slug, "status": "connected", "created_on": at,
    }))
    .unwrap()
}

/// The watcher's check answers with `list`.
fn watched(app: &mut App, list: Vec<ConnectedProvider>) {
    let id = match app.requests.ids(Task::Watch).last() {
        Some(id) => id,
        None => live(app, Task::Watch),
    };
    app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(80),
        result: Ok(list),
    });
}

fn demo(w: u16, h: u16) -> App {
    let mut app = shown(w, h);
    app.env.badge = Badge::Demo;
    app.env.host = "http://127.0.0.1:41234".into();
    app
}

both_sizes!(app_code_view, shown);
both_sizes!(app_code_view_demo, demo);
both_sizes!(app_code_view_language, |w, h| {
    let mut app = shown(w, h);
    app.update(ch('L'));
    app.toast = None;
    app
});
both_sizes!(app_code_view_connected, |w, h| {
    let mut app = shown(w, h);
    watched(&mut app, vec![]);
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(84)));
    watched(
        &mut app,
        vec![
            connection("apple_health_kit", "Apple Health", "2026-11-24T10:01:10Z"),
            connection("oura", "Oura", "2026-11-24T10:01:12Z"),
        ],
    );
    app
});
both_sizes!(app_code_view_expired, |w, h| {
    let mut app = shown(w, h);
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(61)));
    app.toast = None;
    app
});
both_sizes!(app_code_patient_view, |w, h| {
    let mut app = shown(w, h);
    app.config.clinic_name = Some("Northside Clinic".into());
    app.update(ch('K'));
    app
});
both_sizes!(clinic_app_view, |w, h| {
    let mut app = sized(loaded(3, false), w, h);
    app.config.mobile_app = Some(northside());
    to_provider(&mut app, "health_connect");
    app.update(key(KeyCode::Enter));
    assert!(matches!(app.screen, Screen::ClinicApp(_)));
    app.toast = None;
    app
});
both_sizes!(providers_apple_health_row, |w, h| {
    let mut app = sized(loaded(3, false), w, h);
    to_provider(&mut app, "apple_health_kit");
    app.toast = None;
    app
});
both_sizes!(providers_clinic_app_rows, |w, h| {
    let mut app = sized(loaded(3, false), w, h);
    app.config.mobile_app = Some(northside());
    to_provider(&mut app, "samsung_health");
    app.toast = None;
    app
});

fn northside() -> MobileApp {
    MobileApp {
        name: "Northside Health".into(),
        app_store_url: Some("https://apps.apple.com/us/app/northside-health/id1234567890".into()),
        play_store_url: Some(
            "https://play.google.com/store/apps/details?id=org.northside.health".into(),
        ),
    }
}

/// Focuses the Providers pane and highlights `slug`.
fn to_provider(app: &mut App, slug: &str) {
    app.update(key(KeyCode::Tab));
    let pos = app
        .providers
        .list
        .visible_items()
        .position(|(_, p)| p.slug == slug)
        .unwrap();
    for _ in 0..pos {
        app.update(key(KeyCode::Down));
    }
}

/// The patient-facing view in every language at 80x24: whole words, the code, the plural.
#[test]
fn app_code_patient_view_in_every_language_80x24() {
    for lang in Language::ALL {
        let mut app = shown(80, 24);
        if let Some(s) = app.screen.app_code_mut() {
            s.language = lang;
        }
        app.update(ch('K'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("skus 1a2b 3c4d"), "{lang}:\n{screen}");
        assert!(screen.contains("58"), "{lang}: minutes left\n{screen}");
        insta::assert_snapshot!(format!("app_code_patient_view_{lang}_80x24"), screen);
    }
}

#[test]
fn the_staff_view_says_what_it_must_at_80x24() {
    let app = shown(80, 24);
    let screen = render(&app, 80, 24);
    for want in [
        "skus 1a2b 3c4d",
        "type it without spaces",
        "Expires",
        "1. Scan the code: install",
        "2. In the app: Settings, enter the",
        "c copies the code",
        "patient-00003",
    ] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
    assert!(!screen.contains("/app"), "only demo mode names the page");
    let demo = render(&demo(80, 24), 80, 24);
    assert!(demo.contains("127.0.0.1:41234/app"), "{demo}");
    assert!(
        !demo.contains("/app?lang="),
        "English is the page's default: {demo}"
    );
    let big = render(&shown(160, 48), 160, 48);
    assert!(
        big.contains("█"),
        "big letters and the second code at 160x48"
    );
    assert!(big.contains("A phone that has the app"), "{big}");
}

#[test]
fn the_demo_phone_app_opens_in_the_codes_language() {
    let mut app = demo(80, 24);
    app.update(ch('L'));
    let lang = app.screen.app_code().unwrap().language;
    assert_ne!(lang, Language::En);
    let screen = render(&app, 80, 24);
    let want = format!("127.0.0.1:41234/app?lang={}", lang.tag());
    assert!(screen.contains(&want), "{want}:\n{screen}");
    // The staff view names it, as the link view's `Language` row does.
    let label = crate::link::patient_text::staff_label(lang);
    assert!(
        screen.contains(&format!("Language {label}")),
        "{label}:\n{screen}"
    );
}

/// Staff and patient read the same number of minutes: right after the mint, and later.
#[test]
fn the_staff_and_the_patient_read_the_same_minutes_left() {
    for (secs, n) in [(1, 59), (75, 58), (1800, 30), (3540, 1)] {
        let mut app = shown(80, 24);
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(secs)));
        let staff = render(&app, 80, 24);
        let words = if n == 1 { "minute" } else { "minutes" };
        if n >= 2 {
            assert!(
                staff.contains(&format!("(in {n} min)")),
                "{secs}s:\n{staff}"
            );
        } else {
            assert!(staff.contains("(in 01:00)"), "{secs}s:\n{staff}");
        }
        app.update(ch('K'));
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(secs)));
        let patient = render(&app, 80, 24);
        assert!(
            patient.contains(&format!("works for {n} more {words}.")),
            "{secs}s:\n{patient}"
        );
    }
}

/// A link too: one rule for the minutes left (whole minutes, rounded down): at the same instant, 0.2 s after
/// the mint, the staff view and the patient view both read 59.
#[test]
fn the_staff_and_the_patient_view_read_the_same_minutes_at_the_same_instant() {
    let mut app = ready(80, 24);
    let fx = app.update(ch('m'));
    let [Effect::Mint { id, .. }] = &fx[..] else {
        panic!("{fx:?}");
    };
    app.update(Msg::Minted {
        id: *id,
        at: t0(),
        result: Ok(token()),
    });
    let at = t0() + chrono::Duration::milliseconds(200);
    app.update(Msg::Tick(at));
    let staff = render(&app, 80, 24);
    assert!(staff.contains("(in 59 min)"), "{staff}");
    app.update(ch('K'));
    app.update(Msg::Tick(at));
    let patient = render(&app, 80, 24);
    assert!(patient.contains("59 minutes left"), "{patient}");
    assert!(!patient.contains("60 minutes"), "{patient}");
}

#[test]
fn a_longer_code_from_a_newer_api_is_grouped_without_big_letters() {
    let mut app = shown(160, 48);
    let mut code = app_code();
    code.code = format!("{CODE}0123XYZ9");
    code.exchange_url = format!("tryvital://tryvital?code={}", code.code);
    let user = app.screen.app_code().unwrap().user_id;
    app.screen = Screen::AppCode(ShownAppCode::new(code, user, "p".into(), t0()));
    let screen = render(&app, 160, 48);
    assert!(screen.contains("skus 1a2b 3c4d 0123 XYZ9"), "{screen}");
}

#[test]
fn the_patient_reads_the_connection_and_the_expiry_in_their_language() {
    let mut app = shown(80, 24);
    if let Some(s) = app.screen.app_code_mut() {
        s.language = Language::Es;
    }
    app.update(ch('K'));
    watched(&mut app, vec![]);
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(84)));
    watched(
        &mut app,
        vec![connection(
            "apple_health_kit",
            "Apple HealthKit",
            "2026-11-24T10:01:10Z",
        )],
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Apple Health está conectado."), "{screen}");
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(61)));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Este código ha caducado."), "{screen}");
    assert!(!screen.contains("skus 1a2b"), "no expired code: {screen}");
    assert!(!screen.contains('█'), "no App Store code once expired");
}

#[test]
fn the_patient_view_hides_the_code_when_left_idle() {
    let mut app = shown(80, 24);
    app.update(ch('K'));
    app.update(Msg::Tick(t0() + chrono::Duration::minutes(12)));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Please ask the staff to show the code again."),
        "{screen}"
    );
    assert!(
        !screen.contains("skus 1a2b") && !screen.contains('█'),
        "{screen}"
    );
    insta::assert_snapshot!("app_code_patient_view_blanked_80x24", screen);
}
