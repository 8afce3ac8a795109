//! Records that travel between libraries, and the rule that merges them. This module knows
//! nothing of files or servers: review packs (`crate::pack`) carry its [`Records`] in a zip, a
//! team library would carry them over the network.
//!
//! **Identity.** People, notes, replies, reviews, revisions and next steps by UUID; recordings by
//! content hash (two libraries that imported the same file independently hold one call). A
//! person unknown by UUID but known by name (case-insensitively) is the same person: both
//! libraries then keep the smaller of the two UUIDs, so they agree after one exchange.
//!
//! **The merge rule.** Per record, the larger `(updated_at, author person UUID, record UUID)`
//! wins, compared in that order; a tombstone counts as `(deleted_at, "", UUID)`. When all three
//! are equal, the live record beats the tombstone and then the larger canonical JSON wins, so
//! that both sides always pick the same. A record's fields move together.
//!
//! **Tombstones** carry only a UUID and the deletion time. A library keeps the tombstone of a
//! record it never held (`tombstones`), so an older copy arriving later stays deleted.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::people::{Person, Role};
use super::recordings;
use super::stored_path::StoredPath;
use super::validate::MAX_TEXT_CHARS;
use super::{LibraryError, Result};
use crate::audio::peaks::Peaks;

/// The longest name of a person, title or short field that a record may carry.
pub const MAX_SHORT_CHARS: usize = 500;

/// What kind of record a UUID names (a tombstone says which table it deletes from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Kind {
    Person,
    Recording,
    Note,
    Reply,
    Review,
    Revision,
    Step,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Recording => "recording",
            Kind::Note => "note",
            Kind::Reply => "reply",
            Kind::Review => "review",
            Kind::Revision => "revision",
            Kind::Step => "step",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Person => "people",
            Kind::Recording => "recordings",
            Kind::Note => "notes",
            Kind::Reply => "note_replies",
            Kind::Review => "reviews",
            Kind::Revision => "review_revisions",
            Kind::Step => "next_steps",
        }
    }

    /// A call removed from the library travels as a tombstone named by its content hash.
    const DELETABLE: [Kind; 6] =
        [Kind::Recording, Kind::Note, Kind::Reply, Kind::Review, Kind::Revision, Kind::Step];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonRecord {
    pub uuid: String,
    pub name: String,
    pub role: Role,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A call's metadata. The audio travels beside it (a pack's `audio/<hash>.<ext>`), and its
