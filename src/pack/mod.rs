//! Review packs: one `.gamefilm` file carrying calls, notes and answers from one library to
//! another, merged on arrival by `library::merge` (which knows nothing of files).
//!
//! A pack is a zip: `manifest.json` (format, version, pack id, who made it for whom and when,
//! counts, and the audio files it carries), `records.json` ([`Records`]), and the audio as
//! `audio/<hash>.<ext>`, stored without recompression.
//!
//! Import reads and checks everything before it writes anything: entry names, sizes and count,
//! the manifest's format and version, every record, and every audio file's hash (extracted to a
//! temporary file beside the library). Only then, in one transaction, are the records merged
//! and the audio moved into `audio/` beside the library; a failure on the way removes what was
//! moved. A refused pack leaves the library and its folder as they were.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{Coded, ErrorCode};
use crate::library::merge::{self, MergeSummary, Records, Selection};
use crate::library::{Library, LibraryError, Person, people, recordings};

/// What the first line of a manifest says a pack is.
pub const FORMAT: &str = "gamefilm-pack";
/// The pack format this build writes and the newest it reads.
pub const VERSION: u32 = 1;
/// A pack's file extension.
pub const EXTENSION: &str = "gamefilm";

/// Limits a pack must keep to before anything in it is read for real.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    /// `manifest.json` and `records.json`, each, uncompressed.
    pub max_json_bytes: u64,
    /// All entries together, uncompressed.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 20_000, max_json_bytes: 1 << 30, max_total_bytes: 256 << 30 }
    }
}

/// Why a pack could not be written or read. Each names the file and the reason; nothing was
/// written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{path} is not a Gamefilm pack: {reason}")]
    NotAPack { path: PathBuf, reason: String },
    #[error("{path} was refused: its entry '{entry}' {reason}")]
    Unsafe { path: PathBuf, entry: String, reason: String },
    #[error("{path} was refused: {reason}")]
    TooLarge { path: PathBuf, reason: String },
    #[error(
        "{path} is a pack of format version {found}, newer than this Gamefilm reads ({VERSION}): \
         update Gamefilm to open it"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("{path} was refused: {entry}: {reason}")]
    BadRecord { path: PathBuf, entry: String, reason: String },
    #[error("{path} was refused: the audio '{entry}' does not match its hash in the manifest")]
    AudioMismatch { path: PathBuf, entry: String },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Nothing(String),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl Coded for PackError {
    fn code(&self) -> ErrorCode {
        match self {
            PackError::NotAPack { .. } => ErrorCode::PackNotAPack,
            PackError::Unsafe { .. } => ErrorCode::PackUnsafe,
            PackError::TooLarge { .. } => ErrorCode::PackTooLarge,
            PackError::TooNew { .. } => ErrorCode::PackTooNew,
            PackError::BadRecord { .. } => ErrorCode::PackBadRecord,
            PackError::AudioMismatch { .. } => ErrorCode::PackAudioMismatch,
            PackError::Read { .. } => ErrorCode::PackRead,
            PackError::Write { .. } => ErrorCode::PackWrite,
            PackError::Nothing(_) => ErrorCode::PackNothing,
            PackError::Library(e) => e.code(),
        }
    }
}

/// Someone named in a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct PackPerson {
    pub id: String,
    pub name: String,
}

/// One audio file a pack carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AudioEntry {
    pub hash: String,
    /// `audio/<hash>.<ext>`.
    pub entry: String,
    pub size: u64,
}

/// How many records of each kind a pack holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct PackCounts {
    pub people: u32,
    pub recordings: u32,
    pub notes: u32,
    pub replies: u32,
    pub reviews: u32,
    pub revisions: u32,
    pub steps: u32,
    pub tombstones: u32,
    pub audio_files: u32,
}

impl PackCounts {
    fn of(r: &Records, audio: usize) -> PackCounts {
        PackCounts {
            people: r.people.len() as u32,
            recordings: r.recordings.len() as u32,
            notes: r.notes.len() as u32,
            replies: r.replies.len() as u32,
            reviews: r.reviews.len() as u32,
            revisions: r.revisions.len() as u32,
            steps: r.steps.len() as u32,
            tombstones: r.tombstones.len() as u32,
            audio_files: audio as u32,
        }
    }
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub pack_id: String,
    pub created_by: PackPerson,
    pub created_for: PackPerson,
    pub created_at: i64,
    pub counts: PackCounts,
    pub audio: Vec<AudioEntry>,
}

