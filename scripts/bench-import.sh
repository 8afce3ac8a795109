#!/usr/bin/env bash
# Import benchmark (not a test): gamefilm's import (probe + blake3 + decode + peaks + voice
# activity + SQLite) against ffmpeg's decode alone, on 60-minute files, in the same run; and the
# import with call insights against the same import without (--no-insights). Prints the best of 3
# for each, the ratios, and whether they meet the targets (gamefilm/ffmpeg <= 0.8; with/without
# insights <= 1.10, or 1.5 for 8 kHz mu-law WAV, whose decoding costs almost nothing).
# Usage: scripts/bench-import.sh [WORKDIR]   (default target/bench; the audio is cached there)
# GAMEFILM_BIN overrides the binary; without it a release build is made first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/target/bench}
mkdir -p "$work"
work=$(cd "$work" && pwd) # absolute, relative to the caller's directory
cd "$root"
target=0.8
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

if [[ -z "${GAMEFILM_BIN:-}" ]]; then
  cargo build --release --locked --bin gamefilm >&2
  GAMEFILM_BIN=$root/target/release/gamefilm
fi

files=(mono16k.mp3 stereo44k.mp3 mono.m4a stereo.m4a ulaw8k.wav)
declare -A encode=(
  [mono16k.mp3]="-ar 16000 -ac 1 -c:a libmp3lame -b:a 32k"
  [stereo44k.mp3]="-ar 44100 -ac 2 -c:a libmp3lame -b:a 128k"
  [mono.m4a]="-ar 44100 -ac 1 -c:a aac -b:a 64k"
  [stereo.m4a]="-ar 44100 -ac 2 -c:a aac -b:a 96k"
  [ulaw8k.wav]="-ar 8000 -ac 2 -c:a pcm_mulaw"
)
declare -A insights_target=([ulaw8k.wav]=1.5)
missing=()
for f in "${files[@]}"; do [[ -f "$work/$f" ]] || missing+=("$f"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  # 60 minutes of speech (looped espeak-ng) over light pink noise, so it is never digital silence.
  echo "generating 60-minute files in $work (once): ${missing[*]}" >&2
  t0=$(date +%s.%N)
  src="$work/speech-60min.wav"
  espeak-ng -w "$work/speech-once.wav" "Thanks for taking my call today. I wanted to walk you through \
pricing for the renewal, and hear what your team needs next quarter. What would success look like?"
  ff -stream_loop -1 -i "$work/speech-once.wav" \
     -f lavfi -i "anoisesrc=color=pink:amplitude=0.02:sample_rate=22050:seed=1" \
     -filter_complex "[0:a]aresample=22050[s];[s][1:a]amix=inputs=2:duration=first:normalize=0[a]" \
     -map "[a]" -t 3600 -ac 1 -c:a pcm_s16le "$src.tmp.wav"
  mv "$src.tmp.wav" "$src"
  rm -f "$work/speech-once.wav"
  for f in "${missing[@]}"; do
    # shellcheck disable=SC2086 # the encoder options are meant to split into words
    ff -i "$src" ${encode[$f]} -map_metadata -1 "$work/$f.tmp.${f##*.}"
    mv "$work/$f.tmp.${f##*.}" "$work/$f"
  done
  rm -f "$src"
  echo "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s" >&2
fi

# Runs a command, prints its wall time in seconds; on failure shows its errors and stops.
timed() {
  local err t0 t1
  err=$(mktemp)
  t0=$(date +%s.%N)
  if ! "$@" >/dev/null 2>"$err"; then
    echo "failed: $*" >&2
    cat "$err" >&2
    rm -f "$err"
    exit 1
  fi
  t1=$(date +%s.%N)
  rm -f "$err"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ffmpeg_decode() { ffmpeg -nostdin -v error -i "$1" -f null -; }
gamefilm_import() { # FILE LIBRARY [OPTIONS]: a fresh library every time
  rm -f "$2" "$2-wal" "$2-shm"
  "$GAMEFILM_BIN" --library "$2" import "$1" "${@:3}"
}

echo "binary: $GAMEFILM_BIN"
printf '%-14s %10s %12s %7s %10s   %12s %7s %10s\n' file "ffmpeg s" "gamefilm s" ratio target \
  "no-insights s" ratio target
n=0
for f in "${files[@]}"; do
  n=$((n + 1))
  lib="$work/bench-lib-$n.sqlite"
  best_ff="" best_gf="" best_no=""
  for _ in 1 2 3; do # alternate, so all see the same machine state
    t=$(timed ffmpeg_decode "$work/$f") # a plain assignment, so a failure stops the script
    best_ff=$(min "$best_ff" "$t")
    t=$(timed gamefilm_import "$work/$f" "$lib")
    best_gf=$(min "$best_gf" "$t")
    t=$(timed gamefilm_import "$work/$f" "$lib" --no-insights)
    best_no=$(min "$best_no" "$t")
  done
  awk -v f="$f" -v a="$best_ff" -v b="$best_gf" -v c="$best_no" -v t="$target" \
    -v it="${insights_target[$f]:-1.10}" 'BEGIN {
    r = b / a; q = b / c
    printf "%-14s %10.3f %12.3f %7.2f %10s   %12.3f %7.2f %10s\n", f, a, b, r,
      (r <= t ? "<= " t " ok" : "> " t " MISS"), c, q, (q <= it ? "<= " it " ok" : "> " it " MISS") }'
done
echo "(best of 3 each; ffmpeg: decode to -f null; gamefilm: import into a fresh library, with and without insights)"
