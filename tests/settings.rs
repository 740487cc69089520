//! Settings that guard the key and the team before anything is sent: plain http to another
//! machine, messages that name where a setting came from, key file permissions, read-only mode.

mod common;

use std::process::{Command, Stdio};

use common::hostile::{Hostile, Reply, Request};
use common::*;

/// The binary with `config` as its config file, which is in the spawn's own home (a shared
/// temporary path would be written by other tests and other test runs meanwhile).
fn cmd(config: &str) -> Command {
    let env = common::env::TestEnv::new();
    let mut c = Command::new(BIN);
    env.apply(&mut c);
    let cfg = env.home().join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    c.env("VITAL_ONBOARD_CONFIG", cfg).stdin(Stdio::null());
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_another_machine_is_refused_unless_insecure_http() {
    let mut c = cmd("");
    c.env("VITAL_API_KEY", KEY);
    let o = run(
        c,
        &["--base-url", "http://vital-proxy.invalid:8080", "providers"],
    )
    .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("--base-url http://vital-proxy.invalid:8080 is plain http"),
        "{err}"
    );
    assert!(err.contains("--insecure-http"), "{err}");

    let mut c = cmd("");
    c.env("VITAL_API_KEY", KEY)
        .env("VITAL_BASE_URL", "http://10.1.2.3/vital");
    let o = run(c, &["providers"]).await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("VITAL_BASE_URL http://10.1.2.3/vital is plain http"));

    // Loopback stays allowed without the flag (emulators), and the flag lets any host through.
    let emu = emulator(0).await;
    let mut c = cmd("");
    c.env("VITAL_API_KEY", KEY)
        .env("VITAL_BASE_URL", emu.base_url().as_str());
    assert_eq!(code(&run(c, &["providers"]).await), 0);
    let mut c = cmd("");
    c.env("VITAL_API_KEY", KEY)
        .env("VITAL_BASE_URL", emu.base_url().as_str());
    assert_eq!(code(&run(c, &["--insecure-http", "providers"]).await), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mismatch_names_the_variable_when_the_variable_was_the_source() {
    let mut c = cmd("");
    c.env("VITAL_API_KEY", "sk_us_abc")
        .env("VITAL_ENV", "production");
    let o = run(c, &["providers"]).await;
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("VITAL_ENV=production does not match"), "{err}");
    assert!(err.contains("unset VITAL_ENV"), "{err}");
    assert!(!err.contains("--env"), "the flag was not given: {err}");

    let mut c = cmd("");
    c.env("VITAL_API_KEY", "sk_us_abc")
        .env("VITAL_REGION", "eu");
    let err = text(&run(c, &["providers"]).await.stderr);
    assert!(err.contains("VITAL_REGION=eu does not match"), "{err}");

    let mut c = cmd("");
    c.env("VITAL_API_KEY", "sk_us_abc");
    let err = text(&run(c, &["--env", "production", "providers"]).await.stderr);
    assert!(err.contains("--env production does not match"), "{err}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_key_file_others_can_read_warns_and_one_they_can_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator(0).await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, format!("{KEY}\n")).unwrap();
    let with_mode = |mode: u32| {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let mut c = cmd("");
        c.env("VITAL_BASE_URL", emu.base_url().as_str());
        c.args(["--api-key-file", key.to_str().unwrap(), "providers"]);
        c
    };
    let o = run(with_mode(0o600), &[]).await;
    assert_eq!(code(&o), 0);
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    let o = run(with_mode(0o644), &[]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("warning: the API key file"), "{err}");
    assert!(
        err.contains("can be read by group or others (mode 0644)"),
        "{err}"
    );
    for mode in [0o620, 0o602, 0o666] {
        let o = run(with_mode(mode), &[]).await;
        assert_eq!(code(&o), 2, "{mode:o}");
        assert!(text(&o.stderr).contains("can be written by group or others"));
        assert!(o.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_mode_refuses_to_mint_or_create_and_sends_nothing() {
    let h = Hostile::start(|_: &Request| Reply::json(200, "[]")).await;
    for (config, flag) in [("", Some("--read-only")), ("read_only = true\n", None)] {
        for args in [
            &["link", "--user", "patient-00001"][..],
            &["users", "create", "new-patient"],
        ] {
            let mut c = cmd(config);
            c.env("VITAL_API_KEY", KEY).env("VITAL_BASE_URL", h.url());
            if let Some(f) = flag {
                c.arg(f);
            }
            let o = run(c, args).await;
            assert_eq!(code(&o), 2, "{args:?}");
            let err = text(&o.stderr);
            assert!(err.contains("read-only mode"), "{err}");
            assert!(err.contains("nothing was sent"), "{err}");
            assert!(o.stdout.is_empty());
        }
    }
    assert!(h.requests().is_empty(), "nothing was sent");
    let mut c = cmd("read_only = true\n");
    c.env("VITAL_API_KEY", KEY).env("VITAL_BASE_URL", h.url());
    assert_eq!(
        code(&run(c, &["providers"]).await),
        0,
        "reading still works"
    );
}