/// What to put in a pack.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub calls: Option<Vec<i64>>,
    /// Calls at or after this time (Unix ms).
    pub since: Option<i64>,
    pub without_audio: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackExportSummary {
    pub pack_id: String,
    pub path: String,
    pub recipient: PackPerson,
    pub counts: PackCounts,
    pub bytes: u64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackImportSummary {
    pub pack_id: String,
    pub from: PackPerson,
    pub to: PackPerson,
    pub created_at: i64,
    pub merge: MergeSummary,
    /// Audio files written beside the library.
    pub audio_written: u32,
    /// Calls that arrived without their audio.
    pub without_audio: u32,
    /// The recipient became this library's default person (its first people).
    pub became_default: bool,
    /// The calls the pack touched, as this library's row ids.
    pub recordings: Vec<i64>,
}

fn lower_ext(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "audio".to_string())
}

/// Writes a pack of what `recipient` may receive into `out`. The file appears whole or not at
/// all: it is written beside `out` under a temporary name and renamed when complete, and the
/// library remembers what was sent only then.
pub fn export(
    lib: &mut Library,
    sender: &Person,
    recipient: &Person,
    opts: &ExportOptions,
    out: &Path,
) -> Result<PackExportSummary, PackError> {
    let sel = Selection { calls: opts.calls.clone(), since_call_time: opts.since };
    if let Some(calls) = &sel.calls {
        for id in calls {
            recordings::get(lib.conn(), *id)?;
        }
    }
    let (records, ids) = merge::collect(lib.conn(), sender, recipient, &sel)?;
    if records.len() == records.people.len() {
        return Err(PackError::Nothing(if sel.changed_only() {
            format!(
                "nothing changed for {} since the last pack exchanged with them: pass --calls or \
                 --since to send calls again",
                recipient.name
            )
        } else {
            format!("none of those calls is {}'s to receive", recipient.name)
        }));
    }
    // The audio: a call's file, unless the recipient had it from an earlier pack.
    let mut audio: Vec<(AudioEntry, PathBuf)> = Vec::new();
    if !opts.without_audio {
        let sent: HashSet<String> =
            if sel.changed_only() {
                let mut stmt = lib.conn().prepare(
                "SELECT uuid FROM pack_versions WHERE person_id = ?1 AND kind = 'recording'",
            ).map_err(LibraryError::from)?;
                stmt.query_map([recipient.key], |r| r.get(0))
                    .map_err(LibraryError::from)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(LibraryError::from)?
            } else {
                HashSet::new()
            };
        for (id, hash) in &ids {
            if sent.contains(hash) {
                continue;
            }
            let rec = recordings::get(lib.conn(), *id)?;
            let Some(file) = rec.file else { continue };
            let size = std::fs::metadata(&file)
                .map_err(|source| PackError::Read { path: file.clone(), source })?
                .len();
            let entry = format!("audio/{hash}.{}", lower_ext(&file));
            audio.push((AudioEntry { hash: hash.clone(), entry, size }, file));
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        pack_id: uuid::Uuid::new_v4().to_string(),
        created_by: PackPerson { id: sender.id.clone(), name: sender.name.clone() },
        created_for: PackPerson { id: recipient.id.clone(), name: recipient.name.clone() },
        created_at: crate::timefmt::now_ms(),
        counts: PackCounts::of(&records, audio.len()),
        audio: audio.iter().map(|(a, _)| a.clone()).collect(),
    };
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let write_err = |source: std::io::Error| PackError::Write { path: out.to_path_buf(), source };
    let tmp = tempfile::Builder::new()
        .prefix(".gamefilm-pack-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(write_err)?;
    let bytes = write_zip(tmp.as_file(), &manifest, &records, &audio).map_err(|e| match e {
        ZipOrIo::Io(source) => write_err(source),
        ZipOrIo::Changed(path) => PackError::Read {
            path,
            source: std::io::Error::other("the file changed since it was imported"),
        },
        ZipOrIo::ReadAudio(path, source) => PackError::Read { path, source },
    })?;
    let summary = PackExportSummary {
        pack_id: manifest.pack_id.clone(),
        path: out.display().to_string(),
        recipient: manifest.created_for.clone(),
        counts: manifest.counts.clone(),
        bytes,
    };
    let log = serde_json::to_string(&summary.counts).unwrap_or_default();
    let mut tmp = Some(tmp);
    lib.write(|tx| {
        merge::remember_exchanged(tx, recipient.key, &records, merge::Direction::Sent)?;
        tx.execute(
            "INSERT INTO pack_log (pack_uuid, person_id, direction, at, summary)
             VALUES (?1, ?2, 'sent', ?3, ?4)",
            rusqlite::params![manifest.pack_id, recipient.key, manifest.created_at, log],
        )?;
        // Renamed into place last: a failed commit after this removes it again.
        if let Some(t) = tmp.take() {
            t.persist(out)
                .map_err(|e| LibraryError::Export { path: out.to_path_buf(), source: e.error })?;
        }
        Ok(())
    })
    .inspect_err(|_| {
        if tmp.is_none() {
            let _ = std::fs::remove_file(out);
        }
    })?;
    Ok(summary)
}

enum ZipOrIo {
    Io(std::io::Error),
    ReadAudio(PathBuf, std::io::Error),
    Changed(PathBuf),
}

impl From<std::io::Error> for ZipOrIo {
    fn from(e: std::io::Error) -> Self {
        ZipOrIo::Io(e)
    }
}

impl From<zip::result::ZipError> for ZipOrIo {
    fn from(e: zip::result::ZipError) -> Self {
        ZipOrIo::Io(std::io::Error::other(e))
    }
}

fn write_zip(
    file: &File,
    manifest: &Manifest,
    records: &Records,
    audio: &[(AudioEntry, PathBuf)],
) -> Result<u64, ZipOrIo> {
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file));
    let json = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("manifest.json", json)?;
    serde_json::to_writer_pretty(&mut zip, manifest).map_err(std::io::Error::other)?;
    zip.start_file("records.json", json.large_file(true))?;
    serde_json::to_writer(&mut zip, records).map_err(std::io::Error::other)?;
    for (entry, path) in audio {
        let stored = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(entry.size >= u32::MAX as u64);
        zip.start_file(entry.entry.as_str(), stored)?;
        let mut src = File::open(path).map_err(|e| ZipOrIo::ReadAudio(path.clone(), e))?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut n_total = 0u64;
        loop {
            let n = src.read(&mut buf).map_err(|e| ZipOrIo::ReadAudio(path.clone(), e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            zip.write_all(&buf[..n])?;
            n_total += n as u64;
        }
        if n_total != entry.size || hasher.finalize().to_hex().as_str() != entry.hash {
            return Err(ZipOrIo::Changed(path.clone()));
        }
    }
    let mut w = zip.finish()?;
    w.flush()?;
    drop(w);
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Reads a pack's manifest and records, checking the zip as it goes, without writing.
pub struct Opened {
    pub manifest: Manifest,
    pub records: Records,
    archive: ZipArchive<BufReader<File>>,
    /// Entry name → index.
    entries: HashMap<String, usize>,
    path: PathBuf,
}

/// Opens and checks a pack: the zip's entries, the manifest and every record. Writes nothing.
pub fn open(lib: &Library, path: &Path, limits: &Limits) -> Result<Opened, PackError> {
    let not_a_pack = |reason: String| PackError::NotAPack { path: path.to_path_buf(), reason };
    let file =
        File::open(path).map_err(|source| PackError::Read { path: path.to_path_buf(), source })?;
    let mut archive = ZipArchive::new(BufReader::new(file))
        .map_err(|e| not_a_pack(format!("it is not a zip file, or it is cut short ({e})")))?;
    if archive.len() > limits.max_entries {
        return Err(PackError::TooLarge {
            path: path.to_path_buf(),
            reason: format!(
                "it has {} entries; a pack holds at most {}",
                archive.len(),
                limits.max_entries
            ),
        });
    }
    archive.validate_header_consistency().map_err(|e| PackError::Unsafe {
        path: path.to_path_buf(),
        entry: "(central directory)".into(),
        reason: format!("is inconsistent: {e}"),
    })?;
    let unsafe_entry = |entry: &str, reason: &str| PackError::Unsafe {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        reason: reason.to_string(),
    };
    let mut entries = HashMap::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i).map_err(|e| not_a_pack(format!("entry {i}: {e}")))?;
        let name = f.name().map_err(|e| not_a_pack(format!("entry {i}: {e}")))?.to_string();
        if name.starts_with('/')
            || name.contains('\\')
            || f.enclosed_name().is_none_or(|p| p.to_string_lossy() != name)
        {
            return Err(unsafe_entry(&name, "is an absolute path or leaves the pack (..)"));
        }
        if name.split('/').any(|c| c == ".." || c == "." || c.is_empty()) {
            return Err(unsafe_entry(&name, "is an absolute path or leaves the pack (..)"));
        }
        if f.is_symlink() {
            return Err(unsafe_entry(&name, "is a symbolic link"));
        }
        if f.is_dir() || f.encrypted() {
            return Err(unsafe_entry(&name, "is a folder or encrypted"));
        }
        let is_json = name == "manifest.json" || name == "records.json";
        let is_audio = name.strip_prefix("audio/").is_some_and(|rest| {
            rest.split_once('.').is_some_and(|(h, ext)| {
                merge::unhex(h).is_some() && !ext.is_empty() && !ext.contains('/')
            })
        });
        if !is_json && !is_audio {
            return Err(unsafe_entry(&name, "is not part of a pack"));
        }
        if is_json && f.size() > limits.max_json_bytes {
            return Err(PackError::TooLarge {
                path: path.to_path_buf(),
                reason: format!(
                    "'{name}' would inflate to {} bytes; the limit is {}",
                    f.size(),
                    limits.max_json_bytes
                ),
            });
        }
        total = total.saturating_add(f.size());
        if entries.insert(name.clone(), i).is_some() {
            return Err(unsafe_entry(&name, "is in the pack twice"));
        }
    }
    if total > limits.max_total_bytes {
        return Err(PackError::TooLarge {
            path: path.to_path_buf(),
            reason: format!(
                "it would inflate to {total} bytes; the limit is {}",
                limits.max_total_bytes
            ),
        });
    }
    let mut read_json = |name: &str| -> Result<Vec<u8>, PackError> {
        let Some(&i) = entries.get(name) else {
            return Err(not_a_pack(format!("it has no {name}")));
        };
        read_entry(&mut archive, i, path, name, limits.max_json_bytes)
    };
    let manifest_bytes = read_json("manifest.json")?;
    let value: serde_json::Value =
        serde_json::from_slice(&manifest_bytes).map_err(|e| PackError::BadRecord {
            path: path.to_path_buf(),
            entry: "manifest.json".into(),
            reason: e.to_string(),
        })?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_a_pack(format!("its manifest does not say \"format\": \"{FORMAT}\"")));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > VERSION as u64 => {
            return Err(PackError::TooNew {
                path: path.to_path_buf(),
                found: v.min(u32::MAX as u64) as u32,
            });
        }
        Some(v) if v >= 1 => {}
        _ => return Err(not_a_pack("its manifest has no known format version".into())),
    }
    let bad = |entry: &str, reason: String| PackError::BadRecord {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        reason,
    };
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|e| bad("manifest.json", e.to_string()))?;
    let records_bytes = read_json("records.json")?;
    let records: Records =
        serde_json::from_slice(&records_bytes).map_err(|e| bad("records.json", e.to_string()))?;
    if manifest.counts != PackCounts::of(&records, manifest.audio.len()) {
        return Err(bad("manifest.json", "its counts do not match records.json".into()));
    }
    for who in [&manifest.created_by, &manifest.created_for] {
        if !records.people.iter().any(|p| p.uuid == who.id) {
            return Err(bad(
                "manifest.json",
                format!("{} ({}) is not among the pack's people", who.name, who.id),
            ));
        }
    }
    // Every audio entry is listed, once, for a call of the pack, with its size.
    let hashes: HashSet<&str> = records.recordings.iter().map(|r| r.hash.as_str()).collect();
    let mut listed = HashSet::new();
    for a in &manifest.audio {
        let Some(&i) = entries.get(&a.entry) else {
            return Err(bad(
                "manifest.json",
                format!("it lists {} but the pack has no such entry", a.entry),
            ));
        };
        if !a.entry.starts_with(&format!("audio/{}.", a.hash))
            || !hashes.contains(a.hash.as_str())
            || !listed.insert(a.entry.clone())
        {
            return Err(bad(
                "manifest.json",
                format!("{} is not the audio of one of the pack's calls", a.entry),
            ));
        }
        let size = archive.by_index_raw(i).map_err(|e| not_a_pack(e.to_string()))?.size();
        if size != a.size {
            return Err(PackError::Unsafe {
                path: path.to_path_buf(),
                entry: a.entry.clone(),
                reason: format!("declares {size} bytes, the manifest {}", a.size),
            });
        }
    }
    if let Some(extra) = entries.keys().find(|e| e.starts_with("audio/") && !listed.contains(*e)) {
        return Err(unsafe_entry(extra, "is not listed in the manifest"));
    }
    if let Err(b) = merge::check(lib.conn(), &records)? {
        return Err(bad("records.json", b.to_string()));
    }
    Ok(Opened { manifest, records, archive, entries, path: path.to_path_buf() })
}

