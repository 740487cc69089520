//! Each patient's onboarding status, derived purely from this machine's audit log (the links
//! minted against the current host, without `presets check --live`'s) together with the
//! connections the API lists: connected (from the API for everyone, or seen here; a connection
//! a check found in error is not counted, and when none works the patient should connect
//! again), a link out, a link that expired unused, a sign-in that failed, or never linked from
//! this desk.
//!
//! [`Ledger`] holds, for each patient the log knows, the newest link and what became of it; it
//! is built once per read of the log ([`Ledger::from_events`], linear in the rows) and kept up to
//! date with the rows the console writes ([`Ledger::record`]). [`Ledger::code`] gives the
//! compact one-byte [`Code`] the console keeps per patient (a million patients: a megabyte),
//! and [`Ledger::status`] the full [`Status`] of one patient for drawing or printing.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{Event, Outcome, QA_CLIENT_USER_ID, Scope, Source};
use crate::link::LIFETIME_MINUTES;

/// The providers the API lists for a patient: `ok` connected, `broken` those a check of the
/// patient (`GET /v2/user/providers/{user_id}`) found in another status (`error`: the sign-in
/// stopped working). The user list gives no status: its providers are all `ok` until a check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Providers<'a> {
    pub ok: Vec<&'a str>,
    pub broken: Vec<&'a str>,
}

impl<'a> Providers<'a> {
    /// A check's connections (`GET /v2/user/providers/{user_id}`): the connected ones `ok`,
    /// the others (`error`: the sign-in stopped working) `broken`.
    pub fn checked(list: &'a [crate::api::ConnectedProvider]) -> Providers<'a> {
        let (ok, broken): (Vec<_>, Vec<_>) = list
            .iter()
            .partition(|c| c.status == crate::api::ConnectionStatus::Connected);
        Providers {
            ok: ok.iter().map(|c| c.slug.as_str()).collect(),
            broken: broken.iter().map(|c| c.slug.as_str()).collect(),
        }
    }

    /// The user list's providers, all `ok` (the list gives no status).
    pub fn listed(slugs: Vec<&'a str>) -> Providers<'a> {
        Providers {
            ok: slugs,
            broken: Vec::new(),
        }
    }
}

/// What the API's connections make of a patient, as [`Providers`] without the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// No connection listed.
    None,
    /// At least one connected.
    Connected,
    /// Connections listed, none connected.
    Broken,
}

/// One patient's onboarding status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Connected: `ok`, the providers connected (from the API, or seen connecting through a
    /// link from this desk; empty when the API says only "connected"), and `broken`, those a
    /// check found not connected any more (status `error`: the sign-in stopped working, or
    /// another status than `connected`). At least one is connected.
    Connected {
        ok: Vec<String>,
        broken: Vec<String>,
    },
    /// Every connection the API lists is broken (a check found none connected): the patient
    /// should connect again. Counted with the failed sign-ins ([`Code::SignInFailed`]).
    ConnectAgain(Vec<String>),
    /// A link from this desk is out and can still be used.
    LinkOut { expires_at: DateTime<Utc> },
    /// The newest link from this desk expired without a connection.
    Unused { expired_at: DateTime<Utc> },
    /// The watcher saw the provider's sign-in fail on the newest link.
    SignInFailed,
    /// No link from this desk, and no connection.
    NeverLinked,
}

/// The status as one byte: what the console keeps per patient and filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Code {
    Connected = 0,
    LinkOut = 1,
    Unused = 2,
    SignInFailed = 3,
    NeverLinked = 4,
}

impl Code {
    /// Every code, in the order the summary names them.
    pub const ALL: [Code; 5] = [
        Code::Connected,
        Code::LinkOut,
        Code::Unused,
        Code::SignInFailed,
        Code::NeverLinked,
    ];

    /// The code a byte holds (an unknown byte reads as never linked).
    pub fn from_u8(b: u8) -> Code {
        Code::ALL
            .get(usize::from(b))
            .copied()
            .unwrap_or(Code::NeverLinked)
    }

    /// Whether staff should follow the patient up: a link unused, never linked, sign-in failed.
    pub fn needs_follow_up(self) -> bool {
        matches!(self, Code::Unused | Code::NeverLinked | Code::SignInFailed)
    }

    /// The machine-readable name (`--json`, `--csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Connected => "connected",
            Code::LinkOut => "link_out",
            Code::Unused => "unused",
            Code::SignInFailed => "sign_in_failed",
            Code::NeverLinked => "never_linked",
        }
    }
}

