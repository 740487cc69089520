//! Carrying out the app's effects. Every task, async or blocking, starts through one helper,
//! [`Driver::spawn`], which keeps its cancel handle by request id and turns a panic into
//! `Msg::TaskFailed` with its [`Task`]; `Effect::Cancel` stops a task (a blocking one sees its
//! [`Stop`] set). The clipboard lives on its own thread, and so does the audit log
//! ([`LogThread`]: its writes and reads in the order asked), OSC 52 is written between frames,
//! and 429 back-off is shared by the pages of the patient list ([`PageGate`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::Driver;
use crate::api::client::MAX_PAGE;
use crate::app::requests::{RequestId, Task};
use crate::app::{Effect, Msg};
use crate::clipboard::{Clipboard, CopyOutcome};
use crate::link::LinkUrl;

/// Threads a large patient filter runs on: the machine's cores, at most 4.
fn filter_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Set when a task's request is cancelled: blocking work checks it and stops early.
#[derive(Debug, Clone, Default)]
pub(super) struct Stop(Arc<AtomicBool>);

impl Stop {
    pub(super) fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Work for a blocking thread: answers `None` when it stopped because it was cancelled (there
/// is nothing to say then).
type BlockingWork = Box<dyn FnOnce(&Stop) -> Option<Msg> + Send>;

/// What a task does: a future, or a closure for a blocking thread.
pub(super) enum Work {
    Async(Pin<Box<dyn Future<Output = Msg> + Send>>),
    Blocking(BlockingWork),
}

impl Work {
    fn future(fut: impl Future<Output = Msg> + Send + 'static) -> Work {
        Work::Async(Box::pin(fut))
    }

    pub(super) fn blocking(f: impl FnOnce(&Stop) -> Option<Msg> + Send + 'static) -> Work {
        Work::Blocking(Box::new(f))
    }
}

/// One task to start: its kind, its request (if something waits for its answer), and its work.
pub(super) struct Job {
    pub(super) task: Task,
    pub(super) id: Option<RequestId>,
    pub(super) work: Work,
}

impl Job {
    fn new(task: Task, id: RequestId, work: Work) -> Job {
        Job {
            task,
            id: Some(id),
            work,
        }
    }
}

/// A task running for a request: how to stop it.
pub(super) struct Running {
    abort: AbortHandle,
    stop: Stop,
}

impl Running {
    pub(super) fn stop(self) {
        self.stop.set();
        self.abort.abort();
    }
}

/// No users page is sent before this: a `Retry-After` holds back every page (a time, not a
/// record of requests: which pages are wanted is the app's registry's business).
#[derive(Debug, Clone, Default)]
pub(super) struct PageGate(Arc<std::sync::Mutex<Option<tokio::time::Instant>>>);

impl PageGate {
    /// Holds pages back until `until` (or later, if held longer already).
    pub(super) fn hold_until(&self, until: tokio::time::Instant) {
        let mut g = self.0.lock().expect("the page gate");
        *g = Some(g.map_or(until, |t| t.max(until)));
    }

    /// Waits until pages may be sent.
    async fn wait(&self) {
        loop {
            let until = *self.0.lock().expect("the page gate");
            match until {
                Some(t) if t > tokio::time::Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
    }
}

impl<B: Backend> Driver<B> {
    pub(super) fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.run_effect(effect);
        }
    }

    fn run_effect(&mut self, effect: Effect) {
        let job = match effect {
            Effect::Cancel { id } => return self.cancel(id),
            Effect::Copy { url, expires_at } => {
                // Between frames, never inside one: the terminal gets the whole sequence at once.
                let seq = crate::clipboard::osc52(url.as_str(), crate::clipboard::in_tmux());
                (self.osc)(&seq);
                let _ = self.clipboard.send(ClipboardJob::Set { url, expires_at });
                return;
            }
            Effect::ClearClipboard { url } => {
                let _ = self.clipboard.send(ClipboardJob::ClearIf(url));
                return;
            }
            Effect::Audit(_)
            | Effect::AuditQueue(_)
            | Effect::LoadHistory { .. }
            | Effect::LoadStatus { .. }
            | Effect::SavePreset { .. }
            | Effect::SavePng { .. } => self.file_job(effect),
            Effect::FilterPatients { id, job } => Some(filter_job(id, job)),
            Effect::Mint { .. } | Effect::CreateUser { .. } | Effect::CreateAppCode { .. } => {
                self.change_job(effect)
            }
            Effect::LoadUsers { .. }
            | Effect::LookupPatient { .. }
            | Effect::LoadProviders { .. }
            | Effect::LoadConnections { .. }
            | Effect::LoadUser { .. }
            | Effect::WatchConnections { .. }
            | Effect::CheckLinkProviders { .. } => self.api_job(effect),
        };
        if let Some(job) = job {
            self.spawn(job);
        }
    }

    /// The one way a task starts: it posts its message back, a panic in it (a bug) becomes
    /// `Msg::TaskFailed` (so the console neither hangs on a spinner nor dies half-drawn), and
    /// a task with a request can be stopped by `Effect::Cancel`.
    pub(super) fn spawn(&mut self, Job { task, id, work }: Job) {
        use futures::FutureExt;
        let tx = self.tx.clone();
        let stop = Stop::default();
        let told = stop.clone();
        let run = async move {
            match work {
                Work::Async(fut) => Some(fut.await),
                Work::Blocking(f) => match tokio::task::spawn_blocking(move || f(&told)).await {
                    Ok(msg) => msg,
                    // Its panic was logged by the hook; it is this task's failure.
                    Err(e) => match e.try_into_panic() {
                        Ok(panic) => std::panic::resume_unwind(panic),
                        Err(_) => None, // the runtime is shutting down
                    },
                },
            }
        };
        let handle = tokio::spawn(async move {
            let msg = std::panic::AssertUnwindSafe(run)
                .catch_unwind()
                .await
                .unwrap_or(Some(Msg::TaskFailed { task, id }));
            if let Some(msg) = msg {
                let _ = tx.send(msg);
            }
        });
        if let Some(id) = id {
            self.tasks.retain(|_, t| !t.abort.is_finished());
            let abort = handle.abort_handle();
            self.tasks.insert(id, Running { abort, stop });
        }
    }

    /// `Effect::Cancel`: the task stops (a blocking one at its next check).
    fn cancel(&mut self, id: RequestId) {
        if let Some(t) = self.tasks.remove(&id) {
            t.stop();
        }
    }

    /// The API calls that only read (each kind of effect is routed by `run_effect`).
    fn api_job(&self, effect: Effect) -> Option<Job> {
        let client = self.client.clone();
        let clock = self.clock.clone();
        let (task, id, work) = match effect {
            Effect::LoadUsers { offset, request } => {
                let gate = self.page_gate.clone();
                let work = Work::future(async move {
                    // Pages wait out a Retry-After together: none is sent before it ends.
                    gate.wait().await;
                    let result = client.list_users(offset, MAX_PAGE).await;
                    Msg::UsersLoaded { request, result }
                });
                (Task::LoadUsers, request, work)
            }
            Effect::LookupPatient { id, text } => (
                Task::LookupPatient,
                id,
                Work::future(async move {
                    let result = client.find_user(&text).await;
                    Msg::PatientLookedUp { id, result }
                }),
            ),
            Effect::LoadProviders { id } => (
                Task::LoadProviders,
                id,
                Work::future(async move {
                    let result = client.providers().await;
                    Msg::ProvidersLoaded { id, result }
                }),
            ),
            Effect::LoadConnections { id, user_id } => (
                Task::LoadConnections,
                id,
                Work::future(async move {
                    let result = client.connected_providers(user_id).await;
                    Msg::ConnectionsLoaded { id, result }
                }),
            ),
            Effect::LoadUser { id, user_id } => (
                Task::LoadUser,
                id,
                Work::future(async move {
                    let result = client.get_user(user_id).await;
                    Msg::UserLoaded { id, result }
                }),
            ),
            Effect::WatchConnections { id, user_id } => (
                Task::Watch,
                id,
                Work::future(async move {
                    let result = client.connected_providers(user_id).await;
                    let at = clock();
                    Msg::Watched { id, at, result }
                }),
            ),
            Effect::CheckLinkProviders { id, token } => (
                Task::LinkProviders,
                id,
                Work::future(async move {
                    let result = client.link_providers(&token.link_token).await;
                    Msg::LinkProvidersLoaded { id, result }
                }),
            ),
            _ => return None,
        };
        Some(Job::new(task, id, work))
    }

    /// The calls that change something: a mint, a new patient.
    fn change_job(&self, effect: Effect) -> Option<Job> {
        let client = self.client.clone();
        let clock = self.clock.clone();
        match effect {
            Effect::Mint { id, request } => {
                let work = Work::future(async move {
                    let result = client.link_token(&request).await;
                    if let Ok(t) = &result {
                        let fingerprint = crate::api::fingerprint(&t.link_token);
                        tracing::info!(user_id = %request.user_id, %fingerprint, "link minted");
                    }
                    let at = clock();
                    Msg::Minted { id, at, result }
                });
                Some(Job::new(Task::Mint, id, work))
            }
            Effect::CreateUser { id, client_user_id } => {
                let work = Work::future(async move {
                    let result = client.create_user(&client_user_id).await;
                    let at = clock();
                    Msg::UserCreated { id, at, result }
                });
                Some(Job::new(Task::CreateUser, id, work))
            }
            Effect::CreateAppCode { id, user_id } => {
                let work = Work::future(async move {
                    let result = client.create_app_code(user_id, None).await;
                    if let Ok(c) = &result {
                        let fingerprint = crate::api::fingerprint(&c.code);
                        tracing::info!(%user_id, %fingerprint, "app code made");
                    }
                    let at = clock();
                    Msg::AppCodeCreated { id, at, result }
                });
                Some(Job::new(Task::AppCode, id, work))
            }
            _ => None,
        }
    }

    /// The audit log on its own thread, in the order asked; files on blocking threads.
    fn file_job(&self, effect: Effect) -> Option<Job> {
        let history = self.history.clone();
        match effect {
            Effect::Audit(event) => {
                let store = history?;
                let tx = self.tx.clone();
                self.log.queue(move || {
                    let write = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let store = store
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        store.record(&event)
                    }));
                    let msg = match write {
                        Ok(Ok(())) => return,
                        Ok(Err(e)) => {
                            tracing::warn!("audit log write failed: {e}");
                            Msg::HistoryUnavailable(e.to_string())
                        }
                        // Its panic was logged by the hook; it is this write's failure.
                        Err(_) => Msg::TaskFailed {
                            task: Task::Audit,
                            id: None,
                        },
                    };
                    let _ = tx.send(msg);
                });
                None
            }
            Effect::AuditQueue(run) => {
                let store = history?;
                let tx = self.tx.clone();
                self.log.queue(move || {
                    let store = store
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if let Err(e) = store.record_queue(&run) {
                        tracing::warn!("audit log write of a queue's summary failed: {e}");
                        let _ = tx.send(Msg::HistoryUnavailable(e.to_string()));
                    }
                });
                None
            }
            Effect::LoadHistory { id } => {
                let read = self.log.read(move || match history {
                    Some(store) => read_history(&store),
                    None => Err("the audit log is unavailable".into()),
                });
                let work = Work::future(async move {
                    let result = read.await;
                    Msg::HistoryLoaded { id, result }
                });
                Some(Job::new(Task::LoadHistory, id, work))
            }
            Effect::LoadStatus { id, here } => {
                // Without a log (its absence was said when it failed to open), no link is
                // known from this desk.
                let read = self.log.read(move || match history {
                    Some(store) => read_status(&store, &here),
                    None => Ok(crate::audit::onboarding::Ledger::new(&here)),
                });
                let work = Work::future(async move {
                    let result = read.await;
                    Msg::StatusLoaded { id, result }
                });
                Some(Job::new(Task::LoadStatus, id, work))
            }
            Effect::SavePreset { id, path, preset } => {
                let work = Work::blocking(move |_| {
                    let result = crate::setup::presets::save(&path, &preset);
                    Some(Msg::PresetSaved { id, preset, result })
                });
                Some(Job::new(Task::SavePreset, id, work))
            }
            Effect::SavePng { id, url, path } => {
                let work = Work::blocking(move |_| {
                    let result = crate::link::qr::save_png(url.as_str(), &path)
                        .map(|()| std::fs::canonicalize(&path).unwrap_or(path));
                    Some(Msg::PngSaved { id, url, result })
                });
                Some(Job::new(Task::SavePng, id, work))
            }
            _ => None,
        }
    }
}

