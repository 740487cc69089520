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
use vital_onboard::emulator::RunningEmulator;
use vital_onboard::runtime::{Driver, system_clock};
use vital_onboard::setup::connection::{Environment, Region};
use vital_onboard::ui::Theme;

use super::clipboard::Recorder;

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
        loop {
            self.step(Duration::from_millis(50)).await;
            let s = self.screen();
            if s.contains(text) {
                return (s, start.elapsed());
            }
            assert!(
                start.elapsed() < within,
                "timed out waiting for {text:?}; screen:\n{s}"
            );
        }
    }

    pub async fn wait_for(&mut self, text: &str) -> String {
        self.wait_for_within(text, Duration::from_secs(10)).await.0
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

    /// A few quick turns of the loop, for answers already on their way.
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
