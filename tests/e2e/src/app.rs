//! The app in a real window, driven through tauri-driver → WebKitWebDriver.
//!
//! tauri-driver runs in a process group of its own; WebKitWebDriver and the app it launches join
//! that group. Stopping goes: end the WebDriver session (WebKitWebDriver closes the app), SIGTERM
//! tauri-driver (it then kills WebKitWebDriver and exits), wait for it, and finally stop anything
//! of that group still alive. SIGKILL on tauri-driver would orphan WebKitWebDriver, which keeps
//! the test's output pipe open; that is also why all three processes write into a log file of
//! their own rather than into the test's stdout and stderr. The log (including the app's stderr)
//! is quoted in failure messages.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::{Audio, Display, process, testid};

/// How long tauri-driver may take to listen on both of its ports.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long creating the session (launching the app and its first WebKit process) may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(90);
/// How long the UI may take to render after the session exists.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// The least time one check of `wait_until` may take, however close the deadline.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How often `wait_until` checks.
const POLL: Duration = Duration::from_millis(100);
/// Longer than GTK's double-click time (400 ms by default); see [`App::double_click`].
const DOUBLE_CLICK_GAP: Duration = Duration::from_millis(600);

/// The first screen of the app, whatever the library holds (or why it could not open).
pub const READY_CSS: &str =
    r#"[data-testid="first-run"], [data-testid="library-list"], [data-testid="fatal-error"]"#;

/// The question a library nobody was introduced to asks first: who is using it.
pub const PERSON_FORM_CSS: &str = r#"[data-testid="person-form"]"#;

/// Numbers failure artifacts so that several failures in one run do not overwrite each other.
static FAILURES: AtomicUsize = AtomicUsize::new(0);

/// How to start the app; cheap to clone, so that a test can start the same app again.
#[derive(Clone)]
pub struct AppBuilder<'d> {
    display: &'d Display,
    name: String,
    binary: Option<PathBuf>,
    args: Vec<String>,
    library: Option<PathBuf>,
    pick: Vec<PathBuf>,
    home: Option<PathBuf>,
    env: Vec<(String, OsString)>,
    ready_css: String,
    person: Option<(String, String)>,
}

impl<'d> AppBuilder<'d> {
    /// The library file (`GAMEFILM_LIBRARY`).
    pub fn library(mut self, path: &Path) -> Self {
        self.library = Some(path.to_path_buf());
        self
    }

    /// What the import dialog "picks" (`GAMEFILM_TEST_PICK`, joined by `:`).
    pub fn pick(mut self, paths: &[PathBuf]) -> Self {
        self.pick = paths.to_vec();
        self
    }

    /// `HOME` for the app (WebKit's storage lives there). A fresh temporary one if not given:
    /// pass the same directory to every start that should look like the same user.
    pub fn home(mut self, path: &Path) -> Self {
        self.home = Some(path.to_path_buf());
        self
    }

    /// The ALSA environment of `audio`.
    pub fn audio(mut self, audio: &Audio) -> Self {
        self.env.extend(audio.env());
        self
    }

