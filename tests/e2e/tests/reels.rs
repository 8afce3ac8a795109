//! Highlight reels in the real window: a reel made from the week's positive notes (the
//! improvement note stays out), previewed with the app's player, exported as MP3 with its review
//! page, and the exported audio checked by ffprobe; then deleted from the list and brought back,
//! once with the toast's Undo and once with Ctrl+Z. Removing a clip is undone too.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Key, Locator, fixture, gamefilm, testid};

const UI: Duration = Duration::from_secs(20);
const RENDER: Duration = Duration::from_secs(120);

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn ffprobe_seconds(path: &Path) -> f64 {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(out.status.success(), "ffprobe refused {}", path.display());
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a duration")
}

/// Waits until the reels list shows `n` reels.
async fn wait_for_reels(app: &App, n: usize) {
    let want = n.to_string();
    app.wait_until(
        async |c| {
            let list = c.find(Locator::Css(&testid("reels-list"))).await?;
            Ok((list.attr("data-count").await?.as_deref() == Some(&*want)).then_some(()))
        },
        UI,
        &format!("{n} reel(s) in the list"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reel_of_the_weeks_positives_is_previewed_and_exported_as_mp3() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-reel-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    let call = fixture::speech_mp3(dir.path(), "pricing-call", 40);
    gamefilm(&library, &[os("import"), call.as_os_str()]);
    // A point note (plays 5 s before to 10 s after: 15 s) and an improvement that must stay out.
    gamefilm(
        &library,
        &[
            os("note"),
            os("add"),
            os("1"),
            os("--at"),
            os("20"),
            os("--kind"),
            os("positive"),
            os("Great pricing question"),
        ],
    );
    gamefilm(
        &library,
        &[
            os("note"),
            os("add"),
            os("1"),
            os("--at"),
            os("30"),
            os("--kind"),
            os("improvement"),
            os("Talked over the prospect"),
        ],
    );
    let export = dir.path().join("export");
    std::fs::create_dir(&export).unwrap();

    // Kept alive for the whole test: it owns the capture FIFO and the ALSA configuration.
    let audio = Audio::paced();
    let app = App::builder(&display, "reels")
        .library(&library)
        .audio(&audio)
        .env("GAMEFILM_TEST_EXPORT_DIR", export.as_os_str())
        .start()
        .await;
    let nav = app.by_testid("nav-reels").await;
    app.click(&nav, "nav-reels").await;
    let new = app.wait_for(&testid("reel-new"), UI).await;
    app.click(&new, "reel-new").await;
    app.wait_for(&testid("reel-new-form"), UI).await;
    let create = app.by_testid("reel-new-create").await;
    app.click(&create, "reel-new-create").await;
    app.wait_for(&testid("reel-editor"), UI).await;
    let clips = app
        .wait_until(
            async |c| {
                let clips = c.find_all(Locator::Css(&testid("reel-clip"))).await?;
                Ok((!clips.is_empty()).then_some(clips))
            },
            UI,
            "the reel's clips",
        )
        .await;
    assert_eq!(clips.len(), 1, "one positive note this week; the improvement stays out");
    assert_eq!(clips[0].attr("data-kind").await.unwrap().as_deref(), Some("positive"));
    assert!(clips[0].text().await.unwrap().contains("Great pricing question"));

    // Preview: the clip plays through the app's player and the row says so.
    let preview = app.by_testid("reel-preview").await;
    app.click(&preview, "reel-preview").await;
    app.wait_until(
        async |c| {
            let clip = c.find(Locator::Css(&testid("reel-clip"))).await?;
            Ok(clip.attr("data-playing").await?.filter(|v| v == "true").map(|_| ()))
        },
        UI,
        "the clip to be marked as playing",
    )
    .await;
    if let Ok(stop) = app.client().find(Locator::Css(&testid("reel-preview-stop"))).await {
        app.click(&stop, "reel-preview-stop").await;
    }

    // Removing the clip can be undone in one step (reels_restore_clip): the toast's Undo puts
    // it back, note and all.
    let remove = app.by_testid("clip-remove").await;
    app.click(&remove, "clip-remove").await;
    app.wait_until(
        async |c| {
            let clips = c.find_all(Locator::Css(&testid("reel-clip"))).await?;
            Ok(clips.is_empty().then_some(()))
        },
        UI,
        "the clip to be removed",
    )
    .await;
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    let back = app
        .wait_until(
            async |c| {
                let clips = c.find_all(Locator::Css(&testid("reel-clip"))).await?;
                Ok(clips.into_iter().next())
            },
            UI,
            "the clip to be back",
        )
        .await;
    assert!(back.text().await.unwrap().contains("Great pricing question"));

    // Export as MP3 (the default) into the test folder.
    let open = app.by_testid("reel-export").await;
    app.click(&open, "reel-export").await;
    app.wait_for(&testid("reel-export-dialog"), UI).await;
    let folder = app.by_testid("reel-folder").await;
    app.click(&folder, "reel-folder").await;
    app.wait_until(
        async |c| {
            // The path is shown shortened to fit; its title holds it whole.
            let Some(p) = c.find_all(Locator::Css(&testid("reel-folder-path"))).await?.pop() else {
                return Ok(None);
            };
            Ok((p.attr("title").await?.as_deref() == Some(&*export.display().to_string()))
                .then_some(()))
        },
        UI,
        "the chosen folder in the export dialog",
    )
    .await;
    let go = app.by_testid("reel-export-start").await;
    app.click(&go, "reel-export-start").await;
    app.wait_for(&testid("reel-export-done"), RENDER).await;

    // Deleting the reel asks nothing and can be undone: the toast's button, then Ctrl+Z. The
    // list after each undo is the library's own (it is read again).
    let close = app.by_testid("reel-export-close").await;
    app.click(&close, "reel-export-close").await;
    let back = app.wait_for(&testid("back-to-reels"), UI).await;
    app.click(&back, "back-to-reels").await;
    wait_for_reels(&app, 1).await;
    let delete = app.wait_for(&testid("reel-delete"), UI).await;
    app.click(&delete, "reel-delete").await;
    wait_for_reels(&app, 0).await;
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    wait_for_reels(&app, 1).await;
    let delete = app.wait_for(&testid("reel-delete"), UI).await;
    app.click(&delete, "reel-delete").await;
    wait_for_reels(&app, 0).await;
    app.type_keys(&format!("{}z{}", Key::Control, Key::Control)).await;
    wait_for_reels(&app, 1).await;
    app.close().await;

    let written: Vec<_> = std::fs::read_dir(&export).unwrap().flatten().map(|e| e.path()).collect();
    let mp3 = written.iter().find(|p| p.extension() == Some(os("mp3"))).expect("an MP3");
    for ext in ["html", "vtt", "json"] {
        assert!(written.iter().any(|p| p.extension() == Some(os(ext))), "no .{ext} in {written:?}");
    }
    assert!(
        written.iter().all(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.')),
        "no temporary file is left behind: {written:?}"
    );
    let seconds = ffprobe_seconds(mp3);
    assert!((seconds - 15.0).abs() < 0.05, "one 15 s clip, no separator: {seconds} s");
}
