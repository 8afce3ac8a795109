-- Version 5: the coaching loop. People with roles and a library default person; authors as
-- people; the coach's review with one focus area; the rep's self-assessment as a draft, then
-- submitted, with its revisions; next steps with due dates; outcomes from a fixed list.
--
-- Sharing groundwork: every row that will travel between libraries (people, recordings and
-- their tags, notes, replies, reviews and revisions, next steps, reels and their items, focus
-- areas) has a UUID, `updated_at` and `deleted_at` (a tombstone). Rows inserted without a UUID
-- (older code paths, hand-made test libraries) get one from a trigger.
--
-- UUIDs made here are random (version 4), in the same text form as the `uuid` crate writes.
-- Times are Unix milliseconds (UTC); dates of next steps are calendar dates, 'YYYY-MM-DD'.

CREATE TABLE library_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- People -------------------------------------------------------------------------------------

ALTER TABLE people ADD COLUMN uuid TEXT;
ALTER TABLE people ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN deleted_at INTEGER;

-- Nobody could pick 'other'; such rows were reps made by `set --rep`.
UPDATE people SET role = 'rep' WHERE role = 'other';

-- Every author becomes a person: self-assessments are written by reps; the app's default rep
-- name is "Rep"; anyone else wrote as a coach. A blank author becomes "Unknown".
INSERT OR IGNORE INTO people (name, role)
    SELECT DISTINCT trim(author), 'rep' FROM reviews WHERE kind = 'self' AND trim(author) <> '';
INSERT OR IGNORE INTO people (name, role)
    SELECT DISTINCT trim(author),
        CASE WHEN trim(author) = 'Rep' COLLATE NOCASE THEN 'rep' ELSE 'coach' END
    FROM (SELECT author FROM notes UNION ALL SELECT author FROM note_replies
          UNION ALL SELECT author FROM reviews)
    WHERE trim(author) <> '';
INSERT OR IGNORE INTO people (name, role)
    SELECT 'Unknown', 'coach'
    WHERE EXISTS (SELECT 1 FROM notes WHERE trim(author) = '')
       OR EXISTS (SELECT 1 FROM note_replies WHERE trim(author) = '')
       OR EXISTS (SELECT 1 FROM reviews WHERE trim(author) = '');

UPDATE people SET
    uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'
        || hex(randomblob(6))),
    created_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
CREATE UNIQUE INDEX people_by_uuid ON people (uuid);
CREATE TRIGGER people_uuid AFTER INSERT ON people WHEN new.uuid IS NULL BEGIN
    UPDATE people SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
        created_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
        updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE id = new.id;
END;

-- Recordings and tags ----------------------------------------------------------------------

ALTER TABLE recordings ADD COLUMN uuid TEXT;
ALTER TABLE recordings ADD COLUMN deleted_at INTEGER;
UPDATE recordings SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
    || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1)
    || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX recordings_by_uuid ON recordings (uuid);
CREATE TRIGGER recordings_uuid AFTER INSERT ON recordings WHEN new.uuid IS NULL BEGIN
    UPDATE recordings SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
    WHERE id = new.id;
END;

ALTER TABLE recording_tags ADD COLUMN uuid TEXT;
ALTER TABLE recording_tags ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recording_tags ADD COLUMN deleted_at INTEGER;

-- Outcomes come from a fixed list. A free-text outcome becomes 'other' and keeps its words as
-- a tag; one already spelled as a value (any case, spaces or underscores) keeps that value.
INSERT OR IGNORE INTO recording_tags (recording_id, tag)
    SELECT id, trim(outcome) FROM recordings
    WHERE outcome IS NOT NULL AND trim(outcome) <> ''
      AND lower(replace(replace(trim(outcome), ' ', '-'), '_', '-'))
          NOT IN ('meeting-booked', 'next-step', 'not-interested', 'no-answer', 'other');
UPDATE recordings SET outcome = CASE
        WHEN trim(outcome) = '' THEN NULL
        WHEN lower(replace(replace(trim(outcome), ' ', '-'), '_', '-'))
            IN ('meeting-booked', 'next-step', 'not-interested', 'no-answer', 'other')
        THEN lower(replace(replace(trim(outcome), ' ', '-'), '_', '-'))
        ELSE 'other' END
    WHERE outcome IS NOT NULL;
CREATE TRIGGER recordings_outcome_insert BEFORE INSERT ON recordings
    WHEN new.outcome IS NOT NULL
     AND new.outcome NOT IN ('meeting-booked', 'next-step', 'not-interested', 'no-answer', 'other')
BEGIN
    SELECT RAISE(ABORT, 'recordings.outcome: not one of the outcomes');
