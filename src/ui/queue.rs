//! The onboarding-day queue: the staff's screen between patients (where the queue is, the
//! countdown, what it waits for, every patient's result so far), the patient-facing "Please
//! wait for your code" (never the next patient's id), the strip over the link view, and the
//! summary.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::flow::Flow;
use super::widgets::{bold, pane_block, shorten_line, spinner};
use crate::app::App;
use crate::app::layout;
use crate::app::queue::preview::{Known, Preview, Stage};
use crate::app::queue::{Entry, Outcome, Phase, Queue, Wait};
use crate::i18n;
use crate::link::patient_text;
use crate::text::{count, sanitize};

/// The screen while a queue is on and no link shows (or its summary).
pub fn draw(frame: &mut Frame, area: Rect, app: &App, q: &Queue, theme: &Theme) {
    if app.queue_waiting_screen() {
        return draw_wait(frame, area, app, q);
    }
    let areas = layout::areas(area);
    super::header::draw(frame, areas.header, app, theme);
    let width = usize::from(areas.body.width.saturating_sub(2));
    let (title, lines) = if q.is_done() {
        (
            format!(" Queue {} · summary ", q.id),
            fitted(
                usize::from(areas.body.height.saturating_sub(2)),
                width,
                q.entries.len(),
                |named| summary(app, q, width, named, theme),
            ),
        )
    } else {
        (
            format!(
                " Queue {} · patient {} of {}{} · {} ",
                q.id,
                q.current + 1,
                q.entries.len(),
                held_or_paused(q),
                sanitize(&q.label)
            ),
            running(app, q, areas.body.height.saturating_sub(2), width, theme),
        )
    };
    let title = shorten_line(Line::from(title), width);
    let inner = Rect::new(
        areas.body.x + 1,
        areas.body.y + 1,
        areas.body.width.saturating_sub(2),
        areas.body.height.saturating_sub(2),
    );
    frame.render_widget(pane_block(title, true, theme), areas.body);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    super::key_bar::draw(frame, &areas, app, theme);
}

/// The preview of `--queue FILE`: what is known, connected, new; warnings; failures.
pub fn draw_preview(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(p) = &app.queue_preview else {
        return;
    };
    let areas = layout::areas(area);
    super::header::draw(frame, areas.header, app, theme);
    let width = usize::from(areas.body.width.saturating_sub(2));
    let dups = match p.duplicates {
        0 => String::new(),
        n => format!(" ({} dropped)", count(n, "duplicate", "duplicates")),
    };
    let title = format!(" Queue file · {}{dups} ", count(p.rows.len(), "id", "ids"));
    let inner = Rect::new(
        areas.body.x + 1,
        areas.body.y + 1,
        areas.body.width.saturating_sub(2),
        areas.body.height.saturating_sub(2),
    );
    frame.render_widget(
        pane_block(shorten_line(Line::from(title), width), true, theme),
        areas.body,
    );
    frame.render_widget(
        Paragraph::new(fitted_preview(
            app,
            p,
            width,
            usize::from(inner.height),
            theme,
        ))
        .wrap(Wrap { trim: false }),
        inner,
    );
    super::key_bar::draw(frame, &areas, app, theme);
}

/// Under a summary with links left unused: what staff can and cannot do about them.
pub const LINK_OUT_NOTE: &str = "A link left unused stays valid until it expires: Vital has no \
     way to withdraw a link, so a patient's link can still connect them until then.";

/// At most this many ids are named on a line of the preview.
const NAMED: usize = 12;

/// The lines of `lines(named)` naming as many ids a section as fit in `height` rows of `width`
/// (at least [`NAMED`], at most `most`): the rows a short list leaves are not left empty while
/// ids are hidden. More names never take fewer rows, so the most that fit is found by halving,
/// from no more than the screen could hold (an id and its ", " take three columns at least), so
/// a frame costs the screen's size, not the list's.
fn fitted(
    height: usize,
    width: usize,
    most: usize,
    lines: impl Fn(usize) -> Vec<Line<'static>>,
) -> Vec<Line<'static>> {
    let most = most.min(height * width / 3);
    let (mut lo, mut hi) = (NAMED, most.max(NAMED));
    let mut best = lines(lo);
    if best.len() > height {
        return best;
    }
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        let tried = lines(mid);
        if tried.len() <= height {
            lo = mid;
            best = tried;
        } else {
            hi = mid - 1;
        }
    }
    best
}

