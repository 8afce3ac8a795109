#!/usr/bin/env bash
# Generates the test fixtures: short real recordings in every format the import tests cover,
# made with espeak-ng (speech) and ffmpeg, plus broken files for the bad-input tests.
# Usage: scripts/make-fixtures.sh OUTDIR
# Idempotent: OUTDIR/.complete holds this script's sha256; when it matches, nothing is done.
# Otherwise everything is made in a temporary folder next to OUTDIR and swapped in at the end,
# so OUTDIR is either the previous complete set or the new one. Output is byte-reproducible
# (bitexact muxing: no encoder tags, fixed Ogg serial numbers; fixed-seed random data).
set -euo pipefail
out=${1:?usage: make-fixtures.sh OUTDIR}
out=${out%/}
key=$(sha256sum "$0" | cut -d' ' -f1)
if [[ -f "$out/.complete" && "$(cat "$out/.complete")" == "$key" ]]; then
  exit 0
fi
for tool in ffmpeg espeak-ng python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-fixtures: $tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
# Only ever replace a folder this script made (or an empty one): OUTDIR is removed wholesale.
if [[ -d "$out" && ! -f "$out/.complete" && ! -f "$out/speech.wav" && -n "$(ls -A "$out")" ]]; then
  echo "make-fixtures: $out exists and was not made by this script; refusing to replace it" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/bad"
cd "$tmp"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# Output options for every file: no metadata carried over, no encoder tags, reproducible muxing.
clean=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact)

# Base speech: 16 kHz mono, about 7.9 s. Not shorter: tests/notes.rs puts a note at 5-6 s of
# flac.flac, and `list --min-duration 5s` must keep it while hiding the 4 s stereo WAV.
espeak-ng -w speech_raw.wav "Thanks for taking my call. I wanted to talk about your pricing, and the renewal next quarter. Does Thursday work for a follow up?"
ff -i speech_raw.wav -ar 16000 -ac 1 -c:a pcm_s16le "${clean[@]}" speech.wav
rm speech_raw.wav

# Stereo 44.1 kHz, 4 s: the speech left, a 440 Hz sine at -12 dBFS (amplitude 0.25) right.
ff -i speech.wav -f lavfi -i "aevalsrc=0.25*sin(2*PI*440*t):s=44100:d=4" \
   -filter_complex "[0:a]aresample=44100,apad,atrim=0:4[l];[l][1:a]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR[a]" \
   -map "[a]" -c:a pcm_s16le "${clean[@]}" pcm16_44k_stereo.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a pcm_mulaw "${clean[@]}" mulaw_8k.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a pcm_alaw "${clean[@]}" alaw_8k.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a libmp3lame -b:a 32k "${clean[@]}" mp3_8k_mono.mp3
ff -i pcm16_44k_stereo.wav -ar 44100 -ac 2 -c:a libmp3lame -b:a 128k "${clean[@]}" \
   -metadata title="Acme renewal call" -metadata artist="Dana Rep" -metadata date="2026-03-14" \
   -id3v2_version 4 mp3_44k_stereo.mp3
ff -i speech.wav -ar 44100 -ac 1 -c:a aac -b:a 64k "${clean[@]}" \
   -metadata title="Globex discovery" -metadata artist="Sam Rep" aac.m4a
ff -i speech.wav -ar 16000 -ac 1 -c:a flac "${clean[@]}" flac.flac
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null)
if [[ $encoders == *" libvorbis "* ]]; then vorbis=(-c:a libvorbis -q:a 3); else vorbis=(-c:a vorbis -strict -2); fi
ff -i speech.wav -ar 22050 -ac 1 "${vorbis[@]}" "${clean[@]}" vorbis.ogg
# Opus, as softphones and meeting tools record it: in Ogg and in WebM.
ff -i speech.wav -ar 48000 -ac 1 -c:a libopus -b:a 24k "${clean[@]}" opus.ogg
ff -i speech.wav -ar 48000 -ac 2 -c:a libopus -b:a 32k "${clean[@]}" opus.webm
# AC-3 in Matroska: a codec Gamefilm does not decode (the unsupported-codec case).
ff -i speech.wav -ar 48000 -ac 2 -c:a ac3 "${clean[@]}" ac3.mka

