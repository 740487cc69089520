//! The optional config file (TOML): settings staff set once per machine.
//!
//! Looked up at `--config PATH`, else `$VITAL_ONBOARD_CONFIG`, else the platform config directory
//! (`~/.config/vital-onboard/config.toml` on Linux). A missing default file means defaults; a
//! file that is named but missing, or that does not parse, is an error (exit 2) for the commands;
//! the console starts with defaults and says why ([`Config::load_or_notice`]). A parse error
//! names the line and column. The `[[preset]]` entries are checked and saved by
//! [`super::presets`]; the `[profile.NAME]` tables ([`Profile`]) are checked here and used by
//! [`super::profiles`]; [`EXAMPLE`] is the commented file `config init` writes. This module owns
//! the file's types: the others import them from here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::{Environment, RedirectBehaviour, Region};
use crate::i18n::Language;
use crate::link::qr::QrStyle;

/// The commented example config that `vital-onboard config init` writes.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

/// A `[[preset]]` entry: a named set of link choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    /// The allowlist; missing means every linkable provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<String>>,
    /// Open this provider's sign-in directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<RedirectBehaviour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_close: Option<RedirectBehaviour>,
    /// The environment the preset is meant for (`sandbox` or `production`), shown and checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Use the tryvital.io hosts instead of junction.com.
    #[serde(default)]
    pub legacy_hosts: bool,
    #[serde(default)]
    pub qr_style: QrStyle,
    /// Shown in the patient-facing view.
    #[serde(default)]
    pub clinic_name: Option<String>,
    /// Minutes after which the patient-facing view blanks the code (`kiosk_idle_minutes` is
    /// the older name, still read).
    #[serde(default, alias = "kiosk_idle_minutes")]
    pub patient_view_idle_minutes: Option<u64>,
    /// Read-only mode, as `--read-only`: no user is created and no link minted.
    #[serde(default)]
    pub read_only: bool,
    /// Ask the API what the Link page will offer right after minting (default on).
    #[serde(default)]
    pub check_link_providers: Option<bool>,
    /// Named link choices (`[[preset]]`).
    #[serde(default)]
    pub preset: Vec<Preset>,
    /// The profile used when neither `--profile` nor `VITAL_ONBOARD_PROFILE` names one.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Who mints on this machine, for the audit log (default: the OS login name).
    #[serde(default)]
    pub operator: Option<String>,
    /// The language a new link's patient-facing view starts in (default English).
    #[serde(default, deserialize_with = "patient_language")]
    pub patient_language: Option<Language>,
    /// Which view each link of the onboarding-day queue shows in (default: the patient's).
    #[serde(default)]
    pub queue_view: QueueView,
    /// `[profile.NAME]` tables.
    #[serde(default, rename = "profile")]
    pub profiles: BTreeMap<String, Profile>,
    /// The clinic's own phone app (`[mobile_app]`), for Health Connect and Samsung Health.
    #[serde(default)]
    pub mobile_app: Option<MobileApp>,
    /// Where the file was read from (not a key of the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `queue_view`: the view the queue shows each new link in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueView {
    /// The patient-facing view (any key returns to the staff view).
    #[default]
    Patient,
    /// The staff link view.
    Staff,
}

/// `[mobile_app]`: the clinic's own phone app, built on Vital's mobile SDK (it signs the patient
/// in through the clinic's backend, not with app codes). The console shows its store page's code
/// for the providers only such an app connects (Health Connect, Samsung Health, `*_ble`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MobileApp {
    /// What the patient looks for in the store (`Northside Health`).
    pub name: String,
    /// Its App Store page (`https://apps.apple.com/...`).
    #[serde(default)]
    pub app_store_url: Option<String>,
    /// Its Google Play page (`https://play.google.com/store/apps/details?id=...`).
    #[serde(default)]
    pub play_store_url: Option<String>,
}

/// The longest app name and store URL `[mobile_app]` takes.
const MOBILE_APP_NAME_MAX: usize = 60;
const MOBILE_APP_URL_MAX: usize = 300;

