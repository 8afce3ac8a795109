//! Checks of the harness itself, independent of the app: Xvfb's display number, the paced audio
//! capture, and a WebDriver session through tauri-driver on WebKit's own MiniBrowser. When an
//! app test fails and these pass, look at the app.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use gamefilm_e2e::{App, Audio, BYTES_PER_SECOND, Display, Key, Locator, testid};

const UI: Duration = Duration::from_secs(20);

#[test]
fn xvfb_announces_its_own_display_number_and_cleans_up() {
    let (a, b) = (Display::start(), Display::start());
    assert_ne!(a.number(), b.number(), "two servers, two displays");
    let socket = format!("/tmp/.X11-unix/X{}", a.number());
    assert!(Path::new(&socket).exists(), "Xvfb listens on {socket}; log:\n{}", a.log());
    drop(a);
    assert!(!Path::new(&socket).exists(), "SIGTERM lets Xvfb remove {socket}");
}

/// Plays a WAV into the capture with ALSA's own player (`aplay`), or with ffmpeg's ALSA output
/// when alsa-utils is not installed.
fn play_into(audio: &Audio, wav: &Path) {
    let aplay = Command::new("aplay").arg("--version").output().is_ok();
    let mut cmd = if aplay {
        let mut c = Command::new("aplay");
        c.args(["-q", "-D", "default"]).arg(wav);
        c
    } else {
        let mut c = Command::new("ffmpeg");
        c.args(["-nostdin", "-loglevel", "error", "-i"]).arg(wav).args(["-f", "alsa", "default"]);
        c
    };
    for (k, v) in audio.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the player runs");
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn paced_capture_records_what_is_played_at_real_time_rate() {
    let mut audio = Audio::paced();
    let wav = audio.dir().join("tone.wav");
    let sox = Command::new("sox")
        .args(["-n", "-r", "48000", "-c", "2", "-b", "16"])
        .arg(&wav)
        .args(["synth", "2", "sine", "440", "vol", "0.5"])
        .status()
        .expect("sox runs");
    assert!(sox.success());

    let expected = 2 * u64::from(BYTES_PER_SECOND);
    for round in 1..=2u64 {
        let started = Instant::now();
        play_into(&audio, &wav);
        // The writer can only run ahead of the pacer by the FIFO's one page.
        assert!(started.elapsed() >= Duration::from_millis(1500), "2 s of audio were not paced");
        let deadline = Instant::now() + Duration::from_secs(5);
        while audio.captured_bytes() < round * expected && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let captured = audio.captured();
        let want = round * expected;
        assert!(
            captured.bytes.abs_diff(want) <= want / 20,
            "round {round}: captured {} bytes, expected about {want}",
            captured.bytes
        );
        // A 0.5 sine has an RMS of 0.354.
        assert!(captured.is_non_silent(0.01), "silent capture: {captured:?}");
        assert!((captured.rms - 0.354).abs() < 0.03, "unexpected level: {captured:?}");
    }
}

const PAGE: &str = r#"<!doctype html>
<html><body>
<div data-testid="first-run">Harness page</div>
<div data-testid="call-view" data-position-ms="0"></div>
<button data-testid="play-toggle" data-state="paused">Play</button>
<ul data-testid="library-list">
  <li data-testid="recording-row" data-id="1">A call</li>
</ul>
<input data-testid="note-input">
<ul data-testid="notes"></ul>
<script>
  const view = document.querySelector('[data-testid="call-view"]');
  const play = document.querySelector('[data-testid="play-toggle"]');
  const input = document.querySelector('[data-testid="note-input"]');
  let t0 = null;
  play.addEventListener('click', () => {
    play.dataset.state = play.dataset.state === 'playing' ? 'paused' : 'playing';
    t0 = performance.now();
  });
  setInterval(() => {
    if (play.dataset.state === 'playing') view.dataset.positionMs = Math.round(performance.now() - t0);
  }, 30);
  document.querySelector('[data-testid="recording-row"]')
    .addEventListener('dblclick', () => { view.dataset.opened = 'yes'; });
  document.addEventListener('keydown', (e) => {
    if (e.target !== input && e.key === 'p') { e.preventDefault(); input.focus(); }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const li = document.createElement('li');
    li.dataset.testid = 'note-item';
    li.textContent = input.value;
    document.querySelector('[data-testid="notes"]').append(li);
    input.value = '';
    input.blur();
  });
</script>
</body></html>
"#;

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webdriver_session_drives_a_webkit_window_and_stops_cleanly() {
    if !Path::new(MINIBROWSER).exists() {
        eprintln!("skipped: {MINIBROWSER} (package libwebkit2gtk-4.1-0) is not installed");
        return;
    }
    let display = Display::start();
    let audio = Audio::without_device();
    let page = audio.dir().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let url = format!("file://{}", page.display());
    let builder = App::builder(&display, "harness")
        .binary(Path::new(MINIBROWSER))
        // MiniBrowser accepts automation only when asked; a Tauri app reads the environment
        // WebKitWebDriver sets instead.
        .args(&["--automation"])
        .ready_css("body")
        .library(&audio.dir().join("library.sqlite"))
        .pick(std::slice::from_ref(&page))
        .audio(&audio);

    let app = builder.clone().start().await;
    app.client().goto(&url).await.unwrap();
    app.wait_for(&testid("first-run"), UI).await;

    // The environment reached the browser through tauri-driver and WebKitWebDriver.
    let group = app.process_group().unwrap();
    let browser = gamefilm_e2e::live_group_members(group)
        .into_iter()
        .find(|(_, name)| name.starts_with("MiniBrowser"))
        .expect("the browser runs in tauri-driver's process group");
    let environ = std::fs::read(format!("/proc/{}/environ", browser.0)).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    let vars: Vec<&str> = environ.split('\0').collect();
    for (key, value) in [
        ("DISPLAY", display.name()),
        ("GAMEFILM_TEST_PICK", page.display().to_string()),
        ("GAMEFILM_LIBRARY", audio.dir().join("library.sqlite").display().to_string()),
        ("ALSA_CONFIG_PATH", audio.env()[0].1.to_string_lossy().into_owned()),
    ] {
        let want = format!("{key}={value}");
        assert!(vars.contains(&want.as_str()), "the browser's environment lacks {want}");
    }

    // Clicks, waits on attributes, double clicks, keys to the focused element.
    let play = app.by_testid("play-toggle").await;
    app.click(&play, "play-toggle").await;
    let position = app
        .wait_until(
            async |c| {
                let v = c.find(Locator::Css(&testid("call-view"))).await?;
                let ms: i64 =
                    v.attr("data-position-ms").await?.unwrap_or_default().parse().unwrap();
                Ok((ms >= 300).then_some(ms))
            },
            UI,
            "the position to pass 300 ms",
        )
        .await;
    assert!(position >= 300);

    let row = app.by_testid("recording-row").await;
    app.double_click(&row).await;
    app.wait_for(r#"[data-testid="call-view"][data-opened="yes"]"#, UI).await;

    app.click(&play, "play-toggle").await; // the button has the focus now
    app.type_keys("p").await;
    app.wait_until(
        async |c| {
            let active = c.active_element().await?;
            Ok((active.attr("data-testid").await?.as_deref() == Some("note-input")).then_some(()))
        },
        UI,
        "the note input to take the focus",
    )
    .await;
    app.type_keys("Great discovery question").await;
    app.type_keys(&Key::Enter.to_string()).await;
    let note = app.wait_for(&testid("note-item"), UI).await;
    assert_eq!(note.text().await.unwrap(), "Great discovery question");

    let shot = gamefilm_e2e::artifacts_dir().join("harness.png");
    app.screenshot(&shot).await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 1000);

    app.close().await;
    assert_eq!(gamefilm_e2e::live_group_members(group), vec![], "close() leaves nothing behind");

    // Dropping without close() (a failed test) cleans up as well.
    let app = builder.start().await;
    let group = app.process_group().unwrap();
    assert!(!gamefilm_e2e::live_group_members(group).is_empty());
    drop(app);
    assert_eq!(gamefilm_e2e::live_group_members(group), vec![], "drop leaves nothing behind");
}
