//! Drawing. Every function here reads the state and paints a frame; none changes anything.

mod panes;
mod result;
#[cfg(test)]
mod tests;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::app::keymap::{self, Binding};
use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, Level, PromptKind, Request, View};
use crate::text::sanitize;
pub use theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if layout::too_small(area) {
        draw_too_small(frame, area, theme);
        return;
    }
    if app.view == View::Kiosk {
        result::draw_kiosk(frame, area, app, theme);
        return;
    }
    let areas = layout::areas(area);
    draw_header(frame, areas.header, app, theme);
    match app.view {
        View::Panes => panes::draw(frame, &areas, app, theme),
        View::Result | View::Kiosk => result::draw(frame, areas.body, app, theme),
    }
    // A long message takes the key bar's row too while it shows, so it is never cut.
    let long_toast = app.inflight.is_none()
        && app
            .toast
            .as_ref()
            .is_some_and(|t| t.text.chars().count() > areas.status.width as usize);
    if long_toast {
        let both = Rect::new(areas.keys.x, areas.keys.y, areas.keys.width, 2);
        draw_status(frame, both, app, theme);
    } else {
        draw_keys(frame, areas.keys, app, theme);
        draw_status(frame, areas.status, app, theme);
    }
    if let Some(p) = &app.prompt
        && !matches!(p.kind, PromptKind::Filter(_))
    {
        draw_prompt(frame, area, app, theme);
    }
    if let Some(c) = &app.confirm {
        draw_popup(
            frame,
            area,
            "Confirm",
            &[Line::from(c.question())],
            theme,
            app.env.production,
        );
    }
    if let Some(alert) = &app.alert {
        draw_alert(frame, areas.body, alert, theme);
    }
    if let Some(scroll) = app.help {
        draw_help(frame, area, scroll, theme);
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = Text::from(vec![
        Line::styled(
            "The terminal is too small for vital-onboard.",
            theme.warning(),
        ),
        Line::from(format!(
            "Enlarge it to at least {MIN_WIDTH} x {MIN_HEIGHT} (now {} x {}).",
            area.width, area.height
        )),
        Line::styled("q quits", theme.muted()),
    ]);
    let y = area.height.saturating_sub(3) / 2;
    let rect = Rect::new(area.x, area.y + y, area.width, area.height.min(3));
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![
        Span::styled(
            format!(" {} ", app.env.badge),
            theme.badge(app.env.production),
        ),
        Span::raw(" "),
    ];
    let host = if app.env.badge == "DEMO" {
        format!("built-in emulator at {}", app.env.host)
    } else {
        app.env.host.clone()
    };
    spans.push(Span::raw(host));
    if let Some(prefix) = app.env.key_prefix {
        spans.push(Span::styled(format!("  key {prefix}…"), theme.muted()));
    }
    let right = " ? help ";
    let left = Line::from(spans);
    frame.render_widget(Paragraph::new(left), area);
    let w = right.len() as u16;
    if area.width > w {
        frame.render_widget(
            Paragraph::new(Span::styled(right, theme.muted())),
            Rect::new(area.right() - w, area.y, w, 1),
        );
    }
}