/// The preview, as many ids a section as fit in `height` rows.
fn fitted_preview(
    app: &App,
    p: &Preview,
    width: usize,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    fitted(height, width, p.rows.len(), |named| {
        preview_lines(app, p, width, named, theme)
    })
}

fn preview_lines(
    app: &App,
    p: &Preview,
    width: usize,
    named: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let progress = match p.stage {
        Stage::Listing => format!("{} Loading the patient list…", spinner(app)),
        Stage::LookingUp => format!(
            "{} Looking up {} of {}…",
            spinner(app),
            crate::text::thousands(p.resolved() + 1),
            crate::text::thousands(p.rows.len())
        ),
        Stage::Creating => format!("{} Creating the new patients…", spinner(app)),
        Stage::Ready => match p.count(|k| matches!(k, Known::Created { .. })) {
            0 => "Nothing is sent before you answer y".to_string(),
            n => format!(
                "{} created; no link is sent before you answer y",
                count(n, "new patient was", "new patients were")
            ),
        },
    };
    lines.push(Line::styled(progress, theme.muted()));
    lines.push(Line::default());
    let rows_with = |f: &dyn Fn(&Known) -> Option<String>| -> Vec<String> {
        p.rows
            .iter()
            .filter_map(|r| {
                f(&r.known).map(|extra| format!("{}{extra}", sanitize(&r.client_user_id)))
            })
            .collect()
    };
    let known = rows_with(&|k| match k {
        Known::Patient { connected, .. } if connected.is_empty() => Some(String::new()),
        _ => None,
    });
    let connected = rows_with(&|k| match k {
        Known::Patient { connected, .. } if !connected.is_empty() => {
            Some(format!(" ({})", connected.join(", ")))
        }
        _ => None,
    });
    let new = rows_with(&|k| (*k == Known::New).then(String::new));
    let created = rows_with(&|k| matches!(k, Known::Created { .. }).then(String::new));
    let failed = rows_with(&|k| match k {
        Known::CreateFailed(r) => Some(format!(" (not created: {r})")),
        Known::LookupFailed(r) => Some(format!(" (lookup failed: {r})")),
        _ => None,
    });
    // Ids whole (with what follows them), wrapped lines indented; a section with none is left
    // out.
    let mut section = |heading: String, ids: Vec<String>, style: Style| {
        if ids.is_empty() {
            return;
        }
        let mut flow = Flow::new(width, 2);
        flow.unit("", &heading, style);
        for (i, id) in ids.iter().take(named).enumerate() {
            flow.unit(if i == 0 { ": " } else { ", " }, id, Style::new());
        }
        if ids.len() > named {
            // The rest are in the file, in its order.
            let more = format!("… and {} more (the file lists them)", ids.len() - named);
            flow.words(" ", &more, Style::new());
        }
        lines.extend(flow.finish());
    };
    section(format!("Known {}", known.len()), known, Style::new());
    let skip = crate::app::queue::preview::connected_choice(p.include_connected);
    let n = connected.len();
    section(
        format!("Already connected {n} ({skip})"),
        connected,
        theme.success(),
    );
    section(format!("New {}", new.len()), new, theme.primary());
    section(
        format!("Created {}", created.len()),
        created,
        theme.success(),
    );
    section(format!("Failed {}", failed.len()), failed, theme.danger());
    let warned: Vec<&crate::app::queue::preview::Row> =
        p.rows.iter().filter(|r| r.warning.is_some()).collect();
    if !warned.is_empty() {
        lines.push(Line::default());
        for r in warned.iter().take(NAMED) {
            lines.push(Line::styled(
                format!(
                    "{} {}",
                    sanitize(&r.client_user_id),
                    r.warning.unwrap_or_default()
                ),
                theme.warning(),
            ));
        }
    }
    lines
}

