//! A `JUnit` XML report, the format CI servers read: `testsuites` > `testsuite` > `testcase`, a
//! failing case holding a `failure` (its first reason as `message`, every reason as text), what
//! the patient will see as the case's `system-out`.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub seconds: f64,
    /// The message and the full text.
    pub failure: Option<(String, String)>,
    pub output: Option<String>,
}

/// The whole document for one suite.
pub fn report(suite: &str, cases: &[Case], at: DateTime<Utc>) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let seconds: f64 = cases.iter().map(|c| c.seconds).sum();
    let head = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\"",
        cases.len()
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"vital-onboard\" {head}>\n  <testsuite name=\"{}\" {head} skipped=\"0\" timestamp=\"{}\">\n",
        escape(suite),
        at.format("%Y-%m-%dT%H:%M:%S")
    ));
    for c in cases {
        xml.push_str(&format!(
            "    <testcase classname=\"presets\" name=\"{}\" time=\"{:.3}\"",
            escape(&c.name),
            c.seconds
        ));
        if c.failure.is_none() && c.output.is_none() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        if let Some((message, text)) = &c.failure {
            xml.push_str(&format!(
                "      <failure message=\"{}\" type=\"preset\">{}</failure>\n",
                escape(message),
                escape(text)
            ));
        }
        if let Some(out) = &c.output {
            xml.push_str(&format!("      <system-out>{}</system-out>\n", escape(out)));
        }
        xml.push_str("    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text for an attribute or an element: the five markup characters as entities, and the
/// characters XML 1.0 cannot hold (controls other than tab, newline, return) left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
