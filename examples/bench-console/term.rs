//! The pseudo-terminal `bench-console` drives (the program in it, the screen as a vt100 parser
//! reads it, each change with its time) and the process figures it reads from `/proc`.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::{COLS, QUIET, ROWS};

/// Screen changes as they happen.
pub struct Screen {
    parser: vt100::Parser,
    changes: Vec<(Instant, String)>,
}

pub struct Term {
    screen: Arc<Mutex<Screen>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Term {
    pub fn spawn(program: &str, args: &[&str], env: &[(&str, &str)]) -> (Term, Instant) {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawns");
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(ROWS.try_into().unwrap(), COLS.try_into().unwrap(), 0),
            changes: Vec::new(),
        }));
        let s = screen.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let at = Instant::now();
                let mut s = s.lock().unwrap();
                s.parser.process(&buf[..n]);
                let now = s.parser.screen().contents();
                if s.changes.last().is_none_or(|(_, c)| *c != now) {
                    s.changes.push((at, now));
                }
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        (
            Term {
                screen,
                writer,
                child,
                _master: pair.master,
            },
            started,
        )
    }

    pub fn send(&mut self, bytes: &[u8]) -> Instant {
        let at = Instant::now();
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        at
    }

    /// When the screen first held `text` (after `since`), waiting up to `limit`.
    pub fn wait_for(
        &self,
        since: Instant,
        limit: Duration,
        test: impl Fn(&str) -> bool,
    ) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        loop {
            {
                let s = self.screen.lock().unwrap();
                if let Some((at, _)) = s.changes.iter().find(|(at, c)| *at >= since && test(c)) {
                    return Some(*at);
                }
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Waits until the screen stays still for [`QUIET`] and no filter is still matching (the
    /// list says "matching…" until the result is on screen); the time of the last change.
    pub fn settle(&self, since: Instant) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (last, matching) = {
                let s = self.screen.lock().unwrap();
                let last = s.changes.last().map_or(since, |(at, _)| *at).max(since);
                (
                    last,
                    s.changes
                        .last()
                        .is_some_and(|(_, text)| text.contains("matching…")),
                )
            };
            if last.elapsed() >= QUIET && !matching {
                return last;
            }
            if Instant::now() > deadline {
                let s = self.screen.lock().unwrap();
                if let [.., (_, a), (_, b)] = s.changes.as_slice() {
                    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                    eprintln!(
                        "the screen does not settle ({} changes): from {:?} to {:?}",
                        s.changes.len(),
                        a.chars()
                            .skip(at.saturating_sub(20))
                            .take(60)
                            .collect::<String>(),
                        b.chars()
                            .skip(at.saturating_sub(20))
                            .take(60)
                            .collect::<String>()
                    );
                }
                return last;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits up to 5 s for the program to exit after its quit key, then kills it.
    pub fn quit(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("it did not quit within 5 s: killed");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The screen as it is now.
    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap_or(0)
    }
}

pub fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU used (user + system) in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

pub fn idle_cpu_percent(pid: u32) -> f64 {
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(3));
    (cpu_ticks(pid) - before) as f64 / 100.0 / 3.0 * 100.0
}
