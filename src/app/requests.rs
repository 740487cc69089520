//! One request lifecycle for every background call: the registry of requests in flight
//! ([`Requests`], keyed by [`RequestId`], each with its [`Task`] and what its answer is for),
//! where every answer is matched and a stale or cancelled one dropped; the loading state shown
//! while an answer is awaited; the one busy check for requests that change something; and where
//! an API error lands (a refused key always becomes the full-width alert).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::{ApiError, LinkTokenRequest, RetryNotice};

use super::matcher::Query;
use super::{App, Effect, Level};

/// Identifies one request, so that an answer for an older or cancelled one is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The kinds of background task the runtime runs for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    LoadUsers,
    LoadProviders,
    LoadConnections,
    LoadUser,
    Mint,
    CreateUser,
    Watch,
    LinkProviders,
    FilterPatients,
    LookupPatient,
    LoadHistory,
    LoadStatus,
    SavePreset,
    SavePng,
    Audit,
    AppCode,
}

impl Task {
    /// What the task was doing, for "Internal error while trying to …".
    pub fn describe(self) -> &'static str {
        match self {
            Task::LoadUsers => "load the patient list",
            Task::LoadProviders => "load the providers",
            Task::LoadConnections => "load connections",
            Task::LoadUser => "load a patient",
            Task::Mint => "mint a link",
            Task::CreateUser => "create a patient",
            Task::Watch => "watch for the connection",
            Task::LinkProviders => "check what the patient will see",
            Task::FilterPatients => "filter the patient list",
            Task::LookupPatient => "look up a patient",
            Task::LoadHistory => "read the audit log",
            Task::LoadStatus => "read the patients' statuses from the audit log",
            Task::SavePreset => "save the preset",
            Task::SavePng => "save the QR code",
            Task::Audit => "write the audit log",
            Task::AppCode => "make an app code",
        }
    }
}

