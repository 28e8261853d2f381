#!/usr/bin/env bash
# Benchmark `docmock proxy` in front of a bare axum target against the target alone, in one run:
# requests/s and p50 latency at 32 connections, the comparison with the docs on (the target
# answers the documented bytes of the default docs, so every exchange is compared and
# conforms). The two take turns over several short rounds; each one's best round is compared.
# Each round also reports the CPU time per request of the target and of the proxy (from
# /proc/PID/stat): on a machine where wrk, the target and the proxy share the cores, the
# throughput ratio is bounded by (target + wrk) / (target + wrk + proxy) CPU per request.
#
#   bench/proxy.sh     # ROUNDS=5 DURATION=6 CONNECTIONS=32 THREADS=2
#   DOCMOCK=/tmp/old/docmock bench/proxy.sh    # another build of the proxy (before/after)
#
# Goal: proxy throughput >= 60% of the target's, added p50 <= 0.3 ms. Needs wrk.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-6}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PATH_UNDER_TEST=/api/v1/dossiers/123/protocol_subscriptions

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --quiet --bin docmock --example bare_axum
DOCMOCK=${DOCMOCK:-target/release/docmock}
BARE=target/release/examples/bare_axum

WORK=$(mktemp -d)
cleanup() {
  for file in "$WORK"/*.pid; do
    [ -e "$file" ] && kill "$(cat "$file")" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Start a server, wait for the line with its address, print the address.
start() {
  local name=$1; shift
  "$@" >"$WORK/$name.out" 2>/dev/null &
  echo $! >"$WORK/$name.pid"
  for _ in $(seq 1 600); do
    if grep -q 'http://' "$WORK/$name.out" 2>/dev/null; then
      grep -o 'http://[^ ]*' "$WORK/$name.out" | head -1
      return
    fi
    sleep 0.1
  done
  echo "$name did not start" >&2
  exit 1
}

# CPU time (user + system) a process has used so far, in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$(cat "$WORK/$1.pid")/stat"; }

# wrk against a URL for N seconds; prints "rps p50_ms target_us proxy_us": throughput, median
# latency, and the CPU microseconds per request the target and the proxy spent.
load() {
  local url=$1 seconds=$2
  local bare0 proxy0
  bare0=$(ticks bare); proxy0=$(ticks proxy)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency "$url" >"$WORK/wrk.txt"
  local rps p50 count
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1 == "50%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  count=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  awk -v r="$rps" -v l="$p50" -v n="$count" -v hz="$(getconf CLK_TCK)" \
    -v b=$(($(ticks bare) - bare0)) -v p=$(($(ticks proxy) - proxy0)) \
    'BEGIN {printf "%s %s %.1f %.1f\n", r, l, b / hz * 1e6 / n, p / hz * 1e6 / n}'
}

echo "== bare axum target vs docmock proxy in front of it: $ROUNDS rounds of ${DURATION}s"
echo "   ($CONNECTIONS connections, $THREADS wrk threads, $(nproc) cores; best round compared)"
bare_url=$(start bare "$BARE" 0)
proxy_url=$(start proxy "$DOCMOCK" proxy --port 0 --target "$bare_url")
# the proxy must conform on this path, or the figures measure something else
verdict=$(curl -s -o /dev/null "$proxy_url$PATH_UNDER_TEST" && curl -s "$proxy_url/__docmock/requests" | grep -o '"reason": *"[a-z-]*"' | head -1)
echo "   verdict of the path under test: $verdict"
names=(bare proxy)
urls=("$bare_url" "$proxy_url")
declare -A rps_runs p50_runs
for i in 0 1; do load "${urls[$i]}$PATH_UNDER_TEST" 2 >/dev/null; done   # warm-up
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1; do
    read -r rps p50 target_us proxy_us < <(load "${urls[$i]}$PATH_UNDER_TEST" "$DURATION")
    rps_runs[${names[$i]}]+="$rps "
    p50_runs[${names[$i]}]+="$p50 "
    echo "   round $round ${names[$i]}: $rps req/s, p50 $p50 ms;" \
      "CPU per request: target $target_us us, proxy $proxy_us us"
  done
done
# At 32 connections both are saturated and p50 is mostly queueing (connections / throughput);
# one connection shows the latency a single exchange gains through the proxy.
read -r _ bare_p50_1 _ _ < <(CONNECTIONS=1 THREADS=1 load "$bare_url$PATH_UNDER_TEST" 3)
read -r _ proxy_p50_1 _ _ < <(CONNECTIONS=1 THREADS=1 load "$proxy_url$PATH_UNDER_TEST" 3)
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
lowest() { tr ' ' '\n' | grep . | sort -g | head -1; }
bare_rps=$(echo "${rps_runs[bare]}" | best); proxy_rps=$(echo "${rps_runs[proxy]}" | best)
bare_p50=$(echo "${p50_runs[bare]}" | lowest); proxy_p50=$(echo "${p50_runs[proxy]}" | lowest)
echo
awk -v b="$bare_rps" -v p="$proxy_rps" -v bl="$bare_p50" -v pl="$proxy_p50" 'BEGIN {
  printf "target alone:   %10.0f req/s, p50 %.3f ms\n", b, bl
  printf "through proxy:  %10.0f req/s, p50 %.3f ms\n", p, pl
  printf "proxy / target throughput: %.1f%% (goal >= 60%%); added p50: %.3f ms (goal <= 0.3 ms)\n", 100 * p / b, pl - bl
}'
awk -v b="$bare_p50_1" -v p="$proxy_p50_1" 'BEGIN {
  printf "one connection: p50 %.3f ms alone, %.3f ms through the proxy: added %.3f ms\n", b, p, p - b
}'
