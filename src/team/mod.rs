//! The team library: every machine keeps its SQLite library as the working copy and shares it
//! through one PostgreSQL database (docs/team.md).
//!
//! - Each change to a shared record lists it in the library's outbox in the same transaction
//!   (migration 11); [`sync`] pushes what is listed (idempotent upserts by UUID, the newer
//!   `updated_at` winning with a stable tie-break, in SQL), then pulls what changed on the server
//!   since the last change number it saw and merges it with the review packs' merge code.
//! - The server's schema is created and migrated by Gamefilm, append-only like the library's
//!   (`migrations/`). Row-level security decides what each person's role may read and write.
//! - The password is never stored in the library: it is kept in the desktop keyring, else in a
//!   file beside it that only its owner may read ([`credentials`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Coded, ErrorCode};

pub mod credentials;
mod worker;
use crate::library::merge::{self, Kind, Records, Tombstone};
use crate::library::{Library, LibraryError, Role, people};
pub use credentials::{CredentialStore, credentials_path};
pub use worker::Worker;

/// The server's schema, one SQL file per version. Append only: a shipped one is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_team.sql"),
    include_str!("migrations/0002_audio.sql"),
    include_str!("migrations/0003_origin.sql"),
    include_str!("migrations/0004_revived_notes.sql"),
];

/// The size of an audio chunk on the server.
pub const CHUNK: usize = 1 << 20;
/// Records pushed per statement.
const BATCH: usize = 500;
/// Outbox entries taken off per library transaction after a push.
const OUTBOX_SLICE: usize = 64;
/// Records pulled per query (merged in slices of at most as many).
const FETCH: usize = 2000;
/// Serialises the writers of the change log, so that change numbers are committed in order and
/// a pull never skips a number a slower writer commits later.
const WRITE_LOCK: i64 = 0x6761_6d65;

const URL: &str = "team.url";
const PERSON: &str = "team.person";
const LAST_SEQ: &str = "team.last_seq";
const LAST_SYNC: &str = "team.last_sync_at";
const LAST_ERROR: &str = "team.last_error";
const MACHINE: &str = "team.machine";
/// Set inside a pull's own transactions only: the outbox triggers stay quiet (migration 12).
const PULLING: &str = "team.pulling";
/// How long one slice of a pull should take to merge: a writer that comes meanwhile waits for
/// the slice under way, then the pull commits and lets it in.
const SLICE_TIME: Duration = Duration::from_millis(2);
/// The longest a pull's transaction runs when nobody waits for it: long enough that its
/// per-commit costs (a new full-text segment and its merges, the WAL's frames, the page cache's
/// reset) are paid rarely, short enough that its commit stays quick.
const TRANSACTION_TIME: Duration = Duration::from_millis(10);
/// How often a pull copies the WAL into the library file (between its slices).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("this library is not joined to a team: run gamefilm team connect postgres://…")]
    NotConnected,
    #[error("team URL: {0}")]
    Url(String),
    #[error("the team server: {0}")]
    Server(String),
    #[error("the team database: {0}")]
    Schema(String),
    #[error("{0}")]
    NotAllowed(String),
    #[error("the team credentials {path}: {reason}")]
    Credentials { path: PathBuf, reason: String },
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl Coded for TeamError {
    fn code(&self) -> ErrorCode {
        match self {
            TeamError::NotConnected => ErrorCode::TeamNotConnected,
            TeamError::Url(_) => ErrorCode::TeamUrl,
            TeamError::Server(_) => ErrorCode::TeamServer,
            TeamError::Schema(_) => ErrorCode::TeamSchema,
            TeamError::NotAllowed(_) => ErrorCode::TeamNotAllowed,
            TeamError::Credentials { .. } => ErrorCode::TeamCredentials,
            TeamError::Library(e) => e.code(),
        }
    }
}

impl From<postgres::Error> for TeamError {
    fn from(e: postgres::Error) -> Self {
        // The client's own Display says only "db error": the server's words are in its DbError.
        TeamError::Server(match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                text
            }
        })
    }
}

impl From<rusqlite::Error> for TeamError {
    fn from(e: rusqlite::Error) -> Self {
        TeamError::Library(e.into())
    }
}

pub type Result<T, E = TeamError> = std::result::Result<T, E>;

/// Where the library stands with its team (`gamefilm team status --json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeamStatus {
    /// Joined to a team and the server answered just now.
    pub connected: bool,
    /// The team's URL, without its password.
    pub url: Option<String>,
    /// Changes made here and not yet pushed.
    pub pending: u64,
    /// When the last sync round ended without an error (Unix ms).
    pub last_sync_at: Option<i64>,
    /// What the last round failed with, if it did.
    pub last_error: Option<String>,
    /// Where the team password is kept (none: joined, but it is gone; or not joined).
    pub credentials: Option<CredentialStore>,
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    pub pushed: u64,
    /// Calls whose audio this machine uploaded.
    pub uploaded: u64,
    pub pulled: u64,
    /// Changes still to push (made while the round ran).
    pub pending: u64,
}

/// A login made by [`add_person`], to hand to that person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewLogin {
    pub person: String,
    pub db_role: String,
    /// `postgres://role:password@host:port/database`: what they pass to `team connect`.
    pub url: String,
}

// ---------------------------------------------------------------------------------------------
// Connecting