/// Something loaded in the background: the patient list, the provider list, a connection list.
/// Which request fills it is the registry's business ([`Requests`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }

    pub fn error(&self) -> Option<&str> {
        match self {
            Load::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// A request that changes something (one at a time: the staff wait for it, or Esc cancels it).
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Mint {
        request: LinkTokenRequest,
        /// The language the link will be shown in.
        language: crate::i18n::Language,
    },
    CreateUser {
        client_user_id: String,
    },
    /// An app code for the Junction Connect app.
    AppCode {
        user_id: Uuid,
        client_user_id: String,
    },
}

/// A request in flight: what it does, and what its answer is for.
#[derive(Debug, Clone)]
pub enum Pending {
    /// One page of the patient list, at this offset.
    Page {
        offset: u64,
    },
    Providers,
    /// The connections of this patient.
    Connections {
        user_id: Uuid,
    },
    /// A patient not in the list, fetched to be selected.
    User,
    /// A request that changes something: at most one at a time.
    Change(Request),
    /// A watcher check of the shown link.
    Watch,
    /// What the Link page will offer for the shown link.
    LinkProviders,
    /// The patient filter matching `query` off the loop.
    Filter {
        query: Arc<Query>,
    },
    /// The server lookup of a filter that matched nothing loaded.
    Lookup,
    /// The lookup of row `index` of the `--queue` file's preview.
    QueueLookup {
        index: usize,
    },
    /// The audit log read for the history overlay.
    History,
    /// The audit log read for the patients' onboarding statuses.
    Status,
    SavePreset,
    SavePng,
    /// A watcher check for the shown app code.
    AppWatch,
    /// A watcher check of a link a queue left unused (by its fingerprint).
    LeftWatch {
        fingerprint: String,
    },
}

impl Pending {
    pub fn task(&self) -> Task {
        match self {
            Pending::Page { .. } => Task::LoadUsers,
            Pending::Providers => Task::LoadProviders,
            Pending::Connections { .. } => Task::LoadConnections,
            Pending::User => Task::LoadUser,
            Pending::Change(Request::Mint { .. }) => Task::Mint,
            Pending::Change(Request::CreateUser { .. }) => Task::CreateUser,
            Pending::Watch | Pending::AppWatch | Pending::LeftWatch { .. } => Task::Watch,
            Pending::LinkProviders => Task::LinkProviders,
            Pending::Filter { .. } => Task::FilterPatients,
            Pending::Lookup | Pending::QueueLookup { .. } => Task::LookupPatient,
            Pending::History => Task::LoadHistory,
            Pending::Status => Task::LoadStatus,
            Pending::SavePreset => Task::SavePreset,
            Pending::SavePng => Task::SavePng,
            Pending::Change(Request::AppCode { .. }) => Task::AppCode,
        }
    }
}

/// The one store of requests in flight. A request is in it from [`Requests::start`] until its
/// answer is taken ([`Requests::finish`]) or it is cancelled ([`Requests::cancel`], which
/// answers the [`Effect::Cancel`] that stops it); an answer for an id not in it is stale and
/// dropped.
#[derive(Debug, Default)]
pub struct Requests {
    last: u64,
    live: BTreeMap<RequestId, Pending>,
}

impl Requests {
    /// Registers a new request and answers its id.
    pub fn start(&mut self, pending: Pending) -> RequestId {
        self.last += 1;
        let id = RequestId(self.last);
        self.live.insert(id, pending);
        id
    }

    /// The answer to `id` arrived: its entry, if it is still wanted (the request is then done).
    pub fn finish(&mut self, id: RequestId) -> Option<Pending> {
        self.live.remove(&id)
    }

    /// Stops `id` if it is in flight.
    pub fn cancel(&mut self, id: RequestId) -> Option<Effect> {
        self.live.remove(&id).map(|_| Effect::Cancel { id })
    }

    /// Stops every request of `task`.
    pub fn cancel_all(&mut self, task: Task) -> Vec<Effect> {
        let ids: Vec<RequestId> = self.ids(task).collect();
        ids.into_iter().filter_map(|id| self.cancel(id)).collect()
    }

    /// The request `id`, while it is in flight.
    pub fn get(&self, id: RequestId) -> Option<&Pending> {
        self.live.get(&id)
    }

    /// The requests of `task` in flight, oldest first.
    pub fn ids(&self, task: Task) -> impl Iterator<Item = RequestId> + '_ {
        self.live
            .iter()
            .filter(move |(_, p)| p.task() == task)
            .map(|(id, _)| *id)
    }

    /// How many requests of `task` are in flight.
    pub fn count(&self, task: Task) -> usize {
        self.ids(task).count()
    }

    /// Whether a request of `task` is in flight.
    pub fn running(&self, task: Task) -> bool {
        self.ids(task).next().is_some()
    }

    /// The request that changes something, if one is in flight.
    pub fn change(&self) -> Option<(RequestId, &Request)> {
        self.live.iter().find_map(|(id, p)| match p {
            Pending::Change(r) => Some((*id, r)),
            _ => None,
        })
    }

    /// Every request in flight, oldest first.
    pub fn all(&self) -> impl Iterator<Item = (RequestId, &Pending)> + '_ {
        self.live.iter().map(|(id, p)| (*id, p))
    }
}

/// A call waiting out a `Retry-After` (or a back-off) before its next attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrying {
    pub notice: RetryNotice,
    pub until: DateTime<Utc>,
}

impl Retrying {
    /// `rate limited by sandbox/us, retrying in 9 s (attempt 2 of 3)`, counting down to `now`.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let left = (self.until - now).to_std().unwrap_or_default();
        RetryNotice {
            wait: left,
            ..self.notice.clone()
        }
        .to_string()
    }
}

/// Why a second request cannot start.
pub const BUSY: &str = "A request is already running: wait, or Esc to cancel it";

impl App {
    /// In read-only mode nothing is created or minted: says so and answers true.
    pub(super) fn refused_read_only(&mut self, action: &str) -> bool {
        if self.env.read_only {
            let text = crate::setup::connection::read_only_refusal(action);
            self.toast(Level::Warning, upper_first(&text));
        }
        self.env.read_only
    }

