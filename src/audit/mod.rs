//! The audit log: every link event (minted, copied, shown to the patient, connected, connection
//! error, expired, mint failed) as a row in `SQLite` at
//! `$XDG_DATA_HOME/vital-onboard/history.sqlite3` (WAL, so two consoles can write at once;
//! schema versioned with migrations; file 0600, folder 0700). Never the API key, the token or the
//! link URL: links are known by their fingerprint. A log that cannot be opened or written never
//! stops minting: the caller is told why and carries on.

mod store;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

pub use store::{AuditError, Filter, Store, default_path};

/// What happened to a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Minted,
    Copied,
    ShownToPatient,
    Connected,
    ConnectionError,
    Expired,
    MintFailed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Minted => "minted",
            Outcome::Copied => "copied",
            Outcome::ShownToPatient => "shown_to_patient",
            Outcome::Connected => "connected",
            Outcome::ConnectionError => "connection_error",
            Outcome::Expired => "expired",
            Outcome::MintFailed => "mint_failed",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Minted,
            Outcome::Copied,
            Outcome::ShownToPatient,
            Outcome::Connected,
            Outcome::ConnectionError,
            Outcome::Expired,
            Outcome::MintFailed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub time: DateTime<Utc>,
    pub environment: String,
    pub region: String,
    pub host: String,
    pub user_id: Option<Uuid>,
    pub client_user_id: String,
    /// The direct provider of a mint, or the provider that connected (or failed).
    pub provider: Option<String>,
    pub allowlist: Option<Vec<String>>,
    pub redirect_url: Option<String>,
    pub on_error: bool,
    pub on_close: bool,
    pub preset: Option<String>,
    /// `sha256:` + 12 hex digits, as the screen shows it; never the token.
    pub token_fingerprint: Option<String>,
    pub outcome: Outcome,
    pub error: Option<String>,
}

/// A link as the history screen and `history` show it: its mint and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkRecord {
    pub minted: Event,
    /// The providers that connected through it.
    pub connected: Vec<String>,
    /// The newest outcome after the mint.
    pub last_outcome: Outcome,
}

impl LinkRecord {
    pub fn is_connected(&self) -> bool {
        !self.connected.is_empty()
    }

    /// A link minted for the QA user (`presets check --live`), not for a patient.
    pub fn is_qa(&self) -> bool {
        self.minted.client_user_id == QA_CLIENT_USER_ID
    }
}

/// The `client_user_id` `presets check --live` mints for by default: a test user, never a
/// patient. Its links stay out of the follow-up lists (`history --pending`, `H`) by default
/// ([`Filter::hide_qa`]).
pub const QA_CLIENT_USER_ID: &str = "vital-onboard-qa";
