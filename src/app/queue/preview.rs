//! The preview of `--queue FILE`, before anything is sent: which ids are known (from the loaded
//! list when it is complete, else one lookup per id, one at a time, with progress), already
//! connected (listed, skipped unless `i` includes them) or new; ids that look like an email
//! address or a phone number are listed with the warning `n` gives. "Create the 3 new? y/N"
//! creates only after `y`, one at a time; a create that fails is listed with the API's reason
//! and the rest go on. Then the queue's one start question.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Ask;
use crate::api::{ApiError, CreatedUser, User};
use crate::app::overlay::Confirm;
use crate::app::requests::{Pending, Request};
use crate::app::{App, Effect, Level};
use crate::queue_file::QueueFile;
use crate::text::sanitize;

/// What is known of one id of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Not looked up yet.
    Unresolved,
    /// A patient of the team, with the providers connected.
    Patient {
        user_id: Uuid,
        connected: Vec<String>,
    },
    /// No patient has this id: created after `y`.
    New,
    /// Created from the preview.
    Created { user_id: Uuid },
    /// The create failed, and why.
    CreateFailed(String),
    /// The lookup failed, and why (left out of the queue).
    LookupFailed(String),
}

/// One id of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub client_user_id: String,
    pub known: Known,
    /// Why the id looks like personal data, if it does.
    pub warning: Option<&'static str>,
}

/// Where the preview is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The patient list is still loading.
    Listing,
    /// One lookup per id (the list is not complete).
    LookingUp,
    /// Everything known: Enter goes on.
    Ready,
    /// Creating the new ones, one at a time.
    Creating,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub rows: Vec<Row>,
    /// Duplicate rows the file held (dropped).
    pub duplicates: usize,
    /// Already connected patients join the queue too.
    pub include_connected: bool,
    pub stage: Stage,
}

impl Preview {
    pub fn new(file: QueueFile) -> Preview {
        Preview {
            rows: file
                .ids
                .into_iter()
                .map(|id| Row {
                    warning: crate::link::personal_data_warning(&id),
                    client_user_id: id,
                    known: Known::Unresolved,
                })
                .collect(),
            duplicates: file.duplicates,
            include_connected: false,
            stage: Stage::Listing,
        }
    }

    /// The rows in each state, by a test on it.
    pub fn count(&self, f: impl Fn(&Known) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.known)).count()
    }

    pub fn resolved(&self) -> usize {
        self.count(|k| *k != Known::Unresolved)
    }

    pub fn new_ids(&self) -> usize {
        self.count(|k| *k == Known::New)
    }

    /// The patients of the team the file names (created ones too): what the queue can take.
    pub fn patients(&self) -> usize {
        self.count(|k| matches!(k, Known::Patient { .. } | Known::Created { .. }))
    }

    /// The patients of [`Preview::patients`] already connected.
    pub fn connected(&self) -> usize {
        self.count(|k| matches!(k, Known::Patient { connected, .. } if !connected.is_empty()))
    }

    fn next(&self, want: &Known) -> Option<usize> {
        self.rows.iter().position(|r| r.known == *want)
    }

    /// The patients the queue will take, in file order.
    pub fn entries(&self) -> Vec<(Uuid, String)> {
        self.rows
            .iter()
            .filter_map(|r| match &r.known {
                Known::Patient { user_id, connected }
                    if connected.is_empty() || self.include_connected =>
                {
                    Some((*user_id, r.client_user_id.clone()))
                }
                Known::Created { user_id } => Some((*user_id, r.client_user_id.clone())),
                _ => None,
            })
            .collect()
    }
}

/// What becomes of the already connected patients and the key that changes it, in the words the
/// preview and the start question both use: "left out: i includes them".
pub fn connected_choice(include: bool) -> &'static str {
    if include {
        "included: i leaves them out"
    } else {
        "left out: i includes them"
    }
}

fn known_from(user: &User) -> Known {
    Known::Patient {
        user_id: user.user_id,
        connected: user.connected_slugs().into_iter().map(sanitize).collect(),
    }
}

