//! The native clipboard under a real X server (Xvfb), read back with xclip: `link --copy` leaves
//! the URL on the clipboard after it returns, and the console's `c` puts it there while it runs,
//! every time (twenty fresh consoles in a row), even when the console started before the X
//! server did.
//! `.ci/run` installs xvfb and xclip, so in CI these always run.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Xvfb {
    child: Child,
    display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM, so it removes its socket and lock file (a killed one leaves them behind, and
        // a later server on that display looked up before it was).
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tools_present() -> bool {
    common::tools::present(&["Xvfb", "xclip"], "the X11 clipboard test", "xvfb xclip")
}

/// The X display `offset` (below 8) of this test process.
fn display_number(offset: u32) -> u32 {
    100 + (std::process::id() % 1000) * 8 + offset
}

/// Whether an X server accepts connections on display `n` (a socket file alone may be left
/// over from a server that was killed).
fn x_server_up(n: u32) -> bool {
    std::os::unix::net::UnixStream::connect(format!("/tmp/.X11-unix/X{n}")).is_ok()
}

fn start_xvfb(offset: u32) -> Xvfb {
    let n = display_number(offset);
    let display = format!(":{n}");
    let child = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "320x240x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let mut x = Xvfb { child, display };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !x_server_up(n) {
        assert!(
            matches!(x.child.try_wait(), Ok(None)),
            "Xvfb exited: is {} taken?",
            x.display
        );
        assert!(
            Instant::now() < deadline,
            "Xvfb did not start on {}",
            x.display
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        matches!(x.child.try_wait(), Ok(None)),
        "another X server answers on {}",
        x.display
    );
    x
}

fn xclip_out(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `link --user patient-00001 --copy` against `base` on the X display; its output and URL.
async fn link_copy(
    display: &str,
    base: &str,
    key: &str,
    extra_env: &[(&str, &str)],
) -> (std::process::Output, String) {
    let mut cmd = no_config_command();
    cmd.args(["link", "--user", "patient-00001", "--copy"])
        .env("VITAL_BASE_URL", base)
        .env("VITAL_API_KEY", key)
        .env("DISPLAY", display);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out, url)
}

#[tokio::test(flavor = "multi_thread")]
async fn link_copy_leaves_the_url_on_the_clipboard_after_it_returns() {
    if !tools_present() {
        return;
    }
    let x = start_xvfb(0);
    let emu = emulator(2).await;
    let (out, url) = link_copy(&x.display, emu.base_url().as_str(), KEY, &[]).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("Copied to the system clipboard"));
    assert_eq!(
        xclip_out(&x.display),
        url,
        "still on the clipboard after the command returned"
    );
}

/// A fresh console on `display` against the emulator at `base`: Enter on patient-00002, `m`,
/// `c`. The status line's words about the copy, and what xclip reads back while it runs; the
/// console is still running (`q` quits it).
fn console_copies(display: &str, base: &str) -> (common::pty::Pty, String, String) {
    let (pty, said, on_clipboard, _) = timed_console_copies(display, base);
    (pty, said, on_clipboard)
}

