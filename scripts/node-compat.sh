#!/usr/bin/env bash
# Node's own tls tests (v20.11.1 test/parallel/test-tls-*.js) against ./dist,
# compared with docs/node-compat-pass.txt, the tests expected to pass.
#
#   npm run build && npm run test:node-compat [-- NAME_REGEX]
#
# Exits 1 when an expected test fails (a regression) and lists tests that
# pass but are not in the file yet (add them). The runner and Node's test
# files live outside this repository: $NODE_COMPAT_DIR, by default
# ../shared/node-compat beside the checkout; without them this says so and
# exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNNER_DIR=${NODE_COMPAT_DIR:-../shared/node-compat}
EXPECTED=docs/node-compat-pass.txt
if [ ! -x "$RUNNER_DIR/run.sh" ]; then
  echo "node-compat: no runner at $RUNNER_DIR (set NODE_COMPAT_DIR); skipped"
  exit 0
fi
OUT=$(mktemp)
trap 'rm -f "$OUT" "$OUT.pass"' EXIT
"$RUNNER_DIR/run.sh" -o "$OUT" "$@" | tail -n 1
awk -F'\t' 'NR > 1 && $2 == "PASS" { print $1 }' "$OUT" | sort > "$OUT.pass"
ran=$(awk -F'\t' 'NR > 1 { print $1 }' "$OUT" | sort)
regressions=$(comm -23 <(comm -12 "$EXPECTED" <(echo "$ran")) "$OUT.pass")
new=$(comm -13 "$EXPECTED" "$OUT.pass")
if [ -n "$new" ]; then
  echo "passing now, not yet in $EXPECTED:"
  echo "$new" | sed 's/^/  /'
fi
if [ -n "$regressions" ]; then
  echo "REGRESSIONS (expected to pass; logs under \${NODE_COMPAT_WORK:-/tmp/node-compat}/logs):"
  echo "$regressions" | sed 's/^/  /'
  exit 1
fi
echo "node-compat: every expected test passes"
