//! Stored API keys: the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate, and the owner-only fallback file that `login`
//! writes, only when asked to, where no keychain answers.
//!
//! One entry per profile: service `vital-onboard`, account `profile:NAME`, or `default` with no
//! profile. A fallback file that group or others can write is refused; one they can read is used
//! with a warning. Nothing here prints or logs a key; errors never carry one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::api::ApiKey;
use crate::setup::connection::KeySource;

/// The keychain service name of every entry.
pub const SERVICE: &str = "vital-onboard";

/// The keychain account of a profile (`None`: no profile chosen).
pub fn account(profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!("profile:{p}"),
        None => "default".into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain answered (no Secret Service on the session bus, no session bus, locked).
    #[error("no keychain answered ({0})")]
    Unavailable(String),
    /// The keychain answered but the operation failed.
    #[error("the keychain failed ({0})")]
    Failed(String),
}

/// A place that keeps secrets by account. [`OsKeychain`] in the program; tests use their own.
pub trait Keychain {
    fn get(&self, account: &str) -> Result<Option<String>, KeychainError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), KeychainError>;
    /// True when there was an entry to delete.
    fn delete(&self, account: &str) -> Result<bool, KeychainError>;
    /// What it is, for messages (`the Secret Service`).
    fn name(&self) -> &'static str;
}

/// The platform keychain.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeychain;

fn map_err(e: keyring::Error) -> KeychainError {
    use keyring::Error as E;
    match e {
        E::NoStorageAccess(p) | E::PlatformFailure(p) => KeychainError::Unavailable(p.to_string()),
        E::NoDefaultStore => {
            KeychainError::Unavailable("the platform keychain could not be opened".into())
        }
        // Never format these with their payload: BadEncoding holds the stored bytes.
        E::BadEncoding(_) | E::BadDataFormat(..) => {
            KeychainError::Failed("the stored entry is not text".into())
        }
        other => KeychainError::Failed(match other {
            E::Ambiguous(_) => "more than one entry matches".to_string(),
            E::TooLong(what, max) => format!("{what} is longer than {max}"),
            E::Invalid(what, why) => format!("{what}: {why}"),
            E::BadStoreFormat(why) | E::NotSupportedByStore(why) => why,
            _ => "unexpected error".to_string(),
        }),
    }
}

fn entry(account: &str) -> Result<keyring::Entry, KeychainError> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(KeychainError::Unavailable(match e {
            keyring::Error::NoStorageAccess(p) | keyring::Error::PlatformFailure(p) => {
                p.to_string()
            }
            _ => "the platform keychain could not be opened".into(),
        }));
    }
    keyring::Entry::new(SERVICE, account).map_err(map_err)
}

impl Keychain for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<String>, KeychainError> {
        match entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), KeychainError> {
        entry(account)?.set_password(secret).map_err(map_err)
    }

    fn delete(&self, account: &str) -> Result<bool, KeychainError> {
        match entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }

    fn name(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "the macOS Keychain"
        } else if cfg!(windows) {
            "the Windows Credential Manager"
        } else {
            "the Secret Service"
        }
    }
}

/// Where the fallback file of `account` lives: `keys/ACCOUNT.key` in the platform config
/// directory (`~/.config/vital-onboard/keys/` on Linux).
pub fn fallback_path(account: &str) -> Option<PathBuf> {
    let dir = directories::ProjectDirs::from("", "", "vital-onboard")?;
    Some(fallback_path_in(dir.config_dir(), account))
}

pub fn fallback_path_in(config_dir: &Path, account: &str) -> PathBuf {
    config_dir
        .join("keys")
        .join(format!("{}.key", account.replace(':', "-")))
}

