//! Import on real files: every supported format, durations against ffprobe, peaks against an
//! independent ffmpeg decode, tags, duplicates, relinking, and every class of bad input.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gamefilm::audio::peaks::{PeakBuilder, base_samples_per_bucket, dequantize};
use gamefilm::import::{self, ImportOptions, ImportReport, Outcome};
use gamefilm::jobs::Job;
use gamefilm::library::{Library, recordings};

fn run_import(lib: &mut Library, paths: &[PathBuf]) -> ImportReport {
    import::import(lib, paths, &ImportOptions::default(), &Job::silent()).expect("import runs")
}

fn imported_id(report: &ImportReport, path: &Path) -> i64 {
    let r = report
        .files
        .iter()
        .find(|r| r.path.ends_with(path.file_name().unwrap()))
        .expect("file in report");
    match &r.outcome {
        Outcome::Imported { id, .. } => *id,
        other => panic!("{} was not imported: {other:?}", path.display()),
    }
}

fn failure_of(report: &ImportReport, name: &str) -> (String, String) {
    let r = report
        .files
        .iter()
        .find(|r| r.path.to_string_lossy().contains(name))
        .unwrap_or_else(|| panic!("{name} not in report: {report:?}"));
    match &r.outcome {
        Outcome::Failed { code, error } => (code.to_string(), error.to_string()),
        other => panic!("{name} should have failed, got {other:?}"),
    }
}

