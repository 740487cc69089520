//! The Patient pane: users loading page by page, a filter, a highlight and a selection.

use std::collections::HashMap;

use uuid::Uuid;

use crate::api::{ConnectedProvider, User};

/// Something loaded in the background.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

#[derive(Debug, Default)]
pub struct Patients {
    /// Users in the order the API listed them (created ones appended).
    pub rows: Vec<User>,
    /// `total` from the API, once the first page arrived.
    pub total: Option<u64>,
    pub loading: bool,
    pub load_error: Option<String>,
    /// Which load is current: answers for an older one are dropped.
    pub generation: u64,
    pub filter: String,
    /// Indices into `rows` that match the filter, in order.
    pub visible: Vec<usize>,
    /// Position of the highlight in `visible`.
    pub cursor: usize,
    /// First visible position (scrolling).
    pub offset: usize,
    pub selected: Option<Uuid>,
    pub connections: HashMap<Uuid, Loadable<Vec<ConnectedProvider>>>,
    /// The id of the one user fetch whose answer may still select a user.
    pub pending_user: Option<u64>,
    /// The highlighted patient's connections should be loaded once the highlight rests.
    pub detail_pending: bool,
    /// Row index of each user_id, so lookups stay O(1) for large teams.
    index: HashMap<Uuid, usize>,
}

pub fn matches(user: &User, needle_lower: &str) -> bool {
    needle_lower.is_empty()
        || user.client_user_id.to_lowercase().contains(needle_lower)
        || user.user_id.to_string().starts_with(needle_lower)
}

/// Recomputes which items a filter lets through, keeping the highlight on the same item when it
/// is still visible (else the first). Shared by the Patient and Providers lists.
pub fn refilter<T>(
    items: &[T],
    visible: &mut Vec<usize>,
    cursor: &mut usize,
    keeps: impl Fn(&T) -> bool,
) {
    let keep = visible.get(*cursor).copied();
    *visible = items
        .iter()
        .enumerate()
        .filter(|(_, item)| keeps(item))
        .map(|(i, _)| i)
        .collect();
    *cursor = keep
        .and_then(|k| visible.iter().position(|&i| i == k))
        .unwrap_or(0);
}

impl Patients {
    pub fn highlighted(&self) -> Option<&User> {
        self.visible.get(self.cursor).map(|&i| &self.rows[i])
    }

    pub fn selected_user(&self) -> Option<&User> {
        let id = self.selected?;
        self.find(id).map(|i| &self.rows[i])
    }

    pub fn find(&self, id: Uuid) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// Adds loaded rows, keeping the filter and highlight.
    pub fn append(&mut self, users: Vec<User>) {
        let needle = self.filter.to_lowercase();
        for u in users {
            if self.find(u.user_id).is_some() {
                continue;
            }
            if matches(&u, &needle) {
                self.visible.push(self.rows.len());
            }
            self.index.insert(u.user_id, self.rows.len());
            self.rows.push(u);
        }
    }

    /// Starts the list again from a fresh first page (a reload): users gone from the team
    /// disappear, the filter stays, and the highlighted user stays highlighted if still there.
    pub fn restart(&mut self, first_page: Vec<User>) {
        let keep = self.highlighted().map(|u| u.user_id);
        self.rows.clear();
        self.index.clear();
        self.visible.clear();
        self.append(first_page);
        self.cursor = keep
            .and_then(|id| self.find(id))
            .and_then(|row| self.visible.iter().position(|&i| i == row))
            .unwrap_or(0);
        self.offset = 0;
    }

    /// Re-applies the filter; the highlighted user stays highlighted if still visible.
    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        let needle = self.filter.to_lowercase();
        refilter(&self.rows, &mut self.visible, &mut self.cursor, |u| {
            matches(u, &needle)
        });
        self.offset = 0;
    }

    /// Moves the highlight to a row index, clearing a filter that hides it.
    pub fn highlight_row(&mut self, row: usize) {
        if !self.visible.contains(&row) {
            self.set_filter("");
        }
        if let Some(pos) = self.visible.iter().position(|&i| i == row) {
            self.cursor = pos;
        }
    }
}
