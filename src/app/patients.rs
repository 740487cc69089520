//! The Patient pane: users loading page by page, a filter, a highlight, the selection, the
//! highlighted patient's connections, and creating a patient.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::list::{FilteredList, Motion};
use super::overlay::Confirm;
use super::requests::{Load, Request, RequestId};
use super::{App, Effect, Level, layout};
use crate::api::client::MAX_PAGE;
use crate::api::{ApiError, ConnectedProvider, CreatedUser, PageGuard, User, UsersPage};

#[derive(Debug)]
pub struct Patients {
    /// Users in the order the API listed them (created ones appended).
    pub list: FilteredList<User>,
    /// `total` from the API, once the first page arrived.
    pub total: Option<u64>,
    pub load: Load<()>,
    /// The newest page request: answers for another one are dropped.
    pub page_request: RequestId,
    /// Walks the pages of the current load and stops one that never advances.
    pages: PageGuard,
    pub selected: Option<Uuid>,
    pub connections: HashMap<Uuid, Load<Vec<ConnectedProvider>>>,
    /// The one user fetch whose answer may still select a user.
    pub pending_user: Option<RequestId>,
    /// The highlighted patient's connections should be loaded once the highlight rests.
    pub detail_pending: bool,
    /// Who was highlighted at the last tick: the highlight rests when a tick finds it again.
    detail_candidate: Option<Uuid>,
    /// Index of each `user_id` in the list, so lookups stay O(1) for large teams.
    index: HashMap<Uuid, usize>,
}

impl Default for Patients {
    fn default() -> Self {
        Patients {
            list: FilteredList::default(),
            total: None,
            load: Load::Loaded(()),
            page_request: RequestId::default(),
            pages: PageGuard::new("the API", MAX_PAGE),
            selected: None,
            connections: HashMap::new(),
            pending_user: None,
            detail_pending: false,
            detail_candidate: None,
            index: HashMap::new(),
        }
    }
}

/// Whether a user passes the filter: part of the `client_user_id` (any case), or the start of the
/// `user_id`. `needle_lower` is the filter in lower case.
pub fn matches(user: &User, needle_lower: &str) -> bool {
    needle_lower.is_empty()
        || user.client_user_id.to_lowercase().contains(needle_lower)
        || user.user_id.to_string().starts_with(needle_lower)
}

impl Patients {
    pub fn highlighted(&self) -> Option<&User> {
        self.list.highlighted()
    }

    pub fn selected_user(&self) -> Option<&User> {
        self.find(self.selected?)
    }

    pub fn find(&self, id: Uuid) -> Option<&User> {
        self.index.get(&id).map(|&i| &self.list.items()[i])
    }

    /// Adds loaded users, keeping the filter and highlight; users already listed are skipped.
    pub fn append(&mut self, users: Vec<User>) {
        let needle = self.list.filter().to_lowercase();
        for u in users {
            if self.index.contains_key(&u.user_id) {
                continue;
            }
            let (id, shows) = (u.user_id, matches(&u, &needle));
            let i = self.list.push(u, shows);
            self.index.insert(id, i);
        }
    }

    /// Starts the list again from a fresh first page (a reload): users gone from the team
    /// disappear, the filter stays, and the highlighted user stays highlighted if still there.
    pub fn restart(&mut self, first_page: Vec<User>) {
        let keep = self.highlighted().map(|u| u.user_id);
        self.index.clear();
        self.list.replace(Vec::new(), |_| true);
        self.append(first_page);
        if let Some(i) = keep.and_then(|id| self.index.get(&id).copied()) {
            self.list.highlight_index(i);
        }
        self.list.scroll_to_top();
    }

    /// Applies a filter; the highlighted user stays highlighted if still visible.
    pub fn set_filter(&mut self, filter: &str) {
        let needle = filter.to_lowercase();
        self.list
            .set_filter(filter.to_string(), |u| matches(u, &needle));
    }

    /// Moves the highlight to a user, clearing a filter that hides it.
    fn highlight(&mut self, id: Uuid) -> bool {
        let Some(&i) = self.index.get(&id) else {
            return false;
        };
        if !self.list.highlight_index(i) {
            self.set_filter("");
            self.list.highlight_index(i);
        }
        true
    }
}

impl App {
    /// The first page of the list (at start, and on `R`).
    pub(super) fn load_patients(&mut self) -> Effect {
        self.patients.load = Load::Loading;
        self.patients.pages = PageGuard::new(self.env.host.clone(), MAX_PAGE);
        self.patients.page_request = self.next_request_id();
        Effect::LoadUsers {
            offset: 0,
            request: self.patients.page_request,
        }
    }

    /// `R`: the list again from its first page; a load still running (waiting out a long
    /// `Retry-After`, say) is stopped and started over.
    pub(super) fn reload_patients(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.patients.load.is_loading() {
            effects.push(Effect::Cancel {
                id: self.patients.page_request,
            });
        }
        effects.push(self.load_patients());
        effects
    }

