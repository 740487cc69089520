//! What the `presets` tests share: two config files and a command running the built binary
//! with one.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{KEY, clean_command};

pub const GOOD: &str = r#"# Northside's presets
clinic_name = "Northside"

[[preset]]
name = "wearables"
providers = ["oura", "fitbit"]
redirect_url = "https://clinic.example/done"
on_error = "redirect"

[[preset]]
name = "cgm"
provider = "dexcom_v3"
"#;

pub const BAD: &str = r#"[[preset]]
name = "rings"
providers = ["oura", "fitbt"]

[[preset]]
name = "phones"
providers = ["apple_health_kit"]
on_close = "redirect"

[[preset]]
name = "rings"
redirect_url = "ftp://clinic.example"
"#;

pub fn cmd(config: &Path, base: Option<&str>) -> Command {
    let mut c = clean_command();
    c.env("VITAL_ONBOARD_CONFIG", config);
    c.env("VITAL_ONBOARD_HISTORY", config.with_extension("sqlite3"));
    if let Some(b) = base {
        c.env("VITAL_BASE_URL", b).env("VITAL_API_KEY", KEY);
    }
    c.stdin(Stdio::null());
    c
}

pub fn config(dir: &tempfile::TempDir, body: &str) -> std::path::PathBuf {
    let p = dir.path().join("config.toml");
    std::fs::write(&p, body).unwrap();
    p
}
