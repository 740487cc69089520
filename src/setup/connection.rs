//! The connection: which API to talk to, with which key. Pure resolution of the merged settings
//! (`super::settings`: flags, variables, profile, config file, each with its origin) and the
//! key, so it can be tested without a process. Messages name the setting as it was given
//! (`--env production`, `VITAL_ENV=production`, `profile eu says production`).
//!
//! Key sources, first wins: `VITAL_API_KEY`, `--api-key-file`, the profile's stored key (keychain
//! or its fallback file, looked up by the caller: see `setup::profiles`), else demo.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

pub use super::key_file::read_key_file;
use super::settings::{Origin, Settings, Sourced};
pub use super::settings_error::SettingsError;
use super::settings_error::{env_mismatch, region_mismatch, url_source_name};

// The key, the hosts and the URL rules live in `api/` (below this layer); named here too, where
// the settings that pick them are.
pub use crate::api::{
    ApiKey, Environment, Region, display_url, is_vital_host, parse_http_url, vital_host,
};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A real Vital host.
    Vital { env: Environment, region: Region },
    /// `--base-url`, `VITAL_BASE_URL` or a profile's `base_url` (`origin` says which): an
    /// emulator or proxy.
    Custom { url: Url, origin: Origin },
    /// The embedded emulator, started in-process.
    Demo,
}

/// Where the key in use came from (`status` and `doctor` say it; never the key itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeySource {
    /// `VITAL_API_KEY`.
    Variable,
    /// `--api-key-file PATH`.
    File(PathBuf),
    /// The OS keychain entry of the profile.
    Keychain,
    /// The owner-only fallback file `login` wrote where no keychain answered.
    StoredFile(PathBuf),
    /// No key: demo mode (or a key-less `--demo`).
    #[default]
    None,
}

impl KeySource {
    pub fn describe(&self) -> String {
        match self {
            KeySource::Variable => "the VITAL_API_KEY variable".into(),
            KeySource::File(p) => format!("the file {} (--api-key-file)", p.display()),
            KeySource::Keychain => "the OS keychain (vital-onboard login)".into(),
            KeySource::StoredFile(p) => {
                format!("the owner-only file {} (vital-onboard login)", p.display())
            }
            KeySource::None => "none: demo mode".into(),
        }
    }
}

/// What a connection is resolved from: the merged settings (flags, variables, profile, config
/// file: [`Settings::merge`]) and the key's sources.
#[derive(Debug, Clone, Default)]
pub struct ConnectionInput {
    pub settings: Settings,
    /// The value of `VITAL_API_KEY`, if set.
    pub api_key_env: Option<String>,
    pub api_key_file: Option<PathBuf>,
    /// The profile's stored key (keychain or fallback file), used only when neither
    /// `VITAL_API_KEY` nor `--api-key-file` gives one.
    pub stored_key: Option<(ApiKey, KeySource)>,
}

/// Resolved connection settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub target: Target,
    pub env: Environment,
    pub region: Region,
    pub key: Option<ApiKey>,
    pub legacy_hosts: bool,
    pub timeout: Duration,
    /// Read-only mode (`--read-only`, `read_only = true`, a read-only profile): front ends refuse
    /// to create users and to mint links, before sending anything
    /// ([`Connection::refuse_if_read_only`]). The value of `settings.read_only`.
    pub read_only: bool,
    /// Things to tell the user before starting (a key file others can read).
    pub warnings: Vec<String>,
    /// The chosen profile's name, for the console header and `status`.
    pub profile: Option<String>,
    /// Where the key came from.
    pub key_source: KeySource,
    /// The settings it was resolved from, with their origins, for `status` and `doctor`. Here
    /// `env` and `region` are always set: when no setting named them, with the origin
    /// [`Origin::KeyPrefix`] or [`Origin::Default`].
    pub settings: Settings,
}

/// What read-only mode says when asked to `action` (the command line and the console alike).
pub fn read_only_refusal(action: &str) -> String {
    format!(
        "read-only mode: will not {action}; nothing was sent (--read-only, or read_only = true in the config file or the profile)"
    )
}