/// As [`console_copies`], with how long the copy took: from `c` to the status line's words.
fn timed_console_copies(display: &str, base: &str) -> (common::pty::Pty, String, String, Duration) {
    let mut pty = common::pty::Pty::spawn_sized(
        &[],
        48,
        160,
        &[
            ("VITAL_BASE_URL", base),
            ("VITAL_API_KEY", KEY),
            ("DISPLAY", display),
        ],
    );
    pty.wait_for("patient-00002");
    pty.send("\r");
    pty.send("m");
    pty.wait_for("Link for the patient");
    let pressed = Instant::now();
    pty.send("c");
    let deadline = Instant::now() + common::pty::WAIT;
    let said = loop {
        let screen = pty.screen_lines().join("\n");
        if let Some(line) = screen.lines().find(|l| {
            l.contains("Copied to the system clipboard")
                || l.contains("OSC 52")
                || l.contains("system clipboard failed")
        }) {
            break line.trim().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no word about the copy:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = pressed.elapsed();
    let on_clipboard = xclip_out(display);
    (pty, said, on_clipboard, took)
}

#[test]
fn console_copy_reaches_the_x11_clipboard_while_it_runs() {
    if !tools_present() {
        return;
    }
    let x = start_xvfb(1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(2));
    let base = emu.base_url().to_string();
    let (mut pty, said, on_clipboard) = console_copies(&x.display, &base);
    assert!(said.contains("Copied to the system clipboard"), "{said}");
    assert!(
        on_clipboard.starts_with(&format!("{}link/?token=", emu.base_url())),
        "{on_clipboard:?}"
    );
    let token_fp = emu.link_requests()[0].token_fingerprint.clone();
    let token = common::token_of(&on_clipboard);
    assert_eq!(
        vital_onboard::api::fingerprint(&token),
        token_fp,
        "the URL the emulator issued"
    );
    pty.send("q");
    assert!(common::pty::wait_exit(&mut pty).success());
    assert_eq!(
        xclip_out(&x.display),
        on_clipboard,
        "the copied link stays on the clipboard after the console quits"
    );
}

/// Twenty fresh consoles in a row on one X server, each copying its own link: every one is read
/// back from the X11 clipboard (it used to fall back to OSC 52 now and then), and none takes
/// long to copy (its tries wait 1.3 s at most in all; the rest is a loaded machine's slack).
#[test]
fn twenty_fresh_consoles_in_a_row_each_reach_the_x11_clipboard() {
    const RUNS: usize = 20;
    const SLOW_COPY: Duration = Duration::from_secs(6);
    if !tools_present() {
        return;
    }
    let x = start_xvfb(3);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(2));
    let base = emu.base_url().to_string();
    let mut retried = Vec::new();
    let mut slowest = Duration::ZERO;
    for run in 1..=RUNS {
        let (mut pty, said, on_clipboard, took) = timed_console_copies(&x.display, &base);
        slowest = slowest.max(took);
        assert!(took < SLOW_COPY, "run {run}: the copy took {took:?}");
        assert!(
            said.contains("Copied to the system clipboard"),
            "run {run}: {said}"
        );
        if said.contains("try") {
            retried.push(run);
        }
        let issued = emu.link_requests()[run - 1].token_fingerprint.clone();
        assert_eq!(
            vital_onboard::api::fingerprint(&common::token_of(&on_clipboard)),
            issued,
            "run {run}: this console's link is on the clipboard, read back: {on_clipboard:?}"
        );
        pty.send("q");
        assert!(common::pty::wait_exit(&mut pty).success(), "run {run}");
    }
    eprintln!("{RUNS} copies, the slowest in {slowest:?}; retried in runs {retried:?}");
    // The last console handed its link to a helper; it ends when the X server does.
    for pid in helpers_on(&x.display) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
}

/// The console started while the X server was not up yet (no clipboard handle could be made):
/// `c` makes one then, instead of falling back to OSC 52 for good.
#[test]
fn a_console_started_before_the_x_server_copies_once_it_is_up() {
    if !tools_present() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(2));
    let base = emu.base_url().to_string();
    let n = display_number(4);
    let display = format!(":{n}");
    assert!(!x_server_up(n), "no X server on {display} yet");
    let mut pty = common::pty::Pty::spawn_sized(
        &[],
        48,
        160,
        &[
            ("VITAL_BASE_URL", &base),
            ("VITAL_API_KEY", KEY),
            ("DISPLAY", &display),
        ],
    );
    pty.wait_for("patient-00002");
    let x = start_xvfb(4);
    assert_eq!(x.display, display);
    pty.send("\r");
    pty.send("m");
    pty.wait_for("Link for the patient");
    pty.send("c");
    pty.wait_for("Copied to the system clipboard");
    let on_clipboard = xclip_out(&x.display);
    assert!(on_clipboard.contains("/link/?token="), "{on_clipboard:?}");
    pty.send("q");
    assert!(common::pty::wait_exit(&mut pty).success());
    for pid in helpers_on(&x.display) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
}

/// The pids of running `__serve-clipboard` helpers whose environment names `display`.
fn helpers_on(display: &str) -> Vec<u32> {
    let want = format!("DISPLAY={display}");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains("__serve-clipboard")
                && environ.split(|b| *b == 0).any(|v| v == want.as_bytes())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clipboard_helper_gets_neither_the_key_nor_the_url() {
    const LEAK_KEY: &str = "sk_us_LEAKCHECK_helper_77aa";
    if !tools_present() {
        return;
    }
    let x = start_xvfb(2);
    let emu = vital_onboard::emulator::start_local(vital_onboard::emulator::EmulatorOptions {
        users: 2,
        api_key: Some(LEAK_KEY.into()),
    })
    .await
    .unwrap();
    let extra = [("VITAL_ONBOARD_SECRET_SAMPLE", "must-not-pass")];
    let (_, url) = link_copy(&x.display, emu.base_url().as_str(), LEAK_KEY, &extra).await;
    let token = common::token_of(&url);
    let pids = helpers_on(&x.display);
    assert_eq!(pids.len(), 1, "one helper keeps the link on the clipboard");
    let pid = pids[0];
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    // Done looking: the helper was started by this test's command; end it by its pid.
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let cmdline = String::from_utf8_lossy(&cmdline).to_string();
    let environ = String::from_utf8_lossy(&environ).to_string();
    assert!(
        !cmdline.contains(&token),
        "the URL is not in argv: {cmdline:?}"
    );
    assert!(!cmdline.contains("LEAKCHECK"));
    assert!(
        !environ.contains("LEAKCHECK"),
        "the key is not in its environment"
    );
    let names: Vec<&str> = environ
        .split('\0')
        .filter(|v| !v.is_empty())
        .map(|v| v.split('=').next().unwrap())
        .collect();
    for name in &names {
        assert!(
            [
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "XDG_RUNTIME_DIR",
                "XAUTHORITY",
                "HOME"
            ]
            .contains(name),
            "the helper got {name}: {names:?}"
        );
    }
    assert!(names.contains(&"DISPLAY"));
}
