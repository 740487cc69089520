//! Copying the link URL where staff paste it: the native clipboard (X11, Wayland, macOS,
//! Windows through arboard) plus an OSC 52 escape that terminals, SSH sessions and tmux pass to
//! the local clipboard. The runtime writes the OSC 52 sequence once, between frames.
//!
//! Without a display (SSH, CI) the native clipboard is simply absent: not an error, OSC 52 alone.
//! A native clipboard that fails is tried again with a fresh handle, a few times within about a
//! second, before the copy relies on OSC 52; and inside a tmux that drops OSC 52 from programs
//! (its default), the console says so with the fix instead of "paste to check".

mod keep;

use std::time::Duration;

use base64::Engine;

pub use keep::{SERVE_COMMAND, copy_and_keep, helper_env, serve};

/// How a copy went; the wording is honest about what the app can know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The native clipboard took it at once (and OSC 52 was sent too).
    System,
    /// The native clipboard took it on try `tries`, with a fresh handle after each failure.
    SystemRetried { tries: u8 },
    /// Only OSC 52 was sent (there is no native clipboard): the terminal may or may not take it.
    Osc52,
    /// The native clipboard failed `tries` times, so only OSC 52 was sent.
    NativeFailed { tries: u8 },
    /// Only OSC 52 was sent, and the tmux we run in drops it from programs (`set-clipboard` and
    /// `allow-passthrough` off): nothing was copied.
    TmuxDrops,
}

impl CopyOutcome {
    /// How a copy went, from what the native clipboard did and, when it did not take the text,
    /// what the tmux we run in (`tmux`: `None` outside tmux) does with OSC 52.
    pub fn of(native: NativeCopy, tmux: impl FnOnce() -> Option<TmuxSettings>) -> CopyOutcome {
        if let NativeCopy::Took { tries } = native {
            return if tries > 1 {
                CopyOutcome::SystemRetried { tries }
            } else {
                CopyOutcome::System
            };
        }
        if tmux().and_then(|t| t.passes_osc52()) == Some(false) {
            return CopyOutcome::TmuxDrops;
        }
        match native {
            NativeCopy::Failed { tries } => CopyOutcome::NativeFailed { tries },
            NativeCopy::Took { .. } | NativeCopy::Absent => CopyOutcome::Osc52,
        }
    }

    /// Whether the native clipboard holds the text.
    pub fn native(self) -> bool {
        matches!(
            self,
            CopyOutcome::System | CopyOutcome::SystemRetried { .. }
        )
    }

    /// Whether something went wrong that the staff should know of.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            CopyOutcome::NativeFailed { .. } | CopyOutcome::TmuxDrops
        )
    }

    pub fn message(self) -> String {
        match self {
            CopyOutcome::System => "Copied to the system clipboard".into(),
            CopyOutcome::SystemRetried { tries: 2 } => {
                "Copied to the system clipboard on the second try (the first failed)".into()
            }
            CopyOutcome::SystemRetried { tries } => format!(
                "Copied to the system clipboard on try {tries} (the first {} failed)",
                tries.saturating_sub(1)
            ),
            CopyOutcome::Osc52 => {
                "Sent to your terminal's clipboard (OSC 52) — paste to check".into()
            }
            CopyOutcome::NativeFailed { tries } => {
                let times = match tries {
                    1 => "once".to_string(),
                    2 => "twice".to_string(),
                    n => format!("{n} times"),
                };
                format!("The system clipboard failed {times}: sent by OSC 52 — paste to check")
            }
            CopyOutcome::TmuxDrops => {
                // The fix first: the row it shares with the keys at 80 columns holds 62.
                "Not copied: run tmux set -g set-clipboard on, then c again".into()
            }
        }
    }
}

/// What the native clipboard did with a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeCopy {
    /// It took the text on try `tries` (1: at once).
    Took { tries: u8 },
    /// Every try failed: the handle could not be made, or setting the text failed.
    Failed { tries: u8 },
    /// There is no native clipboard here (no display).
    Absent,
}

