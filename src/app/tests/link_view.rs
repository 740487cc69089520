//! Pure tests of the staff link view: copy, expiry, QR look, PNG.

use super::*;

#[test]
fn expiry_blanks_and_clears_a_natively_copied_url_once() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let fx = send(&mut app, [ch('c')]);
    assert_eq!(
        fx,
        vec![Effect::Copy {
            url: link_url(),
            expires_at: t0() + chrono::Duration::minutes(60),
        }]
    );
    app.update(copied(link_url()));
    assert_eq!(
        app.toast.as_ref().unwrap().text,
        "Copied to the system clipboard"
    );
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::minutes(59)));
    assert!(fx.is_empty());
    assert_eq!(app.remaining(), Some(Duration::from_mins(1)));
    let mut fx = app.update(Msg::Tick(t0() + chrono::Duration::minutes(60)));
    // The expiry also goes to the audit log.
    assert!(
        matches!(fx.pop(), Some(Effect::Audit(e)) if e.outcome == crate::audit::Outcome::Expired)
    );
    assert_eq!(fx, vec![Effect::ClearClipboard { url: link_url() }]);
    assert!(
        app.update(Msg::Tick(t0() + chrono::Duration::minutes(61)))
            .is_empty(),
        "once"
    );
    let fx = send(&mut app, [ch('c')]);
    assert!(fx.is_empty(), "an expired link is not copied");
}

#[test]
fn a_copied_url_is_cleared_at_expiry_from_any_view_even_after_a_new_mint() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    send(&mut app, [ch('c')]);
    app.update(copied(link_url()));
    let expiry = t0() + chrono::Duration::minutes(60);
    assert_eq!(
        app.tick_interval(t0() + chrono::Duration::minutes(59))
            .map(|d| d <= Duration::from_mins(1)),
        Some(true)
    );
    // A new link that is not copied replaces the result; then back to the panes.
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    let other = LinkToken {
        link_token: "other".into(),
        link_web_url: "https://link.tryvital.io/?token=other".into(),
    };
    app.update(Msg::Minted {
        id,
        at: t0() + chrono::Duration::minutes(5),
        result: Ok(other),
    });
    send(&mut app, [key(KeyCode::Esc)]);
    app.toast = None;
    assert!(
        app.tick_interval(expiry - chrono::Duration::seconds(30))
            .is_some(),
        "a tick is due at the expiry"
    );
    let fx = app.update(Msg::Tick(expiry));
    assert_eq!(fx, vec![Effect::ClearClipboard { url: link_url() }]);
    assert!(app.clipboard.is_none());
}

#[test]
fn osc52_only_copy_is_worded_honestly() {
    assert_eq!(
        CopyOutcome::Osc52.message(),
        "Sent to your terminal's clipboard (OSC 52) — paste to check"
    );
}

#[test]
fn result_keys_toggle_qr_and_save_png() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    send(&mut app, [ch('i'), ch('f')]);
    assert!(app.qr.invert);
    assert_eq!(app.qr.style, crate::link::qr::QrStyle::Full);
    let fx = send(&mut app, [ch('s')]);
    match &fx[..] {
        [Effect::SavePng { url, path, .. }] => {
            assert_eq!(url, &link_url());
            assert!(
                path.to_string_lossy()
                    .starts_with("vital-link-patient-00001-")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_copy_answered_after_a_re_mint_follows_the_copied_link_not_the_new_one() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let copy = send(&mut app, [ch('c')]);
    // A new link arrives before the clipboard thread answers for the first.
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    let later = t0() + chrono::Duration::minutes(5);
    app.update(Msg::Minted {
        id,
        at: later,
        result: Ok(LinkToken {
            link_token: "second".into(),
            link_web_url: "https://link.tryvital.io/?token=second".into(),
        }),
    });
    let [Effect::Copy { url, expires_at }] = &copy[..] else {
        panic!("{copy:?}");
    };
    app.update(Msg::Copied {
        url: url.clone(),
        expires_at: *expires_at,
        outcome: CopyOutcome::System,
    });
    let held = app.clipboard.clone().expect("the copy is remembered");
    assert_eq!(held.url, link_url(), "the URL that was copied");
    assert_eq!(held.expires_at, t0() + chrono::Duration::minutes(60));
    // It is cleared at the first link's expiry, not the second's.
    let fx = app.update(Msg::Tick(t0() + chrono::Duration::minutes(60)));
    assert_eq!(fx, vec![Effect::ClearClipboard { url: link_url() }]);
}

#[test]
fn a_png_saved_for_a_replaced_link_is_not_shown_on_the_new_one() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let save = send(&mut app, [ch('s')]);
    let [
        Effect::SavePng {
            id: saving, url, ..
        },
    ] = &save[..]
    else {
        panic!("{save:?}");
    };
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(LinkToken {
            link_token: "second".into(),
            link_web_url: "https://link.tryvital.io/?token=second".into(),
        }),
    });
    app.update(Msg::PngSaved {
        id: *saving,
        url: url.clone(),
        result: Ok("/tmp/first.png".into()),
    });
    assert!(app.toast.as_ref().unwrap().text.contains("/tmp/first.png"));
    assert_eq!(app.screen.shown().unwrap().saved_png, None);
}
