//! Recordings: insert (from import), relink, read, list with note counts, edit metadata, peaks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{Library, LibraryError, Recording, RecordingSummary, Result};
use crate::audio::peaks::{PeakLevel, Peaks};
use crate::audio::{StreamInfo, Tags};

pub type ContentHash = [u8; 32];

/// What import hands over for one new recording.
pub struct NewRecording<'a> {
    pub path: &'a Path,
    pub hash: &'a ContentHash,
    pub size_bytes: u64,
    pub mtime_ms: Option<i64>,
    pub stream: &'a StreamInfo,
    pub tags: &'a Tags,
    pub peaks: &'a Peaks,
}

/// Inserts a recording and all its peak levels. Call inside a transaction: a recording row
/// never exists without its peaks.
pub fn insert(conn: &Connection, rec: &NewRecording<'_>) -> Result<i64> {
    let now = crate::timefmt::now_ms();
    let title = rec.tags.title.clone().unwrap_or_else(|| {
        rec.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    });
    let call_time = rec
        .tags
        .date
        .as_deref()
        .and_then(crate::timefmt::parse_tag_date_ms)
        .or(rec.mtime_ms)
        .unwrap_or(now);
    // Call recorders commonly tag the agent as the artist: it is the best first guess of the rep.
    let rep_id = match rec.tags.artist.as_deref() {
        Some(name) => Some(person_id(conn, name)?),
        None => None,
    };
    conn.execute(
        "INSERT INTO recordings (path, content_hash, size_bytes, file_mtime, container, codec,
             sample_rate, channels, frames, duration_ms, title, artist, call_time, rep_id,
             imported_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
        params![
            path_text(rec.path),
            &rec.hash[..],
            rec.size_bytes as i64,
            rec.mtime_ms,
            rec.stream.container,
            rec.stream.codec,
            rec.stream.sample_rate,
            rec.stream.channels,
            rec.stream.frames as i64,
            rec.stream.duration_ms(),
            title,
            rec.tags.artist,
            call_time,
            rep_id,
            now,
        ],
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO peaks (recording_id, level, samples_per_bucket, data) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (level, l) in rec.peaks.levels.iter().enumerate() {
        stmt.execute(params![id, level as i64, l.samples_per_bucket, l.to_bytes()])?;
    }
    Ok(id)
}

/// Points a known recording at the path its content was found at now.
pub fn relink(conn: &Connection, id: i64, path: &Path, mtime_ms: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE recordings SET path = ?2, file_mtime = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, path_text(path), mtime_ms, crate::timefmt::now_ms()],
    )?;
    Ok(())
}

/// The recording holding this content, if any: `(id, path)`.
pub fn find_by_hash(conn: &Connection, hash: &ContentHash) -> Result<Option<(i64, PathBuf)>> {
    Ok(conn
        .query_row("SELECT id, path FROM recordings WHERE content_hash = ?1", [&hash[..]], |r| {
            Ok((r.get(0)?, PathBuf::from(r.get::<_, String>(1)?)))
        })
        .optional()?)
}

/// The recording at this path, if any: `(id, hash)`.
pub fn find_by_path(conn: &Connection, path: &Path) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT id, content_hash FROM recordings WHERE path = ?1",
            [path_text(path)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Every content hash in the library, so that import can skip decoding known files.
pub fn known_hashes(conn: &Connection) -> Result<HashMap<ContentHash, i64>> {
    let mut stmt = conn.prepare("SELECT content_hash, id FROM recordings")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (h, id) = row?;
        if let Ok(h) = <ContentHash>::try_from(h.as_slice()) {
            out.insert(h, id);
        }
    }
    Ok(out)
}

const RECORDING_COLUMNS: &str = "r.id, r.path, r.content_hash, r.size_bytes, r.container, r.codec,
    r.sample_rate, r.channels, r.frames, r.duration_ms, r.title, r.artist, r.call_time, p.name,
    r.counterpart, r.outcome, r.imported_at, r.updated_at";

