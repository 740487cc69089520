//! The API key never leaks: every command, run with a distinctive key against the emulator (and
//! with debug logging on), keeps it out of stdout, stderr, the log file and the saved PNG. The
//! clipboard helper's arguments and environment are checked under Xvfb in `tests/x11_clipboard.rs`.

mod common;

use std::process::Output;

use common::text;

use vital_onboard::emulator::{EmulatorOptions, start_local};

/// Distinctive: any trace of it is a leak.
const LEAK_KEY: &str = "sk_us_LEAKCHECK_5e1f0a7b9c3d";
const MARK: &str = "LEAKCHECK";

#[tokio::test(flavor = "multi_thread")]
async fn the_key_appears_in_no_output_log_or_file() {
    let emu = start_local(EmulatorOptions {
        users: 3,
        api_key: Some(LEAK_KEY.into()),
    })
    .await
    .unwrap();
    // A second emulator that wants another key: the refused-key path.
    let other = start_local(EmulatorOptions {
        users: 0,
        api_key: Some("sk_us_someone_else".into()),
    })
    .await
    .unwrap();
    let (_held, closed_port) = common::refused_port();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("logs/vital-onboard.log");
    let png = dir.path().join("code.png");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "").unwrap();
    let base = emu.base_url().to_string();
    let other_base = other.base_url().to_string();
    let closed = format!("http://127.0.0.1:{closed_port}");
    let png_arg = png.to_str().unwrap().to_string();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        (&base, vec!["providers"]),
        (&base, vec!["providers", "--json"]),
        (&base, vec!["users"]),
        (&base, vec!["users", "--json"]),
        (&base, vec!["users", "--search", "patient"]),
        (&base, vec!["users", "create", "leak-new"]),
        (&base, vec!["users", "create", "leak-new", "--json"]),
        (
            &base,
            vec![
                "link",
                "--user",
                "patient-00001",
                "--json",
                "--qr",
                "--qr-png",
                &png_arg,
            ],
        ),
        (&base, vec!["link", "--user", "patient-00002", "--copy"]),
        (&base, vec!["link", "--user", "nobody-at-all"]),
        (
            &base,
            vec!["--read-only", "link", "--user", "patient-00001"],
        ),
        (&other_base, vec!["providers"]),
        (&closed, vec!["providers"]),
    ];
    for (url, args) in &runs {
        let mut c = common::clean_command();
        c.args(args)
            .env("VITAL_ONBOARD_CONFIG", &cfg)
            .env("VITAL_API_KEY", LEAK_KEY)
            .env("VITAL_BASE_URL", url)
            .env("VITAL_ONBOARD_LOG", "debug")
            .env("VITAL_ONBOARD_LOG_FILE", &log)
            .env("VITAL_TIMEOUT_SECS", "2");
        let o: Output = tokio::task::spawn_blocking(move || c.output().unwrap())
            .await
            .unwrap();
        for (name, stream) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !text(stream).contains(MARK),
                "{args:?} printed the key on {name}: {}",
                text(stream)
            );
        }
    }
    let logged = std::fs::read_to_string(&log).expect("the log was written");
    assert!(
        logged.contains("api call"),
        "debug logging was on: {logged}"
    );
    assert!(!logged.contains(MARK), "the log holds the key");
    let bytes = std::fs::read(&png).expect("the PNG was saved");
    assert!(
        !bytes.windows(MARK.len()).any(|w| w == MARK.as_bytes()),
        "the PNG holds the key"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log), 0o600, "the log is the owner's only");
        assert_eq!(
            mode(log.parent().unwrap()),
            0o700,
            "in a folder of the owner's only"
        );
        assert_eq!(mode(&png), 0o600, "the PNG is the owner's only");
    }
}

/// The console flow with the same distinctive key: select, mint, save the PNG, copy, quit. The
/// key is in nothing the program wrote to the terminal, nor in the log or the PNG.
#[tokio::test(flavor = "multi_thread")]
async fn the_console_shows_and_writes_no_trace_of_the_key() {
    let emu = start_local(EmulatorOptions {
        users: 3,
        api_key: Some(LEAK_KEY.into()),
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("console.log");
    let base = emu.base_url().to_string();
    let log_arg = log.to_str().unwrap().to_string();
    let mut pty = common::pty::Pty::spawn_in(
        &["--base-url", &base],
        48,
        160,
        &[
            ("VITAL_API_KEY", LEAK_KEY),
            ("VITAL_ONBOARD_LOG", "debug"),
            ("VITAL_ONBOARD_LOG_FILE", &log_arg),
        ],
        Some(dir.path()),
    );
    pty.wait_for("patient-00001");
    pty.send("\r");
    pty.wait_for("Selected");
    pty.send("m");
    pty.wait_for("Link for the patient");
    pty.send("s");
    pty.wait_for("Saved the QR code");
    pty.send("c");
    pty.wait_for("OSC 52");
    pty.send("q");
    assert!(common::pty::wait_exit(&mut pty).success());
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).to_string();
    assert!(
        raw.contains("sk_us_"),
        "the header shows the prefix, so the capture is real"
    );
    assert!(!raw.contains(MARK), "the terminal never got the key");
    let logged = std::fs::read_to_string(&log).expect("the log was written");
    assert!(logged.contains("link minted"), "{logged}");
    assert!(!logged.contains(MARK), "the log holds no key");
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    assert_eq!(pngs.len(), 1, "one PNG saved");
    let bytes = std::fs::read(pngs[0].path()).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains(MARK));
}