END;
CREATE TRIGGER recordings_outcome_update BEFORE UPDATE OF outcome ON recordings
    WHEN new.outcome IS NOT NULL
     AND new.outcome NOT IN ('meeting-booked', 'next-step', 'not-interested', 'no-answer', 'other')
BEGIN
    SELECT RAISE(ABORT, 'recordings.outcome: not one of the outcomes');
END;

UPDATE recording_tags SET
    uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'
        || hex(randomblob(6))),
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
CREATE TRIGGER recording_tags_uuid AFTER INSERT ON recording_tags WHEN new.uuid IS NULL BEGIN
    UPDATE recording_tags SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
        updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE recording_id = new.recording_id AND tag = new.tag;
END;

-- Notes, replies: their authors are people ---------------------------------------------------

ALTER TABLE notes ADD COLUMN author_id INTEGER REFERENCES people (id);
UPDATE notes SET author_id = (SELECT id FROM people
    WHERE name = CASE WHEN trim(notes.author) = '' THEN 'Unknown' ELSE trim(notes.author) END);
CREATE INDEX notes_by_author ON notes (author_id);

ALTER TABLE note_replies ADD COLUMN author_id INTEGER REFERENCES people (id);
ALTER TABLE note_replies ADD COLUMN deleted_at INTEGER;
UPDATE note_replies SET author_id = (SELECT id FROM people
    WHERE name = CASE WHEN trim(note_replies.author) = '' THEN 'Unknown'
                      ELSE trim(note_replies.author) END);

-- Reviews: the coach's (one focus area, a summary) and the rep's self-assessment ------------

ALTER TABLE reviews ADD COLUMN author_id INTEGER REFERENCES people (id);
ALTER TABLE reviews ADD COLUMN deleted_at INTEGER;
-- A self-assessment is a private draft until submitted.
ALTER TABLE reviews ADD COLUMN submitted_at INTEGER;
-- A coach review may close the focus area of the rep's previous review (achieved).
ALTER TABLE reviews ADD COLUMN closes_review_id INTEGER REFERENCES reviews (id) ON DELETE SET NULL;
UPDATE reviews SET author_id = (SELECT id FROM people
    WHERE name = CASE WHEN trim(reviews.author) = '' THEN 'Unknown' ELSE trim(reviews.author) END);
-- Self-assessments saved before this version were written with the coach's notes in view:
-- they count as submitted.
UPDATE reviews SET submitted_at = updated_at WHERE kind = 'self';
DROP INDEX reviews_by_recording;
CREATE INDEX reviews_by_recording ON reviews (recording_id, kind, author_id);
CREATE INDEX reviews_closing ON reviews (closes_review_id) WHERE closes_review_id IS NOT NULL;

-- What a self-assessment said when submitted, and every edit after: the first submitted text
-- stays readable; an edit made once the coach's notes were revealed is marked so.
CREATE TABLE review_revisions (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    review_id     INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    focus_area    TEXT NOT NULL,
    text          TEXT NOT NULL,
    after_reveal  INTEGER NOT NULL CHECK (after_reveal IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
) STRICT;
CREATE INDEX review_revisions_by_review ON review_revisions (review_id, created_at);
INSERT INTO review_revisions (uuid, review_id, focus_area, text, after_reveal, created_at, updated_at)
    SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
            || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'
            || hex(randomblob(6))),
        id, coalesce(focus_area, ''), text, 0, updated_at, updated_at
    FROM reviews WHERE kind = 'self';

-- The short, editable list of skills a review's focus area is taken from.
CREATE TABLE focus_areas (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT;
INSERT INTO focus_areas (uuid, name, position, created_at, updated_at)
    SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
            || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'
            || hex(randomblob(6))),
        name, position, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM (SELECT 'opening' AS name, 0 AS position UNION ALL SELECT 'discovery', 1
          UNION ALL SELECT 'value', 2 UNION ALL SELECT 'objection handling', 3
          UNION ALL SELECT 'next step', 4 UNION ALL SELECT 'listening', 5);

-- Next steps (the unused `followups` table of version 3, replaced) ---------------------------

CREATE TABLE next_steps (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    owner_id      INTEGER NOT NULL REFERENCES people (id),
    author_id     INTEGER REFERENCES people (id),
    text          TEXT NOT NULL,
    due_date      TEXT NOT NULL CHECK (date(due_date) IS due_date),
    recording_id  INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    at_ms         INTEGER CHECK (at_ms IS NULL OR at_ms >= 0),
    state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'dropped')),
    done_on       TEXT CHECK (done_on IS NULL OR date(done_on) IS done_on),
    outcome       TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
) STRICT;
CREATE INDEX next_steps_open_by_due ON next_steps (due_date)
    WHERE state = 'open' AND deleted_at IS NULL;
