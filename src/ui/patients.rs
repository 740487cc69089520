//! The Patient pane: the list with its count and spinner, each patient's onboarding status (the
//! full words where the width allows, the short form at 80 columns), the status summary and
//! filter on the bottom border, the filter line, and the detail strip of the highlighted
//! patient (`user_id` and connections).

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::flow::Flow;
use super::prompt::filter_line;
use super::widgets::{loading, pane_block, shorten_line, spinner};
use crate::api::ConnectionStatus;
use crate::app::layout::ListAreas;
use crate::app::matcher;
use crate::app::prompt::ListPane;
use crate::app::requests::Load;
use crate::app::roster::PatientRef;
use crate::app::status::StatusFilter;
use crate::app::{App, Pane};
use crate::audit::onboarding::{Code, Linked};
use crate::link;
use crate::text::{cell, sanitize, thousands, truncate, width as width_of};

pub fn draw(frame: &mut Frame, areas: &ListAreas, app: &App, theme: &Theme) {
    let p = &app.patients;
    let focused = app.focus == Pane::Patients;
    let loaded = p.list.items().len();
    let shown = p.list.visible().len();
    let state = p.list.state();
    let offset = state.window(areas.list.height as usize);
    let count = position(offset, areas.list.height as usize, shown, loaded, p.total);
    let title = title(app, &count, areas.frame.width, theme);
    let summary = summary(app, areas.frame.width);
    frame.render_widget(
        pane_block(title, focused, theme).title_bottom(summary),
        areas.frame,
    );

    let width = areas.list.width as usize;
    let mut lines = Vec::new();
    if loaded == 0 && p.load.is_loading() {
        lines.push(Line::styled(
            format!("{} Loading patients…", spinner(app)),
            theme.muted(),
        ));
    } else if shown == 0 && loaded > 0 && p.list.matched_len() > 0 {
        lines.push(Line::styled(
            none_kept(
                p.list.status_filter(),
                p.list.matches().map(|_| p.list.matched_len()),
                width,
            ),
            theme.muted(),
        ));
    } else if shown == 0 && loaded > 0 {
        let server = match p.lookup.as_ref().map(|l| &l.state) {
            Some(Load::Loading) => format!(" · {} asking the server…", spinner(app)),
            Some(Load::Loaded(false)) => " · not on the server either".into(),
            Some(Load::Failed(_)) => " · the server lookup failed".into(),
            _ => String::new(),
        };
        lines.push(shorten_line(
            Line::styled(
                format!("No patient matches the filter{server}"),
                theme.muted(),
            ),
            width,
        ));
    } else if loaded == 0 && p.load == Load::Loaded(()) {
        lines.push(Line::styled(
            "No patients yet: n creates one",
            theme.muted(),
        ));
    }
    let page: Vec<(usize, PatientRef)> = p
        .list
        .visible_items(offset)
        .take(areas.list.height as usize)
        .collect();
    let id_w = id_width(
        width,
        page.iter()
            .map(|(_, u)| width_of(&sanitize(u.client_user_id))),
    );
    let cols = Columns::new(width, id_w);
    let head = if cols.created {
        format!(
            "  {} {} status",
            cell("client_user_id", id_w),
            cell("created", 10)
        )
    } else {
        format!("  {} status", cell("client_user_id", id_w))
    };
    frame.render_widget(
        Paragraph::new(Line::styled(cell(&head, width), theme.muted())),
        areas.head,
    );
    for (pos, u) in page {
        let style = if pos == state.cursor() && focused {
            theme.selected()
        } else if pos == state.cursor() {
            theme.primary()
        } else {
            Style::new()
        };
        lines.push(row(app, &u, cols, style, theme));
    }
    frame.render_widget(Paragraph::new(lines), areas.list);
    // A load error takes the filter line (not a list row, so scrolling stays exact).
    let filter = match (&p.load, &app.overlays.prompt) {
        (Load::Failed(_), None) => {
            Line::styled("✗ the list did not load · R reloads", theme.danger())
        }
        _ => filter_line(app, ListPane::Patients, areas.filter.width, 0, theme),
    };
    frame.render_widget(Paragraph::new(filter), areas.filter);
    frame.render_widget(
        Paragraph::new(detail(
            app,
            usize::from(areas.foot.width),
            usize::from(areas.foot.height),
            theme,
        )),
        areas.foot,
    );
}

