#!/usr/bin/env bash
# Builds Gamefilm's Debian package with the Tauri bundler: the app (gamefilm-app), the CLI
# (gamefilm), the desktop entry with the audio MIME types it opens, the icons, the copyright
# and changelog. Its dependencies are computed by dpkg-shlibdeps from the two binaries, and
# lintian must find no error in it.
#
# Usage: scripts/package.sh [--debug] [--profile NAME]
#   (default: the release profile; --debug bundles the debug build the tests already have, as CI
#   does; --profile bundles another cargo profile's build, e.g. for measuring one)
# Prints the path of the .deb on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
profile=release
bundle_flags=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --debug) profile=dev; bundle_flags=(--debug) ;;
    --profile) profile=$2; shift ;;
    *) echo "usage: scripts/package.sh [--debug] [--profile NAME]" >&2; exit 2 ;;
  esac
  shift
done
out_dir=$profile
[[ $profile == dev ]] && out_dir=debug
cargo build --locked --profile "$profile" -p gamefilm-app --bin gamefilm-app -p gamefilm --bin gamefilm

# The bundler takes the binaries from <target>/<debug|release>: stage stripped copies in a
# target of their own, so the build's own binaries (and their debug info) stay as they are.
stage=$root/target/package
bundle_dir=debug
[[ ${#bundle_flags[@]} -eq 0 ]] && bundle_dir=release
rm -rf "$stage"
mkdir -p "$stage/$bundle_dir" "$stage/doc" "$stage/shlibs/debian"
for bin in gamefilm-app gamefilm; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    -o "$stage/$bundle_dir/$bin" "target/$out_dir/$bin"
done

# Depends: what the binaries link, as dpkg-shlibdeps finds it (it wants a debian/control).
printf 'Source: gamefilm\n\nPackage: gamefilm\nArchitecture: any\n' > "$stage/shlibs/debian/control"
depends=$(cd "$stage/shlibs" && dpkg-shlibdeps -O -e"$stage/$bundle_dir/gamefilm-app" \
  -e"$stage/$bundle_dir/gamefilm" | sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

gzip -9n < packaging/changelog > "$stage/doc/changelog.gz"
python3 - "$stage" "$depends" "$root" "$stage/$bundle_dir" <<'PY'
import json, sys
stage, depends, root, bin_dir = sys.argv[1:5]
config = {"bundle": {"linux": {"deb": {
    "depends": [d.strip() for d in depends.split(",") if d.strip()],
    "files": {
        "/usr/bin/gamefilm": f"{bin_dir}/gamefilm",
        "/usr/share/doc/gamefilm/copyright": f"{root}/packaging/copyright",
        "/usr/share/doc/gamefilm/changelog.gz": f"{stage}/doc/changelog.gz",
    },
}}}}
json.dump(config, open(f"{stage}/package.conf.json", "w"), indent=2)
PY

CARGO_TARGET_DIR=$stage ui/node_modules/.bin/tauri bundle --ci --bundles deb \
  --config "$stage/package.conf.json" "${bundle_flags[@]}"
deb=$(ls "$stage/$bundle_dir"/bundle/deb/*.deb)
lintian --fail-on error --tag-display-limit 0 "$deb"
echo "$deb"
