"""Independent references for the emb-tsne tests and benchmark (Debian's
python3 with numpy and sklearn).

  digits OUT.emb                      sklearn's digits (1797 x 64) with their classes
  score X.npy|X.emb MAP.emb|MAP.npy LABELS [ROWS]
                                      kNN preservation (k = 10) and 10-NN class
                                      accuracy on ROWS (5000) random rows, as
                                      ../shared/data/README.md defines them
  quality MAP.emb X.emb FIELD MINACC MINTRUST
                                      leave-one-out 10-NN class accuracy and
                                      sklearn's trustworthiness (5 neighbours)
  blobs N D OUT.emb                   N rows of D-dimensional clusters (seeded)
  gauss X.emb P.tsv PERPLEXITY[,...]  P equals sklearn's _joint_probabilities_nn
                                      (one perplexity) or the openTSNE multiscale
                                      average of sklearn's conditionals, to 1e-3
                                      of the largest entry
  withgraph X.emb K OUT.emb           X followed by sklearn's K-neighbour graph frame
  uniform X.emb P.tsv K               P equals (A + A^T) / 2NK, A the kNN indicator
  kl P.tsv MAP.emb TOL                the map's tsne.kl equals KL(P || Q) from numpy
  gradient P.tsv INIT.emb TOL G.emb ...
                                      each G equals numpy's dKL/dy at INIT within
                                      TOL of its norm, and its KL within TOL
  same A.emb B.emb                    the last points frames hold the same floats
  frames MAP.emb K                    K + 1 points frames, iterations ascending
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


def read_p(path, n):
    from scipy.sparse import csr_matrix
    t = np.loadtxt(path, ndmin=2)
    return csr_matrix((t[:, 2], (t[:, 0].astype(int), t[:, 1].astype(int))), shape=(n, n))


def neighbours(X, k):
    d, i = NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
    return d, i


def fail(msg):
    print(msg)
    sys.exit(1)


def close(P, R, what):
    diff = abs(P - R).max()
    top = abs(R).max()
    print("%s: largest difference %.3g of the largest entry %.3g" % (what, diff, top))
    if not diff <= 1e-3 * top:
        fail("%s differs" % what)


def kl(P, Y, dof=1.0):
    D = ((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
    W = (1 + D / dof) ** -dof
    np.fill_diagonal(W, 0)
    Z = W.sum()
    Pc = P.tocoo()
    q = W[Pc.row, Pc.col] / Z
    return np.sum(Pc.data * np.log(Pc.data / q)), W, Z


def gradient(P, Y, dof=1.0, exaggeration=1.0):
    """dKL/dy = 4 sum_j (e p_ij - q_ij) (y_i - y_j) / (1 + d_ij^2 / dof)"""
    _, W, Z = kl(P, Y, dof)
    D = ((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
    M = (exaggeration * P.toarray() - W / Z) / (1 + D / dof)
    np.fill_diagonal(M, 0)
    return 4 * (M.sum(1)[:, None] * Y - M @ Y)


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
    elif cmd == "quality":
        from sklearn.manifold import trustworthiness
        Y, f = load(a[0])
        X, _ = load(a[1])
        lab = np.array([r[f["fields"].index(a[2])] for r in f["labels"]])
        b = NearestNeighbors(n_neighbors=10).fit(Y).kneighbors(return_distance=False)
        classes, y = np.unique(lab, return_inverse=True)
        votes = np.array([np.bincount(y[nb], minlength=len(classes)).argmax() for nb in b])
        acc, tw = np.mean(votes == y), trustworthiness(X, Y)
        print("accuracy %.4f trustworthiness %.4f" % (acc, tw))
        if not (acc >= float(a[3]) and tw >= float(a[4])):
            fail("below accuracy %s or trustworthiness %s" % (a[3], a[4]))
    elif cmd == "blobs":
        n, d = int(a[0]), int(a[1])
        rng = np.random.RandomState(3)
        c = rng.randn(6, d) * 4
        X = c[rng.randint(0, 6, n)] + rng.randn(n, d)
        with open(a[2], "wb") as f:
            embio.write_points(f, X.astype(np.float32))
    elif cmd == "gauss":
        from scipy.sparse import csr_matrix
        from sklearn.manifold._t_sne import _joint_probabilities_nn
        from sklearn.manifold._utils import _binary_search_perplexity
        X, _ = load(a[0])
        n = len(X)
        ps = [float(x) for x in a[2].split(",")]
        k = min(n - 1, int(3 * max(ps)))
        d, i = neighbours(X, k)
        D = csr_matrix(((d ** 2).ravel(), i.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
        if len(ps) == 1:
            R = _joint_probabilities_nn(D, ps[0], 0)
        else:
            C = np.mean([_binary_search_perplexity((d ** 2).astype(np.float32), p, 0)
                         for p in ps], axis=0)
            A = csr_matrix((C.ravel(), i.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
            R = (A + A.T) / (2 * n)
        close(read_p(a[1], n), R, "P")
    elif cmd == "withgraph":
        X, f = load(a[0])
        d, i = neighbours(X, int(a[1]))
        with open(a[2], "wb") as out:
            embio.write_points(out, X.astype(np.float32))
            embio.write_graph(out, i, d, {"knn.metric": "euclidean"})
    elif cmd == "uniform":
        from scipy.sparse import csr_matrix
        X, _ = load(a[0])
        n, k = len(X), int(a[2])
        _, i = neighbours(X, k)
        A = csr_matrix((np.ones(n * k), i.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
        close(read_p(a[1], n), (A + A.T) / (2 * n * k), "uniform P")
    elif cmd == "kl":
        Y, f = load(a[1])
        ref, _, _ = kl(read_p(a[0], len(Y)), Y)
        got = float(f["meta"]["tsne.kl"])
        print("KL %.6f, numpy %.6f" % (got, ref))
        if not abs(got - ref) <= float(a[2]) * abs(ref):
            fail("KL differs")
    elif cmd == "gradient":
        Y, _ = load(a[1])
        P = read_p(a[0], len(Y))
        tol = float(a[2])
        for path in a[3:]:
            g, f = load(path)
            dof, ex = float(f["meta"]["tsne.dof"]), float(f["meta"]["tsne.exaggeration"])
            G = gradient(P, Y, dof, ex)
            ref, _, _ = kl(P, Y, dof)
            err = np.linalg.norm(g - G) / np.linalg.norm(G)
            klerr = abs(float(f["meta"]["tsne.kl"]) - ref) / ref
            print("%s (%s): gradient %.2e, KL %.2e off" % (path, f["meta"]["tsne.method"], err, klerr))
            if not (err <= tol and klerr <= tol):
                fail("%s: off by more than %g" % (path, tol))
    elif cmd == "same":
        A, _ = load(a[0])
        B, _ = load(a[1])
        if A.shape != B.shape or not np.array_equal(A, B):
            fail("the maps differ")
    elif cmd == "frames":
        fr = [f for f in embio.read(a[0]) if f["kind"] == "points"]
        its = [int(f["meta"]["tsne.iteration"]) for f in fr]
        print("frames at", its)
        if len(fr) != int(a[1]) + 1 or its != sorted(its) or len(set(its)) != len(its):
            fail("want %s frames, iterations ascending" % (int(a[1]) + 1))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