impl MobileApp {
    /// The checks: a name of printable characters, at least one store URL, each an `https://`
    /// URL of a host (a code of anything else would send the patient somewhere unknown).
    pub fn validate(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MOBILE_APP_NAME_MAX {
            return Err(format!(
                "[mobile_app] name must be 1 to {MOBILE_APP_NAME_MAX} characters"
            ));
        }
        if name.chars().any(crate::text::is_unsafe) {
            return Err("[mobile_app] name has control characters".into());
        }
        if self.app_store_url.is_none() && self.play_store_url.is_none() {
            return Err("[mobile_app] needs app_store_url or play_store_url (or both)".into());
        }
        for (key, url) in [
            ("app_store_url", &self.app_store_url),
            ("play_store_url", &self.play_store_url),
        ] {
            let Some(url) = url else { continue };
            let ok = url.len() <= MOBILE_APP_URL_MAX
                && url::Url::parse(url)
                    .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some());
            if !ok {
                return Err(format!(
                    "[mobile_app] {key} must be an https:// store address of at most {MOBILE_APP_URL_MAX} characters (got {})",
                    crate::text::one_line(url, 80)
                ));
            }
        }
        Ok(())
    }

    /// The store page a patient's phone should open: the App Store first for iPhones' Apple
    /// Health, Google Play for Android's Health Connect and Samsung Health.
    pub fn store_for(&self, android: bool) -> Option<&str> {
        let (first, second) = if android {
            (&self.play_store_url, &self.app_store_url)
        } else {
            (&self.app_store_url, &self.play_store_url)
        };
        first.as_deref().or(second.as_deref())
    }
}

/// The profile that is always there: the built-in emulator.
pub const DEMO: &str = "demo";

/// One `[profile.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub region: Option<Region>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub clinic_name: Option<String>,
    /// The name of the preset to start with (presets are another feature; kept as given).
    #[serde(default)]
    pub default_preset: Option<String>,
    /// Refuse minting links and creating users.
    #[serde(default)]
    pub read_only: bool,
    /// Who mints with this profile, for the audit log (overrides the top-level `operator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The patient's language for this profile (overrides the top-level `patient_language`).
    #[serde(
        default,
        deserialize_with = "patient_language",
        skip_serializing_if = "Option::is_none"
    )]
    pub patient_language: Option<Language>,
}

/// `patient_language = "es"`: a tag as [`Language::parse`] reads it; any other value is refused
/// with the tags there are (the parse error names its line and column).
fn patient_language<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Language>, D::Error> {
    let tag = String::deserialize(d)?;
    Language::parse(&tag).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "patient_language {tag:?} is not a language the patient-facing view has: use one of {}",
            Language::tags()
        ))
    })
}

/// Checks profile names (letters, digits, `-`, `_`, `.`; not `demo`) and `default_profile`.
pub fn validate(profiles: &BTreeMap<String, Profile>, default: Option<&str>) -> Result<(), String> {
    for name in profiles.keys() {
        if name == DEMO {
            return Err(format!(
                "[profile.{DEMO}] is reserved for the built-in emulator: use another name"
            ));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "profile name {name:?} may use only letters, digits, '-', '_' and '.'"
            ));
        }
    }
    if let Some(d) = default
        && d != DEMO
        && !profiles.contains_key(d)
    {
        return Err(format!(
            "default_profile = {d:?} names no [profile.{d}] table{}",
            known(profiles)
        ));
    }
    Ok(())
}

pub(super) fn known(profiles: &BTreeMap<String, Profile>) -> String {
    let names: Vec<&str> = profiles.keys().map(String::as_str).chain([DEMO]).collect();
    format!(" (profiles: {})", names.join(", "))
}

/// The patient-facing view blanks the code after this long without a key, unless configured.
pub const PATIENT_VIEW_IDLE_MINUTES: u64 = 10;

