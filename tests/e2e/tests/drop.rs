//! Files dropped onto the real window are imported: an XDND drag from another X client (as a
//! file manager makes one) of a recording and of a text file named like one. GTK and wry turn
//! the native drag into Tauri's drag-drop events; the UI shows its drop overlay while the drag
//! hovers and hides it when the drag leaves, imports both files on the drop, lists the
//! recording and names the file that failed.

use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, FileDrag, Locator, fixture, testid};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// Importing a short file and failing another (probe, hash, peaks, one transaction).
const IMPORT: Duration = Duration::from_secs(60);

/// The UI's "Drop to import these recordings" overlay.
const DROP_OVERLAY: &str = r#"[data-testid="drop-overlay"]"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_dropped_on_the_window_are_imported_and_a_bad_one_is_named() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-drop-").tempdir().unwrap();
    // A space and a non-ASCII letter: the drop carries the path as a percent-encoded file URI.
    let recording = fixture::speech_mp3(dir.path(), "Dana – discovery call", 10);
    let bad = dir.path().join("not-audio.mp3");
    std::fs::write(&bad, "These are meeting notes, not a recording.\n".repeat(50)).unwrap();
    let app = App::builder(&display, "drop")
        .library(&dir.path().join("library.sqlite"))
        .audio(&Audio::without_device())
        .start()
        .await;
    app.wait_for(&testid("first-run"), UI).await;

    // 1. A drag that enters and leaves again: the page shows it would import while the drag
    //    hovers (which also shows it listens), hides that when the drag goes, imports nothing.
    let files = [recording.clone(), bad.clone()];
    let mut drag = FileDrag::hover(&display, &files).await;
    app.wait_for(DROP_OVERLAY, UI).await;
    drag.leave().await;
    wait_gone(&app, DROP_OVERLAY, "the drop overlay to go once the drag left").await;
    drag.end().await;
    app.by_testid("first-run").await; // (the import summary below shows nothing was imported)

    // 2. It comes back and is dropped: the window takes a copy of both, the import runs.
    let drag = FileDrag::hover(&display, &files).await;
    assert_eq!(drag.action(), "XdndActionCopy", "the window accepted the drag as something else");
    app.wait_for(DROP_OVERLAY, UI).await;
    let performed = drag.drop_files().await;
    wait_gone(&app, DROP_OVERLAY, "the drop overlay to go once the files were dropped").await;
    assert_eq!(performed, "XdndActionCopy", "the window finished the drop as something else");
    let row_css = format!("{} {}", testid("library-list"), testid("recording-row"));
    let (row_path, failure) = app
        .wait_until(
            async |c| {
                // The failure is listed once the whole job is over, so wait for both.
                let Some(row) = c.find_all(Locator::Css(&row_css)).await?.pop() else {
                    return Ok(None);
                };
                let Some(error) = c.find_all(Locator::Css(&testid("import-error"))).await?.pop()
                else {
                    return Ok(None);
                };
                Ok(Some((row.attr("title").await?.unwrap_or_default(), error.text().await?)))
            },
            IMPORT,
            "the dropped recording in the library list and an import-error for the text file",
        )
        .await;
    assert_eq!(
        row_path,
        recording.to_string_lossy(),
        "the listed recording is not the dropped file"
    );
    assert!(
        failure.contains("not-audio.mp3"),
        "the import-error should name the file that failed: {failure:?}"
    );

    // One job, which imported the recording (had leaving imported it, this job would have found
    // it already in the library) and failed the text file.
    let summary = app
        .wait_until(
            async |c| {
                for status in c.find_all(Locator::Css(r#"[role="status"]"#)).await? {
                    let text = status.text().await?;
                    if text.contains("Import finished") {
                        return Ok(Some(text));
                    }
                }
                Ok(None)
            },
            UI,
            "the import summary",
        )
        .await;
    assert!(
        summary.contains("1 imported, 1 failed") && !summary.contains("already"),
        "the import summary should say one file imported and one failed: {summary:?}"
    );

    // Exactly one recording and one failure, and no first-run panel any more.
    let rows = app.client().find_all(Locator::Css(&row_css)).await.unwrap();
    let errors = app.client().find_all(Locator::Css(&testid("import-error"))).await.unwrap();
    assert_eq!((rows.len(), errors.len()), (1, 1), "one recording listed, one file failed");
    let first_run = app.client().find_all(Locator::Css(&testid("first-run"))).await.unwrap();
    assert!(first_run.is_empty(), "the first-run panel is still shown after the import");
    app.close().await;
}

async fn wait_gone(app: &App, css: &str, what: &str) {
    app.wait_until(
        async |c| Ok(c.find_all(Locator::Css(css)).await?.is_empty().then_some(())),
        UI,
        what,
    )
    .await;
}
