//! The command-line front end: the same core functions the app calls, with human output or
//! `--json`. The exit code is 0 only when everything asked for succeeded.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use gamefilm::audio::player::{ChannelMode, Player, PlayerEvent, PlayerOptions};
use gamefilm::import::{self, FileDone, ImportEvent, ImportOptions, Outcome};
use gamefilm::jobs::Job;
use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::recordings::{self, ListFilter, MetaEdit};
use gamefilm::library::reels::{self, IfEmpty, ReelQuery};
use gamefilm::library::search::{self, SearchOrder, SearchQuery};
use gamefilm::library::{LIBRARY_ENV, Library, Note, NoteKind};
use gamefilm::reel::{self, ReelFormat, RenderEvent, RenderOptions};
use gamefilm::timefmt::{
    format_date_ms, format_ms, now_ms, parse_date_ms, parse_offset_ms, parse_range_ms,
};
use indicatif::{ProgressBar, ProgressStyle};

/// `println!` for the command's output. A reader that went away (`gamefilm list | head`) ends
/// the command quietly with SIGPIPE's status, as other command-line tools do, not with a panic.
macro_rules! say {
    () => {
        say_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        say_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!`, the same way.
macro_rules! say_part {
    ($($arg:tt)*) => {
        say_fmt(format_args!($($arg)*))
    };
}

/// The exit status of a process killed by SIGPIPE (128 + 13).
const BROKEN_PIPE_STATUS: i32 = 141;

fn say_fmt(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        stdout_failed(e);
    }
}

/// Output could not be written: a closed pipe ends quietly; anything else says why.
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE_STATUS);
    }
    eprintln!("gamefilm: cannot write the output: {e}");
    std::process::exit(74);
}

#[derive(Parser)]
#[command(
    name = "gamefilm",
    version,
    about = "Coach sales calls like game film: import, note, search"
)]
struct Cli {
    /// The library file [default: ~/.local/share/gamefilm/library.sqlite]
    #[arg(long, global = true, env = LIBRARY_ENV, value_name = "PATH")]
    library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import audio files and folders (recursively)
    Import(ImportArgs),
    /// List recordings, most recent call first
    List(ListArgs),
    /// Show a recording's metadata and notes
    Show(ShowArgs),
    /// Add, edit, delete and restore notes
    #[command(subcommand)]
    Note(NoteCommand),
    /// Full-text search over notes, titles and counterparts
    Search(SearchArgs),
    /// Edit a recording's metadata ("" clears a field)
    Set(SetArgs),
    /// Play a recording (by id) or any audio file
    Play(PlayArgs),
    /// Render a highlight reel: audio, review page, chapters, manifest
    Reel(ReelArgs),
    /// Print waveform min/max columns, for checking
    Peaks(PeaksArgs),
}

// The subcommands' arguments. No doc comments on the structs: clap would take them as the
// subcommand's description, which the variants above give.

#[derive(Args)]
struct ImportArgs {
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Decoding threads (default: one per core)
    #[arg(long, default_value_t = 0)]
    threads: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ListArgs {
    #[arg(long)]
    rep: Option<String>,
    /// YYYY-MM-DD, RFC 3339, or an age such as 7d
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    until: Option<String>,
    /// Words in the title, counterpart or notes
    #[arg(long)]
    search: Option<String>,
    /// Hide calls shorter than this (e.g. 30s)
    #[arg(long, value_name = "TIME")]
    min_duration: Option<String>,
    #[arg(long, default_value_t = 200)]
    limit: i64,
    #[arg(long, default_value_t = 0)]
    offset: i64,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ShowArgs {
    id: i64,
    /// Include deleted notes
    #[arg(long)]
    deleted: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SetArgs {
    id: i64,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    rep: Option<String>,
    #[arg(long)]
    counterpart: Option<String>,
    #[arg(long)]
    outcome: Option<String>,
    /// Add a tag (repeatable)
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Remove a tag (repeatable)
    #[arg(long = "untag")]
    untags: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PlayArgs {
    /// A recording id or a file path
    target: String,
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// 0.5 to 3; pitch is kept
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Skip quiet stretches longer than about a second
    #[arg(long)]
    skip_silence: bool,
    #[arg(long, value_enum, default_value_t = ChannelArg::Mix)]
    channel: ChannelArg,
}

#[derive(Args)]
struct ReelArgs {
    /// Calls from this date or age on (default: 7d)
    #[arg(long, default_value = "7d")]
    since: String,
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    rep: Option<String>,
    /// Note kinds taken from the period (improvements are one-on-one: add them by id)
    #[arg(long, value_enum, default_value_t = KindArg::Positive)]
    kind: KindArg,
    /// Add one note by id, whatever its kind (repeatable)
    #[arg(long = "add-note", value_name = "NOTE")]
    add_notes: Vec<String>,
    #[arg(long, default_value = "Highlight reel")]
    title: String,
    /// mp3 plays everywhere and keeps the review page small; wav is lossless
    #[arg(long, value_enum, default_value_t = ReelFormatArg::Mp3)]
    format: ReelFormatArg,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PeaksArgs {
    id: i64,
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    #[arg(long, default_value_t = 80)]
    width: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum NoteCommand {
    /// Add a note: gamefilm note add 12 --at 1:23[-1:40] --kind positive "Great discovery question"
    Add {
        recording: i64,
        /// A point (1:23) or a range (1:23-1:40)
        #[arg(long, value_name = "TIME[-TIME]")]
        at: String,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long, env = "USER", default_value = "coach")]
        author: String,
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a note's time, kind or text
    Edit {
        id: String,
        #[arg(long, value_name = "TIME[-TIME]")]
        at: Option<String>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a note (undo brings it back)
    Rm { id: String },
    /// Restore a deleted note (default: the last one deleted)
    Undo { id: Option<String> },
    /// List a recording's notes
    List {
        recording: i64,
        #[arg(long)]
        deleted: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SearchArgs {
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    #[arg(long)]
    rep: Option<String>,
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    until: Option<String>,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Page number, from 1
    #[arg(long, default_value_t = 1)]
    page: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Positive,
    Improvement,
}

impl From<KindArg> for NoteKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Positive => NoteKind::Positive,
            KindArg::Improvement => NoteKind::Improvement,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ChannelArg {
    Mix,
    Left,
    Right,
}

impl From<ChannelArg> for ChannelMode {
    fn from(c: ChannelArg) -> Self {
        match c {
            ChannelArg::Mix => ChannelMode::Mix,
            ChannelArg::Left => ChannelMode::Left,
            ChannelArg::Right => ChannelMode::Right,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ReelFormatArg {
    Mp3,
    Wav,
}

impl From<ReelFormatArg> for ReelFormat {
    fn from(f: ReelFormatArg) -> Self {
        match f {
            ReelFormatArg::Mp3 => ReelFormat::Mp3,
            ReelFormatArg::Wav => ReelFormat::Wav,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Recent,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", chain_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each said once: Gamefilm's errors already put their cause in their
/// own message ("cannot read the file (No such file…)"), so a cause whose text is already there
/// is not repeated after it.
fn chain_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn open(path: Option<&std::path::Path>) -> Result<Library> {
    let path = Library::resolve_path(path)?;
    Ok(Library::open(&path)?)
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, v).map_err(std::io::Error::from);
    if let Err(e) = written.and_then(|()| writeln!(out)) {
        stdout_failed(e);
    }
    Ok(())
}

fn date_opt(s: &Option<String>) -> Result<Option<i64>> {
    Ok(s.as_deref().map(|s| parse_date_ms(s, now_ms())).transpose()?)
}

/// Runs one subcommand. Each opens the library itself (before reading its own arguments, so
/// that a library that cannot open is the error reported), except `play`, which plays a file
/// without touching the library.
fn dispatch(cli: Cli) -> Result<ExitCode> {
    let library = cli.library.as_deref();
    match cli.command {
        // The one command whose exit code reports a partial failure.
        Command::Import(a) => return cmd_import(&mut open(library)?, a),
        Command::List(a) => cmd_list(&open(library)?, a)?,
        Command::Show(a) => cmd_show(&open(library)?, a)?,
        Command::Note(c) => cmd_note(&mut open(library)?, c)?,
        Command::Search(a) => cmd_search(&open(library)?, a)?,
        Command::Set(a) => cmd_set(&mut open(library)?, a)?,
        Command::Play(a) => cmd_play(library, a)?,
        Command::Reel(a) => cmd_reel(&mut open(library)?, a)?,
        Command::Peaks(a) => cmd_peaks(&open(library)?, a)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_list(lib: &Library, a: ListArgs) -> Result<()> {
    let filter = ListFilter {
        rep: a.rep,
        since: date_opt(&a.since)?,
        until: date_opt(&a.until)?,
        search: a.search,
        min_duration_ms: a.min_duration.as_deref().map(parse_offset_ms).transpose()?,
        limit: Some(a.limit),
        offset: a.offset,
        ..Default::default()
    };
    let rows = recordings::list(lib.conn(), &filter)?;
    if a.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        say!("No recordings. Import some with: gamefilm import FOLDER");
        return Ok(());
    }
    say!(
        "{:>6}  {:<16}  {:>9}  {:<14}  {:<18}  {:>3} {:>3}  title",
        "id",
        "date",
        "length",
        "rep",
        "counterpart",
        "+",
        "Δ"
    );
    for r in rows {
        say!(
            "{:>6}  {:<16}  {:>9}  {:<14}  {:<18}  {:>3} {:>3}  {}",
            r.id,
            format_date_ms(r.call_time),
            format_ms(r.duration_ms),
            clip(r.rep.as_deref().unwrap_or("-"), 14),
            clip(r.counterpart.as_deref().unwrap_or("-"), 18),
            r.positives,
            r.improvements,
            r.title
        );
    }
    Ok(())
}

fn cmd_show(lib: &Library, a: ShowArgs) -> Result<()> {
    let rec = recordings::get(lib.conn(), a.id)?;
    let notes = notes::list(lib.conn(), a.id, a.deleted)?;
    if a.json {
        return print_json(&serde_json::json!({ "recording": rec, "notes": notes }));
    }
    say!("#{} {}", rec.id, rec.title);
    say!("  file:        {}", rec.path);
    say!(
        "  audio:       {} in {}, {} Hz, {} ch, {}",
        rec.codec,
        rec.container,
        rec.sample_rate,
        rec.channels,
        format_ms(rec.duration_ms)
    );
    say!("  call time:   {}", format_date_ms(rec.call_time));
    say!("  rep:         {}", rec.rep.as_deref().unwrap_or("-"));
    say!("  counterpart: {}", rec.counterpart.as_deref().unwrap_or("-"));
    say!("  outcome:     {}", rec.outcome.as_deref().unwrap_or("-"));
    say!("  tags:        {}", if rec.tags.is_empty() { "-".into() } else { rec.tags.join(", ") });
    say!("  notes:       {}", notes.len());
    for n in &notes {
        print_note(n);
    }
    Ok(())
}

fn cmd_set(lib: &mut Library, a: SetArgs) -> Result<()> {
    let edit = MetaEdit {
        title: a.title,
        rep: a.rep,
        counterpart: a.counterpart,
        outcome: a.outcome,
        add_tags: a.tags,
        remove_tags: a.untags,
    };
    let rec = recordings::update_meta(lib, a.id, &edit)?;
    if a.json {
        print_json(&rec)
    } else {
        say!("Updated #{} {}", rec.id, rec.title);
        Ok(())
    }
}

/// Plays a recording by id, or any file by path; a number that names an existing file is the
/// file. Only an id opens the library.
fn cmd_play(library: Option<&std::path::Path>, a: PlayArgs) -> Result<()> {
    let from_ms = a.from.as_deref().map(parse_offset_ms).transpose()?.unwrap_or(0);
    let to_ms = a.to.as_deref().map(parse_offset_ms).transpose()?;
    // A recording of the library plays inside itself, as in the app; a file as asked.
    let (path, span) = match a.target.parse::<i64>() {
        Ok(id) if !std::path::Path::new(&a.target).exists() => {
            let lib = open(library)?;
            let rec = recordings::get(lib.conn(), id)?;
            (rec.file, PlayerOptions::within(rec.duration_ms, from_ms, to_ms))
        }
        _ => (PathBuf::from(&a.target), PlayerOptions { from_ms, to_ms, ..Default::default() }),
    };
    let opts = PlayerOptions {
        speed: a.speed,
        skip_silence: a.skip_silence,
        channel: a.channel.into(),
        ..span
    };
    play(&path, opts)
}

/// Plans and saves the reel (as the app does), then renders it named after its title.
fn cmd_reel(lib: &mut Library, a: ReelArgs) -> Result<()> {
    let q = ReelQuery {
        since_ms: Some(parse_date_ms(&a.since, now_ms())?),
        until_ms: date_opt(&a.until)?,
        rep: a.rep,
        kinds: vec![a.kind.into()],
        note_ids: a.add_notes,
    };
    let saved = reels::create(lib, &a.title, &q, IfEmpty::Refuse)?;
    let clips = reels::clips_for_render(lib.conn(), saved.id)?;
    let bar = ProgressBar::new(clips.len() as u64);
    let opts = RenderOptions::new(a.out, a.format.into(), &saved.title, saved.created_at);
    let progress = {
        let bar = bar.clone();
        Job::new(move |RenderEvent::Progress { done, .. }| bar.set_position(done as u64))
    };
    let rendered = reel::render(&clips, &opts, &progress)?;
    bar.finish_and_clear();
    let reel_id = saved.id;
    if a.json {
        return print_json(&serde_json::json!({
            "reelId": reel_id,
            "audio": rendered.audio, "html": rendered.html, "vtt": rendered.vtt,
            "json": rendered.json, "durationMs": rendered.duration_ms,
            "chapters": rendered.chapters,
        }));
    }
    say!(
        "{} clips, {} → {}",
        rendered.chapters.len(),
        format_ms(rendered.duration_ms),
        rendered.audio.display()
    );
    say!("review page: {}", rendered.html.display());
    say!("saved as reel {reel_id}");
    Ok(())
}

fn cmd_peaks(lib: &Library, a: PeaksArgs) -> Result<()> {
    let rec = recordings::get(lib.conn(), a.id)?;
    let peaks = recordings::load_peaks(lib.conn(), a.id)?;
    let from_ms = a.from.as_deref().map(parse_offset_ms).transpose()?.unwrap_or(0);
    let to_ms = a.to.as_deref().map(parse_offset_ms).transpose()?.unwrap_or(rec.duration_ms);
    if to_ms <= from_ms || from_ms > rec.duration_ms {
        bail!(
            "--from/--to: {}..{} is not a span inside the recording (0:00.000 to {})",
            format_ms(from_ms),
            format_ms(to_ms),
            format_ms(rec.duration_ms)
        );
    }
    let width = a.width;
    if width == 0 || width > 100_000 {
        bail!("--width: {width} is not between 1 and 100000");
    }
    let to_frame = |ms: i64| (ms as f64 * rec.sample_rate as f64 / 1000.0).round() as u64;
    let cols = gamefilm::audio::peaks::columns(&peaks, to_frame(from_ms), to_frame(to_ms), width);
    let ch = rec.channels as usize;
    // One row per column: its start time and, per channel, [min, max].
    let rows: Vec<_> = cols
        .chunks(ch)
        .enumerate()
        .map(|(i, c)| {
            let t = from_ms + ((to_ms - from_ms) as f64 * i as f64 / width as f64) as i64;
            (t, c.iter().map(|&(lo, hi)| [lo, hi]).collect::<Vec<_>>())
        })
        .collect();
    if a.json {
        let v: Vec<_> =
            rows.iter().map(|(t, c)| serde_json::json!({ "ms": t, "channels": c })).collect();
        return print_json(&v);
    }
    for (t, c) in rows {
        let cells: Vec<String> = c.iter().map(|[lo, hi]| format!("{lo:+.4} {hi:+.4}")).collect();
        say!("{:>12}  {}", format_ms(t), cells.join("   "));
    }
    Ok(())
}

fn play(path: &std::path::Path, opts: PlayerOptions) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let player = Player::open(path, opts, Job::new(move |e| drop(tx.send(e))))?;
    let total = player.duration_ms();
    let device = player.device();
    eprintln!(
        "Playing {} ({} Hz, {} ch output)",
        path.display(),
        device.sample_rate,
        device.channels
    );
    let mut last_print = std::time::Instant::now();
    for event in rx {
        match event {
            PlayerEvent::Position { ms } => {
                if last_print.elapsed() >= std::time::Duration::from_millis(500) {
                    last_print = std::time::Instant::now();
                    eprint!("\r  {} / {}   ", format_ms(ms), format_ms(total));
                }
            }
            PlayerEvent::Ended => {
                eprintln!("\r  {} / {}   done", format_ms(player.position_ms()), format_ms(total));
                break;
            }
            PlayerEvent::Failed { message, .. } => bail!("playback stopped: {message}"),
        }
    }
    let underruns = player.underruns();
    player.stop();
    if underruns > 0 {
        eprintln!("({underruns} buffer underruns)");
    }
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

fn print_note(n: &Note) {
    let when = match n.end_ms {
        Some(end) => format!("{}-{}", format_ms(n.start_ms), format_ms(end)),
        None => format_ms(n.start_ms),
    };
    let mark = if n.kind == NoteKind::Positive { "+" } else { "Δ" };
    let deleted = if n.deleted_at.is_some() { " (deleted)" } else { "" };
    say!("  {mark} {when:<21} {:<12} {}  [{}]{deleted}", n.kind.as_str(), n.text, n.id);
}

fn cmd_note(lib: &mut Library, cmd: NoteCommand) -> Result<()> {
    match cmd {
        NoteCommand::Add { recording, at, kind, author, text, json } => {
            let (start_ms, end_ms) = parse_range_ms(&at)?;
            let note = notes::create(
                lib,
                &NewNote {
                    recording_id: recording,
                    start_ms,
                    end_ms,
                    kind: kind.into(),
                    text: text.join(" "),
                    author,
                },
            )?;
            if json { print_json(&note)? } else { print_note(&note) }
        }
        NoteCommand::Edit { id, at, kind, text, json } => {
            let mut edit = NoteEdit { kind: kind.map(Into::into), text, ..Default::default() };
            if let Some(at) = at {
                let (s, e) = parse_range_ms(&at)?;
                edit.start_ms = Some(s);
                edit.end_ms = Some(e);
            }
            let note = notes::edit(lib, &id, &edit)?;
            if json { print_json(&note)? } else { print_note(&note) }
        }
        NoteCommand::Rm { id } => {
            let note = notes::delete(lib, &id)?;
            say!("Deleted note {} (undo with: gamefilm note undo {})", note.id, note.id);
        }
        NoteCommand::Undo { id } => {
            let note = notes::undo_delete(lib, id.as_deref())?;
            say_part!("Restored:");
            print_note(&note);
        }
        NoteCommand::List { recording, deleted, json } => {
            let list = notes::list(lib.conn(), recording, deleted)?;
            if json {
                print_json(&list)?;
            } else {
                list.iter().for_each(print_note);
            }
        }
    }
    Ok(())
}

fn cmd_search(lib: &Library, a: SearchArgs) -> Result<()> {
    if a.page == 0 {
        bail!("--page: pages count from 1");
    }
    let q = SearchQuery {
        text: a.query.join(" "),
        rep: a.rep,
        kind: a.kind.map(Into::into),
        since: date_opt(&a.since)?,
        until: date_opt(&a.until)?,
        order: match a.sort {
            SortArg::Relevance => SearchOrder::Relevance,
            SortArg::Recent => SearchOrder::Recent,
        },
        limit: a.limit,
        offset: (a.page - 1) * a.limit,
    };
    let page = search::search(lib.conn(), &q)?;
    if a.json {
        return print_json(&page);
    }
    if page.hits.is_empty() {
        say!("No matches.");
    }
    for h in &page.hits {
        let date = format_date_ms(h.call_time);
        match &h.hit {
            search::Hit::Note { note, recording_title } => say!(
                "{date}  #{:<5} {:>9}  {:<11} {}  — {recording_title}  [{}]",
                note.recording_id,
                format_ms(note.start_ms),
                note.kind.as_str(),
                note.text,
                note.id
            ),
            search::Hit::Recording { recording_id, title, counterpart } => say!(
                "{date}  #{recording_id:<5} recording  {title}{}",
                counterpart.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
            ),
        }
    }
    if page.has_more {
        say!("… more on --page {}", a.page + 1);
    }
    Ok(())
}

/// One line per file, as `gamefilm import` prints them.
fn file_line(path: &str, result: &FileDone) -> String {
    match result {
        FileDone::Imported { id, duration_ms } => {
            format!("imported   #{id:<6} {path} ({})", format_ms(*duration_ms))
        }
        FileDone::Relinked { id, old_path } => {
            format!("relinked   #{id:<6} {path} (was {old_path})")
        }
        FileDone::Duplicate { id, existing_path } => {
            format!("duplicate  #{id:<6} {path} (same content as {existing_path})")
        }
        FileDone::AlreadyImported { id } => format!("unchanged  #{id:<6} {path}"),
        FileDone::Failed { message, .. } => format!("failed     {message}"),
    }
}

/// The progress bar follows the import and, unless `lines` is off, a line is printed for each
/// file as it finishes (so a file reported imported is in the library, even if the import is
/// killed right after): the job lets every file through.
fn import_progress(bar: &ProgressBar, lines: bool) -> Job<ImportEvent> {
    let bar = bar.clone();
    Job::new(move |e| match e {
        ImportEvent::Discovered { files } => bar.set_length(files as u64),
        ImportEvent::File { done, path, result, .. } => {
            bar.set_position(done as u64);
            bar.set_message(
                std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            if lines {
                let line = file_line(&path, &result);
                if bar.is_hidden() { say!("{line}") } else { bar.println(line) }
            }
        }
    })
    .every(std::time::Duration::ZERO)
}

fn cmd_import(lib: &mut Library, a: ImportArgs) -> Result<ExitCode> {
    let ImportArgs { paths, threads, json } = a;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} {elapsed_precise} ETA {eta} {wide_msg}",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let progress = import_progress(&bar, !json);
    let opts = ImportOptions { threads, ..Default::default() };
    let report = import::import(lib, &paths, &opts, &progress)?;
    bar.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        say!(
            "{} imported, {} relinked, {} duplicates, {} failed",
            report.imported(),
            report.relinked(),
            report.duplicates(),
            report.failed()
        );
        for r in &report.files {
            if let Outcome::Failed { error, .. } = &r.outcome {
                say!("  failed: {error}");
            }
        }
    }
    Ok(if report.failed() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
