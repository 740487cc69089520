//! A small whole-app harness (the pattern of tests/console.rs): the real loop body
//! `Driver::step` on ratatui's `TestBackend` against an in-process emulator, keys in as terminal
//! events.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use vital_onboard::app::{App, Badge, ConsoleConfig, EnvInfo};
use vital_onboard::clipboard::Recorder;
use vital_onboard::emulator::RunningEmulator;
use vital_onboard::runtime::{Driver, system_clock};
use vital_onboard::ui::Theme;

pub struct Console {
    pub driver: Driver<TestBackend>,
    events: UnboundedReceiver<std::io::Result<Event>>,
    typing: UnboundedSender<std::io::Result<Event>>,
}

impl Console {
    pub fn new(emu: &RunningEmulator, history: Option<&std::path::Path>) -> Console {
        let (w, h) = (160, 48);
        let env = EnvInfo {
            badge: Badge::Demo,
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
        let mut driver = Driver::new(
            Terminal::new(TestBackend::new(w, h)).unwrap(),
            app,
            Theme { no_color: true },
            super::client(emu),
            system_clock(),
            Box::new(Recorder::default()),
            Box::new(|_: &str| {}),
        );
        if let Some(p) = history {
            driver.open_history(Some(p));
        }
        driver.start();
        let (typing, events) = unbounded();
        Console {
            driver,
            events,
            typing,
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

    pub fn key(&self, code: KeyCode) {
        self.typing
            .unbounded_send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))))
            .unwrap();
    }

    pub fn keys(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
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
        self.driver
            .app
            .screen
            .shown()
            .unwrap()
            .link
            .token
            .link_web_url
            .clone()
    }
}
