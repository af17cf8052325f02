#!/usr/bin/env python3
"""Scriptable Stratum v1 test pool on loopback, and the scenarios that
drive a miner against it.

The pool speaks mining.configure (version rolling offered or refused,
Tandem's aux-targets extension), subscribe with session resume,
authorize, set_difficulty, notify, set_extranonce, set_version_mask,
client.reconnect, ping, garbage; it can drop connections, stop
listening, never answer, and serve TLS with a certificate made by
`openssl req` at test time.

Every mining.submit is checked independently of the code under test:
coinbase, merkle root and header are rebuilt here with hashlib and the
hash compared with the difficulty in force for the job. The pool
records duplicates, stale submits, rolled versions without rolling and
submits on flushed jobs that arrive after the flush window as
violations; a scenario passes only when there are none and the miner's
own counters agree with the pool's.

Jobs are the real mining.notify templates of tests/vectors/
stratum_jobs.json (only job ids are the pool's own).

Usage: testpool.py [--miner-cmd 'build/host/tandem mine --device cpu']
[--diff-scale F] [--label L] [--expect-header] [scenario ...]
--diff-scale multiplies every difficulty the pool sets (slow devices such
as the simulator need easier shares); the scenario list "sim" selects
the ones run against the simulated device, "header" the ones for
header-only devices (the miner command then names such devices, e.g.
`tandem mine --device cpu --cpu-header`). --expect-header makes every
scenario also require that the miner drove all its devices with
host-built header-mode jobs: no Stratum-mode job sent, no request
refused by a device. Prints "pool: N passed, N failed" (or
"pool[L]: ...") at the end.
"""

import argparse
import asyncio
import hashlib
import json
import os
import shlex
import ssl
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VECTORS = os.path.join(ROOT, "tests", "vectors", "stratum_jobs.json")
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
DIFF1 = 0xFFFF << 208
FLUSH_WINDOW = 0.5  # s a submit on a flushed job may still arrive (in flight)
CLEAN_LIMIT = 0.1  # s from a clean_jobs notify to the device's ACK of the new job
DIFF_SCALE = 1.0  # --diff-scale
EXPECT_HEADER = False  # --expect-header
LINE_CAP = 65536


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def load_templates():
    with open(VECTORS) as f:
        data = json.load(f)
    keys = ("prevhash", "coinb1", "coinb2", "merkle_branch", "version", "nbits", "ntime")
    out = []
    for j in data["jobs"]:
        n = j["notify"]
        if all(k in n for k in keys):
            out.append({k: n[k] for k in keys})
    return out


def diff_target(diff):
    return int(DIFF1 / diff) if diff > 0 else (1 << 256) - 1


class Job:
    def __init__(self, job_id, tpl, clean):
        self.job_id = job_id
        self.tpl = tpl
        self.clean = clean
        self.flushed_at = None
        self.sent_at = time.monotonic()

    def params(self):
        t = self.tpl
        return [self.job_id, t["prevhash"], t["coinb1"], t["coinb2"], t["merkle_branch"],
                t["version"], t["nbits"], t["ntime"], self.clean]

    def header_hash(self, en1, en2, ntime, nonce, version):
        t = self.tpl
        cb = bytes.fromhex(t["coinb1"]) + en1 + en2 + bytes.fromhex(t["coinb2"])
        h = sha256d(cb)
        for b in t["merkle_branch"]:
            h = sha256d(h + bytes.fromhex(b))
        ph = bytes.fromhex(t["prevhash"])
        prev = b"".join(ph[i:i + 4][::-1] for i in range(0, 32, 4))
        hdr = (struct.pack("<I", version) + prev + h + struct.pack("<I", ntime) +
               struct.pack("<I", int(t["nbits"], 16)) + struct.pack("<I", nonce))
        return int.from_bytes(sha256d(hdr), "little")


class Conn:
    """One client connection and its Stratum state."""

    def __init__(self, pool, reader, writer):
        self.pool = pool
        self.r = reader
        self.w = writer
        self.en1 = None
        self.prev_en1 = None
        self.en1_changed_at = 0
        self.mask = 0
        self.rolling = False
        self.aux_ext = False
        self.authorized = False
        self.subscribed = False
        self.diff_hist = []  # (time, diff)
        self.closed = False
        self.errors_seen = []  # answers the miner gave to our requests

    def send(self, obj):
        if self.closed:
            return
        line = obj if isinstance(obj, (bytes, bytearray)) else (json.dumps(obj) + "\n").encode()
        self.pool.log("-> %s" % line[:200])
        try:
            self.w.write(line)
        except Exception:
            pass

    def set_difficulty(self, d):
        d = d * DIFF_SCALE
        self.diff_hist.append((time.monotonic(), d))
        self.send({"id": None, "method": "mining.set_difficulty", "params": [d]})

    def notify(self, job):
        self.send({"id": None, "method": "mining.notify", "params": job.params()})

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.w.close()
            except Exception:
                pass


