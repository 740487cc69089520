//! The optional config file (TOML): settings staff set once per machine.
//!
//! Looked up at `--config PATH`, else `$VITAL_ONBOARD_CONFIG`, else the platform config directory
//! (`~/.config/vital-onboard/config.toml` on Linux). A missing default file means defaults; a
//! file that is named but missing, or that does not parse, is an error (exit 2).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::link::qr::QrStyle;

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
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            reason: e.message().to_string(),
        })
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
            "legacy_hosts = true\nqr_style = \"full\"\nclinic_name = \"Northside\"\nkiosk_idle_minutes = 5\nread_only = true\n",
            p,
        )
        .unwrap();
        assert!(c.legacy_hosts);
        assert_eq!(c.qr_style, QrStyle::Full);
        assert_eq!(c.clinic_name.as_deref(), Some("Northside"));
        assert_eq!(c.patient_view_idle_minutes, Some(5));
        assert!(c.read_only);
        assert_eq!(Config::parse("", p).unwrap(), Config::default());
        let e = Config::parse("api_key = \"x\"", p).unwrap_err();
        assert!(e.to_string().contains("api_key"), "{e}");
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
