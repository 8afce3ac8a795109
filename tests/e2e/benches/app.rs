//! The app's figures, in its real window under Xvfb (not a test: nothing is asserted).
//!
//! - start to interactive: from asking tauri-driver for a session (which launches the app) to the
//!   library list on screen, and the webview's own share of it (`performance.now()` then);
//! - opening a 60-minute call until its waveform and its 40 note markers are drawn
//!   (`data-open-ms`, measured inside the page from the double-click's handler);
//! - the library list at 100,000 recordings: frame times while it scrolls (one frame per
//!   `requestAnimationFrame`, 400 px per frame), and while it jumps to random places.
//!
//! `make bench-app` builds the release app and runs this; `GAMEFILM_APP_BIN` picks the binary,
//! `GAMEFILM_CLI_BIN` the `gamefilm` CLI that prepares the libraries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gamefilm_e2e::{App, Audio, Display, fixture, target_dir, testid, workspace_dir};

const RUNS: usize = 5;
const NOTES: usize = 40;
const ROWS: usize = 100_000;

fn cli() -> PathBuf {
    gamefilm_e2e::cli_binary()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(out.status.success(), "{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A library holding one 60-minute call with `NOTES` notes spread over it.
fn call_library(dir: &Path) -> PathBuf {
    let cache = target_dir().join("bench");
    std::fs::create_dir_all(&cache).unwrap();
    let audio = cache.join("app-60min.mp3");
    if !audio.exists() {
        let made = fixture::speech_mp3(dir, "app-60min", 3600);
        std::fs::copy(made, &audio).unwrap();
    }
    let lib = dir.join("call.sqlite");
    let gf = |args: &[&str]| {
        let mut c = Command::new(cli());
        c.arg("--library").arg(&lib).args(args);
        c
    };
    run(gf(&["import"]).arg(&audio), "import the 60-minute call");
    for i in 0..NOTES {
        let at = format!("{}", 30 + i * 3550 / NOTES);
        let kind = if i % 3 == 0 { "improvement" } else { "positive" };
        let text = format!("Moment {i}");
        run(&mut gf(&["note", "add", "1", "--at", &at, "--kind", kind, &text]), "note");
    }
    lib
}

/// A library of `ROWS` generated recordings.
fn big_library(dir: &Path) -> PathBuf {
    let lib = dir.join("big.sqlite");
    run(Command::new(cli()).arg("--library").arg(&lib).arg("list"), "create the library");
    let script = workspace_dir().join("tests/e2e/support/bulk_library.py");
    run(
        Command::new("python3").arg(script).arg(&lib).arg(ROWS.to_string()),
        "generate 100,000 recordings",
    );
    lib
}

fn stats(label: &str, mut v: Vec<f64>, unit: &str) {
    v.sort_by(f64::total_cmp);
    let pick = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<58} median {:>8.1} {unit}  p95 {:>8.1} {unit}  max {:>8.1} {unit}  (n={})",
        pick(0.5),
        pick(0.95),
        pick(1.0),
        v.len()
    );
}

async fn number(app: &App, script: &str) -> f64 {
    let v = app.client().execute(script, vec![]).await.expect("script runs");
    v.as_f64().unwrap_or_else(|| panic!("{script} gave {v}"))
}

