//! `history --queue ID`: one onboarding-day queue's links, then what the log holds beside them
//! (its failed mints, its recorded summary), with the links it left out still valid; the count
//! of its outcomes from its rows when no summary was recorded.

use std::io::Write;

use chrono::{DateTime, Utc};

use super::commands::{CommandResult, Failure};
use crate::audit::{LinkRecord, QueueRun, Store};
use crate::text::sanitize;

/// After the links of `history --queue ID`: its summary (`--json`: as one more line,
/// `{"queue_summary": …}`, null when none was recorded), or the count of its rows' outcomes.
pub fn print_queue(
    id: &str,
    failed: usize,
    run: Option<&QueueRun>,
    links: &[LinkRecord],
    json: bool,
) -> CommandResult {
    let out = links_out(links, Utc::now());
    let later = run.map(|r| connected_later(r, links));
    let run = later.as_ref();
    if json {
        let out: Vec<_> = out
            .iter()
            .map(|(id, until)| serde_json::json!({ "client_user_id": id, "expires_at": until }))
            .collect();
        let mut v = serde_json::json!({
            "queue_summary": run.map(summary_json),
            "links_out": out,
        });
        crate::text::sanitize_json(&mut v);
        writeln!(std::io::stdout().lock(), "{v}").map_err(Failure::stdout)?;
        return Ok(());
    }
    if let Some(run) = run {
        let mut stdout = std::io::stdout().lock();
        if !links.is_empty() {
            writeln!(stdout).map_err(Failure::stdout)?;
        }
        for line in queue_summary(run) {
            writeln!(stdout, "{line}").map_err(Failure::stdout)?;
        }
        if let Some(line) = links_out_line(&out) {
            writeln!(stdout, "{}", sanitize(&line)).map_err(Failure::stdout)?;
        }
    } else {
        eprintln!("{}", queue_totals(id, links, failed));
        eprintln!(
            "queue {}: no summary recorded (the queue did not end normally)",
            sanitize(id)
        );
    }
    Ok(())
}

/// The recorded summary with each patient who connected through one of the queue's links after
/// it was recorded (a link the queue left, still watched by the console) counted as connected.
pub fn connected_later(run: &QueueRun, links: &[LinkRecord]) -> QueueRun {
    let mut run = run.clone();
    for l in links.iter().rev().filter(|l| l.is_connected()) {
        let id = &l.minted.client_user_id;
        let mut moved = false;
        for list in run.outcomes.iter_mut().skip(1) {
            let before = list.len();
            list.retain(|x| x != id);
            moved |= list.len() != before;
        }
        if moved && !run.outcomes[0].contains(id) {
            run.outcomes[0].push(id.clone());
        }
    }
    run
}

/// The patients of these links with a link still valid at `now` that was not used (also one
/// who connected through another of their links: the unused one can still connect more): each
/// once, with when the last of those links expires (the log's expiry, else the mint time and the
/// link's lifetime), in the order of their first link (the queue's). Vital cannot withdraw a
/// link, so it can still connect them until then.
pub fn links_out(links: &[LinkRecord], now: DateTime<Utc>) -> Vec<(String, DateTime<Utc>)> {
    let mut out: Vec<(String, DateTime<Utc>)> = Vec::new();
    // Oldest first: the queue's order.
    for l in links.iter().rev() {
        let m = &l.minted;
        let until = m
            .expires_at
            .unwrap_or_else(|| m.time + chrono::Duration::minutes(crate::link::LIFETIME_MINUTES));
        if until <= now || l.last_outcome == crate::audit::Outcome::Expired || l.is_connected() {
            continue;
        }
        match out.iter_mut().find(|(id, _)| *id == m.client_user_id) {
            Some((_, t)) => *t = (*t).max(until),
            None => out.push((m.client_user_id.clone(), until)),
        }
    }
    out
}

/// The line after a summary naming the links still out: `  links still out: p2 until 10:47
/// UTC, …`, and that Vital cannot withdraw them (`None`: none is).
pub fn links_out_line(out: &[(String, DateTime<Utc>)]) -> Option<String> {
    if out.is_empty() {
        return None;
    }
    let list: Vec<String> = out
        .iter()
        .map(|(id, until)| format!("{id} until {} UTC", until.format("%H:%M")))
        .collect();
    Some(format!(
        "  {} still out: {} (Vital has no way to withdraw a link: it can connect the patient \
         until then)",
        if out.len() == 1 { "link" } else { "links" },
        list.join(", ")
    ))
}

/// A recorded summary as JSON: its facts, and each outcome's ids by name.
pub fn summary_json(run: &QueueRun) -> serde_json::Value {
    let outcomes: serde_json::Map<String, serde_json::Value> = crate::audit::QUEUE_OUTCOMES
        .iter()
        .map(|label| ((*label).to_string(), serde_json::json!(run.with(label))))
        .collect();
    serde_json::json!({
        "queue_id": run.queue_id,
        "end": run.end,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "operator": run.operator,
        "host": run.host,
        "environment": run.environment,
        "region": run.region,
        "preset": run.preset,
        "allowed": run.allowed,
        "patients": run.patients,
        "outcomes": outcomes,
    })
}

/// The links one onboarding-day queue minted (`--queue ID`), newest first.
pub fn of_queue(links: Vec<LinkRecord>, id: &str) -> Vec<LinkRecord> {
    links
        .into_iter()
        .filter(|l| l.minted.queue.as_deref() == Some(id))
        .collect()
}

