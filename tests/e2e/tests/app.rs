//! Gamefilm in its real window: import through the picker, play through a paced ALSA capture,
//! mark a note from the keyboard while the call plays, restart, mark the call reviewed, assess
//! it and reply as the rep, restart again.
//! And without any audio device: the app still opens a call and says why there is no sound.
//!
//! Each test has its own Xvfb, ports, HOME, library and audio setup, so they may run in parallel.

use std::time::Duration;

use gamefilm_e2e::{App, Audio, Client, CmdError, Display, Element, Key, Locator};
use gamefilm_e2e::{artifacts_dir, fixture, testid};

/// Runs the `gamefilm` CLI on `library` and returns its output; it must succeed.
fn cli(library: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new(gamefilm_e2e::cli_binary())
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .expect("run the gamefilm CLI");
    assert!(out.status.success(), "gamefilm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes a positive note at the playhead from the keyboard: P, the text, Enter.
async fn note_from_the_keyboard(app: &App, text: &str) {
    app.type_keys("p").await;
    app.wait_until(
        async |c| {
            let active = c.active_element().await?;
            Ok((active.attr("data-testid").await?.as_deref() == Some("note-text")).then_some(()))
        },
        UI,
        "the new note's text field to take the focus after pressing p",
    )
    .await;
    app.type_keys(text).await;
    app.type_keys(&Key::Enter.to_string()).await;
    wait_for_note(app, text).await;
}

/// Marks the open call reviewed with `focus` from the review panel.
async fn mark_reviewed(app: &App, focus: &str) {
    let select = app.wait_for(&testid("review-focus"), UI).await;
    app.select(&select, focus, "review-focus").await;
    let mark = app.by_testid("review-mark").await;
    app.click(&mark, "review-mark").await;
    app.wait_for(&testid("review-state"), UI).await;
}

/// Makes `name` the current person through the header's switcher.
async fn switch_person(app: &App, name: &str) {
    let select = app.wait_for(&testid("person-select"), UI).await;
    app.select(&select, name, "person-select").await;
    app.wait_until(
        async |c| {
            let s = c.find(Locator::Css(&testid("person-select"))).await?;
            Ok((s.prop("value").await?.as_deref() == Some(name)).then_some(()))
        },
        UI,
        &format!("the current person to become {name}"),
    )
    .await;
}

/// Submits the rep's self-assessment in the assess-first panel.
async fn submit_self_assessment(app: &App, focus: &str, text: &str) {
    let select = app.wait_for(&testid("assess-focus"), UI).await;
    app.select(&select, focus, "assess-focus").await;
    let field = app.by_testid("assess-text").await;
    app.click(&field, "assess-text").await;
    app.type_keys(text).await;
    let submit = app.by_testid("assess-submit").await;
    app.click(&submit, "assess-submit").await;
    app.wait_for(&testid("comparison"), UI).await;
}

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// Importing one 30 s file (probe, hash, peaks, one transaction).
const IMPORT: Duration = Duration::from_secs(60);
/// Audio is paced at real time: seconds of playback take seconds.
const PLAYBACK: Duration = Duration::from_secs(30);

const NOTE: &str = "Great discovery question";
const REPLY: &str = "Thanks, I will open every call with it";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coach_notes_a_playing_call_and_rep_replies_across_restarts() {
    let display = Display::start();
    let mut audio = Audio::paced();
    let dir = tempdir();
    let recording = fixture::speech_mp3(dir.path(), "discovery-call", 30);
    let library = dir.path().join("library.sqlite");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let builder = App::builder(&display, "flow")
        .library(&library)
        .home(&home)
        .pick(std::slice::from_ref(&recording))
        .audio(&audio);

    // 1. A new library shows the first-run panel; importing "picks" the fixture.
    let app = builder.clone().start().await;
    app.wait_for(&testid("first-run"), UI).await;
    import_through_picker(&app).await;

    // 2. Open the call and play it: the position advances as the device consumes audio.
    open_the_call(&app).await;
    let play = app.by_testid("play-toggle").await;
    app.click(&play, "play-toggle").await;
    wait_for_state(&app, "playing").await;
    let reached = wait_for_position(&app, 3000).await;
    let captured = audio.captured();
    assert!(
        captured.is_non_silent(0.01),
        "the capture is silent after {reached} ms of playback: {captured:?}"
    );
    // The position comes from frames the device consumed, so it agrees with the capture (give
    // or take the buffers between them).
    let captured_ms = (captured.seconds() * 1000.0) as i64;
    assert!(
        (captured_ms - reached).abs() < 1500,
        "the playhead says {reached} ms but the device received {captured_ms} ms of audio"
    );

    // 3. Mark a positive note from the keyboard while the call keeps playing.
    note_from_the_keyboard(&app, NOTE).await;
    let state = app.by_testid("play-toggle").await.attr("data-state").await.unwrap();
    assert_eq!(state.as_deref(), Some("playing"), "writing a note must not stop playback");
    let now = position_ms(&app).await;
    wait_for_position(&app, now + 1000).await;

    // 4. The call view with its note, for people to look at.
    app.screenshot(&artifacts_dir().join("call-view.png")).await;

    // 5. The note survives a restart.
    app.close().await;
    let app = builder.clone().start().await;
    open_the_call(&app).await;
    wait_for_note(&app, NOTE).await;

    // 6. The coach marks the call reviewed; the call is Dana's (set from the command line).
    cli(&library, &["people", "add", "Dana", "--role", "rep"]);
    cli(&library, &["set", "1", "--rep", "Dana"]);
    mark_reviewed(&app, "discovery").await;

    // 7. Dana opens it: assess first, then the coach's note appears and she replies; the reply
    // survives a restart too.
    let back = app.by_testid("back-to-library").await;
    app.click(&back, "back-to-library").await;
    app.wait_for(&testid("library-list"), UI).await;
    switch_person(&app, "Dana").await;
    open_the_call(&app).await;
    submit_self_assessment(&app, "listening", "I pitched before asking").await;
    wait_for_note(&app, NOTE).await;
    let input = app
        .wait_until(
            async |c| match note_item(c, NOTE).await? {
                Some(item) => Ok(item.find_all(Locator::Css(&testid("reply-input"))).await?.pop()),
                None => Ok(None),
            },
            UI,
            &format!("a reply-input in the note {NOTE:?}"),
        )
        .await;
    app.click(&input, "reply-input").await;
    app.type_keys(REPLY).await;
    let send = app
        .wait_until(
            async |c| match note_item(c, NOTE).await? {
                Some(item) => Ok(item.find_all(Locator::Css(&testid("reply-send"))).await?.pop()),
                None => Ok(None),
            },
            UI,
            "the note's reply-send button",
        )
        .await;
    app.click(&send, "reply-send").await;
    wait_for_reply(&app, REPLY).await;

    app.close().await;
    let app = builder.start().await;
    open_the_call(&app).await;
    wait_for_note(&app, NOTE).await;
    wait_for_reply(&app, REPLY).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_audio_device_play_explains_why_there_is_no_sound() {
    let display = Display::start();
    let audio = Audio::without_device();
    let dir = tempdir();
    let recording = fixture::speech_mp3(dir.path(), "short-call", 10);
    let app = App::builder(&display, "no-device")
        .library(&dir.path().join("library.sqlite"))
        .pick(&[recording])
        .audio(&audio)
        .start()
        .await;
    app.wait_for(&testid("first-run"), UI).await;
    import_through_picker(&app).await;
    open_the_call(&app).await;

    let play = app.by_testid("play-toggle").await;
    app.click(&play, "play-toggle").await;
    let banner = app
        .wait_until(
            async |c| {
                for banner in c.find_all(Locator::Css(&testid("error-banner"))).await? {
                    let text = banner.text().await?;
                    let lower = text.to_lowercase();
                    if lower.contains("no audio output device")
                        || lower.contains("no output device")
                    {
                        return Ok(Some(text));
                    }
                }
                Ok(None)
            },
            UI,
            "an error-banner saying there is no audio output device",
        )
        .await;
    let state = app.by_testid("play-toggle").await.attr("data-state").await.unwrap();
    assert_eq!(state.as_deref(), Some("paused"), "nothing can play; the banner says: {banner}");
    app.close().await;
}

/// Clicks `import-files` (the shell returns GAMEFILM_TEST_PICK instead of a dialog) and waits
/// for the recording to be listed.
async fn import_through_picker(app: &App) {
    let import = app.by_testid("import-files").await;
    app.click(&import, "import-files").await;
    let row = format!("{} {}", testid("library-list"), testid("recording-row"));
    let outcome = app
        .wait_until(
            async |c| {
                if let Some(e) = c.find_all(Locator::Css(&testid("import-error"))).await?.pop() {
                    return Ok(Some(Err(e.text().await?)));
                }
                Ok(c.find_all(Locator::Css(&row)).await?.pop().map(|_| Ok(())))
            },
            IMPORT,
            "the imported recording in the library list",
        )
        .await;
    if let Err(shown) = outcome {
        panic!("{}", app.diagnose(&format!("the import failed: {shown}")).await);
    }
}

/// Double-clicks the (only) recording and waits for its call view and waveform.
async fn open_the_call(app: &App) {
    let row = format!("{} {}", testid("library-list"), testid("recording-row"));
    let row = app.wait_for(&row, UI).await;
    app.double_click(&row).await;
    app.wait_for(&format!("{} {}", testid("call-view"), testid("waveform")), UI).await;
}

async fn position_ms(app: &App) -> i64 {
    let view = app.by_testid("call-view").await;
    let value = view.attr("data-position-ms").await.ok().flatten().unwrap_or_default();
    match value.parse::<f64>() {
        Ok(ms) => ms as i64,
        Err(_) => panic!("{}", app.diagnose(&format!("data-position-ms is {value:?}")).await),
    }
}

/// Waits until the playhead reaches `ms`, and returns where it is.
async fn wait_for_position(app: &App, ms: i64) -> i64 {
    app.wait_until(
        async |c| {
            let view = c.find(Locator::Css(&testid("call-view"))).await?;
            let at = view.attr("data-position-ms").await?.and_then(|v| v.parse::<f64>().ok());
            Ok(at.map(|at| at as i64).filter(|&at| at >= ms))
        },
        PLAYBACK,
        &format!("call-view's data-position-ms to reach {ms}"),
    )
    .await
}

async fn wait_for_state(app: &App, state: &str) {
    app.wait_until(
        async |c| {
            let toggle = c.find(Locator::Css(&testid("play-toggle"))).await?;
            Ok((toggle.attr("data-state").await?.as_deref() == Some(state)).then_some(()))
        },
        UI,
        &format!("play-toggle's data-state to be {state:?}"),
    )
    .await;
}

/// The note item whose text is `text` (a textarea for the coach, plain text for the rep).
async fn note_item(c: &Client, text: &str) -> Result<Option<Element>, CmdError> {
    for item in c.find_all(Locator::Css(&testid("note-item"))).await? {
        for field in item.find_all(Locator::Css(&testid("note-text"))).await? {
            if field_text(&field).await?.trim() == text {
                return Ok(Some(item));
            }
        }
        if item.find_all(Locator::Css(&testid("note-text"))).await?.is_empty()
            && item.text().await?.contains(text)
        {
            return Ok(Some(item));
        }
    }
    Ok(None)
}

async fn field_text(e: &Element) -> Result<String, CmdError> {
    match e.tag_name().await?.to_lowercase().as_str() {
        "textarea" | "input" => Ok(e.prop("value").await?.unwrap_or_default()),
        _ => e.text().await,
    }
}

/// Waits for a positive note with `text` in the list and its marker on the waveform (the same
/// note: same `data-id`, drawn within the waveform's box).
async fn wait_for_note(app: &App, text: &str) {
    app.wait_until(
        async |c| {
            let Some(item) = note_item(c, text).await? else { return Ok(None) };
            if item.attr("data-kind").await?.as_deref() != Some("positive") {
                return Ok(None);
            }
            let id = item.attr("data-id").await?.unwrap_or_default();
            let waveform = c.find(Locator::Css(&testid("waveform"))).await?;
            let css = format!(r#"{}[data-kind="positive"][data-id="{id}"]"#, testid("note-marker"));
            let Some(marker) = waveform.find_all(Locator::Css(&css)).await?.pop() else {
                return Ok(None);
            };
            let (wx, wy, ww, wh) = waveform.rectangle().await?;
            let (mx, my, mw, mh) = marker.rectangle().await?;
            let overlaps = mx < wx + ww && mx + mw > wx && my < wy + wh && my + mh > wy;
            Ok(overlaps.then_some(()))
        },
        UI,
        &format!("a positive note {text:?} in the list with its marker on the waveform"),
    )
    .await;
}

async fn wait_for_reply(app: &App, text: &str) {
    app.wait_until(
        async |c| {
            for reply in c.find_all(Locator::Css(&testid("reply"))).await? {
                if reply.text().await?.contains(text) {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        },
        UI,
        &format!("a reply {text:?} under the note"),
    )
    .await;
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("gamefilm-e2e-").tempdir().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_library_from_a_newer_gamefilm_is_refused_in_plain_words_and_left_untouched() {
    let display = Display::start();
    let dir = tempdir();
    let library = dir.path().join("library.sqlite");
    // An SQLite library whose schema version is ahead of this build's.
    let made = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.execute('CREATE TABLE future (x)'); c.execute('PRAGMA user_version = 999'); \
             c.commit(); c.close()",
        )
        .arg(&library)
        .status()
        .expect("python3 runs");
    assert!(made.success());
    let before = std::fs::read(&library).unwrap();
    let app = App::builder(&display, "too-new")
        .library(&library)
        .audio(&Audio::without_device())
        .ready_css(&testid("fatal-error"))
        .start()
        .await;
    let text = app.by_testid("fatal-error").await.text().await.unwrap();
    assert!(
        text.contains("newer Gamefilm") && text.contains("update Gamefilm"),
        "the message should say why and what to do: {text:?}"
    );
    app.close().await;
    assert_eq!(std::fs::read(&library).unwrap(), before, "the library must be left untouched");
}

const SECRET: &str = "Zebra pitch came too early";
const STEP: &str = "Send the pricing recap";

/// Waits until the first row's outcome cell says `label`.
async fn wait_for_row_outcome(app: &App, label: &str) {
    app.wait_until(
        async |c| {
            let cell = c.find(Locator::Css(&testid("row-outcome"))).await?;
            let text = cell.prop("textContent").await?.unwrap_or_default();
            Ok((text.trim() == label).then_some(()))
        },
        UI,
        &format!("the row's outcome to read {label:?}"),
    )
    .await;
}

/// Sets an input's value as typing would (date inputs take no keys under WebDriver in WebKit).
async fn set_value(app: &App, id: &str, value: &str) {
    let js = format!(
        "const e = document.querySelector('[data-testid=\"{id}\"]'); e.value = arguments[0]; \
         e.dispatchEvent(new Event('input', {{ bubbles: true }})); \
         e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    );
    app.client().execute(&js, vec![value.into()]).await.expect("set the input's value");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coach_reviews_with_a_focus_and_an_overdue_step_and_the_rep_assesses_blind() {
    let display = Display::start();
    let audio = Audio::paced();
    let dir = tempdir();
    let recording = fixture::speech_mp3(dir.path(), "blind-call", 12);
    let library = dir.path().join("library.sqlite");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let app = App::builder(&display, "loop")
        .library(&library)
        .pick(std::slice::from_ref(&recording))
        .audio(&audio)
        // The clock, through the test path: "today" is 11 March 2026 for the app.
        .env("GAMEFILM_TODAY", "2026-03-11")
        .env("GAMEFILM_TEST_SAVE_DIR", &exports)
        .start()
        .await;
    import_through_picker(&app).await;
    cli(&library, &["people", "add", "Dana", "--role", "rep"]);
    cli(&library, &["set", "1", "--rep", "Dana"]);

    // The coach notes the call, marks it reviewed with one focus area, and agrees a next step
    // due yesterday.
    open_the_call(&app).await;
    note_from_the_keyboard(&app, SECRET).await;
    mark_reviewed(&app, "discovery").await;
    let owner = app.wait_for(&testid("step-owner"), UI).await;
    app.select(&owner, "Dana", "step-owner").await;
    set_value(&app, "step-due", "2026-03-10").await;
    let text = app.by_testid("step-text").await;
    app.click(&text, "step-text").await;
    app.type_keys(STEP).await;
    let save = app.by_testid("step-save").await;
    app.click(&save, "step-save").await;

    // The first screen shows it overdue; it exports as a calendar file.
    let back = app.by_testid("back-to-library").await;
    app.click(&back, "back-to-library").await;
    app.wait_until(
        async |c| {
            for e in c.find_all(Locator::Css(&testid("overdue-step"))).await? {
                if e.prop("textContent").await?.unwrap_or_default().contains(STEP) {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        },
        UI,
        "the step in Overdue",
    )
    .await;
    // Space marks the selected call and 1 sets its outcome (many calls at once when several are
    // marked); Undo puts the earlier outcome back.
    let list = app.by_testid("library-list").await;
    app.click(&list, "library-list").await;
    app.type_keys(" ").await;
    app.wait_for(r#"[data-testid="recording-row"][data-marked="true"]"#, UI).await;
    app.type_keys("1").await;
    wait_for_row_outcome(&app, "Meeting booked").await;
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    wait_for_row_outcome(&app, "").await;

    let export = app.by_testid("steps-export-ics").await;
    app.click(&export, "steps-export-ics").await;
    app.wait_for(&testid("steps-export-done"), UI).await;
    let ics = std::fs::read_to_string(exports.join("gamefilm-next-steps.ics")).expect("the .ics");
    assert!(ics.contains("DTSTART;VALUE=DATE:20260310") && ics.contains("BEGIN:VALARM"), "{ics}");
    app.screenshot(&artifacts_dir().join("due-board.png")).await;

    // Dana opens the call: assess first, and the coach's note is nowhere in the page.
    switch_person(&app, "Dana").await;
    open_the_call(&app).await;
    app.wait_for(&testid("assess-panel"), UI).await;
    let page = app.client().source().await.expect("the page source");
    assert!(!page.contains(SECRET), "the coach's note reached the rep before her assessment");

    // She submits; the comparison shows both focus areas, and the coach's note appears.
    submit_self_assessment(&app, "listening", "I pitched before asking").await;
    let mine = app.wait_for(&testid("comparison-rep-focus"), UI).await;
    let theirs = app.by_testid("comparison-coach-focus").await;
    assert!(mine.prop("textContent").await.unwrap().unwrap_or_default().contains("listening"));
    assert!(theirs.prop("textContent").await.unwrap().unwrap_or_default().contains("discovery"));
    wait_for_note(&app, SECRET).await;
    app.screenshot(&artifacts_dir().join("comparison.png")).await;
    app.close().await;
}
