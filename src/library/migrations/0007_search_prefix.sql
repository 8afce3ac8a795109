-- Version 7: search as you type. The last word typed is a prefix from its second letter, so
-- both full-text indexes gain prefix indexes of two and three characters (a longer prefix is a
-- short range of the main index). FTS5 cannot add them to an existing table: each is made
-- again with the same columns and tokenizer and filled from its source. The triggers that keep
-- them in step name them only by name and stay as they are.

DROP TABLE notes_fts;
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    text, facets,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO notes_fts (rowid, text, facets) SELECT id, text, facets FROM notes_fts_source;
INSERT INTO notes_fts (notes_fts) VALUES ('optimize');

DROP TABLE recordings_fts;
CREATE VIRTUAL TABLE recordings_fts USING fts5 (
    title, counterpart,
    content = 'recordings', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO recordings_fts (recordings_fts) VALUES ('rebuild');

-- The terms of each index, so that a longer prefix is searched as the few terms it stands for
-- (an OR that FTS5 reads lazily) rather than a merge of all their postings.
CREATE VIRTUAL TABLE notes_fts_terms USING fts5vocab (notes_fts, 'row');
CREATE VIRTUAL TABLE recordings_fts_terms USING fts5vocab (recordings_fts, 'row');
