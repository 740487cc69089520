//! The onboarding-day queue: patients in order, each minted, shown and watched in turn; when one
//! connects the next follows after a short countdown with no key pressed. This file holds the
//! pure state machine ([`Queue`]); `run.rs` wires it into the console (the mint path, the
//! watcher, the ticks, the keys), `marks.rs` builds it from marks in the Patient pane.
//!
//! Every transition answers a [`Step`]: what the console should do next (mint for a patient,
//! take the link off the screen, nothing).

pub mod left;
pub mod marks;
pub mod preview;
mod run;

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU16, Ordering};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::{QueueEnd, QueueRun, Scope};
use crate::link::LinkOptions;

/// The wait between a connection and the next patient's link.
pub const COUNTDOWN_SECS: i64 = 5;

/// A new queue's id: when it started, to the second, and four hex digits that tell apart
/// queues started in the same second (`q-20261205-095012-3f9a`): this console's from one another
/// always (they count on from a random start), two consoles' on one shared log but by a 1 in
/// 65,536 chance.
pub fn queue_id(now: DateTime<Utc>) -> String {
    static NEXT: LazyLock<AtomicU16> = LazyLock::new(|| AtomicU16::new(rand::random()));
    let tag = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("q-{}-{tag:04x}", now.format("%Y%m%d-%H%M%S"))
}

/// What became of one patient of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Connected,
    Skipped,
    /// The link expired unused.
    Unused,
    /// The mint failed, and why.
    Failed(String),
    /// Their link was shown (or being minted) when the queue left them (`b`) or stopped (`x`),
    /// and nothing became of it.
    NotFinished,
}

/// The outcomes' labels in the order the summary and the totals give them ("not reached": the
/// queue never came to the patient).
pub const LABELS: [&str; 6] = crate::audit::QUEUE_OUTCOMES;

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Connected => "connected",
            Outcome::Skipped => "skipped",
            Outcome::Unused => "unused",
            Outcome::Failed(_) => "failed",
            Outcome::NotFinished => "not finished",
        }
    }

    /// Whether it was the queue leaving the patient, not something that happened to them.
    fn is_weak(&self) -> bool {
        matches!(self, Outcome::Skipped | Outcome::NotFinished)
    }
}

/// One patient of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub user_id: Uuid,
    pub client_user_id: String,
    /// `None` until the queue is done with this patient. A new link for them (`b`, `r`) is a
    /// new attempt that keeps it until it has a result of its own: one who connected stays
    /// connected.
    pub outcome: Option<Outcome>,
    /// The providers they connected (the names, as the link's view gives them).
    pub providers: Vec<String>,
}

/// Why the queue waits for the staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The link expired unused.
    Expired,
    /// The mint failed, and why.
    MintFailed(String),
}

/// Where the queue is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The current patient's link is being minted.
    Minting,
    /// The current patient's link is on screen, watched.
    Showing,
    /// The current patient connected: the next follows at `next_at` unless held (or paused).
    Connected { next_at: DateTime<Utc>, held: bool },
    /// Waiting for the staff (`r` mints again, `n` skips).
    Waiting(Wait),
    /// Every patient done, or stopped: the summary shows.
    Done,
}

/// The view asked for between patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// None: the configured view (`queue_view`).
    Configured,
    /// The staff's (any key in the waiting screen, the staff's link view when the link left, a
    /// staff key that moved the queue on); the countdown moving on by itself ends it at once
    /// ("Please wait" while minting).
    Staff,
    /// `K`: the patient-facing screen for that moment only ("Please wait", or the patient's
    /// confirmation), whatever the configured view.
    Patient,
}

/// What the console does after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Nothing,
    /// Mint for this patient (the link shown before leaves the screen).
    Mint(Uuid),
    /// The current link leaves the screen (connected, expired, failed).
    Leave,
    /// The queue is over: the summary shows.
    Done,
}

