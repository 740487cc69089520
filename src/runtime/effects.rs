//! Carrying out the app's effects: API calls as tasks that post their answer back (a panic in
//! one becomes `Msg::TaskFailed`), cancellation by request id, the clipboard on its own thread,
//! OSC 52 between frames, and PNG files off the loop.

use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedSender;

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

impl<B: Backend> Driver<B> {
    pub(super) fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.run_effect(effect);
        }
    }

    /// Runs `fut` as a task that posts its message back. A panic in it (a bug) becomes
    /// `Msg::TaskFailed`, so the console neither hangs on a spinner nor dies half-drawn.
    fn spawn<F>(&mut self, task: Task, id: Option<RequestId>, fut: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        use futures::FutureExt;
        let tx = self.tx.clone();
        let handle = tokio::spawn(async move {
            let msg = std::panic::AssertUnwindSafe(fut)
                .catch_unwind()
                .await
                .unwrap_or(Msg::TaskFailed { task, id });
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
            Effect::LoadUsers { offset, request } => {
                let gate = self.page_gate.clone();
                self.spawn(Task::LoadUsers, Some(request), async move {
                    // Pages wait out a Retry-After together: none is sent before it ends.
                    loop {
                        let until = *gate.lock().expect("the page gate");
                        match until {
                            Some(t) if t > tokio::time::Instant::now() => {
                                tokio::time::sleep_until(t).await;
                            }
                            _ => break,
                        }
                    }
                    let result = client.list_users(offset, MAX_PAGE).await;
                    Msg::UsersLoaded { request, result }
                });
            }
            Effect::FilterPatients { id, job } => {
                // The newest filter is the only one wanted: an older one stops where it is.
                let newest = self.newest_filter.clone();
                newest.store(id.0, std::sync::atomic::Ordering::Relaxed);
                self.spawn(Task::FilterPatients, Some(id), async move {
                    let run = tokio::task::spawn_blocking(move || {
                        let stale = || newest.load(std::sync::atomic::Ordering::Relaxed) != id.0;
                        job.run_until(filter_threads(), &stale)
                    });
                    match run.await {
                        Ok(Some(found)) => Msg::PatientsFiltered { id, found },
                        Ok(None) => Msg::PatientsFiltered {
                            id: RequestId::default(),
                            found: crate::app::matcher::Matches::default(),
                        },
                        Err(e) => std::panic::resume_unwind(e.into_panic()),
                    }
                });
            }
            Effect::LookupPatient { id, text } => {
                self.spawn(Task::LookupPatient, Some(id), async move {
                    let result = client.find_user(&text).await;
                    Msg::PatientLookedUp { id, result }
                });
            }
            Effect::LoadProviders => self.spawn(Task::LoadProviders, None, async move {
                Msg::ProvidersLoaded(client.providers().await)
            }),
            Effect::LoadConnections { user_id } => {
                self.spawn(Task::LoadConnections, None, async move {
                    let result = client.connected_providers(user_id).await;
                    Msg::ConnectionsLoaded { user_id, result }
                });
            }
            Effect::LoadUser { id, user_id } => {
                self.spawn(Task::LoadUser, Some(id), async move {
                    let result = client.get_user(user_id).await;
                    Msg::UserLoaded { id, result }
                });
            }
            Effect::Mint { id, request } => self.spawn(Task::Mint, Some(id), async move {
                let result = client.link_token(&request).await;
                if let Ok(t) = &result {
                    let fingerprint = crate::api::fingerprint(&t.link_token);
                    tracing::info!(user_id = %request.user_id, %fingerprint, "link minted");
                }
                let at = clock();
                Msg::Minted { id, at, result }
            }),
            Effect::CreateUser { id, client_user_id } => {
                self.spawn(Task::CreateUser, Some(id), async move {
                    let result = client.create_user(&client_user_id).await;
                    let at = clock();
                    Msg::UserCreated { id, at, result }
                });
            }
            Effect::Cancel { id } => {
                self.newest_filter
                    .compare_exchange(
                        id.0,
                        0,
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                    )
                    .ok();
                if let Some(h) = self.tasks.remove(&id) {
                    h.abort();
                }
            }
            Effect::Copy { url, expires_at } => {
                // Between frames, never inside one: the terminal gets the whole sequence at once.
                let seq = crate::clipboard::osc52(url.as_str(), crate::clipboard::in_tmux());
                (self.osc)(&seq);
                let _ = self.clipboard.send(ClipboardJob::Set { url, expires_at });
            }
            Effect::ClearClipboard { url } => {
                let _ = self.clipboard.send(ClipboardJob::ClearIf(url));
            }
            Effect::WatchConnections { user_id, link } => {
                self.spawn(Task::Watch, None, async move {
                    let result = client.connected_providers(user_id).await;
                    let at = clock();
                    Msg::Watched { link, at, result }
                });
            }
            Effect::CheckLinkProviders { link, token } => {
                self.spawn(Task::LinkProviders, None, async move {
                    let result = client.link_providers(&token.link_token).await;
                    Msg::LinkProvidersLoaded { link, result }
                });
            }
            Effect::Audit(event) => {
                let Some(store) = self.history.clone() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let store = store
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if let Err(e) = store.record(&event) {
                        tracing::warn!("audit log write failed: {e}");
                        let _ = tx.send(Msg::HistoryUnavailable(e.to_string()));
                    }
                });
            }
            Effect::LoadHistory => {
                let tx = self.tx.clone();
                let Some(store) = self.history.clone() else {
                    let _ = tx.send(Msg::HistoryLoaded(Err(
                        "the audit log is unavailable".into()
                    )));
                    return;
                };
                tokio::task::spawn_blocking(move || {
                    let store = store
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let result = store
                        .links(&crate::audit::Filter {
                            limit: Some(500),
                            ..Default::default()
                        })
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::HistoryLoaded(result));
                });
            }
            Effect::SavePreset { path, preset } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::setup::presets::save(&path, &preset);
                    let _ = tx.send(Msg::PresetSaved { preset, result });
                });
            }
            Effect::SavePng { url, path } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::link::qr::save_png(url.as_str(), &path)
                        .map(|()| std::fs::canonicalize(&path).unwrap_or(path));
                    let _ = tx.send(Msg::PngSaved { url, result });
                });
            }
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
/// program, and the input loop must not. The one clipboard handle stays alive as long as the
/// console (X11 drops the text with its owner).
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
                        let outcome = if clipboard.set(url.as_str()) {
                            CopyOutcome::System
                        } else {
                            CopyOutcome::Osc52
                        };
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
