"""Independent references for the emb-tsne tests and benchmark (Debian's
python3 with numpy and sklearn).

  digits OUT.emb                      sklearn's digits (1797 x 64) with their classes
  score X.npy|X.emb MAP.emb|MAP.npy LABELS [ROWS]
                                      kNN preservation (k = 10) and 10-NN class
                                      accuracy on ROWS (5000) random rows, as
                                      ../shared/data/README.md defines them
"""
import os
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402


def load(path):
    if path.endswith(".npy"):
        return np.load(path).astype(np.float64), None
    f = embio.last_points(path)
    return np.array(f["data"], np.float64), f


def score(X, Y, labels, rows=5000, k=10):
    rng = np.random.RandomState(0)
    q = rng.choice(len(X), min(rows, len(X)), replace=False)
    a = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X[q], return_distance=False)
    b = NearestNeighbors(n_neighbors=k + 1).fit(Y).kneighbors(Y[q], return_distance=False)
    # drop the query itself (the first of its own neighbours unless it has duplicates)
    a = [[j for j in r if j != i][:k] for i, r in zip(q, a)]
    b = [[j for j in r if j != i][:k] for i, r in zip(q, b)]
    pres = np.mean([len(set(x) & set(y)) for x, y in zip(a, b)]) / k
    classes, y = np.unique(labels, return_inverse=True)
    votes = np.array([np.bincount(y[nb], minlength=len(classes)).argmax() for nb in b])
    return pres, np.mean(votes == y[q])


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "digits":
        from sklearn.datasets import load_digits
        d = load_digits()
        with open(a[0], "wb") as f:
            embio.write_points(f, d.data.astype(np.float32), [[str(c)] for c in d.target], ["digit"])
    elif cmd == "score":
        X, _ = load(a[0])
        Y, _ = load(a[1])
        labels = np.array(open(a[2], encoding="utf-8").read().split("\n")[:len(X)])
        pres, acc = score(X, Y, labels, int(a[3]) if len(a) > 3 else 5000)
        print("preservation\t%.4f\naccuracy\t%.4f" % (pres, acc))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