/// The queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// The id every audit row of this queue carries.
    pub id: String,
    pub entries: Vec<Entry>,
    pub current: usize,
    pub phase: Phase,
    /// Paused: a connection does not move on until resumed.
    pub paused: bool,
    /// The link settings every mint of the queue uses.
    pub options: LinkOptions,
    /// The preset or the allowlist, as the start question named it.
    pub label: String,
    /// Each new link shows in the patient-facing view (`queue_view = "patient"`, the default);
    /// any key in it returns to the staff view.
    pub patient_facing: bool,
    /// The view asked for between patients, until the next link shows (which starts in the
    /// configured view whatever moved the queue on).
    pub asked: Asked,
    /// What the patient who just connected connected (the names, in their link's language):
    /// the patient-facing view confirms it during the countdown, as the link's own view does.
    pub confirmation: Option<(crate::i18n::Language, Vec<String>)>,
    pub started_at: DateTime<Utc>,
    pub operator: String,
    /// The preset its links are minted with, if one was chosen (for the audit log's summary).
    pub preset: Option<String>,
    /// How it ended (`None` while it runs).
    pub end: Option<QueueEnd>,
    /// When it ended (`None` while it runs).
    pub ended_at: Option<DateTime<Utc>>,
}

impl Queue {
    /// A queue of `entries` (not empty) started at `now`; its first mint is [`Queue::begin`].
    pub fn new(
        entries: Vec<(Uuid, String)>,
        options: LinkOptions,
        label: String,
        now: DateTime<Utc>,
        operator: String,
    ) -> Queue {
        Queue {
            id: queue_id(now),
            entries: entries
                .into_iter()
                .map(|(user_id, client_user_id)| Entry {
                    user_id,
                    client_user_id,
                    outcome: None,
                    providers: Vec::new(),
                })
                .collect(),
            current: 0,
            phase: Phase::Minting,
            paused: false,
            options,
            label,
            patient_facing: true,
            asked: Asked::Configured,
            confirmation: None,
            started_at: now,
            operator,
            preset: None,
            end: None,
            ended_at: None,
        }
    }