class Pool:
    def __init__(self, name, sc, tls=None):
        self.name = name
        self.sc = sc  # scenario options
        self.tls = tls
        self.server = None
        self.port = 0
        self.conns = []
        self.jobs = {}
        self.job_order = []
        self.job_seq = 0
        self.sessions = {}  # session id -> en1
        self.next_en1 = 0x10000001
        self.submits = []
        self.accepted = []
        self.rejected = []
        self.violations = []
        self.seen = set()
        self.connects = 0
        self.resumed = 0
        self.tpls = load_templates()
        self.silent = sc.get("silent", False)
        self.verbose = sc.get("verbose", False)

    def log(self, msg):
        if self.verbose:
            sys.stderr.write("[%s %.3f] %s\n" % (self.name, time.monotonic() % 1000, msg))

    async def start(self, port=0):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", port, ssl=self.tls,
                                                 reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop_listening(self, drop=True):
        if self.server:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        if drop:
            for c in self.conns:
                c.close()

    # ---- jobs --------------------------------------------------------------
    def new_job(self, clean):
        self.job_seq += 1
        tpl = dict(self.tpls[self.job_seq % len(self.tpls)])
        job = Job("j%x" % self.job_seq, tpl, clean)
        now = time.monotonic()
        if clean:
            for j in self.jobs.values():
                if j.flushed_at is None:
                    j.flushed_at = now
        self.jobs[job.job_id] = job
        self.job_order.append(job.job_id)
        return job

    def current_job(self):
        return self.jobs[self.job_order[-1]] if self.job_order else None

    def broadcast_job(self, clean):
        job = self.new_job(clean)
        for c in self.conns:
            if c.subscribed and not c.closed:
                c.notify(job)
        return job

    # ---- connection --------------------------------------------------------
    async def handle(self, reader, writer):
        c = Conn(self, reader, writer)
        self.conns.append(c)
        self.connects += 1
        try:
            while not c.closed:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.LimitOverrunError:
                    self.violations.append("client line too long")
                    break
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                if self.silent:
                    continue
                self.log("<- %s" % line[:200])
                try:
                    msg = json.loads(line)
                except ValueError:
                    self.violations.append("client sent bad JSON: %r" % line[:80])
                    continue
                self.on_message(c, msg)
                try:
                    await writer.drain()
                except Exception:
                    break
        finally:
            c.close()

    def on_message(self, c, msg):
        sc = self.sc
        mid = msg.get("id")
        method = msg.get("method")
        params = msg.get("params") or []
        if method is None:
            c.errors_seen.append(msg)
            return
        if method == "mining.configure":
            exts, opts = params[0], params[1]
            res = {}
            if "version-rolling" in exts:
                if sc.get("rolling", True):
                    c.mask = int(sc.get("mask", "1fffe000"), 16) & int(opts.get("version-rolling.mask", "0"), 16)
                    c.rolling = True
                    res["version-rolling"] = True
                    res["version-rolling.mask"] = "%08x" % c.mask
                else:
                    res["version-rolling"] = False
            if "tandem-aux-targets" in exts and sc.get("aux_ext"):
                res["tandem-aux-targets"] = True
                c.aux_ext = True
            if sc.get("configure_error"):
                c.send({"id": mid, "result": None, "error": [20, "Unknown method", None]})
            else:
                c.send({"id": mid, "result": res, "error": None})
        elif method == "mining.subscribe":
            sid = params[1] if len(params) > 1 else None
            if sid in self.sessions and sc.get("resume", True):
                c.en1 = self.sessions[sid]
                self.resumed += 1
            else:
                c.en1 = struct.pack(">I", self.next_en1)
                self.next_en1 += 1
                sid = "s%08x" % int.from_bytes(c.en1, "big")
                self.sessions[sid] = c.en1
            c.subscribed = True
            c.send({"id": mid, "result": [[["mining.set_difficulty", sid], ["mining.notify", sid]],
                                          c.en1.hex(), 4], "error": None})
            c.set_difficulty(sc.get("diff", 0.001))
            job = self.current_job()
            if job is None or sc.get("fresh_job_on_connect", False):
                job = self.new_job(True)
            elif self.resumed and sid in self.sessions and not job.clean:
                pass
            if sc.get("aux_ext") and c.aux_ext:
                self.send_aux(c, job)
            c.notify(job)
        elif method == "mining.authorize":
            ok = not sc.get("refuse_auth", False)
            c.authorized = ok
            c.send({"id": mid, "result": ok, "error": None if ok else [24, "Unauthorized worker", None]})
        elif method == "mining.suggest_difficulty":
            self.suggested = params[0]
            c.send({"id": mid, "result": True, "error": None})
        elif method == "mining.extranonce.subscribe":
            c.send({"id": mid, "result": True, "error": None})
        elif method == "mining.submit":
            self.on_submit(c, mid, params)
        else:
            c.send({"id": mid, "result": None, "error": [20, "Unknown method", None]})

    def send_aux(self, c, job):
        t = self.sc["aux_ext"]
        c.send({"id": None, "method": "mining.set_aux_targets",
                "params": [job.job_id, [[t["name"], t["target"]]]]})

    def on_submit(self, c, mid, params):
        now = time.monotonic()
        rec = {"t": now, "params": params}
        self.submits.append(rec)

        def reply(ok, code=None, reason=None):
            rec["ok"] = ok
            rec["reason"] = reason
            (self.accepted if ok else self.rejected).append(rec)
            c.send({"id": mid, "result": ok, "error": None if ok else [code, reason, None]})

        if len(params) < 5 or not all(isinstance(p, str) for p in params[:5]):
            self.violations.append("malformed submit %r" % (params,))
            return reply(False, 20, "malformed")
        user, job_id, en2h, ntimeh, nonceh = params[:5]
        vbits = params[5] if len(params) > 5 else None
        key = (job_id, en2h, ntimeh, nonceh, vbits)
        if key in self.seen:
            self.violations.append("duplicate submit %r" % (key,))
            return reply(False, 22, "Duplicate share")
        self.seen.add(key)
        if not c.authorized:
            self.violations.append("submit before authorize")
            return reply(False, 24, "Unauthorized worker")
        job = self.jobs.get(job_id)
        if job is None:
            self.violations.append("submit for unknown job %s" % job_id)
            return reply(False, 21, "Job not found")
        if job.flushed_at is not None:
            late = now - job.flushed_at
            if late > FLUSH_WINDOW:
                self.violations.append("submit on job %s %.3f s after its flush" % (job_id, late))
            return reply(False, 21, "Stale")
        version = int(job.tpl["version"], 16)
        if vbits is not None:
            if not c.rolling:
                self.violations.append("rolled share without rolling")
                return reply(False, 20, "Version rolling not negotiated")
            vb = int(vbits, 16)
            if vb & ~c.mask:
                self.violations.append("version bits %s outside mask %08x" % (vbits, c.mask))
                return reply(False, 20, "Invalid version bits")
            version = (version & ~c.mask) | (vb & c.mask)
        en2 = bytes.fromhex(en2h)
        if len(en2) != 4:
            self.violations.append("bad extranonce2 size")
            return reply(False, 20, "bad extranonce2")
        ntime, nonce = int(ntimeh, 16), int(nonceh, 16)
        h = job.header_hash(c.en1, en2, ntime, nonce, version)
        if c.prev_en1 is not None and now - c.en1_changed_at < FLUSH_WINDOW:
            h2 = job.header_hash(c.prev_en1, en2, ntime, nonce, version)
            h = min(h, h2)
        # difficulty: the lowest in force since the job went out (as pools do)
        diffs = [d for (t, d) in c.diff_hist if t <= now]
        in_force = [d for (t, d) in c.diff_hist if t >= job.sent_at]
        before = [d for (t, d) in c.diff_hist if t < job.sent_at]
        cands = in_force + (before[-1:] if before else [])
        need = min(cands) if cands else (diffs[-1] if diffs else 1.0)
        rec["hash"] = h
        rec["vbits"] = vbits
        rec["job"] = job_id
        if h > diff_target(need):
            self.violations.append("low difficulty share job %s nonce %s" % (job_id, nonceh))
            return reply(False, 23, "Low difficulty share")
        return reply(True)

    def summary(self):
        return {"connects": self.connects, "submits": len(self.submits),
                "accepted": len(self.accepted), "rejected": len(self.rejected),
                "violations": self.violations[:10], "resumed": self.resumed}


