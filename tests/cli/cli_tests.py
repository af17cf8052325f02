#!/usr/bin/env python3
"""End-to-end tests of the `tandem` command line against the software
device (cpu) and the simulated device (tandem-sim).

Every expected answer comes from the real vectors (tests/vectors/) or from
an independent reference written here with Python's hashlib (header
building, merkle folding and the rolling order of include/tandem_proto.h),
never from the code under test.

usage: cli_tests.py [--quick] [--no-sim] [-k SUBSTRING]
Prints one line per failed check and ends with "cli: N passed, N failed".
"""
import hashlib
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
TANDEM = os.path.join(ROOT, BUILD, "host", "tandem")
SIM = os.path.join(ROOT, BUILD, "sim", "tandem-sim")
VEC = os.path.join(ROOT, "tests", "vectors")

passed = 0
failed = 0
only = None


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL cli: %s" % what, flush=True)
    return ok


# ---- reference model (hashlib) ------------------------------------------

def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def nbits_target(nbits):
    exp = nbits >> 24
    mant = nbits & 0x007FFFFF
    if exp <= 3:
        return mant >> (8 * (3 - exp))
    return mant << (8 * (exp - 3))


def hash_int(h):
    return int.from_bytes(h, "little")


def display(h):
    return h[::-1].hex()


def tags_of(hv, targets):
    return [name for name, t in targets if hv <= t]


def ref_scan_header(header, start, count, targets):
    """All nonces of the window meeting any target: {nonce: (hash, tags)}."""
    out = {}
    pre = header[:76]
    for i in range(count):
        nonce = (start + i) & 0xFFFFFFFF
        h = sha256d(pre + struct.pack("<I", nonce))
        tg = tags_of(hash_int(h), targets)
        if tg:
            out[nonce] = (display(h), tg)
    return out


def version_next(v, mask):
    return (((v | ~mask) + 1) & mask) | (v & ~mask) & 0xFFFFFFFF


def en2_next(b):
    v = (int.from_bytes(b, "little") + 1) % (1 << (8 * len(b)))
    return v.to_bytes(len(b), "little")


def merkle_root(coinbase, branch):
    h = sha256d(coinbase)
    for b in branch:
        h = sha256d(h + b)
    return h


def ref_scan_job(job, targets, max_windows):
    """Walks a Stratum job in the device's rolling order; returns the set
    of shares {(en2hex, version, nonce): (hash, tags)} and whether the
    whole job space was covered within max_windows windows."""
    coinb1 = bytes.fromhex(job["coinb1"])
    coinb2 = bytes.fromhex(job["coinb2"])
    en1 = bytes.fromhex(job["extranonce1"])
    n = job["extranonce2_size"]
    en2 = bytes.fromhex(job.get("extranonce2_start", "00" * n))
    branch = [bytes.fromhex(b) for b in job["merkle_branch"]]
    sp = bytes.fromhex(job["prevhash"])
    prev = b"".join(sp[i:i + 4][::-1] for i in range(0, 32, 4))
    base = int(job["version"], 16)
    mask = int(job.get("version_mask", "0"), 16)
    nbits = int(job["nbits"], 16)
    ntime = int(job["ntime"], 16)
    start = int(job.get("nonce_start", "0"), 16)
    count = job.get("nonce_count", 1 << 32)
    out = {}
    en2_0 = en2
    version = base
    for _ in range(max_windows):
        root = merkle_root(coinb1 + en1 + en2 + coinb2, branch)
        pre = struct.pack("<I", version) + prev + root + struct.pack("<II", ntime, nbits)
        for i in range(count):
            nonce = (start + i) & 0xFFFFFFFF
            h = sha256d(pre + struct.pack("<I", nonce))
            tg = tags_of(hash_int(h), targets)
            if tg:
                out[(en2.hex(), version, nonce)] = (display(h), tg)
        if mask:
            version = version_next(version, mask)
            if version != base:
                continue
        en2 = en2_next(en2)
        if en2 == en2_0:
            return out, True
    return out, False


# ---- running the tool ------------------------------------------------------

