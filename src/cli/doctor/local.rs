//! The doctor's checks of the machine the console runs on, from the environment alone: terminal
//! size for a real link, colour support, and the clipboard path (X11 / Wayland / OSC 52, tmux's
//! `set-clipboard` / `allow-passthrough`, SSH). Pure functions of what they are given, except
//! [`tmux_settings`], which asks tmux (without passing it the API key).

use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::link::fit::{STAFF_FRESH_DETAIL_ROWS, ViewNeeds};
use crate::link::qr::{LinkCodes, QrStyle};

use super::{Check, Severity, check};
// One reading of tmux's clipboard settings, for the doctor and the console's `c`.
pub use crate::clipboard::{TmuxSettings, tmux_settings};

/// A link URL of the length Vital issues (about 95 characters).
pub fn sample_link() -> String {
    let base = "https://link.junction.com/?token=";
    let tail = "&env=sandbox&region=us";
    let token_len = 95 - base.len() - tail.len();
    let token: String = "k7Qm2xVf9LpT4nWc8RbJ6sYd3HgZ5aEu1oKi0"
        .chars()
        .cycle()
        .take(token_len)
        .collect();
    format!("{base}{token}{tail}")
}

/// The staff view and the patient-facing view of a link just minted for `url`, as the console
/// lays them out (the same rule draws them).
fn views(url: &str) -> (ViewNeeds, ViewNeeds) {
    let smallest = (MIN_WIDTH, MIN_HEIGHT);
    (
        ViewNeeds::staff(url, STAFF_FRESH_DETAIL_ROWS, smallest),
        ViewNeeds::patient(smallest),
    )
}

/// The smallest terminals (cols, rows) in which the staff view and the patient-facing view show a
/// code of `url` in half blocks; `None` when the link is too long for any code.
pub fn needed_sizes(url: &str) -> Option<((u16, u16), (u16, u16))> {
    let codes = LinkCodes::encode(url);
    let (staff, patient) = views(url);
    Some((
        staff.needed_for(&codes, QrStyle::Half, (0, 0))?,
        patient.needed_for(&codes, QrStyle::Half, (0, 0))?,
    ))
}

/// Whether a terminal of `size` shows a code of `url` in half blocks, in the staff view and in
/// the patient-facing view: exactly when the console would draw one there.
pub fn fits(url: &str, size: (u16, u16)) -> (bool, bool) {
    let codes = LinkCodes::encode(url);
    let (staff, patient) = views(url);
    let shows = |needs: &ViewNeeds| needs.fit(&codes, QrStyle::Half, size).is_some();
    (shows(&staff), shows(&patient))
}

