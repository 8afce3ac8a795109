//! Import: files and folders → content hash → probe, decode and peaks → one transaction per file.
//!
//! Threads: hashing and decoding run on a rayon pool (all cores by default); the calling thread
//! is the only writer and commits each file in its own transaction as soon as it is ready, so a
//! crash or kill keeps every file reported as imported and loses only the one in flight.
//!
//! A file that fails any step leaves no row and is reported with its path and the reason; the
//! batch goes on. A decoder panic is caught here, at the boundary, and becomes that file's error.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::Serialize;
use ts_rs::TS;

use crate::audio::{self, Analysis, AudioError};
use crate::error::{Coded, ErrorCode, catch_panic};
use crate::jobs::Job;
use crate::library::recordings::{self, ContentHash, NewRecording};
use crate::library::{Library, LibraryError, insights};

pub mod watch;

/// File extensions picked up when walking a folder. A file named explicitly is always tried.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "mp3", "m4a", "mp4", "aac", "flac", "ogg", "oga", "opus", "mka", "mkv", "webm",
    "aif", "aiff", "aifc", "caf", "m4b", "3gp", "3g2",
];

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error("{path}: {reason}")]
    Walk { path: PathBuf, reason: String },
    #[error("{path}: the decoder crashed ({message}); the file is probably damaged")]
    DecoderPanic { path: PathBuf, message: String },
    #[error(
        "{path}: this path is already in the library as recording {id}, but its content has \
         changed since; remove that recording first to import the new content"
    )]
    ChangedOnDisk { path: PathBuf, id: i64 },
    #[error("{path}: could not be saved to the library: {source}")]
    Library { path: PathBuf, source: LibraryError },
    #[error(
        "{path}: this is not the audio of call {id} (its content differs from the call's); \
         choose the very file the call was recorded in"
    )]
    NotThisCall { path: PathBuf, id: i64 },
}

impl ImportError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ImportError::Audio(e) => e.code(),
            ImportError::Walk { .. } => ErrorCode::ImportWalk,
            ImportError::DecoderPanic { .. } => ErrorCode::ImportDecoderPanic,
            ImportError::ChangedOnDisk { .. } => ErrorCode::ImportChangedOnDisk,
            ImportError::Library { .. } => ErrorCode::ImportLibrary,
            ImportError::NotThisCall { .. } => ErrorCode::ImportNotThisCall,
        }
    }
}

impl Coded for ImportError {
    fn code(&self) -> ErrorCode {
        ImportError::code(self)
    }
}

/// What happened to one file.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Outcome {
    /// Added as a new recording.
    Imported { id: i64, duration_ms: i64 },
    /// Known content found at a new path (the old one is gone): the recording now points here.
    #[serde(rename_all = "camelCase")]
    Relinked {
        id: i64,
        #[serde(serialize_with = "lossy_path")]
        old_path: PathBuf,
    },
    /// The same content is already in the library at another path that still exists.
    #[serde(rename_all = "camelCase")]
    Duplicate {
        id: i64,
        #[serde(serialize_with = "lossy_path")]
        existing_path: PathBuf,
    },
    /// This very file was imported before.
    AlreadyImported { id: i64 },
    /// The call holding this content was removed from the library: it stays removed (a watch
    /// folder that still holds the file does not bring it back); `gamefilm restore ID` does.
    Removed { id: i64 },
    /// Not imported; nothing was written for it.
    Failed {
        code: ErrorCode,
        #[serde(serialize_with = "as_display")]
        error: ImportError,
    },
}

