//! Reviews of a call: the coach's review and the rep's self-assessment.
//!
//! - A **coach review** marks the call reviewed (with or without notes): one focus area from
//!   the list ([`super::focus`]) and a short summary; one per coach and call, saving again
//!   updates it. It may close the focus area of the rep's previous review (achieved).
//!   "Reviewed" everywhere means a coach review exists.
//! - A **self-assessment** is the rep's: the one thing to improve (a focus area) and their words.
//!   It is a private draft until submitted; submitting it (once the call is reviewed) reveals the
//!   coach's notes and review to the rep. What was submitted is kept as a revision; every edit
//!   after submission is another revision, marked when it was made after the reveal.
//!
//! Kaizen (DESIGN.md, rule 2): more than [`KAIZEN_MAX_IMPROVEMENTS`] improvement notes of this
//! coach on this call is a gentle warning on the review, never a refusal.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::people::{Person, Scope};
use super::rows::{require_recording, require_visible_call};
use super::validate::{self, MAX_TEXT_CHARS};
use super::{Library, LibraryError, Result, Review, Revision, SelfAssessment, focus};

/// Longest review summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;

/// More improvement notes than this from one coach on one call gets the Kaizen warning.
pub const KAIZEN_MAX_IMPROVEMENTS: i64 = super::model::KAIZEN_MAX_IMPROVEMENTS;

fn check_summary(summary: &str) -> Result<String> {
    let s = validate::at_most("summary", summary, MAX_SUMMARY_CHARS, |n| {
        format!("{n} characters is more than the {MAX_SUMMARY_CHARS} a summary can hold")
    })?;
    Ok(s.to_string())
}

/// What the coach review of a call closes: `close_previous` asks to close the focus area of
/// the rep's latest earlier review, which must exist.
fn previous_review(
    conn: &Connection,
    recording_id: i64,
    own_review: Option<i64>,
) -> Result<(i64, String)> {
    let rep: Option<(i64, String)> = conn
        .query_row(
            "SELECT p.id, p.name FROM recordings r JOIN people p ON p.id = r.rep_id WHERE r.id = ?1",
            [recording_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((rep_id, rep_name)) = rep else {
        return Err(LibraryError::invalid(
            "close",
            "this call has no rep: set its rep first, then close the rep's earlier focus area",
        ));
    };
    conn.query_row(
        "SELECT cr.id, cr.focus_area FROM reviews cr JOIN recordings r ON r.id = cr.recording_id
         WHERE r.rep_id = ?1 AND cr.kind = 'coach' AND cr.deleted_at IS NULL
           AND cr.recording_id <> ?2 AND cr.id IS NOT ?3
         ORDER BY r.call_time DESC, cr.created_at DESC LIMIT 1",
        params![rep_id, recording_id, own_review],
        |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())),
    )
    .optional()?
    .ok_or_else(|| {
        LibraryError::invalid("close", format!("{rep_name} has no earlier review to close"))
    })
}

/// Marks a call reviewed by `coach`: one focus area, a summary, and when `close_previous`, the
/// rep's previous focus area closed. Saving again updates the coach's review of the call.
pub fn mark_reviewed(
    lib: &mut Library,
    coach: &Person,
    recording_id: i64,
    focus_area: &str,
    summary: &str,
    close_previous: bool,
) -> Result<Review> {
    coach.require_coach("a review")?;
    let summary = check_summary(summary)?;
    lib.write(|tx| {
        require_recording(tx, recording_id)?;
        let focus = focus::check(tx, focus_area)?;
        let now = crate::timefmt::now_ms();
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM reviews WHERE recording_id = ?1 AND kind = 'coach'
                   AND author_id = ?2 AND deleted_at IS NULL",
                params![recording_id, coach.key],
                |r| r.get(0),
            )
            .optional()?;
        let closes = if close_previous {
            Some(previous_review(tx, recording_id, existing)?.0)
        } else {
            None
        };
        match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE reviews SET focus_area = ?2, text = ?3, updated_at = ?4,
                         closes_review_id = coalesce(?5, closes_review_id)
                     WHERE id = ?1",
                    params![id, focus, summary, now, closes],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO reviews (uuid, recording_id, author, author_id, kind, focus_area,
                         text, closes_review_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'coach', ?5, ?6, ?7, ?8, ?8)",
                    params![
                        uuid::Uuid::new_v4().to_string(),
                        recording_id,
                        coach.name,
                        coach.key,
                        focus,
                        summary,
                        closes,
                        now
                    ],
                )?;
            }
        }
        if let Some(closed) = closes {
            // The closed review changed too: sharing sees it as newer.
            tx.execute("UPDATE reviews SET updated_at = ?2 WHERE id = ?1", params![closed, now])?;
        }
        coach_review(tx, Scope::Coach, recording_id)?.ok_or_else(|| LibraryError::NotFound {
            what: "review of call",
            id: recording_id.to_string(),
        })
    })
}

