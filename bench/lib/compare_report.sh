# The table and the JSON of bench/compare (sourced, not run). They read the
# run's globals: IMPLS LABEL DL HS SKIPPED PERF_HS GIB BYTES UDP_GBPS AEAD_GBPS
# AEAD_NOTE SINK_NOTE SINK_1350 SINK_64K TQUIC_MODE SCPU CCPU HANDSHAKES RUNS.
# DL[impl] = "goodput_gbps server_cpu_s client_cpu_s verified";
# HS[impl] = "handshakes_per_s server_ms_per_handshake".

div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "-" }'; }
field() { awk -v i="$2" '{ print $i }' <<<"$1"; }

report_row() {  # impl
  local d=${DL[$1]} h=${HS[$1]:-"- -"} g s c
  g=$(printf "%.2f" "$(field "$d" 1)"); s=$(div "$(field "$d" 2)" "$GIB"); c=$(div "$(field "$d" 3)" "$GIB")
  printf '%-18s %9s %11s %11s %11s %8s %12s %12s\n' "${LABEL[$1]}" "$g" "$s" "$c" \
    "$(div "$(awk -v a="$(field "$d" 2)" -v b="$(field "$d" 3)" 'BEGIN { print a + b }')" "$GIB")" \
    "$(field "$d" 4)" "$(field "$h" 1)" "$(field "$h" 2)"
}

ratio_line() {  # peer: tquic / peer for each figure (goodput: above 1 is better; CPU: below 1)
  local t=${DL[tquic]} p=${DL[$1]} th=${HS[tquic]:-} ph=${HS[$1]:-} hs="-"
  [ -n "$th" ] && [ -n "$ph" ] && hs="$(div "$(field "$th" 2)" "$(field "$ph" 2)")x"
  printf 'tquic / %-15s goodput %sx; CPU per GiB: server %sx, client %sx, both %sx; server CPU per handshake %s\n' \
    "${LABEL[$1]}" "$(div "$(field "$t" 1)" "$(field "$p" 1)")" \
    "$(div "$(field "$t" 2)" "$(field "$p" 2)")" "$(div "$(field "$t" 3)" "$(field "$p" 3)")" \
    "$(div "$(awk -v a="$(field "$t" 2)" -v b="$(field "$t" 3)" 'BEGIN { print a + b }')" \
           "$(awk -v a="$(field "$p" 2)" -v b="$(field "$p" 3)" 'BEGIN { print a + b }')")" "$hs"
}

lower_ceiling() {  # the smaller of the measured ceilings, empty if none
  awk -v u="${UDP_GBPS:-}" -v a="${AEAD_GBPS:-}" 'BEGIN {
    if (u != "" && a != "") print (u < a ? u : a); else if (u != "") print u; else if (a != "") print a }'
}

report_table() {
  local impl
  echo
  printf '%-18s %9s %11s %11s %11s %8s %12s %12s\n' implementation goodput "server" "client" "both" payload \
    handshakes "server CPU"
  printf '%-18s %9s %11s %11s %11s %8s %12s %12s\n' "" "Gbit/s" "CPU-s/GiB" "CPU-s/GiB" "CPU-s/GiB" check \
    "per second" "ms/handshake"
  for impl in "${IMPLS[@]}"; do
    if [ -n "${DL[$impl]:-}" ]; then report_row "$impl"
    else printf '%-18s failed: %s\n' "${LABEL[$impl]}" "${SKIPPED[$impl]:-}"; fi
  done
  echo
  for impl in "${IMPLS[@]}"; do
    [ "$impl" != tquic ] && [ -n "${DL[$impl]:-}" ] && [ -n "${DL[tquic]:-}" ] && ratio_line "$impl"
  done
  [ -n "${PERF_HS:-}" ] && echo "tquic perf --mode handshake (one client process, $HANDSHAKES handshakes):" \
    "$(printf '%.1f' "$(field "$PERF_HS" 1)") per second," \
    "server $(printf '%.3f' "$(field "$PERF_HS" 2)") ms CPU per handshake"
  [ -n "$UDP_GBPS" ] && echo "ceiling: UDP GSO->GRO on loopback (tquic-udp-blaster, 1350 B segments): $UDP_GBPS Gbit/s"
  [ -n "$AEAD_GBPS" ] && echo "ceiling: AEAD AES-128-GCM at 1350 B, one core: $AEAD_GBPS Gbit/s ($AEAD_NOTE)"
  local low; low=$(lower_ceiling)
  if [ -n "$low" ] && [ -n "${DL[tquic]:-}" ]; then
    echo "tquic reaches $(div "$(field "${DL[tquic]}" 1)" "$low" | awk '{ printf "%.1f", $1 * 100 }')% of the lower ceiling ($low Gbit/s)"
  fi
  local peers="ngtcp2 and picoquic save the payload there"
  [ "$SINK_MODE" = null ] && peers="ngtcp2 writes it to /dev/null, picoquic discards it (-D)"
  echo "note: $SINK_NOTE; $peers; tquic $( [ "$TQUIC_MODE" = perf ] && echo "perf discards it" || echo "get hashes and discards it")"
  echo "note: handshakes: each a new client process (full handshake + 1 KiB GET); tquic's server is tquic serve"
  echo "note: goodput = payload bits / client process wall time (start to exit, handshake included)"
}

