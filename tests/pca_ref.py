"""Checks emb-pca's output against scikit-learn's PCA (or numpy's SVD for
--no-center) and prints TAP lines.  Used by tests/pca.sh.

    python3 tests/pca_ref.py CASES

CASES is a file of lines "name<TAB>input.emb<TAB>output.emb<TAB>model.emb<TAB>options",
options being emb-pca's: -k K, --variance F, --whiten, --no-center, -m randomized.

Tolerances (the issue's, for the exact method):
  explained variance ratios within 1e-4 of scikit-learn's, and the explained
  variances themselves (divisor rows - 1) within 1e-5, relative;
  each component's |cosine| with scikit-learn's >= 0.9999 where its
  eigenvalue is more than 1% above the next;
  projections equal to scikit-learn's once both follow the sign rule (largest
  |loading| positive): within 2e-4 of the column's largest |value|, as float32
  arithmetic allows (float32 input, float32 output);
  the model's mean equal to numpy's, the largest |loading| of each component
  positive.
For -m randomized, an approximation, compared with the exact answer:
  ratios within 1e-4; the variance its k components capture within 1e-4
  (relative) of the optimum; |cosine| >= 0.999, explained variances within
  1e-4 (relative) and projections within 1e-2 of the column's scale for the
  separated components among the first half of the k
  (the last ones of a randomized fit converge slowest, as with scikit-learn's
  randomized solver, which does no better on these data).
"""
import shlex
import sys
import os

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import embio  # noqa: E402


def tap(good, what):
    print(("ok - " if good else "not ok - ") + what)
    sys.stdout.flush()


def sign_rule(V):
    """Flip each row so its first largest-|value| entry is positive."""
    big = np.argmax(np.abs(V), axis=1)
    return np.where(V[np.arange(len(V)), big] < 0, -1.0, 1.0)


_full = {}


def reference(path, X, k, variance, whiten, center):
    """Components (rows), explained variances (all), ratios, projection."""
    if center:
        from sklearn.decomposition import PCA
        if path not in _full:  # one full fit per data set; PCA(k) is its first k
            _full[path] = PCA(svd_solver="full").fit(X)
        p = _full[path]
        if variance:
            k = PCA(variance, svd_solver="full").fit(X).n_components_
        Y = p.transform(X)[:, :k]
        if whiten:
            Y /= np.sqrt(p.explained_variance_[:k])
        return (k, p.components_[:k], p.explained_variance_,
                p.explained_variance_ratio_[:k], Y)
    _, s, vt = np.linalg.svd(X, full_matrices=False)
    ev_all = s * s / (len(X) - 1)
    Y = X @ vt[:k].T
    if whiten:
        Y /= np.sqrt(ev_all[:k])
    return k, vt[:k], ev_all, (s * s / (s * s).sum())[:k], Y


def check(name, data, out, model, opts):
    o = shlex.split(opts)
    k = int(o[o.index("-k") + 1]) if "-k" in o else 2
    variance = float(o[o.index("--variance") + 1]) if "--variance" in o else None
    whiten = "--whiten" in o
    center = "--no-center" not in o
    X = embio.last_points(data)["data"].astype(np.float64)
    out_f = embio.last_points(out)
    Y = out_f["data"].astype(np.float64)
    M = embio.last_points(model)
    randomized = out_f["meta"]["pca.method"] == "randomized"
    k, C, ev_all, ratio_ref, Y_ref = reference(data, X, k, variance, whiten, center)
    V = M["data"][1:].astype(np.float64)
    ratio = np.array([float(r[2]) for r in M["labels"][1:]])
    ev = np.array([float(r[1]) for r in M["labels"][1:]])
    meta_ratio = np.array([float(v) for v in out_f["meta"]["pca.explained_variance_ratio"].split()])

    tap(V.shape == (k, X.shape[1]) and Y.shape == (len(X), k) and
        out_f["meta"]["pca.k"] == str(k), "%s: k = %d as scikit-learn" % (name, k))
    if V.shape[0] != k or Y.shape[1] != k:
        return
    err = np.abs(ratio - ratio_ref).max()
    err_meta = np.abs(meta_ratio - ratio_ref).max()
    tap(err <= 1e-4 and err_meta <= 1e-4,
        "%s: explained variance ratios within 1e-4 (model %.2g, metadata %.2g)" % (name, err, err_meta))

    s = sign_rule(C)
    C = C * s[:, None]
    Y_ref = Y_ref * s
    nxt = ev_all[1:k + 1] if len(ev_all) > k else np.r_[ev_all[1:k], 0]
    separated = (ev_all[:k] - nxt) > 0.01 * ev_all[:k]
    if randomized:
        separated &= np.arange(k) < (k + 1) // 2
    cos = (V * C).sum(1)
    want = 0.999 if randomized else 0.9999
    tap(separated.any() and np.all(np.abs(cos[separated]) >= want),
        "%s: |cosine| >= %g for the %d separated components (min %.10f)" %
        (name, want, separated.sum(), np.abs(cos[separated]).min() if separated.any() else 0))
    rel = np.abs(ev - ev_all[:k]) / ev_all[:k]
    want = 1e-4 if randomized else 1e-5
    tap(np.all(rel[separated if randomized else slice(None)] <= want),
        "%s: explained variances (divisor rows - 1) within %g, relative (worst %.2g)" %
        (name, want, rel.max()))
    tap(np.all(sign_rule(V) == 1), "%s: each component's largest |loading| is positive" % name)
    scale = np.abs(Y_ref).max(0)
    rel = (np.abs(Y - Y_ref).max(0) / scale)[separated]
    tol = 1e-2 if randomized else 2e-4
    tap(np.all(rel <= tol),
        "%s: projections equal scikit-learn's under the sign rule, within %g (worst %.2g)" % (name, tol, rel.max()))
    mu = X.mean(0) if center else np.zeros(X.shape[1])
    tap(np.abs(M["data"][0] - mu).max() <= 1e-6 * max(1.0, np.abs(X).max()),
        "%s: the model's mean is numpy's" % name)
    if randomized:
        Xc = X - mu
        captured = ((Xc @ V.T) ** 2).sum() / ((Xc @ C.T) ** 2).sum()
        tap(captured >= 1 - 1e-4, "%s: captures %.7f of the optimal variance" % (name, captured))


def main():
    for line in open(sys.argv[1]):
        if line.strip():
            name, data, out, model, opts = line.rstrip("\n").split("\t")
            try:
                check(name, data, out, model, opts)
            except Exception as e:  # a crash is a failure, with its reason
                tap(False, "%s: %s: %s" % (name, type(e).__name__, e))


if __name__ == "__main__":
    main()
