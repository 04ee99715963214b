# emb-pca as a filter: what passes through, the model file, reading a file
# twice, bounded memory, determinism, and bad input.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy; then
	skip_required "emb-pca stream tests" "no numpy for $PY"
	exit 0
fi

# A stream of two points frames, each with labels, metadata and a graph after it.
"$PY" - "$T" "$ROOT/tests" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
rng = np.random.RandomState(3)
A = (rng.randn(300, 12) * np.arange(1, 13) + 1000).astype(np.float32)
B = rng.randn(80, 5).astype(np.float32) @ rng.randn(5, 5).astype(np.float32)
ia = np.array([[(i + j + 1) % 300 for j in range(4)] for i in range(300)])
ib = np.array([[(i + 1) % 80] for i in range(80)])
with open(t + "/two.emb", "wb") as f:
    embio.write_points(f, A, [["w%d" % i, "tab\there %d" % (i % 3)] for i in range(300)],
                       ["word", "class name"], {"source": "test%", "note": "first"})
    embio.write_graph(f, ia, rng.rand(300, 4), {"knn.k": 4})
    embio.write_points(f, B, [["b%d" % i] for i in range(80)], ["id"], {"note": "second"})
    embio.write_graph(f, ib, rng.rand(80, 1))
with open(t + "/a.emb", "wb") as f:
    embio.write_points(f, A)
with open(t + "/b.emb", "wb") as f:
    embio.write_points(f, B, [["b%d" % i] for i in range(80)], ["id"], {"note": "second"})
X = rng.randn(40, 6).astype(np.float32)
X[17, 2] = np.nan
embio.write_points(open(t + "/nan.emb", "wb"), X)
X[17, 2] = -np.inf
embio.write_points(open(t + "/inf.emb", "wb"), X)
embio.write_points(open(t + "/small.emb", "wb"), rng.randn(5, 3))
embio.write_points(open(t + "/fewrows.emb", "wb"), rng.randn(3, 6))
embio.write_points(open(t + "/onerow.emb", "wb"), rng.randn(1, 3))
embio.write_points(open(t + "/same.emb", "wb"), np.ones((10, 4)))
embio.write_points(open(t + "/rank2.emb", "wb"), rng.randn(50, 2) @ rng.randn(2, 6))
embio.write_points(open(t + "/wide.emb", "wb"), rng.randn(20, 7))
# The same integer data scaled by 1e25 and 1e-25, and offset by 1e6 (all exact in float32).
base = np.round(rng.randn(500, 8) * np.arange(8, 0, -1) * 4)
for name, Z in (("base", base), ("big", base * 2.0 ** 83), ("tiny", base * 2.0 ** -83), ("offset", base + 1e6)):
    embio.write_points(open(t + "/" + name + ".emb", "wb"), Z)
embio.write_points(open(t + "/overflow.emb", "wb"), np.array([[3e38, 1], [3e38, 2], [-3e38, 4]]))
embio.write_points(open(t + "/projover.emb", "wb"), np.array([[3e38, 3e38], [-3e38, -3e38], [1, 2]]))
# Not a model; and models whose numbers or names are broken.
embio.write_points(open(t + "/notmodel.emb", "wb"), rng.randn(3, 12))
meta = {"reducer": "PCA", "pca.model": "mean and components", "pca.k": 1, "pca.method": "exact",
        "pca.center": "yes", "pca.whiten": "no", "pca.rows": 10, "pca.total_variance": 2}
for name, lab, m in (("badvar", [["mean", "", ""], ["pc1", "x1", "0.5"]], meta),
                     ("badname", [["mean", "", ""], ["pc2", "1", "0.5"]], meta),
                     ("badwhiten", [["mean", "", ""], ["pc1", "1", "0.5"]], dict(meta, **{"pca.whiten": "maybe"}))):
    with open(t + "/" + name + ".emb", "wb") as f:
        embio.write_points(f, rng.randn(2, 12), lab,
                           ["name", "explained_variance", "explained_variance_ratio"], m)
PY