/// A patient filter, matched on a blocking thread; a cancelled one (superseded by a newer
/// query) stops where it is and answers nothing.
fn filter_job(id: RequestId, job: crate::app::matcher::Job) -> Job {
    let work = Work::blocking(move |stop| {
        let found = job.run_until(filter_threads(), &|| stop.is_set())?;
        Some(Msg::PatientsFiltered { id, found })
    });
    Job::new(Task::FilterPatients, id, work)
}

/// The audit log's links for the history overlay, newest first.
fn read_history(
    store: &std::sync::Mutex<crate::audit::Store>,
) -> Result<Vec<crate::audit::LinkRecord>, String> {
    let store = store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    store
        .links(&crate::audit::Filter {
            limit: Some(500),
            ..Default::default()
        })
        .map_err(|e| e.to_string())
}

/// This desk's links (of `here`'s host) for the patients' onboarding statuses: one pass over
/// the log.
fn read_status(
    store: &std::sync::Mutex<crate::audit::Store>,
    here: &crate::audit::Scope,
) -> Result<crate::audit::onboarding::Ledger, String> {
    let store = store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let events = store.events().map_err(|e| e.to_string())?;
    Ok(crate::audit::onboarding::Ledger::from_events(&events, here))
}

/// A job for the audit log's thread.
type LogJob = Box<dyn FnOnce() + Send>;

