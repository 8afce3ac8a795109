-- Version 8: settings that stay, per person: playback (speed, skip-silence, channel, lead-in)
-- and the library list's sort and filters, as one JSON document per person. Local to this
-- library: they do not travel in packs.
CREATE TABLE person_settings (
    person_id   INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    settings    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
