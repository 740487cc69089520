//! Logs go to a file, never to the screen. Off unless `VITAL_ONBOARD_LOG` is set (to a filter such
//! as `debug` or `vital_onboard=trace`). The file is `$VITAL_ONBOARD_LOG_FILE`, else
//! `vital-onboard.log` in the platform data directory. Nothing logged carries the API key, a link
//! token or a full link URL: calls are logged by method, path and status; links by fingerprint.

use std::path::PathBuf;

pub fn default_log_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vital-onboard")
        .map(|d| d.data_local_dir().join("vital-onboard.log"))
}

/// Starts file logging when asked for. Returns the log file's path, if logging is on.
pub fn init() -> Option<PathBuf> {
    let filter = std::env::var("VITAL_ONBOARD_LOG").ok()?;
    let path = std::env::var_os("VITAL_ONBOARD_LOG_FILE")
        .map(PathBuf::from)
        .or_else(default_log_file)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(path)
}
