//! The emulator's Link page, every path: the allowlist, a direct provider, OAuth consent,
//! password sign-in (right and `wrong`), email, Close, `on_error/on_close` redirects, expired and
//! consumed tokens, and escaping of what it echoes. Form posts with reqwest, on loopback.

mod common;

use common::link_web::{Browser, listed_slugs};
use common::*;
use serde_json::json;
use vital_onboard::emulator::stable_uuid;

fn connected(emu: &vital_onboard::emulator::RunningEmulator, client_id: &str) -> Vec<String> {
    let id = stable_uuid(client_id);
    emu.with_team(|t| {
        t.user(id)
            .unwrap()
            .connections
            .iter()
            .map(|c| c.slug.clone())
            .collect()
    })
}

#[tokio::test]
async fn lists_exactly_the_allowed_linkable_providers_without_scripts_or_outside_assets() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let (_, url) = web
        .mint(
            json!({"user_id": user, "filter_on_providers": ["oura", "fitbit", "apple_health_kit"]}),
        )
        .await;
    let page = web.get(&url).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        listed_slugs(&page.html),
        ["oura", "fitbit"],
        "SDK-only is not offered"
    );
    assert!(page.html.contains("name=\"viewport\""), "phone readable");
    assert!(!page.html.contains("<script"), "works without JavaScript");
    assert!(!page.html.contains("src=\"http") && !page.html.contains("href=\"http"));
    // No allowlist: every linkable provider, none of the SDK-only ones.
    let (_, url) = web.mint(json!({"user_id": user})).await;
    let all = listed_slugs(&web.get(&url).await.html);
    assert!(all.len() > 20 && all.contains(&"dexcom".to_string()));
    assert!(
        !all.iter()
            .any(|s| s.ends_with("_ble") || s == "apple_health_kit")
    );
}

#[tokio::test]
async fn oauth_consent_connects_consumes_the_token_and_shows_done() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00002");
    let (token, url) = web
        .mint(json!({"user_id": user, "filter_on_providers": ["oura"]}))
        .await;
    let list = web.get(&url).await;
    assert!(list.html.contains("/link/provider?token="));
    let consent = web
        .get(&format!(
            "/link/provider?token={}&slug=oura",
            url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(consent.html.contains("id=\"consent\"") && consent.html.contains("Allow"));
    let done = web.allow(&token, "oura").await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(done.html.contains("Oura is connected"));
    assert_eq!(connected(&emu, "patient-00002"), ["oura"]);
    // One-time: the page and the API now refuse the token as consumed.
    let again = web.get(&url).await;
    assert_eq!(again.status, 410);
    assert!(again.html.contains("token_consumed"));
    let r = web
        .http
        .get(format!("{}/v2/link/providers", web.base))
        .header("x-vital-link-token", &token)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("token_consumed"));
}

#[tokio::test]
async fn a_direct_provider_opens_its_sign_in_at_once_and_others_are_refused() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let (token, url) = web
        .mint(json!({"user_id": user, "provider": "whoop"}))
        .await;
    let page = web.get(&url).await;
    assert!(page.html.contains("id=\"signin\"") && page.html.contains("type=\"password\""));
    // A provider the token does not offer cannot be connected through it.
    let (t2, _) = web
        .mint(json!({"user_id": user, "filter_on_providers": ["oura"]}))
        .await;
    let other = web.allow(&t2, "fitbit").await;
    assert_eq!(other.status, 404);
    assert!(connected(&emu, "patient-00001").is_empty());
    let ok = web
        .post(
            "/link/connect",
            &[
                ("token", &token),
                ("slug", "whoop"),
                ("username", "pat"),
                ("password", "hunter2"),
            ],
        )
        .await;
    assert!(ok.html.contains("Whoop is connected") || ok.html.contains("is connected"));
    assert_eq!(connected(&emu, "patient-00001"), ["whoop"]);
}

