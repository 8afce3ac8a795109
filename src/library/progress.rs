//! Progress: per rep and per ISO week (Monday start, the library's local time zone), what the
//! coaching loop did — calls, calls reviewed, the coach's positive and improvement notes, the
//! focus area of the week's review and whether a later review closed it, next steps due and
//! done on time, and the hit rate.
//!
//! Hit rate = calls with `meeting-booked` or `next-step` ÷ calls with any outcome but
//! `no-answer`; calls without an outcome are counted apart and never in the rate. A week is the
//! week of the call's time; a step counts in the week of its due date.
//!
//! One query per measure, each a single pass over the weeks asked for; the view's charts and the
//! CSV export read [`progress`] alone.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use ts_rs::TS;

use super::people::{self, Person, Role};
use super::steps::{format_date, today, week_start};
use super::{LibraryError, Result};

/// Most weeks one query may cover.
pub const MAX_WEEKS: u32 = 520;

/// What progress to read.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ProgressQuery {
    /// One rep (blank: every rep the viewer may see).
    #[ts(optional)]
    pub rep: Option<String>,
    /// How many weeks, ending with this one.
    pub weeks: u32,
}

impl Default for ProgressQuery {
    fn default() -> Self {
        ProgressQuery { rep: None, weeks: 12 }
    }
}

/// One rep's week.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WeekProgress {
    pub rep: String,
    /// ISO week, `2026-W48`.
    pub week: String,
    /// Its Monday, `YYYY-MM-DD`.
    pub week_start: String,
    pub calls: i64,
    pub reviewed: i64,
    /// The coach's notes on the week's calls.
    pub positives: i64,
    pub improvements: i64,
    /// The focus area of the week's latest coach review, if any.
    pub focus_area: Option<String>,
    /// A later review closed that focus area (achieved).
    pub focus_closed: bool,
    /// Next steps of the rep due this week, and how many of them were done by their due date.
    pub steps_due: i64,
    pub steps_done_on_time: i64,
    /// Calls with `meeting-booked` or `next-step`.
    pub hits: i64,
    /// Calls with an outcome other than `no-answer`: the rate's denominator.
    pub rated: i64,
    /// Calls without an outcome (not in the rate).
    pub no_outcome: i64,
    /// `hits / rated`, when `rated > 0`.
    pub hit_rate: Option<f64>,
    /// The mean talk ratio (rep speech ÷ all speech) of the week's stereo calls that are not
    /// one-sided; `None` when there are none.
    pub talk_ratio: Option<f64>,
}

/// Progress of one or more reps over the weeks asked for, oldest week first, every week present.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Progress {
    /// The weeks, oldest first (`2026-W48`).
    pub weeks: Vec<String>,
    pub reps: Vec<String>,
    /// Per rep (in `reps` order), per week (in `weeks` order).
    pub rows: Vec<WeekProgress>,
}

/// ISO week label of the week starting on Monday `monday`.
fn week_label(monday: Date) -> String {
    let (year, week, _) = monday.to_iso_week_date();
    format!("{year}-W{week:02}")
}

