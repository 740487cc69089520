//! The Options pane: the three rows with a line each on what they do for the patient, the
//! warnings, and the exact body `m` will send.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{pane_block, wrap_words};
use crate::app::options::OptionRow;
use crate::app::{App, Pane};
use crate::text::{sanitize, truncate};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let o = &app.options;
    let focused = app.focus == Pane::Options;
    let block = pane_block(Line::from(" Options "), focused, theme);
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
        lines.push(Line::styled(format!("{text:<width$}"), style));
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

/// The exact body `m` will send: pretty when it fits, else compact and marked when cut.
fn draw_preview(frame: &mut Frame, rest: Rect, app: &App, theme: &Theme) {
    let width = rest.width as usize;
    let preview = app.preview();
    let room = rest.height as usize - 1;
    let mut body: Vec<String> = if room >= preview.lines().count() {
        preview.lines().map(sanitize).collect()
    } else {
        let compact: serde_json::Value = serde_json::from_str(&preview).expect("valid JSON");
        let chars: Vec<char> = sanitize(&compact.to_string()).chars().collect();
        chars
            .chunks(width.max(1))
            .map(|c| c.iter().collect())
            .collect()
    };
    let mut title = "Body m will send:".to_string();
    if body.len() > room {
        body.truncate(room);
        title = "Body m will send (cut):".to_string();
        if let Some(last) = body.last_mut() {
            *last = truncate(&format!("{last}…"), width);
        }
    }
    let mut all = vec![Line::styled(title, theme.muted())];
    all.extend(body.into_iter().map(Line::raw));
    frame.render_widget(Paragraph::new(all), rest);
}
