#!/usr/bin/env bash
# The coverage-guided fuzz campaign (cargo-fuzz, nightly): for each target, merge the seed
# pages into its corpus (only inputs that add coverage are kept), fuzz it niced, then
# minimise the corpus again. Figures go to artifacts/<target>.log; a crash leaves its input
# in artifacts/<target>/.
#
#   fuzz/campaign.sh                      # every target, 10 million executions each
#   RUNS=-1 SECS=600 fuzz/campaign.sh mdx  # one target for ten minutes
#   MAX_LEN=65536 fuzz/campaign.sh         # inputs up to 64 KiB (default 4 KiB, libFuzzer's own)
#
# Inputs are cut to MAX_LEN bytes: small inputs run 5 to 30 times faster than whole doc pages,
# and whole pages are mutated by the stable harness (tests/it/fuzz.rs) on every `cargo test`.
set -euo pipefail
cd "$(dirname "$0")"
runs=${RUNS:-10000000}
secs=${SECS:-0}
max_len=${MAX_LEN:-4096}
targets=${*:-jslit json_repair mdx fenced rendered aspnet md_table md_list serve}
fuzz() { nice -n 19 cargo +nightly fuzz "$@"; }
mkdir -p artifacts
for t in $targets; do
    mkdir -p "corpus/$t"
    fuzz run -s none "$t" "corpus/$t" ../docs-source ../tests/pages ../tests/fuzz -- -merge=1 \
        >/dev/null 2>&1
    fuzz run -s none "$t" "corpus/$t" -- -runs="$runs" -max_total_time="$secs" \
        -max_len="$max_len" -print_final_stats=1 >"artifacts/$t.log" 2>&1 || true
    fuzz cmin -s none "$t" "corpus/$t" >/dev/null 2>&1
    echo "$t: minimised corpus: $(ls "corpus/$t" | wc -l) inputs, $(du -sh "corpus/$t" | cut -f1)"
    # what is committed: a sample of 100 inputs up to 2 KiB (sha1 names: sorted is random);
    # the seed pages are merged in again on every run
    find "corpus/$t" -type f -size +2048c -delete
    ls "corpus/$t" | sort | tail -n +101 | sed "s|^|corpus/$t/|" | xargs -r rm --
    echo "$t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "artifacts/$t.log" | tail -1)"
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|SUMMARY|deadly|panicked' \
        "artifacts/$t.log" || true
    echo "  committed sample: $(ls "corpus/$t" | wc -l) inputs"
done
