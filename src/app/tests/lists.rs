//! The one rule every list keeps (Patient and Providers panes, the preset list, the history,
//! the profile picker): a new query puts the highlight on the best match, the first row; rows
//! that change under the same query keep the highlighted item while it is listed, else the
//! nearest row; pages are the rows the layout gives the list.

use super::history::{records, with_history};
use super::presets::with_presets;
use super::*;
use crate::app::list::Motion;
use crate::app::profile_picker::ProfilePicker;
use crate::setup::config::Preset;

fn highlighted_patient(app: &App) -> String {
    app.patients
        .highlighted()
        .unwrap()
        .client_user_id
        .to_string()
}

fn patient_cursor(app: &App) -> (usize, usize) {
    let s = app.patients.list.state();
    (s.cursor(), s.offset())
}

#[test]
fn patients_a_new_filter_highlights_its_best_match_at_the_top() {
    let mut app = loaded(30, false);
    send(&mut app, [key(KeyCode::End)]);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("00012"));
    assert_eq!(patient_cursor(&app), (0, 0));
    assert_eq!(highlighted_patient(&app), "patient-00012");
}

#[test]
fn patients_a_reload_keeps_the_patient_else_the_nearest_row() {
    let mut app = loaded(30, false);
    send(&mut app, (0..10).map(|_| ch('j')));
    assert_eq!(highlighted_patient(&app), "patient-00011");
    // The first patient left the team: the same patient, one row up.
    reload_with(&mut app, (2..=30).map(user).collect());
    assert_eq!(highlighted_patient(&app), "patient-00011");
    assert_eq!(patient_cursor(&app).0, 9);
    // Now it left too: the row where it was.
    reload_with(&mut app, (2..=30).filter(|&n| n != 11).map(user).collect());
    assert_eq!(highlighted_patient(&app), "patient-00012");
    // The list shrank under it: the last row.
    reload_with(&mut app, (1..=5).map(user).collect());
    assert_eq!(highlighted_patient(&app), "patient-00005");
}

#[test]
fn patients_a_reload_scrolls_to_the_kept_patient() {
    let mut app = loaded(60, false);
    let rows = layout::areas(app.size).patients.list.height as usize;
    send(&mut app, [key(KeyCode::End)]);
    assert_eq!(patient_cursor(&app), (59, 60 - rows));
    // Twenty new patients come first: the highlight follows its patient down, in view.
    let mut users: Vec<User> = (61..=80).map(user).collect();
    users.extend((1..=60).map(user));
    reload_with(&mut app, users);
    assert_eq!(highlighted_patient(&app), "patient-00060");
    assert_eq!(patient_cursor(&app), (79, 80 - rows));
}

#[test]
fn patients_page_by_the_rows_the_layout_gives_the_list() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = loaded(200, false);
        app.update(Msg::Resize(w, h));
        let rows = layout::areas(app.size).patients.list.height as usize;
        send(&mut app, [key(KeyCode::PageDown)]);
        assert_eq!(patient_cursor(&app), (rows, 1), "{w}x{h}");
        send(&mut app, [key(KeyCode::PageDown), key(KeyCode::PageUp)]);
        assert_eq!(patient_cursor(&app).0, rows, "{w}x{h}");
    }
}

fn highlighted_provider(app: &App) -> String {
    app.providers.highlighted().unwrap().slug.clone()
}

fn providers(slugs: &[&str]) -> Vec<Provider> {
    catalog::all()
        .iter()
        .map(crate::link::catalog::CatalogEntry::to_provider)
        .filter(|p| slugs.contains(&p.slug.as_str()))
        .collect()
}

#[test]
fn providers_a_new_filter_highlights_its_best_match() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab)]);
    while highlighted_provider(&app) != "oura" {
        send(&mut app, [ch('j')]);
    }
    send(&mut app, [ch('/'), ch('o')]);
    let l = &app.providers.list;
    let first = &l.items()[l.visible()[0]].slug;
    assert_ne!(first, "oura", "the filter lets through others before it");
    assert!(l.visible().iter().any(|&i| l.items()[i].slug == "oura"));
    assert_eq!((l.state().cursor(), l.state().offset()), (0, 0));
    assert_eq!(&highlighted_provider(&app), first);
    // Typing on keeps narrowing from the first row; the arrows then move among the matches.
    send(&mut app, [key(KeyCode::Down)]);
    send(&mut app, [ch('u')]);
    assert_eq!(app.providers.list.state().cursor(), 0);
}

