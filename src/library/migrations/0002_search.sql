-- Version 2: full-text search over note text, recording titles and counterparts.
-- External-content FTS5 tables kept in step by triggers; existing rows are indexed here.

-- Notes are indexed in a contentless table (the text lives in `notes`) with a second column of
-- facet tokens, `r<rep id>` and the note kind, so that "pricing, Dana's calls only" is an FTS
-- intersection rather than a scan of every match (DESIGN.md: search at 1M notes).
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    text, facets,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIEW notes_fts_source (id, text, facets) AS
    SELECT n.id, n.text, 'r' || coalesce(r.rep_id, 0) || ' ' || n.kind
    FROM notes n JOIN recordings r ON r.id = n.recording_id;
CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, text, facets) SELECT id, text, facets FROM notes_fts_source WHERE id = new.id;
END;
CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.id;
END;
CREATE TRIGGER notes_fts_au AFTER UPDATE OF text, kind ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.id;
    INSERT INTO notes_fts (rowid, text, facets) SELECT id, text, facets FROM notes_fts_source WHERE id = new.id;
END;
CREATE TRIGGER notes_fts_rep AFTER UPDATE OF rep_id ON recordings BEGIN
    DELETE FROM notes_fts WHERE rowid IN (SELECT id FROM notes WHERE recording_id = new.id);
    INSERT INTO notes_fts (rowid, text, facets)
        SELECT id, text, facets FROM notes_fts_source WHERE id IN (SELECT id FROM notes WHERE recording_id = new.id);
END;

CREATE VIRTUAL TABLE recordings_fts USING fts5 (
    title, counterpart,
    content = 'recordings', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER recordings_fts_ai AFTER INSERT ON recordings BEGIN
    INSERT INTO recordings_fts (rowid, title, counterpart) VALUES (new.id, new.title, new.counterpart);
END;
CREATE TRIGGER recordings_fts_ad AFTER DELETE ON recordings BEGIN
    INSERT INTO recordings_fts (recordings_fts, rowid, title, counterpart)
        VALUES ('delete', old.id, old.title, old.counterpart);
END;
CREATE TRIGGER recordings_fts_au AFTER UPDATE OF title, counterpart ON recordings BEGIN
    INSERT INTO recordings_fts (recordings_fts, rowid, title, counterpart)
        VALUES ('delete', old.id, old.title, old.counterpart);
    INSERT INTO recordings_fts (rowid, title, counterpart) VALUES (new.id, new.title, new.counterpart);
END;

INSERT INTO notes_fts (rowid, text, facets) SELECT id, text, facets FROM notes_fts_source;
INSERT INTO recordings_fts (recordings_fts) VALUES ('rebuild');
