//! The on-disk library: one SQLite file holding recordings (by reference, never copied), their
//! waveform peaks, notes and the coaching data around them.
//!
//! Invariants:
//! - [`Library::open`] checks `user_version` before it writes anything: a library from a newer
//!   Gamefilm is refused and left byte-identical. An older one is backed up with SQLite's backup
//!   API, then migrated in one `IMMEDIATE` transaction.
//! - WAL, foreign keys and a busy timeout are set on every connection.
//! - Every change runs in one transaction ([`Library::write`]); a crash leaves the library as it
//!   was before that transaction. Within one process, writers of one library file take turns in
//!   the order they came ([`Library::write`]'s gate), so a long series of short writes (a team
//!   pull) never keeps a note's save waiting longer than one of them.
//!
//! One `Library` is one connection; it is `Send` but not shared between threads. Readers that
//! need their own connection open the same path again.

// Who may import whom (no circles): `model`, `validate`, `fts`, `rows` and `people` are
// leaves (`model` names the review types); `focus` uses the leaves; `notes` and `reviews` use
// the leaves and `focus`; `steps` uses `notes`; `progress` uses `steps`; `search` uses `notes`;
// `recordings` uses `notes` and `reviews` (its call view); `reels` uses `notes` and
// `recordings`.
pub mod focus;
mod fts;
pub mod insights;
pub mod interchange;
pub mod merge;
pub mod model;
pub mod notes;
pub mod people;
pub mod progress;
pub mod recordings;
pub mod reels;
pub mod reviews;
mod rows;
pub mod search;
pub mod settings;
pub mod steps;
pub mod stored_path;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Weak};
use std::time::Duration;

use parking_lot::{FairMutex, Mutex};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use model::*;
pub use people::{Person, Role, Scope};

