//! Connection settings: which API to talk to, with which key. Pure resolution from the command
//! line, the environment and the config file, so it can be tested without a process.
//!
//! Key sources, first wins: `VITAL_API_KEY`, `--api-key-file`, the profile's stored key (keychain
//! or its fallback file, looked up by the caller: see `setup::profiles`), else demo.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

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
    /// `--base-url` or `VITAL_BASE_URL` (`from_var`): an emulator or proxy.
    Custom { url: Url, from_var: bool },
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

/// A profile's connection settings (`[profile.NAME]` in the config file); flags and variables win
/// over them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    pub name: String,
    pub env: Option<Environment>,
    pub region: Option<Region>,
    pub base_url: Option<String>,
    pub read_only: bool,
}

/// What the user gave: flags, environment variables and config, before resolution.
#[derive(Debug, Clone, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "it mirrors the command-line switches"
)]
pub struct ConnectionInput {
    /// The value of `VITAL_API_KEY`, if set.
    pub api_key_env: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub env: Option<Environment>,
    pub region: Option<Region>,
    pub base_url: Option<String>,
    pub legacy_hosts: bool,
    pub demo: bool,
    pub timeout_secs: u64,
    /// Where `env`, `region` and `base_url` came from: `true` for the variable
    /// (`VITAL_ENV`, ...), `false` for the flag. Messages name the source.
    pub env_from_var: bool,
    pub region_from_var: bool,
    pub base_url_from_var: bool,
    /// `--insecure-http`: allow plain http to a host that is not this machine.
    pub insecure_http: bool,
    /// `--read-only` or `read_only = true`: no user is created and no link minted.
    pub read_only: bool,
    /// The chosen profile, if any.
    pub profile: Option<ProfileSettings>,
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
    /// ([`Connection::refuse_if_read_only`]).
    pub read_only: bool,
    /// Things to tell the user before starting (a key file others can read).
    pub warnings: Vec<String>,
    /// The chosen profile's name, for the console header and `status`.
    pub profile: Option<String>,
    /// Where the key came from.
    pub key_source: KeySource,
}

/// What read-only mode says when asked to `action` (the command line and the console alike).
pub fn read_only_refusal(action: &str) -> String {
    format!(
        "read-only mode (--read-only, read_only = true in the config file or the profile): will not {action}; nothing was sent"
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
            Target::Custom { from_var: true, .. } => HostOrigin::BaseUrlVar,
            Target::Custom {
                from_var: false, ..
            } => HostOrigin::BaseUrlFlag,
            Target::Demo => HostOrigin::Other,
        }
    }

    pub fn is_production(&self) -> bool {
        !matches!(self.target, Target::Demo) && self.env == Environment::Production
    }
}

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
}

pub use super::key_file::read_key_file;

impl ConnectionInput {
    /// True when `VITAL_API_KEY` or `--api-key-file` gives the key, so no stored one is needed.
    pub fn has_explicit_key(&self) -> bool {
        self.api_key_file.is_some()
            || self
                .api_key_env
                .as_deref()
                .is_some_and(|k| !k.trim().is_empty())
    }

