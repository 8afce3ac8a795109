//! FTS5 query building for the two full-text indexes of migration 0002: `notes_fts` (the note
//! `text`, plus a `facets` column of tokens `r<rep id>` and the note kind) and `recordings_fts`
//! (title and counterpart). What a person typed is never passed to FTS5 as syntax: every word
//! is quoted, so operators and quotes they type are searched for literally.

use super::{LibraryError, NoteKind, Result};

/// Turns what a person typed into an FTS5 query: every word must match; a word ending in `*`
/// matches as a prefix (`objec*`). Other operators and quotes are taken literally.
///
/// Prefixes are opt-in because they cost: on 1M notes a common word takes about 4.5 ms as a
/// word and 12 ms as a prefix (`make bench-library`).
pub(crate) fn query(input: &str) -> Result<String> {
    let mut words = Vec::new();
    for raw in input.split_whitespace() {
        let prefix = raw.ends_with('*');
        let parts: Vec<&str> = raw
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
            .filter(|w| !w.trim_matches('\'').is_empty())
            .collect();
        let last = parts.len().saturating_sub(1);
        for (i, w) in parts.into_iter().enumerate() {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            words.push(if prefix && i == last { format!("{quoted}*") } else { quoted });
        }
    }
    if words.is_empty() {
        return Err(LibraryError::invalid("query", "type at least one word to search for"));
    }
    Ok(words.join(" "))
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
    fn user_text_becomes_a_safe_fts_query() {
        assert_eq!(query("pricing objection").unwrap(), "\"pricing\" \"objection\"");
        assert_eq!(query("pric* obj").unwrap(), "\"pric\"* \"obj\"");
        assert_eq!(query("NEAR(\"a\" OR b)").unwrap(), "\"NEAR\" \"a\" \"OR\" \"b\"");
        assert!(query("  \"* ").is_err());
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
