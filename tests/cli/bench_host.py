#!/usr/bin/env python3
"""make bench-host: host-side benchmarks of the `tandem` tool.

  - 32 software devices (cpu:20000) on one host loop: host CPU per device
    and per share, hash rate from counters vs from shares
  - one unthrottled software device
  - the simulated device (fast configuration, and the unrolled one when
    built): simulated hash rate and notify-to-device latency (a new clean
    job every 500 ms, timed from device_start_job() to its ACK)

Writes build/bench/host.json and prints a table.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
TANDEM = os.path.join(ROOT, BUILD, "host", "tandem")

RUNS = [
    ("32 x cpu:20000", ["--device", "cpu:20000", "--count", "32", "--seconds", "10"]),
    ("64 x cpu:5000", ["--device", "cpu:5000", "--count", "64", "--seconds", "10"]),
    ("1 x cpu (unthrottled)", ["--device", "cpu", "--seconds", "5"]),
    ("sim fast", ["--device", "sim", "--seconds", "10", "--job-every", "500"]),
]
if os.access(os.path.join(ROOT, BUILD, "sim", "tandem-sim-unrolled"), os.X_OK):
    RUNS.append(("sim unrolled", ["--device", "sim", "--sim-config", "unrolled",
                                  "--seconds", "10", "--job-every", "500"]))


def main():
    results = {}
    for name, args in RUNS:
        p = subprocess.run([TANDEM, "bench"] + args, cwd=ROOT, capture_output=True, text=True)
        line = [l for l in p.stdout.splitlines() if l.startswith("{")]
        if p.returncode != 0 or not line:
            print("%-24s FAILED (exit %d): %s" % (name, p.returncode, p.stderr[-300:]))
            results[name] = {"error": p.stderr[-300:]}
            continue
        r = json.loads(line[0])
        # the simulator knows its own clock: utilisation of simulated cycles
        for l in p.stderr.splitlines():
            if l.startswith("tandem-sim[") and "utilisation" in l:
                r["utilisation"] = float(l.rsplit(" ", 1)[1])
                r["sim_report"] = l
        results[name] = r
    print("%-24s %7s %12s %12s %8s %10s %12s %12s %10s" % (
        "run", "devices", "H/s counter", "H/s shares", "util", "loop CPU s",
        "CPU/dev/s ms", "CPU/share ms", "job lat ms"))
    for name, r in results.items():
        if "error" in r:
            continue
        print("%-24s %7d %12.0f %12.0f %8.3f %10.3f %12.3f %12.3f %10.3f" % (
            name, r["devices"], r["hashrate_counters"], r["hashrate_shares"],
            r["utilisation"], r["host_loop_cpu_s"],
            r["host_loop_cpu_per_device_s"] * 1000 / r["seconds"],
            r["host_loop_cpu_per_share_ms"], r["job_latency_ms_avg"]))
    os.makedirs(os.path.join(ROOT, BUILD, "bench"), exist_ok=True)
    with open(os.path.join(ROOT, BUILD, "bench", "host.json"), "w") as f:
        json.dump(results, f, indent=1)
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
