//! Presets: `P` lists them, Enter fills the panes, the Options pane names the active one and
//! marks it modified, `S` saves the current choices as a new one.

use super::*;
use crate::api::RedirectBehaviour;
use crate::app::overlay::OverlayKind;
use crate::app::presets::PresetPicker;
use crate::setup::config::Preset;

pub(crate) fn wearables() -> Preset {
    Preset {
        name: "wearables".into(),
        providers: Some(vec!["oura".into(), "fitbit".into()]),
        provider: None,
        redirect_url: Some("https://example.com/done".into()),
        on_error: Some(RedirectBehaviour::Redirect),
        on_close: None,
        environment: None,
    }
}

pub(crate) fn with_presets(mut app: App) -> App {
    let dexcom = Preset {
        name: "dexcom".into(),
        provider: Some("dexcom_v3".into()),
        ..Preset::default()
    };
    app.presets.all = vec![wearables(), dexcom];
    app.config.config_path = Some("/nonexistent/config.toml".into());
    app
}

#[test]
fn p_opens_the_list_and_enter_fills_the_panes() {
    let mut app = with_presets(loaded(5, false));
    app.update(ch('P'));
    assert_eq!(app.overlays.top(), Some(OverlayKind::Presets));
    assert_eq!(app.overlays.presets, Some(PresetPicker::default()));
    // The list owns the keys: j moves in it, not in the patient list.
    let before = app.patients.list.state().cursor();
    app.update(ch('j'));
    app.update(ch('k'));
    assert_eq!(app.patients.list.state().cursor(), before);
    app.update(key(KeyCode::Enter));
    assert_eq!(app.overlays.top(), None);
    let ticked: Vec<&str> = app.providers.ticked.iter().map(String::as_str).collect();
    assert_eq!(ticked, ["fitbit", "oura"]);
    assert_eq!(
        app.options.redirect_url.as_deref(),
        Some("https://example.com/done")
    );
    assert!(app.options.on_error && !app.options.on_close);
    assert_eq!(app.preset_label().as_deref(), Some("Preset: wearables"));
}

#[test]
fn a_change_marks_the_preset_modified_and_undoing_it_clears_the_mark() {
    let mut app = with_presets(loaded(5, false));
    send(&mut app, [ch('P'), key(KeyCode::Enter)]);
    // Options pane: On error is the second row.
    send(&mut app, [key(KeyCode::BackTab), ch('j'), ch(' ')]);
    assert!(!app.options.on_error);
    assert_eq!(
        app.preset_label().as_deref(),
        Some("Preset: wearables (modified)")
    );
    send(&mut app, [ch(' ')]);
    assert_eq!(app.preset_label().as_deref(), Some("Preset: wearables"));
}

#[test]
fn the_second_preset_sets_a_direct_provider_and_clears_the_rest() {
    let mut app = with_presets(loaded(5, false));
    send(&mut app, [ch('P'), key(KeyCode::Enter)]);
    send(&mut app, [ch('P'), ch('j'), key(KeyCode::Enter)]);
    assert!(app.providers.ticked.is_empty());
    assert_eq!(app.providers.direct.as_deref(), Some("dexcom_v3"));
    assert_eq!(app.options.redirect_url, None);
    assert!(!app.options.on_error);
    assert_eq!(app.preset_label().as_deref(), Some("Preset: dexcom"));
}

#[test]
fn esc_closes_the_list_and_changes_nothing() {
    let mut app = with_presets(loaded(5, false));
    send(&mut app, [ch('P'), key(KeyCode::Esc)]);
    assert_eq!(app.overlays.top(), None);
    assert!(app.providers.ticked.is_empty());
    assert_eq!(app.preset_label(), None);
}

#[test]
fn p_without_presets_says_how_to_make_one() {
    let mut app = loaded(5, false);
    app.update(ch('P'));
    assert_eq!(app.overlays.top(), None);
    assert!(app.toast.as_ref().unwrap().text.contains("S saves"));
}

