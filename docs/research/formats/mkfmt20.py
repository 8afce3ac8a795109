#!/usr/bin/env python3
"""Rewrite a WAV's `fmt ` chunk to the 20-byte WAVEFORMATEX layout some recorders write:
the 16 base bytes, cbSize = 2, then 2 bytes of extra data (here 0x0000 or a given value).
usage: mkfmt20.py IN OUT [cbsize] [extra-u16]"""
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
cb = int(sys.argv[3]) if len(sys.argv) > 3 else 2
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
b = open(src, 'rb').read()
assert b[:4] == b'RIFF' and b[8:12] == b'WAVE'
pos, out = 12, [b'WAVE']
while pos + 8 <= len(b):
    tag, n = b[pos:pos+4], struct.unpack('<I', b[pos+4:pos+8])[0]
    body = b[pos+8:pos+8+n]
    if tag == b'fmt ':
        body = body[:16] + struct.pack('<HH', cb, extra)
    out.append(tag + struct.pack('<I', len(body)) + body + (b'\0' if len(body) % 2 else b''))
    pos += 8 + n + (n & 1)
payload = b''.join(out)
open(dst, 'wb').write(b'RIFF' + struct.pack('<I', len(payload)) + payload)