/// Progress as `viewer` may see it: a rep their own (counting only the coach notes revealed to
/// them); a coach anyone's.
pub fn progress(conn: &Connection, viewer: &Person, q: &ProgressQuery) -> Result<Progress> {
    if q.weeks == 0 || q.weeks > MAX_WEEKS {
        return Err(LibraryError::invalid(
            "weeks",
            format!("{} is outside 1 to {MAX_WEEKS}", q.weeks),
        ));
    }
    let scope = viewer.scope();
    let asked = q.rep.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let reps: Vec<Person> = match (viewer.role, asked) {
        (Role::Rep, Some(name)) if !name.eq_ignore_ascii_case(&viewer.name) => {
            return Err(LibraryError::NotAllowed {
                field: "rep",
                reason: format!("{} is a rep and sees only their own progress", viewer.name),
            });
        }
        (Role::Rep, _) => vec![viewer.clone()],
        (Role::Coach, Some(name)) => {
            let p = people::named(conn, "rep", name)?;
            if p.role != Role::Rep {
                return Err(LibraryError::invalid(
                    "rep",
                    format!("{} is a coach, not a rep", p.name),
                ));
            }
            vec![p]
        }
        (Role::Coach, None) => {
            people::list(conn)?.into_iter().filter(|p| p.role == Role::Rep).collect()
        }
    };
    let this_week = week_start(today(conn)?);
    let first = this_week - Duration::weeks(q.weeks as i64 - 1);
    let end = this_week + Duration::weeks(1);
    let mondays: Vec<Date> = (0..q.weeks as i64).map(|i| first + Duration::weeks(i)).collect();
    let (from, to) = (format_date(first), format_date(end));
    let rep_keys: Vec<String> = reps.iter().map(|p| p.key.to_string()).collect();
    let rep_in = if rep_keys.is_empty() { "NULL".to_string() } else { rep_keys.join(", ") };

    // (rep key, Monday) → row.
    let mut cells: HashMap<(i64, String), WeekProgress> = HashMap::new();
    for p in &reps {
        for &m in &mondays {
            cells.insert(
                (p.key, format_date(m)),
                WeekProgress {
                    rep: p.name.clone(),
                    week: week_label(m),
                    week_start: format_date(m),
                    calls: 0,
                    reviewed: 0,
                    positives: 0,
                    improvements: 0,
                    focus_area: None,
                    focus_closed: false,
                    steps_due: 0,
                    steps_done_on_time: 0,
                    hits: 0,
                    rated: 0,
                    no_outcome: 0,
                    hit_rate: None,
                    talk_ratio: None,
                },
            );
        }
    }

    // The weeks as spans of call time: local midnight of each Monday to the next, computed once
    // here rather than per call, so that each rep's calls of a week are one range of the
    // (rep, call time) index.
    let weeks_cte = {
        let rows: Vec<String> = mondays
            .iter()
            .map(|&m| {
                let (a, b) = (format_date(m), format_date(m + Duration::weeks(1)));
                format!(
                    "('{a}', CAST(strftime('%s', '{a}', 'utc') AS INTEGER) * 1000, \
                     CAST(strftime('%s', '{b}', 'utc') AS INTEGER) * 1000)"
                )
            })
            .collect();
        let reps: Vec<String> = rep_keys.iter().map(|k| format!("({k})")).collect();
        let reps = if reps.is_empty() { "(NULL)".to_string() } else { reps.join(", ") };
        format!(
            "WITH weeks (monday, start_ms, end_ms) AS (VALUES {}), reps (id) AS (VALUES {reps})",
            rows.join(", ")
        )
    };
    // Calls, reviews, outcomes and the coach's notes, per rep and week of the call. The coach's
    // notes and reviews are counted by triggers on each call (migration 5); a rep counts notes
    // only on the calls revealed to them.
    let (positives, improvements) = match scope.rep() {
        None => ("r.coach_positives".to_string(), "r.coach_improvements".to_string()),
        Some(_) => {
            let revealed = scope.revealed_sql("r");
            (
                format!("CASE WHEN {revealed} THEN r.coach_positives ELSE 0 END"),
                format!("CASE WHEN {revealed} THEN r.coach_improvements ELSE 0 END"),
            )
        }
    };
    let calls_sql = format!(
        "{weeks_cte}
         SELECT p.id, w.monday, count(*), sum(r.coach_reviews > 0),
            sum({positives}), sum({improvements}),
            sum(coalesce(r.outcome IN ('meeting-booked', 'next-step'), 0)),
            sum(coalesce(r.outcome <> 'no-answer', 0)),
            sum(r.outcome IS NULL)
         FROM reps p CROSS JOIN weeks w
         JOIN recordings r INDEXED BY recordings_progress
             ON r.rep_id = p.id AND r.call_time >= w.start_ms AND r.call_time < w.end_ms
         WHERE r.deleted_at IS NULL
         GROUP BY p.id, w.monday"
    );
    let mut stmt = conn.prepare_cached(&calls_sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(c) = cells.get_mut(&key) {
            c.calls = r.get(2)?;
            c.reviewed = r.get(3)?;
            c.positives = r.get(4)?;
            c.improvements = r.get(5)?;
            c.hits = r.get(6)?;
            c.rated = r.get(7)?;
            c.no_outcome = r.get(8)?;
            c.hit_rate = (c.rated > 0).then(|| c.hits as f64 / c.rated as f64);
        }
    }
    // The talk ratio of the weeks' two-sided stereo calls: only the calls measured take part.
    let voice_sql = format!(
        "{weeks_cte}
         SELECT p.id, w.monday, avg({talk})
         FROM reps p CROSS JOIN weeks w
         JOIN recordings r INDEXED BY recordings_progress
             ON r.rep_id = p.id AND r.call_time >= w.start_ms AND r.call_time < w.end_ms
         JOIN call_voice v ON v.recording_id = r.id
         WHERE r.deleted_at IS NULL AND v.stereo = 1 AND NOT {one_sided}
         GROUP BY p.id, w.monday",
        one_sided = super::insights::one_sided_sql("v"),
        talk =
            super::insights::talk_ratio_sql("r", "v", super::insights::library_rep_channel(conn)?),
    );
    let mut stmt = conn.prepare_cached(&voice_sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(c) = cells.get_mut(&key) {
            c.talk_ratio = r.get(2)?;
        }
    }

    // The focus area of each week's latest coach review (latest call first), and whether a
    // later review closed it: per rep and week, the calls are read newest first until one has a
    // review the viewer may see.
    let focus_sql = format!(
        "{weeks_cte}, latest (rep, monday, review) AS (
            SELECT p.id, w.monday,
                (SELECT cr.id FROM recordings r INDEXED BY recordings_progress
                 JOIN reviews cr ON cr.recording_id = r.id AND cr.kind = 'coach'
                     AND cr.deleted_at IS NULL
                 WHERE r.rep_id = p.id AND r.call_time >= w.start_ms AND r.call_time < w.end_ms
                   AND r.deleted_at IS NULL AND r.coach_reviews > 0 AND {revealed}
                 ORDER BY r.call_time DESC, cr.created_at DESC LIMIT 1)
            FROM reps p CROSS JOIN weeks w)
         SELECT l.rep, l.monday, cr.focus_area,
            EXISTS (SELECT 1 FROM reviews c WHERE c.closes_review_id = cr.id AND c.deleted_at IS NULL)
         FROM latest l JOIN reviews cr ON cr.id = l.review",
        revealed = scope.revealed_sql("r"),
    );
    let mut stmt = conn.prepare_cached(&focus_sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(c) = cells.get_mut(&key) {
            c.focus_area = r.get(2)?;
            c.focus_closed = r.get(3)?;
        }
    }

    // Next steps owned by the rep, per week of their due date.
    let steps_sql = format!(
        "SELECT s.owner_id, date(s.due_date, 'weekday 0', '-6 days') AS week, count(*),
            sum(s.state = 'done' AND s.done_on <= s.due_date)
         FROM next_steps s
         WHERE s.owner_id IN ({rep_in}) AND s.deleted_at IS NULL AND s.state <> 'dropped'
           AND s.due_date >= ?1 AND s.due_date < ?2
         GROUP BY s.owner_id, week"
    );
    let mut stmt = conn.prepare_cached(&steps_sql)?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let key: (i64, String) = (r.get(0)?, r.get(1)?);
        if let Some(c) = cells.get_mut(&key) {
            c.steps_due = r.get(2)?;
            c.steps_done_on_time = r.get(3)?;
        }
    }

    let mut out = Vec::with_capacity(cells.len());
    for p in &reps {
        for &m in &mondays {
            if let Some(c) = cells.remove(&(p.key, format_date(m))) {
                out.push(c);
            }
        }
    }
    Ok(Progress {
        weeks: mondays.iter().map(|&m| week_label(m)).collect(),
        reps: reps.iter().map(|p| p.name.clone()).collect(),
        rows: out,
    })
}

