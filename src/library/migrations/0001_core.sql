-- Gamefilm library, version 1: people, recordings, peaks, notes.
-- Times are Unix milliseconds (UTC); offsets inside a recording are milliseconds.

CREATE TABLE people (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role  TEXT NOT NULL DEFAULT 'rep' CHECK (role IN ('coach', 'rep', 'other'))
) STRICT;

CREATE TABLE recordings (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    content_hash BLOB NOT NULL UNIQUE,
    size_bytes   INTEGER NOT NULL,
    file_mtime   INTEGER,
    container    TEXT NOT NULL,
    codec        TEXT NOT NULL,
    sample_rate  INTEGER NOT NULL CHECK (sample_rate > 0),
    channels     INTEGER NOT NULL CHECK (channels > 0),
    frames       INTEGER NOT NULL CHECK (frames > 0),
    duration_ms  INTEGER NOT NULL,
    title        TEXT NOT NULL,
    artist       TEXT,
    call_time    INTEGER NOT NULL,
    rep_id       INTEGER REFERENCES people (id) ON DELETE SET NULL,
    counterpart  TEXT,
    outcome      TEXT,
    imported_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX recordings_by_rep_time ON recordings (rep_id, call_time DESC);
CREATE INDEX recordings_by_time ON recordings (call_time DESC);

CREATE TABLE recording_tags (
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    tag          TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (recording_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX recording_tags_by_tag ON recording_tags (tag);

-- One row per pyramid level; level 0 is the finest. See src/audio/peaks.rs for the layout.
CREATE TABLE peaks (
    recording_id       INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    level              INTEGER NOT NULL,
    samples_per_bucket INTEGER NOT NULL,
    data               BLOB NOT NULL,
    PRIMARY KEY (recording_id, level)
) STRICT;

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    recording_id  INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    start_ms      INTEGER NOT NULL CHECK (start_ms >= 0),
    end_ms        INTEGER CHECK (end_ms IS NULL OR end_ms > start_ms),
    kind          TEXT NOT NULL CHECK (kind IN ('positive', 'improvement')),
    text          TEXT NOT NULL,
    author        TEXT NOT NULL,
    skill_tag     TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER,
    seen_by_rep_at INTEGER
) STRICT;
CREATE INDEX notes_by_recording ON notes (recording_id, kind, start_ms);
CREATE INDEX notes_deleted ON notes (deleted_at) WHERE deleted_at IS NOT NULL;
