//! Recordings: insert (from import), relink, read, list with note counts, edit metadata, peaks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::{self, Person, Role, Scope};
use super::rows::recording_not_found;
use super::stored_path::StoredPath;
use super::{
    CallOutcome, CallView, Library, LibraryError, NoteKind, Recording, RecordingPage,
    RecordingSummary, Result, Waveform, fts, insights, notes, reviews, validate,
};
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
    let rep_id = match rec.tags.artist.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(name) => Some(people::rep_key(conn, &clip_name(name))?),
        None => None,
    };
    conn.execute(
        "INSERT INTO recordings (path, content_hash, size_bytes, file_mtime, container, codec,
             sample_rate, channels, frames, duration_ms, title, artist, call_time, rep_id,
             imported_at, updated_at, uuid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16)",
        params![
            StoredPath::of(rec.path),
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
            uuid::Uuid::new_v4().to_string(),
        ],
    )?;
    let id = conn.last_insert_rowid();
    replace_peaks(conn, id, rec.peaks)?;
    Ok(id)
}

/// Points a known recording at the path its content was found at now.
pub fn relink(conn: &Connection, id: i64, path: &Path, mtime_ms: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE recordings SET path = ?2, file_mtime = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, StoredPath::of(path), mtime_ms, crate::timefmt::now_ms()],
    )?;
    Ok(())
}

/// Gives a recording that came without its audio (from a review pack) its file, and the full
/// peaks computed from it in place of the pack's coarse ones.
pub fn fill_audio(
    conn: &Connection,
    id: i64,
    path: &Path,
    mtime_ms: Option<i64>,
    peaks: &Peaks,
) -> Result<()> {
    conn.execute(
        "UPDATE recordings SET path = ?2, file_mtime = ?3 WHERE id = ?1",
        params![id, StoredPath::of(path), mtime_ms],
    )?;
    replace_peaks(conn, id, peaks)
}

/// Gives a recording that came without its audio the file a review pack brought; its waveform
/// stays the pack's coarse one until [`crate::import::refine_peaks`] decodes the file.
pub fn set_audio_path(conn: &Connection, id: i64, path: &Path) -> Result<()> {
    conn.execute(
        "UPDATE recordings SET path = ?2, file_mtime = NULL WHERE id = ?1",
        params![id, StoredPath::of(path)],
    )?;
    Ok(())
}

/// Calls whose audio is here but whose waveform is still a review pack's coarse one (buckets of
/// a tenth of a second or more; an analysed file's are about 10 ms), oldest first.
pub fn coarse_with_audio(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT r.id FROM recordings r JOIN peaks p ON p.recording_id = r.id AND p.level = 0
         WHERE r.path IS NOT NULL AND p.samples_per_bucket * 10 >= r.sample_rate ORDER BY r.id",
    )?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Writes all of a recording's peak levels, replacing what it had.
