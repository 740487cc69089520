//! The Patient pane: users loading page by page, a filter, a highlight, the selection, what the
//! console knows of each patient's connections ([`Connections`]), and creating a patient.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::kept_results::ResultCache;
use super::list::{Motion, PatientList, Visible};
use super::matcher::{self, Query};
use super::overlay::Confirm;
use super::requests::{Load, Pending, Request, Task};
use super::roster::{Patient, PatientRef};
use super::status::StatusFilter;
use super::{App, Effect, Level, layout};
use crate::api::client::MAX_PAGE;
use crate::api::{ApiError, ConnectedProvider, CreatedUser, PageGuard, User, UsersPage};
use crate::audit::onboarding::{Linked, Providers};

/// Pages asked for at once after the first.
pub const PARALLEL_PAGES: usize = 4;

/// Filters looking at more patients than this run off the input loop.
pub const INLINE_FILTER: usize = 20_000;

/// The pages of one load: which arrived early, the next to ask for, and the guard that takes
/// them in list order (so a server that never advances is stopped exactly as when paging one
/// at a time). The pages asked for are requests in the registry.
#[derive(Debug)]
pub(super) struct Paging {
    pub(super) guard: PageGuard,
    /// Pages that came before the ones ahead of them.
    pub(super) arrived: BTreeMap<u64, UsersPage>,
    /// The next offset to ask for.
    pub(super) next_issue: u64,
}

impl Paging {
    pub(super) fn new(target: String) -> Paging {
        Paging {
            guard: PageGuard::new(target, MAX_PAGE),
            arrived: BTreeMap::new(),
            next_issue: u64::from(MAX_PAGE),
        }
    }
}

/// The `user_id` index: 8 bytes of key per patient, the rare clash in a side table.
#[derive(Debug, Default)]
pub(super) struct IdIndex {
    short: HashMap<u64, u32>,
    clashes: HashMap<Uuid, u32>,
}

impl IdIndex {
    fn key(id: Uuid) -> u64 {
        id.as_u64_pair().1 ^ id.as_u64_pair().0.rotate_left(17)
    }

    fn get(&self, list: &PatientList, id: Uuid) -> Option<usize> {
        if let Some(&i) = self.short.get(&Self::key(id))
            && list.items().id(i as usize) == id
        {
            return Some(i as usize);
        }
        self.clashes.get(&id).map(|&i| i as usize)
    }

    fn insert(&mut self, list: &PatientList, id: Uuid, i: usize) {
        match self.short.entry(Self::key(id)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i as u32);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                if list.items().id(*o.get() as usize) != id {
                    self.clashes.insert(id, i as u32);
                }
            }
        }
    }

    fn clear(&mut self) {
        self.short.clear();
        self.clashes.clear();
    }
}

/// What the console knows of each patient's connections: the one place every source writes (the
/// list's pages, a reload's too; the detail load; the connection watcher) and every view reads
/// (the list's column, the detail line). A page of the list gives slugs (kept compactly in the
/// roster); a check of one patient (`GET /v2/user/providers/{user_id}`, by the detail load or
/// the watcher) gives the whole answer, kept here, and is shown instead of the list's slugs
/// until a page of a later reload disagrees with it.
#[derive(Debug, Default)]
pub struct Connections {
    /// Each check, numbered in the order they were written.
    checked: HashMap<Uuid, (u64, Load<Vec<ConnectedProvider>>)>,
    /// Checks written so far (the last one's number).
    writes: u64,
    /// The number of the last check written before the reload whose pages arrive now: those
    /// checks are older than its pages, later ones are not (a page may have been asked for
    /// before the check).
    reloaded_after: u64,
}

impl Connections {
    /// The check of `user_id`: asked, answered or failed; `None` when never asked.
    pub fn get(&self, user_id: Uuid) -> Option<&Load<Vec<ConnectedProvider>>> {
        self.checked.get(&user_id).map(|(_, state)| state)
    }