impl App {
    /// `--queue FILE`: the preview opens, and fills as the list loads.
    pub fn open_queue_file(&mut self, file: QueueFile) {
        self.queue_preview = Some(Preview::new(file));
    }

    /// At a tick (and after each answer): the next step of the preview's resolving.
    pub(in crate::app) fn preview_step(&mut self) -> Vec<Effect> {
        let Some(p) = &self.queue_preview else {
            return vec![];
        };
        if p.stage != Stage::Listing || self.patients.load.is_loading() {
            return vec![];
        }
        let loaded = self.patients.list.items().len();
        let complete = self.patients.load.error().is_none()
            && self.patients.total.is_some_and(|t| t as usize <= loaded);
        if complete {
            self.resolve_from_list();
            return vec![];
        }
        if let Some(p) = &mut self.queue_preview {
            p.stage = Stage::LookingUp;
        }
        self.next_lookup()
    }

    /// The list is complete: every id is known from it.
    fn resolve_from_list(&mut self) {
        let Some(p) = &mut self.queue_preview else {
            return;
        };
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (i, r) in p.rows.iter().enumerate() {
            at.insert(r.client_user_id.as_str(), i);
        }
        let mut found: Vec<(usize, Known)> = Vec::new();
        for u in self.patients.list.items().iter() {
            if let Some(&i) = at.get(u.client_user_id) {
                // The one rule of the Patient pane: a broken connection is not connected.
                let connected = self
                    .patients
                    .connections
                    .providers(&u)
                    .ok
                    .into_iter()
                    .map(sanitize)
                    .collect();
                found.push((
                    i,
                    Known::Patient {
                        user_id: u.user_id,
                        connected,
                    },
                ));
            }
        }
        for (i, k) in found {
            p.rows[i].known = k;
        }
        for r in &mut p.rows {
            if r.known == Known::Unresolved {
                r.known = Known::New;
            }
        }
        p.stage = Stage::Ready;
    }

    /// The lookup of the next unresolved id, or the end of the lookups.
    fn next_lookup(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.queue_preview else {
            return vec![];
        };
        let Some(index) = p.next(&Known::Unresolved) else {
            p.stage = Stage::Ready;
            return vec![];
        };
        let text = p.rows[index].client_user_id.clone();
        let id = self.requests.start(Pending::QueueLookup { index });
        vec![Effect::LookupPatient { id, text }]
    }

    /// The lookup of row `index` answered.
    pub(in crate::app) fn on_queue_lookup(
        &mut self,
        index: usize,
        result: Result<User, ApiError>,
    ) -> Vec<Effect> {
        let known = match result {
            Ok(user) => {
                let k = known_from(&user);
                // Listed, so its mints and audit rows name it.
                self.patients.append(vec![user]);
                k
            }
            Err(ApiError::NotFound { .. }) => Known::New,
            Err(e) => {
                if self.alert_if_refused(&e) {
                    return vec![];
                }
                return self.queue_lookup_failed(index, &sanitize(&e.to_string()));
            }
        };
        if let Some(r) = self
            .queue_preview
            .as_mut()
            .and_then(|p| p.rows.get_mut(index))
        {
            r.known = known;
        }
        self.next_lookup()
    }

    /// The lookup of row `index` could not be made (`reason`): listed, and the rest go on.
    pub(in crate::app) fn queue_lookup_failed(
        &mut self,
        index: usize,
        reason: &str,
    ) -> Vec<Effect> {
        if let Some(r) = self
            .queue_preview
            .as_mut()
            .and_then(|p| p.rows.get_mut(index))
        {
            r.known = Known::LookupFailed(reason.to_string());
        }
        self.next_lookup()
    }

