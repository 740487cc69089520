//! The links a queue left on the way (skipped, gone back from, minted again, stopped) while they
//! are still valid: Vital cannot withdraw a link, so each stays watched, one check at a time as
//! the shown link's (the registry's one [`Task::Watch`]), until it expires, connects the patient,
//! or the console quits. A connection through one is the patient's: the audit log's `connected`
//! row for that link (its fingerprint, the queue's id), the patient's status, and the queue's
//! summary ("connected" whatever the queue had left them as).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Outcome as QueueOutcome;
use crate::api::{ApiError, ConnectedProvider, LinkTokenRequest};
use crate::app::requests::{Pending, Task};
use crate::app::screen::ShownLink;
use crate::app::watcher::Watch;
use crate::app::{App, Effect, Level};
use crate::audit::{Outcome, Source};
use crate::i18n::Language;
use crate::text::sanitize;

/// The most links watched at once: a queue's links are each valid for an hour, so a long queue
/// left behind still fits; beyond it the oldest is no longer watched.
pub const MAX_LEFT: usize = 500;

/// One link a queue left unused, still valid.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftLink {
    pub queue_id: String,
    /// The preset the queue's links were minted with (for its audit rows).
    pub preset: Option<String>,
    pub user_id: Uuid,
    pub client_user_id: String,
    /// The link's settings (for its audit rows).
    pub request: LinkTokenRequest,
    /// The link's fingerprint (never its token).
    pub fingerprint: String,
    pub language: Language,
    pub minted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Its watch, carried over from the screen (its first check's connections are the baseline).
    pub watch: Watch,
}

impl LeftLink {
    /// Whether it can still connect the patient at `now` (valid, not used up).
    pub fn is_out(&self, now: DateTime<Utc>) -> bool {
        !self.watch.consumed() && self.expires_at > now
    }
}

/// The queues' links left unused, and the connections already recorded for the queues'
/// patients (a connection is recorded once, whichever of the patient's links saw it first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeftLinks {
    pub links: Vec<LeftLink>,
    /// (patient, provider slug) connections a queue already recorded.
    pub recorded: Vec<(Uuid, String)>,
}

impl LeftLinks {
    /// The links of queue `queue_id` still out at `now`, in the order they were left.
    pub fn out_of<'a>(
        &'a self,
        queue_id: &'a str,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = &'a LeftLink> + 'a {
        self.links
            .iter()
            .filter(move |l| l.queue_id == queue_id && l.is_out(now))
    }

    /// How many of `user_id`'s links of queue `queue_id` are still out at `now`, and when the
    /// last of them expires.
    pub fn until(
        &self,
        queue_id: &str,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Option<(usize, DateTime<Utc>)> {
        let theirs: Vec<_> = self
            .out_of(queue_id, now)
            .filter(|l| l.user_id == user_id)
            .collect();
        let last = theirs.iter().map(|l| l.expires_at).max()?;
        Some((theirs.len(), last))
    }

    /// A connection of `user_id` to `slug` was recorded (by the shown link's watch or a left one).
    pub fn record(&mut self, user_id: Uuid, slug: &str) {
        let key = (user_id, slug.to_string());
        if !self.recorded.contains(&key) {
            self.recorded.push(key);
        }
    }
}

impl App {
    /// The shown link leaves the screen unused and still valid: queue `queue_id` keeps watching
    /// it.
    pub(in crate::app) fn keep_watching(
        &mut self,
        queue_id: &str,
        preset: Option<String>,
        shown: &ShownLink,
    ) {
        let link = &shown.link;
        let left = &mut self.queue_left;
        left.links.retain(|l| l.is_out(self.now));
        if left.links.len() >= MAX_LEFT {
            left.links.remove(0);
        }
        left.links.push(LeftLink {
            queue_id: queue_id.to_string(),
            preset,
            user_id: link.user_id,
            client_user_id: link.client_user_id.clone(),
            request: link.request.clone(),
            fingerprint: link.fingerprint(),
            language: shown.language,
            minted_at: link.minted_at,
            expires_at: link.expires_at(),
            watch: shown.watch.clone(),
        });
    }

