//! What stands over the screen, painted in the order `app::overlay` gives (the overlay that owns
//! the keys last, on top): the full-width alert, the help, the history, the preset list, a y/N
//! question, a boxed prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use super::Theme;
use super::widgets::{centered, clear_under, popup_block};
use crate::app::layout;
use crate::app::overlay::OverlayKind;
use crate::app::{App, Level, keymap};
use crate::text::sanitize;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let o = &app.overlays;
    for kind in o.bottom_up() {
        match kind {
            OverlayKind::Alert => {
                if let Some(alert) = &o.alert {
                    draw_alert(frame, layout::areas(area).body, alert, theme);
                }
            }
            OverlayKind::Help => {
                if let Some(help) = o.help {
                    draw_help(frame, area, app, help.scroll, theme);
                }
            }
            OverlayKind::History => {
                if let Some(view) = &o.history {
                    super::history::draw(frame, area, app, view, theme);
                }
            }
            OverlayKind::Presets => {
                if let Some(picker) = o.presets {
                    super::presets::draw(frame, area, app, picker, theme);
                }
            }
            OverlayKind::Confirm => {
                if let Some(c) = &o.confirm {
                    let line = Line::from(c.question());
                    let danger = app.env.is_production();
                    draw_popup(frame, area, "Confirm", &[line], theme, danger);
                }
            }
            OverlayKind::Prompt => {
                if let Some(p) = &o.prompt {
                    super::prompt::draw(frame, area, p, theme);
                }
            }
        }
    }
}

fn draw_popup(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[Line],
    theme: &Theme,
    danger: bool,
) {
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(20)
        .max(title.len() as u16 + 4)
        + 4;
    let width = width.min(area.width - 4);
    // Lines wrap inside the box, which grows to hold them.
    let inner = width.saturating_sub(2).max(1) as usize;
    let height: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let rect = centered(area, width, height as u16 + 2);
    let border = if danger {
        theme.danger()
    } else {
        theme.focused_border()
    };
    clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .block(popup_block(title, border)),
        rect,
    );
}

fn draw_alert(frame: &mut Frame, body: Rect, alert: &str, theme: &Theme) {
    let rect = Rect::new(
        body.x + 1,
        body.y + body.height / 4,
        body.width - 2,
        8.min(body.height),
    );
    let lines = vec![
        Line::styled(sanitize(alert), theme.danger()),
        Line::default(),
        Line::styled(
            "Fix the setting and start vital-onboard again. Esc hides this message; your selections are kept.",
            theme.muted(),
        ),
    ];
    clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Thick)
                .border_style(theme.danger())
                .title(" The API refused this console "),
        ),
        rect,
    );
}

/// The help lines, generated from the key table (see `keymap::help_sections`).
fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in keymap::help_sections() {
        lines.push(Line::styled(section.title.to_string(), theme.primary()));
        for b in section.bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<18}", b.keys_label()), theme.key()),
                Span::raw(b.help),
            ]));
        }
        lines.push(Line::default());
    }
    lines.pop();
    lines
}

fn draw_help(frame: &mut Frame, area: Rect, app: &App, scroll: u16, theme: &Theme) {
    let messages = layout::help_messages(area, app.recent_messages().map(|m| m.text.as_str()));
    let areas = layout::help_areas(area, &messages);
    // Both boxes stand on one cleared area.
    clear_under(
        frame,
        areas.messages.map_or(areas.keys, |m| m.union(areas.keys)),
    );
    if let Some(rect) = areas.messages {
        draw_recent_messages(frame, rect, app, &messages, theme);
    }
    let lines = help_lines(theme);
    let rect = areas.keys;
    let rows = rect.height.saturating_sub(2);
    let total = lines.len() as u16;
    let top = scroll.min(total.saturating_sub(rows));
    // Where you are: the lines shown, of how many.
    let title = if total > rows {
        format!(
            "Keys {}–{} of {total} (↑↓ scroll · Esc closes)",
            top + 1,
            (top + rows).min(total)
        )
    } else {
        "Keys (Esc closes)".to_string()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((top, 0))
            .block(popup_block(&title, theme.focused_border())),
        rect,
    );
}

/// The last few messages, newest first, with their clock time, each wrapped whole (`rows`, as
/// [`layout::help_messages`] broke them): a message the status row had to shorten reads in
/// full here.
fn draw_recent_messages(
    frame: &mut Frame,
    rect: Rect,
    app: &App,
    rows: &[Vec<String>],
    theme: &Theme,
) {
    let mut lines: Vec<Line> = Vec::new();
    for (m, rows) in app.recent_messages().zip(rows) {
        let time =
            m.at.with_timezone(&app.config.utc_offset)
                .format("%H:%M:%S");
        let style = match m.level {
            Level::Error => theme.danger(),
            Level::Warning => theme.warning(),
            Level::Info | Level::Success => Style::new(),
        };
        for (r, row) in rows.iter().enumerate() {
            let lead = if r == 0 {
                format!("{time} ")
            } else {
                " ".repeat(layout::HELP_TIME_COLUMNS)
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.muted()),
                Span::styled(row.clone(), style),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(popup_block("Recent messages", theme.muted())),
        rect,
    );
}