    /// Enter in the preview: create the new ones (asks), or start (asks).
    pub(in crate::app) fn preview_go(&mut self) {
        if self.refused_read_only("start a queue") {
            return;
        }
        let Some(p) = &self.queue_preview else {
            return;
        };
        if p.stage != Stage::Ready {
            self.toast(Level::Info, "Wait for the lookups to finish");
            return;
        }
        let new = p.new_ids();
        if new > 0 {
            let personal = p
                .rows
                .iter()
                .filter(|r| r.known == Known::New && r.warning.is_some())
                .count();
            self.ask_queue(Ask::CreateNew {
                count: new,
                personal,
            });
            return;
        }
        if p.entries().is_empty() {
            self.toast(
                Level::Warning,
                "No patient to queue: i includes the already connected ones",
            );
            return;
        }
        let (patients, connected, include) = (p.patients(), p.connected(), p.include_connected);
        self.ask_queue_start(patients, connected, include);
    }

    /// `i` in the preview or in the start question: include (or leave out) the already
    /// connected patients (the preview's choice and the question's are one).
    pub(in crate::app) fn toggle_include_connected(&mut self) {
        if let Some(p) = &mut self.queue_preview {
            p.include_connected = !p.include_connected;
        }
        if let Some(Confirm::Queue(ask)) = &mut self.overlays.confirm {
            ask.toggle_connected();
        }
    }

    /// What `n` to a queue question leaves as it was: the file's patients created before the
    /// start question are kept, so "nothing was sent" would not be true.
    pub(in crate::app) fn queue_refused(&self, ask: &Ask) -> String {
        let created = self
            .queue_preview
            .as_ref()
            .map_or(0, |p| p.count(|k| matches!(k, Known::Created { .. })));
        match ask {
            Ask::Start { .. } if created > 0 => format!(
                "The queue did not start; the {} kept",
                crate::text::count(created, "created patient is", "created patients are")
            ),
            _ => ask.refused().to_string(),
        }
    }

    /// `y` to "Create the N new?": the first create.
    pub(in crate::app) fn create_new(&mut self) -> Vec<Effect> {
        if let Some(p) = &mut self.queue_preview {
            p.stage = Stage::Creating;
        }
        self.next_create()
    }

    fn next_create(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.queue_preview else {
            return vec![];
        };
        let Some(index) = p.next(&Known::New) else {
            p.stage = Stage::Ready;
            let failed = p.count(|k| matches!(k, Known::CreateFailed(_)));
            if failed > 0 {
                self.toast(
                    Level::Warning,
                    format!(
                        "{} not created (listed with the reason): Enter starts the queue without them",
                        crate::text::count(failed, "patient was", "patients were")
                    ),
                );
            }
            self.preview_go();
            return vec![];
        };
        let client_user_id = p.rows[index].client_user_id.clone();
        match self.begin(Request::CreateUser {
            client_user_id: client_user_id.clone(),
        }) {
            Ok(id) => vec![Effect::CreateUser { id, client_user_id }],
            Err(busy) => {
                if let Some(p) = &mut self.queue_preview {
                    p.stage = Stage::Ready;
                }
                self.toast(Level::Warning, busy);
                vec![]
            }
        }
    }

    /// A create answered: the preview's (then the next), else the console's usual one.
    pub(in crate::app) fn on_created_queued(
        &mut self,
        client_user_id: String,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    ) -> Vec<Effect> {
        let creating = self
            .queue_preview
            .as_ref()
            .filter(|p| p.stage == Stage::Creating)
            .and_then(|p| {
                p.rows
                    .iter()
                    .position(|r| r.client_user_id == client_user_id && r.known == Known::New)
            });
        let Some(index) = creating else {
            return self.on_created(client_user_id, at, result);
        };
        let known = match result {
            Ok(created) => {
                self.patients.append(vec![created.to_user(at)]);
                Known::Created {
                    user_id: created.user_id,
                }
            }
            Err(e) => {
                if self.alert_if_refused(&e) {
                    return vec![];
                }
                Known::CreateFailed(sanitize(&e.to_string()))
            }
        };
        if let Some(p) = &mut self.queue_preview {
            p.rows[index].known = known;
        }
        self.next_create()
    }

    /// `y` to the start question from the preview: the queue of its patients.
    pub(in crate::app) fn start_file_queue(&mut self) -> Vec<Effect> {
        let Some(p) = self.queue_preview.take() else {
            return vec![];
        };
        let entries = p.entries();
        if entries.is_empty() {
            return vec![];
        }
        self.start_queue_of(entries)
    }
}
