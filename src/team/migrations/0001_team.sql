-- Team schema version 1: every shared record of the team's libraries, as the review packs carry
-- them (src/library/merge.rs), one row per record keyed by kind and UUID (a recording by its
-- content hash). PostgreSQL numbers every change (`seq`): a machine pulls what changed after the
-- last number it saw. Who may read a row is decided here, by row-level security, not by the app.

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gamefilm_coach') THEN
        CREATE ROLE gamefilm_coach NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gamefilm_rep') THEN
        CREATE ROLE gamefilm_rep NOLOGIN;
    END IF;
END $$;

CREATE SEQUENCE team_seq;

CREATE TABLE team_records (
    kind       text NOT NULL
        CHECK (kind IN ('person', 'recording', 'note', 'reply', 'review', 'revision', 'step')),
    uuid       text NOT NULL,
    -- Derived from the record by team_derive(), for the policies: the call it belongs to (its
    -- content hash), whose records these are (the call's rep, a step's owner), who wrote it, and
    -- a note's or a review's kind.
    recording  text,
    call_rep   text,
    author     text,
    detail     text,
    -- The record as the packs carry it, or its tombstone.
    body       jsonb NOT NULL,
    updated_at bigint NOT NULL,
    deleted_at bigint,
    seq        bigint NOT NULL DEFAULT nextval('team_seq'),
    PRIMARY KEY (kind, uuid)
);
CREATE INDEX team_records_by_seq ON team_records (seq);
CREATE INDEX team_records_by_recording ON team_records (recording);

-- Which person each PostgreSQL role is.
CREATE TABLE team_logins (
    db_role text PRIMARY KEY,
    person  text NOT NULL
);

CREATE FUNCTION team_me() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT person FROM team_logins WHERE db_role = current_user::text $$;

-- Whether the coaches' work on call `hash` is revealed to its rep `me`: a live coach review, and
-- the rep's submitted self-assessment (drafts never reach the server). The blind rule.
CREATE FUNCTION team_revealed(hash text, me text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM team_records WHERE kind = 'review' AND recording = hash
                       AND detail = 'coach' AND deleted_at IS NULL)
       AND EXISTS (SELECT 1 FROM team_records WHERE kind = 'review' AND recording = hash
                       AND detail = 'self' AND author = me AND deleted_at IS NULL)
$$;

-- Fills the derived columns and numbers the change. A tombstone keeps what its record was about.
CREATE FUNCTION team_derive() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    NEW.seq := nextval('team_seq');
    IF NEW.deleted_at IS NOT NULL THEN
        IF TG_OP = 'UPDATE' THEN
            NEW.recording := OLD.recording;
            NEW.call_rep := OLD.call_rep;
            NEW.author := OLD.author;
            NEW.detail := OLD.detail;
        END IF;
        RETURN NEW;
    END IF;
    CASE NEW.kind
        WHEN 'person' THEN
            NEW.author := NEW.uuid;
        WHEN 'recording' THEN
            NEW.recording := NEW.uuid;
            NEW.call_rep := NEW.body->>'rep';
        WHEN 'note' THEN
            NEW.recording := NEW.body->>'recording';
            NEW.author := NEW.body->>'author';
            NEW.detail := NEW.body->>'kind';
        WHEN 'reply' THEN
            NEW.author := NEW.body->>'author';
            NEW.recording := (SELECT recording FROM team_records
                              WHERE kind = 'note' AND uuid = NEW.body->>'note');
        WHEN 'review' THEN
            NEW.recording := NEW.body->>'recording';
            NEW.author := NEW.body->>'author';
            NEW.detail := NEW.body->>'kind';
        WHEN 'revision' THEN
            NEW.author := NEW.body->>'author';
            NEW.recording := (SELECT recording FROM team_records
                              WHERE kind = 'review' AND uuid = NEW.body->>'review');
        WHEN 'step' THEN
            NEW.call_rep := NEW.body->>'owner';
            NEW.author := NEW.body->>'author';
            NEW.recording := NEW.body->>'recording';
    END CASE;
    IF NEW.kind IN ('note', 'reply', 'review', 'revision') THEN
        NEW.call_rep := (SELECT call_rep FROM team_records
                         WHERE kind = 'recording' AND uuid = NEW.recording);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER team_derive BEFORE INSERT OR UPDATE ON team_records
    FOR EACH ROW EXECUTE FUNCTION team_derive();

