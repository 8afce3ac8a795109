//! The library's people and who is using it now.
//!
//! A person has a UUID, a name (unique, any case) and a role: a coach reviews calls, a rep is
//! coached. The library remembers one default person (the first run asks who is using it); the
//! CLI's `--as NAME` and the app's switch pick another. Every note, reply, review,
//! self-assessment and next step records its author's id.
//!
//! What a person may see is a [`Scope`], applied by the core's queries themselves (DESIGN.md,
//! rule 3): a rep sees their own calls only; on them their own notes always, and the coach's
//! notes and review only once the call is reviewed *and* they submitted their self-assessment.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Library, LibraryError, Result, validate};

/// Longest name of a person, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The settings key of the library's default person (its UUID).
const DEFAULT_PERSON: &str = "default_person";

/// What a person does in the coaching loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Role {
    Coach,
    Rep,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coach => "coach",
            Role::Rep => "rep",
        }
    }

    /// The role as stored (a CHECK keeps the column to the known values).
    pub(crate) fn from_column(s: &str) -> Role {
        if s == "coach" { Role::Coach } else { Role::Rep }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the library's people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Person {
    /// Stable UUID.
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The row id, for the library's own joins.
    #[serde(skip)]
    #[ts(skip)]
    pub key: i64,
}

impl Person {
    /// What this person may see.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Coach => Scope::Coach,
            Role::Rep => Scope::Rep(self.key),
        }
    }

    /// Ok when this person is a coach; else a refusal naming what needs one (`what`: a noun
    /// phrase, "a review").
    pub fn require_coach(&self, what: &str) -> Result<()> {
        if self.role == Role::Coach {
            return Ok(());
        }
        Err(LibraryError::NotAllowed {
            field: "as",
            reason: format!("{what} is for a coach, and {} is a rep", self.name),
        })
    }

    /// Ok when this person is a rep; else a refusal naming what needs one.
    pub fn require_rep(&self, what: &str) -> Result<()> {
        if self.role == Role::Rep {
            return Ok(());
        }
        Err(LibraryError::NotAllowed {
            field: "as",
            reason: format!("{what} is for a rep, and {} is a coach", self.name),
        })
    }
}

/// What a query may return. Coaches see everything but the drafts of reps' self-assessments;
/// a rep (by person row id) sees what [`Scope::note_sql`] and [`Scope::recording_sql`] let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Coach,
    Rep(i64),
}

impl Scope {
    /// The rep's person row id, when rep-scoped.
    pub fn rep(self) -> Option<i64> {
        match self {
            Scope::Coach => None,
            Scope::Rep(id) => Some(id),
        }
    }

    /// An SQL condition on the recording alias `r`: the calls this scope may see.
    pub(crate) fn recording_sql(self, r: &str) -> String {
        match self {
            Scope::Coach => "1".into(),
            Scope::Rep(me) => format!("{r}.rep_id = {me}"),
        }
    }

    /// An SQL condition on the recording alias `r`: the coach's notes and review of the call
    /// are revealed to this scope. For a rep: a coach review exists and the rep submitted a
    /// self-assessment of the call. (`coach_reviews` is kept by triggers, migration 5.)
    pub(crate) fn revealed_sql(self, r: &str) -> String {
        match self {
            Scope::Coach => "1".into(),
            Scope::Rep(me) => format!(
                "({r}.coach_reviews > 0
                  AND EXISTS (SELECT 1 FROM reviews sr WHERE sr.recording_id = {r}.id
                     AND sr.kind = 'self' AND sr.author_id = {me} AND sr.submitted_at IS NOT NULL
                     AND sr.deleted_at IS NULL))"
            ),
        }
    }

    /// An SQL condition on the note alias `n` of the recording alias `r`: the notes this scope
    /// may see (deleted or not: callers add their own `deleted_at` condition).
    pub(crate) fn note_sql(self, n: &str, r: &str) -> String {
        match self {
            Scope::Coach => "1".into(),
            Scope::Rep(me) => format!(
                "({r}.rep_id = {me} AND ({n}.author_id = {me} OR {}))",
                self.revealed_sql(r)
            ),
        }
    }
}

const PERSON_COLUMNS: &str = "uuid, name, role, id";

fn person_from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    let role: String = r.get(2)?;
    Ok(Person { id: r.get(0)?, name: r.get(1)?, role: Role::from_column(&role), key: r.get(3)? })
}

/// Everyone in the library, by name.
pub fn list(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([], person_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The person with row id `key`.
pub fn by_key(conn: &Connection, key: i64) -> Result<Person> {
    conn.prepare_cached(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = ?1"))?
        .query_row([key], person_from_row)
        .optional()?
        .ok_or_else(|| LibraryError::NotFound { what: "person", id: key.to_string() })
}

fn find(conn: &Connection, name: &str) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE name = ?1 AND deleted_at IS NULL"
        ))?
        .query_row([name.trim()], person_from_row)
        .optional()?)
}

