//! Files dragged onto the app's window from another X client, as a file manager drags them.
//!
//! `support/xdnd_drop.py` (python-xlib, run by `/usr/bin/python3`, which Debian's
//! `python3-xlib` installs for) speaks XDND version 5 to the window named "Gamefilm" on the
//! test's display: it owns `XdndSelection`, enters, moves to the centre of the window and waits
//! until the window accepts, answering GDK's request for `text/uri-list` on the way. It then
//! holds the drag over the window until [`FileDrag::drop_files`] tells it to drop, and waits for
//! `XdndFinished` (or until [`FileDrag::leave`] takes it away). Its stderr (every message sent
//! and received) is quoted in failures.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::Display;

/// The interpreter that has python-xlib (a pyenv `python3` on PATH may not).
const PYTHON: &str = "/usr/bin/python3";
/// How long each step of the drag may take: finding the window, the window's acceptance (GDK
/// fetches the data first), and `XdndFinished` after the drop. The program's own limit is this.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// A drag hovering over the window, accepted by it; dropped by [`FileDrag::drop_files`], or
/// taken away by [`FileDrag::leave`] and then ended by [`FileDrag::end`]. Dropped as a value, it
/// kills the program (the window then sees the drag's source vanish).
pub struct FileDrag {
    child: Child,
    /// Closed by [`FileDrag::end`].
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    /// What the window agreed to do (`XdndActionCopy`).
    action: String,
    /// Whether [`FileDrag::leave`] took the drag away.
    left: bool,
    log: tempfile::NamedTempFile,
}

impl FileDrag {
    /// Starts dragging `paths` onto the window titled "Gamefilm" on `display`, and returns once
    /// the window has accepted the drag (it then shows that it would take the files).
    pub async fn hover(display: &Display, paths: &[PathBuf]) -> FileDrag {
        let log = tempfile::Builder::new()
            .prefix("gamefilm-e2e-xdnd-")
            .suffix(".log")
            .tempfile()
            .expect("a temporary file for the drag's log");
        let stderr = log.reopen().expect("reopen the drag's log for writing");
        let mut child = Command::new(PYTHON)
            .arg(script())
            .arg("--display")
            .arg(display.name())
            .args(["--name", "Gamefilm", "--hold", "-v", "--timeout"])
            .arg(STEP_TIMEOUT.as_secs().to_string())
            .arg("--")
            .args(paths)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {PYTHON}: {e}"));
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let mut drag =
            FileDrag { child, stdin: Some(stdin), stdout, action: String::new(), left: false, log };
        drag.action = drag.expect_line("hovering").await;
        drag
    }

    /// The action the window accepted the drag with.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// Drops the files and waits until the window says it has taken them (`XdndFinished`,
    /// accepted). Returns the action it performed.
    pub async fn drop_files(mut self) -> String {
        assert!(!self.left, "a drag that has left cannot drop");
        self.tell("drop").await;
        let action = self.expect_line("dropped").await;
        self.wait_for_exit("the drop").await;
        action
    }

    /// Takes the drag away without dropping (`XdndLeave`), as when the pointer moves off the
    /// window and the button is released elsewhere. The source stays (as a file manager does)
    /// until [`FileDrag::end`]: GTK 3 loses an `XdndLeave` whose source window is already gone.
    pub async fn leave(&mut self) {
        assert!(!self.left, "the drag has already left");
        self.tell("leave").await;
        let said = tokio::time::timeout(STEP_TIMEOUT, self.stdout.next_line()).await;
        if !matches!(&said, Ok(Ok(Some(line))) if line == "left") {
            panic!("the drag did not report leaving ({said:?}):\n{}", self.failure().await);
        }
        self.left = true;
    }

    /// Ends the program after [`FileDrag::leave`] (its stdin closes; it exits by itself).
    pub async fn end(mut self) {
        assert!(self.left, "end() is for a drag that has left; drop_files() ends a drop");
        self.stdin = None;
        self.wait_for_exit("the end of the drag").await;
    }

    /// What the program logged: every XDND message and selection request.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(self.log.path()).unwrap_or_default()).into_owned()
    }

    async fn tell(&mut self, what: &str) {
        let stdin = self.stdin.as_mut().expect("stdin stays open until end()");
        if let Err(e) = stdin.write_all(format!("{what}\n").as_bytes()).await {
            panic!("cannot tell the drag to {what} ({e}):\n{}", self.failure().await);
        }
    }

    async fn wait_for_exit(&mut self, after: &str) {
        match tokio::time::timeout(STEP_TIMEOUT, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => {}
            _ => panic!("the drag did not end cleanly after {after}:\n{}", self.failure().await),
        }
    }

    /// Waits for the line `<word> <action>` and returns the action.
    async fn expect_line(&mut self, word: &str) -> String {
        // The program gives up after STEP_TIMEOUT itself; this only guards against a hang.
        let read = tokio::time::timeout(STEP_TIMEOUT * 2, self.stdout.next_line()).await;
        if let Ok(Ok(Some(line))) = &read
            && let Some(action) = line.strip_prefix(word).and_then(|r| r.strip_prefix(' '))
        {
            return action.to_string();
        }
        let got = match read {
            Ok(Ok(Some(line))) => format!("it printed {line:?}"),
            Ok(Ok(None)) => "it printed nothing".to_string(),
            Ok(Err(e)) => format!("its output could not be read: {e}"),
            Err(_) => format!("it printed nothing within {:?}", STEP_TIMEOUT * 2),
        };
        panic!("the XDND drag did not report {word:?}: {got}\n{}", self.failure().await)
    }

    /// How the program ended (stopping it if it has not), with its log.
    async fn failure(&mut self) -> String {
        let status = match tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await {
            Ok(Ok(status)) => status.to_string(),
            _ => {
                let _ = self.child.kill().await;
                "still running (killed)".to_string()
            }
        };
        let mut out = format!("support/xdnd_drop.py: {status}\n--- its log ---\n{}", self.log());
        if out.contains("No module named 'Xlib'") {
            out += "\n(python-xlib is missing: scripts/install-deps.sh installs python3-xlib)";
        }
        out
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("support/xdnd_drop.py")
}
