//! Property tests: random sequences of keys, pastes, resizes, ticks and API answers through
//! `update` never panic and always keep the state's invariants.

use proptest::prelude::*;

use super::*;

/// Keys a user (or a cat on the keyboard) might press.
fn any_key() -> impl Strategy<Value = Msg> {
    let codes = prop_oneof![
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::Backspace),
        "[ a-zA-Z0-9/?@.:-]".prop_map(|s| KeyCode::Char(s.chars().next().unwrap())),
    ];
    (codes, any::<bool>()).prop_map(|(code, ctrl)| {
        // Ctrl-C quits: leave it out so the walk goes on.
        let mods = if ctrl && code != KeyCode::Char('c') {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        Msg::Key(KeyEvent::new(code, mods))
    })
}

/// Answers the runtime could deliver at any moment, stale or not.
fn any_answer() -> impl Strategy<Value = Msg> {
    let id = (0u64..8).prop_map(RequestId);
    prop_oneof![
        (id.clone(), any::<bool>()).prop_map(|(id, ok)| Msg::Minted {
            id,
            at: t0(),
            result: if ok {
                Ok(token())
            } else {
                Err(ApiError::Unauthorized {
                    status: 401,
                    target: "sandbox/us".into(),
                })
            },
        }),
        (id.clone(), 0usize..40).prop_map(|(request, n)| Msg::UsersLoaded {
            request,
            result: Ok(UsersPage {
                users: (1..=n).map(user).collect(),
                total: 40,
                offset: 0,
                limit: 500,
            }),
        }),
        id.clone().prop_map(|id| Msg::UserCreated {
            id,
            at: t0(),
            result: Ok(CreatedUser {
                user_id: Uuid::new_v4(),
                client_user_id: "walk-in".into(),
            }),
        }),
        (0i64..7200).prop_map(|s| Msg::Tick(t0() + chrono::Duration::seconds(s))),
        (40u16..220, 10u16..70).prop_map(|(w, h)| Msg::Resize(w, h)),
        "[a-z\\x1b\\n]{0,20}".prop_map(Msg::Paste),
        id.clone().prop_map(|id| Msg::ProvidersLoaded {
            id,
            result: Err(ApiError::Unauthorized {
                status: 401,
                target: "sandbox/us".into(),
            }),
        }),
        Just(()).prop_map(|()| copied(link_url())),
    ]
}

fn check_invariants(app: &App) -> Result<(), TestCaseError> {
    for slug in &app.providers.ticked {
        let linkable = catalog::get(slug).is_some_and(catalog::CatalogEntry::can_link);
        prop_assert!(linkable, "ticked {slug} is not a linkable catalog entry");
    }
    if let Some(d) = &app.providers.direct {
        prop_assert!(catalog::get(d).is_some_and(catalog::CatalogEntry::can_link));
    }
    if let Some(id) = app.patients.selected {
        prop_assert!(
            app.patients.find(id).is_some(),
            "the selected patient is listed"
        );
    }
    let p = &app.patients.list;
    prop_assert!(p.visible().is_empty() || p.state().cursor() < p.visible().len());
    let v = &app.providers.list;
    prop_assert!(v.visible().is_empty() || v.state().cursor() < v.visible().len());
    // The highlight is on screen: inside the rows the layout gives each list.
    let rows = layout::areas(app.size).patients.list.height as usize;
    let s = p.state();
    if !p.visible().is_empty() && !layout::too_small(app.size) {
        prop_assert!(s.offset() <= s.cursor() && s.cursor() < s.offset() + rows);
    }
    if let Some(h) = &app.overlays.history {
        let (s, rows) = (h.list, layout::history(app.size).list.height as usize);
        prop_assert!(s.offset() <= s.cursor() && s.cursor() < s.offset() + rows.max(1));
    }
    // One overlay owns the keys, and it is the one painted last.
    match app.overlays.top() {
        Some(top) => {
            prop_assert_eq!(app.overlays.bottom_up().last(), Some(top));
            let active = app.contexts();
            prop_assert!(top.contexts().iter().all(|c| active.contains(c)));
            for below in [
                keymap::Ctx::Panes,
                keymap::Ctx::LinkView,
                keymap::Ctx::PatientView,
            ] {
                prop_assert!(!active.contains(&below), "{below:?} under {top:?}");
            }
        }
        None => prop_assert!(app.overlays.bottom_up().next().is_none()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_walks_never_panic_and_keep_the_invariants(
        msgs in proptest::collection::vec(prop_oneof![4 => any_key(), 1 => any_answer()], 1..120),
        production in any::<bool>(),
    ) {
        let mut app = loaded(40, production);
        for msg in msgs {
            app.update(msg);
            check_invariants(&app)?;
            if app.quit {
                break;
            }
        }
    }
}
