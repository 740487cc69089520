//! Pure tests of `c` in the link view: what is refused, and what each clipboard outcome says
//! and leaves behind.

use super::*;
use crate::app::requests::Pending;

/// The watcher's first check finds nothing; the next finds `slug` connected.
fn connects(app: &mut App, slug: &str) {
    app.update(Msg::Watched {
        id: live(app, Task::Watch),
        at: t0() + chrono::Duration::seconds(1),
        result: Ok(vec![]),
    });
    let list = serde_json::from_value(serde_json::json!([{"name": "Oura", "slug": slug,
        "status": "connected", "created_on": "2026-11-24T10:00:30Z"}]))
    .unwrap();
    let id = app.requests.start(Pending::Watch);
    app.update(Msg::Watched {
        id,
        at: t0() + chrono::Duration::seconds(4),
        result: Ok(list),
    });
}

#[test]
fn c_on_a_link_a_connection_used_up_is_refused_like_an_expired_one() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    connects(&mut app, "oura");
    let fx = send(&mut app, [ch('c')]);
    assert!(fx.is_empty(), "nothing is copied: {fx:?}");
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(
        toast.text,
        "This link was used up when Oura connected: press r for a new one"
    );
    assert_eq!(toast.level, Level::Warning);
    // A new link can be copied again.
    let (id, _) = mint_request(&send(&mut app, [ch('r')]));
    app.update(Msg::Minted {
        id,
        at: t0() + chrono::Duration::seconds(10),
        result: Ok(LinkToken {
            link_token: "next".into(),
            link_web_url: "https://link.tryvital.io/?token=next".into(),
        }),
    });
    let fx = send(&mut app, [ch('c')]);
    assert!(matches!(fx[..], [Effect::Copy { .. }]), "{fx:?}");
}

#[test]
fn c_before_any_connection_copies() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    app.update(Msg::Watched {
        id: live(&app, Task::Watch),
        at: t0() + chrono::Duration::seconds(1),
        result: Ok(vec![]),
    });
    let fx = send(&mut app, [ch('c')]);
    assert!(matches!(fx[..], [Effect::Copy { .. }]), "{fx:?}");
}

/// `c`, answered by the clipboard thread with `outcome`; the effects of the answer.
fn copy_answered(app: &mut App, outcome: CopyOutcome) -> Vec<Effect> {
    let fx = send(app, [ch('c')]);
    let [Effect::Copy { url, expires_at }] = &fx[..] else {
        panic!("{fx:?}");
    };
    app.update(Msg::Copied {
        url: url.clone(),
        expires_at: *expires_at,
        outcome,
    })
}

fn audited_copy(fx: &[Effect]) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::Audit(a) if a.outcome == crate::audit::Outcome::Copied))
}

#[test]
fn a_copy_tmux_dropped_is_a_warning_with_the_fix_and_not_logged_as_copied() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let fx = copy_answered(&mut app, CopyOutcome::TmuxDrops);
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warning);
    assert!(
        toast.text.contains("tmux set -g set-clipboard on"),
        "{}",
        toast.text
    );
    assert!(!audited_copy(&fx), "{fx:?}");
    assert!(app.clipboard.is_none());
}

#[test]
fn a_native_copy_after_retries_is_held_and_says_so() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let fx = copy_answered(&mut app, CopyOutcome::SystemRetried { tries: 2 });
    assert!(audited_copy(&fx));
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Success);
    assert_eq!(
        toast.text,
        "Copied to the system clipboard on the second try (the first failed)"
    );
    assert_eq!(
        app.clipboard.as_ref().map(|c| c.url.clone()),
        Some(link_url()),
        "cleared at expiry, kept after quitting, as any native copy"
    );
}

#[test]
fn a_native_clipboard_that_kept_failing_is_a_warning() {
    let mut app = loaded(1, false);
    show_link(&mut app);
    let fx = copy_answered(&mut app, CopyOutcome::NativeFailed { tries: 4 });
    assert!(audited_copy(&fx), "OSC 52 was sent");
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.level, Level::Warning);
    assert!(
        toast
            .text
            .starts_with("The system clipboard failed 4 times")
    );
    assert!(app.clipboard.is_none());
}
