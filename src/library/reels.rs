//! Reels in the library: an ordered list of clips with a title and a creation date.

use rusqlite::params;

use super::{Library, Result};
use crate::reel::Clip;

/// Saves a reel and its clips in one transaction; returns its id.
pub fn save(lib: &mut Library, title: &str, clips: &[Clip]) -> Result<i64> {
    lib.write(|tx| {
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
    })
}
