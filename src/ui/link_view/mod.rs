//! The staff link view, in two layouts from the one size rule ([`StaffViews`]). The full one: the
//! largest QR code that fits (beside or above the details), the details with the expiry time,
//! and the URL as text on rows of its own. Below its size, the compact one: the code at full
//! height on the left, the environment badge, patient, expiry, fingerprint, the watcher's line
//! and "c copies the URL" beside it, and the keys and status sharing the last row.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

mod compact;
mod url;

use super::Theme;
use super::widgets::{bold, paint_qr, shorten_line, wrap_words};
use crate::app::App;
use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::ShownLink;
use crate::link::fit::{Arrangement, Fit, STAFF_DETAILS_WIDTH, StaffLayout, StaffViews};
use crate::link::format_countdown;
use crate::text::{count, sanitize, shorten};

/// Width of the labels in the details column.
const LABEL_WIDTH: usize = 15;
/// Width of a value in the details column: one row each, so no field pushes the others out.
const VALUE_WIDTH: usize = STAFF_DETAILS_WIDTH as usize - LABEL_WIDTH;

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

/// "11:00 (in 59 min)": the clock time a link expires at and how long is left.
pub fn expiry_words(app: &App, shown: &ShownLink) -> String {
    let link = &shown.link;
    let at = link
        .expires_at()
        .with_timezone(&app.config.utc_offset)
        .format("%H:%M");
    let left = link.remaining(app.now);
    let rest = if left.as_secs() >= 120 {
        format!("in {} min", crate::link::patient_text::whole_minutes(left))
    } else {
        format!("in {}", format_countdown(link.remaining(app.now)))
    };
    format!("{at} ({rest})")
}

/// What every part of the link view reads: the app, the link shown, its URL (sanitized) and the
/// theme.
struct View<'a> {
    app: &'a App,
    shown: &'a ShownLink,
    url: String,
    theme: &'a Theme,
}

impl View<'_> {
    /// The link can still be scanned: not expired, not used up by a connection.
    fn usable(&self) -> bool {
        !self.shown.link.is_expired(self.app.now) && !self.shown.watch.consumed()
    }
}

/// The link view over the whole terminal (`area`), in the layout [`StaffViews`] gives its size:
/// the rule `doctor` sizes a real link with.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let v = View {
        app,
        shown,
        url: sanitize(&shown.link.token.link_web_url),
        theme,
    };
    let info = details(app, shown, theme);
    let views = StaffViews::new(&v.url, info.len() as u16, (MIN_WIDTH, MIN_HEIGHT));
    match views.fit(&shown.codes, app.qr.style, (area.width, area.height)) {
        Some((StaffLayout::Compact, fit)) => compact::draw(frame, area, &v, &views, &fit),
        fit => {
            let areas = layout::areas(area);
            super::header::draw(frame, areas.header, app, theme);
            draw_full(frame, areas.body, &v, &views, fit.map(|(_, f)| f), info);
            super::key_bar::draw(frame, &areas, app, theme);
        }
    }
}

/// The full layout in `body`, the rows between the console's header and its key bar: the code
/// beside or above the details (or why none is drawn), the URL on rows of its own under them.
fn draw_full(
    frame: &mut Frame,
    body: Rect,
    v: &View,
    views: &StaffViews,
    fit: Option<Fit>,
    info: Vec<Line<'static>>,
) {
    let screen = frame.area();
    let size = (screen.width, screen.height);
    let (top, cols, rows) = views.full.area(size);
    let main = Rect::new(screen.x, screen.y + top, cols, rows);
    draw_heading(frame, body, v.shown);
    let (notes, info_area) = match &fit {
        Some(f) => (style_note(v, views, f, size), place_code(frame, main, f, v)),
        None => (does_not_fit(v, views, size), main),
    };
    let mut text = notes;
    text.extend(info);
    if let Some(f) = fit.filter(|_| !v.shown.link.is_expired(v.app.now)) {
        text.push(code_label(&f, v.app.qr.invert, v.theme));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), info_area);
    url::draw(frame, body, &v.url, v.theme);
}

/// "Link for the patient · mrn-100231" on the body's first row, the id shortened to fit.
fn draw_heading(frame: &mut Frame, body: Rect, shown: &ShownLink) {
    let mut heading = vec![Span::styled("Link for the patient", bold())];
    if !shown.link.client_user_id.is_empty() {
        heading.push(Span::raw(format!(
            " · {}",
            sanitize(&shown.link.client_user_id)
        )));
    }
    frame.render_widget(
        Paragraph::new(shorten_line(Line::from(heading), usize::from(body.width))),
        Rect::new(body.x, body.y, body.width, 1),
    );
}

