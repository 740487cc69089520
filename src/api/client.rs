//! The reqwest client: hosts, auth header, timeouts, retries and error mapping.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::error::{ApiError, HostOrigin, detail_text, field_errors, not_json};
use super::hosts::{display_url, is_vital_host};
use super::key::ApiKey;
use super::retry::{
    RetryNotice, RetryObserver, RetryPolicy, RetryReason, connect_timeout_for, retry_after,
    retryable, seconds,
};
use super::transport::{
    BODY_LIMIT, ERROR_BODY_LIMIT, WireFailure, classify_send_error, read_capped, root_cause,
};

pub const USER_AGENT: &str = concat!("vital-onboard/", env!("CARGO_PKG_VERSION"));
/// The most users `GET /v2/user` returns in one page.
pub const MAX_PAGE: u32 = 500;

/// A Vital API client. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: Option<ApiKey>,
    target: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    observer: Option<RetryObserver>,
    origin: HostOrigin,
    /// The one non-loopback host a plain-http `link_web_url` may name: the demo emulator's LAN
    /// address (`--demo --lan`).
    pub(super) lan_link_host: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &display_url(&self.base))
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// The final answer to one request, after retries.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) text: String,
    /// Whether the body went on past its cap.
    pub(super) truncated: bool,
    /// The `Location` header, for a 3xx.
    location: Option<String>,
}

impl Client {
    /// `target` names the API in messages (`sandbox/us`); `base` is its host. Messages advise
    /// Vital's status page when `base` is one of Vital's hosts; see [`Client::with_origin`].
    pub fn new(
        base: Url,
        key: Option<ApiKey>,
        target: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        // reqwest is built without a default crypto provider (ring builds faster and needs no C
        // toolchain beyond cc): install ring once; a second install is a harmless no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let connect_timeout = connect_timeout_for(timeout);
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            // The API never redirects; following one would send the key header to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .build()
            .expect("the HTTP client can be built");
        Client {
            http,
            key,
            target: target.into(),
            timeout,
            connect_timeout,
            retry: RetryPolicy::default(),
            observer: None,
            origin: if is_vital_host(&base) {
                HostOrigin::Vital
            } else {
                HostOrigin::Other
            },
            base,
            lan_link_host: None,
        }
    }

    /// Accepts plain-http links to `host` (the demo emulator served to the LAN).
    #[must_use]
    pub fn with_lan_links(mut self, host: &str) -> Self {
        self.lan_link_host = Some(host.to_string());
        self
    }

    /// Names the setting the host came from (`--base-url`, `VITAL_BASE_URL`), for the advice in
    /// messages. A Vital host stays [`HostOrigin::Vital`] whatever named it.
    #[must_use]
    pub fn with_origin(mut self, origin: HostOrigin) -> Self {
        if self.origin != HostOrigin::Vital {
            self.origin = origin;
        }
        self
    }

