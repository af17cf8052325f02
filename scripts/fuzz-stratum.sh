#!/usr/bin/env bash
# Bounded libFuzzer run of the Stratum v1 parser (tests/fuzz/fuzz_stratum.c),
# part of `make check`. The seed corpus is rebuilt on every run from the
# real captures in tests/vectors/ (each job and block as the mining.notify
# line a pool sends, the captured submits, and one line of every other
# pool method) into build/fuzz/stratum-corpus/.
#
# Ends with "fuzz_stratum: 1 passed, 0 failed" (or "0 passed, 1 failed")
# and the matching exit status. Knobs (environment):
#   FUZZ_STRATUM_RUNS     inputs to try          (default 200000)
#   FUZZ_STRATUM_SECONDS  wall-clock cap         (default 50)
#   FUZZ_STRATUM_SEED     libFuzzer -seed        (default 1; 0 = random)
set -u
cd "$(dirname "$0")/.."

build=${BUILD:-build}
bin=$build/fuzz/fuzz_stratum
corpus=$build/fuzz/stratum-corpus
dict=$build/fuzz/stratum.dict
log=$build/fuzz/fuzz_stratum.log
runs=${FUZZ_STRATUM_RUNS:-200000}
secs=${FUZZ_STRATUM_SECONDS:-50}
seed=${FUZZ_STRATUM_SEED:-1}

verdict() {
	echo "fuzz_stratum: $1 passed, $2 failed"
	exit "$2"
}

if [ ! -x "$bin" ]; then
	echo "fuzz_stratum: $bin is missing (make $bin)"
	verdict 0 1
fi

rm -rf "$corpus"
mkdir -p "$corpus"
if ! "${PYTHON:-python3}" - "$corpus" "$dict" <<'PY'; then
import json
import os
import sys

corpus, dict_path = sys.argv[1], sys.argv[2]
lines = []


def line(obj):
    lines.append(json.dumps(obj, separators=(",", ":")) + "\n")


def notify(job_id, n):
    line({"id": None, "method": "mining.notify",
          "params": [job_id, n["prevhash"], n["coinb1"], n["coinb2"],
                     n["merkle_branch"], n["version"], n["nbits"],
                     n["ntime"], n["clean_jobs"]]})


jobs = json.load(open("tests/vectors/stratum_jobs.json"))["jobs"]
keys = ("prevhash", "coinb1", "coinb2", "merkle_branch", "version",
        "nbits", "ntime", "clean_jobs")
for job in jobs:
    n = job["notify"]
    if all(k in n for k in keys):
        notify(n.get("job_id", job["id"]), n)
    sub = job.get("submit")
    if sub and "worker" in sub:
        params = [sub["worker"], sub["job_id"], sub["extranonce2"],
                  sub["ntime"], sub["nonce"]]
        if sub.get("version_bits"):
            params.append(sub["version_bits"])
        line({"id": 4, "method": "mining.submit", "params": params})
    if "extranonce1" in job:
        en2 = len(job["extranonce2"]) // 2
        line({"id": 1, "result": [[["mining.set_difficulty", "1"],
                                   ["mining.notify", "1"]],
                                  job["extranonce1"], en2], "error": None})
        line({"id": None, "method": "mining.set_extranonce",
              "params": [job["extranonce1"], en2]})
    if "version_mask" in job:
        line({"id": 2, "result": {"version-rolling": True,
                                  "version-rolling.mask": job["version_mask"]},
              "error": None})
        line({"id": None, "method": "mining.set_version_mask",
              "params": [job["version_mask"]]})

# Real blocks as notify lines: prevhash back to Stratum's word-swapped text.
for b in json.load(open("tests/vectors/blocks.json"))["blocks"]:
    h = bytes.fromhex(b["header_hex"])
    prev = b"".join(h[4 + i:8 + i][::-1] for i in range(0, 32, 4))
    le = lambda o: h[o:o + 4][::-1].hex()
    notify(b["id"], {"prevhash": prev.hex(), "coinb1": b["stratum"]["coinb1"],
                     "coinb2": b["stratum"]["coinb2"],
                     "merkle_branch": b["merkle_branch"], "version": le(0),
                     "nbits": le(72), "ntime": le(68), "clean_jobs": True})

for obj in (
        {"id": None, "method": "mining.set_difficulty", "params": [8192]},
        {"id": None, "method": "mining.set_difficulty", "params": [0.001]},
        {"id": None, "method": "client.reconnect",
         "params": ["pool.example.org", 3333, 5]},
        {"id": None, "method": "client.show_message", "params": ["hello"]},
        {"id": 7, "method": "client.get_version", "params": []},
        {"id": 8, "method": "mining.ping", "params": []},
        {"id": None, "method": "mining.set_aux_targets",
         "params": [None, [["nmc", "00000000ffff" + "0" * 52]]]},
        {"id": 4, "result": True, "error": None},
        {"id": 4, "result": None, "error": [23, "Low difficulty share", None]},
        {"id": 4, "result": False, "error": {"code": 21,
                                             "message": "Job not found"}}):
    line(obj)

for i, text in enumerate(lines):
    with open(os.path.join(corpus, "seed-%03d" % i), "w") as f:
        f.write(text)

tokens = ["{", "}", "[", "]", ",", ":", "null", "true", "false", "\\u00e9",
          "1e999", "-0.0", "\"id\"", "\"method\"", "\"params\"",
          "\"result\"", "\"error\"", "\"code\"", "\"message\"",
          "\"version-rolling\"", "\"version-rolling.mask\"",
          "\"minimum-difficulty\"", "\"subscribe-extranonce\""]
tokens += ['"%s"' % m for m in (
    "mining.notify", "mining.set_difficulty", "mining.set_extranonce",
    "mining.set_version_mask", "client.reconnect", "client.show_message",
    "client.get_version", "mining.ping", "mining.set_aux_targets")]
with open(dict_path, "w") as f:
    for t in tokens:
        f.write(json.dumps(t) + "\n")
print("fuzz_stratum: %d seed lines from tests/vectors/" % len(lines))
PY
	echo "fuzz_stratum: cannot build the seed corpus"
	verdict 0 1
fi

# A smaller ASan quarantine keeps the run's memory modest on shared CI.
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32} \
	"$bin" -runs="$runs" -max_total_time="$secs" -seed="$seed" -max_len=4096 \
	-timeout=10 -rss_limit_mb=2048 -dict="$dict" -print_final_stats=1 \
	-artifact_prefix="$build/fuzz/stratum-" "$corpus" >"$log" 2>&1
rc=$?
# One line of libFuzzer's closing statistics for the test log.
grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$log" |
	sed 's/^/fuzz_stratum: /'
if [ $rc -ne 0 ]; then
	tail -n 40 "$log"
	echo "fuzz_stratum: libFuzzer exited $rc (log $log, crash input under $build/fuzz/stratum-*)"
	verdict 0 1
fi
verdict 1 0
