//! Text prompts: the filter line of a list pane (live while typing, else the kept filter), and
//! the boxed prompts for a new patient and the redirect URL.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{centered, clear_under, first_fit, popup_block, wrap_words};
use crate::app::App;
use crate::app::prompt::{ListPane, Prompt, PromptKind};
use crate::text::width as width_of;

/// What the live filter hint takes after the text.
const FILTER_HINT: &str = "  Enter applies · Esc clears";

/// The end of `text` that fits in `width` columns, marked `…` when cut (the cursor is at the end).
fn tail(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_string();
    }
    let keep = width.saturating_sub(1);
    let mut out = String::from("…");
    out.extend(&chars[chars.len() - keep..]);
    out
}

/// The filter line of a list, `width` columns: the live prompt, a kept filter, or a hint. When
/// `ticks_hidden` ticked items are hidden by the filter, the line says so first. Shortened on
/// purpose to fit: the longer wordings give way to shorter ones, and the rest is cut with `…`.
pub fn filter_line(
    app: &App,
    pane: ListPane,
    width: u16,
    ticks_hidden: usize,
    theme: &Theme,
) -> Line<'static> {
    let width = usize::from(width);
    let kept = app.list_filter(pane);
    let hidden = |long: bool| {
        let words = if long {
            format!("{ticks_hidden} ticked, hidden by the filter · ")
        } else {
            format!("{ticks_hidden} ticked, hidden · ")
        };
        (ticks_hidden > 0).then(|| Span::styled(words, theme.warning()))
    };
    match &app.overlays.prompt {
        Some(p) if p.kind == PromptKind::Filter(pane) => {
            let warning = hidden(false).filter(|w| width_of(&w.content) * 2 <= width);
            let warning_width = warning.as_ref().map_or(0, |w| width_of(&w.content));
            // The text first: the hint goes when the two do not fit.
            let room = width.saturating_sub(2 + warning_width);
            let len = p.input.value().chars().count();
            let hint = if len + FILTER_HINT.chars().count() <= room {
                FILTER_HINT
            } else {
                ""
            };
            let value = tail(p.input.value(), room);
            // A kept filter shown for editing looks selected: typing replaces it.
            let text = if p.replace_on_type {
                Span::styled(value, theme.selected())
            } else {
                Span::raw(value)
            };
            let mut spans: Vec<Span<'static>> = warning.into_iter().collect();
            spans.extend([
                Span::styled("/", theme.key()),
                text,
                Span::styled("▏", theme.primary()),
                Span::styled(hint, theme.muted()),
            ]);
            Line::from(spans)
        }
        _ if !kept.is_empty() => {
            let variant = |long_warning: bool, hint: &'static str| {
                let mut spans: Vec<Span<'static>> = hidden(long_warning).into_iter().collect();
                spans.push(Span::styled("filter: ", theme.muted()));
                spans.push(Span::styled(kept.to_string(), theme.primary()));
                spans.push(Span::styled(hint, theme.muted()));
                Line::from(spans)
            };
            first_fit(
                vec![
                    variant(true, "  (/ edits · Esc clears)"),
                    variant(true, "  (Esc clears)"),
                    variant(true, ""),
                    variant(false, "  (Esc clears)"),
                    variant(false, ""),
                ],
                width,
            )
        }
        _ => Line::styled("/ filters", theme.muted()),
    }
}

/// The boxed prompt (a filter is drawn on its list's filter line instead).
pub fn draw(frame: &mut Frame, area: Rect, p: &Prompt, theme: &Theme) {
    let help = match p.kind {
        PromptKind::Filter(_) => return,
        PromptKind::NewUser => {
            "Your system's id for the patient: no names, emails or phone numbers"
        }
        PromptKind::RedirectUrl => "An absolute http(s) URL; empty clears it",
        PromptKind::PresetName => "Saves the ticks, direct provider and options to the config file",
        PromptKind::HistoryFilter => "Patient, preset, provider or fingerprint; Esc clears",
    };
    let width = (area.width - 8).min(72);
    let inner = width as usize - 4;
    let value = p.input.value();
    let scroll = p.input.visual_scroll(inner);
    let shown: String = value.chars().skip(scroll).take(inner).collect();
    // The message under the text wraps, so it is read whole at every size.
    let (message, style) = if let Some(e) = &p.error {
        (e.clone(), theme.danger())
    } else if let Some(w) = p.warning() {
        (
            format!("Warning: this {w}. Enter twice creates the patient anyway."),
            theme.warning(),
        )
    } else {
        (help.to_string(), theme.muted())
    };
    let mut lines = vec![Line::from(shown)];
    lines.extend(
        wrap_words(&message, inner)
            .into_iter()
            .map(|l| Line::styled(l, style)),
    );
    lines.push(Line::styled("Enter saves · Esc cancels", theme.muted()));
    let rect = centered(area, width, lines.len() as u16 + 2);
    clear_under(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block(p.title(), theme.focused_border())),
        rect,
    );
    let cursor = (p.input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position((rect.x + 1 + cursor, rect.y + 1));
}
