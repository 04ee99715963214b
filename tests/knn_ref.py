"""Independent references for the emb-knn tests (Debian's python3, numpy and
sklearn).  Each subcommand prints what it found; a check exits 1 on failure.

  prefix X.npy N OUT.emb [LABELS]    the first N rows, as float32, as a stream
  pca X.npy N D OUT.npy OUT.emb [LABELS]
                                     the first N rows projected by sklearn's PCA to D
  exact X.emb K METRIC GRAPH.emb [METRIC GRAPH.emb ...]
                                     each graph equals NearestNeighbors(brute), up to ties
  recall X.emb K GRAPH.emb ...       the recall of each graph against sklearn's exact search
  glove GLOVE.txt.gz N OUT.emb       the first N words and vectors as a stream
  query X.emb WORD K                 the K nearest rows by cosine, as emb-knn -q writes them
  against REF.emb MAP.emb K METRIC [FIELD]
                                     sklearn's trustworthiness, numpy's kNN preservation,
                                     continuity (for euclidean) and LOO k-NN accuracy,
                                     as emb-knn writes them
"""
import gzip
import os
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402


def labels_from(path, n):
    if path is None:
        return None
    with open(path, encoding="utf-8") as f:
        return [[w] for w in f.read().split("\n")[:n]]


def write(path, X, labels=None, fields=None):
    with open(path, "wb") as f:
        embio.write_points(f, np.asarray(X, np.float32), labels, fields)


def reference(X, k, metric):
    """sklearn's brute-force neighbours and distances, self excluded."""
    X = np.asarray(X, np.float64)
    if metric == "dot":
        # no dot metric in sklearn: largest inner product first through a
        # precomputed, shifted (so non-negative) dissimilarity
        S = X @ X.T
        D = S.max() - S
        np.fill_diagonal(D, 0)
        ind = NearestNeighbors(n_neighbors=k, algorithm="brute",
                               metric="precomputed").fit(D).kneighbors(return_distance=False)
        return -np.take_along_axis(S, ind, 1), ind
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric).fit(X)
    return nn.kneighbors()


def pair_dist(X, i, j, metric):
    x, y = X[i].astype(np.float64), X[j].astype(np.float64)
    if metric == "euclidean":
        return np.sqrt(np.sum((x - y) ** 2))
    if metric == "dot":
        return -x @ y
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    return 1.0 - (x @ y / (nx * ny) if nx > 0 and ny > 0 else 0.0)