-- What a change makes visible to someone else gets a new number, so that their next pull takes
-- it: a call's notes and reviews when the call arrives or changes rep, and when a review arrives
-- or changes (a coach review, a submitted self-assessment: the blind rule lifts).
CREATE FUNCTION team_touch() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    IF NEW.kind = 'recording'
       AND (TG_OP = 'INSERT' OR OLD.call_rep IS DISTINCT FROM NEW.call_rep) THEN
        UPDATE team_records SET seq = seq
        WHERE recording = NEW.uuid AND kind IN ('note', 'reply', 'review', 'revision');
    ELSIF NEW.kind = 'review' THEN
        UPDATE team_records SET seq = seq
        WHERE recording = NEW.recording AND kind IN ('note', 'reply', 'review', 'revision')
          AND NOT (kind = 'review' AND uuid = NEW.uuid);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER team_touch AFTER INSERT OR UPDATE ON team_records
    FOR EACH ROW EXECUTE FUNCTION team_touch();

-- Wakes the other machines (LISTEN gamefilm_team).
CREATE FUNCTION team_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gamefilm_team', '');
    RETURN NULL;
END $$;
CREATE TRIGGER team_notify AFTER INSERT OR UPDATE ON team_records
    FOR EACH STATEMENT EXECUTE FUNCTION team_notify();

-- Who may read and write what. The owner (the administrator who created the schema) is not
-- bound by the policies; every person connects as a role of their own in one of these groups.
ALTER TABLE team_records ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON team_records TO gamefilm_coach, gamefilm_rep;
GRANT USAGE ON SEQUENCE team_seq TO gamefilm_coach, gamefilm_rep;
GRANT SELECT ON team_logins, team_schema TO gamefilm_coach, gamefilm_rep;

CREATE POLICY coach_all ON team_records TO gamefilm_coach USING (true) WITH CHECK (true);

-- A rep reads the team's people, their own calls and next steps, their own notes, replies,
-- self-assessments and revisions, and the coaches' work on their calls once it is revealed to
-- them. Never another rep's call or note, never a coach note before the blind rule lifts.
CREATE POLICY rep_read ON team_records FOR SELECT TO gamefilm_rep USING (
    CASE kind
        WHEN 'person' THEN true
        WHEN 'recording' THEN call_rep = team_me()
        WHEN 'step' THEN call_rep = team_me()
        WHEN 'revision' THEN author = team_me()
        ELSE call_rep = team_me() AND (author = team_me()
            OR (detail IS DISTINCT FROM 'self' AND team_revealed(recording, team_me())))
    END);
-- A rep writes only their own: their person, their calls' metadata, what they wrote.
CREATE POLICY rep_insert ON team_records FOR INSERT TO gamefilm_rep WITH CHECK (
    CASE kind
        WHEN 'person' THEN uuid = team_me()
        WHEN 'recording' THEN call_rep = team_me()
        WHEN 'step' THEN call_rep = team_me()
        ELSE author = team_me()
    END);
CREATE POLICY rep_update ON team_records FOR UPDATE TO gamefilm_rep
    USING (
        CASE kind
            WHEN 'person' THEN uuid = team_me()
            WHEN 'recording' THEN call_rep = team_me()
            WHEN 'step' THEN call_rep = team_me()
            ELSE author = team_me()
        END)
    WITH CHECK (
        CASE kind
            WHEN 'person' THEN uuid = team_me()
            WHEN 'recording' THEN call_rep = team_me()
            WHEN 'step' THEN call_rep = team_me()
            ELSE author = team_me()
        END);
