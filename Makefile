# Gamefilm. `make run` sets up and runs; `make test` sets up and passes every test.
SHELL := bash
CARGO ?= cargo
DEMO_DIR := target/demo
DEMO_LIB := $(DEMO_DIR)/library.sqlite

.PHONY: deps run test lint fmt bench bench-import bench-library bench-player check-core-deps

deps:
	scripts/install-deps.sh

# Until the app window exists: import demo recordings into a demo library and list it.
run: deps
	$(CARGO) build --release --locked --bin gamefilm
	scripts/make-fixtures.sh target/test-fixtures
	mkdir -p $(DEMO_DIR)/calls
	cp target/test-fixtures/mp3_44k_stereo.mp3 target/test-fixtures/aac.m4a target/test-fixtures/flac.flac $(DEMO_DIR)/calls/
	./target/release/gamefilm --library $(DEMO_LIB) import $(DEMO_DIR)/calls
	./target/release/gamefilm --library $(DEMO_LIB) list
	@echo
	@echo "Demo library: $(DEMO_LIB). Try: ./target/release/gamefilm --library $(DEMO_LIB) show 1"

test: deps check-core-deps lint
	$(CARGO) test --locked --workspace

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# The core must never depend on Tauri.
check-core-deps:
	@! $(CARGO) tree --locked -p gamefilm -e normal | grep -q tauri || { echo "the gamefilm core depends on tauri"; exit 1; }

bench: bench-import bench-library bench-player

bench-import: deps
	scripts/bench-import.sh

bench-library:
	$(CARGO) bench --locked --bench library

bench-player: deps
	$(CARGO) bench --locked --bench player