/// An entry's bytes, refusing one that inflates past what it declares or `max`.
fn read_entry(
    archive: &mut ZipArchive<BufReader<File>>,
    i: usize,
    path: &Path,
    name: &str,
    max: u64,
) -> Result<Vec<u8>, PackError> {
    let f = archive.by_index(i).map_err(|e| PackError::NotAPack {
        path: path.to_path_buf(),
        reason: format!("{name}: {e}"),
    })?;
    let declared = f.size().min(max);
    let mut out = Vec::with_capacity(declared.min(1 << 24) as usize);
    f.take(declared + 1).read_to_end(&mut out).map_err(|e| PackError::NotAPack {
        path: path.to_path_buf(),
        reason: format!("{name} cannot be read ({e}); the file may be cut short"),
    })?;
    if out.len() as u64 > declared {
        return Err(PackError::TooLarge {
            path: path.to_path_buf(),
            reason: format!("'{name}' inflates past the {declared} bytes it declares"),
        });
    }
    Ok(out)
}

/// Copies an audio entry into `to`, checking its size and hash.
fn extract_audio(
    opened: &mut Opened,
    entry: &str,
    hash: &str,
    size: u64,
    to: &mut File,
) -> Result<(), PackError> {
    let path = opened.path.clone();
    let i = opened.entries[entry];
    let f = opened
        .archive
        .by_index(i)
        .map_err(|e| PackError::NotAPack { path: path.clone(), reason: format!("{entry}: {e}") })?;
    let mut reader = f.take(size + 1);
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n_total = 0u64;
    let mut w = BufWriter::with_capacity(1 << 20, to);
    loop {
        let n = reader.read(&mut buf).map_err(|e| PackError::NotAPack {
            path: path.clone(),
            reason: format!("{entry} cannot be read ({e}); the file may be cut short"),
        })?;
        if n == 0 {
            break;
        }
        n_total += n as u64;
        if n_total > size {
            return Err(PackError::TooLarge {
                path: path.clone(),
                reason: format!("'{entry}' inflates past the {size} bytes it declares"),
            });
        }
        hasher.update(&buf[..n]);
        w.write_all(&buf[..n])
            .map_err(|source| PackError::Write { path: PathBuf::from(entry), source })?;
    }
    w.flush().map_err(|source| PackError::Write { path: PathBuf::from(entry), source })?;
    if n_total != size || hasher.finalize().to_hex().as_str() != hash {
        return Err(PackError::AudioMismatch { path, entry: entry.to_string() });
    }
    Ok(())
}

