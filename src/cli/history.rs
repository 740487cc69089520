//! `vital-onboard history [--json] [--user USER] [--since 7d] [--pending [--csv]]`: the audit log's
//! links, newest first, with whether the patient connected, what minted each (source) and who
//! (operator). Reading the local log needs no key and no host.
//!
//! `--pending` is the follow-up list: each patient once, with their newest link, unless the log
//! records that they connected; the rows `presets check --live` wrote are left out. With a key
//! and a host, the API is then asked for the current connections of this host's patients, so
//! one made since is not listed; a refused key or an unreachable host is a warning on stderr and
//! the log's answer is printed all the same. `--pending --csv` writes the list for a phone round
//! (`client_user_id`, `user_id`, last link time, what it allowed, last outcome, host) with the
//! `csv` crate.

use std::io::Write;

use chrono::{DateTime, Duration, Utc};

use super::commands::{CommandResult, Failure, audit_scope};
use crate::api::{ApiError, ConnectionStatus};
use crate::audit::{Filter, LinkRecord, Scope, Source, Store};
use crate::cli::{ConnectionArgs, HistoryArgs};
use crate::setup::config::Config;
use crate::setup::connection::Target;
use crate::setup::session::Session;
use crate::text::sanitize;

/// `7d`, `12h`, `30m`, `2w` before `now`.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: i64 = n
        .parse()
        .map_err(|_| format!("--since {t:?}: give a number and a unit, like 7d, 12h or 30m"))?;
    let span = match unit {
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => {
            return Err(format!(
                "--since {t:?}: the unit is m, h, d or w (7d, 12h, 30m, 2w)"
            ));
        }
    };
    Ok(now - span)
}

/// One line of the table: time, patient, what was allowed, the preset, the fingerprint, what
/// minted it (source), who (operator), the outcome.
pub fn row(r: &LinkRecord) -> String {
    let m = &r.minted;
    let allowed = m.allowed();
    let outcome = if r.is_connected() {
        format!("connected {}", r.connected.join(","))
    } else {
        format!("not connected ({})", r.last_outcome.label())
    };
    [
        m.time.format("%Y-%m-%d %H:%M").to_string(),
        m.client_user_id.clone(),
        allowed,
        m.preset.clone().unwrap_or_else(|| "-".into()),
        m.token_fingerprint.clone().unwrap_or_else(|| "-".into()),
        m.source.as_str().to_string(),
        m.operator.clone(),
        outcome,
    ]
    .iter()
    .map(|f| sanitize(f))
    .collect::<Vec<_>>()
    .join("\t")
}

pub struct HistoryQuery {
    pub json: bool,
    pub csv: bool,
    pub user: Option<String>,
    pub since: Option<String>,
    pub pending: bool,
    /// Only this queue's links.
    pub queue: Option<String>,
}

impl From<&HistoryArgs> for HistoryQuery {
    fn from(args: &HistoryArgs) -> Self {
        HistoryQuery {
            json: args.json,
            csv: args.csv,
            user: args.user.clone(),
            since: args.since.clone(),
            pending: args.pending,
            queue: args.queue.clone(),
        }
    }
}

/// `history`: the local log, which needs no key and no host; `--pending` then asks the API
/// about current connections when the settings give a key and a host ([`follow_up`]).
pub async fn run(
    args: &HistoryArgs,
    connection_args: &ConnectionArgs,
    config: &Config,
) -> CommandResult {
    let q = HistoryQuery::from(args);
    let mut links = read_log(&q).await?;
    // `--queue ID`: its links, and what the log holds beside them (failed mints, the summary).
    let mut facts = None;
    if let Some(id) = &q.queue {
        links = super::history_queue::of_queue(links, id);
        let (failed, run) = super::history_queue::queue_facts(id).await?;
        if links.is_empty() && failed == 0 && run.is_none() {
            return Err(Failure::input(format!(
                "no queue {} in the audit log: the console names a queue's id when it starts, \
                 ends and quits",
                sanitize(id)
            )));
        }
        facts = Some((id.as_str(), failed, run));
    }
    if q.pending {
        links = follow_up(links, connection_args, config).await;
    }
    if q.csv {
        print_csv(&links)?;
    } else {
        print(&links, q.json)?;
    }
    let Some((id, failed, run)) = facts.filter(|_| !q.csv) else {
        if links.is_empty() {
            eprintln!(
                "{}",
                if q.pending {
                    "nobody to call back: every patient these links were for has connected"
                } else {
                    "no links match"
                }
            );
        }
        return Ok(());
    };
    super::history_queue::print_queue(id, failed, run.as_ref(), &links, q.json)
}

