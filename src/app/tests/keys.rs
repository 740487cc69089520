//! Pure tests of key routing: panes, quit, releases, and every binding reachable.

use super::*;

#[test]
fn tab_cycles_panes_and_options_starts_at_first_row() {
    let mut app = loaded(3, false);
    assert_eq!(app.focus, Pane::Patients);
    app.options.row = OptionRow::OnClose;
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Pane::Providers);
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(
        (app.focus, app.options.row),
        (Pane::Options, OptionRow::RedirectUrl)
    );
    send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Pane::Patients);
    send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        ))],
    );
    assert_eq!(app.focus, Pane::Options);
}

#[test]
fn quit_keys() {
    let mut app = loaded(1, false);
    send(&mut app, [ch('q')]);
    assert!(app.quit);
    let mut app = loaded(1, false);
    send(
        &mut app,
        [
            ch('n'),
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        ],
    );
    assert!(app.quit, "Ctrl-C quits even from a prompt");
}

#[test]
fn key_releases_are_ignored() {
    let mut app = loaded(1, false);
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = crossterm::event::KeyEventKind::Release;
    app.update(Msg::Key(release));
    assert!(!app.quit);
}

#[test]
fn every_action_in_the_key_table_is_reachable() {
    use keymap::{BINDINGS, Ctx};
    // For each binding, put the app into the state where its context is active and check that
    // its first key reaches its action there (what each action does is tested above).
    // The profile picker runs before the app: its keys are checked in `app::profile_picker`.
    for b in BINDINGS.iter().filter(|b| b.ctx != Ctx::ProfilePicker) {
        if b.keys.is_empty() {
            continue;
        }
        let mut app = loaded(5, false);
        match b.ctx {
            Ctx::Providers => app.focus = Pane::Providers,
            Ctx::Options => app.focus = Pane::Options,
            Ctx::LinkView | Ctx::Busy => {
                app.update(key(KeyCode::Enter));
                let (id, _) = mint_request(&app.update(ch('m')));
                app.update(Msg::Minted {
                    id,
                    at: t0(),
                    result: Ok(token()),
                });
                if b.ctx == Ctx::Busy {
                    app.update(ch('r'));
                }
            }
            Ctx::AppCodeView => {
                super::app_code::show_app_code(&mut app);
            }
            Ctx::ClinicAppView => {
                let url = "https://apps.apple.com/us/app/clinic/1";
                app.screen = Screen::ClinicApp(crate::app::app_code::ClinicApp {
                    app: crate::setup::config::MobileApp {
                        name: "Clinic".into(),
                        app_store_url: Some(url.into()),
                        play_store_url: None,
                    },
                    provider: "Health Connect".into(),
                    store_url: url.into(),
                    codes: crate::link::qr::LinkCodes::encode(url),
                });
            }
            Ctx::Loading => {
                app.update(ch('R'));
            }
            Ctx::Filtering => {
                app.update(ch('/'));
            }
            Ctx::Prompt => {
                app.update(ch('n'));
            }
            Ctx::Confirm => {
                app.env.badge = production_badge();
                app.update(key(KeyCode::Enter));
                app.update(ch('m'));
            }
            Ctx::Help => {
                app.update(ch('?'));
            }
            Ctx::Alert => {
                app.overlays.alert = Some("refused".into());
            }
            Ctx::Presets => {
                app = super::presets::with_presets(app);
                app.update(ch('P'));
            }
            Ctx::History => {
                app.update(ch('H'));
            }
            Ctx::Filtered => {
                app.update(ch('/'));
                app.update(ch('1'));
                app.update(key(KeyCode::Enter));
            }
            Ctx::Queue
            | Ctx::QueueSummary
            | Ctx::QueueCountdown
            | Ctx::QueueRetry
            | Ctx::QueueBack => {
                queue_in(&mut app, b.ctx);
            }
            Ctx::QueuePreview => {
                app.open_queue_file(crate::queue_file::parse(b"p1\n").unwrap());
            }
            Ctx::QueuePreviewConnected => {
                reload_with(&mut app, team(2, &[2]));
                app.open_queue_file(crate::queue_file::parse(b"p1\np2\n").unwrap());
                app.update(Msg::Tick(t0()));
            }
            Ctx::QueueQuestion => {
                reload_with(&mut app, team(2, &[2]));
                send(&mut app, [ch('*'), ch('O')]);
            }
            _ => {}
        }
        assert!(
            app.contexts().contains(&b.ctx),
            "{:?} not active for {:?}",
            b.ctx,
            b.action
        );
        let k = b.keys[0];
        let got = keymap::lookup(&app.contexts(), &KeyEvent::new(k.code, k.mods));
        assert_eq!(got, Some(b.action), "{:?} in {:?}", k, b.ctx);
    }
}

/// A queue of two started in the staff view, in the state where `ctx`'s keys work.
fn queue_in(app: &mut App, ctx: crate::app::keymap::Ctx) {
    use crate::app::keymap::Ctx;
    app.config.queue_patient_facing = false;
    send(app, [ch(' '), ch('j'), ch(' '), ch('O'), ch('y')]);
    let q = app.queue.as_mut().expect("started");
    match ctx {
        Ctx::QueueSummary => {
            send(app, [ch('x'), ch('y')]);
        }
        Ctx::QueueCountdown => {
            q.phase = crate::app::queue::Phase::Connected {
                next_at: t0(),
                held: false,
            };
        }
        Ctx::QueueBack => q.current = 1,
        _ => {}
    }
}

#[test]
fn on_the_too_small_screen_only_quit_works() {
    let mut app = loaded(5, false);
    app.update(key(KeyCode::Enter));
    app.update(Msg::Resize(60, 20));
    let before = (app.focus, app.providers.ticked.len(), app.overlays.top());
    for m in [
        ch('m'),
        ch('a'),
        key(KeyCode::Tab),
        ch('x'),
        ch('?'),
        ch('/'),
        ch('n'),
    ] {
        assert!(app.update(m).is_empty(), "nothing is sent unseen");
    }
    assert_eq!(
        (app.focus, app.providers.ticked.len(), app.overlays.top()),
        before,
        "nothing changes unseen"
    );
    assert!(app.requests.change().is_none());
    app.update(ch('q'));
    assert!(app.quit, "q still quits");
    let mut app = loaded(5, false);
    app.update(Msg::Resize(60, 20));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.quit, "Ctrl-C still quits");
}
