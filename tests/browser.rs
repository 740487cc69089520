//! A real browser: headless Chromium loads the emulator's Link page (`--dump-dom`, so what it
//! returns is the DOM the browser built), finds exactly the allowed providers, follows the
//! provider link and submits the OAuth consent form (a GET form, so its URL is the form's action
//! with its fields), and the console's watcher sees the connection. `.ci/run` installs Debian's
//! `chromium`, so under `CI` a missing browser fails; elsewhere the test says it did not run.

mod common;

use std::process::Command;

use common::harness::Console;
use common::link_web::listed_slugs;
use common::*;

fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|bin| common::tools::on_path(bin));
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "CI must have chromium (.ci/run installs it)"
    );
    if found.is_none() {
        eprintln!("chromium missing: the browser test did not run (apt-get install chromium)");
    }
    found
}

/// The DOM Chromium built for `url`, after following redirects.
async fn dump_dom(bin: &'static str, url: String) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().unwrap();
        let out = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                &format!("--user-data-dir={}", profile.path().display()),
                "--dump-dom",
                &url,
            ])
            .output()
            .expect("chromium runs");
        if out.stdout.is_empty() {
            eprintln!("chromium stderr: {}", String::from_utf8_lossy(&out.stderr));
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
    .await
    .unwrap()
}

/// The first `name="…"` attribute at or after `marker`.
fn attr(html: &str, marker: &str, name: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let rest = &html[at..];
    let from = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    rest[from..from + rest[from..].find('"').unwrap()].replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_connects_through_the_link_page_and_the_console_sees_it() {
    let Some(bin) = chromium() else { return };
    let emu = emulator(12).await;
    let base = emu.base_url().as_str().trim_end_matches('/').to_string();
    let mut c = Console::new(&emu, None);
    let url = c
        .mint_for("patient-00002", &["oura", "fitbit", "apple_health_kit"])
        .await;
    c.wait_for("Watching for the connection…").await;
    let list = dump_dom(bin, url).await;
    assert_eq!(listed_slugs(&list), ["oura", "fitbit"], "{list}");
    let href = attr(&list, "data-slug=\"oura\"", "href");
    let consent = dump_dom(bin, format!("{base}{href}")).await;
    assert!(consent.contains("Allow"), "{consent}");
    // Submitting the GET form: its action with its fields, as the browser would send them.
    let action = attr(&consent, "id=\"consent\"", "action");
    let form = &consent[consent.find("id=\"consent\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    let fields: Vec<String> = form
        .split("<input type=\"hidden\" ")
        .skip(1)
        .map(|s| {
            let name = s
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let value = s
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let value = value.replace("&amp;", "&");
            let enc: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            format!("{name}={enc}")
        })
        .collect();
    let target = format!("{base}{action}?{}", fields.join("&"));
    eprintln!("submitting {}", target.replace(&fields[0], "token=…"));
    let done = dump_dom(bin, target).await;
    assert!(done.contains("Oura is connected"), "{done}");
    let (screen, took) = c
        .wait_for_within("Connected: Oura ✓", common::harness::WAIT)
        .await;
    assert!(screen.contains("Used — r for another"));
    eprintln!("the console saw the browser's connection {took:?} after it was made");
}
