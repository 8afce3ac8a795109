//! Full-text search (FTS5) over note text, recording titles and counterparts.
//!
//! Ranking every match of a common word is slow at scale (0.3–0.45 s for 1M notes, DESIGN.md),
//! so a search takes the most recent [`CANDIDATES`] matches of each source (fewer for longer
//! searches, [`candidates_for`]; a fast descending rowid walk of the index), ranks those (or
//! orders them by time with [`SearchOrder::Recent`]), and pages through the result. A rare word
//! is ranked over all its matches; `candidates_capped` says when the bound was reached.
//!
//! The rank is the length of the text the words sit in: every candidate holds every word, and
//! the note that says little else comes first. Not FTS5's bm25: its IDF counts every row that
//! holds each word once per query, a full read of the posting list of a word like "the" (30 ms
//! at 1M notes, `make bench-library`), which no keystroke can afford.
//!
//! What a person typed becomes an FTS5 query in `fts.rs`, shared with the recordings list.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fts::{self, Index};
use super::people::Scope;
use super::{Note, NoteKind, Result, notes};

/// How many of the most recent matches per source are ranked, for a one-word search.
pub const CANDIDATES: i64 = 1000;

/// How many are ranked for a search of `words` words: a longer search reads more of the index
/// per candidate, so it ranks fewer, keeping each keystroke of search-as-you-type within its
/// budget. Never fewer than 250.
pub fn candidates_for(words: usize) -> i64 {
    (CANDIDATES / words.max(1) as i64).max(250)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SearchOrder {
    /// Best match first (the shortest text holding every word), among the most recent
    /// candidates.
    #[default]
    Relevance,
    /// Most recent first.
    Recent,
}

/// A search; absent fields (across IPC) take their defaults.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct SearchQuery {
    pub text: String,
    #[ts(optional)]
    pub rep: Option<String>,
    /// Only notes of this kind (recording matches are left out).
    #[ts(optional)]
    pub kind: Option<NoteKind>,
    /// Call time range, Unix ms: `since` inclusive, `until` exclusive.
    #[ts(optional)]
    pub since: Option<i64>,
    #[ts(optional)]
    pub until: Option<i64>,
    #[ts(optional, as = "Option<SearchOrder>")]
    pub order: SearchOrder,
    #[ts(optional, as = "Option<usize>")]
    pub limit: usize,
    #[ts(optional, as = "Option<usize>")]
    pub offset: usize,
}

/// What matched: a note, or a recording's title or counterpart.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum Hit {
    #[serde(rename_all = "camelCase")]
    Note { note: Note, recording_title: String },
    #[serde(rename_all = "camelCase")]
    Recording { recording_id: i64, title: String, counterpart: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchHit {
    #[serde(flatten)]
    pub hit: Hit,
    pub call_time: i64,
    pub rep: Option<String>,
    /// Lower is better: how much text the match sits in (the note, or the title and
    /// counterpart), so that a note saying little else than the words ranks first.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub has_more: bool,
    pub candidates_capped: bool,
}

/// A match before the page is cut: a note is only read in full once it is on the page.
enum Found {
    /// The note's row id: the note, its recording's title and rep are read for the page only.
    Note(i64),
    Ready(Hit),
}

struct Candidate {
    found: Found,
    call_time: i64,
    rep: Option<String>,
    score: f64,
}

/// One page of the matches for `q` that `scope` may see: candidates from both indexes, ranked,
/// then cut to the page. A rep's search covers their own calls and, on them, the notes the
/// blind rule lets through.
pub fn search(conn: &Connection, scope: Scope, q: &SearchQuery) -> Result<SearchPage> {
    let filtered = q.rep.is_some() || q.kind.is_some() || q.since.is_some() || q.until.is_some();
    let fts = match fts::Typed::read(&q.text) {
        Some(f) => Some(f),
        None if filtered => None,
        None => {
            return Err(super::LibraryError::invalid(
                "query",
                "type at least one word to search for, or choose a rep, a kind or dates",
            ));
        }
    };
    let limit = q.limit.clamp(1, 500);
    let nothing = SearchPage { hits: Vec::new(), has_more: false, candidates_capped: false };
    // Rep and kind are facet tokens in the index: the FTS intersection does the filtering.
    let asked = match &q.rep {
        Some(name) => match person_id(conn, name)? {
            Some(id) => Some(id),
            // Nobody of that name: nothing can match.
            None => return Ok(nothing),
        },
        None => None,
    };
    let rep_id = match (scope.rep(), asked) {
        (Some(me), Some(other)) if other != me => return Ok(nothing),
        (Some(me), _) => Some(me),
        (None, asked) => asked,
    };
    let Some(fts) = fts else {
        // No word, only filters: the notes that pass them, most recent call first.
        let mut found = filtered_notes(conn, scope, q, rep_id, q.offset + limit + 1)?;
        let has_more = found.len() > q.offset + limit;
        found.truncate(q.offset + limit);
        let hits = page(conn, found, q.offset, limit)?;
        return Ok(SearchPage { hits, has_more, candidates_capped: false });
    };
    let cap = candidates_for(fts.len());
    let mut found = note_candidates(conn, scope, q, &fts.render(conn, Index::Notes)?, rep_id, cap)?;
    let mut capped = found.len() as i64 == cap;
    if q.kind.is_none() {
        let fts = fts.render(conn, Index::Recordings)?;
        let recordings = recording_candidates(conn, scope, q, &fts, cap)?;
        capped |= recordings.len() as i64 == cap;
        found.extend(recordings);
    }
    rank(&mut found, q.order);
    let has_more = found.len() > q.offset + limit;
    let hits = page(conn, found, q.offset, limit)?;
    Ok(SearchPage { hits, has_more, candidates_capped: capped })
}

/// The id of the person with this name, if there is one.
fn person_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM people WHERE name = ?1", [name.trim()], |r| r.get(0))
        .optional()?)
}

