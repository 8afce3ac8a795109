//! Settings that stay, per person: how they listen (speed, skip-silence, channel, the lead-in
//! before a note) and how they left the library list (sort and filters). One JSON document a
//! person, in `person_settings` (migration 8); what a build does not know is dropped on read,
//! what it lacks takes its default, so settings never stop a library from opening.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::Person;
use super::recordings::SortKey;
use super::{CallOutcome, Library, LibraryError, NoteKind, Result};
use crate::audio::player::{ChannelMode, MAX_SPEED, MIN_SPEED};

/// The longest lead-in before a note, in ms.
pub const MAX_LEAD_IN_MS: i64 = 10_000;

/// How the library list was left: its sort, filters (dates as `YYYY-MM-DD`, as the date
/// fields hold them; empty: no filter) and place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ListSettings {
    pub sort: SortKey,
    pub descending: bool,
    pub search: String,
    pub rep: String,
    pub since_date: String,
    pub until_date: String,
    pub kind: Option<NoteKind>,
    pub unreviewed_only: bool,
    pub outcome: Option<CallOutcome>,
    /// Only calls with this tag (empty: any).
    pub tag: String,
    /// Only calls whose talk ratio is above this many percent (0: any).
    pub talk_above: u32,
    /// Hide one-sided calls.
    pub hide_one_sided: bool,
    pub min_seconds: u32,
    /// The place in the list: the selected row and how far it was scrolled (px).
    pub selected: u32,
    pub scroll_top: f64,
}

impl Default for ListSettings {
    fn default() -> Self {
        ListSettings {
            sort: SortKey::Date,
            descending: true,
            search: String::new(),
            rep: String::new(),
            since_date: String::new(),
            until_date: String::new(),
            kind: None,
            unreviewed_only: false,
            outcome: None,
            tag: String::new(),
            talk_above: 0,
            hide_one_sided: false,
            min_seconds: 0,
            selected: 0,
            scroll_top: 0.0,
        }
    }
}

/// One person's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    /// Playback speed, 0.5–3.
    pub speed: f64,
    pub skip_silence: bool,
    pub channel: ChannelMode,
    /// How long before a note playing it starts, in ms (0–10,000).
    pub lead_in_ms: i64,
    pub list: ListSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            speed: 1.0,
            skip_silence: false,
            channel: ChannelMode::Mix,
            lead_in_ms: 3_000,
            list: ListSettings::default(),
        }
    }
}

impl Settings {
    fn check(&self) -> Result<()> {
        if !(MIN_SPEED..=MAX_SPEED).contains(&self.speed) {
            return Err(LibraryError::invalid(
                "speed",
                format!("{} is outside {MIN_SPEED}–{MAX_SPEED}", self.speed),
            ));
        }
        if !(0..=MAX_LEAD_IN_MS).contains(&self.lead_in_ms) {
            return Err(LibraryError::invalid(
                "leadInMs",
                format!("{} ms is outside 0–{MAX_LEAD_IN_MS} ms", self.lead_in_ms),
            ));
        }
        Ok(())
    }
}

/// `person`'s settings; the defaults for anything never saved or no longer understood.
pub fn get(conn: &Connection, person: &Person) -> Result<Settings> {
    let text: Option<String> = conn
        .prepare_cached("SELECT settings FROM person_settings WHERE person_id = ?1")?
        .query_row([person.key], |r| r.get(0))
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str::<Settings>(&t).ok())
        .filter(|s| s.check().is_ok())
        .unwrap_or_default())
}

/// Saves `person`'s settings whole; a value out of range is refused, naming the field.
pub fn save(lib: &mut Library, person: &Person, settings: &Settings) -> Result<Settings> {
    settings.check()?;
    let text = serde_json::to_string(settings)
        .map_err(|e| LibraryError::invalid("settings", e.to_string()))?;
    lib.write(|tx| {
        tx.execute(
            "INSERT INTO person_settings (person_id, settings, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (person_id) DO UPDATE SET settings = excluded.settings,
                 updated_at = excluded.updated_at",
            params![person.key, text, crate::timefmt::now_ms()],
        )?;
        Ok(())
    })?;
    Ok(settings.clone())
}

