//! What travels below the JSON: reading a body up to a cap, and telling apart the ways a request
//! can fail on the wire (never connected, certificate not trusted, timed out, dropped after it was
//! sent).

use reqwest::Response;

/// The most read of a successful answer holding a users page or a search result.
pub const LIST_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// The most read of any other successful answer (one user, providers, a link token).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The most read of an error answer: enough for any real `detail`, and the rest is dropped.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A body read up to a cap.
#[derive(Debug)]
pub(crate) struct CappedBody {
    pub text: String,
    /// Whether the body went on past the cap (the rest was not read).
    pub truncated: bool,
}

/// Reads at most `cap` bytes of the body, chunk by chunk, and stops there: a huge answer is
/// never held whole.
pub(crate) async fn read_capped(
    mut resp: Response,
    cap: usize,
) -> Result<CappedBody, reqwest::Error> {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = cap - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok(CappedBody {
                text: String::from_utf8_lossy(&buf).into_owned(),
                truncated: true,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(CappedBody {
        text: String::from_utf8_lossy(&buf).into_owned(),
        truncated: false,
    })
}

/// How a request failed on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireFailure {
    /// The TLS certificate was not trusted: never retried.
    Untrusted(String),
    /// No connection was made (refused, name lookup, connect timeout): nothing reached the API.
    Connect(String),
    /// The answer did not come within the time limit (the request may have been carried out).
    Timeout,
    /// The request was sent, then the connection was dropped before a whole answer came.
    Dropped(String),
    /// The answer was not HTTP (a bad status line or header).
    Malformed(String),
}

/// The innermost cause of an error, without the URL (which may carry a query).
pub(crate) fn root_cause(e: &reqwest::Error) -> String {
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    crate::text::one_line(&reason, 200)
}

/// Whether anything in the error's chain is a certificate rustls refused.
fn untrusted_certificate(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(rustls::Error::InvalidCertificate(why)) = s.downcast_ref::<rustls::Error>() {
            return Some(format!("{why:?}"));
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(rustls::Error::InvalidCertificate(why)) =
                inner.downcast_ref::<rustls::Error>()
        {
            return Some(format!("{why:?}"));
        }
        source = s.source();
    }
    let text = root_cause(e);
    text.contains("invalid peer certificate").then_some(text)
}

/// Sorts an error from `send()` (connect, TLS, headers of the answer).
pub(crate) fn classify_send_error(e: &reqwest::Error) -> WireFailure {
    let e_plain = e;
    if let Some(why) = untrusted_certificate(e_plain) {
        return WireFailure::Untrusted(why);
    }
    if e.is_connect() {
        if e.is_timeout() {
            return WireFailure::Connect("the connection attempt timed out".into());
        }
        return WireFailure::Connect(root_cause(e));
    }
    if e.is_timeout() {
        return WireFailure::Timeout;
    }
    let cause = root_cause(e);
    if cause.starts_with("invalid HTTP") || cause.contains("message head is too large") {
        return WireFailure::Malformed(cause);
    }
    WireFailure::Dropped(cause)
}