/// A clipboard the console can write. The whole-app tests record copies with one of their own.
pub trait Clipboard: Send {
    /// Puts `text` on the native clipboard.
    fn set(&mut self, text: &str) -> NativeCopy;
    /// Clears the native clipboard if it still holds `text` (an expired link).
    fn clear_if(&mut self, text: &str);
}

/// One handle on the system's clipboard (arboard's; the tests' own fails on purpose).
pub trait NativeHandle: Sized + Send {
    fn open() -> Result<Self, String>;
    fn set_text(&mut self, text: &str) -> Result<(), String>;
    fn get_text(&mut self) -> Option<String>;
    fn clear(&mut self);
}

impl NativeHandle for arboard::Clipboard {
    fn open() -> Result<Self, String> {
        arboard::Clipboard::new().map_err(|e| e.to_string())
    }

    fn set_text(&mut self, text: &str) -> Result<(), String> {
        arboard::Clipboard::set_text(self, text.to_string()).map_err(|e| e.to_string())
    }

    fn get_text(&mut self) -> Option<String> {
        arboard::Clipboard::get_text(self).ok()
    }

    fn clear(&mut self) {
        let _ = arboard::Clipboard::clear(self);
    }
}

/// The waits before each new try after a failed one (each with a fresh handle): four tries in
/// at most 1.3 seconds, on the clipboard's own thread.
pub const RETRY_WAITS: [Duration; 3] = [
    Duration::from_millis(50),
    Duration::from_millis(250),
    Duration::from_secs(1),
];

/// The native clipboard. One handle lives as long as the console: on X11 the text is served by
/// this process and disappears when the handle is dropped. A handle that cannot be made or
/// fails to set the text is dropped and made afresh, after a short wait, a few times
/// ([`RETRY_WAITS`]) before the copy falls back to OSC 52 alone.
pub struct Native<H: NativeHandle = arboard::Clipboard> {
    inner: Option<H>,
    /// Whether a native clipboard can exist here ([`has_display`]).
    present: bool,
    waits: Vec<Duration>,
}

/// Whether a native clipboard can exist here: a display on Linux, always on macOS and Windows.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        || cfg!(any(target_os = "macos", target_os = "windows"))
}

impl Native {
    /// The system's clipboard, its handle made now if there is a display (and again at the
    /// first copy if that failed).
    pub fn new() -> Native {
        Native::with(has_display(), RETRY_WAITS.to_vec())
    }
}

impl Default for Native {
    fn default() -> Self {
        Native::new()
    }
}

impl<H: NativeHandle> Native<H> {
    /// A clipboard that exists when `present`, trying again after each of `waits`.
    pub fn with(present: bool, waits: Vec<Duration>) -> Native<H> {
        let inner = if present { H::open().ok() } else { None };
        Native {
            inner,
            present,
            waits,
        }
    }

    /// One try: the handle (made now if there is none), then the text.
    fn try_set(&mut self, text: &str) -> Result<(), String> {
        if self.inner.is_none() {
            self.inner = Some(H::open()?);
        }
        self.inner.as_mut().expect("just made").set_text(text)
    }

    /// Whether the native clipboard still holds `text` (no other program took it since).
    pub fn holds(&mut self, text: &str) -> bool {
        self.inner
            .as_mut()
            .and_then(NativeHandle::get_text)
            .is_some_and(|t| t == text)
    }
}

impl<H: NativeHandle> Clipboard for Native<H> {
    fn set(&mut self, text: &str) -> NativeCopy {
        if !self.present {
            return NativeCopy::Absent;
        }
        let mut tries = 0u8;
        for wait in std::iter::once(Duration::ZERO).chain(self.waits.clone()) {
            if !wait.is_zero() {
                std::thread::sleep(wait);
            }
            tries = tries.saturating_add(1);
            match self.try_set(text) {
                Ok(()) => return NativeCopy::Took { tries },
                Err(e) => {
                    // The error names the clipboard's trouble, never the text.
                    tracing::warn!(tries, "the native clipboard failed: {e}");
                    // A fresh handle next time (on X11: a new connection, a new owner window).
                    self.inner = None;
                }
            }
        }
        NativeCopy::Failed { tries }
    }

