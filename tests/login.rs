//! The built binary's `login`, `logout`, `status`, `profiles`, `config`, `completions` and `man`
//! where no keychain answers (a session bus address that leads nowhere), in a fresh HOME: the
//! owner-only fallback file, the refusal of a file others can write, profile resolution and
//! mismatch refusals. The real keychain is in tests/keychain.rs.

mod common;

use common::pty::{Pty, wait_exit};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::env::TestEnv;
use common::*;
use vital_onboard::emulator::RunningEmulator;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join(".config/vital-onboard")
    }

    fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.config_dir()).unwrap();
        std::fs::write(self.config_dir().join("config.toml"), text).unwrap();
    }

    fn key_file(&self, account: &str) -> PathBuf {
        self.config_dir()
            .join("keys")
            .join(format!("{account}.key"))
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        TestEnv::with_home(self.dir.path()).apply(&mut c);
        c.stdin(Stdio::null());
        c
    }

    async fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let mut c = self.cmd();
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let input = stdin.map(str::to_string);
        tokio::task::spawn_blocking(move || {
            if let Some(text) = input {
                c.stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = c.spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
                child.wait_with_output().unwrap()
            } else {
                c.output().unwrap()
            }
        })
        .await
        .unwrap()
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn chmod(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_login_needs_file_and_writes_an_owner_only_file() {
    let emu = emulator(2).await;
    let home = Home::new();
    let base = emu.base_url().to_string();
    let env = [("VITAL_BASE_URL", base.as_str())];

    // --stdin without --file: said, not stored, exit 2.
    let o = home
        .run(&["login", "--stdin"], &env, Some(&format!("{KEY}\n")))
        .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no keychain answered"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains("--file"), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("docs/configuration.md"),
        "the guide's page: {}",
        text(&o.stderr)
    );
    assert!(!home.key_file("default").exists(), "never silently");

    // A wrong key is refused before anything is stored.
    let o = home
        .run(&["login", "--stdin", "--file"], &env, Some("sk_us_wrong\n"))
        .await;
    assert_eq!(code(&o), 3, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("refused"), "{}", text(&o.stderr));
    assert!(!home.key_file("default").exists());

    let o = home
        .run(
            &["login", "--stdin", "--file"],
            &env,
            Some(&format!("{KEY}\n")),
        )
        .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let file = home.key_file("default");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    assert!(text(&o.stdout).contains("readable only by you"));

    let o = home.run(&["status"], &env, None).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("owner-only file"), "{out}");
    assert!(out.contains("key              sk_us_…"), "{out}");
    assert!(!out.contains(KEY) && !text(&o.stderr).contains(KEY));

    let o = home.run(&["users", "--json"], &env, None).await;
    assert_eq!(code(&o), 0, "the stored file is used: {}", text(&o.stderr));

    // Readable by others: used, with a warning. Writable by group or others: refused.
    chmod(&file, 0o644);
    let o = home.run(&["users"], &env, None).await;
    assert_eq!(code(&o), 0);
    assert!(
        text(&o.stderr).contains("readable by others"),
        "{}",
        text(&o.stderr)
    );
    for m in [0o664, 0o646] {
        chmod(&file, m);
        let o = home.run(&["users"], &env, None).await;
        assert_eq!(code(&o), 2, "{}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("group or others can write"),
            "{}",
            text(&o.stderr)
        );
    }
    chmod(&file, 0o600);

    // The variable wins over the stored key.
    let o = home
        .run(
            &["status"],
            &[("VITAL_BASE_URL", &base), ("VITAL_API_KEY", "other")],
            None,
        )
        .await;
    assert!(
        text(&o.stdout).contains("the VITAL_API_KEY variable"),
        "{}",
        text(&o.stdout)
    );

    let o = home.run(&["logout"], &[], None).await;
    assert_ne!(code(&o), 0, "the keychain could not be asked: said");
    assert!(
        text(&o.stdout).contains("Removed the key file"),
        "{}",
        text(&o.stdout)
    );
    assert!(!file.exists());
    let o = home.run(&["status"], &[], None).await;
    assert!(
        text(&o.stdout).contains("none: demo mode"),
        "{}",
        text(&o.stdout)
    );
}

