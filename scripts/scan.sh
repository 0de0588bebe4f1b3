#!/usr/bin/env bash
# Scans the `npm start` demo server with testssl.sh and sslyze and prints
# every finding with what it is: an issue in rustls-node, a property of the
# demo (its throwaway self-signed certificate, its bare HTTP app), or a
# scanner's misreading. The resolutions are the ones SECURITY.md and the
# README's Security section report; a finding this script does not know is
# printed as UNEXPECTED and makes it exit 1.
#
#   scripts/scan.sh                 # demo on PORT (default 8443)
#   SCAN_OUT=/tmp/scan scripts/scan.sh   # keep the raw reports there
#
# Needs the two scanners (not part of `npm test` or CI):
#   apt-get install testssl.sh
#   python3 -m venv ~/.cache/rustls-node/sslyze &&
#     ~/.cache/rustls-node/sslyze/bin/pip install sslyze
# A missing scanner is skipped with a note. One run takes about a minute on
# two cores (testssl.sh is most of it) and only talks to 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8443}
OUT=${SCAN_OUT:-$(mktemp -d -t rustls-node-scan.XXXXXX)}
mkdir -p "$OUT"
SSLYZE=${SSLYZE:-$HOME/.cache/rustls-node/sslyze/bin/sslyze}
[ -x "$SSLYZE" ] || SSLYZE=$(command -v sslyze || true)
TESTSSL=${TESTSSL:-$(command -v testssl || command -v testssl.sh || true)}

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is in use: stop what listens there or set PORT=" >&2
  exit 2
fi

# The demo exactly as `npm start` runs it, in its own process group so that
# the node process under npm goes too.
: >"$OUT/demo.log"
PORT=$PORT HOST=127.0.0.1 setsid npm start --silent >"$OUT/demo.log" 2>&1 &
demo=$!
stop_demo() { kill -- "-$demo" 2>/dev/null; wait "$demo" 2>/dev/null; }
trap stop_demo EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$OUT/demo.log" && break
  kill -0 "$demo" 2>/dev/null || { cat "$OUT/demo.log" >&2; exit 2; }
  sleep 0.1
done
grep -q 'listening on' "$OUT/demo.log" || { echo "demo did not start" >&2; cat "$OUT/demo.log" >&2; exit 2; }
grep -m1 'listening on' "$OUT/demo.log"

if [ -n "$SSLYZE" ]; then
  echo "sslyze: running"
  "$SSLYZE" --quiet --certinfo --sslv2 --sslv3 --tlsv1 --tlsv1_1 --tlsv1_2 --tlsv1_3 \
    --ems --reneg --resum --robot --heartbleed --http_headers --elliptic_curves \
    --compression --openssl_ccs --fallback --early_data --mozilla_config=intermediate \
    --json_out="$OUT/sslyze.json" "localhost:$PORT" >"$OUT/sslyze.txt" 2>&1
else
  echo "sslyze: not installed, skipped (see the top of this script)"
fi

if [ -n "$TESTSSL" ]; then
  echo "testssl.sh: running ($("$TESTSSL" --version 2>/dev/null | grep -o 'testssl *[0-9][0-9.a-z+-]*' | head -1))"
  rm -f "$OUT/testssl.json"
  nice "$TESTSSL" --quiet --color 0 --warnings batch --ip one \
    --jsonfile "$OUT/testssl.json" "localhost:$PORT" >"$OUT/testssl.txt" 2>&1
else
  echo "testssl.sh: not installed, skipped (see the top of this script)"
fi

