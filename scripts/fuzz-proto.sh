#!/usr/bin/env bash
# Runs the wire-protocol fuzzer (build/fuzz/fuzz_proto) for a bounded
# number of inputs, seeded with the worked examples of docs/protocol.md,
# and reports one test: "fuzz_proto: 1 passed, 0 failed" or the reverse.
# FUZZ_RUNS (default 300000; -1 = until stopped), FUZZ_SEED (default 1,
# for a reproducible CI run) and FUZZ_MAX_TIME (seconds, default 120, a
# safety cap) override the bounds. The full libFuzzer log and any crashing
# input are left in build/fuzz/.
set -u
cd "$(dirname "$0")/.."
dir=${BUILD:-build}/fuzz
fuzzer=$dir/fuzz_proto
seeds=$dir/seeds   # the doc's example frames, rewritten every run
corpus=$dir/corpus # what this run found; emptied first so runs repeat
log=$dir/fuzz_proto.log

fail() {
	echo "fuzz_proto: $*"
	echo "fuzz_proto: 0 passed, 1 failed"
	exit 1
}

[ -x "$fuzzer" ] && [ -x "$dir/seed_proto" ] ||
	fail "not built (make test-bins)"
rm -rf "$corpus"
mkdir -p "$seeds" "$corpus"
"$dir/seed_proto" docs/protocol.md "$seeds" || fail "seed corpus failed"

"$fuzzer" -runs="${FUZZ_RUNS:-300000}" -seed="${FUZZ_SEED:-1}" \
	-max_len=2048 -timeout=10 -rss_limit_mb=2048 \
	-max_total_time="${FUZZ_MAX_TIME:-120}" -print_final_stats=1 \
	-artifact_prefix="$dir/" "$corpus" "$seeds" >"$log" 2>&1
rc=$?

done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)
if [ $rc -ne 0 ] || [ -z "$done_line" ]; then
	tail -n 40 "$log"
	fail "libFuzzer exit $rc, see $log"
fi
echo "fuzz_proto: $done_line, $(ls "$corpus" | wc -l) new inputs"
echo "fuzz_proto: 1 passed, 0 failed"
