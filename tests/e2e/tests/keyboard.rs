//! Keyboard-first marking in the real window: N / Shift+N jump between notes with the 3 s
//! lead-in, I drops an improvement note that Esc throws away (nothing saved), Space plays and
//! pauses, ? lists the shortcuts. Without an audio device, so the playhead moves only by these
//! keys (and the library is checked through the CLI afterwards).

use std::ffi::OsStr;
use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Key, Locator, fixture, gamefilm, testid};

const UI: Duration = Duration::from_secs(20);

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

async fn position(app: &App) -> i64 {
    let v = app.by_testid("call-view").await.attr("data-position-ms").await.unwrap();
    v.and_then(|v| v.parse::<f64>().ok()).expect("data-position-ms") as i64
}

async fn wait_position(app: &App, want: i64, what: &str) {
    app.wait_until(
        async |c| {
            let view = c.find(Locator::Css(&testid("call-view"))).await?;
            let at = view.attr("data-position-ms").await?.and_then(|v| v.parse::<f64>().ok());
            Ok(at.filter(|at| (*at as i64 - want).abs() <= 50).map(|_| ()))
        },
        UI,
        what,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_are_reached_and_dropped_from_the_keyboard() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-keys-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    let call = fixture::speech_mp3(dir.path(), "keys-call", 30);
    gamefilm(&library, &[os("import"), call.as_os_str()]);
    for (at, kind, text) in
        [("10", "positive", "Opened well"), ("20", "positive", "Clear next step")]
    {
        gamefilm(
            &library,
            &[os("note"), os("add"), os("1"), os("--at"), os(at), os("--kind"), os(kind), os(text)],
        );
    }
    let app = App::builder(&display, "keys")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;
    let row = app.wait_for(&testid("recording-row"), UI).await;
    app.double_click(&row).await;
    app.wait_for(&testid("waveform"), UI).await;
    app.wait_until(
        async |c| {
            Ok((c.find_all(Locator::Css(&testid("note-marker"))).await?.len() == 2).then_some(()))
        },
        UI,
        "two note markers",
    )
    .await;
    assert_eq!(position(&app).await, 0);

    // N: the first note with its 3 s lead-in; N again: the second; Shift+N: back to the first.
    app.type_keys("n").await;
    wait_position(&app, 7_000, "N to put the playhead 3 s before the first note").await;
    app.type_keys("n").await;
    wait_position(&app, 17_000, "N again to reach the second note").await;
    app.type_keys(&format!("{}n{}", Key::Shift, Key::Shift)).await;
    wait_position(&app, 7_000, "Shift+N to go back to the first note").await;

    // → jumps 5 s.
    app.type_keys(&Key::Right.to_string()).await;
    wait_position(&app, 12_000, "→ to move the playhead 5 s on").await;

    // I drops an improvement 2 s before the playhead; Esc throws it away.
    app.type_keys("i").await;
    let draft = app
        .wait_until(
            async |c| {
                for m in c.find_all(Locator::Css(&testid("note-marker"))).await? {
                    if m.attr("data-kind").await?.as_deref() == Some("improvement") {
                        return Ok(Some(m));
                    }
                }
                Ok(None)
            },
            UI,
            "an improvement marker right after pressing i",
        )
        .await;
    let _ = draft;
    app.type_keys("Interrupted").await;
    app.type_keys(&Key::Escape.to_string()).await;
    app.wait_until(
        async |c| {
            Ok((c.find_all(Locator::Css(&testid("note-marker"))).await?.len() == 2).then_some(()))
        },
        UI,
        "Esc to drop the improvement",
    )
    .await;

    // ? lists the shortcuts.
    app.type_keys("?").await;
    let dialog = app.wait_for(&testid("shortcuts-dialog"), UI).await;
    let text = dialog.text().await.unwrap();
    for shortcut in ["Space", "Shift+P", "N / Shift+N"] {
        assert!(text.contains(shortcut), "the shortcuts dialog lists {shortcut}: {text}");
    }
    app.type_keys(&Key::Escape.to_string()).await;
    app.close().await;

    // The dropped draft never reached the library (or was removed): two live notes.
    let notes = gamefilm(&library, &[os("note"), os("list"), os("1"), os("--json")]);
    let count = notes.matches("\"kind\"").count();
    assert_eq!(count, 2, "Esc leaves no note behind: {notes}");
}
