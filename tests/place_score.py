"""Scores of points placed into a fixed map, against a map fitted on everything.

    place_score.py REFMAP PLACED FULLMAP INPUT

REFMAP: the reference map (its rows are the first rows of FULLMAP's input);
PLACED: the other rows, placed into it; FULLMAP: a map of all rows fitted at
once; INPUT: all rows in the input space, reference rows first.  Class labels are the
first label field.  Prints: the 10-NN class accuracy of the placed points
against the reference's labels, in the placed map and in the full map (the
same points, the same reference rows), then the kNN preservation (k = 10,
neighbours among all rows, input vs map) of 2,000 placed points, in both.
"""
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

import embio

K = 10


def pts(path):
    f = embio.last_points(path)
    return np.asarray(f["data"], dtype=np.float64), np.array([r[0] for r in f["labels"]])


def accuracy(ref, refl, new, newl):
    nn = NearestNeighbors(n_neighbors=K).fit(ref)
    idx = nn.kneighbors(new, return_distance=False)
    hits = 0
    for i, row in enumerate(idx):
        vals, counts = np.unique(refl[row], return_counts=True)
        hits += vals[np.argmax(counts)] == newl[i]
    return hits / len(new)


def preservation(X, Y, q):
    a = NearestNeighbors(n_neighbors=K + 1).fit(X).kneighbors(X[q], return_distance=False)[:, 1:]
    b = NearestNeighbors(n_neighbors=K + 1).fit(Y).kneighbors(Y[q], return_distance=False)[:, 1:]
    return np.mean([len(set(a[i]) & set(b[i])) / K for i in range(len(q))])


ref, refl = pts(sys.argv[1])
new, newl = pts(sys.argv[2])
full, fulll = pts(sys.argv[3])
X = np.asarray(embio.last_points(sys.argv[4])["data"], dtype=np.float64)
n = len(ref)
assert (fulll[:n] == refl).all() and (fulll[n:] == newl).all(), "rows out of order"
acc_placed = accuracy(ref, refl, new, newl)
acc_full = accuracy(full[:n], refl, full[n:], newl)
# kNN preservation of the placed points, their neighbours among all rows
rng = np.random.default_rng(1)
q = n + rng.choice(len(new), size=min(2000, len(new)), replace=False)
pres_placed = preservation(X, np.vstack([ref, new]), q)
pres_full = preservation(X, full, q)
print("%.4f %.4f %.4f %.4f" % (acc_placed, acc_full, pres_placed, pres_full))
