//! What goes into `update` ([`Msg`]: a key, a tick, an API answer) and what comes out
//! ([`Effect`]: work for the runtime, answered later by a message). Every effect that starts a
//! request carries the [`RequestId`] the registry gave it, and its answer carries it back
//! ([`Msg::answers`]). Link URLs travel as [`LinkUrl`], whose `Debug` shows a fingerprint only.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use uuid::Uuid;

use super::requests::{RequestId, Task};
use crate::api::{
    ApiError, ConnectedProvider, CreatedUser, LinkProvider, LinkToken, LinkTokenRequest, Provider,
    RetryNotice, User, UsersPage,
};
use crate::clipboard::CopyOutcome;
use crate::link::LinkUrl;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    UsersLoaded {
        request: RequestId,
        result: Result<UsersPage, ApiError>,
    },
    ProvidersLoaded {
        id: RequestId,
        result: Result<Vec<Provider>, ApiError>,
    },
    ConnectionsLoaded {
        id: RequestId,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    },
    UserLoaded {
        id: RequestId,
        result: Result<User, ApiError>,
    },
    /// A patient filter that ran off the loop answered.
    PatientsFiltered {
        id: RequestId,
        found: super::matcher::Matches,
    },
    /// The server lookup of a filter that matched nothing loaded answered.
    PatientLookedUp {
        id: RequestId,
        result: Result<User, ApiError>,
    },
    /// A background task panicked (a bug); `id` is its request (none for an audit write, which
    /// nothing waits for).
    TaskFailed {
        task: Task,
        id: Option<RequestId>,
    },
    /// Quit cleanly (SIGTERM, SIGHUP, SIGINT, SIGQUIT).
    Quit,
    /// Stop for a while (SIGTSTP): carried out by the runtime, which gives the terminal back
    /// and redraws when continued; the app's state does not change.
    Suspend,
    /// A call in flight waits `notice.wait` from `at` before trying again (429, 5xx).
    Retrying {
        notice: RetryNotice,
        at: DateTime<Utc>,
    },
    Minted {
        id: RequestId,
        at: DateTime<Utc>,
        result: Result<LinkToken, ApiError>,
    },
    UserCreated {
        id: RequestId,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    },
    /// The clipboard took (or did not take) `url`, a link that expires at `expires_at`.
    Copied {
        url: LinkUrl,
        expires_at: DateTime<Utc>,
        outcome: CopyOutcome,
    },
    /// A watcher check of the shown link answered.
    Watched {
        id: RequestId,
        at: DateTime<Utc>,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    },
    /// What the Link page will offer for the shown link (`GET /v2/link/providers`).
    LinkProvidersLoaded {
        id: RequestId,
        result: Result<Vec<LinkProvider>, ApiError>,
    },
    /// The audit log cannot be opened or written, and why.
    HistoryUnavailable(String),
    /// The audit log's links, newest first (or why they could not be read).
    HistoryLoaded {
        id: RequestId,
        result: Result<Vec<crate::audit::LinkRecord>, String>,
    },
    /// This desk's links for the patients' onboarding statuses (or why they could not be read).
    StatusLoaded {
        id: RequestId,
        result: Result<crate::audit::onboarding::Ledger, String>,
    },
    /// The config file was written with this new preset (or why not).
    PresetSaved {
        id: RequestId,
        preset: crate::setup::config::Preset,
        result: Result<(), String>,
    },
    /// The PNG of `url`'s code was written (or not).
    PngSaved {
        id: RequestId,
        url: LinkUrl,
        result: Result<PathBuf, String>,
    },
    /// An app code for the Junction Connect app was made (or refused).
    AppCodeCreated {
        id: RequestId,
        at: DateTime<Utc>,
        result: Result<crate::api::AppCode, ApiError>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadUsers {
        offset: u64,
        request: RequestId,
    },
    LoadProviders {
        id: RequestId,
    },
    LoadConnections {
        id: RequestId,
        user_id: Uuid,
    },
    LoadUser {
        id: RequestId,
        user_id: Uuid,
    },
    Mint {
        id: RequestId,
        request: LinkTokenRequest,
    },
    CreateUser {
        id: RequestId,
        client_user_id: String,
    },
    /// Match a patient filter off the loop (answered by `PatientsFiltered`).
    FilterPatients {
        id: RequestId,
        job: super::matcher::Job,
    },
    /// Find one patient on the server: a `user_id`, else a `client_user_id`.
    LookupPatient {
        id: RequestId,
        text: String,
    },
    /// Stop the request `id` (the registry has dropped it already: any answer is stale).
    Cancel {
        id: RequestId,
    },
    Copy {
        url: LinkUrl,
        expires_at: DateTime<Utc>,
    },
    /// Clear the native clipboard if it still holds this URL.
    ClearClipboard {
        url: LinkUrl,
    },
    SavePng {
        id: RequestId,
        url: LinkUrl,
        path: PathBuf,
    },
    /// One watcher check of the shown link.
    WatchConnections {
        id: RequestId,
        user_id: Uuid,
    },
    /// Ask what the Link page will offer for this token.
    CheckLinkProviders {
        id: RequestId,
        token: LinkToken,
    },
    /// Write a row of the audit log.
    Audit(Box<crate::audit::Event>),
    /// Write an onboarding-day queue's summary to the audit log.
    AuditQueue(Box<crate::audit::QueueRun>),
    /// Read the audit log's links for the history overlay.
    LoadHistory {
        id: RequestId,
    },
    /// Read the audit log's links of `here` for the patients' onboarding statuses.
    LoadStatus {
        id: RequestId,
        here: crate::audit::Scope,
    },
    /// Make an app code for this user (`POST /v2/link/code/create`).
    CreateAppCode {
        id: RequestId,
        user_id: Uuid,
    },
    /// Append this preset to the config file at `path`, keeping what is there.
    SavePreset {
        id: RequestId,
        path: PathBuf,
        preset: crate::setup::config::Preset,
    },
}

impl Msg {
    /// The request this message answers, if it is an answer: `update` matches it against the
    /// registry and drops it when that request is no longer in flight.
    pub fn answers(&self) -> Option<RequestId> {
        match self {
            Msg::UsersLoaded { request: id, .. }
            | Msg::ProvidersLoaded { id, .. }
            | Msg::ConnectionsLoaded { id, .. }
            | Msg::UserLoaded { id, .. }
            | Msg::PatientsFiltered { id, .. }
            | Msg::PatientLookedUp { id, .. }
            | Msg::TaskFailed { id: Some(id), .. }
            | Msg::Minted { id, .. }
            | Msg::UserCreated { id, .. }
            | Msg::Watched { id, .. }
            | Msg::LinkProvidersLoaded { id, .. }
            | Msg::HistoryLoaded { id, .. }
            | Msg::StatusLoaded { id, .. }
            | Msg::PresetSaved { id, .. }
            | Msg::PngSaved { id, .. }
            | Msg::AppCodeCreated { id, .. } => Some(*id),
            Msg::Key(_)
            | Msg::Paste(_)
            | Msg::Resize(..)
            | Msg::Tick(_)
            | Msg::TaskFailed { id: None, .. }
            | Msg::Quit
            | Msg::Suspend
            | Msg::Retrying { .. }
            | Msg::Copied { .. }
            | Msg::HistoryUnavailable(_) => None,
        }
    }
}
