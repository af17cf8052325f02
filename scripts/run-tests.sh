#!/usr/bin/env bash
# Runs every test program given on the command line from the repository
# root, shows its output, and adds up the results into one closing line
# "N passed, N failed" that CI reads.
#
# A program reports its own counts either as cmocka does
# ("[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s),") or as a plain
# "N passed, N failed" line. A program that prints neither counts as one
# test, passed when it exits 0. A program that exits non-zero while
# reporting no failure counts one failure more: a crash is never a pass.
set -u
cd "$(dirname "$0")/.."
logdir=${BUILD:-build}/test-logs
mkdir -p "$logdir"

total_pass=0
total_fail=0
failed_progs=()
for prog in "$@"; do
	name=$(basename "$prog")
	log="$logdir/$name.log"
	echo "=== $name"
	"$prog" >"$log" 2>&1
	rc=$?
	cat "$log"
	pass=0
	fail=0
	found=0
	if grep -qE '^\[  PASSED  \] [0-9]+ test' "$log" || grep -qE '^\[  FAILED  \] [0-9]+ test' "$log"; then
		found=1
		p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | sed -E 's/^\[  PASSED  \] ([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
		f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | sed -E 's/^\[  FAILED  \] ([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
		pass=$p
		fail=$f
	elif grep -qE '(^|: )[0-9]+ passed, [0-9]+ failed' "$log"; then
		found=1
		line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		pass=$(echo "$line" | sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed.*/\2/')
		fail=$(echo "$line" | sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed.*/\3/')
	fi
	if [ $found -eq 0 ]; then
		if [ $rc -eq 0 ]; then pass=1; else fail=1; fi
	elif [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi
	if [ "$fail" -ne 0 ]; then failed_progs+=("$name"); fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done

echo
if [ ${#failed_progs[@]} -gt 0 ]; then
	echo "failing programs: ${failed_progs[*]} (logs in $logdir/)"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
