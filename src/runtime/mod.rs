//! The runtime: one loop over terminal input, a message queue and ticks. API calls run as tasks
//! that post messages back ([`effects`]); the loop never awaits one. It draws only when the
//! queue is empty and ticks only while something animates or counts down. The real console
//! ([`console`]) and the whole-app tests run the same loop body, [`Driver::step`].

pub mod console;
mod effects;
pub mod terminal;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::api::Client;
use crate::app::requests::RequestId;
use crate::app::{App, Msg};
use crate::clipboard::Clipboard;
use crate::ui::{self, Theme};

pub use console::{QueueStart, pick_profile, run_console};

/// The most terminal events handled between two frames.
const BURST: usize = 10_000;

/// Where time comes from (tests pass a controllable clock).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Writes an OSC 52 sequence to the terminal (tests record it).
pub type OscSink = Box<dyn FnMut(&str) + Send>;

pub struct Driver<B: Backend> {
    pub terminal: Terminal<B>,
    pub app: App,
    pub theme: Theme,
    client: Client,
    clock: Clock,
    clipboard: std::sync::mpsc::Sender<effects::ClipboardJob>,
    osc: OscSink,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    /// The tasks running for requests, to stop on `Effect::Cancel`.
    tasks: HashMap<RequestId, effects::Running>,
    dirty: bool,
    /// When the last tick ran: the next is due one interval later, however many other
    /// messages came in between (typing does not hold up the countdown).
    last_tick: tokio::time::Instant,
    /// Gives the terminal back and stops the process until continued (the real console sets
    /// it; tests have no process to stop).
    pub suspend: Option<Box<dyn FnMut() -> std::io::Result<()> + Send>>,
    /// Frames drawn so far.
    frames: u64,
    /// The audit log, when it could be opened.
    history: Option<Arc<std::sync::Mutex<crate::audit::Store>>>,
    /// The thread that writes and reads the audit log, in order.
    log: effects::LogThread,
    /// No users page is sent before this (a `Retry-After` holds back every page).
    page_gate: effects::PageGate,
}

