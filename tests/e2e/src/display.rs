//! A private X server for one test.
//!
//! Xvfb picks a free display number itself and writes it to the file descriptor given by
//! `-displayfd` (here its stdout) once it accepts connections, so parallel tests never race for a
//! number and nothing has to poll for readiness.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::process;

/// How long Xvfb may take to announce its display.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `Xvfb -screen 0 1280x800x24`; stopped (SIGTERM) when dropped.
pub struct Display {
    child: Child,
    number: u32,
    /// Held open so that Xvfb never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
    /// Xvfb's stderr (mostly harmless warnings), for failure messages.
    log: tempfile::NamedTempFile,
}

impl Display {
    /// Starts Xvfb and waits until it has announced its display number.
    pub fn start() -> Display {
        let log = tempfile::Builder::new()
            .prefix("gamefilm-e2e-xvfb-")
            .suffix(".log")
            .tempfile()
            .expect("a temporary file for Xvfb's log");
        let stderr = log.reopen().expect("reopen Xvfb's log for writing");
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Xvfb ({e}); install the `xvfb` package"));
        let mut stdout = BufReader::new(child.stdout.take().expect("Xvfb's stdout is piped"));

        // Read the number on a thread, so that an Xvfb that hangs fails the test instead.
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut line = String::new();
            let read = stdout.read_line(&mut line);
            let _ = tx.send(read.map(|_| line));
            stdout
        });
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => panic!("reading Xvfb's display number failed: {e}"),
            Err(_) => {
                process::terminate(&mut child, "Xvfb", Duration::from_secs(5));
                panic!(
                    "Xvfb announced no display within {START_TIMEOUT:?}; its log:\n{}",
                    read_log(log.path())
                );
            }
        };
        let stdout = reader.join().expect("the display-number reader does not panic");
        let number = match line.trim().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                process::terminate(&mut child, "Xvfb", Duration::from_secs(5));
                panic!(
                    "Xvfb wrote {line:?} instead of a display number; its log:\n{}",
                    read_log(log.path())
                );
            }
        };
        Display { child, number, _stdout: stdout, log }
    }

    /// The display number Xvfb chose.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The value for `DISPLAY`, such as `:3`.
    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }

    /// Xvfb's stderr so far.
    pub fn log(&self) -> String {
        read_log(self.log.path())
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // SIGTERM lets Xvfb remove its lock file and socket.
        process::terminate(&mut self.child, "Xvfb", Duration::from_secs(5));
    }
}

fn read_log(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}