emb-pca -k 3 --save "$T/two.model" "$T/two.emb" >"$T/two.out"
check "two frames: exits 0" test $? -eq 0
emb-pca -k 3 "$T/b.emb" >"$T/b.out"
check "pass-through: frames, labels, fields, metadata and graphs; each frame fitted alone" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
a, b = embio.read(t + "/two.emb"), embio.read(t + "/two.out")
assert [f["kind"] for f in a] == [f["kind"] for f in b] == ["points", "graph", "points", "graph"]
for x, y in zip(a, b):
    if x["kind"] == "graph":
        assert np.array_equal(x["index"], y["index"]) and np.array_equal(x["data"], y["data"])
        assert x["meta"] == y["meta"]
    else:
        assert x["labels"] == y["labels"] and x["fields"] == y["fields"]
        assert y["data"].shape == (len(x["data"]), 3)
        for k, v in x["meta"].items():
            assert y["meta"][k] == v, k
        assert y["meta"]["reducer"] == "PCA" and y["meta"]["pca.k"] == "3"
        assert y["meta"]["pca.center"] == "yes" and y["meta"]["pca.whiten"] == "no"
alone = embio.read(t + "/b.out")[0]
assert np.array_equal(alone["data"], b[2]["data"]), "second frame fitted on its own"
m = embio.read(t + "/two.model")
assert len(m) == 2 and m[0]["data"].shape == (4, 12) and m[1]["data"].shape == (4, 5)
PY

# The model is a stream emb-info reads: the mean (of values near 1000) and unit components.
emb-info "$T/two.model" >"$T/model.info"
check "emb-info describes the model" grep -q '^frame 1: points, 4 rows x 12 cols, labels: name, explained_variance, explained_variance_ratio' "$T/model.info"
emb-pca -k 3 --save "$T/a.model" "$T/a.emb" >/dev/null
emb-info -t "$T/a.model" >"$T/model.tsv"
emb-info -l "$T/a.model" >"$T/model.labels"
check "emb-info -t gives the mean and unit components, -l the variances" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
X = embio.read(t + "/a.emb")[0]["data"].astype(np.float64)
M = np.loadtxt(t + "/model.tsv", delimiter="\t")
assert M.shape == (4, 12) and np.abs(M[0] - X.mean(0)).max() < 1e-4, "mean"
assert np.allclose((M[1:] ** 2).sum(1), 1, atol=1e-6), "unit components"
assert np.allclose(M[1:] @ M[1:].T, np.eye(3), atol=1e-6), "orthonormal"
L = [l.split("\t") for l in open(t + "/model.labels").read().splitlines()]
assert L[0] == ["name", "explained_variance", "explained_variance_ratio"] and L[1][0] == "mean"
ev = np.linalg.eigvalsh(np.cov(X.T))[::-1]
assert np.allclose([float(l[1]) for l in L[2:]], ev[:3], rtol=1e-5), "variances"
PY

# PCA is unchanged by scale and offset: huge, tiny and offset values give the same fit
# (products are scaled by powers of 2 where floats would overflow or underflow).
for v in base big tiny offset; do
	for m in exact randomized; do
		emb-pca -k 4 -m $m --save "$T/$v.$m.model" "$T/$v.emb" >"$T/$v.$m.out"
	done
done
check "values near 1e25, 1e-25 and 1e6 give the fit of the same data near 1" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
for m in ("exact", "randomized"):
    ref = embio.last_points(t + "/base.%s.model" % m)
    y0 = embio.last_points(t + "/base.%s.out" % m)["data"]
    for v, f in (("big", 2.0 ** 83), ("tiny", 2.0 ** -83), ("offset", 1)):
        mod = embio.last_points(t + "/%s.%s.model" % (v, m))
        r0 = np.array([float(l[2]) for l in ref["labels"][1:]])
        r1 = np.array([float(l[2]) for l in mod["labels"][1:]])
        assert np.abs(r0 - r1).max() < 1e-6, (m, v, "ratios")
        assert np.abs((ref["data"][1:] * mod["data"][1:]).sum(1) - 1).max() < 1e-6, (m, v, "components")
        y = embio.last_points(t + "/%s.%s.out" % (v, m))["data"] / f
        # the saved mean is float32: near 1e6 it is rounded by up to half an ulp (2**-5)
        mean_rounding = 2.0 ** -5 * np.abs(mod["data"][1:]).sum(1) if v == "offset" else 0
        assert np.all(np.abs(y - y0).max(0) <= 1e-4 * np.abs(y0).max() + mean_rounding), (m, v, "projections")
PY

cat "$T/two.emb" "$T/b.emb" >"$T/three.emb"
fails 1 'has 2 models, the input more points frames' "--apply: more frames than models" \
    emb-pca --apply "$T/two.model" "$T/three.emb"