pub fn replace_peaks(conn: &Connection, id: i64, peaks: &Peaks) -> Result<()> {
    conn.prepare_cached("DELETE FROM peaks WHERE recording_id = ?1")?.execute([id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO peaks (recording_id, level, samples_per_bucket, data) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (level, l) in peaks.levels.iter().enumerate() {
        stmt.execute(params![id, level as i64, l.samples_per_bucket, l.to_bytes()])?;
    }
    Ok(())
}

/// The recording holding this content, if any: `(id, path)`; the path is `None` when the
/// recording came from a review pack without its audio.
pub fn find_by_hash(
    conn: &Connection,
    hash: &ContentHash,
) -> Result<Option<(i64, Option<PathBuf>)>> {
    Ok(conn
        .query_row("SELECT id, path FROM recordings WHERE content_hash = ?1", [&hash[..]], |r| {
            Ok((r.get(0)?, r.get::<_, Option<StoredPath>>(1)?.map(|p| p.0)))
        })
        .optional()?)
}

/// The recording at this path, if any: `(id, hash)`.
pub fn find_by_path(conn: &Connection, path: &Path) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT id, content_hash FROM recordings WHERE path = ?1",
            [StoredPath::of(path)],
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
    r.counterpart, r.outcome, r.imported_at, r.updated_at, r.rep_channel";

fn recording_from_row(r: &Row<'_>) -> rusqlite::Result<Recording> {
    let hash: Vec<u8> = r.get(2)?;
    let file: Option<StoredPath> = r.get(1)?;
    Ok(Recording {
        id: r.get(0)?,
        path: file.as_ref().map(StoredPath::display),
        file: file.map(|f| f.0),
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
        outcome: r.get::<_, Option<String>>(15)?.as_deref().map(CallOutcome::from_column),
        tags: Vec::new(),
        imported_at: r.get(16)?,
        updated_at: r.get(17)?,
        rep_channel: r.get::<_, Option<String>>(18)?.and_then(|c| c.parse().ok()),
    })
}

/// One recording with its tags.
pub fn get(conn: &Connection, id: i64) -> Result<Recording> {
    let sql = format!(
        "SELECT {RECORDING_COLUMNS} FROM recordings r LEFT JOIN people p ON p.id = r.rep_id WHERE r.id = ?1"
    );
    let mut rec = conn
        .prepare_cached(&sql)?
        .query_row([id], recording_from_row)
        .optional()?
        .ok_or_else(|| recording_not_found(id))?;
    let mut stmt =
        conn.prepare_cached(
            "SELECT tag FROM recording_tags WHERE recording_id = ?1 AND deleted_at IS NULL ORDER BY tag",
        )?;
    rec.tags = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rec)
}

/// The column the recordings list is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SortKey {
    /// Call time.
    #[default]
    Date,
    Rep,
    /// The counterpart, else the title.
    Counterpart,
    Duration,
    Positives,
    Improvements,
    Reviewed,
    /// Rep speech ÷ all speech (calls without one last).
    TalkRatio,
}

/// Filters for [`list`]. Times are Unix ms; `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ListFilter {
    #[ts(optional)]
    pub rep: Option<String>,
    #[ts(optional)]
    pub since: Option<i64>,
    #[ts(optional)]
    pub until: Option<i64>,
    /// Full-text match on title, counterpart and note text.
    #[ts(optional)]
    pub search: Option<String>,
    /// Hide calls shorter than this (voicemails, no-answers).
    #[ts(optional)]
    pub min_duration_ms: Option<i64>,
    /// Only calls with at least one note of this kind.
    #[ts(optional)]
    pub kind: Option<NoteKind>,
    /// Only calls no coach has marked reviewed yet.
    #[ts(as = "Option<bool>", optional)]
    pub unreviewed_only: bool,
    /// Only calls with this outcome.
    #[ts(optional)]
    pub outcome: Option<CallOutcome>,
    /// Only calls with this tag.
    #[ts(optional)]
    pub tag: Option<String>,
    /// Only calls whose talk ratio is above this (0–1).
    #[ts(optional)]
    pub talk_ratio_above: Option<f64>,
    /// Hide one-sided calls (voicemail, no answer, hold music).
    #[ts(as = "Option<bool>", optional)]
    pub hide_one_sided: bool,
    #[ts(as = "Option<SortKey>", optional)]
    pub sort: SortKey,
    /// Largest first. The default order (date, descending) is the most recent call first.
    #[ts(optional)]
    pub descending: Option<bool>,
    #[ts(optional)]
    pub limit: Option<i64>,
    #[ts(as = "Option<i64>", optional)]
    pub offset: i64,
}

/// The live notes of recording `r` that `scope` may see, as an SQL `FROM … WHERE …` tail.
fn live_notes(scope: Scope, r: &str) -> String {
    format!(
        "FROM notes n WHERE n.recording_id = {r}.id AND n.deleted_at IS NULL AND {}",
        scope.note_sql("n", r)
    )
}

/// An SQL condition: recording `r` has a coach review (counted by triggers, migration 5).
fn reviewed_sql(r: &str) -> String {
    format!("{r}.coach_reviews > 0")
}