/// Removes temporary files a killed import left beside the library.
fn sweep_leftovers(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".gamefilm-pack-") && name.ends_with(".partial") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Imports a pack: checks all of it, then merges it in one transaction. Exits with an error,
/// having written nothing, at the first thing wrong.
pub fn import(
    lib: &mut Library,
    path: &Path,
    limits: &Limits,
) -> Result<PackImportSummary, PackError> {
    let mut opened = open(lib, path, limits)?;
    let dir = lib
        .path()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    sweep_leftovers(&dir);
    // Audio the library lacks: extracted and checked first, beside the library.
    let mut arrived = merge::ArrivedAudio::new();
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::new();
    let audio = opened.manifest.audio.clone();
    for a in &audio {
        let h = merge::unhex(&a.hash).unwrap_or_default();
        if let Some((_, Some(_))) = recordings::find_by_hash(lib.conn(), &h)? {
            continue;
        }
        let final_path = lib.path().parent().unwrap_or(Path::new(".")).join(&a.entry);
        let mut tmp = tempfile::Builder::new()
            .prefix(".gamefilm-pack-")
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(|source| PackError::Write { path: dir.clone(), source })?;
        extract_audio(&mut opened, &a.entry, &a.hash, a.size, tmp.as_file_mut())?;
        arrived.insert(a.hash.clone(), final_path.clone());
        staged.push((tmp, final_path));
    }
    let m = &opened.manifest;
    let had_people = people::list(lib.conn())?.len();
    let already = lib
        .conn()
        .query_row(
            "SELECT 1 FROM pack_log WHERE pack_uuid = ?1 AND direction = 'received'",
            [&m.pack_id],
            |_| Ok(()),
        )
        .map(|_| true)
        .or_else(
            |e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(false) } else { Err(e) },
        )
        .map_err(LibraryError::from)?;
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut made_dir = false;
    let records = &opened.records;
    let result = lib.write(|tx| {
        let merge = merge::apply(tx, records, Some(&m.created_by.id), &arrived)?;
        let sender: Option<i64> = tx
            .query_row("SELECT id FROM people WHERE uuid = ?1", [&m.created_by.id], |r| r.get(0))
            .ok();
        if let Some(sender) = sender {
            merge::remember_exchanged(tx, sender, records, merge::Direction::Received)?;
        }
        let mut became_default = false;
        if had_people == 0 {
            let to: String = tx.query_row(
                "SELECT uuid FROM people WHERE uuid = ?1 OR name = ?2 ORDER BY uuid = ?1 DESC LIMIT 1",
                [&m.created_for.id, &m.created_for.name],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO library_settings (key, value) VALUES ('default_person', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [&to],
            )?;
            became_default = true;
        }
        if !already {
            tx.execute(
                "INSERT INTO pack_log (pack_uuid, person_id, direction, at, summary)
                 VALUES (?1, ?2, 'received', ?3, ?4)",
                rusqlite::params![m.pack_id, sender, crate::timefmt::now_ms(), serde_json::to_string(&m.counts).unwrap_or_default()],
            )?;
        }
        let mut ids = Vec::new();
        for r in &records.recordings {
            let h = merge::unhex(&r.hash).unwrap_or_default();
            if let Some((id, _)) = recordings::find_by_hash(tx, &h)? {
                ids.push(id);
            }
        }
        // The audio moves into place last; a failed commit removes it again.
        for (tmp, to) in staged.drain(..) {
            let parent = to.parent().unwrap_or(Path::new("."));
            if !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|source| LibraryError::Export { path: parent.to_path_buf(), source })?;
                made_dir = true;
            }
            tmp.persist_noclobber(&to).map(drop).or_else(|e| {
                // The same content is already there (a pack imported before, then undone).
                if to.exists() && crate::import::hash_file(&to).is_ok_and(|h| h == merge::unhex(to.file_stem().and_then(|s| s.to_str()).unwrap_or("")).unwrap_or_default()) {
                    Ok(())
                } else {
                    Err(LibraryError::Export { path: to.clone(), source: e.error })
                }
            })?;
            moved.push(to);
        }
        Ok((merge, became_default, ids))
    });
    let (merge, became_default, ids) = match result {
        Ok(x) => x,
        Err(e) => {
            for p in &moved {
                let _ = std::fs::remove_file(p);
            }
            if made_dir {
                let _ = std::fs::remove_dir(dir.join("audio"));
            }
            return Err(e.into());
        }
    };
    // The pack's calls whose audio is still not on this machine.
    let mut without_audio = 0;
    for id in &ids {
        if recordings::get(lib.conn(), *id)?.file.is_none() {
            without_audio += 1;
        }
    }
    Ok(PackImportSummary {
        pack_id: opened.manifest.pack_id.clone(),
        from: opened.manifest.created_by.clone(),
        to: opened.manifest.created_for.clone(),
        created_at: opened.manifest.created_at,
        merge,
        audio_written: moved.len() as u32,
        without_audio,
        became_default,
        recordings: ids,
    })
}
