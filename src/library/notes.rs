//! Notes: add, edit, soft-delete, undo a delete, list. Every change is one transaction and is
//! durable when the call returns; there is no Save step.
//!
//! Validation errors name the field: `start`/`end` outside the recording or out of order,
//! over-long `text` (empty text is a marker-only note), unknown `kind`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Deserialize;
use ts_rs::TS;

pub use super::validate::MAX_TEXT_CHARS;

use super::people::{Person, Role, Scope};
use super::rows::{recording_duration_ms, require_visible_call};
use super::{Library, LibraryError, Note, NoteKind, Reply, Result, validate};

/// A note to add.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewNote {
    pub recording_id: i64,
    pub start_ms: i64,
    #[ts(optional)]
    pub end_ms: Option<i64>,
    pub kind: NoteKind,
    pub text: String,
}

/// Changes to a note; `None` leaves a field unchanged. `end_ms: Some(None)` makes it a point
/// (across IPC: `endMs` absent leaves the end, `null` removes it).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct NoteEdit {
    #[ts(optional)]
    pub start_ms: Option<i64>,
    #[serde(with = "present")]
    #[ts(optional = nullable, as = "Option<i64>")]
    pub end_ms: Option<Option<i64>>,
    #[ts(optional)]
    pub kind: Option<NoteKind>,
    #[ts(optional)]
    pub text: Option<String>,
}

/// A field that is present (even as `null`) is `Some`; an absent one takes the default, `None`.
mod present {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

const NOTE_COLUMNS: &str = "notes.uuid, notes.recording_id, notes.start_ms, notes.end_ms,
    notes.kind, notes.text,
    coalesce((SELECT name FROM people WHERE people.id = notes.author_id), notes.author),
    notes.created_at, notes.updated_at, notes.deleted_at, notes.seen_by_rep_at,
    (SELECT uuid FROM people WHERE people.id = notes.author_id)";

fn note_from_row(r: &Row<'_>) -> rusqlite::Result<Note> {
    let kind: String = r.get(4)?;
    Ok(Note {
        id: r.get(0)?,
        recording_id: r.get(1)?,
        start_ms: r.get(2)?,
        end_ms: r.get(3)?,
        kind: NoteKind::from_column(&kind),
        text: r.get(5)?,
        author: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        deleted_at: r.get(9)?,
        seen_by_rep_at: r.get(10)?,
        author_id: r.get(11)?,
    })
}

/// The text of a note, trimmed: at most [`MAX_TEXT_CHARS`]; empty is a marker-only note (the
/// moment matters, the words can come later).
pub(crate) fn check_note_text(text: &str) -> Result<String> {
    let t = validate::at_most("text", text.trim(), MAX_TEXT_CHARS, |n| {
        format!("{n} characters is more than the {MAX_TEXT_CHARS} a note can hold")
    })?;
    Ok(t.to_string())
}

/// The text of a reply, trimmed: not empty, at most [`MAX_TEXT_CHARS`].
pub(crate) fn check_text(text: &str) -> Result<String> {
    let t = validate::required("text", text, "a note needs some text")?;
    let t = validate::at_most("text", t, MAX_TEXT_CHARS, |n| {
        format!("{n} characters is more than the {MAX_TEXT_CHARS} a note can hold")
    })?;
    Ok(t.to_string())
}

pub(crate) fn check_times(start_ms: i64, end_ms: Option<i64>, duration_ms: i64) -> Result<()> {
    let fmt = crate::timefmt::format_ms;
    if start_ms < 0 || start_ms > duration_ms {
        return Err(LibraryError::invalid(
            "start",
            format!(
                "{} is outside the recording (0:00.000 to {})",
                fmt(start_ms),
                fmt(duration_ms)
            ),
        ));
    }
    if let Some(end) = end_ms {
        if end <= start_ms {
            return Err(LibraryError::invalid(
                "end",
                format!("{} is not after the start {}", fmt(end), fmt(start_ms)),
            ));
        }
        if end > duration_ms {
            return Err(LibraryError::invalid(
                "end",
                format!("{} is past the end of the recording ({})", fmt(end), fmt(duration_ms)),
            ));
        }
    }
    Ok(())
}

/// Adds a note by `author` and returns it. A rep notes only their own calls.
pub fn create(lib: &mut Library, author: &Person, new: &NewNote) -> Result<Note> {
    lib.write(|tx| create_in(tx, author, new))
}

/// Adds notes by `author`, all or none, in one transaction.
pub fn create_many(lib: &mut Library, author: &Person, new: &[NewNote]) -> Result<Vec<Note>> {
    lib.write(|tx| new.iter().map(|n| create_in(tx, author, n)).collect())
}

fn create_in(tx: &Connection, author: &Person, new: &NewNote) -> Result<Note> {
    let text = check_note_text(&new.text)?;
    {
        let duration_ms = recording_duration_ms(tx, new.recording_id)?;
        require_visible_call(tx, author.scope(), new.recording_id)?;
        check_times(new.start_ms, new.end_ms, duration_ms)?;
        let uuid = uuid::Uuid::new_v4().to_string();
        let now = crate::timefmt::now_ms();
        tx.prepare_cached(
            "INSERT INTO notes (uuid, recording_id, start_ms, end_ms, kind, text, author, author_id,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            uuid,
            new.recording_id,
            new.start_ms,
            new.end_ms,
            new.kind.as_str(),
            text,
            author.name,
            author.key,
            now
        ])?;
        get(tx, &uuid)
    }
}