fn as_display<S: serde::Serializer>(e: &ImportError, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

fn lossy_path<S: serde::Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

#[derive(Debug, Serialize)]
pub struct FileResult {
    /// Shown lossily in JSON (a name that is not UTF-8 cannot be JSON text).
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What an import reports as it goes, through its [`Job`]: how many files there are, then each
/// finished file. A failed file always arrives; the others are progress, which the job throttles
/// (the window hears about ten a second; the CLI, whose job is unthrottled, prints a line for
/// each), and the last file always arrives.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum ImportEvent {
    /// The walk is done: this many files will be finished (audio files plus problems found
    /// walking).
    Discovered { files: u32 },
    /// `done` of `total` files are finished, the last one `path`.
    File { done: u32, total: u32, path: String, result: FileDone },
}

/// What happened to one file, as it is reported (see [`Outcome`]).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "status", rename_all = "camelCase")]
#[ts(export)]
pub enum FileDone {
    #[serde(rename_all = "camelCase")]
    Imported {
        id: i64,
        duration_ms: i64,
    },
    #[serde(rename_all = "camelCase")]
    Relinked {
        id: i64,
        old_path: String,
    },
    #[serde(rename_all = "camelCase")]
    Duplicate {
        id: i64,
        existing_path: String,
    },
    AlreadyImported {
        id: i64,
    },
    /// Removed from the library earlier: left removed.
    Removed {
        id: i64,
    },
    /// Nothing was written for it; `message` names the file and the reason.
    Failed {
        code: ErrorCode,
        message: String,
    },
}

impl From<&Outcome> for FileDone {
    fn from(o: &Outcome) -> Self {
        let text = |p: &Path| p.to_string_lossy().into_owned();
        match o {
            Outcome::Imported { id, duration_ms } => {
                FileDone::Imported { id: *id, duration_ms: *duration_ms }
            }
            Outcome::Relinked { id, old_path } => {
                FileDone::Relinked { id: *id, old_path: text(old_path) }
            }
            Outcome::Duplicate { id, existing_path } => {
                FileDone::Duplicate { id: *id, existing_path: text(existing_path) }
            }
            Outcome::AlreadyImported { id } => FileDone::AlreadyImported { id: *id },
            Outcome::Removed { id } => FileDone::Removed { id: *id },
            Outcome::Failed { code, error } => {
                FileDone::Failed { code: *code, message: error.to_string() }
            }
        }
    }
}

/// The counts of a finished import.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    pub imported: u32,
    pub relinked: u32,
    pub duplicates: u32,
    pub failed: u32,
    pub cancelled: bool,
    /// The recording each file is now (imported, relinked or already in the library), in the
    /// report's order (by path): what to open after an *Open with Gamefilm*.
    pub recordings: Vec<i64>,
}

/// The analysis step, replaceable so that tests can make it fail in ways real files rarely do.
pub type Analyzer = fn(&Path) -> Result<Analysis, AudioError>;

#[derive(Clone)]
pub struct ImportOptions {
    /// Decoding threads; 0 means one per core.
    pub threads: usize,
    pub analyzer: Analyzer,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { threads: 0, analyzer: audio::analyze }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileResult>,
    pub cancelled: bool,
}

impl ImportReport {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.files.iter().filter(|r| f(&r.outcome)).count()
    }
    pub fn imported(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Imported { .. }))
    }
    pub fn relinked(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Relinked { .. }))
    }
    pub fn duplicates(&self) -> usize {
        self.count(|o| {
            matches!(
                o,
                Outcome::Duplicate { .. }
                    | Outcome::AlreadyImported { .. }
                    | Outcome::Removed { .. }
            )
        })
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            imported: self.imported() as u32,
            relinked: self.relinked() as u32,
            duplicates: self.duplicates() as u32,
            failed: self.failed() as u32,
            cancelled: self.cancelled,
            recordings: self
                .files
                .iter()
                .filter_map(|r| match r.outcome {
                    Outcome::Imported { id, .. }
                    | Outcome::Relinked { id, .. }
                    | Outcome::Duplicate { id, .. }
                    | Outcome::AlreadyImported { id } => Some(id),
                    Outcome::Removed { .. } | Outcome::Failed { .. } => None,
                })
                .collect(),
        }
    }
}

/// Reports one finished file: always when it failed or is the last, else as progress.
fn report_file(job: &Job<ImportEvent>, r: &FileResult, done: usize, total: usize) {
    let event = || ImportEvent::File {
        done: done as u32,
        total: total as u32,
        path: r.path.to_string_lossy().into_owned(),
        result: FileDone::from(&r.outcome),
    };
    if done == total || matches!(r.outcome, Outcome::Failed { .. }) {
        job.send(event());
    } else {
        job.progress(event);
    }
}