/// How long a console that quits waits for the audit log's jobs still queued: the rows of the
/// last moments are written, but a locked log does not hold the process.
pub(super) const LOG_AT_QUIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The audit log's own thread. Its jobs (every write, and the reads for `H` and the patients'
/// statuses) run one at a time in the order the app asked for them, so the rows are in that
/// order and a read sees every row written before it was asked for (`H` right after a mint
/// lists that link); on blocking threads of their own they raced. Dropped, it waits for the
/// jobs queued, [`LOG_AT_QUIT`] at most.
pub(super) struct LogThread {
    jobs: std::sync::mpsc::Sender<LogJob>,
}

impl LogThread {
    pub(super) fn start() -> LogThread {
        let (jobs, rx) = std::sync::mpsc::channel::<LogJob>();
        // It ends when its sender is dropped and the jobs queued are done.
        std::thread::Builder::new()
            .name("audit-log".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    // A panic (a bug, logged by the hook) ends that job, not the thread.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .expect("the audit log's thread starts");
        LogThread { jobs }
    }

    /// Runs `job` after every job queued before it.
    fn queue(&self, job: impl FnOnce() + Send + 'static) {
        let _ = self.jobs.send(Box::new(job));
    }

    /// Runs `read` after every job queued before it; its answer, or its panic resumed in the
    /// task that awaits it (which then fails as any task does).
    fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce() -> T + Send + 'static,
    ) -> impl Future<Output = T> + Send + 'static {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.queue(move || {
            let _ = answer.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)));
        });
        async move {
            // The thread runs every job it is given (a panic ends the job, not the thread).
            match answered
                .await
                .expect("the audit log's thread answers every read")
            {
                Ok(value) => value,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    }

    /// Waits until every job queued so far is done, `within` at most; whether they are.
    pub(super) fn finish(&self, within: std::time::Duration) -> bool {
        let (done, finished) = std::sync::mpsc::channel();
        self.queue(move || {
            let _ = done.send(());
        });
        finished.recv_timeout(within).is_ok()
    }
}