    /// At a tick, when no other check runs: the check of the left link due longest ago (the
    /// patient the screen shows a link for is watched by that link's own watch).
    pub(in crate::app) fn left_watch_effect(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        // Expired or used up: no longer watched.
        self.queue_left.links.retain(|l| l.is_out(now));
        if self.requests.running(Task::Watch) {
            return None;
        }
        let shown = self.screen.shown().map(|s| s.link.user_id);
        let l = self
            .queue_left
            .links
            .iter()
            .filter(|l| l.is_out(now) && Some(l.user_id) != shown)
            .filter(|l| l.watch.next_at.is_none_or(|at| at <= now))
            .min_by_key(|l| l.watch.next_at)?;
        let (user_id, fingerprint) = (l.user_id, l.fingerprint.clone());
        let id = self.requests.start(Pending::LeftWatch { fingerprint });
        Some(Effect::WatchConnections { id, user_id })
    }

    /// A check of a left link failed to run: the next waits longer.
    pub(in crate::app) fn left_watch_failed(&mut self, fingerprint: &str) {
        if let Some(l) = self
            .queue_left
            .links
            .iter_mut()
            .find(|l| l.fingerprint == fingerprint)
        {
            l.watch.failures += 1;
        }
    }

    /// The answer to a check of a left link: a connection (or a failed one) is logged for that
    /// link and the queue, said, and the patient counted as connected.
    pub(in crate::app) fn on_left_watched(
        &mut self,
        fingerprint: &str,
        at: DateTime<Utc>,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    ) -> Vec<Effect> {
        let Some(i) = self
            .queue_left
            .links
            .iter()
            .position(|l| l.fingerprint == fingerprint)
        else {
            return vec![];
        };
        let list = match result {
            Ok(list) => list,
            Err(e) => {
                self.queue_left.links[i].watch.check_failed(at, &e);
                return vec![];
            }
        };
        let user_id = self.queue_left.links[i].user_id;
        self.learn_connections(user_id, &list);
        let recorded = &self.queue_left.recorded;
        let fresh: Vec<ConnectedProvider> = list
            .into_iter()
            .filter(|c| !recorded.contains(&(user_id, sanitize(&c.slug))))
            .collect();
        let l = &mut self.queue_left.links[i];
        let news = l.watch.checked(at, l.minted_at, &fresh);
        let l = l.clone();
        let mut effects = Vec::new();
        for n in news {
            let mut e =
                self.audit_scope()
                    .event(n.outcome, &l.request, &l.client_user_id, self.now);
            e.preset.clone_from(&l.preset);
            e.source = Source::Queue;
            e.queue = Some(l.queue_id.clone());
            e.token_fingerprint = Some(l.fingerprint.clone());
            e.language = Some(l.language.tag().to_string());
            e.provider = Some(n.slug.clone());
            e.error.clone_from(&n.error);
            effects.push(Effect::Audit(Box::new(e)));
            let who = sanitize(&l.client_user_id);
            if n.outcome == Outcome::Connected {
                self.queue_left.record(user_id, &n.slug);
                let name = l
                    .watch
                    .arrived
                    .iter()
                    .find(|a| a.slug == n.slug)
                    .map_or_else(|| n.slug.clone(), |a| a.name.clone());
                self.connected_later(&l, &name);
                self.toast(
                    Level::Success,
                    format!("Connected later: {who} ✓ {name}, through a link the queue left"),
                );
            } else {
                self.toast(n.level, format!("{who}: {}", n.text));
            }
        }
        effects
    }

    /// The queue that left `l` counts its patient as connected to `name`.
    fn connected_later(&mut self, l: &LeftLink, name: &str) {
        let Some(q) = self.queue.as_mut().filter(|q| q.id == l.queue_id) else {
            return;
        };
        if let Some(e) = q.entries.iter_mut().find(|e| e.user_id == l.user_id) {
            e.outcome = Some(QueueOutcome::Connected);
            if !e.providers.iter().any(|p| p == name) {
                e.providers.push(name.to_string());
            }
        }
    }

    /// How many links the running (or summarised) queue left for `user_id` are still out, and
    /// when the last of them expires.
    pub fn queue_link_out(&self, user_id: Uuid) -> Option<(usize, DateTime<Utc>)> {
        let q = self.queue.as_ref()?;
        self.queue_left.until(&q.id, user_id, self.now)
    }

    /// How many links the queue left are still out, and when the last of them expires.
    pub fn queue_links_out(&self) -> Option<(usize, DateTime<Utc>)> {
        let q = self.queue.as_ref()?;
        let out: Vec<_> = self.queue_left.out_of(&q.id, self.now).collect();
        let last = out.iter().map(|l| l.expires_at).max()?;
        Some((out.len(), last))
    }
}
