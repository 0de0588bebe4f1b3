#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/<target>/ from real inputs:
# keys, certificates, CRLs and PKCS#12 files made with the openssl CLI (every
# format and encryption keys.rs reads), ClientHellos captured from openssl
# s_client, curl, Node and Python against a local listener, tickets sealed
# with the ticket target's fixed keys, cipher strings from OpenSSL's docs.
#
# The committed corpora came from this script; rerunning it replaces them
# (keys and hellos are random, so the bytes differ). Needs openssl 3,
# python3 with `cryptography`, curl and node.
set -euo pipefail
cd "$(dirname "$0")"
CORPUS=$PWD/corpus
ROOT=$(cd .. && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; [ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null || true' EXIT
PASS='s3cret pass'
export OPENSSL_CONF=/dev/null

reset() { rm -rf "${CORPUS:?}/$1"; mkdir -p "$CORPUS/$1"; }
ossl() { openssl "$@" 2>/dev/null; }

# --- keys -------------------------------------------------------------------
reset private_key
K=$CORPUS/private_key
cd "$TMP"
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512.pem
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem
ossl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:1024 -out rsapss.pem
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.pem
ossl genpkey -algorithm ED25519 -out ed25519.pem
ossl genpkey -algorithm ED448 -out ed448.pem
ossl genpkey -algorithm X25519 -out x25519.pem
ossl dsaparam -genkey -out dsa.pem 1024 || true
cp rsa512.pem p256.pem ed25519.pem ed448.pem x25519.pem rsapss.pem "$K/"
[ -f dsa.pem ] && cp dsa.pem "$K/dsa-traditional.pem"
ossl pkey -in rsa512.pem -outform DER -out "$K/rsa512.pkcs8.der"
ossl pkey -in p384.pem -outform DER -out "$K/p384.pkcs8.der"
ossl rsa -in rsa512.pem -traditional -out "$K/rsa512.pkcs1.pem"
ossl rsa -in rsa512.pem -traditional -outform DER -out "$K/rsa512.pkcs1.der"
ossl rsa -in rsa1024.pem -traditional -out "$K/rsa1024.pkcs1.pem"
ossl ec -in p256.pem -out "$K/p256.sec1.pem"
ossl ec -in p521.pem -outform DER -out "$K/p521.sec1.der"
ossl ec -in p256.pem -param_enc explicit -out "$K/p256-explicit.sec1.pem"
ossl ec -in p256.pem -no_public -out "$K/p256-nopub.sec1.pem"
# encrypted PKCS#8: PBES2 with PBKDF2 (each PRF) or scrypt, and the PKCS#12 PBEs
ossl pkcs8 -topk8 -in rsa512.pem -v2 aes-256-cbc -passout "pass:$PASS" -out "$K/rsa512.pbes2-aes256.pem"
ossl pkcs8 -topk8 -in p256.pem -v2 aes-128-cbc -v2prf hmacWithSHA1 -iter 1 -passout "pass:$PASS" -out "$K/p256.pbes2-sha1.pem"
ossl pkcs8 -topk8 -in p256.pem -v2 aes-192-cbc -v2prf hmacWithSHA512 -iter 3 -passout "pass:$PASS" -out "$K/p256.pbes2-sha512.pem"
ossl pkcs8 -topk8 -in p256.pem -v2 des3 -iter 1 -passout "pass:$PASS" -out "$K/p256.pbes2-des3.pem"
ossl pkcs8 -topk8 -in ed25519.pem -v2 des -iter 1 -passout "pass:$PASS" -out "$K/ed25519.pbes2-des.pem" || true
ossl pkcs8 -topk8 -in p256.pem -scrypt -scrypt_N 16 -scrypt_r 1 -scrypt_p 1 -passout "pass:$PASS" -out "$K/p256.scrypt.pem"
ossl pkcs8 -topk8 -in p256.pem -v1 PBE-SHA1-3DES -iter 1 -passout "pass:$PASS" -out "$K/p256.pbe-sha1-3des.pem"
ossl pkcs8 -topk8 -in p256.pem -v1 PBE-SHA1-2DES -iter 1 -passout "pass:$PASS" -out "$K/p256.pbe-sha1-2des.pem"
ossl pkcs8 -topk8 -in p256.pem -v1 PBE-SHA1-RC2-40 -iter 1 -passout "pass:$PASS" -out "$K/p256.pbe-sha1-rc2-40.pem" || true
ossl pkcs8 -topk8 -in p256.pem -v1 PBE-SHA1-RC2-128 -iter 1 -passout "pass:$PASS" -out "$K/p256.pbe-sha1-rc2-128.pem" || true
ossl pkcs8 -topk8 -in p256.pem -v1 PBE-MD5-DES -iter 1 -passout "pass:$PASS" -out "$K/p256.pbes1-md5-des.pem" || true
ossl pkcs8 -topk8 -in p256.pem -v2 aes-128-cbc -iter 1 -passout "pass:$PASS" -outform DER -out "$K/p256.pbes2.der"
# traditional OpenSSL PEM encryption (Proc-Type / DEK-Info)
for c in aes128 aes192 aes256 des3 des; do
  ossl rsa -in rsa512.pem -traditional -"$c" -passout "pass:$PASS" -out "$K/rsa512.legacy-$c.pem" || true
done
ossl ec -in p256.pem -aes128 -passout "pass:$PASS" -out "$K/p256.legacy-aes128.pem"
# text around, other blocks first, broken
{ echo "Bag Attributes"; echo "    friendlyName: key"; cat p256.pem; } > "$K/p256.with-text.pem"
{ printf -- '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'; cat ed25519.pem; } > "$K/ed25519.after-cert.pem"
head -c 150 rsa512.pem > "$K/rsa512.truncated.pem"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' > "$K/no-dek-info.pem"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' > "$K/bad-iv.pem"

# the encrypted ones as DER too, so that mutations reach the KDF parameters
# (in PEM they sit under base64)
for f in "$K"/*.pbes2*.pem "$K"/*.pbe-*.pem "$K"/*.scrypt.pem; do
  grep -q "BEGIN ENCRYPTED" "$f" 2>/dev/null || continue
  python3 -c 'import sys, base64; b = open(sys.argv[1]).read().split("-----")[2]; open(sys.argv[2], "wb").write(base64.b64decode(b))' "$f" "${f%.pem}.der"
done

# --- certificates, CRLs -------------------------------------------------------
reset cert_info; reset certificates; reset crl
C=$CORPUS/cert_info
ossl req -x509 -new -key p256.pem -subj "/CN=ca.example/O=Fuzz CA" -days 30 \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:1" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "nameConstraints=permitted;DNS:.example,excluded;IP:10.0.0.0/255.0.0.0" -out ca.pem
cat > ext.cnf <<'EOF'
[leaf]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, codeSigning, 1.2.3.4.5
subjectAltName = @alt
authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.der
crlDistributionPoints = URI:http://ca.example/crl.der
certificatePolicies = 2.23.140.1.2.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
[alt]
DNS.1 = leaf.example
DNS.2 = *.leaf.example
IP.1 = 127.0.0.1
IP.2 = ::1
email.1 = a@leaf.example
URI.1 = https://leaf.example/
RID.1 = 1.2.3.4
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:upn@leaf.example
dirName.1 = dir
[dir]
CN = dir name
O = "Comma, Inc"
EOF
i=0
for k in rsa512 rsa1024 rsapss p256 p384 p521 ed25519 ed448; do
  i=$((i + 1))
  ossl req -new -key "$k.pem" -subj "/C=DE/ST=Bayern/L=München/O=Fuzz $k/OU=a+CN=leaf $k/emailAddress=x@leaf.example" -utf8 -out "$k.csr"
  ossl x509 -req -in "$k.csr" -CA ca.pem -CAkey p256.pem -set_serial "$((i * 1000003))" -days 1 \
    -extfile ext.cnf -extensions leaf -outform DER -out "$C/$k.der"
done
ossl req -x509 -new -key rsa512.pem -subj "/CN=v1 root" -days 1 -outform DER -out "$C/v1-self-signed.der" \
  -set_serial 0x00ff -sigopt rsa_padding_mode:pss || ossl req -x509 -new -key rsa512.pem -subj "/CN=v1 root" -days 1 -outform DER -out "$C/v1-self-signed.der"
ossl req -x509 -new -key p256-explicit.pem -subj "/CN=explicit" -days 1 -outform DER -out "$C/explicit-curve.der" 2>/dev/null \
  || { ossl ec -in p256.pem -param_enc explicit -out p256x.pem && ossl req -x509 -new -key p256x.pem -subj "/CN=explicit" -days 1 -outform DER -out "$C/explicit-curve.der"; }
ossl req -x509 -new -key p256.pem -subj "/CN=not after 2050" -not_after 20510101000000Z -outform DER -out "$C/generalized-time.der" 2>/dev/null \
  || ossl req -x509 -new -key p256.pem -subj "/CN=long" -days 12000 -outform DER -out "$C/generalized-time.der"
[ -f dsa.pem ] && ossl req -x509 -new -key dsa.pem -subj "/CN=dsa" -days 1 -outform DER -out "$C/dsa.der"
ossl x509 -in ca.pem -outform DER -out "$C/ca.der"
for f in "$ROOT"/.fixtures/v1/ca.cert.pem "$ROOT"/.fixtures/v1/rsa.cert.pem "$ROOT"/.fixtures/legacy-v1/v1-root.cert.pem "$ROOT"/.fixtures/legacy-v1/rsa512.cert.pem; do
  [ -f "$f" ] && ossl x509 -in "$f" -outform DER -out "$C/fixture-$(basename "$(dirname "$f")")-$(basename "$f" .pem).der"
done
# certificates target: bundles, labels, DER, broken
P=$CORPUS/certificates
cp ca.pem "$P/ca.pem"
ossl x509 -inform DER -in "$C/p256.der" -out p256.cert.pem
cat p256.cert.pem ca.pem > "$P/chain.pem"
ossl x509 -inform DER -in "$C/ed25519.der" -text > "$P/ed25519.text.pem"
ossl x509 -in ca.pem -trustout -addtrust serverAuth -setalias ca > "$P/trusted.pem"
sed 's/BEGIN CERTIFICATE/BEGIN X509 CERTIFICATE/; s/END CERTIFICATE/END X509 CERTIFICATE/' ca.pem > "$P/x509-label.pem"
cp "$C/rsa512.der" "$P/rsa512.der"
{ cat p256.cert.pem; cat p256.pem; cat ca.pem; } > "$P/cert-key-cert.pem"
head -c 300 ca.pem > "$P/unterminated.pem"
{ cat ca.pem; printf -- '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'; cat p256.cert.pem; } > "$P/broken-middle.pem"
# CRLs
mkdir -p ca/newcerts && touch ca/index.txt && echo 01 > ca/crlnumber
cat > ca.cnf <<'EOF'
[ca]
default_ca = fuzz
[fuzz]
dir = ./ca
database = $dir/index.txt
new_certs_dir = $dir/newcerts
crlnumber = $dir/crlnumber
default_md = sha256
default_crl_days = 30
policy = any
crl_extensions = crl_ext
[any]
commonName = supplied
[crl_ext]
authorityKeyIdentifier = keyid:always
EOF
ossl ca -config ca.cnf -gencrl -cert ca.pem -keyfile p256.pem -out empty.crl.pem
ossl ca -config ca.cnf -revoke p256.cert.pem -cert ca.pem -keyfile p256.pem -crl_reason keyCompromise
ossl x509 -inform DER -in "$C/rsa512.der" -out rsa512.cert.pem
ossl ca -config ca.cnf -revoke rsa512.cert.pem -cert ca.pem -keyfile p256.pem -crl_reason superseded
ossl ca -config ca.cnf -gencrl -cert ca.pem -keyfile p256.pem -out two.crl.pem
R=$CORPUS/crl
cp empty.crl.pem two.crl.pem "$R/"
ossl crl -in two.crl.pem -outform DER -out "$R/two.crl.der"
cat empty.crl.pem two.crl.pem > "$R/both.pem"
{ echo "text first"; cat ca.pem two.crl.pem; } > "$R/cert-and-crl.pem"
cp "$R/two.crl.der" "$C/crl-not-a-cert.der"

# --- PKCS#12 ------------------------------------------------------------------
reset pkcs12
X=$CORPUS/pkcs12
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -certfile ca.pem -passout "pass:$PASS" -iter 1 -maciter -out "$X/default-aes.p12" \
  || ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -certfile ca.pem -passout "pass:$PASS" -out "$X/default-aes.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:$PASS" -iter 1 -out "$X/default-iter1.p12"
ossl pkcs12 -export -inkey rsa512.pem -in rsa512.cert.pem -passout "pass:$PASS" -descert -iter 1 -out "$X/descert.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:$PASS" -legacy -iter 1 -out "$X/legacy-rc2.p12" || true
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:" -iter 1 -out "$X/empty-pass.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:$PASS" -nomac -iter 1 -out "$X/nomac.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:$PASS" -macalg sha1 -iter 1 -out "$X/mac-sha1.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -passout "pass:$PASS" -keypbe NONE -certpbe NONE -iter 1 -out "$X/unencrypted.p12"
ossl pkcs12 -export -nokeys -in ca.pem -passout "pass:$PASS" -iter 1 -out "$X/certs-only.p12"
ossl pkcs12 -export -nocerts -inkey ed25519.pem -passout "pass:$PASS" -iter 1 -out "$X/key-only.p12"
ossl pkcs12 -export -inkey p256.pem -in p256.cert.pem -name "friendly" -passout "pass:$PASS" -iter 1 -keypbe PBE-SHA1-3DES -out "$X/key-3des.p12"

# hand-made, without a MAC: key bags under scrypt, PBKDF2 and the PKCS#12
# PBE, in the clear and inside a safe encrypted with the empty passphrase
python3 - "$X" <<'EOF'
import os, sys
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
def tlv(tag, c):
    n = len(c)
    if n < 0x80: return bytes([tag, n]) + c
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + c
def seq(*xs): return tlv(0x30, b"".join(xs))
def integer(n): return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big"))
def oid(s):
    p = [int(x) for x in s.split(".")]
    out = bytes([p[0] * 40 + p[1]])
    for v in p[2:]:
        enc = [v & 0x7f]; v >>= 7
        while v: enc.append(0x80 | (v & 0x7f)); v >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, out)
DATA, ENC_DATA, SHROUDED = "1.2.840.113549.1.7.1", "1.2.840.113549.1.7.6", "1.2.840.113549.1.12.10.1.2"
PBES2, PBKDF2, SCRYPT, AES128 = "1.2.840.113549.1.5.13", "1.2.840.113549.1.5.12", "1.3.6.1.4.1.11591.4.11", "2.16.840.1.101.3.4.1.2"
salt, iv = b"saltsalt", bytes([7] * 16)
def data(c): return seq(oid(DATA), tlv(0xa0, tlv(0x04, c)))
def pfx(*safes): return seq(integer(3), data(seq(*safes)))
def bag(alg): return seq(oid(SHROUDED), tlv(0xa0, seq(alg, tlv(0x04, bytes(32)))))
def pbkdf2(n): return seq(oid(PBES2), seq(seq(oid(PBKDF2), seq(tlv(4, salt), integer(n), seq(oid("1.2.840.113549.2.9"), bytes([5, 0])))), seq(oid(AES128), tlv(4, iv))))
def scrypt(n, r, p): return seq(oid(PBES2), seq(seq(oid(SCRYPT), seq(tlv(4, salt), integer(n), integer(r), integer(p))), seq(oid(AES128), tlv(4, iv))))
def pbe(n): return seq(oid("1.2.840.113549.1.12.1.3"), seq(tlv(4, salt), integer(n)))
def encrypted_safe(*bags):
    key = PBKDF2HMAC(hashes.SHA256(), 16, salt, 1).derive(b"")
    pad = padding.PKCS7(128).padder(); plain = pad.update(seq(*bags)) + pad.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor(); ct = enc.update(plain) + enc.finalize()
    return seq(oid(ENC_DATA), tlv(0xa0, seq(integer(0), seq(oid(DATA), pbkdf2(1), tlv(0x80, ct)))))
d = sys.argv[1]
open(os.path.join(d, "nomac-bags.p12"), "wb").write(pfx(data(seq(bag(scrypt(16, 1, 1)), bag(pbkdf2(1)), bag(pbe(1))))))
open(os.path.join(d, "nomac-encrypted-safe.p12"), "wb").write(pfx(encrypted_safe(bag(scrypt(16, 1, 1)), bag(pbe(1)))))
EOF

# --- ClientHellos ---------------------------------------------------------------
reset client_hello
H=$CORPUS/client_hello
cat > listen.py <<'EOF'
import socket, sys, os
out, s = sys.argv[1], socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
n = 0
while True:
    c, _ = s.accept(); c.settimeout(0.5); data = b""
    try:
        while len(data) < 65536:
            chunk = c.recv(65536)
            if not chunk: break
            data += chunk
    except socket.timeout:
        pass
    c.close()
    name = open(os.path.join(out, "next")).read().strip() if os.path.exists(os.path.join(out, "next")) else "hello%d" % n
    open(os.path.join(out, name), "wb").write(data); n += 1
    open(os.path.join(out, "done"), "w").write(name)
EOF
mkdir hellos
python3 listen.py hellos > port &
LISTENER=$!
while [ ! -s port ]; do sleep 0.1; done
PORT=$(cat port)
capture() { # name, command...
  local name=$1; shift
  rm -f hellos/done; echo "$name" > hellos/next
  timeout 5 "$@" > /dev/null 2>&1 < /dev/null || true
  for _ in $(seq 50); do [ -f hellos/done ] && break; sleep 0.1; done
  [ -s "hellos/$name" ] && cp "hellos/$name" "$H/$name"
}
# a real server for the sessions that resumption hellos carry
ossl req -x509 -new -key p256.pem -subj "/CN=localhost" -days 1 -out srv.pem
SPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# (s_server stops at the end of its input; s_client reads the TLS 1.3 ticket
# only if it stays a moment after the handshake)
sleep 6 | openssl s_server -accept "$SPORT" -key p256.pem -cert srv.pem > srv.out 2>&1 &
sleep 1
sleep 1 | timeout 5 openssl s_client -connect "127.0.0.1:$SPORT" -tls1_3 -sess_out s13.sess > /dev/null 2>&1 || true
sleep 1 | timeout 5 openssl s_client -connect "127.0.0.1:$SPORT" -tls1_2 -sess_out s12.sess > /dev/null 2>&1 || true
S="openssl s_client -connect 127.0.0.1:$PORT"
capture openssl-default $S -servername fuzz.example
capture openssl-tls12 $S -tls1_2 -servername fuzz.example -status
capture openssl-tls13 $S -tls1_3 -noservername
capture openssl-no-ext $S -tls1_2 -noservername -no_ticket -cipher AES128-SHA
capture openssl-groups $S -groups X25519:P-256:P-384:P-521:X448:ffdhe2048 -sigalgs RSA+SHA256:ECDSA+SHA256:ed25519 -alpn h2,http/1.1
capture openssl-split $S -split_send_frag 64 -servername split.example
[ -f s13.sess ] && capture openssl-psk13 $S -tls1_3 -sess_in s13.sess -servername localhost
[ -f s12.sess ] && capture openssl-ticket12 $S -tls1_2 -sess_in s12.sess -servername localhost
capture curl curl -sk "https://localhost:$PORT/"
capture curl-tls12 curl -sk --tls-max 1.2 "https://127.0.0.1:$PORT/"
capture node node -e "require('tls').connect({port: $PORT, servername: 'node.example', ALPNProtocols: ['h2']}).on('error', () => {})"
capture python python3 -c "import ssl, socket; ssl.create_default_context().wrap_socket(socket.create_connection(('127.0.0.1', $PORT)), server_hostname='py.example')"
capture http-get sh -c "printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 1 nc 127.0.0.1 $PORT || printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 1 socat - TCP:127.0.0.1:$PORT"
capture http-connect sh -c "printf 'CONNECT a:443 HTTP/1.1\r\n\r\n' | timeout 1 socat - TCP:127.0.0.1:$PORT"
kill $LISTENER 2>/dev/null || true; LISTENER=
# SSLv2-compatible hello, and a hello cut short
printf '\x80\x2e\x01\x03\x01\x00\x15\x00\x00\x00\x10' > "$H/sslv2-compat"
[ -f "$H/openssl-default" ] && head -c 100 "$H/openssl-default" > "$H/truncated"
# the same hello in 100-byte records, and in records of 1..7 bytes
[ -f "$H/openssl-psk13" ] && python3 - "$H/openssl-psk13" "$H" <<'EOF'
import sys, os
data = open(sys.argv[1], "rb").read()
msg = data[5:5 + int.from_bytes(data[3:5], "big")]
def records(sizes):
    out, i, k = b"", 0, 0
    while i < len(msg):
        n = sizes[k % len(sizes)]; k += 1
        out += bytes([22, 3, 1]) + n.to_bytes(2, "big") + msg[i:i + n] if i + n <= len(msg) else bytes([22, 3, 1]) + (len(msg) - i).to_bytes(2, "big") + msg[i:]
        i += n
    return out
open(os.path.join(sys.argv[2], "fragmented-100"), "wb").write(records([100]))
open(os.path.join(sys.argv[2], "fragmented-small"), "wb").write(records([1, 2, 3, 5, 7]))
EOF

# --- strings ---------------------------------------------------------------------
reset cipher_string; reset sigalgs; reset ecdh_curve
n=0
while IFS= read -r s; do n=$((n + 1)); printf '%s' "$s" > "$CORPUS/cipher_string/$n"; done <<'EOF'
DEFAULT
ALL:!COMPLEMENTOFDEFAULT:!eNULL
HIGH:!aNULL:!MD5
ECDHE+AESGCM:!RSA
ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:HIGH:!aNULL
ALL:-ECDHE:+AES256
AESGCM:CHACHA20:@STRENGTH
kRSA:kECDHE:!SHA1
CHACHA20:AES128:-ECDSA:ALL
TLSv1.2+AESGCM:!DSS
DEFAULT@SECLEVEL=0
RSA@SECLEVEL=2:@STRENGTH
ECDHE:DHE:!PSK:!SRP:!CAMELLIA:!ARIA:!CCM
ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA
COMPLEMENTOFALL:eNULL
aRSA+kEECDH+AESGCM, aECDSA+CHACHA20 ;SHA384
EOF
printf 'ECDHE-ECDSA-AES256-GCM-SHA384\0TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256' > "$CORPUS/cipher_string/with-tls13"
printf 'HIGH\0TLS_AES_128_CCM_8_SHA256:TLS_AES_128_GCM_SHA256:TLS_nope' > "$CORPUS/cipher_string/with-tls13-ccm"
printf '\0' > "$CORPUS/cipher_string/both-empty"
n=0
while IFS= read -r s; do n=$((n + 1)); printf '%s' "$s" > "$CORPUS/sigalgs/$n"; done <<'EOF'
ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256
RSA+SHA256:RSA-PSS+SHA256:ECDSA+SHA384
ed25519
PSS+SHA512:rsa_pkcs1_sha384:ecdsa_secp521r1_sha512
rsa_pss_pss_sha256:RSA+SHA1
EOF
n=0
while IFS= read -r s; do n=$((n + 1)); printf '%s' "$s" > "$CORPUS/ecdh_curve/$n"; done <<'EOF'
auto
X25519MLKEM768:X25519:P-256
prime256v1:secp384r1:secp521r1
P-521:SecP256r1MLKEM768:MLKEM768
X448:ffdhe2048
EOF

# --- tickets, session handles ------------------------------------------------------
reset ticket; reset session_handle
python3 - "$CORPUS/ticket" "$CORPUS/session_handle" <<'EOF'
import os, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
keys = bytes(range(48))  # the ticket target's keys
k = HKDF(hashes.SHA256(), 32, b"rustls-node ticketKeys v1", b"rustls-node session ticket AES-256-GCM key").derive(keys)
for i, plain in enumerate([b"", b"\x00" * 8, os.urandom(100), os.urandom(300)]):
    nonce = os.urandom(12)
    ticket = keys[:16] + nonce + AESGCM(k).encrypt(nonce, plain, keys[:16])
    open(os.path.join(sys.argv[1], "sealed-%d" % i), "wb").write(ticket)
open(os.path.join(sys.argv[1], "other-key"), "wb").write(os.urandom(16 + 12 + 16 + 40))
for i, h in enumerate([b"RNS1" + os.urandom(16) + b"\0\0\0\1", b"RNS1" + os.urandom(16), b"RNS1", os.urandom(24)]):
    open(os.path.join(sys.argv[2], "handle-%d" % i), "wb").write(h)
EOF
# what a failed openssl command left behind (one empty input is enough)
find "$CORPUS" -type f -empty -delete
echo "seeds: $(find "$CORPUS" -type f | wc -l) files, $(du -sh "$CORPUS" | cut -f1)"
for d in "$CORPUS"/*/; do echo "  $(basename "$d"): $(ls "$d" | wc -l)"; done
