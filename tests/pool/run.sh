#!/bin/sh
# Runs the Stratum test pool scenarios against the product:
#   1. every scenario with `tandem mine --device cpu` (software device;
#      shares 4x easier than the scenarios say so a loaded machine still
#      finds enough of them);
#   2. the "header" subset with a header-only software device
#      (`--device cpu --cpu-header`, as small FPGA boards are: no
#      Stratum-job mode), so the host builds every header-mode job:
#      --expect-header also requires that no Stratum-mode job was sent
#      and no request refused; --header-nonces 2^18 ends each
#      extranonce2's nonce range within a second, so the host rolls on;
#   3. the "sim" subset (plain mining, clean_jobs flush latency, a forced
#      disconnect with queued shares, failover and failback) with
#      `tandem mine --device sim` (the Verilator model of the device,
#      about 70 kH/s, hence --diff-scale);
#   4. the "sim_header" subset: host-built header-mode jobs on the
#      simulated device (--header-jobs), through the RTL's header mode;
#   5. header_work on the lite simulated device (tandem-sim-lite: the
#      small boards' header-only RTL), when it is built.
# TANDEM_MINER_CMD replaces step 1's command (the others are then
# skipped).
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
	"$PY" tests/pool/testpool.py --label header --diff-scale 0.25 \
		--api-port 43030 --expect-header --miner-cmd \
		"$TANDEM mine --device cpu --cpu-header --header-nonces 262144" \
		header | tee -a "$out"
	if [ -x "$BUILD/sim/tandem-sim" ]; then
		"$PY" tests/pool/testpool.py --label sim --diff-scale 0.0166667 \
			--api-port 43029 --miner-cmd "$TANDEM mine --device sim" sim | tee -a "$out"
		"$PY" tests/pool/testpool.py --label sim-header --diff-scale 0.0166667 \
			--api-port 43031 --expect-header --miner-cmd \
			"$TANDEM mine --device sim --header-jobs --header-nonces 65536" \
			sim_header | tee -a "$out"
	else
		echo "skip sim scenarios: no $BUILD/sim/tandem-sim"
	fi
	if [ -x "$BUILD/sim/tandem-sim-lite" ]; then
		"$PY" tests/pool/testpool.py --label sim-lite --diff-scale 0.0166667 \
			--api-port 43032 --expect-header --miner-cmd \
			"$TANDEM mine --device sim --sim-bin $BUILD/sim/tandem-sim-lite --header-nonces 65536" \
			header_work | tee -a "$out"
	else
		echo "skip lite sim scenario: no $BUILD/sim/tandem-sim-lite"
	fi
fi
awk '/^pool\[[a-z_-]*\]: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
	END { printf "pool: %d passed, %d failed\n", p, f; exit f ? 1 : 0 }' "$out"
