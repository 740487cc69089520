//! The command line's surface: each command's `--help` lists only what it takes, with a line for
//! every argument, no variable values, examples and exit codes; connection options before or
//! after the command; Ctrl-C ends a command with 130.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;

fn cmd() -> Command {
    no_config_command()
}

fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args).output().unwrap()
}

const CONNECTION_FLAGS: &[&str] = &[
    "--env",
    "--demo",
    "--region",
    "--base-url",
    "--timeout",
    "--api-key-file",
    "--legacy-hosts",
    "--insecure-http",
    "--config",
    "--read-only",
];

#[test]
fn the_emulators_help_lists_only_its_own_options() {
    let o = run(cmd(), &["emulator", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    let options: Vec<&str> = help
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .collect();
    for flag in CONNECTION_FLAGS {
        assert!(
            !options.iter().any(|l| l.contains(&format!("{flag} "))),
            "emulator --help lists {flag}:\n{help}"
        );
    }
    for flag in ["--host", "--port", "--users", "--api-key"] {
        assert!(help.contains(flag), "{flag}");
    }
    // Given before `emulator`, a connection option is refused rather than ignored.
    let o = run(cmd(), &["--demo", "emulator"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "error: --demo does not apply to `emulator`: it serves on --host and --port (see `vital-onboard emulator --help`)\n"
    );
}

#[test]
fn every_help_has_a_line_per_argument_examples_exit_codes_and_no_variable_values() {
    let secret_path = "/tmp/vital-onboard-config-path-that-must-not-show.toml";
    std::fs::write(secret_path, "").unwrap();
    for args in [
        &["--help"][..],
        &["tui", "--help"],
        &["link", "--help"],
        &["users", "--help"],
        &["users", "create", "--help"],
        &["providers", "--help"],
        &["emulator", "--help"],
    ] {
        let mut c = cmd();
        c.env("VITAL_ONBOARD_CONFIG", secret_path)
            .env("VITAL_ENV", "sandbox")
            .env("VITAL_API_KEY", "sk_us_must_not_show");
        let o = run(c, args);
        assert!(o.status.success(), "{args:?}");
        let help = text(&o.stdout);
        assert!(
            !help.contains("[env:"),
            "{args:?} shows an env value:\n{help}"
        );
        assert!(!help.contains(secret_path) && !help.contains("must_not_show"));
        let examples = help
            .find("Examples:")
            .unwrap_or_else(|| panic!("{args:?}: no examples"));
        let codes = help
            .find("Exit codes:")
            .unwrap_or_else(|| panic!("{args:?}: no exit codes"));
        assert!(examples < codes, "{args:?}: examples, then exit codes");
        assert!(
            help.trim_end().ends_with('.'),
            "{args:?} ends with the codes"
        );
        if !["emulator", "tui"].contains(&args[0]) {
            assert!(help.contains("130 interrupted"), "{args:?}");
        }
        // Every option and argument line has words after its name.
        for line in help.lines() {
            let t = line.trim_start();
            if (t.starts_with("--") || t.starts_with("-h") || t.starts_with('<'))
                && line.starts_with("  ")
            {
                let words = t.split_once("  ").map(|(_, rest)| rest.trim());
                assert!(
                    words.is_some_and(|w| !w.is_empty()),
                    "{args:?}: no help for {t:?}"
                );
            }
        }
    }
}

#[test]
fn every_argument_of_every_command_has_help() {
    use clap::CommandFactory;
    fn walk(c: &clap::Command, path: &str) {
        for a in c.get_arguments() {
            if a.is_hide_set() || ["help", "version"].contains(&a.get_id().as_str()) {
                continue;
            }
            assert!(a.get_help().is_some(), "{path} {}: no help", a.get_id());
            assert!(
                a.get_env().is_none(),
                "{path} {}: clap would show the variable",
                a.get_id()
            );
        }
        for s in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(s, &format!("{path} {}", s.get_name()));
        }
    }
    walk(&vital_onboard::cli::Cli::command(), "vital-onboard");
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_options_work_before_or_after_the_command() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let key = |c: &mut Command| {
        c.env("VITAL_API_KEY", KEY);
    };
    let cases: &[&[&str]] = &[
        &["users", "--base-url", &base, "create", "after-users"],
        &["users", "create", "after-create", "--base-url", &base],
        &["--base-url", &base, "users", "create", "before"],
        &[
            "--base-url",
            &base,
            "users",
            "--timeout",
            "5",
            "create",
            "split",
            "--legacy-hosts",
        ],
        &["providers", "--base-url", &base, "--json"],
        &["link", "--user", "patient-00001", "--base-url", &base],
        &[
            "--base-url",
            &base,
            "link",
            "--user",
            "patient-00001",
            "--timeout",
            "5",
        ],
    ];
    for args in cases {
        let mut c = cmd();
        key(&mut c);
        let args: Vec<String> = args.iter().map(std::string::ToString::to_string).collect();
        let o = tokio::task::spawn_blocking(move || c.args(&args).output().unwrap())
            .await
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let o = run(cmd(), &["users", "--demo", "create", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(cmd(), &["--demo", "users", "create", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Twice is refused, as clap refuses a flag given twice.
    let o = run(cmd(), &["--timeout", "5", "providers", "--timeout", "6"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "error: --timeout is given both before and after the command: give it once\n"
    );
    // --read-only after the command guards it too.
    let o = run(cmd(), &["users", "create", "x", "--read-only"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("read-only mode"),
        "{}",
        text(&o.stderr)
    );
}

/// Sends SIGINT to a child, as Ctrl-C in its terminal does.
fn interrupt(child: &std::process::Child) {
    signal(child.id(), nix::sys::signal::Signal::SIGINT);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_ends_a_waiting_command_with_130() {
    let emu = emulator(0).await;
    emu.inject_fault(vital_onboard::emulator::Fault {
        delay_ms: 30_000,
        ..vital_onboard::emulator::Fault::new("/v2/providers", 200, 1)
    });
    let mut c = cmd();
    c.env("VITAL_API_KEY", KEY)
        .env("VITAL_BASE_URL", emu.base_url().as_str())
        .args(["providers"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    // The request is on its way (the handler was set up before it left): the emulator has
    // taken the fault that holds its answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !emu.with_team(|t| t.faults.is_empty()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the request never reached the emulator"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    interrupt(&child);
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(130),
        "{:?} {}",
        o.status,
        text(&o.stderr)
    );
    assert_eq!(text(&o.stderr), "error: interrupted\n");
    assert!(o.stdout.is_empty());
}

#[test]
fn ctrl_c_stops_the_emulator_quietly_with_130() {
    let mut child = cmd()
        .args(["emulator", "--port", "0", "--users", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on "), "{line}");
    interrupt(&child);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err, "", "a quiet stop");
}

/// `config init` / `config path` and `presets check` take `--config` after them, as `presets`
/// does; the file `config init` writes sets nothing (as it says), so the patient-facing view
/// shows no clinic name the staff did not choose.
#[test]
fn config_and_presets_check_take_config_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qa.toml");
    let p = path.to_str().unwrap();
    let o = run(cmd(), &["config", "path", "--config", p]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), p);
    let o = run(cmd(), &["config", "init", "--config", p]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        "Wrote the example config; every setting in it is commented out.\n"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written
            .lines()
            .all(|l| l.trim().is_empty() || l.starts_with('#')),
        "{written}"
    );
    let o = run(cmd(), &["presets", "check", "--config", p]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "0 preset(s), no problem found\n");
    let o = run(cmd(), &["presets", "--config", p]);
    assert!(text(&o.stderr).starts_with("no presets in the config file"));

    std::fs::write(
        &path,
        "[[preset]]\nname = \"qa\"\nproviders = [\"oura\"]\nprovider = \"garmin\"\n",
    )
    .unwrap();
    for args in [
        &["presets", "check", "--config", p][..],
        &["presets", "--config", p, "check"],
        &["--config", p, "presets", "check"],
    ] {
        let o = run(cmd(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(
                "line 4: preset \"qa\": the direct provider garmin is not in the allowlist"
            ),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}
