//! `vital-onboard users --status [--json|--csv]`: each user with their onboarding status, as the
//! console's Patient pane shows it (connected, link out, unused, sign-in failed, never linked),
//! from this machine's audit log for the host the command talks to and the API's connections
//! (the user list's, each checked for one in error as the console checks). Never a token, URL, code or key: links are known by what they allowed and when.
//!
//! The CSV cells (here and in `history --pending --csv`) are written with the `csv` crate; a
//! cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, FixedOffset, Utc};
use futures::StreamExt;
use serde_json::json;
use uuid::Uuid;

use super::commands::{CommandResult, Failure, audit_scope};
use crate::api::{ConnectedProvider, PageGuard, User};
use crate::audit::onboarding::{Ledger, Providers, Status};
use crate::audit::{Scope, Source, Store};
use crate::setup::session::Session;
use crate::text::{sanitize, sanitize_json};

/// How `users --status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The CSV columns of `users --status --csv`.
const CSV_HEADER: [&str; 7] = [
    "client_user_id",
    "user_id",
    "created_on",
    "status",
    "status_text",
    "connected",
    "last_link_time",
];

/// A cell as written to CSV: sanitized, and never a formula when opened in a spreadsheet.
pub fn csv_cell(s: &str) -> String {
    let clean = sanitize(s);
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean
    }
}

/// A time as the CSVs write it (here and in `history --pending --csv`): RFC 3339 in UTC, to
/// the second, with `Z` (`2026-12-05T06:45:33Z`).
pub fn csv_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// This desk's links of `here`'s host, read once (an absent log is an empty one: everyone not
/// connected reads `never linked`, with a note; a log that cannot be read is a warning).
pub async fn read_ledger(here: &Scope) -> Ledger {
    let Some(path) = crate::audit::default_path().filter(|p| p.exists()) else {
        eprintln!(
            "note: no audit log on this machine yet: statuses other than connected read never linked"
        );
        return Ledger::new(here);
    };
    let scope = here.clone();
    let read = tokio::task::spawn_blocking(move || {
        Store::open(&path)
            .and_then(|s| s.events())
            .map(|events| Ledger::from_events(&events, &scope))
    })
    .await;
    match read {
        Ok(Ok(ledger)) => ledger,
        Ok(Err(e)) => {
            eprintln!(
                "warning: the audit log cannot be read ({}): statuses show connections only",
                sanitize(&e.to_string())
            );
            Ledger::new(here)
        }
        Err(e) => {
            eprintln!(
                "warning: the audit log cannot be read ({e}): statuses show connections only"
            );
            Ledger::new(here)
        }
    }
}

/// The checks of a page's users that the list shows with a connection
/// (`GET /v2/user/providers/{user_id}`, a few at a time): which connections still work. A
/// check that fails leaves the list's providers, all taken as connected (counted in `failed`).
async fn check_connections(
    session: &Session,
    users: &[User],
    failed: &mut usize,
) -> HashMap<Uuid, Vec<ConnectedProvider>> {
    let asks = users
        .iter()
        .filter(|u| {
            !u.connected_sources.is_empty() && u.client_user_id != crate::audit::QA_CLIENT_USER_ID
        })
        .map(|u| async move {
            (
                u.user_id,
                session.client.connected_providers(u.user_id).await,
            )
        });
    let answers: Vec<_> = futures::stream::iter(asks)
        .buffer_unordered(CHECKS_AT_ONCE)
        .collect()
        .await;
    let mut checks = HashMap::new();
    for (id, answer) in answers {
        match answer {
            Ok(list) => {
                checks.insert(id, list);
            }
            Err(_) => *failed += 1,
        }
    }
    checks
}

/// How many connection checks run at once.
const CHECKS_AT_ONCE: usize = 4;

/// One user's status, from the ledger and their connections, by the console's one rule
/// ([`Ledger::status_of`]): the check's (connected ones, and the broken ones beside them)
/// when there is one, else the list's.
fn status_of(
    ledger: &Ledger,
    u: &User,
    check: Option<&Vec<ConnectedProvider>>,
    now: DateTime<Utc>,
) -> Status {
    let providers = match check {
        Some(list) => Providers::checked(list),
        None => Providers::listed(u.connected_slugs()),
    };
    ledger.status_of(u.user_id, &u.client_user_id, &providers, now)
}

/// Prints users with their statuses, page after page.
struct Printer {
    format: Format,
    now: DateTime<Utc>,
    tz: FixedOffset,
    csv: Option<csv::Writer<std::io::Stdout>>,
    header: bool,
    /// The QA users of `presets check --live` left out.
    left_out: usize,
    /// Users whose connections could not be checked.
    unchecked: usize,
}

impl Printer {
    fn new(format: Format) -> Printer {
        Printer {
            format,
            now: Utc::now(),
            tz: *chrono::Local::now().offset(),
            csv: (format == Format::Csv).then(|| csv::Writer::from_writer(std::io::stdout())),
            header: true,
            left_out: 0,
            unchecked: 0,
        }
    }

    /// The warning when some users' connections could not be checked.
    fn unchecked_note(&self) {
        if self.unchecked > 0 {
            eprintln!(
                "warning: the connections of {} user(s) could not be checked: their providers are the user list's, all counted as connected",
                self.unchecked
            );
        }
    }

