//! The connection settings, merged once, each with where its value came from: a flag wins over
//! its environment variable, which wins over the chosen profile, which wins over the top of the
//! config file, which wins over the default ([`Settings::merge`]). `status` and `doctor` print
//! them from here with their origin (`read-only    on (config file)`).
//!
//! Read-only is the one setting no source can turn off: any source that turns it on wins, and
//! the origin named is the first of them in that order. The switches (`--legacy-hosts`, `--demo`)
//! likewise only turn something on.
//!
//! The operator (who is minting, for the audit log) is `operator` in the chosen profile, else at
//! the top of the config file, else the OS login name (`USER`, `LOGNAME`, `USERNAME`), else
//! `unknown`.
//!
//! The patient's language (`patient_language`, the default of a new link's patient-facing view)
//! is the chosen profile's, else the config file's, else English; `link --language` overrides it
//! for that link.
//!
//! The key is not a setting here: its sources and their order are `connection::KeySource`'s.

use clap::ValueEnum;

use crate::api::{Environment, Region};
use crate::i18n::Language;
use crate::setup::config::{Config, DEMO, Profile, known};

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, by name (`--env`).
    Flag(&'static str),
    /// An environment variable, by name (`VITAL_ENV`).
    Variable(&'static str),
    /// The chosen profile's `[profile.NAME]` table.
    Profile,
    /// The top of the config file (`read_only = true`, `default_profile = ...`).
    ConfigFile,
    /// The profile picked in the console's picker at start.
    Picker,
    /// The API key's prefix (environment and region only; known once the key is).
    KeyPrefix,
    /// The OS login name, by the variable that holds it (the operator only).
    LoginName(&'static str),
    /// Nothing set it.
    Default,
}

impl Origin {
    /// Words for messages: `--env`, `VITAL_ENV`, `profile`, `config file`, `default`.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Flag(name) | Origin::Variable(name) => name,
            Origin::Profile => "profile",
            Origin::ConfigFile => "config file",
            Origin::Picker => "picked at start",
            Origin::KeyPrefix => "the key's prefix",
            Origin::LoginName(_) => "the OS login name",
            Origin::Default => "default",
        }
    }
}

/// A setting's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Sourced { value, origin }
    }
}

/// The flags as given on the command line (the command line fills this in from its own types).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "it mirrors the command-line switches"
)]
pub struct Flags {
    pub profile: Option<String>,
    pub env: Option<Environment>,
    pub region: Option<Region>,
    pub base_url: Option<String>,
    pub timeout_secs: Option<u64>,
    pub legacy_hosts: bool,
    pub demo: bool,
    /// `--insecure-http`: allow plain http to a host that is not this machine.
    pub insecure_http: bool,
    /// `--read-only`, wherever the command accepts it.
    pub read_only: bool,
}

/// The per-request time limit when nothing sets one.
pub const DEFAULT_TIMEOUT_SECS: u64 = 20;

/// Every connection setting, merged, with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The chosen profile (`demo` included); `None` is the default entry.
    pub profile: Option<Sourced<String>>,
    /// `None`: from the key's prefix, else sandbox.
    pub env: Option<Sourced<Environment>>,
    /// `None`: from the key's prefix, else us.
    pub region: Option<Sourced<Region>>,
    /// `None`: Vital's host for the environment and region.
    pub base_url: Option<Sourced<String>>,
    pub timeout_secs: Sourced<u64>,
    pub legacy_hosts: Sourced<bool>,
    /// The built-in emulator: `--demo` or the `demo` profile (no key also means demo, decided
    /// when the key is known).
    pub demo: Sourced<bool>,
    pub insecure_http: bool,
    /// Read-only mode: no user is created and no link minted.
    pub read_only: Sourced<bool>,
    /// Who is minting, as the audit log records it.
    pub operator: Sourced<String>,
    /// The language a new link's patient-facing view starts in.
    pub patient_language: Sourced<Language>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: None,
            env: None,
            region: None,
            base_url: None,
            timeout_secs: Sourced::new(DEFAULT_TIMEOUT_SECS, Origin::Default),
            legacy_hosts: Sourced::new(false, Origin::Default),
            demo: Sourced::new(false, Origin::Default),
            insecure_http: false,
            read_only: Sourced::new(false, Origin::Default),
            operator: Sourced::new(UNKNOWN_OPERATOR.to_string(), Origin::Default),
            patient_language: Sourced::new(Language::default(), Origin::Default),
        }
    }
}

/// The operator when no source names one.
pub const UNKNOWN_OPERATOR: &str = "unknown";