/// The links of the local log that `q` asks for, newest first.
async fn read_log(q: &HistoryQuery) -> Result<Vec<LinkRecord>, Failure> {
    let since = q
        .since
        .as_deref()
        .map(|s| parse_since(s, Utc::now()))
        .transpose()
        .map_err(Failure::input)?;
    let path = crate::audit::default_path()
        .ok_or_else(|| Failure::input("no audit log: there is no data directory"))?;
    if !path.exists() {
        return Err(Failure::input(format!(
            "no audit log at {} yet: the console and `link` write it as links are minted",
            path.display()
        )));
    }
    let filter = Filter {
        user: q.user.clone(),
        since,
        limit: None,
    };
    tokio::task::spawn_blocking(move || Store::open(&path).and_then(|s| s.links(&filter)))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(|e| Failure::internal(format!("cannot read the audit log: {e}")))
}

fn print(links: &[LinkRecord], json: bool) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    for l in links {
        let line = if json {
            let mut v = serde_json::to_value(l).expect("serializes");
            crate::text::sanitize_json(&mut v);
            v.to_string()
        } else {
            row(l)
        };
        writeln!(stdout, "{line}").map_err(Failure::stdout)?;
    }
    Ok(())
}

/// The columns of `history --pending --csv`.
pub const PENDING_CSV_HEADER: [&str; 6] = [
    "client_user_id",
    "user_id",
    "last_link_time",
    "allowed",
    "last_outcome",
    "host",
];

/// One row of `history --pending --csv`: never a token, URL or fingerprint. The host is bare
/// (`api.sandbox.us.junction.com`, `demo`): a patient minted against two hosts is two rows.
pub fn pending_csv_row(r: &LinkRecord) -> [String; 6] {
    use super::cohort::csv_cell;
    let m = &r.minted;
    let allowed = m.allowed();
    [
        csv_cell(&m.client_user_id),
        m.user_id.map(|u| u.to_string()).unwrap_or_default(),
        super::cohort::csv_time(m.time),
        csv_cell(&allowed),
        r.last_outcome.as_str().to_string(),
        csv_cell(crate::audit::bare_host(m.host_key())),
    ]
}

fn print_csv(links: &[LinkRecord]) -> CommandResult {
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Failure::stdout(io),
        other => Failure::internal(format!("cannot write the CSV: {other:?}")),
    };
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record(PENDING_CSV_HEADER).map_err(fail)?;
    for l in links {
        w.write_record(pending_csv_row(l)).map_err(fail)?;
    }
    w.flush().map_err(Failure::stdout)
}

/// A patient on the follow-up list: their links, newest first (never empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    pub links: Vec<LinkRecord>,
}

impl Patient {
    /// The newest link, the one the list shows.
    pub fn latest(&self) -> &LinkRecord {
        &self.links[0]
    }
}

/// The patients the log says never connected, each once with all their links (newest first),
/// in the order of their newest link. A patient is one `client_user_id` on one host and
/// environment (every demo run is the one host `demo`). A patient the log records connecting
/// through any of their links is not pending; the rows `presets check --live` wrote are left
/// out (its QA user is not a patient).
pub fn pending_by_log(links: Vec<LinkRecord>) -> Vec<Patient> {
    let key = |r: &LinkRecord| {
        let m = &r.minted;
        (
            m.host_key().to_string(),
            m.environment.clone(),
            m.client_user_id.clone(),
        )
    };
    let mut patients: Vec<(_, Patient)> = Vec::new();
    for l in links.into_iter().filter(|l| !l.is_qa()) {
        let k = key(&l);
        match patients.iter_mut().find(|(pk, _)| *pk == k) {
            Some((_, p)) => p.links.push(l),
            None => patients.push((k, Patient { links: vec![l] })),
        }
    }
    patients
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| !p.links.iter().any(LinkRecord::is_connected))
        .collect()
}

