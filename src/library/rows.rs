//! Reads of one recording's row that the notes, reviews and steps modules need: whether it
//! exists (to a scope) and how long it is. They live here, below `recordings.rs`, because the
//! call view there reads notes and reviews; those must not import `recordings` back.

use rusqlite::{Connection, OptionalExtension};

use super::people::Scope;
use super::{LibraryError, Result};

/// The error for a recording id that is not in the library.
pub(crate) fn recording_not_found(id: i64) -> LibraryError {
    LibraryError::NotFound { what: "recording", id: id.to_string() }
}

/// The duration of recording `id` in ms, or [`recording_not_found`].
pub(crate) fn recording_duration_ms(conn: &Connection, id: i64) -> Result<i64> {
    conn.prepare_cached("SELECT duration_ms FROM recordings WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| recording_not_found(id))
}

/// Ok when recording `id` is in the library, else [`recording_not_found`].
pub(crate) fn require_recording(conn: &Connection, id: i64) -> Result<()> {
    recording_duration_ms(conn, id).map(|_| ())
}

/// Ok when `scope` may see recording `id`; else, to that scope, it is not in the library.
pub(crate) fn require_visible_call(conn: &Connection, scope: Scope, id: i64) -> Result<()> {
    require_recording(conn, id)?;
    let sql = format!(
        "SELECT coalesce({}, 0) FROM recordings r WHERE r.id = ?1",
        scope.recording_sql("r")
    );
    let visible: bool = conn.prepare_cached(&sql)?.query_row([id], |r| r.get(0))?;
    if visible { Ok(()) } else { Err(recording_not_found(id)) }
}
