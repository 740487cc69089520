//! The whole-app harness: the real loop body `Driver::step` on ratatui's `TestBackend` against
//! an in-process emulator, terminal events in through the loop's channel, the clipboard and the
//! OSC 52 writes recorded.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use vital_onboard::api::Client;
use vital_onboard::app::{App, Badge, ConsoleConfig, EnvInfo};
use vital_onboard::audit::{Event as Row, Store};
use vital_onboard::emulator::RunningEmulator;
use vital_onboard::runtime::{Driver, system_clock};
use vital_onboard::setup::connection::{Environment, Region};
use vital_onboard::ui::Theme;

use super::clipboard::Recorder;

/// How long a wait on the console lasts before the test fails: generous, for a cold, loaded CI
/// machine (a wait that passes returns as soon as its thing is there).
pub const WAIT: Duration = Duration::from_secs(20);

/// How the console starts; [`Console::new`] takes the defaults.
#[derive(Default)]
pub struct Setup {
    /// A production badge (minting asks first) instead of the demo's.
    pub production: bool,
    /// The client to use; by default [`super::client`] for the emulator.
    pub client: Option<Client>,
    /// The audit log to open.
    pub history: Option<PathBuf>,
    /// Whether the recording clipboard reports a native clipboard.
    pub native_clipboard: bool,
}

pub struct Console {
    pub driver: Driver<TestBackend>,
    events: UnboundedReceiver<std::io::Result<Event>>,
    typing: UnboundedSender<std::io::Result<Event>>,
    /// What the console put on the clipboard.
    pub clipboard: Recorder,
    /// The OSC 52 sequences the console wrote.
    pub osc: Arc<Mutex<Vec<String>>>,
}

impl Console {
    /// The demo console at 160x48, with the audit log `history` when given.
    pub fn new(emu: &RunningEmulator, history: Option<&Path>) -> Console {
        Console::with(
            emu,
            Setup {
                history: history.map(Path::to_path_buf),
                ..Setup::default()
            },
        )
    }

    pub fn with(emu: &RunningEmulator, setup: Setup) -> Console {
        let (w, h) = (160, 48);
        let env = EnvInfo {
            badge: if setup.production {
                Badge::Vital {
                    env: Environment::Production,
                    region: Region::Us,
                }
            } else {
                Badge::Demo
            },
            host: emu.base_url().to_string(),
            key_prefix: None,
            read_only: false,
            profile: None,
        };
        let app = App::new(
            env,
            ConsoleConfig::default(),
            chrono::Utc::now(),
            Rect::new(0, 0, w, h),
        );
        let clipboard = Recorder {
            native: setup.native_clipboard,
            ..Recorder::default()
        };
        let osc = Arc::new(Mutex::new(Vec::new()));
        let sink = osc.clone();
        let mut driver = Driver::new(
            Terminal::new(TestBackend::new(w, h)).unwrap(),
            app,
            Theme::plain(),
            setup.client.unwrap_or_else(|| super::client(emu)),
            system_clock(),
            Box::new(clipboard.clone()),
            Box::new(move |s: &str| sink.lock().unwrap().push(s.to_string())),
        );
        if let Some(p) = &setup.history {
            driver.open_history(Some(p.as_path()));
        }
        driver.start();
        let (typing, events) = unbounded();
        Console {
            driver,
            events,
            typing,
            clipboard,
            osc,
        }
    }