impl Config {
    /// How long the patient-facing view shows a code without a key being pressed.
    pub fn patient_view_idle(&self) -> std::time::Duration {
        let minutes = self
            .patient_view_idle_minutes
            .unwrap_or(PATIENT_VIEW_IDLE_MINUTES);
        std::time::Duration::from_secs(minutes.saturating_mul(60))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("the config file {path} is not valid: {reason}")]
    Parse { path: PathBuf, reason: String },
}

/// The default location of the config file.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vital-onboard")
        .map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let (line, column) = line_column(text, span.start);
                    format!("line {line}, column {column}: ")
                })
                .unwrap_or_default();
            ConfigError::Parse {
                path: path.to_path_buf(),
                reason: format!("{at}{}", e.message().trim()),
            }
        })?;
        validate(&config.profiles, config.default_profile.as_deref())
            .and_then(|()| {
                config
                    .mobile_app
                    .as_ref()
                    .map_or(Ok(()), MobileApp::validate)
            })
            .map_err(|reason| ConfigError::Parse {
                path: path.to_path_buf(),
                reason,
            })?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// The path the config file is read from and `S` writes to: `explicit`, else the default.
    pub fn path_for(explicit: Option<&Path>) -> Option<PathBuf> {
        explicit.map(Path::to_path_buf).or_else(default_path)
    }

    /// For the console: a broken file gives the defaults and the reason to show.
    pub fn load_or_notice(explicit: Option<&Path>) -> (Config, Option<String>) {
        match Config::load(explicit) {
            Ok(c) => (c, None),
            Err(e) => {
                let config = Config {
                    path: Config::path_for(explicit),
                    ..Config::default()
                };
                (config, Some(format!("{e}; using the defaults")))
            }
        }
    }

    /// Loads the config: `explicit` (flag or env) must exist; the default path may be missing.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, required) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Config {
                path: Some(path),
                ..Config::default()
            }),
            Err(e) => Err(ConfigError::Read {
                path,
                reason: e.to_string(),
            }),
        }
    }
}

