//! Next steps: what a coach and rep agreed to do, with an owner and a due date (DESIGN.md, rule
//! 4). A step may point at a moment of a call; it is open, done (on a date, with an outcome
//! note) or dropped. The first screen shows each person's *Overdue* and *Due this week*.
//!
//! Dates are calendar dates (`YYYY-MM-DD`), stored as such, in the library's local time zone.
//! "Today" is the local date (SQLite's `localtime`, which follows `TZ`); debug builds take
//! `GAMEFILM_TODAY=YYYY-MM-DD` instead, so that tests can set the clock.

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, macros::format_description};
use ts_rs::TS;

use super::people::{self, Person, Role, Scope};
use super::rows::recording_duration_ms;
use super::validate::{self, MAX_TEXT_CHARS};
use super::{Library, LibraryError, Result};

/// Longest step text, in characters.
pub const MAX_STEP_CHARS: usize = 2_000;

/// Environment variable that sets "today" in debug builds (tests).
pub const TODAY_ENV: &str = "GAMEFILM_TODAY";

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepState {
    Open,
    Done,
    Dropped,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Open => "open",
            StepState::Done => "done",
            StepState::Dropped => "dropped",
        }
    }

    fn from_column(s: &str) -> StepState {
        match s {
            "done" => StepState::Done,
            "dropped" => StepState::Dropped,
            _ => StepState::Open,
        }
    }
}

/// A next step.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Step {
    pub id: String,
    pub owner: String,
    pub owner_role: Role,
    pub author: Option<String>,
    pub text: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub recording_id: Option<i64>,
    pub recording_title: Option<String>,
    /// The moment of the call it points at.
    pub at_ms: Option<i64>,
    pub state: StepState,
    /// `YYYY-MM-DD`, when done.
    pub done_on: Option<String>,
    pub outcome: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A step to add.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewStep {
    /// The owner's name.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub text: String,
    #[ts(optional)]
    pub recording_id: Option<i64>,
    #[ts(optional)]
    pub at_ms: Option<i64>,
}

/// Which steps to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct StepFilter {
    /// One owner's steps (blank: everyone the viewer may see).
    #[ts(optional)]
    pub owner: Option<String>,
    /// Open steps due before today only.
    #[ts(as = "Option<bool>", optional)]
    pub overdue: bool,
    /// Open steps only.
    #[ts(as = "Option<bool>", optional)]
    pub open: bool,
    /// Steps of this call only.
    #[ts(optional)]
    pub recording_id: Option<i64>,
}

/// One person's column of the first screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonDue {
    pub person: String,
    pub role: Role,
    pub overdue: Vec<Step>,
    pub due_this_week: Vec<Step>,
}

/// The first screen's *Overdue* and *Due this week*, per person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DueBoard {
    /// `YYYY-MM-DD`.
    pub today: String,
    /// The Sunday that ends this ISO week.
    pub week_end: String,
    pub people: Vec<PersonDue>,
}

const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// Parses a calendar date `YYYY-MM-DD`; anything else is an error on `field`.
pub fn parse_date(field: &'static str, s: &str) -> Result<Date> {
    Date::parse(s.trim(), DATE_FORMAT).map_err(|_| {
        LibraryError::invalid(field, format!("'{}' is not a date: use YYYY-MM-DD", s.trim()))
    })
}

pub fn format_date(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_default()
}

/// Today in the library's local time zone.
pub fn today(conn: &Connection) -> Result<Date> {
    #[cfg(debug_assertions)]
    if let Some(t) = std::env::var_os(TODAY_ENV).filter(|v| !v.is_empty()) {
        return parse_date("GAMEFILM_TODAY", &t.to_string_lossy());
    }
    let s: String = conn.query_row("SELECT date('now', 'localtime')", [], |r| r.get(0))?;
    parse_date("today", &s)
}

/// The Monday that starts the ISO week of `d`.
pub fn week_start(d: Date) -> Date {
    d - Duration::days(d.weekday().number_days_from_monday() as i64)
}

const STEP_COLUMNS: &str = "s.uuid, o.name, o.role, a.name, s.text, s.due_date, s.recording_id,
    r.title, s.at_ms, s.state, s.done_on, s.outcome, s.created_at, s.updated_at";
const STEP_FROM: &str = "FROM next_steps s JOIN people o ON o.id = s.owner_id
    LEFT JOIN people a ON a.id = s.author_id LEFT JOIN recordings r ON r.id = s.recording_id";

