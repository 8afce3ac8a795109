//! Call insights: a call's figures and its speaker strip, which channel is the rep, and the
//! background analysis of calls imported before insights (at start, with progress, cancellable,
//! resumed at the next start: each call is written on its own).

use std::sync::{Arc, Mutex, PoisonError};

use gamefilm::import::{self, VoiceProgress};
use gamefilm::jobs::{CancelFlag, Job};
use gamefilm::library::Library;
use gamefilm::library::insights::{self, CallSpeech, RepChannel, Stats};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::AppResult;
use crate::events::ChangeSource;
use crate::state::LibraryService;

/// The Tauri event (payload [`AnalysisStatus`]) sent as the background analysis goes.
pub const ANALYSIS_PROGRESS: &str = "analysis-progress";

/// How far the background analysis of older calls is.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnalysisStatus {
    pub running: bool,
    pub done: u32,
    pub total: u32,
    /// It was stopped by the user (it goes on at the next start, or with Resume).
    pub cancelled: bool,
}

/// The one background analysis.
#[derive(Clone, Default)]
pub struct AnalysisService {
    status: Arc<Mutex<AnalysisStatus>>,
    cancel: Arc<Mutex<Option<CancelFlag>>>,
}

impl AnalysisService {
    pub fn status(&self) -> AnalysisStatus {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set(&self, library: &LibraryService, f: impl FnOnce(&mut AnalysisStatus)) {
        let now = {
            let mut st = self.status.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut st);
            st.clone()
        };
        library.emit(ANALYSIS_PROGRESS, now);
    }

    /// Measures the calls imported before insights, on a connection of its own, unless it runs.
    pub fn start(&self, library: LibraryService) {
        let flag = {
            let mut cancel = self.cancel.lock().unwrap_or_else(PoisonError::into_inner);
            if cancel.is_some() {
                return;
            }
            let flag = CancelFlag::default();
            *cancel = Some(flag.clone());
            flag
        };
        let me = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            me.set(&library, |s| *s = AnalysisStatus { running: true, ..Default::default() });
            let job = {
                let (me, library) = (me.clone(), library.clone());
                Job::new(move |p: VoiceProgress| {
                    me.set(&library, |s| {
                        s.done = p.done as u32;
                        s.total = p.total as u32;
                    })
                })
                .cancelled_by(flag.clone())
            };
            let result =
                Library::open(library.path()).map_err(|e| e.to_string()).and_then(|mut own| {
                    import::analyse_voice(&mut own, &job).map_err(|e| e.to_string())
                });
            match &result {
                Ok(r) => {
                    for f in &r.failed {
                        eprintln!("gamefilm: call {} has no insights: {}", f.id, f.message);
                    }
                    if r.refined > 0 {
                        library.changed(ChangeSource::Recordings);
                    }
                }
                Err(e) => eprintln!("gamefilm: the insights of older calls: {e}"),
            }
            let cancelled = flag.is_cancelled();
            *me.cancel.lock().unwrap_or_else(PoisonError::into_inner) = None;
            me.set(&library, |s| {
                s.running = false;
                s.cancelled = cancelled;
            });
        });
    }

    fn stop(&self) {
        if let Some(flag) = self.cancel.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            flag.cancel();
        }
    }
}

#[tauri::command]
pub async fn analysis_status(analysis: State<'_, AnalysisService>) -> AppResult<AnalysisStatus> {
    Ok(analysis.status())
}

/// Stops the background analysis after the calls in hand (it resumes at the next start).
#[tauri::command]
pub async fn analysis_cancel(analysis: State<'_, AnalysisService>) -> AppResult<()> {
    analysis.stop();
    Ok(())
}

#[tauri::command]
pub async fn analysis_resume(
    lib: State<'_, LibraryService>,
    analysis: State<'_, AnalysisService>,
) -> AppResult<()> {
    analysis.start(lib.inner().clone());
    Ok(())
}

/// A call's figures.
#[tauri::command]
pub async fn insights_stats(lib: State<'_, LibraryService>, id: i64) -> AppResult<Stats> {
    lib.run_as(move |l, me| insights::stats(l.conn(), me.scope(), id)).await
}

/// Who spoke when on a call: the speaker strip.
#[tauri::command]
pub async fn insights_speech(lib: State<'_, LibraryService>, id: i64) -> AppResult<CallSpeech> {
    lib.run_as(move |l, me| insights::speech(l.conn(), me.scope(), id)).await
}

#[tauri::command]
pub async fn insights_rep_channel_get(lib: State<'_, LibraryService>) -> AppResult<RepChannel> {
    lib.run(|l| insights::library_rep_channel(l.conn())).await
}

/// Which channel is the rep on this library's stereo calls (a call's own choice wins).
#[tauri::command]
pub async fn insights_rep_channel_set(
    lib: State<'_, LibraryService>,
    channel: RepChannel,
) -> AppResult<RepChannel> {
    lib.write_as(ChangeSource::Recordings, move |l, me| {
        me.require_coach("the rep channel")?;
        insights::set_library_rep_channel(l, channel)?;
        insights::library_rep_channel(l.conn())
    })
    .await
}
