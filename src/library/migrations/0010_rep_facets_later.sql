-- Version 10: a call's new rep no longer re-indexes its notes inside the edit. The rep facet of
-- `notes_fts` (migration 2) is tokenised with the note text, so a rep change re-wrote every note
-- of the call into the index and its prefix indexes: 0.6 s for a bulk edit of 1,000 calls of
-- ~10 notes. The change now only lists the call here; the notes are re-indexed after it, in
-- small transactions (`search::refresh_rep_facets`), and until then a rep-scoped search reads
-- the listed calls' notes by their current rep (search.rs), so it stays exact.
CREATE TABLE notes_fts_stale_rep (
    recording_id INTEGER PRIMARY KEY
);
DROP TRIGGER notes_fts_rep;
CREATE TRIGGER notes_fts_rep AFTER UPDATE OF rep_id ON recordings
WHEN old.rep_id IS NOT new.rep_id BEGIN
    INSERT OR IGNORE INTO notes_fts_stale_rep (recording_id) VALUES (new.id);
END;