/// A fallback file's key, and a warning when others can read it. `Ok(None)`: no file.
/// A file that group or others can write is refused (someone else could swap the key).
pub fn read_fallback(path: &Path) -> Result<Option<(ApiKey, Option<String>)>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read the key file {}: {e}", path.display())),
    };
    let mut warning = None;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o022 != 0 {
            return Err(format!(
                "refusing the key file {}: group or others can write it (mode {:o}); fix: chmod 600 {0}, or `vital-onboard logout` and log in again",
                path.display(),
                mode & 0o777
            ));
        }
        if mode & 0o044 != 0 {
            warning = Some(format!(
                "the key file {} is readable by others (mode {:o}): chmod 600 {0}",
                path.display(),
                mode & 0o777
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(format!(
            "the key file {} is empty: run `vital-onboard login` again",
            path.display()
        ));
    }
    Ok(Some((ApiKey::new(first), warning)))
}

/// Writes `key` to `path` readable and writable by its owner only (0600, folder 0700), replacing
/// any earlier file atomically.
pub fn write_fallback(path: &Path, key: &ApiKey) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("key"),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = std::fs::remove_file(&tmp);
    let result = options.open(&tmp).and_then(|mut f| {
        f.write_all(key.expose().as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()
    });
    if let Err(e) = result.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// The stored key of `account`: the keychain entry first, then the fallback file. A warning about
/// a readable file goes to `notes`; a refused file is an error.
pub fn lookup(
    keychain: &dyn Keychain,
    account: &str,
    fallback: Option<&Path>,
    notes: &mut Vec<String>,
) -> Result<Option<(ApiKey, KeySource)>, String> {
    match keychain.get(account) {
        Ok(Some(k)) if !k.trim().is_empty() => {
            return Ok(Some((ApiKey::new(k.trim()), KeySource::Keychain)));
        }
        Ok(_) => {}
        // Not worth a line on every run (demo mode on a machine without a keychain); `doctor`
        // and `login` say it.
        Err(e) => tracing::debug!("{} for {account}: {e}", keychain.name()),
    }
    let Some(path) = fallback else {
        return Ok(None);
    };
    match read_fallback(path)? {
        Some((key, warning)) => {
            notes.extend(warning);
            Ok(Some((key, KeySource::StoredFile(path.to_path_buf()))))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_fallback_paths_per_profile() {
        assert_eq!(account(None), "default");
        assert_eq!(account(Some("eu-prod")), "profile:eu-prod");
        let p = fallback_path_in(Path::new("/c"), &account(Some("eu-prod")));
        assert_eq!(p, Path::new("/c/keys/profile-eu-prod.key"));
    }

    #[cfg(unix)]
    #[test]
    fn fallback_file_is_owner_only_and_a_writable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/keys/default.key");
        write_fallback(&path, &ApiKey::new("sk_us_fallback_secret")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let (k, warning) = read_fallback(&path).unwrap().unwrap();
        assert_eq!((k.expose(), warning), ("sk_us_fallback_secret", None));

        // Replacing keeps 0600 even over a file that had looser bits.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_, warning) = read_fallback(&path).unwrap().unwrap();
        assert!(warning.unwrap().contains("readable by others"));
        write_fallback(&path, &ApiKey::new("sk_us_second")).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(
            read_fallback(&path).unwrap().unwrap().0.expose(),
            "sk_us_second"
        );

        for bad in [0o666, 0o620, 0o602] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(bad)).unwrap();
            let e = read_fallback(&path).unwrap_err();
            assert!(e.contains("group or others can write"), "{e}");
            assert!(!e.contains("sk_us_second"), "never shows the key");
        }
        assert_eq!(read_fallback(&dir.path().join("none")).unwrap(), None);
    }

    struct Fake(std::cell::RefCell<Option<String>>, bool);

    impl Keychain for Fake {
        fn get(&self, _: &str) -> Result<Option<String>, KeychainError> {
            if self.1 {
                Ok(self.0.borrow().clone())
            } else {
                Err(KeychainError::Unavailable("no bus".into()))
            }
        }
        fn set(&self, _: &str, s: &str) -> Result<(), KeychainError> {
            *self.0.borrow_mut() = Some(s.into());
            Ok(())
        }
        fn delete(&self, _: &str) -> Result<bool, KeychainError> {
            Ok(self.0.borrow_mut().take().is_some())
        }
        fn name(&self) -> &'static str {
            "the fake keychain"
        }
    }

    #[test]
    fn lookup_prefers_the_keychain_then_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.key");
        write_fallback(&file, &ApiKey::new("sk_eu_file")).unwrap();
        let mut notes = vec![];
        let kc = Fake(Some("pk_us_chain".to_string()).into(), true);
        let (k, src) = lookup(&kc, "default", Some(&file), &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!((k.expose(), src), ("pk_us_chain", KeySource::Keychain));
        let kc = Fake(None.into(), false);
        let (k, src) = lookup(&kc, "default", Some(&file), &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!(
            (k.expose(), src),
            ("sk_eu_file", KeySource::StoredFile(file))
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(lookup(&kc, "default", None, &mut notes).unwrap(), None);
    }
}
