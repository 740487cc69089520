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
//! The key is not a setting here: its sources and their order are `connection::KeySource`'s.

use clap::ValueEnum;

use crate::api::{Environment, Region};
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
        }
    }
}

/// The operator when no source names one.
pub const UNKNOWN_OPERATOR: &str = "unknown";

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

    /// A switch as `status` shows it: `on (config file)`, `off (default)`.
    pub fn switch_text(&self, switch: &Sourced<bool>) -> String {
        let word = if switch.value { "on" } else { "off" };
        format!("{word} ({})", self.origin_text(switch.origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("c.toml")).unwrap()
    }

    const PROFILES: &str = "\
        default_profile = \"eu\"\n\
        [profile.eu]\nenvironment = \"production\"\nregion = \"eu\"\nbase_url = \"http://127.0.0.1:1\"\n\
        [profile.us]\nregion = \"us\"\n\
        [profile.qa]\nread_only = true\n";

    fn merge(flags: &Flags, vars: &[(&str, &str)], config: &Config) -> Result<Settings, String> {
        let var = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_string())
        };
        Settings::merge(&Sources {
            flags,
            var: &var,
            config,
        })
    }

    #[test]
    fn a_flag_wins_over_its_variable_which_wins_over_the_profile() {
        let c = config(PROFILES);
        let flags = Flags {
            env: Some(Environment::Sandbox),
            ..Flags::default()
        };
        let vars = [
            ("VITAL_ENV", "production"),
            ("VITAL_REGION", "us"),
            ("VITAL_BASE_URL", "http://127.0.0.1:2"),
        ];
        let s = merge(&flags, &vars, &c).unwrap();
        assert_eq!(
            s.env,
            Some(Sourced::new(Environment::Sandbox, Origin::Flag("--env")))
        );
        assert_eq!(
            s.region,
            Some(Sourced::new(Region::Us, Origin::Variable("VITAL_REGION")))
        );
        assert_eq!(
            s.base_url.unwrap().origin,
            Origin::Variable("VITAL_BASE_URL")
        );

        let s = merge(&Flags::default(), &[], &c).unwrap();
        assert_eq!(
            s.env,
            Some(Sourced::new(Environment::Production, Origin::Profile))
        );
        assert_eq!(s.region, Some(Sourced::new(Region::Eu, Origin::Profile)));
        let url = s.base_url.clone().unwrap();
        assert_eq!(
            (url.value.as_str(), url.origin),
            ("http://127.0.0.1:1", Origin::Profile)
        );
        assert_eq!(s.origin_text(url.origin), "profile eu");
    }

    #[test]
    fn unset_settings_fall_to_their_defaults_with_no_url_from_a_variable() {
        let s = merge(&Flags::default(), &[], &Config::default()).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.base_url, None, "no URL comes from nowhere");
        assert_eq!(s.timeout_secs, Sourced::new(20, Origin::Default));
        assert_eq!(s.switch_text(&s.read_only), "off (default)");
        assert_eq!(s.profile_text(), "none");
        // Empty variables count as unset.
        let blank = [
            ("VITAL_ENV", ""),
            ("VITAL_BASE_URL", " "),
            ("VITAL_TIMEOUT_SECS", ""),
        ];
        assert_eq!(
            merge(&Flags::default(), &blank, &Config::default()).unwrap(),
            s
        );
    }

    #[test]
    fn timeout_comes_from_the_flag_then_the_variable_and_is_checked() {
        let c = Config::default();
        let vars = [("VITAL_TIMEOUT_SECS", " 7 ")];
        let s = merge(&Flags::default(), &vars, &c).unwrap();
        assert_eq!(
            s.timeout_secs,
            Sourced::new(7, Origin::Variable("VITAL_TIMEOUT_SECS"))
        );
        let flags = Flags {
            timeout_secs: Some(3),
            ..Flags::default()
        };
        assert_eq!(
            merge(&flags, &vars, &c).unwrap().timeout_secs,
            Sourced::new(3, Origin::Flag("--timeout"))
        );
        for bad in ["0", "601", "ten"] {
            let e = merge(&Flags::default(), &[("VITAL_TIMEOUT_SECS", bad)], &c).unwrap_err();
            assert!(e.contains("VITAL_TIMEOUT_SECS"), "{e}");
        }
        let e = merge(&Flags::default(), &[("VITAL_ENV", "prod")], &c).unwrap_err();
        assert!(
            e.contains("VITAL_ENV=\"prod\" is not sandbox or production"),
            "{e}"
        );
        let e = merge(&Flags::default(), &[("VITAL_REGION", "uk")], &c).unwrap_err();
        assert!(e.contains("is not us or eu"), "{e}");
        // A variable its flag overrides is not read, so not refused.
        let flags = Flags {
            env: Some(Environment::Sandbox),
            region: Some(Region::Eu),
            timeout_secs: Some(3),
            ..Flags::default()
        };
        let bad = [
            ("VITAL_ENV", "prod"),
            ("VITAL_REGION", "uk"),
            ("VITAL_TIMEOUT_SECS", "0"),
        ];
        let s = merge(&flags, &bad, &c).unwrap();
        assert_eq!(
            (
                s.env.unwrap().value,
                s.region.unwrap().value,
                s.timeout_secs.value
            ),
            (Environment::Sandbox, Region::Eu, 3)
        );
    }

    #[test]
    fn the_profile_comes_from_the_flag_then_the_variable_then_default_profile() {
        let c = config(PROFILES);
        let var = [("VITAL_ONBOARD_PROFILE", "us")];
        let flag = Flags {
            profile: Some("qa".into()),
            ..Flags::default()
        };
        let s = merge(&flag, &var, &c).unwrap();
        assert_eq!(s.profile_text(), "qa (--profile)");
        let s = merge(&Flags::default(), &var, &c).unwrap();
        assert_eq!(s.profile_text(), "us (VITAL_ONBOARD_PROFILE)");
        let s = merge(&Flags::default(), &[], &c).unwrap();
        assert_eq!(s.profile_text(), "eu (default_profile in the config file)");
        let blank = Flags {
            profile: Some(" ".into()),
            ..Flags::default()
        };
        assert_eq!(merge(&blank, &[], &c).unwrap().profile_name(), Some("eu"));

        let demo = Flags {
            profile: Some(DEMO.into()),
            ..Flags::default()
        };
        let s = merge(&demo, &[], &c).unwrap();
        assert_eq!(s.demo, Sourced::new(true, Origin::Profile));
        assert_eq!((s.env, s.region, s.base_url), (None, None, None));

        let unknown = Flags {
            profile: Some("uk".into()),
            ..Flags::default()
        };
        let e = merge(&unknown, &[], &c).unwrap_err();
        assert!(
            e.contains("no profile \"uk\"") && e.contains("eu, qa, us, demo"),
            "{e}"
        );
    }

    #[test]
    fn read_only_is_turned_on_by_any_source_and_off_by_none() {
        let top = config("read_only = true\n[profile.a]\n[profile.qa]\nread_only = true\n");
        let plain = config("[profile.a]\n[profile.qa]\nread_only = true\n");
        let flag = Flags {
            read_only: true,
            ..Flags::default()
        };
        let with = |profile: &str| Flags {
            profile: Some(profile.into()),
            ..Flags::default()
        };
        let both = Flags {
            read_only: true,
            ..with("qa")
        };
        for (flags, config, origin) in [
            (&flag, &plain, Some(Origin::Flag("--read-only"))),
            (&both, &top, Some(Origin::Flag("--read-only"))),
            (&with("qa"), &top, Some(Origin::Profile)),
            (&with("qa"), &plain, Some(Origin::Profile)),
            (&with("a"), &top, Some(Origin::ConfigFile)),
            (&Flags::default(), &top, Some(Origin::ConfigFile)),
            (&with(DEMO), &top, Some(Origin::ConfigFile)),
            (&with("a"), &plain, None),
            (&Flags::default(), &plain, None),
        ] {
            let s = merge(flags, &[], config).unwrap();
            let expected = origin.map_or(Sourced::new(false, Origin::Default), |o| {
                Sourced::new(true, o)
            });
            assert_eq!(s.read_only, expected, "{flags:?}");
        }
        let s = merge(&Flags::default(), &[], &top).unwrap();
        assert_eq!(s.switch_text(&s.read_only), "on (config file)");
        let s = merge(&with("qa"), &[], &plain).unwrap();
        assert_eq!(s.switch_text(&s.read_only), "on (profile qa)");
    }

    #[test]
    fn switches_only_turn_on() {
        let c = config("legacy_hosts = true\n");
        let s = merge(&Flags::default(), &[], &c).unwrap();
        assert_eq!(s.legacy_hosts, Sourced::new(true, Origin::ConfigFile));
        let flags = Flags {
            legacy_hosts: true,
            demo: true,
            insecure_http: true,
            ..Flags::default()
        };
        let s = merge(&flags, &[], &Config::default()).unwrap();
        assert_eq!(
            s.legacy_hosts,
            Sourced::new(true, Origin::Flag("--legacy-hosts"))
        );
        assert_eq!(s.demo, Sourced::new(true, Origin::Flag("--demo")));
        assert!(s.insecure_http);
    }

    #[test]
    fn the_operator_comes_from_the_profile_then_the_config_file_then_the_login_name() {
        let login = [("USER", "jdoe"), ("LOGNAME", "other")];
        let plain = config("[profile.a]\n");
        let s = merge(&Flags::default(), &login, &plain).unwrap();
        assert_eq!(
            s.operator,
            Sourced::new("jdoe".to_string(), Origin::LoginName("USER"))
        );
        assert_eq!(s.operator_text(), "jdoe (the OS login name)");
        let s = merge(&Flags::default(), &[("LOGNAME", "lee")], &plain).unwrap();
        assert_eq!(s.operator.value, "lee");
        let s = merge(&Flags::default(), &[("USER", " ")], &plain).unwrap();
        assert_eq!(
            s.operator,
            Sourced::new("unknown".to_string(), Origin::Default)
        );

        let named = config(
            "operator = \"front-desk\"\n[profile.a]\n[profile.b]\noperator = \"ward 3\"\n[profile.c]\noperator = \" \"\n",
        );
        let with = |profile: &str| Flags {
            profile: Some(profile.into()),
            ..Flags::default()
        };
        let s = merge(&Flags::default(), &login, &named).unwrap();
        assert_eq!(
            s.operator,
            Sourced::new("front-desk".to_string(), Origin::ConfigFile)
        );
        let s = merge(&with("a"), &login, &named).unwrap();
        assert_eq!(s.operator.origin, Origin::ConfigFile);
        let s = merge(&with("b"), &login, &named).unwrap();
        assert_eq!(
            s.operator,
            Sourced::new("ward 3".to_string(), Origin::Profile)
        );
        assert_eq!(s.operator_text(), "ward 3 (profile b)");
        // A blank operator in the profile counts as unset.
        let s = merge(&with("c"), &login, &named).unwrap();
        assert_eq!(s.operator.value, "front-desk");
    }
}
