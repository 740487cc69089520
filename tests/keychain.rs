//! The OS keychain for real: a fresh HOME, a private session bus (`dbus-run-session`) and an
//! unlocked `gnome-keyring-daemon` serving the Secret Service. `login --stdin` stores the key
//! there, later commands use it with no variable set, `logout` removes it, and afterwards the
//! key is in no file under HOME. `.ci/run` installs gnome-keyring and dbus, so in CI this always
//! runs; on a developer machine without them it says on stderr that it did not run.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::env::TestEnv;
use common::*;

fn tools_present() -> bool {
    common::tools::present(
        &["dbus-run-session", "dbus-send", "gnome-keyring-daemon"],
        "the keychain test",
        "dbus dbus-bin gnome-keyring",
    )
}

/// Runs inside `dbus-run-session`: starts an unlocked keyring, then each step writes
/// `OUT/NAME.out`, `.err` and `.code`. The key reaches `login` on this script's stdin only.
const SCRIPT: &str = r#"
set -u
home="$1"; out="$2"; bin="$3"
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
export XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf %s somepassword > "$out/pw"
gnome-keyring-daemon --foreground --unlock --components=secrets < "$out/pw" > "$out/daemon.log" 2>&1 &
daemon=$!
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  i=$((i+1)); [ $i -gt 100 ] && { echo "no secret service" > "$out/fatal"; kill $daemon; exit 1; }
  sleep 0.1
done
step() { name=$1; shift; "$@" > "$out/$name.out" 2> "$out/$name.err"; echo $? > "$out/$name.code"; }
step login "$bin" --profile clinic login --stdin
step status "$bin" --profile clinic status < /dev/null
step users "$bin" --profile clinic users < /dev/null
step profiles "$bin" profiles --json < /dev/null
step doctor "$bin" --profile clinic doctor --json < /dev/null
step logout "$bin" --profile clinic logout < /dev/null
step status_after "$bin" --profile clinic status < /dev/null
step users_after "$bin" --profile clinic users < /dev/null
kill $daemon
wait $daemon 2>/dev/null
exit 0
"#;

struct Step {
    out: String,
    err: String,
    code: i32,
}

fn step(dir: &Path, name: &str) -> Step {
    let read =
        |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap_or_default();
    Step {
        out: read("out"),
        err: read("err"),
        code: read("code").trim().parse().unwrap_or(-1),
    }
}

