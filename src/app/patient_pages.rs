//! Loading the patient list: the first page alone (so it is on screen first), then up to
//! [`PARALLEL_PAGES`] pages at a time. Pages are taken in list order through one
//! [`PageGuard`](crate::api::PageGuard), whatever order they arrive in, so empty or short pages,
//! repeated pages, more users than `total` and absurd totals stop the load exactly as when
//! paging one at a time. Each page is a request of its own in the registry (which knows its
//! offset): Esc and `R` cancel all of them, and a page of an older load is dropped there. (Waiting out a 429 together is the runtime's part: one
//! `Retry-After` holds back every page not yet sent.)

use super::patients::{PARALLEL_PAGES, Paging};
use super::requests::{Load, Pending, RequestId, Task};
use super::{App, Effect, Level};
use crate::api::client::MAX_PAGE;
use crate::api::{ApiError, UsersPage};

impl App {
    /// The first page of the list (at start, and on `R`).
    pub(super) fn load_patients(&mut self) -> Effect {
        self.patients.load = Load::Loading;
        self.patients.paging = Paging::new(self.env.host.clone());
        let request = self.requests.start(Pending::Page { offset: 0 });
        Effect::LoadUsers { offset: 0, request }
    }

    /// The first page's request, while it is in flight.
    pub fn page_request(&self) -> Option<RequestId> {
        self.requests
            .all()
            .find_map(|(id, p)| matches!(p, Pending::Page { offset: 0 }).then_some(id))
    }

    /// Stops every page request still out, and forgets pages waiting for the ones ahead.
    pub(super) fn cancel_pages(&mut self) -> Vec<Effect> {
        self.patients.paging.arrived.clear();
        self.requests.cancel_all(Task::LoadUsers)
    }

    /// `R`: the list again from its first page; a load still running (waiting out a long
    /// `Retry-After`, say) is stopped and started over.
    pub(super) fn reload_patients(&mut self) -> Vec<Effect> {
        let mut effects = self.cancel_pages();
        effects.push(self.load_patients());
        effects.extend(self.load_status());
        self.toast(
            Level::Info,
            "Loading the patient list again (the selection and the filter stay)",
        );
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
        let mut effects = self.catch_up_filter();
        effects.extend(self.cancel_pages());
        effects
    }

    /// The page at `offset` answered (the registry dropped pages of a stopped or older load).
    pub(super) fn on_users(
        &mut self,
        offset: u64,
        result: Result<UsersPage, ApiError>,
    ) -> Vec<Effect> {
        self.retrying = None;
        let page = match result {
            Ok(page) => page,
            Err(e) => return self.patients_failed(&e),
        };
        self.patients.paging.arrived.insert(offset, page);
        let mut effects = Vec::new();
        // Take in, in list order, every page that is next.
        let mut grew = false;
        loop {
            let next = self.patients.paging.guard.next_offset();
            let Some(page) = self.patients.paging.arrived.remove(&next) else {
                break;
            };
            let more = match self.patients.paging.guard.accept(&page) {
                Ok(more) => more,
                Err(e) => {
                    if grew {
                        effects.extend(self.catch_up_filter());
                    }
                    effects.extend(self.patients_failed(&e));
                    return effects;
                }
            };
            self.patients.total = Some(page.total);
            if page.offset == 0 && next == 0 && !self.patients.list.items().is_empty() {
                // A reload: a filter still matching the old list is of no use now.
                effects.extend(self.requests.cancel_all(Task::FilterPatients));
                self.patients.restart(page.users);
            } else {
                self.patients.append(page.users);
            }
            grew = true;
            if more.is_none() {
                self.patients.load = Load::Loaded(());
                effects.extend(self.catch_up_filter());
                self.keep_cursors_visible();
                effects.extend(self.cancel_pages());
                return effects;
            }
        }
        if grew {
            effects.extend(self.catch_up_filter());
            self.keep_cursors_visible();
        }
        effects.extend(self.next_pages());
        effects
    }

    /// Asks for the next pages, keeping [`PARALLEL_PAGES`] out (and as few waiting in order).
    fn next_pages(&mut self) -> Vec<Effect> {
        let total = self.patients.total.unwrap_or(0);
        let mut effects = Vec::new();
        loop {
            let in_flight = self.requests.count(Task::LoadUsers);
            let p = &self.patients.paging;
            let out = in_flight + p.arrived.len();
            if in_flight >= PARALLEL_PAGES
                || out >= 2 * PARALLEL_PAGES
                || p.next_issue >= total
                || p.guard.next_offset() == 0
            {
                break;
            }
            let offset = self.patients.paging.next_issue;
            self.patients.paging.next_issue += u64::from(MAX_PAGE);
            let request = self.requests.start(Pending::Page { offset });
            effects.push(Effect::LoadUsers { offset, request });
        }
        effects
    }

    /// A page failed (after the client's retries) or made no sense: the load stops, keeping
    /// what arrived, and the other pages are cancelled.
    fn patients_failed(&mut self, e: &ApiError) -> Vec<Effect> {
        self.alert_if_refused(e);
        self.toast(
            Level::Error,
            format!("The patient list did not load: {e} · R loads it again"),
        );
        self.patients.load = Load::Failed(e.to_string());
        let mut effects = self.catch_up_filter();
        effects.extend(self.cancel_pages());
        effects
    }
}
