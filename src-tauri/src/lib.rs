//! Gamefilm's window: a thin Tauri 2 shell over the `gamefilm` core. It registers three
//! services (library, player, jobs) and the commands in [`commands`]; everything else is the
//! core's. Types crossing IPC are the core's own (plus the [`events`] the shell sends), derive
//! `ts_rs::TS` and are generated into `ui/src/api/bindings/`.

pub mod commands;
pub mod error;
pub mod events;
pub mod launch;
pub mod state;

use launch::{Launch, PendingOpens};
use state::{Jobs, LibraryService, PlayerService, WatchService};

pub fn run() {
    use commands::{coaching, import, insights, library, notes, packs, player, reels, team};
    let launch = Launch::current();
    let library = LibraryService::open(launch.library);
    let context = tauri::generate_context!();
    let instance = launch::instance_id(&context.config().identifier, library.path());
    let result = tauri::Builder::default()
        // First: a second launch on the same library hands over its files and exits here.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(launch::second_launch)
                .build(),
        )
        .setup({
            let library = library.clone();
            move |app| {
                library.attach(app.handle().clone());
                if library.with(|_| Ok(())).is_ok() {
                    packs::refine_in_background(library.clone());
                    // Notes of calls whose rep changed before the last quit, under the new rep.
                    library.refresh_search();
                    // A library joined to a team keeps in step with it while the app runs.
                    library.start_team();
                    // Calls imported before insights are measured now, in the background.
                    tauri::Manager::state::<insights::AnalysisService>(app).start(library.clone());
                    // The library's watch folders are watched while the app runs.
                    let folders = library
                        .with(|l| gamefilm::library::settings::watch_folders(l.conn()))
                        .unwrap_or_default();
                    tauri::Manager::state::<WatchService>(app).restart(library.clone(), folders);
                }
                Ok(())
            }
        })
        .manage(library)
        .manage(PendingOpens::new(&launch.files))
        .manage(PlayerService::default())
        .manage(Jobs::default())
        .manage(WatchService::default())
        .manage(insights::AnalysisService::default())
        .invoke_handler(tauri::generate_handler![
            library::library_info,
            library::recordings_list,
            library::recordings_get,
            library::recordings_waveform,
            library::reps_list,
            notes::notes_create,
            notes::notes_update,
            notes::notes_delete,
            notes::notes_restore,
            notes::notes_mark_seen,
            notes::replies_create,
            coaching::people_list,
            coaching::people_current,
            coaching::people_introduce,
            coaching::people_switch,
            coaching::focus_list,
            coaching::focus_add,
            coaching::reviews_mark,
            coaching::reviews_withdraw,
            coaching::assessments_save,
            coaching::steps_board,
            coaching::steps_list,
            coaching::steps_add,
            coaching::steps_set_state,
            coaching::steps_delete,
            coaching::steps_restore,
            coaching::steps_export_ics,
            coaching::recordings_set_outcome,
            library::recordings_ids,
            library::recordings_edit,
            library::recordings_remove,
            library::recordings_restore,
            library::recordings_missing,
            library::recordings_detail_values,
            insights::analysis_status,
            insights::analysis_cancel,
            insights::analysis_resume,
            insights::insights_stats,
            insights::insights_speech,
            insights::insights_rep_channel_get,
            insights::insights_rep_channel_set,
            coaching::progress_get,
            coaching::progress_export_csv,
            coaching::files_pick_save,
            coaching::settings_get,
            coaching::settings_save,
            import::import_pick,
            import::import_start,
            import::import_cancel,
            import::import_launch_files,
            import::watch_get,
            import::watch_set,
            player::player_open,
            player::player_play,
            player::player_pause,
            player::player_seek,
            player::player_set_speed,
            player::player_set_skip_silence,
            player::player_set_channel,
            player::player_close,
            reels::reels_list,
            reels::reels_get,
            reels::reels_create,
            reels::reels_rename,
            reels::reels_add_note,
            reels::reels_remove_clip,
            reels::reels_restore_clip,
            reels::reels_move_clip,
            reels::reels_trim_clip,
            reels::reels_delete,
            reels::reels_restore,
            reels::reels_pick_folder,
            reels::reels_render,
            reels::reels_render_cancel,
            reels::notes_search,
            packs::files_pick_open,
            packs::packs_export,
            packs::packs_import,
            packs::recordings_locate,
            packs::notes_export,
            packs::notes_import,
            team::team_status,
            team::team_connect,
            team::team_sync_now,
            team::team_add_person,
            team::team_disconnect,
        ])
        .run(context);
    if let Err(e) = result {
        // No window could be made (no display, broken WebKit): say so where the user looks.
        let message = format!("Gamefilm could not start its window: {e}");
        eprintln!("{message}");
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("Gamefilm")
            .set_description(&message)
            .show();
        std::process::exit(1);
    }
}
