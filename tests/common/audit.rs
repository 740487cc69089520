//! Audit-log rows for the tests that seed a log before running a command.

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use vital_onboard::audit::{Event, Kind, Outcome, Source};

use super::{KEY, clean_command};

/// The built binary on the audit log `db` with an empty config file beside it; with `base`, an
/// API there (and the test key).
pub fn cmd(db: &Path, base: Option<&str>) -> Command {
    let mut c = clean_command();
    let cfg = db.with_extension("toml");
    if !cfg.exists() {
        std::fs::write(&cfg, "").unwrap();
    }
    c.env("VITAL_ONBOARD_CONFIG", cfg);
    c.env("VITAL_ONBOARD_HISTORY", db);
    if let Some(b) = base {
        c.env("VITAL_BASE_URL", b).env("VITAL_API_KEY", KEY);
    }
    c.stdin(Stdio::null());
    c
}

/// A sandbox row on `host` for `client_user_id`'s link `fp` (allowing oura and fitbit, preset
/// `wearables`, minted by `jdoe` at the console), `ago` before now; a `Connected` row names
/// oura. Tests change what they need with `Event { …, ..row(…) }`.
pub fn row(
    host: &str,
    client_user_id: &str,
    user_id: uuid::Uuid,
    fp: &str,
    outcome: Outcome,
    ago: Duration,
) -> Event {
    Event {
        time: Utc::now() - ago,
        environment: "sandbox".into(),
        region: "us".into(),
        host: host.into(),
        user_id: Some(user_id),
        client_user_id: client_user_id.into(),
        provider: (outcome == Outcome::Connected).then(|| "oura".to_string()),
        allowlist: Some(vec!["oura".into(), "fitbit".into()]),
        redirect_url: None,
        on_error: false,
        on_close: false,
        preset: Some("wearables".into()),
        token_fingerprint: Some(fp.into()),
        outcome,
        error: None,
        source: Source::Console,
        operator: "jdoe".into(),
        queue: None,
        kind: Kind::Link,
        language: None,
        expires_at: None,
    }
}