stop_demo
trap - EXIT
echo "raw reports: $OUT"
echo
OUT="$OUT" node - <<'EOF'
// Every finding of both reports, with its resolution. A finding not in the
// tables below is UNEXPECTED: look at it, then fix rustls-node or add it here
// with the reason.
const fs = require('node:fs')
const path = require('node:path')
const out = process.env.OUT
const DEMO_CERT = 'demo: the self-signed certificate `npm start` makes at start (no CA, no CRL/OCSP URI, no KU/EKU/AKI, 30 days)'
const DEMO_APP = 'demo: an HTTP header the application sets (rustls-node, like node:tls, is below HTTP)'
const rows = []
const add = (scanner, finding, resolution) => rows.push({ scanner, finding, resolution })
const unexpected = (scanner, finding) => add(scanner, finding, 'UNEXPECTED')
const aead = (name) => /GCM|CHACHA20|POLY1305|CCM/i.test(name)

// testssl.sh: anything not OK/INFO, any VULNERABLE or NOT ok, protocols, suites.
const testsslKnown = {
  cert_chain_of_trust: DEMO_CERT,
  cert_expirationStatus: DEMO_CERT,
  cert_notAfter: DEMO_CERT,
  cert_revocation: DEMO_CERT,
  DNS_CAArecord: 'demo: localhost has no DNS CAA record (a deployment property)',
  HSTS: DEMO_APP,
  security_headers: DEMO_APP,
}
const testsslNotes = {
  OCSP_stapling: "demo: staples only when the server has an 'OCSPRequest' listener, as in Node; the demo has none",
  cert_keyUsage: DEMO_CERT,
  cert_extKeyUsage: DEMO_CERT,
  TLS_session_ticket: 'scanner inference: it reads "keys rotated < daily" off the 300 s ticket lifetime (Node\'s sessionTimeout); keys are not rotated automatically, setTicketKeys() rotates them',
}
const tf = path.join(out, 'testssl.json')
if (fs.existsSync(tf)) {
  for (const e of JSON.parse(fs.readFileSync(tf, 'utf8'))) {
    const line = `${e.id}: ${e.finding} [${e.severity}]`
    if (/^(SSLv2|SSLv3|TLS1|TLS1_1)$/.test(e.id)) {
      if (!/^not offered/.test(e.finding)) unexpected('testssl', `protocol ${line}`)
    } else if (/^cipher_x/.test(e.id)) {
      if (!aead(e.finding)) unexpected('testssl', `non-AEAD suite ${line}`)
    } else if (/^clientsimulation-/.test(e.id) && /No connection/.test(e.finding)) {
      add('testssl', line, 'default: a client without TLS 1.2 and an AEAD suite (IE 6/8, Java 7) is refused, by design')
    } else if (testsslNotes[e.id]) {
      add('testssl', line, testsslNotes[e.id])
    } else if (!['OK', 'INFO'].includes(e.severity) || /(?<!not )vulnerable|NOT ok/i.test(e.finding)) {
      if (testsslKnown[e.id]) add('testssl', line, testsslKnown[e.id])
      else unexpected('testssl', line)
    }
  }
}

