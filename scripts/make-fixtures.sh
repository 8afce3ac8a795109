#!/usr/bin/env bash
# Generates the test fixtures: short real recordings in every format the import tests cover,
# made with espeak-ng (speech), sox and ffmpeg, plus broken files for the bad-input tests.
# Usage: scripts/make-fixtures.sh OUTDIR   (idempotent: keyed on this script's hash)
set -euo pipefail
out=${1:?usage: make-fixtures.sh OUTDIR}
key=$(sha256sum "$0" | cut -d' ' -f1)
if [[ -f "$out/.complete" && "$(cat "$out/.complete")" == "$key" ]]; then
  exit 0
fi
rm -rf "$out"
mkdir -p "$out/bad"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
cd "$out"

espeak-ng -w speech_raw.wav "Thanks for taking my call. I wanted to talk about your pricing, and the renewal next quarter. Does Thursday work for a follow up?"
# 16 kHz mono speech base, about 7 s.
ff -i speech_raw.wav -ar 16000 -ac 1 -map_metadata -1 speech.wav
rm speech_raw.wav

# Stereo 44.1 kHz: the rep (speech) left, a 440 Hz tone at -12 dBFS right.
ff -i speech.wav -f lavfi -i "aevalsrc=0.25*sin(2*PI*440*t):s=44100:d=4" \
   -filter_complex "[0:a]aresample=44100,atrim=0:4[l];[l][1:a]join=inputs=2:channel_layout=stereo[a]" \
   -map "[a]" -c:a pcm_s16le -map_metadata -1 pcm16_44k_stereo.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a pcm_mulaw -map_metadata -1 mulaw_8k.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a pcm_alaw -map_metadata -1 alaw_8k.wav
ff -i speech.wav -ar 8000 -ac 1 -c:a libmp3lame -b:a 32k -map_metadata -1 mp3_8k_mono.mp3
ff -i pcm16_44k_stereo.wav -c:a libmp3lame -b:a 128k -map_metadata -1 \
   -metadata title="Acme renewal call" -metadata artist="Dana Rep" -metadata date="2026-03-14" \
   -id3v2_version 4 mp3_44k_stereo.mp3
ff -i speech.wav -ar 44100 -ac 1 -c:a aac -b:a 64k -map_metadata -1 \
   -metadata title="Globex discovery" -metadata artist="Sam Rep" aac.m4a
ff -i speech.wav -c:a flac -map_metadata -1 flac.flac
ff -i speech.wav -ar 22050 -ac 1 -c:a libvorbis -q:a 3 -map_metadata -1 vorbis.ogg
ff -i speech.wav -ar 48000 -ac 1 -c:a libopus -b:a 24k -map_metadata -1 opus.ogg

# For the player: 2 s tone, 3 s digital silence, 2 s tone, 16 kHz mono.
ff -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=2" -f lavfi -i "anullsrc=r=16000:cl=mono:d=3" \
   -f lavfi -i "sine=frequency=500:sample_rate=16000:duration=2" \
   -filter_complex "[0:a][1:a][2:a]concat=n=3:v=0:a=1[a]" -map "[a]" -c:a pcm_s16le silence_gap.wav

# Long enough (150 s) to be decoded in parallel segments: speech looped over a slow sweep.
ff -stream_loop -1 -i speech.wav -f lavfi -i "aevalsrc=0.2*sin(2*PI*(150+2*t)*t):s=16000:d=150" \
   -filter_complex "[0:a]atrim=0:150[s];[s][1:a]amix=inputs=2:duration=shortest:normalize=0[a]" \
   -map "[a]" -t 150 long_speech.wav
ff -i long_speech.wav -ar 44100 -ac 2 -c:a libmp3lame -b:a 128k long_stereo.mp3
ff -i long_speech.wav -ar 44100 -ac 1 -c:a aac -b:a 64k long.m4a
ff -i long_speech.wav -c:a flac long.flac
rm long_speech.wav

# Bad inputs.
: > bad/empty.mp3
size=$(stat -c %s pcm16_44k_stereo.wav); head -c $((size * 40 / 100)) pcm16_44k_stereo.wav > bad/truncated.wav
size=$(stat -c %s flac.flac); head -c $((size / 2)) flac.flac > bad/truncated.flac
python3 -c 'import random,sys; random.seed(1); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(65536)))' > bad/random.mp3
python3 -c 'import random,sys; random.seed(2); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(65536)))' > bad/random.flac
printf 'Call notes\nThis is a plain text file,\nnot audio at all.\n' > bad/text.mp3
ff -f lavfi -i testsrc=size=64x64 -frames:v 1 image.png
cp image.png bad/image.m4a
mv image.png bad/image.flac

ls ./*.wav ./*.mp3 ./*.m4a ./*.flac ./*.ogg > manifest.txt
echo "$key" > .complete
