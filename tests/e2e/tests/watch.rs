//! Watch folders in the real window: on a new library the first screen offers to watch a folder;
//! once it is chosen, a recording written into it appears in the list without a click, and the
//! toolbar says how many arrived. The folder is watched again after a restart.

use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Locator, fixture, testid};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// The settle window (2 s) plus an import, with room.
const ARRIVAL: Duration = Duration::from_secs(30);

async fn rows(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    for r in app.client().find_all(Locator::Css(&testid("recording-row"))).await.unwrap_or_default()
    {
        out.push(r.prop("textContent").await.ok().flatten().unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_written_into_a_watched_folder_appears_in_the_list() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-watch-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    let watched = dir.path().join("recorder");
    std::fs::create_dir(&watched).unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir(&staging).unwrap();
    let builder = App::builder(&display, "watch")
        .library(&library)
        .audio(&Audio::without_device())
        .pick(std::slice::from_ref(&watched));
    let app = builder.clone().start().await;
    let first = app.wait_for(&testid("watch-folders-first"), UI).await;
    app.click(&first, "watch-folders-first").await;
    let add = app.wait_for(&testid("watch-add"), UI).await;
    app.click(&add, "watch-add").await;
    let folder = app.wait_for(&testid("watch-folder"), UI).await;
    let shown = folder.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(shown.contains("recorder"), "{shown}");
    let done =
        app.by_testid("watch-dialog").await.find(Locator::Css("button.primary")).await.unwrap();
    app.click(&done, "Done").await;

    // A recorder finishes a call: written elsewhere, moved in (as most recorders do).
    let call = fixture::speech_mp3(&staging, "Acme renewal", 6);
    std::fs::rename(&call, watched.join("Acme renewal.mp3")).unwrap();
    let listed = app
        .wait_until(
            async |_| {
                let r = rows(&app).await;
                Ok((r.len() == 1).then_some(r))
            },
            ARRIVAL,
            "the recording in the list, without a click",
        )
        .await;
    assert!(listed[0].contains("Acme renewal"), "{listed:?}");
    let arrived = app.wait_for(&testid("watch-arrived"), UI).await;
    assert_eq!(arrived.prop("textContent").await.unwrap().as_deref(), Some("1"));
    app.close().await;

    // Watched again after a restart: a call written while the app was closed is found.
    let later = fixture::speech_mp3(&staging, "Bolt intro", 7);
    std::fs::rename(&later, watched.join("Bolt intro.mp3")).unwrap();
    let app = builder.start().await;
    app.wait_until(
        async |_| Ok((rows(&app).await.len() == 2).then_some(())),
        ARRIVAL,
        "the call written while the app was closed",
    )
    .await;
    app.close().await;
}
