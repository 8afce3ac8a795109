-- Team schema version 2: the calls' audio, uploaded once by a machine that has it, in 1 MiB
-- chunks keyed by the call's content hash and the chunk's index, each with its SHA-256 (which
-- the server can check itself); fetched by a machine without it on first play. Readable by
-- whoever may read the call.

CREATE TABLE team_audio_files (
    hash     text PRIMARY KEY,
    ext      text NOT NULL,
    size     bigint NOT NULL CHECK (size > 0),
    chunks   integer NOT NULL CHECK (chunks > 0),
    complete boolean NOT NULL DEFAULT false
);
CREATE TABLE team_audio (
    hash       text NOT NULL REFERENCES team_audio_files (hash),
    idx        integer NOT NULL CHECK (idx >= 0),
    chunk_hash text NOT NULL,
    bytes      bytea NOT NULL,
    PRIMARY KEY (hash, idx)
);

-- A chunk a fetch found damaged: checked here, on the server's own bytes; a damaged one is
-- dropped and its file marked incomplete, so that the machine that has the call uploads it
-- again at its next sync. Returns whether it was damaged.
CREATE FUNCTION team_audio_damaged(h text, i integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM team_audio WHERE hash = h AND idx = i
               AND encode(sha256(bytes), 'hex') <> chunk_hash) THEN
        DELETE FROM team_audio WHERE hash = h AND idx = i;
        UPDATE team_audio_files SET complete = false WHERE hash = h;
        RETURN true;
    END IF;
    RETURN false;
END $$;

ALTER TABLE team_audio_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_audio ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON team_audio_files, team_audio TO gamefilm_coach, gamefilm_rep;
GRANT EXECUTE ON FUNCTION team_audio_damaged(text, integer) TO gamefilm_coach, gamefilm_rep;

CREATE POLICY coach_all ON team_audio_files TO gamefilm_coach USING (true) WITH CHECK (true);
CREATE POLICY coach_all ON team_audio TO gamefilm_coach USING (true) WITH CHECK (true);
-- A rep reads and uploads the audio of their own calls only.
CREATE POLICY rep_own ON team_audio_files TO gamefilm_rep
    USING (EXISTS (SELECT 1 FROM team_records r WHERE r.kind = 'recording'
                   AND r.uuid = hash AND r.call_rep = team_me()))
    WITH CHECK (EXISTS (SELECT 1 FROM team_records r WHERE r.kind = 'recording'
                        AND r.uuid = hash AND r.call_rep = team_me()));
CREATE POLICY rep_own ON team_audio TO gamefilm_rep
    USING (EXISTS (SELECT 1 FROM team_records r WHERE r.kind = 'recording'
                   AND r.uuid = hash AND r.call_rep = team_me()))
    WITH CHECK (EXISTS (SELECT 1 FROM team_records r WHERE r.kind = 'recording'
                        AND r.uuid = hash AND r.call_rep = team_me()));