    /// Whether `user_id` was checked (or is being checked).
    pub fn is_checked(&self, user_id: Uuid) -> bool {
        self.checked.contains_key(&user_id)
    }

    /// The providers of `u` for its onboarding status, the one rule of the column, the detail
    /// line and the counts: its check's when one answered (connected ones `ok`, the others —
    /// `error`, the sign-in stopped working — `broken`), else the list's, all `ok` (the list
    /// gives no status).
    pub fn providers<'a>(&'a self, u: &'a PatientRef<'a>) -> Providers<'a> {
        match self.get(u.user_id) {
            Some(Load::Loaded(list)) => Providers::checked(list),
            _ => Providers::listed(u.connected_slugs()),
        }
    }

    /// [`Self::providers`] without the names and without allocating (for a million patients
    /// at once).
    pub fn linked(&self, u: &PatientRef<'_>) -> Linked {
        let listed = |u: &PatientRef<'_>| {
            if u.connected.is_empty() {
                Linked::None
            } else {
                Linked::Connected
            }
        };
        if self.checked.is_empty() {
            return listed(u);
        }
        match self.get(u.user_id) {
            Some(Load::Loaded(list)) if list.is_empty() => Linked::None,
            Some(Load::Loaded(list)) => {
                if list
                    .iter()
                    .any(|c| c.status == crate::api::ConnectionStatus::Connected)
                {
                    Linked::Connected
                } else {
                    Linked::Broken
                }
            }
            _ => listed(u),
        }
    }

    /// Whether `u` counts as connected ([`Self::linked`]).
    pub fn is_connected(&self, u: &PatientRef<'_>) -> bool {
        self.linked(u) == Linked::Connected
    }

    /// The provider slugs to show for `u`: its check's when one answered, else the list's.
    pub fn slugs<'a>(&'a self, u: &PatientRef<'a>) -> Vec<&'a str> {
        match self.get(u.user_id) {
            Some(Load::Loaded(list)) => list.iter().map(|c| c.slug.as_str()).collect(),
            _ if u.connected.is_empty() => Vec::new(),
            _ => u.connected.split(',').collect(),
        }
    }

    /// A check of `user_id` started, answered or failed (the detail load or the watcher).
    pub(super) fn checked(&mut self, user_id: Uuid, state: Load<Vec<ConnectedProvider>>) {
        self.writes += 1;
        self.checked.insert(user_id, (self.writes, state));
    }

    /// The list starts again (its first page arrived): the checks written so far are older
    /// than its pages.
    fn reloaded(&mut self) {
        self.reloaded_after = self.writes;
    }

    /// A page of the list took `user` in: a check older than the page whose providers differ
    /// from it is stale, so the list's slugs show (and the detail loads again when wanted).
    fn listed(&mut self, user: &User) {
        if self.checked.is_empty() {
            return; // loading a large team: nothing to look up
        }
        let stale = match self.checked.get(&user.user_id) {
            Some((n, Load::Loaded(list))) if *n <= self.reloaded_after => {
                let mut was: Vec<&str> = list.iter().map(|c| c.slug.as_str()).collect();
                let mut now = user.connected_slugs();
                was.sort_unstable();
                now.sort_unstable();
                was != now
            }
            _ => false,
        };
        if stale {
            self.checked.remove(&user.user_id);
        }
    }
}

/// The server lookup for a filter that matched nothing loaded (its request is in the registry
/// while it runs).
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// What was looked up (the filter without a leading `'`).
    pub text: String,
    pub state: Load<bool>,
    /// Enter was pressed while it ran: select what it finds.
    pub select: bool,
}

