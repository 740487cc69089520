//! Small drawing helpers shared by the views: pane frames, centring, wrapping, the spinner and
//! painting a QR code in its explicit colours.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use super::Theme;
use crate::app::App;
use crate::text::{shorten, truncate, width as width_of};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

/// The spinner a pane title shows while its list loads.
pub fn loading(app: &App, theme: &Theme) -> Span<'static> {
    Span::styled(format!("{} loading ", spinner(app)), theme.primary())
}

/// A centred rectangle of at most `w` x `h` (the layout's, so drawing and paging agree).
pub use crate::app::layout::centered;

/// A block for a pane, highlighted when focused.
pub fn pane_block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .title(title);
    if focused {
        block.border_style(theme.focused_border())
    } else {
        block.border_style(theme.muted())
    }
}

/// Clears the whole rows a box drawn over the screen (`rect`, its border included) spans, from
/// the screen's left edge to its right, so nothing of the screen under it stands beside it to
/// read as a cut word or a stray letter (`…╮ :03)`, an `L` in column 0), and the text row just
/// above and below it; a pane's border row above or below it stays whole, with its title, and
/// so do the key bar and the status line. Every overlay clears with this before it draws.
pub fn clear_under(frame: &mut Frame, rect: Rect) {
    let screen = frame.area();
    // The key bar and the status line (the last two rows) stay beside a box that reaches them:
    // there only the box and the column either side are cleared.
    let bottom = screen.bottom().saturating_sub(2).max(screen.y);
    let rows_end = rect.bottom().min(bottom);
    if rows_end > rect.y {
        let rows = Rect::new(screen.x, rect.y, screen.width, rows_end - rect.y);
        frame.render_widget(Clear, rows.intersection(screen));
    }
    // The text row just above and just below (not a pane's border row, the header or the key
    // bar): blank too, so a sentence the box hides part of leaves no orphan line beside it.
    for y in [rect.y.checked_sub(1), Some(rect.bottom())]
        .into_iter()
        .flatten()
    {
        if y > screen.y && y < bottom && !border_row(frame, y) {
            frame.render_widget(Clear, Rect::new(screen.x, y, screen.width, 1));
        }
    }
    let left = rect.x.saturating_sub(1).max(screen.x);
    let right = rect.right().saturating_add(1).min(screen.right());
    let around = Rect::new(left, rect.y, right.saturating_sub(left), rect.height);
    frame.render_widget(Clear, around.intersection(screen));
}

/// Whether row `y` holds a horizontal border (a pane's top or bottom, with its title).
fn border_row(frame: &mut Frame, y: u16) -> bool {
    let area = frame.area();
    let buf = frame.buffer_mut();
    (area.x..area.right()).any(|x| {
        buf.cell((x, y))
            .is_some_and(|c| ["─", "━", "═"].contains(&c.symbol()))
    })
}

/// The rounded frame of a box drawn over the screen, titled.
pub fn popup_block(title: &str, border: Style) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(format!(" {title} "))
}

pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// Splits text into lines of at most `width` characters at spaces (a word longer than a line is
/// shortened, marked `…`).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let cur = lines.last_mut().expect("one line");
        let needed = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if needed > width && !cur.is_empty() {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines.into_iter().map(|l| truncate(&l, width)).collect()
}

/// Terminal columns a line takes.
pub fn line_width(line: &Line) -> usize {
    line.spans.iter().map(|s| width_of(&s.content)).sum()
}

/// A styled line shortened on purpose to `width` columns by [`shorten`]: whole when it fits,
/// else cut between words where it can and marked `…` in the style of the text it cuts.
pub fn shorten_line(line: Line<'static>, width: usize) -> Line<'static> {
    let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let short = shorten(&plain, width);
    if short == plain {
        return line;
    }
    let mut keep = short.chars().count() - 1;
    let mut spans = Vec::new();
    let mut last_style = line.style;
    for span in line.spans {
        if keep == 0 {
            break;
        }
        let n = span.content.chars().count();
        last_style = span.style;
        if n <= keep {
            keep -= n;
            spans.push(span);
        } else {
            let head: String = span.content.chars().take(keep).collect();
            keep = 0;
            spans.push(Span::styled(head, span.style));
        }
    }
    spans.push(Span::styled("…", last_style));
    Line::from(spans).style(line.style)
}

/// The first of `variants` (longest wording first) that fits in `width` columns; when none
/// does, the last one [`shorten_line`]d.
pub fn first_fit(variants: Vec<Line<'static>>, width: usize) -> Line<'static> {
    let mut last = Line::default();
    for v in variants {
        if line_width(&v) <= width {
            return v;
        }
        last = v;
    }
    shorten_line(last, width)
}

/// Splits text into lines of `width` characters (URLs have no spaces to wrap at).
pub fn chunk(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// Paints QR lines at `area`'s top-left with explicit colours.
pub fn paint_qr(frame: &mut Frame, area: Rect, lines: &[String], theme: &Theme, invert: bool) {
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
