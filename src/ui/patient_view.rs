//! The patient-facing view: the largest code that fits (beside or under the words, whichever
//! gives the bigger code), the clinic's name, one sentence and the time left. No ids, no JSON,
//! no keys.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::widgets::{bold, centered, paint_qr};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::ShownLink;
use crate::link::format_countdown;
use crate::link::qr::{Fit, QrMatrix, QrStyle};
use crate::text::sanitize;

/// Columns of the text beside the code when the patient-facing view puts them side by side.
const PATIENT_VIEW_TEXT_WIDTH: u16 = 32;
/// Lines the patient-facing view needs above and below the code when stacked.
const PATIENT_VIEW_STACK_LINES: u16 = 5;

/// The largest code that fits: stacked under the clinic's name (room 0) or beside the words
/// (room 1). Full blocks that do not fit fall back to half blocks.
fn fit(url: &str, style: QrStyle, area: Rect) -> Option<Fit> {
    let rooms = [
        (
            area.width,
            area.height.saturating_sub(PATIENT_VIEW_STACK_LINES),
        ),
        (
            area.width.saturating_sub(PATIENT_VIEW_TEXT_WIDTH + 2),
            area.height,
        ),
    ];
    QrMatrix::best_fit(url, style, &rooms)
}

/// The smallest terminal in which the patient-facing view shows the code.
fn needed(url: &str, style: QrStyle) -> (u16, u16) {
    let Ok(code) = QrMatrix::encode(url, 'L') else {
        return (MIN_WIDTH, MIN_HEIGHT);
    };
    let (c, r) = code.cells(style);
    let stacked = (
        c.max(MIN_WIDTH),
        (r + PATIENT_VIEW_STACK_LINES).max(MIN_HEIGHT),
    );
    let side = (
        (c + PATIENT_VIEW_TEXT_WIDTH + 2).max(MIN_WIDTH),
        r.max(MIN_HEIGHT),
    );
    if u32::from(side.0) * u32::from(side.1) < u32::from(stacked.0) * u32::from(stacked.1) {
        side
    } else {
        stacked
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let link = &shown.link;
    let look = app.qr;
    let clinic = app
        .config
        .clinic_name
        .as_deref()
        .map_or_else(|| "Connect your devices".into(), sanitize);
    let news = super::watcher::patient_sentence(shown);
    let expired = link.is_expired(app.now) || shown.watch.consumed();
    let blanked = app.patient_view_blanked();
    let sentence = if let Some(news) = &news {
        news.as_str()
    } else if expired {
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
        fit(url, look.style, area)
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
        Some(f) if f.room == 1 => {
            let (c, rows) = f.code.cells_at(f.scale);
            let spot = Rect::new(area.x, area.y + (area.height - rows) / 2, c, rows);
            paint_qr(
                frame,
                spot,
                &f.code.lines_at(f.scale as usize),
                theme,
                look.invert,
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
                area.height - PATIENT_VIEW_STACK_LINES,
            );
            let (c, rows) = f.code.cells_at(f.scale);
            paint_qr(
                frame,
                centered(space, c, rows),
                &f.code.lines_at(f.scale as usize),
                theme,
                look.invert,
            );
            let footer = Rect::new(area.x, area.bottom() - 2, area.width, 2);
            frame.render_widget(
                Paragraph::new(words(false)).alignment(Alignment::Center),
                footer,
            );
        }
        None => {
            let mut lines = words(true);
            if !expired && !blanked && QrMatrix::encode(url, 'L').is_err() {
                lines.push(Line::default());
                lines.push(Line::styled(
                    "This link is too long for a QR code: the staff can send it to you instead.",
                    theme.warning(),
                ));
            } else if !expired && !blanked {
                let (w, h) = needed(url, look.style);
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
