//! Logs go to a file, never to the screen. Off unless `VITAL_ONBOARD_LOG` is set (to a filter such
//! as `debug` or `vital_onboard=trace`). The file is `$VITAL_ONBOARD_LOG_FILE`, else
//! `vital-onboard.log` in the platform data directory. Nothing logged carries the API key, a link
//! token or a full link URL: calls are logged by method, path and status; links by fingerprint.
//! The log holds user ids, so it is created readable by its owner only (0600), in a folder it
//! creates for its owner only (0700); an existing log is narrowed to 0600, and a log path that is
//! a symbolic link is not used.

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
    let file = open_private(&path).ok()?;
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(path)
}

/// Opens the log for appending: folders created 0700, the file created 0600 (an existing one is
/// narrowed to 0600); a symbolic link at the path is refused.
pub fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other("the log path is a symbolic link"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn log_is_private_in_a_private_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/logs/vital-onboard.log");
        super::open_private(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&dir.path().join("new")), 0o700);

        let old = dir.path().join("old.log");
        std::fs::write(&old, "x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::open_private(&old).unwrap();
        assert_eq!(mode(&old), 0o600, "an existing log is narrowed");

        let link = dir.path().join("link.log");
        std::os::unix::fs::symlink(&old, &link).unwrap();
        assert!(super::open_private(&link).is_err());
    }
}