/// The bindings active now, most specific context first, merged by their short label (`Up/k`
/// and `Down/j` are one "move"). Paging keys are left to the help overlay.
fn active_bindings(app: &App) -> Vec<(String, &'static str)> {
    let mut active: Vec<&Binding> = app
        .contexts()
        .into_iter()
        .flat_map(|ctx| keymap::bindings_for(&[ctx]).collect::<Vec<_>>())
        .collect();
    // What matters most first: the pane's own keys, mint, quit and help, then the rest; the bar
    // drops from the end when narrow.
    active.sort_by_key(|b| bar_rank(b.action));
    let mut out: Vec<(String, &'static str)> = Vec::new();
    {
        for b in active {
            if matches!(
                b.action,
                keymap::Action::ForceQuit
                    | keymap::Action::PageUp
                    | keymap::Action::PageDown
                    | keymap::Action::Home
                    | keymap::Action::End
            ) {
                continue;
            }
            let label = short_keys(b);
            match out.iter_mut().find(|(_, s)| *s == b.short) {
                Some((keys, _)) => {
                    if !keys.split('/').any(|k| k == label) {
                        keys.push('/');
                        keys.push_str(&label);
                    }
                }
                None => out.push((label, b.short)),
            }
        }
    }
    out
}

fn bar_rank(a: keymap::Action) -> u8 {
    use keymap::Action::*;
    match a {
        Mint => 1,
        Quit | Help => 2,
        Filter | Reload => 3,
        NextPane | PrevPane => 4,
        Up | Down | PageUp | PageDown | Home | End => 5,
        _ => 0,
    }
}

fn short_keys(b: &Binding) -> String {
    b.keys
        .first()
        .map(|k| match k.label().as_str() {
            "Up" => "↑".to_string(),
            "Down" => "↓".to_string(),
            "PageUp" => "PgUp".to_string(),
            "PageDown" => "PgDn".to_string(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "any key".into())
}

fn draw_keys(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    let mut width = 0usize;
    for (keys, what) in active_bindings(app) {
        let piece = keys.chars().count() + what.chars().count() + 3;
        if width + piece > area.width as usize {
            break;
        }
        width += piece;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = if let Some(f) = &app.inflight {
        let what = match &f.request {
            Request::Mint { .. } => "Minting a link".to_string(),
            Request::CreateUser { client_user_id } => {
                format!("Creating patient {}", sanitize(client_user_id))
            }
        };
        Line::from(vec![
            Span::styled(format!("{} ", spinner(app)), theme.primary()),
            Span::raw(format!("{what}… ")),
            Span::styled("(Esc cancels)", theme.muted()),
        ])
    } else if let Some(t) = &app.toast {
        let style = match t.level {
            Level::Info => Style::new(),
            Level::Success => theme.success(),
            Level::Warning => theme.warning(),
            Level::Error => theme.danger(),
        };
        Line::styled(sanitize(&t.text), style)
    } else {
        Line::styled(hint(app), theme.muted())
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

/// What to do next, when nothing else is said.
fn hint(app: &App) -> String {
    match app.view {
        View::Result | View::Kiosk => "Let the patient scan the code, or c to copy the link".into(),
        View::Panes => match app.patients.selected_user() {
            None => "Pick a patient: ↑↓ then Enter, / to filter, n for a new one".into(),
            Some(u) => {
                let allow = match app.providers.ticked.len() {
                    0 => "all linkable providers".to_string(),
                    n => format!("{n} provider(s) allowed"),
                };
                format!(
                    "Patient {} · {allow} · m mints the link",
                    sanitize(&u.client_user_id)
                )
            }
        },
    }
}

/// A centred rectangle of at most `w` x `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
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
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines.to_vec())
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_type(BorderType::Rounded)
                    .border_style(border)
                    .title(format!(" {title} ")),
            ),
        rect,
    );
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(p) = &app.prompt else { return };
    let width = (area.width - 8).min(72);
    let inner = width as usize - 4;
    let value = p.input.value();
    let scroll = p.input.visual_scroll(inner);
    let shown: String = value.chars().skip(scroll).take(inner).collect();
    let mut lines = vec![Line::from(shown), Line::default()];
    if let Some(e) = &p.error {
        lines[1] = Line::styled(e.clone(), theme.danger());
    } else if let Some(w) = p.warning() {
        lines[1] = Line::styled(format!("Warning: this {w}"), theme.warning());
    } else {
        let help = match p.kind {
            PromptKind::NewUser => {
                "Your system's id for the patient: no names, emails or phone numbers"
            }
            PromptKind::RedirectUrl => "An absolute http(s) URL; empty clears it",
            PromptKind::Filter(_) => "",
        };
        lines[1] = Line::styled(help, theme.muted());
    }
    lines.push(Line::styled("Enter saves · Esc cancels", theme.muted()));
    let rect = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .border_style(theme.focused_border())
                .title(format!(" {} ", p.title())),
        ),
        rect,
    );
    let cursor = (p.input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position((rect.x + 1 + cursor, rect.y + 1));
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
    frame.render_widget(Clear, rect);
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

/// The help lines, generated from the key table.
pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut last = "";
    for ctx in keymap::HELP_ORDER {
        let title = ctx.title();
        if title != last {
            if !lines.is_empty() {
                lines.push(Line::default());
            }
            lines.push(Line::styled(title.to_string(), theme.primary()));
            last = title;
        }
        for b in keymap::BINDINGS.iter().filter(|b| b.ctx == *ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<18}", b.keys_label()), theme.key()),
                Span::raw(b.help),
            ]));
        }
    }
    lines
}

fn draw_help(frame: &mut Frame, area: Rect, scroll: u16, theme: &Theme) {
    let lines = help_lines(theme);
    let rect = centered(area, 96.min(area.width - 2), area.height - 2);
    frame.render_widget(Clear, rect);
    let inner_h = rect.height.saturating_sub(2);
    let total = lines.len() as u16;
    let title = if total > inner_h {
        " Keys (↑↓ scroll · Esc closes) ".to_string()
    } else {
        " Keys (Esc closes) ".to_string()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(total.saturating_sub(inner_h)), 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_type(BorderType::Rounded)
                    .border_style(theme.focused_border())
                    .title(title),
            ),
        rect,
    );
}

/// A block for a pane, highlighted when focused.
pub fn pane_block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .title(title);
    if focused {
        block.border_style(theme.focused_border())
    } else {
        block.border_style(theme.muted())
    }
}

/// Splits `area` into rows of the given heights from the top, the rest last.
pub fn rows(area: Rect, heights: &[u16]) -> Vec<Rect> {
    let mut constraints: Vec<Constraint> = heights.iter().map(|h| Constraint::Length(*h)).collect();
    constraints.push(Constraint::Min(0));
    Layout::vertical(constraints).split(area).to_vec()
}

pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