/// The patient-facing view between patients: the clinic's name and one neutral sentence ("Please
/// wait for your code"; after the last patient "Thank you. Please hand the device back").
fn draw_wait(frame: &mut Frame, area: Rect, app: &App, q: &Queue) {
    let mut lines = Vec::new();
    if let Some(name) = &app.config.clinic_name {
        lines.push(Line::styled(sanitize(name), bold()));
        lines.push(Line::default());
    }
    // During the countdown, the link's own "Oura is connected. You can hand the device back."
    let confirmed = match (&q.phase, &q.confirmation) {
        (Phase::Connected { .. }, Some((lang, names))) => {
            let names: Vec<String> = names.iter().map(|n| sanitize(n)).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            patient_text::connected(*lang, &names)
        }
        _ => None,
    };
    let text = confirmed.unwrap_or_else(|| {
        let id = if q.is_done() {
            "queue-done"
        } else {
            "queue-wait"
        };
        i18n::text(app.config.patient_language, id, &[])
    });
    lines.push(Line::styled(text, bold()));
    // Wrapped lines count as the rows they take.
    let width = usize::from(area.width.max(1));
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let h = u16::try_from(rows).unwrap_or(u16::MAX).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        Rect::new(area.x, y, area.width, h),
    );
}

/// The status line's hint while a queue is on.
pub fn hint(app: &App) -> String {
    let Some(q) = &app.queue else {
        return preview_hint(app);
    };
    match &q.phase {
        Phase::Done => "Esc closes the summary; the audit log keeps the queue's rows".into(),
        Phase::Waiting(_) => "r mints again, n skips to the next patient".into(),
        Phase::Connected { held: true, .. } if q.paused => {
            "Countdown held and queue paused: h and p go on, n moves on now".into()
        }
        Phase::Connected { held: true, .. } => {
            "Countdown held: h goes on, n moves on now, x stops".into()
        }
        Phase::Showing | Phase::Minting | Phase::Connected { .. } if q.paused => {
            "Queue paused: a connection does not move on; p resumes".into()
        }
        Phase::Showing => {
            "Let the patient scan the code: the queue moves on when they connect".into()
        }
        // `h` only where it works: during the countdown.
        Phase::Minting => "The queue moves on by itself: n skips, x stops".into(),
        Phase::Connected { .. } => "The queue moves on by itself: h holds, n skips, x stops".into(),
    }
}

fn preview_hint(app: &App) -> String {
    let Some(p) = &app.queue_preview else {
        return String::new();
    };
    match (p.stage, p.new_ids()) {
        (Stage::Ready, 0) => format!(
            "Enter: start the queue of {}",
            count(p.entries().len(), "patient", "patients")
        ),
        (Stage::Ready, n) => format!("Enter: create the {n} new (asks first), then start"),
        _ => "Esc closes the preview: nothing is sent".into(),
    }
}

/// One line over the staff link view: which patient of the queue this is, in the widest run
/// of blank cells of its top row (the header and the badge keep theirs).
pub fn draw_strip(frame: &mut Frame, area: Rect, q: &Queue, theme: &Theme) {
    let Some(e) = q.current_entry() else {
        return;
    };
    let text = format!(
        "Queue {} of {}{} · {}",
        q.current + 1,
        q.entries.len(),
        held_or_paused(q),
        sanitize(&e.client_user_id)
    );
    let (start, len) = widest_blank_run(frame, area);
    // A space either side, so it reads apart from what is there.
    let width = len.saturating_sub(2);
    if width < 12 {
        return;
    }
    let line = shorten_line(Line::styled(text, theme.primary()), usize::from(width));
    frame.render_widget(Paragraph::new(line), Rect::new(start + 1, area.y, width, 1));
}

/// What stops the queue moving on by itself, for the strip and the title (before what may be
/// cut): " · held" while `h` holds the countdown, " · paused" while `p` pauses the queue.
fn held_or_paused(q: &Queue) -> String {
    let held = matches!(q.phase, Phase::Connected { held: true, .. });
    let mut words = String::new();
    if held {
        words.push_str(" · held");
    }
    if q.paused {
        words.push_str(" · paused");
    }
    words
}

