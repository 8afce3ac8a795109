// Generated from the Rust constants by `cargo test -p gamefilm`; do not edit.

/** The silence and tone between two clips of a rendered reel. */
export const SEPARATOR_MS = 600;
/** The longest clip a trim may make. */
export const MAX_CLIP_MS = 300000;
/** The longest reel title, in characters. */
export const MAX_TITLE_CHARS = 200;