/// The CSV header of [`to_csv`].
pub const CSV_HEADER: &[&str] = &[
    "rep",
    "week",
    "week_start",
    "calls",
    "reviewed",
    "positives",
    "improvements",
    "focus_area",
    "focus_closed",
    "steps_due",
    "steps_done_on_time",
    "hits",
    "rated_calls",
    "no_outcome",
    "hit_rate",
    "talk_ratio",
];

/// The progress rows as CSV (RFC 4180), one row per rep and week.
pub fn to_csv(p: &Progress) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| LibraryError::invalid("csv", e.to_string());
    w.write_record(CSV_HEADER).map_err(csv_err)?;
    for r in &p.rows {
        w.write_record([
            r.rep.clone(),
            r.week.clone(),
            r.week_start.clone(),
            r.calls.to_string(),
            r.reviewed.to_string(),
            r.positives.to_string(),
            r.improvements.to_string(),
            r.focus_area.clone().unwrap_or_default(),
            r.focus_closed.to_string(),
            r.steps_due.to_string(),
            r.steps_done_on_time.to_string(),
            r.hits.to_string(),
            r.rated.to_string(),
            r.no_outcome.to_string(),
            r.hit_rate.map(|h| format!("{h:.4}")).unwrap_or_default(),
            r.talk_ratio.map(|t| format!("{t:.4}")).unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| LibraryError::invalid("csv", e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes [`to_csv`] of `p` to `path` through a file beside it: a failed export leaves nothing
/// at the target.
pub fn write_csv(p: &Progress, path: &std::path::Path) -> Result<()> {
    super::steps::write_atomically(path, to_csv(p)?.as_bytes())
}