/// The list's one line when the status filter (`F`) keeps none of the text filter's `matched`
/// matches (none: no text filter), in the longest wording that fits `width` (shortened on
/// purpose, whole words); with a text filter, Enter selects its best match.
fn none_kept(filter: StatusFilter, matched: Option<usize>, width: usize) -> String {
    let (long, short, shortest) = match filter {
        StatusFilter::Connected => (
            "No patient here is connected",
            "None is connected",
            "None connected",
        ),
        _ => (
            "No patient here needs follow-up",
            "None needs follow-up",
            "None to follow up",
        ),
    };
    let mut wordings = Vec::new();
    if let Some(n) = matched {
        let (the, it) = if n == 1 {
            ("the match", "it")
        } else {
            ("the first match", "the first")
        };
        wordings.extend([
            format!("{long}: Enter selects {the}, F shows the next"),
            format!("{short}: Enter selects {the}, F the next"),
            format!("{shortest}: Enter selects {it}"),
            format!("{shortest}: Enter selects"),
        ]);
    }
    wordings.extend([
        format!("{long}: F shows the next"),
        format!("{short}: F shows the next"),
        format!("{shortest}: F the next"),
    ]);
    wordings
        .into_iter()
        .find(|w| width_of(w) <= width)
        .unwrap_or_else(|| format!("{shortest} (F)"))
}

/// The pane's title: where the list is (`count`), and what is loading or matching; shortened
/// on purpose to the frame's `width`.
fn title(app: &App, count: &str, width: u16, theme: &Theme) -> Line<'static> {
    // `F`'s status filter names the list it shows.
    let name = match app.patients.list.status_filter().label() {
        Some(label) => Span::styled(format!(" {label} "), theme.primary()),
        None => Span::raw(" Patient "),
    };
    let mut tail = Vec::new();
    if !app.patients.marks.is_empty() {
        tail.push(Span::styled(
            format!("· {} marked ", thousands(app.patients.marks.len())),
            theme.primary(),
        ));
    }
    if app.patients.load.is_loading() {
        tail.push(loading(app, theme));
    }
    if app.matching() {
        tail.push(Span::styled(
            format!(" {} matching… ", spinner(app)),
            theme.muted(),
        ));
    }
    let room = usize::from(width.saturating_sub(2));
    let mut title = vec![name];
    if !count.is_empty() {
        // The marks stay whole: the count gives way first (between words).
        let taken: usize = title.iter().chain(&tail).map(Span::width).sum();
        let left = room.saturating_sub(taken + 1);
        if let Some(count) = count_in(count, left) {
            title.push(Span::styled(format!("{count} "), theme.muted()));
        }
    }
    title.extend(tail);
    shorten_line(Line::from(title), room)
}

/// The list's position in `left` columns, giving way by whole parts, never cut inside one:
/// `1–11 of 11 matches · 500 of 5,006 loaded`, `1–11 of 11 matches`, `1–11 of 11`, `1–11`,
/// nothing.
fn count_in(count: &str, left: usize) -> Option<String> {
    let first = count.split(" · ").next().unwrap_or(count);
    let bare = first
        .rsplit_once(' ')
        .filter(|(_, noun)| noun.chars().all(char::is_alphabetic))
        .map_or(first, |(rest, _)| rest);
    let range = first.split(' ').next().unwrap_or(first);
    [count, first, bare, range]
        .into_iter()
        .find(|c| !c.is_empty() && width_of(c) <= left)
        .map(str::to_string)
}

/// The bottom border: how many loaded patients have each status (`Connected 34 · link out 3 ·
/// unused 9 · never 4`; the short form where that does not fit, shortened on purpose where
/// even that does not). Nothing until the list has patients.
fn summary(app: &App, width: u16) -> Line<'static> {
    let list = &app.patients.list;
    if list.items().is_empty() {
        return Line::default();
    }
    let room = usize::from(width.saturating_sub(2));
    let counts = list.counts();
    let text = [
        format!(" {} ", counts.summary(false)),
        format!(" {} ", counts.summary(true)),
        counts.summary(true).replace(" · ", " ").replace("✓ ", "✓"),
    ]
    .into_iter()
    .find(|t| width_of(t) <= room)
    .unwrap_or_else(|| counts.summary(true));
    shorten_line(Line::raw(text), room)
}

