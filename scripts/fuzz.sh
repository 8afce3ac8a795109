#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (make fuzz; never part of make test). The corpus of every
# target lives in target/fuzz/corpus/TARGET and grows across runs; it starts from the test
# fixtures (audio targets) or fuzz/seeds/TARGET. Crashes land in target/fuzz/artifacts/TARGET/
# and fail the run: make each one a regression test, then fix it.
# Usage: scripts/fuzz.sh SECONDS TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
fixtures=target/test-fixtures
status=0
for t in "$@"; do
  corpus=target/fuzz/corpus/$t
  artifacts=target/fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  if [[ -z "$(ls -A "$corpus")" ]]; then
    case $t in
      analyze) find "$fixtures" -maxdepth 1 -type f -size -2M ! -name manifest.txt -exec cp {} "$corpus"/ \;
               find "$fixtures/bad" -type f -size -2M -exec cp {} "$corpus"/ \; 2>/dev/null || true ;;
      mp4) cp "$fixtures"/*.m4a "$corpus"/ ;;
      *) cp fuzz/seeds/"$t"/* "$corpus"/ ;;
    esac
  fi
  echo "== fuzz $t for ${seconds}s (corpus: $(ls "$corpus" | wc -l) inputs)"
  log=target/fuzz/$t-$(date +%Y%m%dT%H%M%S).log  # one per run: totals add up across runs
  if cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$corpus" -- \
      -max_total_time="$seconds" -max_len=1048576 -artifact_prefix="$artifacts/" \
      -print_final_stats=1 > "$log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:" "$log" | tail -3
  else
    status=1
    echo "fuzz $t found a crash (see $log and $artifacts):"
    grep -E "panicked|ERROR|SUMMARY|Test unit written" "$log" | head -10
  fi
done
exit $status
