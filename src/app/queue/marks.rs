//! Marks in the Patient pane (Space one, `*` every match): kept by `user_id` through filtering
//! and `R`, in the order they were made, and `O`, which starts the queue of the marked patients.

use std::collections::HashSet;

use uuid::Uuid;

use super::{Ask, Queue};
use crate::app::{App, Effect, Level};

/// `*` asks first when it would mark more patients than this.
pub const ASK_ABOVE: usize = 500;

/// The marked patients, in the order they were marked.
#[derive(Debug, Default, Clone)]
pub struct Marks {
    order: Vec<Uuid>,
    set: HashSet<Uuid>,
}

impl Marks {
    pub fn contains(&self, user_id: Uuid) -> bool {
        self.set.contains(&user_id)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Marks `user_id` (true) or unmarks it when it was marked (false).
    pub fn toggle(&mut self, user_id: Uuid) -> bool {
        if self.set.remove(&user_id) {
            self.order.retain(|u| *u != user_id);
            false
        } else {
            self.insert(user_id);
            true
        }
    }

    /// Marks `user_id` if it is not marked yet.
    pub fn insert(&mut self, user_id: Uuid) {
        if self.set.insert(user_id) {
            self.order.push(user_id);
        }
    }

    /// The marked patients in the order they were marked.
    pub fn iter(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.order.iter().copied()
    }

    pub fn clear(&mut self) {
        self.order.clear();
        self.set.clear();
    }
}

impl App {
    /// Space in the Patient pane: marks (or unmarks) the highlighted patient.
    pub(in crate::app) fn toggle_mark(&mut self) {
        let Some(user_id) = self.patients.highlighted().map(|p| p.user_id) else {
            return;
        };
        self.patients.marks.toggle(user_id);
    }

    /// `*`: marks every patient the filter matches (asking first above [`ASK_ABOVE`]).
    pub(in crate::app) fn mark_all(&mut self) {
        let count = self.patients.list.visible().len();
        if count > ASK_ABOVE {
            self.ask_queue(Ask::MarkAll { count });
        } else {
            self.mark_matches();
        }
    }

    /// Whether a filter (`/` or `F`) narrows the patient list: `*` then marks a choice, not the
    /// whole team (the key bar offers it then).
    pub fn patients_narrowed(&self) -> bool {
        !self.patients.list.filter().is_empty()
            || self.patients.list.status_filter() != crate::app::status::StatusFilter::All
    }

    /// Marks every match now shown.
    pub(in crate::app) fn mark_matches(&mut self) {
        let ids: Vec<Uuid> = self
            .patients
            .list
            .visible_items(0)
            .map(|(_, p)| p.user_id)
            .collect();
        let before = self.patients.marks.len();
        for id in ids {
            self.patients.marks.insert(id);
        }
        let added = self.patients.marks.len() - before;
        self.toast(
            Level::Info,
            format!(
                "Marked {} more ({} marked): O starts the queue",
                crate::text::thousands(added),
                crate::text::thousands(self.patients.marks.len())
            ),
        );
    }

    /// `O`: asks to start the queue of the marked patients with the panes' settings; the
    /// already connected among them are left out unless `i` includes them.
    pub(in crate::app) fn ask_start_queue(&mut self) {
        if self.refused_read_only("start a queue") {
            return;
        }
        if self.queue.as_ref().is_some_and(Queue::in_progress) {
            self.toast(Level::Warning, "A queue is running already");
            return;
        }
        let marked = self.marks_in_list();
        if marked.is_empty() {
            self.toast(
                Level::Warning,
                "Mark patients first: Space marks the highlighted one, * every match",
            );
            return;
        }
        let connected = marked.iter().filter(|m| m.connected).count();
        self.ask_queue_start(marked.len(), connected, false);
    }

    /// The one question that starts a queue of `patients` (`connected` of them already
    /// connected, left out unless `include`), once for the queue, naming production; asked
    /// when the panes' link choices pass their checks.
    pub(super) fn ask_queue_start(&mut self, patients: usize, connected: usize, include: bool) {
        let options = self.link_options();
        if self.refused_link_problems(&options) {
            return;
        }
        self.ask_queue(Ask::Start {
            patients,
            connected,
            include_connected: include,
            label: self.queue_label(),
            production: self.env.is_production(),
        });
    }

    /// The marked patients the list holds, in the order they were marked.
    fn marks_in_list(&self) -> Vec<Marked> {
        let p = &self.patients;
        p.marks
            .iter()
            .filter_map(|user_id| {
                let u = p.list.items().get_ref(p.index_of(user_id)?);
                Some(Marked {
                    user_id,
                    client_user_id: u.client_user_id.to_string(),
                    connected: p.connections.is_connected(&u),
                })
            })
            .collect()
    }

    /// The preset, else what the link allows, for the start question and the summary.
    pub(in crate::app) fn queue_label(&self) -> String {
        if let Some(p) = self.preset_for_audit() {
            return format!("preset {p}");
        }
        let options = self.link_options();
        match (&options.provider, &options.allowlist) {
            (Some(p), _) => format!("{p} directly"),
            (None, Some(list)) if list.len() <= 3 => list.join(", "),
            (None, Some(list)) => crate::text::count(list.len(), "provider", "providers"),
            (None, None) => "every provider".into(),
        }
    }

    /// `y` to the start question: the queue starts with its first mint (production asked once,
    /// here, for the whole queue); the already connected join only if `include` says so (the
    /// question with nobody to queue without them never gets here).
    pub(in crate::app) fn start_marked_queue(&mut self, ask: &Ask) -> Vec<Effect> {
        let include = matches!(
            ask,
            Ask::Start {
                include_connected: true,
                ..
            }
        );
        let marked = self.marks_in_list();
        if marked.is_empty() {
            return vec![];
        }
        let entries: Vec<(Uuid, String)> = marked
            .into_iter()
            .filter(|m| include || !m.connected)
            .map(|m| (m.user_id, m.client_user_id))
            .collect();
        if entries.is_empty() {
            return vec![];
        }
        self.patients.marks.clear();
        self.start_queue_of(entries)
    }
}

/// A marked patient the list holds.
struct Marked {
    user_id: Uuid,
    client_user_id: String,
    connected: bool,
}