#[test]
fn providers_a_reload_keeps_the_provider_else_the_nearest_row() {
    let mut app = loaded(3, false);
    send(&mut app, [key(KeyCode::Tab)]);
    let all = ["oura", "fitbit", "garmin", "withings", "polar"];
    answer(&mut app, Pending::Providers, |id| Msg::ProvidersLoaded {
        id,
        result: Ok(providers(&all)),
    });
    send(&mut app, [ch('j'), ch('j')]);
    let before = highlighted_provider(&app);
    let cursor = app.providers.list.state().cursor();
    // Reloaded with one provider less, ahead of it: the same provider, one row up.
    let first = app.providers.list.items()[0].slug.clone();
    let fewer: Vec<&str> = all.iter().copied().filter(|s| *s != first).collect();
    answer(&mut app, Pending::Providers, |id| Msg::ProvidersLoaded {
        id,
        result: Ok(providers(&fewer)),
    });
    assert_eq!(highlighted_provider(&app), before);
    assert_eq!(app.providers.list.state().cursor(), cursor - 1);
    // Gone: the provider now on its row.
    let gone: Vec<&str> = fewer.iter().copied().filter(|s| *s != before).collect();
    answer(&mut app, Pending::Providers, |id| Msg::ProvidersLoaded {
        id,
        result: Ok(providers(&gone)),
    });
    assert_eq!(app.providers.list.state().cursor(), cursor - 1);
    assert_ne!(highlighted_provider(&app), before);
}

#[test]
fn providers_page_by_the_rows_the_layout_gives_the_list() {
    let mut app = loaded(3, false);
    let rows = layout::areas(app.size).providers.list.height as usize;
    send(&mut app, [key(KeyCode::Tab), key(KeyCode::PageDown)]);
    assert_eq!(app.providers.list.state().cursor(), rows);
    send(&mut app, [key(KeyCode::PageUp)]);
    assert_eq!(app.providers.list.state().cursor(), 0);
}

/// `n` presets, named `preset-00`…
fn many_presets(mut app: App, n: usize) -> App {
    app.presets.all = (0..n)
        .map(|i| Preset {
            name: format!("preset-{i:02}"),
            ..Preset::default()
        })
        .collect();
    app
}

fn preset_list(app: &App) -> crate::app::list::ListState {
    app.overlays.presets.unwrap().list
}

#[test]
fn presets_page_by_the_rows_the_layout_gives_the_list_and_scroll_only_when_needed() {
    let mut app = many_presets(loaded(3, false), 40);
    app.update(ch('P'));
    let rows = layout::presets(app.size, 40).list.height as usize;
    assert!(rows > 5 && rows < 40, "{rows}");
    app.move_preset_cursor(Motion::PageDown);
    assert_eq!(preset_list(&app).cursor(), rows);
    app.move_preset_cursor(Motion::End);
    app.move_preset_cursor(Motion::Up);
    assert_eq!(
        (preset_list(&app).cursor(), preset_list(&app).offset()),
        (38, 40 - rows),
        "moving up inside the window does not scroll it"
    );
    send(&mut app, [ch('k')]);
    assert_eq!(preset_list(&app).offset(), 40 - rows);
}

#[test]
fn presets_open_on_the_active_one_in_view_and_a_saved_one_keeps_the_highlight() {
    let mut app = many_presets(loaded(3, false), 40);
    app.presets.active = Some("preset-30".into());
    app.update(ch('P'));
    let rows = layout::presets(app.size, 40).list.height as usize;
    let list = preset_list(&app);
    assert_eq!(list.cursor(), 30);
    assert_eq!(list.offset(), 31 - rows);
    // A preset saved meanwhile is added at the end: the highlight stays on the same one.
    answer(&mut app, Pending::SavePreset, |id| Msg::PresetSaved {
        id,
        preset: Preset {
            name: "new".into(),
            ..Preset::default()
        },
        result: Ok(()),
    });
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.toast.as_ref().unwrap().text.split(':').next(),
        Some("Preset preset-30")
    );
}

#[test]
fn presets_with_few_rows_move_as_before() {
    let mut app = with_presets(loaded(3, false));
    app.update(ch('P'));
    send(&mut app, [ch('j'), ch('j')]);
    assert_eq!(preset_list(&app).cursor(), 1, "stops at the last");
}

