//! The queue in the console: each step of [`Queue`] carried out through the console's own paths
//! (the one mint path with its audit rows, the shown link and its watcher, the ticks), and the
//! queue's keys. Every audit row about the current patient carries the queue's id and the
//! source `queue` ([`App::tag_queue_event`]).

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use uuid::Uuid;

use super::{Ask, Asked, Phase, Queue, Step};
use crate::api::{ApiError, LinkToken, LinkTokenRequest};
use crate::app::keymap::{self, Action, Ctx};
use crate::app::overlay::Confirm;
use crate::app::requests::{Request, Task};
use crate::app::screen::Screen;
use crate::app::{App, Effect, Level};
use crate::audit::{Event, Outcome, Source};

impl App {
    /// A queue of `entries` (`user_id`, `client_user_id`) with the panes' link choices, started
    /// with its first mint.
    pub(in crate::app) fn start_queue_of(&mut self, entries: Vec<(Uuid, String)>) -> Vec<Effect> {
        let queue = Queue::new(
            entries,
            self.link_options(),
            self.queue_label(),
            self.now,
            self.config.operator.clone(),
        );
        self.run_queue(queue)
    }

    /// Starts `queue` with its first mint.
    pub(in crate::app) fn run_queue(&mut self, mut queue: Queue) -> Vec<Effect> {
        queue.patient_facing = self.config.queue_patient_facing;
        queue.preset = self.preset_for_audit();
        let step = queue.begin();
        self.toast(
            Level::Info,
            format!(
                "Queue {} started: {} with {}",
                queue.id,
                crate::text::count(queue.entries.len(), "patient", "patients"),
                queue.label
            ),
        );
        self.queue = Some(queue);
        self.queue_step(step)
    }

    /// Whether a queue is running (not yet at its summary).
    pub fn queue_in_progress(&self) -> bool {
        self.queue.as_ref().is_some_and(Queue::in_progress)
    }

    /// Between patients, in the patient-facing view: the neutral "Please wait" shows; after the
    /// last one the neutral "Thank you" stays until a staff key (the summary names every
    /// patient, so the patient never sees it).
    pub fn queue_waiting_screen(&self) -> bool {
        self.screen.is_panes()
            && self.queue.as_ref().is_some_and(|q| match q.asked {
                Asked::Configured => q.patient_facing,
                Asked::Staff => false,
                Asked::Patient => true,
            })
    }

    /// Carries out what the queue asked for.
    fn queue_step(&mut self, step: Step) -> Vec<Effect> {
        match step {
            Step::Nothing => vec![],
            Step::Leave => self.leave_queue_link(),
            Step::Mint(user_id) => {
                let mut effects = self.leave_queue_link();
                // A mint still in flight is for a patient the queue has left.
                effects.extend(self.requests.cancel_all(Task::Mint));
                effects.extend(self.queue_mint(user_id));
                effects
            }
            Step::Done => {
                let mut effects = self.leave_queue_link();
                effects.extend(self.requests.cancel_all(Task::Mint));
                let now = self.now;
                if let Some(q) = &mut self.queue {
                    q.ended_at.get_or_insert(now);
                }
                if let Some(q) = &self.queue {
                    let text = format!("Queue {} done: {}", q.id, q.totals_text());
                    // The summary in the audit log too: skips and "not reached" are no link row.
                    let run = q.audit_summary(&self.audit_scope(), self.now);
                    effects.push(Effect::AuditQueue(Box::new(run)));
                    self.toast(Level::Info, text);
                }
                effects
            }
        }
    }

