//! The config file's `[[preset]]` entries: what a preset means as link choices
//! ([`Preset::link_options`]), the linter behind `presets check` ([`lint`], each problem with
//! the file's line number), and saving a new preset into the file with `toml_edit`, keeping the
//! comments and order of what is there ([`save`]).

use std::path::Path;

use serde_json::json;

use super::config::Preset;
use crate::link::{self, LinkOptions, catalog};

impl Preset {
    /// The link choices this preset stands for (slugs lower case, as on the wire).
    pub fn link_options(&self) -> LinkOptions {
        let norm = |s: &String| s.trim().to_lowercase();
        LinkOptions {
            provider: self.provider.as_ref().map(norm),
            allowlist: self.providers.as_deref().map(link::slug_list),
            redirect_url: self.redirect_url.clone(),
            on_error_redirect: link::redirects(self.on_error),
            on_close_redirect: link::redirects(self.on_close),
        }
    }

    /// A preset holding these link choices.
    pub fn from_options(name: &str, options: &LinkOptions) -> Preset {
        Preset {
            name: name.to_string(),
            providers: options.allowlist.clone(),
            provider: options.provider.clone(),
            redirect_url: options.redirect_url.clone(),
            on_error: link::redirect_field(options.on_error_redirect),
            on_close: link::redirect_field(options.on_close_redirect),
            environment: None,
        }
    }

    /// One line for `presets` and the console's list: "wearables: oura, fitbit; redirect …".
    pub fn summary(&self) -> String {
        let mut parts = vec![match &self.providers {
            Some(l) => l.join(", "),
            None => "all linkable providers".to_string(),
        }];
        if let Some(p) = &self.provider {
            parts.push(format!("direct {p}"));
        }
        if let Some(u) = &self.redirect_url {
            parts.push(format!("redirect {u}"));
        }
        if self.on_error.is_some() {
            parts.push("on error: redirect".into());
        }
        if self.on_close.is_some() {
            parts.push("on close: redirect".into());
        }
        if let Some(e) = &self.environment {
            parts.push(format!("for {e}"));
        }
        parts.join("; ")
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!(self)
    }
}

/// One thing wrong with a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the config file.
    pub line: usize,
    /// Which preset (0-based, in file order): names may repeat.
    pub index: usize,
    pub preset: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: preset {:?}: {}",
            self.line, self.preset, self.message
        )
    }
}

/// The line ranges of each `[[preset]]` table in `text`: (header line, first line after it).
fn preset_spans(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let headers: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim().starts_with('['))
        .map(|(i, _)| i)
        .collect();
    headers
        .iter()
        .enumerate()
        .filter(|(_, i)| lines[**i].trim().replace(' ', "") == "[[preset]]")
        .map(|(n, i)| (*i + 1, headers.get(n + 1).map_or(lines.len(), |j| *j) + 1))
        .collect()
}

/// The line of `key = …` in the `index`-th preset, else its header line.
fn field_line(text: &str, spans: &[(usize, usize)], index: usize, key: &str) -> usize {
    let Some(&(header, end)) = spans.get(index) else {
        return 1;
    };
    text.lines()
        .enumerate()
        .skip(header)
        .take(end.saturating_sub(header + 1))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(header, |(i, _)| i + 1)
}

