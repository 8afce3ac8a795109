//! FTS5 query building for the two full-text indexes of migration 0002: `notes_fts` (the note
//! `text`, plus a `facets` column of tokens `r<rep id>` and the note kind) and `recordings_fts`
//! (title and counterpart). What a person typed is never passed to FTS5 as syntax: every word
//! is quoted, so operators and quotes they type are searched for literally.

use rusqlite::Connection;

use super::{LibraryError, NoteKind, Result};

/// What a person typed, read as they type it: every word must match; the last word is a prefix
/// from its second letter (`pric` finds "pricing"), unless the text ends in a space (the word is
/// finished); a word ending in `*` is a prefix anywhere (`objec*`). Operators and quotes are
/// taken literally: every word is quoted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed {
    /// Each word, and whether it is a prefix.
    words: Vec<(String, bool)>,
}

/// One of the two full-text indexes, and the table listing its terms (migration 7).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Index {
    Notes,
    Recordings,
}

impl Index {
    fn terms_table(self) -> &'static str {
        match self {
            Index::Notes => "notes_fts_terms",
            Index::Recordings => "recordings_fts_terms",
        }
    }
}

/// A prefix of this many characters or fewer has a prefix index of its own (migration 7).
const INDEXED_PREFIX: usize = 3;
/// A longer prefix is looked up as the terms it stands for, when there are at most this many.
const MAX_EXPANSION: usize = 64;

