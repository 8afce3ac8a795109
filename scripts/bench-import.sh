#!/usr/bin/env bash
# Import benchmark: gamefilm's probe + hash + peaks + store against ffmpeg's decode alone, on
# three 60-minute files, in the same run. Prints the best of 3 for each and their ratio.
# Usage: scripts/bench-import.sh [WORKDIR]   (default target/bench; the files are cached there)
# GAMEFILM_BIN overrides the binary (default: a fresh release build).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-target/bench}
mkdir -p "$work"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

if [[ -z "${GAMEFILM_BIN:-}" ]]; then
  cargo build --release --locked --bin gamefilm >&2
  GAMEFILM_BIN=target/release/gamefilm
fi

# 60 minutes of speech (looped espeak-ng) over light noise, so it is never digital silence.
src="$work/speech-60min.wav"
if [[ ! -f "$src" ]]; then
  echo "generating 60-minute sources (once)..." >&2
  espeak-ng -w "$work/speech-once.wav" "Thanks for taking my call today. I wanted to walk you through \
pricing for the renewal, and hear what your team needs next quarter. What would success look like?"
  ff -stream_loop -1 -i "$work/speech-once.wav" -f lavfi -i "anoisesrc=color=pink:amplitude=0.02:sample_rate=22050" \
     -filter_complex "[0:a]aresample=22050[s];[s][1:a]amix=inputs=2:duration=first:normalize=0[a]" \
     -map "[a]" -t 3600 -ac 1 "$src.tmp.wav"
  mv "$src.tmp.wav" "$src"
  rm -f "$work/speech-once.wav"
fi
declare -A make=(
  [mono16k.mp3]="-ar 16000 -ac 1 -c:a libmp3lame -b:a 32k"
  [stereo44k.mp3]="-ar 44100 -ac 2 -c:a libmp3lame -b:a 128k"
  [mono.m4a]="-ar 44100 -ac 1 -c:a aac -b:a 64k"
)
files=(mono16k.mp3 stereo44k.mp3 mono.m4a)
for f in "${files[@]}"; do
  [[ -f "$work/$f" ]] || { ff -i "$src" ${make[$f]} "$work/$f.tmp.${f##*.}" && mv "$work/$f.tmp.${f##*.}" "$work/$f"; }
done

now() { date +%s.%N; }
best_of_3() { # command... → best wall time in seconds
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    best=$(python3 -c "a='$best'; d=$t1-$t0; print(d if a=='' else min(float(a), d))")
  done
  echo "$best"
}
gamefilm_import() { # file
  local lib="$work/bench-lib.sqlite"
  rm -f "$lib" "$lib-wal" "$lib-shm"
  "$GAMEFILM_BIN" --library "$lib" import "$1"
}

printf '%-16s %12s %12s %8s %8s\n' file "ffmpeg (s)" "gamefilm (s)" ratio target
for f in "${files[@]}"; do
  t_ff=$(best_of_3 ffmpeg -nostdin -v error -i "$work/$f" -f null -)
  t_gf=$(best_of_3 gamefilm_import "$work/$f")
  python3 -c "print(f'{\"$f\":<16} {$t_ff:12.3f} {$t_gf:12.3f} {$t_gf/$t_ff:8.2f} {\"<= 0.80\":>8}')"
done
echo "(best of 3 each; ffmpeg: -f null decode only; gamefilm: probe + blake3 + decode + peaks + SQLite)"