impl Connection {
    /// In read-only mode, the message that refuses `action` (`mint a link`); else `Ok`.
    pub fn refuse_if_read_only(&self, action: &str) -> Result<(), String> {
        if self.read_only {
            Err(read_only_refusal(action))
        } else {
            Ok(())
        }
    }

    /// The base URL, except in demo mode, where the emulator's address is known only once it runs.
    pub fn base_url(&self) -> Option<Url> {
        match &self.target {
            Target::Vital { env, region } => {
                Some(Url::parse(vital_host(*env, *region, self.legacy_hosts)).expect("static host"))
            }
            Target::Custom { url, .. } => Some(url.clone()),
            Target::Demo => None,
        }
    }

    /// A short name for messages: `sandbox/us`, `production/eu`, `the demo emulator`, or the host.
    pub fn label(&self) -> String {
        match &self.target {
            Target::Vital { env, region } => format!("{}/{}", env.as_str(), region.as_str()),
            Target::Custom { url, .. } => display_url(url),
            Target::Demo => "the demo emulator".into(),
        }
    }

    /// Where the host came from, for the advice in API errors.
    pub fn host_origin(&self) -> crate::api::HostOrigin {
        use crate::api::HostOrigin;
        match &self.target {
            Target::Vital { .. } => HostOrigin::Vital,
            Target::Custom { url, .. } if is_vital_host(url) => HostOrigin::Vital,
            Target::Custom {
                origin: Origin::Variable(_),
                ..
            } => HostOrigin::BaseUrlVar,
            Target::Custom {
                origin: Origin::Profile,
                ..
            } => HostOrigin::BaseUrlProfile,
            Target::Custom { .. } => HostOrigin::BaseUrlFlag,
            Target::Demo => HostOrigin::Other,
        }
    }

    /// Where requests go, as `status` and `doctor` show it, each with the setting it came from:
    /// `("profile", "eu (--profile)")`, `("environment", "production (profile eu)")`,
    /// `("region", ...)`, `("host", "https://... (VITAL_BASE_URL)")`.
    pub fn place_lines(&self) -> Vec<(&'static str, String)> {
        let s = &self.settings;
        let with = |value: &str, origin: Option<Origin>| match origin {
            Some(o) => format!("{value} ({})", s.origin_text(o)),
            None => value.to_string(),
        };
        let origin = |o: Option<Origin>| o.or(Some(Origin::Default));
        let (env, region, host) = match &self.target {
            Target::Demo => {
                let why = if s.demo.value {
                    s.origin_text(s.demo.origin)
                } else {
                    "no API key".into()
                };
                (
                    format!("demo ({why})"),
                    "-".to_string(),
                    "the built-in emulator (started on demand)".to_string(),
                )
            }
            target => (
                with(self.env.as_str(), origin(s.env.as_ref().map(|e| e.origin))),
                with(
                    self.region.as_str(),
                    origin(s.region.as_ref().map(|r| r.origin)),
                ),
                match target {
                    Target::Custom { url, origin } => with(&display_url(url), Some(*origin)),
                    _ => self.base_url().map(|u| display_url(&u)).unwrap_or_default(),
                },
            ),
        };
        vec![
            ("profile", s.profile_text()),
            ("environment", env),
            ("region", region),
            ("host", host),
        ]
    }

    /// The other settings as `status` and `doctor` show them: `("timeout", "20 s (default)")`,
    /// `("legacy hosts", "off (default)")`, `("read-only", "on (config file): ...")`,
    /// `("operator", "jdoe (the OS login name)")`.
    pub fn mode_lines(&self) -> Vec<(&'static str, String)> {
        mode_lines(&self.settings)
    }

    pub fn is_production(&self) -> bool {
        !matches!(self.target, Target::Demo) && self.env == Environment::Production
    }
}

/// The settings other than where requests go, as `status` and `doctor` show them (also for a
/// profile that has no key yet): [`Connection::mode_lines`].
pub fn mode_lines(s: &Settings) -> Vec<(&'static str, String)> {
    let mut read_only = s.switch_text(&s.read_only);
    if s.read_only.value {
        read_only.push_str(": minting and creating users are refused");
    }
    vec![
        (
            "timeout",
            format!(
                "{} s ({})",
                s.timeout_secs.value,
                s.origin_text(s.timeout_secs.origin)
            ),
        ),
        ("legacy hosts", s.switch_text(&s.legacy_hosts)),
        ("read-only", read_only),
        ("operator", s.operator_text()),
        ("patient language", s.patient_language_text()),
    ]
}