#[derive(Debug)]
pub struct Patients {
    /// Users in the order the API listed them (created ones appended), and the filter's view.
    pub list: PatientList,
    /// `total` from the API, once the first page arrived.
    pub total: Option<u64>,
    pub load: Load<()>,
    pub(super) paging: Paging,
    pub selected: Option<Uuid>,
    /// Each patient's known connections (the one place; see [`Connections`]).
    pub connections: Connections,
    /// The highlighted patient's connections should be loaded once the highlight rests.
    pub detail_pending: bool,
    /// Who was highlighted at the last tick: the highlight rests when a tick finds it again.
    pub(super) detail_candidate: Option<Uuid>,
    /// Index of each `user_id` in the list, so lookups stay O(1) for large teams.
    pub(super) index: IdIndex,
    /// The query whose matches show.
    pub(super) query: Arc<Query>,
    /// Recent queries' results (Backspace and a query typed again cost no matching).
    pub(super) results: ResultCache,
    pub lookup: Option<Lookup>,
    /// Filters over more candidates than this run off the loop (tests lower it).
    pub inline_limit: usize,
    /// This desk's audit log, for each patient's onboarding status (`app/status.rs`).
    pub status: super::status::StatusSource,
    /// The patients marked for the queue (Space, `*`), by `user_id`.
    pub marks: super::queue::marks::Marks,
}

impl Default for Patients {
    fn default() -> Self {
        Patients {
            list: PatientList::default(),
            total: None,
            load: Load::Loaded(()),
            paging: Paging::new("the API".into()),
            selected: None,
            connections: Connections::default(),
            detail_pending: false,
            detail_candidate: None,
            index: IdIndex::default(),
            query: Arc::new(Query::new("")),
            results: ResultCache::default(),
            lookup: None,
            inline_limit: INLINE_FILTER,
            status: super::status::StatusSource::default(),
            marks: super::queue::marks::Marks::default(),
        }
    }
}

impl Patients {
    pub fn highlighted(&self) -> Option<PatientRef<'_>> {
        self.list.highlighted()
    }

    pub fn selected_user(&self) -> Option<Patient> {
        self.find(self.selected?)
    }

    pub fn find(&self, id: Uuid) -> Option<Patient> {
        self.position(id)
            .map(|i| self.list.items().get_ref(i).to_owned())
    }

    fn position(&self, id: Uuid) -> Option<usize> {
        self.index.get(&self.list, id)
    }

    /// The roster position of `id`, if listed.
    pub(super) fn index_of(&self, id: Uuid) -> Option<usize> {
        self.position(id)
    }

    /// The status code of the patient just pushed at roster position `i`.
    fn push_code(&mut self, i: usize) {
        let u = self.list.items().get_ref(i);
        let at = self.status.at.unwrap_or_default();
        let code = super::status::code_of(&self.status.ledger, &self.connections, &u, at);
        self.list.push_code(code);
    }

    /// The query whose matches show (for highlighting them).
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Adds loaded users; users already listed are skipped. The filter's matches follow in
    /// [`App::catch_up_filter`].
    pub fn append(&mut self, users: Vec<User>) {
        for u in users {
            if self.position(u.user_id).is_some() {
                continue;
            }
            self.connections.listed(&u);
            let i = self.list.items().len();
            self.list.roster_mut().push_user(&u);
            self.index.insert(&self.list, u.user_id, i);
            self.push_code(i);
        }
    }

    /// Starts the list again from a fresh first page (a reload): users gone from the team
    /// disappear, the filter stays, and the highlight stays on the same user while listed (else
    /// on the nearest row). The selected patient stays listed (at the end until its page
    /// comes), so what `m` mints for is always on screen.
    pub fn restart(&mut self, first_page: Vec<User>) {
        let keep = self.highlighted().map(|u| u.user_id);
        let selected = self.selected.and_then(|id| self.find(id));
        self.index.clear();
        self.list.clear();
        self.connections.reloaded();
        self.results.clear();
        self.append(first_page);
        if let Some(p) = selected
            && self.position(p.user_id).is_none()
        {
            let i = self.list.items().len();
            let created = p
                .created_on
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc());
            self.list.roster_mut().push(
                p.user_id,
                &p.client_user_id,
                created,
                &p.connected_slugs(),
            );
            self.index.insert(&self.list, p.user_id, i);
            self.push_code(i);
        }
        let visible = if self.query.is_empty() {
            Visible::All
        } else {
            Visible::Ranked(matcher::filter(&self.query, self.list.items(), None, 0, 1))
        };
        let kept = keep.and_then(|id| self.position(id));
        self.list.reshow(visible, kept);
    }

    /// Applies a filter at once, whatever the list's size (the app uses [`App::filter_patients`];
    /// a filter still matching off the loop is the app's to cancel).
    pub fn set_filter(&mut self, filter: &str) {
        let query = Arc::new(Query::new(filter));
        let visible = if query.is_empty() {
            Visible::All
        } else {
            Visible::Ranked(matcher::filter(&query, self.list.items(), None, 0, 1))
        };
        self.query = query;
        self.list.show(filter, visible);
    }

    /// Moves the highlight to a user, clearing a filter that hides it: `None` when the user is
    /// not listed, else whether the filter was cleared.
    fn highlight(&mut self, id: Uuid) -> Option<bool> {
        let i = self.position(id)?;
        if self.list.highlight_index(i) {
            return Some(false);
        }
        if self.list.text_matches(i) {
            // Matched by the text filter, hidden by the status filter (`F`) only: every status
            // shows again, the text filter stays.
            self.list.set_status_filter(StatusFilter::All);
            self.list.highlight_index(i);
            return Some(false);
        }
        self.set_filter("");
        if !self.list.highlight_index(i) {
            // Hidden by the status filter (`F`) too: every patient shows again.
            self.list.set_status_filter(StatusFilter::All);
            self.list.highlight_index(i);
        }
        Some(true)
    }
}

