//! Lines built from units that are never split (an id, even one with spaces like
//! `+1 555 123 4567`; a word), broken between units to fit a width, the lines after the first
//! indented. A unit too long for a line of its own is shortened on purpose (`…`).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::{shorten, width};

pub struct Flow {
    width: usize,
    indent: usize,
    lines: Vec<Line<'static>>,
    cur: Vec<Span<'static>>,
    used: usize,
    /// Nothing but the indent on the current line yet.
    fresh: bool,
}

impl Flow {
    /// Lines of `width` columns; the second and later start with `indent` spaces.
    pub fn new(width: usize, indent: usize) -> Flow {
        let width = width.max(1);
        Flow {
            width,
            indent: indent.min(width / 2),
            lines: Vec::new(),
            cur: Vec::new(),
            used: 0,
            fresh: true,
        }
    }

    /// `text` whole, after `sep` (`", "`, `" "`). At a break `sep`'s visible part (`,`) ends the
    /// line and `text` starts the next.
    pub fn unit(&mut self, sep: &str, text: &str, style: Style) {
        let (sep_w, text_w) = (width(sep), width(text));
        if !self.fresh && self.used + sep_w + text_w > self.width {
            let tail = sep.trim_end();
            if !tail.is_empty() && self.used + width(tail) <= self.width {
                self.cur.push(Span::styled(tail.to_string(), style));
            }
            self.lines.push(Line::from(std::mem::take(&mut self.cur)));
            self.cur.push(Span::raw(" ".repeat(self.indent)));
            self.used = self.indent;
            self.fresh = true;
        }
        // A line that starts after a break starts with the unit, not its separator.
        if (!self.fresh || self.lines.is_empty()) && !sep.is_empty() {
            self.cur.push(Span::styled(sep.to_string(), style));
            self.used += sep_w;
        }
        let text = shorten(text, self.width.saturating_sub(self.used).max(1));
        self.used += width(&text);
        self.cur.push(Span::styled(text, style));
        self.fresh = false;
    }

    /// Each word of `text` a unit (a sentence that may break between words), after `sep`.
    pub fn words(&mut self, sep: &str, text: &str, style: Style) {
        for (i, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
            self.unit(if i == 0 { sep } else { " " }, word, style);
        }
    }

    pub fn finish(mut self) -> Vec<Line<'static>> {
        if !self.cur.is_empty() {
            self.lines.push(Line::from(self.cur));
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn units_stay_whole_and_the_lines_after_the_first_indent() {
        let mut f = Flow::new(24, 2);
        f.unit("", "Connected 3", Style::new());
        for (i, id) in ["p-1", "+1 555 123 4567", "p-3"].iter().enumerate() {
            f.unit(if i == 0 { ": " } else { ", " }, id, Style::new());
        }
        f.words(" ", "(a reason of several words)", Style::new());
        assert_eq!(
            plain(&f.finish()),
            [
                "Connected 3: p-1,",
                "  +1 555 123 4567, p-3",
                "  (a reason of several",
                "  words)"
            ]
        );
    }

    #[test]
    fn a_unit_longer_than_a_line_is_shortened_on_purpose() {
        let mut f = Flow::new(10, 2);
        f.unit("", "a", Style::new());
        f.unit(" ", "abcdefghijklmnop", Style::new());
        let lines = plain(&f.finish());
        assert_eq!(lines, ["a", "  abcdefg…"]);
    }
}
