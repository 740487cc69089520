//! The audit log: every link event (minted, copied, shown to the patient, connected, connection
//! error, expired, mint failed) as a row in `SQLite` at
//! `$XDG_DATA_HOME/vital-onboard/history.sqlite3` (WAL, so two consoles can write at once;
//! schema versioned with migrations; file 0600, folder 0700). Never the API key, the token or the
//! link URL: links are known by their fingerprint. A log that cannot be opened or written never
//! stops minting: the caller is told why and carries on.
//!
//! Every mint is a row, whatever made it ([`Source`]: the console, the command line, `presets
//! check --live`), with the operator (the OS login name, or `operator` in the config file or the
//! profile) and the host it was minted against; every run of the built-in emulator counts as the
//! one host `demo`, whatever its port ([`Scope`]).

pub mod onboarding;
mod queue_run;
mod store;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::api::LinkTokenRequest;

pub use queue_run::{MAX_IDS as QUEUE_MAX_IDS, QUEUE_OUTCOMES, QueueEnd, QueueRun};
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

    /// The outcome in words, wherever a person reads it (the `history` table, `H`): "shown to
    /// patient", "mint failed". `--json`, `--csv` and the log keep [`Outcome::as_str`].
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Minted => "minted",
            Outcome::Copied => "copied",
            Outcome::ShownToPatient => "shown to patient",
            Outcome::Connected => "connected",
            Outcome::ConnectionError => "connection error",
            Outcome::Expired => "expired",
            Outcome::MintFailed => "mint failed",
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

/// What minted a link (and wrote its rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// The console (`m`, `H`'s Enter, the patient-facing view).
    #[serde(rename = "console")]
    Console,
    /// `link` and `link --preset`.
    #[serde(rename = "command line")]
    CommandLine,
    /// `presets check --live`.
    #[serde(rename = "check")]
    Check,
    /// The onboarding-day queue (each row also carries the queue's id).
    #[serde(rename = "queue")]
    Queue,
    /// A row written before the log recorded its source (schema 1).
    #[serde(rename = "unknown")]
    Unknown,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Console => "console",
            Source::CommandLine => "command line",
            Source::Check => "check",
            Source::Queue => "queue",
            Source::Unknown => "unknown",
        }
    }

    /// The source a row names; a name this version does not know reads as [`Source::Unknown`].
    pub fn parse(s: &str) -> Source {
        [
            Source::Console,
            Source::CommandLine,
            Source::Check,
            Source::Queue,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
        .unwrap_or(Source::Unknown)
    }
}

/// What was handed out: a web link (a QR of `link_web_url`) or a Junction Connect app code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Kind {
    #[default]
    #[serde(rename = "link")]
    Link,
    #[serde(rename = "app code")]
    AppCode,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Link => "link",
            Kind::AppCode => "app code",
        }
    }

    /// The kind a row names; rows older than schema 4 (and names this version does not know)
    /// read as [`Kind::Link`].
    pub fn parse(s: &str) -> Kind {
        if s == Kind::AppCode.as_str() {
            Kind::AppCode
        } else {
            Kind::Link
        }
    }
}

/// What the log records for a row written before it recorded sources and operators.
pub const UNKNOWN: &str = "unknown";

/// The host every run of the built-in emulator is recorded as, whatever its port.
pub const DEMO_HOST: &str = "demo";

/// Where and by whom links are minted: the same on every row one run writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `sandbox`, `production`, or `demo`.
    pub environment: String,
    /// `us`, `eu`, or `-` in demo mode.
    pub region: String,
    /// The API's address as shown (`https://api.sandbox.us.junction.com`), or [`DEMO_HOST`].
    pub host: String,
    pub source: Source,
    pub operator: String,
}

impl Scope {
    /// The built-in emulator: one host, `demo`, whatever its port.
    pub fn demo(source: Source, operator: &str) -> Scope {
        Scope {
            environment: DEMO_HOST.into(),
            region: "-".into(),
            host: DEMO_HOST.into(),
            source,
            operator: operator.into(),
        }
    }

    /// A Vital host or one given with a base URL (an emulator, a proxy).
    pub fn api(
        environment: &str,
        region: &str,
        host: &str,
        source: Source,
        operator: &str,
    ) -> Scope {
        Scope {
            environment: environment.into(),
            region: region.into(),
            host: host.into(),
            source,
            operator: operator.into(),
        }
    }