    pub fn resolve(&self) -> Result<Connection, SettingsError> {
        let mut warnings = Vec::new();
        let env_key = self
            .api_key_env
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(ApiKey::new);
        let (key, key_source) = match (env_key, &self.api_key_file, &self.stored_key) {
            (Some(k), _, _) => (Some(k), KeySource::Variable),
            (None, Some(path), _) => {
                let (key, warning) = read_key_file(path)?;
                warnings.extend(warning);
                (Some(key), KeySource::File(path.clone()))
            }
            (None, None, Some((k, source))) => (Some(k.clone()), source.clone()),
            (None, None, None) => (None, KeySource::None),
        };
        let timeout = Duration::from_secs(self.timeout_secs.max(1));
        let scope = key.as_ref().and_then(ApiKey::scope);
        let profile = self.profile.as_ref();

        if let (Some(k), Some((key_env, key_region))) = (&key, scope) {
            if let Some(asked) = self.env.filter(|e| *e != key_env) {
                let (asked, remedy) = if self.env_from_var {
                    (format!("VITAL_ENV={}", asked.as_str()), "unset VITAL_ENV")
                } else {
                    (format!("--env {}", asked.as_str()), "drop --env")
                };
                return Err(SettingsError::EnvMismatch {
                    asked,
                    remedy,
                    key_env: key_env.as_str(),
                    prefix: k.prefix(),
                });
            }
            if let Some(asked) = self.region.filter(|r| *r != key_region) {
                let (asked, remedy) = if self.region_from_var {
                    (
                        format!("VITAL_REGION={}", asked.as_str()),
                        "set VITAL_REGION to",
                    )
                } else {
                    (format!("--region {}", asked.as_str()), "use --region")
                };
                return Err(SettingsError::RegionMismatch {
                    asked,
                    remedy,
                    key_region: key_region.as_str(),
                    prefix: k.prefix(),
                });
            }
            if let Some(p) = profile.filter(|_| self.env.is_none())
                && let Some(asked) = p.env.filter(|e| *e != key_env)
            {
                return Err(SettingsError::ProfileEnvMismatch {
                    profile: p.name.clone(),
                    asked: asked.as_str(),
                    key_env: key_env.as_str(),
                    prefix: k.prefix(),
                });
            }
            if let Some(p) = profile.filter(|_| self.region.is_none())
                && let Some(asked) = p.region.filter(|r| *r != key_region)
            {
                return Err(SettingsError::ProfileRegionMismatch {
                    profile: p.name.clone(),
                    asked: asked.as_str(),
                    key_region: key_region.as_str(),
                    prefix: k.prefix(),
                });
            }
        }
        let env = self
            .env
            .or(profile.and_then(|p| p.env))
            .or(scope.map(|s| s.0))
            .unwrap_or(Environment::Sandbox);
        let region = self
            .region
            .or(profile.and_then(|p| p.region))
            .or(scope.map(|s| s.1))
            .unwrap_or(Region::Us);
        let base_url = self
            .base_url
            .clone()
            .or_else(|| profile.and_then(|p| p.base_url.clone()));

        let target = if self.demo || (key.is_none() && base_url.is_none()) {
            Target::Demo
        } else if key.is_none() {
            return Err(SettingsError::BaseUrlWithoutKey);
        } else if let Some(raw) = &base_url {
            let source_name = match (&self.base_url, self.base_url_from_var) {
                (None, _) => "the profile's base_url",
                (Some(_), true) => "VITAL_BASE_URL",
                (Some(_), false) => "--base-url",
            };
            let url = parse_http_url(raw).map_err(|reason| SettingsError::BadBaseUrl {
                source_name,
                url: raw.clone(),
                reason,
            })?;
            if url.scheme() == "http" && !crate::api::is_loopback(&url) && !self.insecure_http {
                return Err(SettingsError::InsecureHttp {
                    source_name,
                    url: display_url(&url),
                });
            }
            Target::Custom {
                url,
                from_var: self.base_url.is_some() && self.base_url_from_var,
            }
        } else {
            if scope.is_none() {
                return Err(SettingsError::UnknownKeyPrefix);
            }
            Target::Vital { env, region }
        };
        let (env, region) = if target == Target::Demo {
            (Environment::Sandbox, Region::Us)
        } else {
            (env, region)
        };
        Ok(Connection {
            target,
            env,
            region,
            key_source: if key.is_some() {
                key_source
            } else {
                KeySource::None
            },
            key,
            legacy_hosts: self.legacy_hosts,
            timeout,
            read_only: self.read_only || profile.is_some_and(|p| p.read_only),
            warnings,
            profile: profile.map(|p| p.name.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: Option<&str>) -> ConnectionInput {
        ConnectionInput {
            api_key_env: key.map(str::to_string),
            timeout_secs: 20,
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
        legacy.legacy_hosts = true;
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
        d.demo = true;
        assert_eq!(d.resolve().unwrap().target, Target::Demo);
    }

    #[test]
    fn explicit_mismatch_is_refused() {
        let mut i = input(Some("sk_us_abc"));
        i.env = Some(Environment::Production);
        let e = i.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::EnvMismatch { .. }));
        assert!(e.to_string().contains("sandbox key (sk_us_…)"), "{e}");
        assert!(!e.to_string().contains("abc"), "never shows the key");

        let mut i = input(Some("pk_us_abc"));
        i.env = Some(Environment::Sandbox);
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::EnvMismatch { .. })
        ));

        let mut i = input(Some("sk_us_abc"));
        i.region = Some(Region::Eu);
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::RegionMismatch { .. })
        ));

        let mut ok = input(Some("sk_eu_abc"));
        ok.env = Some(Environment::Sandbox);
        ok.region = Some(Region::Eu);
        assert!(ok.resolve().is_ok());
    }

    #[test]
    fn unknown_prefix_needs_base_url() {
        assert_eq!(
            input(Some("abc")).resolve().unwrap_err(),
            SettingsError::UnknownKeyPrefix
        );
        let mut i = input(Some("abc"));
        i.base_url = Some("http://127.0.0.1:9/".into());
        let c = i.resolve().unwrap();
        assert_eq!(c.label(), "http://127.0.0.1:9");
        assert_eq!(c.env, Environment::Sandbox);
    }

    #[test]
    fn base_url_needs_a_key_and_is_validated() {
        let mut i = input(None);
        i.base_url = Some("http://localhost:8080".into());
        assert_eq!(i.resolve(), Err(SettingsError::BaseUrlWithoutKey));
        i.demo = true;
        assert_eq!(i.resolve().unwrap().target, Target::Demo, "--demo wins");
        let mut i = input(Some("anything"));
        i.base_url = Some("http://localhost:8080".into());
        assert!(matches!(i.resolve().unwrap().target, Target::Custom { .. }));
        i.base_url = Some("ftp://x".into());
        assert!(matches!(i.resolve(), Err(SettingsError::BadBaseUrl { .. })));
        i.base_url = Some("not a url".into());
        assert!(matches!(i.resolve(), Err(SettingsError::BadBaseUrl { .. })));
    }

    #[test]
    fn plain_http_to_another_machine_needs_insecure_http() {
        let mut i = input(Some("k"));
        i.base_url = Some("http://proxy.example:8080".into());
        let e = i.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::InsecureHttp { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("--base-url http://proxy.example:8080"),
            "{e}"
        );
        i.base_url_from_var = true;
        assert!(
            i.resolve()
                .unwrap_err()
                .to_string()
                .starts_with("VITAL_BASE_URL")
        );
        i.insecure_http = true;
        assert!(i.resolve().is_ok());
        for ok in [
            "http://127.0.0.1:9",
            "http://localhost:8080",
            "http://[::1]:1",
            "https://proxy.example",
        ] {
            let mut i = input(Some("k"));
            i.base_url = Some(ok.into());
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
        i.read_only = true;
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
        i.base_url = Some("https://user:s3cret@proxy.example/vital/".into());
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