/// What follows a summary's `by unknown` once: how to name the operator.
pub const OPERATOR_HINT: &str = "set operator = \"NAME\" in the config file, or USER";

/// What the settings are merged from: the flags, the environment (looked up by name; an empty
/// variable counts as unset) and the config file.
pub struct Sources<'a> {
    pub flags: &'a Flags,
    pub var: &'a dyn Fn(&str) -> Option<String>,
    pub config: &'a Config,
}

/// The first value of the sources in order, with its origin.
fn first<T>(candidates: impl IntoIterator<Item = (Option<T>, Origin)>) -> Option<Sourced<T>> {
    candidates
        .into_iter()
        .find_map(|(value, origin)| value.map(|v| Sourced::new(v, origin)))
}

/// A switch any source turns on: the first that does, else off by default.
fn any_on(candidates: impl IntoIterator<Item = (bool, Origin)>) -> Sourced<bool> {
    candidates
        .into_iter()
        .find(|(on, _)| *on)
        .map_or(Sourced::new(false, Origin::Default), |(_, origin)| {
            Sourced::new(true, origin)
        })
}

impl Sources<'_> {
    /// A variable's value, trimmed; empty counts as unset.
    fn var(&self, name: &str) -> Option<String> {
        (self.var)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A variable naming one of a clap value enum's values, or an error naming what it allows.
    fn enum_var<T: ValueEnum>(&self, name: &str, allowed: &str) -> Result<Option<T>, String> {
        self.var(name)
            .map(|v| T::from_str(&v, true).map_err(|_| format!("{name}={v:?} is not {allowed}")))
            .transpose()
    }

    fn timeout_var(&self) -> Result<Option<u64>, String> {
        self.var("VITAL_TIMEOUT_SECS")
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|t| (1..=600).contains(t))
                    .ok_or_else(|| {
                        format!("VITAL_TIMEOUT_SECS={v:?} is not a number of seconds from 1 to 600")
                    })
            })
            .transpose()
    }

    /// The OS login name: `USER`, else `LOGNAME`, else `USERNAME` (Windows).
    fn login_name(&self) -> Option<Sourced<String>> {
        ["USER", "LOGNAME", "USERNAME"]
            .into_iter()
            .find_map(|name| {
                self.var(name)
                    .map(|v| Sourced::new(crate::text::sanitize(&v), Origin::LoginName(name)))
            })
    }

    /// The operator: the profile's `operator`, else the config file's, else the OS login
    /// name, else `unknown` (blank values count as unset).
    fn operator(&self, table: Option<&Profile>) -> Sourced<String> {
        let named = |v: Option<&String>| {
            v.map(|o| crate::text::sanitize(o.trim()))
                .filter(|o| !o.is_empty())
        };
        first([
            (
                named(table.and_then(|p| p.operator.as_ref())),
                Origin::Profile,
            ),
            (named(self.config.operator.as_ref()), Origin::ConfigFile),
        ])
        .or_else(|| self.login_name())
        .unwrap_or_else(|| Sourced::new(UNKNOWN_OPERATOR.to_string(), Origin::Default))
    }

    /// The chosen profile: `--profile`, else `VITAL_ONBOARD_PROFILE`, else `default_profile` in
    /// the config file, else none. A name the config file does not define (other than `demo`) is
    /// an error naming the ones it does.
    pub fn profile(&self) -> Result<Option<Sourced<String>>, String> {
        let flag = self
            .flags
            .profile
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let chosen = first([
            (flag, Origin::Flag("--profile")),
            (
                self.var("VITAL_ONBOARD_PROFILE"),
                Origin::Variable("VITAL_ONBOARD_PROFILE"),
            ),
            (self.config.default_profile.clone(), Origin::ConfigFile),
        ]);
        match chosen {
            Some(p) if p.value != DEMO && !self.config.profiles.contains_key(&p.value) => {
                let n = &p.value;
                Err(format!(
                    "there is no profile {n:?} in the config file{}; add a [profile.{n}] table (see `vital-onboard config init`)",
                    known(&self.config.profiles)
                ))
            }
            other => Ok(other),
        }
    }
}

impl Settings {
    /// Merges every setting from `sources` for the profile they choose ([`Sources::profile`]).
    pub fn merge(sources: &Sources<'_>) -> Result<Settings, String> {
        let profile = sources.profile()?;
        Settings::merge_for(sources, profile)
    }

