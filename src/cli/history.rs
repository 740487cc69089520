//! `vital-onboard history [--json] [--user USER] [--since 7d] [--pending]`: the audit log's
//! links, newest first, with whether the patient connected. `--pending` keeps those whose
//! patient never connected (the follow-up list) and, with an API key, asks the API for each
//! patient's current connections first, so one made since is not listed.

use std::io::Write;

use chrono::{DateTime, Duration, Utc};

use super::commands::{Failure, Outcome};
use crate::api::ConnectionStatus;
use crate::audit::{Filter, LinkRecord, Store};
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

/// One line of the table: time, patient, what was allowed, the fingerprint, the outcome.
pub fn row(r: &LinkRecord) -> String {
    let m = &r.minted;
    let allowed = match (&m.provider, &m.allowlist) {
        (Some(p), _) => format!("direct {p}"),
        (None, Some(l)) => l.join(","),
        (None, None) => "all".to_string(),
    };
    let outcome = if r.is_connected() {
        format!("connected {}", r.connected.join(","))
    } else {
        format!("not connected ({})", r.last_outcome.as_str())
    };
    [
        m.time.format("%Y-%m-%d %H:%M").to_string(),
        m.client_user_id.clone(),
        allowed,
        m.preset.clone().unwrap_or_else(|| "-".into()),
        m.token_fingerprint.clone().unwrap_or_else(|| "-".into()),
        outcome,
    ]
    .iter()
    .map(|f| sanitize(f))
    .collect::<Vec<_>>()
    .join("\t")
}

pub struct HistoryQuery {
    pub json: bool,
    pub user: Option<String>,
    pub since: Option<String>,
    pub pending: bool,
}

pub async fn history(session: Option<&Session>, q: &HistoryQuery) -> Outcome {
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
            "no audit log at {} yet: the console writes it as links are minted",
            path.display()
        )));
    }
    let filter = Filter {
        user: q.user.clone(),
        since,
        limit: None,
        // The follow-up list is of patients: the QA user's links only when asked for by name.
        hide_qa: q.pending && q.user.is_none(),
    };
    let mut links =
        tokio::task::spawn_blocking(move || Store::open(&path).and_then(|s| s.links(&filter)))
            .await
            .map_err(|e| Failure::internal(e.to_string()))?
            .map_err(|e| Failure::internal(format!("cannot read the audit log: {e}")))?;
    if q.pending {
        links.retain(|l| !l.is_connected());
        if let Some(session) = session {
            links = still_pending(session, links).await;
        }
    }
    let mut stdout = std::io::stdout().lock();
    for l in &links {
        let line = if q.json {
            let mut v = serde_json::to_value(l).expect("serializes");
            crate::text::sanitize_json(&mut v);
            v.to_string()
        } else {
            row(l)
        };
        writeln!(stdout, "{line}").map_err(Failure::stdout)?;
    }
    if links.is_empty() {
        eprintln!("no links match");
    }
    Ok(())
}

/// Drops the links whose patient has connected since, by the API's current answer. A patient
/// the API cannot answer for stays on the list, with a note.
async fn still_pending(session: &Session, links: Vec<LinkRecord>) -> Vec<LinkRecord> {
    let mut out = Vec::new();
    for l in links {
        let Some(user_id) = l.minted.user_id else {
            out.push(l);
            continue;
        };
        match session.client.connected_providers(user_id).await {
            Ok(now) if connected_since(&l, &now) => {}
            Ok(_) => out.push(l),
            Err(e) => {
                eprintln!(
                    "note: could not check {}'s connections: {}",
                    sanitize(&l.minted.client_user_id),
                    sanitize(&e.to_string())
                );
                out.push(l);
            }
        }
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
}
