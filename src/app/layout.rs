//! Screen geometry, shared by `update` (to scroll lists by the rows that show) and `ui` (to draw).
//! Pure arithmetic on rectangles; no terminal.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the panes fit in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width on, the three panes stand side by side.
pub const WIDE: u16 = 150;
/// Lines under the patient list: the detail strip of the highlighted patient.
pub const DETAIL_LINES: u16 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub patients: Rect,
    pub providers: Rect,
    pub options: Rect,
    pub keys: Rect,
    pub status: Rect,
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
        let [p, v, o] = Layout::horizontal([
            Constraint::Percentage(30),
            Constraint::Percentage(30),
            Constraint::Percentage(40),
        ])
        .areas(body);
        (p, v, o)
    } else {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(body);
        let options_height = if body.height >= 36 { 18 } else { 12 };
        let [v, o] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(options_height)]).areas(right);
        (left, v, o)
    };
    Areas {
        header,
        body,
        patients,
        providers,
        options,
        keys,
        status,
    }
}

/// Rows of the patient list (inside the border, above the filter line and detail strip).
pub fn patient_rows(area: Rect) -> usize {
    areas(area)
        .patients
        .height
        .saturating_sub(2 + 1 + DETAIL_LINES) as usize
}

/// Lines of the provider list (inside the border, above the filter line and the description line).
pub fn provider_lines(area: Rect) -> usize {
    areas(area).providers.height.saturating_sub(2 + 2) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_size_leaves_room_for_every_pane() {
        let a = Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT);
        assert!(!too_small(a));
        assert!(patient_rows(a) >= 8, "{}", patient_rows(a));
        assert!(provider_lines(a) >= 3, "{}", provider_lines(a));
        let big = Rect::new(0, 0, 160, 48);
        let ar = areas(big);
        assert_eq!(ar.patients.y, ar.providers.y, "side by side when wide");
        assert!(too_small(Rect::new(0, 0, 79, 24)) && too_small(Rect::new(0, 0, 80, 23)));
    }
}