fn recording_from_row(r: &Row<'_>) -> rusqlite::Result<Recording> {
    let hash: Vec<u8> = r.get(2)?;
    Ok(Recording {
        id: r.get(0)?,
        path: r.get(1)?,
        content_hash: hash.iter().map(|b| format!("{b:02x}")).collect(),
        size_bytes: r.get(3)?,
        container: r.get(4)?,
        codec: r.get(5)?,
        sample_rate: r.get(6)?,
        channels: r.get(7)?,
        frames: r.get(8)?,
        duration_ms: r.get(9)?,
        title: r.get(10)?,
        artist: r.get(11)?,
        call_time: r.get(12)?,
        rep: r.get(13)?,
        counterpart: r.get(14)?,
        outcome: r.get(15)?,
        tags: Vec::new(),
        imported_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

/// One recording with its tags.
pub fn get(conn: &Connection, id: i64) -> Result<Recording> {
    let sql = format!(
        "SELECT {RECORDING_COLUMNS} FROM recordings r LEFT JOIN people p ON p.id = r.rep_id WHERE r.id = ?1"
    );
    let mut rec = conn
        .query_row(&sql, [id], recording_from_row)
        .optional()?
        .ok_or_else(|| LibraryError::NotFound { what: "recording", id: id.to_string() })?;
    let mut stmt =
        conn.prepare_cached("SELECT tag FROM recording_tags WHERE recording_id = ?1 ORDER BY tag")?;
    rec.tags = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rec)
}

/// Filters for [`list`]. Times are Unix ms; `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub rep: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Full-text match on title and counterpart.
    pub search: Option<String>,
    /// Hide calls shorter than this (voicemails, no-answers).
    pub min_duration_ms: Option<i64>,
    pub limit: Option<i64>,
    pub offset: i64,
}

/// Recordings, most recent call first, with per-kind note counts.
pub fn list(conn: &Connection, f: &ListFilter) -> Result<Vec<RecordingSummary>> {
    use rusqlite::types::Value;
    // Only the filters in use go into the SQL, so that the planner can pick the rep/time index;
    // note counts are computed for the page only.
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(rep) = &f.rep {
        clauses.push("r.rep_id = (SELECT id FROM people WHERE name = ?)");
        args.push(Value::Text(rep.trim().to_string()));
    }
    if let Some(since) = f.since {
        clauses.push("r.call_time >= ?");
        args.push(Value::Integer(since));
    }
    if let Some(until) = f.until {
        clauses.push("r.call_time < ?");
        args.push(Value::Integer(until));
    }
    if let Some(min) = f.min_duration_ms {
        clauses.push("r.duration_ms >= ?");
        args.push(Value::Integer(min));
    }
    if let Some(q) = f.search.as_deref() {
        clauses.push("r.id IN (SELECT rowid FROM recordings_fts WHERE recordings_fts MATCH ?)");
        args.push(Value::Text(super::search::fts_query(q)?));
    }
    args.push(Value::Integer(f.limit.unwrap_or(-1)));
    args.push(Value::Integer(f.offset));
    let filter =
        if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let sql = format!(
        "WITH page AS (
            SELECT r.id, r.title, r.call_time, r.duration_ms, r.rep_id, r.counterpart, r.outcome, r.path
            FROM recordings r {filter}
            ORDER BY r.call_time DESC, r.id DESC
            LIMIT ? OFFSET ?)
         SELECT page.id, page.title, page.call_time, page.duration_ms, p.name, page.counterpart,
            page.outcome,
            (SELECT count(*) FROM notes n WHERE n.recording_id = page.id AND n.kind = 'positive'
                AND n.deleted_at IS NULL),
            (SELECT count(*) FROM notes n WHERE n.recording_id = page.id AND n.kind = 'improvement'
                AND n.deleted_at IS NULL),
            page.path
         FROM page LEFT JOIN people p ON p.id = page.rep_id
         ORDER BY page.call_time DESC, page.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(RecordingSummary {
            id: r.get(0)?,
            title: r.get(1)?,
            call_time: r.get(2)?,
            duration_ms: r.get(3)?,
            rep: r.get(4)?,
            counterpart: r.get(5)?,
            outcome: r.get(6)?,
            positives: r.get(7)?,
            improvements: r.get(8)?,
            path: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Metadata edits; `None` leaves a field as it is, `Some("")` clears it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetaEdit {
    pub title: Option<String>,
    pub rep: Option<String>,
    pub counterpart: Option<String>,
    pub outcome: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

const MAX_META_LEN: usize = 500;

fn clean(field: &'static str, v: &str) -> Result<Option<String>> {
    let v = v.trim();
    if v.chars().count() > MAX_META_LEN {
        return Err(LibraryError::invalid(field, format!("longer than {MAX_META_LEN} characters")));
    }
    Ok((!v.is_empty()).then(|| v.to_string()))
}

/// Applies `edit` to recording `id` in one transaction and returns the result.
pub fn update_meta(lib: &mut Library, id: i64, edit: &MetaEdit) -> Result<Recording> {
    lib.write(|tx| {
        get(tx, id)?;
        let now = crate::timefmt::now_ms();
        if let Some(title) = &edit.title {
            let t = clean("title", title)?
                .ok_or_else(|| LibraryError::invalid("title", "cannot be empty"))?;
            tx.execute("UPDATE recordings SET title = ?2 WHERE id = ?1", params![id, t])?;
        }
        if let Some(rep) = &edit.rep {
            let rep_id = match clean("rep", rep)? {
                Some(name) => Some(person_id(tx, &name)?),
                None => None,
            };
            tx.execute("UPDATE recordings SET rep_id = ?2 WHERE id = ?1", params![id, rep_id])?;
        }
        if let Some(c) = &edit.counterpart {
            tx.execute(
                "UPDATE recordings SET counterpart = ?2 WHERE id = ?1",
                params![id, clean("counterpart", c)?],
            )?;
        }
        if let Some(o) = &edit.outcome {
            tx.execute(
                "UPDATE recordings SET outcome = ?2 WHERE id = ?1",
                params![id, clean("outcome", o)?],
            )?;
        }
        for tag in &edit.add_tags {
            if let Some(t) = clean("tag", tag)? {
                tx.execute(
                    "INSERT OR IGNORE INTO recording_tags (recording_id, tag) VALUES (?1, ?2)",
                    params![id, t],
                )?;
            }
        }
        for tag in &edit.remove_tags {
            tx.execute(
                "DELETE FROM recording_tags WHERE recording_id = ?1 AND tag = ?2",
                params![id, tag.trim()],
            )?;
        }
        tx.execute("UPDATE recordings SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
        get(tx, id)
    })
}

/// The id of the person with this name, created as a rep if new.
pub fn person_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT OR IGNORE INTO people (name) VALUES (?1)", [name.trim()])?;
    Ok(conn.query_row("SELECT id FROM people WHERE name = ?1", [name.trim()], |r| r.get(0))?)
}

/// The stored peak pyramid of a recording.
pub fn load_peaks(conn: &Connection, id: i64) -> Result<Peaks> {
    let rec = get(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT samples_per_bucket, data FROM peaks WHERE recording_id = ?1 ORDER BY level",
    )?;
    let levels = stmt
        .query_map([id], |r| Ok(PeakLevel::from_bytes(r.get(0)?, &r.get::<_, Vec<u8>>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if levels.is_empty() {
        return Err(LibraryError::NotFound { what: "peaks of recording", id: id.to_string() });
    }
    Ok(Peaks { channels: rec.channels as usize, levels })
}

/// Paths are stored as text; a non-UTF-8 path is stored lossily (rare on the platforms we ship).
pub(crate) fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