/// The WHERE clause of a filter and its arguments, shared by [`list`] and [`count`]. Only the
/// filters in use go into the SQL, so that the planner can pick the rep/time index.
fn filter_sql(
    conn: &Connection,
    scope: Scope,
    f: &ListFilter,
) -> Result<(String, Vec<rusqlite::types::Value>)> {
    use rusqlite::types::Value;
    let mut clauses: Vec<String> = vec!["r.deleted_at IS NULL".into()];
    if let Some(me) = scope.rep() {
        clauses.push(format!("r.rep_id = {me}"));
    }
    let live_notes = live_notes(scope, "r");
    let mut args: Vec<Value> = Vec::new();
    if let Some(rep) = f.rep.as_deref().filter(|r| !r.trim().is_empty()) {
        clauses.push("r.rep_id = (SELECT id FROM people WHERE name = ?)".into());
        args.push(Value::Text(rep.trim().to_string()));
    }
    if let Some(since) = f.since {
        clauses.push("r.call_time >= ?".into());
        args.push(Value::Integer(since));
    }
    if let Some(until) = f.until {
        clauses.push("r.call_time < ?".into());
        args.push(Value::Integer(until));
    }
    if let Some(min) = f.min_duration_ms.filter(|m| *m > 0) {
        clauses.push("r.duration_ms >= ?".into());
        args.push(Value::Integer(min));
    }
    if let Some(kind) = f.kind {
        clauses.push(format!("EXISTS (SELECT 1 {live_notes} AND n.kind = ?)"));
        args.push(Value::Text(kind.as_str().into()));
    }
    if f.unreviewed_only {
        clauses.push(format!("NOT {}", reviewed_sql("r")));
    }
    if let Some(outcome) = f.outcome {
        clauses.push("r.outcome = ?".into());
        args.push(Value::Text(outcome.as_str().into()));
    }
    if let Some(above) = f.talk_ratio_above {
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM call_voice v WHERE v.recording_id = r.id AND {} > ?)",
            insights::talk_ratio_sql("r", "v", insights::library_rep_channel(conn)?)
        ));
        args.push(Value::Real(above));
    }
    if f.hide_one_sided {
        clauses.push(format!(
            "NOT EXISTS (SELECT 1 FROM call_voice v WHERE v.recording_id = r.id AND {})",
            insights::one_sided_sql("v")
        ));
    }
    if let Some(tag) = f.tag.as_deref().filter(|t| !t.trim().is_empty()) {
        clauses.push(
            "EXISTS (SELECT 1 FROM recording_tags t WHERE t.recording_id = r.id AND t.tag = ?
                 AND t.deleted_at IS NULL)"
                .into(),
        );
        args.push(Value::Text(tag.trim().to_string()));
    }
    if let Some(q) = f.search.as_deref().filter(|q| !q.trim().is_empty()) {
        let typed = fts::typed(q)?;
        let fts = typed.render(conn, fts::Index::Recordings)?;
        let notes_fts = typed.render(conn, fts::Index::Notes)?;
        // A rep's search matches only notes they may see: a word of a coach's draft note must
        // not find the call. Their rep's facet narrows the match, except on calls whose notes
        // still carry a former rep (migration 10): those are matched on the text alone.
        let stale = if scope.rep().is_some() {
            "OR (n.recording_id IN (SELECT recording_id FROM notes_fts_stale_rep)
                AND n.id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?))"
        } else {
            ""
        };
        clauses.push(format!(
            "(r.id IN (SELECT rowid FROM recordings_fts WHERE recordings_fts MATCH ?)
              OR r.id IN (SELECT n.recording_id FROM notes n JOIN recordings nr
                  ON nr.id = n.recording_id WHERE n.deleted_at IS NULL AND {} AND
                  (n.id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?) {stale})))",
            scope.note_sql("n", "nr")
        ));
        args.push(Value::Text(fts));
        args.push(Value::Text(fts::notes_match(&notes_fts, scope.rep(), None)));
        if scope.rep().is_some() {
            args.push(Value::Text(fts::notes_match(&notes_fts, None, None)));
        }
    }
    let sql = format!("WHERE {}", clauses.join(" AND "));
    Ok((sql, args))
}