    /// The row for `request` (a link's settings) sent for `client_user_id` at `time`; no
    /// preset, fingerprint or error yet.
    pub fn event(
        &self,
        outcome: Outcome,
        request: &LinkTokenRequest,
        client_user_id: &str,
        time: DateTime<Utc>,
    ) -> Event {
        Event {
            time,
            environment: self.environment.clone(),
            region: self.region.clone(),
            host: self.host.clone(),
            user_id: Some(request.user_id),
            client_user_id: client_user_id.to_string(),
            provider: request.provider.clone(),
            allowlist: request.filter_on_providers.clone(),
            redirect_url: request.redirect_url.clone(),
            on_error: crate::link::redirects(request.on_error),
            on_close: crate::link::redirects(request.on_close),
            preset: None,
            token_fingerprint: None,
            outcome,
            error: None,
            source: self.source,
            operator: self.operator.clone(),
            queue: None,
            kind: Kind::Link,
            language: None,
            expires_at: None,
        }
    }

    /// Where, in words: `the demo`, or `api.sandbox.us.junction.com (sandbox)`.
    pub fn place(&self) -> String {
        place(&self.host, &self.environment)
    }

    /// Whether `e` was written against this host and environment (any run of the demo
    /// counts as the demo).
    pub fn is_here(&self, e: &Event) -> bool {
        e.host_key() == self.host && e.environment == self.environment
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
    /// What wrote the row ([`Source::Unknown`] for rows older than schema 2).
    pub source: Source,
    /// Who was logged in (the OS login name, or `operator` in the config file or the
    /// profile); `unknown` for rows older than schema 2.
    pub operator: String,
    /// The onboarding-day queue the row belongs to (schema 3); `None` for a single link.
    pub queue: Option<String>,
    /// A web link or an app code (schema 4; older rows are links).
    pub kind: Kind,
    /// The language the patient read (`en`, `es`, `pt-BR`…; schema 4); `None` when unknown.
    pub language: Option<String>,
    /// When the link or app code expires, from the API's answer, on its `minted` row (schema
    /// 5); `None` on other rows and older ones, which lived [`crate::link::LIFETIME_MINUTES`].
    pub expires_at: Option<DateTime<Utc>>,
}

/// Where, in words: `the demo`, or `HOST (ENVIRONMENT)` with the host without its scheme.
fn place(host: &str, environment: &str) -> String {
    if host == DEMO_HOST {
        "the demo".to_string()
    } else {
        format!("{} ({environment})", bare_host(host))
    }
}

/// A host without its scheme (`api.sandbox.us.junction.com`, `127.0.0.1:8080`), as screens
/// name it where room is short.
pub fn bare_host(host: &str) -> &str {
    host.strip_prefix("https://")
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(host)
}

impl Event {
    /// What the mint allowed, in words, as `history`, its CSV and `H` show it: `app code` (the
    /// Junction Connect app: no allowlist), `direct oura`, `oura,fitbit`, or `all`.
    pub fn allowed(&self) -> String {
        match (self.kind, &self.provider, &self.allowlist) {
            (Kind::AppCode, _, _) => Kind::AppCode.as_str().to_string(),
            (Kind::Link, Some(p), _) => format!("direct {p}"),
            (Kind::Link, None, Some(l)) if !l.is_empty() => l.join(","),
            (Kind::Link, None, _) => "all".to_string(),
        }
    }

    /// Where it was minted, in words: `the demo`, or `HOST (ENVIRONMENT)`.
    pub fn place(&self) -> String {
        place(self.host_key(), &self.environment)
    }

    /// The host as the history groups rows: [`DEMO_HOST`] for any run of the built-in
    /// emulator (older rows recorded its loopback address and port), else the host recorded.
    pub fn host_key(&self) -> &str {
        if self.environment == DEMO_HOST {
            DEMO_HOST
        } else {
            &self.host
        }
    }
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

    /// A link `presets check --live` minted, or one for its QA user: not a patient's. The
    /// follow-up lists (`history --pending`, `H` unless `a`) leave these out.
    pub fn is_qa(&self) -> bool {
        self.minted.source == Source::Check || self.minted.client_user_id == QA_CLIENT_USER_ID
    }
}

/// The `client_user_id` `presets check --live` mints for by default: a test user, never a
/// patient ([`LinkRecord::is_qa`]).
pub const QA_CLIENT_USER_ID: &str = "vital-onboard-qa";