/// The one line after `history --queue ID`: what became of that queue's links, from its rows
/// (skips and stops write no row, so they are not counted).
pub fn queue_totals(id: &str, links: &[LinkRecord], failed: usize) -> String {
    let connected = links.iter().filter(|l| l.is_connected()).count();
    let expired = links
        .iter()
        .filter(|l| !l.is_connected() && l.last_outcome == crate::audit::Outcome::Expired)
        .count();
    let out = links.len() - connected - expired;
    // Only the outcomes some link has, in words.
    let outcomes: Vec<String> = [
        (connected, "connected"),
        (expired, "unused (the link expired)"),
        (out, "still out (no result yet)"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let mut parts = Vec::new();
    if !links.is_empty() {
        parts.push(format!(
            "{} — {}",
            crate::text::count(links.len(), "link", "links"),
            outcomes.join(", ")
        ));
    }
    if failed > 0 {
        parts.push(crate::text::count(failed, "mint failed", "mints failed"));
    }
    parts.push("skips are not in the log".to_string());
    format!("queue {}: {}", sanitize(id), parts.join("; "))
}

/// What the log holds of queue `id` beside its links: how many of its mints failed (rows that
/// are no link) and its summary, if one was recorded.
pub async fn queue_facts(id: &str) -> Result<(usize, Option<QueueRun>), Failure> {
    let Some(path) = crate::audit::default_path().filter(|p| p.exists()) else {
        return Ok((0, None));
    };
    let id = id.to_string();
    let read = move || -> Result<(usize, Option<QueueRun>), crate::audit::AuditError> {
        let store = Store::open(&path)?;
        let failed = store
            .events()?
            .iter()
            .filter(|e| e.queue.as_deref() == Some(id.as_str()))
            .filter(|e| e.outcome == crate::audit::Outcome::MintFailed)
            .count();
        Ok((failed, store.queue_run(&id)?))
    };
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(|e| Failure::internal(format!("cannot read the audit log: {e}")))
}

/// A queue's recorded summary, after its links: how it ended, who ran it where with what, and
/// each outcome a patient has (connected always) with their ids. Never a token, URL or code:
/// the summary holds none.
pub fn queue_summary(run: &QueueRun) -> Vec<String> {
    let what = match &run.preset {
        Some(p) => format!("preset {p} ({})", run.allowed),
        None => run.allowed.clone(),
    };
    let mut lines = vec![format!(
        "queue {}: {}, {} · {} · by {} · {} · {} to {} UTC",
        run.queue_id,
        run.end.text(),
        crate::text::count(run.patients, "patient", "patients"),
        what,
        run.operator,
        run.place(),
        run.started_at.format("%Y-%m-%d %H:%M"),
        run.ended_at.format(
            if run.ended_at.date_naive() == run.started_at.date_naive() {
                "%H:%M"
            } else {
                "%Y-%m-%d %H:%M"
            }
        ),
    )];
    if run.operator == crate::setup::settings::UNKNOWN_OPERATOR {
        lines.push(format!(
            "  (who ran it is unknown: {})",
            crate::setup::settings::OPERATOR_HINT
        ));
    }
    for label in crate::audit::QUEUE_OUTCOMES {
        let ids = run.with(label);
        if ids.is_empty() && label != "connected" {
            continue;
        }
        // Every id (the follow-up needs them all; the log keeps at most QUEUE_MAX_IDS).
        let mut line = format!("  {label} {}", ids.len());
        if !ids.is_empty() {
            line.push_str(": ");
            line.push_str(&ids.join(", "));
        }
        lines.push(line);
    }
    lines.iter().map(|l| sanitize(l)).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::audit::{Scope, Source};

    /// A queue over midnight names both days; a long outcome names every id; an id from the
    /// network is sanitized.
    #[test]
    fn a_queue_summary_names_both_days_and_every_id() {
        let scope = Scope::demo(Source::Queue, "jdoe");
        let t: DateTime<Utc> = "2026-12-05T23:50:00Z".parse().unwrap();
        let mut run = QueueRun::new("q-1", &scope, t);
        run.ended_at = t + Duration::minutes(20);
        run.allowed = "direct oura".into();
        for n in 0..205 {
            run.add("not reached", &format!("p{n}"));
        }
        run.add("failed", "p\u{1b}]52;c;x\u{7}-1");
        let lines = queue_summary(&run);
        assert_eq!(
            lines[0],
            "queue q-1: finished, 206 patients · direct oura · by jdoe · the demo · \
             2026-12-05 23:50 to 2026-12-06 00:10 UTC"
        );
        assert_eq!(lines[1], "  connected 0");
        assert_eq!(lines[2], "  failed 1: p-1");
        assert!(lines[3].starts_with("  not reached 205: p0, p1, "));
        assert!(lines[3].ends_with(", p203, p204"), "{}", lines[3]);
    }

    /// `by unknown` is followed once by how to name the operator; a named one by nothing.
    #[test]
    fn an_unknown_operator_is_followed_by_the_fix_once() {
        let t: DateTime<Utc> = "2026-12-05T10:00:00Z".parse().unwrap();
        let scope = Scope::demo(Source::Queue, crate::setup::settings::UNKNOWN_OPERATOR);
        let lines = queue_summary(&QueueRun::new("q-1", &scope, t));
        assert!(lines[0].contains(" · by unknown · "), "{lines:?}");
        assert_eq!(
            lines[1],
            "  (who ran it is unknown: set operator = \"NAME\" in the config file, or USER)"
        );
        assert_eq!(lines.iter().filter(|l| l.contains("operator")).count(), 1);
        let named = queue_summary(&QueueRun::new(
            "q-1",
            &Scope::demo(Source::Queue, "jdoe"),
            t,
        ));
        assert!(!named.iter().any(|l| l.contains("operator")), "{named:?}");
    }
}
