//! `vital-onboard doctor`: in a pseudo-terminal at the sizes that do and do not fit a real link,
//! with a key its host accepts and one it refuses (the in-process emulator), and inside a real
//! tmux with and without `set-clipboard on`. `.ci/run` installs tmux, so in CI that part always
//! runs.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::{Pty, wait_exit};
use common::*;
use serde_json::Value;

fn line<'a>(screen: &'a str, check: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no {check} line:\n{screen}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_terminal_that_fits_with_an_accepted_key_all_is_well() {
    let emu = emulator(2).await;
    let base = emu.base_url().to_string();
    let mut pty = tokio::task::spawn_blocking(move || {
        // A named operator (an unknown one warns).
        let env = [
            ("VITAL_API_KEY", KEY),
            ("VITAL_BASE_URL", base.as_str()),
            ("USER", "jdoe"),
        ];
        Pty::spawn_sized(&["doctor"], 48, 160, &env)
    })
    .await
    .unwrap();
    // The whole report, once doctor has ended and all it wrote is read (a line on screen may
    // be only part of what is on its way).
    let status = wait_exit(&mut pty);
    let screen = pty.screen_lines().join("\n");
    assert!(status.success(), "exit 0 when all is well:\n{screen}");
    assert!(
        line(&screen, "terminal").starts_with("ok    terminal   160x48"),
        "{screen}"
    );
    assert!(line(&screen, "colour").starts_with("ok"), "{screen}");
    let key = line(&screen, "key");
    assert!(
        key.starts_with("ok")
            && key.contains("sk_us_… from the VITAL_API_KEY variable is accepted"),
        "{key}"
    );
    assert!(
        line(&screen, "clock").starts_with("ok    clock      within"),
        "{screen}"
    );
    assert!(
        line(&screen, "keychain").starts_with("note"),
        "not needed with a variable: {screen}"
    );
    assert!(line(&screen, "config").starts_with("ok"), "{screen}");
    assert!(
        line(&screen, "presets").starts_with("ok    presets    0 presets"),
        "{screen}"
    );
    assert!(
        line(&screen, "history").contains("does not exist yet"),
        "{screen}"
    );
    assert!(!screen.contains(KEY), "never the key");
}

