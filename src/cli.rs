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
use gamefilm::library::interchange::{self, NotesFormat};
use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::progress::{self, ProgressQuery};
use gamefilm::library::recordings::{self, ListFilter, MetaEdit};
use gamefilm::library::reels::{self, IfEmpty, ReelQuery};
use gamefilm::library::search::{self, SearchOrder, SearchQuery};
use gamefilm::library::steps::{self, NewStep, Step, StepFilter, StepState};
use gamefilm::library::{
    LIBRARY_ENV, Library, Note, NoteKind, Person, Role, focus, insights, people, reviews,
};
use gamefilm::pack;
use gamefilm::reel::{self, ReelFormat, RenderEvent, RenderOptions};
use gamefilm::team;
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
    /// Act as this person of the library [default: the library's default person]
    #[arg(long = "as", global = true, value_name = "NAME")]
    as_name: Option<String>,
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
    /// Edit the metadata of one or more recordings ("" clears a field)
    Set(SetArgs),
    /// The library's people: who coaches, who is coached, who is using it
    #[command(subcommand)]
    People(PeopleCommand),
    /// Mark a call reviewed (as a coach): one focus area and a short summary
    Review(ReviewArgs),
    /// Write your self-assessment of a call (as a rep): the one thing to improve, and your words
    Assess(AssessArgs),
    /// The focus areas a review names one of
    #[command(subcommand)]
    Focus(FocusCommand),
    /// Next steps: add, list, mark done, export to a calendar
    #[command(subcommand)]
    Steps(StepsCommand),
    /// Per rep and week: calls reviewed, notes, focus area, steps done on time, hit rate
    Progress(ProgressArgs),
    /// Play a recording (by id) or any audio file
    Play(PlayArgs),
    /// Render a highlight reel: audio, review page, chapters, manifest
    Reel(ReelArgs),
    /// Print waveform min/max columns, for checking
    Peaks(PeaksArgs),
    /// Review packs: calls, notes and answers carried between two libraries in one file
    #[command(subcommand)]
    Pack(PackCommand),
    /// The team library on PostgreSQL: join a team, sync, status, logins for people
    #[command(subcommand)]
    Team(TeamCommand),
    /// Watch folders: import new recordings as they appear, once whole (Ctrl+C stops)
    Watch {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Seconds a file must stay unchanged (size and time) before it is imported
        #[arg(long, default_value_t = 2.0)]
        settle: f64,
        /// One JSON object a line, for every file
        #[arg(long)]
        json: bool,
    },
    /// Point a call at its file again (moved, or never here): the same content only
    Relocate { id: i64, file: PathBuf },
    /// Take calls out of the library (their files stay on disk); `restore` brings them back
    Remove {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
    },
    /// Bring removed calls back into the library
    Restore {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
    },
    /// A call's insights from its two channels: talk ratio, monologue, story, patience…
    Stats {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Measure who speaks when on calls imported before insights (resumable; Ctrl+C stops)
    Analyse,
    /// The library's settings: gamefilm settings set rep-channel left|right
    #[command(subcommand)]
    Settings(SettingsCommand),
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Set one: rep-channel (left or right: which channel of a stereo call is the rep)
    Set { key: String, value: String },
    /// Print them
    Get {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PackCommand {
    /// Write a pack for a person: gamefilm pack export --for Dana --out dana.gamefilm
    Export {
        /// Who the pack is for (a rep receives only what they may see)
        #[arg(long = "for", value_name = "PERSON")]
        for_person: String,
        /// Only these calls [default: what changed for them since the last pack]
        #[arg(long, num_args = 1.., value_name = "ID")]
        calls: Option<Vec<i64>>,
        /// Only calls of this period: an age (7d, 2w) or a date
        #[arg(long, value_name = "AGE")]
        since: Option<String>,
        /// Leave the audio out (the recipient sees waveforms and notes, and cannot play)
        #[arg(long)]
        without_audio: bool,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Merge a pack into this library (exit code 0 only when all of it was merged)
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Join this library to a team database (the password in the URL, or PGPASSWORD):
    /// gamefilm team connect postgres://USER:PASSWORD@HOST:PORT/DATABASE
    Connect {
        url: String,
        #[arg(long)]
        json: bool,
    },
    /// One push-and-pull round, then exit (exit code 0 when in sync)
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Whether the server answers, what waits to be pushed, the last sync and its error
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Give a person a login of their own (needs an administrator's login); prints their URL
    AddPerson {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        json: bool,
    },
    /// Leave the team: forget its URL and password (the library keeps what it holds)
    Disconnect,
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
    /// Skip measuring who speaks when (call insights); `gamefilm analyse` does it later
    #[arg(long)]
    no_insights: bool,
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
    /// Only calls with this outcome
    #[arg(long, value_name = "OUTCOME")]
    outcome: Option<String>,
    /// Only calls with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only calls whose talk ratio (rep speech ÷ all speech) is above this: 0.65 or 65%
    #[arg(long, value_name = "RATIO")]
    talk_above: Option<String>,
    /// Hide one-sided calls (voicemail, no answer, hold music)
    #[arg(long)]
    hide_one_sided: bool,
    /// Only calls no coach has marked reviewed
    #[arg(long)]
    unreviewed: bool,
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
    #[arg(required = true, num_args = 1..)]
    ids: Vec<i64>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    rep: Option<String>,
    #[arg(long)]
    counterpart: Option<String>,
    /// meeting-booked, next-step, not-interested, no-answer (voicemail too) or other
    #[arg(long)]
    outcome: Option<String>,
    /// Add a tag (repeatable)
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Remove a tag (repeatable)
    #[arg(long = "untag")]
    untags: Vec<String>,
    /// Which channel is the rep on these calls: left or right ("" for the library's setting)
    #[arg(long, value_name = "left|right")]
    rep_channel: Option<String>,
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
enum PeopleCommand {
    /// Add a person: gamefilm people add Dana --role rep
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Make them the library's default person too
        #[arg(long = "default")]
        make_default: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the people, the default person marked
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make someone the library's default person (who the app and the CLI act as)
    Default { name: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Coach,
    Rep,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Coach => Role::Coach,
            RoleArg::Rep => Role::Rep,
        }
    }
}

#[derive(Args)]
struct ReviewArgs {
    id: i64,
    /// The one focus area (see: gamefilm focus list)
    #[arg(long, value_name = "AREA")]
    focus: String,
    #[arg(long, default_value = "")]
    summary: String,
    /// Close the rep's previous focus area: achieved
    #[arg(long)]
    close_previous: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct AssessArgs {
    id: i64,
    /// The one thing to improve (a focus area)
    #[arg(long, value_name = "AREA")]
    focus: String,
    #[arg(num_args = 0..)]
    text: Vec<String>,
    /// Keep it as a private draft; without it the assessment is submitted
    #[arg(long)]
    draft: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum FocusCommand {
    /// Add a focus area to the list
    Add { name: String },
    /// List the focus areas
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum StepsCommand {
    /// Add a next step: gamefilm steps add --owner Dana --due 2026-12-01 "Send the pricing"
    Add {
        #[arg(long, value_name = "NAME")]
        owner: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        due: String,
        /// The call it is about
        #[arg(long, value_name = "ID")]
        call: Option<i64>,
        /// The moment of the call
        #[arg(long, value_name = "TIME", requires = "call")]
        at: Option<String>,
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// List next steps, soonest due first
    List {
        /// Open steps due before today only
        #[arg(long)]
        overdue: bool,
        /// Open steps only
        #[arg(long)]
        open: bool,
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Mark a step done today
    Done {
        id: String,
        /// What came of it
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Drop a step (no longer worth doing)
    Drop { id: String },
    /// Export one step, or every open step, as an iCalendar file
    Ics {
        id: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct ProgressArgs {
    #[arg(long, value_name = "NAME")]
    rep: Option<String>,
    #[arg(long, default_value_t = 12)]
    weeks: u32,
    /// CSV, one row per rep and week
    #[arg(long, conflicts_with = "json")]
    csv: bool,
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
        /// Write as this person (the same as the global --as)
        #[arg(long, value_name = "NAME")]
        author: Option<String>,
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
    /// Write calls' notes as Audacity labels, WebVTT, SRT or CSV
    Export {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<i64>,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Add notes to a call from Audacity labels or CSV (all or none)
    Import {
        id: i64,
        file: PathBuf,
        /// The kind of rows that name none
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Audacity,
    Vtt,
    Srt,
    Csv,
}

impl From<FormatArg> for NotesFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Audacity => NotesFormat::Audacity,
            FormatArg::Vtt => NotesFormat::Vtt,
            FormatArg::Srt => NotesFormat::Srt,
            FormatArg::Csv => NotesFormat::Csv,
        }
    }
}

#[derive(Args)]
struct SearchArgs {
    /// Words to find; the last is a prefix as typed (`pric` finds "pricing"). None: every note
    /// that passes the filters, most recent call first.
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

/// The open library and who is using it.
struct Ctx {
    lib: Library,
    as_name: Option<String>,
}

impl Ctx {
    /// Who reads: `--as`, else the default person; a library nobody was introduced to reads as
    /// a coach would (everything but drafts).
    fn viewer(&self) -> Result<Person> {
        Ok(people::current(self.lib.conn(), self.as_name.as_deref())?.unwrap_or_else(|| Person {
            id: String::new(),
            name: user_name(),
            role: Role::Coach,
            key: -1,
        }))
    }

    /// Who writes: `--as`, else the default person, else (a library with nobody chosen) a coach
    /// named after `$USER`, added and made the default, which is said.
    fn actor(&mut self) -> Result<Person> {
        let (p, added) =
            people::current_or_user(&mut self.lib, self.as_name.as_deref(), &user_name())?;
        if added {
            eprintln!(
                "Added {} as a coach and made them this library's default person (pick another with --as NAME, or: gamefilm people default NAME)",
                p.name
            );
        }
        Ok(p)
    }
}

/// The login name, the name a first CLI write adds its coach under.
fn user_name() -> String {
    std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "Coach".into())
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
    let as_name = cli.as_name;
    let ctx = |lib: Library| Ctx { lib, as_name: as_name.clone() };
    match cli.command {
        // The one command whose exit code reports a partial failure.
        Command::Import(a) => return cmd_import(&mut open(library)?, a),
        Command::List(a) => cmd_list(&ctx(open(library)?), a)?,
        Command::Show(a) => cmd_show(&ctx(open(library)?), a)?,
        Command::Note(c) => cmd_note(&mut ctx(open(library)?), c)?,
        Command::Search(a) => cmd_search(&ctx(open(library)?), a)?,
        Command::Set(a) => cmd_set(&mut ctx(open(library)?), a)?,
        Command::People(c) => cmd_people(&mut open(library)?, c)?,
        Command::Review(a) => cmd_review(&mut ctx(open(library)?), a)?,
        Command::Assess(a) => cmd_assess(&mut ctx(open(library)?), a)?,
        Command::Focus(c) => cmd_focus(&mut ctx(open(library)?), c)?,
        Command::Steps(c) => cmd_steps(&mut ctx(open(library)?), c)?,
        Command::Progress(a) => cmd_progress(&ctx(open(library)?), a)?,
        Command::Play(a) => cmd_play(library, as_name.as_deref(), a)?,
        Command::Reel(a) => cmd_reel(&mut ctx(open(library)?), a)?,
        Command::Peaks(a) => cmd_peaks(&ctx(open(library)?), a)?,
        Command::Pack(c) => cmd_pack(&mut ctx(open(library)?), c)?,
        Command::Team(c) => return cmd_team(&mut open(library)?, c),
        Command::Watch { dirs, settle, json } => {
            if !(0.0..=3600.0).contains(&settle) {
                bail!("--settle: {settle} is not between 0 and 3600 seconds");
            }
            let mut lib = open(library)?;
            let opts = import::watch::WatchOptions {
                settle: std::time::Duration::from_secs_f64(settle),
                ..Default::default()
            };
            let stop = gamefilm::jobs::CancelFlag::default();
            import::watch::watch(&mut lib, &dirs, &opts, &stop, |e| match e {
                import::watch::WatchEvent::Ready { found } if !json => say!(
                    "Watching {} (found {found} recordings already there); new ones are imported \
                     once unchanged for {settle} s. Ctrl+C stops.",
                    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
                import::watch::WatchEvent::Ready { .. } => {}
                import::watch::WatchEvent::File { path, result } => {
                    let shown = path.display().to_string();
                    if json {
                        let line = serde_json::json!({ "path": shown, "result": result });
                        say!("{line}");
                    } else if !matches!(result, FileDone::AlreadyImported { .. }) {
                        say!("{}", file_line(&shown, &result));
                    }
                }
                import::watch::WatchEvent::Warning(w) => eprintln!("warning: {w}"),
                import::watch::WatchEvent::Batch { .. } => {}
            })?;
        }
        Command::Relocate { id, file } => {
            let mut c = ctx(open(library)?);
            let scope = c.viewer()?.scope();
            import::locate(&mut c.lib, scope, id, &file)?;
            say!("#{id} plays from {} again", file.display());
        }
        Command::Stats { id, json } => {
            let c = ctx(open(library)?);
            let stats = insights::stats(c.lib.conn(), c.viewer()?.scope(), id)?;
            if json {
                print_json(&stats)?;
            } else {
                print_stats(&stats);
            }
        }
        Command::Analyse => {
            let mut lib = open(library)?;
            let bar = ProgressBar::new(0);
            let job = {
                let bar = bar.clone();
                Job::new(move |p: import::VoiceProgress| {
                    bar.set_length(p.total as u64);
                    bar.set_position(p.done as u64);
                })
            };
            // Ctrl+C ends the process: every call done is already in its own transaction.
            let done = import::analyse_voice(&mut lib, &job)?;
            bar.finish_and_clear();
            for f in &done.failed {
                eprintln!("#{}: {}", f.id, f.message);
            }
            say!("{} calls analysed, {} failed", done.refined, done.failed.len());
        }
        Command::Settings(SettingsCommand::Set { key, value }) => {
            let mut lib = open(library)?;
            match key.as_str() {
                "rep-channel" => {
                    let ch: insights::RepChannel = value.parse()?;
                    insights::set_library_rep_channel(&mut lib, ch)?;
                    say!(
                        "The rep is on the {} channel of stereo calls (a call's own setting wins)",
                        ch.as_str()
                    );
                }
                other => bail!("unknown setting '{other}': the settings are rep-channel"),
            }
        }
        Command::Settings(SettingsCommand::Get { json }) => {
            let lib = open(library)?;
            let ch = insights::library_rep_channel(lib.conn())?;
            if json {
                print_json(&serde_json::json!({ "repChannel": ch }))?;
            } else {
                say!("rep-channel  {}", ch.as_str());
            }
        }
        Command::Remove { ids } => {
            let mut c = ctx(open(library)?);
            let scope = c.viewer()?.scope();
            for id in recordings::remove(&mut c.lib, scope, &ids)? {
                say!(
                    "Removed #{id} from the library (its file stays; gamefilm restore {id} brings it back)"
                );
            }
        }
        Command::Restore { ids } => {
            let mut c = ctx(open(library)?);
            let scope = c.viewer()?.scope();
            for id in recordings::restore(&mut c.lib, scope, &ids)? {
                let rec = recordings::get(c.lib.conn(), id)?;
                say!("Restored #{id} {}", rec.title);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let lib = &ctx.lib;
    let filter = ListFilter {
        outcome: a.outcome.as_deref().map(str::parse).transpose()?,
        unreviewed_only: a.unreviewed,
        tag: a.tag,
        talk_ratio_above: a.talk_above.as_deref().map(parse_ratio).transpose()?,
        hide_one_sided: a.hide_one_sided,
        rep: a.rep,
        since: date_opt(&a.since)?,
        until: date_opt(&a.until)?,
        search: a.search,
        min_duration_ms: a.min_duration.as_deref().map(parse_offset_ms).transpose()?,
        limit: Some(a.limit),
        offset: a.offset,
        ..Default::default()
    };
    let rows = recordings::list(lib.conn(), ctx.viewer()?.scope(), &filter)?;
    if a.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        say!("No recordings. Import some with: gamefilm import FOLDER");
        return Ok(());
    }
    say!(
        "{:>6}  {:<16}  {:>9}  {:<14}  {:<18}  {:>3} {:>3}  {:<8}  {:<14}  {:>5}  title",
        "id",
        "date",
        "length",
        "rep",
        "counterpart",
        "+",
        "Δ",
        "reviewed",
        "outcome",
        "talk"
    );
    for r in rows {
        say!(
            "{:>6}  {:<16}  {:>9}  {:<14}  {:<18}  {:>3} {:>3}  {:<8}  {:<14}  {:>5}  {}",
            r.id,
            format_date_ms(r.call_time),
            format_ms(r.duration_ms),
            clip(r.rep.as_deref().unwrap_or("-"), 14),
            clip(r.counterpart.as_deref().unwrap_or("-"), 18),
            r.positives,
            r.improvements,
            if r.reviewed { "yes" } else { "-" },
            r.outcome.map(|o| o.as_str()).unwrap_or("-"),
            if r.one_sided {
                "1-sd".to_string()
            } else {
                r.talk_ratio.map(|t| format!("{:.0}%", t * 100.0)).unwrap_or("-".into())
            },
            r.title
        );
    }
    Ok(())
}

fn cmd_show(ctx: &Ctx, a: ShowArgs) -> Result<()> {
    let lib = &ctx.lib;
    let viewer = ctx.viewer()?;
    let view = recordings::call_view(lib.conn(), &viewer, a.id)?;
    let rec = view.recording;
    let notes =
        if a.deleted { notes::list(lib.conn(), viewer.scope(), a.id, true)? } else { view.notes };
    if a.json {
        return print_json(&serde_json::json!({
            "recording": rec,
            "notes": notes,
            "replies": view.replies,
            "review": view.review,
            "selfAssessment": view.self_assessment,
            "reviewed": view.reviewed,
            "revealed": view.revealed,
            "assessFirst": view.assess_first,
        }));
    }
    say!("#{} {}", rec.id, rec.title);
    say!("  file:        {}", rec.path.as_deref().unwrap_or("(audio not on this machine)"));
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
    say!("  outcome:     {}", rec.outcome.map(|o| o.as_str()).unwrap_or("-"));
    say!("  tags:        {}", if rec.tags.is_empty() { "-".into() } else { rec.tags.join(", ") });
    match &view.review {
        Some(r) => {
            say!("  reviewed by: {} — focus: {}", r.author, r.focus_area);
            if !r.summary.is_empty() {
                say!("  summary:     {}", r.summary);
            }
            if r.kaizen_warning {
                say!("  kaizen:      {} improvement notes — one step at a time", r.improvements);
            }
        }
        None if view.reviewed => say!("  reviewed:    yes (assess it first to see the review)"),
        None => say!("  reviewed:    not yet"),
    }
    if let Some(s) = &view.self_assessment {
        let state = if s.submitted_at.is_some() { "submitted" } else { "draft" };
        say!("  self-assessment ({state}) by {} — focus: {}", s.author, s.focus_area);
        if !s.text.is_empty() {
            say!("               {}", s.text);
        }
    }
    if view.assess_first {
        say!(
            "  assess first: gamefilm assess {} --focus AREA \"what you would do differently\"",
            rec.id
        );
    }
    say!("  notes:       {}", notes.len());
    for n in &notes {
        print_note(n);
    }
    Ok(())
}

fn cmd_team(lib: &mut Library, c: TeamCommand) -> Result<ExitCode> {
    let in_sync = |r: &team::SyncReport| {
        if r.pending == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) }
    };
    match c {
        TeamCommand::Connect { url, json } => {
            let password = std::env::var("PGPASSWORD").ok();
            let r = team::connect(lib, &url, password.as_deref())?;
            if json {
                print_json(&r)?;
            } else {
                say!("Joined the team: {} records pushed, {} pulled", r.pushed, r.pulled);
            }
            Ok(in_sync(&r))
        }
        TeamCommand::Sync { json } => {
            let r = team::sync(lib)?;
            if json {
                print_json(&r)?;
            } else {
                say!("Pushed {}, pulled {}, {} left to push", r.pushed, r.pulled, r.pending);
            }
            Ok(in_sync(&r))
        }
        TeamCommand::Status { json } => {
            let s = team::status(lib, true)?;
            if json {
                print_json(&s)?;
            } else {
                match &s.url {
                    None => say!("Not joined to a team (gamefilm team connect postgres://…)"),
                    Some(url) => say!(
                        "{url}: {}; {} changes to push; last sync {}{}",
                        if s.connected { "connected" } else { "not reachable" },
                        s.pending,
                        s.last_sync_at.map_or("never".into(), format_date_ms),
                        s.last_error
                            .as_deref()
                            .map_or(String::new(), |e| format!("; last error: {e}"))
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::AddPerson { name, role, json } => {
            let login = team::add_person(lib, &name, role.into())?;
            if json {
                print_json(&login)?;
            } else {
                say!("{} can connect with:\n  gamefilm team connect '{}'", login.person, login.url);
            }
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::Disconnect => {
            team::disconnect(lib)?;
            say!("Left the team; the library keeps everything it holds");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn cmd_set(ctx: &mut Ctx, a: SetArgs) -> Result<()> {
    ctx.actor()?.require_coach("changing a call's details")?;
    let lib = &mut ctx.lib;
    let edit = MetaEdit {
        title: a.title,
        rep: a.rep,
        counterpart: a.counterpart,
        outcome: a.outcome,
        add_tags: a.tags,
        remove_tags: a.untags,
        rep_channel: a.rep_channel,
    };
    let recs = recordings::update_meta_many(lib, &a.ids, &edit)?;
    // Saved; a new rep's calls then have their notes re-indexed under it (search is exact
    // meanwhile, only slower for those calls).
    search::refresh_all_rep_facets(lib)?;
    if a.json {
        return if recs.len() == 1 { print_json(&recs[0]) } else { print_json(&recs) };
    }
    for rec in recs {
        say!("Updated #{} {}", rec.id, rec.title);
    }
    Ok(())
}

/// A share typed as 0.65 or 65%.
fn parse_ratio(s: &str) -> Result<f64> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    };
    match v {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => bail!("--talk-above: '{s}' is not a share: use 0.65 or 65%"),
    }
}

fn print_stats(s: &insights::Stats) {
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.0} %", v * 100.0));
    let secs =
        |v: Option<i64>| v.map_or("-".to_string(), |v| format!("{:.1} s", v as f64 / 1000.0));
    if !s.analysed {
        say!(
            "#{}: not analysed yet (imported before insights): run gamefilm analyse",
            s.recording_id
        );
        return;
    }
    say!(
        "rep channel        {}{}",
        s.rep_channel.as_str(),
        if s.rep_channel_overridden { " (this call)" } else { " (the library's)" }
    );
    if !s.stereo {
        say!("talk ratio         - (mono: one channel, no sides to tell apart)");
    } else {
        say!("talk ratio         {}  = rep speech ÷ (rep + customer speech)", pct(s.talk_ratio));
        say!(
            "longest monologue  {}  = the rep's longest turn (own pauses < 1.5 s bridged; customer 'mm-hm' < 1 s ignored)",
            secs(s.longest_monologue_ms)
        );
        say!(
            "longest story      {}  = the customer's longest turn, the same way",
            secs(s.longest_story_ms)
        );
        say!(
            "switches / minute  {}  = changes of who holds the floor per minute",
            s.switches_per_minute.map_or("-".into(), |v| format!("{v:.1}"))
        );
        say!(
            "patience           {}  = median gap from the customer stopping to the rep starting (positive gaps only)",
            secs(s.patience_ms)
        );
        say!(
            "interruptions      {}  = rep turns starting while the customer's runs",
            s.interruptions.map_or("-".into(), |v| v.to_string())
        );
        say!("overtalk           {}  = share of the call when both speak", pct(s.overtalk_ratio));
    }
    say!("silence            {}  = share of the call when nobody speaks", pct(s.silence_ratio));
    if s.one_sided {
        say!(
            "one-sided          yes: a side has under 5 s of speech (voicemail, no answer, hold music)"
        );
    }
}

/// Plays a recording by id, or any file by path; a number that names an existing file is the
/// file. Only an id opens the library.
fn cmd_play(library: Option<&std::path::Path>, as_name: Option<&str>, a: PlayArgs) -> Result<()> {
    let from_ms = a.from.as_deref().map(parse_offset_ms).transpose()?.unwrap_or(0);
    let to_ms = a.to.as_deref().map(parse_offset_ms).transpose()?;
    // A recording of the library plays inside itself, as in the app; a file as asked.
    let (path, span) = match a.target.parse::<i64>() {
        Ok(id) if !std::path::Path::new(&a.target).exists() => {
            let ctx = Ctx { lib: open(library)?, as_name: as_name.map(str::to_string) };
            let rec = recordings::get_scoped(ctx.lib.conn(), ctx.viewer()?.scope(), id)?;
            (
                rec.audio_file()?.to_path_buf(),
                PlayerOptions::within(rec.duration_ms, from_ms, to_ms),
            )
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
fn cmd_reel(ctx: &mut Ctx, a: ReelArgs) -> Result<()> {
    let scope = ctx.actor()?.scope();
    let lib = &mut ctx.lib;
    let q = ReelQuery {
        since_ms: Some(parse_date_ms(&a.since, now_ms())?),
        until_ms: date_opt(&a.until)?,
        rep: a.rep,
        kinds: vec![a.kind.into()],
        note_ids: a.add_notes,
    };
    let saved = reels::create(lib, scope, &a.title, &q, IfEmpty::Refuse)?;
    let clips = reels::clips_for_render(lib.conn(), scope, saved.id)?;
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

fn cmd_peaks(ctx: &Ctx, a: PeaksArgs) -> Result<()> {
    let lib = &ctx.lib;
    let rec = recordings::get_scoped(lib.conn(), ctx.viewer()?.scope(), a.id)?;
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

fn cmd_note(ctx: &mut Ctx, cmd: NoteCommand) -> Result<()> {
    if let NoteCommand::Add { author: Some(author), .. } = &cmd {
        ctx.as_name = Some(author.clone());
    }
    if let NoteCommand::Export { ids, format, out } = &cmd {
        let text =
            interchange::export(ctx.lib.conn(), ctx.viewer()?.scope(), ids, (*format).into())?;
        interchange::write(&text, out)?;
        say!("Wrote {} ({} lines)", out.display(), text.lines().count());
        return Ok(());
    }
    if let NoteCommand::List { recording, deleted, json } = cmd {
        let list = notes::list(ctx.lib.conn(), ctx.viewer()?.scope(), recording, deleted)?;
        if json {
            print_json(&list)?;
        } else {
            list.iter().for_each(print_note);
        }
        return Ok(());
    }
    let me = ctx.actor()?;
    let lib = &mut ctx.lib;
    match cmd {
        NoteCommand::Add { recording, at, kind, author: _, text, json } => {
            let (start_ms, end_ms) = parse_range_ms(&at)?;
            let note = notes::create(
                lib,
                &me,
                &NewNote {
                    recording_id: recording,
                    start_ms,
                    end_ms,
                    kind: kind.into(),
                    text: text.join(" "),
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
            let note = notes::edit(lib, &me, &id, &edit)?;
            if json { print_json(&note)? } else { print_note(&note) }
        }
        NoteCommand::Rm { id } => {
            let note = notes::delete(lib, &me, &id)?;
            say!("Deleted note {} (undo with: gamefilm note undo {})", note.id, note.id);
        }
        NoteCommand::Undo { id } => {
            let note = notes::undo_delete(lib, &me, id.as_deref())?;
            say_part!("Restored:");
            print_note(&note);
        }
        NoteCommand::Import { id, file, kind, json } => {
            let done = interchange::import(lib, &me, id, &file, kind.map(Into::into))?;
            if json {
                print_json(&done)?
            } else {
                say!("Imported {} notes onto #{id} from {}", done.notes.len(), file.display());
            }
        }
        NoteCommand::List { .. } | NoteCommand::Export { .. } => unreachable!("done above"),
    }
    Ok(())
}

fn cmd_pack(ctx: &mut Ctx, cmd: PackCommand) -> Result<()> {
    match cmd {
        PackCommand::Export { for_person, calls, since, without_audio, out, json } => {
            let me = ctx.actor()?;
            let to = people::named(ctx.lib.conn(), "--for", &for_person)?;
            let opts = pack::ExportOptions { calls, since: date_opt(&since)?, without_audio };
            let done = pack::export(&mut ctx.lib, &me, &to, &opts, &out)?;
            if json {
                return print_json(&done);
            }
            let c = &done.counts;
            say!(
                "Wrote {} for {}: {} calls ({} with audio), {} notes, {} replies, {} reviews, {} next steps, {} deletions ({} bytes)",
                done.path,
                done.recipient.name,
                c.recordings,
                c.audio_files,
                c.notes,
                c.replies,
                c.reviews,
                c.steps,
                c.tombstones,
                done.bytes
            );
        }
        PackCommand::Import { file, json } => {
            let done = pack::import(&mut ctx.lib, &file, &pack::Limits::default())?;
            if !json {
                print_pack_import(&done);
            }
            // The merge is whole: the full waveforms of the calls whose audio came follow (a
            // failure leaves a call its coarse waveform, which is no reason to fail the import).
            let refined = import::refine_peaks(&mut ctx.lib)?;
            for f in &refined.failed {
                eprintln!("warning: call {} keeps its coarse waveform: {}", f.id, f.message);
            }
            // Calls whose rep the pack changed: their notes under the new rep in the index.
            search::refresh_all_rep_facets(&mut ctx.lib)?;
            if json {
                return print_json(&done);
            }
            if refined.refined > 0 {
                say!(
                    "  waveforms:  {} calls' full detail computed from their audio",
                    refined.refined
                );
            }
        }
    }
    Ok(())
}

fn print_pack_import(done: &pack::PackImportSummary) {
    say!(
        "Merged pack {} from {} for {} ({})",
        done.pack_id,
        done.from.name,
        done.to.name,
        format_date_ms(done.created_at)
    );
    let m = &done.merge;
    for (what, c) in [
        ("people", &m.people),
        ("calls", &m.recordings),
        ("notes", &m.notes),
        ("replies", &m.replies),
        ("reviews", &m.reviews),
        ("next steps", &m.steps),
    ] {
        if c.new + c.updated + c.unchanged + c.deleted > 0 {
            say!(
                "  {what:<11} {} new, {} updated, {} unchanged, {} deleted",
                c.new,
                c.updated,
                c.unchanged,
                c.deleted
            );
        }
    }
    for c in &m.conflicts {
        say!(
            "  conflict:   {} {}: kept {} ({})",
            c.kind.as_str(),
            c.id,
            if c.theirs_kept { "theirs" } else { "ours" },
            c.reason
        );
    }
    if done.audio_written > 0 {
        say!("  audio:      {} files written beside the library", done.audio_written);
    }
    if done.without_audio > 0 {
        say!(
            "  {} calls arrived without their audio (Play says so; gamefilm relocate ID FILE, or \
             importing the file, fills it)",
            done.without_audio
        );
    }
    if done.became_default {
        say!("  {} is now this library's default person", done.to.name);
    }
    if !m.changed() {
        say!("  Nothing new: this library already had all of it.");
    }
}

fn cmd_search(ctx: &Ctx, a: SearchArgs) -> Result<()> {
    let lib = &ctx.lib;
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
    let page = search::search(lib.conn(), ctx.viewer()?.scope(), &q)?;
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
        FileDone::Removed { id } => format!(
            "removed    #{id:<6} {path} (removed from the library earlier: gamefilm restore {id} \
             brings it back)"
        ),
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
    let ImportArgs { paths, threads, no_insights, json } = a;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} {elapsed_precise} ETA {eta} {wide_msg}",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let progress = import_progress(&bar, !json);
    let mut opts = ImportOptions { threads, ..Default::default() };
    if no_insights {
        opts.analyzer = gamefilm::audio::analyze_without_voice;
    }
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

fn cmd_people(lib: &mut Library, cmd: PeopleCommand) -> Result<()> {
    match cmd {
        PeopleCommand::Add { name, role, make_default, json } => {
            let p = people::add(lib, &name, role.into())?;
            if make_default {
                people::set_default(lib, &p.name)?;
            }
            if json {
                return print_json(&p);
            }
            say!(
                "Added {} ({}){}",
                p.name,
                p.role,
                if make_default { ", the default person" } else { "" }
            );
        }
        PeopleCommand::List { json } => {
            let list = people::list(lib.conn())?;
            let default = people::default_person(lib.conn())?.map(|p| p.id);
            if json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "id": p.id, "name": p.name, "role": p.role,
                            "default": default.as_deref() == Some(p.id.as_str()),
                        })
                    })
                    .collect();
                return print_json(&rows);
            }
            if list.is_empty() {
                say!("Nobody yet. Add someone with: gamefilm people add NAME --role coach|rep");
            }
            for p in &list {
                let mark =
                    if default.as_deref() == Some(p.id.as_str()) { "  (default)" } else { "" };
                say!("{:<24} {}{mark}", p.name, p.role);
            }
        }
        PeopleCommand::Default { name } => {
            let p = people::set_default(lib, &name)?;
            say!("{} ({}) is now this library's default person", p.name, p.role);
        }
    }
    Ok(())
}

fn cmd_review(ctx: &mut Ctx, a: ReviewArgs) -> Result<()> {
    let me = ctx.actor()?;
    let review =
        reviews::mark_reviewed(&mut ctx.lib, &me, a.id, &a.focus, &a.summary, a.close_previous)?;
    if a.json {
        return print_json(&review);
    }
    say!("Reviewed #{} — focus: {}", a.id, review.focus_area);
    if let Some(closed) = &review.closed_focus_area {
        say!("Closed the previous focus area: {closed}");
    }
    if review.kaizen_warning {
        say!(
            "Kaizen: {} improvement notes on this call — consider keeping only the one that matters most",
            review.improvements
        );
    }
    Ok(())
}

fn cmd_assess(ctx: &mut Ctx, a: AssessArgs) -> Result<()> {
    let me = ctx.actor()?;
    let text = a.text.join(" ");
    let assessment = reviews::save_assessment(&mut ctx.lib, &me, a.id, &a.focus, &text, !a.draft)?;
    if a.json {
        return print_json(&assessment);
    }
    if assessment.submitted_at.is_none() {
        say!(
            "Saved your draft self-assessment of #{} (submit it by running assess again without --draft)",
            a.id
        );
    } else if reviews::revealed(ctx.lib.conn(), me.scope(), a.id)? {
        say!("Submitted. The coach's notes are revealed: gamefilm show {}", a.id);
    } else {
        say!("Submitted. The coach's notes appear once the coach marks the call reviewed.");
    }
    Ok(())
}

fn cmd_focus(ctx: &mut Ctx, cmd: FocusCommand) -> Result<()> {
    match cmd {
        FocusCommand::Add { name } => {
            ctx.actor()?.require_coach("the list of focus areas")?;
            let f = focus::add(&mut ctx.lib, &name)?;
            say!("Added the focus area '{}'", f.name);
        }
        FocusCommand::List { json } => {
            let list = focus::list(ctx.lib.conn())?;
            if json {
                return print_json(&list);
            }
            for f in list {
                say!("{}", f.name);
            }
        }
    }
    Ok(())
}

fn print_step(s: &Step) {
    let state = s.state.as_str();
    let call = match (s.recording_id, s.at_ms) {
        (Some(id), Some(at)) => format!("  (call #{id} at {})", format_ms(at)),
        (Some(id), None) => format!("  (call #{id})"),
        _ => String::new(),
    };
    say!("{}  {:<8} {:<16} {}{call}  [{}]", s.due_date, state, s.owner, s.text, s.id);
}

fn cmd_steps(ctx: &mut Ctx, cmd: StepsCommand) -> Result<()> {
    match cmd {
        StepsCommand::Add { owner, due, call, at, text, json } => {
            let me = ctx.actor()?;
            let new = NewStep {
                owner,
                due_date: due,
                text: text.join(" "),
                recording_id: call,
                at_ms: at.as_deref().map(parse_offset_ms).transpose()?,
            };
            let step = steps::add(&mut ctx.lib, &me, &new)?;
            if json {
                return print_json(&step);
            }
            print_step(&step);
        }
        StepsCommand::List { overdue, open, owner, json } => {
            let filter = StepFilter { owner, overdue, open, recording_id: None };
            let list = steps::list(ctx.lib.conn(), ctx.viewer()?.scope(), &filter)?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                say!("No next steps{}.", if overdue { " overdue" } else { "" });
            }
            list.iter().for_each(print_step);
        }
        StepsCommand::Done { id, outcome, json } => {
            let me = ctx.actor()?;
            let step =
                steps::set_state(&mut ctx.lib, &me, &id, StepState::Done, outcome.as_deref())?;
            if json {
                return print_json(&step);
            }
            print_step(&step);
        }
        StepsCommand::Drop { id } => {
            let me = ctx.actor()?;
            let step = steps::set_state(&mut ctx.lib, &me, &id, StepState::Dropped, None)?;
            print_step(&step);
        }
        StepsCommand::Ics { id, out } => {
            let scope = ctx.viewer()?.scope();
            let list = match id {
                Some(id) => vec![steps::get(ctx.lib.conn(), scope, &id)?],
                None => steps::list(
                    ctx.lib.conn(),
                    scope,
                    &StepFilter { open: true, ..Default::default() },
                )?,
            };
            if list.is_empty() {
                bail!("no open next steps to export");
            }
            steps::write_ics(&list, &out)?;
            say!(
                "{} next step{} → {}",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                out.display()
            );
        }
    }
    Ok(())
}

fn cmd_progress(ctx: &Ctx, a: ProgressArgs) -> Result<()> {
    let viewer = ctx.viewer()?;
    let p =
        progress::progress(ctx.lib.conn(), &viewer, &ProgressQuery { rep: a.rep, weeks: a.weeks })?;
    if a.json {
        return print_json(&p);
    }
    if a.csv {
        say_part!("{}", progress::to_csv(&p)?);
        return Ok(());
    }
    if p.reps.is_empty() {
        say!("No reps yet. Add one with: gamefilm people add NAME --role rep");
        return Ok(());
    }
    say!(
        "{:<16} {:<9} {:>5} {:>8} {:>4} {:>4}  {:<20} {:>10} {:>8}",
        "rep",
        "week",
        "calls",
        "reviewed",
        "+",
        "Δ",
        "focus",
        "steps",
        "hit rate"
    );
    for r in &p.rows {
        let focus = match &r.focus_area {
            Some(f) if r.focus_closed => format!("{f} ✓"),
            Some(f) => f.clone(),
            None => "-".into(),
        };
        say!(
            "{:<16} {:<9} {:>5} {:>8} {:>4} {:>4}  {:<20} {:>10} {:>8}",
            clip(&r.rep, 16),
            r.week,
            r.calls,
            r.reviewed,
            r.positives,
            r.improvements,
            clip(&focus, 20),
            format!("{}/{}", r.steps_done_on_time, r.steps_due),
            r.hit_rate.map(|h| format!("{:.0}%", h * 100.0)).unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}
