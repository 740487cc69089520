//! One list state for every list of the console: the Patient and Providers panes, the preset
//! list (`P`), the history (`H`) and the profile picker. [`ListState`] holds the highlight and
//! the scroll (as ratatui's `ListState` does) and keeps the one rule for the highlight:
//!
//! - a new query puts it on the best match, the first row (as fzf does), scrolled to the top;
//! - when the rows change under the same query (more loaded, a reload, a tick) it stays on the
//!   same item while that item is listed, else on the nearest row: the one now where it was, or
//!   the last;
//! - keys move it by rows, pages of the height the layout gives the list ([`super::layout`]),
//!   and the list scrolls as little as needed to show it.
//!
//! [`FilteredList`] is a filtered list of items with that state (the Providers pane);
//! [`PatientList`] is the same over the compact patient [`Roster`], with ranked filter matches.

use super::matcher::Matches;
use super::roster::{PatientRef, Roster};
use super::status::{StatusFilter, StatusView};
use crate::audit::onboarding::{Code, Counts};

/// How a key moves the highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Motion {
    /// The position `pos` moves to in a list of `len` items (`len > 0`) showing `page` rows.
    pub fn apply(self, pos: usize, len: usize, page: usize) -> usize {
        let last = len.saturating_sub(1);
        let page = page.max(1);
        match self {
            Motion::Up => pos.saturating_sub(1),
            Motion::Down => (pos + 1).min(last),
            Motion::PageUp => pos.saturating_sub(page),
            Motion::PageDown => (pos + page).min(last),
            Motion::Home => 0,
            Motion::End => last,
        }
    }
}

/// The highlight and the scroll of one list: `cursor` is the highlighted row (a position among
/// the rows listed), `offset` the first line drawn. `update` keeps it; drawing reads it (through
/// [`ListState::window`], which also holds when the screen changed size since).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    cursor: usize,
    offset: usize,
}

impl ListState {
    /// A list with the highlight on row `cursor`, drawn from the top.
    pub fn on(cursor: usize) -> ListState {
        ListState { cursor, offset: 0 }
    }

    pub fn cursor(self) -> usize {
        self.cursor
    }

    pub fn offset(self) -> usize {
        self.offset
    }

    /// A new query: the highlight on its best match (the first row), scrolled to the top.
    pub fn new_query(&mut self) {
        *self = ListState::default();
    }

    /// The rows changed under the same query and there are now `len`: `now_at` is the row the
    /// highlighted item is on now, `None` when it is no longer listed (the highlight then takes
    /// the nearest row: the one now where it was, or the last).
    pub fn items_changed(&mut self, now_at: Option<usize>, len: usize) {
        self.cursor = now_at.unwrap_or(self.cursor).min(len.saturating_sub(1));
        self.offset = self.offset.min(self.cursor);
    }

    /// Puts the highlight on row `pos`.
    pub fn select(&mut self, pos: usize) {
        self.cursor = pos;
    }

    /// Moves the highlight among `len` rows; `page` is how many the list shows (from the
    /// layout). The caller scrolls after ([`Self::scroll_to_show`]), or uses [`Self::move_in`].
    pub fn move_cursor(&mut self, motion: Motion, len: usize, page: usize) {
        if len > 0 {
            self.cursor = motion.apply(self.cursor, len, page);
        }
    }

    /// Moves the highlight among `len` rows in a list showing `page` of them, and scrolls so it
    /// shows (for lists whose lines are their rows).
    pub fn move_in(&mut self, motion: Motion, len: usize, page: usize) {
        self.move_cursor(motion, len, page);
        self.scroll_to_show(self.cursor, self.cursor, page);
    }

    /// Scrolls as little as possible so that drawn lines `first..=last` are inside a window of
    /// `rows` lines, `last` winning when both cannot fit.
    pub fn scroll_to_show(&mut self, first: usize, last: usize, rows: usize) {
        self.offset = scrolled_to_show(self.offset, first, last, rows);
    }

    /// The first line to draw in a window of `rows` lines: the offset, moved as little as
    /// needed for the highlight to show (for lists whose lines are their rows).
    pub fn window(self, rows: usize) -> usize {
        scrolled_to_show(self.offset, self.cursor, self.cursor, rows)
    }
}