    /// Where the host came from, as messages see it.
    pub fn origin(&self) -> HostOrigin {
        self.origin
    }

    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Calls `observer` just before each wait between two attempts of a call (a 429 with its
    /// `Retry-After`, a 5xx, a failed connection), with why and for how long. The command line
    /// prints it on stderr; the console can count it down in its status line. The observer runs
    /// on the task making the call: it must not block.
    #[must_use]
    pub fn with_retry_notice(mut self, observer: RetryObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The name of the API in messages.
    pub fn target(&self) -> &str {
        &self.target
    }

    pub(super) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("base URL is http(s)")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// Sends one request with retries; returns the final answer, its body read up to `cap` bytes
    /// (an error body up to [`ERROR_BODY_LIMIT`]), or a transport error. Retryable statuses that
    /// persist come back as `Server`.
    pub(super) async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        link_token: Option<&str>,
        cap: usize,
    ) -> Result<Answer, ApiError> {
        let first_started = Instant::now();
        let mut attempt = 0;
        loop {
            let req = self.request(&method, &url, body, link_token);
            let started = Instant::now();
            let (reason, wait) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    tracing::debug!(
                        method = %method,
                        path = url.path(),
                        status = status.as_u16(),
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        attempt,
                        "api call"
                    );
                    match self.retry_for(&resp, attempt) {
                        Some(retry) => retry,
                        None => return self.finish(resp, status, cap, attempt + 1).await,
                    }
                }
                Err(e) => self.retry_after_failure(&e, &method, &url, attempt, first_started)?,
            };
            attempt += 1;
            self.notify_retry(reason, wait, attempt);
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt's request: the key header (or the link token instead), the time limit and
    /// the JSON body.
    fn request(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        link_token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .timeout(self.timeout)
            .header(header::ACCEPT, "application/json");
        match link_token {
            Some(token) => req = req.header("x-vital-link-token", token),
            None => {
                if let Some(key) = &self.key {
                    req = req.header("x-vital-api-key", key.expose());
                }
            }
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req
    }

    /// Why and how long to wait before trying again after an answer with a retryable status
    /// (a 429 with its `Retry-After`, a 5xx), while attempts are left; `None` to keep the answer.
    fn retry_for(&self, resp: &reqwest::Response, attempt: u32) -> Option<(RetryReason, Duration)> {
        let status = resp.status();
        if !retryable(status) || attempt >= self.retry.max_retries {
            return None;
        }
        let wait = retry_after(resp.headers()).map_or_else(
            || self.retry.backoff(attempt),
            |d| d.min(self.retry.max_delay),
        );
        let reason = if status == StatusCode::TOO_MANY_REQUESTS {
            RetryReason::RateLimited
        } else {
            RetryReason::ServerError(status.as_u16())
        };
        Some((reason, wait))
    }

    /// Why and how long to wait before trying again after a request that got no answer, or the
    /// error to return when that failure is not retried (or no attempt is left).
    fn retry_after_failure(
        &self,
        e: &reqwest::Error,
        method: &Method,
        url: &Url,
        attempt: u32,
        first_started: Instant,
    ) -> Result<(RetryReason, Duration), ApiError> {
        let attempts_left = attempt < self.retry.max_retries;
        match classify_send_error(e) {
            WireFailure::Untrusted(reason) => Err(ApiError::UntrustedCertificate {
                target: self.target.clone(),
                reason: crate::text::one_line(&reason, 120),
            }),
            WireFailure::Connect(_) if attempts_left => {
                tracing::debug!(method = %method, path = url.path(), attempt, "connect failed, retrying");
                Ok((RetryReason::ConnectFailed, self.retry.backoff(attempt)))
            }
            WireFailure::Connect(reason) => {
                Err(self.unreachable(e.is_timeout(), reason, attempt, first_started))
            }
            WireFailure::Timeout => Err(ApiError::Timeout {
                target: self.target.clone(),
                limit: self.timeout,
            }),
            WireFailure::Malformed(reason) => {
                Err(self.not_vital(format!("not an HTTP answer: {reason}")))
            }
            WireFailure::Dropped(_) if *method == Method::GET && attempts_left => {
                Ok((RetryReason::Dropped, self.retry.backoff(attempt)))
            }
            WireFailure::Dropped(reason) => Err(ApiError::Dropped {
                target: self.target.clone(),
                reason,
                attempts: attempt + 1,
                may_have_run: *method != Method::GET,
            }),
        }
    }

    /// The host could not be reached: why, and after how many attempts over how long.
    fn unreachable(
        &self,
        timed_out: bool,
        reason: String,
        attempt: u32,
        first_started: Instant,
    ) -> ApiError {
        let reason = if timed_out {
            format!(
                "each connection attempt timed out after {}",
                seconds(self.connect_timeout)
            )
        } else {
            reason
        };
        let reason = if attempt > 0 {
            format!(
                "{reason}; {} attempts over {}",
                attempt + 1,
                seconds(first_started.elapsed())
            )
        } else {
            reason
        };
        ApiError::Unreachable {
            target: self.target.clone(),
            reason,
        }
    }

    /// Tells the observer, if any, that attempt `attempt + 1` follows after `wait`.
    fn notify_retry(&self, reason: RetryReason, wait: Duration, attempt: u32) {
        if let Some(observer) = &self.observer {
            observer(&RetryNotice {
                reason,
                wait,
                next_attempt: attempt + 1,
                max_attempts: self.retry.max_retries + 1,
                target: self.target.clone(),
            });
        }
    }

    /// Reads the final answer's body, up to its cap.
    async fn finish(
        &self,
        resp: reqwest::Response,
        status: StatusCode,
        cap: usize,
        attempts: u32,
    ) -> Result<Answer, ApiError> {
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|l| crate::text::one_line(&String::from_utf8_lossy(l.as_bytes()), 120));
        let limit = if status.is_success() {
            cap
        } else {
            ERROR_BODY_LIMIT
        };
        let announced = resp.content_length().unwrap_or(0);
        if status.is_success() && announced > cap as u64 {
            return Err(self.too_large(cap));
        }
        let body = read_capped(resp, limit)
            .await
            .map_err(|e| self.body_error(&e))?;
        if retryable(status) {
            return Err(ApiError::Server {
                status: status.as_u16(),
                target: self.target.clone(),
                attempts,
                // An HTML error page is described, never echoed.
                detail: not_json(&body.text, body.truncated)
                    .unwrap_or_else(|| detail_text(&body.text)),
                origin: self.origin,
            });
        }
        if status.is_success() && body.truncated {
            return Err(self.too_large(cap));
        }
        Ok(Answer {
            status,
            text: body.text,
            truncated: body.truncated,
            location,
        })
    }

    fn not_vital(&self, what: String) -> ApiError {
        ApiError::NotVital {
            target: self.target.clone(),
            what,
            origin: self.origin,
        }
    }

    /// [`ApiError::NotVital`] when the answer's body is not JSON (an HTML page, plain text,
    /// nothing): the Vital API answers JSON, errors included.
    pub(super) fn not_vital_answer(&self, answer: &Answer) -> Option<ApiError> {
        let kind = not_json(&answer.text, answer.truncated)?;
        Some(self.not_vital(format!("HTTP {} with {kind}", answer.status.as_u16())))
    }

    fn too_large(&self, cap: usize) -> ApiError {
        ApiError::Unexpected {
            target: self.target.clone(),
            what: format!(
                "an answer larger than {} KiB, not read to its end",
                cap / 1024
            ),
        }
    }

    /// An error while reading a body: a time-out, or the connection dropped mid-answer.
    fn body_error(&self, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout {
                target: self.target.clone(),
                limit: self.timeout,
            }
        } else {
            ApiError::Dropped {
                target: self.target.clone(),
                reason: format!("while the answer was read: {}", root_cause(e)),
                attempts: 1,
                may_have_run: false,
            }
        }
    }