/// The ORDER BY of the list's filter: its sort key, then the most recent call first.
fn order_sql(scope: Scope, f: &ListFilter, library: super::RepChannel) -> String {
    let descending = f.descending.unwrap_or(matches!(f.sort, SortKey::Date));
    let dir = if descending { "DESC" } else { "ASC" };
    let live_r = live_notes(scope, "r");
    let positives = format!("(SELECT count(*) {live_r} AND n.kind = 'positive')");
    let improvements = format!("(SELECT count(*) {live_r} AND n.kind = 'improvement')");
    let key = match f.sort {
        SortKey::Date => format!("r.call_time {dir}"),
        SortKey::Rep => format!(
            "(SELECT name FROM people WHERE id = r.rep_id) IS NULL, \
             (SELECT name FROM people WHERE id = r.rep_id) COLLATE NOCASE {dir}"
        ),
        SortKey::Counterpart => format!("coalesce(r.counterpart, r.title) COLLATE NOCASE {dir}"),
        SortKey::Duration => format!("r.duration_ms {dir}"),
        SortKey::Positives => format!("{positives} {dir}"),
        SortKey::Improvements => format!("{improvements} {dir}"),
        SortKey::Reviewed => format!("{} {dir}", reviewed_sql("r")),
        SortKey::TalkRatio => format!(
            "(SELECT {} FROM call_voice v WHERE v.recording_id = r.id) {dir} NULLS LAST",
            insights::talk_ratio_sql("r", "v", library)
        ),
    };
    format!("{key}, r.call_time DESC, r.id DESC")
}

