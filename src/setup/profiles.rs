//! Profiles: `[profile.NAME]` tables in the config file, one per team (environment, region,
//! `base_url`, `clinic_name`, default preset, `read_only`), and the resolution of the connection for
//! the chosen one.
//!
//! The profile is `--profile NAME`, else `VITAL_ONBOARD_PROFILE`, else `default_profile` in the
//! config, else none (chosen with the other settings: `super::settings`). `demo` always exists
//! and means the built-in emulator. Key sources, first wins: `VITAL_API_KEY`, `--api-key-file`,
//! the profile's keychain entry (or its fallback file), else demo.

use serde::Serialize;

use crate::setup::config::Config;
pub use crate::setup::config::{DEMO, Profile};
use crate::setup::connection::{Connection, ConnectionInput};
use crate::setup::keychain::{self, Keychain};

/// True when the console should start with a profile picker: several profiles and none chosen.
pub fn needs_picker(config: &Config, chosen: Option<&str>) -> bool {
    chosen.is_none() && config.profiles.len() >= 2
}

/// The config as seen from a profile: its `clinic_name` replaces the top-level one.
pub fn effective_config(config: &Config, profile: Option<&str>) -> Config {
    let mut c = config.clone();
    if let Some(p) = profile.and_then(|n| config.profiles.get(n))
        && p.clinic_name.is_some()
    {
        c.clinic_name.clone_from(&p.clinic_name);
    }
    c
}

/// Fills in the stored key of the settings' profile (keychain, else its fallback file) when no
/// variable or file gives a key and the settings do not ask for demo. Notes (keychain
/// unavailable, readable key file) are pushed to `notes`.
pub fn prepare(
    input: &mut ConnectionInput,
    keychain: &dyn Keychain,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    if !input.has_explicit_key() && !input.settings.demo.value {
        let account = keychain::account(input.settings.profile_name());
        let fallback = keychain::fallback_path(&account);
        input.stored_key = keychain::lookup(keychain, &account, fallback.as_deref(), notes)?;
    }
    Ok(())
}

/// The connection for `input` (its settings merged for the chosen profile): [`prepare`], then
/// the pure resolution.
pub fn resolve(
    mut input: ConnectionInput,
    keychain: &dyn Keychain,
    notes: &mut Vec<String>,
) -> Result<Connection, String> {
    prepare(&mut input, keychain, notes)?;
    input.resolve().map_err(|e| e.to_string())
}

/// Whether a profile has a key stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    Keychain,
    File,
    No,
    /// The keychain did not answer and there is no file.
    Unknown,
}

/// One row of `vital-onboard profiles` (and of the console's picker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub name: String,
    /// `sandbox` / `production`, or `from the key` when the profile does not say.
    pub environment: String,
    pub region: String,
    pub base_url: Option<String>,
    pub key: Stored,
    pub default: bool,
    pub read_only: bool,
}

impl Entry {
    /// Where its key is: `keychain`, `file`, `none`, `unknown`, or `-` for the demo.
    pub fn key_label(&self) -> &'static str {
        match self.key {
            Stored::Keychain => "keychain",
            Stored::File => "file",
            Stored::No if self.name == DEMO => "-",
            Stored::No => "none",
            Stored::Unknown => "unknown",
        }
    }

    /// Its host: the `base_url`, or where the environment and region point.
    pub fn host_label(&self) -> &str {
        self.base_url.as_deref().unwrap_or(if self.name == DEMO {
            "built-in emulator"
        } else {
            "from environment/region"
        })
    }
}

fn stored(keychain: &dyn Keychain, profile: Option<&str>) -> Stored {
    let account = keychain::account(profile);
    let file = keychain::fallback_path(&account).is_some_and(|p| p.exists());
    match keychain.get(&account) {
        Ok(Some(_)) => Stored::Keychain,
        _ if file => Stored::File,
        Ok(None) => Stored::No,
        Err(_) => Stored::Unknown,
    }
}

