//! Screen geometry, shared by `update` (to scroll lists by the rows that show) and `ui` (to draw).
//! Pure arithmetic on rectangles; no terminal.

use ratatui::layout::{Constraint, Layout, Margin, Rect};

/// The smallest terminal the panes fit in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width on, the three panes stand side by side.
pub const WIDE: u16 = 150;
/// Lines under the patient list: the detail strip of the highlighted patient.
pub const DETAIL_LINES: u16 = 4;

/// A list pane: its frame, and inside the border the column headings (none for providers), the
/// list rows, the filter line and the lines under it (the detail strip, or the provider's note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListAreas {
    pub frame: Rect,
    pub head: Rect,
    pub list: Rect,
    pub filter: Rect,
    pub foot: Rect,
}

impl ListAreas {
    fn new(frame: Rect, head_lines: u16, foot_lines: u16) -> ListAreas {
        let inner = frame.inner(Margin::new(1, 1));
        let [head, list, filter, foot] = Layout::vertical([
            Constraint::Length(head_lines),
            Constraint::Length(inner.height.saturating_sub(head_lines + 1 + foot_lines)),
            Constraint::Length(1),
            Constraint::Length(foot_lines),
        ])
        .areas(inner);
        ListAreas {
            frame,
            head,
            list,
            filter,
            foot,
        }
    }
}

/// Lines under the provider list for the highlighted provider's description or a notice: two
/// on a tall screen, so a description is not cut.
fn note_lines(body: Rect) -> u16 {
    if body.height >= 36 { 2 } else { 1 }
}

/// Columns the Patient pane takes side by side: its widest row (mark, `client_user_id` column,
/// date, connections) and the border.
pub const PATIENTS_WIDE: u16 = 52;
/// Columns the Options pane takes side by side: its longest explanation and the border.
pub const OPTIONS_WIDE: u16 = 84;

/// Where everything goes on a screen of a given size: computed once here, used by `update` to
/// page and scroll by the rows that show, and by `ui` to draw into exactly those rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub patients: ListAreas,
    pub providers: ListAreas,
    pub options: Rect,
    pub keys: Rect,
    pub status: Rect,
}

/// Past messages the help overlay shows above the keys, at most.
pub const HELP_MESSAGES: usize = 5;
/// The rows the keys' box keeps at least (its border included) under the messages.
pub const HELP_KEYS_MIN: u16 = 8;
/// The clock time before each message (`10:41:03 `).
pub const HELP_TIME_COLUMNS: usize = 9;

/// The help overlay: a box of recent messages (when there are any) above the keys' box; both
/// centred, at most 96 wide, two rows short of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpAreas {
    pub messages: Option<Rect>,
    pub keys: Rect,
}

pub fn help_areas(area: Rect, messages: &[Vec<String>]) -> HelpAreas {
    let outer = help_outer(area);
    let shown: usize = messages.iter().map(Vec::len).sum();
    if shown == 0 {
        return HelpAreas {
            messages: None,
            keys: outer,
        };
    }
    let [top, keys] =
        Layout::vertical([Constraint::Length(shown as u16 + 2), Constraint::Min(3)]).areas(outer);
    HelpAreas {
        messages: Some(top),
        keys,
    }
}

/// The help's whole box: centred, at most 96 wide, two rows short of the screen.
fn help_outer(area: Rect) -> Rect {
    centered(area, 96.min(area.width - 2), area.height - 2)
}

/// The recent messages the help shows (`texts`, newest first), each wrapped whole between words
/// after its clock time, as many as fit above the keys' box (at most [`HELP_MESSAGES`]); the
/// newest always shows (cut, marked `…`, only if it alone is taller than the room).
pub fn help_messages<'a>(area: Rect, texts: impl IntoIterator<Item = &'a str>) -> Vec<Vec<String>> {
    let outer = help_outer(area);
    let width = usize::from(outer.width).saturating_sub(2 + HELP_TIME_COLUMNS);
    let room = usize::from(outer.height.saturating_sub(2 + HELP_KEYS_MIN)).max(1);
    let mut shown: Vec<Vec<String>> = Vec::new();
    let mut used = 0;
    for text in texts.into_iter().take(HELP_MESSAGES) {
        let text = crate::text::sanitize(text);
        let rows = crate::text::wrap_words(&text, width, usize::MAX);
        if used + rows.len() > room {
            if shown.is_empty() {
                shown.push(crate::text::wrap_words(&text, width, room));
            }
            break;
        }
        used += rows.len();
        shown.push(rows);
    }
    shown
}

/// A box centred in `area`, at most `w` x `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// An overlay holding a list: its box, and inside the border the rows the list is drawn in
/// (what a page is when the highlight moves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListBox {
    pub frame: Rect,
    pub list: Rect,
}

impl ListBox {
    /// `frame` with the list `above` lines below its top border, `rows` high.
    fn new(frame: Rect, above: u16, rows: u16) -> ListBox {
        let inner = frame.inner(Margin::new(1, 1));
        let list = Rect::new(
            inner.x,
            inner.y + above.min(inner.height),
            inner.width,
            rows.min(inner.height.saturating_sub(above)),
        );
        ListBox { frame, list }
    }
}

/// The preset list (`P`) of `count` presets: one row each, then a blank line and the keys; at
/// most 76 wide, two rows short of the screen.
pub fn presets(area: Rect, count: usize) -> ListBox {
    let width = area.width.saturating_sub(4).min(76);
    let rows = u16::try_from(count).unwrap_or(u16::MAX).saturating_add(2);
    let height = rows.saturating_add(2).min(area.height.saturating_sub(2));
    ListBox::new(centered(area, width, height), 0, height.saturating_sub(4))
}