# For the player: 2 s tone, 3 s digital silence (exact zeros), 2 s tone; 16 kHz mono.
ff -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=2" -f lavfi -i "anullsrc=r=16000:cl=mono:d=3" \
   -f lavfi -i "sine=frequency=500:sample_rate=16000:duration=2" \
   -filter_complex "[0:a][1:a][2:a]concat=n=3:v=0:a=1[a]" -map "[a]" -c:a pcm_s16le "${clean[@]}" silence_gap.wav

# For the player: a pure tone and a sweep.
ff -f lavfi -i "aevalsrc=0.5*sin(2*PI*1000*t):s=44100:d=2" -c:a pcm_s16le sine_1k_44k.wav
ff -f lavfi -i "aevalsrc=0.5*sin(2*PI*(100*t+650*t*t)):s=22050:d=3" -c:a pcm_s16le sweep_22k.wav
ff -f lavfi -i "aevalsrc=0.5*sin(2*PI*440*t):s=44100:d=4" -c:a pcm_s16le sine_440_44k.wav

# For the player's deep-buffer tests: 205 s, 44.1 kHz stereo. Left a linear chirp 100 Hz → 8 kHz
# over 300 s (so its frequency tells the time: 5366.7 Hz at 200 s), right pink noise, never
# silent, so any silent run in a capture is the player's gap. And the same as a 128k MP3.
ff -f lavfi -i "aevalsrc=0.5*sin(2*PI*(100*t+(7900/600)*t*t)):s=44100:d=205" \
   -f lavfi -i "anoisesrc=c=pink:a=0.3:r=44100:d=205:seed=7" \
   -filter_complex "[0][1]amerge=inputs=2[a]" -map "[a]" -c:a pcm_s16le "${clean[@]}" chirp_noise.wav
ff -i chirp_noise.wav -c:a libmp3lame -b:a 128k "${clean[@]}" chirp_noise.mp3

# Long enough (150 s) to be decoded in parallel segments: speech looped over a slow sweep.
ff -stream_loop -1 -i speech.wav -f lavfi -i "aevalsrc=0.2*sin(2*PI*(150+2*t)*t):s=16000:d=150" \
   -filter_complex "[0:a]atrim=0:150[s];[s][1:a]amix=inputs=2:duration=shortest:normalize=0[a]" \
   -map "[a]" -t 150 -c:a pcm_s16le long_speech.wav
ff -i long_speech.wav -ar 44100 -ac 2 -c:a libmp3lame -b:a 128k "${clean[@]}" long_stereo.mp3
ff -i long_speech.wav -ar 44100 -ac 1 -c:a aac -b:a 64k "${clean[@]}" long.m4a
ff -i long_speech.wav -c:a flac "${clean[@]}" long.flac
rm long_speech.wav

# Bad inputs.
: > bad/empty.mp3
# Header untouched, so it claims more data than the file holds.
size=$(stat -c %s pcm16_44k_stereo.wav); head -c $((size * 40 / 100)) pcm16_44k_stereo.wav > bad/truncated.wav
size=$(stat -c %s flac.flac); head -c $((size / 2)) flac.flac > bad/truncated.flac
random_bytes() { python3 -c 'import random,sys; random.seed(int(sys.argv[1])); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(65536)))' "$1"; }
random_bytes 1 > bad/random.mp3
random_bytes 2 > bad/random.flac
printf 'Call notes, Acme renewal\nThis is a plain text file,\nnot audio at all.\n' > bad/text.mp3
ff -f lavfi -i testsrc=size=64x64 -frames:v 1 -fflags +bitexact -flags:v +bitexact image.png
cp image.png bad/image.m4a
mv image.png bad/image.flac

# The good files.
ls -1 -- *.wav *.mp3 *.m4a *.flac *.ogg *.webm > manifest.txt
echo "$key" > .complete

cd /
rm -rf "$out"
mv -T "$tmp" "$out"
trap - EXIT
