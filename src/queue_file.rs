//! The queue file of `vital-onboard --queue FILE`: one patient id a row, read with the `csv`
//! crate. When the first row has a cell named `client_user_id` (any case) it is a header and
//! that column holds the ids; otherwise the first column does, so a plain list of ids, one a
//! line, works. A byte-order mark, CRLF line ends, quotes and blank lines are handled;
//! duplicates are dropped and counted. A file that is not UTF-8, or has a row without the id
//! column, is refused with its line number; one over [`MAX_BYTES`] or [`MAX_IDS`] ids with
//! its size. Pure: [`parse`] reads bytes; [`read`] reads a file, bounded.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// The largest file read.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The most ids one queue file may hold.
pub const MAX_IDS: usize = 100_000;

/// The ids a queue file gave, in file order, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFile {
    pub ids: Vec<String>,
    /// Rows whose id came earlier in the file (dropped).
    pub duplicates: usize,
    /// The first row was a header naming `client_user_id`.
    pub header: bool,
}

/// Why a queue file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is {} ({} bytes): at most 10 MB is read", mb(*bytes), crate::text::thousands(*bytes as usize))]
    TooLarge { bytes: u64 },
    #[error("the file holds {} ids: at most {} in one queue", crate::text::thousands(*count), crate::text::thousands(MAX_IDS))]
    TooMany { count: usize },
    #[error("line {line} is not UTF-8 text: save the file as UTF-8 (CSV UTF-8)")]
    NotUtf8 { line: u64 },
    #[error("line {line} has no column {column} (the client_user_id column of the header)")]
    NoColumn { line: u64, column: usize },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error(
        "the file holds no ids: one client_user_id a line, or a CSV with a client_user_id column"
    )]
    Empty,
    #[error("cannot read the file: {0}")]
    Io(String),
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The ids of the queue file `bytes`.
pub fn parse(bytes: &[u8]) -> Result<QueueFile, FileError> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(FileError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let before = &bytes[..e.valid_up_to()];
        let line = before.split(|b| *b == b'\n').count() as u64;
        return Err(FileError::NotUtf8 { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut column = 0;
    let mut header = false;
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = QueueFile {
        ids: Vec::new(),
        duplicates: 0,
        header: false,
    };
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FileError::Csv {
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        if i == 0
            && let Some(c) = record
                .iter()
                .position(|cell| cell.trim().eq_ignore_ascii_case("client_user_id"))
        {
            column = c;
            header = true;
            continue;
        }
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // a blank line, or a row of empty cells
        }
        let Some(cell) = record.get(column) else {
            return Err(FileError::NoColumn {
                line,
                column: column + 1,
            });
        };
        let id = cell.trim();
        if id.is_empty() {
            return Err(FileError::NoColumn {
                line,
                column: column + 1,
            });
        }
        if seen.contains(id) {
            out.duplicates += 1;
            continue;
        }
        if out.ids.len() == MAX_IDS {
            seen.insert(id.to_string());
            return Err(FileError::TooMany {
                count: MAX_IDS + 1 + count_rest(&mut reader, column, &seen),
            });
        }
        seen.insert(id.to_string());
        out.ids.push(id.to_string());
    }
    if out.ids.is_empty() {
        return Err(FileError::Empty);
    }
    out.header = header;
    Ok(out)
}

/// The distinct ids left in `reader` that are not in `seen` (to say how many the file holds).
fn count_rest(reader: &mut csv::Reader<&[u8]>, column: usize, seen: &HashSet<String>) -> usize {
    let mut more: HashSet<String> = HashSet::new();
    for record in reader.records().flatten() {
        if let Some(id) = record.get(column).map(str::trim)
            && !id.is_empty()
            && !seen.contains(id)
        {
            more.insert(id.to_string());
        }
    }
    more.len()
}

/// The queue file at `path`, read bounded (a file over [`MAX_BYTES`] is refused unread).
pub fn read(path: &Path) -> Result<QueueFile, FileError> {
    let file = std::fs::File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let len = file.metadata().map_or(0, |m| m.len());
    if len > MAX_BYTES {
        return Err(FileError::TooLarge { bytes: len });
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::Io(e.to_string()))?;
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        parse(text.as_bytes()).unwrap().ids
    }

    #[test]
    fn a_plain_list_one_id_a_line() {
        assert_eq!(ids("p1\np2\np3\n"), ["p1", "p2", "p3"]);
        assert!(!parse(b"p1\np2").unwrap().header);
    }

    #[test]
    fn a_header_names_the_column_in_any_case() {
        let f = parse(b"name,Client_User_ID,site\nAnn,p1,north\nBob,p2,south\n").unwrap();
        assert!(f.header);
        assert_eq!(f.ids, ["p1", "p2"]);
        // Without that header the first column holds the ids.
        assert_eq!(ids("id,site\np1,north\n"), ["id", "p1"]);
    }

    #[test]
    fn bom_crlf_quotes_and_blank_lines() {
        let text = "\u{feff}client_user_id\r\n\"p,1\"\r\n\r\n  \r\n\"p \"\"2\"\"\"\r\np3";
        assert_eq!(ids(text), ["p,1", "p \"2\"", "p3"]);
        assert_eq!(ids("\u{feff}p1\n"), ["p1"], "a BOM before a plain list");
    }

    #[test]
    fn duplicates_are_dropped_and_counted() {
        let f = parse(b"p1\np2\np1\n p2 \np3\n").unwrap();
        assert_eq!(f.ids, ["p1", "p2", "p3"]);
        assert_eq!(f.duplicates, 2);
    }

    #[test]
    fn ten_thousand_rows() {
        let mut text = String::from("client_user_id,note\n");
        for i in 0..10_000 {
            text.push_str(&format!("patient-{i:05},x\n"));
        }
        text.push_str("patient-00042,again\n");
        let f = parse(text.as_bytes()).unwrap();
        assert_eq!(f.ids.len(), 10_000);
        assert_eq!(f.ids[9_999], "patient-09999");
        assert_eq!(f.duplicates, 1);
    }

    #[test]
    fn not_utf8_is_refused_with_its_line() {
        let e = parse(b"p1\np2\np\xe93\n").unwrap_err();
        assert_eq!(e, FileError::NotUtf8 { line: 3 });
        assert!(e.to_string().starts_with("line 3 is not UTF-8"));
    }

    #[test]
    fn a_row_without_the_column_is_refused_with_its_line() {
        let e = parse(b"site,client_user_id\nnorth,p1\nsouth\n").unwrap_err();
        assert_eq!(e, FileError::NoColumn { line: 3, column: 2 });
        assert_eq!(parse(b"\n\n").unwrap_err(), FileError::Empty);
        assert_eq!(parse(b"client_user_id\n").unwrap_err(), FileError::Empty);
    }

    #[test]
    fn too_large_or_too_many_is_refused_with_its_size() {
        let big = vec![b'a'; (MAX_BYTES + 1) as usize];
        let e = parse(&big).unwrap_err();
        assert_eq!(
            e,
            FileError::TooLarge {
                bytes: MAX_BYTES + 1
            }
        );
        assert!(e.to_string().contains("10.0 MB (10,485,761 bytes)"), "{e}");
        let mut text = String::new();
        for i in 0..=MAX_IDS + 1 {
            text.push_str(&format!("{i}\n"));
        }
        let e = parse(text.as_bytes()).unwrap_err();
        assert_eq!(e, FileError::TooMany { count: MAX_IDS + 2 });
        assert!(e.to_string().contains("100,002 ids"), "{e}");
    }

    #[test]
    fn read_refuses_a_large_file_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.csv");
        std::fs::write(&path, "p1\r\np2\r\n").unwrap();
        assert_eq!(read(&path).unwrap().ids, ["p1", "p2"]);
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_BYTES + 10).unwrap();
        assert_eq!(
            read(&path).unwrap_err(),
            FileError::TooLarge {
                bytes: MAX_BYTES + 10
            }
        );
    }
}
