//! The emulator's simulated Junction Connect app (`/app`), every path: the code form in each
//! language, a wrong, used and expired code, the team's name (escaped), "Allow Apple Health"
//! and the `apple_health_kit` connection the API then lists. Form posts with reqwest, on
//! loopback, no JavaScript.

mod common;

use common::link_web::{Browser, Page};
use common::*;
use serde_json::Value;
use vital_onboard::emulator::stable_uuid;

/// Creates a code for `client_id` with the API key.
async fn code_for(web: &Browser, client_id: &str) -> String {
    let r = web
        .http
        .post(format!(
            "{}/v2/link/code/create?user_id={}",
            web.base,
            stable_uuid(client_id)
        ))
        .header("x-vital-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    v["code"].as_str().unwrap().to_string()
}

/// The slugs `GET /v2/user/providers/{id}` lists for `client_id`.
async fn listed(web: &Browser, client_id: &str) -> Vec<String> {
    let v: Value = web
        .http
        .get(format!(
            "{}/v2/user/providers/{}",
            web.base,
            stable_uuid(client_id)
        ))
        .header("x-vital-api-key", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_string())
        .collect()
}

/// The value of the hidden `sign_in_token` field of the Allow form.
fn sign_in_token(html: &str) -> String {
    html.split("name=\"sign_in_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the Allow form")
        .to_string()
}

fn reason(page: &Page) -> Option<&str> {
    page.html
        .split("data-reason=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
}

#[tokio::test]
async fn enter_the_code_see_the_team_allow_apple_health_and_the_api_lists_it() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let form = web.get("/app").await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("<html lang=\"en\""));
    assert!(form.html.contains("Enter the code the clinic gave you."));
    assert!(form.html.contains("action=\"/app/code\""));
    assert!(form.html.contains("name=\"viewport\""), "phone readable");
    assert!(!form.html.contains("<script"), "works without JavaScript");
    let code = code_for(&web, "patient-00001").await;
    assert!(listed(&web, "patient-00001").await.is_empty());
    // Typed as read aloud: in groups, with spaces.
    let spaced = format!("{} {} {}", &code[..4], &code[4..8], &code[8..]);
    let team = web
        .post("/app/code", &[("code", &spaced), ("lang", "en")])
        .await;
    assert_eq!(team.status, 200, "{}", team.html);
    assert!(
        team.html
            .contains("Demo Clinic invites you to share your health data."),
        "{}",
        team.html
    );
    assert!(team.html.contains("Allow Apple Health"));
    assert!(
        emu.with_team(|t| t.app_codes.issued[0].used_at.is_some()),
        "entering the code exchanges it"
    );
    let done = web
        .post(
            "/app/allow",
            &[
                ("sign_in_token", &sign_in_token(&team.html)),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(done.html.contains("data-slug=\"apple_health_kit\""));
    assert!(
        done.html
            .contains("Apple Health is connected. You can hand the device back.")
    );
    assert_eq!(listed(&web, "patient-00001").await, ["apple_health_kit"]);
    // A sign-in that is not one is refused with the way back.
    let bad = web
        .post("/app/allow", &[("sign_in_token", "forged"), ("lang", "en")])
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(reason(&bad), Some("signed-out"));
    assert!(bad.html.contains("href=\"/app?lang=en\""));
}

#[tokio::test]
async fn a_wrong_a_used_and_an_expired_code_each_get_a_clear_page() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let wrong = web
        .post("/app/code", &[("code", "skus00000000"), ("lang", "en")])
        .await;
    assert_eq!(wrong.status, 404);
    assert_eq!(reason(&wrong), Some("unknown"));
    assert!(
        wrong
            .html
            .contains("This code is not valid. Check it with the clinic staff and try again.")
    );
    assert!(wrong.html.contains(">Try again</a>"));
    let code = code_for(&web, "patient-00002").await;
    let first = web.post("/app/code", &[("code", &code)]).await;
    assert_eq!(first.status, 200);
    let used = web.post("/app/code", &[("code", &code)]).await;
    assert_eq!(used.status, 410);
    assert_eq!(reason(&used), Some("used"));
    assert!(
        used.html
            .contains("This code was already used. Ask the clinic for a new one.")
    );
    let late = code_for(&web, "patient-00003").await;
    emu.advance_clock(chrono::Duration::minutes(60));
    let expired = web.post("/app/code", &[("code", &late)]).await;
    assert_eq!(expired.status, 410);
    assert_eq!(reason(&expired), Some("expired"));
    assert!(
        expired
            .html
            .contains("This code has expired. Ask the clinic for a new one.")
    );
    assert!(listed(&web, "patient-00003").await.is_empty());
}

#[tokio::test]
async fn the_page_is_in_the_patients_language_with_a_row_to_change_it() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let es = web.get("/app?lang=es").await;
    assert!(es.html.contains("<html lang=\"es\""));
    assert!(
        es.html
            .contains("Introduzca el código que le dieron en la clínica.")
    );
    assert!(
        es.html.contains("name=\"lang\" value=\"es\""),
        "kept through the form"
    );
    for (tag, name) in [
        ("en", "English"),
        ("es", "Español"),
        ("fr", "Français"),
        ("de", "Deutsch"),
        ("pt-BR", "Português (Brasil)"),
    ] {
        assert!(
            es.html.contains(&format!("href=\"/app?lang={tag}\"")) && es.html.contains(name),
            "{tag}"
        );
    }
    let code = code_for(&web, "patient-00001").await;
    let de = web
        .post("/app/code", &[("code", &code), ("lang", "de")])
        .await;
    assert!(
        de.html
            .contains("Demo Clinic lädt Sie ein, Ihre Gesundheitsdaten zu teilen."),
        "{}",
        de.html
    );
    assert!(de.html.contains("Apple Health erlauben"));
    let done = web
        .post(
            "/app/allow",
            &[
                ("sign_in_token", &sign_in_token(&de.html)),
                ("lang", "pt-BR"),
            ],
        )
        .await;
    assert!(
        done.html
            .contains("O Apple Health está conectado. Você já pode devolver o aparelho.")
    );
    let fr = web
        .post("/app/code", &[("code", "skus00000000"), ("lang", "fr")])
        .await;
    assert!(fr.html.contains("Ce code n’est pas valide."), "{}", fr.html);
    // An unknown language is English.
    let other = web.get("/app?lang=xx").await;
    assert!(other.html.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn a_hostile_team_name_is_shown_as_text() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)> & Co";
    let r = web
        .http
        .put(format!("{}/_emulator/team", web.base))
        .header("x-vital-api-key", KEY)
        .json(&serde_json::json!({ "name": hostile }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let code = code_for(&web, "patient-00001").await;
    let page = web.post("/app/code", &[("code", &code)]).await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("<script>") && !page.html.contains("<img"));
    assert!(
        page.html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; Co invites you"
        ),
        "{}",
        page.html
    );
}

