//! An onboarding-day queue's summary as the log keeps it (schema 6, the table `queue_runs`, one
//! row a queue): when it ran, who ran it where, what its links allowed, how it ended, and each
//! patient's outcome as `client_user_id`s. A table of its own, so an older version sharing the
//! log never misreads it as link events. Never a token, a URL, a code or a fingerprint: the
//! links themselves are the queue's rows in `events`.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::store::{Store, to_text};
use super::{AuditError, Scope};

/// The outcomes a queue's patient can have, in the order the summary gives them ("not
/// reached": the queue never came to the patient). The console's queue uses the same words.
pub const QUEUE_OUTCOMES: [&str; 6] = [
    "connected",
    "skipped",
    "unused",
    "failed",
    "not finished",
    "not reached",
];

/// The most ids kept for one outcome (the largest queue file's count): a longer list keeps its
/// first ones, and [`QueueRun::patients`] still counts every patient.
pub const MAX_IDS: usize = 100_000;

/// The most characters of one outcome's list read back (a list of [`MAX_IDS`] ids is well
/// under it); a longer text, which this version never writes, reads as no ids.
const MAX_LIST_CHARS: i64 = 16 * 1024 * 1024;

/// How a queue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueEnd {
    /// Every patient was done.
    Finished,
    /// Stopped in the middle (`x`, `y`).
    Stopped,
    /// The console quit in the middle (`q`, `y`: what was done is kept).
    Quit,
}

impl QueueEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            QueueEnd::Finished => "finished",
            QueueEnd::Stopped => "stopped",
            QueueEnd::Quit => "quit",
        }
    }

    /// The end a row names; one this version does not know reads as stopped.
    pub fn parse(s: &str) -> QueueEnd {
        match s {
            "finished" => QueueEnd::Finished,
            "quit" => QueueEnd::Quit,
            _ => QueueEnd::Stopped,
        }
    }

    /// In words: `finished`, `stopped early`, `stopped early (the console quit)`.
    pub fn text(self) -> &'static str {
        match self {
            QueueEnd::Finished => "finished",
            QueueEnd::Stopped => "stopped early",
            QueueEnd::Quit => "stopped early (the console quit)",
        }
    }
}

/// One queue's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRun {
    /// The id every audit row of the queue carries (`q-20261205-095012-3f9a`).
    pub queue_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub operator: String,
    /// As on the queue's rows: the API's address, or `demo`.
    pub host: String,
    pub environment: String,
    pub region: String,
    /// The preset its links were minted with, if one was chosen.
    pub preset: Option<String>,
    /// What its links allowed, in [`super::Event::allowed`]'s words (`direct oura`,
    /// `oura,fitbit`, `all`).
    pub allowed: String,
    pub end: QueueEnd,
    /// How many patients the queue held.
    pub patients: usize,
    /// The `client_user_id`s of each outcome, in [`QUEUE_OUTCOMES`] order (at most
    /// [`MAX_IDS`] each).
    pub outcomes: [Vec<String>; 6],
}

impl QueueRun {
    /// A summary of a queue run at `scope`'s host; no patient yet.
    pub fn new(queue_id: &str, scope: &Scope, started_at: DateTime<Utc>) -> QueueRun {
        QueueRun {
            queue_id: queue_id.to_string(),
            started_at,
            ended_at: started_at,
            operator: scope.operator.clone(),
            host: scope.host.clone(),
            environment: scope.environment.clone(),
            region: scope.region.clone(),
            preset: None,
            allowed: String::new(),
            end: QueueEnd::Finished,
            patients: 0,
            outcomes: Default::default(),
        }
    }

    /// Counts `client_user_id` under `outcome` (one of [`QUEUE_OUTCOMES`]; another word counts
    /// the patient without listing them).
    pub fn add(&mut self, outcome: &str, client_user_id: &str) {
        self.patients += 1;
        if let Some(i) = QUEUE_OUTCOMES.iter().position(|o| *o == outcome)
            && self.outcomes[i].len() < MAX_IDS
        {
            self.outcomes[i].push(client_user_id.to_string());
        }
    }

    /// The ids of `outcome` (one of [`QUEUE_OUTCOMES`]).
    pub fn with(&self, outcome: &str) -> &[String] {
        QUEUE_OUTCOMES
            .iter()
            .position(|o| *o == outcome)
            .map_or(&[], |i| &self.outcomes[i])
    }

    /// Where it ran, in words: `the demo`, or `HOST (ENVIRONMENT)`.
    pub fn place(&self) -> String {
        let host = if self.environment == super::DEMO_HOST {
            super::DEMO_HOST
        } else {
            &self.host
        };
        super::place(host, &self.environment)
    }
}