/// Every profile in the config (sorted by name), then `demo`.
pub fn list(config: &Config, keychain: &dyn Keychain) -> Vec<Entry> {
    let default = config.default_profile.as_deref();
    let mut rows: Vec<Entry> = config
        .profiles
        .iter()
        .map(|(name, p)| Entry {
            name: name.clone(),
            environment: p
                .environment
                .map_or("from the key".into(), |e| e.as_str().into()),
            region: p
                .region
                .map_or("from the key".into(), |r| r.as_str().into()),
            base_url: p.base_url.clone(),
            key: stored(keychain, Some(name)),
            default: default == Some(name.as_str()),
            read_only: p.read_only,
        })
        .collect();
    rows.push(Entry {
        name: DEMO.into(),
        environment: "demo".into(),
        region: "-".into(),
        base_url: None,
        key: Stored::No,
        default: default == Some(DEMO),
        read_only: false,
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiKey, Environment, Region};
    use crate::setup::connection::{KeySource, SettingsError, Target};
    use crate::setup::keychain::KeychainError;
    use crate::setup::settings::{Flags, Origin, Settings, Sourced, Sources};
    use std::path::Path;

    struct Map(std::collections::HashMap<String, String>);

    impl Keychain for Map {
        fn get(&self, account: &str) -> Result<Option<String>, KeychainError> {
            Ok(self.0.get(account).cloned())
        }
        fn set(&self, _: &str, _: &str) -> Result<(), KeychainError> {
            unreachable!()
        }
        fn delete(&self, _: &str) -> Result<bool, KeychainError> {
            unreachable!()
        }
        fn name(&self) -> &'static str {
            "the test keychain"
        }
    }

    fn config() -> Config {
        Config::parse(
            r#"
            default_profile = "us"
            clinic_name = "Top"
            [profile.us]
            environment = "sandbox"
            region = "us"
            [profile.eu-prod]
            environment = "production"
            region = "eu"
            clinic_name = "Klinik"
            read_only = true
            default_preset = "wearables"
            "#,
            Path::new("c.toml"),
        )
        .unwrap()
    }

    fn chain(pairs: &[(&str, &str)]) -> Map {
        Map(pairs
            .iter()
            .map(|(a, k)| (a.to_string(), k.to_string()))
            .collect())
    }

    /// The input for `profile` of `config` with `VITAL_API_KEY` = `var` and no other setting.
    fn input(config: &Config, profile: Option<&str>, var: Option<&str>) -> ConnectionInput {
        let flags = Flags {
            profile: profile.map(str::to_string),
            ..Flags::default()
        };
        let settings = Settings::merge(&Sources {
            flags: &flags,
            var: &|_: &str| None,
            config,
        })
        .unwrap();
        ConnectionInput {
            settings,
            api_key_env: var.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn picker_and_the_profile_view_of_the_config() {
        let c = config();
        assert!(needs_picker(
            &Config {
                default_profile: None,
                ..c.clone()
            },
            None
        ));
        assert!(!needs_picker(&c, Some("us")));
        assert_eq!(
            effective_config(&c, Some("eu-prod")).clinic_name.as_deref(),
            Some("Klinik")
        );
        assert_eq!(
            effective_config(&c, Some("us")).clinic_name.as_deref(),
            Some("Top")
        );
        assert_eq!(
            c.profiles["eu-prod"].default_preset.as_deref(),
            Some("wearables")
        );
    }

    #[test]
    fn config_refuses_bad_profiles() {
        let p = Path::new("c.toml");
        for (text, needle) in [
            ("[profile.demo]\n", "reserved"),
            ("[profile.\"a b\"]\n", "letters"),
            ("default_profile = \"x\"\n", "names no [profile.x]"),
            ("[profile.x]\nenvironment = \"prod\"\n", "prod"),
            ("[profile.x]\napi_key = \"sk_us_x\"\n", "api_key"),
        ] {
            let e = Config::parse(text, p).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn stored_key_is_per_profile_and_variables_win() {
        let c = config();
        let kc = chain(&[
            ("profile:eu-prod", "pk_eu_chain"),
            ("default", "sk_us_dflt"),
        ]);
        let mut notes = vec![];
        let conn = resolve(input(&c, Some("eu-prod"), None), &kc, &mut notes).unwrap();
        assert_eq!(conn.key_source, KeySource::Keychain);
        assert_eq!(conn.label(), "production/eu");
        assert_eq!(conn.profile.as_deref(), Some("eu-prod"));
        assert!(conn.read_only);

        let conn = resolve(
            input(&c, Some("eu-prod"), Some("pk_eu_var")),
            &kc,
            &mut notes,
        )
        .unwrap();
        assert_eq!(conn.key_source, KeySource::Variable);
        assert_eq!(conn.key.unwrap().expose(), "pk_eu_var");

        let conn = resolve(input(&Config::default(), None, None), &kc, &mut notes).unwrap();
        assert_eq!(conn.key.unwrap(), ApiKey::new("sk_us_dflt"));
        assert_eq!(conn.profile, None);

        // No key stored for "us": refused in the profile's terms, no silent demo.
        let e = resolve(input(&c, Some("us"), None), &chain(&[]), &mut notes).unwrap_err();
        assert_eq!(
            e,
            "no key stored for profile us: run `vital-onboard login --profile us` (or set VITAL_API_KEY; --profile demo runs the built-in demo)"
        );
        // Also when the profile names a base_url: nobody typed --base-url.
        let local = Config::parse(
            "[profile.local-emulator]\nbase_url = \"http://127.0.0.1:8080\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        let e = resolve(
            input(&local, Some("local-emulator"), None),
            &chain(&[]),
            &mut notes,
        )
        .unwrap_err();
        assert!(
            e.starts_with("no key stored for profile local-emulator: run `vital-onboard login --profile local-emulator`"),
            "{e}"
        );

        let conn = resolve(input(&c, Some(DEMO), Some("pk_eu_var")), &kc, &mut notes).unwrap();
        assert_eq!(conn.target, Target::Demo);
        assert_eq!(conn.profile.as_deref(), Some(DEMO));
    }

    #[test]
    fn a_key_that_contradicts_its_profile_is_refused() {
        let c = config();
        let kc = chain(&[
            ("profile:eu-prod", "sk_eu_sandboxkey"),
            ("profile:us", "sk_eu_x"),
        ]);
        let e = resolve(input(&c, Some("eu-prod"), None), &kc, &mut vec![]).unwrap_err();
        assert!(e.contains("profile eu-prod says production"), "{e}");
        assert!(!e.contains("sandboxkey"));
        let e = resolve(input(&c, Some("us"), None), &kc, &mut vec![]).unwrap_err();
        assert!(e.contains("profile us says region us"), "{e}");
    }

    #[test]
    fn list_shows_every_profile_then_demo() {
        let c = config();
        let kc = chain(&[("profile:eu-prod", "pk_eu_chain")]);
        let rows = list(&c, &kc);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["eu-prod", "us", "demo"]);
        assert_eq!(rows[0].key, Stored::Keychain);
        assert_eq!(rows[0].environment, "production");
        assert!(rows[1].default && !rows[0].default);
    }

    #[test]
    fn key_sources_in_order_variable_file_stored_demo() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key");
        std::fs::write(&p, "sk_eu_fromfile\n").unwrap();
        let stored = Some((
            ApiKey::new("pk_us_stored"),
            KeySource::StoredFile(dir.path().join("s")),
        ));
        let mut i = input(&Config::default(), None, Some("sk_us_fromvar"));
        i.api_key_file = Some(p.clone());
        i.stored_key = stored.clone();
        let c = i.resolve().unwrap();
        assert_eq!(
            (c.key.unwrap().expose(), c.key_source),
            ("sk_us_fromvar", KeySource::Variable)
        );
        i.api_key_env = Some("  ".into());
        let c = i.resolve().unwrap();
        assert_eq!(c.key.unwrap().expose(), "sk_eu_fromfile");
        assert_eq!(c.key_source, KeySource::File(p));
        i.api_key_file = None;
        let c = i.resolve().unwrap();
        assert_eq!(c.key.as_ref().unwrap().expose(), "pk_us_stored");
        assert!(matches!(c.key_source, KeySource::StoredFile(_)));
        assert_eq!(c.label(), "production/us");
        i.stored_key = None;
        let c = i.resolve().unwrap();
        assert_eq!((c.target, c.key_source), (Target::Demo, KeySource::None));
    }

    #[test]
    fn profile_settings_fill_in_and_mismatches_are_refused() {
        let c = Config::parse(
            "[profile.eu-prod]\nenvironment = \"production\"\nregion = \"eu\"\nread_only = true\n\
             [profile.us]\nregion = \"us\"\n\
             [profile.local]\nbase_url = \"http://127.0.0.1:9\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        let mut i = input(&c, Some("eu-prod"), None);
        i.stored_key = Some((ApiKey::new("pk_eu_abc"), KeySource::Keychain));
        let conn = i.resolve().unwrap();
        assert_eq!(conn.label(), "production/eu");
        assert_eq!(conn.profile.as_deref(), Some("eu-prod"));
        assert!(conn.read_only);

        i.stored_key = Some((ApiKey::new("sk_eu_abc"), KeySource::Keychain));
        let e = i.resolve().unwrap_err();
        assert!(matches!(e, SettingsError::ProfileEnvMismatch { .. }), "{e}");
        assert!(
            e.to_string().contains("profile eu-prod says production"),
            "{e}"
        );
        assert!(!e.to_string().contains("abc"), "never shows the key");

        let mut i = input(&c, Some("us"), None);
        i.stored_key = Some((ApiKey::new("sk_eu_abc"), KeySource::Keychain));
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::ProfileRegionMismatch { .. })
        ));
        // A flag wins over the profile, and is checked as a flag.
        i.settings.region = Some(Sourced::new(Region::Eu, Origin::Flag("--region")));
        assert!(i.resolve().is_ok());
        i.settings.env = Some(Sourced::new(Environment::Production, Origin::Flag("--env")));
        assert!(matches!(
            i.resolve(),
            Err(SettingsError::EnvMismatch { .. })
        ));

        // A profile's base_url is used like --base-url, and the flag wins.
        let mut i = input(&c, Some("local"), Some("anything"));
        let conn = i.resolve().unwrap();
        assert_eq!(conn.label(), "http://127.0.0.1:9");
        assert_eq!(
            conn.host_origin(),
            crate::api::HostOrigin::BaseUrlProfile,
            "errors name the profile's base_url, not --base-url"
        );
        i.settings.base_url = Some(Sourced::new(
            "http://127.0.0.1:10".into(),
            Origin::Flag("--base-url"),
        ));
        assert_eq!(i.resolve().unwrap().label(), "http://127.0.0.1:10");
    }
}