/// The most recent `cap` live notes matching `fts`, with the query's filters.
///
/// A rep filter is the rep facet of the index, except for calls whose rep changed since their
/// notes were indexed (migration 10, [`refresh_rep_facets`]): their notes are matched on the
/// text alone and kept by the call's current rep, so the result is exact either way.
fn note_candidates(
    conn: &Connection,
    scope: Scope,
    q: &SearchQuery,
    fts: &str,
    rep_id: Option<i64>,
    cap: i64,
) -> Result<Vec<Candidate>> {
    let filters = format!(
        "n.deleted_at IS NULL AND r.deleted_at IS NULL AND {}
           AND (?2 IS NULL OR r.call_time >= ?2)
           AND (?3 IS NULL OR r.call_time < ?3)
           AND (?5 IS NULL OR r.rep_id = ?5)",
        scope.note_sql("n", "r")
    );
    let by_facet = format!(
        "SELECT n.id, length(n.text), r.call_time
         FROM notes_fts
         JOIN notes n ON n.id = notes_fts.rowid
         JOIN recordings r ON r.id = n.recording_id
         WHERE notes_fts MATCH ?1 AND {filters}
         ORDER BY notes_fts.rowid DESC
         LIMIT ?4"
    );
    let candidate = |r: &rusqlite::Row<'_>| {
        Ok(Candidate {
            found: Found::Note(r.get(0)?),
            score: r.get(1)?,
            call_time: r.get(2)?,
            rep: None,
        })
    };
    let note_match = fts::notes_match(fts, rep_id, q.kind);
    let mut found: Vec<Candidate> = conn
        .prepare_cached(&by_facet)?
        .query_map(params![note_match, q.since, q.until, cap, rep_id], candidate)?
        .collect::<rusqlite::Result<_>>()?;
    if rep_id.is_none() || !rep_facets_stale(conn)? {
        return Ok(found);
    }
    // Notes of the calls listed as stale, matched on the text alone. Only matches more recent
    // than the last of a full page of facet matches can make the cut, so the walk of the
    // index's matches stops there (a rowid range FTS5 serves natively).
    let floor = if found.len() as i64 == cap {
        found.iter().filter_map(note_id).min().unwrap_or(0)
    } else {
        0
    };
    let stale = format!(
        "SELECT n.id, length(n.text), r.call_time
         FROM notes_fts
         JOIN notes n ON n.id = notes_fts.rowid
         JOIN recordings r ON r.id = n.recording_id
         WHERE notes_fts MATCH ?1 AND notes_fts.rowid >= ?6
           AND n.recording_id IN (SELECT recording_id FROM notes_fts_stale_rep) AND {filters}
         ORDER BY notes_fts.rowid DESC
         LIMIT ?4"
    );
    let text_match = fts::notes_match(fts, None, q.kind);
    let more: Vec<Candidate> = conn
        .prepare_cached(&stale)?
        .query_map(params![text_match, q.since, q.until, cap, rep_id, floor], candidate)?
        .collect::<rusqlite::Result<_>>()?;
    found.extend(more);
    found.sort_by_key(|c| std::cmp::Reverse(note_id(c)));
    found.dedup_by_key(|c| note_id(c));
    found.truncate(cap as usize);
    Ok(found)
}

