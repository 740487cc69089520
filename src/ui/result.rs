//! The result view (QR code, URL, lifetime) and the patient-facing view.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::{Theme, bold, centered, pane_block};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::config::QrStyle;
use crate::link::{self, format_countdown};
use crate::qr::{QrError, QrMatrix};
use crate::text::sanitize;

/// Width of the details column beside the code.
pub const INFO_WIDTH: u16 = 46;

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
        Some(list) => sanitize(&list.join(", ")),
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
                "               valid up to {} min; the spec text says {}",
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

/// The patient-facing view: the largest code that fits, the clinic's name, one sentence and the
/// time left. No ids, no JSON, no keys.
pub fn draw_kiosk(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(r) = &app.result else { return };
    let link = &r.link;
    let clinic = app
        .prefs
        .clinic_name
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| "Connect your devices".into());
    let header = Rect::new(area.x, area.y, area.width, 1);
    frame.render_widget(
        Paragraph::new(Line::styled(clinic, theme.primary())).alignment(Alignment::Center),
        header,
    );
    let footer_h = 3;
    let qr_space = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2 + footer_h),
    );
    let expired = link.is_expired(app.now);
    let blanked = app.kiosk_blanked();
    let sentence = if expired {
        "This code has expired. Please ask the staff for a new one.".to_string()
    } else if blanked {
        "Please ask the staff to show the code again.".to_string()
    } else {
        "Scan with your phone camera to connect your devices".to_string()
    };
    if !expired && !blanked {
        let url = &link.token.link_web_url;
        let best = ['M', 'L'].iter().find_map(|ec| {
            let q = QrMatrix::encode(url, *ec).ok()?;
            let s = q.largest_scale(r.style, qr_space.width, qr_space.height)?;
            Some((q, s))
        });
        match best {
            Some((q, scale)) => {
                let (c, rows) = q.cells_at(scale);
                let spot = centered(qr_space, c, rows);
                paint_qr(frame, spot, &q.lines_at(scale as usize), theme, r.invert);
            }
            None => {
                let msg = match QrMatrix::fitting(url, r.style, 0, 0) {
                    Err(QrError::DoesNotFit {
                        need_cols,
                        need_rows,
                    }) => format!(
                        "Enlarge the terminal to {} x {} to show the code",
                        need_cols.max(MIN_WIDTH),
                        (need_rows + 2 + footer_h).max(MIN_HEIGHT)
                    ),
                    _ => "The code cannot be shown".into(),
                };
                frame.render_widget(
                    Paragraph::new(Line::styled(msg, theme.warning())).alignment(Alignment::Center),
                    centered(qr_space, qr_space.width, 1),
                );
            }
        }
    }
    let footer = Rect::new(
        area.x,
        area.bottom().saturating_sub(footer_h),
        area.width,
        footer_h,
    );
    let time = if expired {
        String::new()
    } else {
        format!("Time left: {}", format_countdown(link.remaining(app.now)))
    };
    frame.render_widget(
        Paragraph::new(vec![Line::styled(sentence, bold()), Line::raw(time)])
            .alignment(Alignment::Center)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_type(BorderType::Plain)
                    .border_style(theme.muted()),
            ),
        footer,
    );
}