# ---- certificates ----------------------------------------------------------------

def make_cert():
    d = os.path.join(BUILD, "tests", "pool")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "pool-cert.pem"), os.path.join(d, "pool-key.pem")
    if not (os.path.exists(cert) and os.path.exists(key)):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=tandem test pool", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx, cert


# ---- running the miner -----------------------------------------------------------

class Miner:
    def __init__(self, args, cmd):
        self.args = args
        self.cmd = cmd
        self.proc = None
        self.out = b""
        self.err = b""

    async def start(self):
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd, *self.args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)

    async def wait(self, timeout):
        try:
            self.out, self.err = await asyncio.wait_for(self.proc.communicate(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            self.out, self.err = await self.proc.communicate()
            raise
        try:
            return json.loads(self.out.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


def pool_args(pool, user="tester", tls=False):
    scheme = "stratum+tls" if tls else "stratum+tcp"
    return ["-o", "%s://127.0.0.1:%d" % (scheme, pool.port), "-u", user, "-p", "x"]


def check_counters(res, pools, errs, min_accepted=1, low_ok=False):
    """What every scenario requires (low_ok: shares below the share
    target are expected, e.g. ones that meet an easier aux target)."""
    if res is None:
        errs.append("miner printed no result")
        return
    total = res["accepted"] + res["rejected"] + res["stale"] + res["dropped"] + res["pending"]
    if res["found"] != total:
        errs.append("found %d != accepted+rejected+stale+dropped+pending %d" % (res["found"], total))
    pa = sum(len(p.accepted) for p in pools)
    pr = sum(len(p.rejected) for p in pools)
    if res["accepted"] != pa:
        errs.append("miner counts %d accepted, pools %d" % (res["accepted"], pa))
    if res["rejected"] != pr:
        errs.append("miner counts %d rejected, pools %d" % (res["rejected"], pr))
    if res["duplicates"]:
        errs.append("%d duplicate shares handed in" % res["duplicates"])
    for p in pools:
        if p.violations:
            errs.append("%s: %s" % (p.name, p.violations[:5]))
    if pa < min_accepted:
        errs.append("only %d shares accepted (want >= %d)" % (pa, min_accepted))
    if EXPECT_HEADER:
        check_header_mode(res, errs, low_ok)


def check_header_mode(res, errs, low_ok=False):
    """Header-only devices: every job the miner sent them was a
    header-mode job it built itself; none was refused (a Stratum-mode job
    would be, with NAK MODE); every share re-verified, by the device
    manager against the job sent and by the session against the pool job
    and extranonce2 the share maps back to (a wrong extranonce2 shows as
    a share below the share target)."""
    if res.get("stratum_jobs", -1) != 0:
        errs.append("%r Stratum-mode jobs sent to header-only devices" % res.get("stratum_jobs"))
    if res.get("header_jobs", 0) < 1:
        errs.append("no header-mode job sent")
    if res.get("header_devices") != res.get("devices"):
        errs.append("%r of %r devices in header mode" % (res.get("header_devices"), res.get("devices")))
    if res.get("device_naks", -1) != 0:
        errs.append("devices refused %r requests" % res.get("device_naks"))
    if res.get("hw_errors", -1) != 0:
        errs.append("%r shares failed re-verification" % res.get("hw_errors"))
    if not low_ok and res.get("below_target", -1) != 0:
        errs.append("%r shares below the share target" % res.get("below_target"))


def miner_opt(cmd, name):
    """Value of option name in a miner command line (None if absent)."""
    return cmd[cmd.index(name) + 1] if name in cmd and cmd.index(name) + 1 < len(cmd) else None


def en2_counter(en2h):
    """extranonce2 as the little-endian counter miners roll."""
    return int.from_bytes(bytes.fromhex(en2h), "little")


# ---- scenarios -------------------------------------------------------------------
# Each takes (ctx) with ctx.cmd (miner command) and returns a list of errors.

async def sc_plain(ctx):
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "4"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    return errs, res, p


async def sc_rolling(ctx):
    p = Pool("pool", {"diff": 0.0003, "rolling": True, "mask": "1fffe000"})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "4"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    rolled = [s for s in p.accepted if s.get("vbits") and int(s["vbits"], 16)]
    if not rolled:
        errs.append("no accepted share with rolled version bits")
    if any(s.get("vbits") is None for s in p.submits):
        errs.append("submit without version bits while rolling")
    return errs, res, p


async def sc_rolling_refused(ctx):
    p = Pool("pool", {"diff": 0.0003, "rolling": False})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "3"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 1)
    if any(s.get("vbits") is not None for s in p.submits):
        errs.append("rolled share sent to a pool that refused rolling")
    return errs, res, p


async def sc_configure_unknown(ctx):
    p = Pool("pool", {"diff": 0.0003, "configure_error": True})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "3"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 1)
    if any(len(s["params"]) > 5 for s in p.submits):
        errs.append("version bits sent after mining.configure failed")
    return errs, res, p


async def sc_difficulty(ctx):
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5"], ctx.cmd)
    await m.start()
    for d in (0.002, 0.0002, 0.001, 0.00025):
        await asyncio.sleep(1.0)
        for c in p.conns:
            c.set_difficulty(d)
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if res and abs(res.get("difficulty", 0) - 0.00025 * DIFF_SCALE) > 1e-12:
        errs.append("miner difficulty %r, want 0.00025" % res.get("difficulty"))
    return errs, res, p


async def sc_clean_jobs(ctx):
    p = Pool("pool", {"diff": 0.0002})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5"], ctx.cmd)
    await m.start()
    for i in range(8):
        await asyncio.sleep(0.5)
        p.broadcast_job(clean=(i % 2 == 0))
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if res and res["cleans"] < 4:
        errs.append("miner saw %d clean jobs, want >= 4" % res["cleans"])
    return errs, res, p


async def sc_set_extranonce(ctx):
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5"], ctx.cmd)
    await m.start()
    await asyncio.sleep(2.0)
    for c in p.conns:
        c.prev_en1, c.en1_changed_at = c.en1, time.monotonic()
        c.en1 = bytes.fromhex("a1b2c3d4e5")
        c.send({"id": None, "method": "mining.set_extranonce", "params": [c.en1.hex(), 4]})
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    late = [s for s in p.accepted if s["t"] > p.conns[0].en1_changed_at + FLUSH_WINDOW]
    if not late:
        errs.append("no share accepted with the new extranonce1")
    return errs, res, p


async def sc_version_mask(ctx):
    p = Pool("pool", {"diff": 0.0003, "mask": "1fffe000"})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5"], ctx.cmd)
    await m.start()
    await asyncio.sleep(2.0)
    t = time.monotonic()
    for c in p.conns:
        c.mask = 0x00ffe000
        c.send({"id": None, "method": "mining.set_version_mask", "params": ["00ffe000"]})
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    late = [s for s in p.accepted if s["t"] > t + 0.5]
    if not late:
        errs.append("no share accepted after the mask change")
    return errs, res, p


async def sc_reconnect(ctx):
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5", "--backoff-ms", "200,1000"], ctx.cmd)
    await m.start()
    await asyncio.sleep(1.5)
    for c in list(p.conns):
        c.send({"id": None, "method": "client.reconnect", "params": ["", p.port, 0]})
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if p.connects < 2:
        errs.append("miner did not reconnect after client.reconnect")
    late = [s for s in p.accepted if s["t"] > 2.0 + p.accepted[0]["t"]] if p.accepted else []
    if not late:
        errs.append("no share accepted after the reconnect")
    return errs, res, p


async def sc_disconnect_queue(ctx):
    p = Pool("pool", {"diff": 0.0001})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "6", "--backoff-ms", "1500,1500", "--grace-ms", "5000"],
              ctx.cmd)
    await m.start()
    await asyncio.sleep(2.0)
    await p.stop_listening(drop=True)
    t_down = time.monotonic()
    await asyncio.sleep(1.2)
    await p.start(p.port)
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if p.resumed < 1:
        errs.append("session was not resumed")
    if res and res["stale"]:
        errs.append("%d stale shares although the job stayed valid" % res["stale"])
    # shares found while away were submitted after the reconnect
    after = [s for s in p.accepted if s["t"] > t_down + 1.2]
    queued = [s for s in after if s["t"] < t_down + 1.2 + 2.0]
    if not queued:
        errs.append("no queued share submitted after the reconnect")
    if res and "share_results" in res and res["share_results"][1] == 0:
        errs.append("the driver queued no share while the pool was away")
    return errs, res, p


