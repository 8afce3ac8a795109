# Gamefilm. `make run` sets up and opens the app; `make test` sets up and passes every test.
SHELL := bash
CARGO ?= cargo
DEMO_DIR := target/demo
DEMO_LIB := $(DEMO_DIR)/library.sqlite
BINDINGS := ui/src/api/bindings

.PHONY: deps ui ui-test app run demo test lint fmt bindings check-bindings bench bench-import \
	bench-library bench-player bench-app bench-reel bench-pack bench-watch bench-insights bench-team check-core-deps check-imports kill-trials soak-team fuzz \
	package package-test

# Debian packages, the UI's npm packages and tauri-driver (for the window tests).
deps:
	scripts/install-deps.sh
	command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version ^2 --locked
	cd ui && { [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund; }

# The web UI, built into ui/dist (embedded into the app at compile time).
ui: deps
	cd ui && npm run build

ui-test: deps
	cd ui && npm run check && npm test

app: ui
	$(CARGO) build --locked -p gamefilm-app

# Opens the app on your library (~/.local/share/gamefilm/library.sqlite, or GAMEFILM_LIBRARY).
run: app
	./target/debug/gamefilm-app

# Opens the app on a demo library with a few generated calls.
demo: app
	$(CARGO) build --locked --bin gamefilm
	scripts/make-fixtures.sh target/test-fixtures
	mkdir -p $(DEMO_DIR)/calls
	cp target/test-fixtures/mp3_44k_stereo.mp3 target/test-fixtures/aac.m4a target/test-fixtures/flac.flac $(DEMO_DIR)/calls/
	./target/debug/gamefilm --library $(DEMO_LIB) import $(DEMO_DIR)/calls || true
	./target/debug/gamefilm-app --library $(DEMO_LIB)

# Core, shell and UI tests, the window tests (Xvfb + tauri-driver) and the bindings check.
test: deps check-core-deps ui-test app lint
	$(CARGO) test --locked --workspace
	$(MAKE) --no-print-directory check-bindings

lint: ui check-imports
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Regenerates the TypeScript twins of the IPC types (ts-rs writes them when its tests run).
bindings:
	rm -rf $(BINDINGS)
	$(CARGO) test --locked -p gamefilm -p gamefilm-app --lib export_

# After the tests ran (which rewrote the bindings): anything changed means they were stale.
check-bindings:
	@changed=$$(git status --porcelain -- $(BINDINGS)); \
	if [[ -n "$$changed" ]]; then echo "$$changed"; \
	  echo "the TypeScript bindings are stale: run 'make bindings' and commit $(BINDINGS)"; exit 1; fi

# The core's modules import each other one way only (docs/architecture.md).
check-imports:
	python3 scripts/check-imports.py src

# Each fuzz target for FUZZ_SECONDS (60 by default) on the nightly toolchain; crashes fail it.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= analyze mp4 timefmt search
fuzz: deps
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	scripts/make-fixtures.sh target/test-fixtures
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# SIGKILLs the CLI at random moments during imports, note writes and reel renders (100 each,
# TRIALS=n for another count) and checks that nothing saved is lost or left half-written.
# The team library with its server restarted again and again, then away for minutes
# (GAMEFILM_SOAK_SECS, 180 by default), two sync workers writing all the while.
soak-team: deps
	$(CARGO) test --locked -p gamefilm --test team -- --ignored soak --nocapture

kill-trials: deps
	$(CARGO) build --locked --bin gamefilm
	scripts/make-fixtures.sh target/test-fixtures
	scripts/kill-trials.py target/debug/gamefilm target/test-fixtures $(or $(TRIALS),100)

# The Debian package of a release build: target/package/release/bundle/deb/Gamefilm_*.deb
# (the Tauri bundler from the UI's npm packages; lintian must find no error).
package: ui
	scripts/install-deps.sh lintian dpkg-dev binutils
	scripts/package.sh

# Run by CI after `make test` (it installs a package, so it wants root or sudo): bundles the debug
# build the tests already have, checks it with lintian and desktop-file-validate, installs it with
# dpkg -i, checks its MIME registration, then runs the launch window tests on the installed
# /usr/bin/gamefilm-app and /usr/bin/gamefilm, and removes the package again.
package-test: app
	scripts/install-deps.sh lintian dpkg-dev binutils desktop-file-utils
	scripts/package-test.sh

# The core must never depend on Tauri.
check-core-deps:
	@! $(CARGO) tree --locked -p gamefilm -e normal | grep -q tauri || { echo "the gamefilm core depends on tauri"; exit 1; }

bench: bench-import bench-library bench-player bench-app bench-reel bench-pack bench-watch bench-insights bench-team

bench-import: deps
	scripts/bench-import.sh

bench-library:
	$(CARGO) bench --locked --bench library

bench-player: deps
	$(CARGO) bench --locked --bench player

# Window figures under Xvfb (start to interactive, opening a 60-minute call, scrolling 100,000
# rows next to a plain list). The app measured is the debug build `make run` opens;
# GAMEFILM_APP_BIN=target/release/gamefilm-app measures a release build instead.
bench-app: app
	$(CARGO) build --locked --bin gamefilm
	$(CARGO) bench --locked -p gamefilm-e2e --bench app

# Review packs: 50 one-hour calls with audio against zip -0 / unzip of the same files (ratios,
# best of 3), and 1,000 calls' notes into the 100,000-call library (< 2 s).
bench-pack: deps
	$(CARGO) bench --locked --bench packs

# Watch folders: a new call in the library at most 1 s after the settle window (2 s).
bench-watch: deps
	$(CARGO) bench --locked --bench watch

bench-insights: deps
	$(CARGO) bench --locked --bench insights

# The team library on a throwaway PostgreSQL server: a note's way to another machine, the
# team-year library's first push and an empty machine's first sync, note saves meanwhile.
bench-team: deps
	$(CARGO) bench --locked --bench team

# A 20-clip reel from five 60-minute sources against one ffmpeg filter_complex, as ratios.
bench-reel: deps
	scripts/bench-reel.sh
