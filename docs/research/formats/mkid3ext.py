#!/usr/bin/env python3
"""Prepend an ID3v2.4 tag with an extended header (flag 0x40) to an MP3 without a tag.
ID3v2.4 extended header: size (4-byte syncsafe, whole ext header incl. itself), number of flag
bytes (1), extended flags; here flag 0x20 (tag is an update: no data) or with CRC (0x20 -> 0x20?).
usage: mkid3ext.py IN OUT [crc]"""
import sys, struct, zlib
def syncsafe(n): return bytes([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f])
def frame(fid, text):
    body = b'\x03' + text.encode() + b'\x00'   # UTF-8
    return fid.encode() + syncsafe(len(body)) + b'\x00\x00' + body
src, dst = sys.argv[1], sys.argv[2]
crc = len(sys.argv) > 3 and sys.argv[3] == 'crc'
frames = frame('TIT2', 'Discovery call with Acme') + frame('TPE1', 'Dana Rep') + frame('TDRC', '2026-03-14')
padding = b'\x00' * 64
if crc:
    # flag 0x20 = CRC data present: 5 bytes syncsafe CRC-32 of frames+padding
    c = zlib.crc32(frames + padding)
    crcb = bytes([(c >> 28) & 0x0f, (c >> 21) & 0x7f, (c >> 14) & 0x7f, (c >> 7) & 0x7f, c & 0x7f])
    ext_data = b'\x05' + crcb       # flag data length 5 + data
    ext = syncsafe(6 + len(ext_data)) + b'\x01' + b'\x20' + ext_data
else:
    # flag 0x40 = "tag is an update", no data: flag data length 0
    ext = syncsafe(6 + 1) + b'\x01' + b'\x40' + b'\x00'
body = ext + frames + padding
hdr = b'ID3' + b'\x04\x00' + b'\x40' + syncsafe(len(body))
open(dst, 'wb').write(hdr + body + open(src, 'rb').read())
