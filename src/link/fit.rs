//! Where a link's code goes on screen: the one size rule the console's views and `doctor` share.
//!
//! A view is described by what it needs around its code ([`ViewNeeds`]): rows above and below the
//! area the code shares with its words, text on full-width rows of its own (the URL), the ways the
//! words can stand beside or around the code ([`Arrangement`]), and the smallest terminal the
//! console draws in at all. From that one description come both the rooms a code may take in a
//! terminal ([`ViewNeeds::fit`], what the views draw) and the smallest terminal that shows a code
//! ([`ViewNeeds::needed`], what the views and `doctor` ask for), so the two cannot disagree.
//! The staff link view has two layouts ([`StaffViews`]): the full one, and below its size a
//! compact one that fits a real link's code at 80 x 24.

use super::qr::{LinkCodes, QrMatrix, QrStyle};

/// How a view's words stand next to its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// The words in a column `cols` wide right of the code, `gap` columns between. The code may
    /// take this room only when the area is at least `rows` tall, so the words fit too.
    Beside { gap: u16, cols: u16, rows: u16 },
    /// The words take `rows` rows above and under the code, the gaps included.
    Stacked { rows: u16 },
}

impl Arrangement {
    /// The room (columns, rows) for the code in an area of `cols` x `rows`; zero when none.
    fn room(self, cols: u16, rows: u16) -> (u16, u16) {
        match self {
            Arrangement::Beside {
                gap,
                cols: words,
                rows: words_rows,
            } => (
                cols.saturating_sub(gap + words),
                if rows >= words_rows { rows } else { 0 },
            ),
            Arrangement::Stacked { rows: words } => (cols, rows.saturating_sub(words)),
        }
    }

    /// The smallest area (columns, rows) whose room holds `cells`.
    fn area_for(self, (cols, rows): (u16, u16)) -> (u16, u16) {
        match self {
            Arrangement::Beside {
                gap,
                cols: words,
                rows: words_rows,
            } => (cols + gap + words, rows.max(words_rows)),
            Arrangement::Stacked { rows: words } => (cols, rows + words),
        }
    }
}

/// The staff view's details column: its width, and the gap between it and the code.
pub const STAFF_DETAILS_WIDTH: u16 = 52;
const STAFF_GAP: u16 = 2;
/// Lines the staff view's details take for a link just minted: nine settings (the patient's
/// language the last), what the patient will see, and the watcher's line. `doctor` sizes a real
/// link's view with it.
pub const STAFF_FRESH_DETAIL_ROWS: u16 = 11;
/// Rows of the staff view above its code: the console's header and the view's heading.
const STAFF_ROWS_ABOVE: u16 = 2;
/// Rows of the staff view below its code, besides the URL's: the URL's label, the key bar and
/// the status line.
const STAFF_ROWS_BELOW: u16 = 3;

/// The compact staff view's words right of the code (badge, patient, expiry, fingerprint, the
/// watcher's line, "c copies the URL"): the narrowest column they read in, and the gap. A
/// version-5 code (45 columns with its quiet zone) and this column make 80.
pub const COMPACT_WORDS_WIDTH: u16 = 33;
const COMPACT_GAP: u16 = 2;
/// Rows the compact view's words take at least, beside the code.
pub const COMPACT_WORDS_ROWS: u16 = 9;
/// Rows of the compact view below its code: the key bar and the status, sharing one row.
const COMPACT_ROWS_BELOW: u16 = 1;

/// The patient-facing view's words beside the code: their width and the gap.
pub const PATIENT_WORDS_WIDTH: u16 = 32;
const PATIENT_GAP: u16 = 2;
/// Rows of the patient-facing view above and under a stacked code: the clinic's name and a
/// blank line above, the sentence and the time left under it, and one spare.
pub const PATIENT_STACK_ROWS: u16 = 5;

