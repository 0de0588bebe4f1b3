// ech-server: a TLS 1.3 server with Encrypted Client Hello (Go's
// crypto/tls, Go 1.24 or later), for __test__/ech.spec.mjs.
//
// It makes a CA, a certificate for both the real name (-name) and the ECH
// public name (-public), and two X25519 HPKE key pairs: one the server
// holds, and one it does not (a config a client may have from a stale DNS
// record). On startup it prints one JSON line:
//
//	{"port":N,"ca":"<PEM>","echConfigList":"<base64>","staleEchConfigList":"<base64>"}
//
// and then answers each connection, once its handshake is done, with one
// JSON line and closes it:
//
//	{"echAccepted":bool,"serverName":"<SNI of the hello it answered>",
//	 "outerServerName":"<SNI in the clear>","outerOffersEch":bool}
//
// outerOffersEch: the ClientHello in the clear has an encrypted_client_hello
// extension (a real offer or GREASE). With -public-in-cert=false the
// certificate names only -name, so after a rejection the server cannot
// prove to be the public name.
//
// A failed handshake is logged on stderr. Standard library only.
package main

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"os"
	"sync"
	"time"
)

// HPKE identifiers (RFC 9180 §7).
const (
	kemX25519HKDFSHA256 = 0x0020
	kdfHKDFSHA256       = 0x0001
	aeadAES128GCM       = 0x0001
	echVersion          = 0xfe0d // RFC 9849 §4
)

func u16(b *bytes.Buffer, v int) { binary.Write(b, binary.BigEndian, uint16(v)) }

// echConfig serializes one ECHConfig (RFC 9849 §4): the version, then the
// length-prefixed ECHConfigContents with the HPKE key config, the maximum
// name length, the public name and no extensions.
func echConfig(id byte, publicKey []byte, publicName string) []byte {
	var contents bytes.Buffer
	contents.WriteByte(id)
	u16(&contents, kemX25519HKDFSHA256)
	u16(&contents, len(publicKey))
	contents.Write(publicKey)
	u16(&contents, 4) // one cipher suite
	u16(&contents, kdfHKDFSHA256)
	u16(&contents, aeadAES128GCM)
	contents.WriteByte(0) // maximum_name_length: let the client pad as it likes
	contents.WriteByte(byte(len(publicName)))
	contents.WriteString(publicName)
	u16(&contents, 0) // extensions
	var out bytes.Buffer
	u16(&out, echVersion)
	u16(&out, contents.Len())
	out.Write(contents.Bytes())
	return out.Bytes()
}

// echConfigList wraps configs as an ECHConfigList (a u16-length-prefixed list).
func echConfigList(configs ...[]byte) []byte {
	var body bytes.Buffer
	for _, c := range configs {
		body.Write(c)
	}
	var out bytes.Buffer
	u16(&out, body.Len())
	out.Write(body.Bytes())
	return out.Bytes()
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// certificates makes a self-signed CA and a leaf for names, signed by it.
func certificates(names []string) (caPEM []byte, leaf tls.Certificate) {
	caKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ech-server test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER := must(x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey))
	ca := must(x509.ParseCertificate(caDER))
	leafKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER := must(x509.CreateCertificate(rand.Reader, leafTemplate, ca, &leafKey.PublicKey, caKey))
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return caPEM, tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}
}

// recorder keeps the first bytes read from a connection: the ClientHello
// as the network saw it.
type recorder struct {
	net.Conn
	mu   sync.Mutex
	seen []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	if len(r.seen) < 1<<16 {
		r.seen = append(r.seen, p[:n]...)
	}
	r.mu.Unlock()
	return n, err
}

// reader is a bounds-checked cursor over a byte slice.
type reader struct {
	b  []byte
	ok bool
}