/// Paints the code in `area` (or says why it is not scannable any more).
fn paint_code(frame: &mut Frame, area: Rect, fit: &Fit, v: &View) {
    if v.usable() {
        paint_qr(frame, area, &fit.lines(), v.theme, v.app.qr.invert);
        return;
    }
    let msg = Rect::new(area.x, area.y + area.height / 2, area.width, 1);
    let words = if v.shown.watch.consumed() {
        Line::styled("Used — r for another", v.theme.success())
    } else {
        Line::styled("Expired — press r", v.theme.danger())
    };
    frame.render_widget(Paragraph::new(words).alignment(Alignment::Center), msg);
}

/// Paints the code at the top left of `main` and returns where the details go: beside it or
/// under it.
fn place_code(frame: &mut Frame, main: Rect, fit: &Fit, v: &View) -> Rect {
    let (cols, rows) = fit.cells();
    paint_code(frame, Rect::new(main.x, main.y, cols, rows), fit, v);
    match fit.arrangement {
        Arrangement::Beside { gap, .. } => Rect::new(
            main.x + cols + gap,
            main.y,
            main.width - cols - gap,
            main.height,
        ),
        Arrangement::Stacked { .. } => Rect::new(
            main.x,
            main.y + rows + 1,
            main.width,
            main.height - rows - 1,
        ),
    }
}

/// When full blocks were asked for and half blocks are drawn: the size full blocks need.
fn style_note(v: &View, views: &StaffViews, fit: &Fit, size: (u16, u16)) -> Vec<Line<'static>> {
    if fit.style == v.app.qr.style {
        return vec![];
    }
    let (w, h) = views
        .needed_for(&v.shown.codes, v.app.qr.style, size)
        .map_or(size, |(compact, _)| compact);
    vec![Line::styled(
        format!(
            "Full blocks do not fit: half blocks shown (enlarge the terminal to {w} x {h} for full blocks)"
        ),
        v.theme.warning(),
    )]
}

/// For QA: which code is drawn, out of the way under the details.
fn code_label(fit: &Fit, invert: bool, theme: &Theme) -> Line<'static> {
    Line::styled(
        format!(
            "QR v{} · EC {} · {} · {}",
            fit.code.version(),
            fit.code.ec_level(),
            fit.style.label(),
            if invert { "inverted" } else { "dark on light" }
        ),
        theme.muted(),
    )
}

/// The details beside (or under) the code, one row each.
fn details(app: &App, shown: &ShownLink, theme: &Theme) -> Vec<Line<'static>> {
    let link = &shown.link;
    let allow = match &link.request.filter_on_providers {
        Some(list) => sanitize(&summarize(list, VALUE_WIDTH)),
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
                flag(crate::link::redirects(link.request.on_error)),
                flag(crate::link::redirects(link.request.on_close))
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
    info.push(expiry_line(app, shown, LABEL_WIDTH, theme));
    info.push(kv("Token", &link.fingerprint(), theme));
    info.push(kv("Language", &language_words(shown), theme));
    if let Some(p) = &shown.saved_png {
        info.push(kv("PNG", &p.display().to_string(), theme));
    }
    info.extend(super::watcher::offered_lines(shown, theme));
    info.extend(super::watcher::staff_lines(app, shown, theme));
    info
}

/// The language the patient-facing view is in, as staff read it: `Español (es)`.
pub(super) fn language_words(shown: &ShownLink) -> String {
    crate::link::patient_text::staff_label(shown.language)
}

/// "Expires  11:00 (in 58 min)", or that it expired, the label `label_width` wide.
fn expiry_line(app: &App, shown: &ShownLink, label_width: usize, theme: &Theme) -> Line<'static> {
    let label = Span::styled(format!("{:<label_width$}", "Expires"), theme.muted());
    if shown.link.is_expired(app.now) {
        Line::from(vec![
            label,
            Span::styled("Expired — press r for a new link", theme.danger()),
        ])
    } else {
        Line::from(vec![label, Span::styled(expiry_words(app, shown), bold())])
    }
}

/// What to say when no code fits: which dimension is short (for the smallest layout that shows
/// one), or that no code can hold the link.
fn does_not_fit(v: &View, views: &StaffViews, (now_w, now_h): (u16, u16)) -> Vec<Line<'static>> {
    let theme = v.theme;
    let Some(((w, h), _)) = views.needed_for(&v.shown.codes, v.app.qr.style, (now_w, now_h)) else {
        return vec![Line::styled(
            format!(
                "This link is too long for a QR code ({} characters): c copies it, or read it below",
                v.shown.link.token.link_web_url.chars().count()
            ),
            theme.warning(),
        )];
    };
    let columns = || count(usize::from(w - now_w), "more column", "more columns");
    let rows = || {
        count(
            usize::from(h.saturating_sub(now_h)),
            "more row",
            "more rows",
        )
    };
    let short = match (w > now_w, h > now_h) {
        (true, true) => format!("{} and {}", columns(), rows()),
        (true, false) => columns(),
        _ => rows(),
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

/// A label and its value on one row of the details column: the value shortened on purpose to
/// the column, so a long one (a 2,048-character redirect URL) never pushes the others out.
fn kv(key: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<LABEL_WIDTH$}"), theme.muted()),
        Span::raw(shorten(value, VALUE_WIDTH)),
    ])
}

