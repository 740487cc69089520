//! The patient-facing view: the largest code that fits (beside or under the words, whichever
//! gives the bigger code), the clinic's name, one sentence and the time left, in the shown
//! link's language (`link::patient_text`). No ids, no JSON, no keys.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::widgets::{bold, centered, paint_qr};
use crate::app::App;
use crate::app::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::ShownLink;
use crate::link::fit::{Arrangement, Fit, PATIENT_STACK_ROWS, ViewNeeds};
use crate::link::patient_text;
use crate::text::{sanitize, wrap_words};

/// The patient-facing view over the whole terminal (`area`). Where the code goes comes from
/// [`ViewNeeds::patient`], the rule `doctor` sizes a real link with.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let words = Words::of(app, shown);
    let needs = ViewNeeds::patient((MIN_WIDTH, MIN_HEIGHT));
    let size = (area.width, area.height);
    let fit = if words.expired || words.blanked {
        None
    } else {
        needs.fit(&shown.codes, app.qr.style, size)
    };
    match fit {
        Some(
            f @ Fit {
                arrangement: Arrangement::Beside { gap, .. },
                ..
            },
        ) => draw_beside(frame, area, &f, gap, &words, app, theme),
        Some(f) => draw_stacked(frame, area, &f, &words, app, theme),
        None => draw_without_code(frame, area, shown, &needs, &words, app, theme),
    }
}

/// The terminal is smaller than any view: a neutral sentence for the patient (in the shown
/// link's language), and the size for the staff (no keys: the patient may be the one looking).
pub fn draw_too_small(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.screen.shown().map(|s| s.language).unwrap_or_default();
    let lines = vec![
        Line::styled(patient_text::too_small(lang), bold()),
        Line::default(),
        Line::styled(
            format!(
                "Staff: enlarge the terminal to {MIN_WIDTH} x {MIN_HEIGHT} (now {} x {}).",
                area.width, area.height
            ),
            theme.muted(),
        ),
    ];
    let h = area.height.min(lines.len() as u16 + 1);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centered(area, area.width, h),
    );
}

/// What the view says: the clinic's name, one sentence and the time left.
struct Words {
    clinic: String,
    sentence: String,
    time: String,
    /// The link is expired or used up: no code, no time.
    expired: bool,
    /// The view has been idle long enough to hide the code.
    blanked: bool,
}

impl Words {
    fn of(app: &App, shown: &ShownLink) -> Words {
        let link = &shown.link;
        let expired = link.is_expired(app.now) || shown.watch.consumed();
        let blanked = app.patient_view_blanked();
        let lang = shown.language;
        let sentence = super::watcher::patient_sentence(shown).unwrap_or_else(|| {
            if expired {
                patient_text::expired(lang)
            } else if blanked {
                patient_text::idle(lang)
            } else {
                patient_text::scan(lang)
            }
        });
        Words {
            clinic: app
                .config
                .clinic_name
                .as_deref()
                .map_or_else(|| patient_text::heading(lang), sanitize),
            sentence,
            time: if expired {
                String::new()
            } else {
                patient_text::time_left(lang, link.remaining(app.now))
            },
            expired,
            blanked,
        }
    }

    /// The clinic's name, a blank row, the sentence and the time left (the stacked layout puts
    /// the name above the code and the rest under it itself).
    fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        vec![
            Line::styled(self.clinic.clone(), theme.primary()),
            Line::default(),
            Line::styled(self.sentence.clone(), bold()),
            Line::raw(self.time.clone()),
        ]
    }
}

/// The code at the left, centred top to bottom; the words `gap` columns right of it.
fn draw_beside(
    frame: &mut Frame,
    area: Rect,
    fit: &Fit,
    gap: u16,
    words: &Words,
    app: &App,
    theme: &Theme,
) {
    let (c, rows) = fit.cells();
    let spot = Rect::new(area.x, area.y + (area.height - rows) / 2, c, rows);
    paint_qr(frame, spot, &fit.lines(), theme, app.qr.invert);
    let text_x = area.x + c + gap;
    let text = Rect::new(
        text_x,
        area.y,
        area.right().saturating_sub(text_x),
        area.height,
    );
    let h = 8.min(text.height);
    frame.render_widget(
        Paragraph::new(words.lines(theme)).wrap(Wrap { trim: true }),
        Rect::new(text.x, text.y + (text.height - h) / 2, text.width, h),
    );
}

/// The clinic's name on top, the code centred under it, the sentence and time at the bottom.
fn draw_stacked(frame: &mut Frame, area: Rect, fit: &Fit, words: &Words, app: &App, theme: &Theme) {
    frame.render_widget(
        Paragraph::new(Line::styled(words.clinic.clone(), theme.primary()))
            .alignment(Alignment::Center),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let space = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height - PATIENT_STACK_ROWS,
    );
    let (c, rows) = fit.cells();
    paint_qr(
        frame,
        centered(space, c, rows),
        &fit.lines(),
        theme,
        app.qr.invert,
    );
    // The sentence on up to two rows (some languages need them at 80 columns), the time under
    // it; a second row takes the spare one under the code.
    let mut lines: Vec<Line<'static>> = wrap_words(&words.sentence, usize::from(area.width), 2)
        .into_iter()
        .map(|row| Line::styled(row, bold()))
        .collect();
    lines.push(Line::raw(words.time.clone()));
    let h = lines.len() as u16;
    let footer = Rect::new(area.x, area.bottom() - h, area.width, h);
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), footer);
}