/// Imports files and folders (recursively) into `lib`. Returns `Err` only when the library
/// itself cannot be read; per-file problems are in the report.
pub fn import(
    lib: &mut Library,
    inputs: &[PathBuf],
    opts: &ImportOptions,
    job: &Job<ImportEvent>,
) -> Result<ImportReport, LibraryError> {
    let (files, mut results) = discover(inputs);
    let total = files.len() + results.len();
    job.send(ImportEvent::Discovered { files: total as u32 });
    for (i, r) in results.iter().enumerate() {
        report_file(job, r, i + 1, total);
    }
    let known: HashSet<ContentHash> = recordings::known_hashes(lib.conn())?.into_keys().collect();
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("gamefilm-import-{i}"))
        .build()
        .map_err(|e| LibraryError::invalid("threads", e.to_string()))?;
    let (tx, rx) = mpsc::sync_channel::<(PathBuf, Prepared)>(threads * 2);
    let analyzer = opts.analyzer;
    std::thread::scope(|s| {
        let known = &known;
        let files = &files;
        s.spawn(move || {
            pool.install(|| {
                files.par_iter().for_each_with(tx, |tx, path| {
                    if job.is_cancelled() {
                        return;
                    }
                    let prepared = prepare(path, known, analyzer);
                    // The writer hung up only if it is gone; nothing left to do then.
                    let _ = tx.send((path.clone(), prepared));
                });
            });
        });
        for (path, prepared) in rx {
            let outcome = commit(lib, &path, prepared, analyzer);
            let result = FileResult { path, outcome };
            report_file(job, &result, results.len() + 1, total);
            results.push(result);
        }
    });
    results.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(ImportReport { files: results, cancelled: job.is_cancelled() })
}

/// The walk: audio files to process, and failures found on the way (loops, unreadable dirs).
fn discover(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileResult>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |p: PathBuf, files: &mut Vec<PathBuf>| {
        let key = p.canonicalize().unwrap_or_else(|_| p.clone());
        if seen.insert(key.clone()) {
            files.push(key);
        }
    };
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => {
                for entry in walkdir::WalkDir::new(input).follow_links(true).sort_by_file_name() {
                    match entry {
                        Ok(e) if e.file_type().is_file() && is_audio_name(e.path()) => {
                            add(e.into_path(), &mut files)
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let path =
                                e.path().map(Path::to_path_buf).unwrap_or_else(|| input.clone());
                            let reason = match e.loop_ancestor() {
                                Some(a) => format!(
                                    "skipped a folder loop: this symlink leads back to {}",
                                    a.display()
                                ),
                                None => e.io_error().map_or_else(
                                    || e.to_string(),
                                    |io| format!("cannot read: {io}"),
                                ),
                            };
                            failed.push(failure(
                                path,
                                ImportError::Walk {
                                    path: e.path().map(Path::to_path_buf).unwrap_or_default(),
                                    reason,
                                },
                            ));
                        }
                    }
                }
            }
            Ok(_) => add(input.clone(), &mut files),
            Err(source) => failed.push(failure(
                input.clone(),
                AudioError::Unreadable { path: input.clone(), source }.into(),
            )),
        }
    }
    (files, failed)
}

fn failure(path: PathBuf, error: ImportError) -> FileResult {
    FileResult { path, outcome: Outcome::Failed { code: error.code(), error } }
}

fn is_audio_name(path: &Path) -> bool {
    let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    !hidden && ext.is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.as_str()))
}

/// The work done off the writer thread for one file.
enum Prepared {
    /// Content already in the library: no need to decode.
    Known {
        hash: ContentHash,
        mtime_ms: Option<i64>,
    },
    New {
        hash: ContentHash,
        size: u64,
        mtime_ms: Option<i64>,
        analysis: Box<Analysis>,
    },
    Failed(ImportError),
}

fn prepare(path: &Path, known: &HashSet<ContentHash>, analyzer: Analyzer) -> Prepared {
    let unreadable = |source| {
        Prepared::Failed(AudioError::Unreadable { path: path.to_path_buf(), source }.into())
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return unreadable(e),
    };
    // Hashing a named pipe would wait forever for a writer.
    if let Err(e) = audio::regular_file(path, &meta) {
        return Prepared::Failed(e.into());
    }
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    let hash = match hash_file(path) {
        Ok(h) => h,
        Err(e) => return unreadable(e),
    };
    if known.contains(&hash) {
        return Prepared::Known { hash, mtime_ms };
    }
    match analyze_guarded(path, analyzer) {
        Ok(analysis) => {
            Prepared::New { hash, size: meta.len(), mtime_ms, analysis: Box::new(analysis) }
        }
        Err(e) => Prepared::Failed(e),
    }
}

