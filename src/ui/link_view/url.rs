//! The link URL in the full staff view: on full-width rows of its own, under a label that says
//! when it is split and that `c` copies it whole, and an OSC 8 hyperlink where the terminal
//! shows them.

use std::num::NonZeroU16;

use ratatui::Frame;
use ratatui::buffer::CellDiffOption;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::text::{count, shorten};
use crate::ui::Theme;
use crate::ui::widgets::chunk;

/// The URL alone on full-width rows at the bottom of the body, under its label, so a mouse
/// selection of it picks up nothing else (no border, no code). A URL longer than a row is split
/// at the edge, and the label says so and that `c` copies it whole. Where the terminal supports
/// it, each row is also a hyperlink to the whole URL (OSC 8).
pub(super) fn draw(frame: &mut Frame, body: Rect, url: &str, theme: &Theme) {
    let url_lines = chunk(url, body.width as usize);
    let url_rows = url_lines.len() as u16;
    let url_top = body.bottom().saturating_sub(url_rows + 1);
    let label = if url_rows > 1 {
        format!(
            "Link URL (split over {}: c copies it whole):",
            count(url_lines.len(), "row", "rows")
        )
    } else {
        "Link URL (c copies it):".to_string()
    };
    let mut lines = vec![Line::styled(
        shorten(&label, usize::from(body.width)),
        theme.muted(),
    )];
    lines.extend(
        url_lines
            .iter()
            .map(|l| Line::styled(l.clone(), theme.primary())),
    );
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(body.x, url_top, body.width, url_rows + 1),
    );
    if theme.hyperlinks && hyperlinkable(url) {
        hyperlink_rows(frame, body.x, url_top + 1, &url_lines, url);
    }
}

/// Whether `url` can ride in an OSC 8 sequence: printable ASCII, no spaces, a sane length.
fn hyperlinkable(url: &str) -> bool {
    !url.is_empty() && url.len() <= 2048 && url.chars().all(|c| c.is_ascii_graphic())
}

/// Makes each drawn row of the URL (`rows`, from (`x`, `top`) down) an OSC 8 hyperlink to the
/// whole `url`. The sequences ride in the first and last cell of each row, with a forced width of
/// one column, so ratatui's diff still counts those cells as one column each.
fn hyperlink_rows(frame: &mut Frame, x: u16, top: u16, rows: &[String], url: &str) {
    const CLOSE: &str = "\x1b]8;;\x1b\\";
    let open = format!("\x1b]8;id=vital-onboard-link;{url}\x1b\\");
    let one = CellDiffOption::ForcedWidth(NonZeroU16::MIN);
    let buf = frame.buffer_mut();
    for (dy, row) in rows.iter().enumerate() {
        let n = row.chars().count() as u16;
        let y = top + dy as u16;
        if n == 0 || !buf.area.contains((x, y).into()) {
            continue;
        }
        let first = &mut buf[(x, y)];
        let symbol = format!("{open}{}", first.symbol());
        first.set_symbol(&symbol).set_diff_option(one);
        let last = &mut buf[(x + n - 1, y)];
        let symbol = format!("{}{CLOSE}", last.symbol());
        last.set_symbol(&symbol).set_diff_option(one);
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use ratatui::buffer::CellDiffOption;

    use super::super::tests::{fresh, layout_drawn, link_of};
    use crate::cli::doctor::sample_link;
    use crate::link::fit::StaffLayout;
    use crate::ui::Theme;
    use crate::ui::tests::render;

    #[test]
    fn a_url_longer_than_a_row_says_c_copies_it_whole() {
        let url = link_of(160);
        let screen = render(&fresh(&url, (150, 60)), 150, 60);
        assert_eq!(layout_drawn(&screen), Some(StaffLayout::Full), "{screen}");
        assert!(
            screen.contains("Link URL (split over 2 rows: c copies it whole):"),
            "{screen}"
        );
        let screen = render(&fresh(&sample_link(), (160, 48)), 160, 48);
        assert!(screen.contains("Link URL (c copies it):"), "{screen}");
    }

    #[test]
    fn where_the_terminal_shows_hyperlinks_each_url_row_is_one() {
        let url = link_of(160);
        let app = fresh(&url, (150, 60));
        let theme = Theme {
            no_color: true,
            hyperlinks: true,
        };
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(150, 60)).unwrap();
        terminal.draw(|f| crate::ui::draw(f, &app, &theme)).unwrap();
        let buf = terminal.backend().buffer();
        let open = format!("\x1b]8;id=vital-onboard-link;{url}\x1b\\");
        let close = "\x1b]8;;\x1b\\";
        // The URL's two rows: 150 characters, then 10.
        let first_row = (0..60)
            .find(|&y| buf[(0, y)].symbol().starts_with(&open))
            .expect("a row opens the hyperlink");
        for (y, len) in [(first_row, 150u16), (first_row + 1, 10)] {
            let first = &buf[(0, y)];
            assert!(first.symbol().starts_with(&open), "{:?}", first.symbol());
            assert_eq!(
                first.diff_option,
                CellDiffOption::ForcedWidth(NonZeroU16::MIN)
            );
            let last = &buf[(len - 1, y)];
            assert!(last.symbol().ends_with(close), "{:?}", last.symbol());
            assert_eq!(
                last.diff_option,
                CellDiffOption::ForcedWidth(NonZeroU16::MIN)
            );
        }
        // Without the capability, plain cells.
        let screen = render(&app, 150, 60);
        assert!(!screen.contains('\x1b'));
    }
}
