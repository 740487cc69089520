//! Small text helpers shared by the command line and the console, and the one sanitizer every
//! string from the network goes through before it is printed or drawn ([`sanitize`]).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Whether `c` is an invisible formatting character that can reorder or hide text on screen:
/// bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069, U+061C, U+200E/200F),
/// zero-width characters (U+200B–200D, U+2060–2064, U+FEFF), and other invisible format
/// characters (U+180E, U+206A–206F).
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Whether `c` is a character the sanitizer never lets through: C0 and C1 controls, DEL, the
/// line and paragraph separators (U+2028/2029), and [`is_invisible_format`] characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}' || is_invisible_format(c)
}

/// Makes a string that came from the network safe to print or draw on one line.
///
/// - Whole terminal escape sequences are removed: CSI (`ESC [ … final`, or C1 `U+009B`), OSC,
///   DCS, SOS, PM and APC strings (up to their terminator `BEL`/`ESC \`/`U+009C`, or the end),
///   and two-character escapes (`ESC c`, `ESC 7`). So `ESC [2J` leaves nothing, not `[2J`.
/// - Tabs, newlines, carriage returns and U+2028/2029 become spaces.
/// - Every other C0/C1 control and DEL is dropped, and so are bidi and zero-width controls
///   ([`is_invisible_format`]), which would shift table columns and console rows.
///
/// The output never contains a character for which [`is_unsafe`] holds.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                Some(n) if (' '..='/').contains(&n) => {
                    // ESC, intermediates, one final byte (`ESC ( B`).
                    while chars.peek().is_some_and(|n| (' '..='/').contains(n)) {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|n| ('0'..='~').contains(n)) {
                        chars.next();
                    }
                }
                Some(n) if ('0'..='~').contains(&n) => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips the rest of a CSI sequence: parameter bytes, intermediate bytes and the final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&n) = chars.peek() {
        if ('0'..='?').contains(&n) || (' '..='/').contains(&n) {
            chars.next();
        } else {
            if ('@'..='~').contains(&n) {
                chars.next();
            }
            return;
        }
    }
}

/// Skips an OSC/DCS/SOS/PM/APC string up to and including its terminator (BEL, `ESC \` or ST).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(n) = chars.next() {
        match n {
            '\x07' | '\u{9c}' => return,
            '\x1b' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// A network string for one line of output: [`sanitize`]d, runs of spaces collapsed, trimmed
/// and cut to at most `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    let clean = sanitize(s);
    let collapsed = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&collapsed, max)
}

/// [`sanitize`]s every string in a JSON value, keys included, for `--json` output: serde
/// escapes controls, but a reader that prints the decoded strings (`jq -r`) would pass escape
/// sequences and bidi controls to the terminal.
pub fn sanitize_json(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) if s.chars().any(is_unsafe) => *s = sanitize(s),
        Value::Array(items) => items.iter_mut().for_each(sanitize_json),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut item) in old {
                sanitize_json(&mut item);
                map.insert(sanitize(&k), item);
            }
        }
        _ => {}
    }
}

