#!/usr/bin/env python3
"""A TAK-looking file: 'tBaK', a STREAMINFO block (bit layout of FFmpeg's
avpriv_tak_parse_streaminfo, LSB-first, CRC-24 as takdem.c checks), an END block,
then SIZE bytes of pseudo-random 'compressed' payload (seed SEED). ffprobe reports codec 'tak';
the frames are not valid TAK frames (decoding them fails), which is enough to show what a probe
that scans for sync words does with a container it does not know.
usage: mktak.py OUT SEED SIZE"""
import sys, random, struct
out, seed, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def bits_le(fields):
    v, n = 0, 0
    for val, w in fields:
        v |= (val & ((1 << w) - 1)) << n; n += w
    return v.to_bytes((n + 7) // 8, 'little')
def crc24(data, crc=0xB704CE):  # OpenPGP CRC-24; FFmpeg writes the init byte-swapped (0xCE04B7)
    for b in data:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000: crc ^= 0x1864CFB
    return crc & 0xFFFFFF
rate, ch, bps, samples = 44100, 2, 16, 44100 * 30
si = bits_le([(2, 6), (0, 4), (7, 4), (samples, 35), (0, 3), (rate - 6000, 18), (bps - 8, 5), (ch - 1, 4), (0, 1)])
si = si + b'\0' * (0)            # 80 bits = 10 bytes
blk = si + crc24(si).to_bytes(3, "little")
data = b'tBaK' + bytes([1]) + len(blk).to_bytes(3, 'little') + blk + bytes([0, 0, 0, 0])
rnd = random.Random(seed)
data += bytes(rnd.getrandbits(8) for _ in range(size))
open(out, 'wb').write(data)