    /// The shown link leaves the screen (its watcher and checks with it).
    fn leave_queue_link(&mut self) -> Vec<Effect> {
        // Staff looking at the link view go on seeing the staff's screen between patients, until
        // the next link shows in the configured view (`Queue::minted`).
        if let (Screen::Link(_), Some(q)) = (&self.screen, &mut self.queue) {
            q.asked = Asked::Staff;
        }
        // A link left unused stays valid until it expires (Vital cannot withdraw one): it stays
        // watched.
        let screen = std::mem::replace(&mut self.screen, Screen::Panes);
        if let (Some(shown), Some(q)) = (screen.shown(), &self.queue)
            && !shown.watch.consumed()
            && !shown.link.is_expired(self.now)
        {
            let (id, preset) = (q.id.clone(), q.preset.clone());
            self.keep_watching(&id, preset, shown);
        }

        self.leave_link()
    }

    /// The mint for `user_id`, through the one mint path (no question: production was asked
    /// once for the whole queue).
    fn queue_mint(&mut self, user_id: Uuid) -> Vec<Effect> {
        let Some(q) = &self.queue else {
            return vec![];
        };
        let request = q.options.request(user_id);
        match self.begin(Request::Mint {
            request: request.clone(),
            language: self.config.patient_language,
        }) {
            Ok(id) => vec![Effect::Mint { id, request }],
            Err(busy) => {
                let step = self
                    .queue
                    .as_mut()
                    .map_or(Step::Nothing, |q| q.mint_failed(user_id, busy));
                self.queue_step(step)
            }
        }
    }

    /// A mint answered: the console shows the link as for `m`; the queue shows it in its view
    /// (the patient-facing one unless `queue_view = "staff"`), or waits when it failed.
    pub(in crate::app) fn on_minted_queued(
        &mut self,
        request: LinkTokenRequest,
        language: crate::i18n::Language,
        at: DateTime<Utc>,
        result: Result<LinkToken, ApiError>,
    ) -> Vec<Effect> {
        let user_id = request.user_id;
        let failed = result
            .as_ref()
            .err()
            .map(|e| crate::text::sanitize(&e.to_string()));
        let mut effects = self.on_minted(request, language, at, result);
        let Some(q) = self.queue.as_mut() else {
            return effects;
        };
        if let Some(reason) = failed {
            let step = q.mint_failed(user_id, &reason);
            effects.extend(self.queue_step(step));
            return effects;
        }
        if !q.minted(user_id) {
            return effects;
        }
        let (n, of, patient_facing) = (q.current + 1, q.entries.len(), q.patient_facing);
        let screen = std::mem::replace(&mut self.screen, Screen::Panes);
        self.screen = match screen {
            Screen::Link(shown) | Screen::PatientView { shown, .. } if patient_facing => {
                Screen::PatientView { shown, since: at }
            }
            Screen::Link(shown) | Screen::PatientView { shown, .. } => Screen::Link(shown),
            other @ (Screen::Panes
            | Screen::AppCode(_)
            | Screen::AppCodePatient { .. }
            | Screen::ClinicApp(_)) => other,
        };
        if patient_facing {
            effects.extend(self.audit_shown(Outcome::ShownToPatient, None, None));
        }
        // Info: the strip over the view says the same, so the queue's keys take the shared
        // row at 80 columns; an answer to a key (a copy) is a success and shows there.
        self.toast(
            Level::Info,
            format!("Queue: patient {n} of {of}: the link is shown; n skips, x stops"),
        );
        effects
    }

