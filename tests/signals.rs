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
    pty.open_and_close_help();
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
    assert!(!pty.in_alternate_screen() && pty.is_cooked());
}

/// The terminal closing under the console (its window closed, an SSH session dropped): the
/// console ends instead of spinning on a terminal that is gone. crossterm's event source never
/// returns once the tty is gone (crossterm-rs/crossterm#793); the console's hang-up handling ends
/// the process all the same.
#[test]
fn the_console_ends_when_its_terminal_closes() {
    use portable_pty::{PtySize, native_pty_system};
    use std::io::Read;
    use std::time::{Duration, Instant};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let cmd = common::pty::command(&[]);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    // Read until the first patient is drawn: the console is in its loop.
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    while !String::from_utf8_lossy(&seen).contains("patient-000") {
        let n = reader.read(&mut buf).unwrap();
        assert!(n > 0, "the console drew nothing");
        seen.extend_from_slice(&buf[..n]);
    }
    // Close every handle on the terminal's side: the tty hangs up.
    drop(reader);
    drop(pair.master);
    let deadline = Instant::now() + common::pty::WAIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            eprintln!("ended with {status:?}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the console was still running {:?} after its terminal closed",
                common::pty::WAIT
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