/// The styles tried for a code asked for in `style`, in order: full blocks fall back to half.
fn fallbacks(style: QrStyle) -> &'static [QrStyle] {
    match style {
        QrStyle::Full => &[QrStyle::Full, QrStyle::Half],
        QrStyle::Half => &[QrStyle::Half],
    }
}

/// What a view needs around its code, from the terminal's edges in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewNeeds {
    /// Rows above the area the code shares with its words.
    pub rows_above: u16,
    /// Rows below that area, besides those of [`Self::text_below`].
    pub rows_below: u16,
    /// Characters shown below the area on full-width rows of their own (the URL), one row per
    /// terminal width or part of one.
    pub text_below: usize,
    /// Where the words may stand, in order of preference: an earlier one wins a tie.
    pub arrangements: Vec<Arrangement>,
    /// The smallest terminal the console draws in.
    pub smallest: (u16, u16),
}

/// A code that fits: which one, how large, and where the words go.
#[derive(Debug, Clone, Copy)]
pub struct Fit<'a> {
    pub code: &'a QrMatrix,
    /// Columns per module (rows per module are half that).
    pub scale: u16,
    /// Where the words stand (one of the view's arrangements).
    pub arrangement: Arrangement,
    /// The style drawn: half blocks when full blocks did not fit.
    pub style: QrStyle,
}

impl Fit<'_> {
    /// Character cells (columns, rows) of the drawn code.
    pub fn cells(&self) -> (u16, u16) {
        self.code.cells_at(self.scale)
    }

    pub fn lines(&self) -> Vec<String> {
        self.code.lines_at(self.scale as usize)
    }
}

impl ViewNeeds {
    /// The staff view of a link whose URL is `url` and whose details take `detail_rows` lines:
    /// the code beside the details if it fits, else above them; the URL on rows of its own under
    /// both, between the console's header and its key bar.
    pub fn staff(url: &str, detail_rows: u16, smallest: (u16, u16)) -> ViewNeeds {
        ViewNeeds {
            rows_above: STAFF_ROWS_ABOVE,
            rows_below: STAFF_ROWS_BELOW,
            text_below: url.chars().count(),
            arrangements: vec![
                Arrangement::Beside {
                    gap: STAFF_GAP,
                    cols: STAFF_DETAILS_WIDTH,
                    rows: detail_rows,
                },
                Arrangement::Stacked {
                    rows: detail_rows + 1,
                },
            ],
            smallest,
        }
    }

    /// The compact staff view, for terminals below the size [`Self::staff`] needs: no header,
    /// frame or URL rows; the code at full height on the left, the words beside it, and the key
    /// bar and status sharing the last row.
    pub fn compact(smallest: (u16, u16)) -> ViewNeeds {
        ViewNeeds {
            rows_above: 0,
            rows_below: COMPACT_ROWS_BELOW,
            text_below: 0,
            arrangements: vec![Arrangement::Beside {
                gap: COMPACT_GAP,
                cols: COMPACT_WORDS_WIDTH,
                rows: COMPACT_WORDS_ROWS,
            }],
            smallest,
        }
    }

    /// The patient-facing view: the whole terminal, the code under the clinic's name and over
    /// the words, or beside the words.
    pub fn patient(smallest: (u16, u16)) -> ViewNeeds {
        ViewNeeds {
            rows_above: 0,
            rows_below: 0,
            text_below: 0,
            arrangements: vec![
                Arrangement::Stacked {
                    rows: PATIENT_STACK_ROWS,
                },
                Arrangement::Beside {
                    gap: PATIENT_GAP,
                    cols: PATIENT_WORDS_WIDTH,
                    rows: 0,
                },
            ],
            smallest,
        }
    }

    /// Rows the text below takes in a terminal `width` columns wide.
    pub fn text_rows(&self, width: u16) -> u16 {
        self.text_below.div_ceil(usize::from(width.max(1))) as u16
    }

    /// The area the code shares with its words in a terminal of `size`: its top row (counted
    /// from the terminal's), columns and rows.
    pub fn area(&self, (cols, rows): (u16, u16)) -> (u16, u16, u16) {
        let outside = self.rows_above + self.rows_below + self.text_rows(cols);
        (self.rows_above, cols, rows.saturating_sub(outside))
    }

