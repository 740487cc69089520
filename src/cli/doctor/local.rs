//! The doctor's checks of the machine the console runs on, from the environment alone: terminal
//! size for a real link, colour support, and the clipboard path (X11 / Wayland / OSC 52, tmux's
//! `set-clipboard` / `allow-passthrough`, SSH). Pure functions of what they are given, except
//! [`tmux_settings`], which asks tmux (without passing it the API key).

use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::link::fit::{STAFF_FRESH_DETAIL_ROWS, StaffLayout, StaffViews, ViewNeeds};
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

/// The staff view's two layouts and the patient-facing view of a link just minted for `url`, as
/// the console lays them out (the same rule draws them).
fn views(url: &str) -> (StaffViews, ViewNeeds) {
    let smallest = (MIN_WIDTH, MIN_HEIGHT);
    (
        StaffViews::new(url, STAFF_FRESH_DETAIL_ROWS, smallest),
        ViewNeeds::patient(smallest),
    )
}

/// The smallest terminals (cols, rows) that show a link's code in half blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeededSizes {
    /// The staff view's compact layout: the code beside a few words, no URL rows.
    pub compact: (u16, u16),
    /// The staff view's full layout: the details, and the URL on rows of its own.
    pub full: (u16, u16),
    /// The patient-facing view (`K`).
    pub patient: (u16, u16),
}

/// The smallest terminals in which the staff view (compact and full) and the patient-facing
/// view show a code of `url` in half blocks; `None` when the link is too long for any code.
pub fn needed_sizes(url: &str) -> Option<NeededSizes> {
    let codes = LinkCodes::encode(url);
    let (staff, patient) = views(url);
    let (compact, full) = staff.needed_for(&codes, QrStyle::Half, (0, 0))?;
    Some(NeededSizes {
        compact,
        full,
        patient: patient.needed_for(&codes, QrStyle::Half, (0, 0))?,
    })
}

/// What a terminal of `size` shows of a link's code in half blocks: exactly what the console
/// would draw there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shows {
    /// The staff view's layout that shows a code, if one does.
    pub staff: Option<StaffLayout>,
    pub patient: bool,
}

pub fn fits(url: &str, size: (u16, u16)) -> Shows {
    let codes = LinkCodes::encode(url);
    let (staff, patient) = views(url);
    Shows {
        staff: staff
            .fit(&codes, QrStyle::Half, size)
            .map(|(layout, _)| layout),
        patient: patient.fit(&codes, QrStyle::Half, size).is_some(),
    }
}

pub fn terminal(size: Option<(u16, u16)>) -> Check {
    let url = sample_link();
    let need = needed_sizes(&url).expect("a real link fits a QR code");
    let ((cw, ch), (fw, fh), (pw, ph)) = (need.compact, need.full, need.patient);
    let Some((w, h)) = size else {
        return check(
            "terminal",
            Severity::Note,
            format!(
                "not run in a terminal: a real link's code needs {cw}x{ch} in the compact staff view, {fw}x{fh} in the full one (the URL on rows of its own) and {pw}x{ph} in the patient-facing view"
            ),
        )
        .fix("run `vital-onboard doctor` in the terminal the console will use");
    };
    match fits(&url, (w, h)) {
        Shows {
            staff: Some(StaffLayout::Full),
            patient: true,
        } => check(
            "terminal",
            Severity::Ok,
            format!("{w}x{h}: a real link's code fits the full staff view ({fw}x{fh}) and the patient-facing view ({pw}x{ph})"),
        ),
        Shows {
            staff: Some(StaffLayout::Compact),
            ..
        } => check(
            "terminal",
            Severity::Note,
            format!("{w}x{h}: a real link's code fits the compact staff view ({cw}x{ch}); the full view, with the settings and the URL on rows of its own, needs {fw}x{fh}"),
        )
        .fix(format!("enlarge the window to at least {fw}x{fh} for the full view (c copies the URL in either)")),
        _ => check(
            "terminal",
            Severity::Warn,
            format!("{w}x{h}: too small for the code of a real link (compact staff view {cw}x{ch}, full {fw}x{fh}, patient-facing view {pw}x{ph})"),
        )
        .fix(format!("enlarge the window to at least {cw}x{ch}")),
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
        assert_eq!(
            needed_sizes(&sample_link()),
            Some(NeededSizes {
                compact: (80, 24),
                full: (99, 29),
                patient: (80, 24),
            })
        );
        assert_eq!(terminal(Some((160, 48))).status, Severity::Ok);
        assert_eq!(terminal(Some((99, 29))).status, Severity::Ok);
        // At 80 x 24 a code shows, in the compact view: a note, with the full view's size.
        let small = terminal(Some((80, 24)));
        assert_eq!(small.status, Severity::Note);
        assert!(
            small.detail.contains("compact staff view (80x24)")
                && small.detail.contains("needs 99x29"),
            "{}",
            small.detail
        );
        // One row short of what the full view needs, however wide.
        let short = terminal(Some((100, 28)));
        assert_eq!(short.status, Severity::Note);
        assert!(short.detail.contains("needs 99x29"), "{}", short.detail);
        let tiny = terminal(Some((79, 24)));
        assert_eq!(tiny.status, Severity::Warn);
        assert!(tiny.fix.unwrap().contains("80x24"));
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
