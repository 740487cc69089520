//! The preset list overlay (`P`): each preset's name and what it sets, the highlighted one
//! marked, the active one noted. Drawn where `app::overlay` puts it in the painting order.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{clear_under, popup_block};
use crate::app::presets::PresetPicker;
use crate::app::{App, layout};
use crate::text::{cell, sanitize, truncate};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, picker: PresetPicker, theme: &Theme) {
    let boxed = layout::presets(area, app.presets.all.len());
    let rect = boxed.frame;
    let inner = boxed.list.width as usize;
    let visible = boxed.list.height as usize;
    let top = picker.list.window(visible);
    let name_width = app
        .presets
        .all
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 20);
    let mut lines: Vec<Line> = app
        .presets
        .all
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, p)| {
            let active = app.presets.active.as_deref() == Some(p.name.as_str());
            let mark = if active { "•" } else { " " };
            let name = truncate(&sanitize(&p.name), name_width);
            let text = format!(
                "{mark} {} {}",
                cell(&name, name_width),
                sanitize(&p.summary())
            );
            let style = if i == picker.list.cursor() {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(cell(&truncate(&text, inner), inner), style)
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(vec![Span::styled(
        truncate(
            "Enter uses it (fills Providers and Options) · Esc closes",
            inner,
        ),
        theme.muted(),
    )]));
    clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block("Presets", theme.focused_border())),
        rect,
    );
}
