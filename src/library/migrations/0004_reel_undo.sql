-- Version 4: deleting a reel can be undone. A deleted reel keeps its row and clips with the time
-- it was deleted; every read leaves it out, and a restore clears the mark. Reels deleted more
-- than a week before another delete are removed for good then.

ALTER TABLE reels ADD COLUMN deleted_at INTEGER;