pub fn terminal(size: Option<(u16, u16)>) -> Check {
    let url = sample_link();
    let ((sw, sh), (pw, ph)) = needed_sizes(&url).expect("a real link fits a QR code");
    let Some((w, h)) = size else {
        return check(
            "terminal",
            Severity::Note,
            format!(
                "not run in a terminal: the staff view needs {sw}x{sh} and the patient-facing view {pw}x{ph} for a real link"
            ),
        )
        .fix("run `vital-onboard doctor` in the terminal the console will use");
    };
    match fits(&url, (w, h)) {
        (true, true) => check(
            "terminal",
            Severity::Ok,
            format!("{w}x{h}: a real link's code fits the staff view ({sw}x{sh}) and the patient-facing view ({pw}x{ph})"),
        ),
        (false, true) => check(
            "terminal",
            Severity::Warn,
            format!("{w}x{h}: the staff view needs {sw}x{sh} to show a real link's code beside its details (the patient-facing view, K, fits)"),
        )
        .fix(format!("enlarge the window or use a smaller font to at least {sw}x{sh}")),
        _ => check(
            "terminal",
            Severity::Warn,
            format!("{w}x{h}: too small for the code of a real link (staff view {sw}x{sh}, patient-facing view {pw}x{ph}); the URL is shown as text instead"),
        )
        .fix(format!("enlarge the window to at least {sw}x{sh}")),
    }
}

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn set(env: Env, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

pub fn colour(env: Env) -> Check {
    let term = set(env, "TERM");
    if set(env, "NO_COLOR").is_some() {
        return check(
            "colour",
            Severity::Ok,
            "NO_COLOR is set: colours are off (the QR code keeps its explicit black on white)",
        );
    }
    let colorterm = set(env, "COLORTERM").unwrap_or_default();
    match term.as_deref() {
        None | Some("dumb") => check(
            "colour",
            Severity::Warn,
            format!("TERM is {}: the console may not draw correctly", term.as_deref().unwrap_or("unset")),
        )
        .fix("export TERM=xterm-256color (or your terminal's own name)"),
        Some(_) if matches!(colorterm.as_str(), "truecolor" | "24bit") => check(
            "colour",
            Severity::Ok,
            format!("24-bit colour (COLORTERM={colorterm})"),
        ),
        Some(t) if t.contains("256color") || t.starts_with("tmux") || t.contains("kitty") || t.contains("alacritty") => {
            check("colour", Severity::Ok, format!("256 colours (TERM={t})"))
        }
        Some(t) => check(
            "colour",
            Severity::Warn,
            format!("TERM={t} may offer only 16 colours: the QR code uses 256-colour black (16) on white (231)"),
        )
        .fix("export TERM=xterm-256color if your terminal supports it (most do)"),
    }
}

pub fn clipboard(env: Env, tmux: Option<&TmuxSettings>) -> Check {
    let wayland = set(env, "WAYLAND_DISPLAY").is_some();
    let x11 = set(env, "DISPLAY").is_some();
    let ssh = set(env, "SSH_TTY").is_some() || set(env, "SSH_CONNECTION").is_some();
    let native = if cfg!(any(target_os = "macos", windows)) {
        Some("the system clipboard")
    } else if wayland {
        Some("Wayland (data-control)")
    } else if x11 {
        Some("X11")
    } else {
        None
    };
    let mut path = match native {
        Some(n) => format!("{n} and OSC 52"),
        None => "OSC 52 only (no DISPLAY or WAYLAND_DISPLAY)".to_string(),
    };
    if ssh {
        path.push_str(", over SSH");
    }
    if let Some(t) = tmux.filter(|_| set(env, "TMUX").is_some()) {
        let sc = t.set_clipboard.as_deref();
        let ap = t.allow_passthrough.as_deref();
        let detail = format!(
            "{path}, inside tmux (set-clipboard {}, allow-passthrough {})",
            sc.unwrap_or("unknown"),
            ap.unwrap_or("unknown")
        );
        return match t.passes_osc52() {
            Some(true) => check("clipboard", Severity::Ok, detail),
            None => check(
                "clipboard",
                Severity::Warn,
                format!("{detail}: tmux could not be asked"),
            )
            .fix("check that `tmux show -gv set-clipboard` works here"),
            Some(false) => check(
                "clipboard",
                Severity::Warn,
                format!(
                    "{detail}: tmux drops OSC 52 from programs, so `c` will not reach the clipboard"
                ),
            )
            .fix(
                "tmux set -g set-clipboard on (and add `set -g set-clipboard on` to ~/.tmux.conf)",
            ),
        };
    }
    match (native, ssh) {
        (Some(_), false) => check("clipboard", Severity::Ok, path),
        (_, true) => check(
            "clipboard",
            Severity::Note,
            format!("{path}: the copy reaches your own machine only if your terminal accepts OSC 52 (the console cannot confirm it)"),
        )
        .fix("paste once to check; allow clipboard writes in the terminal's settings if it does not arrive"),
        (None, false) => check(
            "clipboard",
            Severity::Note,
            format!("{path}: works if the terminal accepts OSC 52 (the console cannot confirm it)"),
        )
        .fix("paste once to check"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_real_link_needs_what_the_readme_says() {
        assert_eq!(sample_link().len(), 95);
        assert_eq!(needed_sizes(&sample_link()), Some(((99, 29), (80, 24))));
        assert_eq!(terminal(Some((160, 48))).status, Severity::Ok);
        assert_eq!(terminal(Some((99, 29))).status, Severity::Ok);
        let small = terminal(Some((80, 24)));
        assert_eq!(small.status, Severity::Warn);
        assert!(small.detail.contains("needs 99x29"), "{}", small.detail);
        // One row short of what the staff view needs, however wide.
        let short = terminal(Some((100, 28)));
        assert_eq!(short.status, Severity::Warn);
        assert!(short.detail.contains("needs 99x29"), "{}", short.detail);
        assert_eq!(terminal(Some((79, 24))).status, Severity::Warn);
        assert_eq!(terminal(None).status, Severity::Note);
    }

    #[test]
    fn colour_support() {
        assert_eq!(
            colour(&vars(&[("TERM", "xterm-256color")])).status,
            Severity::Ok
        );
        assert_eq!(
            colour(&vars(&[("TERM", "xterm"), ("COLORTERM", "truecolor")])).status,
            Severity::Ok
        );
        assert_eq!(colour(&vars(&[("TERM", "xterm")])).status, Severity::Warn);
        assert_eq!(colour(&vars(&[("TERM", "dumb")])).status, Severity::Warn);
        let c = colour(&vars(&[("TERM", "dumb"), ("NO_COLOR", "1")]));
        assert_eq!(c.status, Severity::Ok);
        assert!(c.detail.contains("NO_COLOR"));
    }

    #[test]
    fn clipboard_paths() {
        let c = clipboard(&vars(&[("DISPLAY", ":0")]), None);
        assert!(
            c.detail.starts_with("X11 and OSC 52") || cfg!(any(target_os = "macos", windows)),
            "{}",
            c.detail
        );
        let c = clipboard(&vars(&[("SSH_CONNECTION", "1 2 3 4")]), None);
        assert_eq!(c.status, Severity::Note);
        assert!(c.detail.contains("over SSH"), "{}", c.detail);
        let t = |sc: &str, ap: &str| TmuxSettings {
            set_clipboard: Some(sc.into()),
            allow_passthrough: Some(ap.into()),
        };
        let env = vars(&[("TMUX", "/tmp/tmux-0/default,1,0")]);
        assert_eq!(clipboard(&env, Some(&t("on", "off"))).status, Severity::Ok);
        assert_eq!(
            clipboard(&env, Some(&t("external", "on"))).status,
            Severity::Ok
        );
        let off = clipboard(&env, Some(&t("external", "off")));
        assert_eq!(off.status, Severity::Warn);
        assert!(off.fix.unwrap().contains("set-clipboard on"));
    }
}