/// Runs the analyzer, turning a panic inside it into this file's error.
fn analyze_guarded(path: &Path, analyzer: Analyzer) -> Result<Analysis, ImportError> {
    match catch_panic(|| analyzer(path)) {
        Ok(result) => Ok(result?),
        Err(message) => Err(ImportError::DecoderPanic { path: path.to_path_buf(), message }),
    }
}

/// What [`refine_peaks`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refined {
    /// Calls that have their full waveform now.
    pub refined: u32,
    /// Calls whose file could not be decoded, with the reason: they keep the coarse waveform.
    pub failed: Vec<RefineFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefineFailure {
    pub id: i64,
    pub message: String,
}

/// Decodes the files of calls `ids` (those whose audio is here) on all cores and hands each
/// result to `store` in its own transaction, so a kill keeps what was done and the next run does
/// the rest; `job` hears each call done and can cancel between batches. Files that cannot be
/// read are listed, not fatal.
fn decode_each(
    lib: &mut Library,
    ids: Vec<i64>,
    job: &Job<VoiceProgress>,
    store: impl Fn(&rusqlite::Connection, i64, &Analysis) -> Result<(), LibraryError>,
) -> Result<Refined, LibraryError> {
    let mut files = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(file) = recordings::get(lib.conn(), id)?.file {
            files.push((id, file));
        }
    }
    let total = files.len();
    let mut done = Refined::default();
    let batch = rayon::current_num_threads().max(1);
    for chunk in files.chunks(batch) {
        if job.is_cancelled() {
            break;
        }
        let analysed: Vec<(i64, Result<Analysis, ImportError>)> = chunk
            .par_iter()
            .map(|(id, file)| (*id, analyze_guarded(file, audio::analyze)))
            .collect();
        for (id, result) in analysed {
            match result {
                Ok(a) => {
                    lib.write(|tx| store(tx, id, &a))?;
                    done.refined += 1;
                }
                Err(e) => done.failed.push(RefineFailure { id, message: e.to_string() }),
            }
            let so_far = done.refined as usize + done.failed.len();
            job.progress(|| VoiceProgress { done: so_far, total });
        }
    }
    job.progress_final(VoiceProgress { done: done.refined as usize + done.failed.len(), total });
    Ok(done)
}

/// Measures the voice activity of the calls imported before insights (their audio here), for
/// their talk ratio and the rest, through [`decode_each`].
pub fn analyse_voice(lib: &mut Library, job: &Job<VoiceProgress>) -> Result<Refined, LibraryError> {
    let ids = insights::unanalysed(lib.conn())?;
    decode_each(lib, ids, job, |tx, id, a| insights::store(tx, id, &a.voice))
}

/// How far [`analyse_voice`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VoiceProgress {
    pub done: usize,
    pub total: usize,
}

/// Decodes the audio of the calls whose waveform is still the coarse one a review pack carried
/// (one column per second) and stores their full peaks and their voice activity: a pack's
/// import only moves files, so it runs at the speed of unzipping, and this follows (through
/// [`decode_each`]).
pub fn refine_peaks(lib: &mut Library) -> Result<Refined, LibraryError> {
    let ids = recordings::coarse_with_audio(lib.conn())?;
    decode_each(lib, ids, &Job::silent(), |tx, id, a| {
        recordings::replace_peaks(tx, id, &a.peaks)?;
        insights::store(tx, id, &a.voice)
    })
}

/// *Locate…*: gives call `id` its audio from `path`, when the call came without it (a review
/// pack without audio) or its file moved. Only a call `scope` may see (a rep: their own), and
/// only the call's own file (same content hash); its full peaks replace the ones the library
/// had. Nothing changes on any error.
pub fn locate(
    lib: &mut Library,
    scope: crate::library::Scope,
    id: i64,
    path: &Path,
) -> Result<(), ImportError> {
    let lib_err = |source: LibraryError| ImportError::Library { path: path.to_path_buf(), source };
    let rec = recordings::get_scoped(lib.conn(), scope, id).map_err(lib_err)?;
    let walk =
        |e: std::io::Error| ImportError::Walk { path: path.to_path_buf(), reason: e.to_string() };
    let meta = std::fs::metadata(path).map_err(walk)?;
    if !meta.is_file() {
        return Err(ImportError::Walk { path: path.to_path_buf(), reason: "not a file".into() });
    }
    let hash = hash_file(path).map_err(walk)?;
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    if hex != rec.content_hash {
        return Err(ImportError::NotThisCall { path: path.to_path_buf(), id });
    }
    let analysis = analyze_guarded(path, audio::analyze)?;
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    lib.write(|tx| {
        recordings::fill_audio(tx, id, &path, mtime_ms, &analysis.peaks)?;
        insights::store(tx, id, &analysis.voice)
    })
    .map_err(lib_err)
}

