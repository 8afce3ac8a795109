//! Where a joined library keeps its team password: never in the library. In the desktop keyring
//! (the Secret Service over D-Bus: GNOME Keyring, KWallet, KeePassXC; through the `keyring`
//! crate), one entry per library file; where there is none (no session bus, no keyring daemon,
//! as on a server or in CI) in a file beside the library that only its owner may read (0600).
//! `GAMEFILM_KEYRING=off` skips the keyring (a keyring that asks to be unlocked on every start).

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::{Result, TeamError};

/// The keyring's service name for Gamefilm's team passwords; the account is the library's path.
const SERVICE: &str = "gamefilm-team";
/// Set to `off` (or `0`, `false`): passwords go to the file only.
pub const KEYRING_ENV: &str = "GAMEFILM_KEYRING";

/// Where a library's team password is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CredentialStore {
    /// The desktop keyring (Secret Service).
    Keyring,
    /// A file beside the library, readable by its owner only.
    File,
}

/// The file a library's team password is kept in when there is no keyring:
/// `<library>.team-credentials`.
pub fn credentials_path(library: &Path) -> PathBuf {
    let mut name = library.file_name().unwrap_or_default().to_os_string();
    name.push(".team-credentials");
    library.with_file_name(name)
}

fn keyring_enabled() -> bool {
    !std::env::var(KEYRING_ENV)
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "off" | "0" | "false"))
}

/// The keyring entry of the library at `library` (its absolute path names it).
fn entry(library: &Path) -> keyring::Result<keyring::Entry> {
    let account = std::path::absolute(library).unwrap_or_else(|_| library.to_path_buf());
    keyring::Entry::new(SERVICE, &account.to_string_lossy())
}

/// Keeps `password` for the library at `library`: in the keyring when there is one (and then
/// no file is left behind), else in the 0600 file.
pub(super) fn save(library: &Path, password: &str) -> Result<CredentialStore> {
    if keyring_enabled() && entry(library).and_then(|e| e.set_password(password)).is_ok() {
        remove_file(library)?;
        return Ok(CredentialStore::Keyring);
    }
    write_file(library, password)?;
    Ok(CredentialStore::File)
}

/// The password kept for the library at `library`, and where it was.
pub(super) fn load(library: &Path) -> Result<(String, CredentialStore)> {
    let path = credentials_path(library);
    if path.exists() || !keyring_enabled() {
        return Ok((read_file(library)?, CredentialStore::File));
    }
    match entry(library).and_then(|e| e.get_password()) {
        Ok(password) => Ok((password, CredentialStore::Keyring)),
        Err(keyring::Error::NoEntry) => Err(TeamError::Credentials {
            path,
            reason: "no password is kept for this library, in the keyring or here: \
                     run gamefilm team connect again"
                .into(),
        }),
        Err(e) => Err(TeamError::Credentials {
            path,
            reason: format!("no file, and the keyring did not answer: {e}"),
        }),
    }
}

/// Where the library's password is kept now, if anywhere (asks the keyring only when there is
/// no file).
pub(super) fn kept(library: &Path) -> Option<CredentialStore> {
    if credentials_path(library).exists() {
        return Some(CredentialStore::File);
    }
    (keyring_enabled() && entry(library).and_then(|e| e.get_password()).is_ok())
        .then_some(CredentialStore::Keyring)
}

/// Forgets the library's password, wherever it is kept.
pub(super) fn forget(library: &Path) -> Result<()> {
    if keyring_enabled() {
        // Nothing kept there, or no keyring: nothing to forget there.
        let _ = entry(library).and_then(|e| e.delete_credential());
    }
    remove_file(library)
}

fn remove_file(library: &Path) -> Result<()> {
    let path = credentials_path(library);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(TeamError::Credentials { path, reason: e.to_string() }),
    }
}

fn write_file(library: &Path, password: &str) -> Result<()> {
    use std::io::Write;
    let path = credentials_path(library);
    let fail =
        |e: std::io::Error| TeamError::Credentials { path: path.clone(), reason: e.to_string() };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".gamefilm-credentials-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(password.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn read_file(library: &Path) -> Result<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = credentials_path(library);
    let fail = |reason: String| TeamError::Credentials { path: path.clone(), reason };
    let meta = std::fs::metadata(&path).map_err(|e| fail(e.to_string()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(fail(format!(
            "may be read by others (mode {:o}): chmod 600 it",
            meta.permissions().mode() & 0o777
        )));
    }
    std::fs::read_to_string(&path).map(|s| s.trim().to_string()).map_err(|e| fail(e.to_string()))
}