    /// Maps a non-2xx answer to an error. `what` names the thing for a 404.
    pub(super) fn refusal(&self, answer: &Answer, what: &str) -> ApiError {
        let (status, body) = (answer.status, answer.text.as_str());
        if status.is_redirection() {
            return ApiError::Redirected {
                status: status.as_u16(),
                target: self.target.clone(),
                location: answer.location.clone(),
            };
        }
        if let Some(e) = self.not_vital_answer(answer) {
            return e;
        }
        match status.as_u16() {
            401 | 403 => ApiError::Unauthorized {
                status: status.as_u16(),
                target: self.target.clone(),
            },
            404 => ApiError::NotFound {
                what: what.to_string(),
                detail: detail_text(body),
            },
            422 => ApiError::Validation {
                fields: field_errors(body),
            },
            s if s < 400 => ApiError::Unexpected {
                target: self.target.clone(),
                what: format!("HTTP {s}"),
            },
            s => ApiError::Refused {
                status: s,
                detail: detail_text(body),
            },
        }
    }

    /// Reads a successful answer: a body that is not JSON at all is [`ApiError::NotVital`];
    /// JSON of another shape is [`ApiError::Decode`].
    pub(super) fn decode<T: DeserializeOwned>(&self, answer: &Answer) -> Result<T, ApiError> {
        serde_json::from_str(&answer.text).map_err(|e| {
            self.not_vital_answer(answer)
                .unwrap_or_else(|| ApiError::Decode {
                    target: self.target.clone(),
                    reason: crate::text::one_line(&e.to_string(), 200),
                })
        })
    }

    pub(super) async fn call_capped<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        what: &str,
        cap: usize,
    ) -> Result<T, ApiError> {
        let answer = self.exchange(method, url, body, None, cap).await?;
        if answer.status.is_success() {
            self.decode(&answer)
        } else {
            Err(self.refusal(&answer, what))
        }
    }

    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<T, ApiError> {
        self.call_capped(method, url, body, what, BODY_LIMIT).await
    }

    pub(super) fn json<B: Serialize>(body: &B) -> serde_json::Value {
        serde_json::to_value(body).expect("request bodies serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_segments_and_keep_base_path() {
        let c = Client::new(
            Url::parse("http://proxy.local/vital/").unwrap(),
            None,
            "t",
            Duration::from_secs(1),
        );
        assert_eq!(
            c.url(&["v2", "user", "resolve", "a b/c?d"]).as_str(),
            "http://proxy.local/vital/v2/user/resolve/a%20b%2Fc%3Fd"
        );
        let c = Client::new(
            Url::parse("https://api.sandbox.us.junction.com").unwrap(),
            None,
            "t",
            Duration::from_secs(1),
        );
        assert_eq!(
            c.url(&["v2", "user"]).as_str(),
            "https://api.sandbox.us.junction.com/v2/user"
        );
    }
}
