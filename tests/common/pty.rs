//! The real binary in a pseudo-terminal (portable-pty), read through a vt100 parser that also
//! captures OSC 52 clipboard writes.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::bin::BIN;

pub const ROWS: u16 = 48;
pub const COLS: u16 = 160;

/// How long a wait on the program lasts before the test fails: generous, for a cold, loaded CI
/// machine (a wait that passes returns as soon as its thing is there).
pub const WAIT: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct Capture {
    pub clipboard: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Capture {
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

pub type Parser = Arc<Mutex<vt100::Parser<Capture>>>;

pub struct Pty {
    pub parser: Parser,
    /// Every byte the program wrote to the terminal (a byte is here before the screen shows it).
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// Set once the terminal's side was read to its end (every process on it is gone and all
    /// it wrote is in [`raw`](Pty::raw) and on the screen).
    drained: Arc<AtomicBool>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Arc<Mutex<Box<dyn portable_pty::MasterPty + Send>>>,
}

impl Pty {
    /// The binary at 160x48 with a clean environment.
    pub fn spawn(args: &[&str]) -> Pty {
        Pty::spawn_sized(args, ROWS, COLS, &[])
    }

    /// The binary in a `rows` x `cols` PTY, in the environment of [`command`] with `env` set.
    pub fn spawn_sized(args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Pty {
        Pty::spawn_in(args, rows, cols, env, None)
    }

    /// As [`spawn_sized`](Pty::spawn_sized), in the working directory `cwd` when given.
    pub fn spawn_in(
        args: &[&str],
        rows: u16,
        cols: u16,
        env: &[(&str, &str)],
        cwd: Option<&std::path::Path>,
    ) -> Pty {
        let mut cmd = command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = cwd {
            cmd.cwd(dir);
        }
        Pty::start(cmd, rows, cols)
    }

    /// `cmd` (built with [`command`] or [`super::env`]) in a `rows` x `cols` PTY.
    pub fn start(cmd: CommandBuilder, rows: u16, cols: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser: Parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            rows.try_into().unwrap(),
            cols.try_into().unwrap(),
            0,
            Capture::default(),
        )));
        let feed = parser.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let record = raw.clone();
        let master = Arc::new(Mutex::new(pair.master));
        let keep = master.clone();
        let drained = Arc::new(AtomicBool::new(false));
        let done = drained.clone();
        std::thread::spawn(move || {
            let _master = keep; // keep the PTY open while reading
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                // Recorded first: what a test sees on the screen is in `raw` already.
                record.lock().unwrap().extend_from_slice(&buf[..n]);
                feed.lock().unwrap().process(&buf[..n]);
            }
            done.store(true, Ordering::SeqCst);
        });
        Pty {
            parser,
            raw,
            drained,
            writer,
            child,
            master,
        }
    }

    /// The terminal settings the program left on the PTY (raw mode or not).
    pub fn termios(&self) -> nix::sys::termios::Termios {
        self.master
            .lock()
            .unwrap()
            .get_termios()
            .expect("a unix PTY has termios")
    }

    /// Whether the PTY is in the line-editing mode a shell expects (not raw).
    pub fn is_cooked(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        let t = self.termios();
        t.local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO)
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        super::signal(self.child.process_id().expect("a running child"), sig);
    }

    /// Opens the help with `?` and closes it with `q`, waiting for each: the console answers.
    pub fn open_and_close_help(&mut self) {
        self.send("?");
        self.wait_for("Keys ");
        self.send("q");
        self.wait_until("q closed the help", |p| {
            !p.screen_lines().join("\n").contains("Keys ")
        });
    }

    /// Waits until `done` holds for the screen, or fails after [`WAIT`] showing the screen.
    pub fn wait_until(&self, what: &str, done: impl Fn(&Pty) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}:\n{}",
                self.screen_lines().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen holds `text` and a QR code that decodes (a frame comes in several
    /// writes, so the text can be on screen before the rest of its frame); answers the screen's
    /// rows and what the code says.
    pub fn wait_for_code(&self, text: &str) -> (Vec<String>, String) {
        let deadline = Instant::now() + WAIT;
        loop {
            let lines = self.screen_lines();
            if lines.iter().any(|l| l.contains(text)) {
                let grid = vital_onboard::link::qr::modules_from_lines(&lines);
                if let Ok(content) = super::decode_grid(&grid) {
                    return (lines, content);
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?} and a code that decodes:\n{}",
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn in_alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read each burst on its own, so ESC is not merged with what follows.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn screen_lines(&self) -> Vec<String> {
        let p = self.parser.lock().unwrap();
        let s = p.screen();
        let (rows, cols): (u16, u16) = (s.size().0.into(), s.size().1.into());
        (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| {
                        s.cell(r, c).map_or_else(
                            || " ".into(),
                            |cell| {
                                let t = cell.contents();
                                if t.is_empty() {
                                    " ".to_string()
                                } else {
                                    t.to_string()
                                }
                            },
                        )
                    })
                    .collect()
            })
            .collect()
    }

    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen_lines().join("\n");
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Waits until the program exits and everything it wrote is read (on the screen and in
/// [`Pty::raw`]); its exit status. Fails after [`WAIT`], showing the screen.
pub fn wait_exit(pty: &mut Pty) -> portable_pty::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(s) = pty.child.try_wait().unwrap() {
            pty.wait_until("the terminal's output is read to its end", |p| {
                p.drained.load(Ordering::SeqCst)
            });
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "the program did not exit:\n{}",
            pty.screen_lines().join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The binary as the PTY tests run it: the clean environment of [`super::env`], an empty
/// config file and an xterm's `TERM`.
pub fn command(args: &[&str]) -> CommandBuilder {
    in_terminal(CommandBuilder::new(BIN), args)
}

/// `sh -c line` in the environment of [`command`] (to redirect some of the binary's output).
pub fn shell(line: &str) -> CommandBuilder {
    in_terminal(CommandBuilder::new("sh"), &["-c", line])
}

fn in_terminal(cmd: CommandBuilder, args: &[&str]) -> CommandBuilder {
    let mut cmd = super::env::clean(cmd);
    cmd.args(args);
    cmd.env("VITAL_ONBOARD_CONFIG", super::bin::empty_config());
    cmd.env("TERM", "xterm-256color");
    cmd
}
