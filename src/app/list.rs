//! One filtered list with a highlight and scrolling, used by the Patient and Providers panes.
//! The pane decides what matches and how many lines it draws; the list keeps `visible`, the
//! cursor (a position in `visible`) and the first drawn line consistent. [`PatientList`] is
//! the same over the compact patient [`Roster`], with ranked filter matches.

use super::matcher::Matches;
use super::roster::{PatientRef, Roster};

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

#[derive(Debug, Clone)]
pub struct FilteredList<T> {
    items: Vec<T>,
    filter: String,
    /// Indices into `items` that pass the filter, in order.
    visible: Vec<usize>,
    /// Position of the highlight in `visible`.
    cursor: usize,
    /// First drawn line (scrolling).
    offset: usize,
}

impl<T> Default for FilteredList<T> {
    fn default() -> Self {
        FilteredList {
            items: Vec::new(),
            filter: String::new(),
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
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

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The visible items with their positions, from the first drawn one.
    pub fn visible_items(&self) -> impl Iterator<Item = (usize, &T)> {
        self.visible.iter().map(|&i| &self.items[i]).enumerate()
    }

    pub fn highlighted(&self) -> Option<&T> {
        self.visible.get(self.cursor).map(|&i| &self.items[i])
    }

    /// Adds an item at the end; it shows when it `matches` the current filter. Returns its index.
    pub fn push(&mut self, item: T, matches: bool) -> usize {
        let index = self.items.len();
        if matches {
            self.visible.push(index);
        }
        self.items.push(item);
        index
    }

    /// Replaces every item; the filter stays and is applied by `keeps`.
    pub fn replace(&mut self, items: Vec<T>, keeps: impl Fn(&T) -> bool) {
        let filter = std::mem::take(&mut self.filter);
        self.items = items;
        self.visible.clear();
        self.cursor = 0;
        self.set_filter(filter, keeps);
    }

    /// Applies a new filter, keeping the highlight on the same item when it is still visible
    /// (else the first), and scrolling to the top.
    pub fn set_filter(&mut self, filter: String, keeps: impl Fn(&T) -> bool) {
        let keep = self.visible.get(self.cursor).copied();
        self.filter = filter;
        self.visible = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| keeps(item))
            .map(|(i, _)| i)
            .collect();
        self.cursor = keep
            .and_then(|k| self.visible.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.offset = 0;
    }

    /// Moves the highlight to the item at `index`; false when the filter hides it.
    pub fn highlight_index(&mut self, index: usize) -> bool {
        match self.visible.iter().position(|&i| i == index) {
            Some(pos) => {
                self.cursor = pos;
                true
            }
            None => false,
        }
    }

    /// Moves the highlight; `page` is how many rows the pane shows.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) {
        if !self.visible.is_empty() {
            self.cursor = motion.apply(self.cursor, self.visible.len(), page);
        }
    }

    /// Scrolls so that drawn lines `first..=last` are inside a window of `rows` lines, `last`
    /// winning when both cannot fit.
    pub fn scroll_to_show(&mut self, first: usize, last: usize, rows: usize) {
        self.offset = scrolled_to_show(self.offset, first, last, rows);
    }

    /// Sets the scroll position outright (after a reload).
    pub fn scroll_to_top(&mut self) {
        self.offset = 0;
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
    cursor: usize,
    offset: usize,
}

impl Default for PatientList {
    fn default() -> Self {
        PatientList {
            roster: Roster::default(),
            filter: String::new(),
            visible: Visible::All,
            cursor: 0,
            offset: 0,
        }
    }
}

/// The visible positions, as a list of roster positions.
#[derive(Debug, Clone, Copy)]
pub struct VisibleView<'a> {
    visible: &'a Visible,
    len: usize,
}

impl VisibleView<'_> {
    pub fn len(&self) -> usize {
        match self.visible {
            Visible::All => self.len,
            Visible::Ranked(m) => m.ranked.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The roster position shown at `pos`.
    pub fn get(&self, pos: usize) -> Option<usize> {
        match self.visible {
            Visible::All => (pos < self.len).then_some(pos),
            Visible::Ranked(m) => m.ranked.get(pos).map(|&i| i as usize),
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

    pub fn visible(&self) -> VisibleView<'_> {
        VisibleView {
            visible: &self.visible,
            len: self.roster.len(),
        }
    }

    pub fn matches(&self) -> Option<&Matches> {
        match &self.visible {
            Visible::All => None,
            Visible::Ranked(m) => Some(m),
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn offset(&self) -> usize {
        self.offset
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
        self.visible().get(self.cursor)
    }

    pub fn highlighted(&self) -> Option<PatientRef<'_>> {
        self.highlighted_index().map(|i| self.roster.get_ref(i))
    }

    /// The roster, to add patients to; the caller then says what shows ([`Self::show`]).
    pub fn roster_mut(&mut self) -> &mut Roster {
        &mut self.roster
    }

    /// Empties the list (a reload), keeping the filter text.
    pub fn clear(&mut self) {
        self.roster = Roster::default();
        self.visible = match self.visible {
            Visible::All => Visible::All,
            Visible::Ranked(_) => Visible::Ranked(Matches::default()),
        };
        self.cursor = 0;
        self.offset = 0;
    }

    /// Shows `visible` for `filter`. A new filter highlights its best match, at the top (as
    /// fzf does); new matches of the same filter (more pages) keep the highlight on the same
    /// patient when it is still visible.
    pub fn show(&mut self, filter: &str, visible: Visible) {
        let keep = self.highlighted_index();
        let new_filter = filter != self.filter;
        self.filter = filter.to_string();
        self.visible = visible;
        if new_filter {
            self.cursor = 0;
            self.offset = 0;
        } else {
            self.cursor = keep.and_then(|k| self.position_of(k)).unwrap_or(0);
        }
    }

    fn position_of(&self, index: usize) -> Option<usize> {
        match &self.visible {
            Visible::All => (index < self.roster.len()).then_some(index),
            Visible::Ranked(m) => m.ranked.iter().position(|&i| i as usize == index),
        }
    }

    /// Moves the highlight to the patient at roster position `index`; false when hidden.
    pub fn highlight_index(&mut self, index: usize) -> bool {
        match self.position_of(index) {
            Some(pos) => {
                self.cursor = pos;
                true
            }
            None => false,
        }
    }

    pub fn move_cursor(&mut self, motion: Motion, page: usize) {
        let len = self.visible().len();
        if len > 0 {
            self.cursor = motion.apply(self.cursor, len, page);
        }
    }

    /// As [`FilteredList::scroll_to_show`].
    pub fn scroll_to_show(&mut self, first: usize, last: usize, rows: usize) {
        self.offset = scrolled_to_show(self.offset, first, last, rows);
    }

    pub fn scroll_to_top(&mut self) {
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> FilteredList<usize> {
        let mut l = FilteredList::default();
        for i in 0..n {
            l.push(i, true);
        }
        l
    }

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
    fn filter_keeps_the_highlighted_item_and_scroll_shows_it() {
        let mut l = list(20);
        l.move_cursor(Motion::End, 5);
        l.scroll_to_show(19, 19, 5);
        assert_eq!(l.offset(), 15);
        l.set_filter("odd".into(), |i| i % 2 == 1);
        assert_eq!(l.highlighted(), Some(&19), "still highlighted");
        assert_eq!(l.offset(), 0);
        l.set_filter("even".into(), |i| i % 2 == 0);
        assert_eq!(l.highlighted(), Some(&0), "hidden: the first");
        assert!(!l.highlight_index(3));
        assert!(l.highlight_index(4));
        assert_eq!(l.cursor(), 2);
    }
}