def tandem(args, timeout=120, env=None):
    """Runs build/host/tandem; returns (rc, stdout lines as JSON, stderr)."""
    try:
        p = subprocess.run([TANDEM] + args, cwd=ROOT, capture_output=True,
                           text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return -999, [], "timeout: %s" % (e.stderr or "")
    lines = []
    for ln in p.stdout.splitlines():
        ln = ln.strip()
        if ln.startswith("{"):
            try:
                lines.append(json.loads(ln))
            except ValueError:
                lines.append({"_bad_json": ln})
    return p.returncode, lines, p.stderr


def target_hex(v):
    return "%064x" % v


class SimServer:
    """A tandem-sim on a Unix socket, for sim:PATH tests."""

    def __init__(self, extra=()):
        self.dir = tempfile.mkdtemp(prefix="tandem-cli-")
        self.path = os.path.join(self.dir, "sock")
        self.extra = list(extra)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([SIM, "--socket", self.path] + self.extra,
                                     cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(500):
            if os.path.exists(self.path):
                return True
            time.sleep(0.01)
        return False

    def stop(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def close(self):
        self.stop()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


# ---- tests -----------------------------------------------------------------

def load(name):
    with open(os.path.join(VEC, name)) as f:
        return json.load(f)


def test_scan_headers(dev, window, headers):
    """Every real header: the real nonce found with the right tags, and
    the whole window's shares equal the reference's."""
    share_t = 1 << 250  # about one share in 64 nonces
    for h in headers:
        hdr = bytes.fromhex(h["header_hex"])
        nonce = int(h["nonce"])
        start = (nonce - window // 3) & 0xFFFFFFFF
        parent = nbits_target(int(h["nbits"], 16))
        targets = [("share", share_t), ("parent", parent)]
        rc, out, err = tandem(["scan", "--device", dev, "--header", h["header_hex"],
                               "--nonce-start", str(start), "--nonce-count", str(window),
                               "--target", "share=" + target_hex(share_t)])
        if not check(rc == 0, "scan %s on %s: exit %d: %s" % (h["id"], dev, rc, err[-300:])):
            continue
        got = {int(o["nonce"], 16): (o["hash"], o["tags"]) for o in out}
        ref = ref_scan_header(hdr, start, window, targets)
        check(nonce in got and got[nonce][0] == h["block_hash"] and
              "parent" in got[nonce][1],
              "scan %s on %s: real nonce %08x not reported as parent" % (h["id"], dev, nonce))
        check(len(out) == len(got), "scan %s on %s: duplicate lines" % (h["id"], dev))
        check(got == ref, "scan %s on %s: %d shares, reference %d (missing %s, extra %s)" % (
            h["id"], dev, len(got), len(ref),
            sorted(set(ref) - set(got))[:4], sorted(set(got) - set(ref))[:4]))


def job_file(tmp, name, job):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(job, f)
    return path


def test_replay_blocks(dev, tmp, window, en2_before):
    """Every real block: replay its job, starting en2 a little before the
    real one, and find the real extranonce2/version/nonce/hash."""
    sys.path.insert(0, os.path.dirname(__file__))
    import make_jobs
    make_jobs.NONCE_WINDOW = window
    make_jobs.EN2_BEFORE = en2_before
    for b in load("blocks.json")["blocks"]:
        job = make_jobs.job_for(b)
        exp = job["expected"]
        path = job_file(tmp, b["id"], job)
        rc, out, err = tandem(["replay", "--device", dev, "--job", path,
                               "--target", "share=" + target_hex(1 << 248),
                               "--timeout", "600"], timeout=700)
        if not check(rc == 0, "replay %s on %s: exit %d: %s" % (b["id"], dev, rc, err[-300:])):
            continue
        par = [o for o in out if "parent" in o.get("tags", [])]
        ok = len(par) == 1 and par[0]["hash"] == exp["block_hash"] and \
            par[0]["extranonce2"] == exp["extranonce2"] and \
            par[0]["version"] == exp["version"] and par[0]["nonce"] == exp["nonce"] and \
            par[0]["ntime"] == exp["ntime"]
        check(ok, "replay %s on %s: parent share %s, expected %s" % (b["id"], dev, par, exp))
        # every share line is a real share of this job
        for o in out:
            key = (o["extranonce2"], int(o["version"], 16), int(o["nonce"], 16))
            hv = None
            # recompute this one share with the reference
            one = dict(job, extranonce2_start=o["extranonce2"],
                       version=o["version"], version_mask="00000000",
                       nonce_start=o["nonce"], nonce_count=1)
            r, _ = ref_scan_job(one, [("share", 1 << 248),
                                      ("parent", nbits_target(int(job["nbits"], 16)))], 1)
            hv = r.get(key)
            if not check(hv is not None and hv[0] == o["hash"] and hv[1] == o["tags"],
                         "replay %s on %s: share %s does not verify" % (b["id"], dev, o)):
                break


def rand_hex(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n)).hex()


def test_differential(dev, tmp, rng, headers, window, jobs, job_windows):
    """Random headers and random jobs over a full small range with an easy
    target: the device's shares equal the reference's, no miss, no extra."""
    easy = 1 << 251  # one in 32
    for k in range(headers):
        hdr = bytes.fromhex(rand_hex(rng, 76)) + b"\0\0\0\0"
        # a hard parent so only the easy target matches
        hdr = hdr[:72] + struct.pack("<I", 0x1d00ffff) + hdr[76:]
        start = rng.getrandbits(32)
        rc, out, err = tandem(["scan", "--device", dev, "--header", hdr.hex(),
                               "--nonce-start", str(start), "--nonce-count", str(window),
                               "--target", "easy=" + target_hex(easy)])
        if not check(rc == 0, "diff header %d on %s: exit %d %s" % (k, dev, rc, err[-200:])):
            continue
        got = {int(o["nonce"], 16): (o["hash"], o["tags"]) for o in out}
        ref = ref_scan_header(hdr, start, window,
                              [("easy", easy), ("parent", nbits_target(0x1d00ffff))])
        check(got == ref and len(out) == len(got),
              "diff header %d on %s: %d shares vs reference %d" % (k, dev, len(got), len(ref)))
    for k in range(jobs):
        n = rng.choice([1, 1, 2])
        mask_bits = rng.choice([0, 1, 2])
        mask = [0, 0x00002000, 0x00006000][mask_bits]
        # en2 space of n bytes x versions x window = whole job
        en2_size = n
        count = job_windows
        job = {
            "coinb1": rand_hex(rng, rng.randrange(20, 90)),
            "extranonce1": rand_hex(rng, 4),
            "extranonce2_size": en2_size,
            "coinb2": rand_hex(rng, rng.randrange(20, 200)),
            "merkle_branch": [rand_hex(rng, 32) for _ in range(rng.randrange(0, 5))],
            "version": "%08x" % (0x20000000 | (rng.getrandbits(16) & ~mask)),
            "version_mask": "%08x" % mask,
            "prevhash": rand_hex(rng, 32),
            "nbits": "1d00ffff",
            "ntime": "%08x" % rng.getrandbits(32),
            "extranonce2_start": rand_hex(rng, en2_size),
            "nonce_start": "%08x" % rng.getrandbits(32),
            "nonce_count": count,
        }
        if en2_size == 2:
            # keep the walk small: 2-byte counters only with tiny windows
            job["nonce_count"] = 1
            job["version_mask"] = "00000000"
        total = (1 << (8 * en2_size)) * (1 << bin(int(job["version_mask"], 16)).count("1"))
        path = job_file(tmp, "rand%d" % k, job)
        rc, out, err = tandem(["replay", "--device", dev, "--job", path, "--all-shares",
                               "--target", "easy=" + target_hex(easy), "--timeout", "600"],
                              timeout=700)
        if not check(rc == 0, "diff job %d on %s: exit %d %s" % (k, dev, rc, err[-200:])):
            continue
        ref, whole = ref_scan_job(job, [("easy", easy), ("parent", nbits_target(0x1d00ffff))],
                                  total + 1)
        got = {(o["extranonce2"], int(o["version"], 16), int(o["nonce"], 16)):
               (o["hash"], o["tags"]) for o in out}
        check(whole, "diff job %d: reference did not cover the job" % k)
        check(got == ref and len(out) == len(got),
              "diff job %d on %s (en2 %d, mask %s, window %d): %d shares vs reference %d "
              "(missing %s extra %s)" % (
                  k, dev, en2_size, job["version_mask"], job["nonce_count"], len(got), len(ref),
                  sorted(set(ref) - set(got))[:3], sorted(set(got) - set(ref))[:3]))


def fault_scan(dev, fault, window, extra=(), expect_complete=False, expect_hw=False,
               timeout=300, min_fraction=0.5, expect_log=None):
    hdr = bytes.fromhex(load("headers.json")["headers"][0]["header_hex"])
    easy = 1 << 250
    start = 0x10000000
    rc, out, err = tandem(["scan", "--device", dev, "--header", hdr.hex(),
                           "--nonce-start", str(start), "--nonce-count", str(window),
                           "--target", "easy=" + target_hex(easy), "--fault", fault,
                           "--log", "info", "--timeout", str(timeout)] + list(extra),
                          timeout=timeout + 60)
    what = "fault %s on %s" % (fault, dev)
    if not check(rc == 0, "%s: exit %d %s" % (what, rc, err[-400:])):
        return
    ref = ref_scan_header(hdr, start, window, [("easy", easy),
                                               ("parent", nbits_target(0x1d00ffff))])
    got = {}
    for o in out:
        n = int(o["nonce"], 16)
        check(n not in got, "%s: nonce %08x reported twice" % (what, n))
        got[n] = (o["hash"], o["tags"])
    bad = [n for n in got if got[n] != ref.get(n)]
    check(not bad, "%s: %d reported shares are not valid: %s" % (what, len(bad), bad[:4]))
    if expect_complete:
        check(set(got) == set(ref), "%s: %d of %d shares" % (what, len(got), len(ref)))
    else:
        check(len(got) >= int(len(ref) * min_fraction),
              "%s: only %d of %d shares" % (what, len(got), len(ref)))
    if expect_hw:
        check("hardware error" in err, "%s: no hardware error counted" % what)
    if expect_log:
        check(expect_log in err, "%s: no '%s' in the log" % (what, expect_log))
    return err


def test_faults(dev, window, slow_rate):
    fault_scan(dev, "corrupt=0.01", window)
    fault_scan(dev, "drop=0.05", window)
    fault_scan(dev, "bad-nonce=0.05", window, expect_hw=True)
    # a device whose results are mostly wrong is reported and reset
    fault_scan(dev, "bad-nonce=0.7", window, expect_hw=True, timeout=4, min_fraction=0,
               expect_log="high hardware error rate")
    fault_scan(dev if not dev.startswith("cpu") else "cpu:%d" % slow_rate,
               "disconnect=1", window * 2, expect_complete=True)
    fault_scan(dev, "stall=300", window, expect_complete=True)


def test_sim_restart(window):
    """A running simulator killed mid-job and started again on the same
    socket: the host reconnects, finishes, every share exactly once."""
    srv = SimServer()
    try:
        if not check(srv.start(), "sim restart: tandem-sim did not start"):
            return
        hdr = load("headers.json")["headers"][0]["header_hex"]
        easy = 1 << 246
        start = 0x20000000
        p = subprocess.Popen([TANDEM, "scan", "--device", "sim:" + srv.path, "--header", hdr,
                              "--nonce-start", str(start), "--nonce-count", str(window),
                              "--target", "easy=" + target_hex(easy), "--log", "info"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        srv.stop()
        time.sleep(0.5)
        srv.start()
        try:
            so, se = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
        if not check(p.returncode == 0, "sim restart: exit %d %s" % (p.returncode, se[-400:])):
            return
        check("reconnected" in se, "sim restart: host did not reconnect")
        out = [json.loads(l) for l in so.splitlines() if l.startswith("{")]
        got = [int(o["nonce"], 16) for o in out]
        ref = ref_scan_header(bytes.fromhex(hdr), start, window,
                              [("easy", easy), ("parent", nbits_target(0x1d00ffff))])
        check(sorted(got) == sorted(ref), "sim restart: %d shares, reference %d" % (
            len(got), len(ref)))
    finally:
        srv.close()


def test_bad_input(tmp):
    h0 = load("headers.json")["headers"][0]["header_hex"]
    good_job = job_file(tmp, "good", {"x": 1})
    notjson = os.path.join(tmp, "bad.json")
    with open(notjson, "w") as f:
        f.write("{ this is not json")
    cases = [
        ([], "no command"),
        (["frobnicate"], "unknown command"),
        (["scan", "--device", "cpu"], "missing header"),
        (["scan", "--device", "cpu", "--header", h0[:-2]], "short header"),
        (["scan", "--device", "cpu", "--header", h0 + "00"], "long header"),
        (["scan", "--device", "cpu", "--header", "zz" + h0[2:]], "non-hex header"),
        (["scan", "--device", "nosuchthing", "--header", h0], "unknown device"),
        (["scan", "--device", "ftdi:xyz", "--header", h0], "bad ftdi vid:pid"),
        (["scan", "--device", "usb:1209", "--header", h0], "bad usb vid:pid"),
        (["scan", "--device", "cpu:fast", "--header", h0], "bad cpu rate"),
        (["scan", "--device", "cpu", "--header", h0, "--target", "share=12"], "short target"),
        (["scan", "--device", "cpu", "--header", h0, "--target", "x" * 80], "no '=' target"),
        (["scan", "--device", "cpu", "--header", h0, "--target", "a b=" + "0" * 64],
         "bad target name"),
        (["scan", "--device", "cpu", "--header", h0, "--target", "s=" + "g" * 64],
         "non-hex target"),
        (["scan", "--device", "cpu", "--header", h0, "--nonce-start", "-1"], "negative start"),
        (["scan", "--device", "cpu", "--header", h0, "--nonce-count", "0"], "zero count"),
        (["scan", "--device", "cpu", "--header", h0, "--nonce-count", "5000000000"],
         "count > 2^32"),
        (["scan", "--device", "cpu", "--header", h0, "--fault", "explode=1"], "bad fault"),
        (["replay", "--device", "cpu", "--job", os.path.join(tmp, "missing.json")],
         "unreadable job file"),
        (["replay", "--device", "cpu", "--job", notjson], "job file not JSON"),
        (["replay", "--device", "cpu", "--job", good_job], "job file missing fields"),
        (["replay", "--device", "cpu"], "replay without job"),
        (["bench"], "bench without device"),
    ]
    blk = load("blocks.json")["blocks"][0]
    sys.path.insert(0, os.path.dirname(__file__))
    import make_jobs
    base = make_jobs.job_for(blk)
    for field, value in [("prevhash", "00"), ("coinb1", "abc"), ("merkle_branch", ["11"]),
                         ("extranonce2_size", 9), ("extranonce2_start", "00"),
                         ("nonce_count", -5), ("version", "xyz"), ("ntime", 5),
                         ("merkle_branch", "notalist"), ("extranonce1", "q")]:
        j = dict(base)
        j[field] = value
        cases.append((["replay", "--device", "cpu", "--job",
                       job_file(tmp, "bad_" + field, j)], "job with bad %s" % field))
    for args, what in cases:
        rc, out, err = tandem(args, timeout=30)
        check(rc == 2 and "tandem:" in err and not out,
              "bad input (%s): exit %d, stderr %r" % (what, rc, err[-200:]))


def test_misc(tmp):
    rc, out, err = tandem(["list", "--boards"])
    check(rc == 0 and any(o.get("board") == "icebreaker" for o in out),
          "list --boards: %d %s" % (rc, out))
    rc, out, err = tandem(["list", "--device", "cpu"])
    check(rc == 0 and out and out[0].get("serial", "").startswith("cpu"),
          "list --device cpu: %d %s" % (rc, out))
    # an FTDI/USB device that is not there: a clean run-time failure
    for dev in ["ftdi:0403:6010::B", "usb:1209:0001", "icebreaker"]:
        rc, out, err = tandem(["scan", "--device", dev, "--header",
                               load("headers.json")["headers"][0]["header_hex"]], timeout=30)
        check(rc == 1 and ("cannot" in err or "no USB device" in err),
              "absent %s: exit %d %s" % (dev, rc, err[-200:]))
    # the bundled jobs are what make_jobs.py writes from blocks.json
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests/cli/make_jobs.py"), "--check"],
                       cwd=ROOT, capture_output=True, text=True)
    check(p.returncode == 0, "data/jobs out of date: %s" % p.stdout)
    # many devices on one loop
    rc, out, err = tandem(["bench", "--device", "cpu:20000", "--count", "32", "--seconds", "2"],
                          timeout=60)
    check(rc == 0 and out and out[0]["devices"] == 32 and out[0]["hw_errors"] == 0 and
          out[0]["hashrate_counters"] > 32 * 20000 * 0.5,
          "bench 32 cpu devices: %d %s %s" % (rc, out, err[-200:]))


def main():
    global only
    args = sys.argv[1:]
    quick = "--quick" in args
    no_sim = "--no-sim" in args or not os.access(SIM, os.X_OK)
    if "-k" in args:
        only = args[args.index("-k") + 1]
    rng = random.Random(20240611)
    headers = load("headers.json")["headers"]
    tmp = tempfile.mkdtemp(prefix="tandem-cli-")

    def want(name):
        return only is None or only in name

    t0 = time.time()
    if want("bad_input"):
        test_bad_input(tmp)
    if want("misc"):
        test_misc(tmp)
    if want("cpu_scan"):
        test_scan_headers("cpu", 4096, headers)
    if want("cpu_replay"):
        test_replay_blocks("cpu", tmp, 8192, 2)
    if want("cpu_diff"):
        test_differential("cpu", tmp, rng, 8, 4096, 6, 32)
    if want("cpu_faults"):
        test_faults("cpu", 20000, 20000)
    if no_sim:
        print("cli: simulator not built; simulator tests skipped")
    else:
        srv = SimServer()
        try:
            if check(srv.start(), "tandem-sim did not start"):
                dev = "sim:" + srv.path
                if want("sim_scan"):
                    test_scan_headers(dev, 256 if quick else 512, headers)
                if want("sim_replay"):
                    test_replay_blocks(dev, tmp, 256, 1)
                if want("sim_diff"):
                    test_differential(dev, tmp, rng, 3, 512, 3, 4)
        finally:
            srv.close()
        if want("sim_faults"):
            test_faults("sim", 2048, 0)
        if want("sim_restart"):
            test_sim_restart(300000)
    print("cli: %.0f s" % (time.time() - t0))
    print("cli: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