/// A label `label_width` wide and its value.
fn label_value(key: &str, value: &str, label_width: usize, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<label_width$}"), theme.muted()),
        Span::raw(value.to_string()),
    ])
}

#[cfg(test)]
mod tests {

    use super::{details, summarize};
    use crate::api::LinkToken;
    use crate::app::tests::{ch, t0};
    use crate::app::{App, Effect, Msg};
    use crate::cli::doctor::{Severity, fits, needed_sizes, sample_link, terminal};
    use crate::link::fit::STAFF_FRESH_DETAIL_ROWS;
    use crate::link::fit::StaffLayout;
    use crate::ui::Theme;
    use crate::ui::tests::{ready, render};

    /// The console just after minting a link for `url` (what the patient will see not yet
    /// known), in a terminal of `w` x `h`.
    pub(super) fn fresh(url: &str, (w, h): (u16, u16)) -> App {
        let mut app = ready(80, 24);
        let fx = app.update(ch('m'));
        let [Effect::Mint { id, .. }] = &fx[..] else {
            panic!("{fx:?}")
        };
        let id = *id;
        app.update(Msg::Minted {
            id,
            at: t0(),
            result: Ok(LinkToken {
                link_token: "t".into(),
                link_web_url: url.into(),
            }),
        });
        app.update(Msg::Resize(w, h));
        app.toast = None;
        app
    }

    fn shows_a_code(screen: &str) -> bool {
        screen.contains('█') || screen.contains('▀') || screen.contains('▄')
    }

    #[test]
    fn drawing_reads_the_codes_encoded_when_the_link_was_shown() {
        let mut app = fresh(&sample_link(), (160, 48));
        assert!(shows_a_code(&render(&app, 160, 48)));
        // Codes that say "no code holds this link": drawing believes them, it encodes nothing.
        let none = crate::link::qr::LinkCodes::encode(&"x".repeat(3000));
        app.screen.shown_mut().unwrap().codes = none.clone();
        let screen = render(&app, 160, 48);
        assert!(!shows_a_code(&screen), "{screen}");
        assert!(
            screen.contains("This link is too long for a QR code"),
            "{screen}"
        );
        app.update(ch('K'));
        app.screen.shown_mut().unwrap().codes = none;
        let screen = render(&app, 160, 48);
        assert!(!shows_a_code(&screen), "{screen}");
        assert!(
            screen.contains("This link is too long for a QR code"),
            "{screen}"
        );
    }

    #[test]
    fn a_fresh_link_has_the_detail_rows_doctor_counts() {
        let app = fresh(&sample_link(), (120, 40));
        let shown = app.screen.shown().unwrap();
        assert_eq!(
            details(&app, shown, &Theme::default()).len(),
            usize::from(STAFF_FRESH_DETAIL_ROWS)
        );
    }

    /// The layout a drawn screen shows: the full one has the URL's rows, the compact one says
    /// `c` copies the URL; `None` when no code is drawn.
    pub(super) fn layout_drawn(screen: &str) -> Option<StaffLayout> {
        if !shows_a_code(screen) {
            None
        } else if screen.contains("Link URL") {
            Some(StaffLayout::Full)
        } else {
            assert!(screen.contains("c copies the URL"), "{screen}");
            Some(StaffLayout::Compact)
        }
    }

    #[test]
    fn doctor_and_the_console_agree_on_a_real_link() {
        let url = sample_link();
        let need = needed_sizes(&url).unwrap();
        assert_eq!((need.compact, need.full), ((80, 24), (99, 29)));
        for size in [
            (80, 24),
            (98, 29),
            (99, 28),
            (99, 29),
            (100, 28),
            (120, 26),
            (160, 48),
        ] {
            let screen = render(&fresh(&url, size), size.0, size.1);
            let drawn = layout_drawn(&screen);
            assert_eq!(drawn, fits(&url, size).staff, "{size:?}\n{screen}");
            let expected = if size.0 >= 99 && size.1 >= 29 {
                StaffLayout::Full
            } else {
                StaffLayout::Compact
            };
            assert_eq!(drawn, Some(expected), "{size:?}\n{screen}");
            let ok = terminal(Some(size)).status == Severity::Ok;
            assert_eq!(ok, expected == StaffLayout::Full, "{size:?}");
        }
    }

