//! Tests of the settings' merge ([`super::Settings::merge`]): each setting from its sources in
//! order, with its origin.

use super::*;
use crate::i18n::Language;
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

#[test]
fn the_patient_language_comes_from_the_profile_then_the_config_file_then_english() {
    let plain = config("[profile.a]\n");
    let s = merge(&Flags::default(), &[], &plain).unwrap();
    assert_eq!(
        s.patient_language,
        Sourced::new(Language::En, Origin::Default)
    );
    assert_eq!(s.patient_language_text(), "English (en) (default)");
    let named = config(
        "patient_language = \"es\"\n[profile.a]\n[profile.b]\npatient_language = \"pt-BR\"\n",
    );
    let s = merge(&Flags::default(), &[], &named).unwrap();
    assert_eq!(
        s.patient_language,
        Sourced::new(Language::Es, Origin::ConfigFile)
    );
    assert_eq!(s.patient_language_text(), "Español (es) (config file)");
    let with = |profile: &str| Flags {
        profile: Some(profile.into()),
        ..Flags::default()
    };
    let s = merge(&with("a"), &[], &named).unwrap();
    assert_eq!(s.patient_language.value, Language::Es);
    let s = merge(&with("b"), &[], &named).unwrap();
    assert_eq!(
        s.patient_language,
        Sourced::new(Language::PtBr, Origin::Profile)
    );
    assert_eq!(
        s.patient_language_text(),
        "Português (Brasil) (pt-BR) (profile b)"
    );
    // The demo profile has no table: the config file's.
    let s = merge(&with(DEMO), &[], &named).unwrap();
    assert_eq!(s.patient_language.value, Language::Es);
}