fn history_list(app: &App) -> crate::app::list::ListState {
    app.overlays.history.as_ref().unwrap().list
}

fn highlighted_link(app: &App) -> String {
    let h = app.overlays.history.as_ref().unwrap();
    h.highlighted().unwrap().minted.client_user_id.clone()
}

#[test]
fn history_a_new_filter_highlights_its_first_row() {
    let mut app = with_history(loaded(5, false));
    send(&mut app, [ch('j'), ch('j')]);
    send(&mut app, [ch('/')]);
    send(&mut app, typed("wearables"));
    assert_eq!(history_list(&app), crate::app::list::ListState::default());
    assert_eq!(highlighted_link(&app), "patient-00001");
}

#[test]
fn history_read_again_keeps_the_link_else_the_nearest_row() {
    let mut app = with_history(loaded(5, false));
    send(&mut app, [ch('j')]);
    assert_eq!(highlighted_link(&app), "patient-00002");
    // A newer link came first: the same link, one row down.
    let mut newer = records();
    newer.insert(0, records()[2].clone());
    newer[0].minted.client_user_id = "patient-00009".into();
    answer(&mut app, Pending::History, |id| Msg::HistoryLoaded {
        id,
        result: Ok(newer.clone()),
    });
    assert_eq!(highlighted_link(&app), "patient-00002");
    assert_eq!(history_list(&app).cursor(), 2);
    // Gone: the link now on its row.
    newer.remove(2);
    answer(&mut app, Pending::History, |id| Msg::HistoryLoaded {
        id,
        result: Ok(newer),
    });
    assert_eq!(highlighted_link(&app), "patient-00003");
}

#[test]
fn history_pages_by_the_rows_the_layout_gives_the_list() {
    let mut app = loaded(5, false);
    app.update(ch('H'));
    let many = super::history::rows(50);
    answer(&mut app, Pending::History, |id| Msg::HistoryLoaded {
        id,
        result: Ok(many),
    });
    let rows = layout::history(app.size).list.height as usize;
    assert!(rows > 1 && rows < 50, "{rows}");
    app.move_history_cursor(Motion::PageDown);
    assert_eq!(history_list(&app).cursor(), rows);
    assert_eq!(highlighted_link(&app), format!("row-{rows:02}"));
    app.move_history_cursor(Motion::End);
    send(&mut app, [ch('k'), ch('k')]);
    assert_eq!(
        (history_list(&app).cursor(), history_list(&app).offset()),
        (47, 50 - rows),
        "moving up inside the window does not scroll it"
    );
    // A smaller screen keeps the highlight in view.
    app.update(Msg::Resize(80, 30));
    let rows = layout::history(app.size).list.height as usize;
    let list = history_list(&app);
    assert!(list.offset() <= 47 && 47 < list.offset() + rows);
}

fn picker(n: usize) -> ProfilePicker {
    let entries = (0..n)
        .map(|i| crate::setup::profiles::Entry {
            name: format!("team-{i:02}"),
            environment: "sandbox".into(),
            region: "us".into(),
            base_url: None,
            key: crate::setup::profiles::Stored::No,
            default: i == 3,
            read_only: false,
        })
        .collect();
    ProfilePicker::new(entries)
}

#[test]
fn the_profile_picker_pages_by_the_rows_the_layout_gives_it() {
    let mut p = picker(40);
    p.resize(80, 24);
    assert_eq!(p.list.cursor(), 3, "starts on the default");
    let rows = layout::profile_picker(Rect::new(0, 0, 80, 24), 40)
        .list
        .height as usize;
    assert!(rows > 1 && rows < 40, "{rows}");
    p.move_highlight(Motion::Home);
    p.move_highlight(Motion::PageDown);
    assert_eq!((p.list.cursor(), p.list.offset()), (rows, 1));
    p.move_highlight(Motion::End);
    p.key(crossterm::event::KeyEvent::new(
        KeyCode::Up,
        KeyModifiers::NONE,
    ));
    assert_eq!(
        (p.list.cursor(), p.list.offset()),
        (38, 40 - rows),
        "moving up inside the window does not scroll it"
    );
    // A smaller terminal keeps the highlight in view.
    p.resize(80, 12);
    let rows = layout::profile_picker(Rect::new(0, 0, 80, 12), 40)
        .list
        .height as usize;
    assert!(p.list.offset() <= 38 && 38 < p.list.offset() + rows);
}
