//! What the patient reads about a web link, in the patient's language (through [`crate::i18n`]):
//! the heading, the sentence that says to scan, the time left (whole minutes, seconds under a
//! minute, each language's plural forms), expired, the idle blank, connected, failed. The
//! console's patient-facing view and `link --json` / `--qr` read the same words from here.

use std::time::Duration;

use serde::Serialize;

use crate::i18n::{self, Arg, Language};

/// The heading when the config file names no clinic: "Connect your devices".
pub fn heading(lang: Language) -> String {
    i18n::text(lang, "link-heading", &[])
}

/// "Scan with your phone camera to connect your devices".
pub fn scan(lang: Language) -> String {
    i18n::text(lang, "link-scan", &[])
}

/// Whole minutes left, rounded down: the one rule of every screen that counts minutes (the staff
/// views' "in 58 min", the patient's "58 minutes left" and "works for 58 more minutes", the
/// command line's "58 min from now"), so the staff and the patient read the same number; it
/// agrees with the `58:45` countdowns shown near the end.
pub fn whole_minutes(remaining: Duration) -> u64 {
    remaining.as_secs() / 60
}

fn minutes_arg(remaining: Duration) -> Arg<'static> {
    Arg::Num(i64::try_from(whole_minutes(remaining)).unwrap_or(i64::MAX))
}

/// "12 minutes left", "1 minute left"; under a minute "40 seconds left". Whole minutes as
/// [`whole_minutes`] counts them (58:45 left reads "58 minutes left"); the last fraction of a
/// second still reads "1 second left".
pub fn time_left(lang: Language, remaining: Duration) -> String {
    if whole_minutes(remaining) == 0 {
        let secs = i64::try_from(remaining.as_secs()).unwrap_or(i64::MAX);
        i18n::text(
            lang,
            "link-time-seconds",
            &[("seconds", Arg::Num(secs.max(1)))],
        )
    } else {
        i18n::text(
            lang,
            "link-time-minutes",
            &[("minutes", minutes_arg(remaining))],
        )
    }
}

/// An app code's "The code works for 58 more minutes.", minutes as [`whole_minutes`] counts
/// them; under a minute "40 seconds left".
pub fn app_code_time_left(lang: Language, remaining: Duration) -> String {
    if whole_minutes(remaining) == 0 {
        time_left(lang, remaining)
    } else {
        i18n::text(
            lang,
            "app-code-time-left",
            &[("minutes", minutes_arg(remaining))],
        )
    }
}

/// "This code has expired. Please ask the staff for a new one."
pub fn expired(lang: Language) -> String {
    i18n::text(lang, "link-expired", &[])
}

/// What the idle blank says: "Please ask the staff to show the code again."
pub fn idle(lang: Language) -> String {
    i18n::text(lang, "link-idle", &[])
}

/// "Oura is connected. You can hand the device back." (`Oura and Fitbit are …`, `Oura, Fitbit
/// and Garmin are …`); `None` when nothing connected.
pub fn connected(lang: Language, names: &[&str]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(i18n::text(
            lang,
            "link-connected-one",
            &[("provider", Arg::Str(one))],
        )),
        [rest @ .., last] => Some(i18n::text(
            lang,
            "link-connected-many",
            &[
                ("providers", Arg::Str(&rest.join(", "))),
                ("last", Arg::Str(last)),
            ],
        )),
    }
}

/// "Oura could not be connected. Please hand the device back to the staff."
pub fn failed(lang: Language, name: &str) -> String {
    i18n::text(lang, "link-failed", &[("provider", Arg::Str(name))])
}

/// What the patient reads while the terminal is too small for the patient-facing view.
pub fn too_small(lang: Language) -> String {
    i18n::text(lang, "link-too-small", &[])
}

/// "This link is too long for a QR code: the staff can send it to you instead."
pub fn too_long(lang: Language) -> String {
    i18n::text(lang, "link-too-long", &[])
}

/// The language as staff read it in the details and messages: its own name and its tag,
/// `Español (es)`, `Português (pt-BR)` (the tag names the region, so the name drops its own).
pub fn staff_label(lang: Language) -> String {
    let name = lang.name().split(" (").next().unwrap_or_default();
    format!("{name} ({})", lang.tag())
}

/// `link --language TAG`, read as the config file's `patient_language` is; any other value is
/// refused naming the tags.
pub fn language_arg(tag: &str) -> Result<Language, String> {
    Language::parse(tag).ok_or_else(|| {
        format!(
            "not a language the patient-facing view has: use one of {}",
            Language::tags()
        )
    })
}

/// The sentences of a link just minted, as `link --json` gives them (`patient_text`): what the
/// patient-facing view would show, and what it says once the link has expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientText {
    /// The language's tag (`es`, `pt-BR`).
    pub language: &'static str,
    pub heading: String,
    pub instruction: String,
    pub time_left: String,
    pub expired: String,
}

impl PatientText {
    pub fn new(lang: Language, remaining: Duration) -> PatientText {
        PatientText {
            language: lang.tag(),
            heading: heading(lang),
            instruction: scan(lang),
            time_left: time_left(lang, remaining),
            expired: expired(lang),
        }
    }
}

/// The steps of an app code just made, as `link --app-code --json` gives them (`patient_text`)
/// and `--qr` prints them: what the patient-facing view says, in the patient's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppCodePatientText {
    /// The language's tag (`es`, `pt-BR`).
    pub language: &'static str,
    pub heading: String,
    /// Install the app, enter the code (the code follows), allow Apple Health.
    pub steps: [String; 3],
    /// "(type it without spaces)", said under the code.
    pub no_spaces: String,
    pub time_left: String,
    pub expired: String,
}

