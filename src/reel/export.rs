//! The reel's companion files, all from the rendered chapter list: a WebVTT chapter track, a JSON
//! manifest, and a self-contained HTML review page that plays offline when double-clicked.
//!
//! Every piece of user text on the page is escaped, and the page's Content-Security-Policy only
//! allows its own inline script (by hash) and the embedded audio: text that slipped through
//! could still not run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ReelError;
use super::render::{Chapter, Rendered};
use crate::timefmt::format_date_ms;

/// The hidden temporary name `path` is written under before it is renamed into place.
fn partial_name(path: &Path) -> PathBuf {
    path.with_file_name(format!(
        ".{}.partial-{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ))
}

/// Writes `path` through a temporary file renamed into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReelError> {
    let err = |source| ReelError::Write { path: path.to_path_buf(), source };
    let tmp = partial_name(path);
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
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

const PAGE_SCRIPT: &str = "const a=document.getElementById('reel');\
document.querySelectorAll('button[data-t]').forEach(b=>b.addEventListener('click',()=>{\
a.currentTime=Number(b.dataset.t);a.play();}));";

/// The review page around its audio: the markup before and after the base64 of the audio file,
/// which is embedded (in the reel's format: MP3 keeps the page about a tenth the size of WAV)
/// so that the one file is all anyone needs.
pub fn html_around_audio(title: &str, created_at: i64, rendered: &Rendered) -> (String, String) {
    let hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(PAGE_SCRIPT.as_bytes()));
    let mut items = String::new();
    for c in &rendered.chapters {
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
    let before = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         media-src data:; style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <title>{title}</title>\n<style>body{{font:16px system-ui,sans-serif;max-width:48em;\
         margin:2em auto;padding:0 1em}}audio{{width:100%}}li{{margin:.8em 0}}\
         .positive .kind{{color:#1b7f3b}}.improvement .kind{{color:#a15c00}}\
         .text{{margin:.2em 0 0;white-space:pre-wrap}}</style></head>\n<body>\n\
         <h1>{title}</h1>\n<p>{created} · {n} clips · {dur}</p>\n\
         <audio id=\"reel\" controls preload=\"auto\" src=\"data:{mime};base64,",
        title = escape(title),
        created = escape(&format_date_ms(created_at)),
        n = rendered.chapters.len(),
        dur = crate::timefmt::format_ms(rendered.duration_ms),
        mime = rendered.format.mime(),
    );
    let after = format!(
        "\"></audio>\n<ol>\n{items}</ol>\n<script>{PAGE_SCRIPT}</script>\n</body></html>\n"
    );
    (before, after)
}

/// Writes the review page to `path` through a temporary file, encoding the audio file into it
/// piece by piece: a WAV reel's page is tens of MB, never held in memory whole.
fn write_html(
    path: &Path,
    title: &str,
    created_at: i64,
    rendered: &Rendered,
) -> Result<(), ReelError> {
    let (before, after) = html_around_audio(title, created_at, rendered);
    let tmp = partial_name(path);
    let result = (|| -> std::io::Result<()> {
        let mut audio = std::fs::File::open(&rendered.audio)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        out.write_all(before.as_bytes())?;
        // A multiple of 3 bytes: every piece but the last encodes without padding.
        let mut buf = vec![0u8; 3 << 18];
        let mut text = String::new();
        loop {
            let n = read_full(&mut audio, &mut buf)?;
            if n == 0 {
                break;
            }
            text.clear();
            base64::engine::general_purpose::STANDARD.encode_string(&buf[..n], &mut text);
            out.write_all(text.as_bytes())?;
            if n < buf.len() {
                break;
            }
        }
        out.write_all(after.as_bytes())?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        ReelError::Write { path: path.to_path_buf(), source }
    })
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The companion files next to the audio: `<name>.vtt`, `<name>.json`, `<name>.html`.
pub struct Companions {
    pub vtt: PathBuf,
    pub json: PathBuf,
    pub html: PathBuf,
}

pub fn write_companions(
    title: &str,
    created_at: i64,
    rendered: &Rendered,
) -> Result<Companions, ReelError> {
    let base = rendered.audio.with_extension("");
    let with = |ext: &str| base.with_extension(ext);
    let (vtt_path, json_path, html_path) = (with("vtt"), with("json"), with("html"));
    write_atomic(&vtt_path, vtt(&rendered.chapters).as_bytes())?;
    write_atomic(&json_path, manifest(title, created_at, rendered).as_bytes())?;
    write_html(&html_path, title, created_at, rendered)?;
    Ok(Companions { vtt: vtt_path, json: json_path, html: html_path })
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

    #[test]
    fn vtt_times_are_zero_padded() {
        assert_eq!(vtt_time(3_723_456), "01:02:03.456");
        assert_eq!(vtt_time(5), "00:00:00.005");
    }
}