    /// After a watcher check: the current patient connected, so the countdown starts.
    pub(in crate::app) fn queue_after_watch(&mut self, at: DateTime<Utc>) -> Vec<Effect> {
        let Some(shown) = self.screen.shown() else {
            return vec![];
        };
        if !shown.watch.consumed() {
            return vec![];
        }
        let user_id = shown.link.user_id;
        let slugs: Vec<String> = shown.watch.arrived.iter().map(|a| a.slug.clone()).collect();
        let names = shown.watch.arrived.iter().map(|a| a.name.clone()).collect();
        if self.queue.as_ref().is_some_and(|q| q.is_current(user_id)) {
            for slug in &slugs {
                self.queue_left.record(user_id, slug);
            }
        }
        let confirmation = Some((shown.language, names));
        let Some(q) = self.queue.as_mut() else {
            return vec![];
        };
        let step = q.connected(user_id, at.max(self.now));
        if step != Step::Nothing {
            if let (Some(e), Some((_, names))) = (q.entries.get_mut(q.current), &confirmation) {
                for name in names {
                    if !e.providers.contains(name) {
                        e.providers.push(name.clone());
                    }
                }
            }
            q.confirmation = confirmation;
            // The screen counts the seconds down: the message says it once, without a number
            // that would go stale, and never while paused.
            let next = if q.current + 1 >= q.entries.len() {
                "that was the last patient"
            } else if q.paused {
                "the queue is paused: p resumes"
            } else {
                "the next patient follows"
            };
            self.toast(Level::Success, format!("Connected ✓ — {next}"));
        }
        self.queue_step(step)
    }

    /// At a tick: the shown link expired unused, or the countdown ended.
    pub(in crate::app) fn queue_tick(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        let expired = self
            .screen
            .shown()
            .filter(|s| s.link.is_expired(now) && !s.watch.consumed())
            .map(|s| s.link.user_id);
        let Some(q) = self.queue.as_mut() else {
            return vec![];
        };
        let mut effects = Vec::new();
        if let Some(user_id) = expired {
            let step = q.expired(user_id);
            if step != Step::Nothing {
                self.toast(
                    Level::Warning,
                    "The link expired unused: r mints again, n skips to the next patient",
                );
            }
            effects.extend(self.queue_step(step));
        }
        let step = self.queue.as_mut().map_or(Step::Nothing, |q| q.tick(now));
        effects.extend(self.queue_step(step));
        effects
    }

    /// The contexts whose keys work while a queue is on (`None`: the console's usual ones).
    pub(in crate::app) fn queue_contexts(&self) -> Option<Vec<Ctx>> {
        if let Some(p) = &self.queue_preview
            && self.screen.is_panes()
        {
            // `i` only with someone to include.
            let mut ctx = vec![Ctx::Always, Ctx::QueuePreview];
            if p.connected() > 0 {
                ctx.push(Ctx::QueuePreviewConnected);
            }
            ctx.push(Ctx::Global);
            return Some(ctx);
        }
        let q = self.queue.as_ref()?;
        match &self.screen {
            Screen::PatientView { .. }
            | Screen::AppCode(_)
            | Screen::AppCodePatient { .. }
            | Screen::ClinicApp(_) => None,
            Screen::Panes if self.queue_waiting_screen() => {
                Some(vec![Ctx::Always, Ctx::PatientView])
            }
            _ if q.is_done() => Some(vec![Ctx::Always, Ctx::QueueSummary, Ctx::Global]),
            Screen::Link(_) | Screen::Panes => {
                // A key shows where it works: `h` during the countdown, `b` from the second
                // patient on.
                let mut ctx = vec![Ctx::Always];
                if matches!(q.phase, Phase::Connected { .. }) {
                    ctx.push(Ctx::QueueCountdown);
                }
                ctx.push(Ctx::Queue);
                if !matches!(q.phase, Phase::Connected { .. }) {
                    ctx.push(Ctx::QueueRetry);
                }
                if q.current > 0 {
                    ctx.push(Ctx::QueueBack);
                }
                if matches!(self.screen, Screen::Link(_)) {
                    ctx.push(Ctx::LinkView);
                }
                ctx.push(Ctx::Global);
                Some(ctx)
            }
        }
    }

    /// A key on the patient-facing "Please wait": any key returns to the staff view (Ctrl-C
    /// still quits).
    pub(in crate::app) fn queue_waiting_key(&mut self, key: &KeyEvent) {
        if keymap::lookup(&[Ctx::Always], key) == Some(Action::ForceQuit) {
            self.quit = true;
        } else if let Some(q) = &mut self.queue {
            q.asked = Asked::Staff;
        }
    }