async def sc_failover(ctx):
    a = Pool("poolA", {"diff": 0.0003})
    b = Pool("poolB", {"diff": 0.0003})
    await a.start()
    await b.start()
    args = pool_args(a, "userA") + pool_args(b, "userB") + [
        "--seconds", "9", "--grace-ms", "500", "--backoff-ms", "300,600",
        "--failback-ms", "1500", "--stable-ms", "1000"]
    m = Miner(args, ctx.cmd)
    await m.start()
    await asyncio.sleep(2.0)
    await a.stop_listening(drop=True)
    t_down = time.monotonic()
    await asyncio.sleep(3.0)
    a_before = len(a.accepted)
    await a.start(a.port)
    t_up = time.monotonic()
    res = await m.wait(40)
    errs = []
    check_counters(res, [a, b], errs, 3)
    if not [s for s in b.accepted if s["t"] > t_down]:
        errs.append("no share accepted by the second pool after the failover")
    if not [s for s in a.accepted if s["t"] > t_up + 1.5]:
        errs.append("no failback to the first pool (%d accepted there before)" % a_before)
    if res and res["active"] != 0:
        errs.append("active pool %r at the end, want 0" % res["active"])
    bl = [s for s in b.accepted if s["t"] > t_up + 1.5 + FLUSH_WINDOW + 0.5]
    if bl:
        errs.append("%d shares still went to the second pool after failback" % len(bl))
    return errs, res, a


