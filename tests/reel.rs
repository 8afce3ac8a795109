//! Highlight reels from mixed real sources: the audio is checked by ffprobe/ffmpeg, chapter
//! starts against ffmpeg's decode of each source, the page in headless Chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use gamefilm::import::{self, ImportOptions, NoProgress};
use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::{Library, NoteKind};
use gamefilm::reel::render::{REEL_RATE, SEPARATOR_MS};
use gamefilm::reel::{self, ReelError, ReelQuery, RenderOptions};

const XSS_SCRIPT: &str = "<script>alert(1)</script>";
const XSS_ATTR: &str = "\"><img src=x onerror=alert(1)>";
const PWN: &str =
    "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";

/// A library with three calls in different formats (8 kHz mono MP3, M4A, 44.1 kHz stereo WAV)
/// and notes on each: three positives, one improvement.
fn library(t: &TempLib) -> Library {
    let mut lib = t.open();
    let files = [fixture("mp3_8k_mono.mp3"), fixture("aac.m4a"), fixture("pcm16_44k_stereo.wav")];
    let report = import::import(
        &mut lib,
        &files,
        &ImportOptions::default(),
        &NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.imported(), 3);
    let id = |name: &str| -> i64 {
        lib.conn()
            .query_row("SELECT id FROM recordings WHERE path LIKE ?1", [format!("%{name}")], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (mp3, m4a, wav) = (id("mp3_8k_mono.mp3"), id("aac.m4a"), id("pcm16_44k_stereo.wav"));
    // Distinct call times give the reel a known order: mp3, m4a, wav.
    for (i, rec) in [mp3, m4a, wav].iter().enumerate() {
        lib.conn()
            .execute(
                "UPDATE recordings SET call_time = ?2 WHERE id = ?1",
                [*rec, gamefilm::timefmt::now_ms() - 3_600_000 + i as i64 * 60_000],
            )
            .unwrap();
    }
    let add = |lib: &mut Library, rec, start, end, kind, text: &str| {
        notes::create(
            lib,
            &NewNote {
                recording_id: rec,
                start_ms: start,
                end_ms: end,
                kind,
                text: text.into(),
                author: "coach".into(),
            },
        )
        .unwrap()
    };
    add(&mut lib, mp3, 3_000, None, NoteKind::Positive, XSS_SCRIPT);
    add(&mut lib, m4a, 1_000, Some(4_500), NoteKind::Positive, XSS_ATTR);
    add(&mut lib, wav, 2_000, None, NoteKind::Positive, PWN);
    add(&mut lib, wav, 500, Some(1_500), NoteKind::Improvement, "Rushed the intro");
    lib
}

fn week() -> ReelQuery {
    ReelQuery::last_days(7, gamefilm::timefmt::now_ms())
}

#[test]
fn improvements_are_left_out_unless_added_one_by_one() {
    let t = TempLib::new();
    let lib = library(&t);
    let clips = reel::plan(lib.conn(), &week()).unwrap();
    assert_eq!(clips.len(), 3);
    assert!(clips.iter().all(|c| c.kind == NoteKind::Positive));
    let improvement: String = lib
        .conn()
        .query_row("SELECT uuid FROM notes WHERE kind = 'improvement'", [], |r| r.get(0))
        .unwrap();
    let clip = reel::plan::clip_of_note(lib.conn(), &improvement).unwrap();
    assert_eq!((clip.start_ms, clip.end_ms, clip.kind), (500, 1_500, NoteKind::Improvement));
}

fn render_week(t: &TempLib, lib: &Library) -> (reel::Rendered, PathBuf) {
    let clips = reel::plan(lib.conn(), &week()).unwrap();
    let out = t.folder("out");
    let opts = RenderOptions { out_dir: out.clone(), name: "reel".into() };
    let rendered = reel::render(&clips, &opts, &mut |_, _| {}, &AtomicBool::new(false)).unwrap();
    (rendered, out)
}

/// ffmpeg's decode of `path` from `start_ms`, `ms` long, at 44.1 kHz; left channel. The whole
/// file is decoded and sliced: ffmpeg's input seeking in MP3 is not sample-accurate.
fn source_at(path: &Path, start_ms: i64, ms: i64) -> Vec<f32> {
    let all = reel_left(path);
    let from = (start_ms as f64 * 44.1) as usize;
    all[from..(from + (ms as f64 * 44.1) as usize).min(all.len())].to_vec()
}

fn reel_left(path: &Path) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args(["-ar", "44100", "-ac", "2", "-f", "f32le", "-"])
        .output()
        .unwrap();
    out.stdout.chunks_exact(8).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

#[test]
fn a_reel_from_mixed_sources_is_valid_audio_of_the_right_length() {
    let t = TempLib::new();
    let lib = library(&t);
    let (rendered, _) = render_week(&t, &lib);
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,sample_rate,channels",
            "-of",
            "csv=p=0",
        ])
        .arg(&rendered.audio)
        .output()
        .unwrap();
    assert!(probe.status.success());
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "pcm_s16le,44100,2");
    let decode = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-xerror", "-i"])
        .arg(&rendered.audio)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&decode.stderr)
    );
    let clips_ms: i64 = rendered.chapters.iter().map(|c| c.clip.end_ms - c.clip.start_ms).sum();
    let expected = clips_ms + (rendered.chapters.len() as i64 - 1) * SEPARATOR_MS as i64;
    let probed = (ffprobe_duration(&rendered.audio) * 1000.0).round() as i64;
    assert!(
        (probed - expected).abs() <= 20,
        "duration {probed} ms, clips + separators {expected} ms"
    );
    assert_eq!(
        rendered.frames as i64 * 1000 / REEL_RATE as i64,
        probed.min(rendered.frames as i64 * 1000 / REEL_RATE as i64)
    );
}

