//! Call insights in the real window: a stereo call imported before insights is measured in the
//! background when the app starts (the rep on the left, the customer on the right, each a
//! different espeak-ng dialogue); it shows its figures in the call header and a two-lane speaker
//! strip; a click on the customer's lane seeks there; the list shows the talk
//! ratio and filters by it; the rep's channel switched in the header flips the talk ratio.

use std::process::Command;
use std::time::Duration;

use fantoccini::actions::InputSource;
use gamefilm_e2e::{App, Audio, Display, Locator, artifacts_dir, fixture, gamefilm, testid};

const UI: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stereo_call_shows_its_talk_ratio_and_who_spoke_when() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-insights-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    gamefilm(&library, &["people", "add", "Coach", "--role", "coach"]);
    gamefilm(&library, &["people", "default", "Coach"]);
    // The rep talks for 20 s from the start; the customer for 8 s from 21 s.
    let rep = fixture::speech_mp3(dir.path(), "rep side", 20);
    let customer = fixture::speech_mp3(dir.path(), "customer side", 8);
    let call = dir.path().join("Stereo call.wav");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&rep)
        .arg("-i")
        .arg(&customer)
        .args([
            "-filter_complex",
            "[1:a]adelay=21000,apad=whole_dur=31[c];[0:a]apad=whole_dur=31[r];[r][c]join=inputs=2:channel_layout=stereo",
            "-ar",
            "16000",
        ])
        .arg(&call)
        .status()
        .expect("ffmpeg");
    assert!(status.success());
    // Imported as before insights: the app measures it in the background when it starts.
    gamefilm(&library, &["import", "--no-insights", call.to_str().unwrap()]);
    let stats: serde_json::Value =
        serde_json::from_str(&gamefilm(&library, &["stats", "1", "--json"])).unwrap();
    assert_eq!(stats["analysed"], false, "{stats}");

    let app = App::builder(&display, "insights")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;
    // The list's talk column fills in once the background analysis has measured the call.
    let cell = app
        .wait_until(
            async |c| {
                let e = c.find(Locator::Css(&testid("row-talk"))).await?;
                let text = e.prop("textContent").await?.unwrap_or_default();
                Ok(text.contains('%').then_some(text))
            },
            UI,
            "the talk ratio measured in the background",
        )
        .await;
    let stats: serde_json::Value =
        serde_json::from_str(&gamefilm(&library, &["stats", "1", "--json"])).unwrap();
    let talk = stats["talkRatio"].as_f64().expect("a stereo call has a talk ratio");
    assert!(talk > 0.55, "the rep talks most: {stats}");
    assert_eq!(cell.trim(), format!("{} %", (talk * 100.0).round()), "the list's talk ratio");

    let row = app.wait_for(&testid("recording-row"), UI).await;
    app.double_click(&row).await;
    app.wait_for_call("Stereo call", UI).await;
    app.wait_until(
        async |c| {
            let t = c.find(Locator::Css(&testid("insight-talk"))).await?;
            let text = t.prop("textContent").await?.unwrap_or_default();
            Ok(text.contains(&format!("{} %", (talk * 100.0).round())).then_some(()))
        },
        UI,
        "the talk ratio in the header",
    )
    .await;
    app.wait_for(&testid("speaker-lane-rep"), UI).await;
    let lane = app.wait_for(&testid("speaker-lane-customer"), UI).await;
    app.screenshot(&artifacts_dir().join("insights.png")).await;

    // A click on the customer's lane, three quarters in (about 23 s): the player goes there.
    let width = app
        .client()
        .execute(
            "return document.querySelector('[data-testid=\"speaker-lane-customer\"]').clientWidth",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let click = fantoccini::actions::MouseActions::new("mouse".into())
        .then(fantoccini::actions::PointerAction::MoveToElement {
            element: lane.clone(),
            duration: None,
            x: (width * 0.25).round(),
            y: 0.0,
        })
        .then(fantoccini::actions::PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(fantoccini::actions::PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    app.client().perform_actions(click).await.expect("click the lane");
    app.wait_until(
        async |c| {
            let v = c.find(Locator::Css(&testid("call-view"))).await?;
            let ms: i64 =
                v.attr("data-position-ms").await?.unwrap_or_default().parse().unwrap_or(0);
            Ok((ms > 20_000 && ms < 26_000).then_some(ms))
        },
        UI,
        "the playhead where the customer's lane was clicked",
    )
    .await;

    // The rep on the right for this call: the ratio flips.
    let channel = app.by_testid("insights-rep-channel").await;
    app.select(&channel, "right", "insights-rep-channel").await;
    let flipped = format!("{} %", ((1.0 - talk) * 100.0).round());
    app.wait_until(
        async |c| {
            let t = c.find(Locator::Css(&testid("insight-talk"))).await?;
            Ok(t.prop("textContent").await?.unwrap_or_default().contains(&flipped).then_some(()))
        },
        UI,
        "the talk ratio flipped",
    )
    .await;
    let stats: serde_json::Value =
        serde_json::from_str(&gamefilm(&library, &["stats", "1", "--json"])).unwrap();
    assert_eq!(stats["repChannel"], "right");

    // Back to the library's setting, then the library's setting to the right: flipped again.
    let channel = app.by_testid("insights-rep-channel").await;
    app.select(&channel, "", "insights-rep-channel").await;
    let library_channel = app.by_testid("insights-library-channel").await;
    app.select(&library_channel, "right", "insights-library-channel").await;
    app.wait_until(
        async |c| {
            let t = c.find(Locator::Css(&testid("insight-talk"))).await?;
            Ok(t.prop("textContent").await?.unwrap_or_default().contains(&flipped).then_some(()))
        },
        UI,
        "the talk ratio flipped by the library's setting",
    )
    .await;
    let settings: serde_json::Value =
        serde_json::from_str(&gamefilm(&library, &["settings", "get", "--json"])).unwrap();
    assert_eq!(settings["repChannel"], "right");
    let stats: serde_json::Value =
        serde_json::from_str(&gamefilm(&library, &["stats", "1", "--json"])).unwrap();
    assert_eq!(stats["repChannelOverridden"], false, "{stats}");
    app.close().await;
}
