//! The connection watcher: while a minted link is on screen (staff or patient-facing view), ask
//! `GET /v2/user/providers/{user_id}` every [`POLL`], one request at a time (the registry's
//! [`Task::Watch`]: a check runs only for the shown link, and is cancelled when the link leaves
//! the screen), backing off on errors, and stop when the view closes (the watch lives in the
//! shown link), the link expires, or a connection consumes it. A provider not connected at mint
//! time that now is becomes "Connected: Oura ✓"; an `error` status is put in plain words with
//! what to do. Every answer is also the patient's known connections
//! ([`Connections`](super::patients::Connections)), so the Patient pane shows it too.
//!
//! An app code on screen is watched the same way, until the code expires or its view closes: no
//! API says when a code is used, and a connection does not end the watch (the patient may add
//! Oura in the app after Apple Health), so each new one is said: "Connected: Apple Health ✓".

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::requests::{Pending, Task};
use super::screen::Screen;
use super::{App, Effect, Level};
use crate::api::{ApiError, ConnectedProvider, ConnectionStatus};
use crate::audit::Outcome;
use crate::text::sanitize;
use uuid::Uuid;

/// How often the watcher asks while all is well.
pub const POLL: Duration = Duration::from_secs(3);
/// The longest wait between checks after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_mins(1);
/// A connection made this close before the mint still counts as made through the link.
const SKEW_SECS: i64 = 5;

/// A connection the watcher saw arrive.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrived {
    pub slug: String,
    pub name: String,
    pub resources: Vec<String>,
}

/// A connection that failed, in plain words.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    pub slug: String,
    pub name: String,
    pub error_type: String,
    /// What happened and what to do, for the staff.
    pub advice: String,
}

/// A connection as a check saw it: slug, `created_on`, status.
pub type Seen = (String, Option<DateTime<Utc>>, String);

/// The watch on one shown link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Watch {
    /// The connections at the first check (mint time): slug, `created_on`, status. One that
    /// later differs (new, reconnected, changed status) is news.
    pub baseline: Option<Vec<Seen>>,
    pub next_at: Option<DateTime<Utc>>,
    pub last_check: Option<DateTime<Utc>>,
    /// Checks failed in a row, and the newest reason.
    pub failures: u32,
    pub last_error: Option<String>,
    pub arrived: Vec<Arrived>,
    pub failed: Vec<Failed>,
    /// The watch of an app code: a connection is news, not the end of it.
    pub app_code: bool,
}

/// Something a check found: written to the audit log and said in the status line.
#[derive(Debug)]
pub(in crate::app) struct News {
    pub(in crate::app) outcome: Outcome,
    pub(in crate::app) slug: String,
    pub(in crate::app) error: Option<String>,
    pub(in crate::app) level: Level,
    pub(in crate::app) text: String,
}

impl Watch {
    /// A connection arrived: the link is used up (tokens are one-time).
    pub fn consumed(&self) -> bool {
        !self.arrived.is_empty()
    }

    /// The wait before the next check, doubling per failure in a row.
    pub fn delay(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.failures.min(5));
        (POLL * factor).min(MAX_BACKOFF)
    }

    /// A check failed: the next waits longer.
    pub(in crate::app) fn check_failed(&mut self, at: DateTime<Utc>, e: &ApiError) {
        self.last_check = Some(at);
        self.failures += 1;
        self.last_error = Some(sanitize(&e.to_string()));
        self.next_at = Some(at + chrono::Duration::from_std(self.delay()).unwrap_or_default());
    }

    /// A check answered with `list`: what is new since the mint at `minted_at`.
    pub(in crate::app) fn checked(
        &mut self,
        at: DateTime<Utc>,
        minted_at: DateTime<Utc>,
        list: &[ConnectedProvider],
    ) -> Vec<News> {
        self.last_check = Some(at);
        self.failures = 0;
        self.last_error = None;
        self.next_at = Some(at + chrono::Duration::from_std(POLL).unwrap_or_default());
        let baseline = self
            .baseline
            .get_or_insert_with(|| baseline(list, minted_at))
            .clone();
        list.iter()
            .filter(|c| !baseline.contains(&seen(c)))
            .filter_map(|c| self.news(c))
            .collect()
    }

    /// A connection that differs from the baseline: news the first time it is seen so.
    fn news(&mut self, c: &ConnectedProvider) -> Option<News> {
        let name = if c.slug == super::app_code::APPLE_HEALTH {
            // The app the patient knows (the API calls it by Apple's framework, HealthKit).
            "Apple Health".to_string()
        } else {
            sanitize(if c.name.is_empty() { &c.slug } else { &c.name })
        };
        let slug = sanitize(&c.slug);
        match &c.status {
            ConnectionStatus::Error => {
                if self.failed.iter().any(|f| f.slug == slug) {
                    return None;
                }
                let error_type = c
                    .error_details
                    .as_ref()
                    .map_or("unknown", |d| d.error_type.as_str());
                let f = Failed {
                    slug,
                    name,
                    error_type: sanitize(error_type),
                    advice: crate::link::attempt_advice(error_type),
                };
                let news = News {
                    outcome: Outcome::ConnectionError,
                    slug: f.slug.clone(),
                    error: Some(f.error_type.clone()),
                    level: Level::Error,
                    text: format!("{} could not connect: {}", f.name, f.advice),
                };
                self.failed.push(f);
                Some(news)
            }
            ConnectionStatus::Connected => {
                if self.arrived.iter().any(|a| a.slug == slug) {
                    return None;
                }
                self.failed.retain(|f| f.slug != slug);
                let text = if self.app_code {
                    format!("Connected: {name} ✓")
                } else {
                    format!("Connected: {name} ✓ — the link is used up; r mints another")
                };
                let news = News {
                    outcome: Outcome::Connected,
                    slug: slug.clone(),
                    error: None,
                    level: Level::Success,
                    text,
                };
                self.arrived.push(Arrived {
                    slug,
                    name,
                    resources: resources(c),
                });
                Some(news)
            }
            _ => None,
        }
    }
}