    /// Esc while the list loads (and nothing else runs): stop it, keeping what arrived.
    pub(super) fn stop_loading_patients(&mut self) -> Vec<Effect> {
        if !self.patients.load.is_loading() {
            return vec![];
        }
        self.patients.load = Load::Failed("stopped: R loads it again".into());
        self.toast(
            Level::Info,
            format!(
                "Stopped loading the patient list ({} loaded): R loads it again",
                self.patients.list.items().len()
            ),
        );
        vec![Effect::Cancel {
            id: self.patients.page_request,
        }]
    }

    pub(super) fn on_users(
        &mut self,
        request: RequestId,
        result: Result<UsersPage, ApiError>,
    ) -> Vec<Effect> {
        if request != self.patients.page_request || !self.patients.load.is_loading() {
            return vec![];
        }
        self.retrying = None;
        match result.and_then(|page| {
            let next = self.patients.pages.accept(&page)?;
            Ok((page, next))
        }) {
            Ok((page, next)) => {
                self.patients.total = Some(page.total);
                if page.offset == 0 && !self.patients.list.items().is_empty() {
                    self.patients.restart(page.users);
                } else {
                    self.patients.append(page.users);
                }
                self.want_detail();
                if let Some(offset) = next {
                    vec![Effect::LoadUsers { offset, request }]
                } else {
                    self.patients.load = Load::Loaded(());
                    vec![]
                }
            }
            Err(e) => {
                self.alert_if_refused(&e);
                self.toast(
                    Level::Error,
                    format!("The patient list did not load: {e} · R loads it again"),
                );
                self.patients.load = Load::Failed(e.to_string());
                vec![]
            }
        }
    }

    pub(super) fn on_connections(
        &mut self,
        user_id: Uuid,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    ) {
        let state = match result {
            Ok(list) => Load::Loaded(list),
            Err(e) => Load::Failed(e.to_string()),
        };
        self.patients.connections.insert(user_id, state);
    }

    pub(super) fn on_user_loaded(
        &mut self,
        id: RequestId,
        result: Result<User, ApiError>,
    ) -> Vec<Effect> {
        if self.patients.pending_user != Some(id) {
            return vec![];
        }
        self.patients.pending_user = None;
        match result {
            Ok(user) => {
                let (id, name) = (user.user_id, user.client_user_id.clone());
                self.patients.append(vec![user]);
                let effects = self.select_user(id);
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
        let Some(id) = self.patients.highlighted().map(|u| u.user_id) else {
            return vec![];
        };
        let effects = self.select_user(id);
        let name = self
            .patients
            .selected_user()
            .map(|u| u.client_user_id.clone())
            .unwrap_or_default();
        self.toast(
            Level::Info,
            format!("Selected {name}: tick providers, then m to mint"),
        );
        effects
    }

    /// Selects a user (highlighting it) and loads its connections; a user not in the list is
    /// fetched first.
    pub(super) fn select_user(&mut self, user_id: Uuid) -> Vec<Effect> {
        if !self.patients.highlight(user_id) {
            let id = self.next_request_id();
            self.patients.pending_user = Some(id);
            return vec![Effect::LoadUser { id, user_id }];
        }
        self.patients.pending_user = None;
        self.patients.selected = Some(user_id);
        self.keep_cursors_visible();
        self.patients.connections.insert(user_id, Load::Loading);
        vec![Effect::LoadConnections { user_id }]
    }

    pub(super) fn move_patients(&mut self, motion: Motion) {
        let page = layout::areas(self.size).patients.list.height as usize;
        self.patients.list.move_cursor(motion, page);
        self.keep_cursors_visible();
    }

    /// Asks for the highlighted patient's connections at the next tick, if not known yet.
    pub(super) fn want_detail(&mut self) {
        if let Some(u) = self.patients.highlighted() {
            self.patients.detail_pending = !self.patients.connections.contains_key(&u.user_id);
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
        if self.patients.connections.contains_key(&id) {
            return None;
        }
        self.patients.connections.insert(id, Load::Loading);
        Some(Effect::LoadConnections { user_id: id })
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

    pub(super) fn on_created(
        &mut self,
        id: RequestId,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    ) -> Vec<Effect> {
        let Some(Request::CreateUser { client_user_id }) = self.finish(id) else {
            return vec![];
        };
        match result {
            Ok(created) => {
                let user = User {
                    user_id: created.user_id,
                    team_id: None,
                    client_user_id: created.client_user_id.clone(),
                    created_on: Some(at),
                    connected_sources: vec![],
                    fallback_time_zone: None,
                    fallback_birth_date: None,
                    ingestion_start: None,
                    ingestion_end: None,
                };
                self.patients.append(vec![user]);
                if let Some(t) = &mut self.patients.total {
                    *t += 1;
                }
                let effects = self.select_user(created.user_id);
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
