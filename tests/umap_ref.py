"""Independent references for tests/umap.sh, from umap-learn 0.5.3 and sklearn.

    umap_ref.py data OUTDIR [ROWS]     digits (and parts) as emb files and .npy
    umap_ref.py ab OUT.emb...          umap.a/umap.b of each against find_ab_params
    umap_ref.py fuzzy GRAPH.emb TSV K MIX [LABELS.npy]
                                       emb-umap --graph-out against fuzzy_simplicial_set
                                       (and the supervised intersection with LABELS)
    umap_ref.py quality X.npy LABELS.npy Y.emb...   "Y.emb trust T accuracy A" (10 neighbours)
    umap_ref.py clusters X.npy Y.emb   finite, and the two clusters apart
    umap_ref.py initframe INIT.emb OUT.emb   OUT's first frame is INIT mapped onto [0, 10]
    umap_ref.py pcaframe X.npy OUT.emb       OUT's first frame is X's principal components
Several commands may follow each other, separated by "--"; each check prints
"ok ..." or "not ok ...: why", and the exit status is 1 when one failed.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402


class Failed(Exception):
    pass


def fail(msg):
    raise Failed(msg)


def data(out, rows):
    from sklearn.datasets import load_digits
    X, y = load_digits(return_X_y=True)
    X, y = X[:rows], y[:rows]
    np.save(out + "/digits.npy", X)
    np.save(out + "/digits_y.npy", y)
    with open(out + "/digits.emb", "wb") as f:
        embio.write_points(f, X, [[str(c)] for c in y], ["digit"])
    # some rows unlabelled, for the supervised graph
    ys = [str(c) if i % 7 else "" for i, c in enumerate(y)]
    np.save(out + "/digits_ys.npy", np.array([int(c) if c else -1 for c in ys]))
    with open(out + "/digits_partial.emb", "wb") as f:
        embio.write_points(f, X, [[c] for c in ys], ["digit"])
    # two far clusters and isolated points
    rng = np.random.RandomState(3)
    C = np.vstack([rng.normal(0, 1, (60, 5)), rng.normal(1000, 1, (60, 5)),
                   rng.uniform(-1e5, 1e5, (5, 5))])
    np.save(out + "/clusters.npy", C)
    with open(out + "/clusters.emb", "wb") as f:
        embio.write_points(f, C)


def ab(paths):
    from umap.umap_ import find_ab_params
    for p in paths:
        m = embio.last_points(p)["meta"]
        a, b = find_ab_params(float(m["umap.spread"]), float(m["umap.min_dist"]))
        ea, eb = float(m["umap.a"]), float(m["umap.b"])
        if abs(a - ea) > 1e-3 or abs(b - eb) > 1e-3:
            fail("min_dist %s spread %s: a, b = %g, %g; umap-learn %g, %g" % (
                m["umap.min_dist"], m["umap.spread"], ea, eb, a, b))


def read_tsv(path, n):
    import scipy.sparse as sp
    t = np.loadtxt(path, ndmin=2)
    return sp.csr_matrix((t[:, 2], (t[:, 0].astype(int), t[:, 1].astype(int))), shape=(n, n))


def fuzzy(graph, tsv, k, mix, labels=None):
    from umap.umap_ import fuzzy_simplicial_set, discrete_metric_simplicial_set_intersection
    g = [f for f in embio.read(graph) if f["kind"] == "graph"][-1]
    idx, dist = np.array(g["index"]), np.array(g["data"])
    n = len(idx)
    # umap-learn's lists start with the row itself at distance 0
    idx = np.hstack([np.arange(n)[:, None], idx[:, :k - 1]]).astype(np.int64)
    dist = np.hstack([np.zeros((n, 1)), dist[:, :k - 1]]).astype(np.float32)
    G, _, _ = fuzzy_simplicial_set(np.zeros((n, 1)), k, np.random.RandomState(0),
                                   "euclidean", knn_indices=idx, knn_dists=dist,
                                   set_op_mix_ratio=mix)
    if labels is not None:
        G = discrete_metric_simplicial_set_intersection(G, np.load(labels), far_dist=5.0)
    G = G.tocsr()
    E = read_tsv(tsv, n)
    diff = abs(G - E).max()
    if diff > 1e-4 or G.nnz != E.nnz:
        fail("fuzzy graph: %d edges, umap-learn %d; largest difference %g" % (
            E.nnz, G.nnz, diff))


def knn_vote(Y, y, k=10):
    from sklearn.neighbors import NearestNeighbors
    _, I = NearestNeighbors(n_neighbors=k + 1).fit(Y).kneighbors(Y)
    I = I[:, 1:]
    return np.mean([np.bincount(y[r]).argmax() == y[i] for i, r in enumerate(I)])


def quality(xpath, lpath, *ypaths):
    from sklearn.manifold import trustworthiness
    X, y = np.load(xpath), np.load(lpath)
    for p in ypaths:
        Y = np.array(embio.last_points(p)["data"], dtype=np.float64)
        if not np.isfinite(Y).all():
            fail("non-finite coordinates")
        print("%s trust %.4f accuracy %.4f" % (os.path.basename(p),
              trustworthiness(X, Y, n_neighbors=10), knn_vote(Y, y)))


def clusters(xpath, ypath):
    Y = np.array(embio.last_points(ypath)["data"], dtype=np.float64)
    if not np.isfinite(Y).all() or np.abs(Y).max() > 1e6:
        fail("coordinates not finite or huge: %s" % Y[~np.isfinite(Y).all(1)][:3])
    a, b = Y[:60], Y[60:120]
    gap = np.linalg.norm(a.mean(0) - b.mean(0))
    spread = max(np.linalg.norm(a - a.mean(0), axis=1).max(),
                 np.linalg.norm(b - b.mean(0), axis=1).max())
    if gap <= spread:
        fail("clusters overlap: centres %g apart, radius %g" % (gap, spread))


def frames(path):
    return [f for f in embio.read(path) if f["kind"] == "points"]


def unit_box(Y):
    lo, hi = Y.min(0), Y.max(0)
    return 10 * (Y - lo) / (hi - lo)


def initframe(init, out):
    Y0 = np.array(frames(out)[0]["data"], dtype=np.float64)
    want = unit_box(np.array(frames(init)[0]["data"], dtype=np.float64))
    if abs(Y0 - want).max() > 1e-4:
        fail("first frame differs from the --init layout by %g" % abs(Y0 - want).max())


def pcaframe(xpath, out):
    from sklearn.decomposition import PCA
    X = np.load(xpath)
    Y0 = np.array(frames(out)[0]["data"], dtype=np.float64)
    P = PCA(Y0.shape[1]).fit_transform(X)
    for c in range(Y0.shape[1]):
        r = abs(np.corrcoef(P[:, c], Y0[:, c])[0, 1])
        if r < 0.9999:
            fail("axis %d: correlation %g with sklearn's component" % (c, r))


COMMANDS = {
    "initframe": lambda a: initframe(*a),
    "pcaframe": lambda a: pcaframe(*a),
    "data": lambda a: data(a[0], int(a[1]) if len(a) > 1 else 1797),
    "ab": ab,
    "fuzzy": lambda a: fuzzy(a[0], a[1], int(a[2]), float(a[3]), a[4] if len(a) > 4 else None),
    "quality": lambda a: quality(*a),
    "clusters": lambda a: clusters(*a),
}

if __name__ == "__main__":
    # several commands in one process, separated by "--" (umap-learn is slow
    # to import): "ok NAME" or "not ok NAME: why" for each
    argv, status = sys.argv[1:], 0
    while argv:
        cut = argv.index("--") if "--" in argv else len(argv)
        cmd, args, argv = argv[0], argv[1:cut], argv[cut + 1:]
        if cmd not in COMMANDS:
            sys.exit(__doc__)
        try:
            COMMANDS[cmd](args)
            if cmd not in ("data", "quality"):
                print("ok %s %s" % (cmd, " ".join(os.path.basename(x) for x in args)))
        except Failed as e:
            print("not ok %s %s: %s" % (cmd, " ".join(os.path.basename(x) for x in args), e))
            status = 1
    sys.exit(status)