    /// One more environment variable for the app.
    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.to_string(), value.into()));
        self
    }

    /// Another binary than the app (the harness's own checks use WebKit's MiniBrowser).
    pub fn binary(mut self, path: &Path) -> Self {
        self.binary = Some(path.to_path_buf());
        self
    }

    /// Arguments for the binary.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Who answers the first run's "who is using this library?" (name, role `coach`|`rep`);
    /// a coach named "Coach" by default. `None` leaves the question on screen.
    pub fn person(mut self, person: Option<(&str, &str)>) -> Self {
        self.person = person.map(|(n, r)| (n.to_string(), r.to_string()));
        self
    }

    /// What shows that the window has rendered; [`READY_CSS`] by default.
    pub fn ready_css(mut self, css: &str) -> Self {
        self.ready_css = css.to_string();
        self
    }

    /// Starts tauri-driver, opens a session (which launches the app) and waits for the UI.
    pub async fn start(self) -> App {
        let binary = match &self.binary {
            Some(b) => b.clone(),
            None => crate::app_binary(),
        };
        let scratch = tempfile::Builder::new()
            .prefix("gamefilm-e2e-app-")
            .tempdir()
            .expect("a temporary directory for the app");
        let home = match &self.home {
            Some(h) => h.clone(),
            None => {
                let h = scratch.path().join("home");
                std::fs::create_dir(&h).expect("create a temporary HOME");
                h
            }
        };
        let log = scratch.path().join("tauri-driver.log");
        let log_file = File::create(&log).expect("create the driver log");
        let (port, native_port) = free_ports();

        let mut cmd = Command::new(tauri_driver());
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file)
            .process_group(0)
            .env("DISPLAY", self.display.name())
            .env("HOME", &home)
            // Everything per-user goes under HOME, and the window is an X11 one.
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_STATE_HOME")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("GAMEFILM_LIBRARY")
            .env_remove("GAMEFILM_TEST_PICK");
        if let Some(library) = &self.library {
            cmd.env("GAMEFILM_LIBRARY", library);
        }
        if !self.pick.is_empty() {
            let joined = std::env::join_paths(&self.pick).expect("picked paths contain no ':'");
            cmd.env("GAMEFILM_TEST_PICK", joined);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let driver = cmd.spawn().unwrap_or_else(|e| panic!("cannot start tauri-driver: {e}"));

        let mut app = App {
            client: None,
            session_id: None,
            driver: Some(driver),
            port,
            name: self.name.clone(),
            log,
            last_click: Mutex::new(Instant::now()),
            _scratch: scratch,
        };
        app.wait_for_driver(&[port, native_port]).await;
        app.connect(&binary, &self.args).await;
        let expect_fatal = self.ready_css == testid("fatal-error");
        let ready = match &self.person {
            Some(_) if !expect_fatal => format!("{}, {PERSON_FORM_CSS}", self.ready_css),
            _ => self.ready_css.clone(),
        };
        app.wait_for_ready(&ready, expect_fatal).await;
        if let Some((name, role)) = self.person.as_ref().filter(|_| !expect_fatal) {
            app.answer_person_form(name, role).await;
            app.wait_for_ready(&self.ready_css, false).await;
        }
        app
    }
}

/// A running app with its WebDriver session.
pub struct App {
    client: Option<Client>,
    session_id: Option<String>,
    driver: Option<Child>,
    port: u16,
    name: String,
    log: PathBuf,
    /// When this harness last clicked; see [`App::double_click`].
    last_click: Mutex<Instant>,
    /// Holds the driver log and, unless given, HOME.
    _scratch: tempfile::TempDir,
}