/// The `client_user_id` column: as wide as the widest id on the page (and its heading), leaving
/// the status the room of its short form; the date and the status take what is left.
fn id_width(width: usize, ids: impl Iterator<Item = usize>) -> usize {
    let widest = ids.max().unwrap_or(0).max("client_user_id".len());
    widest
        .min(width.saturating_sub(2 + 1 + SHORT_STATUS))
        .max(8)
}

/// Columns the short status takes (`link out 12 min`, `sign-in failed`).
const SHORT_STATUS: usize = 15;
/// Columns the full status takes (`link out · 12 min left`, `unused (expired 10:41)`).
const FULL_STATUS: usize = 22;

/// The row's columns at one width: whether the date shows, and whether the status is in full.
#[derive(Debug, Clone, Copy)]
struct Columns {
    width: usize,
    id: usize,
    created: bool,
    full: bool,
}

impl Columns {
    fn new(width: usize, id: usize) -> Columns {
        let after_id = width.saturating_sub(2 + id + 1);
        let created = after_id >= 11 + FULL_STATUS;
        Columns {
            width,
            id,
            created,
            full: created || after_id >= FULL_STATUS,
        }
    }
}

/// Where the list is: `121–140 of 56,000`, `1–11 of 11 matches`, and while loading how far it
/// got (`500 of 5,006 loaded`).
fn position(offset: usize, rows: usize, shown: usize, loaded: usize, total: Option<u64>) -> String {
    if total.is_none() && loaded == 0 {
        return String::new();
    }
    let range = if shown == 0 {
        "0".to_string()
    } else {
        let last = (offset + rows).min(shown);
        format!("{}–{}", thousands(offset + 1), thousands(last))
    };
    let mut out = if shown == loaded {
        format!("{range} of {}", thousands(shown))
    } else {
        let noun = if shown == 1 { "match" } else { "matches" };
        format!("{range} of {} {noun}", thousands(shown))
    };
    if let Some(t) = total.filter(|t| (loaded as u64) < *t) {
        out.push_str(&format!(
            " · {} of {} loaded",
            thousands(loaded),
            thousands(t as usize)
        ));
    }
    out
}

/// The onboarding status of `u` in words (full or short, as `cols` allows) and its colour.
fn status_cell(app: &App, u: &PatientRef, cols: Columns, theme: &Theme) -> (String, Style) {
    let p = &app.patients;
    if u.client_user_id == crate::audit::QA_CLIENT_USER_ID {
        return ("QA test user".into(), theme.muted());
    }
    let providers = p.connections.providers(u);
    let status = p
        .status
        .ledger
        .status_of(u.user_id, u.client_user_id, &providers, app.now);
    let tz = app.config.utc_offset;
    let text = if cols.full {
        status.text(app.now, tz)
    } else {
        status.short(app.now, tz)
    };
    let style = match status.code() {
        Code::Connected => theme.success(),
        Code::LinkOut => theme.primary(),
        Code::Unused | Code::SignInFailed => theme.warning(),
        Code::NeverLinked => theme.muted(),
    };
    (sanitize(&text), style)
}

/// Whether `u` shows as connected only because this desk's log saw a connection (the API's
/// list for the patient has none connected).
fn connected_by_log_only(app: &App, u: &PatientRef) -> bool {
    let p = &app.patients;
    u.client_user_id != crate::audit::QA_CLIENT_USER_ID
        && p.connections.linked(u) == Linked::None
        && p.status
            .ledger
            .last(u.user_id, u.client_user_id)
            .is_some_and(|l| !l.connected.is_empty())
}

