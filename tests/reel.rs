//! Highlight reels from mixed real sources: the audio is checked by ffprobe/ffmpeg, chapter
//! starts against ffmpeg's decode of each source, the page in headless Chromium.

mod common;

use std::path::Path;
use std::process::Command;

use base64::Engine;
use common::*;
use gamefilm::jobs::{CancelFlag, Job};
use gamefilm::library::notes::NewNote;
use gamefilm::library::reels::{self, ReelQuery};
use gamefilm::library::{Library, NoteKind};
use gamefilm::reel::{
    self, REEL_RATE, ReelError, ReelFormat, RenderEvent, RenderOptions, SEPARATOR_MS,
};

const XSS_SCRIPT: &str = "<script>alert(1)</script>";
const XSS_ATTR: &str = "\"><img src=x onerror=alert(1)>";
const PWN: &str =
    "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";

/// A library with three calls in different formats (8 kHz mono MP3, M4A, 44.1 kHz stereo WAV)
/// and notes on each: three positives, one improvement.
fn library(t: &TempLib) -> Library {
    let mut lib = t.open();
    let files = [fixture("mp3_8k_mono.mp3"), fixture("aac.m4a"), fixture("pcm16_44k_stereo.wav")];
    let ids = import_all(&mut lib, &files);
    let (mp3, m4a, wav) = (ids[0], ids[1], ids[2]);
    // Distinct call times give the reel a known order: mp3, m4a, wav.
    order_calls(&lib, &ids);
    add_note(&mut lib, mp3, 3_000, None, NoteKind::Positive, XSS_SCRIPT);
    add_note(&mut lib, m4a, 1_000, Some(4_500), NoteKind::Positive, XSS_ATTR);
    add_note(&mut lib, wav, 2_000, None, NoteKind::Positive, PWN);
    add_note(&mut lib, wav, 500, Some(1_500), NoteKind::Improvement, "Rushed the intro");
    lib
}

fn week() -> ReelQuery {
    ReelQuery::last_days(7, gamefilm::timefmt::now_ms())
}

#[test]
fn improvements_are_left_out_unless_added_one_by_one() {
    let t = TempLib::new();
    let lib = library(&t);
    let clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    assert_eq!(clips.len(), 3);
    assert!(clips.iter().all(|c| c.kind == NoteKind::Positive));
    let improvement: String = lib
        .conn()
        .query_row("SELECT uuid FROM notes WHERE kind = 'improvement'", [], |r| r.get(0))
        .unwrap();
    let clip = reels::clip_of_note(lib.conn(), Scope::Coach, &improvement).unwrap();
    assert_eq!((clip.start_ms, clip.end_ms, clip.kind), (500, 1_500, NoteKind::Improvement));
}

/// Options for a reel named `reel` in `out`, titled `title`.
fn options(out: &Path, format: ReelFormat, title: &str) -> RenderOptions {
    RenderOptions {
        out_dir: out.to_path_buf(),
        name: "reel".into(),
        format,
        title: title.into(),
        created_at: gamefilm::timefmt::now_ms(),
    }
}

fn render_titled(t: &TempLib, lib: &Library, format: ReelFormat, title: &str) -> reel::Rendered {
    let clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    let opts = options(&t.folder("out"), format, title);
    reel::render(&clips, &opts, &Job::silent()).unwrap()
}

fn render_week(t: &TempLib, lib: &Library, format: ReelFormat) -> reel::Rendered {
    render_titled(t, lib, format, "Week 47")
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

/// ffprobe names the codec and format, ffmpeg decodes every byte without an error, and the
/// audio lasts the clips plus the separators (within 20 ms). Returns the reel as ffmpeg decodes it
/// (left channel).
fn assert_valid_reel(rendered: &reel::Rendered, probe_line: &str) -> Vec<f32> {
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
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), probe_line);
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
    let decoded = reel_left(&rendered.audio);
    let decoded_ms = decoded.len() as i64 * 1000 / REEL_RATE as i64;
    assert!(
        (decoded_ms - expected).abs() <= 20,
        "ffmpeg decodes {decoded_ms} ms, clips + separators {expected} ms"
    );
    decoded
}

#[test]
fn a_wav_reel_from_mixed_sources_is_valid_audio_of_the_right_length() {
    let t = TempLib::new();
    let lib = library(&t);
    let rendered = render_week(&t, &lib, ReelFormat::Wav);
    let decoded = assert_valid_reel(&rendered, "pcm_s16le,44100,2");
    assert_eq!(decoded.len() as u64, rendered.frames);
}

