//! The Providers pane: the grouped checklist, the filter line, and a note (the API's complaint,
//! the catalog notice, or the highlighted provider's description).

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::prompt::filter_line;
use super::widgets::{loading, pane_block, shorten_line};
use crate::app::layout::ListAreas;
use crate::app::prompt::ListPane;
use crate::app::providers::{ListLine, ProviderItem, Providers};
use crate::app::requests::Load;
use crate::app::{App, Pane};
use crate::text::{cell, sanitize, shorten};

pub fn draw(frame: &mut Frame, areas: &ListAreas, app: &App, theme: &Theme) {
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
    if pv.load.is_loading() {
        title.push(loading(app, theme));
    }
    let title = shorten_line(
        Line::from(title),
        usize::from(areas.frame.width.saturating_sub(2)),
    );
    frame.render_widget(pane_block(title, focused, theme), areas.frame);
    let width = areas.list.width as usize;

    let mut lines = Vec::new();
    for line in pv
        .lines()
        .into_iter()
        .skip(pv.list.state().offset())
        .take(areas.list.height as usize)
    {
        match line {
            ListLine::Heading(g) => lines.push(Line::styled(
                shorten(g.title(), width),
                theme.muted().add_modifier(Modifier::BOLD),
            )),
            ListLine::Item(pos) => {
                let item = &pv.list.items()[pv.list.visible()[pos]];
                let text = shorten(&item_text(pv, item), width);
                let style = if pos == pv.list.state().cursor() && focused {
                    theme.selected()
                } else if !item.linkable {
                    theme.muted()
                } else if pv.ticked.contains(&item.slug) {
                    theme.primary()
                } else {
                    Style::new()
                };
                lines.push(Line::styled(cell(&text, width), style));
            }
        }
    }
    if pv.list.visible().is_empty() && !pv.load.is_loading() {
        lines.push(Line::styled(
            "No provider matches the filter",
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), areas.list);
    // Ticks the filter hides still count: the filter line says so.
    let hidden = if pv.list.filter().is_empty() {
        0
    } else {
        pv.ticked_hidden()
    };
    let filter = filter_line(app, ListPane::Providers, areas.filter.width, hidden, theme);
    frame.render_widget(Paragraph::new(filter), areas.filter);
    let note = if let Some(e) = &pv.error {
        Line::styled(shorten(&sanitize(e), width), theme.danger())
    } else if let Load::Failed(why) = &pv.load {
        Line::styled(
            shorten(
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
        Line::styled(shorten(&why, width), theme.muted())
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(note), areas.foot);
}

/// One item line: tick box, name, slug and marks.
fn item_text(pv: &Providers, item: &ProviderItem) -> String {
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
    format!(
        "{check} {} {}{extra}",
        sanitize(&item.name),
        sanitize(&item.slug)
    )
}