CREATE INDEX next_steps_by_owner ON next_steps (owner_id, due_date);
INSERT INTO next_steps (uuid, owner_id, text, due_date, recording_id, state, done_on, outcome,
        created_at, updated_at)
    SELECT uuid, owner_id, text, date(coalesce(due_at, created_at) / 1000, 'unixepoch', 'localtime'),
        recording_id, CASE WHEN done_at IS NULL THEN 'open' ELSE 'done' END,
        date(done_at / 1000, 'unixepoch', 'localtime'), outcome, created_at, created_at
    FROM followups WHERE owner_id IS NOT NULL;
DROP TABLE followups;

-- Reel items --------------------------------------------------------------------------------

ALTER TABLE reel_items ADD COLUMN uuid TEXT;
ALTER TABLE reel_items ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reel_items ADD COLUMN deleted_at INTEGER;
UPDATE reel_items SET
    uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'
        || hex(randomblob(6))),
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
CREATE TRIGGER reel_items_uuid AFTER INSERT ON reel_items WHEN new.uuid IS NULL BEGIN
    UPDATE reel_items SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
        updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE reel_id = new.reel_id AND position = new.position;
END;

-- Counts the list and progress read at scale (100,000 calls, 1,000,000 notes), kept by
-- triggers: the live notes of each kind on a call by anyone but the call's rep (the coach's
-- notes), and the live coach reviews of the call. Derived data: they move no `updated_at`.

ALTER TABLE recordings ADD COLUMN coach_positives INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN coach_improvements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN coach_reviews INTEGER NOT NULL DEFAULT 0;
UPDATE recordings SET
    coach_positives = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
        AND n.kind = 'positive' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
    coach_improvements = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
        AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
    coach_reviews = (SELECT count(*) FROM reviews cr WHERE cr.recording_id = recordings.id
        AND cr.kind = 'coach' AND cr.deleted_at IS NULL);

CREATE TRIGGER recordings_coach_counts_note_insert AFTER INSERT ON notes BEGIN
    UPDATE recordings SET
        coach_positives = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'positive' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
        coach_improvements = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id)
    WHERE id = new.recording_id;
END;
CREATE TRIGGER recordings_coach_counts_note_update
    AFTER UPDATE OF kind, deleted_at, author_id, recording_id ON notes BEGIN
    UPDATE recordings SET
        coach_positives = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'positive' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
        coach_improvements = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id)
    WHERE id IN (old.recording_id, new.recording_id);
END;
CREATE TRIGGER recordings_coach_counts_note_delete AFTER DELETE ON notes BEGIN
    UPDATE recordings SET
        coach_positives = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'positive' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
        coach_improvements = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id)
    WHERE id = old.recording_id;
END;
CREATE TRIGGER recordings_coach_counts_rep AFTER UPDATE OF rep_id ON recordings BEGIN
    UPDATE recordings SET
        coach_positives = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'positive' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id),
        coach_improvements = (SELECT count(*) FROM notes n WHERE n.recording_id = recordings.id
            AND n.kind = 'improvement' AND n.deleted_at IS NULL AND n.author_id IS NOT recordings.rep_id)
    WHERE id = new.id;
END;
CREATE TRIGGER recordings_coach_reviews_insert AFTER INSERT ON reviews WHEN new.kind = 'coach' BEGIN
    UPDATE recordings SET coach_reviews = (SELECT count(*) FROM reviews cr
        WHERE cr.recording_id = recordings.id AND cr.kind = 'coach' AND cr.deleted_at IS NULL)
    WHERE id = new.recording_id;
END;
CREATE TRIGGER recordings_coach_reviews_update AFTER UPDATE OF deleted_at, kind, recording_id ON reviews
BEGIN
    UPDATE recordings SET coach_reviews = (SELECT count(*) FROM reviews cr
        WHERE cr.recording_id = recordings.id AND cr.kind = 'coach' AND cr.deleted_at IS NULL)
    WHERE id IN (old.recording_id, new.recording_id);
END;
CREATE TRIGGER recordings_coach_reviews_delete AFTER DELETE ON reviews WHEN old.kind = 'coach' BEGIN
    UPDATE recordings SET coach_reviews = (SELECT count(*) FROM reviews cr
        WHERE cr.recording_id = recordings.id AND cr.kind = 'coach' AND cr.deleted_at IS NULL)
    WHERE id = old.recording_id;
END;

-- Progress reads each rep's calls of a week as one range of this index, without the table.
CREATE INDEX recordings_progress ON recordings (rep_id, call_time, deleted_at, outcome,
    coach_reviews, coach_positives, coach_improvements);
