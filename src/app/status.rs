//! Every patient's onboarding status in the Patient pane: the audit log read off the loop
//! ([`Effect::LoadStatus`], at start and on `R`) into a [`Ledger`], one status byte per loaded
//! patient ([`StatusView`], computed once per read, per page for the patients it brings, and
//! again for one patient when a connection is seen or a link minted), the counts the pane's
//! title sums up, and `F`'s status filter (all → needs follow-up → connected → all), which
//! applies over the text filter's matches.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::patients::Connections;
use super::requests::{Pending, Task};
use super::roster::PatientRef;
use super::{App, Effect, Level};
use crate::audit::onboarding::{Code, Counts, Ledger};
use crate::audit::{Event, QA_CLIENT_USER_ID};

/// A patient's status code: `None` for the QA user of `presets check --live` (not a patient:
/// counted nowhere, shown only without a status filter).
pub fn code_of(
    ledger: &Ledger,
    connections: &Connections,
    u: &PatientRef<'_>,
    now: DateTime<Utc>,
) -> Option<Code> {
    (u.client_user_id != QA_CLIENT_USER_ID)
        .then(|| ledger.code_of(u.user_id, u.client_user_id, connections.linked(u), now))
}

/// `F`: which patients show, by onboarding status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    /// Unused, never linked, sign-in failed.
    FollowUp,
    Connected,
}

impl StatusFilter {
    /// The next in `F`'s cycle.
    #[must_use]
    pub fn next(self) -> StatusFilter {
        match self {
            StatusFilter::All => StatusFilter::FollowUp,
            StatusFilter::FollowUp => StatusFilter::Connected,
            StatusFilter::Connected => StatusFilter::All,
        }
    }

    pub fn keeps(self, c: Code) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::FollowUp => c.needs_follow_up(),
            StatusFilter::Connected => c == Code::Connected,
        }
    }

    /// The pane's title while it is on (instead of `Patient`); nothing for all.
    pub fn label(self) -> Option<&'static str> {
        match self {
            StatusFilter::All => None,
            StatusFilter::FollowUp => Some("To follow up"),
            StatusFilter::Connected => Some("Connected"),
        }
    }
}

/// The byte of a patient left out of the statuses (the QA user).
const LEFT_OUT: u8 = u8::MAX;

/// One status byte per roster position, their counts, and the rows the status filter keeps.
#[derive(Debug, Clone, Default)]
pub struct StatusView {
    codes: Vec<u8>,
    pub(super) counts: Counts,
    pub(super) filter: StatusFilter,
    /// The roster positions shown while a status filter is on (`None` when off).
    pub(super) rows: Option<Vec<u32>>,
}

impl StatusView {
    /// The code at roster position `i`; `None` for the QA user.
    pub(super) fn code(&self, i: usize) -> Option<Code> {
        match self.codes.get(i) {
            Some(&LEFT_OUT) => None,
            Some(&b) => Some(Code::from_u8(b)),
            None => Some(Code::NeverLinked),
        }
    }

    fn byte(c: Option<Code>) -> u8 {
        c.map_or(LEFT_OUT, |c| c as u8)
    }

    pub(super) fn clear(&mut self) {
        self.codes.clear();
        self.counts = Counts::default();
        self.rows = None;
    }

    pub(super) fn push(&mut self, c: Option<Code>) {
        self.codes.push(Self::byte(c));
        if let Some(c) = c {
            self.counts.add(c);
        }
    }

    pub(super) fn len(&self) -> usize {
        self.codes.len()
    }

    /// The patient at roster position `i` (the last, just loaded) joins the rows shown when the
    /// status filter keeps it.
    pub(super) fn take_in(&mut self, i: usize) {
        let f = self.filter;
        if self.code(i).is_some_and(|c| f.keeps(c))
            && let Some(rows) = &mut self.rows
        {
            rows.push(i as u32);
        }
    }

    pub(super) fn set(&mut self, i: usize, c: Option<Code>) {
        let Some(b) = self.codes.get_mut(i) else {
            return;
        };
        if *b != LEFT_OUT {
            self.counts.0[usize::from(*b)] -= 1;
        }
        *b = Self::byte(c);
        if let Some(c) = c {
            self.counts.add(c);
        }
    }

    pub(super) fn set_all(&mut self, codes: Vec<u8>) {
        let mut counts = Counts::default();
        for &b in codes.iter().filter(|&&b| b != LEFT_OUT) {
            counts.add(Code::from_u8(b));
        }
        self.codes = codes;
        self.counts = counts;
    }

    /// The rows the filter keeps of `base` (the text filter's matches; every position below
    /// `len` when `None`), in the same order.
    pub(super) fn refilter(&mut self, base: Option<&[u32]>, len: usize) {
        if self.filter == StatusFilter::All {
            self.rows = None;
            return;
        }
        let f = self.filter;
        let keep = |i: u32| self.code(i as usize).is_some_and(|c| f.keeps(c));
        self.rows = Some(match base {
            Some(b) => b.iter().copied().filter(|&i| keep(i)).collect(),
            None => (0..len as u32).filter(|&i| keep(i)).collect(),
        });
    }

