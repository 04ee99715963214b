#!/bin/sh
# bench/tsne.sh [RUNS]: emb-tsne against FIt-SNE (and scikit-learn's TSNE with
# SKLEARN=1), whole processes, 2 threads, the same data in the same run, RUNS
# (default 3) interleaved runs each (KEEP=1 keeps the work directory); prints the medians of wall time, kNN
# preservation, 10-NN class accuracy and peak memory, and the per-phase times
# of emb-tsne -v.
#
#   emb-tsne -j 2 -v                    defaults; builds its own k = 90 graph
#   FIt-SNE fast_tsne(X, nthreads=2)    defaults (750 steps, Annoy k = 90), FITSNE=dir
#   sklearn TSNE(n_jobs=2)              defaults (1000 steps, Barnes-Hut), SKLEARN=1
#
# on Fashion-MNIST's 70,000 rows after PCA to 50 (sklearn), scored on 5,000
# random rows (../shared/data/README.md), and GloVe's 50,000 words after PCA
# to 50 (time and memory only).  The targets (issue 10): preservation >= 0.389,
# accuracy >= 0.837, at most 0.5x FIt-SNE's time (goal 0.33x); peak memory at
# most 2x (input + affinities + output).
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BIN=${BIN:-$ROOT/bin}
PY=/usr/bin/python3
DATA=${EMB_DATA:-$ROOT/../shared/data}
FITSNE=${FITSNE:-/tmp/fitsne}
RUNS=${1:-3}
W=$(mktemp -d)
[ -n "$KEEP" ] || trap 'rm -rf "$W"' EXIT
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2
[ -x "$FITSNE/bin/fast_tsne" ] || { echo "no FIt-SNE in FITSNE=$FITSNE (see the header)"; exit 1; }

echo "# preparing data in $W"
$PY tests/knn_ref.py pca "$DATA/fashion-mnist.npy" 70000 50 "$W/fm.npy" "$W/fm.emb" \
    "$DATA/fashion-mnist.labels"
$PY tests/knn_ref.py glove "$DATA/glove-100d-50k.txt.gz" 50000 "$W/glove100.emb"
$PY - "$W" <<'EOF'
import sys
import numpy as np
from sklearn.decomposition import PCA
sys.path.insert(0, "tests")
import embio
w = sys.argv[1]
f = embio.last_points(w + "/glove100.emb")
Y = PCA(50, random_state=0).fit_transform(np.array(f["data"])).astype(np.float32)
np.save(w + "/glove.npy", Y)
with open(w + "/glove.emb", "wb") as out:
    embio.write_points(out, Y, f["labels"], f["fields"])
EOF
cat >"$W/fitsne.py" <<'EOF'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from fast_tsne import fast_tsne
Y = fast_tsne(np.load(sys.argv[2]).astype(np.float64), nthreads=2, seed=1)
np.save(sys.argv[3], Y.astype(np.float32))
EOF
cat >"$W/sk_tsne.py" <<'EOF'
import sys
import numpy as np
from sklearn.manifold import TSNE
Y = TSNE(n_jobs=2, random_state=0, init="pca", learning_rate="auto").fit_transform(np.load(sys.argv[1]))
np.save(sys.argv[2], Y.astype(np.float32))
EOF

# timed NAME RUN CMD...: wall seconds and peak KB into $W/NAME.RUN.time
timed() {
	n=$1 r=$2; shift 2
	(cd "$W" && /usr/bin/time -f "%e %M" -o "$W/$n.$r.time" "$@") \
	    >"$W/$n.$r.out" 2>"$W/$n.$r.err" || {
		echo "$n run $r failed:"; tail -n 5 "$W/$n.$r.err"; }
}
score() {
	$PY tests/tsne_ref.py score "$W/fm.npy" "$1" "$DATA/fashion-mnist.labels" |
	    awk '{printf "%s ", $2}'
}
peers="emb fit"
[ -n "$SKLEARN" ] && peers="$peers sk"
r=1
while [ $r -le "$RUNS" ]; do
	for p in $peers; do
		echo "# run $r: $p"
		case $p in
		emb)	timed emb $r "$BIN/emb-tsne" -j 2 -v "$W/fm.emb"
			cp "$W/emb.$r.out" "$W/emb.$r.emb"
			echo "$(score "$W/emb.$r.emb")" >"$W/emb.$r.score" ;;
		fit)	timed fit $r $PY "$W/fitsne.py" "$FITSNE" "$W/fm.npy" "$W/fit.$r.npy"
			echo "$(score "$W/fit.$r.npy")" >"$W/fit.$r.score" ;;
		sk)	timed sk $r $PY "$W/sk_tsne.py" "$W/fm.npy" "$W/sk.$r.npy"
			echo "$(score "$W/sk.$r.npy")" >"$W/sk.$r.score" ;;
		esac
	done
	timed gemb $r "$BIN/emb-tsne" -j 2 -v "$W/glove.emb"
	timed gfit $r $PY "$W/fitsne.py" "$FITSNE" "$W/glove.npy" "$W/gfit.$r.npy"
	r=$((r + 1))
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { for f in "$W"/$1.*.$2; do awk -v c="$3" '{print $c}' "$f"; done | median; }
fit_t=$(col fit time 1)
echo
echo "Fashion-MNIST 70,000 x 50, 2 threads, medians of $RUNS runs (machine shared)"
printf '%-10s %8s %9s %13s %9s %9s\n' peer "wall s" "x FIt-SNE" preservation accuracy "peak MB"
for p in $peers; do
	t=$(col $p time 1)
	printf '%-10s %8.1f %9.2f %13.4f %9.4f %9.0f\n' \
	    "$(case $p in emb) echo emb-tsne;; fit) echo FIt-SNE;; sk) echo sklearn;; esac)" \
	    "$t" "$(echo "$t $fit_t" | awk '{print $1 / $2}')" "$(col $p score 1)" \
	    "$(col $p score 2)" "$(col $p time 2 | awk '{print $1 / 1024}')"
done
echo
echo "GloVe 50,000 x 50, 2 threads, medians"
for p in gemb gfit; do
	printf '%-10s %8.1f s %9.0f MB\n' "$(case $p in gemb) echo emb-tsne;; *) echo FIt-SNE;; esac)" \
	    "$(col $p time 1)" "$(col $p time 2 | awk '{print $1 / 1024}')"
done
echo
echo "emb-tsne -v, per phase (each run):"
for f in "$W"/emb.*.err "$W"/gemb.*.err; do
	tail -n 1 "$f" | sed 's/.*gradients; //'
done
# the memory bound: 2 x (input points + P + output)
tail -n 1 "$W/emb.1.err" | awk '{for (i = 1; i <= NF; i++) if ($(i + 1) == "nonzero") nnz = $i}
    END {b = 70000 * 50 * 4 + nnz * 8 + 70001 * 8 + 70000 * 2 * 4;
    printf "memory bound 2 x (input + P + output) = %.0f MB\n", 2 * b / 1048576}'