    /// The largest code of `codes` that fits a terminal of `size`: the arrangement, the
    /// error-correction level (M before L at the same size) and the scale that give the biggest
    /// modules, earlier arrangements winning ties. When `style` is full blocks and none fits,
    /// half blocks are tried, so the patient always gets a code where one can be drawn. None in a
    /// terminal smaller than [`Self::smallest`]: the console draws no view there.
    pub fn fit<'a>(
        &self,
        codes: &'a LinkCodes,
        style: QrStyle,
        size: (u16, u16),
    ) -> Option<Fit<'a>> {
        fallbacks(style)
            .iter()
            .find_map(|&drawn| self.fit_drawn(codes, drawn, size))
    }

    /// As [`Self::fit`], in the style `drawn` only.
    pub fn fit_drawn<'a>(
        &self,
        codes: &'a LinkCodes,
        drawn: QrStyle,
        size: (u16, u16),
    ) -> Option<Fit<'a>> {
        if size.0 < self.smallest.0 || size.1 < self.smallest.1 {
            return None;
        }
        let (_, cols, rows) = self.area(size);
        let mut best: Option<Fit<'a>> = None;
        for code in codes.iter() {
            for &arrangement in &self.arrangements {
                let (room_cols, room_rows) = arrangement.room(cols, rows);
                if let Some(scale) = code.largest_scale(drawn, room_cols, room_rows)
                    && best.is_none_or(|b| scale > b.scale)
                {
                    best = Some(Fit {
                        code,
                        scale,
                        arrangement,
                        style: drawn,
                    });
                }
            }
        }
        best
    }

    /// The smallest terminal, at least `at_least` in both directions, in which a code of `cells`
    /// (columns, rows) fits: for each arrangement the narrowest such terminal and the rows it
    /// needs at that width; of those the one with the fewest rows (screens are wider than tall,
    /// so rows are what a terminal runs out of first), then the fewest columns, then the earlier
    /// arrangement.
    pub fn needed(&self, cells: (u16, u16), at_least: (u16, u16)) -> (u16, u16) {
        let floor = (
            at_least.0.max(self.smallest.0),
            at_least.1.max(self.smallest.1),
        );
        let mut best: Option<(u16, u16)> = None;
        for arrangement in &self.arrangements {
            let (area_cols, area_rows) = arrangement.area_for(cells);
            let cols = area_cols.max(floor.0);
            let rows =
                (area_rows + self.rows_above + self.rows_below + self.text_rows(cols)).max(floor.1);
            if best.is_none_or(|(c, r)| (rows, cols) < (r, c)) {
                best = Some((cols, rows));
            }
        }
        best.unwrap_or(floor)
    }

    /// The smallest terminal that shows the smallest of `codes` in `style`, at least `at_least`;
    /// `None` when the link is too long for any code.
    pub fn needed_for(
        &self,
        codes: &LinkCodes,
        style: QrStyle,
        at_least: (u16, u16),
    ) -> Option<(u16, u16)> {
        codes
            .smallest()
            .map(|code| self.needed(code.cells(style), at_least))
    }
}

/// The two layouts of the staff link view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffLayout {
    /// Header, details beside or under the code, the URL on rows of its own, the key bar.
    Full,
    /// The code at full height beside a few words; keys and status share the last row.
    Compact,
}

/// The staff link view's two layouts for one link: the full one where its code fits, else the
/// compact one. The console draws by it and `doctor` sizes a real link with it.
#[derive(Debug, Clone)]
pub struct StaffViews {
    pub full: ViewNeeds,
    pub compact: ViewNeeds,
}

impl StaffViews {
    /// The views of a link whose URL is `url` and whose full view's details take
    /// `detail_rows` lines.
    pub fn new(url: &str, detail_rows: u16, smallest: (u16, u16)) -> StaffViews {
        StaffViews {
            full: ViewNeeds::staff(url, detail_rows, smallest),
            compact: ViewNeeds::compact(smallest),
        }
    }