async def sc_garbage(ctx):
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "5"], ctx.cmd)
    await m.start()
    await asyncio.sleep(1.5)
    junk = [b"this is not json\n", b"{\"id\": 1, \"result\": \n", b"[1,2,3]\n", b"\x00\xff\xfe garbage\n",
            b"{\"id\":null,\"method\":\"mining.notify\",\"params\":[1,2,3]}\n",
            b"{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[\"high\"]}\n",
            b"{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-5]}\n",
            b"{\"id\":777,\"method\":\"mining.frobnicate\",\"params\":[]}\n",
            b"{\"id\":778,\"method\":\"mining.ping\",\"params\":[]}\n",
            b"{\"id\":779,\"method\":\"client.get_version\",\"params\":[]}\n",
            b"{\"id\":null,\"method\":\"client.show_message\",\"params\":[\"hello from the pool\"]}\n",
            b"{\"id\":99999,\"result\":true,\"error\":null}\n",
            b"x" * (LINE_CAP + 5000) + b"\n",
            b"{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"jX\",\"zz\",\"\",\"\",[],\"20000000\",\"1d00ffff\",\"0\",true]}\n",
            b"\n\r\n"]
    for c in p.conns:
        for j in junk:
            c.send(j)
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    c = p.conns[0]
    ids = {e.get("id"): e for e in c.errors_seen}
    if 777 not in ids or not ids[777].get("error"):
        errs.append("unknown method with an id was not answered with an error")
    if 778 not in ids or ids[778].get("result") != "pong":
        errs.append("mining.ping not answered with pong")
    if 779 not in ids or not isinstance(ids[779].get("result"), str):
        errs.append("client.get_version not answered")
    if res and res["lines_bad"] < 8:
        errs.append("only %d bad lines counted" % res["lines_bad"])
    if not [s for s in p.accepted if s["t"] > time.monotonic() - 3.0]:
        errs.append("no share accepted after the garbage")
    return errs, res, p


async def sc_silent(ctx):
    p = Pool("pool", {"silent": True})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "4", "--nowork-ms", "1000", "--backoff-ms", "300,600"],
              ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    if res is None:
        errs.append("miner printed no result")
    else:
        if res["hashes"] or res["found"]:
            errs.append("miner hashed without work (%d hashes)" % res["hashes"])
        if res["active"] != -1:
            errs.append("a silent pool became active")
    if p.connects < 2:
        errs.append("silent pool not retried (%d connects)" % p.connects)
    return errs, res, p


