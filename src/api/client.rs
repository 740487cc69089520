//! The reqwest client: hosts, auth header, timeouts, retries and error mapping.

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;

use super::error::{ApiError, detail_text, field_errors};
use super::types::*;
use crate::setup::connection::ApiKey;

pub const USER_AGENT: &str = concat!("vital-onboard/", env!("CARGO_PKG_VERSION"));
/// The most users `GET /v2/user` returns in one page.
pub const MAX_PAGE: u32 = 500;

/// How failed calls are retried: 429, 5xx and refused connections, at most `max_retries` times,
/// waiting `Retry-After` when the server says, else `base_delay * 2^n` plus jitter, capped at
/// `max_delay`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.min(16));
        let jitter_ms = (self.base_delay.as_millis() as u64 / 4).max(1);
        let jitter = Duration::from_millis(rand::random_range(0..jitter_ms));
        (exp + jitter).min(self.max_delay)
    }
}

/// A Vital API client. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: Option<ApiKey>,
    target: String,
    timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &crate::setup::connection::display_url(&self.base))
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// Parses `Retry-After`: seconds, or an HTTP date.
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

impl Client {
    /// `target` names the API in messages (`sandbox/us`); `base` is its host.
    pub fn new(
        base: Url,
        key: Option<ApiKey>,
        target: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        // reqwest is built without a default crypto provider (ring builds faster and needs no C
        // toolchain beyond cc): install ring once; a second install is a harmless no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            // The API never redirects; following one would send the key header to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .expect("the HTTP client can be built");
        Client {
            http,
            base,
            key,
            target: target.into(),
            timeout,
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The name of the API in messages.
    pub fn target(&self) -> &str {
        &self.target
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("base URL is http(s)")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// Sends one request with retries; returns the status and body of the final answer, or a
    /// transport error. Retryable statuses that persist come back as `Server`.
    async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        link_token: Option<&str>,
    ) -> Result<(StatusCode, String), ApiError> {
        let mut attempt = 0;
        loop {
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
            let started = std::time::Instant::now();
            let result = req.send().await;
            let wait = match result {
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
                    if retryable(status) && attempt < self.retry.max_retries {
                        retry_after(resp.headers())
                            .map(|d| d.min(self.retry.max_delay))
                            .unwrap_or_else(|| self.retry.backoff(attempt))
                    } else {
                        let text = resp.text().await.map_err(|e| self.transport(e))?;
                        if retryable(status) {
                            return Err(ApiError::Server {
                                status: status.as_u16(),
                                target: self.target.clone(),
                                attempts: attempt + 1,
                                detail: detail_text(&text),
                            });
                        }
                        return Ok((status, text));
                    }
                }
                Err(e) if e.is_connect() && attempt < self.retry.max_retries => {
                    tracing::debug!(method = %method, path = url.path(), attempt, "connect failed, retrying");
                    self.retry.backoff(attempt)
                }
                Err(e) => return Err(self.transport(e)),
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }

    fn transport(&self, e: reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout {
                target: self.target.clone(),
                limit: self.timeout,
            }
        } else if e.is_decode() {
            ApiError::Decode {
                target: self.target.clone(),
                reason: e.to_string(),
            }
        } else {
            // Walk to the root cause ("connection refused") without printing the URL, which may
            // carry a query.
            let e = e.without_url();
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = s.to_string();
                source = s.source();
            }
            ApiError::Unreachable {
                target: self.target.clone(),
                reason,
            }
        }
    }

    /// Maps a non-2xx answer to an error. `what` names the thing for a 404.
    fn refusal(&self, status: StatusCode, body: &str, what: &str) -> ApiError {
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
            s => ApiError::Refused {
                status: s,
                detail: detail_text(body),
            },
        }
    }

    fn decode<T: DeserializeOwned>(&self, body: &str) -> Result<T, ApiError> {
        serde_json::from_str(body).map_err(|e| ApiError::Decode {
            target: self.target.clone(),
            reason: e.to_string(),
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<T, ApiError> {
        let (status, text) = self.exchange(method, url, body, None).await?;
        if status.is_success() {
            self.decode(&text)
        } else {
            Err(self.refusal(status, &text, what))
        }
    }

    fn json<B: Serialize>(body: &B) -> serde_json::Value {
        serde_json::to_value(body).expect("request bodies serialize")
    }

    /// `GET /v2/user?offset=&limit=` (limit at most 500).
    pub async fn list_users(&self, offset: u64, limit: u32) -> Result<UsersPage, ApiError> {
        let mut url = self.url(&["v2", "user"]);
        url.query_pairs_mut()
            .append_pair("offset", &offset.to_string())
            .append_pair("limit", &limit.min(MAX_PAGE).to_string());
        self.call(Method::GET, url, None, "the user list").await
    }

    /// `GET /v2/user/{user_id}`.
    pub async fn get_user(&self, user_id: Uuid) -> Result<User, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string()]);
        self.call(Method::GET, url, None, &format!("user {user_id}"))
            .await
    }