    pub fn screen(&self) -> String {
        let buf = self.driver.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    pub async fn step(&mut self, limit: Duration) {
        self.driver
            .step(&mut self.events, Some(limit))
            .await
            .unwrap();
    }

    /// Runs the loop until `text` is on screen; answers the screen and how long it took.
    pub async fn wait_for_within(&mut self, text: &str, within: Duration) -> (String, Duration) {
        let start = Instant::now();
        self.wait_until_within(&format!("{text:?} on screen"), within, |c| {
            c.screen().contains(text)
        })
        .await;
        (self.screen(), start.elapsed())
    }

    /// Runs the loop until `text` is on screen (or fails after [`WAIT`], showing the screen).
    pub async fn wait_for(&mut self, text: &str) -> String {
        self.wait_for_within(text, WAIT).await.0
    }

    /// Runs the loop until `done` holds (or fails after [`WAIT`], showing the screen): for what
    /// is not on screen (a request the emulator got, a row in the audit log).
    pub async fn wait_until(&mut self, what: &str, done: impl FnMut(&Console) -> bool) {
        self.wait_until_within(what, WAIT, done).await;
    }

    async fn wait_until_within(
        &mut self,
        what: &str,
        within: Duration,
        mut done: impl FnMut(&Console) -> bool,
    ) {
        let start = Instant::now();
        loop {
            self.step(Duration::from_millis(50)).await;
            if done(self) {
                return;
            }
            assert!(
                start.elapsed() < within,
                "timed out waiting until {what}; screen:\n{}",
                self.screen()
            );
        }
    }

    /// Runs the loop for `how_long` of wall-clock time (whatever comes in meanwhile is handled):
    /// for what must hold for a while.
    pub async fn run_for(&mut self, how_long: Duration) {
        let until = Instant::now() + how_long;
        while Instant::now() < until {
            self.step(until.saturating_duration_since(Instant::now()))
                .await;
        }
    }

    /// A terminal event, as the terminal would send it.
    pub fn event(&self, event: Event) {
        self.typing.unbounded_send(Ok(event)).unwrap();
    }

    pub fn key(&self, code: KeyCode) {
        self.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn keys(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Runs the loop until the audit log at `db` holds rows for which `done` holds; answers
    /// them. The console writes the log on threads of its own, and nothing on screen says a
    /// row is written: a test that reads the log waits for its rows here.
    pub async fn wait_for_log(
        &mut self,
        db: &Path,
        what: &str,
        mut done: impl FnMut(&[Row]) -> bool,
    ) -> Vec<Row> {
        let mut seen = Vec::new();
        let read = |seen: &mut Vec<Row>| {
            *seen = Store::open(db).and_then(|s| s.events()).unwrap_or_default();
        };
        let start = Instant::now();
        loop {
            read(&mut seen);
            if done(&seen) {
                return seen;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting until the audit log holds {what}; it holds:\n{:#?}",
                seen.iter()
                    .map(|e| (e.outcome, e.client_user_id.as_str()))
                    .collect::<Vec<_>>()
            );
            self.step(Duration::from_millis(50)).await;
        }
    }

    /// A few turns of the loop, for keys already sent whose effect is the app's own (no answer
    /// from elsewhere): never for an answer on its way, which [`Console::wait_until`] waits for.
    pub async fn settle(&mut self) {
        for _ in 0..5 {
            self.step(Duration::from_millis(20)).await;
        }
    }

    /// Selects `client_id` and ticks `slugs`, then mints; answers the link URL.
    pub async fn mint_for(&mut self, client_id: &str, slugs: &[&str]) -> String {
        self.wait_for("patient-0000").await;
        self.key(KeyCode::Char('/'));
        self.keys(client_id);
        self.key(KeyCode::Enter);
        self.wait_for(&format!("Selected {client_id}")).await;
        self.wait_for("[ ] Fitbit").await;
        self.key(KeyCode::Tab);
        for slug in slugs {
            self.key(KeyCode::Char('/'));
            self.keys(slug);
            self.key(KeyCode::Enter);
            self.key(KeyCode::Char(' '));
        }
        self.key(KeyCode::Char('m'));
        self.wait_for("Link for the patient").await;
        self.shown_url()
    }

    /// The URL of the link on screen (panics when none is shown).
    pub fn shown_url(&self) -> String {
        self.driver
            .app
            .screen
            .shown()
            .expect("a link on screen")
            .link
            .token
            .link_web_url
            .clone()
    }
}
