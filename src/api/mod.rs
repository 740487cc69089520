//! The Vital (Junction) API client. Knows HTTP and JSON; knows nothing of terminals.
//!
//! [`client`] makes the calls; [`retry`] says when and how long to wait between attempts;
//! [`transport`] reads bodies up to a cap and sorts wire failures; [`answers`] checks what comes
//! back (the link URL, paging); [`app_code`] says what a refused app-code mint means; [`error`]
//! is the one error type; [`types`] the wire structs; [`key`] the API key and what its prefix
//! says; [`hosts`] Vital's hosts and URL checks.

pub mod answers;
pub mod app_code;
pub mod client;
mod endpoints;
pub mod error;
pub mod hosts;
pub mod key;
pub mod retry;
pub mod transport;
pub mod types;

pub use answers::{PageGuard, check_link_url, is_loopback};
pub use app_code::{app_code_hint, app_code_refusal};
pub use client::Client;
pub use error::{ApiError, FieldError, HostOrigin};
pub use hosts::{display_url, is_vital_host, parse_http_url, vital_host};
pub use key::{ApiKey, Environment, Region};
pub use retry::{RetryNotice, RetryObserver, RetryPolicy, RetryReason};
pub use types::*;

use sha2::{Digest, Sha256};

/// A short, stable, non-reversible fingerprint of a secret (a link token): `sha256:` and the first
/// 12 hex digits. Safe to show, log and store in the audit log.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let hex: String = digest.iter().take(6).fold(String::new(), |mut out, b| {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
        out
    });
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_is_short_and_stable() {
        let f = super::fingerprint("abc");
        assert_eq!(f, "sha256:ba7816bf8f01");
        assert_ne!(super::fingerprint("abd"), f);
    }
}
