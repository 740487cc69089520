//! The history overlay (`H`): the audit log's links, newest first, one a row (time, patient,
//! what was allowed, preset, whether the patient connected), the highlighted one marked, the
//! kept filter and the keys under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use super::widgets::popup_block;
use crate::app::history::HistoryView;
use crate::app::{App, layout};
use crate::audit::LinkRecord;
use crate::text::{cell, sanitize, truncate};

fn row_text(app: &App, r: &LinkRecord, width: usize) -> String {
    let m = &r.minted;
    let time = m
        .time
        .with_timezone(&app.config.utc_offset)
        .format("%m-%d %H:%M");
    let allowed = match (&m.provider, &m.allowlist) {
        (Some(p), _) => format!("direct {p}"),
        (None, Some(l)) => l.join(","),
        (None, None) => "all".to_string(),
    };
    let outcome = if r.is_connected() {
        format!("✓ {}", r.connected.join(","))
    } else {
        format!("— {}", r.last_outcome.as_str().replace('_', " "))
    };
    let wide = width >= 100;
    let text = if wide {
        format!(
            "{time}  {}  {}  {}  {}",
            cell(&truncate(&sanitize(&m.client_user_id), 22), 22),
            cell(&truncate(&sanitize(&allowed), 28), 28),
            cell(
                &truncate(&sanitize(m.preset.as_deref().unwrap_or("-")), 16),
                16
            ),
            sanitize(&outcome)
        )
    } else {
        format!(
            "{time}  {}  {}  {}",
            cell(&truncate(&sanitize(&m.client_user_id), 16), 16),
            cell(&truncate(&sanitize(&allowed), 14), 14),
            sanitize(&outcome)
        )
    };
    cell(&truncate(&text, width), width)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &HistoryView, theme: &Theme) {
    let boxed = layout::history(area);
    let rect = boxed.frame;
    let inner = boxed.list.width as usize;
    let rows = boxed.list.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    let visible = view.visible();
    match &view.records {
        None => lines.push(Line::styled("Reading the audit log…", theme.muted())),
        Some(Err(e)) => lines.push(Line::styled(
            truncate(
                &format!("The audit log cannot be read: {}", sanitize(e)),
                inner,
            ),
            theme.danger(),
        )),
        Some(Ok(all)) if all.is_empty() => lines.push(Line::styled(
            "No links yet: every link minted here is logged",
            theme.muted(),
        )),
        Some(Ok(_)) if visible.is_empty() => {
            lines.push(Line::styled("No link matches the filter", theme.muted()));
        }
        Some(Ok(_)) => {
            let top = view.list.window(rows);
            for (i, r) in visible.iter().enumerate().skip(top).take(rows) {
                let style = if i == view.list.cursor() {
                    theme.selected()
                } else if r.is_connected() {
                    Style::new()
                } else {
                    theme.muted()
                };
                lines.push(Line::styled(row_text(app, r, inner), style));
            }
        }
    }
    while lines.len() < rows {
        lines.push(Line::default());
    }
    let filter = if view.filter.is_empty() {
        String::new()
    } else {
        format!("Filter: {} · ", sanitize(&view.filter))
    };
    lines.push(Line::default());
    lines.push(Line::styled(
        truncate(
            &format!("{filter}Enter mints again for that patient · / filters · Esc closes"),
            inner,
        ),
        theme.muted(),
    ));
    let title = match &view.records {
        Some(Ok(all)) => format!(
            "History: {} of {} links, newest first",
            visible.len(),
            all.len()
        ),
        _ => "History".to_string(),
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block(&title, theme.focused_border())),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use crate::app::tests::{ch, loaded};
    use crate::app::{Msg, layout};
    use crate::ui::tests::render;

    /// The drawn rows follow the list state: moving up inside the window does not scroll it.
    #[test]
    fn the_drawn_rows_are_the_lists_window() {
        let mut app = loaded(5, false);
        app.update(ch('H'));
        let many = crate::app::tests::history::rows(50);
        crate::app::tests::answer(&mut app, crate::app::requests::Pending::History, |id| {
            Msg::HistoryLoaded {
                id,
                result: Ok(many),
            }
        });
        let rows = layout::history(app.size).list.height as usize;
        for _ in 0..49 {
            app.update(ch('j'));
        }
        app.update(ch('k'));
        app.update(ch('k'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("row-49"), "{screen}");
        let first = format!("row-{:02}", 50 - rows);
        assert!(screen.contains(&first), "{screen}");
    }
}