/// Every problem of every preset, in file order. `text` is the file the presets came from.
pub fn lint(text: &str, presets: &[Preset]) -> Vec<Problem> {
    let spans = preset_spans(text);
    let mut out = Vec::new();
    for (i, p) in presets.iter().enumerate() {
        let mut add = |key: &str, message: String| {
            out.push(Problem {
                line: field_line(text, &spans, i, key),
                index: i,
                preset: p.name.clone(),
                message,
            });
        };
        if p.name.trim().is_empty() {
            add("name", "the name is empty".into());
        }
        if presets[..i].iter().any(|q| q.name == p.name) {
            add(
                "name",
                format!("the name {:?} is used by an earlier preset", p.name),
            );
        }
        let options = p.link_options();
        match &options.allowlist {
            Some(list) if list.is_empty() => add(
                "providers",
                "the provider list is empty: name at least one, or leave `providers` out to allow all"
                    .into(),
            ),
            Some(list) => {
                for slug in list {
                    if let Some(m) = slug_problem(slug) {
                        add("providers", m);
                    }
                }
            }
            None => {}
        }
        if let Some(slug) = &options.provider
            && let Some(m) = slug_problem(slug)
        {
            add("provider", m);
        }
        // The rule `link`, `m` and `S` refuse it by.
        if let Some(m) = options.direct_provider_problem() {
            add("provider", m);
        }
        match &p.redirect_url {
            Some(u) => {
                if let Err(e) = link::check_redirect_url(u) {
                    add("redirect_url", e);
                }
            }
            None if p.on_error.is_some() || p.on_close.is_some() => add(
                if p.on_error.is_some() {
                    "on_error"
                } else {
                    "on_close"
                },
                "a redirect option is on but there is no redirect_url to go to".into(),
            ),
            None => {}
        }
        if let Some(env) = &p.environment
            && !matches!(env.as_str(), "sandbox" | "production")
        {
            add(
                "environment",
                format!("environment {env:?} is neither \"sandbox\" nor \"production\""),
            );
        }
    }
    out
}

/// What is wrong with a slug in a preset: unknown (with the closest), SDK-only, deprecated.
fn slug_problem(slug: &str) -> Option<String> {
    if let Err(e) = link::check_slug(slug) {
        return Some(e);
    }
    let entry = catalog::get(slug)?;
    if !entry.can_link() {
        return Some(format!(
            "{slug} ({}) connects only from the mobile app (SDK): Link cannot offer it",
            entry.name
        ));
    }
    entry
        .deprecated
        .then(|| format!("{slug} ({}) is deprecated", entry.name))
}

