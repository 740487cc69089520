//! The history overlay (`H`): the audit log's links, newest first, one a row (time, patient,
//! what was allowed, preset, the patient's language and who minted it where the width allows,
//! whether the patient
//! connected; with every host's links, the host),
//! the highlighted one marked, the kept filter and the keys under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{clear_under, popup_block};
use crate::app::history::HistoryView;
use crate::app::{App, layout};
use crate::audit::{LinkRecord, bare_host};
use crate::text::{cell, sanitize, truncate, width};

/// The host as a row shows it: without the scheme (`api.sandbox.us.junction.com`, `demo`).
fn short_host(r: &LinkRecord) -> String {
    sanitize(bare_host(r.minted.host_key()))
}

/// The row's columns as (text, width) pairs, by the width there is and whether every host's
/// links are shown; the outcome follows them. From [`OPERATOR_WIDTH`] columns on, who minted
/// the link (`by jdoe`).
fn columns(r: &LinkRecord, allowed: &str, width: usize, all_hosts: bool) -> Vec<(String, usize)> {
    let m = &r.minted;
    let patient = sanitize(&m.client_user_id);
    let allowed = sanitize(allowed);
    let preset = sanitize(m.preset.as_deref().unwrap_or("-"));
    let mut columns = match (width >= 100, all_hosts) {
        (true, false) => vec![
            (patient, 22),
            (allowed, 28),
            (preset, 16),
            // The language the patient read (`pt-BR` at most).
            (sanitize(m.language.as_deref().unwrap_or("-")), 5),
        ],
        (true, true) => vec![(patient, 22), (short_host(r), 28), (allowed, 20)],
        (false, false) => vec![(patient, 16), (allowed, 14)],
        (false, true) => vec![(patient, 14), (short_host(r), 27)],
    };
    if width >= OPERATOR_WIDTH {
        columns.push((format!("by {}", sanitize(&m.operator)), 14));
    }
    // The outcome ends the row and is what staff look for: what the link allowed gives up
    // columns (down to 10) before the outcome loses its room.
    let used = TIME_WIDTH + columns.iter().map(|(_, w)| w + 2).sum::<usize>() + 2;
    let short = (used + OUTCOME_ROOM).saturating_sub(width);
    let allowed_at = if all_hosts { 2 } else { 1 };
    if let Some((_, w)) = columns.get_mut(allowed_at) {
        *w = w.saturating_sub(short).max(10);
    }
    columns
}

/// The time at the start of a row (`12-05 10:17`).
const TIME_WIDTH: usize = 11;

/// The room a row keeps for its outcome (`— shown to patient`, `✓ oura,fitbit`).
const OUTCOME_ROOM: usize = 20;

/// The rows' width from which the operator shows (the history at 160 columns is 118 wide).
const OPERATOR_WIDTH: usize = 110;

fn row_text(app: &App, view: &HistoryView, r: &LinkRecord, width: usize) -> String {
    let m = &r.minted;
    let time = m
        .time
        .with_timezone(&app.config.utc_offset)
        .format("%m-%d %H:%M");
    let allowed = m.allowed();
    let outcome = if r.is_connected() {
        format!("✓ {}", r.connected.join(","))
    } else {
        format!("— {}", r.last_outcome.label())
    };
    let mut text = time.to_string();
    for (column, w) in columns(r, &allowed, width, view.all_hosts) {
        text.push_str("  ");
        text.push_str(&cell(&truncate(&column, w), w));
    }
    text.push_str("  ");
    text.push_str(&sanitize(&outcome));
    cell(&truncate(&text, width), width)
}

/// `History of the demo: 3 of 5 links, newest first` (`of all hosts` with `a`), shortened to
/// `room` columns: "newest first" goes first, then the host is shortened with "…".
fn title(app: &App, view: &HistoryView, room: usize) -> String {
    let Some(Ok(all)) = &view.records else {
        return "History".to_string();
    };
    let place = if view.all_hosts {
        "all hosts".to_string()
    } else {
        app.audit_scope().place()
    };
    let count = format!(
        "{} of {} {}",
        view.visible().len(),
        all.len(),
        if all.len() == 1 { "link" } else { "links" }
    );
    let full = format!("History of {place}: {count}, newest first");
    if width(&full) <= room {
        return full;
    }
    let fixed = width(&format!("History of : {count}"));
    format!(
        "History of {}: {count}",
        truncate(&place, room.saturating_sub(fixed).max(8))
    )
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
        Some(Ok(_)) if visible.is_empty() && view.filter.is_empty() => {
            lines.push(Line::styled(
                truncate("No links from this host yet: a shows every host's", inner),
                theme.muted(),
            ));
        }
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
                lines.push(Line::styled(row_text(app, view, r, inner), style));
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
            &format!(
                "{filter}Enter mints again · / filters · a {} · Esc closes",
                if view.all_hosts {
                    "this host"
                } else {
                    "all hosts"
                }
            ),
            inner,
        ),
        theme.muted(),
    ));
    let title = title(app, view, inner.saturating_sub(2));
    clear_under(frame, rect);
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

    /// Enter on another host's row: the reason reads whole at 80 columns, on the status row.
    #[test]
    fn why_another_hosts_row_cannot_mint_here_reads_whole_at_80_columns() {
        use crate::app::tests::history::{records_of_many_hosts, with_records};
        // `loaded` is 80 x 24.
        let mut app = with_records(loaded(6, false), records_of_many_hosts());
        for c in ['a', 'j', 'j', 'j'] {
            app.update(ch(c));
        }
        app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
        let screen = render(&app, 80, 24);
        let bottom = screen.lines().nth(23).unwrap_or_default().trim();
        assert_eq!(
            bottom, "Not minted: that link is from 127.0.0.1:8080 (sandbox), not this host",
            "{screen}"
        );
    }
}
