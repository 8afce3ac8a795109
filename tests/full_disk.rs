//! A full disk, for real: a small tmpfs mounted for the test (as root, as here and in CI, or
//! through passwordless `sudo`; without either the test fails and says so). Import, note writes and a reel render on it
//! fail with a message naming the disk, and lose nothing already saved.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use gamefilm::import::{self, ImportOptions, Outcome};
use gamefilm::jobs::Job;
use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::reels::{self, ReelQuery};
use gamefilm::library::{Library, LibraryError, NoteKind};
use gamefilm::reel::{self, ReelError, ReelFormat, RenderOptions};

/// A tmpfs of `size` mounted on a fresh folder, unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("disk");
        std::fs::create_dir(&dir).unwrap();
        let out = privileged("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=1777"), "tmpfs"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mounting a small tmpfs needs root or passwordless sudo: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir, _parent: parent }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = privileged("umount").arg("-l").arg(&self.dir).status();
    }
}

/// `program` as root: directly when the tests run as root, else through `sudo -n`.
fn privileged(program: &str) -> Command {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Uid:").map(str::to_owned)))
        .and_then(|v| v.split_whitespace().next().map(str::to_owned));
    if uid.as_deref() == Some("0") {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", program]);
        c
    }
}

/// Writes a file until the disk refuses more; returns it (remove it to free the disk).
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    loop {
        match f.write_all(&chunk).and_then(|()| f.sync_data()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => return path,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
}

fn note(lib: &mut Library, rec: i64, i: i64) -> Result<String, LibraryError> {
    let new = NewNote {
        recording_id: rec,
        start_ms: 100 + i % 3000,
        end_ms: None,
        kind: NoteKind::Positive,
        text: format!("note {i} {}", "x".repeat(200)),
    };
    as_coach::create(lib, &new).map(|n| n.id)
}

#[test]
fn a_full_disk_is_said_plainly_and_costs_nothing_saved() {
    let disk = SmallDisk::mount("3m");
    let lib_path = disk.dir.join("library.sqlite");
    let mut lib = Library::open(&lib_path).unwrap();
    let rec = import_all(&mut lib, &[fixture("alaw_8k.wav")])[0];
    let mut saved = vec![note(&mut lib, rec, 0).unwrap()];

    let filler = fill(&disk.dir);
    // Writes go on while the library's own files have room; then one is refused, plainly.
    let refused = (1..100_000)
        .find_map(|i| match note(&mut lib, rec, i) {
            Ok(id) => {
                saved.push(id);
                None
            }
            Err(e) => Some(e),
        })
        .expect("the disk never filled up");
    assert!(matches!(refused, LibraryError::DiskFull { .. }), "{refused:?}");
    assert_eq!(refused.code(), "library.disk_full");
    let message = refused.to_string();
    assert!(
        message.contains(&*lib_path.to_string_lossy()) && message.contains("full"),
        "{message}"
    );

    // An import on the full disk fails for that file and leaves no row.
    let report = import::import(
        &mut lib,
        &[fixture("mulaw_8k.wav")],
        &ImportOptions::default(),
        &Job::silent(),
    )
    .unwrap();
    match &report.files[0].outcome {
        Outcome::Failed { error, .. } => {
            assert!(error.to_string().contains("is full"), "{error}")
        }
        other => panic!("imported on a full disk: {other:?}"),
    }
    assert_eq!(count(&lib, "recordings"), 1);

    // A reel exported to the full disk: refused, nothing at the target, no partial file.
    let clips = reels::plan(lib.conn(), Scope::Coach, &ReelQuery::default()).unwrap();
    let out = disk.dir.join("out");
    let opts = RenderOptions::new(out.clone(), ReelFormat::Mp3, "Full", 0);
    match reel::render(&clips, &opts, &Job::silent()) {
        Err(e @ ReelError::DiskFull { .. }) => {
            assert_eq!(e.code(), "reel.disk_full");
            assert!(e.to_string().contains(&*out.to_string_lossy()), "{e}");
        }
        other => panic!("expected a full disk, got {other:?}"),
    }
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "files left behind: {left:?}");

    // Space again: every note acknowledged is there, and the library takes writes.
    std::fs::remove_file(filler).unwrap();
    note(&mut lib, rec, 100_001).unwrap();
    drop(lib);
    let lib = Library::open(&lib_path).unwrap();
    let ok: String = lib.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    for id in &saved {
        notes::get(lib.conn(), id).unwrap_or_else(|e| panic!("saved note {id} lost: {e}"));
    }
}
