//! The three panes: Patient, Providers, Options.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block, rows, spinner};
use crate::api::ConnectionStatus;
use crate::app::layout::{Areas, DETAIL_LINES};
use crate::app::patients::Loadable;
use crate::app::providers::{Row, Source};
use crate::app::{App, OPTION_ROWS, OptionRow, Pane, PromptKind};
use crate::text::{sanitize, truncate};

pub fn draw(frame: &mut Frame, areas: &Areas, app: &App, theme: &Theme) {
    draw_patients(frame, areas.patients, app, theme);
    draw_providers(frame, areas.providers, app, theme);
    draw_options(frame, areas.options, app, theme);
}

/// The filter line of a list: the live prompt, a kept filter, or a hint.
fn filter_line(app: &App, pane: Pane, kept: &str, theme: &Theme) -> Line<'static> {
    match &app.prompt {
        Some(p) if p.kind == PromptKind::Filter(pane) => Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(p.input.value().to_string()),
            Span::styled("▏", theme.primary()),
            Span::styled("  Enter applies · Esc clears", theme.muted()),
        ]),
        _ if !kept.is_empty() => Line::from(vec![
            Span::styled("filter: ", theme.muted()),
            Span::styled(kept.to_string(), theme.primary()),
            Span::styled("  (/ to change)", theme.muted()),
        ]),
        _ => Line::styled("/ filters", theme.muted()),
    }
}

/// The spinner a pane title shows while its list loads.
fn loading(app: &App, theme: &Theme) -> Span<'static> {
    Span::styled(format!("{} loading ", spinner(app)), theme.primary())
}

fn draw_patients(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let p = &app.patients;
    let focused = app.focus == Pane::Patients;
    let loaded = p.rows.len();
    let mut title = vec![Span::raw(" Patient ")];
    let count = match p.total {
        Some(_) if p.visible.len() != loaded => format!("{} of {loaded}", p.visible.len()),
        Some(t) if (loaded as u64) < t => format!("{loaded} of {t}"),
        Some(_) => format!("{loaded}"),
        None => String::new(),
    };
    if !count.is_empty() {
        title.push(Span::styled(format!("({count}) "), theme.muted()));
    }
    if p.loading {
        title.push(loading(app, theme));
    }
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let parts = rows(
        inner,
        &[
            inner.height.saturating_sub(1 + DETAIL_LINES),
            1,
            DETAIL_LINES,
        ],
    );
    let (list_area, filter_area, detail_area) = (parts[0], parts[1], parts[2]);

    let mut lines = Vec::new();

    if p.rows.is_empty() && p.loading {
        lines.push(Line::styled(
            format!("{} Loading patients…", spinner(app)),
            theme.muted(),
        ));
    } else if p.visible.is_empty() && !p.rows.is_empty() {
        lines.push(Line::styled("No patient matches the filter", theme.muted()));
    } else if p.rows.is_empty() && !p.loading && p.load_error.is_none() {
        lines.push(Line::styled(
            "No patients yet: n creates one",
            theme.muted(),
        ));
    }
    let width = list_area.width as usize;
    let id_w = width.saturating_sub(2 + 11 + 8).clamp(8, 20);
    for (pos, &row) in p
        .visible
        .iter()
        .enumerate()
        .skip(p.offset)
        .take(list_area.height as usize)
    {
        let u = &p.rows[row];
        let mark = if Some(u.user_id) == p.selected {
            "● "
        } else {
            "  "
        };
        let created = u
            .created_on
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".repeat(10));
        let slugs = u.connected_slugs();
        let conn = match slugs.len() {
            0 => String::new(),
            1 => sanitize(slugs[0]),
            n => format!("{} +{}", sanitize(slugs[0]), n - 1),
        };
        let text = format!(
            "{mark}{:<id_w$} {created} {conn}",
            truncate(&sanitize(&u.client_user_id), id_w)
        );
        let text = truncate(&text, width);
        let style = if pos == p.cursor && focused {
            theme.selected()
        } else if pos == p.cursor {
            theme.primary()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(format!("{text:<width$}"), style));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    // A load error takes the filter line (not a list row, so scrolling stays exact).
    let filter = match (&p.load_error, &app.prompt) {
        (Some(_), None) => Line::styled("✗ the list did not load · R reloads", theme.danger()),
        _ => filter_line(app, Pane::Patients, &p.filter, theme),
    };
    frame.render_widget(Paragraph::new(filter), filter_area);

    // Detail strip of the highlighted patient.
    let mut detail = Vec::new();
    if let Some(u) = p.highlighted() {
        detail.push(Line::from(vec![
            Span::styled("user_id ", theme.muted()),
            Span::raw(u.user_id.to_string()),
        ]));
        let conns: Vec<Span> = match p.connections.get(&u.user_id) {
            Some(Loadable::Loaded(list)) if list.is_empty() => {
                vec![Span::styled("no connected providers", theme.muted())]
            }
            Some(Loadable::Loaded(list)) => list
                .iter()
                .flat_map(|c| {
                    let (mark, style) = match &c.status {
                        ConnectionStatus::Connected => ("✓", theme.success()),
                        ConnectionStatus::Error => ("✗", theme.danger()),
                        _ => ("?", theme.warning()),
                    };
                    let status = c
                        .error_details
                        .as_ref()
                        .map(|e| format!(" {}", sanitize(&e.error_type)))
                        .unwrap_or_default();
                    [
                        Span::raw(sanitize(&c.slug)),
                        Span::styled(
                            format!(" {mark} {}{status}  ", sanitize(c.status.as_str())),
                            style,
                        ),
                    ]
                })
                .collect(),
            Some(Loadable::Loading) => vec![Span::styled(
                format!("{} loading connections…", spinner(app)),
                theme.muted(),
            )],
            Some(Loadable::Failed(e)) => {
                vec![Span::styled(truncate(&sanitize(e), 120), theme.danger())]
            }
            None => {
                let slugs = u.connected_slugs();
                if slugs.is_empty() {
                    vec![Span::styled("no connected providers", theme.muted())]
                } else {
                    vec![Span::raw(sanitize(&slugs.join(", ")))]
                }
            }
        };
        let mut line = vec![Span::styled("connected ", theme.muted())];
        line.extend(conns);
        detail.push(Line::from(line));
    } else {
        detail.push(Line::styled("No patient highlighted", theme.muted()));
    }
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: true }),
        detail_area,
    );
}

