#!/usr/bin/env bash
# CI test of the board flow: builds the bitstream of each board named on
# the command line (default: $BOARDS_CI, else hx8k) with the real tools,
# one after the other, and counts a board as passed only when synthesis,
# place and route, the timing check against its FREQ and packing all
# succeed. Ends with "boards: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
boards=("$@")
[ ${#boards[@]} -gt 0 ] || read -r -a boards <<<"${BOARDS_CI:-hx8k}"
build=${BUILD:-build}
mkdir -p "$build/boards"
pass=0
fail=0
for b in "${boards[@]}"; do
	log="$build/boards/$b-ci.log"
	start=$(date +%s)
	# A make of its own, not a child of the make that runs the tests.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
		BUILD="$build" bitstream BOARD="$b" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	grep -E "^$b: Fmax" "$log"
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $b (${secs} s)"
	else
		fail=$((fail + 1))
		echo "FAIL $b (${secs} s), last lines of $log:"
		tail -n 15 "$log" | sed 's/^/    /'
	fi
done
echo "boards: $pass passed, $fail failed"
[ $fail -eq 0 ]