impl Status {
    pub fn code(&self) -> Code {
        match self {
            Status::Connected { .. } => Code::Connected,
            Status::LinkOut { .. } => Code::LinkOut,
            Status::Unused { .. } => Code::Unused,
            Status::SignInFailed | Status::ConnectAgain(_) => Code::SignInFailed,
            Status::NeverLinked => Code::NeverLinked,
        }
    }

    /// In words: `✓ oura, fitbit`, `✓ oura · ✗ fitbit` (fitbit's sign-in stopped working),
    /// `✗ fitbit: connect again`, `link out · 12 min left` (`under 1 min` in the last minute),
    /// `unused (expired 10:41)` (a clock time in the staff's time zone `tz`), `sign-in failed`,
    /// `never linked`. Provider slugs come from the network: the caller sanitizes before output.
    pub fn text(&self, now: DateTime<Utc>, tz: FixedOffset) -> String {
        match self {
            Status::Connected { ok, broken } => {
                let mut s = if ok.is_empty() {
                    "✓ connected".to_string()
                } else {
                    format!("✓ {}", ok.join(", "))
                };
                if !broken.is_empty() {
                    s.push_str(&format!(" · ✗ {}", broken.join(", ")));
                }
                s
            }
            Status::ConnectAgain(broken) => format!("✗ {}: connect again", broken.join(", ")),
            Status::LinkOut { expires_at } => {
                format!("link out · {} left", minutes_left(*expires_at, now))
            }
            Status::Unused { expired_at } => {
                format!("unused (expired {})", clock(*expired_at, now, tz))
            }
            Status::SignInFailed => "sign-in failed".into(),
            Status::NeverLinked => "never linked".into(),
        }
    }

    /// The short form for a narrow column: `✓ oura +1`, `✓ oura +1✗` (one more, broken),
    /// `✗ connect again`, `link out 12 min`, `unused 10:41`, `sign-in failed`, `never linked`
    /// (16 columns at most, but for a long provider slug).
    pub fn short(&self, now: DateTime<Utc>, tz: FixedOffset) -> String {
        match self {
            Status::Connected { ok, broken } if ok.len() > 1 || !broken.is_empty() => {
                let mut s = ok
                    .first()
                    .map_or_else(|| "✓ connected".to_string(), |p| format!("✓ {p}"));
                if ok.len() > 1 {
                    s.push_str(&format!(" +{}", ok.len() - 1));
                }
                if !broken.is_empty() {
                    s.push_str(&format!(" +{}✗", broken.len()));
                }
                s
            }
            Status::ConnectAgain(_) => "✗ connect again".into(),
            Status::LinkOut { expires_at } => {
                format!("link out {}", minutes_left(*expires_at, now))
            }
            Status::Unused { expired_at } => format!("unused {}", clock(*expired_at, now, tz)),
            other => other.text(now, tz),
        }
    }
}

/// The time left in whole minutes as every view counts them
/// ([`crate::link::patient_text::whole_minutes`], rounded down: `12 min`), `under 1 min` in
/// the last minute. It changes each time the time left falls below a whole minute
/// ([`Ledger::next_countdown`]).
fn minutes_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (expires_at - now).to_std().unwrap_or_default();
    match crate::link::patient_text::whole_minutes(left) {
        0 => "under 1 min".into(),
        m => format!("{m} min"),
    }
}

/// A clock time in `tz`: `10:41` today, `11-24 10:41` on another day.
fn clock(at: DateTime<Utc>, now: DateTime<Utc>, tz: FixedOffset) -> String {
    let local = at.with_timezone(&tz);
    if local.date_naive() == now.with_timezone(&tz).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%m-%d %H:%M").to_string()
    }
}

/// What the log says of one patient: the newest link from this desk and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastLink {
    pub user_id: Option<Uuid>,
    pub client_user_id: String,
    pub minted_at: DateTime<Utc>,
    /// When it expires: as the log recorded it from the API's answer, else (rows before schema
    /// 5) [`LIFETIME_MINUTES`] after the mint.
    #[serde(skip)]
    expires_at: DateTime<Utc>,
    /// The direct provider it opened, if it opened one.
    pub provider: Option<String>,
    /// The providers it offered, if it offered a list.
    pub allowlist: Option<Vec<String>>,
    /// What it allowed, in words ([`Event::allowed`] of its minted row).
    #[serde(skip)]
    allowed: String,
    /// Its fingerprint (`sha256:…`; never the token).
    #[serde(skip)]
    fingerprint: Option<String>,
    /// The newest outcome after the mint (`minted` when nothing came after).
    pub last_outcome: Outcome,
    /// Whether the watcher saw an error status on it.
    pub sign_in_failed: bool,
    /// Whether the log recorded its expiry.
    expired: bool,
    /// Providers seen connecting through any link of this patient from this desk.
    pub connected: Vec<String>,
}