#[tokio::test]
async fn a_wrong_password_fails_in_the_form_or_redirects_with_on_error() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let (token, _) = web
        .mint(json!({"user_id": user, "provider": "peloton", "redirect_url": "https://clinic.example/done"}))
        .await;
    let fail = web
        .post(
            "/link/connect",
            &[
                ("token", &token),
                ("slug", "peloton"),
                ("username", "u"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(fail.status, 200);
    assert!(fail.html.contains("provider_credential_error") && fail.html.contains("id=\"signin\""));
    assert!(
        connected(&emu, "patient-00001").is_empty(),
        "nothing connected"
    );
    // Still usable after a failed attempt.
    let (token2, _) = web
        .mint(
            json!({"user_id": user, "provider": "peloton", "on_error": "redirect",
                     "redirect_url": "https://clinic.example/done?from=link"}),
        )
        .await;
    let fail = web
        .post(
            "/link/connect",
            &[
                ("token", &token2),
                ("slug", "peloton"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(fail.status, 303);
    let to = url::Url::parse(fail.location.as_deref().unwrap()).unwrap();
    let q: Vec<(String, String)> = to.query_pairs().into_owned().collect();
    assert_eq!(to.host_str(), Some("clinic.example"));
    assert!(q.contains(&("from".into(), "link".into())));
    assert!(q.contains(&("state".into(), "error".into())));
    assert!(q.contains(&("error_type".into(), "provider_credential_error".into())));
    // The first token still works with the right password, and redirects with success.
    let ok = web
        .post(
            "/link/connect",
            &[
                ("token", &token),
                ("slug", "peloton"),
                ("password", "right"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(
        ok.location.as_deref(),
        Some("https://clinic.example/done?state=success")
    );
    assert_eq!(connected(&emu, "patient-00001"), ["peloton"]);
}

#[tokio::test]
async fn the_email_provider_takes_an_email_address() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00003");
    let (token, url) = web
        .mint(json!({"user_id": user, "filter_on_providers": ["freestyle_libre"]}))
        .await;
    assert_eq!(listed_slugs(&web.get(&url).await.html), ["freestyle_libre"]);
    let form = web
        .get(&format!(
            "/link/provider?token={}&slug=freestyle_libre",
            url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(form.html.contains("type=\"email\""));
    let bad = web
        .post(
            "/link/connect",
            &[
                ("token", &token),
                ("slug", "freestyle_libre"),
                ("email", "nope"),
            ],
        )
        .await;
    assert!(bad.html.contains("valid email"));
    let ok = web
        .post(
            "/link/connect",
            &[
                ("token", &token),
                ("slug", "freestyle_libre"),
                ("email", "pat@example.com"),
            ],
        )
        .await;
    assert!(ok.html.contains("is connected"), "{}", ok.html);
    assert_eq!(connected(&emu, "patient-00003"), ["freestyle_libre"]);
}

#[tokio::test]
async fn close_follows_on_close() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let (token, _) = web
        .mint(json!({"user_id": user, "redirect_url": "https://c.example/x"}))
        .await;
    let closed = web.post("/link/close", &[("token", &token)]).await;
    assert_eq!(closed.status, 200);
    assert!(closed.html.contains("Nothing was connected"));
    let (token, _) = web
        .mint(
            json!({"user_id": user, "redirect_url": "https://c.example/x", "on_close": "redirect"}),
        )
        .await;
    let closed = web.post("/link/close", &[("token", &token)]).await;
    assert_eq!(closed.status, 303);
    let loc = closed.location.unwrap();
    assert!(
        loc.starts_with("https://c.example/x?state=error&error_type=user_cancelled"),
        "{loc}"
    );
    assert!(connected(&emu, "patient-00001").is_empty());
}

#[tokio::test]
async fn expired_consumed_and_unknown_tokens_say_so() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let (token, url) = web.mint(json!({"user_id": user})).await;
    emu.advance_clock(chrono::Duration::minutes(61));
    let page = web.get(&url).await;
    assert_eq!(page.status, 410);
    assert!(page.html.contains("token_expired"));
    let late = web.allow(&token, "oura").await;
    assert!(late.html.contains("token_expired"));
    assert!(connected(&emu, "patient-00001").is_empty());
    let unknown = web.get("/link/?token=nope").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.html.contains("invalid_token"));
}

#[tokio::test]
async fn what_the_page_echoes_is_escaped() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let hostile = "https://evil.example/\"><script>alert(1)</script>";
    let (token, url) = web
        .mint(json!({"user_id": user, "redirect_url": hostile}))
        .await;
    let page = web.get(&url).await;
    assert!(!page.html.contains("<script>"), "{}", page.html);
    assert!(page.html.contains("&lt;script&gt;"));
    let slug = web
        .get(&format!(
            "/link/provider?token={}&slug=%3Cb%3Ex",
            url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(!slug.html.contains("<b>x") && slug.html.contains("&lt;b&gt;x"));
    // A redirect carries the URL encoded, never raw HTML.
    let done = web.allow(&token, "oura").await;
    assert_eq!(done.status, 303);
    assert!(!done.html.contains("<script>"));
}
