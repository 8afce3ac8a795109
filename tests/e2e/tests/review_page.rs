//! The exported review page in a real browser: WebKit's MiniBrowser (the engine the app itself
//! runs on, from the same Debian package), driven through tauri-driver → WebKitWebDriver. The
//! page opens from disk, with nothing but itself; it lists every chapter; and a click on a
//! chapter moves the audio there, which the page shows by marking that chapter as current.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Locator, fixture, gamefilm};

const UI: Duration = Duration::from_secs(20);
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// Waits until exactly chapter `n` (0-based) of `count` is marked current.
async fn wait_for_current(app: &App, n: usize, count: usize) {
    app.wait_until(
        async |c| {
            let items = c.find_all(Locator::Css("ol li")).await?;
            let mut marks = Vec::with_capacity(items.len());
            for li in &items {
                marks.push(li.attr("aria-current").await?.is_some());
            }
            let want: Vec<bool> = (0..count).map(|i| i == n).collect();
            Ok((marks == want).then_some(()))
        },
        UI,
        &format!("chapter {} to be marked current", n + 1),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chapter_clicked_on_the_review_page_moves_the_audio_there() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-page-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    let call = fixture::speech_mp3(dir.path(), "discovery-call", 120);
    gamefilm(&library, &[os("import"), call.as_os_str()]);
    let texts = ["Opened with the customer's goal", "Quantified the cost of a slow ramp"];
    // The first clip lasts a minute, far longer than any wait below: chapter 2 can only become
    // current by the jump, not by playing on into it.
    for (at, text) in [("5s-65s", texts[0]), ("90", texts[1])] {
        let args = ["note", "add", "1", "--at", at, "--kind", "positive", text];
        gamefilm(&library, &args.map(os));
    }
    let out = dir.path().join("reel");
    let args = [os("reel"), os("--since"), os("7d"), os("--format"), os("mp3"), os("--out")];
    gamefilm(&library, &[&args[..], &[out.as_os_str()]].concat());
    let page = out.join("highlight-reel.html"); // named after the default title, as the app names it
    assert!(page.exists(), "the CLI wrote the review page");
    assert!(Path::new(MINIBROWSER).exists(), "WebKit's MiniBrowser (libwebkit2gtk-4.1-0)");

    // The page's audio needs a device to load and seek: the paced ALSA capture, as for the app.
    let audio = Audio::paced();
    let app = App::builder(&display, "review-page")
        .binary(Path::new(MINIBROWSER))
        .args(&["--automation"])
        .audio(&audio)
        .ready_css("body")
        .start()
        .await;
    let url = format!("file://{}", page.display());
    app.client().goto(&url).await.expect("the page opens from disk");
    let items = app
        .wait_until(
            async |c| {
                let items = c.find_all(Locator::Css("ol li")).await?;
                Ok((items.len() == 2).then_some(items))
            },
            UI,
            "the page's two chapters",
        )
        .await;
    for (li, text) in items.iter().zip(texts) {
        let shown = li.text().await.unwrap();
        assert!(shown.contains(text) && shown.contains("discovery-call"), "{shown}");
    }
    // The second chapter starts after the first clip (60 s) and the separator (0.6 s).
    let second = items[1].find(Locator::Css("button")).await.unwrap();
    assert_eq!(second.attr("data-t").await.unwrap().as_deref(), Some("60.600"));
    app.click(&second, "chapter 2").await;
    wait_for_current(&app, 1, 2).await;
    let first = items[0].find(Locator::Css("button")).await.unwrap();
    app.click(&first, "chapter 1").await;
    wait_for_current(&app, 0, 2).await;
    app.close().await;
}
