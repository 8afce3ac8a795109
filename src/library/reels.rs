//! Reels in the library: an ordered list of clips with a title and a creation date, edited by
//! hand after planning.
//!
//! Invariants:
//! - A reel's clips have the dense positions `0..n`; every change rewrites them in one
//!   transaction ([`Library::write`]), so a failed edit changes nothing.
//! - A clip is a span of one recording, inside it, `end > start`, at most [`MAX_CLIP_MS`] long
//!   when trimmed by hand. It usually comes from a note; the note's kind and text travel with it.
//! - Planning ([`plan`], [`create`]) takes positive notes only unless asked otherwise; notes
//!   named by id and [`add_note`] add any note, which is how a coach puts an improvement in a
//!   reel on purpose (DESIGN.md, rule 1).
//! - [`clips_for_render`] returns the clips exactly as edited, so the rendered reel matches.

use rusqlite::{
    Connection, OptionalExtension, Transaction, params, params_from_iter, types::Value,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::{Person, Scope};
use super::stored_path::StoredPath;
use super::{Library, LibraryError, NoteKind, Result, notes, recordings};
use crate::reel::model::{Clip, SEPARATOR_MS};
use crate::timefmt::format_ms;

/// A point note becomes this much before...
pub const PAD_BEFORE_MS: i64 = 5_000;
/// ...and this much after its time.
pub const PAD_AFTER_MS: i64 = 10_000;

/// Which notes a new reel is made of. The default, with `since_ms` a week ago, is the positive
/// notes of the last 7 days, all reps.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ReelQuery {
    #[ts(optional)]
    pub since_ms: Option<i64>,
    #[ts(optional)]
    pub until_ms: Option<i64>,
    /// One rep's calls (blank: all reps).
    #[ts(optional)]
    pub rep: Option<String>,
    /// Positive only when empty.
    #[ts(as = "Option<Vec<NoteKind>>", optional)]
    pub kinds: Vec<NoteKind>,
    /// Notes added by id whatever their kind, after the others.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub note_ids: Vec<String>,
}

impl ReelQuery {
    pub fn last_days(days: i64, now_ms: i64) -> ReelQuery {
        ReelQuery {
            since_ms: Some(now_ms - days * 86_400_000),
            kinds: vec![NoteKind::Positive],
            ..Default::default()
        }
    }
}

/// The clips for `q`, oldest call first and in time order within a call, then the notes named
/// by id (each once). A range note plays its range; a point note is padded by
/// [`PAD_BEFORE_MS`] and [`PAD_AFTER_MS`], inside the call.
pub fn plan(conn: &Connection, scope: Scope, q: &ReelQuery) -> Result<Vec<Clip>> {
    let mut clauses = vec!["n.deleted_at IS NULL".to_string(), scope.note_sql("n", "r")];
    let mut args: Vec<Value> = Vec::new();
    let kinds: Vec<&str> = if q.kinds.is_empty() {
        vec![NoteKind::Positive.as_str()]
    } else {
        q.kinds.iter().map(|k| k.as_str()).collect()
    };
    clauses.push(format!("n.kind IN ({})", vec!["?"; kinds.len()].join(", ")));
    args.extend(kinds.iter().map(|k| Value::Text(k.to_string())));
    if let Some(s) = q.since_ms {
        clauses.push("r.call_time >= ?".into());
        args.push(Value::Integer(s));
    }
    if let Some(u) = q.until_ms {
        clauses.push("r.call_time < ?".into());
        args.push(Value::Integer(u));
    }
    if let Some(rep) = q.rep.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        clauses.push("p.name = ?".into());
        args.push(Value::Text(rep.to_string()));
    }
    let mut clips = planned(conn, &clauses.join(" AND "), args)?;
    for id in &q.note_ids {
        let clip = clip_of_note(conn, scope, id)?;
        if !clips.iter().any(|c| c.note_id == clip.note_id) {
            clips.push(clip);
        }
    }
    Ok(clips)
}

