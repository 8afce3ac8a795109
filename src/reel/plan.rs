//! Which moments go into a reel: a query over notes, turned into clips.

use rusqlite::{Connection, params_from_iter, types::Value};
use serde::Serialize;

use crate::library::{LibraryError, NoteKind};

/// A point note becomes this much before...
pub const PAD_BEFORE_MS: i64 = 5_000;
/// ...and this much after its time.
pub const PAD_AFTER_MS: i64 = 10_000;

/// The default reel: positive notes of the last 7 days, all reps.
#[derive(Debug, Clone)]
pub struct ReelQuery {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub rep: Option<String>,
    pub kinds: Vec<NoteKind>,
}

impl ReelQuery {
    pub fn last_days(days: i64, now_ms: i64) -> ReelQuery {
        ReelQuery {
            since_ms: Some(now_ms - days * 86_400_000),
            until_ms: None,
            rep: None,
            kinds: vec![NoteKind::Positive],
        }
    }
}

/// One moment of a reel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clip {
    pub note_id: String,
    pub recording_id: i64,
    pub path: String,
    pub title: String,
    pub rep: Option<String>,
    pub call_time: i64,
    pub kind: NoteKind,
    pub text: String,
    /// The span played, inside the recording.
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The clips for `q`, oldest call first and in time order within a call. A range note plays its
/// range; a point note is padded by [`PAD_BEFORE_MS`] and [`PAD_AFTER_MS`], inside the call.
pub fn plan(conn: &Connection, q: &ReelQuery) -> Result<Vec<Clip>, LibraryError> {
    let mut clauses = vec!["n.deleted_at IS NULL".to_string()];
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
    if let Some(rep) = &q.rep {
        clauses.push("p.name = ?".into());
        args.push(Value::Text(rep.trim().to_string()));
    }
    let sql = format!(
        "SELECT n.uuid, r.id, r.path, r.title, p.name, r.call_time, n.kind, n.text, n.start_ms,
                n.end_ms, r.duration_ms
         FROM notes n JOIN recordings r ON r.id = n.recording_id
         LEFT JOIN people p ON p.id = r.rep_id
         WHERE {}
         ORDER BY r.call_time, r.id, n.start_ms",
        clauses.join(" AND ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |r| {
        let kind: String = r.get(6)?;
        let start: i64 = r.get(8)?;
        let end: Option<i64> = r.get(9)?;
        let duration: i64 = r.get(10)?;
        let (start_ms, end_ms) = clip_span(start, end, duration);
        Ok(Clip {
            note_id: r.get(0)?,
            recording_id: r.get(1)?,
            path: r.get(2)?,
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

/// One note as a clip, whatever its kind: how a coach adds an improvement on purpose.
pub fn clip_of_note(conn: &Connection, note_id: &str) -> Result<Clip, LibraryError> {
    let note = crate::library::notes::get(conn, note_id)?;
    let q = ReelQuery { since_ms: None, until_ms: None, rep: None, kinds: vec![note.kind] };
    let clips = plan(conn, &q)?;
    clips
        .into_iter()
        .find(|c| c.note_id == note.id)
        .ok_or_else(|| LibraryError::NotFound { what: "note", id: note_id.to_string() })
}

/// The span a note plays: its range, or its point padded, kept inside the recording.
pub fn clip_span(start_ms: i64, end_ms: Option<i64>, duration_ms: i64) -> (i64, i64) {
    match end_ms {
        Some(end) => (start_ms.clamp(0, duration_ms), end.clamp(0, duration_ms)),
        None => ((start_ms - PAD_BEFORE_MS).max(0), (start_ms + PAD_AFTER_MS).min(duration_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::clip_span;

    #[test]
    fn points_are_padded_inside_the_call_and_ranges_kept() {
        assert_eq!(clip_span(20_000, None, 60_000), (15_000, 30_000));
        assert_eq!(clip_span(2_000, None, 60_000), (0, 12_000));
        assert_eq!(clip_span(55_000, None, 60_000), (50_000, 60_000));
        assert_eq!(clip_span(1_000, Some(4_000), 60_000), (1_000, 4_000));
    }
}