/// The schema, one SQL file per version. Append only: a shipped migration is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_core.sql"),
    include_str!("migrations/0002_search.sql"),
    include_str!("migrations/0003_coaching.sql"),
    include_str!("migrations/0004_reel_undo.sql"),
    include_str!("migrations/0005_people_loop.sql"),
    include_str!("migrations/0006_packs.sql"),
    include_str!("migrations/0007_search_prefix.sql"),
    include_str!("migrations/0008_settings.sql"),
    include_str!("migrations/0009_insights.sql"),
    include_str!("migrations/0010_rep_facets_later.sql"),
    include_str!("migrations/0011_team_outbox.sql"),
    include_str!("migrations/0012_team_pull_quiet.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub type Result<T, E = LibraryError> = std::result::Result<T, E>;

pub struct Library {
    conn: Connection,
    path: PathBuf,
    /// What this process's connections to the file share (see [`Shared`]).
    shared: Arc<Shared>,
    /// Whether this connection checkpoints the WAL by itself after a commit (SQLite's default),
    /// as last set.
    checkpoints: bool,
}

/// What every [`Library`] of this process that has one file open shares.
///
/// - The write gate. SQLite's own busy handler lets a waiting writer sleep ever longer between
///   tries (1, 2, 5, 10… ms) and lets a writer that just committed take the lock again at once:
///   a save waiting behind a sync's series of short transactions would wait for many of them.
///   The gate is fair: whoever waits longest writes next. Other processes still meet the busy
///   handler.
/// - The bulk writers under way ([`Library::in_bulk`]). While there is one, the other
///   connections leave checkpoints to it: otherwise the first commit after the WAL passes 1,000
///   pages runs the checkpoint, and that is as likely a note's save as the bulk write that
///   filled the WAL.
#[derive(Default)]
struct Shared {
    gate: FairMutex<()>,
    /// Writers waiting at the gate.
    waiting: AtomicUsize,
    bulk: AtomicUsize,
}

/// Tells a long transaction that another writer of its library file, in this process, waits
/// for it ([`Library::waiters`]): time to commit what it has and let them in.
#[derive(Clone)]
pub struct Waiters(Arc<Shared>);

impl Waiters {
    pub fn any(&self) -> bool {
        self.0.waiting.load(Ordering::Acquire) > 0
    }
}

/// The shared state of the library file at `path` in this process.
fn shared(path: &Path) -> Arc<Shared> {
    static FILES: LazyLock<Mutex<HashMap<PathBuf, Weak<Shared>>>> = LazyLock::new(Default::default);
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut files = FILES.lock();
    if let Some(s) = files.get(&key).and_then(Weak::upgrade) {
        return s;
    }
    files.retain(|_, s| s.strong_count() > 0);
    let s = Arc::new(Shared::default());
    files.insert(key, Arc::downgrade(&s));
    s
}

/// A connection's page cache, in KiB (see [`Library::open_at_version`]).
pub const PAGE_CACHE_KIB: i64 = 65_536;

/// SQLite's default: a connection checkpoints after a commit that leaves the WAL this long.
const AUTOCHECKPOINT_PAGES: i64 = 1000;

impl Library {
    /// The library path: `explicit` (from `--library` or `GAMEFILM_LIBRARY`), else the platform
    /// data directory (`~/.local/share/gamefilm/library.sqlite` on Linux).
    pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(p) = explicit {
            return Ok(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os(LIBRARY_ENV).filter(|v| !v.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        let dirs =
            directories::ProjectDirs::from("", "", "gamefilm").ok_or(LibraryError::NoDataDir)?;
        Ok(dirs.data_dir().join("library.sqlite"))
    }

    /// Opens or creates the library at `path`, migrating it to [`SCHEMA_VERSION`].
    pub fn open(path: &Path) -> Result<Library> {
        Self::open_at_version(path, SCHEMA_VERSION)
    }

    /// Opens the library, migrating no further than `target`. Tests use it to build libraries
    /// as older versions of Gamefilm left them.
    #[doc(hidden)]
    pub fn open_at_version(path: &Path, target: i64) -> Result<Library> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| LibraryError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let open_err =
            |source: rusqlite::Error| LibraryError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(open_err)?;
        // Read the version before anything that could write (journal_mode would).
        let found = user_version(&conn).map_err(|e| classify_open_error(path, e))?;
        if found > SCHEMA_VERSION {
            return Err(LibraryError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| classify_open_error(path, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(open_err)?;
        // A page cache of up to 64 MiB (SQLite's default is 2 MiB): at 100,000 calls a bulk
        // edit or a search otherwise re-reads from the OS the index pages it touched a moment ago.
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB).map_err(open_err)?;
        // Plans that do not depend on bound values. Otherwise SQLite marks a statement whose
        // plan looked at a bound value (`col = ?` against an index, `LIMIT ?`) for re-preparing
        // when the value changes, and rusqlite's statement cache clears the bindings of every
        // statement it takes back: each cached statement was parsed and planned again on every
        // use (half the time of a bulk edit of 1,000 calls, `make bench-library`).
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(open_err)?;
        let mut lib =
            Library { conn, path: path.to_path_buf(), shared: shared(path), checkpoints: true };
        if found < target {
            if found > 0 {
                lib.backup(found)?;
            }
            lib.migrate(target)?;
        }
        Ok(lib)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the open library.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(user_version(&self.conn)?)
    }

    /// Runs `f` in one `IMMEDIATE` transaction, committed if `f` succeeds and rolled back if not,
    /// after this process's earlier writers of the file (the gate of [`Shared`]). A full disk is
    /// said as such, naming the library's file.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.shared.waiting.fetch_add(1, Ordering::AcqRel);
        let _turn = self.shared.gate.lock();
        self.shared.waiting.fetch_sub(1, Ordering::AcqRel);
        let others_checkpoint = self.shared.bulk.load(Ordering::Acquire) > 0;
        if others_checkpoint == self.checkpoints {
            let pages = if others_checkpoint { 0 } else { AUTOCHECKPOINT_PAGES };
            self.conn.pragma_update(None, "wal_autocheckpoint", pages)?;
            self.checkpoints = !others_checkpoint;
        }
        let path = &self.path;
        let full = |e: LibraryError| match e {
            LibraryError::Database(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DiskFull =>
            {
                LibraryError::DiskFull { path: path.clone() }
            }
            e => e,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx).map_err(full)?;
        tx.commit().map_err(|e| full(e.into()))?;
        Ok(out)
    }

    /// Runs `f`, a long series of writes (a team pull), as this process's bulk writer of the
    /// file: meanwhile the other connections leave the WAL's checkpoints to it, and it makes
    /// them with [`checkpoint`](Self::checkpoint), outside its transactions, where they hold
    /// no one up. Ends with one.
    pub fn in_bulk<T>(&mut self, f: impl FnOnce(&mut Library) -> T) -> T {
        struct Bulk<'a>(&'a AtomicUsize);
        impl Drop for Bulk<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        let shared = self.shared.clone();
        shared.bulk.fetch_add(1, Ordering::AcqRel);
        let out = {
            let _bulk = Bulk(&shared.bulk);
            f(self)
        };
        // A checkpoint that cannot run now loses nothing: the WAL keeps the pages, and the next
        // commit's automatic checkpoint copies them.
        let _ = self.checkpoint();
        out
    }

    /// Sets this connection's page cache to `kib` KiB ([`PAGE_CACHE_KIB`] when opened).
    pub fn set_page_cache(&self, kib: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -kib)?;
        Ok(())
    }

    /// Whether other writers of this file wait (read inside a long [`write`](Self::write)).
    pub fn waiters(&self) -> Waiters {
        Waiters(self.shared.clone())
    }

    /// Copies what the WAL holds into the database file as far as readers allow, without
    /// waiting for anyone (a `PASSIVE` checkpoint).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn backup(&self, version: i64) -> Result<()> {
        let name = format!(
            "{}.v{version}-{}.bak",
            self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
            crate::timefmt::now_ms()
        );
        let target = self.path.with_file_name(name);
        self.conn
            .backup(rusqlite::MAIN_DB, &target, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|source| LibraryError::Backup { path: target.clone(), source })
    }

    fn migrate(&mut self, target: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| LibraryError::Migration { version: target, source })?;
        // Another process may have migrated while this one waited for the write lock.
        let current = user_version(&tx)
            .map_err(|source| LibraryError::Migration { version: target, source })?;
        for (i, sql) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
            let version = i as i64 + 1;
            tx.execute_batch(sql).map_err(|source| LibraryError::Migration { version, source })?;
            if version == 6 {
                reload_edited_schema(&tx)
                    .map_err(|source| LibraryError::Migration { version, source })?;
            }
            tx.pragma_update(None, "user_version", version)
                .map_err(|source| LibraryError::Migration { version, source })?;
        }
        tx.commit().map_err(|source| LibraryError::Migration { version: target, source })
    }
}