impl App {
    /// The connections of `user_id` answered (the detail load).
    pub(super) fn on_connections(
        &mut self,
        user_id: Uuid,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    ) {
        let state = match result {
            Ok(list) => Load::Loaded(list),
            Err(e) => Load::Failed(e.to_string()),
        };
        self.patients.connections.checked(user_id, state);
        self.refresh_status_of(user_id);
    }

    /// The watcher checked `user_id`'s connections: every place showing that patient follows.
    pub(super) fn learn_connections(&mut self, user_id: Uuid, list: &[ConnectedProvider]) {
        self.patients
            .connections
            .checked(user_id, Load::Loaded(list.to_vec()));
        self.refresh_status_of(user_id);
    }

    /// The patient fetched to be selected arrived (the registry dropped a superseded fetch).
    pub(super) fn on_user_loaded(&mut self, result: Result<User, ApiError>) -> Vec<Effect> {
        match result {
            Ok(user) => {
                let (id, name) = (user.user_id, user.client_user_id.clone());
                self.patients.append(vec![user]);
                let mut effects = self.catch_up_filter();
                effects.extend(self.select_user(id));
                self.toast(
                    Level::Info,
                    format!("Selected {name}: tick providers, then m to mint"),
                );
                effects
            }
            Err(e) => {
                self.toast(Level::Error, e.to_string());
                vec![]
            }
        }
    }

    /// Enter in the Patient pane.
    pub(super) fn select_highlighted(&mut self) -> Vec<Effect> {
        let list = &self.patients.list;
        // Nothing shows but the text filter matched: the status filter (`F`) hides its
        // matches, and Enter selects the best of them (turning the status filter off).
        let id = match self.patients.highlighted() {
            Some(u) => u.user_id,
            None => match list.first_match() {
                Some(i) if list.status_filter() != StatusFilter::All => list.items().id(i),
                _ => return self.select_when_found(),
            },
        };
        let before = self.patients.list.status_filter();
        let effects = self.select_user(id);
        let name = self
            .patients
            .selected_user()
            .map(|u| u.client_user_id.clone())
            .unwrap_or_default();
        // The status filter turned off to show it: the word for it takes the hint's place
        // (the key bar has `m mint`), so the line reads whole at 80 columns.
        let text = if before == self.patients.list.status_filter() {
            format!("Selected {name}: tick providers, then m to mint")
        } else {
            format!("Selected {name}, which F hid: F is off now")
        };
        self.toast(Level::Info, text);
        effects
    }

