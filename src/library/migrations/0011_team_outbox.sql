-- Version 11: the team library's outbox. While the library is joined to a team (the setting
-- `team.url`, src/team), every change to a shared record lists the record here in the same
-- transaction; a sync pushes what is listed and takes it off. Keyed as the records travel: a
-- kind and a UUID (a recording by its content hash, in hex). `changes` counts the changes since
-- the record was listed, so that a sync takes off only what it pushed, never a change made while
-- it was pushing.
CREATE TABLE team_outbox (
    kind    TEXT NOT NULL,
    uuid    TEXT NOT NULL,
    changes INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (kind, uuid)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER team_outbox_person_insert AFTER INSERT ON people
WHEN new.uuid IS NOT NULL AND EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('person', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_person_update AFTER UPDATE ON people
WHEN new.uuid IS NOT NULL AND EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('person', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

CREATE TRIGGER team_outbox_recording_insert AFTER INSERT ON recordings
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('recording', lower(hex(new.content_hash)))
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
-- Not the counts the triggers of migration 5 keep (derived, they move no `updated_at`).
CREATE TRIGGER team_outbox_recording_update
AFTER UPDATE OF title, artist, call_time, rep_id, counterpart, outcome, updated_at, deleted_at
ON recordings
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('recording', lower(hex(new.content_hash)))
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_tag_insert AFTER INSERT ON recording_tags
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid)
        SELECT 'recording', lower(hex(content_hash)) FROM recordings WHERE id = new.recording_id
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_tag_update AFTER UPDATE ON recording_tags
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid)
        SELECT 'recording', lower(hex(content_hash)) FROM recordings WHERE id = new.recording_id
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

CREATE TRIGGER team_outbox_note_insert AFTER INSERT ON notes
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('note', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_note_update AFTER UPDATE ON notes
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('note', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_reply_insert AFTER INSERT ON note_replies
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('reply', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_reply_update AFTER UPDATE ON note_replies
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('reply', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_review_insert AFTER INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('review', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_review_update AFTER UPDATE ON reviews
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('review', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_revision_insert AFTER INSERT ON review_revisions
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('revision', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_revision_update AFTER UPDATE ON review_revisions
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('revision', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_step_insert AFTER INSERT ON next_steps
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('step', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER team_outbox_step_update AFTER UPDATE ON next_steps
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('step', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
