//! The command line's parse rules: flags in either place, conflicts and requirements.
use super::*;
use clap::CommandFactory;

#[test]
fn cli_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn there_is_no_flag_that_takes_the_key() {
    let cmd = Cli::command();
    for arg in cmd.get_arguments() {
        assert_ne!(
            arg.get_long(),
            Some("api-key"),
            "the key must not be a flag"
        );
    }
    assert!(Cli::try_parse_from(["vital-onboard", "--api-key", "sk_us_x", "providers"]).is_err());
}

#[test]
fn flags_carry_every_setting_and_read_only_wherever_it_was_given() {
    let cli = Cli::try_parse_from([
        "vital-onboard",
        "--env",
        "sandbox",
        "--timeout",
        "7",
        "link",
        "--user",
        "u",
        "--profile",
        "eu",
        "--read-only",
    ])
    .unwrap();
    let flags = cli.connection().unwrap().unwrap().flags();
    assert_eq!(
        (flags.env, flags.timeout_secs, flags.profile.as_deref()),
        (Some(Environment::Sandbox), Some(7), Some("eu"))
    );
    assert!(flags.read_only, "--read-only after the command");
    let before = Cli::try_parse_from(["vital-onboard", "--read-only", "tui"]).unwrap();
    assert!(before.connection().unwrap().unwrap().flags().read_only);
    let none = Cli::try_parse_from(["vital-onboard", "status"]).unwrap();
    assert!(!none.connection().unwrap().unwrap().flags().read_only);
}

#[test]
fn presets_check_and_config_take_config_after_them() {
    let config_of = |args: &[&str]| {
        let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        cli.connection().unwrap().unwrap().config
    };
    let qa = Some(PathBuf::from("qa.toml"));
    for args in [
        &["vital-onboard", "presets", "check", "--config", "qa.toml"][..],
        &["vital-onboard", "presets", "--config", "qa.toml", "check"],
        &["vital-onboard", "--config", "qa.toml", "presets", "check"],
        &["vital-onboard", "config", "init", "--config", "qa.toml"],
        &["vital-onboard", "config", "path", "--config", "qa.toml"],
        &["vital-onboard", "--config", "qa.toml", "config", "path"],
    ] {
        assert_eq!(config_of(args), qa, "{args:?}");
    }
    let twice = Cli::try_parse_from([
        "vital-onboard",
        "--config",
        "a.toml",
        "config",
        "init",
        "--config",
        "b.toml",
    ])
    .unwrap();
    assert_eq!(
        twice.connection().unwrap_err(),
        "--config is given both before and after the command: give it once"
    );
}

#[test]
fn providers_list_splits_on_commas() {
    let cli = Cli::try_parse_from([
        "vital-onboard",
        "link",
        "--user",
        "u",
        "--providers",
        "oura,fitbit",
        "--on-error",
        "redirect",
    ])
    .unwrap();
    let Some(Command::Link(l)) = cli.command else {
        panic!()
    };
    assert_eq!(l.providers.unwrap(), ["oura", "fitbit"]);
    assert_eq!(l.on_error, Some(RedirectBehaviour::Redirect));
    assert!(
        Cli::try_parse_from([
            "vital-onboard",
            "link",
            "--user",
            "u",
            "--on-close",
            "close"
        ])
        .is_err()
    );
}