    /// The layout a terminal of `size` gets and its code: the full layout where a code in
    /// `style` fits it, else the compact one where one fits that; when full blocks fit neither,
    /// the same in half blocks. `None` where neither shows a code.
    pub fn fit<'a>(
        &self,
        codes: &'a LinkCodes,
        style: QrStyle,
        size: (u16, u16),
    ) -> Option<(StaffLayout, Fit<'a>)> {
        fallbacks(style).iter().find_map(|&drawn| {
            self.full
                .fit_drawn(codes, drawn, size)
                .map(|f| (StaffLayout::Full, f))
                .or_else(|| {
                    self.compact
                        .fit_drawn(codes, drawn, size)
                        .map(|f| (StaffLayout::Compact, f))
                })
        })
    }

    /// The smallest terminals (at least `at_least`) that show the smallest of `codes` in
    /// `style`: (compact, full); `None` when the link is too long for any code.
    pub fn needed_for(
        &self,
        codes: &LinkCodes,
        style: QrStyle,
        at_least: (u16, u16),
    ) -> Option<((u16, u16), (u16, u16))> {
        Some((
            self.compact.needed_for(codes, style, at_least)?,
            self.full.needed_for(codes, style, at_least)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALLEST: (u16, u16) = (80, 24);

    /// A link URL of the length Vital issues (95 characters).
    fn real_url() -> String {
        let base = "https://link.junction.com/?token=";
        let tail = "&env=sandbox&region=us";
        format!("{base}{}{tail}", "k".repeat(95 - base.len() - tail.len()))
    }

    #[test]
    fn at_the_size_asked_for_the_code_fits_in_the_style_asked_for() {
        for len in [40, 95, 200, 400] {
            let url = format!("https://l.example/?t={}", "x".repeat(len));
            let codes = LinkCodes::encode(&url);
            for style in [QrStyle::Half, QrStyle::Full] {
                for needs in [
                    ViewNeeds::staff(&url, STAFF_FRESH_DETAIL_ROWS, SMALLEST),
                    ViewNeeds::patient(SMALLEST),
                ] {
                    let (w, h) = needs.needed_for(&codes, style, (0, 0)).unwrap();
                    let label = format!("{len} {style:?} {needs:?} at {w}x{h}");
                    let fit = needs.fit(&codes, style, (w, h)).expect(&label);
                    assert_eq!(fit.style, style, "{label}");
                    assert_eq!(
                        needs.needed_for(&codes, style, (w, h)),
                        Some((w, h)),
                        "{label}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_real_link_in_the_staff_view_needs_99_by_29() {
        let url = real_url();
        let codes = LinkCodes::encode(&url);
        let needs = ViewNeeds::staff(&url, STAFF_FRESH_DETAIL_ROWS, SMALLEST);
        let code = codes.smallest().unwrap();
        assert_eq!(code.cells(QrStyle::Half), (45, 23));
        // Beside the details: 45 + 2 + 52 columns; 23 rows, the header and heading, the URL's
        // label and one row of URL, the key bar and the status line.
        assert_eq!(
            needs.needed_for(&codes, QrStyle::Half, (0, 0)),
            Some((99, 29))
        );
        assert!(needs.fit(&codes, QrStyle::Half, (99, 29)).is_some());
        assert!(needs.fit(&codes, QrStyle::Half, (100, 28)).is_none());
        assert!(needs.fit(&codes, QrStyle::Half, (98, 29)).is_none());
        let patient = ViewNeeds::patient(SMALLEST);
        assert!(patient.fit(&codes, QrStyle::Half, (80, 24)).is_some());
        assert!(
            patient.fit(&codes, QrStyle::Half, (79, 40)).is_none(),
            "below the smallest terminal the console draws no view"
        );
        // Asked from a wider, shorter terminal: never narrower than it is.
        assert_eq!(
            needs.needed_for(&codes, QrStyle::Half, (120, 26)),
            Some((120, 29))
        );
        assert_eq!(
            ViewNeeds::patient(SMALLEST).needed_for(&codes, QrStyle::Half, (0, 0)),
            Some((80, 24))
        );
        // Full blocks: beside the details (144 x 51) rather than above them (90 x 63, a
        // smaller area but more rows than most screens have).
        assert_eq!(code.cells(QrStyle::Full), (90, 45));
        assert_eq!(
            needs.needed_for(&codes, QrStyle::Full, (0, 0)),
            Some((144, 51))
        );
        assert_eq!(
            ViewNeeds::patient(SMALLEST).needed_for(&codes, QrStyle::Full, (0, 0)),
            Some((124, 45))
        );
    }

    #[test]
    fn below_the_full_view_a_real_link_gets_the_compact_view_at_80_by_24() {
        let url = real_url();
        let codes = LinkCodes::encode(&url);
        let views = StaffViews::new(&url, STAFF_FRESH_DETAIL_ROWS, SMALLEST);
        assert_eq!(
            views.needed_for(&codes, QrStyle::Half, (0, 0)),
            Some(((80, 24), (99, 29)))
        );
        let (layout, fit) = views.fit(&codes, QrStyle::Half, (80, 24)).unwrap();
        assert_eq!(layout, StaffLayout::Compact);
        assert_eq!(fit.cells(), (45, 23), "version 5 with its quiet zone");
        assert_eq!(fit.code.version(), 5);
        // The compact view keeps its code from 80 x 24 up to the full view's size.
        for size in [(80, 24), (98, 39), (120, 28), (160, 24)] {
            let (layout, _) = views.fit(&codes, QrStyle::Half, size).unwrap();
            assert_eq!(layout, StaffLayout::Compact, "{size:?}");
        }
        for size in [(99, 29), (160, 48)] {
            let (layout, _) = views.fit(&codes, QrStyle::Half, size).unwrap();
            assert_eq!(layout, StaffLayout::Full, "{size:?}");
        }
        assert!(views.fit(&codes, QrStyle::Half, (79, 24)).is_none());
        // A longer link (version 6 at least) needs more than 80 x 24 even compact.
        let long = format!("{url}{}", "x".repeat(40));
        let codes = LinkCodes::encode(&long);
        let views = StaffViews::new(&long, STAFF_FRESH_DETAIL_ROWS, SMALLEST);
        assert!(views.fit(&codes, QrStyle::Half, (80, 24)).is_none());
        let ((w, h), _) = views.needed_for(&codes, QrStyle::Half, (0, 0)).unwrap();
        assert_eq!(
            views.fit(&codes, QrStyle::Half, (w, h)).map(|(l, _)| l),
            Some(StaffLayout::Compact)
        );
    }

    #[test]
    fn rooms_follow_the_arrangements() {
        let needs = ViewNeeds::staff("u", 10, SMALLEST);
        assert_eq!(needs.area((100, 30)), (2, 100, 24));
        assert_eq!(
            needs.arrangements[0].room(100, 24),
            (100 - 54, 24),
            "beside the details"
        );
        assert_eq!(needs.arrangements[0].room(100, 9), (46, 0), "details cut");
        assert_eq!(needs.arrangements[1].room(100, 24), (100, 13), "above them");
        let patient = ViewNeeds::patient(SMALLEST);
        assert_eq!(patient.area((80, 24)), (0, 80, 24));
        assert_eq!(patient.arrangements[0].room(80, 24), (80, 19));
        assert_eq!(patient.arrangements[1].room(80, 24), (46, 24));
    }

    #[test]
    fn the_url_rows_follow_the_width() {
        let needs = ViewNeeds::staff(&"u".repeat(95), 10, SMALLEST);
        assert_eq!(needs.text_rows(95), 1);
        assert_eq!(needs.text_rows(94), 2);
        assert_eq!(needs.text_rows(0), 95);
    }
}