#[test]
fn each_chapter_starts_with_the_source_at_the_clip_start() {
    let t = TempLib::new();
    let lib = library(&t);
    let (rendered, _) = render_week(&t, &lib);
    let audio = reel_left(&rendered.audio);
    for c in &rendered.chapters {
        // Past the 10 ms fade: 300 ms of each, from 20 ms in.
        let skip = 20;
        let at = c.start_frame as usize + (skip as usize * REEL_RATE as usize / 1000);
        let ours = &audio[at..at + (REEL_RATE as usize * 3 / 10)];
        let theirs = source_at(Path::new(&c.clip.path), c.clip.start_ms + skip, 300);
        let r = correlation(ours, &theirs);
        assert!(r >= 0.99, "chapter at {} ms ({}): correlation {r:.4}", c.start_ms, c.clip.path);
    }
}

#[test]
fn companions_list_every_chapter_and_escape_user_text() {
    let t = TempLib::new();
    let lib = library(&t);
    let (rendered, out) = render_week(&t, &lib);
    let files =
        reel::export::write_companions("Week <b>47</b>", gamefilm::timefmt::now_ms(), &rendered)
            .unwrap();
    let vtt = std::fs::read_to_string(&files.vtt).unwrap();
    assert!(vtt.starts_with("WEBVTT\n"));
    assert_eq!(vtt.matches(" --> ").count(), 3);
    assert!(!vtt.contains("<script>"), "cue text is escaped: {vtt}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files.json).unwrap()).unwrap();
    assert_eq!(manifest["chapters"].as_array().unwrap().len(), 3);
    assert_eq!(manifest["chapters"][0]["clip"]["text"], XSS_SCRIPT);
    assert_eq!(manifest["audio"], "reel.wav");
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert!(!html.contains(XSS_SCRIPT) && !html.contains("<img"), "raw user markup on the page");
    assert!(html.contains("Week &lt;b&gt;47&lt;/b&gt;"));
    assert!(out.join("reel.html").exists());
}

/// Chromium's DOM after loading the page (scripts allowed by the page's own CSP run).
fn chromium_dom(page: &Path) -> Option<String> {
    let bin = ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new("sh")
            .args(["-c", &format!("command -v {b}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn hostile_note_text_shows_literally_in_chromium_and_runs_nothing() {
    let t = TempLib::new();
    let lib = library(&t);
    let (rendered, _) = render_week(&t, &lib);
    let files =
        reel::export::write_companions("Week 47", gamefilm::timefmt::now_ms(), &rendered).unwrap();
    let dom = chromium_dom(&files.html).expect("chromium is installed (scripts/install-deps.sh)");
    // The texts are text nodes: serialised escaped, inside their paragraphs.
    assert!(
        dom.contains("<p class=\"text\">&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        "{}",
        &dom[..dom.len().min(3000)]
    );
    assert!(dom.contains("<p class=\"text\">\"&gt;&lt;img src=x onerror=alert(1)&gt;</p>"));
    assert!(!dom.contains("<img"), "an image element was created from note text");
    // A payload that would retitle the page did not run; the page's own script did load.
    assert!(dom.contains("<title>Week 47</title>") && !dom.contains("pwned</title>"));
    assert_eq!(dom.matches("<li class=").count(), 3);
}

#[test]
fn a_cancelled_render_leaves_no_file_at_the_target() {
    let t = TempLib::new();
    let lib = library(&t);
    let clips = reel::plan(lib.conn(), &week()).unwrap();
    let out = t.folder("out");
    let cancel = AtomicBool::new(false);
    let opts = RenderOptions { out_dir: out.clone(), name: "reel".into() };
    let result = reel::render(
        &clips,
        &opts,
        &mut |done, _| {
            if done == 1 {
                cancel.store(true, Ordering::Relaxed)
            }
        },
        &cancel,
    );
    assert!(matches!(result, Err(ReelError::Cancelled)), "{result:?}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn a_render_killed_midway_leaves_no_file_at_the_target() {
    let t = TempLib::new();
    let mut lib = library(&t);
    // Many clips, so that the kill lands in the middle.
    let rec: i64 = lib
        .conn()
        .query_row("SELECT id FROM recordings WHERE path LIKE '%.wav'", [], |r| r.get(0))
        .unwrap();
    for i in 0..150 {
        notes::create(
            &mut lib,
            &NewNote {
                recording_id: rec,
                start_ms: 100 + i * 10,
                end_ms: Some(3_900),
                kind: NoteKind::Positive,
                text: format!("clip {i}"),
                author: "c".into(),
            },
        )
        .unwrap();
    }
    drop(lib);
    let out = t.dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(t.path())
        .args(["reel", "--since", "30d", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the render is under way (its temporary file exists), then SIGKILL.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let partial = std::fs::read_dir(&out)
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().contains("partial")))
            .unwrap_or(false);
        if partial {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the render never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.join("reel.wav").exists(), "a half-written reel at the target path");
}