impl LastLink {
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// What it allowed, in the one wording of the log's readers ([`Event::allowed`]: `app
    /// code`, `direct oura`, `oura,fitbit`, `all`), as `history` and its CSV say it.
    pub fn allowed(&self) -> String {
        self.allowed.clone()
    }

    /// Its status before the API's connections count: connected here, a sign-in that failed,
    /// expired unused, or out.
    fn status(&self, now: DateTime<Utc>) -> Status {
        if !self.connected.is_empty() {
            Status::Connected {
                ok: self.connected.clone(),
                broken: Vec::new(),
            }
        } else if self.sign_in_failed {
            Status::SignInFailed
        } else if self.expired || now >= self.expires_at() {
            Status::Unused {
                expired_at: self.expires_at(),
            }
        } else {
            Status::LinkOut {
                expires_at: self.expires_at(),
            }
        }
    }
}

/// A patient as the log knows it: by `user_id` (rows since it was recorded), else by
/// `client_user_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User(Uuid),
    Client(String),
}

/// Each patient's newest link from this desk (this host and environment, without the QA
/// check's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    here: Option<Scope>,
    links: HashMap<Key, LastLink>,
    /// The patient each fingerprint was minted for.
    by_fingerprint: HashMap<String, Key>,
}

impl Ledger {
    /// An empty ledger for the host and environment of `here`.
    pub fn new(here: &Scope) -> Ledger {
        Ledger {
            here: Some(here.clone()),
            ..Ledger::default()
        }
    }

    /// The ledger of `events` (oldest first, as [`super::Store::events`] reads them) written
    /// against the host and environment of `here`. Linear in the rows.
    pub fn from_events(events: &[Event], here: &Scope) -> Ledger {
        let mut ledger = Ledger::new(here);
        for e in events {
            ledger.record(e);
        }
        ledger
    }

    /// Takes one row in (a row the log held, or one the console just wrote).
    pub fn record(&mut self, e: &Event) {
        if self.here.as_ref().is_some_and(|h| !h.is_here(e))
            || e.source == Source::Check
            || e.client_user_id == QA_CLIENT_USER_ID
        {
            return;
        }
        if e.outcome == Outcome::Minted {
            self.minted(e);
            return;
        }
        let Some(key) = e
            .token_fingerprint
            .as_ref()
            .and_then(|f| self.by_fingerprint.get(f))
        else {
            return;
        };
        let Some(link) = self.links.get_mut(key) else {
            return;
        };
        // A connection through an older link of the patient still counts.
        if e.outcome == Outcome::Connected
            && let Some(p) = &e.provider
            && !link.connected.contains(p)
        {
            link.connected.push(p.clone());
        }
        if link.fingerprint != e.token_fingerprint {
            return;
        }
        link.last_outcome = e.outcome;
        match e.outcome {
            Outcome::ConnectionError => link.sign_in_failed = true,
            Outcome::Expired => link.expired = true,
            _ => {}
        }
    }

    fn minted(&mut self, e: &Event) {
        let key = e
            .user_id
            .map_or_else(|| Key::Client(e.client_user_id.clone()), Key::User);
        let connected = self
            .links
            .remove(&key)
            .map(|old| old.connected)
            .unwrap_or_default();
        if let Some(f) = &e.token_fingerprint {
            self.by_fingerprint.insert(f.clone(), key.clone());
        }
        self.links.insert(
            key,
            LastLink {
                user_id: e.user_id,
                client_user_id: e.client_user_id.clone(),
                minted_at: e.time,
                expires_at: e
                    .expires_at
                    .unwrap_or(e.time + Duration::minutes(LIFETIME_MINUTES)),
                provider: e.provider.clone(),
                allowlist: e.allowlist.clone(),
                allowed: e.allowed(),
                fingerprint: e.token_fingerprint.clone(),
                last_outcome: Outcome::Minted,
                sign_in_failed: false,
                expired: false,
                connected,
            },
        );
    }

    /// How many patients the log has a link for.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The newest link for the patient `user_id` / `client_user_id`, if this desk sent one.
    pub fn last(&self, user_id: Uuid, client_user_id: &str) -> Option<&LastLink> {
        if self.links.is_empty() {
            return None;
        }
        self.links.get(&Key::User(user_id)).or_else(|| {
            self.links
                .get(&Key::Client(client_user_id.to_string()))
                .filter(|l| l.user_id.is_none())
        })
    }

    /// Every patient's newest link, in no particular order.
    pub fn links(&self) -> impl Iterator<Item = &LastLink> {
        self.links.values()
    }

