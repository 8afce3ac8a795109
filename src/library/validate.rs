//! Checks on text a person typed, shared by the library's modules: a value is trimmed, may be
//! required to hold more than spaces, and may be held to a length counted in characters (not
//! bytes: "é" counts once). Each error names the field; the module that asks words the reason,
//! so that it says what to do in that module's terms.

use super::{LibraryError, Result};

/// Longest note text, in characters; replies and self-assessments are held to it too.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// `value` trimmed, or an error on `field` saying `reason` when nothing but spaces is left.
pub(crate) fn required<'a>(field: &'static str, value: &'a str, reason: &str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(LibraryError::invalid(field, reason));
    }
    Ok(v)
}

/// `value` trimmed, or an error on `field` when it is longer than `max` characters;
/// `too_long` words the reason from the length found.
pub(crate) fn at_most<'a>(
    field: &'static str,
    value: &'a str,
    max: usize,
    too_long: impl FnOnce(usize) -> String,
) -> Result<&'a str> {
    let v = value.trim();
    let n = v.chars().count();
    if n > max {
        return Err(LibraryError::invalid(field, too_long(n)));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        assert_eq!(required("text", "  hi \n", "empty").unwrap(), "hi");
        assert_eq!(at_most("text", " éé ", 2, |n| n.to_string()).unwrap(), "éé");
        let err = at_most("text", "ééé", 2, |n| format!("{n} is too many")).unwrap_err();
        assert_eq!(err.to_string(), "text: 3 is too many");
        let err = required("author", " \t", "a note needs an author").unwrap_err();
        assert_eq!(err.to_string(), "author: a note needs an author");
    }
}
