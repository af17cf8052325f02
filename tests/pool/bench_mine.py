#!/usr/bin/env python3
"""Benchmark of `tandem mine` against the test pool (tests/pool/testpool.py):

  * notify-to-device latency: the pool sends a clean_jobs notify every
    0.5 s; the miner reports the monotonic time at which each device
    acknowledged the new job (after the FLUSH), so the latency is measured
    from the pool's send to the device taking the job, on the simulated
    device (tandem-sim, the Verilator model);
  * host CPU per 1,000 shares: the tandem process's CPU time (the
    simulator is a separate process) and its event-loop thread alone,
    over the shares the devices handed in, with a very low difficulty so
    shares are frequent.

Prints one JSON object per device kind; exits 1 if the latency limit
(100 ms) is exceeded.
"""
import asyncio
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testpool  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TANDEM = os.path.join(BUILD, "host", "tandem")


async def run(device, diff, seconds):
    p = testpool.Pool("bench", {"diff": diff})
    await p.start()
    m = testpool.Miner(testpool.pool_args(p) + ["--seconds", str(seconds)],
                       [TANDEM, "mine", "--device", device])
    await m.start()
    await asyncio.sleep(1.5)
    sent = []
    t_end = seconds - 2.0
    t = 1.5
    while t < t_end:
        sent.append(p.broadcast_job(clean=True))
        await asyncio.sleep(0.5)
        t += 0.5
    res = await m.wait(seconds + 30)
    if res is None:
        return {"device": device, "error": "no result", "stderr": m.err.decode()[-400:]}
    acks = {}
    for job_id, ack_s, _ms in res.get("clean_acks", []):
        acks.setdefault(job_id, []).append(ack_s)
    lat = sorted(a - j.sent_at for j in sent for a in acks.get(j.job_id, []))
    shares = max(res["handed"], 1)
    out = {
        "device": device,
        "seconds": res["seconds"],
        "clean_jobs": len(sent),
        "latency_samples": len(lat),
        "notify_to_ack_ms_avg": round(1e3 * sum(lat) / len(lat), 3) if lat else None,
        "notify_to_ack_ms_p50": round(1e3 * lat[len(lat) // 2], 3) if lat else None,
        "notify_to_ack_ms_max": round(1e3 * lat[-1], 3) if lat else None,
        "shares_handed": res["handed"],
        "accepted": res["accepted"],
        "hashes": res["hashes"],
        "process_cpu_s": round(res["process_cpu_s"], 3),
        "loop_cpu_s": round(res["host_loop_cpu_s"], 3),
        "loop_cpu_s_per_1000_shares": round(1e3 * res["host_loop_cpu_s"] / shares, 4),
        "violations": p.violations[:3],
    }
    if device.startswith("sim"):
        out["process_cpu_s_per_1000_shares"] = round(1e3 * res["process_cpu_s"] / shares, 4)
    return out


def main():
    ok = True
    for device, diff, seconds in (("sim", 1.5e-6, 20), ("cpu", 1e-5, 10)):
        r = asyncio.run(run(device, diff, seconds))
        print(json.dumps(r, sort_keys=True), flush=True)
        if device == "sim" and (not r.get("notify_to_ack_ms_max") or
                                r["notify_to_ack_ms_max"] >= 100):
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
