//! Focus areas: the short, editable list of skills a review names one of (Kaizen: one step at
//! a time). The library starts with opening, discovery, value, objection handling, next step
//! and listening; `gamefilm focus add NAME` and the app add more.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;

use super::{Library, LibraryError, Result, validate};

/// Longest focus area, in characters: a name for a skill, not an essay.
pub const MAX_FOCUS_CHARS: usize = 60;

/// One skill of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FocusArea {
    pub id: String,
    pub name: String,
}

/// The list, in its order (the defaults first, then those added).
pub fn list(conn: &Connection) -> Result<Vec<FocusArea>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uuid, name FROM focus_areas WHERE deleted_at IS NULL ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], |r| Ok(FocusArea { id: r.get(0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a focus area; one already in the list (any case) is refused.
pub fn add(lib: &mut Library, name: &str) -> Result<FocusArea> {
    let name = validate::required("focus", name, "a focus area needs a name")?;
    let name = validate::at_most("focus", name, MAX_FOCUS_CHARS, |n| {
        format!(
            "{n} characters is more than {MAX_FOCUS_CHARS}: a focus area is a skill, in a few words"
        )
    })?;
    lib.write(|tx| {
        if let Some(existing) = find(tx, name)? {
            return Err(LibraryError::invalid(
                "focus",
                format!("'{existing}' is already a focus area"),
            ));
        }
        let now = crate::timefmt::now_ms();
        let uuid = uuid::Uuid::new_v4().to_string();
        tx.execute(
            "INSERT INTO focus_areas (uuid, name, position, created_at, updated_at)
             VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM focus_areas), ?3, ?3)",
            params![uuid, name, now],
        )?;
        Ok(FocusArea { id: uuid, name: name.to_string() })
    })
}

fn find(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM focus_areas WHERE name = ?1 AND deleted_at IS NULL")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?)
}

/// The focus area named `name` (any case), as the list spells it; an empty or unknown one is an
/// error on `focus` that lists the areas.
pub fn check(conn: &Connection, name: &str) -> Result<String> {
    let name = validate::required("focus", name, "name the one area to work on")?;
    if let Some(found) = find(conn, name)? {
        return Ok(found);
    }
    let known: Vec<String> = list(conn)?.into_iter().map(|f| f.name).collect();
    Err(LibraryError::invalid(
        "focus",
        format!(
            "'{name}' is not a focus area; the areas are: {} (add one with: gamefilm focus add NAME)",
            known.join(", ")
        ),
    ))
}
