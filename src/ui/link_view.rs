//! The staff link view: the QR code (beside or above the details), the details, the countdown
//! and the URL as text.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{bold, chunk, paint_qr, pane_block};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::ShownLink;
use crate::link::qr::{QrMatrix, QrStyle};
use crate::link::{self, format_countdown};
use crate::text::sanitize;

/// Width of the details column beside the code.
pub const INFO_WIDTH: u16 = 52;
/// Width of the labels in the details column.
const LABEL_WIDTH: usize = 15;

/// A list shortened to `budget` characters, saying how many it left out: `a, b, … (+3 more)`.
fn summarize(list: &[String], budget: usize) -> String {
    let all = list.join(", ");
    if all.chars().count() <= budget {
        return all;
    }
    let mut shown = String::new();
    for (i, item) in list.iter().enumerate() {
        let rest = list.len() - i;
        let tail = format!(", … (+{rest} more)");
        let next = if shown.is_empty() {
            item.clone()
        } else {
            format!("{shown}, {item}")
        };
        let more = list.len() - i - 1;
        let next_tail = if more == 0 {
            String::new()
        } else {
            format!(", … (+{more} more)")
        };
        if next.chars().count() + next_tail.chars().count() > budget {
            return if shown.is_empty() {
                format!("{} providers", list.len())
            } else {
                format!("{shown}{tail}")
            };
        }
        shown = next;
    }
    shown
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let link = &shown.link;
    let look = app.qr;
    let url = sanitize(&link.token.link_web_url);
    let expired = link.is_expired(app.now);
    let block = pane_block(Line::from(" Link for the patient "), true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);

    // Details.
    let remaining = link.remaining(app.now);
    let allow = match &link.request.filter_on_providers {
        Some(list) => sanitize(&summarize(list, INFO_WIDTH as usize - LABEL_WIDTH)),
        None => "all linkable providers".into(),
    };
    let flag = |on: bool| if on { "redirect" } else { "default" };
    let mut info = vec![
        kv("Patient", &sanitize(&link.client_user_id), theme),
        kv("user_id", &link.user_id.to_string(), theme),
        kv("Allowed", &allow, theme),
        kv(
            "Direct to",
            link.request.provider.as_deref().unwrap_or("-"),
            theme,
        ),
        kv(
            "Redirect",
            &sanitize(link.request.redirect_url.as_deref().unwrap_or("-")),
            theme,
        ),
        kv(
            "On error/close",
            &format!(
                "{} / {}",
                flag(link.request.on_error.is_some()),
                flag(link.request.on_close.is_some())
            ),
            theme,
        ),
        kv(
            "Minted",
            &link
                .minted_at
                .with_timezone(&app.config.utc_offset)
                .format("%H:%M:%S")
                .to_string(),
            theme,
        ),
    ];
    if expired {
        info.push(Line::from(vec![
            Span::styled(format!("{:<15}", "Expires"), theme.muted()),
            Span::styled("Expired — press r for a new link", theme.danger()),
        ]));
    } else {
        info.push(Line::from(vec![
            Span::styled(format!("{:<15}", "Expires in"), theme.muted()),
            Span::styled(format_countdown(remaining), bold()),
        ]));
        info.push(Line::styled(
            format!(
                "               (up to {} min; the spec text says {})",
                link::LIFETIME_MINUTES,
                link::SPEC_LIFETIME_MINUTES
            ),
            theme.muted(),
        ));
    }
    info.push(kv("Token", &link.fingerprint(), theme));
    if let Some(p) = &shown.saved_png {
        info.push(kv("PNG", &p.display().to_string(), theme));
    }

    // Where the code goes: beside the details, or above them, or nowhere (then say the size).
    let side_cols = inner.width.saturating_sub(INFO_WIDTH + 1);
    let fit_side = QrMatrix::fitting(
        &link.token.link_web_url,
        look.style,
        side_cols,
        inner.height,
    );
    let url_lines_side = chunk(&url, INFO_WIDTH as usize).len() as u16;
    let (qr_area, info_area, qr) = match fit_side {
        Ok(q) if info.len() as u16 + 2 + url_lines_side <= inner.height => {
            let (c, _) = q.cells(look.style);
            let qa = Rect::new(inner.x, inner.y, c, inner.height);
            let ia = Rect::new(inner.x + c + 1, inner.y, inner.width - c - 1, inner.height);
            (Some(qa), ia, Some(q))
        }
        _ => {
            let url_lines = chunk(&url, inner.width as usize).len() as u16;
            let below = info.len() as u16 + 2 + url_lines;
            match QrMatrix::fitting(
                &link.token.link_web_url,
                look.style,
                inner.width,
                inner.height.saturating_sub(below),
            ) {
                Ok(q) => {
                    let (_, rows) = q.cells(look.style);
                    let qa = Rect::new(inner.x, inner.y, inner.width, rows);
                    let ia = Rect::new(inner.x, inner.y + rows, inner.width, inner.height - rows);
                    (Some(qa), ia, Some(q))
                }
                Err(_) => (None, inner, None),
            }
        }
    };

    let mut text = Vec::new();
    match (&qr, qr_area) {
        (Some(q), Some(area)) if !expired => {
            paint_qr(frame, area, &q.lines(look.style), theme, look.invert);
            text.push(Line::styled(
                format!(
                    "QR v{} · EC {} · {} · {}",
                    q.version(),
                    q.ec_level(),
                    look.style.label(),
                    if look.invert {
                        "inverted"
                    } else {
                        "dark on light"
                    }
                ),
                theme.muted(),
            ));
        }
        (Some(q), Some(area)) => {
            let (c, rows) = q.cells(look.style);
            let msg = Rect::new(area.x, area.y + rows / 2, c, 1);
            frame.render_widget(
                Paragraph::new(Line::styled("Expired — press r", theme.danger()))
                    .alignment(Alignment::Center),
                msg,
            );
        }
        _ => {
            let need = needed_size(&link.token.link_web_url, look.style, info.len() as u16);
            text.push(Line::styled(
                format!(
                    "The QR code does not fit: enlarge the terminal to {} x {} (now {} x {})",
                    need.0, need.1, app.size.width, app.size.height
                ),
                theme.warning(),
            ));
            text.push(Line::styled(
                "K shows it in the patient view, which fits smaller terminals",
                theme.warning(),
            ));
        }
    }
    text.extend(info);
    text.push(Line::styled("Link URL (c copies it):", theme.muted()));
    let url_width = info_area.width as usize;
    for piece in chunk(&url, url_width) {
        text.push(Line::styled(piece, theme.primary()));
    }
    frame.render_widget(Paragraph::new(text), info_area);
}

fn kv(key: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<15}"), theme.muted()),
        Span::raw(value.to_string()),
    ])
}

/// The terminal size at which the code fits beside the details.
pub fn needed_size(url: &str, style: QrStyle, info_lines: u16) -> (u16, u16) {
    match QrMatrix::encode(url, 'L') {
        Ok(q) => {
            let (c, r) = q.cells(style);
            (
                (c + INFO_WIDTH + 3).max(MIN_WIDTH),
                (r.max(info_lines + 6) + 5).max(MIN_HEIGHT),
            )
        }
        Err(_) => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn long_lists_say_how_many_are_left_out() {
        let list: Vec<String> = ["oura", "fitbit", "garmin", "whoop_v2", "dexcom_v3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(summarize(&list[..2], 40), "oura, fitbit");
        assert_eq!(summarize(&list, 30), "oura, fitbit, … (+3 more)");
        assert_eq!(summarize(&list, 8), "5 providers");
    }
}