/// The follow-up list: [`pending_by_log`], then, with a key and a host, without the patients
/// the API now shows connected. Without a key (demo mode) the log is the answer; when the
/// settings or the API fail, a warning says so and the log is the answer.
async fn follow_up(
    links: Vec<LinkRecord>,
    connection_args: &ConnectionArgs,
    config: &Config,
) -> Vec<LinkRecord> {
    let patients = pending_by_log(links);
    let patients = if patients.is_empty() {
        patients
    } else {
        match super::login::connection(connection_args, config) {
            // The built-in emulator knows nothing of the log.
            Ok(c) if c.target == Target::Demo => patients,
            Ok(c) => match Session::open(c).await {
                Ok(session) => still_pending(&session, patients).await,
                Err(e) => {
                    unchecked(&e.to_string());
                    patients
                }
            },
            Err(f) => {
                unchecked(&f.message);
                patients
            }
        }
    };
    patients.iter().map(|p| p.latest().clone()).collect()
}

/// The warning when the API could not be asked: the list printed is the log's answer.
fn unchecked(reason: &str) {
    eprintln!(
        "warning: current connections not checked ({}): the list is the audit log's answer",
        sanitize(reason)
    );
}

/// Drops the patients the API now shows connected (through a provider one of their links
/// allowed, since that link). Only this host's patients are asked (a `user_id` means nothing
/// to another host). A patient the API does not know stays, with a note; a refused key, an
/// unreachable host or any other failure stops the asking with one warning, and the rest stay.
async fn still_pending(session: &Session, patients: Vec<Patient>) -> Vec<Patient> {
    let here: Scope = audit_scope(session, Source::CommandLine);
    let mut out = Vec::new();
    let mut elsewhere = 0usize;
    let mut failed = false;
    for p in patients {
        let m = &p.latest().minted;
        let user_id = match m.user_id {
            Some(id) if !failed && here.is_here(m) => id,
            Some(_) if !failed => {
                elsewhere += 1;
                out.push(p);
                continue;
            }
            _ => {
                out.push(p);
                continue;
            }
        };
        match session.client.connected_providers(user_id).await {
            Ok(now) if p.links.iter().any(|l| connected_since(l, &now)) => {}
            Ok(_) => out.push(p),
            Err(e @ ApiError::NotFound { .. }) => {
                eprintln!(
                    "note: could not check {}'s connections: {}",
                    sanitize(&m.client_user_id),
                    sanitize(&e.to_string())
                );
                out.push(p);
            }
            Err(e) => {
                unchecked(&e.to_string());
                failed = true;
                out.push(p);
            }
        }
    }
    if elsewhere > 0 {
        eprintln!(
            "note: {elsewhere} {} minted on another host {} listed by the audit log alone (this host cannot say)",
            if elsewhere == 1 {
                "patient"
            } else {
                "patients"
            },
            if elsewhere == 1 { "is" } else { "are" }
        );
    }
    out
}

