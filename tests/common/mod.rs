//! Shared test support: generated fixtures (real audio made by ffmpeg, sox and espeak-ng through
//! `scripts/make-fixtures.sh`), temporary libraries, and independent decodes by ffmpeg.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Command;

use gamefilm::library::Library;

/// The generated fixture folder, made once per checkout (and again when the script changes).
pub fn fixtures() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/test-fixtures");
    let script = root.join("scripts/make-fixtures.sh");
    // The script is idempotent and keyed on its own hash; a lock keeps parallel test processes
    // from generating at the same time.
    let status = Command::new("flock")
        .arg(root.join("target/.fixtures.lock"))
        .arg("bash")
        .arg(&script)
        .arg(&dir)
        .status()
        .expect("flock and bash are needed to generate fixtures");
    assert!(status.success(), "scripts/make-fixtures.sh failed");
    dir
}

pub fn fixture(name: &str) -> PathBuf {
    let p = fixtures().join(name);
    assert!(p.exists(), "fixture {name} is missing");
    p
}

/// The good fixtures and what ffprobe must agree on.
pub const GOOD: &[&str] = &[
    "pcm16_44k_stereo.wav",
    "mulaw_8k.wav",
    "alaw_8k.wav",
    "mp3_8k_mono.mp3",
    "mp3_44k_stereo.mp3",
    "aac.m4a",
    "flac.flac",
    "vorbis.ogg",
    "opus.ogg",
    "opus.webm",
];

/// Long fixtures (150 s): decoded in parallel segments.
pub const LONG: &[&str] = &["long_stereo.mp3", "long.m4a", "long.flac"];

/// A temporary folder with a library path in it.
pub struct TempLib {
    pub dir: tempfile::TempDir,
}

impl TempLib {
    pub fn new() -> Self {
        TempLib { dir: tempfile::tempdir().expect("temp dir") }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("library.sqlite")
    }
    pub fn open(&self) -> Library {
        Library::open(&self.path()).expect("open library")
    }
    /// A sub-folder of the temp dir, created.
    pub fn folder(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).expect("create folder");
        p
    }
}

/// ffprobe's view of how long the audio is, in seconds: the shorter of the stream's declared
/// duration and the samples its decoder produces. The declared MP3 duration counts the encoder's
/// delay and padding that decoding removes; decoding AAC in MP4 keeps end padding that the
/// declared (edit list) duration leaves out. The real audio is the shorter of the two.
pub fn ffprobe_duration(path: &Path) -> f64 {
    let declared = ffprobe_values(path, &["-show_entries", "stream=duration"]).first().copied();
    let rate = ffprobe_format(path).0 as f64;
    let decoded: f64 =
        ffprobe_values(path, &["-show_entries", "frame=nb_samples"]).iter().sum::<f64>() / rate;
    match declared {
        Some(d) => d.min(decoded),
        None => decoded,
    }
}

fn ffprobe_values(path: &Path, args: &[&str]) -> Vec<f64> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0"])
        .args(args)
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect()
}

/// ffprobe's sample rate and channel count of the first audio stream.
pub fn ffprobe_format(path: &Path) -> (u32, u32) {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=sample_rate,channels",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.trim().split(',');
    let rate = it.next().and_then(|v| v.parse().ok()).expect("sample rate");
    let ch = it.next().and_then(|v| v.parse().ok()).expect("channels");
    (rate, ch)
}

