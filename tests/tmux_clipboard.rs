//! Copy inside tmux: the console, run in a real tmux session with `set-clipboard on`, puts the
//! link URL into tmux's paste buffer through OSC 52 (which tmux also forwards to the outer
//! terminal, as over SSH); with tmux's defaults, which drop it, `c` says so and how to fix it.
//! `.ci/run` installs tmux, so in CI this always runs.

mod common;

use std::time::{Duration, Instant};

use common::BIN;

#[test]
fn copy_inside_tmux_reaches_the_tmux_clipboard() {
    if !common::tmux::present("the tmux clipboard test") {
        return;
    }
    let tmux = common::tmux::Tmux::new("test");
    let config = format!(
        "VITAL_ONBOARD_CONFIG={}",
        common::bin::empty_config().display()
    );
    tmux.start(&[&config], &[BIN]);
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("patient-00001");
    tmux.run(&["send-keys", "-t", "vo", "Enter"]);
    tmux.wait_for("Selected");
    tmux.run(&["send-keys", "-t", "vo", "m"]);
    tmux.wait_for("Link for the patient");
    tmux.run(&["send-keys", "-t", "vo", "c"]);
    let screen = tmux.wait_for("OSC 52");
    let deadline = Instant::now() + common::pty::WAIT;
    let buffer = loop {
        let b = tmux.run(&["show-buffer"]);
        if !b.is_empty() || Instant::now() > deadline {
            break b;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        buffer.starts_with("http://127.0.0.1:") && buffer.contains("/link/?token="),
        "{buffer:?}"
    );
    let flat: String = screen
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("")
        .replace('┃', "");
    assert!(
        flat.contains(&buffer[..40]),
        "the copied URL is the one on screen:\n{screen}\n{buffer}"
    );
    tmux.run(&["send-keys", "-t", "vo", "q"]);
}

/// The screen's text with its rows joined (a long message may wrap).
fn flat(screen: &str) -> String {
    screen.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

#[test]
fn copy_inside_tmux_with_its_defaults_says_it_was_dropped_and_the_fix() {
    if !common::tmux::present("the tmux clipboard test") {
        return;
    }
    let tmux = common::tmux::Tmux::new("defaults");
    let config = format!(
        "VITAL_ONBOARD_CONFIG={}",
        common::bin::empty_config().display()
    );
    tmux.start(&[&config], &[BIN]);
    // tmux's defaults drop a program's OSC 52.
    assert_eq!(
        tmux.run(&["show", "-gv", "set-clipboard"]).trim(),
        "external"
    );
    assert_eq!(
        tmux.run(&["show", "-gv", "allow-passthrough"]).trim(),
        "off"
    );
    tmux.wait_for("patient-00001");
    tmux.run(&["send-keys", "-t", "vo", "Enter"]);
    tmux.wait_for("Selected");
    tmux.run(&["send-keys", "-t", "vo", "m"]);
    tmux.wait_for("Link for the patient");
    tmux.run(&["send-keys", "-t", "vo", "c"]);
    let screen = flat(&tmux.wait_for("Not copied"));
    assert!(
        screen.contains("Not copied: run tmux set -g set-clipboard on, then c again"),
        "{screen}"
    );
    assert!(!screen.contains("paste to check"), "{screen}");
    assert_eq!(tmux.run(&["show-buffer"]), "", "nothing arrived indeed");
    // The fix, then `c` again: it arrives, and the console says what it can know.
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.run(&["send-keys", "-t", "vo", "c"]);
    tmux.wait_for("paste to check");
    let deadline = Instant::now() + common::pty::WAIT;
    let buffer = loop {
        let b = tmux.run(&["show-buffer"]);
        if !b.is_empty() || Instant::now() > deadline {
            break b;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(buffer.contains("/link/?token="), "{buffer:?}");
    tmux.run(&["send-keys", "-t", "vo", "q"]);
}

/// `link --copy` inside tmux with its defaults: the same word as the console's `c`, with the fix.
#[tokio::test(flavor = "multi_thread")]
async fn link_copy_inside_tmux_with_its_defaults_says_it_was_dropped() {
    if !common::tmux::present("the tmux clipboard test") {
        return;
    }
    let emu = common::emulator(3).await;
    let tmux = common::tmux::Tmux::new("cli-defaults");
    let config = format!(
        "VITAL_ONBOARD_CONFIG={}",
        common::bin::empty_config().display()
    );
    let key = format!("VITAL_API_KEY={}", common::KEY);
    let script = format!(
        "{BIN} link --base-url {} --user patient-00001 --providers oura --copy; sleep 60",
        emu.base_url()
    );
    tmux.start(&[&config, &key], &["sh", "-c", &script]);
    let screen = flat(&tmux.wait_for("Not copied"));
    assert!(
        screen.contains(
            "Not copied: tmux drops OSC 52 · run tmux set -g set-clipboard on, then run this again"
        ),
        "{screen}"
    );
    assert!(!screen.contains("paste to check"), "{screen}");
}