/// The start and length of the longest run of blank cells on the top row of `area`.
fn widest_blank_run(frame: &mut Frame, area: Rect) -> (u16, u16) {
    let buf = frame.buffer_mut();
    let (mut best, mut run_start, mut run) = ((area.x, 0u16), area.x, 0u16);
    for x in area.x..area.right() {
        if buf[(x, area.y)].symbol().trim().is_empty() {
            if run == 0 {
                run_start = x;
            }
            run += 1;
            if run > best.1 {
                best = (run_start, run);
            }
        } else {
            run = 0;
        }
    }
    best
}

/// Where the queue is: one sentence on the current patient, then every patient's result (a
/// long one on indented lines).
fn running(app: &App, q: &Queue, rows: u16, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = phase_lines(app, q, width, theme);
    lines.push(Line::default());
    let rows = usize::from(rows);
    let room = rows.saturating_sub(lines.len()).max(1);
    // A window of the patients that keeps the current one in view.
    let first = q.current.saturating_sub(room / 2);
    let first = first.min(q.entries.len().saturating_sub(room));
    for (i, e) in q.entries.iter().enumerate().skip(first) {
        let entry = entry_lines(app, q, i, e, width, theme);
        if lines.len() + entry.len() > rows && i > q.current {
            break;
        }
        lines.extend(entry);
    }
    lines
}

/// The sentence on the current patient; the id is never split.
fn phase_lines(app: &App, q: &Queue, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let who = q
        .current_entry()
        .map(|e| sanitize(&e.client_user_id))
        .unwrap_or_default();
    let (before, after, style) = match &q.phase {
        Phase::Minting => (
            format!("{} Minting the link for", spinner(app)),
            "…".to_string(),
            Style::new(),
        ),
        Phase::Showing => ("The link for".into(), " is shown".into(), Style::new()),
        Phase::Connected { held, .. } => {
            let last = q.current + 1 >= q.entries.len();
            let left = q.countdown(app.now).unwrap_or(0);
            let then = match (*held, q.paused, last) {
                // Both keep it: each key names the one it releases.
                (true, true, _) => "held and paused: h and p go on".to_string(),
                (true, false, _) => "held: h goes on".to_string(),
                (false, true, _) => "paused: p resumes".to_string(),
                (false, false, true) => "the summary follows".to_string(),
                (false, false, false) => format!("next patient in {left} s"),
            };
            let mut flow = Flow::new(width, 2);
            flow.words("", &format!("Connected ✓ — {then}"), theme.success());
            return flow.finish();
        }
        Phase::Waiting(Wait::Expired) => (
            "The link for".into(),
            " expired unused: r mints again, n skips".into(),
            theme.warning(),
        ),
        Phase::Waiting(Wait::MintFailed(reason)) => (
            "The link for".into(),
            format!(
                " was not minted ({}): r tries again, n skips",
                sanitize(reason)
            ),
            theme.danger(),
        ),
        Phase::Done => return vec![],
    };
    let mut flow = Flow::new(width, 2);
    flow.words("", &before, style);
    flow.unit(" ", &who, style);
    match after.strip_prefix(' ') {
        Some(words) => flow.words(" ", words, style),
        None => flow.unit("", &after, style),
    }
    flow.finish()
}