#[test]
fn imports_every_format_with_durations_that_agree_with_ffprobe() {
    let t = TempLib::new();
    let mut lib = t.open();
    let paths: Vec<PathBuf> = GOOD.iter().map(|n| fixture(n)).collect();
    let report = run_import(&mut lib, &paths);
    assert_eq!(report.imported(), GOOD.len(), "{report:#?}");
    for p in &paths {
        let rec = recordings::get(lib.conn(), imported_id(&report, p)).unwrap();
        let probe = ffprobe_duration(p);
        let ours = rec.duration_ms as f64 / 1000.0;
        assert!((ours - probe).abs() <= 0.020, "{}: ours {ours} s, ffprobe {probe} s", p.display());
        let (rate, ch) = ffprobe_format(p);
        assert_eq!((rec.sample_rate, rec.channels), (rate, ch), "{}", p.display());
        assert!(!rec.codec.is_empty() && !rec.container.is_empty());
    }
    // One transaction per file: every recording has its peaks, and nothing else has any.
    let with_peaks: i64 = lib
        .conn()
        .query_row("SELECT count(DISTINCT recording_id) FROM peaks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(with_peaks, count(&lib, "recordings"));
}

#[test]
fn peaks_agree_with_an_independent_ffmpeg_decode() {
    peaks_agree_with_ffmpeg(GOOD);
}

#[test]
fn long_files_decoded_in_parallel_segments_agree_with_ffmpeg_and_ffprobe() {
    peaks_agree_with_ffmpeg(LONG);
    let t = TempLib::new();
    let mut lib = t.open();
    for name in LONG {
        let path = fixture(name);
        let report = run_import(&mut lib, std::slice::from_ref(&path));
        let rec = recordings::get(lib.conn(), imported_id(&report, &path)).unwrap();
        let probe = ffprobe_duration(&path);
        let ours = rec.duration_ms as f64 / 1000.0;
        assert!((ours - probe).abs() <= 0.020, "{name}: ours {ours} s, ffprobe {probe} s");
    }
}

fn peaks_agree_with_ffmpeg(names: &[&str]) {
    let t = TempLib::new();
    let mut lib = t.open();
    for name in names {
        let path = fixture(name);
        let report = run_import(&mut lib, std::slice::from_ref(&path));
        let id = imported_id(&report, &path);
        let rec = recordings::get(lib.conn(), id).unwrap();
        let stored = recordings::load_peaks(lib.conn(), id).unwrap();
        // The same bucketing over ffmpeg's samples.
        let planes = ffmpeg_decode(&path, rec.channels as usize);
        let mut b =
            PeakBuilder::new(rec.channels as usize, base_samples_per_bucket(rec.sample_rate));
        b.push_planar(&planes);
        let theirs = b.finish();
        let (ours, reference) = (&stored.levels[0].values, &theirs.levels[0].values);
        let stride = 2 * rec.channels as usize;
        let common = ours.len().min(reference.len());
        assert!(
            ours.len().abs_diff(reference.len()) <= 2 * stride,
            "{name}: {} buckets vs ffmpeg's {}",
            ours.len() / stride,
            reference.len() / stride
        );
        // The last bucket may hold a different share of padding: compare the full ones.
        let full = common.saturating_sub(stride);
        let worst = ours[..full]
            .iter()
            .zip(&reference[..full])
            .map(|(a, b)| (dequantize(*a) - dequantize(*b)).abs())
            .fold(0.0f32, f32::max);
        assert!(worst <= 1e-3, "{name}: peaks differ from ffmpeg's by up to {worst}");
        assert!(full > 100, "{name}: too few buckets compared");
        assert!(stored.levels.len() >= 2 || stored.levels[0].values.len() / stride <= 1024);
    }
}

#[test]
fn takes_title_artist_and_date_from_tags_else_from_the_file() {
    let t = TempLib::new();
    let mut lib = t.open();
    let tagged = fixture("mp3_44k_stereo.mp3");
    let untagged = fixture("flac.flac");
    let report = run_import(&mut lib, &[tagged.clone(), untagged.clone()]);
    let rec = recordings::get(lib.conn(), imported_id(&report, &tagged)).unwrap();
    assert_eq!(rec.title, "Acme renewal call");
    assert_eq!(rec.artist.as_deref(), Some("Dana Rep"));
    assert_eq!(rec.rep.as_deref(), Some("Dana Rep"));
    assert_eq!(gamefilm::timefmt::format_date_ms(rec.call_time), "2026-03-14 00:00");
    let rec = recordings::get(lib.conn(), imported_id(&report, &untagged)).unwrap();
    assert_eq!(rec.title, "flac");
    let mtime = std::fs::metadata(&untagged).unwrap().modified().unwrap();
    let mtime_ms = mtime.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert_eq!(rec.call_time, mtime_ms);
}

#[test]
fn recognises_duplicates_and_relinks_moved_files() {
    let t = TempLib::new();
    let mut lib = t.open();
    let calls = t.folder("calls");
    let original = calls.join("monday.wav");
    std::fs::copy(fixture("mulaw_8k.wav"), &original).unwrap();
    let report = run_import(&mut lib, std::slice::from_ref(&calls));
    let id = imported_id(&report, &original);

    // The same file again: already imported, nothing added.
    let again = run_import(&mut lib, std::slice::from_ref(&calls));
    assert!(
        matches!(again.files[0].outcome, Outcome::AlreadyImported { id: i } if i == id),
        "{again:?}"
    );

    // A copy under another name while the original exists: a duplicate.
    let copy = calls.join("monday-copy.wav");
    std::fs::copy(&original, &copy).unwrap();
    let dup = run_import(&mut lib, std::slice::from_ref(&copy));
    assert!(
        matches!(&dup.files[0].outcome, Outcome::Duplicate { id: i, .. } if *i == id),
        "{dup:?}"
    );
    assert_eq!(dup.duplicates(), 1);
    std::fs::remove_file(&copy).unwrap();

    // Moved: the recording (and its notes) follow the file.
    let moved_dir = t.folder("archive/2026");
    let moved = moved_dir.join("monday.wav");
    std::fs::rename(&original, &moved).unwrap();
    let relinked = run_import(&mut lib, &[t.dir.path().join("archive")]);
    assert!(
        matches!(&relinked.files[0].outcome, Outcome::Relinked { id: i, .. } if *i == id),
        "{relinked:?}"
    );
    let rec = recordings::get(lib.conn(), id).unwrap();
    assert_eq!(Path::new(rec.path.as_deref().unwrap()), moved.canonicalize().unwrap());
    assert_eq!(count(&lib, "recordings"), 1);
}

/// Imports `bad` next to a good file; checks the bad one is reported by name with `code`, the
/// good one is imported, and nothing partial is left.
fn assert_rejected(bad: &Path, code: &str, reason_contains: &str) {
    let t = TempLib::new();
    let mut lib = t.open();
    let folder = t.folder("batch");
    let target = folder.join(bad.file_name().unwrap());
    std::fs::copy(bad, &target).unwrap();
    let good = folder.join("good.wav");
    std::fs::copy(fixture("alaw_8k.wav"), &good).unwrap();
    let report = run_import(&mut lib, &[folder]);
    let (got_code, message) = failure_of(&report, &target.file_name().unwrap().to_string_lossy());
    assert_eq!(got_code, code, "{message}");
    assert!(
        message.contains(&*target.file_name().unwrap().to_string_lossy()),
        "the message names the file: {message}"
    );
    assert!(message.contains(reason_contains), "the message gives the reason: {message}");
    assert_eq!(report.imported(), 1, "the batch goes on: {report:#?}");
    assert_eq!(count(&lib, "recordings"), 1);
    assert_eq!(
        count(&lib, "peaks"),
        recordings::load_peaks(lib.conn(), 1).unwrap().levels.len() as i64
    );
}

#[test]
fn rejects_a_zero_length_file() {
    assert_rejected(&fixture("bad/empty.mp3"), "audio.empty", "empty");
}

#[test]
fn rejects_a_truncated_wav() {
    assert_rejected(&fixture("bad/truncated.wav"), "audio.truncated", "truncated");
}

#[test]
fn rejects_a_truncated_flac() {
    assert_rejected(&fixture("bad/truncated.flac"), "audio.truncated", "truncated");
}

#[test]
fn rejects_random_bytes_with_an_audio_extension() {
    assert_rejected(&fixture("bad/random.mp3"), "audio.not_audio", "not an audio file");
    assert_rejected(&fixture("bad/random.flac"), "audio.not_audio", "not an audio file");
}

#[test]
fn rejects_a_text_file_renamed_to_mp3() {
    assert_rejected(&fixture("bad/text.mp3"), "audio.not_audio", "not an audio file");
}

#[test]
fn rejects_an_image_renamed_to_m4a_or_flac() {
    assert_rejected(&fixture("bad/image.m4a"), "audio.not_audio", "not an audio file");
    assert_rejected(&fixture("bad/image.flac"), "audio.not_audio", "not an audio file");
}

#[test]
fn rejects_a_codec_it_does_not_decode_naming_it() {
    assert_rejected(&fixture("ac3.mka"), "audio.unsupported_codec", "AC-3");
}

#[test]
fn reports_a_folder_loop_and_imports_the_rest() {
    let t = TempLib::new();
    let mut lib = t.open();
    let folder = t.folder("calls/sub");
    std::fs::copy(fixture("alaw_8k.wav"), folder.join("call.wav")).unwrap();
    std::os::unix::fs::symlink(t.dir.path().join("calls"), folder.join("loop")).unwrap();
    let report = run_import(&mut lib, &[t.dir.path().join("calls")]);
    let (code, message) = failure_of(&report, "loop");
    assert_eq!(code, "import.walk");
    assert!(message.contains("loop"), "{message}");
    assert_eq!(report.imported(), 1, "{report:#?}");
}

fn panicking_analyzer(
    path: &Path,
) -> Result<gamefilm::audio::Analysis, gamefilm::audio::AudioError> {
    if path.to_string_lossy().contains("poison") {
        panic!("index out of bounds in a decoder");
    }
    gamefilm::audio::analyze(path)
}

#[test]
fn a_decoder_panic_is_caught_and_reported_as_that_files_error() {
    let t = TempLib::new();
    let mut lib = t.open();
    let folder = t.folder("batch");
    std::fs::copy(fixture("mulaw_8k.wav"), folder.join("poison.wav")).unwrap();
    std::fs::copy(fixture("alaw_8k.wav"), folder.join("fine.wav")).unwrap();
    let opts = ImportOptions { analyzer: panicking_analyzer, ..Default::default() };
    let report = import::import(&mut lib, &[folder], &opts, &Job::silent()).unwrap();
    let (code, message) = failure_of(&report, "poison.wav");
    assert_eq!(code, "import.decoder_panic");
    assert!(message.contains("poison.wav") && message.contains("index out of bounds"), "{message}");
    assert_eq!(report.imported(), 1);
    assert_eq!(count(&lib, "recordings"), 1);
}

#[test]
fn rejects_an_unreadable_file() {
    let t = TempLib::new();
    let folder = t.folder("batch");
    let locked = folder.join("locked.wav");
    std::fs::copy(fixture("mulaw_8k.wav"), &locked).unwrap();
    std::fs::copy(fixture("alaw_8k.wav"), folder.join("fine.wav")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any file: run the real CLI as an unprivileged user then.
    let is_root = effective_uid() == 0;
    let lib_path = t.path();
    let mut cmd = if is_root {
        for p in [t.dir.path(), folder.as_path()] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        // A copy of the binary in the world-readable temp dir: the checkout may not be
        // reachable by that user.
        let bin = t.dir.path().join("gamefilm");
        std::fs::copy(env!("CARGO_BIN_EXE_gamefilm"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(&bin);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_gamefilm"))
    };
    let out = cmd
        .arg("--library")
        .arg(&lib_path)
        .arg("import")
        .arg(&folder)
        .output()
        .expect("run gamefilm");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a failed file makes the exit code non-zero: {stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("locked.wav") && l.contains("failed"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("cannot read the file") && line.contains("ermission denied"), "{line}");
    assert!(stdout.contains("1 imported"), "{stdout}");
    let lib = Library::open(&lib_path).unwrap();
    assert_eq!(count(&lib, "recordings"), 1);
}

/// The effective user id, read from /proc so the test needs no unsafe code.
fn effective_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// What the window hears: the count first, every failure with its code, and files that end at
/// the total (throttled in between, so a big folder does not flood it); cancel stops it.
#[test]
fn an_import_reports_the_count_every_failure_and_progress_to_the_end() {
    use std::sync::{Arc, Mutex};

    use gamefilm::error::ErrorCode;
    use gamefilm::import::{FileDone, ImportEvent};
    use gamefilm::jobs::CancelFlag;

    let t = TempLib::new();
    let mut lib = t.open();
    let folder = t.folder("batch");
    for name in ["a.wav", "b.wav", "c.wav"] {
        std::fs::copy(fixture("alaw_8k.wav"), folder.join(name)).unwrap();
    }
    std::fs::write(folder.join("empty.wav"), b"").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let job = Job::new({
        let seen = Arc::clone(&seen);
        move |e| seen.lock().unwrap().push(e)
    });
    let report =
        import::import(&mut lib, &[folder], &ImportOptions::default(), &job).expect("import runs");
    assert_eq!((report.imported(), report.duplicates(), report.failed()), (1, 2, 1));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.first(), Some(&ImportEvent::Discovered { files: 4 }));
    let failed: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            ImportEvent::File { path, result: FileDone::Failed { code, message }, .. } => {
                Some((path, *code, message))
            }
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{seen:?}");
    assert!(failed[0].0.ends_with("empty.wav") && failed[0].1 == ErrorCode::AudioEmpty);
    assert!(failed[0].2.contains("empty.wav"), "{}", failed[0].2);
    match seen.last() {
        Some(ImportEvent::File { done: 4, total: 4, .. }) => {}
        other => panic!("the last event is the full progress, got {other:?}"),
    }
    assert!(!report.summary().cancelled);

    // Cancelled before it starts: nothing is imported, and the summary says so.
    let cancel = CancelFlag::default();
    cancel.cancel();
    let more = t.folder("more");
    std::fs::copy(fixture("mulaw_8k.wav"), more.join("d.wav")).unwrap();
    let job: Job<ImportEvent> = Job::silent().cancelled_by(cancel);
    let report = import::import(&mut lib, &[more], &ImportOptions::default(), &job).unwrap();
    assert!(report.summary().cancelled);
    assert_eq!(report.imported(), 0);
}

/// Runs `f` on a thread and fails the test when it takes a minute: what used to wait forever.
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()));
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what} is still waiting after a minute"))
}

