//! Terminal set-up and a restore that always runs: on quit, on error (Drop) and on panic (hook).
//! Each setting is undone on its own, so one failing undo does not skip the others.

use std::io::{Stdout, Write, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Owns the terminal's special modes; dropping it restores them.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> std::io::Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                // A panic in a background task is caught and reported by the console, which keeps
                // running: restoring the terminal (or printing over the screen) then would break
                // it. Such panics go to the log; a panic of the console itself restores first.
                if std::thread::current().name() == Some("main") {
                    restore();
                    previous(info);
                } else {
                    tracing::error!("background task panicked: {info}");
                }
            }));
        });
        let guard = TerminalGuard;
        enter_modes()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok((guard, terminal))
    }
}

/// Raw mode, the alternate screen, bracketed paste, a hidden cursor. Mouse capture stays off so
/// staff can select text with the mouse.
fn enter_modes() -> std::io::Result<()> {
    ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// `kill -TSTP` (Ctrl-Z is a key in raw mode): give the terminal back, stop, and take it again
/// when continued (SIGCONT). The caller redraws the whole screen afterwards.
#[cfg(unix)]
pub fn suspend() -> std::io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    enter_modes()
}

/// Undoes everything `enter` did. Idempotent: only the first call after `enter` acts.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = stdout();
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
