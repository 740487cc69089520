//! `presets check --live`, running the built binary against an in-process emulator on
//! loopback: a preset whose provider the team has not enabled fails, the mints are audited and
//! stay out of the follow-up lists, read-only refuses and production asks, the user given is
//! used, the demo's QA user is throwaway.

mod common;

use std::path::Path;
use std::process::Command;

use common::presets::{GOOD, cmd, config};
use common::*;

/// Four presets for the live check: two the team can offer (one of them allows every
/// provider), one asking for a provider the team has not enabled, one the offline lint refuses.
const LIVE: &str = r#"[[preset]]
name = "wearables"
providers = ["oura", "fitbit"]

[[preset]]
name = "cgm"
providers = ["oura", "dexcom_v3"]

[[preset]]
name = "everything"

[[preset]]
name = "typo"
providers = ["fitbt"]
"#;

/// The team of `emu` no longer offers `slugs`, set as a separate emulator process would be.
async fn disable(emu: &vital_onboard::emulator::RunningEmulator, slugs: &[&str]) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = emu.base_url().join("_emulator/disabled-providers").unwrap();
    let unknown = reqwest::Client::new()
        .put(url.clone())
        .header("x-vital-api-key", KEY)
        .json(&["nosuch"])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 422, "an unknown slug is refused");
    let answer = reqwest::Client::new()
        .put(url.clone())
        .header("x-vital-api-key", KEY)
        .json(&slugs)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{answer:?}");
    let now: Vec<String> = reqwest::Client::new()
        .get(url)
        .header("x-vital-api-key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now, slugs);
}

/// `presets check --live` with the connection options after `check` (no `VITAL_BASE_URL`).
fn live(config: &Path, base: &str, extra: &[&str]) -> (Command, Vec<String>) {
    let mut c = cmd(config, None);
    c.env("VITAL_API_KEY", KEY);
    let mut args: Vec<String> = ["presets", "check", "--live", "--base-url", base]
        .map(String::from)
        .to_vec();
    args.extend(extra.iter().map(|s| (*s).to_string()));
    (c, args)
}