/// A connection as a check saw it.
fn seen(c: &ConnectedProvider) -> Seen {
    (c.slug.clone(), c.created_on, c.status.as_str().to_string())
}

/// The connections at the first check that were not made (or did not fail) since the mint (the
/// API's times have whole seconds, and clocks differ a little).
fn baseline(list: &[ConnectedProvider], minted_at: DateTime<Utc>) -> Vec<Seen> {
    let since_mint = |t: Option<DateTime<Utc>>| {
        t.is_some_and(|t| t >= minted_at - chrono::Duration::seconds(SKEW_SECS))
    };
    list.iter()
        .filter(|c| {
            !since_mint(c.created_on)
                && !since_mint(c.error_details.as_ref().and_then(|d| d.errored_at))
        })
        .map(seen)
        .collect()
}

fn resources(c: &ConnectedProvider) -> Vec<String> {
    let mut out: Vec<String> = c
        .resource_availability
        .iter()
        .filter(|(_, v)| v.get("status").and_then(|s| s.as_str()) != Some("unavailable"))
        .map(|(k, _)| sanitize(k))
        .collect();
    out.sort();
    out
}

impl App {
    /// At a tick: the check that is due on the shown link, if any.
    pub(super) fn watch_effect(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        if self.requests.running(Task::Watch) {
            return None;
        }
        let shown = self.screen.shown()?;
        let w = &shown.watch;
        if w.consumed() || shown.link.is_expired(now) || w.next_at.is_some_and(|at| now < at) {
            return None;
        }
        let user_id = shown.link.user_id;
        let id = self.requests.start(Pending::Watch);
        Some(Effect::WatchConnections { id, user_id })
    }

    /// The answer to a check of the shown link (the registry dropped checks of a link that left
    /// the screen). What it found is the patient's known connections, wherever they show.
    pub(super) fn on_watched(
        &mut self,
        at: DateTime<Utc>,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    ) -> Vec<Effect> {
        let news = self.news(at, result, |screen| {
            let shown = screen.shown_mut()?;
            Some((shown.link.user_id, shown.link.minted_at, &mut shown.watch))
        });
        let mut effects = Vec::new();
        for n in news {
            effects.extend(self.audit_shown(n.outcome, Some(&n.slug), n.error.as_deref()));
            self.toast(n.level, n.text);
        }
        effects
    }

    /// A check's answer for the watch `pick` finds on screen (with its patient and the time
    /// it started): what is new, the patient's known connections learned from it.
    fn news(
        &mut self,
        at: DateTime<Utc>,
        result: Result<Vec<ConnectedProvider>, ApiError>,
        pick: impl FnOnce(&mut Screen) -> Option<(Uuid, DateTime<Utc>, &mut Watch)>,
    ) -> Vec<News> {
        let Some((user_id, since, w)) = pick(&mut self.screen) else {
            return vec![];
        };
        let list = match result {
            Ok(list) => list,
            Err(e) => {
                w.check_failed(at, &e);
                return vec![];
            }
        };
        let news = w.checked(at, since, &list);
        self.learn_connections(user_id, &list);
        news
    }

    /// A watch task panicked: the next tick tries again (the registry no longer has it).
    pub(super) fn watch_task_failed(&mut self) {
        if let Some(shown) = self.screen.shown_mut() {
            shown.watch.failures += 1;
        }
    }

    /// At a tick: the check that is due on the shown app code, if any (until it expires).
    pub(super) fn app_watch_effect(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        if self.requests.running(Task::Watch) {
            return None;
        }
        let shown = self.screen.app_code()?;
        let w = &shown.watch;
        if shown.is_expired(now) || w.next_at.is_some_and(|at| now < at) {
            return None;
        }
        let user_id = shown.user_id;
        let id = self.requests.start(Pending::AppWatch);
        Some(Effect::WatchConnections { id, user_id })
    }

    /// The answer to a check for the shown app code: each new connection said and logged.
    pub(super) fn on_app_watched(
        &mut self,
        at: DateTime<Utc>,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    ) -> Vec<Effect> {
        let news = self.news(at, result, |screen| {
            let shown = screen.app_code_mut()?;
            Some((shown.user_id, shown.minted_at, &mut shown.watch))
        });
        let mut effects = Vec::new();
        for n in news {
            effects.extend(self.audit_app_code(n.outcome, Some(&n.slug), n.error.as_deref()));
            self.toast(n.level, n.text);
        }
        effects
    }

    /// An app-code watch task panicked: the next tick tries again.
    pub(super) fn app_watch_task_failed(&mut self) {
        if let Some(shown) = self.screen.app_code_mut() {
            shown.watch.failures += 1;
        }
    }
}