impl AppCodePatientText {
    pub fn new(lang: Language, remaining: Duration) -> AppCodePatientText {
        let t = |id: &str| i18n::text(lang, id, &[]);
        AppCodePatientText {
            language: lang.tag(),
            heading: t("app-code-title"),
            steps: [
                t("app-code-step-install"),
                t("app-code-step-enter"),
                t("app-code-step-allow"),
            ],
            no_spaces: t("app-code-no-spaces"),
            time_left: app_code_time_left(lang, remaining),
            expired: t("app-code-expired"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(m: u64) -> Duration {
        Duration::from_secs(m * 60)
    }

    #[test]
    fn one_minute_and_five_minutes_in_each_language() {
        let expected = [
            (Language::En, "1 minute left", "5 minutes left"),
            (Language::Es, "Queda 1 minuto", "Quedan 5 minutos"),
            (Language::Fr, "Il reste 1 minute", "Il reste 5 minutes"),
            (Language::De, "Noch 1 Minute", "Noch 5 Minuten"),
            (Language::PtBr, "Falta 1 minuto", "Faltam 5 minutos"),
        ];
        for (lang, one, five) in expected {
            assert_eq!(time_left(lang, mins(1)), one, "{lang}");
            assert_eq!(time_left(lang, mins(5)), five, "{lang}");
        }
    }

    #[test]
    fn seconds_under_a_minute_in_each_language() {
        let expected = [
            (Language::En, "1 second left", "40 seconds left"),
            (Language::Es, "Queda 1 segundo", "Quedan 40 segundos"),
            (Language::Fr, "Il reste 1 seconde", "Il reste 40 secondes"),
            (Language::De, "Noch 1 Sekunde", "Noch 40 Sekunden"),
            (Language::PtBr, "Falta 1 segundo", "Faltam 40 segundos"),
        ];
        for (lang, one, forty) in expected {
            assert_eq!(time_left(lang, Duration::from_millis(1500)), one, "{lang}");
            assert_eq!(time_left(lang, Duration::from_secs(40)), forty, "{lang}");
        }
    }

    #[test]
    fn an_app_codes_minutes_are_whole_minutes_as_the_links_are() {
        let en = Language::En;
        for (left, want) in [
            (mins(60), "The code works for 60 more minutes."),
            (
                Duration::from_secs(3599),
                "The code works for 59 more minutes.",
            ),
            (
                Duration::from_secs(119),
                "The code works for 1 more minute.",
            ),
            (Duration::from_secs(40), "40 seconds left"),
        ] {
            assert_eq!(app_code_time_left(en, left), want, "{left:?}");
        }
        let es = AppCodePatientText::new(Language::Es, Duration::from_secs(3599));
        assert_eq!(es.language, "es");
        assert_eq!(es.heading, "Conecte Apple Health");
        assert!(es.steps[1].starts_with("2. Abra la aplicación"), "{es:?}");
        assert!(es.time_left.contains("59 minutos"), "{es:?}");
    }

    #[test]
    fn whole_minutes_as_the_staff_view_counts_them_then_seconds() {
        let en = Language::En;
        assert_eq!(
            time_left(en, Duration::from_secs(58 * 60 + 45)),
            "58 minutes left"
        );
        assert_eq!(time_left(en, Duration::from_secs(119)), "1 minute left");
        assert_eq!(time_left(en, mins(1)), "1 minute left");
        assert_eq!(time_left(en, Duration::from_secs(59)), "59 seconds left");
        assert_eq!(time_left(en, Duration::from_millis(300)), "1 second left");
    }

    #[test]
    fn one_two_and_three_providers_connected() {
        assert_eq!(connected(Language::En, &[]), None);
        assert_eq!(
            connected(Language::En, &["Oura"]).unwrap(),
            "Oura is connected. You can hand the device back."
        );
        assert_eq!(
            connected(Language::En, &["Oura", "Fitbit"]).unwrap(),
            "Oura and Fitbit are connected. You can hand the device back."
        );
        assert_eq!(
            connected(Language::De, &["Oura", "Fitbit", "Garmin"]).unwrap(),
            "Oura, Fitbit und Garmin sind verbunden. Sie können das Gerät jetzt zurückgeben."
        );
        assert_eq!(
            connected(Language::Es, &["Oura"]).unwrap(),
            "Oura está conectado. Ya puede devolver el dispositivo."
        );
        assert_eq!(
            failed(Language::Fr, "Oura"),
            "Oura n’a pas pu être connecté. Veuillez rendre l’appareil au personnel."
        );
    }

    #[test]
    fn every_sentence_differs_from_english_in_the_other_languages() {
        let sentences = |l: Language| {
            [
                heading(l),
                scan(l),
                expired(l),
                idle(l),
                too_small(l),
                too_long(l),
                failed(l, "Oura"),
                connected(l, &["Oura"]).unwrap(),
                time_left(l, mins(5)),
            ]
        };
        let english = sentences(Language::En);
        for lang in Language::ALL.into_iter().skip(1) {
            for (s, en) in sentences(lang).iter().zip(&english) {
                assert_ne!(s, en, "{lang} has the English text");
            }
        }
    }

    #[test]
    fn staff_read_the_name_and_the_tag() {
        let labels: Vec<String> = Language::ALL.into_iter().map(staff_label).collect();
        assert_eq!(
            labels,
            [
                "English (en)",
                "Español (es)",
                "Français (fr)",
                "Deutsch (de)",
                "Português (pt-BR)"
            ]
        );
    }

    #[test]
    fn the_json_names_the_language_and_its_sentences() {
        let t = PatientText::new(Language::PtBr, mins(30));
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["language"], "pt-BR");
        assert_eq!(json["time_left"], "Faltam 30 minutos");
        assert_eq!(
            json["instruction"],
            "Escaneie com a câmera do seu celular para conectar seus dispositivos"
        );
    }
}