/// Joins the library to the team database at `url` (its password in the URL, else `password`,
/// e.g. from `PGPASSWORD`): creates or migrates the team schema when this connection may, finds
/// who this connection is (an administrator is the library's coach), lists every shared record
/// for the first push and runs a first sync round.
pub fn connect(lib: &mut Library, url: &str, password: Option<&str>) -> Result<SyncReport> {
    let (bare, from_url) = split_password(url)?;
    let password = from_url
        .or(password.map(str::to_string))
        .ok_or_else(|| TeamError::Url("no password: put it in the URL or in PGPASSWORD".into()))?;
    let mut client = open_client(&bare, &password)?;
    migrate(&mut client)?;
    let me = whoami(lib, &mut client)?;
    credentials::save(lib.path(), &password)?;
    lib.write(|tx| {
        let machine = uuid::Uuid::new_v4().to_string();
        for (key, value) in [
            (URL, bare.as_str()),
            (PERSON, me.as_str()),
            (LAST_SEQ, "0"),
            (MACHINE, machine.as_str()),
        ] {
            set(tx, key, Some(value))?;
        }
        set(tx, LAST_ERROR, None)?;
        // Everything this library holds goes in the first push.
        tx.execute_batch(
            "INSERT OR IGNORE INTO team_outbox (kind, uuid)
                 SELECT 'person', uuid FROM people WHERE uuid IS NOT NULL;
             INSERT OR IGNORE INTO team_outbox (kind, uuid)
                 SELECT 'recording', lower(hex(content_hash)) FROM recordings;
             INSERT OR IGNORE INTO team_outbox (kind, uuid) SELECT 'note', uuid FROM notes;
             INSERT OR IGNORE INTO team_outbox (kind, uuid) SELECT 'reply', uuid FROM note_replies;
             INSERT OR IGNORE INTO team_outbox (kind, uuid) SELECT 'review', uuid FROM reviews;
             INSERT OR IGNORE INTO team_outbox (kind, uuid)
                 SELECT 'revision', uuid FROM review_revisions;
             INSERT OR IGNORE INTO team_outbox (kind, uuid) SELECT 'step', uuid FROM next_steps;",
        )?;
        Ok(())
    })?;
    let result = round(lib, &mut client);
    record(lib, &result)?;
    let report = result?;
    // A new machine of a team member: the library is theirs.
    if people::default_person(lib.conn())?.is_none()
        && let Some(p) = people::list(lib.conn())?.into_iter().find(|p| p.id == me)
    {
        people::set_default(lib, &p.name)?;
    }
    Ok(report)
}

/// Leaves the team: forgets the URL, the password and what was waiting to be pushed. The
/// library keeps every record it holds.
pub fn disconnect(lib: &mut Library) -> Result<()> {
    lib.write(|tx| {
        tx.execute("DELETE FROM library_settings WHERE key LIKE 'team.%'", [])?;
        tx.execute("DELETE FROM team_outbox", [])?;
        Ok(())
    })?;
    credentials::forget(lib.path())
}

/// The URL without its password, and the password.
fn split_password(url: &str) -> Result<(String, Option<String>)> {
    let url = url.trim();
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or_else(|| TeamError::Url(format!("'{url}' is not a postgres:// URL")))?;
    let scheme = &url[..url.len() - rest.len()];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some(at) = authority.rfind('@') else {
        return Err(TeamError::Url(format!(
            "'{url}' names no user: postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        )));
    };
    let (userinfo, host) = authority.split_at(at);
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, Some(percent_decode(p))),
        None => (userinfo, None),
    };
    let bare = format!("{scheme}{user}{host}{tail}");
    Config::from_str(&bare).map_err(|e| TeamError::Url(format!("'{bare}': {e}")))?;
    Ok((bare, password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn open_client(bare: &str, password: &str) -> Result<Client> {
    let mut config = Config::from_str(bare).map_err(|e| TeamError::Url(e.to_string()))?;
    config.password(password).connect_timeout(Duration::from_secs(10));
    if config.get_application_name().is_none() {
        config.application_name("gamefilm");
    }
    Ok(config.connect(NoTls)?)
}

/// The stored connection of a joined library.
fn reconnect(lib: &Library) -> Result<Client> {
    let url = get(lib.conn(), URL)?.ok_or(TeamError::NotConnected)?;
    let (password, _) = credentials::load(lib.path())?;
    open_client(&url, &password)
}

/// Creates or upgrades the team schema; a connection that may not is told who must.
fn migrate(client: &mut Client) -> Result<()> {
    let exists: bool =
        client.query_one("SELECT to_regclass('public.team_schema') IS NOT NULL", &[])?.get(0);
    let found: i32 =
        if exists { client.query_one("SELECT version FROM team_schema", &[])?.get(0) } else { 0 };
    let target = MIGRATIONS.len() as i32;
    if found > target {
        return Err(TeamError::Schema(format!(
            "its schema is version {found}, newer than this Gamefilm knows ({target}): update Gamefilm"
        )));
    }
    if found == target {
        return Ok(());
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    let created = tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS team_schema (version integer NOT NULL);
         INSERT INTO team_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM team_schema);",
    );
    if let Err(e) = created {
        let why = TeamError::from(e);
        return Err(TeamError::Schema(format!(
            "it has no Gamefilm schema {} and this login may not create it ({why}): a coach \
             connects first with an administrator's login",
            if found == 0 { "yet" } else { "of this version" }
        )));
    }
    let found: i32 = tx.query_one("SELECT version FROM team_schema FOR UPDATE", &[])?.get(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).map_err(|e| {
            TeamError::Schema(format!("migration {} failed: {}", i + 1, TeamError::from(e)))
        })?;
        tx.execute("UPDATE team_schema SET version = $1", &[&(i as i32 + 1)])?;
    }
    tx.commit()?;
    Ok(())
}

/// Who this connection is: the person its role logs in as, or, for an administrator's login
/// not yet known, the library's own person (a coach), who is recorded as that login's person.
fn whoami(lib: &Library, client: &mut Client) -> Result<String> {
    if let Some(row) = client.query_opt("SELECT team_me()", &[])?
        && let Some(me) = row.get::<_, Option<String>>(0)
    {
        if let Some(mine) = people::default_person(lib.conn())?
            && mine.id != me
            && people::list(lib.conn())?.iter().all(|p| p.id != me)
        {
            return Err(TeamError::NotAllowed(format!(
                "this login is another person than {} who uses this library: connect with \
                 {}'s own login, or from a library of the login's person",
                mine.name, mine.name
            )));
        }
        return Ok(me);
    }
    if !is_admin(client)? {
        let role: String = client.query_one("SELECT current_user::text", &[])?.get(0);
        return Err(TeamError::NotAllowed(format!(
            "the login {role} is nobody of this team: ask a coach for a login \
             (gamefilm team add-person)"
        )));
    }
    let me = people::default_person(lib.conn())?.ok_or_else(|| {
        TeamError::NotAllowed(
            "an administrator's login joins as the library's coach: say who you are first".into(),
        )
    })?;
    if me.role != Role::Coach {
        return Err(TeamError::NotAllowed(format!(
            "{} is a rep: an administrator's login joins as a coach",
            me.name
        )));
    }
    client.execute(
        "INSERT INTO team_logins (db_role, person) VALUES (current_user::text, $1)
         ON CONFLICT (db_role) DO UPDATE SET person = excluded.person",
        &[&me.id],
    )?;
    Ok(me.id)
}

fn is_admin(client: &mut Client) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user",
            &[],
        )?
        .get(0))
}

