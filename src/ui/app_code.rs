//! The staff view of an app code: the App Store's code at the left (the largest that leaves the
//! words their column, by `link/fit.rs`'s rule), and beside it the code grouped for reading
//! aloud in bold (and in big block letters where there is room), its expiry, the three steps,
//! the connections seen, in demo mode the emulator's phone-app page, and where there is room a
//! second code: `exchange_url`, for a phone that already has the app. Keys and status share the
//! last row. Also the view of the clinic's own app (`[mobile_app]`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{bold, paint_qr, shorten_line};
use crate::app::App;
use crate::app::app_code::{ClinicApp, ShownAppCode, grouped};
use crate::app::header::Badge;
use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::i18n::Language;
use crate::link::fit::{Arrangement, Fit, ViewNeeds};
use crate::link::format_countdown;
use crate::link::patient_text::whole_minutes;
use crate::link::qr::{LinkCodes, QrStyle};
use crate::text::{sanitize, wrap_words};

/// The narrowest column the words read in beside the App Store's code (a version-4 code with
/// its quiet zone is 41 columns: 41 + 2 + 37 = 80).
pub const WORDS_WIDTH: u16 = 35;
const GAP: u16 = 2;

/// Where the App Store's code goes: at the left, the words beside it, the last row for keys.
fn needs() -> ViewNeeds {
    ViewNeeds {
        rows_above: 0,
        rows_below: 1,
        text_below: 0,
        arrangements: vec![Arrangement::Beside {
            gap: GAP,
            cols: WORDS_WIDTH,
            rows: 0,
        }],
        smallest: (MIN_WIDTH, MIN_HEIGHT),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, shown: &ShownAppCode, theme: &Theme) {
    let words = draw_code(frame, area, app, &shown.store, theme);
    let width = usize::from(words.width);
    let mut lines = staff_words(app, shown, width, theme);
    let left = usize::from(words.height).saturating_sub(lines.len());
    let exchange = shown
        .exchange
        .smallest()
        .filter(|_| !shown.is_expired(app.now));
    let second = exchange.filter(|c| {
        let (cols, rows) = c.cells(QrStyle::Half);
        usize::from(cols) <= width && usize::from(rows) + 2 <= left
    });
    lines.truncate(usize::from(words.height));
    let used = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), words);
    if let Some(code) = second {
        let y = words.y + used + 1;
        frame.render_widget(
            Paragraph::new(Line::styled(
                "A phone that has the app: scan to open it with the code",
                theme.muted(),
            )),
            Rect::new(words.x, y, words.width, 1),
        );
        let (cols, rows) = code.cells(QrStyle::Half);
        let rect = Rect::new(words.x, y + 1, cols, rows).intersection(words);
        paint_qr(
            frame,
            rect,
            &code.lines(QrStyle::Half),
            theme,
            app.qr.invert,
        );
    }
}

/// Paints the largest code of `codes` at the left and the key row; answers the words' area.
fn draw_code(frame: &mut Frame, area: Rect, app: &App, codes: &LinkCodes, theme: &Theme) -> Rect {
    let fit: Option<Fit> = needs().fit(codes, app.qr.style, (area.width, area.height));
    let (cells, gap) = fit.map_or(((0, 0), 0), |f| (f.cells(), GAP));
    let areas = layout::compact_link(area, cells, gap);
    if let Some(f) = fit {
        paint_qr(frame, areas.code, &f.lines(), theme, app.qr.invert);
    }
    super::key_bar::draw_shared(frame, areas.bar, app, theme);
    areas.words
}