/// The notes matching `filter` as clips, in reel order.
fn planned(conn: &Connection, filter: &str, args: Vec<Value>) -> Result<Vec<Clip>> {
    let sql = format!(
        "SELECT n.uuid, r.id, r.path, r.title, p.name, r.call_time, n.kind, n.text, n.start_ms,
                n.end_ms, r.duration_ms
         FROM notes n JOIN recordings r ON r.id = n.recording_id
         LEFT JOIN people p ON p.id = r.rep_id
         WHERE {filter}
         ORDER BY r.call_time, r.id, n.start_ms"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        let kind: String = r.get(6)?;
        let (start_ms, end_ms) = clip_span(r.get(8)?, r.get(9)?, r.get(10)?);
        // A recording without its audio here gets an empty path: rendering it says so.
        let file: StoredPath = r.get::<_, Option<StoredPath>>(2)?.unwrap_or_default();
        Ok(Clip {
            note_id: r.get(0)?,
            recording_id: r.get(1)?,
            path: file.display(),
            file: file.0,
            title: r.get(3)?,
            rep: r.get(4)?,
            call_time: r.get(5)?,
            kind: NoteKind::from_column(&kind),
            text: r.get(7)?,
            start_ms,
            end_ms,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One note `scope` may see as a clip, whatever its kind: how a coach adds an improvement on
/// purpose.
pub fn clip_of_note(conn: &Connection, scope: Scope, note_id: &str) -> Result<Clip> {
    let note = notes::get_visible(conn, scope, note_id)?;
    let clips = planned(conn, "n.deleted_at IS NULL AND n.uuid = ?", vec![Value::Text(note.id)])?;
    clips
        .into_iter()
        .next()
        .ok_or_else(|| LibraryError::NotFound { what: "note", id: note_id.to_string() })
}

/// The span a note plays: its range, or its point padded, kept inside the recording.
pub fn clip_span(start_ms: i64, end_ms: Option<i64>, duration_ms: i64) -> (i64, i64) {
    match end_ms {
        Some(end) => (start_ms.clamp(0, duration_ms), end.clamp(0, duration_ms)),
        None => ((start_ms - PAD_BEFORE_MS).max(0), (start_ms + PAD_AFTER_MS).min(duration_ms)),
    }
}

/// What [`create`] does when no note matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfEmpty {
    /// Save the empty reel, to be filled by hand (the app).
    Save,
    /// Save nothing and say so (the CLI, which renders at once).
    Refuse,
}

/// A new reel titled `title` of the clips [`plan`] gives for `q`, planned and saved in one
/// transaction.
pub fn create(
    lib: &mut Library,
    scope: Scope,
    title: &str,
    q: &ReelQuery,
    if_empty: IfEmpty,
) -> Result<ReelDetail> {
    let title = check_title(title)?;
    lib.write(|tx| {
        let clips = plan(tx, scope, q)?;
        if clips.is_empty() && if_empty == IfEmpty::Refuse {
            return Err(LibraryError::invalid(
                "notes",
                "no notes match (positive notes of the chosen period by default): nothing to put \
                 in a reel",
            ));
        }
        let id = insert(tx, &title, &clips)?;
        get(tx, Scope::Coach, id)
    })
}

/// The longest clip a trim may make (5 minutes): a reel is a set of moments, not whole calls.
pub const MAX_CLIP_MS: i64 = 5 * 60_000;
/// The longest reel title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// One row of the reels list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReelSummary {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub clip_count: i64,
    /// How long the rendered reel plays: the clips and the separators between them.
    pub duration_ms: i64,
}

/// A reel with its clips, in order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReelDetail {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// As in [`ReelSummary::duration_ms`].
    pub duration_ms: i64,
    pub clips: Vec<ReelClip>,
}

/// One clip of a reel, with what the reel editor shows about it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReelClip {
    /// 0-based, dense.
    pub position: i64,
    /// The note the clip was made from, if it still exists.
    pub note_id: Option<String>,
    pub kind: Option<NoteKind>,
    pub text: Option<String>,
    /// The note was deleted after the clip was added; the clip stays until removed.
    pub note_deleted: bool,
    pub recording_id: i64,
    /// The recording's title, rep and call time.
    pub title: String,
    pub rep: Option<String>,
    pub call_time: i64,
    /// The span played, inside the recording.
    pub start_ms: i64,
    pub end_ms: i64,
    pub recording_duration_ms: i64,
}

