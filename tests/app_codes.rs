//! The emulator's app codes on the wire (create, exchange, reuse, expiry, the 422 shapes, the
//! plan refusal, `/_emulator/app-codes`), and `Client::create_app_code` against it: the code it
//! accepts, and the answers it refuses (a code not of Vital's form, a foreign `exchange_url`).

mod common;

use common::link_web::Browser;
use common::*;
use serde_json::{Value, json};
use vital_onboard::api::{ApiError, app_code_hint, app_code_refusal, is_app_code};
use vital_onboard::emulator::{Fault, stable_uuid};

/// POSTs to `path` (query included) with no body; with the API key when `key`.
async fn post(web: &Browser, path: &str, key: bool) -> (u16, Value) {
    let mut r = web.http.post(format!("{}{path}", web.base));
    if key {
        r = r.header("x-vital-api-key", KEY);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(web: &Browser, path: &str) -> (u16, Value) {
    let r = web
        .http
        .get(format!("{}{path}", web.base))
        .header("x-vital-api-key", KEY)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn create_path(user: &str) -> String {
    format!("/v2/link/code/create?user_id={user}")
}

fn exchange_path(code: &str) -> String {
    format!("/v2/link/code/exchange?code={code}&grant_type=sign_in_token")
}

#[tokio::test]
async fn create_answers_a_code_its_app_link_and_an_expiry_one_hour_ahead() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001");
    let before = chrono::Utc::now();
    let (status, body) = post(&web, &create_path(&user.to_string()), true).await;
    assert_eq!(status, 200, "{body}");
    let code = body["code"].as_str().unwrap();
    assert!(is_app_code(code), "{code}");
    assert!(code.starts_with("skus") && code.len() == 12, "{code}");
    assert_eq!(code, code.to_lowercase());
    assert_eq!(
        body["exchange_url"],
        format!("tryvital://tryvital?code={code}")
    );
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(body["expires_at"].clone()).unwrap();
    let ahead = (expires - before).num_seconds();
    assert!((3590..=3610).contains(&ahead), "{ahead}");
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
    // expires_at as given (ISO 8601, with an offset or without).
    let at = (chrono::Utc::now() + chrono::Duration::minutes(30)).format("%Y-%m-%dT%H:%M:%S");
    let (status, body) = post(
        &web,
        &format!("{}&expires_at={at}%2B00:00", create_path(&user.to_string())),
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["expires_at"]
            .as_str()
            .unwrap()
            .starts_with(&at.to_string()),
        "{body}"
    );
}

#[tokio::test]
async fn create_validates_like_the_other_routes_and_needs_the_key() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00001").to_string();
    let (status, body) = post(&web, "/v2/link/code/create", true).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["type"], "missing");
    assert_eq!(body["detail"][0]["loc"], json!(["query", "user_id"]));
    let (status, body) = post(&web, &create_path("not-a-uuid"), true).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["type"], "uuid_parsing");
    assert_eq!(body["detail"][0]["loc"], json!(["query", "user_id"]));
    let (status, body) = post(
        &web,
        &format!("{}&expires_at=tomorrow", create_path(&user)),
        true,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["query", "expires_at"]));
    assert_eq!(body["detail"][0]["input"], "tomorrow");
    let (status, body) = post(
        &web,
        &format!("{}&expires_at=2020-01-01T00:00:00Z", create_path(&user)),
        true,
    )
    .await;
    assert_eq!(status, 422, "a time in the past: {body}");
    // Both complaints at once, as pydantic gives them.
    let (status, body) = post(&web, "/v2/link/code/create?user_id=x&expires_at=soon", true).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"].as_array().unwrap().len(), 2, "{body}");
    let unknown = uuid::Uuid::new_v4();
    let (status, body) = post(&web, &create_path(&unknown.to_string()), true).await;
    assert_eq!(status, 404);
    assert_eq!(body["detail"], format!("User {unknown} not found"));
    let (status, _) = post(&web, &create_path(&user), false).await;
    assert_eq!(status, 401, "create needs the API key");
    assert!(emu.with_team(|t| t.app_codes.issued.is_empty()));
}

#[tokio::test]
async fn a_code_is_exchanged_once_without_the_key_for_the_user_and_the_team() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00002");
    let (_, body) = post(&web, &create_path(&user.to_string()), true).await;
    let code = body["code"].as_str().unwrap().to_string();
    let (status, x) = post(&web, &exchange_path(&code), false).await;
    assert_eq!(status, 200, "{x}");
    assert_eq!(x["user_id"], user.to_string());
    assert!(x["sign_in_token"].as_str().unwrap().len() >= 20);
    assert_eq!(x["team"], json!({"name": "Demo Clinic", "logo_url": null}));
    // A code works once.
    let (status, again) = post(&web, &exchange_path(&code), false).await;
    assert_eq!(status, 400);
    assert_eq!(again["detail"], "This code has already been used.");
    let (status, unknown) = post(&web, &exchange_path("skus00000000"), false).await;
    assert_eq!(status, 404);
    assert_eq!(unknown["detail"], "Code not found.");
    // Validation: both parameters required, grant_type is the one literal.
    let (status, body) = post(&web, "/v2/link/code/exchange", false).await;
    assert_eq!(status, 422);
    let locs: Vec<&Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert_eq!(
        locs,
        [&json!(["query", "code"]), &json!(["query", "grant_type"])]
    );
    let (status, body) = post(
        &web,
        &format!("/v2/link/code/exchange?code={code}&grant_type=password"),
        false,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["type"], "literal_error");
}