/// Whether the patient now has a connection the link allowed, made after it was minted (or of
/// unknown date).
pub fn connected_since(l: &LinkRecord, now: &[crate::api::ConnectedProvider]) -> bool {
    let allowed = |slug: &str| match (&l.minted.provider, &l.minted.allowlist) {
        (Some(p), _) => p == slug,
        (None, Some(list)) => list.iter().any(|s| s == slug),
        (None, None) => true,
    };
    now.iter().any(|c| {
        c.status == ConnectionStatus::Connected
            && allowed(&c.slug)
            && c.created_on.is_none_or(|t| t >= l.minted.time)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_minutes_hours_days_weeks() {
        let now: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
        assert_eq!(parse_since("7d", now).unwrap(), now - Duration::days(7));
        assert_eq!(parse_since("12h", now).unwrap(), now - Duration::hours(12));
        assert_eq!(
            parse_since("30m", now).unwrap(),
            now - Duration::minutes(30)
        );
        assert_eq!(parse_since("2w", now).unwrap(), now - Duration::weeks(2));
        assert!(parse_since("7", now).unwrap_err().contains("unit"));
        assert!(parse_since("d", now).is_err());
        assert!(parse_since("3y", now).is_err());
    }

    fn link(patient: &str, host: &str, minutes_ago: i64, connected: &[&str]) -> LinkRecord {
        let t0: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
        LinkRecord {
            minted: crate::audit::Event {
                time: t0 - Duration::minutes(minutes_ago),
                environment: "sandbox".into(),
                region: "us".into(),
                host: host.into(),
                user_id: Some(uuid::Uuid::new_v4()),
                client_user_id: patient.into(),
                provider: None,
                allowlist: Some(vec!["oura".into(), "fitbit".into()]),
                redirect_url: None,
                on_error: false,
                on_close: false,
                preset: None,
                token_fingerprint: Some(format!("sha256:{minutes_ago:012}")),
                outcome: crate::audit::Outcome::Minted,
                error: None,
                source: Source::Console,
                operator: "jdoe".into(),
                queue: None,
                kind: crate::audit::Kind::Link,
                language: None,
                expires_at: None,
            },
            connected: connected.iter().map(ToString::to_string).collect(),
            last_outcome: crate::audit::Outcome::Minted,
        }
    }

    #[test]
    fn the_table_says_the_outcome_in_words_and_the_csv_keeps_its_name() {
        use crate::audit::Outcome;
        for (outcome, words) in [
            (Outcome::ShownToPatient, "shown to patient"),
            (Outcome::MintFailed, "mint failed"),
            (Outcome::ConnectionError, "connection error"),
            (Outcome::Copied, "copied"),
        ] {
            let mut l = link(
                "patient-00004",
                "https://api.sandbox.us.junction.com",
                3,
                &[],
            );
            l.last_outcome = outcome;
            assert!(
                row(&l).ends_with(&format!("\tnot connected ({words})")),
                "{}",
                row(&l)
            );
            assert_eq!(pending_csv_row(&l)[4], outcome.as_str());
        }
    }

    #[test]
    fn the_pending_csv_names_the_bare_host_and_demo_as_demo() {
        let l = link(
            "patient-00004",
            "https://api.sandbox.us.junction.com",
            3,
            &[],
        );
        assert_eq!(pending_csv_row(&l)[5], "api.sandbox.us.junction.com");
        let mut demo = link("patient-00004", "http://127.0.0.1:40123", 3, &[]);
        demo.minted.environment = "demo".into();
        assert_eq!(pending_csv_row(&demo)[5], "demo");
        assert_eq!(PENDING_CSV_HEADER[5], "host");
    }

    #[test]
    fn the_follow_up_list_has_each_patient_once_and_none_who_connected() {
        let a = "https://api.sandbox.us.junction.com";
        let b = "http://127.0.0.1:8080";
        let mut qa = link("vital-onboard-qa", a, 1, &[]);
        qa.minted.source = Source::Check;
        // Newest first, as the log reads them.
        let links = vec![
            qa,
            link("patient-00012", a, 2, &[]),
            link("patient-00004", a, 3, &[]),
            link("patient-00012", a, 4, &["oura", "fitbit"]),
            link("patient-00004", a, 5, &[]),
            link("patient-00004", b, 6, &[]),
            link("patient-00012", a, 7, &[]),
        ];
        let pending = pending_by_log(links);
        let shown: Vec<(&str, &str, DateTime<Utc>)> = pending
            .iter()
            .map(|p| {
                let m = &p.latest().minted;
                (m.client_user_id.as_str(), m.host.as_str(), m.time)
            })
            .collect();
        let t0: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
        assert_eq!(
            shown,
            [
                ("patient-00004", a, t0 - Duration::minutes(3)),
                ("patient-00004", b, t0 - Duration::minutes(6)),
            ]
        );
        assert_eq!(pending[0].links.len(), 2);
    }
}
