//! The `gamefilm` binary as a user runs it: exit codes, time notations, JSON output, and a
//! bulk import killed with SIGKILL halfway.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

fn gamefilm(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .env_remove("GAMEFILM_LIBRARY")
        .output()
        .expect("run gamefilm")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("valid JSON")
}

#[test]
fn a_coach_imports_notes_searches_and_edits_from_the_command_line() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    std::fs::copy(fixture("mp3_44k_stereo.mp3"), calls.join("acme.mp3")).unwrap();
    std::fs::copy(fixture("bad/text.mp3"), calls.join("notes.mp3")).unwrap();

    // One bad file: the rest is imported, the summary names it, and the exit code says so.
    let out = gamefilm(&lib, &["import", calls.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("1 imported, 0 relinked, 0 duplicates, 1 failed"), "{stdout}");
    assert!(stdout.contains("notes.mp3: not an audio file"), "{stdout}");

    let list = json(&gamefilm(&lib, &["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    let id = list[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(list[0]["title"], "Acme renewal call");

    // Every time notation.
    for (at, start, end) in
        [("1.5s", 1500, None), ("0:02", 2000, None), ("00:00:02.250-0:03.5", 2250, Some(3500))]
    {
        let n = json(&gamefilm(
            &lib,
            &["note", "add", &id, "--at", at, "--kind", "positive", "--json", "Clear", "agenda"],
        ));
        assert_eq!(n["startMs"], start, "{at}");
        assert_eq!(n["endMs"].as_i64(), end, "{at}");
        assert_eq!(n["text"], "Clear agenda");
    }
    let bad = gamefilm(&lib, &["note", "add", &id, "--at", "1:00", "--kind", "improvement", "x"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("start: 1:00.000 is outside the recording")
    );
    let bad = gamefilm(&lib, &["note", "add", &id, "--at", "1:2:3:4", "--kind", "positive", "x"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot read time"));

    let imp = json(&gamefilm(
        &lib,
        &[
            "note",
            "add",
            &id,
            "--at",
            "3s",
            "--kind",
            "improvement",
            "--json",
            "Rushed the pricing",
        ],
    ));
    let note_id = imp["id"].as_str().unwrap().to_string();
    let edited = json(&gamefilm(
        &lib,
        &["note", "edit", &note_id, "--text", "Rushed the pricing slide", "--json"],
    ));
    assert_eq!(edited["text"], "Rushed the pricing slide");

    let hits = json(&gamefilm(&lib, &["search", "pricing", "--json"]));
    assert_eq!(hits["hits"].as_array().unwrap().len(), 1);
    assert_eq!(hits["hits"][0]["note"]["id"], note_id.as_str());

    ok(&gamefilm(&lib, &["note", "rm", &note_id[..8]]));
    assert!(
        json(&gamefilm(&lib, &["search", "pricing", "--json"]))["hits"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    ok(&gamefilm(&lib, &["note", "undo"]));
    assert_eq!(
        json(&gamefilm(&lib, &["search", "pricing", "--json"]))["hits"].as_array().unwrap().len(),
        1
    );

    ok(&gamefilm(
        &lib,
        &[
            "set",
            &id,
            "--rep",
            "Jordan",
            "--counterpart",
            "Acme Corp",
            "--outcome",
            "meeting-booked",
            "--tag",
            "renewal",
        ],
    ));
    let show = json(&gamefilm(&lib, &["show", &id, "--json"]));
    assert_eq!(show["recording"]["rep"], "Jordan");
    assert_eq!(show["recording"]["tags"][0], "renewal");
    assert_eq!(show["notes"].as_array().unwrap().len(), 4);
    let jordan =
        json(&gamefilm(&lib, &["list", "--rep", "Jordan", "--since", "2026-01-01", "--json"]));
    assert_eq!(jordan[0]["positives"], 3);
    assert_eq!(jordan[0]["improvements"], 1);
    let human = ok(&gamefilm(&lib, &["show", &id]));
    assert!(human.contains("Rushed the pricing slide") && human.contains("Acme Corp"), "{human}");

    // Search as typed: `pric` finds "pricing", in today's shape; filters alone list notes.
    let typed = json(&gamefilm(&lib, &["search", "pric", "--json"]));
    assert_eq!(typed["hits"].as_array().unwrap().len(), 1, "{typed}");
    assert_eq!(typed["hits"][0]["note"]["recordingId"].as_i64().unwrap().to_string(), id);
    assert_eq!(typed["hits"][0]["note"]["startMs"], 3000);
    let improvements = json(&gamefilm(&lib, &["search", "--kind", "improvement", "--json"]));
    assert_eq!(improvements["hits"].as_array().unwrap().len(), 1, "{improvements}");
    assert_eq!(improvements["hits"][0]["note"]["id"], note_id.as_str());
    let positives =
        json(&gamefilm(&lib, &["search", "--rep", "Jordan", "--kind", "positive", "--json"]));
    assert_eq!(positives["hits"].as_array().unwrap().len(), 3, "{positives}");
    let nothing = fails(&gamefilm(&lib, &["search"]));
    assert!(nothing.contains("type at least one word"), "{nothing}");

    // The file moves: relocate takes it back only with the same content.
    let moved = calls.join("moved-acme.mp3");
    std::fs::rename(calls.join("acme.mp3"), &moved).unwrap();
    let wrong = fails(&gamefilm(&lib, &["relocate", &id, fixture("flac.flac").to_str().unwrap()]));
    assert!(wrong.contains("is not the audio of call"), "{wrong}");
    assert!(ok(&gamefilm(&lib, &["show", &id])).contains("acme.mp3"));
    ok(&gamefilm(&lib, &["relocate", &id, moved.to_str().unwrap()]));
    let show = json(&gamefilm(&lib, &["show", &id, "--json"]));
    assert!(show["recording"]["path"].as_str().unwrap().ends_with("moved-acme.mp3"), "{show}");

    // Peaks: one line per column; a stereo file has two min/max pairs.
    let peaks =
        ok(&gamefilm(&lib, &["peaks", &id, "--from", "0:01", "--to", "0:03", "--width", "8"]));
    assert_eq!(peaks.lines().count(), 8, "{peaks}");
    assert!(peaks.lines().all(|l| l.split_whitespace().count() == 5), "{peaks}");
    let cols = json(&gamefilm(&lib, &["peaks", &id, "--width", "4", "--json"]));
    let right_channel_max = cols[1]["channels"][1][1].as_f64().unwrap();
    assert!(
        (right_channel_max - 0.25).abs() < 0.02,
        "the -12 dBFS tone on the right: {right_channel_max}"
    );
    assert!(!gamefilm(&lib, &["show", "999"]).status.success());
}

/// Writes a mono 16-bit WAV of `seconds` of a sine at `freq`.
fn write_wav(path: &Path, freq: f32, seconds: u32) {
    write_tone_wav(path, freq, seconds)
}

#[test]
fn a_bulk_import_killed_midway_keeps_every_reported_file_and_a_rerun_imports_the_rest() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    let total = 60;
    for i in 0..total {
        write_wav(&calls.join(format!("call-{i:03}.wav")), 200.0 + i as f32 * 7.0, 60);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(&lib)
        .args(["import", calls.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reported: Vec<PathBuf> = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while reported.len() < 5 {
        let line = lines.next().expect("the import reports files as it goes").unwrap();
        if let Some(rest) = line.strip_prefix("imported") {
            let path = rest.split_whitespace().nth(1).unwrap();
            reported.push(PathBuf::from(path));
        }
    }
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&lib).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let stored: i64 = conn.query_row("SELECT count(*) FROM recordings", [], |r| r.get(0)).unwrap();
    assert!(stored >= 5, "every reported file is stored");
    assert!(stored < total, "the kill landed after the import finished: make the batch bigger");
    for path in &reported {
        let (frames, levels, base): (i64, i64, i64) = conn
            .query_row(
                "SELECT r.frames, (SELECT count(*) FROM peaks WHERE recording_id = r.id),
                        (SELECT length(data) FROM peaks WHERE recording_id = r.id AND level = 0)
                 FROM recordings r WHERE r.path = ?1",
                [path.to_str().unwrap()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap_or_else(|e| {
                panic!("{} was reported imported but is missing: {e}", path.display())
            });
        assert_eq!(frames, 22_050 * 60, "complete audio for {}", path.display());
        assert!(levels >= 2);
        let spb = gamefilm::audio::peaks::base_samples_per_bucket(22_050) as i64;
        assert_eq!(
            base,
            (frames + spb - 1) / spb * 4,
            "complete level-0 peaks (min/max i16 per 10 ms)"
        );
    }
    // No recording is without peaks, whatever was in flight.
    let orphans: i64 = conn
        .query_row("SELECT count(*) FROM recordings r WHERE NOT EXISTS (SELECT 1 FROM peaks p WHERE p.recording_id = r.id)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orphans, 0);
    drop(conn);

    let rerun = gamefilm(&lib, &["import", calls.to_str().unwrap()]);
    let stdout = ok(&rerun);
    let summary = stdout.lines().find(|l| l.contains(" imported, ")).unwrap();
    let imported: i64 = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(imported, total - stored, "{summary}");
    assert!(summary.contains(&format!("{stored} duplicates")), "{summary}");
    let list = json(&gamefilm(&lib, &["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len() as i64, total);
}

/// `gamefilm import PIPE.wav` on a named pipe used to wait forever for a writer: it is refused
/// by its type before anything opens it, with the rest of the batch imported.
#[test]
fn a_named_pipe_is_refused_by_its_type_not_waited_on() {
    let t = TempLib::new();
    let calls = t.folder("calls");
    let pipe = calls.join("PIPE.wav");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success(), "mkfifo");
    let good = calls.join("good.wav");
    std::fs::copy(fixture("alaw_8k.wav"), &good).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(t.path())
        .arg("import")
        .arg(&pipe)
        .arg(&good)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the import is still waiting on the pipe after a minute");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a refused file makes the exit code non-zero: {stdout}");
    assert!(stdout.contains("1 imported") && stdout.contains("1 failed"), "{stdout}");
    assert!(stdout.contains("PIPE.wav: not a regular file (a named pipe)"), "{stdout}");
}

/// A recording whose file went away: the reason is said once ("…(No such file or directory
/// (os error 2))", not followed by the same cause again).
#[test]
fn an_error_says_its_cause_once() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    let file = calls.join("gone.wav");
    std::fs::copy(fixture("alaw_8k.wav"), &file).unwrap();
    ok(&gamefilm(&lib, &["import", file.to_str().unwrap()]));
    std::fs::remove_file(&file).unwrap();
    let out = gamefilm(&lib, &["play", "1"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gone.wav"), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "the cause is said once: {stderr}");
}

/// `gamefilm list | head -1`: the reader goes away before the output is written. The command
/// ends quietly with SIGPIPE's status (141), as other tools do, not with a panic; and the JSON
/// output the same way.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    for name in ["a.wav", "b.wav"] {
        std::fs::copy(fixture("alaw_8k.wav"), calls.join(name)).unwrap();
    }
    std::fs::copy(fixture("mp3_8k_mono.mp3"), calls.join("c.mp3")).unwrap();
    ok(&gamefilm(&lib, &["import", calls.to_str().unwrap()]));
    for args in [&["list"][..], &["list", "--json"], &["import", calls.to_str().unwrap()]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
            .arg("--library")
            .arg(&lib)
            .args(args)
            .env_remove("GAMEFILM_LIBRARY")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
    }
}

fn fails(out: &Output) -> String {
    assert!(!out.status.success(), "should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_coaching_loop_from_the_command_line() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    write_wav(&calls.join("one.wav"), 440.0, 3);
    write_wav(&calls.join("two.wav"), 550.0, 3);
    ok(&gamefilm(&lib, &["import", calls.to_str().unwrap()]));

    // A first write with nobody chosen adds a coach named after $USER, and says so.
    let out = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .args(["--library", lib.to_str().unwrap(), "focus", "add", "Pricing"])
        .env("USER", "kim")
        .output()
        .unwrap();
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Added kim as a coach"));

    ok(&gamefilm(&lib, &["people", "add", "Dana", "--role", "rep"]));
    assert!(
        fails(&gamefilm(&lib, &["people", "add", "dana", "--role", "coach"])).contains("already")
    );
    let unknown = fails(&gamefilm(&lib, &["--as", "Zed", "list"]));
    assert!(unknown.contains("nobody named 'Zed'") && unknown.contains("Dana (rep)"), "{unknown}");
    ok(&gamefilm(&lib, &["set", "1", "2", "--rep", "Dana", "--outcome", "next-step"]));
    assert!(
        fails(&gamefilm(&lib, &["set", "1", "--outcome", "won"]))
            .contains("outcome: unknown outcome 'won'")
    );
    let listed = json(&gamefilm(&lib, &["list", "--outcome", "next-step", "--json"]));
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // The coach's note and review; --author stays an alias of --as for note add.
    ok(&gamefilm(
        &lib,
        &[
            "note",
            "add",
            "1",
            "--at",
            "0:01",
            "--kind",
            "improvement",
            "--author",
            "kim",
            "Zebra pitch too early",
        ],
    ));
    assert!(
        fails(&gamefilm(&lib, &["--as", "Dana", "review", "1", "--focus", "discovery"]))
            .contains("as: a review is for a coach, and Dana is a rep")
    );
    assert!(fails(&gamefilm(&lib, &["review", "1", "--focus", ""])).contains("focus:"));
    assert!(
        fails(&gamefilm(&lib, &["review", "1", "--focus", "juggling"]))
            .contains("not a focus area")
    );
    let review = json(&gamefilm(
        &lib,
        &["review", "1", "--focus", "discovery", "--summary", "Ask first", "--json"],
    ));
    assert_eq!(review["focusArea"], "discovery");

    // Blind: Dana's show has neither the coach's note nor the review until she submits.
    let blind = json(&gamefilm(&lib, &["--as", "Dana", "show", "1", "--json"]));
    assert_eq!(blind["notes"].as_array().unwrap().len(), 0);
    assert!(blind["review"].is_null() && blind["selfAssessment"].is_null());
    assert_eq!(blind["assessFirst"], true);
    assert!(!ok(&gamefilm(&lib, &["--as", "Dana", "search", "zebra"])).contains("Zebra"));
    assert!(
        fails(&gamefilm(&lib, &["assess", "1", "--focus", "listening", "x"]))
            .contains("as: a self-assessment is for a rep, and kim is a coach")
    );
    ok(&gamefilm(
        &lib,
        &["--as", "Dana", "assess", "1", "--focus", "listening", "I", "pitched", "early"],
    ));
    let seen = json(&gamefilm(&lib, &["--as", "Dana", "show", "1", "--json"]));
    assert_eq!(seen["notes"][0]["text"], "Zebra pitch too early");
    assert_eq!(seen["review"]["focusArea"], "discovery");
    assert_eq!(seen["selfAssessment"]["text"], "I pitched early");

    // Next steps: bad input is named, the overdue one is listed, done, exported.
    assert!(
        fails(&gamefilm(&lib, &["steps", "add", "--owner", "Dana", "--due", "soon", "x"]))
            .contains("due: 'soon' is not a date")
    );
    assert!(
        fails(&gamefilm(&lib, &["steps", "add", "--owner", "Zed", "--due", "2026-01-01", "x"]))
            .contains("owner: nobody named 'Zed'")
    );
    let step = json(&gamefilm(
        &lib,
        &[
            "steps",
            "add",
            "--owner",
            "Dana",
            "--due",
            "2020-01-06",
            "--call",
            "1",
            "--at",
            "0:02",
            "--json",
            "Send",
            "the",
            "recap",
        ],
    ));
    let step_id = step["id"].as_str().unwrap().to_string();
    let overdue = json(&gamefilm(&lib, &["steps", "list", "--overdue", "--json"]));
    assert_eq!(overdue[0]["text"], "Send the recap");
    assert_eq!(overdue[0]["atMs"], 2000);
    let ics = t.folder("out").join("step.ics");
    ok(&gamefilm(&lib, &["steps", "ics", &step_id, "--out", ics.to_str().unwrap()]));
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(
        text.contains("DTSTART;VALUE=DATE:20200106") && text.contains("BEGIN:VALARM"),
        "{text}"
    );
    ok(&gamefilm(&lib, &["--as", "Dana", "steps", "done", &step_id[..8]]));
    assert!(
        json(&gamefilm(&lib, &["steps", "list", "--overdue", "--json"]))
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Progress, as CSV.
    let csv = ok(&gamefilm(&lib, &["progress", "--rep", "Dana", "--weeks", "2", "--csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[2].starts_with("Dana,") && lines[2].contains(",discovery,"), "{csv}");
    // A rep reaches no other rep's call by id: not its details, nor its audio.
    ok(&gamefilm(&lib, &["people", "add", "Lee", "--role", "rep"]));
    ok(&gamefilm(&lib, &["set", "2", "--rep", "Lee"]));
    for args in [&["show", "2"][..], &["peaks", "2"], &["play", "2"]] {
        let out = gamefilm(&lib, &[&["--as", "Dana"][..], args].concat());
        assert!(fails(&out).contains("recording 2 not found"), "{args:?}");
    }
    let people = json(&gamefilm(&lib, &["people", "list", "--json"]));
    assert_eq!(people.as_array().unwrap().len(), 3);
}

/// The pack and notes-file commands in their exact forms; a pack import killed midway leaves
/// the receiving library as it was, and the next import completes.
#[test]
fn packs_and_notes_files_from_the_command_line_and_a_killed_pack_import() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    let total = 30;
    for i in 0..total {
        write_wav(&calls.join(format!("call-{i:03}.wav")), 300.0 + i as f32 * 11.0, 60);
    }
    ok(&gamefilm(&lib, &["people", "add", "Coach", "--role", "coach"]));
    ok(&gamefilm(&lib, &["people", "add", "Dana", "--role", "rep"]));
    ok(&gamefilm(&lib, &["people", "default", "Coach"]));
    ok(&gamefilm(&lib, &["import", calls.to_str().unwrap()]));
    let ids: Vec<String> = json(&gamefilm(&lib, &["list", "--json", "--limit", "1000"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    let mut set = vec!["set"];
    set.extend(ids.iter().map(String::as_str));
    set.extend(["--rep", "Dana"]);
    ok(&gamefilm(&lib, &set));
    let first = ids[0].as_str();
    ok(&gamefilm(
        &lib,
        &["note", "add", first, "--at", "0:01.250-0:02.5", "--kind", "positive", "Warm opener"],
    ));
    ok(&gamefilm(&lib, &["review", first, "--focus", "discovery", "--summary", "Good"]));

    // Notes out and back in.
    let labels = t.dir.path().join("labels.txt");
    ok(&gamefilm(
        &lib,
        &["note", "export", first, "--format", "audacity", "--out", labels.to_str().unwrap()],
    ));
    assert_eq!(
        std::fs::read_to_string(&labels).unwrap(),
        "1.250000\t2.500000\tpositive: Warm opener\n"
    );
    let csv = t.dir.path().join("in.csv");
    std::fs::write(&csv, "start,end,text\n3.0,,Good pause\n").unwrap();
    let added = json(&gamefilm(
        &lib,
        &["note", "import", first, csv.to_str().unwrap(), "--kind", "improvement", "--json"],
    ));
    assert_eq!(added["notes"][0]["kind"], "improvement");
    let bad = fails(&gamefilm(&lib, &["note", "import", first, csv.to_str().unwrap()]));
    assert!(bad.contains("line 2"), "{bad}");

    // A pack of all Dana's calls, and one of a single call.
    let pack = t.dir.path().join("dana.gamefilm");
    ok(&gamefilm(&lib, &["pack", "export", "--for", "Dana", "--out", pack.to_str().unwrap()]));
    let one = t.dir.path().join("one.gamefilm");
    ok(&gamefilm(
        &lib,
        &[
            "pack",
            "export",
            "--for",
            "Dana",
            "--calls",
            first,
            "--without-audio",
            "--out",
            one.to_str().unwrap(),
        ],
    ));
    let nothing = fails(&gamefilm(
        &lib,
        &[
            "pack",
            "export",
            "--for",
            "Dana",
            "--out",
            t.dir.path().join("none.gamefilm").to_str().unwrap(),
        ],
    ));
    assert!(nothing.contains("nothing changed for Dana"), "{nothing}");
    assert!(!t.dir.path().join("none.gamefilm").exists());

    // The rep's library: an import killed while it writes leaves it as it was.
    let rep_dir = t.folder("rep");
    let rep_lib = rep_dir.join("library.sqlite");
    ok(&gamefilm(&rep_lib, &["people", "add", "Dana", "--role", "rep"]));
    let counts = |conn: &rusqlite::Connection| -> Vec<i64> {
        ["recordings", "notes", "reviews", "people", "peaks"]
            .iter()
            .map(|t| {
                conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap()
            })
            .collect()
    };
    let before = counts(&rusqlite::Connection::open(&rep_lib).unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(&rep_lib)
        .args(["pack", "import", pack.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it is writing audio beside the library, then kill it at once: the audio (30
    // minutes of WAV) is all extracted and checked before the merge begins.
    let started = std::time::Instant::now();
    loop {
        let writing = std::fs::read_dir(&rep_dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".gamefilm-pack-"));
        if writing || started.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the kill landed after the import finished: make the pack bigger");
    assert!(
        std::fs::read_dir(&rep_dir).unwrap().flatten().all(|e| e.file_name() != "audio"),
        "the kill landed after the merge: make the pack bigger"
    );
    let conn = rusqlite::Connection::open(&rep_lib).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(counts(&conn), before, "nothing of the killed import is in the library");
    drop(conn);
    let merged = ok(&gamefilm(&rep_lib, &["pack", "import", pack.to_str().unwrap()]));
    assert!(merged.contains("from Coach for Dana"), "{merged}");
    let list = json(&gamefilm(&rep_lib, &["list", "--json", "--limit", "1000"]));
    assert_eq!(list.as_array().unwrap().len(), total);
    let leftovers = std::fs::read_dir(&rep_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".gamefilm-pack-"));
    assert_eq!(leftovers.count(), 0, "the killed import's temporary files are gone");
    let again = ok(&gamefilm(&rep_lib, &["pack", "import", one.to_str().unwrap()]));
    assert!(again.contains("Nothing new"), "{again}");
    let refused = fails(&gamefilm(&rep_lib, &["pack", "import", labels.to_str().unwrap()]));
    assert!(refused.contains("is not a Gamefilm pack"), "{refused}");
}

#[test]
fn watch_prints_each_import_until_interrupted_and_names_a_missing_folder() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    let missing =
        fails(&gamefilm(&lib, &["watch", t.dir.path().join("nowhere").to_str().unwrap()]));
    assert!(missing.contains("nowhere: cannot watch this folder"), "{missing}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gamefilm"))
        .arg("--library")
        .arg(&lib)
        .args(["watch", calls.to_str().unwrap(), "--settle", "0.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("Watching "), "{first}");
    write_wav(&calls.join("new-call.wav"), 500.0, 2);
    let line = lines.next().unwrap().unwrap();
    assert!(line.starts_with("imported") && line.contains("new-call.wav"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();
    let list = json(&gamefilm(&lib, &["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn set_remove_and_restore_many_calls_at_once_all_or_none() {
    let t = TempLib::new();
    let lib = t.path();
    let calls = t.folder("calls");
    for (i, secs) in [1u32, 2, 3].iter().enumerate() {
        write_wav(&calls.join(format!("call{i}.wav")), 300.0 + 100.0 * i as f32, *secs);
    }
    ok(&gamefilm(&lib, &["people", "add", "Coach", "--role", "coach"]));
    ok(&gamefilm(&lib, &["people", "default", "Coach"]));
    ok(&gamefilm(&lib, &["import", calls.to_str().unwrap()]));
    let ids: Vec<String> = json(&gamefilm(&lib, &["list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    let id_args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        v.splice(1..1, ids.iter().cloned());
        v
    };
    let args = id_args(&["set", "--outcome", "meeting-booked", "--rep", "Dana", "--tag", "q3"]);
    ok(&gamefilm(&lib, &args.iter().map(String::as_str).collect::<Vec<_>>()));
    let tagged = json(&gamefilm(&lib, &["list", "--tag", "q3", "--json"]));
    assert_eq!(tagged.as_array().unwrap().len(), 3, "{tagged}");
    for r in tagged.as_array().unwrap() {
        assert_eq!(r["outcome"], "meeting-booked");
        assert_eq!(r["rep"], "Dana");
        assert_eq!(r["tags"], serde_json::json!(["q3"]));
    }
    // An unknown outcome or id: named, and nothing changed.
    let args = id_args(&["set", "--outcome", "sold"]);
    let bad = fails(&gamefilm(&lib, &args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(bad.contains("outcome") && bad.contains("sold"), "{bad}");
    let bad = fails(&gamefilm(&lib, &["set", &ids[0], "999", "--outcome", "other"]));
    assert!(bad.contains("999"), "{bad}");
    assert_eq!(
        json(&gamefilm(&lib, &["list", "--outcome", "meeting-booked", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Remove two; the files stay; restore brings them back.
    let removed = ok(&gamefilm(&lib, &["remove", &ids[0], &ids[1]]));
    assert!(removed.contains("Removed"), "{removed}");
    assert_eq!(json(&gamefilm(&lib, &["list", "--json"])).as_array().unwrap().len(), 1);
    assert_eq!(std::fs::read_dir(&calls).unwrap().count(), 3, "the files stay on disk");
    let again = ok(&gamefilm(&lib, &["import", calls.to_str().unwrap()]));
    assert!(again.contains("removed from the library earlier"), "{again}");
    assert_eq!(json(&gamefilm(&lib, &["list", "--json"])).as_array().unwrap().len(), 1);
    let bad = fails(&gamefilm(&lib, &["restore", &ids[0], "999"]));
    assert!(bad.contains("999"), "{bad}");
    assert_eq!(json(&gamefilm(&lib, &["list", "--json"])).as_array().unwrap().len(), 1);
    ok(&gamefilm(&lib, &["restore", &ids[0], &ids[1]]));
    assert_eq!(json(&gamefilm(&lib, &["list", "--json"])).as_array().unwrap().len(), 3);
}
