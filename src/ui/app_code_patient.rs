//! The patient-facing view of an app code (`K`): the App Store's code and the steps in plain
//! words, in the patient's language (`app-code-*` messages in `assets/i18n/`), the code in bold
//! (in block letters too where there is room), and the time left. No ids, no keys. Left idle as
//! long as a link's view, it hides the code until the staff show it again.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{bold, paint_qr};
use crate::app::App;
use crate::app::app_code::{ShownAppCode, grouped};
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::i18n::{Arg, text};
use crate::link::fit::{Arrangement, ViewNeeds};
use crate::link::patient_text::app_code_time_left;
use crate::text::{sanitize, wrap_words};

/// The narrowest column the steps read in beside the code, and the gap.
const WORDS_WIDTH: u16 = 34;
const GAP: u16 = 3;
/// Rows the steps take under a stacked code.
const STACK_ROWS: u16 = 14;

fn needs() -> ViewNeeds {
    ViewNeeds {
        rows_above: 0,
        rows_below: 0,
        text_below: 0,
        arrangements: vec![
            Arrangement::Beside {
                gap: GAP,
                cols: WORDS_WIDTH,
                rows: 0,
            },
            Arrangement::Stacked { rows: STACK_ROWS },
        ],
        smallest: (MIN_WIDTH, MIN_HEIGHT),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, shown: &ShownAppCode, theme: &Theme) {
    let expired = shown.is_expired(app.now) || app.patient_view_blanked();
    let fit = if expired {
        None
    } else {
        needs().fit(&shown.store, app.qr.style, (area.width, area.height))
    };
    let Some(fit) = fit else {
        // No code: the words alone, in a column in the middle.
        let w = area.width.saturating_sub(4).min(60);
        let column = Rect::new(area.x + (area.width - w) / 2, area.y, w, area.height);
        let lines = words(app, shown, usize::from(w), theme);
        draw_words(frame, column, lines);
        return;
    };
    let (cols, rows) = fit.cells();
    let (code, words_area) = match fit.arrangement {
        Arrangement::Beside { gap, .. } => {
            let x = area.x + 1;
            let code = Rect::new(x, area.y + area.height.saturating_sub(rows) / 2, cols, rows);
            let wx = (x + cols + gap).min(area.right());
            (code, Rect::new(wx, area.y, area.right() - wx, area.height))
        }
        Arrangement::Stacked { .. } => {
            let code = Rect::new(
                area.x + area.width.saturating_sub(cols) / 2,
                area.y,
                cols,
                rows,
            );
            let wy = (area.y + rows + 1).min(area.bottom());
            (
                code,
                Rect::new(
                    area.x + 2,
                    wy,
                    area.width.saturating_sub(4),
                    area.bottom() - wy,
                ),
            )
        }
    };
    paint_qr(
        frame,
        code.intersection(area),
        &fit.lines(),
        theme,
        app.qr.invert,
    );
    let lines = words(app, shown, usize::from(words_area.width), theme);
    draw_words(frame, words_area, lines);
}

/// The words, centred in the rows of `area`.
fn draw_words(frame: &mut Frame, area: Rect, mut lines: Vec<Line<'static>>) {
    lines.truncate(usize::from(area.height));
    let h = lines.len() as u16;
    let rect = Rect::new(area.x, area.y + (area.height - h) / 2, area.width, h);
    frame.render_widget(Paragraph::new(lines), rect);
}

/// What the patient reads, in their language, each line within `width`.
fn words(app: &App, shown: &ShownAppCode, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let lang = shown.language;
    let wrap = |s: String| -> Vec<Line<'static>> {
        wrap_words(&s, width, 4)
            .into_iter()
            .map(Line::raw)
            .collect()
    };
    let mut out = Vec::new();
    if let Some(clinic) = app.config.clinic_name.as_deref() {
        out.push(Line::styled(sanitize(clinic), theme.primary()));
    }
    out.push(Line::styled(text(lang, "app-code-title", &[]), bold()));
    out.push(Line::default());
    if let Some(first) = shown.watch.arrived.first() {
        let said = text(
            lang,
            "app-code-connected",
            &[("provider", Arg::Str(&first.name))],
        );
        out.extend(
            wrap_words(&said, width, 4)
                .into_iter()
                .map(|l| Line::styled(l, theme.success().add_modifier(Modifier::BOLD))),
        );
        out.push(Line::default());
    }
    if shown.is_expired(app.now) {
        out.extend(wrap(text(lang, "app-code-expired", &[])));
        return out;
    }
    if app.patient_view_blanked() {
        out.extend(wrap(text(lang, "app-code-blanked", &[])));
        return out;
    }
    out.extend(wrap(text(lang, "app-code-step-install", &[])));
    out.extend(wrap(text(lang, "app-code-step-enter", &[])));
    let code = sanitize(&shown.code.code);
    out.push(Line::styled(
        format!("   {}", grouped(&code)),
        theme.primary().add_modifier(Modifier::BOLD),
    ));
    if let Some(big) =
        super::app_code::big_letters(&code).filter(|b| b[0].chars().count() + 3 <= width)
    {
        out.extend(
            big.into_iter()
                .map(|l| Line::styled(format!("   {l}"), bold())),
        );
    }
    out.extend(
        wrap_words(
            &text(lang, "app-code-no-spaces", &[]),
            width.saturating_sub(3),
            2,
        )
        .into_iter()
        .map(|l| Line::styled(format!("   {l}"), theme.muted())),
    );
    out.extend(wrap(text(lang, "app-code-step-allow", &[])));
    out.push(Line::default());
    out.extend(wrap(app_code_time_left(lang, shown.remaining(app.now))));
    out
}

#[cfg(test)]
mod tests {
    use crate::i18n::Language;
    use crate::link::patient_text::app_code_time_left as time_left;
    use std::time::Duration;

    #[test]
    fn the_time_left_agrees_in_number_in_every_language() {
        let one = time_left(Language::En, Duration::from_secs(100));
        assert!(one.contains("1 more minute."), "{one}");
        let five = time_left(Language::En, Duration::from_secs(310));
        assert!(five.contains("5 more minutes."), "{five}");
        assert!(time_left(Language::De, Duration::from_mins(1)).contains("1 Minute."));
        assert!(time_left(Language::Es, Duration::from_mins(10)).contains("10 minutos"));
        for lang in Language::ALL {
            let one = time_left(lang, Duration::from_secs(90));
            let many = time_left(lang, Duration::from_mins(30));
            assert!(
                one.contains('1') && many.contains("30"),
                "{lang}: {one} / {many}"
            );
            assert_ne!(one.replace('1', ""), many.replace("30", ""), "{lang}");
        }
    }
}
