-- Version 3: the coaching loop around notes: replies, reviews (coach and self-assessment),
-- follow-ups, reels and transcripts. Filled by later features; present so that the schema has
-- room for them from the start.

CREATE TABLE note_replies (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    note_id     INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX note_replies_by_note ON note_replies (note_id, created_at);

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    recording_id  INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    author        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('coach', 'self')),
    focus_area    TEXT,
    text          TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX reviews_by_recording ON reviews (recording_id);

CREATE TABLE followups (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    recording_id  INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    review_id     INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
    owner_id      INTEGER REFERENCES people (id) ON DELETE SET NULL,
    text          TEXT NOT NULL,
    due_at        INTEGER,
    done_at       INTEGER,
    outcome       TEXT,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX followups_open_by_due ON followups (due_at) WHERE done_at IS NULL;

CREATE TABLE reels (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE reel_items (
    reel_id       INTEGER NOT NULL REFERENCES reels (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    note_id       INTEGER REFERENCES notes (id) ON DELETE SET NULL,
    recording_id  INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL CHECK (end_ms > start_ms),
    PRIMARY KEY (reel_id, position)
) STRICT;

CREATE TABLE transcript_segments (
    id            INTEGER PRIMARY KEY,
    recording_id  INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL,
    speaker       TEXT,
    text          TEXT NOT NULL
) STRICT;
CREATE INDEX transcript_by_recording ON transcript_segments (recording_id, start_ms);
