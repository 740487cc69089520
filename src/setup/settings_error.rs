//! Why the settings cannot make a connection ([`SettingsError`]): each message names the setting
//! as it was given (flag, variable, profile) and says what to do.

use std::path::PathBuf;

use super::settings::{Origin, Sourced};
use crate::api::{ApiKey, Environment, Region};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the API key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    #[error("the API key file {path} is empty: put the key on its first line")]
    EmptyKeyFile { path: PathBuf },
    /// `asked` is the setting as given (`--env production`, `VITAL_ENV=production`).
    #[error(
        "{asked} does not match the API key, which is a {key_env} key ({prefix}…): use the {key_env} key, or {remedy}"
    )]
    EnvMismatch {
        asked: String,
        remedy: &'static str,
        key_env: &'static str,
        prefix: &'static str,
    },
    #[error(
        "{asked} does not match the API key, which is a {key_region} key ({prefix}…): teams are regional; {remedy} {key_region}"
    )]
    RegionMismatch {
        asked: String,
        remedy: &'static str,
        key_region: &'static str,
        prefix: &'static str,
    },
    #[error(
        "{source_name} {url} is plain http to a host that is not this machine: the API key would cross the network unencrypted. Use https, or add --insecure-http if you accept that"
    )]
    InsecureHttp {
        source_name: &'static str,
        url: String,
    },
    #[error(
        "the API key file {path} can be written by group or others (mode {mode:04o}): anyone who can change it could swap in their key; run `chmod 600 {path}`"
    )]
    KeyFileWritable { path: PathBuf, mode: u32 },
    #[error(
        "profile {profile} says {asked}, but its API key is a {key_env} key ({prefix}…): run `vital-onboard login --profile {profile}` with a {asked} key, or fix environment in [profile.{profile}]"
    )]
    ProfileEnvMismatch {
        profile: String,
        asked: &'static str,
        key_env: &'static str,
        prefix: &'static str,
    },
    #[error(
        "profile {profile} says region {asked}, but its API key is a {key_region} key ({prefix}…): teams are regional; fix region in [profile.{profile}] or log in with a {asked} key"
    )]
    ProfileRegionMismatch {
        profile: String,
        asked: &'static str,
        key_region: &'static str,
        prefix: &'static str,
    },
    #[error(
        "the API key does not start with sk_us_, sk_eu_, pk_us_ or pk_eu_, so its environment is unknown: check VITAL_API_KEY, or give --base-url to use another host"
    )]
    UnknownKeyPrefix,
    #[error("{source_name} is not an absolute http(s) URL: {reason}")]
    BadBaseUrl {
        source_name: &'static str,
        url: String,
        reason: String,
    },
    #[error(
        "--base-url needs an API key: set VITAL_API_KEY or --api-key-file (an emulator started with `vital-onboard emulator` accepts any non-empty key), or drop --base-url to run the built-in demo"
    )]
    BaseUrlWithoutKey,
    /// A profile (not `demo`) was chosen and no key is stored for it, nor given otherwise: no
    /// silent demo, and no talk of a `--base-url` nobody typed.
    #[error(
        "no key stored for profile {profile}: run `vital-onboard login --profile {profile}` (or set VITAL_API_KEY; --profile demo runs the built-in demo)"
    )]
    NoStoredKey { profile: String },
}

/// The setting a base URL came from, as messages name it.
pub(super) fn url_source_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Variable(_) => "VITAL_BASE_URL",
        Origin::Profile => "the profile's base_url",
        _ => "--base-url",
    }
}

/// The refusal of an environment setting the key contradicts, naming the setting as given.
pub(super) fn env_mismatch(
    asked: &Sourced<Environment>,
    key: &ApiKey,
    key_env: Environment,
    profile: Option<&str>,
) -> SettingsError {
    let (asked_text, remedy) = match asked.origin {
        Origin::Profile => {
            return SettingsError::ProfileEnvMismatch {
                profile: profile.unwrap_or_default().to_string(),
                asked: asked.value.as_str(),
                key_env: key_env.as_str(),
                prefix: key.prefix(),
            };
        }
        Origin::Variable(_) => (
            format!("VITAL_ENV={}", asked.value.as_str()),
            "unset VITAL_ENV",
        ),
        _ => (format!("--env {}", asked.value.as_str()), "drop --env"),
    };
    SettingsError::EnvMismatch {
        asked: asked_text,
        remedy,
        key_env: key_env.as_str(),
        prefix: key.prefix(),
    }
}

/// The refusal of a region setting the key contradicts, naming the setting as given.
pub(super) fn region_mismatch(
    asked: &Sourced<Region>,
    key: &ApiKey,
    key_region: Region,
    profile: Option<&str>,
) -> SettingsError {
    let (asked_text, remedy) = match asked.origin {
        Origin::Profile => {
            return SettingsError::ProfileRegionMismatch {
                profile: profile.unwrap_or_default().to_string(),
                asked: asked.value.as_str(),
                key_region: key_region.as_str(),
                prefix: key.prefix(),
            };
        }
        Origin::Variable(_) => (
            format!("VITAL_REGION={}", asked.value.as_str()),
            "set VITAL_REGION to",
        ),
        _ => (format!("--region {}", asked.value.as_str()), "use --region"),
    };
    SettingsError::RegionMismatch {
        asked: asked_text,
        remedy,
        key_region: key_region.as_str(),
        prefix: key.prefix(),
    }
}
