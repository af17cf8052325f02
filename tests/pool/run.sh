#!/bin/sh
# Runs the Stratum test pool scenarios against the pool driver (or, with
# TANDEM_MINER_CMD set, against another miner command such as
# "build/host/tandem mine --device cpu"). Prints "pool: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
if [ -n "${TANDEM_MINER_CMD:-}" ]; then
	exec "${PYTHON:-python3}" tests/pool/testpool.py --miner-cmd "$TANDEM_MINER_CMD" "$@"
fi
exec "${PYTHON:-python3}" tests/pool/testpool.py "$@"
