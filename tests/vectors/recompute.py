#!/usr/bin/env python3
"""Recompute pledger's published test vectors without pledger.

An independent check of docs/format.md sections "The record and its hash"
and "The Merkle tree": reads records.ndjson and tree.json beside this file,
recomputes every record hash, chain link, tree root and proof, and exits 1
on the first difference.

    pip install blake3
    python3 tests/vectors/recompute.py

JCS (RFC 8785) is written out here for the values the vectors hold
(objects, strings and integers): keys sorted by their UTF-16 code units,
no whitespace, strings escaped as ECMAScript's JSON.stringify does. For
other inputs use a full JCS library.
"""

import base64
import json
import sys
from pathlib import Path

from blake3 import blake3

HERE = Path(__file__).resolve().parent


def jcs(value):
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jcs_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return jcs_string(value)
    raise SystemExit(f"this script's JCS covers objects, strings and integers, not {value!r}")


def jcs_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif c < 0x20:
            out.append(f"\\u{c:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def record_hash(record):
    body = {k: v for k, v in record.items() if k != "hash"}
    return blake3(b"pledger/record/v1\n" + jcs(body).encode("utf-8")).digest()


def leaf(h):
    return blake3(b"\x00" + h).digest()


def node(left, right):
    return blake3(b"\x01" + left + right).digest()


def split(n):
    """The largest power of two smaller than n (RFC 9162 section 2.1.1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return blake3(b"").digest()
    if len(leaves) == 1:
        return leaf(leaves[0])
    k = split(len(leaves))
    return node(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def consistency_path(m, leaves, whole=True):
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = split(n)
    if m <= k:
        return consistency_path(m, leaves[:k], whole) + [mth(leaves[k:])]
    return consistency_path(m - k, leaves[k:], False) + [mth(leaves[:k])]


def check(what, got, want):
    if got != want:
        sys.exit(f"MISMATCH {what}:\n  computed {got}\n  published {want}")


def main():
    records = [json.loads(l) for l in (HERE / "records.ndjson").read_text("utf-8").splitlines() if l.strip()]
    tree = json.loads((HERE / "tree.json").read_text("utf-8"))

    prev = "00" * 32
    hashes = []
    for r in records:
        check(f"prev_hash of seq {r['seq']}", r["prev_hash"], prev)
        h = record_hash(r)
        check(f"hash of seq {r['seq']}", h.hex(), r["hash"])
        hashes.append(h)
        prev = r["hash"]

    example = tree["canonical_example"]
    first = {k: v for k, v in records[example["seq"]].items() if k != "hash"}
    check("canonical example", jcs(first), example["jcs_without_hash"])

    for root in tree["roots"]:
        r = mth(hashes[: root["size"]])
        check(f"root of size {root['size']}", r.hex(), root["root_hex"])
        check(f"base64 root of size {root['size']}", base64.b64encode(r).decode(), root["root_base64"])
    for p in tree["inclusion"]:
        got = [h.hex() for h in inclusion_path(p["seq"], hashes[: p["size"]])]
        check(f"inclusion of {p['seq']} in {p['size']}", got, p["path_hex"])
    for p in tree["consistency"]:
        got = [h.hex() for h in consistency_path(p["from"], hashes[: p["to"]])]
        check(f"consistency {p['from']} -> {p['to']}", got, p["path_hex"])

    print(
        f"ok: {len(records)} record hashes, {len(tree['roots'])} roots, "
        f"{len(tree['inclusion'])} inclusion and {len(tree['consistency'])} consistency proofs"
    )


if __name__ == "__main__":
    main()