impl App {
    /// A builder for the app on `display`; `name` labels failure screenshots.
    pub fn builder<'d>(display: &'d Display, name: &str) -> AppBuilder<'d> {
        AppBuilder {
            display,
            name: name.to_string(),
            binary: None,
            args: Vec::new(),
            library: None,
            pick: Vec::new(),
            home: None,
            env: Vec::new(),
            ready_css: READY_CSS.to_string(),
            person: Some(("Coach".to_string(), "coach".to_string())),
        }
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open until close()")
    }

    /// Answers the first run's person form when it is on screen (a library nobody was
    /// introduced to); does nothing otherwise.
    pub async fn answer_person_form(&self, name: &str, role: &str) {
        let shown = self.client().find_all(Locator::Css(PERSON_FORM_CSS)).await.unwrap_or_default();
        if shown.is_empty() {
            return;
        }
        let input = self.by_testid("person-name").await;
        self.click(&input, "person-name").await;
        self.type_keys(name).await;
        let select = self.by_testid("person-role").await;
        self.select(&select, role, "person-role").await;
        let save = self.by_testid("person-save").await;
        self.click(&save, "person-save").await;
    }

    /// The element with `data-testid="id"`, now (see [`App::wait_for`] to wait for it).
    pub async fn by_testid(&self, id: &str) -> Element {
        match self.client().find(Locator::Css(&testid(id))).await {
            Ok(e) => e,
            Err(e) => panic!("{}", self.diagnose(&format!("no element {}: {e}", testid(id))).await),
        }
    }

    /// Waits until an element matches `css`, and returns the first.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        self.wait_until(
            async |c| Ok(c.find_all(Locator::Css(css)).await?.into_iter().next()),
            timeout,
            &format!("an element matching {css}"),
        )
        .await
    }

    /// Waits until `check` returns `Some`, and returns what it returned. `what` completes the
    /// sentence "timed out waiting for …". A missing or stale element counts as "not yet"; any
    /// other WebDriver error fails at once. Failures quote the page, the log, and save a
    /// screenshot.
    pub async fn wait_until<T, F>(&self, mut check: F, timeout: Duration, what: &str) -> T
    where
        F: AsyncFnMut(&Client) -> Result<Option<T>, CmdError>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            // A WebDriver call that never answers must not outlive the wait.
            let patience = deadline.saturating_duration_since(Instant::now()).max(CALL_TIMEOUT);
            let Ok(checked) = tokio::time::timeout(patience, check(self.client())).await else {
                let msg = format!("WebDriver stopped answering while waiting for {what}");
                panic!("{}", self.diagnose(&msg).await);
            };
            let last_error = match checked {
                Ok(Some(value)) => return value,
                Ok(None) => None,
                Err(e) if is_transient(&e) => Some(e),
                Err(e) => {
                    let msg = format!("WebDriver failed while waiting for {what}: {e}");
                    panic!("{}", self.diagnose(&msg).await);
                }
            };
            if Instant::now() >= deadline {
                let last = last_error.map(|e| format!(" (last error: {e})")).unwrap_or_default();
                let msg = format!("timed out after {timeout:?} waiting for {what}{last}");
                panic!("{}", self.diagnose(&msg).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the call view shows the call whose heading is `title`.
    pub async fn wait_for_call(&self, title: &str, timeout: Duration) {
        let css = format!("{} h1", testid("call-view"));
        self.wait_until(
            async |c| {
                let Some(h1) = c.find_all(Locator::Css(&css)).await?.into_iter().next() else {
                    return Ok(None);
                };
                // (textContent: WebKitWebDriver's rendered text is empty for a window that took
                // the focus from another process, as the handed-over one does.)
                let text = h1.prop("textContent").await?.unwrap_or_default();
                Ok((text.trim() == title).then_some(()))
            },
            timeout,
            &format!("the call view of {title:?}"),
        )
        .await;
    }

    /// Saves a WebDriver screenshot of the window as PNG at `path` (parent folders created).
    pub async fn screenshot(&self, path: &Path) {
        let png = match self.client().screenshot().await {
            Ok(png) => png,
            Err(e) => panic!("{}", self.diagnose(&format!("screenshot failed: {e}")).await),
        };
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the screenshot is not a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Sends keys to whatever has the focus (the body when nothing else has), as typing does.
    /// Special keys: `fantoccini::key::Key::Enter.to_string()` and friends.
    pub async fn type_keys(&self, keys: &str) {
        let result = async { self.client().active_element().await?.send_keys(keys).await }.await;
        if let Err(e) = result {
            panic!("{}", self.diagnose(&format!("typing {keys:?} failed: {e}")).await);
        }
    }

    /// A real double click (two presses of the left button) on `element`'s centre.
    ///
    /// WebKit counts clicks like a desktop does: presses within the double-click time (GTK's
    /// default is 400 ms) continue the count, so a double click right after another click would
    /// arrive as a triple and a quadruple click, and no `dblclick` fires. A test is faster than
    /// any hand, so this waits until [`DOUBLE_CLICK_GAP`] has passed since the last click sent
    /// through this harness.
    pub async fn double_click(&self, element: &Element) {
        let since = self.last_click.lock().expect("the click clock is never poisoned").elapsed();
        if since < DOUBLE_CLICK_GAP {
            tokio::time::sleep(DOUBLE_CLICK_GAP - since).await;
        }
        let mouse = MouseActions::new("mouse".to_string())
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        let result = self.client().perform_actions(mouse).await;
        self.clicked();
        if let Err(e) = result {
            panic!("{}", self.diagnose(&format!("double click failed: {e}")).await);
        }
    }

    /// Presses the left button on `element`'s centre, moves the pointer `dx` pixels across in a
    /// few steps (as a hand does), and lets go: a drag.
    pub async fn drag_by(&self, element: &Element, dx: f64) {
        let mut mouse = MouseActions::new("mouse".to_string())
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
        // WebDriver moves by whole pixels.
        const STEPS: i64 = 5;
        let total = dx.round() as i64;
        let mut done = 0;
        for i in 1..=STEPS {
            let to = total * i / STEPS;
            mouse = mouse.then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(30)),
                x: (to - done) as f64,
                y: 0.0,
            });
            done = to;
        }
        let mouse = mouse.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        let result = self.client().perform_actions(mouse).await;
        self.clicked();
        if let Err(e) = result {
            panic!("{}", self.diagnose(&format!("dragging failed: {e}")).await);
        }
    }

    /// Clicks `element`, with a clear failure.
    pub async fn click(&self, element: &Element, what: &str) {
        let result = element.click().await;
        self.clicked();
        if let Err(e) = result {
            panic!("{}", self.diagnose(&format!("clicking {what} failed: {e}")).await);
        }
    }

    /// Chooses the option with `value` in the `<select>` `element` (a click on the option).
    pub async fn select(&self, element: &Element, value: &str, what: &str) {
        let result = element.select_by_value(value).await;
        self.clicked();
        if let Err(e) = result {
            panic!("{}", self.diagnose(&format!("choosing {value:?} in {what} failed: {e}")).await);
        }
    }

    fn clicked(&self) {
        *self.last_click.lock().expect("the click clock is never poisoned") = Instant::now();
    }

    /// The process group of tauri-driver, WebKitWebDriver and the app (tauri-driver's pid).
    pub fn process_group(&self) -> Option<u32> {
        self.driver.as_ref().map(Child::id)
    }

    /// What tauri-driver, WebKitWebDriver and the app wrote so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.log).unwrap_or_default()).into_owned()
    }

    /// Ends the session (which closes the app) and stops tauri-driver with SIGTERM.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            match tokio::time::timeout(Duration::from_secs(30), client.close()).await {
                Ok(Ok(())) => self.session_id = None,
                Ok(Err(e)) => eprintln!("e2e: ending the WebDriver session failed: {e}"),
                Err(_) => eprintln!("e2e: ending the WebDriver session timed out"),
            }
        }
        self.stop();
    }

    /// A failure message: `msg`, then the page's state, a screenshot and the log's tail.
    pub async fn diagnose(&self, msg: &str) -> String {
        let mut out = format!("{msg}\n");
        if let Some(client) = &self.client {
            let short = Duration::from_secs(5);
            match tokio::time::timeout(short, client.execute(PAGE_SUMMARY_JS, vec![])).await {
                Ok(Ok(v)) => out += &format!("--- page ---\n{}\n", v.as_str().unwrap_or("?")),
                Ok(Err(e)) => out += &format!("--- page: unavailable ({e})\n"),
                Err(_) => out += "--- page: unavailable (timed out)\n",
            }
            let n = FAILURES.fetch_add(1, Ordering::Relaxed);
            let path = crate::artifacts_dir().join(format!("failure-{}-{n}.png", self.name));
            if let Ok(Ok(png)) = tokio::time::timeout(short, client.screenshot()).await
                && std::fs::create_dir_all(crate::artifacts_dir()).is_ok()
                && std::fs::write(&path, png).is_ok()
            {
                out += &format!("--- screenshot: {}\n", path.display());
            }
        }
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        let tail = match lines.len() {
            0 => "(empty)".to_string(),
            n => lines[n.saturating_sub(60)..].join("\n"),
        };
        out + "--- log (tauri-driver, WebKitWebDriver, app), last lines ---\n" + &tail
    }

    async fn wait_for_driver(&mut self, ports: &[u16]) {
        let deadline = Instant::now() + DRIVER_TIMEOUT;
        for &port in ports {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
                if let Some(status) = self.driver.as_mut().and_then(|d| d.try_wait().ok().flatten())
                {
                    panic!("tauri-driver exited ({status}) before listening:\n{}", self.log());
                }
                assert!(
                    Instant::now() < deadline,
                    "tauri-driver did not listen on port {port} within {DRIVER_TIMEOUT:?}:\n{}",
                    self.log()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    async fn connect(&mut self, binary: &Path, args: &[String]) {
        let binary = std::path::absolute(binary).expect("an absolute path to the app");
        let mut caps = serde_json::Map::new();
        // All tauri-driver reads (it turns this into `webkitgtk:browserOptions`). No
        // `browserName`: WebKitWebDriver would compare it with what the app reports.
        caps.insert("tauri:options".into(), json!({ "application": binary, "args": args }));
        let url = format!("http://127.0.0.1:{}", self.port);
        let connect = async { ClientBuilder::native().capabilities(caps).connect(&url).await };
        let client = match tokio::time::timeout(SESSION_TIMEOUT, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "WebDriver could not start {}: {e}\n--- log ---\n{}",
                binary.display(),
                self.log()
            ),
            Err(_) => panic!(
                "starting {} through WebDriver took over {SESSION_TIMEOUT:?}; running: {:?}\n\
                 --- log ---\n{}",
                binary.display(),
                self.process_group().map(process::live_group_members).unwrap_or_default(),
                self.log()
            ),
        };
        self.session_id = client.session_id().await.ok().flatten();
        self.client = Some(client);
    }

    async fn wait_for_ready(&self, css: &str, expect_fatal: bool) {
        self.wait_for(css, READY_TIMEOUT).await;
        if expect_fatal {
            return; // the test expects it
        }
        let fatal = self.client().find_all(Locator::Css(&testid("fatal-error"))).await;
        if let Some(fatal) = fatal.ok().and_then(|f| f.into_iter().next()) {
            let text = fatal.text().await.unwrap_or_default();
            panic!("{}", self.diagnose(&format!("the app shows a fatal error: {text}")).await);
        }
    }

    /// Stops tauri-driver (SIGTERM) and whatever it left behind in its process group.
    fn stop(&mut self) {
        if let Some(mut driver) = self.driver.take() {
            let pgid = driver.id();
            process::terminate(&mut driver, "tauri-driver", Duration::from_secs(10));
            process::reap_group(pgid, Duration::from_secs(10));
        }
    }

    /// Ends the session without async (for Drop): a plain HTTP DELETE to tauri-driver.
    fn end_session_blocking(&mut self) {
        let Some(id) = self.session_id.take() else { return };
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let request = format!(
            "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
            self.port
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let mut reply = Vec::new();
            let _ = stream.read_to_end(&mut reply);
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver.is_some() {
            self.end_session_blocking();
            self.client = None;
            self.stop();
        }
    }
}

/// Collects what is on screen: each test id with its `data-*` state, then the visible text.
const PAGE_SUMMARY_JS: &str = r#"
const ids = [];
for (const el of document.querySelectorAll('[data-testid]')) {
  const attrs = [...el.attributes]
    .filter(a => a.name.startsWith('data-') && a.name !== 'data-testid')
    .map(a => `${a.name}=${a.value}`).join(' ');
  ids.push(el.dataset.testid + (attrs ? ` [${attrs}]` : ''));
  if (ids.length >= 80) { ids.push('…'); break; }
}
const text = document.body ? document.body.innerText : '(no body)';
return `test ids: ${ids.join(', ')}\ntext: ${text.slice(0, 2000)}`;
"#;

fn is_transient(e: &CmdError) -> bool {
    e.is_no_such_element() || e.is_stale_element_reference() || e.is_element_not_interactable()
}

/// Two distinct free ports: both listeners stay bound until both are chosen.
fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let ports = (
        a.local_addr().expect("a bound address").port(),
        b.local_addr().expect("a bound address").port(),
    );
    drop((a, b));
    ports
}

/// `TAURI_DRIVER` if set, else `tauri-driver` on PATH, else in cargo's bin folder.
fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tauri-driver")).collect::<Vec<_>>())
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    on_path
        .into_iter()
        .chain(cargo_home.map(|c| c.join("bin/tauri-driver")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("tauri-driver not found: `cargo install tauri-driver --version ^2 --locked`")
        })
}
