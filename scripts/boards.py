#!/usr/bin/env python3
"""Board flow helper for mk/boards.mk: file lists, the timing check, the
utilisation and bench tables, and the board-table agreement check.

  boards.py files F.f ...            RTL files named by .f lists, flattened
  boards.py settings BOARD           a board's settings as NAME=value lines
  boards.py timing DIR BOARD         Fmax of the core clock; exit 1 if below
                                     the board's FREQ (writes DIR/timing.txt)
  boards.py util DIR BOARD           LUT/FF/BRAM/DSP used and free
  boards.py bench BOARD ...          the bench table of built boards
  boards.py table                    constraints/ and host/boards.c agree

Everything reads what the tools wrote under build/boards/<board>/: the
synthesis log (yosys `stat`), the nextpnr log and its --report JSON.
"""
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
CORE_NET = "clk"  # every board top names its PLL output net clk


# --- .f lists --------------------------------------------------------------
def flatten(path, seen, out):
    """Appends the .v files of a .f list (and of the lists it names with -f)
    to out, each once, in order. Comments (//, #), +incdir and -I lines are
    skipped: the flows pass -Irtl themselves."""
    if path in seen:
        return
    seen.add(path)
    if not os.path.exists(os.path.join(ROOT, path)):
        raise FileNotFoundError(path)
    with open(os.path.join(ROOT, path)) as f:
        for raw in f:
            line = raw.split("//", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("-f ") or line.startswith("-F "):
                flatten(line[3:].strip(), seen, out)
            elif line.startswith("-") or line.startswith("+"):
                continue
            elif line not in out:
                out.append(line)


def cmd_files(args):
    out = []
    seen = set()
    try:
        for f in args:
            flatten(f, seen, out)
    except FileNotFoundError as e:
        print("boards.py: missing file list %s" % e, file=sys.stderr)
        print("MISSING-FILE-LIST-" + os.path.basename(str(e)))
        return 1
    print(" ".join(out))
    return 0


# --- settings ----------------------------------------------------------------
def settings(board, path=None, vals=None):
    """The NAME := value lines of constraints/<board>.mk as a dict; an
    `include constraints/<other>.mk` line reads that file first, so a
    variant (ulx3s-45f) is its base board with a few values changed."""
    vals = {} if vals is None else vals
    path = path or os.path.join("constraints", board + ".mk")
    with open(os.path.join(ROOT, path)) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            inc = re.match(r"^-?include\s+(\S+)$", line)
            if inc:
                settings(board, inc.group(1), vals)
                continue
            m = re.match(r"^([A-Z0-9_]+)\s*:?=\s*(.*)$", line)
            if m:
                vals[m.group(1)] = m.group(2).strip()
    return vals


def pll_mhz(s):
    """The PLL output the board top computes from its PLL parameters."""
    p = dict(kv.split("=", 1) for kv in s.get("PLL_PARAMS", "").split())
    fin = float(s["CLK_IN_MHZ"])
    fam = s["FAMILY"]
    try:
        if fam == "ice40":
            return fin / (int(p["PLL_DIVR"]) + 1) * (int(p["PLL_DIVF"]) + 1) \
                / (1 << int(p["PLL_DIVQ"]))
        if fam == "ecp5":
            return fin / int(p["PLL_CLKI_DIV"]) * int(p["PLL_CLKFB_DIV"])
        if fam == "gowin":
            return fin / (int(p["PLL_IDIV"]) + 1) * (int(p["PLL_FBDIV"]) + 1)
    except (KeyError, ValueError):
        return None
    return None


LANE_CLOCKS = 141  # include/tandem_proto.h PROTO_LANE_CLOCKS


def nonces_per_clock(loop_log2, pipelines):
    """hash_core throughput (rtl/hash_core.v): a pipeline takes one nonce
    per clock unrolled, else one every 61 / (64 >> LOOP_LOG2) + 1 clocks;
    a compact lane (LOOP_LOG2 7) one every 141 clocks."""
    if loop_log2 == 0:
        return float(pipelines)
    if loop_log2 >= 7:
        return pipelines / LANE_CLOCKS
    return pipelines / (61 // (64 >> loop_log2) + 1)


def cmd_settings(args):
    s = settings(args[0])
    for k in sorted(s):
        print("%s=%s" % (k, s[k]))
    return 0


# --- tool output -------------------------------------------------------------
def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def fmax(d, board):
    """(achieved, constraint) MHz of the core clock from the nextpnr report,
    falling back to the last 'Max frequency' line of the log."""
    rep = read(os.path.join(d, board + ".report.json"))
    if rep:
        try:
            fm = json.loads(rep).get("fmax", {})
            for name, v in fm.items():
                if name == CORE_NET or name.endswith("$" + CORE_NET) \
                        or name.split(".")[-1] == CORE_NET:
                    return float(v["achieved"]), float(v["constraint"])
        except (ValueError, KeyError, TypeError):
            pass
    log = read(os.path.join(d, "pnr.log")) or ""
    found = None
    for m in re.finditer(r"Max frequency for clock +'([^']+)': ([0-9.]+) MHz"
                         r" \((PASS|FAIL) at ([0-9.]+) MHz\)", log):
        if m.group(1).split(".")[-1] == CORE_NET:
            found = (float(m.group(2)), float(m.group(4)))
    return found


def critical_path(d):
    """The last critical path nextpnr printed for the core clock."""
    log = read(os.path.join(d, "pnr.log")) or ""
    blocks = re.findall(r"(Critical path report for clock '[^']*'.*?)(?:\n\n|\Z)",
                        log, re.S)
    return blocks[-1] if blocks else ""


def cmd_timing(args):
    d, board = args[0], args[1]
    s = settings(board)
    want = float(s["FREQ"])
    got = fmax(d, board)
    lines = []
    if got is None:
        lines.append("%s: no Fmax for clock '%s' in %s/pnr.log" %
                     (board, CORE_NET, d))
        ok = False
    else:
        ok = got[0] >= want
        lines.append("%s: Fmax %.2f MHz for clock '%s', target %.2f MHz "
                     "(PLL clock %s MHz + margin): %s" %
                     (board, got[0], CORE_NET, want, s["CLK_MHZ"],
                      "PASS" if ok else "FAIL"))
    crit = critical_path(d)
    with open(os.path.join(d, "timing.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
        if crit:
            f.write("\n" + crit + "\n")
    print("\n".join(lines))
    return 0 if ok else 1


# Cell names per family: what counts as a LUT, a flip-flop, a block RAM and
# a DSP in the yosys `stat` of the synthesised netlist.
CELLS = {
    "ice40": {"lut": [r"SB_LUT4"], "ff": [r"SB_DFF\w*"],
              "bram": [r"SB_RAM40_4K\w*", r"SB_SPRAM256KA"],
              "dsp": [r"SB_MAC16"]},
    "ecp5": {"lut": [r"LUT4"], "ff": [r"TRELLIS_FF"],
             "bram": [r"DP16KD", r"PDPW16KD"], "dsp": [r"MULT18X18D"]},
    "gowin": {"lut": [r"LUT[1-4]"], "ff": [r"DFF\w*"],
              "bram": [r"SDPB", r"DPB\w*", r"SP\w*"], "dsp": [r"MULT\w+"]},
}
# Device resources by the names nextpnr's report uses.
RES = {
    "ice40": {"lc": "ICESTORM_LC", "bram": "ICESTORM_RAM", "dsp": "ICESTORM_DSP"},
    "ecp5": {"lut": "TRELLIS_COMB", "ff": "TRELLIS_FF", "bram": "DP16KD",
             "dsp": "MULT18X18D"},
    "gowin": {"lut": "LUT4", "ff": "DFF", "bram": "BSRAM", "dsp": "MULT18X18"},
}


def synth_counts(d, fam):
    """LUT/FF/BRAM/DSP counts from the last `stat` in the synthesis log."""
    log = read(os.path.join(d, "synth.log")) or ""
    # the last stat: "Number of cells:" (Yosys 0.23) or "  123 cells"
    starts = [m.start() for m in
              re.finditer(r"Number of cells:|^\s+\d+ cells$", log, re.M)]
    tail = log[starts[-1]:] if starts else ""
    cnt = {"lut": 0, "ff": 0, "bram": 0, "dsp": 0}
    # "   SB_LUT4   123" (Yosys 0.23) or "   123   LUT4" (newer Yosys)
    for m in re.finditer(r"^\s+(?:(\d+)\s+([A-Za-z_$]\S*)|([A-Za-z_$]\S*)\s+(\d+))\s*$",
                         tail, re.M):
        if m.group(1):
            name, n = m.group(2), int(m.group(1))
        else:
            name, n = m.group(3), int(m.group(4))
        for k, pats in CELLS[fam].items():
            if any(re.fullmatch(p, name) for p in pats):
                cnt[k] += n
    return cnt


def pnr_util(d, board):
    rep = read(os.path.join(d, board + ".report.json"))
    if not rep:
        return {}
    try:
        return json.loads(rep).get("utilization", {})
    except ValueError:
        return {}


def utilisation(d, board):
    s = settings(board)
    fam = s["FAMILY"]
    syn = synth_counts(d, fam)
    util = pnr_util(d, board)
    rows = []

    def res(key):
        name = RES[fam].get(key)
        v = util.get(name) if name else None
        if v is None:
            return None, None
        return int(v["used"]), int(v["available"])

    for key, label in (("lut", "LUTs"), ("ff", "FFs"), ("bram", "BRAM"),
                       ("dsp", "DSP")):
        used, avail = res(key)
        if used is None:
            used = syn[key]
        rows.append((label, used, avail))
    if fam == "ice40":
        lc_used, lc_avail = res("lc")
        rows.insert(0, ("logic cells (LUT4+FF)", lc_used, lc_avail))
        rows[1] = ("LUTs", syn["lut"], lc_avail)
        rows[2] = ("FFs", syn["ff"], lc_avail)
    return rows


def cmd_util(args):
    d, board = args[0], args[1]
    rows = utilisation(d, board)
    print("%s utilisation (synthesis counts; device totals from nextpnr):" % board)
    for label, used, avail in rows:
        if used is None:
            print("  %-22s  (no place-and-route report yet)" % label)
        elif avail:
            print("  %-22s %7d used of %7d, %7d free (%.0f %%)" %
                  (label, used, avail, avail - used, 100.0 * used / avail))
        else:
            print("  %-22s %7d used" % (label, used))
    return 0


def cmd_bench(args):
    hdr = ("board", "device", "LUTs", "FFs", "BRAM", "Fmax", "clock",
           "pipes", "LOOP_LOG2", "rounds/stage", "MH/s", "MH/s/kLUT", "timing")
    rows = []
    for board in args:
        s = settings(board)
        d = os.path.join(ROOT, "build", "boards", board)
        fam = s["FAMILY"]
        syn = synth_counts(d, fam)
        util = pnr_util(d, board)
        lut = syn["lut"]
        if fam != "ice40" and RES[fam]["lut"] in util:
            lut = int(util[RES[fam]["lut"]]["used"])
        got = fmax(d, board)
        clk = float(s["CLK_MHZ"])
        pipes = int(s["PIPELINES"])
        ll = int(s["LOOP_LOG2"])
        rate = clk * nonces_per_clock(ll, pipes)
        rows.append((board, s["DEVICE"] + "-" + s["PACKAGE"],
                     str(lut) if lut else "-", str(syn["ff"]) if syn["ff"] else "-",
                     str(syn["bram"]), "%.1f" % got[0] if got else "-",
                     "%g" % clk, str(pipes), str(ll), str(64 >> ll),
                     "%.3f" % rate if got else "-",
                     "%.3f" % (rate * 1000.0 / lut) if got and lut else "-",
                     ("PASS" if got[0] >= float(s["FREQ"]) else "FAIL")
                     if got else "not built"))
    w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
    for r in [hdr] + rows:
        print("  ".join(c.rjust(w[i]) if i else c.ljust(w[i])
                        for i, c in enumerate(r)))
    return 0


# --- board table agreement ---------------------------------------------------
def host_boards():
    """(name, baud) of every entry of the table in host/boards.c."""
    src = read(os.path.join(ROOT, "host", "boards.c"))
    if src is None:
        return None
    out = []
    for m in re.finditer(r"\{\s*\.name\s*=\s*\"([^\"]+)\"(.*?)\}\s*,", src, re.S):
        b = re.search(r"\.baud\s*=\s*(\d+)", m.group(2))
        out.append((m.group(1), int(b.group(1)) if b else None))
    return out


# Board-table entries that have no bitstream target yet, each with its
# reason. The check prints them and fails once such a board gains a
# constraints file, so the list cannot go stale.
NO_BITSTREAM_YET = {
    "pico-ice": "the host reaches it through the RP2040 bridge firmware; "
                "the header-mode device fits its iCE40UP5K (as on the "
                "iCEBreaker) but its board top, pins and FPGA clock pin "
                "are not written and checked yet",
}


def cmd_table(args):
    name = "boards-table"
    passed = failed = 0

    def check(ok, msg):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: %s" % (name, msg))

    cdir = os.path.join(ROOT, "constraints")
    ours = sorted(f[:-3] for f in os.listdir(cdir) if f.endswith(".mk"))
    host = host_boards()
    check(host is not None, "host/boards.c is missing (the board table)")
    host = host or []
    hmap = dict(host)
    for b in ours:
        s = settings(b)
        pins = s.get("PINS", "")
        check(os.path.exists(os.path.join(ROOT, pins)),
              "%s: pin file %s missing" % (b, pins))
        top = os.path.join(ROOT, "rtl", s.get("TOP", "?") + ".v")
        check(os.path.exists(top), "%s: board top %s missing" % (b, top))
        # a variant (BOARD_OF) is the same board for the host
        hb = s.get("BOARD_OF", b)
        check(hb in hmap, "%s: constraints/%s.mk has no entry %s in "
              "host/boards.c" % (b, b, hb))
        if hb in hmap and hmap[hb] is not None:
            check(hmap[hb] == int(s["BAUD"]),
                  "%s: host/boards.c baud %d, bitstream BAUD %s" %
                  (b, hmap[hb], s["BAUD"]))
        mhz = pll_mhz(s)
        check(mhz is not None and abs(mhz - float(s["CLK_MHZ"])) < 1e-6,
              "%s: PLL_PARAMS make %s MHz, CLK_MHZ says %s" %
              (b, mhz, s["CLK_MHZ"]))
        check(float(s["FREQ"]) >= float(s["CLK_MHZ"]),
              "%s: FREQ %s below CLK_MHZ %s" % (b, s["FREQ"], s["CLK_MHZ"]))
    for h, _ in host:
        if h in NO_BITSTREAM_YET:
            check(h not in ours, "%s: listed as having no bitstream target, "
                  "but constraints/%s.mk exists: drop it from "
                  "NO_BITSTREAM_YET" % (h, h))
            print("note %s: %s: no bitstream target yet: %s"
                  % (name, h, NO_BITSTREAM_YET[h]))
            continue
        check(h in ours, "%s: host/boards.c entry has no constraints/%s.mk"
              % (h, h))
    print("%s: %d passed, %d failed" % (name, passed, failed))
    return 1 if failed else 0


def main(argv):
    cmds = {"files": cmd_files, "settings": cmd_settings,
            "timing": cmd_timing, "util": cmd_util, "bench": cmd_bench,
            "table": cmd_table}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return cmds[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
