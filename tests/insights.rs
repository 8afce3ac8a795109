//! Call insights on generated calls with known turns: espeak-ng phrases placed on the two
//! channels at known times (pauses, a backchannel, an interruption, a long monologue and a
//! customer story), written by ffmpeg as 8 kHz μ-law WAV, 16 kHz MP3 and 44.1 kHz stereo MP3,
//! clean, under pink noise and with hold music; the voice activity found in the import's decode
//! pass is compared with where the phrases really are.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use gamefilm::audio;
use gamefilm::library::insights::{self, Span};

const RATE: usize = 22_050;

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run a tool");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// One phrase by espeak-ng, as samples at 22.05 kHz.
fn speak(dir: &Path, text: &str, voice: &str) -> Vec<i16> {
    let wav = dir.join("phrase.wav");
    run(Command::new("espeak-ng").args(["-v", voice, "-s", "165", "-w"]).arg(&wav).arg(text));
    let bytes = std::fs::read(&wav).unwrap();
    bytes[44..].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

/// Where a clean phrase really speaks: its first and last sample above −40 dBFS.
fn bounds(x: &[i16]) -> (usize, usize) {
    let loud = |v: &i16| v.unsigned_abs() > 330;
    let first = x.iter().position(loud).unwrap_or(0);
    let last = x.iter().rposition(loud).unwrap_or(x.len());
    (first, last + 1)
}

/// A generated call: two channels of samples and, per channel, where speech really is.
struct Call {
    channels: [Vec<f32>; 2],
    truth: [Vec<Span>; 2],
}

impl Call {
    fn new() -> Self {
        Call { channels: [Vec::new(), Vec::new()], truth: [Vec::new(), Vec::new()] }
    }

    /// The end of the last speech on either side, in ms.
    fn end_ms(&self) -> i64 {
        self.truth.iter().flat_map(|t| t.last().map(|s| s.1)).max().unwrap_or(0)
    }

    /// Places `text` on channel `ch` so that its speech starts at `at_ms`; returns where it ends.
    fn say(&mut self, dir: &Path, ch: usize, at_ms: i64, text: &str) -> i64 {
        let voice = if ch == 0 { "en-us" } else { "en-gb+f2" };
        let x = speak(dir, text, voice);
        let (first, last) = bounds(&x);
        let start = (at_ms as usize * RATE / 1000).saturating_sub(first);
        let plane = &mut self.channels[ch];
        if plane.len() < start + x.len() {
            plane.resize(start + x.len(), 0.0);
        }
        for (i, v) in x.iter().enumerate() {
            plane[start + i] += *v as f32 / 32768.0;
        }
        let span = (((start + first) * 1000 / RATE) as i64, ((start + last) * 1000 / RATE) as i64);
        self.truth[ch].push(span);
        self.truth[ch].sort();
        span.1
    }

    /// Writes the call as a 16-bit stereo WAV at 22.05 kHz, one second of silence after it.
    fn write(&self, path: &Path) {
        let n = self.channels.iter().map(Vec::len).max().unwrap() + RATE;
        let samples: Vec<i16> = (0..n)
            .flat_map(|i| {
                self.channels.iter().map(move |ch| {
                    (ch.get(i).copied().unwrap_or(0.0).clamp(-1.0, 1.0) * 32767.0) as i16
                })
            })
            .collect();
        std::fs::write(path, wav::pcm16(2, RATE as u32, &samples)).unwrap();
    }
}

/// The sales call: the rep (left) opens, the customer asks, the rep's monologue (with the
/// customer's "mm hm" inside it), the customer's story, the rep interrupting it, and a close.
fn sales_call(dir: &Path) -> Call {
    let mut c = Call::new();
    let mut t = c.say(dir, 0, 500, "Hi this is Sam from Acme thanks for taking my call today");
    t = c.say(dir, 1, t + 700, "Sure what is this about");
    t += 400;
    let mut mid = 0;
    for (i, line) in [
        "We help sales teams review their calls",
        "Coaches drop notes on the moments that matter",
        "Reps replay those moments and improve every week",
        "Most teams see more meetings within a month",
    ]
    .iter()
    .enumerate()
    {
        let end = c.say(dir, 0, t, line);
        if i == 1 {
            mid = (t + end) / 2;
        }
        t = end + 400;
    }
    let monologue_end = t - 400;
    c.say(dir, 1, mid, "mm hm");
    t = monologue_end + 900;
    for line in [
        "Honestly we tried a tool like that last year",
        "It took forever to set up and nobody used it",
        "My team just wants something simple that works",
    ] {
        t = c.say(dir, 1, t, line) + 500;
    }
    let story_end = t - 500;
    t = c.say(dir, 0, story_end - 600, "I hear you and that is exactly why we built this");
    t = c.say(dir, 1, t + 500, "Okay send me the details");
    c.say(dir, 0, t + 300, "Great I will email you today thanks");
    c
}

/// The sales call written as `master.wav` in `dir`, and the call's length in ms (a second of
/// silence after the last words).
fn generated(dir: &Path) -> (Call, PathBuf, i64) {
    let call = sales_call(dir);
    let master = dir.join("master.wav");
    call.write(&master);
    let duration = call.end_ms() + 1000;
    (call, master, duration)
}

/// ffmpeg writes `master` as `name` with `args` (codec, rate), after an optional filter.
fn encode(master: &Path, dir: &Path, name: &str, filter: Option<&str>, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-y", "-i"]).arg(master);
    if let Some(f) = filter {
        cmd.args(["-filter_complex", f]);
    }
    cmd.args(args).arg(&out);
    run(&mut cmd);
    out
}

fn detected(path: &Path) -> [Vec<Span>; 2] {
    let a = audio::analyze(path).expect("analyse the call");
    [a.voice.segments(0), a.voice.segments(1)]
}

/// Every true turn boundary has a detected one within `tol` ms; returns the worst error.
fn boundary_error(truth: &[Span], found: &[Span]) -> i64 {
    let mut worst = 0;
    for &(s, e) in truth {
        let ds = found.iter().map(|f| (f.0 - s).abs()).min().unwrap_or(i64::MAX);
        let de = found.iter().map(|f| (f.1 - e).abs()).min().unwrap_or(i64::MAX);
        worst = worst.max(ds).max(de);
    }
    worst
}

fn report(
    what: &str,
    call: &Call,
    found: &[Vec<Span>; 2],
    duration: i64,
) -> (i64, insights::Figures, insights::Figures) {
    let err =
        boundary_error(&call.truth[0], &found[0]).max(boundary_error(&call.truth[1], &found[1]));
    let want = insights::stereo_figures(&call.truth[0], &call.truth[1], duration);
    let got = insights::stereo_figures(&found[0], &found[1], duration);
    eprintln!(
        "{what:<34} worst boundary {err:>5} ms | talk {:.3} vs {:.3} | monologue {} vs {} | story {} vs {} | patience {:?} vs {:?} | overtalk {:.3} vs {:.3} | interruptions {} vs {}",
        got.talk_ratio.unwrap_or(0.0),
        want.talk_ratio.unwrap_or(0.0),
        got.longest_monologue_ms,
        want.longest_monologue_ms,
        got.longest_story_ms,
        want.longest_story_ms,
        got.patience_ms,
        want.patience_ms,
        got.overtalk_ratio,
        want.overtalk_ratio,
        got.interruptions,
        want.interruptions,
    );
    (err, got, want)
}

#[test]
fn turns_and_figures_are_found_within_tolerance_in_every_format() {
    let t = TempLib::new();
    let dir = t.dir.path();
    let (call, master, duration) = generated(dir);
    let formats = [
        ("8 kHz mu-law WAV", "ulaw.wav", vec!["-ar", "8000", "-c:a", "pcm_mulaw"]),
        ("16 kHz MP3", "call16.mp3", vec!["-ar", "16000", "-c:a", "libmp3lame", "-b:a", "64k"]),
        (
            "44.1 kHz stereo MP3",
            "call44.mp3",
            vec!["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"],
        ),
    ];
    for (what, name, args) in &formats {
        let file = encode(&master, dir, name, None, args);
        let found = detected(&file);
        let (err, got, want) = report(what, &call, &found, duration);
        assert!(err <= 100, "{what}: a turn boundary off by {err} ms");
        let (g, w) = (got.talk_ratio.unwrap(), want.talk_ratio.unwrap());
        assert!((g - w).abs() <= 0.02, "{what}: talk ratio {g:.3}, really {w:.3}");
        assert!((got.longest_monologue_ms - want.longest_monologue_ms).abs() <= 300, "{what}");
        assert!((got.longest_story_ms - want.longest_story_ms).abs() <= 300, "{what}");
        let (gp, wp) = (got.patience_ms.unwrap(), want.patience_ms.unwrap());
        assert!((gp - wp).abs() <= 100, "{what}: patience {gp} ms, really {wp} ms");
        assert_eq!(got.interruptions, want.interruptions, "{what}: the interruption");
        assert!(got.overtalk_ratio > 0.0, "{what}: the overtalk placed is found");
    }
}

#[test]
fn noise_and_hold_music_move_the_figures_little_and_music_alone_is_one_sided() {
    let t = TempLib::new();
    let dir = t.dir.path();
    let (call, master, duration) = generated(dir);
    let mp3 = ["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"];
    // Pink noise at −30 dB on both sides.
    let noisy = encode(
        &master,
        dir,
        "noisy.mp3",
        Some(
            "anoisesrc=color=pink:amplitude=0.0316:sample_rate=22050,aformat=channel_layouts=stereo[n];[0:a][n]amix=inputs=2:duration=first:normalize=0",
        ),
        &mp3,
    );
    // Hold music (an arpeggio, about −35 dBFS) under the customer's side.
    let music =
        "aevalsrc='0.02*sin(2*PI*t*(220+110*mod(floor(t*2),4)))+0.01*sin(2*PI*t*330)':s=22050";
    // Hold music alone: louder, and in notes (staccato), so that energy alone would take it for talk.
    let loud_music = "aevalsrc='(0.25*sin(2*PI*t*(262+131*mod(floor(t*4),4)))+0.1*sin(2*PI*t*392))*lt(mod(t,0.25),0.2)':s=22050";
    let held = encode(
        &master,
        dir,
        "held.mp3",
        Some(&format!(
            "{music}[m];[m]pan=stereo|c0=0*c0|c1=c0[mm];[0:a][mm]amix=inputs=2:duration=first:normalize=0"
        )),
        &mp3,
    );
    for (what, file) in [("pink noise -30 dB", &noisy), ("hold music on the customer", &held)] {
        let found = detected(file);
        let (_, got, want) = report(what, &call, &found, duration);
        let (g, w) = (got.talk_ratio.unwrap(), want.talk_ratio.unwrap());
        assert!((g - w).abs() <= 0.05, "{what}: talk ratio {g:.3}, really {w:.3}");
        assert!((got.longest_story_ms - want.longest_story_ms).abs() <= 1_000, "{what}");
    }
    // The customer's side is hold music only: one-sided.
    let only_music = encode(
        &master,
        dir,
        "music-only.mp3",
        Some(&format!(
            "{loud_music}[m];[m]pan=stereo|c0=0*c0|c1=c0[mm];[0:a]pan=stereo|c0=c0|c1=0*c1[s];\
             [s][mm]amix=inputs=2:duration=first:normalize=0"
        )),
        &mp3,
    );
    let found = detected(&only_music);
    let f = insights::stereo_figures(&found[0], &found[1], duration);
    assert!(
        f.one_sided,
        "hold music alone is no conversation: {} ms of 'speech'",
        f.customer_speech_ms
    );
    assert!(f.rep_speech_ms > 10_000, "the rep's side is still heard: {} ms", f.rep_speech_ms);
}

fn cli(lib: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .env_remove("GAMEFILM_LIBRARY")
        .output()
        .expect("run gamefilm");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{args:?}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    if args.contains(&"--json") {
        serde_json::from_str(&stdout).expect("JSON")
    } else {
        stdout.into()
    }
}

#[test]
fn stats_list_and_the_rep_channel_from_the_command_line_and_a_later_analysis() {
    let t = TempLib::new();
    let dir = t.dir.path();
    let lib = t.path();
    let (call, master, duration) = generated(dir);
    let calls = t.folder("calls");
    let stereo = encode(
        &master,
        &calls,
        "stereo.mp3",
        None,
        &["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"],
    );
    // Mono: both sides mixed into one channel; and a stereo file with the same signal twice.
    encode(&master, &calls, "mono.wav", None, &["-ac", "1", "-ar", "16000"]);
    encode(
        &master,
        &calls,
        "twice.wav",
        Some("[0:a]pan=stereo|c0=0.5*c0+0.5*c1|c1=0.5*c0+0.5*c1"),
        &["-ar", "16000"],
    );
    // One-sided: the rep talks to a voicemail greeting of under 5 s... here, to nobody.
    encode(
        &master,
        &calls,
        "alone.wav",
        Some("[0:a]pan=stereo|c0=c0|c1=0*c1"),
        &["-ar", "8000", "-c:a", "pcm_mulaw"],
    );
    cli(&lib, &["import", calls.to_str().unwrap()]);
    let list = cli(&lib, &["list", "--json"]);
    let id_of = |title: &str| -> String {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["title"] == title)
            .map(|r| r["id"].as_i64().unwrap().to_string())
            .unwrap_or_else(|| panic!("{title} in {list}"))
    };
    let (s_id, m_id, t_id, a_id) = (id_of("stereo"), id_of("mono"), id_of("twice"), id_of("alone"));

    let want = insights::stereo_figures(&call.truth[0], &call.truth[1], duration);
    let s = cli(&lib, &["stats", &s_id, "--json"]);
    assert_eq!(s["repChannel"], "left");
    let talk = s["talkRatio"].as_f64().unwrap();
    assert!((talk - want.talk_ratio.unwrap()).abs() <= 0.02, "{s}");
    for key in [
        "longestMonologueMs",
        "longestStoryMs",
        "switchesPerMinute",
        "patienceMs",
        "overtalkRatio",
        "silenceRatio",
    ] {
        assert!(s[key].is_number(), "{key} in {s}");
    }
    assert_eq!(s["oneSided"], false);
    let monologue = s["longestMonologueMs"].as_i64().unwrap();
    let story = s["longestStoryMs"].as_i64().unwrap();

    // Mono, and the same signal twice: no talk ratio (null, not 0).
    for id in [&m_id, &t_id] {
        let m = cli(&lib, &["stats", id, "--json"]);
        assert!(m["talkRatio"].is_null(), "{m}");
        assert_eq!(m["oneSided"], false, "{m}");
    }
    assert_eq!(cli(&lib, &["stats", &a_id, "--json"])["oneSided"], true);

    // The rep on the right: the labels swap, nothing is measured again.
    cli(&lib, &["settings", "set", "rep-channel", "right"]);
    let r = cli(&lib, &["stats", &s_id, "--json"]);
    assert_eq!(r["repChannel"], "right");
    assert!((r["talkRatio"].as_f64().unwrap() - (1.0 - talk)).abs() < 1e-9, "{r}");
    assert_eq!(r["longestMonologueMs"].as_i64().unwrap(), story);
    assert_eq!(r["longestStoryMs"].as_i64().unwrap(), monologue);
    // One call's own channel wins over the library's.
    cli(&lib, &["set", &s_id, "--rep-channel", "left"]);
    let l = cli(&lib, &["stats", &s_id, "--json"]);
    assert_eq!(l["repChannel"], "left");
    assert!((l["talkRatio"].as_f64().unwrap() - talk).abs() < 1e-9);

    // Progress per rep and week: the mean talk ratio of the week's two-sided stereo calls.
    cli(&lib, &["set", &s_id, &a_id, &m_id, "--rep", "Dana"]);
    let progress = cli(&lib, &["progress", "--rep", "Dana", "--weeks", "1", "--json"]);
    let week = &progress["rows"][0];
    assert_eq!(week["calls"], 3, "{progress}");
    assert!(
        (week["talkRatio"].as_f64().unwrap() - talk).abs() < 1e-9,
        "only the two-sided stereo call counts: {progress}"
    );

    // The list: its talk ratio, the filter above a share, and one-sided calls hidden.
    let above = cli(&lib, &["list", "--talk-above", "55%", "--json"]);
    let ids: Vec<i64> =
        above.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![s_id.parse::<i64>().unwrap()], "{above}");
    let shown = cli(&lib, &["list", "--hide-one-sided", "--json"]);
    assert_eq!(shown.as_array().unwrap().len(), 3, "{shown}");
    assert!(shown.as_array().unwrap().iter().all(|r| r["oneSided"] == false));

    // A library imported before insights: nothing measured, until `analyse`; a relink keeps it.
    let conn = rusqlite::Connection::open(&lib).unwrap();
    conn.execute("DELETE FROM call_voice", []).unwrap();
    conn.execute("DELETE FROM speech_segments", []).unwrap();
    assert_eq!(cli(&lib, &["stats", &s_id, "--json"])["analysed"], false);
    let out = cli(&lib, &["analyse"]);
    assert!(out.as_str().unwrap().contains("4 calls analysed"), "{out}");
    assert_eq!(cli(&lib, &["stats", &s_id, "--json"])["talkRatio"], l["talkRatio"]);
    std::fs::rename(&stereo, calls.join("moved.mp3")).unwrap();
    cli(&lib, &["relocate", &s_id, calls.join("moved.mp3").to_str().unwrap()]);
    assert_eq!(cli(&lib, &["stats", &s_id, "--json"])["talkRatio"], l["talkRatio"]);

    // The speaker strip's sides follow the rep channel (left for this call), and only the call's
    // own rep (Dana) or a coach may read them.
    let mut l = gamefilm::library::Library::open(&lib).unwrap();
    let id: i64 = s_id.parse().unwrap();
    let sides = insights::speech(l.conn(), Scope::Coach, id).unwrap();
    let [left, right] = insights::segments(l.conn(), id).unwrap();
    assert!(sides.stereo && sides.rep == left && sides.customer == right);
    let dana = person(&mut l, "Dana", Role::Rep);
    assert!(insights::speech(l.conn(), dana.scope(), id).is_ok());
    let lee = person(&mut l, "Lee", Role::Rep);
    assert!(insights::speech(l.conn(), lee.scope(), id).is_err(), "another rep's call");
    assert!(insights::stats(l.conn(), lee.scope(), id).is_err(), "another rep's call");
}