async def sc_refused_auth(ctx):
    p = Pool("pool", {"refuse_auth": True})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "2", "--backoff-ms", "300,600"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    if res is None:
        errs.append("miner printed no result")
    elif res["accepted"] or p.submits:
        errs.append("shares submitted to a pool that refused the login")
    if p.connects < 2:
        errs.append("pool not retried after a refused login")
    return errs, res, p


async def sc_tls(ctx):
    tctx, cert = make_cert()
    p = Pool("tlspool", {"diff": 0.0003}, tls=tctx)
    await p.start()
    errs = []
    m = Miner(pool_args(p, tls=True) + ["--seconds", "3", "--tls-ca", cert], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    check_counters(res, [p], errs, 1)
    # no CA given: the self-signed certificate must be refused
    p2 = Pool("tlspool2", {"diff": 0.0003}, tls=tctx)
    await p2.start()
    m2 = Miner(pool_args(p2, tls=True) + ["--seconds", "2"], ctx.cmd)
    await m2.start()
    res2 = await m2.wait(30)
    if res2 is None or res2["found"] or p2.submits:
        errs.append("unverified certificate accepted")
    if b"certificate" not in m2.err:
        errs.append("no certificate error logged")
    # --tls-insecure accepts it
    p3 = Pool("tlspool3", {"diff": 0.0003}, tls=tctx)
    await p3.start()
    m3 = Miner(pool_args(p3, tls=True) + ["--seconds", "2", "--tls-insecure"], ctx.cmd)
    await m3.start()
    res3 = await m3.wait(30)
    check_counters(res3, [p3], errs, 1)
    return errs, res, p


async def sc_aux(ctx):
    aux_hex = "0000" + "f" * 60  # easier than the share target (diff 0.0003)
    p = Pool("pool", {"diff": 0.0003, "aux_ext": {"name": "auxext", "target": aux_hex}})
    await p.start()
    local = "0001" + "f" * 60
    m = Miner(pool_args(p) + ["--seconds", "4", "--aux", "auxcli=" + local], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 1, low_ok=True)
    if res:
        cand = res.get("candidates", {})
        if not cand.get("auxcli"):
            errs.append("no block candidates for the --aux chain")
        if not cand.get("auxext"):
            errs.append("no block candidates for the extension's chain")
        # every accepted share meeting the aux target is a candidate
        t = int(aux_hex, 16)
        need = sum(1 for s in p.accepted if s["hash"] <= t)
        if cand.get("auxext", 0) < need:
            errs.append("auxext candidates %d < %d accepted shares meeting it" %
                        (cand.get("auxext", 0), need))
        if cand.get("parent"):
            errs.append("parent candidates on a real-difficulty job")
    return errs, res, p


async def sc_api(ctx):
    if ctx.api_port is None:
        return ["skipped: the miner has no --api"], None, None
    p = Pool("pool", {"diff": 0.0005})
    await p.start()
    port = ctx.api_port
    m = Miner(pool_args(p) + ["--seconds", "4", "--api", "127.0.0.1:%d" % port], ctx.cmd)
    await m.start()
    await asyncio.sleep(1.5)
    errs = []

    async def ask(req):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(req.encode())
        await w.drain()
        data = await asyncio.wait_for(r.read(), 5)
        w.close()
        return data

    try:
        d = await ask('{"command":"summary"}')
        if not d.endswith(b"\x00"):
            errs.append("API reply not NUL-terminated")
        j = json.loads(d.rstrip(b"\x00"))
        st = j["STATUS"][0]
        if st["STATUS"] != "S" or st["Code"] != 11 or "SUMMARY" not in j:
            errs.append("bad summary reply %r" % j)
        for k in ("Elapsed", "MHS av", "Accepted", "Rejected", "Stale", "Hardware Errors"):
            if k not in j["SUMMARY"][0]:
                errs.append("summary lacks %r" % k)
        j = json.loads((await ask('{"command":"pools"}')).rstrip(b"\x00"))
        pl = j["POOLS"][0]
        if pl["URL"] != "stratum+tcp://127.0.0.1:%d" % p.port or pl["Status"] != "Alive":
            errs.append("bad pools reply %r" % pl)
        j = json.loads((await ask('{"command":"devs"}')).rstrip(b"\x00"))
        if not j.get("DEVS"):
            errs.append("devs reply has no device")
        j = json.loads((await ask('{"command":"version"}')).rstrip(b"\x00"))
        if "API" not in j["VERSION"][0]:
            errs.append("version reply lacks API")
        t = await ask("summary")
        if not t.startswith(b"STATUS=S,") or b"SUMMARY," not in t:
            errs.append("plain text summary %r" % t[:80])
        j = json.loads((await ask('{"command":"quit"}')).rstrip(b"\x00"))
        if j["STATUS"][0]["STATUS"] != "E" or j["STATUS"][0]["Code"] != 45:
            errs.append("write command not refused: %r" % j)
        j = json.loads((await ask('{"command":"summary+pools"}')).rstrip(b"\x00"))
        if "summary" not in j or "pools" not in j:
            errs.append("summary+pools not answered")
    except Exception as e:  # noqa: BLE001 - any failure is a test failure
        errs.append("API: %r" % e)
    res = await m.wait(30)
    check_counters(res, [p], errs, 1)
    return errs, res, p


async def sc_clean_flush(ctx):
    """clean_jobs every 0.6 s: the device must take each new job within
    CLEAN_LIMIT of the pool sending it (the miner reports the monotonic
    time of the device's ACK per clean job; the pool knows when it sent
    the notify), and nothing of a flushed job may reach the pool after
    CLEAN_LIMIT."""
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "6"], ctx.cmd)
    await m.start()
    await asyncio.sleep(1.5)
    sent = []
    for i in range(6):
        sent.append(p.broadcast_job(clean=True))
        await asyncio.sleep(0.6)
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if res is None:
        return errs, res, p
    acks = {}
    for job_id, ack_s, _ms in res.get("clean_acks", []):
        acks.setdefault(job_id, []).append(ack_s)
    lat = []
    for j in sent:
        for a in acks.get(j.job_id, []):
            lat.append(a - j.sent_at)
    if len(lat) < len(sent):
        errs.append("only %d of %d clean jobs acknowledged by the device" %
                    (len(lat), len(sent)))
    if lat:
        ctx.note = "clean notify->device ACK: max %.1f ms, avg %.1f ms (%d jobs)" % (
            1e3 * max(lat), 1e3 * sum(lat) / len(lat), len(lat))
        if max(lat) >= CLEAN_LIMIT or min(lat) < 0:
            errs.append("clean job latency %.1f ms (limit %.0f ms)" %
                        (1e3 * max(lat), 1e3 * CLEAN_LIMIT))
    late = [s for s in p.submits if p.jobs.get(s["params"][1]) and
            p.jobs[s["params"][1]].flushed_at is not None and
            s["t"] - p.jobs[s["params"][1]].flushed_at > CLEAN_LIMIT]
    if late:
        errs.append("%d submits on flushed jobs after %.0f ms" % (len(late), 1e3 * CLEAN_LIMIT))
    return errs, res, p