/// Cuts `s` to at most `max` terminal columns (display width: a CJK or emoji character takes
/// two), marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    // Bounded in columns and in characters (zero-width ones take no column).
    if s.width() <= max && s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let (mut used, mut count) = (0, 0);
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max || count + 2 > max {
            break;
        }
        used += w;
        count += 1;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` shortened on purpose to at most `max` terminal columns, the cut marked `…`: whole when it
/// fits; else cut at the last space that keeps more than half the room, so no word is cut; else
/// (one long word: a URL, an id) cut inside that word. Always a prefix of `s` plus `…`, so
/// styled text can be cut at the same place.
pub fn shorten(s: &str, max: usize) -> String {
    if s.width() <= max && s.chars().count() <= max {
        return s.to_string();
    }
    let cut = truncate(s, max);
    let kept = cut.strip_suffix('…').unwrap_or(&cut);
    // The cut falls between two words: keep them whole.
    if s[kept.len()..].starts_with(' ') {
        return format!("{}…", kept.trim_end());
    }
    match kept.rfind(' ') {
        Some(space) if kept[..space].trim_end().width() * 2 > max => {
            format!("{}…", kept[..space].trim_end())
        }
        _ => cut,
    }
}

/// `s` on rows of at most `width` columns, broken between words (a word longer than a row is
/// cut inside it), at most `max_rows` rows; what does not fit is shortened on the last row with
/// [`shorten`].
pub fn wrap_words(s: &str, width: usize, max_rows: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() && rows.len() < max_rows {
        if rows.len() + 1 == max_rows || rest.width() <= width {
            rows.push(shorten(rest, width));
            break;
        }
        let first = |n: usize| rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i);
        // A space just after a full row still breaks there.
        let at = match rest[..first(width + 1)].rfind(' ') {
            Some(space) if space > 0 => space,
            _ => first(width),
        };
        rows.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    rows
}

/// `n` with its noun in the number it asks for: `1 row`, `3 rows`, `1,000 rows`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `n` with its thousands grouped: `56,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `s` cut to `width` terminal columns (see [`truncate`]) and padded with spaces to exactly
/// that many: a table cell. Wide (CJK) and emoji characters count two columns.
pub fn cell(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

/// Terminal columns `s` takes.
pub fn width(s: &str) -> usize {
    s.width()
}

/// A string made safe for a file name: letters, digits, `-` and `_` kept, the rest `_`.
pub fn file_safe(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if out.is_empty() {
        "patient".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wrap_words_breaks_between_words_and_shortens_the_last_row() {
        assert_eq!(wrap_words("one two three", 20, 3), ["one two three"]);
        assert_eq!(wrap_words("one two three", 8, 3), ["one two", "three"]);
        assert_eq!(
            wrap_words("one two three four five", 8, 2),
            ["one two", "three…"]
        );
        // A word longer than a row is cut inside it.
        assert_eq!(wrap_words("abcdefghij kl", 5, 3), ["abcde", "fghij", "kl"]);
        assert!(wrap_words("", 10, 3).is_empty());
    }

    #[test]
    fn sanitize_strips_whole_escape_sequences() {
        assert_eq!(sanitize("a\x1b[31mred\x07\tb\nc"), "ared b c");
        assert_eq!(sanitize("Zoë ✓"), "Zoë ✓");
        assert_eq!(sanitize("x\x1b[2Jy"), "xy", "no [2J left behind");
        assert_eq!(sanitize("\x1b]0;evil title\x07ok"), "ok", "OSC 0 with BEL");
        assert_eq!(
            sanitize("\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x1b\\ok"),
            "ok",
            "OSC 52 with ST"
        );
        assert_eq!(sanitize("\u{9b}31mC1\u{9d}0;t\u{9c}!"), "C1!");
        assert_eq!(sanitize("\x1bcreset \x1b(Bok"), "reset ok");
        assert_eq!(sanitize("unterminated \x1b]0;title"), "unterminated ");
    }

    #[test]
    fn sanitize_strips_bidi_and_zero_width() {
        assert_eq!(
            sanitize("abc\u{202E}fed\u{202C} \u{2066}x\u{2069}\u{200B}\u{FEFF}"),
            "abcfed x"
        );
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a b c");
    }

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(one_line("  a \n\n b\t\tc  ", 100), "a b c");
        assert_eq!(one_line(&"x".repeat(1000), 10).chars().count(), 10);
    }

    #[test]
    fn json_strings_are_sanitized() {
        let mut v =
            serde_json::json!({"a\u{202E}": ["x\u{200B}y", 1, {"k": "\u{2066}z\u{1b}[2J"}]});
        sanitize_json(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["xy", 1, {"k": "z"}]}));
    }

    #[test]
    fn file_safe_names() {
        assert_eq!(file_safe("ward 3/bed 7"), "ward_3_bed_7");
        assert_eq!(file_safe(""), "patient");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn shorten_cuts_between_words_and_marks_the_cut() {
        assert_eq!(shorten("fits as it is", 13), "fits as it is");
        // Not "filter: fitb…": the cut never falls inside a word when there is a space to use.
        assert_eq!(
            shorten("1 ticked, hidden by the filter", 20),
            "1 ticked, hidden by…"
        );
        assert_eq!(
            shorten("nothing was sent (--read-only)", 17),
            "nothing was sent…"
        );
        // One long word (a URL, an id) is cut inside, marked.
        assert_eq!(shorten("https://clinic.example/done", 12), "https://cli…");
        // A lone first word before a long one: the long one is cut, not everything.
        assert_eq!(shorten("filter: abcdefghijklmnop", 14), "filter: abcde…");
        for max in 1..30 {
            let s = shorten("Read-only mode: will not mint a link", max);
            assert!(width(&s) <= max, "{max}: {s}");
            assert!(s.ends_with('…'));
            let head = s.strip_suffix('…').unwrap();
            assert!("Read-only mode: will not mint a link".starts_with(head));
        }
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "row", "rows"), "1 row");
        assert_eq!(count(0, "row", "rows"), "0 rows");
        assert_eq!(count(2, "more column", "more columns"), "2 more columns");
        assert_eq!(count(56_000, "line", "lines"), "56,000 lines");
    }

    #[test]
    fn widths_are_display_columns_not_characters() {
        // Each CJK character and this emoji take two columns.
        assert_eq!(width("患者-7"), 6);
        assert_eq!(truncate("患者患者患者", 5), "患者…");
        assert_eq!(cell("患者", 6), "患者  ");
        assert_eq!(cell("🩺x", 4), "🩺x ");
        assert_eq!(width(&cell("患者患者患者", 7)), 7);
    }

    proptest! {
        #[test]
        fn sanitize_never_lets_a_control_through(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_unsafe), "{:?} -> {:?}", s, out);
        }

        #[test]
        fn sanitize_never_lets_a_control_through_escape_heavy(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("\x1b".to_string()), Just("[".to_string()), Just("]".to_string()),
                    Just("\x07".to_string()), Just("\u{9b}".to_string()), Just("\u{9d}".to_string()),
                    Just("\u{202E}".to_string()), Just("\u{200B}".to_string()),
                    Just("\\".to_string()), "[ -~]{0,3}", "\\PC{0,2}",
                ],
                0..40,
            )
        ) {
            let s: String = parts.concat();
            let out = sanitize(&s);
            prop_assert!(!out.chars().any(is_unsafe), "{:?} -> {:?}", s, out);
            prop_assert!(!one_line(&s, 50).chars().any(is_unsafe));
        }

        #[test]
        fn sanitize_keeps_plain_text(s in "[a-zA-Z0-9 .,:/?=&%-]{0,60}") {
            prop_assert_eq!(sanitize(&s), s);
        }
    }
}