async fn run_live(config: &Path, base: &str, extra: &[&str]) -> std::process::Output {
    let (c, args) = live(config, base, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(c, &args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_fails_a_preset_whose_provider_the_team_has_not_enabled() {
    let emu = emulator(3).await;
    disable(&emu, &["dexcom_v3"]).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, LIVE);
    let users_before = emu.with_team(|t| t.len());
    let o = run_live(&c, &base, &[]).await;
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(code(&o), 2, "{out}\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0], "PASS wearables: the patient will see Oura, Fitbit",
        "{out}"
    );
    assert_eq!(lines[1], "FAIL cgm: the patient will see Oura", "{out}");
    assert_eq!(
        lines[2], "  not shown: dexcom_v3 (not enabled for the team)",
        "{out}"
    );
    assert!(
        lines[3].starts_with("PASS everything: the patient will see Oura, Fitbit, Garmin, "),
        "a preset without providers passes and says what is offered: {out}"
    );
    assert_eq!(
        lines[4], "FAIL typo: not minted: the offline check found 1 problem",
        "{out}"
    );
    assert!(
        lines[5].starts_with("  line 14: unknown provider \"fitbt\""),
        "{out}"
    );
    assert!(
        err.contains(
            "error: 2 of 4 presets failed the live check (3 links minted for vital-onboard-qa on "
        ),
        "{err}"
    );
    assert!(
        err.contains("note: created the QA user vital-onboard-qa ("),
        "{err}"
    );
    // One link per preset the lint passes, all for the QA user, created once.
    let qa = emu
        .with_team(|t| t.by_client_id("vital-onboard-qa"))
        .expect("the QA user was created");
    let sent = emu.link_requests();
    assert_eq!(sent.len(), 3, "the refused preset is not minted");
    assert!(
        sent.iter()
            .all(|r| r.body["user_id"] == qa.user_id.to_string())
    );
    assert_eq!(
        sent[1].body["filter_on_providers"],
        serde_json::json!(["oura", "dexcom_v3"])
    );
    assert_eq!(sent[2].body.get("filter_on_providers"), None);
    assert_eq!(emu.with_team(|t| t.len()), users_before + 1);
    for s in [&out, &err] {
        assert!(
            !s.contains("token=") && !s.contains("/link"),
            "no link URL: {s}"
        );
    }
    again_as_a_ci_job(&emu, &c, users_before + 1).await;
}

/// The live check again, as a CI job: the QA user is reused, one JSON object a line, a `JUnit`
/// report.
async fn again_as_a_ci_job(emu: &vital_onboard::emulator::RunningEmulator, c: &Path, users: usize) {
    let base = emu.base_url().to_string();
    let junit = c.with_extension("xml");
    let o = run_live(c, &base, &["--json", "--junit", junit.to_str().unwrap()]).await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("created the QA user"));
    assert_eq!(emu.with_team(|t| t.len()), users, "created once");
    let rows = json_lines(&text(&o.stdout));
    let passed: Vec<(&str, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["preset"].as_str().unwrap(),
                r["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        passed,
        [
            ("wearables", true),
            ("cgm", false),
            ("everything", true),
            ("typo", false)
        ]
    );
    assert_eq!(rows[1]["patient_will_see"], serde_json::json!(["Oura"]));
    assert_eq!(
        rows[1]["not_offered"],
        serde_json::json!([{"slug": "dexcom_v3", "reason": "not enabled for the team"}])
    );
    assert_eq!(rows[3]["minted"], false);
    assert!(
        rows[0]["token_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    for r in &rows {
        assert!(r.get("link_token").is_none() && r.get("link_web_url").is_none());
    }
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert!(xml.contains("tests=\"4\" failures=\"2\""), "{xml}");
    assert!(
        xml.contains("<failure message=\"not shown: dexcom_v3 (not enabled for the team)\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase classname=\"presets\" name=\"wearables\""),
        "{xml}"
    );
    assert!(!xml.contains("token=") && !xml.contains("http://"), "{xml}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_mints_are_audited_and_stay_out_of_the_follow_up_lists() {
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, LIVE);
    let db = c.with_extension("sqlite3");
    // A patient's link, minted in the console, not connected: the follow-up list has it.
    {
        let mut console = common::harness::Console::new(&emu, Some(&db));
        console.mint_for("patient-00002", &["oura"]).await;
        // The console writes the log on a thread of its own: wait for the row.
        console
            .wait_for_log(&db, "the console's mint", |events| {
                events
                    .iter()
                    .any(|e| e.outcome == vital_onboard::audit::Outcome::Minted)
            })
            .await;
    }
    let o = run_live(&c, &base, &[]).await;
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let history = |args: &'static [&'static str]| {
        let mut h = cmd(&c, None);
        h.args(args);
        async move {
            let o = tokio::task::spawn_blocking(move || h.output().unwrap())
                .await
                .unwrap();
            assert_eq!(code(&o), 0, "{args:?}: {}", text(&o.stderr));
            text(&o.stdout)
        }
    };
    let all = history(&["history"]).await;
    let qa: Vec<&str> = all
        .lines()
        .filter(|l| l.contains("vital-onboard-qa"))
        .collect();
    assert_eq!(qa.len(), 3, "one row a mint:\n{all}");
    for preset in ["wearables", "cgm", "everything"] {
        assert!(
            qa.iter().any(|l| l.contains(&format!("\t{preset}\t"))),
            "{all}"
        );
    }
    let rows = json_lines(&history(&["history", "--json"]).await);
    let sources: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["minted"]["client_user_id"].as_str().unwrap(),
                r["minted"]["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("vital-onboard-qa", "check"),
            ("vital-onboard-qa", "check"),
            ("vital-onboard-qa", "check"),
            ("patient-00002", "console"),
        ]
    );
    let pending = history(&["history", "--pending"]).await;
    assert!(pending.contains("patient-00002"), "{pending}");
    assert!(!pending.contains("vital-onboard-qa"), "{pending}");

    // H in the console: the patient's link, not the QA user's.
    let mut console = common::harness::Console::new(&emu, Some(&db));
    console.wait_for("patient-0000").await;
    console.key(crossterm::event::KeyCode::Char('H'));
    let read = |c: &common::harness::Console| -> Option<Vec<String>> {
        let h = c.driver.app.overlays.history.as_ref()?;
        match h.records.as_ref()? {
            Ok(_) => Some(
                h.visible()
                    .iter()
                    .map(|r| r.minted.client_user_id.clone())
                    .collect(),
            ),
            Err(e) => panic!("{e}"),
        }
    };
    console
        .wait_until("the history overlay reads the log", |c| read(c).is_some())
        .await;
    assert_eq!(read(&console), Some(vec!["patient-00002".to_string()]));
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_is_refused_read_only_and_asks_before_minting_in_production() {
    const PK: &str = "pk_us_test_key_4b1d2e";
    let emu = vital_onboard::emulator::start_local(vital_onboard::emulator::EmulatorOptions {
        users: 1,
        api_key: Some(PK.into()),
    })
    .await
    .unwrap();
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, GOOD);
    let users = emu.with_team(|t| t.len());
    let with_key = |extra: &[&str]| {
        let (mut command, args) = live(&c, &base, extra);
        command.env("VITAL_API_KEY", PK);
        (command, args)
    };
    let go = |(command, args): (Command, Vec<String>)| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(command, &args).await
    };
    let o = go(with_key(&["--read-only"])).await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("will not mint links to check the presets; nothing was sent"),
        "{}",
        text(&o.stderr)
    );
    let o = go(with_key(&[])).await;
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains(
            "this is production: minting 2 PRODUCTION links to check the presets needs --yes where there is no terminal to ask; nothing was sent"
        ),
        "{}",
        text(&o.stderr)
    );
    assert!(emu.link_requests().is_empty(), "nothing minted");
    assert_eq!(emu.with_team(|t| t.len()), users, "no user created");

    // On a terminal it asks; anything but y is no.
    let env = [
        ("VITAL_API_KEY", PK),
        ("VITAL_ONBOARD_CONFIG", c.to_str().unwrap()),
    ];
    let args = ["presets", "check", "--live", "--base-url", base.as_str()];
    let mut pty = tokio::task::spawn_blocking({
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        move || {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            common::pty::Pty::spawn_sized(&args, 24, 120, &env)
        }
    })
    .await
    .unwrap();
    pty.wait_for("Mint 2 PRODUCTION links for vital-onboard-qa to check the presets? [y/N]");
    pty.send("n\r");
    pty.wait_for("not confirmed: nothing was sent");
    assert_eq!(common::pty::wait_exit(&mut pty).exit_code(), 2);
    assert!(emu.link_requests().is_empty(), "nothing minted");

    let o = go(with_key(&["--yes"])).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(emu.link_requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn live_check_mints_for_the_user_given_and_creates_no_qa_user() {
    let emu = emulator(3).await;
    let base = emu.base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir, GOOD);
    let o = run_live(&c, &base, &["--user", "qa-desk-2"]).await;
    assert_eq!(code(&o), 3, "an unknown user: {}", text(&o.stderr));
    assert!(emu.link_requests().is_empty(), "nothing minted");
    let o = run(cmd(&c, Some(&base)), &["users", "create", "qa-desk-2"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let desk = emu.with_team(|t| t.by_client_id("qa-desk-2")).unwrap();
    let o = run_live(&c, &base, &["--user", "qa-desk-2"]).await;
    let err = text(&o.stderr);
    assert_eq!(code(&o), 0, "{err}");
    assert!(
        err.contains("2 presets checked live, all pass (2 links minted for qa-desk-2 on "),
        "{err}"
    );
    assert!(
        emu.with_team(|t| t.by_client_id("vital-onboard-qa"))
            .is_none()
    );
    let sent = emu.link_requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|r| r.body["user_id"] == desk.user_id.to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_check_in_the_demo_says_its_qa_user_is_throwaway() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(
        &dir,
        "[[preset]]\nname = \"wearables\"\nproviders = [\"oura\"]\n",
    );
    let mut command = cmd(&c, None);
    command.args(["presets", "check", "--live", "--demo"]);
    let o = run(command, &[]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("in the demo emulator, which is gone when this command ends"),
        "{err}"
    );
    assert!(!err.contains("reused next time"), "{err}");
}