/// The scroll offset that keeps drawn lines `first..=last` inside a window of `rows` lines
/// starting at `offset`, moving it as little as possible; `last` wins when both cannot fit.
fn scrolled_to_show(mut offset: usize, first: usize, last: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    for line in [first, last] {
        if line < offset {
            offset = line;
        } else if line >= offset + rows {
            offset = line + 1 - rows;
        }
    }
    offset
}

/// Items, a filter, and what it lets through with the [`ListState`] over them.
#[derive(Debug, Clone)]
pub struct FilteredList<T> {
    items: Vec<T>,
    filter: String,
    /// Indices into `items` that pass the filter, in order.
    visible: Vec<usize>,
    /// The highlight (a position in `visible`) and the first drawn line.
    state: ListState,
}

impl<T> Default for FilteredList<T> {
    fn default() -> Self {
        FilteredList {
            items: Vec::new(),
            filter: String::new(),
            visible: Vec::new(),
            state: ListState::default(),
        }
    }
}

impl<T> FilteredList<T> {
    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Indices into [`items`](Self::items) of what the filter lets through.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn state(&self) -> ListState {
        self.state
    }

    /// The visible items with their positions.
    pub fn visible_items(&self) -> impl Iterator<Item = (usize, &T)> {
        self.visible.iter().map(|&i| &self.items[i]).enumerate()
    }

    pub fn highlighted(&self) -> Option<&T> {
        self.visible.get(self.state.cursor).map(|&i| &self.items[i])
    }

    /// Replaces every item (a reload) under the same filter, applied by `keeps`. The highlight
    /// stays on the item with the same `key` while it is listed, else takes the nearest row.
    pub fn replace<K: PartialEq>(
        &mut self,
        items: Vec<T>,
        keeps: impl Fn(&T) -> bool,
        key: impl Fn(&T) -> K,
    ) {
        let kept = self.highlighted().map(&key);
        self.items = items;
        self.refilter(keeps);
        let now_at = kept.and_then(|k| self.visible.iter().position(|&i| key(&self.items[i]) == k));
        self.state.items_changed(now_at, self.visible.len());
    }

    /// Applies `filter` (its test is `keeps`): a new one highlights its best match, the first
    /// row; the same one again, or none (cleared: there is no best match), keeps the highlighted
    /// item.
    pub fn set_filter(&mut self, filter: String, keeps: impl Fn(&T) -> bool) {
        let cleared = filter.trim().is_empty();
        if filter == self.filter || cleared {
            self.filter = filter;
            let kept = self.visible.get(self.state.cursor).copied();
            self.refilter(keeps);
            let now_at = kept.and_then(|k| self.visible.iter().position(|&i| i == k));
            self.state.items_changed(now_at, self.visible.len());
        } else {
            self.filter = filter;
            self.refilter(keeps);
            self.state.new_query();
        }
    }

    fn refilter(&mut self, keeps: impl Fn(&T) -> bool) {
        self.visible = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| keeps(item))
            .map(|(i, _)| i)
            .collect();
    }

    /// Moves the highlight; `page` is how many rows the pane shows.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) {
        self.state.move_cursor(motion, self.visible.len(), page);
    }

    /// As [`ListState::scroll_to_show`].
    pub fn scroll_to_show(&mut self, first: usize, last: usize, rows: usize) {
        self.state.scroll_to_show(first, last, rows);
    }
}

/// Which positions of the patient roster show: all of them (no filter), or a filter's ranked
/// matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Visible {
    All,
    Ranked(Matches),
}

/// The patient list: the [`Roster`] and a view of it, like [`FilteredList`] but sized for a
/// million (no filter shows everything without a list of positions; a filter shows its ranked
/// matches, which the pane computes with [`super::matcher`]).
#[derive(Debug, Clone)]
pub struct PatientList {
    roster: Roster,
    filter: String,
    visible: Visible,
    state: ListState,
    /// Each patient's onboarding status code and the status filter (`F`) over `visible`.
    status: StatusView,
}

