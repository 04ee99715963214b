"""A second, independent implementation of the emb stream (emb(5)) in Python,
used by tests to feed numpy arrays to the programs and to read their output.

    python3 tests/embio.py from-npy X.npy [LABELS.txt] > X.emb   (float32 points frame)
    python3 tests/embio.py to-npy X.emb OUT.npy                   (last points frame)
"""
import gzip
import sys

import numpy as np


def _esc(s, space):
    out = []
    for b in s.encode("utf-8", "surrogateescape"):
        if b < 0x20 or b == 0x7F or b == 0x25 or (space and b == 0x20):
            out.append("%%%02X" % b)
        else:
            out.append(chr(b) if b < 0x80 else bytes([b]).decode("latin-1"))
    return "".join(out).encode("latin-1")


def write_points(out, X, labels=None, fields=None, meta=None):
    """labels: list of rows, each a list of strings (one per field)."""
    X = np.ascontiguousarray(X, dtype="<f4")
    rows, cols = X.shape
    h = b"EMB 1 points\nrows %d\ncols %d\n" % (rows, cols)
    lab = b""
    if labels is not None:
        fields = fields or ["label"]
        lab = b"".join(
            b"".join(str(c).encode("utf-8", "surrogateescape") + b"\0" for c in r)
            for r in labels)
        h += b"fields %d %s\nlabelbytes %d\n" % (
            len(fields), b" ".join(_esc(f, True) for f in fields), len(lab))
    for k, v in (meta or {}).items():
        h += b"meta " + k.encode() + b" " + _esc(str(v), False) + b"\n"
    out.write(h + b"ENDHDR\n")
    out.write(X.tobytes())
    out.write(lab)


def write_graph(out, index, dist, meta=None):
    """A graph frame; each row's distances sorted, as emb(5) requires."""
    index = np.ascontiguousarray(index, dtype="<i4")
    dist = np.ascontiguousarray(np.sort(np.asarray(dist, dtype=np.float32), axis=1), dtype="<f4")
    h = b"EMB 1 graph\nrows %d\nk %d\n" % index.shape
    for k, v in (meta or {}).items():
        h += b"meta " + k.encode() + b" " + _esc(str(v), False) + b"\n"
    out.write(h + b"ENDHDR\n" + index.tobytes() + dist.tobytes())


def _unesc(b):
    out, i = bytearray(), 0
    while i < len(b):
        if b[i] == 0x25:
            out.append(int(b[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(b[i])
            i += 1
    return out.decode("utf-8", "surrogateescape")


def read(path):
    """All frames of a stream: dicts with kind, data (and index), labels, fields, meta."""
    raw = open(path, "rb").read() if path != "-" else sys.stdin.buffer.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    frames, pos = [], 0
    while pos < len(raw):
        end = raw.index(b"\nENDHDR\n", pos)
        lines = raw[pos:end].split(b"\n")
        pos = end + 8
        magic = lines[0].split(b" ")
        assert magic[0] == b"EMB" and magic[1] == b"1", magic
        f = {"kind": magic[2].decode(), "meta": {}, "labels": None, "fields": None}
        kv = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(b" ")
            if k == b"meta":
                mk, _, mv = v.partition(b" ")
                f["meta"][mk.decode()] = _unesc(mv)
            else:
                kv[k.decode()] = v
        rows = int(kv["rows"])
        if f["kind"] == "graph":
            k = int(kv["k"])
            n = rows * k * 4
            f["index"] = np.frombuffer(raw, "<i4", rows * k, pos).reshape(rows, k)
            f["data"] = np.frombuffer(raw, "<f4", rows * k, pos + n).reshape(rows, k)
            pos += 2 * n
        else:
            cols = int(kv["cols"])
            f["data"] = np.frombuffer(raw, "<f4", rows * cols, pos).reshape(rows, cols)
            pos += rows * cols * 4
            if "fields" in kv:
                parts = kv["fields"].split(b" ")
                f["fields"] = [_unesc(p) for p in parts[1:]]
                lb = int(kv["labelbytes"])
                cells = raw[pos:pos + lb].split(b"\0")[:-1]
                cells = [c.decode("utf-8", "surrogateescape") for c in cells]
                nf = len(f["fields"])
                f["labels"] = [cells[i * nf:(i + 1) * nf] for i in range(rows)]
                pos += lb
        frames.append(f)
    return frames


def last_points(path):
    return [f for f in read(path) if f["kind"] == "points"][-1]


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "from-npy":
        X = np.load(sys.argv[2]).reshape(np.load(sys.argv[2], mmap_mode="r").shape[0], -1)
        labels = None
        if len(sys.argv) > 3:
            labels = [[w] for w in open(sys.argv[3], encoding="utf-8").read().split("\n")[:len(X)]]
        write_points(sys.stdout.buffer, X.astype(np.float32), labels)
    elif cmd == "to-npy":
        np.save(sys.argv[3], np.array(last_points(sys.argv[2])["data"]))
    else:
        sys.exit("usage: embio.py from-npy X.npy [LABELS] | to-npy X.emb OUT.npy")
