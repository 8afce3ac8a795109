//! The library file: creation, pragmas, migrations with backups, refusal of newer versions.

mod common;

use common::*;
use gamefilm::library::{Library, LibraryError, SCHEMA_VERSION};

fn schema(lib: &Library) -> Vec<(String, String, String)> {
    let mut stmt = lib
        .conn()
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_new_library_uses_wal_foreign_keys_and_the_current_schema() {
    let t = TempLib::new();
    let lib = t.open();
    assert_eq!(lib.schema_version().unwrap(), SCHEMA_VERSION);
    let mode: String = lib.conn().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = lib.conn().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    assert!(backups(t.dir.path()).is_empty(), "a new library needs no backup");
}

#[test]
fn the_default_location_is_the_platform_data_dir_unless_overridden() {
    let p = Library::resolve_path(Some(std::path::Path::new("/tmp/x.sqlite"))).unwrap();
    assert_eq!(p, std::path::Path::new("/tmp/x.sqlite"));
    if std::env::var_os("GAMEFILM_LIBRARY").is_none() {
        let p = Library::resolve_path(None).unwrap();
        assert!(p.ends_with("gamefilm/library.sqlite"), "{}", p.display());
    }
}

#[test]
fn migrates_an_older_library_after_backing_it_up_and_keeps_its_data() {
    let t = TempLib::new();
    {
        // A library as version 1 left it: no search index yet.
        let mut old = Library::open_at_version(&t.path(), 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        old.write(|tx| {
            tx.execute_batch(
                "INSERT INTO recordings (path, content_hash, size_bytes, container, codec, sample_rate,
                    channels, frames, duration_ms, title, call_time, imported_at, updated_at)
                 VALUES ('/calls/a.wav', x'01', 1, 'wave', 'pcm', 8000, 1, 8000, 1000, 'Initech intro', 0, 0, 0);
                 INSERT INTO notes (uuid, recording_id, start_ms, kind, text, author, created_at, updated_at)
                 VALUES ('n1', 1, 500, 'positive', 'Lovely rapport building', 'coach', 0, 0);",
            )?;
            Ok(())
        })
        .unwrap();
    }
    let lib = t.open();
    assert_eq!(lib.schema_version().unwrap(), SCHEMA_VERSION);
    // The old note is searchable: migration 2 indexed existing rows.
    let hits = gamefilm::library::search::search(
        lib.conn(),
        Scope::Coach,
        &gamefilm::library::search::SearchQuery {
            text: "rapport".into(),
            limit: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(hits.hits.len(), 1);
    // The backup is a complete version-1 library.
    let baks = backups(t.dir.path());
    assert_eq!(baks.len(), 1, "{baks:?}");
    let bak = rusqlite::Connection::open(&baks[0]).unwrap();
    let v: i64 = bak.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let notes: i64 = bak.query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).unwrap();
    assert_eq!(notes, 1);
}

#[test]
fn a_migrated_library_has_the_same_schema_as_a_fresh_one() {
    let fresh = TempLib::new();
    let migrated = TempLib::new();
    drop(Library::open_at_version(&migrated.path(), 1).unwrap());
    drop(Library::open_at_version(&migrated.path(), 2).unwrap());
    drop(Library::open_at_version(&migrated.path(), 3).unwrap());
    assert_eq!(schema(&fresh.open()), schema(&migrated.open()));
}

#[test]
fn reopening_a_current_library_changes_nothing() {
    let t = TempLib::new();
    let before = schema(&t.open());
    let lib = t.open();
    assert_eq!(schema(&lib), before);
    assert!(backups(t.dir.path()).is_empty());
}

#[test]
fn refuses_a_library_from_a_newer_version_and_leaves_it_byte_identical() {
    let t = TempLib::new();
    {
        let lib = t.open();
        lib.conn().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        lib.conn().pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(t.path()).unwrap();
    match Library::open(&t.path()) {
        Err(e @ LibraryError::TooNew { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("newer Gamefilm") && msg.contains(&t.path().display().to_string()),
                "{msg}"
            );
            assert_eq!(e.code(), "library.too_new");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer library was opened"),
    }
    assert_eq!(std::fs::read(t.path()).unwrap(), before, "the file changed");
    assert!(backups(t.dir.path()).is_empty());
}

#[test]
fn refuses_a_file_that_is_not_a_library() {
    let t = TempLib::new();
    std::fs::write(
        t.path(),
        b"these are my notes, not a database, and they are long enough to matter",
    )
    .unwrap();
    let before = std::fs::read(t.path()).unwrap();
    match Library::open(&t.path()) {
        Err(LibraryError::NotALibrary { path }) => assert_eq!(path, t.path()),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("opened a text file as a library"),
    }
    assert_eq!(std::fs::read(t.path()).unwrap(), before);
}

/// Two connections to one library in one process: a long transaction learns that the other waits
/// to write (the write gate), commits, and the other writes next. (How a team pull lets a note's
/// save in.)
#[test]
fn a_long_write_learns_that_another_writer_waits_and_lets_it_in() {
    use std::time::{Duration, Instant};
    let dir = TempLib::new();
    let mut a = dir.open();
    let waiters = a.waiters();
    let path = dir.path();
    let (inside, told) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        told.recv().unwrap();
        let mut b = Library::open(&path).unwrap();
        b.write(|t| {
            t.execute("INSERT INTO library_settings (key, value) VALUES ('b', '1')", [])?;
            Ok(())
        })
        .unwrap();
    });
    let saw = a
        .write(|t| {
            t.execute("INSERT INTO library_settings (key, value) VALUES ('a', '1')", [])?;
            inside.send(()).unwrap();
            let until = Instant::now() + Duration::from_secs(20);
            while !waiters.any() {
                if Instant::now() > until {
                    return Ok(false);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(true)
        })
        .unwrap();
    assert!(saw, "the other writer was never seen waiting");
    other.join().unwrap();
    assert!(!waiters.any());
    let keys: i64 = a
        .conn()
        .query_row("SELECT count(*) FROM library_settings WHERE key IN ('a', 'b')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(keys, 2);
}
