"""umap-learn's transform, the peer of emb-umap --apply, on the same rows.

    place_peer.py INPUT NREF THREADS [NPLACE]

INPUT: an emb stream (the rows, labelled by class); the first NREF rows are
the reference, the next NPLACE rows (default: all the others) are placed.
Prints: fit seconds, transform seconds, placed points per
second, and the 10-NN class accuracy of the placed points against the
reference's labels.
"""
import os
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", sys.argv[3])
import numpy as np
import umap
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import embio

f = embio.last_points(sys.argv[1])
X = np.asarray(f["data"], dtype=np.float32)
lab = np.array([r[0] for r in f["labels"]])
n = int(sys.argv[2])
if len(sys.argv) > 4:
    X, lab = X[:n + int(sys.argv[4])], lab[:n + int(sys.argv[4])]
t0 = time.time()
m = umap.UMAP(random_state=None).fit(X[:n])
t1 = time.time()
Y = m.transform(X[n:])
t2 = time.time()
idx = NearestNeighbors(n_neighbors=10).fit(m.embedding_).kneighbors(Y, return_distance=False)
hits = 0
for i, row in enumerate(idx):
    v, c = np.unique(lab[:n][row], return_counts=True)
    hits += v[np.argmax(c)] == lab[n + i]
print("%.2f %.2f %.0f %.4f" % (t1 - t0, t2 - t1, (len(X) - n) / (t2 - t1), hits / (len(X) - n)))
