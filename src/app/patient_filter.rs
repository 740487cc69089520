//! Filtering the patient list without holding up a key: the prompt shows each key at once;
//! a query over few candidates (a short list, or a query that grew from one with few matches)
//! is matched right away, a larger one runs off the loop as [`Effect::FilterPatients`] and the
//! list keeps the previous matches until it answers. A newer query supersedes the one running
//! (its answer is dropped); pages that arrive meanwhile are matched when it answers. When
//! nothing loaded matches, the server is asked for exactly that patient
//! ([`Effect::LookupPatient`]: a `user_id`, or a `client_user_id`), so Enter works on a patient not
//! loaded yet.

use std::sync::Arc;

use super::list::Visible;
use super::matcher::{self, Job, Matches, Query};
use super::patients::{Lookup, Running};
use super::requests::{Load, RequestId};
use super::{App, Effect, Level};
use crate::api::{ApiError, User};

impl App {
    /// The patient filter is now `text` (typed, pasted, cleared).
    pub(super) fn filter_patients(&mut self, text: &str) {
        let query = Arc::new(Query::new(text));
        if let Some(old) = self.patients.running.take() {
            self.patients.outbox.push(Effect::Cancel { id: old.id });
        }
        self.remember_matches();
        if query.is_empty() {
            self.patients.query = query;
            self.patients.list.show(text, Visible::All);
            self.patients.lookup = None;
            return;
        }
        if let Some(found) = self.patients.results.get(text).cloned() {
            self.show_matches(query, found);
            self.catch_up_filter();
            return;
        }
        let p = &self.patients;
        let previous = match p.list.matches() {
            Some(m) if query.narrows(&p.query) => Some(m),
            _ => p.results.narrowed_by(&query),
        };
        let (candidates, from) = match previous {
            Some(m) => (Some(Arc::new(m.ranked.clone())), m.upto),
            None => (None, 0),
        };
        let job = Job {
            query: query.clone(),
            roster: p.list.items().clone(),
            candidates,
            from,
        };
        self.run_filter(job);
    }

    /// Keeps the result on screen for its query before another query replaces it (once: a
    /// result already kept as it is is not copied again).
    fn remember_matches(&mut self) {
        let p = &mut self.patients;
        let Some(m) = p.list.matches() else {
            return;
        };
        let text = p.query.text();
        if p.results
            .get(text)
            .is_some_and(|kept| kept.upto == m.upto && kept.ranked.len() == m.ranked.len())
        {
            return;
        }
        p.results.put(text, m);
    }

    /// Matches `job` now when small, else off the loop.
    fn run_filter(&mut self, job: Job) {
        if job.size() <= self.patients.inline_limit {
            let found = job.run(1);
            self.show_matches(job.query, found);
            return;
        }
        let id = self.next_request_id();
        self.patients.running = Some(Running {
            id,
            query: job.query.clone(),
        });
        self.patients
            .outbox
            .push(Effect::FilterPatients { id, job });
    }

    fn show_matches(&mut self, query: Arc<Query>, found: Matches) {
        let text = query.text().to_string();
        self.patients.query = query;
        self.patients.list.show(&text, Visible::Ranked(found));
        self.keep_cursors_visible();
        self.lookup_if_nothing_matches();
    }

    /// A filter that ran off the loop answered.
    pub(super) fn on_filtered(&mut self, id: RequestId, found: Matches) {
        match &self.patients.running {
            Some(r) if r.id == id => {}
            _ => return, // superseded
        }
        let run = self.patients.running.take().expect("checked");
        self.show_matches(run.query, found);
        self.catch_up_filter();
    }