/// Takes back the coach's review of a call (the undo of marking it reviewed). Returns the
/// review as it was.
pub fn withdraw(lib: &mut Library, coach: &Person, recording_id: i64) -> Result<Review> {
    coach.require_coach("a review")?;
    lib.write(|tx| {
        let review = coach_review(tx, Scope::Coach, recording_id)?.ok_or_else(|| {
            LibraryError::NotFound { what: "review of call", id: recording_id.to_string() }
        })?;
        let now = crate::timefmt::now_ms();
        tx.execute(
            "UPDATE reviews SET deleted_at = ?2, updated_at = ?2
             WHERE recording_id = ?1 AND kind = 'coach' AND author_id = ?3 AND deleted_at IS NULL",
            params![recording_id, now, coach.key],
        )?;
        Ok(review)
    })
}

fn review_from_row(r: &Row<'_>) -> rusqlite::Result<Review> {
    let improvements: i64 = r.get(7)?;
    Ok(Review {
        id: r.get(0)?,
        recording_id: r.get(1)?,
        author: r.get(2)?,
        focus_area: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        summary: r.get(4)?,
        closed_focus_area: r.get(5)?,
        focus_closed: r.get(6)?,
        improvements,
        kaizen_warning: improvements > KAIZEN_MAX_IMPROVEMENTS,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// The latest coach review of a call, as `scope` may see it: a rep sees it only once the call
/// is revealed to them.
pub fn coach_review(conn: &Connection, scope: Scope, recording_id: i64) -> Result<Option<Review>> {
    let sql = format!(
        "SELECT cr.uuid, cr.recording_id, coalesce(p.name, cr.author), cr.focus_area, cr.text,
            (SELECT c.focus_area FROM reviews c WHERE c.id = cr.closes_review_id),
            EXISTS (SELECT 1 FROM reviews l WHERE l.closes_review_id = cr.id AND l.deleted_at IS NULL),
            (SELECT count(*) FROM notes n WHERE n.recording_id = cr.recording_id
                AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id = cr.author_id),
            cr.created_at, cr.updated_at
         FROM reviews cr JOIN recordings r ON r.id = cr.recording_id
         LEFT JOIN people p ON p.id = cr.author_id
         WHERE cr.recording_id = ?1 AND cr.kind = 'coach' AND cr.deleted_at IS NULL
           AND {} AND {}
         ORDER BY cr.updated_at DESC, cr.id DESC LIMIT 1",
        scope.recording_sql("r"),
        scope.revealed_sql("r")
    );
    Ok(conn.prepare_cached(&sql)?.query_row([recording_id], review_from_row).optional()?)
}

/// The Kaizen count for a coach who has not written a review yet: their improvement notes on
/// the call.
pub fn improvements_by(conn: &Connection, coach: &Person, recording_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM notes WHERE recording_id = ?1 AND kind = 'improvement'
           AND deleted_at IS NULL AND author_id = ?2",
        params![recording_id, coach.key],
        |r| r.get(0),
    )?)
}

/// Whether the coach's notes and review of a call are revealed to `scope`.
pub fn revealed(conn: &Connection, scope: Scope, recording_id: i64) -> Result<bool> {
    let sql = format!("SELECT {} FROM recordings r WHERE r.id = ?1", scope.revealed_sql("r"));
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([recording_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Saves the self-assessment of `rep` on their call: a draft, or submitted when `submit`.
/// Once submitted it stays submitted; a later save is a new revision, marked "after the reveal"
/// when the coach's notes were revealed by then.
pub fn save_assessment(
    lib: &mut Library,
    rep: &Person,
    recording_id: i64,
    focus_area: &str,
    text: &str,
    submit: bool,
) -> Result<SelfAssessment> {
    rep.require_rep("a self-assessment")?;
    let text = validate::at_most("text", text, MAX_TEXT_CHARS, |n| {
        format!("{n} characters is more than the {MAX_TEXT_CHARS} a self-assessment can hold")
    })?;
    lib.write(|tx| {
        // A rep may assess only their own calls: any other is, to them, not in the library.
        require_visible_call(tx, rep.scope(), recording_id)?;
        let focus = focus::check(tx, focus_area)?;
        let now = crate::timefmt::now_ms();
        let existing: Option<(i64, Option<i64>)> = tx
            .query_row(
                "SELECT id, submitted_at FROM reviews WHERE recording_id = ?1 AND kind = 'self'
                   AND author_id = ?2 AND deleted_at IS NULL",
                params![recording_id, rep.key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let was_revealed = revealed(tx, rep.scope(), recording_id)?;
        let id = match existing {
            Some((id, submitted)) => {
                tx.execute(
                    "UPDATE reviews SET focus_area = ?2, text = ?3, updated_at = ?4,
                         submitted_at = coalesce(submitted_at, ?5)
                     WHERE id = ?1",
                    params![id, focus, text, now, submit.then_some(now)],
                )?;
                if submitted.is_some() || submit {
                    let after_reveal = submitted.is_some() && was_revealed;
                    add_revision(tx, id, &focus, text, after_reveal, now)?;
                }
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO reviews (uuid, recording_id, author, author_id, kind, focus_area,
                         text, submitted_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'self', ?5, ?6, ?7, ?8, ?8)",
                    params![
                        uuid::Uuid::new_v4().to_string(),
                        recording_id,
                        rep.name,
                        rep.key,
                        focus,
                        text,
                        submit.then_some(now),
                        now
                    ],
                )?;
                let id = tx.last_insert_rowid();
                if submit {
                    add_revision(tx, id, &focus, text, false, now)?;
                }
                id
            }
        };
        assessment_by_id(tx, id)
    })
}

fn add_revision(
    conn: &Connection,
    review_id: i64,
    focus: &str,
    text: &str,
    after_reveal: bool,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO review_revisions (uuid, review_id, focus_area, text, after_reveal,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![uuid::Uuid::new_v4().to_string(), review_id, focus, text, after_reveal, now],
    )?;
    Ok(())
}

fn assessment_by_id(conn: &Connection, id: i64) -> Result<SelfAssessment> {
    let mut a = conn.query_row(
        "SELECT s.uuid, s.recording_id, coalesce(p.name, s.author), coalesce(s.focus_area, ''),
            s.text, s.submitted_at, s.updated_at
         FROM reviews s LEFT JOIN people p ON p.id = s.author_id WHERE s.id = ?1",
        [id],
        |r| {
            Ok(SelfAssessment {
                id: r.get(0)?,
                recording_id: r.get(1)?,
                author: r.get(2)?,
                focus_area: r.get(3)?,
                text: r.get(4)?,
                submitted_at: r.get(5)?,
                updated_at: r.get(6)?,
                revisions: Vec::new(),
            })
        },
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT focus_area, text, after_reveal, created_at FROM review_revisions
         WHERE review_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id",
    )?;
    a.revisions = stmt
        .query_map([id], |r| {
            Ok(Revision {
                focus_area: r.get(0)?,
                text: r.get(1)?,
                after_reveal: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(a)
}

/// The self-assessment of a call as `viewer` may see it: a rep their own (draft or submitted);
/// a coach the call's rep's, once submitted (a draft is private).
pub fn self_assessment(
    conn: &Connection,
    viewer: &Person,
    recording_id: i64,
) -> Result<Option<SelfAssessment>> {
    let sql = match viewer.scope() {
        Scope::Rep(me) => format!(
            "SELECT s.id FROM reviews s WHERE s.recording_id = ?1 AND s.kind = 'self'
               AND s.deleted_at IS NULL AND s.author_id = {me}"
        ),
        Scope::Coach => "SELECT s.id FROM reviews s JOIN recordings r ON r.id = s.recording_id
               WHERE s.recording_id = ?1 AND s.kind = 'self' AND s.deleted_at IS NULL
                 AND s.submitted_at IS NOT NULL
               ORDER BY (s.author_id IS r.rep_id) DESC, s.updated_at DESC"
            .to_string(),
    };
    let id: Option<i64> = conn
        .prepare_cached(&format!("{sql} LIMIT 1"))?
        .query_row([recording_id], |r| r.get(0))
        .optional()?;
    id.map(|id| assessment_by_id(conn, id)).transpose()
}
