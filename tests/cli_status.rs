//! `status` and `doctor` print every connection setting with where it came from (flag, variable,
//! profile, config file, default), as merged once: read-only set at the top of the config file
//! is said, as is read-only from a profile or the flag, and the variable that named a host.

mod common;

use std::process::{Command, Output};

use common::*;

/// The binary with `config` as its config file (kept alive by the returned folder).
fn with_config(config: &str) -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let mut c = clean_command();
    c.env("VITAL_ONBOARD_CONFIG", &path);
    (c, dir)
}

async fn status(config: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let (mut c, _dir) = with_config(config);
    for (k, v) in vars {
        c.env(k, v);
    }
    let mut all = args.to_vec();
    all.push("status");
    let o = run(c, &all).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    o
}

/// The value of `status`'s line `name`.
fn line(o: &Output, name: &str) -> String {
    let out = text(&o.stdout);
    out.lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .filter(|rest| rest.starts_with(' '))
                .map(|rest| rest.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no {name} line:\n{out}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn status_says_read_only_set_at_the_top_of_the_config_file() {
    let o = status("read_only = true\n", &[], &[]).await;
    assert_eq!(
        line(&o, "read-only"),
        "on (config file): minting and creating users are refused"
    );
    let o = status("", &[], &[]).await;
    assert_eq!(line(&o, "read-only"), "off (default)");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_names_the_origin_of_each_setting() {
    let config = "legacy_hosts = true\n\
                  [profile.qa]\nread_only = true\nenvironment = \"production\"\n";
    let key = [("VITAL_API_KEY", "pk_us_x"), ("VITAL_TIMEOUT_SECS", "7")];
    let o = status(config, &["--profile", "qa"], &key).await;
    assert_eq!(line(&o, "profile"), "qa (--profile)");
    assert_eq!(line(&o, "environment"), "production (profile qa)");
    assert_eq!(line(&o, "region"), "us (the key's prefix)");
    assert_eq!(line(&o, "host"), "https://api.tryvital.io");
    assert_eq!(line(&o, "legacy hosts"), "on (config file)");
    assert_eq!(line(&o, "timeout"), "7 s (VITAL_TIMEOUT_SECS)");
    assert!(
        line(&o, "read-only").starts_with("on (profile qa)"),
        "{}",
        text(&o.stdout)
    );

    let vars = [
        ("VITAL_API_KEY", "anything"),
        ("VITAL_BASE_URL", "http://127.0.0.1:9"),
    ];
    let o = status("", &[], &vars).await;
    assert_eq!(line(&o, "host"), "http://127.0.0.1:9 (VITAL_BASE_URL)");
    let o = status("", &["--base-url", "http://127.0.0.1:8"], &vars).await;
    assert_eq!(line(&o, "host"), "http://127.0.0.1:8 (--base-url)");
    let o = status("", &["--demo"], &vars).await;
    assert_eq!(line(&o, "environment"), "demo (--demo)");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_prints_the_settings_with_their_origin() {
    let (c, _dir) = with_config("read_only = true\n");
    let o = run(c, &["doctor", "--json"]).await;
    let out = text(&o.stdout);
    let settings: serde_json::Value = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|c| c["check"] == "settings")
        .unwrap_or_else(|| panic!("no settings check:\n{out}"));
    let detail = settings["detail"].as_str().unwrap();
    assert!(detail.contains("read-only on (config file)"), "{settings}");
    assert!(
        detail.contains("environment demo (no API key)"),
        "{settings}"
    );
    assert_eq!(settings["status"], "ok");
}

/// A profile with no key stored: `status` says so in the profile's terms (exit 0); a command
/// that needs the key is refused the same way (exit 2), with no silent demo and no word of a
/// `--base-url` nobody typed.
#[tokio::test(flavor = "multi_thread")]
async fn a_profile_without_a_key_is_reported_in_its_own_terms() {
    let config = "[profile.local-emulator]\nbase_url = \"http://127.0.0.1:8080\"\n\
                  [profile.us-sandbox]\nenvironment = \"sandbox\"\nregion = \"us\"\n";
    let o = status(config, &["--profile", "local-emulator"], &[]).await;
    assert_eq!(
        line(&o, "key"),
        "no key stored: run `vital-onboard login --profile local-emulator`"
    );
    assert_eq!(
        line(&o, "host"),
        "http://127.0.0.1:8080 (profile local-emulator)"
    );
    assert_eq!(line(&o, "profile"), "local-emulator (--profile)");
    let o = status(config, &["--profile", "us-sandbox"], &[]).await;
    assert_eq!(line(&o, "environment"), "sandbox (profile us-sandbox)");
    assert_eq!(line(&o, "host"), "https://api.sandbox.us.junction.com");
    assert_eq!(line(&o, "key source"), "none");
    assert!(
        !text(&o.stdout).contains("demo mode"),
        "no silent demo: {}",
        text(&o.stdout)
    );

    for profile in ["local-emulator", "us-sandbox"] {
        let (c, _dir) = with_config(config);
        let o = run(c, &["--profile", profile, "users"]).await;
        assert_eq!(code(&o), 2, "{profile}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!(
                "error: no key stored for profile {profile}: run `vital-onboard login --profile {profile}`"
            )),
            "{err}"
        );
        assert!(!err.contains("--base-url"), "{err}");
        assert!(o.stdout.is_empty(), "no demo users: {}", text(&o.stdout));
    }
    // The demo is its own profile, and a key given otherwise still serves a profile.
    let o = status(config, &["--profile", "demo"], &[]).await;
    assert!(line(&o, "environment").starts_with("demo"));
    let o = status(
        config,
        &["--profile", "us-sandbox"],
        &[("VITAL_API_KEY", "sk_us_x")],
    )
    .await;
    assert_eq!(line(&o, "key"), "sk_us_…");
}

/// The operator the audit log records: the OS login name, or `operator` in the config file
/// or the profile, with where it came from.
#[tokio::test(flavor = "multi_thread")]
async fn status_names_the_operator_and_where_it_came_from() {
    let o = status("", &[], &[("USER", "jdoe")]).await;
    assert_eq!(line(&o, "operator"), "jdoe (the OS login name)");
    let config = "operator = \"front-desk\"\n[profile.ward]\noperator = \"ward 3\"\n";
    let o = status(config, &[], &[("USER", "jdoe")]).await;
    assert_eq!(line(&o, "operator"), "front-desk (config file)");
    let o = status(config, &["--profile", "ward"], &[("USER", "jdoe")]).await;
    assert_eq!(line(&o, "operator"), "ward 3 (profile ward)");
}

/// The language a new link's patient-facing view starts in, with where it came from; a value the
/// console has no language for is refused with the tags.
#[tokio::test(flavor = "multi_thread")]
async fn status_names_the_patient_language_and_where_it_came_from() {
    let o = status("", &[], &[]).await;
    assert_eq!(line(&o, "patient language"), "English (en) (default)");
    let config = "patient_language = \"es\"\n[profile.ward]\npatient_language = \"de\"\n";
    let o = status(config, &[], &[]).await;
    assert_eq!(line(&o, "patient language"), "Español (es) (config file)");
    let o = status(config, &["--profile", "ward"], &[]).await;
    assert_eq!(line(&o, "patient language"), "Deutsch (de) (profile ward)");
    let (c, _dir) = with_config("patient_language = \"it\"\n");
    let o = run(c, &["status"]).await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("line 1") && err.contains("use one of en, es, fr, de, pt-BR"),
        "{err}"
    );
}
