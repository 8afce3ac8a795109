use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::{Note, Reply};
use tauri::State;

use crate::error::AppResult;
use crate::events::ChangeSource::{Notes, Reviews};
use crate::state::LibraryService;

#[tauri::command]
pub async fn notes_create(lib: State<'_, LibraryService>, input: NewNote) -> AppResult<Note> {
    lib.write_as(Notes, move |l, me| notes::create(l, me, &input)).await
}

#[tauri::command]
pub async fn notes_update(
    lib: State<'_, LibraryService>,
    id: String,
    update: NoteEdit,
) -> AppResult<Note> {
    lib.write_as(Notes, move |l, me| notes::edit(l, me, &id, &update)).await
}

/// Soft-deletes a note: [`notes_restore`] brings it back.
#[tauri::command]
pub async fn notes_delete(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    lib.write_as(Notes, move |l, me| notes::delete(l, me, &id)).await
}

/// Undo of a delete: the note `id`, or the most recently deleted one.
#[tauri::command]
pub async fn notes_restore(lib: State<'_, LibraryService>, id: Option<String>) -> AppResult<Note> {
    lib.write_as(Notes, move |l, me| notes::undo_delete(l, me, id.as_deref())).await
}

#[tauri::command]
pub async fn notes_mark_seen(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    lib.write_as(Notes, move |l, me| notes::mark_seen(l, me, &id)).await
}

#[tauri::command]
pub async fn replies_create(
    lib: State<'_, LibraryService>,
    note_id: String,
    text: String,
) -> AppResult<Reply> {
    lib.write_as(Reviews, move |l, me| notes::reply(l, me, &note_id, &text)).await
}
