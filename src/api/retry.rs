//! When a failed call is tried again, how long to wait, and how a caller hears about it
//! ([`RetryNotice`], for the command line's stderr line and the console's status-line countdown).

use std::sync::Arc;
use std::time::Duration;

use reqwest::{StatusCode, header};

/// How failed calls are retried: 429, 5xx and failed connections, at most `max_retries` times,
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
            max_delay: Duration::from_mins(1),
        }
    }
}

impl RetryPolicy {
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.min(16));
        let jitter_ms = (self.base_delay.as_millis() as u64 / 4).max(1);
        let jitter = Duration::from_millis(rand::random_range(0..jitter_ms));
        (exp + jitter).min(self.max_delay)
    }
}

/// Why a call is being tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx, with its status.
    ServerError(u16),
    /// The connection could not be made (refused, name lookup, connect timeout): nothing reached
    /// the API.
    ConnectFailed,
    /// A read-only request (GET) whose connection was dropped after it was sent.
    Dropped,
}

/// Told to the observer set with [`Client::with_retry_notice`](super::Client::with_retry_notice)
/// just before the client waits to try a call again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryNotice {
    pub reason: RetryReason,
    /// How long the client waits before the next attempt (`Retry-After` when the server gave it).
    pub wait: Duration,
    /// The number of the attempt that comes after the wait (2 for the first retry).
    pub next_attempt: u32,
    /// The most attempts the call makes.
    pub max_attempts: u32,
    /// The API's name in messages (`sandbox/us`).
    pub target: String,
}

/// The observer of retries: called from the task making the call, so it must return quickly.
pub type RetryObserver = Arc<dyn Fn(&RetryNotice) + Send + Sync>;

impl std::fmt::Display for RetryNotice {
    /// `rate limited, retrying in 12 s (attempt 2 of 3)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.reason {
            RetryReason::RateLimited => write!(f, "rate limited by {}", self.target)?,
            RetryReason::ServerError(s) => write!(f, "HTTP {s} from {}", self.target)?,
            RetryReason::ConnectFailed => write!(f, "could not connect to {}", self.target)?,
            RetryReason::Dropped => write!(f, "the connection to {} was dropped", self.target)?,
        }
        write!(
            f,
            ", retrying in {} (attempt {} of {})",
            seconds(self.wait),
            self.next_attempt,
            self.max_attempts
        )
    }
}

/// `12 s`, `0.3 s`.
pub fn seconds(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{} s", d.as_secs_f64().round() as u64)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Parses `Retry-After`: seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

pub(crate) fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The time allowed to make a connection: at most 10 s, and always shorter than the request's
/// own time limit, so a host that does not answer the connection is reported as a connect
/// timeout (and retried) whatever `--timeout` is, not as a request timeout.
pub fn connect_timeout_for(request_timeout: Duration) -> Duration {
    let shorter = request_timeout.mul_f64(0.8);
    shorter.min(Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn connect_timeout_is_always_shorter_than_the_request_timeout() {
        for secs in [1, 2, 5, 10, 12, 20, 600] {
            let t = Duration::from_secs(secs);
            assert!(connect_timeout_for(t) < t, "{secs}");
            assert!(connect_timeout_for(t) <= Duration::from_secs(10));
        }
        assert_eq!(
            connect_timeout_for(Duration::from_secs(20)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn notice_says_why_and_how_long() {
        let n = RetryNotice {
            reason: RetryReason::RateLimited,
            wait: Duration::from_secs(12),
            next_attempt: 2,
            max_attempts: 3,
            target: "sandbox/us".into(),
        };
        assert_eq!(
            n.to_string(),
            "rate limited by sandbox/us, retrying in 12 s (attempt 2 of 3)"
        );
        assert_eq!(seconds(Duration::from_millis(300)), "0.3 s");
    }
}