emb-pca --apply "$T/two.model" "$T/two.emb" >"$T/two.apply"
check "--apply with two models projects each frame with its own" "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
a, b = embio.read(t + "/two.out"), embio.read(t + "/two.apply")
assert len(a) == len(b) == 4
assert all(np.array_equal(x["data"], y["data"]) for x, y in zip(a, b))
PY
emb-pca -k 3 --save "$T/b.model" "$T/b.emb" >/dev/null
cat "$T/b.emb" "$T/b.emb" "$T/b.emb" | emb-pca --apply "$T/b.model" >"$T/b3.apply"
check "--apply with one model projects every frame with it" "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
fr = embio.read(t + "/b3.apply")
one = embio.read(t + "/b.out")[0]["data"]
assert len(fr) == 3 and all(np.array_equal(f["data"], one) for f in fr)
PY

# A file is read twice, a pipe buffered, stdin from a file read twice: the same bytes.
emb-pca -k 3 <"$T/two.emb" >"$T/two.stdin"
cat "$T/two.emb" | emb-pca -k 3 >"$T/two.pipe"
check "file, redirected stdin and pipe give the same bytes" sh -c \
    "cmp -s '$T/two.out' '$T/two.stdin' && cmp -s '$T/two.out' '$T/two.pipe'"
for m in exact randomized; do
	emb-pca -m $m -k 4 --seed 5 "$T/two.emb" >"$T/$m.1"
	emb-pca -m $m -k 4 --seed 5 "$T/two.emb" >"$T/$m.2"
	cat "$T/two.emb" | emb-pca -m $m -k 4 --seed 5 >"$T/$m.3"
	check "$m: the same input gives the same bytes, from a file or a pipe" sh -c \
	    "cmp -s '$T/$m.1' '$T/$m.2' && cmp -s '$T/$m.1' '$T/$m.3'"
done
emb-pca -m randomized -k 2 --power-iterations 3 --oversamples 5 --seed 9 \
    --save "$T/r.model" "$T/a.emb" >"$T/r.out"
emb-pca -m randomized -k 2 --seed 10 "$T/a.emb" >"$T/r10.out"
check "randomized: its settings in the metadata and the model; another seed, nearly the same fit" \
    "$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
t = sys.argv[1]
for f in (embio.last_points(t + "/r.out"), embio.last_points(t + "/r.model")):
    m = f["meta"]
    assert (m["pca.method"], m["pca.power_iterations"], m["pca.oversamples"], m["pca.seed"]) == \
        ("randomized", "3", "5", "9"), m
a, b = embio.last_points(t + "/r.out"), embio.last_points(t + "/r10.out")
# scikit-learn's auto: 4 power iterations unless k < 0.1 min(rows, cols)
assert b["meta"]["pca.seed"] == "10" and b["meta"]["pca.power_iterations"] == "4"
assert not np.array_equal(a["data"], b["data"])
assert np.abs(a["data"] - b["data"]).max() < 1e-3 * np.abs(a["data"]).max()
PY
gzip -c "$T/two.emb" >"$T/two.emb.gz"
emb-pca -k 3 "$T/two.emb.gz" >"$T/two.gz.out"
check "a gzip-compressed file gives the same output" cmp -s "$T/two.out" "$T/two.gz.out"

# -v reports every component's ratio on stderr; -q is silent.
emb-pca -v -k 3 "$T/b.emb" 2>"$T/v.err" >/dev/null
check "-v reports explained variance ratios" sh -c \
    "grep -q 'frame 1: pc3 explained variance .*, ratio 0\\.[0-9]*, cumulative' '$T/v.err'"
emb-pca -q -k 3 "$T/b.emb" 2>"$T/q.err" >/dev/null
check "-q prints nothing" test ! -s "$T/q.err"

# Bounded memory: a fit on a file, --apply on a pipe, of 100,000 and of
# 400,000 rows (25 and 102 MB): four times the rows, the same memory, well
# under the input's size (not under sanitizers, whose memory is their own).
if [ -z "$EMB_SANITIZED" ] && [ -x /usr/bin/time ]; then
	"$PY" - "$T" "$ROOT/tests" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[2]); import embio
X = np.random.RandomState(1).randn(400000, 64).astype(np.float32) * np.linspace(1, 3, 64) + 5
for name, n in (("short", 100000), ("long", 400000)):
    with open(sys.argv[1] + "/" + name + ".emb", "wb") as f:
        embio.write_points(f, X[:n])
