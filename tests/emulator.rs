//! The emulator's wire contract, checked with raw HTTP: status codes, FastAPI-shaped 422 bodies,
//! auth, the Link page.

mod common;

use common::link_web::Browser;
use common::*;
use serde_json::{Value, json};
use vital_onboard::emulator::stable_uuid;

/// The emulator over plain HTTP: [`Browser`]'s client (no redirects followed), JSON answers.
struct Raw(Browser);

impl std::ops::Deref for Raw {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.0
    }
}

impl Raw {
    fn new(emu: &vital_onboard::emulator::RunningEmulator) -> Raw {
        Raw(Browser::new(emu))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("x-vital-api-key", KEY)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let r = self.api_post(path, body).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

fn first_error(v: &Value) -> (&str, Value, &str) {
    let e = &v["detail"][0];
    (
        e["type"].as_str().unwrap(),
        e["loc"].clone(),
        e["msg"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn limit_over_500_is_422() {
    let emu = emulator(1).await;
    let raw = Raw::new(&emu);
    let (status, body) = raw.get("/v2/user?limit=501").await;
    assert_eq!(status, 422);
    let (kind, loc, msg) = first_error(&body);
    assert_eq!(kind, "less_than_equal");
    assert_eq!(loc, json!(["query", "limit"]));
    assert_eq!(msg, "Input should be less than or equal to 500");
    let (status, body) = raw.get("/v2/user?limit=ten").await;
    assert_eq!(status, 422);
    assert_eq!(first_error(&body).0, "int_parsing");
    let (status, body) = raw.get("/v2/user?limit=500&offset=1").await;
    assert_eq!(status, 200);
    assert_eq!(body["users"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn path_uuid_is_validated() {
    let emu = emulator(0).await;
    let raw = Raw::new(&emu);
    for path in ["/v2/user/not-a-uuid", "/v2/user/providers/not-a-uuid"] {
        let (status, body) = raw.get(path).await;
        assert_eq!(status, 422, "{path}");
        let (kind, loc, _) = first_error(&body);
        assert_eq!(kind, "uuid_parsing");
        assert_eq!(loc, json!(["path", "user_id"]));
    }
    let (status, body) = raw.get(&format!("/v2/user/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, 404);
    assert!(body["detail"].as_str().unwrap().contains("not found"));
}

#[tokio::test]
async fn link_token_body_validation() {
    let emu = emulator(1).await;
    let raw = Raw::new(&emu);
    let user = stable_uuid("patient-00001");
    let cases = [
        (json!({}), "missing", json!(["body", "user_id"])),
        (
            json!({"user_id": "nope"}),
            "uuid_parsing",
            json!(["body", "user_id"]),
        ),
        (
            json!({"user_id": user, "provider": "fitbt"}),
            "enum",
            json!(["body", "provider"]),
        ),
        (
            json!({"user_id": user, "filter_on_providers": []}),
            "too_short",
            json!(["body", "filter_on_providers"]),
        ),
        (
            json!({"user_id": user, "filter_on_providers": ["oura", "x"]}),
            "enum",
            json!(["body", "filter_on_providers", 1]),
        ),
        (
            json!({"user_id": user, "filter_on_providers": "oura"}),
            "list_type",
            json!(["body", "filter_on_providers"]),
        ),
        (
            json!({"user_id": user, "on_error": "close"}),
            "literal_error",
            json!(["body", "on_error"]),
        ),
        (
            json!({"user_id": user, "on_close": "show"}),
            "literal_error",
            json!(["body", "on_close"]),
        ),
        (
            json!({"user_id": user, "redirect_url": 5}),
            "string_type",
            json!(["body", "redirect_url"]),
        ),
    ];
    for (body, kind, loc) in cases {
        let (status, resp) = raw.post("/v2/link/token", &body.to_string()).await;
        assert_eq!(status, 422, "{body}");
        let (k, l, _) = first_error(&resp);
        assert_eq!((k, l), (kind, loc), "{body}");
    }
    let (status, resp) = raw.post("/v2/link/token", "{not json").await;
    assert_eq!(status, 422);
    assert_eq!(first_error(&resp).0, "json_invalid");
    // Several problems are reported together, as pydantic does.
    let (_, resp) = raw
        .post(
            "/v2/link/token",
            &json!({"user_id": "x", "on_close": "no"}).to_string(),
        )
        .await;
    assert_eq!(resp["detail"].as_array().unwrap().len(), 2);
    // null is accepted for every optional field.
    let (status, resp) = raw
        .post(
            "/v2/link/token",
            &json!({"user_id": user, "provider": null, "redirect_url": null, "filter_on_providers": null, "on_error": null, "on_close": null}).to_string(),
        )
        .await;
    assert_eq!(status, 200, "{resp}");
    assert!(resp["link_token"].is_string() && resp["link_web_url"].is_string());
    let (status, resp) = raw
        .post(
            "/v2/link/token",
            &json!({"user_id": uuid::Uuid::new_v4()}).to_string(),
        )
        .await;
    assert_eq!(status, 404);
    assert!(resp["detail"].is_string());
}

#[tokio::test]
async fn duplicate_user_body_matches_spec() {
    let emu = emulator(0).await;
    let raw = Raw::new(&emu);
    let (status, created) = raw.post("/v2/user", r#"{"client_user_id":"dup-1"}"#).await;
    assert_eq!(status, 200);
    for field in [
        "user_id",
        "team_id",
        "client_user_id",
        "created_on",
        "connected_sources",
        "fallback_time_zone",
    ] {
        assert!(
            created.get(field).is_some(),
            "{field} is required by ClientFacingUser"
        );
    }
    let (status, dup) = raw.post("/v2/user", r#"{"client_user_id":"dup-1"}"#).await;
    assert_eq!(status, 400);
    let d = &dup["detail"];
    assert_eq!(d["user_id"], created["user_id"]);
    assert_eq!(d["error_type"], "INVALID_REQUEST");
    assert!(d["error_message"].is_string() && d["created_on"].is_string());
    let (status, body) = raw.post("/v2/user", "{}").await;
    assert_eq!(status, 422);
    assert_eq!(first_error(&body).1, json!(["body", "client_user_id"]));
}

#[tokio::test]
async fn auth_is_required_except_for_link_token_calls() {
    let emu = emulator(0).await;
    let raw = Raw::new(&emu);
    let r = raw
        .http
        .get(format!("{}/v2/providers", raw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = raw
        .http
        .get(format!("{}/v2/providers", raw.base))
        .header("x-vital-api-key", "sk_us_other")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // /v2/link/providers authenticates by link token only.
    let r = raw
        .http
        .get(format!("{}/v2/link/providers", raw.base))
        .header("x-vital-link-token", "bogus")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["detail"]["error_type"], "invalid_token");
}

#[tokio::test]
async fn trailing_slash_redirects_and_unknown_paths_404() {
    let emu = emulator(0).await;
    let raw = Raw::new(&emu);
    let r = raw
        .http
        .get(format!("{}/v2/user/?limit=1", raw.base))
        .header("x-vital-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 307);
    assert_eq!(r.headers()["location"], "/v2/user?limit=1");
    let (status, body) = raw.get("/v2/nothing").await;
    assert_eq!((status, body), (404, json!({"detail": "Not Found"})));
}

#[tokio::test]
async fn link_page_shows_valid_expired_and_unknown() {
    let emu = emulator(1).await;
    let raw = Raw::new(&emu);
    let user = stable_uuid("patient-00001");
    let (_, minted) = raw
        .post(
            "/v2/link/token",
            &json!({"user_id": user, "filter_on_providers": ["dexcom_v3"]}).to_string(),
        )
        .await;
    let url = minted["link_web_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/link/?token=", raw.base)),
        "{url}"
    );
    let page = raw.http.get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("patient-00001") && html.contains("data-slug=\"dexcom_v3\""));
    assert!(!html.contains("data-slug=\"oura\""));
    emu.advance_clock(chrono::Duration::minutes(60));
    let page = raw.http.get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 410);
    assert!(page.text().await.unwrap().contains("expired"));
    let page = raw
        .http
        .get(format!("{}/link/?token=nope", raw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 404);
}

#[tokio::test]
async fn large_teams_page_quickly_and_correctly() {
    let emu = emulator(100_000).await;
    let raw = Raw::new(&emu);
    let (status, body) = raw.get("/v2/user?offset=99900&limit=500").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 100_006);
    let users = body["users"].as_array().unwrap();
    assert_eq!(users.len(), 106);
    assert_eq!(users.last().unwrap()["client_user_id"], "patient-100000");
}