impl Default for PatientList {
    fn default() -> Self {
        PatientList {
            roster: Roster::default(),
            filter: String::new(),
            visible: Visible::All,
            state: ListState::default(),
            status: StatusView::default(),
        }
    }
}

/// The visible positions, as a list of roster positions: every one (`rows` is `None`), or
/// those listed.
#[derive(Debug, Clone, Copy)]
pub struct VisibleView<'a> {
    rows: Option<&'a [u32]>,
    len: usize,
}

impl VisibleView<'_> {
    pub fn len(&self) -> usize {
        self.rows.map_or(self.len, <[u32]>::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The roster position shown at `pos`.
    pub fn get(&self, pos: usize) -> Option<usize> {
        match self.rows {
            None => (pos < self.len).then_some(pos),
            Some(rows) => rows.get(pos).map(|&i| i as usize),
        }
    }

    /// The row showing roster position `index`, if it shows.
    fn position(&self, index: usize) -> Option<usize> {
        match self.rows {
            None => (index < self.len).then_some(index),
            Some(rows) => rows.iter().position(|&i| i as usize == index),
        }
    }
}

impl PatientList {
    pub fn items(&self) -> &Roster {
        &self.roster
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// What shows: the text filter's matches (or everyone), through the status filter.
    pub fn visible(&self) -> VisibleView<'_> {
        let rows = self.status.rows.as_deref().or(match &self.visible {
            Visible::All => None,
            Visible::Ranked(m) => Some(m.ranked.as_slice()),
        });
        VisibleView {
            rows,
            len: self.roster.len(),
        }
    }

    /// How many the text filter lets through, before the status filter.
    pub fn matched_len(&self) -> usize {
        match &self.visible {
            Visible::All => self.roster.len(),
            Visible::Ranked(m) => m.ranked.len(),
        }
    }

    /// Whether the text filter lets roster position `index` through (the status filter aside).
    pub fn text_matches(&self, index: usize) -> bool {
        match &self.visible {
            Visible::All => index < self.roster.len(),
            Visible::Ranked(m) => m.ranked.contains(&(index as u32)),
        }
    }

    /// The roster position of the text filter's best match (the first row without `F`).
    pub fn first_match(&self) -> Option<usize> {
        match &self.visible {
            Visible::All => (!self.roster.is_empty()).then_some(0),
            Visible::Ranked(m) => m.ranked.first().map(|&i| i as usize),
        }
    }

    pub fn matches(&self) -> Option<&Matches> {
        match &self.visible {
            Visible::All => None,
            Visible::Ranked(m) => Some(m),
        }
    }

    pub fn state(&self) -> ListState {
        self.state
    }

    /// The visible patients with their positions, from `from` on.
    pub fn visible_items(&self, from: usize) -> impl Iterator<Item = (usize, PatientRef<'_>)> {
        let view = self.visible();
        (from..view.len()).map(move |pos| {
            let i = view.get(pos).expect("in range");
            (pos, self.roster.get_ref(i))
        })
    }

    /// The roster position of the highlight.
    pub fn highlighted_index(&self) -> Option<usize> {
        self.visible().get(self.state.cursor)
    }

    pub fn highlighted(&self) -> Option<PatientRef<'_>> {
        self.highlighted_index().map(|i| self.roster.get_ref(i))
    }

    /// The roster, to add patients to; the caller then says what shows ([`Self::show`]).
    pub fn roster_mut(&mut self) -> &mut Roster {
        &mut self.roster
    }

    /// Empties the list for a reload, keeping the filter text and the highlight's row; the
    /// caller refills it and says which patient was highlighted ([`Self::reshow`]).
    pub fn clear(&mut self) {
        self.roster = Roster::default();
        self.status.clear();
        self.visible = match self.visible {
            Visible::All => Visible::All,
            Visible::Ranked(_) => Visible::Ranked(Matches::default()),
        };
    }

    /// Shows `visible` for `filter`. A new filter highlights its best match, at the top (as
    /// fzf does); new matches of the same filter (more pages) keep the highlight on the same
    /// patient while it is visible, else on the nearest row.
    pub fn show(&mut self, filter: &str, visible: Visible) {
        // The same filter, or none (cleared: there is no best match): the highlight stays on
        // the patient it was on, who is often the one selected.
        if filter == self.filter || filter.trim().is_empty() {
            let kept = self.highlighted_index();
            self.filter = filter.to_string();
            self.reshow(visible, kept);
        } else {
            self.filter = filter.to_string();
            self.visible = visible;
            self.refilter_status();
            self.state.new_query();
        }
    }

    /// Shows `visible` for the same filter, the highlight on the patient at roster position
    /// `kept` while it is visible, else on the nearest row.
    pub fn reshow(&mut self, visible: Visible, kept: Option<usize>) {
        self.visible = visible;
        self.refilter_status();
        let now_at = kept.and_then(|k| self.position_of(k));
        self.state.items_changed(now_at, self.visible().len());
    }

    fn position_of(&self, index: usize) -> Option<usize> {
        self.visible().position(index)
    }

    /// Moves the highlight to the patient at roster position `index`; false when hidden.
    pub fn highlight_index(&mut self, index: usize) -> bool {
        match self.position_of(index) {
            Some(pos) => {
                self.state.select(pos);
                true
            }
            None => false,
        }
    }

    /// Moves the highlight; `page` is how many rows the pane shows.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) {
        self.state.move_cursor(motion, self.visible().len(), page);
    }

    /// As [`ListState::scroll_to_show`].
    pub fn scroll_to_show(&mut self, first: usize, last: usize, rows: usize) {
        self.state.scroll_to_show(first, last, rows);
    }

    // The onboarding status of each patient (kept and filtered on in `app/status.rs`).

    /// The status code of the patient at roster position `i` (`None` for the QA user).
    pub fn code(&self, i: usize) -> Option<Code> {
        self.status.code(i)
    }

    /// How many loaded patients have each status.
    pub fn counts(&self) -> Counts {
        self.status.counts
    }

    pub fn status_filter(&self) -> StatusFilter {
        self.status.filter
    }

    /// The code of the patient just pushed to the roster (codes follow the roster's order).
    pub fn push_code(&mut self, c: Option<Code>) {
        self.status.push(c);
        // Without a text filter, a patient loaded while the status filter is on shows at once
        // (with one, the filter's matches take it in, and the status filter follows them).
        if matches!(self.visible, Visible::All) {
            self.status.take_in(self.status_len() - 1);
        }
    }

    /// Every patient's code again (the audit log was read, a link expired): what shows follows,
    /// the highlight staying on its patient while shown, else on the nearest row.
    pub fn set_codes(&mut self, codes: Vec<u8>) {
        let kept = self.highlighted_index();
        self.status.set_all(codes);
        self.refilter_status();
        let now_at = kept.and_then(|k| self.position_of(k));
        self.state.items_changed(now_at, self.visible().len());
    }

    /// The code of one patient changed (a connection seen, a link minted).
    pub fn set_code(&mut self, i: usize, c: Option<Code>) {
        if self.status.code(i) == c {
            return;
        }
        let kept = self.highlighted_index();
        self.status.set(i, c);
        self.refilter_status();
        let now_at = kept.and_then(|k| self.position_of(k));
        self.state.items_changed(now_at, self.visible().len());
    }

    /// `F`: shows only the patients the status filter keeps, among the text filter's matches;
    /// the highlight stays on its patient while shown, else takes the nearest row.
    pub fn set_status_filter(&mut self, f: StatusFilter) {
        let kept = self.highlighted_index();
        self.status.filter = f;
        self.refilter_status();
        let now_at = kept.and_then(|k| self.position_of(k));
        self.state.items_changed(now_at, self.visible().len());
    }

    fn status_len(&self) -> usize {
        self.status.len()
    }

    /// The rows the status filter keeps of the text filter's, in the same order.
    fn refilter_status(&mut self) {
        let base: Option<&[u32]> = match &self.visible {
            Visible::All => None,
            Visible::Ranked(m) => Some(&m.ranked),
        };
        self.status.refilter(base, self.roster.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn motions_clamp_to_the_list() {
        let cases = [
            (Motion::Up, 0, 0),
            (Motion::Down, 9, 9),
            (Motion::PageDown, 5, 9),
            (Motion::PageUp, 3, 0),
            (Motion::Home, 7, 0),
            (Motion::End, 2, 9),
        ];
        for (m, from, want) in cases {
            assert_eq!(m.apply(from, 10, 4), want, "{m:?} from {from}");
        }
    }

    #[test]
    fn a_new_query_puts_the_highlight_on_the_first_row_at_the_top() {
        let mut s = ListState::on(7);
        s.scroll_to_show(7, 7, 3);
        assert_eq!(s.offset(), 5);
        s.new_query();
        assert_eq!((s.cursor(), s.offset()), (0, 0));
    }

    #[test]
    fn changed_rows_keep_the_item_else_the_nearest_row() {
        let mut s = ListState::on(4);
        s.scroll_to_show(4, 4, 2);
        s.items_changed(Some(9), 20);
        assert_eq!(s.cursor(), 9, "the same item, moved down");
        s.items_changed(None, 20);
        assert_eq!(s.cursor(), 9, "gone: the row now where it was");
        s.items_changed(None, 5);
        assert_eq!(
            (s.cursor(), s.offset()),
            (4, 3),
            "gone past the end: the last"
        );
        s.items_changed(None, 0);
        assert_eq!((s.cursor(), s.offset()), (0, 0), "nothing listed");
    }

    #[test]
    fn moves_scroll_as_little_as_needed_and_the_window_follows_the_highlight() {
        let mut s = ListState::default();
        s.move_in(Motion::PageDown, 20, 5);
        assert_eq!((s.cursor(), s.offset()), (5, 1));
        s.move_in(Motion::Up, 20, 5);
        assert_eq!((s.cursor(), s.offset()), (4, 1), "no scroll while it shows");
        s.move_in(Motion::End, 20, 5);
        assert_eq!((s.cursor(), s.offset()), (19, 15));
        s.move_in(Motion::Up, 20, 5);
        assert_eq!(
            s.offset(),
            15,
            "moving up inside the window does not scroll"
        );
        assert_eq!(s.window(5), 15);
        assert_eq!(
            s.window(2),
            17,
            "a smaller window still shows the highlight"
        );
        s.move_in(Motion::Home, 0, 5);
        assert_eq!(s.cursor(), 18, "nothing to move in");
    }

    fn list(n: usize) -> FilteredList<usize> {
        let mut l = FilteredList::default();
        l.replace((0..n).collect(), |_| true, |i| *i);
        l
    }

    #[test]
    fn a_new_filter_highlights_its_best_match_and_the_same_filter_keeps_the_item() {
        let mut l = list(20);
        l.move_cursor(Motion::End, 5);
        l.scroll_to_show(19, 19, 5);
        assert_eq!(l.state().offset(), 15);
        l.set_filter("odd".into(), |i| i % 2 == 1);
        assert_eq!(l.highlighted(), Some(&1), "a new filter: its first match");
        assert_eq!(l.state().offset(), 0);
        l.move_cursor(Motion::Down, 5);
        assert_eq!(l.highlighted(), Some(&3));
        // The same filter again, now letting fewer through: the same item, on its new row.
        l.set_filter("odd".into(), |i| i % 2 == 1 && *i != 1);
        assert_eq!(l.highlighted(), Some(&3));
        assert_eq!(l.state().cursor(), 0);
    }

    #[test]
    fn a_reload_keeps_the_item_by_key_else_the_nearest_row() {
        let mut l = list(10);
        l.set_filter("even".into(), |i| i % 2 == 0);
        l.move_cursor(Motion::Down, 5);
        l.move_cursor(Motion::Down, 5);
        assert_eq!(l.highlighted(), Some(&4));
        l.replace(vec![8, 6, 0, 4, 2], |i| i % 2 == 0, |i| *i);
        assert_eq!(l.highlighted(), Some(&4), "the same item, on its new row");
        assert_eq!(l.state().cursor(), 3);
        l.replace(vec![8, 6, 0, 2], |i| i % 2 == 0, |i| *i);
        assert_eq!(l.highlighted(), Some(&2), "gone: the row now where it was");
        l.replace(vec![8, 6], |i| i % 2 == 0, |i| *i);
        assert_eq!(l.highlighted(), Some(&6), "gone past the end: the last");
        assert_eq!(l.filter(), "even");
    }
}