#[test]
fn an_mp3_reel_from_mixed_sources_is_valid_audio_of_the_right_length() {
    let t = TempLib::new();
    let lib = library(&t);
    let rendered = render_week(&t, &lib, ReelFormat::Mp3);
    let out = t.folder("out");
    assert_eq!(rendered.audio, out.join("reel.mp3"));
    assert_eq!(rendered.html, out.join("reel.html"));
    let mut files: Vec<_> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    files.sort();
    assert_eq!(files, ["reel.html", "reel.json", "reel.mp3", "reel.vtt"], "no partial files left");
    let decoded = assert_valid_reel(&rendered, "mp3,44100,2");
    // The LAME tag's delay and padding are trimmed by the decoder: not a sample more or less.
    assert_eq!(decoded.len() as u64, rendered.frames, "decoded frames vs written frames");
    // 128 kbps CBR: 16 kB a second, plus at most a frame of padding and the tag frame.
    let bytes = std::fs::metadata(&rendered.audio).unwrap().len();
    let cbr = rendered.frames * 16_000 / REEL_RATE as u64;
    assert!(bytes.abs_diff(cbr) < 3 * 418 + 1_000, "{bytes} bytes for {} frames", rendered.frames);
}

/// Each chapter, just past its fade, correlates at least `min_r` with ffmpeg's decode of the
/// source at the clip start, and the best match within ±30 ms is the chapter's own frame (a
/// decoder delay left in, 1105 frames for LAME, would show here).
fn assert_chapters_match_sources(rendered: &reel::Rendered, decoded: &[f32], min_r: f64) {
    for c in &rendered.chapters {
        // Past the 10 ms fade: 300 ms of each, from 20 ms in.
        let skip = 20;
        let at = c.start_frame as usize + (skip as usize * REEL_RATE as usize / 1000);
        let len = REEL_RATE as usize * 3 / 10;
        let theirs = source_at(Path::new(&c.clip.path), c.clip.start_ms + skip, 300);
        let r = correlation(&decoded[at..at + len], &theirs);
        assert!(r >= min_r, "chapter at {} ms ({}): correlation {r:.4}", c.start_ms, c.clip.path);
        let reach = REEL_RATE as usize * 30 / 1000;
        let best = (at.saturating_sub(reach)..=at + reach)
            .max_by(|&x, &y| {
                let rx = correlation(&decoded[x..x + len], &theirs);
                let ry = correlation(&decoded[y..y + len], &theirs);
                rx.total_cmp(&ry)
            })
            .unwrap();
        assert!(
            best.abs_diff(at) <= 2,
            "chapter at {} ms ({}): best match {} frames away",
            c.start_ms,
            c.clip.path,
            best as i64 - at as i64
        );
    }
}

/// The MP3 is encoded in one segment per clip, joined in the silence before each separator's
/// tone: that silence decodes silent (no click at a seam), and the tone sounds where it should.
#[test]
fn mp3_seams_between_clips_are_silent() {
    let t = TempLib::new();
    let lib = library(&t);
    let rendered = render_week(&t, &lib, ReelFormat::Mp3);
    let audio = reel_left(&rendered.audio);
    let ms = |v: u64| (v * REEL_RATE as u64 / 1000) as usize;
    for c in &rendered.chapters[1..] {
        let sep_start = c.start_frame as usize - ms(SEPARATOR_MS as u64);
        // 150 ms of silence, a 300 ms tone, 150 ms of silence; 10 ms margins for the fades.
        let quiet = &audio[sep_start + ms(10)..sep_start + ms(140)];
        let loudest = quiet.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(loudest < 0.003, "before chapter at {} ms: peak {loudest}", c.start_ms);
        let tone = &audio[sep_start + ms(160)..sep_start + ms(440)];
        let rms = (tone.iter().map(|v| v * v).sum::<f32>() / tone.len() as f32).sqrt();
        assert!((rms - 0.125 / 2f32.sqrt()).abs() < 0.01, "tone rms {rms}");
    }
}

#[test]
fn each_wav_chapter_starts_with_the_source_at_the_clip_start() {
    let t = TempLib::new();
    let lib = library(&t);
    let rendered = render_week(&t, &lib, ReelFormat::Wav);
    assert_chapters_match_sources(&rendered, &reel_left(&rendered.audio), 0.99);
}

#[test]
fn each_mp3_chapter_starts_with_the_source_at_the_clip_start() {
    let t = TempLib::new();
    let lib = library(&t);
    let rendered = render_week(&t, &lib, ReelFormat::Mp3);
    // MP3 is lossy: a lower bar than the WAV's 0.99, the same position.
    assert_chapters_match_sources(&rendered, &reel_left(&rendered.audio), 0.9);
}

