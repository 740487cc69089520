//! The API key file (`--api-key-file`): its first line, and its permissions checked like ssh
//! checks a private key's.

use std::path::Path;

use super::connection::SettingsError;
use crate::api::ApiKey;

/// Reads a key file: its first line, trimmed, with a warning when group or others can read it.
/// A file that group or others can write is refused (like ssh does with keys).
pub fn read_key_file(path: &Path) -> Result<(ApiKey, Option<String>), SettingsError> {
    let mut warning = None;
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(SettingsError::KeyFileWritable {
                path: path.to_path_buf(),
                mode,
            });
        }
        if mode & 0o044 != 0 {
            warning = Some(format!(
                "the API key file {} can be read by group or others (mode {mode:04o}): run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| SettingsError::KeyFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(SettingsError::EmptyKeyFile {
            path: path.to_path_buf(),
        });
    }
    Ok((ApiKey::new(first), warning))
}