/// The words alone, centred: expired, blanked, or no code fits (then the size that would show
/// one, or that the link is too long for any).
fn draw_without_code(
    frame: &mut Frame,
    area: Rect,
    shown: &ShownLink,
    needs: &ViewNeeds,
    words: &Words,
    app: &App,
    theme: &Theme,
) {
    let mut lines = words.lines(theme);
    if !words.expired && !words.blanked {
        let size = (area.width, area.height);
        lines.push(Line::default());
        lines.push(match needs.needed_for(&shown.codes, app.qr.style, size) {
            None => Line::styled(patient_text::too_long(shown.language), theme.warning()),
            Some((w, h)) => Line::styled(
                format!(
                    "Enlarge the terminal to {w} x {h} to show the code (now {} x {})",
                    area.width, area.height
                ),
                theme.warning(),
            ),
        });
    }
    let h = lines.len() as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centered(area, area.width, h + 1),
    );
}

#[cfg(test)]
mod tests {
    use crate::app::tests::ch;
    use crate::i18n::Language;
    use crate::ui::tests::{minted, render};

    /// The patient-facing view of a fresh link at 80 x 24 in each language: the heading, the
    /// sentence and the time left translated, the code as in English.
    #[test]
    fn patient_view_in_each_language_80x24() {
        for (presses, lang, time) in [
            (0, Language::En, "58 minutes left"),
            (1, Language::Es, "Quedan 58 minutos"),
            (2, Language::Fr, "Il reste 58 minutes"),
            (3, Language::De, "Noch 58 Minuten"),
            (4, Language::PtBr, "Faltam 58 minutos"),
        ] {
            let mut app = minted(80, 24);
            for _ in 0..presses {
                app.update(ch('L'));
            }
            app.update(ch('K'));
            assert_eq!(app.screen.shown().unwrap().language, lang);
            let screen = render(&app, 80, 24);
            assert!(screen.contains(time), "{lang}:\n{screen}");
            insta::assert_snapshot!(format!("patient_view_{}_80x24", lang.tag()), screen);
        }
    }

    /// What the patient reads once the link expired, and while the terminal is too small, in
    /// the link's language.
    #[test]
    fn expired_and_too_small_in_the_links_language() {
        let mut app = minted(80, 24);
        app.update(ch('L'));
        app.update(ch('K'));
        app.update(crate::app::Msg::Tick(
            crate::app::tests::t0() + chrono::Duration::minutes(61),
        ));
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains("Este código ha caducado.") && !screen.contains("Quedan"),
            "{screen}"
        );
        app.update(crate::app::Msg::Resize(60, 20));
        let screen = render(&app, 60, 20);
        assert!(
            screen.contains("Un momento, por favor: el personal le mostrará su código."),
            "{screen}"
        );
        assert!(screen.contains("Staff: enlarge the terminal"), "{screen}");
    }

    /// Stacked (a tall, narrow terminal), a sentence longer than a row wraps between words onto
    /// the spare row under the code.
    #[test]
    fn a_long_sentence_under_a_stacked_code_wraps_whole() {
        let mut app = minted(80, 60);
        for _ in 0..3 {
            app.update(ch('L'));
        }
        app.update(ch('K'));
        let screen = render(&app, 80, 60);
        let rows: Vec<&str> = screen.lines().collect();
        assert_eq!(
            rows[0].trim(),
            "Verbinden Sie Ihre Geräte",
            "stacked:\n{screen}"
        );
        let tail: Vec<&str> = rows[57..].iter().map(|r| r.trim()).collect();
        assert_eq!(
            tail,
            [
                "Scannen Sie den Code mit der Kamera Ihres Smartphones, um Ihre Geräte zu",
                "verbinden",
                "Noch 58 Minuten",
            ],
            "{screen}"
        );
    }

    /// At 80 x 24 the longest language reads whole in the compact details and in the message `L`
    /// gives.
    #[test]
    fn the_longest_language_reads_whole_at_80x24() {
        let mut app = minted(80, 24);
        for _ in 0..4 {
            app.update(ch('L'));
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Language Português (pt-BR)\n"), "{screen}");
        assert!(
            screen.contains("The patient will read Português (pt-BR): K shows it"),
            "{screen}"
        );
    }

    /// The staff details name the language the patient will read, in its own name and tag.
    #[test]
    fn staff_details_name_the_language() {
        for (w, h) in [(80u16, 24u16), (160, 48)] {
            let mut app = minted(w, h);
            app.update(ch('L'));
            app.toast = None;
            let screen = render(&app, w, h);
            assert!(screen.contains("Español (es)"), "{screen}");
            insta::assert_snapshot!(format!("staff_details_name_the_language_{w}x{h}"), screen);
        }
    }
}
