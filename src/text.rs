//! Small text helpers shared by the command line and the console.

/// Removes control characters (including ESC, so no terminal escape sequence survives) from a
/// string that came from the network, before it is drawn or printed. Tabs and newlines become spaces.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect()
}

/// Cuts `s` to at most `max` characters, marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
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

    #[test]
    fn sanitize_strips_escapes() {
        assert_eq!(sanitize("a\x1b[31mred\x07\tb\nc"), "a[31mred b c");
        assert_eq!(sanitize("Zoë ✓"), "Zoë ✓");
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
}
