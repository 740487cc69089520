//! The Options pane: the three rows with a line each on what they do for the patient, the
//! warnings, and the exact body `m` will send; its title names the active preset.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{pane_block, wrap_words};
use crate::app::options::OptionRow;
use crate::app::{App, Pane};
use crate::text::{cell, count, sanitize, truncate};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let o = &app.options;
    let focused = app.focus == Pane::Options;
    let title = match app.preset_label() {
        Some(label) => format!(" Options · {} ", sanitize(&label)),
        None => " Options ".to_string(),
    };
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    for row in OptionRow::ALL {
        let check = |on: bool| format!("[{}] {}", if on { "x" } else { " " }, row.label());
        let value = match row {
            OptionRow::RedirectUrl => match &o.redirect_url {
                Some(u) => format!("{}: {}", row.label(), sanitize(u)),
                None => format!("{}: (none)", row.label()),
            },
            OptionRow::OnError => check(o.on_error),
            OptionRow::OnClose => check(o.on_close),
        };
        let style = if focused && row == o.row {
            theme.selected()
        } else {
            Style::new()
        };
        let text = truncate(&value, width);
        lines.push(Line::styled(cell(&text, width), style));
        if row == OptionRow::RedirectUrl
            && let Some(e) = &o.redirect_error
        {
            lines.push(Line::styled(
                truncate(&format!("  ✗ {}", sanitize(e)), width),
                theme.danger(),
            ));
        }
        let explain = if row.explain().chars().count() + 2 <= width {
            row.explain()
        } else {
            row.explain_short()
        };
        lines.push(Line::styled(
            truncate(&format!("  {explain}"), width),
            theme.muted(),
        ));
    }
    for w in app.options_warnings() {
        // Warnings wrap: each is a sentence staff must read whole.
        for piece in wrap_words(&format!("⚠ {w}"), width) {
            lines.push(Line::styled(piece, theme.warning()));
        }
    }
    let used = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);

    let rest = Rect::new(
        inner.x,
        inner.y + used.min(inner.height),
        inner.width,
        inner.height.saturating_sub(used),
    );
    if rest.height >= 2 {
        draw_preview(frame, rest, app, theme);
    }
}

/// The exact body `m` will send, pretty-printed. When the whole body fits the rows that way, a
/// line wider than the pane breaks after its key (the value on the next line, indented); else
/// what does not fit is cut visibly: a line too long ends in `…`, lines that do not fit become
/// "… N more lines"; nothing wraps mid-token.
fn draw_preview(frame: &mut Frame, rest: Rect, app: &App, theme: &Theme) {
    let width = rest.width as usize;
    let preview = app.preview();
    let room = rest.height as usize - 1;
    let broken: Vec<String> = preview
        .lines()
        .flat_map(|l| fit_line(&sanitize(l), width))
        .collect();
    // Broken lines when the whole body fits that way; else one row a line, cut visibly.
    let rows: Vec<String> = if broken.len() <= room {
        broken
    } else {
        preview
            .lines()
            .map(|l| truncate(&sanitize(l), width))
            .collect()
    };
    let mut body: Vec<Line> = rows.into_iter().map(Line::raw).collect();
    if body.len() > room {
        let shown = room.saturating_sub(1);
        let more = body.len() - shown;
        body.truncate(shown);
        body.push(Line::styled(
            format!("… {}", count(more, "more line", "more lines")),
            theme.muted(),
        ));
    }
    let mut all = vec![Line::styled("Body m will send:", theme.muted())];
    all.extend(body);
    frame.render_widget(Paragraph::new(all), rest);
}

/// A body line in `width` columns: whole, or broken after its key (`"user_id":`, then the value
/// indented two more), a value still too long cut with `…`.
fn fit_line(line: &str, width: usize) -> Vec<String> {
    if crate::text::width(line) <= width {
        return vec![line.to_string()];
    }
    match line.split_once("\": ") {
        Some((key, value)) => {
            let indent = line.len() - line.trim_start().len();
            vec![
                truncate(&format!("{key}\":"), width),
                truncate(&format!("{}{value}", " ".repeat(indent + 2)), width),
            ]
        }
        None => vec![truncate(line, width)],
    }
}
