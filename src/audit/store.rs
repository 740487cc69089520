//! The `SQLite` file behind the audit log: opening it (folder 0700, file 0600, WAL, a busy
//! timeout so two consoles share it), the migrations (`PRAGMA user_version`; a file from a newer
//! version is refused, not changed), writing events and reading links back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, params};
use uuid::Uuid;

use super::{Event, Kind, LinkRecord, Outcome, Source};

/// Each step brings the schema to the version of its index + 1. Steps are appended in the order
/// they land and never edited once landed: a log of an older schema takes the missing steps.
const MIGRATIONS: &[&str] = &[
    // 1: the events.
    "CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        environment TEXT NOT NULL,
        region TEXT NOT NULL,
        host TEXT NOT NULL,
        user_id TEXT,
        client_user_id TEXT NOT NULL,
        provider TEXT,
        allowlist TEXT,
        redirect_url TEXT,
        on_error INTEGER NOT NULL,
        on_close INTEGER NOT NULL,
        preset TEXT,
        token_fingerprint TEXT,
        outcome TEXT NOT NULL,
        error TEXT
    );
    CREATE INDEX events_fingerprint ON events(token_fingerprint);
    CREATE INDEX events_time ON events(time);",
    // 2: what minted the link (console, command line, check) and who was logged in.
    "ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'unknown';
    ALTER TABLE events ADD COLUMN operator TEXT NOT NULL DEFAULT 'unknown'",
    // 3: the onboarding-day queue a row belongs to (none for a single link).
    "ALTER TABLE events ADD COLUMN queue_id TEXT;
    CREATE INDEX events_queue ON events(queue_id)",
    // 4: what was handed out (a web link or an app code) and the patient's language.
    "ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'link';
    ALTER TABLE events ADD COLUMN language TEXT",
    // 5: when a minted link or app code expires (the API's answer; none on older rows).
    "ALTER TABLE events ADD COLUMN expires_at TEXT",
    // 6: each onboarding-day queue's summary, one row a queue, in a table of its own (an older
    // version reading `events` never sees it). Each outcome is a JSON array of client_user_ids.
    "CREATE TABLE queue_runs (
        queue_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        operator TEXT NOT NULL,
        host TEXT NOT NULL,
        environment TEXT NOT NULL,
        region TEXT NOT NULL,
        preset TEXT,
        allowed TEXT NOT NULL,
        ended TEXT NOT NULL,
        patients INTEGER NOT NULL,
        connected TEXT NOT NULL,
        skipped TEXT NOT NULL,
        unused TEXT NOT NULL,
        failed TEXT NOT NULL,
        not_finished TEXT NOT NULL,
        not_reached TEXT NOT NULL
    )",
];

/// Why the log is unavailable, in words for the status line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuditError(pub String);

impl AuditError {
    pub(super) fn from_sql(e: &rusqlite::Error, path: &Path) -> AuditError {
        let p = path.display();
        AuditError(match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                format!("{p} is locked by another program")
            }
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                format!(
                    "{p} is damaged (not a readable database): move it aside to start a new log"
                )
            }
            Some(ErrorCode::DiskFull) => format!("the disk holding {p} is full"),
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                format!("{p} cannot be written ({e})")
            }
            _ => format!("{p}: {e}"),
        })
    }
}

/// Which links to read back.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A `user_id` or `client_user_id`.
    pub user: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: Option<usize>,
}

/// `$XDG_DATA_HOME/vital-onboard/history.sqlite3` (the platform data folder elsewhere).
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VITAL_ONBOARD_HISTORY").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d).join("vital-onboard/history.sqlite3"));
    }
    directories::ProjectDirs::from("", "", "vital-onboard")
        .map(|d| d.data_dir().join("history.sqlite3"))
}

pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.path.display())
    }
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
}