#[test]
fn a_named_pipe_named_explicitly_is_refused_by_its_type_for_import_and_play() {
    let t = TempLib::new();
    let calls = t.folder("calls");
    let pipe = calls.join("live.wav");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    // Played directly, too: opening it for decoding would wait for a writer.
    let opened = within_a_minute("opening the pipe", {
        let pipe = pipe.clone();
        move || gamefilm::audio::Source::open(&pipe).err().map(|e| (e.code(), e.to_string()))
    });
    let (code, message) = opened.expect("a named pipe opened as audio");
    assert_eq!(code, "audio.not_a_file", "{message}");
    let path = t.path();
    let report = within_a_minute("the import", move || {
        let mut lib = Library::open(&path).unwrap();
        run_import(&mut lib, &[pipe])
    });
    let (code, message) = failure_of(&report, "live.wav");
    assert_eq!(code, "audio.not_a_file");
    assert!(
        message.ends_with("not a regular file (a named pipe); Gamefilm reads audio files only")
    );
    assert_eq!(count(&t.open(), "recordings"), 0);
}

/// Files whose container Gamefilm does not read are refused naming it, not as "no known
/// container", and a TAK file is never imported as the MP3 scrap a probe can find inside it.
#[test]
fn a_container_gamefilm_does_not_read_is_named_and_refused() {
    let t = TempLib::new();
    let dir = t.folder("made");
    let riff = fixture("pcm16_44k_stereo.wav");
    let rifx = dir.join("rifx.wav");
    let sox = std::process::Command::new("sox").arg(&riff).arg("-B").arg(&rifx).status().unwrap();
    assert!(
        sox.success() && std::fs::read(&rifx).unwrap().starts_with(b"RIFX"),
        "sox -B wrote RIFX"
    );
    assert_rejected(&rifx, "audio.unsupported_container", "a big-endian WAV (RIFX) file");

    // A TAK header, then a long run of other bytes, then real MP3 frames (named as the MP3 a
    // recorder's export might call it).
    let tak = dir.join("call.mp3");
    let mut bytes = b"tBaK".to_vec();
    bytes.extend(std::iter::repeat_n(0x5a, 50_000));
    bytes.extend(std::fs::read(fixture("mp3_44k_stereo.mp3")).unwrap());
    std::fs::write(&tak, bytes).unwrap();
    assert_rejected(&tak, "audio.unsupported_container", "a TAK file");

    // A WAV whose format chunk is cut short: its reader's reason, not "no known container".
    let mut wav = std::fs::read(&riff).unwrap();
    let fmt = wav.windows(4).position(|w| w == b"fmt ").unwrap();
    wav[fmt + 4..fmt + 8].copy_from_slice(&2u32.to_le_bytes());
    let broken = dir.join("broken.wav");
    std::fs::write(&broken, wav).unwrap();
    assert_rejected(
        &broken,
        "audio.unreadable_container",
        "a WAV file whose contents could not be read",
    );
}

