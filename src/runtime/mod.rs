//! The runtime: one loop over terminal input, a message queue and ticks. API calls run as tasks
//! that post messages back; the loop never awaits one. It draws only when the queue is empty and
//! ticks only while something animates or counts down.

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
use tokio::task::AbortHandle;

use crate::api::Client;
use crate::app::{App, CopyOutcome, Effect, Msg, PAGE_SIZE};
use crate::clipboard::Clipboard;
use crate::ui::{self, Theme};

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
    clipboard: std::sync::mpsc::Sender<ClipboardJob>,
    osc: OscSink,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    tasks: HashMap<u64, AbortHandle>,
    dirty: bool,
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
        let clipboard = clipboard_thread(clipboard, tx.clone());
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
        }
    }

    /// A sender for messages (tests feed keys through it).
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn start(&mut self) {
        let effects = self.app.start();
        self.run_effects(effects);
    }

    pub fn handle(&mut self, msg: Msg) {
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
        Ok(())
    }

    /// Handles every queued message, then draws if anything changed.
    pub fn drain_and_draw(&mut self) -> std::io::Result<()> {
        while let Ok(msg) = self.rx.try_recv() {
            self.handle(msg);
        }
        if self.dirty {
            self.draw()?;
        }
        Ok(())
    }

    /// Waits for the next message (or tick) up to `limit`, handles it and everything queued
    /// behind it, and draws. Returns whether something was handled.
    pub async fn step(&mut self, limit: Duration) -> std::io::Result<bool> {
        let tick = self.app.tick_interval((self.clock)());
        let got = tokio::select! {
            msg = self.rx.recv() => msg,
            _ = sleep_opt(tick) => Some(Msg::Tick((self.clock)())),
            _ = tokio::time::sleep(limit) => None,
        };
        let handled = got.is_some();
        if let Some(msg) = got {
            self.handle(msg);
        }
        self.drain_and_draw()?;
        Ok(handled)
    }

    /// The main loop with a terminal event stream. Returns when the app quits.
    pub async fn run<S>(&mut self, mut events: S) -> std::io::Result<()>
    where
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        self.start();
        self.draw()?;
        while !self.app.quit {
            let tick = self.app.tick_interval((self.clock)());
            let msg = tokio::select! {
                ev = events.next() => match ev {
                    Some(Ok(Event::Key(k))) => Some(Msg::Key(k)),
                    Some(Ok(Event::Paste(p))) => Some(Msg::Paste(p)),
                    Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
                    Some(Ok(_)) => None,
                    Some(Err(e)) => return Err(e),
                    None => break,
                },
                msg = self.rx.recv() => msg,
                _ = sleep_opt(tick) => Some(Msg::Tick((self.clock)())),
            };
            if let Some(msg) = msg {
                if matches!(msg, Msg::Resize(..)) {
                    self.terminal
                        .autoresize()
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                }
                self.handle(msg);
            }
            self.drain_and_draw()?;
        }
        for (_, t) in self.tasks.drain() {
            t.abort();
        }
        Ok(())
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.run_effect(effect);
        }
    }

    /// Runs `fut` as a task that posts its message back. A panic in it (a bug) becomes
    /// `Msg::TaskFailed`, so the console neither hangs on a spinner nor dies half-drawn.
    fn spawn<F>(&mut self, id: Option<u64>, what: &'static str, fut: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        use futures::FutureExt;
        let tx = self.tx.clone();
        let handle = tokio::spawn(async move {
            let msg = std::panic::AssertUnwindSafe(fut)
                .catch_unwind()
                .await
                .unwrap_or(Msg::TaskFailed { id, what });
            let _ = tx.send(msg);
        });
        if let Some(id) = id {
            self.tasks.retain(|_, h| !h.is_finished());
            self.tasks.insert(id, handle.abort_handle());
        }
    }

    fn run_effect(&mut self, effect: Effect) {
        let client = self.client.clone();
        let clock = self.clock.clone();
        match effect {
            Effect::LoadUsers { offset, generation } => self.spawn(None, "load the patient list", async move {
                Msg::UsersLoaded {
                    generation,
                    result: client.list_users(offset, PAGE_SIZE).await,
                }
            }),
            Effect::LoadProviders => self.spawn(None, "load the providers", async move {
                Msg::ProvidersLoaded(client.providers().await)
            }),
            Effect::LoadConnections { user_id } => self.spawn(None, "load connections", async move {
                Msg::ConnectionsLoaded {
                    user_id,
                    result: client.connected_providers(user_id).await,
                }
            }),
                        Effect::LoadUser { id, user_id } => self.spawn(None, "load a patient", async move {
                Msg::UserLoaded {
                    id,
                    result: client.get_user(user_id).await,
                }
            }),
            Effect::Mint { id, request } => self.spawn(Some(id), "mint a link", async move {
                let result = client.link_token(&request).await;
                if let Ok(t) = &result {
                    tracing::info!(user_id = %request.user_id, fingerprint = %crate::api::fingerprint(&t.link_token), "link minted");
                }
                Msg::Minted {
                    id,
                    at: clock(),
                    result,
                }
            }),
            Effect::CreateUser { id, client_user_id } => self.spawn(Some(id), "create a patient", async move {
                let result = client.create_user(&client_user_id).await;
                Msg::UserCreated {
                    id,
                    at: clock(),
                    result,
                }
            }),
            Effect::Cancel { id } => {
                if let Some(h) = self.tasks.remove(&id) {
                    h.abort();
                }
            }
                        Effect::Copy { text } => {
                // Between frames, never inside one: the terminal gets the whole sequence at once.
                (self.osc)(&crate::clipboard::osc52(&text, crate::clipboard::in_tmux()));
                let _ = self.clipboard.send(ClipboardJob::Set(text));
            }
            Effect::ClearClipboard { text } => {
                let _ = self.clipboard.send(ClipboardJob::ClearIf(text));
            }
            Effect::SavePng { url, path } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::link::qr::save_png(&url, &path)
                        .map(|()| std::fs::canonicalize(&path).unwrap_or(path));
                    let _ = tx.send(Msg::PngSaved(result));
                });
            }
        }
    }
}