pub(super) fn to_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating and migrating) the log at `path`.
    pub fn open(path: &Path) -> Result<Store, AuditError> {
        private_file(path)
            .map_err(|e| AuditError(format!("{} cannot be created: {e}", path.display())))?;
        let sql = |e: rusqlite::Error| AuditError::from_sql(&e, path);
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(2)).map_err(sql)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(AuditError(format!(
                "{} was written by a newer vital-onboard (schema {version}; this one knows {known}): left unchanged",
                path.display()
            )));
        }
        let _: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sql)?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(&format!(
                "BEGIN; {step}; PRAGMA user_version = {}; COMMIT;",
                i + 1
            ))
            .map_err(sql)?;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn record(&self, e: &Event) -> Result<(), AuditError> {
        let allowlist = e
            .allowlist
            .as_ref()
            .map(|l| serde_json::to_string(l).unwrap_or_default());
        self.conn
            .execute(
                "INSERT INTO events (time, environment, region, host, user_id, client_user_id,
                 provider, allowlist, redirect_url, on_error, on_close, preset, token_fingerprint,
                 outcome, error, source, operator, queue_id, kind, language, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21)",
                params![
                    to_text(e.time),
                    e.environment,
                    e.region,
                    e.host,
                    e.user_id.map(|u| u.to_string()),
                    e.client_user_id,
                    e.provider,
                    allowlist,
                    e.redirect_url,
                    e.on_error,
                    e.on_close,
                    e.preset,
                    e.token_fingerprint,
                    e.outcome.as_str(),
                    e.error,
                    e.source.as_str(),
                    e.operator,
                    e.queue,
                    e.kind.as_str(),
                    e.language,
                    e.expires_at.map(to_text),
                ],
            )
            .map(drop)
            .map_err(|err| AuditError::from_sql(&err, &self.path))
    }

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
        let time: String = r.get(0)?;
        let user_id: Option<String> = r.get(4)?;
        let allowlist: Option<String> = r.get(7)?;
        let outcome: String = r.get(13)?;
        let source: String = r.get(15)?;
        let kind: String = r.get(18)?;
        let expires_at: Option<String> = r.get(20)?;
        Ok(Event {
            time: DateTime::parse_from_rfc3339(&time).map_or_else(|_| Utc::now(), |t| t.to_utc()),
            environment: r.get(1)?,
            region: r.get(2)?,
            host: r.get(3)?,
            user_id: user_id.and_then(|u| Uuid::parse_str(&u).ok()),
            client_user_id: r.get(5)?,
            provider: r.get(6)?,
            allowlist: allowlist.and_then(|a| serde_json::from_str(&a).ok()),
            redirect_url: r.get(8)?,
            on_error: r.get(9)?,
            on_close: r.get(10)?,
            preset: r.get(11)?,
            token_fingerprint: r.get(12)?,
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Minted),
            error: r.get(14)?,
            source: Source::parse(&source),
            operator: r.get(16)?,
            queue: r.get(17)?,
            kind: Kind::parse(&kind),
            language: r.get(19)?,
            // A time that does not read is no expiry (the status then assumes the hour).
            expires_at: expires_at
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.to_utc()),
        })
    }

    /// Every event, oldest first.
    pub fn events(&self) -> Result<Vec<Event>, AuditError> {
        let sql = |e: rusqlite::Error| AuditError::from_sql(&e, &self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT time, environment, region, host, user_id, client_user_id, provider,
                 allowlist, redirect_url, on_error, on_close, preset, token_fingerprint, outcome,
                 error, source, operator, queue_id, kind, language, expires_at FROM events
                 ORDER BY id",
            )
            .map_err(sql)?;
        let rows = stmt.query_map([], Self::row).map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// The minted links that match, newest first, with what became of each.
    pub fn links(&self, filter: &Filter) -> Result<Vec<LinkRecord>, AuditError> {
        let events = self.events()?;
        let mut out: Vec<LinkRecord> = Vec::new();
        for e in events.iter().rev() {
            if e.outcome != Outcome::Minted {
                continue;
            }
            if let Some(u) = &filter.user
                && e.client_user_id != *u
                && e.user_id.is_none_or(|id| id.to_string() != *u)
            {
                continue;
            }
            if filter.since.is_some_and(|s| e.time < s) {
                continue;
            }
            let later: Vec<&Event> = events
                .iter()
                .filter(|x| {
                    x.token_fingerprint.is_some() && x.token_fingerprint == e.token_fingerprint
                })
                .filter(|x| x.outcome != Outcome::Minted)
                .collect();
            let mut connected: Vec<String> = later
                .iter()
                .filter(|x| x.outcome == Outcome::Connected)
                .filter_map(|x| x.provider.clone())
                .collect();
            connected.dedup();
            out.push(LinkRecord {
                minted: e.clone(),
                connected,
                last_outcome: later.last().map_or(Outcome::Minted, |x| x.outcome),
            });
            if filter.limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// A log as vital-onboard wrote it at schema 1, with one row.
    fn schema_1(path: &Path) {
        let c = Connection::open(path).unwrap();
        c.execute_batch(&format!("{}; PRAGMA user_version = 1;", MIGRATIONS[0]))
            .unwrap();
        c.execute(
            "INSERT INTO events (time, environment, region, host, user_id, client_user_id,
             provider, allowlist, redirect_url, on_error, on_close, preset, token_fingerprint,
             outcome, error) VALUES ('2026-11-24T10:00:00.000Z', 'sandbox', 'us',
             'https://api.sandbox.us.junction.com', NULL, 'patient-00001', NULL, '[\"oura\"]',
             NULL, 0, 0, 'wearables', 'sha256:111111111111', 'minted', NULL)",
            [],
        )
        .unwrap();
    }

    fn version(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_log_of_schema_1_opens_migrates_and_its_rows_read_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        schema_1(&path);
        let store = Store::open(&path).unwrap();
        assert_eq!(version(&store), MIGRATIONS.len() as i64);
        let old = store.events().unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(
            (old[0].source, old[0].operator.as_str()),
            (Source::Unknown, "unknown")
        );
        assert_eq!(old[0].client_user_id, "patient-00001");
        assert_eq!(old[0].preset.as_deref(), Some("wearables"));
        // A new row keeps its source and operator, beside the old one.
        let mut new = old[0].clone();
        new.source = Source::CommandLine;
        new.operator = "jdoe".into();
        new.token_fingerprint = Some("sha256:222222222222".into());
        store.record(&new).unwrap();
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(version(&again), MIGRATIONS.len() as i64);
        let links = again.links(&Filter::default()).unwrap();
        assert_eq!(links.len(), 2);
        assert_eq!(
            (links[0].minted.source, links[0].minted.operator.as_str()),
            (Source::CommandLine, "jdoe")
        );
        assert_eq!(links[1].minted.source, Source::Unknown);
        let json = serde_json::to_value(&links[0]).unwrap();
        assert_eq!(json["minted"]["source"], "command line");
        assert_eq!(json["minted"]["operator"], "jdoe");
    }

    /// A log as vital-onboard wrote it at schema 4 (before expiries and queue summaries), with
    /// one row.
    fn schema_4(path: &Path) {
        schema_1(path);
        let c = Connection::open(path).unwrap();
        for step in &MIGRATIONS[1..4] {
            c.execute_batch(step).unwrap();
        }
        c.execute_batch("PRAGMA user_version = 4").unwrap();
    }

    #[test]
    fn a_log_of_schema_4_keeps_its_rows_and_takes_queue_summaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        schema_4(&path);
        let store = Store::open(&path).unwrap();
        assert_eq!(version(&store), MIGRATIONS.len() as i64);
        let old = store.events().unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].client_user_id, "patient-00001");
        assert_eq!(store.queue_run("q-any").unwrap(), None);
        let scope = super::super::Scope::demo(Source::Queue, "jdoe");
        let mut run = super::super::QueueRun::new("q-any", &scope, old[0].time);
        run.add("skipped", "patient-00001");
        store.record_queue(&run).unwrap();
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.queue_run("q-any").unwrap(), Some(run));
        assert_eq!(again.events().unwrap(), old);
        // Its row has no expiry; a new one keeps the expiry it was minted with.
        assert_eq!(old[0].expires_at, None);
        let mut new = old[0].clone();
        new.expires_at = Some("2026-11-24T10:30:00Z".parse().unwrap());
        again.record(&new).unwrap();
        assert_eq!(again.events().unwrap().pop(), Some(new));
    }

    #[test]
    fn queue_kind_and_language_are_kept_and_older_rows_read_as_links() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        schema_1(&path);
        let store = Store::open(&path).unwrap();
        let old = store.events().unwrap();
        assert_eq!(
            (
                old[0].queue.as_deref(),
                old[0].kind,
                old[0].language.as_deref()
            ),
            (None, Kind::Link, None)
        );
        let mut new = old[0].clone();
        new.source = Source::Queue;
        new.queue = Some("q-20261205-0950".into());
        new.kind = Kind::AppCode;
        new.language = Some("pt-BR".into());
        store.record(&new).unwrap();
        let back = store.events().unwrap().pop().unwrap();
        assert_eq!(back, new);
        let json = serde_json::to_value(&back).unwrap();
        assert_eq!(json["kind"], "app code");
        assert_eq!(json["source"], "queue");
    }

    /// Steps that landed are never edited (a log already past them would not take the new
    /// text): each one's digest is pinned here. New steps are appended, with their digest.
    #[test]
    fn landed_migrations_are_never_edited() {
        let digest = |s: &str| {
            let hash = Sha256::digest(s.as_bytes());
            let hex: Vec<String> = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
            hex.concat()
        };
        let landed = [
            "9a108b243218",
            "3e8aa83709eb",
            "606a2ef7583c",
            "66a1714a5683",
            "8ab731126b7b",
            "70de86f2a508",
        ];
        let now: Vec<String> = MIGRATIONS.iter().map(|m| digest(m)).collect();
        assert_eq!(now[..landed.len()], landed, "a landed step changed");
    }
}