/// Every file under `dir` (not following symlinks), with its bytes.
fn files(dir: &Path, found: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ty) = e.file_type() else { continue };
        if ty.is_dir() {
            files(&e.path(), found);
        } else if ty.is_file() {
            found.push((e.path(), std::fs::read(e.path()).unwrap_or_default()));
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs [`SCRIPT`] in a private session bus with `home` as HOME; the steps' files go to `out`.
fn run_script(home: &Path, out: &Path) {
    let script = out.join("run.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    // The script sets HOME and the XDG folders again, and dbus-run-session the session bus.
    let mut cmd = Command::new("dbus-run-session");
    TestEnv::with_home(home).apply(&mut cmd);
    cmd.arg("--")
        .arg("sh")
        .arg(&script)
        .arg(home)
        .arg(out)
        .arg(BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // The key goes in on stdin only: never in an argv or an environment.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{KEY}\n").as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let fatal = std::fs::read_to_string(out.join("fatal")).unwrap_or_default();
    assert!(
        output.status.success() && fatal.is_empty(),
        "dbus-run-session failed: {fatal}\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(out.join("daemon.log")).unwrap_or_default()
    );
}

/// After `login`: `status`, `users`, `profiles` and `doctor` find the key in the keychain.
fn logged_in_commands_use_the_keychain(dir: &Path) {
    let login = step(dir, "login");
    assert_eq!(login.code, 0, "{}", login.err);
    assert!(
        login
            .out
            .contains("Stored in the Secret Service for profile clinic"),
        "{}",
        login.out
    );
    assert!(login.err.contains("was accepted by"), "{}", login.err);

    let status = step(dir, "status");
    assert_eq!(status.code, 0, "{}", status.err);
    assert!(
        status.out.contains("key source       the OS keychain"),
        "{}",
        status.out
    );
    assert!(
        status.out.contains("key              sk_us_…"),
        "{}",
        status.out
    );
    assert!(
        status.out.contains("profile          clinic"),
        "{}",
        status.out
    );

    let users = step(dir, "users");
    assert_eq!(
        users.code, 0,
        "no variable set, the keychain key is used: {}",
        users.err
    );
    assert!(users.out.contains("patient-00001"), "{}", users.out);

    let profiles = step(dir, "profiles");
    assert_eq!(profiles.code, 0, "{}", profiles.err);
    let rows = json_lines(&profiles.out);
    let key_of = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .map(|r| r["key"].as_str().unwrap().to_string())
    };
    assert_eq!(key_of("clinic").as_deref(), Some("keychain"));
    assert_eq!(key_of("other").as_deref(), Some("no"));
    assert_eq!(key_of("demo").as_deref(), Some("no"));

    let doctor = step(dir, "doctor");
    let checks = json_lines(&doctor.out);
    let status_of = |name: &str| {
        checks
            .iter()
            .find(|c| c["check"] == name)
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(
        status_of("keychain").as_deref(),
        Some("ok"),
        "{}",
        doctor.out
    );
    assert_eq!(status_of("key").as_deref(), Some("ok"), "{}", doctor.out);
}

/// `logout` removes the key: the profile then has none.
fn logout_removes_the_key(dir: &Path) {
    let logout = step(dir, "logout");
    assert_eq!(logout.code, 0, "{}", logout.err);
    assert!(
        logout
            .out
            .contains("Removed the key of profile clinic from the Secret Service"),
        "{}",
        logout.out
    );

    // `status` reports the missing key in the profile's terms; a command that needs it is
    // refused the same way (not with a word of --base-url, which nobody typed).
    let after = step(dir, "status_after");
    assert_eq!(after.code, 0, "{}", after.err);
    assert!(
        after
            .out
            .contains("no key stored: run `vital-onboard login --profile clinic`"),
        "{}",
        after.out
    );
    let users_after = step(dir, "users_after");
    assert_eq!(users_after.code, 2, "{}", users_after.err);
    assert!(
        users_after.err.contains(
            "no key stored for profile clinic: run `vital-onboard login --profile clinic`"
        ),
        "{}",
        users_after.err
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_stores_in_the_secret_service_commands_use_it_and_logout_removes_it() {
    if !tools_present() {
        return;
    }
    let emu = emulator(3).await;
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let config_dir = home.path().join(".config/vital-onboard");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[profile.clinic]\nbase_url = \"{}\"\n[profile.other]\nenvironment = \"sandbox\"\n",
            emu.base_url()
        ),
    )
    .unwrap();
    let (h, o) = (home.path().to_path_buf(), out.path().to_path_buf());
    tokio::task::spawn_blocking(move || run_script(&h, &o))
        .await
        .unwrap();
    let dir = out.path();
    logged_in_commands_use_the_keychain(dir);
    logout_removes_the_key(dir);

    // The key is in no file under HOME (the keyring file holds it encrypted, and now not at all),
    // and in no output.
    let mut found = vec![];
    files(home.path(), &mut found);
    assert!(
        found
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("keyrings")),
        "the keyring lived under the fresh HOME: {:?}",
        found.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, bytes) in &found {
        assert!(
            !contains(bytes, KEY.as_bytes()),
            "the key is in {}",
            path.display()
        );
    }
    for name in [
        "login",
        "status",
        "users",
        "profiles",
        "doctor",
        "logout",
        "status_after",
    ] {
        let s = step(dir, name);
        assert!(
            !s.out.contains(KEY) && !s.err.contains(KEY),
            "{name} printed the key"
        );
    }
    assert_eq!(emu.link_requests().len(), 0);
}