/// A clip as stored: what a rewrite of the positions needs.
#[derive(Debug, Clone, Copy)]
struct Item {
    note_rowid: Option<i64>,
    recording_id: i64,
    start_ms: i64,
    end_ms: i64,
}

fn check_title(title: &str) -> Result<String> {
    let t = super::validate::required("title", title, "a reel needs a title")?;
    let t = super::validate::at_most("title", t, MAX_TITLE_CHARS, |n| {
        format!("{n} characters is more than the {MAX_TITLE_CHARS} a reel title can hold")
    })?;
    Ok(t.to_string())
}

/// Saves a reel and its clips in one transaction; returns its id.
pub fn save(lib: &mut Library, title: &str, clips: &[Clip]) -> Result<i64> {
    let title = check_title(title)?;
    lib.write(|tx| insert(tx, &title, clips))
}

fn insert(tx: &Transaction<'_>, title: &str, clips: &[Clip]) -> Result<i64> {
    let now = crate::timefmt::now_ms();
    tx.execute(
        "INSERT INTO reels (uuid, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![uuid::Uuid::new_v4().to_string(), title, now],
    )?;
    let reel = tx.last_insert_rowid();
    let mut stmt = tx.prepare(
        "INSERT INTO reel_items (reel_id, position, note_id, recording_id, start_ms, end_ms)
         VALUES (?1, ?2, (SELECT id FROM notes WHERE uuid = ?3), ?4, ?5, ?6)",
    )?;
    for (i, c) in clips.iter().enumerate() {
        stmt.execute(params![reel, i as i64, c.note_id, c.recording_id, c.start_ms, c.end_ms])?;
    }
    Ok(reel)
}

/// An SQL condition on the reel item alias `i` (its recording `rec`, its note `n`, left
/// joined): the clips `scope` may see. A rep sees the clips of their own calls whose notes the
/// blind rule lets through; a reel shows them only those.
fn item_sql(scope: Scope) -> String {
    match scope {
        Scope::Coach => "1".into(),
        Scope::Rep(_) => format!(
            "({} AND (i.note_id IS NULL OR (n.id IS NOT NULL AND {})))",
            scope.recording_sql("rec"),
            scope.note_sql("n", "rec")
        ),
    }
}

/// Every reel `scope` may see, most recently created first, with the clips it may see counted.
/// A rep sees the reels holding at least one clip of theirs.
pub fn list(conn: &Connection, scope: Scope) -> Result<Vec<ReelSummary>> {
    let all = summaries(conn, scope, None)?;
    Ok(match scope {
        Scope::Coach => all,
        Scope::Rep(_) => all.into_iter().filter(|r| r.clip_count > 0).collect(),
    })
}