impl Store {
    /// Records a queue's summary (one row a queue: the same id again is refused).
    pub fn record_queue(&self, run: &QueueRun) -> Result<(), AuditError> {
        let lists: Vec<String> = run
            .outcomes
            .iter()
            .map(|ids| serde_json::to_string(&ids[..ids.len().min(MAX_IDS)]).unwrap_or_default())
            .collect();
        self.conn
            .execute(
                "INSERT INTO queue_runs (queue_id, started_at, ended_at, operator, host,
                 environment, region, preset, allowed, ended, patients, connected, skipped,
                 unused, failed, not_finished, not_reached)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17)",
                params![
                    run.queue_id,
                    to_text(run.started_at),
                    to_text(run.ended_at),
                    run.operator,
                    run.host,
                    run.environment,
                    run.region,
                    run.preset,
                    run.allowed,
                    run.end.as_str(),
                    i64::try_from(run.patients).unwrap_or(i64::MAX),
                    lists[0],
                    lists[1],
                    lists[2],
                    lists[3],
                    lists[4],
                    lists[5],
                ],
            )
            .map(drop)
            .map_err(|err| AuditError::from_sql(&err, &self.path))
    }

    /// The summary of queue `queue_id`, if one was recorded (a queue that did not end normally,
    /// or one run by a version before schema 6, has none).
    pub fn queue_run(&self, queue_id: &str) -> Result<Option<QueueRun>, AuditError> {
        let list = |col: &str| {
            format!("CASE WHEN length({col}) <= {MAX_LIST_CHARS} THEN {col} ELSE '[]' END")
        };
        let sql = format!(
            "SELECT queue_id, started_at, ended_at, operator, host, environment, region, preset,
             allowed, ended, patients, {}, {}, {}, {}, {}, {} FROM queue_runs WHERE queue_id = ?1",
            list("connected"),
            list("skipped"),
            list("unused"),
            list("failed"),
            list("not_finished"),
            list("not_reached"),
        );
        self.conn
            .query_row(&sql, [queue_id], |r| {
                let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
                    let t: String = r.get(i)?;
                    Ok(DateTime::parse_from_rfc3339(&t)
                        .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t.to_utc()))
                };
                let ended: String = r.get(9)?;
                let patients: i64 = r.get(10)?;
                let mut outcomes: [Vec<String>; 6] = Default::default();
                for (i, ids) in outcomes.iter_mut().enumerate() {
                    let text: String = r.get(11 + i)?;
                    let mut list: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
                    list.truncate(MAX_IDS);
                    *ids = list;
                }
                Ok(QueueRun {
                    queue_id: r.get(0)?,
                    started_at: time(1)?,
                    ended_at: time(2)?,
                    operator: r.get(3)?,
                    host: r.get(4)?,
                    environment: r.get(5)?,
                    region: r.get(6)?,
                    preset: r.get(7)?,
                    allowed: r.get(8)?,
                    end: QueueEnd::parse(&ended),
                    patients: usize::try_from(patients).unwrap_or(0),
                    outcomes,
                })
            })
            .optional()
            .map_err(|err| AuditError::from_sql(&err, &self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> QueueRun {
        let scope = Scope::demo(super::super::Source::Queue, "jdoe");
        let t: DateTime<Utc> = "2026-12-05T09:50:12Z".parse().unwrap();
        let mut run = QueueRun::new("q-20261205-095012", &scope, t);
        run.ended_at = t + chrono::Duration::minutes(4);
        run.preset = Some("wearables".into());
        run.allowed = "oura,fitbit".into();
        run.end = QueueEnd::Stopped;
        run.add("connected", "patient-00001");
        run.add("skipped", "patient-00002");
        run.add("not reached", "patient-00003");
        run.add("not reached", "patient-00004");
        run
    }

    #[test]
    fn a_queue_run_is_kept_whole_and_read_back_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h.sqlite3")).unwrap();
        let run = run();
        store.record_queue(&run).unwrap();
        assert_eq!(store.queue_run("q-20261205-095012").unwrap(), Some(run));
        assert_eq!(store.queue_run("q-other").unwrap(), None);
        // One row a queue: the same id again is refused, the first kept.
        let mut again = self::run();
        again.end = QueueEnd::Finished;
        assert!(store.record_queue(&again).is_err());
        assert_eq!(
            store.queue_run("q-20261205-095012").unwrap().unwrap().end,
            QueueEnd::Stopped
        );
        // The events table is untouched: no link row came of it.
        assert!(store.events().unwrap().is_empty());
    }

    #[test]
    fn outcomes_list_their_ids_in_order_and_count_every_patient() {
        let run = run();
        assert_eq!(run.patients, 4);
        assert_eq!(run.with("connected"), ["patient-00001"]);
        assert_eq!(run.with("not reached"), ["patient-00003", "patient-00004"]);
        assert!(run.with("unused").is_empty());
        assert!(run.with("no such outcome").is_empty());
        assert_eq!(run.place(), "the demo");
        let json = serde_json::to_value(&run).unwrap();
        assert_eq!(json["end"], "stopped");
    }
}