/// waveform as one coarse level: one min/max pair per channel per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordingRecord {
    /// blake3 of the audio, hex: the recording's identity.
    pub hash: String,
    pub size_bytes: i64,
    pub container: String,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub frames: i64,
    pub duration_ms: i64,
    pub title: String,
    pub artist: Option<String>,
    pub call_time: i64,
    /// The rep's person UUID.
    pub rep: Option<String>,
    pub counterpart: Option<String>,
    pub outcome: Option<String>,
    pub tags: Vec<String>,
    pub updated_at: i64,
    /// Frames per bucket of [`RecordingRecord::peaks`].
    pub peaks_samples_per_bucket: u32,
    /// Little-endian i16 min/max pairs per channel per bucket, base64.
    pub peaks: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoteRecord {
    pub uuid: String,
    /// The recording's content hash.
    pub recording: String,
    pub author: String,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub kind: String,
    pub text: String,
    pub skill_tag: Option<String>,
    pub seen_by_rep_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyRecord {
    pub uuid: String,
    pub note: String,
    pub author: String,
    pub text: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A coach's review or a rep's submitted self-assessment (drafts never travel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewRecord {
    pub uuid: String,
    pub recording: String,
    pub author: String,
    /// `coach` or `self`.
    pub kind: String,
    pub focus_area: Option<String>,
    pub text: String,
    pub submitted_at: Option<i64>,
    pub closes_review: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevisionRecord {
    pub uuid: String,
    pub review: String,
    /// The self-assessment's author (revisions are theirs).
    pub author: String,
    pub focus_area: String,
    pub text: String,
    pub after_reveal: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepRecord {
    pub uuid: String,
    pub owner: String,
    pub author: Option<String>,
    pub text: String,
    pub due_date: String,
    pub recording: Option<String>,
    pub at_ms: Option<i64>,
    /// `open`, `done` or `dropped`.
    pub state: String,
    pub done_on: Option<String>,
    pub outcome: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A deleted record: only its UUID and when it was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tombstone {
    pub kind: Kind,
    pub uuid: String,
    pub deleted_at: i64,
}

/// Everything one exchange carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Records {
    pub people: Vec<PersonRecord>,
    pub recordings: Vec<RecordingRecord>,
    pub notes: Vec<NoteRecord>,
    pub replies: Vec<ReplyRecord>,
    pub reviews: Vec<ReviewRecord>,
    pub revisions: Vec<RevisionRecord>,
    pub steps: Vec<StepRecord>,
    pub tombstones: Vec<Tombstone>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.people.len()
            + self.recordings.len()
            + self.notes.len()
            + self.replies.len()
            + self.reviews.len()
            + self.revisions.len()
            + self.steps.len()
            + self.tombstones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Reading records out of a library

/// Which records an exchange takes for `recipient`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these calls (row ids).
    pub calls: Option<Vec<i64>>,
    /// Only calls that took place at or after this time (Unix ms).
    pub since_call_time: Option<i64>,
}

impl Selection {
    /// Neither calls nor a period: what changed for the recipient since the last exchange.
    pub fn changed_only(&self) -> bool {
        self.calls.is_none() && self.since_call_time.is_none()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash as stored, from its hex form.
pub fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The coarse waveform a recording travels with: one bucket per second.
pub fn coarse_peaks(conn: &Connection, recording_id: i64, channels: u32) -> Result<(u32, Vec<u8>)> {
    let peaks = recordings::load_peaks(conn, recording_id)?;
    let Some(base) = peaks.levels.first() else { return Ok((0, Vec::new())) };
    let per_second = 1000 / 10; // level 0 is about 10 ms a bucket
    let level = crate::audio::peaks::merge_level(base, channels.max(1) as usize, per_second);
    Ok((level.samples_per_bucket, level.to_bytes()))
}

/// The full pyramid rebuilt from a coarse level (a recording whose audio is not here).
pub fn peaks_from_coarse(channels: u32, samples_per_bucket: u32, bytes: &[u8]) -> Peaks {
    let level = crate::audio::peaks::PeakLevel::from_bytes(samples_per_bucket, bytes);
    Peaks::from_base(channels.max(1) as usize, samples_per_bucket.max(1), level.values)
}

const RECORDING_SQL: &str = "SELECT r.id, r.content_hash, r.size_bytes, r.container, r.codec,
    r.sample_rate, r.channels, r.frames, r.duration_ms, r.title, r.artist, r.call_time, p.uuid,
    r.counterpart, r.outcome, r.updated_at, r.deleted_at
    FROM recordings r LEFT JOIN people p ON p.id = r.rep_id";

fn recording_row(
    conn: &Connection,
    r: &Row<'_>,
    with_peaks: bool,
) -> Result<(i64, RecordingRecord)> {
    let id: i64 = r.get(0)?;
    let hash: Vec<u8> = r.get(1)?;
    let channels: u32 = r.get(6)?;
    let mut tags: Vec<String> = conn
        .prepare_cached(
            "SELECT tag FROM recording_tags WHERE recording_id = ?1 AND deleted_at IS NULL",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tags.sort_by_key(|t: &String| t.to_lowercase());
    let (spb, peaks) = if with_peaks { coarse_peaks(conn, id, channels)? } else { (0, Vec::new()) };
    use base64::Engine as _;
    Ok((
        id,
        RecordingRecord {
            hash: hex(&hash),
            size_bytes: r.get(2)?,
            container: r.get(3)?,
            codec: r.get(4)?,
            sample_rate: r.get(5)?,
            channels,
            frames: r.get(7)?,
            duration_ms: r.get(8)?,
            title: r.get(9)?,
            artist: r.get(10)?,
            call_time: r.get(11)?,
            rep: r.get(12)?,
            counterpart: r.get(13)?,
            outcome: r.get(14)?,
            tags,
            updated_at: r.get(15)?,
            peaks_samples_per_bucket: spb,
            peaks: base64::engine::general_purpose::STANDARD.encode(peaks),
        },
    ))
}

const NOTE_SQL: &str = "SELECT n.uuid, r.content_hash, a.uuid, n.start_ms, n.end_ms, n.kind, n.text,
    n.skill_tag, n.seen_by_rep_at, n.created_at, n.updated_at, n.deleted_at, n.recording_id,
    a.role, n.author_id
    FROM notes n JOIN recordings r ON r.id = n.recording_id LEFT JOIN people a ON a.id = n.author_id";

fn note_row(r: &Row<'_>) -> rusqlite::Result<NoteRecord> {
    Ok(NoteRecord {
        uuid: r.get(0)?,
        recording: hex(&r.get::<_, Vec<u8>>(1)?),
        author: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        start_ms: r.get(3)?,
        end_ms: r.get(4)?,
        kind: r.get(5)?,
        text: r.get(6)?,
        skill_tag: r.get(7)?,
        seen_by_rep_at: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

const REPLY_SQL: &str = "SELECT x.uuid, n.uuid, a.uuid, x.text, x.created_at, x.updated_at,
    x.deleted_at, n.id, a.role, x.author_id, n.deleted_at
    FROM note_replies x JOIN notes n ON n.id = x.note_id LEFT JOIN people a ON a.id = x.author_id";

fn reply_row(r: &Row<'_>) -> rusqlite::Result<ReplyRecord> {
    Ok(ReplyRecord {
        uuid: r.get(0)?,
        note: r.get(1)?,
        author: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        text: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

const REVIEW_SQL: &str = "SELECT v.uuid, r.content_hash, a.uuid, v.kind, v.focus_area, v.text,
    v.submitted_at, c.uuid, v.created_at, v.updated_at, v.deleted_at, v.recording_id, v.author_id
    FROM reviews v JOIN recordings r ON r.id = v.recording_id LEFT JOIN people a ON a.id = v.author_id
    LEFT JOIN reviews c ON c.id = v.closes_review_id";

fn review_row(r: &Row<'_>) -> rusqlite::Result<ReviewRecord> {
    Ok(ReviewRecord {
        uuid: r.get(0)?,
        recording: hex(&r.get::<_, Vec<u8>>(1)?),
        author: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        kind: r.get(3)?,
        focus_area: r.get(4)?,
        text: r.get(5)?,
        submitted_at: r.get(6)?,
        closes_review: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

const REVISION_SQL: &str = "SELECT x.uuid, v.uuid, a.uuid, x.focus_area, x.text, x.after_reveal,
    x.created_at, x.updated_at, x.deleted_at, v.id, v.deleted_at, v.submitted_at
    FROM review_revisions x JOIN reviews v ON v.id = x.review_id LEFT JOIN people a ON a.id = v.author_id";

fn revision_row(r: &Row<'_>) -> rusqlite::Result<RevisionRecord> {
    Ok(RevisionRecord {
        uuid: r.get(0)?,
        review: r.get(1)?,
        author: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        focus_area: r.get(3)?,
        text: r.get(4)?,
        after_reveal: r.get::<_, i64>(5)? != 0,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

const STEP_SQL: &str = "SELECT s.uuid, o.uuid, a.uuid, s.text, s.due_date, r.content_hash, s.at_ms,
    s.state, s.done_on, s.outcome, s.created_at, s.updated_at, s.deleted_at, s.owner_id,
    s.recording_id
    FROM next_steps s JOIN people o ON o.id = s.owner_id LEFT JOIN people a ON a.id = s.author_id
    LEFT JOIN recordings r ON r.id = s.recording_id";

fn step_row(r: &Row<'_>) -> rusqlite::Result<StepRecord> {
    Ok(StepRecord {
        uuid: r.get(0)?,
        owner: r.get(1)?,
        author: r.get(2)?,
        text: r.get(3)?,
        due_date: r.get(4)?,
        recording: r.get::<_, Option<Vec<u8>>>(5)?.map(|h| hex(&h)),
        at_ms: r.get(6)?,
        state: r.get(7)?,
        done_on: r.get(8)?,
        outcome: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<PersonRecord> {
    Ok(PersonRecord {
        uuid: r.get(0)?,
        name: r.get(1)?,
        role: Role::from_column(&r.get::<_, String>(2)?),
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

/// The records `recipient` may receive under `sel`, with what the pack needs to know about
/// each recording (its row id, for the audio). A rep receives only their own calls; on them
/// their own notes, replies and submitted self-assessments, their next steps, and the coaches'
/// notes and review once a coach review exists (the blind rule then holds on their machine
/// until their self-assessment is submitted); never another rep's notes, nor anyone's draft. A
/// coach receives everything but drafts. Nothing deleted travels but its tombstone.
pub fn collect(
    conn: &Connection,
    sender: &Person,
    recipient: &Person,
    sel: &Selection,
) -> Result<(Records, Vec<(i64, String)>)> {
    let rep = match recipient.role {
        Role::Rep => Some(recipient.key),
        Role::Coach => None,
    };
    // A rep sends only what they wrote (their notes, replies and self-assessments) and their
    // next steps: never the coaches' notes their library holds, which they may not have seen.
    let own = match sender.role {
        Role::Rep => Some(sender.key),
        Role::Coach => None,
    };
    let by_sender = |author_id: Option<i64>| own.is_none_or(|me| author_id == Some(me));
    // The calls in play.
    let mut where_: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    for rep in [rep, own].into_iter().flatten() {
        args.push(Value::Integer(rep));
        where_.push(format!("r.rep_id = ?{}", args.len()));
    }
    if let Some(since) = sel.since_call_time {
        args.push(Value::Integer(since));
        where_.push(format!("r.call_time >= ?{}", args.len()));
    }
    if let Some(calls) = &sel.calls {
        let list = calls.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        where_.push(format!("r.id IN ({list})"));
    }
    let mut dead: Vec<Tombstone> = Vec::new();
    // Calls removed from the library travel as their tombstone.
    {
        let sql = format!(
            "SELECT r.content_hash, r.deleted_at FROM recordings r WHERE {} ORDER BY r.id",
            where_
                .iter()
                .map(String::as_str)
                .chain(["r.deleted_at IS NOT NULL"])
                .collect::<Vec<_>>()
                .join(" AND ")
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            let hash: Vec<u8> = r.get(0)?;
            dead.push(Tombstone { kind: Kind::Recording, uuid: hex(&hash), deleted_at: r.get(1)? });
        }
    }
    where_.push("r.deleted_at IS NULL".to_string());
    let sql = format!("{RECORDING_SQL} WHERE {} ORDER BY r.id", where_.join(" AND "));
    let mut calls: BTreeMap<i64, RecordingRecord> = BTreeMap::new();
    {
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let (id, rec) = recording_row(conn, r, true)?;
            calls.insert(id, rec);
        }
    }
    let reviewed: HashSet<i64> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM recordings WHERE coach_reviews > 0 AND deleted_at IS NULL",
        )?;
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    let author_ok = |author_id: Option<i64>, role: Option<String>| match rep {
        None => true,
        Some(rep) => author_id == Some(rep) || role.as_deref() == Some("coach"),
    };
    let coach_ok = |recording_id: i64, author_id: Option<i64>| match rep {
        None => true,
        // The coaches' work on a call travels once the call is reviewed.
        Some(rep) => author_id == Some(rep) || reviewed.contains(&recording_id),
    };

    let mut out = Records::default();
    // The notes the recipient may hold, whoever sends them: a reply travels with its note's id.
    let mut live_notes: HashSet<String> = HashSet::new();
    let mut dead_notes: HashSet<String> = HashSet::new();
    {
        let mut stmt = conn.prepare(&format!("{NOTE_SQL} ORDER BY n.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let recording_id: i64 = r.get(12)?;
            let author_id: Option<i64> = r.get(14)?;
            if !calls.contains_key(&recording_id)
                || !author_ok(author_id, r.get(13)?)
                || !coach_ok(recording_id, author_id)
            {
                continue;
            }
            let uuid: String = r.get(0)?;
            let deleted: Option<i64> = r.get(11)?;
            if deleted.is_some() { &mut dead_notes } else { &mut live_notes }.insert(uuid.clone());
            if !by_sender(author_id) {
                continue;
            }
            match deleted {
                Some(t) => dead.push(Tombstone { kind: Kind::Note, uuid, deleted_at: t }),
                None => out.notes.push(note_row(r)?),
            }
        }
    }
    {
        let mut stmt = conn.prepare(&format!("{REPLY_SQL} ORDER BY x.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let note: String = r.get(1)?;
            if !(live_notes.contains(&note) || dead_notes.contains(&note))
                || !author_ok(r.get(9)?, r.get(8)?)
                || !by_sender(r.get(9)?)
            {
                continue;
            }
            match (r.get::<_, Option<i64>>(6)?, live_notes.contains(&note)) {
                (Some(t), _) => {
                    dead.push(Tombstone { kind: Kind::Reply, uuid: r.get(0)?, deleted_at: t })
                }
                // A reply to a deleted note is gone with it.
                (None, false) => {}
                (None, true) => out.replies.push(reply_row(r)?),
            }
        }
    }
    {
        let mut stmt = conn.prepare(&format!("{REVIEW_SQL} ORDER BY v.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let recording_id: i64 = r.get(11)?;
            let author_id: Option<i64> = r.get(12)?;
            let kind: String = r.get(3)?;
            if !calls.contains_key(&recording_id) || !by_sender(author_id) {
                continue;
            }
            // A self-assessment travels once submitted, and only the rep's own to a rep.
            let visible = match kind.as_str() {
                "self" => {
                    r.get::<_, Option<i64>>(6)?.is_some()
                        && rep.is_none_or(|rep| author_id == Some(rep))
                }
                // A live coach review means the call is reviewed; a withdrawn one travels as
                // its tombstone.
                _ => true,
            };
            if !visible {
                continue;
            }
            match r.get::<_, Option<i64>>(10)? {
                Some(t) => {
                    dead.push(Tombstone { kind: Kind::Review, uuid: r.get(0)?, deleted_at: t })
                }
                None => out.reviews.push(review_row(r)?),
            }
        }
    }
    let live_reviews: HashSet<String> = out.reviews.iter().map(|v| v.uuid.clone()).collect();
    // A closed review named by a review that travels must be known to the recipient: a rep
    // receives their own calls' reviews, so a closed one is on one of their calls too.
    for v in &mut out.reviews {
        if v.closes_review.as_ref().is_some_and(|c| !live_reviews.contains(c)) {
            let known_dead = dead.iter().any(|t| Some(&t.uuid) == v.closes_review.as_ref());
            if !known_dead {
                v.closes_review = None;
            }
        }
    }
    {
        let mut stmt = conn.prepare(&format!("{REVISION_SQL} ORDER BY x.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let review: String = r.get(1)?;
            if !live_reviews.contains(&review) {
                continue;
            }
            match r.get::<_, Option<i64>>(8)? {
                Some(t) => {
                    dead.push(Tombstone { kind: Kind::Revision, uuid: r.get(0)?, deleted_at: t })
                }
                None => out.revisions.push(revision_row(r)?),
            }
        }
    }
    {
        let mut stmt = conn.prepare(&format!("{STEP_SQL} ORDER BY s.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let owner: i64 = r.get(13)?;
            let recording_id: Option<i64> = r.get(14)?;
            if [rep, own].into_iter().flatten().any(|p| owner != p) {
                continue;
            }
            let in_calls = recording_id.is_some_and(|id| calls.contains_key(&id));
            if !sel.changed_only() && !in_calls {
                continue;
            }
            match r.get::<_, Option<i64>>(12)? {
                Some(t) => {
                    dead.push(Tombstone { kind: Kind::Step, uuid: r.get(0)?, deleted_at: t })
                }
                None => {
                    let mut step = step_row(r)?;
                    // A call the recipient may not receive is not named.
                    if !in_calls {
                        step.recording = None;
                        step.at_ms = None;
                    }
                    out.steps.push(step);
                }
            }
        }
    }
    // Tombstones of records never held here: only a coach may need them.
    if rep.is_none() && own.is_none() && sel.changed_only() {
        let mut stmt =
            conn.prepare("SELECT kind, uuid, deleted_at FROM tombstones ORDER BY kind, uuid")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (kind, uuid, deleted_at) = row?;
            if let Some(kind) = Kind::DELETABLE.iter().find(|k| k.as_str() == kind) {
                dead.push(Tombstone { kind: *kind, uuid, deleted_at });
            }
        }
    }
    out.tombstones = dead;

    // What changed since the last exchange with the recipient.
    if sel.changed_only() {
        let sent = versions(conn, recipient.key)?;
        let fresh = |kind: Kind, uuid: &str, version: i64| {
            sent.get(&(kind, uuid.to_string())).map(|x| x.version) != Some(version)
        };
        out.notes.retain(|x| fresh(Kind::Note, &x.uuid, stamp(x)));
        out.replies.retain(|x| fresh(Kind::Reply, &x.uuid, stamp(x)));
        out.reviews.retain(|x| fresh(Kind::Review, &x.uuid, stamp(x)));
        out.revisions.retain(|x| fresh(Kind::Revision, &x.uuid, stamp(x)));
        out.steps.retain(|x| fresh(Kind::Step, &x.uuid, stamp(x)));
        out.tombstones.retain(|t| fresh(t.kind, &t.uuid, dead_stamp(t.deleted_at)));
        // A call travels when it changed, or when something that travels is on it.
        let mut needed: HashSet<String> = HashSet::new();
        needed.extend(out.notes.iter().map(|n| n.recording.clone()));
        needed.extend(out.reviews.iter().map(|n| n.recording.clone()));
        needed.extend(out.steps.iter().filter_map(|n| n.recording.clone()));
        calls.retain(|_, r| {
            needed.contains(&r.hash) || fresh(Kind::Recording, &r.hash, stamp(&comparable(r)))
        });
        // Replies and revisions whose parent stays home: the recipient has the parent already.
    }
    let mut ids = Vec::new();
    for (id, rec) in calls {
        ids.push((id, rec.hash.clone()));
        out.recordings.push(rec);
    }

    // The people named: sender, recipient, authors, owners and reps.
    let mut named: HashSet<String> = HashSet::new();
    named.insert(sender.id.clone());
    named.insert(recipient.id.clone());
    named.extend(out.recordings.iter().filter_map(|r| r.rep.clone()));
    named.extend(out.notes.iter().map(|r| r.author.clone()));
    named.extend(out.replies.iter().map(|r| r.author.clone()));
    named.extend(out.reviews.iter().map(|r| r.author.clone()));
    named.extend(out.revisions.iter().map(|r| r.author.clone()));
    named.extend(out.steps.iter().map(|r| r.owner.clone()));
    named.extend(out.steps.iter().filter_map(|r| r.author.clone()));
    let mut stmt = conn.prepare_cached(
        "SELECT uuid, name, role, created_at, updated_at FROM people
         WHERE deleted_at IS NULL ORDER BY uuid",
    )?;
    out.people = stmt
        .query_map([], person_row)?
        .filter(|p| p.as_ref().map_or(true, |p| named.contains(&p.uuid)))
        .collect::<rusqlite::Result<_>>()?;
    Ok((out, ids))
}

/// A live record's version as `pack_versions` keeps it: a hash of its canonical JSON (which
/// holds `updatedAt`), so that two different records edited in the same millisecond differ.
fn stamp<T: Serialize>(record: &T) -> i64 {
    canonical_stamp(&serde_json::to_string(record).unwrap_or_default())
}

fn canonical_stamp(canonical: &str) -> i64 {
    let h = blake3::hash(canonical.as_bytes());
    // Non-negative: deletions are negative.
    (u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or_default()) >> 1) as i64
}

/// A recording as both sides compare it: without its waveform, tags in one order.
fn comparable(r: &RecordingRecord) -> RecordingRecord {
    let mut c = RecordingRecord { peaks: String::new(), peaks_samples_per_bucket: 0, ..r.clone() };
    c.tags.sort_by_key(|t| t.to_lowercase());
    c
}

/// A deletion's version as `pack_versions` keeps it: negative, so that a live version edited in
/// the same millisecond as a deletion elsewhere is not taken for it.
fn dead_stamp(deleted_at: i64) -> i64 {
    -deleted_at - 1
}

/// What went between this library and one person for one record: the last version either way,
/// the last sent and the last received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Exchanged {
    version: i64,
    sent: Option<i64>,
    received: Option<i64>,
}

fn versions(conn: &Connection, person: i64) -> Result<HashMap<(Kind, String), Exchanged>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, uuid, version, sent, received FROM pack_versions WHERE person_id = ?1",
    )?;
    let rows = stmt.query_map([person], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            Exchanged { version: r.get(2)?, sent: r.get(3)?, received: r.get(4)? },
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (kind, uuid, x) = row?;
        if let Some(kind) = KINDS.iter().find(|k| k.as_str() == kind) {
            out.insert((*kind, uuid), x);
        }
    }
    Ok(out)
}

/// The records named by `keys` (a kind and a UUID; a recording by its content hash in hex), as
/// they stand in the library: a live record as itself, a deleted one as its tombstone. A key
/// that names nothing, and a self-assessment not yet submitted (drafts never travel), give
/// nothing. The team library's outbox is read this way.
pub fn records_of(conn: &Connection, keys: &[(Kind, String)]) -> Result<Records> {
    let mut out = Records::default();
    for (kind, uuid) in keys {
        let tombstone = |deleted_at: i64| Tombstone { kind: *kind, uuid: uuid.clone(), deleted_at };
        match kind {
            Kind::Person => {
                let row = conn
                    .prepare_cached(
                        "SELECT uuid, name, role, created_at, updated_at FROM people WHERE uuid = ?1",
                    )?
                    .query_row([uuid], person_row)
                    .optional()?;
                out.people.extend(row);
            }
            Kind::Recording => {
                let Some(hash) = unhex(uuid) else { continue };
                let mut stmt =
                    conn.prepare_cached(&format!("{RECORDING_SQL} WHERE r.content_hash = ?1"))?;
                let mut rows = stmt.query([&hash[..]])?;
                if let Some(r) = rows.next()? {
                    match r.get::<_, Option<i64>>(16)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None => out.recordings.push(recording_row(conn, r, true)?.1),
                    }
                }
            }
            Kind::Note => {
                let mut stmt = conn.prepare_cached(&format!("{NOTE_SQL} WHERE n.uuid = ?1"))?;
                let mut rows = stmt.query([uuid])?;
                if let Some(r) = rows.next()? {
                    match r.get::<_, Option<i64>>(11)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None => out.notes.push(note_row(r)?),
                    }
                }
            }
            Kind::Reply => {
                let mut stmt = conn.prepare_cached(&format!("{REPLY_SQL} WHERE x.uuid = ?1"))?;
                let mut rows = stmt.query([uuid])?;
                if let Some(r) = rows.next()? {
                    match r.get::<_, Option<i64>>(6)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None => out.replies.push(reply_row(r)?),
                    }
                }
            }
            Kind::Review => {
                let mut stmt = conn.prepare_cached(&format!("{REVIEW_SQL} WHERE v.uuid = ?1"))?;
                let mut rows = stmt.query([uuid])?;
                if let Some(r) = rows.next()? {
                    let draft =
                        r.get::<_, String>(3)? == "self" && r.get::<_, Option<i64>>(6)?.is_none();
                    match r.get::<_, Option<i64>>(10)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None if draft => {}
                        None => out.reviews.push(review_row(r)?),
                    }
                }
            }
            Kind::Revision => {
                let mut stmt = conn.prepare_cached(&format!("{REVISION_SQL} WHERE x.uuid = ?1"))?;
                let mut rows = stmt.query([uuid])?;
                if let Some(r) = rows.next()? {
                    match r.get::<_, Option<i64>>(8)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None => out.revisions.push(revision_row(r)?),
                    }
                }
            }
            Kind::Step => {
                let mut stmt = conn.prepare_cached(&format!("{STEP_SQL} WHERE s.uuid = ?1"))?;
                let mut rows = stmt.query([uuid])?;
                if let Some(r) = rows.next()? {
                    match r.get::<_, Option<i64>>(12)? {
                        Some(t) => out.tombstones.push(tombstone(t)),
                        None => out.steps.push(step_row(r)?),
                    }
                }
            }
        }
    }
    Ok(out)
}

impl std::str::FromStr for Kind {
    type Err = LibraryError;

    fn from_str(s: &str) -> Result<Kind> {
        KINDS
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| LibraryError::invalid("kind", format!("'{s}' is not a kind of record")))
    }
}

/// Which way records went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// Every kind, each after the kinds its records refer to (people, calls, then what is on them).
pub const KINDS: [Kind; 7] = [
    Kind::Person,
    Kind::Recording,
    Kind::Note,
    Kind::Reply,
    Kind::Review,
    Kind::Revision,
    Kind::Step,
];

/// Remembers the version of every record exchanged with `person`, sent or received, so that
/// the next pack for them leaves out what they already have.
pub fn remember_exchanged(
    conn: &Connection,
    person: i64,
    records: &Records,
    direction: Direction,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(match direction {
        Direction::Sent => {
            "INSERT INTO pack_versions (person_id, kind, uuid, version, sent) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (person_id, kind, uuid) DO UPDATE SET version = excluded.version,
                 sent = excluded.sent"
        }
        Direction::Received => {
            "INSERT INTO pack_versions (person_id, kind, uuid, version, received) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (person_id, kind, uuid) DO UPDATE SET version = excluded.version,
                 received = excluded.received"
        }
    })?;
    let mut put = |kind: Kind, uuid: &str, version: i64| {
        stmt.execute(params![person, kind.as_str(), uuid, version]).map(|_| ())
    };
    for x in &records.recordings {
        put(Kind::Recording, &x.hash, stamp(&comparable(x)))?;
    }
    for x in &records.notes {
        put(Kind::Note, &x.uuid, stamp(x))?;
    }
    for x in &records.replies {
        put(Kind::Reply, &x.uuid, stamp(x))?;
    }
    for x in &records.reviews {
        put(Kind::Review, &x.uuid, stamp(x))?;
    }
    for x in &records.revisions {
        put(Kind::Revision, &x.uuid, stamp(x))?;
    }
    for x in &records.steps {
        put(Kind::Step, &x.uuid, stamp(x))?;
    }
    for t in &records.tombstones {
        put(t.kind, &t.uuid, dead_stamp(t.deleted_at))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checking records from elsewhere

/// Why a record from elsewhere is refused: which record, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// `notes[3]`, `people[0]`…
    pub at: String,
    pub reason: String,
}

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

fn bad(list: &str, i: usize, reason: impl Into<String>) -> BadRecord {
    BadRecord { at: format!("{list}[{i}]"), reason: reason.into() }
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.hyphenated().to_string() == s)
}

fn text_ok(v: &str, max: usize) -> bool {
    v.chars().count() <= max
}

/// Checks every record before anything is written: well-formed UUIDs and hashes, known values,
/// times inside the call, text within the library's limits, no UUID twice, and every reference
/// resolving to a record of the same exchange or of this library.
pub fn check(conn: &Connection, rec: &Records) -> Result<std::result::Result<(), BadRecord>> {
    let exists = |sql: &str, key: &dyn rusqlite::ToSql| -> Result<bool> {
        Ok(conn.prepare_cached(sql)?.query_row([key], |_| Ok(())).optional()?.is_some())
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut dup = |uuid: &str| !seen.insert(uuid.to_string());
    let people: HashSet<&str> = rec.people.iter().map(|p| p.uuid.as_str()).collect();
    // What the library was found to hold, asked once per check.
    let people_here: RefCell<HashSet<String>> = RefCell::default();
    let person_known = |u: &str| -> Result<bool> {
        if people.contains(u) || people_here.borrow().contains(u) {
            return Ok(true);
        }
        let here = exists("SELECT 1 FROM people WHERE uuid = ?1", &u)?;
        if here {
            people_here.borrow_mut().insert(u.to_string());
        }
        Ok(here)
    };
    for (i, p) in rec.people.iter().enumerate() {
        if !is_uuid(&p.uuid) {
            return Ok(Err(bad("people", i, format!("'{}' is not a UUID", p.uuid))));
        }
        if dup(&p.uuid) {
            return Ok(Err(bad("people", i, "the same UUID twice")));
        }
        if p.name.trim().is_empty() || !text_ok(&p.name, MAX_SHORT_CHARS) {
            return Ok(Err(bad("people", i, "a name must be 1 to 500 characters")));
        }
    }
    let mut durations: HashMap<&str, i64> = HashMap::new();
    for (i, r) in rec.recordings.iter().enumerate() {
        if unhex(&r.hash).is_none() {
            return Ok(Err(bad("recordings", i, format!("'{}' is not a content hash", r.hash))));
        }
        if durations.insert(&r.hash, r.duration_ms).is_some() {
            return Ok(Err(bad("recordings", i, "the same call twice")));
        }
        if r.duration_ms <= 0 || r.frames <= 0 || r.sample_rate == 0 || r.channels == 0 {
            return Ok(Err(bad(
                "recordings",
                i,
                "a call needs a duration, frames, rate and channels",
            )));
        }
        if !text_ok(&r.title, MAX_SHORT_CHARS)
            || r.counterpart.as_deref().is_some_and(|c| !text_ok(c, MAX_SHORT_CHARS))
            || r.artist.as_deref().is_some_and(|c| !text_ok(c, MAX_SHORT_CHARS))
            || r.tags.iter().any(|t| t.trim().is_empty() || !text_ok(t, MAX_SHORT_CHARS))
        {
            return Ok(Err(bad(
                "recordings",
                i,
                "a title, counterpart, artist or tag is too long or empty",
            )));
        }
        if r.outcome
            .as_deref()
            .is_some_and(|o| !super::CallOutcome::ALL.iter().any(|x| x.as_str() == o))
        {
            return Ok(Err(bad("recordings", i, "an outcome must be one of the five outcomes")));
        }
        if let Some(rep) = &r.rep
            && !person_known(rep)?
        {
            return Ok(Err(bad("recordings", i, format!("its rep {rep} is nobody"))));
        }
        use base64::Engine as _;
        let Ok(peaks) = base64::engine::general_purpose::STANDARD.decode(&r.peaks) else {
            return Ok(Err(bad("recordings", i, "its peaks are not base64")));
        };
        let expect = (r.frames as u64).div_ceil(r.peaks_samples_per_bucket.max(1) as u64)
            * r.channels as u64
            * 4;
        if r.peaks_samples_per_bucket == 0 || peaks.len() as u64 != expect {
            return Ok(Err(bad("recordings", i, "its peaks do not fit the call")));
        }
    }
    let durations_here: RefCell<HashMap<String, i64>> = RefCell::default();
    let duration = |hash: &str| -> Result<Option<i64>> {
        if let Some(d) = durations.get(hash).or(durations_here.borrow().get(hash)) {
            return Ok(Some(*d));
        }
        let Some(h) = unhex(hash) else { return Ok(None) };
        let here: Option<i64> = conn
            .prepare_cached("SELECT duration_ms FROM recordings WHERE content_hash = ?1")?
            .query_row([&h[..]], |r| r.get(0))
            .optional()?;
        if let Some(d) = here {
            durations_here.borrow_mut().insert(hash.to_string(), d);
        }
        Ok(here)
    };
    let tombstoned: HashSet<&str> = rec.tombstones.iter().map(|t| t.uuid.as_str()).collect();
    let notes: HashSet<&str> = rec.notes.iter().map(|n| n.uuid.as_str()).collect();
    for (i, n) in rec.notes.iter().enumerate() {
        if !is_uuid(&n.uuid) || dup(&n.uuid) {
            return Ok(Err(bad(
                "notes",
                i,
                format!("'{}' is not a UUID, or is there twice", n.uuid),
            )));
        }
        let Some(d) = duration(&n.recording)? else {
            return Ok(Err(bad("notes", i, format!("its call {} is nowhere", n.recording))));
        };
        if !person_known(&n.author)? {
            return Ok(Err(bad("notes", i, format!("its author {} is nobody", n.author))));
        }
        if n.start_ms < 0 || n.start_ms > d || n.end_ms.is_some_and(|e| e <= n.start_ms || e > d) {
            return Ok(Err(bad(
                "notes",
                i,
                format!("its time {}–{:?} ms is outside the {d} ms call", n.start_ms, n.end_ms),
            )));
        }
        if !matches!(n.kind.as_str(), "positive" | "improvement") {
            return Ok(Err(bad(
                "notes",
                i,
                format!("kind '{}' is not positive or improvement", n.kind),
            )));
        }
        if !text_ok(&n.text, MAX_TEXT_CHARS) {
            return Ok(Err(bad(
                "notes",
                i,
                format!("a note's text must be at most {MAX_TEXT_CHARS} characters"),
            )));
        }
        if n.skill_tag.as_deref().is_some_and(|t| !text_ok(t, MAX_SHORT_CHARS)) {
            return Ok(Err(bad("notes", i, "its skill tag is too long")));
        }
    }
    for (i, x) in rec.replies.iter().enumerate() {
        if !is_uuid(&x.uuid) || dup(&x.uuid) {
            return Ok(Err(bad(
                "replies",
                i,
                format!("'{}' is not a UUID, or is there twice", x.uuid),
            )));
        }
        if !notes.contains(x.note.as_str())
            && !tombstoned.contains(x.note.as_str())
            && !exists("SELECT 1 FROM notes WHERE uuid = ?1", &x.note)?
            && !exists("SELECT 1 FROM tombstones WHERE uuid = ?1", &x.note)?
        {
            return Ok(Err(bad("replies", i, format!("its note {} is nowhere", x.note))));
        }
        if !person_known(&x.author)? {
            return Ok(Err(bad("replies", i, format!("its author {} is nobody", x.author))));
        }
        if x.text.trim().is_empty() || !text_ok(&x.text, MAX_TEXT_CHARS) {
            return Ok(Err(bad(
                "replies",
                i,
                format!("a reply's text must be 1 to {MAX_TEXT_CHARS} characters"),
            )));
        }
    }
    let reviews: HashSet<&str> = rec.reviews.iter().map(|n| n.uuid.as_str()).collect();
    let review_known = |u: &str| -> Result<bool> {
        Ok(reviews.contains(u)
            || tombstoned.contains(u)
            || exists("SELECT 1 FROM reviews WHERE uuid = ?1", &u)?
            || exists("SELECT 1 FROM tombstones WHERE uuid = ?1", &u)?)
    };
    for (i, v) in rec.reviews.iter().enumerate() {
        if !is_uuid(&v.uuid) || dup(&v.uuid) {
            return Ok(Err(bad(
                "reviews",
                i,
                format!("'{}' is not a UUID, or is there twice", v.uuid),
            )));
        }
        if duration(&v.recording)?.is_none() {
            return Ok(Err(bad("reviews", i, format!("its call {} is nowhere", v.recording))));
        }
        if !person_known(&v.author)? {
            return Ok(Err(bad("reviews", i, format!("its author {} is nobody", v.author))));
        }
        if !matches!(v.kind.as_str(), "coach" | "self") {
            return Ok(Err(bad("reviews", i, format!("kind '{}' is not coach or self", v.kind))));
        }
        if v.kind == "self" && v.submitted_at.is_none() {
            return Ok(Err(bad("reviews", i, "a draft self-assessment never travels")));
        }
        if !text_ok(&v.text, MAX_TEXT_CHARS)
            || v.focus_area.as_deref().is_some_and(|f| !text_ok(f, MAX_SHORT_CHARS))
        {
            return Ok(Err(bad("reviews", i, "its text or focus area is too long")));
        }
        if let Some(c) = &v.closes_review
            && !review_known(c)?
        {
            return Ok(Err(bad("reviews", i, format!("the review it closes, {c}, is nowhere"))));
        }
    }
    for (i, x) in rec.revisions.iter().enumerate() {
        if !is_uuid(&x.uuid) || dup(&x.uuid) {
            return Ok(Err(bad(
                "revisions",
                i,
                format!("'{}' is not a UUID, or is there twice", x.uuid),
            )));
        }
        if !review_known(&x.review)? {
            return Ok(Err(bad("revisions", i, format!("its review {} is nowhere", x.review))));
        }
        if !text_ok(&x.text, MAX_TEXT_CHARS) || !text_ok(&x.focus_area, MAX_SHORT_CHARS) {
            return Ok(Err(bad("revisions", i, "its text or focus area is too long")));
        }
    }
    for (i, s) in rec.steps.iter().enumerate() {
        if !is_uuid(&s.uuid) || dup(&s.uuid) {
            return Ok(Err(bad(
                "steps",
                i,
                format!("'{}' is not a UUID, or is there twice", s.uuid),
            )));
        }
        if !person_known(&s.owner)?
            || s.author.as_deref().is_some_and(|a| !person_known(a).unwrap_or(false))
        {
            return Ok(Err(bad("steps", i, "its owner or author is nobody")));
        }
        let date_ok = |d: &str| super::steps::parse_date("due", d).is_ok();
        if !date_ok(&s.due_date) || s.done_on.as_deref().is_some_and(|d| !date_ok(d)) {
            return Ok(Err(bad("steps", i, "a date is not YYYY-MM-DD")));
        }
        if !matches!(s.state.as_str(), "open" | "done" | "dropped") {
            return Ok(Err(bad(
                "steps",
                i,
                format!("state '{}' is not open, done or dropped", s.state),
            )));
        }
        if s.text.trim().is_empty()
            || !text_ok(&s.text, MAX_TEXT_CHARS)
            || s.outcome.as_deref().is_some_and(|o| !text_ok(o, MAX_TEXT_CHARS))
        {
            return Ok(Err(bad("steps", i, "its text or outcome is empty or too long")));
        }
        if let Some(h) = &s.recording {
            let Some(d) = duration(h)? else {
                return Ok(Err(bad("steps", i, format!("its call {h} is nowhere"))));
            };
            if s.at_ms.is_some_and(|t| t < 0 || t > d) {
                return Ok(Err(bad("steps", i, "its time is outside the call")));
            }
        } else if s.at_ms.is_some() {
            return Ok(Err(bad("steps", i, "a time without a call")));
        }
    }
    for (i, t) in rec.tombstones.iter().enumerate() {
        let named = match t.kind {
            Kind::Recording => unhex(&t.uuid).is_some_and(|h| hex(&h) == t.uuid),
            _ => is_uuid(&t.uuid),
        };
        if !named || dup(&t.uuid) {
            return Ok(Err(bad(
                "tombstones",
                i,
                format!("'{}' is not a UUID (a call: its content hash), or is there twice", t.uuid),
            )));
        }
        if !Kind::DELETABLE.contains(&t.kind) {
            return Ok(Err(bad(
                "tombstones",
                i,
                format!("a {} is never deleted by a tombstone", t.kind.as_str()),
            )));
        }
    }
    Ok(Ok(()))
}

// ---------------------------------------------------------------------------------------------
// Merging

/// What a merge did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MergeCounts {
    /// Records this library did not have.
    pub new: u32,
    /// Records that replaced an older version here.
    pub updated: u32,
    /// Records already here as they are, or older than what is here.
    pub unchanged: u32,
    /// Deletions applied here.
    pub deleted: u32,
}

/// Both sides changed one record since they last exchanged it: which version was kept.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Conflict {
    pub kind: Kind,
    pub id: String,
    /// `true`: the arriving version won; `false`: this library's.
    pub theirs_kept: bool,
    /// Why, in words: "theirs is newer", "same time: the larger author id wins"…
    pub reason: String,
}

/// The outcome of one merge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MergeSummary {
    pub people: MergeCounts,
    pub recordings: MergeCounts,
    pub notes: MergeCounts,
    pub replies: MergeCounts,
    pub reviews: MergeCounts,
    pub steps: MergeCounts,
    /// Replies and revisions whose parent is deleted here: not stored.
    pub skipped: u32,
    pub conflicts: Vec<Conflict>,
}

impl MergeSummary {
    /// Whether the merge changed anything.
    pub fn changed(&self) -> bool {
        [&self.people, &self.recordings, &self.notes, &self.replies, &self.reviews, &self.steps]
            .iter()
            .any(|c| c.new + c.updated + c.deleted > 0)
    }
}

/// One side's version of a record, as the rule compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    time: i64,
    author: String,
    live: bool,
    canonical: String,
}

impl Version {
    fn live<T: Serialize>(time: i64, author: &str, record: &T) -> Version {
        Version {
            time,
            author: author.to_string(),
            live: true,
            canonical: serde_json::to_string(record).unwrap_or_default(),
        }
    }

    fn dead(time: i64) -> Version {
        Version { time, author: String::new(), live: false, canonical: String::new() }
    }

    /// The record UUID is the same on both sides, so it decides nothing between two versions
    /// of one record; liveness and then the canonical text settle an exact tie.
    fn cmp(&self, other: &Version) -> Ordering {
        (self.time, &self.author, self.live, &self.canonical).cmp(&(
            other.time,
            &other.author,
            other.live,
            &other.canonical,
        ))
    }

    /// The version as `pack_versions` keeps it.
    fn stamp(&self) -> i64 {
        if self.live { canonical_stamp(&self.canonical) } else { dead_stamp(self.time) }
    }

    fn why_over(&self, other: &Version) -> &'static str {
        if self.time != other.time {
            "the newer edit wins"
        } else if self.author != other.author {
            "edited at the same moment: the larger author id wins"
        } else {
            "edited at the same moment by the same person: the larger record wins"
        }
    }
}

/// Audio that arrived with the records: where each call's file now is, by content hash. The
/// calls keep the pack's coarse waveform until [`crate::import::refine_peaks`] decodes the files.
pub type ArrivedAudio = HashMap<String, PathBuf>;

struct Merger<'a> {
    tx: &'a Connection,
    /// Incoming person UUID → local row id.
    people: HashMap<String, i64>,
    /// Content hash (hex) → local recording id.
    recordings: HashMap<String, i64>,
    /// A person UUID this merge found in the library → local row id.
    found: HashMap<String, i64>,
    /// Local person id → name, as read once.
    names: HashMap<i64, String>,
    /// What went between this library and the sender, per record.
    exchanged: HashMap<(Kind, String), Exchanged>,
    summary: MergeSummary,
}

/// Merges `records` into the library inside `tx`: each record by the rule, the whole exchange
/// in one transaction. `sender` is the person the records came from (their UUID), to tell a
/// conflict (both sides changed the record since they last exchanged it) from an update.
/// `audio` gives new calls their files; a new call without one is stored without audio, with
/// its coarse waveform. Call [`check`] first.
pub fn apply(
    tx: &Connection,
    records: &Records,
    sender: Option<&str>,
    audio: &ArrivedAudio,
) -> Result<MergeSummary> {
    let mut m = Merger {
        tx,
        people: HashMap::new(),
        recordings: HashMap::new(),
        found: HashMap::new(),
        names: HashMap::new(),
        exchanged: HashMap::new(),
        summary: MergeSummary::default(),
    };
    for p in &records.people {
        m.person(p)?;
    }
    if let Some(sender) = sender
        && let Some(&id) = m.people.get(sender)
    {
        m.exchanged = versions(tx, id)?;
    }
    for r in &records.recordings {
        m.recording(r, audio)?;
    }
    for n in &records.notes {
        m.note(n)?;
    }
    for x in &records.replies {
        m.reply(x)?;
    }
    for v in &records.reviews {
        m.review(v)?;
    }
    for v in &records.reviews {
        m.closes(v)?;
    }
    for x in &records.revisions {
        m.revision(x)?;
    }
    for s in &records.steps {
        m.step(s)?;
    }
    for t in &records.tombstones {
        m.tombstone(t)?;
    }
    Ok(m.summary)
}

/// Runs one write through the connection's statement cache: a statement on a table with
/// triggers is costly to prepare (each trigger's program is compiled into it), and a merge runs
/// the same few statements for every record.
fn run(tx: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params)
}

fn counts(summary: &mut MergeSummary, kind: Kind) -> &mut MergeCounts {
    match kind {
        Kind::Person => &mut summary.people,
        Kind::Recording => &mut summary.recordings,
        Kind::Note => &mut summary.notes,
        Kind::Reply => &mut summary.replies,
        Kind::Review | Kind::Revision => &mut summary.reviews,
        Kind::Step => &mut summary.steps,
    }
}

/// What the rule decided for one arriving record.
enum Decision {
    Insert,
    Replace,
    Keep,
}

impl Merger<'_> {
    fn person_id(&mut self, uuid: &str) -> Result<i64> {
        if let Some(id) = self.people.get(uuid).or_else(|| self.found.get(uuid)) {
            return Ok(*id);
        }
        let id = self
            .tx
            .prepare_cached("SELECT id FROM people WHERE uuid = ?1")?
            .query_row([uuid], |r| r.get(0))
            .optional()?
            .ok_or_else(|| LibraryError::NotFound { what: "person", id: uuid.to_string() })?;
        self.found.insert(uuid.to_string(), id);
        Ok(id)
    }

    /// The UUID this library uses for the person an arriving record names (they may differ for
    /// one person known by name on both sides, until both keep the smaller).
    fn local(&self, uuid: &str) -> Result<String> {
        let Some(id) = self.people.get(uuid) else { return Ok(uuid.to_string()) };
        Ok(self
            .tx
            .prepare_cached("SELECT uuid FROM people WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?)
    }

    fn local_opt(&self, uuid: &Option<String>) -> Result<Option<String>> {
        uuid.as_deref().map(|u| self.local(u)).transpose()
    }

    fn recording_id(&mut self, hash: &str) -> Result<i64> {
        if let Some(id) = self.recordings.get(hash) {
            return Ok(*id);
        }
        let h = unhex(hash).unwrap_or_default();
        let id = self
            .tx
            .prepare_cached("SELECT id FROM recordings WHERE content_hash = ?1")?
            .query_row([&h[..]], |r| r.get(0))
            .optional()?
            .ok_or_else(|| LibraryError::NotFound { what: "recording", id: hash.to_string() })?;
        self.recordings.insert(hash.to_string(), id);
        Ok(id)
    }

    fn tombstone_time(&self, kind: Kind, uuid: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT deleted_at FROM tombstones WHERE kind = ?1 AND uuid = ?2")?
            .query_row(params![kind.as_str(), uuid], |r| r.get(0))
            .optional()?)
    }

    /// Applies the rule between `ours` (None: never seen) and `theirs`.
    fn decide(
        &mut self,
        kind: Kind,
        id: &str,
        ours: Option<Version>,
        theirs: &Version,
    ) -> Decision {
        let Some(ours) = ours else { return Decision::Insert };
        let order = theirs.cmp(&ours);
        if order == Ordering::Equal {
            counts(&mut self.summary, kind).unchanged += 1;
            return Decision::Keep;
        }
        // A conflict: both sides changed the record since it last went between them: ours is
        // not what they last sent us, and theirs is not what we last sent them.
        let x = self.exchanged.get(&(kind, id.to_string()));
        let both_moved = ours.stamp() != x.and_then(|x| x.received).unwrap_or(i64::MIN)
            && theirs.stamp() != x.and_then(|x| x.sent).unwrap_or(i64::MIN);
        // People are not remembered per exchange: no conflict to tell for them.
        if both_moved && kind != Kind::Person {
            let (winner, loser) =
                if order == Ordering::Greater { (theirs, &ours) } else { (&ours, theirs) };
            self.summary.conflicts.push(Conflict {
                kind,
                id: id.to_string(),
                theirs_kept: order == Ordering::Greater,
                reason: winner.why_over(loser).to_string(),
            });
        }
        if order == Ordering::Greater {
            Decision::Replace
        } else {
            counts(&mut self.summary, kind).unchanged += 1;
            Decision::Keep
        }
    }

    fn person(&mut self, p: &PersonRecord) -> Result<()> {
        let tx = self.tx;
        let by_uuid = tx
            .prepare_cached(
                "SELECT id, uuid, name, role, created_at, updated_at FROM people WHERE uuid = ?1",
            )?
            .query_row([&p.uuid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .optional()?;
        let found = match by_uuid {
            Some(x) => Some(x),
            None => tx
                .prepare_cached(
                    "SELECT id, uuid FROM people WHERE name = ?1 AND deleted_at IS NULL",
                )?
                .query_row([p.name.trim()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()?,
        };
        let Some((id, uuid)) = found else {
            run(
                tx,
                "INSERT INTO people (uuid, name, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.uuid, p.name.trim(), p.role.as_str(), p.created_at, p.updated_at],
            )?;
            self.people.insert(p.uuid.clone(), tx.last_insert_rowid());
            self.summary.people.new += 1;
            return Ok(());
        };
        self.people.insert(p.uuid.clone(), id);
        // Two UUIDs for one name: both libraries keep the smaller.
        if p.uuid < uuid {
            run(tx, "UPDATE people SET uuid = ?2 WHERE id = ?1", params![id, p.uuid])?;
        }
        let ours: PersonRecord = tx
            .prepare_cached(
                "SELECT uuid, name, role, created_at, updated_at FROM people WHERE id = ?1",
            )?
            .query_row([id], person_row)?;
        let ours_cmp = PersonRecord { uuid: p.uuid.clone(), ..ours.clone() };
        let theirs = Version::live(p.updated_at, &p.uuid, p);
        let mine = Version::live(ours.updated_at, &p.uuid, &ours_cmp);
        if let Decision::Replace = self.decide(Kind::Person, &p.uuid, Some(mine), &theirs) {
            let taken = tx
                .prepare_cached("SELECT 1 FROM people WHERE name = ?1 AND id <> ?2")?
                .query_row(params![p.name.trim(), id], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                // The name is someone else's here: keep ours, say so.
                self.summary.conflicts.push(Conflict {
                    kind: Kind::Person,
                    id: p.uuid.clone(),
                    theirs_kept: false,
                    reason: format!("the name '{}' belongs to someone else here", p.name),
                });
            } else {
                run(
                    tx,
                    "UPDATE people SET name = ?2, role = ?3, created_at = ?4, updated_at = ?5
                     WHERE id = ?1",
                    params![id, p.name.trim(), p.role.as_str(), p.created_at, p.updated_at],
                )?;
                self.summary.people.updated += 1;
            }
        }
        Ok(())
    }

    fn recording(&mut self, r: &RecordingRecord, audio: &ArrivedAudio) -> Result<()> {
        let tx = self.tx;
        let hash = unhex(&r.hash).unwrap_or_default();
        let rep = match &r.rep {
            Some(u) => Some(self.person_id(u)?),
            None => None,
        };
        let local = tx
            .prepare_cached(&format!("{RECORDING_SQL} WHERE r.content_hash = ?1"))?
            .query_row([&hash[..]], |row| Ok(recording_row(tx, row, false)))
            .optional()?
            .transpose()?;
        let arrived = audio.get(&r.hash);
        let r = &RecordingRecord { rep: self.local_opt(&r.rep)?, ..r.clone() };
        let theirs_cmp = comparable(r);
        let theirs = Version::live(r.updated_at, "", &theirs_cmp);
        let now = crate::timefmt::now_ms();
        match local {
            None => {
                let path = arrived.map(|p| StoredPath::of(p));
                let peaks = {
                    use base64::Engine as _;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(&r.peaks)
                        .map_err(|e| LibraryError::invalid("peaks", e.to_string()))?;
                    peaks_from_coarse(r.channels, r.peaks_samples_per_bucket, &bytes)
                };
                run(
                    tx,
                    "INSERT INTO recordings (path, content_hash, size_bytes, container, codec,
                         sample_rate, channels, frames, duration_ms, title, artist, call_time,
                         rep_id, counterpart, outcome, imported_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                    params![
                        path, &hash[..], r.size_bytes, r.container, r.codec, r.sample_rate,
                        r.channels, r.frames, r.duration_ms, r.title, r.artist, r.call_time, rep,
                        r.counterpart, r.outcome, now, r.updated_at
                    ],
                )?;
                let id = tx.last_insert_rowid();
                recordings::replace_peaks(tx, id, &peaks)?;
                self.set_tags(id, &r.tags, r.updated_at)?;
                self.recordings.insert(r.hash.clone(), id);
                self.summary.recordings.new += 1;
            }
            Some((id, ours)) => {
                self.recordings.insert(r.hash.clone(), id);
                if let Some(path) = arrived {
                    let missing: Option<Option<String>> = tx
                        .prepare_cached("SELECT path FROM recordings WHERE id = ?1")?
                        .query_row([id], |r| r.get(0))
                        .optional()?;
                    if matches!(missing, Some(None)) {
                        recordings::set_audio_path(tx, id, path)?;
                    }
                }
                let removed: Option<i64> = tx
                    .prepare_cached("SELECT deleted_at FROM recordings WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?;
                let mine = match removed {
                    Some(d) => Version::dead(d),
                    None => Version::live(ours.updated_at, "", &ours),
                };
                if let Decision::Replace =
                    self.decide(Kind::Recording, &r.hash, Some(mine), &theirs)
                {
                    // A newer edit elsewhere brings a removed call back.
                    run(
                        tx,
                        "UPDATE recordings SET title = ?2, artist = ?3, call_time = ?4, rep_id = ?5,
                             counterpart = ?6, outcome = ?7, updated_at = ?8, deleted_at = NULL
                         WHERE id = ?1",
                        params![id, r.title, r.artist, r.call_time, rep, r.counterpart, r.outcome, r.updated_at],
                    )?;
                    self.set_tags(id, &r.tags, r.updated_at)?;
                    self.summary.recordings.updated += 1;
                }
            }
        }
        Ok(())
    }

    /// Makes a call's live tags exactly `tags`; removed ones stay as tombstones.
    fn set_tags(&self, id: i64, tags: &[String], at: i64) -> Result<()> {
        let tx = self.tx;
        let keep: HashSet<String> = tags.iter().map(|t| t.trim().to_lowercase()).collect();
        let have: Vec<(String, Option<i64>)> = tx
            .prepare_cached("SELECT tag, deleted_at FROM recording_tags WHERE recording_id = ?1")?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (tag, deleted) in &have {
            let wanted = keep.contains(&tag.to_lowercase());
            if wanted && deleted.is_some() {
                run(
                    tx,
                    "UPDATE recording_tags SET deleted_at = NULL, updated_at = ?3 WHERE recording_id = ?1 AND tag = ?2",
                    params![id, tag, at],
                )?;
            } else if !wanted && deleted.is_none() {
                run(
                    tx,
                    "UPDATE recording_tags SET deleted_at = ?3, updated_at = ?3 WHERE recording_id = ?1 AND tag = ?2",
                    params![id, tag, at],
                )?;
            }
        }
        let had: HashSet<String> = have.iter().map(|(t, _)| t.to_lowercase()).collect();
        for tag in tags {
            if !had.contains(&tag.trim().to_lowercase()) {
                run(
                    tx,
                    "INSERT OR IGNORE INTO recording_tags (recording_id, tag, updated_at) VALUES (?1, ?2, ?3)",
                    params![id, tag.trim(), at],
                )?;
            }
        }
        Ok(())
    }

    /// Our version of a deletable record: the live record, its tombstone row, or a tombstone
    /// known only by UUID. `load` reads the live record and its author's UUID.
    fn ours<T: Serialize>(
        &self,
        kind: Kind,
        uuid: &str,
        load: impl FnOnce(&Connection) -> Result<Option<(T, String, Option<i64>)>>,
    ) -> Result<(Option<Version>, bool)> {
        match load(self.tx)? {
            Some((rec, author, deleted)) => {
                let v = match deleted {
                    Some(t) => Version::dead(t),
                    None => Version::live(updated_of(&rec), &author, &rec),
                };
                Ok((Some(v), true))
            }
            None => Ok((self.tombstone_time(kind, uuid)?.map(Version::dead), false)),
        }
    }

    /// A person's name, as notes and replies keep it beside their author's id (people come
    /// first in a merge: a name read here stays as it is until the merge ends).
    fn name_of(&mut self, id: i64) -> Result<String> {
        if let Some(name) = self.names.get(&id) {
            return Ok(name.clone());
        }
        let name: String = self
            .tx
            .prepare_cached("SELECT name FROM people WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        self.names.insert(id, name.clone());
        Ok(name)
    }

    /// [`ours`](Self::ours) for a record read by `sql` (whose first table is `alias`): the
    /// record by `read`, its author's UUID in column 2, its deletion time in column `deleted`.
    fn ours_in<T: Serialize>(
        &self,
        kind: Kind,
        uuid: &str,
        (sql, alias): (&str, &str),
        read: fn(&Row<'_>) -> rusqlite::Result<T>,
        deleted: usize,
    ) -> Result<(Option<Version>, bool)> {
        self.ours(kind, uuid, |tx| {
            Ok(tx
                .prepare_cached(&format!("{sql} WHERE {alias}.uuid = ?1"))?
                .query_row([uuid], |r| {
                    Ok((
                        read(r)?,
                        r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        r.get(deleted)?,
                    ))
                })
                .optional()?)
        })
    }

    /// Writes the arriving version of record `uuid` of `kind`: `columns` (after `uuid`) set to
    /// `values`, into its row when one exists (`row`: live or deleted, which it no longer is) or
    /// as a new row, which also forgets a tombstone of it; counted as updated or new.
    fn write_record(
        &mut self,
        kind: Kind,
        uuid: &str,
        row: bool,
        columns: &[&str],
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        let table = kind.table();
        let mut all: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(values.len() + 1);
        all.push(&uuid);
        all.extend_from_slice(values);
        if row {
            let sets: Vec<String> =
                columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
            let sql = format!(
                "UPDATE {table} SET {}, deleted_at = NULL WHERE uuid = ?1",
                sets.join(", ")
            );
            self.tx.prepare_cached(&sql)?.execute(&all[..])?;
            counts(&mut self.summary, kind).updated += 1;
        } else {
            let marks: Vec<String> = (1..=all.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO {table} (uuid, {}) VALUES ({})",
                columns.join(", "),
                marks.join(", ")
            );
            self.tx.prepare_cached(&sql)?.execute(&all[..])?;
            self.forget_tombstone(kind, uuid)?;
            counts(&mut self.summary, kind).new += 1;
        }
        Ok(())
    }

    fn note(&mut self, n: &NoteRecord) -> Result<()> {
        let (ours, row) = self.ours_in(Kind::Note, &n.uuid, (NOTE_SQL, "n"), note_row, 11)?;
        let n = &NoteRecord { author: self.local(&n.author)?, ..n.clone() };
        let theirs = Version::live(n.updated_at, &n.author, n);
        if matches!(self.decide(Kind::Note, &n.uuid, ours, &theirs), Decision::Keep) {
            return Ok(());
        }
        let recording = self.recording_id(&n.recording)?;
        let author = self.person_id(&n.author)?;
        let name = self.name_of(author)?;
        self.write_record(
            Kind::Note,
            &n.uuid,
            row,
            &[
                "recording_id",
                "author_id",
                "author",
                "start_ms",
                "end_ms",
                "kind",
                "text",
                "skill_tag",
                "seen_by_rep_at",
                "created_at",
                "updated_at",
            ],
            &[
                &recording,
                &author,
                &name,
                &n.start_ms,
                &n.end_ms,
                &n.kind,
                &n.text,
                &n.skill_tag,
                &n.seen_by_rep_at,
                &n.created_at,
                &n.updated_at,
            ],
        )
    }

    fn forget_tombstone(&self, kind: Kind, uuid: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM tombstones WHERE kind = ?1 AND uuid = ?2")?
            .execute(params![kind.as_str(), uuid])?;
        Ok(())
    }

    /// The row id of a live or deleted parent, or `None` when only its tombstone is known.
    fn parent(&self, table: &str, uuid: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT id FROM {table} WHERE uuid = ?1"))?
            .query_row([uuid], |r| r.get(0))
            .optional()?)
    }

    fn reply(&mut self, x: &ReplyRecord) -> Result<()> {
        let Some(note) = self.parent("notes", &x.note)? else {
            self.summary.skipped += 1;
            return Ok(());
        };
        let (ours, row) = self.ours_in(Kind::Reply, &x.uuid, (REPLY_SQL, "x"), reply_row, 6)?;
        let x = &ReplyRecord { author: self.local(&x.author)?, ..x.clone() };
        let theirs = Version::live(x.updated_at, &x.author, x);
        if matches!(self.decide(Kind::Reply, &x.uuid, ours, &theirs), Decision::Keep) {
            return Ok(());
        }
        let author = self.person_id(&x.author)?;
        let name = self.name_of(author)?;
        self.write_record(
            Kind::Reply,
            &x.uuid,
            row,
            &["note_id", "author_id", "author", "text", "created_at", "updated_at"],
            &[&note, &author, &name, &x.text, &x.created_at, &x.updated_at],
        )
    }

    fn review(&mut self, v: &ReviewRecord) -> Result<()> {
        let (ours, row) = self.ours_in(Kind::Review, &v.uuid, (REVIEW_SQL, "v"), review_row, 10)?;
        let v = &ReviewRecord { author: self.local(&v.author)?, ..v.clone() };
        let theirs = Version::live(v.updated_at, &v.author, v);
        if matches!(self.decide(Kind::Review, &v.uuid, ours, &theirs), Decision::Keep) {
            return Ok(());
        }
        let recording = self.recording_id(&v.recording)?;
        let author = self.person_id(&v.author)?;
        let name = self.name_of(author)?;
        self.write_record(
            Kind::Review,
            &v.uuid,
            row,
            &[
                "recording_id",
                "author_id",
                "author",
                "kind",
                "focus_area",
                "text",
                "submitted_at",
                "created_at",
                "updated_at",
            ],
            &[
                &recording,
                &author,
                &name,
                &v.kind,
                &v.focus_area,
                &v.text,
                &v.submitted_at,
                &v.created_at,
                &v.updated_at,
            ],
        )
    }

    /// The second pass over reviews: the review each one closes, once all are in.
    fn closes(&mut self, v: &ReviewRecord) -> Result<()> {
        let current: Option<i64> = self
            .tx
            .prepare_cached("SELECT updated_at FROM reviews WHERE uuid = ?1")?
            .query_row([&v.uuid], |r| r.get(0))
            .optional()?;
        if current != Some(v.updated_at) {
            return Ok(()); // ours won
        }
        let closes = match &v.closes_review {
            Some(c) => self.parent("reviews", c)?,
            None => None,
        };
        run(
            self.tx,
            "UPDATE reviews SET closes_review_id = ?2 WHERE uuid = ?1",
            params![v.uuid, closes],
        )?;
        Ok(())
    }

    fn revision(&mut self, x: &RevisionRecord) -> Result<()> {
        let Some(review) = self.parent("reviews", &x.review)? else {
            self.summary.skipped += 1;
            return Ok(());
        };
        let (ours, row) =
            self.ours_in(Kind::Revision, &x.uuid, (REVISION_SQL, "x"), revision_row, 8)?;
        let x = &RevisionRecord { author: self.local(&x.author)?, ..x.clone() };
        let theirs = Version::live(x.updated_at, &x.author, x);
        if matches!(self.decide(Kind::Revision, &x.uuid, ours, &theirs), Decision::Keep) {
            return Ok(());
        }
        self.write_record(
            Kind::Revision,
            &x.uuid,
            row,
            &["review_id", "focus_area", "text", "after_reveal", "created_at", "updated_at"],
            &[
                &review,
                &x.focus_area,
                &x.text,
                &(x.after_reveal as i64),
                &x.created_at,
                &x.updated_at,
            ],
        )
    }

    fn step(&mut self, s: &StepRecord) -> Result<()> {
        let (ours, row) = self.ours_in(Kind::Step, &s.uuid, (STEP_SQL, "s"), step_row, 12)?;
        let s = &StepRecord {
            owner: self.local(&s.owner)?,
            author: self.local_opt(&s.author)?,
            ..s.clone()
        };
        let theirs = Version::live(s.updated_at, s.author.as_deref().unwrap_or(""), s);
        if matches!(self.decide(Kind::Step, &s.uuid, ours, &theirs), Decision::Keep) {
            return Ok(());
        }
        let owner = self.person_id(&s.owner)?;
        let author = match &s.author {
            Some(a) => Some(self.person_id(a)?),
            None => None,
        };
        let recording = match &s.recording {
            Some(h) => Some(self.recording_id(h)?),
            None => None,
        };
        self.write_record(
            Kind::Step,
            &s.uuid,
            row,
            &[
                "owner_id",
                "author_id",
                "text",
                "due_date",
                "recording_id",
                "at_ms",
                "state",
                "done_on",
                "outcome",
                "created_at",
                "updated_at",
            ],
            &[
                &owner,
                &author,
                &s.text,
                &s.due_date,
                &recording,
                &s.at_ms,
                &s.state,
                &s.done_on,
                &s.outcome,
                &s.created_at,
                &s.updated_at,
            ],
        )
    }

    /// A call removed elsewhere: removed here too when the removal is newer than our last edit
    /// of it. A call this library never had stays unknown.
    fn recording_tombstone(&mut self, t: &Tombstone) -> Result<()> {
        let tx = self.tx;
        let hash = unhex(&t.uuid).unwrap_or_default();
        let row: Option<(i64, i64, Option<i64>)> = tx
            .prepare_cached(
                "SELECT id, updated_at, deleted_at FROM recordings WHERE content_hash = ?1",
            )?
            .query_row([&hash[..]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((id, updated, deleted)) = row else { return Ok(()) };
        let ours = match deleted {
            Some(d) => Version::dead(d),
            None => Version {
                time: updated,
                author: String::new(),
                live: true,
                canonical: String::new(),
            },
        };
        if let Decision::Replace =
            self.decide(Kind::Recording, &t.uuid, Some(ours), &Version::dead(t.deleted_at))
        {
            run(
                tx,
                "UPDATE recordings SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![id, t.deleted_at],
            )?;
            self.summary.recordings.deleted += 1;
        }
        Ok(())
    }

    fn tombstone(&mut self, t: &Tombstone) -> Result<()> {
        if t.kind == Kind::Recording {
            return self.recording_tombstone(t);
        }
        let table = t.kind.table();
        let tx = self.tx;
        let row: Option<(i64, Option<i64>, i64, String)> = tx
            .prepare_cached(&format!(
                "SELECT x.updated_at, x.deleted_at, x.id, coalesce(a.uuid, '')
                 FROM {table} x LEFT JOIN people a ON a.id = {}
                 WHERE x.uuid = ?1",
                match t.kind {
                    Kind::Revision => "(SELECT author_id FROM reviews WHERE id = x.review_id)",
                    _ => "x.author_id",
                }
            ))?
            .query_row([&t.uuid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let theirs = Version::dead(t.deleted_at);
        match row {
            Some((updated, deleted, id, author)) => {
                let ours = match deleted {
                    Some(d) => Version::dead(d),
                    // Only the time and author decide against a tombstone (it has no text).
                    None => Version { time: updated, author, live: true, canonical: String::new() },
                };
                if let Decision::Replace = self.decide(t.kind, &t.uuid, Some(ours), &theirs) {
                    run(
                        tx,
                        &format!(
                            "UPDATE {table} SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1"
                        ),
                        params![id, t.deleted_at],
                    )?;
                    counts(&mut self.summary, t.kind).deleted += 1;
                }
            }
            None => {
                let ours = self.tombstone_time(t.kind, &t.uuid)?.map(Version::dead);
                match self.decide(t.kind, &t.uuid, ours, &theirs) {
                    Decision::Keep => {}
                    _ => {
                        run(
                            tx,
                            "INSERT INTO tombstones (kind, uuid, deleted_at) VALUES (?1, ?2, ?3)
                             ON CONFLICT (kind, uuid) DO UPDATE SET deleted_at = excluded.deleted_at",
                            params![t.kind.as_str(), t.uuid, t.deleted_at],
                        )?;
                        counts(&mut self.summary, t.kind).deleted += 1;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The `updated_at` of any record, read from its canonical JSON.
fn updated_of<T: Serialize>(rec: &T) -> i64 {
    serde_json::to_value(rec)
        .ok()
        .and_then(|v| v.get("updatedAt").and_then(|t| t.as_i64()))
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// A canonical dump, to compare two libraries

/// Every shared record of the library in one canonical text: live records as their JSON,
/// deleted ones as their tombstone, sorted by kind and identity; local facts (row ids, paths,
/// import times, peaks) left out. Two libraries that hold the same records dump the same text.
pub fn dump(conn: &Connection) -> Result<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut stmt = conn.prepare(RECORDING_SQL)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (_, mut rec) = recording_row(conn, r, false)?;
        if let Some(t) = r.get::<_, Option<i64>>(16)? {
            lines.push(format!("recording {} deleted at {t}", rec.hash));
            continue;
        }
        rec.peaks = String::new();
        lines.push(format!(
            "recording {} {}",
            rec.hash,
            serde_json::to_string(&rec).unwrap_or_default()
        ));
    }
    let mut add =
        |kind: &str, uuid: &str, json: String| lines.push(format!("{kind} {uuid} {json}"));
    for (sql, kind, deleted_col) in [
        (NOTE_SQL, Kind::Note, 11),
        (REPLY_SQL, Kind::Reply, 6),
        (REVIEW_SQL, Kind::Review, 10),
        (REVISION_SQL, Kind::Revision, 8),
        (STEP_SQL, Kind::Step, 12),
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let uuid: String = r.get(0)?;
            let deleted: Option<i64> = r.get(deleted_col)?;
            let json = match deleted {
                Some(t) => format!("deleted at {t}"),
                None => match kind {
                    Kind::Note => serde_json::to_string(&note_row(r)?),
                    Kind::Reply => {
                        // A reply to a deleted note is gone with it.
                        if r.get::<_, Option<i64>>(10)?.is_some() {
                            continue;
                        }
                        serde_json::to_string(&reply_row(r)?)
                    }
                    Kind::Review => {
                        if r.get::<_, Option<i64>>(6)?.is_none() {
                            continue; // a draft stays home
                        }
                        serde_json::to_string(&review_row(r)?)
                    }
                    Kind::Revision => {
                        if r.get::<_, Option<i64>>(10)?.is_some()
                            || r.get::<_, Option<i64>>(11)?.is_none()
                        {
                            continue;
                        }
                        serde_json::to_string(&revision_row(r)?)
                    }
                    _ => serde_json::to_string(&step_row(r)?),
                }
                .unwrap_or_default(),
            };
            add(kind.as_str(), &uuid, json);
        }
    }
    let mut stmt = conn.prepare("SELECT kind, uuid, deleted_at FROM tombstones")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
    })?;
    for row in rows {
        let (kind, uuid, t) = row?;
        add(&kind, &uuid, format!("deleted at {t}"));
    }
    let mut stmt = conn.prepare("SELECT uuid, name, role, created_at, updated_at FROM people")?;
    for p in stmt.query_map([], person_row)? {
        let p = p?;
        add("person", &p.uuid.clone(), serde_json::to_string(&p).unwrap_or_default());
    }
    lines.sort();
    Ok(lines.join("\n"))
}

/// Where a pack's audio for a call goes: `audio/<hash>.<ext>` beside the library file.
pub fn audio_path(library: &Path, hash: &str, ext: &str) -> PathBuf {
    let dir = library.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    dir.join("audio").join(format!("{hash}.{ext}"))
}