#[test]
fn s_saves_the_current_choices_under_a_new_name() {
    let mut app = with_presets(loaded(5, false));
    send(&mut app, [ch('P'), key(KeyCode::Enter)]);
    app.update(ch('S'));
    assert_eq!(app.overlays.top(), Some(OverlayKind::Prompt));
    // A taken name keeps the prompt open with the reason.
    let fx = send(
        &mut app,
        typed("dexcom").into_iter().chain([key(KeyCode::Enter)]),
    );
    assert!(fx.is_empty());
    assert!(
        app.overlays
            .prompt
            .as_ref()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("exists")
    );
    for _ in 0..6 {
        app.update(key(KeyCode::Backspace));
    }
    let fx = send(
        &mut app,
        typed("clinic").into_iter().chain([key(KeyCode::Enter)]),
    );
    let [Effect::SavePreset { id, path, preset }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    assert_eq!(path, std::path::Path::new("/nonexistent/config.toml"));
    let mut ticks = preset.providers.clone().unwrap();
    ticks.sort();
    assert_eq!(ticks, ["fitbit", "oura"]);
    let expected = Preset {
        name: "clinic".into(),
        providers: preset.providers.clone(),
        ..wearables()
    };
    assert_eq!(preset, &expected);
    assert_eq!(app.overlays.top(), None);
    app.update(Msg::PresetSaved {
        id: *id,
        preset: preset.clone(),
        result: Ok(()),
    });
    assert_eq!(app.presets.all.len(), 3);
    assert_eq!(app.preset_label().as_deref(), Some("Preset: clinic"));
    let id = app
        .requests
        .start(crate::app::requests::Pending::SavePreset);
    app.update(Msg::PresetSaved {
        id,
        preset: Preset {
            name: "x".into(),
            ..Preset::default()
        },
        result: Err("disk full".into()),
    });
    assert_eq!(app.presets.all.len(), 3);
    assert!(app.toast.as_ref().unwrap().text.contains("disk full"));
}

#[test]
fn a_preset_for_another_environment_warns() {
    let mut app = loaded(5, true);
    app.presets.all = vec![Preset {
        environment: Some("sandbox".into()),
        ..wearables()
    }];
    send(&mut app, [ch('P'), key(KeyCode::Enter)]);
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warning);
    assert!(
        toast
            .text
            .ends_with("(meant for sandbox; this is production)"),
        "{}",
        toast.text
    );
}

#[test]
fn a_production_preset_in_the_demo_names_the_demo() {
    let cgm = Preset {
        name: "cgm".into(),
        provider: Some("dexcom_v3".into()),
        environment: Some("production".into()),
        ..Preset::default()
    };
    for (badge, said) in [
        (Badge::Demo, "(meant for production; this is the demo)"),
        (env(false).badge, "(meant for production; this is sandbox)"),
    ] {
        let mut app = loaded(5, false);
        app.env.badge = badge;
        app.presets.all = vec![cgm.clone()];
        send(&mut app, [ch('P'), key(KeyCode::Enter)]);
        let toast = app.toast.as_ref().unwrap();
        assert_eq!(toast.level, Level::Warning);
        assert!(toast.text.ends_with(said), "{}", toast.text);
    }
}

#[test]
fn a_config_notice_shows_as_a_warning() {
    let mut app = loaded(5, false);
    app.config_notice("the config file c.toml is not valid: line 2, column 3: x".into());
    assert_eq!(app.toast.as_ref().unwrap().level, Level::Warning);
}

#[test]
fn a_mint_records_the_active_preset_in_the_audit_log() {
    let mut app = with_presets(loaded(5, false));
    send(
        &mut app,
        [ch('P'), key(KeyCode::Enter), key(KeyCode::Enter)],
    );
    let fx = send(&mut app, [ch('m')]);
    let (id, _) = mint_request(&fx);
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    let preset = fx.iter().find_map(|e| match e {
        Effect::Audit(ev) => Some(ev.preset.clone()),
        _ => None,
    });
    assert_eq!(preset, Some(Some("wearables".to_string())));
}

#[test]
fn the_profiles_default_preset_fills_the_panes_at_start_and_an_unknown_one_is_said() {
    let config = crate::setup::config::Config {
        preset: vec![wearables()],
        ..Default::default()
    };
    let mut console = ConsoleConfig::new(&config, chrono::FixedOffset::east_opt(0).unwrap());
    console.start_preset = Some("wearables".into());
    let mut app = App::new(env(false), console.clone(), t0(), Rect::new(0, 0, 80, 24));
    app.start();
    assert_eq!(app.presets.active.as_deref(), Some("wearables"));
    let ticked: Vec<&str> = app.providers.ticked.iter().map(String::as_str).collect();
    assert_eq!(ticked, ["fitbit", "oura"]);

    console.start_preset = Some("gone".into());
    let mut app = App::new(env(false), console, t0(), Rect::new(0, 0, 80, 24));
    app.start();
    assert_eq!(app.presets.active, None);
    assert!(app.providers.ticked.is_empty());
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warning);
    assert!(
        toast.text.contains("\"gone\" is not a [[preset]]"),
        "{}",
        toast.text
    );
}
