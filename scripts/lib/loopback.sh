# Shell helpers shared by scripts/interop and bench/compare (sourced, not run):
# a throw-away PKI for localhost, free UDP ports on loopback, and the peers'
# command-line knowledge that more than one script needs.

# make_pki DIR: a P-256 CA and a localhost/127.0.0.1 leaf in DIR; sets CA CERT KEY.
# Returns 1 when openssl fails.
make_pki() {
  local p=$1
  mkdir -p "$p"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=tquic test CA" -keyout "$p/ca.key" -out "$p/ca.pem" 2>/dev/null &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$p/key.pem" -out "$p/leaf.csr" 2>/dev/null &&
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$p/ext.cnf" &&
  openssl x509 -req -in "$p/leaf.csr" -CA "$p/ca.pem" -CAkey "$p/ca.key" -CAcreateserial \
    -days 30 -extfile "$p/ext.cnf" -out "$p/cert.pem" 2>/dev/null || return 1
  CA=$p/ca.pem; CERT=$p/cert.pem; KEY=$p/key.pem
}

# next_port: moves PORT (start it anywhere) to the next UDP port nobody binds; 1 if none in 50.
next_port() {
  local _
  for _ in $(seq 1 50); do
    PORT=$((PORT + 1))
    [ -z "$(ss -Hlun "sport = :$PORT")" ] && return 0
  done
  return 1
}

# wait_port PORT PID: 0 once something listens on UDP PORT, 1 if PID died or 5 s passed.
wait_port() {
  local _
  for _ in $(seq 1 50); do
    [ -n "$(ss -Hlun "sport = :$1")" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# GnuTLS priority strings for the ngtcp2 examples' --ciphers= (TLS 1.3, one suite).
NG_CIPHERS_CHACHA20='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305'
NG_CIPHERS_AES128GCM='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM'
# picoquicdemo -C values (both roles): one suite offered/accepted.
PQ_SUITE_CHACHA20=20
PQ_SUITE_AES128GCM=128