/// An independent decode by ffmpeg: planar f32 at the native rate and channel count.
pub fn ffmpeg_decode(path: &Path, channels: usize) -> Vec<Vec<f32>> {
    // ffmpeg decodes Opus with a decoder of its own, whose samples differ from libopus (the
    // reference decoder, which Gamefilm uses) by up to 0.3 here and there: compare with libopus.
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name"])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let opus = String::from_utf8_lossy(&probe.stdout).trim() == "opus";
    let decoder: &[&str] = if opus { &["-c:a", "libopus"] } else { &[] };
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error"])
        .args(decoder)
        .arg("-i")
        .arg(path)
        .args(["-map", "0:a:0", "-f", "f32le", "-acodec", "pcm_f32le", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg failed on {}", path.display());
    let samples: Vec<f32> =
        out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    let mut planes = vec![Vec::with_capacity(samples.len() / channels); channels];
    for frame in samples.chunks_exact(channels) {
        for (ch, v) in frame.iter().enumerate() {
            planes[ch].push(*v);
        }
    }
    planes
}

/// Counts rows of a table.
pub fn count(lib: &Library, table: &str) -> i64 {
    lib.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

/// Normalised correlation of two signals over their common length (gain-independent).
pub fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        ab += *x as f64 * *y as f64;
        aa += *x as f64 * *x as f64;
        bb += *y as f64 * *y as f64;
    }
    if aa == 0.0 || bb == 0.0 { 0.0 } else { ab / (aa * bb).sqrt() }
}

/// Imports `files` into `lib` (all must be new) and returns their recording ids, in order.
pub fn import_all(lib: &mut Library, files: &[PathBuf]) -> Vec<i64> {
    use gamefilm::import::{self, ImportOptions};
    use gamefilm::jobs::Job;
    let report =
        import::import(lib, files, &ImportOptions::default(), &Job::silent()).expect("import");
    assert_eq!(report.imported(), files.len(), "every file is new and imports");
    files
        .iter()
        .map(|f| {
            lib.conn()
                .query_row(
                    "SELECT id FROM recordings WHERE path = ?1",
                    [f.to_string_lossy()],
                    |r| r.get(0),
                )
                .expect("the imported recording")
        })
        .collect()
}

/// Spreads the recordings' call times one minute apart within the last hour, in the given order.
pub fn order_calls(lib: &Library, ids: &[i64]) {
    for (i, rec) in ids.iter().enumerate() {
        lib.conn()
            .execute(
                "UPDATE recordings SET call_time = ?2 WHERE id = ?1",
                [*rec, gamefilm::timefmt::now_ms() - 3_600_000 + i as i64 * 60_000],
            )
            .expect("set call time");
    }
}

/// Adds a coach's note (a point when `end_ms` is `None`) and returns it.
pub fn add_note(
    lib: &mut Library,
    recording_id: i64,
    start_ms: i64,
    end_ms: Option<i64>,
    kind: gamefilm::library::NoteKind,
    text: &str,
) -> gamefilm::library::Note {
    let new = gamefilm::library::notes::NewNote {
        recording_id,
        start_ms,
        end_ms,
        kind,
        text: text.into(),
    };
    let me = coach(lib);
    gamefilm::library::notes::create(lib, &me, &new).expect("add a note")
}

#[allow(dead_code)]
pub mod wav;

#[allow(unused_imports)]
pub use gamefilm::library::{Person, Role, Scope};

/// The library's coach "Coach", added (and made the default person) on first use.
pub fn coach(lib: &mut Library) -> Person {
    gamefilm::library::people::current_or_user(lib, Some("Coach"), "Coach")
        .or_else(|_| gamefilm::library::people::current_or_user(lib, None, "Coach"))
        .map(|(p, _)| p)
        .expect("the coach")
}

/// The person `name` with `role`, added on first use.
pub fn person(lib: &mut Library, name: &str, role: Role) -> Person {
    match gamefilm::library::people::named(lib.conn(), "name", name) {
        Ok(p) => p,
        Err(_) => gamefilm::library::people::add(lib, name, role).expect("add a person"),
    }
}

/// Note writes as the coach "Coach": the tests of notes themselves, which predate people.
#[allow(dead_code)]
pub mod as_coach {
    use gamefilm::library::notes::{self, NewNote, NoteEdit};
    use gamefilm::library::{Library, Note, Reply, Result};

    pub fn create(lib: &mut Library, new: &NewNote) -> Result<Note> {
        let me = super::coach(lib);
        notes::create(lib, &me, new)
    }
    pub fn edit(lib: &mut Library, id: &str, e: &NoteEdit) -> Result<Note> {
        let me = super::coach(lib);
        notes::edit(lib, &me, id, e)
    }
    pub fn delete(lib: &mut Library, id: &str) -> Result<Note> {
        let me = super::coach(lib);
        notes::delete(lib, &me, id)
    }
    pub fn undo_delete(lib: &mut Library, id: Option<&str>) -> Result<Note> {
        let me = super::coach(lib);
        notes::undo_delete(lib, &me, id)
    }
    pub fn reply(lib: &mut Library, id: &str, text: &str) -> Result<Reply> {
        let me = super::coach(lib);
        notes::reply(lib, &me, id, text)
    }
}

/// Writes a mono 16-bit 22.05 kHz WAV of `seconds` of a sine at `freq`.
#[allow(dead_code)]
pub fn write_tone_wav(path: &Path, freq: f32, seconds: u32) {
    let rate = 22_050u32;
    let samples: Vec<i16> = (0..rate * seconds)
        .map(|i| {
            let v = (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin() * 0.5;
            (v * 32767.0) as i16
        })
        .collect();
    std::fs::write(path, wav::pcm16(1, rate, &samples)).unwrap();
}