#[test]
fn the_analysis_of_older_calls_killed_midway_keeps_what_it_did_and_resumes() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    let total = 40;
    for i in 0..total {
        write_tone_wav(&calls.join(format!("call-{i:03}.wav")), 200.0 + i as f32 * 7.0, 60);
    }
    // Imported before insights: nothing measured yet.
    cli(&lib, &["import", "--no-insights", calls.to_str().unwrap()]);
    let measured = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM call_voice", [], |r| r.get(0)).unwrap()
    };
    let conn = rusqlite::Connection::open(&lib).unwrap();
    assert_eq!(measured(&conn), 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(&lib)
        .arg("analyse")
        .env_remove("GAMEFILM_LIBRARY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while measured(&conn) < 2 {
        assert!(std::time::Instant::now() < deadline, "the analysis never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    let done = measured(&conn);
    assert!(done < total, "the kill landed after the analysis finished: make the batch bigger");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    // Every call measured has all of its speech: its totals match its segments.
    let torn: i64 = conn
        .query_row(
            "SELECT count(*) FROM call_voice v WHERE v.speech_ms_0 <> coalesce((SELECT sum(end_ms - start_ms)
               FROM speech_segments s WHERE s.recording_id = v.recording_id AND s.channel = 0), 0)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(torn, 0);
    drop(conn);
    let out = cli(&lib, &["analyse"]);
    assert!(out.as_str().unwrap().contains(&format!("{} calls analysed", total - done)), "{out}");
    let conn = rusqlite::Connection::open(&lib).unwrap();
    assert_eq!(measured(&conn), total);
}
