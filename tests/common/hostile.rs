//! A small hostile HTTP server on 127.0.0.1 for the reliability tests: each request is answered
//! by a closure, which may send any status, headers and body (escape sequences, HTML, huge or
//! endless bodies), or drop the connection after reading the request.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The whole head (request line and headers), as text.
    pub head: String,
    pub body: Vec<u8>,
}

/// How to answer.
pub enum Reply {
    /// A complete answer (`content-length` is added).
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// A 200 JSON body that never ends (no `content-length`, written until the client leaves).
    Endless,
    /// Close the connection without answering, after the request was read.
    Drop,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Http {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into().into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running hostile server. Dropping it stops accepting.
pub struct Hostile {
    pub addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    /// Bytes of body written by [`Reply::Endless`] answers.
    pub endless_bytes: Arc<AtomicU64>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let endless_bytes = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (r, e, c) = (requests.clone(), endless_bytes.clone(), connections.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                c.fetch_add(1, Ordering::SeqCst);
                let (r, e, h) = (r.clone(), e.clone(), handler.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, r, e, h).await;
                });
            }
        });
        Hostile {
            addr,
            requests,
            endless_bytes,
            connections,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut sock: TcpStream,
    requests: Arc<Mutex<Vec<Request>>>,
    endless: Arc<AtomicU64>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut words = head.split_whitespace();
    let request = Request {
        method: words.next().unwrap_or("").to_string(),
        path: words.next().unwrap_or("").to_string(),
        head: head.clone(),
        body: buf[head_end..].to_vec(),
    };
    requests.lock().unwrap().push(request.clone());
    match handler(&request) {
        Reply::Drop => Ok(()),
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            sock.write_all(out.as_bytes()).await?;
            sock.write_all(&body).await?;
            sock.shutdown().await
        }
        Reply::Endless => {
            sock.write_all(
                b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n{\"providers\":[\"",
            )
            .await?;
            let block = vec![b'A'; 64 * 1024];
            loop {
                sock.write_all(&block).await?;
                endless.fetch_add(block.len() as u64, Ordering::SeqCst);
            }
        }
    }
}

/// A user object as the API sends it.
pub fn user_json(i: usize) -> serde_json::Value {
    serde_json::json!({
        "user_id": uuid::Uuid::from_u128(0x1000 + i as u128),
        "team_id": null,
        "client_user_id": format!("patient-{i:05}"),
        "created_on": "2026-07-23T14:27:46+00:00",
        "connected_sources": [],
        "fallback_time_zone": null,
    })
}