    /// `GET /v2/user/resolve/{client_user_id}`, the id percent-encoded as one path segment.
    pub async fn resolve_user(&self, client_user_id: &str) -> Result<User, ApiError> {
        let url = self.url(&["v2", "user", "resolve", client_user_id]);
        self.call(
            Method::GET,
            url,
            None,
            &format!("a user with client_user_id {client_user_id:?}"),
        )
        .await
    }

    /// A user by Vital user_id (a UUID) or, failing that form, by client_user_id.
    pub async fn find_user(&self, id_or_client_id: &str) -> Result<User, ApiError> {
        match Uuid::parse_str(id_or_client_id.trim()) {
            Ok(id) => self.get_user(id).await,
            Err(_) => self.resolve_user(id_or_client_id).await,
        }
    }

    /// `GET /v2/team/users/search?query_id=` (at least 2 characters).
    pub async fn search_users(&self, query: &str) -> Result<Vec<User>, ApiError> {
        let mut url = self.url(&["v2", "team", "users", "search"]);
        url.query_pairs_mut().append_pair("query_id", query);
        self.call(Method::GET, url, None, "the search").await
    }

    /// `POST /v2/user`. A client_user_id already in use comes back as `DuplicateUser`.
    pub async fn create_user(&self, client_user_id: &str) -> Result<CreatedUser, ApiError> {
        let url = self.url(&["v2", "user"]);
        let body = serde_json::json!({ "client_user_id": client_user_id });
        let (status, text) = self.exchange(Method::POST, url, Some(&body), None).await?;
        if status.is_success() {
            return self.decode(&text);
        }
        if status == StatusCode::BAD_REQUEST {
            #[derive(serde::Deserialize)]
            struct Conflict {
                detail: ConflictDetail,
            }
            #[derive(serde::Deserialize)]
            struct ConflictDetail {
                user_id: Uuid,
                #[serde(default)]
                error_message: String,
            }
            if let Ok(c) = serde_json::from_str::<Conflict>(&text) {
                return Err(ApiError::DuplicateUser {
                    client_user_id: client_user_id.to_string(),
                    user_id: c.detail.user_id,
                    message: c.detail.error_message,
                });
            }
        }
        Err(self.refusal(status, &text, "the user"))
    }

    /// `DELETE /v2/user/{user_id}` (soft delete).
    pub async fn delete_user(&self, user_id: Uuid) -> Result<SuccessResponse, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string()]);
        self.call(Method::DELETE, url, None, &format!("user {user_id}"))
            .await
    }

    /// `GET /v2/user/providers/{user_id}`.
    pub async fn connected_providers(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ConnectedProvider>, ApiError> {
        let url = self.url(&["v2", "user", "providers", &user_id.to_string()]);
        let r: ConnectedProviders = self
            .call(Method::GET, url, None, &format!("user {user_id}"))
            .await?;
        Ok(r.providers)
    }

    /// `DELETE /v2/user/{user_id}/{provider}`.
    pub async fn deregister(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> Result<SuccessResponse, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string(), provider]);
        self.call(
            Method::DELETE,
            url,
            None,
            &format!("the {provider} connection of user {user_id}"),
        )
        .await
    }

    /// `GET /v2/providers`.
    pub async fn providers(&self) -> Result<Vec<Provider>, ApiError> {
        let url = self.url(&["v2", "providers"]);
        self.call(Method::GET, url, None, "the provider list").await
    }

    /// `POST /v2/link/token`.
    pub async fn link_token(&self, req: &LinkTokenRequest) -> Result<LinkToken, ApiError> {
        let url = self.url(&["v2", "link", "token"]);
        self.call(
            Method::POST,
            url,
            Some(&Self::json(req)),
            &format!("user {}", req.user_id),
        )
        .await
    }

    /// `GET /v2/link/providers` with `x-vital-link-token` (and no API key): what the widget offers.
    pub async fn link_providers(&self, link_token: &str) -> Result<Vec<LinkProvider>, ApiError> {
        let url = self.url(&["v2", "link", "providers"]);
        let (status, text) = self
            .exchange(Method::GET, url, None, Some(link_token))
            .await?;
        if status.is_success() {
            self.decode(&text)
        } else if matches!(status.as_u16(), 401 | 403) {
            // Here 401 is about the link token (invalid, expired, consumed), not the API key.
            Err(ApiError::Refused {
                status: status.as_u16(),
                detail: detail_text(&text),
            })
        } else {
            Err(self.refusal(status, &text, "the link token"))
        }
    }

    /// `POST /v2/link/connect/demo` (sandbox only).
    pub async fn connect_demo(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> Result<DemoConnectionStatus, ApiError> {
        let url = self.url(&["v2", "link", "connect", "demo"]);
        let body = serde_json::json!({ "user_id": user_id, "provider": provider });
        self.call(Method::POST, url, Some(&body), &format!("user {user_id}"))
            .await
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

    #[test]
    fn retry_after_seconds_and_date() {
        let mut h = header::HeaderMap::new();
        h.insert(header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past date means now"
        );
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        let b0 = p.backoff(0);
        let b1 = p.backoff(1);
        assert!(b0 >= Duration::from_millis(100) && b0 < Duration::from_millis(125));
        assert!(b1 >= Duration::from_millis(200) && b1 < Duration::from_millis(225));
        assert_eq!(p.backoff(5), Duration::from_millis(350));
    }
}