    /// Merges every setting from `sources` for `profile` (as [`Sources::profile`] gives it, or
    /// as picked in the console's picker): flag > variable > profile > config file > default.
    pub fn merge_for(
        sources: &Sources<'_>,
        profile: Option<Sourced<String>>,
    ) -> Result<Settings, String> {
        let flags = sources.flags;
        let config = sources.config;
        let table = match profile.as_ref().map(|p| p.value.as_str()) {
            None | Some(DEMO) => None,
            Some(name) => Some(config.profiles.get(name).ok_or_else(|| {
                format!("there is no profile {name:?}{}", known(&config.profiles))
            })?),
        };
        // A variable is read (and checked) only when its flag is not given.
        let env = match flags.env {
            Some(e) => Some(Sourced::new(e, Origin::Flag("--env"))),
            None => first([
                (
                    sources.enum_var("VITAL_ENV", "sandbox or production")?,
                    Origin::Variable("VITAL_ENV"),
                ),
                (table.and_then(|p: &Profile| p.environment), Origin::Profile),
            ]),
        };
        let region = match flags.region {
            Some(r) => Some(Sourced::new(r, Origin::Flag("--region"))),
            None => first([
                (
                    sources.enum_var("VITAL_REGION", "us or eu")?,
                    Origin::Variable("VITAL_REGION"),
                ),
                (table.and_then(|p| p.region), Origin::Profile),
            ]),
        };
        let base_url = first([
            (flags.base_url.clone(), Origin::Flag("--base-url")),
            (
                sources.var("VITAL_BASE_URL"),
                Origin::Variable("VITAL_BASE_URL"),
            ),
            (table.and_then(|p| p.base_url.clone()), Origin::Profile),
        ]);
        let timeout_secs = match flags.timeout_secs {
            Some(t) => Sourced::new(t, Origin::Flag("--timeout")),
            None => match sources.timeout_var()? {
                Some(t) => Sourced::new(t, Origin::Variable("VITAL_TIMEOUT_SECS")),
                None => Sourced::new(DEFAULT_TIMEOUT_SECS, Origin::Default),
            },
        };
        let demo_profile = profile.as_ref().is_some_and(|p| p.value == DEMO);
        Ok(Settings {
            env,
            region,
            base_url,
            timeout_secs,
            legacy_hosts: any_on([
                (flags.legacy_hosts, Origin::Flag("--legacy-hosts")),
                (config.legacy_hosts, Origin::ConfigFile),
            ]),
            demo: any_on([
                (flags.demo, Origin::Flag("--demo")),
                (demo_profile, Origin::Profile),
            ]),
            insecure_http: flags.insecure_http,
            read_only: any_on([
                (flags.read_only, Origin::Flag("--read-only")),
                (table.is_some_and(|p| p.read_only), Origin::Profile),
                (config.read_only, Origin::ConfigFile),
            ]),
            operator: sources.operator(table),
            patient_language: first([
                (table.and_then(|p| p.patient_language), Origin::Profile),
                (config.patient_language, Origin::ConfigFile),
            ])
            .unwrap_or_else(|| Sourced::new(Language::default(), Origin::Default)),
            profile,
        })
    }

    /// The chosen profile's name, if any.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.value.as_str())
    }

    /// Where a value came from, in words: as [`Origin::describe`], with the profile's name.
    pub fn origin_text(&self, origin: Origin) -> String {
        match (origin, self.profile_name()) {
            (Origin::Profile, Some(name)) => format!("profile {name}"),
            (origin, _) => origin.describe().to_string(),
        }
    }

    /// The profile as `status` shows it: `eu (--profile)`, `local (default_profile in the
    /// config file)`, or `none`.
    pub fn profile_text(&self) -> String {
        match &self.profile {
            None => "none".into(),
            Some(Sourced {
                value,
                origin: Origin::ConfigFile,
            }) => format!("{value} (default_profile in the config file)"),
            Some(p) => format!("{} ({})", p.value, p.origin.describe()),
        }
    }

    /// The operator as `status` shows it: `jdoe (the OS login name)`, `front-desk (profile
    /// eu)`.
    pub fn operator_text(&self) -> String {
        format!(
            "{} ({})",
            self.operator.value,
            self.origin_text(self.operator.origin)
        )
    }

    /// The patient's language as `status` shows it: `Español (es) (config file)`.
    pub fn patient_language_text(&self) -> String {
        let l = self.patient_language.value;
        format!(
            "{} ({}) ({})",
            l.name(),
            l.tag(),
            self.origin_text(self.patient_language.origin)
        )
    }

    /// A switch as `status` shows it: `on (config file)`, `off (default)`.
    pub fn switch_text(&self, switch: &Sourced<bool>) -> String {
        let word = if switch.value { "on" } else { "off" };
        format!("{word} ({})", self.origin_text(switch.origin))
    }
}

#[cfg(test)]
#[path = "tests/settings.rs"]
mod tests;
