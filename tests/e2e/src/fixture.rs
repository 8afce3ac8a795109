//! Test recordings: a sales-call-like dialogue spoken by espeak-ng in two voices, encoded by
//! ffmpeg. Real speech, so that waveforms have shape and captures have level.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Lines of the dialogue, alternating between the rep and the prospect.
const DIALOGUE: &[&str] = &[
    "Hi Dana, thanks for taking the time today. How is the quarter going for your team?",
    "Busy. We are onboarding six new reps and the ramp is slower than we hoped.",
    "What does a slow ramp cost you right now, in deals or in hours?",
    "Probably two deals a month. Our managers cannot listen to every call.",
    "If your managers could review a call in ten minutes, what would change first?",
    "We would coach the discovery questions. That is where we lose most deals.",
];

/// Writes `<dir>/<name>.mp3`: `seconds` of the dialogue (looped if needed), 44.1 kHz mono MP3.
pub fn speech_mp3(dir: &Path, name: &str, seconds: u32) -> PathBuf {
    let mut lines = Vec::new();
    for (i, text) in DIALOGUE.iter().enumerate() {
        let voice = if i % 2 == 0 { "en-us" } else { "en-gb+f2" };
        let wav = dir.join(format!("{name}-line{i}.wav"));
        run(Command::new("espeak-ng").args(["-v", voice, "-s", "165", "-w"]).arg(&wav).arg(text));
        lines.push(wav);
    }
    let dialogue = dir.join(format!("{name}-dialogue.wav"));
    run(Command::new("sox").args(&lines).arg(&dialogue));
    let mp3 = dir.join(format!("{name}.mp3"));
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i"])
        .arg(&dialogue)
        .args(["-t", &seconds.to_string(), "-ar", "44100", "-ac", "1", "-c:a", "libmp3lame"])
        .args(["-b:a", "96k"])
        .arg(&mp3));
    for wav in lines.iter().chain([&dialogue]) {
        let _ = std::fs::remove_file(wav);
    }
    mp3
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
