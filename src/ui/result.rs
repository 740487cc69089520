//! The result view (QR code, URL, lifetime) and the patient-facing view.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, bold, centered, pane_block};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::link::qr::QrMatrix;
use crate::link::qr::QrStyle;
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

/// Paints QR lines at `area`'s top-left with explicit colours.
fn paint_qr(frame: &mut Frame, area: Rect, lines: &[String], theme: &Theme, invert: bool) {
    let style = theme.qr(invert);
    let buf = frame.buffer_mut();
    for (dy, line) in lines.iter().enumerate() {
        let y = area.y + dy as u16;
        if y >= area.bottom() {
            break;
        }
        for (dx, ch) in line.chars().enumerate() {
            let x = area.x + dx as u16;
            if x >= area.right() {
                break;
            }
            buf[(x, y)].set_char(ch).set_style(style);
        }
    }
}

/// Splits text into lines of `width` characters (URLs have no spaces to wrap at).
fn chunk(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(r) = &app.result else { return };
    let link = &r.link;
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
                .with_timezone(&app.prefs.utc_offset)
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
    if let Some(p) = &r.saved_png {
        info.push(kv("PNG", &p.display().to_string(), theme));
    }

    // Where the code goes: beside the details, or above them, or nowhere (then say the size).
    let side_cols = inner.width.saturating_sub(INFO_WIDTH + 1);
    let fit_side = QrMatrix::fitting(&link.token.link_web_url, r.style, side_cols, inner.height);
    let url_lines_side = chunk(&url, INFO_WIDTH as usize).len() as u16;
    let (qr_area, info_area, qr) = match fit_side {
        Ok(q) if info.len() as u16 + 2 + url_lines_side <= inner.height => {
            let (c, _) = q.cells(r.style);
            let qa = Rect::new(inner.x, inner.y, c, inner.height);
            let ia = Rect::new(inner.x + c + 1, inner.y, inner.width - c - 1, inner.height);
            (Some(qa), ia, Some(q))
        }
        _ => {
            let url_lines = chunk(&url, inner.width as usize).len() as u16;
            let below = info.len() as u16 + 2 + url_lines;
            match QrMatrix::fitting(
                &link.token.link_web_url,
                r.style,
                inner.width,
                inner.height.saturating_sub(below),
            ) {
                Ok(q) => {
                    let (_, rows) = q.cells(r.style);
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
            paint_qr(frame, area, &q.lines(r.style), theme, r.invert);
            text.push(Line::styled(
                format!(
                    "QR v{} · EC {} · {} · {}",
                    q.version(),
                    q.ec_level(),
                    r.style.label(),
                    if r.invert {
                        "inverted"
                    } else {
                        "dark on light"
                    }
                ),
                theme.muted(),
            ));
        }
        (Some(q), Some(area)) => {
            let (c, rows) = q.cells(r.style);
            let msg = Rect::new(area.x, area.y + rows / 2, c, 1);
            frame.render_widget(
                Paragraph::new(Line::styled("Expired — press r", theme.danger()))
                    .alignment(Alignment::Center),
                msg,
            );
        }
        _ => {
            let need = needed_size(&link.token.link_web_url, r.style, info.len() as u16);
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

/// Columns of the text beside the code when the patient-facing view puts them side by side.
const KIOSK_TEXT_WIDTH: u16 = 32;
/// Lines the patient-facing view needs above and below the code when stacked.
const KIOSK_STACK_LINES: u16 = 5;

/// Where the patient-facing view puts the code: the layout and level that give the largest code.
struct KioskFit {
    code: QrMatrix,
    scale: u16,
    side_by_side: bool,
}

fn kiosk_fit(url: &str, style: QrStyle, area: Rect) -> Option<KioskFit> {
    let mut best: Option<KioskFit> = None;
    for ec in ['M', 'L'] {
        let Ok(code) = QrMatrix::encode(url, ec) else {
            continue;
        };
        let layouts = [
            (
                false,
                area.width,
                area.height.saturating_sub(KIOSK_STACK_LINES),
            ),
            (
                true,
                area.width.saturating_sub(KIOSK_TEXT_WIDTH + 2),
                area.height,
            ),
        ];
        for (side_by_side, cols, rows) in layouts {
            if let Some(scale) = code.largest_scale(style, cols, rows)
                && best.as_ref().is_none_or(|b| scale > b.scale)
            {
                best = Some(KioskFit {
                    code: code.clone(),
                    scale,
                    side_by_side,
                });
            }
        }
    }
    best
}

/// The smallest terminal in which the patient-facing view shows the code.
fn kiosk_needed(url: &str, style: QrStyle) -> (u16, u16) {
    let Ok(code) = QrMatrix::encode(url, 'L') else {
        return (MIN_WIDTH, MIN_HEIGHT);
    };
    let (c, r) = code.cells(style);
    let stacked = (c.max(MIN_WIDTH), (r + KIOSK_STACK_LINES).max(MIN_HEIGHT));
    let side = ((c + KIOSK_TEXT_WIDTH + 2).max(MIN_WIDTH), r.max(MIN_HEIGHT));
    if u32::from(side.0) * u32::from(side.1) < u32::from(stacked.0) * u32::from(stacked.1) {
        side
    } else {
        stacked
    }
}

/// The patient-facing view: the largest code that fits (beside or under the words, whichever
/// gives the bigger code), the clinic's name, one sentence and the time left. No ids, no JSON,
/// no keys.
pub fn draw_kiosk(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(r) = &app.result else { return };
    let link = &r.link;
    let clinic = app
        .prefs
        .clinic_name
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| "Connect your devices".into());
    let expired = link.is_expired(app.now);
    let blanked = app.kiosk_blanked();
    let sentence = if expired {
        "This code has expired. Please ask the staff for a new one."
    } else if blanked {
        "Please ask the staff to show the code again."
    } else {
        "Scan with your phone camera to connect your devices"
    };
    let time = if expired {
        String::new()
    } else {
        format!("Time left: {}", format_countdown(link.remaining(app.now)))
    };
    let url = &link.token.link_web_url;
    let fit = if expired || blanked {
        None
    } else {
        kiosk_fit(url, r.style, area)
    };
    let words = |with_clinic: bool| {
        let mut lines = Vec::new();
        if with_clinic {
            lines.push(Line::styled(clinic.clone(), theme.primary()));
            lines.push(Line::default());
        }
        lines.push(Line::styled(sentence, bold()));
        lines.push(Line::raw(time.clone()));
        lines
    };
    match fit {
        Some(f) if f.side_by_side => {
            let (c, rows) = f.code.cells_at(f.scale);
            let spot = Rect::new(area.x, area.y + (area.height - rows) / 2, c, rows);
            paint_qr(
                frame,
                spot,
                &f.code.lines_at(f.scale as usize),
                theme,
                r.invert,
            );
            let text_x = area.x + c + 2;
            let text = Rect::new(
                text_x,
                area.y,
                area.right().saturating_sub(text_x),
                area.height,
            );
            let lines = words(true);
            let h = 8.min(text.height);
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: true }),
                Rect::new(text.x, text.y + (text.height - h) / 2, text.width, h),
            );
        }
        Some(f) => {
            frame.render_widget(
                Paragraph::new(Line::styled(clinic.clone(), theme.primary()))
                    .alignment(Alignment::Center),
                Rect::new(area.x, area.y, area.width, 1),
            );
            let space = Rect::new(
                area.x,
                area.y + 2,
                area.width,
                area.height - KIOSK_STACK_LINES,
            );
            let (c, rows) = f.code.cells_at(f.scale);
            paint_qr(
                frame,
                centered(space, c, rows),
                &f.code.lines_at(f.scale as usize),
                theme,
                r.invert,
            );
            let footer = Rect::new(area.x, area.bottom() - 2, area.width, 2);
            frame.render_widget(
                Paragraph::new(words(false)).alignment(Alignment::Center),
                footer,
            );
        }
        None => {
            let mut lines = words(true);
            if !expired && !blanked {
                let (w, h) = kiosk_needed(url, r.style);
                lines.push(Line::default());
                lines.push(Line::styled(
                    format!(
                        "Enlarge the terminal to {w} x {h} to show the code (now {} x {})",
                        area.width, area.height
                    ),
                    theme.warning(),
                ));
            }
            let h = lines.len() as u16;
            frame.render_widget(
                Paragraph::new(lines)
                    .alignment(Alignment::Center)
                    .wrap(Wrap { trim: true }),
                centered(area, area.width, h + 1),
            );
        }
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