func (r *reader) take(n int) []byte {
	if !r.ok || n > len(r.b) {
		r.ok = false
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *reader) u8() int {
	v := r.take(1)
	if v == nil {
		return 0
	}
	return int(v[0])
}
func (r *reader) u16() int {
	v := r.take(2)
	if v == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(v))
}
func (r *reader) u24() int {
	v := r.take(3)
	if v == nil {
		return 0
	}
	return int(v[0])<<16 | int(v[1])<<8 | int(v[2])
}

// clearHello reads the server_name extension (RFC 6066 §3) of the first
// ClientHello in raw records (with ECH, the outer one's), and whether it
// has an encrypted_client_hello extension.
func clearHello(raw []byte) (serverName string, offersEch bool) {
	rec := &reader{b: raw, ok: true}
	if rec.u8() != 22 { // handshake record
		return "", false
	}
	rec.take(2)
	hs := &reader{b: rec.take(rec.u16()), ok: rec.ok}
	if hs.u8() != 1 { // ClientHello
		return "", false
	}
	body := &reader{b: hs.take(hs.u24()), ok: hs.ok}
	body.take(2 + 32)     // legacy_version, random
	body.take(body.u8())  // legacy_session_id
	body.take(body.u16()) // cipher_suites
	body.take(body.u8())  // legacy_compression_methods
	exts := &reader{b: body.take(body.u16()), ok: body.ok}
	for exts.ok && len(exts.b) > 0 {
		typ := exts.u16()
		data := &reader{b: exts.take(exts.u16()), ok: exts.ok}
		switch typ {
		case 0xfe0d: // encrypted_client_hello (RFC 9849 §11.1)
			offersEch = true
		case 0: // server_name
			list := &reader{b: data.take(data.u16()), ok: data.ok}
			if list.u8() == 0 { // host_name
				serverName = string(list.take(list.u16()))
			}
		}
	}
	return serverName, offersEch
}

func main() {
	name := flag.String("name", "secret.example", "the real server name (inner SNI)")
	public := flag.String("public", "public.example", "the ECH config's public name (outer SNI)")
	publicInCert := flag.Bool("public-in-cert", true, "the certificate names the public name too")
	flag.Parse()

	names := []string{*name}
	if *publicInCert {
		names = append(names, *public)
	}
	caPEM, cert := certificates(names)
	key := must(ecdh.X25519().GenerateKey(rand.Reader))
	stale := must(ecdh.X25519().GenerateKey(rand.Reader))
	config := echConfig(1, key.PublicKey().Bytes(), *public)
	staleConfig := echConfig(2, stale.PublicKey().Bytes(), *public)

	tlsConfig := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS13,
		EncryptedClientHelloKeys: []tls.EncryptedClientHelloKey{
			{Config: config, PrivateKey: key.Bytes(), SendAsRetry: true},
		},
	}
	ln := must(net.Listen("tcp", "127.0.0.1:0"))
	hello := map[string]any{
		"port":               ln.Addr().(*net.TCPAddr).Port,
		"ca":                 string(caPEM),
		"echConfigList":      base64.StdEncoding.EncodeToString(echConfigList(config)),
		"staleEchConfigList": base64.StdEncoding.EncodeToString(echConfigList(staleConfig)),
	}
	line := must(json.Marshal(hello))
	fmt.Println(string(line))

	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn, tlsConfig)
	}
}

func serve(conn net.Conn, config *tls.Config) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	rec := &recorder{Conn: conn}
	server := tls.Server(rec, config)
	if err := server.Handshake(); err != nil {
		fmt.Fprintln(os.Stderr, "handshake:", err)
		return
	}
	state := server.ConnectionState()
	rec.mu.Lock()
	outer, offersEch := clearHello(rec.seen)
	rec.mu.Unlock()
	report := must(json.Marshal(map[string]any{
		"echAccepted":     state.ECHAccepted,
		"serverName":      state.ServerName,
		"outerServerName": outer,
		"outerOffersEch":  offersEch,
	}))
	server.Write(append(report, '\n'))
	server.Close()
}