/// The recordings `scope` may see, in the filter's order (most recent call first by default),
/// with per-kind counts of the notes the scope may see, computed for the page only unless the
/// order needs them.
pub fn list(conn: &Connection, scope: Scope, f: &ListFilter) -> Result<Vec<RecordingSummary>> {
    use rusqlite::types::Value;
    let (filter, mut args) = filter_sql(conn, scope, f)?;
    let library = insights::library_rep_channel(conn)?;
    let order = order_sql(scope, f, library);
    let live_page = live_notes(scope, "pr");
    args.push(Value::Integer(f.limit.unwrap_or(-1)));
    args.push(Value::Integer(f.offset.max(0)));
    let sql = format!(
        "WITH page AS (
            SELECT r.id, r.title, r.call_time, r.duration_ms, r.rep_id, r.counterpart, r.outcome,
                r.path, row_number() OVER () AS ord
            FROM (SELECT r.* FROM recordings r {filter}
                  ORDER BY {order} LIMIT ? OFFSET ?) r)
         SELECT page.id, page.title, page.call_time, page.duration_ms, p.name, page.counterpart,
            page.outcome,
            (SELECT count(*) {live_page} AND n.kind = 'positive'),
            (SELECT count(*) {live_page} AND n.kind = 'improvement'),
            page.path, {},
            (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM recording_tags
                WHERE recording_id = page.id AND deleted_at IS NULL ORDER BY tag)),
            {}, {}
         FROM page JOIN recordings pr ON pr.id = page.id LEFT JOIN people p ON p.id = page.rep_id
            LEFT JOIN call_voice v ON v.recording_id = page.id
         ORDER BY page.ord",
        reviewed_sql("pr"),
        insights::talk_ratio_sql("pr", "v", library),
        insights::one_sided_sql("v"),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let positives: i64 = r.get(7)?;
        let improvements: i64 = r.get(8)?;
        Ok(RecordingSummary {
            id: r.get(0)?,
            title: r.get(1)?,
            call_time: r.get(2)?,
            duration_ms: r.get(3)?,
            rep: r.get(4)?,
            counterpart: r.get(5)?,
            outcome: r.get::<_, Option<String>>(6)?.as_deref().map(CallOutcome::from_column),
            positives,
            improvements,
            reviewed: r.get(10)?,
            path: r.get::<_, Option<StoredPath>>(9)?.as_ref().map(StoredPath::display),
            tags: r
                .get::<_, Option<String>>(11)?
                .map(|t| t.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default(),
            talk_ratio: r.get(12)?,
            one_sided: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ids of every recording the filter matches in `scope`, in the list's order (limit and
/// offset ignored): what *Select all* marks.
pub fn ids(conn: &Connection, scope: Scope, f: &ListFilter) -> Result<Vec<i64>> {
    let (filter, args) = filter_sql(conn, scope, f)?;
    let library = insights::library_rep_channel(conn)?;
    let sql =
        format!("SELECT r.id FROM recordings r {filter} ORDER BY {}", order_sql(scope, f, library));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many recordings the filter matches in `scope` (limit and offset ignored).
pub fn count(conn: &Connection, scope: Scope, f: &ListFilter) -> Result<i64> {
    let (filter, args) = filter_sql(conn, scope, f)?;
    let sql = format!("SELECT count(*) FROM recordings r {filter}");
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
}

/// One page of the list and the size of the whole filtered list.
pub fn page(conn: &Connection, scope: Scope, f: &ListFilter) -> Result<RecordingPage> {
    Ok(RecordingPage { rows: list(conn, scope, f)?, total: count(conn, scope, f)? })
}

/// Most columns a waveform request may ask for.
pub const MAX_WAVEFORM_COLUMNS: u32 = 8192;

/// The waveform of `[from_ms, to_ms)` in `columns` columns, from the stored peaks, of a call
/// `scope` may see.
pub fn waveform(
    conn: &Connection,
    scope: Scope,
    id: i64,
    from_ms: i64,
    to_ms: i64,
    columns: u32,
) -> Result<Waveform> {
    if columns == 0 || columns > MAX_WAVEFORM_COLUMNS {
        return Err(LibraryError::invalid(
            "columns",
            format!("{columns} is outside 1 to {MAX_WAVEFORM_COLUMNS}"),
        ));
    }
    if from_ms < 0 || to_ms <= from_ms {
        return Err(LibraryError::invalid(
            "span",
            format!("{from_ms} to {to_ms} ms is not a span of time"),
        ));
    }
    let rec = get_scoped(conn, scope, id)?;
    let channels = rec.channels.max(1) as usize;
    let frame = |ms: i64| (ms.min(rec.duration_ms) as f64 * rec.sample_rate as f64 / 1000.0) as u64;
    // Past the end of the recording there is nothing: those columns are flat.
    let in_file = to_ms.min(rec.duration_ms);
    let inside = if in_file > from_ms {
        ((in_file - from_ms) as f64 / (to_ms - from_ms) as f64 * columns as f64).round() as usize
    } else {
        0
    };
    let mut values = Vec::with_capacity(columns as usize * channels * 2);
    if inside > 0 {
        let (a, b) = (frame(from_ms), frame(in_file));
        // Only the level a column needs, and only the buckets in view, are read: a 60-minute
        // call's finest level is megabytes, the part on screen kilobytes.
        let levels: Vec<(i64, u32, i64)> = conn
            .prepare_cached(
                "SELECT rowid, samples_per_bucket, length(data) FROM peaks
                 WHERE recording_id = ?1 ORDER BY level",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let col_frames = (b - a) as f64 / inside as f64;
        let &(rowid, spb, len) =
            levels.iter().rev().find(|l| l.1 as f64 <= col_frames).or(levels.first()).ok_or_else(
                || LibraryError::NotFound { what: "peaks of recording", id: id.to_string() },
            )?;
        let bucket_bytes = channels as i64 * 4;
        let total = len / bucket_bytes;
        let b0 = (a / spb as u64) as i64;
        let b1 = (b.div_ceil(spb as u64) as i64).min(total).max(b0);
        let mut bytes = vec![0u8; ((b1 - b0) * bucket_bytes) as usize];
        conn.blob_open(rusqlite::MAIN_DB, "peaks", "data", rowid, true)?
            .read_at_exact(&mut bytes, (b0 * bucket_bytes) as usize)?;
        let part = Peaks { channels, levels: vec![PeakLevel::from_bytes(spb, &bytes)] };
        let origin = b0 as u64 * spb as u64;
        for (lo, hi) in crate::audio::peaks::columns(&part, a - origin, b - origin, inside) {
            values.push(lo);
            values.push(hi);
        }
    }
    values.resize(columns as usize * channels * 2, 0.0);
    Ok(Waveform { channels: rec.channels, columns, from_ms, to_ms, values })
}

/// The recording as `viewer` may see it: its notes, their replies, the coach's review and the
/// self-assessment, each only when the blind rule lets them through (DESIGN.md, rule 3).
pub fn call_view(conn: &Connection, viewer: &Person, id: i64) -> Result<CallView> {
    let scope = viewer.scope();
    super::rows::require_visible_call(conn, scope, id)?;
    let recording = get(conn, id)?;
    let reviewed: bool = conn.query_row(
        &format!("SELECT {} FROM recordings r WHERE r.id = ?1", reviewed_sql("r")),
        [id],
        |r| r.get(0),
    )?;
    let revealed = reviews::revealed(conn, scope, id)?;
    let self_assessment = reviews::self_assessment(conn, viewer, id)?;
    let assess_first = viewer.role == Role::Rep
        && reviewed
        && self_assessment.as_ref().is_none_or(|a| a.submitted_at.is_none());
    Ok(CallView {
        recording,
        notes: notes::list(conn, scope, id, false)?,
        replies: notes::replies(conn, scope, id)?,
        review: reviews::coach_review(conn, scope, id)?,
        self_assessment,
        reviewed,
        revealed,
        assess_first,
        my_improvements: match viewer.role {
            Role::Coach => reviews::improvements_by(conn, viewer, id)?,
            Role::Rep => 0,
        },
    })
}

/// One recording, if `scope` may see it (a rep: their own calls only), for every read that
/// reaches a call's audio or details by id: the call view, the waveform, playback, peaks.
pub fn get_scoped(conn: &Connection, scope: Scope, id: i64) -> Result<Recording> {
    super::rows::require_visible_call(conn, scope, id)?;
    get(conn, id)
}

/// Metadata edits; `None` leaves a field as it is, `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct MetaEdit {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub rep: Option<String>,
    #[ts(optional)]
    pub counterpart: Option<String>,
    /// An outcome value (`meeting-booked`…), or `""` to clear it.
    #[ts(optional)]
    pub outcome: Option<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub add_tags: Vec<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub remove_tags: Vec<String>,
    /// `left` or `right`: the channel of this call's rep; `""`: the library's setting.
    #[ts(optional)]
    pub rep_channel: Option<String>,
}

/// One call's edit, in a batch of edits that differ per call (an undo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CallEdit {
    pub id: i64,
    pub edit: MetaEdit,
}

/// What a batch of edits changed, and the edits that put every call back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Edited {
    pub recordings: Vec<Recording>,
    /// Apply these (with [`edit_calls`]) to undo the batch.
    pub undo: Vec<CallEdit>,
}

const MAX_META_LEN: usize = 500;

/// A metadata value, trimmed; `None` when empty.
fn clean(field: &'static str, v: &str) -> Result<Option<String>> {
    let v = validate::at_most(field, v, MAX_META_LEN, |_| {
        format!("longer than {MAX_META_LEN} characters")
    })?;
    Ok((!v.is_empty()).then(|| v.to_string()))
}

/// Applies `edit` to recording `id` in one transaction and returns the result.
pub fn update_meta(lib: &mut Library, id: i64, edit: &MetaEdit) -> Result<Recording> {
    Ok(update_meta_many(lib, &[id], edit)?.remove(0))
}

/// Applies `edit` to every recording of `ids` in one transaction: all of them change, or none
/// (an unknown id or a bad value names itself and nothing is written).
pub fn update_meta_many(lib: &mut Library, ids: &[i64], edit: &MetaEdit) -> Result<Vec<Recording>> {
    let edits: Vec<CallEdit> = ids.iter().map(|&id| CallEdit { id, edit: edit.clone() }).collect();
    Ok(edit_calls(lib, Scope::Coach, &edits)?.recordings)
}

/// Applies each call's edit in one transaction, all or none, to calls `scope` may see, and
/// returns the edits that undo the batch: each call's fields as they were, its tags added
/// taken away and its tags removed put back.
pub fn edit_calls(lib: &mut Library, scope: Scope, edits: &[CallEdit]) -> Result<Edited> {
    if edits.is_empty() {
        return Err(LibraryError::invalid("id", "name at least one call"));
    }
    lib.write(|tx| {
        let now = crate::timefmt::now_ms();
        let mut out = Edited { recordings: Vec::with_capacity(edits.len()), undo: Vec::new() };
        for e in edits {
            super::rows::require_visible_call(tx, scope, e.id)?;
            let before = get(tx, e.id)?;
            out.recordings.push(apply_meta(tx, e.id, &e.edit, now)?);
            out.undo.push(CallEdit { id: e.id, edit: inverse(&before, &e.edit) });
        }
        Ok(out)
    })
}

/// The edit that takes `before` back from what `edit` makes of it.
fn inverse(before: &Recording, edit: &MetaEdit) -> MetaEdit {
    let was = |field: &Option<String>, value: Option<String>| {
        field.as_ref().map(|_| value.unwrap_or_default())
    };
    let has = |tag: &str| before.tags.iter().any(|t| t == tag.trim());
    MetaEdit {
        title: was(&edit.title, Some(before.title.clone())),
        rep: was(&edit.rep, before.rep.clone()),
        counterpart: was(&edit.counterpart, before.counterpart.clone()),
        outcome: was(&edit.outcome, before.outcome.map(|o| o.as_str().to_string())),
        rep_channel: was(&edit.rep_channel, before.rep_channel.map(|c| c.as_str().to_string())),
        add_tags: edit.remove_tags.iter().filter(|t| has(t)).map(|t| t.trim().into()).collect(),
        remove_tags: edit
            .add_tags
            .iter()
            .filter(|t| !t.trim().is_empty() && !has(t))
            .map(|t| t.trim().into())
            .collect(),
    }
}

fn apply_meta(tx: &Connection, id: i64, edit: &MetaEdit, now: i64) -> Result<Recording> {
    // Each column is written only when it changes: a trigger on a column (the rep's re-indexes
    // the call's notes for search) runs whenever the column is SET, changed or not.
    let set = |column: &str, value: &dyn rusqlite::ToSql| -> Result<()> {
        tx.prepare_cached(&format!(
            "UPDATE recordings SET {column} = ?2 WHERE id = ?1 AND {column} IS NOT ?2"
        ))?
        .execute(params![id, value])?;
        Ok(())
    };
    if let Some(title) = &edit.title {
        let t = clean("title", title)?
            .ok_or_else(|| LibraryError::invalid("title", "cannot be empty"))?;
        set("title", &t)?;
    }
    if let Some(rep) = &edit.rep {
        let rep_id = match clean("rep", rep)? {
            Some(name) => Some(people::rep_key(tx, &name)?),
            None => None,
        };
        set("rep_id", &rep_id)?;
    }
    if let Some(c) = &edit.counterpart {
        set("counterpart", &clean("counterpart", c)?)?;
    }
    if let Some(o) = &edit.outcome {
        let outcome = clean("outcome", o)?.map(|o| o.parse::<CallOutcome>()).transpose()?;
        set("outcome", &outcome.map(CallOutcome::as_str))?;
    }
    if let Some(c) = &edit.rep_channel {
        let ch = clean("rep-channel", c)?.map(|c| c.parse::<super::RepChannel>()).transpose()?;
        set("rep_channel", &ch.map(super::RepChannel::as_str))?;
    }
    for tag in &edit.add_tags {
        if let Some(t) = clean("tag", tag)? {
            tx.prepare_cached(
                "INSERT INTO recording_tags (recording_id, tag, uuid, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (recording_id, tag) DO UPDATE SET deleted_at = NULL,
                     updated_at = excluded.updated_at WHERE deleted_at IS NOT NULL",
            )?
            .execute(params![id, t, uuid::Uuid::new_v4().to_string(), now])?;
        }
    }
    // A removed tag stays as a tombstone, so that sharing can carry the removal.
    for tag in &edit.remove_tags {
        tx.prepare_cached(
            "UPDATE recording_tags SET deleted_at = ?3, updated_at = ?3
             WHERE recording_id = ?1 AND tag = ?2 AND deleted_at IS NULL",
        )?
        .execute(params![id, tag.trim(), now])?;
    }
    tx.prepare_cached("UPDATE recordings SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    get(tx, id)
}

/// Takes calls out of the library, all or none: a soft delete (`deleted_at`), so the call leaves
/// the list, search and progress, travels to the people it is shared with as a tombstone, and
/// comes back whole with [`restore`]. Its file on disk is never touched. A call already removed
/// stays as it was. Returns the ids now removed.
pub fn remove(lib: &mut Library, scope: Scope, ids: &[i64]) -> Result<Vec<i64>> {
    set_removed(lib, scope, ids, true)
}

/// Puts removed calls back, all or none (a call not removed stays as it was).
pub fn restore(lib: &mut Library, scope: Scope, ids: &[i64]) -> Result<Vec<i64>> {
    set_removed(lib, scope, ids, false)
}

fn set_removed(lib: &mut Library, scope: Scope, ids: &[i64], removed: bool) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Err(LibraryError::invalid("id", "name at least one call"));
    }
    lib.write(|tx| {
        let now = crate::timefmt::now_ms();
        let mut stmt = tx.prepare_cached(if removed {
            "UPDATE recordings SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"
        } else {
            "UPDATE recordings SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NOT NULL"
        })?;
        for &id in ids {
            super::rows::require_visible_call(tx, scope, id)?;
            stmt.execute(params![id, now])?;
        }
        Ok(ids.to_vec())
    })
}

/// Whether the call was removed from the library (and when).
pub fn removed_at(conn: &Connection, id: i64) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT deleted_at FROM recordings WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| recording_not_found(id))
}

