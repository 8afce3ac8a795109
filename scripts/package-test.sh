#!/usr/bin/env bash
# make package-test: the .deb as a user gets it. Bundles the debug build (scripts/package.sh
# --debug, lintian included), validates its desktop entry, installs it with dpkg -i, checks that
# the audio MIME types now open with Gamefilm, runs the launch window tests against the installed
# binaries, and removes the package (also when a step fails).
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
deb=$(scripts/package.sh --debug | tee /dev/stderr | tail -1)
echo "== $deb"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"; "${sudo[@]}" dpkg -r gamefilm >/dev/null 2>&1 || true' EXIT
dpkg-deb -x "$deb" "$scratch"
desktop-file-validate "$scratch/usr/share/applications/Gamefilm.desktop"
"${sudo[@]}" dpkg -i "$deb"
for mime in audio/mpeg audio/x-wav audio/mp4 audio/flac audio/ogg audio/x-opus+ogg audio/webm; do
  grep -q "^$mime=.*Gamefilm.desktop" /usr/share/applications/mimeinfo.cache ||
    { echo "the installed package does not open $mime" >&2; exit 1; }
done
echo "the installed desktop entry opens the audio types"
GAMEFILM_APP_BIN=/usr/bin/gamefilm-app GAMEFILM_CLI_BIN=/usr/bin/gamefilm \
  cargo test --locked -p gamefilm-e2e --test launch