    /// Selects a user (highlighting it) and loads its connections; a user not in the list is
    /// fetched first. Only the newest selection counts: a fetch still running is cancelled.
    pub(super) fn select_user(&mut self, user_id: Uuid) -> Vec<Effect> {
        let mut effects = self.requests.cancel_all(Task::LoadUser);
        match self.patients.highlight(user_id) {
            None => {
                let id = self.requests.start(Pending::User);
                effects.push(Effect::LoadUser { id, user_id });
                return effects;
            }
            // The filter was cleared to show the user: one still matching is of no use.
            Some(true) => effects.extend(self.requests.cancel_all(Task::FilterPatients)),
            Some(false) => {}
        }
        self.patients.selected = Some(user_id);
        self.keep_cursors_visible();
        effects.push(self.load_connections(user_id));
        effects
    }

    /// Asks for a patient's connections.
    fn load_connections(&mut self, user_id: Uuid) -> Effect {
        self.patients.connections.checked(user_id, Load::Loading);
        let id = self.requests.start(Pending::Connections { user_id });
        Effect::LoadConnections { id, user_id }
    }

    pub(super) fn move_patients(&mut self, motion: Motion) {
        let page = layout::areas(self.size).patients.list.height as usize;
        self.patients.list.move_cursor(motion, page);
        self.keep_cursors_visible();
    }

    /// Asks for the highlighted patient's connections at the next tick, if not known yet.
    pub(super) fn want_detail(&mut self) {
        if let Some(u) = self.patients.highlighted() {
            self.patients.detail_pending = !self.patients.connections.is_checked(u.user_id);
        }
    }

    /// At a tick: load the connections of the patient the highlight rests on (the one the
    /// previous tick found highlighted too, so moving through the list loads nothing).
    pub(super) fn detail_effect(&mut self) -> Option<Effect> {
        if !self.patients.detail_pending {
            return None;
        }
        let id = self.patients.highlighted()?.user_id;
        if self.patients.detail_candidate.replace(id) != Some(id) {
            return None;
        }
        self.patients.detail_pending = false;
        self.patients.detail_candidate = None;
        if self.patients.connections.is_checked(id) {
            return None;
        }
        Some(self.load_connections(id))
    }

    /// Enter in the new-patient prompt, once the text passed its checks.
    pub(super) fn create_patient(
        &mut self,
        client_user_id: String,
    ) -> Result<Vec<Effect>, &'static str> {
        let id = self.begin(Request::CreateUser {
            client_user_id: client_user_id.clone(),
        })?;
        Ok(vec![Effect::CreateUser { id, client_user_id }])
    }

    /// The patient `client_user_id` was created (or not).
    pub(super) fn on_created(
        &mut self,
        client_user_id: String,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    ) -> Vec<Effect> {
        match result {
            Ok(created) => {
                let user = created.to_user(at);
                self.patients.append(vec![user]);
                let mut effects = self.catch_up_filter();
                if let Some(t) = &mut self.patients.total {
                    *t += 1;
                }
                effects.extend(self.select_user(created.user_id));
                self.toast(
                    Level::Success,
                    format!("Created patient {client_user_id} (selected: tick providers, then m)"),
                );
                effects
            }
            Err(ApiError::DuplicateUser { user_id, .. }) => {
                self.overlays.confirm = Some(Confirm::UseExisting {
                    client_user_id,
                    user_id,
                });
                vec![]
            }
            Err(e) => {
                self.on_api_error(&e, "The patient was not created");
                vec![]
            }
        }
    }
}
