//! The optional config file (TOML): settings staff set once per machine.
//!
//! Looked up at `--config PATH`, else `$VITAL_ONBOARD_CONFIG`, else the platform config directory
//! (`~/.config/vital-onboard/config.toml` on Linux). A missing default file means defaults; a
//! file that is named but missing, or that does not parse, is an error (exit 2).
//! `[profile.NAME]` tables are described in `setup::profiles`; [`EXAMPLE`] is the commented file
//! `config init` writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::link::qr::QrStyle;
use crate::setup::profiles::{self, Profile};

/// The commented example config that `vital-onboard config init` writes.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

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
    /// Minutes after which the patient-facing view blanks the code.
    #[serde(default)]
    pub kiosk_idle_minutes: Option<u64>,
    /// The profile used when neither `--profile` nor `VITAL_ONBOARD_PROFILE` names one.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// `[profile.NAME]` tables.
    #[serde(default, rename = "profile")]
    pub profiles: BTreeMap<String, Profile>,
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
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            reason: e.message().to_string(),
        })?;
        profiles::validate(&config.profiles, config.default_profile.as_deref()).map_err(
            |reason| ConfigError::Parse {
                path: path.to_path_buf(),
                reason,
            },
        )?;
        Ok(config)
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
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(e) => Err(ConfigError::Read {
                path,
                reason: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys_and_rejects_unknown_ones() {
        let p = Path::new("c.toml");
        let c = Config::parse(
            "legacy_hosts = true\nqr_style = \"full\"\nclinic_name = \"Northside\"\nkiosk_idle_minutes = 5\n",
            p,
        )
        .unwrap();
        assert!(c.legacy_hosts);
        assert_eq!(c.qr_style, QrStyle::Full);
        assert_eq!(c.clinic_name.as_deref(), Some("Northside"));
        assert_eq!(c.kiosk_idle_minutes, Some(5));
        assert_eq!(Config::parse("", p).unwrap(), Config::default());
        let e = Config::parse("api_key = \"x\"", p).unwrap_err();
        assert!(e.to_string().contains("api_key"), "{e}");
    }

    #[test]
    fn the_example_parses_commented_and_uncommented() {
        let p = Path::new("example.toml");
        assert_eq!(Config::parse(EXAMPLE, p).unwrap(), Config::default());
        let uncommented: String = EXAMPLE
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with('[') || t.split_once(" = ").is_some_and(|(k, _)| !k.contains(' '))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = Config::parse(&uncommented, p).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert_eq!(c.profiles.len(), 3);
        assert_eq!(c.default_profile.as_deref(), Some("us-sandbox"));
        assert!(c.profiles["eu-production"].read_only);
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
