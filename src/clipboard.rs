//! Copying the link URL where staff paste it: the native clipboard (X11, Wayland, macOS,
//! Windows through arboard) plus an OSC 52 escape that terminals, SSH sessions and tmux pass to
//! the local clipboard. The runtime writes the OSC 52 sequence once, between frames.
//!
//! Without a display (SSH, CI) the native clipboard is simply absent: not an error, OSC 52 alone.

use base64::Engine;

/// A clipboard the console can write. Tests record copies with [`Recorder`].
pub trait Clipboard: Send {
    /// Puts `text` on the native clipboard; `false` when there is none.
    fn set(&mut self, text: &str) -> bool;
    /// Clears the native clipboard if it still holds `text` (an expired link).
    fn clear_if(&mut self, text: &str);
}

/// The native clipboard. One `arboard::Clipboard` lives as long as the console: on X11 the text
/// is served by this process and disappears when the handle is dropped.
pub struct Native {
    inner: Option<arboard::Clipboard>,
}

impl Native {
    pub fn new() -> Native {
        let has_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
            || cfg!(any(target_os = "macos", target_os = "windows"));
        let inner = if has_display {
            arboard::Clipboard::new().ok()
        } else {
            None
        };
        Native { inner }
    }

    pub fn available(&self) -> bool {
        self.inner.is_some()
    }

    pub fn get(&mut self) -> Option<String> {
        self.inner.as_mut()?.get_text().ok()
    }
}

impl Default for Native {
    fn default() -> Self {
        Native::new()
    }
}

impl Clipboard for Native {
    fn set(&mut self, text: &str) -> bool {
        match &mut self.inner {
            Some(c) => c.set_text(text.to_string()).is_ok(),
            None => false,
        }
    }

    fn clear_if(&mut self, text: &str) {
        if self.get().as_deref() == Some(text)
            && let Some(c) = &mut self.inner
        {
            let _ = c.clear();
        }
    }
}

/// Records copies instead of touching any clipboard (tests).
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    pub copies: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// Whether to report the native clipboard as present.
    pub native: bool,
}

impl Clipboard for Recorder {
    fn set(&mut self, text: &str) -> bool {
        self.copies.lock().unwrap().push(text.to_string());
        self.native
    }

    fn clear_if(&mut self, text: &str) {
        let mut c = self.copies.lock().unwrap();
        if c.last().map(String::as_str) == Some(text) {
            c.push(String::new());
        }
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. Inside tmux it is
/// wrapped for passthrough (tmux needs `set -g allow-passthrough on`, or `set-clipboard on`, which
/// also takes the plain form).
pub fn osc52(text: &str, tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
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
        assert_eq!(osc52("hi", true), "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
    }

    #[test]
    fn recorder_records_and_clears() {
        let mut r = Recorder::default();
        assert!(!r.set("u"));
        r.clear_if("other");
        r.clear_if("u");
        assert_eq!(*r.copies.lock().unwrap(), ["u", ""]);
    }
}