fn draw_providers(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let pv = &app.providers;
    let focused = app.focus == Pane::Providers;
    let ticked = pv.ticked.len();
    let mut title = vec![Span::raw(" Providers ")];
    title.push(Span::styled(
        if ticked == 0 {
            "(all linkable) ".to_string()
        } else {
            format!("({ticked} allowed) ")
        },
        theme.muted(),
    ));
    if pv.source == Source::Loading {
        title.push(loading(app, theme));
    }
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let parts = rows(inner, &[inner.height.saturating_sub(2), 1, 1]);
    let (list_area, filter_area, note_area) = (parts[0], parts[1], parts[2]);
    let width = list_area.width as usize;

    let mut lines = Vec::new();
    for row in pv
        .rows()
        .into_iter()
        .skip(pv.offset)
        .take(list_area.height as usize)
    {
        match row {
            Row::Header(g) => lines.push(Line::styled(
                truncate(g.title(), width),
                theme.muted().add_modifier(ratatui::style::Modifier::BOLD),
            )),
            Row::Item(pos) => {
                let item = &pv.items[pv.visible[pos]];
                let check = if !item.linkable {
                    "[-]"
                } else if pv.ticked.contains(&item.slug) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let mut extra = String::new();
                if pv.direct.as_deref() == Some(item.slug.as_str()) {
                    extra.push_str(" → direct");
                }
                if item.deprecated {
                    extra.push_str(" (deprecated)");
                }
                if !item.linkable {
                    extra.push_str(" app only");
                }
                let text = truncate(
                    &format!(
                        "{check} {} {}{extra}",
                        sanitize(&item.name),
                        sanitize(&item.slug)
                    ),
                    width,
                );
                let style = if pos == pv.cursor && focused {
                    theme.selected()
                } else if !item.linkable {
                    theme.muted()
                } else if pv.ticked.contains(&item.slug) {
                    theme.primary()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(format!("{text:<width$}"), style));
            }
        }
    }
    if pv.visible.is_empty() && pv.source != Source::Loading {
        lines.push(Line::styled(
            "No provider matches the filter",
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    frame.render_widget(
        Paragraph::new(filter_line(app, Pane::Providers, &pv.filter, theme)),
        filter_area,
    );
    let note = if let Some(e) = &pv.error {
        Line::styled(truncate(&sanitize(e), width), theme.danger())
    } else if let Source::Catalog(why) = &pv.source {
        Line::styled(
            truncate(
                &format!("Built-in catalog (API list failed: {})", sanitize(why)),
                width,
            ),
            theme.warning(),
        )
    } else if let Some(item) = pv.highlighted().filter(|_| focused) {
        let why = if item.linkable {
            sanitize(&item.description)
        } else {
            "Connects only through the mobile SDK: the Link page cannot offer it.".to_string()
        };
        Line::styled(truncate(&why, width), theme.muted())
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(note), note_area);
}

/// Splits text into lines of at most `width` characters at spaces (long words are cut).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let cur = lines.last_mut().expect("one line");
        let needed = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if needed > width && !cur.is_empty() {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines.into_iter().map(|l| truncate(&l, width)).collect()
}

fn draw_options(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let o = &app.options;
    let focused = app.focus == Pane::Options;
    let block = pane_block(Line::from(" Options "), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    for (i, row) in OPTION_ROWS.iter().enumerate() {
        let value = match row {
            OptionRow::RedirectUrl => match &o.redirect_url {
                Some(u) => format!("{}: {}", row.label(), sanitize(u)),
                None => format!("{}: (none)", row.label()),
            },
            OptionRow::OnError => {
                format!("[{}] {}", if o.on_error { "x" } else { " " }, row.label())
            }
            OptionRow::OnClose => {
                format!("[{}] {}", if o.on_close { "x" } else { " " }, row.label())
            }
        };
        let style = if focused && i == o.row {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        let text = truncate(&value, width);
        lines.push(Line::styled(format!("{text:<width$}"), style));
        if *row == OptionRow::RedirectUrl
            && let Some(e) = &o.redirect_error
        {
            lines.push(Line::styled(
                truncate(&format!("  ✗ {}", sanitize(e)), width),
                theme.danger(),
            ));
        }
        lines.push(Line::styled(
            truncate(
                &format!(
                    "  {}",
                    if row.explain().chars().count() + 2 <= width {
                        row.explain()
                    } else {
                        row.explain_short()
                    }
                ),
                width,
            ),
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

    // The exact body `m` will send.
    let rest = Rect::new(
        inner.x,
        inner.y + used.min(inner.height),
        inner.width,
        inner.height.saturating_sub(used),
    );
    if rest.height >= 2 {
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
}