/// The words beside the App Store's code, each line within `width`.
fn staff_words(app: &App, shown: &ShownAppCode, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::from(Span::styled(
            format!(" {} ", super::header::badge_text(app.env.badge)),
            theme.badge(app.env.is_production()),
        )),
        Line::default(),
        Line::styled("App code for the Junction Connect app", bold()),
        Line::styled(shown.patient(), theme.primary()),
        Line::default(),
    ];
    let expired = shown.is_expired(app.now);
    let code = sanitize(&shown.code.code);
    if expired {
        out.push(Line::styled(
            "Expired — press r for a new code",
            theme.danger(),
        ));
    } else {
        out.push(Line::styled(
            grouped(&code),
            theme.primary().add_modifier(Modifier::BOLD),
        ));
        out.push(Line::styled("type it without spaces", theme.muted()));
        if let Some(big) = big_letters(&code).filter(|b| b[0].chars().count() <= width) {
            out.extend(big.into_iter().map(|l| Line::styled(l, bold())));
        }
        out.push(Line::from(vec![
            Span::styled("Expires  ", theme.muted()),
            Span::styled(expiry_words(app, shown), bold()),
        ]));
    }
    out.push(Line::from(vec![
        Span::styled("Code     ", theme.muted()),
        Span::raw(shown.fingerprint()),
    ]));
    // The patient's language (`L`), as the link view names it.
    out.push(Line::from(vec![
        Span::styled("Language ", theme.muted()),
        Span::raw(crate::link::patient_text::staff_label(shown.language)),
    ]));
    out.push(Line::default());
    let steps = [
        "1. Scan the code: install Junction\u{a0}Connect",
        "2. In the app: Settings, enter the code",
        "3. Allow Apple\u{a0}Health (Garmin, Oura: add them in the app)",
    ];
    for step in steps {
        out.extend(wrap_words(step, width, 3).into_iter().map(Line::raw));
    }
    out.push(Line::default());
    out.extend(watch_lines(app, shown, width, theme));
    if app.env.badge == Badge::Demo {
        let page = app
            .config
            .demo_app_page
            .clone()
            .unwrap_or_else(|| format!("{}/app", app.env.host.trim_end_matches('/')));
        // The page opens in the code's language (`L`); English is its default.
        let page = match shown.language {
            Language::En => format!("Demo phone app: {page}"),
            lang => format!("Demo phone app: {page}?lang={}", lang.tag()),
        };
        out.extend(
            wrap_words(&sanitize(&page), width, 2)
                .into_iter()
                .map(|l| Line::styled(l, theme.muted())),
        );
    }
    if !expired {
        out.push(Line::from(vec![
            Span::styled("c", theme.key()),
            Span::raw(" copies the code · "),
            Span::styled("K", theme.key()),
            Span::raw(" shows the steps"),
        ]));
    }
    out.into_iter().map(|l| shorten_line(l, width)).collect()
}

/// `11:00 (in 58 min)`, or the last two minutes counted in seconds.
fn expiry_words(app: &App, shown: &ShownAppCode) -> String {
    let at = shown
        .code
        .expires_at
        .with_timezone(&app.config.utc_offset)
        .format("%H:%M");
    let left = shown.remaining(app.now);
    let rest = if left.as_secs() >= 120 {
        format!("in {} min", whole_minutes(left))
    } else {
        format!("in {}", format_countdown(left))
    };
    format!("{at} ({rest})")
}

/// The connections seen ("Connected: Apple Health ✓  Oura ✓"), failures, and the watch.
fn watch_lines(app: &App, shown: &ShownAppCode, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let w = &shown.watch;
    let mut out = Vec::new();
    if !w.arrived.is_empty() {
        let names: Vec<String> = w.arrived.iter().map(|a| format!("{} ✓", a.name)).collect();
        let text = format!("Connected: {}", names.join("  "));
        out.extend(
            wrap_words(&text, width, 3)
                .into_iter()
                .map(|l| Line::styled(l, theme.success())),
        );
    }
    for f in &w.failed {
        let text = format!("{} failed ({}): {}", f.name, f.error_type, f.advice);
        out.extend(
            wrap_words(&text, width, 2)
                .into_iter()
                .map(|l| Line::styled(l, theme.danger())),
        );
    }
    if shown.is_expired(app.now) {
        return out;
    }
    let watching = match &w.last_error {
        Some(e) => format!("Watching (last check failed: {e})"),
        None if w.last_check.is_none() && width >= 41 => {
            "Watching for connections… (first check…)".into()
        }
        None => "Watching for connections…".into(),
    };
    out.extend(
        wrap_words(&watching, width, 2)
            .into_iter()
            .map(|l| Line::styled(l, theme.muted())),
    );
    out
}