/// The 1-based line and column of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn parses_all_keys_and_rejects_unknown_ones() {
        let p = Path::new("c.toml");
        let c = Config::parse(
            "legacy_hosts = true\nqr_style = \"full\"\nclinic_name = \"Northside\"\nkiosk_idle_minutes = 5\nread_only = true\n",
            p,
        )
        .unwrap();
        assert!(c.legacy_hosts);
        assert_eq!(c.qr_style, QrStyle::Full);
        assert_eq!(c.clinic_name.as_deref(), Some("Northside"));
        assert_eq!(c.patient_view_idle_minutes, Some(5));
        assert!(c.read_only);
        assert_eq!(Config::parse("", p).unwrap().preset, vec![]);
        let e = Config::parse("api_key = \"x\"", p).unwrap_err();
        assert!(e.to_string().contains("api_key"), "{e}");
    }

    #[test]
    fn a_parse_error_names_line_and_column() {
        let e = Config::parse("clinic_name = \"A\"\nqr_style = = 3\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2, column"), "{e}");
        let (c, notice) = Config::load_or_notice(Some(Path::new("/nonexistent/c.toml")));
        assert_eq!(c.preset, vec![]);
        assert!(notice.unwrap().contains("using the defaults"));
    }

    #[test]
    fn parses_presets() {
        let c = Config::parse(
            "[[preset]]\nname = \"wearables\"\nproviders = [\"oura\", \"fitbit\"]\non_error = \"redirect\"\nredirect_url = \"https://e.com\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(c.preset.len(), 1);
        assert_eq!(c.preset[0].on_error, Some(RedirectBehaviour::Redirect));
        assert!(Config::parse("[[preset]]\nname = \"x\"\ncolour = 1\n", Path::new("c")).is_err());
    }

    /// [`EXAMPLE`] with every commented-out setting and table header set.
    pub(crate) fn example_uncommented() -> String {
        EXAMPLE
            .lines()
            .filter_map(|l| l.strip_prefix("# ").or(Some(l)))
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with('[') || t.split_once(" = ").is_some_and(|(k, _)| !k.contains(' '))
            })
            .flat_map(|l| [l, "\n"])
            .collect()
    }

    #[test]
    fn the_example_sets_nothing_as_written() {
        // `config init` says every setting in the file it writes is commented out.
        let p = Path::new("example.toml");
        let c = Config::parse(EXAMPLE, p).unwrap();
        assert_eq!(
            c,
            Config {
                path: c.path.clone(),
                ..Config::default()
            },
            "the example as written sets nothing"
        );
        for line in EXAMPLE.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with('#'),
                "a setting is not commented out: {line}"
            );
        }
    }

    #[test]
    fn the_example_parses_uncommented() {
        let p = Path::new("example.toml");
        let uncommented = example_uncommented();
        let c = Config::parse(&uncommented, p).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert_eq!(c.profiles.len(), 3);
        assert_eq!(c.preset.len(), 2);
        assert_eq!(c.clinic_name.as_deref(), Some("Northside Clinic"));
        assert_eq!(c.default_profile.as_deref(), Some("us-sandbox"));
        assert!(c.profiles["eu-production"].read_only);
        assert_eq!(c.patient_language, Some(Language::En));
        assert_eq!(
            c.profiles["eu-production"].patient_language,
            Some(Language::De)
        );
        assert_eq!(c.mobile_app.unwrap().name, "Northside Health");
    }

    #[test]
    fn patient_language_takes_a_tag_and_refuses_others_naming_the_tags() {
        let p = Path::new("c.toml");
        let c = Config::parse(
            "patient_language = \"ES\"\n[profile.br]\npatient_language = \"pt_br\"\n",
            p,
        )
        .unwrap();
        assert_eq!(c.patient_language, Some(Language::Es));
        assert_eq!(c.profiles["br"].patient_language, Some(Language::PtBr));
        for bad in [
            "patient_language = \"it\"\n",
            "[profile.x]\npatient_language = \"klingon\"\n",
        ] {
            let e = Config::parse(bad, p).unwrap_err().to_string();
            assert!(
                e.contains("is not a language the patient-facing view has: use one of en, es, fr, de, pt-BR")
                    && e.contains("line "),
                "{e}"
            );
        }
        let e = Config::parse("patient_language = 3\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1, column 20"), "{e}");
    }

    #[test]
    fn mobile_app_is_read_and_its_urls_checked() {
        let p = Path::new("c.toml");
        let c = Config::parse(
            "[mobile_app]\nname = \"Northside Health\"\napp_store_url = \"https://apps.apple.com/us/app/x/1\"\nplay_store_url = \"https://play.google.com/store/apps/details?id=x\"\n",
            p,
        )
        .unwrap();
        let app = c.mobile_app.unwrap();
        assert_eq!(app.name, "Northside Health");
        assert_eq!(
            app.store_for(true),
            Some("https://play.google.com/store/apps/details?id=x")
        );
        assert_eq!(
            app.store_for(false),
            Some("https://apps.apple.com/us/app/x/1")
        );
        for bad in [
            "[mobile_app]\nname = \"A\"\n",
            "[mobile_app]\nname = \"A\"\napp_store_url = \"http://apps.apple.com/x\"\n",
            "[mobile_app]\nname = \"A\"\nplay_store_url = \"javascript:alert(1)\"\n",
            "[mobile_app]\nname = \"\"\napp_store_url = \"https://a.example/x\"\n",
            "[mobile_app]\nname = \"A\\u001b[31m\"\napp_store_url = \"https://a.example/x\"\n",
            "[mobile_app]\nname = \"A\"\napp_store_url = \"https://a.example/x\"\nlogo = 1\n",
        ] {
            let e = Config::parse(bad, p).unwrap_err().to_string();
            assert!(e.contains("mobile_app") || e.contains("logo"), "{bad}: {e}");
        }
    }

    #[test]
    fn explicit_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Config::load(Some(&dir.path().join("nope.toml"))).is_err());
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "clinic_name = \"A\"").unwrap();
        assert_eq!(
            Config::load(Some(&f)).unwrap().clinic_name.as_deref(),
            Some("A")
        );
    }
}