async def sc_no_device(ctx):
    """Without --device and without a board: a clear message, exit 1."""
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    cmd = [c for c in ctx.cmd]
    while "--device" in cmd:
        i = cmd.index("--device")
        del cmd[i:i + 2]
    m = Miner(pool_args(p) + ["--seconds", "2"], cmd)
    await m.start()
    await m.wait(30)
    errs = []
    if m.proc.returncode != 1 or b"no device found" not in m.err:
        errs.append("exit %r, stderr %r" % (m.proc.returncode, m.err[-200:]))
    if p.connects:
        errs.append("connected to the pool without a device")
    return errs, {"accepted": 0, "stale": 0, "dropped": 0}, p


# ---- header-only devices ------------------------------------------------------
# Run with a miner command whose devices take header-mode jobs only
# (--device cpu --cpu-header) and --header-nonces small enough that each
# extranonce2's nonce range ends within a second or so.

def header_nonces(ctx):
    v = miner_opt(ctx.cmd, "--header-nonces")
    return int(v, 0) if v else 1 << 32


async def sc_header_work(ctx):
    """One header-only device, rolling offered: the shares come from
    host-built headers (job version, no rolled bits, nonces inside the
    header job's window) over several extranonce2 values in a row (the
    host stepped on each time the device finished a range), from the
    device's own slice; all verified by the pool."""
    p = Pool("pool", {"diff": 0.0003, "rolling": True, "mask": "1fffe000"})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "6"], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 3)
    if res and not EXPECT_HEADER:
        check_header_mode(res, errs)  # whatever the command line says
    window = header_nonces(ctx)
    if any(s.get("vbits") and int(s["vbits"], 16) for s in p.submits):
        errs.append("rolled version bits from header-mode jobs")
    high = [s for s in p.submits if int(s["params"][4], 16) >= window]
    if high:
        errs.append("%d nonces outside the header job window %d" % (len(high), window))
    en2s = {}
    for s in p.accepted:
        en2s.setdefault(s["job"], set()).add(s["params"][2])
    most = max((len(v) for v in en2s.values()), default=0)
    # a header-only device never changes extranonce2: two values in one
    # pool job mean the host moved on when a range was done
    if window < (1 << 32) and most < 2:
        errs.append("only %d extranonce2 value in one job: no rollover" % most)
    for job, vals in en2s.items():
        tops = {bytes.fromhex(v)[-1] for v in vals}
        if tops != {0}:
            errs.append("en2 top bytes %r outside the only device's slice" % sorted(tops))
        ctrs = sorted(en2_counter(v) & 0xffff for v in vals)
        if res and ctrs and ctrs[-1] >= res.get("header_jobs", 0):
            errs.append("en2 counter %d beyond the %d header jobs sent" % (ctrs[-1], res["header_jobs"]))
    if res and res.get("header_jobs", 0) < most:
        errs.append("%d en2 values but %d header jobs" % (most, res.get("header_jobs", 0)))
    ctx.note = "%d en2 values in one job, %d header jobs" % (most, res.get("header_jobs", 0) if res else 0)
    return errs, res, p


