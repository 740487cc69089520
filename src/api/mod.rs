//! The Vital (Junction) API client. Knows HTTP and JSON; knows nothing of terminals.

pub mod client;
pub mod error;
pub mod types;

pub use client::{Client, RetryPolicy};
pub use error::{ApiError, FieldError};
pub use types::*;

use sha2::{Digest, Sha256};

/// A short, stable, non-reversible fingerprint of a secret (a link token): `sha256:` and the first
/// 12 hex digits. Safe to show, log and store in the audit log.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
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