def cmd_exact(X, gpath, k, metric):
    g = [f for f in embio.read(gpath) if f["kind"] == "graph"][-1]
    I, D = np.array(g["index"]), np.array(g["data"], np.float64)
    rd, ri = reference(X, k, metric)
    scale = max(1.0, np.abs(rd).max())
    tol = 1e-5 * scale
    bad = []
    if not np.all(np.diff(D, axis=1) >= 0):
        bad.append("distances not ascending")
    if np.any(I == np.arange(len(X))[:, None]):
        bad.append("a row is its own neighbour")
    err = np.abs(D - rd).max()
    if err > tol:
        bad.append("distances differ by %.3g (tolerance %.3g)" % (err, tol))
    ties = 0
    for i in range(len(X)):
        extra = set(I[i]) - set(ri[i])
        for j in extra:
            # another neighbour only if it ties with sklearn's k-th
            if abs(pair_dist(X, i, j, metric) - rd[i, -1]) > tol:
                bad.append("row %d: neighbour %d is not among sklearn's" % (i, j))
                break
            ties += 1
        # my distances are the true distances of my neighbours
        for s in range(0, k, max(1, k // 3)):
            if abs(pair_dist(X, i, I[i, s], metric) - D[i, s]) > tol:
                bad.append("row %d: distance %d is not that of its neighbour" % (i, s))
                break
        if len(bad) > 5:
            break
    if bad:
        print("%s: not ok: %s" % (metric, "; ".join(bad[:5])))
        return False
    print("%s: ok: equal to sklearn, %d neighbours swapped among ties, largest difference %.3g"
          % (metric, ties, err))
    return True


def cmd_recall(xpath, k, graphs):
    X = np.array(embio.last_points(xpath)["data"], np.float32)
    _, ri = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(X).kneighbors()
    for gpath in graphs:
        g = [f for f in embio.read(gpath) if f["kind"] == "graph"][-1]
        hits = sum(len(set(a) & set(b)) for a, b in zip(np.array(g["index"]), ri))
        print("%.4f" % (hits / (len(X) * k)))


def cmd_glove(path, n, out):
    words, rows = [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split(" ")
            words.append(p[0])
            rows.append(p[1:])
            if len(words) == n:
                break
    write(out, np.array(rows, dtype=np.float32), [[w] for w in words], ["word"])


def cmd_query(xpath, word, k):
    f = embio.last_points(xpath)
    X = np.array(f["data"], np.float64)
    words = [r[0] for r in f["labels"]]
    i = words.index(word)
    U = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    s = U @ U[i]
    s[i] = -np.inf
    for r, j in enumerate(np.argsort(-s, kind="stable")[:k]):
        print("%s\t%d\t%s\t%.6f" % (word, r + 1, words[j], s[j]))


def cmd_against(refpath, mappath, k, metric, field=None):
    from sklearn.manifold import trustworthiness
    ref, emb = embio.last_points(refpath), embio.last_points(mappath)
    X, Y = np.array(ref["data"], np.float64), np.array(emb["data"], np.float64)
    n = len(X)
    a = NearestNeighbors(n_neighbors=k, metric=metric).fit(X).kneighbors(return_distance=False)
    b = NearestNeighbors(n_neighbors=k).fit(Y).kneighbors(return_distance=False)
    print("k\t%d\nrows\t%d" % (k, n))
    print("knn_preservation\t%.6f" % (np.mean([len(set(p) & set(q)) for p, q in zip(a, b)]) / k))
    print("trustworthiness\t%.6f" % trustworthiness(X, Y, n_neighbors=k, metric=metric))
    if metric == "euclidean":
        # the roles swapped: ranks in the map, neighbours in the reference
        print("continuity\t%.6f" % trustworthiness(Y, X, n_neighbors=k))
    if field is not None:
        fi = emb["fields"].index(field)
        lab = np.array([r[fi] for r in emb["labels"]])
        classes, y = np.unique(lab, return_inverse=True)
        # the most common class among the neighbours, a tie to the first
        votes = np.array([np.bincount(y[nb], minlength=len(classes)).argmax() for nb in b])
        print("knn_accuracy\t%.6f" % np.mean(votes == y))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "prefix":
        X = np.load(a[0], mmap_mode="r")
        n = int(a[1])
        X = np.asarray(X[:n], np.float32).reshape(n, -1)
        write(a[2], X, labels_from(a[3] if len(a) > 3 else None, n), ["label"])
    elif cmd == "pca":
        from sklearn.decomposition import PCA
        X = np.load(a[0], mmap_mode="r")
        n = int(a[1])
        X = np.asarray(X[:n], np.float32).reshape(n, -1)
        Y = PCA(int(a[2]), random_state=0).fit_transform(X).astype(np.float32)
        np.save(a[3], Y)
        write(a[4], Y, labels_from(a[5] if len(a) > 5 else None, n), ["label"])
    elif cmd == "exact":
        X = np.array(embio.last_points(a[0])["data"], np.float64)
        good = [cmd_exact(X, a[i + 1], int(a[1]), a[i]) for i in range(2, len(a), 2)]
        sys.exit(0 if all(good) else 1)
    elif cmd == "recall":
        cmd_recall(a[0], int(a[1]), a[2:])
    elif cmd == "glove":
        cmd_glove(a[0], int(a[1]), a[2])
    elif cmd == "query":
        cmd_query(a[0], a[1], int(a[2]))
    elif cmd == "against":
        cmd_against(a[0], a[1], int(a[2]), a[3], a[4] if len(a) > 4 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
