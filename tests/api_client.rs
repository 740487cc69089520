//! The API client against the in-process emulator: every call and every error shape.

mod common;

use std::time::{Duration, Instant};

use common::*;
use vital_onboard::api::{
    ApiError, AuthType, ConnectionStatus, LinkTokenRequest, RedirectBehaviour,
};
use vital_onboard::emulator::{Fault, stable_uuid};

fn fault(path: &str, status: u16, times: u32) -> Fault {
    Fault::new(path, status, times)
}

#[tokio::test]
async fn lists_users_page_by_page() {
    let emu = emulator(120).await;
    let c = client(&emu);
    let first = c.list_users(0, 100).await.unwrap();
    assert_eq!(first.total, 126);
    assert_eq!(first.users.len(), 100);
    assert_eq!((first.offset, first.limit), (0, 100));
    let rest = c.list_users(100, 100).await.unwrap();
    assert_eq!(rest.users.len(), 26);
    assert_eq!(rest.users.last().unwrap().client_user_id, "patient-00120");
    let all = c.list_users(0, 5000).await.unwrap();
    assert_eq!(all.limit, 500, "the client never asks for more than 500");
}

#[tokio::test]
async fn gets_resolves_and_searches() {
    let emu = emulator(30).await;
    let c = client(&emu);
    let id = stable_uuid("patient-00007");
    let u = c.get_user(id).await.unwrap();
    assert_eq!(u.client_user_id, "patient-00007");
    assert_eq!(u.connected_slugs(), ["oura"]);
    assert_eq!(c.resolve_user("patient-00007").await.unwrap().user_id, id);
    assert_eq!(c.find_user(&id.to_string()).await.unwrap().user_id, id);
    assert_eq!(c.find_user("patient-00007").await.unwrap().user_id, id);
    let found = c.search_users("patient-0002").await.unwrap();
    assert_eq!(found.len(), 10);
    let by_uuid = c.search_users(&id.to_string()[..8]).await.unwrap();
    assert!(by_uuid.iter().any(|u| u.user_id == id));
    match c.search_users("p").await {
        Err(ApiError::Validation { fields }) => assert_eq!(fields[0].field, "query_id"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn resolve_percent_encodes_awkward_ids() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let awkward = "ward 3/bed 7?x=1#a";
    let created = c.create_user(awkward).await.unwrap();
    let got = c.resolve_user(awkward).await.unwrap();
    assert_eq!(got.user_id, created.user_id);
    assert_eq!(got.client_user_id, awkward);
}

#[tokio::test]
async fn create_and_duplicate() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let created = c.create_user("new-patient-1").await.unwrap();
    match c.create_user("new-patient-1").await {
        Err(ApiError::DuplicateUser {
            user_id,
            client_user_id,
            ..
        }) => {
            assert_eq!(user_id, created.user_id);
            assert_eq!(client_user_id, "new-patient-1");
        }
        other => panic!("{other:?}"),
    }
    let e = c.create_user("new-patient-1").await.unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(e.to_string().contains(&created.user_id.to_string()));
}

#[tokio::test]
async fn unknown_user_is_not_found() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let ghost = uuid::Uuid::new_v4();
    let e = c.get_user(ghost).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains(&ghost.to_string()));
    assert!(matches!(
        c.resolve_user("nobody-here").await,
        Err(ApiError::NotFound { .. })
    ));
    let req = LinkTokenRequest {
        user_id: ghost,
        ..Default::default()
    };
    assert!(matches!(
        c.link_token(&req).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn connections_demo_connect_and_deregister() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let mrn = c.resolve_user("mrn-100232").await.unwrap();
    let conns = c.connected_providers(mrn.user_id).await.unwrap();
    assert_eq!(conns.len(), 2);
    let fitbit = conns.iter().find(|p| p.slug == "fitbit").unwrap();
    assert_eq!(fitbit.status, ConnectionStatus::Error);
    assert_eq!(
        fitbit.error_details.as_ref().unwrap().error_type,
        "token_refresh_failed"
    );
    let p1 = stable_uuid("patient-00001");
    let r = c.connect_demo(p1, "freestyle_libre").await.unwrap();
    assert!(r.success);
    let conns = c.connected_providers(p1).await.unwrap();
    assert_eq!(conns[0].slug, "freestyle_libre");
    assert_eq!(conns[0].status, ConnectionStatus::Connected);
    assert!(matches!(
        c.connect_demo(p1, "garmin").await,
        Err(ApiError::Validation { .. })
    ));
    assert!(c.deregister(p1, "freestyle_libre").await.unwrap().success);
    assert!(matches!(
        c.deregister(p1, "freestyle_libre").await,
        Err(ApiError::NotFound { .. })
    ));
    assert!(c.delete_user(p1).await.unwrap().success);
    assert!(matches!(
        c.get_user(p1).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn providers_carry_all_41_with_auth_types() {
    let emu = emulator(0).await;
    let list = client(&emu).providers().await.unwrap();
    assert_eq!(list.len(), 41);
    let ahk = list.iter().find(|p| p.slug == "apple_health_kit").unwrap();
    assert_eq!(ahk.auth_type, Some(AuthType::Sdk));
    let fl = list.iter().find(|p| p.slug == "freestyle_libre").unwrap();
    assert_eq!(fl.auth_type, Some(AuthType::Email));
}

#[tokio::test]
async fn link_token_round_trip_and_link_providers() {
    let emu = emulator(2).await;
    let c = client(&emu);
    let req = LinkTokenRequest {
        user_id: stable_uuid("patient-00002"),
        provider: None,
        redirect_url: Some("https://clinic.example/done".into()),
        filter_on_providers: Some(vec![
            "oura".into(),
            "fitbit".into(),
            "apple_health_kit".into(),
        ]),
        on_error: Some(RedirectBehaviour::Redirect),
        on_close: Some(RedirectBehaviour::Redirect),
    };
    let t = c.link_token(&req).await.unwrap();
    let encoded: String = url::form_urlencoded::byte_serialize(t.link_token.as_bytes()).collect();
    assert!(
        t.link_web_url
            .contains(&format!("token={encoded}&env=sandbox&region=us")),
        "{}",
        t.link_web_url
    );
    let recorded = emu.link_requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].body, serde_json::to_value(&req).unwrap());

    let offered = c.link_providers(&t.link_token).await.unwrap();
    let slugs: Vec<_> = offered.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["oura", "fitbit"],
        "SDK-only providers are never offered"
    );

    emu.advance_clock(chrono::Duration::minutes(61));
    match c.link_providers(&t.link_token).await {
        Err(ApiError::Refused {
            status: 401,
            detail,
        }) => assert!(detail.contains("expired"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn link_token_validation_reports_fields() {
    let emu = emulator(1).await;
    let c = client(&emu);
    let user_id = stable_uuid("patient-00001");
    let bad_slug = LinkTokenRequest {
        user_id,
        filter_on_providers: Some(vec!["oura".into(), "fitbt".into()]),
        ..Default::default()
    };
    let e = c.link_token(&bad_slug).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("filter_on_providers.1: Input should be 'oura'"),
        "{e}"
    );
    let empty = LinkTokenRequest {
        user_id,
        filter_on_providers: Some(vec![]),
        ..Default::default()
    };
    let e = c.link_token(&empty).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("filter_on_providers: List should have at least 1 item"),
        "{e}"
    );
    assert!(emu.link_requests().is_empty(), "nothing was minted");
}

#[tokio::test]
async fn wrong_key_says_which_target_refused_it() {
    let emu = emulator(0).await;
    for key in [Some("sk_us_wrong"), None] {
        let e = client_with_key(&emu, key).providers().await.unwrap_err();
        assert!(
            matches!(e, ApiError::Unauthorized { status: 401, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("refused by the test emulator"));
        assert!(!e.to_string().contains(KEY));
    }
}

#[tokio::test]
async fn retries_5xx_then_succeeds() {
    let emu = emulator(0).await;
    emu.inject_fault(fault("/v2/providers", 503, 2));
    assert_eq!(client(&emu).providers().await.unwrap().len(), 41);
}

#[tokio::test]
async fn gives_up_after_two_retries() {
    let emu = emulator(0).await;
    emu.inject_fault(fault("/v2/providers", 500, 3));
    emu.inject_fault(fault("/v2/providers", 200, 1)); // would succeed on a fourth attempt
    match client(&emu).providers().await {
        Err(ApiError::Server {
            status: 500,
            attempts: 3,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn honours_retry_after() {
    let emu = emulator(0).await;
    emu.inject_fault(Fault {
        retry_after: Some(1),
        ..fault("/v2/providers", 429, 1)
    });
    let started = Instant::now();
    client(&emu).providers().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}, not the 1 s Retry-After",
        started.elapsed()
    );
}

#[tokio::test]
async fn does_not_retry_4xx() {
    let emu = emulator(0).await;
    emu.inject_fault(fault("/v2/providers", 400, 1));
    assert!(matches!(
        client(&emu).providers().await,
        Err(ApiError::Refused { status: 400, .. })
    ));
    assert_eq!(client(&emu).providers().await.unwrap().len(), 41);
}

#[tokio::test]
async fn times_out() {
    let emu = emulator(0).await;
    emu.inject_fault(Fault {
        delay_ms: 3000,
        ..fault("/v2/providers", 200, 1)
    });
    let c = vital_onboard::api::Client::new(
        emu.base_url(),
        Some(vital_onboard::setup::connection::ApiKey::new(KEY)),
        "the test emulator",
        Duration::from_secs(1),
    );
    let e = c.providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("within 1s"));
    assert_eq!(e.exit_code(), 4);
}

#[tokio::test]
async fn unreachable_host() {
    let (_held, port) = refused_port();
    let c = vital_onboard::api::Client::new(
        url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        None,
        "the closed port",
        Duration::from_secs(2),
    )
    .with_retry(fast_retry());
    let e = c.providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Unreachable { .. }), "{e:?}");
    assert!(
        e.to_string().contains("could not reach the closed port"),
        "{e}"
    );
    assert_eq!(e.exit_code(), 4);
}

#[tokio::test]
async fn sends_user_agent_and_key_header() {
    // The emulator's key check proves the header; the user agent is checked on the wire.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = sock.read(&mut buf).await.unwrap();
        let body = "[]";
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&buf[..n]).to_string()
    });
    let c = vital_onboard::api::Client::new(
        url::Url::parse(&format!("http://{addr}")).unwrap(),
        Some(vital_onboard::setup::connection::ApiKey::new("sk_us_abc")),
        "t",
        Duration::from_secs(2),
    );
    assert!(c.providers().await.unwrap().is_empty());
    let request = server.await.unwrap().to_lowercase();
    assert!(
        request.starts_with("get /v2/providers http/1.1"),
        "{request}"
    );
    assert!(request.contains(&format!(
        "user-agent: vital-onboard/{}",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(request.contains("x-vital-api-key: sk_us_abc"));
}

#[tokio::test]
async fn redirects_are_not_followed_so_the_key_stays_home() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere_addr = elsewhere.local_addr().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = sock.read(&mut buf).await.unwrap();
        let resp = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://{elsewhere_addr}/v2/providers\r\ncontent-length: 0\r\n\r\n"
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
    });
    let c = vital_onboard::api::Client::new(
        url::Url::parse(&format!("http://{addr}")).unwrap(),
        Some(vital_onboard::setup::connection::ApiKey::new(
            "sk_us_secret",
        )),
        "t",
        Duration::from_secs(2),
    );
    let e = c.providers().await.unwrap_err();
    assert!(
        matches!(e, ApiError::Redirected { status: 307, .. }),
        "{e:?}"
    );
    assert_eq!(e.exit_code(), 4, "a redirect is not a refusal (3)");
    assert!(e.to_string().contains("redirects are not followed"), "{e}");
    assert!(e.to_string().contains("--base-url"), "{e}");
    // A connection the client made before it answered waits in the accept queue (asked of the
    // socket itself: the listener is non-blocking).
    let visited = match elsewhere.into_std().unwrap().accept() {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(e) => panic!("{e}"),
    };
    assert!(!visited, "the redirect target was never contacted");
}