/// One list row: selection mark, `client_user_id` (the characters the filter matched
/// highlighted), created date where the width allows, onboarding status (connected providers as
/// the patients' known connections say); `cols.width` columns. The mark shows `●` for the
/// selected patient and `*` for one marked for the queue.
fn row(app: &App, u: &PatientRef, cols: Columns, style: Style, theme: &Theme) -> Line<'static> {
    let p = &app.patients;
    let mark = match (p.selected == Some(u.user_id), p.marks.contains(u.user_id)) {
        (true, true) => "●*",
        (true, false) => "● ",
        (false, true) => " *",
        (false, false) => "  ",
    };
    let created = if cols.created {
        let date = u
            .created_on
            .map_or_else(|| "-".repeat(10), |d| d.format("%Y-%m-%d").to_string());
        format!("{date} ")
    } else {
        String::new()
    };
    let id = cell(&sanitize(u.client_user_id), cols.id);
    let text = truncate(&format!("{mark}{id} {created}"), cols.width);
    let (status, status_style) = status_cell(app, u, cols, theme);
    let status = Span::styled(
        cell(&status, cols.width.saturating_sub(width_of(&text))),
        style.patch(status_style),
    );
    let hits = matcher::highlight(p.query(), &id);
    if hits.is_empty() {
        return Line::from(vec![Span::styled(text, style), status]);
    }
    // Split the cut row into runs of matched and other characters.
    let mark_len = mark.chars().count();
    let hit = style.patch(theme.matched());
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (k, c) in text.chars().enumerate() {
        let is_hit = k >= mark_len
            && hits.binary_search(&((k - mark_len) as u32)).is_ok()
            && k - mark_len < id.chars().count();
        if is_hit != run_hit && !run.is_empty() {
            let s = if run_hit { hit } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_hit = is_hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { hit } else { style }));
    }
    spans.push(status);
    Line::from(spans)
}

/// The detail strip of the highlighted patient, in `rows` rows of `width` columns: its
/// `user_id`, its connections (each problem with what to do) and its status, broken between
/// whole words. Where that takes more rows (a narrow pane), the `user_id` loses its label and a
/// problem keeps only what to do (`fitbit ✗ (connect again)`); the `Status:` line always shows.
fn detail(app: &App, width: usize, rows: usize, theme: &Theme) -> Vec<Line<'static>> {
    let p = &app.patients;
    let Some(u) = p.highlighted() else {
        return vec![Line::styled("No patient highlighted", theme.muted())];
    };
    // The status in full words (the column has the short form at 80 columns).
    let full = Columns {
        width: 0,
        id: 0,
        created: false,
        full: true,
    };
    let (mut status, status_style) = status_cell(app, &u, full, theme);
    if connected_by_log_only(app, &u) {
        // The log saw a connection the API does not list (the line above): say where the
        // status comes from, so the two lines do not contradict each other.
        status.push_str(" (this desk's log)");
    }
    let mut tail = Flow::new(width, 2);
    tail.unit("", "Status:", theme.muted());
    tail.words(" ", &status, status_style);
    let tail = tail.finish();
    let id = u.user_id.to_string();
    let mut head = Vec::new();
    for brief in [false, true] {
        let first = if width_of("user_id ") + id.len() <= width {
            vec![Line::from(vec![
                Span::styled("user_id ", theme.muted()),
                Span::raw(id.clone()),
            ])]
        } else if brief {
            vec![Line::raw(id.clone())]
        } else {
            vec![
                Line::styled("user_id", theme.muted()),
                Line::raw(id.clone()),
            ]
        };
        let mut f = Flow::new(width, 2);
        f.unit("", "Connections:", theme.muted());
        connections(app, &u, brief, &mut f, theme);
        head = first;
        head.extend(f.finish());
        if head.len() + tail.len() <= rows {
            break;
        }
    }
    head.truncate(rows.saturating_sub(tail.len()));
    head.extend(tail);
    head
}