/// Runs ffmpeg with `args` (inputs, options, output); panics when it fails.
fn ffmpeg(args: &[&std::ffi::OsStr]) {
    let ok = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "ffmpeg {args:?} failed");
}

/// The byte offset of the body of the first `tag` chunk of a RIFF file, and its length.
fn riff_chunk(bytes: &[u8], tag: &[u8; 4]) -> (usize, usize) {
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if &bytes[at..at + 4] == tag {
            return (at + 8, len);
        }
        at += 8 + len + (len & 1);
    }
    panic!("no {} chunk", String::from_utf8_lossy(tag));
}

/// Rewrites the `fmt ` chunk of a WAV to `fmt_len` bytes (16: no cbSize; 18 + n: cbSize = n and
/// n extension bytes), as some recorders write G.711, and fixes the RIFF size.
fn with_fmt_len(wav: &[u8], fmt_len: usize) -> Vec<u8> {
    let (body, len) = riff_chunk(wav, b"fmt ");
    let mut fmt = wav[body..body + 16].to_vec();
    if fmt_len >= 18 {
        fmt.extend((fmt_len as u16 - 18).to_le_bytes());
        fmt.resize(fmt_len, 0);
    }
    let mut out = wav[..body - 4].to_vec();
    out.extend((fmt_len as u32).to_le_bytes());
    out.extend(&fmt);
    out.extend(&wav[body + len + (len & 1)..]);
    let riff = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    out
}