impl Drop for LogThread {
    fn drop(&mut self) {
        if !self.finish(LOG_AT_QUIT) {
            tracing::warn!("audit log writes still running at quit: left unfinished");
        }
    }
}

pub(super) enum ClipboardJob {
    Set {
        url: LinkUrl,
        expires_at: chrono::DateTime<chrono::Utc>,
    },
    ClearIf(LinkUrl),
}

/// The native clipboard lives on a thread of its own: on X11 a read can wait seconds for another
/// program, a failed copy is tried again after short waits, and asking tmux for its settings
/// starts a process; the input loop waits for none of them. The one clipboard handle stays
/// alive as long as the console (X11 drops the text with its owner).
pub(super) fn clipboard_thread(
    mut clipboard: Box<dyn Clipboard>,
    tx: UnboundedSender<Msg>,
) -> std::sync::mpsc::Sender<ClipboardJob> {
    let (jobs, rx) = std::sync::mpsc::channel::<ClipboardJob>();
    std::thread::Builder::new()
        .name("clipboard".into())
        .spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    ClipboardJob::Set { url, expires_at } => {
                        // The native clipboard tries again itself; when it did not take the
                        // text, a tmux that drops OSC 52 is said to (with the fix).
                        let native = clipboard.set(url.as_str());
                        let outcome = CopyOutcome::of(native, crate::clipboard::tmux_here);
                        let _ = tx.send(Msg::Copied {
                            url,
                            expires_at,
                            outcome,
                        });
                    }
                    ClipboardJob::ClearIf(url) => clipboard.clear_if(url.as_str()),
                }
            }
        })
        .expect("the clipboard thread starts");
    jobs
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
