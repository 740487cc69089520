//! QR codes: the module matrix with its quiet zone, the codes a link is drawn as ([`LinkCodes`]),
//! the largest scale that fits a room ([`super::fit`] says which rooms a view has), and text
//! rendering (half blocks: two modules per character cell; full blocks: one module per two cells).
//!
//! A code is drawn dark-on-light with explicit colours by whoever paints the text, so it scans on
//! dark and light terminal themes alike.

use qrcode::{Color, EcLevel};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrStyle {
    /// Two modules per character cell (`▀`, `▄`, `█`).
    #[default]
    Half,
    /// One module per two character cells, for fonts that leave gaps between lines.
    Full,
}

impl QrStyle {
    /// Columns per module: 1 for half blocks, 2 for full blocks.
    pub fn scale(self) -> u16 {
        match self {
            QrStyle::Half => 1,
            QrStyle::Full => 2,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QrStyle::Half => "half blocks",
            QrStyle::Full => "full blocks",
        }
    }
}

/// Light modules around the code, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;

/// A code's modules. `Debug` shows its version and level, never the modules: they carry the
/// link.
#[derive(Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side, without the quiet zone.
    size: usize,
    dark: Vec<bool>,
    ec: char,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the text is too long for a QR code")]
    TooLong,
}

impl std::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QrMatrix(v{}, EC {})", self.version(), self.ec)
    }
}

/// The codes a link can be drawn as, encoded once when the link is shown (drawing only reads
/// them): level M, and level L, smaller, for when M does not fit. Either is missing when the link
/// is too long for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCodes {
    m: Option<QrMatrix>,
    l: Option<QrMatrix>,
}

impl LinkCodes {
    pub fn encode(text: &str) -> LinkCodes {
        LinkCodes {
            m: QrMatrix::encode(text, 'M').ok(),
            l: QrMatrix::encode(text, 'L').ok(),
        }
    }

    /// The codes to choose from, level M first.
    pub fn iter(&self) -> impl Iterator<Item = &QrMatrix> {
        self.m.iter().chain(self.l.iter())
    }

    /// The smallest code (level L); `None` when the link is too long for any code.
    pub fn smallest(&self) -> Option<&QrMatrix> {
        self.l.as_ref().or(self.m.as_ref())
    }
}

