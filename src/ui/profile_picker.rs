//! The profile picker (`app::profile_picker`): a box in the middle of the screen with one line
//! per profile (name, environment and region, where its key is, its host), the highlighted one
//! marked, and the picker's keys from the key table under it.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{clear_under, popup_block};
use crate::app::keymap::{self, Ctx};
use crate::app::layout;
use crate::app::profile_picker::ProfilePicker;
use crate::setup::profiles::Entry;
use crate::text::{cell, sanitize, truncate};

/// One profile's line: mark, name, environment/region, where its key is ("no key" when none is
/// stored), read-only, then the host (last, as the part that may be shortened at 80 columns).
fn row(e: &Entry, name_width: usize) -> String {
    let mark = if e.default { "*" } else { " " };
    let scope = if e.environment == "demo" {
        "demo".to_string()
    } else {
        format!("{}/{}", e.environment, e.region)
    };
    let key = match e.key_label() {
        "none" => "no key",
        other => other,
    };
    format!(
        "{mark} {}  {}  {}  {}  {}",
        cell(&truncate(&sanitize(&e.name), name_width), name_width),
        cell(&scope, 13),
        cell(key, 8),
        cell(if e.read_only { "read-only" } else { "" }, 9),
        sanitize(e.host_label()),
    )
}

pub fn draw(frame: &mut Frame, picker: &ProfilePicker, theme: &Theme) {
    let boxed = layout::profile_picker(frame.area(), picker.entries.len());
    let rect = boxed.frame;
    let inner = boxed.list.width as usize;
    let visible = boxed.list.height as usize;
    let top = picker.list.window(visible);
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
                let style = if i == picker.list.cursor() {
                    theme.selected()
                } else {
                    Style::new()
                };
                Line::styled(cell(&truncate(&row(e, name_width), inner), inner), style)
            }),
    );
    // Under the list: why the last choice was refused (a profile with no key), else a blank.
    lines.push(match &picker.notice {
        Some(n) => Line::styled(truncate(&sanitize(n), inner), theme.warning()),
        None => Line::default(),
    });
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
    clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block("Choose a profile", theme.focused_border())),
        rect,
    );
}
