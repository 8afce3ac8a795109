-- Version 2: full-text search over note text, recording titles and counterparts.
-- External-content FTS5 tables kept in step by triggers; existing rows are indexed here.

CREATE VIRTUAL TABLE notes_fts USING fts5 (
    text,
    content = 'notes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER notes_fts_au AFTER UPDATE OF text ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
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

INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
INSERT INTO recordings_fts (recordings_fts) VALUES ('rebuild');