#[test]
fn companions_list_every_chapter_and_escape_user_text() {
    let t = TempLib::new();
    let lib = library(&t);
    let files = render_titled(&t, &lib, ReelFormat::Wav, "Week <b>47</b>");
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
    assert!(t.folder("out").join("reel.html").exists());
    // Nothing exported names a place on the coach's disk (the calls, the library, the output).
    let root = t.dir.path().to_str().unwrap();
    let json = std::fs::read_to_string(&files.json).unwrap();
    for (what, text) in [("manifest", &json), ("chapters", &vtt), ("page", &html)] {
        assert!(!text.contains(root), "the {what} carries a local path: {text}");
    }
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
    let files = render_week(&t, &lib, ReelFormat::Mp3);
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
fn the_mp3_review_page_embeds_the_mp3_and_is_a_fraction_of_the_wav_page() {
    let t = TempLib::new();
    let lib = library(&t);
    let clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    let mut pages = Vec::new();
    for format in [ReelFormat::Wav, ReelFormat::Mp3] {
        let out = t.folder(&format!("out-{}", format.extension()));
        let opts = options(&out, format, "Week 47");
        let rendered = reel::render(&clips, &opts, &Job::silent()).unwrap();
        let html = std::fs::read_to_string(&rendered.html).unwrap();
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&rendered.json).unwrap()).unwrap();
        assert_eq!(manifest["audio"], format!("reel.{}", format.extension()));
        // The page carries the audio file byte for byte.
        let b64 = html.split_once(";base64,").unwrap().1.split_once('"').unwrap().0;
        let embedded = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        assert!(embedded == std::fs::read(&rendered.audio).unwrap(), "embedded audio differs");
        let audio = std::fs::metadata(&rendered.audio).unwrap().len();
        let page = html.len() as u64;
        eprintln!(
            "{:?}: {} ms of audio, {audio} bytes; review page {page} bytes",
            format, rendered.duration_ms
        );
        pages.push((format, html, page));
    }
    let (_, wav_html, wav_page) = &pages[0];
    let (_, mp3_html, mp3_page) = &pages[1];
    assert!(wav_html.contains("src=\"data:audio/wav;base64,"));
    assert!(mp3_html.contains("src=\"data:audio/mpeg;base64,") && !mp3_html.contains("audio/wav"));
    assert!(mp3_page * 5 < *wav_page, "MP3 page {mp3_page} bytes, WAV page {wav_page} bytes");
}

fn assert_cancel_leaves_nothing(format: ReelFormat) {
    let t = TempLib::new();
    let lib = library(&t);
    let clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    let out = t.folder("out");
    let cancel = CancelFlag::default();
    let opts = options(&out, format, "Week 47");
    // Progress is throttled: the first clip's may not arrive, a later one (at most the last)
    // does, and the render checks the flag again before anything is renamed into place.
    let job = Job::new({
        let cancel = cancel.clone();
        move |RenderEvent::Progress { done, .. }| {
            if done >= 1 {
                cancel.cancel()
            }
        }
    })
    .cancelled_by(cancel);
    let result = reel::render(&clips, &opts, &job);
    assert!(matches!(result, Err(ReelError::Cancelled)), "{result:?}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// A killed render leaves hidden partial files; the next render of that name removes them once
/// they have gone unwritten for a while, and leaves a fresh one (a render under way) and other
/// names' files alone.
#[test]
fn the_next_render_removes_partial_files_a_killed_render_left() {
    let t = TempLib::new();
    let lib = library(&t);
    let out = t.folder("out");
    let write = |name: &str, age: std::time::Duration| {
        let path = out.join(name);
        std::fs::write(&path, b"half a reel").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(std::time::SystemTime::now() - age).unwrap();
        path
    };
    let old = reel::render::STALE_PARTIAL + std::time::Duration::from_secs(60);
    let stale: Vec<_> = ["wav", "mp3", "html"]
        .iter()
        .map(|ext| write(&format!(".reel.{ext}.partial-999999"), old))
        .collect();
    let fresh = write(".reel.mp3.partial-999998", std::time::Duration::ZERO);
    let other = write(".other.mp3.partial-999999", old);
    let mine = write("notes.txt", old);
    let clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    reel::render(&clips, &options(&out, ReelFormat::Mp3, "Week 47"), &Job::silent()).unwrap();
    for path in &stale {
        assert!(!path.exists(), "{} was left", path.display());
    }
    for path in [&fresh, &other, &mine] {
        assert!(path.exists(), "{} was removed", path.display());
    }
}

#[test]
fn a_cancelled_wav_render_leaves_no_file_at_the_target() {
    assert_cancel_leaves_nothing(ReelFormat::Wav);
}

#[test]
fn a_cancelled_mp3_render_leaves_no_file_at_the_target() {
    assert_cancel_leaves_nothing(ReelFormat::Mp3);
}

#[test]
fn a_failed_mp3_render_leaves_no_file_and_names_the_clip() {
    let t = TempLib::new();
    let lib = library(&t);
    let mut clips = reels::plan(lib.conn(), Scope::Coach, &week()).unwrap();
    let gone = t.dir.path().join("moved-away.wav");
    clips[1].file = gone.clone();
    let out = t.folder("out");
    let opts = options(&out, ReelFormat::Mp3, "Week 47");
    let result = reel::render(&clips, &opts, &Job::silent());
    match result {
        Err(ReelError::Clip { index: 2, path, .. }) => assert_eq!(path, gone),
        other => panic!("expected clip 2 to fail: {other:?}"),
    }
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
        as_coach::create(
            &mut lib,
            &NewNote {
                recording_id: rec,
                start_ms: 100 + i * 10,
                end_ms: Some(3_900),
                kind: NoteKind::Positive,
                text: format!("clip {i}"),
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
    // The CLI's default format is MP3; the companions are renamed into place with the audio.
    for ext in ["mp3", "wav", "html", "vtt", "json"] {
        assert!(
            !out.join(format!("reel.{ext}")).exists(),
            "a half-written reel.{ext} at the target"
        );
    }
}
