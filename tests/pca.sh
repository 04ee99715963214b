# emb-pca against scikit-learn: sklearn's digits (1797 x 64), a prefix of
# Fashion-MNIST, and wide synthetic data for the randomized method.
# The tolerances are in tests/pca_ref.py.
. "$(dirname "$0")/lib.sh"

if ! need_py numpy sklearn; then
	skip "emb-pca against scikit-learn" "no numpy or sklearn for $PY"
	exit 0
fi

# Fashion-MNIST rows (2,000 without ../shared), the size of the wide matrix;
# smaller under sanitizers.
fm=10000 wide="3000 1200"
[ -n "$EMB_SANITIZED" ] && fm=2000 wide="1200 1100"

# without the shared data set, the 2,000 bundled Fashion-MNIST images
"$PY" - "$T" "$ROOT/tests" "$DATA/fashion-mnist.npy" $fm $wide "$ROOT/examples/fashion-mnist-2k.npz" <<'PY'
import os, sys
import numpy as np
sys.path.insert(0, sys.argv[2]); import embio
from sklearn.datasets import load_digits
t, npy, fm, wn, wd = sys.argv[1], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
d = load_digits()
with open(t + "/digits.emb", "wb") as f:
    embio.write_points(f, d.data.astype(np.float32), [[str(c)] for c in d.target], ["digit"])
if os.path.exists(npy):
    X = np.load(npy, mmap_mode="r")[:fm].reshape(fm, -1).astype(np.float32)
else:
    X = np.load(sys.argv[7])["images"][:fm].reshape(-1, 784).astype(np.float32)
with open(t + "/fashion.emb", "wb") as f:
    embio.write_points(f, X)
# Wide data with a decaying spectrum, far from centred: the randomized method's case.
rng = np.random.RandomState(7)
U = np.linalg.qr(rng.randn(wn, 60))[0]
V = np.linalg.qr(rng.randn(wd, 60))[0]
X = (U * (1000 * 0.9 ** np.arange(60))) @ V.T + rng.randn(wn, wd) + 50
with open(t + "/wide.emb", "wb") as f:
    embio.write_points(f, X.astype(np.float32))
PY

# run NAME INPUT OPTIONS: fit with --save, and add a case for pca_ref.py
: >"$T/cases"
run() {
	n=$1 in=$2; shift 2
	if emb-pca "$@" --save "$T/$n.model" "$T/$in" >"$T/$n.out" 2>"$T/$n.err"; then
		printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$T/$in" "$T/$n.out" "$T/$n.model" "$*" >>"$T/cases"
	else
		notok "$n: emb-pca $* failed: $(head -c 300 "$T/$n.err")"
	fi
}
run digits-k10 digits.emb -k 10
run digits-whiten digits.emb -k 5 --whiten
run digits-variance digits.emb --variance 0.9
run digits-nocenter digits.emb -k 5 --no-center
run digits-randomized digits.emb -k 10 -m randomized
run digits-randomized-k2 digits.emb -m randomized
run wide-auto wide.emb -k 20
run fashion-k50 fashion.emb -k 50
run fashion-randomized fashion.emb -k 50 -m randomized
run fashion-whiten fashion.emb -k 20 --whiten
"$PY" "$ROOT/tests/pca_ref.py" "$T/cases"

check "auto is exact for 64 columns" grep -aq '^meta pca.method exact$' "$T/digits-k10.out"
check "auto is randomized for more than 1000 columns and k = 20" \
    grep -aq '^meta pca.method randomized$' "$T/wide-auto.out"
check "the default k is 2" grep -aq '^meta pca.k 2$' "$T/digits-randomized-k2.out"

# --save then --apply gives the fit's output again (within 1e-5; in fact the same floats).
for n in digits-k10 digits-whiten digits-nocenter digits-randomized wide-auto fashion-k50; do
	[ -r "$T/$n.model" ] || continue
	in=${n%%-*}.emb
	emb-pca --apply "$T/$n.model" "$T/$in" >"$T/$n.apply"
	check "$n: --apply with the saved model reproduces the fit within 1e-5" \
	    "$PY" - "$T/$n.out" "$T/$n.apply" "$ROOT/tests" "$T/$n.model" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[3]); import embio
a, b = embio.last_points(sys.argv[1]), embio.last_points(sys.argv[2])
assert a["data"].shape == b["data"].shape
assert np.abs(a["data"].astype(np.float64) - b["data"]).max() <= 1e-5
assert a["labels"] == b["labels"] and a["fields"] == b["fields"]
assert b["meta"]["pca.model"] == sys.argv[4] and "pca.model" not in a["meta"]
for key in ("pca.k", "pca.method", "pca.whiten", "pca.center", "pca.explained_variance_ratio"):
    assert a["meta"][key] == b["meta"][key], key
PY
done