fn note_id(c: &Candidate) -> Option<i64> {
    match &c.found {
        Found::Note(id) => Some(*id),
        Found::Ready(_) => None,
    }
}

/// Whether some call's notes still carry their former rep in the index (migration 10).
pub fn rep_facets_stale(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM notes_fts_stale_rep)")?
        .query_row([], |r| r.get(0))?)
}

/// How many calls' notes [`refresh_rep_facets`] re-indexes per transaction by default: about
/// ten notes a call, so one transaction holds the library for tens of milliseconds and a note
/// being saved waits no longer than that.
pub const REFRESH_CALLS: usize = 100;

/// Re-indexes, in one transaction, the notes of up to `calls` calls whose rep changed since
/// (migration 10: a rep change only lists the call, so that a bulk edit of 1,000 calls stays
/// well under 100 ms instead of re-writing ~10,000 notes into the index). Returns how many
/// calls are still to do. Search is exact before and after; this only makes it cheaper again.
pub fn refresh_rep_facets(lib: &mut super::Library, calls: usize) -> Result<usize> {
    lib.write(|tx| {
        let ids: Vec<i64> = tx
            .prepare_cached(
                "SELECT recording_id FROM notes_fts_stale_rep ORDER BY recording_id LIMIT ?1",
            )?
            .query_map([calls.max(1) as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            tx.prepare_cached(
                "DELETE FROM notes_fts WHERE rowid IN (SELECT id FROM notes WHERE recording_id = ?1)",
            )?
            .execute([id])?;
            tx.prepare_cached(
                "INSERT INTO notes_fts (rowid, text, facets)
                 SELECT id, text, facets FROM notes_fts_source
                 WHERE id IN (SELECT id FROM notes WHERE recording_id = ?1)",
            )?
            .execute([id])?;
            tx.prepare_cached("DELETE FROM notes_fts_stale_rep WHERE recording_id = ?1")?
                .execute([id])?;
        }
        let left: i64 =
            tx.query_row("SELECT count(*) FROM notes_fts_stale_rep", [], |r| r.get(0))?;
        Ok(left as usize)
    })
}

/// [`refresh_rep_facets`] until none is left, a transaction per [`REFRESH_CALLS`] calls.
pub fn refresh_all_rep_facets(lib: &mut super::Library) -> Result<()> {
    while refresh_rep_facets(lib, REFRESH_CALLS)? > 0 {}
    Ok(())
}

/// The first `n` live notes that `scope` may see and that pass the query's filters, most recent
/// call first (then by time in the call). Walks the calls by time in growing batches (an index
/// per rep and one over all calls), reading only the notes of each batch, so it stops as soon as
/// the page is full whatever the library's size.
fn filtered_notes(
    conn: &Connection,
    scope: Scope,
    q: &SearchQuery,
    rep_id: Option<i64>,
    n: usize,
) -> Result<Vec<Candidate>> {
    // Only the filters given, so that the time index serves a date range as a range.
    use rusqlite::types::Value;
    let mut base = vec![format!("r.deleted_at IS NULL AND {}", scope.recording_sql("r"))];
    let mut base_args: Vec<Value> = Vec::new();
    for (sql, v) in
        [("r.rep_id = ?", rep_id), ("r.call_time >= ?", q.since), ("r.call_time < ?", q.until)]
    {
        if let Some(v) = v {
            base.push(sql.to_string());
            base_args.push(Value::Integer(v));
        }
    }
    let first = format!(
        "SELECT r.id, r.call_time FROM recordings r WHERE {}
         ORDER BY r.call_time DESC, r.id LIMIT ?",
        base.join(" AND ")
    );
    let next = format!(
        "SELECT r.id, r.call_time FROM recordings r WHERE {}
           AND (r.call_time < ? OR (r.call_time = ? AND r.id > ?))
         ORDER BY r.call_time DESC, r.id LIMIT ?",
        base.join(" AND ")
    );
    let kind = q.kind.map(NoteKind::as_str);
    let mut out: Vec<Candidate> = Vec::new();
    let mut after: Option<(i64, i64)> = None;
    let mut batch = 64i64;
    loop {
        let mut args = base_args.clone();
        let sql = match after {
            None => &first,
            Some((t, id)) => {
                args.extend([Value::Integer(t), Value::Integer(t), Value::Integer(id)]);
                &next
            }
        };
        args.push(Value::Integer(batch));
        let rows: Vec<(i64, i64)> = conn
            .prepare_cached(sql)?
            .query_map(rusqlite::params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(&(last_id, last_time)) = rows.last() else { break };
        after = Some((last_time, last_id));
        let ids: Vec<String> = rows.iter().map(|(id, _)| id.to_string()).collect();
        let mut notes = conn.prepare(&format!(
            "SELECT n.id, n.recording_id FROM notes n JOIN recordings r ON r.id = n.recording_id
             WHERE n.recording_id IN ({}) AND n.deleted_at IS NULL AND {}
               AND (?1 IS NULL OR n.kind = ?1)
             ORDER BY n.start_ms, n.id",
            ids.join(","),
            scope.note_sql("n", "r")
        ))?;
        let mut by_call: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for row in notes.query_map(params![kind], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))? {
            let (note, call) = row?;
            by_call.entry(call).or_default().push(note);
        }
        for (call, time) in &rows {
            for note in by_call.remove(call).unwrap_or_default() {
                out.push(Candidate {
                    found: Found::Note(note),
                    score: 0.0,
                    call_time: *time,
                    rep: None,
                });
                if out.len() >= n {
                    return Ok(out);
                }
            }
        }
        if (rows.len() as i64) < batch {
            break;
        }
        batch = (batch * 2).min(4096);
    }
    Ok(out)
}

/// The most recent `cap` recordings whose title or counterpart matches `fts`.
fn recording_candidates(
    conn: &Connection,
    scope: Scope,
    q: &SearchQuery,
    fts: &str,
    cap: i64,
) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, length(r.title) + coalesce(length(r.counterpart), 0), r.title,
             r.counterpart, r.call_time, p.name
         FROM recordings_fts
         JOIN recordings r ON r.id = recordings_fts.rowid
         LEFT JOIN people p ON p.id = r.rep_id
         WHERE recordings_fts MATCH ?1 AND r.deleted_at IS NULL AND {}
           AND (?2 IS NULL OR p.name = ?2)
           AND (?3 IS NULL OR r.call_time >= ?3)
           AND (?4 IS NULL OR r.call_time < ?4)
         ORDER BY recordings_fts.rowid DESC
         LIMIT ?5",
        scope.recording_sql("r")
    ))?;
    let rows = stmt.query_map(params![fts, q.rep, q.since, q.until, cap], |r| {
        Ok(Candidate {
            found: Found::Ready(Hit::Recording {
                recording_id: r.get(0)?,
                title: r.get(2)?,
                counterpart: r.get(3)?,
            }),
            score: r.get(1)?,
            call_time: r.get(4)?,
            rep: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sorts candidates best first; ties go to the more recent call (or the better score).
fn rank(found: &mut [Candidate], order: SearchOrder) {
    match order {
        SearchOrder::Relevance => {
            found.sort_by(|a, b| a.score.total_cmp(&b.score).then(b.call_time.cmp(&a.call_time)))
        }
        SearchOrder::Recent => {
            found.sort_by(|a, b| b.call_time.cmp(&a.call_time).then(a.score.total_cmp(&b.score)))
        }
    }
}

/// The ranked candidates from `offset`, at most `limit`, as hits. Only the page's notes are
/// read in full.
fn page(
    conn: &Connection,
    ranked: Vec<Candidate>,
    offset: usize,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    ranked
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|c| {
            let (hit, rep) = match c.found {
                Found::Note(rowid) => {
                    let (note, recording_title, rep) = notes::get_with_call(conn, rowid)?;
                    (Hit::Note { note, recording_title }, rep)
                }
                Found::Ready(hit) => (hit, c.rep),
            };
            Ok(SearchHit { hit, call_time: c.call_time, rep, score: c.score })
        })
        .collect()
}