// ---------------------------------------------------------------------------------------------
// Syncing

/// One round: pushes the outbox, pulls what changed on the server. A failure is remembered for
/// [`status`] and returned; nothing is lost (what was not pushed stays listed, what was not
/// merged is pulled again).
pub fn sync(lib: &mut Library) -> Result<SyncReport> {
    let result = reconnect(lib).and_then(|mut client| round(lib, &mut client));
    record(lib, &result)?;
    result
}

/// Remembers how a round ended, for [`status`] (only a joined library has a status to keep).
fn record(lib: &mut Library, result: &Result<SyncReport>) -> Result<()> {
    if get(lib.conn(), URL)?.is_none() {
        return Ok(());
    }
    let now = crate::timefmt::now_ms().to_string();
    let error = result.as_ref().err().map(ToString::to_string);
    lib.write(|tx| {
        if error.is_none() {
            set(tx, LAST_SYNC, Some(&now))?;
        }
        set(tx, LAST_ERROR, error.as_deref())
    })?;
    Ok(())
}

fn round(lib: &mut Library, client: &mut Client) -> Result<SyncReport> {
    let me = get(lib.conn(), PERSON)?.ok_or(TeamError::NotConnected)?;
    let role = people::list(lib.conn())?.into_iter().find(|p| p.id == me).map(|p| p.role);
    let mut calls: Vec<String> = Vec::new();
    // Both the push (taking entries off the outbox) and the pull are the library's bulk writer.
    let pushed = lib.in_bulk(|lib| push(lib, client, &me, role, &mut calls))?;
    let mut report = SyncReport { pushed, ..Default::default() };
    // The audio of the calls just shared, and of any the server lacks whole, when it is here.
    let incomplete: Vec<String> = client
        .query("SELECT hash FROM team_audio_files WHERE NOT complete", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    calls.extend(incomplete);
    calls.sort();
    calls.dedup();
    for hash in &calls {
        report.uploaded += upload_audio(lib, client, hash)? as u64;
    }
    report.pulled = lib.in_bulk(|lib| {
        // A page cache of 16 MiB while the pull commits every few milliseconds: SQLite walks
        // the whole cache at each commit, and the pull reads little twice (first sync of the
        // team-year library 131 -> 121 s, make bench-team).
        lib.set_page_cache(16_384)?;
        let pulled = pull(lib, client);
        lib.set_page_cache(crate::library::PAGE_CACHE_KIB)?;
        pulled
    })?;
    report.pending = pending(lib.conn())?;
    Ok(report)
}

/// The outbox's entries of one kind, each with its change counter, in key order (a walk of the
/// outbox's primary key); reviews in the order they were made here, so that a review goes after
/// the earlier one it closes; notes call by call, the order they are made in, which the server
/// numbers them in: a new machine's first sync then writes one call's notes together (its row,
/// its index pages) instead of touching a call at random for every note.
fn listed(conn: &Connection, kind: Kind) -> Result<Vec<(String, i64)>> {
    let sql = match kind {
        Kind::Review => {
            "SELECT o.uuid, o.changes FROM team_outbox o LEFT JOIN reviews v ON v.uuid = o.uuid
             WHERE o.kind = ?1 ORDER BY v.id, o.uuid"
        }
        Kind::Note => {
            "SELECT o.uuid, o.changes FROM team_outbox o LEFT JOIN notes n ON n.uuid = o.uuid
             WHERE o.kind = ?1 ORDER BY n.recording_id, n.id, o.uuid"
        }
        _ => "SELECT uuid, changes FROM team_outbox WHERE kind = ?1 ORDER BY uuid",
    };
    let rows = conn
        .prepare_cached(sql)?
        .query_map([kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One record as it goes to the server: kind, UUID, its JSON, its version, its deletion time.
struct Outgoing {
    kind: Kind,
    uuid: String,
    body: String,
    updated_at: i64,
    deleted_at: Option<i64>,
}

fn outgoing(records: Records, me: &str, rep: bool) -> Result<Vec<Outgoing>> {
    let mut out = Vec::new();
    // A rep sends only what is theirs: the server would refuse the rest.
    let mut live = |kind: Kind, owner: &str, uuid: &str, updated_at: i64, body: Result<String>| {
        if !rep || owner == me {
            out.push(Outgoing {
                kind,
                uuid: uuid.into(),
                updated_at,
                body: body?,
                deleted_at: None,
            });
        }
        Ok::<_, TeamError>(())
    };
    for p in &records.people {
        live(Kind::Person, &p.uuid, &p.uuid, p.updated_at, json(p))?;
    }
    for r in &records.recordings {
        live(
            Kind::Recording,
            r.rep.as_deref().unwrap_or_default(),
            &r.hash,
            r.updated_at,
            json(r),
        )?;
    }
    for n in &records.notes {
        live(Kind::Note, &n.author, &n.uuid, n.updated_at, json(n))?;
    }
    for x in &records.replies {
        live(Kind::Reply, &x.author, &x.uuid, x.updated_at, json(x))?;
    }
    for v in &records.reviews {
        live(Kind::Review, &v.author, &v.uuid, v.updated_at, json(v))?;
    }
    for v in &records.revisions {
        live(Kind::Revision, &v.author, &v.uuid, v.updated_at, json(v))?;
    }
    for s in &records.steps {
        live(Kind::Step, &s.owner, &s.uuid, s.updated_at, json(s))?;
    }
    // A deletion goes as its tombstone, an update of the server's row: the policies leave a
    // rep's tombstone of what is not theirs without effect.
    for t in &records.tombstones {
        out.push(Outgoing {
            kind: t.kind,
            uuid: t.uuid.clone(),
            updated_at: t.deleted_at,
            body: json(t)?,
            deleted_at: Some(t.deleted_at),
        });
    }
    Ok(out)
}

/// What the server's policies read of a record (team migration 1, `team_derive`), taken from
/// its deleted row here, for a tombstone the server is told of first; and whose it is (for a
/// rep: only their own goes).
struct Derived {
    recording: Option<String>,
    author: Option<String>,
    detail: Option<String>,
    call_rep: Option<String>,
    owner: Option<String>,
}

/// [`Derived`] of record `uuid` of `kind`, if its row is still here.
fn derived(conn: &Connection, kind: Kind, uuid: &str) -> Result<Option<Derived>> {
    // recording, author, detail, call_rep (None: the server takes the call's).
    let sql = match kind {
        Kind::Person => return Ok(None),
        Kind::Recording => {
            "SELECT lower(hex(r.content_hash)), NULL, NULL, p.uuid FROM recordings r
             LEFT JOIN people p ON p.id = r.rep_id WHERE r.content_hash = unhex(?1)"
        }
        Kind::Note => {
            "SELECT lower(hex(r.content_hash)), a.uuid, n.kind, NULL FROM notes n
             JOIN recordings r ON r.id = n.recording_id LEFT JOIN people a ON a.id = n.author_id
             WHERE n.uuid = ?1"
        }
        Kind::Reply => {
            "SELECT lower(hex(r.content_hash)), a.uuid, NULL, NULL FROM note_replies x
             JOIN notes n ON n.id = x.note_id JOIN recordings r ON r.id = n.recording_id
             LEFT JOIN people a ON a.id = x.author_id WHERE x.uuid = ?1"
        }
        Kind::Review => {
            "SELECT lower(hex(r.content_hash)), a.uuid, v.kind, NULL FROM reviews v
             JOIN recordings r ON r.id = v.recording_id LEFT JOIN people a ON a.id = v.author_id
             WHERE v.uuid = ?1"
        }
        Kind::Revision => {
            "SELECT lower(hex(r.content_hash)), a.uuid, NULL, NULL FROM review_revisions x
             JOIN reviews v ON v.id = x.review_id JOIN recordings r ON r.id = v.recording_id
             LEFT JOIN people a ON a.id = v.author_id WHERE x.uuid = ?1"
        }
        Kind::Step => {
            "SELECT lower(hex(r.content_hash)), a.uuid, NULL, o.uuid FROM next_steps s
             LEFT JOIN recordings r ON r.id = s.recording_id
             LEFT JOIN people a ON a.id = s.author_id LEFT JOIN people o ON o.id = s.owner_id
             WHERE s.uuid = ?1"
        }
    };
    let found = conn
        .prepare_cached(sql)?
        .query_row([uuid], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .optional()?;
    Ok(found.map(|(recording, author, detail, call_rep)| {
        let owner = match kind {
            Kind::Recording | Kind::Step => call_rep.clone(),
            _ => author.clone(),
        };
        Derived { recording, author, detail, call_rep, owner }
    }))
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v)
        .map_err(|e| TeamError::Library(LibraryError::invalid("record", e.to_string())))
}

/// Pushes the outbox in batches, each one server transaction; takes off the outbox what was
/// pushed and has not changed since. Returns how many records went.
fn push(
    lib: &mut Library,
    client: &mut Client,
    me: &str,
    role: Option<Role>,
    calls: &mut Vec<String>,
) -> Result<u64> {
    let rep = role != Some(Role::Coach);
    let machine = get(lib.conn(), MACHINE)?.unwrap_or_default();
    let mut pushed = 0u64;
    let mut checkpointed = Instant::now();
    // Each entry listed at the start is tried once a round; one changed while it went stays
    // listed for the next round.
    let listing: Vec<(Kind, String, i64)> = merge::KINDS
        .iter()
        .map(|k| {
            Ok(listed(lib.conn(), *k)?.into_iter().map(|(u, c)| (*k, u, c)).collect::<Vec<_>>())
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    for keys in listing.chunks(BATCH) {
        let wanted: Vec<(Kind, String)> = keys.iter().map(|(k, u, _)| (*k, u.clone())).collect();
        let records = merge::records_of(lib.conn(), &wanted)?;
        let out = outgoing(records, me, rep)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        let (live, dead): (Vec<&Outgoing>, Vec<&Outgoing>) =
            out.iter().partition(|o| o.deleted_at.is_none());
        if !live.is_empty() {
            let kinds: Vec<&str> = live.iter().map(|o| o.kind.as_str()).collect();
            let uuids: Vec<&str> = live.iter().map(|o| o.uuid.as_str()).collect();
            let bodies: Vec<&str> = live.iter().map(|o| o.body.as_str()).collect();
            let versions: Vec<i64> = live.iter().map(|o| o.updated_at).collect();
            tx.execute(
                "INSERT INTO team_records (kind, uuid, body, updated_at, origin)
                 SELECT k, u, b::jsonb, v, $5
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS t (k, u, b, v)
                 ON CONFLICT (kind, uuid) DO UPDATE SET body = excluded.body,
                     updated_at = excluded.updated_at, deleted_at = NULL, origin = excluded.origin
                 WHERE CASE WHEN team_records.deleted_at IS NULL
                     THEN (excluded.updated_at, md5(excluded.body::text))
                         > (team_records.updated_at, md5(team_records.body::text))
                     -- The merge rule: an edit as new as the deletion, or newer, brings the
                     -- record back (an undone deletion).
                     ELSE excluded.updated_at >= team_records.deleted_at END",
                &[&kinds, &uuids, &bodies, &versions, &machine],
            )?;
        }
        if !dead.is_empty() {
            let kinds: Vec<&str> = dead.iter().map(|o| o.kind.as_str()).collect();
            let uuids: Vec<&str> = dead.iter().map(|o| o.uuid.as_str()).collect();
            let bodies: Vec<&str> = dead.iter().map(|o| o.body.as_str()).collect();
            let times: Vec<i64> = dead.iter().map(|o| o.updated_at).collect();
            tx.execute(
                "UPDATE team_records r SET body = t.b::jsonb, updated_at = t.v, deleted_at = t.v,
                     origin = $5
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS t (k, u, b, v)
                 WHERE r.kind = t.k AND r.uuid = t.u
                   AND CASE WHEN r.deleted_at IS NULL THEN t.v >= r.updated_at
                       -- Deleted on two machines: the later deletion is the one kept.
                       ELSE t.v > r.deleted_at END",
                &[&kinds, &uuids, &bodies, &times, &machine],
            )?;
            // A record deleted here before it was ever shared: its tombstone goes all the same
            // (the other machines keep it, as a pack's recipient does), with what the policies
            // read of it taken from the deleted row here. A rep's goes only when it is theirs.
            let mut unshared: Vec<(&Outgoing, Derived)> = Vec::new();
            for o in &dead {
                if let Some(d) = derived(lib.conn(), o.kind, &o.uuid)?
                    && (!rep || d.owner.as_deref() == Some(me))
                {
                    unshared.push((o, d));
                }
            }
            if !unshared.is_empty() {
                let kinds: Vec<&str> = unshared.iter().map(|(o, _)| o.kind.as_str()).collect();
                let uuids: Vec<&str> = unshared.iter().map(|(o, _)| o.uuid.as_str()).collect();
                let bodies: Vec<&str> = unshared.iter().map(|(o, _)| o.body.as_str()).collect();
                let times: Vec<i64> = unshared.iter().map(|(o, _)| o.updated_at).collect();
                let recordings: Vec<Option<&str>> =
                    unshared.iter().map(|(_, d)| d.recording.as_deref()).collect();
                let authors: Vec<Option<&str>> =
                    unshared.iter().map(|(_, d)| d.author.as_deref()).collect();
                let details: Vec<Option<&str>> =
                    unshared.iter().map(|(_, d)| d.detail.as_deref()).collect();
                let reps: Vec<Option<&str>> =
                    unshared.iter().map(|(_, d)| d.call_rep.as_deref()).collect();
                tx.execute(
                    "INSERT INTO team_records
                         (kind, uuid, body, updated_at, deleted_at, origin, recording, author,
                          detail, call_rep)
                     SELECT k, u, b::jsonb, v, v, $5, rec, au, det, coalesce(cr,
                         (SELECT r.call_rep FROM team_records r
                          WHERE r.kind = 'recording' AND r.uuid = rec))
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $6::text[],
                                 $7::text[], $8::text[], $9::text[])
                         AS t (k, u, b, v, rec, au, det, cr)
                     ON CONFLICT (kind, uuid) DO NOTHING",
                    &[
                        &kinds,
                        &uuids,
                        &bodies,
                        &times,
                        &machine,
                        &recordings,
                        &authors,
                        &details,
                        &reps,
                    ],
                )?;
            }
        }
        tx.commit()?;
        pushed += out.len() as u64;
        calls.extend(live.iter().filter(|o| o.kind == Kind::Recording).map(|o| o.uuid.clone()));
        if checkpointed.elapsed() > CHECKPOINT_EVERY {
            lib.checkpoint()?;
            checkpointed = Instant::now();
        }
        // In short transactions, as a pull merges: the entries of one batch lie all over the
        // outbox (notes go call by call, the outbox is keyed by UUID), and the app's saves wait
        // for at most one of them. Entries not yet taken off when a crash comes go again, and
        // the server keeps what it has.
        for few in keys.chunks(OUTBOX_SLICE) {
            lib.write(|tx| {
                let mut stmt = tx.prepare_cached(
                    "DELETE FROM team_outbox WHERE kind = ?1 AND uuid = ?2 AND changes = ?3",
                )?;
                for (k, u, c) in few {
                    stmt.execute(params![k.as_str(), u, c])?;
                }
                Ok(())
            })?;
        }
    }
    Ok(pushed)
}

/// Pulls what changed on the server since the last change number merged here, fetched in
/// batches of [`FETCH`] and merged in slices ([`Merging`]). A long pull (a new machine's first)
/// fetches and reads the next batch on a second connection while this one is merged. Returns
/// how many records came.
fn pull(lib: &mut Library, client: &mut Client) -> Result<u64> {
    let machine = get(lib.conn(), MACHINE)?.unwrap_or_default();
    let after: i64 = get(lib.conn(), LAST_SEQ)?.and_then(|s| s.parse().ok()).unwrap_or(0);
    let first = fetch(client, after, &machine)?;
    let mut merging = Merging { slice: 64, checkpointed: Instant::now(), pulled: 0 };
    let Some(from) = first.last().map(|c| c.seq).filter(|_| first.len() == FETCH) else {
        merging.merge(lib, client, first)?;
        return Ok(merging.pulled);
    };
    let mut ahead = reconnect(lib)?;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Change>>>(1);
        s.spawn(move || {
            let mut after = from;
            loop {
                let batch = fetch(&mut ahead, after, &machine);
                let next = batch.as_ref().ok().and_then(|b| b.last()).map(|c| c.seq);
                // The merging side stopped (an error): so does this one.
                if tx.send(batch).is_err() {
                    return;
                }
                match next {
                    Some(seq) => after = seq,
                    None => return,
                }
            }
        });
        merging.merge(lib, client, first)?;
        for batch in rx {
            merging.merge(lib, client, batch?)?;
        }
        Ok(merging.pulled)
    })
}

/// One entry of the server's change log, as a pull takes it: its number, and its record unless
/// this machine wrote it last (it has it, or has changed it since and pushes again).
struct Change {
    seq: i64,
    record: Option<Incoming>,
}

enum Incoming {
    Person(merge::PersonRecord),
    Recording(merge::RecordingRecord),
    Note(merge::NoteRecord),
    Reply(merge::ReplyRecord),
    Review(merge::ReviewRecord),
    Revision(merge::RevisionRecord),
    Step(merge::StepRecord),
    Gone(Tombstone),
}

impl Incoming {
    fn add_to(self, records: &mut Records) {
        match self {
            Incoming::Person(r) => records.people.push(r),
            Incoming::Recording(r) => records.recordings.push(r),
            Incoming::Note(r) => records.notes.push(r),
            Incoming::Reply(r) => records.replies.push(r),
            Incoming::Review(r) => records.reviews.push(r),
            Incoming::Revision(r) => records.revisions.push(r),
            Incoming::Step(r) => records.steps.push(r),
            Incoming::Gone(t) => records.tombstones.push(t),
        }
    }
}

/// The next [`FETCH`] changes after `after`, read.
fn fetch(client: &mut Client, after: i64, machine: &str) -> Result<Vec<Change>> {
    let rows = client.query(
        "SELECT kind, uuid,
             CASE WHEN origin IS DISTINCT FROM $3 THEN body::text END, deleted_at, seq,
             origin IS NOT DISTINCT FROM $3
         FROM team_records WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &(FETCH as i64), &machine],
    )?;
    rows.iter()
        .map(|row| {
            let seq: i64 = row.get(4);
            if row.get::<_, bool>(5) {
                return Ok(Change { seq, record: None });
            }
            let kind: &str = row.get(0);
            let uuid: &str = row.get(1);
            let body: &str = row.get::<_, Option<&str>>(2).unwrap_or_default();
            let bad = |e: serde_json::Error| {
                TeamError::Server(format!(
                    "the record {kind} {uuid} on the server is unreadable: {e}"
                ))
            };
            let record = if row.get::<_, Option<i64>>(3).is_some() {
                Incoming::Gone(serde_json::from_str(body).map_err(bad)?)
            } else {
                match kind.parse::<Kind>()? {
                    Kind::Person => Incoming::Person(serde_json::from_str(body).map_err(bad)?),
                    Kind::Recording => {
                        Incoming::Recording(serde_json::from_str(body).map_err(bad)?)
                    }
                    Kind::Note => Incoming::Note(serde_json::from_str(body).map_err(bad)?),
                    Kind::Reply => Incoming::Reply(serde_json::from_str(body).map_err(bad)?),
                    Kind::Review => Incoming::Review(serde_json::from_str(body).map_err(bad)?),
                    Kind::Revision => Incoming::Revision(serde_json::from_str(body).map_err(bad)?),
                    Kind::Step => Incoming::Step(serde_json::from_str(body).map_err(bad)?),
                }
            };
            Ok(Change { seq, record: Some(record) })
        })
        .collect()
}

/// Merges fetched changes in slices, each checked and merged with the change number it reached
/// (the server numbers a call before its notes and reviews, so a slice finds what it refers to
/// in the library or in itself). Slices are sized to take about [`SLICE_TIME`]; one library
/// transaction takes slices until another writer of the library waits at the write gate (a
/// note's save: it waits for the slice under way and the commit) or [`TRANSACTION_TIME`] has
/// passed. The WAL is checkpointed between transactions (the pull is the library's bulk writer,
/// [`Library::in_bulk`]).
struct Merging {
    slice: usize,
    checkpointed: Instant,
    pulled: u64,
}

impl Merging {
    fn merge(
        &mut self,
        lib: &mut Library,
        client: &mut Client,
        changes: Vec<Change>,
    ) -> Result<()> {
        let waiters = lib.waiters();
        let mut changes = changes.into_iter().peekable();
        while changes.peek().is_some() {
            // What stopped the merge: it commits what went before it, then says so.
            let mut failed: Option<TeamError> = None;
            let mut came = 0u64;
            lib.write(|tx| {
                // The outbox triggers stay quiet (library migration 12): what comes from the
                // server does not go back; what was waiting here before still goes.
                set(tx, PULLING, Some("1"))?;
                let began = Instant::now();
                while changes.peek().is_some() {
                    let t = Instant::now();
                    let mut records = Records::default();
                    let mut last = 0;
                    for change in changes.by_ref().take(self.slice) {
                        last = change.seq;
                        if let Some(record) = change.record {
                            record.add_to(&mut records);
                        }
                    }
                    let n = records.len() as u64;
                    if let Err(e) = link_closed_reviews(tx, client, &mut records) {
                        failed = Some(e);
                        break;
                    }
                    if let Err(b) = merge::check(tx, &records)? {
                        failed = Some(TeamError::Server(format!(
                            "a record on the server was refused: {b}"
                        )));
                        break;
                    }
                    merge::apply(tx, &records, None, &merge::ArrivedAudio::new())?;
                    set(tx, LAST_SEQ, Some(&last.to_string()))?;
                    came += n;
                    let took = t.elapsed();
                    if took < SLICE_TIME / 2 {
                        self.slice = (self.slice * 2).min(FETCH);
                    } else if took > SLICE_TIME * 2 {
                        self.slice = (self.slice / 2).max(1);
                    }
                    // Someone else waits to write (a note's save): they go next.
                    if waiters.any() || began.elapsed() > TRANSACTION_TIME {
                        break;
                    }
                }
                set(tx, PULLING, None)
            })?;
            self.pulled += came;
            if let Some(e) = failed {
                return Err(e);
            }
            if self.checkpointed.elapsed() > CHECKPOINT_EVERY {
                lib.checkpoint()?;
                self.checkpointed = Instant::now();
            }
        }
        Ok(())
    }
}

/// A review that closes one neither this batch nor the library holds: the closed one came later
/// in the change log (renumbered when its call's reviews changed) or this login may not read
/// it. It is looked up by UUID and merged first; one still missing is not linked here (as a
/// pack leaves out a link its recipient cannot follow).
fn link_closed_reviews(
    conn: &Connection,
    client: &mut Client,
    records: &mut Records,
) -> Result<()> {
    let local = |uuid: &str| -> Result<bool> {
        Ok(conn
            .prepare_cached(
                "SELECT 1 FROM reviews WHERE uuid = ?1 UNION ALL SELECT 1 FROM tombstones WHERE uuid = ?1",
            )?
            .exists([uuid])?)
    };
    let known = |records: &Records| -> HashSet<String> {
        records
            .reviews
            .iter()
            .map(|v| v.uuid.clone())
            .chain(records.tombstones.iter().map(|t| t.uuid.clone()))
            .collect()
    };
    let have = known(records);
    let mut missing: Vec<String> = Vec::new();
    for c in records.reviews.iter().filter_map(|v| v.closes_review.as_ref()) {
        if !have.contains(c) && !missing.contains(c) && !local(c)? {
            missing.push(c.clone());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let rows = client.query(
        "SELECT body::text FROM team_records
         WHERE kind = 'review' AND uuid = ANY($1) AND deleted_at IS NULL",
        &[&missing],
    )?;
    let mut found = Vec::new();
    for row in rows {
        let body: String = row.get(0);
        found.push(serde_json::from_str::<merge::ReviewRecord>(&body).map_err(|e| {
            TeamError::Server(format!("a review on the server is unreadable: {e}"))
        })?);
    }
    records.reviews.splice(0..0, found);
    let have = known(records);
    for v in &mut records.reviews {
        if let Some(c) = &v.closes_review
            && !have.contains(c)
            && !local(c)?
        {
            v.closes_review = None;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Audio

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

/// Uploads the audio of call `hash` when this machine has it and the server lacks some of it:
/// the chunks it lacks (or holds damaged), each its own statement so that an interrupted upload
/// resumes where it stopped; the file is marked complete once every chunk is there and the
/// whole read back to the call's content hash. Returns whether anything was uploaded.
fn upload_audio(lib: &Library, client: &mut Client, hash: &str) -> Result<bool> {
    use std::io::Read;
    let Some(bytes) = merge::unhex(hash) else { return Ok(false) };
    let Some((_, Some(path))) = crate::library::recordings::find_by_hash(lib.conn(), &bytes)?
    else {
        return Ok(false);
    };
    let Ok(meta) = std::fs::metadata(&path) else { return Ok(false) };
    if !meta.is_file() || meta.len() == 0 {
        return Ok(false);
    }
    let complete: Option<bool> = client
        .query_opt("SELECT complete FROM team_audio_files WHERE hash = $1", &[&hash])?
        .map(|r| r.get(0));
    if complete == Some(true) {
        return Ok(false);
    }
    let size = meta.len() as i64;
    let chunks = meta.len().div_ceil(CHUNK as u64) as i32;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("audio").to_lowercase();
    client.execute(
        "INSERT INTO team_audio_files (hash, ext, size, chunks) VALUES ($1, $2, $3, $4)
         ON CONFLICT (hash) DO NOTHING",
        &[&hash, &ext, &size, &chunks],
    )?;
    let sound: HashSet<i32> = client
        .query(
            "SELECT idx FROM team_audio WHERE hash = $1 AND encode(sha256(bytes), 'hex') = chunk_hash",
            &[&hash],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut file = std::fs::File::open(&path)
        .map_err(|e| TeamError::Server(format!("cannot read {}: {e}", path.display())))?;
    let mut whole = blake3::Hasher::new();
    let mut buf = vec![0u8; CHUNK];
    for idx in 0..chunks {
        let mut n = 0;
        while n < CHUNK {
            match file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => {
                    return Err(TeamError::Server(format!("cannot read {}: {e}", path.display())));
                }
            }
        }
        let chunk = &buf[..n];
        whole.update(chunk);
        if !sound.contains(&idx) {
            client.execute(
                "INSERT INTO team_audio (hash, idx, chunk_hash, bytes) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (hash, idx) DO UPDATE SET chunk_hash = excluded.chunk_hash,
                     bytes = excluded.bytes",
                &[&hash, &idx, &sha256_hex(chunk), &chunk],
            )?;
        }
    }
    // The file changed since it was imported: it is not this call's audio any more.
    if whole.finalize().to_hex().as_str() != hash {
        return Ok(false);
    }
    client.execute(
        "UPDATE team_audio_files SET complete = true WHERE hash = $1
           AND (SELECT count(*) FROM team_audio WHERE hash = $1) = chunks",
        &[&hash],
    )?;
    Ok(true)
}

/// The audio of call `id`, fetched from the team on first play when this machine lacks it, into
/// `audio/<hash>.<ext>` beside the library, with `progress(bytes done, bytes in all)`. A call
/// whose file is here is never downloaded. Resumable: chunks already in the partial file are
/// kept when they check out, a damaged one is fetched again; a chunk damaged on the server is
/// reported (and dropped there, for its uploader to send again). The finished file must be the
/// call's own (its content hash), or nothing is kept.
pub fn fetch_audio(
    lib: &mut Library,
    scope: crate::library::Scope,
    id: i64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<PathBuf> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let rec = crate::library::recordings::get_scoped(lib.conn(), scope, id)?;
    if let Some(file) = rec.file.clone().filter(|f| f.is_file()) {
        return Ok(file);
    }
    let mut client = reconnect(lib)?;
    let hash = rec.content_hash.clone();
    let Some(row) = client.query_opt(
        "SELECT ext, size, chunks FROM team_audio_files WHERE hash = $1 AND complete",
        &[&hash],
    )?
    else {
        return Err(TeamError::Server(format!(
            "the team has no audio of call {id} yet: it is uploaded when the machine that has \
             it syncs"
        )));
    };
    let (ext, size, chunks): (String, i64, i32) = (row.get(0), row.get(1), row.get(2));
    let ext: String = ext.chars().filter(|c| c.is_ascii_alphanumeric()).take(8).collect();
    let target = merge::audio_path(lib.path(), &hash, &ext);
    let partial = target.with_extension(format!("{ext}.partial"));
    let io = |p: &Path, e: std::io::Error| TeamError::Server(format!("{}: {e}", p.display()));
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let expected: Vec<(i32, String)> = client
        .query("SELECT idx, chunk_hash FROM team_audio WHERE hash = $1 ORDER BY idx", &[&hash])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&partial)
        .map_err(|e| io(&partial, e))?;
    let have = file.metadata().map_err(|e| io(&partial, e))?.len();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    for idx in 0..chunks {
        let offset = idx as u64 * CHUNK as u64;
        let len = (size as u64 - offset).min(CHUNK as u64) as usize;
        let want = expected
            .iter()
            .find(|(i, _)| *i == idx)
            .map(|(_, h)| h.clone())
            .ok_or_else(|| TeamError::Server(format!("chunk {idx} of call {id} is missing")))?;
        // Already here from an interrupted fetch, and sound?
        if have >= offset + len as u64 {
            file.seek(SeekFrom::Start(offset)).map_err(|e| io(&partial, e))?;
            file.read_exact(&mut buf[..len]).map_err(|e| io(&partial, e))?;
            if sha256_hex(&buf[..len]) == want {
                done += len as u64;
                progress(done, size as u64);
                continue;
            }
        }
        let mut got: Option<Vec<u8>> = None;
        for _ in 0..2 {
            let bytes: Vec<u8> = client
                .query_one(
                    "SELECT bytes FROM team_audio WHERE hash = $1 AND idx = $2",
                    &[&hash, &idx],
                )?
                .get(0);
            if bytes.len() == len && sha256_hex(&bytes) == want {
                got = Some(bytes);
                break;
            }
        }
        let Some(bytes) = got else {
            drop(file);
            let _ = std::fs::remove_file(&partial);
            client.query_one("SELECT team_audio_damaged($1, $2)", &[&hash, &idx])?;
            return Err(TeamError::Server(format!(
                "chunk {idx} of call {id}'s audio is damaged on the server: it was dropped there \
                 and comes again when the machine that has the call syncs"
            )));
        };
        file.seek(SeekFrom::Start(offset)).map_err(|e| io(&partial, e))?;
        file.write_all(&bytes).map_err(|e| io(&partial, e))?;
        done += len as u64;
        progress(done, size as u64);
    }
    file.set_len(size as u64).map_err(|e| io(&partial, e))?;
    file.sync_all().map_err(|e| io(&partial, e))?;
    drop(file);
    std::fs::rename(&partial, &target).map_err(|e| io(&target, e))?;
    if let Err(e) = crate::import::locate(lib, scope, id, &target) {
        let _ = std::fs::remove_file(&target);
        return Err(TeamError::Server(format!("the audio fetched for call {id}: {e}")));
    }
    Ok(target)
}

// ---------------------------------------------------------------------------------------------
// Status and people

/// Where the library stands; `probe` also asks the server whether it answers.
pub fn status(lib: &Library, probe: bool) -> Result<TeamStatus> {
    let conn = lib.conn();
    let url = get(conn, URL)?;
    let connected = url.is_some() && probe && reconnect(lib).is_ok();
    let credentials = url.as_ref().and_then(|_| credentials::kept(lib.path()));
    Ok(TeamStatus {
        connected,
        url,
        pending: pending(conn)?,
        last_sync_at: get(conn, LAST_SYNC)?.and_then(|s| s.parse().ok()),
        last_error: get(conn, LAST_ERROR)?,
        credentials,
    })
}

fn pending(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM team_outbox", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Adds `name` (a person of the library, added with `role` if new) to the team with a login of
/// their own: a PostgreSQL role in the coaches' or reps' group, with a generated password.
/// Needs an administrator's connection. Returns the URL to hand to them.
pub fn add_person(lib: &mut Library, name: &str, role: Role) -> Result<NewLogin> {
    let mut client = reconnect(lib)?;
    if !is_admin(&mut client)? {
        return Err(TeamError::NotAllowed(
            "adding people to the team needs an administrator's login".into(),
        ));
    }
    let person = match people::list(lib.conn())?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
    {
        Some(p) => p,
        None => people::add(lib, name, role)?,
    };
    let slug: String = person
        .name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(24)
        .collect();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let db_role = format!("gf_{slug}_{}", &suffix[..6]);
    let password = uuid::Uuid::new_v4().simple().to_string();
    let group = match person.role {
        Role::Coach => "gamefilm_coach",
        Role::Rep => "gamefilm_rep",
    };
    let mut tx = client.transaction()?;
    let create: String = tx
        .query_one(
            "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', $1::text, $2::text, $3::text)",
            &[&db_role, &password, &group],
        )?
        .get(0);
    tx.batch_execute(&create)?;
    tx.execute(
        "INSERT INTO team_logins (db_role, person) VALUES ($1, $2)",
        &[&db_role, &person.id],
    )?;
    tx.commit()?;
    // They are in the team's people from the next push on: now.
    sync(lib)?;
    let url = get(lib.conn(), URL)?.ok_or(TeamError::NotConnected)?;
    Ok(NewLogin {
        person: person.name.clone(),
        url: login_url(&url, &db_role, &password)?,
        db_role,
    })
}

/// `url` with another user and password.
fn login_url(url: &str, user: &str, password: &str) -> Result<String> {
    let (bare, _) = split_password(url)?;
    let scheme_end = bare.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &bare[scheme_end..];
    let at = rest.rfind('@').ok_or_else(|| TeamError::Url(format!("'{url}' names no user")))?;
    Ok(format!("{}{user}:{password}{}", &bare[..scheme_end], &rest[at..]))
}

// ---------------------------------------------------------------------------------------------
// The library's settings and the credentials file

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM library_settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn set(tx: &Connection, key: &str, value: Option<&str>) -> Result<(), LibraryError> {
    match value {
        Some(v) => tx
            .prepare_cached(
                "INSERT INTO library_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, v])?,
        None => tx.prepare_cached("DELETE FROM library_settings WHERE key = ?1")?.execute([key])?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SHA-256 of every shipped team migration: a team database migrated by an earlier build
    /// never runs its migrations again (the library's rule, src/library/mod.rs).
    const SHIPPED: &[&str] = &[
        "347d5665d48f83bbca5c1e1791d57629ee5fe6cca945f4a4843df6396554d45d",
        "26aba29fde94c812ed10f5717bb99459ef2a3199617ce0d2f8b5ad7078ed288c",
        "cf133361e0ddb3ca91e709ea7dc06e66a3218d024a0b3f63ae5ab7ba70ac8b3b",
        "c456a915b4bf1ec423e6c1941b9e1cf6e45ee9e862616f1c9e9dcd0ac40d9fa6",
    ];

    #[test]
    fn shipped_team_migrations_are_never_edited() {
        use sha2::{Digest, Sha256};
        assert!(MIGRATIONS.len() >= SHIPPED.len(), "team migrations are append-only");
        for (i, pinned) in SHIPPED.iter().enumerate() {
            let text = MIGRATIONS[i].replace("\r\n", "\n");
            let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
            assert_eq!(&hash, pinned, "team migration {} has shipped: add a new one", i + 1);
        }
    }

    #[test]
    fn the_password_is_taken_out_of_the_url() {
        let (bare, pw) = split_password("postgres://dana:s%40cret@127.0.0.1:5433/team").unwrap();
        assert_eq!(bare, "postgres://dana@127.0.0.1:5433/team");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (bare, pw) = split_password("postgresql://dana@host/team?sslmode=disable").unwrap();
        assert_eq!((bare.as_str(), pw), ("postgresql://dana@host/team?sslmode=disable", None));
        assert!(matches!(split_password("mysql://x@y/z"), Err(TeamError::Url(_))));
        assert!(matches!(split_password("postgres://host/db"), Err(TeamError::Url(_))));
        assert_eq!(
            login_url("postgres://admin@127.0.0.1:5433/team", "gf_dana_1a2b3c", "pw").unwrap(),
            "postgres://gf_dana_1a2b3c:pw@127.0.0.1:5433/team"
        );
    }
}