    /// A link of `len` characters, as the API issues them.
    pub(super) fn link_of(len: usize) -> String {
        let base = "https://link.junction.com/?token=";
        let tail = "&env=sandbox&region=us";
        format!("{base}{}{tail}", "k".repeat(len - base.len() - tail.len()))
    }

    #[test]
    fn a_code_that_does_not_fit_names_the_short_dimension_in_agreeing_words() {
        // 140 characters: a version-7 code (53 x 27 cells), compact from 88 x 28.
        let url = link_of(140);
        for (size, words) in [
            (
                (120, 26),
                "needs 2 more rows: enlarge the terminal to 120 x 28 (now 120 x 26)",
            ),
            (
                (120, 27),
                "needs 1 more row: enlarge the terminal to 120 x 28 (now 120 x 27)",
            ),
            (
                (87, 30),
                "needs 1 more column: enlarge the terminal to 88 x 30 (now 87 x 30)",
            ),
            (
                (80, 24),
                "needs 8 more columns and 4 more rows: enlarge the terminal to 88 x 28",
            ),
        ] {
            let screen = render(&fresh(&url, size), size.0, size.1);
            assert!(!shows_a_code(&screen), "{size:?}\n{screen}");
            assert!(
                screen.replace('\n', " ").contains(words),
                "{size:?}: {words}\n{screen}"
            );
        }
        let screen = render(&fresh(&url, (88, 28)), 88, 28);
        assert_eq!(
            layout_drawn(&screen),
            Some(StaffLayout::Compact),
            "{screen}"
        );
    }

    #[test]
    fn the_compact_view_shows_what_the_staff_need_and_the_keys() {
        let mut app = fresh(&sample_link(), (80, 24));
        app.env.badge = crate::app::tests::production_badge();
        let screen = render(&app, 80, 24);
        let rows: Vec<&str> = screen.lines().collect();
        let words: String = rows[..23]
            .iter()
            .map(|r| r.chars().skip(47).collect::<String>() + "\n")
            .collect();
        for part in [
            "PRODUCTION",
            "Link for the patient",
            "patient-00003",
            "Expires  11:00 (in 60 min)",
            "Token    sha256:",
            "Watching for the connection…",
            "c copies the URL",
        ] {
            assert!(words.contains(part), "{part}\n{screen}");
        }
        assert!(
            rows[23].contains("q quit") && rows[23].contains("? help"),
            "{screen}"
        );
        // The badge stays red (white on red, bold), whatever else the terminal does.
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|f| crate::ui::draw(f, &app, &Theme::default()))
            .unwrap();
        let cell = &terminal.backend().buffer()[(48, 0)];
        assert_eq!(cell.symbol(), "P");
        assert_eq!(cell.bg, ratatui::style::Color::Red);
    }

    #[test]
    fn a_message_shares_the_last_row_with_the_keys() {
        let mut app = fresh(&sample_link(), (80, 24));
        let text = "Sent to your terminal's clipboard (OSC 52) — paste to check";
        app.toast = Some(crate::app::Toast {
            text: text.into(),
            level: crate::app::Level::Info,
            at: None,
            screen: None,
        });
        let screen = render(&app, 80, 24);
        let last = screen.lines().nth(23).unwrap();
        assert!(last.starts_with(text), "{last:?}");
        assert!(last.contains("? help"), "{last:?}");
        // A message too long to share the row is shortened between words, the keys kept.
        app.toast.as_mut().unwrap().text = format!("{text} {}", "and more words ".repeat(8));
        let screen = render(&app, 80, 24);
        let last = screen.lines().nth(23).unwrap();
        assert!(last.contains("… ") && last.ends_with("? help"), "{last:?}");
        assert!(!last.contains("wor…") && !last.contains("an…"), "{last:?}");
    }

    #[test]
    fn a_long_redirect_url_never_pushes_the_other_details_out() {
        let mut app = fresh(&sample_link(), (160, 48));
        let long = format!("https://clinic.example/done?x={}", "a".repeat(2000));
        app.screen.shown_mut().unwrap().link.request.redirect_url = Some(long);
        let screen = render(&app, 160, 48);
        for label in [
            "Redirect",
            "Minted",
            "Expires",
            "Token",
            "Watching for the connection",
        ] {
            assert!(screen.contains(label), "{label}\n{screen}");
        }
        let redirect = screen.lines().find(|l| l.contains("Redirect  ")).unwrap();
        assert!(redirect.ends_with('…'), "{redirect}");
    }

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
