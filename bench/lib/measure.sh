# Measurement primitives for bench/compare (sourced, not run).

# parse_size TEXT: bytes from N, NKiB, NMiB, NGiB (also k/m/g, KB/MB/GB = powers of 1000).
parse_size() {
  local t=$1 n unit
  [[ $t =~ ^([0-9]+)([A-Za-z]*)$ ]] || return 1
  n=${BASH_REMATCH[1]}; unit=${BASH_REMATCH[2]}
  case $unit in
    ""|B) echo "$n" ;;
    KiB|k|K) echo $((n << 10)) ;;
    MiB|m|M) echo $((n << 20)) ;;
    GiB|g|G) echo $((n << 30)) ;;
    KB) echo $((n * 1000)) ;;
    MB) echo $((n * 1000000)) ;;
    GB) echo $((n * 1000000000)) ;;
    *) return 1 ;;
  esac
}

sha256_of() { sha256sum < "$1" | cut -d' ' -f1; }

# proc_cpu PID: user + system CPU seconds of a live process (all its threads,
# live or ended) from /proc/PID/stat fields 14 and 15, in clock ticks.
CLK_TCK=$(getconf CLK_TCK)
proc_cpu() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }   # the command name may hold spaces; fields restart after ")"
  awk -v hz="$CLK_TCK" '{ printf "%.3f", ($12 + $13) / hz }' <<<"$stat"
}
