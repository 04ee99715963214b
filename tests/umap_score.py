"""Scores of a 2-D map against its high-dimensional data, as
/work/shared/data/README.md defines them, on a random sample of query rows:

    python3 tests/umap_score.py X.npy LABELS MAP.emb [QUERIES] [K]

prints "preservation P accuracy A": the mean share of each query's K (10)
nearest neighbours in X that are among its K nearest in the map, and the
leave-one-out K-NN class vote accuracy in the map.  LABELS: a text file of
one class per line, or "-" to take the map's first label field.
"""
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import embio  # noqa: E402


def knn(data, queries, k):
    nn = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(data)
    _, idx = nn.kneighbors(data[queries])
    out = np.empty((len(queries), k), dtype=np.int64)
    for r, (q, row) in enumerate(zip(queries, idx)):
        row = row[row != q][:k]
        out[r] = row
    return out


def score(X, labels, Y, m=5000, k=10, seed=0):
    n = len(X)
    q = np.random.RandomState(seed).choice(n, size=min(m, n), replace=False)
    hi, lo = knn(X, q, k), knn(Y, q, k)
    pres = np.mean([len(set(a) & set(b)) / k for a, b in zip(hi, lo)])
    _, codes = np.unique(labels, return_inverse=True)
    votes = [np.bincount(codes[row], minlength=codes.max() + 1).argmax() for row in lo]
    acc = np.mean(np.array(votes) == codes[q])
    return pres, acc


if __name__ == "__main__":
    X = np.load(sys.argv[1]).astype(np.float64)
    f = embio.last_points(sys.argv[3])
    Y = np.array(f["data"], dtype=np.float64)
    if sys.argv[2] == "-":
        labels = np.array([r[0] for r in f["labels"]])
    else:
        labels = np.array(open(sys.argv[2]).read().split("\n")[:len(X)])
    m = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    k = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    p, a = score(X, labels, Y, m, k)
    print("preservation %.4f accuracy %.4f" % (p, a))
