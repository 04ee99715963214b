"""Checks for emb-plot --similarity and --matrix (tests/heatmap.sh).

    heatmap_check.py sim SCRIPT STREAM     -> exit 0 when $heat is numpy's cosine
                                              similarity, averaged over the bins
    heatmap_check.py mat SCRIPT STREAM     -> exit 0 when $heat is the values, averaged
                                              over the bins, and cbrange is symmetric
    heatmap_check.py hostile CANARY N      -> a stream of N rows with hostile labels
    heatmap_check.py ticks STREAM SVG      -> exit 0 when every tick label shows, cleaned
"""
import re
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import embio  # noqa: E402
from plot_check import SVG, clean, datablock, svg_texts  # noqa: E402
from plot_hostile import hostile  # noqa: E402


def cells(script):
    rows = [r for r in datablock(script, "heat") if r]
    v = np.array([np.nan if r[2] == "NaN" else float(r[2]) for r in rows])
    xs = sorted(set(float(r[0]) for r in rows))
    ys = sorted(set(float(r[1]) for r in rows))
    return v.reshape(len(ys), len(xs)), np.array(xs), np.array(ys)


def edges(n, nb):
    """The bins as emb-plot documents them: bin b starts at ceil(b * n / nb - 1/2)."""
    return [int(np.ceil(b * n / nb - 0.5)) for b in range(nb + 1)]


def block_mean(M, er, ec):
    """Means of the finite entries of each block (NaN where there are none)."""
    fin = np.isfinite(M)
    red = lambda A: np.add.reduceat(np.add.reduceat(A, er[:-1], axis=0), ec[:-1], axis=1)
    total, count = red(np.where(fin, M, 0)), red(fin.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def check(got, want, tol, what):
    if got.shape != want.shape:
        print("%s: %s cells, want %s" % (what, got.shape, want.shape), file=sys.stderr)
        return False
    same_nan = (np.isnan(got) == np.isnan(want)).all()
    err = np.nanmax(np.abs(got - want))
    print("# %s: %dx%d cells, max difference %.2g" % (what, got.shape[0], got.shape[1], err))
    return same_nan and err <= tol


def sim(script, stream):
    X = np.asarray(embio.last_points(stream)["data"], np.float64)
    n = len(X)
    norm = np.linalg.norm(X, axis=1)
    U = np.where(norm[:, None] > 0, X / np.where(norm > 0, norm, 1)[:, None], np.nan)
    C = U @ U.T     # NaN for a row without direction: left out of the averages
    got, xs, ys = cells(script)
    nb = got.shape[0]
    e = edges(n, nb)
    # cells of equal width, each at the middle of the rows it covers, give or take half a row
    uniform = (np.arange(nb) + 0.5) * n / nb - 0.5
    centres = [(e2 + e1 - 1) / 2 for e1, e2 in zip(e, e[1:])]
    if not np.allclose(xs, uniform, atol=1e-6) or not np.allclose(xs, centres, atol=0.51) \
            or not np.allclose(xs, ys):
        print("cell centres", xs[:5], uniform[:5], centres[:5], ys[:5], file=sys.stderr)
        return False
    return check(got, block_mean(C, e, e), 2e-5, "similarity")


def mat(script, stream):
    X = np.asarray(embio.last_points(stream)["data"], np.float64)
    got, _, _ = cells(script)
    want = block_mean(np.where(np.isfinite(X), X, np.nan), edges(X.shape[0], got.shape[0]),
                      edges(X.shape[1], got.shape[1]))
    text = open(script).read()
    m = re.search(r"^set cbrange \[([^:]+):([^\]]+)\]$", text, re.M)
    top = np.nanmax(np.abs(want))
    if not m or abs(float(m.group(2)) - top) > 1e-6 * top or float(m.group(1)) != -float(m.group(2)):
        print("cbrange", m and m.groups(), top, file=sys.stderr)
        return False
    return check(got, want, 1e-5 * max(1, top), "matrix")


def write_hostile(canary, n):
    labels = hostile(canary)[:n]
    rng = np.random.RandomState(3)
    X = rng.normal(size=(len(labels), 8)).astype(np.float32)
    rows = [[b.decode("utf-8", "surrogateescape")] for b in labels]
    meta = {"source": '/tmp/"`touch %s`".txt\nset output "%s"' % (canary, canary)}
    embio.write_points(sys.stdout.buffer, X, rows, ["word"], meta)


def ticks(stream, svg):
    f = embio.last_points(stream)
    texts = set(svg_texts(svg)[0])
    want = [clean(r[0].encode("utf-8", "surrogateescape"), 24, SVG) for r in f["labels"]]
    missing = [w for w in want if w.strip() and w not in texts]
    if missing:
        print("missing tick labels", missing[:3], file=sys.stderr)
    return not missing


if __name__ == "__main__":
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "hostile":
        write_hostile(a[0], int(a[1]))
        sys.exit(0)
    fn = {"sim": sim, "mat": mat, "ticks": ticks}[cmd]
    sys.exit(0 if fn(*a) else 1)
