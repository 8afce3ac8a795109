//! Reviews of a call. For now the rep's self-assessment: the one area they want to improve
//! (Kaizen: one step at a time) and their own words, kept apart from the coach's notes. One
//! self-assessment per rep and call; saving again replaces it.

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::require_recording;
use super::validate::{self, MAX_TEXT_CHARS};
use super::{Library, Result, SelfReview};

/// Longest focus area, in characters: a name for a skill, not an essay.
pub const MAX_FOCUS_CHARS: usize = 200;

/// Saves the self-assessment of `author` on a recording and returns it.
pub fn save_self(
    lib: &mut Library,
    recording_id: i64,
    author: &str,
    focus_area: &str,
    text: &str,
) -> Result<SelfReview> {
    let author = validate::required("author", author, "a self-assessment needs an author")?;
    let focus =
        validate::required("focusArea", focus_area, "name the one area you want to improve")?;
    let focus = validate::at_most("focusArea", focus, MAX_FOCUS_CHARS, |_| {
        format!("keep it under {MAX_FOCUS_CHARS} characters: one area, in a few words")
    })?;
    let text = validate::at_most("text", text, MAX_TEXT_CHARS, |_| {
        "the self-assessment is too long".into()
    })?;
    lib.write(|tx| {
        require_recording(tx, recording_id)?;
        let now = crate::timefmt::now_ms();
        let updated = tx.execute(
            "UPDATE reviews SET focus_area = ?3, text = ?4, updated_at = ?5
             WHERE recording_id = ?1 AND kind = 'self' AND author = ?2",
            params![recording_id, author, focus, text, now],
        )?;
        if updated == 0 {
            tx.execute(
                "INSERT INTO reviews (uuid, recording_id, author, kind, focus_area, text, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'self', ?4, ?5, ?6, ?6)",
                params![uuid::Uuid::new_v4().to_string(), recording_id, author, focus, text, now],
            )?;
        }
        Ok(SelfReview {
            recording_id,
            author: author.to_string(),
            focus_area: focus.to_string(),
            text: text.to_string(),
            updated_at: now,
        })
    })
}

/// The most recently saved self-assessment on a recording, if any.
pub fn latest_self(conn: &Connection, recording_id: i64) -> Result<Option<SelfReview>> {
    Ok(conn
        .query_row(
            "SELECT recording_id, author, coalesce(focus_area, ''), text, updated_at FROM reviews
             WHERE recording_id = ?1 AND kind = 'self' ORDER BY updated_at DESC, id DESC LIMIT 1",
            [recording_id],
            |r| {
                Ok(SelfReview {
                    recording_id: r.get(0)?,
                    author: r.get(1)?,
                    focus_area: r.get(2)?,
                    text: r.get(3)?,
                    updated_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}