/// WAV layouts real recorders and tools write, each imported with the duration of the samples
/// ffmpeg decodes from it (within 20 ms): RF64 (ffmpeg's `-rf64`, as broadcast recorders write
/// long files), G.711 μ-law/A-law with a 20-byte and a 16-byte `fmt ` chunk (made by hand: no
/// encoder here writes them), WAVE_FORMAT_EXTENSIBLE at 24 bits, with 3 channels, and with a
/// channel mask of SPEAKER_ALL (bit 31, which made symphonia's mask fix-up overflow).
#[test]
fn wavs_in_every_layout_recorders_write_import_whole() {
    let t = TempLib::new();
    let dir = t.folder("layouts");
    let speech = fixture("speech.wav");
    let path = |name: &str| dir.join(name);
    ffmpeg(&[
        "-i".as_ref(),
        speech.as_os_str(),
        "-rf64".as_ref(),
        "always".as_ref(),
        path("rf64.wav").as_os_str(),
    ]);
    assert!(std::fs::read(path("rf64.wav")).unwrap().starts_with(b"RF64"));
    for (codec, name) in [("pcm_mulaw", "mulaw"), ("pcm_alaw", "alaw")] {
        let plain = path(&format!("{name}.tmp.wav"));
        let args = ["-ar", "8000", "-ac", "1", "-c:a", codec];
        let mut all: Vec<&std::ffi::OsStr> = vec!["-i".as_ref(), speech.as_os_str()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        all.push(plain.as_os_str());
        ffmpeg(&all);
        let bytes = std::fs::read(&plain).unwrap();
        std::fs::remove_file(&plain).unwrap();
        for fmt_len in [20, 16] {
            std::fs::write(
                path(&format!("{name}_fmt{fmt_len}.wav")),
                with_fmt_len(&bytes, fmt_len),
            )
            .unwrap();
        }
    }
    ffmpeg(&[
        "-i".as_ref(),
        speech.as_os_str(),
        "-c:a".as_ref(),
        "pcm_s24le".as_ref(),
        path("ext24.wav").as_os_str(),
    ]);
    ffmpeg(&[
        "-i".as_ref(),
        speech.as_os_str(),
        "-af".as_ref(),
        "pan=3.0|c0=c0|c1=c0|c2=c0".as_ref(),
        "-c:a".as_ref(),
        "pcm_s16le".as_ref(),
        path("ext3ch.wav").as_os_str(),
    ]);
    let mut all = std::fs::read(path("ext24.wav")).unwrap();
    let (fmt, len) = riff_chunk(&all, b"fmt ");
    assert!(len == 40 && all[fmt..fmt + 2] == [0xFE, 0xFF], "ffmpeg wrote WAVE_FORMAT_EXTENSIBLE");
    all[fmt + 20..fmt + 24].copy_from_slice(&0x8000_0000u32.to_le_bytes());
    std::fs::write(path("speaker_all.wav"), all).unwrap();

    let names = [
        "rf64.wav",
        "mulaw_fmt20.wav",
        "mulaw_fmt16.wav",
        "alaw_fmt20.wav",
        "alaw_fmt16.wav",
        "ext24.wav",
        "ext3ch.wav",
        "speaker_all.wav",
    ];
    let files: Vec<PathBuf> = names.iter().map(|n| path(n)).collect();
    let mut lib = t.open();
    let report = run_import(&mut lib, &files);
    for file in &files {
        if let Some(r) = report.files.iter().find(|r| &r.path == file)
            && let Outcome::Failed { error, .. } = &r.outcome
        {
            panic!("{} was refused: {error}", file.display());
        }
        let rec = recordings::get(lib.conn(), imported_id(&report, file)).unwrap();
        let expected = (ffprobe_duration(file) * 1000.0).round() as i64;
        assert!(
            (rec.duration_ms - expected).abs() <= 20,
            "{}: {} ms imported, ffmpeg decodes {expected} ms",
            file.display(),
            rec.duration_ms
        );
    }
}

/// An ID3v2.4 tag whose extended header has the "tag is an update" flag (flag data length $00,
/// as the spec says), then a title frame and padding, in front of `mp3` (its own tag removed).
fn with_id3v24_update_tag(mp3: &[u8]) -> Vec<u8> {
    let syncsafe = |n: usize| {
        [(n >> 21) as u8 & 0x7f, (n >> 14) as u8 & 0x7f, (n >> 7) as u8 & 0x7f, n as u8 & 0x7f]
    };
    let audio = if mp3.starts_with(b"ID3") {
        let size = mp3[6..10].iter().fold(0usize, |a, &b| a << 7 | b as usize);
        &mp3[10 + size..]
    } else {
        mp3
    };
    let mut body = Vec::new();
    body.extend(syncsafe(7)); // extended header size, itself included
    body.extend([1, 0x40, 0]); // one flag byte: "tag is an update", with no data
    let title = b"\x03Discovery call";
    body.extend(b"TIT2");
    body.extend(syncsafe(title.len()));
    body.extend([0, 0]);
    body.extend(title);
    body.extend([0; 64]); // padding
    let mut out = b"ID3\x04\x00\x40".to_vec(); // v2.4, flags: extended header
    out.extend(syncsafe(body.len()));
    out.extend(body);
    out.extend(audio);
    out
}

/// Containers recorders, phones and audiobook tools write, each imported (also from a folder:
/// their extensions are known) with the duration of the samples ffmpeg decodes (within 20 ms):
/// an MP3 led by an ID3v2.4 tag with an extended header (its "update" flag used to hide the
/// whole file), a FLAC with an embedded cover picture, AAC-LC in an .m4b with chapters (a
/// chapter text track) and AAC in 3GP and 3G2.
#[test]
fn recorder_phone_and_audiobook_containers_import_whole() {
    let t = TempLib::new();
    let dir = t.folder("containers");
    let speech = fixture("speech.wav");
    let path = |name: &str| dir.join(name);
    let mp3 = std::fs::read(fixture("mp3_44k_stereo.mp3")).unwrap();
    std::fs::write(path("id3v24_update.mp3"), with_id3v24_update_tag(&mp3)).unwrap();
    let cover = t.folder("art").join("cover.png");
    ffmpeg(&[
        "-f".as_ref(),
        "lavfi".as_ref(),
        "-i".as_ref(),
        "testsrc=size=300x300".as_ref(),
        "-frames:v".as_ref(),
        "1".as_ref(),
        cover.as_os_str(),
    ]);
    ffmpeg(&[
        "-i".as_ref(),
        speech.as_os_str(),
        "-i".as_ref(),
        cover.as_os_str(),
        "-map".as_ref(),
        "0".as_ref(),
        "-map".as_ref(),
        "1".as_ref(),
        "-c:a".as_ref(),
        "flac".as_ref(),
        "-disposition:v".as_ref(),
        "attached_pic".as_ref(),
        path("cover.flac").as_os_str(),
    ]);
    let chapters = t.folder("meta").join("chapters.txt");
    std::fs::write(
        &chapters,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=3000\ntitle=Opening\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=3000\nEND=6000\ntitle=Discovery\n",
    )
    .unwrap();
    ffmpeg(&[
        "-i".as_ref(),
        speech.as_os_str(),
        "-i".as_ref(),
        chapters.as_os_str(),
        "-map_metadata".as_ref(),
        "1".as_ref(),
        "-c:a".as_ref(),
        "aac".as_ref(),
        path("book.m4b").as_os_str(),
    ]);
    for name in ["phone.3gp", "phone.3g2"] {
        ffmpeg(&[
            "-i".as_ref(),
            speech.as_os_str(),
            "-ar".as_ref(),
            "16000".as_ref(),
            "-c:a".as_ref(),
            "aac".as_ref(),
            path(name).as_os_str(),
        ]);
    }
    let mut lib = t.open();
    let report = run_import(&mut lib, std::slice::from_ref(&dir));
    for name in ["id3v24_update.mp3", "cover.flac", "book.m4b", "phone.3gp", "phone.3g2"] {
        let file = path(name);
        if let Some(r) = report.files.iter().find(|r| r.path == file)
            && let Outcome::Failed { error, .. } = &r.outcome
        {
            panic!("{name} was refused: {error}");
        }
        let rec = recordings::get(lib.conn(), imported_id(&report, &file)).unwrap();
        let expected = (ffprobe_duration(&file) * 1000.0).round() as i64;
        assert!(
            (rec.duration_ms - expected).abs() <= 20,
            "{name}: {} ms imported, ffmpeg decodes {expected} ms",
            rec.duration_ms
        );
    }
}

/// A seek into a long IMA ADPCM WAV lands on the audio at the target (symphonia multiplied a
/// frame count by the block size, landing far past the data): the player's seek and the
/// parallel import both rely on it.
#[test]
fn a_seek_in_an_adpcm_wav_lands_on_the_target() {
    let t = TempLib::new();
    let file = t.folder("seek").join("ima.wav");
    let source = fixture("chirp_noise.wav");
    ffmpeg(&[
        "-i".as_ref(),
        source.as_os_str(),
        "-ar".as_ref(),
        "8000".as_ref(),
        "-ac".as_ref(),
        "1".as_ref(),
        "-c:a".as_ref(),
        "adpcm_ima_wav".as_ref(),
        file.as_os_str(),
    ]);
    let (mut src, _) = gamefilm::audio::Source::open(&file).unwrap();
    let target = 150 * 8000;
    src.seek(target).unwrap();
    let mut got = Vec::new();
    while got.len() < 8000 {
        let block = src.next_block().unwrap().expect("audio after the seek");
        let skip = target.saturating_sub(block.start) as usize;
        got.extend(block.planes[0].iter().skip(skip));
    }
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(&file)
        .args(["-ss", "150", "-t", "1", "-f", "f32le", "-"])
        .output()
        .unwrap();
    let reference: Vec<f32> =
        out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect();
    let n = reference.len().min(got.len());
    assert!(n >= 7_900, "{n} samples decoded after the seek");
    let c = correlation(&got[..n], &reference[..n]);
    assert!(c >= 0.99, "the audio after the seek is not the target's (correlation {c:.4})");
}

/// Long ADPCM WAVs (IMA, as ffmpeg's `adpcm_ima_wav` writes them, and Microsoft's) import with
/// the duration ffprobe gives: the parallel decode's seek into them used to land past the data,
/// which was reported as "truncated … only 0.00 s of audio".
#[test]
fn long_adpcm_wavs_import_whole() {
    let t = TempLib::new();
    let dir = t.folder("adpcm");
    let mut files = Vec::new();
    for codec in ["adpcm_ima_wav", "adpcm_ms"] {
        let path = dir.join(format!("{codec}.wav"));
        let ok = std::process::Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i"])
            .arg("anoisesrc=color=pink:amplitude=0.3:sample_rate=8000:duration=600")
            .args(["-ac", "1", "-c:a", codec])
            .arg(&path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "ffmpeg wrote {codec}");
        files.push(path);
    }
    let mut lib = t.open();
    let report = run_import(&mut lib, &files);
    for path in &files {
        let id = imported_id(&report, path);
        let rec = recordings::get(lib.conn(), id).unwrap();
        let expected = (ffprobe_duration(path) * 1000.0).round() as i64;
        assert!(
            (rec.duration_ms - expected).abs() <= 20,
            "{}: {} ms imported, ffprobe says {expected} ms",
            path.display(),
            rec.duration_ms
        );
    }
}

/// GSM 6.10 in WAV (Asterisk's `wav49`): no well-kept Rust decoder exists, so it is refused,
/// naming the codec and the fix (symphonia's reader only says "unsupported wave format").
#[test]
fn a_gsm_wav_is_refused_naming_its_codec() {
    let t = TempLib::new();
    let gsm = t.folder("made").join("asterisk.wav");
    let ok = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(fixture("speech.wav"))
        .args(["-ar", "8000", "-ac", "1", "-c:a", "libgsm_ms"])
        .arg(&gsm)
        .status()
        .unwrap()
        .success();
    assert!(ok, "ffmpeg wrote GSM 6.10");
    assert_rejected(&gsm, "audio.unsupported_codec", "unsupported codec GSM 6.10");
}

/// A file whose name is not UTF-8 (written onto a share by another system) is stored exactly:
/// it can be opened and relinked afterwards, is found again by its path, and is shown with
/// U+FFFD for the odd bytes; `import --json` stays valid JSON.
#[test]
fn a_file_named_in_another_encoding_is_stored_exactly_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let t = TempLib::new();
    let dir = t.folder("share");
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"call_\xe9t\xe9.wav"));
    std::fs::copy(fixture("alaw_8k.wav"), &odd).unwrap();
    let mut lib = t.open();
    let report = run_import(&mut lib, std::slice::from_ref(&dir));
    let id = imported_id(&report, &odd);
    let rec = recordings::get(lib.conn(), id).unwrap();
    assert_eq!(rec.file.as_deref(), Some(odd.as_path()), "stored exactly");
    assert!(
        rec.path.as_deref().unwrap().ends_with("call_\u{fffd}t\u{fffd}.wav"),
        "shown lossily: {:?}",
        rec.path
    );
    assert!(
        gamefilm::audio::Source::open(rec.file.as_deref().unwrap()).is_ok(),
        "opened from the stored path"
    );
    let again = run_import(&mut lib, std::slice::from_ref(&odd));
    assert!(
        matches!(again.files[0].outcome, Outcome::AlreadyImported { id: same } if same == id),
        "found again by its exact path: {:?}",
        again.files[0].outcome
    );
    // Moved to another odd name: relinked to it, exactly.
    let moved = dir.join(std::ffi::OsStr::from_bytes(b"moved_\xfc.wav"));
    std::fs::rename(&odd, &moved).unwrap();
    let relinked = run_import(&mut lib, std::slice::from_ref(&moved));
    assert!(matches!(relinked.files[0].outcome, Outcome::Relinked { .. }));
    assert_eq!(recordings::get(lib.conn(), id).unwrap().file, Some(moved));
    let json = serde_json::to_string(&relinked).expect("the report serialises");
    assert!(json.contains("moved_\u{fffd}.wav"), "{json}");
}
