//! The profile picker (`app::profile_picker`): a box in the middle of the screen with one line
//! per profile (name, environment and region, where its key is, its host), the highlighted one
//! marked, and the picker's keys from the key table under it.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use super::widgets::{centered, popup_block};
use crate::app::keymap::{self, Ctx};
use crate::app::profile_picker::ProfilePicker;
use crate::text::{cell, sanitize, truncate};

pub fn draw(frame: &mut Frame, picker: &ProfilePicker, theme: &Theme) {
    let area = frame.area();
    let width = area.width.saturating_sub(2).min(96);
    let inner = width.saturating_sub(2) as usize;
    let height = (picker.entries.len() as u16 + 6).min(area.height);
    let rect = centered(area, width, height);
    let visible = height.saturating_sub(6) as usize;
    let top = picker.cursor.saturating_sub(visible.saturating_sub(1));
    let name_width = picker
        .entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 24);
    let mut lines = vec![
        Line::styled(
            truncate(
                "Several teams are set up: which one does this console work for?",
                inner,
            ),
            theme.muted(),
        ),
        Line::default(),
    ];
    lines.extend(
        picker
            .entries
            .iter()
            .enumerate()
            .skip(top)
            .take(visible)
            .map(|(i, e)| {
                let mark = if e.default { "*" } else { " " };
                let scope = if e.environment == "demo" {
                    "demo".to_string()
                } else {
                    format!("{}/{}", e.environment, e.region)
                };
                let mut text = format!(
                    "{mark} {}  {}  key: {:<8}  {}",
                    cell(&truncate(&sanitize(&e.name), name_width), name_width),
                    cell(&scope, 14),
                    e.key_label(),
                    sanitize(e.host_label()),
                );
                if e.read_only {
                    text.push_str("  (read-only)");
                }
                let style = if i == picker.cursor {
                    theme.selected()
                } else {
                    Style::new()
                };
                Line::styled(cell(&truncate(&text, inner), inner), style)
            }),
    );
    lines.push(Line::default());
    // One entry per short word: `Up/k/Down/j move`, as the console's key bar merges them.
    let mut merged: Vec<(String, &str)> = Vec::new();
    for b in keymap::bindings_for(&[Ctx::ProfilePicker]) {
        match merged.iter_mut().find(|(_, short)| *short == b.short) {
            Some((keys, _)) => {
                keys.push('/');
                keys.push_str(&b.keys_label());
            }
            None => merged.push((b.keys_label(), b.short)),
        }
    }
    let mut keys = Vec::new();
    for (label, short) in merged {
        keys.push(Span::styled(label, theme.key()));
        keys.push(Span::raw(format!(" {short}  ")));
    }
    lines.push(Line::from(keys));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block("Choose a profile", theme.focused_border())),
        rect,
    );
}