/// The history (`H`): at most 120 wide, four rows short of the screen; under the list a blank
/// line and the filter with the keys.
pub fn history(area: Rect) -> ListBox {
    let width = area.width.saturating_sub(4).min(120);
    let height = area.height.saturating_sub(4);
    ListBox::new(centered(area, width, height), 0, height.saturating_sub(5))
}

/// The profile picker of `count` profiles: a question and a blank line above the list, a blank
/// line and the keys under it; at most 96 wide.
pub fn profile_picker(area: Rect, count: usize) -> ListBox {
    let width = area.width.saturating_sub(2).min(96);
    let height = u16::try_from(count)
        .unwrap_or(u16::MAX)
        .saturating_add(6)
        .min(area.height);
    ListBox::new(centered(area, width, height), 2, height.saturating_sub(6))
}

/// The compact link view (below the size of the full one): the code, its words right of it,
/// and the last row, which the key bar and the status share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactLink {
    pub code: Rect,
    pub words: Rect,
    pub bar: Rect,
}

/// The compact link view of a code `cells` (columns, rows) large in `area`: the code at the
/// left, centred in the rows above the last; the words `gap` columns right of it, from the top.
pub fn compact_link(area: Rect, (cols, rows): (u16, u16), gap: u16) -> CompactLink {
    let above = area.height.saturating_sub(1);
    let cols = cols.min(area.width);
    let rows = rows.min(above);
    let words_x = (area.x + cols + gap).min(area.right());
    CompactLink {
        code: Rect::new(area.x, area.y + (above - rows) / 2, cols, rows),
        words: Rect::new(words_x, area.y, area.right() - words_x, above),
        bar: Rect::new(area.x, area.y + above, area.width, area.height.min(1)),
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn areas(area: Rect) -> Areas {
    let [header, body, keys, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (patients, providers, options) = if area.width >= WIDE {
        // The Providers pane takes what the other two do not need: names and descriptions uncut.
        let options = OPTIONS_WIDE.min(area.width / 3);
        let [p, v, o] = Layout::horizontal([
            Constraint::Length(PATIENTS_WIDE),
            Constraint::Fill(1),
            Constraint::Length(options),
        ])
        .areas(body);
        (p, v, o)
    } else {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(body);
        // Half the column between 12 rows (80x24) and 18: from 100x30 a short body (a patient,
        // no providers ticked) shows whole, its user_id too.
        let options_height = (body.height / 2).clamp(12, 18);
        let [v, o] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(options_height)]).areas(right);
        (left, v, o)
    };
    Areas {
        header,
        body,
        patients: ListAreas::new(patients, 1, DETAIL_LINES),
        providers: ListAreas::new(providers, 0, note_lines(body)),
        options,
        keys,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_size_leaves_room_for_every_pane() {
        let a = Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT);
        assert!(!too_small(a));
        let ar = areas(a);
        assert!(ar.patients.list.height >= 8, "{:?}", ar.patients);
        assert!(ar.providers.list.height >= 3, "{:?}", ar.providers);
        let big = Rect::new(0, 0, 160, 48);
        let ar = areas(big);
        assert_eq!(
            ar.patients.frame.y, ar.providers.frame.y,
            "side by side when wide"
        );
        assert!(too_small(Rect::new(0, 0, 79, 24)) && too_small(Rect::new(0, 0, 80, 23)));
    }

    #[test]
    fn the_compact_link_view_keeps_the_code_whole_beside_its_words() {
        let c = compact_link(Rect::new(0, 0, 80, 24), (45, 23), 2);
        assert_eq!(
            c.code,
            Rect::new(0, 0, 45, 23),
            "full height, from the left edge"
        );
        assert_eq!(c.words, Rect::new(47, 0, 33, 23));
        assert_eq!(c.bar, Rect::new(0, 23, 80, 1));
        let c = compact_link(Rect::new(0, 0, 120, 28), (45, 23), 2);
        assert_eq!(c.code.y, 2, "centred in the rows above the last");
        assert_eq!(c.words.width, 120 - 47);
    }

    #[test]
    fn overlay_lists_sit_inside_their_boxes_with_room_for_the_lines_around_them() {
        let screen = Rect::new(0, 0, 80, 24);
        for (b, above, below) in [
            (presets(screen, 3), 0, 2),
            (presets(screen, 40), 0, 2),
            (history(screen), 0, 3),
            (profile_picker(screen, 3), 2, 2),
            (profile_picker(screen, 40), 2, 2),
        ] {
            let inner = b.frame.inner(Margin::new(1, 1));
            assert_eq!(b.list.y, inner.y + above, "{b:?}");
            assert_eq!(b.list.width, inner.width, "{b:?}");
            assert_eq!(b.list.bottom() + below, inner.bottom(), "{b:?}");
        }
        assert_eq!(
            presets(screen, 3).list.height,
            3,
            "a short list shows whole"
        );
        assert_eq!(
            presets(screen, 40).list.height,
            18,
            "a long one two rows short"
        );
        assert_eq!(profile_picker(screen, 3).list.height, 3);
        assert_eq!(history(screen).list.height, 15);
        let tiny = Rect::new(0, 0, 4, 3);
        assert_eq!(history(tiny).list.height, 0, "no room, no rows");
    }
}
