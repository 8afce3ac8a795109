//! Long work — an import, a reel render, playback — reports through one type, [`Job`], and is
//! cancelled through one flag, [`CancelFlag`].
//!
//! A job has a sink for its events (a progress bar in the CLI, an IPC channel in the app, a
//! vector in a test) and two ways to send: [`Job::send`] for what must arrive (a failed file,
//! the end, an error) and [`Job::progress`] for what only says how far it got, which is
//! throttled here, in one place, to one event per period (100 ms unless [`Job::every`] says
//! otherwise); the last progress of a job is always delivered ([`Job::progress_final`]).
//!
//! [`Slot`] lets one job of a kind run at a time (one import, one render) and hands out its cancel
//! flag. Everything here is `Send + Sync`: the sink is called from whichever thread reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Coded, ErrorCode};

/// How often progress reaches the sink by default: about ten updates a second.
pub const PROGRESS_PERIOD: Duration = Duration::from_millis(100);

/// A shared "stop" request, checked by the job between units of work.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn reset(&self) {
        self.0.store(false, Ordering::Release);
    }
}

type Sink<E> = Box<dyn Fn(E) + Send + Sync>;

/// One long job's reporting and cancellation.
pub struct Job<E> {
    sink: Option<Sink<E>>,
    cancel: CancelFlag,
    period_ms: u64,
    start: Instant,
    /// Milliseconds after `start` at which the last progress went out, plus one (0: none yet).
    last_progress: AtomicU64,
}

impl<E> Job<E> {
    /// A job whose events go to `sink`.
    pub fn new(sink: impl Fn(E) + Send + Sync + 'static) -> Self {
        Job::with_sink(Some(Box::new(sink)))
    }

    /// A job nobody watches (tests, scripts); it can still be cancelled through its flag.
    pub fn silent() -> Self {
        Job::with_sink(None)
    }

    fn with_sink(sink: Option<Sink<E>>) -> Self {
        Job {
            sink,
            cancel: CancelFlag::default(),
            period_ms: PROGRESS_PERIOD.as_millis() as u64,
            start: Instant::now(),
            last_progress: AtomicU64::new(0),
        }
    }

    /// Cancelled through `flag` (from a [`Slot`], or shared with a Ctrl+C handler).
    pub fn cancelled_by(mut self, flag: CancelFlag) -> Self {
        self.cancel = flag;
        self
    }

    /// Progress at most once per `period` (the player reports its position at 30 Hz);
    /// `Duration::ZERO` lets every progress through (the CLI prints a line per imported file).
    pub fn every(mut self, period: Duration) -> Self {
        self.period_ms = period.as_millis() as u64;
        self
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn cancel_flag(&self) -> &CancelFlag {
        &self.cancel
    }

    /// An event that must arrive.
    pub fn send(&self, event: E) {
        if let Some(sink) = &self.sink {
            sink(event);
        }
    }

    /// How far the job got: made and sent only when a period has passed since the last one.
    pub fn progress(&self, event: impl FnOnce() -> E) {
        if self.sink.is_some() && self.due() {
            self.send(event());
        }
    }

    /// The job's last progress, always sent (so a bar ends full).
    pub fn progress_final(&self, event: E) {
        self.send(event);
    }

    fn due(&self) -> bool {
        if self.period_ms == 0 {
            return true;
        }
        let now = self.start.elapsed().as_millis() as u64 + 1;
        let last = self.last_progress.load(Ordering::Relaxed);
        if last != 0 && now < last + self.period_ms {
            return false;
        }
        // Two threads reporting at once: one of them wins the period.
        self.last_progress.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}

/// Refusal to start a second job of a kind while one runs.
#[derive(Debug, thiserror::Error)]
#[error("{what} is already running: wait for it to finish or cancel it")]
pub struct Busy {
    code: ErrorCode,
    what: &'static str,
}

impl Coded for Busy {
    fn code(&self) -> ErrorCode {
        self.code
    }
}

/// One job of a kind at a time, with its cancel flag.
#[derive(Debug, Clone)]
pub struct Slot {
    busy: Arc<AtomicBool>,
    cancel: CancelFlag,
    code: ErrorCode,
    what: &'static str,
}

impl Slot {
    /// `what` names the job in a refusal ("an import"), with `code`.
    pub fn new(code: ErrorCode, what: &'static str) -> Slot {
        Slot { busy: Arc::default(), cancel: CancelFlag::default(), code, what }
    }

    /// Claims the slot with a fresh (not cancelled) flag; the guard frees it when dropped.
    pub fn start(&self) -> Result<SlotGuard, Busy> {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(Busy { code: self.code, what: self.what });
        }
        self.cancel.reset();
        Ok(SlotGuard { slot: self.clone() })
    }

    /// Asks the running job (if any) to stop.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// The claim on a [`Slot`]; the job holds it until it ends.
pub struct SlotGuard {
    slot: Slot,
}

impl SlotGuard {
    pub fn cancel_flag(&self) -> CancelFlag {
        self.slot.cancel.clone()
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.slot.busy.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn collecting() -> (Job<u32>, Arc<Mutex<Vec<u32>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        (Job::new(move |e| sink.lock().unwrap().push(e)), seen)
    }

    #[test]
    fn progress_is_throttled_but_sends_and_the_final_progress_always_arrive() {
        let (job, seen) = collecting();
        let job = job.every(Duration::from_secs(3600));
        for i in 0..1000 {
            job.progress(|| i);
        }
        job.send(5000);
        job.progress_final(999);
        assert_eq!(*seen.lock().unwrap(), vec![0, 5000, 999]);
    }

    #[test]
    fn progress_resumes_after_a_period() {
        let (job, seen) = collecting();
        let job = job.every(Duration::from_millis(2));
        job.progress(|| 1);
        std::thread::sleep(Duration::from_millis(10));
        job.progress(|| 3);
        assert_eq!(*seen.lock().unwrap(), vec![1, 3]);
    }

    #[test]
    fn a_job_every_zero_lets_all_progress_through() {
        let (job, seen) = collecting();
        let job = job.every(Duration::ZERO);
        for i in 0..100 {
            job.progress(|| i);
        }
        assert_eq!(*seen.lock().unwrap(), (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_slot_refuses_a_second_job_until_the_first_ends_and_starts_uncancelled() {
        let slot = Slot::new(ErrorCode::ImportBusy, "an import");
        let first = slot.start().unwrap();
        slot.cancel();
        assert!(first.cancel_flag().is_cancelled());
        let busy = slot.start().err().unwrap();
        assert_eq!(busy.code(), ErrorCode::ImportBusy);
        assert!(busy.to_string().starts_with("an import is already running"));
        drop(first);
        let second = slot.start().unwrap();
        assert!(!second.cancel_flag().is_cancelled());
    }

    #[test]
    fn a_silent_job_can_still_be_cancelled() {
        let flag = CancelFlag::default();
        let job: Job<u32> = Job::silent().cancelled_by(flag.clone());
        job.progress(|| unreachable!("nobody watches, nothing is made"));
        flag.cancel();
        assert!(job.is_cancelled());
    }
}
