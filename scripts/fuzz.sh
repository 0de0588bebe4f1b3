#!/usr/bin/env bash
# Builds the cargo-fuzz targets in fuzz/ and runs each one briefly, one
# after another (one core each, never in parallel).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Defaults: 30 s per target, every target. FUZZ_RUNS=n stops a target after
# n inputs instead (the time is then only a guard), e.g. the long runs
# reported in the README:
#
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 3600
#
# Seeds come from fuzz/corpus/<target> (kept in git, read only; made by
# fuzz/seeds.sh), with the tokens of fuzz/dict/<target>.dict if there is one;
# what a run learns goes to fuzz/work/<target> (ignored), which later runs
# start from.
# A crash, timeout or oversized allocation leaves its input in
# fuzz/artifacts/<target>/ and makes the script exit non-zero; reproduce it
# with `cargo +nightly fuzz run -a <target> <file>`.
#
# Needs nightly Rust (rustup toolchain install nightly) and cargo-fuzz
# (cargo install cargo-fuzz). Not part of `npm test`.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_PER_TARGET=${1:-30}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(cargo +nightly fuzz list)
fi

# -a: debug assertions and overflow checks on, so arithmetic that would
# silently wrap in a release build fails here.
cargo +nightly fuzz build -O -a || exit 1

failed=()
printf '%-16s %12s %8s %s\n' target runs seconds result
for t in "${TARGETS[@]}"; do
  mkdir -p "work/$t" "artifacts/$t"
  args=(
    -max_total_time="$SECONDS_PER_TARGET"
    -timeout=10
    -rss_limit_mb=2048
    -malloc_limit_mb=512
    -print_final_stats=1
  )
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  [ -f "dict/$t.dict" ] && args+=(-dict="dict/$t.dict")
  log="artifacts/$t/last-run.log"
  start=$(date +%s)
  cargo +nightly fuzz run -O -a "$t" "work/$t" "corpus/$t" -- "${args[@]}" >"$log" 2>&1
  status=$?
  took=$(($(date +%s) - start))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ $status -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status, see fuzz/$log)"
    failed+=("$t")
  fi
  printf '%-16s %12s %8s %s\n' "$t" "${runs:-?}" "$took" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
