-- Version 9: call insights. Who spoke when, per channel, as measured by the import's decode pass
-- (channel 0 is the left, 1 the right; a mono call, or a stereo one whose channels carry the same
-- signal, has channel 0 only), and each call's totals, for the list's columns and filters. Which
-- channel is the rep is the library's setting `rep_channel` (left by default), or the call's own.
-- Local facts: they do not travel in packs (the audio does, and is measured again).
CREATE TABLE speech_segments (
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    channel      INTEGER NOT NULL CHECK (channel IN (0, 1)),
    start_ms     INTEGER NOT NULL,
    end_ms       INTEGER NOT NULL CHECK (end_ms > start_ms),
    PRIMARY KEY (recording_id, channel, start_ms)
) WITHOUT ROWID;

CREATE TABLE call_voice (
    recording_id INTEGER PRIMARY KEY REFERENCES recordings (id) ON DELETE CASCADE,
    -- One side per channel (0: mono, or the same signal on both).
    stereo       INTEGER NOT NULL CHECK (stereo IN (0, 1)),
    speech_ms_0  INTEGER NOT NULL,
    speech_ms_1  INTEGER NOT NULL,
    analysed_at  INTEGER NOT NULL
);

ALTER TABLE recordings ADD COLUMN rep_channel TEXT CHECK (rep_channel IN ('left', 'right'));
