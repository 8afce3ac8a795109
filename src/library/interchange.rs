//! Notes in and out of other tools: Audacity labels, WebVTT, SRT and CSV out; Audacity labels
//! and CSV in.
//!
//! - **Audacity labels**: `start<TAB>end<TAB>label` per line, seconds with six decimals (a point
//!   note has start = end), the kind leading the label: `positive: Great opener`.
//! - **CSV** (RFC 4180): a header row `start,end,kind,author,text`; seconds with three decimals;
//!   a point note has an empty end. On import the columns are found by name; `kind` may be
//!   missing when the user gives a default kind, `end` and `author` may be missing.
//! - **WebVTT** and **SRT**: one cue per note, `[kind] text`; a point note gets a 3 s cue
//!   (cut at the call's end).
//!
//! Several calls in one file: the notes follow call by call; the cues and labels then start
//! with the call's title, and CSV gains a `call` column.
//!
//! A file to import is checked whole first: a bad row names its line and nothing is imported.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::notes::{self, NewNote};
use super::people::{Person, Scope};
use super::{Library, LibraryError, Note, NoteKind, Result, recordings};
use crate::error::{Coded, ErrorCode};

/// How long a point note's cue lasts where a format needs an end.
pub const POINT_CUE_MS: i64 = 3_000;

/// A notes file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NotesFormat {
    Audacity,
    Vtt,
    Srt,
    Csv,
}

impl NotesFormat {
    pub fn extension(self) -> &'static str {
        match self {
            NotesFormat::Audacity => "txt",
            NotesFormat::Vtt => "vtt",
            NotesFormat::Srt => "srt",
            NotesFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for NotesFormat {
    type Err = LibraryError;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "audacity" | "labels" | "txt" => Ok(NotesFormat::Audacity),
            "vtt" | "webvtt" => Ok(NotesFormat::Vtt),
            "srt" => Ok(NotesFormat::Srt),
            "csv" => Ok(NotesFormat::Csv),
            other => Err(LibraryError::invalid(
                "format",
                format!("'{other}' is not one of audacity, vtt, srt, csv"),
            )),
        }
    }
}

/// A notes file that cannot be imported: which line, and why. Nothing was imported.
#[derive(Debug, thiserror::Error)]
#[error("{file}, line {line}: {reason}; nothing was imported")]
pub struct NotesFileError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl Coded for NotesFileError {
    fn code(&self) -> ErrorCode {
        ErrorCode::NotesFileInvalid
    }
}