    fn page(
        &mut self,
        ledger: &Ledger,
        users: &[User],
        checks: &HashMap<Uuid, Vec<ConnectedProvider>>,
    ) -> CommandResult {
        if std::mem::take(&mut self.header) {
            match (self.format, &mut self.csv) {
                (Format::Csv, Some(w)) => w.write_record(CSV_HEADER).map_err(csv_failure)?,
                (Format::Table, _) => super::commands::out(&format!(
                    "{:<24} {:<36} {:<10} STATUS",
                    "CLIENT_USER_ID", "USER_ID", "CREATED"
                ))?,
                _ => {}
            }
        }
        for u in users {
            if u.client_user_id == crate::audit::QA_CLIENT_USER_ID {
                self.left_out += 1;
                continue;
            }
            let status = status_of(ledger, u, checks.get(&u.user_id), self.now);
            // The providers the status counts: the API's connected ones, else those this
            // desk's log saw connect (then the words say so, as the console's detail does).
            let (connected, broken) = match &status {
                Status::Connected { ok, broken } => (ok.clone(), broken.clone()),
                Status::ConnectAgain(broken) => (Vec::new(), broken.clone()),
                _ => (Vec::new(), Vec::new()),
            };
            let mut text = sanitize(&status.text(self.now, self.tz));
            if !connected.is_empty() && u.connected_sources.is_empty() {
                text.push_str(" (this desk's log)");
            }
            let created = u
                .created_on
                .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d").to_string());
            let last = ledger.last(u.user_id, &u.client_user_id);
            match (self.format, &mut self.csv) {
                (Format::Csv, Some(w)) => w
                    .write_record([
                        csv_cell(&u.client_user_id),
                        u.user_id.to_string(),
                        created,
                        status.code().as_str().to_string(),
                        csv_cell(&text),
                        csv_cell(&connected.join(",")),
                        last.map(|l| csv_time(l.minted_at)).unwrap_or_default(),
                    ])
                    .map_err(csv_failure)?,
                (Format::Json, _) => {
                    let mut v = json!({
                        "client_user_id": u.client_user_id,
                        "user_id": u.user_id,
                        "created_on": u.created_on,
                        "status": status.code(),
                        "status_text": text,
                        "connected": connected,
                        "connect_again": broken,
                        "last_link": last.map(|l| json!({
                            "minted_at": l.minted_at,
                            "expires_at": l.expires_at(),
                            "allowed": l.allowed(),
                            "last_outcome": l.last_outcome,
                        })),
                    });
                    sanitize_json(&mut v);
                    super::commands::out(&v.to_string())?;
                }
                _ => super::commands::out(&format!(
                    "{:<24} {:<36} {:<10} {}",
                    sanitize(&u.client_user_id),
                    u.user_id,
                    created,
                    text
                ))?,
            }
        }
        if let Some(w) = &mut self.csv {
            w.flush().map_err(Failure::stdout)?;
        }
        Ok(())
    }
}

fn csv_failure(e: csv::Error) -> Failure {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Failure::stdout(io),
        other => Failure::internal(format!("cannot write the CSV: {other:?}")),
    }
}

/// `users --status`: every user (or those `--search` finds) with their onboarding status.
pub async fn users_status(
    session: &Session,
    search: Option<&str>,
    format: Format,
) -> CommandResult {
    let here = audit_scope(session, Source::CommandLine);
    let ledger = read_ledger(&here).await;
    let mut printer = Printer::new(format);
    if let Some(q) = search {
        let q = q.trim();
        if q.chars().count() < 2 {
            return Err(Failure::input("--search needs at least 2 characters"));
        }
        let found = session.client.search_users(q).await?;
        let checks = check_connections(session, &found, &mut printer.unchecked).await;
        printer.page(&ledger, &found, &checks)?;
        printer.unchecked_note();
        if format == Format::Table {
            eprintln!("{} user(s) match {:?}", found.len(), sanitize(q));
        }
        return Ok(());
    }
    let page_size = crate::api::client::MAX_PAGE;
    let mut guard = PageGuard::new(session.client.target(), page_size);
    loop {
        let page = session
            .client
            .list_users(guard.next_offset(), page_size)
            .await?;
        let next = guard.accept(&page)?;
        let checks = check_connections(session, &page.users, &mut printer.unchecked).await;
        printer.page(&ledger, &page.users, &checks)?;
        if next.is_none() {
            if format == Format::Table {
                eprintln!(
                    "{} user(s); link out, unused and never linked are from this machine's audit log",
                    guard.seen()
                );
            }
            std::io::stdout().flush().map_err(Failure::stdout)?;
            printer.unchecked_note();
            if printer.left_out > 0 {
                eprintln!(
                    "note: the QA user of `presets check --live` ({}) is left out: not a patient",
                    crate::audit::QA_CLIENT_USER_ID
                );
            }
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn a_cell_never_runs_as_a_formula_and_has_no_controls() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("patient-00001"), "patient-00001");
        assert_eq!(csv_cell("a\u{1b}[31mb"), "ab");
    }
}