/// The summaries of every reel not deleted, or only of `only`.
fn summaries(conn: &Connection, scope: Scope, only: Option<i64>) -> Result<Vec<ReelSummary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.title, r.created_at, r.updated_at, count(i.position),
                coalesce(sum(i.end_ms - i.start_ms), 0)
         FROM reels r LEFT JOIN (reel_items i JOIN recordings rec ON rec.id = i.recording_id
                LEFT JOIN notes n ON n.id = i.note_id)
             ON i.reel_id = r.id AND {}
         WHERE r.deleted_at IS NULL AND (?1 IS NULL OR r.id = ?1)
         GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC",
        item_sql(scope)
    ))?;
    let rows = stmt.query_map([only], |r| {
        let clips: i64 = r.get(4)?;
        Ok(ReelSummary {
            id: r.get(0)?,
            title: r.get(1)?,
            created_at: r.get(2)?,
            updated_at: r.get(3)?,
            clip_count: clips,
            duration_ms: played_ms(r.get(5)?, clips),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rendered length of `clips` clips lasting `clips_ms` together.
fn played_ms(clips_ms: i64, clips: i64) -> i64 {
    clips_ms + (clips - 1).max(0) * SEPARATOR_MS as i64
}

/// A reel and the clips `scope` may see, in order.
pub fn get(conn: &Connection, scope: Scope, reel_id: i64) -> Result<ReelDetail> {
    let (title, created_at, updated_at) = conn
        .prepare_cached(
            "SELECT title, created_at, updated_at FROM reels WHERE id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([reel_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| not_found(reel_id))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.position, n.uuid, n.kind, n.text, n.deleted_at, i.recording_id, rec.title,
                p.name, rec.call_time, i.start_ms, i.end_ms, rec.duration_ms
         FROM reel_items i
         JOIN recordings rec ON rec.id = i.recording_id
         LEFT JOIN people p ON p.id = rec.rep_id
         LEFT JOIN notes n ON n.id = i.note_id
         WHERE i.reel_id = ?1 AND {} ORDER BY i.position",
        item_sql(scope)
    ))?;
    let clips = stmt
        .query_map([reel_id], |r| {
            let kind: Option<String> = r.get(2)?;
            let deleted_at: Option<i64> = r.get(4)?;
            Ok(ReelClip {
                position: r.get(0)?,
                note_id: r.get(1)?,
                kind: kind.map(|k| NoteKind::from_column(&k)),
                text: r.get(3)?,
                note_deleted: deleted_at.is_some(),
                recording_id: r.get(5)?,
                title: r.get(6)?,
                rep: r.get(7)?,
                call_time: r.get(8)?,
                start_ms: r.get(9)?,
                end_ms: r.get(10)?,
                recording_duration_ms: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let clips_ms = clips.iter().map(|c| c.end_ms - c.start_ms).sum();
    let duration_ms = played_ms(clips_ms, clips.len() as i64);
    Ok(ReelDetail { id: reel_id, title, created_at, updated_at, duration_ms, clips })
}

/// The clips of a saved reel that `scope` may see, as the renderer takes them, exactly as
/// edited (an export is a read too). A clip whose note no longer exists plays as a plain
/// excerpt: no text, shown as positive.
pub fn clips_for_render(conn: &Connection, scope: Scope, reel_id: i64) -> Result<Vec<Clip>> {
    exists(conn, reel_id)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT n.uuid, i.recording_id, rec.path, rec.title, p.name, rec.call_time, n.kind,
                n.text, i.start_ms, i.end_ms
         FROM reel_items i
         JOIN recordings rec ON rec.id = i.recording_id
         LEFT JOIN people p ON p.id = rec.rep_id
         LEFT JOIN notes n ON n.id = i.note_id
         WHERE i.reel_id = ?1 AND {} ORDER BY i.position",
        item_sql(scope)
    ))?;
    let clips = stmt.query_map([reel_id], |r| {
        let note: Option<String> = r.get(0)?;
        let kind: Option<String> = r.get(6)?;
        let text: Option<String> = r.get(7)?;
        // A recording without its audio here gets an empty path: rendering it says so.
        let file: StoredPath = r.get::<_, Option<StoredPath>>(2)?.unwrap_or_default();
        Ok(Clip {
            note_id: note.unwrap_or_default(),
            recording_id: r.get(1)?,
            path: file.display(),
            file: file.0,
            title: r.get(3)?,
            rep: r.get(4)?,
            call_time: r.get(5)?,
            kind: kind.map_or(NoteKind::Positive, |k| NoteKind::from_column(&k)),
            text: text.unwrap_or_default(),
            start_ms: r.get(8)?,
            end_ms: r.get(9)?,
        })
    })?;
    Ok(clips.collect::<rusqlite::Result<_>>()?)
}

/// Renames a reel.
pub fn rename(lib: &mut Library, reel_id: i64, title: &str) -> Result<ReelDetail> {
    let title = check_title(title)?;
    lib.write(|tx| {
        exists(tx, reel_id)?;
        tx.execute(
            "UPDATE reels SET title = ?2, updated_at = ?3 WHERE id = ?1",
            params![reel_id, title, crate::timefmt::now_ms()],
        )?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// Adds the note `note_id` (any kind) at `position` (`None`: at the end), as the span planning
/// would give it: a range note plays its range, a point note 5 s before to 10 s after.
pub fn add_note(
    lib: &mut Library,
    scope: Scope,
    reel_id: i64,
    note_id: &str,
    position: Option<usize>,
) -> Result<ReelDetail> {
    lib.write(|tx| {
        let mut items = load_items(tx, reel_id)?;
        let note = notes::get_visible(tx, scope, note_id)?;
        if note.deleted_at.is_some() {
            return Err(LibraryError::invalid(
                "note",
                format!("note {} is deleted: undo the delete first", note.id),
            ));
        }
        let note_rowid: i64 =
            tx.query_row("SELECT id FROM notes WHERE uuid = ?1", [&note.id], |r| r.get(0))?;
        if let Some(at) = items.iter().position(|i| i.note_rowid == Some(note_rowid)) {
            return Err(LibraryError::invalid(
                "note",
                format!("note {} is already in reel {reel_id}, at position {at}", note.id),
            ));
        }
        let rec = recordings::get(tx, note.recording_id)?;
        let (start_ms, end_ms) = clip_span(note.start_ms, note.end_ms, rec.duration_ms);
        if end_ms <= start_ms {
            return Err(LibraryError::invalid(
                "note",
                format!("note {} spans no audio inside its recording", note.id),
            ));
        }
        let at = match position {
            None => items.len(),
            Some(p) if p <= items.len() => p,
            Some(p) => {
                return Err(LibraryError::invalid(
                    "position",
                    format!("{p} is past the end of reel {reel_id} (0 to {})", items.len()),
                ));
            }
        };
        let item = Item { note_rowid: Some(note_rowid), recording_id: rec.id, start_ms, end_ms };
        items.insert(at, item);
        store_items(tx, reel_id, &items)?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// Removes the clip at `position`; the clips after it move up.
pub fn remove_clip(lib: &mut Library, reel_id: i64, position: usize) -> Result<ReelDetail> {
    lib.write(|tx| {
        let mut items = load_items(tx, reel_id)?;
        check_position("position", reel_id, position, items.len())?;
        items.remove(position);
        store_items(tx, reel_id, &items)?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// A removed clip as it was, to be put back: the undo of [`remove_clip`]. A [`ReelClip`] read
/// before the removal has every field it needs.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemovedClip {
    pub position: usize,
    /// The note it was made from, if any (a clip may outlive its note).
    pub note_id: Option<String>,
    pub recording_id: i64,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Puts a removed clip back at its position, with its note and span, in one transaction.
pub fn restore_clip(lib: &mut Library, reel_id: i64, clip: &RemovedClip) -> Result<ReelDetail> {
    lib.write(|tx| {
        let mut items = load_items(tx, reel_id)?;
        if clip.position > items.len() {
            return Err(LibraryError::invalid(
                "position",
                format!(
                    "{} is past the end of reel {reel_id} (0 to {})",
                    clip.position,
                    items.len()
                ),
            ));
        }
        let note_rowid = match &clip.note_id {
            Some(id) => Some(
                tx.query_row("SELECT id FROM notes WHERE uuid = ?1", [id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| LibraryError::NotFound { what: "note", id: id.clone() })?,
            ),
            None => None,
        };
        if note_rowid.is_some() && items.iter().any(|i| i.note_rowid == note_rowid) {
            return Err(LibraryError::invalid(
                "note",
                format!("the clip's note is already in reel {reel_id}"),
            ));
        }
        let rec = recordings::get(tx, clip.recording_id)?;
        if clip.start_ms < 0 || clip.end_ms <= clip.start_ms || clip.end_ms > rec.duration_ms {
            return Err(LibraryError::invalid(
                "span",
                format!(
                    "{}-{} is not a span inside the recording (0:00.000 to {})",
                    format_ms(clip.start_ms.max(0)),
                    format_ms(clip.end_ms.max(0)),
                    format_ms(rec.duration_ms)
                ),
            ));
        }
        let item =
            Item { note_rowid, recording_id: rec.id, start_ms: clip.start_ms, end_ms: clip.end_ms };
        items.insert(clip.position, item);
        store_items(tx, reel_id, &items)?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// Moves the clip at `from` so that it ends up at `to`.
pub fn move_clip(lib: &mut Library, reel_id: i64, from: usize, to: usize) -> Result<ReelDetail> {
    lib.write(|tx| {
        let mut items = load_items(tx, reel_id)?;
        check_position("from", reel_id, from, items.len())?;
        check_position("to", reel_id, to, items.len())?;
        let item = items.remove(from);
        items.insert(to, item);
        store_items(tx, reel_id, &items)?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// Sets the span the clip at `position` plays: inside its recording, `end_ms > start_ms`, at
/// most [`MAX_CLIP_MS`].
pub fn trim_clip(
    lib: &mut Library,
    reel_id: i64,
    position: usize,
    start_ms: i64,
    end_ms: i64,
) -> Result<ReelDetail> {
    lib.write(|tx| {
        let mut items = load_items(tx, reel_id)?;
        check_position("position", reel_id, position, items.len())?;
        let rec = recordings::get(tx, items[position].recording_id)?;
        check_span(start_ms, end_ms, rec.duration_ms)?;
        items[position].start_ms = start_ms;
        items[position].end_ms = end_ms;
        store_items(tx, reel_id, &items)?;
        get(tx, Scope::Coach, reel_id)
    })
}

/// How long a deleted reel can still be restored: it is removed for good at the first delete
/// after that.
pub const KEEP_DELETED_MS: i64 = 7 * 24 * 3_600_000;

/// Deletes a reel (the notes and recordings stay). It can be brought back with [`restore`]
/// for [`KEEP_DELETED_MS`]; reels deleted before that are removed for good now.
pub fn delete(lib: &mut Library, reel_id: i64) -> Result<()> {
    lib.write(|tx| {
        let now = crate::timefmt::now_ms();
        let marked = tx.execute(
            "UPDATE reels SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![reel_id, now],
        )?;
        if marked == 0 {
            return Err(not_found(reel_id));
        }
        // The reel's row stays as a tombstone (sharing carries the delete); its clips go.
        tx.execute(
            "DELETE FROM reel_items WHERE reel_id IN (SELECT id FROM reels WHERE deleted_at < ?1)",
            [now - KEEP_DELETED_MS],
        )?;
        Ok(())
    })
}

/// Brings back a deleted reel, clips and all (undo of [`delete`]).
pub fn restore(lib: &mut Library, reel_id: i64) -> Result<ReelSummary> {
    lib.write(|tx| {
        let restored = tx.execute(
            "UPDATE reels SET deleted_at = NULL, updated_at = ?2
             WHERE id = ?1 AND deleted_at >= ?2 - ?3",
            params![reel_id, crate::timefmt::now_ms(), KEEP_DELETED_MS],
        )?;
        if restored == 0 {
            return Err(LibraryError::NotFound { what: "deleted reel", id: reel_id.to_string() });
        }
        summaries(tx, Scope::Coach, Some(reel_id))?.pop().ok_or_else(|| not_found(reel_id))
    })
}

/// Ok when `person` may edit the reel: a coach any reel; a rep one whose every clip they may
/// see (their own reel), since a rep's view of a team reel leaves clips out. Whether the reel
/// exists (or is deleted) is the edit's own check.
pub fn require_editable(conn: &Connection, person: &Person, reel_id: i64) -> Result<()> {
    let scope = person.scope();
    if scope == Scope::Coach {
        return Ok(());
    }
    let hidden: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM reel_items i JOIN recordings rec ON rec.id = i.recording_id
             LEFT JOIN notes n ON n.id = i.note_id WHERE i.reel_id = ?1 AND NOT {}",
            item_sql(scope)
        ),
        [reel_id],
        |r| r.get(0),
    )?;
    if hidden == 0 {
        return Ok(());
    }
    Err(LibraryError::NotAllowed {
        field: "as",
        reason: format!(
            "this reel holds calls of other reps: {} is a rep, and a coach edits it",
            person.name
        ),
    })
}

fn not_found(reel_id: i64) -> LibraryError {
    LibraryError::NotFound { what: "reel", id: reel_id.to_string() }
}

fn exists(conn: &Connection, reel_id: i64) -> Result<()> {
    conn.prepare_cached("SELECT 1 FROM reels WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([reel_id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| not_found(reel_id))
}

fn check_position(field: &'static str, reel_id: i64, position: usize, len: usize) -> Result<()> {
    if position < len {
        return Ok(());
    }
    let reason = if len == 0 {
        format!("reel {reel_id} has no clips")
    } else {
        format!("{position} is not a clip of reel {reel_id} (positions 0 to {})", len - 1)
    };
    Err(LibraryError::invalid(field, reason))
}

fn check_span(start_ms: i64, end_ms: i64, duration_ms: i64) -> Result<()> {
    if start_ms < 0 || start_ms >= duration_ms {
        return Err(LibraryError::invalid(
            "start",
            format!(
                "{} is outside the recording (0:00.000 to {})",
                format_ms(start_ms.max(0)),
                format_ms(duration_ms)
            ),
        ));
    }
    if end_ms <= start_ms {
        return Err(LibraryError::invalid(
            "end",
            format!("{} is not after the start {}", format_ms(end_ms.max(0)), format_ms(start_ms)),
        ));
    }
    if end_ms > duration_ms {
        return Err(LibraryError::invalid(
            "end",
            format!(
                "{} is past the end of the recording ({})",
                format_ms(end_ms),
                format_ms(duration_ms)
            ),
        ));
    }
    if end_ms - start_ms > MAX_CLIP_MS {
        return Err(LibraryError::invalid(
            "end",
            format!(
                "a clip of {} is longer than the {} a reel clip can last",
                format_ms(end_ms - start_ms),
                format_ms(MAX_CLIP_MS)
            ),
        ));
    }
    Ok(())
}

fn load_items(tx: &Transaction<'_>, reel_id: i64) -> Result<Vec<Item>> {
    exists(tx, reel_id)?;
    let mut stmt = tx.prepare_cached(
        "SELECT note_id, recording_id, start_ms, end_ms FROM reel_items
         WHERE reel_id = ?1 ORDER BY position",
    )?;
    let items = stmt.query_map([reel_id], |r| {
        Ok(Item {
            note_rowid: r.get(0)?,
            recording_id: r.get(1)?,
            start_ms: r.get(2)?,
            end_ms: r.get(3)?,
        })
    })?;
    Ok(items.collect::<rusqlite::Result<_>>()?)
}

/// Writes `items` as the reel's clips at positions `0..n` and touches `updated_at`. Rewriting
/// the few rows of a reel keeps the `(reel_id, position)` key free of transient clashes.
fn store_items(tx: &Transaction<'_>, reel_id: i64, items: &[Item]) -> Result<()> {
    tx.execute("DELETE FROM reel_items WHERE reel_id = ?1", [reel_id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO reel_items (reel_id, position, note_id, recording_id, start_ms, end_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, it) in items.iter().enumerate() {
        stmt.execute(params![
            reel_id,
            i as i64,
            it.note_rowid,
            it.recording_id,
            it.start_ms,
            it.end_ms
        ])?;
    }
    tx.execute(
        "UPDATE reels SET updated_at = ?2 WHERE id = ?1",
        params![reel_id, crate::timefmt::now_ms()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limits the UI checks before asking, written for it next to the ts-rs bindings (`make
    /// bindings`; `make check-bindings` fails when the committed copy is stale).
    #[test]
    fn export_limits_for_the_ui() {
        let Some(dir) = std::env::var_os("TS_RS_EXPORT_DIR") else { return };
        let ts = format!(
            "// Generated from the Rust constants by `cargo test -p gamefilm`; do not edit.\n\n\
             /** The silence and tone between two clips of a rendered reel. */\n\
             export const SEPARATOR_MS = {SEPARATOR_MS};\n\
             /** The longest clip a trim may make. */\n\
             export const MAX_CLIP_MS = {MAX_CLIP_MS};\n\
             /** The longest reel title, in characters. */\n\
             export const MAX_TITLE_CHARS = {MAX_TITLE_CHARS};\n"
        );
        let path = std::path::Path::new(&dir).join("limits.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(&ts) {
            std::fs::write(&path, ts).unwrap();
        }
    }
}
