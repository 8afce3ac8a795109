-- Team schema version 4: a note brought back (an undone deletion, newer than the deletion) gets
-- its replies numbered again after it. A machine that knew the note only as deleted when the
-- replies came did not keep them (a reply needs its note); now their new numbers bring them.
CREATE OR REPLACE FUNCTION team_touch() RETURNS trigger
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
    ELSIF NEW.kind = 'note' AND TG_OP = 'UPDATE'
          AND OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
        UPDATE team_records SET seq = seq
        WHERE recording = NEW.recording AND kind = 'reply' AND body->>'note' = NEW.uuid;
    END IF;
    RETURN NULL;
END $$;
