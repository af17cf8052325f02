#!/usr/bin/env bash
# Runs the bridge firmware image (make firmware) in the rp2040js emulator:
# tests/firmware/emu/harness.mjs plays the bootrom, the USB host and the
# FPGA, then connects the emulated UART0 to the simulated device
# (build/sim/tandem-sim, make sim) for a real job end to end. Installs the
# harness's pinned npm packages (npm ci) on first use.
# Ends with "firmware_emu: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
emu=tests/firmware/emu
bin=${BUILD:-build}/firmware/tandem-bridge.bin

fail() {
	echo "firmware_emu: $*"
	echo "firmware_emu: 0 passed, 1 failed"
	exit 1
}

[ -f "$bin" ] || fail "$bin missing (run make firmware)"
command -v node >/dev/null 2>&1 || fail "node not found (Debian: nodejs)"
if [ ! -f "$emu/node_modules/rp2040js/package.json" ]; then
	command -v npm >/dev/null 2>&1 || fail "npm not found (Debian: npm)"
	(cd "$emu" && npm ci --no-audit --no-fund --loglevel=error) ||
		fail "npm ci failed"
fi
sim=${TANDEM_SIM:-${BUILD:-build}/sim/tandem-sim}
[ -x "$sim" ] || fail "$sim missing (run make sim)"
case $sim in /*) ;; *) sim=$PWD/$sim ;; esac
FW_BIN="$bin" TANDEM_SIM="$sim" exec timeout 300 node "$emu/harness.mjs"