// sslyze: the JSON for the checks, the text for the Mozilla compliance.
const sf = path.join(out, 'sslyze.json')
if (fs.existsSync(sf)) {
  const doc = JSON.parse(fs.readFileSync(sf, 'utf8'))
  for (const server of doc.server_scan_results) {
    if (server.scan_status !== 'COMPLETED') { unexpected('sslyze', `scan ${server.scan_status}: ${server.connectivity_error_trace ?? ''}`); continue }
    const r = server.scan_result
    const res = (k) => (r[k] && r[k].status === 'COMPLETED' ? r[k].result : (unexpected('sslyze', `${k}: ${r[k]?.status} ${r[k]?.error_reason ?? ''}`), null))
    for (const v of ['ssl_2_0', 'ssl_3_0', 'tls_1_0', 'tls_1_1']) {
      const x = res(`${v}_cipher_suites`)
      if (x && x.accepted_cipher_suites.length) unexpected('sslyze', `${v} accepted: ${x.accepted_cipher_suites.map((s) => s.cipher_suite.name).join(' ')}`)
    }
    for (const v of ['tls_1_2', 'tls_1_3']) {
      const x = res(`${v}_cipher_suites`)
      for (const s of x?.accepted_cipher_suites ?? []) if (!aead(s.cipher_suite.name)) unexpected('sslyze', `non-AEAD suite ${s.cipher_suite.name}`)
    }
    const flag = (k, field, bad, text) => { const x = res(k); if (x && x[field] === bad) unexpected('sslyze', text) }
    flag('heartbleed', 'is_vulnerable_to_heartbleed', true, 'Heartbleed')
    flag('openssl_ccs_injection', 'is_vulnerable_to_ccs_injection', true, 'CCS injection')
    flag('tls_compression', 'supports_compression', true, 'TLS compression')
    flag('session_renegotiation', 'is_vulnerable_to_client_renegotiation_dos', true, 'client renegotiation DoS')
    flag('tls_fallback_scsv', 'supports_fallback_scsv', false, 'no TLS_FALLBACK_SCSV')
    flag('tls_extended_master_secret', 'supports_ems_extension', false, 'no extended master secret')
    flag('tls_1_3_early_data', 'supports_early_data', true, 'TLS 1.3 early data (0-RTT) accepted')
    const robot = res('robot')
    if (robot && /^VULNERABLE/.test(robot.robot_result)) unexpected('sslyze', `ROBOT ${robot.robot_result}`)
    const cert = res('certificate_info')
    for (const d of cert?.certificate_deployments ?? []) {
      const failed = d.path_validation_results.filter((p) => !p.was_validation_successful)
      if (failed.length) add('sslyze', `certificate not trusted by ${failed.length} trust stores (${failed[0].validation_error?.split('(')[0].trim()})`, DEMO_CERT)
      if (!d.ocsp_response) add('sslyze', 'OCSP stapling: no response', testsslNotes.OCSP_stapling)
      if (!d.leaf_certificate_has_must_staple_extension) add('sslyze', 'certificate: no OCSP Must-Staple extension', DEMO_CERT)
      if (!d.leaf_certificate_signed_certificate_timestamps_count) add('sslyze', 'certificate: no Certificate Transparency SCTs', DEMO_CERT)
      break // the deployment without SNI is the same certificate
    }
    const resum = res('session_resumption')
    if (resum && resum.tls_ticket_resumption_result !== 'FULLY_SUPPORTED') {
      add('sslyze', `TLS 1.2 ticket resumption: ${resum.tls_ticket_resumption_result} (${resum.tls_ticket_successful_resumptions_count}/${resum.tls_ticket_attempted_resumptions_count})`,
        'false positive: sslyze counts a resumption only if the server hands back the same ticket; rustls issues a fresh one on every TLS 1.2 resumption (RFC 5077 §3.3 allows it); `openssl s_client -tls1_2 -sess_in` shows "Reused"')
    }
    if (resum && resum.session_id_resumption_result !== 'FULLY_SUPPORTED') unexpected('sslyze', `session ID resumption ${resum.session_id_resumption_result}`)
    const http = res('http_headers')
    if (http && !http.strict_transport_security_header) add('sslyze', 'HTTP: no Strict-Transport-Security header', DEMO_APP)
  }
  const txt = fs.readFileSync(path.join(out, 'sslyze.txt'), 'utf8')
  for (const m of txt.matchAll(/^\s+\* (\w+): (.*)$/gm)) {
    if (m[1] === 'certificate_path_validation') add('sslyze', `Mozilla intermediate: ${m[1]}: ${m[2]}`, DEMO_CERT)
    else unexpected('sslyze', `Mozilla intermediate: ${m[1]}: ${m[2]}`)
  }
}

if (!rows.length) { console.log('no reports to summarise'); process.exit(2) }
console.log('Findings')
for (const r of rows) console.log(`- [${r.scanner}] ${r.finding}\n    -> ${r.resolution}`)
const bad = rows.filter((r) => r.resolution === 'UNEXPECTED')
console.log(`\n${rows.length} findings: ${bad.length} unexpected (rustls-node issues to look at), ${rows.length - bad.length} explained`)
process.exit(bad.length ? 1 : 0)
EOF
