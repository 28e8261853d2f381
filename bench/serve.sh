#!/usr/bin/env bash
# Benchmark `docmock serve` against a bare axum server returning the same bytes, in one run:
# requests/s, p99 latency and RSS (before/after load), docmock with 10,000 generated routes,
# and docmock's RSS sampled over a 60 s run (the journal must keep memory flat).
#
#   bench/serve.sh                 # DURATION=15 LONG=60 CONNECTIONS=64 THREADS=2 to change
#
# Needs wrk (`apt-get install -y wrk`). Both servers log nothing to a terminal: docmock's
# per-request log lines are formatted as usual and written to /dev/null.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
LONG=${LONG:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUTES=${ROUTES:-10000}
PATH_UNDER_TEST=/api/v1/dossiers/123/protocol_subscriptions

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --quiet --bin docmock --example bare_axum
DOCMOCK=target/release/docmock
BARE=target/release/examples/bare_axum

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Start a server, wait for the line with its address, print the address.
start() {
  local name=$1; shift
  "$@" >"$WORK/$name.out" 2>/dev/null &
  PIDS+=($!)
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

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# wrk against a URL for N seconds; prints "rps p99_ms".
load() {
  local url=$1 seconds=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency "$url" >"$WORK/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$WORK/wrk.txt")
  echo "$rps $p99"
}

# A docs folder: the default docs plus $ROUTES generated routes over 100 Markdown pages.
generate_docs() {
  local dir=$1
  mkdir -p "$dir"
  cp docs-source/* "$dir/"
  local per_page=$((ROUTES / 100)) n=0
  for page in $(seq 0 99); do
    {
      echo "# Generated $page"
      echo
      for _ in $(seq 1 "$per_page"); do
        printf '## Get item %d\n\n```http\nGET /gen/v%d/area%d/{id}/items%d\n```\n\n### Success\n\n' \
          "$n" $((n % 3)) "$page" "$n"
        printf '<snapshot json={{\n  request: {request_method: "GET", path: "/gen/v%d/area%d/7/items%d"},\n  response: {status: 200, body: {id: %d, name: "item %d"}}\n}} />\n\n' \
          $((n % 3)) "$page" "$n" "$n" "$n"
        n=$((n + 1))
      done
    } >"$dir/generated_$page.md"
  done
}

echo "== bare axum vs docmock serve, ${DURATION}s each, $CONNECTIONS connections, $THREADS wrk threads, $(nproc) cores"

url=$(start bare "$BARE" 0)
pid=$(cat "$WORK/bare.pid")
load "$url$PATH_UNDER_TEST" 3 >/dev/null   # warm-up
bare_rss_before=$(rss_kb "$pid")
read -r bare_rps bare_p99 < <(load "$url$PATH_UNDER_TEST" "$DURATION")
bare_rss_after=$(rss_kb "$pid")
kill "$pid"

url=$(start docmock "$DOCMOCK" serve --port 0)
pid=$(cat "$WORK/docmock.pid")
load "$url$PATH_UNDER_TEST" 3 >/dev/null
dm_rss_before=$(rss_kb "$pid")
read -r dm_rps dm_p99 < <(load "$url$PATH_UNDER_TEST" "$DURATION")
dm_rss_after=$(rss_kb "$pid")
journal=$(curl -s "$url/__docmock/requests" | head -c 200 | tr -d '\n ')
kill "$pid"

generate_docs "$WORK/docs10k"
url=$(start docmock10k "$DOCMOCK" serve --port 0 "$WORK/docs10k")
pid=$(cat "$WORK/docmock10k.pid")
routes_line=$(head -1 "$WORK/docmock10k.out")
load "$url$PATH_UNDER_TEST" 3 >/dev/null
big_rss_before=$(rss_kb "$pid")
read -r big_rps big_p99 < <(load "$url$PATH_UNDER_TEST" "$DURATION")
# A generated route deep in the table answers too.
big_check=$(curl -s -o /dev/null -w '%{http_code}' "$url/gen/v1/area99/5/items9999")
big_rss_after=$(rss_kb "$pid")
kill "$pid"

echo
printf '%-22s %12s %10s %14s %14s\n' server "req/s" "p99 ms" "RSS before kB" "RSS after kB"
printf '%-22s %12s %10s %14s %14s\n' "bare axum" "$bare_rps" "$bare_p99" "$bare_rss_before" "$bare_rss_after"
printf '%-22s %12s %10s %14s %14s\n' "docmock (default)" "$dm_rps" "$dm_p99" "$dm_rss_before" "$dm_rss_after"
printf '%-22s %12s %10s %14s %14s\n' "docmock (10k routes)" "$big_rps" "$big_p99" "$big_rss_before" "$big_rss_after"
echo "10k docs: $routes_line; a generated route answered $big_check"
echo "journal after the run: $journal..."
awk -v b="$bare_rps" -v d="$dm_rps" -v g="$big_rps" 'BEGIN {
  printf "docmock / bare axum throughput:      %.1f%% (target >= 90%%)\n", 100 * d / b
  printf "10k routes / default docs throughput: %.1f%% (target >= 90%%)\n", 100 * g / d
}'

echo
echo "== docmock RSS over a ${LONG}s run (journal on, default size)"
url=$(start docmock_long "$DOCMOCK" serve --port 0)
pid=$(cat "$WORK/docmock_long.pid")
start_rss=$(rss_kb "$pid")
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LONG}s" "$url$PATH_UNDER_TEST" >"$WORK/wrk_long.txt" &
wrk_pid=$!
samples=()
for _ in $(seq 1 $((LONG / 5))); do
  sleep 5
  samples+=("$(rss_kb "$pid")")
done
wait "$wrk_pid"
end_rss=$(rss_kb "$pid")
kill "$pid"
echo "RSS kB at start: $start_rss; every 5 s: ${samples[*]}; at end: $end_rss"
echo "requests/s over the long run: $(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk_long.txt")"
first=${samples[0]}
max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
awk -v f="$first" -v m="$max" 'BEGIN { printf "growth from the first sample to the largest: %d kB (%.1f%%)\n", m - f, 100 * (m - f) / f }'