/// A home whose config file has the profiles `local` (the default) and `qa` (read-only), both
/// on `emu`, and `eu-prod`.
fn profiles_home(emu: &RunningEmulator) -> Home {
    let home = Home::new();
    home.write_config(&format!(
        "default_profile = \"local\"\n\
         [profile.local]\nbase_url = \"{}\"\n\
         [profile.eu-prod]\nenvironment = \"production\"\nregion = \"eu\"\n\
         [profile.qa]\nbase_url = \"{0}\"\nread_only = true\n",
        emu.base_url()
    ));
    home
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_pick_settings_and_a_contradicting_key_is_refused() {
    let emu = emulator(2).await;
    let home = profiles_home(&emu);
    let key = [("VITAL_API_KEY", KEY)];

    // default_profile, then VITAL_ONBOARD_PROFILE, then --profile.
    let o = home.run(&["status"], &key, None).await;
    assert!(
        text(&o.stdout).contains("profile          local (default_profile"),
        "{}",
        text(&o.stdout)
    );
    let o = home.run(&["users", "--json"], &key, None).await;
    assert_eq!(
        code(&o),
        0,
        "the profile's base_url is used: {}",
        text(&o.stderr)
    );

    let o = home
        .run(
            &["status"],
            &[
                ("VITAL_API_KEY", "pk_eu_x"),
                ("VITAL_ONBOARD_PROFILE", "eu-prod"),
            ],
            None,
        )
        .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("https://api.eu.junction.com"),
        "{}",
        text(&o.stdout)
    );

    // A sandbox key with a profile that says production: refused before anything is sent.
    let o = home
        .run(
            &["--profile", "eu-prod", "users"],
            &[("VITAL_API_KEY", "sk_eu_abc")],
            None,
        )
        .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("profile eu-prod says production"),
        "{}",
        text(&o.stderr)
    );
    let o = home
        .run(
            &["--profile", "eu-prod", "users"],
            &[("VITAL_API_KEY", "pk_us_abc")],
            None,
        )
        .await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("says region eu"),
        "{}",
        text(&o.stderr)
    );
    // The flag wins over the variable, and the demo profile always exists.
    let o = home
        .run(
            &["--profile", "demo", "status"],
            &[("VITAL_ONBOARD_PROFILE", "eu-prod")],
            None,
        )
        .await;
    assert!(
        text(&o.stdout).contains("environment      demo"),
        "{}",
        text(&o.stdout)
    );
    let o = home.run(&["--profile", "nope", "status"], &[], None).await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("eu-prod, local, qa, demo"),
        "{}",
        text(&o.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_and_profiles_lists_every_one() {
    let emu = emulator(2).await;
    let home = profiles_home(&emu);
    let key = [("VITAL_API_KEY", KEY)];
    // read_only refuses minting and creating.
    let o = home
        .run(
            &["--profile", "qa", "link", "--user", "patient-00001"],
            &key,
            None,
        )
        .await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("read-only"));
    let o = home
        .run(&["--profile", "qa", "users", "create", "x-1"], &key, None)
        .await;
    assert_eq!(code(&o), 2);
    assert!(emu.link_requests().is_empty());

    let o = home.run(&["profiles"], &[], None).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("* local"), "{out}");
    let row = |name: &str| {
        out.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.contains(&name))
            .unwrap_or_default()
    };
    assert_eq!(
        row("eu-prod")[..4],
        ["eu-prod", "production", "eu", "unknown"],
        "{out}"
    );
    assert!(out.contains("(read-only)") && out.contains("demo"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn config_init_writes_the_example_once_and_path_says_where() {
    let home = Home::new();
    let o = home.run(&["config", "path"], &[], None).await;
    assert_eq!(code(&o), 0);
    let path = home.config_dir().join("config.toml");
    assert_eq!(text(&o.stdout).trim(), path.display().to_string());
    let o = home.run(&["config", "init"], &[], None).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, vital_onboard::setup::config::EXAMPLE);
    std::fs::write(&path, "clinic_name = \"Mine\"\n").unwrap();
    let o = home.run(&["config", "init"], &[], None).await;
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "clinic_name = \"Mine\"\n"
    );
    let other = home.dir.path().join("elsewhere/c.toml");
    let o = home
        .run(
            &["config", "init"],
            &[("VITAL_ONBOARD_CONFIG", other.to_str().unwrap())],
            None,
        )
        .await;
    assert_eq!(code(&o), 0);
    assert!(other.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_generate_for_every_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "_vital__onboard()"),
        ("zsh", "#compdef vital-onboard"),
        ("fish", "complete -c vital-onboard"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[vital-onboard]"),
    ] {
        let o = home.run(&["completions", shell], &[], None).await;
        assert_eq!(code(&o), 0, "{shell}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(300)]
        );
        for sub in ["login", "doctor", "profiles"] {
            assert!(out.contains(sub), "{shell} completes {sub}");
        }
    }
    if Command::new("bash").arg("--version").output().is_ok() {
        let o = home.run(&["completions", "bash"], &[], None).await;
        let script = home.dir.path().join("c.bash");
        std::fs::write(&script, &o.stdout).unwrap();
        let st = Command::new("bash")
            .arg("-n")
            .arg(&script)
            .status()
            .unwrap();
        assert!(st.success(), "the bash script parses");
    }
}