report_json() {
  local impl rows="[]" d h ph
  for impl in "${IMPLS[@]}"; do
    d=${DL[$impl]:-}; h=${HS[$impl]:-}
    rows=$(jq -c --arg impl "$impl" --arg lbl "${LABEL[$impl]}" --arg d "$d" --arg h "$h" --arg gib "$GIB" \
      --arg failed "${SKIPPED[$impl]:-}" '. + [{implementation: $impl, "label": $lbl} +
        (if $d == "" then {failed: $failed} else ($d | split(" ")) as $f | ($gib | tonumber) as $g |
          {goodput_gbit_per_second: ($f[0] | tonumber), server_cpu_seconds: ($f[1] | tonumber),
           client_cpu_seconds: ($f[2] | tonumber), server_cpu_seconds_per_gib: (($f[1] | tonumber) / $g),
           client_cpu_seconds_per_gib: (($f[2] | tonumber) / $g), payload_check: $f[3]} end) +
        (if $h == "" then {} else ($h | split(" ")) as $x |
          {handshakes_per_second: ($x[0] | tonumber), server_cpu_ms_per_handshake: ($x[1] | tonumber)} end)]' <<<"$rows")
  done
  ph=${PERF_HS:-}
  jq -n --argjson rows "$rows" --arg bytes "$BYTES" --arg mode "$TQUIC_MODE" --arg udp "${UDP_GBPS:-}" \
    --arg aead "${AEAD_GBPS:-}" --arg aead_note "${AEAD_NOTE:-}" --arg low "$(lower_ceiling)" --arg ph "$ph" \
    --arg scpu "$SCPU" --arg ccpu "$CCPU" --arg k "$HANDSHAKES" --arg runs "$RUNS" \
    --arg sink "$SINK_MODE" --arg s1350 "${SINK_1350:-}" --arg s64k "${SINK_64K:-}" --arg date "$(date -u +%FT%TZ)" '
    def num: if . == "" then null else tonumber end;
    ($rows | map(select(.implementation == "tquic"))[0]) as $t |
    {date: $date, bytes: ($bytes | tonumber), cipher: "AES-128-GCM", connections: 1, server_cpu: ($scpu | tonumber),
     client_cpu: ($ccpu | tonumber), runs: ($runs | tonumber), handshakes: ($k | tonumber), tquic_mode: $mode,
     implementations: $rows,
     ratios: [ $rows[] | select(.implementation != "tquic" and .goodput_gbit_per_second != null and
                                 $t.goodput_gbit_per_second != null) | . as $p |
       {peer: $p.implementation, goodput: ($t.goodput_gbit_per_second / $p.goodput_gbit_per_second),
        server_cpu_per_gib: ($t.server_cpu_seconds / $p.server_cpu_seconds),
        client_cpu_per_gib: ($t.client_cpu_seconds / $p.client_cpu_seconds),
        server_cpu_per_handshake: (if $t.server_cpu_ms_per_handshake and $p.server_cpu_ms_per_handshake
          then $t.server_cpu_ms_per_handshake / $p.server_cpu_ms_per_handshake else null end)} ],
     tquic_perf_handshake: (if $ph == "" then null else ($ph | split(" ")) as $x |
       {per_second: ($x[0] | tonumber), server_cpu_ms_per_handshake: ($x[1] | tonumber)} end),
     ceilings: {udp_gso_gro_gbit_per_second: ($udp | num), aead_gbit_per_second: ($aead | num),
                aead: $aead_note, lower_gbit_per_second: ($low | num),
                tquic_fraction: (if $low == "" or $t.goodput_gbit_per_second == null then null
                                 else $t.goodput_gbit_per_second / ($low | tonumber) end)},
     peer_sink: $sink, sink_cpu_seconds_per_gib: {writes_1350: ($s1350 | num), writes_64k: ($s64k | num)}}'
}