impl QrMatrix {
    /// Encodes `text` at error correction M (`'M'`) or L (`'L'`).
    pub fn encode(text: &str, ec: char) -> Result<QrMatrix, QrError> {
        let level = if ec == 'L' { EcLevel::L } else { EcLevel::M };
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), level)
            .map_err(|_| QrError::TooLong)?;
        Ok(QrMatrix {
            size: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
            ec: if ec == 'L' { 'L' } else { 'M' },
        })
    }

    /// Modules per side including the quiet zone.
    pub fn full_width(&self) -> usize {
        self.size + 2 * QUIET_ZONE
    }

    /// The QR version (1..=40).
    pub fn version(&self) -> usize {
        (self.size - 17) / 4
    }

    /// The error correction level, `'M'` or `'L'`.
    pub fn ec_level(&self) -> char {
        self.ec
    }

    /// Whether the module at (x, y), counted from the outer corner of the quiet zone, is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let (Some(cx), Some(cy)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        cx < self.size && cy < self.size && self.dark[cy * self.size + cx]
    }

    /// Character cells (columns, rows) the code takes with its quiet zone, in a style.
    pub fn cells(&self, style: QrStyle) -> (u16, u16) {
        self.cells_at(style.scale())
    }

    /// Cells at a scale: each module `scale` columns wide and `scale` half-rows tall (a terminal
    /// cell is about twice as tall as wide, so a half-row is square). Scale 1 is half blocks,
    /// scale 2 full blocks.
    pub fn cells_at(&self, scale: u16) -> (u16, u16) {
        let px = self.full_width() as u16 * scale;
        (px, px.div_ceil(2))
    }

    /// The largest scale (at least the style's) at which the code fits, if any. With the full
    /// style only even scales are used, so no half-block glyph is drawn.
    pub fn largest_scale(&self, style: QrStyle, cols: u16, rows: u16) -> Option<u16> {
        let step = style.scale();
        let mut best = None;
        let mut s = step;
        while s <= 16 {
            let (c, r) = self.cells_at(s);
            if c > cols || r > rows {
                break;
            }
            best = Some(s);
            s += step;
        }
        best
    }

    /// The code as lines of text, quiet zone included. Dark modules are the glyphs (`█▀▄`), light
    /// ones spaces: paint them with a dark foreground on a light background (swap the two colours
    /// to invert).
    pub fn lines(&self, style: QrStyle) -> Vec<String> {
        self.lines_at(style.scale() as usize)
    }

    pub fn lines_at(&self, scale: usize) -> Vec<String> {
        let scale = scale.max(1);
        let px = self.full_width() * scale;
        let dark = |x: usize, y: usize| y < px && self.is_dark(x / scale, y / scale);
        (0..px.div_ceil(2))
            .map(|row| {
                (0..px)
                    .map(|x| match (dark(x, 2 * row), dark(x, 2 * row + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect()
    }

    /// The code for a plain terminal (the `link --qr` output): half blocks, black on white with
    /// explicit 256-colour codes, each line reset at its end.
    pub fn ansi(&self) -> String {
        let mut out = String::new();
        for line in self.lines(QrStyle::Half) {
            out.push_str("\x1b[38;5;16;48;5;231m");
            out.push_str(&line);
            out.push_str("\x1b[0m\n");
        }
        out
    }
}

/// Pixels per module in PNG exports: prints crisply and scans from paper.
pub const PNG_MODULE_PX: u32 = 10;

impl QrMatrix {
    /// A greyscale PNG: black modules on white, quiet zone included, `PNG_MODULE_PX` per module.
    pub fn png(&self) -> Vec<u8> {
        let w = self.full_width() as u32 * PNG_MODULE_PX;
        let mut pixels = Vec::with_capacity((w * w) as usize);
        for y in 0..w {
            for x in 0..w {
                let dark = self.is_dark((x / PNG_MODULE_PX) as usize, (y / PNG_MODULE_PX) as usize);
                pixels.push(if dark { 0u8 } else { 255u8 });
            }
        }
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, w);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().expect("in-memory PNG header");
            writer
                .write_image_data(&pixels)
                .expect("in-memory PNG data");
        }
        out
    }
}

/// Writes the code for `text` (level M) as a PNG file.
///
/// The code carries a live link token, so the file is always created fresh, readable by its
/// owner only (0600 on Unix): the PNG goes to a new temporary file in the same folder (created
/// exclusively, so nothing there is followed or reused), which is then renamed over `path`. An
/// existing file at `path` keeps neither its permissions nor its contents, and a symbolic link
/// there is replaced, not followed.
pub fn save_png(text: &str, path: &std::path::Path) -> Result<(), String> {
    use std::io::Write;
    let q = QrMatrix::encode(text, 'M').map_err(|e| e.to_string())?;
    let shown = |e: std::io::Error| format!("{}: {e}", path.display());
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temp).and_then(|mut f| {
        f.write_all(&q.png())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(shown(e));
    }
    Ok(())
}

/// Reads the pixel grid (two per cell vertically) back from lines drawn by [`QrMatrix::lines`],
/// whatever the scale: what a camera would see. The tests decode the screen with it.
pub fn modules_from_lines(lines: &[String]) -> Vec<Vec<bool>> {
    let mut grid = Vec::new();
    for line in lines {
        let (top, bottom): (Vec<bool>, Vec<bool>) = line
            .chars()
            .map(|c| match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            })
            .unzip();
        grid.push(top);
        grid.push(bottom);
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_follows_the_version_formula() {
        let q = QrMatrix::encode(
            "https://link.tryvital.io/?token=abc&env=sandbox&region=us",
            'M',
        )
        .unwrap();
        let v = q.version();
        assert_eq!(q.full_width(), 25 + 4 * v);
        assert_eq!(
            q.cells(QrStyle::Half),
            ((25 + 4 * v) as u16, (25 + 4 * v).div_ceil(2) as u16)
        );
        assert_eq!(
            q.cells(QrStyle::Full),
            (2 * (25 + 4 * v) as u16, (25 + 4 * v) as u16)
        );
    }

    #[test]
    fn quiet_zone_is_light() {
        let q = QrMatrix::encode("hello", 'M').unwrap();
        let w = q.full_width();
        for i in 0..w {
            for j in 0..QUIET_ZONE {
                assert!(!q.is_dark(i, j) && !q.is_dark(j, i));
                assert!(!q.is_dark(i, w - 1 - j) && !q.is_dark(w - 1 - j, i));
            }
        }
        assert!(q.is_dark(QUIET_ZONE, QUIET_ZONE), "finder pattern corner");
    }

    #[test]
    fn a_link_has_an_m_and_a_smaller_l_code_or_none() {
        let url = format!(
            "https://link.tryvital.io/?token={}&env=sandbox&region=us",
            "A".repeat(150)
        );
        let codes = LinkCodes::encode(&url);
        let levels: Vec<char> = codes.iter().map(QrMatrix::ec_level).collect();
        assert_eq!(levels, ['M', 'L']);
        let m = QrMatrix::encode(&url, 'M').unwrap();
        let l = codes.smallest().unwrap();
        assert_eq!(l.ec_level(), 'L');
        assert!(l.full_width() < m.full_width());
        let too_long = LinkCodes::encode(&"x".repeat(3000));
        assert!(too_long.smallest().is_none() && too_long.iter().next().is_none());
    }

    #[test]
    fn debug_never_shows_the_modules() {
        let q = QrMatrix::encode("https://link.example/?token=secret", 'M').unwrap();
        assert_eq!(
            format!("{q:?}"),
            format!("QrMatrix(v{}, EC M)", q.version())
        );
    }

    #[test]
    fn full_style_draws_no_half_blocks_and_doubles_width() {
        let q = QrMatrix::encode("full", 'M').unwrap();
        let lines = q.lines(QrStyle::Full);
        assert_eq!(lines.len(), q.full_width());
        assert!(
            lines
                .iter()
                .all(|l| l.chars().all(|c| c == '█' || c == ' '))
        );
        assert_eq!(lines[0].chars().count(), 2 * q.full_width());
        assert_eq!(q.largest_scale(QrStyle::Full, 200, 200), Some(6));
        assert_eq!(q.largest_scale(QrStyle::Half, 200, 200), Some(6));
        let w = q.full_width() as u16;
        assert_eq!(
            q.largest_scale(QrStyle::Half, w * 3, w * 3 / 2 + 1),
            Some(3)
        );
        assert_eq!(
            q.largest_scale(QrStyle::Full, w * 3, w * 3 / 2 + 1),
            Some(2)
        );
        assert_eq!(q.largest_scale(QrStyle::Half, w - 1, 100), None);
    }

    #[cfg(unix)]
    #[test]
    fn save_png_makes_a_fresh_private_file_and_replaces_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.png");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        save_png("https://link.example/?token=a", &path).unwrap();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "not the old 0644");
        assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));

        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let link = dir.path().join("link.png");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        save_png("https://link.example/?token=b", &link).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.is_file(), "the link itself was replaced by a file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                std::path::Path::new(n)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("tmp"))
            })
            .collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");
    }

    #[test]
    fn half_block_text_round_trips_to_modules() {
        let q = QrMatrix::encode("round trip", 'M').unwrap();
        let grid = modules_from_lines(&q.lines(QrStyle::Half));
        for (y, row) in grid.iter().enumerate().take(q.full_width()) {
            for (x, dark) in row.iter().enumerate().take(q.full_width()) {
                assert_eq!(*dark, q.is_dark(x, y), "({x},{y})");
            }
        }
    }
}
