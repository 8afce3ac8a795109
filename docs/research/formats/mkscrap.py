#!/usr/bin/env python3
"""Append two real MPEG-1 Layer III frames (from an MP3 without tags) after a TAK-looking file's
payload: the file ffprobe calls 'tak' then carries a 'scrap' a sync-scanning probe can find.
usage: mkscrap.py TAK_IN MP3_IN OUT"""
import sys, random
tak_in, mp3_in, out = sys.argv[1:4]
b = open(mp3_in, 'rb').read()
brs = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
p, frames = 0, []
while p + 4 < len(b) and len(frames) < 12:
    if b[p] == 0xff and (b[p + 1] & 0xfe) == 0xfa:          # MPEG-1 Layer III, 44.1 kHz assumed
        n = 144000 * brs[b[p + 2] >> 4] // 44100 + ((b[p + 2] >> 1) & 1)
        frames.append(b[p:p + n]); p += n
    else:
        p += 1
tak = open(tak_in, 'rb').read()
hdr_end = tak.index(b'\0\0\0\0', 4) + 4                    # after the END metadata block
rnd = random.Random(7)
payload = bytes(rnd.getrandbits(8) for _ in range(200000))
open(out, 'wb').write(tak[:hdr_end] + payload + frames[5] + frames[6])
