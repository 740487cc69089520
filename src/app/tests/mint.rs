//! Pure tests of minting: checks, production question, answers, errors, cancel.

use super::*;

#[test]
fn mint_needs_a_patient() {
    let mut app = loaded(2, false);
    let fx = send(&mut app, [ch('m')]);
    assert!(fx.is_empty());
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("Select a patient")
    );
}

#[test]
fn mint_success_shows_result_and_r_mints_again() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('m')]);
    let (id, req) = mint_request(&fx);
    assert!(
        app.tick_interval(t0()).is_some(),
        "the spinner animates while minting"
    );
    send(&mut app, [ch('m')]);
    assert!(app.toast.as_ref().unwrap().text.contains("already running"));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(matches!(app.screen, Screen::Link(_)));
    let r = app.screen.shown().unwrap();
    assert_eq!(r.link.client_user_id, "patient-00001");
    assert_eq!(app.remaining(), Some(Duration::from_hours(1)));
    let fx = send(&mut app, [ch('r')]);
    let (id2, req2) = mint_request(&fx);
    assert_eq!(req2, req);
    assert_ne!(id2, id);
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(
        matches!(app.screen, Screen::Link(_)),
        "Esc cancels the re-mint first"
    );
    assert!(app.requests.change().is_none());
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.screen.is_panes());
    assert!(app.patients.selected.is_some(), "selections kept");
}

#[test]
fn esc_cancels_and_stale_answers_are_ignored() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    let fx = send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(fx, vec![Effect::Cancel { id }]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(
        app.screen.shown().is_none(),
        "a cancelled mint's answer changes nothing"
    );
    assert!(app.screen.is_panes());
}

#[test]
fn production_mint_asks_first() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('m')]);
    assert!(fx.is_empty());
    assert_eq!(
        app.overlays.confirm.as_ref().unwrap().question(),
        "Mint a PRODUCTION link for patient-00001? y/N"
    );
    let fx = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        fx.is_empty() && app.overlays.confirm.is_none(),
        "Enter means the default, No"
    );
    send(&mut app, [ch('m')]);
    let fx = send(&mut app, [ch('y')]);
    mint_request(&fx);
}

#[test]
fn api_errors_land_next_to_their_field_and_keep_selections() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Tab), ch(' ')]);
    let ticked = app.providers.ticked.clone();
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Validation {
            fields: vec![FieldError {
                field: "redirect_url".into(),
                message: "URL not allowed".into(),
            }],
        }),
    });
    assert_eq!(
        app.options.redirect_error.as_deref(),
        Some("URL not allowed")
    );
    assert_eq!(app.providers.ticked, ticked);
    assert!(app.patients.selected.is_some());
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Unauthorized {
            status: 401,
            target: "sandbox/us".into(),
        }),
    });
    assert!(
        app.overlays
            .alert
            .as_ref()
            .unwrap()
            .contains("refused by sandbox/us")
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.overlays.alert.is_none());
    assert_eq!(app.providers.ticked, ticked);
}

#[test]
fn production_mint_again_asks_too() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter), ch('m')]);
    let (id, _) = mint_request(&send(&mut app, [ch('y')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(send(&mut app, [ch('r')]).is_empty());
    assert!(app.overlays.confirm.is_some());
    mint_request(&send(&mut app, [ch('y')]));
}

#[test]
fn background_task_failure_clears_the_spinner() {
    let mut app = loaded(1, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::TaskFailed {
        task: Task::Mint,
        id: Some(id),
    });
    assert!(app.requests.change().is_none());
    assert!(app.toast.as_ref().unwrap().text.contains("Internal error"));
    app.update(Msg::Quit);
    assert!(app.quit);
}

#[test]
fn read_only_mode_mints_and_creates_nothing_and_says_so() {
    let mut app = loaded(2, false);
    app.env.read_only = true;
    let fx = send(&mut app, [key(KeyCode::Enter), ch('m')]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Mint { .. })));
    let text = app.toast.as_ref().unwrap().text.clone();
    assert!(text.starts_with("Read-only mode"), "{text}");
    assert!(
        text.contains("will not mint a link; nothing was sent"),
        "{text}"
    );
    send(&mut app, [ch('n')]);
    assert!(app.overlays.prompt.is_none(), "no new-patient prompt");
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("will not create a patient")
    );
    assert!(app.requests.change().is_none());
}

#[test]
fn a_retry_wait_counts_down_and_ends_with_the_answer() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    app.update(Msg::Retrying {
        notice: crate::api::RetryNotice {
            reason: crate::api::RetryReason::RateLimited,
            wait: Duration::from_secs(12),
            next_attempt: 2,
            max_attempts: 3,
            target: "sandbox/us".into(),
        },
        at: t0(),
    });
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(5)));
    let wait = app.retry_wait().expect("waiting").describe(app.now);
    assert_eq!(
        wait,
        "rate limited by sandbox/us, retrying in 7 s (attempt 2 of 3)"
    );
    app.update(Msg::Minted {
        id,
        at: t0() + chrono::Duration::seconds(13),
        result: Ok(token()),
    });
    assert!(app.retry_wait().is_none() && app.retrying.is_none());
}

#[test]
fn a_direct_provider_outside_the_allowlist_is_refused_next_to_the_field() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    app.providers.ticked.insert("oura".into());
    app.providers.direct = Some("garmin".into());
    let fx = send(&mut app, [ch('m')]);
    assert!(fx.is_empty(), "nothing is sent: {fx:?}");
    let toast = app.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Error);
    assert!(
        toast
            .text
            .starts_with("the direct provider garmin is not in the allowlist"),
        "{}",
        toast.text
    );
    assert_eq!(app.providers.error.as_deref(), Some(toast.text.as_str()));
    // S refuses the same choices, before asking for a name.
    app.providers.error = None;
    send(&mut app, [ch('S')]);
    assert!(app.overlays.prompt.is_none(), "no name is asked for");
    assert!(app.providers.error.is_some());
    // With garmin allowed too, both go ahead.
    app.providers.ticked.insert("garmin".into());
    send(&mut app, [ch('S')]);
    assert!(app.overlays.prompt.is_some());
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(!mint_request(&send(&mut app, [ch('m')])).1.user_id.is_nil());
}

#[test]
fn several_problems_are_each_said_by_their_field() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Enter)]);
    app.providers.ticked.insert("oura".into());
    app.providers.direct = Some("garmin".into());
    app.options.redirect_url = Some("example.com/done".into());
    assert!(send(&mut app, [ch('m')]).is_empty());
    let toast = app.toast.clone().unwrap();
    assert!(
        toast.text.ends_with("(and 1 more: see the panes)"),
        "{}",
        toast.text
    );
    assert!(
        app.providers
            .error
            .as_deref()
            .unwrap()
            .contains("not in the allowlist")
    );
    assert!(
        app.options
            .redirect_error
            .as_deref()
            .unwrap()
            .contains("start with https://")
    );
}
