#!/usr/bin/env bash
# Red Hat's tlsfuzzer against a rustls-node TLS server and a node:tls server
# (scripts/tlsfuzzer-server.cjs, same script, same RSA-2048 certificate), and
# a table of passed/total checks per tlsfuzzer script for each.
#
#   scripts/tlsfuzzer.sh                      the default selection, both servers
#   scripts/tlsfuzzer.sh test-x25519 ...      only these tlsfuzzer scripts
#   IMPLS=rustls scripts/tlsfuzzer.sh         only one server
#
# Uses ./dist and ./native as built (npm run build). Logs of every run go to
# $TLSFUZZER_OUT (default /tmp/tlsfuzzer-results/<impl>/<script>.log): each
# failed check there shows what tlsfuzzer expected and what it got.
#
# What it needs, fetched into $TLSFUZZER_CACHE (default
# ~/.cache/rustls-node/tlsfuzzer) when missing:
#   - tlsfuzzer itself, which is not on PyPI: a git checkout of
#     https://github.com/tlsfuzzer/tlsfuzzer at $TLSFUZZER_COMMIT, cloned into
#     $TLSFUZZER_CACHE/tlsfuzzer. Where GitHub cannot be reached, put a copy
#     of that repository there (or point TLSFUZZER_DIR at one) beforehand.
#     Because of that network dependency this is not part of CI.
#   - a Python venv ($TLSFUZZER_CACHE/venv) with tlsfuzzer's requirements
#     (tlslite-ng) and ecdsa, from PyPI.
#   - a throwaway self-signed RSA-2048 certificate for localhost (openssl).
# Every check is run (-n 0), so results do not depend on random sampling,
# except in test-large-hello (thousands of checks, ~1 s each): there a random
# 50, as tlsfuzzer's default.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CACHE=${TLSFUZZER_CACHE:-$HOME/.cache/rustls-node/tlsfuzzer}
TLSFUZZER_COMMIT=${TLSFUZZER_COMMIT:-14555fe211456c46deccc4b2d94751dbd894aece}
TF=${TLSFUZZER_DIR:-$CACHE/tlsfuzzer}
OUT=${TLSFUZZER_OUT:-/tmp/tlsfuzzer-results}
IMPLS=${IMPLS:-rustls node}
PORT=${TLSFUZZER_PORT:-4433}
PER_SCRIPT_TIMEOUT=${TLSFUZZER_TIMEOUT:-900}

# rustls (and so rustls-node) has no CBC and no RSA key exchange, which is
# what several TLS 1.2 scripts use by default: where a script takes a cipher
# (-C) it gets an ECDHE-RSA AES-GCM suite, and -d (ECDHE instead of RSA key
# exchange) where it has one. The same arguments go to both servers.
GCM=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
DEFAULT_SCRIPTS=(
  test-tls13-conversation
  "test-conversation -d -C $GCM"
  test-tls13-finished
  test-fuzzed-finished
  test-tls13-record-layer-limits
  test-x25519
  test-tls13-legacy-version
  test-tls13-zero-content-type
  test-tls13-empty-alert
  "test-tls13-0rtt-garbage -d"
  "test-ecdhe-rsa-key-exchange-with-bad-messages -C $GCM"
  test-tls13-zero-length-data
  "test-large-hello -d -n 50"
  "test-client-hello-max-size -d"
  test-tls13-connection-abort
  "test-large-number-of-extensions -d"
  "test-renegotiation-disabled -d -C $GCM"
)
if [ $# -gt 0 ]; then
  SCRIPTS=()
  for name in "$@"; do
    found=$name
    for entry in "${DEFAULT_SCRIPTS[@]}"; do
      [ "${entry%% *}" = "$name" ] && found=$entry
    done
    SCRIPTS+=("$found")
  done
else
  SCRIPTS=("${DEFAULT_SCRIPTS[@]}")
fi

mkdir -p "$CACHE"
if [ ! -d "$TF/tlsfuzzer" ]; then
  echo "tlsfuzzer: cloning into $TF" >&2
  if ! git clone -q https://github.com/tlsfuzzer/tlsfuzzer "$TF" ||
     ! git -C "$TF" checkout -q "$TLSFUZZER_COMMIT"; then
    echo "tlsfuzzer: cannot fetch it; place a checkout at $TF or set TLSFUZZER_DIR" >&2
    exit 2
  fi
fi
PY=$CACHE/venv/bin/python
if ! "$PY" -c 'import tlslite, ecdsa' 2>/dev/null; then
  echo "tlsfuzzer: making the Python venv $CACHE/venv" >&2
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q -r "$TF/requirements.txt" ecdsa
fi
if [ ! -f "$CACHE/key.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$CACHE/key.pem" -out "$CACHE/cert.pem" \
    -days 3650 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
fi

SERVER_PID=
stop_server () {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
trap stop_server EXIT

start_server () { # impl logfile
  node "$REPO/scripts/tlsfuzzer-server.cjs" --impl="$1" --port="$PORT" \
    --cert="$CACHE/cert.pem" --key="$CACHE/key.pem" >"$2" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^listening' "$2" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $1 did not start:" >&2
  cat "$2" >&2
  exit 1
}

declare -A RESULT
for impl in $IMPLS; do
  mkdir -p "$OUT/$impl"
  for entry in "${SCRIPTS[@]}"; do
    read -r -a words <<<"$entry"
    name=${words[0]}
    log=$OUT/$impl/$name.log
    # A fresh server for every script: one that dies is seen, not inherited.
    start_server "$impl" "$OUT/$impl/$name.server.log"
    echo "== $impl: ${words[*]}" >&2
    (cd "$TF" && timeout --foreground "$PER_SCRIPT_TIMEOUT" "$PY" "scripts/$name.py" -h 127.0.0.1 -p "$PORT" -n 0 \
      "${words[@]:1}") >"$log" 2>&1 || true
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "   (the $impl server exited during $name; see $OUT/$impl/$name.server.log)" >&2
    fi
    stop_server
    pass=$(sed -n 's/^PASS: //p' "$log" | tail -n 1)
    fail=$(sed -n 's/^FAIL: //p' "$log" | tail -n 1)
    if [ -n "$pass" ] && [ -n "$fail" ]; then
      RESULT[$impl/$name]="$pass/$((pass + fail))"
    else
      RESULT[$impl/$name]="error"
    fi
    echo "   ${RESULT[$impl/$name]}" >&2
  done
done

impls=($IMPLS)
label () { [ "$1" = rustls ] && echo rustls-node || echo node:tls; }
header="| script"; rule="| ---"
for impl in "${impls[@]}"; do header+=" | $(label "$impl")"; rule+=" | ---"; done
echo "$header |"
echo "$rule |"
declare -A PASSED TOTAL
for entry in "${SCRIPTS[@]}"; do
  name=${entry%% *}
  row="| $entry"
  for impl in "${impls[@]}"; do
    r=${RESULT[$impl/$name]}
    row+=" | $r"
    if [[ $r == */* ]]; then
      PASSED[$impl]=$(( ${PASSED[$impl]:-0} + ${r%/*} ))
      TOTAL[$impl]=$(( ${TOTAL[$impl]:-0} + ${r#*/} ))
    fi
  done
  echo "$row |"
done
row="| **total**"
for impl in "${impls[@]}"; do row+=" | **${PASSED[$impl]:-0}/${TOTAL[$impl]:-0}**"; done
echo "$row |"
echo "logs: $OUT/<impl>/<script>.log" >&2