/// What a terminal event means to the app; `None` for events it does not use (focus, mouse).
pub fn event_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(p) => Some(Msg::Paste(p)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

impl<B: Backend> Driver<B> {
    pub fn new(
        terminal: Terminal<B>,
        app: App,
        theme: Theme,
        client: Client,
        clock: Clock,
        clipboard: Box<dyn Clipboard>,
        osc: OscSink,
    ) -> Self {
        let (tx, rx) = unbounded_channel();
        let clipboard = effects::clipboard_thread(clipboard, tx.clone());
        // A call that waits out a Retry-After says so, for the status line's countdown.
        let (notices, now) = (tx.clone(), clock.clone());
        let page_gate = effects::PageGate::default();
        let gate = page_gate.clone();
        let client = client.with_retry_notice(Arc::new(move |notice: &crate::api::RetryNotice| {
            gate.hold_until(tokio::time::Instant::now() + notice.wait);
            let _ = notices.send(Msg::Retrying {
                notice: notice.clone(),
                at: now(),
            });
        }));
        Driver {
            terminal,
            app,
            theme,
            client,
            clock,
            clipboard,
            osc,
            tx,
            rx,
            tasks: HashMap::new(),
            dirty: true,
            last_tick: tokio::time::Instant::now(),
            suspend: None,
            frames: 0,
            history: None,
            log: effects::LogThread::start(),
            page_gate,
        }
    }

    /// Opens the audit log at `path`; if it cannot be, the console says why and goes on.
    pub fn open_history(&mut self, path: Option<&std::path::Path>) {
        let Some(path) = path else {
            let _ = self.tx.send(Msg::HistoryUnavailable(
                "no data folder for history.sqlite3".into(),
            ));
            return;
        };
        match crate::audit::Store::open(path) {
            Ok(store) => self.history = Some(Arc::new(std::sync::Mutex::new(store))),
            Err(e) => {
                tracing::warn!("audit log unavailable: {e}");
                let _ = self.tx.send(Msg::HistoryUnavailable(e.to_string()));
            }
        }
    }

    /// A sender for messages (signal handlers post `Quit` through it).
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn start(&mut self) {
        let effects = self.app.start();
        self.run_effects(effects);
    }

    fn handle(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.run_effects(effects);
        self.dirty = true;
    }

    pub fn draw(&mut self) -> std::io::Result<()> {
        let (app, theme) = (&self.app, &self.theme);
        self.terminal
            .draw(|f| ui::draw(f, app, theme))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.dirty = false;
        self.frames += 1;
        Ok(())
    }

    /// How many frames were drawn: one per burst of input, not one per key.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The loop body: waits for a terminal event, a message or a tick (or `limit`, when given),
    /// handles it and every message queued behind it, and draws if anything changed. Returns
    /// whether something was handled; `Ok(false)` also when the event stream ended, which
    /// quits the app.
    pub async fn step<S>(
        &mut self,
        events: &mut S,
        limit: Option<Duration>,
    ) -> std::io::Result<bool>
    where
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        let tick = self.app.tick_interval((self.clock)()).map(|every| {
            (self.last_tick + every).saturating_duration_since(tokio::time::Instant::now())
        });
        let got = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(event)) => event_msg(event),
                Some(Err(e)) => return Err(e),
                None => {
                    self.app.quit = true;
                    return Ok(false);
                }
            },
            msg = self.rx.recv() => msg,
            () = sleep_opt(tick) => {
                self.last_tick = tokio::time::Instant::now();
                Some(Msg::Tick((self.clock)()))
            }
            () = sleep_opt(limit) => None,
        };
        let handled = got.is_some();
        if let Some(msg) = got {
            self.take(msg)?;
        }
        // A burst (a paste without bracketed paste, a held key) is handled whole before the
        // next frame, so the last frame shows the last key and drawing does not lag behind.
        for _ in 0..BURST {
            // Polled with this task's own context (not `now_or_never`'s no-op waker), so a
            // stream that parks a waker when it has nothing (crossterm's does) still wakes us.
            let ready = std::future::poll_fn(|cx| match events.poll_next_unpin(cx) {
                std::task::Poll::Ready(item) => std::task::Poll::Ready(Some(item)),
                std::task::Poll::Pending => std::task::Poll::Ready(None),
            })
            .await;
            match ready {
                Some(Some(Ok(event))) => {
                    if let Some(msg) = event_msg(event) {
                        self.take(msg)?;
                    }
                }
                Some(Some(Err(e))) => return Err(e),
                Some(None) => {
                    self.app.quit = true;
                    break;
                }
                None => break,
            }
        }
        while let Ok(msg) = self.rx.try_recv() {
            self.take(msg)?;
        }
        if self.dirty {
            self.draw()?;
        }
        Ok(handled)
    }

    /// Handles one message, first doing what the terminal itself needs for it (a resize, a stop).
    fn take(&mut self, msg: Msg) -> std::io::Result<()> {
        if matches!(msg, Msg::Resize(..)) {
            self.terminal
                .autoresize()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        if matches!(msg, Msg::Suspend)
            && let Some(suspend) = &mut self.suspend
        {
            suspend()?;
            // Back from the stop: the terminal may show anything, so clear it and forget
            // what was drawn (both buffers empty), and the next frame draws it all. No
            // cursor query: `Terminal::clear` asks the terminal, which not every one answers.
            let io = |e: B::Error| std::io::Error::other(e.to_string());
            self.terminal.backend_mut().clear().map_err(io)?;
            self.terminal.swap_buffers();
            self.terminal.swap_buffers();
            self.terminal.autoresize().map_err(io)?;
        }
        self.handle(msg);
        Ok(())
    }

    /// The main loop over a terminal event stream. Returns when the app quits.
    pub async fn run<S>(&mut self, mut events: S) -> std::io::Result<()>
    where
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        self.start();
        self.draw()?;
        while !self.app.quit {
            self.step(&mut events, None).await?;
        }
        for (_, t) in self.tasks.drain() {
            t.stop();
        }
        Ok(())
    }
}

async fn sleep_opt(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}
