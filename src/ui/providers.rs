//! The Providers pane: the grouped checklist, the filter line, and a note (the API's complaint,
//! the catalog notice, or the highlighted provider's description).

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::prompt::filter_line;
use super::widgets::{loading, pane_block, shorten_line};
use crate::app::app_code::PhoneOnly;
use crate::app::layout::ListAreas;
use crate::app::prompt::ListPane;
use crate::app::providers::{ListLine, ProviderItem};
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
                let text = fitted(&item_texts(app, item), width);
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
            vec![sanitize(&item.description)]
        } else {
            phone_note(app, item)
        };
        Line::styled(fitted(&why, width), theme.muted())
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(note), areas.foot);
}

/// The first of `variants` that fits `width` whole, else the last shortened.
fn fitted(variants: &[String], width: usize) -> String {
    variants
        .iter()
        .find(|v| crate::text::width(v) <= width)
        .cloned()
        .unwrap_or_else(|| shorten(variants.last().map_or("", String::as_str), width))
}

/// One item line, longest first: tick box, name, slug and marks; a phone-only provider says how
/// it connects (Apple Health: the Junction Connect app and `A`; the others: the clinic's app).
fn item_texts(app: &App, item: &ProviderItem) -> Vec<String> {
    let pv = &app.providers;
    let check = if !item.linkable {
        "[-]"
    } else if pv.ticked.contains(&item.slug) {
        "[x]"
    } else {
        "[ ]"
    };
    let (name, slug) = (sanitize(&item.name), sanitize(&item.slug));
    if !item.linkable
        && let Some(way) = PhoneOnly::of(&item.slug)
    {
        let ways: Vec<String> = match (way, &app.config.mobile_app) {
            (PhoneOnly::JunctionConnect, _) => vec![
                "through the Junction Connect app: press A".into(),
                "app code: press A".into(),
                "press A".into(),
            ],
            (PhoneOnly::ClinicApp { .. }, None) => vec![
                "needs the clinic's own app".into(),
                "clinic's app only".into(),
                "clinic's app".into(),
            ],
            (PhoneOnly::ClinicApp { .. }, Some(m)) => {
                let n = sanitize(&m.name);
                vec![
                    format!("in {n}: press Enter"),
                    format!("in {n}"),
                    "clinic's app: Enter".into(),
                    "clinic's app".into(),
                ]
            }
        };
        let mut out = vec![format!("{check} {name} {slug} · {}", ways[0])];
        out.extend(ways.iter().map(|w| format!("{check} {name} · {w}")));
        return out;
    }
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
    vec![format!("{check} {name} {slug}{extra}")]
}

/// The note under the list for a provider the Link page cannot offer, longest first.
fn phone_note(app: &App, item: &ProviderItem) -> Vec<String> {
    match (PhoneOnly::of(&item.slug), &app.config.mobile_app) {
        (Some(PhoneOnly::JunctionConnect), _) => vec![
            "Through the Junction Connect app: A makes a code the patient types in (Vital's Grow or Scale plan)".into(),
            "Through the Junction Connect app: press A".into(),
            "Junction Connect app: A makes a code".into(),
        ],
        (Some(PhoneOnly::ClinicApp { .. }), None) => vec![
            "Needs the clinic's own app: name it in [mobile_app] in the config file".into(),
            "Needs the clinic's own app ([mobile_app])".into(),
            "Needs the clinic's own app".into(),
        ],
        (Some(PhoneOnly::ClinicApp { .. }), Some(m)) => {
            let n = sanitize(&m.name);
            vec![
                format!("Connects in {n}: Enter shows its store code; the patient signs in there"),
                format!("Connects in {n}: Enter shows its store code"),
                format!("In {n}: Enter for its store code"),
                format!("Enter: {n}'s store code"),
                "Enter: the clinic app's store code".into(),
            ]
        }
        (None, _) => vec![
            "Connects only through the mobile SDK: the Link page cannot offer it.".into(),
            "Connects only through the mobile SDK.".into(),
        ],
    }
}