async def sc_header_devices(ctx):
    """Two header-only devices on one pool job: each rolls its own half
    of the extranonce2 space (top byte 0x00 and 0x80); the pool sees no
    duplicate and shares from both."""
    dev = miner_opt(ctx.cmd, "--device") or "cpu"
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "4", "--device", dev], ctx.cmd)
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 3)
    if res and (res["devices"] != 2 or res.get("header_devices") != 2):
        errs.append("devices %r, header-mode %r, want 2 and 2" %
                    (res["devices"], res.get("header_devices")))
    tops = {bytes.fromhex(s["params"][2])[-1] for s in p.accepted}
    if tops != {0x00, 0x80}:
        errs.append("en2 top bytes %r, want both slices 00 and 80" % sorted(tops))
    return errs, res, p


async def sc_header_replug(ctx):
    """The header-only device drops its link after 2 s (--fault
    disconnect=2) and comes back as a fresh device: the miner hands it a
    new header job and mining goes on without refused requests."""
    p = Pool("pool", {"diff": 0.0003})
    await p.start()
    m = Miner(pool_args(p) + ["--seconds", "6", "--fault", "disconnect=2"], ctx.cmd)
    t0 = time.monotonic()
    await m.start()
    res = await m.wait(30)
    errs = []
    check_counters(res, [p], errs, 2)
    if res and res["device_reconnects"] < 1:
        errs.append("the device did not reconnect")
    if not [s for s in p.accepted if s["t"] > t0 + 3.5]:
        errs.append("no share accepted after the device came back")
    return errs, res, p


SCENARIOS = [
    ("plain", sc_plain),
    ("rolling", sc_rolling),
    ("rolling_refused", sc_rolling_refused),
    ("configure_unknown", sc_configure_unknown),
    ("difficulty", sc_difficulty),
    ("clean_jobs", sc_clean_jobs),
    ("set_extranonce", sc_set_extranonce),
    ("version_mask", sc_version_mask),
    ("reconnect", sc_reconnect),
    ("disconnect_queue", sc_disconnect_queue),
    ("failover", sc_failover),
    ("garbage", sc_garbage),
    ("silent", sc_silent),
    ("refused_auth", sc_refused_auth),
    ("tls", sc_tls),
    ("aux", sc_aux),
    ("api", sc_api),
    ("clean_flush", sc_clean_flush),
    ("no_device", sc_no_device),
]
# The subset run against the simulated device (slow: --diff-scale).
SIM_SCENARIOS = ["plain", "clean_flush", "disconnect_queue", "failover"]
# Only for header-only devices (not in the default list).
HEADER_ONLY = [
    ("header_work", sc_header_work),
    ("header_devices", sc_header_devices),
    ("header_replug", sc_header_replug),
]
# The subset run with header-only devices ("header").
HEADER_SCENARIOS = ["plain", "clean_jobs", "set_extranonce", "disconnect_queue", "failover",
                    "aux", "clean_flush"] + [n for n, _ in HEADER_ONLY]
# Header-mode jobs on the simulated device ("sim_header").
SIM_HEADER_SCENARIOS = ["plain", "clean_flush", "header_work"]


class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--miner-cmd",
                    default=os.path.join(BUILD, "host", "tandem") + " mine --device cpu",
                    help="the miner under test (default: tandem mine --device cpu)")
    ap.add_argument("--api-port", type=int, default=43028)
    ap.add_argument("--diff-scale", type=float, default=1.0)
    ap.add_argument("--label", default="")
    ap.add_argument("--expect-header", action="store_true",
                    help="require host-built header-mode jobs only (header-only devices)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    global DIFF_SCALE, EXPECT_HEADER
    DIFF_SCALE = a.diff_scale
    EXPECT_HEADER = a.expect_header
    ctx = Ctx()
    ctx.cmd = shlex.split(a.miner_cmd)
    ctx.api_port = a.api_port
    names = a.scenarios or [n for n, _ in SCENARIOS]
    if names == ["sim"]:
        names = SIM_SCENARIOS
    elif names == ["header"]:
        names = HEADER_SCENARIOS
    elif names == ["sim_header"]:
        names = SIM_HEADER_SCENARIOS
    tag = "pool[%s]" % a.label if a.label else "pool"
    passed = failed = 0
    for name, fn in SCENARIOS + HEADER_ONLY:
        if name not in names:
            continue
        t0 = time.monotonic()
        ctx.note = ""
        try:
            errs, res, pool = asyncio.run(fn(ctx))
        except Exception as e:  # noqa: BLE001
            errs, res, pool = ["exception %r" % e], None, None
        dt = time.monotonic() - t0
        if len(errs) == 1 and errs[0].startswith("skipped"):
            print("skip %-18s %s" % (name, errs[0]))
        elif errs:
            failed += 1
            print("FAIL %-18s (%.1f s): %s" % (name, dt, "; ".join(errs)))
            if res:
                print("     miner: %s" % json.dumps(res, sort_keys=True))
            if pool:
                print("     pool: %s" % json.dumps(pool.summary()))
        else:
            passed += 1
            print("ok   %-18s (%.1f s) accepted %d, stale %d, dropped %d%s" %
                  (name, dt, res["accepted"] if res else 0, res["stale"] if res else 0,
                   res["dropped"] if res else 0, "; " + ctx.note if ctx.note else ""))
        sys.stdout.flush()
    print("%s: %d passed, %d failed" % (tag, passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
