//! The sync worker: keeps a joined library in step with its team while the app runs. It holds
//! its own library connection and two server connections (one LISTENs for `gamefilm_team`, one
//! syncs), runs a round at start, whenever the server announces a change or the app pokes it
//! (a local change), and every minute; a lost server is retried with a growing pause (1 s to
//! 30 s), and the outbox waits meanwhile.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;

use super::{Result, SyncReport, URL, get, reconnect, record, round};
use crate::library::Library;

enum Signal {
    Poke,
    Stop,
}

/// A running sync worker; stopped (between rounds) when dropped.
pub struct Worker {
    tx: Sender<Signal>,
    thread: Option<JoinHandle<()>>,
}

/// The longest wait between rounds when nothing happens, and between retries.
const IDLE: Duration = Duration::from_secs(60);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl Worker {
    /// Starts the worker on the library at `path`; `on_round` hears how each round ended.
    pub fn start(
        path: PathBuf,
        on_round: impl FnMut(&Result<SyncReport>) + Send + 'static,
    ) -> Worker {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("gamefilm-team".into())
            .spawn(move || run(path, rx, on_round))
            .ok();
        Worker { tx, thread }
    }

    /// Asks for a round now (something changed here).
    pub fn poke(&self) {
        let _ = self.tx.send(Signal::Poke);
    }

    /// Stops after the round in hand.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        let _ = self.tx.send(Signal::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.halt();
    }
}

/// What a wait ended with.
#[derive(PartialEq)]
enum Woke {
    Work,
    Stop,
    Lost,
}

fn run(path: PathBuf, rx: Receiver<Signal>, mut on_round: impl FnMut(&Result<SyncReport>)) {
    let mut lib = match Library::open(&path) {
        Ok(l) => l,
        Err(e) => return on_round(&Err(e.into())),
    };
    let mut backoff = Duration::from_secs(1);
    loop {
        if get(lib.conn(), URL).ok().flatten().is_none() {
            // Not joined (or left): wait to be told.
            match rx.recv_timeout(Duration::from_secs(5)) {
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                _ => continue,
            }
        }
        let clients = reconnect(&lib).and_then(|mut listen| {
            listen.batch_execute("LISTEN gamefilm_team")?;
            Ok((listen, reconnect(&lib)?))
        });
        let (mut listen, mut work) = match clients {
            Ok(c) => c,
            Err(e) => {
                let failed = Err(e);
                let _ = record(&mut lib, &failed);
                on_round(&failed);
                match rx.recv_timeout(backoff) {
                    Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    _ => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_secs(1);
        loop {
            let result = round(&mut lib, &mut work);
            let _ = record(&mut lib, &result);
            on_round(&result);
            if result.is_err() {
                break;
            }
            match wait(&rx, &mut listen) {
                Woke::Work => {}
                Woke::Stop => return,
                Woke::Lost => break,
            }
        }
    }
}

/// Until the server announces a change, the app pokes, or a minute passed.
fn wait(rx: &Receiver<Signal>, listen: &mut postgres::Client) -> Woke {
    let until = Instant::now() + IDLE;
    while Instant::now() < until {
        match rx.try_recv() {
            Ok(Signal::Stop) | Err(TryRecvError::Disconnected) => return Woke::Stop,
            Ok(Signal::Poke) => return Woke::Work,
            Err(TryRecvError::Empty) => {}
        }
        {
            let mut notes = listen.notifications();
            let first = notes.timeout_iter(Duration::from_millis(200)).next();
            match first {
                Ok(Some(_)) => {
                    // Several changes announced at once make one round: the others already
                    // here are taken without waiting.
                    let mut more = notes.iter();
                    while let Ok(Some(_)) = more.next() {}
                    return Woke::Work;
                }
                Ok(None) => {}
                Err(_) => return Woke::Lost,
            }
        }
        if listen.is_closed() {
            return Woke::Lost;
        }
    }
    Woke::Work
}