    /// The queue's keys (and the ones it takes over while it runs).
    pub(in crate::app) fn queue_act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Mark => self.toggle_mark(),
            Action::MarkAll => self.mark_all(),
            Action::StartQueue => self.ask_start_queue(),
            Action::MintAgain if !self.refused_read_only("mint a link") => {
                let step = self.queue.as_mut().map_or(Step::Nothing, Queue::mint_again);
                return self.queue_step(step);
            }
            Action::QueueSkip | Action::QueueBack => {
                let step = self.queue.as_mut().map_or(Step::Nothing, |q| {
                    if action == Action::QueueSkip {
                        q.skip()
                    } else {
                        q.back()
                    }
                });
                return self.queue_step(step);
            }
            Action::QueueHold => self.hold_countdown(),
            Action::QueuePause => self.pause_queue(),
            Action::QueueStop if self.queue_in_progress() => {
                self.ask_queue(Ask::Stop);
            }
            Action::PatientView if self.screen.shown().is_some() => {
                return self.open_patient_view();
            }
            Action::PatientView => {
                // For this moment only: the next link shows in the configured view.
                if let Some(q) = &mut self.queue {
                    q.asked = Asked::Patient;
                }
            }
            Action::CloseSummary if self.queue_preview.is_some() => self.queue_preview = None,
            Action::CloseSummary => self.queue = None,
            Action::QueueGo => self.preview_go(),
            Action::QueueInclude => self.toggle_include_connected(),
            _ => {}
        }
        vec![]
    }

    /// `h` (bound during the countdown only): holds the countdown (again: goes on). The message
    /// says which, in place of the countdown's own.
    fn hold_countdown(&mut self) {
        let now = self.now;
        if !self.queue.as_mut().is_some_and(|q| q.hold(now)) {
            return;
        }
        let (held, paused) = self.queue.as_ref().map_or((false, false), |q| {
            (
                matches!(q.phase, Phase::Connected { held: true, .. }),
                q.paused,
            )
        });
        // While paused, h alone does not go on: say p too.
        let text = match (held, paused) {
            (true, false) => "Countdown held: h goes on, n moves on now",
            (true, true) => "Countdown held and queue paused: h and p go on, n moves on now",
            (false, false) => "Countdown goes on: h holds it again",
            (false, true) => "Countdown no longer held, but the queue is paused: p resumes",
        };
        self.toast(Level::Info, text);
    }

    /// The key bar's word for a queue key that says what it does now ("go on" while held,
    /// "resume" while paused, "leave out connected" once included, "start queue (3)" with the
    /// marks it takes; `tight`: "queue (3)"); `None`: the key table's own.
    pub fn queue_short(&self, action: Action, tight: bool) -> Option<String> {
        match action {
            Action::StartQueue if !self.patients.marks.is_empty() => {
                return Some(format!(
                    "{} ({})",
                    if tight { "queue" } else { "start queue" },
                    crate::text::thousands(self.patients.marks.len())
                ));
            }
            Action::QueueInclude => {
                let included = match &self.overlays.confirm {
                    Some(Confirm::Queue(Ask::Start {
                        include_connected, ..
                    })) => *include_connected,
                    _ => self.queue_preview.as_ref()?.include_connected,
                };
                return included.then(|| "leave out connected".to_string());
            }
            _ => {}
        }
        let q = self.queue.as_ref()?;
        let word = match action {
            Action::QueueHold if matches!(q.phase, Phase::Connected { held: true, .. }) => "go on",
            Action::QueuePause if q.paused => "resume",
            _ => return None,
        };
        Some(word.to_string())
    }

    /// Whether the question on screen is the queue's start question with already connected
    /// patients to include or leave out (`i`).
    pub(in crate::app) fn asks_about_connected(&self) -> bool {
        matches!(
            self.overlays.confirm,
            Some(Confirm::Queue(Ask::Start { connected, .. })) if connected > 0
        )
    }

    /// Asks one of the queue's questions: a passing message before it ("Filter cleared") is
    /// not left under it.
    pub(in crate::app) fn ask_queue(&mut self, ask: Ask) {
        self.toast.take_if(|t| !t.level.sticky());
        self.overlays.confirm = Some(Confirm::Queue(ask));
    }

    /// `p`: pauses the queue (again: resumes).
    fn pause_queue(&mut self) {
        let now = self.now;
        let Some(q) = &mut self.queue else {
            return;
        };
        q.pause(now);
        let text = if q.paused {
            "Queue paused: a connection does not move on; p resumes"
        } else {
            "Queue resumed"
        };
        self.toast(Level::Info, text);
    }

    /// `q` in the middle of a queue: asks first.
    pub(in crate::app) fn ask_quit_queue(&mut self) {
        self.ask_queue(Ask::Quit);
    }

    /// `y` to one of the queue's questions.
    pub(in crate::app) fn queue_confirmed(&mut self, ask: &Ask) -> Vec<Effect> {
        match ask {
            Ask::Start { connected, .. } if ask.queued() == Some(0) => {
                // The question said so: `y` without `i` starts nothing.
                self.toast(
                    Level::Warning,
                    format!(
                        "The queue did not start: {} (i in the question includes them)",
                        super::all_connected(*connected).to_lowercase()
                    ),
                );
                vec![]
            }
            Ask::Start { .. } if self.queue_preview.is_some() => self.start_file_queue(),
            Ask::Start { .. } => self.start_marked_queue(ask),
            Ask::CreateNew { .. } => self.create_new(),
            Ask::MarkAll { .. } => {
                self.mark_matches();
                vec![]
            }
            Ask::Stop | Ask::Quit => {
                // A staff key: the summary shows, not the patient's "Thank you".
                if let Some(q) = &mut self.queue {
                    q.asked = Asked::Staff;
                    // The audit log's summary says the console quit.
                    if *ask == Ask::Quit {
                        q.end = Some(crate::audit::QueueEnd::Quit);
                    }
                }
                let step = self.queue.as_mut().map_or(Step::Nothing, Queue::stop);
                let effects = self.queue_step(step);
                if *ask == Ask::Quit {
                    self.quit = true;
                }
                effects
            }
        }
    }

    /// The console quits with a queue under way: it stops as quit (its summary recorded).
    pub(in crate::app) fn quit_queue(&mut self) -> Vec<Effect> {
        if !self.quit || !self.queue_in_progress() {
            return vec![];
        }
        if let Some(q) = &mut self.queue {
            q.end = Some(crate::audit::QueueEnd::Quit);
        }
        let step = self.queue.as_mut().map_or(Step::Nothing, Queue::stop);
        self.queue_step(step)
    }

    /// What the console says on the terminal once it has quit, about a queue it ran: its id,
    /// how it ended and its totals, and where the summary is kept.
    pub fn queue_farewell(&self) -> Option<String> {
        let q = self.queue.as_ref().filter(|q| q.is_done())?;
        // The console no longer watches them: say they can still connect.
        let out = self
            .queue_links_out()
            .map_or_else(String::new, |(n, until)| {
                format!(
                    "; {} still out until {} UTC",
                    crate::text::count(n, "link", "links"),
                    until.format("%H:%M")
                )
            });
        Some(format!(
            "queue {}: {}, {}{out}; history --queue {} prints its summary",
            q.id,
            q.end.unwrap_or(crate::audit::QueueEnd::Stopped).text(),
            q.totals_text(),
            q.id
        ))
    }

    /// Rows about the queue's current patient carry the queue's id and the source `queue`.
    pub(in crate::app) fn tag_queue_event(&self, e: &mut Event, user_id: Uuid) {
        if let Some(q) = &self.queue
            && q.is_current(user_id)
            && q.phase != Phase::Done
        {
            e.source = Source::Queue;
            e.queue = Some(q.id.clone());
        }
    }
}