    /// The one busy check: starts `request` unless another that changes something is in flight.
    pub(super) fn begin(&mut self, request: Request) -> Result<RequestId, &'static str> {
        if self.requests.change().is_some() {
            return Err(BUSY);
        }
        Ok(self.requests.start(Pending::Change(request)))
    }

    /// A call in flight waits before trying again: the status line counts down.
    pub(super) fn on_retrying(&mut self, notice: RetryNotice, at: DateTime<Utc>) {
        let wait = chrono::Duration::from_std(notice.wait).unwrap_or_default();
        self.retrying = Some(Retrying {
            notice,
            until: at + wait,
        });
    }

    /// The wait to show now, if one is under way for something the staff wait on.
    pub fn retry_wait(&self) -> Option<&Retrying> {
        let waiting = self.requests.change().is_some() || self.patients.load.is_loading();
        self.retrying
            .as_ref()
            .filter(|r| waiting && r.until > self.now)
    }

    /// Esc while a request runs: drop it and say what may have happened anyway.
    pub(super) fn cancel_request(&mut self) -> Vec<Effect> {
        let Some((id, request)) = self.requests.change() else {
            return vec![];
        };
        let text = match request {
            Request::Mint { .. } => {
                "Cancelled: no link is shown (one may have been minted; it expires unused)"
            }
            Request::CreateUser { .. } => {
                "Cancelled: the patient may have been created anyway; R reloads the list"
            }
            Request::AppCode { .. } => {
                "Cancelled: no code is shown (one may have been made; it expires unused)"
            }
        };
        self.toast(Level::Info, text);
        self.requests.cancel(id).into_iter().collect()
    }

    /// A refused key stops all work until fixed: it becomes the full-width alert. The one place
    /// that rule lives; true when `e` was such an error.
    pub(super) fn alert_if_refused(&mut self, e: &ApiError) -> bool {
        if matches!(e, ApiError::Unauthorized { .. }) {
            self.raise_alert(e.to_string());
            true
        } else {
            false
        }
    }

    /// Puts an API error where it belongs: fields next to their field, a refused key full width,
    /// anything else in the status line. Selections are never touched.
    pub(super) fn on_api_error(&mut self, e: &ApiError, what: &str) {
        if self.alert_if_refused(e) {
            return;
        }
        match e {
            ApiError::Validation { fields } => {
                for f in fields {
                    if f.field.starts_with("redirect_url") {
                        self.options.redirect_error = Some(f.message.clone());
                    } else if f.field.starts_with("filter_on_providers")
                        || f.field.starts_with("provider")
                    {
                        self.providers.error = Some(f.to_string());
                    }
                }
                self.toast(Level::Error, format!("{what}: {e}"));
            }
            ApiError::Cancelled => {}
            other => self.toast(Level::Error, format!("{what}: {other}")),
        }
    }

    /// A background task panicked (a bug): what waited for it stops waiting, and the staff are
    /// told. `done` is its request, taken from the registry (none for an audit write).
    pub(super) fn on_task_failed(&mut self, task: Task, done: Option<&Pending>) -> Vec<Effect> {
        const FAILED: &str = "internal error";
        let mut effects = Vec::new();
        match done {
            Some(Pending::Page { .. }) => {
                self.patients.load = Load::Failed(FAILED.into());
                effects = self.catch_up_filter();
                effects.extend(self.cancel_pages());
            }
            Some(Pending::Providers) => self.providers_failed(FAILED.into()),
            Some(Pending::Connections { user_id }) => {
                self.patients
                    .connections
                    .checked(*user_id, Load::Failed(FAILED.into()));
            }
            Some(Pending::Watch) => self.watch_task_failed(),
            Some(Pending::AppWatch) => self.app_watch_task_failed(),
            Some(Pending::LeftWatch { fingerprint }) => self.left_watch_failed(fingerprint),
            Some(Pending::LinkProviders) => self.link_providers_failed(FAILED),
            Some(Pending::Lookup) => {
                if let Some(l) = &mut self.patients.lookup {
                    l.state = Load::Failed(FAILED.into());
                }
            }
            Some(Pending::History) => self.on_history_loaded(Err(FAILED.into())),
            Some(Pending::Status) => self.on_status_loaded(Err(FAILED.into())),
            Some(Pending::QueueLookup { index }) => {
                effects = self.queue_lookup_failed(*index, FAILED);
            }
            // The registry no longer has it, which is all: the busy state ends (a mint, a new
            // patient: `on_answer` also ends the retry countdown), the list keeps its matches,
            // nothing is selected.
            Some(
                Pending::Change(_)
                | Pending::User
                | Pending::Filter { .. }
                | Pending::SavePreset
                | Pending::SavePng,
            )
            | None => {}
        }
        self.toast(
            Level::Error,
            format!(
                "Internal error while trying to {}: please report it (VITAL_ONBOARD_LOG=error records the details)",
                task.describe()
            ),
        );
        effects
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
