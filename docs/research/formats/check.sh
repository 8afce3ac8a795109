#!/bin/bash
# usage: check.sh FILE...  -> imports each into a fresh library, compares with ffmpeg decoded samples
for f in "$@"; do
  b=$(basename "$f"); lib=/tmp/fmt/libs/$b.sqlite; rm -f "$lib"*
  out=$(timeout 120 /tmp/gf-bin/gamefilm --library "$lib" import --json "$f" 2>&1); rc=$?
  # ffmpeg decoded samples
  read sr ns < <(ffmpeg -hide_banner -nostats -i "$f" -map 0:a:0 -f s16le -ac 1 - 2>/dev/null | wc -c | awk -v f="$f" '{print 0, $1/2}')
  sr=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$f" | head -1)
  ffms=$(awk -v n=$ns -v r=$sr 'BEGIN{ if (r>0) printf "%.1f", n*1000/r; else print "NA"}')
  echo "== $b (rc=$rc) ffmpeg: $ns samples @ $sr Hz = ${ffms} ms"
  echo "$out" | head -c 1500; echo
done