/// A note by its id or an unambiguous prefix of at least 4 characters.
/// A note by its row id, with its call's title and rep: one read for a search hit.
pub(crate) fn get_with_call(
    conn: &Connection,
    rowid: i64,
) -> Result<(Note, String, Option<String>)> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {NOTE_COLUMNS}, r.title, p.name FROM notes
             JOIN recordings r ON r.id = notes.recording_id
             LEFT JOIN people p ON p.id = r.rep_id WHERE notes.id = ?1"
        ))?
        .query_row([rowid], |r| Ok((note_from_row(r)?, r.get(12)?, r.get(13)?)))?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Note> {
    let id = id.trim();
    let not_found = || LibraryError::NotFound { what: "note", id: id.to_string() };
    if let Some(n) = conn
        .prepare_cached(&format!("SELECT {NOTE_COLUMNS} FROM notes WHERE uuid = ?1"))?
        .query_row([id], note_from_row)
        .optional()?
    {
        return Ok(n);
    }
    if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(not_found());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM notes WHERE uuid >= ?1 AND uuid < ?1 || 'g' LIMIT 2"
    ))?;
    let found = stmt
        .query_map([id.to_ascii_lowercase()], note_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one element")),
        0 => Err(not_found()),
        _ => Err(LibraryError::invalid(
            "id",
            format!("'{id}' matches more than one note: give more of it"),
        )),
    }
}

/// Applies `edit` by `actor` and returns the note as it is now.
pub fn edit(lib: &mut Library, actor: &Person, id: &str, edit: &NoteEdit) -> Result<Note> {
    let text = edit.text.as_deref().map(check_note_text).transpose()?;
    lib.write(|tx| {
        let note = get_to_change(tx, actor, id)?;
        if note.deleted_at.is_some() {
            return Err(LibraryError::invalid("id", format!("note {} is deleted: undo the delete first", note.id)));
        }
        let duration_ms = recording_duration_ms(tx, note.recording_id)?;
        let start = edit.start_ms.unwrap_or(note.start_ms);
        let end = edit.end_ms.unwrap_or(note.end_ms);
        check_times(start, end, duration_ms)?;
        let kind = edit.kind.unwrap_or(note.kind);
        let text = text.unwrap_or(note.text);
        tx.execute(
            "UPDATE notes SET start_ms = ?2, end_ms = ?3, kind = ?4, text = ?5, updated_at = ?6 WHERE uuid = ?1",
            params![note.id, start, end, kind.as_str(), text, crate::timefmt::now_ms()],
        )?;
        get(tx, &note.id)
    })
}

/// Deletes a note; [`undo_delete`] brings it back.
pub fn delete(lib: &mut Library, actor: &Person, id: &str) -> Result<Note> {
    lib.write(|tx| {
        let note = get_to_change(tx, actor, id)?;
        if note.deleted_at.is_some() {
            return Err(LibraryError::invalid(
                "id",
                format!("note {} is already deleted", note.id),
            ));
        }
        tx.execute(
            "UPDATE notes SET deleted_at = ?2, updated_at = ?2 WHERE uuid = ?1",
            params![note.id, crate::timefmt::now_ms()],
        )?;
        get(tx, &note.id)
    })
}

/// Restores the note `id`, or the most recently deleted note `actor` may change when `id` is
/// `None`.
pub fn undo_delete(lib: &mut Library, actor: &Person, id: Option<&str>) -> Result<Note> {
    lib.write(|tx| {
        let note = match id {
            Some(id) => get_to_change(tx, actor, id)?,
            None => tx
                .query_row(
                    &format!(
                        "SELECT {NOTE_COLUMNS} FROM notes WHERE deleted_at IS NOT NULL AND {}
                         ORDER BY deleted_at DESC, id DESC LIMIT 1",
                        may_change_sql(actor)
                    ),
                    [],
                    note_from_row,
                )
                .optional()?
                .ok_or_else(|| LibraryError::NotFound {
                    what: "deleted note",
                    id: "to undo".into(),
                })?,
        };
        if note.deleted_at.is_none() {
            return Err(LibraryError::invalid("id", format!("note {} is not deleted", note.id)));
        }
        tx.execute(
            "UPDATE notes SET deleted_at = NULL, updated_at = ?2 WHERE uuid = ?1",
            params![note.id, crate::timefmt::now_ms()],
        )?;
        get(tx, &note.id)
    })
}

