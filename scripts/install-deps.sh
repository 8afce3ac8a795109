#!/usr/bin/env bash
# Installs the Debian packages Gamefilm needs, only those missing. Usage:
#   scripts/install-deps.sh [PACKAGE...]   (default: what building and testing the core, the app
#   window and its end-to-end tests need)
set -euo pipefail
pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then
  # make: mp3lame-sys builds LAME with its configure script and make. python3-xlib: the
  # end-to-end drop test's drag source (tests/e2e/support/xdnd_drop.py).
  # libopus-dev: Opus decoding links the system's libopus (symphonia-adapter-libopus).
  # dbus-daemon: dbus-run-session, for the single-instance window test (tests/e2e/tests/launch.rs).
  # python3-icalendar: the independent parser that checks exported next steps (tests/steps.rs).
  # postgresql: the team library's tests start a throwaway server (tests/common/pg.rs).
  # libdbus-1-dev: the desktop keyring (Secret Service) for team passwords (src/team/credentials.rs);
  # gnome-keyring and libsecret-tools (secret-tool): a real keyring for its test (tests/team.rs).
  pkgs=(ffmpeg sox espeak-ng chromium libasound2-dev libclang-dev libopus-dev g++ make pkg-config util-linux python3
        libwebkit2gtk-4.1-dev xvfb webkit2gtk-driver python3-xlib dbus-daemon python3-icalendar postgresql libdbus-1-dev
        gnome-keyring libsecret-tools)
  # The UI builds with Node 20+ and npm: use the machine's if it has them, else Debian's.
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is not on PATH. Install Rust first: https://rustup.rs (then open a new shell)." >&2
  exit 1
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
# Through env: sudo's env_reset would drop a DEBIAN_FRONTEND set in front of it.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
