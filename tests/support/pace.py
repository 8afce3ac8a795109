#!/usr/bin/env python3
"""A paced sink for ALSA's `file` plugin in tests: reads a FIFO at a fixed byte rate and writes
what it reads to a file. ALSA's `null` device is not paced, so without this the player's
callback would run as fast as the pipe drains. The FIFO's buffer is shrunk to one page before
ALSA opens it, so the writer can run ahead by little more than that; `--pipe BYTES` sets another
size (0 keeps the kernel's 64 KiB), standing in for a sound server's deep buffer, which takes
its whole first fill in one burst.

Usage: pace.py RATE FIFO OUTFILE [--loop] [--pipe BYTES] [--started FILE]   (prints "ready" once
the FIFO is set up; with --loop it serves one writer after another until killed, appending to
OUTFILE; --started writes the wall-clock time, in seconds since the epoch, at which the first
byte was read: from then on, byte N of OUTFILE is heard at that time + N / RATE)"""
import fcntl
import os
import sys
import time

F_SETPIPE_SZ = 1031
rate, fifo, outfile = float(sys.argv[1]), sys.argv[2], sys.argv[3]
loop = "--loop" in sys.argv[4:]
pipe = 4096
if "--pipe" in sys.argv[4:]:
    pipe = int(sys.argv[sys.argv.index("--pipe") + 1])
started = None
if "--started" in sys.argv[4:]:
    started = sys.argv[sys.argv.index("--started") + 1]


def serve(out, announce):
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    if pipe:
        try:
            fcntl.fcntl(fd, F_SETPIPE_SZ, pipe)
        except OSError:
            pass
    # Hold a write end until the writer's data arrives, so that reads wait instead of seeing EOF.
    keepalive = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    if announce:
        print("ready", flush=True)
    chunk = max(64, int(rate / 400))  # 2.5 ms of audio per read
    start = None
    done = 0
    while True:
        data = os.read(fd, chunk)
        if not data:
            break
        if start is None:
            start = time.monotonic()
            os.close(keepalive)
            if started:
                with open(started, "w") as f:
                    f.write(repr(time.time()))
        out.write(data)
        done += len(data)
        ahead = done / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    os.close(fd)


with open(outfile, "wb", buffering=0) as out:
    serve(out, True)
    while loop:
        serve(out, False)