    fn clear_if(&mut self, text: &str) {
        if self.holds(text)
            && let Some(c) = &mut self.inner
        {
            c.clear();
        }
    }
}

/// What `tmux show -gv` said for `set-clipboard` and `allow-passthrough` (None: could not ask).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmuxSettings {
    pub set_clipboard: Option<String>,
    pub allow_passthrough: Option<String>,
}

impl TmuxSettings {
    /// Whether tmux passes a program's OSC 52 on: it takes it with `set-clipboard on`, or lets
    /// the wrapped one through with `allow-passthrough on` (or `all`). `None`: tmux could not be
    /// asked. (Its default, `set-clipboard external` with `allow-passthrough off`, drops it.)
    pub fn passes_osc52(&self) -> Option<bool> {
        let sc = self.set_clipboard.as_deref();
        let ap = self.allow_passthrough.as_deref();
        if sc == Some("on") || matches!(ap, Some("on" | "all")) {
            Some(true)
        } else if sc.is_none() && ap.is_none() {
            None
        } else {
            Some(false)
        }
    }
}

/// Asks the tmux server we run in for its clipboard settings. The child gets no API key.
pub fn tmux_settings() -> TmuxSettings {
    let ask = |option: &str| {
        std::process::Command::new("tmux")
            .args(["show", "-gv", option])
            .env_remove("VITAL_API_KEY")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    TmuxSettings {
        set_clipboard: ask("set-clipboard"),
        allow_passthrough: ask("allow-passthrough"),
    }
}

/// The clipboard settings of the tmux we run in; `None` outside tmux.
pub fn tmux_here() -> Option<TmuxSettings> {
    in_tmux().then(tmux_settings)
}

/// Writes the OSC 52 sequence straight to the controlling terminal, if there is one.
pub fn osc52_to_tty(text: &str) -> bool {
    use std::io::Write;
    let seq = osc52(text, in_tmux());
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .and_then(|mut tty| tty.write_all(seq.as_bytes()).and_then(|()| tty.flush()))
        .is_ok()
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. Inside tmux the
/// plain form is followed by one wrapped for passthrough: tmux takes the plain one with
/// `set -g set-clipboard on` (and forwards it to the outer terminal), or passes the wrapped one
/// through with `set -g allow-passthrough on`.
pub fn osc52(text: &str, tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if tmux {
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    }
}

/// Whether we run inside tmux.
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_plain_and_for_tmux() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52("hi", true),
            "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }

    /// What the fake handle does next: `open` and `set_text` take the next step, `true` being
    /// success (an empty script succeeds).
    mod fake {
        use std::cell::RefCell;
        use std::collections::VecDeque;

        thread_local! {
            pub static OPENS: RefCell<VecDeque<bool>> = RefCell::default();
            pub static SETS: RefCell<VecDeque<bool>> = RefCell::default();
            pub static OPENED: RefCell<usize> = const { RefCell::new(0) };
            pub static HELD: RefCell<Option<String>> = const { RefCell::new(None) };
        }

        pub struct Flaky;

        fn next(q: &'static std::thread::LocalKey<RefCell<VecDeque<bool>>>) -> bool {
            q.with(|q| q.borrow_mut().pop_front().unwrap_or(true))
        }

        impl super::NativeHandle for Flaky {
            fn open() -> Result<Self, String> {
                if next(&OPENS) {
                    OPENED.with(|n| *n.borrow_mut() += 1);
                    Ok(Flaky)
                } else {
                    Err("X11 server connection timed out because it was unreachable".into())
                }
            }

            fn set_text(&mut self, text: &str) -> Result<(), String> {
                if next(&SETS) {
                    HELD.with(|h| *h.borrow_mut() = Some(text.to_string()));
                    Ok(())
                } else {
                    Err("the clipboard handler thread seems to have stopped".into())
                }
            }

            fn get_text(&mut self) -> Option<String> {
                HELD.with(|h| h.borrow().clone())
            }

            fn clear(&mut self) {
                HELD.with(|h| *h.borrow_mut() = None);
            }
        }

        /// A script for this thread: how opens and sets go, in order.
        pub fn script(opens: &[bool], sets: &[bool]) {
            OPENS.with(|q| *q.borrow_mut() = opens.iter().copied().collect());
            SETS.with(|q| *q.borrow_mut() = sets.iter().copied().collect());
            OPENED.with(|n| *n.borrow_mut() = 0);
            HELD.with(|h| *h.borrow_mut() = None);
        }

        pub fn opened() -> usize {
            OPENED.with(|n| *n.borrow())
        }

        pub fn held() -> Option<String> {
            HELD.with(|h| h.borrow().clone())
        }
    }

    fn flaky() -> Native<fake::Flaky> {
        Native::with(true, vec![std::time::Duration::from_millis(1); 3])
    }

    #[test]
    fn a_handle_that_cannot_be_made_at_start_is_made_at_the_copy() {
        // At start (the X server not up yet) and at the first try of the copy.
        fake::script(&[false, false], &[]);
        let mut c = flaky();
        assert_eq!(c.set("url"), NativeCopy::Took { tries: 2 });
        assert_eq!(fake::held().as_deref(), Some("url"));
        assert_eq!(
            CopyOutcome::of(NativeCopy::Took { tries: 2 }, || None).message(),
            "Copied to the system clipboard on the second try (the first failed)"
        );
    }

    #[test]
    fn a_failed_set_is_tried_again_with_a_fresh_handle() {
        fake::script(&[], &[false]);
        let mut c = flaky();
        assert_eq!(fake::opened(), 1, "made at start");
        assert_eq!(c.set("url"), NativeCopy::Took { tries: 2 });
        assert_eq!(fake::opened(), 2, "the failed handle was replaced");
        // The next copy uses the handle that worked.
        assert_eq!(c.set("url 2"), NativeCopy::Took { tries: 1 });
        assert_eq!(fake::opened(), 2);
    }

    #[test]
    fn after_the_bounded_tries_the_copy_falls_back_and_says_so() {
        fake::script(&[true, false, false, false], &[false]);
        let mut c = flaky();
        assert_eq!(c.set("url"), NativeCopy::Failed { tries: 4 });
        assert_eq!(fake::held(), None);
        let outcome = CopyOutcome::of(NativeCopy::Failed { tries: 4 }, || None);
        assert_eq!(outcome, CopyOutcome::NativeFailed { tries: 4 });
        assert_eq!(
            outcome.message(),
            "The system clipboard failed 4 times: sent by OSC 52 — paste to check"
        );
        assert!(outcome.is_warning() && !outcome.native());
        // The next copy starts again from a fresh handle, and may work.
        assert_eq!(c.set("url"), NativeCopy::Took { tries: 1 });
    }

    #[test]
    fn the_console_waits_at_most_about_a_second_and_a_half() {
        let total: std::time::Duration = RETRY_WAITS.iter().sum();
        assert!(total <= std::time::Duration::from_millis(1500), "{total:?}");
        assert_eq!(RETRY_WAITS.len(), 3, "four tries");
    }

    #[test]
    fn without_a_display_there_is_nothing_to_try() {
        fake::script(&[], &[]);
        let mut c = Native::<fake::Flaky>::with(false, RETRY_WAITS.to_vec());
        assert_eq!(c.set("url"), NativeCopy::Absent);
        assert_eq!(fake::opened(), 0);
        assert_eq!(
            CopyOutcome::of(NativeCopy::Absent, || None),
            CopyOutcome::Osc52
        );
    }

    fn tmux(sc: Option<&str>, ap: Option<&str>) -> TmuxSettings {
        TmuxSettings {
            set_clipboard: sc.map(String::from),
            allow_passthrough: ap.map(String::from),
        }
    }

    #[test]
    fn inside_a_tmux_that_drops_osc52_the_copy_says_so_with_the_fix() {
        // tmux's defaults: set-clipboard external, allow-passthrough off.
        let default = || Some(tmux(Some("external"), Some("off")));
        for native in [NativeCopy::Absent, NativeCopy::Failed { tries: 4 }] {
            let outcome = CopyOutcome::of(native, default);
            assert_eq!(outcome, CopyOutcome::TmuxDrops);
            assert!(outcome.is_warning());
        }
        let text = CopyOutcome::TmuxDrops.message();
        assert!(text.starts_with("Not copied: run tmux"), "{text}");
        assert!(text.contains("tmux set -g set-clipboard on"), "{text}");
        // tmux before 3.3 has no allow-passthrough.
        assert_eq!(
            CopyOutcome::of(NativeCopy::Absent, || Some(tmux(Some("off"), None))),
            CopyOutcome::TmuxDrops
        );
        // A tmux that passes it on, one that could not be asked, no tmux: "paste to check".
        for settings in [
            Some(tmux(Some("on"), Some("off"))),
            Some(tmux(Some("external"), Some("on"))),
            Some(tmux(Some("off"), Some("all"))),
            Some(tmux(None, None)),
            None,
        ] {
            assert_eq!(
                CopyOutcome::of(NativeCopy::Absent, || settings),
                CopyOutcome::Osc52
            );
        }
        // The native clipboard took it: tmux is not asked.
        assert_eq!(
            CopyOutcome::of(NativeCopy::Took { tries: 1 }, || panic!("not asked")),
            CopyOutcome::System
        );
    }

    #[test]
    fn every_copy_message_fits_80_columns_and_counts_agree() {
        let all = [
            CopyOutcome::System,
            CopyOutcome::SystemRetried { tries: 2 },
            CopyOutcome::SystemRetried { tries: 4 },
            CopyOutcome::Osc52,
            CopyOutcome::NativeFailed { tries: 1 },
            CopyOutcome::NativeFailed { tries: 2 },
            CopyOutcome::NativeFailed { tries: 4 },
            CopyOutcome::TmuxDrops,
        ];
        for o in all {
            let m = o.message();
            assert!(crate::text::width(&m) <= 80, "{m}");
            assert!(
                !m.contains("1 times") && !m.contains("first 1 failed"),
                "{m}"
            );
        }
        assert_eq!(
            CopyOutcome::SystemRetried { tries: 3 }.message(),
            "Copied to the system clipboard on try 3 (the first 2 failed)"
        );
        assert!(
            CopyOutcome::NativeFailed { tries: 1 }
                .message()
                .contains("failed once")
        );
    }

    #[test]
    fn helper_gets_only_the_display_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let env = helper_env(vars(&[
            ("DISPLAY", ":1"),
            ("VITAL_API_KEY", "sk_us_secret"),
            ("HOME", "/home/a"),
            ("PATH", "/bin"),
        ]));
        let names: Vec<&str> = env.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["DISPLAY", "HOME"], "HOME for ~/.Xauthority");
        let env = helper_env(vars(&[
            ("WAYLAND_DISPLAY", "wayland-0"),
            ("XDG_RUNTIME_DIR", "/run/user/1"),
            ("XAUTHORITY", "/tmp/x"),
            ("DISPLAY", ":1"),
            ("HOME", "/home/a"),
        ]));
        let names: Vec<&str> = env.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "XDG_RUNTIME_DIR",
                "XAUTHORITY"
            ]
        );
    }
}