/// A recording's notes that `scope` may see, in time order; deleted ones only when asked.
pub fn list(
    conn: &Connection,
    scope: Scope,
    recording_id: i64,
    include_deleted: bool,
) -> Result<Vec<Note>> {
    require_visible_call(conn, scope, recording_id)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM notes JOIN recordings r ON r.id = notes.recording_id
         WHERE notes.recording_id = ?1 AND (?2 OR notes.deleted_at IS NULL) AND {}
         ORDER BY notes.start_ms, notes.id",
        scope.note_sql("notes", "r")
    ))?;
    let notes = stmt.query_map(params![recording_id, include_deleted], note_from_row)?;
    Ok(notes.collect::<rusqlite::Result<_>>()?)
}

/// Marks a note as replayed by the rep; the first time counts, later calls change nothing.
pub fn mark_seen(lib: &mut Library, viewer: &Person, id: &str) -> Result<Note> {
    lib.write(|tx| {
        let note = get_visible(tx, viewer.scope(), id)?;
        tx.execute(
            "UPDATE notes SET seen_by_rep_at = ?2, updated_at = ?2
             WHERE uuid = ?1 AND seen_by_rep_at IS NULL",
            params![note.id, crate::timefmt::now_ms()],
        )?;
        get(tx, &note.id)
    })
}

/// Adds a reply by `author` to a note they may see and returns it.
pub fn reply(lib: &mut Library, author: &Person, note_id: &str, text: &str) -> Result<Reply> {
    let text = check_text(text)?;
    lib.write(|tx| {
        let note = get_visible(tx, author.scope(), note_id)?;
        if note.deleted_at.is_some() {
            return Err(LibraryError::invalid("note", format!("note {} is deleted", note.id)));
        }
        let uuid = uuid::Uuid::new_v4().to_string();
        let now = crate::timefmt::now_ms();
        tx.execute(
            "INSERT INTO note_replies (uuid, note_id, author, author_id, text, created_at, updated_at)
             SELECT ?1, id, ?3, ?4, ?5, ?6, ?6 FROM notes WHERE uuid = ?2",
            params![uuid, note.id, author.name, author.key, text, now],
        )?;
        Ok(Reply { id: uuid, note_id: note.id, author: author.name.clone(), text, created_at: now })
    })
}

/// Every reply on the notes of a recording that `scope` may see, oldest first.
pub fn replies(conn: &Connection, scope: Scope, recording_id: i64) -> Result<Vec<Reply>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT re.uuid, n.uuid, coalesce(p.name, re.author), re.text, re.created_at
         FROM note_replies re JOIN notes n ON n.id = re.note_id
         JOIN recordings r ON r.id = n.recording_id
         LEFT JOIN people p ON p.id = re.author_id
         WHERE n.recording_id = ?1 AND re.deleted_at IS NULL AND {}
         ORDER BY re.created_at, re.id",
        scope.note_sql("n", "r")
    ))?;
    let rows = stmt.query_map([recording_id], |r| {
        Ok(Reply {
            id: r.get(0)?,
            note_id: r.get(1)?,
            author: r.get(2)?,
            text: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The note `id` if `scope` may see it; to a rep, a coach's draft note is not in the library.
pub fn get_visible(conn: &Connection, scope: Scope, id: &str) -> Result<Note> {
    let note = get(conn, id)?;
    let sql = format!(
        "SELECT {} FROM notes n JOIN recordings r ON r.id = n.recording_id WHERE n.uuid = ?1",
        scope.note_sql("n", "r")
    );
    let visible: bool = conn.prepare_cached(&sql)?.query_row([&note.id], |r| r.get(0))?;
    if visible {
        Ok(note)
    } else {
        Err(LibraryError::NotFound { what: "note", id: id.trim().to_string() })
    }
}

/// An SQL condition on `notes`: the notes `actor` may change. A coach any note; a rep their own.
fn may_change_sql(actor: &Person) -> String {
    match actor.role {
        Role::Coach => "1".into(),
        Role::Rep => format!("notes.author_id = {}", actor.key),
    }
}

/// The note `id` if `actor` may change it: a rep changes only their own notes.
fn get_to_change(conn: &Connection, actor: &Person, id: &str) -> Result<Note> {
    let note = get_visible(conn, actor.scope(), id)?;
    if actor.role == Role::Rep && note.author_id.as_deref() != Some(actor.id.as_str()) {
        return Err(LibraryError::NotAllowed {
            field: "as",
            reason: format!("{} is a rep and may change only their own notes", actor.name),
        });
    }
    Ok(note)
}