    /// The first mint.
    pub fn begin(&mut self) -> Step {
        self.mint_current()
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The patient whose turn it is (none once done).
    pub fn current_entry(&self) -> Option<&Entry> {
        if self.is_done() {
            return None;
        }
        self.entries.get(self.current)
    }

    /// Whether `user_id` is the patient whose turn it is.
    pub fn is_current(&self, user_id: Uuid) -> bool {
        self.current_entry().is_some_and(|e| e.user_id == user_id)
    }

    fn mint_current(&mut self) -> Step {
        match self.entries.get(self.current) {
            Some(e) => {
                self.phase = Phase::Minting;
                self.confirmation = None;
                Step::Mint(e.user_id)
            }
            None => self.finish(),
        }
    }

    fn finish(&mut self) -> Step {
        self.phase = Phase::Done;
        self.end.get_or_insert(QueueEnd::Finished);
        Step::Done
    }

    /// Records what became of the current patient: a connection is never undone, and the
    /// queue leaving them (skipped, not finished) does not hide a real result (unused, failed).
    fn set_current(&mut self, outcome: Outcome) {
        let Some(e) = self.entries.get_mut(self.current) else {
            return;
        };
        let keep = match &e.outcome {
            None => false,
            Some(Outcome::Connected) => true,
            Some(old) => outcome.is_weak() && !old.is_weak(),
        };
        if !keep {
            e.outcome = Some(outcome);
        }
    }

    /// The mint for `user_id` answered with a link.
    pub fn minted(&mut self, user_id: Uuid) -> bool {
        let ours = self.is_current(user_id) && self.phase == Phase::Minting;
        if ours {
            self.phase = Phase::Showing;
            // The staff's view (or `K`'s patient-facing one) was for the wait, not for this link.
            self.asked = Asked::Configured;
        }
        ours
    }

    /// The mint for `user_id` failed with `reason`: the queue waits for the staff.
    pub fn mint_failed(&mut self, user_id: Uuid, reason: &str) -> Step {
        if !self.is_current(user_id) || self.phase != Phase::Minting {
            return Step::Nothing;
        }
        self.set_current(Outcome::Failed(reason.to_string()));
        self.phase = Phase::Waiting(Wait::MintFailed(reason.to_string()));
        Step::Leave
    }

    /// `user_id` connected at `now`; a connection of anyone but the patient shown is ignored.
    pub fn connected(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Step {
        if !self.is_current(user_id) || self.phase != Phase::Showing {
            return Step::Nothing;
        }
        self.set_current(Outcome::Connected);
        self.phase = Phase::Connected {
            next_at: now + chrono::Duration::seconds(COUNTDOWN_SECS),
            held: false,
        };
        Step::Leave
    }

    /// The link of `user_id` expired unused: the queue waits for the staff.
    pub fn expired(&mut self, user_id: Uuid) -> Step {
        if !self.is_current(user_id) || self.phase != Phase::Showing {
            return Step::Nothing;
        }
        self.set_current(Outcome::Unused);
        self.phase = Phase::Waiting(Wait::Expired);
        Step::Leave
    }

    /// A tick at `now`: the countdown ends (unless held or paused).
    pub fn tick(&mut self, now: DateTime<Utc>) -> Step {
        match self.phase {
            Phase::Connected { next_at, held } if !held && !self.paused && now >= next_at => {
                // No key moved it on: the next patient may be the one looking.
                if self.asked == Asked::Staff {
                    self.asked = Asked::Configured;
                }
                self.advance()
            }
            _ => Step::Nothing,
        }
    }

    /// On to the next patient (or the end).
    fn advance(&mut self) -> Step {
        self.current += 1;
        self.mint_current()
    }

    /// Skip the current patient (one who connected stays connected).
    pub fn skip(&mut self) -> Step {
        if self.is_done() {
            return Step::Nothing;
        }
        if matches!(self.phase, Phase::Minting | Phase::Showing) {
            self.set_current(Outcome::Skipped);
        }
        self.advance()
    }

    /// Back to the previous patient, whose link is minted again.
    pub fn back(&mut self) -> Step {
        if self.is_done() || self.current == 0 {
            return Step::Nothing;
        }
        if self.phase == Phase::Showing {
            // The patient whose link was shown is left: not finished (a result they had
            // before stays), and reached again on the way forward.
            self.set_current(Outcome::NotFinished);
        }
        self.current -= 1;
        self.mint_current()
    }

    /// `r`: the current patient's link again (not once they connected: their countdown stays).
    pub fn mint_again(&mut self) -> Step {
        if self.is_done() || matches!(self.phase, Phase::Connected { .. }) {
            return Step::Nothing;
        }
        self.mint_current()
    }

    /// Hold the countdown (again: go on, the countdown starting over).
    pub fn hold(&mut self, now: DateTime<Utc>) -> bool {
        match &mut self.phase {
            Phase::Connected { next_at, held } => {
                *held = !*held;
                if !*held {
                    *next_at = now + chrono::Duration::seconds(COUNTDOWN_SECS);
                }
                true
            }
            _ => false,
        }
    }

    /// Pause (again: resume): while paused, a connection does not move on.
    pub fn pause(&mut self, now: DateTime<Utc>) {
        if self.is_done() {
            return;
        }
        self.paused = !self.paused;
        if let Phase::Connected { next_at, .. } = &mut self.phase
            && !self.paused
        {
            *next_at = now + chrono::Duration::seconds(COUNTDOWN_SECS);
        }
    }

    /// Stop: the current patient, if their turn was under way, is not finished; the rest are
    /// not reached. The summary shows.
    pub fn stop(&mut self) -> Step {
        if self.is_done() {
            return Step::Nothing;
        }
        if matches!(self.phase, Phase::Minting | Phase::Showing) {
            self.set_current(Outcome::NotFinished);
        }
        self.end.get_or_insert(QueueEnd::Stopped);
        self.finish()
    }

    /// Seconds left of the countdown at `now`.
    pub fn countdown(&self, now: DateTime<Utc>) -> Option<i64> {
        match self.phase {
            Phase::Connected { next_at, .. } => {
                let ms = (next_at - now).num_milliseconds().max(0);
                Some((ms + 999) / 1000)
            }
            _ => None,
        }
    }

    /// Patients with each outcome, in queue order.
    pub fn with(&self, label: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.outcome.as_ref().map_or("not reached", Outcome::label) == label)
            .collect()
    }

    /// How many patients have each outcome, in [`LABELS`] order; the outcomes no patient has
    /// are left out, except "connected".
    pub fn totals(&self) -> Vec<(&'static str, usize)> {
        LABELS
            .iter()
            .map(|&label| (label, self.with(label).len()))
            .filter(|&(label, n)| n > 0 || label == "connected")
            .collect()
    }

    /// The totals in one phrase: "2 connected, 1 not finished, 1 not reached".
    pub fn totals_text(&self) -> String {
        self.totals()
            .iter()
            .map(|(label, n)| format!("{n} {label}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The summary the audit log keeps once the queue is done (each patient once, under the
    /// outcome the summary on screen gives them), written at `scope`'s host at `now`.
    pub fn audit_summary(&self, scope: &Scope, now: DateTime<Utc>) -> QueueRun {
        let mut run = QueueRun::new(&self.id, scope, self.started_at);
        run.ended_at = now;
        run.operator.clone_from(&self.operator);
        run.preset.clone_from(&self.preset);
        let request = self.options.request(Uuid::nil());
        run.allowed = scope
            .event(crate::audit::Outcome::Minted, &request, "", now)
            .allowed();
        run.end = self.end.unwrap_or(QueueEnd::Stopped);
        for e in &self.entries {
            let label = e.outcome.as_ref().map_or("not reached", Outcome::label);
            run.add(label, &e.client_user_id);
        }
        run
    }

    /// Whether the queue has patients left to do (quitting asks first).
    pub fn in_progress(&self) -> bool {
        !self.is_done()
    }
}

/// "The 1 patient is already connected", "All 3 patients are already connected".
pub fn all_connected(n: usize) -> String {
    if n == 1 {
        "The marked patient is already connected".into()
    } else {
        format!(
            "All {} marked patients are already connected",
            crate::text::thousands(n)
        )
    }
}

/// The y/N questions of the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// Start the queue of the marked patients (or the file's).
    Start {
        /// The patients it can take, the already connected among them included.
        patients: usize,
        /// How many of them are already connected: left out unless `i` includes them.
        connected: usize,
        include_connected: bool,
        label: String,
        production: bool,
    },
    /// Stop the queue in the middle.
    Stop,
    /// Quit in the middle of the queue.
    Quit,
    /// Mark every match (more than [`marks::ASK_ABOVE`]).
    MarkAll { count: usize },
    /// Create the ids of the queue file no patient has (`personal` of them look like an email
    /// address or a phone number).
    CreateNew { count: usize, personal: usize },
}

impl Ask {
    pub fn question(&self) -> String {
        match self {
            Ask::Start {
                connected,
                include_connected,
                label,
                production,
                ..
            } => {
                let count = self.queued().unwrap_or_default();
                if count == 0 {
                    // Nobody to queue unless `i`: said before anything is answered.
                    // No `y` to offer: nothing would start.
                    return format!(
                        "{}, so nobody is left to queue: i includes {} (a queue with {label}), \
                         n closes",
                        all_connected(*connected),
                        if *connected == 1 { "them" } else { "them all" }
                    );
                }
                let what = if *production {
                    crate::text::count(count, "PRODUCTION link", "PRODUCTION links")
                } else {
                    crate::text::count(count, "patient", "patients")
                };
                let left_out = if *connected > 0 {
                    format!(
                        " ({} {})",
                        crate::text::count(
                            *connected,
                            "already connected is",
                            "already connected are"
                        ),
                        preview::connected_choice(*include_connected)
                    )
                } else {
                    String::new()
                };
                format!("Start the queue of {what} with {label}?{left_out} y/N")
            }
            Ask::Stop => "Stop the queue? What was done is kept. y/N".into(),
            Ask::Quit => "Quit in the middle of the queue? What was done is kept. y/N".into(),
            Ask::CreateNew { count, personal: 0 } => format!("Create the {count} new? y/N"),
            // The file decides what is created: the question names what it cannot leave out.
            Ask::CreateNew { count, personal } => format!(
                "Create the {count} new? ({} like personal data: edit the file to leave {} \
                 out) y/N",
                crate::text::count(*personal, "looks", "look"),
                if *personal == 1 { "it" } else { "them" }
            ),
            Ask::MarkAll { count } => format!(
                "Mark all {} matching patients? y/N",
                crate::text::thousands(*count)
            ),
        }
    }

    /// How many patients the start question's `y` queues (`None`: not the start question).
    pub fn queued(&self) -> Option<usize> {
        match self {
            Ask::Start {
                patients,
                connected,
                include_connected,
                ..
            } => Some(if *include_connected {
                *patients
            } else {
                patients.saturating_sub(*connected)
            }),
            _ => None,
        }
    }

    /// `i` in the start question: include (or leave out) the already connected patients.
    pub fn toggle_connected(&mut self) {
        if let Ask::Start {
            include_connected, ..
        } = self
        {
            *include_connected = !*include_connected;
        }
    }

    /// What `n` (or Esc) leaves as it was.
    pub fn refused(&self) -> &'static str {
        match self {
            Ask::Start { .. } => "The queue did not start: nothing was sent",
            Ask::Stop | Ask::Quit => "The queue goes on",
            Ask::MarkAll { .. } => "Nothing was marked",
            Ask::CreateNew { .. } => "Nothing was created: Esc closes the preview",
        }
    }
}

#[cfg(test)]
mod left_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod preview_tests;
#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod stop_tests;
#[cfg(test)]
mod tests;