/// The library's watch folders (this library's, whoever uses it): new recordings in them are
/// imported as they appear while the app runs (`import::watch`).
pub fn watch_folders(conn: &Connection) -> Result<Vec<String>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM library_settings WHERE key = 'watch_folders'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
}

/// Sets the library's watch folders: each must be a folder that exists and can be read (else
/// the error names it and nothing changes); duplicates are dropped.
pub fn set_watch_folders(lib: &mut Library, folders: &[String]) -> Result<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    for f in folders {
        let path = std::path::Path::new(f);
        let readable = std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false)
            && std::fs::read_dir(path).is_ok();
        if !readable {
            return Err(LibraryError::invalid(
                "folder",
                format!("{f}: not a folder Gamefilm can read"),
            ));
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let shown = absolute.display().to_string();
        if !kept.contains(&shown) {
            kept.push(shown);
        }
    }
    let text = serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into());
    lib.write(|tx| {
        tx.execute(
            "INSERT INTO library_settings (key, value) VALUES ('watch_folders', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [&text],
        )?;
        Ok(())
    })?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Role, people};

    #[test]
    fn each_person_keeps_their_own_settings_and_a_bad_value_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(&dir.path().join("l.sqlite")).unwrap();
        let coach = people::add(&mut lib, "Carla", Role::Coach).unwrap();
        let rep = people::add(&mut lib, "Rita", Role::Rep).unwrap();
        assert_eq!(get(lib.conn(), &coach).unwrap(), Settings::default());
        let mine = Settings {
            speed: 0.5,
            skip_silence: true,
            channel: ChannelMode::Right,
            lead_in_ms: 5_000,
            list: ListSettings {
                sort: SortKey::Duration,
                descending: false,
                rep: "Rita".into(),
                kind: Some(NoteKind::Improvement),
                outcome: Some(CallOutcome::MeetingBooked),
                ..Default::default()
            },
        };
        save(&mut lib, &coach, &mine).unwrap();
        assert_eq!(get(lib.conn(), &coach).unwrap(), mine);
        assert_eq!(get(lib.conn(), &rep).unwrap(), Settings::default(), "per person");
        for (bad, field) in [
            (Settings { speed: 0.25, ..mine.clone() }, "speed"),
            (Settings { lead_in_ms: 60_000, ..mine.clone() }, "leadInMs"),
        ] {
            match save(&mut lib, &coach, &bad) {
                Err(LibraryError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(get(lib.conn(), &coach).unwrap(), mine, "a refused save changes nothing");
        // What a later build wrote, or a damaged document: what is understood, else defaults.
        lib.conn()
            .execute(
                "UPDATE person_settings SET settings = ?1",
                [r#"{"speed": 2, "newThing": [1], "list": {"sort": "rep"}}"#],
            )
            .unwrap();
        let read = get(lib.conn(), &coach).unwrap();
        assert_eq!((read.speed, read.list.sort, read.lead_in_ms), (2.0, SortKey::Rep, 3_000));
        lib.conn().execute("UPDATE person_settings SET settings = 'not json'", []).unwrap();
        assert_eq!(get(lib.conn(), &coach).unwrap(), Settings::default());
    }

    #[test]
    fn watch_folders_must_exist_and_are_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = Library::open(&dir.path().join("l.sqlite")).unwrap();
        assert!(watch_folders(lib.conn()).unwrap().is_empty());
        let calls = dir.path().join("calls").display().to_string();
        std::fs::create_dir(&calls).unwrap();
        let set = set_watch_folders(&mut lib, &[calls.clone(), calls.clone()]).unwrap();
        assert_eq!(set, vec![calls.clone()]);
        assert_eq!(watch_folders(lib.conn()).unwrap(), vec![calls.clone()]);
        let missing = dir.path().join("gone").display().to_string();
        match set_watch_folders(&mut lib, &[calls.clone(), missing]) {
            Err(LibraryError::Invalid { field: "folder", reason }) => {
                assert!(reason.contains("gone"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(watch_folders(lib.conn()).unwrap(), vec![calls], "nothing changed");
    }
}
