//! The patient's language: a new link starts in the default (`patient_language`), `L` in the
//! staff link view cycles it, `r` and a re-mint from `H` keep it, the audit rows record it.

use super::*;
use crate::audit::{Event, Outcome};
use crate::i18n::Language;

fn shown_language(app: &App) -> Language {
    app.screen.shown().expect("a link on screen").language
}

/// The `Minted` row among `effects`.
fn minted_row(effects: &[Effect]) -> Event {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Audit(ev) if ev.outcome == Outcome::Minted => Some((**ev).clone()),
            _ => None,
        })
        .expect("a Minted row")
}

/// The mint in flight answers with the test token at `t0`.
fn answer_mint(app: &mut App, effects: &[Effect]) -> Vec<Effect> {
    let (id, _) = mint_request(effects);
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    })
}

#[test]
fn l_cycles_the_shown_links_language_and_says_which() {
    let mut app = loaded(2, false);
    show_link(&mut app);
    assert_eq!(shown_language(&app), Language::En);
    send(&mut app, [ch('L')]);
    assert_eq!(shown_language(&app), Language::Es);
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "The patient will read Español (es): K shows it"
    );
    send(&mut app, [ch('L'), ch('L'), ch('L')]);
    assert_eq!(shown_language(&app), Language::PtBr);
    send(&mut app, [ch('L')]);
    assert_eq!(shown_language(&app), Language::En, "back to the first");
    // In the patient-facing view, L is any key: it returns, the language stays.
    send(&mut app, [ch('L'), ch('K')]);
    assert!(matches!(app.screen, Screen::PatientView { .. }));
    send(&mut app, [ch('L')]);
    assert!(matches!(app.screen, Screen::Link(_)));
    assert_eq!(shown_language(&app), Language::Es);
    // In the panes L does nothing.
    send(&mut app, [key(KeyCode::Esc), ch('L')]);
    assert!(app.screen.is_panes());
}

#[test]
fn a_new_link_starts_in_the_default_language_and_its_row_records_it() {
    let mut app = loaded(2, false);
    app.config.patient_language = Language::De;
    send(&mut app, [key(KeyCode::Enter)]);
    let fx = send(&mut app, [ch('m')]);
    let fx = answer_mint(&mut app, &fx);
    assert_eq!(shown_language(&app), Language::De);
    assert_eq!(minted_row(&fx).language.as_deref(), Some("de"));
    // The minted row records the link's expiry (its hour); only the minted row.
    let expiry = t0() + chrono::Duration::minutes(crate::link::LIFETIME_MINUTES);
    assert_eq!(minted_row(&fx).expires_at, Some(expiry));
    // K's row too.
    let fx = send(&mut app, [ch('L'), ch('K')]);
    let [Effect::Audit(shown)] = &fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(
        (shown.outcome, shown.language.as_deref(), shown.expires_at),
        (Outcome::ShownToPatient, Some("pt-BR"), None)
    );
}

#[test]
fn r_mints_again_in_the_links_language_but_m_starts_from_the_default() {
    let mut app = loaded(2, true);
    send(&mut app, [key(KeyCode::Enter), ch('m')]);
    let fx = send(&mut app, [ch('y')]);
    answer_mint(&mut app, &fx);
    send(&mut app, [ch('L'), ch('L')]);
    assert_eq!(shown_language(&app), Language::Fr);
    // Production asks first; the answer keeps the language.
    assert!(send(&mut app, [ch('r')]).is_empty());
    let fx = send(&mut app, [ch('y')]);
    let fx = answer_mint(&mut app, &fx);
    assert_eq!(shown_language(&app), Language::Fr);
    assert_eq!(minted_row(&fx).language.as_deref(), Some("fr"));
    // A failed mint's row names the language it was for.
    let fx = send(&mut app, [ch('r'), ch('y')]);
    let (id, _) = mint_request(&fx);
    let fx = app.update(Msg::Minted {
        id,
        at: t0(),
        result: Err(ApiError::Unreachable {
            target: "the test host".into(),
            reason: "refused".into(),
        }),
    });
    let [Effect::Audit(failed)] = &fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(
        (failed.outcome, failed.language.as_deref()),
        (Outcome::MintFailed, Some("fr"))
    );
    // A new link from the panes is for whoever is next: the default.
    send(&mut app, [key(KeyCode::Esc), ch('m')]);
    let fx = send(&mut app, [ch('y')]);
    answer_mint(&mut app, &fx);
    assert_eq!(shown_language(&app), Language::En);
}

#[test]
fn a_re_mint_from_the_history_keeps_the_rows_language() {
    let history = |row: usize, language: Option<&str>| {
        let mut app = loaded(5, false);
        app.config.patient_language = Language::Es;
        let mut records = super::history::records_here(&app);
        records[row].minted.language = language.map(str::to_string);
        let mut app = super::history::with_records(app, records);
        for _ in 0..row {
            send(&mut app, [ch('j')]);
        }
        let fx = send(&mut app, [key(KeyCode::Enter)]);
        answer_mint(&mut app, &fx);
        shown_language(&app)
    };
    assert_eq!(history(0, Some("pt-BR")), Language::PtBr);
    assert_eq!(history(1, Some("de")), Language::De);
    // A row older than the language column, or naming one this version lacks: the default.
    assert_eq!(history(1, None), Language::Es);
    assert_eq!(history(2, Some("it")), Language::Es);
}
