//! Full-text search (FTS5) over note text, recording titles and counterparts.
//!
//! Ranking every match of a common word is slow at scale (0.3–0.45 s for 1M notes, DESIGN.md),
//! so a search takes the most recent [`CANDIDATES`] matches of each source (a fast descending
//! rowid walk of the index), ranks those by bm25 (or by time with [`SearchOrder::Recent`]), and
//! pages through the result. A rare word is ranked over all its matches; `candidates_capped` says
//! when the bound was reached.
//!
//! What a person typed becomes an FTS5 query in `fts.rs`, shared with the recordings list.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::Scope;
use super::{Note, NoteKind, Result, fts, notes};

/// How many of the most recent matches per source are ranked.
pub const CANDIDATES: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SearchOrder {
    /// Best bm25 match first, among the most recent candidates.
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
    /// bm25: lower is better.
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
    let fts = fts::query(&q.text)?;
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
    let mut found = note_candidates(conn, scope, q, &fts, rep_id)?;
    let mut capped = found.len() as i64 == CANDIDATES;
    if q.kind.is_none() {
        let recordings = recording_candidates(conn, scope, q, &fts)?;
        capped |= recordings.len() as i64 == CANDIDATES;
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

/// The most recent [`CANDIDATES`] live notes matching `fts`, with the query's filters.
fn note_candidates(
    conn: &Connection,
    scope: Scope,
    q: &SearchQuery,
    fts: &str,
    rep_id: Option<i64>,
) -> Result<Vec<Candidate>> {
    let note_match = fts::notes_match(fts, rep_id, q.kind);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT n.id, bm25(notes_fts), r.call_time
         FROM notes_fts
         JOIN notes n ON n.id = notes_fts.rowid
         JOIN recordings r ON r.id = n.recording_id
         WHERE notes_fts MATCH ?1 AND n.deleted_at IS NULL AND {}
           AND (?2 IS NULL OR r.call_time >= ?2)
           AND (?3 IS NULL OR r.call_time < ?3)
         ORDER BY notes_fts.rowid DESC
         LIMIT ?4",
        scope.note_sql("n", "r")
    ))?;
    let rows = stmt.query_map(params![note_match, q.since, q.until, CANDIDATES], |r| {
        Ok(Candidate {
            found: Found::Note(r.get(0)?),
            score: r.get(1)?,
            call_time: r.get(2)?,
            rep: None,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The most recent [`CANDIDATES`] recordings whose title or counterpart matches `fts`.
fn recording_candidates(
    conn: &Connection,
    scope: Scope,
    q: &SearchQuery,
    fts: &str,
) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, bm25(recordings_fts), r.title, r.counterpart, r.call_time, p.name
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
    let rows = stmt.query_map(params![fts, q.rep, q.since, q.until, CANDIDATES], |r| {
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
                    let (uuid, recording_title, rep): (String, String, Option<String>) = conn
                        .prepare_cached(
                            "SELECT n.uuid, r.title, p.name FROM notes n
                             JOIN recordings r ON r.id = n.recording_id
                             LEFT JOIN people p ON p.id = r.rep_id WHERE n.id = ?1",
                        )?
                        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    (Hit::Note { note: notes::get(conn, &uuid)?, recording_title }, rep)
                }
                Found::Ready(hit) => (hit, c.rep),
            };
            Ok(SearchHit { hit, call_time: c.call_time, rep, score: c.score })
        })
        .collect()
}