fn step_from_row(r: &Row<'_>) -> rusqlite::Result<Step> {
    let role: String = r.get(2)?;
    let state: String = r.get(9)?;
    Ok(Step {
        id: r.get(0)?,
        owner: r.get(1)?,
        owner_role: Role::from_column(&role),
        author: r.get(3)?,
        text: r.get(4)?,
        due_date: r.get(5)?,
        recording_id: r.get(6)?,
        recording_title: r.get(7)?,
        at_ms: r.get(8)?,
        state: StepState::from_column(&state),
        done_on: r.get(10)?,
        outcome: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

/// An SQL condition on the step alias `s`: a rep sees the steps they own; a coach all.
fn visible_sql(scope: Scope) -> String {
    match scope {
        Scope::Coach => "1".into(),
        Scope::Rep(me) => format!("s.owner_id = {me}"),
    }
}

/// Adds a step by `author`, owned by the person named in `new`.
pub fn add(lib: &mut Library, author: &Person, new: &NewStep) -> Result<Step> {
    let text = validate::required("text", &new.text, "a next step needs some text")?;
    let text = validate::at_most("text", text, MAX_STEP_CHARS, |n| {
        format!("{n} characters is more than the {MAX_STEP_CHARS} a next step can hold")
    })?;
    let due = format_date(parse_date("due", &new.due_date)?);
    if new.at_ms.is_some() && new.recording_id.is_none() {
        return Err(LibraryError::invalid("at", "a moment needs its call: give --call ID too"));
    }
    lib.write(|tx| {
        let owner = people::named(tx, "owner", &new.owner)?;
        if author.role == Role::Rep && owner.key != author.key {
            return Err(LibraryError::NotAllowed {
                field: "owner",
                reason: format!("{} is a rep and may add steps for themselves only", author.name),
            });
        }
        if let Some(call) = new.recording_id {
            super::rows::require_visible_call(tx, author.scope(), call)?;
            let duration_ms = recording_duration_ms(tx, call)?;
            if let Some(at) = new.at_ms.filter(|&at| at < 0 || at > duration_ms) {
                return Err(LibraryError::invalid(
                    "at",
                    format!(
                        "{} is outside the call (0:00.000 to {})",
                        crate::timefmt::format_ms(at),
                        crate::timefmt::format_ms(duration_ms)
                    ),
                ));
            }
        }
        let now = crate::timefmt::now_ms();
        let uuid = uuid::Uuid::new_v4().to_string();
        tx.execute(
            "INSERT INTO next_steps (uuid, owner_id, author_id, text, due_date, recording_id, at_ms,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![uuid, owner.key, author.key, text, due, new.recording_id, new.at_ms, now],
        )?;
        get(tx, Scope::Coach, &uuid)
    })
}

/// A step by its id or an unambiguous prefix of at least 4 characters, if `scope` may see it.
pub fn get(conn: &Connection, scope: Scope, id: &str) -> Result<Step> {
    let id = id.trim();
    let not_found = || LibraryError::NotFound { what: "next step", id: id.to_string() };
    if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return Err(not_found());
    }
    let sql = format!(
        "SELECT {STEP_COLUMNS} {STEP_FROM}
         WHERE s.uuid >= ?1 AND s.uuid < ?1 || 'g' AND s.deleted_at IS NULL AND {} LIMIT 2",
        visible_sql(scope)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let found = stmt
        .query_map([id.to_ascii_lowercase()], step_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match found.len() {
        0 => Err(not_found()),
        1 => Ok(found.into_iter().next().expect("one element")),
        _ => Err(LibraryError::invalid(
            "id",
            format!("'{id}' matches more than one next step: give more of it"),
        )),
    }
}

/// The steps `scope` may see that `filter` keeps, soonest due first.
pub fn list(conn: &Connection, scope: Scope, filter: &StepFilter) -> Result<Vec<Step>> {
    use rusqlite::types::Value;
    let mut clauses = vec!["s.deleted_at IS NULL".to_string(), visible_sql(scope)];
    let mut args: Vec<Value> = Vec::new();
    if let Some(owner) = filter.owner.as_deref().filter(|o| !o.trim().is_empty()) {
        let owner = people::named(conn, "owner", owner)?;
        clauses.push(format!("s.owner_id = {}", owner.key));
    }
    if filter.overdue {
        clauses.push("s.state = 'open' AND s.due_date < ?".into());
        args.push(Value::Text(format_date(today(conn)?)));
    } else if filter.open {
        clauses.push("s.state = 'open'".into());
    }
    if let Some(call) = filter.recording_id {
        clauses.push(format!("s.recording_id = {call}"));
    }
    let sql = format!(
        "SELECT {STEP_COLUMNS} {STEP_FROM} WHERE {} ORDER BY s.due_date, s.created_at, s.id",
        clauses.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), step_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes a step's state: done (today, with an optional outcome note), dropped, or open again.
pub fn set_state(
    lib: &mut Library,
    actor: &Person,
    id: &str,
    state: StepState,
    outcome: Option<&str>,
) -> Result<Step> {
    let outcome = outcome
        .map(|o| {
            validate::at_most("outcome", o, MAX_TEXT_CHARS, |n| {
                format!("{n} characters is more than the {MAX_TEXT_CHARS} an outcome can hold")
            })
        })
        .transpose()?
        .filter(|o| !o.is_empty());
    lib.write(|tx| {
        let step = get(tx, actor.scope(), id)?;
        let done_on = (state == StepState::Done).then(|| today(tx).map(format_date)).transpose()?;
        tx.execute(
            "UPDATE next_steps SET state = ?2, done_on = ?3, outcome = coalesce(?4, outcome),
                 updated_at = ?5
             WHERE uuid = ?1",
            params![step.id, state.as_str(), done_on, outcome, crate::timefmt::now_ms()],
        )?;
        get(tx, Scope::Coach, &step.id)
    })
}

/// Deletes a step (a tombstone); [`restore`] brings it back.
pub fn delete(lib: &mut Library, actor: &Person, id: &str) -> Result<Step> {
    lib.write(|tx| {
        let step = get(tx, actor.scope(), id)?;
        let now = crate::timefmt::now_ms();
        tx.execute(
            "UPDATE next_steps SET deleted_at = ?2, updated_at = ?2 WHERE uuid = ?1",
            params![step.id, now],
        )?;
        Ok(step)
    })
}

/// Undoes [`delete`], for a step `actor` may see (a rep: their own).
pub fn restore(lib: &mut Library, actor: &Person, id: &str) -> Result<()> {
    lib.write(|tx| {
        let n = tx.execute(
            &format!(
                "UPDATE next_steps AS s SET deleted_at = NULL, updated_at = ?2
                 WHERE s.uuid = ?1 AND s.deleted_at IS NOT NULL AND {}",
                visible_sql(actor.scope())
            ),
            params![id.trim(), crate::timefmt::now_ms()],
        )?;
        if n == 0 {
            return Err(LibraryError::NotFound { what: "deleted next step", id: id.to_string() });
        }
        Ok(())
    })
}

/// The first screen: per person, open steps overdue (due before today) and due this week
/// (today to Sunday).
pub fn due_board(conn: &Connection, scope: Scope) -> Result<DueBoard> {
    let today = today(conn)?;
    let week_end = week_start(today) + Duration::days(6);
    let (t, e) = (format_date(today), format_date(week_end));
    let sql = format!(
        "SELECT {STEP_COLUMNS} {STEP_FROM}
         WHERE s.state = 'open' AND s.deleted_at IS NULL AND s.due_date <= ?1 AND {}
         ORDER BY o.name COLLATE NOCASE, s.due_date, s.created_at",
        visible_sql(scope)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let steps = stmt.query_map([&e], step_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut board: Vec<PersonDue> = Vec::new();
    for step in steps {
        if board.last().is_none_or(|p| p.person != step.owner) {
            board.push(PersonDue {
                person: step.owner.clone(),
                role: step.owner_role,
                overdue: Vec::new(),
                due_this_week: Vec::new(),
            });
        }
        let person = board.last_mut().expect("pushed above");
        if step.due_date < t {
            person.overdue.push(step);
        } else {
            person.due_this_week.push(step);
        }
    }
    Ok(DueBoard { today: t, week_end: e, people: board })
}

/// The steps as an iCalendar file (RFC 5545): one all-day VEVENT on each due date (calendars
/// such as Google's import events, not tasks), with a display VALARM at 09:00 the day after —
/// the offline form of a coach's delayed follow-up. Text is escaped and lines folded by the
/// `icalendar` crate.
pub fn to_ics(steps: &[Step]) -> Result<String> {
    use icalendar::{Alarm, Calendar, Component, Event, EventLike};
    let mut cal = Calendar::new();
    cal.name("Gamefilm next steps");
    for s in steps {
        let due = parse_date("due", &s.due_date)?;
        let day = chrono::NaiveDate::from_ymd_opt(due.year(), due.month() as u32, due.day() as u32)
            .ok_or_else(|| {
                LibraryError::invalid("due", format!("'{}' is out of range", s.due_date))
            })?;
        let next = day.succ_opt().unwrap_or(day);
        let mut description = format!("Owner: {}", s.owner);
        if let Some(title) = &s.recording_title {
            description.push_str(&format!("\nCall: {title}"));
            if let Some(at) = s.at_ms {
                description.push_str(&format!(" at {}", crate::timefmt::format_ms(at)));
            }
        }
        if let Some(outcome) = &s.outcome {
            description.push_str(&format!("\nOutcome: {outcome}"));
        }
        // 09:00 the day after the due date, relative to the all-day event's start (its local
        // midnight): one day and nine hours.
        let follow_up = chrono::Duration::hours(33);
        let event = Event::new()
            .uid(&format!("{}@gamefilm", s.id))
            .summary(&format!("Next step: {}", s.text))
            .description(&description)
            .starts(day)
            .ends(next)
            .alarm(Alarm::display(&format!("Follow up: {}", s.text), follow_up))
            .done();
        cal.push(event);
    }
    Ok(cal.done().to_string())
}

/// Writes [`to_ics`] of `steps` to `path` through a temporary file beside it: a failed export
/// leaves nothing at the target.
pub fn write_ics(steps: &[Step], path: &std::path::Path) -> Result<()> {
    write_atomically(path, to_ics(steps)?.as_bytes())
}

/// Writes `bytes` to `path` through a hidden file beside it, renamed into place once complete:
/// a failed write leaves nothing at the target.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let export = |source| LibraryError::Export { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let written = (|| {
        let mut f = std::fs::File::create(&partial)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&partial, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(export(e));
    }
    Ok(())
}