#[tokio::test]
async fn a_code_expires_at_its_time_on_the_emulators_clock() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let user = stable_uuid("patient-00003").to_string();
    let (_, body) = post(&web, &create_path(&user), true).await;
    let code = body["code"].as_str().unwrap().to_string();
    emu.advance_clock(chrono::Duration::minutes(59));
    let (_, body) = post(&web, &create_path(&user), true).await;
    let second = body["code"].as_str().unwrap().to_string();
    emu.advance_clock(chrono::Duration::minutes(1));
    let (status, body) = post(&web, &exchange_path(&code), false).await;
    assert_eq!(status, 400);
    assert_eq!(body["detail"], "This code has expired.");
    let (status, _) = post(&web, &exchange_path(&second), false).await;
    assert_eq!(status, 200, "the later code still works");
    let (status, list) = get(&web, "/_emulator/app-codes").await;
    assert_eq!(status, 200);
    let code_states: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        code_states,
        [(code.as_str(), "expired"), (second.as_str(), "used")]
    );
    assert_eq!(list[0]["user_id"], user);
    assert!(
        list[0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let r = web
        .http
        .get(format!("{}/_emulator/app-codes", web.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        401,
        "the list needs the emulator's key"
    );
}

#[tokio::test]
async fn the_client_creates_a_code_and_checks_it() {
    let emu = emulator(3).await;
    let client = client(&emu);
    let user = stable_uuid("patient-00001");
    let code = client.create_app_code(user, None).await.unwrap();
    assert!(is_app_code(&code.code));
    assert!(emu.with_team(|t| t.app_codes.issued[0].code == code.code));
    let at = chrono::Utc::now() + chrono::Duration::minutes(30);
    let timed = client.create_app_code(user, Some(at)).await.unwrap();
    assert_eq!(timed.expires_at.timestamp(), at.timestamp());
    let e = client
        .create_app_code(uuid::Uuid::new_v4(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

/// The emulator answers what a faulty or hostile host might (a 200 of the emulator's faults):
/// the client shows none of it.
#[tokio::test]
async fn the_client_refuses_a_code_not_of_vitals_form_or_a_foreign_app_link() {
    let emu = emulator(3).await;
    let client = client(&emu);
    let user = stable_uuid("patient-00001");
    for (code, url) in [
        ("SKUS1A2B3C4D", "tryvital://tryvital?code=SKUS1A2B3C4D"),
        ("skus1a2b", "tryvital://tryvital?code=skus1a2b"),
        (
            "skus1a2b3c4d\u{1b}[2J",
            "tryvital://tryvital?code=skus1a2b3c4d",
        ),
        ("skus1a2b3c4d", "https://evil.example/?code=skus1a2b3c4d"),
        ("skus1a2b3c4d", "tryvital://tryvital?code=skus99999999"),
    ] {
        let mut fault = Fault::new("/v2/link/code/create", 200, 1);
        fault.body = Some(json!({
            "code": code, "exchange_url": url, "expires_at": "2030-01-01T00:00:00Z"
        }));
        emu.inject_fault(fault);
        let e = client.create_app_code(user, None).await.unwrap_err();
        assert!(
            matches!(e, ApiError::UnexpectedLink { .. }),
            "{code:?}: {e:?}"
        );
        let text = e.to_string();
        assert!(!text.contains(code) && !text.contains("evil"), "{text}");
    }
}

#[tokio::test]
async fn a_team_without_the_app_in_its_plan_is_refused_with_the_hint() {
    let emu = emulator(3).await;
    let web = Browser::new(&emu);
    let r = web
        .http
        .put(format!("{}/_emulator/team", web.base))
        .header("x-vital-api-key", KEY)
        .json(&json!({"junction_connect_app": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let user = stable_uuid("patient-00001");
    let (status, body) = post(&web, &create_path(&user.to_string()), true).await;
    assert_eq!(status, 403);
    assert!(body["detail"].as_str().unwrap().contains("plan"), "{body}");
    let e = client(&emu).create_app_code(user, None).await.unwrap_err();
    assert!(matches!(e, ApiError::Refused { status: 403, .. }), "{e:?}");
    assert!(app_code_hint(&e).is_some());
    let text = app_code_refusal(&e);
    assert!(text.contains("Grow or Scale plan"), "{text}");
    assert!(text.contains("not included in your team's plan"), "{text}");
    // A refused key is still a key problem, without the hint.
    let e = client_with_key(&emu, Some("sk_us_wrong"))
        .create_app_code(user, None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert_eq!(app_code_hint(&e), None);
}