impl ConnectionInput {
    /// True when `VITAL_API_KEY` or `--api-key-file` gives the key, so no stored one is needed.
    pub fn has_explicit_key(&self) -> bool {
        self.api_key_file.is_some()
            || self
                .api_key_env
                .as_deref()
                .is_some_and(|k| !k.trim().is_empty())
    }

    /// The key and where it came from, first wins: `VITAL_API_KEY`, `--api-key-file`, the stored
    /// key, none. A warning about the key file goes to `warnings`.
    fn key(
        &self,
        warnings: &mut Vec<String>,
    ) -> Result<(Option<ApiKey>, KeySource), SettingsError> {
        let env_key = self
            .api_key_env
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(ApiKey::new);
        Ok(match (env_key, &self.api_key_file, &self.stored_key) {
            (Some(k), _, _) => (Some(k), KeySource::Variable),
            (None, Some(path), _) => {
                let (key, warning) = read_key_file(path)?;
                warnings.extend(warning);
                (Some(key), KeySource::File(path.clone()))
            }
            (None, None, Some((k, source))) => (Some(k.clone()), source.clone()),
            (None, None, None) => (None, KeySource::None),
        })
    }

    /// Refuses an environment or region setting the key's prefix contradicts.
    fn check_scope(&self, key: &ApiKey, scope: (Environment, Region)) -> Result<(), SettingsError> {
        let s = &self.settings;
        if let Some(asked) = s.env.as_ref().filter(|e| e.value != scope.0) {
            return Err(env_mismatch(asked, key, scope.0, s.profile_name()));
        }
        if let Some(asked) = s.region.as_ref().filter(|r| r.value != scope.1) {
            return Err(region_mismatch(asked, key, scope.1, s.profile_name()));
        }
        Ok(())
    }

    /// A base URL as the target: an absolute http(s) URL, plain http only to this machine
    /// unless `--insecure-http`.
    fn custom_target(&self, raw: &Sourced<String>) -> Result<Target, SettingsError> {
        let source_name = url_source_name(raw.origin);
        let url = parse_http_url(&raw.value).map_err(|reason| SettingsError::BadBaseUrl {
            source_name,
            url: raw.value.clone(),
            reason,
        })?;
        if url.scheme() == "http" && !crate::api::is_loopback(&url) && !self.settings.insecure_http
        {
            return Err(SettingsError::InsecureHttp {
                source_name,
                url: display_url(&url),
            });
        }
        Ok(Target::Custom {
            url,
            origin: raw.origin,
        })
    }

    /// Where requests go: demo (asked for, or no key and no base URL), the base URL, or Vital's
    /// host for the environment and region.
    fn target(
        &self,
        has_key: bool,
        known_prefix: bool,
        env: Environment,
        region: Region,
    ) -> Result<Target, SettingsError> {
        let s = &self.settings;
        if s.demo.value {
            Ok(Target::Demo)
        } else if let (false, Some(profile)) = (has_key, s.profile_name()) {
            Err(SettingsError::NoStoredKey {
                profile: profile.to_string(),
            })
        } else if !has_key && s.base_url.is_none() {
            Ok(Target::Demo)
        } else if !has_key {
            Err(SettingsError::BaseUrlWithoutKey)
        } else if let Some(raw) = &s.base_url {
            self.custom_target(raw)
        } else if !known_prefix {
            Err(SettingsError::UnknownKeyPrefix)
        } else {
            Ok(Target::Vital { env, region })
        }
    }

