#!/bin/sh
# Runs the Stratum test pool scenarios against the product:
#   1. every scenario with `tandem mine --device cpu` (software device;
#      shares 4x easier than the scenarios say so a loaded machine still
#      finds enough of them);
#   2. the "sim" subset (plain mining, clean_jobs flush latency, a forced
#      disconnect with queued shares, failover and failback) with
#      `tandem mine --device sim` (the Verilator model of the device,
#      about 70 kH/s, hence --diff-scale).
# TANDEM_MINER_CMD replaces step 1's command (step 2 is then skipped).
# Ends with "pool: N passed, N failed" over all steps.
cd "$(dirname "$0")/../.." || exit 1
PY="${PYTHON:-python3}"
BUILD="${BUILD:-build}"
TANDEM="$BUILD/host/tandem"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$PY" tests/pool/testpool.py --label cpu --diff-scale 0.25 \
	--miner-cmd "${TANDEM_MINER_CMD:-$TANDEM mine --device cpu}" "$@" | tee "$out"
if [ -z "${TANDEM_MINER_CMD:-}" ] && [ $# -eq 0 ]; then
	if [ -x "$BUILD/sim/tandem-sim" ]; then
		"$PY" tests/pool/testpool.py --label sim --diff-scale 0.0166667 \
			--api-port 43029 --miner-cmd "$TANDEM mine --device sim" sim | tee -a "$out"
	else
		echo "skip sim scenarios: no $BUILD/sim/tandem-sim"
	fi
fi
awk '/^pool\[[a-z]*\]: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
	END { printf "pool: %d passed, %d failed\n", p, f; exit f ? 1 : 0 }' "$out"
