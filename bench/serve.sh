#!/usr/bin/env bash
# Benchmark `docmock serve` against a bare axum server returning the same bytes, in one run:
# requests/s, p99 latency and RSS (before/after load), docmock with 10,000 generated routes
# (a documented route and its 404 path),
# and docmock's RSS sampled over a 60 s run (the journal must keep memory flat). The servers
# take turns over several short rounds and each one's best round is compared (other load on a
# shared machine only ever slows a round down); medians are printed too.
#
#   bench/serve.sh     # DOCMOCK=target/release/docmock ROUNDS=5 DURATION=6 LONG=60 CONNECTIONS=64 THREADS=2 ROUTES=10000
#
# Needs wrk (`apt-get install -y wrk`). Both servers log nothing to a terminal: docmock's
# per-request log lines are formatted as usual and written to /dev/null.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-6}
ROUNDS=${ROUNDS:-5}
LONG=${LONG:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUTES=${ROUTES:-10000}
PATH_UNDER_TEST=/api/v1/dossiers/123/protocol_subscriptions
# An undocumented path close to generated ones: docmock's own 404 names the closest routes.
UNKNOWN_PATH=/gen/v1/area42/7/itemz4242

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

# DOCMOCK=path/to/docmock measures another build (say, the commit before a change) instead.
if [ -z "${DOCMOCK:-}" ]; then
  cargo build --release --quiet --bin docmock --example bare_axum
  DOCMOCK=target/release/docmock
fi
BARE=${BARE:-target/release/examples/bare_axum}

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

rss_kb() {
  if [ -e "/proc/$1/status" ]; then
    awk '/^VmRSS/ {print $2}' "/proc/$1/status"
  else
    echo "server $1 is gone (exited or killed)" >&2
    echo 0
  fi
}

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

echo "== bare axum vs docmock serve: $ROUNDS rounds of ${DURATION}s each, servers taking turns"
echo "   ($CONNECTIONS connections, $THREADS wrk threads, $(nproc) cores; best round compared)"

generate_docs "$WORK/docs10k"
bare_url=$(start bare "$BARE" 0)
dm_url=$(start docmock "$DOCMOCK" serve --port 0)
big_url=$(start docmock10k "$DOCMOCK" serve --port 0 "$WORK/docs10k")
routes_line=$(head -1 "$WORK/docmock10k.out")
# the fourth load is the 10k server's 404 path: as fast as a documented route, whatever the
# number of routes (the closest routes come from the route trie, not a scan)
names=(bare docmock docmock10k docmock10k_404)
urls=("$bare_url" "$dm_url" "$big_url" "$big_url")
paths=("$PATH_UNDER_TEST" "$PATH_UNDER_TEST" "$PATH_UNDER_TEST" "$UNKNOWN_PATH")
declare -A rss_before rss_after rps_runs p99_runs
for i in 0 1 2; do
  load "${urls[$i]}$PATH_UNDER_TEST" 2 >/dev/null   # warm-up
  rss_before[${names[$i]}]=$(rss_kb "$(cat "$WORK/${names[$i]}.pid")")
done
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2 3; do
    read -r rps p99 < <(load "${urls[$i]}${paths[$i]}" "$DURATION")
    rps_runs[${names[$i]}]+="$rps "
    p99_runs[${names[$i]}]+="$p99 "
    echo "   round $round ${names[$i]}: $rps req/s, p99 $p99 ms"
  done
done
for i in 0 1 2; do
  rss_after[${names[$i]}]=$(rss_kb "$(cat "$WORK/${names[$i]}.pid")")
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
# The p99 of a server's best round.
best_p99() {
  local name=$1 top
  top=$(echo "${rps_runs[$name]}" | best)
  paste -d' ' <(echo "${rps_runs[$name]}" | tr ' ' '\n' | grep .) <(echo "${p99_runs[$name]}" | tr ' ' '\n' | grep .) |
    awk -v t="$top" '$1 == t {print $2; exit}'
}
bare_rps=$(echo "${rps_runs[bare]}" | best); bare_p99=$(best_p99 bare)
dm_rps=$(echo "${rps_runs[docmock]}" | best); dm_p99=$(best_p99 docmock)
big_rps=$(echo "${rps_runs[docmock10k]}" | best); big_p99=$(best_p99 docmock10k)
bare_med=$(echo "${rps_runs[bare]}" | median)
dm_med=$(echo "${rps_runs[docmock]}" | median)
big_med=$(echo "${rps_runs[docmock10k]}" | median)
miss_rps=$(echo "${rps_runs[docmock10k_404]}" | best); miss_p99=$(best_p99 docmock10k_404)
miss_med=$(echo "${rps_runs[docmock10k_404]}" | median)
miss_check=$(curl -s -o /dev/null -w '%{http_code}' "$big_url$UNKNOWN_PATH")
# A generated route deep in the table answers too.
big_check=$(curl -s -o /dev/null -w '%{http_code}' "$big_url/gen/v0/area99/5/items9999")
curl -s "$dm_url/__docmock/requests" >"$WORK/journal.json"
journal=$(head -c 120 "$WORK/journal.json" | tr -d '\n ')
for name in bare docmock docmock10k; do kill "$(cat "$WORK/$name.pid")"; rm "$WORK/$name.pid"; done

echo
printf '%-22s %12s %12s %10s %14s %14s\n' server "best req/s" "median req/s" "p99 ms" "RSS before kB" "RSS after kB"
printf '%-22s %12s %12s %10s %14s %14s\n' "bare axum" "$bare_rps" "$bare_med" "$bare_p99" "${rss_before[bare]}" "${rss_after[bare]}"
printf '%-22s %12s %12s %10s %14s %14s\n' "docmock (default)" "$dm_rps" "$dm_med" "$dm_p99" "${rss_before[docmock]}" "${rss_after[docmock]}"
printf '%-22s %12s %12s %10s %14s %14s\n' "docmock (10k routes)" "$big_rps" "$big_med" "$big_p99" "${rss_before[docmock10k]}" "${rss_after[docmock10k]}"
printf '%-22s %12s %12s %10s\n' "docmock 10k, 404 path" "$miss_rps" "$miss_med" "$miss_p99"
echo "10k docs: $routes_line; a generated route answered $big_check, $UNKNOWN_PATH answered $miss_check"
echo "journal after the runs: $journal..."
awk -v b="$bare_rps" -v d="$dm_rps" -v g="$big_rps" -v bm="$bare_med" -v dm="$dm_med" -v gm="$big_med" 'BEGIN {
  printf "docmock / bare axum throughput:      %.1f%% best, %.1f%% median (target >= 90%%)\n", 100 * d / b, 100 * dm / bm
  printf "10k routes / default docs throughput: %.1f%% best, %.1f%% median (target >= 90%%)\n", 100 * g / d, 100 * gm / dm
}'
awk -v m="$miss_rps" -v g="$big_rps" -v mm="$miss_med" -v gm="$big_med" 'BEGIN {
  printf "10k routes, unknown / known route:     %.1f%% best, %.1f%% median (target >= 90%%)\n", 100 * m / g, 100 * mm / gm
}'
# Each round runs the 404 load right after the known-route load: their ratio within a round
# pairs loads seconds apart, which other load on the machine moves least.
paired=$(paste -d' ' <(echo "${rps_runs[docmock10k_404]}" | tr ' ' '\n' | grep .) \
  <(echo "${rps_runs[docmock10k]}" | tr ' ' '\n' | grep .) | awk '{printf "%.1f ", 100 * $1 / $2}')
echo "10k routes, unknown / known, per round: $(echo "$paired" | median)% median (rounds: ${paired% })"

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
kill "$pid" 2>/dev/null || true
echo "RSS kB at start: $start_rss; every 5 s: ${samples[*]}; at end: $end_rss"
echo "requests/s over the long run: $(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk_long.txt")"
first=${samples[0]}
max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
awk -v f="$first" -v m="$max" 'BEGIN {
  if (f == 0) { print "the server was gone before the first sample"; exit }
  printf "growth from the first sample to the largest: %d kB (%.1f%%)\n", m - f, 100 * (m - f) / f
}'