/// Either a bad file or the library's refusal.
#[derive(Debug, thiserror::Error)]
pub enum InterchangeError {
    #[error(transparent)]
    File(#[from] NotesFileError),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl Coded for InterchangeError {
    fn code(&self) -> ErrorCode {
        match self {
            InterchangeError::File(e) => e.code(),
            InterchangeError::Library(e) => e.code(),
        }
    }
}

fn secs(ms: i64, decimals: usize) -> String {
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    match decimals {
        6 => format!("{s}000"),
        _ => s,
    }
}

fn clock(ms: i64, sep: char) -> String {
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The notes of `calls` (that `scope` may see) written as `format`.
pub fn export(
    conn: &rusqlite::Connection,
    scope: Scope,
    calls: &[i64],
    format: NotesFormat,
) -> Result<String> {
    let mut groups: Vec<(String, i64, Vec<Note>)> = Vec::new();
    for id in calls {
        let rec = recordings::get_scoped(conn, scope, *id)?;
        let mut list = notes::list(conn, scope, *id, false)?;
        list.sort_by_key(|n| (n.start_ms, n.end_ms));
        groups.push((rec.title, rec.duration_ms, list));
    }
    let many = groups.len() > 1;
    let mut out = String::new();
    match format {
        NotesFormat::Audacity => {
            for (title, _, list) in &groups {
                for n in list {
                    let end = n.end_ms.unwrap_or(n.start_ms);
                    let prefix =
                        if many { format!("{}: ", one_line(title)) } else { String::new() };
                    out += &format!(
                        "{}\t{}\t{prefix}{}: {}\n",
                        secs(n.start_ms, 6),
                        secs(end, 6),
                        n.kind.as_str(),
                        one_line(&n.text)
                    );
                }
            }
        }
        NotesFormat::Vtt | NotesFormat::Srt => {
            let vtt = format == NotesFormat::Vtt;
            if vtt {
                out += "WEBVTT\n\n";
            }
            let mut i = 0;
            for (title, duration, list) in &groups {
                for n in list {
                    i += 1;
                    let end = n.end_ms.unwrap_or((n.start_ms + POINT_CUE_MS).min(*duration));
                    let end = end.max(n.start_ms + 1);
                    let (a, b) = if vtt {
                        (clock(n.start_ms, '.'), clock(end, '.'))
                    } else {
                        (clock(n.start_ms, ','), clock(end, ','))
                    };
                    out += &format!("{i}\n{a} --> {b}\n");
                    if many {
                        out += &format!("{}\n", one_line(title));
                    }
                    // A blank line would end the cue, and "-->" would start a new one.
                    let text: Vec<String> = n
                        .text
                        .lines()
                        .map(|l| l.trim().replace("-->", "->"))
                        .filter(|l| !l.is_empty())
                        .collect();
                    out += &format!("[{}] {}\n\n", n.kind.as_str(), text.join("\n"));
                }
            }
        }
        NotesFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header = vec!["start", "end", "kind", "author", "text"];
            if many {
                header.push("call");
            }
            w.write_record(&header).map_err(csv_err)?;
            for (title, _, list) in &groups {
                for n in list {
                    let mut row = vec![
                        secs(n.start_ms, 3),
                        n.end_ms.map(|e| secs(e, 3)).unwrap_or_default(),
                        n.kind.as_str().to_string(),
                        n.author.clone(),
                        n.text.clone(),
                    ];
                    if many {
                        row.push(title.clone());
                    }
                    w.write_record(&row).map_err(csv_err)?;
                }
            }
            let bytes = w.into_inner().map_err(|e| LibraryError::invalid("csv", e.to_string()))?;
            out = String::from_utf8(bytes).unwrap_or_default();
        }
    }
    Ok(out)
}

fn csv_err(e: csv::Error) -> LibraryError {
    LibraryError::invalid("csv", e.to_string())
}

/// Writes the export to `path` whole or not at all.
pub fn write(text: &str, path: &std::path::Path) -> Result<()> {
    super::steps::write_atomically(path, text.as_bytes())
}

/// A time in seconds (`12.5`, `12.345678`) as whole milliseconds.
fn parse_secs(s: &str) -> Option<i64> {
    let s = s.trim();
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * 1000.0).round() as i64)
}

fn parse_kind(s: &str) -> Option<NoteKind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "positive" | "+" | "praise" => Some(NoteKind::Positive),
        "improvement" | "-" | "improve" => Some(NoteKind::Improvement),
        _ => None,
    }
}

