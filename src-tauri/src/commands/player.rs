use gamefilm::audio::player::{ChannelMode, Player, PlayerEvent, PlayerInfo, PlayerOptions};
use gamefilm::jobs::Job;
use gamefilm::library::{Library, recordings};
use gamefilm::team;
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::error::AppResult;
use crate::events::ChangeSource;
use crate::state::{LibraryService, PlayerService, blocking};

/// The event a fetch of a call's audio from the team reports its progress with.
pub const TEAM_FETCH: &str = "team-fetch";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeamFetch {
    pub recording_id: i64,
    pub done: u64,
    pub total: u64,
}

/// Opens a call in the player, paused at `from_ms` (and ending at `to_ms`, for a reel's clip;
/// both kept inside the call). Positions (30 Hz while playing), the end and failures arrive on
/// `on_event`. The previous player is closed first: one device stream at a time.
#[tauri::command]
pub async fn player_open(
    lib: State<'_, LibraryService>,
    player: State<'_, PlayerService>,
    recording_id: i64,
    from_ms: i64,
    to_ms: Option<i64>,
    on_event: Channel<PlayerEvent>,
) -> AppResult<PlayerInfo> {
    let (lib, player) = (lib.inner().clone(), player.inner().clone());
    blocking(move || {
        player.set(None)?;
        let (mut rec, scope) = lib.with_as(|l, me| {
            Ok((recordings::get_scoped(l.conn(), me.scope(), recording_id)?, me.scope()))
        })?;
        // A call whose audio only another machine of the team had: fetched on first play.
        let missing = rec.file.as_ref().is_none_or(|f| !f.is_file());
        if missing && lib.with_any(|l| team::status(l, false)).is_ok_and(|s| s.url.is_some()) {
            let mut own = Library::open(lib.path())?;
            let progress = lib.clone();
            team::fetch_audio(&mut own, scope, recording_id, &mut |done, total| {
                progress.emit(TEAM_FETCH, TeamFetch { recording_id, done, total });
            })?;
            lib.changed(ChangeSource::Import);
            rec = lib.with(|l| recordings::get_scoped(l.conn(), scope, recording_id))?;
        }
        let opts = PlayerOptions {
            start_paused: true,
            ..PlayerOptions::within(rec.duration_ms, from_ms, to_ms)
        };
        let events = Job::new(move |e| drop(on_event.send(e)));
        let p = Player::open(rec.audio_file()?, opts, events)?;
        let info = p.info();
        player.set(Some(p))?;
        Ok(info)
    })
    .await
}

#[tauri::command]
pub async fn player_play(player: State<'_, PlayerService>) -> AppResult<()> {
    player.with(|p| p.play())
}

#[tauri::command]
pub async fn player_pause(player: State<'_, PlayerService>) -> AppResult<()> {
    player.with(|p| p.pause())
}

/// Returns once no audio from before the seek can play.
#[tauri::command]
pub async fn player_seek(player: State<'_, PlayerService>, ms: i64) -> AppResult<()> {
    let player = player.inner().clone();
    blocking(move || player.with(|p| p.seek(ms))).await
}

#[tauri::command]
pub async fn player_set_speed(player: State<'_, PlayerService>, speed: f64) -> AppResult<()> {
    player.with(|p| p.set_speed(speed))
}

#[tauri::command]
pub async fn player_set_skip_silence(player: State<'_, PlayerService>, on: bool) -> AppResult<()> {
    player.with(|p| p.set_skip_silence(on))
}

#[tauri::command]
pub async fn player_set_channel(
    player: State<'_, PlayerService>,
    mode: ChannelMode,
) -> AppResult<()> {
    player.with(|p| p.set_channel(mode))
}

#[tauri::command]
pub async fn player_close(player: State<'_, PlayerService>) -> AppResult<()> {
    let player = player.inner().clone();
    blocking(move || player.set(None)).await
}
