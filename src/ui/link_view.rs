//! The staff link view: the largest QR code that fits (beside or above the details), the
//! details with the expiry time, and the URL as text on rows of its own.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::widgets::{bold, chunk, paint_qr};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::ShownLink;
use crate::link::format_countdown;
use crate::link::qr::{QrMatrix, QrStyle};
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

/// Rows of the body the link view spends outside the code and details: the heading, and the
/// label above the URL.
const FRAME_ROWS: u16 = 2;
/// Rows the screen spends outside the body: header, key bar, status line.
const SCREEN_ROWS: u16 = 3;

/// "11:00 (in 59 min)": the clock time a link expires at and how long is left.
pub fn expiry_words(app: &App, shown: &ShownLink) -> String {
    let link = &shown.link;
    let at = link
        .expires_at()
        .with_timezone(&app.config.utc_offset)
        .format("%H:%M");
    let left = link.remaining(app.now).as_secs();
    let rest = if left >= 120 {
        format!("in {} min", left / 60)
    } else {
        format!("in {}", format_countdown(link.remaining(app.now)))
    };
    format!("{at} ({rest})")
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let link = &shown.link;
    let look = app.qr;
    let url = sanitize(&link.token.link_web_url);
    let expired = link.is_expired(app.now);
    let used = shown.watch.consumed();
    let info = details(app, shown, theme);
    // The URL stands alone on full-width rows at the bottom, so a mouse selection of it picks up
    // nothing else (no border, no code).
    let url_lines = chunk(&url, body.width as usize);
    let url_rows = url_lines.len() as u16;
    let main = Rect::new(
        body.x,
        body.y + 1,
        body.width,
        body.height.saturating_sub(FRAME_ROWS + url_rows),
    );
    let info_rows = info.len() as u16;
    let rooms = [
        // Beside the details.
        (
            main.width.saturating_sub(INFO_WIDTH + 2),
            if main.height >= info_rows {
                main.height
            } else {
                0
            },
        ),
        // Above them.
        (main.width, main.height.saturating_sub(info_rows + 1)),
    ];
    let fit = QrMatrix::best_fit(&link.token.link_web_url, look.style, &rooms);

    let mut heading = vec![Span::styled("Link for the patient", bold())];
    if !link.client_user_id.is_empty() {
        heading.push(Span::raw(format!(" · {}", sanitize(&link.client_user_id))));
    }
    frame.render_widget(
        Paragraph::new(Line::from(heading)),
        Rect::new(body.x, body.y, body.width, 1),
    );

    let mut notes = Vec::new();
    let info_area = if let Some(f) = &fit {
        let (cols, rows) = f.cells();
        let code_area = Rect::new(main.x, main.y, cols, rows);
        if expired || used {
            let msg = Rect::new(code_area.x, code_area.y + rows / 2, cols, 1);
            let words = if used {
                Line::styled("Used — r for another", theme.success())
            } else {
                Line::styled("Expired — press r", theme.danger())
            };
            frame.render_widget(Paragraph::new(words).alignment(Alignment::Center), msg);
        } else {
            paint_qr(frame, code_area, &f.lines(), theme, look.invert);
        }
        if f.style != look.style {
            let (w, h) = needed_size(&link.token.link_web_url, look.style, info_rows, body);
            notes.push(Line::styled(
                format!(
                    "Full blocks do not fit: half blocks shown (enlarge the terminal to {w} x {h} for full blocks)"
                ),
                theme.warning(),
            ));
        }
        if f.room == 0 {
            Rect::new(
                main.x + cols + 2,
                main.y,
                main.width - cols - 2,
                main.height,
            )
        } else {
            Rect::new(
                main.x,
                main.y + rows + 1,
                main.width,
                main.height - rows - 1,
            )
        }
    } else {
        notes.extend(does_not_fit(
            app,
            &link.token.link_web_url,
            info_rows,
            body,
            theme,
        ));
        main
    };
    let mut text = notes;
    text.extend(info);
    if let Some(f) = fit.as_ref().filter(|_| !expired) {
        // For QA: which code is drawn, out of the way under the details.
        text.push(Line::styled(
            format!(
                "QR v{} · EC {} · {} · {}",
                f.code.version(),
                f.code.ec_level(),
                f.style.label(),
                if look.invert {
                    "inverted"
                } else {
                    "dark on light"
                }
            ),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), info_area);

    let url_top = body.bottom().saturating_sub(url_rows + 1);
    let mut lines = vec![Line::styled("Link URL (c copies it):", theme.muted())];
    lines.extend(
        url_lines
            .into_iter()
            .map(|l| Line::styled(l, theme.primary())),
    );
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(body.x, url_top, body.width, url_rows + 1),
    );
}