enum ClipboardJob {
    Set(String),
    ClearIf(String),
}

/// The native clipboard lives on a thread of its own: on X11 a read can wait seconds for another
/// program, and the input loop must not. The one clipboard handle stays alive as long as the
/// console (X11 drops the text with its owner).
fn clipboard_thread(
    mut clipboard: Box<dyn Clipboard>,
    tx: UnboundedSender<Msg>,
) -> std::sync::mpsc::Sender<ClipboardJob> {
    let (jobs, rx) = std::sync::mpsc::channel::<ClipboardJob>();
    std::thread::Builder::new()
        .name("clipboard".into())
        .spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    ClipboardJob::Set(text) => {
                        let outcome = if clipboard.set(&text) {
                            CopyOutcome::System
                        } else {
                            CopyOutcome::Osc52
                        };
                        let _ = tx.send(Msg::Copied(outcome));
                    }
                    ClipboardJob::ClearIf(text) => clipboard.clear_if(&text),
                }
            }
        })
        .expect("the clipboard thread starts");
    jobs
}

async fn sleep_opt(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Opens the interactive console on the real terminal and runs it until the user quits.
pub async fn run_console(
    session: &crate::setup::session::Session,
    config: &crate::setup::config::Config,
) -> std::io::Result<()> {
    use std::io::Write;

    let env = crate::app::EnvInfo::from_connection(&session.connection, session.client.base_url());
    let prefs = crate::app::Prefs {
        utc_offset: *chrono::Local::now().offset(),
        qr_style: config.qr_style,
        clinic_name: config.clinic_name.clone(),
        kiosk_idle: Duration::from_secs(config.kiosk_idle_minutes.unwrap_or(10).saturating_mul(60)),
    };
    let theme = Theme {
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    let (guard, terminal) = terminal::TerminalGuard::enter()?;
    let size = terminal.size()?;
    let app = App::new(
        env,
        prefs,
        Utc::now(),
        ratatui::layout::Rect::new(0, 0, size.width, size.height),
    );
    let osc: OscSink = Box::new(|seq: &str| {
        let mut out = std::io::stdout();
        let _ = out.write_all(seq.as_bytes());
        let _ = out.flush();
    });
    let mut driver = Driver::new(
        terminal,
        app,
        theme,
        session.client.clone(),
        system_clock(),
        Box::new(crate::clipboard::Native::new()),
        osc,
    );
    if std::env::var_os("VITAL_ONBOARD_PANIC_TEST").is_some() {
        // Test hook (tests/e2e_pty.rs): proves the panic hook restores the terminal.
        driver.draw()?;
        panic!("panic test: VITAL_ONBOARD_PANIC_TEST is set");
    }
    #[cfg(unix)]
    {
        // `kill` and a closed terminal end the console cleanly, restoring the terminal.
        use tokio::signal::unix::{SignalKind, signal};
        let tx = driver.sender();
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            tokio::spawn(async move {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
                let _ = tx.send(Msg::Quit);
            });
        }
    }
    let result = driver.run(crossterm::event::EventStream::new()).await;
    // A link URL the console copied would vanish from an X11/Wayland clipboard with this process:
    // hand it to the same helper `link --copy` uses, until it expires.
    if let Some((url, expires)) = driver.app.clipboard.clone() {
        let left = (expires - Utc::now()).to_std().unwrap_or_default();
        if !left.is_zero() && cfg!(target_os = "linux") {
            crate::clipboard::copy_and_keep(&url, left);
        }
    }
    drop(driver);
    drop(guard);
    result
}
