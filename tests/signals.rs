//! Signals from outside (a supervisor's `kill`, a closed terminal): the console restores the
//! terminal for each — it leaves the alternate screen and gives back a cooked (not raw) tty —
//! and SIGTSTP stops it cleanly and SIGCONT brings it back, redrawn.

mod common;

use common::pty::{Pty, wait_exit};
use nix::sys::signal::Signal;

#[test]
fn every_quitting_signal_restores_the_terminal() {
    for sig in [
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
    ] {
        let mut pty = Pty::spawn(&[]);
        pty.wait_for("patient-00012");
        assert!(
            pty.in_alternate_screen() && !pty.is_cooked(),
            "{sig}: in raw mode first"
        );
        pty.signal(sig);
        let status = wait_exit(&mut pty);
        assert!(status.success(), "{sig}: quits cleanly ({status:?})");
        assert!(
            !pty.in_alternate_screen(),
            "{sig}: left the alternate screen"
        );
        assert!(pty.is_cooked(), "{sig}: termios restored");
    }
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("patient-00012");
    pty.send("j");
    pty.signal(Signal::SIGTSTP);
    pty.wait_until("the console stops with the terminal restored", |p| {
        !p.in_alternate_screen() && p.is_cooked()
    });
    assert!(pty.child.try_wait().unwrap().is_none(), "stopped, not gone");
    pty.signal(Signal::SIGCONT);
    pty.wait_until("the console takes the terminal again", |p| {
        p.in_alternate_screen() && !p.is_cooked()
    });
    pty.wait_for("patient-00012");
    // Still working: keys act, and q quits with the terminal restored.
    pty.send("?");
    pty.wait_for("Keys ");
    pty.send("q");
    pty.wait_until("q closed the help", |p| {
        !p.screen_lines().join("\n").contains("Keys ")
    });
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
    assert!(!pty.in_alternate_screen() && pty.is_cooked());
}