/// After version 6 edited `recordings` in `sqlite_schema` (its path became optional): bumps
/// `schema_version`, which makes every connection, this one included, read the schema again,
/// and checks that the edit took.
fn reload_edited_schema(conn: &Connection) -> rusqlite::Result<()> {
    let cookie: i64 = conn.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    conn.pragma_update(None, "schema_version", cookie + 1)?;
    let not_null: i64 = conn.query_row(
        "SELECT \"notnull\" FROM pragma_table_info('recordings') WHERE name = 'path'",
        [],
        |r| r.get(0),
    )?;
    if not_null != 0 {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_SCHEMA),
            Some("recordings.path is still NOT NULL after the edit".into()),
        ));
    }
    Ok(())
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> LibraryError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            LibraryError::NotALibrary { path: path.to_path_buf() }
        }
        _ => LibraryError::Open { path: path.to_path_buf(), source: e },
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::MIGRATIONS;

    /// SHA-256 of every shipped migration, in order. A library migrated by an earlier build
    /// never runs its migrations again, so an edit here would leave old and new libraries with
    /// different schemas. When a release ships a new migration, add its hash here.
    const SHIPPED: &[(&str, &str)] = &[
        ("0001_core.sql", "0cac2406ad3324478e619b0299ded94211c94dec5c4e5d40485187e3c3678097"),
        ("0002_search.sql", "8f909833122a34015b6a40eeda8db28615795bed5ab16467ffee88f8aa82a7a9"),
        ("0003_coaching.sql", "7acfe8d4fd8d26cc24e7a01b06ee23caf88858666b3c192c718a16cf77a158ff"),
        ("0004_reel_undo.sql", "7223e41cd88542cb8e9e2c38c8d920334fc630d0fe4103089832c4f14bd00722"),
        (
            "0005_people_loop.sql",
            "9a69372d1764d826c9e0f928b377c23791d28618c8e00989766a336e9acae955",
        ),
        ("0006_packs.sql", "25870dd3c1a9da75e2585366a965ccc77ae6cd74ae636e36750c46a219263d0f"),
        (
            "0007_search_prefix.sql",
            "f460444f745f9baffa155d5f360a2180120baf9944b6860f54d405b78c165a0a",
        ),
        ("0008_settings.sql", "c0f1ca1aaf388ccd08ef3cc2fe491edd58c239708cbcd17a87874237e2629f3f"),
        ("0009_insights.sql", "51be7a6ca929c1642b94a9034a888766cd39dbf19f6e87323f8bb9d418c310c0"),
        (
            "0010_rep_facets_later.sql",
            "13a00bab3608e9f6ccebb714c5a6d608e6992e684ff91a421640a360a5320c55",
        ),
        (
            "0011_team_outbox.sql",
            "6546a1bac1c5c0f0e0b4e59d04497eea6dbe112b57879819f9b28a18a458ad97",
        ),
        (
            "0012_team_pull_quiet.sql",
            "3d1ec28166038159ddf471c9e4cc4ab1f42b86b45473cb64d8b776eb06dc2067",
        ),
    ];

    #[test]
    fn shipped_migrations_are_never_edited() {
        assert!(
            MIGRATIONS.len() >= SHIPPED.len(),
            "a shipped migration was removed from MIGRATIONS: migrations are append-only"
        );
        for (i, (name, pinned)) in SHIPPED.iter().enumerate() {
            // Hashed with LF line endings, so that a checkout with CRLF endings still matches.
            let text = MIGRATIONS[i].replace("\r\n", "\n");
            let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
            assert_eq!(
                &hash,
                pinned,
                "migrations/{name} has changed, but it has shipped: migrations are append-only. \
                 Restore it and put the change in a new numbered file, migrations/{:04}_<what>.sql, \
                 appended to MIGRATIONS",
                MIGRATIONS.len() + 1
            );
        }
    }
}