#[tokio::test(flavor = "multi_thread")]
async fn in_80x24_the_staff_view_is_compact_for_a_real_link() {
    let mut pty =
        tokio::task::spawn_blocking(|| Pty::spawn_sized(&["doctor"], 24, 80, &[("USER", "jdoe")]))
            .await
            .unwrap();
    // The whole report, once doctor has ended and all it wrote is read (a line on screen may
    // be only part of what is on its way).
    let status = wait_exit(&mut pty);
    let screen = pty.screen_lines().join("\n");
    assert!(status.success(), "exit 0: only notes\n{screen}");
    let t = line(&screen, "terminal");
    assert!(
        t.starts_with(
            "note  terminal   80x24: a real link's code fits the compact staff view (80x24)"
        ),
        "{screen}"
    );
    // Demo: no key and no profile, so the keychain that did not answer is needed only for a
    // login later: a note with its fix, not a failing check.
    assert!(line(&screen, "key").starts_with("note"), "{screen}");
    assert!(line(&screen, "keychain").starts_with("note"), "{screen}");
    assert!(screen.contains("fix:"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_fails_and_says_what_to_do() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let mut c = no_config_command();
    c.args(["doctor", "--json"])
        .env("VITAL_API_KEY", "sk_us_wrong_key_123")
        .env("VITAL_BASE_URL", &base);
    let o = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let checks = json_lines(&out);
    let key = checks.iter().find(|c| c["check"] == "key").unwrap();
    assert_eq!(key["status"], "fail");
    assert!(
        key["detail"].as_str().unwrap().contains("is refused by"),
        "{key}"
    );
    assert!(
        key["fix"].as_str().unwrap().contains("vital-onboard login"),
        "{key}"
    );
    for c in &checks {
        for f in ["check", "status", "detail"] {
            assert!(c[f].is_string(), "{c}");
        }
    }
    assert!(
        !out.contains("sk_us_wrong_key_123")
            && !String::from_utf8_lossy(&o.stderr).contains("wrong_key")
    );
}

fn tmux_present() -> bool {
    common::tmux::present("the doctor-under-tmux test")
}

/// Runs `doctor --json` in a tmux window after `setup` options; its checks.
fn doctor_in_tmux(name: &str, options: &[(&str, &str)], dir: &Path) -> Vec<Value> {
    let tmux = common::tmux::Tmux::new(&format!("doctor-{name}"));
    tmux.start(&[], &["sleep 60"]);
    for (k, v) in options {
        tmux.run(&["set-option", "-g", k, v]);
    }
    let out = dir.join(format!("{name}.json"));
    let (cfg, out_s) = (
        common::bin::empty_config().display().to_string(),
        out.display().to_string(),
    );
    let script = format!(
        "VITAL_ONBOARD_CONFIG='{cfg}' '{BIN}' doctor --json > '{out_s}.tmp' 2>&1; \
         mv '{out_s}.tmp' '{out_s}'"
    );
    tmux.run(&["new-window", "-t", "vo", &script]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !out.exists() {
        assert!(
            Instant::now() < deadline,
            "doctor did not finish inside tmux"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(&out).unwrap();
    text.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn under_tmux_the_clipboard_check_reads_set_clipboard() {
    if !tmux_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clip = |checks: &[Value]| {
        checks
            .iter()
            .find(|c| c["check"] == "clipboard")
            .unwrap()
            .clone()
    };

    let on = doctor_in_tmux("on", &[("set-clipboard", "on")], dir.path());
    let c = clip(&on);
    assert_eq!(c["status"], "ok", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("inside tmux (set-clipboard on"),
        "{c}"
    );
    let term = on.iter().find(|c| c["check"] == "terminal").unwrap();
    assert!(
        term["detail"].as_str().unwrap().starts_with("160x"),
        "the pane's size: {term}"
    );

    let off = doctor_in_tmux(
        "off",
        &[("set-clipboard", "external"), ("allow-passthrough", "off")],
        dir.path(),
    );
    let c = clip(&off);
    assert_eq!(c["status"], "warn", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("set-clipboard external"),
        "{c}"
    );
    assert!(
        c["fix"]
            .as_str()
            .unwrap()
            .contains("tmux set -g set-clipboard on"),
        "{c}"
    );

    let passthrough = doctor_in_tmux(
        "pass",
        &[("set-clipboard", "off"), ("allow-passthrough", "on")],
        dir.path(),
    );
    assert_eq!(clip(&passthrough)["status"], "ok");
}

/// A preset with a typo is a warning that names its line (as `presets check` does); an audit
/// log that exists is opened as the console opens it, and one from a newer version fails.
#[test]
fn presets_and_the_history_database_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "# the clinic\n[[preset]]\nname = \"rings\"\nproviders = [\"oura\", \"fitbt\"]\n",
    )
    .unwrap();
    let db = dir.path().join("history.sqlite3");
    drop(vital_onboard::audit::Store::open(&db).unwrap());
    let run = |db: std::path::PathBuf| {
        let mut c = clean_command();
        c.args(["doctor", "--json"])
            .env("VITAL_ONBOARD_CONFIG", &cfg)
            .env("VITAL_ONBOARD_HISTORY", db);
        let o = c.output().unwrap();
        let checks = json_lines(&text(&o.stdout));
        let find = |name: &str| checks.iter().find(|c| c["check"] == name).unwrap().clone();
        (o.status.code(), find("presets"), find("history"))
    };
    let (code, presets, history) = run(db.clone());
    assert_eq!(code, Some(1), "a preset problem needs attention");
    assert_eq!(presets["status"], "warn");
    let detail = presets["detail"].as_str().unwrap();
    assert!(
        detail.contains("config.toml:line 4: preset \"rings\"") && detail.contains("fitbit"),
        "{detail}"
    );
    assert!(presets["fix"].as_str().unwrap().contains("presets check"));
    assert_eq!(history["status"], "ok", "{history}");
    assert!(
        history["detail"]
            .as_str()
            .unwrap()
            .contains("0 links recorded")
    );

    // As a newer vital-onboard would leave it.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let (_, _, history) = run(db);
    assert_eq!(history["status"], "fail", "{history}");
    assert!(
        history["detail"]
            .as_str()
            .unwrap()
            .contains("newer vital-onboard"),
        "{history}"
    );
}