fn man_present() -> bool {
    common::tools::present(
        &["man", "groff"],
        "the man page rendering check",
        "man-db groff-base",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn man_pages_for_every_command_render() {
    let home = Home::new();
    let dir = home.dir.path().join("man1");
    std::fs::create_dir_all(&dir).unwrap();
    let o = home
        .run(&["man", "--dir", dir.to_str().unwrap()], &[], None)
        .await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    for page in [
        "vital-onboard.1",
        "vital-onboard-login.1",
        "vital-onboard-doctor.1",
        "vital-onboard-users-create.1",
        "vital-onboard-config-init.1",
        "vital-onboard-completions.1",
    ] {
        assert!(dir.join(page).exists(), "{page}: {}", text(&o.stdout));
    }
    assert!(
        !dir.join("vital-onboard-__serve-clipboard.1").exists(),
        "hidden commands have no page"
    );
    let o = home.run(&["man"], &[], None).await;
    assert!(text(&o.stdout).starts_with(".ie"), "roff on stdout");
    assert_eq!(
        o.stdout,
        std::fs::read(dir.join("vital-onboard.1")).unwrap()
    );
    if !man_present() {
        return;
    }
    for page in ["vital-onboard.1", "vital-onboard-login.1"] {
        let r = Command::new("man")
            .arg("-l")
            .arg(dir.join(page))
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100")
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(r.status.success(), "{page}: {}", text(&r.stderr));
        let shown = text(&r.stdout);
        let shown = shown.replace(['\u{2010}', '\u{2212}'], "-");
        assert!(
            shown.contains("NAME") && shown.contains("SYNOPSIS"),
            "{shown}"
        );
        if page == "vital-onboard-login.1" {
            assert!(shown.contains("--stdin"), "{shown}");
        } else {
            assert!(shown.contains("doctor"), "{shown}");
        }
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_prompt_hides_the_key_and_asks_before_writing_a_file() {
    let emu = emulator(1).await;
    let base = emu.base_url().to_string();
    let home = Home::new();
    let h = home.dir.path().to_path_buf();
    let mut pty = tokio::task::spawn_blocking(move || {
        let (cfg, hs) = (h.join(".config"), h.display().to_string());
        let cfg = cfg.display().to_string();
        let env = [
            ("VITAL_BASE_URL", base.as_str()),
            ("HOME", hs.as_str()),
            ("XDG_CONFIG_HOME", cfg.as_str()),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/vital-onboard-test-bus",
            ),
        ];
        Pty::spawn_sized(&["login"], 24, 120, &env)
    })
    .await
    .unwrap();
    pty.wait_for("(input hidden)");
    pty.send(&format!("{KEY}\r"));
    let screen = pty.wait_for("readable only by you? [y/N]");
    assert!(
        !screen.contains(KEY) && !screen.contains("test_key"),
        "never echoed:\n{screen}"
    );
    assert!(screen.contains("no keychain answered"), "{screen}");
    pty.send("y\r");
    let screen = pty.wait_for("Stored in");
    assert!(wait_exit(&mut pty).success(), "{screen}");
    let file = home.key_file("default");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), KEY);
    assert!(!pty.screen_lines().join("\n").contains(KEY));
}

/// The console with several profiles and none chosen starts with the picker; the profile picked
/// decides the host (its `base_url`), the header names it and its `default_preset` is applied.
/// q in the picker quits with the terminal restored; the demo is always an entry.
#[tokio::test(flavor = "multi_thread")]
async fn several_profiles_start_the_console_with_a_picker() {
    let emu = emulator(3).await;
    let home = Home::new();
    home.write_config(&format!(
        r#"[[preset]]
name = "rings"
providers = ["oura"]

[profile.clinic-emulator]
base_url = "{}"
default_preset = "rings"

[profile.eu-production]
environment = "production"
region = "eu"
"#,
        emu.base_url()
    ));
    let h = home.dir.path().to_path_buf();
    let spawn = move || {
        let h = h.clone();
        move || {
            let cfg = h.join(".config/vital-onboard/config.toml");
            let (cfg, hs) = (cfg.display().to_string(), h.display().to_string());
            let xdg = h.join(".config").display().to_string();
            let env = [
                ("VITAL_API_KEY", KEY),
                ("VITAL_ONBOARD_CONFIG", cfg.as_str()),
                ("HOME", hs.as_str()),
                ("XDG_CONFIG_HOME", xdg.as_str()),
            ];
            Pty::spawn_sized(&[], 40, 140, &env)
        }
    };

    let mut pty = tokio::task::spawn_blocking(spawn()).await.unwrap();
    let screen = pty.wait_for("Choose a profile");
    let rows: Vec<&str> = ["clinic-emulator", "eu-production", "demo"]
        .into_iter()
        .filter(|name| screen.contains(name))
        .collect();
    assert_eq!(rows.len(), 3, "every profile, then the demo:\n{screen}");
    assert!(screen.contains("production/eu"), "{screen}");
    pty.send("\r");
    let screen = pty.wait_for("patient-00001");
    assert!(screen.contains("profile clinic-emulator"), "{screen}");
    assert!(
        screen.contains(emu.base_url().as_str().trim_end_matches('/')),
        "{screen}"
    );
    // The Providers pane says so once it is drawn (the list of providers is a request of its
    // own, which may answer after the patients').
    pty.wait_for("Preset: rings");
    pty.send("q");
    assert!(wait_exit(&mut pty).success());

    let mut pty = tokio::task::spawn_blocking(spawn()).await.unwrap();
    pty.wait_for("Choose a profile");
    pty.send("jj\r");
    let screen = pty.wait_for("built-in emulator at");
    assert!(screen.contains(" DEMO "), "{screen}");
    pty.send("q");
    assert!(wait_exit(&mut pty).success());

    let mut pty = tokio::task::spawn_blocking(spawn()).await.unwrap();
    pty.wait_for("Choose a profile");
    pty.send("q");
    assert!(wait_exit(&mut pty).success(), "q in the picker quits");
    assert!(pty.is_cooked(), "the terminal is restored");
    assert!(
        emu.link_requests().is_empty(),
        "nothing was minted along the way"
    );
}