    /// A patient's status when the API lists `connected` (the slugs the user list gave, every
    /// one taken as connected): [`Self::status_of`] with none broken.
    pub fn status(
        &self,
        user_id: Uuid,
        client_user_id: &str,
        connected: &[&str],
        now: DateTime<Utc>,
    ) -> Status {
        let providers = Providers {
            ok: connected.to_vec(),
            broken: Vec::new(),
        };
        self.status_of(user_id, client_user_id, &providers, now)
    }

    /// A patient's status, the one rule: a provider the API lists connected (`providers.ok`)
    /// makes the patient connected, whatever the log says (those a check found broken are
    /// named beside it); when every listed provider is broken, the patient should connect
    /// again; else what became of the newest link from here.
    pub fn status_of(
        &self,
        user_id: Uuid,
        client_user_id: &str,
        providers: &Providers<'_>,
        now: DateTime<Utc>,
    ) -> Status {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        if !providers.ok.is_empty() {
            return Status::Connected {
                ok: owned(&providers.ok),
                broken: owned(&providers.broken),
            };
        }
        if !providers.broken.is_empty() {
            return Status::ConnectAgain(owned(&providers.broken));
        }
        self.last(user_id, client_user_id)
            .map_or(Status::NeverLinked, |l| l.status(now))
    }

    /// [`Self::status`] as its code, without building the text (for a million patients):
    /// `connected` says whether the API lists a connection, taken as connected.
    pub fn code(
        &self,
        user_id: Uuid,
        client_user_id: &str,
        connected: bool,
        now: DateTime<Utc>,
    ) -> Code {
        let linked = if connected {
            Linked::Connected
        } else {
            Linked::None
        };
        self.code_of(user_id, client_user_id, linked, now)
    }

    /// [`Self::status_of`] as its code, without building the text.
    pub fn code_of(
        &self,
        user_id: Uuid,
        client_user_id: &str,
        linked: Linked,
        now: DateTime<Utc>,
    ) -> Code {
        match linked {
            Linked::Connected => Code::Connected,
            Linked::Broken => Code::SignInFailed,
            Linked::None => self
                .last(user_id, client_user_id)
                .map_or(Code::NeverLinked, |l| l.status(now).code()),
        }
    }

    /// The soonest moment after `now` when a link out expires (a patient's code then changes
    /// from link out to unused).
    pub fn next_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.links
            .values()
            .filter(|l| l.connected.is_empty() && !l.sign_in_failed && !l.expired)
            .map(LastLink::expires_at)
            .filter(|t| *t > now)
            .min()
    }

    /// The soonest moment after `now` when a link out's countdown (`N min left`) reads one
    /// minute less; linear in the links (asked once per such moment, not per key).
    pub fn next_countdown(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.links
            .values()
            .filter(|l| l.connected.is_empty() && !l.sign_in_failed && !l.expired)
            .filter_map(|l| next_minute_left(l.expires_at(), now))
            .min()
    }
}

/// The next moment after `now` when the time left on a link out falls below a whole minute, so
/// its `link out · N min left` reads one less (the last minute's change is its expiry).
fn next_minute_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let left = (expires_at - now).num_milliseconds();
    (left >= 60_000).then(|| now + Duration::milliseconds(left % 60_000 + 1))
}

/// How many patients have each code (indexed by the code's byte).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [usize; 5]);

impl Counts {
    pub fn add(&mut self, c: Code) {
        self.0[c as usize] += 1;
    }

    pub fn get(&self, c: Code) -> usize {
        self.0[c as usize]
    }

    /// `Connected 34 · link out 3 · unused 9 · never 4` (a failed sign-in count shows when
    /// there is one, link out and unused too); `short` gives `✓ 34 · out 3 · unused 9 · never 4`.
    pub fn summary(&self, short: bool) -> String {
        let mut parts = vec![if short {
            format!("✓ {}", crate::text::thousands(self.get(Code::Connected)))
        } else {
            format!(
                "Connected {}",
                crate::text::thousands(self.get(Code::Connected))
            )
        }];
        for (code, long, brief) in [
            (Code::LinkOut, "link out", "out"),
            (Code::Unused, "unused", "unused"),
            (Code::SignInFailed, "failed", "failed"),
            (Code::NeverLinked, "never", "never"),
        ] {
            let n = self.get(code);
            if n > 0 || code == Code::NeverLinked {
                let word = if short { brief } else { long };
                parts.push(format!("{word} {}", crate::text::thousands(n)));
            }
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
#[path = "onboarding_tests.rs"]
mod tests;
