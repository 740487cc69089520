//! The environment the tests give the binary (tests/common/env.rs): none of the caller's
//! settings, a home of its own, no keychain.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::process::Command;

use common::env::{NO_BUS, TestEnv};

#[test]
fn the_callers_settings_are_removed_and_the_home_is_fresh() {
    let caller = [
        "VITAL_API_KEY",
        "VITAL_ONBOARD_PROFILE",
        "VITAL_ONBOARD_CONFIG",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "TMUX",
        "NO_COLOR",
        "PATH",
        "LANG",
    ];
    let env = TestEnv::new();
    let mut cmd = Command::new("true");
    env.apply_over(&mut cmd, caller.iter().map(OsString::from));
    let set: HashMap<String, Option<String>> = cmd
        .get_envs()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.map(|v| v.to_string_lossy().into_owned()),
            )
        })
        .collect();
    for name in &caller[..9] {
        assert_eq!(set.get(*name), Some(&None), "{name} is removed");
    }
    for name in ["PATH", "LANG"] {
        assert!(!set.contains_key(name), "{name} is kept as it is");
    }
    let home = env.home().to_string_lossy().into_owned();
    assert_eq!(set["HOME"].as_deref(), Some(home.as_str()));
    assert_eq!(set["DBUS_SESSION_BUS_ADDRESS"].as_deref(), Some(NO_BUS));

    assert!(env.home().is_dir(), "the home exists");
    assert_eq!(std::fs::read_dir(env.home()).unwrap().count(), 0, "empty");
    assert_ne!(env.home(), TestEnv::new().home(), "one home a spawn");
}

/// The binary looks for its config file and audit log in that home, and for the keychain on a
/// bus that leads nowhere.
#[test]
fn the_binary_looks_only_in_its_own_home() {
    let env = TestEnv::new();
    let mut c = Command::new(common::BIN);
    env.apply(&mut c);
    let o = c
        .args(["doctor", "--json"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let out = common::text(&o.stdout);
    let detail = |check: &str| {
        common::json_lines(&out)
            .into_iter()
            .find(|v| v["check"] == check)
            .unwrap_or_else(|| panic!("no {check} check: {out}"))["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let home = env.home().to_string_lossy().into_owned();
    assert!(detail("config").contains(&home), "{out}");
    assert!(detail("history").contains(&home), "{out}");
    assert!(detail("keychain").contains(NO_BUS), "{out}");
}
