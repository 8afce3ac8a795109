#!/usr/bin/env python3
"""Kill trials (`make kill-trials`): SIGKILLs the `gamefilm` CLI at random moments and checks
that nothing saved is lost and nothing half-written is left.

Three kinds, N trials each (100 by default):
- import: a folder of generated WAVs; every file the CLI printed as imported before the kill
  must be in the library with its peaks, and no recording may be without peaks;
- notes: a burst of `gamefilm note add` commands; every note whose command printed it before
  the kill must be there;
- render: `gamefilm reel`; the target folder holds either no reel file or all four (audio,
  page, chapters, manifest), never a part, and no file under a target name is incomplete.

After every kill: `PRAGMA integrity_check` is `ok`. The kill moment is uniform over the time
an uninterrupted run of that kind takes (measured first), so kills land early, midway and
after the end. Prints the counts and exits non-zero on any failed check.

Usage: scripts/kill-trials.py GAMEFILM_BIN FIXTURES_DIR [TRIALS] [WORKDIR]
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import wave
import array
import math


def run(bin_, lib, *args, **kw):
    return subprocess.run([bin_, "--library", lib, *args], capture_output=True, text=True, **kw)


def write_wav(path, freq, seconds, rate=22050):
    n = rate * seconds
    samples = array.array("h", (int(12000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def integrity(lib):
    con = sqlite3.connect(lib)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def killed_run(cmd, delay, shell=False):
    """Starts `cmd` in its own process group, SIGKILLs the group after `delay` seconds (unless it
    ended), returns (stdout lines read, exited by itself)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         shell=shell, start_new_session=True)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.002)
    finished = p.poll() is not None
    if not finished:
        os.killpg(p.pid, signal.SIGKILL)
    out = p.stdout.read()
    p.wait()
    # Lines the process wrote before it died are what it acknowledged.
    return out.splitlines(), finished


def timed(cmd, shell=False):
    t = time.monotonic()
    subprocess.run(cmd, capture_output=True, shell=shell, check=True)
    return time.monotonic() - t


class Trials:
    def __init__(self, bin_, fixtures, trials, work):
        self.bin, self.fixtures, self.trials, self.work = bin_, fixtures, trials, work
        self.failures = []
        self.counts = {}

    def fail(self, kind, i, what):
        self.failures.append(f"{kind} #{i}: {what}")

    def count(self, kind, key, n=1):
        self.counts.setdefault(kind, {}).setdefault(key, 0)
        self.counts[kind][key] += n

    def import_trials(self):
        calls = os.path.join(self.work, "calls")
        os.makedirs(calls, exist_ok=True)
        for i in range(24):
            write_wav(os.path.join(calls, f"call-{i:02}.wav"), 200 + 13 * i, 20)
        lib = os.path.join(self.work, "import.sqlite")
        span = timed([self.bin, "--library", lib, "import", calls]) * 1.1
        for i in range(self.trials):
            for f in os.listdir(self.work):
                if f.startswith("import.sqlite"):
                    os.remove(os.path.join(self.work, f))
            lines, finished = killed_run([self.bin, "--library", lib, "import", calls],
                                         random.uniform(0, span))
            self.count("import", "finished" if finished else "killed")
            acked = [l.split()[2] for l in lines if l.startswith("imported ")]
            if not os.path.exists(lib):
                if acked:
                    self.fail("import", i, "files reported imported but no library")
                continue
            if (r := integrity(lib)) != "ok":
                self.fail("import", i, f"integrity_check: {r}")
            con = sqlite3.connect(lib)
            # Killed before the schema was created: an empty library, migrated at the next open.
            if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'recordings'").fetchone():
                stored = {row[0] for row in con.execute("SELECT path FROM recordings")}
                orphans = con.execute(
                    "SELECT count(*) FROM recordings r WHERE NOT EXISTS "
                    "(SELECT 1 FROM peaks p WHERE p.recording_id = r.id)").fetchone()[0]
            else:
                stored, orphans = set(), 0
                self.count("import", "killed before the schema existed")
            con.close()
            missing = [p for p in acked if p not in stored]
            if missing:
                self.fail("import", i, f"reported imported but missing: {missing}")
            if orphans:
                self.fail("import", i, f"{orphans} partial recording rows (no peaks)")
            self.count("import", "files acknowledged", len(acked))

    def note_trials(self):
        lib = os.path.join(self.work, "notes.sqlite")
        run(self.bin, lib, "import", os.path.join(self.fixtures, "speech.wav"), check=True)
        burst = " ; ".join(
            f"{self.bin} --library {lib} note add 1 --at {1 + k % 5} --kind positive note-{k}"
            for k in range(30))
        span = timed(burst, shell=True) * 1.1
        for i in range(self.trials):
            lines, finished = killed_run(burst, random.uniform(0, span), shell=True)
            self.count("notes", "finished" if finished else "killed")
            acked = [l.rsplit("[", 1)[1].rstrip("]") for l in lines if l.rstrip().endswith("]")]
            if (r := integrity(lib)) != "ok":
                self.fail("notes", i, f"integrity_check: {r}")
            con = sqlite3.connect(lib)
            stored = {row[0] for row in con.execute("SELECT uuid FROM notes")}
            con.close()
            missing = [u for u in acked if u not in stored]
            if missing:
                self.fail("notes", i, f"acknowledged notes missing: {missing}")
            self.count("notes", "notes acknowledged", len(acked))

    def render_trials(self):
        lib = os.path.join(self.work, "reel.sqlite")
        run(self.bin, lib, "import", os.path.join(self.fixtures, "long.flac"),
            os.path.join(self.fixtures, "long_stereo.mp3"), check=True)
        for rec in (1, 2):
            for k in range(6):
                run(self.bin, lib, "note", "add", str(rec), "--at", str(10 + 22 * k),
                    "--kind", "positive", f"moment {k}", check=True)
        out = os.path.join(self.work, "out")
        cmd = [self.bin, "--library", lib, "reel", "--since", "3650d", "--title", "Kill trial",
               "--format", "mp3", "--out", out]
        # Renders vary more in time than the others: a wider span lets some finish.
        span = timed(cmd) * 1.5
        targets = [f"kill-trial.{e}" for e in ("mp3", "html", "vtt", "json")]
        for i in range(self.trials):
            shutil.rmtree(out, ignore_errors=True)
            _, finished = killed_run(cmd, random.uniform(0, span))
            self.count("render", "finished" if finished else "killed")
            present = [t for t in targets if os.path.exists(os.path.join(out, t))]
            if present and len(present) != len(targets):
                self.fail("render", i, f"a part of the reel at the target: {present}")
            if present and not finished:
                self.count("render", "killed after the files were in place")
            if present:
                probe = subprocess.run(["ffprobe", "-v", "error", os.path.join(out, targets[0])],
                                       capture_output=True, text=True)
                if probe.returncode != 0:
                    self.fail("render", i, f"the audio at the target is broken: {probe.stderr}")
            if (r := integrity(lib)) != "ok":
                self.fail("render", i, f"integrity_check: {r}")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    bin_, fixtures = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    work = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="gamefilm-kill-")
    os.makedirs(work, exist_ok=True)
    random.seed(int(os.environ.get("KILL_TRIALS_SEED", time.time())))
    t = Trials(bin_, fixtures, trials, work)
    started = time.monotonic()
    t.import_trials()
    t.note_trials()
    t.render_trials()
    for kind, counts in t.counts.items():
        print(f"{kind}: {trials} trials, " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print(f"{len(t.failures)} failed checks in {time.monotonic() - started:.0f} s (work dir {work})")
    for f in t.failures:
        print("  " + f)
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