/// The person named `name` (any case), or an error on `field` that lists the people.
pub fn named(conn: &Connection, field: &'static str, name: &str) -> Result<Person> {
    if let Some(p) = find(conn, name)? {
        return Ok(p);
    }
    let people = list(conn)?;
    let known = if people.is_empty() {
        "nobody yet (add someone with: gamefilm people add NAME --role coach|rep)".to_string()
    } else {
        people.iter().map(|p| format!("{} ({})", p.name, p.role)).collect::<Vec<_>>().join(", ")
    };
    Err(LibraryError::UnknownPerson { field, name: name.trim().to_string(), known })
}

fn check_name(name: &str) -> Result<&str> {
    let name = validate::required("name", name, "a person needs a name")?;
    validate::at_most("name", name, MAX_NAME_CHARS, |n| {
        format!("{n} characters is more than the {MAX_NAME_CHARS} a name can hold")
    })
}

fn insert(conn: &Connection, name: &str, role: Role) -> Result<Person> {
    let now = crate::timefmt::now_ms();
    conn.execute(
        "INSERT INTO people (uuid, name, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![uuid::Uuid::new_v4().to_string(), name, role.as_str(), now],
    )?;
    by_key(conn, conn.last_insert_rowid())
}

/// Adds a person; a name already in the library is refused, saying who has it.
pub fn add(lib: &mut Library, name: &str, role: Role) -> Result<Person> {
    let name = check_name(name)?;
    lib.write(|tx| {
        if let Some(p) = find(tx, name)? {
            return Err(LibraryError::invalid(
                "name",
                format!("{} is already in the library, as a {}", p.name, p.role),
            ));
        }
        insert(tx, name, role)
    })
}

/// The id of the rep named `name`, added as a rep if new (`set --rep`, import's artist tag).
pub fn rep_key(conn: &Connection, name: &str) -> Result<i64> {
    let name = check_name(name)?;
    match find(conn, name)? {
        Some(p) => Ok(p.key),
        None => Ok(insert(conn, name, Role::Rep)?.key),
    }
}

/// The library's default person, if one was chosen.
pub fn default_person(conn: &Connection) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE deleted_at IS NULL
               AND uuid = (SELECT value FROM library_settings WHERE key = ?1)"
        ))?
        .query_row([DEFAULT_PERSON], person_from_row)
        .optional()?)
}

fn store_default(conn: &Connection, p: &Person) -> Result<()> {
    conn.execute(
        "INSERT INTO library_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![DEFAULT_PERSON, p.id],
    )?;
    Ok(())
}

/// Makes the person named `name` the library's default person.
pub fn set_default(lib: &mut Library, name: &str) -> Result<Person> {
    lib.write(|tx| {
        let p = named(tx, "name", name)?;
        store_default(tx, &p)?;
        Ok(p)
    })
}

/// First run: adds `name` with `role` (or takes the person of that name, whatever role they
/// were given by an import) and makes them the default person.
pub fn introduce(lib: &mut Library, name: &str, role: Role) -> Result<Person> {
    let name = check_name(name)?;
    lib.write(|tx| {
        let p = match find(tx, name)? {
            Some(p) if p.role == role => p,
            Some(p) => {
                tx.execute(
                    "UPDATE people SET role = ?2, updated_at = ?3 WHERE id = ?1",
                    params![p.key, role.as_str(), crate::timefmt::now_ms()],
                )?;
                by_key(tx, p.key)?
            }
            None => insert(tx, name, role)?,
        };
        store_default(tx, &p)?;
        Ok(p)
    })
}

/// Who is acting: the person named `as_name`, else the default person, else `None`.
pub fn current(conn: &Connection, as_name: Option<&str>) -> Result<Option<Person>> {
    match as_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => named(conn, "as", name).map(Some),
        None => default_person(conn),
    }
}

/// Who is acting for a write from the command line: like [`current`], and when the library has
/// no default person, the person named `user` (a coach added under that name if new), who
/// becomes the default. The flag says whether a person was added.
pub fn current_or_user(
    lib: &mut Library,
    as_name: Option<&str>,
    user: &str,
) -> Result<(Person, bool)> {
    if let Some(p) = current(lib.conn(), as_name)? {
        return Ok((p, false));
    }
    let user = check_name(user)?;
    lib.write(|tx| {
        let (p, added) = match find(tx, user)? {
            Some(p) => (p, false),
            None => (insert(tx, user, Role::Coach)?, true),
        };
        store_default(tx, &p)?;
        Ok((p, added))
    })
}