/// Appends `preset` to the config file at `path` (created if missing), keeping its comments
/// and order. Refuses a name already used.
pub fn save(path: &Path, preset: &Preset) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let new = with_preset(&text, preset)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, new).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The config text with `preset` appended as a new `[[preset]]` table.
pub fn with_preset(text: &str, preset: &Preset) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("the config file is not valid: {e}"))?;
    let exists = doc
        .get("preset")
        .and_then(toml_edit::Item::as_array_of_tables)
        .is_some_and(|a| {
            a.iter().any(|t| {
                t.get("name").and_then(toml_edit::Item::as_str) == Some(preset.name.as_str())
            })
        });
    if exists {
        return Err(format!("a preset named {:?} exists already", preset.name));
    }
    let mut table = toml_edit::Table::new();
    // A blank line before the new table, as a person would leave one.
    table.decor_mut().set_prefix("\n");
    table.insert("name", toml_edit::value(preset.name.as_str()));
    if let Some(list) = &preset.providers {
        let array: toml_edit::Array = list.iter().map(String::as_str).collect();
        table.insert("providers", toml_edit::value(array));
    }
    let strings = [
        ("provider", preset.provider.as_deref()),
        ("redirect_url", preset.redirect_url.as_deref()),
        ("on_error", preset.on_error.map(|_| "redirect")),
        ("on_close", preset.on_close.map(|_| "redirect")),
        ("environment", preset.environment.as_deref()),
    ];
    for (key, value) in strings {
        if let Some(v) = value {
            table.insert(key, toml_edit::value(v));
        }
    }
    if let Some(item) = doc.get_mut("preset") {
        item.as_array_of_tables_mut()
            .ok_or("`preset` in the config file is not a list of [[preset]] tables")?
            .push(table);
    } else {
        let mut array = toml_edit::ArrayOfTables::new();
        array.push(table);
        doc.insert("preset", toml_edit::Item::ArrayOfTables(array));
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RedirectBehaviour;
    use crate::setup::config::Config;

    const FILE: &str = r#"# The clinic's settings
clinic_name = "Northside"

[[preset]]
name = "wearables"
providers = ["oura", "fitbt", "apple_health_kit", "google_fit"]

[[preset]]
# redirect options with no URL
name = "broken"
providers = []
on_close = "redirect"

[[preset]]
name = "wearables"
redirect_url = "ftp://example.com"
"#;

    #[test]
    fn lint_names_every_problem_with_its_line() {
        let c = Config::parse(FILE, Path::new("c.toml")).unwrap();
        let problems: Vec<String> = lint(FILE, &c.preset)
            .iter()
            .map(ToString::to_string)
            .collect();
        let expect = [
            "line 6: preset \"wearables\": unknown provider \"fitbt\": did you mean \"fitbit\"?",
            "line 6: preset \"wearables\": apple_health_kit",
            "line 6: preset \"wearables\": google_fit (Google Fit) is deprecated",
            "line 11: preset \"broken\": the provider list is empty",
            "line 12: preset \"broken\": a redirect option is on",
            "line 15: preset \"wearables\": the name \"wearables\" is used by an earlier preset",
            "line 16: preset \"wearables\": the redirect URL must be an absolute http(s) URL",
        ];
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        for (got, want) in problems.iter().zip(expect) {
            assert!(got.starts_with(want), "{got} vs {want}");
        }
    }

    #[test]
    fn the_shipped_example_parses_and_is_clean() {
        // Its presets are commented out: checked as a user who sets them would have them.
        let text = crate::setup::config::tests::example_uncommented();
        let c = Config::parse(&text, Path::new("config.example.toml")).unwrap();
        assert_eq!(c.preset.len(), 2);
        assert_eq!(lint(&text, &c.preset), vec![]);
    }

    #[test]
    fn a_direct_provider_outside_the_providers_is_a_problem() {
        let text = "[[preset]]\nname = \"cgm\"\nproviders = [\"oura\"]\nprovider = \"dexcom_v3\"\n";
        let c = Config::parse(text, Path::new("c")).unwrap();
        let problems: Vec<String> = lint(text, &c.preset)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "line 4: preset \"cgm\": the direct provider dexcom_v3 is not in the allowlist, so it cannot be offered: add it there, or choose no direct provider"
            ]
        );
        assert_eq!(
            c.preset[0].link_options().check().unwrap_err(),
            problems[0]
                .split(": ")
                .skip(2)
                .collect::<Vec<_>>()
                .join(": "),
            "the lint and the check say it alike"
        );
    }

    #[test]
    fn a_clean_preset_has_no_problem() {
        let text = "[[preset]]\nname = \"ok\"\nproviders = [\"Oura\"]\nredirect_url = \"https://e.com\"\non_error = \"redirect\"\n";
        let c = Config::parse(text, Path::new("c")).unwrap();
        assert_eq!(lint(text, &c.preset), vec![]);
    }

    #[test]
    fn saving_keeps_comments_and_order_and_refuses_a_taken_name() {
        let p = Preset {
            name: "dexcom".into(),
            providers: Some(vec!["dexcom_v3".into()]),
            redirect_url: Some("https://e.com/done".into()),
            on_close: Some(RedirectBehaviour::Redirect),
            ..Preset::default()
        };
        let out = with_preset(FILE, &p).unwrap();
        assert!(out.starts_with(FILE), "{out}");
        assert!(out.ends_with(
            "[[preset]]\nname = \"dexcom\"\nproviders = [\"dexcom_v3\"]\nredirect_url = \"https://e.com/done\"\non_close = \"redirect\"\n"
        ), "{out}");
        let back = Config::parse(&out, Path::new("c")).unwrap();
        assert_eq!(back.preset.last(), Some(&p));
        assert!(
            with_preset(
                FILE,
                &Preset {
                    name: "broken".into(),
                    ..Preset::default()
                }
            )
            .is_err()
        );
        let fresh = with_preset("", &p).unwrap();
        assert_eq!(
            Config::parse(&fresh, Path::new("c")).unwrap().preset,
            vec![p]
        );
    }
}
