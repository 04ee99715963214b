"""Inputs for tests/check.sh (emb-info --check), written with numpy.

    check_data.py DIR [GLOVE.emb]   writes DIR/*.emb, and DIR/pe.periods (the
                                    periods of the sinusoidal encodings) and
                                    DIR/*.twonn (an independent TwoNN estimate)
"""
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import embio  # noqa: E402


def write(path, X, labels=None, fields=None):
    with open(path, "wb") as f:
        embio.write_points(f, np.asarray(X, np.float32), labels, fields)


def twonn(X):
    """TwoNN maximum likelihood (Facco et al. 2017) with exact neighbours, by numpy."""
    X = np.asarray(X, np.float64)
    sq = (X * X).sum(1)
    r = np.empty((len(X), 2))
    for i in range(0, len(X), 500):
        d2 = sq[i:i + 500, None] + sq[None, :] - 2 * X[i:i + 500] @ X.T
        d2[np.arange(d2.shape[0]), np.arange(i, i + d2.shape[0])] = np.inf
        part = np.sort(np.partition(d2, 2, axis=1)[:, :2], axis=1)
        r[i:i + 500] = np.sqrt(np.maximum(part, 0))
    mu = r[:, 1] / r[:, 0]
    return len(mu) / np.log(mu).sum()


def embedded(rng, n, k, d=50):
    """n points of a standard k-d Gaussian, rotated into d dimensions."""
    q, _ = np.linalg.qr(rng.normal(size=(d, k)))
    return rng.normal(size=(n, k)) @ q.T


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(13)
    write(out + "/gauss.emb", rng.normal(size=(5000, 100)))
    write(out + "/uniform.emb", rng.uniform(-1, 1, size=(3000, 64)))
    base = rng.normal(size=100)
    write(out + "/collapsed.emb", base + 1e-4 * rng.normal(size=(2000, 100)))
    # rows 3, 17, 40 NaN, 41 infinite; 50, 51, 52 copies of 5, 60 of 7;
    # 70 zero, 71 minus zero (a copy of 70), so 5 duplicates in 3 groups
    X = rng.normal(size=(300, 20))
    X[3, 4] = X[17, 0] = X[40, 19] = np.nan
    X[41, 2] = np.inf
    X[[50, 51, 52]] = X[5]
    X[60] = X[7]
    X[70] = 0
    X[71] = -0.0
    write(out + "/dupnan.emb", X, [["w%d" % i] for i in range(300)], ["word"])
    # Vaswani et al. 2017: PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...)
    n, d = 512, 128
    pos = np.arange(n)[:, None]
    w = 1 / 10000 ** (2 * np.arange(d // 2)[None, :] / d)
    P = np.zeros((n, d))
    P[:, 0::2] = np.sin(pos * w)
    P[:, 1::2] = np.cos(pos * w)
    write(out + "/pe.emb", P)
    with open(out + "/pe.periods", "w") as f:
        f.write("\n".join("%.6f" % p for p in 2 * np.pi / w[0]) + "\n")
    # known intrinsic dimensions in 50-d: a plane (uniform square) and a 5-d Gaussian
    q, _ = np.linalg.qr(rng.normal(size=(50, 2)))
    plane = rng.uniform(0, 1, size=(4000, 2)) @ q.T
    g5 = embedded(rng, 4000, 5)
    write(out + "/plane.emb", plane)
    write(out + "/g5.emb", g5)
    for name, Y in (("plane", plane), ("g5", g5)):
        with open(out + "/" + name + ".twonn", "w") as f:
            f.write("%.6f\n" % twonn(np.asarray(Y, np.float32)))
    # class labels that follow a cluster structure, and ones that do not
    centres = rng.normal(size=(5, 30)) * 3
    cls = rng.integers(0, 5, 2000)
    C = centres[cls] + rng.normal(size=(2000, 30))
    write(out + "/classes.emb", C, [["c%d" % c, "r%d" % rng.integers(0, 5)] for c in cls],
          ["class", "shuffled"])
    if len(sys.argv) > 2:
        f = embio.last_points(sys.argv[2])
        G = np.array(f["data"], np.float32)
        for j in range(G.shape[1]):
            G[:, j] = rng.permutation(G[:, j])
        write(out + "/glove-shuffled.emb", G, f["labels"], f["fields"])


if __name__ == "__main__":
    main()