#[tokio::test]
async fn the_emulator_names_the_pages_address() {
    let emu = emulator(0).await;
    let url = emu.app_url();
    assert_eq!(url.path(), "/app");
    let page = Browser::new(&emu).get(url.as_str()).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("action=\"/app/code\""));
}

#[tokio::test]
async fn changing_the_language_on_the_allow_page_keeps_the_sign_in() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let code = code_for(&web, "patient-00001").await;
    let en = web
        .post("/app/code", &[("code", &code), ("lang", "en")])
        .await;
    assert_eq!(en.status, 200, "{}", en.html);
    let token = sign_in_token(&en.html);
    // No plain link back to the code form: the code is used, that would strand the patient.
    assert!(!en.html.contains("href=\"/app?lang="), "{}", en.html);
    assert!(en.html.contains("action=\"/app/signed-in\""), "{}", en.html);
    assert!(en.html.contains("name=\"lang\" value=\"es\""));
    let es = web
        .post(
            "/app/signed-in",
            &[("sign_in_token", &token), ("lang", "es")],
        )
        .await;
    assert_eq!(es.status, 200, "{}", es.html);
    assert!(es.html.contains("<html lang=\"es\""));
    assert!(
        es.html
            .contains("Demo Clinic le invita a compartir sus datos de salud."),
        "{}",
        es.html
    );
    assert!(es.html.contains("Permitir Apple Health"));
    assert_eq!(sign_in_token(&es.html), token, "still signed in");
    let done = web
        .post("/app/allow", &[("sign_in_token", &token), ("lang", "es")])
        .await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert_eq!(listed(&web, "patient-00001").await, ["apple_health_kit"]);
    let forged = web
        .post(
            "/app/signed-in",
            &[("sign_in_token", "forged"), ("lang", "es")],
        )
        .await;
    assert_eq!(forged.status, 401);
    assert_eq!(reason(&forged), Some("signed-out"));
}