    pub fn resolve(&self) -> Result<Connection, SettingsError> {
        let mut warnings = Vec::new();
        let (key, key_source) = self.key(&mut warnings)?;
        let scope = key.as_ref().and_then(ApiKey::scope);
        if let (Some(k), Some(scope)) = (&key, scope) {
            self.check_scope(k, scope)?;
        }
        let s = &self.settings;
        let env = s.env.clone().unwrap_or_else(|| match scope {
            Some((e, _)) => Sourced::new(e, Origin::KeyPrefix),
            None => Sourced::new(Environment::Sandbox, Origin::Default),
        });
        let region = s.region.clone().unwrap_or_else(|| match scope {
            Some((_, r)) => Sourced::new(r, Origin::KeyPrefix),
            None => Sourced::new(Region::Us, Origin::Default),
        });
        let target = self.target(key.is_some(), scope.is_some(), env.value, region.value)?;
        let (env_value, region_value) = if target == Target::Demo {
            (Environment::Sandbox, Region::Us)
        } else {
            (env.value, region.value)
        };
        let settings = Settings {
            env: Some(env),
            region: Some(region),
            ..s.clone()
        };
        Ok(Connection {
            target,
            env: env_value,
            region: region_value,
            key_source: if key.is_some() {
                key_source
            } else {
                KeySource::None
            },
            key,
            legacy_hosts: s.legacy_hosts.value,
            timeout: Duration::from_secs(s.timeout_secs.value.max(1)),
            read_only: s.read_only.value,
            warnings,
            profile: s.profile_name().map(str::to_string),
            settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps, reason = "it fills in an optional setting")]
    fn flag<T>(value: T, name: &'static str) -> Option<Sourced<T>> {
        Some(Sourced::new(value, Origin::Flag(name)))
    }

    fn url(value: &str) -> Option<Sourced<String>> {
        flag(value.to_string(), "--base-url")
    }

    fn input(key: Option<&str>) -> ConnectionInput {
        ConnectionInput {
            api_key_env: key.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn key_prefix_picks_env_region_and_host() {
        let c = input(Some("pk_eu_abc")).resolve().unwrap();
        assert_eq!(
            c.target,
            Target::Vital {
                env: Environment::Production,
                region: Region::Eu
            }
        );
        assert_eq!(
            c.base_url().unwrap().as_str(),
            "https://api.eu.junction.com/"
        );
        assert_eq!(c.label(), "production/eu");
        assert!(c.is_production());

        let c = input(Some("sk_us_abc")).resolve().unwrap();
        assert_eq!(
            c.base_url().unwrap().as_str(),
            "https://api.sandbox.us.junction.com/"
        );
        let mut legacy = input(Some("sk_eu_abc"));
        legacy.settings.legacy_hosts = Sourced::new(true, Origin::ConfigFile);
        assert_eq!(
            legacy.resolve().unwrap().base_url().unwrap().as_str(),
            "https://api.sandbox.eu.tryvital.io/"
        );
    }

    #[test]
    fn no_key_means_demo() {
        let c = input(None).resolve().unwrap();
        assert_eq!(c.target, Target::Demo);
        assert!(!c.is_production());
        let c = input(Some("   ")).resolve().unwrap();
        assert_eq!(c.target, Target::Demo, "a blank key counts as none");
        let mut d = input(Some("sk_us_x"));
        d.settings.demo = Sourced::new(true, Origin::Flag("--demo"));
        assert_eq!(d.resolve().unwrap().target, Target::Demo);
    }

    #[test]
    fn explicit_mismatch_is_refused() {
        let mut i = input(Some("sk_us_abc"));
        i.settings.env = flag(Environment::Production, "--env");
        let e = i.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::EnvMismatch { .. }));
        assert!(e.to_string().contains("sandbox key (sk_us_…)"), "{e}");
        assert!(!e.to_string().contains("abc"), "never shows the key");

        let mut i = input(Some("pk_us_abc"));
        i.settings.env = flag(Environment::Sandbox, "--env");
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::EnvMismatch { .. })
        ));

        let mut i = input(Some("sk_us_abc"));
        i.settings.region = flag(Region::Eu, "--region");
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::RegionMismatch { .. })
        ));

        let mut ok = input(Some("sk_eu_abc"));
        ok.settings.env = flag(Environment::Sandbox, "--env");
        ok.settings.region = flag(Region::Eu, "--region");
        assert!(ok.resolve().is_ok());
    }

    #[test]
    fn unknown_prefix_needs_base_url() {
        assert_eq!(
            input(Some("abc")).resolve().unwrap_err(),
            SettingsError::UnknownKeyPrefix
        );
        let mut i = input(Some("abc"));
        i.settings.base_url = url("http://127.0.0.1:9/");
        let c = i.resolve().unwrap();
        assert_eq!(c.label(), "http://127.0.0.1:9");
        assert_eq!(c.env, Environment::Sandbox);
    }

    #[test]
    fn base_url_needs_a_key_and_is_validated() {
        let mut i = input(None);
        i.settings.base_url = url("http://localhost:8080");
        assert_eq!(i.resolve(), Err(SettingsError::BaseUrlWithoutKey));
        i.settings.demo = Sourced::new(true, Origin::Flag("--demo"));
        assert_eq!(i.resolve().unwrap().target, Target::Demo, "--demo wins");
        let mut i = input(Some("anything"));
        i.settings.base_url = url("http://localhost:8080");
        assert!(matches!(i.resolve().unwrap().target, Target::Custom { .. }));
        i.settings.base_url = url("ftp://x");
        assert!(matches!(i.resolve(), Err(SettingsError::BadBaseUrl { .. })));
        i.settings.base_url = url("not a url");
        assert!(matches!(i.resolve(), Err(SettingsError::BadBaseUrl { .. })));
    }

    #[test]
    fn plain_http_to_another_machine_needs_insecure_http() {
        let mut i = input(Some("k"));
        i.settings.base_url = url("http://proxy.example:8080");
        let e = i.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::InsecureHttp { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("--base-url http://proxy.example:8080"),
            "{e}"
        );
        i.settings.base_url = Some(Sourced::new(
            "http://proxy.example:8080".into(),
            Origin::Variable("VITAL_BASE_URL"),
        ));
        assert!(
            i.resolve()
                .unwrap_err()
                .to_string()
                .starts_with("VITAL_BASE_URL")
        );
        i.settings.insecure_http = true;
        assert!(i.resolve().is_ok());
        for ok in [
            "http://127.0.0.1:9",
            "http://localhost:8080",
            "http://[::1]:1",
            "https://proxy.example",
        ] {
            let mut i = input(Some("k"));
            i.settings.base_url = url(ok);
            assert!(i.resolve().is_ok(), "{ok}");
        }
    }

    #[test]
    fn read_only_reaches_the_connection() {
        let mut i = input(Some("sk_us_abc"));
        assert!(
            i.resolve()
                .unwrap()
                .refuse_if_read_only("mint a link")
                .is_ok()
        );
        i.settings.read_only = Sourced::new(true, Origin::ConfigFile);
        let c = i.resolve().unwrap();
        assert!(c.read_only);
        let e = c.refuse_if_read_only("mint a link").unwrap_err();
        assert!(
            e.contains("read-only mode") && e.contains("will not mint a link"),
            "{e}"
        );
    }

    #[test]
    fn credentials_in_a_base_url_are_never_shown() {
        let mut i = input(Some("k"));
        i.settings.base_url = url("https://user:s3cret@proxy.example/vital/");
        let c = i.resolve().unwrap();
        assert_eq!(c.label(), "https://proxy.example/vital");
        assert!(
            c.base_url().unwrap().as_str().contains("s3cret"),
            "still used for requests"
        );
    }

    #[test]
    fn key_file_first_line_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key");
        std::fs::write(&p, "  sk_eu_secret  \nsecond line\n").unwrap();
        let mut i = input(None);
        i.api_key_file = Some(p.clone());
        let c = i.resolve().unwrap();
        assert_eq!(c.key.as_ref().unwrap().expose(), "sk_eu_secret");
        assert_eq!(c.label(), "sandbox/eu");
        assert_eq!(c.key_source, KeySource::File(p.clone()));
        std::fs::write(&p, "\n").unwrap();
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::EmptyKeyFile { .. })
        ));
        i.api_key_file = Some(dir.path().join("missing"));
        assert!(matches!(i.resolve(), Err(SettingsError::KeyFile { .. })));
    }
}
