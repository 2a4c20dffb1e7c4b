#!/usr/bin/env bash
# Test certificates for the webhook TLS tests, valid for 100 years so they are committed once
# (as test/kube-api/tls is). Run again only to change them: bash generate.sh
#   ca.crt            the CA clients and servers chain to
#   server-a.*        the webhook port's first certificate (CN zw-webhook-a, SAN 127.0.0.1, localhost)
#   server-b.*        its renewal (CN zw-webhook-b), to see a rotation picked up
#   client.*          a sender's client certificate, signed by ca.crt
#   rogue-client.*    a client certificate signed by another CA (rogue-ca.crt), which mTLS refuses
set -euo pipefail
cd "$(dirname "$0")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
ca() {
  key "$1"
  openssl req -x509 -new -key "$1.key" -sha256 -days $days -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.crt"
}
leaf() { # name cn ca extended-usage [san]
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s' "$4" "${5:+subjectAltName=$5}" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days $days -sha256 -extfile "$1.ext" -out "$1.crt"
  rm -f "$1.csr" "$1.ext"
}
ca ca zw-test-webhook-ca
ca rogue-ca zw-test-rogue-ca
leaf server-a zw-webhook-a ca serverAuth 'IP:127.0.0.1,DNS:localhost'
leaf server-b zw-webhook-b ca serverAuth 'IP:127.0.0.1,DNS:localhost'
leaf client zw-test-sender ca clientAuth
leaf rogue-client zw-rogue-sender rogue-ca clientAuth
rm -f ./*.srl ca.key rogue-ca.key