fn entry_lines(
    app: &App,
    q: &Queue,
    i: usize,
    e: &Entry,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let current = i == q.current;
    // The current patient's new attempt shows as such (what came of an earlier one stays in
    // the summary).
    let attempt = current && matches!(q.phase, Phase::Minting | Phase::Showing);
    let (word, style) = match &e.outcome {
        _ if attempt => match q.phase {
            Phase::Minting => (format!("{} minting", spinner(app)), Style::new()),
            _ => ("link shown".to_string(), Style::new()),
        },
        Some(Outcome::Connected) if e.providers.is_empty() => {
            ("✓ connected".to_string(), theme.success())
        }
        // The providers by name, as the link's own view says it ("✓ Oura").
        Some(Outcome::Connected) => (
            format!(
                "✓ {}",
                e.providers
                    .iter()
                    .map(|n| sanitize(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            theme.success(),
        ),
        Some(Outcome::Skipped) => ("skipped".to_string(), theme.muted()),
        Some(Outcome::Unused) => ("unused".to_string(), theme.warning()),
        Some(Outcome::Failed(r)) => (format!("failed: {}", sanitize(r)), theme.danger()),
        Some(Outcome::NotFinished) => ("not finished".to_string(), theme.muted()),
        None => ("waiting".to_string(), theme.muted()),
    };
    let word = match app.queue_link_out(e.user_id) {
        Some(out) if !attempt => format!("{word} · {}", links_out(app, out)),
        _ => word,
    };
    let pointer = if current { "▶ " } else { "  " };
    let head = format!("{pointer}{:>3}. {:<20}", i + 1, sanitize(&e.client_user_id));
    // Wrapped lines start under the result.
    let mut flow = Flow::new(width, crate::text::width(&head) + 1);
    flow.unit("", &head, Style::new());
    flow.words(" ", &word, style);
    flow.finish()
}

/// A patient's links still out: "link out until 10:47", "2 links out until 10:47".
fn links_out(app: &App, (n, until): (usize, chrono::DateTime<chrono::Utc>)) -> String {
    let what = if n == 1 {
        "link".to_string()
    } else {
        format!("{n} links")
    };
    format!("{what} out until {}", clock(app, until))
}

/// `t` as the console's clock shows it: `10:47`.
fn clock(app: &App, t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&app.config.utc_offset)
        .format("%H:%M")
        .to_string()
}

/// The summary: each outcome with its patients, who ran the queue and where to find it again.
/// `named`: at most this many ids an outcome.
fn summary(app: &App, q: &Queue, width: usize, named: usize, theme: &Theme) -> Vec<Line<'static>> {
    // The facts `history --queue` gives: how it ended, who ran it, from when to when.
    let time = |t| clock(app, t);
    let mut end = q
        .end
        .unwrap_or(crate::audit::QueueEnd::Stopped)
        .text()
        .to_string();
    end[..1].make_ascii_uppercase();
    let mut head = Flow::new(width, 2);
    head.words(
        "",
        &format!(
            "{end}, {} with {} · by {} · {} to {}",
            count(q.entries.len(), "patient", "patients"),
            sanitize(&q.label),
            sanitize(&q.operator),
            time(q.started_at),
            time(q.ended_at.unwrap_or(app.now))
        ),
        Style::new(),
    );
    let mut lines = head.finish();
    lines.push(Line::default());
    // Every outcome a patient has, and "Connected" always (the totals of the status line).
    for (label, _) in q.totals() {
        let style = match label {
            "connected" => theme.success(),
            "unused" => theme.warning(),
            "failed" => theme.danger(),
            _ => theme.muted(),
        };
        let mut heading = label.to_string();
        heading[..1].make_ascii_uppercase();
        let entries = q.with(label);
        // Ids whole, a failure's reason after its id; wrapped lines indent.
        let mut flow = Flow::new(width, 2);
        flow.unit("", &format!("{heading} {}", entries.len()), style);
        for (i, e) in entries.iter().take(named).enumerate() {
            let sep = if i == 0 { ": " } else { ", " };
            flow.unit(sep, &sanitize(&e.client_user_id), Style::new());
            if let Some(Outcome::Failed(r)) = &e.outcome {
                flow.words(" ", &format!("({})", sanitize(r)), Style::new());
            }
            if let Some(out) = app.queue_link_out(e.user_id) {
                flow.words(" ", &format!("({})", links_out(app, out)), Style::new());
            }
        }
        if entries.len() > named {
            let more = format!("… and {} more", entries.len() - named);
            flow.unit(" ", &more, Style::new());
        }
        lines.extend(flow.finish());
    }
    lines.push(Line::default());
    if app.queue_links_out().is_some() {
        let mut flow = Flow::new(width, 0);
        flow.words("", LINK_OUT_NOTE, theme.warning());
        lines.extend(flow.finish());
    }
    lines.push(shorten_line(
        Line::styled(
            format!("history --queue {} prints this summary again", q.id),
            theme.muted(),
        ),
        width,
    ));
    lines
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "queue_preview_tests.rs"]
mod preview_tests;

#[cfg(test)]
#[path = "queue_flow_tests.rs"]
mod flow_tests;
