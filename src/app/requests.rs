//! One request lifecycle for every background call: ids, the kinds of task, the loading state
//! shown while an answer is awaited, the one busy check for requests that change something, and
//! where an API error lands (a refused key always becomes the full-width alert).

use chrono::{DateTime, Utc};

use crate::api::{ApiError, LinkTokenRequest, RetryNotice};

use super::{App, Effect, Level};

/// Identifies one request, so that an answer for an older or cancelled one is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
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
        }
    }
}

/// Something loaded in the background: the patient list, the provider list, a connection list.
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
    Mint { request: LinkTokenRequest },
    CreateUser { client_user_id: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: RequestId,
    pub request: Request,
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
    pub(super) fn next_request_id(&mut self) -> RequestId {
        self.last_request.0 += 1;
        self.last_request
    }

    /// In read-only mode nothing is created or minted: says so and answers true.
    pub(super) fn refused_read_only(&mut self, action: &str) -> bool {
        if self.env.read_only {
            let text = crate::setup::connection::read_only_refusal(action);
            self.toast(Level::Warning, upper_first(&text));
        }
        self.env.read_only
    }

    /// The one busy check: starts `request` unless another is in flight.
    pub(super) fn begin(&mut self, request: Request) -> Result<RequestId, &'static str> {
        if self.inflight.is_some() {
            return Err(BUSY);
        }
        let id = self.next_request_id();
        self.inflight = Some(InFlight { id, request });
        Ok(id)
    }

    /// The request in flight, if `id` is it; it is finished by taking it.
    pub(super) fn finish(&mut self, id: RequestId) -> Option<Request> {
        let done = self.inflight.take_if(|f| f.id == id).map(|f| f.request);
        if done.is_some() {
            self.retrying = None;
        }
        done
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
        let waiting = self.inflight.is_some() || self.patients.load.is_loading();
        self.retrying
            .as_ref()
            .filter(|r| waiting && r.until > self.now)
    }

    /// Esc while a request runs: drop it and say what may have happened anyway.
    pub(super) fn cancel_request(&mut self) -> Vec<Effect> {
        let Some(f) = self.inflight.take() else {
            return vec![];
        };
        let text = match f.request {
            Request::Mint { .. } => {
                "Cancelled: no link is shown (one may have been minted; it expires unused)"
            }
            Request::CreateUser { .. } => {
                "Cancelled: the patient may have been created anyway; R reloads the list"
            }
        };
        self.toast(Level::Info, text);
        vec![Effect::Cancel { id: f.id }]
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

    /// A background task panicked (a bug): clear what waited for it and say so.
    pub(super) fn on_task_failed(&mut self, task: Task, id: Option<RequestId>) {
        if let Some(id) = id {
            self.finish(id);
        }
        match task {
            Task::LoadUsers => {
                self.patients.load = Load::Failed("internal error".into());
            }
            Task::LoadProviders => self.providers_failed("internal error".into()),
            Task::LoadUser => self.patients.pending_user = None,
            Task::Watch => self.watch_task_failed(),
            Task::FilterPatients => self.patients.filter_failed(),
            Task::LoadConnections
            | Task::Mint
            | Task::CreateUser
            | Task::LinkProviders
            | Task::LookupPatient => {}
        }
        self.toast(
            Level::Error,
            format!(
                "Internal error while trying to {}: please report it (VITAL_ONBOARD_LOG=error records the details)",
                task.describe()
            ),
        );
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