/// Of `ids`, the calls whose file is no longer where the library points (a call whose audio never
/// came, from a review pack, is not among them: it says so itself). Reads only the file system's
/// metadata, for the rows on screen.
pub fn missing_files(conn: &Connection, scope: Scope, ids: &[i64]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.path FROM recordings r WHERE r.id = ?1 AND {}",
        scope.recording_sql("r")
    ))?;
    let mut out = Vec::new();
    for &id in ids {
        let path: Option<Option<StoredPath>> = stmt.query_row([id], |r| r.get(0)).optional()?;
        if let Some(Some(path)) = path
            && !path.0.is_file()
        {
            out.push(id);
        }
    }
    Ok(out)
}

/// The values in use for a call's details, for completion while typing them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DetailValues {
    /// Every person who may be a call's rep.
    pub reps: Vec<String>,
    pub counterparts: Vec<String>,
    pub tags: Vec<String>,
}

/// The reps, counterparts and tags in use on the calls `scope` may see, alphabetically.
pub fn detail_values(conn: &Connection, scope: Scope) -> Result<DetailValues> {
    let visible = scope.recording_sql("r");
    let strings = |sql: String| -> Result<Vec<String>> {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    Ok(DetailValues {
        reps: strings(
            "SELECT name FROM people WHERE role = 'rep' AND deleted_at IS NULL
             ORDER BY name COLLATE NOCASE"
                .into(),
        )?,
        counterparts: strings(format!(
            "SELECT DISTINCT r.counterpart FROM recordings r
             WHERE r.counterpart IS NOT NULL AND r.deleted_at IS NULL AND {visible}
             ORDER BY r.counterpart COLLATE NOCASE LIMIT 5000"
        ))?,
        tags: strings(format!(
            "SELECT DISTINCT t.tag FROM recording_tags t JOIN recordings r ON r.id = t.recording_id
             WHERE t.deleted_at IS NULL AND r.deleted_at IS NULL AND {visible}
             ORDER BY t.tag COLLATE NOCASE"
        ))?,
    })
}

/// A tag's artist name as a person's name: no longer than a name may be.
fn clip_name(name: &str) -> String {
    name.trim().chars().take(people::MAX_NAME_CHARS).collect()
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

/// The names of everyone who is a rep on some call, alphabetically.
pub fn reps(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM people p WHERE role = 'rep'
           AND EXISTS (SELECT 1 FROM recordings r WHERE r.rep_id = p.id)
         ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the window shows about the library it opened.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LibraryInfo {
    pub path: String,
    pub schema_version: i64,
    pub recordings: i64,
}

pub fn info(lib: &Library) -> Result<LibraryInfo> {
    Ok(LibraryInfo {
        path: lib.path().display().to_string(),
        schema_version: lib.schema_version()?,
        recordings: count(lib.conn(), Scope::Coach, &ListFilter::default())?,
    })
}