PY
	for n in short long; do
		/usr/bin/time -f %M -o "$T/$n.fit.rss" \
		    emb-pca -k 8 --save "$T/$n.model" "$T/$n.emb" >/dev/null
		/usr/bin/time -f %M -o "$T/$n.apply.rss" sh -c \
		    "cat '$T/$n.emb' | emb-pca --apply '$T/short.model' | tail -c 1 >/dev/null"
	done
	for w in fit apply; do
		s=$(tail -n 1 "$T/short.$w.rss") l=$(tail -n 1 "$T/long.$w.rss")
		check "$w: 4 x the rows, memory $s KB then $l KB (< +8 MB, < 50 MB)" \
		    test "$l" -lt $((s + 8000)) -a "$l" -lt 50000
	done
fi

# Bad input: one line, exit 1, nothing passed off as output.
fails 1 'nan.emb: frame 1, row 17: NaN value' "a NaN is an error (file)" emb-pca "$T/nan.emb"
check "no output after an error in the first pass" test ! -s "$T/out"
fails 1 'stdin: frame 1, row 17: infinite value' "an infinity is an error (pipe)" \
    sh -c "cat '$T/inf.emb' | emb-pca"
fails 1 'k = 4 is more than min\(rows, cols\) = 3' "k > min(rows, cols)" emb-pca -k 4 "$T/small.emb"
fails 1 'k = 4 is more than min\(rows, cols\) = 3' "k > min(rows, cols), few rows" \
    emb-pca -k 4 "$T/fewrows.emb"
fails 1 'at least 2 rows' "one row" emb-pca -k 1 "$T/onerow.emb"
fails 1 'row 2: centring overflows a float' "centring beyond the float range" \
    emb-pca -k 1 "$T/overflow.emb"
fails 1 'row 0: the projection overflows a float' "a projection beyond the float range" \
    emb-pca -k 1 "$T/projover.emb"
fails 1 'all rows are equal' "no variance" emb-pca "$T/same.emb"
fails 1 'component 3 has no variance to whiten' "whitening a null direction" \
    emb-pca -k 3 --whiten "$T/rank2.emb"
fails 1 'frame 1 has 7 columns, the model 5' "a model of the wrong dimension" \
    emb-pca --apply "$T/b.model" "$T/wide.emb"
fails 1 'frame 1 is not a PCA model' "not a model" emb-pca --apply "$T/notmodel.emb" "$T/small.emb"
fails 1 'model 1: bad explained variance' "a model with a bad number" \
    emb-pca --apply "$T/badvar.emb" "$T/two.emb"
fails 1 "row 1 is not named 'pc1'" "a model with a bad row name" \
    emb-pca --apply "$T/badname.emb" "$T/two.emb"
fails 1 "pca.whiten is not 'yes' or 'no'" "a model with a bad setting" \
    emb-pca --apply "$T/badwhiten.emb" "$T/two.emb"
fails 1 'no model in it' "an empty model file" emb-pca --apply /dev/null "$T/two.emb"
head -c 5000 "$T/two.emb" >"$T/trunc.emb"
fails 1 'truncated' "a truncated file" emb-pca "$T/trunc.emb"
check "no output for a truncated file" test ! -s "$T/out"
fails 1 'truncated' "a truncated pipe" sh -c "cat '$T/trunc.emb' | emb-pca"
fails 1 'is an input; --save would overwrite it' "--save onto the input" \
    emb-pca --save "$T/two.emb" "$T/two.emb"
fails 1 'No such file or directory' "--save into a missing directory" \
    emb-pca --save "$T/no/such" "$T/two.emb"
fails 1 "unknown method 'svd'" "an unknown method" emb-pca -m svd "$T/b.emb"
fails 1 'out of range' "--variance 1" emb-pca --variance 1 "$T/b.emb"
fails 1 'out of range' "-k 0" emb-pca -k 0 "$T/b.emb"
fails 1 'No such file' "a missing file" emb-pca "$T/missing.emb"

usage_fails "-k with --variance" emb-pca -k 2 --variance 0.5 "$T/b.emb"
usage_fails "--apply with --save" emb-pca --apply "$T/b.model" --save "$T/x" "$T/b.emb"
usage_fails "--apply with -k" emb-pca --apply "$T/b.model" -k 2 "$T/b.emb"
usage_fails "--apply with --whiten" emb-pca --apply "$T/b.model" --whiten "$T/b.emb"
usage_fails "--variance with -m randomized" emb-pca --variance 0.5 -m randomized "$T/b.emb"
usage_fails "an unknown option" emb-pca --frobnicate
