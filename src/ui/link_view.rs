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
use crate::link::fit::{Arrangement, Fit, STAFF_DETAILS_WIDTH, ViewNeeds};
use crate::link::format_countdown;
use crate::text::sanitize;

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

/// The staff view in `body`, the rows between the console's header and its key bar. Where the code
/// goes comes from [`ViewNeeds::staff`], the rule `doctor` sizes a real link with.
pub fn draw(frame: &mut Frame, body: Rect, app: &App, shown: &ShownLink, theme: &Theme) {
    let screen = frame.area();
    let size = (screen.width, screen.height);
    let url = sanitize(&shown.link.token.link_web_url);
    let info = details(app, shown, theme);
    let needs = ViewNeeds::staff(&url, info.len() as u16, (MIN_WIDTH, MIN_HEIGHT));
    let (top, cols, rows) = needs.area(size);
    let main = Rect::new(screen.x, screen.y + top, cols, rows);
    let fit = needs.fit(&shown.codes, app.qr.style, size);

    draw_heading(frame, body, shown);
    let (notes, info_area) = match &fit {
        Some(f) => (
            style_note(app, shown, &needs, f, size, theme),
            draw_code(frame, main, f, app, shown, theme),
        ),
        None => (does_not_fit(app, shown, &needs, size, theme), main),
    };
    let mut text = notes;
    text.extend(info);
    if let Some(f) = fit.filter(|_| !shown.link.is_expired(app.now)) {
        text.push(code_label(&f, app.qr.invert, theme));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), info_area);
    draw_url(frame, body, &url, theme);
}

/// "Link for the patient · mrn-100231" on the body's first row.
fn draw_heading(frame: &mut Frame, body: Rect, shown: &ShownLink) {
    let mut heading = vec![Span::styled("Link for the patient", bold())];
    if !shown.link.client_user_id.is_empty() {
        heading.push(Span::raw(format!(
            " · {}",
            sanitize(&shown.link.client_user_id)
        )));
    }
    frame.render_widget(
        Paragraph::new(Line::from(heading)),
        Rect::new(body.x, body.y, body.width, 1),
    );
}

/// Paints the code at the top left of `main` (or says why it is not scannable any more) and
/// returns where the details go: beside it or under it.
fn draw_code(
    frame: &mut Frame,
    main: Rect,
    fit: &Fit,
    app: &App,
    shown: &ShownLink,
    theme: &Theme,
) -> Rect {
    let (cols, rows) = fit.cells();
    let code_area = Rect::new(main.x, main.y, cols, rows);
    let used = shown.watch.consumed();
    if used || shown.link.is_expired(app.now) {
        let msg = Rect::new(code_area.x, code_area.y + rows / 2, cols, 1);
        let words = if used {
            Line::styled("Used — r for another", theme.success())
        } else {
            Line::styled("Expired — press r", theme.danger())
        };
        frame.render_widget(Paragraph::new(words).alignment(Alignment::Center), msg);
    } else {
        paint_qr(frame, code_area, &fit.lines(), theme, app.qr.invert);
    }
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
fn style_note(
    app: &App,
    shown: &ShownLink,
    needs: &ViewNeeds,
    fit: &Fit,
    size: (u16, u16),
    theme: &Theme,
) -> Vec<Line<'static>> {
    if fit.style == app.qr.style {
        return vec![];
    }
    let (w, h) = needs
        .needed_for(&shown.codes, app.qr.style, size)
        .unwrap_or(size);
    vec![Line::styled(
        format!(
            "Full blocks do not fit: half blocks shown (enlarge the terminal to {w} x {h} for full blocks)"
        ),
        theme.warning(),
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

/// The URL alone on full-width rows at the bottom of the body, under its label, so a mouse
/// selection of it picks up nothing else (no border, no code).
fn draw_url(frame: &mut Frame, body: Rect, url: &str, theme: &Theme) {
    let url_lines = chunk(url, body.width as usize);
    let url_rows = url_lines.len() as u16;
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
        Some(list) => sanitize(&summarize(list, STAFF_DETAILS_WIDTH as usize - LABEL_WIDTH)),
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
    shown: &ShownLink,
    needs: &ViewNeeds,
    (now_w, now_h): (u16, u16),
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some((w, h)) = needs.needed_for(&shown.codes, app.qr.style, (now_w, now_h)) else {
        return vec![Line::styled(
            format!(
                "This link is too long for a QR code ({} characters): c copies it, or read it below",
                shown.link.token.link_web_url.chars().count()
            ),
            theme.warning(),
        )];
    };
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

#[cfg(test)]
mod tests {
    use super::{details, summarize};
    use crate::api::LinkToken;
    use crate::app::tests::{ch, t0};
    use crate::app::{App, Effect, Msg};
    use crate::cli::doctor::{Severity, needed_sizes, sample_link, terminal};
    use crate::link::fit::STAFF_FRESH_DETAIL_ROWS;
    use crate::ui::Theme;
    use crate::ui::tests::{ready, render};

    /// The console just after minting a link for `url` (what the patient will see not yet
    /// known), in a terminal of `w` x `h`.
    fn fresh(url: &str, (w, h): (u16, u16)) -> App {
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

    #[test]
    fn doctor_and_the_console_agree_on_a_real_link() {
        let url = sample_link();
        let ((w, h), _) = needed_sizes(&url).unwrap();
        assert_eq!((w, h), (99, 29));
        // At 80 x 24 the console asks for what doctor says.
        let screen = render(&fresh(&url, (80, 24)), 80, 24);
        assert!(
            screen.contains(&format!("enlarge the terminal to {w} x\n{h}"))
                || screen
                    .replace('\n', " ")
                    .contains(&format!("enlarge the terminal to {w} x {h}")),
            "{screen}"
        );
        // At doctor's size the code is drawn; a row or a column less, neither says it fits.
        for size in [(w, h), (w + 1, h - 1), (w - 1, h + 5), (100, 28)] {
            let screen = render(&fresh(&url, size), size.0, size.1);
            let drawn = shows_a_code(&screen);
            let ok = terminal(Some(size)).status == Severity::Ok;
            assert_eq!(
                drawn, ok,
                "{size:?}: console draws {drawn}, doctor ok {ok}\n{screen}"
            );
            assert_eq!(drawn, size == (w, h), "{size:?}\n{screen}");
        }
        let screen = render(&fresh(&url, (100, 28)), 100, 28);
        assert!(
            screen.contains("enlarge the terminal to 100 x 29 (now 100 x 28)"),
            "{screen}"
        );
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
