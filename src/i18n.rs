//! What the patient reads, in the patient's language: Project Fluent resources, one file per
//! language under `assets/i18n/` (compiled in), each language with its own plural rules. Staff
//! text stays English; only what is meant for the patient goes through here.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

/// A language the patient can read the console in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "pt-BR")]
    PtBr,
}

impl Language {
    /// Every language, in the order `L` cycles them.
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Es,
        Language::Fr,
        Language::De,
        Language::PtBr,
    ];

    /// The BCP 47 tag (`en`, `pt-BR`), as the config file, `--language` and the audit log
    /// write it.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Fr => "fr",
            Language::De => "de",
            Language::PtBr => "pt-BR",
        }
    }

    /// The language's own name (`Español`), as staff see it in the details.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Es => "Español",
            Language::Fr => "Français",
            Language::De => "Deutsch",
            Language::PtBr => "Português (Brasil)",
        }
    }

    /// A tag as a person types it (any case, `_` or `-`; `pt` alone is Brazilian Portuguese).
    pub fn parse(s: &str) -> Option<Language> {
        let t = s.trim().replace('_', "-").to_ascii_lowercase();
        let t = if t == "pt" { "pt-br".to_string() } else { t };
        Language::ALL
            .into_iter()
            .find(|l| l.tag().to_ascii_lowercase() == t)
    }

    /// The next language, as `L` cycles.
    #[must_use]
    pub fn next(self) -> Language {
        let i = Language::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Language::ALL[(i + 1) % Language::ALL.len()]
    }

    /// The tags, for messages that list them: `en, es, fr, de, pt-BR`.
    pub fn tags() -> String {
        Language::ALL.map(Language::tag).join(", ")
    }

    fn source(self) -> &'static str {
        match self {
            Language::En => include_str!("../assets/i18n/en.ftl"),
            Language::Es => include_str!("../assets/i18n/es.ftl"),
            Language::Fr => include_str!("../assets/i18n/fr.ftl"),
            Language::De => include_str!("../assets/i18n/de.ftl"),
            Language::PtBr => include_str!("../assets/i18n/pt-BR.ftl"),
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

static BUNDLES: LazyLock<HashMap<Language, FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Language::ALL
        .into_iter()
        .map(|lang| (lang, bundle(lang)))
        .collect()
});

fn bundle(lang: Language) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.tag().parse().expect("the tags are valid");
    let resource = FluentResource::try_new(lang.source().to_string())
        .unwrap_or_else(|(_, errors)| panic!("assets/i18n/{lang}.ftl: {errors:?}"));
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // A terminal shows the Unicode isolation marks Fluent puts around placeables as junk.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("assets/i18n/{lang}.ftl: {errors:?}"));
    bundle
}

/// An argument of a message: a number picks the plural form (`{ $minutes }` → "1 minute",
/// "5 minutes"), a string is put in as it is.
pub enum Arg<'a> {
    Num(i64),
    Str(&'a str),
}

/// The message `id` in `lang` with `args`; the English text where `lang` lacks it (a test
/// checks none does), and the id itself if English lacks it too.
pub fn text(lang: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    format_in(lang, id, args)
        .or_else(|| format_in(Language::En, id, args))
        .unwrap_or_else(|| id.to_string())
}

fn format_in(lang: Language, id: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
    let bundle = BUNDLES.get(&lang)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, arg) in args {
        let value = match arg {
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Str(s) => FluentValue::from(*s),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| out.into_owned())
}

/// The ids and the placeables (`$name`) of every message in `lang`'s file, for the check that
/// every language has every message with the same placeables.
pub fn messages(lang: Language) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in lang.source().lines() {
        let starts_message = line
            .split_once('=')
            .is_some_and(|(id, _)| !line.starts_with([' ', '#', '\t']) && !id.trim().is_empty());
        if starts_message {
            out.extend(current.take());
            let (id, _) = line.split_once('=').expect("checked above");
            current = Some((id.trim().to_string(), Vec::new()));
        }
        if let Some((_, vars)) = current.as_mut() {
            vars.extend(placeables(line));
            vars.sort();
            vars.dedup();
        }
    }
    out.extend(current);
    out.sort();
    out
}

/// The `$name`s a line of Fluent names.
fn placeables(line: &str) -> Vec<String> {
    line.split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_with_the_same_placeables() {
        let english = messages(Language::En);
        assert!(!english.is_empty());
        for lang in Language::ALL {
            assert_eq!(messages(lang), english, "assets/i18n/{lang}.ftl");
            for (id, vars) in &english {
                let args: Vec<(&str, Arg<'_>)> =
                    vars.iter().map(|v| (v.as_str(), Arg::Num(2))).collect();
                assert!(
                    format_in(lang, id, &args).is_some(),
                    "{lang}: {id} does not format"
                );
            }
        }
    }

    #[test]
    fn every_file_parses_without_errors() {
        for lang in Language::ALL {
            let parsed = FluentResource::try_new(lang.source().to_string());
            assert!(parsed.is_ok(), "assets/i18n/{lang}.ftl: {:?}", parsed.err());
        }
    }

    #[test]
    fn tags_parse_as_people_type_them_and_l_cycles_back() {
        assert_eq!(Language::parse("ES"), Some(Language::Es));
        assert_eq!(Language::parse("pt_br"), Some(Language::PtBr));
        assert_eq!(Language::parse("pt"), Some(Language::PtBr));
        assert_eq!(Language::parse("it"), None);
        let mut l = Language::En;
        for _ in 0..Language::ALL.len() {
            l = l.next();
        }
        assert_eq!(l, Language::En);
    }

    #[test]
    fn the_language_name_reads_in_each_language() {
        assert_eq!(text(Language::Es, "language-name", &[]), "Español");
        assert_eq!(
            text(Language::PtBr, "language-name", &[]),
            "Português (Brasil)"
        );
        assert_eq!(
            text(Language::En, "no-such-message", &[]),
            "no-such-message"
        );
    }
}
