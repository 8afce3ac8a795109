//! File paths as the library stores them: exactly. A path that is valid UTF-8 (nearly all) is
//! stored as itself; any other (a name written by another system onto a share) is stored as
//! [`RAW_PREFIX`] and the hex of its raw bytes, so that it can still be opened, relinked and found
//! again by path (the column is `TEXT` in a STRICT table, so no BLOB; the form cannot clash with a
//! stored path, which import makes absolute). People see every path lossily (U+FFFD for the odd
//! bytes).

use std::path::{Path, PathBuf};

use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};

/// How a stored path that is not UTF-8 starts (an absolute path starts with `/`).
pub const RAW_PREFIX: &str = "bytes:";

/// A path read from or written to the `recordings.path` column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredPath(pub PathBuf);

impl StoredPath {
    pub fn of(path: &Path) -> StoredPath {
        StoredPath(path.to_path_buf())
    }

    /// How the path is shown: lossily.
    pub fn display(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl ToSql for StoredPath {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0.to_str() {
            Some(text) => ToSqlOutput::from(text),
            None => {
                let hex: String = raw_bytes(&self.0).iter().map(|b| format!("{b:02x}")).collect();
                ToSqlOutput::from(format!("{RAW_PREFIX}{hex}"))
            }
        })
    }
}

impl FromSql for StoredPath {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(t) => {
                let text = std::str::from_utf8(t).map_err(FromSqlError::other)?;
                match text.strip_prefix(RAW_PREFIX).and_then(from_hex) {
                    Some(bytes) => Ok(StoredPath(from_raw_bytes(&bytes))),
                    None => Ok(StoredPath(PathBuf::from(text))),
                }
            }
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(unix)]
fn raw_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn from_raw_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

// Elsewhere paths are Unicode (or WTF-16 on Windows, whose odd surrogates are stored lossily).
#[cfg(not(unix))]
fn raw_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn from_raw_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn a_non_utf8_path_round_trips_exactly_and_shows_lossily() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute("CREATE TABLE t (path TEXT NOT NULL UNIQUE) STRICT", []).unwrap();
        let odd = PathBuf::from(std::ffi::OsStr::from_bytes(b"/share/call_\xe9t\xe9.wav"));
        let plain = PathBuf::from("/share/call_été.wav");
        for p in [&odd, &plain] {
            conn.execute("INSERT INTO t VALUES (?1)", [StoredPath::of(p)]).unwrap();
        }
        let back: Vec<StoredPath> = conn
            .prepare("SELECT path FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(back, [StoredPath(odd.clone()), StoredPath(plain.clone())]);
        assert_eq!(back[0].display(), "/share/call_\u{fffd}t\u{fffd}.wav");
        let found: i64 = conn
            .query_row("SELECT count(*) FROM t WHERE path = ?1", [StoredPath::of(&odd)], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(found, 1, "a stored path is found by its exact bytes");
    }
}