/// Reads notes for call `recording_id` from `text` (Audacity labels or CSV, told apart by the
/// first line), checking every row first. `default_kind` is the kind of rows that name none.
pub fn parse(
    file: &str,
    text: &str,
    recording_id: i64,
    duration_ms: i64,
    default_kind: Option<NoteKind>,
) -> std::result::Result<Vec<NewNote>, NotesFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim().to_ascii_lowercase();
    let is_csv = first.starts_with("start,") || first.starts_with("\"start\",");
    let bad = |line: usize, reason: String| NotesFileError { file: file.to_string(), line, reason };
    let mut out: Vec<(usize, NewNote)> = Vec::new();
    if is_csv {
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let (Some(c_start), c_end, c_kind, Some(c_text)) =
            (col("start"), col("end"), col("kind"), col("text"))
        else {
            return Err(bad(1, "the header row needs at least the columns start and text".into()));
        };
        for row in rdr.records() {
            let row = row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                bad(line, e.to_string())
            })?;
            let line = row.position().map_or(0, |p| p.line() as usize);
            let start = parse_secs(&row[c_start]).ok_or_else(|| {
                bad(line, format!("start '{}' is not a time in seconds", &row[c_start]))
            })?;
            let end = match c_end.map(|c| row[c].trim()) {
                None | Some("") => None,
                Some(e) => Some(
                    parse_secs(e)
                        .ok_or_else(|| bad(line, format!("end '{e}' is not a time in seconds")))?,
                ),
            };
            let kind = match c_kind.map(|c| row[c].trim()).filter(|k| !k.is_empty()) {
                Some(k) => parse_kind(k).ok_or_else(|| {
                    bad(line, format!("kind '{k}' is not positive or improvement"))
                })?,
                None => default_kind.ok_or_else(|| {
                    bad(line, "no kind: add a kind column or choose a kind for the file".into())
                })?,
            };
            out.push((
                line,
                NewNote {
                    recording_id,
                    start_ms: start,
                    end_ms: end,
                    kind,
                    text: row[c_text].to_string(),
                },
            ));
        }
    } else {
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim().is_empty() || raw.starts_with('\\') {
                continue; // Audacity's frequency lines start with a backslash
            }
            let mut parts = raw.splitn(3, '\t');
            let (Some(a), Some(b), label) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad(line, "not an Audacity label (start<TAB>end<TAB>label)".into()));
            };
            let start = parse_secs(a)
                .ok_or_else(|| bad(line, format!("start '{a}' is not a time in seconds")))?;
            let end = parse_secs(b)
                .ok_or_else(|| bad(line, format!("end '{b}' is not a time in seconds")))?;
            let label = label.unwrap_or("").trim();
            let (kind, body) = match label.split_once(':').and_then(|(k, t)| parse_kind(k).map(|k| (k, t))) {
                Some((k, t)) => (k, t.trim()),
                None => (
                    default_kind.ok_or_else(|| {
                        bad(line, "the label names no kind (positive: or improvement:) and no default kind was given".into())
                    })?,
                    label,
                ),
            };
            let end = (end != start).then_some(end);
            out.push((
                line,
                NewNote {
                    recording_id,
                    start_ms: start,
                    end_ms: end,
                    kind,
                    text: body.to_string(),
                },
            ));
        }
    }
    if out.is_empty() {
        return Err(bad(1, "the file holds no notes".into()));
    }
    for (line, n) in &out {
        notes::check_times(n.start_ms, n.end_ms, duration_ms)
            .and_then(|_| notes::check_note_text(&n.text).map(drop))
            .map_err(|e| bad(*line, e.to_string()))?;
    }
    Ok(out.into_iter().map(|(_, n)| n).collect())
}

/// What an import of a notes file added.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NotesImported {
    pub recording_id: i64,
    pub notes: Vec<Note>,
}

/// Imports the notes file `path` onto call `recording_id` as `author`'s notes: all or none.
pub fn import(
    lib: &mut Library,
    author: &Person,
    recording_id: i64,
    path: &std::path::Path,
    default_kind: Option<NoteKind>,
) -> std::result::Result<NotesImported, InterchangeError> {
    let rec = recordings::get_scoped(lib.conn(), author.scope(), recording_id)?;
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| NotesFileError {
        file: file.clone(),
        line: 0,
        reason: format!("cannot read it: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| NotesFileError {
        file: file.clone(),
        line: 0,
        reason: "it is not UTF-8 text".into(),
    })?;
    let new = parse(&file, &text, recording_id, rec.duration_ms, default_kind)?;
    let notes = notes::create_many(lib, author, &new)?;
    Ok(NotesImported { recording_id, notes })
}
