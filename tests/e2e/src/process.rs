//! Stopping the processes the harness starts, politely and by id.
//!
//! Signals go through `/bin/kill` because the workspace forbids `unsafe` (no `libc::kill`). Every
//! pid signalled here is one the harness spawned, or a descendant of it found in the process
//! group the harness created for it.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Sends `signal` (a name such as `TERM`) to one process. False when it is already gone.
pub(crate) fn signal(pid: u32, signal: &str) -> bool {
    Command::new("/bin/kill")
        .args(["-s", signal, &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Waits up to `timeout` for `child` to exit.
pub(crate) fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => return None,
            // Already reaped elsewhere: nothing left to wait for.
            Err(_) => return None,
        }
    }
}

/// SIGTERM, then up to `grace` for the process to exit; SIGKILL only if it did not (reported on
/// stderr, since a process that ignores SIGTERM is worth knowing about).
pub(crate) fn terminate(child: &mut Child, what: &str, grace: Duration) -> Option<ExitStatus> {
    if let Ok(Some(status)) = child.try_wait() {
        return Some(status);
    }
    signal(child.id(), "TERM");
    if let Some(status) = wait_timeout(child, grace) {
        return Some(status);
    }
    eprintln!("e2e: {what} (pid {}) ignored SIGTERM for {grace:?}; killing it", child.id());
    let _ = child.kill();
    wait_timeout(child, Duration::from_secs(5))
}

/// Live (non-zombie) processes whose process group is `pgid`, as (pid, name).
pub fn live_group_members(pgid: u32) -> Vec<(u32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) =
            std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat"))
        else {
            continue;
        };
        // `pid (comm) state ppid pgrp ...`; comm may contain spaces and parentheses.
        let Some(close) = stat.rfind(')') else { continue };
        let name = stat[stat.find('(').map_or(0, |i| i + 1)..close].to_string();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let (Some(state), Some(pgrp)) = (fields.first(), fields.get(2)) else { continue };
        if *state != "Z" && *state != "X" && pgrp.parse::<u32>().ok() == Some(pgid) {
            found.push((pid, name));
        }
    }
    found
}

/// Waits up to `grace` for the process group `pgid` to empty, then asks what is left to stop
/// (SIGTERM, then SIGKILL). These are descendants of a process the harness started in a group of
/// its own (WebKitWebDriver and the app under it), orphaned if their parent died first.
pub(crate) fn reap_group(pgid: u32, grace: Duration) {
    let deadline = Instant::now() + grace;
    while !live_group_members(pgid).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for (sig, wait) in [("TERM", Duration::from_secs(5)), ("KILL", Duration::from_secs(2))] {
        let left = live_group_members(pgid);
        if left.is_empty() {
            return;
        }
        eprintln!("e2e: sending SIG{sig} to processes left behind by tauri-driver: {left:?}");
        for (pid, _) in &left {
            signal(*pid, sig);
        }
        let deadline = Instant::now() + wait;
        while !live_group_members(pgid).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
