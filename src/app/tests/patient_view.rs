//! Pure tests of the patient-facing view: any key returns, idle blank, new links.

use super::*;

#[test]
fn a_mint_answer_keeps_the_patient_view_and_closes_a_filter_prompt() {
    let mut app = loaded(2, false);
    show_link(&mut app);
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    send(&mut app, [ch('K')]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(
        matches!(app.screen, Screen::PatientView { .. }),
        "the patient keeps seeing the patient view"
    );
    send(&mut app, [ch('z'), key(KeyCode::Esc)]);
    let (id, _) = mint_request(&send(&mut app, [ch('m')]));
    send(&mut app, [ch('/')]);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(app.overlays.prompt.is_none() && matches!(app.screen, Screen::Link(_)));
}

#[test]
fn kiosk_any_key_returns_and_blanks_after_idle() {
    let mut app = loaded(1, false);
    app.config.patient_view_idle = Duration::from_mins(2);
    show_link(&mut app);
    send(&mut app, [ch('K')]);
    assert!(matches!(app.screen, Screen::PatientView { .. }));
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(119)));
    assert!(!app.patient_view_blanked());
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(120)));
    assert!(app.patient_view_blanked());
    send(&mut app, [ch('z')]);
    assert!(matches!(app.screen, Screen::Link(_)));
    assert!(!app.patient_view_blanked());
}
