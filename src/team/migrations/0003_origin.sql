-- Team schema version 3: which machine wrote each row last, so that a machine's pull skips what
-- it pushed itself (a library joining the team would otherwise pull back everything it just
-- pushed). A machine is a random UUID in its library's settings (`team.machine`).
ALTER TABLE team_records ADD COLUMN origin text;
