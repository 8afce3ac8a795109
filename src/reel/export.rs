//! The reel's companion files, all from the rendered chapter list: a WebVTT chapter track, a JSON
//! manifest, and a self-contained HTML review page that plays offline when double-clicked.
//!
//! Every piece of user text on the page is escaped, and the page's Content-Security-Policy only
//! allows its own inline script (by hash) and the embedded audio: text that slipped through
//! could still not run.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::{Chapter, ReelError, ReelFormat, Rendered};
use crate::timefmt::format_date_ms;

/// The hidden temporary name `path` is written under before it is renamed into place.
pub(crate) fn partial_name(path: &Path) -> PathBuf {
    path.with_file_name(format!(
        ".{}.partial-{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ))
}

/// `HH:MM:SS.mmm`, as WebVTT wants it.
fn vtt_time(ms: i64) -> String {
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    format!("{h:02}:{:02}:{:02}.{:03}", rem / 60_000, rem % 60_000 / 1000, rem % 1000)
}

fn chapter_label(c: &Chapter) -> String {
    let clip = &c.clip;
    format!(
        "{} — {} ({}): {}",
        clip.rep.as_deref().unwrap_or("unknown rep"),
        clip.title,
        format_date_ms(clip.call_time),
        clip.text
    )
}

pub fn vtt(chapters: &[Chapter]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for (i, c) in chapters.iter().enumerate() {
        // Cue text is markup in WebVTT: escape it, and keep it on one line.
        let label = chapter_label(c).replace('\n', " ");
        let label = label.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        out.push_str(&format!(
            "{}\n{} --> {}\n{}: {}\n\n",
            i + 1,
            vtt_time(c.start_ms),
            vtt_time(c.end_ms),
            c.clip.kind,
            label
        ));
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    title: &'a str,
    created_at: i64,
    audio: String,
    duration_ms: i64,
    chapters: &'a [Chapter],
}

pub fn manifest(title: &str, created_at: i64, rendered: &Rendered) -> String {
    let m = Manifest {
        title,
        created_at,
        audio: file_name(&rendered.audio),
        duration_ms: rendered.duration_ms,
        chapters: &rendered.chapters,
    };
    serde_json::to_string_pretty(&m).unwrap_or_default()
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's only script: a chapter button jumps to its chapter and plays; the chapter under
/// the playhead is marked (`aria-current`), as the audio plays and after every jump.
const PAGE_SCRIPT: &str = "const a=document.getElementById('reel');\
const bs=[...document.querySelectorAll('button[data-t]')];\
bs.forEach(b=>b.addEventListener('click',()=>{a.currentTime=Number(b.dataset.t);\
a.play().catch(()=>{});}));\
const mark=()=>{const t=a.currentTime+0.001;let c=null;\
bs.forEach(b=>{if(Number(b.dataset.t)<=t)c=b;});\
bs.forEach(b=>{const li=b.parentElement;if(b===c)li.setAttribute('aria-current','true');\
else li.removeAttribute('aria-current');});};\
a.addEventListener('timeupdate',mark);a.addEventListener('seeked',mark);";

/// The review page up to its audio's base64. Everything in it is known before the render starts,
/// so the page is written while the audio is (see [`PageWriter`]).
pub fn page_before(title: &str, format: ReelFormat) -> String {
    let hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(PAGE_SCRIPT.as_bytes()));
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         media-src data:; style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <title>{title}</title>\n<style>body{{font:16px system-ui,sans-serif;max-width:48em;\
         margin:2em auto;padding:0 1em}}audio{{width:100%}}\
         li{{margin:.8em 0;padding:.2em .5em;border-radius:6px}}li[aria-current]{{background:#eef4ff}}\
         .positive .kind{{color:#1b7f3b}}.improvement .kind{{color:#a15c00}}\
         .text{{margin:.2em 0 0;white-space:pre-wrap}}</style></head>\n<body>\n\
         <h1>{title}</h1>\n\
         <audio id=\"reel\" controls preload=\"auto\" src=\"data:{mime};base64,",
        title = escape(title),
        mime = format.mime(),
    )
}

/// The review page after its audio: the summary and the chapter list, known once rendered.
pub fn page_after(created_at: i64, chapters: &[Chapter], duration_ms: i64) -> String {
    let mut items = String::new();
    for c in chapters {
        let clip = &c.clip;
        items.push_str(&format!(
            "<li class=\"{kind}\"><button data-t=\"{t:.3}\">{at}</button> \
             <span class=\"rep\">{rep}</span> · <span class=\"call\">{call}</span> · \
             <span class=\"date\">{date}</span> · <span class=\"kind\">{kind}</span>\
             <p class=\"text\">{text}</p></li>\n",
            kind = clip.kind,
            t = c.start_ms as f64 / 1000.0,
            at = escape(&crate::timefmt::format_ms(c.start_ms)),
            rep = escape(clip.rep.as_deref().unwrap_or("unknown rep")),
            call = escape(&clip.title),
            date = escape(&format_date_ms(clip.call_time)),
            text = escape(&clip.text),
        ));
    }
    format!(
        "\"></audio>\n<p>{created} · {n} clips · {dur}</p>\n<ol>\n{items}</ol>\n\
         <script>{PAGE_SCRIPT}</script>\n</body></html>\n",
        created = escape(&format_date_ms(created_at)),
        n = chapters.len(),
        dur = crate::timefmt::format_ms(duration_ms),
    )
}

/// Audio bytes held back at the start of the page's base64, so that the audio writer can still
/// rewrite its header (the WAV sizes, the MP3 info tag) at the end. A multiple of 3, so that
/// they encode to a fixed number of characters without padding.
const HEAD: usize = 3 * 1024;

/// The review page, written as its audio is: [`page_before`], the audio's bytes in base64 as
/// the audio writer hands them over, then [`page_after`]. Encoding alongside the render,
/// instead of reading the finished audio back, keeps the page off the render's critical path;
/// and a WAV reel's page (tens of MB) is never held in memory whole.
pub struct PageWriter {
    file: BufWriter<File>,
    /// Where the audio's base64 starts in the page.
    head_at: u64,
    /// The audio's first [`HEAD`] bytes, encoded last.
    head: Vec<u8>,
    /// Fewer than 3 bytes not yet encoded.
    carry: Vec<u8>,
    /// The base64 of the last piece (SIMD-encoded: a WAV reel's page is tens of MB).
    text: Vec<u8>,
    /// Whether audio past the head has been encoded (behind a placeholder for the head).
    streamed: bool,
}

impl PageWriter {
    pub fn create(path: &Path, before: &str) -> std::io::Result<PageWriter> {
        let mut file = BufWriter::with_capacity(1 << 20, File::create(path)?);
        file.write_all(before.as_bytes())?;
        Ok(PageWriter {
            file,
            head_at: before.len() as u64,
            head: Vec::with_capacity(HEAD),
            carry: Vec::with_capacity(3),
            text: Vec::new(),
            streamed: false,
        })
    }

    /// Another handle to the page's file (to sync it from another thread).
    pub fn file(&self) -> std::io::Result<File> {
        self.file.get_ref().try_clone()
    }

    /// The audio's next bytes.
    pub fn write(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        let held = (HEAD - self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..held]);
        bytes = &bytes[held..];
        if bytes.is_empty() {
            return Ok(());
        }
        if !self.streamed {
            self.file.write_all(&[b'A'; HEAD / 3 * 4])?;
            self.streamed = true;
        }
        if !self.carry.is_empty() {
            let n = (3 - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.carry.len() < 3 {
                return Ok(());
            }
            let group = std::mem::take(&mut self.carry);
            self.encode(&group)?;
        }
        let whole = bytes.len() / 3 * 3;
        self.encode(&bytes[..whole])?;
        self.carry.extend_from_slice(&bytes[whole..]);
        Ok(())
    }

    fn encode(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.text.clear();
        base64_simd::STANDARD.encode_append(bytes, &mut self.text);
        self.file.write_all(&self.text)
    }

    /// Rewrites the audio's first bytes (its header), which are still held back.
    pub fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let head = self.head.get_mut(..bytes.len()).ok_or_else(|| {
            std::io::Error::other("the audio header to rewrite is longer than the page held back")
        })?;
        head.copy_from_slice(bytes);
        Ok(())
    }

    /// Ends the audio and adds `after`; returns the file, written but not synced.
    pub fn finish(mut self, after: &str) -> std::io::Result<File> {
        if self.streamed {
            let rest = std::mem::take(&mut self.carry);
            self.encode(&rest)?;
            self.file.write_all(after.as_bytes())?;
            self.file.seek(SeekFrom::Start(self.head_at))?;
        }
        let head = std::mem::take(&mut self.head);
        self.encode(&head)?;
        if !self.streamed {
            self.file.write_all(after.as_bytes())?;
        }
        self.file.into_inner().map_err(|e| e.into_error())
    }
}

/// The chapter track and the manifest for `rendered`, under the temporary names that the
/// renderer renames into place with the audio.
pub(crate) fn write_small_companions(
    title: &str,
    created_at: i64,
    rendered: &Rendered,
) -> Result<(), ReelError> {
    write_partial(&rendered.vtt, vtt(&rendered.chapters).as_bytes())?;
    write_partial(&rendered.json, manifest(title, created_at, rendered).as_bytes())
}

fn write_partial(path: &Path, bytes: &[u8]) -> Result<(), ReelError> {
    std::fs::write(partial_name(path), bytes)
        .map_err(|source| ReelError::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_open_markup() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("Tom & 'Jerry'"), "Tom &amp; &#39;Jerry&#39;");
    }

    /// The page's base64 decodes to exactly the bytes written, with the start rewritten, at
    /// every length around the held-back head and for every way of cutting the writes.
    #[test]
    fn the_page_embeds_the_audio_written_with_its_rewritten_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        for len in [0, 1, 2, 3, 44, HEAD - 1, HEAD, HEAD + 1, HEAD + 2, 3 * HEAD + 1, 20_000] {
            for piece in [1, 2, 7, 1000, 50_000] {
                let audio: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
                let mut page = PageWriter::create(&path, "<a src=\"data:;base64,").unwrap();
                for chunk in audio.chunks(piece) {
                    page.write(chunk).unwrap();
                }
                let header = [0xEEu8; 44];
                let rewritten = len >= header.len();
                if rewritten {
                    page.rewrite_start(&header).unwrap();
                } else {
                    assert!(page.rewrite_start(&header).is_err());
                }
                drop(page.finish("\">").unwrap());
                let html = std::fs::read_to_string(&path).unwrap();
                let b64 = html.strip_prefix("<a src=\"data:;base64,").unwrap();
                let b64 = b64.strip_suffix("\">").unwrap();
                let decoded = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
                let mut expected = audio.clone();
                if rewritten {
                    expected[..44].copy_from_slice(&header);
                }
                assert!(decoded == expected, "{len} bytes written {piece} at a time");
            }
        }
    }

    #[test]
    fn vtt_times_are_zero_padded() {
        assert_eq!(vtt_time(3_723_456), "01:02:03.456");
        assert_eq!(vtt_time(5), "00:00:00.005");
    }
}