/// The details beside (or under) the code.
fn details(app: &App, shown: &ShownLink, theme: &Theme) -> Vec<Line<'static>> {
    let link = &shown.link;
    let allow = match &link.request.filter_on_providers {
        Some(list) => sanitize(&summarize(list, INFO_WIDTH as usize - LABEL_WIDTH)),
        None => "all linkable providers".into(),
    };
    let flag = |on: bool| if on { "redirect" } else { "default" };
    let mut info = vec![
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
    if link.is_expired(app.now) {
        info.push(Line::from(vec![
            Span::styled(format!("{:<LABEL_WIDTH$}", "Expires"), theme.muted()),
            Span::styled("Expired — press r for a new link", theme.danger()),
        ]));
    } else {
        info.push(Line::from(vec![
            Span::styled(format!("{:<LABEL_WIDTH$}", "Expires"), theme.muted()),
            Span::styled(expiry_words(app, shown), bold()),
        ]));
    }
    info.push(kv("Token", &link.fingerprint(), theme));
    if let Some(p) = &shown.saved_png {
        info.push(kv("PNG", &p.display().to_string(), theme));
    }
    info.extend(super::watcher::offered_lines(shown, theme));
    info.extend(super::watcher::staff_lines(app, shown, theme));
    info
}

/// What to say when no code fits: which dimension is short, or that no code can hold the link.
fn does_not_fit(
    app: &App,
    url: &str,
    info_rows: u16,
    body: Rect,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if QrMatrix::encode(url, 'L').is_err() {
        return vec![Line::styled(
            format!(
                "This link is too long for a QR code ({} characters): c copies it, or read it below",
                url.chars().count()
            ),
            theme.warning(),
        )];
    }
    let (w, h) = needed_size(url, app.qr.style, info_rows, body);
    let (now_w, now_h) = (app.size.width, app.size.height);
    let short = match (w > now_w, h > now_h) {
        (true, true) => format!("{} more columns and {} more rows", w - now_w, h - now_h),
        (true, false) => format!("{} more columns", w - now_w),
        _ => format!("{} more rows", h.saturating_sub(now_h)),
    };
    vec![
        Line::styled(
            format!(
                "The QR code needs {short}: enlarge the terminal to {w} x {h} (now {now_w} x {now_h})"
            ),
            theme.warning(),
        ),
        Line::styled(
            "K shows it in the patient view, which fits smaller terminals",
            theme.warning(),
        ),
    ]
}

fn kv(key: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<LABEL_WIDTH$}"), theme.muted()),
        Span::raw(value.to_string()),
    ])
}

/// The smallest terminal in which the code fits beside the details in `style`.
fn needed_size(url: &str, style: QrStyle, info_rows: u16, body: Rect) -> (u16, u16) {
    let Ok(code) = QrMatrix::encode(url, 'L') else {
        return (MIN_WIDTH, MIN_HEIGHT);
    };
    let (code_cols, code_rows) = code.cells(style);
    let width = (code_cols + 2 + INFO_WIDTH).max(MIN_WIDTH).max(body.width);
    let url_rows = chunk(url, width as usize).len() as u16;
    let height = (code_rows.max(info_rows) + FRAME_ROWS + url_rows + SCREEN_ROWS).max(MIN_HEIGHT);
    (width, height)
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn long_lists_say_how_many_are_left_out() {
        let list: Vec<String> = ["oura", "fitbit", "garmin", "whoop_v2", "dexcom_v3"]
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(summarize(&list[..2], 40), "oura, fitbit");
        assert_eq!(summarize(&list, 30), "oura, fitbit, … (+3 more)");
        assert_eq!(summarize(&list, 8), "5 providers");
    }
}