    /// Bytes held (for the memory figures).
    pub fn heap_bytes(&self) -> usize {
        self.codes.capacity() + self.rows.as_ref().map_or(0, |r| r.capacity() * 4)
    }
}

/// The audit log as the pane knows it: its ledger, when it was last read, and the next moment
/// a link out expires.
#[derive(Debug, Clone, Default)]
pub struct StatusSource {
    pub ledger: Ledger,
    /// Why the log could not be read, when it could not.
    pub error: Option<String>,
    /// The clock the codes were computed at.
    pub(super) at: Option<DateTime<Utc>>,
    /// When the soonest link out expires (the codes are computed again then).
    pub(super) next_expiry: Option<DateTime<Utc>>,
    /// When a link out's countdown next reads a minute less (the pane is drawn again then).
    pub(super) next_countdown: Option<DateTime<Utc>>,
}

impl App {
    /// Reads this desk's links off the loop (at start, on `R`); a read still running is
    /// superseded.
    pub(super) fn load_status(&mut self) -> Vec<Effect> {
        let mut effects = self.requests.cancel_all(Task::LoadStatus);
        let id = self.requests.start(Pending::Status);
        effects.push(Effect::LoadStatus {
            id,
            here: self.audit_scope(),
        });
        effects
    }

    /// The log was read: every loaded patient's status again.
    pub(super) fn on_status_loaded(&mut self, result: Result<Ledger, String>) {
        match result {
            Ok(ledger) => {
                self.patients.status.ledger = ledger;
                self.patients.status.error = None;
            }
            Err(e) => {
                self.patients.status.error = Some(e.clone());
                self.toast(
                    Level::Warning,
                    format!(
                        "The audit log could not be read ({e}): link statuses may be out of date"
                    ),
                );
            }
        }
        self.recompute_status();
    }

    /// Every loaded patient's code, at the current clock (one pass; a million patients cost a
    /// hash lookup each, and only when the log has links).
    pub(super) fn recompute_status(&mut self) {
        let now = self.now;
        let p = &self.patients;
        let codes: Vec<u8> = p
            .list
            .items()
            .iter()
            .map(|u| StatusView::byte(code_of(&p.status.ledger, &p.connections, &u, now)))
            .collect();
        self.patients.list.set_codes(codes);
        self.patients.status.at = Some(now);
        self.patients.status.next_expiry = self.patients.status.ledger.next_expiry(now);
        self.patients.status.next_countdown = self.patients.status.ledger.next_countdown(now);
    }

    /// One patient's code again (a connection seen, a link from this console).
    pub(super) fn refresh_status_of(&mut self, user_id: Uuid) {
        let Some(i) = self.patients.index_of(user_id) else {
            return;
        };
        let p = &self.patients;
        let u = p.list.items().get_ref(i);
        let code = code_of(&p.status.ledger, &p.connections, &u, self.now);
        self.patients.list.set_code(i, code);
        let ledger = &self.patients.status.ledger;
        self.patients.status.next_expiry = ledger.next_expiry(self.now);
        self.patients.status.next_countdown = ledger.next_countdown(self.now);
    }

    /// The rows this console writes to the audit log go into the ledger too, so the pane
    /// follows at once (a mint shows `link out`, a connection `✓`).
    pub(super) fn note_audit(&mut self, effects: &[Effect]) {
        let ids: Vec<Uuid> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Audit(event) => {
                    let event: &Event = event;
                    self.patients.status.ledger.record(event);
                    event.user_id
                }
                _ => None,
            })
            .collect();
        for id in ids {
            self.refresh_status_of(id);
        }
    }

    /// At a tick: a link out expired, so its patient is `unused` now; a countdown reached a
    /// whole minute, so the next one is asked for (the frame after the tick draws it from the
    /// clock).
    pub(super) fn expire_status(&mut self, now: DateTime<Utc>) {
        if self.patients.status.next_expiry.is_some_and(|t| t <= now) {
            self.recompute_status();
        } else if self
            .patients
            .status
            .next_countdown
            .is_some_and(|t| t <= now)
        {
            self.patients.status.next_countdown = self.patients.status.ledger.next_countdown(now);
        }
    }

    /// How long until a link out shown in the Patient pane reads a minute less (never sooner
    /// than a second: many links out do not make the loop spin).
    pub(super) fn countdown_deadline(&self, now: DateTime<Utc>) -> Option<std::time::Duration> {
        let status = &self.patients.status;
        if self.patients.list.counts().get(Code::LinkOut) == 0 {
            return None;
        }
        status.next_countdown.map(|t| {
            (t - now)
                .to_std()
                .unwrap_or_default()
                .max(std::time::Duration::from_secs(1))
        })
    }

    /// `F`: the next status filter (all → needs follow-up → connected → all).
    pub(super) fn cycle_status_filter(&mut self) {
        let next = self.patients.list.status_filter().next();
        self.patients.list.set_status_filter(next);
        self.keep_cursors_visible();
        let text = match next {
            StatusFilter::FollowUp => {
                "Showing the patients to follow up (unused, never linked, sign-in failed): F for the next"
            }
            StatusFilter::Connected => "Showing the connected patients: F for the next",
            StatusFilter::All => "Showing every patient (F filters by status)",
        };
        self.toast(Level::Info, text);
    }
}