/// The highlighted patient's connections after `Connections:`: each provider with `✓` or `✗`
/// and, for a problem, what went wrong and what to do (`brief`: what to do alone).
fn connections(app: &App, u: &PatientRef, brief: bool, f: &mut Flow, theme: &Theme) {
    let p = &app.patients;
    match p.connections.get(u.user_id) {
        Some(Load::Loaded(list)) if list.is_empty() => f.unit(" ", "none", theme.muted()),
        Some(Load::Loaded(list)) => {
            for (i, c) in list.iter().enumerate() {
                let (mark, style) = match &c.status {
                    ConnectionStatus::Connected => ("✓", theme.success()),
                    ConnectionStatus::Error => ("✗", theme.danger()),
                    _ => ("?", theme.warning()),
                };
                let words = match (&c.status, &c.error_details) {
                    (_, Some(e)) if brief => link::connection_advice(&sanitize(&e.error_type)),
                    (_, Some(e)) => link::connection_problem(&sanitize(&e.error_type)),
                    (ConnectionStatus::Connected, None) => String::new(),
                    (other, None) => sanitize(other.as_str()),
                };
                f.unit(
                    if i == 0 { " " } else { "  " },
                    &sanitize(&c.slug),
                    Style::new(),
                );
                f.unit(" ", mark, style);
                if !words.is_empty() {
                    f.words(" ", &format!("({words})"), style);
                }
            }
        }
        Some(Load::Loading) => f.unit(
            " ",
            &format!("{} loading connections…", spinner(app)),
            theme.muted(),
        ),
        Some(Load::Failed(e)) => f.words(" ", &truncate(&sanitize(e), 120), theme.danger()),
        None => {
            let slugs = p.connections.slugs(u);
            if slugs.is_empty() {
                f.unit(" ", "none", theme.muted());
            } else {
                for (i, slug) in slugs.iter().enumerate() {
                    f.unit(
                        if i == 0 { " " } else { ", " },
                        &sanitize(slug),
                        Style::new(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{position, thousands};

    /// The list drawn with the characters the filter matched in [brackets].
    #[test]
    fn matched_characters_are_highlighted() {
        use crate::app::tests::{ch, loaded};
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::style::Modifier;
        let mut app = loaded(30, false);
        for c in "/pt1 2".chars() {
            app.update(ch(c));
        }
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let theme = crate::ui::Theme::plain();
        term.draw(|f| crate::ui::draw(f, &app, &theme)).unwrap();
        let buf = term.backend().buffer();
        let mut out = String::new();
        for y in 1..10 {
            let mut open = false;
            for x in 0..38 {
                let cell = &buf[(x, y)];
                let hit = cell.modifier.contains(Modifier::UNDERLINED);
                if hit != open {
                    out.push(if hit { '[' } else { ']' });
                    open = hit;
                }
                out.push_str(cell.symbol());
            }
            if open {
                out.push(']');
            }
            out.push('\n');
        }
        insta::assert_snapshot!(out);
    }

    /// The watcher saw Oura connect while the link showed (the detail load had said none): back
    /// in the panes, the patient's row and detail line both show it.
    #[test]
    fn a_connection_the_watcher_saw_shows_in_the_patient_pane() {
        use crate::app::Msg;
        use crate::app::requests::{Pending, Task};
        use crate::app::tests::{answer, live, t0};
        use crate::ui::tests::{key, minted, render};
        let mut app = minted(80, 24);
        let user_id = app.patients.selected.unwrap();
        answer(&mut app, Pending::Connections { user_id }, |id| {
            Msg::ConnectionsLoaded {
                id,
                result: Ok(vec![]),
            }
        });
        let at = t0() + chrono::Duration::seconds(76);
        app.update(Msg::Watched {
            id: live(&app, Task::Watch),
            at,
            result: Ok(vec![]),
        });
        let oura = serde_json::from_value(serde_json::json!([{"name": "Oura", "slug": "oura",
            "status": "connected", "created_on": "2026-11-24T10:01:10Z"}]))
        .unwrap();
        let id = app.requests.start(Pending::Watch);
        app.update(Msg::Watched {
            id,
            at: at + chrono::Duration::seconds(3),
            result: Ok(oura),
        });
        app.update(key(crossterm::event::KeyCode::Esc));
        app.toast = None;
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Connections: oura ✓"), "{screen}");
        let row = screen
            .lines()
            .find(|l| l.contains("● "))
            .expect("the selected row");
        assert!(row.contains("oura"), "{row}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn the_title_says_where_the_list_is() {
        assert_eq!(thousands(56_000), "56,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(
            position(120, 20, 56_000, 56_000, Some(56_000)),
            "121–140 of 56,000"
        );
        assert_eq!(position(0, 20, 11, 40, Some(40)), "1–11 of 11 matches");
        assert_eq!(position(0, 20, 0, 40, Some(40)), "0 of 0 matches");
        assert_eq!(position(0, 20, 1, 40, Some(40)), "1–1 of 1 match");
        assert_eq!(
            position(0, 20, 500, 500, Some(5006)),
            "1–20 of 500 · 500 of 5,006 loaded"
        );
        assert_eq!(position(0, 20, 0, 0, None), "");
    }
}
