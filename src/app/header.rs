//! What the header says about where requests go: the environment badge as data (drawn by
//! `ui/header.rs`), the host, and at most the key's prefix.

use crate::setup::connection::{Connection, Environment, Region, Target};

/// The environment badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// The built-in emulator.
    Demo,
    /// One of Vital's hosts.
    Vital { env: Environment, region: Region },
    /// A host given with `--base-url` (an emulator or proxy), for this environment's key.
    Custom { env: Environment, region: Region },
}

impl Badge {
    pub fn is_production(self) -> bool {
        matches!(
            self,
            Badge::Vital {
                env: Environment::Production,
                ..
            } | Badge::Custom {
                env: Environment::Production,
                ..
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvInfo {
    pub badge: Badge,
    pub host: String,
    /// `sk_us_` at most; never the key.
    pub key_prefix: Option<&'static str>,
    /// `--read-only`: nothing is created or minted.
    pub read_only: bool,
    /// The profile in use (`--profile`, the picker), shown beside the badge.
    pub profile: Option<String>,
}

impl EnvInfo {
    pub fn from_connection(c: &Connection, host: &url::Url) -> EnvInfo {
        let badge = match &c.target {
            Target::Demo => Badge::Demo,
            Target::Vital { env, region } => Badge::Vital {
                env: *env,
                region: *region,
            },
            Target::Custom { .. } => Badge::Custom {
                env: c.env,
                region: c.region,
            },
        };
        EnvInfo {
            badge,
            host: crate::setup::connection::display_url(host),
            key_prefix: c
                .key
                .as_ref()
                .map(super::super::setup::connection::ApiKey::prefix)
                .filter(|p| !p.is_empty() && c.target != Target::Demo),
            read_only: c.read_only,
            profile: c.profile.clone(),
        }
    }

    /// Production links reach real patients: minting asks first, and the badge is red.
    pub fn is_production(&self) -> bool {
        self.badge.is_production()
    }
}