fn quoted(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

impl Typed {
    /// `None` when there is no word at all.
    pub(crate) fn read(input: &str) -> Option<Typed> {
        let finished = input.ends_with(char::is_whitespace);
        let raws: Vec<&str> = input.split_whitespace().collect();
        let mut words = Vec::new();
        for (r, raw) in raws.iter().enumerate() {
            let starred = raw.ends_with('*');
            let parts: Vec<&str> = raw
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
                .filter(|w| !w.trim_matches('\'').is_empty())
                .collect();
            let last = parts.len().saturating_sub(1);
            let typing = !finished && r + 1 == raws.len();
            for (i, w) in parts.into_iter().enumerate() {
                let prefix = i == last && (starred || (typing && w.chars().count() >= 2));
                words.push((w.to_string(), prefix));
            }
        }
        (!words.is_empty()).then_some(Typed { words })
    }

    /// How many words must match.
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    /// The FTS5 query, every prefix written `"pre"*` (what FTS5 reads alone).
    #[cfg(test)]
    pub(crate) fn plain(&self) -> String {
        let words: Vec<String> = self
            .words
            .iter()
            .map(|(w, prefix)| if *prefix { format!("{}*", quoted(w)) } else { quoted(w) })
            .collect();
        words.join(" ")
    }

    /// The FTS5 query for `index`. A prefix longer than the prefix indexes is written as the
    /// terms of the index it stands for (`("pricing" OR "priced")`): FTS5 would otherwise merge
    /// the whole posting lists of every such term before returning the first match, which costs
    /// tens of milliseconds for a common word at 1M notes, where an OR of terms is read lazily,
    /// most recent first, and stops at the page.
    pub(crate) fn render(&self, conn: &Connection, index: Index) -> Result<String> {
        let mut out = Vec::with_capacity(self.words.len());
        for (w, prefix) in &self.words {
            out.push(if !*prefix {
                quoted(w)
            } else if w.chars().count() <= INDEXED_PREFIX {
                format!("{}*", quoted(w))
            } else {
                let low = w.to_lowercase();
                let high = format!("{low}{}", char::MAX);
                let terms: Vec<String> = conn
                    .prepare_cached(&format!(
                        "SELECT term FROM {} WHERE term >= ?1 AND term < ?2 LIMIT ?3",
                        index.terms_table()
                    ))?
                    .query_map(rusqlite::params![low, high, MAX_EXPANSION as i64 + 1], |r| {
                        r.get(0)
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                match terms.len() {
                    // Nothing, or too much, or a word the tokenizer folds (accents): FTS5's own
                    // prefix search, which is always right.
                    0 => format!("{}*", quoted(w)),
                    n if n > MAX_EXPANSION => format!("{}*", quoted(w)),
                    1 => quoted(&terms[0]),
                    _ => {
                        let alts: Vec<String> = terms.iter().map(|t| quoted(t)).collect();
                        format!("({})", alts.join(" OR "))
                    }
                }
            });
        }
        Ok(out.join(" "))
    }
}

/// [`Typed::read`], for a search that needs at least one word.
pub(crate) fn typed(input: &str) -> Result<Typed> {
    Typed::read(input)
        .ok_or_else(|| LibraryError::invalid("query", "type at least one word to search for"))
}

/// The `notes_fts MATCH` expression for a [`query`]: the words in the note text only (never in
/// the facet tokens), and, when given, only notes on calls of rep `rep_id` or of one `kind`. The
/// facets make such a filter an FTS intersection rather than a scan of every match.
pub(crate) fn notes_match(query: &str, rep_id: Option<i64>, kind: Option<NoteKind>) -> String {
    let mut m = format!("text : ({query})");
    if let Some(id) = rep_id {
        m.push_str(&format!(" AND facets : \"r{id}\""));
    }
    if let Some(kind) = kind {
        m.push_str(&format!(" AND facets : \"{}\"", kind.as_str()));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_becomes_a_safe_fts_query_with_the_last_word_a_prefix_as_typed() {
        let query = |s: &str| typed(s).map(|t| t.plain());
        assert_eq!(query("pricing objection").unwrap(), "\"pricing\" \"objection\"*");
        assert_eq!(query("pricing objection ").unwrap(), "\"pricing\" \"objection\"");
        assert_eq!(query("pric* obj").unwrap(), "\"pric\"* \"obj\"*");
        assert_eq!(query("pric").unwrap(), "\"pric\"*");
        assert_eq!(query("p").unwrap(), "\"p\"", "one letter is not a prefix yet");
        assert_eq!(query("great p").unwrap(), "\"great\" \"p\"");
        assert_eq!(query("follow-up").unwrap(), "\"follow\" \"up\"*");
        assert_eq!(
            query("NEAR(\"a\" OR b)").unwrap(),
            "\"NEAR\" \"a\" \"OR\" \"b\"",
            "b is one letter"
        );
        assert!(query("  \"* ").is_err());
        assert_eq!(Typed::read("  "), None);
    }

    #[test]
    fn a_long_prefix_is_searched_as_the_terms_it_stands_for() {
        let dir = tempfile::tempdir().unwrap();
        let lib = crate::library::Library::open(&dir.path().join("l.sqlite")).unwrap();
        lib.conn()
            .execute_batch(
                "INSERT INTO notes_fts (rowid, text, facets) VALUES
                     (1, 'pricing priced price', 'r0 positive'), (2, 'Précis', 'r0 positive')",
            )
            .unwrap();
        let r = |s: &str| typed(s).unwrap().render(lib.conn(), Index::Notes).unwrap();
        assert_eq!(r("pric"), "(\"price\" OR \"priced\" OR \"pricing\")");
        assert_eq!(r("PRICI"), "\"pricing\"");
        assert_eq!(r("pr"), "\"pr\"*", "short prefixes have their own index");
        assert_eq!(r("zebr"), "\"zebr\"*", "no term: FTS5's own prefix search");
        assert_eq!(r("préc"), "\"préc\"*", "a word the tokenizer folds: FTS5's own prefix");
        assert_eq!(r("pricing "), "\"pricing\"");
    }

    #[test]
    fn note_filters_are_facet_tokens_beside_the_text() {
        assert_eq!(notes_match("\"a\"", None, None), "text : (\"a\")");
        assert_eq!(
            notes_match("\"a\"", Some(7), Some(NoteKind::Positive)),
            "text : (\"a\") AND facets : \"r7\" AND facets : \"positive\""
        );
    }
}