    /// Patients were added: the filter's matches take them in (merged when few, else matched
    /// again off the loop; while a filter runs, when it answers).
    pub(super) fn catch_up_filter(&mut self) {
        let p = &self.patients;
        if p.running.is_some() {
            return;
        }
        let Some(m) = p.list.matches() else {
            return;
        };
        let len = p.list.items().len();
        if m.upto >= len {
            return;
        }
        let tail = len - m.upto;
        let query = p.query.clone();
        if tail <= self.patients.inline_limit {
            let more = matcher::filter(&query, p.list.items(), Some(&[]), m.upto, 1);
            let mut all = m.clone();
            matcher::merge(&mut all, &more);
            let text = query.text().to_string();
            self.patients.list.show(&text, Visible::Ranked(all));
            self.keep_cursors_visible();
            if self.patients.list.visible().is_empty() {
                self.lookup_if_nothing_matches();
            } else if let Some(l) = &mut self.patients.lookup
                && l.select
                && l.state.is_loading()
            {
                // A match arrived with a page: Enter selects it instead.
                l.select = false;
                let fx = self.select_highlighted();
                self.patients.outbox.extend(fx);
            }
            return;
        }
        let job = Job {
            query,
            roster: p.list.items().clone(),
            candidates: Some(Arc::new(m.ranked.clone())),
            from: m.upto,
        };
        self.run_filter(job);
    }

    /// Nothing loaded matches: ask the server for exactly what was typed.
    fn lookup_if_nothing_matches(&mut self) {
        if !self.patients.list.visible().is_empty() {
            return;
        }
        let text = self
            .patients
            .query
            .text()
            .trim()
            .trim_start_matches('\'')
            .to_string();
        if text.is_empty() || text.contains(char::is_whitespace) {
            return;
        }
        if self
            .patients
            .lookup
            .as_ref()
            .is_some_and(|l| l.text == text)
        {
            return;
        }
        if let Some(old) = self.patients.lookup.take() {
            self.patients.outbox.push(Effect::Cancel { id: old.id });
        }
        let id = self.next_request_id();
        self.patients.lookup = Some(Lookup {
            id,
            text: text.clone(),
            state: Load::Loading,
            select: false,
        });
        self.patients
            .outbox
            .push(Effect::LookupPatient { id, text });
    }

    /// Enter with nothing highlighted: select what the server lookup finds.
    pub(super) fn select_when_found(&mut self) -> Vec<Effect> {
        let Some(l) = &mut self.patients.lookup else {
            return vec![];
        };
        match &l.state {
            Load::Loading => {
                l.select = true;
                let text = format!("Looking for {} on the server…", l.text);
                self.toast(Level::Info, text);
            }
            Load::Loaded(false) | Load::Failed(_) => {
                let text = format!(
                    "No patient {} is loaded or on the server: n creates one",
                    l.text
                );
                self.toast(Level::Warning, text);
            }
            Load::Loaded(true) => {}
        }
        vec![]
    }

    /// The server lookup answered.
    pub(super) fn on_looked_up(
        &mut self,
        id: RequestId,
        result: Result<User, ApiError>,
    ) -> Vec<Effect> {
        let Some(l) = self.patients.lookup.as_mut().filter(|l| l.id == id) else {
            return vec![]; // superseded
        };
        let select = std::mem::take(&mut l.select);
        match result {
            Ok(user) => {
                l.state = Load::Loaded(true);
                let (user_id, name) = (user.user_id, user.client_user_id.clone());
                self.patients.append(vec![user]);
                if let Some(t) = &mut self.patients.total {
                    *t = (*t).max(self.patients.list.items().len() as u64);
                }
                self.catch_up_filter();
                if select {
                    let effects = self.select_user(user_id);
                    self.toast(
                        Level::Info,
                        format!("Selected {name}: tick providers, then m to mint"),
                    );
                    return effects;
                }
                vec![]
            }
            Err(e) => {
                let found_nothing = matches!(e, ApiError::NotFound { .. });
                let text = l.text.clone();
                l.state = if found_nothing {
                    Load::Loaded(false)
                } else {
                    Load::Failed(e.to_string())
                };
                if !found_nothing && !self.alert_if_refused(&e) {
                    self.toast(Level::Error, format!("Looking up {text}: {e}"));
                } else if select {
                    self.select_when_found();
                }
                vec![]
            }
        }
    }
}
