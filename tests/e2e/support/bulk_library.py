#!/usr/bin/env python3
"""Fills a Gamefilm library (already created and migrated by the app or the CLI) with N
generated recordings for the app benchmark: 50 reps, a year of call times, counterparts, and a
few notes on every tenth call. Rows only: no audio behind them (the list never decodes).

Usage: bulk_library.py LIBRARY N"""
import random
import sqlite3
import sys
import time

path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
now = int(time.time() * 1000)
year = 365 * 86_400_000
companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka"]
db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys = ON")
with db:
    for r in range(50):
        db.execute("INSERT OR IGNORE INTO people (name) VALUES (?)", (f"Rep {r:02}",))
    reps = [row[0] for row in db.execute("SELECT id FROM people")]
    rows = []
    for i in range(n):
        company = companies[i % len(companies)]
        dur = rng.randrange(20_000, 1_800_000)
        rows.append((f"/calls/{i % 1000:03}/call-{i:06}.mp3", i.to_bytes(32, "little"), dur * 16,
                     dur * 16, dur, f"{company} call {i}", now - rng.randrange(year),
                     rng.choice(reps), f"{company} {['Inc', 'Ltd', 'GmbH', 'LLC'][i % 4]}", now, now))
    db.executemany(
        "INSERT INTO recordings (path, content_hash, size_bytes, container, codec, sample_rate,"
        " channels, frames, duration_ms, title, call_time, rep_id, counterpart, imported_at,"
        " updated_at) VALUES (?, ?, ?, 'mp3', 'mp3', 16000, 1, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # Python's SQLite may predate the FTS5 options the library uses (contentless_delete): the
    # note-indexing trigger is set aside while notes go in, and put back as it was. The scroll
    # benchmark needs the counts, not the search index.
    (trigger,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'notes_fts_ai'").fetchone()
    db.execute("DROP TRIGGER notes_fts_ai")
    notes = []
    for rid in range(1, n + 1, 10):
        for k in range(rng.randrange(1, 4)):
            notes.append((f"{rng.getrandbits(128):032x}", rid, rng.randrange(0, 20_000),
                          "positive" if rng.random() < 0.7 else "improvement",
                          "Great discovery question about pricing", now))
    db.executemany(
        "INSERT INTO notes (uuid, recording_id, start_ms, kind, text, author, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 'coach', ?, ?)", [(*t, t[-1]) for t in notes])
    db.execute(trigger)
db.close()
