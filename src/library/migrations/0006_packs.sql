-- Version 6: review packs. A recording may arrive from a pack without its audio: its path
-- becomes optional. Tombstones of records this library never held are kept, so that an older
-- copy arriving later cannot bring them back. Per person, the version of every record last
-- exchanged with them (sent or received): a pack holds only what changed since.

-- `path TEXT NOT NULL UNIQUE` becomes `path TEXT UNIQUE`. Dropping NOT NULL changes no stored
-- row, so the table's definition is edited in place (SQLite's documented procedure for removing
-- a NOT NULL constraint; rebuilding the table would cascade-delete every note through the
-- foreign keys, which cannot be switched off inside the migration's transaction). The
-- migration code bumps `schema_version` after this file, and checks that the edit took.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
    SET sql = replace(sql, 'path         TEXT NOT NULL UNIQUE,', 'path         TEXT UNIQUE,')
    WHERE type = 'table' AND name = 'recordings';
PRAGMA writable_schema = OFF;

-- A deleted record known only by its UUID (the pack that deleted it arrived first, or the
-- record never travelled here). `kind` names the table: note, reply, review, revision, step.
CREATE TABLE tombstones (
    kind        TEXT NOT NULL,
    uuid        TEXT NOT NULL,
    deleted_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, uuid)
) STRICT, WITHOUT ROWID;

-- The version (`updated_at`, or the deletion time of a tombstone) of each record as last sent
-- to or received from a person (`version`, whichever was last): a record whose version matches
-- is not sent to them again. `sent` and `received` tell a conflict (both sides changed the
-- record since it last went between them) from an update.
CREATE TABLE pack_versions (
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    uuid        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    sent        INTEGER,
    received    INTEGER,
    PRIMARY KEY (person_id, kind, uuid)
) STRICT, WITHOUT ROWID;

-- The packs exchanged, newest last: what the app shows as "last sent / received".
CREATE TABLE pack_log (
    id          INTEGER PRIMARY KEY,
    pack_uuid   TEXT NOT NULL,
    person_id   INTEGER REFERENCES people (id) ON DELETE SET NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    at          INTEGER NOT NULL,
    summary     TEXT NOT NULL
) STRICT;
CREATE INDEX pack_log_by_person ON pack_log (person_id, direction, at);