/// Frame times (ms) while `step` moves the list once per animation frame, for `frames` frames.
async fn frames(app: &App, step: &str, frames: u32) -> Vec<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const list = document.querySelector('[data-testid=\"library-list\"]');
         const times = []; let last = null; let n = 0;
         function tick(t) {{
           if (last !== null) times.push(t - last);
           last = t;
           if (n++ >= {frames}) {{ done(times); return; }}
           {step}
           requestAnimationFrame(tick);
         }}
         requestAnimationFrame(tick);"
    );
    let v = app.client().execute_async(&script, vec![]).await.expect("scroll script runs");
    v.as_array().expect("an array").iter().filter_map(|x| x.as_f64()).collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks what is here
    }
    let display = Display::start();
    let audio = Audio::without_device();
    let dir = tempfile::tempdir().unwrap();
    println!("preparing: a 60-minute call with {NOTES} notes, and {ROWS} recordings");
    let call = call_library(dir.path());
    let big = big_library(dir.path());

    // Start to interactive.
    let (mut outside, mut inside) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t = Instant::now();
        let app = App::builder(&display, "bench-start").library(&call).audio(&audio).start().await;
        outside.push(t.elapsed().as_secs_f64() * 1000.0);
        inside.push(number(&app, "return performance.now()").await);
        app.close().await;
    }
    stats("start to interactive (session request → list shown)", outside, "ms");
    stats("  of which inside the webview (navigation → list shown)", inside, "ms");

    // Opening the 60-minute call.
    let app = App::builder(&display, "bench-open").library(&call).audio(&audio).start().await;
    let mut open = Vec::new();
    let mut phases: Vec<Vec<f64>> = vec![Vec::new(); 3];
    for _ in 0..RUNS + 2 {
        let row = app.wait_for(&testid("recording-row"), Duration::from_secs(20)).await;
        app.double_click(&row).await;
        let ms = app
            .wait_until(
                async |c| {
                    let v = c.find(fantoccini_locator(&testid("call-view"))).await?;
                    Ok(v.attr("data-open-ms").await?.and_then(|s| s.parse::<f64>().ok()))
                },
                Duration::from_secs(30),
                "data-open-ms on the call view",
            )
            .await;
        let markers = app.client().find_all(fantoccini_locator(&testid("note-marker"))).await;
        assert_eq!(markers.map(|m| m.len()).unwrap_or(0), NOTES, "every note has its marker");
        open.push(ms);
        // Where the time went: open → call read → peaks arrived → first drawn (performance marks).
        let marks = app
            .client()
            .execute(
                "const t = n => performance.getEntriesByName('gamefilm:' + n)[0].startTime;
                 return [t('call') - t('open'), t('peaks') - t('call'), t('drawn') - t('peaks')];",
                vec![],
            )
            .await
            .expect("the marks are there");
        for (i, v) in marks.as_array().expect("three numbers").iter().enumerate() {
            phases[i].push(v.as_f64().unwrap_or(f64::NAN));
        }
        let back = app.by_testid("back-to-library").await;
        app.click(&back, "back").await;
    }
    stats("open a 60-minute call: waveform and 40 markers drawn", open, "ms");
    for (label, v) in
        ["  reading the call (IPC)", "  first peaks (render + IPC)", "  drawing"].iter().zip(phases)
    {
        stats(label, v, "ms");
    }
    app.close().await;

    // Scrolling 100,000 rows.
    let app = App::builder(&display, "bench-scroll").library(&big).audio(&audio).start().await;
    app.wait_for(&testid("recording-row"), Duration::from_secs(20)).await;
    let total = number(
        &app,
        "return document.querySelector('[data-testid=\"library-list\"]').scrollHeight",
    )
    .await;
    println!("library list: {ROWS} rows, {total} px tall");
    // The baseline: the same window animating nothing (what the compositor alone costs here).
    let idle = frames(&app, "", 120).await;
    stats("baseline: idle animation frames in the same window", idle, "ms");
    // And the webview's own cost of scrolling: a plain, static list of 3,000 rows of the same
    // height over the app, scrolled the same way (no virtualisation, nothing fetched).
    let plain = frames(
        &app,
        "if (!window.__plain) {
           const d = document.createElement('div');
           d.style.cssText = 'position:fixed;inset:120px 0 0 0;overflow:auto;background:#15171b;z-index:99;font:14px sans-serif;color:#ddd';
           for (let i = 0; i < 3000; i++) {
             const r = document.createElement('div');
             r.style.cssText = 'height:34px;display:flex;gap:24px;align-items:center;padding:0 16px;border-bottom:1px solid #222';
             r.textContent = '2026-03-14 10:00  Rep ' + (i % 50) + '  Acme call ' + i + '  12:34  3  1  ✓';
             d.appendChild(r);
           }
           document.body.appendChild(d); window.__plain = d;
         }
         window.__plain.scrollTop += 400;",
        200,
    )
    .await;
    app.client().execute("window.__plain.remove(); window.__plain = null;", vec![]).await.unwrap();
    stats("baseline: a plain static list scrolled the same way", plain, "ms");
    let steady = frames(&app, "list.scrollTop += 400;", 300).await;
    let over = steady.iter().filter(|t| **t > 25.0).count();
    stats("scroll 100,000 rows, 400 px per frame: frame time", steady, "ms");
    println!("  frames over 25 ms: {over}");
    let jumps = frames(&app, "list.scrollTop = Math.random() * list.scrollHeight;", 120).await;
    stats("jump to random places in 100,000 rows: frame time", jumps, "ms");
    let rows_shown =
        number(&app, "return document.querySelectorAll('[data-testid=\"recording-row\"]').length")
            .await;
    println!("  rows in the DOM at the end: {rows_shown}");
    app.close().await;
}

fn fantoccini_locator(css: &str) -> gamefilm_e2e::Locator<'_> {
    gamefilm_e2e::Locator::Css(css)
}
