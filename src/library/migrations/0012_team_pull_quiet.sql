-- Version 12: what a team pull merges does not go into the outbox. A pull (src/team) marks its
-- own transactions with the setting `team.pulling`, inserted first and deleted before the commit
-- (no other connection ever sees it); the outbox triggers of version 11 stay quiet inside them.
-- Before, every record pulled was listed here and taken off again in the same transaction: two
-- writes into a table keyed by random UUIDs for each of a million notes of a first sync.

DROP TRIGGER team_outbox_person_insert;
CREATE TRIGGER team_outbox_person_insert AFTER INSERT ON people
WHEN new.uuid IS NOT NULL AND EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('person', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_person_update;
CREATE TRIGGER team_outbox_person_update AFTER UPDATE ON people
WHEN new.uuid IS NOT NULL AND EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('person', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_recording_insert;
CREATE TRIGGER team_outbox_recording_insert AFTER INSERT ON recordings
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('recording', lower(hex(new.content_hash)))
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_recording_update;
CREATE TRIGGER team_outbox_recording_update
AFTER UPDATE OF title, artist, call_time, rep_id, counterpart, outcome, updated_at, deleted_at
ON recordings
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('recording', lower(hex(new.content_hash)))
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_tag_insert;
CREATE TRIGGER team_outbox_tag_insert AFTER INSERT ON recording_tags
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid)
        SELECT 'recording', lower(hex(content_hash)) FROM recordings WHERE id = new.recording_id
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_tag_update;
CREATE TRIGGER team_outbox_tag_update AFTER UPDATE ON recording_tags
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid)
        SELECT 'recording', lower(hex(content_hash)) FROM recordings WHERE id = new.recording_id
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_note_insert;
CREATE TRIGGER team_outbox_note_insert AFTER INSERT ON notes
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('note', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_note_update;
CREATE TRIGGER team_outbox_note_update AFTER UPDATE ON notes
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('note', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_reply_insert;
CREATE TRIGGER team_outbox_reply_insert AFTER INSERT ON note_replies
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('reply', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_reply_update;
CREATE TRIGGER team_outbox_reply_update AFTER UPDATE ON note_replies
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('reply', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_review_insert;
CREATE TRIGGER team_outbox_review_insert AFTER INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('review', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_review_update;
CREATE TRIGGER team_outbox_review_update AFTER UPDATE ON reviews
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('review', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_revision_insert;
CREATE TRIGGER team_outbox_revision_insert AFTER INSERT ON review_revisions
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('revision', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_revision_update;
CREATE TRIGGER team_outbox_revision_update AFTER UPDATE ON review_revisions
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('revision', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_step_insert;
CREATE TRIGGER team_outbox_step_insert AFTER INSERT ON next_steps
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('step', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER team_outbox_step_update;
CREATE TRIGGER team_outbox_step_update AFTER UPDATE ON next_steps
WHEN EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.url')
    AND NOT EXISTS (SELECT 1 FROM library_settings WHERE key = 'team.pulling') BEGIN
    INSERT INTO team_outbox (kind, uuid) VALUES ('step', new.uuid)
        ON CONFLICT (kind, uuid) DO UPDATE SET changes = changes + 1;
END;