/// The code in block letters three rows tall (two pixel rows per row), groups of four set
/// apart; `None` when a character has no glyph (a longer code from a newer API).
pub fn big_letters(code: &str) -> Option<[String; 3]> {
    let mut px: [String; 5] = Default::default();
    for (i, c) in code.chars().enumerate() {
        let g = glyph(c)?;
        if i > 0 {
            let sep = if i % 4 == 0 { "..." } else { "." };
            for r in &mut px {
                r.push_str(sep);
            }
        }
        for (row, bits) in px.iter_mut().zip(g) {
            row.push_str(bits);
        }
    }
    let on = |r: &str, x: usize| r.as_bytes().get(x) == Some(&b'#');
    let pair = |top: &str, bottom: &str| -> String {
        (0..top.len())
            .map(|x| match (on(top, x), on(bottom, x)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            })
            .collect()
    };
    let blank = " ".repeat(px[0].len());
    Some([
        pair(&px[0], &px[1]),
        pair(&px[2], &px[3]),
        pair(&px[4], &blank),
    ])
}

/// Five rows of three pixels for each character a code has.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["###", "#.#", "#.#", "#.#", "###"],
        '1' => [".#.", "##.", ".#.", ".#.", "###"],
        '2' => ["###", "..#", "###", "#..", "###"],
        '3' => ["###", "..#", ".##", "..#", "###"],
        '4' => ["#.#", "#.#", "###", "..#", "..#"],
        '5' => ["###", "#..", "###", "..#", "###"],
        '6' => ["###", "#..", "###", "#.#", "###"],
        '7' => ["###", "..#", "..#", ".#.", ".#."],
        '8' => ["###", "#.#", "###", "#.#", "###"],
        '9' => ["###", "#.#", "###", "..#", "###"],
        'a' => ["...", ".##", "#.#", "#.#", ".##"],
        'b' => ["#..", "##.", "#.#", "#.#", "##."],
        'c' => ["...", ".##", "#..", "#..", ".##"],
        'd' => ["..#", ".##", "#.#", "#.#", ".##"],
        'e' => ["...", ".#.", "###", "#..", ".##"],
        'f' => ["..#", ".#.", "###", ".#.", ".#."],
        'k' => ["#..", "#.#", "##.", "##.", "#.#"],
        'p' => ["...", "##.", "#.#", "##.", "#.."],
        's' => ["...", ".##", ".#.", "..#", "##."],
        'u' => ["...", "#.#", "#.#", "#.#", ".##"],
        _ => return None,
    })
}

/// The clinic's own app for a phone-only provider: its store's code, and what to tell the
/// patient (sign in there; no code).
pub fn draw_clinic_app(frame: &mut Frame, area: Rect, app: &App, c: &ClinicApp, theme: &Theme) {
    let words = draw_code(frame, area, app, &c.codes, theme);
    let width = usize::from(words.width);
    let name = sanitize(&c.app.name);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" {} ", super::header::badge_text(app.env.badge)),
            theme.badge(app.env.is_production()),
        )),
        Line::default(),
    ];
    let title = format!("{} through {name}", sanitize(&c.provider));
    lines.extend(
        wrap_words(&title, width, 2)
            .into_iter()
            .map(|l| Line::styled(l, bold())),
    );
    lines.push(Line::default());
    let steps = [
        format!("1. Scan the code: install {name}"),
        format!("2. Sign in to {name} as the clinic told you"),
        format!("3. Allow {} in the app", sanitize(&c.provider)),
        String::new(),
        "No code is needed: the app signs the patient in".to_string(),
    ];
    for step in &steps {
        if step.is_empty() {
            lines.push(Line::default());
        }
        lines.extend(wrap_words(step, width, 3).into_iter().map(Line::raw));
    }
    lines.push(Line::default());
    lines.extend(
        wrap_words(&sanitize(&c.store_url), width, 3)
            .into_iter()
            .map(|l| Line::styled(l, theme.muted())),
    );
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| shorten_line(l, width))
        .take(usize::from(words.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), words);
}

#[cfg(test)]
mod tests {
    use super::big_letters;

    #[test]
    fn big_letters_only_for_codes_they_have_glyphs_for() {
        let big = big_letters("skus1a2b3c4d").unwrap();
        // 12 glyphs 3 wide, 9 single gaps and 2 between the groups of four.
        assert!(big.iter().all(|l| l.chars().count() == 12 * 3 + 9 + 2 * 3));
        assert!(big_letters("pkeu0123456789abcdef").is_some());
        assert!(big_letters("skusZZZZ1234").is_none());
    }
}
