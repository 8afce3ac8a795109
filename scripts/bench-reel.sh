#!/usr/bin/env bash
# Reel benchmark: 20 clips of 15 s from 5 different 60-minute sources, rendered by
# `gamefilm reel` and by one ffmpeg command doing the same cuts and concatenation
# (filter_complex), in the same run, for each output format: WAV against ffmpeg writing WAV,
# MP3 against ffmpeg encoding with the same LAME settings (128 kbps CBR, -q 5).
# Prints the best of 3 and the ratio for each (target <= 0.5).
# Usage: scripts/bench-reel.sh [WORKDIR]  (reuses the 60-minute files of bench-import.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-target/bench}
mkdir -p "$work"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
[[ -f "$work/mono16k.mp3" && -f "$work/stereo44k.mp3" && -f "$work/mono.m4a" ]] || GAMEFILM_BIN=/bin/true scripts/bench-import.sh "$work" >/dev/null
[[ -f "$work/mono8k.mp3" ]] || ff -i "$work/mono16k.mp3" -ar 8000 -ac 1 -c:a libmp3lame -b:a 24k "$work/mono8k.mp3"
[[ -f "$work/mono16k.flac" ]] || ff -i "$work/mono16k.mp3" -c:a flac "$work/mono16k.flac"
cargo build --release --locked --bin gamefilm >&2
bin=target/release/gamefilm
sources=(mono16k.mp3 stereo44k.mp3 mono.m4a mono8k.mp3 mono16k.flac)
lib="$work/reel-bench.sqlite"
rm -f "$lib" "$lib-wal" "$lib-shm"
for s in "${sources[@]}"; do "$bin" --library "$lib" import "$work/$s" >/dev/null; done
# 4 clips per source, 15 s each, spread over the hour.
inputs=(); filters=""; n=0
for i in 1 2 3 4 5; do
  for k in 0 1 2 3; do
    start=$(( (k * 14 + i * 3 + 1) * 60 ))
    "$bin" --library "$lib" note add "$i" --at "${start}s-$((start + 15))s" --kind positive "clip $n" >/dev/null
    inputs+=(-ss "$start" -t 15 -i "$work/${sources[$((i - 1))]}")
    filters+="[$n:a]aresample=44100,aformat=channel_layouts=stereo[c$n];"
    n=$((n + 1))
  done
done
concat=""; for ((j = 0; j < n; j++)); do concat+="[c$j]"; done
filters+="${concat}concat=n=$n:v=0:a=1[out]"

now() { date +%s.%N; }
best_of_3() {
  local best=""
  for _ in 1 2 3; do
    local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    best=$(python3 -c "a='$best'; d=$t1-$t0; print(d if a=='' else min(float(a), d))")
  done
  echo "$best"
}
for fmt in wav mp3; do
  case $fmt in
    wav) codec=(-c:a pcm_s16le) ;;
    mp3) codec=(-c:a libmp3lame -b:a 128k -compression_level 5) ;;
  esac
  t_ff=$(best_of_3 ff "${inputs[@]}" -filter_complex "$filters" -map "[out]" "${codec[@]}" "$work/ffmpeg-reel.$fmt")
  t_gf=$(best_of_3 "$bin" --library "$lib" reel --since 2000-01-01 --format "$fmt" --out "$work/reel-out-$fmt")
  python3 -c "print(f'reel $fmt, 20 x 15 s from 5 sources: ffmpeg {$t_ff:.3f} s, gamefilm {$t_gf:.3f} s, ratio {$t_gf/$t_ff:.2f} (target <= 0.50)')"
done
echo "(gamefilm: decode + resample + R128 + fades + audio + VTT/JSON/HTML with the audio embedded; ffmpeg: input seek + resample + concat to the same format)"