/// blake3 of the file's bytes.
pub fn hash_file(path: &Path) -> std::io::Result<ContentHash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(File::open(path)?)?;
    Ok(*hasher.finalize().as_bytes())
}

/// What the library already holds for this content or path, if anything decides the outcome.
fn existing_outcome(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    hash: &ContentHash,
    mtime_ms: Option<i64>,
    analysis: Option<&Analysis>,
) -> Result<Option<Result<Outcome, ImportError>>, LibraryError> {
    if let Some((id, existing)) = recordings::find_by_hash(tx, hash)? {
        if recordings::removed_at(tx, id)?.is_some() {
            return Ok(Some(Ok(Outcome::Removed { id })));
        }
        let Some(existing) = existing else {
            // It came from a review pack without its audio: this file is that audio. Its full
            // peaks replace the pack's coarse ones, so it is decoded first.
            return match analysis {
                Some(a) => {
                    recordings::fill_audio(tx, id, path, mtime_ms, &a.peaks)?;
                    insights::store(tx, id, &a.voice)?;
                    Ok(Some(Ok(Outcome::Relinked { id, old_path: PathBuf::new() })))
                }
                None => Ok(None),
            };
        };
        if existing == path {
            return Ok(Some(Ok(Outcome::AlreadyImported { id })));
        }
        if existing.exists() {
            return Ok(Some(Ok(Outcome::Duplicate { id, existing_path: existing })));
        }
        if let Some((other, _)) = recordings::find_by_path(tx, path)? {
            return Ok(Some(Err(ImportError::ChangedOnDisk {
                path: path.to_path_buf(),
                id: other,
            })));
        }
        recordings::relink(tx, id, path, mtime_ms)?;
        return Ok(Some(Ok(Outcome::Relinked { id, old_path: existing })));
    }
    if let Some((id, _)) = recordings::find_by_path(tx, path)? {
        return Ok(Some(Err(ImportError::ChangedOnDisk { path: path.to_path_buf(), id })));
    }
    Ok(None)
}

fn commit(lib: &mut Library, path: &Path, prepared: Prepared, analyzer: Analyzer) -> Outcome {
    let fail = |error: ImportError| Outcome::Failed { code: error.code(), error };
    let lib_err = |source| fail(ImportError::Library { path: path.to_path_buf(), source });
    let (hash, mtime_ms, analysis) = match prepared {
        Prepared::Failed(e) => return fail(e),
        Prepared::New { hash, size, mtime_ms, analysis } => {
            (hash, mtime_ms, Some((size, analysis)))
        }
        Prepared::Known { hash, mtime_ms } => (hash, mtime_ms, None),
    };
    let (size, analysis) = match analysis {
        Some(a) => a,
        None => {
            // Known when the batch began: most often decided without decoding.
            match lib.write(|tx| existing_outcome(tx, path, &hash, mtime_ms, None)) {
                Ok(Some(Ok(outcome))) => return outcome,
                Ok(Some(Err(e))) => return fail(e),
                Err(e) => return lib_err(e),
                Ok(None) => {}
            }
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            match analyze_guarded(path, analyzer) {
                Ok(a) => (size, Box::new(a)),
                Err(e) => return fail(e),
            }
        }
    };
    let new = NewRecording {
        path,
        hash: &hash,
        size_bytes: size,
        mtime_ms,
        stream: &analysis.stream,
        tags: &analysis.tags,
        peaks: &analysis.peaks,
    };
    let written =
        lib.write(|tx| match existing_outcome(tx, path, &hash, mtime_ms, Some(&analysis))? {
            Some(decided) => Ok(decided),
            None => {
                let id = recordings::insert(tx, &new)?;
                insights::store(tx, id, &analysis.voice)?;
                Ok(Ok(Outcome::Imported { id, duration_ms: analysis.stream.duration_ms() }))
            }
        });
    match written {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => fail(e),
        Err(e) => lib_err(e),
    }
}
