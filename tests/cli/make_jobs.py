#!/usr/bin/env python3
"""Writes data/jobs/*.json, the Stratum jobs `make run` replays, from the
real blocks in tests/vectors/blocks.json (see data/jobs/README.md).

Each job is the block's own Stratum split (coinb1, extranonce1, coinb2,
merkle branch) and header fields, with the search placed a little before
the real answer: extranonce2 starts WINDOW_EN2 steps before the real one
(little-endian counter, first byte fastest), the nonce window of
NONCE_WINDOW nonces is centred on the real nonce, and for BIP9-style
versions two version bits (0x00006000) roll from the real version with
those bits cleared. The real block is therefore reached after a few
extranonce2 and version rolls, on-device, like a miner would.

usage: make_jobs.py [--check] [blocks.json] [outdir]
"""
import json
import os
import sys

NONCE_WINDOW = 8192
EN2_BEFORE = 2
ROLL_MASK = 0x00006000


def le32(b):
    return int.from_bytes(b, "little")


def job_for(block):
    hdr = bytes.fromhex(block["header_hex"])
    st = block["stratum"]
    version = le32(hdr[0:4])
    ntime = le32(hdr[68:72])
    nbits = le32(hdr[72:76])
    nonce = le32(hdr[76:80])
    prev = hdr[4:36]
    # Stratum's prevhash: each 4-byte word of the header bytes reversed.
    prev_stratum = b"".join(prev[i:i + 4][::-1] for i in range(0, 32, 4))
    mask = ROLL_MASK if (version & 0xE0000000) == 0x20000000 else 0
    base_version = version & ~mask
    en2 = bytes.fromhex(st["extranonce2"])
    n = st["extranonce2_size"]
    assert len(en2) == n
    start = (int.from_bytes(en2, "little") - EN2_BEFORE) % (1 << (8 * n))
    assert hdr == bytes.fromhex(block["header_hex"])
    return {
        "id": block["id"],
        "source": "tests/vectors/blocks.json entry %s (%s)" % (
            block["id"], block["source"].get("repo", block["source"].get("url", ""))),
        "job_id": block["id"],
        "prevhash": prev_stratum.hex(),
        "coinb1": st["coinb1"],
        "extranonce1": st["extranonce1"],
        "extranonce2_size": n,
        "coinb2": st["coinb2"],
        "merkle_branch": block["merkle_branch"],
        "version": "%08x" % base_version,
        "version_mask": "%08x" % mask,
        "nbits": "%08x" % nbits,
        "ntime": "%08x" % ntime,
        "extranonce2_start": start.to_bytes(n, "little").hex(),
        "nonce_start": "%08x" % ((nonce - NONCE_WINDOW // 2) % (1 << 32)),
        "nonce_count": NONCE_WINDOW,
        "expected": {
            "block_hash": block["block_hash"],
            "extranonce2": st["extranonce2"],
            "version": "%08x" % version,
            "ntime": "%08x" % ntime,
            "nonce": "%08x" % nonce,
        },
    }


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    src = args[0] if args else "tests/vectors/blocks.json"
    out = args[1] if len(args) > 1 else "data/jobs"
    blocks = json.load(open(src))["blocks"]
    bad = 0
    for b in blocks:
        text = json.dumps(job_for(b), indent=1) + "\n"
        path = os.path.join(out, b["id"] + ".json")
        if check:
            if not os.path.exists(path) or open(path).read() != text:
                print("stale: %s" % path)
                bad += 1
        else:
            with open(path, "w") as f:
                f.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
